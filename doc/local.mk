# doc/: the manual pages (mdoc).  tests/pkg/files.sh runs `mandoc -T lint`
# on them and checks that they name every option and command.
dist_man_MANS = \
	doc/rebond-dnsd.8 \
	doc/rebond-feeder.8 \
	doc/rebond-sync.8 \
	doc/rebondctl.8 \
	doc/rebond.conf.5
EXTRA_DIST += doc/feedback-loops.md doc/admin-guide.md

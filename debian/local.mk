# debian/: the Debian packaging, shipped in the release tarball so that a
# package can be built from it (tests/pkg/deb.sh builds one from
# `make distdir`).  Listed one by one: a build in the source tree leaves
# debian/rebond/, debian/tmp/ and the like, which must not be shipped.
EXTRA_DIST += \
	debian/changelog \
	debian/control \
	debian/copyright \
	debian/rules \
	debian/source/format \
	debian/rebond.dirs \
	debian/rebond.docs \
	debian/rebond.lintian-overrides \
	debian/rebond.postinst \
	debian/rebond.postrm \
	debian/rebond.README.Debian \
	debian/local.mk

# ctl/: rebondctl, the operator's tool.
noinst_LIBRARIES += libctl.a
libctl_a_SOURCES = \
	%D%/dnset.c %D%/dnset.h \
	%D%/checkdomain.c %D%/checkdomain.h %D%/cdmsg.c %D%/cdmsg.h \
	%D%/spf.c %D%/spf.h %D%/dkim.c %D%/dkim.h %D%/dmarc.c %D%/dmarc.h \
	%D%/issue.h %D%/json.c

bin_PROGRAMS += rebondctl
rebondctl_SOURCES = %D%/main.c %D%/ctl.h %D%/stats.c %D%/report.c \
	%D%/seen.c
rebondctl_LDADD = libctl.a libdnsd.a libfeeder.a libsync.a $(ZONES_LIBS)

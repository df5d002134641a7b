# ctl/: rebondctl, the operator's tool.
noinst_LIBRARIES += libctl.a
libctl_a_SOURCES = \
	%D%/dnset.c %D%/dnset.h

bin_PROGRAMS += rebondctl
rebondctl_SOURCES = %D%/main.c
rebondctl_LDADD = libctl.a libdnsd.a libfeeder.a libsync.a $(ZONES_LIBS)

# dnsd/: rebond-dnsd, authoritative DNS answered straight from LMDB.
noinst_LIBRARIES += libdnsd.a
libdnsd_a_SOURCES = \
	%D%/answer.c %D%/answer.h \
	%D%/exporter.c %D%/exporter.h \
	%D%/policy.c %D%/policy.h \
	%D%/rrl.c %D%/rrl.h \
	%D%/server.c %D%/server.h

sbin_PROGRAMS += rebond-dnsd
rebond_dnsd_SOURCES = %D%/main.c
rebond_dnsd_LDADD = libdnsd.a $(ZONES_LIBS)

# The Postfix configuration of the policy service, tested end to end.
EXTRA_DIST += contrib/postfix/main.cf.snippet contrib/postfix/rebond_rbl_reply \
	contrib/postfix/rebond_header_checks

# dnsd/: rebond-dnsd, authoritative DNS answered straight from LMDB.
noinst_LIBRARIES += libdnsd.a
libdnsd_a_SOURCES = \
	%D%/answer.c %D%/answer.h \
	%D%/server.c %D%/server.h

sbin_PROGRAMS += rebond-dnsd
rebond_dnsd_SOURCES = %D%/main.c
rebond_dnsd_LDADD = libdnsd.a $(ZONES_LIBS)

# zones/: the core library every program and test links.
noinst_LIBRARIES += libzones.a
libzones_a_SOURCES = \
	%D%/addr.c %D%/addr.h \
	%D%/conf.c %D%/conf.h \
	%D%/log.c %D%/log.h \
	%D%/metrics.c %D%/metrics.h \
	%D%/net.c %D%/net.h \
	%D%/notify.c %D%/notify.h \
	%D%/peer.c %D%/peer.h \
	%D%/policy.c %D%/policy.h \
	%D%/priv.c %D%/priv.h \
	%D%/record.c %D%/record.h \
	%D%/report.c %D%/report.h \
	%D%/store.c %D%/store.h \
	%D%/util.c %D%/util.h

ZONES_LIBS = libzones.a $(LDNS_LIBS) $(CRYPTO_LIBS) $(SODIUM_LIBS) $(LMDB_LIBS) \
	$(EVENT_LIBS) $(CURL_LIBS)

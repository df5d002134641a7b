# sync/: rebond-sync, signed federation between trusted relays.
noinst_LIBRARIES += libsync.a
libsync_a_SOURCES = \
	%D%/apply.c %D%/apply.h \
	%D%/auth.c %D%/auth.h \
	%D%/batch.c %D%/batch.h \
	%D%/key.c %D%/key.h \
	%D%/pull.c %D%/pull.h \
	%D%/serve.c %D%/serve.h

rebond_sync_SOURCES = %D%/main.c %D%/httpd.c %D%/client.c %D%/syncd.h

sbin_PROGRAMS += rebond-sync
rebond_sync_LDADD = libsync.a libfeeder.a $(ZONES_LIBS)
EXTRA_DIST += doc/PROTOCOL.md

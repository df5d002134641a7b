# sync/: rebond-sync, signed federation between trusted relays.
noinst_LIBRARIES += libsync.a
libsync_a_SOURCES = \
	%D%/apply.c %D%/apply.h \
	%D%/batch.c %D%/batch.h \
	%D%/key.c %D%/key.h \
	%D%/peer.c %D%/peer.h \
	%D%/serve.c %D%/serve.h

sbin_PROGRAMS += rebond-sync
rebond_sync_SOURCES = %D%/main.c
rebond_sync_LDADD = libsync.a $(ZONES_LIBS)
EXTRA_DIST += doc/PROTOCOL.md

# feeder/: rebond-feeder, learning from MTA logs and feedback reports.
noinst_LIBRARIES += libfeeder.a
libfeeder_a_SOURCES = \
	%D%/classify.c %D%/classify.h \
	%D%/count.c %D%/count.h \
	%D%/event.c %D%/event.h \
	%D%/exim.c %D%/from.c %D%/from.h \
	%D%/feed.c %D%/feed.h %D%/feeder.h \
	%D%/input.c %D%/input.h \
	%D%/keyset.c %D%/keyset.h \
	%D%/logline.c %D%/logline.h \
	%D%/mail.c %D%/mail.h \
	%D%/postfix.c %D%/span.h

sbin_PROGRAMS += rebond-feeder
rebond_feeder_SOURCES = %D%/main.c
rebond_feeder_LDADD = libfeeder.a $(ZONES_LIBS)

# feeder/: rebond-feeder, learning from MTA logs and feedback reports.
noinst_LIBRARIES += libfeeder.a
libfeeder_a_SOURCES = \
	%D%/classify.c %D%/classify.h \
	%D%/event.c %D%/event.h \
	%D%/mail.c %D%/mail.h

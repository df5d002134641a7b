/*
 * feeder/logline.h - split one log line into time, host, program and
 * message, whatever framed it:
 *
 *   RFC 3164   [<PRI>]Nov 22 19:45:46[.123456] host prog[pid]: msg
 *              (also without host, as from a local socket; and Postfix's
 *              maillog_file, which adds microseconds)
 *   RFC 3339   [<PRI>]2026-11-22T19:45:46.123+01:00 host prog[pid]: msg
 *   RFC 5424   <PRI>1 2026-11-22T19:45:46Z host prog pid msgid [sd] msg
 *   Exim       2026-11-22 19:45:46[.123] [+0100] msg   (its own mainlog;
 *              prog is then "exim")
 *
 * The result points into the line: nothing is copied or allocated.
 */
#ifndef REBOND_LOGLINE_H
#define REBOND_LOGLINE_H

#include <stddef.h>
#include <stdint.h>

struct logline {
	int64_t		 time;		/* Unix time, 0 if unknown */
	const char	*host;		/* may be NULL */
	size_t		 hostlen;
	const char	*prog;		/* "postfix/smtp", "exim4", ... */
	size_t		 proglen;
	const char	*msg;
	size_t		 msglen;
};

/* 0, or RB_EINVAL when no framing is recognised.  now is used to give a
 * year to RFC 3164 times (the year that puts the time closest before
 * now, allowing one day of clock skew). */
int	logline_parse(const char *line, size_t len, int64_t now,
	    struct logline *out);

/* Exim's own "YYYY-MM-DD HH:MM:SS" time at the start of s, with optional
 * fraction and zone; returns the bytes used (and *t) or 0. */
size_t	logline_exim_time(const char *s, size_t len, int64_t *t);

#endif

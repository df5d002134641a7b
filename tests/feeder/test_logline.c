/* tests/feeder/test_logline.c - syslog framings. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "../../feeder/logline.h"
#include "util.h"

static struct logline ll;

static int
parse(const char *s)
{
	/* 2023-11-22 12:00:00 UTC */
	return logline_parse(s, strlen(s), 1700654400, &ll);
}

static int
span_is(const char *p, size_t n, const char *want)
{
	return p && n == strlen(want) && memcmp(p, want, n) == 0;
}

int
main(void)
{
	setenv("TZ", "UTC", 1);

	ok(parse("Nov 20 10:00:02 relay postfix/smtp[2004]: 3F1A: to=<a@b>")
	    == 0, "RFC 3164");
	is_int(ll.time, 1700474402, "RFC 3164 time, year from now");
	ok(span_is(ll.host, ll.hostlen, "relay"), "RFC 3164 host");
	ok(span_is(ll.prog, ll.proglen, "postfix/smtp"), "RFC 3164 program");
	ok(span_is(ll.msg, ll.msglen, "3F1A: to=<a@b>"), "RFC 3164 message");

	ok(parse("<22>Nov  2 09:05:01 relay postfix-out/qmgr[1]: x") == 0 &&
	    span_is(ll.prog, ll.proglen, "postfix-out/qmgr") &&
	    ll.time == 1698915901, "priority, one-digit day, multi-instance");
	ok(parse("Dec 31 23:59:59 relay postfix/smtp[1]: late") == 0 &&
	    ll.time == 1672531199, "December line read in November: last year");
	ok(parse("Nov 22 12:30:00 relay postfix/smtp[1]: x") == 0 &&
	    ll.time == 1700656200, "up to a day ahead stays this year");
	ok(parse("Nov 20 10:00:02.123456 relay postfix/smtp[1]: x") == 0 &&
	    ll.time == 1700474402, "maillog_file microseconds");
	ok(parse("Nov 20 10:00:02 postfix/smtp[1]: no host") == 0 &&
	    ll.host == NULL && span_is(ll.msg, ll.msglen, "no host"),
	    "no host (local socket)");

	ok(parse("2023-11-20T10:00:02.512+01:00 relay postfix/smtp[9]: m") ==
	    0 && ll.time == 1700470802, "RFC 3339 with offset");
	ok(parse("2023-11-20T10:00:02Z relay postfix/smtp[9]: m") == 0 &&
	    ll.time == 1700474402, "RFC 3339 Z");
	ok(parse("<13>1 2023-11-20T10:00:02.003Z relay postfix/smtp 2004 - - "
	    "3F1A: to=<a@b>") == 0 && ll.time == 1700474402 &&
	    span_is(ll.prog, ll.proglen, "postfix/smtp") &&
	    span_is(ll.msg, ll.msglen, "3F1A: to=<a@b>"), "RFC 5424");
	ok(parse("<13>1 2023-11-20T10:00:02Z relay exim 7 - "
	    "[meta x=\"a]\\\"b\"] hello") == 0 &&
	    span_is(ll.msg, ll.msglen, "hello"), "RFC 5424 structured data");
	ok(parse("<22>1 2023-11-20T10:00:02Z relay postfix/smtp 2004 - -  "
	    "3F1A: to=<a@b>") == 0 &&
	    span_is(ll.msg, ll.msglen, "3F1A: to=<a@b>"),
	    "RFC 5424 from rsyslog: the message's own leading blank");
	ok(parse("<13>1 - - - - - - x") == 0 && ll.time == 0 &&
	    ll.host == NULL, "RFC 5424 nil values");

	ok(parse("2023-11-20 10:00:02 1rAbCd-0001xY-Ab => bob@example.com") ==
	    0 && span_is(ll.prog, ll.proglen, "exim") && ll.time ==
	    1700474402 && span_is(ll.msg, ll.msglen,
	    "1rAbCd-0001xY-Ab => bob@example.com"), "Exim main log");
	ok(parse("2023-11-20 10:00:02.555 +0100 1rAbCd-0001xY-Ab <= a@b") ==
	    0 && ll.time == 1700470802 && span_is(ll.msg, ll.msglen,
	    "1rAbCd-0001xY-Ab <= a@b"), "Exim with fraction and zone");

	/* The time of the previous line is kept: not across a change of
	 * now, nor of the bytes. */
	ok(parse("Dec 31 23:59:59 relay postfix/smtp[1]: x") == 0 &&
	    ll.time == 1672531199, "December line read in November");
	ok(logline_parse("Dec 31 23:59:59 relay postfix/smtp[1]: x", 40,
	    1704067200, &ll) == 0 && ll.time == 1704067199,
	    "the same line read in January: the year of now");
	ok(parse("Dec 31 23:59:58.5 relay postfix/smtp[1]: x") == 0 &&
	    ll.time == 1672531198, "another second");
	ok(parse("Dec 31 23:59:58 relay postfix/smtp[1]: x") == 0 &&
	    ll.time == 1672531198 && span_is(ll.prog, ll.proglen,
	    "postfix/smtp"), "the same second without fraction");

	/* A host is any word; a tag is made of printable ASCII. */
	ok(parse("Nov 20 10:00:02 re[lay postfix/smtp: x") == 0 &&
	    span_is(ll.host, ll.hostlen, "re[lay") &&
	    span_is(ll.prog, ll.proglen, "postfix/smtp"),
	    "a host that starts like a tag");
	ok(parse("Nov 20 10:00:02 re[lay postfix/smtp[1]: x") == 0 &&
	    ll.host == NULL && span_is(ll.prog, ll.proglen, "re") &&
	    span_is(ll.msg, ll.msglen, "x"), "... or is one, up to ']:'");
	ok(parse("Nov 20 10:00:02 r\xc3\xa9lay x: y") == 0 &&
	    span_is(ll.host, ll.hostlen, "r\xc3\xa9lay") &&
	    span_is(ll.prog, ll.proglen, "x"), "a host in UTF-8");
	ok(parse("Nov 20 10:00:02 relay p\xc3\xa9: y") == RB_EINVAL,
	    "no UTF-8 in a tag");
	ok(parse("Nov 20 10:00:02 relay p\x7f: y") == RB_EINVAL,
	    "no DEL in a tag");
	ok(parse("Nov 20 10:00:02 relay ~!prog/x.y-z_{}: y") == 0 &&
	    span_is(ll.prog, ll.proglen, "~!prog/x.y-z_{}"),
	    "punctuation in a tag");

	ok(parse("") == RB_EINVAL, "empty line");
	ok(parse("garbage without framing") == RB_EINVAL, "no framing");
	ok(parse("Nov 20 10:00:02") == RB_EINVAL, "time alone");
	ok(parse("Foo 20 10:00:02 relay postfix/smtp[1]: x") == RB_EINVAL,
	    "bad month");
	ok(parse("Nov 20 25:00:02 relay postfix/smtp[1]: x") == RB_EINVAL,
	    "bad hour");
	ok(parse("<999999>Nov 20 10:00:02 relay x[1]: y") == RB_EINVAL,
	    "oversized priority");
	ok(parse("<13>1 2023-11-20T10:00:02Z relay exim 7 - [unterminated")
	    == RB_EINVAL, "RFC 5424 unterminated structured data");
	ok(parse("Nov 20 10:00:02 relay prog[123 missing bracket") ==
	    RB_EINVAL, "unterminated pid");

	{
		/* Random bytes never crash; pointers stay inside the line. */
		char buf[128];
		int i, j, bad = 0;

		srand(3);
		for (i = 0; i < 100000; i++) {
			size_t n = (size_t)(rand() % (int)sizeof(buf));

			for (j = 0; j < (int)n; j++)
				buf[j] = (char)("Nov 20:1<>[] -T.Z+ab"[rand() %
				    20]);
			if (logline_parse(buf, n, 1700654400, &ll) == 0 &&
			    (ll.msg < buf || ll.msg + ll.msglen > buf + n))
				bad++;
		}
		is_int(bad, 0, "random framings: message inside the line");
	}
	return done_testing();
}

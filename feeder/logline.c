/* feeder/logline.c - see logline.h.  Hand-written: this runs per line. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "logline.h"
#include "util.h"

static int
digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int64_t)era * 146097 + doe - 719468;
}

static int64_t
mk_utc(int y, int mo, int d, int h, int mi, int s)
{
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

static int
valid_time(int mo, int d, int h, int mi, int s)
{
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 &&
	    mi <= 59 && s <= 60;
}

/* Skip ".123456" after seconds. */
static size_t
fraction(const char *s, size_t len)
{
	size_t i = 0;

	if (len > 0 && (s[0] == '.' || s[0] == ',')) {
		i = 1;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i;
}

/* "Z", "+01:00", "+0100" -> seconds east of UTC; bytes used or 0. */
static size_t
zone(const char *s, size_t len, int *off)
{
	int h, m;

	*off = 0;
	if (len >= 1 && s[0] == 'Z')
		return 1;
	if (len >= 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':' &&
	    digits(s + 1, 2, &h) && digits(s + 4, 2, &m)) {
		*off = (h * 3600 + m * 60) * (s[0] == '-' ? -1 : 1);
		return 6;
	}
	if (len >= 5 && (s[0] == '+' || s[0] == '-') &&
	    digits(s + 1, 2, &h) && digits(s + 3, 2, &m)) {
		*off = (h * 3600 + m * 60) * (s[0] == '-' ? -1 : 1);
		return 5;
	}
	return 0;
}

/* Local time without a zone.  mktime() is slow (it reads the zone
 * rules each time): the start of the last hour asked is cached, and zone
 * changes happen on hour boundaries. */
static int64_t
mk_local(int y, int mo, int d, int h, int mi, int s)
{
	static int cy = -1, cmo, cd, ch;
	static int64_t chour;
	struct tm tm;

	if (y != cy || mo != cmo || d != cd || h != ch) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_isdst = -1;
		chour = (int64_t)mktime(&tm);
		cy = y;
		cmo = mo;
		cd = d;
		ch = h;
	}
	return chour + mi * 60 + s;
}

/* YYYY-MM-DD[T ]HH:MM:SS[.f][zone]; bytes used or 0. */
static size_t
iso_time(const char *s, size_t len, char sep, int64_t *t, int need_zone)
{
	int y, mo, d, h, mi, sec, off;
	size_t i, z;

	if (len < 19 || s[4] != '-' || s[7] != '-' || s[10] != sep ||
	    s[13] != ':' || s[16] != ':' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
	    !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) ||
	    !digits(s + 17, 2, &sec) || !valid_time(mo, d, h, mi, sec))
		return 0;
	i = 19 + fraction(s + 19, len - 19);
	if (sep == ' ' && i < len && s[i] == ' ' &&
	    (z = zone(s + i + 1, len - i - 1, &off)) > 0 &&
	    (i + 1 + z == len || s[i + 1 + z] == ' ')) {
		*t = mk_utc(y, mo, d, h, mi, sec) - off;
		return i + 1 + z;
	}
	if ((z = zone(s + i, len - i, &off)) > 0) {
		*t = mk_utc(y, mo, d, h, mi, sec) - off;
		return i + z;
	}
	if (need_zone)
		return 0;
	*t = mk_local(y, mo, d, h, mi, sec);
	return i;
}

size_t
logline_exim_time(const char *s, size_t len, int64_t *t)
{
	return iso_time(s, len, ' ', t, 0);
}

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/*
 * "Nov 22 19:45:46" or "Nov  2 19:45:46", optional fraction.  The time
 * depends on those 15 bytes and now only, and lines come many to the
 * second: the last answer is kept.
 */
static size_t
bsd_time(const char *s, size_t len, int64_t now, int64_t *t)
{
	static char last[15];
	static int64_t lastnow = -1, lastt;
	int mo, d, h, mi, sec, y;
	const char *m;
	size_t i;
	time_t tn = (time_t)now;
	struct tm tm;

	if (len < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' ||
	    s[12] != ':')
		return 0;
	i = 15 + fraction(s + 15, len - 15);
	if (now == lastnow && memcmp(s, last, sizeof(last)) == 0) {
		*t = lastt;
		return i;
	}
	for (m = months; *m; m += 3)
		if (m[0] == s[0] && m[1] == s[1] && m[2] == s[2])
			break;
	if (*m == '\0')
		return 0;
	mo = (int)(m - months) / 3 + 1;
	if (s[4] == ' ') {
		if (!digits(s + 5, 1, &d))
			return 0;
	} else if (!digits(s + 4, 2, &d))
		return 0;
	if (!digits(s + 7, 2, &h) || !digits(s + 10, 2, &mi) ||
	    !digits(s + 13, 2, &sec) || !valid_time(mo, d, h, mi, sec))
		return 0;
	/* The year of now, asked once per distinct now. */
	{
		static time_t cnow = -1;
		static int cyear;

		if (tn != cnow) {
			localtime_r(&tn, &tm);
			cyear = tm.tm_year + 1900;
			cnow = tn;
		}
		y = cyear;
	}
	*t = mk_local(y, mo, d, h, mi, sec);
	if (*t > now + 86400)	/* December's lines read in January */
		*t = mk_local(y - 1, mo, d, h, mi, sec);
	memcpy(last, s, sizeof(last));
	lastnow = now;
	lastt = *t;
	return i;
}

/*
 * The bytes a tag (program name) is made of: printable ASCII but '['
 * and ':'.  A table, as it is asked for each byte of each line.
 */
static const unsigned char tagchar[256] = {
	/* 0x00-0x1f: control characters; 0x20: space */
	['!'] = 1, ['"'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1,
	['\''] = 1, ['('] = 1, [')'] = 1, ['*'] = 1, ['+'] = 1, [','] = 1,
	['-'] = 1, ['.'] = 1, ['/'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	/* not ':' */
	[';'] = 1, ['<'] = 1, ['='] = 1, ['>'] = 1, ['?'] = 1, ['@'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	/* not '[' */
	['\\'] = 1, [']'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
	['{'] = 1, ['|'] = 1, ['}'] = 1, ['~'] = 1
	/* 0x7f: DEL; 0x80-0xff: not ASCII */
};

/*
 * "prog[pid]: msg" or "prog: msg" at s; fills prog and msg.  *stop is
 * set to the end of the run of tag characters at s, tag or not: a word
 * that is no tag is a host, and the caller goes on from there.
 */
static int
tag(const char *s, const char *end, struct logline *out, const char **stop)
{
	const char *p = s;

	while (p < end && tagchar[(unsigned char)*p])
		p++;
	*stop = p;
	if (p == s)
		return 0;
	out->prog = s;
	out->proglen = (size_t)(p - s);
	if (p < end && *p == '[') {
		if ((p = memchr(p, ']', (size_t)(end - p))) == NULL)
			return 0;
		p++;
	}
	if (p >= end || *p != ':')
		return 0;
	p++;
	if (p < end && *p == ' ')
		p++;
	out->msg = p;
	out->msglen = (size_t)(end - p);
	return 1;
}

static const char *
word(const char *p, const char *end, const char **w, size_t *wl)
{
	*w = p;
	while (p < end && *p != ' ')
		p++;
	*wl = (size_t)(p - *w);
	return p < end ? p + 1 : p;
}

/* RFC 5424 after "<PRI>1 ". */
static int
rfc5424(const char *p, const char *end, struct logline *out)
{
	const char *ts, *host, *app, *pid, *msgid;
	size_t tsl, hl, al, pl, ml, n;

	p = word(p, end, &ts, &tsl);
	p = word(p, end, &host, &hl);
	p = word(p, end, &app, &al);
	p = word(p, end, &pid, &pl);
	p = word(p, end, &msgid, &ml);
	if (ml == 0)
		return RB_EINVAL;
	if (tsl == 1 && ts[0] == '-')
		out->time = 0;
	else if ((n = iso_time(ts, tsl, 'T', &out->time, 1)) != tsl)
		return RB_EINVAL;
	/* Structured data: "-" or one or more [..] (with escapes). */
	if (p < end && *p == '-')
		p++;
	else
		while (p < end && *p == '[') {
			int quoted = 0;

			/* PARAM-VALUE is quoted and may hold "]" and \". */
			for (p++; p < end && (quoted || *p != ']'); p++) {
				if (quoted && *p == '\\' && p + 1 < end)
					p++;
				else if (*p == '"')
					quoted = !quoted;
			}
			if (p == end)
				return RB_EINVAL;
			p++;
		}
	/* One blank by the RFC; rsyslog's forwarding templates keep the
	 * blank the message itself starts with: skip them all. */
	while (p < end && *p == ' ')
		p++;
	/* A UTF-8 BOM may start the message. */
	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	out->host = hl == 1 && host[0] == '-' ? NULL : host;
	out->hostlen = out->host ? hl : 0;
	out->prog = app;
	out->proglen = al == 1 && app[0] == '-' ? 0 : al;
	out->msg = p;
	out->msglen = (size_t)(end - p);
	return RB_OK;
}

int
logline_parse(const char *line, size_t len, int64_t now, struct logline *out)
{
	const char *p = line, *end = line + len, *h;
	size_t n;

	memset(out, 0, sizeof(*out));
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (p < end && *p == '<') {
		const char *q = p + 1;

		while (q < end && q - p <= 4 && *q >= '0' && *q <= '9')
			q++;
		if (q == p + 1 || q >= end || *q != '>')
			return RB_EINVAL;
		p = q + 1;
		if (end - p >= 2 && p[0] == '1' && p[1] == ' ')
			return rfc5424(p + 2, end, out);
	}
	/* An ISO time starts with a digit, an RFC 3164 one with a month. */
	if (p < end && *p >= '0' && *p <= '9') {
		/* Exim's own log: "YYYY-MM-DD HH:MM:SS ..." */
		if ((n = iso_time(p, (size_t)(end - p), ' ', &out->time,
		    0)) > 0 && p + n < end && p[n] == ' ') {
			out->prog = "exim";
			out->proglen = 4;
			out->msg = p + n + 1;
			out->msglen = (size_t)(end - out->msg);
			return RB_OK;
		}
		n = iso_time(p, (size_t)(end - p), 'T', &out->time, 0);
	} else
		n = bsd_time(p, (size_t)(end - p), now, &out->time);
	if (n == 0)
		return RB_EINVAL;
	p += n;
	if (p >= end || *p != ' ')
		return RB_EINVAL;
	p++;
	/* A host, unless the tag comes straight after the time; the host's
	 * first bytes were read by tag(). */
	h = p;
	if (tag(p, end, out, &p))
		return RB_OK;
	while (p < end && *p != ' ')
		p++;
	out->host = h;
	out->hostlen = (size_t)(p - h);
	if (p >= end || !tag(p + 1, end, out, &p))
		return RB_EINVAL;
	return RB_OK;
}

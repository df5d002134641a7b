/*
 * feeder/mail.c - see mail.h.
 *
 * Everything is parsed in place: an entity (a mail, a MIME part, an
 * embedded message) is a range of the input, a multipart is scanned for
 * its delimiter lines, header fields are read where they lie and only
 * the values kept are copied, unfolded, into the report.  The one copy
 * is the decoding of a base64 or quoted-printable part that must be
 * read, into a bounded buffer.  Every loop is bounded by an end pointer,
 * recursion by MAIL_DEPTH_MAX.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "mail.h"
#include "util.h"

struct span {
	const char	*p, *e;
};

enum { CTE_IDENTITY = 0, CTE_QP, CTE_BASE64, CTE_UNKNOWN };

struct entity {
	const char	*body, *end;
	char		 type[64];	/* "multipart/report", lower case */
	char		 boundary[MAIL_BOUNDARY_MAX + 1];
	char		 report_type[32];
	int		 cte;
	const char	*bad;		/* unusable Content-Type parameter */
};

/* What an embedded message (or its returned headers) tells. */
struct embedded {
	char		 to[ADDR_MAX + 1];
	char		 xhm[ADDR_MAX + 1];	/* X-HmXmrOriginalRecipient */
	char		 rpath[ADDR_MAX + 1];
	char		 from[ADDR_MAX + 1];
	char		 msgid[256];
	int		 is_report;		/* itself a multipart/report */
};

struct ctx {
	struct mail_report	*r;
	const char		*why;		/* first structural error */
	const char		*soft;		/* first error inside an
						 * embedded message */
	int			 in_embedded;
	char			 dec[MAIL_DECODE_MAX];
};

struct hdr_it {
	const char	*p, *end;
	int		 count;
	int		 lenient;	/* skip over-long lines */
};

struct mp {
	const char	*end;
	const char	*b;
	size_t		 blen;
	const char	*next;		/* start of the next part, NULL at the
					 * closing delimiter */
};

static void
note(struct ctx *c, const char *why)
{
	if (c->in_embedded) {
		if (c->soft == NULL)
			c->soft = why;
	} else if (c->why == NULL)
		c->why = why;
}

/* strlcpy, which glibc before 2.38 lacks. */
static void
scopy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int
is_wsp(int ch)
{
	return ch == ' ' || ch == '\t';
}

static int
is_fws(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static int
span_ieq(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(s.e - s.p) == n && strncasecmp(s.p, lit, n) == 0;
}

static struct span
trim(struct span s)
{
	while (s.p < s.e && is_fws((unsigned char)*s.p))
		s.p++;
	while (s.e > s.p && is_fws((unsigned char)s.e[-1]))
		s.e--;
	return s;
}

/* Skip a comment starting at p (on '('), nested, with quoted pairs. */
static const char *
skip_comment(const char *p, const char *e)
{
	int depth = 0;

	for (; p < e; p++) {
		if (*p == '\\' && p + 1 < e)
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return e;
}

static const char *
skip_cfws(const char *p, const char *e)
{
	while (p < e) {
		if (is_fws((unsigned char)*p))
			p++;
		else if (*p == '(')
			p = skip_comment(p, e);
		else
			break;
	}
	return p;
}

/*
 * Lines and header fields.
 */

/* The line at p: *cend is the end of its content (CR LF or LF removed),
 * the return value the start of the next line (e at the end).  Returns
 * NULL when the line is longer than max. */
static const char *
line_at(const char *p, const char *e, size_t max, const char **cend)
{
	size_t room = (size_t)(e - p);
	const char *nl = memchr(p, '\n', room < max + 2 ? room : max + 2);
	const char *ce = nl ? nl : e;

	if (ce > p && ce[-1] == '\r')
		ce--;
	if ((size_t)(ce - p) > max)
		return NULL;
	*cend = ce;
	return nl ? nl + 1 : e;
}

static void
hdr_init(struct hdr_it *it, const char *p, const char *end, int lenient)
{
	it->p = p;
	it->end = end;
	it->count = 0;
	it->lenient = lenient;
}

/* Next field of a header block: 1 and its name and raw value (folds
 * included); 0 at the blank line ending the block (it->p then points
 * after it) or at the end; RB_EINVAL and *why. */
static int
hdr_next(struct hdr_it *it, struct span *name, struct span *val,
    const char **why)
{
	const char *p, *ce, *next, *colon, *q;

again:
	p = it->p;
	if (p >= it->end)
		return 0;
	if ((next = line_at(p, it->end, MAIL_LINE_MAX, &ce)) == NULL) {
		if (it->lenient) {
			/* an over-long line and its folds are passed over */
			do {
				q = memchr(p, '\n', (size_t)(it->end - p));
				p = q ? q + 1 : it->end;
			} while (p < it->end && is_wsp((unsigned char)*p));
			it->p = p;
			goto again;
		}
		*why = "header line too long";
		return RB_EINVAL;
	}
	if (ce == p) {
		it->p = next;
		return 0;
	}
	if (memchr(p, '\0', (size_t)(ce - p)) != NULL) {
		*why = "NUL byte in header";
		return RB_EINVAL;
	}
	if (is_wsp((unsigned char)*p)) {
		*why = "header continuation line without a field";
		return RB_EINVAL;
	}
	if ((colon = memchr(p, ':', (size_t)(ce - p))) == NULL) {
		*why = "header without colon";
		return RB_EINVAL;
	}
	name->p = p;
	name->e = colon;
	while (name->e > name->p && is_wsp((unsigned char)name->e[-1]))
		name->e--;
	if (name->e == name->p) {
		*why = "malformed header name";
		return RB_EINVAL;
	}
	for (q = name->p; q < name->e; q++)
		if ((unsigned char)*q <= 32 || (unsigned char)*q >= 127) {
			*why = "malformed header name";
			return RB_EINVAL;
		}
	if (++it->count > MAIL_FIELDS_MAX) {
		*why = "too many header fields";
		return RB_EINVAL;
	}
	val->p = colon + 1;
	val->e = ce;
	while (next < it->end && is_wsp((unsigned char)*next)) {
		const char *n2;

		if ((n2 = line_at(next, it->end, MAIL_LINE_MAX, &ce)) == NULL) {
			*why = "header line too long";
			return RB_EINVAL;
		}
		if (memchr(next, '\0', (size_t)(ce - next)) != NULL) {
			*why = "NUL byte in header";
			return RB_EINVAL;
		}
		if ((size_t)(ce - p) > MAIL_FIELD_MAX) {
			*why = "header field too long";
			return RB_EINVAL;
		}
		val->e = ce;
		next = n2;
	}
	it->p = next;
	return 1;
}

/* Skip blank lines (some generators put one before the fields). */
static const char *
skip_blank(const char *p, const char *e)
{
	const char *ce, *next;

	while (p < e && (next = line_at(p, e, MAIL_LINE_MAX, &ce)) != NULL &&
	    ce == p)
		p = next;
	return p;
}

/* Skip the "From sender date" envelope line of an mbox, of a pipe
 * (Postfix local, Exim) or of a forwarder. */
static const char *
skip_envelope(const char *p, const char *e)
{
	const char *ce, *next;

	if (e - p > 5 && memcmp(p, "From ", 5) == 0 &&
	    (next = line_at(p, e, MAIL_LINE_MAX, &ce)) != NULL)
		return next;
	return p;
}

/*
 * Values.
 */

/* Copy a value with its white space (folds included) collapsed to one
 * space, trimmed, control characters replaced, truncated to outsz - 1.
 * Returns the length. */
static size_t
val_copy(struct span v, char *out, size_t outsz)
{
	size_t o = 0;
	int space = 0;

	for (; v.p < v.e && o + 1 < outsz; v.p++) {
		unsigned char ch = (unsigned char)*v.p;

		if (is_fws(ch)) {
			space = o > 0;
			continue;
		}
		if (space) {
			out[o++] = ' ';
			space = 0;
			if (o + 1 >= outsz)
				break;
		}
		out[o++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	out[o] = '\0';
	return o;
}

/* The part after the first ';' of "type; value" (all of it without
 * one). */
static struct span
typed(struct span v)
{
	const char *semi = memchr(v.p, ';', (size_t)(v.e - v.p));

	if (semi != NULL)
		v.p = semi + 1;
	return trim(v);
}

/* The first token of a value: up to white space, ';', ',' or a
 * comment; lower-cased. */
static void
token_copy_case(struct span v, char *out, size_t outsz, int lower)
{
	const char *p = skip_cfws(v.p, v.e);
	size_t o = 0;

	while (p < v.e && o + 1 < outsz) {
		unsigned char ch = (unsigned char)*p;

		if (is_fws(ch) || ch == ';' || ch == ',' || ch == '(' ||
		    ch < 0x20 || ch >= 0x7f)
			break;
		out[o++] = lower ? (char)tolower(ch) : (char)ch;
		p++;
	}
	out[o] = '\0';
}

static void
token_copy(struct span v, char *out, size_t outsz)
{
	token_copy_case(v, out, outsz, 1);
}

/* An address from a field, normalised; 0 or -1 ("" in out). */
static int
addr_copy(const char *in, size_t len, char *out)
{
	if (addr_normalise(in, len, out, ADDR_MAX + 1) < 0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* The address inside <...>: comments and white space dropped, an
 * obsolete source route removed. */
static int
angle_addr(const char *p, const char *e, char *out)
{
	char buf[ADDR_MAX + 2];
	const char *colon;
	size_t n = 0;

	while (p < e) {
		if (*p == '(') {
			p = skip_comment(p, e);
			continue;
		}
		if (!is_fws((unsigned char)*p)) {
			if (n >= sizeof(buf))
				return addr_copy("", 0, out);
			buf[n++] = *p;
		}
		p++;
	}
	if (n > 0 && buf[0] == '@' &&
	    (colon = memchr(buf, ':', n)) != NULL)
		return addr_copy(colon + 1, n - (size_t)(colon + 1 - buf), out);
	return addr_copy(buf, n, out);
}

/* The first mailbox of an address list (RFC 5322 3.4): display names,
 * comments and group names dropped, normalised into out.  0 or -1. */
static int
first_address(struct span v, char *out)
{
	char plain[ADDR_MAX + 2];
	const char *p = v.p, *e = v.e, *q;
	size_t n = 0;
	int over = 0;

	while (p < e) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '(') {
			p = skip_comment(p, e);
		} else if (ch == '"') {
			for (q = p + 1; q < e && *q != '"'; q++)
				if (*q == '\\' && q + 1 < e)
					q++;
			if (q < e)
				q++;
			for (; p < q; p++) {
				if (*p == '\r' || *p == '\n')
					continue;
				if (n < sizeof(plain))
					plain[n++] = *p;
				else
					over = 1;
			}
		} else if (ch == '<') {
			q = memchr(p + 1, '>', (size_t)(e - p - 1));
			return angle_addr(p + 1, q ? q : e, out);
		} else if (ch == ',' || ch == ';') {
			if (n > 0)
				break;
			p++;
		} else if (ch == ':') {
			n = 0;		/* group name */
			over = 0;
			p++;
		} else if (is_fws(ch)) {
			p++;
		} else {
			if (n < sizeof(plain))
				plain[n++] = (char)ch;
			else
				over = 1;
			p++;
		}
	}
	if (n == 0 || over)
		return addr_copy("", 0, out);
	return addr_copy(plain, n, out);
}

/* A local part that a feedback loop redacted: "redacted", "xxxxx", ... */
static int
redacted(const char *a)
{
	const char *at = strrchr(a, '@'), *p;
	size_t n = at ? (size_t)(at - a) : strlen(a);

	for (p = a; p + 8 <= a + n; p++)
		if (strncmp(p, "redacted", 8) == 0)
			return 1;
	for (p = a; p < a + n; p++)
		if (strchr("x*#", *p) == NULL)
			return 0;
	return 1;
}

/* Message-ID without <>: "" when absent, empty or too long. */
static void
msgid_copy(struct span v, char *out, size_t outsz)
{
	const char *p = skip_cfws(v.p, v.e), *q, *e;

	out[0] = '\0';
	if (p < v.e && *p == '<') {
		p++;
		if ((e = memchr(p, '>', (size_t)(v.e - p))) == NULL)
			return;
	} else
		for (e = p; e < v.e && !is_fws((unsigned char)*e) &&
		    *e != '('; e++)
			;
	while (p < e && is_fws((unsigned char)*p))
		p++;
	while (e > p && is_fws((unsigned char)e[-1]))
		e--;
	if (p == e || (size_t)(e - p) >= outsz)
		return;
	for (q = p; q < e; q++)
		if ((unsigned char)*q <= 32 || (unsigned char)*q >= 127)
			return;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
}

/* An IPv4 or IPv6 address as written (hex digits, '.' and ':'). */
static void
ip_copy(struct span v, char *out, size_t outsz)
{
	const char *p;

	token_copy(v, out, outsz);
	for (p = out; *p; p++)
		if (!isxdigit((unsigned char)*p) && *p != '.' && *p != ':') {
			out[0] = '\0';
			return;
		}
}

/* An enhanced status code: class.subject.detail. */
static void
status_copy(struct span v, char *out, size_t outsz)
{
	const char *p;
	int dots = 0, digits = 0;

	token_copy(v, out, outsz);
	if (out[0] != '2' && out[0] != '4' && out[0] != '5')
		goto bad;
	for (p = out; *p; p++) {
		if (*p == '.') {
			if (digits == 0 || ++dots > 2)
				goto bad;
			digits = 0;
		} else if (!isdigit((unsigned char)*p) || ++digits > 3)
			goto bad;
	}
	if (dots == 2 && digits > 0)
		return;
bad:
	out[0] = '\0';
}

/*
 * Dates: RFC 5322 (obsolete forms included) and, as some generators
 * write it, ISO 8601.  0 when unparsable.
 */

static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
num(const char **pp, const char *e, int maxdig, int *out)
{
	const char *p = *pp;
	int v = 0, n = 0;

	while (p < e && isdigit((unsigned char)*p) && n < maxdig) {
		v = v * 10 + (*p - '0');
		p++;
		n++;
	}
	if (n == 0)
		return -1;
	*pp = p;
	*out = v;
	return n;
}

static int64_t
mktime_utc(int y, int mo, int d, int h, int mi, int s, int off)
{
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || s > 60)
		return 0;
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
	    off;
}

static int64_t
iso_date(const char *p, const char *e)
{
	int y, mo, d, h, mi, s = 0, oh, om, off = 0, sign;

	if (num(&p, e, 4, &y) != 4 || p >= e || *p++ != '-' ||
	    num(&p, e, 2, &mo) != 2 || p >= e || *p++ != '-' ||
	    num(&p, e, 2, &d) != 2 || p >= e || (*p != 'T' && *p != 't' &&
	    *p != ' ') || (++p, num(&p, e, 2, &h)) != 2 || p >= e ||
	    *p++ != ':' || num(&p, e, 2, &mi) != 2)
		return 0;
	if (p < e && *p == ':') {
		p++;
		if (num(&p, e, 2, &s) != 2)
			return 0;
		if (p < e && *p == '.')
			for (p++; p < e && isdigit((unsigned char)*p); p++)
				;
	}
	if (p < e && (*p == '+' || *p == '-')) {
		sign = *p++ == '-' ? -1 : 1;
		if (num(&p, e, 2, &oh) != 2)
			return 0;
		if (p < e && *p == ':')
			p++;
		if (num(&p, e, 2, &om) != 2)
			return 0;
		off = sign * (oh * 3600 + om * 60);
	}
	return mktime_utc(y, mo, d, h, mi, s, off);
}

static int64_t
parse_date(struct span v)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	static const struct {
		const char	*name;
		int		 hours;
	} zones[] = {
		{ "ut", 0 }, { "gmt", 0 }, { "utc", 0 }, { "z", 0 },
		{ "est", -5 }, { "edt", -4 }, { "cst", -6 }, { "cdt", -5 },
		{ "mst", -7 }, { "mdt", -6 }, { "pst", -8 }, { "pdt", -7 },
	};
	const char *p = skip_cfws(v.p, v.e), *e = v.e, *q, *m;
	char mon[4];
	int d, y, h, mi, s = 0, off = 0, nd, z;
	size_t i;

	if (e - p >= 5 && isdigit((unsigned char)p[0]) && p[4] == '-')
		return iso_date(p, e);
	/* day of week */
	for (q = p; q < e && isalpha((unsigned char)*q); q++)
		;
	if (q > p) {
		p = skip_cfws(q, e);
		if (p < e && *p == ',')
			p = skip_cfws(p + 1, e);
	}
	if (num(&p, e, 2, &d) < 0)
		return 0;
	p = skip_cfws(p, e);
	for (i = 0; i < 3 && p < e && isalpha((unsigned char)*p); i++)
		mon[i] = (char)tolower((unsigned char)*p++);
	mon[i] = '\0';
	while (p < e && isalpha((unsigned char)*p))	/* full month names */
		p++;
	if (i != 3 || (m = strstr(months, mon)) == NULL ||
	    (m - months) % 3 != 0)
		return 0;
	p = skip_cfws(p, e);
	if ((nd = num(&p, e, 4, &y)) < 0)
		return 0;
	if (nd == 2)
		y += y < 50 ? 2000 : 1900;
	else if (nd == 3)
		y += 1900;
	p = skip_cfws(p, e);
	if (num(&p, e, 2, &h) < 0)
		return 0;
	p = skip_cfws(p, e);
	if (p >= e || *p++ != ':')
		return 0;
	p = skip_cfws(p, e);
	if (num(&p, e, 2, &mi) < 0)
		return 0;
	p = skip_cfws(p, e);
	if (p < e && *p == ':') {
		p = skip_cfws(p + 1, e);
		if (num(&p, e, 2, &s) < 0)
			return 0;
		p = skip_cfws(p, e);
	}
	if (p < e && (*p == '+' || *p == '-')) {
		int sign = *p == '-' ? -1 : 1;

		p++;
		if (num(&p, e, 4, &z) != 4 || z % 100 > 59)
			return 0;
		off = sign * (z / 100 * 3600 + z % 100 * 60);
	} else if (p < e && isalpha((unsigned char)*p)) {
		char zn[4];

		for (i = 0; i < 3 && p + i < e &&
		    isalpha((unsigned char)p[i]); i++)
			zn[i] = (char)tolower((unsigned char)p[i]);
		zn[i] = '\0';
		/* unknown and military zones count as +0000 (RFC 5322 4.3) */
		for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
			if (strcmp(zn, zones[i].name) == 0)
				off = zones[i].hours * 3600;
	}
	return mktime_utc(y, (int)((m - months) / 3) + 1, d, h, mi, s, off);
}

/*
 * MIME.
 */

static int
is_tspecial(int ch)
{
	return ch <= 32 || ch >= 127 || strchr("()<>@,;:\\\"/[]?=", ch);
}

/* A token or quoted string starting at p into out (lower-cased if
 * lower); *over when it did not fit.  Returns the position after it. */
static const char *
param_value(const char *p, const char *e, char *out, size_t outsz,
    int lower, int *over)
{
	size_t o = 0;

	*over = 0;
	if (p < e && *p == '"') {
		for (p++; p < e && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < e)
				p++;
			else if (*p == '\r' || *p == '\n')
				continue;	/* folded */
			if (o + 1 < outsz)
				out[o++] = lower ? (char)tolower((unsigned char)*p)
				    : *p;
			else
				*over = 1;
		}
		if (p < e)
			p++;
	} else
		for (; p < e && !is_tspecial((unsigned char)*p); p++) {
			if (o + 1 < outsz)
				out[o++] = lower ? (char)tolower((unsigned char)*p)
				    : *p;
			else
				*over = 1;
		}
	out[o] = '\0';
	return p;
}

/* Content-Type: type/subtype and the parameters we use.  A value that
 * does not parse leaves the default type (RFC 2045 5.2). */
static void
content_type(struct span v, struct entity *ent)
{
	const char *p = skip_cfws(v.p, v.e), *e = v.e, *q;
	char type[64], name[32], val[MAIL_BOUNDARY_MAX + 2];
	size_t o = 0;
	int over, slash = 0;

	for (q = p; q < e && o + 1 < sizeof(type); q++) {
		if (*q == '/' && !slash && o > 0)
			slash = 1;
		else if (is_tspecial((unsigned char)*q))
			break;
		type[o++] = (char)tolower((unsigned char)*q);
	}
	type[o] = '\0';
	if (!slash || type[o - 1] == '/')
		return;
	memcpy(ent->type, type, o + 1);
	p = q;
	for (;;) {
		p = skip_cfws(p, e);
		if (p >= e || *p != ';')
			break;
		p = skip_cfws(p + 1, e);
		p = param_value(p, e, name, sizeof(name), 1, &over);
		p = skip_cfws(p, e);
		if (p >= e || *p != '=')
			continue;
		p = skip_cfws(p + 1, e);
		if (strcmp(name, "boundary") == 0) {
			p = param_value(p, e, val, sizeof(val), 0, &over);
			if (over || strlen(val) > MAIL_BOUNDARY_MAX)
				ent->bad = "boundary too long";
			else if (ent->boundary[0] == '\0')
				memcpy(ent->boundary, val, strlen(val) + 1);
		} else if (strcmp(name, "report-type") == 0) {
			p = param_value(p, e, ent->report_type,
			    sizeof(ent->report_type), 1, &over);
		} else
			p = param_value(p, e, val, sizeof(val), 0, &over);
	}
}

/* Read the header block of an entity at [p, end). */
static int
entity_parse(const char *p, const char *end, const char *deftype,
    struct entity *ent, int lenient, const char **why)
{
	struct hdr_it it;
	struct span name, val;
	char cte[32];
	int rc, seen_ct = 0;

	memset(ent, 0, sizeof(*ent));
	scopy(ent->type, deftype, sizeof(ent->type));
	hdr_init(&it, p, end, lenient);
	while ((rc = hdr_next(&it, &name, &val, why)) == 1) {
		if (span_ieq(name, "Content-Type") && !seen_ct) {
			seen_ct = 1;
			content_type(val, ent);
		} else if (span_ieq(name, "Content-Transfer-Encoding")) {
			token_copy(val, cte, sizeof(cte));
			if (strcmp(cte, "7bit") == 0 ||
			    strcmp(cte, "8bit") == 0 ||
			    strcmp(cte, "binary") == 0)
				ent->cte = CTE_IDENTITY;
			else if (strcmp(cte, "quoted-printable") == 0)
				ent->cte = CTE_QP;
			else if (strcmp(cte, "base64") == 0)
				ent->cte = CTE_BASE64;
			else
				ent->cte = CTE_UNKNOWN;
		}
	}
	if (rc < 0)
		return rc;
	ent->body = it.p;
	ent->end = end;
	return 0;
}

static int
is_multipart(const struct entity *ent)
{
	return strncmp(ent->type, "multipart/", 10) == 0;
}

static int
is_message(const struct entity *ent)
{
	return strcmp(ent->type, "message/rfc822") == 0 ||
	    strcmp(ent->type, "message/global") == 0;
}

static int
is_returned(const struct entity *ent)
{
	return is_message(ent) ||
	    strcmp(ent->type, "text/rfc822-headers") == 0 ||
	    strcmp(ent->type, "message/global-headers") == 0;
}

/* The delimiter line at or after p: its start, *close for the closing
 * one, *next after it.  NULL when there is none. */
static const char *
find_delim(const char *p, const char *e, const char *b, size_t blen,
    int *close, const char **next)
{
	const char *t, *nl;

	while (p < e) {
		if ((size_t)(e - p) >= blen + 2 && p[0] == '-' && p[1] == '-' &&
		    memcmp(p + 2, b, blen) == 0) {
			t = p + 2 + blen;
			*close = 0;
			if (e - t >= 2 && t[0] == '-' && t[1] == '-') {
				*close = 1;
				t += 2;
			}
			while (t < e && is_wsp((unsigned char)*t))
				t++;
			if (t == e || *t == '\n' ||
			    (*t == '\r' && (t + 1 == e || t[1] == '\n'))) {
				if (t < e && *t == '\r')
					t++;
				*next = t < e ? t + 1 : e;
				return p;
			}
		}
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			break;
		p = nl + 1;
	}
	return NULL;
}

/* Check the structure of a multipart body before reading any part. */
static int
mp_open(struct mp *m, const struct entity *ent, const char **why)
{
	const char *p, *next;
	int close, parts = 0;

	if (ent->bad != NULL) {
		*why = ent->bad;
		return RB_EINVAL;
	}
	if (ent->boundary[0] == '\0') {
		*why = "missing boundary";
		return RB_EINVAL;
	}
	if (ent->cte != CTE_IDENTITY) {
		*why = "multipart with a transfer encoding";
		return RB_EINVAL;
	}
	m->end = ent->end;
	m->b = ent->boundary;
	m->blen = strlen(ent->boundary);
	if (find_delim(ent->body, m->end, m->b, m->blen, &close,
	    &m->next) == NULL) {
		*why = "boundary not found in multipart body";
		return RB_EINVAL;
	}
	if (close) {
		*why = "multipart without any part";
		return RB_EINVAL;
	}
	for (p = m->next; ; p = next) {
		if (find_delim(p, m->end, m->b, m->blen, &close,
		    &next) == NULL) {
			*why = "truncated MIME structure";
			return RB_EINVAL;
		}
		if (++parts > MAIL_PARTS_MAX) {
			*why = "too many MIME parts";
			return RB_EINVAL;
		}
		if (close)
			return 0;
	}
}

/* The next part of a multipart checked by mp_open: 1 and its range,
 * 0 after the last. */
static int
mp_next(struct mp *m, struct span *part)
{
	const char *d, *next;
	int close;

	if (m->next == NULL)
		return 0;
	d = find_delim(m->next, m->end, m->b, m->blen, &close, &next);
	if (d == NULL)			/* not after mp_open */
		return 0;
	part->p = m->next;
	part->e = d;
	/* the line end before a delimiter belongs to it */
	if (part->e > part->p && part->e[-1] == '\n')
		part->e--;
	if (part->e > part->p && part->e[-1] == '\r')
		part->e--;
	m->next = close ? NULL : next;
	return 1;
}

/*
 * Transfer encodings, for the parts that must be read.
 */

static int
b64val(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

static size_t
b64_decode(const char *p, const char *e, char *out, size_t outsz, int *full)
{
	uint32_t acc = 0;
	size_t o = 0;
	int bits = 0, v;

	*full = 0;
	for (; p < e && *p != '='; p++) {
		if ((v = b64val((unsigned char)*p)) < 0)
			continue;	/* line breaks; junk ignored (RFC 2045) */
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (o == outsz) {
				*full = 1;
				break;
			}
			out[o++] = (char)(acc >> bits & 0xff);
		}
	}
	return o;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

static size_t
qp_decode(const char *p, const char *e, char *out, size_t outsz, int *full)
{
	const char *q;
	size_t o = 0;
	int h, l;

	*full = 0;
	while (p < e) {
		if (o == outsz) {
			*full = 1;
			break;
		}
		if (*p == '=') {
			if (e - p >= 3 && (h = hexval((unsigned char)p[1])) >= 0 &&
			    (l = hexval((unsigned char)p[2])) >= 0) {
				out[o++] = (char)(h << 4 | l);
				p += 3;
				continue;
			}
			for (q = p + 1; q < e && is_wsp((unsigned char)*q); q++)
				;
			if (q < e && *q == '\r')
				q++;
			if (q == e || *q == '\n') {	/* soft line break */
				p = q < e ? q + 1 : e;
				continue;
			}
			out[o++] = *p++;
		} else if (is_wsp((unsigned char)*p)) {
			/* trailing white space is dropped (RFC 2045 6.7) */
			for (q = p; q < e && is_wsp((unsigned char)*q); q++)
				;
			if (q == e || *q == '\n' ||
			    (*q == '\r' && q + 1 < e && q[1] == '\n')) {
				p = q;
				continue;
			}
			while (p < q && o < outsz)
				out[o++] = *p++;
		} else
			out[o++] = *p++;
	}
	return o;
}

/* The readable content of a part: in place, or decoded into c->dec (a
 * part larger than the buffer is cut at its last whole line). */
static int
content(struct ctx *c, const struct entity *ent, struct span *out)
{
	size_t n;
	int full;

	switch (ent->cte) {
	case CTE_IDENTITY:
		out->p = ent->body;
		out->e = ent->end;
		return 0;
	case CTE_BASE64:
		n = b64_decode(ent->body, ent->end, c->dec, sizeof(c->dec),
		    &full);
		break;
	case CTE_QP:
		n = qp_decode(ent->body, ent->end, c->dec, sizeof(c->dec),
		    &full);
		break;
	default:
		return RB_EINVAL;
	}
	if (full)
		while (n > 0 && c->dec[n - 1] != '\n')
			n--;
	out->p = c->dec;
	out->e = c->dec + n;
	return 0;
}

/*
 * Reports.
 */

/* The headers of an embedded message or of returned headers. */
static void
embedded_read(struct ctx *c, const struct entity *ent, struct embedded *em)
{
	struct hdr_it it;
	struct span s, name, val;
	struct entity inner;
	const char *why;
	int have_ct = 0;

	memset(em, 0, sizeof(*em));
	if (content(c, ent, &s) < 0)
		return;
	s.p = skip_envelope(skip_blank(s.p, s.e), s.e);
	hdr_init(&it, s.p, s.e, 1);
	while (hdr_next(&it, &name, &val, &why) == 1) {
		if (span_ieq(name, "Message-ID")) {
			if (em->msgid[0] == '\0')
				msgid_copy(val, em->msgid, sizeof(em->msgid));
		} else if (span_ieq(name, "To")) {
			if (em->to[0] == '\0')
				first_address(val, em->to);
		} else if (span_ieq(name, "From")) {
			if (em->from[0] == '\0')
				first_address(val, em->from);
		} else if (span_ieq(name, "Return-Path")) {
			if (em->rpath[0] == '\0')
				first_address(val, em->rpath);
		} else if (span_ieq(name, "X-HmXmrOriginalRecipient")) {
			if (em->xhm[0] == '\0')
				first_address(val, em->xhm);
		} else if (span_ieq(name, "Content-Type") && !have_ct) {
			have_ct = 1;
			memset(&inner, 0, sizeof(inner));
			content_type(val, &inner);
			em->is_report = strcmp(inner.type,
			    "multipart/report") == 0;
		}
	}
}

static void
set_addr(char *dst, const char *src, int check_redacted)
{
	if (dst[0] != '\0' || src[0] == '\0' ||
	    (check_redacted && redacted(src)))
		return;
	scopy(dst, src, ADDR_MAX + 1);
}

static void
embedded_apply(const struct embedded *em, struct mail_arf *a)
{
	set_addr(a->complainer, em->xhm, 1);
	set_addr(a->complainer, em->to, 1);
	set_addr(a->mail_from, em->rpath, 0);
	set_addr(a->mail_from, em->from, 0);
	if (a->message_id[0] == '\0')
		scopy(a->message_id, em->msgid, sizeof(a->message_id));
}

/* The fields of a message/feedback-report part (RFC 5965 3.1). */
static int
feedback_fields(struct ctx *c, const struct entity *ent, struct mail_arf *a)
{
	struct mail_report *r = c->r;
	struct hdr_it it;
	struct span s, name, val;
	char addr[ADDR_MAX + 1], dom[DOMAIN_MAX + 2];
	const char *why;
	int rc;

	if (content(c, ent, &s) < 0) {
		note(c, "unsupported Content-Transfer-Encoding");
		return RB_EINVAL;
	}
	/* fields may be split by stray blank lines: read every block */
	for (s.p = skip_blank(s.p, s.e); s.p < s.e; s.p = it.p) {
		hdr_init(&it, s.p, s.e, 1);
		while ((rc = hdr_next(&it, &name, &val, &why)) == 1) {
			if (span_ieq(name, "Feedback-Type")) {
				if (a->feedback_type[0] == '\0')
					token_copy(val, a->feedback_type,
					    sizeof(a->feedback_type));
			} else if (span_ieq(name, "Original-Rcpt-To")) {
				if (first_address(val, addr) == 0)
					set_addr(a->complainer, addr, 1);
			} else if (span_ieq(name, "Original-Mail-From")) {
				if (first_address(val, addr) == 0)
					set_addr(a->mail_from, addr, 0);
			} else if (span_ieq(name, "Arrival-Date") ||
			    span_ieq(name, "Received-Date")) {
				if (a->arrival == 0)
					a->arrival = parse_date(val);
			} else if (span_ieq(name, "Source-IP")) {
				if (a->source_ip[0] == '\0')
					ip_copy(val, a->source_ip,
					    sizeof(a->source_ip));
			} else if (span_ieq(name, "Reported-Domain")) {
				val = trim(val);
				if (a->reported_domain[0] == '\0' &&
				    domain_normalise(val.p,
				    (size_t)(val.e - val.p), dom,
				    sizeof(dom)) >= 0)
					scopy(a->reported_domain, dom,
					    sizeof(a->reported_domain));
			} else if (span_ieq(name, "Auth-Failure")) {
				if (a->auth_failure[0] == '\0')
					token_copy(val, a->auth_failure,
					    sizeof(a->auth_failure));
			} else if (span_ieq(name, "Reporting-MTA")) {
				if (r->reporting_mta[0] == '\0')
					val_copy(typed(val), r->reporting_mta,
					    sizeof(r->reporting_mta));
			} else if (span_ieq(name, "Original-Envelope-Id")) {
				if (r->envelope_id[0] == '\0')
					val_copy(val, r->envelope_id,
					    sizeof(r->envelope_id));
			}
		}
		if (rc < 0)
			break;		/* stopped on a malformed line */
	}
	if (a->feedback_type[0] == '\0') {
		note(c, "feedback-report without Feedback-Type");
		return RB_EINVAL;
	}
	return 0;
}

static void walk(struct ctx *, const struct entity *, int);

static void
arf_report(struct ctx *c, const struct entity *ent)
{
	struct mail_report *r = c->r;
	struct embedded em;
	struct entity part, orphan;
	struct span s;
	struct mp m;
	const char *why;
	int i, filled = r->n, nfr = 0, have_orphan = 0;

	if (mp_open(&m, ent, &why) < 0) {
		note(c, why);
		return;
	}
	while (mp_next(&m, &s)) {
		if (entity_parse(s.p, s.e, "text/plain", &part, 0, &why) < 0) {
			note(c, why);
			continue;
		}
		if (strcmp(part.type, "message/feedback-report") == 0) {
			struct mail_arf *a;

			nfr++;
			if (r->n >= MAIL_MAX_ITEMS) {
				r->truncated = 1;
				continue;
			}
			a = &r->arf[r->n];
			memset(a, 0, sizeof(*a));
			if (feedback_fields(c, &part, a) == 0)
				r->n++;
		} else if (is_returned(&part)) {
			if (filled < r->n) {
				/* for every report since the last message */
				embedded_read(c, &part, &em);
				for (i = filled; i < r->n; i++)
					embedded_apply(&em, &r->arf[i]);
				filled = r->n;
			} else if (!have_orphan) {
				orphan = part;
				have_orphan = 1;
			}
		}
	}
	if (nfr == 0)
		note(c, "no feedback-report part");
	if (filled < r->n && have_orphan) {
		embedded_read(c, &orphan, &em);
		for (i = filled; i < r->n; i++)
			embedded_apply(&em, &r->arf[i]);
	}
}

static int
recipient_field(struct span name)
{
	return span_ieq(name, "Final-Recipient") ||
	    span_ieq(name, "Original-Recipient") ||
	    span_ieq(name, "Action") || span_ieq(name, "Status") ||
	    span_ieq(name, "Diagnostic-Code") || span_ieq(name, "Remote-MTA");
}

/* The fields of a message/delivery-status part (RFC 3464 2.2, 2.3): the
 * per-message block, then one block per recipient. */
static void
dsn_fields(struct ctx *c, const struct entity *ent)
{
	struct mail_report *r = c->r;
	struct mail_dsn *d = NULL, scratch;
	struct hdr_it it;
	struct span s, name, val, t;
	char buf[ADDR_MAX + 8];
	const char *why;
	int i, j, rc, first = r->n, has_final = 0;

	if (content(c, ent, &s) < 0) {
		note(c, "unsupported Content-Transfer-Encoding");
		return;
	}
	for (s.p = skip_blank(s.p, s.e); s.p < s.e; s.p = it.p) {
		hdr_init(&it, s.p, s.e, 1);
		while ((rc = hdr_next(&it, &name, &val, &why)) == 1) {
			if (span_ieq(name, "Reporting-MTA")) {
				if (r->reporting_mta[0] == '\0')
					val_copy(typed(val), r->reporting_mta,
					    sizeof(r->reporting_mta));
				continue;
			} else if (span_ieq(name, "Original-Envelope-Id")) {
				if (r->envelope_id[0] == '\0')
					val_copy(val, r->envelope_id,
					    sizeof(r->envelope_id));
				continue;
			} else if (span_ieq(name, "X-Original-Message-ID")) {
				/* Gmail's, for a DSN without the message */
				if (r->message_id[0] == '\0')
					msgid_copy(val, r->message_id,
					    sizeof(r->message_id));
				continue;
			} else if (span_ieq(name, "X-Postfix-Queue-ID")) {
				if (r->queue_id[0] == '\0')
					token_copy_case(val, r->queue_id,
					    sizeof(r->queue_id), 0);
				continue;
			} else if (!recipient_field(name))
				continue;
			if (d == NULL || (has_final &&
			    span_ieq(name, "Final-Recipient"))) {
				/* a new recipient */
				if (r->n < MAIL_MAX_ITEMS)
					d = &r->dsn[r->n++];
				else {
					r->truncated = 1;
					d = &scratch;
				}
				memset(d, 0, sizeof(*d));
				has_final = 0;
			}
			if (span_ieq(name, "Final-Recipient")) {
				has_final = 1;
				t = typed(val);
				val_copy(t, buf, sizeof(buf));
				addr_copy(buf, strlen(buf), d->recipient);
			} else if (span_ieq(name, "Original-Recipient")) {
				t = typed(val);
				val_copy(t, buf, sizeof(buf));
				addr_copy(buf, strlen(buf),
				    d->original_recipient);
			} else if (span_ieq(name, "Action"))
				token_copy(val, d->action, sizeof(d->action));
			else if (span_ieq(name, "Status"))
				status_copy(val, d->status, sizeof(d->status));
			else if (span_ieq(name, "Diagnostic-Code"))
				val_copy(typed(val), d->diagnostic,
				    sizeof(d->diagnostic));
			else if (span_ieq(name, "Remote-MTA"))
				val_copy(typed(val), d->remote_mta,
				    sizeof(d->remote_mta));
		}
		if (rc < 0)
			break;		/* stopped on a malformed line */
		d = NULL;		/* a blank line ends a block */
		has_final = 0;
	}
	/* a recipient is known by its address */
	for (i = j = first; i < r->n; i++) {
		if (r->dsn[i].recipient[0] == '\0')
			memcpy(r->dsn[i].recipient,
			    r->dsn[i].original_recipient,
			    sizeof(r->dsn[i].recipient));
		if (r->dsn[i].recipient[0] == '\0')
			continue;
		if (i != j)
			r->dsn[j] = r->dsn[i];
		j++;
	}
	r->n = j;
	if (r->n == first)
		note(c, "delivery-status without a recipient");
}

static void
dsn_report(struct ctx *c, const struct entity *ent)
{
	struct mail_report *r = c->r;
	struct embedded em;
	struct entity part;
	struct span s;
	struct mp m;
	const char *why;
	int nds = 0;

	if (mp_open(&m, ent, &why) < 0) {
		note(c, why);
		return;
	}
	while (mp_next(&m, &s)) {
		if (entity_parse(s.p, s.e, "text/plain", &part, 0, &why) < 0) {
			note(c, why);
			continue;
		}
		if (strcmp(part.type, "message/delivery-status") == 0 ||
		    strcmp(part.type, "message/global-delivery-status") == 0) {
			nds++;
			dsn_fields(c, &part);
		} else if (is_returned(&part) && r->message_id[0] == '\0') {
			embedded_read(c, &part, &em);
			scopy(r->message_id, em.msgid, sizeof(r->message_id));
		}
	}
	if (nds == 0)
		note(c, "no delivery-status part");
}

/* Which report a multipart/report holds: its report-type, or its parts
 * when the parameter is missing. */
static int
report_kind(const struct entity *ent)
{
	struct entity part;
	struct span s;
	struct mp m;
	const char *why;

	if (strcmp(ent->report_type, "feedback-report") == 0)
		return MAIL_ARF;
	if (strcmp(ent->report_type, "delivery-status") == 0 ||
	    strcmp(ent->report_type, "global-delivery-status") == 0)
		return MAIL_DSN;
	if (ent->report_type[0] != '\0' || mp_open(&m, ent, &why) < 0)
		return MAIL_UNKNOWN;
	while (mp_next(&m, &s)) {
		if (entity_parse(s.p, s.e, "text/plain", &part, 0, &why) < 0)
			continue;
		if (strcmp(part.type, "message/feedback-report") == 0)
			return MAIL_ARF;
		if (strcmp(part.type, "message/delivery-status") == 0 ||
		    strcmp(part.type, "message/global-delivery-status") == 0)
			return MAIL_DSN;
	}
	return MAIL_UNKNOWN;
}

/* Look for reports anywhere in the MIME tree. */
static void
walk(struct ctx *c, const struct entity *ent, int depth)
{
	struct entity sub;
	struct span s;
	struct mp m;
	const char *why;
	int kind, saved;

	if (strcmp(ent->type, "multipart/report") == 0) {
		if (mp_open(&m, ent, &why) < 0) {
			note(c, why);
			return;
		}
		kind = report_kind(ent);
		if (kind == MAIL_UNKNOWN) {
			note(c, "unsupported report-type");
			return;
		}
		if (c->r->kind != MAIL_UNKNOWN && c->r->kind != kind)
			return;
		saved = c->r->n;
		if (kind == MAIL_ARF)
			arf_report(c, ent);
		else
			dsn_report(c, ent);
		if (c->r->n > saved)
			c->r->kind = kind;
	} else if (is_multipart(ent)) {
		if (mp_open(&m, ent, &why) < 0) {
			note(c, why);
			return;
		}
		while (mp_next(&m, &s)) {
			if (depth >= MAIL_DEPTH_MAX) {
				note(c, "MIME nesting too deep");
				return;
			}
			if (entity_parse(s.p, s.e,
			    strcmp(ent->type, "multipart/digest") == 0 ?
			    "message/rfc822" : "text/plain", &sub, 0,
			    &why) < 0) {
				note(c, why);
				continue;
			}
			walk(c, &sub, depth + 1);
		}
	} else if (is_message(ent) && ent->cte == CTE_IDENTITY) {
		/* a forwarded report; any error in there is the embedded
		 * message's, not the report's */
		if (depth >= MAIL_DEPTH_MAX) {
			note(c, "MIME nesting too deep");
			return;
		}
		saved = c->in_embedded;
		c->in_embedded = 1;
		if (entity_parse(skip_envelope(skip_blank(ent->body,
		    ent->end), ent->end), ent->end, "text/plain", &sub, 0,
		    &why) == 0)
			walk(c, &sub, depth + 1);
		c->in_embedded = saved;
	}
}

/* Microsoft JMRP and the like: a message/rfc822 attached to a multipart
 * that holds no report is a complaint about that message. */
static void
jmrp(struct ctx *c, const char *hdr, const struct entity *top)
{
	struct mail_report *r = c->r;
	char xhm[ADDR_MAX + 1] = "", addr[ADDR_MAX + 1];
	struct embedded em;
	struct entity part;
	struct hdr_it it;
	struct span s, name, val;
	struct mp m;
	const char *why;
	struct mail_arf *a;

	if (!is_multipart(top) || mp_open(&m, top, &why) < 0)
		return;
	hdr_init(&it, hdr, top->end, 0);
	while (hdr_next(&it, &name, &val, &why) == 1) {
		if (span_ieq(name, "Return-Path")) {
			/* a bounce, not a complaint */
			if (first_address(val, addr) < 0)
				return;
		} else if (span_ieq(name, "X-HmXmrOriginalRecipient") &&
		    xhm[0] == '\0')
			first_address(val, xhm);
	}
	while (mp_next(&m, &s)) {
		if (entity_parse(s.p, s.e, "text/plain", &part, 0, &why) < 0 ||
		    !is_message(&part))
			continue;
		embedded_read(c, &part, &em);
		if (em.is_report)
			continue;
		if (r->n >= MAIL_MAX_ITEMS) {
			r->truncated = 1;
			break;
		}
		a = &r->arf[r->n++];
		memset(a, 0, sizeof(*a));
		scopy(a->feedback_type, "abuse", sizeof(a->feedback_type));
		set_addr(a->complainer, em.xhm, 1);
		set_addr(a->complainer, xhm, 1);
		embedded_apply(&em, a);
	}
	if (r->n > 0)
		r->kind = MAIL_ARF;
}

/* Why a mail that is not a multipart is refused. */
static const char *
not_report(const char *hdr, const struct entity *top)
{
	static const char *const marks[] = {
		"mail delivery software", "Undelivered Mail Returned",
		"Delivery Status Notification", "could not be delivered",
	};
	struct hdr_it it;
	struct span name, val;
	const char *why;
	size_t i, n;

	hdr_init(&it, hdr, top->end, 0);
	while (hdr_next(&it, &name, &val, &why) == 1)
		if (span_ieq(name, "X-Failed-Recipients"))
			return "plain-text bounce, not a multipart/report";
	n = (size_t)(top->end - top->body);
	if (n > 8192)
		n = 8192;
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (memmem(top->body, n, marks[i], strlen(marks[i])) != NULL)
			return "plain-text bounce, not a multipart/report";
	return "not a multipart/report";
}

int
mail_parse(const char *buf, size_t len, struct mail_report *r,
    const char **why)
{
	struct ctx c;
	struct entity top;
	const char *p = buf, *end = buf + len, *w = NULL;

	memset(r, 0, offsetof(struct mail_report, arf));
	r->truncated = 0;
	c.r = r;
	c.why = c.soft = NULL;
	c.in_embedded = 0;
	if (len == 0)
		w = "empty mail";
	else if (len > MAIL_SIZE_MAX)
		w = "mail too large";
	if (w != NULL)
		goto fail;
	p = skip_envelope(p, end);
	if (skip_blank(p, end) != p) {
		w = "mail without header";
		goto fail;
	}
	if (entity_parse(p, end, "text/plain", &top, 0, &w) < 0)
		goto fail;
	if (!is_multipart(&top) && !is_message(&top)) {
		w = not_report(p, &top);
		goto fail;
	}
	walk(&c, &top, 0);
	if (r->n > 0)
		return 0;
	if ((w = c.why) != NULL)
		goto fail;
	jmrp(&c, p, &top);
	if (r->n > 0)
		return 0;
	if ((w = c.soft) == NULL)
		w = "not a multipart/report";
fail:
	r->kind = MAIL_UNKNOWN;
	r->n = 0;
	r->truncated = 0;
	if (why != NULL)
		*why = w;
	return RB_EINVAL;
}

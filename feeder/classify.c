/*
 * feeder/classify.c - see classify.h; the rules format is documented in
 * contrib/classify.rules.
 *
 * A rule is a class, an optional sub-reason and conditions that must all
 * hold.  Conditions are sorted cheapest first when a rule is read (status,
 * reply code, enhanced status code, substrings, regular expressions) and
 * regular expressions are compiled once.  classify() copies the reply
 * once, lower-cased and with white space squeezed, into a bounded stack
 * buffer, notes which byte pairs occur in it (a 4096-slot filter that
 * lets most substring tests fail without a scan), and walks the rules
 * that the status leaves (each status has its list, made when rules are
 * read): no allocation, no lock, nothing written outside its arguments.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "event.h"
#include "log.h"
#include "util.h"

#define TEXT_MAX	4096		/* reply bytes looked at */
#define BIGRAMS		4096		/* slots of the byte pair filter */
#define PAT_BIGRAMS	4		/* pairs tested before strstr */
#define RULE_NEEDS	4		/* pairs tested before a rule */
#define SUB_MAX		31
#define REGEX_MAX	512
#define REGEX_SIZE	1000		/* estimated compiled atoms */
#define REGEX_DEPTH	16		/* nested groups */
#define RULES_MAX	(16 << 20)	/* largest rules file read */

enum {
	ST_SENT = 0x01,
	ST_BOUNCED = 0x02,
	ST_DEFERRED = 0x04,
	ST_EXPIRED = 0x08,
	ST_REJECT = 0x10
};

static const struct {
	const char	*name;
	size_t		 len;
	unsigned	 bit;
} statuses[] = {
	{ "sent", 4, ST_SENT },
	{ "bounced", 7, ST_BOUNCED },
	{ "deferred", 8, ST_DEFERRED },
	{ "expired", 7, ST_EXPIRED },
	{ "reject", 6, ST_REJECT },
	{ NULL, 0, 0 }
};
/* What a call knows of the status: unknown (0) or one of statuses[]. */
#define STATUS_SLOTS	6

/* Condition kinds, in the order they are evaluated (cheapest first). */
enum cond_kind { C_STATUS, C_CODE, C_DSN, C_TEXT, C_REGEX };

struct range {
	int	lo, hi;
};

struct dsnpat {
	struct range	part[3];	/* class, subject, detail */
};

struct pat {
	char		*s;		/* normalised, NUL-terminated */
	size_t		 len;
	uint16_t	 bg[PAT_BIGRAMS];
	int		 nbg;
};

struct cond {
	int		 kind;		/* enum cond_kind */
	int		 neg;		/* written !cond */
	unsigned	 mask;		/* C_STATUS */
	size_t		 n;		/* alternatives */
	struct range	*codes;		/* C_CODE */
	struct dsnpat	*dsns;		/* C_DSN */
	struct pat	*pats;		/* C_TEXT */
	regex_t		 re;		/* C_REGEX */
};

struct rule {
	int		 cls;
	char		 sub[SUB_MAX + 1];
	struct cond	*conds;
	size_t		 nconds;
	size_t		 first;		/* first condition not on status */
	uint16_t	 need[RULE_NEEDS];	/* see rule_need() */
	int		 nneed;
};

/*
 * walk[slot] lists, in order, the rules whose status conditions hold for
 * that status (see status_slot()): the only rules classify() need try.
 * Rebuilt whenever rules are added.
 */
struct classifier {
	struct rule	*rules;
	size_t		 nrules;
	const struct rule **walk[STATUS_SLOTS];
	size_t		 nwalk[STATUS_SLOTS];
};

/* What one call knows about the outcome. */
struct ctx {
	unsigned	 status;	/* one ST_* bit, 0 if unknown */
	int		 code;		/* 0 if none */
	int		 has_dsn;
	int		 dsn[3];
	const char	*text;
	size_t		 len;
	uint8_t		 bigram[BIGRAMS];	/* 1 if a pair hashed here */
};

struct parser {
	const char	*name;
	int		 line;
	char		*err;
	size_t		 errlen;
};

static inline unsigned
bigram(unsigned char a, unsigned char b)
{
	return ((unsigned)a << 5 ^ b) & (BIGRAMS - 1);
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

/*
 * Copy in (up to inlen bytes or its NUL) to out, lower-casing ASCII and
 * the Latin-1 capitals of UTF-8 (so that "REFUSÉ" finds "refusé") and
 * squeezing each run of white space into one space.  Replies and rule
 * strings go through the same function.  Returns the length written.
 */
static size_t
normalise(const char *in, size_t inlen, char *out, size_t outsz)
{
	size_t i, o = 0;
	int space = 0;

	for (i = 0; i < inlen && o + 1 < outsz; i++) {
		unsigned char c = (unsigned char)in[i];

		/* Most bytes: neither white space, NUL nor UTF-8 Latin-1. */
		if (c > ' ' && c != 0xc3) {
			if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			out[o++] = (char)c;
			space = 0;
			continue;
		}
		if (c == '\0')
			break;
		if (is_space(c)) {
			if (!space)
				out[o++] = ' ';
			space = 1;
			continue;
		}
		space = 0;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		else if (c == 0xc3 && i + 1 < inlen && o + 2 < outsz) {
			unsigned char d = (unsigned char)in[i + 1];

			if (d >= 0x80 && d <= 0x9e && d != 0x97)
				d += 0x20;
			if (d >= 0x80 && d <= 0xbf) {
				out[o++] = (char)c;
				out[o++] = (char)d;
				i++;
				continue;
			}
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return o;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * An enhanced status code "C.S.D" at s (class 2, 4 or 5, then 1-3 digits
 * twice) that does not run on into more digits or dots: "5.1.1" but not
 * the "1.2.3" of "1.2.3.4".  Returns its length or 0.
 */
static size_t
dsn_at(const char *s, int out[3])
{
	size_t i = 1;
	int part, v, n;

	if (s[0] != '2' && s[0] != '4' && s[0] != '5')
		return 0;
	out[0] = s[0] - '0';
	for (part = 1; part <= 2; part++) {
		if (s[i] != '.')
			return 0;
		i++;
		for (v = 0, n = 0; n < 3 && is_digit(s[i]); n++, i++)
			v = v * 10 + (s[i] - '0');
		if (n == 0)
			return 0;
		out[part] = v;
	}
	if (is_digit(s[i]) || (s[i] == '.' && is_digit(s[i + 1])))
		return 0;
	return i;
}

/*
 * Find the reply code and the enhanced status code in a normalised reply,
 * then drop the continuation markers of a flattened multi-line reply
 * ("... please try 550-5.1.1 double-checking ...") so that rules can
 * match phrases that span lines.  Updates *lenp.
 */
static void
scan_reply(struct ctx *x, int rdsn[3], int *has_rdsn, char *t, size_t *lenp)
{
	size_t len = *lenp, i, ci = 0, dl = 0, r, w;
	int found = 0, d[3];

	*has_rdsn = 0;
	for (i = 0; i + 3 <= len; i++) {
		char p = i > 0 ? t[i - 1] : ' ';

		if ((t[i] != '2' && t[i] != '4' && t[i] != '5') ||
		    t[i + 1] < '0' || t[i + 1] > '5' || !is_digit(t[i + 2]))
			continue;
		if (p != ' ' && p != ':' && p != ';' && p != '(')
			continue;
		if (i + 3 < len && t[i + 3] != ' ' && t[i + 3] != '-')
			continue;
		x->code = (t[i] - '0') * 100 + (t[i + 1] - '0') * 10 +
		    (t[i + 2] - '0');
		ci = i;
		found = 1;
		break;
	}
	if (found && ci + 4 < len && t[ci + 4] == t[ci] &&
	    (dl = dsn_at(t + ci + 4, rdsn)) > 0)
		*has_rdsn = 1;
	if (!*has_rdsn) {
		for (i = 0; i < len; i++) {
			if (i > 0 && (is_digit(t[i - 1]) || t[i - 1] == '.'))
				continue;
			if (dsn_at(t + i, d) == 0)
				continue;
			if (found && d[0] != x->code / 100)
				continue;
			memcpy(rdsn, d, sizeof(d));
			*has_rdsn = 1;
			break;
		}
	}
	if (!found)
		return;

	/* Drop " CODE-", " CODE " and a following copy of the first DSN. */
	r = w = ci + 4 + (dl ? dl + 1 : 0);
	if (r > len)
		return;
	while (r < len) {
		/* t[r] == t[ci] first: it is rarely true. */
		if (t[r] == t[ci] && w > 0 && t[w - 1] == ' ' &&
		    r + 3 <= len && memcmp(t + r, t + ci, 3) == 0 &&
		    (r + 3 == len || t[r + 3] == ' ' || t[r + 3] == '-')) {
			r += 3;
			if (r < len)
				r++;
			if (dl && r + dl <= len &&
			    memcmp(t + r, t + ci + 4, dl) == 0 &&
			    (r + dl == len || t[r + dl] == ' ')) {
				r += dl;
				if (r < len)
					r++;
			}
			continue;
		}
		t[w++] = t[r++];
	}
	t[w] = '\0';
	*lenp = w;
}

static unsigned
status_bit(const char *s, size_t len)
{
	int i;

	for (i = 0; statuses[i].name; i++)
		if (statuses[i].len == len &&
		    memcmp(s, statuses[i].name, len) == 0)
			return statuses[i].bit;
	return 0;
}

/* 0 for an unknown status (0), else 1 + its index in statuses[]. */
static int
status_slot(unsigned st)
{
	int i;

	for (i = 0; statuses[i].name; i++)
		if (statuses[i].bit == st)
			return i + 1;
	return 0;
}

static int
pat_match(const struct pat *p, const struct ctx *x)
{
	int i;

	if (p->len > x->len)
		return 0;
	for (i = 0; i < p->nbg; i++)
		if (!x->bigram[p->bg[i]])
			return 0;
	return strstr(x->text, p->s) != NULL;
}

static int
cond_match(const struct cond *c, const struct ctx *x)
{
	size_t i;
	int m = 0;

	switch (c->kind) {
	case C_STATUS:
		m = (x->status & c->mask) != 0;
		break;
	case C_CODE:
		for (i = 0; x->code && !m && i < c->n; i++)
			m = x->code >= c->codes[i].lo &&
			    x->code <= c->codes[i].hi;
		break;
	case C_DSN:
		for (i = 0; x->has_dsn && !m && i < c->n; i++) {
			const struct range *p = c->dsns[i].part;

			m = x->dsn[0] >= p[0].lo && x->dsn[0] <= p[0].hi &&
			    x->dsn[1] >= p[1].lo && x->dsn[1] <= p[1].hi &&
			    x->dsn[2] >= p[2].lo && x->dsn[2] <= p[2].hi;
		}
		break;
	case C_TEXT:
		for (i = 0; !m && i < c->n; i++)
			m = pat_match(&c->pats[i], x);
		break;
	case C_REGEX:
		m = regexec(&c->re, x->text, 0, NULL, 0) == 0;
		break;
	}
	return m != c->neg;
}

/* Does the reply hold the byte pairs the rule cannot match without? */
static int
needs_met(const struct rule *r, const struct ctx *x)
{
	int i;

	for (i = 0; i < r->nneed; i++)
		if (!x->bigram[r->need[i]])
			return 0;
	return 1;
}

static void
copy_sub(char *sub, size_t sublen, const char *s)
{
	size_t n;

	if (sub == NULL || sublen == 0)
		return;
	n = strlen(s);
	if (n >= sublen)
		n = sublen - 1;
	memcpy(sub, s, n);
	sub[n] = '\0';
}

/* The class the MTA's status alone decides, before the reply is read
 * (most lines are deliveries): the first rule the status leaves decides
 * if it has no other condition; if it has, -1: read the reply.  The
 * same answer as the full walk, which starts with that rule. */
static int
by_status(const struct classifier *c, unsigned status, char *sub,
    size_t sublen)
{
	const struct rule *r;
	int slot = status_slot(status);

	if (c == NULL || c->nwalk[slot] == 0)
		return -1;
	r = c->walk[slot][0];
	if (r->first < r->nconds)
		return -1;
	copy_sub(sub, sublen, r->sub);
	return r->cls;
}

int
classify(const struct classifier *c, const char *status, const char *dsn,
    const char *reply, char *sub, size_t sublen)
{
	char text[TEXT_MAX];
	struct ctx x;
	size_t i, j, len = 0, nwalk;
	int rdsn[3], has_rdsn = 0, cls, slot;
	unsigned st = 0;

	if (status != NULL && (st = status_bit(status, strlen(status))) != 0 &&
	    (cls = by_status(c, st, sub, sublen)) >= 0)
		return cls;
	memset(&x, 0, sizeof(x));
	text[0] = '\0';
	if (reply != NULL)
		len = normalise(reply, (size_t)-1, text, sizeof(text));
	scan_reply(&x, rdsn, &has_rdsn, text, &len);
	x.text = text;
	x.len = len;

	if (dsn != NULL && dsn_at(dsn, x.dsn) == strlen(dsn) && dsn[0] != '\0')
		x.has_dsn = 1;
	else if (has_rdsn) {
		memcpy(x.dsn, rdsn, sizeof(rdsn));
		x.has_dsn = 1;
	}
	x.status = st;
	if (x.status == 0) {
		int k = x.code ? x.code / 100 : x.has_dsn ? x.dsn[0] : 0;

		x.status = k == 2 ? ST_SENT : k == 4 ? ST_DEFERRED :
		    k == 5 ? ST_BOUNCED : 0;
	}
	for (i = 0; i + 1 < len; i++)
		x.bigram[bigram((unsigned char)text[i],
		    (unsigned char)text[i + 1])] = 1;

	/* The rules whose status conditions hold, in order; the rest of
	 * their conditions decide. */
	slot = status_slot(x.status);
	nwalk = c != NULL ? c->nwalk[slot] : 0;
	for (i = 0; i < nwalk; i++) {
		const struct rule *r = c->walk[slot][i];

		if (!needs_met(r, &x))
			continue;
		for (j = r->first; j < r->nconds; j++)
			if (!cond_match(&r->conds[j], &x))
				break;
		if (j == r->nconds) {
			copy_sub(sub, sublen, r->sub);
			return r->cls;
		}
	}

	/* The built-in rules end with these; kept for an empty classifier. */
	copy_sub(sub, sublen, "");
	switch (x.status) {
	case ST_SENT:
		return EV_DELIVERED;
	case ST_BOUNCED:
	case ST_REJECT:
		return EV_MESSAGE_REJECTED;
	case ST_EXPIRED:
		return EV_SOFT;
	default:
		return EV_DEFERRED_TEMPORARY;
	}
}

/* Parsing. */

static int __attribute__((format(printf, 2, 3)))
perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->err == NULL || p->errlen == 0)
		return RB_EINVAL;
	n = snprintf(p->err, p->errlen, "%s:%d: ", p->name, p->line);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return RB_EINVAL;
}

static void
cond_free(struct cond *c)
{
	size_t i;

	free(c->codes);
	free(c->dsns);
	for (i = 0; c->pats != NULL && i < c->n; i++)
		free(c->pats[i].s);
	free(c->pats);
	if (c->kind == C_REGEX)
		regfree(&c->re);
}

static void
rule_free(struct rule *r)
{
	size_t i;

	for (i = 0; i < r->nconds; i++)
		cond_free(&r->conds[i]);
	free(r->conds);
}

static void
rules_free(struct rule *rules, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		rule_free(&rules[i]);
	free(rules);
}

/* A short excerpt of the token for error messages. */
static const char *
excerpt(const char *s, size_t len, char *buf, size_t bufsz)
{
	size_t i, n = len < 40 ? len : 40;

	for (i = 0; i < n && i + 1 < bufsz; i++)
		buf[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

/* "N", "N-M", "5*", "55*" or "*" as a range of reply codes. */
static int
parse_code(const char *s, size_t len, struct range *r)
{
	size_t i = 0;
	int v = 0, scale;

	if (len == 1 && s[0] == '*') {
		r->lo = 0;
		r->hi = 999;
		return 0;
	}
	while (i < len && i < 3 && is_digit(s[i]))
		v = v * 10 + (s[i++] - '0');
	if (i == 0)
		return -1;
	if (i == len && i == 3) {
		r->lo = r->hi = v;
		return 0;
	}
	if (i + 1 == len && s[i] == '*') {
		for (scale = 1; i < 3; i++)
			scale *= 10;
		r->lo = v * scale;
		r->hi = r->lo + scale - 1;
		return 0;
	}
	if (i == 3 && s[i] == '-' && len == 7) {
		r->lo = v;
		for (v = 0, i = 4; i < 7; i++) {
			if (!is_digit(s[i]))
				return -1;
			v = v * 10 + (s[i] - '0');
		}
		r->hi = v;
		return r->lo <= r->hi ? 0 : -1;
	}
	return -1;
}

/* One part of a DSN pattern: "*", "N" or "N-M" (N, M: 1-3 digits). */
static int
parse_dsn_part(const char *s, size_t len, struct range *r)
{
	size_t i = 0, n;
	int v;

	if (len == 1 && s[0] == '*') {
		r->lo = 0;
		r->hi = 999;
		return 0;
	}
	for (v = 0, n = 0; i < len && is_digit(s[i]) && n < 3; i++, n++)
		v = v * 10 + (s[i] - '0');
	if (n == 0)
		return -1;
	r->lo = r->hi = v;
	if (i == len)
		return 0;
	if (s[i++] != '-')
		return -1;
	for (v = 0, n = 0; i < len && is_digit(s[i]) && n < 3; i++, n++)
		v = v * 10 + (s[i] - '0');
	if (n == 0 || i != len || v < r->lo)
		return -1;
	r->hi = v;
	return 0;
}

/* "5.1.1", "5.1.*", "5.7.606-649", "5.*" or "*". */
static int
parse_dsn(const char *s, size_t len, struct dsnpat *d)
{
	size_t i, start = 0;
	int part = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (part > 2 || parse_dsn_part(s + start, i - start,
		    &d->part[part]) == -1)
			return -1;
		part++;
		start = i + 1;
	}
	if (part < 3) {
		/* A shortened pattern must end with '*': "5.*", "*". */
		if (s[len - 1] != '*')
			return -1;
		for (; part < 3; part++) {
			d->part[part].lo = 0;
			d->part[part].hi = 999;
		}
	}
	if (d->part[0].lo == d->part[0].hi && d->part[0].lo != 2 &&
	    d->part[0].lo != 4 && d->part[0].lo != 5)
		return -1;
	return 0;
}

static void
pat_init(struct pat *p, const char *s, size_t len)
{
	int i, n;

	p->s = xmalloc(len + 1);
	p->len = normalise(s, len, p->s, len + 1);
	p->nbg = 0;
	if (p->len < 2)
		return;
	n = p->len - 1 < PAT_BIGRAMS ? (int)p->len - 1 : PAT_BIGRAMS;
	for (i = 0; i < n; i++) {
		size_t at = n == 1 ? 0 : (size_t)i * (p->len - 2) / (n - 1);

		p->bg[p->nbg++] = (uint16_t)bigram((unsigned char)p->s[at],
		    (unsigned char)p->s[at + 1]);
	}
}

/*
 * Refuse regular expressions that could make regcomp() or regexec() slow
 * or hungry: long ones, back-references (they make glibc backtrack),
 * repetition operators in a row, and those whose compiled tree would be
 * large.  glibc copies a sub-expression for '+' and for each bound of
 * {n,m}, so "((a{9}){9}){9}" is 729 atoms: the estimate below multiplies
 * the size of what a repetition applies to, group by group.  NULL or a
 * reason.
 */
static const char *
regex_check(const char *re)
{
	unsigned long stack[REGEX_DEPTH], cur = 0, last = 0, mult;
	int depth = 0, quant = 0;
	const char *s;

	if (strlen(re) > REGEX_MAX)
		return "longer than 512 bytes";
	for (s = re; *s; s++) {
		mult = 0;
		if (*s == '*' || *s == '?' || *s == '+') {
			mult = *s == '+' ? 2 : 1;
		} else if (*s == '{' && (is_digit(s[1]) || s[1] == ',')) {
			unsigned long lo = 0, hi = 0;

			for (s++; is_digit(*s) && lo < 100000; s++)
				lo = lo * 10 + (unsigned long)(*s - '0');
			hi = lo;
			if (*s == ',') {
				for (s++, hi = 0; is_digit(*s) && hi < 100000;
				    s++)
					hi = hi * 10 +
					    (unsigned long)(*s - '0');
				if (hi < lo)
					hi = lo + 1;
			}
			if (*s != '}')
				return "bad repetition bound";
			mult = hi > 1 ? hi : 1;
		}
		if (mult) {
			if (quant)
				return "repetition operators in a row";
			quant = 1;
			cur += last * (mult - 1);
			last *= mult;
			if (cur > REGEX_SIZE)
				return "too complex";
			continue;
		}
		quant = 0;
		if (*s == '\\') {
			if (s[1] >= '1' && s[1] <= '9')
				return "back-references are not supported";
			if (s[1] != '\0')
				s++;
		} else if (*s == '[') {
			s++;
			if (*s == '^')
				s++;
			if (*s == ']')
				s++;
			while (*s && *s != ']') {
				if (*s == '[' && (s[1] == ':' || s[1] == '.' ||
				    s[1] == '=')) {
					char close = s[1];

					for (s += 2; *s && !(*s == close &&
					    s[1] == ']'); s++)
						;
					if (*s)
						s++;
				}
				if (*s)
					s++;
			}
			if (*s == '\0')
				return "unterminated bracket expression";
		} else if (*s == '(') {
			if (depth == REGEX_DEPTH)
				return "groups nested too deep";
			stack[depth++] = cur;
			cur = last = 0;
			continue;
		} else if (*s == ')' && depth > 0) {
			last = cur > 0 ? cur : 1;
			cur = stack[--depth] + last;
			continue;
		} else if (*s == '|') {
			last = 0;
			continue;
		}
		cur++;
		last = 1;
		if (cur > REGEX_SIZE)
			return "too complex";
	}
	return NULL;
}

static void
cond_push(struct rule *r, const struct cond *c)
{
	r->conds = xrealloc(r->conds, (r->nconds + 1) * sizeof(*c));
	r->conds[r->nconds++] = *c;
}

/*
 * text~ALTERNATIVES: "quoted" or bare strings separated by '|'.  Quoted
 * strings take \" and \\.  Advances *sp past the value.
 */
static int
parse_strings(struct parser *p, const char **sp, const char *end,
    struct cond *c)
{
	const char *s = *sp;
	char *buf;
	size_t n;

	for (;;) {
		n = 0;
		if (s < end && *s == '"') {
			buf = xmalloc((size_t)(end - s) + 1);
			for (s++; s < end && *s != '"'; s++) {
				if (*s == '\\' && s + 1 < end)
					s++;
				buf[n++] = *s;
			}
			if (s == end) {
				free(buf);
				return perr(p, "unterminated string");
			}
			s++;
		} else {
			const char *b = s;

			while (s < end && !is_space((unsigned char)*s) &&
			    *s != '|' && *s != '"')
				s++;
			n = (size_t)(s - b);
			buf = xmalloc(n + 1);
			memcpy(buf, b, n);
		}
		buf[n] = '\0';
		if (n == 0) {
			free(buf);
			return perr(p, "empty string after 'text~'");
		}
		c->pats = xrealloc(c->pats, (c->n + 1) * sizeof(*c->pats));
		pat_init(&c->pats[c->n++], buf, n);
		free(buf);
		if (s < end && *s == '|') {
			s++;
			continue;
		}
		if (s < end && !is_space((unsigned char)*s))
			return perr(p, "unexpected '%c' after string", *s);
		break;
	}
	*sp = s;
	return 0;
}

/* text=/REGEX/: "\/" is a slash, other escapes are the regex's. */
static int
parse_regex(struct parser *p, const char **sp, const char *end,
    struct cond *c)
{
	const char *s = *sp, *why;
	char *buf, msg[128];
	size_t n = 0;
	int rc;

	if (s >= end || *s != '/')
		return perr(p, "'text=' takes a /regular expression/");
	buf = xmalloc((size_t)(end - s) + 1);
	for (s++; s < end && *s != '/'; s++) {
		if (*s == '\\' && s + 1 < end) {
			if (s[1] != '/')
				buf[n++] = '\\';
			s++;
		}
		buf[n++] = *s;
	}
	buf[n] = '\0';
	if (s == end) {
		free(buf);
		return perr(p, "unterminated regular expression");
	}
	s++;
	if (s < end && !is_space((unsigned char)*s)) {
		free(buf);
		return perr(p, "unexpected '%c' after regular expression", *s);
	}
	if (n == 0 || (why = regex_check(buf)) != NULL) {
		free(buf);
		return perr(p, "bad regular expression: %s",
		    n == 0 ? "empty" : why);
	}
	if ((rc = regcomp(&c->re, buf, REG_EXTENDED | REG_ICASE |
	    REG_NOSUB)) != 0) {
		regerror(rc, &c->re, msg, sizeof(msg));
		free(buf);
		return perr(p, "bad regular expression: %s", msg);
	}
	free(buf);
	*sp = s;
	return 0;
}

/* The value of status=, code= or dsn=: '|'-separated, up to white space. */
static int
parse_list(struct parser *p, const char **sp, const char *end,
    struct cond *c, const char *key)
{
	const char *s = *sp, *v;
	char ex[48];
	size_t len;
	unsigned bit;

	if (s >= end || is_space((unsigned char)*s))
		return perr(p, "missing value after '%s='", key);
	for (;;) {
		for (v = s; s < end && *s != '|' &&
		    !is_space((unsigned char)*s); s++)
			;
		len = (size_t)(s - v);
		if (c->kind == C_STATUS) {
			if ((bit = status_bit(v, len)) == 0)
				return perr(p, "unknown status '%s' (sent, "
				    "bounced, deferred, expired or reject)",
				    excerpt(v, len, ex, sizeof(ex)));
			c->mask |= bit;
			c->n++;
		} else if (c->kind == C_CODE) {
			c->codes = xrealloc(c->codes,
			    (c->n + 1) * sizeof(*c->codes));
			if (parse_code(v, len, &c->codes[c->n]) == -1)
				return perr(p, "bad reply code pattern '%s'",
				    excerpt(v, len, ex, sizeof(ex)));
			c->n++;
		} else {
			c->dsns = xrealloc(c->dsns,
			    (c->n + 1) * sizeof(*c->dsns));
			if (len == 0 || parse_dsn(v, len, &c->dsns[c->n]) == -1)
				return perr(p, "bad status code pattern '%s'",
				    excerpt(v, len, ex, sizeof(ex)));
			c->n++;
		}
		if (s < end && *s == '|') {
			s++;
			continue;
		}
		break;
	}
	*sp = s;
	return 0;
}

static int
parse_cond(struct parser *p, const char **sp, const char *end, struct rule *r)
{
	const char *s = *sp, *k;
	struct cond c;
	char ex[48];
	size_t klen;
	char op;
	int rc;

	memset(&c, 0, sizeof(c));
	if (*s == '!') {
		c.neg = 1;
		s++;
	}
	for (k = s; s < end && *s >= 'a' && *s <= 'z'; s++)
		;
	klen = (size_t)(s - k);
	op = s < end ? *s : '\0';
	if (klen == 0 || (op != '=' && op != '~')) {
		while (s < end && !is_space((unsigned char)*s))
			s++;
		return perr(p, "expected a condition (status=, code=, dsn=, "
		    "text~ or text=), got '%s'",
		    excerpt(k, (size_t)(s - k), ex, sizeof(ex)));
	}
	s++;
	if (klen == 4 && strncmp(k, "text", 4) == 0) {
		c.kind = op == '~' ? C_TEXT : C_REGEX;
		rc = op == '~' ? parse_strings(p, &s, end, &c) :
		    parse_regex(p, &s, end, &c);
	} else {
		if (klen == 6 && strncmp(k, "status", 6) == 0)
			c.kind = C_STATUS;
		else if (klen == 4 && strncmp(k, "code", 4) == 0)
			c.kind = C_CODE;
		else if (klen == 3 && strncmp(k, "dsn", 3) == 0)
			c.kind = C_DSN;
		else
			return perr(p, "unknown condition '%s'",
			    excerpt(k, klen, ex, sizeof(ex)));
		if (op != '=') {
			snprintf(ex, sizeof(ex), "%.*s", (int)klen, k);
			return perr(p, "'%s' takes '=', not '~'", ex);
		}
		snprintf(ex, sizeof(ex), "%.*s", (int)klen, k);
		rc = parse_list(p, &s, end, &c, ex);
	}
	if (rc != 0) {
		/* A regex that failed to compile holds nothing to free. */
		if (c.kind == C_REGEX)
			c.kind = C_TEXT;
		cond_free(&c);
		return rc;
	}
	cond_push(r, &c);
	*sp = s;
	return 0;
}

/* CLASS[/SUB] */
static int
parse_class(struct parser *p, const char *s, size_t len, struct rule *r)
{
	char name[32], ex[48];
	size_t i, cl;

	for (cl = 0; cl < len && s[cl] != '/'; cl++)
		;
	if (cl >= sizeof(name))
		return perr(p, "unknown class '%s'", excerpt(s, cl, ex,
		    sizeof(ex)));
	memcpy(name, s, cl);
	name[cl] = '\0';
	if ((r->cls = ev_class_parse(name)) < 0)
		return perr(p, "unknown class '%s'", excerpt(s, cl, ex,
		    sizeof(ex)));
	if (cl == len)
		return 0;
	s += cl + 1;
	len -= cl + 1;
	if (len == 0 || len > SUB_MAX)
		return perr(p, "sub-reason must be 1 to %d characters",
		    SUB_MAX);
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i]) ||
		    s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return perr(p, "bad sub-reason '%s' (a-z, 0-9, _ . -)",
			    excerpt(s, len, ex, sizeof(ex)));
	memcpy(r->sub, s, len);
	r->sub[len] = '\0';
	return 0;
}

static int
cond_cmp(const void *a, const void *b)
{
	const struct cond *x = a, *y = b;

	return x->kind - y->kind;
}

/*
 * Add to r->need (up to RULE_NEEDS) the byte pairs that every alternative
 * of the text~ condition k holds: whichever matches, the reply holds them
 * too, so a reply without one of them cannot match the rule.  Taken in
 * the order of the first alternative.
 */
static void
rule_need(struct rule *r, const struct cond *k)
{
	uint64_t all[BIGRAMS / 64], one[BIGRAMS / 64];
	const struct pat *p;
	size_t a, i, w;
	unsigned h;
	int j;

	memset(all, 0xff, sizeof(all));
	for (a = 0; a < k->n; a++) {
		p = &k->pats[a];
		memset(one, 0, sizeof(one));
		for (i = 0; i + 1 < p->len; i++) {
			h = bigram((unsigned char)p->s[i],
			    (unsigned char)p->s[i + 1]);
			one[h / 64] |= (uint64_t)1 << (h % 64);
		}
		for (w = 0; w < BIGRAMS / 64; w++)
			all[w] &= one[w];
	}
	p = &k->pats[0];
	for (i = 0; i + 1 < p->len && r->nneed < RULE_NEEDS; i++) {
		h = bigram((unsigned char)p->s[i], (unsigned char)p->s[i + 1]);
		if (!(all[h / 64] & (uint64_t)1 << (h % 64)))
			continue;
		for (j = 0; j < r->nneed && r->need[j] != h; j++)
			;
		if (j == r->nneed)
			r->need[r->nneed++] = (uint16_t)h;
	}
}

/* One line; *have is set when it held a rule. */
static int
parse_line(struct parser *p, const char *s, const char *end, struct rule *r,
    int *have)
{
	const char *w;
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	*have = 0;
	while (s < end && is_space((unsigned char)*s))
		s++;
	if (s == end || *s == '#')
		return 0;
	for (w = s; s < end && !is_space((unsigned char)*s); s++)
		;
	if ((rc = parse_class(p, w, (size_t)(s - w), r)) != 0)
		return rc;
	for (;;) {
		while (s < end && is_space((unsigned char)*s))
			s++;
		if (s == end || *s == '#')
			break;
		if ((rc = parse_cond(p, &s, end, r)) != 0) {
			rule_free(r);
			return rc;
		}
	}
	/* Stable sort, cheapest conditions first (a few per rule). */
	for (i = 1; i < r->nconds; i++) {
		struct cond t = r->conds[i];
		size_t j = i;

		while (j > 0 && cond_cmp(&r->conds[j - 1], &t) > 0) {
			r->conds[j] = r->conds[j - 1];
			j--;
		}
		r->conds[j] = t;
	}
	while (r->first < r->nconds && r->conds[r->first].kind == C_STATUS)
		r->first++;
	for (i = 0; i < r->nconds; i++)
		if (r->conds[i].kind == C_TEXT && !r->conds[i].neg)
			rule_need(r, &r->conds[i]);
	*have = 1;
	return 0;
}

/* Do a rule's status conditions all hold for status st (0 or a bit)? */
static int
status_holds(const struct rule *r, unsigned st)
{
	size_t j;

	for (j = 0; j < r->first; j++)
		if (((st & r->conds[j].mask) != 0) == r->conds[j].neg)
			return 0;
	return 1;
}

/* Make c->walk anew from c->rules. */
static void
walk_index(struct classifier *c)
{
	size_t i;
	int slot;

	for (slot = 0; slot < STATUS_SLOTS; slot++) {
		unsigned st = slot == 0 ? 0 : statuses[slot - 1].bit;

		free(c->walk[slot]);
		c->walk[slot] = xcalloc(c->nrules, sizeof(*c->walk[slot]));
		c->nwalk[slot] = 0;
		for (i = 0; i < c->nrules; i++)
			if (status_holds(&c->rules[i], st))
				c->walk[slot][c->nwalk[slot]++] = &c->rules[i];
	}
}

/* Parse text[0..len) and put its rules before c's. */
static int
load_text(struct classifier *c, const char *text, size_t len,
    const char *name, char *err, size_t errlen)
{
	struct parser p = { name, 0, err, errlen };
	struct rule *rules = NULL, r;
	size_t n = 0, cap = 0;
	const char *s = text, *end = text + len, *eol;
	int have, rc;

	while (s < end) {
		p.line++;
		if ((eol = memchr(s, '\n', (size_t)(end - s))) == NULL)
			eol = end;
		if (memchr(s, '\0', (size_t)(eol - s)) != NULL) {
			rules_free(rules, n);
			return perr(&p, "NUL byte in line");
		}
		if ((rc = parse_line(&p, s, eol, &r, &have)) != 0) {
			rules_free(rules, n);
			return rc;
		}
		if (have) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				rules = xrealloc(rules, cap * sizeof(*rules));
			}
			rules[n++] = r;
		}
		s = eol < end ? eol + 1 : end;
	}
	if (n == 0) {
		free(rules);
		return 0;
	}
	rules = xrealloc(rules, (n + c->nrules) * sizeof(*rules));
	if (c->nrules > 0)
		memcpy(rules + n, c->rules, c->nrules * sizeof(*rules));
	free(c->rules);
	c->rules = rules;
	c->nrules += n;
	walk_index(c);
	return 0;
}

struct classifier *
classify_new(void)
{
	struct classifier *c = xcalloc(1, sizeof(*c));
	char err[256];

	if (load_text(c, classify_builtin_rules,
	    strlen(classify_builtin_rules), "builtin", err, sizeof(err)) != 0)
		fatalx("built-in classification rules: %s", err);
	return c;
}

void
classify_free(struct classifier *c)
{
	int slot;

	if (c == NULL)
		return;
	rules_free(c->rules, c->nrules);
	for (slot = 0; slot < STATUS_SLOTS; slot++)
		free(c->walk[slot]);
	free(c);
}

int
classify_load_string(struct classifier *c, const char *text,
    const char *name, char *err, size_t errlen)
{
	return load_text(c, text, strlen(text), name, err, errlen);
}

int
classify_load(struct classifier *c, const char *path, char *err,
    size_t errlen)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return RB_ESYS;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= RULES_MAX) {
				snprintf(err, errlen, "%s: larger than %d "
				    "bytes", path, RULES_MAX);
				free(buf);
				close(fd);
				return RB_EINVAL;
			}
			cap = cap ? cap * 2 : 16384;
			buf = xrealloc(buf, cap);
		}
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: read error: %s", path,
			    strerror(errno));
			free(buf);
			close(fd);
			return RB_ESYS;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	rc = load_text(c, buf != NULL ? buf : "", len, path, err, errlen);
	free(buf);
	return rc;
}

/*
 * The built-in rules: the knowledge of the big receivers, in the format of
 * contrib/classify.rules.  tests/feeder/test_classify.c holds real-looking
 * replies for each provider and each judgement: add one with each change.
 */
const char classify_builtin_rules[] =
	"# rebond built-in classification rules.  Syntax: "
	    "contrib/classify.rules.\n"
	"#\n"
	"# The first rule whose conditions all hold decides; the operator's "
	    "rules\n"
	"# are consulted before these.  Each group quotes the kind of reply "
	    "it was\n"
	"# written from (addresses, IPs and ids replaced).  Principles:\n"
	"#  - hard only where the reply says the address or domain does not "
	    "exist;\n"
	"#    an unknown permanent failure is message_rejected/other, never "
	    "hard;\n"
	"#  - a refusal that blames the relay's IP (a list, its reputation, "
	    "its\n"
	"#    volume of complaints) is ip_blocked, temporary or not;\n"
	"#  - a refusal of this message (spam, policy, authentication, "
	    "content,\n"
	"#    size), 4xx \"Service refusé\" included, is message_rejected;\n"
	"#  - greylisting, rate limits, timeouts and DNS trouble are\n"
	"#    deferred_temporary: they teach nothing about the recipient.\n"
	"\n"
	"### Delivered, and stopped by our own lists\n"
	"delivered status=sent\n"
	"# NOQUEUE: reject: RCPT from client.example[192.0.2.7]: 554 5.7.1 "
	    "Service\n"
	"#   unavailable; Sender address [a@example.org] blocked using "
	    "sdom.rebond.test\n"
	"blocked_by_list status=reject text~rebond text=/(using|list at|"
	    "listed (in|at|on|by)) [a-z0-9._-]*rebond\\./\n"
	"# 554 5.7.1 <b@example.net>: Recipient address rejected: listed by "
	    "rebond\n"
	"blocked_by_list status=reject text~rebond text=/(^|"
	    "[^a-z0-9.@_-])rebond([^a-z0-9.@_-]|$)/\n"
	"\n"
	"### Domain and URL lists: the sender's domain or a link in the "
	    "message\n"
	"# 550 5.7.1 Your email was rejected due to having a domain present "
	    "in the\n"
	"#   Spamhaus DBL -- see https://www.spamhaus.org/dbl/\n"
	"message_rejected/spam text~\"spamhaus dbl\"|\"dbl.spamhaus\"|"
	    "\"surbl\"|\"uribl\"\n"
	"# 554 5.7.1 Service unavailable; Sender address [a@example.org] "
	    "blocked\n"
	"#   using dbl.example.net\n"
	"message_rejected/spam text~\"sender address [\" text~\"blocked "
	    "using\"\n"
	"# 550 5.7.1 Rejected: the sending domain has a poor reputation\n"
	"message_rejected/spam text~\"domain reputation\"|\"domain has a poor "
	    "reputation\"|\"reputation of the sending domain\"\n"
	"\n"
	"### Public IP lists, named in the reply whoever sends it\n"
	"# 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked "
	    "using\n"
	"#   zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1\n"
	"# 553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, "
	    "because\n"
	"#   the ip is in Spamhaus's list; see "
	    "https://postmaster.yahooinc.com/error-codes\n"
	"ip_blocked/spamhaus text~spamhaus\n"
	"# 554 Service unavailable; Client host [192.0.2.1] blocked using "
	    "Barracuda\n"
	"#   Reputation; "
	    "http://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.1\n"
	"ip_blocked/barracuda text~\"barracudacentral\"|\"barracuda "
	    "reputation\"|\"barracudanetworks.com/reputation\"\n"
	"# 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked "
	    "using\n"
	"#   bl.spamcop.net; Blocked - see "
	    "https://www.spamcop.net/bl.shtml?192.0.2.1\n"
	"ip_blocked/spamcop text~spamcop\n"
	"ip_blocked/sorbs text~\"sorbs.net\"\n"
	"# 550 5.7.1 Rejected: 192.0.2.1 listed at dnsbl-1.uceprotect.net\n"
	"ip_blocked/uceprotect text~\"uceprotect\"|\"backscatterer\"\n"
	"ip_blocked/psbl text~\"psbl.surriel\"\n"
	"ip_blocked/mailspike text~mailspike\n"
	"ip_blocked/spamrats text~spamrats\n"
	"ip_blocked/abusix text~abusix\n"
	"ip_blocked/senderscore text~\"score.senderscore\"\n"
	"ip_blocked/spfbl text~\"spfbl\"\n"
	"# 550 5.7.1 ... Client host blocked for spamming issues. Ref "
	    "http://csi.cloudmark.com/...\n"
	"ip_blocked/cloudmark text~\"csi.cloudmark\"|\"cloudmark sender "
	    "intelligence\"\n"
	"# 550 5.7.0 Blocked - see "
	    "https://ipcheck.proofpoint.com/?ip=192.0.2.1\n"
	"# 554 5.7.1 [192.0.2.1] blocked using pps.reputation.proofpoint\n"
	"ip_blocked/proofpoint text~\"ipcheck.proofpoint\"|\"pps.reputation\"|"
	    "\"proofpoint dynamic reputation\"|\"blocked using proofpoint\"\n"
	"\n"
	"### Gmail, Google Workspace (aspmx.l.google.com)\n"
	"# 550-5.1.1 The email account that you tried to reach does not "
	    "exist. Please\n"
	"#   try 550-5.1.1 double-checking the recipient's email address for "
	    "typos or\n"
	"#   550-5.1.1 unnecessary spaces. "
	    "https://support.google.com/mail/?p=NoSuchUser\n"
	"hard/mailbox !status=deferred text~\"account that you tried to reach "
	    "does not exist\"\n"
	"# 550-5.2.1 The email account that you tried to reach is disabled.\n"
	"soft/disabled text~\"account that you tried to reach is disabled\"|"
	    "\"account that you tried to reach is inactive\"\n"
	"# 452-4.2.2 The email account that you tried to reach is over "
	    "quota.\n"
	"# 552-5.2.2 The recipient's inbox is out of storage space.\n"
	"soft/full text~\"account that you tried to reach is over quota\"|"
	    "\"inbox is out of storage space\"\n"
	"# 450-4.2.1 The user you are trying to contact is receiving mail at "
	    "a rate\n"
	"#   that prevents additional messages from being delivered.\n"
	"deferred_temporary/ratelimit text~\"receiving mail at a rate that\"|"
	    "\"is receiving mail too quickly\"\n"
	"# 421-4.7.28 [192.0.2.1 15] Our system has detected an unusual rate "
	    "of\n"
	"#   unsolicited mail originating from your IP address. To protect "
	    "our users\n"
	"#   from spam, mail sent from your IP address has been temporarily "
	    "rate limited.\n"
	"# The same text with 550-5.7.1 says \"blocked\".  Either way Gmail "
	    "judges the\n"
	"# relay's IP, not the recipient or this message: ip_blocked (as "
	    "Microsoft's\n"
	"# 4.7.650 below).\n"
	"ip_blocked/gmail text~\"originating from your ip\"\n"
	"# 421-4.7.0 [192.0.2.1] Our system has detected that this message "
	    "is\n"
	"#   suspicious due to the very low reputation of the sending IP "
	    "address.\n"
	"ip_blocked/gmail text~\"reputation of the sending ip\"\n"
	"# 550-5.7.1 [192.0.2.1] The IP you're using to send mail is not "
	    "authorized to\n"
	"#   send email directly to our servers. Please use the SMTP relay at "
	    "your\n"
	"#   service provider instead.\n"
	"ip_blocked/gmail text~\"not authorized to send email directly to our "
	    "servers\"\n"
	"# 550-5.7.25 [192.0.2.1] The IP address sending this message does "
	    "not have a\n"
	"#   PTR record setup, or the corresponding forward DNS entry does "
	    "not point to\n"
	"#   the sending IP.\n"
	"ip_blocked/ptr dsn=5.7.25|4.7.25\n"
	"ip_blocked/ptr text~\"does not have a ptr record\"\n"
	"# 550-5.7.26 This mail has been blocked because the sender is\n"
	"#   unauthenticated. Gmail requires all senders to authenticate with "
	    "either\n"
	"#   SPF or DKIM.\n"
	"# 550-5.7.26 Unauthenticated email from example.org is not accepted "
	    "due to\n"
	"#   domain's DMARC policy.  (421-4.7.26: the same, for now: still "
	    "refused)\n"
	"message_rejected/auth dsn=5.7.26|4.7.26\n"
	"message_rejected/auth text~\"sender is unauthenticated\"|"
	    "\"unauthenticated email\"|\"does not have authentication "
	    "information\"|\"fails to pass authentication checks\"\n"
	"# 550-5.7.1 [192.0.2.1] Gmail has detected that this message is "
	    "likely\n"
	"#   unsolicited mail. To reduce the amount of spam sent to Gmail, "
	    "this message\n"
	"#   has been blocked.\n"
	"# 421-4.7.0 ... this message is suspicious due to the very low "
	    "reputation of\n"
	"#   the sending domain.\n"
	"message_rejected/spam text~\"likely unsolicited mail\"|\"reputation "
	    "of the sending domain\"\n"
	"# 552-5.7.0 This message was blocked because its content presents a "
	    "potential\n"
	"#   security issue.\n"
	"message_rejected/content text~\"potential security issue\"|\"nature "
	    "of the content\"\n"
	"# 552-5.2.3 Your message exceeded Google's message size limits.\n"
	"message_rejected/size text~\"message size limits\"\n"
	"# 421-4.7.0 [192.0.2.1 15] Try again later, closing connection. "
	    "(EHLO)\n"
	"deferred_temporary/ratelimit text~\"try again later, closing "
	    "connection\"\n"
	"\n"
	"### Microsoft: Outlook.com, Hotmail, Live, Exchange Online "
	    "(*.outlook.com)\n"
	"# 550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. "
	    "Please\n"
	"#   contact your Internet service provider since part of their "
	    "network is on\n"
	"#   our block list (S3140). You can also refer your provider to\n"
	"#   http://mail.live.com/mail/troubleshooting.aspx#errors.\n"
	"ip_blocked/microsoft text~\"part of their network is on our block "
	    "list\"\n"
	"ip_blocked/microsoft text~\"(s3\" text=/\\(s3[0-9]{3}\\)/\n"
	"# 550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To "
	    "request\n"
	"#   removal from this list please visit https://sender.office.com/ "
	    "...\n"
	"ip_blocked/microsoft dsn=5.7.606-649\n"
	"ip_blocked/microsoft text~\"banned sending ip\"|\"traffic not "
	    "accepted from this ip\"\n"
	"# 451 4.7.650 The mail server [192.0.2.1] has been temporarily rate "
	    "limited\n"
	"#   due to IP reputation. For e-mail delivery information, see\n"
	"#   https://postmaster.live.com (S775)\n"
	"ip_blocked/microsoft dsn=4.7.650\n"
	"ip_blocked/microsoft text~\"rate limited due to ip reputation\"\n"
	"# 451 4.7.500 Server busy. Please try again later from [192.0.2.1]. "
	    "(S77719)\n"
	"deferred_temporary/ratelimit dsn=4.7.500-699\n"
	"# 550 5.5.0 Requested action not taken: mailbox unavailable "
	    "(S2017062302).\n"
	"#   [DB5EUR03FT012.eop-EUR03.prod.protection.outlook.com]\n"
	"# Outlook.com's answer for an address that does not exist.\n"
	"hard/mailbox status=bounced !dsn=5.7.* text~\"mailbox unavailable\" "
	    "text~\"outlook.com\"|\"hotmail\"|\"(s2017062302)\"\n"
	"# 550 5.4.1 Recipient address rejected: Access denied. "
	    "AS(201806281)\n"
	"#   [BN1NAM02FT022.eop-nam02.prod.protection.outlook.com]\n"
	"# Directory-based edge blocking: the tenant has no such recipient.\n"
	"hard/mailbox !status=deferred dsn=5.4.1 text~\"recipient address "
	    "rejected: access denied\"\n"
	"# 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by "
	    "SMTP\n"
	"#   address lookup  (Exchange's 5.1.10 is not a null MX)\n"
	"hard/mailbox !status=deferred text~\"recipientnotfound\"|"
	    "\"recipnotfound\"\n"
	"# 550 5.7.515 Access denied, sending domain example.org doesn't meet "
	    "the\n"
	"#   required authentication level.\n"
	"message_rejected/auth dsn=5.7.509|5.7.515\n"
	"message_rejected/auth text~\"required authentication level\"\n"
	"\n"
	"### Yahoo, AOL (mta*.am0.yahoodns.net)\n"
	"# 554 delivery error: dd This user doesn't have a yahoo.com account\n"
	"#   (someone@yahoo.com) [0] - mta1234.mail.gq1.yahoo.com\n"
	"hard/mailbox status=bounced text~\"this user doesn't have a\"\n"
	"# 554 delivery error: dd Sorry your message to someone@yahoo.com "
	    "cannot be\n"
	"#   delivered. This mailbox is disabled (554.30).\n"
	"soft/disabled text~\"this mailbox is disabled\"|\"(554.30)\"\n"
	"# 421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due "
	    "to\n"
	"#   unexpected volume or user complaints - 4.16.55.1; see\n"
	"#   https://postmaster.yahooinc.com/error-codes\n"
	"# 553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently "
	    "deferred;\n"
	"#   Retrying will NOT succeed.\n"
	"# The [TSxx] codes judge the sending IP (complaints, volume): an IP "
	    "block,\n"
	"# even when temporary.  Nothing is learnt about the recipient.\n"
	"ip_blocked/yahoo text~\"[ts\" text=/\\[tss?[0-9]{2}\\]/\n"
	"ip_blocked/yahoo text~\"unexpected volume or user complaints\"|"
	    "\"will be permanently deferred\"\n"
	"ip_blocked/yahoo text~\"[bl\" text=/\\[bl[0-9]{2}\\]/\n"
	"# 554 5.7.9 Message not accepted for policy reasons.  See\n"
	"#   https://postmaster.yahooinc.com/error-codes\n"
	"message_rejected/policy text~\"not accepted for policy reasons\"\n"
	"# 451 Message temporarily deferred due to unresolvable RFC.5321 from "
	    "domain\n"
	"message_rejected/policy text~\"unresolvable rfc.5321\"\n"
	"\n"
	"### Orange, Wanadoo (smtp-in.orange.fr) and La Poste "
	    "(smtp*.laposte.net)\n"
	"# Their replies end with OFR<nnn>_<xyz>, OFR_<xyz>, LPN<nnn>_<xyz>, "
	    "LPN<xyz>\n"
	"# or OUK_<xyz>; the last three digits <xyz> give the reason "
	    "(Orange's\n"
	"# postmaster page lists them).  Substrings, not regular "
	    "expressions:\n"
	"# these rules run on every Orange reply.\n"
	"# 550 mwinf5c04 ME Adresse IP source bloquee pour incident de spam. "
	    "Client\n"
	"#   host blocked for spamming issues. OFR006_102 Ref "
	    "http://csi.cloudmark.com\n"
	"# 550 5.7.1 Service unavailable; client [192.0.2.1] blocked using "
	    "Spamhaus\n"
	"#   ... LPNAAA_101\n"
	"ip_blocked/abusix text~ofr|lpn text~\"_100\"\n"
	"ip_blocked/spamhaus text~ofr|lpn text~\"_101\"\n"
	"ip_blocked/cloudmark text~ofr|lpn text~\"_102\"\n"
	"# 550 mwinf5c10 ME Service refuse. Veuillez essayer plus tard. "
	    "Service\n"
	"#   refused, please try later. OFR006_103 192.0.2.1 [103]  (Orange's "
	    "own list)\n"
	"ip_blocked/orange text~ofr text~\"_103\"\n"
	"ip_blocked/laposte text~lpn text~\"_103\"\n"
	"# 421 mwinf5c79 ME Trop de connexions, veuillez verifier votre\n"
	"#   configuration. Too many connections, slow down. OFR005_104 "
	    "[104]\n"
	"# ... Veuillez essayer plus tard. LPN003_109  (too many messages a "
	    "session)\n"
	"deferred_temporary/ratelimit text~ofr|lpn text~\"_104\"|\"_109\"\n"
	"# Service refused, please try later. LPN006_107  (no PTR for the "
	    "IP)\n"
	"ip_blocked/ptr text~ofr|lpn text~\"_107\"\n"
	"# Veuillez essayer plus tard. OFR004_201  (invalid HELO)\n"
	"ip_blocked/helo text~ofr|lpn text~\"_20\"\n"
	"# 421 smtp.orange.fr [192.0.2.1] Emetteur invalide, Veuillez "
	    "verifier la\n"
	"#   configuration SPF/DNS de votre nom de domaine. Invalid Sender. "
	    "SPF check\n"
	"#   failed ...\n"
	"# 571 5.7.1 Message refused, DMARC verification Failed. Message "
	    "refuse,\n"
	"#   verification DMARC en echec LPN007_517\n"
	"message_rejected/auth text~ofr|lpn text~\"_39\"|\"_401\"|\"_515\"|"
	    "\"_517\"|\"_519\"\n"
	"# 501 5.1.0 Emetteur invalide. Invalid Sender. OFR004_405 [405]\n"
	"message_rejected/policy text~ofr|lpn text~\"_403\"|\"_405\"|\"_415\"|"
	    "\"_421\"|\"_425\"\n"
	"# 550 5.1.1 Adresse d au moins un destinataire invalide. Invalid "
	    "recipient.\n"
	"#   OFR_416 [416]\n"
	"hard/mailbox !status=deferred text~ofr|lpn text~\"_416\"|\"lpn416\"\n"
	"# 552 5.1.1 Boite du destinataire pleine. Recipient overquota. "
	    "OFR_417 [417]\n"
	"soft/full text~ofr|lpn text~\"_417\"\n"
	"# 550 5.5.0 Boite du destinataire archivee. Archived recipient. "
	    "LPN007_420\n"
	"# 550 5.5.0 Le compte du destinataire est bloque. The recipient "
	    "account is\n"
	"#   blocked. LPN007_426\n"
	"soft/disabled text~ofr|lpn text~\"_420\"|\"_426\"\n"
	"# 550 5.2.0 Mail rejete. Mail rejected. ofr_506 [506]\n"
	"# 550 5.5.0 Service refuse. Veuillez essayer plus tard. service "
	    "refused,\n"
	"#   please try later. LPN007_510 (in reply to end of DATA command)\n"
	"message_rejected/spam text~ofr|lpn|ouk text~\"_506\"|\"_510\"|"
	    "\"_513\"\n"
	"# Taille limite du message atteinte ... 514\n"
	"message_rejected/size text~ofr|lpn text~\"_514\"\n"
	"# 554 5.7.1 Client host rejected LPN000_630\n"
	"ip_blocked/laposte text~lpn text~\"_630\"\n"
	"# 421 mwinf5c77 ME Service refuse. Veuillez essayer plus tard. "
	    "Service\n"
	"#   refused, please try later. OFR_999 [999]\n"
	"# Orange suspends the IP for hours after bad behaviour: an IP "
	    "block.\n"
	"ip_blocked/orange text~ofr text~\"_99\"\n"
	"# Any other \"Service refusé\" from them falls to the generic rule "
	    "below: a\n"
	"# refused message, not a soft bounce.\n"
	"\n"
	"### Free (mx*.free.fr)\n"
	"# 421 Too many spams from your IP (192.0.2.1), please visit\n"
	"#   http://postmaster.free.fr/\n"
	"ip_blocked/free text~\"too many spams from your ip\"\n"
	"# \"550 spam detected\" and \"Boite inconnue\" are caught by the "
	    "generic rules.\n"
	"\n"
	"### SFR, Neuf, Numericable, Club-Internet (smtp-in.sfr.fr)\n"
	"# 450 4.7.1 <someone@sfr.fr>: Client host rejected: Service refused "
	    "due to\n"
	"#   bad behaviour (SFR_IN_101)\n"
	"# SFR_IN_1xx suspend the IP for two hours (spam, virus, protocol "
	    "errors,\n"
	"# unknown recipients, volume).\n"
	"ip_blocked/sfr text~\"sfr_in_\"|\"gu_eib_\"\n"
	"# \"550 5.7.1 Email ... rejected per SPAM policy\" and \"550 5.7.1 "
	    "Message\n"
	"# content rejected\" are caught by the generic rules.\n"
	"\n"
	"### GMX, web.de, IONOS (mx*.gmx.net, mx*.web.de)\n"
	"# 554-gmx.net (mxgmx117) Nemesis ESMTP Service not available 554-No "
	    "SMTP\n"
	"#   service 554-IP address is black listed. 554 For explanation "
	    "visit\n"
	"#   https://postmaster.gmx.net/en/case?c=r0201&i=ip&v=192.0.2.1\n"
	"ip_blocked/gmx text~\"nemesis esmtp service not available\"\n"
	"ip_blocked/gmx text~gmx|web.de|ionos text~\"black listed\"|\"block "
	    "listed\"|\"blacklisted\"|\"blocklisted\"\n"
	"# 550 Requested action not taken: mailbox unavailable\n"
	"# GMX and web.de answer so, with no enhanced code, for an address "
	    "that does\n"
	"# not exist.\n"
	"hard/mailbox status=bounced !dsn=5.7.* text~\"mailbox unavailable\" "
	    "text~\"gmx.net\"|\"gmx.de\"|\"gmx.com\"|\"web.de\"\n"
	"\n"
	"### Mimecast (*.mimecast.com)\n"
	"# 550 Rejected by header based Anti-Spoofing policy: a@example.org "
	    "-\n"
	"#   https://community.mimecast.com/docs/DOC-1369#550\n"
	"message_rejected/auth text~\"anti-spoofing policy\"\n"
	"# 550 Envelope blocked - User Entry - "
	    "https://community.mimecast.com/...\n"
	"message_rejected/policy text~\"envelope blocked\"|\"rejected due to "
	    "security policies\"\n"
	"# 550 Rejected by IP reputation - "
	    "https://community.mimecast.com/...\n"
	"# 451 IP temporarily blacklisted - "
	    "https://community.mimecast.com/...\n"
	"ip_blocked/mimecast text~mimecast text~\"reputation\"|\"blacklist\"|"
	    "\"blocklist\"|\"black list\"|\"block list\"\n"
	"# 451 Internal resource temporarily unavailable -\n"
	"#   https://community.mimecast.com/docs/DOC-1369#451  (Mimecast "
	    "greylisting)\n"
	"deferred_temporary/greylist text~\"internal resource temporarily "
	    "unavailable\"\n"
	"# \"550 Invalid Recipient - https://community.mimecast.com/...\" is "
	    "hard by\n"
	"# the generic rules.\n"
	"\n"
	"### Apple iCloud (mx*.mail.icloud.com): icloud.com, me.com, mac.com\n"
	"# 554 5.7.1 [CS01] Message rejected due to local policy. Please "
	    "visit\n"
	"#   https://support.apple.com/en-us/HT204137\n"
	"message_rejected/policy text~\"[cs01]\"\n"
	"# 554 5.7.1 [CS02] Message rejected due to local policy.  (the "
	    "sending IP's\n"
	"#   reputation)\n"
	"ip_blocked/icloud text~\"[cs02]\"\n"
	"# \"550 5.1.1 <someone@icloud.com>: user does not exist\" is hard by "
	    "the\n"
	"# generic rules; \"552 5.2.2 <someone@icloud.com>: user is over "
	    "quota\" soft.\n"
	"\n"
	"### Greylisting\n"
	"# 450 4.2.0 <someone@example.net>: Recipient address rejected: "
	    "Greylisted,\n"
	"#   see http://postgrey.schweikert.ch/help/example.net.html\n"
	"# 451 4.7.1 Greylisting in action, please come back later\n"
	"deferred_temporary/greylist text~\"greylist\"|\"grey-list\"|"
	    "\"graylist\"|\"gray-list\"|\"grey list\"\n"
	"\n"
	"### The MTA's own reports (Postfix, Exim)\n"
	"# status=bounced, dsn=5.1.10: Domain example.net does not accept "
	    "mail (nullMX)\n"
	"hard/nullmx !status=deferred !dsn=5.7.* !text~sender text~\"nullmx\"|"
	    "\"null mx\"\n"
	"# Exim: \"an MX or SRV record indicated no SMTP service\" (null MX)\n"
	"hard/nullmx !status=deferred text~\"indicated no smtp service\"\n"
	"# Exim: \"all relevant MX records point to non-existent hosts\": the\n"
	"#   domain exists, its mail setup is broken; not the address.\n"
	"soft/domain text~\"mx records point to non-existent hosts\"\n"
	"# RFC 7505: 5.7.27 is the SENDER's domain with a null MX.\n"
	"message_rejected/policy dsn=5.7.27\n"
	"# status=bounced, dsn=5.4.4: Host or domain name not found. Name "
	    "service\n"
	"#   error for name=gmaiil.example type=A: Host not found\n"
	"# Permanent (NXDOMAIN): the domain does not exist.  A domain without "
	    "MX\n"
	"# is looked up for its address, hence type=A as often as type=MX; "
	    "the same\n"
	"# text for an MX host that does not exist is much rarer.\n"
	"hard/domain !status=deferred text~\"name service error\" text~\"host "
	    "not found\" !text~\"try again\"\n"
	"# ... type=AAAA: Host found but no data record of requested type: "
	    "the\n"
	"#   domain exists but names no mail host.\n"
	"soft/domain !status=deferred text~\"name service error\" text~\"no "
	    "data record\"\n"
	"# status=deferred, dsn=4.4.3: Host or domain name not found. Name "
	    "service\n"
	"#   error for name=example.net type=MX: Host not found, try again\n"
	"deferred_temporary/dns !status=expired text~\"name service error\"|"
	    "\"host not found, try again\"|\"temporary failure in name "
	    "resolution\"|\"malformed or unexpected name server reply\"\n"
	"# Exim: ** someone@example.net: retry timeout exceeded\n"
	"soft/expired text~\"retry timeout exceeded\"|\"retry time not "
	    "reached for any host after a long failure period\"\n"
	"# connect to mx.example.net[192.0.2.25]:25: Connection timed out\n"
	"# conversation with mx.example.net[192.0.2.25] timed out while "
	    "receiving the\n"
	"#   initial server greeting\n"
	"deferred_temporary/timeout !status=expired text~\"timed out\"|"
	    "\"timeout\"\n"
	"# connect to mx.example.net[192.0.2.25]:25: Connection refused\n"
	"# lost connection with mx.example.net[192.0.2.25] while receiving "
	    "the initial\n"
	"#   server greeting\n"
	"deferred_temporary/connection !status=expired text~\"connection "
	    "refused\"|\"lost connection\"|\"connection reset\"|\"network is "
	    "unreachable\"|\"no route to host\"|\"host is unreachable\"|"
	    "\"have been failing for a long time\"\n"
	"# TLS is required, but was not offered by host "
	    "mx.example.net[192.0.2.25]\n"
	"deferred_temporary/tls !status=expired text~\"tls is required\"|"
	    "\"cannot start tls\"|\"tls handshake\"|\"starttls\"|\"server "
	    "certificate not verified\"|\"tls session\"\n"
	"deferred_temporary/connection !status=expired text~\"delivery "
	    "temporarily suspended\"|\"mail transport unavailable\"\n"
	"\n"
	"### Rate limits\n"
	"# 421 4.7.0 Server busy, too many connections from your IP\n"
	"# 452 4.5.3 Too many recipients\n"
	"# 421 4.7.1 Messages to someone@icloud.com deferred due to excessive "
	    "volume.\n"
	"deferred_temporary/ratelimit dsn=4.5.3|4.7.28\n"
	"deferred_temporary/ratelimit text~\"rate limit\"|\"ratelimit\"|"
	    "\"rate-limit\"|\"too many connections\"|\"too many concurrent\"|"
	    "\"too many messages\"|\"too many recipients\"|\"too many "
	    "errors\"|\"excessive volume\"|\"throttl\"|\"slow down\"|\"server "
	    "busy\"\n"
	"\n"
	"### Other refusals of the relay's IP\n"
	"# 550 5.7.1 Client host rejected: cannot find your reverse hostname, "
	    "[192.0.2.1]\n"
	"ip_blocked/ptr text~\"reverse hostname\"|\"cannot find your "
	    "hostname\"|\"reverse dns\"|\"ptr record\"|\"rdns\"|\"reverse "
	    "lookup\"\n"
	"# 504 5.5.2 <localhost>: Helo command rejected: need fully-qualified "
	    "hostname\n"
	"ip_blocked/helo text~\"helo command rejected\"|\"ehlo command "
	    "rejected\"|\"invalid helo\"|\"bad helo\"\n"
	"# 554 5.7.1 Mail from 192.0.2.1 refused: poor IP reputation\n"
	"ip_blocked/reputation text~\"ip reputation\"|\"poor reputation\"|"
	    "\"bad reputation\"|\"low reputation\"|\"reputation of your ip\"\n"
	"# 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked "
	    "using\n"
	"#   dnsbl.example.org\n"
	"ip_blocked/dnsbl !text~sender text~\"blocked using\"|\"listed at\"|"
	    "\"is listed in\"|\"is listed on\"|\"is listed by\"|\"on our "
	    "block list\"|\"on our blocklist\"|\"in a black list\"|\"dnsbl\"|"
	    "\"black listed\"|\"block listed\"|\"blacklisted\"|"
	    "\"blocklisted\"\n"
	"ip_blocked/dnsbl !text~sender text~rbl text=/(^|[^a-z])rbl([^a-z]|"
	    "$)/\n"
	"# 554 5.7.1 <client.example[192.0.2.1]>: Client host rejected: "
	    "Access denied\n"
	"ip_blocked/other text~\"client host rejected\"|\"client host "
	    "blocked\"\n"
	"# host mx.example.net[192.0.2.25] refused to talk to me: 554 5.7.1 "
	    "No SMTP\n"
	"#   service here  (refused at the greeting: before any recipient was "
	    "known)\n"
	"ip_blocked/other code=5* text~\"refused to talk to me\"\n"
	"\n"
	"### \"Service refusé\": a refused message, 4xx or 5xx, never a soft "
	    "bounce\n"
	"# 421 4.2.1 Service refuse. Veuillez essayer plus tard. Service "
	    "refused,\n"
	"#   please try later.  (DESIGN 2: counts against the sender)\n"
	"message_rejected/policy text~\"service refus\"\n"
	"\n"
	"### Refusals of our sender, not of the recipient\n"
	"# 450 4.1.8 <a@example.org>: Sender address rejected: Domain not "
	    "found\n"
	"# 550 5.1.1 <a@example.org>: Sender address rejected: User unknown "
	    "in local\n"
	"#   recipient table  (a callout to our sender: says nothing of the "
	    "recipient)\n"
	"message_rejected/policy text~\"sender address rejected\"|\"sender "
	    "rejected\"|\"sender verify failed\"|\"sender verification\"|"
	    "\"unverified sender\"|\"not owned by user\"|\"invalid sender\"|"
	    "\"emetteur invalide\"\n"
	"message_rejected/policy dsn=5.1.7|5.1.8|4.1.7|4.1.8\n"
	"message_rejected/policy dsn=5.1.*|4.1.* text~\"in reply to mail from "
	    "command\"\n"
	"\n"
	"### The mailbox is full, disabled, or its domain's MX refuses it\n"
	"# 552 5.2.2 <someone@example.net>: user is over quota\n"
	"# 452 4.2.2 Mailbox full  (5.2.2 too: most servers mean a passing "
	    "state)\n"
	"soft/full dsn=4.2.2|5.2.2\n"
	"soft/full text~\"mailbox full\"|\"mailbox is full\"|\"over quota\"|"
	    "\"overquota\"|\"quota exceeded\"|\"exceeds quota\"|\"mailbox "
	    "quota\"|\"exceeded storage allocation\"|\"mailbox size limit\"|"
	    "\"out of storage space\"|\"boite pleine\"|\"boîte pleine\"|"
	    "\"destinataire pleine\"|\"quota depasse\"|\"quota dépassé\"\n"
	"# 550 5.2.1 <someone@example.net>: mailbox disabled, not accepting "
	    "messages\n"
	"# 550 5.1.1 <someone@icloud.com>: inactive email address\n"
	"soft/disabled dsn=5.2.1|4.2.1\n"
	"soft/disabled text~\"mailbox disabled\"|\"mailbox is disabled\"|"
	    "\"account disabled\"|\"account is disabled\"|\"account has been "
	    "disabled\"|\"inactive email address\"|\"inactive account\"|"
	    "\"account is inactive\"|\"account inactive\"|\"mailbox is "
	    "inactive\"|\"account suspended\"|\"mailbox suspended\"|\"account "
	    "has been suspended\"|\"compte désactivé\"|\"compte desactive\"\n"
	"# 554 5.7.1 <someone@example.net>: Relay access denied  (the MX does "
	    "not take\n"
	"#   mail for that domain: the address cannot receive, our message is "
	    "not\n"
	"#   at fault)\n"
	"soft/relay !status=reject text~\"relay access denied\"|\"relaying "
	    "denied\"|\"relay not permitted\"|\"unable to relay\"|\"relaying "
	    "not allowed\"|\"not permitted to relay\"\n"
	"\n"
	"### The address or the domain does not exist\n"
	"# 550 5.1.1 <someone@example.net>: Recipient address rejected: User "
	    "unknown\n"
	"#   in virtual mailbox table\n"
	"hard/nullmx !status=deferred dsn=5.1.10\n"
	"hard/mailbox !status=deferred dsn=5.1.1|5.1.3|5.1.6\n"
	"hard/domain !status=deferred dsn=5.1.2\n"
	"# 550 No such user here / 550 Invalid Recipient / 550 Unrouteable "
	    "address\n"
	"hard/mailbox status=bounced|reject text~\"user unknown\"|\"unknown "
	    "user\"|\"no such user\"|\"user not found\"|\"user does not "
	    "exist\"|\"recipient not found\"|\"recipient unknown\"|\"unknown "
	    "recipient\"|\"no such recipient\"|\"invalid recipient\"|"
	    "\"recipient does not exist\"|\"mailbox not found\"|\"no such "
	    "mailbox\"|\"mailbox does not exist\"|\"address does not exist\"|"
	    "\"account does not exist\"|\"no mailbox here\"|\"unrouteable "
	    "address\"\n"
	"hard/mailbox status=bounced|reject text~\"utilisateur inconnu\"|"
	    "\"destinataire inconnu\"|\"adresse inconnue\"|\"boite inconnue\"|"
	    "\"boîte inconnue\"|\"destinataire invalide\"|\"benutzer "
	    "unbekannt\"|\"empfänger unbekannt\"|\"empfaenger unbekannt\"\n"
	"hard/domain status=bounced|reject text~\"no such domain\"|\"domain "
	    "does not exist\"|\"domain not found\"\n"
	"\n"
	"### This message refused: authentication, size, content, spam, "
	    "policy\n"
	"# 550 5.7.1 rejected by DMARC policy for yahoo.fr  (a web form "
	    "sending with\n"
	"#   the visitor's address in From:)\n"
	"message_rejected/auth dsn=5.7.20-24|4.7.20-24\n"
	"message_rejected/auth text~\"dmarc\"|\"spf\"|\"dkim\"|\"domainkeys\"|"
	    "\"unauthenticated\"|\"authentication required\"|\"authentication "
	    "failed\"|\"spoof\"\n"
	"# 552 5.3.4 Message size exceeds fixed limit\n"
	"message_rejected/size dsn=5.3.4|4.3.4|5.2.3\n"
	"message_rejected/size text~\"message size\"|\"attachment too large\"|"
	    "\"attachment size\"|\"message is too large\"|\"message too "
	    "large\"|\"message too big\"|\"message is too big\"|\"exceeds "
	    "size limit\"|\"size limit\"|\"message length exceeds\"|\"exceeds "
	    "the maximum size\"|\"taille limite\"|\"taille du message\"\n"
	"# 550 5.7.1 Message content rejected\n"
	"# 554 5.7.0 Rejected: message contains a virus\n"
	"message_rejected/content text~\"virus found\"|\"virus detected\"|"
	    "\"contains a virus\"|\"virus infected\"|\"infected\"|\"malware\"|"
	    "\"trojan\"|\"phishing\"|\"attachment\"|\"executable\"|\"content "
	    "rejected\"|\"banned content\"|\"forbidden content\"|\"message "
	    "content\"|\"dangerous content\"\n"
	"# 550 spam detected / 550 5.7.1 Email ... rejected per SPAM policy "
	    "/\n"
	"# 451 4.7.1 Spam detected, message deferred  (4xx too: refused, not "
	    "soft)\n"
	"# Phrases, not the bare word: Postfix's reply names the host, and "
	    "filtering\n"
	"# services are often called mx.antispam.example.\n"
	"message_rejected/spam text~\"spam detected\"|\"detected as spam\"|"
	    "\"as spam\"|\"is spam\"|\"spam message\"|\"spam policy\"|\"spam "
	    "content\"|\"spam score\"|\"spamscore\"|\"likely spam\"|"
	    "\"suspected spam\"|\"probable spam\"|\"spam filter\"|\"antispam "
	    "filter\"|\"rejected by antispam\"|\"looks like spam\"|"
	    "\"spam-like\"|\"spammy\"|\"spam rejected\"|\"spam blocked\"\n"
	"message_rejected/spam text~\"unsolicited\"|\"junk mail\"|\"bulk "
	    "mail\"|\"pourriel\"|\"indésirable\"|\"indesirable\"\n"
	"# 554 5.7.1 Rejected for policy reasons / 550 Administrative "
	    "prohibition\n"
	"message_rejected/policy text~\"policy\"|\"policies\"|"
	    "\"administrative prohibition\"|\"prohibited\"|\"not allowed\"|"
	    "\"access denied\"|\"denied\"\n"
	"\n"
	"### Expired in the queue\n"
	"soft/expired status=expired\n"
	"\n"
	"### Other temporary failures\n"
	"# 451 4.7.1 Please try again later  (greylisting that does not say "
	    "so)\n"
	"deferred_temporary/greylist status=deferred dsn=4.7.1|4.2.0 "
	    "text~\"try again later\"|\"try later\"|\"come back later\"\n"
	"deferred_temporary status=deferred text~\"try again later\"|\"try "
	    "later\"|\"temporarily unavailable\"|\"temporary failure\"|"
	    "\"temporarily rejected\"|\"temporarily deferred\"|\"please "
	    "retry\"\n"
	"\n"
	"### Fallbacks by enhanced status code, then by status\n"
	"# 550 Requested action not taken: mailbox unavailable  (from an "
	    "unknown\n"
	"#   server: the recipient cannot take mail; existence not proven)\n"
	"soft/unavailable status=bounced !dsn=5.7.* text~\"mailbox "
	    "unavailable\"|\"mailbox not available\"|\"mailbox is "
	    "unavailable\"|\"mailbox temporarily unavailable\"\n"
	"message_rejected/content dsn=5.6.*\n"
	"message_rejected/policy dsn=5.7.*\n"
	"message_rejected/other dsn=5.*\n"
	"soft dsn=4.2.*\n"
	"deferred_temporary dsn=4.*\n"
	"message_rejected/other status=bounced|reject\n"
	"deferred_temporary status=deferred\n";

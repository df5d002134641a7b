/* ctl/dmarc.c - see dmarc.h. */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "dkim.h"
#include "dmarc.h"

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The first tag: "v", '=', value; whitespace allowed around them. */
static int
first_tag_v(const char *s, size_t len, const char **val, size_t *vlen)
{
	size_t p = 0, q;

	while (p < len && is_ws(s[p]))
		p++;
	if (p == len || s[p++] != 'v')
		return 0;
	while (p < len && is_ws(s[p]))
		p++;
	if (p == len || s[p++] != '=')
		return 0;
	while (p < len && is_ws(s[p]))
		p++;
	for (q = p; q < len && s[q] != ';' && !is_ws(s[q]); q++)
		;
	*val = s + p;
	*vlen = q - p;
	return 1;
}

int
dmarc_is_record(const char *txt, size_t len)
{
	const char *v;
	size_t vl;

	return first_tag_v(txt, len, &v, &vl) && vl == 6 &&
	    memcmp(v, "DMARC1", 6) == 0;
}

int
dmarc_near_miss(const char *txt, size_t len)
{
	size_t i;

	if (dmarc_is_record(txt, len))
		return 0;
	for (i = 0; i + 6 <= len; i++)
		if (strncasecmp(txt + i, "dmarc1", 6) == 0)
			return 1;
	return 0;
}

const char *
dmarc_policy_name(int p)
{
	static const char *const names[] = { "none", "quarantine", "reject" };

	return p >= 0 && p < 3 ? names[p] : "?";
}

static int
policy_value(const struct tag *t)
{
	int i;

	for (i = 0; i < 3; i++)
		if (t->vlen == strlen(dmarc_policy_name(i)) &&
		    strncasecmp(t->val, dmarc_policy_name(i), t->vlen) == 0)
			return i;
	return -1;
}

/* Every ':'-separated word of t's value is one of words (space-separated). */
static int
words_in(const struct tag *t, const char *words)
{
	size_t p = 0, q, e;

	while (p <= t->vlen) {
		const char *w = words;
		int found = 0;

		while (p < t->vlen && is_ws(t->val[p]))
			p++;
		for (q = p; q < t->vlen && t->val[q] != ':'; q++)
			;
		for (e = q; e > p && is_ws(t->val[e - 1]); e--)
			;
		while (*w) {
			size_t wl = strcspn(w, " ");

			if (wl == e - p && strncasecmp(w, t->val + p, wl) == 0)
				found = 1;
			w += wl;
			while (*w == ' ')
				w++;
		}
		if (!found)
			return 0;
		p = q + 1;
	}
	return 1;
}

/* A decimal number up to max into *out (may be NULL): 1 or 0. */
static int
number(const char *s, size_t len, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return 0;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return 0;
	if (out != NULL)
		*out = v;
	return 1;
}

static int
domain_ok(const char *s, size_t len)
{
	size_t i, label = 0;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)s[i]) || s[i] == '-' ||
		    s[i] == '_') {
			if (++label > 63)
				return 0;
		} else
			return 0;
	}
	return label > 0 && memchr(s, '.', len) != NULL;
}

/* rua= or ruf=: comma-separated mailto:local@domain[!size]. */
static void
uris(struct dmarc_record *d, const struct tag *t, int rua)
{
	size_t p = 0, q, s, e, at;

	while (p <= t->vlen) {
		for (q = p; q < t->vlen && t->val[q] != ','; q++)
			;
		for (s = p; s < q && is_ws(t->val[s]); s++)
			;
		for (e = q; e > s && is_ws(t->val[e - 1]); e--)
			;
		p = q + 1;
		/* The size limit: "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] */
		for (at = s; at < e && t->val[at] != '!'; at++)
			;
		if (at < e) {
			size_t n = e - at - 1;

			if (n > 0 && strchr("kmgtKMGT", t->val[e - 1]) &&
			    t->val[e - 1] != '\0')
				n--;
			if (!number(t->val + at + 1, n, 0xffffffffUL, NULL)) {
				issue_add(&d->is, 0, "dmarc-bad-uri",
				    t->val + s, e - s);
				continue;
			}
			e = at;
		}
		if (e - s < 8 || strncasecmp(t->val + s, "mailto:", 7) != 0) {
			issue_add(&d->is, 0, "dmarc-bad-uri", t->val + s,
			    e - s);
			continue;
		}
		for (at = e; at > s + 7 && t->val[at - 1] != '@'; at--)
			;
		if (at <= s + 8 || !domain_ok(t->val + at, e - at)) {
			issue_add(&d->is, 0, "dmarc-bad-uri", t->val + s,
			    e - s);
			continue;
		}
		if (!rua) {
			d->nruf++;
			continue;
		}
		d->nrua++;
		if (d->nrua_domain < DMARC_URIS_MAX) {
			char *o = d->rua_domain[d->nrua_domain++];
			size_t i;

			for (i = 0; at + i < e; i++)
				o[i] = (char)tolower((unsigned char)t->val[at + i]);
			o[i] = '\0';
		}
	}
}

static void
bad_value(struct dmarc_record *d, const struct tag *t)
{
	issue_add(&d->is, 0, "dmarc-bad-value", t->name,
	    (size_t)(t->val - t->name) + t->vlen);
}

void
dmarc_parse(const char *txt, size_t len, struct dmarc_record *d)
{
	struct tag tags[TAGS_MAX];
	const char *why;
	int n, i, has_p = 0;

	memset(d, 0, sizeof(*d));
	d->p = d->sp = d->np = -1;
	d->adkim = d->aspf = 'r';
	d->pct = 100;
	if (!dmarc_is_record(txt, len)) {
		issue_add(&d->is, 1, "dmarc-version", txt, len);
		return;
	}
	if ((n = tag_list_parse(txt, len, tags, TAGS_MAX, &why)) < 0) {
		issue_add(&d->is, 1, "dmarc-syntax", why, strlen(why));
		return;
	}
	for (i = 1; i < n; i++) {
		const struct tag *t = &tags[i];

		if (tag_is(t, "p")) {
			has_p = 1;
			if ((d->p = policy_value(t)) < 0)
				issue_add(&d->is, 0, "dmarc-no-policy", t->name,
				    (size_t)(t->val - t->name) + t->vlen);
		} else if (tag_is(t, "sp")) {
			if ((d->sp = policy_value(t)) < 0)
				bad_value(d, t);
		} else if (tag_is(t, "np")) {
			if ((d->np = policy_value(t)) < 0)
				bad_value(d, t);
		} else if (tag_is(t, "adkim") || tag_is(t, "aspf")) {
			char *m = tag_is(t, "adkim") ? &d->adkim : &d->aspf;

			if (t->vlen == 1 && (t->val[0] == 'r' ||
			    t->val[0] == 's'))
				*m = t->val[0];
			else
				bad_value(d, t);
		} else if (tag_is(t, "pct")) {
			unsigned long v;

			if (number(t->val, t->vlen, 100, &v))
				d->pct = (int)v;
			else
				bad_value(d, t);
		} else if (tag_is(t, "fo")) {
			if (!words_in(t, "0 1 d s"))
				bad_value(d, t);
		} else if (tag_is(t, "rf")) {
			if (!words_in(t, "afrf"))
				bad_value(d, t);
		} else if (tag_is(t, "ri")) {
			if (!number(t->val, t->vlen, 0xffffffffUL, NULL))
				bad_value(d, t);
		} else if (tag_is(t, "rua"))
			uris(d, t, 1);
		else if (tag_is(t, "ruf"))
			uris(d, t, 0);
		else if (!tag_is(t, "t") && !tag_is(t, "psd"))
			issue_add(&d->is, 0, "dmarc-unknown-tag", t->name,
			    t->nlen);
	}
	if (!has_p)
		issue_add(&d->is, 0, "dmarc-no-policy", "p=", 2);
}

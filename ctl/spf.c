/* ctl/spf.c - see spf.h.  The grammar is RFC 7208 section 12. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spf.h"
#include "util.h"

#define SPF_TERMS_MAX	1024

static const struct {
	const char	*name;
	int		 type;
} mechs[] = {
	{ "all", SPF_ALL }, { "include", SPF_INCLUDE }, { "a", SPF_A },
	{ "mx", SPF_MX }, { "ptr", SPF_PTR }, { "ip4", SPF_IP4 },
	{ "ip6", SPF_IP6 }, { "exists", SPF_EXISTS },
};

static void
issue(struct spf_record *r, int fatal, const char *code, const char *s,
    size_t len)
{
	issue_add(&r->is, fatal, code, s, len);
}

int
spf_is_record(const char *txt, size_t len)
{
	return len >= 6 && strncasecmp(txt, "v=spf1", 6) == 0 &&
	    (len == 6 || txt[6] == ' ');
}

const char *
spf_near_miss(const char *txt, size_t len)
{
	size_t i = 0;
	int space = 0, quote = 0;

	if (spf_is_record(txt, len))
		return NULL;
	for (; i < len; i++) {
		if (txt[i] == ' ' || txt[i] == '\t')
			space = 1;
		else if (txt[i] == '"' || txt[i] == '\'')
			quote = 1;
		else
			break;
	}
	if (len - i < 6 || strncasecmp(txt + i, "v=spf1", 6) != 0)
		return NULL;
	if (len - i > 6 && txt[i + 6] != ' ' && txt[i + 6] != '"' &&
	    txt[i + 6] != '\'')
		return NULL;
	if (quote)
		return "spf-quotes";
	return space ? "spf-leading-space" : NULL;
}

const char *
spf_qual_name(int qual)
{
	static const char *const names[] = {
		"pass", "fail", "softfail", "neutral"
	};

	return qual >= 0 && qual < 4 ? names[qual] : "?";
}

int
spf_prefix_match(const uint8_t *net, const uint8_t *addr, int alen, int bits)
{
	int full = bits / 8, rest = bits % 8;

	if (bits < 0 || bits > alen * 8)
		return 0;
	if (memcmp(net, addr, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((net[full] ^ addr[full]) & (0xff00 >> rest)) == 0;
}

/* A cidr length: "0" or 1-3 digits without a leading zero, <= max. */
static int
parse_len(const char *s, size_t len, int max, int *out)
{
	size_t i;
	int v = 0;

	if (len == 0 || len > 3 || (s[0] == '0' && len > 1))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* dual-cidr-length: "/N", "//M", "/N//M" (s starts at the first '/'). */
static int
parse_dual(const char *s, size_t len, int v4, int v6, struct spf_term *t)
{
	const char *dd;
	size_t n;

	if (len == 0)
		return 0;
	if (len < 2 || s[0] != '/')
		return -1;
	dd = NULL;
	for (n = 0; n + 1 < len; n++)
		if (s[n] == '/' && s[n + 1] == '/') {
			dd = s + n;
			break;
		}
	if (dd != s) {		/* an ip4 length first */
		n = dd ? (size_t)(dd - s) : len;
		if (!v4 || parse_len(s + 1, n - 1, 32, &t->cidr4) != 0)
			return -1;
	}
	if (dd != NULL && (!v6 || parse_len(dd + 2, len - (size_t)(dd - s) - 2,
	    128, &t->cidr6) != 0))
		return -1;
	return 0;
}

static int
alnum_label(const char *s, size_t len)
{
	size_t i;
	int alpha = 0, hyphen = 0;

	if (len == 0 || len > 63 || !isalnum((unsigned char)s[0]) ||
	    !isalnum((unsigned char)s[len - 1]))
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalpha(c))
			alpha = 1;
		else if (c == '-')
			hyphen = 1;
		else if (!isdigit(c))
			return 0;
	}
	return alpha || hyphen;
}

/*
 * A macro-string (7.1): literals and %{...}, %%, %_, %-.  Returns 0 or -1;
 * sets *macro if there is an expansion and *last if it ends with a %{}.
 */
static int
check_macro_string(const char *s, size_t len, int *macro, int *last)
{
	size_t i;

	*macro = *last = 0;
	for (i = 0; i < len; i++) {
		*last = 0;
		if (s[i] != '%')
			continue;
		*macro = 1;
		if (++i >= len)
			return -1;
		if (s[i] == '%' || s[i] == '_' || s[i] == '-')
			continue;
		if (s[i] != '{' || ++i >= len || s[i] == '\0' ||
		    strchr("slodiphcrtvSLODIPHCRTV", s[i]) == NULL)
			return -1;
		for (i++; i < len && isdigit((unsigned char)s[i]); i++)
			;
		if (i < len && (s[i] == 'r' || s[i] == 'R'))
			i++;
		for (; i < len && s[i] != '\0' && strchr(".-+,/_=", s[i]); i++)
			;
		if (i >= len || s[i] != '}')
			return -1;
		*last = 1;
	}
	return 0;
}

/*
 * A domain-spec: a macro-string ending in "." toplabel [ "." ] or in a
 * macro.  Returns NULL or the code of the issue.  Sets *macro.
 */
static const char *
check_domain_spec(const char *s, size_t len, int *macro)
{
	size_t i, end, dot, start;
	int last_macro;
	char buf[256];
	uint8_t ip[16];

	if (len == 0 || check_macro_string(s, len, macro, &last_macro) != 0)
		return "spf-syntax";
	if (last_macro)
		return NULL;
	if (!*macro && len < sizeof(buf)) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (inet_pton(AF_INET, buf, ip) == 1 ||
		    inet_pton(AF_INET6, buf, ip) == 1)
			return "spf-host-is-ip";
	}
	end = len;
	if (s[end - 1] == '.')
		end--;
	for (dot = end; dot > 0 && s[dot - 1] != '.'; dot--)
		;
	if (dot == 0 || !alnum_label(s + dot, end - dot))
		return "spf-syntax";
	if (*macro)
		return NULL;
	/* A plain name: it must be one DNS can look up. */
	if (end > 253)
		return "spf-syntax";
	for (start = 0; start < end; start = i + 1) {
		for (i = start; i < end && s[i] != '.'; i++)
			;
		if (i == start || i - start > 63)
			return "spf-syntax";
	}
	return NULL;
}

static int
mech_type(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++)
		if (strlen(mechs[i].name) == len &&
		    strncasecmp(mechs[i].name, name, len) == 0)
			return mechs[i].type;
	return -1;
}

/* A domain-spec from s, kept in t (lower-case when it has no macro). */
static int
take_domain(struct spf_record *r, struct spf_term *t, const char *s,
    size_t len, const char *term, size_t tlen)
{
	const char *code;
	size_t i;

	if ((code = check_domain_spec(s, len, &t->macro)) != NULL) {
		issue(r, 1, code, term, tlen);
		return -1;
	}
	t->domain = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		t->domain[i] = t->macro ? s[i] : (char)tolower((unsigned char)s[i]);
	if (len > 1 && t->domain[len - 1] == '.')
		len--;
	t->domain[len] = '\0';
	return 0;
}

/* Where the cidr part of "a"/"mx" starts: the first '/' outside a
 * macro. */
static size_t
cidr_start(const char *s, size_t len)
{
	size_t i;
	int in = 0;

	for (i = 0; i < len; i++)
		if (s[i] == '{')
			in = 1;
		else if (s[i] == '}')
			in = 0;
		else if (s[i] == '/' && !in)
			return i;
	return len;
}

static void
term(struct spf_record *r, const char *s, size_t len, int *upper)
{
	struct spf_term t;
	const char *term0 = s, *val;
	size_t tlen = len, n, i, vlen, c;
	int qualified = 0;
	char ipbuf[INET6_ADDRSTRLEN + 1];

	for (i = 0; i < len; i++) {
		if (s[i] == '"') {
			issue(r, 1, "spf-quotes", s, len);
			return;
		}
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e) {
			issue(r, 1, "spf-syntax", s, len);
			return;
		}
	}
	memset(&t, 0, sizeof(t));
	t.qual = SPF_Q_PASS;
	t.cidr4 = 32;
	t.cidr6 = 128;
	switch (s[0]) {
	case '+': t.qual = SPF_Q_PASS; qualified = 1; break;
	case '-': t.qual = SPF_Q_FAIL; qualified = 1; break;
	case '~': t.qual = SPF_Q_SOFTFAIL; qualified = 1; break;
	case '?': t.qual = SPF_Q_NEUTRAL; qualified = 1; break;
	}
	s += qualified;
	len -= (size_t)qualified;
	for (n = 0; n < len && (isalnum((unsigned char)s[n]) || s[n] == '_' ||
	    s[n] == '.' || s[n] == '-'); n++)
		if (isupper((unsigned char)s[n]))
			*upper = 1;
	if (n == 0) {
		issue(r, 1, "spf-syntax", term0, tlen);
		return;
	}
	val = n < len ? s + n + 1 : s + len;
	vlen = n < len ? len - n - 1 : 0;
	if (n < len && s[n] == '=') {
		/* A modifier. */
		if (qualified || !isalpha((unsigned char)s[0])) {
			issue(r, 1, "spf-syntax", term0, tlen);
			return;
		}
		if (n == 8 && strncasecmp(s, "redirect", 8) == 0)
			t.type = SPF_REDIRECT;
		else if (n == 3 && strncasecmp(s, "exp", 3) == 0)
			t.type = SPF_EXP;
		else
			t.type = SPF_UNKNOWN;
		if (t.type != SPF_UNKNOWN) {
			int *idx = t.type == SPF_REDIRECT ? &r->redirect : NULL;

			for (i = 0; i < (size_t)r->n; i++)
				if (r->t[i].type == t.type) {
					issue(r, 1, "spf-duplicate-modifier",
					    term0, tlen);
					return;
				}
			if (take_domain(r, &t, val, vlen, term0, tlen) != 0)
				return;
			if (idx != NULL)
				*idx = r->n;
			if (t.type == SPF_REDIRECT)
				r->lookups++;
		} else {
			int macro, last;

			if (check_macro_string(val, vlen, &macro, &last) != 0) {
				issue(r, 1, "spf-syntax", term0, tlen);
				return;
			}
			issue(r, 0, "spf-unknown-modifier", term0, tlen);
			t.domain = xmalloc(n + 1);
			memcpy(t.domain, s, n);
			t.domain[n] = '\0';
		}
		goto keep;
	}
	if (n < len && s[n] != ':' && s[n] != '/') {
		issue(r, 1, "spf-unknown-mechanism", term0, tlen);
		return;
	}
	if ((t.type = mech_type(s, n)) < 0) {
		issue(r, 1, "spf-unknown-mechanism", term0, tlen);
		return;
	}
	switch (t.type) {
	case SPF_ALL:
		if (n != len) {
			issue(r, 1, "spf-syntax", term0, tlen);
			return;
		}
		if (r->all < 0)
			r->all = r->n;
		break;
	case SPF_INCLUDE:
	case SPF_EXISTS:
		if (n == len || s[n] != ':') {
			issue(r, 1, "spf-syntax", term0, tlen);
			return;
		}
		if (take_domain(r, &t, val, vlen, term0, tlen) != 0)
			return;
		r->lookups++;
		break;
	case SPF_PTR:
		if (n < len && s[n] != ':') {
			issue(r, 1, "spf-syntax", term0, tlen);
			return;
		}
		if (n < len && take_domain(r, &t, val, vlen, term0, tlen) != 0)
			return;
		r->lookups++;
		break;
	case SPF_A:
	case SPF_MX:
		if (n < len && s[n] == '/') {
			val = s + n;
			vlen = len - n;
			c = 0;
		} else
			c = cidr_start(val, vlen);
		if (parse_dual(val + c, vlen - c, 1, 1, &t) != 0) {
			issue(r, 1, "spf-bad-cidr", term0, tlen);
			return;
		}
		if (n < len && s[n] == ':' &&
		    take_domain(r, &t, val, c, term0, tlen) != 0)
			return;
		r->lookups++;
		break;
	case SPF_IP4:
	case SPF_IP6:
		if (n == len || s[n] != ':') {
			issue(r, 1, "spf-syntax", term0, tlen);
			return;
		}
		for (c = 0; c < vlen && val[c] != '/'; c++)
			;
		if (c == 0 || c >= sizeof(ipbuf)) {
			issue(r, 1, "spf-bad-ip", term0, tlen);
			return;
		}
		memcpy(ipbuf, val, c);
		ipbuf[c] = '\0';
		if (inet_pton(t.type == SPF_IP4 ? AF_INET : AF_INET6, ipbuf,
		    t.addr) != 1) {
			issue(r, 1, "spf-bad-ip", term0, tlen);
			return;
		}
		if (c < vlen && (vlen - c < 2 || parse_len(val + c + 1,
		    vlen - c - 1, t.type == SPF_IP4 ? 32 : 128,
		    t.type == SPF_IP4 ? &t.cidr4 : &t.cidr6) != 0)) {
			issue(r, 1, "spf-bad-cidr", term0, tlen);
			return;
		}
		break;
	}
keep:
	if (r->n >= SPF_TERMS_MAX) {
		free(t.domain);
		issue(r, 1, "spf-syntax", term0, tlen);
		return;
	}
	t.text = xmalloc(tlen + 1);
	memcpy(t.text, term0, tlen);
	t.text[tlen] = '\0';
	if ((r->n & 15) == 0)
		r->t = xrealloc(r->t, sizeof(*r->t) * (size_t)(r->n + 16));
	r->t[r->n++] = t;
}

void
spf_parse(const char *txt, size_t len, struct spf_record *r)
{
	size_t p, q;
	int upper = 0;

	memset(r, 0, sizeof(*r));
	r->all = r->redirect = -1;
	if (!spf_is_record(txt, len)) {
		issue(r, 1, "spf-syntax", txt, len);
		return;
	}
	if (memcmp(txt, "v=spf1", 6) != 0)
		upper = 1;
	for (p = 6; p < len; p = q) {
		if (txt[p] == ' ') {
			q = p + 1;
			continue;
		}
		for (q = p; q < len && txt[q] != ' '; q++)
			;
		term(r, txt + p, q - p, &upper);
	}
	if (upper)
		issue(r, 0, "spf-uppercase", "", 0);
}

void
spf_free(struct spf_record *r)
{
	int i;

	for (i = 0; i < r->n; i++) {
		free(r->t[i].text);
		free(r->t[i].domain);
	}
	free(r->t);
	r->t = NULL;
	r->n = 0;
}

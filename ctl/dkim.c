/* ctl/dkim.c - see dkim.h. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "dkim.h"

#define KEY_DER_MAX	4096	/* an 8192-bit RSA key is ~1.1 KB */

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
tag_list_parse(const char *s, size_t len, struct tag *tags, int max,
    const char **why)
{
	size_t p = 0, q, e;
	int n = 0, i;

	while (p < len) {
		struct tag t;

		while (p < len && is_ws(s[p]))
			p++;
		if (p == len)
			break;		/* "...; " at the end */
		if (!isalpha((unsigned char)s[p])) {
			*why = s[p] == ';' ? "an empty tag (';;')" :
			    "a tag name must start with a letter";
			return -1;
		}
		for (q = p; q < len && (isalnum((unsigned char)s[q]) ||
		    s[q] == '_'); q++)
			;
		t.name = s + p;
		t.nlen = q - p;
		while (q < len && is_ws(s[q]))
			q++;
		if (q == len || s[q] != '=') {
			*why = "a tag without '=' (tags are name=value, "
			    "separated by ';')";
			return -1;
		}
		for (p = q + 1; p < len && is_ws(s[p]); p++)
			;
		for (q = p; q < len && s[q] != ';'; q++)
			if ((unsigned char)s[q] > 0x7e ||
			    ((unsigned char)s[q] < 0x21 && !is_ws(s[q]))) {
				*why = "a character that is not printable "
				    "ASCII in a value";
				return -1;
			}
		for (e = q; e > p && is_ws(s[e - 1]); e--)
			;
		t.val = s + p;
		t.vlen = e - p;
		for (i = 0; i < n; i++)
			if (tags[i].nlen == t.nlen &&
			    memcmp(tags[i].name, t.name, t.nlen) == 0) {
				*why = "a tag given twice";
				return -1;
			}
		if (n == max) {
			*why = "too many tags";
			return -1;
		}
		tags[n++] = t;
		p = q < len ? q + 1 : q;
	}
	return n;
}

int
tag_is(const struct tag *t, const char *name)
{
	return t->nlen == strlen(name) && memcmp(t->name, name, t->nlen) == 0;
}

/* Whether a ':'-separated list (whitespace allowed) holds word. */
static int
list_has(const char *s, size_t len, const char *word)
{
	size_t p = 0, q, e, wl = strlen(word);

	while (p <= len) {
		while (p < len && is_ws(s[p]))
			p++;
		for (q = p; q < len && s[q] != ':'; q++)
			;
		for (e = q; e > p && is_ws(s[e - 1]); e--)
			;
		if (e - p == wl && memcmp(s + p, word, wl) == 0)
			return 1;
		p = q + 1;
	}
	return 0;
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64 with padding; whitespace anywhere is skipped (FWS).  Returns
 * the decoded length or -1. */
static int
b64_decode(const char *s, size_t len, unsigned char *out, size_t outsz)
{
	size_t i, o = 0, nchar = 0, pad = 0;
	unsigned int acc = 0;

	for (i = 0; i < len; i++) {
		int v;

		if (is_ws(s[i]))
			continue;
		if (s[i] == '=') {
			pad++;
			nchar++;
			continue;
		}
		if (pad || (v = b64_value(s[i])) < 0)
			return -1;
		acc = acc << 6 | (unsigned int)v;
		if (++nchar % 4 == 0) {
			if (o + 3 > outsz)
				return -1;
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
		}
	}
	if (nchar % 4 != 0 || pad > 2)
		return -1;
	if (pad) {
		acc <<= 6 * pad;
		if (o + 3 - pad > outsz)
			return -1;
		out[o++] = (unsigned char)(acc >> 16);
		if (pad == 1)
			out[o++] = (unsigned char)(acc >> 8);
	}
	return (int)o;
}

/* One DER element at *p: its tag, content and length; -1 when it does
 * not fit before end. */
static int
der_next(const unsigned char **p, const unsigned char *end,
    const unsigned char **val, size_t *vlen)
{
	size_t l, n;
	int tag;

	if (end - *p < 2)
		return -1;
	tag = *(*p)++;
	l = *(*p)++;
	if (l & 0x80) {
		n = l & 0x7f;
		if (n == 0 || n > 3 || (size_t)(end - *p) < n)
			return -1;
		for (l = 0; n > 0; n--)
			l = l << 8 | *(*p)++;
	}
	if ((size_t)(end - *p) < l)
		return -1;
	*val = *p;
	*vlen = l;
	*p += l;
	return tag;
}

int
dkim_rsa_bits(const unsigned char *der, size_t len)
{
	static const unsigned char rsa_oid[] = {
		0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01
	};
	const unsigned char *p = der, *end = der + len, *v, *alg, *q;
	size_t vl, al;
	int bits;

	/* SubjectPublicKeyInfo ::= SEQUENCE { algorithm, BIT STRING } */
	if (der_next(&p, end, &v, &vl) != 0x30 || p != end)
		return -1;
	p = v;
	end = v + vl;
	if (der_next(&p, end, &alg, &al) != 0x30)
		return -1;
	q = alg;
	if (der_next(&q, alg + al, &v, &vl) != 0x06 ||
	    vl != sizeof(rsa_oid) || memcmp(v, rsa_oid, vl) != 0)
		return -1;
	if (der_next(&p, end, &v, &vl) != 0x03 || vl < 1 || v[0] != 0)
		return -1;
	/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, exponent INTEGER } */
	p = v + 1;
	end = v + vl;
	if (der_next(&p, end, &v, &vl) != 0x30)
		return -1;
	p = v;
	end = v + vl;
	if (der_next(&p, end, &v, &vl) != 0x02 || vl == 0)
		return -1;
	while (vl > 0 && v[0] == 0) {
		v++;
		vl--;
	}
	if (vl == 0 || vl > 2048)
		return -1;
	bits = (int)(vl - 1) * 8;
	for (len = v[0]; len; len >>= 1)
		bits++;
	return bits;
}

void
dkim_key_parse(const char *txt, size_t len, struct dkim_key *k)
{
	struct tag tags[TAGS_MAX];
	unsigned char der[KEY_DER_MAX];
	const struct tag *p = NULL;
	const char *why;
	char num[16];
	int n, i, dl;

	memset(k, 0, sizeof(*k));
	k->type = DKIM_K_RSA;
	if ((n = tag_list_parse(txt, len, tags, TAGS_MAX, &why)) < 0) {
		issue_add(&k->is, 1, "dkim-syntax", why, strlen(why));
		return;
	}
	for (i = 0; i < n; i++) {
		const struct tag *t = &tags[i];

		if (tag_is(t, "v")) {
			if (i != 0 || t->vlen != 5 ||
			    memcmp(t->val, "DKIM1", 5) != 0) {
				issue_add(&k->is, 1, "dkim-version", t->name,
				    (size_t)(t->val - t->name) + t->vlen);
				return;
			}
		} else if (tag_is(t, "k")) {
			if (t->vlen == 3 && memcmp(t->val, "rsa", 3) == 0)
				k->type = DKIM_K_RSA;
			else if (t->vlen == 7 && memcmp(t->val, "ed25519", 7) ==
			    0)
				k->type = DKIM_K_ED25519;
			else {
				k->type = DKIM_K_UNKNOWN;
				issue_add(&k->is, 1, "dkim-key-type", t->val,
				    t->vlen);
			}
		} else if (tag_is(t, "h")) {
			if (!list_has(t->val, t->vlen, "sha256"))
				issue_add(&k->is, 1, "dkim-hash-sha1", t->val,
				    t->vlen);
		} else if (tag_is(t, "s")) {
			if (!list_has(t->val, t->vlen, "*") &&
			    !list_has(t->val, t->vlen, "email"))
				issue_add(&k->is, 1, "dkim-service", t->val,
				    t->vlen);
		} else if (tag_is(t, "t")) {
			if (list_has(t->val, t->vlen, "y")) {
				k->testing = 1;
				issue_add(&k->is, 0, "dkim-testing", t->val,
				    t->vlen);
			}
		} else if (tag_is(t, "p"))
			p = t;
	}
	if (p == NULL) {
		issue_add(&k->is, 1, "dkim-no-key", "", 0);
		return;
	}
	if (p->vlen == 0) {
		k->revoked = 1;
		issue_add(&k->is, 1, "dkim-revoked", "", 0);
		return;
	}
	if ((dl = b64_decode(p->val, p->vlen, der, sizeof(der))) < 0) {
		issue_add(&k->is, 1, "dkim-bad-base64", p->val, p->vlen);
		return;
	}
	if (k->type == DKIM_K_ED25519) {
		if (dl != 32)
			issue_add(&k->is, 1, "dkim-bad-key", "ed25519", 7);
		else
			k->bits = 256;
		return;
	}
	if (k->type != DKIM_K_RSA)
		return;
	if ((k->bits = dkim_rsa_bits(der, (size_t)dl)) < 0) {
		k->bits = 0;
		issue_add(&k->is, 1, "dkim-bad-key", "rsa", 3);
		return;
	}
	snprintf(num, sizeof(num), "%d", k->bits);
	if (k->bits < 1024)
		issue_add(&k->is, 1, "dkim-key-weak", num, strlen(num));
	else if (k->bits < 2048)
		issue_add(&k->is, 0, "dkim-key-short", num, strlen(num));
}

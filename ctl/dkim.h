/*
 * ctl/dkim.h - DKIM key records (RFC 6376 3.6.1, RFC 8463) and the
 * tag=value list syntax they share with DMARC records (RFC 6376 3.2),
 * with no DNS.
 */
#ifndef REBOND_DKIM_H
#define REBOND_DKIM_H

#include <stddef.h>

#include "issue.h"

#define TAGS_MAX	32

/* One tag=value; name and val point into the parsed text (not NUL
 * terminated), val without the whitespace around it. */
struct tag {
	const char	*name;
	size_t		 nlen;
	const char	*val;
	size_t		 vlen;
};

/* Split a tag-list into at most max tags.  Returns their number, or -1
 * with *why set (a static sentence) when the list is malformed: a tag
 * without '=', a bad name or value character, a tag given twice, more
 * than max tags. */
int	tag_list_parse(const char *s, size_t len, struct tag *tags, int max,
	    const char **why);

/* Whether tag t is named name (case-sensitive, as RFC 6376 says). */
int	tag_is(const struct tag *t, const char *name);

enum dkim_ktype { DKIM_K_UNKNOWN, DKIM_K_RSA, DKIM_K_ED25519 };

struct dkim_key {
	int		 type;		/* enum dkim_ktype */
	int		 bits;		/* RSA modulus, 256 for Ed25519, 0 */
	int		 revoked;	/* p= empty */
	int		 testing;	/* t=y */
	struct issues	 is;		/* is.fatal: no usable key */
};

/* Parse one key record.  Issues: dkim-syntax, dkim-version,
 * dkim-no-key, dkim-revoked, dkim-bad-base64, dkim-key-type,
 * dkim-bad-key, dkim-key-weak (RSA under 1024 bits), dkim-key-short
 * (under 2048), dkim-testing, dkim-hash-sha1, dkim-service. */
void	dkim_key_parse(const char *txt, size_t len, struct dkim_key *k);

/* Modulus length in bits of a DER SubjectPublicKeyInfo holding an
 * rsaEncryption key, or -1. */
int	dkim_rsa_bits(const unsigned char *der, size_t len);

#endif

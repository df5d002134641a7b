/* zones/addr.c - see addr.h */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include <ldns/sha1.h>
#include <openssl/evp.h>

#include "addr.h"
#include "util.h"

static void
trim(const char **p, size_t *len)
{
	while (*len > 0 && isspace((unsigned char)**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && isspace((unsigned char)(*p)[*len - 1]))
		(*len)--;
}

int
addr_normalise(const char *in, size_t len, char *out, size_t outsz)
{
	size_t i;

	trim(&in, &len);
	if (len >= 2 && in[0] == '<' && in[len - 1] == '>') {
		in++;
		len -= 2;
		trim(&in, &len);
	}
	if (len == 0 || len > ADDR_MAX || len >= outsz)
		return RB_EINVAL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c < 0x20 || c == 0x7f)
			return RB_EINVAL;
		/* ASCII only, as tolower() in the C locale (the programs
		 * never set another), without a call per byte. */
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	out[len] = '\0';
	if (memchr(out, '@', len) == NULL)
		return RB_EINVAL;
	return (int)len;
}

/*
 * OpenSSL's SHA-1 uses the CPU's SHA instructions where it has them: 80 ns
 * for an address against 240 for ldns's portable one, and the feeder
 * hashes two strings a message.  The digest and its context are made
 * once (fetching them is most of the cost of a one-shot call); ldns's
 * when OpenSSL cannot give them.  Single-threaded callers only.
 */
void
rb_sha1(const void *data, size_t len, uint8_t out[HASH_LEN])
{
	static EVP_MD *md;
	static EVP_MD_CTX *ctx;
	static int broken;
	unsigned int n;

	if (!broken && ctx == NULL) {
		if ((md = EVP_MD_fetch(NULL, "SHA1", NULL)) == NULL ||
		    (ctx = EVP_MD_CTX_new()) == NULL) {
			EVP_MD_free(md);
			md = NULL;
			broken = 1;
		}
	}
	if (!broken && EVP_DigestInit_ex2(ctx, md, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, data, len) == 1 &&
	    EVP_DigestFinal_ex(ctx, out, &n) == 1 && n == HASH_LEN)
		return;
	ldns_sha1((const unsigned char *)data, (unsigned int)len, out);
}

void
addr_hash(const char *norm, size_t len, uint8_t out[HASH_LEN])
{
	rb_sha1(norm, len, out);
}

int
addr_hash_text(const char *in, uint8_t out[HASH_LEN])
{
	char norm[ADDR_MAX + 1];
	int n;

	if ((n = addr_normalise(in, strlen(in), norm, sizeof(norm))) < 0)
		return n;
	addr_hash(norm, (size_t)n, out);
	return RB_OK;
}

const char *
addr_domain(const char *norm)
{
	const char *at = strrchr(norm, '@');

	return at && at[1] ? at + 1 : NULL;
}

int
domain_normalise(const char *in, size_t len, char *out, size_t outsz)
{
	size_t i, label = 0;

	trim(&in, &len);
	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0 || len > DOMAIN_MAX || len >= outsz)
		return RB_EINVAL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '.') {
			if (label == 0)
				return RB_EINVAL;
			label = 0;
		} else if (isalnum(c) || c == '-' || c == '_') {
			if (++label > 63)
				return RB_EINVAL;
		} else
			return RB_EINVAL;
		out[i] = (char)tolower(c);
	}
	if (label == 0)
		return RB_EINVAL;
	out[len] = '\0';
	return (int)len;
}

void
domain_reverse(const char *in, size_t len, char *out)
{
	size_t end = len, o = 0;

	while (end > 0) {
		size_t start = end;

		while (start > 0 && in[start - 1] != '.')
			start--;
		memcpy(out + o, in + start, end - start);
		o += end - start;
		if (start > 0)
			out[o++] = '.';
		end = start > 0 ? start - 1 : 0;
	}
	out[o] = '\0';
}

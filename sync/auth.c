/* sync/auth.c - see auth.h */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "util.h"

static void
digest_hex(const uint8_t *in, size_t len, char out[65])
{
	uint8_t h[32];

	crypto_generichash(h, sizeof(h), in, len, NULL, 0);
	hex_encode(h, sizeof(h), out);
}

size_t
auth_req_message(const struct auth_req *r, char *buf, size_t len)
{
	char dh[65];
	int n;

	if (strchr(r->method, '\n') != NULL || strchr(r->path, '\n') != NULL)
		return 0;
	digest_hex(r->body != NULL ? r->body : (const uint8_t *)"", r->blen,
	    dh);
	n = snprintf(buf, len, "%s\n%s\n%s\n%s\n%" PRId64 "\n%s\n%s\n%s",
	    AUTH_REQ_TAG, r->method, r->path, dh, r->time, r->nonce, r->reply,
	    r->dest);
	if (n < 0 || (size_t)n >= len)
		return 0;
	return (size_t)n;
}

static int
sig_b64(const uint8_t sig[64], char out[AUTH_SIG_B64 + 1])
{
	sodium_bin2base64(out, AUTH_SIG_B64 + 1, sig, 64,
	    sodium_base64_VARIANT_ORIGINAL);
	return RB_OK;
}

static int
sig_parse(const char *s, uint8_t sig[64])
{
	size_t n;
	const char *end;

	if (s == NULL || strlen(s) != AUTH_SIG_B64 ||
	    sodium_base642bin(sig, 64, s, AUTH_SIG_B64, NULL, &n, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || n != 64 ||
	    *end != '\0')
		return RB_EINVAL;
	return RB_OK;
}

/* Requests are short: method, path with a query, digests and ids. */
#define MSG_MAX	2048

int
auth_req_sign(const struct auth_req *r, const uint8_t sk[64],
    char sig[AUTH_SIG_B64 + 1])
{
	char msg[MSG_MAX];
	uint8_t s[64];
	size_t n;

	if ((n = auth_req_message(r, msg, sizeof(msg))) == 0)
		return RB_EINVAL;
	crypto_sign_detached(s, NULL, (const uint8_t *)msg, n, sk);
	return sig_b64(s, sig);
}

int
auth_req_verify(const struct auth_req *r, const uint8_t pk[32],
    const char *sig)
{
	char msg[MSG_MAX];
	uint8_t s[64];
	size_t n;

	if (sig_parse(sig, s) != RB_OK ||
	    (n = auth_req_message(r, msg, sizeof(msg))) == 0 ||
	    crypto_sign_verify_detached(s, (const uint8_t *)msg, n, pk) != 0)
		return RB_EINVAL;
	return RB_OK;
}

static size_t
resp_message(int status, const char *reqsig, const uint8_t *body,
    size_t blen, char *buf, size_t len)
{
	char rh[65], bh[65];
	int n;

	digest_hex((const uint8_t *)reqsig, strlen(reqsig), rh);
	digest_hex(body != NULL ? body : (const uint8_t *)"", blen, bh);
	n = snprintf(buf, len, "%s\n%d\n%s\n%s", AUTH_RESP_TAG, status, rh,
	    bh);
	if (n < 0 || (size_t)n >= len)
		return 0;
	return (size_t)n;
}

int
auth_resp_sign(int status, const char *reqsig, const uint8_t *body,
    size_t blen, const uint8_t sk[64], char sig[AUTH_SIG_B64 + 1])
{
	char msg[256];
	uint8_t s[64];
	size_t n;

	if ((n = resp_message(status, reqsig, body, blen, msg,
	    sizeof(msg))) == 0)
		return RB_EINVAL;
	crypto_sign_detached(s, NULL, (const uint8_t *)msg, n, sk);
	return sig_b64(s, sig);
}

int
auth_resp_verify(int status, const char *reqsig, const uint8_t *body,
    size_t blen, const uint8_t pk[32], const char *sig)
{
	char msg[256];
	uint8_t s[64];
	size_t n;

	if (sig_parse(sig, s) != RB_OK ||
	    (n = resp_message(status, reqsig, body, blen, msg,
	    sizeof(msg))) == 0 ||
	    crypto_sign_verify_detached(s, (const uint8_t *)msg, n, pk) != 0)
		return RB_EINVAL;
	return RB_OK;
}

void
auth_nonce(char nonce[AUTH_NONCE_HEX + 1])
{
	uint8_t n[AUTH_NONCE_LEN];

	randombytes_buf(n, sizeof(n));
	hex_encode(n, sizeof(n), nonce);
}

void
auth_reply_key(uint8_t pk[32], uint8_t sk[32], char pkb64[AUTH_ID_LEN + 1])
{
	crypto_box_keypair(pk, sk);
	sodium_bin2base64(pkb64, AUTH_ID_LEN + 1, pk, 32,
	    sodium_base64_VARIANT_ORIGINAL);
}

int
auth_key_parse(const char *s, uint8_t key[32])
{
	char again[AUTH_ID_LEN + 1];
	const char *end;
	size_t n;

	if (s == NULL || strlen(s) != AUTH_ID_LEN ||
	    sodium_base642bin(key, 32, s, AUTH_ID_LEN, NULL, &n, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || n != 32 || *end != '\0')
		return RB_EINVAL;
	/* One spelling per key: the unused bits must be zero. */
	sodium_bin2base64(again, sizeof(again), key, 32,
	    sodium_base64_VARIANT_ORIGINAL);
	return strcmp(again, s) == 0 ? RB_OK : RB_EINVAL;
}

void
auth_seal(const uint8_t xpk[32], const uint8_t *in, size_t len,
    uint8_t **out, size_t *outlen)
{
	*outlen = len + crypto_box_SEALBYTES;
	*out = xmalloc(*outlen);
	crypto_box_seal(*out, in, len, xpk);
}

int
auth_seal_node(const uint8_t node_pk[32], const uint8_t *in, size_t len,
    uint8_t **out, size_t *outlen)
{
	uint8_t xpk[32];

	if (crypto_sign_ed25519_pk_to_curve25519(xpk, node_pk) != 0)
		return RB_EINVAL;
	auth_seal(xpk, in, len, out, outlen);
	return RB_OK;
}

int
auth_open(const uint8_t xpk[32], const uint8_t xsk[32], const uint8_t *in,
    size_t len, uint8_t **out, size_t *outlen)
{
	if (len < crypto_box_SEALBYTES)
		return RB_EINVAL;
	*outlen = len - crypto_box_SEALBYTES;
	*out = xmalloc(*outlen + 1);
	if (crypto_box_seal_open(*out, in, len, xpk, xsk) != 0) {
		free(*out);
		*out = NULL;
		return RB_EINVAL;
	}
	return RB_OK;
}

int
auth_open_node(const uint8_t sk[64], const uint8_t *in, size_t len,
    uint8_t **out, size_t *outlen)
{
	uint8_t xpk[32], xsk[32];
	int rc;

	if (crypto_sign_ed25519_pk_to_curve25519(xpk, sk + 32) != 0 ||
	    crypto_sign_ed25519_sk_to_curve25519(xsk, sk) != 0)
		return RB_EINVAL;
	rc = auth_open(xpk, xsk, in, len, out, outlen);
	sodium_memzero(xsk, sizeof(xsk));
	return rc;
}

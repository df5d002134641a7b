/*
 * sync/auth.h - request authentication and body confidentiality between
 * nodes (doc/PROTOCOL.md section 5).
 *
 * A request carries the requester's node id, a time, a nonce, a fresh
 * X25519 reply key, and an Ed25519 signature over
 *
 *	"rebond-request-v1" LF method LF path-and-query LF hex(H(body)) LF
 *	time LF nonce LF reply key LF destination node id
 *
 * A response carries the server's signature over
 *
 *	"rebond-response-v1" LF status LF hex(H(request signature)) LF
 *	hex(H(body))
 *
 * Bodies are sealed boxes (crypto_box_seal): a request body to the
 * server's X25519 key derived from its node key, a response body to the
 * request's reply key.  H is BLAKE2b-256, hex lower case.
 *
 * Everything here is pure: no I/O, no clock.
 */
#ifndef REBOND_SYNC_AUTH_H
#define REBOND_SYNC_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_REQ_TAG	"rebond-request-v1"
#define AUTH_RESP_TAG	"rebond-response-v1"
#define AUTH_NONCE_LEN	16
#define AUTH_NONCE_HEX	(2 * AUTH_NONCE_LEN)
#define AUTH_ID_LEN	44		/* base64 of 32 bytes */
#define AUTH_SIG_B64	88		/* base64 of 64 bytes */
#define AUTH_WINDOW	300		/* seconds either side of the clock */
#define AUTH_SEAL_OVERHEAD 48		/* crypto_box_SEALBYTES */

/* Header names. */
#define HDR_NODE	"Rebond-Node"
#define HDR_TIME	"Rebond-Time"
#define HDR_NONCE	"Rebond-Nonce"
#define HDR_REPLY	"Rebond-Reply-Key"
#define HDR_SIG		"Rebond-Signature"

/* What signs or verifies a request. */
struct auth_req {
	const char	*method;	/* "GET", "POST" */
	const char	*path;		/* path and query, as sent */
	const uint8_t	*body;		/* as sent (sealed); NULL if none */
	size_t		 blen;
	int64_t		 time;
	char		 nonce[AUTH_NONCE_HEX + 1];
	char		 reply[AUTH_ID_LEN + 1];	/* base64 X25519 key */
	char		 dest[AUTH_ID_LEN + 1];		/* server's node id */
};

/* The signed bytes into buf; their length, or 0 if buf is too small or a
 * field holds a line feed. */
size_t	auth_req_message(const struct auth_req *, char *buf, size_t len);

/* Sign into sig (base64, AUTH_SIG_B64 + 1 bytes).  0 or RB_EINVAL. */
int	auth_req_sign(const struct auth_req *, const uint8_t sk[64],
	    char sig[AUTH_SIG_B64 + 1]);
/* 0 if sig is pk's signature of the request, else RB_EINVAL. */
int	auth_req_verify(const struct auth_req *, const uint8_t pk[32],
	    const char *sig);

/* The response signature, bound to the request's signature. */
int	auth_resp_sign(int status, const char *reqsig, const uint8_t *body,
	    size_t blen, const uint8_t sk[64], char sig[AUTH_SIG_B64 + 1]);
int	auth_resp_verify(int status, const char *reqsig, const uint8_t *body,
	    size_t blen, const uint8_t pk[32], const char *sig);

/* A fresh nonce, hex. */
void	auth_nonce(char nonce[AUTH_NONCE_HEX + 1]);
/* A fresh X25519 key pair for one reply; pkb64 is its public half. */
void	auth_reply_key(uint8_t pk[32], uint8_t sk[32],
	    char pkb64[AUTH_ID_LEN + 1]);
/* Parse a base64 32-byte key (a node id or a reply key).  0/RB_EINVAL. */
int	auth_key_parse(const char *s, uint8_t key[32]);

/* Seal in to an X25519 public key; *out (malloc'd) gets len + 48 bytes. */
void	auth_seal(const uint8_t xpk[32], const uint8_t *in, size_t len,
	    uint8_t **out, size_t *outlen);
/* Seal to a node, given its Ed25519 public key.  RB_EINVAL if the key
 * has no X25519 form. */
int	auth_seal_node(const uint8_t node_pk[32], const uint8_t *in,
	    size_t len, uint8_t **out, size_t *outlen);
/* Open a box sealed to the X25519 pair (xpk, xsk).  RB_EINVAL if it does
 * not open (too short, tampered, another key). */
int	auth_open(const uint8_t xpk[32], const uint8_t xsk[32],
	    const uint8_t *in, size_t len, uint8_t **out, size_t *outlen);
/* Open a box sealed to this node (its Ed25519 secret key). */
int	auth_open_node(const uint8_t sk[64], const uint8_t *in, size_t len,
	    uint8_t **out, size_t *outlen);

#endif

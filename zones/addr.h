/*
 * zones/addr.h - address and domain normalisation, address hashing.
 *
 * The hash is the de facto one of hashed-address blocklists (Spamhaus HBL,
 * MSBL EBL): trim, strip one pair of <>, lower-case everything, SHA-1, 40
 * hex digits.  Nothing else is rewritten (no plus-tag or dot removal).
 */
#ifndef REBOND_ADDR_H
#define REBOND_ADDR_H

#include <stddef.h>
#include <stdint.h>

#define ADDR_MAX	320	/* longest address we accept, without NUL */
#define DOMAIN_MAX	253	/* longest domain name, presentation, no dot */
#define HASH_LEN	20	/* SHA-1 */
#define HASH_HEXLEN	40

/* Normalise len bytes of in into out (outsz >= ADDR_MAX + 1).  Returns
 * the normalised length or RB_EINVAL (empty, too long, control bytes, no
 * '@'). */
int	addr_normalise(const char *in, size_t len, char *out, size_t outsz);

/* SHA-1 of len bytes. */
void	rb_sha1(const void *data, size_t len, uint8_t out[HASH_LEN]);

/* SHA-1 of an already normalised address. */
void	addr_hash(const char *norm, size_t len, uint8_t out[HASH_LEN]);

/* Normalise then hash: 0 or RB_EINVAL. */
int	addr_hash_text(const char *in, uint8_t out[HASH_LEN]);

/* The domain part of a normalised address (after the last '@'), or NULL. */
const char *addr_domain(const char *norm);

/* Normalise a domain: trim, one trailing dot dropped, lower-case; labels
 * of 1-63 letters, digits, '-' or '_', at most 253 characters.  Returns
 * the length or RB_EINVAL.  outsz >= DOMAIN_MAX + 1. */
int	domain_normalise(const char *in, size_t len, char *out, size_t outsz);

/* Reverse the label order: "mail.example.org" <-> "org.example.mail".
 * out must hold len + 1 bytes; in and out must not overlap. */
void	domain_reverse(const char *in, size_t len, char *out);

#endif

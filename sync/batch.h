/*
 * sync/batch.h - the signed batch: what an origin's records travel in.
 *
 * A batch carries the records of one origin whose sequence numbers lie
 * in [from, to], in increasing order, under one Ed25519 signature by the
 * origin.  It states "these are all my records in [from, to] that this
 * batch's audience may see": sequence numbers the origin keeps to itself
 * (scope local, or scope peers in a batch meant for relaying) are simply
 * absent, and a batch may hold no record at all (it then only moves the
 * receiver's cursor to `to`).
 *
 * Chain and signature (pk = the origin's public key, H = BLAKE2b-256,
 * rec_i = the canonical encoding of record i, record_encode()):
 *
 *	h_0 = H("rebond-batch-v1" || pk || be64(from))
 *	h_i = H(h_{i-1} || rec_i)			i = 1..count
 *	sig = Ed25519(sk, "rebond-sync-v1" || pk || be64(from) ||
 *	    be64(to) || h_count)
 *
 * so that verifying a batch costs one signature check and one hash per
 * record.  Wire encoding, big-endian, byte by byte in doc/PROTOCOL.md:
 *
 *	magic "rbat" (4) | version 1 (1) | pk (32) | from (8) | to (8) |
 *	count (4) | count x (length (2) | record) | signature (64)
 *
 * Functions return 0 or a negative RB_E* code and set *why, if why is
 * not NULL, to a short static reason ("bad signature", "record 3: out of
 * order", ...).
 */
#ifndef REBOND_SYNC_BATCH_H
#define REBOND_SYNC_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define BATCH_MAGIC		"rbat"
#define BATCH_VERSION		1
#define BATCH_HDR_LEN		(4 + 1 + 32 + 8 + 8 + 4)
#define BATCH_SIG_LEN		64
#define BATCH_HASH_LEN		32
#define BATCH_CHAIN_TAG		"rebond-batch-v1"
#define BATCH_SIGN_TAG		"rebond-sync-v1"
#define BATCH_MSG_LEN		(sizeof(BATCH_SIGN_TAG) - 1 + 32 + 8 + 8 + \
				 BATCH_HASH_LEN)
/* Limits: a receiver refuses more. */
#define BATCH_MAX_RECORDS	1024
#define BATCH_MAX_BYTES		(BATCH_HDR_LEN + BATCH_MAX_RECORDS * \
				 (2 + RECORD_ENC_MAX) + BATCH_SIG_LEN)

struct batch {
	uint8_t		 pk[32];	/* the origin */
	uint64_t	 from, to;
	uint32_t	 count;
	struct record	*rec;		/* count records; rec[i].origin 0 */
	uint8_t		 hash[BATCH_HASH_LEN];	/* h_count */
	uint8_t		 sig[BATCH_SIG_LEN];
	int		 relayable;	/* every record has scope federation */
};

/* Sign the n records rec[] (increasing seq within [from, to], none of
 * scope local) as one batch of origin pk; *out (free()) receives the
 * encoding.  RB_EINVAL if the records break a rule, RB_ERANGE past the
 * limits. */
int	batch_sign(const uint8_t sk[64], const uint8_t pk[32], uint64_t from,
	    uint64_t to, const struct record *rec, uint32_t n, uint8_t **out,
	    size_t *outlen, const char **why);

/* Decode and check buf: structure, limits, every record, the chain and
 * the signature against the origin key in the header.  On success b
 * holds the batch (release it with batch_free()); on failure b is empty.
 * RB_ERANGE past the limits, RB_EINVAL for anything else.  Whether the
 * key is one this node accepts is the caller's business (apply.h). */
int	batch_verify(const uint8_t *buf, size_t len, struct batch *b,
	    const char **why) __attribute__((warn_unused_result));

/* The same without the chain and signature checks: for tools and
 * tests that look inside a batch, never for input from the network. */
int	batch_decode(const uint8_t *buf, size_t len, struct batch *b,
	    const char **why) __attribute__((warn_unused_result));

void	batch_free(struct batch *b);

/* Encode b as it is (its hash and signature are not recomputed). */
int	batch_encode(const struct batch *b, uint8_t **out, size_t *outlen);

/* The pieces, for the test vectors and doc/PROTOCOL.md. */
void	batch_chain_init(uint8_t h[BATCH_HASH_LEN], const uint8_t pk[32],
	    uint64_t from);
void	batch_chain_step(uint8_t h[BATCH_HASH_LEN], const uint8_t *rec,
	    size_t len);
void	batch_message(uint8_t msg[BATCH_MSG_LEN], const uint8_t pk[32],
	    uint64_t from, uint64_t to, const uint8_t h[BATCH_HASH_LEN]);

/* The header fields of an encoded batch, without any other check (for
 * indexes of stored batches).  0 or RB_EINVAL if too short or not a
 * batch. */
int	batch_peek(const uint8_t *buf, size_t len, uint8_t pk[32],
	    uint64_t *from, uint64_t *to, uint32_t *count);

#endif

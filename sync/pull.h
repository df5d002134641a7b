/*
 * sync/pull.h - one pull round: the requester's cursors in, batches out.
 *
 * A pull request body (before sealing) is the list of the requester's
 * cursors, one entry per origin it holds:
 *
 *	count times: origin public key (32) . be64(cursor)
 *
 * where cursor is the highest sequence number of that origin the
 * requester has (its last_seq), or PULL_SKIP for an origin it refuses
 * (quarantined): nothing of that origin is sent.  An origin absent from
 * the list has cursor 0.  At most PULL_MAX_CURSORS entries.
 *
 * The answer is a response stream (serve.h): for each origin the
 * requester may have (serve_origins()), the batches after its cursor,
 * until the response reaches PULL_SOFT_BYTES.
 */
#ifndef REBOND_SYNC_PULL_H
#define REBOND_SYNC_PULL_H

#include <stddef.h>
#include <stdint.h>

#include "serve.h"
#include "store.h"

#define PULL_ENTRY		40
#define PULL_MAX_CURSORS	16384
#define PULL_SKIP		UINT64_MAX
#define PULL_SOFT_BYTES		(4u << 20)	/* a response stops growing */
#define PULL_MAX_BYTES		(PULL_SOFT_BYTES + 2 * BATCH_MAX_BYTES + 4096)

struct cursor {
	uint8_t		key[32];
	uint64_t	after;
};

/* Parse a request body into a sorted array (caller frees).  RB_EINVAL
 * on a length that is not a whole number of entries, too many entries,
 * or a key given twice. */
int	pull_parse(const uint8_t *body, size_t len, struct cursor **out,
	    size_t *n);

/* Encode this store's cursors (every origin but this node; PULL_SKIP
 * for quarantined ones) into out.  Appends nothing to an empty store. */
int	pull_cursors(struct store_txn *, struct sbuf *out);

/* 1 if the store holds something for requester after its cursors. */
int	pull_pending(struct store_txn *, uint32_t requester,
	    const struct cursor *c, size_t n);

/* Append the answer to out (see above).  0 or a store error. */
int	pull_answer(struct store *, const uint8_t *sk, const uint8_t *pk,
	    uint32_t requester, const struct cursor *c, size_t n,
	    struct sbuf *out);

#endif

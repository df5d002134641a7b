/*
 * sync/apply.h - taking in a batch that a peer served.
 *
 * apply_batch() verifies the batch (batch.h), then in one write
 * transaction:
 *  - maps the batch's origin key to a store origin: a configured peer,
 *    an origin already known, or, for a relayed batch whose records all
 *    have scope federation, a new origin with trust observe (stored,
 *    never lists, until `rebondctl peer add` trusts it).  This node's
 *    own key is refused;
 *  - refuses records of scope peers relayed by another node than their
 *    origin, and any batch of a quarantined origin;
 *  - checks continuity with the origin's last_seq: a batch that starts
 *    past last_seq + 1 is a gap (RB_ERANGE, ask again from last_seq);
 *    records already logged are compared byte for byte: the same is
 *    skipped (a batch served twice changes nothing), a different one is
 *    a fork: the origin is quarantined, the fork logged, RB_EEXIST;
 *    records at or below last_seq that are not logged (kept from this
 *    node by an earlier, narrower batch) are skipped;
 *  - adds the other records (store_record_add(), which keeps their
 *    sequence numbers) to the log, evidence and listing, advances
 *    last_seq to the batch's `to`;
 *  - keeps a relayable batch (serve_keep()) for serving it on.
 * A refused batch changes nothing, except a fork's quarantine.
 */
#ifndef REBOND_SYNC_APPLY_H
#define REBOND_SYNC_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct apply_result {
	uint32_t	origin;		/* the batch's origin in this store */
	uint32_t	applied;	/* records added */
	uint32_t	skipped;	/* records already had */
	uint64_t	last_seq;	/* the origin's last_seq after */
	uint64_t	fork_seq;	/* on RB_EEXIST: where the fork is */
	int		created;	/* origin created (relayed, observe) */
	int		kept;		/* stored for relaying */
};

/* Apply the encoded batch buf that the configured peer `sender` (a store
 * origin id) served.  0, or RB_EINVAL (bad batch, not a peer, own key,
 * scope peers relayed), RB_EBUSY (origin quarantined), RB_ERANGE (gap,
 * or over the limits), RB_EEXIST (fork), a store error.  why receives a
 * one-line reason. */
int	apply_batch(struct store *, uint32_t sender, const uint8_t *buf,
	    size_t len, struct apply_result *res, char *why, size_t whylen)
	    __attribute__((warn_unused_result));

/* Apply the n batches in one write transaction: much cheaper than one
 * transaction each when a node catches up.  res holds n results.  All
 * or nothing: on any refusal nothing is applied (not even a fork's
 * quarantine) and the caller applies them one by one with apply_batch()
 * to find and handle the one refused. */
int	apply_batches(struct store *, uint32_t sender,
	    const uint8_t *const *bufs, const size_t *lens, size_t n,
	    struct apply_result *res, char *why, size_t whylen)
	    __attribute__((warn_unused_result));

#endif

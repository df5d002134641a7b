/*
 * sync/serve.h - what this node serves to a peer, and the batches it
 * keeps for that.
 *
 * Rules (DESIGN section 4), for a requester that is a configured peer:
 *  - this node's own records of scope peers and federation go only to
 *    peers configured with --share yes;
 *  - records of another origin go only with scope federation, in the
 *    batch their origin signed, untouched;
 *  - scope local never leaves the node; nothing is served back to its
 *    own origin; a quarantined origin is not relayed.
 *
 * This node signs its own records on demand, one batch per span of
 * SERVE_SPAN sequence numbers ([k*SPAN+1, (k+1)*SPAN], the last one cut
 * at the node's last sequence number; a cursor inside a span gets the
 * rest of that span first), in two forms when they differ:
 *  - the relayable batch: the span's records of scope federation;
 *  - the peers batch: those and the span's records of scope peers,
 *    served before the relayable one, which the receiver keeps to
 *    relay (applying it again costs nothing: see apply.h).
 * Complete spans never change and are kept signed; the last, growing
 * span is signed again when asked for.
 *
 * Stored batches, in the `sync` key-value database:
 *
 *	'B' . be32(origin id) . be64(from) -> relayable batch (all records
 *	                                      of scope federation): this
 *	                                      node's own, or received
 *	'O' . be32(0) . be64(from)         -> this node's peers batch
 *
 * A response is a stream of batches, each framed as be32(length) ||
 * batch (doc/PROTOCOL.md).
 */
#ifndef REBOND_SYNC_SERVE_H
#define REBOND_SYNC_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "store.h"

#define SERVE_SPAN	BATCH_MAX_RECORDS
#define SYNC_K_BATCH	'B'
#define SYNC_K_OWN	'O'

/* A growing byte buffer. */
struct sbuf {
	uint8_t	*p;
	size_t	 len, cap;
};
void	sbuf_add(struct sbuf *, const void *data, size_t len);
void	sbuf_free(struct sbuf *);

/* Append to out the framed batches of origin (a store origin id) that
 * requester (the origin id of a configured peer) may have after its
 * cursor `after` (the highest sequence number of that origin it holds),
 * oldest first, stopping once out grew by max_bytes (at least one batch
 * is served).  sk and pk are this node's key pair, needed when origin is
 * 0.  Nothing appended: nothing new, or nothing for that requester.
 * RB_ENOENT if requester is not a peer or origin unknown, RB_EINVAL if
 * origin is 0 and there is no key.  Newly signed complete spans are
 * stored (a failure to store them is logged, not returned). */
int	serve_records(struct store *, const uint8_t *sk, const uint8_t *pk,
	    uint32_t requester, uint32_t origin, uint64_t after,
	    size_t max_bytes, struct sbuf *out, const char **why);

/* The origins requester may ask serve_records() about, with the highest
 * sequence number this node can serve of each. */
struct serve_origin {
	uint32_t	id;
	uint8_t		key[32];
	uint64_t	last;
};
typedef int (*serve_origin_fn)(const struct serve_origin *, void *arg);
int	serve_origins(struct store_txn *, uint32_t requester,
	    serve_origin_fn fn, void *arg);

/* Walk a response: *off starts at 0; returns 1 with the next batch in
 * *b, *blen, 0 at the end, RB_EINVAL if the framing is broken. */
int	serve_next(const uint8_t *buf, size_t len, size_t *off,
	    const uint8_t **b, size_t *blen);

/* Keep a received relayable batch of origin (apply.c): replaces a
 * stored batch with the same start that ends earlier. */
int	serve_keep(struct store_txn *, uint32_t origin, const uint8_t *buf,
	    size_t len);

#endif

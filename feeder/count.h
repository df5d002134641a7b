/*
 * feeder/count.h - outcome counters per key per day.
 *
 * Store layout (KV_COUNTERS): kind(1) . len(1) . key . day(4, big-endian,
 * days since 1970-01-01 UTC) -> EV_CLASS_COUNT big-endian u32.
 * Recipients are keyed by their hash (no address in clear) and count
 * every outcome but deliveries (those count per domain, sender, client
 * and node); senders, domains and clients are in clear: counters never
 * leave the node.
 */
#ifndef REBOND_COUNT_H
#define REBOND_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "store.h"

enum count_kind {
	CNT_NODE = 0,	/* the whole node, empty key */
	CNT_RCPT,	/* SHA-1 of the recipient */
	CNT_RDOM,
	CNT_SNDR,	/* sender address in clear */
	CNT_SDOM,
	CNT_CLIENT,	/* "sasl:user", "ip:addr" */
	CNT_AUTH,	/* sender domain: only its message_rejected refusals
			 * for authentication (SPF, DKIM, DMARC: sub-reason
			 * auth), for rebondctl report and check-domain */
	CNT_FROM,	/* "sender<TAB>from-domain": mail whose From: domain
			 * does not align with the envelope's (web forms
			 * writing as their visitor), rebondctl report */
	CNT_KIND_COUNT
};

#define COUNT_KEY_MAX	(2 + ADDR_MAX + 4)

struct counts {
	uint32_t	c[EV_CLASS_COUNT];
};

/* Build a counters key; returns its length (0 if key is too long). */
size_t	count_key(uint8_t *buf, int kind, const void *key, size_t klen,
	    uint32_t day);

/* An in-memory aggregate of increments, flushed in one pass. */
struct count_agg;
struct count_agg *count_agg_new(void);
void	count_agg_free(struct count_agg *);
void	count_agg_reset(struct count_agg *);
/* Add one outcome of class cls; returns 0 or RB_ERANGE when the
 * aggregate is full (flush it, then add again). */
int	count_agg_add(struct count_agg *, int kind, const void *key,
	    size_t klen, uint32_t day, int cls);
/* Add every aggregate to the store. */
int	count_agg_flush(struct count_agg *, struct store_txn *);
/* Calls fn for each (kind, key, day) aggregated, e.g. to evaluate the
 * senders touched by a batch (a key seen on two days comes twice). */
typedef int (*count_key_fn)(int kind, const uint8_t *key, size_t klen,
	    void *arg);
int	count_agg_keys(struct count_agg *, count_key_fn fn, void *arg);

/* Sum of days [day_from, day_to] for one key. */
int	count_sum(struct store_txn *, int kind, const void *key, size_t klen,
	    uint32_t day_from, uint32_t day_to, struct counts *out);

#endif

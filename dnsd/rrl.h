/*
 * dnsd/rrl.h - response rate limiting for UDP, after NSD, Knot and BIND:
 * keeps rebond-dnsd from being used as a reflector against a spoofed
 * source, and a flood from one network from starving the others.
 *
 * Clients are grouped by prefix ([dnsd] rrl-ipv4-prefix, /24, and
 * rrl-ipv6-prefix, /56).  Each prefix has a token bucket of
 * rrl-responses-per-second answers a second, holding at most one
 * second's worth, refilled by the millisecond.  Past it, answers to that
 * prefix are limited: every rrl-slip-th one goes out truncated (TC, the
 * question only: as small as the query) so that a real client behind the
 * prefix retries over TCP, which is not limited; the others are dropped.
 * Every answer counts, REFUSED and FORMERR included.
 *
 * The buckets live in one table of RRL_SLOTS, allocated when limiting is
 * switched on and never during a query: a prefix hashes (keyed with a
 * random seed) to one slot and takes it over from another prefix that
 * held it.  Under a flood from many spoofed sources this forgets some
 * buckets, which then start full: a victim behind such a source gets at
 * most rrl-responses-per-second answers per slot taken over, as with
 * NSD's fixed table.
 *
 * When rate is 0 (the default) nothing here runs: the server tests
 * rrl.rate before calling rrl_check().
 */
#ifndef REBOND_RRL_H
#define REBOND_RRL_H

#include <stdint.h>
#include <sys/socket.h>

#include "conf.h"

#define RRL_SLOTS	65536	/* power of two; 32 bytes each */
#define RRL_LOG_BURST	10	/* "limiting" lines a minute, then quiet */

enum rrl_verdict { RRL_PASS = 0, RRL_SLIP, RRL_DROP };

struct rrl_slot {
	uint64_t	key;		/* prefix and family; 0 = empty */
	int64_t		ms;		/* last refill */
	int64_t		milli;		/* thousandths of an answer */
	uint32_t	limited;	/* answers limited since it was full */
	uint32_t	used;		/* key is set */
};

struct rrl {
	int64_t		 rate;		/* answers a second, 0 = off */
	int		 slip;		/* 0: drop every limited answer */
	int		 v4bits, v6bits;
	uint64_t	 seed;
	struct rrl_slot	*slots;		/* RRL_SLOTS, or NULL while off */
	uint64_t	 slipped;	/* counters, for stats and metrics */
	uint64_t	 dropped;
	int64_t		 log_start;	/* rate-limited log lines */
	int		 log_n;
	uint64_t	 log_quiet;
};

/* Take [dnsd] rrl-* of c: at start (r zeroed) and again on a reload,
 * which keeps the buckets when the prefix lengths stay the same. */
void	rrl_configure(struct rrl *r, const struct conf *c);
void	rrl_free(struct rrl *r);

/* The verdict for one more answer to sa at now_ms (a monotonic clock in
 * milliseconds), counting it.  Only with r->rate > 0. */
int	rrl_check(struct rrl *r, const struct sockaddr *sa, int64_t now_ms);

/* Turn the answer pkt[0..len) into its truncated form: header with TC,
 * the question only.  Returns the new length (12 without a question). */
size_t	rrl_slip_answer(uint8_t *pkt, size_t len);

/* CLOCK_MONOTONIC_COARSE in milliseconds. */
int64_t	rrl_now_ms(void);

#endif

/*
 * zones/metrics.h - the store's figures in the Prometheus text format
 * (version 0.0.4: "# HELP", "# TYPE", then "name{label="value"} value"
 * lines), for `rebondctl metrics` (node_exporter's textfile collector)
 * and for the /metrics page of rebond-sync.
 *
 * Families written by metrics_store(), each with its HELP and TYPE:
 *
 *   rebond_listed_keys{zone}            gauge    keys answered as listed
 *   rebond_listings{zone,code}          gauge    listed keys with the code
 *                                                (a key with two codes
 *                                                counts in both)
 *   rebond_expired_keys{zone}           gauge    keys kept whose listing
 *                                                has expired
 *   rebond_listings_added_total{zone}   counter  keys that started being
 *                                                listed
 *   rebond_listings_removed_total{zone} counter  keys delisted by a deletion
 *                                                (expiry is not counted)
 *   rebond_store_map_bytes              gauge    LMDB map size
 *   rebond_store_used_bytes             gauge    pages in use
 *   rebond_store_entries{db}            gauge    entries of each database
 *   rebond_origins                      gauge    origins known: this node,
 *                                                peers, relayed origins
 *   rebond_origin_last_seq{origin}      gauge    last sequence number
 *                                                logged for each origin
 *   rebond_origin_quarantined{origin}   gauge    1 if quarantined (fork)
 *   rebond_sync_lag_seconds{peer}       gauge    only what opts->peer_lag
 *                                                gives (rebond-sync)
 *   rebond_feeder_events_total{class}   counter  outcomes the feeder
 *                                                counted, every day
 *   rebond_feeder_events_today{class}   gauge    the same, today (UTC)
 *
 * zone: rcpt, rdom, sdom, sndr; code: 127.0.0.2 to .6 and .10 (as
 * rebond-dnsd's rebond_dns_answers_listed_total); class: delivered, hard,
 * soft, message_rejected, ip_blocked, complaint, deferred_temporary,
 * blocked_by_list; origin and peer: the names of `rebondctl peer list`,
 * "self" for this node.  Nothing here walks the listing table: the
 * counts come from LMDB's statistics and the listing statistics of
 * store.h, so a scrape costs milliseconds with millions of listings.
 *
 * Functions return 0 or a negative RB_E* code (util.h).
 */
#ifndef REBOND_METRICS_H
#define REBOND_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"

struct metrics_opts {
	int64_t	 now;		/* 0: rb_now() */
	/* Sync lag of a peer origin in seconds: 0 and *lag set, or
	 * non-zero to write no sample for it.  NULL: no samples (the
	 * family's HELP and TYPE are still written, once). */
	int	(*peer_lag)(const struct origin *, double *lag, void *arg);
	void	*arg;
};

/* Append the families above to out.  Opens and ends the store's read
 * transaction (store_read/store_read_end): do not call it while holding
 * that transaction.  opts may be NULL.  RB_ESYS if writing failed. */
int	metrics_store(struct store *, FILE *out, const struct metrics_opts *);

/* The same into a buffer of its own: *buf (NUL-terminated, *len bytes
 * without the NUL) is the caller's to free(), also on error. */
int	metrics_store_buf(struct store *, char **buf, size_t *len,
	    const struct metrics_opts *);

/* For other producers of rebond_* families (rebond-dnsd, rebond-sync):
 * "# HELP name help" and "# TYPE name type" lines, and a label value
 * escaped as the format wants (backslash, double quote, newline). */
void	metrics_family(FILE *out, const char *name, const char *type,
	    const char *help);
void	metrics_label(FILE *out, const char *value);

#endif

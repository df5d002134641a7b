/*
 * ctl/ctl.h - rebondctl's commands outside main.c (stats, report,
 * metrics) and what they share: the feeder's counters (feeder/count.h)
 * read per key over a window of days.
 *
 * The commands return the exit status; they exit through fatalx() on a
 * usage or store error, like the others.
 */
#ifndef REBOND_CTL_H
#define REBOND_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "../feeder/count.h"
#include "conf.h"
#include "store.h"

/* main.c: the store, opened on first use (exits on failure); the usage
 * message, exit status 1. */
struct store *ctl_store(void);
void	ctl_usage(void);

int	ctl_stats(const struct conf *, const char *by, int64_t days, int json,
	    int argc, char **argv);
int	ctl_report(const struct conf *, int64_t days, int json, int argc,
	    char **argv);
int	ctl_metrics(int argc, char **argv);
/* seen.c: rebondctl check-domain --seen (checkdomain.h). */
int	ctl_check_seen(const struct conf *, int64_t days, int argc,
	    char **argv, int json);
/* The last check of a sender domain by check-domain --seen (kept in
 * KV_FEEDER, key "check:" DOMAIN; value when(8) errors(2) warnings(2)
 * codes): 0, RB_ENOENT if never checked. */
struct cd_result;
int	cd_result_get(struct store_txn *, const char *domain,
	    struct cd_result *);
/* Every kept result, in domain order; stops when fn returns non-zero
 * and returns that value. */
typedef int (*cd_result_fn)(const char *domain, const struct cd_result *,
	    void *arg);
int	cd_result_foreach(struct store_txn *, cd_result_fn, void *arg);
/* " score=7d:sent:N,hard:X%,..." from the score the peer with that
 * origin id published (rebond-sync keeps it), or "" if none yet. */
void	ctl_peer_score(struct store_txn *, uint32_t id, char *buf,
	    size_t len);

/* The window [from, to] of the n days ending today (UTC days). */
void	window_days(int64_t n, uint32_t *from, uint32_t *to);

/* Outcomes with a verdict (delivered, bounced, refused, IP-blocked), and
 * the bad ones among them plus complaints: what hurts the relay. */
uint64_t counts_sent(const uint64_t c[EV_CLASS_COUNT]);
uint64_t counts_bad(const uint64_t c[EV_CLASS_COUNT]);

/* Every counter of kind with a day in [from, to], key by key in key
 * order, days in order; the days outside are skipped by seeking, so a
 * short window costs two seeks a key, not a walk of every day.  Stops
 * when fn returns non-zero and returns that value. */
typedef int (*counter_fn)(const uint8_t *key, size_t klen, uint32_t day,
	    const uint64_t c[EV_CLASS_COUNT], void *arg);
int	counters_walk(struct store_txn *, int kind, uint32_t from,
	    uint32_t to, counter_fn fn, void *arg);
/* The same for one key. */
int	counters_key(struct store_txn *, int kind, const void *key,
	    size_t klen, uint32_t from, uint32_t to, counter_fn fn,
	    void *arg);

/* The counters of each key, summed over the window. */
struct crow {
	char		key[ADDR_MAX + 1];	/* NUL-terminated */
	size_t		klen;
	uint64_t	c[EV_CLASS_COUNT];
	uint64_t	sent, bad;
	double		bounce;		/* (hard + soft) / sent */
	double		badrate;	/* bad / sent */
};
struct crows {
	struct crow	*v;
	size_t		 n, cap;
};
int	crows_collect(struct store_txn *, int kind, uint32_t from,
	    uint32_t to, struct crows *);
/* Worst bad rate first, then the larger volume, then key order. */
void	crows_sort_worst(struct crows *);
void	crows_free(struct crows *);

/* A trend over the window in at most TREND_MAX points, the last point
 * ending today; each point sums `per` days (the first may hold fewer). */
#define TREND_MAX	31
struct trend {
	int		n;
	uint32_t	per;
	uint32_t	first;		/* day the first point starts (0 at
					 * the earliest) */
	uint32_t	last;		/* the window's last day */
	uint64_t	sent[TREND_MAX], bad[TREND_MAX];
};
int	trend_read(struct store_txn *, int kind, const void *key, size_t klen,
	    uint32_t from, uint32_t to, struct trend *);
/* The bad rate of each point as one of ▁▂▃▄▅▆▇█ (0, under 1%, 1%, 2%,
 * 5%, 10%, 20%, 50% and over), '·' where nothing was sent; UTF-8,
 * NUL-terminated (len >= 3 * TREND_MAX + 1). */
void	trend_spark(const struct trend *, char *buf, size_t len);

/* JSON string with the escapes it needs, to stdout. */
void	json_str(const char *s);
/* "YYYY-MM-DD" of a Unix day. */
void	fmt_day(uint32_t day, char *buf, size_t len);

#endif

/*
 * sync/syncd.h - the rebond-sync daemon: one libevent loop that serves
 * peers over HTTP (httpd.c, libevent's evhttp) and pulls from them
 * (client.c, libcurl's multi interface on the same loop).
 */
#ifndef REBOND_SYNC_SYNCD_H
#define REBOND_SYNC_SYNCD_H

#include <stdint.h>
#include <time.h>

#include "auth.h"
#include "key.h"
#include "store.h"

/* A node's score: what /v1/score answers, kept by its peers in the
 * `sync` key-value database as 'S' . be32(origin id) -> be64(time
 * fetched) . text.  The text: SCORE_TAG, "days N", then one line
 * "CLASS COUNT" per outcome class (feeder/event.h), node-wide. */
#define SCORE_TAG	"rebond-score-v1"
#define SCORE_DAYS	7
#define SCORE_MAX	1024
#define SCORE_EVERY	600	/* seconds between two fetches */
#define SYNC_K_SCORE	'S'

struct conf;
struct event_base;
struct httpd;
struct client;

/* Per peer counters, shown by /metrics and the logs. */
struct syncd {
	const struct conf	*conf;
	struct event_base	*base;
	struct store		*store;
	uint8_t			 sk[KEY_SK_LEN], pk[KEY_PK_LEN];
	char			 id[AUTH_ID_LEN + 1];
	time_t			 started;
	int64_t			 wait;		/* long-poll seconds asked */
	int64_t			 rate;		/* requests/s per peer */
	int64_t			 retry_max;	/* longest backoff, seconds */
	struct httpd		*httpd;
	struct client		*client;
};

/* httpd.c: listen on each ADDR:PORT; RB_ESYS with err set. */
int	httpd_start(struct syncd *, const char *const *listen, int n,
	    char *err, size_t errlen);
void	httpd_stop(struct syncd *);

/* client.c: pull from every configured peer with a URL; peers are read
 * again from the store every few seconds and on client_reload(). */
int	client_start(struct syncd *);
void	client_reload(struct syncd *);
void	client_stop(struct syncd *);
/* Per peer figures for /metrics: 0 and *out filled, or RB_ENOENT if
 * this node does not pull from that origin. */
struct client_stats {
	double		lag;		/* seconds since the last good round
					 * while failing, else 0 */
	uint64_t	rounds, applied, bytes, reported;
	int		failing;
};
int	client_stats(struct syncd *, uint32_t origin, struct client_stats *);

#endif

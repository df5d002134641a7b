/*
 * sync/httpd.c - the HTTP side of rebond-sync: peers pull records
 * (POST /v1/pull, long-polled) over libevent's evhttp.
 *
 * Each request is authenticated before its body is opened or the store
 * is touched beyond the requester's peer entry (auth.h); a refused one
 * gets a short plain-text answer and one log line.  A request that is
 * accepted is answered with a body sealed to its reply key and signed.
 *
 * Long polls wait in a list; a timer looks at the store's snapshot
 * serial every POLL_TICK_MS while some wait, and answers those whose
 * origins grew (other processes write the store: the feeder, rebondctl,
 * and this process's own client).
 *
 * What a hostile client can make it spend is bounded: bodies over
 * MAX_BODY are refused by evhttp before they are read, [sync]
 * connections at once (one more closes the one that has waited longest
 * for its request), [sync] request-timeout to send a whole request
 * (evhttp's own timeout is reset by every byte: it does not stop a
 * client sending one byte a second), accept() paused a second when out
 * of descriptors instead of spinning, refusals logged LOG_BURST a
 * minute and counted beyond.  libevent 2.1 has no connection limit nor
 * a hook when a connection ends before its first request: each
 * connection gets a bufferevent of ours (evhttp_set_bevcb) and, once
 * evhttp has built it, our close callback (struct hconn).
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <sodium.h>

#include "conf.h"
#include "../feeder/count.h"
#include "../feeder/event.h"
#include "log.h"
#include "metrics.h"
#include "net.h"
#include "peer.h"
#include "pull.h"
#include "report.h"
#include "syncd.h"
#include "util.h"

#define POLL_TICK_MS	100
#define MAX_WAIT	60		/* longest long poll, seconds */
#define MAX_BODY	(1u << 20)	/* request bodies, before opening */
#define NONCE_SLOTS	16384		/* replay cache at first, power of two */
#define NONCE_MAX	(1u << 20)	/* and at most (32 MiB) */
#define NONCE_PROBE	64		/* slots looked at from a nonce's own */
#define BUCKET_BURST	30.0
#define MAX_POLLS	2		/* long polls held per peer */
#define LISTEN_BACKLOG	1024		/* a burst of connections waits */
#define REPORT_BURST	2048.0		/* reports a peer pushes at once */
#define LOG_WINDOW	60		/* refusals logged: LOG_BURST a minute */
#define LOG_BURST	30

/* Connections per client address, counted when some must go. */
struct addr_count {
	const struct hconn	*oldest;	/* NULL: free slot */
	size_t			 n;
};

/* A connection, from its accept() to its end. */
struct hconn {
	TAILQ_ENTRY(hconn)	 entry;
	struct httpd		*h;
	struct bufferevent	*bev;
	struct evhttp_connection *evcon;	/* NULL until adopted */
	struct event		*adopt;
	struct waiter		*w;		/* a long poll held on it */
	uint8_t			 addr[16];	/* the client's, v4 mapped */
	int64_t			 since;		/* waiting for a request since,
						 * monotonic ms */
	int			 busy;		/* its request is being answered */
	int			 got;		/* some bytes of that request */
};

struct waiter {
	TAILQ_ENTRY(waiter)	 entry;
	struct httpd		*h;
	struct hconn		*hc;
	struct evhttp_request	*req;
	uint32_t		 peer;
	struct cursor		*cur;
	size_t			 ncur;
	uint8_t			 reply[32];
	char			 reqsig[AUTH_SIG_B64 + 1];
	time_t			 deadline;
};

struct nonce_slot {
	uint8_t		nonce[AUTH_NONCE_LEN];
	uint32_t	peer;
	time_t		expires;
};

struct pool {
	double		tokens;
	struct timespec	last;
};

/* A peer's token buckets: requests, and reports they carry. */
struct bucket {
	struct pool	req, rep;
};

struct httpd {
	struct syncd		*d;
	struct evhttp		*http;
	struct event		*tick;
	TAILQ_HEAD(, waiter)	 waiters;
	uint32_t		 serial;
	struct nonce_slot	*nonces;
	size_t			 nslots;
	struct bucket		*buckets;	/* by origin id */
	size_t			 nbuckets;
	uint64_t		 refused, served;

	TAILQ_HEAD(, hconn)	 conns;
	size_t			 nconns;
	struct event		*sweep;		/* every second */
	struct evconnlistener	**lev;
	size_t			 nlev;
	struct event		*resume;	/* accept() again */
	size_t			 conn_max;	/* [sync] connections */
	time_t			 req_time;	/* [sync] request-timeout */
	struct addr_count	*counts;	/* conn_shed()'s, 2^k slots */
	size_t			 ncounts;
	uint64_t		 shed, slow;	/* connections closed */
	time_t			 log_start;
	unsigned		 log_n;
	uint64_t		 log_more;	/* not logged this window */
};

/* A request that passed authentication. */
struct call {
	struct peer		 peer;
	uint8_t			 reply[32];
	char			 reqsig[AUTH_SIG_B64 + 1];
	uint8_t			*body;		/* opened */
	size_t			 blen;
};

static void
reply_plain(struct evhttp_request *req, int code, const char *reason,
    const char *text)
{
	struct evbuffer *b = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain");
	if (b != NULL)
		evbuffer_add_printf(b, "%s\n", text);
	evhttp_send_reply(req, code, reason, b);
	if (b != NULL)
		evbuffer_free(b);
}

static void
peer_addr(struct evhttp_request *req, char *buf, size_t len)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	char *host = NULL;
	uint16_t port = 0;

	if (c != NULL)
		evhttp_connection_get_peer(c, &host, &port);
	snprintf(buf, len, "%s:%u", host != NULL ? host : "?", port);
}

/* The count of the lines not logged in the window that ended. */
static void
hlog_flush(struct httpd *h, time_t now)
{
	if (now - h->log_start < LOG_WINDOW && now >= h->log_start)
		return;
	if (h->log_more > 0)
		log_warnx("%llu more refused requests or closed connections "
		    "in the last minute were not logged (/metrics counts "
		    "them)", (unsigned long long)h->log_more);
	h->log_start = now;
	h->log_n = 0;
	h->log_more = 0;
}

/* A warning about a client: LOG_BURST a minute, the rest counted, so
 * that a flood of bad requests does not flood the log as well. */
static void
hlog(struct httpd *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
hlog(struct httpd *h, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	hlog_flush(h, time(NULL));
	if (h->log_n >= LOG_BURST) {
		h->log_more++;
		return;
	}
	h->log_n++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warnx("%s", buf);
}

static void
refuse(struct httpd *h, struct evhttp_request *req, int code,
    const char *reason, const char *who, const char *why)
{
	char addr[128];

	h->refused++;
	peer_addr(req, addr, sizeof(addr));
	hlog(h, "refused %s %s from %s%s%s: %s",
	    evhttp_request_get_command(req) == EVHTTP_REQ_POST ? "POST" :
	    "GET", evhttp_request_get_uri(req), addr, who ? " " : "",
	    who ? who : "", why);
	reply_plain(req, code, reason, why);
}

/* Seal plain to the request's reply key, sign, send 200. */
static void
reply_sealed(struct httpd *h, struct evhttp_request *req,
    const uint8_t reply[32], const char *reqsig, const uint8_t *plain,
    size_t len)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
	struct evbuffer *b;
	uint8_t *sealed;
	size_t slen;
	char sig[AUTH_SIG_B64 + 1];

	auth_seal(reply, plain, len, &sealed, &slen);
	if (auth_resp_sign(200, reqsig, sealed, slen, h->d->sk, sig) !=
	    RB_OK || (b = evbuffer_new()) == NULL) {
		free(sealed);
		reply_plain(req, 500, "Internal Server Error", "cannot sign");
		return;
	}
	evbuffer_add(b, sealed, slen);
	free(sealed);
	evhttp_add_header(oh, "Content-Type", "application/x-rebond-sealed");
	evhttp_add_header(oh, HDR_SIG, sig);
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
	h->served++;
}

/* Replay cache: open addressing, NONCE_PROBE slots from the nonce's own
 * (its random bytes are the hash).  1 if peer's nonce n is remembered. */
static int
nonce_seen(const struct httpd *h, uint32_t peer, const uint8_t n[16],
    time_t now)
{
	size_t i, mask = h->nslots - 1, slot = (size_t)be_get(n, 4) & mask;

	for (i = 0; i < NONCE_PROBE; i++) {
		const struct nonce_slot *s = &h->nonces[(slot + i) & mask];

		if (s->expires > now && s->peer == peer &&
		    memcmp(s->nonce, n, 16) == 0)
			return 1;
	}
	return 0;
}

static int
nonce_put(struct nonce_slot *tab, size_t nslots, const struct nonce_slot *e,
    time_t now)
{
	size_t i, mask = nslots - 1, slot = (size_t)be_get(e->nonce, 4) & mask;

	for (i = 0; i < NONCE_PROBE; i++)
		if (tab[(slot + i) & mask].expires <= now) {
			tab[(slot + i) & mask] = *e;
			return RB_OK;
		}
	return RB_EBUSY;
}

/* Remember a nonce, kept past both ends of the time window.  The table
 * doubles when the nonce's slots are all live, up to NONCE_MAX: only
 * requests that passed the signature and the peer's rate get here, so
 * its size follows the peers' rates (a peer at 10/s: 6040 nonces), and
 * neither a flood nor one peer's excess fills it for the others.
 * RB_EBUSY at NONCE_MAX. */
static int
nonce_add(struct httpd *h, uint32_t peer, const uint8_t n[16], time_t now)
{
	struct nonce_slot e, *tab;
	size_t i, size = h->nslots;

	memset(&e, 0, sizeof(e));
	memcpy(e.nonce, n, 16);
	e.peer = peer;
	e.expires = now + 2 * AUTH_WINDOW + 1;
	while (nonce_put(h->nonces, h->nslots, &e, now) != RB_OK) {
		do {
			if (size >= NONCE_MAX)
				return RB_EBUSY;
			size *= 2;
			tab = xcalloc(size, sizeof(*tab));
			for (i = 0; i < h->nslots; i++)
				if (h->nonces[i].expires > now &&
				    nonce_put(tab, size, &h->nonces[i], now) !=
				    RB_OK)
					break;
			if (i < h->nslots)
				free(tab);
		} while (i < h->nslots);
		free(h->nonces);
		h->nonces = tab;
		h->nslots = size;
		log_info("replay cache grown to %zu nonces", size);
	}
	return RB_OK;
}

/* Take n tokens from a pool refilled at rate a second up to burst: 0,
 * or RB_EBUSY (none taken). */
static int
pool_take(struct pool *p, double rate, double burst, double n)
{
	struct timespec now;
	double el;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (p->last.tv_sec == 0)
		p->tokens = burst;
	else {
		el = (double)(now.tv_sec - p->last.tv_sec) +
		    (double)(now.tv_nsec - p->last.tv_nsec) / 1e9;
		p->tokens += el * rate;
		if (p->tokens > burst)
			p->tokens = burst;
	}
	p->last = now;
	if (p->tokens < n)
		return RB_EBUSY;
	p->tokens -= n;
	return RB_OK;
}

static struct bucket *
bucket_of(struct httpd *h, uint32_t peer)
{
	if (peer >= h->nbuckets) {
		size_t n = peer + 16;

		h->buckets = xrealloc(h->buckets, n * sizeof(*h->buckets));
		memset(h->buckets + h->nbuckets, 0,
		    (n - h->nbuckets) * sizeof(*h->buckets));
		h->nbuckets = n;
	}
	return &h->buckets[peer];
}

/* A request of peer: 0, or RB_EBUSY when the peer is over its rate. */
static int
bucket_take(struct httpd *h, uint32_t peer)
{
	if (h->d->rate <= 0)
		return RB_OK;
	return pool_take(&bucket_of(h, peer)->req, (double)h->d->rate,
	    BUCKET_BURST, 1.0);
}

/* n reports pushed by peer: 0, or RB_EBUSY over [sync]
 * peer-report-rate (each costs a write of the listing: ~80 us). */
static int
bucket_take_reports(struct httpd *h, uint32_t peer, size_t n)
{
	int64_t rate = h->d->conf->sync_report_rate;

	if (rate <= 0)
		return RB_OK;
	return pool_take(&bucket_of(h, peer)->rep, (double)rate,
	    REPORT_BURST, (double)n);
}

static const char *
header(struct evhttp_request *req, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(req),
	    name);
}

/* Authenticate req; on failure it is answered and 0 is returned. */
static int
authenticate(struct httpd *h, struct evhttp_request *req, struct call *c)
{
	struct store_txn *t;
	struct auth_req ar;
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *node, *tm, *nonce, *reply, *sig;
	uint8_t pk[32], nb[AUTH_NONCE_LEN];
	int64_t when;
	time_t now = time(NULL);
	size_t len;
	int rc;

	node = header(req, HDR_NODE);
	tm = header(req, HDR_TIME);
	nonce = header(req, HDR_NONCE);
	reply = header(req, HDR_REPLY);
	sig = header(req, HDR_SIG);
	if (node == NULL || tm == NULL || nonce == NULL || reply == NULL ||
	    sig == NULL) {
		refuse(h, req, 401, "Unauthorized", NULL,
		    "missing Rebond-* authentication headers");
		return 0;
	}
	if (auth_key_parse(node, pk) != RB_OK) {
		refuse(h, req, 401, "Unauthorized", NULL, "bad Rebond-Node");
		return 0;
	}
	if ((t = store_read(h->d->store)) == NULL) {
		reply_plain(req, 503, "Service Unavailable", "store trouble");
		return 0;
	}
	memset(c, 0, sizeof(*c));
	rc = store_origin_find_key(t, pk, &c->peer.origin);
	if (rc == RB_OK)
		rc = peer_get_id(t, c->peer.origin.id, &c->peer);
	store_read_end(h->d->store);
	if (rc != RB_OK) {
		refuse(h, req, 401, "Unauthorized", node,
		    "not a configured peer (rebondctl peer add)");
		return 0;
	}
	if (parse_int(tm, 0, INT64_MAX, &when) != RB_OK ||
	    when < (int64_t)now - AUTH_WINDOW ||
	    when > (int64_t)now + AUTH_WINDOW) {
		refuse(h, req, 401, "Unauthorized", c->peer.origin.name,
		    "Rebond-Time too far from this node's clock (300 s)");
		return 0;
	}
	/* The replay cache starts empty: refuse what was signed before. */
	if (when < (int64_t)h->d->started - 1) {
		refuse(h, req, 401, "Unauthorized", c->peer.origin.name,
		    "request signed before this server started");
		return 0;
	}
	if (strlen(nonce) != AUTH_NONCE_HEX ||
	    hex_decode(nonce, AUTH_NONCE_HEX, nb, sizeof(nb)) != RB_OK) {
		refuse(h, req, 401, "Unauthorized", c->peer.origin.name,
		    "bad Rebond-Nonce");
		return 0;
	}
	if (auth_key_parse(reply, c->reply) != RB_OK) {
		refuse(h, req, 401, "Unauthorized", c->peer.origin.name,
		    "bad Rebond-Reply-Key");
		return 0;
	}
	/* Before the signature: a replay costs a lookup, not a verification
	 * (a fresh nonce is only remembered once its request is verified). */
	if (nonce_seen(h, c->peer.origin.id, nb, now)) {
		refuse(h, req, 401, "Unauthorized", c->peer.origin.name,
		    "replayed request");
		return 0;
	}
	memset(&ar, 0, sizeof(ar));
	ar.method = evhttp_request_get_command(req) == EVHTTP_REQ_POST ?
	    "POST" : "GET";
	ar.path = evhttp_request_get_uri(req);
	len = evbuffer_get_length(in);
	ar.body = len ? evbuffer_pullup(in, -1) : NULL;
	ar.blen = len;
	ar.time = when;
	memcpy(ar.nonce, nonce, AUTH_NONCE_HEX + 1);
	memcpy(ar.reply, reply, AUTH_ID_LEN + 1);
	memcpy(ar.dest, h->d->id, AUTH_ID_LEN + 1);
	if (auth_req_verify(&ar, pk, sig) != RB_OK) {
		refuse(h, req, 401, "Unauthorized", c->peer.origin.name,
		    "bad signature (tampered, or meant for another node)");
		return 0;
	}
	/* The rate before the nonce is kept: a peer over its rate does not
	 * fill the replay cache (a request refused here may be sent again). */
	if (bucket_take(h, c->peer.origin.id) != RB_OK) {
		refuse(h, req, 429, "Too Many Requests", c->peer.origin.name,
		    "over the request rate");
		return 0;
	}
	if (nonce_add(h, c->peer.origin.id, nb, now) != RB_OK) {
		refuse(h, req, 503, "Service Unavailable", c->peer.origin.name,
		    "replay cache full");
		return 0;
	}
	memcpy(c->reqsig, sig, AUTH_SIG_B64 + 1);
	if (len > 0 && auth_open_node(h->d->sk, ar.body, len, &c->body,
	    &c->blen) != RB_OK) {
		refuse(h, req, 400, "Bad Request", c->peer.origin.name,
		    "body not sealed to this node");
		return 0;
	}
	return 1;
}

/* Take w off the list and off its connection. */
static void
waiter_detach(struct waiter *w)
{
	TAILQ_REMOVE(&w->h->waiters, w, entry);
	if (w->hc != NULL)
		w->hc->w = NULL;
	w->hc = NULL;
}

static void
waiter_free(struct waiter *w)
{
	free(w->cur);
	free(w);
}

static void
waiter_answer(struct waiter *w)
{
	struct httpd *h = w->h;
	struct sbuf out = { NULL, 0, 0 };
	int rc;

	waiter_detach(w);
	rc = pull_answer(h->d->store, h->d->sk, h->d->pk, w->peer, w->cur,
	    w->ncur, &out);
	if (rc != RB_OK)
		reply_plain(w->req, 503, "Service Unavailable",
		    rb_strerror(rc));
	else
		reply_sealed(h, w->req, w->reply, w->reqsig, out.p, out.len);
	sbuf_free(&out);
	waiter_free(w);
}


/* ---- connections ---- */

static struct hconn *
conn_of(struct httpd *h, struct evhttp_request *req)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	struct hconn *hc;

	if (c != NULL)
		TAILQ_FOREACH(hc, &h->conns, entry)
			if (hc->evcon == c)
				return hc;
	return NULL;
}

static void
conn_forget(struct hconn *hc)
{
	struct httpd *h = hc->h;

	TAILQ_REMOVE(&h->conns, hc, entry);
	h->nconns--;
	if (hc->adopt != NULL)
		event_free(hc->adopt);
	free(hc);
}

/* evhttp frees the connection: forget it, and its long poll if any. */
static void
conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct hconn *hc = arg;
	struct waiter *w = hc->w;

	(void)evcon;
	if (w != NULL) {
		log_debug("peer #%u went away during a long poll", w->peer);
		w->req = NULL;
		waiter_detach(w);
		waiter_free(w);
	}
	conn_forget(hc);
}

static void
conn_close(struct hconn *hc, const char *why)
{
	char addr[128], *host = NULL;
	uint16_t port = 0;

	evhttp_connection_get_peer(hc->evcon, &host, &port);
	snprintf(addr, sizeof(addr), "%s:%u", host != NULL ? host : "?",
	    port);
	if (why != NULL)
		hlog(hc->h, "closed the connection of %s: %s", addr, why);
	else
		log_debug("closed the idle connection of %s", addr);
	evhttp_connection_free(hc->evcon);	/* conn_closed(hc) */
}

/* Bytes of a request came in. */
static void
conn_input(struct evbuffer *b, const struct evbuffer_cb_info *info,
    void *arg)
{
	(void)b;
	if (info->n_added > 0)
		((struct hconn *)arg)->got = 1;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One connection more than conn_max: close one that waits for its
 * request (a slow or idle client, never a long poll nor an answer on
 * its way), of the client address that holds most of them, the one
 * waiting longest: a client flooding from its address sheds its own
 * connections, not the peers'.  The new one if all are busy. */
static void
conn_shed(struct httpd *h, struct hconn *fresh)
{
	struct addr_count *a, *best = NULL;
	struct hconn *hc;
	size_t mask = h->ncounts - 1, i, probes;
	uint32_t x;

	memset(h->counts, 0, h->ncounts * sizeof(*h->counts));
	TAILQ_FOREACH(hc, &h->conns, entry) {
		if (hc->evcon == NULL || hc->busy)
			continue;
		/* FNV-1a of the address; open addressing. */
		for (x = 2166136261u, i = 0; i < sizeof(hc->addr); i++)
			x = (x ^ hc->addr[i]) * 16777619u;
		for (i = x & mask, probes = 0; (a = &h->counts[i])->oldest !=
		    NULL && memcmp(a->oldest->addr, hc->addr,
		    sizeof(hc->addr)) != 0 && probes < h->ncounts;
		    i = (i + 1) & mask, probes++)
			;
		if (probes == h->ncounts)
			continue;	/* more addresses than slots */
		if (a->oldest == NULL || hc->since < a->oldest->since)
			a->oldest = hc;
		a->n++;
		if (best == NULL || a->n > best->n || (a->n == best->n &&
		    a->oldest->since < best->oldest->since))
			best = a;
	}
	hc = best != NULL ? (struct hconn *)best->oldest : fresh;
	h->shed++;
	conn_close(hc, hc == fresh ? "too many connections, all busy" :
	    "too many connections: this address's that waited longest for "
	    "its request goes");
}

/* Right after evhttp made the connection around our bufferevent (same
 * turn of the loop: nothing can free it in between).  evhttp gives the
 * connection itself as the argument of the bufferevent's callbacks. */
static void
conn_adopt(evutil_socket_t fd, short what, void *arg)
{
	struct hconn *hc = arg;
	struct httpd *h = hc->h;
	void *c = NULL;
	char *host = NULL;
	uint16_t port = 0;

	(void)fd;
	(void)what;
	event_free(hc->adopt);
	hc->adopt = NULL;
	bufferevent_getcb(hc->bev, NULL, NULL, NULL, &c);
	if (c == NULL || evhttp_connection_get_bufferevent(c) != hc->bev) {
		static int warned;

		if (!warned++)
			log_warnx("this libevent does not let connections be "
			    "followed: no limit on them, no request timeout");
		conn_forget(hc);
		return;
	}
	hc->evcon = c;
	evhttp_connection_set_closecb(hc->evcon, conn_closed, hc);
	evhttp_connection_get_peer(hc->evcon, &host, &port);
	memset(hc->addr, 0, sizeof(hc->addr));
	if (host == NULL || inet_pton(AF_INET6, host, hc->addr) != 1) {
		hc->addr[10] = hc->addr[11] = 0xff;
		if (host == NULL || inet_pton(AF_INET, host, hc->addr + 12) !=
		    1)
			memset(hc->addr, 0, sizeof(hc->addr));
	}
	evbuffer_add_cb(bufferevent_get_input(hc->bev), conn_input, hc);
	if (h->nconns > h->conn_max)
		conn_shed(h, hc);
}

/* evhttp_set_bevcb: a new connection. */
static struct bufferevent *
conn_new(struct event_base *base, void *arg)
{
	struct httpd *h = arg;
	struct hconn *hc;

	hc = xcalloc(1, sizeof(*hc));
	hc->h = h;
	hc->since = mono_ms();
	if ((hc->bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL ||
	    (hc->adopt = event_new(base, -1, 0, conn_adopt, hc)) == NULL)
		fatalx("libevent: out of memory");
	event_active(hc->adopt, 0, 0);
	TAILQ_INSERT_TAIL(&h->conns, hc, entry);
	h->nconns++;
	return hc->bev;
}

/* A request was answered (evhttp_request_set_on_complete_cb): its
 * connection waits for the next one. */
static void
conn_answered(struct evhttp_request *req, void *arg)
{
	struct hconn *hc = conn_of(arg, req);

	if (hc != NULL) {
		hc->busy = 0;
		hc->got = 0;
		hc->since = mono_ms();
	}
}

static void
sweep(evutil_socket_t fd, short what, void *arg)
{
	struct httpd *h = arg;
	struct hconn *hc, *next;
	int64_t now = mono_ms();

	(void)fd;
	(void)what;
	for (hc = TAILQ_FIRST(&h->conns); hc != NULL; hc = next) {
		next = TAILQ_NEXT(hc, entry);
		if (hc->evcon == NULL || hc->busy ||
		    now - hc->since < (int64_t)h->req_time * 1000)
			continue;
		if (hc->got) {
			char why[64];

			h->slow++;
			snprintf(why, sizeof(why), "no whole request in %lld "
			    "s", (long long)h->req_time);
			conn_close(hc, why);
		} else
			conn_close(hc, NULL);
	}
	hlog_flush(h, time(NULL));
}

/* The server whose listeners these are: their callbacks' argument is
 * evhttp's. */
static struct httpd *listening;

/* accept() failed (out of descriptors, most likely): evconnlistener
 * would try again at once, for ever.  Pause a second. */
static void
accept_error(struct evconnlistener *l, void *arg)
{
	struct httpd *h = listening;
	struct timeval tv = { 1, 0 };
	int e = EVUTIL_SOCKET_ERROR();
	size_t i;

	(void)l;
	(void)arg;
	hlog(h, "cannot accept connections: %s (%zu open); not accepting "
	    "for a second", evutil_socket_error_to_string(e), h->nconns);
	for (i = 0; i < h->nlev; i++)
		evconnlistener_disable(h->lev[i]);
	evtimer_add(h->resume, &tv);
}

static void
accept_resume(evutil_socket_t fd, short what, void *arg)
{
	struct httpd *h = arg;
	size_t i;

	(void)fd;
	(void)what;
	for (i = 0; i < h->nlev; i++)
		evconnlistener_enable(h->lev[i]);
}

/* ---- long polls ---- */

static void
tick(evutil_socket_t fd, short what, void *arg)
{
	struct httpd *h = arg;
	struct waiter *w, *next;
	struct store_txn *t;
	struct timeval tv = { 0, POLL_TICK_MS * 1000 };
	time_t now = time(NULL);
	uint32_t serial;
	int changed = 0;

	(void)fd;
	(void)what;
	if (TAILQ_EMPTY(&h->waiters))
		return;
	if ((t = store_read(h->d->store)) != NULL) {
		serial = store_serial(t);
		changed = serial != h->serial;
		h->serial = serial;
		if (changed)
			TAILQ_FOREACH(w, &h->waiters, entry)
				if (pull_pending(t, w->peer, w->cur, w->ncur))
					w->deadline = 0;
		store_read_end(h->d->store);
	}
	for (w = TAILQ_FIRST(&h->waiters); w != NULL; w = next) {
		next = TAILQ_NEXT(w, entry);
		if (w->deadline <= now)
			waiter_answer(w);
	}
	if (!TAILQ_EMPTY(&h->waiters))
		evtimer_add(h->tick, &tv);
}

static void
do_pull(struct httpd *h, struct evhttp_request *req, struct call *c)
{
	struct evkeyvalq q;
	struct waiter *w, *old;
	struct store_txn *t;
	const char *ws;
	int64_t wait = 0;
	int pending = 1, nwait = 0;

	TAILQ_INIT(&q);
	if (evhttp_parse_query_str(evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(req)) ?
	    evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req)) : "",
	    &q) != 0) {
		refuse(h, req, 400, "Bad Request", c->peer.origin.name,
		    "bad query");
		return;
	}
	if ((ws = evhttp_find_header(&q, "wait")) != NULL &&
	    parse_int(ws, 0, MAX_WAIT, &wait) != RB_OK) {
		evhttp_clear_headers(&q);
		refuse(h, req, 400, "Bad Request", c->peer.origin.name,
		    "wait must be 0 to 60");
		return;
	}
	evhttp_clear_headers(&q);
	w = xcalloc(1, sizeof(*w));
	w->h = h;
	w->req = req;
	w->peer = c->peer.origin.id;
	memcpy(w->reply, c->reply, 32);
	memcpy(w->reqsig, c->reqsig, sizeof(w->reqsig));
	if (pull_parse(c->body, c->blen, &w->cur, &w->ncur) != RB_OK) {
		free(w);
		refuse(h, req, 400, "Bad Request", c->peer.origin.name,
		    "bad cursor list");
		return;
	}
	/* Two long polls per peer at most (one, and its reconnection). */
	TAILQ_FOREACH(old, &h->waiters, entry)
		if (old->peer == w->peer)
			nwait++;
	if (nwait >= MAX_POLLS) {
		free(w->cur);
		free(w);
		refuse(h, req, 429, "Too Many Requests", c->peer.origin.name,
		    "too many long polls at once (two nodes with one key?)");
		return;
	}
	TAILQ_INSERT_TAIL(&h->waiters, w, entry);
	if (wait > 0 && (t = store_read(h->d->store)) != NULL) {
		pending = pull_pending(t, w->peer, w->cur, w->ncur);
		if (!pending && TAILQ_FIRST(&h->waiters) == w)
			h->serial = store_serial(t);
		store_read_end(h->d->store);
	}
	log_debug("pull from %s (#%u): %zu cursors (%" PRIu64 "), wait %" PRId64 "s, %s",
	    c->peer.origin.name, w->peer, w->ncur, w->ncur ? w->cur[0].after : 0, wait, pending ? "news" : "waiting");
	/* A long poll is held on a connection of ours (whose end we hear
	 * of), else answered at once. */
	if (pending || wait == 0 || (w->hc = conn_of(h, req)) == NULL) {
		waiter_answer(w);
		return;
	}
	w->deadline = time(NULL) + wait;
	w->hc->w = w;
	if (!evtimer_pending(h->tick, NULL)) {
		struct timeval tv = { 0, POLL_TICK_MS * 1000 };

		evtimer_add(h->tick, &tv);
	}
}

#define REPORTS_MAX	1024	/* reports a push may carry */
#define TAKEN_DAYS	35	/* transaction ids remembered */

struct take_ctx {
	struct httpd		*h;
	uint32_t		 peer;
	struct report		*r;
	size_t			 n;
	size_t			 taken, dup;
};

static int
old_taken(const void *k, size_t klen, const void *v, size_t vlen, void *arg)
{
	uint8_t (*keys)[1 + 4 + REPORT_TXID] = ((void **)arg)[0];
	size_t *n = ((void **)arg)[1];
	uint32_t *cut = ((void **)arg)[2];

	(void)v;
	(void)vlen;
	if (klen != 1 + 4 + REPORT_TXID || be_get((const uint8_t *)k + 1, 4) >=
	    *cut)
		return 1;
	memcpy(keys[(*n)++], k, klen);
	return *n >= 64;
}

/* Take the reports: each transaction id once, the listing asserted by
 * this node with its own feeder scope (it decides what to publish). */
static int
take_reports(struct store_txn *t, void *arg)
{
	struct take_ctx *x = arg;
	const struct conf *c = x->h->d->conf;
	uint8_t k[1 + 4 + REPORT_TXID], pv[4], old[64][1 + 4 + REPORT_TXID];
	uint32_t cut = (uint32_t)(time(NULL) / 86400) - TAKEN_DAYS;
	size_t i, nold = 0;
	void *oarg[3] = { old, &nold, &cut };
	const void *v;
	size_t vlen;
	int scope = scope_parse(c->feeder_scope), rc;

	x->taken = x->dup = 0;
	if (scope < 0)
		scope = SCOPE_FEDERATION;
	for (i = 0; i < x->n; i++) {
		struct report *r = &x->r[i];

		k[0] = REPORT_K_TAKEN;
		be_put(k + 1, (uint64_t)(r->time / 86400), 4);
		memcpy(k + 5, r->txid, REPORT_TXID);
		rc = store_kv_get(t, KV_SYNC, k, sizeof(k), &v, &vlen);
		if (rc == RB_OK) {
			x->dup++;
			continue;
		}
		if (rc != RB_ENOENT)
			return rc;
		if ((rc = store_assert(t, &r->key, r->reason,
		    r->status.klass ? &r->status : NULL, r->time,
		    conf_expiry(c, r->key.zone, r->reason), 1, scope)) !=
		    RB_OK)
			return rc;
		be_put(pv, x->peer, 4);
		if ((rc = store_kv_put(t, KV_SYNC, k, sizeof(k), pv,
		    sizeof(pv))) != RB_OK)
			return rc;
		x->taken++;
	}
	/* Forget the oldest transaction ids, a few at a time. */
	k[0] = REPORT_K_TAKEN;
	if ((rc = store_kv_foreach(t, KV_SYNC, k, 1, old_taken, oarg)) < 0)
		return rc;
	for (i = 0; i < nold; i++)
		if ((rc = store_kv_del(t, KV_SYNC, old[i], sizeof(old[i]))) !=
		    RB_OK && rc != RB_ENOENT)
			return rc;
	return RB_OK;
}

static void
do_report(struct httpd *h, struct evhttp_request *req, struct call *c)
{
	struct take_ctx x;
	uint8_t ans[8];
	size_t off = 0, len;
	int rc;

	memset(&x, 0, sizeof(x));
	x.h = h;
	x.peer = c->peer.origin.id;
	x.r = xcalloc(REPORTS_MAX, sizeof(*x.r));
	while (off < c->blen) {
		if (c->blen - off < 2 || x.n == REPORTS_MAX ||
		    (len = (size_t)be_get(c->body + off, 2)) >
		    c->blen - off - 2 ||
		    report_decode(c->body + off + 2, len, &x.r[x.n]) !=
		    RB_OK) {
			free(x.r);
			refuse(h, req, 400, "Bad Request", c->peer.origin.name,
			    "bad report");
			return;
		}
		off += 2 + len;
		x.n++;
	}
	/* Not taken: the peer keeps them queued and pushes them again. */
	if (bucket_take_reports(h, x.peer, x.n) != RB_OK) {
		free(x.r);
		refuse(h, req, 429, "Too Many Requests", c->peer.origin.name,
		    "over the report rate ([sync] peer-report-rate)");
		return;
	}
	/* An observed peer's word never lists, reports included: they are
	 * acknowledged (the peer stops pushing them) and dropped. */
	if (c->peer.origin.trust == TRUST_OBSERVE) {
		free(x.r);
		log_info("peer %s reported %zu bounce%s of mail it handed us: "
		    "not listed (trust observe)", c->peer.origin.name, x.n,
		    x.n == 1 ? "" : "s");
		memset(ans, 0, sizeof(ans));
		reply_sealed(h, req, c->reply, c->reqsig, ans, sizeof(ans));
		return;
	}
	rc = store_write(h->d->store, take_reports, &x);
	free(x.r);
	if (rc != RB_OK) {
		log_warnx("reports of %s: %s", c->peer.origin.name,
		    rb_strerror(rc));
		reply_plain(req, 503, "Service Unavailable", rb_strerror(rc));
		return;
	}
	log_info("peer %s reported %zu bounce%s of mail it handed us (%zu "
	    "new)", c->peer.origin.name, x.n, x.n == 1 ? "" : "s", x.taken);
	be_put(ans, x.taken, 4);
	be_put(ans + 4, x.dup, 4);
	reply_sealed(h, req, c->reply, c->reqsig, ans, sizeof(ans));
}

/* This node's score: its outcome counters of the last SCORE_DAYS days,
 * node-wide (no address, no sender, no domain). */
static void
do_score(struct httpd *h, struct evhttp_request *req, struct call *c)
{
	struct store_txn *t;
	struct counts cnt;
	struct sbuf out = { NULL, 0, 0 };
	uint32_t today = (uint32_t)(time(NULL) / 86400);
	char line[96];
	int i, rc, n;

	if ((t = store_read(h->d->store)) == NULL) {
		reply_plain(req, 503, "Service Unavailable", "store trouble");
		return;
	}
	rc = count_sum(t, CNT_NODE, "", 0, today - (SCORE_DAYS - 1), today,
	    &cnt);
	store_read_end(h->d->store);
	if (rc < 0) {
		reply_plain(req, 503, "Service Unavailable", rb_strerror(rc));
		return;
	}
	n = snprintf(line, sizeof(line), "%s\ndays %d\n", SCORE_TAG,
	    SCORE_DAYS);
	sbuf_add(&out, line, (size_t)n);
	for (i = 0; i < EV_CLASS_COUNT; i++) {
		n = snprintf(line, sizeof(line), "%s %u\n", ev_class_name(i),
		    cnt.c[i]);
		sbuf_add(&out, line, (size_t)n);
	}
	log_debug("score served to %s", c->peer.origin.name);
	reply_sealed(h, req, c->reply, c->reqsig, out.p, out.len);
	sbuf_free(&out);
}

static int
peer_lag(const struct origin *o, double *lag, void *arg)
{
	struct client_stats cs;

	if (client_stats(arg, o->id, &cs) != RB_OK)
		return -1;
	*lag = cs.lag;
	return 0;
}

struct peer_metrics {
	struct syncd	*d;
	FILE		*out;
	int		 which;
};

static int
peer_metric(const struct peer *p, void *arg)
{
	struct peer_metrics *m = arg;
	struct client_stats cs;
	uint64_t v;

	if (client_stats(m->d, p->origin.id, &cs) != RB_OK)
		return 0;
	v = m->which == 0 ? cs.rounds : m->which == 1 ? cs.applied :
	    m->which == 2 ? cs.bytes : cs.reported;
	fprintf(m->out, "%s{peer=\"", m->which == 0 ?
	    "rebond_sync_pull_rounds_total" : m->which == 1 ?
	    "rebond_sync_records_applied_total" : m->which == 2 ?
	    "rebond_sync_received_bytes_total" :
	    "rebond_sync_reports_pushed_total");
	metrics_label(m->out, p->origin.name);
	fprintf(m->out, "\"} %llu\n", (unsigned long long)v);
	return 0;
}

/* GET /metrics: the store's figures and this daemon's, for clients in
 * [sync] metrics-acl. */
static void
do_metrics(struct httpd *h, struct evhttp_request *req)
{
	static const char *const fam[4][2] = {
		{ "rebond_sync_pull_rounds_total", "pull rounds answered" },
		{ "rebond_sync_records_applied_total", "records received "
		    "and applied" },
		{ "rebond_sync_received_bytes_total", "bytes of answers "
		    "received" },
		{ "rebond_sync_reports_pushed_total", "bounce reports the "
		    "peer took" },
	};
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	struct metrics_opts mo;
	struct peer_metrics pm;
	struct store_txn *t;
	struct evbuffer *b;
	struct cidr acl[32];
	struct sockaddr_storage ss;
	char *host = NULL, *buf = NULL;
	size_t len = 0;
	uint16_t port = 0;
	FILE *out;
	int i, n = 0, allowed = 0;

	for (i = 0; i < h->d->conf->sync_metrics_acl.n && n < 32; i++)
		if (cidr_parse(h->d->conf->sync_metrics_acl.v[i], &acl[n]) ==
		    RB_OK)
			n++;
	if (conn != NULL)
		evhttp_connection_get_peer(conn, &host, &port);
	memset(&ss, 0, sizeof(ss));
	if (host != NULL) {
		char spec[128];
		socklen_t sl;

		snprintf(spec, sizeof(spec), strchr(host, ':') ? "[%s]:1" :
		    "%s:1", host);
		if (net_parse_addr(spec, 1, &ss, &sl) == RB_OK)
			allowed = cidr_match(acl, n, (struct sockaddr *)&ss);
	}
	if (!allowed) {
		refuse(h, req, 403, "Forbidden", NULL,
		    "not in [sync] metrics-acl");
		return;
	}
	memset(&mo, 0, sizeof(mo));
	mo.peer_lag = peer_lag;
	mo.arg = h->d;
	if ((out = open_memstream(&buf, &len)) == NULL) {
		reply_plain(req, 503, "Service Unavailable", "no memory");
		return;
	}
	if (metrics_store(h->d->store, out, &mo) != RB_OK) {
		fclose(out);
		free(buf);
		reply_plain(req, 503, "Service Unavailable", "store trouble");
		return;
	}
	metrics_family(out, "rebond_sync_requests_refused_total", "counter",
	    "requests refused (authentication, limits, bad bodies)");
	fprintf(out, "rebond_sync_requests_refused_total %llu\n",
	    (unsigned long long)h->refused);
	metrics_family(out, "rebond_sync_answers_total", "counter",
	    "signed answers sent to peers");
	fprintf(out, "rebond_sync_answers_total %llu\n",
	    (unsigned long long)h->served);
	metrics_family(out, "rebond_sync_connections", "gauge",
	    "connections open, peers' and others'");
	fprintf(out, "rebond_sync_connections %zu\n", h->nconns);
	metrics_family(out, "rebond_sync_connections_closed_total", "counter",
	    "connections the server closed: one too many ([sync] "
	    "connections) or too slow to send a request ([sync] "
	    "request-timeout)");
	fprintf(out, "rebond_sync_connections_closed_total{reason=\"full\"} "
	    "%llu\n", (unsigned long long)h->shed);
	fprintf(out, "rebond_sync_connections_closed_total{reason=\"slow\"} "
	    "%llu\n", (unsigned long long)h->slow);
	if ((t = store_read(h->d->store)) != NULL) {
		for (i = 0; i < 4; i++) {
			metrics_family(out, fam[i][0], "counter", fam[i][1]);
			pm.d = h->d;
			pm.out = out;
			pm.which = i;
			peer_foreach(t, peer_metric, &pm);
		}
		store_read_end(h->d->store);
	}
	fclose(out);
	if ((b = evbuffer_new()) == NULL) {
		free(buf);
		return;
	}
	evbuffer_add(b, buf, len);
	free(buf);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void
handle(struct evhttp_request *req, void *arg)
{
	struct httpd *h = arg;
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	const char *path = u != NULL ? evhttp_uri_get_path(u) : NULL;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct hconn *hc;
	struct call c;

	log_debug("%s %s", cmd == EVHTTP_REQ_POST ? "POST" : "GET",
	    evhttp_request_get_uri(req));
	/* Being answered (until conn_answered): neither shed nor timed. */
	if ((hc = conn_of(h, req)) != NULL)
		hc->busy = 1;
	evhttp_request_set_on_complete_cb(req, conn_answered, h);
	if (path == NULL) {
		refuse(h, req, 400, "Bad Request", NULL, "bad request line");
		return;
	}
	if (strcmp(path, "/metrics") == 0 && cmd == EVHTTP_REQ_GET) {
		do_metrics(h, req);
		return;
	}
	if (strcmp(path, "/v1/pull") != 0 && strcmp(path, "/v1/report") != 0 &&
	    strcmp(path, "/v1/score") != 0) {
		refuse(h, req, 404, "Not Found", NULL, "no such endpoint");
		return;
	}
	if (cmd != EVHTTP_REQ_POST) {
		refuse(h, req, 405, "Method Not Allowed", NULL, "POST only");
		return;
	}
	if (!authenticate(h, req, &c))
		return;
	if (strcmp(path, "/v1/pull") == 0)
		do_pull(h, req, &c);
	else if (strcmp(path, "/v1/report") == 0)
		do_report(h, req, &c);
	else
		do_score(h, req, &c);
	free(c.body);
}

static int
listen_on(const char *spec, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, on = 1;

	if (net_parse_addr(spec, 8853, &ss, &len) != RB_OK) {
		snprintf(err, errlen, "%s: expected ADDR:PORT", spec);
		return -1;
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "%s: socket: %s", spec, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1) {
		snprintf(err, errlen, "%s: %s", spec, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
httpd_start(struct syncd *d, const char *const *listen, int n, char *err,
    size_t errlen)
{
	struct httpd *h;
	struct evhttp_bound_socket *bs;
	struct timeval sec = { 1, 0 };
	int i, fd;

	h = xcalloc(1, sizeof(*h));
	h->d = d;
	TAILQ_INIT(&h->waiters);
	TAILQ_INIT(&h->conns);
	h->nslots = NONCE_SLOTS;
	h->conn_max = (size_t)d->conf->sync_conns;
	h->req_time = (time_t)d->conf->sync_req_timeout;
	for (h->ncounts = 8; h->ncounts < 2 * (h->conn_max + 1); )
		h->ncounts *= 2;
	h->counts = xcalloc(h->ncounts, sizeof(*h->counts));
	h->nonces = xcalloc(h->nslots, sizeof(*h->nonces));
	if ((h->http = evhttp_new(d->base)) == NULL)
		fatalx("evhttp_new");
	h->tick = evtimer_new(d->base, tick, h);
	h->sweep = event_new(d->base, -1, EV_PERSIST, sweep, h);
	h->resume = evtimer_new(d->base, accept_resume, h);
	evtimer_add(h->sweep, &sec);
	evhttp_set_max_body_size(h->http, MAX_BODY + AUTH_SEAL_OVERHEAD);
	evhttp_set_max_headers_size(h->http, 8192);
	/* Silence, reading or writing; req_time bounds a request as a whole. */
	evhttp_set_timeout(h->http, (int)h->req_time);
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	evhttp_set_gencb(h->http, handle, h);
	evhttp_set_bevcb(h->http, conn_new, h);
	d->httpd = h;
	listening = h;
	for (i = 0; i < n; i++) {
		if ((fd = listen_on(listen[i], err, errlen)) == -1)
			return RB_ESYS;
		if ((bs = evhttp_accept_socket_with_handle(h->http, fd)) ==
		    NULL) {
			snprintf(err, errlen, "%s: cannot serve", listen[i]);
			close(fd);
			return RB_ESYS;
		}
		h->lev = xrealloc(h->lev, (h->nlev + 1) * sizeof(*h->lev));
		h->lev[h->nlev] = evhttp_bound_socket_get_listener(bs);
		evconnlistener_set_error_cb(h->lev[h->nlev++], accept_error);
		log_info("serving peers on %s", listen[i]);
	}
	return RB_OK;
}

void
httpd_stop(struct syncd *d)
{
	struct httpd *h = d->httpd;
	struct waiter *w;
	struct hconn *hc;

	if (h == NULL)
		return;
	while ((w = TAILQ_FIRST(&h->waiters)) != NULL) {
		waiter_detach(w);
		waiter_free(w);
	}
	evhttp_free(h->http);		/* conn_closed() for each */
	while ((hc = TAILQ_FIRST(&h->conns)) != NULL)
		conn_forget(hc);	/* not adopted yet */
	event_free(h->tick);
	event_free(h->sweep);
	event_free(h->resume);
	free(h->lev);
	free(h->counts);
	free(h->nonces);
	free(h->buckets);
	free(h);
	d->httpd = NULL;
	listening = NULL;
}

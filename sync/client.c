/*
 * sync/client.c - the pulling side of rebond-sync: for every configured
 * peer with a URL, a loop of long-polled POST /v1/pull requests (libcurl
 * multi interface driven by the daemon's libevent loop).
 *
 * One round: read this store's cursors, seal them to the peer, sign the
 * request, send it; check the response's signature, open it, apply each
 * batch in order (apply.h).  A response that moved a cursor is followed
 * at once by the next round; one that brought nothing new ends a long
 * poll and is followed by the next one; trouble (peer down, refused,
 * bad signature, a batch that does not apply) backs off from 1 s to
 * 60 s, reset by the next good round.
 */
#include "config.h"

#include <sys/queue.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <sodium.h>

#include "apply.h"
#include "log.h"
#include "peer.h"
#include "pull.h"
#include "report.h"
#include "syncd.h"
#include "util.h"

#define BACKOFF_MIN	1
#define REFRESH_SEC	5	/* peers read again from the store */
#define APPLY_GROUP	64	/* batches applied in one transaction */

/* One signed, sealed request to a peer and its answer. */
struct xfer {
	struct pconn		*p;
	int			 kind;		/* XF_PULL, XF_PUSH */
	CURL			*easy;		/* non-NULL: running */
	struct curl_slist	*hdrs;
	struct sbuf		 resp;
	int			 toobig;
	char			 respsig[AUTH_SIG_B64 + 1];
	char			 reqsig[AUTH_SIG_B64 + 1];
	uint8_t			 rpk[32], rsk[32];	/* reply key */
	uint8_t			*sealed;

	struct event		*retry;
	int			 backoff;
	int			 failing;	/* logged once per outage */
};
#define XF_PULL		0
#define XF_PUSH		1
#define XF_SCORE	2

struct pconn {
	TAILQ_ENTRY(pconn)	 entry;
	struct client		*cl;
	uint32_t		 id;
	char			 name[64];
	uint8_t			 pk[32];
	char			 url[PEER_URL_MAX + 1];
	int			 seen;		/* still configured */

	struct xfer		 pull, push, score;
	/* The queue keys of the reports a push carries. */
	uint8_t			(*pushed)[1 + 4 + REPORT_TXID];
	size_t			 npushed;
	uint64_t		 rounds, applied, bytes, reported;
	time_t			 last_ok;	/* last good pull round */
};

struct client {
	struct syncd		*d;
	CURLM			*multi;
	struct event		*timer;		/* libcurl's timeout */
	struct event		*refresh;
	struct event		*reports;	/* looks at the report queue */
	TAILQ_HEAD(, pconn)	 peers;
};

struct sock {
	struct event	*ev;
	struct client	*cl;
};

static void	round_start(struct pconn *);
static void	push_start(struct pconn *);
static void	score_start(struct pconn *);
static int	xfer_start(struct xfer *, const char *path,
		    const uint8_t *body, size_t blen);

static void
xfer_clear(struct xfer *x)
{
	if (x->easy != NULL) {
		curl_multi_remove_handle(x->p->cl->multi, x->easy);
		curl_easy_cleanup(x->easy);
		x->easy = NULL;
	}
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	sbuf_free(&x->resp);
	free(x->sealed);
	x->sealed = NULL;
	sodium_memzero(x->rsk, sizeof(x->rsk));
	x->respsig[0] = '\0';
	x->toobig = 0;
}

static void
schedule(struct xfer *x, int secs)
{
	struct timeval tv = { secs, 0 };

	evtimer_add(x->retry, &tv);
}

static void
fail(struct xfer *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct xfer *x, const char *fmt, ...)
{
	struct pconn *p = x->p;
	const char *what = x->kind == XF_PULL ? "pull" : x->kind == XF_PUSH ?
	    "report push" : "score";
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!x->failing)
		log_warnx("peer %s (%s): %s: %s; retrying with backoff",
		    p->name, p->url, what, msg);
	else
		log_debug("peer %s: %s: %s", p->name, what, msg);
	x->failing = 1;
	x->backoff = x->backoff ? x->backoff * 2 : BACKOFF_MIN;
	if (x->backoff > p->cl->d->retry_max)
		x->backoff = (int)p->cl->d->retry_max;
	schedule(x, x->backoff);
}

/* The answer of x, checked: 0 with the opened body in *plain, or -1
 * (logged, backoff scheduled). */
static int
xfer_answer(struct xfer *x, CURLcode cc, uint8_t **plain, size_t *plen)
{
	long status = 0;

	*plain = NULL;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (cc != CURLE_OK) {
		fail(x, "%s", x->toobig ? "response too large" :
		    curl_easy_strerror(cc));
		return -1;
	}
	if (status != 200) {
		char text[160];
		size_t n = x->resp.len < sizeof(text) - 1 ? x->resp.len :
		    sizeof(text) - 1;

		memcpy(text, x->resp.p ? (char *)x->resp.p : "", n);
		text[n] = '\0';
		text[strcspn(text, "\r\n")] = '\0';
		fail(x, "HTTP %ld %s", status, text);
		return -1;
	}
	if (auth_resp_verify(200, x->reqsig, x->resp.p, x->resp.len,
	    x->p->pk, x->respsig) != RB_OK) {
		fail(x, "response not signed by the peer's key");
		return -1;
	}
	if (auth_open(x->rpk, x->rsk, x->resp.p, x->resp.len, plain,
	    plen) != RB_OK) {
		fail(x, "response not sealed to our reply key");
		return -1;
	}
	if (x->failing)
		log_info("peer %s: %s works again", x->p->name,
		    x->kind == XF_PULL ? "pull" : x->kind == XF_PUSH ?
		    "report push" : "score");
	x->failing = 0;
	x->backoff = 0;
	return 0;
}

static int
note(struct pconn *p, const struct apply_result *res)
{
	p->applied += res->applied;
	if (res->applied > 0)
		log_debug("peer %s: %u records of origin #%u, last_seq %"
		    PRIu64, p->name, res->applied, res->origin,
		    res->last_seq);
	return res->applied > 0 || res->kept;
}

/* Apply a response; the number of batches that moved a cursor, or -1
 * if a batch was refused.  All batches in one transaction first; if one
 * is refused, one by one to apply those before it and handle it. */
static int
apply_all(struct pconn *p, const uint8_t *buf, size_t len)
{
	struct apply_result res, *many;
	const uint8_t **bufs = NULL, *b;
	size_t off = 0, blen, *lens = NULL, n = 0, i, first = 0, k = 0;
	char why[256];
	int moved = 0, rc;

	while ((rc = serve_next(buf, len, &off, &b, &blen)) == 1) {
		bufs = xrealloc(bufs, (n + 1) * sizeof(*bufs));
		lens = xrealloc(lens, (n + 1) * sizeof(*lens));
		bufs[n] = b;
		lens[n++] = blen;
	}
	if (rc < 0) {
		log_warnx("peer %s: response framing broken", p->name);
		moved = -1;
		goto out;
	}
	if (n == 0)
		goto out;
	/* Groups of APPLY_GROUP batches: one transaction each.  Larger
	 * ones touch more pages than LMDB keeps dirty without spilling. */
	many = xcalloc(APPLY_GROUP, sizeof(*many));
	for (first = 0; first < n; first += k) {
		k = n - first < APPLY_GROUP ? n - first : APPLY_GROUP;
		rc = apply_batches(p->cl->d->store, p->id, bufs + first,
		    lens + first, k, many, why, sizeof(why));
		if (rc != RB_OK)
			break;
		for (i = 0; i < k; i++)
			moved += note(p, &many[i]);
	}
	free(many);
	if (rc == RB_OK)
		goto out;
	for (i = first; i < n; i++) {
		why[0] = '\0';
		rc = apply_batch(p->cl->d->store, p->id, bufs[i], lens[i],
		    &res, why, sizeof(why));
		if (rc != RB_OK) {
			log_warnx("peer %s: batch refused: %s%s%s", p->name,
			    rb_strerror(rc), why[0] ? ": " : "", why);
			moved = -1;
			break;
		}
		moved += note(p, &res);
	}
out:
	free(bufs);
	free(lens);
	return moved;
}

static void
round_done(struct pconn *p, CURLcode cc)
{
	struct xfer *x = &p->pull;
	uint8_t *plain = NULL;
	size_t plen;
	struct timespec t0, t1;
	int moved;

	p->rounds++;
	if (xfer_answer(x, cc, &plain, &plen) != 0)
		goto out;
	p->last_ok = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((moved = apply_all(p, plain, plen)) < 0) {
		fail(x, "response refused");
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	p->bytes += x->resp.len;
	if (plen > 0)
		log_debug("peer %s: %zu bytes, %d batches with news, applied "
		    "in %ld ms", p->name, x->resp.len, moved,
		    (long)((t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000));
	free(plain);
	xfer_clear(x);
	/* Something new: ask again at once; nothing at all: the long poll
	 * ended, ask again too.  Batches that moved nothing (all already
	 * had) would make a busy loop: wait a little. */
	if (moved > 0 || plen == 0)
		round_start(p);
	else
		schedule(x, 5);
	return;
out:
	free(plain);
	xfer_clear(x);
}

struct score_put {
	uint32_t	 id;
	const uint8_t	*text;
	size_t		 len;
};

static int
score_keep(struct store_txn *t, void *arg)
{
	struct score_put *sp = arg;
	uint8_t k[5], v[8 + SCORE_MAX];

	k[0] = SYNC_K_SCORE;
	be_put(k + 1, sp->id, 4);
	be_put(v, (uint64_t)time(NULL), 8);
	memcpy(v + 8, sp->text, sp->len);
	return store_kv_put(t, KV_SYNC, k, sizeof(k), v, 8 + sp->len);
}

static void
score_done(struct pconn *p, CURLcode cc)
{
	struct xfer *x = &p->score;
	struct score_put sp;
	uint8_t *plain = NULL;
	size_t plen, i;
	int rc;

	if (xfer_answer(x, cc, &plain, &plen) != 0)
		goto out;
	/* Text, short, tagged: anything else is not kept. */
	for (i = 0; i < plen; i++)
		if ((plain[i] < 0x20 && plain[i] != '\n') || plain[i] >= 0x7f)
			break;
	if (plen > SCORE_MAX || i < plen || plen < sizeof(SCORE_TAG) ||
	    memcmp(plain, SCORE_TAG "\n", sizeof(SCORE_TAG)) != 0) {
		fail(x, "the score is not a rebond score");
		goto out;
	}
	sp.id = p->id;
	sp.text = plain;
	sp.len = plen;
	if ((rc = store_write(p->cl->d->store, score_keep, &sp)) != RB_OK)
		log_warnx("peer %s: cannot keep its score: %s", p->name,
		    rb_strerror(rc));
	free(plain);
	xfer_clear(x);
	schedule(x, SCORE_EVERY);
	return;
out:
	free(plain);
	xfer_clear(x);
}

/* The queue keys of the reports just taken by the peer: delete. */
static int
unqueue(struct store_txn *t, void *arg)
{
	struct pconn *p = arg;
	size_t i;
	int rc;

	for (i = 0; i < p->npushed; i++)
		if ((rc = store_kv_del(t, KV_SYNC, p->pushed[i],
		    sizeof(p->pushed[i]))) != RB_OK && rc != RB_ENOENT)
			return rc;
	return RB_OK;
}

static void
push_done(struct pconn *p, CURLcode cc)
{
	struct xfer *x = &p->push;
	uint8_t *plain = NULL;
	size_t plen;
	int rc;

	if (xfer_answer(x, cc, &plain, &plen) != 0)
		goto out;
	free(plain);
	plain = NULL;
	if ((rc = store_write(p->cl->d->store, unqueue, p)) != RB_OK) {
		fail(x, "cannot unqueue the reports: %s", rb_strerror(rc));
		goto out;
	}
	p->reported += p->npushed;
	log_info("peer %s took %zu bounce report%s", p->name, p->npushed,
	    p->npushed == 1 ? "" : "s");
	xfer_clear(x);
	free(p->pushed);
	p->pushed = NULL;
	p->npushed = 0;
	push_start(p);		/* more queued? */
	return;
out:
	free(plain);
	xfer_clear(x);
}

static size_t
on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (x->resp.len + n > PULL_MAX_BYTES + AUTH_SEAL_OVERHEAD) {
		x->toobig = 1;
		return 0;
	}
	sbuf_add(&x->resp, ptr, n);
	return n;
}

static size_t
on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb, hl = sizeof(HDR_SIG) - 1, v;

	if (n > hl + 1 && strncasecmp(ptr, HDR_SIG, hl) == 0 &&
	    ptr[hl] == ':') {
		const char *s = ptr + hl + 1;
		size_t rest = n - hl - 1;

		while (rest > 0 && (*s == ' ' || *s == '\t'))
			s++, rest--;
		for (v = 0; v < rest && s[v] != '\r' && s[v] != '\n'; v++)
			;
		if (v == AUTH_SIG_B64) {
			memcpy(x->respsig, s, v);
			x->respsig[v] = '\0';
		}
	}
	return n;
}

static void
round_start(struct pconn *p)
{
	struct syncd *d = p->cl->d;
	struct store_txn *t;
	struct sbuf cur = { NULL, 0, 0 };
	char path[64];
	int rc;

	if (p->pull.easy != NULL)
		return;
	if ((t = store_read(d->store)) == NULL) {
		fail(&p->pull, "cannot read the store");
		return;
	}
	rc = pull_cursors(t, &cur);
	store_read_end(d->store);
	if (rc < 0) {
		sbuf_free(&cur);
		fail(&p->pull, "cannot read the cursors: %s", rb_strerror(rc));
		return;
	}
	snprintf(path, sizeof(path), "/v1/pull?wait=%" PRId64, d->wait);
	xfer_start(&p->pull, path, cur.p, cur.len);
	sbuf_free(&cur);
}

#define PUSH_MAX	256	/* reports a push carries */

struct queued {
	struct pconn	*p;
	struct sbuf	*body;
};

static int
queued_one(const void *k, size_t klen, const void *v, size_t vlen, void *arg)
{
	struct queued *q = arg;
	struct pconn *p = q->p;
	uint8_t be[2];

	if (klen != 1 + 4 + REPORT_TXID || vlen > REPORT_MAX)
		return 0;
	p->pushed = xrealloc(p->pushed, (p->npushed + 1) *
	    sizeof(*p->pushed));
	memcpy(p->pushed[p->npushed++], k, klen);
	be_put(be, vlen, 2);
	sbuf_add(q->body, be, 2);
	sbuf_add(q->body, v, vlen);
	return p->npushed >= PUSH_MAX;
}

/* Push the reports queued for p, if any and none is on its way. */
static void
push_start(struct pconn *p)
{
	struct store_txn *t;
	struct sbuf body = { NULL, 0, 0 };
	struct queued q = { p, &body };
	uint8_t prefix[5];
	int rc;

	if (p->push.easy != NULL || evtimer_pending(p->push.retry, NULL))
		return;
	prefix[0] = REPORT_K_QUEUE;
	be_put(prefix + 1, p->id, 4);
	free(p->pushed);
	p->pushed = NULL;
	p->npushed = 0;
	if ((t = store_read(p->cl->d->store)) == NULL)
		return;
	rc = store_kv_foreach(t, KV_SYNC, prefix, sizeof(prefix), queued_one,
	    &q);
	store_read_end(p->cl->d->store);
	if (rc >= 0 && p->npushed > 0)
		xfer_start(&p->push, "/v1/report", body.p, body.len);
	sbuf_free(&body);
}

static void
score_start(struct pconn *p)
{
	if (p->score.easy == NULL)
		xfer_start(&p->score, "/v1/score", NULL, 0);
}

/* Sign, seal and send a request of x's kind with body (plain). */
static int
xfer_start(struct xfer *x, const char *path, const uint8_t *body,
    size_t blen)
{
	struct pconn *p = x->p;
	struct syncd *d = p->cl->d;
	struct auth_req ar;
	char url[PEER_URL_MAX + 64], hdr[256];
	size_t slen, ulen;

	if (auth_seal_node(p->pk, body ? body : (const uint8_t *)"", blen,
	    &x->sealed, &slen) != RB_OK) {
		fail(x, "the peer's key cannot receive sealed boxes");
		return -1;
	}
	ulen = strlen(p->url);
	while (ulen > 0 && p->url[ulen - 1] == '/')
		ulen--;
	snprintf(url, sizeof(url), "%.*s%s", (int)ulen, p->url, path);

	memset(&ar, 0, sizeof(ar));
	ar.method = "POST";
	ar.path = path;
	ar.body = x->sealed;
	ar.blen = slen;
	ar.time = (int64_t)time(NULL);
	auth_nonce(ar.nonce);
	auth_reply_key(x->rpk, x->rsk, ar.reply);
	key_pubkey_b64(p->pk, ar.dest, sizeof(ar.dest));
	if (auth_req_sign(&ar, d->sk, x->reqsig) != RB_OK) {
		fail(x, "cannot sign the request");
		return -1;
	}
	snprintf(hdr, sizeof(hdr), "%s: %s", HDR_NODE, d->id);
	x->hdrs = curl_slist_append(x->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "%s: %" PRId64, HDR_TIME, ar.time);
	x->hdrs = curl_slist_append(x->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "%s: %s", HDR_NONCE, ar.nonce);
	x->hdrs = curl_slist_append(x->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "%s: %s", HDR_REPLY, ar.reply);
	x->hdrs = curl_slist_append(x->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "%s: %s", HDR_SIG, x->reqsig);
	x->hdrs = curl_slist_append(x->hdrs, hdr);
	x->hdrs = curl_slist_append(x->hdrs,
	    "Content-Type: application/x-rebond-sealed");
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");

	if ((x->easy = curl_easy_init()) == NULL)
		fatalx("curl_easy_init");
	curl_easy_setopt(x->easy, CURLOPT_URL, url);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(x->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->sealed);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)slen);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT, (long)d->wait + 30L);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(x->easy, CURLOPT_USERAGENT, "rebond-sync/"
	    PACKAGE_VERSION);
	curl_multi_add_handle(p->cl->multi, x->easy);
	log_debug("peer %s: POST %s (%zu bytes)", p->name, url, slen);
	return 0;
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct xfer *x = arg;

	(void)fd;
	(void)what;
	if (x->kind == XF_PULL)
		round_start(x->p);
	else if (x->kind == XF_PUSH)
		push_start(x->p);
	else
		score_start(x->p);
}

static void
check_done(struct client *cl)
{
	CURLMsg *m;
	int left;
	struct xfer *x;

	while ((m = curl_multi_info_read(cl->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    (char **)&x);
		if (x->kind == XF_PULL)
			round_done(x->p, m->data.result);
		else if (x->kind == XF_PUSH)
			push_done(x->p, m->data.result);
		else
			score_done(x->p, m->data.result);
	}
}

static void
on_sock(evutil_socket_t fd, short what, void *arg)
{
	struct client *cl = arg;
	int running, act = 0;

	if (what & EV_READ)
		act |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		act |= CURL_CSELECT_OUT;
	curl_multi_socket_action(cl->multi, fd, act, &running);
	check_done(cl);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct client *cl = arg;
	int running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(cl->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(cl);
}

static int
sock_cb(CURL *e, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct client *cl = arg;
	struct sock *so = sockp;
	short kind;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (so != NULL) {
			event_free(so->ev);
			free(so);
		}
		curl_multi_assign(cl->multi, s, NULL);
		return 0;
	}
	kind = EV_PERSIST | ((what & CURL_POLL_IN) ? EV_READ : 0) |
	    ((what & CURL_POLL_OUT) ? EV_WRITE : 0);
	if (so == NULL) {
		so = xcalloc(1, sizeof(*so));
		so->cl = cl;
		curl_multi_assign(cl->multi, s, so);
	} else
		event_free(so->ev);
	so->ev = event_new(cl->d->base, s, kind, on_sock, cl);
	event_add(so->ev, NULL);
	return 0;
}

static int
timer_cb(CURLM *m, long ms, void *arg)
{
	struct client *cl = arg;
	struct timeval tv;

	(void)m;
	if (ms < 0) {
		evtimer_del(cl->timer);
		return 0;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(cl->timer, &tv);
	return 0;
}

static void
pconn_free(struct pconn *p)
{
	TAILQ_REMOVE(&p->cl->peers, p, entry);
	xfer_clear(&p->pull);
	xfer_clear(&p->push);
	xfer_clear(&p->score);
	event_free(p->pull.retry);
	event_free(p->push.retry);
	event_free(p->score.retry);
	free(p->pushed);
	free(p);
}

static int
peer_seen(const struct peer *pe, void *arg)
{
	struct client *cl = arg;
	struct pconn *p;

	if (pe->url[0] == '\0')
		return 0;
	TAILQ_FOREACH(p, &cl->peers, entry)
		if (p->id == pe->origin.id)
			break;
	if (p != NULL && (strcmp(p->url, pe->url) != 0 ||
	    memcmp(p->pk, pe->origin.key, 32) != 0)) {
		log_info("peer %s changed: %s", p->name, pe->url);
		pconn_free(p);
		p = NULL;
	}
	if (p == NULL) {
		p = xcalloc(1, sizeof(*p));
		p->cl = cl;
		p->id = pe->origin.id;
		memcpy(p->pk, pe->origin.key, 32);
		snprintf(p->url, sizeof(p->url), "%s", pe->url);
		p->pull.p = p->push.p = p->score.p = p;
		p->pull.kind = XF_PULL;
		p->push.kind = XF_PUSH;
		p->score.kind = XF_SCORE;
		p->pull.retry = evtimer_new(cl->d->base, on_retry, &p->pull);
		p->push.retry = evtimer_new(cl->d->base, on_retry, &p->push);
		p->score.retry = evtimer_new(cl->d->base, on_retry,
		    &p->score);
		schedule(&p->score, 1);
		TAILQ_INSERT_TAIL(&cl->peers, p, entry);
		log_info("pulling from peer %s at %s", pe->origin.name,
		    pe->url);
		schedule(&p->pull, 0);
	}
	snprintf(p->name, sizeof(p->name), "%s", pe->origin.name);
	p->seen = 1;
	return 0;
}

void
client_reload(struct syncd *d)
{
	struct client *cl = d->client;
	struct store_txn *t;
	struct pconn *p, *next;
	int rc;

	if (cl == NULL || (t = store_read(d->store)) == NULL)
		return;
	TAILQ_FOREACH(p, &cl->peers, entry)
		p->seen = 0;
	rc = peer_foreach(t, peer_seen, cl);
	store_read_end(d->store);
	if (rc < 0)
		return;
	for (p = TAILQ_FIRST(&cl->peers); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (!p->seen) {
			log_info("peer %s removed", p->name);
			pconn_free(p);
		}
	}
}

/* Reports the feeder queued: pushed within a second. */
static void
on_reports(evutil_socket_t fd, short what, void *arg)
{
	struct client *cl = arg;
	struct pconn *p;

	(void)fd;
	(void)what;
	TAILQ_FOREACH(p, &cl->peers, entry)
		push_start(p);
}

static void
on_refresh(evutil_socket_t fd, short what, void *arg)
{
	struct syncd *d = arg;

	(void)fd;
	(void)what;
	client_reload(d);
}

int
client_start(struct syncd *d)
{
	struct client *cl;
	struct timeval tv = { REFRESH_SEC, 0 }, one = { 1, 0 };

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("curl_global_init");
	cl = xcalloc(1, sizeof(*cl));
	cl->d = d;
	TAILQ_INIT(&cl->peers);
	if ((cl->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init");
	curl_multi_setopt(cl->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(cl->multi, CURLMOPT_SOCKETDATA, cl);
	curl_multi_setopt(cl->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(cl->multi, CURLMOPT_TIMERDATA, cl);
	cl->timer = evtimer_new(d->base, on_timeout, cl);
	cl->refresh = event_new(d->base, -1, EV_PERSIST, on_refresh, d);
	evtimer_add(cl->refresh, &tv);
	cl->reports = event_new(d->base, -1, EV_PERSIST, on_reports, cl);
	evtimer_add(cl->reports, &one);
	d->client = cl;
	client_reload(d);
	return RB_OK;
}

int
client_stats(struct syncd *d, uint32_t origin, struct client_stats *out)
{
	struct pconn *p;

	if (d->client == NULL)
		return RB_ENOENT;
	TAILQ_FOREACH(p, &d->client->peers, entry)
		if (p->id == origin)
			break;
	if (p == NULL)
		return RB_ENOENT;
	memset(out, 0, sizeof(*out));
	out->failing = p->pull.failing;
	if (p->pull.failing)
		out->lag = p->last_ok ? difftime(time(NULL), p->last_ok) :
		    difftime(time(NULL), d->started);
	out->rounds = p->rounds;
	out->applied = p->applied;
	out->bytes = p->bytes;
	out->reported = p->reported;
	return RB_OK;
}

void
client_stop(struct syncd *d)
{
	struct client *cl = d->client;
	struct pconn *p;

	if (cl == NULL)
		return;
	while ((p = TAILQ_FIRST(&cl->peers)) != NULL)
		pconn_free(p);
	event_free(cl->timer);
	event_free(cl->refresh);
	event_free(cl->reports);
	curl_multi_cleanup(cl->multi);
	curl_global_cleanup();
	free(cl);
	d->client = NULL;
}

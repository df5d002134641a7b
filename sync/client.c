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
#include "syncd.h"
#include "util.h"

#define BACKOFF_MIN	1
#define REFRESH_SEC	5	/* peers read again from the store */
#define APPLY_GROUP	64	/* batches applied in one transaction */

struct pconn {
	TAILQ_ENTRY(pconn)	 entry;
	struct client		*cl;
	uint32_t		 id;
	char			 name[64];
	uint8_t			 pk[32];
	char			 url[PEER_URL_MAX + 1];
	int			 seen;		/* still configured */

	CURL			*easy;		/* non-NULL: a round runs */
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
	uint64_t		 rounds, applied, bytes;
};

struct client {
	struct syncd		*d;
	CURLM			*multi;
	struct event		*timer;		/* libcurl's timeout */
	struct event		*refresh;
	TAILQ_HEAD(, pconn)	 peers;
};

struct sock {
	struct event	*ev;
	struct client	*cl;
};

static void	round_start(struct pconn *);

static void
round_clear(struct pconn *p)
{
	if (p->easy != NULL) {
		curl_multi_remove_handle(p->cl->multi, p->easy);
		curl_easy_cleanup(p->easy);
		p->easy = NULL;
	}
	curl_slist_free_all(p->hdrs);
	p->hdrs = NULL;
	sbuf_free(&p->resp);
	free(p->sealed);
	p->sealed = NULL;
	sodium_memzero(p->rsk, sizeof(p->rsk));
	p->respsig[0] = '\0';
	p->toobig = 0;
}

static void
schedule(struct pconn *p, int secs)
{
	struct timeval tv = { secs, 0 };

	evtimer_add(p->retry, &tv);
}

static void
fail(struct pconn *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct pconn *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!p->failing)
		log_warnx("peer %s (%s): %s; retrying with backoff", p->name,
		    p->url, msg);
	else
		log_debug("peer %s: %s", p->name, msg);
	p->failing = 1;
	p->backoff = p->backoff ? p->backoff * 2 : BACKOFF_MIN;
	if (p->backoff > p->cl->d->retry_max)
		p->backoff = (int)p->cl->d->retry_max;
	schedule(p, p->backoff);
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
	long status = 0;
	uint8_t *plain = NULL;
	size_t plen;
	struct timespec t0, t1;
	int moved;

	curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &status);
	p->rounds++;
	if (cc != CURLE_OK) {
		fail(p, "%s", p->toobig ? "response too large" :
		    curl_easy_strerror(cc));
		goto out;
	}
	if (status != 200) {
		char text[160];
		size_t n = p->resp.len < sizeof(text) - 1 ? p->resp.len :
		    sizeof(text) - 1;

		memcpy(text, p->resp.p ? (char *)p->resp.p : "", n);
		text[n] = '\0';
		text[strcspn(text, "\r\n")] = '\0';
		fail(p, "HTTP %ld %s", status, text);
		goto out;
	}
	if (auth_resp_verify(200, p->reqsig, p->resp.p, p->resp.len, p->pk,
	    p->respsig) != RB_OK) {
		fail(p, "response not signed by the peer's key");
		goto out;
	}
	if (auth_open(p->rpk, p->rsk, p->resp.p, p->resp.len, &plain,
	    &plen) != RB_OK) {
		fail(p, "response not sealed to our reply key");
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((moved = apply_all(p, plain, plen)) < 0) {
		fail(p, "response refused");
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	p->bytes += p->resp.len;
	if (plen > 0)
		log_debug("peer %s: %zu bytes, %d batches with news, applied "
		    "in %ld ms", p->name, p->resp.len, moved,
		    (long)((t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000));
	if (p->failing)
		log_info("peer %s: exchanging again", p->name);
	p->failing = 0;
	p->backoff = 0;
	free(plain);
	round_clear(p);
	/* Something new: ask again at once; nothing at all: the long poll
	 * ended, ask again too.  Batches that moved nothing (all already
	 * had) would make a busy loop: wait a little. */
	if (moved > 0 || plen == 0)
		round_start(p);
	else
		schedule(p, 5);
	return;
out:
	free(plain);
	round_clear(p);
}

static size_t
on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct pconn *p = arg;
	size_t n = size * nmemb;

	if (p->resp.len + n > PULL_MAX_BYTES + AUTH_SEAL_OVERHEAD) {
		p->toobig = 1;
		return 0;
	}
	sbuf_add(&p->resp, ptr, n);
	return n;
}

static size_t
on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct pconn *p = arg;
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
			memcpy(p->respsig, s, v);
			p->respsig[v] = '\0';
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
	struct auth_req ar;
	char url[PEER_URL_MAX + 64], path[64], hdr[256];
	size_t slen, ulen;
	int rc;

	if (p->easy != NULL)
		return;
	if ((t = store_read(d->store)) == NULL) {
		fail(p, "cannot read the store");
		return;
	}
	rc = pull_cursors(t, &cur);
	store_read_end(d->store);
	if (rc < 0) {
		sbuf_free(&cur);
		fail(p, "cannot read the cursors: %s", rb_strerror(rc));
		return;
	}
	if (auth_seal_node(p->pk, cur.p ? cur.p : (const uint8_t *)"",
	    cur.len, &p->sealed, &slen) != RB_OK) {
		sbuf_free(&cur);
		fail(p, "the peer's key cannot receive sealed boxes");
		return;
	}
	sbuf_free(&cur);
	snprintf(path, sizeof(path), "/v1/pull?wait=%" PRId64, d->wait);
	ulen = strlen(p->url);
	while (ulen > 0 && p->url[ulen - 1] == '/')
		ulen--;
	snprintf(url, sizeof(url), "%.*s%s", (int)ulen, p->url, path);

	memset(&ar, 0, sizeof(ar));
	ar.method = "POST";
	ar.path = path;
	ar.body = p->sealed;
	ar.blen = slen;
	ar.time = (int64_t)time(NULL);
	auth_nonce(ar.nonce);
	auth_reply_key(p->rpk, p->rsk, ar.reply);
	key_pubkey_b64(p->pk, ar.dest, sizeof(ar.dest));
	if (auth_req_sign(&ar, d->sk, p->reqsig) != RB_OK) {
		fail(p, "cannot sign the request");
		return;
	}
	snprintf(hdr, sizeof(hdr), "%s: %s", HDR_NODE, d->id);
	p->hdrs = curl_slist_append(p->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "%s: %" PRId64, HDR_TIME, ar.time);
	p->hdrs = curl_slist_append(p->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "%s: %s", HDR_NONCE, ar.nonce);
	p->hdrs = curl_slist_append(p->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "%s: %s", HDR_REPLY, ar.reply);
	p->hdrs = curl_slist_append(p->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "%s: %s", HDR_SIG, p->reqsig);
	p->hdrs = curl_slist_append(p->hdrs, hdr);
	p->hdrs = curl_slist_append(p->hdrs,
	    "Content-Type: application/x-rebond-sealed");
	p->hdrs = curl_slist_append(p->hdrs, "Expect:");

	if ((p->easy = curl_easy_init()) == NULL)
		fatalx("curl_easy_init");
	curl_easy_setopt(p->easy, CURLOPT_URL, url);
	curl_easy_setopt(p->easy, CURLOPT_PRIVATE, p);
	curl_easy_setopt(p->easy, CURLOPT_HTTPHEADER, p->hdrs);
	curl_easy_setopt(p->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(p->easy, CURLOPT_POSTFIELDS, p->sealed);
	curl_easy_setopt(p->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)slen);
	curl_easy_setopt(p->easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(p->easy, CURLOPT_WRITEDATA, p);
	curl_easy_setopt(p->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(p->easy, CURLOPT_HEADERDATA, p);
	curl_easy_setopt(p->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(p->easy, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(p->easy, CURLOPT_TIMEOUT, (long)d->wait + 30L);
	curl_easy_setopt(p->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(p->easy, CURLOPT_USERAGENT, "rebond-sync/"
	    PACKAGE_VERSION);
	curl_multi_add_handle(p->cl->multi, p->easy);
	log_debug("peer %s: pull %s (%zu bytes)", p->name, url, slen);
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	round_start(arg);
}

static void
check_done(struct client *cl)
{
	CURLMsg *m;
	int left;
	struct pconn *p;

	while ((m = curl_multi_info_read(cl->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    (char **)&p);
		round_done(p, m->data.result);
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
	round_clear(p);
	event_free(p->retry);
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
		p->retry = evtimer_new(cl->d->base, on_retry, p);
		TAILQ_INSERT_TAIL(&cl->peers, p, entry);
		log_info("pulling from peer %s at %s", pe->origin.name,
		    pe->url);
		schedule(p, 0);
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
	struct timeval tv = { REFRESH_SEC, 0 };

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
	d->client = cl;
	client_reload(d);
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
	curl_multi_cleanup(cl->multi);
	curl_global_cleanup();
	free(cl);
	d->client = NULL;
}

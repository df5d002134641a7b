/* feeder/feed.c - see feed.h and feeder.h */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "count.h"
#include "feed.h"
#include "feeder.h"
#include "from.h"
#include "keyset.h"
#include "log.h"
#include "logline.h"
#include "mail.h"
#include "peer.h"
#include "report.h"
#include "util.h"

#define BATCH_LINES	20000		/* followed files, syslog */
#define BATCH_BYTES	(4 << 20)
#define BULK_LINES	250000		/* --stdin: large transactions */
#define BULK_BYTES	(32 << 20)
#define READ_MIN	(64 << 10)	/* feed_room() */
#define READ_MAX	(1 << 20)
#define CACHE_MAX	65536		/* correlation entries kept in memory */
#define SPARE_MAX	1024		/* freed ones kept for the next */
#define EVLOG_KEEP	16
#define MSGID_CHUNK	4000	/* bytes of KV_MSGID entries in one value */
#define SWEEP_EVERY	3600
#define SWEEP_HISTORY	86400		/* counters and event log: daily */
#define SWEEP_CHUNK	4096		/* keys deleted a transaction */
#define SWEEP_VISIT	65536		/* keys looked at a transaction */
#define SWEEP_KEY_MAX	COUNT_KEY_MAX	/* the longest key swept */
#define MALFORMED_LOUD	10	/* warnings before going quiet */
#define PEERS_EVERY	10

struct feed {
	const struct conf	*conf;
	struct store		*store;
	struct classifier	*cls;
	struct count_agg	*agg;
	int			 scope;

	/* The batch: lines ended by NULs, their lengths, and the position
	 * after; read straight into it (feed_room()), the start of a line
	 * (tail bytes) after them, or an over-long line being skipped. */
	char			*buf;
	size_t			 len, cap, nlines;
	uint32_t		*lens;
	size_t			 lenscap, tail;
	int			 skipping;
	char			 src[256];
	uint64_t		 src_ino, src_off;
	int			 has_pos;

	/* During a run, inside the write transaction. */
	struct store_txn	*txn;
	int			 rc;
	int64_t			 run_time;	/* latest event time */
	/* Correlation cache: most messages are born and done within one
	 * batch and never reach the store; the rest are written at the end
	 * of the batch (dirty) and kept while there is room. */
	struct centry		**bucket;
	size_t			 nbucket, ncache;
	struct centry		*spare;		/* freed entries, nspare */
	size_t			 nspare;
	int			 cache_suspect;	/* a run did not commit */
	int			 bulk;
	struct feed_stats	 run, st;
	int64_t			 last_sweep, last_history;
	uint64_t		 loud;

	/* Peers whose relays hand us mail (peer.h clients), read again
	 * every PEERS_EVERY seconds; during an event, the peer that handed
	 * us its mail (0: none) and the event, for the reports. */
	struct peer		*peers;
	size_t			 npeers;
	int64_t			 peers_at;
	uint32_t		 cur_peer;
	const struct event	*cur_ev;

	/* Recipient domains found without a listing during the run: each
	 * delivery delists its domain if listed, and a batch delivers to
	 * the same domains over and over.  A slot per hash, the latest key
	 * wins; list() forgets a key before listing it. */
	struct unlisted		*unlisted;

	/* The recipients the store may hold a listing (of any origin) or
	 * soft-bounce state for: a delivery to any other costs no lookup;
	 * the queue ids it may hold correlation state for: a new message
	 * under any other costs none either.
	 * Kept while this process is the store's only writer: each write
	 * transaction checks that the one before it was ours (gen);
	 * otherwise these and the memo above are dropped, and the sets
	 * are read again from the store once the lookups done without
	 * them have cost about as much (lookups, last_size). */
	struct keyset		 listed, softs, corrs;	/* corrs: queue
						 * ids in KV_CORR */
	int			 mirror;	/* the sets are valid */
	uint32_t		 gen, gen_try;	/* serials: our last commit,
						 * this transaction */
	size_t			 lookups, last_size;

	/* The Message-IDs of the messages done during the run, written to
	 * KV_MSGID a chunk at a time (msgid_put()). */
	uint8_t			 mchunk[MSGID_CHUNK];
	size_t			 mlen;
};

#define UNLISTED_SLOTS	1024	/* power of two */

struct unlisted {
	int		 used;
	struct zkey	 k;
};

struct centry {
	struct centry	*next;
	uint32_t	 hash;
	uint8_t		 dirty;		/* changed since the store saw it */
	uint8_t		 in_store;	/* the store has a copy */
	struct corr	 c;
};

static void run_event(struct feed *, const struct event *);
static void cache_clear(struct feed *, int);
static void mirror_check(struct feed *);

struct feed *
feed_new(const struct conf *c, struct store *s, struct classifier *cls)
{
	struct feed *f = xcalloc(1, sizeof(*f));

	f->conf = c;
	f->store = s;
	f->cls = cls;
	f->agg = count_agg_new();
	f->nbucket = 4096;
	f->bucket = xcalloc(f->nbucket, sizeof(*f->bucket));
	f->unlisted = xcalloc(UNLISTED_SLOTS, sizeof(*f->unlisted));
	f->scope = scope_parse(c->feeder_scope);
	if (f->scope < 0)
		f->scope = SCOPE_FEDERATION;
	return f;
}

void
feed_free(struct feed *f)
{
	if (f == NULL)
		return;
	count_agg_free(f->agg);
	cache_clear(f, 0);
	while (f->spare != NULL) {
		struct centry *e = f->spare;

		f->spare = e->next;
		free(e);
	}
	free(f->peers);
	free(f->bucket);
	free(f->unlisted);
	keyset_free(&f->listed);
	keyset_free(&f->softs);
	keyset_free(&f->corrs);
	free(f->buf);
	free(f->lens);
	free(f);
}

const struct feed_stats *
feed_stats(const struct feed *f)
{
	return &f->st;
}

struct classifier *
feed_classifier(struct feed *f)
{
	return f->cls;
}

struct classifier *
feed_reconfigure(struct feed *f, const struct conf *c,
    struct classifier *cls)
{
	struct classifier *old = f->cls;

	f->conf = c;
	f->cls = cls;
	f->scope = scope_parse(c->feeder_scope);
	if (f->scope < 0)
		f->scope = SCOPE_FEDERATION;
	return old;
}

size_t
feed_pending(const struct feed *f)
{
	return f->nlines;
}

void
feed_bulk(struct feed *f, int on)
{
	f->bulk = on;
	store_bulk(f->store, on);
	/* The whole batch buffer at once: no copying while it grows.  Each
	 * batch fills it: its pages are faulted in at once, not one by one
	 * (8000 faults, 5% of reading a large log).  Only a hint: kernels
	 * before 5.14 refuse it. */
	if (on && f->cap < BULK_BYTES + FEED_LINE_MAX + READ_MAX + 1) {
		f->cap = BULK_BYTES + FEED_LINE_MAX + READ_MAX + 1;
		f->buf = xrealloc(f->buf, f->cap);
#ifdef MADV_POPULATE_WRITE
		{
			uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
			uintptr_t from = ((uintptr_t)f->buf + pg - 1) & ~(pg - 1);
			uintptr_t to = ((uintptr_t)f->buf + f->cap) & ~(pg - 1);

			if (to > from)
				madvise((void *)from, to - from,
				    MADV_POPULATE_WRITE);
		}
#endif
	}
}

void
feed_source(struct feed *f, const char *name, uint64_t ino)
{
	snprintf(f->src, sizeof(f->src), "%s", name);
	f->src_ino = ino;
}

void
feed_malformed(struct feed *f, const char *why, const char *line,
    size_t len)
{
	f->run.malformed++;
	if (f->st.malformed + f->run.malformed <= MALFORMED_LOUD)
		log_warnx("skipped a line (%s): %.*s%s", why,
		    (int)(len > 160 ? 160 : len), line, len > 160 ? "..." : "");
	else
		log_debug("skipped a line (%s)", why);
}

/* --- correlation state: KV_CORR, qid -> flags(1) seen(8) sender\0
 * client\0 msgid\0 [from_domain\0] (older entries lack the last) --- */

static int
qid_ok(const char *qid, size_t *len)
{
	size_t i;

	for (i = 0; i < *len; i++) {
		char c = qid[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || c == '-'))
			break;
	}
	*len = i;
	return i > 0 && i < sizeof(((struct corr *)0)->qid);
}

static int
corr_decode(const uint8_t *v, size_t len, struct corr *c)
{
	const char *p = (const char *)v + 9, *end = (const char *)v + len;
	char *dst[4] = { c->sender, c->client, c->msgid, c->from_domain };
	size_t cap[4] = { sizeof(c->sender), sizeof(c->client),
	    sizeof(c->msgid), sizeof(c->from_domain) };
	int i;

	if (len < 12)
		return RB_ECORRUPT;
	c->flags = v[0];
	c->seen = (int64_t)be_get(v + 1, 8);
	c->from_domain[0] = '\0';
	for (i = 0; i < 4; i++) {
		const char *z;

		if (i == 3 && p == end)
			break;
		z = memchr(p, '\0', (size_t)(end - p));

		if (z == NULL || (size_t)(z - p) >= cap[i])
			return RB_ECORRUPT;
		memcpy(dst[i], p, (size_t)(z - p) + 1);
		p = z + 1;
	}
	return RB_OK;
}

/* A queue id's print in f->corrs (FNV-1a); its low half places it in
 * the cache. */
static uint64_t
qid_print(const char *q, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	while (n-- > 0)
		h = (h ^ (uint8_t)*q++) * 1099511628211ULL;
	return h;
}

static uint32_t
qid_hash(const char *q, size_t n)
{
	return (uint32_t)qid_print(q, n);
}

/* May the store hold correlation state under qid? */
static int
corr_maybe_stored(struct feed *f, const char *qid, size_t len)
{
	const void *v;
	size_t vl;

	mirror_check(f);
	if (f->mirror)
		return keyset_maybe(&f->corrs, qid_print(qid, len));
	return store_kv_get(f->txn, KV_CORR, qid, len, &v, &vl) == RB_OK;
}

/* Drop cached entries: all of them, or only those the store has. */
/* A message a few lines long: its 1 KiB entry is recycled rather than
 * allocated and freed each time. */
static struct centry *
centry_new(struct feed *f)
{
	struct centry *e = f->spare;

	if (e == NULL)
		return xcalloc(1, sizeof(*e));
	f->spare = e->next;
	f->nspare--;
	memset(e, 0, sizeof(*e));
	return e;
}

static void
centry_free(struct feed *f, struct centry *e)
{
	if (f->nspare >= SPARE_MAX) {
		free(e);
		return;
	}
	e->next = f->spare;
	f->spare = e;
	f->nspare++;
}

static void
cache_clear(struct feed *f, int clean_only)
{
	size_t i;

	for (i = 0; i < f->nbucket; i++) {
		struct centry **pp = &f->bucket[i], *e;

		while ((e = *pp) != NULL) {
			if (clean_only && (e->dirty || !e->in_store)) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			centry_free(f, e);
			f->ncache--;
		}
	}
}

static struct centry *
cache_find(struct feed *f, const char *qid, size_t len, uint32_t h,
    struct centry ***where)
{
	struct centry **pp = &f->bucket[h & (f->nbucket - 1)], *e;

	for (; (e = *pp) != NULL; pp = &e->next)
		if (e->hash == h && strlen(e->c.qid) == len &&
		    memcmp(e->c.qid, qid, len) == 0)
			break;
	if (where)
		*where = pp;
	return e;
}

static void
cache_grow(struct feed *f)
{
	struct centry **nb, *e, *next;
	size_t n = f->nbucket * 2, i;

	nb = xcalloc(n, sizeof(*nb));
	for (i = 0; i < f->nbucket; i++)
		for (e = f->bucket[i]; e; e = next) {
			next = e->next;
			e->next = nb[e->hash & (n - 1)];
			nb[e->hash & (n - 1)] = e;
		}
	free(f->bucket);
	f->bucket = nb;
	f->nbucket = n;
}

struct corr *
feed_corr(struct feed *f, const char *qid, size_t qidlen, int create)
{
	struct centry *e;
	const void *v;
	size_t vlen;
	uint32_t h;
	int rc;

	if (f->txn == NULL || !qid_ok(qid, &qidlen))
		return NULL;
	h = qid_hash(qid, qidlen);
	if ((e = cache_find(f, qid, qidlen, h, NULL)) != NULL) {
		/* Unless the message is a content filter's re-injection
		 * whose hop was logged first (smtpd_client()). */
		if (create == FEED_CORR_BIRTH &&
		    !(e->c.flags & CORR_FILTER_HOP)) {
			memset(&e->c, 0, sizeof(e->c));
			memcpy(e->c.qid, qid, qidlen);
			e->dirty = 1;
		}
		return &e->c;
	}
	e = centry_new(f);
	memcpy(e->c.qid, qid, qidlen);
	if (create == FEED_CORR_BIRTH) {
		/* An older message's state is not read, but the store's
		 * copy goes when this message is done. */
		e->in_store = (uint8_t)corr_maybe_stored(f, qid, qidlen);
		rc = RB_ENOENT;
	} else
		rc = store_kv_get(f->txn, KV_CORR, qid, qidlen, &v, &vlen);
	if (rc == RB_OK && corr_decode(v, vlen, &e->c) == RB_OK)
		e->in_store = 1;
	else {
		if (rc != RB_OK && rc != RB_ENOENT && f->rc == 0)
			f->rc = rc;
		if (!create) {
			centry_free(f, e);
			return NULL;
		}
		memset(&e->c, 0, sizeof(e->c));
		memcpy(e->c.qid, qid, qidlen);
	}
	e->hash = h;
	if (f->ncache >= f->nbucket * 2)
		cache_grow(f);
	e->next = f->bucket[h & (f->nbucket - 1)];
	f->bucket[h & (f->nbucket - 1)] = e;
	f->ncache++;
	return &e->c;
}

void
feed_corr_dirty(struct feed *f, struct corr *c)
{
	struct centry *e = (struct centry *)(void *)((char *)c -
	    offsetof(struct centry, c));

	c->seen = f->run_time;
	e->dirty = 1;
}

static void
corr_put(struct feed *f, const struct corr *c)
{
	uint8_t buf[1 + 8 + sizeof(c->sender) + sizeof(c->client) +
	    sizeof(c->msgid) + sizeof(c->from_domain)], *p = buf;
	size_t n;
	int rc;

	*p++ = (uint8_t)c->flags;
	p = be_put(p, (uint64_t)c->seen, 8);
	n = strnlen(c->sender, sizeof(c->sender) - 1);
	memcpy(p, c->sender, n);
	p += n;
	*p++ = '\0';
	n = strnlen(c->client, sizeof(c->client) - 1);
	memcpy(p, c->client, n);
	p += n;
	*p++ = '\0';
	n = strnlen(c->msgid, sizeof(c->msgid) - 1);
	memcpy(p, c->msgid, n);
	p += n;
	*p++ = '\0';
	if (c->from_domain[0]) {
		n = strnlen(c->from_domain, sizeof(c->from_domain) - 1);
		memcpy(p, c->from_domain, n);
		p += n;
		*p++ = '\0';
	}
	if ((rc = store_kv_put(f->txn, KV_CORR, c->qid, strlen(c->qid), buf,
	    (size_t)(p - buf))) != RB_OK && f->rc == 0)
		f->rc = rc;
	keyset_add(&f->corrs, qid_print(c->qid, strlen(c->qid)));
}

/* End of a run: the store gets what changed; room is made if needed. */
static void
cache_write(struct feed *f)
{
	struct centry *e;
	size_t i;

	for (i = 0; i < f->nbucket && f->rc == 0; i++)
		for (e = f->bucket[i]; e; e = e->next)
			if (e->dirty) {
				corr_put(f, &e->c);
				e->dirty = 0;
				e->in_store = 1;
			}
	if (f->ncache > CACHE_MAX)
		cache_clear(f, 1);
}

static void
msgid_hash(const char *msgid, uint8_t out[20])
{
	size_t n = strlen(msgid);

	/* Without <>, as found in headers and in ARF reports alike; the
	 * first 255 bytes. */
	if (n >= 2 && msgid[0] == '<' && msgid[n - 1] == '>') {
		msgid++;
		n -= 2;
	}
	if (n > 255)
		n = 255;
	rb_sha1(msgid, n, out);
}

/*
 * KV_MSGID, for complaints (rare: they scan it), a log in time order
 * whose appends touch only its last pages: time(8) pid(4) n(4) 0x01 ->
 * entries SHA-1(Message-ID) first 8 bytes, sender\0 client\0, end to
 * end, the time the newest's.  A chunk of them a value: a value per
 * message cost 5% of reading a log.  A 16-byte key holds one entry (as
 * written before chunks), and is still read.
 */
static void
msgid_put(struct feed *f)
{
	static uint32_t n, pid;
	uint8_t k[17];
	const void *old;
	size_t oldlen;
	int rc;

	if (f->mlen == 0)
		return;
	be_put(k, (uint64_t)f->run_time, 8);
	if (pid == 0)
		pid = (uint32_t)getpid();
	be_put(k + 8, pid, 4);
	k[16] = 1;
	/* Another process of the same pid (a container, an import run
	 * again) may have written at the same log time: never over it. */
	do
		be_put(k + 12, n++, 4);
	while (store_kv_get(f->txn, KV_MSGID, k, sizeof(k), &old,
	    &oldlen) == RB_OK);
	if ((rc = store_kv_append(f->txn, KV_MSGID, k, sizeof(k), f->mchunk,
	    f->mlen)) != RB_OK && f->rc == 0)
		f->rc = rc;
	f->mlen = 0;
}

void
feed_corr_done(struct feed *f, const char *qid, size_t qidlen)
{
	struct centry *e, **pp;
	struct corr *c;
	int rc;

	if ((c = feed_corr(f, qid, qidlen, 0)) == NULL)
		return;
	e = (struct centry *)(void *)((char *)c - offsetof(struct centry, c));
	if (c->msgid[0] && !(c->flags & CORR_NOTIFICATION)) {
		uint8_t mh[20];
		size_t sl = strlen(c->sender), cl = strlen(c->client);

		msgid_hash(c->msgid, mh);
		if (f->mlen + 8 + sl + 1 + cl + 1 > sizeof(f->mchunk))
			msgid_put(f);
		memcpy(f->mchunk + f->mlen, mh, 8);
		memcpy(f->mchunk + f->mlen + 8, c->sender, sl + 1);
		memcpy(f->mchunk + f->mlen + 8 + sl + 1, c->client, cl + 1);
		f->mlen += 8 + sl + 1 + cl + 1;
	}
	/* feed_corr() left it in the cache: unlink it. */
	for (pp = &f->bucket[e->hash & (f->nbucket - 1)]; *pp != e;
	    pp = &(*pp)->next)
		;
	if (e->in_store) {
		rc = store_kv_del(f->txn, KV_CORR, e->c.qid, strlen(e->c.qid));
		if (rc != RB_OK && rc != RB_ENOENT && f->rc == 0)
			f->rc = rc;
	}
	*pp = e->next;
	centry_free(f, e);
	f->ncache--;
}

/* --- listings --- */

struct self_find {
	int		reason;
	struct record	rec;
	int		found;
};

static int
self_row(const struct evidence *e, void *arg)
{
	struct self_find *s = arg;

	if (e->origin == 0 && e->rec.reason == s->reason &&
	    !(e->rec.flags & REC_DELETE)) {
		s->rec = e->rec;
		s->found = 1;
	}
	return 0;
}

/* The memo slot of a recipient domain, or NULL for other keys. */
static struct unlisted *
unlisted_slot(struct feed *f, const struct zkey *k)
{
	if (k->zone != ZONE_RDOM)
		return NULL;
	return &f->unlisted[qid_hash((const char *)k->data, k->len) &
	    (UNLISTED_SLOTS - 1)];
}

static int
unlisted_holds(const struct unlisted *u, const struct zkey *k)
{
	return u != NULL && u->used && u->k.len == k->len &&
	    memcmp(u->k.data, k->data, k->len) == 0;
}


/* Assert a listing, at most once per key, reason and hour: a burst of
 * bounces makes one record, not a hundred. */
static void
list(struct feed *f, const struct zkey *k, int reason,
    const struct status *st, int64_t when)
{
	struct unlisted *u = unlisted_slot(f, k);
	int64_t exp = conf_expiry(f->conf, k->zone, reason);
	int rc;

	if (f->rc)
		return;
	/* A mail a peer's relay handed us: listed for us alone, reported
	 * to the peer, which decides what to publish. */
	rc = store_assert_hourly(f->txn, k, reason, st && st->klass ? st :
	    NULL, when, exp, 1, f->cur_peer ? SCOPE_LOCAL : f->scope);
	if (rc == RB_EEXIST)
		return;
	if (unlisted_holds(u, k))
		u->used = 0;
	if (k->zone == ZONE_RCPT)
		keyset_add(&f->listed, keyset_print(k->data));
	if (rc != RB_OK) {
		f->rc = rc;
		return;
	}
	f->run.listed++;
	if (f->cur_peer != 0 && f->cur_ev != NULL) {
		struct report r;

		memset(&r, 0, sizeof(r));
		r.key = *k;
		r.reason = (uint8_t)reason;
		if (st != NULL)
			r.status = *st;
		r.time = when;
		snprintf(r.sender, sizeof(r.sender), "%s", f->cur_ev->sender);
		snprintf(r.queue_id, sizeof(r.queue_id), "%s",
		    f->cur_ev->queue_id);
		if ((rc = report_queue(f->txn, f->cur_peer, &r)) != RB_OK)
			f->rc = rc;
	}
}

static void
delist_if_listed(struct feed *f, const struct zkey *k, int64_t when)
{
	struct unlisted *u = unlisted_slot(f, k);
	struct listing l;
	int rc;

	if (f->rc || unlisted_holds(u, k))
		return;
	if (k->zone == ZONE_RCPT && f->mirror &&
	    !keyset_maybe(&f->listed, keyset_print(k->data)))
		return;
	rc = store_listing_get(f->txn, k, &l);
	if (rc == RB_ENOENT) {
		if (u != NULL) {
			u->used = 1;
			u->k = *k;
		}
		return;
	}
	if (rc == RB_OK)
		rc = store_retract(f->txn, k, 0, when, f->scope);
	if (rc == RB_OK)
		f->run.delisted++;
	else if (rc != RB_ENOENT)
		f->rc = rc;
}

/* KV_EVLOG: zone . len . key . time(8) . n(4) -> class(1) status(5)
 * qid\0 reply\0; the newest EVLOG_KEEP per key, for rebondctl explain. */
struct evlog_count {
	int	n;
	uint8_t	first[2 + DOMAIN_MAX + 12];
	size_t	firstlen;
};

static int
evlog_counter(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	struct evlog_count *c = arg;

	(void)v;
	(void)vl;
	if (c->n++ == 0 && kl <= sizeof(c->first)) {
		memcpy(c->first, k, kl);
		c->firstlen = kl;
	}
	return 0;
}

static void
evlog(struct feed *f, const struct zkey *k, const struct event *ev)
{
	uint8_t key[2 + DOMAIN_MAX + 12], v[6 + 32 + 256 + 2];
	size_t kl = 2 + (size_t)k->len, ql, rl;
	struct evlog_count c;
	int rc;

	key[0] = k->zone;
	key[1] = k->len;
	memcpy(key + 2, k->data, k->len);
	be_put(key + kl, (uint64_t)ev->time, 8);
	be_put(key + kl + 8, (uint32_t)(f->run.lines & 0xffffffff), 4);
	v[0] = (uint8_t)ev->cls;
	v[1] = ev->status.klass;
	be_put(v + 2, ev->status.subject, 2);
	be_put(v + 4, ev->status.detail, 2);
	ql = strnlen(ev->queue_id, 31);
	memcpy(v + 6, ev->queue_id, ql);
	v[6 + ql] = '\0';
	rl = ev->reply ? strnlen(ev->reply, 255) : 0;
	if (rl)
		memcpy(v + 7 + ql, ev->reply, rl);
	v[7 + ql + rl] = '\0';
	if ((rc = store_kv_put(f->txn, KV_EVLOG, key, kl + 12, v,
	    8 + ql + rl)) != RB_OK) {
		f->rc = rc;
		return;
	}
	memset(&c, 0, sizeof(c));
	if ((rc = store_kv_foreach(f->txn, KV_EVLOG, key, kl, evlog_counter,
	    &c)) < 0) {
		f->rc = rc;
		return;
	}
	if (c.n > EVLOG_KEEP && c.firstlen > 0)
		store_kv_del(f->txn, KV_EVLOG, c.first, c.firstlen);
}

/* --- the recipient side --- */

/* KV_RSTATE: rcpt hash -> first_soft(8) last_soft(8) count(4) */
static void
soft_bounce(struct feed *f, const struct zkey *k, const struct event *ev)
{
	const void *v;
	size_t vl;
	uint8_t buf[20];
	int64_t first = ev->time;
	uint32_t n = 0;
	int rc;

	rc = store_kv_get(f->txn, KV_RSTATE, k->data, k->len, &v, &vl);
	if (rc == RB_OK && vl == 20) {
		first = (int64_t)be_get(v, 8);
		n = (uint32_t)be_get((const uint8_t *)v + 16, 4);
		if (ev->time - first > f->conf->soft_window) {
			first = ev->time;	/* a new episode */
			n = 0;
		}
	} else if (rc != RB_OK && rc != RB_ENOENT) {
		f->rc = rc;
		return;
	}
	n++;
	be_put(buf, (uint64_t)first, 8);
	be_put(buf + 8, (uint64_t)ev->time, 8);
	be_put(buf + 16, n, 4);
	if ((rc = store_kv_put(f->txn, KV_RSTATE, k->data, k->len, buf,
	    sizeof(buf))) != RB_OK) {
		f->rc = rc;
		return;
	}
	keyset_add(&f->softs, keyset_print(k->data));
	list(f, k, REASON_4, &ev->status, ev->time);
	if (n >= (uint32_t)f->conf->soft_repeat_count)
		list(f, k, REASON_3, &ev->status, ev->time);
}

static int
domain_gone(const struct event *ev)
{
	/* The domain itself does not exist or takes no mail: only when no
	 * server was reached (the answer came from DNS), never on the word
	 * of one remote server about one address. */
	if (!(ev->flags & EVF_NO_RELAY) || ev->status.klass != 5)
		return 0;
	return (ev->status.subject == 1 &&
	    (ev->status.detail == 2 || ev->status.detail == 10)) ||
	    (ev->status.subject == 4 && ev->status.detail == 4);
}

static int
mirror_listed(const struct zkey *k, const struct listing *l, void *arg)
{
	struct feed *f = arg;

	(void)l;
	if (k->len == HASH_LEN)
		keyset_add(&f->listed, keyset_print(k->data));
	return 0;
}

static int
mirror_corr(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	struct feed *f = arg;

	(void)v;
	(void)vl;
	keyset_add(&f->corrs, qid_print(k, kl));
	return 0;
}

static int
mirror_soft(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	struct feed *f = arg;

	(void)v;
	(void)vl;
	if (kl == HASH_LEN)
		keyset_add(&f->softs, keyset_print(k));
	return 0;
}

/* A delivery is about to ask the store about its recipient, or a new
 * message about its queue id: without the sets, count it, and read them
 * once the lookups have cost about what reading them does (their size at
 * the last reading). */
static void
mirror_check(struct feed *f)
{
	int rc;

	if (f->mirror || ++f->lookups < f->last_size / 8 + 64)
		return;
	keyset_clear(&f->listed);
	keyset_clear(&f->softs);
	keyset_clear(&f->corrs);
	if ((rc = store_listing_foreach(f->txn, ZONE_RCPT, mirror_listed,
	    f)) < 0 ||
	    (rc = store_kv_foreach(f->txn, KV_RSTATE, NULL, 0, mirror_soft,
	    f)) < 0 ||
	    (rc = store_kv_foreach(f->txn, KV_CORR, NULL, 0, mirror_corr,
	    f)) < 0) {
		f->rc = rc;
		return;
	}
	f->mirror = 1;
	f->lookups = 0;
	f->last_size = f->listed.n + f->softs.n + f->corrs.n;
}

/* LMDB gives a transaction that writes nothing no number of its own
 * (the next one gets it again): each of ours writes this, so that its
 * number is taken and the test below sound. */
static int
mirror_mark(struct store_txn *t, uint32_t id)
{
	uint8_t v[4];

	be_put(v, id, 4);
	return store_kv_put(t, KV_FEEDER, "serial", 6, v, sizeof(v));
}

/* Each of our write transactions: was the one before it ours too?  If
 * not, or if our last one did not commit, what we remember of the store
 * may be stale. */
static void
mirror_begin(struct feed *f, struct store_txn *t)
{
	uint32_t id = store_serial(t);
	int rc;

	if (f->cache_suspect || f->gen == 0 || id != f->gen + 1) {
		f->mirror = 0;
		f->lookups = 0;
		memset(f->unlisted, 0, UNLISTED_SLOTS * sizeof(*f->unlisted));
	}
	f->gen_try = id;
	if ((rc = mirror_mark(t, id)) != RB_OK && f->rc == 0)
		f->rc = rc;
}

/* After store_write(): rc is its result. */
static void
mirror_end(struct feed *f, int rc)
{
	f->gen = rc == RB_OK ? f->gen_try : 0;
}

static void
recipient(struct feed *f, const struct event *ev, const uint8_t *hash)
{
	struct zkey rk, dk;
	const char *dom = addr_domain(ev->rcpt);
	int has_dom;

	/* ev->rcpt is normalised: its hash is the key. */
	rk.zone = ZONE_RCPT;
	rk.len = HASH_LEN;
	memcpy(rk.data, hash, HASH_LEN);
	has_dom = dom && zkey_from_text(ZONE_RDOM, dom, &dk) == RB_OK;
	switch (ev->cls) {
	case EV_DELIVERED:
		/* Seen delivering again: delisted, soft count reset. */
		mirror_check(f);
		delist_if_listed(f, &rk, ev->time);
		if (has_dom)
			delist_if_listed(f, &dk, ev->time);
		if (!f->mirror || keyset_maybe(&f->softs, keyset_print(rk.data))) {
			int rc = store_kv_del(f->txn, KV_RSTATE, rk.data,
			    rk.len);

			if (rc != RB_OK && rc != RB_ENOENT && f->rc == 0)
				f->rc = rc;
		}
		break;
	case EV_HARD:
		list(f, &rk, REASON_2, &ev->status, ev->time);
		evlog(f, &rk, ev);
		if (has_dom && domain_gone(ev)) {
			list(f, &dk, REASON_2, &ev->status, ev->time);
			evlog(f, &dk, ev);
		}
		break;
	case EV_SOFT:
		soft_bounce(f, &rk, ev);
		evlog(f, &rk, ev);
		break;
	case EV_COMPLAINT:
		list(f, &rk, REASON_5, &ev->status, ev->time);
		evlog(f, &rk, ev);
		break;
	default:
		/* Refused messages, IP blocks, deferrals: the address is
		 * fine, nothing to list on the recipient side. */
		break;
	}
}

/* --- the sender side, evaluated once per batch per sender --- */

struct sender_ctx {
	struct feed	*f;
};

static void
sender_eval(struct feed *f, int kind, const uint8_t *key, size_t klen)
{
	const struct conf *c = f->conf;
	char text[ADDR_MAX + 1];
	struct counts w, today, past;
	struct zkey k;
	uint32_t day = (uint32_t)(f->run_time / 86400);
	uint32_t wdays = (uint32_t)(c->sender_window / 86400);
	uint64_t sent, ppm;
	int rc;
	struct status none = { 0, 0, 0 };

	if (klen >= sizeof(text))
		return;
	memcpy(text, key, klen);
	text[klen] = '\0';
	if (zkey_from_text(kind == CNT_SNDR ? ZONE_SNDR : ZONE_SDOM, text,
	    &k) != RB_OK)
		return;
	if ((rc = count_sum(f->txn, kind, key, klen, day + 1 - wdays, day,
	    &w)) != RB_OK) {
		f->rc = rc;
		return;
	}
	sent = (uint64_t)w.c[EV_DELIVERED] + w.c[EV_HARD] + w.c[EV_SOFT] +
	    w.c[EV_MESSAGE_REJECTED] + w.c[EV_IP_BLOCKED];
	if (sent >= (uint64_t)c->sender_min_volume) {
		ppm = (uint64_t)w.c[EV_HARD] * 1000000 / sent;
		if (ppm >= (uint64_t)c->sender_hard_rate)
			list(f, &k, REASON_2, &none, f->run_time);
		ppm = (uint64_t)w.c[EV_COMPLAINT] * 1000000 / sent;
		if (ppm >= (uint64_t)c->sender_complaint_rate)
			list(f, &k, REASON_3, &none, f->run_time);
		ppm = (uint64_t)w.c[EV_MESSAGE_REJECTED] * 1000000 / sent;
		if (ppm >= (uint64_t)c->sender_refused_rate)
			list(f, &k, REASON_6, &none, f->run_time);
	}
	if (w.c[EV_BLOCKED_BY_LIST] >= (uint64_t)c->sender_listed_sends)
		list(f, &k, REASON_5, &none, f->run_time);

	/* Unusual volume: today against the daily average before it. */
	if (count_sum(f->txn, kind, key, klen, day, day, &today) != RB_OK ||
	    count_sum(f->txn, kind, key, klen, day - wdays, day - 1, &past) !=
	    RB_OK)
		return;
	sent = (uint64_t)today.c[EV_DELIVERED] + today.c[EV_HARD] +
	    today.c[EV_SOFT] + today.c[EV_MESSAGE_REJECTED] +
	    today.c[EV_IP_BLOCKED] + today.c[EV_DEFERRED_TEMPORARY];
	{
		uint64_t before = (uint64_t)past.c[EV_DELIVERED] +
		    past.c[EV_HARD] + past.c[EV_SOFT] +
		    past.c[EV_MESSAGE_REJECTED] + past.c[EV_IP_BLOCKED] +
		    past.c[EV_DEFERRED_TEMPORARY];
		uint64_t avg = before / (wdays ? wdays : 1);
		struct self_find s = { REASON_4, { 0 }, 0 };

		if (sent < (uint64_t)c->sender_volume_min || before == 0 ||
		    sent <= avg * (uint64_t)c->sender_volume_factor)
			return;
		/* Throttle first; if it goes on an hour later, hold. */
		store_evidence_foreach(f->txn, &k, self_row, &s);
		if (s.found && s.rec.first < hour_floor(f->run_time))
			list(f, &k, REASON_OPERATOR, &none, f->run_time);
		else
			list(f, &k, REASON_4, &none, f->run_time);
	}
}

static int
sender_key(int kind, const uint8_t *key, size_t klen, void *arg)
{
	struct feed *f = arg;

	if (kind == CNT_SNDR || kind == CNT_SDOM)
		sender_eval(f, kind, key, klen);
	return f->rc;
}

/* Write the aggregated counters, then judge the senders they touched. */
static void
agg_drain(struct feed *f)
{
	int rc;

	if (f->rc)
		return;
	if ((rc = count_agg_flush(f->agg, f->txn)) != RB_OK) {
		f->rc = rc;
		return;
	}
	count_agg_keys(f->agg, sender_key, f);
	count_agg_reset(f->agg);
}

static void
count(struct feed *f, int kind, const void *key, size_t klen, uint32_t day,
    int cls)
{
	if (count_agg_add(f->agg, kind, key, klen, day, cls) == RB_ERANGE) {
		agg_drain(f);
		count_agg_add(f->agg, kind, key, klen, day, cls);
	}
}

static int
mentions_our_zones(const struct feed *f, const char *reply)
{
	char low[1024];
	size_t i, n;
	int z;

	if (reply == NULL)
		return 0;
	n = strnlen(reply, sizeof(low) - 1);
	for (i = 0; i < n; i++)
		low[i] = (char)(reply[i] >= 'A' && reply[i] <= 'Z' ?
		    reply[i] + 32 : reply[i]);
	low[n] = '\0';
	for (z = 0; z < ZONE_COUNT; z++)
		if (strstr(low, f->conf->zone_fqdn[z]) != NULL)
			return 1;
	return strstr(low, "rebond") != NULL;
}

static int
peer_keep(const struct peer *p, void *arg)
{
	struct feed *f = arg;

	if (p->clients[0] == '\0')
		return 0;
	f->peers = xrealloc(f->peers, (f->npeers + 1) * sizeof(*f->peers));
	f->peers[f->npeers++] = *p;
	return 0;
}

/* The peers with clients, read again every PEERS_EVERY seconds. */
static void
peers_load(struct feed *f)
{
	int64_t now = (int64_t)time(NULL);

	if (f->peers_at != 0 && now - f->peers_at < PEERS_EVERY &&
	    now >= f->peers_at)
		return;
	f->peers_at = now;
	f->npeers = 0;
	if (peer_foreach(f->txn, peer_keep, f) < 0)
		f->npeers = 0;
}

/* The origin id of the peer whose relay is client, or 0. */
static uint32_t
peer_of(struct feed *f, const char *client)
{
	size_t i;

	if (client[0] == '\0')
		return 0;
	for (i = 0; i < f->npeers; i++)
		if (peer_client_match(&f->peers[i], client))
			return f->peers[i].origin.id;
	return 0;
}

/* Mail whose From: domain is not the envelope's: from the logged header
 * or, when the log does not have it, from a DMARC refusal naming it. */
static void
count_from(struct feed *f, const struct event *ev, const char *envdom,
    uint32_t day)
{
	char fd[DOMAIN_MAX + 1], key[ADDR_MAX + 1];
	const char *from = ev->from_domain;
	int n;

	if (from[0] == '\0') {
		if (ev->cls != EV_MESSAGE_REJECTED ||
		    strcmp(ev->sub, "auth") != 0 || ev->reply == NULL ||
		    from_dmarc_reply(ev->reply, fd, sizeof(fd)) != 0)
			return;
		from = fd;
	}
	if (from_aligned(from, envdom))
		return;
	n = snprintf(key, sizeof(key), "%s\t%s", ev->sender, from);
	if (n > 0 && (size_t)n < sizeof(key))
		count(f, CNT_FROM, key, (size_t)n, day, ev->cls);
}

static void
run_event(struct feed *f, const struct event *in)
{
	struct event ev = *in;
	uint8_t h[HASH_LEN];
	uint32_t day;
	const char *d;

	if (ev.time <= 0)
		ev.time = rb_now();
	if (ev.time > f->run_time)
		f->run_time = ev.time;
	/* A permanent refusal by our MTA that names our lists; a 4xx (our
	 * list could not be looked up) is not the sender's doing. */
	if ((ev.flags & EVF_LOCAL_REJECT) && ev.reply && ev.reply[0] == '5' &&
	    mentions_our_zones(f, ev.reply))
		ev.cls = EV_BLOCKED_BY_LIST;
	if (ev.cls < 0 || ev.cls >= EV_CLASS_COUNT)
		return;
	f->run.events[ev.cls]++;
	day = (uint32_t)(ev.time / 86400);

	count(f, CNT_NODE, "", 0, day, ev.cls);
	if (ev.rcpt[0]) {
		/* ev.rcpt is normalised. */
		addr_hash(ev.rcpt, strlen(ev.rcpt), h);
		/* Per recipient, only what is about the recipient: a
		 * delivery counts per domain, sender and client, not per
		 * address (one counter per recipient and day would be the
		 * largest table of the store, for nothing a policy reads). */
		if (ev.cls != EV_DELIVERED)
			count(f, CNT_RCPT, h, sizeof(h), day, ev.cls);
		if ((d = addr_domain(ev.rcpt)) != NULL)
			count(f, CNT_RDOM, d, strlen(d), day, ev.cls);
	}
	if (ev.sender[0] && !(ev.flags & EVF_NOTIFICATION)) {
		count(f, CNT_SNDR, ev.sender, strlen(ev.sender), day, ev.cls);
		if ((d = addr_domain(ev.sender)) != NULL) {
			count(f, CNT_SDOM, d, strlen(d), day, ev.cls);
			if (ev.cls == EV_MESSAGE_REJECTED &&
			    strcmp(ev.sub, "auth") == 0)
				count(f, CNT_AUTH, d, strlen(d), day, ev.cls);
			count_from(f, &ev, d, day);
		}
	}
	if (ev.client[0])
		count(f, CNT_CLIENT, ev.client, strlen(ev.client), day,
		    ev.cls);
	/* Our own MTA's refusals say nothing about remote addresses. */
	if (ev.rcpt[0] && !(ev.flags & EVF_LOCAL_REJECT)) {
		f->cur_peer = peer_of(f, ev.client);
		f->cur_ev = &ev;
		recipient(f, &ev, h);
		f->cur_peer = 0;
		f->cur_ev = NULL;
	}
}

void
feed_event(struct feed *f, const struct event *ev)
{
	if (f->txn != NULL && f->rc == 0)
		run_event(f, ev);
}

/* --- lines --- */

/* Why a line is no text: "NUL byte", "not UTF-8", or NULL if it is. */
static const char *
not_text(const unsigned char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	size_t i = 0, k;
	uint64_t w;

	while (i < n) {
		unsigned char c;

		/* Log lines are mostly ASCII: eight bytes at a time, none
		 * of them NUL nor with its high bit set. */
		if (n - i >= 8) {
			memcpy(&w, p + i, 8);
			if (((w | ((w - ones) & ~w)) & highs) == 0) {
				i += 8;
				continue;
			}
		}
		if ((c = p[i]) == '\0')
			return "NUL byte";
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3;
		else
			return "not UTF-8";
		if (n - i <= k)
			return "not UTF-8";	/* truncated sequence */
		for (i++; k > 0; k--, i++)
			if ((p[i] & 0xc0) != 0x80)
				return "not UTF-8";
	}
	return NULL;
}

static void
run_line(struct feed *f, const char *line, size_t len)
{
	struct logline ll;
	const char *why;

	f->run.lines++;
	if ((why = not_text((const unsigned char *)line, len)) != NULL) {
		feed_malformed(f, why, line, len);
		return;
	}
	if (logline_parse(line, len, rb_now(), &ll) != RB_OK) {
		feed_malformed(f, "no syslog framing", line, len);
		return;
	}
	if (ll.time > f->run_time)
		f->run_time = ll.time;
	if (!postfix_parse(f, &ll) && !exim_parse(f, &ll))
		f->run.ignored++;
}

static int
save_position(struct feed *f)
{
	char key[300];
	uint8_t v[16];
	int n;

	if (!f->has_pos || f->src[0] == '\0')
		return RB_OK;
	n = snprintf(key, sizeof(key), "pos:%s", f->src);
	be_put(v, f->src_ino, 8);
	be_put(v + 8, f->src_off, 8);
	return store_kv_put(f->txn, KV_FEEDER, key, (size_t)n, v, sizeof(v));
}

/* Start of a run inside the write transaction t.  store_write() may run
 * it again after growing the map: nothing from an earlier try is kept. */
static void
run_begin(struct feed *f, struct store_txn *t)
{
	f->txn = t;
	f->rc = 0;
	f->run_time = 0;
	memset(&f->run, 0, sizeof(f->run));
	count_agg_reset(f->agg);
	f->mlen = 0;
	mirror_begin(f, t);
	/* A run that did not commit left the cache ahead of the store. */
	if (f->cache_suspect)
		cache_clear(f, 0);
	f->cache_suspect = 1;
	peers_load(f);
}

static int
run_batch(struct store_txn *t, void *arg)
{
	struct feed *f = arg;
	size_t off = 0, i;

	run_begin(f, t);
	for (i = 0; i < f->nlines && f->rc == 0; i++) {
		run_line(f, f->buf + off, f->lens[i]);
		off += f->lens[i] + 1;
	}
	if (f->rc == 0) {
		msgid_put(f);
		cache_write(f);
	}
	agg_drain(f);
	if (f->rc == 0)
		f->rc = save_position(f);
	f->txn = NULL;
	return f->rc;
}

static void
stats_add(struct feed_stats *to, const struct feed_stats *from)
{
	int i;

	to->lines += from->lines;
	to->ignored += from->ignored;
	to->malformed += from->malformed;
	to->listed += from->listed;
	to->delisted += from->delisted;
	for (i = 0; i < EV_CLASS_COUNT; i++)
		to->events[i] += from->events[i];
	to->batches++;
}

/*
 * Forget what is past its time, a chunk per transaction: correlation
 * state, Message-IDs and soft-bounce state every hour; once a day, the
 * daily counters and the event log (rebondctl explain) older than
 * history-ttl, which name senders, clients and reply texts.  Only the
 * Message-IDs are in time order; the others are walked from where the
 * last transaction stopped.
 */
struct sweep {
	struct feed	*f;
	int64_t		 before;
	int		 what;
	uint8_t		(*keys)[SWEEP_KEY_MAX];
	size_t		*klen;
	int		 n;
	uint8_t		 start[SWEEP_KEY_MAX];	/* where to begin */
	size_t		 startlen;
	uint8_t		 from[SWEEP_KEY_MAX];	/* where to go on */
	size_t		 fromlen;
	size_t		 seen;
	int		 more;
};

static int
sweep_pick(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	struct sweep *s = arg;
	const uint8_t *kp = k;
	int64_t t;

	if (kl > SWEEP_KEY_MAX)
		return 0;
	if (s->what != KV_MSGID && s->seen++ == SWEEP_VISIT) {
		memcpy(s->from, k, kl);
		s->fromlen = kl;
		s->more = 1;
		return 1;
	}
	switch (s->what) {
	case KV_CORR:	t = vl >= 9 ? (int64_t)be_get((const uint8_t *)v + 1,
			    8) : 0; break;
	case KV_MSGID:	t = kl >= 8 ? (int64_t)be_get(k, 8) : 0; break;
	/* kind . len . key . day(4) */
	case KV_COUNTERS: t = kl >= 6 ? (int64_t)be_get(kp + kl - 4, 4) *
			    86400 + 86399 : 0; break;
	/* zone . len . key . time(8) . n(4) */
	case KV_EVLOG:	t = kl >= 14 ? (int64_t)be_get(kp + kl - 12, 8) : 0;
			break;
	default:	t = vl >= 16 ? (int64_t)be_get((const uint8_t *)v + 8,
			    8) : 0; break;
	}
	if (t >= s->before)
		return s->what == KV_MSGID ? 1 : 0;	/* time-ordered */
	memcpy(s->keys[s->n], k, kl);
	s->klen[s->n] = kl;
	if (++s->n < SWEEP_CHUNK)
		return 0;
	/* Go on after it (it is deleted: from it is the same). */
	memcpy(s->from, k, kl);
	s->fromlen = kl;
	s->more = 1;
	return 1;
}

static int
run_sweep(struct store_txn *t, void *arg)
{
	struct sweep *s = arg;
	struct feed *f = s->f;
	uint32_t id = store_serial(t);
	int i, rc;

	/* It only forgets: what the feeder remembers stays true. */
	f->gen_try = f->gen != 0 && id == f->gen + 1 && !f->cache_suspect ?
	    id : 0;
	if ((rc = mirror_mark(t, id)) != RB_OK)
		return rc;
	s->n = 0;
	s->seen = 0;
	s->more = 0;
	/* From where the last committed one stopped, even when
	 * store_write() runs this again. */
	memcpy(s->from, s->start, s->startlen);
	s->fromlen = s->startlen;
	if (s->what == KV_MSGID || s->fromlen == 0)
		rc = store_kv_foreach(t, s->what, NULL, 0, sweep_pick, s);
	else
		rc = store_kv_range(t, s->what, s->from, s->fromlen,
		    sweep_pick, s);
	if (rc < 0)
		return rc;
	for (i = 0; i < s->n; i++)
		store_kv_del(t, s->what, s->keys[i], s->klen[i]);
	return RB_OK;
}

static int64_t
sweep_ttl(const struct feed *f, int what)
{
	switch (what) {
	case KV_CORR:		return f->conf->corr_ttl;
	case KV_MSGID:		return f->conf->msgid_ttl;
	case KV_RSTATE:		return f->conf->soft_window;
	default:		return f->conf->history_ttl;
	}
}

static void
sweep(struct feed *f)
{
	static const int what[] = { KV_CORR, KV_MSGID, KV_RSTATE,
	    KV_COUNTERS, KV_EVLOG };
	struct sweep s;
	int64_t now = rb_now();
	size_t i, n = 3;

	if (now - f->last_sweep < SWEEP_EVERY)
		return;
	f->last_sweep = now;
	if (now - f->last_history >= SWEEP_HISTORY) {
		f->last_history = now;
		n = sizeof(what) / sizeof(what[0]);
		/* The sets only grow: start them again from the store. */
		f->mirror = 0;
		f->lookups = 0;
		keyset_free(&f->listed);
		keyset_free(&f->softs);
		keyset_free(&f->corrs);
	}
	memset(&s, 0, sizeof(s));
	s.f = f;
	s.keys = xcalloc(SWEEP_CHUNK, sizeof(*s.keys));
	s.klen = xcalloc(SWEEP_CHUNK, sizeof(*s.klen));
	for (i = 0; i < n; i++) {
		s.what = what[i];
		s.before = now - sweep_ttl(f, what[i]);
		s.startlen = 0;
		do {
			int rc = store_write(f->store, run_sweep, &s);

			mirror_end(f, rc);
			if (rc != RB_OK)
				break;
			memcpy(s.start, s.from, s.fromlen);
			s.startlen = s.fromlen;
		} while (s.more);
	}
	free(s.keys);
	free(s.klen);
}

int
feed_flush(struct feed *f)
{
	int rc;

	if (f->nlines == 0 && !f->has_pos)
		return RB_OK;
	rc = store_write(f->store, run_batch, f);
	mirror_end(f, rc);
	if (rc != RB_OK) {
		/* A full disk is said by the store, once a minute. */
		if (rc != RB_ESPACE)
			log_warnx("writing a batch of %zu lines: %s",
			    f->nlines, rb_strerror(rc));
		return rc;
	}
	f->cache_suspect = 0;
	stats_add(&f->st, &f->run);
	if (f->tail > 0)
		memmove(f->buf, f->buf + f->len, f->tail);
	f->len = 0;
	f->nlines = 0;
	f->has_pos = 0;
	sweep(f);
	return RB_OK;
}

static void
too_long(struct feed *f, size_t len)
{
	f->st.lines++;
	f->st.malformed++;
	if (f->st.malformed <= MALFORMED_LOUD)
		log_warnx("skipped a line (too long, %zu bytes)", len);
}

/* The line of len bytes at f->buf + f->len is queued (a NUL or invalid
 * UTF-8 in it is found when it is read); flushes a full batch. */
static int
queued(struct feed *f, size_t len)
{
	if (f->nlines == f->lenscap) {
		f->lenscap = f->lenscap ? 2 * f->lenscap : 1024;
		f->lens = xrealloc(f->lens, f->lenscap * sizeof(*f->lens));
	}
	f->buf[f->len + len] = '\0';
	f->lens[f->nlines++] = (uint32_t)len;
	f->len += len + 1;
	f->has_pos = 1;
	if (f->nlines >= (f->bulk ? BULK_LINES : BATCH_LINES) ||
	    f->len >= (f->bulk ? BULK_BYTES : BATCH_BYTES))
		return feed_flush(f);
	return RB_OK;
}

int
feed_line(struct feed *f, const char *line, size_t len, uint64_t off)
{
	f->src_off = off;
	if (len > FEED_LINE_MAX) {
		too_long(f, len);
		f->has_pos = 1;		/* the position moves past it */
		return RB_OK;
	}
	if (f->len + len + 1 > f->cap) {
		f->cap = (f->len + len + 1) * 2;
		f->buf = xrealloc(f->buf, f->cap);
	}
	memcpy(f->buf + f->len, line, len);
	return queued(f, len);
}

/* Reads of READ_MAX at most: what follows the line that fills a batch
 * moves to the start of the buffer. */
char *
feed_room(struct feed *f, size_t *room)
{
	size_t used = f->len + f->tail;

	if (f->cap < used + READ_MIN + 1) {
		f->cap = used + READ_MIN + 1 > 2 * f->cap ?
		    used + READ_MIN + 1 : 2 * f->cap;
		f->buf = xrealloc(f->buf, f->cap);
	}
	*room = f->cap - used - 1;	/* room for a last line's NUL */
	if (*room > READ_MAX)
		*room = READ_MAX;
	return f->buf + used;
}

int
feed_filled(struct feed *f, size_t n, int final)
{
	char *nl;
	size_t l;
	int rc;

	/* The lines in the tail and the n bytes after it, where they are:
	 * each newline becomes the line's NUL. */
	f->tail += n;
	while (f->tail > 0 &&
	    (nl = memchr(f->buf + f->len, '\n', f->tail)) != NULL) {
		l = (size_t)(nl - (f->buf + f->len));
		f->tail -= l + 1;
		if (f->skipping || l > FEED_LINE_MAX) {
			if (!f->skipping)
				too_long(f, l);
			f->skipping = 0;
			memmove(f->buf + f->len, nl + 1, f->tail);
			continue;
		}
		if ((rc = queued(f, l)) != RB_OK) {
			/* Kept for the next flush, as feed_line()'s. */
			return rc;
		}
	}
	if (final && f->tail > 0 && !f->skipping) {
		l = f->tail;
		f->tail = 0;
		if (l > FEED_LINE_MAX)
			too_long(f, l);
		else
			return queued(f, l);
	} else if (f->tail > FEED_LINE_MAX) {
		/* Over-long: counted once, dropped, skipped to its end. */
		if (!f->skipping)
			too_long(f, f->tail);
		f->skipping = 1;
		f->tail = 0;
	}
	if (final) {
		f->skipping = 0;
		f->tail = 0;
	}
	return RB_OK;
}

struct pos_get {
	char		 key[300];
	uint64_t	 ino, off;
	int		 found;
};

int
feed_checkpoint(struct feed *f, const char *name, uint64_t *ino,
    uint64_t *off)
{
	struct store_txn *t = store_read(f->store);
	const void *v;
	size_t vl;
	char key[300];
	int n, rc;

	if (t == NULL)
		return RB_ESTORE;
	n = snprintf(key, sizeof(key), "pos:%s", name);
	rc = store_kv_get(t, KV_FEEDER, key, (size_t)n, &v, &vl);
	if (rc == RB_OK && vl == 16) {
		*ino = be_get(v, 8);
		*off = be_get((const uint8_t *)v + 8, 8);
	} else if (rc == RB_OK)
		rc = RB_ECORRUPT;
	store_read_end(f->store);
	return rc;
}

/* --- mail --- */

struct mail_run {
	struct feed		*f;
	struct mail_report	*r;
};

/* Sender and client of a message we relayed, by its Message-ID: the
 * newest match in the log of the last msgid-ttl. */
struct msgid_find {
	uint8_t		 h[8];
	struct event	*ev;
	int		 found;
};

/* One entry of a KV_MSGID value at p; returns the next, or NULL at the
 * end or on a damaged entry. */
static const char *
msgid_entry(struct msgid_find *m, const char *p, const char *end)
{
	const char *s = p + 8, *c, *z;

	if (end - p < 10 || (z = memchr(s, '\0', (size_t)(end - s))) == NULL)
		return NULL;
	c = z + 1;
	z = memchr(c, '\0', (size_t)(end - c));
	if (memcmp(p, m->h, 8) == 0 &&
	    (size_t)(c - 1 - s) < sizeof(m->ev->sender)) {
		memcpy(m->ev->sender, s, (size_t)(c - s));
		m->ev->client[0] = '\0';
		if (z != NULL && (size_t)(z - c) < sizeof(m->ev->client))
			memcpy(m->ev->client, c, (size_t)(z - c) + 1);
		m->found = 1;
	}
	return z != NULL ? z + 1 : NULL;
}

static int
msgid_match(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	const char *p = v, *end = p + vl;

	/* A chunk (17-byte key) or one entry: the newest match wins. */
	do
		p = msgid_entry(arg, p, end);
	while (p != NULL && kl == 17 && ((const uint8_t *)k)[16] == 1);
	return 0;
}

static void
msgid_lookup(struct feed *f, const char *msgid, struct event *ev)
{
	struct msgid_find m;
	uint8_t h[20], from[8];

	if (msgid[0] == '\0')
		return;
	msgid_hash(msgid, h);
	memcpy(m.h, h, 8);
	m.ev = ev;
	m.found = 0;
	be_put(from, (uint64_t)(rb_now() - f->conf->msgid_ttl), 8);
	store_kv_range(f->txn, KV_MSGID, from, sizeof(from), msgid_match, &m);
}

static int
run_mail(struct store_txn *t, void *arg)
{
	struct mail_run *m = arg;
	struct feed *f = m->f;
	struct mail_report *r = m->r;
	int i;

	run_begin(f, t);
	for (i = 0; i < r->n && f->rc == 0; i++) {
		struct event ev;

		memset(&ev, 0, sizeof(ev));
		ev.time = rb_now();
		if (r->kind == MAIL_ARF) {
			const struct mail_arf *a = &r->arf[i];

			if (strcmp(a->feedback_type, "not-spam") == 0)
				continue;
			if (a->arrival > 0 && a->arrival <= ev.time)
				ev.time = a->arrival;
			snprintf(ev.rcpt, sizeof(ev.rcpt), "%s", a->complainer);
			msgid_lookup(f, a->message_id, &ev);
			if (ev.sender[0] == '\0')
				snprintf(ev.sender, sizeof(ev.sender), "%s",
				    a->mail_from);
			if (strcmp(a->feedback_type, "auth-failure") == 0) {
				ev.cls = EV_MESSAGE_REJECTED;
				snprintf(ev.sub, sizeof(ev.sub), "auth");
				ev.rcpt[0] = '\0';
				/* RFC 6591: the domain that failed, From:'s
				 * in a DMARC failure report. */
				if (domain_normalise(a->reported_domain,
				    strlen(a->reported_domain), ev.from_domain,
				    sizeof(ev.from_domain)) < 0)
					ev.from_domain[0] = '\0';
			} else {
				ev.cls = EV_COMPLAINT;
				snprintf(ev.sub, sizeof(ev.sub), "%s",
				    a->feedback_type);
			}
		} else {
			const struct mail_dsn *d = &r->dsn[i];
			const char *st;

			if (strcmp(d->action, "failed") == 0)
				st = "bounced";
			else if (strcmp(d->action, "delayed") == 0)
				st = "deferred";
			else if (strcmp(d->action, "delivered") == 0 ||
			    strcmp(d->action, "relayed") == 0)
				st = "sent";
			else
				continue;
			snprintf(ev.rcpt, sizeof(ev.rcpt), "%s", d->recipient);
			status_parse(d->status, &ev.status);
			ev.reply = d->diagnostic;
			msgid_lookup(f, r->message_id, &ev);
			ev.cls = classify(f->cls, st, d->status[0] ?
			    d->status : NULL, d->diagnostic, ev.sub,
			    sizeof(ev.sub));
		}
		run_event(f, &ev);
	}
	agg_drain(f);
	f->txn = NULL;
	return f->rc;
}

int
feed_mail(struct feed *f, const char *buf, size_t len, const char **why)
{
	struct mail_run m;
	int rc;

	m.f = f;
	m.r = xcalloc(1, sizeof(*m.r));
	if ((rc = mail_parse(buf, len, m.r, why)) != RB_OK) {
		free(m.r);
		return rc;
	}
	rc = store_write(f->store, run_mail, &m);
	mirror_end(f, rc);
	if (rc == RB_OK) {
		f->cache_suspect = 0;
		stats_add(&f->st, &f->run);
	}
	free(m.r);
	return rc;
}

/* sync/serve.c - see serve.h */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "peer.h"
#include "serve.h"
#include "util.h"

#define WHY(s)	do { if (why != NULL) *why = (s); } while (0)

void
sbuf_add(struct sbuf *b, const void *data, size_t len)
{
	if (b->cap - b->len < len) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap - b->len < len)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

void
sbuf_free(struct sbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static void
frame(struct sbuf *out, const uint8_t *batch, size_t len)
{
	uint8_t be[4];

	be_put(be, len, 4);
	sbuf_add(out, be, 4);
	sbuf_add(out, batch, len);
}

int
serve_next(const uint8_t *buf, size_t len, size_t *off, const uint8_t **b,
    size_t *blen)
{
	size_t n;

	if (*off == len)
		return 0;
	if (*off > len || len - *off < 4)
		return RB_EINVAL;
	n = be_get(buf + *off, 4);
	if (n > BATCH_MAX_BYTES || len - *off - 4 < n)
		return RB_EINVAL;
	*b = buf + *off + 4;
	*blen = n;
	*off += 4 + n;
	return 1;
}

static size_t
batch_key(uint8_t kind, uint32_t origin, uint64_t from, uint8_t k[13])
{
	k[0] = kind;
	be_put(k + 1, origin, 4);
	be_put(k + 5, from, 8);
	return 13;
}

int
serve_keep(struct store_txn *t, uint32_t origin, const uint8_t *buf,
    size_t len)
{
	uint8_t k[13];
	uint64_t from, to, oto;
	const void *v;
	size_t vlen;
	int rc;

	if (batch_peek(buf, len, NULL, &from, &to, NULL) != RB_OK)
		return RB_EINVAL;
	batch_key(SYNC_K_BATCH, origin, from, k);
	rc = store_kv_get(t, KV_SYNC, k, sizeof(k), &v, &vlen);
	if (rc == RB_OK && batch_peek(v, vlen, NULL, &from, &oto, NULL) ==
	    RB_OK && oto >= to)
		return RB_OK;
	if (rc != RB_OK && rc != RB_ENOENT)
		return rc;
	return store_kv_put(t, KV_SYNC, k, sizeof(k), buf, len);
}

/* This node's records of one span, split for signing. */
struct span {
	struct record	*fed, *all;
	uint32_t	 nfed, nall;
	int		 peers;		/* some record of scope peers */
};

static int
span_add(const struct record *r, void *arg)
{
	struct span *s = arg;

	if (r->scope == SCOPE_LOCAL)
		return 0;
	if (s->nall == SERVE_SPAN)
		return RB_ECORRUPT;
	s->all[s->nall++] = *r;
	if (r->scope == SCOPE_FEDERATION)
		s->fed[s->nfed++] = *r;
	else
		s->peers = 1;
	return 0;
}

/* Complete spans signed during a request, stored afterwards. */
struct keep {
	uint8_t		 key[13];
	uint8_t		*buf;
	size_t		 len;
};

struct keep_list {
	struct keep	*v;
	size_t		 n;
};

static int
keep_write(struct store_txn *t, void *arg)
{
	struct keep_list *l = arg;
	size_t i;
	int rc;

	for (i = 0; i < l->n; i++)
		if ((rc = store_kv_put(t, KV_SYNC, l->v[i].key, 13,
		    l->v[i].buf, l->v[i].len)) != RB_OK)
			return rc;
	return RB_OK;
}

/* A stored batch of ours for the span [from, to] signed by pk, or NULL. */
static const uint8_t *
cached(struct store_txn *t, uint8_t kind, uint64_t from, uint64_t to,
    const uint8_t *pk, size_t *len)
{
	uint8_t k[13], bpk[32];
	uint64_t bfrom, bto;
	const void *v;

	batch_key(kind, 0, from, k);
	if (store_kv_get(t, KV_SYNC, k, sizeof(k), &v, len) != RB_OK ||
	    batch_peek(v, *len, bpk, &bfrom, &bto, NULL) != RB_OK ||
	    bfrom != from || bto != to || memcmp(bpk, pk, 32) != 0)
		return NULL;
	return v;
}

static int
serve_own(struct store_txn *t, const uint8_t *sk, const uint8_t *pk,
    uint64_t after, size_t max_bytes, struct sbuf *out,
    struct keep_list *keep, const char **why)
{
	struct origin self;
	struct span s;
	size_t start = out->len;
	uint64_t from, to, end;
	int rc = RB_OK;

	if ((rc = store_origin_get(t, 0, &self)) != RB_OK)
		return rc;
	if (sk == NULL || pk == NULL || memcmp(self.key, pk, 32) != 0) {
		WHY("no node key, or not the one the store knows");
		return RB_EINVAL;
	}
	if (after >= self.last_seq)
		return RB_OK;
	memset(&s, 0, sizeof(s));
	s.fed = xcalloc(SERVE_SPAN, sizeof(*s.fed));
	s.all = xcalloc(SERVE_SPAN, sizeof(*s.all));
	/* From the cursor to the end of its span, then whole spans. */
	for (from = after + 1; from <= self.last_seq &&
	    (out->len == start || out->len - start < max_bytes);
	    from = to + 1) {
		const uint8_t *fb = NULL, *pb = NULL;
		uint8_t *fnew = NULL, *pnew = NULL;
		size_t flen = 0, plen = 0;
		int whole;

		end = ((from - 1) / SERVE_SPAN + 1) * SERVE_SPAN;
		to = self.last_seq < end ? self.last_seq : end;
		whole = (from - 1) % SERVE_SPAN == 0 && to == end;
		if (whole && (fb = cached(t, SYNC_K_BATCH, from, to, pk,
		    &flen)) != NULL) {
			pb = cached(t, SYNC_K_OWN, from, to, pk, &plen);
		} else {
			s.nfed = s.nall = 0;
			s.peers = 0;
			if ((rc = store_record_foreach(t, 0, from, to,
			    span_add, &s)) < 0) {
				WHY("cannot read the record log");
				break;
			}
			if ((rc = batch_sign(sk, pk, from, to, s.fed, s.nfed,
			    &fnew, &flen, why)) != RB_OK)
				break;
			if (s.peers && (rc = batch_sign(sk, pk, from, to,
			    s.all, s.nall, &pnew, &plen, why)) != RB_OK) {
				free(fnew);
				break;
			}
			fb = fnew;
			pb = pnew;
		}
		if (pb != NULL)
			frame(out, pb, plen);
		frame(out, fb, flen);
		if (fnew != NULL && whole) {
			/* A complete span never changes: keep it signed. */
			keep->v = xrealloc(keep->v, (keep->n + 2) *
			    sizeof(*keep->v));
			batch_key(SYNC_K_BATCH, 0, from, keep->v[keep->n].key);
			keep->v[keep->n].buf = fnew;
			keep->v[keep->n++].len = flen;
			fnew = NULL;
			if (pnew != NULL) {
				batch_key(SYNC_K_OWN, 0, from,
				    keep->v[keep->n].key);
				keep->v[keep->n].buf = pnew;
				keep->v[keep->n++].len = plen;
				pnew = NULL;
			}
		}
		free(fnew);
		free(pnew);
	}
	free(s.fed);
	free(s.all);
	return rc < 0 ? rc : RB_OK;
}

struct relay_ctx {
	uint64_t	 after;
	size_t		 start, max;
	struct sbuf	*out;
};

static int
relay_one(const void *k, size_t klen, const void *v, size_t vlen, void *arg)
{
	struct relay_ctx *x = arg;
	uint64_t from, to;

	if (klen != 13 || batch_peek(v, vlen, NULL, &from, &to, NULL) !=
	    RB_OK)
		return 0;
	if (to <= x->after)
		return 0;
	if (x->out->len > x->start && x->out->len - x->start >= x->max)
		return 1;
	frame(x->out, v, vlen);
	return 0;
}

int
serve_records(struct store *st, const uint8_t *sk, const uint8_t *pk,
    uint32_t requester, uint32_t origin, uint64_t after, size_t max_bytes,
    struct sbuf *out, const char **why)
{
	struct store_txn *t;
	struct keep_list keep = { NULL, 0 };
	struct peer p;
	struct origin o;
	size_t i;
	int rc;

	if ((t = store_read(st)) == NULL) {
		WHY("cannot read the store");
		return RB_ESTORE;
	}
	if ((rc = peer_get_id(t, requester, &p)) != RB_OK) {
		WHY("the requester is not a configured peer");
		goto done;
	}
	if ((rc = store_origin_get(t, origin, &o)) != RB_OK) {
		WHY("unknown origin");
		goto done;
	}
	if (origin == requester || (o.flags & ORIGIN_QUARANTINED))
		goto done;
	if (origin == 0) {
		if (p.flags & PEER_SHARE)
			rc = serve_own(t, sk, pk, after, max_bytes, out, &keep,
			    why);
	} else {
		struct relay_ctx x = { after, out->len, max_bytes, out };
		uint8_t prefix[5];

		prefix[0] = SYNC_K_BATCH;
		be_put(prefix + 1, origin, 4);
		if ((rc = store_kv_foreach(t, KV_SYNC, prefix, sizeof(prefix),
		    relay_one, &x)) > 0)
			rc = RB_OK;
	}
done:
	store_read_end(st);
	if (keep.n > 0) {
		int krc = store_write(st, keep_write, &keep);

		if (krc != RB_OK)
			log_warnx("%s: cannot keep signed batches: %s",
			    store_dir(st), rb_strerror(krc));
	}
	for (i = 0; i < keep.n; i++)
		free(keep.v[i].buf);
	free(keep.v);
	return rc;
}

struct origins_ctx {
	struct store_txn	*t;
	uint32_t		 requester;
	int			 share;
	serve_origin_fn		 fn;
	void			*arg;
	struct serve_origin	 cur;	/* origin being gathered */
	int			 have;
	int			 ret;
};

static int
flush_origin(struct origins_ctx *x)
{
	struct origin o;

	if (!x->have)
		return 0;
	x->have = 0;
	if (x->cur.id == 0 || x->cur.id == x->requester ||
	    store_origin_get(x->t, x->cur.id, &o) != RB_OK ||
	    (o.flags & ORIGIN_QUARANTINED))
		return 0;
	memcpy(x->cur.key, o.key, 32);
	return x->fn(&x->cur, x->arg);
}

static int
origin_batch(const void *k, size_t klen, const void *v, size_t vlen,
    void *arg)
{
	struct origins_ctx *x = arg;
	uint64_t from, to;
	uint32_t id;
	int rc;

	if (klen != 13 || batch_peek(v, vlen, NULL, &from, &to, NULL) !=
	    RB_OK)
		return 0;
	id = (uint32_t)be_get((const uint8_t *)k + 1, 4);
	if (x->have && id != x->cur.id && (rc = flush_origin(x)) != 0)
		return rc;
	if (!x->have) {
		memset(&x->cur, 0, sizeof(x->cur));
		x->cur.id = id;
		x->have = 1;
	}
	if (to > x->cur.last)
		x->cur.last = to;
	return 0;
}

int
serve_origins(struct store_txn *t, uint32_t requester, serve_origin_fn fn,
    void *arg)
{
	struct origins_ctx x;
	struct peer p;
	struct origin self;
	uint8_t prefix = SYNC_K_BATCH;
	int rc;

	if ((rc = peer_get_id(t, requester, &p)) != RB_OK)
		return rc;
	memset(&x, 0, sizeof(x));
	x.t = t;
	x.requester = requester;
	x.fn = fn;
	x.arg = arg;
	if ((p.flags & PEER_SHARE) &&
	    store_origin_get(t, 0, &self) == RB_OK && self.last_seq > 0) {
		x.cur.id = 0;
		memcpy(x.cur.key, self.key, 32);
		x.cur.last = self.last_seq;
		if ((rc = fn(&x.cur, arg)) != 0)
			return rc;
	}
	if ((rc = store_kv_foreach(t, KV_SYNC, &prefix, 1, origin_batch,
	    &x)) != 0)
		return rc;
	return flush_origin(&x);
}

/* sync/pull.c - see pull.h */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pull.h"
#include "util.h"

static int
cursor_cmp(const void *a, const void *b)
{
	return memcmp(((const struct cursor *)a)->key,
	    ((const struct cursor *)b)->key, 32);
}

int
pull_parse(const uint8_t *body, size_t len, struct cursor **out, size_t *n)
{
	struct cursor *c;
	size_t i, cnt;

	*out = NULL;
	*n = 0;
	if (len % PULL_ENTRY != 0 || len / PULL_ENTRY > PULL_MAX_CURSORS)
		return RB_EINVAL;
	cnt = len / PULL_ENTRY;
	if (cnt == 0)
		return RB_OK;
	c = xcalloc(cnt, sizeof(*c));
	for (i = 0; i < cnt; i++) {
		memcpy(c[i].key, body + i * PULL_ENTRY, 32);
		c[i].after = be_get(body + i * PULL_ENTRY + 32, 8);
	}
	qsort(c, cnt, sizeof(*c), cursor_cmp);
	for (i = 1; i < cnt; i++)
		if (memcmp(c[i - 1].key, c[i].key, 32) == 0) {
			free(c);
			return RB_EINVAL;
		}
	*out = c;
	*n = cnt;
	return RB_OK;
}

static int
add_cursor(const struct origin *o, void *arg)
{
	uint8_t e[PULL_ENTRY];
	static const uint8_t zero[32];

	if (o->id == 0 || memcmp(o->key, zero, 32) == 0)
		return 0;
	memcpy(e, o->key, 32);
	be_put(e + 32, (o->flags & ORIGIN_QUARANTINED) ? PULL_SKIP :
	    o->last_seq, 8);
	sbuf_add(arg, e, sizeof(e));
	return 0;
}

int
pull_cursors(struct store_txn *t, struct sbuf *out)
{
	return store_origin_foreach(t, add_cursor, out);
}

static uint64_t
cursor_of(const struct cursor *c, size_t n, const uint8_t key[32])
{
	struct cursor k, *f;

	if (n == 0)
		return 0;
	memcpy(k.key, key, 32);
	f = bsearch(&k, c, n, sizeof(*c), cursor_cmp);
	return f != NULL ? f->after : 0;
}

struct pending_ctx {
	const struct cursor	*c;
	size_t			 n;
};

static int
pending_one(const struct serve_origin *o, void *arg)
{
	struct pending_ctx *x = arg;
	uint64_t after = cursor_of(x->c, x->n, o->key);

	return after != PULL_SKIP && o->last > after;
}

int
pull_pending(struct store_txn *t, uint32_t requester, const struct cursor *c,
    size_t n)
{
	struct pending_ctx x = { c, n };
	int rc;

	rc = serve_origins(t, requester, pending_one, &x);
	return rc > 0;
}

/* The origins to serve, gathered under a read transaction first. */
struct todo {
	struct serve_origin	*v;
	size_t			 n;
	const struct cursor	*c;
	size_t			 nc;
};

static int
todo_one(const struct serve_origin *o, void *arg)
{
	struct todo *x = arg;
	uint64_t after = cursor_of(x->c, x->nc, o->key);

	if (after == PULL_SKIP || o->last <= after)
		return 0;
	x->v = xrealloc(x->v, (x->n + 1) * sizeof(*x->v));
	x->v[x->n] = *o;
	x->v[x->n++].last = after;	/* reused: the cursor */
	return 0;
}

int
pull_answer(struct store *st, const uint8_t *sk, const uint8_t *pk,
    uint32_t requester, const struct cursor *c, size_t n, struct sbuf *out)
{
	struct store_txn *t;
	struct todo x = { NULL, 0, c, n };
	const char *why = NULL;
	size_t i, start = out->len;
	int rc;

	if ((t = store_read(st)) == NULL)
		return RB_ESTORE;
	rc = serve_origins(t, requester, todo_one, &x);
	store_read_end(st);
	if (rc < 0) {
		free(x.v);
		return rc;
	}
	for (i = 0; i < x.n && out->len - start < PULL_SOFT_BYTES; i++) {
		rc = serve_records(st, sk, pk, requester, x.v[i].id,
		    x.v[i].last, PULL_SOFT_BYTES - (out->len - start), out,
		    &why);
		if (rc < 0) {
			log_warnx("serving origin #%u: %s", x.v[i].id,
			    why != NULL ? why : rb_strerror(rc));
			if (rc != RB_ENOENT && rc != RB_EINVAL)
				break;
			rc = RB_OK;
		}
	}
	free(x.v);
	return rc < 0 ? rc : RB_OK;
}

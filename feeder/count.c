/* feeder/count.c - see count.h */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "count.h"
#include "util.h"

#define AGG_SLOTS	8192	/* power of two */
#define AGG_FILL	(AGG_SLOTS * 3 / 4)

/* Every event adds to five or six slots: a slot is 48 bytes and its key
 * lives apart, so that the slots of the keys in use stay in the cache
 * (384 KiB for all of them, where keys inline took 3 MiB). */
struct agg_slot {
	uint32_t	hash;
	uint16_t	used;
	uint16_t	klen;	/* of the whole store key, minus 4 (day) */
	uint32_t	day;
	uint32_t	koff;	/* the key: keys + koff */
	struct counts	n;
};

struct count_agg {
	struct agg_slot	*slot;
	uint8_t		*keys;	/* keys of the slots in use, end to end */
	size_t		 keylen;
	int		 used;
};

size_t
count_key(uint8_t *buf, int kind, const void *key, size_t klen, uint32_t day)
{
	if (klen > ADDR_MAX)
		return 0;
	buf[0] = (uint8_t)kind;
	buf[1] = (uint8_t)klen;
	memcpy(buf + 2, key, klen);
	be_put(buf + 2 + klen, day, 4);
	return 2 + klen + 4;
}

struct count_agg *
count_agg_new(void)
{
	struct count_agg *a = xcalloc(1, sizeof(*a));

	a->slot = xcalloc(AGG_SLOTS, sizeof(*a->slot));
	a->keys = xmalloc((size_t)AGG_FILL * (COUNT_KEY_MAX - 4));
	return a;
}

void
count_agg_free(struct count_agg *a)
{
	if (a) {
		free(a->slot);
		free(a->keys);
		free(a);
	}
}

void
count_agg_reset(struct count_agg *a)
{
	if (a->used == 0)
		return;
	memset(a->slot, 0, AGG_SLOTS * sizeof(*a->slot));
	a->keylen = 0;
	a->used = 0;
}

/* Eight bytes a step: keys are addresses and domains, most of a
 * hundred bytes, and an event adds to half a dozen. */
static uint32_t
hash(const uint8_t *p, size_t n, uint32_t day)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ day ^ n, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return (uint32_t)h;
}

int
count_agg_add(struct count_agg *a, int kind, const void *key, size_t klen,
    uint32_t day, int cls)
{
	uint8_t k[COUNT_KEY_MAX];
	size_t n;
	uint32_t h, i;

	if (cls < 0 || cls >= EV_CLASS_COUNT ||
	    (n = count_key(k, kind, key, klen, day)) == 0)
		return RB_EINVAL;
	n -= 4;
	h = hash(k, n, day);
	for (i = h & (AGG_SLOTS - 1);; i = (i + 1) & (AGG_SLOTS - 1)) {
		struct agg_slot *s = &a->slot[i];

		if (!s->used) {
			if (a->used >= AGG_FILL)
				return RB_ERANGE;
			s->used = 1;
			s->hash = h;
			s->klen = (uint16_t)n;
			s->day = day;
			s->koff = (uint32_t)a->keylen;
			memcpy(a->keys + a->keylen, k, n);
			a->keylen += n;
			memset(&s->n, 0, sizeof(s->n));
			a->used++;
		} else if (s->hash != h || s->klen != n || s->day != day ||
		    memcmp(a->keys + s->koff, k, n) != 0)
			continue;
		if (s->n.c[cls] < UINT32_MAX)
			s->n.c[cls]++;
		return RB_OK;
	}
}

static void
counts_decode(const uint8_t *v, size_t len, struct counts *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < EV_CLASS_COUNT && (size_t)(i + 1) * 4 <= len; i++)
		c->c[i] = (uint32_t)be_get(v + 4 * i, 4);
}

int
count_agg_flush(struct count_agg *a, struct store_txn *t)
{
	int i, j, rc;

	for (i = 0; i < AGG_SLOTS; i++) {
		struct agg_slot *s = &a->slot[i];
		uint8_t k[COUNT_KEY_MAX], v[EV_CLASS_COUNT * 4];
		const void *old;
		size_t oldlen;
		struct counts c;

		if (!s->used)
			continue;
		memcpy(k, a->keys + s->koff, s->klen);
		be_put(k + s->klen, s->day, 4);
		rc = store_kv_get(t, KV_COUNTERS, k, s->klen + 4u, &old,
		    &oldlen);
		if (rc == RB_OK)
			counts_decode(old, oldlen, &c);
		else if (rc == RB_ENOENT)
			memset(&c, 0, sizeof(c));
		else
			return rc;
		for (j = 0; j < EV_CLASS_COUNT; j++) {
			uint64_t sum = (uint64_t)c.c[j] + s->n.c[j];

			be_put(v + 4 * j, sum > UINT32_MAX ? UINT32_MAX : sum,
			    4);
		}
		if ((rc = store_kv_put(t, KV_COUNTERS, k, s->klen + 4u, v,
		    sizeof(v))) != RB_OK)
			return rc;
	}
	return RB_OK;
}

int
count_agg_keys(struct count_agg *a, count_key_fn fn, void *arg)
{
	int i, rc;

	for (i = 0; i < AGG_SLOTS; i++) {
		const uint8_t *key = a->keys + a->slot[i].koff;

		if (!a->slot[i].used)
			continue;
		if ((rc = fn(key[0], key + 2, key[1], arg)) != 0)
			return rc;
	}
	return 0;
}

int
count_sum(struct store_txn *t, int kind, const void *key, size_t klen,
    uint32_t day_from, uint32_t day_to, struct counts *out)
{
	uint8_t k[COUNT_KEY_MAX];
	size_t n;
	uint32_t d;
	int i, rc;

	memset(out, 0, sizeof(*out));
	for (d = day_from; d <= day_to; d++) {
		const void *v;
		size_t vlen;
		struct counts c;

		if ((n = count_key(k, kind, key, klen, d)) == 0)
			return RB_EINVAL;
		rc = store_kv_get(t, KV_COUNTERS, k, n, &v, &vlen);
		if (rc == RB_ENOENT)
			continue;
		if (rc != RB_OK)
			return rc;
		counts_decode(v, vlen, &c);
		for (i = 0; i < EV_CLASS_COUNT; i++)
			out->c[i] += c.c[i];
	}
	return RB_OK;
}

/*
 * tests/zones/test_metrics.c - the listing statistics of the store
 * (store_listing_counts) against a walk of the listing table after
 * random writes (this node and peers of each trust, codes, expiries,
 * deletions) and at later times; the listed and delisted counts against
 * the changes seen key by key; the backfill of a store that had no
 * statistics; store_info; and metrics_store's text: families, values,
 * the class names of the feeder.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lmdb.h>

#include "../tap.h"
#include "feeder/event.h"
#include "zones/metrics.h"
#include "zones/store.h"
#include "zones/util.h"

#define H	3600LL
#define DAY	(24 * H)
#define NOW	(472222LL * H)	/* hour-aligned; REBOND_NOW is set to it */
#define NKEYS	60

static char tmpl[4096];
static char err[1024];

static const char *
fresh_dir(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpl, sizeof(tmpl), "%s/rebond-test-metrics-XXXXXX",
	    t && *t ? t : "/tmp");
	if (mkdtemp(tmpl) == NULL) {
		printf("# mkdtemp %s: %s\n", tmpl, strerror(errno));
		exit(1);
	}
	return tmpl;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static struct store *
open_ok(const char *dir, int flags)
{
	struct store *s;

	if (store_open(&s, dir, 0, flags, err, sizeof(err)) != RB_OK) {
		printf("# store_open: %s\n", err);
		exit(1);
	}
	return s;
}

static struct zkey
nkey(int zone, int i)
{
	char a[64];
	struct zkey k;

	if (zone_is_hashed(zone))
		snprintf(a, sizeof(a), "u%d@example.org", i);
	else
		snprintf(a, sizeof(a), "d%d.example", i);
	memset(&k, 0, sizeof(k));
	zkey_from_text(zone, a, &k);
	return k;
}

/* A small deterministic generator (tests must not depend on rand()). */
static uint32_t seed = 12345;

static uint32_t
rnd(uint32_t n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

/* --- the reference: a walk of the listing table --- */

struct walk {
	int64_t			now, from;
	struct listing_counts	c;
};

static int
walk_one(const struct zkey *k, const struct listing *cl, void *arg)
{
	struct walk *w = arg;
	struct listing l = *cl;
	int64_t end = 0;
	int i, never = 0;

	for (i = 0; i < cl->n; i++) {
		if (cl->r[i].expires == 0)
			never = 1;
		if (cl->r[i].expires > end)
			end = cl->r[i].expires;
	}
	if (listing_active(&l, w->now) == 0) {
		w->c.expired[k->zone]++;
		if (!never && end >= w->from)
			w->c.expired_in[k->zone]++;
		return 0;
	}
	w->c.keys[k->zone]++;
	for (i = 0; i < l.n; i++)
		w->c.codes[k->zone][l.r[i].reason]++;
	return 0;
}

/* Buckets and walk agree at time now (day_from: the start of the day of
 * from). */
static int
counts_agree(struct store *s, int64_t now, int64_t from, const char *what)
{
	struct listing_counts got;
	struct walk w;
	struct store_txn *t = store_read(s);
	int z, r, same = 1;

	memset(&w, 0, sizeof(w));
	w.now = now;
	w.from = from / DAY * DAY;
	store_listing_foreach(t, -1, walk_one, &w);
	if (store_listing_counts(t, now, (uint32_t)(from / DAY),
	    (uint32_t)(now / DAY), &got) != RB_OK)
		same = 0;
	store_read_end(s);
	for (z = 0; z < ZONE_COUNT; z++) {
		if (got.keys[z] != w.c.keys[z] ||
		    got.expired[z] != w.c.expired[z] ||
		    got.expired_in[z] != w.c.expired_in[z]) {
			printf("# %s zone %d: keys %llu/%llu expired %llu/%llu "
			    "expired_in %llu/%llu\n", what, z,
			    (unsigned long long)got.keys[z],
			    (unsigned long long)w.c.keys[z],
			    (unsigned long long)got.expired[z],
			    (unsigned long long)w.c.expired[z],
			    (unsigned long long)got.expired_in[z],
			    (unsigned long long)w.c.expired_in[z]);
			same = 0;
		}
		for (r = 0; r <= REASON_MAX; r++)
			if (got.codes[z][r] != w.c.codes[z][r]) {
				printf("# %s zone %d code %d: %llu/%llu\n",
				    what, z, r,
				    (unsigned long long)got.codes[z][r],
				    (unsigned long long)w.c.codes[z][r]);
				same = 0;
			}
	}
	return same;
}

/* --- random writes --- */

struct op {
	struct zkey	k;
	int		kind;		/* 0 assert, 1 retract one, 2 retract
					 * all, 3 peer record */
	int		reason;
	int64_t		expires_in;
	uint32_t	origin;
	uint64_t	seq;
	int		peer_delete;
};

static int
do_op(struct store_txn *t, void *arg)
{
	struct op *o = arg;
	struct record r;
	int rc;

	switch (o->kind) {
	case 0:
		return store_assert(t, &o->k, o->reason, NULL, NOW,
		    o->expires_in, 1, SCOPE_LOCAL);
	case 1:
	case 2:
		rc = store_retract(t, &o->k, o->kind == 1 ? o->reason : 0,
		    NOW, SCOPE_LOCAL);
		return rc == RB_ENOENT ? RB_OK : rc;
	default:
		memset(&r, 0, sizeof(r));
		r.origin = o->origin;
		r.seq = o->seq;
		r.key = o->k;
		r.reason = (uint8_t)(o->peer_delete ? 0 : o->reason);
		r.flags = o->peer_delete ? REC_DELETE : 0;
		r.scope = SCOPE_FEDERATION;
		r.first = r.last = NOW - H;
		r.expires = o->expires_in ? NOW + o->expires_in : 0;
		r.count = 1;
		return store_record_add(t, &r);
	}
}

static int
add_peer(struct store_txn *t, void *arg)
{
	struct origin *o = arg;

	return store_origin_add(t, o);
}

static int
active_now(struct store *s, const struct zkey *k)
{
	struct store_txn *t = store_read(s);
	struct listing l;
	int a = 0;

	if (store_listing_get(t, k, &l) == RB_OK)
		a = listing_active(&l, NOW) > 0;
	store_read_end(s);
	return a;
}

static void
test_random(void)
{
	static const int64_t exps[] = { 0, H, 2 * H, 5 * H, DAY, 3 * DAY };
	const char *dir = fresh_dir();
	struct store *s = open_ok(dir, 0);
	struct origin peers[2];
	uint64_t seqs[2] = { 0, 0 };
	uint64_t listed[ZONE_COUNT] = { 0 }, delisted[ZONE_COUNT] = { 0 };
	struct listing_counts got;
	struct store_txn *t;
	int i, z, ok_listed = 1;

	memset(peers, 0, sizeof(peers));
	snprintf(peers[0].name, sizeof(peers[0].name), "full");
	peers[0].trust = TRUST_FULL;
	peers[0].key[0] = 1;
	snprintf(peers[1].name, sizeof(peers[1].name), "partial");
	peers[1].trust = TRUST_PARTIAL;
	peers[1].key[0] = 2;
	ok(store_write(s, add_peer, &peers[0]) == RB_OK &&
	    store_write(s, add_peer, &peers[1]) == RB_OK, "two peers added");
	for (i = 0; i < 3000; i++) {
		struct op o;
		int was, is, p;

		memset(&o, 0, sizeof(o));
		z = (int)rnd(ZONE_COUNT);
		o.k = nkey(z, (int)rnd(NKEYS));
		do
			o.reason = (int)rnd(REASON_MAX + 1);
		while (!reason_valid(z, o.reason));
		o.expires_in = exps[rnd(6)];
		switch (rnd(10)) {
		case 0:
			o.kind = 1;
			break;
		case 1:
			o.kind = 2;
			break;
		case 2: case 3: case 4:
			o.kind = 3;
			p = (int)rnd(2);
			o.origin = peers[p].id;
			o.seq = ++seqs[p];
			o.peer_delete = rnd(5) == 0;
			break;
		default:
			o.kind = 0;
		}
		was = active_now(s, &o.k);
		if (store_write(s, do_op, &o) != RB_OK) {
			ok(0, "write %d", i);
			break;
		}
		is = active_now(s, &o.k);
		if (!was && is)
			listed[z]++;
		if (was && !is)
			delisted[z]++;
	}
	ok(counts_agree(s, NOW, NOW, "now"), "after 3000 random writes: "
	    "counts per zone and code agree with a walk");
	ok(counts_agree(s, NOW + H, NOW, "+1h"), "an hour later too, when "
	    "the first ones expire");
	ok(counts_agree(s, NOW + H + 1, NOW, "+1h1s"), "a second after");
	ok(counts_agree(s, NOW + 6 * H, NOW - 3 * DAY, "+6h"), "six hours "
	    "later, expired since three days before");
	ok(counts_agree(s, NOW + 10 * DAY, NOW + 2 * DAY, "+10d"), "ten days "
	    "later, expired since the second day");
	t = store_read(s);
	store_listing_counts(t, NOW, (uint32_t)(NOW / DAY),
	    (uint32_t)(NOW / DAY), &got);
	store_read_end(s);
	for (z = 0; z < ZONE_COUNT; z++)
		if (got.listed[z] != listed[z] ||
		    got.delisted[z] != delisted[z]) {
			printf("# zone %d: listed %llu/%llu delisted "
			    "%llu/%llu\n", z, (unsigned long long)got.listed[z],
			    (unsigned long long)listed[z],
			    (unsigned long long)got.delisted[z],
			    (unsigned long long)delisted[z]);
			ok_listed = 0;
		}
	ok(ok_listed, "listed and delisted today: the changes seen key by "
	    "key (%llu, %llu in rcpt)", (unsigned long long)listed[0],
	    (unsigned long long)delisted[0]);
	ok(got.since == NOW, "kept since the store's creation");
	t = store_read(s);
	store_listing_counts(t, NOW, (uint32_t)(NOW / DAY) + 1, UINT32_MAX,
	    &got);
	store_read_end(s);
	ok(got.listed[0] == 0 && got.delisted[0] == 0, "no changes on the "
	    "days after");

	/* A store of an older build: no statistics. */
	store_close(s);
	{
		MDB_env *env;
		MDB_txn *txn;
		MDB_dbi dbi;
		MDB_cursor *c;
		MDB_val k, v;
		int n = 0;

		mdb_env_create(&env);
		mdb_env_set_maxdbs(env, 32);
		mdb_env_open(env, dir, MDB_NOTLS, 0640);
		mdb_txn_begin(env, NULL, 0, &txn);
		mdb_dbi_open(txn, "meta", 0, &dbi);
		mdb_cursor_open(txn, dbi, &c);
		while (mdb_cursor_get(c, &k, &v, MDB_NEXT) == 0)
			if (k.mv_size >= 2 && ((char *)k.mv_data)[0] == 'l' &&
			    mdb_cursor_del(c, 0) == 0)
				n++;
		mdb_cursor_close(c);
		ok(mdb_txn_commit(txn) == 0 && n > 10, "statistics removed "
		    "(%d entries)", n);
		mdb_env_close(env);
	}
	s = open_ok(dir, STORE_RDONLY);
	t = store_read(s);
	store_listing_counts(t, NOW, 0, UINT32_MAX, &got);
	store_read_end(s);
	ok(got.since == 0 && got.listed[0] == 0, "read-only, without "
	    "statistics: since 0, changes unknown");
	ok(counts_agree(s, NOW + H + 1, NOW, "walked"), "the counts are "
	    "walked then, and agree");
	store_close(s);
	s = open_ok(dir, 0);
	t = store_read(s);
	store_listing_counts(t, NOW, 0, UINT32_MAX, &got);
	store_read_end(s);
	ok(got.since == NOW, "opened for writing: statistics rebuilt");
	ok(counts_agree(s, NOW, NOW, "rebuilt") &&
	    counts_agree(s, NOW + 6 * H, NOW, "rebuilt +6h"), "and they agree "
	    "with a walk");
	{
		struct op o;

		memset(&o, 0, sizeof(o));
		o.k = nkey(ZONE_RDOM, NKEYS + 1);
		o.reason = REASON_2;
		o.expires_in = DAY;
		store_write(s, do_op, &o);
		o.kind = 2;
		store_write(s, do_op, &o);
		t = store_read(s);
		store_listing_counts(t, NOW, (uint32_t)(NOW / DAY),
		    (uint32_t)(NOW / DAY), &got);
		store_read_end(s);
		ok(got.listed[ZONE_RDOM] == 1 && got.delisted[ZONE_RDOM] == 1,
		    "changes after the rebuild are counted");
		ok(counts_agree(s, NOW, NOW, "after"), "counts still agree");
	}
	store_close(s);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* --- metrics_store --- */

static int
lag_of(const struct origin *o, double *lag, void *arg)
{
	(void)arg;
	if (strcmp(o->name, "full") != 0)
		return -1;
	*lag = 12.5;
	return 0;
}

static int
put_counters(struct store_txn *t, void *arg)
{
	uint8_t k[6] = { 0, 0 }, v[4 * EV_CLASS_COUNT];
	int i, rc;

	(void)arg;
	/* Yesterday and today of the node (feeder/count.h). */
	for (i = 0; i < EV_CLASS_COUNT; i++)
		be_put(v + 4 * i, (uint64_t)(i + 1), 4);
	be_put(k + 2, NOW / DAY - 1, 4);
	if ((rc = store_kv_put(t, KV_COUNTERS, k, 6, v, sizeof(v))) != RB_OK)
		return rc;
	for (i = 0; i < EV_CLASS_COUNT; i++)
		be_put(v + 4 * i, (uint64_t)(10 * (i + 1)), 4);
	be_put(k + 2, NOW / DAY, 4);
	return store_kv_put(t, KV_COUNTERS, k, 6, v, sizeof(v));
}

/* The value of the sample "series" (name and labels as written). */
static double
sample(const char *text, const char *series)
{
	size_t n = strlen(series);
	const char *p = text;

	while ((p = strstr(p, series)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p += n;
	}
	return NAN;
}

/* Every line is a comment (# HELP name / # TYPE name type) or
 * name{labels} value; each family's HELP and TYPE come once, before its
 * samples, and its samples are together. */
static int
well_formed(const char *text)
{
	char fam[64][64], cur[64] = "";
	int nfam = 0, i, good = 1;
	const char *p = text;

	while (*p) {
		const char *e = strchr(p, '\n');
		char line[512], name[64];
		size_t len;

		if (e == NULL || (len = (size_t)(e - p)) >= sizeof(line))
			return 0;
		memcpy(line, p, len);
		line[len] = '\0';
		p = e + 1;
		if (strncmp(line, "# HELP ", 7) == 0) {
			sscanf(line + 7, "%63s", name);
			for (i = 0; i < nfam; i++)
				if (strcmp(fam[i], name) == 0)
					good = 0;
			if (nfam < 64)
				snprintf(fam[nfam++], sizeof(fam[0]), "%s",
				    name);
			snprintf(cur, sizeof(cur), "%s", name);
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			char type[16];

			if (sscanf(line + 7, "%63s %15s", name, type) != 2 ||
			    strcmp(name, cur) != 0 ||
			    (strcmp(type, "gauge") != 0 &&
			    strcmp(type, "counter") != 0))
				good = 0;
			continue;
		}
		{
			size_t nl = strcspn(line, "{ ");
			char *v;

			if (nl == 0 || nl >= sizeof(name))
				return 0;
			memcpy(name, line, nl);
			name[nl] = '\0';
			if (strcmp(name, cur) != 0)
				good = 0;
			if (line[nl] == '{' && strstr(line, "} ") == NULL)
				good = 0;
			v = strrchr(line, ' ');
			if (v == NULL || strtod(v + 1, &v) < 0 || *v != '\0')
				good = 0;
		}
	}
	return good && nfam > 10;
}

static void
test_metrics(void)
{
	const char *dir = fresh_dir();
	struct store *s = open_ok(dir, 0);
	struct metrics_opts opts = { 0, lag_of, NULL };
	struct origin peer;
	struct store_info si;
	struct store_txn *t;
	struct op o;
	char *buf, series[128];
	size_t len;
	int i, names = 1;

	memset(&peer, 0, sizeof(peer));
	snprintf(peer.name, sizeof(peer.name), "full");
	peer.key[0] = 1;
	store_write(s, add_peer, &peer);
	memset(&o, 0, sizeof(o));
	for (i = 0; i < 5; i++) {
		o.k = nkey(ZONE_RCPT, i);
		o.reason = i < 3 ? REASON_2 : REASON_5;
		store_write(s, do_op, &o);
	}
	o.reason = REASON_2;		/* the fifth key has two codes */
	store_write(s, do_op, &o);
	o.k = nkey(ZONE_RDOM, 1);
	store_write(s, do_op, &o);
	o.kind = 2;
	store_write(s, do_op, &o);
	o.kind = 0;
	o.k = nkey(ZONE_SDOM, 1);
	o.reason = REASON_4;
	o.expires_in = H;
	store_write(s, do_op, &o);
	store_write(s, put_counters, NULL);

	t = store_read(s);
	i = store_info(t, &si);
	ok(i == RB_OK && si.ndb == 13 && si.map_size > 0 &&
	    si.used > 0 && si.used <= si.map_size, "store_info: 13 databases, "
	    "used %llu of %llu bytes", (unsigned long long)si.used,
	    (unsigned long long)si.map_size);
	for (i = 0; i < si.ndb; i++)
		if (strcmp(si.db[i].name, "origins") == 0)
			is_int(si.db[i].entries, 2,
			    "origins: self and the peer");
	store_read_end(s);

	ok(metrics_store_buf(s, &buf, &len, &opts) == RB_OK && buf &&
	    strlen(buf) == len, "metrics_store_buf");
	ok(well_formed(buf), "every line a comment or name{labels} value; "
	    "families whole, HELP and TYPE once");
	is_int(sample(buf, "rebond_listed_keys{zone=\"rcpt\"}"), 5,
	    "rcpt: 5 keys listed");
	is_int(sample(buf,
	    "rebond_listings{zone=\"rcpt\",code=\"127.0.0.2\"}"), 4,
	    "rcpt code 2: 4 keys");
	is_int(sample(buf,
	    "rebond_listings{zone=\"rcpt\",code=\"127.0.0.5\"}"), 2,
	    "rcpt code 5: 2 keys");
	is_int(sample(buf,
	    "rebond_listings{zone=\"sdom\",code=\"127.0.0.4\"}"), 1,
	    "sdom code 4: 1 key");
	ok(isnan(sample(buf,
	    "rebond_listings{zone=\"rcpt\",code=\"127.0.0.6\"}")),
	    "no sample for a code the zone does not have");
	is_int(sample(buf, "rebond_listed_keys{zone=\"rdom\"}"), 0,
	    "rdom: none listed now");
	is_int(sample(buf, "rebond_listings_added_total{zone=\"rdom\"}"), 1,
	    "rdom: one added");
	is_int(sample(buf, "rebond_listings_removed_total{zone=\"rdom\"}"), 1,
	    "rdom: one removed");
	is_int(sample(buf, "rebond_store_entries{db=\"listing\"}"), 6,
	    "listing table: 6 entries");
	is_int(sample(buf, "rebond_origins"), 2, "origins: 2");
	is_int(sample(buf, "rebond_origin_last_seq{origin=\"self\"}"), 9,
	    "self: 9 records");
	ok(sample(buf, "rebond_sync_lag_seconds{peer=\"full\"}") == 12.5,
	    "sync lag from the callback");
	ok(isnan(sample(buf, "rebond_sync_lag_seconds{peer=\"self\"}")),
	    "no lag for this node");
	for (i = 0; i < EV_CLASS_COUNT; i++) {
		snprintf(series, sizeof(series),
		    "rebond_feeder_events_total{class=\"%s\"}",
		    ev_class_name(i));
		if (sample(buf, series) != 11 * (i + 1))
			names = 0;
		snprintf(series, sizeof(series),
		    "rebond_feeder_events_today{class=\"%s\"}",
		    ev_class_name(i));
		if (sample(buf, series) != 10 * (i + 1))
			names = 0;
	}
	ok(names, "feeder events per class (the feeder's class names): every "
	    "day and today");
	free(buf);

	/* An hour later the sdom listing has expired. */
	opts.now = NOW + H + 1;
	opts.peer_lag = NULL;
	ok(metrics_store_buf(s, &buf, &len, &opts) == RB_OK, "an hour later");
	is_int(sample(buf, "rebond_expired_keys{zone=\"sdom\"}"), 1,
	    "sdom: one expired key");
	is_int(sample(buf, "rebond_listed_keys{zone=\"sdom\"}"), 0,
	    "sdom: none listed");
	ok(strstr(buf, "# TYPE rebond_sync_lag_seconds gauge\n") != NULL &&
	    strstr(buf, "rebond_sync_lag_seconds{") == NULL,
	    "no lag callback: the family without samples");
	free(buf);

	{
		FILE *f = fopen("/dev/full", "w");

		if (f) {
			setvbuf(f, NULL, _IONBF, 0);
			ok(metrics_store(s, f, NULL) == RB_ESYS,
			    "a write error is reported");
			fclose(f);
		}
	}
	store_close(s);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
	char now[32];

	snprintf(now, sizeof(now), "%lld", NOW);
	setenv("REBOND_NOW", now, 1);
	test_random();
	test_metrics();
	return done_testing();
}

/* zones/store.c - see store.h */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include <lmdb.h>

#include "log.h"
#include "store.h"
#include "util.h"

#define MAP_MAX		(1LL << 40)
#define DISK_LOW	(1 << 20)	/* a short write with less free: full */
#define SPACE_LOG_EVERY	60		/* seconds between two warnings */
#define EVIDENCE_MAX	256

enum { DB_META, DB_ORIGINS, DB_OKEYS, DB_RECORDS, DB_EVIDENCE, DB_LISTING,
	DB_KV0, DB_COUNT = DB_KV0 + KV_COUNT };
static const char *const db_names[DB_COUNT] = {
	"meta", "origins", "okeys", "records", "evidence", "listing",
	/* enum store_kv */
	"counters", "rstate", "corr", "msgid", "feeder", "evlog", "sync"
};

struct store {
	MDB_env		*env;
	MDB_dbi		 dbi[DB_COUNT];
	char		*dir;
	struct store_txn *rtxn;		/* the renewable reader */
	int		 space_failing;	/* the last write lacked space */
	time_t		 space_logged;	/* when that was last said */
};

struct store_txn {
	struct store	*s;
	MDB_txn		*txn;
	int		 write;
	int		 active;
	/* This node's origin, loaded on first use in a write. */
	int		 self_loaded;
	struct origin	 self;
	int		 lstat;		/* statistics kept: 1, not: -1 */
	/* A write's cursors, opened on first use (txn_cursor). */
	MDB_cursor	*cur[DB_COUNT];
};

/* Translate LMDB's errors at the boundary. */
static int
mdb_err(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:	return RB_OK;
	case MDB_NOTFOUND:	return RB_ENOENT;
	case MDB_KEYEXIST:	return RB_EEXIST;
	case MDB_MAP_FULL:
	case ENOSPC:		return RB_ESPACE;
	case MDB_INVALID:
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:	return RB_ECORRUPT;
	case MDB_VERSION_MISMATCH:
	case MDB_INCOMPATIBLE:	return RB_EVERSION;
	case MDB_READERS_FULL:
	case MDB_TXN_FULL:
	case MDB_CURSOR_FULL:	return RB_EBUSY;
	case EACCES:
	case EROFS:
	case ENOMEM:
	case EIO:		return RB_ESYS;
	}
	return rc > 0 ? RB_ESYS : RB_ESTORE;
}

/*
 * A cursor on db for one lookup or write that calls no callback while
 * it holds it.  A write keeps one per database to its end (LMDB closes
 * it with the transaction): no open and close per call, and the next
 * lookup near the last one stays on its page.  A read gets its own,
 * for cursor_done() to close.
 */
static int
txn_cursor(struct store_txn *t, int db, MDB_cursor **c)
{
	int rc;

	if (t->write && t->cur[db] != NULL) {
		*c = t->cur[db];
		return RB_OK;
	}
	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[db], c)) != 0)
		return mdb_err(rc);
	if (t->write)
		t->cur[db] = *c;
	return RB_OK;
}

static void
cursor_done(struct store_txn *t, MDB_cursor *c)
{
	if (!t->write)
		mdb_cursor_close(c);
}

const char *
store_dir(const struct store *s)
{
	return s->dir;
}

static int
origin_encode(const struct origin *o, uint8_t *buf)
{
	uint8_t *p = buf;
	size_t nl = strnlen(o->name, sizeof(o->name) - 1);

	memcpy(p, o->key, 32);
	p += 32;
	*p++ = o->trust;
	*p++ = o->flags;
	p = be_put(p, o->last_seq, 8);
	memcpy(p, o->name, nl);
	return (int)(p - buf + nl);
}

static int
origin_decode(const MDB_val *v, uint32_t id, struct origin *o)
{
	const uint8_t *p = v->mv_data;
	size_t nl;

	if (v->mv_size < 42 || v->mv_size - 42 >= sizeof(o->name))
		return RB_ECORRUPT;
	memset(o, 0, sizeof(*o));
	o->id = id;
	memcpy(o->key, p, 32);
	o->trust = p[32];
	o->flags = p[33];
	o->last_seq = be_get(p + 34, 8);
	nl = v->mv_size - 42;
	memcpy(o->name, p + 42, nl);
	o->name[nl] = '\0';
	return RB_OK;
}

static int
origin_put(struct store_txn *t, const struct origin *o)
{
	uint8_t kbuf[4], vbuf[42 + sizeof(o->name)];
	MDB_val k = { 4, kbuf }, v;

	be_put(kbuf, o->id, 4);
	v.mv_size = (size_t)origin_encode(o, vbuf);
	v.mv_data = vbuf;
	return mdb_err(mdb_put(t->txn, t->s->dbi[DB_ORIGINS], &k, &v, 0));
}

int
store_origin_get(struct store_txn *t, uint32_t id, struct origin *o)
{
	uint8_t kbuf[4];
	MDB_val k = { 4, kbuf }, v;
	int rc;

	/* In a write, this node's origin may be ahead of the database
	 * (store_record_add numbers records in t->self until commit). */
	if (id == 0 && t->self_loaded) {
		*o = t->self;
		return RB_OK;
	}
	be_put(kbuf, id, 4);
	if ((rc = mdb_get(t->txn, t->s->dbi[DB_ORIGINS], &k, &v)) != 0)
		return mdb_err(rc);
	return origin_decode(&v, id, o);
}

static int
key_is_zero(const uint8_t key[32])
{
	uint8_t acc = 0;
	int i;

	for (i = 0; i < 32; i++)
		acc |= key[i];
	return acc == 0;
}

int
store_origin_find_key(struct store_txn *t, const uint8_t pk[32],
    struct origin *o)
{
	MDB_val k = { 32, (void *)(uintptr_t)pk }, v;
	int rc;

	if (key_is_zero(pk))
		return RB_ENOENT;
	if ((rc = mdb_get(t->txn, t->s->dbi[DB_OKEYS], &k, &v)) != 0)
		return mdb_err(rc);
	if (v.mv_size != 4)
		return RB_ECORRUPT;
	rc = store_origin_get(t, (uint32_t)be_get(v.mv_data, 4), o);
	return rc == RB_ENOENT ? RB_ECORRUPT : rc;
}

struct evrows;
static int listing_update(struct store_txn *, const struct zkey *, int64_t,
    const struct evrows *);

struct relist_ctx {
	struct store_txn	*t;
	struct zkey		 last;
	int			 have;
	int64_t			 now;
};

static int
relist_one(const struct record *r, void *arg)
{
	struct relist_ctx *x = arg;

	if (x->have && x->last.zone == r->key.zone &&
	    x->last.len == r->key.len &&
	    memcmp(x->last.data, r->key.data, r->key.len) == 0)
		return 0;
	x->last = r->key;
	x->have = 1;
	return listing_update(x->t, &r->key, x->now, NULL);
}

/* Compute again the listing of every key in origin's record log. */
static int
origin_relist(struct store_txn *t, uint32_t origin)
{
	struct relist_ctx x;

	memset(&x, 0, sizeof(x));
	x.t = t;
	x.now = rb_now();
	return store_record_foreach(t, origin, 1, UINT64_MAX, relist_one, &x);
}

int
store_origin_put(struct store_txn *t, const struct origin *o)
{
	struct origin old, other;
	uint8_t idbuf[4];
	MDB_val k, v = { 4, idbuf };
	int rc, existed;

	if (!t->write)
		return RB_EINVAL;
	if (!key_is_zero(o->key)) {
		rc = store_origin_find_key(t, o->key, &other);
		if (rc == RB_OK && other.id != o->id)
			return RB_EEXIST;
		if (rc != RB_OK && rc != RB_ENOENT)
			return rc;
	}
	rc = store_origin_get(t, o->id, &old);
	if (rc != RB_OK && rc != RB_ENOENT)
		return rc;
	existed = rc == RB_OK;
	if (rc == RB_OK && !key_is_zero(old.key) &&
	    memcmp(old.key, o->key, 32) != 0) {
		k.mv_size = 32;
		k.mv_data = old.key;
		rc = mdb_del(t->txn, t->s->dbi[DB_OKEYS], &k, NULL);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return mdb_err(rc);
	}
	if (!key_is_zero(o->key)) {
		be_put(idbuf, o->id, 4);
		k.mv_size = 32;
		k.mv_data = (void *)(uintptr_t)o->key;
		if ((rc = mdb_put(t->txn, t->s->dbi[DB_OKEYS], &k, &v, 0)) != 0)
			return mdb_err(rc);
	}
	if (o->id == 0 && t->self_loaded)
		t->self = *o;
	if ((rc = origin_put(t, o)) != RB_OK)
		return rc;
	/* The policy reads trust and quarantine when it computes a
	 * listing: compute again every key this origin spoke of. */
	if (o->id != 0 && existed && (old.trust != o->trust ||
	    ((old.flags ^ o->flags) & ORIGIN_QUARANTINED)))
		return origin_relist(t, o->id);
	return RB_OK;
}

int
store_origin_add(struct store_txn *t, struct origin *o)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if (!t->write)
		return RB_EINVAL;
	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[DB_ORIGINS], &c)) != 0)
		return mdb_err(rc);
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	mdb_cursor_close(c);
	if (rc != 0)
		return rc == MDB_NOTFOUND ? RB_ECORRUPT : mdb_err(rc);
	if (k.mv_size != 4 || be_get(k.mv_data, 4) >= UINT32_MAX)
		return RB_ECORRUPT;
	o->id = (uint32_t)be_get(k.mv_data, 4) + 1;
	return store_origin_put(t, o);
}

int
store_origin_foreach(struct store_txn *t, origin_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k, v;
	MDB_cursor_op op = MDB_FIRST;
	struct origin o;
	int rc, ret = 0;

	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[DB_ORIGINS], &c)) != 0)
		return mdb_err(rc);
	while ((rc = mdb_cursor_get(c, &k, &v, op)) == 0) {
		uint32_t id;

		op = MDB_NEXT;
		if (k.mv_size != 4)
			continue;
		id = (uint32_t)be_get(k.mv_data, 4);
		if (id == 0 && t->self_loaded)
			o = t->self;
		else if (origin_decode(&v, id, &o) != RB_OK) {
			log_warnx("%s: skipping a damaged origin entry",
			    t->s->dir);
			continue;
		}
		if ((ret = fn(&o, arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return mdb_err(rc);
	return ret;
}

static int lsince_put(MDB_txn *, struct store *, int64_t);
static int lsince_get(MDB_txn *, struct store *, int64_t *);
static int lstat_backfill(struct store_txn *, void *);

/* The schema version: RB_OK, RB_ENOENT when none is written yet (a new
 * store), RB_EVERSION or RB_ECORRUPT. */
static int
schema_check(struct store *s, MDB_txn *txn)
{
	MDB_val k = { 6, "schema" }, v;
	int rc;

	if ((rc = mdb_get(txn, s->dbi[DB_META], &k, &v)) != MDB_SUCCESS)
		return mdb_err(rc);
	if (v.mv_size != 4)
		return RB_ECORRUPT;
	if (be_get(v.mv_data, 4) != STORE_SCHEMA)
		return RB_EVERSION;
	return RB_OK;
}

/* First open: schema version and this node's origin. */
static int
store_init(struct store *s, MDB_txn *txn)
{
	MDB_val k = { 6, "schema" }, v;
	uint8_t buf[4];
	int rc;

	be_put(buf, STORE_SCHEMA, 4);
	v.mv_size = 4;
	v.mv_data = buf;
	if ((rc = mdb_put(txn, s->dbi[DB_META], &k, &v, 0)) != 0)
		return mdb_err(rc);
	{
		struct store_txn t = { .s = s, .txn = txn, .write = 1 };
		struct origin self;

		memset(&self, 0, sizeof(self));
		snprintf(self.name, sizeof(self.name), "self");
		self.trust = TRUST_FULL;
		if ((rc = origin_put(&t, &self)) != RB_OK)
			return rc;
	}
	return lsince_put(txn, s, rb_now());
}

int
store_open(struct store **sp, const char *dir, int64_t map_size, int flags,
    char *err, size_t errlen)
{
	struct store *s;
	MDB_txn *txn = NULL;
	struct stat st;
	int rc, i, dead, fresh = 0, backfill = 0;
	unsigned int envflags = MDB_NOTLS | MDB_NORDAHEAD;
	const char *what = "data.mdb";

	*sp = NULL;
	if (stat(dir, &st) == -1) {
		if (errno != ENOENT || (flags & STORE_RDONLY)) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			return RB_ESYS;
		}
		if (mkdir_p(dir) != RB_OK) {
			snprintf(err, errlen, "%s: cannot create: %s", dir,
			    strerror(errno));
			return RB_ESYS;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return RB_EINVAL;
	}
	s = xcalloc(1, sizeof(*s));
	s->dir = xstrdup(dir);
	if ((rc = mdb_env_create(&s->env)) != 0)
		goto fail;
	mdb_env_set_maxdbs(s->env, 32);
	mdb_env_set_maxreaders(s->env, 126);
	if (map_size > 0)
		mdb_env_set_mapsize(s->env, (size_t)map_size);
	if (flags & STORE_RDONLY)
		envflags |= MDB_RDONLY;
	if ((rc = mdb_env_open(s->env, dir, envflags, 0640)) != 0)
		goto fail;
	/* Reader slots of processes killed while reading. */
	mdb_reader_check(s->env, &dead);
	if (dead > 0)
		log_info("%s: cleared %d stale reader slot(s)", dir, dead);
	what = "open databases";
	if ((rc = mdb_txn_begin(s->env, NULL, flags & STORE_RDONLY ?
	    MDB_RDONLY : 0, &txn)) != 0)
		goto fail;
	for (i = 0; i < DB_COUNT; i++) {
		rc = mdb_dbi_open(txn, db_names[i], flags & STORE_RDONLY ? 0 :
		    MDB_CREATE, &s->dbi[i]);
		if (rc == MDB_NOTFOUND) {
			snprintf(err, errlen, "%s: no rebond store here "
			    "(database '%s' missing)", dir, db_names[i]);
			mdb_txn_abort(txn);
			store_close(s);
			return RB_ENOENT;
		}
		if (rc != 0)
			goto fail;
		/* The schema first: a store of another version may lack
		 * databases that this one has. */
		if (i == DB_META) {
			rc = schema_check(s, txn);
			if (rc == RB_ENOENT && (flags & STORE_RDONLY)) {
				snprintf(err, errlen, "%s: no rebond store here "
				    "(no schema version)", dir);
				mdb_txn_abort(txn);
				store_close(s);
				return RB_ENOENT;
			}
			if (rc == RB_ENOENT)
				fresh = 1;
			else if (rc != RB_OK)
				goto failrb;
		}
	}
	if (fresh && (rc = store_init(s, txn)) != RB_OK)
		goto failrb;
	if (!fresh && !(flags & STORE_RDONLY)) {
		int64_t since;

		backfill = lsince_get(txn, s, &since) == RB_ENOENT;
	}
	/* Commit even a read-only transaction: LMDB closes the DBI handles
	 * opened in a transaction that is aborted. */
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc != 0)
		goto fail;
	/* Listing statistics for a store of an older build (store.h); without
	 * them the counts are walked, so a failure is no reason to stop. */
	if (backfill && (rc = store_write(s, lstat_backfill, NULL)) != RB_OK)
		log_warnx("%s: listing statistics: %s", dir, rb_strerror(rc));
	*sp = s;
	return RB_OK;

fail:
	rc = mdb_err(rc);
failrb:
	if (txn)
		mdb_txn_abort(txn);
	if (rc == RB_EVERSION)
		snprintf(err, errlen, "%s: %s (this build reads schema %d)",
		    dir, rb_strerror(rc), STORE_SCHEMA);
	else if (rc == RB_ECORRUPT)
		snprintf(err, errlen, "%s/data.mdb: %s", dir, rb_strerror(rc));
	else
		snprintf(err, errlen, "%s: %s: %s", dir, rb_strerror(rc),
		    rc == RB_ESYS ? strerror(errno) : what);
	store_close(s);
	return rc;
}

void
store_bulk(struct store *s, int on)
{
	mdb_env_set_flags(s->env, MDB_NOMETASYNC, on ? 1 : 0);
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->rtxn) {
		if (s->rtxn->txn)
			mdb_txn_abort(s->rtxn->txn);
		free(s->rtxn);
	}
	if (s->env)
		mdb_env_close(s->env);
	free(s->dir);
	free(s);
}

struct store_txn *
store_read(struct store *s)
{
	struct store_txn *t = s->rtxn;
	int rc;

	if (t == NULL) {
		t = s->rtxn = xcalloc(1, sizeof(*t));
		t->s = s;
	}
	if (t->active)
		return t;
	rc = t->txn ? mdb_txn_renew(t->txn) :
	    mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t->txn);
	if (rc == MDB_MAP_RESIZED) {
		/* Another process grew the map: adopt its size. */
		if (t->txn)
			mdb_txn_abort(t->txn);
		t->txn = NULL;
		mdb_env_set_mapsize(s->env, 0);
		rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t->txn);
	}
	if (rc != 0) {
		if (t->txn && rc != MDB_BAD_RSLOT) {
			mdb_txn_abort(t->txn);
		}
		t->txn = NULL;
		log_warnx("%s: read transaction: %s", s->dir,
		    mdb_strerror(rc));
		return NULL;
	}
	t->active = 1;
	return t;
}

void
store_read_end(struct store *s)
{
	if (s->rtxn && s->rtxn->active) {
		mdb_txn_reset(s->rtxn->txn);
		s->rtxn->active = 0;
	}
}

uint32_t
store_serial(struct store_txn *t)
{
	return (uint32_t)mdb_txn_id(t->txn);
}

static size_t
listing_key(const struct zkey *k, uint8_t *buf)
{
	buf[0] = k->zone;
	memcpy(buf + 1, k->data, k->len);
	return 1 + (size_t)k->len;
}

int
store_listing_get(struct store_txn *t, const struct zkey *k,
    struct listing *out)
{
	uint8_t kbuf[1 + DOMAIN_MAX + 1];
	MDB_val key, val;
	int rc;

	key.mv_size = listing_key(k, kbuf);
	key.mv_data = kbuf;
	if ((rc = mdb_get(t->txn, t->s->dbi[DB_LISTING], &key, &val)) != 0)
		return mdb_err(rc);
	if (listing_decode(val.mv_data, val.mv_size, out) != RB_OK)
		return RB_ECORRUPT;
	return RB_OK;
}

int
store_listing_below(struct store_txn *t, int zone, const uint8_t *rev,
    size_t len, int64_t now)
{
	uint8_t kbuf[1 + DOMAIN_MAX + 2];
	MDB_cursor *c;
	MDB_val key, val;
	MDB_cursor_op op = MDB_SET_RANGE;
	int found = 0, seen;

	if (len > DOMAIN_MAX)
		return 0;
	kbuf[0] = (uint8_t)zone;
	memcpy(kbuf + 1, rev, len);
	kbuf[1 + len] = '.';
	key.mv_size = len + 2;
	key.mv_data = kbuf;
	if (mdb_cursor_open(t->txn, t->s->dbi[DB_LISTING], &c) != 0)
		return 0;
	/* The first few names below: one alive is enough.  Past the bound,
	 * answer "exists": NODATA where NXDOMAIN was due only costs a
	 * resolver one more question, the reverse breaks QNAME
	 * minimisation. */
	for (seen = 0; !found; seen++) {
		struct listing l;

		if (mdb_cursor_get(c, &key, &val, op) != 0 ||
		    key.mv_size <= len + 2 ||
		    memcmp(key.mv_data, kbuf, len + 2) != 0)
			break;
		op = MDB_NEXT;
		if (seen == 16 || listing_decode(val.mv_data, val.mv_size,
		    &l) != RB_OK || listing_active(&l, now) > 0)
			found = 1;
	}
	mdb_cursor_close(c);
	return found;
}

int
store_listing_foreach(struct store_txn *t, int zone, listing_fn fn,
    void *arg)
{
	MDB_cursor *c;
	MDB_val key, val;
	uint8_t z = zone < 0 ? 0 : (uint8_t)zone;
	int rc, ret = 0;
	MDB_cursor_op op = MDB_SET_RANGE;

	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[DB_LISTING], &c)) != 0)
		return mdb_err(rc);
	key.mv_size = 1;
	key.mv_data = &z;
	while ((rc = mdb_cursor_get(c, &key, &val, op)) == 0) {
		const uint8_t *kp = key.mv_data;
		struct zkey k;
		struct listing l;

		op = MDB_NEXT;
		if (zone >= 0 && kp[0] != zone)
			break;
		if (key.mv_size < 2 || key.mv_size > 1 + DOMAIN_MAX ||
		    kp[0] >= ZONE_COUNT ||
		    listing_decode(val.mv_data, val.mv_size, &l) != RB_OK) {
			log_warnx("%s: skipping a damaged listing entry",
			    t->s->dir);
			continue;
		}
		k.zone = kp[0];
		k.len = (uint8_t)(key.mv_size - 1);
		memcpy(k.data, kp + 1, k.len);
		if ((ret = fn(&k, &l, arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return mdb_err(rc);
	return ret;
}

/* Evidence keys: zone . len . key . origin(4) . reason(1). */
static size_t
evidence_prefix(const struct zkey *k, uint8_t *buf)
{
	buf[0] = k->zone;
	buf[1] = k->len;
	memcpy(buf + 2, k->data, k->len);
	return 2 + (size_t)k->len;
}

/* The origin of an evidence row as the policy sees it: one that cannot
 * be read only observes. */
static void
evidence_origin(struct store_txn *t, uint32_t id, struct origin *o)
{
	if (store_origin_get(t, id, o) != RB_OK) {
		memset(o, 0, sizeof(*o));
		o->trust = TRUST_OBSERVE;
	}
}

/* Load every evidence row of k with its origin's trust. */
static int
evidence_load(struct store_txn *t, const struct zkey *k, struct evidence *ev,
    int max)
{
	uint8_t pbuf[2 + DOMAIN_MAX + 1 + 5];
	size_t plen = evidence_prefix(k, pbuf);
	MDB_cursor *c;
	MDB_val key = { plen, pbuf }, val;
	MDB_cursor_op op = MDB_SET_RANGE;
	struct origin o;
	uint32_t cached = UINT32_MAX;
	int n = 0, rc;

	memset(&o, 0, sizeof(o));
	if ((rc = txn_cursor(t, DB_EVIDENCE, &c)) != RB_OK)
		return rc;
	while (n < max && (rc = mdb_cursor_get(c, &key, &val, op)) == 0) {
		const uint8_t *kp = key.mv_data;
		struct evidence *e = &ev[n];

		op = MDB_NEXT;
		if (key.mv_size != plen + 5 || memcmp(kp, pbuf, plen) != 0)
			break;
		memset(e, 0, sizeof(*e));
		e->origin = (uint32_t)be_get(kp + plen, 4);
		if (record_decode(val.mv_data, val.mv_size, &e->rec) != RB_OK) {
			log_warnx("%s: skipping a damaged evidence entry",
			    t->s->dir);
			continue;
		}
		e->rec.origin = e->origin;
		if (e->origin != cached) {
			evidence_origin(t, e->origin, &o);
			cached = e->origin;
		}
		e->trust = o.trust;
		e->quarantined = (o.flags & ORIGIN_QUARANTINED) != 0;
		n++;
	}
	cursor_done(t, c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return mdb_err(rc);
	return n;
}

/* Evidence rows of k: most keys have a few, so a small array on the
 * stack first, the heap only when it is full. */
#define EVIDENCE_FEW	16

static int
evidence_all(struct store_txn *t, const struct zkey *k, struct evidence *few,
    struct evidence **ev)
{
	int n;

	*ev = few;
	if ((n = evidence_load(t, k, few, EVIDENCE_FEW)) < EVIDENCE_FEW)
		return n;
	*ev = xcalloc(EVIDENCE_MAX, sizeof(**ev));
	if ((n = evidence_load(t, k, *ev, EVIDENCE_MAX)) < 0) {
		free(*ev);
		*ev = few;
	}
	return n;
}

/*
 * The evidence rows of one key as evidence_all() loads them, kept
 * through a record write: evrows_del() and evrows_put() follow each
 * change of the key's evidence, so that the listing is computed from
 * them without reading the rows back.  n < 0: not known, read again.
 */
struct evrows {
	struct evidence	 few[EVIDENCE_FEW];
	struct evidence	*ev;		/* few, or EVIDENCE_MAX on the heap */
	int		 n;
	int		 max;		/* room in ev */
};

static int
evrows_load(struct store_txn *t, const struct zkey *k, struct evrows *w)
{
	w->n = evidence_all(t, k, w->few, &w->ev);
	w->max = w->ev == w->few ? EVIDENCE_FEW : EVIDENCE_MAX;
	return w->n;
}

static void
evrows_free(struct evrows *w)
{
	if (w->ev != w->few)
		free(w->ev);
}

/* As evidence_del(r) leaves them.  A full array may have left rows
 * unread, which a row less would bring in: then they are read again. */
static void
evrows_del(struct evrows *w, const struct record *r)
{
	int i, k = 0;

	if (w->n < 0)
		return;
	for (i = 0; i < w->n; i++)
		if (w->ev[i].origin != r->origin ||
		    (r->reason != 0 && w->ev[i].rec.reason != r->reason))
			w->ev[k++] = w->ev[i];
	w->n = k < w->n && w->n == w->max ? -1 : k;
}

/* As evidence_put(r) leaves them, buf[0..len) being what it stored: the
 * row decoded from it, in key order (origin, reason). */
static void
evrows_put(struct store_txn *t, struct evrows *w, const struct record *r,
    const uint8_t *buf, size_t len)
{
	struct evidence e;
	struct origin o;
	int i, same;

	if (w->n < 0)
		return;
	for (i = 0; i < w->n; i++)
		if (w->ev[i].origin > r->origin ||
		    (w->ev[i].origin == r->origin &&
		    w->ev[i].rec.reason >= r->reason))
			break;
	same = i < w->n && w->ev[i].origin == r->origin &&
	    w->ev[i].rec.reason == r->reason;
	memset(&e, 0, sizeof(e));
	if (record_decode(buf, len, &e.rec) != RB_OK) {
		/* What a read skips as damaged. */
		if (same && w->n == w->max)
			w->n = -1;
		else if (same) {
			memmove(&w->ev[i], &w->ev[i + 1],
			    (size_t)(w->n - i - 1) * sizeof(e));
			w->n--;
		}
		return;
	}
	if (!same && w->n == w->max) {
		w->n = -1;
		return;
	}
	e.origin = e.rec.origin = r->origin;
	evidence_origin(t, r->origin, &o);
	e.trust = o.trust;
	e.quarantined = (o.flags & ORIGIN_QUARANTINED) != 0;
	if (!same) {
		memmove(&w->ev[i + 1], &w->ev[i],
		    (size_t)(w->n - i) * sizeof(e));
		w->n++;
	}
	w->ev[i] = e;
}

int
store_evidence_foreach(struct store_txn *t, const struct zkey *k,
    evidence_fn fn, void *arg)
{
	struct evrows w;
	int i, ret = 0;

	if (evrows_load(t, k, &w) < 0)
		return w.n;
	for (i = 0; i < w.n && ret == 0; i++)
		ret = fn(&w.ev[i], arg);
	evrows_free(&w);
	return ret;
}

/* Listing statistics in `meta` (store.h): "lx" buckets of listings by
 * expiry, "ld" changes per day, "lsince". */
#define LX_KEYLEN	(2 + 1 + 1 + 8)
#define LD_KEYLEN	(2 + 1 + 4)

/* The change of one "lx" bucket: listings taken out, then put in. */
struct lx_change {
	uint8_t		code;
	int64_t		expires;
	uint8_t		out, in;
};
#define LX_CHANGES	(2 * (LISTING_MAX + 1))

/* A statistics entry of DB_META read through the write's cursor, left
 * on it for the update: *found (val then holds its value) or not. */
static int
meta_find(struct store_txn *t, MDB_val *key, MDB_val *val, MDB_cursor **c,
    int *found)
{
	int rc;

	if ((rc = txn_cursor(t, DB_META, c)) != RB_OK)
		return rc;
	if ((rc = mdb_cursor_get(*c, key, val, MDB_SET)) != 0 &&
	    rc != MDB_NOTFOUND)
		return mdb_err(rc);
	*found = rc == 0;
	return RB_OK;
}

/* Its new value: written in place, or added. */
static int
meta_put(MDB_cursor *c, MDB_val *key, uint8_t *v, size_t len, int found)
{
	MDB_val val = { len, v };

	return mdb_err(mdb_cursor_put(c, key, &val, found ? MDB_CURRENT : 0));
}

/* Write one bucket's change: one lookup and at most one write, leaving
 * what taking one away (never below zero, whatever a damaged entry did
 * before) per listing out, then adding one per listing in, would. */
static int
lx_apply(struct store_txn *t, int zone, const struct lx_change *x)
{
	uint8_t kbuf[LX_KEYLEN], vbuf[8];
	MDB_val key = { sizeof(kbuf), kbuf }, val;
	MDB_cursor *c;
	uint64_t n = 0, was;
	int rc, found;

	memcpy(kbuf, "lx", 2);
	kbuf[2] = (uint8_t)zone;
	kbuf[3] = x->code;
	be_put(kbuf + 4, (uint64_t)x->expires, 8);
	if ((rc = meta_find(t, &key, &val, &c, &found)) != RB_OK)
		return rc;
	if (found && val.mv_size == 8)
		n = be_get(val.mv_data, 8);
	was = n;
	n = (n > x->out ? n - x->out : 0) + x->in;
	if (n == 0)
		return found ? mdb_err(mdb_cursor_del(c, 0)) : RB_OK;
	if (found && val.mv_size == 8 && n == was)
		return RB_OK;
	be_put(vbuf, n, 8);
	return meta_put(c, &key, vbuf, sizeof(vbuf), found);
}

/* The time a key stops being listed: its latest expiry, 0 if never. */
static int64_t
listing_end(const struct listing *l)
{
	int64_t end = 0;
	int i;

	for (i = 0; i < l->n; i++) {
		if (l->r[i].expires == 0)
			return 0;
		if (l->r[i].expires > end)
			end = l->r[i].expires;
	}
	return end;
}

static int
lx_note(struct lx_change *x, int n, int code, int64_t expires, int in)
{
	int i;

	for (i = 0; i < n; i++)
		if (x[i].code == code && x[i].expires == expires)
			break;
	if (i == n) {
		x[n].code = (uint8_t)code;
		x[n].expires = expires;
		x[n].out = x[n].in = 0;
		n++;
	}
	if (in)
		x[i].in++;
	else
		x[i].out++;
	return n;
}

/* Note the buckets of a stored listing, taken out (in 0) or put in (1):
 * one per reason and one for the key.  Returns the number noted in x. */
static int
lx_listing(struct lx_change *x, int n, const struct listing *l, int in)
{
	int i;

	if (l->n == 0)
		return n;
	for (i = 0; i < l->n; i++)
		n = lx_note(x, n, l->r[i].reason, l->r[i].expires, in);
	return lx_note(x, n, 0, listing_end(l), in);
}

static int
same_buckets(const struct listing *a, const struct listing *b)
{
	int i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->r[i].reason != b->r[i].reason ||
		    a->r[i].expires != b->r[i].expires)
			return 0;
	return 1;
}

/* A key started (listed) or stopped (!listed) being listed at now. */
static int
ld_add(struct store_txn *t, int zone, int64_t now, int listed)
{
	uint8_t kbuf[LD_KEYLEN], vbuf[8];
	MDB_val key = { sizeof(kbuf), kbuf }, val;
	MDB_cursor *c;
	uint64_t a = 0, d = 0;
	int rc, found;

	memcpy(kbuf, "ld", 2);
	kbuf[2] = (uint8_t)zone;
	be_put(kbuf + 3, (uint64_t)(now > 0 ? now / 86400 : 0), 4);
	if ((rc = meta_find(t, &key, &val, &c, &found)) != RB_OK)
		return rc;
	if (found && val.mv_size == 8) {
		a = be_get(val.mv_data, 4);
		d = be_get((const uint8_t *)val.mv_data + 4, 4);
	}
	if (listed && a < UINT32_MAX)
		a++;
	else if (!listed && d < UINT32_MAX)
		d++;
	be_put(vbuf, a, 4);
	be_put(vbuf + 4, d, 4);
	return meta_put(c, &key, vbuf, sizeof(vbuf), found);
}

/* A key's listing went from old to l at now: its buckets move, each read
 * and written once however many of the two listings it holds, and the
 * day counts the key if it started or stopped being listed. */
static int
lstat_change(struct store_txn *t, int zone, struct listing *old,
    const struct listing *l, int64_t now)
{
	struct lx_change x[LX_CHANGES];
	int i, n, rc, was;

	if (!same_buckets(old, l)) {
		n = lx_listing(x, 0, old, 0);
		n = lx_listing(x, n, l, 1);
		for (i = 0; i < n; i++)
			if ((rc = lx_apply(t, zone, &x[i])) != RB_OK)
				return rc;
	}
	was = old->n > 0 && listing_active(old, now) > 0;
	if (was != (l->n > 0))
		return ld_add(t, zone, now, l->n > 0);
	return RB_OK;
}

static int
lsince_put(MDB_txn *txn, struct store *s, int64_t when)
{
	MDB_val k = { 6, "lsince" }, v;
	uint8_t buf[8];

	be_put(buf, (uint64_t)when, 8);
	v.mv_size = sizeof(buf);
	v.mv_data = buf;
	return mdb_err(mdb_put(txn, s->dbi[DB_META], &k, &v, 0));
}

static int
lsince_get(MDB_txn *txn, struct store *s, int64_t *when)
{
	MDB_val k = { 6, "lsince" }, v;
	int rc;

	if ((rc = mdb_get(txn, s->dbi[DB_META], &k, &v)) != 0)
		return mdb_err(rc);
	if (v.mv_size != 8)
		return RB_ECORRUPT;
	*when = (int64_t)be_get(v.mv_data, 8);
	return RB_OK;
}

/* A store written before the statistics were kept: one walk of the
 * listing table (in store_write, which grows the map if need be). */
static int
lstat_backfill(struct store_txn *t, void *arg)
{
	MDB_cursor *c;
	MDB_val key, val;
	int64_t since;
	int rc, ret = RB_OK;

	(void)arg;
	if ((rc = lsince_get(t->txn, t->s, &since)) != RB_ENOENT)
		return rc;	/* kept already (another process), or error */
	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[DB_LISTING], &c)) != 0)
		return mdb_err(rc);
	while ((rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) == 0) {
		const uint8_t *kp = key.mv_data;
		struct listing l;
		struct lx_change x[LX_CHANGES];
		int i, n;

		if (key.mv_size < 2 || kp[0] >= ZONE_COUNT ||
		    listing_decode(val.mv_data, val.mv_size, &l) != RB_OK)
			continue;
		n = lx_listing(x, 0, &l, 1);
		for (i = 0; i < n && ret == RB_OK; i++)
			ret = lx_apply(t, kp[0], &x[i]);
		if (ret != RB_OK)
			break;
	}
	mdb_cursor_close(c);
	if (ret != RB_OK)
		return ret;
	if (rc != MDB_NOTFOUND)
		return mdb_err(rc);
	return lsince_put(t->txn, t->s, rb_now());
}

/* Compute the listing of k again from its evidence: w, the rows as the
 * caller's write left them, or (NULL) read here. */
static int
listing_update(struct store_txn *t, const struct zkey *k, int64_t now,
    const struct evrows *w)
{
	struct evrows own;
	struct listing l, old;
	uint8_t kbuf[1 + DOMAIN_MAX + 1], vbuf[LISTING_ENC_MAX];
	MDB_cursor *c;
	MDB_val key, val, nval;
	int rc, found;

	if (w == NULL || w->n < 0) {
		if (evrows_load(t, k, &own) < 0)
			return own.n;
		w = &own;
	}
	policy_compute(w->ev, w->n, now, &l, NULL);
	if (w == &own)
		evrows_free(&own);
	key.mv_size = listing_key(k, kbuf);
	key.mv_data = kbuf;
	if ((rc = txn_cursor(t, DB_LISTING, &c)) != RB_OK)
		return rc;
	if ((rc = mdb_cursor_get(c, &key, &val, MDB_SET)) != 0 &&
	    rc != MDB_NOTFOUND)
		return mdb_err(rc);
	found = rc == 0;
	/* The statistics follow the change from the stored listing, in a
	 * store that keeps them (else a later backfill counts them). */
	if (t->lstat == 0) {
		int64_t since;

		t->lstat = lsince_get(t->txn, t->s, &since) == RB_OK ? 1 : -1;
	}
	if (t->lstat > 0 && (!found ||
	    listing_decode(val.mv_data, val.mv_size, &old) != RB_OK))
		old.n = 0;
	/* Written before the statistics, while val points to the page. */
	if (l.n == 0)
		rc = found ? mdb_cursor_del(c, 0) : 0;
	else {
		nval.mv_size = listing_encode(&l, vbuf, sizeof(vbuf));
		nval.mv_data = vbuf;
		if (found && val.mv_size == nval.mv_size &&
		    memcmp(val.mv_data, vbuf, nval.mv_size) == 0)
			rc = 0;
		else
			rc = mdb_cursor_put(c, &key, &nval,
			    found ? MDB_CURRENT : 0);
	}
	if (rc != 0)
		return mdb_err(rc);
	if (t->lstat > 0)
		return lstat_change(t, k->zone, &old, &l, now);
	return RB_OK;
}

/* Store r as its origin's row for its key and reason; buf[0..len) is
 * its encoding, as logged. */
static int
evidence_put(struct store_txn *t, const struct record *r, const uint8_t *buf,
    size_t len)
{
	uint8_t kbuf[2 + DOMAIN_MAX + 1 + 5];
	size_t plen = evidence_prefix(&r->key, kbuf);
	MDB_cursor *c;
	MDB_val key, val;
	int rc;

	be_put(kbuf + plen, r->origin, 4);
	kbuf[plen + 4] = r->reason;
	key.mv_size = plen + 5;
	key.mv_data = kbuf;
	val.mv_size = len;
	val.mv_data = (void *)(uintptr_t)buf;
	/* Where the rows of the key were just read: on that page, likely. */
	if ((rc = txn_cursor(t, DB_EVIDENCE, &c)) != RB_OK)
		return rc;
	return mdb_err(mdb_cursor_put(c, &key, &val, 0));
}

/* Delete the origin's rows for the key: one reason, or all (reason 0). */
static int
evidence_del(struct store_txn *t, const struct record *r)
{
	uint8_t kbuf[2 + DOMAIN_MAX + 1 + 5];
	size_t plen = evidence_prefix(&r->key, kbuf);
	MDB_cursor *c;
	MDB_val key, val;
	int rc;

	be_put(kbuf + plen, r->origin, 4);
	kbuf[plen + 4] = r->reason;
	if ((rc = txn_cursor(t, DB_EVIDENCE, &c)) != RB_OK)
		return rc;
	/* Seek again after each delete: simple, and rows per origin are few. */
	for (;;) {
		key.mv_size = plen + (r->reason ? 5 : 4);
		key.mv_data = kbuf;
		if ((rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE)) != 0)
			break;
		if (key.mv_size != plen + 5 || memcmp(key.mv_data, kbuf,
		    plen + 4) != 0 ||
		    (r->reason && ((uint8_t *)key.mv_data)[plen + 4] !=
		    r->reason))
			break;
		if ((rc = mdb_cursor_del(c, 0)) != 0)
			break;
	}
	if (rc == MDB_NOTFOUND)
		rc = 0;
	return mdb_err(rc);
}

static int
self_load(struct store_txn *t)
{
	int rc;

	if (t->self_loaded)
		return RB_OK;
	if ((rc = store_origin_get(t, 0, &t->self)) != RB_OK)
		return rc == RB_ENOENT ? RB_ECORRUPT : rc;
	t->self_loaded = 1;
	return RB_OK;
}

/* store_record_add(); w, if not NULL, holds the evidence rows of r's key
 * as read in this transaction, and follows the write. */
static int
record_add(struct store_txn *t, struct record *r, struct evrows *w)
{
	uint8_t kbuf[12], vbuf[RECORD_ENC_MAX];
	MDB_val key = { sizeof(kbuf), kbuf }, val;
	MDB_cursor *c;
	size_t len;
	int rc;

	if (!t->write)
		return RB_EINVAL;
	if (r->origin == 0) {
		if ((rc = self_load(t)) != RB_OK)
			return rc;
		r->seq = ++t->self.last_seq;
	} else if (r->seq == 0)
		return RB_EINVAL;
	be_put(kbuf, r->origin, 4);
	be_put(kbuf + 4, r->seq, 8);
	len = record_encode(r, vbuf, sizeof(vbuf));
	val.mv_size = len;
	val.mv_data = vbuf;
	/* An origin's records follow each other: the cursor stays on the
	 * page of the last one. */
	if ((rc = txn_cursor(t, DB_RECORDS, &c)) != RB_OK)
		return rc;
	if ((rc = mdb_cursor_put(c, &key, &val, MDB_NOOVERWRITE)) != 0)
		return mdb_err(rc);
	if (r->flags & REC_DELETE) {
		if ((rc = evidence_del(t, r)) != RB_OK)
			return rc;
		if (w != NULL)
			evrows_del(w, r);
		/* This node's deletion stays as a tombstone that hides older
		 * peer evidence (policy.h). */
		if (r->origin == 0 && r->reason == 0) {
			if ((rc = evidence_put(t, r, vbuf, len)) != RB_OK)
				return rc;
			if (w != NULL)
				evrows_put(t, w, r, vbuf, len);
		}
	} else {
		if ((rc = evidence_put(t, r, vbuf, len)) != RB_OK)
			return rc;
		if (w != NULL)
			evrows_put(t, w, r, vbuf, len);
	}
	return listing_update(t, &r->key, rb_now(), w);
}

int
store_record_add(struct store_txn *t, struct record *r)
{
	return record_add(t, r, NULL);
}

int
store_record_get(struct store_txn *t, uint32_t origin, uint64_t seq,
    struct record *r)
{
	uint8_t kbuf[12];
	MDB_val key = { sizeof(kbuf), kbuf }, val;
	int rc;

	be_put(kbuf, origin, 4);
	be_put(kbuf + 4, seq, 8);
	if ((rc = mdb_get(t->txn, t->s->dbi[DB_RECORDS], &key, &val)) != 0)
		return mdb_err(rc);
	if (record_decode(val.mv_data, val.mv_size, r) != RB_OK)
		return RB_ECORRUPT;
	r->origin = origin;
	return RB_OK;
}

int
store_record_foreach(struct store_txn *t, uint32_t origin, uint64_t from,
    uint64_t to, record_fn fn, void *arg)
{
	uint8_t kbuf[12];
	MDB_cursor *c;
	MDB_val key = { sizeof(kbuf), kbuf }, val;
	MDB_cursor_op op = MDB_SET_RANGE;
	struct record r;
	int rc, ret = 0;

	be_put(kbuf, origin, 4);
	be_put(kbuf + 4, from, 8);
	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[DB_RECORDS], &c)) != 0)
		return mdb_err(rc);
	while ((rc = mdb_cursor_get(c, &key, &val, op)) == 0) {
		const uint8_t *kp = key.mv_data;

		op = MDB_NEXT;
		if (key.mv_size != 12 || be_get(kp, 4) != origin ||
		    be_get(kp + 4, 8) > to)
			break;
		if (record_decode(val.mv_data, val.mv_size, &r) != RB_OK ||
		    r.seq != be_get(kp + 4, 8)) {
			ret = RB_ECORRUPT;
			break;
		}
		r.origin = origin;
		if ((ret = fn(&r, arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return mdb_err(rc);
	return ret;
}

/* This node's row for reason, not a deletion; NULL if none. */
static const struct record *
evrows_self(const struct evrows *w, int reason)
{
	const struct record *found = NULL;
	int i;

	for (i = 0; i < w->n; i++)
		if (w->ev[i].origin == 0 && w->ev[i].rec.reason == reason &&
		    !(w->ev[i].rec.flags & REC_DELETE))
			found = &w->ev[i].rec;
	return found;
}

/* store_assert(); hourly: store_assert_hourly(). */
static int
assert_key(struct store_txn *t, const struct zkey *k, int reason,
    const struct status *st, int64_t now, int64_t expires_in,
    uint32_t count, int scope, int hourly)
{
	struct evrows w;
	const struct record *old;
	struct record r;
	int rc;

	if (!reason_valid(k->zone, reason))
		return RB_EINVAL;
	if (evrows_load(t, k, &w) < 0)
		return w.n;
	old = evrows_self(&w, reason);
	if (hourly && old != NULL && old->last >= hour_floor(now) &&
	    (old->expires == 0 || old->expires >= now + expires_in - 3600)) {
		evrows_free(&w);
		return RB_EEXIST;
	}
	memset(&r, 0, sizeof(r));
	r.key = *k;
	r.reason = (uint8_t)reason;
	r.scope = (uint8_t)scope;
	if (st)
		r.status = *st;
	r.last = hour_floor(now);
	r.first = old && old->first < r.last ? old->first : r.last;
	r.count = (old ? old->count : 0) + count;
	if (old && old->count > UINT32_MAX - count)
		r.count = UINT32_MAX;
	/* Round expiry up to the hour so that it never ends early. */
	r.expires = expires_in > 0 ? hour_floor(now + expires_in + 3599) : 0;
	/* The rows read here give the listing: they are read once. */
	rc = record_add(t, &r, &w);
	evrows_free(&w);
	return rc;
}

int
store_assert(struct store_txn *t, const struct zkey *k, int reason,
    const struct status *st, int64_t now, int64_t expires_in,
    uint32_t count, int scope)
{
	return assert_key(t, k, reason, st, now, expires_in, count, scope, 0);
}

int
store_assert_hourly(struct store_txn *t, const struct zkey *k, int reason,
    const struct status *st, int64_t now, int64_t expires_in,
    uint32_t count, int scope)
{
	return assert_key(t, k, reason, st, now, expires_in, count, scope, 1);
}

int
store_retract(struct store_txn *t, const struct zkey *k, int reason,
    int64_t now, int scope)
{
	struct evrows w;
	struct record r;
	int rc, i, any = 0;

	if (evrows_load(t, k, &w) < 0)
		return w.n;
	for (i = 0; i < w.n; i++)
		if (!(w.ev[i].rec.flags & REC_DELETE))
			any = 1;
	if (reason ? evrows_self(&w, reason) == NULL : !any) {
		evrows_free(&w);
		return RB_ENOENT;
	}
	memset(&r, 0, sizeof(r));
	r.key = *k;
	r.reason = (uint8_t)reason;
	r.flags = REC_DELETE;
	r.scope = (uint8_t)scope;
	r.first = r.last = hour_floor(now);
	rc = record_add(t, &r, &w);
	evrows_free(&w);
	return rc;
}

/* Less than DISK_LOW free for us on the store's file system. */
static int
disk_low(const struct store *s, unsigned long long *avail)
{
	struct statvfs sv;

	if (statvfs(s->dir, &sv) == -1)
		return 0;
	*avail = (unsigned long long)sv.f_bavail * sv.f_frsize;
	return *avail < DISK_LOW;
}

/* A write that failed for lack of space: ENOSPC or EDQUOT, or the short
 * write LMDB reports as EIO with the file system (nearly) full; MAP_FULL
 * with the map at its largest.  Says so, naming the file and what to do,
 * at most once a minute (a feeder retries at every batch): LMDB aborted
 * the transaction, the store is as the last commit left it.  Other
 * errors are returned translated. */
static int
write_failed(struct store *s, int mdbrc)
{
	unsigned long long avail = 0;
	char what[160];
	time_t now = time(NULL);
	int low = disk_low(s, &avail);

	if (mdbrc == ENOSPC || mdbrc == EDQUOT || (mdbrc == EIO && low))
		snprintf(what, sizeof(what), "no space left on its file "
		    "system (%s, %llu KiB free)", mdbrc == EDQUOT ?
		    "quota exceeded" : "disk full", avail >> 10);
	else if (mdbrc == MDB_MAP_FULL)
		snprintf(what, sizeof(what), "no space left in the LMDB map, "
		    "at its largest (%lld GiB)", MAP_MAX >> 30);
	else
		return mdb_err(mdbrc);
	if (!s->space_failing || now - s->space_logged >= SPACE_LOG_EVERY) {
		log_warnx("%s/data.mdb: %s: this write was not stored, the "
		    "store is intact as last written; free space there (or "
		    "move state-dir), then writes go on", s->dir, what);
		s->space_logged = now;
	}
	s->space_failing = 1;
	return RB_ESPACE;
}

int
store_write(struct store *s, store_write_fn fn, void *arg)
{
	struct store_txn t;
	MDB_envinfo info;
	unsigned long long avail;
	int rc, tries;

	for (tries = 0; tries < 24; tries++) {
		memset(&t, 0, sizeof(t));
		t.s = s;
		t.write = 1;
		rc = mdb_txn_begin(s->env, NULL, 0, &t.txn);
		if (rc == MDB_MAP_RESIZED) {
			mdb_env_set_mapsize(s->env, 0);
			continue;
		}
		if (rc != 0)
			return mdb_err(rc);
		rc = fn(&t, arg);
		if (rc == RB_OK && t.self_loaded)
			rc = origin_put(&t, &t.self);
		if (rc != RB_OK) {
			mdb_txn_abort(t.txn);
			if (rc != RB_ESPACE)
				return rc;
			/* The map is full, or the disk (a put that spilled
			 * pages): growing the map would not help that. */
			if (disk_low(s, &avail))
				return write_failed(s, ENOSPC);
		} else {
			rc = mdb_txn_commit(t.txn);
			if (rc == 0) {
				if (s->space_failing)
					log_info("%s/data.mdb: writing again",
					    s->dir);
				s->space_failing = 0;
				return RB_OK;
			}
			if (rc != MDB_MAP_FULL)
				return write_failed(s, rc);
		}
		/* Map full: grow it and run fn again. */
		mdb_env_info(s->env, &info);
		if ((int64_t)info.me_mapsize >= MAP_MAX)
			return write_failed(s, MDB_MAP_FULL);
		if (s->rtxn && s->rtxn->active)
			return RB_ESPACE;	/* cannot resize while reading */
		rc = mdb_env_set_mapsize(s->env, info.me_mapsize * 2);
		if (rc != 0)
			return mdb_err(rc);
		log_info("%s: map grown to %zu MiB", s->dir,
		    info.me_mapsize * 2 >> 20);
	}
	return RB_ESPACE;
}

/* Plain key-value databases (enum store_kv). */

static int
kv_dbi(struct store_txn *t, int db, MDB_dbi *dbi)
{
	if (db < 0 || db >= KV_COUNT)
		return RB_EINVAL;
	*dbi = t->s->dbi[DB_KV0 + db];
	return RB_OK;
}

int
store_kv_get(struct store_txn *t, int db, const void *k, size_t klen,
    const void **v, size_t *vlen)
{
	MDB_val key = { klen, (void *)(uintptr_t)k }, val;
	MDB_dbi dbi;
	int rc;

	if ((rc = kv_dbi(t, db, &dbi)) != RB_OK)
		return rc;
	if ((rc = mdb_get(t->txn, dbi, &key, &val)) != 0)
		return mdb_err(rc);
	*v = val.mv_data;
	*vlen = val.mv_size;
	return RB_OK;
}

/* put with LMDB flags: 0, or MDB_APPEND falling back to a plain put. */
static int
kv_put(struct store_txn *t, int db, const void *k, size_t klen,
    const void *v, size_t vlen, unsigned int flags)
{
	MDB_val key = { klen, (void *)(uintptr_t)k };
	MDB_val val = { vlen, (void *)(uintptr_t)v };
	MDB_dbi dbi;
	int rc;

	if (!t->write)
		return RB_EINVAL;
	if ((rc = kv_dbi(t, db, &dbi)) != RB_OK)
		return rc;
	rc = mdb_put(t->txn, dbi, &key, &val, flags);
	if (rc == MDB_KEYEXIST && (flags & MDB_APPEND))
		rc = mdb_put(t->txn, dbi, &key, &val, 0);
	return mdb_err(rc);
}

int
store_kv_put(struct store_txn *t, int db, const void *k, size_t klen,
    const void *v, size_t vlen)
{
	return kv_put(t, db, k, klen, v, vlen, 0);
}

int
store_kv_del(struct store_txn *t, int db, const void *k, size_t klen)
{
	MDB_val key = { klen, (void *)(uintptr_t)k };
	MDB_dbi dbi;
	int rc;

	if (!t->write)
		return RB_EINVAL;
	if ((rc = kv_dbi(t, db, &dbi)) != RB_OK)
		return rc;
	rc = mdb_del(t->txn, dbi, &key, NULL);
	return rc == MDB_NOTFOUND ? RB_ENOENT : mdb_err(rc);
}

/* Walk db from the first key >= from; with plen, stop at the first key
 * that does not start with from[0..plen). */
static int
kv_walk(struct store_txn *t, int db, const void *from, size_t flen,
    size_t plen, kv_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val key = { flen, (void *)(uintptr_t)from }, val;
	MDB_cursor_op op = flen ? MDB_SET_RANGE : MDB_FIRST;
	MDB_dbi dbi;
	int rc, ret = 0;

	if ((rc = kv_dbi(t, db, &dbi)) != RB_OK)
		return rc;
	if ((rc = mdb_cursor_open(t->txn, dbi, &c)) != 0)
		return mdb_err(rc);
	while ((rc = mdb_cursor_get(c, &key, &val, op)) == 0) {
		op = MDB_NEXT;
		if (plen && (key.mv_size < plen ||
		    memcmp(key.mv_data, from, plen) != 0))
			break;
		if ((ret = fn(key.mv_data, key.mv_size, val.mv_data,
		    val.mv_size, arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return mdb_err(rc);
	return ret;
}

int
store_kv_foreach(struct store_txn *t, int db, const void *prefix,
    size_t plen, kv_fn fn, void *arg)
{
	return kv_walk(t, db, prefix, plen, plen, fn, arg);
}

int
store_kv_append(struct store_txn *t, int db, const void *k, size_t klen,
    const void *v, size_t vlen)
{
	/* Past the last key, LMDB only touches the rightmost pages. */
	return kv_put(t, db, k, klen, v, vlen, MDB_APPEND);
}

int
store_kv_range(struct store_txn *t, int db, const void *from, size_t flen,
    kv_fn fn, void *arg)
{
	return kv_walk(t, db, from, flen, 0, fn, arg);
}

/* Listing statistics (store.h). */

struct lcount_walk {
	struct listing_counts	*out;
	int64_t			 now, from;
};

static int
lcount_walked(const struct zkey *k, const struct listing *cl, void *arg)
{
	struct lcount_walk *w = arg;
	struct listing l = *cl;
	int64_t end = listing_end(cl);
	int i;

	if (listing_active(&l, w->now) == 0) {
		w->out->expired[k->zone]++;
		if (end >= w->from)
			w->out->expired_in[k->zone]++;
		return 0;
	}
	w->out->keys[k->zone]++;
	for (i = 0; i < l.n; i++)
		w->out->codes[k->zone][l.r[i].reason]++;
	return 0;
}

int
store_listing_counts(struct store_txn *t, int64_t now, uint32_t day_from,
    uint32_t day_to, struct listing_counts *out)
{
	MDB_cursor *c;
	MDB_val key = { 2, "lx" }, val;
	MDB_cursor_op op = MDB_SET_RANGE;
	int64_t from = (int64_t)day_from * 86400;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = lsince_get(t->txn, t->s, &out->since)) == RB_ENOENT) {
		struct lcount_walk w = { out, now, from };

		out->since = 0;
		return store_listing_foreach(t, -1, lcount_walked, &w);
	}
	if (rc != RB_OK)
		return rc;
	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[DB_META], &c)) != 0)
		return mdb_err(rc);
	/* "lx" . zone . code . expires: every bucket, at most a few per hour
	 * of the longest expiry, per zone and code. */
	while ((rc = mdb_cursor_get(c, &key, &val, op)) == 0) {
		const uint8_t *kp = key.mv_data;
		int64_t exp;
		uint64_t n;
		int z, code;

		op = MDB_NEXT;
		if (key.mv_size < 2 || memcmp(kp, "lx", 2) != 0)
			break;
		if (key.mv_size != LX_KEYLEN || val.mv_size != 8 ||
		    (z = kp[2]) >= ZONE_COUNT || (code = kp[3]) > REASON_MAX)
			continue;
		exp = (int64_t)be_get(kp + 4, 8);
		n = be_get(val.mv_data, 8);
		if (exp == 0 || exp > now) {
			if (code == 0)
				out->keys[z] += n;
			else
				out->codes[z][code] += n;
		} else if (code == 0) {
			out->expired[z] += n;
			if (exp >= from)
				out->expired_in[z] += n;
		}
	}
	if (rc == 0 || rc == MDB_NOTFOUND) {
		/* "ld" . zone . day: a few entries a day. */
		key.mv_size = 2;
		key.mv_data = "ld";
		op = MDB_SET_RANGE;
		while ((rc = mdb_cursor_get(c, &key, &val, op)) == 0) {
			const uint8_t *kp = key.mv_data;
			uint32_t day;

			op = MDB_NEXT;
			if (key.mv_size < 2 || memcmp(kp, "ld", 2) != 0)
				break;
			if (key.mv_size != LD_KEYLEN || val.mv_size != 8 ||
			    kp[2] >= ZONE_COUNT)
				continue;
			day = (uint32_t)be_get(kp + 3, 4);
			if (day < day_from || day > day_to)
				continue;
			out->listed[kp[2]] += be_get(val.mv_data, 4);
			out->delisted[kp[2]] +=
			    be_get((const uint8_t *)val.mv_data + 4, 4);
		}
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return mdb_err(rc);
	return RB_OK;
}

int
store_info(struct store_txn *t, struct store_info *out)
{
	MDB_envinfo info;
	MDB_stat st;
	int i, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = mdb_env_info(t->s->env, &info)) != 0 ||
	    (rc = mdb_env_stat(t->s->env, &st)) != 0)
		return mdb_err(rc);
	out->map_size = info.me_mapsize;
	out->page_size = st.ms_psize;
	out->used = ((uint64_t)info.me_last_pgno + 1) * st.ms_psize;
	for (i = 0; i < DB_COUNT && i < STORE_DB_MAX; i++) {
		if ((rc = mdb_stat(t->txn, t->s->dbi[i], &st)) != 0)
			return mdb_err(rc);
		out->db[i].name = db_names[i];
		out->db[i].entries = st.ms_entries;
	}
	out->ndb = i;
	return RB_OK;
}

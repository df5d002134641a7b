/*
 * zones/store.h - the node's LMDB environment, shared by every program.
 *
 * One environment (default /var/lib/rebond) with named databases:
 *
 *   meta      "schema" -> u32 schema version, other node-wide values
 *   origins   u32 origin id -> struct origin (id 0 is this node)
 *   okeys     32-byte public key -> u32 origin id
 *   records   origin id . seq (big-endian) -> canonical record: the log
 *             that sync serves, in each origin's order
 *   evidence  zone . len . key . origin . reason -> latest record of that
 *             origin for that key and reason (a deletion with reason 0
 *             is this node's tombstone)
 *   listing   zone . key -> struct listing: what DNS answers, derived
 *             from evidence by the policy on every write
 *
 * Several processes read and write it at once: readers never block and
 * see each commit on their next transaction.  The map grows by doubling
 * when a write finds it full.
 *
 * Every function returns 0 or a negative RB_E* code (util.h).  Pointers
 * into the store are valid until the end of the transaction; the
 * functions here copy what they return.
 */
#ifndef REBOND_STORE_H
#define REBOND_STORE_H

#include <stdint.h>

#include "policy.h"
#include "record.h"

#define STORE_SCHEMA	1

#define STORE_RDONLY	0x01	/* open read-only; do not create */

/* Plain key-value databases of the programs (layouts in their users):
 *   counters  feeder/count.c: outcomes per key per day
 *   rstate    feeder: per-recipient soft-bounce state
 *   corr      feeder: queue id -> correlation state
 *   msgid     feeder: time-ordered log of relayed Message-IDs (hashed)
 *             with their sender and client
 *   feeder    feeder: read positions and other small state
 *   evlog     feeder: recent events behind each listing
 *   sync      sync/: peer settings (URL, sharing) and signed batches,
 *             layout in sync/peer.h and sync/serve.h */
enum store_kv { KV_COUNTERS, KV_RSTATE, KV_CORR, KV_MSGID, KV_FEEDER,
	KV_EVLOG, KV_SYNC, KV_COUNT };

struct store;
struct store_txn;

struct origin {
	uint32_t	id;
	uint8_t		key[32];	/* Ed25519 public key; zero if unset */
	uint8_t		trust;		/* enum trust */
	uint8_t		flags;		/* ORIGIN_* */
	uint64_t	last_seq;
	char		name[64];
};
#define ORIGIN_QUARANTINED	0x01

/* Open (and create unless STORE_RDONLY) the environment in dir.  On
 * failure err says what and where, e.g. "rebond-state/data.mdb: store
 * file is damaged or not an LMDB file". */
int	store_open(struct store **sp, const char *dir, int64_t map_size,
	    int flags, char *err, size_t errlen);
void	store_close(struct store *);
const char *store_dir(const struct store *);
/* Bulk writing (a log read to its end): a commit flushes the data pages
 * but not the meta page (LMDB's MDB_NOMETASYNC), one fsync instead of
 * two; a system crash may undo the last commit, never damage the store. */
void	store_bulk(struct store *, int on);

/*
 * Reading.  A process keeps one read transaction that it renews:
 * store_read() starts it (seeing the latest commit), store_read_end()
 * releases it.  Never hold it across event-loop turns.
 */
struct store_txn *store_read(struct store *);	/* NULL on error, logged */
void	store_read_end(struct store *);

/* Serial number of the snapshot a transaction sees (LMDB txn id). */
uint32_t store_serial(struct store_txn *);

/* The listing of k (not filtered for expiry: see listing_active()). */
int	store_listing_get(struct store_txn *, const struct zkey *k,
	    struct listing *out);
/* 1 if some key of zone listed at now lies below the domain whose
 * reversed form is rev[0..len) ("org" finds "org.example"), else 0.
 * Looks at the first 16 names below at most (then answers 1). */
int	store_listing_below(struct store_txn *, int zone, const uint8_t *rev,
	    size_t len, int64_t now);

typedef int (*listing_fn)(const struct zkey *, const struct listing *,
	    void *arg);
/* Every listing of zone (-1: all zones) in key order; stops when fn
 * returns non-zero and returns that value. */
int	store_listing_foreach(struct store_txn *, int zone, listing_fn fn,
	    void *arg);

typedef int (*evidence_fn)(const struct evidence *, void *arg);
int	store_evidence_foreach(struct store_txn *, const struct zkey *k,
	    evidence_fn fn, void *arg);

/*
 * Listing statistics.  Every write of a listing keeps, in `meta`, how
 * many listings of each zone expire at each time (per code, and per key
 * at its latest expiry) and how many keys started or stopped being
 * listed each day, so that these counts cost a walk of a few thousand
 * entries, not of the listing table:
 *
 *   "lx" . zone . code . be64(expires) -> be64 listings (code 0: keys)
 *   "ld" . zone . be32(day)            -> be32 listed . be32 delisted
 *   "lsince"                           -> be64 time they are kept from
 *
 * A store written by an older build gets them on its first open for
 * writing (one walk); read-only before that, store_listing_counts()
 * walks the table and knows no changes (since = 0).
 */
struct listing_counts {
	int64_t		since;		/* statistics kept since; 0: walked */
	uint64_t	keys[ZONE_COUNT];	/* answered as listed at now */
	uint64_t	codes[ZONE_COUNT][REASON_MAX + 1]; /* listed keys with
						 * 127.0.0.<code> */
	uint64_t	expired[ZONE_COUNT];	/* kept, every code expired */
	uint64_t	expired_in[ZONE_COUNT];	/* of those, expired since
						 * the start of day_from */
	uint64_t	listed[ZONE_COUNT];	/* started being listed on
						 * days [day_from, day_to] */
	uint64_t	delisted[ZONE_COUNT];	/* stopped by a deletion on
						 * those days (not expiry) */
};
/* Days are Unix days (time / 86400, UTC). */
int	store_listing_counts(struct store_txn *, int64_t now,
	    uint32_t day_from, uint32_t day_to, struct listing_counts *out);

/* The environment's size and the entries of each database, from LMDB's
 * own statistics (no walk). */
#define STORE_DB_MAX	16
struct store_info {
	uint64_t	map_size;	/* bytes mapped */
	uint64_t	used;		/* bytes of the pages in use */
	uint64_t	page_size;
	int		ndb;
	struct {
		const char	*name;	/* "listing", "counters", ... */
		uint64_t	 entries;
	}		db[STORE_DB_MAX];
};
int	store_info(struct store_txn *, struct store_info *out);

int	store_origin_get(struct store_txn *, uint32_t id, struct origin *out);
/* The origin whose public key is pk (through `okeys`): 0 or RB_ENOENT
 * (also for the all-zero key). */
int	store_origin_find_key(struct store_txn *, const uint8_t pk[32],
	    struct origin *out);
typedef int (*origin_fn)(const struct origin *, void *arg);
/* Every origin in id order (0 first); stops when fn returns non-zero and
 * returns that value. */
int	store_origin_foreach(struct store_txn *, origin_fn fn, void *arg);

/*
 * Writing.  store_write() runs fn in a write transaction and commits it
 * if fn returns 0.  If the map is full it grows the map and runs fn
 * again from the start, so fn must not keep state outside the
 * transaction between runs.  RB_ESPACE when the file system is full
 * (ENOSPC, EDQUOT, or a short write with under 1 MiB free) or the map at
 * its largest (1 TiB): nothing of the transaction is stored, and a
 * warning naming data.mdb and what to do is logged, at most once a
 * minute while writes keep failing; the next write that succeeds logs
 * that writing goes on.
 */
typedef int (*store_write_fn)(struct store_txn *, void *arg);
int	store_write(struct store *, store_write_fn fn, void *arg);

/* Append r to the record log and apply it to evidence and listing.  For
 * origin 0 (this node) the sequence number is assigned here.  A record
 * whose (origin, seq) is already logged returns RB_EEXIST. */
int	store_record_add(struct store_txn *, struct record *r);

/* The logged record (origin, seq), r->origin set: 0 or RB_ENOENT. */
int	store_record_get(struct store_txn *, uint32_t origin, uint64_t seq,
	    struct record *r);
typedef int (*record_fn)(const struct record *, void *arg);
/* The logged records of origin with from <= seq <= to, in seq order;
 * stops when fn returns non-zero and returns that value. */
int	store_record_foreach(struct store_txn *, uint32_t origin,
	    uint64_t from, uint64_t to, record_fn fn, void *arg);

/* Write o (by o->id) and keep `okeys` in step: the entry of the
 * origin's previous key goes, a non-zero o->key maps to o->id.
 * RB_EEXIST if o->key belongs to another origin.  For origin 0 in a
 * transaction that numbered records, o->last_seq must come from
 * store_origin_get() in the same transaction.  Origins are never
 * deleted: records and evidence refer to their ids.  A change of trust
 * or of ORIGIN_QUARANTINED computes again the listing of every key in
 * the origin's record log (the policy reads them). */
int	store_origin_put(struct store_txn *, const struct origin *o);
/* Give o a fresh id (one past the highest) and write it as above. */
int	store_origin_add(struct store_txn *, struct origin *o);

/* This node asserts reason for k, merging with what it asserted before
 * (first seen kept, count added, expiry pushed).  expires_in 0 = never.
 * Builds the record and calls store_record_add(). */
int	store_assert(struct store_txn *, const struct zkey *k, int reason,
	    const struct status *st, int64_t now, int64_t expires_in,
	    uint32_t count, int scope);
/* store_assert(), at most once an hour: RB_EEXIST, and nothing written,
 * if this node's row for reason was last seen in the hour of now with
 * an expiry that is never, or not before now + expires_in - 3600.
 * Reads the evidence of k once, where a check by the caller before
 * store_assert() reads it twice. */
int	store_assert_hourly(struct store_txn *, const struct zkey *k,
	    int reason, const struct status *st, int64_t now,
	    int64_t expires_in, uint32_t count, int scope);
/* This node withdraws reason (0: all) for k.  With reason 0 the deletion
 * stays as a tombstone that also hides older peer evidence (policy.h).
 * RB_ENOENT if there is nothing to withdraw: no evidence of this node for
 * that reason, or (reason 0) no evidence of anyone. */
int	store_retract(struct store_txn *, const struct zkey *k, int reason,
	    int64_t now, int scope);

/* Key-value access; values returned point into the store and are valid
 * until the end of the transaction.  put and del need a write. */
int	store_kv_get(struct store_txn *, int db, const void *k, size_t klen,
	    const void **v, size_t *vlen);
int	store_kv_put(struct store_txn *, int db, const void *k, size_t klen,
	    const void *v, size_t vlen);
int	store_kv_del(struct store_txn *, int db, const void *k, size_t klen);
/* A put for keys that mostly grow (time-ordered logs): cheap when k is
 * past the last key, an ordinary put otherwise. */
int	store_kv_append(struct store_txn *, int db, const void *k,
	    size_t klen, const void *v, size_t vlen);
typedef int (*kv_fn)(const void *k, size_t klen, const void *v, size_t vlen,
	    void *arg);
/* Every entry from the first key >= from (flen 0: all) to the end. */
int	store_kv_range(struct store_txn *, int db, const void *from,
	    size_t flen, kv_fn fn, void *arg);
/* Every entry whose key starts with prefix (plen 0: all), in key order;
 * stops when fn returns non-zero and returns that value. */
int	store_kv_foreach(struct store_txn *, int db, const void *prefix,
	    size_t plen, kv_fn fn, void *arg);

#endif

/*
 * tests/zones/test_store.c - the LMDB store: creation and reopening,
 * assertions and retractions through the policy to listings, iteration,
 * the record log, map growth, two processes at once, and damaged or
 * foreign files.  Each case uses a fresh temporary directory.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lmdb.h>

#include "../tap.h"
#include "zones/log.h"
#include "zones/store.h"
#include "zones/util.h"

#define H	3600LL
#define DAY	(24 * H)
#define NOW	(472222LL * H)	/* hour-aligned; REBOND_NOW is set to it */

static char tmpl[4096];
static char err[1024];

/* A fresh empty directory for one case. */
static const char *
fresh_dir(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpl, sizeof(tmpl), "%s/rebond-test-store-XXXXXX",
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

static void
rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct zkey
key(int zone, const char *text)
{
	struct zkey k;

	memset(&k, 0, sizeof(k));
	if (zkey_from_text(zone, text, &k) != RB_OK)
		printf("# bad key %s\n", text);
	return k;
}

/* The i-th synthetic recipient key. */
static struct zkey
nkey(int i)
{
	char a[64];

	snprintf(a, sizeof(a), "user%d@example.org", i);
	return key(ZONE_RCPT, a);
}

static struct store *
open_ok(const char *dir, int64_t map, int flags)
{
	struct store *s = NULL;
	int rc;

	err[0] = '\0';
	rc = store_open(&s, dir, map, flags, err, sizeof(err));
	if (rc != RB_OK) {
		printf("# store_open %s: %s (%s)\n", dir, rb_strerror(rc), err);
		return NULL;
	}
	return s;
}

/* Write callbacks. */
struct assert_arg {
	struct zkey	k;
	int		reason;
	struct status	st;
	int64_t		now;
	int64_t		expires_in;
	uint32_t	count;
	int		scope;
};

static int
do_assert(struct store_txn *t, void *arg)
{
	struct assert_arg *a = arg;

	return store_assert(t, &a->k, a->reason, &a->st, a->now,
	    a->expires_in, a->count, a->scope);
}

static int
assert1(struct store *s, const struct zkey *k, int reason, int64_t now,
    int64_t expires_in, uint32_t count)
{
	struct assert_arg a;

	memset(&a, 0, sizeof(a));
	a.k = *k;
	a.reason = reason;
	a.st.klass = 5;
	a.st.subject = 1;
	a.st.detail = 1;
	a.now = now;
	a.expires_in = expires_in;
	a.count = count;
	a.scope = SCOPE_FEDERATION;
	return store_write(s, do_assert, &a);
}

struct retract_arg {
	struct zkey	k;
	int		reason;
	int64_t		now;
};

static int
do_retract(struct store_txn *t, void *arg)
{
	struct retract_arg *a = arg;

	return store_retract(t, &a->k, a->reason, a->now, SCOPE_LOCAL);
}

static int
retract1(struct store *s, const struct zkey *k, int reason, int64_t now)
{
	struct retract_arg a = { *k, reason, now };

	return store_write(s, do_retract, &a);
}

/* Read one listing in a fresh read transaction. */
static int
get(struct store *s, const struct zkey *k, struct listing *l)
{
	struct store_txn *t = store_read(s);
	int rc;

	if (t == NULL)
		return -1000;
	memset(l, 0, sizeof(*l));
	rc = store_listing_get(t, k, l);
	store_read_end(s);
	return rc;
}

static int
count_fn(const struct zkey *k, const struct listing *l, void *arg)
{
	(void)k;
	(void)l;
	(*(int *)arg)++;
	return 0;
}

static int
count_listings(struct store *s, int zone)
{
	struct store_txn *t = store_read(s);
	int n = 0, rc;

	if (t == NULL)
		return -1000;
	rc = store_listing_foreach(t, zone, count_fn, &n);
	store_read_end(s);
	return rc < 0 ? rc : n;
}

static int
ev_count_fn(const struct evidence *e, void *arg)
{
	(void)e;
	(*(int *)arg)++;
	return 0;
}

static void
test_open(void)
{
	char dir[4200], path[4300];
	struct store *s;
	struct store_txn *t;
	struct origin o;
	struct stat st;
	int rc;

	snprintf(dir, sizeof(dir), "%s/a/b/state", fresh_dir());
	s = open_ok(dir, 0, 0);
	ok(s != NULL, "store_open creates a missing directory and store");
	if (s == NULL)
		return;
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	ok(stat(path, &st) == 0, "data.mdb created");
	is_str(store_dir(s), dir, "store_dir");
	t = store_read(s);
	ok(t != NULL, "read transaction");
	memset(&o, 0xff, sizeof(o));
	is_int(store_origin_get(t, 0, &o), RB_OK, "origin 0 exists");
	ok(o.id == 0 && o.trust == TRUST_FULL && o.flags == 0 &&
	    o.last_seq == 0 && strcmp(o.name, "self") == 0,
	    "origin 0 is self, trusted, no records yet");
	is_int(store_origin_get(t, 1, &o), RB_ENOENT, "no origin 1");
	store_read_end(s);
	store_close(s);

	s = open_ok(dir, 0, 0);
	ok(s != NULL, "reopening works");
	if (s) {
		struct zkey k = key(ZONE_RDOM, "example.org");

		is_int(assert1(s, &k, 2, NOW, 90 * DAY, 1), RB_OK,
		    "write after reopening");
		store_close(s);
	}
	s = open_ok(dir, 0, STORE_RDONLY);
	ok(s != NULL, "read-only open of an existing store");
	if (s) {
		struct zkey k = key(ZONE_RDOM, "example.org");
		struct listing l;

		is_int(get(s, &k, &l), RB_OK,
		    "read-only store sees the earlier write");
		rc = assert1(s, &k, 3, NOW, 90 * DAY, 1);
		ok(rc != RB_OK, "writing a read-only store fails (%s)",
		    rb_strerror(rc));
		store_close(s);
	}

	/* Errors. */
	snprintf(path, sizeof(path), "%s/missing", tmpl);
	s = NULL;
	rc = store_open(&s, path, 0, STORE_RDONLY, err, sizeof(err));
	ok(rc != RB_OK && s == NULL, "read-only open of a missing directory "
	    "fails (%s)", rb_strerror(rc));
	ok(strstr(err, path) != NULL, "error names the directory (%s)", err);
	ok(stat(path, &st) == -1 && errno == ENOENT,
	    "read-only open created nothing");

	snprintf(path, sizeof(path), "%s/a/b/state/data.mdb", tmpl);
	rc = store_open(&s, path, 0, 0, err, sizeof(err));
	ok(rc != RB_OK && s == NULL, "a regular file is not a store dir (%s)",
	    rb_strerror(rc));
	ok(strstr(err, "not a directory") != NULL, "error says so (%s)", err);

	snprintf(path, sizeof(path), "%s/empty", tmpl);
	mkdir(path, 0700);
	rc = store_open(&s, path, 0, STORE_RDONLY, err, sizeof(err));
	ok(rc != RB_OK && s == NULL,
	    "read-only open of an empty directory fails (%s)",
	    rb_strerror(rc));
	ok(strstr(err, path) != NULL, "error names the directory (%s)", err);
	rm_rf(tmpl);
}

static void
test_assert_retract(void)
{
	const char *dir = fresh_dir();
	struct store *s = open_ok(dir, 0, 0);
	struct zkey k = key(ZONE_RCPT, "user@example.org"),
	    other = key(ZONE_RCPT, "other@example.org"),
	    k2 = key(ZONE_SNDR, "user@example.org");
	struct listing l;
	struct store_txn *t;
	int n;

	ok(s != NULL, "open");
	if (s == NULL)
		return;
	is_int(get(s, &k, &l), RB_ENOENT, "nothing listed in a new store");

	is_int(assert1(s, &k, 2, NOW + 1234, 90 * DAY, 1), RB_OK,
	    "store_assert");
	is_int(get(s, &k, &l), RB_OK, "store_listing_get after assert");
	is_int(l.n, 1, "one reason");
	is_int(l.r[0].reason, 2, "reason 2");
	is_int(l.r[0].nrelays, 1, "one relay (this node)");
	is_int(l.r[0].count, 1, "count 1");
	is_int(l.r[0].first, NOW, "first seen rounded down to the hour");
	is_int(l.r[0].last, NOW, "last seen rounded down to the hour");
	is_int(l.r[0].expires, NOW + 90 * DAY + H,
	    "expiry rounded up to the hour");
	ok(l.r[0].status.klass == 5 && l.r[0].status.subject == 1 &&
	    l.r[0].status.detail == 1, "status 5.1.1");
	is_int(get(s, &other, &l), RB_ENOENT, "another key is not listed");
	is_int(get(s, &k2, &l), RB_ENOENT,
	    "the same hash in another zone is not listed");

	/* A second assertion merges. */
	is_int(assert1(s, &k, 2, NOW + 5 * H, 90 * DAY, 2), RB_OK,
	    "second assert");
	get(s, &k, &l);
	ok(l.n == 1 && l.r[0].count == 3, "count added (1 + 2)");
	is_int(l.r[0].first, NOW, "first seen kept");
	is_int(l.r[0].last, NOW + 5 * H, "last seen moved");
	is_int(l.r[0].expires, NOW + 5 * H + 90 * DAY, "expiry pushed");

	is_int(assert1(s, &k, 4, NOW, DAY, 1), RB_OK, "assert reason 4");
	is_int(assert1(s, &k, 10, NOW, 0, 1), RB_OK,
	    "assert reason 10, never expires");
	get(s, &k, &l);
	ok(l.n == 3 && l.r[0].reason == 2 && l.r[1].reason == 4 &&
	    l.r[2].reason == 10, "three reasons, sorted");
	is_int(l.r[2].expires, 0, "expires_in 0 = never");

	is_int(assert1(s, &k, 6, NOW, DAY, 1), RB_EINVAL,
	    "reason 6 refused in rcpt");
	is_int(assert1(s, &k, 0, NOW, DAY, 1), RB_EINVAL, "reason 0 refused");
	get(s, &k, &l);
	is_int(l.n, 3, "refused assertion changed nothing");

	/* Already expired at write time (policy uses REBOND_NOW). */
	is_int(assert1(s, &other, 2, NOW - 100 * DAY, 90 * DAY, 1), RB_OK,
	    "assert that is already expired");
	is_int(get(s, &other, &l), RB_ENOENT,
	    "evidence expired at REBOND_NOW is not listed");
	t = store_read(s);
	n = 0;
	store_evidence_foreach(t, &other, ev_count_fn, &n);
	store_read_end(s);
	is_int(n, 1, "... but it is kept as evidence");

	/* Retraction. */
	is_int(retract1(s, &k, 4, NOW + 6 * H), RB_OK, "retract reason 4");
	get(s, &k, &l);
	ok(l.n == 2 && l.r[0].reason == 2 && l.r[1].reason == 10,
	    "reason 4 gone, 2 and 10 left");
	is_int(retract1(s, &k, 4, NOW + 6 * H), RB_ENOENT,
	    "retracting it again: RB_ENOENT");
	is_int(retract1(s, &k, 3, NOW + 6 * H), RB_ENOENT,
	    "retracting a reason never asserted: RB_ENOENT");
	is_int(retract1(s, &k, 0, NOW + 7 * H), RB_OK, "retract all reasons");
	is_int(get(s, &k, &l), RB_ENOENT, "retracted key no longer listed");
	t = store_read(s);
	n = 0;
	store_evidence_foreach(t, &k, ev_count_fn, &n);
	store_read_end(s);
	is_int(n, 1, "only the tombstone is left as evidence");
	is_int(retract1(s, &k, 0, NOW + 8 * H), RB_ENOENT,
	    "retract all again (only a tombstone): RB_ENOENT");
	is_int(retract1(s, &k2, 0, NOW), RB_ENOENT,
	    "retract a key never asserted: RB_ENOENT");

	/* Listed again after a retraction. */
	is_int(assert1(s, &k, 2, NOW + 9 * H, 90 * DAY, 1), RB_OK,
	    "assert after retraction");
	is_int(get(s, &k, &l), RB_OK, "listed again");
	ok(l.n == 1 && l.r[0].count == 1 && l.r[0].first == NOW + 9 * H,
	    "a fresh listing, not merged with the retracted one");

	store_close(s);
	rm_rf(dir);
}

struct add_arg {
	struct record	r;
	int		fail_after;	/* return this after adding, if set */
	uint64_t	seq[4];
	int		n;
};

static int
do_add(struct store_txn *t, void *arg)
{
	struct add_arg *a = arg;
	int i, rc;

	for (i = 0; i < a->n; i++) {
		struct record r = a->r;

		r.key.data[0] = (uint8_t)i;
		if ((rc = store_record_add(t, &r)) != RB_OK)
			return rc;
		a->seq[i] = r.seq;
	}
	return a->fail_after;
}

static uint64_t
last_seq(struct store *s, uint32_t origin)
{
	struct store_txn *t = store_read(s);
	struct origin o;

	memset(&o, 0, sizeof(o));
	if (t == NULL || store_origin_get(t, origin, &o) != RB_OK)
		o.last_seq = UINT64_MAX;
	store_read_end(s);
	return o.last_seq;
}

static int
do_add_readonly(struct store_txn *t, void *arg)
{
	(void)t;
	(void)arg;
	return 0;
}

static void
test_record_log(void)
{
	const char *dir = fresh_dir();
	struct store *s = open_ok(dir, 0, 0);
	struct add_arg a;
	struct store_txn *t;
	struct listing l;
	int n;

	ok(s != NULL, "open");
	if (s == NULL)
		return;
	memset(&a, 0, sizeof(a));
	a.r.key = key(ZONE_RCPT, "log@example.org");
	a.r.reason = 2;
	a.r.scope = SCOPE_FEDERATION;
	a.r.first = a.r.last = NOW;
	a.r.expires = NOW + DAY;
	a.r.count = 1;
	a.r.seq = 999;		/* ignored for origin 0 */
	a.n = 3;
	is_int(store_write(s, do_add, &a), RB_OK, "three records, one txn");
	ok(a.seq[0] == 1 && a.seq[1] == 2 && a.seq[2] == 3,
	    "origin 0 seq assigned 1, 2, 3 (got %llu %llu %llu)",
	    (unsigned long long)a.seq[0], (unsigned long long)a.seq[1],
	    (unsigned long long)a.seq[2]);
	is_int(last_seq(s, 0), 3, "origin 0 last_seq committed");

	a.n = 2;
	is_int(store_write(s, do_add, &a), RB_OK, "two more, next txn");
	ok(a.seq[0] == 4 && a.seq[1] == 5, "seq continues across txns");
	is_int(last_seq(s, 0), 5, "last_seq 5");

	/* An aborted transaction consumes no sequence number. */
	a.n = 2;
	a.fail_after = RB_EINVAL;
	is_int(store_write(s, do_add, &a), RB_EINVAL,
	    "fn error is returned by store_write");
	is_int(last_seq(s, 0), 5, "aborted txn: last_seq unchanged");
	a.fail_after = 0;
	a.n = 1;
	store_write(s, do_add, &a);
	is_int(a.seq[0], 6, "next seq after an abort is 6");

	/* The record log survives reopening. */
	store_close(s);
	s = open_ok(dir, 0, 0);
	if (s == NULL)
		return;
	store_write(s, do_add, &a);
	is_int(a.seq[0], 7, "seq continues after reopening");

	/* A peer's record keeps its seq; the same seq again is refused. */
	a.r.origin = 5;
	a.r.seq = 42;
	a.r.key = key(ZONE_SNDR, "peer@example.org");
	a.n = 1;
	is_int(store_write(s, do_add, &a), RB_OK, "peer record added");
	is_int(a.seq[0], 42, "peer seq kept");
	is_int(store_write(s, do_add, &a), RB_EEXIST,
	    "same (origin, seq) again: RB_EEXIST");
	a.r.seq = 0;
	is_int(store_write(s, do_add, &a), RB_EINVAL, "peer seq 0 refused");
	is_int(last_seq(s, 0), 7, "peer records do not touch origin 0 seq");
	/* The peer is unknown to this node: stored, never listed. */
	a.r.key.data[0] = 0;
	t = store_read(s);
	n = 0;
	store_evidence_foreach(t, &a.r.key, ev_count_fn, &n);
	is_int(n, 1, "unknown peer's evidence stored");
	is_int(store_listing_get(t, &a.r.key, &l), RB_ENOENT,
	    "unknown peer's evidence does not list");
	/* Writing through a read transaction is refused. */
	is_int(store_record_add(t, &a.r), RB_EINVAL,
	    "store_record_add in a read txn refused");
	store_read_end(s);
	is_int(store_write(s, do_add_readonly, NULL), RB_OK,
	    "empty write txn commits");
	store_close(s);
	rm_rf(dir);
}

struct seen {
	int		n;
	struct zkey	k[16];
	int		stop_at;
};

static int
collect(const struct zkey *k, const struct listing *l, void *arg)
{
	struct seen *s = arg;

	(void)l;
	if (s->n < 16)
		s->k[s->n] = *k;
	s->n++;
	return s->stop_at && s->n == s->stop_at ? 77 : 0;
}

static void
test_iterate(void)
{
	const char *dir = fresh_dir();
	struct store *s = open_ok(dir, 0, 0);
	static const char *const rdom[] = {
		"b.example", "example.org", "a.example", "mail.example.org",
	};
	struct zkey ks[8];
	struct seen seen;
	struct store_txn *t;
	char text[DOMAIN_MAX + 1];
	int i, rc, good;

	ok(s != NULL, "open");
	if (s == NULL)
		return;
	for (i = 0; i < 4; i++) {
		ks[i] = key(ZONE_RDOM, rdom[i]);
		assert1(s, &ks[i], 2, NOW, DAY, 1);
	}
	ks[4] = key(ZONE_SNDR, "s@example.org");
	ks[5] = key(ZONE_RCPT, "r@example.org");
	assert1(s, &ks[4], 6, NOW, DAY, 1);
	assert1(s, &ks[5], 2, NOW, DAY, 1);

	t = store_read(s);
	memset(&seen, 0, sizeof(seen));
	rc = store_listing_foreach(t, -1, collect, &seen);
	is_int(rc, 0, "foreach all zones returns 0");
	is_int(seen.n, 6, "six listings in all zones");
	good = seen.n == 6;
	for (i = 1; good && i < seen.n; i++)
		if (seen.k[i - 1].zone > seen.k[i].zone)
			good = 0;
	ok(good, "zones in increasing order");
	ok(seen.k[0].zone == ZONE_RCPT && seen.k[5].zone == ZONE_SNDR,
	    "rcpt first, sndr last");

	memset(&seen, 0, sizeof(seen));
	store_listing_foreach(t, ZONE_RDOM, collect, &seen);
	is_int(seen.n, 4, "zone filter: four rdom listings");
	good = seen.n == 4;
	for (i = 0; good && i < 4; i++)
		if (seen.k[i].zone != ZONE_RDOM)
			good = 0;
	ok(good, "zone filter: only rdom");
	/* Key order is the reversed name: example.a, example.b, org.example,
	 * org.example.mail. */
	if (seen.n == 4) {
		zkey_to_text(&seen.k[0], text, sizeof(text));
		is_str(text, "a.example", "order 1: a.example");
		zkey_to_text(&seen.k[1], text, sizeof(text));
		is_str(text, "b.example", "order 2: b.example");
		zkey_to_text(&seen.k[2], text, sizeof(text));
		is_str(text, "example.org", "order 3: example.org");
		zkey_to_text(&seen.k[3], text, sizeof(text));
		is_str(text, "mail.example.org", "order 4: mail.example.org");
	} else
		ok(0, "rdom order (wrong count)");

	memset(&seen, 0, sizeof(seen));
	store_listing_foreach(t, ZONE_SDOM, collect, &seen);
	is_int(seen.n, 0, "empty zone between two others: nothing");
	memset(&seen, 0, sizeof(seen));
	store_listing_foreach(t, ZONE_SNDR, collect, &seen);
	ok(seen.n == 1 && seen.k[0].len == HASH_LEN &&
	    memcmp(seen.k[0].data, ks[4].data, HASH_LEN) == 0,
	    "sndr: the one hashed key");

	memset(&seen, 0, sizeof(seen));
	seen.stop_at = 2;
	rc = store_listing_foreach(t, -1, collect, &seen);
	is_int(rc, 77, "foreach returns the callback's non-zero value");
	is_int(seen.n, 2, "foreach stops at once");

	/* Empty non-terminals. */
	{
		static const struct {
			const char *rev;
			int zone, want;
			const char *what;
		} b[] = {
			{ "org", ZONE_RDOM, 1, "'org' finds org.example" },
			{ "or", ZONE_RDOM, 0, "'or' finds nothing" },
			{ "org.example", ZONE_RDOM, 1,
			  "'org.example' finds org.example.mail" },
			{ "org.example.mail", ZONE_RDOM, 0,
			  "a leaf has nothing below" },
			{ "org.exam", ZONE_RDOM, 0, "partial label: nothing" },
			{ "example", ZONE_RDOM, 1, "'example' finds example.a" },
			{ "com", ZONE_RDOM, 0, "'com': nothing" },
			{ "org", ZONE_SDOM, 0, "other zone: nothing" },
			{ "ex", ZONE_RDOM, 0, "'ex': nothing" },
		};
		size_t j;

		for (j = 0; j < sizeof(b) / sizeof(b[0]); j++)
			is_int(store_listing_below(t, b[j].zone,
			    (const uint8_t *)b[j].rev, strlen(b[j].rev), NOW +
			    H), b[j].want, "below: %s", b[j].what);
	}
	store_read_end(s);

	/* Retracting the only key below a name empties it. */
	retract1(s, &ks[3], 0, NOW + H);
	t = store_read(s);
	is_int(store_listing_below(t, ZONE_RDOM, (const uint8_t *)
	    "org.example", 11, NOW + H), 0, "below after retraction: nothing");
	is_int(store_listing_below(t, ZONE_RDOM, (const uint8_t *)"org", 3,
	    NOW + H), 1, "below 'org' still finds org.example");
	store_read_end(s);
	store_close(s);
	rm_rf(dir);
}

struct batch {
	int	from, to;
};

static int
do_batch(struct store_txn *t, void *arg)
{
	struct batch *b = arg;
	int i, rc;

	for (i = b->from; i < b->to; i++) {
		struct zkey k = nkey(i);

		if ((rc = store_assert(t, &k, 2, NULL, NOW, 90 * DAY, 1,
		    SCOPE_LOCAL)) != RB_OK)
			return rc;
	}
	return RB_OK;
}

static void
test_map_growth(void)
{
	const char *dir = fresh_dir();
	struct store *s = open_ok(dir, 1 << 20, 0);
	/* About 370 bytes a key: the map doubles at least twice. */
	enum { N = 8000, BATCH = 500 };
	struct batch b;
	struct listing l;
	struct store_txn *t;
	char path[4300];
	struct stat st;
	int i, rc = RB_OK, bad = 0;

	ok(s != NULL, "open with a 1 MiB map");
	if (s == NULL)
		return;
	for (i = 0; i < N && rc == RB_OK; i += BATCH) {
		b.from = i;
		b.to = i + BATCH;
		rc = store_write(s, do_batch, &b);
	}
	is_int(rc, RB_OK, "%d keys written through a 1 MiB map", N);
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	if (stat(path, &st) == -1)
		st.st_size = -1;
	ok(st.st_size > (2 << 20),
	    "data.mdb outgrew the initial map twice (%lld bytes)",
	    (long long)st.st_size);
	t = store_read(s);
	for (i = 0; i < N; i++) {
		struct zkey k = nkey(i);

		if (store_listing_get(t, &k, &l) != RB_OK || l.n != 1 ||
		    l.r[0].count != 1)
			bad++;
	}
	store_read_end(s);
	is_int(bad, 0, "all %d keys readable", N);
	is_int(count_listings(s, ZONE_RCPT), N, "foreach sees %d listings", N);
	store_close(s);

	/* Reopen with a map smaller than the file. */
	s = open_ok(dir, 1 << 20, 0);
	ok(s != NULL, "reopen with a map smaller than the data");
	if (s) {
		struct zkey k = nkey(N - 1);

		is_int(get(s, &k, &l), RB_OK, "last key readable after reopen");
		store_close(s);
	}
	rm_rf(dir);
}

/* The child of the two-process tests: own store, N single-key writes. */
static void
child_writer(const char *dir, int64_t map, int from, int n, int per_txn)
{
	struct store *s = NULL;
	struct batch b;
	char e[512];
	int i;

	if (store_open(&s, dir, map, 0, e, sizeof(e)) != RB_OK) {
		fprintf(stderr, "child: %s\n", e);
		_exit(2);
	}
	for (i = from; i < from + n; i += per_txn) {
		b.from = i;
		b.to = i + per_txn;
		if (store_write(s, do_batch, &b) != RB_OK)
			_exit(3);
	}
	store_close(s);
	_exit(0);
}

static void
test_two_processes(void)
{
	const char *dir = fresh_dir();
	/* A 256 KiB map that the writer must grow while we read. */
	struct store *s = open_ok(dir, 256 << 10, 0);
	enum { N = 2000, PER = 10 };
	char path[4300];
	struct stat st;
	struct store_txn *t;
	uint32_t serial, prev_serial = 0;
	int prev = 0, n, decreased = 0, serial_back = 0, reads = 0,
	    partial = 0, status, done = 0;
	pid_t pid;

	ok(s != NULL, "reader opens first (256 KiB map)");
	if (s == NULL)
		return;
	fflush(stdout);
	if ((pid = fork()) == -1) {
		ok(0, "fork");
		return;
	}
	if (pid == 0)
		child_writer(dir, 256 << 10, 0, N, PER);

	/* Read while the child writes (and grows the map). */
	for (;;) {
		int exited = waitpid(pid, &status, WNOHANG) == pid;

		if ((t = store_read(s)) == NULL) {
			ok(0, "store_read failed during concurrent writes");
			break;
		}
		serial = store_serial(t);
		n = 0;
		store_listing_foreach(t, ZONE_RCPT, count_fn, &n);
		store_read_end(s);
		reads++;
		if (n < prev)
			decreased++;
		if (serial < prev_serial)
			serial_back++;
		if (n % PER != 0)
			partial++;
		prev = n;
		prev_serial = serial;
		if (exited) {
			done = 1;
			break;
		}
		usleep(1000);	/* leave the CPU to the writer */
	}
	ok(done && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "writer child succeeded (status %d)", status);
	is_int(decreased, 0, "count never decreased over %d reads", reads);
	is_int(serial_back, 0, "serial never went back");
	is_int(partial, 0, "never saw half a transaction");
	is_int(prev, N, "reader finally sees all %d keys", N);
	ok(reads > 1, "reader read several times during the writes (%d)",
	    reads);
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	if (stat(path, &st) == -1)
		st.st_size = -1;
	ok(st.st_size > (256 << 10),
	    "the writer grew the map under the reader (%lld bytes)",
	    (long long)st.st_size);
	store_close(s);
	rm_rf(dir);
}

static void
test_visible_without_reopen(void)
{
	const char *dir = fresh_dir();
	struct store *s = open_ok(dir, 0, 0);
	struct store *ro;
	struct zkey k = nkey(7);
	struct listing l;
	struct store_txn *t;
	int status = -1;
	pid_t pid;

	ok(s != NULL, "open");
	if (s == NULL)
		return;
	store_close(s);
	ro = open_ok(dir, 0, STORE_RDONLY);
	ok(ro != NULL, "reader opens read-only");
	if (ro == NULL)
		return;
	is_int(get(ro, &k, &l), RB_ENOENT, "key absent before the write");

	/* Hold a read transaction across the other process's commit. */
	t = store_read(ro);
	fflush(stdout);
	if ((pid = fork()) == 0)
		child_writer(dir, 0, 7, 1, 1);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer process");
	{
		struct listing l2;

		is_int(store_listing_get(t, &k, &l2), RB_ENOENT,
		    "an open read txn keeps its snapshot");
	}
	store_read_end(ro);
	is_int(get(ro, &k, &l), RB_OK,
	    "the next store_read sees the other process's write");
	is_int(l.n, 1, "... one reason");

	/* Again, with the reader idle between the two reads. */
	k = nkey(8);
	fflush(stdout);
	if ((pid = fork()) == 0)
		child_writer(dir, 0, 8, 1, 1);
	waitpid(pid, &status, 0);
	is_int(get(ro, &k, &l), RB_OK, "second write visible too");
	store_close(ro);
	rm_rf(dir);
}

static void
write_file(const char *path, const void *data, size_t len, int times)
{
	FILE *f = fopen(path, "w");
	int i;

	if (f == NULL) {
		printf("# %s: %s\n", path, strerror(errno));
		return;
	}
	for (i = 0; i < times; i++)
		fwrite(data, 1, len, f);
	fclose(f);
}

static void
test_damaged(void)
{
	char path[4300], junk[4096];
	const char *dir;
	struct store *s;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 131 + 7);

	/* Garbage data.mdb, several sizes. */
	dir = fresh_dir();
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	write_file(path, junk, sizeof(junk), 16);
	s = NULL;
	rc = store_open(&s, dir, 0, 0, err, sizeof(err));
	is_int(rc, RB_ECORRUPT, "garbage data.mdb: RB_ECORRUPT");
	ok(s == NULL, "no store returned");
	ok(strstr(err, path) != NULL, "error names the file (%s)", err);
	rc = store_open(&s, dir, 0, STORE_RDONLY, err, sizeof(err));
	is_int(rc, RB_ECORRUPT, "garbage data.mdb read-only: RB_ECORRUPT");
	rm_rf(dir);

	dir = fresh_dir();
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	write_file(path, "this is not an LMDB file\n", 25, 1);
	rc = store_open(&s, dir, 0, 0, err, sizeof(err));
	ok(rc != RB_OK && s == NULL, "short text data.mdb refused (%s)",
	    rb_strerror(rc));
	ok(strstr(err, dir) != NULL, "error names the store (%s)", err);
	rm_rf(dir);

	/* A store whose meta page was overwritten. */
	dir = fresh_dir();
	s = open_ok(dir, 0, 0);
	if (s) {
		struct zkey k = key(ZONE_RDOM, "example.org");

		assert1(s, &k, 2, NOW, DAY, 1);
		store_close(s);
	}
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	{
		int fd = open(path, O_WRONLY);

		if (fd >= 0) {
			/* Both meta pages (the first two 4 KiB pages). */
			if (pwrite(fd, junk, sizeof(junk), 0) < 0 ||
			    pwrite(fd, junk, sizeof(junk), 4096) < 0)
				printf("# pwrite: %s\n", strerror(errno));
			close(fd);
		}
	}
	rc = store_open(&s, dir, 0, 0, err, sizeof(err));
	is_int(rc, RB_ECORRUPT, "overwritten meta pages: RB_ECORRUPT");
	ok(strstr(err, "data.mdb") != NULL, "error names data.mdb (%s)", err);
	rm_rf(dir);
}

/* Build foreign environments with LMDB directly. */
static int
lmdb_put_meta(const char *dir, const void *val, size_t len, int create_all)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { 6, "schema" }, v = { len, (void *)(uintptr_t)val };
	int rc;

	if ((rc = mdb_env_create(&env)) != 0)
		return rc;
	mdb_env_set_maxdbs(env, 32);
	if ((rc = mdb_env_open(env, dir, 0, 0640)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0) {
		mdb_env_close(env);
		return rc;
	}
	if (create_all) {
		static const char *const names[] = { "origins", "okeys",
		    "records", "evidence", "listing" };
		size_t i;

		for (i = 0; i < 5; i++)
			mdb_dbi_open(txn, names[i], MDB_CREATE, &dbi);
	}
	if (val != NULL) {
		if ((rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &dbi)) != 0 ||
		    (rc = mdb_put(txn, dbi, &k, &v, 0)) != 0) {
			mdb_txn_abort(txn);
			mdb_env_close(env);
			return rc;
		}
	}
	rc = mdb_txn_commit(txn);
	mdb_env_close(env);
	return rc;
}

static void
test_foreign(void)
{
	const uint8_t v2[4] = { 0, 0, 0, 2 }, v1[4] = { 0, 0, 0, 1 },
	    three[3] = { 0, 0, 1 };
	const char *dir;
	struct store *s;
	int rc;

	/* A store from a future schema. */
	dir = fresh_dir();
	is_int(lmdb_put_meta(dir, v2, 4, 1), 0, "(schema 2 store built)");
	s = NULL;
	rc = store_open(&s, dir, 0, 0, err, sizeof(err));
	is_int(rc, RB_EVERSION, "schema 2: RB_EVERSION");
	ok(s == NULL && strstr(err, dir) && strstr(err, "schema"),
	    "error names the store and the schema (%s)", err);
	rc = store_open(&s, dir, 0, STORE_RDONLY, err, sizeof(err));
	is_int(rc, RB_EVERSION, "schema 2 read-only: RB_EVERSION");
	rm_rf(dir);

	/* A schema value of the wrong size. */
	dir = fresh_dir();
	lmdb_put_meta(dir, three, 3, 1);
	rc = store_open(&s, dir, 0, 0, err, sizeof(err));
	is_int(rc, RB_ECORRUPT, "3-byte schema value: RB_ECORRUPT");
	ok(strstr(err, "data.mdb") != NULL, "error names data.mdb (%s)", err);
	rm_rf(dir);

	/* Every database but no schema: damaged, when read-only. */
	dir = fresh_dir();
	lmdb_put_meta(dir, NULL, 0, 1);
	{
		MDB_env *env;
		MDB_txn *txn;
		MDB_dbi dbi;

		/* "meta" exists but is empty. */
		if (mdb_env_create(&env) == 0) {
			mdb_env_set_maxdbs(env, 32);
			if (mdb_env_open(env, dir, 0, 0640) == 0 &&
			    mdb_txn_begin(env, NULL, 0, &txn) == 0) {
				mdb_dbi_open(txn, "meta", MDB_CREATE, &dbi);
				mdb_txn_commit(txn);
			}
			mdb_env_close(env);
		}
	}
	rc = store_open(&s, dir, 0, STORE_RDONLY, err, sizeof(err));
	is_int(rc, RB_ENOENT, "no schema, read-only: RB_ENOENT");
	ok(strstr(err, "no rebond store") != NULL, "error says so (%s)", err);
	s = open_ok(dir, 0, 0);
	ok(s != NULL, "no schema, writable: initialised");
	store_close(s);
	s = open_ok(dir, 0, STORE_RDONLY);
	ok(s != NULL, "then read-only works");
	store_close(s);
	rm_rf(dir);

	/* Schema 1 written by hand is accepted as is. */
	dir = fresh_dir();
	lmdb_put_meta(dir, v1, 4, 1);
	s = open_ok(dir, 0, 0);
	ok(s != NULL, "schema 1 accepted");
	store_close(s);
	rm_rf(dir);

	/* Some other program's LMDB environment, opened read-only. */
	dir = fresh_dir();
	lmdb_put_meta(dir, NULL, 0, 0);
	rc = store_open(&s, dir, 0, STORE_RDONLY, err, sizeof(err));
	is_int(rc, RB_ENOENT, "empty LMDB env read-only: RB_ENOENT");
	ok(strstr(err, "no rebond store") != NULL, "error says so (%s)", err);
	rm_rf(dir);
}

/* store_assert_hourly(), and the feeder's check before store_assert()
 * that it stands for. */
struct hourly_arg {
	struct assert_arg	a;
	int			hourly;
};

static int
self_row_fn(const struct evidence *e, void *arg)
{
	struct record *r = arg;

	if (e->origin == 0 && e->rec.reason == r->reason &&
	    !(e->rec.flags & REC_DELETE))
		*r = e->rec;
	return 0;
}

static int
do_hourly(struct store_txn *t, void *arg)
{
	struct hourly_arg *h = arg;
	struct assert_arg *a = &h->a;
	struct record r;
	int rc;

	if (h->hourly)
		return store_assert_hourly(t, &a->k, a->reason, &a->st, a->now,
		    a->expires_in, a->count, a->scope);
	memset(&r, 0, sizeof(r));
	r.reason = (uint8_t)a->reason;
	r.first = -1;
	if ((rc = store_evidence_foreach(t, &a->k, self_row_fn, &r)) < 0)
		return rc;
	if (r.first >= 0 && r.last >= hour_floor(a->now) &&
	    (r.expires == 0 || r.expires >= a->now + a->expires_in - 3600))
		return RB_EEXIST;
	return store_assert(t, &a->k, a->reason, &a->st, a->now,
	    a->expires_in, a->count, a->scope);
}

static int
hourly1(struct store *s, int hourly, const struct zkey *k, int reason,
    int64_t now, int64_t expires_in)
{
	struct hourly_arg h;

	memset(&h, 0, sizeof(h));
	h.hourly = hourly;
	h.a.k = *k;
	h.a.reason = reason;
	h.a.st.klass = 5;
	h.a.now = now;
	h.a.expires_in = expires_in;
	h.a.count = 1;
	h.a.scope = SCOPE_FEDERATION;
	return store_write(s, do_hourly, &h);
}

/* Records of this node and evidence rows of a key as bytes. */
struct dump {
	uint8_t	buf[8192];
	size_t	len;
};

static int
dump_record(const struct record *r, void *arg)
{
	struct dump *d = arg;

	if (d->len + RECORD_ENC_MAX <= sizeof(d->buf))
		d->len += record_encode(r, d->buf + d->len, RECORD_ENC_MAX);
	return 0;
}

static int
dump_evidence(const struct evidence *e, void *arg)
{
	return dump_record(&e->rec, arg);
}

static void
dump_key(struct store *s, const struct zkey *k, struct dump *d)
{
	struct store_txn *t = store_read(s);
	struct listing l;

	d->len = 0;
	if (t == NULL)
		return;
	store_record_foreach(t, 0, 1, UINT64_MAX, dump_record, d);
	store_evidence_foreach(t, k, dump_evidence, d);
	if (store_listing_get(t, k, &l) == RB_OK)
		d->len += listing_encode(&l, d->buf + d->len,
		    sizeof(d->buf) - d->len);
	store_read_end(s);
}

static void
test_assert_hourly(void)
{
	static const struct {
		int	reason;
		int64_t	now, expires_in;
		int	rc;
		const char *what;
	} steps[] = {
		{ 2, NOW + 10, 90 * DAY, RB_OK, "first assertion" },
		{ 2, NOW + 1200, 90 * DAY, RB_EEXIST, "again in the hour" },
		{ 2, NOW + 1800, 90 * DAY + 2 * H, RB_OK,
		    "in the hour, expiry two hours later" },
		{ 2, NOW + 2000, 90 * DAY + H, RB_EEXIST,
		    "in the hour, expiry at most an hour later" },
		{ 2, NOW + 2100, DAY, RB_EEXIST, "in the hour, expiry earlier" },
		{ 2, NOW + H, 90 * DAY, RB_OK, "the next hour" },
		{ 4, NOW + H + 5, DAY, RB_OK, "another reason" },
		{ 10, NOW + H, 0, RB_OK, "never expiring" },
		{ 10, NOW + H + 60, DAY, RB_EEXIST,
		    "never expiring, in the hour" },
		{ 6, NOW + H, DAY, RB_EINVAL, "reason 6 refused in rcpt" },
		{ 2, NOW + 3 * H, 90 * DAY, RB_OK, "two hours later" },
	};
	char adir[4200];
	struct store *a, *b;
	struct zkey k = key(ZONE_RCPT, "hourly@example.org");
	static struct dump da, db;
	struct listing l;
	size_t i;

	/* a through store_assert_hourly, b through the check. */
	snprintf(adir, sizeof(adir), "%s", fresh_dir());
	a = open_ok(adir, 0, 0);
	b = open_ok(fresh_dir(), 0, 0);
	ok(a != NULL && b != NULL, "open two stores");
	if (a == NULL || b == NULL)
		return;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		is_int(hourly1(a, 1, &k, steps[i].reason, steps[i].now,
		    steps[i].expires_in), steps[i].rc, "hourly: %s",
		    steps[i].what);
		hourly1(b, 0, &k, steps[i].reason, steps[i].now,
		    steps[i].expires_in);
		dump_key(a, &k, &da);
		dump_key(b, &k, &db);
		ok(da.len > 0 && da.len == db.len &&
		    memcmp(da.buf, db.buf, da.len) == 0,
		    "... records, evidence and listing as the check and "
		    "store_assert leave them");
	}
	is_int(last_seq(a, 0), 6, "six records: the skipped wrote none");
	get(a, &k, &l);
	ok(l.n == 3 && l.r[0].reason == 2 && l.r[0].count == 4,
	    "reason 2 counted four times");

	/* Only this node's row counts, and not a deletion. */
	is_int(retract1(a, &k, 2, NOW + 3 * H), RB_OK, "retract reason 2");
	is_int(hourly1(a, 1, &k, 2, NOW + 3 * H, 90 * DAY), RB_OK,
	    "hourly after a retraction in the hour: asserted");
	get(a, &k, &l);
	ok(l.n == 3 && l.r[0].count == 1, "a fresh row (count 1)");
	store_close(a);
	store_close(b);
	rm_rf(adir);
	rm_rf(tmpl);
}

/*
 * The listing statistics, exact: after every write the "lx" buckets in
 * `meta` are those of the listing table, "ld" counts each key that
 * started or stopped being listed, and every listing is what the policy
 * computes from the key's stored evidence.
 */
struct lstat_state {
	uint64_t	listed[ZONE_COUNT], delisted[ZONE_COUNT];
	int		fresh_bad;
};

static int
listed_now(struct store *s, const struct zkey *k)
{
	struct listing l;

	return get(s, k, &l) == RB_OK && listing_active(&l, NOW) > 0;
}

#define EV_ROWS	300
struct ev_rows {
	int		n;
	struct evidence	ev[EV_ROWS];
};

static int
ev_collect(const struct evidence *e, void *arg)
{
	struct ev_rows *r = arg;

	if (r->n < EV_ROWS)
		r->ev[r->n++] = *e;
	return 0;
}

/* 1 if the stored listing of k is the policy's on its stored evidence. */
static int
listing_fresh(struct store *s, const struct zkey *k)
{
	static struct ev_rows rows;
	uint8_t want[LISTING_ENC_MAX], got[LISTING_ENC_MAX];
	size_t wl, gl = 0;
	struct listing l;
	struct store_txn *t = store_read(s);
	int rc;

	if (t == NULL)
		return 0;
	rows.n = 0;
	store_evidence_foreach(t, k, ev_collect, &rows);
	policy_compute(rows.ev, rows.n, NOW, &l, NULL);
	wl = l.n ? listing_encode(&l, want, sizeof(want)) : 0;
	memset(&l, 0, sizeof(l));
	if ((rc = store_listing_get(t, k, &l)) == RB_OK)
		gl = listing_encode(&l, got, sizeof(got));
	store_read_end(s);
	if (wl == 0)
		return rc == RB_ENOENT;
	return rc == RB_OK && wl == gl && memcmp(want, got, wl) == 0;
}

/* Before and after a write on k: what "ld" must count. */
static void
lstat_step(struct store *s, struct lstat_state *st, const struct zkey *k,
    int before)
{
	int after = listed_now(s, k);

	if (before != after) {
		if (after)
			st->listed[k->zone]++;
		else
			st->delisted[k->zone]++;
	}
	if (!listing_fresh(s, k)) {
		st->fresh_bad++;
		printf("# listing of key %d/%d is not the policy's\n",
		    k->zone, k->data[0]);
	}
}

struct peer_rows {
	uint32_t	origin;	/* first origin, one row each */
	int		n;
	struct zkey	k;
	int		reason;
	int64_t		last, expires;
};

static int
do_peer_rows(struct store_txn *t, void *arg)
{
	struct peer_rows *p = arg;
	struct record r;
	int i, rc;

	for (i = 0; i < p->n; i++) {
		memset(&r, 0, sizeof(r));
		r.origin = p->origin + (uint32_t)i;
		r.seq = 1 + (uint64_t)NOW;	/* one a peer in this test */
		r.key = p->k;
		r.reason = (uint8_t)p->reason;
		r.scope = SCOPE_FEDERATION;
		r.first = r.last = p->last;
		r.expires = p->expires;
		r.count = 1;
		if ((rc = store_record_add(t, &r)) != RB_OK)
			return rc;
	}
	return RB_OK;
}

static int
do_origin_add(struct store_txn *t, void *arg)
{
	return store_origin_add(t, arg);
}

static int
do_origin_put(struct store_txn *t, void *arg)
{
	return store_origin_put(t, arg);
}

struct bucket {
	int		zone, code;
	int64_t		expires;
	uint64_t	n;
};

static int
bucket_add(struct bucket *b, int nb, int max, int zone, int code,
    int64_t expires, uint64_t n)
{
	int i;

	for (i = 0; i < nb; i++)
		if (b[i].zone == zone && b[i].code == code &&
		    b[i].expires == expires) {
			b[i].n += n;
			return nb;
		}
	if (nb == max)
		return nb;
	b[nb].zone = zone;
	b[nb].code = code;
	b[nb].expires = expires;
	b[nb].n = n;
	return nb + 1;
}

/* With the store closed: the differences between the "lx" entries and
 * the buckets of the listing table, and the "ld" entry of day; -1 if
 * the environment cannot be read. */
static int
lstat_read(const char *dir, uint32_t day, uint64_t listed[ZONE_COUNT],
    uint64_t delisted[ZONE_COUNT])
{
	static struct bucket want[256], got[256];
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dl, dm;
	MDB_cursor *c;
	MDB_val k, v;
	int nw = 0, ng = 0, i, j, diff = 0, rc;

	if (mdb_env_create(&env) != 0)
		return -1;
	mdb_env_set_maxdbs(env, 32);
	if (mdb_env_open(env, dir, MDB_RDONLY, 0640) != 0 ||
	    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0) {
		mdb_env_close(env);
		return -1;
	}
	if (mdb_dbi_open(txn, "listing", 0, &dl) != 0 ||
	    mdb_dbi_open(txn, "meta", 0, &dm) != 0 ||
	    mdb_cursor_open(txn, dl, &c) != 0) {
		mdb_txn_abort(txn);
		mdb_env_close(env);
		return -1;
	}
	while (mdb_cursor_get(c, &k, &v, MDB_NEXT) == 0) {
		struct listing l;
		int64_t end = 0;
		int never = 0, z = ((uint8_t *)k.mv_data)[0];

		if (listing_decode(v.mv_data, v.mv_size, &l) != RB_OK) {
			diff++;
			continue;
		}
		for (i = 0; i < l.n; i++) {
			nw = bucket_add(want, nw, 256, z, l.r[i].reason,
			    l.r[i].expires, 1);
			never |= l.r[i].expires == 0;
			if (l.r[i].expires > end)
				end = l.r[i].expires;
		}
		if (l.n > 0)
			nw = bucket_add(want, nw, 256, z, 0, never ? 0 : end, 1);
	}
	mdb_cursor_close(c);
	rc = mdb_cursor_open(txn, dm, &c);
	k.mv_size = 2;
	k.mv_data = "lx";
	for (j = MDB_SET_RANGE; rc == 0 &&
	    mdb_cursor_get(c, &k, &v, (MDB_cursor_op)j) == 0; j = MDB_NEXT) {
		const uint8_t *kp = k.mv_data;

		if (k.mv_size < 2 || memcmp(kp, "lx", 2) != 0)
			break;
		if (k.mv_size != 12 || v.mv_size != 8) {
			diff++;
			continue;
		}
		ng = bucket_add(got, ng, 256, kp[2], kp[3],
		    (int64_t)be_get(kp + 4, 8), be_get(v.mv_data, 8));
	}
	if (rc == 0)
		mdb_cursor_close(c);
	for (i = 0; i < nw; i++) {
		for (j = 0; j < ng; j++)
			if (got[j].zone == want[i].zone &&
			    got[j].code == want[i].code &&
			    got[j].expires == want[i].expires)
				break;
		if (j == ng || got[j].n != want[i].n) {
			printf("# lx %d/%d/%lld: %llu, want %llu\n",
			    want[i].zone, want[i].code,
			    (long long)want[i].expires, j == ng ? 0ULL :
			    (unsigned long long)got[j].n,
			    (unsigned long long)want[i].n);
			diff++;
		}
	}
	if (ng != nw) {
		printf("# %d lx entries, want %d\n", ng, nw);
		diff++;
	}
	for (i = 0; i < ZONE_COUNT; i++) {
		uint8_t kb[7];

		memcpy(kb, "ld", 2);
		kb[2] = (uint8_t)i;
		be_put(kb + 3, day, 4);
		k.mv_size = sizeof(kb);
		k.mv_data = kb;
		listed[i] = delisted[i] = 0;
		if (mdb_get(txn, dm, &k, &v) == 0 && v.mv_size == 8) {
			listed[i] = be_get(v.mv_data, 4);
			delisted[i] = be_get((uint8_t *)v.mv_data + 4, 4);
		}
	}
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return diff;
}

struct lcount_arg {
	struct listing_counts	*c;
	int64_t			 now, from;
};

static int
lcount_fn(const struct zkey *k, const struct listing *cl, void *arg)
{
	struct lcount_arg *a = arg;
	struct listing l = *cl;
	int64_t end = 0;
	int i, never = 0;

	for (i = 0; i < l.n; i++) {
		never |= l.r[i].expires == 0;
		if (l.r[i].expires > end)
			end = l.r[i].expires;
	}
	if (listing_active(&l, a->now) == 0) {
		a->c->expired[k->zone]++;
		if (!never && end >= a->from)
			a->c->expired_in[k->zone]++;
		return 0;
	}
	a->c->keys[k->zone]++;
	for (i = 0; i < l.n; i++)
		a->c->codes[k->zone][l.r[i].reason]++;
	return 0;
}

/* store_listing_counts() at now against a walk of the listing table. */
static int
counts_walked(struct store *s, int64_t now)
{
	struct listing_counts got, want;
	struct lcount_arg a = { &want, now, NOW - NOW % DAY };
	struct store_txn *t = store_read(s);
	int rc;

	if (t == NULL)
		return 0;
	memset(&want, 0, sizeof(want));
	rc = store_listing_counts(t, now, (uint32_t)(NOW / DAY), UINT32_MAX,
	    &got);
	if (rc == RB_OK)
		rc = store_listing_foreach(t, -1, lcount_fn, &a);
	store_read_end(s);
	return rc == RB_OK && got.since != 0 &&
	    memcmp(got.keys, want.keys, sizeof(want.keys)) == 0 &&
	    memcmp(got.codes, want.codes, sizeof(want.codes)) == 0 &&
	    memcmp(got.expired, want.expired, sizeof(want.expired)) == 0 &&
	    memcmp(got.expired_in, want.expired_in,
	    sizeof(want.expired_in)) == 0;
}

static void
test_listing_stats(void)
{
	const char *dir = fresh_dir();
	struct store *s = open_ok(dir, 0, 0);
	struct lstat_state st;
	struct zkey k1 = nkey(1), k2 = nkey(2), k3 = nkey(3), k4 = nkey(4),
	    k5 = nkey(5), d = key(ZONE_RDOM, "example.net");
	struct origin full, watch;
	struct peer_rows p;
	struct listing l;
	uint64_t listed[ZONE_COUNT], delisted[ZONE_COUNT];
	int b, i;

	ok(s != NULL, "open");
	if (s == NULL)
		return;
	memset(&st, 0, sizeof(st));
#define STEP(k, op) do {						\
		b = listed_now(s, (k));					\
		is_int((op), RB_OK, "%s", #op);				\
		lstat_step(s, &st, (k), b);				\
	} while (0)
	/* Asserts and re-asserts: buckets move; a second reason shares
	 * its key's bucket, one never expiring moves it to 0. */
	STEP(&k1, assert1(s, &k1, 2, NOW, 90 * DAY, 1));
	STEP(&k1, assert1(s, &k1, 2, NOW + 2 * H, 90 * DAY, 1));
	STEP(&k1, assert1(s, &k1, 4, NOW + 2 * H, DAY, 1));
	STEP(&k1, assert1(s, &k1, 3, NOW + 2 * H, 90 * DAY, 1));
	STEP(&k2, assert1(s, &k2, 2, NOW, 90 * DAY, 1));
	STEP(&d, assert1(s, &d, 2, NOW, 30 * DAY, 1));
	STEP(&k1, assert1(s, &k1, 10, NOW + 2 * H, 0, 1));
	/* Expired when written: no listing, no change. */
	STEP(&k3, assert1(s, &k3, 2, NOW - 100 * DAY, 90 * DAY, 1));
	/* Retracts: one reason, then all; listed again. */
	STEP(&k1, retract1(s, &k1, 4, NOW + 3 * H));
	STEP(&k1, retract1(s, &k1, 10, NOW + 3 * H));
	STEP(&k2, retract1(s, &k2, 0, NOW + 3 * H));
	STEP(&k2, assert1(s, &k2, 2, NOW + 4 * H, 90 * DAY, 1));
	STEP(&k3, retract1(s, &k3, 0, NOW + 4 * H));

	/* A full peer stretches k1's expiry; made observe, it stops
	 * counting (every key it spoke of is computed again). */
	memset(&full, 0, sizeof(full));
	snprintf(full.name, sizeof(full.name), "full");
	full.trust = TRUST_FULL;
	is_int(store_write(s, do_origin_add, &full), RB_OK, "peer added");
	memset(&p, 0, sizeof(p));
	p.origin = full.id;
	p.n = 1;
	p.k = k1;
	p.reason = 2;
	p.last = NOW;
	p.expires = NOW + 200 * DAY;
	STEP(&k1, store_write(s, do_peer_rows, &p));
	full.trust = TRUST_OBSERVE;
	STEP(&k1, store_write(s, do_origin_put, &full));

	/* Over EVIDENCE_FEW rows: 20 partial peers, then this node. */
	for (i = 0; i < 20; i++) {
		memset(&watch, 0, sizeof(watch));
		snprintf(watch.name, sizeof(watch.name), "partial%d", i);
		watch.trust = TRUST_PARTIAL;
		store_write(s, do_origin_add, &watch);
		if (i == 0)
			p.origin = watch.id;
	}
	p.n = 20;
	p.k = k4;
	p.reason = 3;
	p.last = NOW - H;
	p.expires = NOW + 10 * DAY;
	STEP(&k4, store_write(s, do_peer_rows, &p));
	STEP(&k4, assert1(s, &k4, 2, NOW, 90 * DAY, 1));
	STEP(&k4, assert1(s, &k4, 3, NOW, 20 * DAY, 1));
	STEP(&k4, retract1(s, &k4, 0, NOW + H));
	STEP(&k4, assert1(s, &k4, 4, NOW + 2 * H, DAY, 1));

	/* EVIDENCE_MAX rows are read of a key: 254 unknown peers (they
	 * observe) and a full one past them, whose row is read or not as
	 * this node's rows come and go. */
	memset(&watch, 0, sizeof(watch));
	watch.id = 5000;
	snprintf(watch.name, sizeof(watch.name), "late");
	is_int(store_write(s, do_origin_put, &watch), RB_OK, "peer 5000");
	p.origin = 1000;
	p.n = 254;
	p.k = k5;
	p.reason = 2;
	p.last = NOW;
	p.expires = NOW + DAY;
	STEP(&k5, store_write(s, do_peer_rows, &p));
	p.origin = 5000;
	p.n = 1;
	p.reason = 3;
	STEP(&k5, store_write(s, do_peer_rows, &p));
	STEP(&k5, assert1(s, &k5, 2, NOW, 90 * DAY, 1));
	STEP(&k5, assert1(s, &k5, 4, NOW, 90 * DAY, 1));
	get(s, &k5, &l);
	ok(l.n == 2 && l.r[0].reason == 2 && l.r[1].reason == 4,
	    "the 257th row is not read");
	STEP(&k5, retract1(s, &k5, 2, NOW + H));
	get(s, &k5, &l);
	ok(l.n == 2 && l.r[0].reason == 3 && l.r[1].reason == 4,
	    "one row less: the peer's is read");
	STEP(&k5, assert1(s, &k5, 2, NOW + H, 90 * DAY, 1));
	STEP(&k5, retract1(s, &k5, 0, NOW + 2 * H));
	STEP(&k5, assert1(s, &k5, 4, NOW + 2 * H, DAY, 1));
#undef STEP
	is_int(st.fresh_bad, 0,
	    "every listing is the policy's on its stored evidence");
	ok(counts_walked(s, NOW), "counts at now as walked");
	ok(counts_walked(s, NOW + 2 * DAY), "... two days later as walked");
	ok(counts_walked(s, NOW + 100 * DAY), "... 100 days later");
	ok(counts_walked(s, NOW + 300 * DAY), "... 300 days later");
	store_close(s);
	is_int(lstat_read(dir, (uint32_t)(NOW / DAY), listed, delisted), 0,
	    "lx buckets are those of the listing table");
	ok(memcmp(listed, st.listed, sizeof(listed)) == 0 &&
	    memcmp(delisted, st.delisted, sizeof(delisted)) == 0,
	    "ld: listed %llu/%llu delisted %llu/%llu (rcpt), as seen",
	    (unsigned long long)listed[ZONE_RCPT],
	    (unsigned long long)st.listed[ZONE_RCPT],
	    (unsigned long long)delisted[ZONE_RCPT],
	    (unsigned long long)st.delisted[ZONE_RCPT]);
	ok(st.listed[ZONE_RCPT] >= 4 && st.delisted[ZONE_RCPT] >= 3 &&
	    st.listed[ZONE_RDOM] == 1, "the case lists and delists");
	rm_rf(dir);
}

int
main(void)
{
	char now[32];

	/* Before any rb_now() call: the policy uses it on every write. */
	snprintf(now, sizeof(now), "%lld", (long long)NOW);
	setenv("REBOND_NOW", now, 1);
	log_init("test_store", 1, LOG_LVL_WARN);

	is_int(rb_now(), NOW, "REBOND_NOW in effect");
	test_open();
	test_assert_retract();
	test_record_log();
	test_assert_hourly();
	test_listing_stats();
	test_iterate();
	test_map_growth();
	test_two_processes();
	test_visible_without_reopen();
	test_damaged();
	test_foreign();
	return done_testing();
}

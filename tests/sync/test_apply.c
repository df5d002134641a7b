/*
 * tests/sync/test_apply.c - three nodes in temporary stores: A signs
 * and serves its records, B applies them and serves them on, C gets
 * what B may relay.  Scope rules (local never leaves, peers only to
 * sharing peers and never relayed, federation relayed with A's
 * signature intact), trust as the policy sees it, gaps, replays, forks,
 * unknown and own keys, deletions, and the kept signed spans.
 */
#define _GNU_SOURCE	/* memmem */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "sync/apply.h"
#include "sync/batch.h"
#include "sync/key.h"
#include "zones/peer.h"
#include "sync/serve.h"
#include "zones/log.h"
#include "zones/policy.h"
#include "zones/store.h"
#include "zones/util.h"

#define H	3600LL
#define NOW	(472222LL * H)	/* hour-aligned; REBOND_NOW is set to it */

struct node {
	const char	*name;
	char		 dir[4096];
	struct store	*s;
	uint8_t		 sk[KEY_SK_LEN], pk[KEY_PK_LEN];
};

static struct node A, B, C, D;

static int
do_self(struct store_txn *t, void *arg)
{
	return self_key_set(t, arg, NULL);
}

static void
node_init(struct node *n, const char *name, uint8_t first)
{
	const char *t = getenv("TMPDIR");
	uint8_t seed[32];
	char err[1024];
	int i;

	n->name = name;
	snprintf(n->dir, sizeof(n->dir), "%s/rebond-test-sync-%s-XXXXXX",
	    t && *t ? t : "/tmp", name);
	if (mkdtemp(n->dir) == NULL) {
		printf("# mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	if (store_open(&n->s, n->dir, 1 << 20, 0, err, sizeof(err)) !=
	    RB_OK) {
		printf("# %s\n", err);
		exit(1);
	}
	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)(first + i);
	key_from_seed(seed, n->sk, n->pk);
	if (store_write(n->s, do_self, n->pk) != RB_OK) {
		printf("# cannot set the key of %s\n", name);
		exit(1);
	}
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
node_fini(struct node *n)
{
	store_close(n->s);
	nftw(n->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The origin id of who in at's store, or UINT32_MAX. */
static uint32_t
id_of(struct node *at, struct node *who)
{
	struct store_txn *t = store_read(at->s);
	struct origin o;
	int rc;

	if (at == who)
		return 0;
	rc = store_origin_find_key(t, who->pk, &o);
	store_read_end(at->s);
	return rc == RB_OK ? o.id : UINT32_MAX;
}

static struct origin
origin_of(struct node *at, struct node *who)
{
	struct store_txn *t = store_read(at->s);
	struct origin o;

	memset(&o, 0, sizeof(o));
	o.id = UINT32_MAX;
	if (store_origin_find_key(t, who->pk, &o) != RB_OK)
		o.id = UINT32_MAX;
	store_read_end(at->s);
	return o;
}

struct peer_args {
	const char	*name;
	const uint8_t	*key;
	int		 trust, share;
	const char	*why;
};

static int
do_peer(struct store_txn *t, void *arg)
{
	struct peer_args *a = arg;

	return peer_add(t, a->name, a->key, "https://peer.example/", a->trust,
	    a->share, &a->why);
}

static int
add_peer(struct node *at, struct node *who, int trust, int share)
{
	struct peer_args a = { who->name, who->pk, trust, share, NULL };

	return store_write(at->s, do_peer, &a);
}

struct assert_args {
	struct zkey	k;
	int		reason, scope, del;
};

static int
do_assert(struct store_txn *t, void *arg)
{
	struct assert_args *a = arg;

	if (a->del)
		return store_retract(t, &a->k, 0, NOW, a->scope);
	return store_assert(t, &a->k, a->reason, NULL, NOW, 90 * 86400, 1,
	    a->scope);
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

static int
assert_on(struct node *n, int zone, const char *text, int scope)
{
	struct assert_args a = { key(zone, text), 2, scope, 0 };

	return store_write(n->s, do_assert, &a);
}

static int
retract_on(struct node *n, int zone, const char *text, int scope)
{
	struct assert_args a = { key(zone, text), 0, scope, 1 };

	return store_write(n->s, do_assert, &a);
}

static int
listed(struct node *n, int zone, const char *text)
{
	struct zkey k = key(zone, text);
	struct store_txn *t = store_read(n->s);
	struct listing l;
	int rc;

	rc = store_listing_get(t, &k, &l);
	store_read_end(n->s);
	return rc == RB_OK && listing_active(&l, NOW) > 0;
}

struct ev_ctx {
	uint32_t	origin;
	int		found, trust, quarantined;
};

static int
ev_find(const struct evidence *e, void *arg)
{
	struct ev_ctx *x = arg;

	if (e->origin == x->origin) {
		x->found = 1;
		x->trust = e->trust;
		x->quarantined = e->quarantined;
	}
	return 0;
}

/* The evidence of origin (an id in n's store) for a key, as the policy
 * sees it. */
static struct ev_ctx
evidence_of(struct node *n, uint32_t origin, int zone, const char *text)
{
	struct zkey k = key(zone, text);
	struct ev_ctx x = { origin, 0, -1, -1 };
	struct store_txn *t = store_read(n->s);

	store_evidence_foreach(t, &k, ev_find, &x);
	store_read_end(n->s);
	return x;
}

/* What from serves to `to` of origin's records after `after`. */
static int
serve(struct node *from, struct node *to, struct node *origin,
    uint64_t after, struct sbuf *out)
{
	const char *why = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = serve_records(from->s, from->sk, from->pk, id_of(from, to),
	    id_of(from, origin), after, 1 << 20, out, &why);
	if (rc != RB_OK)
		printf("# serve: %s\n", why ? why : rb_strerror(rc));
	return rc;
}

static int
count_batches(const struct sbuf *b)
{
	const uint8_t *p;
	size_t off = 0, len;
	int n = 0, rc;

	while ((rc = serve_next(b->p, b->len, &off, &p, &len)) == 1)
		n++;
	return rc < 0 ? rc : n;
}

/* Decode the i-th batch of a response (not verified). */
static int
nth_batch(const struct sbuf *b, int i, const uint8_t **p, size_t *len)
{
	size_t off = 0;
	int n = 0;

	while (serve_next(b->p, b->len, &off, p, len) == 1)
		if (n++ == i)
			return RB_OK;
	return RB_ENOENT;
}

/* Apply every batch of a response at node at, served by sender. */
static int
apply_all(struct node *at, struct node *sender, const struct sbuf *in,
    struct apply_result *sum, char *why, size_t whylen)
{
	struct apply_result r;
	const uint8_t *p;
	size_t off = 0, len;
	int rc = RB_OK;

	memset(sum, 0, sizeof(*sum));
	while (serve_next(in->p, in->len, &off, &p, &len) == 1) {
		if ((rc = apply_batch(at->s, id_of(at, sender), p, len, &r, why,
		    whylen)) != RB_OK)
			break;
		sum->origin = r.origin;
		sum->applied += r.applied;
		sum->skipped += r.skipped;
		sum->last_seq = r.last_seq;
		sum->created |= r.created;
		sum->kept |= r.kept;
	}
	if (rc != RB_OK)
		*sum = r;
	return rc;
}

static int
has_bytes(const struct sbuf *b, const void *needle, size_t n)
{
	return b->len >= n && memmem(b->p, b->len, needle, n) != NULL;
}

static void
test_setup(void)
{
	is_int(add_peer(&A, &B, TRUST_FULL, 1), RB_OK, "A: peer B, shares");
	is_int(add_peer(&A, &D, TRUST_FULL, 0), RB_OK, "A: peer D, no sharing");
	is_int(add_peer(&B, &A, TRUST_FULL, 1), RB_OK, "B: peer A, full");
	is_int(add_peer(&B, &C, TRUST_FULL, 1), RB_OK, "B: peer C, shares");
	is_int(add_peer(&C, &B, TRUST_FULL, 1), RB_OK, "C: peer B, full");
	is_int(add_peer(&D, &A, TRUST_FULL, 1), RB_OK, "D: peer A, full");

	/* A: seq 1 federation, 2 peers, 3 local, 4 federation. */
	is_int(assert_on(&A, ZONE_RCPT, "fed@example.org", SCOPE_FEDERATION),
	    RB_OK, "A asserts a federation record (seq 1)");
	is_int(assert_on(&A, ZONE_RCPT, "peers@example.org", SCOPE_PEERS),
	    RB_OK, "A asserts a peers record (seq 2)");
	is_int(assert_on(&A, ZONE_RCPT, "local@example.org", SCOPE_LOCAL),
	    RB_OK, "A asserts a local record (seq 3)");
	is_int(assert_on(&A, ZONE_RDOM, "fed.example", SCOPE_FEDERATION),
	    RB_OK, "A asserts a federation domain (seq 4)");
}

static uint8_t *fed_batch;	/* A's relayable batch [1,4] as A served it */
static size_t fed_len;

static void
test_a_to_b(void)
{
	struct sbuf out;
	struct apply_result r;
	struct batch b;
	const uint8_t *p;
	size_t len;
	char why[512];
	struct zkey kl = key(ZONE_RCPT, "local@example.org");
	struct ev_ctx e;
	int rc;

	is_int(serve(&A, &B, &A, 0, &out), RB_OK, "A serves B its records");
	is_int(count_batches(&out), 2, "two batches: peers view, then "
	    "relayable view");
	ok(!has_bytes(&out, kl.data, kl.len),
	    "the local record's key is nowhere in the response");
	if (nth_batch(&out, 0, &p, &len) == RB_OK &&
	    batch_verify(p, len, &b, NULL) == RB_OK) {
		ok(b.from == 1 && b.to == 4 && b.count == 3 && !b.relayable,
		    "peers view: seq 1, 2, 4 of [1,4]");
		batch_free(&b);
	} else
		ok(0, "peers view verifies");
	if (nth_batch(&out, 1, &p, &len) == RB_OK &&
	    batch_verify(p, len, &b, NULL) == RB_OK) {
		ok(b.from == 1 && b.to == 4 && b.count == 2 && b.relayable &&
		    b.rec[0].seq == 1 && b.rec[1].seq == 4,
		    "relayable view: seq 1, 4 of [1,4]");
		batch_free(&b);
		fed_batch = malloc(len);
		memcpy(fed_batch, p, len);
		fed_len = len;
	} else
		ok(0, "relayable view verifies");

	rc = apply_all(&B, &A, &out, &r, why, sizeof(why));
	is_int(rc, RB_OK, "B applies both");
	is_int(r.applied, 3, "3 records applied");
	is_int(r.skipped, 2, "the relayable view's 2 records skipped");
	is_int(r.last_seq, 4, "B's cursor for A is 4");
	ok(r.kept, "the relayable batch is kept for relaying");
	ok(listed(&B, ZONE_RCPT, "fed@example.org"),
	    "B lists A's federation record");
	ok(listed(&B, ZONE_RCPT, "peers@example.org"),
	    "B lists A's peers record (B is a sharing peer)");
	ok(listed(&B, ZONE_RDOM, "fed.example"), "B lists A's domain");
	ok(!listed(&B, ZONE_RCPT, "local@example.org"),
	    "B does not know A's local record");
	e = evidence_of(&B, id_of(&B, &A), ZONE_RCPT, "fed@example.org");
	ok(e.found && e.trust == TRUST_FULL,
	    "the evidence carries A's trust (full)");
	{
		uint32_t a = id_of(&B, &A);
		struct store_txn *t = store_read(B.s);
		struct record got;

		ok(store_record_get(t, a, 4, &got) == RB_OK && got.seq == 4 &&
		    got.origin == a, "B logs A's seq 4 under A's own number");
		is_int(store_record_get(t, a, 3, &got), RB_ENOENT,
		    "and has no seq 3");
		store_read_end(B.s);
	}

	/* Replay: nothing changes. */
	rc = apply_all(&B, &A, &out, &r, why, sizeof(why));
	ok(rc == RB_OK && r.applied == 0 && r.skipped == 5,
	    "served twice: idempotent (applied %u, skipped %u)", r.applied,
	    r.skipped);
	is_int(origin_of(&B, &A).last_seq, 4, "cursor unchanged");
	sbuf_free(&out);

	/* Nothing new after the cursor. */
	is_int(serve(&A, &B, &A, 4, &out), RB_OK, "A serves after 4");
	is_int(out.len, 0, "nothing new: empty response");
	sbuf_free(&out);
	/* From within: only the rest. */
	is_int(serve(&A, &B, &A, 2, &out), RB_OK, "A serves after 2");
	if (nth_batch(&out, 0, &p, &len) == RB_OK &&
	    batch_verify(p, len, &b, NULL) == RB_OK) {
		ok(b.from == 3 && b.to == 4 && b.count == 1,
		    "a batch from the cursor: [3,4] with seq 4");
		batch_free(&b);
	} else
		ok(0, "batch from the cursor");
	is_int(count_batches(&out), 1, "one batch: no peers record in [3,4]");
	sbuf_free(&out);

	/* A does not share with D. */
	is_int(serve(&A, &D, &A, 0, &out), RB_OK, "A serves D");
	is_int(out.len, 0, "D (share no) gets none of A's records");
	sbuf_free(&out);
}

static void
test_trust(void)
{
	struct ev_ctx e;
	uint32_t a = id_of(&B, &A);
	struct evidence ev[4];
	struct listing l;

	is_int(add_peer(&B, &A, TRUST_OBSERVE, 1), RB_OK,
	    "B: change A's trust to observe");
	is_int(id_of(&B, &A), a, "same origin");
	e = evidence_of(&B, a, ZONE_RCPT, "fed@example.org");
	ok(e.found && e.trust == TRUST_OBSERVE,
	    "the policy now reads trust observe");
	memset(ev, 0, sizeof(ev));
	ev[0].origin = a;
	ev[0].trust = (uint8_t)e.trust;
	ev[0].rec.key = key(ZONE_RCPT, "fed@example.org");
	ev[0].rec.reason = 2;
	ev[0].rec.last = NOW;
	is_int(policy_compute(ev, 1, NOW, &l, NULL), 0,
	    "an observe origin alone lists nothing");
	is_int(add_peer(&B, &A, TRUST_PARTIAL, 1), RB_OK, "then partial");
	e = evidence_of(&B, a, ZONE_RCPT, "fed@example.org");
	is_int(e.trust, TRUST_PARTIAL, "read as partial");
	is_int(add_peer(&B, &A, TRUST_FULL, 1), RB_OK, "back to full");
}

static void
test_relay(void)
{
	struct sbuf out;
	struct apply_result r;
	struct batch b;
	const uint8_t *p;
	size_t len;
	char why[512];
	struct zkey kp = key(ZONE_RCPT, "peers@example.org");
	struct zkey kl = key(ZONE_RCPT, "local@example.org");
	struct ev_ctx e;
	struct origin o;
	int rc;

	is_int(serve(&B, &C, &A, 0, &out), RB_OK, "B serves C A's records");
	is_int(count_batches(&out), 1, "one batch");
	ok(!has_bytes(&out, kp.data, kp.len),
	    "A's peers record is not relayed");
	ok(!has_bytes(&out, kl.data, kl.len), "nor its local record");
	if (nth_batch(&out, 0, &p, &len) == RB_OK) {
		ok(len == fed_len && memcmp(p, fed_batch, len) == 0,
		    "the batch is A's, byte for byte");
		rc = batch_verify(p, len, &b, NULL);
		ok(rc == RB_OK && memcmp(b.pk, A.pk, 32) == 0,
		    "C verifies it with A's key");
		if (rc == RB_OK)
			batch_free(&b);
	}
	rc = apply_all(&C, &B, &out, &r, why, sizeof(why));
	is_int(rc, RB_OK, "C applies it");
	ok(r.created, "C creates an origin for A");
	is_int(r.applied, 2, "2 records");
	o = origin_of(&C, &A);
	ok(o.id != UINT32_MAX && o.trust == TRUST_OBSERVE && o.name[0] == '~',
	    "A is an observe origin in C, named %s", o.name);
	ok(!listed(&C, ZONE_RCPT, "fed@example.org"),
	    "C does not list what only an observe origin says");
	e = evidence_of(&C, o.id, ZONE_RCPT, "fed@example.org");
	ok(e.found && e.trust == TRUST_OBSERVE, "but keeps the evidence");
	sbuf_free(&out);

	/* B never relays back to the origin. */
	is_int(serve(&B, &A, &A, 0, &out), RB_OK, "B serves A A's records");
	is_int(out.len, 0, "nothing: A is the origin");
	sbuf_free(&out);

	/* C trusts A after all: the same origin, cursor kept. */
	is_int(add_peer(&C, &A, TRUST_FULL, 0), RB_OK, "C: peer add A, full");
	ok(id_of(&C, &A) == o.id && origin_of(&C, &A).last_seq == 4,
	    "the relayed origin is adopted: same id, cursor 4");
	e = evidence_of(&C, o.id, ZONE_RCPT, "fed@example.org");
	is_int(e.trust, TRUST_FULL, "its evidence now counts as full");

	/* B's own records reach C. */
	is_int(assert_on(&B, ZONE_SDOM, "spammer.example", SCOPE_FEDERATION),
	    RB_OK, "B asserts a record");
	is_int(serve(&B, &C, &B, 0, &out), RB_OK, "B serves C its own");
	rc = apply_all(&C, &B, &out, &r, why, sizeof(why));
	ok(rc == RB_OK && r.applied == 1, "C applies B's record");
	ok(listed(&C, ZONE_SDOM, "spammer.example"), "C lists it");
	sbuf_free(&out);
}

static void
test_refusals(void)
{
	struct sbuf out;
	struct apply_result r;
	struct record rec;
	uint8_t *enc, seed[32], esk[64], epk[32];
	size_t len;
	char why[512];
	const uint8_t *p;
	int rc, i;

	/* A peers-scope record of A relayed by B to C. */
	is_int(serve(&A, &B, &A, 0, &out), RB_OK, "A's peers view again");
	if (nth_batch(&out, 0, &p, &len) == RB_OK) {
		rc = apply_batch(C.s, id_of(&C, &B), p, len, &r, why,
		    sizeof(why));
		ok(rc == RB_EINVAL && strstr(why, "scope peers"),
		    "C refuses A's peers records relayed by B: %s", why);
		rc = apply_batch(C.s, id_of(&C, &A), p, len, &r, why,
		    sizeof(why));
		ok(rc == RB_OK, "but takes them from A itself (%s)", why);
		ok(!listed(&C, ZONE_RCPT, "peers@example.org"),
		    "a record passed over by an earlier, narrower batch stays "
		    "passed over (apply.h)");
	}
	sbuf_free(&out);

	/* Sender not a peer. */
	rc = apply_batch(B.s, 4242, fed_batch, fed_len, &r, why, sizeof(why));
	ok(rc == RB_EINVAL && strstr(why, "not a configured peer"),
	    "a sender that is not a peer is refused: %s", why);
	rc = serve_records(A.s, A.sk, A.pk, 4242, 0, 0, 1 << 20, &out, NULL);
	is_int(rc, RB_ENOENT, "nothing is served to a non-peer");
	sbuf_free(&out);

	/* Our own records coming back. */
	rc = apply_batch(A.s, id_of(&A, &B), fed_batch, fed_len, &r, why,
	    sizeof(why));
	ok(rc == RB_EINVAL && strstr(why, "own records"),
	    "A refuses its own records: %s", why);

	/* An unknown key with peers scope; with federation, observe. */
	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)(0x80 + i);
	key_from_seed(seed, esk, epk);
	memset(&rec, 0, sizeof(rec));
	rec.key = key(ZONE_RCPT, "stranger@example.org");
	rec.seq = 1;
	rec.reason = 2;
	rec.scope = SCOPE_PEERS;
	rec.first = rec.last = NOW;
	batch_sign(esk, epk, 1, 1, &rec, 1, &enc, &len, NULL);
	rc = apply_batch(B.s, id_of(&B, &A), enc, len, &r, why, sizeof(why));
	ok(rc == RB_EINVAL && strstr(why, "unknown origin"),
	    "an unknown key's peers records are refused: %s", why);
	free(enc);

	/* A tampered batch. */
	enc = malloc(fed_len);
	memcpy(enc, fed_batch, fed_len);
	enc[fed_len / 2] ^= 0x20;
	rc = apply_batch(C.s, id_of(&C, &B), enc, fed_len, &r, why,
	    sizeof(why));
	ok(rc == RB_EINVAL && strstr(why, "bad batch"),
	    "a tampered batch is refused: %s", why);
	free(enc);
}

static void
test_gap_fork(void)
{
	struct sbuf out;
	struct apply_result r;
	struct record rec;
	struct origin o;
	uint8_t *enc;
	size_t len;
	char why[512];
	struct ev_ctx e;
	int rc;

	assert_on(&A, ZONE_RCPT, "five@example.org", SCOPE_FEDERATION);
	assert_on(&A, ZONE_RCPT, "six@example.org", SCOPE_FEDERATION);
	assert_on(&A, ZONE_RCPT, "seven@example.org", SCOPE_FEDERATION);
	is_int(serve(&A, &B, &A, 6, &out), RB_OK, "A serves after 6");
	rc = apply_all(&B, &A, &out, &r, why, sizeof(why));
	ok(rc == RB_ERANGE && strstr(why, "gap"),
	    "B (at 4) refuses [7,7]: %s", why);
	ok(!listed(&B, ZONE_RCPT, "seven@example.org"), "nothing applied");
	is_int(origin_of(&B, &A).last_seq, 4, "cursor still 4");
	sbuf_free(&out);
	is_int(serve(&A, &B, &A, 4, &out), RB_OK, "A serves after 4");
	rc = apply_all(&B, &A, &out, &r, why, sizeof(why));
	ok(rc == RB_OK && r.applied == 3 && r.last_seq == 7,
	    "the missing range applies: 3 records, cursor 7");
	rc = apply_all(&B, &A, &out, &r, why, sizeof(why));
	ok(rc == RB_OK && r.applied == 0 && r.skipped == 3,
	    "replayed: skipped");
	sbuf_free(&out);

	/* Deletion propagates. */
	is_int(retract_on(&A, ZONE_RCPT, "five@example.org", SCOPE_FEDERATION),
	    RB_OK, "A delists five@ (seq 8)");
	is_int(serve(&A, &B, &A, 7, &out), RB_OK, "A serves after 7");
	rc = apply_all(&B, &A, &out, &r, why, sizeof(why));
	ok(rc == RB_OK && r.applied == 1, "B applies the deletion");
	ok(!listed(&B, ZONE_RCPT, "five@example.org"), "B no longer lists it");
	sbuf_free(&out);

	/* Fork: A signs another record for seq 5. */
	memset(&rec, 0, sizeof(rec));
	rec.key = key(ZONE_RCPT, "five@example.org");
	rec.seq = 5;
	rec.reason = 5;
	rec.scope = SCOPE_FEDERATION;
	rec.first = rec.last = NOW;
	batch_sign(A.sk, A.pk, 5, 5, &rec, 1, &enc, &len, NULL);
	rc = apply_batch(B.s, id_of(&B, &A), enc, len, &r, why, sizeof(why));
	ok(rc == RB_EEXIST && strstr(why, "fork") && r.fork_seq == 5,
	    "a different record for seq 5 is a fork: %s", why);
	o = origin_of(&B, &A);
	ok(o.flags & ORIGIN_QUARANTINED, "A is quarantined in B");
	e = evidence_of(&B, o.id, ZONE_RCPT, "six@example.org");
	ok(e.found && e.quarantined, "the policy sees the quarantine");
	free(enc);
	is_int(serve(&A, &B, &A, 0, &out), RB_OK, "A serves B from 0");
	rc = apply_all(&B, &A, &out, &r, why, sizeof(why));
	ok(rc == RB_EBUSY && strstr(why, "quarantined"),
	    "then every batch of A is refused: %s", why);
	sbuf_free(&out);
	is_int(serve(&B, &C, &A, 0, &out), RB_OK, "B serves C A's records");
	is_int(out.len, 0, "a quarantined origin is not relayed");
	sbuf_free(&out);
}

static int
origin_seen(const struct serve_origin *so, void *arg)
{
	int *n = arg;

	(void)so;
	(*n)++;
	return 0;
}

static void
test_origins(void)
{
	uint32_t c = id_of(&B, &C), b = id_of(&A, &B), d = id_of(&A, &D);
	struct store_txn *t;
	int n = 0, rc;

	/* (id_of() ends read transactions: not inside one.) */
	t = store_read(B.s);
	rc = serve_origins(t, c, origin_seen, &n);
	store_read_end(B.s);
	ok(rc == 0 && n == 1, "B offers C its own origin only (A is "
	    "quarantined): %d", n);
	t = store_read(A.s);
	n = 0;
	rc = serve_origins(t, b, origin_seen, &n);
	store_read_end(A.s);
	ok(rc == 0 && n == 1, "A offers B its own origin");
	t = store_read(A.s);
	n = 0;
	rc = serve_origins(t, d, origin_seen, &n);
	store_read_end(A.s);
	ok(rc == 0 && n == 0, "A offers D nothing (no sharing)");
}

/* More than a span: the complete span is kept signed, responses are
 * bounded. */
static int
do_many(struct store_txn *t, void *arg)
{
	int i, rc, *n = arg;
	char a[64];

	for (i = 0; i < *n; i++) {
		struct zkey k;

		snprintf(a, sizeof(a), "bulk%d@example.org", i);
		k = key(ZONE_RCPT, a);
		if ((rc = store_assert(t, &k, 2, NULL, NOW, 0, 1, i % 7 == 3 ?
		    SCOPE_LOCAL : SCOPE_FEDERATION)) != RB_OK)
			return rc;
	}
	return RB_OK;
}

static void
test_spans(void)
{
	struct node E, F;
	struct sbuf out, one;
	struct apply_result r;
	struct batch b;
	const uint8_t *p;
	const void *v;
	size_t len, vlen;
	uint8_t k[13];
	char why[512];
	struct store_txn *t;
	int n = SERVE_SPAN + 100, rc;

	node_init(&E, "e", 0x61);
	node_init(&F, "f", 0x71);
	add_peer(&E, &F, TRUST_FULL, 1);
	add_peer(&F, &E, TRUST_FULL, 0);
	is_int(store_write(E.s, do_many, &n), RB_OK, "E makes %d records", n);
	is_int(serve(&E, &F, &E, 0, &out), RB_OK, "E serves F from 0");
	is_int(count_batches(&out), 2, "two spans");
	if (nth_batch(&out, 0, &p, &len) == RB_OK &&
	    batch_verify(p, len, &b, NULL) == RB_OK) {
		ok(b.from == 1 && b.to == SERVE_SPAN, "first span [1,%d]",
		    SERVE_SPAN);
		batch_free(&b);
	}
	t = store_read(E.s);
	k[0] = SYNC_K_BATCH;
	be_put(k + 1, 0, 4);
	be_put(k + 5, 1, 8);
	ok(store_kv_get(t, KV_SYNC, k, 13, &v, &vlen) == RB_OK &&
	    nth_batch(&out, 0, &p, &len) == RB_OK && vlen == len &&
	    memcmp(v, p, len) == 0, "the complete span is kept signed");
	be_put(k + 5, SERVE_SPAN + 1, 8);
	ok(store_kv_get(t, KV_SYNC, k, 13, &v, &vlen) == RB_ENOENT,
	    "the growing span is not");
	store_read_end(E.s);
	memset(&one, 0, sizeof(one));
	rc = serve_records(E.s, E.sk, E.pk, id_of(&E, &F), 0, 0, 1, &one,
	    NULL);
	ok(rc == RB_OK && count_batches(&one) == 1,
	    "max_bytes bounds a response (at least one batch)");
	sbuf_free(&one);
	rc = apply_all(&F, &E, &out, &r, why, sizeof(why));
	ok(rc == RB_OK && r.last_seq == (uint64_t)n,
	    "F applies both spans: cursor %d", n);
	ok(listed(&F, ZONE_RCPT, "bulk1100@example.org") &&
	    !listed(&F, ZONE_RCPT, "bulk3@example.org"),
	    "F lists E's records but the local ones");
	sbuf_free(&out);
	/* From a cursor in the first span: the rest of it, then the next. */
	is_int(serve(&E, &F, &E, 1000, &out), RB_OK, "E serves after 1000");
	if (nth_batch(&out, 0, &p, &len) == RB_OK &&
	    batch_verify(p, len, &b, NULL) == RB_OK) {
		ok(b.from == 1001 && b.to == SERVE_SPAN,
		    "[1001,%d] first", SERVE_SPAN);
		batch_free(&b);
	}
	sbuf_free(&out);
	node_fini(&E);
	node_fini(&F);
}

static void
test_framing(void)
{
	const uint8_t bad[] = { 0, 0, 0, 9, 1, 2 };
	const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff };
	const uint8_t *p;
	size_t off = 0, len;

	is_int(serve_next(bad, sizeof(bad), &off, &p, &len), RB_EINVAL,
	    "a frame longer than the response is refused");
	off = 0;
	is_int(serve_next(huge, sizeof(huge), &off, &p, &len), RB_EINVAL,
	    "a frame over BATCH_MAX_BYTES is refused");
	off = 0;
	is_int(serve_next(bad, 3, &off, &p, &len), RB_EINVAL,
	    "a cut length is refused");
	off = 0;
	is_int(serve_next(bad, 0, &off, &p, &len), 0, "empty: the end");
}

static void
test_peer_rules(void)
{
	struct peer_args a;
	uint8_t zero[32];
	int rc;

	a.name = "b2";
	a.key = B.pk;
	a.trust = TRUST_FULL;
	a.share = 0;
	a.why = NULL;
	rc = store_write(A.s, do_peer, &a);
	ok(rc == RB_EEXIST && strstr(a.why, "another peer"),
	    "a key configured twice is refused: %s", a.why);
	a.name = "b";
	a.key = C.pk;
	rc = store_write(A.s, do_peer, &a);
	ok(rc == RB_EEXIST && strstr(a.why, "another key"),
	    "a name with another key is refused: %s", a.why);
	a.name = "me";
	a.key = A.pk;
	rc = store_write(A.s, do_peer, &a);
	ok(rc == RB_EINVAL && strstr(a.why, "own"),
	    "our own key is refused: %s", a.why);
	memset(zero, 0, sizeof(zero));
	a.key = zero;
	rc = store_write(A.s, do_peer, &a);
	is_int(rc, RB_EINVAL, "the zero key is refused");
	a.name = "self";
	a.key = C.pk;
	rc = store_write(A.s, do_peer, &a);
	is_int(rc, RB_EINVAL, "the name self is refused");
	ok(peer_url_valid("http://a.example:8853/") &&
	    peer_url_valid("https://[2001:db8::1]:443"), "URLs accepted");
	ok(!peer_url_valid("ftp://a.example/") && !peer_url_valid("http://") &&
	    !peer_url_valid("https://a b/") && !peer_url_valid("a.example"),
	    "bad URLs refused");
	ok(peer_name_valid("relay-1.chatons_org") && !peer_name_valid("") &&
	    !peer_name_valid("Relay") && !peer_name_valid("a/b") &&
	    !peer_name_valid("~x"), "names");
}

int
main(void)
{
	char now[32];

	snprintf(now, sizeof(now), "%lld", (long long)NOW);
	setenv("REBOND_NOW", now, 1);
	log_init("test_apply", 1, LOG_LVL_ERR);
	node_init(&A, "a", 0x01);
	node_init(&B, "b", 0x21);
	node_init(&C, "c", 0x41);
	node_init(&D, "d", 0x51);
	test_setup();
	test_a_to_b();
	test_trust();
	test_relay();
	test_refusals();
	test_gap_fork();
	test_origins();
	test_spans();
	test_framing();
	test_peer_rules();
	free(fed_batch);
	node_fini(&A);
	node_fini(&B);
	node_fini(&C);
	node_fini(&D);
	return done_testing();
}

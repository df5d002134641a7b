/*
 * tests/zones/test_policy.c - the listing policy (policy.h rules), the
 * aggregation of evidence into a listing, and the listing encoding.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../tap.h"
#include "zones/policy.h"
#include "zones/util.h"

#define H	3600LL
#define NOW	(473000 * H)	/* 2023-12-15T08:00Z, an hour boundary */

static struct evidence
mk(uint32_t origin, int trust, int reason, int64_t last)
{
	struct evidence e;

	memset(&e, 0, sizeof(e));
	e.origin = origin;
	e.trust = (uint8_t)trust;
	e.rec.origin = origin;
	e.rec.seq = 1;
	e.rec.key.zone = ZONE_RCPT;
	e.rec.key.len = HASH_LEN;
	e.rec.reason = (uint8_t)reason;
	e.rec.scope = SCOPE_FEDERATION;
	e.rec.status.klass = 5;
	e.rec.status.subject = 1;
	e.rec.status.detail = 1;
	e.rec.first = last - 10 * H;
	e.rec.last = last;
	e.rec.expires = NOW + 90 * 24 * H;
	e.rec.count = 1;
	return e;
}

/* This node's deletion of every reason at time t. */
static struct evidence
tomb(uint32_t origin, int64_t t)
{
	struct evidence e = mk(origin, TRUST_FULL, 0, t);

	e.rec.flags = REC_DELETE;
	e.rec.first = t;
	e.rec.expires = 0;
	e.rec.count = 0;
	return e;
}

static int
compute(const struct evidence *ev, int n, struct listing *l, uint8_t *v)
{
	memset(l, 0x5a, sizeof(*l));
	memset(v, 0xee, 16);
	return policy_compute(ev, n, NOW, l, v);
}

static void
test_trust(void)
{
	struct evidence ev[4];
	struct listing l;
	uint8_t v[16];

	ev[0] = mk(0, TRUST_FULL, 2, NOW - H);
	is_int(compute(ev, 1, &l, v), 1, "self evidence lists");
	is_int(l.n, 1, "self: out->n");
	is_int(l.r[0].reason, 2, "self: reason");
	is_int(l.r[0].nrelays, 1, "self: one relay");
	is_int(v[0], PV_COUNTS, "self: verdict counts");

	/* Self's own trust field is ignored: origin 0 is always trusted. */
	ev[0].trust = TRUST_OBSERVE;
	ev[0].quarantined = 1;
	is_int(compute(ev, 1, &l, v), 1,
	    "self lists whatever its trust/quarantine fields say");

	ev[0] = mk(5, TRUST_FULL, 3, NOW - H);
	is_int(compute(ev, 1, &l, v), 1, "full peer alone lists");
	is_int(l.r[0].reason, 3, "full peer: reason");
	is_int(v[0], PV_COUNTS, "full peer: counts");

	ev[0] = mk(5, TRUST_OBSERVE, 2, NOW - H);
	is_int(compute(ev, 1, &l, v), 0, "observe peer never lists");
	is_int(l.n, 0, "observe: out->n 0");
	is_int(v[0], PV_OBSERVE, "observe: verdict");

	ev[0] = mk(5, TRUST_FULL, 2, NOW - H);
	ev[0].quarantined = 1;
	is_int(compute(ev, 1, &l, v), 0, "quarantined full peer never lists");
	is_int(v[0], PV_QUARANTINED, "quarantined: verdict");

	/* Observe beside self: self lists, observe adds nothing. */
	ev[0] = mk(0, TRUST_FULL, 2, NOW - H);
	ev[1] = mk(5, TRUST_OBSERVE, 2, NOW);
	ev[1].rec.count = 100;
	is_int(compute(ev, 2, &l, v), 1, "self + observe: listed");
	is_int(l.r[0].nrelays, 1, "self + observe: observe not a relay");
	is_int(l.r[0].count, 1, "self + observe: observe count not added");
	is_int(l.r[0].last, NOW - H, "self + observe: observe time ignored");
	ok(v[0] == PV_COUNTS && v[1] == PV_OBSERVE, "self + observe: verdicts");
}

static void
test_partial(void)
{
	struct evidence ev[4];
	struct listing l;
	uint8_t v[16];

	ev[0] = mk(7, TRUST_PARTIAL, 2, NOW - H);
	is_int(compute(ev, 1, &l, v), 0, "partial alone: not listed");
	is_int(v[0], PV_UNCORROBORATED, "partial alone: uncorroborated");

	/* Same partial origin, two reasons: still one origin. */
	ev[1] = mk(7, TRUST_PARTIAL, 4, NOW - H);
	is_int(compute(ev, 2, &l, v), 0,
	    "partial, two reasons, one origin: not listed");
	ok(v[0] == PV_UNCORROBORATED && v[1] == PV_UNCORROBORATED,
	    "partial, one origin: both uncorroborated");

	/* Partial + self on another reason: both listed. */
	ev[1] = mk(0, TRUST_FULL, 4, NOW - 2 * H);
	is_int(compute(ev, 2, &l, v), 2, "partial + self: both reasons listed");
	ok(l.n == 2 && l.r[0].reason == 2 && l.r[1].reason == 4,
	    "partial + self: reasons 2 and 4");
	ok(v[0] == PV_COUNTS && v[1] == PV_COUNTS, "partial + self: verdicts");

	/* Partial + full peer, same reason. */
	ev[1] = mk(9, TRUST_FULL, 2, NOW - 2 * H);
	is_int(compute(ev, 2, &l, v), 1, "partial + full peer: listed");
	is_int(l.r[0].nrelays, 2, "partial + full peer: two relays");

	/* Two different partial peers corroborate each other. */
	ev[1] = mk(8, TRUST_PARTIAL, 2, NOW - 2 * H);
	is_int(compute(ev, 2, &l, v), 1, "partial + partial: listed");
	is_int(l.r[0].nrelays, 2, "partial + partial: two relays");

	/* Observe, quarantined, expired do not corroborate. */
	ev[1] = mk(8, TRUST_OBSERVE, 2, NOW - 2 * H);
	is_int(compute(ev, 2, &l, v), 0, "partial + observe: not listed");
	is_int(v[0], PV_UNCORROBORATED, "partial + observe: uncorroborated");
	ev[1] = mk(8, TRUST_FULL, 2, NOW - 2 * H);
	ev[1].quarantined = 1;
	is_int(compute(ev, 2, &l, v), 0, "partial + quarantined: not listed");
	ev[1] = mk(0, TRUST_FULL, 2, NOW - 2 * H);
	ev[1].rec.expires = NOW - H;
	is_int(compute(ev, 2, &l, v), 0, "partial + expired self: not listed");
	ok(v[0] == PV_UNCORROBORATED && v[1] == PV_EXPIRED,
	    "partial + expired self: verdicts");
	/* A tombstone is not an assertion. */
	ev[1] = tomb(0, NOW - 5 * H);
	is_int(compute(ev, 2, &l, v), 0,
	    "partial + older self tombstone: not listed");
	ok(v[0] == PV_UNCORROBORATED && v[1] == PV_TOMBSTONE,
	    "partial + tombstone: verdicts");

	/* Order does not matter: the corroborating row may come first. */
	ev[0] = mk(9, TRUST_FULL, 3, NOW - H);
	ev[1] = mk(7, TRUST_PARTIAL, 2, NOW - H);
	is_int(compute(ev, 2, &l, v), 2, "full first, then partial: listed");
}

static void
test_expiry(void)
{
	struct evidence ev[4];
	struct listing l;
	uint8_t v[16];

	ev[0] = mk(0, TRUST_FULL, 2, NOW - 100 * H);
	ev[0].rec.expires = NOW - H;
	is_int(compute(ev, 1, &l, v), 0, "expired self evidence ignored");
	is_int(v[0], PV_EXPIRED, "expired: verdict");
	ev[0].rec.expires = NOW;
	is_int(compute(ev, 1, &l, v), 0, "expiring exactly now: ignored");
	ev[0].rec.expires = NOW + 1;
	is_int(compute(ev, 1, &l, v), 1, "expiring after now: counts");
	ev[0].rec.expires = 0;
	is_int(compute(ev, 1, &l, v), 1, "expires 0 = never: counts");

	ev[0] = mk(5, TRUST_FULL, 2, NOW - 100 * H);
	ev[0].rec.expires = NOW - H;
	ev[1] = mk(0, TRUST_FULL, 2, NOW - 50 * H);
	ev[1].rec.count = 7;
	is_int(compute(ev, 2, &l, v), 1, "expired peer + live self: listed");
	is_int(l.r[0].nrelays, 1, "expired peer not a relay");
	is_int(l.r[0].count, 7, "expired peer count not added");
}

static void
test_tombstone(void)
{
	struct evidence ev[5];
	struct listing l;
	uint8_t v[16];

	ev[0] = tomb(0, NOW - 10 * H);
	ev[1] = mk(5, TRUST_FULL, 2, NOW - 20 * H);
	is_int(compute(ev, 2, &l, v), 0,
	    "self tombstone hides older peer evidence");
	ok(v[0] == PV_TOMBSTONE && v[1] == PV_DELISTED,
	    "tombstone + older peer: verdicts");

	ev[1] = mk(5, TRUST_FULL, 2, NOW - 10 * H);
	is_int(compute(ev, 2, &l, v), 0,
	    "self tombstone hides peer evidence of the same hour");
	is_int(v[1], PV_DELISTED, "same hour: delisted");

	ev[1] = mk(5, TRUST_FULL, 2, NOW - 9 * H);
	is_int(compute(ev, 2, &l, v), 1,
	    "self tombstone does not hide newer peer evidence");
	is_int(v[1], PV_COUNTS, "newer peer: counts");

	/* Tombstone last in the array works the same. */
	ev[0] = mk(5, TRUST_FULL, 2, NOW - 20 * H);
	ev[1] = mk(6, TRUST_FULL, 3, NOW - 5 * H);
	ev[2] = tomb(0, NOW - 10 * H);
	is_int(compute(ev, 3, &l, v), 1,
	    "tombstone after the rows: older hidden, newer kept");
	ok(l.r[0].reason == 3 && v[0] == PV_DELISTED && v[1] == PV_COUNTS &&
	    v[2] == PV_TOMBSTONE, "tombstone after the rows: verdicts");

	/* Two tombstones: the most recent one counts. */
	ev[0] = tomb(0, NOW - 30 * H);
	ev[1] = mk(5, TRUST_FULL, 2, NOW - 20 * H);
	ev[2] = tomb(0, NOW - 10 * H);
	is_int(compute(ev, 3, &l, v), 0, "latest of two tombstones applies");

	/* A peer's deletion row hides nothing. */
	ev[0] = tomb(9, NOW - 10 * H);
	ev[1] = mk(5, TRUST_FULL, 2, NOW - 20 * H);
	is_int(compute(ev, 2, &l, v), 1, "peer tombstone hides nothing");
	ok(v[0] == PV_TOMBSTONE && v[1] == PV_COUNTS,
	    "peer tombstone: verdicts");

	/* Self evidence after a tombstone lists (the node re-listed). */
	ev[0] = tomb(0, NOW - 10 * H);
	ev[1] = mk(0, TRUST_FULL, 2, NOW - 5 * H);
	is_int(compute(ev, 2, &l, v), 1, "self evidence beside tombstone lists");

	/* The tombstone hides every trust level alike. */
	ev[0] = tomb(0, NOW - 10 * H);
	ev[1] = mk(5, TRUST_PARTIAL, 2, NOW - 20 * H);
	ev[2] = mk(6, TRUST_FULL, 2, NOW - 20 * H);
	is_int(compute(ev, 3, &l, v), 0,
	    "tombstone hides partial and full peers alike");
	ok(v[1] == PV_DELISTED && v[2] == PV_DELISTED,
	    "both peers delisted");
}

static void
test_aggregate(void)
{
	static const int perm[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
		{ 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	struct evidence base[3], ev[3];
	struct listing l;
	uint8_t v[16];
	int p, i, good;

	base[0] = mk(0, TRUST_FULL, 2, NOW - 200 * H);
	base[0].rec.first = NOW - 300 * H;
	base[0].rec.count = 3;
	base[0].rec.expires = NOW + 10 * H;
	base[1] = mk(4, TRUST_FULL, 2, NOW - H);	/* most recent */
	base[1].rec.first = NOW - 400 * H;		/* earliest */
	base[1].rec.count = 4;
	base[1].rec.status.detail = 10;
	base[1].rec.expires = NOW + 20 * H;
	base[2] = mk(6, TRUST_FULL, 2, NOW - 100 * H);
	base[2].rec.first = NOW - 150 * H;
	base[2].rec.count = 5;
	base[2].rec.status.subject = 2;
	base[2].rec.expires = NOW + 30 * H;

	good = 1;
	for (p = 0; p < 6; p++) {
		for (i = 0; i < 3; i++)
			ev[i] = base[perm[p][i]];
		compute(ev, 3, &l, v);
		if (!(l.n == 1 && l.r[0].reason == 2 && l.r[0].nrelays == 3 &&
		    l.r[0].count == 12 && l.r[0].first == NOW - 400 * H &&
		    l.r[0].last == NOW - H && l.r[0].status.klass == 5 &&
		    l.r[0].status.subject == 1 && l.r[0].status.detail == 10 &&
		    l.r[0].expires == NOW + 30 * H)) {
			printf("# permutation %d: n %d nrelays %u count %u "
			    "first %lld last %lld status %u.%u.%u exp %lld\n",
			    p, l.n, l.r[0].nrelays, l.r[0].count,
			    (long long)l.r[0].first, (long long)l.r[0].last,
			    l.r[0].status.klass, l.r[0].status.subject,
			    l.r[0].status.detail, (long long)l.r[0].expires);
			good = 0;
		}
	}
	ok(good, "aggregation (nrelays 3, count sum, first min, last max, "
	    "status of most recent, expiry max) in every row order");

	/* Expiry 0 (never) wins wherever it appears. */
	good = 1;
	base[1].rec.expires = 0;
	for (p = 0; p < 6; p++) {
		for (i = 0; i < 3; i++)
			ev[i] = base[perm[p][i]];
		compute(ev, 3, &l, v);
		if (l.n != 1 || l.r[0].expires != 0) {
			printf("# permutation %d: expires %lld\n", p,
			    (long long)l.r[0].expires);
			good = 0;
		}
	}
	ok(good, "expiry 0 (never) wins in every row order");

	/* Reasons kept apart, each with its own aggregate. */
	ev[0] = mk(0, TRUST_FULL, 4, NOW - 3 * H);
	ev[0].rec.count = 2;
	ev[1] = mk(5, TRUST_FULL, 2, NOW - 2 * H);
	ev[1].rec.count = 9;
	ev[2] = mk(0, TRUST_FULL, 2, NOW - H);
	ev[2].rec.count = 1;
	is_int(compute(ev, 3, &l, v), 2, "two reasons");
	ok(l.r[0].reason == 2 && l.r[0].nrelays == 2 && l.r[0].count == 10,
	    "reason 2: two relays, count 10");
	ok(l.r[1].reason == 4 && l.r[1].nrelays == 1 && l.r[1].count == 2,
	    "reason 4: one relay, count 2");
}

static void
test_sorted(void)
{
	static const int reasons[] = { 10, 4, 6, 2, 5, 3 };
	struct evidence ev[12];
	struct listing l;
	uint8_t v[16];
	int i, sorted;

	for (i = 0; i < 6; i++)
		ev[i] = mk((uint32_t)(i % 2 ? 3 : 0), TRUST_FULL, reasons[i],
		    NOW - H);
	is_int(compute(ev, 6, &l, v), 6, "six reasons listed");
	sorted = l.r[0].reason == 2 && l.r[1].reason == 3 &&
	    l.r[2].reason == 4 && l.r[3].reason == 5 && l.r[4].reason == 6 &&
	    l.r[5].reason == 10;
	ok(sorted, "reasons in increasing order");

	/* More distinct reasons than LISTING_MAX: capped, still sorted. */
	for (i = 0; i < 12; i++)
		ev[i] = mk(0, TRUST_FULL, 12 - i, NOW - H);
	is_int(compute(ev, 12, &l, v), LISTING_MAX,
	    "at most LISTING_MAX reasons");
	sorted = 1;
	for (i = 1; i < l.n; i++)
		if (l.r[i - 1].reason >= l.r[i].reason)
			sorted = 0;
	ok(sorted, "capped listing still sorted");

	is_int(policy_compute(ev, 0, NOW, &l, NULL), 0, "no evidence");
	is_int(l.n, 0, "no evidence: n 0");
	ev[0] = mk(0, TRUST_FULL, 2, NOW - H);
	is_int(policy_compute(ev, 1, NOW, &l, NULL), 1,
	    "verdicts may be NULL");

	for (i = PV_COUNTS; i <= PV_TOMBSTONE; i++)
		ok(strcmp(policy_verdict_text(i), "?") != 0,
		    "verdict %d has a text: %s", i, policy_verdict_text(i));
	is_str(policy_verdict_text(99), "?", "unknown verdict");
}

static void
test_listing_codec(void)
{
	struct listing l, d;
	uint8_t buf[LISTING_ENC_MAX + 4], bad[LISTING_ENC_MAX + 4];
	size_t n, i;
	int all;

	memset(&l, 0, sizeof(l));
	l.n = 3;
	for (i = 0; i < 3; i++) {
		l.r[i].reason = (uint8_t)(2 + i);
		l.r[i].nrelays = (uint16_t)(0xfff0 + i);
		l.r[i].status.klass = 5;
		l.r[i].status.subject = (uint16_t)(1 + i);
		l.r[i].status.detail = (uint16_t)(999 - i);
		l.r[i].first = NOW - (int64_t)i * H;
		l.r[i].last = NOW + (int64_t)i * H;
		l.r[i].expires = i == 1 ? 0 : INT64_MAX - (int64_t)i;
		l.r[i].count = UINT32_MAX - (uint32_t)i;
	}
	n = listing_encode(&l, buf, sizeof(buf));
	is_int(n, 2 + 3 * 36, "listing encoded length");
	memset(&d, 0x5a, sizeof(d));
	is_int(listing_decode(buf, n, &d), RB_OK, "listing decodes");
	is_int(d.n, 3, "decoded n");
	all = 1;
	for (i = 0; i < 3; i++)
		if (d.r[i].reason != l.r[i].reason ||
		    d.r[i].nrelays != l.r[i].nrelays ||
		    d.r[i].status.klass != l.r[i].status.klass ||
		    d.r[i].status.subject != l.r[i].status.subject ||
		    d.r[i].status.detail != l.r[i].status.detail ||
		    d.r[i].first != l.r[i].first ||
		    d.r[i].last != l.r[i].last ||
		    d.r[i].expires != l.r[i].expires ||
		    d.r[i].count != l.r[i].count)
			all = 0;
	ok(all, "listing round trip, every field");

	all = 1;
	for (i = 0; i < n; i++)
		if (listing_decode(buf, i, &d) != RB_EINVAL)
			all = 0;
	ok(all, "every truncation rejected");
	is_int(listing_decode(buf, n + 1, &d), RB_EINVAL,
	    "trailing byte rejected");
	memcpy(bad, buf, n);
	bad[0] = 0;
	is_int(listing_decode(bad, n, &d), RB_EINVAL, "version 0 rejected");
	bad[0] = 2;
	is_int(listing_decode(bad, n, &d), RB_EINVAL, "version 2 rejected");
	memcpy(bad, buf, n);
	bad[1] = 2;
	is_int(listing_decode(bad, n, &d), RB_EINVAL,
	    "count not matching length rejected");
	memset(bad, 0, sizeof(bad));
	bad[0] = 1;
	bad[1] = LISTING_MAX + 1;
	is_int(listing_decode(bad, 2 + (LISTING_MAX + 1) * 36, &d), RB_EINVAL,
	    "more than LISTING_MAX reasons rejected");

	memset(&l, 0, sizeof(l));
	n = listing_encode(&l, buf, sizeof(buf));
	is_int(n, 2, "empty listing: 2 bytes");
	is_int(listing_decode(buf, n, &d), RB_OK, "empty listing decodes");
	is_int(d.n, 0, "empty listing: n 0");

	l.n = LISTING_MAX;
	n = listing_encode(&l, buf, sizeof(buf));
	is_int(n, LISTING_ENC_MAX, "full listing fills LISTING_ENC_MAX");
	is_int(listing_decode(buf, n, &d), RB_OK, "full listing decodes");
	is_int(listing_encode(&l, buf, LISTING_ENC_MAX - 1), 0,
	    "encode refuses a small buffer");
	l.n = LISTING_MAX + 1;
	is_int(listing_encode(&l, buf, sizeof(buf)), 0,
	    "encode refuses n > LISTING_MAX");
	l.n = -1;
	is_int(listing_encode(&l, buf, sizeof(buf)), 0,
	    "encode refuses n < 0");
}

static void
test_active(void)
{
	struct listing l;

	memset(&l, 0, sizeof(l));
	l.n = 5;
	l.r[0].reason = 2;
	l.r[0].expires = 0;
	l.r[1].reason = 3;
	l.r[1].expires = NOW - 1;
	l.r[2].reason = 4;
	l.r[2].expires = NOW;
	l.r[3].reason = 5;
	l.r[3].expires = NOW + 1;
	l.r[4].reason = 10;
	l.r[4].expires = NOW - 100;
	is_int(listing_active(&l, NOW), 2, "two reasons active");
	is_int(l.n, 2, "n updated");
	ok(l.r[0].reason == 2 && l.r[1].reason == 5,
	    "never-expiring and future kept, in order");
	is_int(listing_active(&l, NOW + 1), 1, "later: one left");
	is_int(l.r[0].reason, 2, "the one that never expires");
	is_int(listing_active(&l, INT64_MAX), 1, "never means never");
	l.n = 0;
	is_int(listing_active(&l, NOW), 0, "empty listing");
}

int
main(void)
{
	test_trust();
	test_partial();
	test_expiry();
	test_tombstone();
	test_aggregate();
	test_sorted();
	test_listing_codec();
	test_active();
	return done_testing();
}

/*
 * tests/zones/test_record.c - the record model: canonical encoding and
 * its strict decoder, zone keys from text, reasons, status codes, scopes.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../tap.h"
#include "zones/record.h"
#include "zones/util.h"

/* SHA-1("user@example.org"), computed with sha1sum. */
#define USER_HASH	"547e41ffe2031bcdc35ffc6687f10d498c4626c6"

static void
dom_record(struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->origin = 7;
	r->seq = 0x0102030405060708ULL;
	r->key.zone = ZONE_RDOM;
	r->key.len = 11;
	memcpy(r->key.data, "org.example", 11);
	r->reason = 2;
	r->flags = 0;
	r->scope = SCOPE_FEDERATION;
	r->status.klass = 5;
	r->status.subject = 1;
	r->status.detail = 10;
	r->first = 1699999200;
	r->last = 1700006400;
	r->expires = 1707776000;
	r->count = 0xdeadbeef;
}

static int
rec_eq(const struct record *a, const struct record *b)
{
	return a->seq == b->seq && a->key.zone == b->key.zone &&
	    a->key.len == b->key.len &&
	    memcmp(a->key.data, b->key.data, a->key.len) == 0 &&
	    a->reason == b->reason && a->flags == b->flags &&
	    a->scope == b->scope && a->status.klass == b->status.klass &&
	    a->status.subject == b->status.subject &&
	    a->status.detail == b->status.detail && a->first == b->first &&
	    a->last == b->last && a->expires == b->expires &&
	    a->count == b->count;
}

static void
test_encoding(void)
{
	/* Built by hand from the documented layout (record.h). */
	static const char vector[] =
	    "01010b6f72672e6578616d706c65020002050001000a0102030405060708"
	    "000000006553ede00000000065540a000000000065ca9800deadbeef";
	struct record r, d;
	uint8_t buf[RECORD_ENC_MAX], small[RECORD_ENC_MAX - 1];
	char hex[2 * RECORD_ENC_MAX + 1];
	size_t n;

	dom_record(&r);
	n = record_encode(&r, buf, sizeof(buf));
	is_int(n, 3 + 11 + 3 + 5 + 32 + 4, "domain record: encoded length");
	hex_encode(buf, n, hex);
	is_str(hex, vector, "domain record: canonical bytes");
	is_int(record_encode(&r, small, sizeof(small)), 0,
	    "encode refuses a buffer below RECORD_ENC_MAX");

	memset(&d, 0x5a, sizeof(d));
	d.origin = 99;
	is_int(record_decode(buf, n, &d), RB_OK, "domain record decodes");
	ok(rec_eq(&r, &d), "domain record round trip");
	is_int(d.origin, 99, "decode leaves origin untouched");

	/* Hashed zone, deletion of all reasons, scope local. */
	memset(&r, 0, sizeof(r));
	r.seq = 1;
	r.key.zone = ZONE_SNDR;
	r.key.len = HASH_LEN;
	hex_decode(USER_HASH, HASH_HEXLEN, r.key.data, HASH_LEN);
	r.reason = 0;
	r.flags = REC_DELETE;
	r.scope = SCOPE_LOCAL;
	r.first = r.last = 3600;
	n = record_encode(&r, buf, sizeof(buf));
	is_int(n, 3 + 20 + 3 + 5 + 32 + 4, "hashed record: encoded length");
	is_int(record_decode(buf, n, &d), RB_OK, "tombstone decodes");
	ok(rec_eq(&r, &d), "tombstone round trip");

	/* Longest key: 253-byte domain. */
	dom_record(&r);
	r.key.zone = ZONE_SDOM;
	r.key.len = DOMAIN_MAX;
	memset(r.key.data, 'a', DOMAIN_MAX);
	r.reason = 6;
	r.expires = 0;
	r.count = UINT32_MAX;
	r.seq = UINT64_MAX;
	n = record_encode(&r, buf, sizeof(buf));
	is_int(n, RECORD_ENC_MAX, "253-byte key fills RECORD_ENC_MAX");
	is_int(record_decode(buf, n, &d), RB_OK, "253-byte key decodes");
	ok(rec_eq(&r, &d), "253-byte key, max seq and count round trip");
}

static void
test_decode_rejects(void)
{
	struct record r, d;
	uint8_t buf[RECORD_ENC_MAX + 8], bad[RECORD_ENC_MAX + 8];
	size_t n, i, klenpos = 2, flagpos;
	int all;

	dom_record(&r);
	n = record_encode(&r, buf, sizeof(buf));
	flagpos = 3 + r.key.len + 1;

	all = 1;
	for (i = 0; i < n; i++)
		if (record_decode(buf, i, &d) != RB_EINVAL) {
			printf("# truncated to %zu accepted\n", i);
			all = 0;
		}
	ok(all, "every truncation (0..%zu bytes) rejected", n - 1);
	buf[n] = 0;
	is_int(record_decode(buf, n + 1, &d), RB_EINVAL,
	    "trailing byte rejected");

	/* Hashed record: every truncation too. */
	memset(&r, 0, sizeof(r));
	r.key.zone = ZONE_RCPT;
	r.key.len = HASH_LEN;
	r.reason = 2;
	{
		uint8_t hb[RECORD_ENC_MAX];
		size_t hn = record_encode(&r, hb, sizeof(hb));

		all = 1;
		for (i = 0; i < hn; i++)
			if (record_decode(hb, i, &d) != RB_EINVAL)
				all = 0;
		ok(all, "hashed record: every truncation rejected");
		is_int(record_decode(hb, hn, &d), RB_OK,
		    "hashed record: full length accepted");
	}

	dom_record(&r);
	n = record_encode(&r, buf, sizeof(buf));
#define CORRUPT(pos, val, what) do {					\
	memcpy(bad, buf, n);						\
	bad[pos] = (uint8_t)(val);					\
	is_int(record_decode(bad, n, &d), RB_EINVAL, what);		\
} while (0)
	CORRUPT(0, 0, "version 0 rejected");
	CORRUPT(0, 2, "version 2 rejected");
	CORRUPT(0, 0xff, "version 255 rejected");
	CORRUPT(1, ZONE_COUNT, "zone 4 rejected");
	CORRUPT(1, 0xff, "zone 255 rejected");
	CORRUPT(1, ZONE_RCPT, "domain key under a hashed zone rejected");
	CORRUPT(klenpos, 0, "key length 0 rejected");
	CORRUPT(klenpos, 10, "key length too short for the data rejected");
	CORRUPT(klenpos, 12, "key length too long for the data rejected");
	CORRUPT(klenpos, 255, "key length 255 rejected");
	CORRUPT(flagpos - 1, 7, "reason 7 rejected");
	CORRUPT(flagpos - 1, 0, "reason 0 without REC_DELETE rejected");
	CORRUPT(flagpos - 1, 11, "reason 11 rejected");
	CORRUPT(flagpos, 0x02, "unknown flag 0x02 rejected");
	CORRUPT(flagpos, 0x80, "unknown flag 0x80 rejected");
	CORRUPT(flagpos, 0x03, "REC_DELETE plus unknown flag rejected");
	CORRUPT(flagpos + 1, 3, "scope 3 rejected");
	CORRUPT(flagpos + 1, 0xff, "scope 255 rejected");
	/* first, last, expires are signed: a set top bit is negative. */
	CORRUPT(flagpos + 2 + 5 + 8, 0x80, "negative first rejected");
	CORRUPT(flagpos + 2 + 5 + 16, 0x80, "negative last rejected");
	CORRUPT(flagpos + 2 + 5 + 24, 0x80, "negative expires rejected");
#undef CORRUPT

	/* A reason valid in one zone only: 6 is a sender reason. */
	dom_record(&r);
	r.reason = 6;
	r.key.zone = ZONE_SDOM;
	n = record_encode(&r, buf, sizeof(buf));
	is_int(record_decode(buf, n, &d), RB_OK, "reason 6 in sdom accepted");
	buf[1] = ZONE_RDOM;
	is_int(record_decode(buf, n, &d), RB_EINVAL,
	    "reason 6 in rdom rejected");
	/* Deletion with any reason byte is a deletion. */
	dom_record(&r);
	r.flags = REC_DELETE;
	r.reason = 0;
	n = record_encode(&r, buf, sizeof(buf));
	is_int(record_decode(buf, n, &d), RB_OK,
	    "deletion with reason 0 accepted");
	is_int(d.flags, REC_DELETE, "deletion flag decoded");

	/* Hashed zone with a 19-byte key, total length consistent. */
	memset(&r, 0, sizeof(r));
	r.key.zone = ZONE_RCPT;
	r.key.len = 19;
	r.reason = 2;
	n = record_encode(&r, buf, sizeof(buf));
	is_int(record_decode(buf, n, &d), RB_EINVAL,
	    "hashed zone with a 19-byte key rejected");
	r.key.len = 21;
	n = record_encode(&r, buf, sizeof(buf));
	is_int(record_decode(buf, n, &d), RB_EINVAL,
	    "hashed zone with a 21-byte key rejected");
}

static void
test_zones(void)
{
	static const char *const names[] = { "rcpt", "rdom", "sdom", "sndr" };
	int z;

	for (z = 0; z < ZONE_COUNT; z++) {
		is_str(zone_name(z), names[z], "zone_name(%d)", z);
		is_int(zone_from_name(names[z]), z, "zone_from_name(%s)",
		    names[z]);
	}
	is_int(zone_from_name("SNDR"), ZONE_SNDR, "zone_from_name any case");
	is_int(zone_from_name("foo"), RB_EINVAL, "unknown zone name");
	is_int(zone_from_name(""), RB_EINVAL, "empty zone name");
	is_int(zone_from_name("rcpt2"), RB_EINVAL, "zone name with suffix");
	is_str(zone_name(ZONE_COUNT), "?", "zone_name out of range");
	is_str(zone_name(-1), "?", "zone_name negative");
	ok(zone_is_hashed(ZONE_RCPT) && zone_is_hashed(ZONE_SNDR) &&
	    !zone_is_hashed(ZONE_RDOM) && !zone_is_hashed(ZONE_SDOM),
	    "rcpt and sndr hashed, rdom and sdom not");
}

static void
test_zkey(void)
{
	struct zkey k, k2;
	char text[DOMAIN_MAX + 1], small[8];
	uint8_t want[HASH_LEN];
	int z;

	hex_decode(USER_HASH, HASH_HEXLEN, want, HASH_LEN);
	for (z = 0; z < ZONE_COUNT; z += 3) {	/* rcpt, sndr */
		memset(&k, 0, sizeof(k));
		is_int(zkey_from_text(z, "user@example.org", &k), RB_OK,
		    "%s: address accepted", zone_name(z));
		is_int(k.zone, z, "%s: zone set", zone_name(z));
		is_int(k.len, HASH_LEN, "%s: key is 20 bytes", zone_name(z));
		ok(memcmp(k.data, want, HASH_LEN) == 0,
		    "%s: key is SHA-1 of the address", zone_name(z));
		memset(&k2, 0, sizeof(k2));
		is_int(zkey_from_text(z, " <User@EXAMPLE.org> ", &k2), RB_OK,
		    "%s: <Upper@Case> accepted", zone_name(z));
		ok(memcmp(k2.data, want, HASH_LEN) == 0,
		    "%s: <Upper@Case> hashes the same", zone_name(z));

		memset(&k2, 0, sizeof(k2));
		is_int(zkey_from_text(z, USER_HASH, &k2), RB_OK,
		    "%s: 40 hex digits accepted", zone_name(z));
		ok(k2.len == HASH_LEN && memcmp(k2.data, want, HASH_LEN) == 0,
		    "%s: hex taken as the hash itself", zone_name(z));
		memset(&k2, 0, sizeof(k2));
		is_int(zkey_from_text(z,
		    "547E41FFE2031BCDC35FFC6687F10D498C4626C6", &k2), RB_OK,
		    "%s: upper-case hex accepted", zone_name(z));
		ok(memcmp(k2.data, want, HASH_LEN) == 0,
		    "%s: upper-case hex same key", zone_name(z));
		zkey_to_text(&k2, text, sizeof(text));
		is_str(text, USER_HASH, "%s: zkey_to_text lower-case hex",
		    zone_name(z));

		is_int(zkey_from_text(z,
		    "547e41ffe2031bcdc35ffc6687f10d498c4626cg", &k2), RB_EINVAL,
		    "%s: 40 chars with a non-hex digit rejected",
		    zone_name(z));
		is_int(zkey_from_text(z,
		    "547e41ffe2031bcdc35ffc6687f10d498c4626c", &k2), RB_EINVAL,
		    "%s: 39 hex digits rejected", zone_name(z));
		is_int(zkey_from_text(z, "no-at-sign", &k2), RB_EINVAL,
		    "%s: text without @ rejected", zone_name(z));
		is_int(zkey_from_text(z, "", &k2), RB_EINVAL,
		    "%s: empty rejected", zone_name(z));
	}

	for (z = 1; z < 3; z++) {	/* rdom, sdom */
		memset(&k, 0, sizeof(k));
		is_int(zkey_from_text(z, "Mail.Example.ORG.", &k), RB_OK,
		    "%s: domain accepted", zone_name(z));
		is_int(k.zone, z, "%s: zone set", zone_name(z));
		is_int(k.len, 16, "%s: key length", zone_name(z));
		ok(memcmp(k.data, "org.example.mail", 16) == 0,
		    "%s: key reversed and lower-cased", zone_name(z));
		zkey_to_text(&k, text, sizeof(text));
		is_str(text, "mail.example.org", "%s: zkey_to_text normal order",
		    zone_name(z));
		zkey_to_text(&k, small, sizeof(small));
		is_str(small, "", "%s: zkey_to_text too small -> empty",
		    zone_name(z));
		is_int(zkey_from_text(z, "user@example.org", &k), RB_EINVAL,
		    "%s: address rejected", zone_name(z));
		is_int(zkey_from_text(z, "example..org", &k), RB_EINVAL,
		    "%s: empty label rejected", zone_name(z));
		is_int(zkey_from_text(z, "", &k), RB_EINVAL,
		    "%s: empty rejected", zone_name(z));
		is_int(zkey_from_text(z, USER_HASH, &k), RB_OK,
		    "%s: a 40-hex label is just a domain", zone_name(z));
		is_int(k.len, 40, "%s: ... not decoded", zone_name(z));
	}
	is_int(zkey_from_text(ZONE_COUNT, "example.org", &k), RB_EINVAL,
	    "zone 4 rejected");
	is_int(zkey_from_text(-1, "example.org", &k), RB_EINVAL,
	    "zone -1 rejected");

	zkey_from_text(ZONE_RCPT, USER_HASH, &k);
	zkey_to_text(&k, small, sizeof(small));
	is_str(small, "", "hashed zkey_to_text too small -> empty");
}

static void
test_reasons(void)
{
	static const struct {
		int zone;
		const char *s;
		int want;
	} v[] = {
		{ ZONE_RCPT, "2", 2 }, { ZONE_RCPT, "127.0.0.3", 3 },
		{ ZONE_RCPT, "hard", 2 }, { ZONE_RCPT, "HARD", 2 },
		{ ZONE_RCPT, "soft", 3 }, { ZONE_RCPT, "recent", 4 },
		{ ZONE_RCPT, "complaint", 5 }, { ZONE_RCPT, "operator", 10 },
		{ ZONE_RCPT, "10", 10 }, { ZONE_RCPT, "127.0.0.10", 10 },
		{ ZONE_RDOM, "hard", 2 }, { ZONE_RDOM, "5", 5 },
		{ ZONE_RCPT, "6", RB_EINVAL }, { ZONE_RCPT, "127.0.0.6", RB_EINVAL },
		{ ZONE_RCPT, "spam", RB_EINVAL }, { ZONE_RCPT, "held", RB_EINVAL },
		{ ZONE_RCPT, "throttle", RB_EINVAL },
		{ ZONE_RCPT, "0", RB_EINVAL }, { ZONE_RCPT, "1", RB_EINVAL },
		{ ZONE_RCPT, "7", RB_EINVAL }, { ZONE_RCPT, "11", RB_EINVAL },
		{ ZONE_RCPT, "256", RB_EINVAL }, { ZONE_RCPT, "-2", RB_EINVAL },
		{ ZONE_RCPT, "", RB_EINVAL }, { ZONE_RCPT, "127.0.0.", RB_EINVAL },
		{ ZONE_RCPT, "127.0.1.2", RB_EINVAL },
		{ ZONE_RCPT, "2x", RB_EINVAL }, { ZONE_RCPT, "hardx", RB_EINVAL },
		{ ZONE_SNDR, "6", 6 }, { ZONE_SNDR, "127.0.0.6", 6 },
		{ ZONE_SNDR, "spam", 6 }, { ZONE_SNDR, "hard", 2 },
		{ ZONE_SNDR, "complaint", 3 }, { ZONE_SNDR, "throttle", 4 },
		{ ZONE_SNDR, "listed", 5 }, { ZONE_SNDR, "held", 10 },
		{ ZONE_SNDR, "operator", 10 }, { ZONE_SDOM, "spam", 6 },
		{ ZONE_SDOM, "Held", 10 },
		{ ZONE_SNDR, "recent", RB_EINVAL }, { ZONE_SNDR, "soft", RB_EINVAL },
		{ ZONE_SNDR, "7", RB_EINVAL }, { ZONE_SDOM, "1", RB_EINVAL },
	};
	size_t i;
	int z, r, nvalid;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		is_int(reason_parse(v[i].zone, v[i].s), v[i].want,
		    "reason_parse(%s, '%s')", zone_name(v[i].zone), v[i].s);

	for (z = 0; z < ZONE_COUNT; z++) {
		nvalid = 0;
		for (r = 0; r < 256; r++)
			if (reason_valid(z, r)) {
				nvalid++;
				if (strcmp(reason_text(z, r), "unknown reason")
				    == 0)
					printf("# no text for %d in %s\n", r,
					    zone_name(z));
			}
		is_int(nvalid, z == ZONE_RCPT || z == ZONE_RDOM ? 5 : 6,
		    "%s: number of valid reasons", zone_name(z));
		ok(!reason_valid(z, 0) && !reason_valid(z, 1) &&
		    reason_valid(z, 2) && reason_valid(z, 10) &&
		    !reason_valid(z, 11), "%s: 0, 1, 11 invalid; 2, 10 valid",
		    zone_name(z));
	}
	is_str(reason_text(ZONE_RCPT, 2), "does not exist (hard bounce)",
	    "reason_text rcpt 2");
	is_str(reason_text(ZONE_SNDR, 6), "messages refused as spam or policy",
	    "reason_text sndr 6");
	is_str(reason_text(ZONE_RCPT, 6), "unknown reason",
	    "reason_text rcpt 6 unknown");
}

static void
test_status(void)
{
	static const char *const bad[] = {
		"", "5", "5.1", "5.1.1.1", "5..1", "5..1.1", ".5.1.1",
		"5.1.1.", "5.1.", "3.1.1", "1.0.0", "0.0.0", "55.1.1",
		"5.1000.1", "5.1.1000", "x.1.1", "5.a.1", "5.1.-1", " 5.1.1",
		"5.1.1 ", "5.1. 1", "5.1.1xxxxxxxxxxxxxxx", "+5.1.1",
	};
	struct status st;
	char buf[32];
	size_t i;

	memset(&st, 0, sizeof(st));
	is_int(status_parse("5.1.1", &st), RB_OK, "5.1.1 parsed");
	ok(st.klass == 5 && st.subject == 1 && st.detail == 1, "5.1.1 fields");
	is_int(status_parse("4.7.0", &st), RB_OK, "4.7.0 parsed");
	ok(st.klass == 4 && st.subject == 7 && st.detail == 0, "4.7.0 fields");
	is_int(status_parse("2.0.0", &st), RB_OK, "2.0.0 parsed");
	is_int(status_parse("5.1.10", &st), RB_OK, "5.1.10 parsed");
	is_int(st.detail, 10, "5.1.10 detail");
	is_int(status_parse("5.999.999", &st), RB_OK, "5.999.999 parsed");
	ok(st.subject == 999 && st.detail == 999, "5.999.999 fields");
	status_format(&st, buf, sizeof(buf));
	is_str(buf, "5.999.999", "status_format round trip");
	st.klass = 5;
	st.subject = 7;
	st.detail = 26;
	status_format(&st, buf, sizeof(buf));
	is_str(buf, "5.7.26", "status_format 5.7.26");
	memset(&st, 0, sizeof(st));
	status_format(&st, buf, sizeof(buf));
	is_str(buf, "-", "status_format of no status");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&st, 0, sizeof(st));
		is_int(status_parse(bad[i], &st), RB_EINVAL,
		    "status '%s' rejected", bad[i]);
	}
	st.klass = 4;
	st.subject = 2;
	st.detail = 2;
	status_parse("3.1.1", &st);
	ok(st.klass == 4 && st.subject == 2 && st.detail == 2,
	    "status left alone on error");
}

static void
test_scope(void)
{
	is_int(scope_parse("local"), SCOPE_LOCAL, "scope local");
	is_int(scope_parse("peers"), SCOPE_PEERS, "scope peers");
	is_int(scope_parse("federation"), SCOPE_FEDERATION, "scope federation");
	is_int(scope_parse(""), RB_EINVAL, "empty scope");
	is_int(scope_parse("global"), RB_EINVAL, "unknown scope");
	is_int(scope_parse("peer"), RB_EINVAL, "scope prefix");
	is_int(scope_parse("federations"), RB_EINVAL, "scope with suffix");
	is_str(scope_name(SCOPE_LOCAL), "local", "scope_name 0");
	is_str(scope_name(SCOPE_PEERS), "peers", "scope_name 1");
	is_str(scope_name(SCOPE_FEDERATION), "federation", "scope_name 2");
	is_str(scope_name(3), "?", "scope_name out of range");

	is_int(hour_floor(0), 0, "hour_floor 0");
	is_int(hour_floor(3599), 0, "hour_floor 3599");
	is_int(hour_floor(3600), 3600, "hour_floor 3600");
	is_int(hour_floor(1700000000), 1699999200, "hour_floor 1700000000");
}

int
main(void)
{
	test_encoding();
	test_decode_rejects();
	test_zones();
	test_zkey();
	test_reasons();
	test_status();
	test_scope();
	return done_testing();
}

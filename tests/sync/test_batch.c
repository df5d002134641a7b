/*
 * tests/sync/test_batch.c - the signed batch: signing and verifying,
 * every single-byte change, truncation, reordering, removal and wrong
 * key refused, the limits, and the test vectors of doc/PROTOCOL.md.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../tap.h"
#include "vectors.h"

static uint8_t sk_a[KEY_SK_LEN], pk_a[KEY_PK_LEN];
static uint8_t sk_b[KEY_SK_LEN], pk_b[KEY_PK_LEN];

static int
rec_eq(const struct record *a, const struct record *b)
{
	uint8_t ea[RECORD_ENC_MAX], eb[RECORD_ENC_MAX];
	size_t la = record_encode(a, ea, sizeof(ea));
	size_t lb = record_encode(b, eb, sizeof(eb));

	return la == lb && memcmp(ea, eb, la) == 0;
}

/* n federation records with seqs from, from+step, ... */
static struct record *
make_records(uint32_t n, uint64_t from, uint64_t step)
{
	struct record *r = calloc(n ? n : 1, sizeof(*r));
	char a[64];
	uint32_t i;

	for (i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "user%u@example.org", i);
		zkey_from_text(ZONE_RCPT, a, &r[i].key);
		r[i].seq = from + i * step;
		r[i].reason = 2;
		r[i].scope = SCOPE_FEDERATION;
		r[i].first = r[i].last = 1699999200;
		r[i].count = i + 1;
	}
	return r;
}

static void
test_roundtrip(void)
{
	struct record r[3];
	struct batch b;
	uint8_t *enc, *again, tmp[RECORD_ENC_MAX];
	size_t len, alen, want;
	const char *why = NULL;
	int rc, i;

	vec_records(r);
	for (i = 0, want = BATCH_HDR_LEN + BATCH_SIG_LEN; i < 3; i++)
		want += 2 + record_encode(&r[i], tmp, sizeof(tmp));
	rc = batch_sign(sk_a, pk_a, 1, 4, r, 3, &enc, &len, &why);
	is_int(rc, RB_OK, "sign a batch of 3 records over seq 1..4");
	is_int(len, want,
	    "encoded length: header, 3 length-prefixed records, signature");
	ok(memcmp(enc, BATCH_MAGIC, 4) == 0 && enc[4] == BATCH_VERSION,
	    "magic and version first");
	rc = batch_verify(enc, len, &b, &why);
	is_int(rc, RB_OK, "verifies");
	ok(memcmp(b.pk, pk_a, 32) == 0 && b.from == 1 && b.to == 4 &&
	    b.count == 3, "header decoded");
	for (i = 0; i < 3; i++)
		ok(rec_eq(&b.rec[i], &r[i]), "record %d decoded as signed",
		    i + 1);
	ok(!b.relayable, "a batch with a peers-scope record is not relayable");
	is_int(batch_encode(&b, &again, &alen), RB_OK, "re-encode");
	ok(alen == len && memcmp(again, enc, len) == 0,
	    "re-encoding gives the same bytes");
	free(again);
	batch_free(&b);

	/* Only federation records: relayable. */
	r[1].scope = SCOPE_FEDERATION;
	free(enc);
	is_int(batch_sign(sk_a, pk_a, 1, 4, r, 3, &enc, &len, NULL), RB_OK,
	    "sign federation-only");
	rc = batch_verify(enc, len, &b, NULL);
	ok(rc == RB_OK && b.relayable, "federation-only batch is relayable");
	batch_free(&b);
	free(enc);

	/* Empty: moves the cursor only. */
	is_int(batch_sign(sk_a, pk_a, 10, 20, NULL, 0, &enc, &len, NULL),
	    RB_OK, "sign an empty batch");
	is_int(len, BATCH_HDR_LEN + BATCH_SIG_LEN, "empty batch length");
	rc = batch_verify(enc, len, &b, NULL);
	ok(rc == RB_OK && b.count == 0 && b.from == 10 && b.to == 20,
	    "empty batch verifies");
	batch_free(&b);
	free(enc);
}

/* Every change of one byte is refused. */
static void
test_flips(void)
{
	struct record r[3];
	struct batch b;
	uint8_t *enc;
	size_t len, i;
	static const uint8_t masks[] = { 0x01, 0x80, 0xff };
	int m, bad, nosig, rc;
	const char *why;

	vec_records(r);
	if (batch_sign(sk_a, pk_a, 1, 4, r, 3, &enc, &len, NULL) != RB_OK)
		return;
	for (m = 0; m < 3; m++) {
		bad = 0;
		nosig = 0;
		for (i = 0; i < len; i++) {
			enc[i] ^= masks[m];
			why = NULL;
			rc = batch_verify(enc, len, &b, &why);
			if (rc == RB_OK) {
				bad++;
				printf("#   xor %02x at %zu accepted\n",
				    masks[m], i);
				batch_free(&b);
			} else if (why == NULL || (rc != RB_EINVAL &&
			    rc != RB_ERANGE))
				nosig++;
			enc[i] ^= masks[m];
		}
		ok(bad == 0 && nosig == 0, "each of the %zu bytes xor %02x: "
		    "refused with RB_EINVAL/RB_ERANGE and a reason", len,
		    masks[m]);
	}
	/* Where they are caught. */
	enc[0] ^= 1;
	rc = batch_verify(enc, len, &b, &why);
	is_str(why, "not a batch (bad magic)", "magic flip: bad magic");
	enc[0] ^= 1;
	enc[10] ^= 1;
	rc = batch_verify(enc, len, &b, &why);
	ok(rc == RB_EINVAL && strstr(why, "bad signature"),
	    "key flip: bad signature");
	enc[10] ^= 1;
	enc[BATCH_HDR_LEN + 10] ^= 1;
	rc = batch_verify(enc, len, &b, &why);
	ok(rc == RB_EINVAL && strstr(why, "bad signature"),
	    "record key flip: bad signature (%s)", why);
	enc[BATCH_HDR_LEN + 10] ^= 1;
	enc[len - 1] ^= 1;
	rc = batch_verify(enc, len, &b, &why);
	ok(rc == RB_EINVAL && strstr(why, "bad signature"),
	    "signature flip: bad signature");
	enc[len - 1] ^= 1;
	rc = batch_verify(enc, len, &b, &why);
	is_int(rc, RB_OK, "restored batch verifies again");
	if (rc == RB_OK)
		batch_free(&b);
	/* A decode without verification takes a record flip. */
	enc[BATCH_HDR_LEN + 10] ^= 1;
	rc = batch_decode(enc, len, &b, &why);
	is_int(rc, RB_OK, "batch_decode does not check the signature");
	if (rc == RB_OK)
		batch_free(&b);
	enc[BATCH_HDR_LEN + 10] ^= 1;
	free(enc);
}

static void
test_truncation(void)
{
	struct record r[3];
	struct batch b;
	uint8_t *enc, *big;
	size_t len, i;
	int accepted = 0, rc;
	const char *why;

	vec_records(r);
	if (batch_sign(sk_a, pk_a, 1, 4, r, 3, &enc, &len, NULL) != RB_OK)
		return;
	for (i = 0; i < len; i++) {
		why = NULL;
		if ((rc = batch_verify(enc, i, &b, &why)) == RB_OK) {
			accepted++;
			batch_free(&b);
		} else if (why == NULL)
			accepted++;
	}
	ok(accepted == 0, "every one of the %zu truncations refused", len);
	rc = batch_verify(enc, 30, &b, &why);
	ok(rc == RB_EINVAL && strstr(why, "truncated"),
	    "short input: truncated");
	big = malloc(len + 1);
	memcpy(big, enc, len);
	big[len] = 0;
	rc = batch_verify(big, len + 1, &b, &why);
	ok(rc == RB_EINVAL && why != NULL, "one byte appended refused (%s)",
	    why);
	/* Cut a whole record out, count fixed: the chain breaks. */
	{
		size_t r1 = 2 + be_get(enc + BATCH_HDR_LEN, 2);
		size_t nlen = len - r1;

		memcpy(big, enc, BATCH_HDR_LEN);
		be_put(big + BATCH_HDR_LEN - 4, 2, 4);
		memcpy(big + BATCH_HDR_LEN, enc + BATCH_HDR_LEN + r1,
		    len - BATCH_HDR_LEN - r1);
		rc = batch_verify(big, nlen, &b, &why);
		ok(rc == RB_EINVAL && strstr(why, "bad signature"),
		    "first record removed, count fixed: bad signature");
		rc = batch_decode(big, nlen, &b, &why);
		is_int(rc, RB_OK, "... though well formed");
		if (rc == RB_OK)
			batch_free(&b);
	}
	free(big);
	free(enc);
}

static void
test_order(void)
{
	struct record r[3], t;
	struct batch b;
	uint8_t *enc, *sw;
	size_t len, l1, l2;
	int rc;
	const char *why;

	vec_records(r);
	t = r[0];
	r[0] = r[1];
	r[1] = t;
	rc = batch_sign(sk_a, pk_a, 1, 4, r, 3, &enc, &len, &why);
	ok(rc == RB_EINVAL && strstr(why, "out of order"),
	    "signing records out of order refused");
	vec_records(r);
	r[1].seq = 1;
	rc = batch_sign(sk_a, pk_a, 1, 4, r, 3, &enc, &len, &why);
	ok(rc == RB_EINVAL && strstr(why, "out of order"),
	    "signing a repeated seq refused");
	vec_records(r);
	rc = batch_sign(sk_a, pk_a, 2, 4, r, 3, &enc, &len, &why);
	ok(rc == RB_EINVAL && strstr(why, "outside"),
	    "signing a record below from refused");
	rc = batch_sign(sk_a, pk_a, 1, 3, r, 3, &enc, &len, &why);
	ok(rc == RB_EINVAL && strstr(why, "outside"),
	    "signing a record above to refused");
	rc = batch_sign(sk_a, pk_a, 1, 2, r, 3, &enc, &len, &why);
	ok(rc == RB_EINVAL && strstr(why, "more records"),
	    "more records than seqs refused");
	rc = batch_sign(sk_a, pk_a, 0, 4, r, 3, &enc, &len, &why);
	ok(rc == RB_EINVAL && strstr(why, "range"), "from 0 refused");
	rc = batch_sign(sk_a, pk_a, 5, 4, NULL, 0, &enc, &len, &why);
	ok(rc == RB_EINVAL && strstr(why, "range"), "from > to refused");
	r[0].scope = SCOPE_LOCAL;
	rc = batch_sign(sk_a, pk_a, 1, 4, r, 3, &enc, &len, &why);
	ok(rc == RB_EINVAL && strstr(why, "local"),
	    "a local record is never signed for sending");
	vec_records(r);
	r[0].reason = 7;
	rc = batch_sign(sk_a, pk_a, 1, 4, r, 3, &enc, &len, &why);
	ok(rc == RB_EINVAL && strstr(why, "malformed"),
	    "a record the decoder refuses is not signed");

	/* Swap the first two records of a signed batch on the wire. */
	vec_records(r);
	if (batch_sign(sk_a, pk_a, 1, 4, r, 3, &enc, &len, NULL) != RB_OK)
		return;
	sw = malloc(len);
	memcpy(sw, enc, len);
	l1 = 2 + be_get(enc + BATCH_HDR_LEN, 2);
	l2 = 2 + be_get(enc + BATCH_HDR_LEN + l1, 2);
	memcpy(sw + BATCH_HDR_LEN, enc + BATCH_HDR_LEN + l1, l2);
	memcpy(sw + BATCH_HDR_LEN + l2, enc + BATCH_HDR_LEN, l1);
	rc = batch_verify(sw, len, &b, &why);
	ok(rc == RB_EINVAL && strstr(why, "out of order"),
	    "records swapped on the wire: out of order");
	/* Ranges moved: a signed [1,4] claimed as [1,5] or [2,4]. */
	memcpy(sw, enc, len);
	be_put(sw + 45, 5, 8);
	rc = batch_verify(sw, len, &b, &why);
	ok(rc == RB_EINVAL && strstr(why, "bad signature"),
	    "to changed: bad signature");
	free(sw);
	free(enc);
}

static void
test_keys(void)
{
	struct record r[3];
	struct batch b;
	uint8_t *enc;
	size_t len;
	int rc;
	const char *why;

	vec_records(r);
	/* Signed by B, claiming A. */
	rc = batch_sign(sk_b, pk_a, 1, 4, r, 3, &enc, &len, NULL);
	is_int(rc, RB_OK, "sign with B's secret under A's key");
	rc = batch_verify(enc, len, &b, &why);
	ok(rc == RB_EINVAL && strstr(why, "bad signature"),
	    "wrong key: bad signature");
	/* A's signature with B's key in the header. */
	free(enc);
	batch_sign(sk_a, pk_a, 1, 4, r, 3, &enc, &len, NULL);
	memcpy(enc + 5, pk_b, 32);
	rc = batch_verify(enc, len, &b, &why);
	ok(rc == RB_EINVAL && strstr(why, "bad signature"),
	    "header key swapped: bad signature");
	free(enc);
}

static void
test_limits(void)
{
	struct record *r;
	struct batch b;
	uint8_t *enc, *big;
	size_t len;
	int rc;
	const char *why;

	r = make_records(BATCH_MAX_RECORDS + 1, 1, 1);
	rc = batch_sign(sk_a, pk_a, 1, BATCH_MAX_RECORDS + 1, r,
	    BATCH_MAX_RECORDS + 1, &enc, &len, &why);
	ok(rc == RB_ERANGE && strstr(why, "too many"),
	    "signing %d records refused", BATCH_MAX_RECORDS + 1);
	rc = batch_sign(sk_a, pk_a, 1, BATCH_MAX_RECORDS, r,
	    BATCH_MAX_RECORDS, &enc, &len, &why);
	is_int(rc, RB_OK, "%d records signed", BATCH_MAX_RECORDS);
	ok(len <= BATCH_MAX_BYTES, "within BATCH_MAX_BYTES (%zu <= %zu)", len,
	    (size_t)BATCH_MAX_BYTES);
	rc = batch_verify(enc, len, &b, &why);
	ok(rc == RB_OK && b.count == BATCH_MAX_RECORDS,
	    "a full batch verifies");
	if (rc == RB_OK)
		batch_free(&b);
	/* Count over the limit on the wire. */
	be_put(enc + 53, BATCH_MAX_RECORDS + 1, 4);
	rc = batch_verify(enc, len, &b, &why);
	ok(rc == RB_ERANGE && strstr(why, "too many"),
	    "count over the limit: RB_ERANGE");
	/* A huge count in a small buffer allocates nothing. */
	be_put(enc + 53, 1000, 4);
	rc = batch_verify(enc, BATCH_HDR_LEN + BATCH_SIG_LEN + 10, &b, &why);
	ok(rc == RB_EINVAL && strstr(why, "truncated"),
	    "count larger than the bytes: truncated");
	free(enc);
	big = calloc(1, BATCH_MAX_BYTES + 1);
	memcpy(big, BATCH_MAGIC, 4);
	big[4] = BATCH_VERSION;
	rc = batch_verify(big, BATCH_MAX_BYTES + 1, &b, &why);
	ok(rc == RB_ERANGE && strstr(why, "larger"),
	    "input over BATCH_MAX_BYTES: RB_ERANGE");
	free(big);
	free(r);

	/* Sparse: 3 records over a range of a million seqs. */
	r = make_records(3, 1, 499999);
	rc = batch_sign(sk_a, pk_a, 1, 1000000, r, 3, &enc, &len, NULL);
	is_int(rc, RB_OK, "records may be sparse in the range");
	rc = batch_verify(enc, len, &b, &why);
	ok(rc == RB_OK && b.rec[2].seq == 999999, "sparse batch verifies");
	if (rc == RB_OK)
		batch_free(&b);
	free(enc);
	free(r);
}

/* A batch built by hand (not by batch_sign) holding a local record,
 * correctly chained and signed: the receiver still refuses it. */
static void
test_forged_local(void)
{
	struct record r[3];
	struct batch b;
	uint8_t rec[RECORD_ENC_MAX], buf[1024], h[32], msg[BATCH_MSG_LEN];
	uint8_t *p = buf;
	size_t n;
	int rc;
	const char *why;

	vec_records(r);
	r[0].scope = SCOPE_LOCAL;
	memcpy(p, BATCH_MAGIC, 4);
	p[4] = BATCH_VERSION;
	memcpy(p + 5, pk_a, 32);
	p = be_put(p + 37, 1, 8);
	p = be_put(p, 1, 8);
	p = be_put(p, 1, 4);
	n = record_encode(&r[0], rec, sizeof(rec));
	p = be_put(p, n, 2);
	memcpy(p, rec, n);
	p += n;
	batch_chain_init(h, pk_a, 1);
	batch_chain_step(h, rec, n);
	batch_message(msg, pk_a, 1, 1, h);
	crypto_sign_detached(p, NULL, msg, sizeof(msg), sk_a);
	p += 64;
	rc = batch_verify(buf, (size_t)(p - buf), &b, &why);
	ok(rc == RB_EINVAL && strstr(why, "local"),
	    "a signed batch holding a local record is refused (%s)", why);
}

/* doc/PROTOCOL.md shows what the code computes. */
static void
test_vectors(void)
{
	const char *src = getenv("srcdir");
	char path[4096], *doc = NULL, *gen = NULL, *start, *end;
	size_t doclen = 0, genlen = 0;
	FILE *f, *m;
	int c;

	snprintf(path, sizeof(path), "%s/doc/PROTOCOL.md",
	    src && *src ? src : ".");
	if ((f = fopen(path, "r")) == NULL) {
		ok(0, "open %s: %s", path, strerror(errno));
		return;
	}
	m = open_memstream(&doc, &doclen);
	while ((c = getc(f)) != EOF)
		putc(c, m);
	fclose(f);
	fclose(m);
	m = open_memstream(&gen, &genlen);
	vectors_write(m);
	fclose(m);
	start = strstr(doc, "\n```vectors\n");
	end = start ? strstr(start + 12, "\n```\n") : NULL;
	ok(start != NULL && end != NULL, "doc/PROTOCOL.md has a vectors block");
	if (start && end) {
		start += 12;
		end[1] = '\0';
		ok(strcmp(start, gen) == 0, "the vectors in doc/PROTOCOL.md "
		    "are what the code computes");
		if (strcmp(start, gen) != 0)
			printf("# expected (tests/sync/vectors prints it):\n%s",
			    gen);
	}
	free(doc);
	free(gen);
}

/* Verify with the vector key and decoded values, independently of the
 * doc: the first record is the rcpt hash of dead@example.org. */
static void
test_vector_values(void)
{
	uint8_t seed[32], sk[64], pk[32], enc[RECORD_ENC_MAX];
	struct record r[3];
	char hex[2 * RECORD_ENC_MAX + 1];
	size_t n;

	vec_seed(seed, 1);
	key_from_seed(seed, sk, pk);
	ok(memcmp(sk + 32, pk, 32) == 0,
	    "libsodium secret key = seed || public key");
	ok(memcmp(sk, seed, 32) == 0, "... seed first");
	vec_records(r);
	n = record_encode(&r[0], enc, sizeof(enc));
	hex_encode(enc, n, hex);
	ok(strncmp(hex, "010014ee71cd378b7e6e785330f7cca7e906454f5bb42a",
	    46) == 0, "record 1: version, zone, length, SHA-1 of "
	    "dead@example.org");
}

int
main(void)
{
	uint8_t seed[32];

	if (sodium_init() < 0)
		return 1;
	vec_seed(seed, 1);
	key_from_seed(seed, sk_a, pk_a);
	vec_seed(seed, 0x41);
	key_from_seed(seed, sk_b, pk_b);
	test_roundtrip();
	test_flips();
	test_truncation();
	test_order();
	test_keys();
	test_limits();
	test_forged_local();
	test_vector_values();
	test_vectors();
	return done_testing();
}

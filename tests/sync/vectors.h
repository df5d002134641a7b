/*
 * tests/sync/vectors.h - the test vectors of doc/PROTOCOL.md, computed
 * by the code: tests/sync/vectors prints them, tests/sync/test_batch
 * checks that the document shows exactly what this prints.
 *
 * Origin A's key pair comes from the seed 01 02 .. 20 (32 bytes).  Its
 * batch covers sequence numbers 1 to 4; seq 3 is a record of scope local
 * and is absent.
 */
#ifndef REBOND_TEST_VECTORS_H
#define REBOND_TEST_VECTORS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/batch.h"
#include "sync/key.h"
#include "zones/record.h"
#include "zones/util.h"

#define VEC_NOW		1700000000LL	/* 2023-11-14T22:13:20Z */

static void
vec_seed(uint8_t seed[32], uint8_t first)
{
	int i;

	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)(first + i);
}

/* The three records of the vector batch. */
static void
vec_records(struct record r[3])
{
	int64_t now = hour_floor(VEC_NOW);

	memset(r, 0, 3 * sizeof(*r));
	zkey_from_text(ZONE_RCPT, "dead@example.org", &r[0].key);
	r[0].seq = 1;
	r[0].reason = 2;
	r[0].scope = SCOPE_FEDERATION;
	status_parse("5.1.1", &r[0].status);
	r[0].first = r[0].last = now;
	r[0].expires = now + 90 * 86400;
	r[0].count = 1;

	zkey_from_text(ZONE_RDOM, "gmaiil.com", &r[1].key);
	r[1].seq = 2;
	r[1].reason = 2;
	r[1].scope = SCOPE_PEERS;
	status_parse("5.1.2", &r[1].status);
	r[1].first = now - 3 * 3600;
	r[1].last = now;
	r[1].expires = now + 365 * 86400;
	r[1].count = 3;

	zkey_from_text(ZONE_RCPT, "dead@example.org", &r[2].key);
	r[2].seq = 4;
	r[2].flags = REC_DELETE;
	r[2].scope = SCOPE_FEDERATION;
	r[2].first = r[2].last = now + 3600;
}

static void
vec_hex(FILE *out, const char *name, const uint8_t *p, size_t len)
{
	char hex[65];
	size_t n;

	do {
		n = len < 32 ? len : 32;
		hex_encode(p, n, hex);
		fprintf(out, "%-10s %s\n", name, hex);
		p += n;
		len -= n;
	} while (len > 0);
}

/* Write the vectors, as they appear in doc/PROTOCOL.md. */
static void
vectors_write(FILE *out)
{
	uint8_t seed[32], sk[KEY_SK_LEN], pk[KEY_PK_LEN], h[BATCH_HASH_LEN];
	uint8_t enc[RECORD_ENC_MAX], msg[BATCH_MSG_LEN], *batch;
	struct record r[3];
	char id[KEY_B64_LEN + 1], name[16];
	size_t len, blen;
	int i;

	vec_seed(seed, 1);
	key_from_seed(seed, sk, pk);
	key_pubkey_b64(pk, id, sizeof(id));
	vec_hex(out, "seed", seed, 32);
	vec_hex(out, "sk", sk, KEY_SK_LEN);
	vec_hex(out, "pk", pk, KEY_PK_LEN);
	fprintf(out, "%-10s %s\n", "id", id);
	vec_records(r);
	batch_chain_init(h, pk, 1);
	vec_hex(out, "h0", h, sizeof(h));
	for (i = 0; i < 3; i++) {
		len = record_encode(&r[i], enc, sizeof(enc));
		snprintf(name, sizeof(name), "rec%d", i + 1);
		vec_hex(out, name, enc, len);
		batch_chain_step(h, enc, len);
		snprintf(name, sizeof(name), "h%d", i + 1);
		vec_hex(out, name, h, sizeof(h));
	}
	batch_message(msg, pk, 1, 4, h);
	vec_hex(out, "message", msg, sizeof(msg));
	if (batch_sign(sk, pk, 1, 4, r, 3, &batch, &blen, NULL) != RB_OK) {
		fprintf(out, "batch_sign failed\n");
		return;
	}
	vec_hex(out, "signature", batch + blen - BATCH_SIG_LEN,
	    BATCH_SIG_LEN);
	vec_hex(out, "batch", batch, blen);
	free(batch);
	key_wipe(sk, sizeof(sk));
}

#endif

/* fuzz/fuzz_batch.c - signed batches from the network: batch_verify()
 * refuses or accepts without crashing; what it accepts re-encodes
 * identically and obeys the batch rules; what only decodes (structure
 * without signature) re-encodes identically and, signed again, verifies;
 * a response stream is walked without reading past its end. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sync/batch.h"
#include "sync/key.h"
#include "sync/serve.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_rules(const struct batch *b)
{
	uint64_t prev = 0;
	uint32_t i;
	int relayable = 1;

	if (b->from == 0 || b->to < b->from || b->count > BATCH_MAX_RECORDS ||
	    b->count > b->to - b->from + 1)
		abort();
	for (i = 0; i < b->count; i++) {
		if (b->rec[i].seq <= prev || b->rec[i].seq < b->from ||
		    b->rec[i].seq > b->to || b->rec[i].scope == SCOPE_LOCAL)
			abort();
		prev = b->rec[i].seq;
		if (b->rec[i].scope != SCOPE_FEDERATION)
			relayable = 0;
	}
	if (relayable != b->relayable)
		abort();
}

static void
same_bytes(const struct batch *b, const uint8_t *data, size_t size)
{
	uint8_t *enc;
	size_t len;

	if (batch_encode(b, &enc, &len) != RB_OK)
		abort();
	if (len != size || memcmp(enc, data, size) != 0)
		abort();
	free(enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t sk[KEY_SK_LEN], pk[KEY_PK_LEN];
	static int init;
	struct batch b, v;
	const uint8_t *p;
	const char *why = NULL;
	size_t off = 0, len;
	uint8_t *enc;

	if (!init) {
		uint8_t seed[KEY_SEED_LEN];
		int i;

		for (i = 0; i < KEY_SEED_LEN; i++)
			seed[i] = (uint8_t)(i + 1);
		key_from_seed(seed, sk, pk);
		init = 1;
	}
	if (batch_verify(data, size, &b, &why) == RB_OK) {
		check_rules(&b);
		same_bytes(&b, data, size);
		batch_free(&b);
	} else if (why == NULL)
		abort();
	if (batch_decode(data, size, &b, &why) == RB_OK) {
		check_rules(&b);
		same_bytes(&b, data, size);
		/* Signed again with the vector key, it verifies. */
		if (batch_sign(sk, pk, b.from, b.to, b.rec, b.count, &enc, &len,
		    &why) != RB_OK)
			abort();
		if (batch_verify(enc, len, &v, &why) != RB_OK)
			abort();
		batch_free(&v);
		free(enc);
		batch_free(&b);
	}
	while (serve_next(data, size, &off, &p, &len) == 1)
		if (p < data || p + len > data + size)
			abort();
	return 0;
}

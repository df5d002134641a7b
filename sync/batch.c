/* sync/batch.c - see batch.h */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "batch.h"
#include "util.h"

#define WHY(s)	do { if (why != NULL) *why = (s); } while (0)

void
batch_chain_init(uint8_t h[BATCH_HASH_LEN], const uint8_t pk[32],
    uint64_t from)
{
	crypto_generichash_state st;
	uint8_t be[8];

	be_put(be, from, 8);
	crypto_generichash_init(&st, NULL, 0, BATCH_HASH_LEN);
	crypto_generichash_update(&st, (const uint8_t *)BATCH_CHAIN_TAG,
	    sizeof(BATCH_CHAIN_TAG) - 1);
	crypto_generichash_update(&st, pk, 32);
	crypto_generichash_update(&st, be, 8);
	crypto_generichash_final(&st, h, BATCH_HASH_LEN);
}

void
batch_chain_step(uint8_t h[BATCH_HASH_LEN], const uint8_t *rec, size_t len)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, BATCH_HASH_LEN);
	crypto_generichash_update(&st, h, BATCH_HASH_LEN);
	crypto_generichash_update(&st, rec, len);
	crypto_generichash_final(&st, h, BATCH_HASH_LEN);
}

void
batch_message(uint8_t msg[BATCH_MSG_LEN], const uint8_t pk[32],
    uint64_t from, uint64_t to, const uint8_t h[BATCH_HASH_LEN])
{
	uint8_t *p = msg;

	memcpy(p, BATCH_SIGN_TAG, sizeof(BATCH_SIGN_TAG) - 1);
	p += sizeof(BATCH_SIGN_TAG) - 1;
	memcpy(p, pk, 32);
	p = be_put(p + 32, from, 8);
	p = be_put(p, to, 8);
	memcpy(p, h, BATCH_HASH_LEN);
}

void
batch_free(struct batch *b)
{
	free(b->rec);
	memset(b, 0, sizeof(*b));
}

/* The rules every batch obeys, for signing and decoding alike. */
static int
check_header(uint64_t from, uint64_t to, uint64_t count, const char **why)
{
	if (from == 0 || to < from) {
		WHY("bad range (from must be at least 1 and at most to)");
		return RB_EINVAL;
	}
	if (count > BATCH_MAX_RECORDS) {
		WHY("too many records");
		return RB_ERANGE;
	}
	if (count > to - from + 1) {
		WHY("more records than sequence numbers in the range");
		return RB_EINVAL;
	}
	return RB_OK;
}

static int
check_record(const struct record *r, uint64_t from, uint64_t to,
    uint64_t prev, const char **why)
{
	if (r->seq < from || r->seq > to) {
		WHY("record outside the batch's range");
		return RB_EINVAL;
	}
	if (r->seq <= prev) {
		WHY("records out of order or repeated");
		return RB_EINVAL;
	}
	if (r->scope == SCOPE_LOCAL) {
		WHY("a record of scope local never leaves its node");
		return RB_EINVAL;
	}
	if (r->scope > SCOPE_FEDERATION) {
		WHY("unknown scope");
		return RB_EINVAL;
	}
	return RB_OK;
}

int
batch_encode(const struct batch *b, uint8_t **out, size_t *outlen)
{
	uint8_t *buf, *p;
	uint32_t i;
	size_t n;

	*out = NULL;
	*outlen = 0;
	if (b->count > BATCH_MAX_RECORDS)
		return RB_ERANGE;
	buf = xmalloc(BATCH_HDR_LEN + (size_t)b->count *
	    (2 + RECORD_ENC_MAX) + BATCH_SIG_LEN);
	memcpy(buf, BATCH_MAGIC, 4);
	buf[4] = BATCH_VERSION;
	memcpy(buf + 5, b->pk, 32);
	p = be_put(buf + 37, b->from, 8);
	p = be_put(p, b->to, 8);
	p = be_put(p, b->count, 4);
	for (i = 0; i < b->count; i++) {
		if ((n = record_encode(&b->rec[i], p + 2, RECORD_ENC_MAX)) ==
		    0) {
			free(buf);
			return RB_EINVAL;
		}
		be_put(p, n, 2);
		p += 2 + n;
	}
	memcpy(p, b->sig, BATCH_SIG_LEN);
	p += BATCH_SIG_LEN;
	*out = buf;
	*outlen = (size_t)(p - buf);
	return RB_OK;
}

int
batch_sign(const uint8_t sk[64], const uint8_t pk[32], uint64_t from,
    uint64_t to, const struct record *rec, uint32_t n, uint8_t **out,
    size_t *outlen, const char **why)
{
	struct batch b;
	struct record chk;
	uint8_t msg[BATCH_MSG_LEN], enc[RECORD_ENC_MAX];
	uint64_t prev = 0;
	uint32_t i;
	size_t len;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (sodium_init() < 0) {
		WHY("libsodium cannot be initialised");
		return RB_ESYS;
	}
	if ((rc = check_header(from, to, n, why)) != RB_OK)
		return rc;
	memset(&b, 0, sizeof(b));
	memcpy(b.pk, pk, 32);
	b.from = from;
	b.to = to;
	b.count = n;
	b.rec = (struct record *)(uintptr_t)rec;
	batch_chain_init(b.hash, pk, from);
	for (i = 0; i < n; i++) {
		if ((rc = check_record(&rec[i], from, to, prev, why)) != RB_OK)
			return rc;
		prev = rec[i].seq;
		/* What the receiver's strict decoder would refuse is not
		 * signed. */
		if ((len = record_encode(&rec[i], enc, sizeof(enc))) == 0 ||
		    record_decode(enc, len, &chk) != RB_OK) {
			WHY("malformed record");
			return RB_EINVAL;
		}
		batch_chain_step(b.hash, enc, len);
	}
	batch_message(msg, pk, from, to, b.hash);
	crypto_sign_detached(b.sig, NULL, msg, sizeof(msg), sk);
	if ((rc = batch_encode(&b, out, outlen)) != RB_OK)
		WHY("record cannot be encoded");
	return rc;
}

/* Parse buf into b; with chain, also compute b->hash over the records'
 * bytes as they are on the wire. */
static int
parse(const uint8_t *buf, size_t len, struct batch *b, int chain,
    const char **why)
{
	const uint8_t *p, *end;
	uint64_t prev = 0;
	uint32_t i;
	int rc;

	memset(b, 0, sizeof(*b));
	if (len > BATCH_MAX_BYTES) {
		WHY("batch larger than the limit");
		return RB_ERANGE;
	}
	if (len < BATCH_HDR_LEN + BATCH_SIG_LEN) {
		WHY("truncated (shorter than a header and a signature)");
		return RB_EINVAL;
	}
	if (memcmp(buf, BATCH_MAGIC, 4) != 0) {
		WHY("not a batch (bad magic)");
		return RB_EINVAL;
	}
	if (buf[4] != BATCH_VERSION) {
		WHY("unsupported batch version");
		return RB_EINVAL;
	}
	memcpy(b->pk, buf + 5, 32);
	b->from = be_get(buf + 37, 8);
	b->to = be_get(buf + 45, 8);
	b->count = (uint32_t)be_get(buf + 53, 4);
	if ((rc = check_header(b->from, b->to, b->count, why)) != RB_OK) {
		memset(b, 0, sizeof(*b));
		return rc;
	}
	/* Each record takes at least 2 + 3 bytes: a count the buffer cannot
	 * hold is refused before anything is allocated for it. */
	if ((size_t)b->count * 5 > len - BATCH_HDR_LEN - BATCH_SIG_LEN) {
		memset(b, 0, sizeof(*b));
		WHY("truncated (fewer records than the count)");
		return RB_EINVAL;
	}
	b->rec = xcalloc(b->count ? b->count : 1, sizeof(*b->rec));
	b->relayable = 1;
	if (chain)
		batch_chain_init(b->hash, b->pk, b->from);
	p = buf + BATCH_HDR_LEN;
	end = buf + len - BATCH_SIG_LEN;
	for (i = 0; i < b->count; i++) {
		size_t rl;

		if (end - p < 2) {
			WHY("truncated (fewer records than the count)");
			goto bad;
		}
		rl = be_get(p, 2);
		p += 2;
		if (rl > RECORD_ENC_MAX || (size_t)(end - p) < rl) {
			WHY("truncated or bad record length");
			goto bad;
		}
		if (record_decode(p, rl, &b->rec[i]) != RB_OK) {
			WHY("malformed record");
			goto bad;
		}
		if ((rc = check_record(&b->rec[i], b->from, b->to, prev,
		    why)) != RB_OK)
			goto bad;
		prev = b->rec[i].seq;
		if (b->rec[i].scope != SCOPE_FEDERATION)
			b->relayable = 0;
		if (chain)
			batch_chain_step(b->hash, p, rl);
		p += rl;
	}
	if (p != end) {
		WHY("bytes after the last record");
		goto bad;
	}
	memcpy(b->sig, end, BATCH_SIG_LEN);
	return RB_OK;
bad:
	batch_free(b);
	return RB_EINVAL;
}

int
batch_decode(const uint8_t *buf, size_t len, struct batch *b,
    const char **why)
{
	return parse(buf, len, b, 0, why);
}

int
batch_verify(const uint8_t *buf, size_t len, struct batch *b,
    const char **why)
{
	uint8_t msg[BATCH_MSG_LEN];
	int rc;

	if (sodium_init() < 0) {
		memset(b, 0, sizeof(*b));
		WHY("libsodium cannot be initialised");
		return RB_ESYS;
	}
	if ((rc = parse(buf, len, b, 1, why)) != RB_OK)
		return rc;
	batch_message(msg, b->pk, b->from, b->to, b->hash);
	if (crypto_sign_verify_detached(b->sig, msg, sizeof(msg),
	    b->pk) != 0) {
		batch_free(b);
		WHY("bad signature (not signed by the origin's key, or "
		    "altered)");
		return RB_EINVAL;
	}
	return RB_OK;
}

int
batch_peek(const uint8_t *buf, size_t len, uint8_t pk[32], uint64_t *from,
    uint64_t *to, uint32_t *count)
{
	if (len < BATCH_HDR_LEN + BATCH_SIG_LEN ||
	    memcmp(buf, BATCH_MAGIC, 4) != 0 || buf[4] != BATCH_VERSION)
		return RB_EINVAL;
	if (pk != NULL)
		memcpy(pk, buf + 5, 32);
	*from = be_get(buf + 37, 8);
	*to = be_get(buf + 45, 8);
	if (count != NULL)
		*count = (uint32_t)be_get(buf + 53, 4);
	return RB_OK;
}

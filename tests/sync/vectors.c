/* tests/sync/vectors.c - print the test vectors of doc/PROTOCOL.md;
 * with -c DIR, write the seed corpus of fuzz/fuzz_batch into DIR. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "vectors.h"

static int
put(const char *dir, const char *name, const uint8_t *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

static int
corpus(const char *dir)
{
	uint8_t seed[32], sk[KEY_SK_LEN], pk[KEY_PK_LEN], *b, *stream;
	struct record r[3];
	size_t len;
	int rc = 0;

	vec_seed(seed, 1);
	key_from_seed(seed, sk, pk);
	vec_records(r);
	/* The vector batch: valid, signed. */
	batch_sign(sk, pk, 1, 4, r, 3, &b, &len, NULL);
	rc |= put(dir, "signed", b, len);
	/* Framed as a response, twice. */
	stream = malloc(2 * (len + 4));
	be_put(stream, len, 4);
	memcpy(stream + 4, b, len);
	memcpy(stream + 4 + len, stream, len + 4);
	rc |= put(dir, "stream", stream, 2 * (len + 4));
	free(stream);
	/* Cut in the second record. */
	rc |= put(dir, "truncated", b, len - 100);
	free(b);
	/* Relayable: federation records only. */
	r[1].scope = SCOPE_FEDERATION;
	batch_sign(sk, pk, 1, 4, r, 3, &b, &len, NULL);
	rc |= put(dir, "relayable", b, len);
	free(b);
	/* Empty range. */
	batch_sign(sk, pk, 1025, 2048, NULL, 0, &b, &len, NULL);
	rc |= put(dir, "empty", b, len);
	free(b);
	/* One record, signed by another key than the header's. */
	vec_seed(seed, 0x41);
	key_from_seed(seed, sk, pk);
	vec_seed(seed, 1);
	{
		uint8_t sk1[KEY_SK_LEN], pk1[KEY_PK_LEN];

		key_from_seed(seed, sk1, pk1);
		batch_sign(sk, pk1, 4, 4, &r[2], 1, &b, &len, NULL);
	}
	rc |= put(dir, "wrongkey", b, len);
	free(b);
	return rc;
}

int
main(int argc, char *argv[])
{
	if (argc == 3 && strcmp(argv[1], "-c") == 0)
		return corpus(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: vectors [-c DIR]\n");
		return 2;
	}
	vectors_write(stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}

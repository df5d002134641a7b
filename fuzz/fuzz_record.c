/* fuzz/fuzz_record.c - stored and exchanged encodings: records and
 * listings decode or refuse, and what decodes re-encodes identically. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "record.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record r;
	struct listing l;
	uint8_t buf[RECORD_ENC_MAX > LISTING_ENC_MAX ? RECORD_ENC_MAX :
	    LISTING_ENC_MAX];
	size_t n;

	if (record_decode(data, size, &r) == RB_OK) {
		n = record_encode(&r, buf, sizeof(buf));
		if (n != size || memcmp(buf, data, n) != 0)
			abort();
	}
	if (listing_decode(data, size, &l) == RB_OK) {
		n = listing_encode(&l, buf, sizeof(buf));
		if (n != size || memcmp(buf, data, n) != 0)
			abort();
	}
	return 0;
}

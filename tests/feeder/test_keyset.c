/*
 * tests/feeder/test_keyset.c - the feeder's set of recipient hashes
 * (feeder/keyset.h): never misses a key added, across growth and
 * clearing; the keys of a zero fingerprint are not lost.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "../tap.h"
#include "../../feeder/keyset.h"

static void
key(int i, uint8_t out[HASH_LEN])
{
	char s[32];

	snprintf(s, sizeof(s), "user%d@example.org", i);
	rb_sha1(s, strlen(s), out);
}

int
main(void)
{
	struct keyset s = { 0 };
	uint8_t k[HASH_LEN], zero[HASH_LEN] = { 0 };
	int i, missed = 0, extra = 0;

	key(1, k);
	is_int(keyset_maybe(&s, keyset_print(k)), 0, "an empty set holds nothing");
	for (i = 0; i < 100000; i++) {
		key(i, k);
		keyset_add(&s, keyset_print(k));
	}
	keyset_add(&s, keyset_print(k));
	is_int((int)s.n, 100000, "100000 keys, one added twice");
	for (i = 0; i < 100000; i++) {
		key(i, k);
		missed += !keyset_maybe(&s, keyset_print(k));
	}
	is_int(missed, 0, "every key added is found after the set grew");
	for (i = 100000; i < 200000; i++) {
		key(i, k);
		extra += keyset_maybe(&s, keyset_print(k));
	}
	is_int(extra, 0, "no key that was not added is (64-bit prints)");
	keyset_add(&s, keyset_print(zero));
	ok(keyset_maybe(&s, keyset_print(zero)), "a key whose print is zero is kept");
	keyset_clear(&s);
	key(5, k);
	is_int(keyset_maybe(&s, keyset_print(k)), 0, "cleared");
	is_int((int)s.n, 0, "cleared: no key");
	keyset_add(&s, keyset_print(k));
	ok(keyset_maybe(&s, keyset_print(k)), "usable after clearing");
	keyset_free(&s);
	is_int(keyset_maybe(&s, keyset_print(k)), 0, "freed: empty");
	done_testing();
}

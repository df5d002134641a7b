/* fuzz/fuzz_answer.c - DNS query packets into answer_query(), over UDP
 * and TCP rules, against a small real store. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../dnsd/answer.h"
#include "log.h"
#include "store.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct answer_zones zones;
static struct store *store;

static int
seed(struct store_txn *t, void *arg)
{
	struct zkey k;

	(void)arg;
	zkey_from_text(ZONE_RCPT, "dead@example.org", &k);
	store_assert(t, &k, 2, NULL, rb_now(), 0, 1, SCOPE_LOCAL);
	zkey_from_text(ZONE_RDOM, "example.org", &k);
	store_assert(t, &k, 2, NULL, rb_now(), 0, 1, SCOPE_LOCAL);
	return store_assert(t, &k, 5, NULL, rb_now(), 0, 1, SCOPE_LOCAL);
}

static void
init(void)
{
	struct conf c;
	char err[256], dir[] = "/tmp/rebond-fuzz.XXXXXX";

	log_init("fuzz", 1, LOG_LVL_ERR);
	conf_defaults(&c);
	if (conf_finish(&c, err, sizeof(err)) != RB_OK ||
	    answer_zones_init(&zones, &c, err, sizeof(err)) != RB_OK)
		abort();
	conf_free(&c);
	if (mkdtemp(dir) == NULL ||
	    store_open(&store, dir, 1 << 20, 0, err, sizeof(err)) != RB_OK ||
	    store_write(store, seed, NULL) != RB_OK)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[DNS_MAXMSG];
	struct answer_stats st;
	struct store_txn *t;
	size_t n;

	if (store == NULL)
		init();
	memset(&st, 0, sizeof(st));
	t = store_read(store);
	n = answer_query(&zones, t, data, size, out, sizeof(out), size & 1,
	    1, rb_now(), &st);
	store_read_end(store);
	if (n > sizeof(out) || (n > 0 && n < 12))
		abort();
	/* Small UDP answers never exceed 512 bytes without EDNS. */
	return 0;
}

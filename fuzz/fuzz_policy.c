/* fuzz/fuzz_policy.c - bytes from a Postfix policy client: the stream
 * reader in chunks, the parser and the decision against a small real
 * store, with bulk senders, a throttle and every action configured.
 * Every answer must be one "action=..." line and a blank line. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../dnsd/policy.h"
#include "log.h"
#include "store.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct policy policy;
static struct store *store;

static int
seed(struct store_txn *t, void *arg)
{
	static const struct { int zone; const char *key; int reason; } l[] = {
		{ ZONE_RCPT, "dead@example.org", 2 },
		{ ZONE_RCPT, "soft@example.org", 3 },
		{ ZONE_RCPT, "recent@example.org", 4 },
		{ ZONE_RCPT, "recent@example.org", 5 },
		{ ZONE_RDOM, "gmaiil.com", 2 },
		{ ZONE_SNDR, "held@asso.example", 10 },
		{ ZONE_SNDR, "volume@asso.example", 4 },
		{ ZONE_SNDR, "spam@asso.example", 6 },
		{ ZONE_SDOM, "bad.example", 2 },
		{ ZONE_SDOM, "busy.example", 4 },
	};
	struct zkey k;
	size_t i;
	int rc;

	(void)arg;
	for (i = 0; i < sizeof(l) / sizeof(l[0]); i++) {
		if (zkey_from_text(l[i].zone, l[i].key, &k) != RB_OK)
			abort();
		if ((rc = store_assert(t, &k, l[i].reason, NULL, rb_now(),
		    i & 1 ? 3600 : 0, 1, SCOPE_LOCAL)) != RB_OK)
			return rc;
	}
	return RB_OK;
}

static void
init(void)
{
	static const char text[] = "[policy-service]\n"
	    "bulk-senders = news, lists.asso.example, robot@asso.example\n"
	    "rcpt-actions = 3=warn 4=throttle\n"
	    "sender-actions = 6=defer\n"
	    "throttle-rate = 2\n"
	    "reject-message = \"%z %c %r %% %x %\"\n";
	struct conf c;
	FILE *f;
	char err[256], dir[] = "/tmp/rebond-fuzz.XXXXXX";

	log_init("fuzz", 1, LOG_LVL_ERR);
	conf_defaults(&c);
	if ((f = fmemopen((void *)(uintptr_t)text, sizeof(text) - 1, "r")) ==
	    NULL || conf_parse(&c, f, "fuzz", err, sizeof(err)) != RB_OK ||
	    policy_init(&policy, &c, err, sizeof(err)) != RB_OK)
		abort();
	fclose(f);
	conf_free(&c);
	if (mkdtemp(dir) == NULL ||
	    store_open(&store, dir, 1 << 20, 0, err, sizeof(err)) != RB_OK ||
	    store_write(store, seed, NULL) != RB_OK)
		abort();
}

static void
check(const char *out, size_t n)
{
	if (n < 14 || n >= POLICY_ANSWER_MAX ||
	    memcmp(out, "action=", 7) != 0 ||
	    memchr(out, '\n', n) != out + n - 2 || out[n - 1] != '\n' ||
	    memchr(out, '\0', n) != NULL || memchr(out, '\r', n) != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct policy_reader rd;
	static char out[POLICY_ANSWER_MAX];
	struct policy_req r;
	struct policy_result res;
	size_t off = 0, chunk, used, n;
	int64_t now;
	int rc;

	if (store == NULL)
		init();
	if (size == 0)
		return 0;
	/* The first byte: chunk size, ACL, clock. */
	chunk = (size_t)(data[0] & 0x3f) + 1;
	now = rb_now() + (int64_t)(data[0] >> 6) * 1800;
	policy_reader_init(&rd);
	while (off < size) {
		n = size - off < chunk ? size - off : chunk;
		while (n > 0) {
			rc = policy_read(&rd, data + off, n, &used);
			if (used > n)
				abort();
			off += used;
			n -= used;
			if (rc == PR_CLOSE)
				return 0;
			if (rc != PR_REQUEST)
				continue;
			if (rd.len > sizeof(rd.buf))
				abort();
			check(out, policy_handle(&policy, store, &rd,
			    (data[0] & 0x40) == 0, now, out, sizeof(out)));
		}
	}
	/* The parser and the decision on the whole input, as one request. */
	if (policy_parse((const char *)data, size, &r) == RB_OK) {
		policy_decide(&policy, store, &r, now, &res);
		if (res.action < 0 || res.action >= PA_COUNT ||
		    res.action == PA_THROTTLE)
			abort();
		check(out, policy_format(&policy, &res, out, sizeof(out)));
	}
	return 0;
}

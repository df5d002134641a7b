/*
 * tests/feeder/test_history.c - the feeder forgets the daily counters and
 * the event log older than [feeder] history-ttl (they name senders,
 * clients, reply texts), once a day, and keeps the newer ones; the
 * listings stay.  A history-ttl shorter than the sender window is
 * refused.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "../../feeder/classify.h"
#include "../../feeder/count.h"
#include "../../feeder/feeder.h"
#include "conf.h"
#include "log.h"
#include "store.h"
#include "util.h"

static struct store *store;

#include "feedtest.h"

#define NOW	1700654400LL		/* 2023-11-22 12:00 UTC */

static uint32_t
counted(int kind, const char *key, int cls)
{
	struct store_txn *t = store_read(store);
	struct counts c;
	uint32_t day = (uint32_t)(NOW / 86400);

	count_sum(t, kind, key, strlen(key), day - 400, day, &c);
	store_read_end(store);
	return c.c[cls];
}

static int
evlog_row(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	(void)v;
	(void)vl;
	(*(int *)arg)++;
	return 0;
}

static int
events(void)
{
	struct store_txn *t = store_read(store);
	int n = 0;

	store_kv_foreach(t, KV_EVLOG, NULL, 0, evlog_row, &n);
	store_read_end(store);
	return n;
}

static void
bounce(struct feed *f, const char *date, const char *qid, const char *sender,
    const char *rcpt)
{
	char line[1024];

	snprintf(line, sizeof(line), "%s relay postfix/qmgr[1]: %s: "
	    "from=<%s>, size=1, nrcpt=1 (queue active)", date, qid, sender);
	feed_line(f, line, strlen(line), 0);
	snprintf(line, sizeof(line), "%s relay postfix/smtp[2]: %s: to=<%s>, "
	    "relay=mx.example.com[198.51.100.7]:25, delay=1, delays=0/0/0/1, "
	    "dsn=5.1.1, status=bounced (host x said: 550 5.1.1 <%s> no such "
	    "user)", date, qid, rcpt, rcpt);
	feed_line(f, line, strlen(line), 0);
}

int
main(void)
{
	char dir[] = "/tmp/rebond-historytest.XXXXXX", err[256], cmd[128];
	struct conf conf, bad;
	struct classifier *cls;
	struct feed *f;

	setenv("TZ", "UTC", 1);
	setenv("REBOND_NOW", "1700654400", 1);
	log_init("test_history", 1, LOG_LVL_ERR);
	feedtest_open(dir, &conf, &store);
	conf.history_ttl = 30 * 86400;
	cls = classify_new();
	f = feed_new(&conf, store, cls);

	/* Two months ago, and the day before yesterday. */
	bounce(f, "Sep 20 10:00:00", "A0000000001", "old@asso.example",
	    "gone-old@example.com");
	bounce(f, "Nov 20 10:00:00", "A0000000002", "new@asso.example",
	    "gone-new@example.com");
	is_int(feed_flush(f), 0, "a batch of two bounces, 63 days apart");
	is_int((int)counted(CNT_SNDR, "old@asso.example", EV_HARD), 0,
	    "the sender counted 63 days ago is forgotten (history-ttl 30d)");
	is_int((int)counted(CNT_SDOM, "asso.example", EV_HARD), 1,
	    "... its domain's count of that day too");
	is_int((int)counted(CNT_SNDR, "new@asso.example", EV_HARD), 1,
	    "the sender counted 2 days ago is kept");
	is_int(events(), 1, "the event log keeps only the newer bounce");
	is_str(codes(ZONE_RCPT, "gone-old@example.com"), "2",
	    "the listing of the older bounce stays");

	/* The next sweep of the history is a day later: a new old line
	 * stays until then. */
	bounce(f, "Sep 21 10:00:00", "A0000000003", "old2@asso.example",
	    "gone-old2@example.com");
	is_int(feed_flush(f), 0, "another old bounce");
	is_int((int)counted(CNT_SNDR, "old2@asso.example", EV_HARD), 1,
	    "counted: the history is swept once a day");
	feed_free(f);

	/* A new feeder (a restart) sweeps at its first batch. */
	f = feed_new(&conf, store, cls);
	bounce(f, "Nov 22 10:00:00", "A0000000004", "today@asso.example",
	    "gone-today@example.com");
	is_int(feed_flush(f), 0, "a restarted feeder's first batch");
	is_int((int)counted(CNT_SNDR, "old2@asso.example", EV_HARD), 0,
	    "... forgets the old counters");
	is_int((int)counted(CNT_SNDR, "today@asso.example", EV_HARD), 1,
	    "... keeps today's");
	is_int(events(), 2, "... and the event log of the last 30 days");
	feed_free(f);

	/* Shorter than the sender window: refused. */
	conf_defaults(&bad);
	bad.history_ttl = 3 * 86400;
	ok(conf_finish(&bad, err, sizeof(err)) != RB_OK &&
	    strstr(err, "history-ttl") != NULL,
	    "history-ttl under the sender window is refused: %s", err);
	conf_free(&bad);

	classify_free(cls);
	store_close(store);
	conf_free(&conf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return done_testing();
}

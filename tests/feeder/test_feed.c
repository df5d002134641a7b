/* tests/feeder/test_feed.c - Postfix lines through the whole feeder
 * engine into a real store: events, counters, listings, delisting,
 * correlation across batches and restarts. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "../../feeder/classify.h"
#include "../../feeder/count.h"
#include "../../feeder/feeder.h"
#include "conf.h"
#include "log.h"
#include "store.h"
#include "util.h"

static struct conf conf;
static struct store *store;

#include "feedtest.h"
static struct classifier *cls;

static uint32_t
counter(int kind, const char *key, int cls_)
{
	struct counts c;
	struct store_txn *t = store_read(store);
	uint32_t day = 1700474402 / 86400;

	count_sum(t, kind, key, strlen(key), day - 1, day + 1, &c);
	store_read_end(store);
	return c.c[cls_];
}

/* Another process lists a domain (as rebondctl add does). */
static int
list_newdom(struct store_txn *t, void *arg)
{
	struct zkey k;
	int rc;

	(void)arg;
	if ((rc = zkey_from_text(ZONE_RDOM, "newdom.example", &k)) != RB_OK)
		return rc;
	return store_assert(t, &k, REASON_2, NULL, rb_now(), 0, 1,
	    SCOPE_LOCAL);
}

/* Another process lists a recipient and leaves soft-bounce state for
 * it (as rebond-sync and a second feeder do). */
static int
list_late(struct store_txn *t, void *arg)
{
	uint8_t v[20] = { 0 };
	struct zkey k;
	int rc;

	if ((rc = zkey_from_text(ZONE_RCPT, arg, &k)) != RB_OK ||
	    (rc = store_assert(t, &k, REASON_2, NULL, rb_now(), 0, 1,
	    SCOPE_LOCAL)) != RB_OK)
		return rc;
	v[19] = 1;
	return store_kv_put(t, KV_RSTATE, k.data, k.len, v, sizeof(v));
}

static int
has_rstate(const char *addr)
{
	struct store_txn *t = store_read(store);
	struct zkey k;
	const void *v;
	size_t vl;
	int rc;

	zkey_from_text(ZONE_RCPT, addr, &k);
	rc = store_kv_get(t, KV_RSTATE, k.data, k.len, &v, &vl);
	store_read_end(store);
	return rc == RB_OK;
}

static void
delivery(struct feed *f, const char *qid, const char *rcpt, const char *dsn,
    const char *status, const char *reply)
{
	char line[1024];

	snprintf(line, sizeof(line), "Nov 21 09:40:00 relay postfix/smtp[1]: "
	    "%s: to=<%s>, relay=mx.example.net[198.51.100.9]:25, delay=1, "
	    "delays=0/0/0/1, dsn=%s, status=%s (%s)", qid, rcpt, dsn, status,
	    reply);
	feed_str(f, line);
}

/* n deliveries, queue ids PREFIX000000000.., to rcpt0@example.net.. */
static void
deliveries(struct feed *f, const char *prefix, const char *rcpt, int n)
{
	char qid[32], to[64];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(qid, sizeof(qid), "%s%09d", prefix, i);
		snprintf(to, sizeof(to), "%s%d@example.net", rcpt, i);
		delivery(f, qid, to, "2.0.0", "sent", "250 ok");
	}
}

int
main(void)
{
	char dir[] = "/tmp/rebond-feedtest.XXXXXX", path[4096];
	const char *src = getenv("srcdir");
	const struct feed_stats *st;
	struct feed *f;

	setenv("TZ", "UTC", 1);
	setenv("REBOND_NOW", "1700654400", 1);	/* 2023-11-22 12:00 */
	log_init("test_feed", 1, LOG_LVL_ERR);
	feedtest_open(dir, &conf, &store);
	cls = classify_new();
	f = feed_new(&conf, store, cls);
	snprintf(path, sizeof(path), "%s/tests/feeder/logs/postfix.log",
	    src ? src : ".");
	feed_file(f, path);
	is_int(feed_flush(f), 0, "batch written");
	st = feed_stats(f);
	is_int(st->lines, 48, "every line read");
	is_int(st->malformed, 0, "no malformed line");
	ok(st->ignored >= 1, "other programs' lines ignored");

	/* Recipients. */
	is_str(codes(ZONE_RCPT, "dead@example.com"), "2",
	    "5.1.1 from the remote server: hard, 127.0.0.2");
	is_str(codes(ZONE_RCPT, "filtered@example.com"), "2",
	    "hard bounce after a content filter hop");
	is_str(codes(ZONE_RCPT, "someone@gmaiil.com"), "2",
	    "domain not found: the address is listed");
	is_str(codes(ZONE_RDOM, "gmaiil.com"), "2",
	    "domain not found (no relay reached): the domain is listed");
	is_str(codes(ZONE_RDOM, "example.invalid"), "2",
	    "null MX: the domain is listed");
	is_str(codes(ZONE_RDOM, "example.com"), "",
	    "one remote 5.1.1 never lists the domain");
	/* The recent-soft listing (4) lasts 24 h from the last bounce:
	 * over by now; the repeated one (3) lasts 7 days. */
	is_str(codes(ZONE_RCPT, "full@example.org"), "3",
	    "three soft bounces: repeated (3); recent (4) already over");
	is_str(codes(ZONE_RCPT, "someone@orange.example"), "",
	    "4xx 'Service refusé' never lists the recipient");
	is_str(codes(ZONE_RCPT, "reader@hotmail.example"), "",
	    "an IP block never lists the recipient");
	is_str(codes(ZONE_RCPT, "grey@example.net"), "",
	    "greylisting teaches nothing");
	is_str(codes(ZONE_RCPT, "bob@example.com"), "", "delivered: not listed");
	is_str(codes(ZONE_RCPT, "alice@asso.example"), "",
	    "the bounce notification was delivered to the sender");

	/* Events and counters. */
	is_int(st->events[EV_DELIVERED], 3,
	    "deliveries counted (the filter hop is not one)");
	is_int(st->events[EV_HARD], 4, "hard bounces counted");
	is_int(st->events[EV_SOFT], 3, "soft bounces counted");
	is_int(st->events[EV_MESSAGE_REJECTED], 1, "refused message counted");
	is_int(st->events[EV_IP_BLOCKED], 1, "IP block counted");
	is_int(st->events[EV_DEFERRED_TEMPORARY], 1, "greylisting counted");
	is_int(st->events[EV_BLOCKED_BY_LIST], 1,
	    "our own list's refusal counted as blocked_by_list");
	is_int(counter(CNT_SNDR, "alice@asso.example", EV_HARD), 4,
	    "sender's hard bounces, case-folded, across the filter hop");
	is_int(counter(CNT_SNDR, "alice@asso.example", EV_BLOCKED_BY_LIST), 1,
	    "sender's sends to listed recipients");
	is_int(counter(CNT_SDOM, "asso.example", EV_DELIVERED), 2,
	    "sender domain deliveries (not the notification)");
	is_int(counter(CNT_RDOM, "example.org", EV_SOFT), 3,
	    "recipient domain soft bounces");
	is_int(counter(CNT_CLIENT, "sasl:alice", EV_HARD), 4,
	    "client by SASL name");
	is_int(counter(CNT_CLIENT, "ip:203.0.113.5", EV_SOFT), 3,
	    "client by address (a peer relay)");
	is_int(counter(CNT_SNDR, "", EV_DELIVERED), 0,
	    "the null sender is not counted as a sender");

	/* A delivery to a listed address delists it. */
	feed_str(f, "Nov 21 09:00:00 relay postfix/qmgr[1]: C27D8E0110: "
	    "from=<alice@asso.example>, size=1, nrcpt=1 (queue active)");
	feed_str(f, "Nov 21 09:00:01 relay postfix/smtp[1]: C27D8E0110: "
	    "to=<Dead@Example.com>, relay=mx.example.com[198.51.100.7]:25, "
	    "delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 OK)");
	/* A loopback smarthost answering "queued as" is a delivery: its
	 * queue id is not one of ours. */
	feed_str(f, "Nov 21 09:00:02 relay postfix/smtp[1]: C27D8E0110: "
	    "to=<smarthost@example.com>, relay=127.0.0.1[127.0.0.1]:2525, "
	    "delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: "
	    "queued as 77EE88FF99)");
	is_int(feed_flush(f), 0, "second batch");
	is_int(counter(CNT_RDOM, "example.com", EV_DELIVERED), 3,
	    "loopback smarthost delivery counted (bob, dead, smarthost)");
	is_str(codes(ZONE_RCPT, "dead@example.com"), "",
	    "delivered again: delisted");
	is_str(codes(ZONE_RDOM, "gmaiil.com"), "2", "other listings stay");

	/* The feed remembers, for a batch, the recipient domains it found
	 * unlisted: a domain listed later in the batch, or by another
	 * writer between batches, is still delisted by a delivery. */
	feed_str(f, "Nov 21 09:10:00 relay postfix/smtp[1]: A1B2C3D4E5: "
	    "to=<first@newdom.example>, relay=mx.newdom.example[198.51.100.9]"
	    ":25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 "
	    "OK)");
	feed_str(f, "Nov 21 09:10:01 relay postfix/smtp[1]: A1B2C3D4E6: "
	    "to=<nomx@newdom.example>, relay=none, delay=0.1, "
	    "delays=0/0/0.1/0, dsn=5.1.10, status=bounced (Domain "
	    "newdom.example does not accept mail (nullMX))");
	feed_str(f, "Nov 21 09:10:02 relay postfix/smtp[1]: A1B2C3D4E7: "
	    "to=<second@newdom.example>, relay=mx.newdom.example"
	    "[198.51.100.9]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, "
	    "status=sent (250 2.0.0 OK)");
	is_int(feed_flush(f), 0, "batch: delivery, null MX, delivery");
	is_str(codes(ZONE_RCPT, "nomx@newdom.example"), "2",
	    "the null MX bounce listed the address");
	is_str(codes(ZONE_RDOM, "newdom.example"), "",
	    "listed and delivered to again in one batch: delisted");
	feed_str(f, "Nov 21 09:20:00 relay postfix/smtp[1]: A1B2C3D4E8: "
	    "to=<third@newdom.example>, relay=mx.newdom.example"
	    "[198.51.100.9]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, "
	    "status=sent (250 2.0.0 OK)");
	is_int(feed_flush(f), 0, "batch: a delivery");
	is_int(store_write(store, list_newdom, NULL), 0,
	    "another process lists the domain between two batches");
	is_str(codes(ZONE_RDOM, "newdom.example"), "2", "listed");
	feed_str(f, "Nov 21 09:30:00 relay postfix/smtp[1]: A1B2C3D4E9: "
	    "to=<fourth@newdom.example>, relay=mx.newdom.example"
	    "[198.51.100.9]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, "
	    "status=sent (250 2.0.0 OK)");
	is_int(feed_flush(f), 0, "batch: a delivery to it");
	is_str(codes(ZONE_RDOM, "newdom.example"), "",
	    "a delivery in the next batch delists it");

	/* The feeder remembers which recipients the store holds something
	 * for once enough deliveries asked (feed.c, mirror_check()): what
	 * it does itself and what others write between its batches must
	 * both be seen. */
	{
		deliveries(f, "F", "many", 200);
		delivery(f, "F100000001", "soft@example.net", "4.2.2",
		    "deferred", "452 4.2.2 mailbox full");
		delivery(f, "F100000002", "hard@example.net", "5.1.1",
		    "bounced", "550 5.1.1 user unknown");
		is_int(feed_flush(f), 0, "batch: 200 deliveries, 2 bounces");
		is_str(codes(ZONE_RCPT, "hard@example.net"), "2", "hard");
		ok(has_rstate("soft@example.net"), "soft-bounce state kept");
		delivery(f, "F100000003", "soft@example.net", "2.0.0", "sent",
		    "250 ok");
		delivery(f, "F100000004", "hard@example.net", "2.0.0", "sent",
		    "250 ok");
		is_int(feed_flush(f), 0, "batch: both delivered");
		ok(!has_rstate("soft@example.net"),
		    "a delivery forgets our own soft-bounce state");
		is_str(codes(ZONE_RCPT, "hard@example.net"), "",
		    "a delivery delists our own listing");
		is_int(store_write(store, list_late, "late@example.net"), 0,
		    "another process lists a recipient between two batches");
		is_str(codes(ZONE_RCPT, "late@example.net"), "2", "listed");
		delivery(f, "F100000005", "late@example.net", "2.0.0", "sent",
		    "250 ok");
		is_int(feed_flush(f), 0, "batch: a delivery to it");
		is_str(codes(ZONE_RCPT, "late@example.net"), "",
		    "the delivery delists the other process's listing");
		ok(!has_rstate("late@example.net"),
		    "and forgets the other process's soft-bounce state");

		/* LMDB numbers a transaction that writes nothing as the
		 * next one: once the sets are read again (enough
		 * deliveries), a batch of other lines, then another
		 * process's write, must still be seen. */
		deliveries(f, "H", "again", 200);
		is_int(feed_flush(f), 0, "batch: 200 deliveries");
		feed_str(f, "Nov 21 09:41:00 relay postfix/anvil[9]: "
		    "statistics: max connection rate 1/60s");
		is_int(feed_flush(f), 0, "batch: nothing about a message");
		is_int(store_write(store, list_late, "later@example.net"), 0,
		    "then another process lists a recipient");
		delivery(f, "F100000006", "later@example.net", "2.0.0",
		    "sent", "250 ok");
		is_int(feed_flush(f), 0, "batch: a delivery to it");
		is_str(codes(ZONE_RCPT, "later@example.net"), "",
		    "the delivery delists it");
		ok(!has_rstate("later@example.net"),
		    "and forgets its soft-bounce state");
	}

	/* A short Postfix queue id comes back: the new message starts
	 * afresh, it does not inherit the sender of the old one, whose
	 * "removed" line was never seen. */
	feed_str(f, "Nov 21 09:50:00 relay postfix/qmgr[1]: 5F2A1B: "
	    "from=<old@asso.example>, size=1, nrcpt=1 (queue active)");
	is_int(feed_flush(f), 0, "batch: a message left unfinished");
	feed_str(f, "Nov 21 09:55:00 relay postfix/smtpd[1]: 5F2A1B: "
	    "client=mail.asso.example[192.0.2.7], sasl_method=PLAIN, "
	    "sasl_username=reused");
	delivery(f, "5F2A1B", "gone@example.org", "5.1.1", "bounced",
	    "550 5.1.1 user unknown");
	is_int(feed_flush(f), 0, "batch: the id reused");
	is_int(counter(CNT_SNDR, "old@asso.example", EV_HARD), 0,
	    "the old message's sender is not blamed");
	is_int(counter(CNT_CLIENT, "sasl:reused", EV_HARD), 1,
	    "the new message's client is");

	/* The old message's state in the store goes with the new message
	 * that reused its id, whether the feeder read it again since a
	 * restart or not: a third message under the id, logged without a
	 * client= line (a local submission), inherits nothing. */
	{
		int pass;

		for (pass = 0; pass < 2; pass++) {
			const char *q = pass ? "6A3B2C" : "6A3B2D";
			char line[512], who[64];

			snprintf(line, sizeof(line), "Nov 21 10:01:00 relay "
			    "postfix/qmgr[1]: %s: from=<stale%d@asso.example>, "
			    "size=1, nrcpt=1 (queue active)", q, pass);
			feed_str(f, line);
			is_int(feed_flush(f), 0, "batch: a message unfinished");
			feed_free(f);
			f = feed_new(&conf, store, cls);
			/* Pass 1: enough deliveries first for the feeder to
			 * read what the store holds into its sets. */
			if (pass)
				deliveries(f, "G", "more", 100);
			snprintf(line, sizeof(line), "Nov 21 10:02:00 relay "
			    "postfix/smtpd[1]: %s: client=mail.asso.example"
			    "[192.0.2.7]", q);
			feed_str(f, line);
			snprintf(line, sizeof(line), "Nov 21 10:02:01 relay "
			    "postfix/qmgr[1]: %s: removed", q);
			feed_str(f, line);
			snprintf(line, sizeof(line), "Nov 21 10:03:00 relay "
			    "postfix/cleanup[1]: %s: message-id=<local%d@relay>",
			    q, pass);
			feed_str(f, line);
			delivery(f, q, "nobody@example.org", "5.1.1",
			    "bounced", "550 5.1.1 user unknown");
			is_int(feed_flush(f), 0, "batch: the id reused twice");
			snprintf(who, sizeof(who), "stale%d@asso.example", pass);
			is_int(counter(CNT_SNDR, who, EV_HARD), 0,
			    pass ? "the third message inherits nothing (sets "
			    "read from the store)" : "the third message "
			    "inherits nothing (after a restart)");
		}
	}

	/* Correlation survives a restart: the sender of a queue id seen
	 * by one feeder process is known to the next. */
	feed_str(f, "Nov 21 10:00:00 relay postfix/qmgr[1]: D38E9F0111: "
	    "from=<bob@asso.example>, size=1, nrcpt=1 (queue active)");
	is_int(feed_flush(f), 0, "third batch");
	feed_free(f);
	f = feed_new(&conf, store, cls);
	feed_str(f, "Nov 21 10:00:05 relay postfix/smtp[1]: D38E9F0111: "
	    "to=<x@example.com>, relay=mx.example.com[198.51.100.7]:25, "
	    "delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host x said: "
	    "550 5.1.1 user unknown (in reply to RCPT TO command))");
	is_int(feed_flush(f), 0, "batch of a new feeder");
	is_int(counter(CNT_SNDR, "bob@asso.example", EV_HARD), 1,
	    "sender known after a restart");

	/* Malformed input is counted and skipped. */
	feed_str(f, "\xff\xfe binary junk");
	feed_str(f, "Nov 21 10:00:05 relay postfix/smtp[1]: E0: to=<broken");
	feed_str(f, "no framing at all");
	{
		char *big = xmalloc(FEED_LINE_MAX + 10);

		memset(big, 'a', FEED_LINE_MAX + 9);
		feed_line(f, big, FEED_LINE_MAX + 9, 0);
		free(big);
	}
	is_int(feed_flush(f), 0, "a batch of junk is still written");
	st = feed_stats(f);
	ok(st->malformed >= 3, "junk counted as malformed (%llu)",
	    (unsigned long long)st->malformed);

	/* A sender over the hard-bounce threshold is listed. */
	{
		int i;
		char line[512];

		for (i = 0; i < 30; i++) {
			snprintf(line, sizeof(line), "Nov 22 08:%02d:00 relay "
			    "postfix/qmgr[1]: F%04dAAAA: from=<spammy@asso.example>"
			    ", size=1, nrcpt=1 (queue active)", i, i);
			feed_str(f, line);
			snprintf(line, sizeof(line), "Nov 22 08:%02d:01 relay "
			    "postfix/smtp[1]: F%04dAAAA: to=<nobody%d@example.com>"
			    ", relay=mx.example.com[198.51.100.7]:25, delay=1, "
			    "delays=0/0/0/1, dsn=5.1.1, status=bounced (host x "
			    "said: 550 5.1.1 No such user (in reply to RCPT TO "
			    "command))", i, i, i);
			feed_str(f, line);
		}
	}
	is_int(feed_flush(f), 0, "sender batch");
	is_str(codes(ZONE_SNDR, "spammy@asso.example"), "2",
	    "sender over the hard-bounce rate: 127.0.0.2 in sndr");
	is_str(codes(ZONE_SNDR, "alice@asso.example"), "",
	    "a sender under the minimum volume is not listed");

	feed_free(f);
	classify_free(cls);
	store_close(store);
	conf_free(&conf);
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return done_testing();
}

/* tests/feeder/test_sender.c - the sender side of the listing policy:
 * volume against the sender's own history (throttle, then hold), sends
 * to listed recipients, complaint and refusal rates, sender domains. */
#include "config.h"

#include <stdarg.h>
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

/* 2023-11-22 00:00 UTC is day D; the test's "now" is D 05:00. */
#define DAY0	1700611200LL

static struct store *store;

#include "feedtest.h"
static struct feed *f;
static int qn;

static void
line(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	feed_line(f, buf, (size_t)n, 0);
}

static void
stamp(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%b %e %H:%M:%S", &tm);
}

/* One message from sender to rcpt at time t with the given outcome. */
static void
mail(long long t, const char *sender, const char *rcpt, const char *dsn,
    const char *status, const char *reply)
{
	char ts[32];

	stamp(t, ts, sizeof(ts));
	qn++;
	line("%s relay postfix/qmgr[1]: T%08dX: from=<%s>, size=1, nrcpt=1 "
	    "(queue active)", ts, qn, sender);
	line("%s relay postfix/smtp[2]: T%08dX: to=<%s>, relay=mx.example.com"
	    "[198.51.100.7]:25, delay=1, delays=0/0/0/1, dsn=%s, status=%s "
	    "(%s)", ts, qn, rcpt, dsn, status, reply);
	line("%s relay postfix/qmgr[1]: T%08dX: removed", ts, qn);
}

/* Complaints counted for sender over the test's days. */
static uint32_t
complaints(const char *sender)
{
	struct store_txn *t = store_read(store);
	struct counts c;

	count_sum(t, CNT_SNDR, sender, strlen(sender),
	    (uint32_t)(DAY0 / 86400) - 30, (uint32_t)(DAY0 / 86400) + 1, &c);
	store_read_end(store);
	return c.c[EV_COMPLAINT];
}

/* An abuse report from who about the message msgid: feed_mail()'s. */
static int
complain(const char *msgid, const char *who)
{
	char arf[1024];
	const char *why = NULL;
	int n, rc;

	n = snprintf(arf, sizeof(arf),
	    "From: abuse@fbl.example\nTo: fbl@relay.example\n"
	    "Subject: complaint\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=feedback-report;"
	    " boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nspam\n"
	    "--b\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: abuse\nUser-Agent: test/1\nVersion: 1\n"
	    "Original-Rcpt-To: <%s>\n\n"
	    "--b\nContent-Type: text/rfc822-headers\n\n"
	    "Message-ID: <%s>\nFrom: someone@else.example\n"
	    "To: %s\n\n--b--\n", who, msgid, who);
	if ((rc = feed_mail(f, arf, (size_t)n, &why)) != 0)
		printf("# ARF refused: %s\n", why ? why : "?");
	return rc;
}

/* A Message-ID entry as written before they were chunked: one a key. */
static int
legacy_msgid(struct store_txn *t, void *arg)
{
	static const char v[] = "........legacy@club.example\0sasl:old";
	uint8_t k[16], val[sizeof(v)], h[HASH_LEN];

	(void)arg;
	rb_sha1("old1@club.example", 17, h);
	memcpy(val, v, sizeof(v));
	memcpy(val, h, 8);
	be_put(k, (uint64_t)DAY0 + 3600, 8);
	be_put(k + 8, 1, 4);
	be_put(k + 12, 0, 4);
	return store_kv_put(t, KV_MSGID, k, sizeof(k), val, sizeof(val));
}

int
main(void)
{
	struct conf conf;
	struct classifier *cls;
	char dir[] = "/tmp/rebond-sendertest.XXXXXX", err[256], r[64];
	int d, i;

	setenv("TZ", "UTC", 1);
	setenv("REBOND_NOW", "1700629200", 1);		/* D 05:00 */
	log_init("test_sender", 1, LOG_LVL_ERR);
	if (mkdtemp(dir) == NULL)
		return 1;
	conf_defaults(&conf);
	if (conf_finish(&conf, err, sizeof(err)) != RB_OK ||
	    store_open(&store, dir, 1 << 22, 0, err, sizeof(err)) != RB_OK)
		return 1;
	cls = classify_new();
	f = feed_new(&conf, store, cls);

	/* Volume: 20 a day for a week, then 300 on day D. */
	for (d = 7; d >= 1; d--)
		for (i = 0; i < 20; i++)
			mail(DAY0 - d * 86400 + 3600 + i * 60, "vol@news.example",
			    "reader@example.com", "2.0.0", "sent", "250 ok");
	feed_flush(f);
	is_str(codes(ZONE_SNDR, "vol@news.example"), "",
	    "a steady sender is not listed");
	for (i = 0; i < 300; i++)
		mail(DAY0 + 3600 + i, "vol@news.example", "reader@example.com",
		    "2.0.0", "sent", "250 ok");
	feed_flush(f);
	is_str(codes(ZONE_SNDR, "vol@news.example"), "4",
	    "15x its daily average: throttled (127.0.0.4)");
	for (i = 0; i < 100; i++)
		mail(DAY0 + 3 * 3600 + i, "vol@news.example",
		    "reader@example.com", "2.0.0", "sent", "250 ok");
	feed_flush(f);
	is_str(codes(ZONE_SNDR, "vol@news.example"), "4,10",
	    "still sending hours later: held (127.0.0.10)");

	/* Sends to addresses our own list refuses. */
	for (i = 0; i < 12; i++) {
		char ts[32];

		stamp(DAY0 + 3600 + i, ts, sizeof(ts));
		line("%s relay postfix/smtpd[3]: NOQUEUE: reject: RCPT from "
		    "mail.asso.example[192.0.2.10]: 554 5.7.1 <dead%d@example.com>: "
		    "Recipient address rejected: listed in rcpt.rebond.test; "
		    "from=<lists@asso.example> to=<dead%d@example.com> "
		    "proto=ESMTP helo=<mail.asso.example>", ts, i, i);
	}
	feed_flush(f);
	is_str(codes(ZONE_SNDR, "lists@asso.example"), "5",
	    "12 sends to listed recipients: 127.0.0.5");

	/* Refused as spam: 5 of 30 (17 %). */
	for (i = 0; i < 30; i++)
		mail(DAY0 + 3600 + i, "promo@shop.example", "c@example.com",
		    i < 5 ? "5.7.1" : "2.0.0", i < 5 ? "bounced" : "sent",
		    i < 5 ? "host x said: 554 5.7.1 Message rejected: spam "
		    "detected (in reply to end of DATA command)" : "250 ok");
	feed_flush(f);
	is_str(codes(ZONE_SNDR, "promo@shop.example"), "6",
	    "refusal rate over 10 %%: 127.0.0.6");
	is_str(codes(ZONE_SDOM, "shop.example"), "6",
	    "its domain, with no other sender, too");
	is_str(codes(ZONE_SNDR, "c@example.com"), "",
	    "the recipient is never listed as a sender");
	is_str(codes(ZONE_RCPT, "c@example.com"), "",
	    "nor as a recipient for a refused message");

	/* Below the minimum volume nothing lists, whatever the rate. */
	for (i = 0; i < 5; i++)
		mail(DAY0 + 3600 + i, "tiny@shop.example", "x@example.com",
		    "5.1.1", "bounced", "host x said: 550 5.1.1 no such user");
	feed_flush(f);
	is_str(codes(ZONE_SNDR, "tiny@shop.example"), "",
	    "5 bounces of 5 mails: under sender-min-volume, not listed");

	/* Complaints: 1 in 100 relayed (1 % > 0.5 %), traced by the
	 * Message-ID the log gave. */
	for (i = 0; i < 100; i++) {
		char ts[32];

		stamp(DAY0 + 7200 + i, ts, sizeof(ts));
		/* The queue id mail() is about to use. */
		line("%s relay postfix/cleanup[1]: T%08dX: message-id=<n%d@"
		    "club.example>", ts, qn + 1, i);
		mail(DAY0 + 7200 + i, i == 1 ? "Club@Club.example" :
		    "club@club.example", "member@example.net", "2.0.0", "sent",
		    "250 ok");
	}
	feed_flush(f);
	snprintf(r, sizeof(r), "%s", codes(ZONE_SNDR, "club@club.example"));
	is_str(r, "", "no complaint yet: not listed");
	is_int(complain("n1@club.example", "angry@example.net"), 0,
	    "ARF report read");
	is_str(codes(ZONE_RCPT, "angry@example.net"), "5",
	    "the complainer is listed 127.0.0.5");
	is_str(codes(ZONE_SNDR, "club@club.example"), "3",
	    "complaint rate 1 %%: the sender, found by the Message-ID of "
	    "the relayed mail, is listed 127.0.0.3");

	/* Message-IDs are kept in chunks of a few kilobytes: a complaint
	 * finds its message in the first, a middle and the last chunk of
	 * a batch, and in an entry written before chunks. */
	for (i = 0; i < 300; i++) {
		char ts[32], snd[96];

		stamp(DAY0 + 9000 + i, ts, sizeof(ts));
		line("%s relay postfix/cleanup[1]: T%08dX: message-id=<c%d@"
		    "club.example>", ts, qn + 1, i);
		snprintf(snd, sizeof(snd), "a-rather-long-local-part-for-chunks"
		    "-%d@club.example", i);
		mail(DAY0 + 9000 + i, snd, "member@example.net", "2.0.0",
		    "sent", "250 ok");
	}
	is_int(feed_flush(f), 0, "300 messages: about 20 KB of Message-IDs");
	is_int(complain("c0@club.example", "one@example.net") |
	    complain("c150@club.example", "two@example.net") |
	    complain("c299@club.example", "three@example.net"), 0,
	    "three ARF reports read");
	is_int((int)complaints(
	    "a-rather-long-local-part-for-chunks-0@club.example"), 1,
	    "the first message's sender found");
	is_int((int)complaints(
	    "a-rather-long-local-part-for-chunks-150@club.example"), 1,
	    "a middle message's sender found");
	is_int((int)complaints(
	    "a-rather-long-local-part-for-chunks-299@club.example"), 1,
	    "the last message's sender found");
	is_int((int)complaints(
	    "a-rather-long-local-part-for-chunks-151@club.example"), 0,
	    "its neighbour not blamed");
	is_int(store_write(store, legacy_msgid, NULL), 0,
	    "an entry of the older layout");
	is_int(complain("old1@club.example", "four@example.net"), 0,
	    "an ARF report about it read");
	is_int((int)complaints("legacy@club.example"), 1,
	    "its sender found");

	feed_free(f);
	classify_free(cls);
	store_close(store);
	conf_free(&conf);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return done_testing();
}

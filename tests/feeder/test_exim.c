/* tests/feeder/test_exim.c - Exim main-log lines (its own log file and
 * syslog) through the whole feeder engine into a real store: events,
 * counters, listings, delisting, Message-IDs for complaints, malformed
 * lines. */
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

/* The status code of the newest active reason of a listing, "" if none. */
static const char *
status_of(int zone, const char *key)
{
	static char buf[32];
	struct zkey k;
	struct listing l;
	struct store_txn *t;

	buf[0] = '\0';
	if (zkey_from_text(zone, key, &k) != RB_OK)
		return "bad key";
	t = store_read(store);
	if (store_listing_get(t, &k, &l) == RB_OK && l.n > 0)
		status_format(&l.r[0].status, buf, sizeof(buf));
	store_read_end(store);
	return buf;
}

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

static const char arf[] =
    "From: <abuse@fbl.example.net>\n"
    "To: <fbl@asso.example.org>\n"
    "Subject: complaint\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=feedback-report;\n"
    "\tboundary=\"b1\"\n"
    "\n"
    "--b1\n"
    "Content-Type: text/plain\n"
    "\n"
    "An abuse report.\n"
    "--b1\n"
    "Content-Type: message/feedback-report\n"
    "\n"
    "Feedback-Type: abuse\n"
    "User-Agent: ExampleFBL/1.0\n"
    "Version: 1\n"
    "Original-Rcpt-To: <bob@example.com>\n"
    "Arrival-Date: Mon, 20 Nov 2023 10:00:05 +0000\n"
    "Source-IP: 192.0.2.1\n"
    "\n"
    "--b1\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "From: Alice <alice@asso.example.org>\n"
    "To: <bob@example.com>\n"
    "Subject: Compte rendu\n"
    "Message-ID: <m1@asso.example.org>\n"
    "\n"
    "Hello.\n"
    "--b1--\n";

int
main(void)
{
	char dir[] = "/tmp/rebond-eximtest.XXXXXX", path[4096];
	const char *src = getenv("srcdir"), *why = NULL;
	const struct feed_stats *st;
	struct feed *f;

	setenv("TZ", "UTC", 1);
	/* 2023-11-21 12:00: within a day of the last soft bounce, so that
	 * the recent-soft-bounce reason (24 h cool-down) is still active. */
	setenv("REBOND_NOW", "1700568000", 1);
	log_init("test_exim", 1, LOG_LVL_ERR);
	feedtest_open(dir, &conf, &store);
	cls = classify_new();
	f = feed_new(&conf, store, cls);
	snprintf(path, sizeof(path), "%s/tests/feeder/logs/exim.log",
	    src ? src : ".");
	feed_file(f, path);
	is_int(feed_flush(f), 0, "batch written");
	st = feed_stats(f);
	is_int(st->lines, 51, "every line read");
	is_int(st->malformed, 0, "no malformed line in the log");
	is_int(st->ignored, 1, "the other program's line ignored");

	/* Events. */
	is_int(st->events[EV_DELIVERED], 9,
	    "deliveries: =>, ->, local, syslog (not *>, not :blackhole:)");
	is_int(st->events[EV_HARD], 6, "hard bounces counted");
	is_int(st->events[EV_SOFT], 3,
	    "soft bounces counted (the retry-time skip is not one)");
	is_int(st->events[EV_MESSAGE_REJECTED], 2,
	    "refused messages: 'Service refusé', our relay refusal");
	is_int(st->events[EV_IP_BLOCKED], 1, "IP block counted");
	is_int(st->events[EV_DEFERRED_TEMPORARY], 3,
	    "greylisting, timeout, temporary failure");
	is_int(st->events[EV_BLOCKED_BY_LIST], 1,
	    "our own list's refusal counted as blocked_by_list");
	is_int(st->events[EV_COMPLAINT], 0, "no complaint yet");

	/* Recipients. */
	is_str(codes(ZONE_RCPT, "dead@example.com"), "2",
	    "Gmail-like multi-line 550-5.1.1: hard, 127.0.0.2");
	is_str(status_of(ZONE_RCPT, "dead@example.com"), "5.1.1",
	    "the enhanced status code of a multi-line reply");
	is_str(codes(ZONE_RCPT, "old@example.org"), "2",
	    "550 5.1.1 with F= and DT=: hard");
	is_str(codes(ZONE_RCPT, "olduser@example.net"), "2",
	    "a failure read through syslog (exim4[pid], 23-character id)");
	is_str(codes(ZONE_RCPT, "someone@gmial.example.com"), "2",
	    "Unrouteable address: the address is listed");
	is_str(codes(ZONE_RDOM, "gmial.example.com"), "",
	    "Unrouteable address does not list the domain (Exim says the "
	    "same of an unknown local user)");
	is_str(codes(ZONE_RCPT, "contact@nomx.example.org"), "2",
	    "null MX: the address is listed");
	is_str(codes(ZONE_RDOM, "nomx.example.org"), "2",
	    "null MX seen by the dnslookup router: the domain is listed");
	is_str(status_of(ZONE_RDOM, "nomx.example.org"), "5.1.10",
	    "null MX listed with 5.1.10");
	is_str(codes(ZONE_RDOM, "example.com"), "",
	    "a remote 5.1.1 never lists the domain");
	is_str(codes(ZONE_RCPT, "full@example.org"), "3,4",
	    "three 4.2.2 deferrals: recent (4) and repeated (3)");
	is_str(codes(ZONE_RCPT, "someone@orange.example.net"), "",
	    "4xx 'Service refusé' never lists the recipient");
	is_str(codes(ZONE_RCPT, "reader@hotmail.example.com"), "",
	    "an IP block never lists the recipient");
	is_str(codes(ZONE_RCPT, "grey@example.net"), "",
	    "greylisting teaches nothing");
	is_str(codes(ZONE_RCPT, "slow@example.net"), "",
	    "a connection timeout teaches nothing");
	is_str(codes(ZONE_RCPT, "someone@example.org"), "",
	    "our own relay refusal never lists the recipient");
	is_str(codes(ZONE_RCPT, "bob@example.com"), "", "delivered: not listed");
	is_str(codes(ZONE_RCPT, "back@example.com"), "",
	    "a failed address delivered to later is delisted");
	is_int(st->delisted, 1, "one delisting");

	/* Counters per sender and client. */
	is_int(counter(CNT_SNDR, "alice@asso.example.org", EV_HARD), 4,
	    "sender's hard bounces, case-folded, F= and correlation");
	is_int(counter(CNT_SNDR, "alice@asso.example.org", EV_DELIVERED), 2,
	    "sender's deliveries (not the bounces she received)");
	is_int(counter(CNT_SNDR, "alice@asso.example.org", EV_BLOCKED_BY_LIST),
	    1, "sender's sends to listed recipients");
	is_int(counter(CNT_SDOM, "asso.example.org", EV_DELIVERED), 7,
	    "sender domain deliveries (not the two notifications)");
	is_int(counter(CNT_SNDR, "", EV_DELIVERED), 0,
	    "the null sender is not counted as a sender");
	is_int(counter(CNT_CLIENT, "sasl:alice", EV_HARD), 4,
	    "client by authenticated name (A=)");
	is_int(counter(CNT_CLIENT, "sasl:alice", EV_BLOCKED_BY_LIST), 1,
	    "client of our own list's refusal");
	is_int(counter(CNT_CLIENT, "ip:192.0.2.50", EV_SOFT), 3,
	    "client by address (a peer relay, 23-character id)");
	is_int(counter(CNT_SNDR, "carol@peer.example.net", EV_SOFT), 3,
	    "peer sender's soft bounces");
	is_int(counter(CNT_SNDR, "carol@peer.example.net", EV_HARD), 1,
	    "F=<sender> gives the sender when the arrival was not seen");
	is_int(counter(CNT_CLIENT, "sasl:bulk", EV_DELIVERED), 2,
	    "=> and -> are both deliveries");
	is_int(counter(CNT_CLIENT, "sasl:bulk", EV_MESSAGE_REJECTED), 1,
	    "bulk sender's refused message");
	is_int(counter(CNT_CLIENT, "sasl:bulk", EV_IP_BLOCKED), 1,
	    "bulk sender's IP block");
	is_int(counter(CNT_CLIENT, "sasl:bulk", EV_DEFERRED_TEMPORARY), 2,
	    "bulk sender's temporary deferrals");
	is_int(counter(CNT_CLIENT, "local:www-data", EV_DELIVERED), 2,
	    "local submission by U= (a web form), local delivery included");
	is_int(counter(CNT_CLIENT, "sasl:bob", EV_HARD), 1,
	    "syslog: client of a message seen through exim4[pid]");
	is_int(counter(CNT_CLIENT, "sasl:bob", EV_DELIVERED), 1,
	    "syslog: delivery through exim[pid]");
	is_int(counter(CNT_SNDR, "info@spam.example.net",
	    EV_MESSAGE_REJECTED), 1, "a relay attempt refused by our ACL");

	/* The Message-ID of a completed message finds its sender and
	 * client for a complaint. */
	is_int(feed_mail(f, arf, sizeof(arf) - 1, &why), 0, "ARF read");
	is_int(counter(CNT_CLIENT, "sasl:alice", EV_COMPLAINT), 1,
	    "complaint traced to the client through id=");
	is_int(counter(CNT_SNDR, "alice@asso.example.org", EV_COMPLAINT), 1,
	    "complaint traced to the sender");
	is_str(codes(ZONE_RCPT, "bob@example.com"), "5",
	    "the complainer is listed 127.0.0.5");

	/* Correlation survives a restart, both id formats. */
	feed_str(f, "2023-11-21 10:00:00 1r5CbB-000000005Mm-Zz01 <= "
	    "dave@asso.example.org H=mail.asso.example.org [192.0.2.10] "
	    "P=esmtpsa A=dovecot_login:dave S=1000 id=m6@asso.example.org");
	feed_str(f, "2023-11-21 10:00:00 1r5CbC-0008hI-L0 <= "
	    "dave@asso.example.org U=dave P=local S=1000");
	is_int(feed_flush(f), 0, "arrivals written");
	feed_free(f);
	f = feed_new(&conf, store, cls);
	feed_str(f, "2023-11-21 10:00:05 1r5CbB-000000005Mm-Zz01 ** "
	    "x1@example.com R=dnslookup T=remote_smtp H=mx.example.com "
	    "[198.51.100.7]: SMTP error from remote mail server after RCPT "
	    "TO:<x1@example.com>: host mx.example.com [198.51.100.7]: 550 "
	    "5.1.1 user unknown");
	feed_str(f, "Nov 21 10:00:06 relay exim[9]: 2023-11-21 10:00:06 "
	    "1r5CbC-0008hI-L0 ** x2@example.com R=dnslookup "
	    "T=remote_smtp: SMTP error from remote mailer after RCPT "
	    "TO:<x2@example.com>: host mx.example.com [198.51.100.7]: 550 "
	    "5.1.1 user unknown");
	is_int(feed_flush(f), 0, "batch of a new feeder");
	is_int(counter(CNT_SNDR, "dave@asso.example.org", EV_HARD), 2,
	    "sender known after a restart");
	is_int(counter(CNT_CLIENT, "sasl:dave", EV_HARD), 1,
	    "client known after a restart (23-character id)");
	is_int(counter(CNT_CLIENT, "local:dave", EV_HARD), 1,
	    "client known after a restart (16-character id)");
	is_str(codes(ZONE_RCPT, "x2@example.com"), "2",
	    "old layout: the host inside the text is skipped");
	is_str(codes(ZONE_RDOM, "example.com"), "",
	    "a server's 5.1.1 without H= still reached a server: no domain");

	/* Lines that look like Exim's delivery lines but cannot be read. */
	feed_str(f, "2023-11-21 11:00:00 1r5CcD-0009iJ-M1 ** ");
	feed_str(f, "2023-11-21 11:00:01 1r5CcD-0009iJ-M1 == x@example.com "
	    "R=dnslookup T=remote_smtp");
	feed_str(f, "2023-11-21 11:00:02 1r5CcD-0009iJ => x@example.com "
	    "R=dnslookup T=remote_smtp");
	feed_str(f, "2023-11-21 11:00:03 1r5CcD-0009iJ-M1 => x@example.com");
	feed_str(f, "2023-11-21 11:00:04 1r5CcD-0009iJ-M1 <=");
	feed_str(f, "Nov 21 11:00:05 relay exim4[9]: 2023-11-21 11:00:05 "
	    "1r5CcD-0009iJ-M1 => |/usr/bin/procmail");
	is_int(feed_flush(f), 0, "a batch of junk is still written");
	st = feed_stats(f);
	is_int(st->malformed, 5, "unreadable delivery lines counted");
	is_int(st->events[EV_DELIVERED], 1,
	    "a delivery with an address and nothing else still counts");

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

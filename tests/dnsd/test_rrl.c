/*
 * tests/dnsd/test_rrl.c - response rate limiting (dnsd/rrl.c) with a
 * clock the test holds: the bucket's size and refill, the slip sequence,
 * who shares a bucket (prefix lengths, IPv4-mapped IPv6), a reload that
 * keeps or clears the buckets, and the truncated answer.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "conf.h"
#include "log.h"
#include "dnsd/rrl.h"

static struct sockaddr_storage ss;

static const struct sockaddr *
v4(const char *a)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	in->sin_family = AF_INET;
	inet_pton(AF_INET, a, &in->sin_addr);
	return (const struct sockaddr *)&ss;
}

static const struct sockaddr *
v6(const char *a)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	in6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, a, &in6->sin6_addr);
	return (const struct sockaddr *)&ss;
}

/* n answers to a at time ms: how many pass, slip, drop. */
static void
burst(struct rrl *r, const struct sockaddr *sa, int n, int64_t ms, int out[3])
{
	struct sockaddr_storage copy;

	memcpy(&copy, sa, sizeof(copy));
	out[0] = out[1] = out[2] = 0;
	while (n-- > 0)
		out[rrl_check(r, (struct sockaddr *)&copy, ms)]++;
}

static struct conf c;

static void
set(struct rrl *r, int rate, int slip, int v4bits, int v6bits)
{
	c.rrl_rate = rate;
	c.rrl_slip = slip;
	c.rrl_v4_prefix = v4bits;
	c.rrl_v6_prefix = v6bits;
	rrl_configure(r, &c);
}

int
main(void)
{
	struct rrl r;
	int o[3];
	uint8_t pkt[512], q[] = {
		0x12, 0x34, 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01,
		0x00, 0x01,
		4, 't', 'e', 's', 't', 4, 'r', 'c', 'p', 't', 0,
		0x00, 0x01, 0x00, 0x01,
		/* an answer, then junk standing for authority, additional */
		0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0, 0, 1, 44, 0, 4,
		127, 0, 0, 2, 0xaa, 0xbb
	};
	size_t len;

	log_init("test_rrl", 1, LOG_LVL_WARN);
	memset(&r, 0, sizeof(r));
	memset(&c, 0, sizeof(c));

	set(&r, 0, 2, 24, 56);
	ok(r.slots == NULL, "off: no table");
	set(&r, 10, 2, 24, 56);
	ok(r.slots != NULL, "on: the table is allocated");

	burst(&r, v4("192.0.2.1"), 100, 1000, o);
	is_int(o[RRL_PASS], 10, "a burst: one second's worth passes");
	is_int(o[RRL_SLIP], 45, "slip 2: one limited answer in two slips");
	is_int(o[RRL_DROP], 45, "the others are dropped");
	is_int(r.slipped, 45, "slips counted");
	is_int(r.dropped, 45, "drops counted");

	burst(&r, v4("192.0.2.200"), 1, 1000, o);
	is_int(o[RRL_PASS], 0, "the same /24 shares the bucket");
	burst(&r, v4("192.0.3.1"), 10, 1000, o);
	is_int(o[RRL_PASS], 10, "another /24 has its own");

	burst(&r, v4("192.0.2.1"), 3, 1100, o);
	is_int(o[RRL_PASS], 1, "100 ms later: one more answer");
	burst(&r, v4("192.0.2.1"), 3, 1350, o);
	is_int(o[RRL_PASS], 2, "250 ms later: two and a half, two now");
	burst(&r, v4("192.0.2.1"), 1, 1400, o);
	is_int(o[RRL_PASS], 1, "... and the half that was left");
	burst(&r, v4("192.0.2.1"), 20, 5000, o);
	is_int(o[RRL_PASS], 10, "after a long pause: full, never more");
	is_int(o[RRL_SLIP], 5, "the slip count starts again once forgiven");

	set(&r, 10, 0, 24, 56);
	burst(&r, v4("198.51.100.1"), 30, 1000, o);
	is_int(o[RRL_PASS] * 100 + o[RRL_SLIP], 1000, "slip 0: all dropped");
	set(&r, 10, 1, 24, 56);
	burst(&r, v4("198.51.100.1"), 5, 1000, o);
	is_int(o[RRL_SLIP], 5, "slip 1: all truncated; the buckets stayed");
	set(&r, 10, 3, 24, 56);
	burst(&r, v4("203.0.113.1"), 19, 1000, o);
	is_int(o[RRL_SLIP], 3, "slip 3: one in three of 9 limited");

	burst(&r, v6("2001:db8:1:100::1"), 10, 1000, o);
	burst(&r, v6("2001:db8:1:1ff::2"), 1, 1000, o);
	is_int(o[RRL_PASS], 0, "IPv6: the same /56 shares the bucket");
	burst(&r, v6("2001:db8:1:200::1"), 1, 1000, o);
	is_int(o[RRL_PASS], 1, "another /56 has its own");
	burst(&r, v6("::ffff:203.0.113.9"), 1, 1000, o);
	is_int(o[RRL_PASS], 0, "an IPv4-mapped address counts as IPv4");

	set(&r, 10, 2, 32, 64);
	burst(&r, v4("192.0.2.1"), 10, 1000, o);
	burst(&r, v4("192.0.2.2"), 10, 1000, o);
	is_int(o[RRL_PASS], 10, "/32: each address its own (new lengths, "
	    "buckets cleared)");
	burst(&r, v6("2001:db8:1:100::1"), 10, 1000, o);
	burst(&r, v6("2001:db8:1:101::1"), 1, 1000, o);
	is_int(o[RRL_PASS], 1, "/64: each subnet its own");

	set(&r, 20, 2, 32, 64);
	burst(&r, v4("192.0.2.1"), 1, 1000, o);
	is_int(o[RRL_PASS], 0, "a higher rate keeps the emptied buckets");
	burst(&r, v4("192.0.2.1"), 30, 3000, o);
	is_int(o[RRL_PASS], 20, "... which then hold 20");

	/* A key taken over by another prefix starts full. */
	{
		int i, taken = 0;
		char a[32];

		set(&r, 1, 0, 32, 64);
		burst(&r, v4("10.0.0.1"), 1, 1000, o);
		for (i = 2; i < 300000 && !taken; i++) {
			snprintf(a, sizeof(a), "10.%d.%d.%d", i >> 16 & 255,
			    i >> 8 & 255, i & 255);
			burst(&r, v4(a), 1, 1000, o);
			burst(&r, v4("10.0.0.1"), 1, 1000, o);
			taken = o[RRL_PASS];
		}
		ok(taken, "a slot taken over by another prefix starts full "
		    "(after %d others)", i);
	}

	set(&r, 0, 2, 24, 56);
	ok(r.slots == NULL, "off again: the table is freed");

	memcpy(pkt, q, sizeof(q));
	len = rrl_slip_answer(pkt, sizeof(q));
	is_int(len, 12 + 11 + 4, "slip: header and question only");
	ok(pkt[2] & 0x02, "slip: TC set");
	ok(pkt[2] & 0x04, "slip: AA kept");
	is_int(pkt[4] << 8 | pkt[5], 1, "slip: one question");
	ok(memcmp(pkt + 6, "\0\0\0\0\0\0", 6) == 0, "slip: no other record");
	ok(memcmp(pkt + 12, q + 12, 15) == 0, "slip: the question as it was");
	pkt[4] = pkt[5] = 0;
	is_int(rrl_slip_answer(pkt, 12), 12, "slip: no question (FORMERR)");
	memcpy(pkt, q, 20);
	is_int(rrl_slip_answer(pkt, 20), 12, "slip: a question cut short "
	    "is dropped");
	is_int(pkt[5], 0, "... and not counted");
	is_int(rrl_slip_answer(pkt, 5), 5, "slip: shorter than a header");

	rrl_free(&r);
	return done_testing();
}

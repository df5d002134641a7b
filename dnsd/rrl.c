/* dnsd/rrl.c - see rrl.h */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "rrl.h"
#include "util.h"

/* The key of a client: its prefix, the family in the top bits so that
 * an IPv4 prefix never equals an IPv6 one (ffff:ffff::/32 is multicast,
 * never a source). */
static uint64_t
client_key(const struct rrl *r, const struct sockaddr *sa)
{
	uint64_t k = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		uint32_t a = ntohl(in->sin_addr.s_addr);

		a &= r->v4bits >= 32 ? 0xffffffffu :
		    ~(0xffffffffu >> r->v4bits);
		return 0xffffffff00000000ULL | a;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)sa;
		const uint8_t *b = in6->sin6_addr.s6_addr;

		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			uint32_t a = (uint32_t)be_get(b + 12, 4);

			a &= r->v4bits >= 32 ? 0xffffffffu :
			    ~(0xffffffffu >> r->v4bits);
			return 0xffffffff00000000ULL | a;
		}
		k = be_get(b, 8);
		if (r->v6bits < 64)
			k &= ~(~0ULL >> r->v6bits);
	}
	return k;
}

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static void
key_format(const struct rrl *r, uint64_t k, char *buf, size_t len)
{
	uint8_t a[16];

	if ((k >> 32) == 0xffffffffULL) {
		be_put(a, k, 4);
		if (inet_ntop(AF_INET, a, buf, (socklen_t)len) == NULL)
			buf[0] = '\0';
		snprintf(buf + strlen(buf), len - strlen(buf), "/%d",
		    r->v4bits);
		return;
	}
	memset(a, 0, sizeof(a));
	be_put(a, k, 8);
	if (inet_ntop(AF_INET6, a, buf, (socklen_t)len) == NULL)
		buf[0] = '\0';
	snprintf(buf + strlen(buf), len - strlen(buf), "/%d", r->v6bits);
}

/* A prefix starts being limited: say so, at most RRL_LOG_BURST times a
 * minute (a spoofed flood would otherwise fill the log). */
static void
log_limited(struct rrl *r, uint64_t k, int64_t now_ms)
{
	char p[INET6_ADDRSTRLEN + 8];

	if (now_ms - r->log_start >= 60000) {
		if (r->log_quiet > 0)
			log_info("rrl: %llu more prefixes limited in the last "
			    "minute", (unsigned long long)r->log_quiet);
		r->log_start = now_ms;
		r->log_n = 0;
		r->log_quiet = 0;
	}
	if (r->log_n >= RRL_LOG_BURST) {
		r->log_quiet++;
		return;
	}
	r->log_n++;
	key_format(r, k, p, sizeof(p));
	log_info("rrl: limiting UDP answers to %s (over %lld a second)", p,
	    (long long)r->rate);
}

void
rrl_configure(struct rrl *r, const struct conf *c)
{
	int v4 = (int)c->rrl_v4_prefix, v6 = (int)c->rrl_v6_prefix;

	if (r->seed == 0 && getrandom(&r->seed, sizeof(r->seed), 0) !=
	    (ssize_t)sizeof(r->seed))
		r->seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	r->seed |= 1;
	r->rate = c->rrl_rate;
	r->slip = (int)c->rrl_slip;
	if (r->rate == 0) {
		free(r->slots);
		r->slots = NULL;
	} else if (r->slots == NULL)
		r->slots = xcalloc(RRL_SLOTS, sizeof(*r->slots));
	else if (v4 != r->v4bits || v6 != r->v6bits)
		memset(r->slots, 0, RRL_SLOTS * sizeof(*r->slots));
	r->v4bits = v4;
	r->v6bits = v6;
}

void
rrl_free(struct rrl *r)
{
	free(r->slots);
	r->slots = NULL;
	r->rate = 0;
}

int
rrl_check(struct rrl *r, const struct sockaddr *sa, int64_t now_ms)
{
	uint64_t k = client_key(r, sa);
	struct rrl_slot *s = &r->slots[mix(k ^ r->seed) & (RRL_SLOTS - 1)];
	int64_t cap = r->rate * 1000, el;

	if (!s->used || s->key != k) {
		/* New, or taken over from another prefix: full. */
		s->key = k;
		s->used = 1;
		s->ms = now_ms;
		s->milli = cap - 1000;
		s->limited = 0;
		return RRL_PASS;
	}
	if ((el = now_ms - s->ms) > 0) {
		s->milli = el >= 1000 ? cap : s->milli + el * r->rate;
		s->ms = now_ms;
	}
	if (s->milli >= cap) {
		/* A second without going over: forgiven. */
		s->milli = cap;
		s->limited = 0;
	}
	if (s->milli >= 1000) {
		s->milli -= 1000;
		return RRL_PASS;
	}
	if (s->limited++ == 0)
		log_limited(r, k, now_ms);
	if (r->slip > 0 && s->limited % (uint32_t)r->slip == 0) {
		r->slipped++;
		return RRL_SLIP;
	}
	r->dropped++;
	return RRL_DROP;
}

size_t
rrl_slip_answer(uint8_t *p, size_t len)
{
	size_t off = 12;

	if (len < 12)
		return len;
	if (p[4] != 0 || p[5] != 0) {
		/* Our own answer: the question is one uncompressed name. */
		while (off < len && p[off] != 0 && (p[off] & 0xc0) == 0)
			off += 1 + (size_t)p[off];
		off += 1 + 4;
		if (off > len) {
			off = 12;
			p[4] = p[5] = 0;
		}
	}
	p[2] |= 0x02;			/* TC */
	memset(p + 6, 0, 6);		/* no answer, authority, additional */
	return off;
}

int64_t
rrl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * tests/dnsd/test_answer.c - answer_query() at the wire level: crafted
 * queries in, answers parsed back with ldns, then a long loop of mutated
 * and random packets that must never crash and always give a parsable
 * answer (or none).
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "../tap.h"
#include "dnsd/answer.h"
#include "conf.h"
#include "record.h"
#include "store.h"
#include "util.h"

#define NOW	((int64_t)1700000000)	/* 2023-11-14T22:13Z */
#define DAY	86400

#define T_A	1
#define T_NS	2
#define T_SOA	6
#define T_MX	15
#define T_TXT	16
#define T_AAAA	28
#define T_OPT	41
#define T_ANY	255
#define C_IN	1
#define C_CH	3

#define F_QR	0x8000
#define F_RD	0x0100

/* user@example.com, as Exim, rspamd and `sha1sum` print it. */
#define USER_HASH	"63a710569261a24b3766275b7000ce8d7b32e2f7"

static struct conf conf;
static struct answer_zones zones;
static struct answer_stats stats;
static struct store *store;

/* The last answer, raw. */
static uint8_t ans[DNS_MAXMSG];
static size_t anslen;

/* ---- a small query builder ---- */

struct qb {
	uint8_t	p[4096];
	size_t	len;
};

static void
b_u8(struct qb *b, uint8_t v)
{
	if (b->len < sizeof(b->p))
		b->p[b->len++] = v;
}

static void
b_u16(struct qb *b, uint16_t v)
{
	b_u8(b, (uint8_t)(v >> 8));
	b_u8(b, (uint8_t)v);
}

static void
b_u32(struct qb *b, uint32_t v)
{
	b_u16(b, (uint16_t)(v >> 16));
	b_u16(b, (uint16_t)v);
}

/* Name in presentation form, case kept; "" or "." is the root. */
static void
b_name(struct qb *b, const char *name)
{
	const char *s = name, *dot;

	while (*s && strcmp(s, ".") != 0) {
		size_t n;

		dot = strchr(s, '.');
		n = dot ? (size_t)(dot - s) : strlen(s);
		b_u8(b, (uint8_t)n);
		while (n--)
			b_u8(b, (uint8_t)*s++);
		if (*s == '.')
			s++;
	}
	b_u8(b, 0);
}

static void
b_header(struct qb *b, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
    uint16_t ns, uint16_t ar)
{
	b->len = 0;
	b_u16(b, id);
	b_u16(b, flags);
	b_u16(b, qd);
	b_u16(b, an);
	b_u16(b, ns);
	b_u16(b, ar);
}

static void
b_opt(struct qb *b, uint16_t size, uint8_t version)
{
	b_u8(b, 0);
	b_u16(b, T_OPT);
	b_u16(b, size);
	b_u32(b, (uint32_t)version << 16);
	b_u16(b, 0);
}

/* A standard query; edns < 0: none, else the EDNS version. */
static void
b_query(struct qb *b, const char *name, uint16_t type, uint16_t klass,
    int edns, uint16_t udp)
{
	b_header(b, 0xbeef, F_RD, 1, 0, 0, edns >= 0);
	b_name(b, name);
	b_u16(b, type);
	b_u16(b, klass);
	if (edns >= 0)
		b_opt(b, udp, (uint8_t)edns);
}

/* A wire name of exactly len bytes (root included, len >= 3) made of
 * labels of x; returns len. */
static size_t
wire_of_len(uint8_t *w, size_t len)
{
	size_t rem = len - 1, o = 0;

	while (rem > 0) {
		size_t take = rem > 64 ? 64 : rem;

		if (rem - take == 1)
			take--;
		w[o++] = (uint8_t)(take - 1);
		memset(w + o, 'x', take - 1);
		o += take - 1;
		rem -= take;
	}
	w[o++] = 0;
	return o;
}

/* A name of len wire bytes ending in suffix (presentation). */
static void
b_long_name(struct qb *b, size_t len, const char *suffix)
{
	struct qb sfx;
	uint8_t w[DNS_MAXNAME + 64];
	size_t n;

	sfx.len = 0;
	b_name(&sfx, suffix);
	n = wire_of_len(w, len - sfx.len + 1) - 1;	/* without its root */
	memcpy(b->p + b->len, w, n);
	b->len += n;
	memcpy(b->p + b->len, sfx.p, sfx.len);
	b->len += sfx.len;
}

/* ---- running a query ---- */

struct run {
	int	tcp;
	int	allowed;
	int	notxn;
	int64_t	now;
	size_t	cap;
};

static const struct run R_UDP = { 0, 1, 0, NOW, sizeof(ans) };

/* Answer q with the options of r; the packet is copied to a heap buffer
 * of its exact size so that ASan sees any over-read.  Returns the answer
 * parsed, or NULL if there is none (anslen 0) or it does not parse. */
static ldns_pkt *
run_with(const uint8_t *q, size_t qlen, const struct run *r)
{
	struct store_txn *txn = NULL;
	uint8_t *in = malloc(qlen ? qlen : 1), *out = malloc(r->cap);
	ldns_pkt *pkt = NULL;

	if (in == NULL || out == NULL)
		abort();
	memcpy(in, q, qlen);
	if (!r->notxn && (txn = store_read(store)) == NULL)
		abort();
	anslen = answer_query(&zones, txn, in, qlen, out, r->cap, r->tcp,
	    r->allowed, r->now, &stats);
	if (txn)
		store_read_end(store);
	if (anslen > r->cap)
		abort();
	memcpy(ans, out, anslen);
	free(in);
	free(out);
	if (anslen > 0 && ldns_wire2pkt(&pkt, ans, anslen) != LDNS_STATUS_OK)
		pkt = NULL;
	return pkt;
}

static ldns_pkt *
run(const struct qb *b)
{
	return run_with(b->p, b->len, &R_UDP);
}

static ldns_pkt *
ask(const char *name, uint16_t type)
{
	struct qb b;

	b_query(&b, name, type, C_IN, -1, 0);
	return run(&b);
}

static ldns_pkt *
ask_edns(const char *name, uint16_t type, uint16_t udp)
{
	struct qb b;

	b_query(&b, name, type, C_IN, 0, udp);
	return run(&b);
}

/* Full rcode: extended bits of the OPT record and the header's 4. */
static int
rcode(const ldns_pkt *p)
{
	return (int)ldns_pkt_edns_extended_rcode(p) << 4 |
	    (int)ldns_pkt_get_rcode(p);
}

static int
count_type(const ldns_rr_list *l, ldns_rr_type t)
{
	size_t i;
	int n = 0;

	for (i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == t)
			n++;
	return n;
}

/* The last octets of the A records of the answer, as "2,5". */
static const char *
a_codes(const ldns_pkt *p)
{
	static char buf[64];
	const ldns_rr_list *l = ldns_pkt_answer(p);
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		const uint8_t *a;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A)
			continue;
		a = ldns_rdf_data(ldns_rr_rdf(rr, 0));
		if (a[0] != 127 || a[1] != 0 || a[2] != 0)
			return "not 127.0.0.x";
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%u",
		    o ? "," : "", a[3]);
	}
	return buf;
}

/* The TXT answer's text (first string). */
static const char *
txt_text(const ldns_pkt *p)
{
	static char buf[2048];
	const ldns_rr_list *l = ldns_pkt_answer(p);
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		const ldns_rdf *d;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT)
			continue;
		d = ldns_rr_rdf(rr, 0);
		snprintf(buf, sizeof(buf), "%.*s",
		    (int)ldns_rdf_data(d)[0], (const char *)ldns_rdf_data(d) + 1);
	}
	return buf;
}

/* Presentation form of an owner or name rdf, as ldns prints it. */
static const char *
dname(const ldns_rdf *d)
{
	static char buf[2][512];
	static int which;
	char *s = ldns_rdf2str(d);

	which ^= 1;
	snprintf(buf[which], sizeof(buf[which]), "%s", s ? s : "(null)");
	free(s);
	return buf[which];
}

/* A negative answer: rcode, no answer, the zone's SOA in authority. */
static int
negative(const ldns_pkt *p, int rc, const char *apex)
{
	const ldns_rr_list *auth;
	const ldns_rr *soa;

	if (p == NULL || rcode(p) != rc || ldns_pkt_ancount(p) != 0 ||
	    ldns_pkt_nscount(p) != 1)
		return 0;
	auth = ldns_pkt_authority(p);
	soa = ldns_rr_list_rr(auth, 0);
	if (ldns_rr_get_type(soa) != LDNS_RR_TYPE_SOA ||
	    strcasecmp(dname(ldns_rr_owner(soa)), apex) != 0)
		return 0;
	/* RFC 2308: the negative TTL is min(SOA TTL, SOA MINIMUM). */
	return ldns_rr_ttl(soa) == (uint32_t)conf.negative_ttl &&
	    ldns_rdf2native_int32(ldns_rr_rdf(soa, 6)) ==
	    (uint32_t)conf.negative_ttl &&
	    ldns_pkt_aa(p) && !ldns_pkt_ra(p);
}

/* ---- the store ---- */

struct add_args {
	struct zkey	key;
	int		reason;
	const char	*status;
	int64_t		now;
	int64_t		expires_in;
};

static int
do_add(struct store_txn *t, void *arg)
{
	struct add_args *a = arg;
	struct status st;

	if (a->status && status_parse(a->status, &st) != RB_OK)
		return RB_EINVAL;
	return store_assert(t, &a->key, a->reason, a->status ? &st : NULL,
	    a->now, a->expires_in, 1, SCOPE_LOCAL);
}

static void
add(int zone, const char *text, int reason, const char *status,
    int64_t now, int64_t expires_in)
{
	struct add_args a;

	memset(&a, 0, sizeof(a));
	if (zkey_from_text(zone, text, &a.key) != RB_OK) {
		printf("Bail out! bad key %s\n", text);
		exit(1);
	}
	a.reason = reason;
	a.status = status;
	a.now = now;
	a.expires_in = expires_in;
	if (store_write(store, do_add, &a) != RB_OK) {
		printf("Bail out! store_write %s\n", text);
		exit(1);
	}
}

static const char *
hash_of(int zone, const char *addr)
{
	static char hex[2][HASH_HEXLEN + 1];
	static int which;
	struct zkey k;

	which ^= 1;
	if (zkey_from_text(zone, addr, &k) != RB_OK)
		return "bad";
	hex_encode(k.data, HASH_LEN, hex[which]);
	return hex[which];
}

static const char *
qname(const char *label, int zone)
{
	static char buf[4][600];
	static int which;

	which = (which + 1) % 4;
	if (label == NULL || *label == '\0')
		snprintf(buf[which], sizeof(buf[which]), "%s.",
		    conf.zone_fqdn[zone]);
	else
		snprintf(buf[which], sizeof(buf[which]), "%s.%s.", label,
		    conf.zone_fqdn[zone]);
	return buf[which];
}

/* ---- the tests ---- */

static void
test_listed(void)
{
	ldns_pkt *p;
	const char *h = hash_of(ZONE_RCPT, "User@Example.com");

	is_str(h, USER_HASH, "rcpt key is the SHA-1 of the lower-cased "
	    "address");

	p = ask(qname(h, ZONE_RCPT), T_A);
	ok(p != NULL, "listed rcpt: answer parses");
	if (p) {
		is_int(rcode(p), LDNS_RCODE_NOERROR, "listed rcpt A: NOERROR");
		is_str(a_codes(p), "2", "listed rcpt A: 127.0.0.2");
		ok(ldns_pkt_aa(p), "listed rcpt A: AA set");
		ok(!ldns_pkt_ra(p), "listed rcpt A: RA clear");
		ok(ldns_pkt_qr(p), "listed rcpt A: QR set");
		ok(ldns_pkt_rd(p), "listed rcpt A: RD copied");
		is_int(ldns_pkt_id(p), 0xbeef, "listed rcpt A: id copied");
		is_int(ldns_pkt_nscount(p), 0, "listed rcpt A: no authority");
		is_int(ldns_pkt_arcount(p), 0, "no EDNS asked: no OPT");
		ok(ldns_pkt_ancount(p) == 1 && ldns_rr_ttl(ldns_rr_list_rr(
		    ldns_pkt_answer(p), 0)) == (uint32_t)conf.ttl,
		    "listed rcpt A: TTL from the configuration");
		ldns_pkt_free(p);
	}
	p = ask(qname(h, ZONE_RCPT), T_TXT);
	ok(p && rcode(p) == 0 && ldns_pkt_ancount(p) == 1 &&
	    count_type(ldns_pkt_answer(p), LDNS_RR_TYPE_TXT) == 1,
	    "listed rcpt TXT: one TXT record");
	if (p) {
		const char *t = txt_text(p);

		ok(strstr(t, "127.0.0.2") != NULL, "TXT names the code: %s",
		    t);
		ok(strstr(t, "5.1.1") != NULL, "TXT gives the status code");
		ok(strstr(t, "2023-11-14") != NULL, "TXT gives first/last "
		    "seen");
		ok(strstr(t, "1 relay") != NULL, "TXT gives the relay count");
		ok(strstr(t, "@") == NULL && strstr(t, "example") == NULL,
		    "TXT holds no address in clear");
		ldns_pkt_free(p);
	}

	/* Two reasons: two A records, one TXT explaining both. */
	h = hash_of(ZONE_RCPT, "two@example.com");
	p = ask(qname(h, ZONE_RCPT), T_A);
	ok(p && ldns_pkt_ancount(p) == 2, "two reasons: two A records");
	if (p) {
		is_str(a_codes(p), "2,5", "two reasons: 127.0.0.2 and "
		    "127.0.0.5");
		ldns_pkt_free(p);
	}
	p = ask(qname(h, ZONE_RCPT), T_TXT);
	ok(p && ldns_pkt_ancount(p) == 1 &&
	    strstr(txt_text(p), "127.0.0.2") &&
	    strstr(txt_text(p), "127.0.0.5"), "two reasons: one TXT with "
	    "both codes");
	if (p)
		ldns_pkt_free(p);

	/* The other zones. */
	p = ask(qname("example.org", ZONE_RDOM), T_A);
	ok(p && rcode(p) == 0 && strcmp(a_codes(p), "10") == 0,
	    "rdom example.org: 127.0.0.10");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname("EXAMPLE.Org", ZONE_RDOM), T_A);
	ok(p && rcode(p) == 0 && strcmp(a_codes(p), "10") == 0,
	    "rdom: domain matched case-insensitively");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname("sub.example.org", ZONE_RDOM), T_A);
	ok(negative(p, LDNS_RCODE_NXDOMAIN, qname(NULL, ZONE_RDOM)),
	    "rdom: a name below a listed domain is not listed (no wildcard)");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname("example.net", ZONE_SDOM), T_A);
	ok(p && rcode(p) == 0 && strcmp(a_codes(p), "3") == 0,
	    "sdom example.net: 127.0.0.3");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname(hash_of(ZONE_SNDR, "sender@example.net"), ZONE_SNDR),
	    T_A);
	ok(p && rcode(p) == 0 && strcmp(a_codes(p), "2") == 0,
	    "sndr hashed sender: 127.0.0.2");
	if (p)
		ldns_pkt_free(p);
	/* A hash listed in rcpt is not listed in sndr. */
	p = ask(qname(USER_HASH, ZONE_SNDR), T_A);
	ok(negative(p, LDNS_RCODE_NXDOMAIN, qname(NULL, ZONE_SNDR)),
	    "zones are separate: rcpt hash in sndr is NXDOMAIN");
	if (p)
		ldns_pkt_free(p);

	/* Exim prints ${sha1:} in upper case. */
	{
		char up[HASH_HEXLEN + 1];
		int i;

		for (i = 0; i <= HASH_HEXLEN; i++)
			up[i] = (char)toupper((unsigned char)USER_HASH[i]);
		p = ask(qname(up, ZONE_RCPT), T_A);
		ok(p && rcode(p) == 0 && strcmp(a_codes(p), "2") == 0,
		    "upper-case hex hash matches");
		if (p)
			ldns_pkt_free(p);
	}
	/* Hashes of the wrong length or not hex, extra labels. */
	p = ask(qname("63a710569261a24b3766275b7000ce8d7b32e2f", ZONE_RCPT),
	    T_A);
	ok(negative(p, LDNS_RCODE_NXDOMAIN, qname(NULL, ZONE_RCPT)),
	    "39 hex digits: NXDOMAIN");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname("g3a710569261a24b3766275b7000ce8d7b32e2f7", ZONE_RCPT),
	    T_A);
	ok(negative(p, LDNS_RCODE_NXDOMAIN, qname(NULL, ZONE_RCPT)),
	    "not hex: NXDOMAIN");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname("x." USER_HASH, ZONE_RCPT), T_A);
	ok(negative(p, LDNS_RCODE_NXDOMAIN, qname(NULL, ZONE_RCPT)),
	    "label below a listed hash: NXDOMAIN");
	if (p)
		ldns_pkt_free(p);
}

static void
test_test_entries(void)
{
	int z;

	for (z = 0; z < ZONE_COUNT; z++) {
		ldns_pkt *p = ask(qname("test", z), T_A);

		ok(p && rcode(p) == 0 && strcmp(a_codes(p), "2") == 0 &&
		    ldns_pkt_aa(p), "test.%s: 127.0.0.2", conf.zone_fqdn[z]);
		if (p)
			ldns_pkt_free(p);
		p = ask(qname("test", z), T_TXT);
		ok(p && ldns_pkt_ancount(p) == 1 &&
		    count_type(ldns_pkt_answer(p), LDNS_RR_TYPE_TXT) == 1,
		    "test.%s: TXT", conf.zone_fqdn[z]);
		if (p)
			ldns_pkt_free(p);
		p = ask(qname("invalid", z), T_A);
		ok(negative(p, LDNS_RCODE_NXDOMAIN, qname(NULL, z)),
		    "invalid.%s: NXDOMAIN with SOA in authority",
		    conf.zone_fqdn[z]);
		if (p)
			ldns_pkt_free(p);
		p = ask(qname("1.0.0.127", z), T_A);
		ok(negative(p, LDNS_RCODE_NXDOMAIN, qname(NULL, z)),
		    "1.0.0.127.%s: NXDOMAIN", conf.zone_fqdn[z]);
		if (p)
			ldns_pkt_free(p);
	}
}

static void
test_nodata(void)
{
	ldns_pkt *p;

	p = ask(qname(USER_HASH, ZONE_RCPT), T_MX);
	ok(negative(p, LDNS_RCODE_NOERROR, qname(NULL, ZONE_RCPT)),
	    "listed name, type MX: NODATA with SOA");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname(USER_HASH, ZONE_RCPT), T_AAAA);
	ok(negative(p, LDNS_RCODE_NOERROR, qname(NULL, ZONE_RCPT)),
	    "listed name, type AAAA: NODATA");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname("test", ZONE_SDOM), T_MX);
	ok(negative(p, LDNS_RCODE_NOERROR, qname(NULL, ZONE_SDOM)),
	    "test entry, type MX: NODATA");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname(NULL, ZONE_RCPT), T_A);
	ok(negative(p, LDNS_RCODE_NOERROR, qname(NULL, ZONE_RCPT)),
	    "zone apex, type A: NODATA");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname("org", ZONE_RDOM), T_A);
	ok(negative(p, LDNS_RCODE_NOERROR, qname(NULL, ZONE_RDOM)),
	    "empty non-terminal org.rdom (example.org listed): NODATA");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname("ORG", ZONE_RDOM), T_TXT);
	ok(negative(p, LDNS_RCODE_NOERROR, qname(NULL, ZONE_RDOM)),
	    "empty non-terminal, upper case, TXT: NODATA");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname("or", ZONE_RDOM), T_A);
	ok(negative(p, LDNS_RCODE_NXDOMAIN, qname(NULL, ZONE_RDOM)),
	    "or.rdom (a prefix of org, not a parent): NXDOMAIN");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname("org", ZONE_SDOM), T_A);
	ok(negative(p, LDNS_RCODE_NXDOMAIN, qname(NULL, ZONE_SDOM)),
	    "org.sdom (example.org only listed in rdom): NXDOMAIN");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname("net", ZONE_SDOM), T_A);
	ok(negative(p, LDNS_RCODE_NOERROR, qname(NULL, ZONE_SDOM)),
	    "net.sdom (example.net listed): NODATA");
	if (p)
		ldns_pkt_free(p);
}

static void
test_apex(void)
{
	ldns_pkt *p;
	int z;

	for (z = 0; z < ZONE_COUNT; z++) {
		const ldns_rr *rr;

		p = ask(qname(NULL, z), T_SOA);
		ok(p && rcode(p) == 0 && ldns_pkt_ancount(p) == 1 &&
		    ldns_pkt_aa(p) && count_type(ldns_pkt_answer(p),
		    LDNS_RR_TYPE_SOA) == 1, "%s SOA", conf.zone_fqdn[z]);
		if (p && ldns_pkt_ancount(p) == 1) {
			rr = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
			is_str(dname(ldns_rr_owner(rr)), qname(NULL, z),
			    "SOA owner is the apex");
			is_str(dname(ldns_rr_rdf(rr, 0)), "localhost.",
			    "SOA MNAME is the first NS");
			is_str(dname(ldns_rr_rdf(rr, 1)),
			    "hostmaster.localhost.", "SOA RNAME from "
			    "hostmaster");
			ok(ldns_rdf2native_int32(ldns_rr_rdf(rr, 2)) > 0,
			    "SOA serial is the store's snapshot");
		}
		if (p)
			ldns_pkt_free(p);
		p = ask(qname(NULL, z), T_NS);
		ok(p && rcode(p) == 0 && ldns_pkt_ancount(p) == 1 &&
		    ldns_pkt_aa(p) && count_type(ldns_pkt_answer(p),
		    LDNS_RR_TYPE_NS) == 1, "%s NS", conf.zone_fqdn[z]);
		if (p && ldns_pkt_ancount(p) == 1)
			is_str(dname(ldns_rr_rdf(ldns_rr_list_rr(
			    ldns_pkt_answer(p), 0), 0)), "localhost.",
			    "NS target from the configuration");
		if (p)
			ldns_pkt_free(p);
	}
	/* ANY: one RRset (RFC 8482). */
	p = ask(qname(NULL, ZONE_RCPT), T_ANY);
	ok(p && rcode(p) == 0 && ldns_pkt_ancount(p) == 1 &&
	    count_type(ldns_pkt_answer(p), LDNS_RR_TYPE_SOA) == 1,
	    "apex ANY: the SOA alone");
	if (p)
		ldns_pkt_free(p);
	p = ask(qname(hash_of(ZONE_RCPT, "two@example.com"), ZONE_RCPT),
	    T_ANY);
	ok(p && rcode(p) == 0 && ldns_pkt_ancount(p) == 2 &&
	    count_type(ldns_pkt_answer(p), LDNS_RR_TYPE_A) == 2,
	    "listed ANY: the A RRset alone, no TXT");
	if (p)
		ldns_pkt_free(p);
}

static void
test_refused(void)
{
	ldns_pkt *p;
	struct qb b;
	struct run r = R_UDP;

	p = ask("example.com.", T_A);
	ok(p && rcode(p) == LDNS_RCODE_REFUSED && !ldns_pkt_aa(p) &&
	    ldns_pkt_ancount(p) == 0 && ldns_pkt_nscount(p) == 0,
	    "outside our zones: REFUSED, no AA");
	if (p)
		ldns_pkt_free(p);
	p = ask("rebond.test.", T_SOA);
	ok(p && rcode(p) == LDNS_RCODE_REFUSED, "the origin itself is not "
	    "served: REFUSED");
	if (p)
		ldns_pkt_free(p);
	p = ask("xrcpt.rebond.test.", T_A);
	ok(p && rcode(p) == LDNS_RCODE_REFUSED, "xrcpt.rebond.test "
	    "(suffix without a label boundary): REFUSED");
	if (p)
		ldns_pkt_free(p);
	p = ask(".", T_NS);
	ok(p && rcode(p) == LDNS_RCODE_REFUSED, "root: REFUSED");
	if (p)
		ldns_pkt_free(p);

	b_query(&b, qname("test", ZONE_RCPT), T_A, C_IN, -1, 0);
	r.allowed = 0;
	p = run_with(b.p, b.len, &r);
	ok(p && rcode(p) == LDNS_RCODE_REFUSED && !ldns_pkt_aa(p) &&
	    ldns_pkt_ancount(p) == 0, "client outside the ACL: REFUSED, "
	    "no AA");
	ok(p && ldns_pkt_qdcount(p) == 1, "REFUSED keeps the question");
	if (p)
		ldns_pkt_free(p);

	b_query(&b, qname("test", ZONE_RCPT), T_A, C_CH, -1, 0);
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_REFUSED, "class CH: REFUSED");
	if (p)
		ldns_pkt_free(p);
	b_query(&b, qname("test", ZONE_RCPT), T_A, 255, -1, 0);
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_REFUSED, "class ANY: REFUSED");
	if (p)
		ldns_pkt_free(p);
}

/* Raw packets in hex-free form, for the malformed cases. */
static ldns_pkt *
raw(const uint8_t *q, size_t len)
{
	return run_with(q, len, &R_UDP);
}

static void
test_opcodes_and_formerr(void)
{
	ldns_pkt *p;
	struct qb b;
	size_t i;
	static const uint8_t hdr_only[11] = { 0x12, 0x34, 0x01, 0, 0, 1 };

	/* NOTIFY (4), UPDATE (5) and IQUERY (1), STATUS (2). */
	{
		static const int ops[] = { 4, 5, 1, 2 };

		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			b_query(&b, qname(NULL, ZONE_RCPT), T_SOA, C_IN, -1,
			    0);
			b.p[2] = (uint8_t)(b.p[2] | ops[i] << 3);
			p = run(&b);
			ok(p && rcode(p) == LDNS_RCODE_NOTIMPL &&
			    (int)ldns_pkt_get_opcode(p) == ops[i] &&
			    ldns_pkt_ancount(p) == 0,
			    "opcode %d: NOTIMP, opcode echoed", ops[i]);
			if (p)
				ldns_pkt_free(p);
		}
	}

	/* QR=1: never answer an answer. */
	b_query(&b, qname("test", ZONE_RCPT), T_A, C_IN, -1, 0);
	b.p[2] |= F_QR >> 8;
	p = run(&b);
	is_int(anslen, 0, "QR=1: dropped");
	if (p)
		ldns_pkt_free(p);
	for (i = 0; i < 12; i++) {
		p = raw(hdr_only, i < sizeof(hdr_only) ? i : 11);
		if (anslen != 0)
			break;
	}
	is_int(anslen, 0, "header shorter than 12 bytes: dropped");

	/* QDCOUNT 0 and 2. */
	b_header(&b, 7, 0, 0, 0, 0, 0);
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_FORMERR && ldns_pkt_id(p) == 7,
	    "QDCOUNT 0: FORMERR");
	if (p)
		ldns_pkt_free(p);
	b_header(&b, 7, 0, 2, 0, 0, 0);
	b_name(&b, qname("test", ZONE_RCPT));
	b_u16(&b, T_A);
	b_u16(&b, C_IN);
	b_name(&b, qname("test", ZONE_RDOM));
	b_u16(&b, T_A);
	b_u16(&b, C_IN);
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_FORMERR, "QDCOUNT 2: FORMERR");
	if (p)
		ldns_pkt_free(p);

	/* Truncated qname: every cut inside the question. */
	b_query(&b, qname("test", ZONE_RCPT), T_A, C_IN, -1, 0);
	{
		int bad = 0;

		for (i = 12; i < b.len; i++) {
			p = raw(b.p, i);
			if (p == NULL || rcode(p) != LDNS_RCODE_FORMERR)
				bad++;
			if (p)
				ldns_pkt_free(p);
		}
		is_int(bad, 0, "question cut at every byte: FORMERR");
	}

	/* A compression pointer in the question (to itself, and ahead). */
	b_header(&b, 9, 0, 1, 0, 0, 0);
	b_u16(&b, 0xc00c);
	b_u16(&b, T_A);
	b_u16(&b, C_IN);
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_FORMERR, "qname is a pointer loop: "
	    "FORMERR");
	if (p)
		ldns_pkt_free(p);
	b_header(&b, 9, 0, 1, 0, 0, 0);
	b_name(&b, "test");	/* then a pointer instead of the root */
	b.len--;
	b_u16(&b, 0xc000 | (uint16_t)(b.len + 6));
	b_u16(&b, T_A);
	b_u16(&b, C_IN);
	b_name(&b, qname(NULL, ZONE_RCPT));
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_FORMERR, "qname with a compression "
	    "pointer: FORMERR");
	if (p)
		ldns_pkt_free(p);

	/* Label types 0x40 (extended) and 0x80 (reserved). */
	{
		static const uint8_t types[] = { 0x40, 0x41, 0x80, 0x7f };

		for (i = 0; i < sizeof(types); i++) {
			b_header(&b, 9, 0, 1, 0, 0, 0);
			b_u8(&b, types[i]);
			memset(b.p + b.len, 'a', 200);
			b.len += 200;
			b_u8(&b, 0);
			b_u16(&b, T_A);
			b_u16(&b, C_IN);
			p = run(&b);
			ok(p && rcode(p) == LDNS_RCODE_FORMERR,
			    "label byte 0x%02x: FORMERR", types[i]);
			if (p)
				ldns_pkt_free(p);
		}
	}

	/* Names of 255 bytes (the limit) and 256, in our zone. */
	{
		size_t n;

		for (n = 254; n <= 256; n++) {
			b_header(&b, 9, 0, 1, 0, 0, 0);
			b_long_name(&b, n, qname(NULL, ZONE_RDOM));
			b_u16(&b, T_A);
			b_u16(&b, C_IN);
			p = run(&b);
			if (n <= 255)
				ok(negative(p, LDNS_RCODE_NXDOMAIN,
				    qname(NULL, ZONE_RDOM)), "name of %zu bytes: "
				    "NXDOMAIN", n);
			else
				ok(p && rcode(p) == LDNS_RCODE_FORMERR,
				    "name of %zu bytes: FORMERR", n);
			if (p)
				ldns_pkt_free(p);
		}
	}

	/* Missing qtype/qclass. */
	b_header(&b, 9, 0, 1, 0, 0, 0);
	b_name(&b, qname("test", ZONE_RCPT));
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_FORMERR, "no qtype: FORMERR");
	if (p)
		ldns_pkt_free(p);
	b_u16(&b, T_A);
	b_u8(&b, 0);
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_FORMERR, "half a qclass: FORMERR");
	if (p)
		ldns_pkt_free(p);

	/* Trailing garbage. */
	b_query(&b, qname("test", ZONE_RCPT), T_A, C_IN, -1, 0);
	b_u8(&b, 0);
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_FORMERR, "one trailing byte: FORMERR");
	if (p)
		ldns_pkt_free(p);
	b_query(&b, qname("test", ZONE_RCPT), T_A, C_IN, 0, 1232);
	b_u32(&b, 0xdeadbeef);
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_FORMERR, "garbage after the OPT "
	    "record: FORMERR");
	if (p)
		ldns_pkt_free(p);

	/* ANCOUNT/NSCOUNT in a query. */
	b_query(&b, qname("test", ZONE_RCPT), T_A, C_IN, -1, 0);
	b.p[7] = 1;
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_FORMERR, "ANCOUNT 1 in a query: "
	    "FORMERR");
	if (p)
		ldns_pkt_free(p);

	/* ARCOUNT larger than what follows. */
	b_query(&b, qname("test", ZONE_RCPT), T_A, C_IN, 0, 1232);
	b.p[11] = 2;
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_FORMERR, "ARCOUNT 2, one record: "
	    "FORMERR");
	if (p)
		ldns_pkt_free(p);

	/* An OPT with an rdlength past the end. */
	b_query(&b, qname("test", ZONE_RCPT), T_A, C_IN, 0, 1232);
	b.p[b.len - 1] = 4;
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_FORMERR, "OPT rdlength past the end: "
	    "FORMERR");
	if (p)
		ldns_pkt_free(p);

	/* Two OPT records. */
	b_query(&b, qname("test", ZONE_RCPT), T_A, C_IN, 0, 1232);
	b.p[11] = 2;
	b_opt(&b, 1232, 0);
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_FORMERR, "two OPT records: FORMERR");
	if (p)
		ldns_pkt_free(p);

	/* OPT whose owner is not the root. */
	b_header(&b, 9, 0, 1, 0, 0, 1);
	b_name(&b, qname("test", ZONE_RCPT));
	b_u16(&b, T_A);
	b_u16(&b, C_IN);
	b_name(&b, "x");
	b_u16(&b, T_OPT);
	b_u16(&b, 1232);
	b_u32(&b, 0);
	b_u16(&b, 0);
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_FORMERR, "OPT not at the root: "
	    "FORMERR");
	if (p)
		ldns_pkt_free(p);

	/* An additional record with a compressed owner (a loop, unread):
	 * skipped, the query is answered. */
	b_header(&b, 9, 0, 1, 0, 0, 1);
	b_name(&b, qname("test", ZONE_RCPT));
	b_u16(&b, T_A);
	b_u16(&b, C_IN);
	b_u16(&b, 0xc000 | (uint16_t)b.len);
	b_u16(&b, T_A);
	b_u16(&b, C_IN);
	b_u32(&b, 0);
	b_u16(&b, 0);
	p = run(&b);
	ok(p && rcode(p) == 0 && strcmp(a_codes(p), "2") == 0,
	    "pointer loop in an unused additional record: answered");
	if (p)
		ldns_pkt_free(p);
}

static void
test_edns(void)
{
	ldns_pkt *p;
	struct qb b;

	p = ask_edns(qname("test", ZONE_RCPT), T_A, 4096);
	ok(p && ldns_pkt_edns(p), "EDNS query: answer carries OPT");
	if (p) {
		is_int(be_get(ans + 10, 2), 1, "EDNS: ARCOUNT 1 (the OPT)");
		is_int(ldns_pkt_edns_udp_size(p), conf.edns_size,
		    "EDNS: our UDP size is edns-size");
		is_int(ldns_pkt_edns_version(p), 0, "EDNS: version 0");
		is_str(a_codes(p), "2", "EDNS: the answer");
		ldns_pkt_free(p);
	}
	p = ask_edns(qname("invalid", ZONE_RCPT), T_A, 1232);
	ok(p && ldns_pkt_edns(p) && negative(p, LDNS_RCODE_NXDOMAIN,
	    qname(NULL, ZONE_RCPT)), "EDNS NXDOMAIN: SOA and OPT");
	if (p)
		ldns_pkt_free(p);
	p = ask_edns("example.com.", T_A, 1232);
	ok(p && ldns_pkt_edns(p) && rcode(p) == LDNS_RCODE_REFUSED,
	    "EDNS REFUSED: OPT too");
	if (p)
		ldns_pkt_free(p);

	b_query(&b, qname("test", ZONE_RCPT), T_A, C_IN, 1, 1232);
	p = run(&b);
	ok(p && ldns_pkt_edns(p), "EDNS version 1: answer has OPT");
	if (p) {
		is_int(rcode(p), 16, "EDNS version 1: BADVERS (16)");
		is_int(ldns_pkt_edns_version(p), 0, "BADVERS: our version 0");
		is_int(ldns_pkt_ancount(p), 0, "BADVERS: no answer");
		ldns_pkt_free(p);
	}
}

static void
test_case(void)
{
	ldns_pkt *p;
	struct qb b;
	const char *mixed = "TeSt.RcPt.ReBoNd.TeSt.";
	const ldns_rr *rr;

	b_query(&b, mixed, T_A, C_IN, -1, 0);
	p = run(&b);
	ok(p && rcode(p) == 0 && ldns_pkt_ancount(p) == 1, "mixed-case "
	    "query answered");
	ok(anslen >= b.len && memcmp(ans + 12, b.p + 12, b.len - 12) == 0,
	    "question bytes copied as sent (case kept)");
	if (p) {
		rr = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
		is_str(dname(ldns_rr_owner(rr)), mixed, "answer owner keeps "
		    "the question's case");
		ldns_pkt_free(p);
	}
	b_query(&b, "InVaLiD.rDoM.REBOND.test.", T_A, C_IN, -1, 0);
	p = run(&b);
	ok(p && rcode(p) == LDNS_RCODE_NXDOMAIN && ldns_pkt_nscount(p) == 1,
	    "mixed-case NXDOMAIN");
	if (p) {
		rr = ldns_rr_list_rr(ldns_pkt_authority(p), 0);
		is_str(dname(ldns_rr_owner(rr)), "rDoM.REBOND.test.",
		    "SOA owner in the question's case");
		ldns_pkt_free(p);
	}
	b_query(&b, "63A710569261A24B3766275B7000CE8D7B32E2F7.Rcpt.rebond."
	    "test.", T_TXT, C_IN, -1, 0);
	p = run(&b);
	ok(p && ldns_pkt_ancount(p) == 1, "upper-case hash TXT answered");
	if (p) {
		rr = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
		is_str(dname(ldns_rr_owner(rr)), "63A710569261A24B3766275B7000"
		    "CE8D7B32E2F7.Rcpt.rebond.test.", "TXT owner keeps the "
		    "hash's case");
		ldns_pkt_free(p);
	}
}

static void
test_expiry(void)
{
	ldns_pkt *p;
	struct qb b;
	struct run r = R_UDP;
	const char *h = hash_of(ZONE_RCPT, "soft@example.com");

	b_query(&b, qname(h, ZONE_RCPT), T_A, C_IN, -1, 0);
	p = run_with(b.p, b.len, &r);
	ok(p && rcode(p) == 0 && strcmp(a_codes(p), "4") == 0,
	    "listing valid for a day: listed now");
	if (p)
		ldns_pkt_free(p);
	r.now = NOW + 2 * DAY;
	p = run_with(b.p, b.len, &r);
	ok(negative(p, LDNS_RCODE_NXDOMAIN, qname(NULL, ZONE_RCPT)),
	    "two days later: expired, NXDOMAIN");
	if (p)
		ldns_pkt_free(p);

	/* Two reasons, one expired: the other is still served. */
	h = hash_of(ZONE_RCPT, "two@example.com");
	b_query(&b, qname(h, ZONE_RCPT), T_A, C_IN, -1, 0);
	r.now = NOW + 30 * DAY;
	p = run_with(b.p, b.len, &r);
	ok(p && strcmp(a_codes(p), "5") == 0, "expired reason dropped, the "
	    "other kept");
	if (p)
		ldns_pkt_free(p);

	/* An empty non-terminal whose only child expired no longer
	 * exists. */
	b_query(&b, qname("example.com", ZONE_SDOM), T_A, C_IN, -1, 0);
	r.now = NOW;
	p = run_with(b.p, b.len, &r);
	ok(negative(p, LDNS_RCODE_NOERROR, qname(NULL, ZONE_SDOM)),
	    "ENT above a live listing: NODATA");
	if (p)
		ldns_pkt_free(p);
	r.now = NOW + 2 * DAY;
	p = run_with(b.p, b.len, &r);
	ok(negative(p, LDNS_RCODE_NXDOMAIN, qname(NULL, ZONE_SDOM)),
	    "ENT above an expired listing: NXDOMAIN");
	if (p)
		ldns_pkt_free(p);

	/* The store is not consulted without a transaction: SERVFAIL. */
	r = R_UDP;
	r.notxn = 1;
	p = run_with(b.p, b.len, &r);
	ok(p && rcode(p) == LDNS_RCODE_SERVFAIL && !ldns_pkt_aa(p) &&
	    ldns_pkt_ancount(p) == 0, "no store transaction: SERVFAIL");
	if (p)
		ldns_pkt_free(p);
	b_query(&b, "example.com.", T_A, C_IN, -1, 0);
	p = run_with(b.p, b.len, &r);
	ok(p && rcode(p) == LDNS_RCODE_REFUSED, "no transaction, not our "
	    "zone: still REFUSED");
	if (p)
		ldns_pkt_free(p);
}

static int
zones_from_text(const char *text, struct answer_zones *z, char *err,
    size_t errlen)
{
	struct conf c;
	FILE *f;
	int rc;

	conf_defaults(&c);
	if ((f = fmemopen((void *)(uintptr_t)text, strlen(text), "r")) == NULL)
		abort();
	if ((rc = conf_parse(&c, f, "t.conf", err, errlen)) == RB_OK &&
	    (rc = conf_finish(&c, err, errlen)) == RB_OK)
		rc = answer_zones_init(z, &c, err, errlen);
	fclose(f);
	conf_free(&c);
	return rc;
}

/* A configuration with many long NS names. */
static void
zones_with_ns(struct answer_zones *z, int n)
{
	char text[8192], err[256];
	size_t o;
	int i;

	o = (size_t)snprintf(text, sizeof(text), "[zones]\n");
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
		    "ns = ns%02d-%s.example.net\n", i,
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	if (zones_from_text(text, z, err, sizeof(err)) != RB_OK) {
		printf("Bail out! ns configuration: %s\n", err);
		exit(1);
	}
}

static void
test_truncation(void)
{
	struct answer_zones saved = zones;
	ldns_pkt *p;
	struct qb b;
	struct run r = R_UDP;
	size_t full;

	zones_with_ns(&zones, 10);
	b_query(&b, qname(NULL, ZONE_RCPT), T_NS, C_IN, -1, 0);
	r.tcp = 1;
	p = run_with(b.p, b.len, &r);
	full = anslen;
	ok(p && ldns_pkt_ancount(p) == 10 && !ldns_pkt_tc(p) && full > 512,
	    "10 long NS over TCP: all of them (%zu bytes)", full);
	if (p)
		ldns_pkt_free(p);
	p = run(&b);
	ok(p && ldns_pkt_tc(p), "same over UDP without EDNS: TC");
	if (p) {
		ok(anslen <= 512, "TC answer within 512 bytes");
		is_int(ldns_pkt_ancount(p), 0, "TC: no answer records");
		is_int(ldns_pkt_nscount(p), 0, "TC: no authority records");
		is_int(ldns_pkt_qdcount(p), 1, "TC: question kept");
		ok(ldns_pkt_aa(p), "TC: AA still set");
		ldns_pkt_free(p);
	}
	b_query(&b, qname(NULL, ZONE_RCPT), T_NS, C_IN, 0, 4096);
	p = run(&b);
	ok(p && !ldns_pkt_tc(p) && ldns_pkt_ancount(p) == 10 &&
	    ldns_pkt_edns(p) && anslen <= (size_t)conf.edns_size,
	    "over UDP with EDNS 4096: fits in edns-size %lld",
	    (long long)conf.edns_size);
	if (p)
		ldns_pkt_free(p);
	b_query(&b, qname(NULL, ZONE_RCPT), T_NS, C_IN, 0, 600);
	p = run(&b);
	ok(p && ldns_pkt_tc(p) && ldns_pkt_edns(p) && anslen <= 600,
	    "over UDP with EDNS 600: TC, OPT kept");
	if (p)
		ldns_pkt_free(p);
	b_query(&b, qname(NULL, ZONE_RCPT), T_NS, C_IN, 0, 100);
	p = run(&b);
	ok(p && ldns_pkt_tc(p) && anslen <= 512,
	    "EDNS size below 512 counts as 512");
	if (p)
		ldns_pkt_free(p);

	/* 16 NS (the most) do not fit in edns-size 1232: TC with EDNS. */
	zones_with_ns(&zones, 16);
	b_query(&b, qname(NULL, ZONE_RCPT), T_NS, C_IN, 0, 4096);
	p = run(&b);
	ok(p && ldns_pkt_tc(p) && anslen <= (size_t)conf.edns_size,
	    "16 long NS over EDNS: TC within edns-size");
	if (p)
		ldns_pkt_free(p);
	r.tcp = 1;
	p = run_with(b.p, b.len, &r);
	ok(p && !ldns_pkt_tc(p) && ldns_pkt_ancount(p) == 16,
	    "16 long NS over TCP: all of them");
	if (p)
		ldns_pkt_free(p);
	/* A negative answer has the SOA: its MNAME is long too. */
	b_query(&b, qname("invalid", ZONE_RCPT), T_A, C_IN, -1, 0);
	p = run(&b);
	ok(negative(p, LDNS_RCODE_NXDOMAIN, qname(NULL, ZONE_RCPT)),
	    "NXDOMAIN with a long SOA MNAME still fits");
	if (p)
		ldns_pkt_free(p);
	zones = saved;
}

static void
test_zones_init(void)
{
	struct answer_zones z;
	char text[4096], err[256];
	size_t o;
	int i;

	o = (size_t)snprintf(text, sizeof(text), "[zones]\n");
	for (i = 0; i < 17; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
		    "ns = ns%d.example.net\n", i);
	err[0] = '\0';
	ok(zones_from_text(text, &z, err, sizeof(err)) == RB_EINVAL &&
	    strstr(err, "16") != NULL, "17 name servers refused: %s", err);
	err[0] = '\0';
	ok(zones_from_text("[zones]\nhostmaster = first.last@example.org\n",
	    &z, err, sizeof(err)) == RB_EINVAL && strstr(err, "hostmaster"),
	    "hostmaster with a dot before the @ refused: %s", err);
	ok(zones_from_text("[global]\norigin = Example.NET\n[zones]\n"
	    "rcpt = bounces.example.org\nhostmaster = dns@example.org\n", &z,
	    err, sizeof(err)) == RB_OK, "origin and a zone renamed");
	ok(z.apexlen[ZONE_RCPT] == 21 &&
	    memcmp(z.apex[ZONE_RCPT], "\007bounces\007example\003org", 21) ==
	    0, "rcpt apex in wire form");
	ok(z.apexlen[ZONE_RDOM] == 18 &&
	    memcmp(z.apex[ZONE_RDOM], "\004rdom\007example\003net", 18) == 0,
	    "rdom apex under the lower-cased origin");
	ok(z.rnamelen == 17 &&
	    memcmp(z.rname, "\003dns\007example\003org", 17) == 0,
	    "SOA RNAME from hostmaster");
}

/*
 * Answers whose size is close to the limit: for every length of one NS
 * name, the answer is either complete or truncated, never dropped, and
 * never larger than the limit (the OPT record included).
 */
static void
test_limits(void)
{
	struct answer_zones saved = zones;
	static const uint16_t sizes[] = { 0, 512, 700 };
	struct qb b;
	int bad_drop = 0, bad_size = 0, bad_tc = 0, answers = 0, tcs = 0;
	size_t len, s;
	int i;

	/* ns[0] stays; five names of 65 bytes; ns[6] of every length. */
	zones.nns = 7;
	for (i = 1; i < 6; i++) {
		zones.nslen[i] = wire_of_len(zones.ns[i], 65);
		zones.ns[i][1] = (uint8_t)('a' + i);
	}
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t limit = sizes[s] ? sizes[s] : 512;

		for (len = 3; len <= DNS_MAXNAME; len++) {
			ldns_pkt *p;

			zones.nslen[6] = wire_of_len(zones.ns[6], len);
			b_query(&b, "RcPt.rebond.test.", T_NS, C_IN,
			    sizes[s] ? 0 : -1, sizes[s]);
			p = run(&b);
			if (anslen == 0) {
				if (bad_drop++ < 3)
					printf("# dropped: udp %u, ns[6] %zu "
					    "bytes\n", sizes[s], len);
			} else if (anslen > limit) {
				bad_size++;
			} else if (p == NULL || (!ldns_pkt_tc(p) &&
			    (int)ldns_pkt_ancount(p) != zones.nns) ||
			    (sizes[s] && !ldns_pkt_edns(p))) {
				bad_tc++;
			} else if (ldns_pkt_tc(p))
				tcs++;
			else
				answers++;
			if (p)
				ldns_pkt_free(p);
		}
	}
	is_int(bad_drop, 0, "answers near the size limit are never dropped");
	is_int(bad_size, 0, "answers never exceed the UDP limit");
	is_int(bad_tc, 0, "answers are complete or TC, with OPT if asked");
	ok(answers > 0 && tcs > 0, "the sweep saw both (%d complete, %d TC)",
	    answers, tcs);
	zones = saved;
}

static void
test_stats(void)
{
	struct answer_stats before = stats;
	ldns_pkt *p;

	p = ask(qname("test", ZONE_RDOM), T_A);
	if (p)
		ldns_pkt_free(p);
	is_int(stats.queries - before.queries, 1, "stats: one query counted");
	is_int(stats.rcode[RC_NOERROR] - before.rcode[RC_NOERROR], 1,
	    "stats: NOERROR counted");
	is_int(stats.zone_queries[ZONE_RDOM] - before.zone_queries[ZONE_RDOM],
	    1, "stats: rdom query counted");
	is_int(stats.listed[ZONE_RDOM] - before.listed[ZONE_RDOM], 1,
	    "stats: rdom listed answer counted");
}

/* ---- random and mutated packets ---- */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

#define FUZZ_ITER	300000

static void
test_fuzz(void)
{
	static struct qb seeds[32];
	int nseeds = 0, i, bad_parse = 0, bad_id = 0, bad_size = 0;
	long answered = 0, dropped = 0;
	uint8_t pkt[1100];
	struct store_txn *txn = NULL;
	uint8_t *out;

	/* Valid queries of every kind. */
	b_query(&seeds[nseeds++], qname(USER_HASH, ZONE_RCPT), T_A, C_IN, -1,
	    0);
	b_query(&seeds[nseeds++], qname(USER_HASH, ZONE_RCPT), T_TXT, C_IN,
	    0, 1232);
	b_query(&seeds[nseeds++], qname(hash_of(ZONE_RCPT, "two@example.com"),
	    ZONE_RCPT), T_ANY, C_IN, 0, 512);
	b_query(&seeds[nseeds++], qname("example.org", ZONE_RDOM), T_TXT,
	    C_IN, -1, 0);
	b_query(&seeds[nseeds++], qname("org", ZONE_RDOM), T_A, C_IN, 0, 4096);
	b_query(&seeds[nseeds++], qname("example.net", ZONE_SDOM), T_A, C_IN,
	    -1, 0);
	b_query(&seeds[nseeds++], qname("test", ZONE_SNDR), T_TXT, C_IN, 0,
	    1232);
	b_query(&seeds[nseeds++], qname("invalid", ZONE_SNDR), T_A, C_IN, -1,
	    0);
	b_query(&seeds[nseeds++], qname(NULL, ZONE_RCPT), T_SOA, C_IN, 0,
	    1232);
	b_query(&seeds[nseeds++], qname(NULL, ZONE_RDOM), T_NS, C_IN, -1, 0);
	b_query(&seeds[nseeds++], "a.b.c.d.e.f.g.h.i.j.k.example.org.rdom."
	    "rebond.test.", T_A, C_IN, 0, 1232);
	b_query(&seeds[nseeds++], "example.com.", T_A, C_IN, -1, 0);
	b_query(&seeds[nseeds++], qname("test", ZONE_RCPT), T_A, C_IN, 1,
	    1232);

	out = malloc(DNS_MAXMSG);
	if (out == NULL)
		abort();
	for (i = 0; i < FUZZ_ITER; i++) {
		const struct qb *s = &seeds[rnd() % (unsigned)nseeds];
		size_t len = s->len, cap, alen;
		uint8_t *in;
		int m, nm = 1 + (int)(rnd() % 4), tcp = (int)(rnd() & 1);
		ldns_pkt *p = NULL;

		if (i % 1000 == 0) {
			if (txn)
				store_read_end(store);
			txn = store_read(store);
		}
		memcpy(pkt, s->p, len);
		for (m = 0; m < nm; m++) {
			switch (rnd() % 9) {
			case 0:	/* bit flips */
			case 1:
				if (len)
					pkt[rnd() % len] ^=
					    (uint8_t)(1u << (rnd() % 8));
				break;
			case 2:	/* a random byte */
				if (len)
					pkt[rnd() % len] = (uint8_t)rnd();
				break;
			case 3:	/* truncation */
				len = len ? rnd() % (len + 1) : 0;
				break;
			case 4:	/* random bytes appended */
			{
				size_t n = rnd() % 64;

				while (n-- && len < sizeof(pkt))
					pkt[len++] = (uint8_t)rnd();
				break;
			}
			case 5:	/* counts */
				if (len >= 12)
					pkt[4 + rnd() % 8] =
					    (uint8_t)(rnd() % 4);
				break;
			case 6:	/* a compression pointer or a label type */
				if (len > 13) {
					size_t at = 12 + rnd() % (len - 13);

					pkt[at] = (uint8_t)(0x40 << (rnd() %
					    3) | (rnd() & 0x3f));
					pkt[at + 1] = (uint8_t)rnd();
				}
				break;
			case 7:	/* an entirely random packet */
				len = rnd() % 600;
				for (cap = 0; cap < len; cap++)
					pkt[cap] = (uint8_t)rnd();
				if (len >= 3 && (rnd() & 1))
					pkt[2] &= 0x7f;	/* a query */
				break;
			case 8:	/* opcode and flags */
				if (len >= 4) {
					pkt[2] = (uint8_t)rnd();
					pkt[3] = (uint8_t)rnd();
				}
				break;
			}
		}
		in = malloc(len ? len : 1);
		if (in == NULL)
			abort();
		memcpy(in, pkt, len);
		cap = tcp ? (rnd() & 1 ? DNS_MAXMSG : 512 + rnd() % 4096) :
		    (rnd() & 1 ? 4096 : 512);
		alen = answer_query(&zones, (rnd() % 50) ? txn : NULL, in, len,
		    out, cap, tcp, (int)(rnd() % 8 != 0), NOW + (int64_t)(rnd()
		    % (400 * DAY)), &stats);
		if (alen == 0) {
			dropped++;
		} else {
			answered++;
			if (alen > cap || (!tcp && alen > (size_t)conf.edns_size))
				bad_size++;
			if (ldns_wire2pkt(&p, out, alen) != LDNS_STATUS_OK) {
				if (bad_parse++ < 5) {
					size_t k;

					printf("# unparsable answer to:");
					for (k = 0; k < len; k++)
						printf("%02x", in[k]);
					printf("\n");
				}
			} else {
				if (!ldns_pkt_qr(p) ||
				    ldns_pkt_id(p) != be_get(in, 2))
					bad_id++;
				ldns_pkt_free(p);
			}
		}
		free(in);
	}
	if (txn)
		store_read_end(store);
	free(out);
	printf("# fuzz: %d packets, %ld answered, %ld dropped\n", FUZZ_ITER,
	    answered, dropped);
	ok(1, "%d mutated and random packets: no crash", FUZZ_ITER);
	is_int(bad_parse, 0, "every answer parses with ldns");
	is_int(bad_id, 0, "every answer has QR and the query's id");
	is_int(bad_size, 0, "every answer fits its limit");
	ok(answered > FUZZ_ITER / 10 && dropped > 0, "the mix had answers "
	    "and drops");
}

static int
rm_store(const char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lock.mdb", dir);
	unlink(path);
	return rmdir(dir);
}

int
main(void)
{
	char dir[] = "/tmp/rebond-answer.XXXXXX", err[512];

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The store computes listings at rb_now(): the same fixed time. */
	setenv("REBOND_NOW", "1700000000", 1);
	conf_defaults(&conf);
	if (conf_finish(&conf, err, sizeof(err)) != RB_OK ||
	    answer_zones_init(&zones, &conf, err, sizeof(err)) != RB_OK) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	if (mkdtemp(dir) == NULL ||
	    store_open(&store, dir, conf.map_size, 0, err, sizeof(err)) !=
	    RB_OK) {
		printf("Bail out! store: %s\n", err);
		return 1;
	}
	add(ZONE_RCPT, "user@example.com", 2, "5.1.1", NOW, 90 * DAY);
	add(ZONE_RCPT, "two@example.com", 2, "5.1.1", NOW, 10 * DAY);
	add(ZONE_RCPT, "two@example.com", 5, NULL, NOW, 365 * DAY);
	add(ZONE_RCPT, "soft@example.com", 4, "4.2.2", NOW, DAY);
	add(ZONE_RDOM, "example.org", REASON_OPERATOR, NULL, NOW, 0);
	add(ZONE_SDOM, "example.net", 3, NULL, NOW, 7 * DAY);
	add(ZONE_SNDR, "sender@example.net", 2, NULL, NOW, 7 * DAY);
	add(ZONE_SDOM, "old.example.com", 2, NULL, NOW, DAY);

	test_listed();
	test_test_entries();
	test_nodata();
	test_apex();
	test_refused();
	test_opcodes_and_formerr();
	test_edns();
	test_case();
	test_expiry();
	test_truncation();
	test_limits();
	test_zones_init();
	test_stats();
	test_fuzz();

	store_close(store);
	rm_store(dir);
	conf_free(&conf);
	return done_testing();
}

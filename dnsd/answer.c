/* dnsd/answer.c - see answer.h.  RFC 1035 wire format, RFC 6891 EDNS,
 * RFC 2308 negative answers, RFC 5782 DNSBL conventions, RFC 8482 ANY. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "answer.h"
#include "util.h"

#define T_A	1
#define T_NS	2
#define T_SOA	6
#define T_TXT	16
#define T_OPT	41
#define T_ANY	255
#define C_IN	1

#define OPT_LEN	11	/* our OPT record: root, type, class, ttl, rdlen */

#define F_QR	0x8000
#define F_AA	0x0400
#define F_TC	0x0200
#define F_RD	0x0100
#define F_CD	0x0010

enum { R_NOERROR = 0, R_FORMERR = 1, R_SERVFAIL = 2, R_NXDOMAIN = 3,
	R_NOTIMP = 4, R_REFUSED = 5 };

/* Names of the test entries of RFC 5782. */
#define TEST_LABEL	"test"

/* Wire name from presentation; lower-cased.  Returns length or 0. */
static size_t
wire_name(const char *name, uint8_t *out)
{
	size_t len = strlen(name), o = 0, start = 0, i;

	if (len > 0 && name[len - 1] == '.')
		len--;
	for (i = 0; i <= len; i++) {
		if (i < len && name[i] != '.')
			continue;
		if (i - start == 0 || i - start > 63 || o + 1 + i - start > 254)
			return 0;
		out[o++] = (uint8_t)(i - start);
		while (start < i)
			out[o++] = (uint8_t)tolower((unsigned char)name[start++]);
		start = i + 1;
	}
	out[o++] = 0;
	return o;
}

int
answer_zones_init(struct answer_zones *z, const struct conf *c, char *err,
    size_t errlen)
{
	char rname[DOMAIN_MAX + 2], *at;
	int i;

	memset(z, 0, sizeof(*z));
	for (i = 0; i < ZONE_COUNT; i++) {
		size_t k;

		z->apexlen[i] = wire_name(c->zone_fqdn[i], z->apex[i]);
		if (z->apexlen[i] == 0)
			goto bad;
		for (k = 0; z->apex[i][k]; k += z->apex[i][k] + 1)
			z->apexlabels[i]++;
	}
	for (i = 0; i < c->ns.n; i++) {
		if (i == 16) {
			snprintf(err, errlen, "ns: at most 16 name servers");
			return RB_EINVAL;
		}
		if ((z->nslen[i] = wire_name(c->ns.v[i], z->ns[i])) == 0)
			goto bad;
	}
	z->nns = c->ns.n;
	/* hostmaster@example.org -> hostmaster.example.org; a dot in the
	 * local part cannot be expressed without escaping: refuse it. */
	snprintf(rname, sizeof(rname), "%s", c->hostmaster);
	if ((at = strchr(rname, '@')) == NULL ||
	    memchr(rname, '.', (size_t)(at - rname)) != NULL) {
		snprintf(err, errlen, "hostmaster: '%s': use an address "
		    "without a dot before the @", c->hostmaster);
		return RB_EINVAL;
	}
	*at = '.';
	if ((z->rnamelen = wire_name(rname, z->rname)) == 0)
		goto bad;
	z->ttl = (uint32_t)c->ttl;
	z->negative_ttl = (uint32_t)c->negative_ttl;
	z->edns_size = (uint16_t)c->edns_size;
	return RB_OK;
bad:
	snprintf(err, errlen, "a zone, ns or hostmaster name is not valid");
	return RB_EINVAL;
}

/* A bounded writer: once it overflows it stays overflowed. */
struct wbuf {
	uint8_t	*p;
	size_t	 len;
	size_t	 cap;
	int	 over;
};

static void
w_bytes(struct wbuf *w, const void *b, size_t n)
{
	if (w->over || w->cap - w->len < n) {
		w->over = 1;
		return;
	}
	memcpy(w->p + w->len, b, n);
	w->len += n;
}

static void
w_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	w_bytes(w, b, 2);
}

static void
w_u32(struct wbuf *w, uint32_t v)
{
	w_u16(w, (uint16_t)(v >> 16));
	w_u16(w, (uint16_t)v);
}

/* RR header with a compressed owner name; returns the rdlength offset. */
static size_t
w_rr(struct wbuf *w, uint16_t owner, uint16_t type, uint32_t ttl)
{
	size_t at;

	w_u16(w, 0xc000 | owner);
	w_u16(w, type);
	w_u16(w, C_IN);
	w_u32(w, ttl);
	at = w->len;
	w_u16(w, 0);
	return at;
}

static void
w_rdlen(struct wbuf *w, size_t at)
{
	size_t n;

	if (w->over)
		return;
	n = w->len - at - 2;
	w->p[at] = (uint8_t)(n >> 8);
	w->p[at + 1] = (uint8_t)n;
}

/* What the parser learned from the query. */
struct query {
	uint16_t	 id;
	uint16_t	 flags;
	const uint8_t	*qname;		/* as sent, case preserved */
	size_t		 qnamelen;
	uint8_t		 lname[DNS_MAXNAME];	/* lower case */
	size_t		 loff[128];	/* offset of each label in qname */
	int		 nlabels;
	uint16_t	 qtype;
	uint16_t	 qclass;
	size_t		 qend;		/* end of the question */
	int		 edns;		/* an OPT record was present */
	uint16_t	 udp_size;
	uint8_t		 edns_version;
	int		 do_bit;
};

/* Skip a possibly compressed name in an RR; 0 on error. */
static size_t
skip_name(const uint8_t *q, size_t len, size_t off)
{
	while (off < len) {
		uint8_t l = q[off];

		if (l == 0)
			return off + 1;
		if ((l & 0xc0) == 0xc0)
			return off + 2 <= len ? off + 2 : 0;
		if (l & 0xc0)
			return 0;
		off += 1 + (size_t)l;
	}
	return 0;
}

/* Parse the query; returns -1 to drop, else an rcode (R_NOERROR when the
 * question is usable).  For R_FORMERR the question may be unusable
 * (q->qname NULL). */
static int
parse_query(const uint8_t *p, size_t len, struct query *q)
{
	size_t off = 12, name = 0;
	uint16_t qd, an, ns, ar, i;

	if (len < 12)
		return -1;
	q->id = (uint16_t)be_get(p, 2);
	q->flags = (uint16_t)be_get(p + 2, 2);
	if (q->flags & F_QR)
		return -1;	/* never answer an answer */
	qd = (uint16_t)be_get(p + 4, 2);
	an = (uint16_t)be_get(p + 6, 2);
	ns = (uint16_t)be_get(p + 8, 2);
	ar = (uint16_t)be_get(p + 10, 2);
	if (qd != 1)
		return R_FORMERR;
	q->nlabels = 0;
	for (;;) {
		uint8_t l;

		if (off >= len)
			return R_FORMERR;
		l = p[off];
		if (l & 0xc0)	/* no pointer can be valid at offset 12 */
			return R_FORMERR;
		if (name + 1 + l > DNS_MAXNAME)
			return R_FORMERR;
		if (off + 1 + l > len)
			return R_FORMERR;
		if (l == 0)
			break;
		if (q->nlabels == 128)
			return R_FORMERR;
		q->loff[q->nlabels++] = name;
		q->lname[name++] = l;
		for (i = 0; i < l; i++)
			q->lname[name++] = (uint8_t)tolower(p[off + 1 + i]);
		off += 1 + (size_t)l;
	}
	q->lname[name++] = 0;
	q->qname = p + 12;
	q->qnamelen = name;
	off++;
	if (off + 4 > len) {
		q->qname = NULL;
		return R_FORMERR;
	}
	q->qtype = (uint16_t)be_get(p + off, 2);
	q->qclass = (uint16_t)be_get(p + off + 2, 2);
	off += 4;
	q->qend = off;
	if (((q->flags >> 11) & 0xf) != 0)
		return R_NOTIMP;	/* other opcodes: question is enough */
	if (an != 0 || ns != 0)
		return R_FORMERR;
	q->edns = 0;
	for (i = 0; i < ar; i++) {
		size_t rdlen;
		uint16_t type;
		uint32_t ttl;
		size_t start = off;

		if ((off = skip_name(p, len, off)) == 0 || off + 10 > len)
			return R_FORMERR;
		type = (uint16_t)be_get(p + off, 2);
		ttl = (uint32_t)be_get(p + off + 4, 4);
		rdlen = be_get(p + off + 8, 2);
		if (off + 10 + rdlen > len)
			return R_FORMERR;
		if (type == T_OPT) {
			if (q->edns || p[start] != 0)	/* one, at the root */
				return R_FORMERR;
			q->edns = 1;
			q->udp_size = (uint16_t)be_get(p + off + 2, 2);
			q->edns_version = (uint8_t)(ttl >> 16);
			q->do_bit = (ttl & 0x8000) != 0;
		}
		off += 10 + rdlen;
	}
	if (off != len)
		return R_FORMERR;	/* trailing garbage */
	return R_NOERROR;
}

static int
rc_index(int rcode)
{
	switch (rcode) {
	case R_NOERROR:	return RC_NOERROR;
	case R_FORMERR:	return RC_FORMERR;
	case R_SERVFAIL: return RC_SERVFAIL;
	case R_NXDOMAIN: return RC_NXDOMAIN;
	case R_NOTIMP:	return RC_NOTIMP;
	case R_REFUSED:	return RC_REFUSED;
	}
	return RC_OTHER;
}

static void
count_rcode(struct answer_stats *st, int zone, int rcode)
{
	int i = rc_index(rcode);

	st->rcode[i]++;
	st->zone_rcode[zone < 0 ? ZONE_COUNT : zone][i]++;
}

static void
w_header(struct wbuf *w, const struct query *q, uint16_t flags, int rcode,
    int qd)
{
	w->len = 0;
	w_u16(w, q->id);
	w_u16(w, (uint16_t)(F_QR | flags | (q->flags & (0x7800 | F_RD | F_CD)) |
	    (rcode & 0xf)));
	w_u16(w, (uint16_t)qd);
	w_u16(w, 0);
	w_u16(w, 0);
	w_u16(w, 0);
}

static void
set_count(struct wbuf *w, int section, uint16_t n)
{
	w->p[6 + 2 * section] = (uint8_t)(n >> 8);
	w->p[7 + 2 * section] = (uint8_t)n;
}

static void
w_opt(struct wbuf *w, const struct answer_zones *z, int ext_rcode)
{
	uint8_t root = 0;

	w_bytes(w, &root, 1);
	w_u16(w, T_OPT);
	w_u16(w, z->edns_size);
	w_u32(w, (uint32_t)ext_rcode << 24);
	w_u16(w, 0);
}

static void
w_soa(struct wbuf *w, const struct answer_zones *z, uint16_t owner,
    uint32_t serial)
{
	size_t at = w_rr(w, owner, T_SOA, z->negative_ttl);

	w_bytes(w, z->ns[0], z->nslen[0]);
	w_bytes(w, z->rname, z->rnamelen);
	w_u32(w, serial);
	w_u32(w, 3600);		/* refresh */
	w_u32(w, 600);		/* retry */
	w_u32(w, 7 * 86400);	/* expire */
	w_u32(w, z->negative_ttl);
	w_rdlen(w, at);
}

size_t
answer_txt(int zone, const struct listing *l, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < l->n && o < len; i++) {
		const struct listing_reason *r = &l->r[i];
		char st[16], first[20], last[20];
		int n;

		status_format(&r->status, st, sizeof(st));
		fmt_time(r->first, first, sizeof(first));
		fmt_time(r->last, last, sizeof(last));
		first[10] = last[10] = '\0';	/* the day is enough */
		n = snprintf(buf + o, len - o, "%s127.0.0.%u %s%s%s; first %s, "
		    "last %s; %u relay%s", i ? " | " : "", r->reason,
		    reason_text(zone, r->reason), r->status.klass ? " " : "",
		    r->status.klass ? st : "", first, last, r->nrelays,
		    r->nrelays == 1 ? "" : "s");
		if (n < 0)
			break;
		o += (size_t)n;
	}
	return o < len ? o : len - 1;
}

/* A TXT RR holding text split in strings of at most 255 bytes. */
static void
w_txt(struct wbuf *w, uint32_t ttl, const char *text, size_t len)
{
	size_t at = w_rr(w, 12, T_TXT, ttl), off = 0;

	do {
		size_t n = len - off > 255 ? 255 : len - off;
		uint8_t b = (uint8_t)n;

		w_bytes(w, &b, 1);
		w_bytes(w, text + off, n);
		off += n;
	} while (off < len);
	w_rdlen(w, at);
}

static void
w_a(struct wbuf *w, uint32_t ttl, uint8_t last)
{
	uint8_t a[4] = { 127, 0, 0, last };
	size_t at = w_rr(w, 12, T_A, ttl);

	w_bytes(w, a, 4);
	w_rdlen(w, at);
}

/* Find the zone of the query; sets *rel to the labels before the apex. */
static int
find_zone(const struct answer_zones *z, const struct query *q, int *rel)
{
	int i;

	for (i = 0; i < ZONE_COUNT; i++) {
		int k = z->apexlabels[i];
		size_t off;

		if (q->nlabels < k)
			continue;
		off = k == 0 ? q->qnamelen - 1 : q->loff[q->nlabels - k];
		if (q->qnamelen - off == z->apexlen[i] &&
		    memcmp(q->lname + off, z->apex[i], z->apexlen[i]) == 0) {
			*rel = q->nlabels - k;
			return i;
		}
	}
	return -1;
}

/* Key of the relative part of the name; 0 if it cannot be a key. */
static int
make_key(const struct query *q, int zone, int rel, struct zkey *k)
{
	const uint8_t *lab;
	size_t o = 0;
	int i;

	k->zone = (uint8_t)zone;
	if (zone_is_hashed(zone)) {
		lab = q->lname + q->loff[0];
		if (rel != 1 || lab[0] != HASH_HEXLEN)
			return 0;
		k->len = HASH_LEN;
		return hex_decode((const char *)lab + 1, HASH_HEXLEN, k->data,
		    HASH_LEN) == RB_OK;
	}
	/* Domain zones: labels reversed, joined by dots. */
	for (i = rel - 1; i >= 0; i--) {
		size_t j;

		lab = q->lname + q->loff[i];
		if (o + lab[0] + 1 > DOMAIN_MAX + 1)
			return 0;
		for (j = 1; j <= lab[0]; j++) {
			uint8_t c = lab[j];

			if (!isalnum(c) && c != '-' && c != '_')
				return 0;
			k->data[o++] = c;
		}
		if (i > 0)
			k->data[o++] = '.';
	}
	if (o > DOMAIN_MAX)
		return 0;
	k->len = (uint8_t)o;
	return 1;
}

static int
is_test_name(const struct query *q, int rel)
{
	const uint8_t *lab = q->lname + q->loff[0];

	return rel == 1 && lab[0] == 4 && memcmp(lab + 1, TEST_LABEL, 4) == 0;
}

size_t
answer_query(const struct answer_zones *z, struct store_txn *txn,
    const uint8_t *p, size_t len, uint8_t *out, size_t cap, int tcp,
    int allowed, int64_t now, struct answer_stats *st)
{
	struct wbuf w = { out, 0, cap, 0 };
	struct query q;
	struct listing l;
	struct zkey k;
	size_t limit, qend;
	int rcode, zone = -1, rel = 0, found = 0, nodata = 0, i;
	uint16_t an = 0, ns = 0, apex_off;
	uint32_t serial = 0;

	st->queries++;
	memset(&q, 0, sizeof(q));
	rcode = parse_query(p, len, &q);
	if (rcode < 0) {
		st->dropped++;
		return 0;
	}
	if (rcode == R_NOTIMP) {
		w_header(&w, &q, 0, R_NOTIMP, 1);
		w_bytes(&w, p + 12, q.qend - 12);
		count_rcode(st, -1, R_NOTIMP);
		return w.over ? 0 : w.len;
	}
	if (rcode == R_FORMERR) {
		w_header(&w, &q, 0, R_FORMERR, 0);
		count_rcode(st, -1, R_FORMERR);
		return w.over ? 0 : w.len;
	}
	limit = tcp ? cap : 512;
	if (!tcp && q.edns) {
		limit = q.udp_size < 512 ? 512 : q.udp_size;
		if (limit > z->edns_size)
			limit = z->edns_size;
		if (limit > cap)
			limit = cap;
	}
	/* Room for the OPT record is held back until it is written. */
	w.cap = q.edns ? limit - OPT_LEN : limit;
	qend = q.qend;

	if (q.edns && q.edns_version != 0)
		rcode = -2;	/* BADVERS */
	else if (!allowed || q.qclass != C_IN ||
	    (zone = find_zone(z, &q, &rel)) < 0)
		rcode = R_REFUSED;
	if (rcode != R_NOERROR) {
		w_header(&w, &q, 0, rcode == -2 ? 0 : rcode, 1);
		w_bytes(&w, p + 12, qend - 12);
		if (q.edns) {
			w.cap = limit;
			w_opt(&w, z, rcode == -2 ? 1 : 0);
			set_count(&w, 2, 1);
		}
		count_rcode(st, zone, rcode);
		return w.over ? 0 : w.len;
	}

	st->zone_queries[zone]++;
	/* Zones have at least one label, so the apex is a label of qname. */
	apex_off = (uint16_t)(12 + q.loff[rel]);
	if (txn == NULL) {
		rcode = R_SERVFAIL;
		goto done;
	}
	serial = store_serial(txn);

	if (rel == 0) {
		found = 1;
	} else if (is_test_name(&q, rel)) {
		memset(&l, 0, sizeof(l));
		l.n = 1;
		l.r[0].reason = 2;
		l.r[0].nrelays = 1;
		l.r[0].first = l.r[0].last = hour_floor(now);
		found = 1;
	} else if (make_key(&q, zone, rel, &k)) {
		int rc = store_listing_get(txn, &k, &l);

		if (rc == RB_OK && listing_active(&l, now) > 0)
			found = 1;
		else if (rc != RB_OK && rc != RB_ENOENT) {
			rcode = R_SERVFAIL;
			goto done;
		} else if (!zone_is_hashed(zone) &&
		    store_listing_below(txn, zone, k.data, k.len, now))
			nodata = 1;	/* empty non-terminal */
	}

	w_header(&w, &q, F_AA, R_NOERROR, 1);
	w_bytes(&w, p + 12, qend - 12);
	if (!found && !nodata) {
		rcode = R_NXDOMAIN;
		w.p[3] = (uint8_t)((w.p[3] & 0xf0) | R_NXDOMAIN);
	} else if (rel == 0) {
		if (q.qtype == T_SOA || q.qtype == T_ANY) {
			w_soa(&w, z, apex_off, serial);
			an++;
		} else if (q.qtype == T_NS) {
			for (i = 0; i < z->nns; i++) {
				size_t at = w_rr(&w, apex_off, T_NS, z->ttl);

				w_bytes(&w, z->ns[i], z->nslen[i]);
				w_rdlen(&w, at);
				an++;
			}
		}
	} else if (found) {
		if (q.qtype == T_A || q.qtype == T_ANY) {
			for (i = 0; i < l.n; i++, an++)
				w_a(&w, z->ttl, l.r[i].reason);
		} else if (q.qtype == T_TXT) {
			char text[LISTING_MAX * 160];
			size_t n;

			if (is_test_name(&q, rel))
				n = (size_t)snprintf(text, sizeof(text),
				    "127.0.0.2 test entry (RFC 5782)");
			else
				n = answer_txt(zone, &l, text, sizeof(text));
			w_txt(&w, z->ttl, text, n);
			an++;
		}
		if (an) {
			st->listed[zone]++;
			for (i = 0; i < l.n; i++)
				if (l.r[i].reason <= REASON_MAX)
					st->listed_code[zone][l.r[i].reason]++;
		}
	}
	if (an == 0) {
		/* NXDOMAIN or NODATA: the SOA tells how long to cache it. */
		w_soa(&w, z, apex_off, serial);
		ns = 1;
	}
	if (w.over) {
		/* Does not fit: keep the question, set TC (RFC 2181 9). */
		w.over = 0;
		w.len = qend;
		w.p[2] |= F_TC >> 8;
		an = ns = 0;
		st->truncated++;
	}
	set_count(&w, 0, an);
	set_count(&w, 1, ns);
	if (q.edns) {
		w.cap = limit;
		w_opt(&w, z, 0);
		set_count(&w, 2, 1);
	}
	count_rcode(st, zone, rcode);
	return w.over ? 0 : w.len;

done:
	w_header(&w, &q, 0, rcode, 1);
	w_bytes(&w, p + 12, qend - 12);
	if (q.edns) {
		w.cap = limit;
		w_opt(&w, z, 0);
		set_count(&w, 2, 1);
	}
	count_rcode(st, zone, rcode);
	return w.over ? 0 : w.len;
}

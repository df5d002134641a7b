/*
 * bench/answer_bench.c - is ldns fit for dnsd's hot path?  The same
 * answer (one listed hashed recipient, A query, EDNS) built two ways:
 *   fixed: answer_query() writing into a fixed buffer (what dnsd does)
 *   ldns:  ldns_wire2pkt + ldns_pkt/ldns_rr objects + ldns_pkt2wire
 * Both read the listing from the same LMDB store.  Prints ns per answer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>

#include <ldns/ldns.h>

#include "../dnsd/answer.h"
#include "log.h"
#include "store.h"
#include "util.h"

static struct zkey key;

static int
seed(struct store_txn *t, void *arg)
{
	(void)arg;
	zkey_from_text(ZONE_RCPT, "dead@example.org", &key);
	return store_assert(t, &key, 2, NULL, rb_now(), 0, 1, SCOPE_LOCAL);
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int
main(int argc, char *argv[])
{
	struct conf c;
	struct answer_zones z;
	struct answer_stats st;
	struct store *s;
	char err[256], dir[] = "/tmp/rebond-abench.XXXXXX";
	const char *qname = "ee71cd378b7e6e785330f7cca7e906454f5bb42a.rcpt.rebond.test.";
	ldns_pkt *qp;
	uint8_t *wire, out[4096];
	size_t wlen, n = 0;
	long i, iters = argc > 1 ? atol(argv[1]) : 1000000;
	double t0, fixed, vialdns;

	log_init("bench", 1, LOG_LVL_ERR);
	conf_defaults(&c);
	if (conf_finish(&c, err, sizeof(err)) || answer_zones_init(&z, &c, err,
	    sizeof(err)) || !mkdtemp(dir) || store_open(&s, dir, 1 << 20, 0,
	    err, sizeof(err)) || store_write(s, seed, NULL))
		fatalx("setup: %s", err);
	if (ldns_pkt_query_new_frm_str(&qp, qname, LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, LDNS_RD) != LDNS_STATUS_OK)
		fatalx("query");
	ldns_pkt_set_edns_udp_size(qp, 1232);
	if (ldns_pkt2wire(&wire, qp, &wlen) != LDNS_STATUS_OK)
		fatalx("pkt2wire");

	memset(&st, 0, sizeof(st));
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		struct store_txn *t = store_read(s);

		n += answer_query(&z, t, wire, wlen, out, sizeof(out), 0, 1,
		    rb_now(), &st);
		store_read_end(s);
	}
	fixed = (now_ns() - t0) / (double)iters;

	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		struct store_txn *t = store_read(s);
		ldns_pkt *q = NULL, *a;
		ldns_rr *rr;
		ldns_rdf *owner;
		struct listing l;
		uint8_t *aw;
		size_t alen;
		char *h;

		if (ldns_wire2pkt(&q, wire, wlen) != LDNS_STATUS_OK)
			fatalx("wire2pkt");
		owner = ldns_rdf_clone(ldns_rr_owner(ldns_rr_list_rr(
		    ldns_pkt_question(q), 0)));
		/* The key from the first label, as dnsd does. */
		h = ldns_rdf2str(owner);
		store_listing_get(t, &key, &l);
		free(h);
		a = ldns_pkt_new();
		ldns_pkt_set_id(a, ldns_pkt_id(q));
		ldns_pkt_set_qr(a, 1);
		ldns_pkt_set_aa(a, 1);
		ldns_pkt_push_rr(a, LDNS_SECTION_QUESTION, ldns_rr_clone(
		    ldns_rr_list_rr(ldns_pkt_question(q), 0)));
		rr = ldns_rr_new_frm_type(LDNS_RR_TYPE_A);
		ldns_rr_set_owner(rr, owner);
		ldns_rr_set_ttl(rr, 300);
		ldns_rr_set_rdf(rr, ldns_native2rdf_int32(LDNS_RDF_TYPE_A,
		    htonl(0x7f000002)), 0);
		ldns_pkt_push_rr(a, LDNS_SECTION_ANSWER, rr);
		ldns_pkt_set_edns_udp_size(a, 1232);
		if (ldns_pkt2wire(&aw, a, &alen) != LDNS_STATUS_OK)
			fatalx("answer pkt2wire");
		n += alen;
		free(aw);
		ldns_pkt_free(a);
		ldns_pkt_free(q);
		store_read_end(s);
	}
	vialdns = (now_ns() - t0) / (double)iters;
	printf("fixed buffer: %.0f ns/answer\nldns objects: %.0f ns/answer\n"
	    "ratio ldns/fixed: %.1fx  (%zu bytes written)\n", fixed, vialdns,
	    vialdns / fixed, n);
	free(wire);
	ldns_pkt_free(qp);
	store_close(s);
	conf_free(&c);
	return 0;
}

/*
 * dnsd/answer.h - one DNS query in, one answer out, from a fixed buffer.
 *
 * No allocation and no socket here: the server hands a packet and a
 * buffer, gets a length back (0 = drop).  This is also what the fuzz
 * target and the unit tests drive.
 */
#ifndef REBOND_ANSWER_H
#define REBOND_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "record.h"
#include "store.h"

#define DNS_MAXNAME	255
#define DNS_MAXMSG	65535

/* Zone data compiled from the configuration once, in wire form. */
struct answer_zones {
	uint8_t		apex[ZONE_COUNT][DNS_MAXNAME];	/* lower case */
	size_t		apexlen[ZONE_COUNT];
	int		apexlabels[ZONE_COUNT];
	uint8_t		ns[16][DNS_MAXNAME];
	size_t		nslen[16];
	int		nns;
	uint8_t		rname[DNS_MAXNAME];
	size_t		rnamelen;
	uint32_t	ttl;
	uint32_t	negative_ttl;
	uint16_t	edns_size;
};

/* Counters, for stats and metrics. */
enum { RC_NOERROR, RC_FORMERR, RC_SERVFAIL, RC_NXDOMAIN, RC_NOTIMP,
	RC_REFUSED, RC_OTHER, RC_COUNT };
struct answer_stats {
	uint64_t	queries;
	uint64_t	dropped;
	uint64_t	truncated;
	uint64_t	rcode[RC_COUNT];
	uint64_t	listed[ZONE_COUNT];	/* answered "listed" */
	uint64_t	zone_queries[ZONE_COUNT];
	/* rcode[] again by zone; [ZONE_COUNT]: outside the zones, not
	 * parsed, or refused before the name was looked at. */
	uint64_t	zone_rcode[ZONE_COUNT + 1][RC_COUNT];
	/* Listed answers by code (127.0.0.X), each code of an answer. */
	uint64_t	listed_code[ZONE_COUNT][REASON_MAX + 1];
};

/* 0 or RB_EINVAL with err set. */
int	answer_zones_init(struct answer_zones *z, const struct conf *c,
	    char *err, size_t errlen);

/*
 * Answer the query q[0..qlen) into out (capacity cap >= 512).
 * txn: a read transaction of the store, or NULL (then SERVFAIL for names
 * that need it).  tcp: the answer goes over TCP (no 512/EDNS limit).
 * allowed: the client passed the ACL (else REFUSED).  now: for expiry.
 * Returns the answer length, or 0 when the packet must be dropped.
 */
size_t	answer_query(const struct answer_zones *z, struct store_txn *txn,
	    const uint8_t *q, size_t qlen, uint8_t *out, size_t cap, int tcp,
	    int allowed, int64_t now, struct answer_stats *st);

/* Text of the TXT answer for a listing (for rebondctl too). */
size_t	answer_txt(int zone, const struct listing *l, char *buf, size_t len);

#endif

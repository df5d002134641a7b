/*
 * zones/record.h - the record model shared by rebondctl, the feeder and
 * sync: what a node asserts about one key of one zone.
 *
 * A record is created by its origin (this node or a peer), numbered by
 * the origin's sequence, and carries one reason (the last octet of the A
 * answer, 127.0.0.<reason>) or, with REC_DELETE, withdraws the origin's
 * earlier records for the key (all reasons when reason is 0).  Times are
 * Unix seconds rounded down to the hour: a precise time helps to
 * re-identify a person, and records may leave the node.
 */
#ifndef REBOND_RECORD_H
#define REBOND_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

enum zone {
	ZONE_RCPT = 0,		/* hashed recipient addresses */
	ZONE_RDOM = 1,		/* recipient domains */
	ZONE_SDOM = 2,		/* sender domains */
	ZONE_SNDR = 3,		/* hashed sender addresses */
	ZONE_COUNT
};

/* Reasons are the last octet of 127.0.0.X; their meaning depends on the
 * zone's side (recipient or sender), see DESIGN section 2. */
enum reason {
	REASON_NONE = 0,
	REASON_2 = 2, REASON_3 = 3, REASON_4 = 4, REASON_5 = 5, REASON_6 = 6,
	REASON_OPERATOR = 10,
	REASON_MAX = 10
};

enum scope { SCOPE_LOCAL = 0, SCOPE_PEERS = 1, SCOPE_FEDERATION = 2 };

#define REC_DELETE	0x01

/* A zone key: the 20-byte hash for hashed zones, the domain with its
 * labels reversed ("org.example") for domain zones, so that every name
 * below a domain shares its prefix in the store. */
struct zkey {
	uint8_t	 zone;
	uint8_t	 len;
	uint8_t	 data[DOMAIN_MAX + 1];
};

/* An enhanced status code such as 5.1.1 (RFC 3463); all zero if none. */
struct status {
	uint8_t	 klass;
	uint16_t subject;
	uint16_t detail;
};

struct record {
	uint32_t	origin;		/* store-local origin id, 0 = this node */
	uint64_t	seq;		/* origin's sequence number, from 1 */
	struct zkey	key;
	uint8_t		reason;
	uint8_t		flags;		/* REC_DELETE */
	uint8_t		scope;
	struct status	status;
	int64_t		first;		/* first seen, hour-rounded */
	int64_t		last;		/* last seen, hour-rounded */
	int64_t		expires;	/* 0 = never */
	uint32_t	count;		/* events behind it */
};

/* Canonical binary encoding: what is stored in the record log and what
 * an origin signs.  Fixed layout, big-endian; see doc/PROTOCOL.md. */
#define RECORD_ENC_MAX	(1 + 1 + 1 + DOMAIN_MAX + 1 + 1 + 1 + 5 + 8 * 4 + 4)
size_t	record_encode(const struct record *, uint8_t *buf, size_t bufsz);
/* 0 or RB_EINVAL; origin is left untouched (it is not encoded). */
int	record_decode(const uint8_t *buf, size_t len, struct record *);

/* Zone names as used on the command line: rcpt, rdom, sdom, sndr. */
const char *zone_name(int zone);
int	zone_from_name(const char *name);	/* zone or RB_EINVAL */
int	zone_is_hashed(int zone);

/* One line of explanation for reason r in zone z, e.g. "hard bounce". */
const char *reason_text(int zone, int reason);
/* Accepts "2", "127.0.0.2", or a keyword (hard, soft, recent, complaint,
 * spam, operator, ...).  Returns the reason or RB_EINVAL. */
int	reason_parse(int zone, const char *s);
int	reason_valid(int zone, int reason);

const char *scope_name(int scope);
int	scope_parse(const char *s);

/* "5.1.1" <-> struct status.  status_parse: 0 or RB_EINVAL. */
int	status_parse(const char *s, struct status *);
void	status_format(const struct status *, char *buf, size_t len);

/* Build a key from what an operator types: an address (hashed) or 40 hex
 * digits for hashed zones, a domain for domain zones.  0 or RB_EINVAL. */
int	zkey_from_text(int zone, const char *text, struct zkey *);
/* Hex hash or domain in normal order; buf >= DOMAIN_MAX + 1. */
void	zkey_to_text(const struct zkey *, char *buf, size_t len);

/* Round down to the hour. */
int64_t	hour_floor(int64_t t);

#endif

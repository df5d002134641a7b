/*
 * zones/policy.h - the listing policy: from the evidence that origins
 * assert about one key to the answer DNS gives.
 *
 * Rules, in order:
 *  - an origin the operator trusts as "observe", or that is quarantined,
 *    never lists;
 *  - evidence past its expiry does not count;
 *  - a deletion by this node (an address seen delivering again, or the
 *    operator delisting it) hides peer evidence last seen before it;
 *  - evidence from this node or a "full" peer lists;
 *  - evidence from a "partial" peer lists only if another origin
 *    (this node or any non-observe peer) asserts the key too.
 */
#ifndef REBOND_POLICY_H
#define REBOND_POLICY_H

#include <stdint.h>

#include "record.h"

enum trust { TRUST_FULL = 0, TRUST_PARTIAL = 1, TRUST_OBSERVE = 2 };

#define LISTING_MAX	8	/* distinct reasons a key can carry */

struct listing_reason {
	uint8_t		reason;
	uint16_t	nrelays;	/* origins behind it */
	struct status	status;		/* of the most recent evidence */
	int64_t		first;
	int64_t		last;
	int64_t		expires;	/* 0 = never */
	uint32_t	count;
};

/* What DNS serves for one key; reasons in increasing order. */
struct listing {
	int			n;
	struct listing_reason	r[LISTING_MAX];
};

/* One row of evidence: an origin's latest record for (key, reason). */
struct evidence {
	uint32_t	origin;
	uint8_t		trust;		/* enum trust, 0 for this node */
	uint8_t		quarantined;
	struct record	rec;		/* rec.reason 0 + REC_DELETE: tombstone */
};

/* Why each reason is or is not listed, for rebondctl explain. */
enum policy_verdict {
	PV_COUNTS = 0,		/* counted */
	PV_EXPIRED,
	PV_OBSERVE,
	PV_QUARANTINED,
	PV_DELISTED,		/* older than this node's deletion */
	PV_UNCORROBORATED,	/* partial trust alone */
	PV_TOMBSTONE,		/* the deletion itself */
};
const char *policy_verdict_text(int verdict);

/* Compute the listing for one key from n evidence rows at time now.
 * verdicts, if not NULL, receives one verdict per row.  Returns the
 * number of reasons listed (out->n). */
int	policy_compute(const struct evidence *ev, int n, int64_t now,
	    struct listing *out, uint8_t *verdicts);

/* Drop reasons expired at now; returns the number left. */
int	listing_active(struct listing *l, int64_t now);

/* Store encoding of a listing. */
#define LISTING_ENC_MAX	(2 + LISTING_MAX * 36)
size_t	listing_encode(const struct listing *, uint8_t *buf, size_t len);
int	listing_decode(const uint8_t *buf, size_t len, struct listing *);

#endif

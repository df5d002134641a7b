/* zones/policy.c - see policy.h */
#include "config.h"

#include <string.h>

#include "policy.h"
#include "util.h"

#define LISTING_VERSION	1
#define REASON_ENC	36

const char *
policy_verdict_text(int v)
{
	switch (v) {
	case PV_COUNTS:		return "counts";
	case PV_EXPIRED:	return "expired";
	case PV_OBSERVE:	return "ignored: origin trusted as observe";
	case PV_QUARANTINED:	return "ignored: origin quarantined";
	case PV_DELISTED:	return "ignored: older than this node's delisting";
	case PV_UNCORROBORATED:	return "ignored: partial trust, not corroborated";
	case PV_TOMBSTONE:	return "delisting by this node";
	}
	return "?";
}

static int
expired(const struct record *r, int64_t now)
{
	return r->expires != 0 && r->expires <= now;
}

int
policy_compute(const struct evidence *ev, int n, int64_t now,
    struct listing *out, uint8_t *verdicts)
{
	uint8_t v[256];
	int64_t tomb = -1;
	uint32_t origins[64];
	int norigins = 0, i, j;

	memset(out, 0, sizeof(*out));
	if (n > (int)sizeof(v))
		n = sizeof(v);
	for (i = 0; i < n; i++)
		if (ev[i].origin == 0 && (ev[i].rec.flags & REC_DELETE) &&
		    ev[i].rec.last > tomb)
			tomb = ev[i].rec.last;

	/* First pass: what each row is worth on its own. */
	for (i = 0; i < n; i++) {
		const struct evidence *e = &ev[i];

		if (e->rec.flags & REC_DELETE)
			v[i] = PV_TOMBSTONE;
		else if (expired(&e->rec, now))
			v[i] = PV_EXPIRED;
		else if (e->origin != 0 && e->quarantined)
			v[i] = PV_QUARANTINED;
		else if (e->origin != 0 && e->trust == TRUST_OBSERVE)
			v[i] = PV_OBSERVE;
		else if (e->origin != 0 && e->rec.last <= tomb)
			v[i] = PV_DELISTED;
		else {
			v[i] = PV_COUNTS;
			for (j = 0; j < norigins; j++)
				if (origins[j] == e->origin)
					break;
			if (j == norigins && norigins < 64)
				origins[norigins++] = e->origin;
		}
	}
	/* Partial trust needs a second origin asserting the same key. */
	for (i = 0; i < n; i++)
		if (v[i] == PV_COUNTS && ev[i].origin != 0 &&
		    ev[i].trust == TRUST_PARTIAL && norigins < 2)
			v[i] = PV_UNCORROBORATED;

	for (i = 0; i < n; i++) {
		const struct record *r = &ev[i].rec;
		struct listing_reason *lr = NULL;

		if (v[i] != PV_COUNTS)
			continue;
		for (j = 0; j < out->n; j++)
			if (out->r[j].reason == r->reason)
				lr = &out->r[j];
		if (lr == NULL) {
			if (out->n == LISTING_MAX)
				continue;
			/* Keep reasons sorted. */
			for (j = out->n; j > 0 &&
			    out->r[j - 1].reason > r->reason; j--)
				out->r[j] = out->r[j - 1];
			lr = &out->r[j];
			out->n++;
			memset(lr, 0, sizeof(*lr));
			lr->reason = r->reason;
			lr->first = r->first;
			lr->status = r->status;
			lr->last = r->last;
			lr->expires = r->expires;
		} else {
			if (r->first < lr->first)
				lr->first = r->first;
			if (r->last >= lr->last) {
				lr->last = r->last;
				lr->status = r->status;
			}
			if (lr->expires != 0 &&
			    (r->expires == 0 || r->expires > lr->expires))
				lr->expires = r->expires;
		}
		lr->nrelays++;
		lr->count += r->count;
	}
	if (verdicts)
		memcpy(verdicts, v, (size_t)n);
	return out->n;
}

int
listing_active(struct listing *l, int64_t now)
{
	int i, k = 0;

	for (i = 0; i < l->n; i++)
		if (l->r[i].expires == 0 || l->r[i].expires > now)
			l->r[k++] = l->r[i];
	l->n = k;
	return k;
}

size_t
listing_encode(const struct listing *l, uint8_t *buf, size_t len)
{
	uint8_t *p = buf;
	int i;

	if (len < LISTING_ENC_MAX || l->n < 0 || l->n > LISTING_MAX)
		return 0;
	*p++ = LISTING_VERSION;
	*p++ = (uint8_t)l->n;
	for (i = 0; i < l->n; i++) {
		const struct listing_reason *r = &l->r[i];

		*p++ = r->reason;
		*p++ = r->status.klass;
		p = be_put(p, r->status.subject, 2);
		p = be_put(p, r->status.detail, 2);
		p = be_put(p, r->nrelays, 2);
		p = be_put(p, r->count, 4);
		p = be_put(p, (uint64_t)r->first, 8);
		p = be_put(p, (uint64_t)r->last, 8);
		p = be_put(p, (uint64_t)r->expires, 8);
	}
	return (size_t)(p - buf);
}

int
listing_decode(const uint8_t *buf, size_t len, struct listing *l)
{
	int i;

	if (len < 2 || buf[0] != LISTING_VERSION || buf[1] > LISTING_MAX ||
	    len != 2 + (size_t)buf[1] * REASON_ENC)
		return RB_EINVAL;
	l->n = buf[1];
	buf += 2;
	for (i = 0; i < l->n; i++, buf += REASON_ENC) {
		struct listing_reason *r = &l->r[i];

		r->reason = buf[0];
		r->status.klass = buf[1];
		r->status.subject = (uint16_t)be_get(buf + 2, 2);
		r->status.detail = (uint16_t)be_get(buf + 4, 2);
		r->nrelays = (uint16_t)be_get(buf + 6, 2);
		r->count = (uint32_t)be_get(buf + 8, 4);
		r->first = (int64_t)be_get(buf + 12, 8);
		r->last = (int64_t)be_get(buf + 20, 8);
		r->expires = (int64_t)be_get(buf + 28, 8);
	}
	return RB_OK;
}

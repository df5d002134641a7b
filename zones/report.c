/* zones/report.c - see report.h */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "report.h"
#include "store.h"
#include "util.h"

size_t
report_encode(const struct report *r, uint8_t *buf, size_t len)
{
	size_t sl = strlen(r->sender), ql = strlen(r->queue_id), n;
	uint8_t *p = buf;

	if (r->key.zone >= ZONE_COUNT || r->key.len == 0 ||
	    r->key.len > DOMAIN_MAX || sl > ADDR_MAX || ql > REPORT_QID_MAX ||
	    !reason_valid(r->key.zone, r->reason) || r->time < 0)
		return 0;
	n = 1 + REPORT_TXID + 2 + r->key.len + 1 + 5 + 8 + 2 + sl + 1 + ql;
	if (n > len)
		return 0;
	*p++ = REPORT_VERSION;
	memcpy(p, r->txid, REPORT_TXID);
	p += REPORT_TXID;
	*p++ = r->key.zone;
	*p++ = r->key.len;
	memcpy(p, r->key.data, r->key.len);
	p += r->key.len;
	*p++ = r->reason;
	*p++ = r->status.klass;
	p = be_put(p, r->status.subject, 2);
	p = be_put(p, r->status.detail, 2);
	p = be_put(p, (uint64_t)r->time, 8);
	p = be_put(p, sl, 2);
	memcpy(p, r->sender, sl);
	p += sl;
	*p++ = (uint8_t)ql;
	memcpy(p, r->queue_id, ql);
	p += ql;
	return (size_t)(p - buf);
}

/* Printable, no blank: what a sender or a queue id may hold. */
static int
printable(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return 0;
	return 1;
}

int
report_decode(const uint8_t *buf, size_t len, struct report *r)
{
	const uint8_t *p = buf, *end = buf + len;
	size_t kl, sl, ql;

	memset(r, 0, sizeof(*r));
	if (len < 1 + REPORT_TXID + 2 || p[0] != REPORT_VERSION)
		return RB_EINVAL;
	p++;
	memcpy(r->txid, p, REPORT_TXID);
	p += REPORT_TXID;
	r->key.zone = *p++;
	kl = *p++;
	if (r->key.zone >= ZONE_COUNT || kl == 0 || kl > DOMAIN_MAX ||
	    (zone_is_hashed(r->key.zone) && kl != HASH_LEN) ||
	    (size_t)(end - p) < kl + 1 + 5 + 8 + 2)
		return RB_EINVAL;
	r->key.len = (uint8_t)kl;
	memcpy(r->key.data, p, kl);
	if (!zone_is_hashed(r->key.zone) && !printable(p, kl))
		return RB_EINVAL;
	p += kl;
	r->reason = *p++;
	if (!reason_valid(r->key.zone, r->reason))
		return RB_EINVAL;
	r->status.klass = *p++;
	r->status.subject = (uint16_t)be_get(p, 2);
	r->status.detail = (uint16_t)be_get(p + 2, 2);
	p += 4;
	r->time = (int64_t)be_get(p, 8);
	p += 8;
	if (r->time < 0)
		return RB_EINVAL;
	sl = (size_t)be_get(p, 2);
	p += 2;
	if (sl > ADDR_MAX || (size_t)(end - p) < sl + 1 ||
	    !printable(p, sl))
		return RB_EINVAL;
	memcpy(r->sender, p, sl);
	p += sl;
	ql = *p++;
	if (ql > REPORT_QID_MAX || (size_t)(end - p) != ql ||
	    !printable(p, ql))
		return RB_EINVAL;
	memcpy(r->queue_id, p, ql);
	return RB_OK;
}

int
report_queue(struct store_txn *t, uint32_t peer, struct report *r)
{
	uint8_t k[1 + 4 + REPORT_TXID], v[REPORT_MAX];
	size_t n;

	randombytes_buf(r->txid, sizeof(r->txid));
	if ((n = report_encode(r, v, sizeof(v))) == 0)
		return RB_EINVAL;
	k[0] = REPORT_K_QUEUE;
	be_put(k + 1, peer, 4);
	memcpy(k + 5, r->txid, REPORT_TXID);
	return store_kv_put(t, KV_SYNC, k, sizeof(k), v, n);
}

/* sync/apply.c - see apply.h */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "batch.h"
#include "key.h"
#include "log.h"
#include "peer.h"
#include "policy.h"
#include "serve.h"
#include "util.h"

struct apply_ctx {
	uint32_t		 sender;
	const uint8_t		*buf;
	size_t			 len;
	struct batch		*b;
	struct apply_result	*res;
	char			*why;
	size_t			 whylen;
	char			 sname[64];	/* the sender's name */
};

static int
same_record(const struct record *a, const struct record *b)
{
	uint8_t ea[RECORD_ENC_MAX], eb[RECORD_ENC_MAX];
	size_t la, lb;

	la = record_encode(a, ea, sizeof(ea));
	lb = record_encode(b, eb, sizeof(eb));
	return la == lb && la != 0 && memcmp(ea, eb, la) == 0;
}

static int
do_apply(struct store_txn *t, void *arg)
{
	struct apply_ctx *x = arg;
	struct batch *b = x->b;
	struct apply_result *res = x->res;
	struct peer sender;
	struct origin self, o;
	uint32_t i;
	int rc;

	/* store_write() may run this again from the start. */
	memset(res, 0, sizeof(*res));
	if ((rc = peer_get_id(t, x->sender, &sender)) != RB_OK) {
		snprintf(x->why, x->whylen, "origin #%u is not a configured "
		    "peer", x->sender);
		return rc == RB_ENOENT ? RB_EINVAL : rc;
	}
	snprintf(x->sname, sizeof(x->sname), "%s", sender.origin.name);
	if ((rc = store_origin_get(t, 0, &self)) != RB_OK)
		return rc;
	if (memcmp(self.key, b->pk, 32) == 0) {
		snprintf(x->why, x->whylen, "%s served this node's own "
		    "records", x->sname);
		return RB_EINVAL;
	}
	rc = store_origin_find_key(t, b->pk, &o);
	if (rc == RB_ENOENT) {
		/* Unknown origin: only relayed federation records. */
		if (!b->relayable) {
			snprintf(x->why, x->whylen, "%s relayed records of "
			    "scope peers of an unknown origin", x->sname);
			return RB_EINVAL;
		}
		memset(&o, 0, sizeof(o));
		memcpy(o.key, b->pk, 32);
		o.trust = TRUST_OBSERVE;
		peer_anon_name(b->pk, o.name, sizeof(o.name));
		if ((rc = store_origin_add(t, &o)) != RB_OK)
			return rc;
		res->created = 1;
	} else if (rc != RB_OK)
		return rc;
	res->origin = o.id;
	if (o.id != x->sender && !b->relayable) {
		snprintf(x->why, x->whylen, "%s relayed records of scope peers "
		    "of origin %s", x->sname, o.name);
		return RB_EINVAL;
	}
	if (o.flags & ORIGIN_QUARANTINED) {
		snprintf(x->why, x->whylen, "origin %s is quarantined (fork); "
		    "its batches are refused", o.name);
		return RB_EBUSY;
	}
	if (b->from > o.last_seq + 1) {
		snprintf(x->why, x->whylen, "gap: origin %s, have up to %"
		    PRIu64 ", batch starts at %" PRIu64, o.name, o.last_seq,
		    b->from);
		return RB_ERANGE;
	}
	for (i = 0; i < b->count; i++) {
		struct record r = b->rec[i], have;

		r.origin = o.id;
		rc = store_record_get(t, o.id, r.seq, &have);
		if (rc == RB_OK) {
			if (!same_record(&r, &have)) {
				res->fork_seq = r.seq;
				snprintf(x->why, x->whylen, "fork: origin %s "
				    "signed two different records for seq %"
				    PRIu64, o.name, r.seq);
				return RB_EEXIST;
			}
			res->skipped++;
			continue;
		}
		if (rc != RB_ENOENT)
			return rc;
		if (r.seq <= o.last_seq) {
			/* Passed over by an earlier batch that did not
			 * carry it: applying it now could undo newer
			 * records. */
			res->skipped++;
			continue;
		}
		if ((rc = store_record_add(t, &r)) != RB_OK)
			return rc;
		res->applied++;
	}
	if (b->to > o.last_seq) {
		o.last_seq = b->to;
		if ((rc = store_origin_put(t, &o)) != RB_OK)
			return rc;
	}
	res->last_seq = o.last_seq;
	if (b->relayable) {
		if ((rc = serve_keep(t, o.id, x->buf, x->len)) != RB_OK)
			return rc;
		res->kept = 1;
	}
	return RB_OK;
}

struct quarantine_ctx {
	uint32_t	origin;
};

static int
do_quarantine(struct store_txn *t, void *arg)
{
	struct quarantine_ctx *q = arg;
	struct origin o;
	int rc;

	if ((rc = store_origin_get(t, q->origin, &o)) != RB_OK)
		return rc;
	o.flags |= ORIGIN_QUARANTINED;
	return store_origin_put(t, &o);
}

struct many_ctx {
	uint32_t		 sender;
	struct batch		*b;
	const uint8_t *const	*bufs;
	const size_t		*lens;
	size_t			 n;
	struct apply_result	*res;
	char			*why;
	size_t			 whylen;
};

static int
do_apply_many(struct store_txn *t, void *arg)
{
	struct many_ctx *m = arg;
	struct apply_ctx x;
	size_t i;
	int rc;

	for (i = 0; i < m->n; i++) {
		memset(&x, 0, sizeof(x));
		x.sender = m->sender;
		x.buf = m->bufs[i];
		x.len = m->lens[i];
		x.b = &m->b[i];
		x.res = &m->res[i];
		x.why = m->why;
		x.whylen = m->whylen;
		if ((rc = do_apply(t, &x)) != RB_OK)
			return rc;
	}
	return RB_OK;
}

int
apply_batches(struct store *s, uint32_t sender, const uint8_t *const *bufs,
    const size_t *lens, size_t n, struct apply_result *res, char *why,
    size_t whylen)
{
	struct many_ctx m;
	const char *bwhy = "?";
	size_t i, nb;
	int rc = RB_OK;

	if (whylen > 0)
		why[0] = '\0';
	memset(res, 0, n * sizeof(*res));
	memset(&m, 0, sizeof(m));
	m.b = xcalloc(n ? n : 1, sizeof(*m.b));
	for (nb = 0; nb < n; nb++)
		if ((rc = batch_verify(bufs[nb], lens[nb], &m.b[nb], &bwhy)) !=
		    RB_OK) {
			snprintf(why, whylen, "bad batch: %s", bwhy);
			break;
		}
	if (rc == RB_OK) {
		m.sender = sender;
		m.bufs = bufs;
		m.lens = lens;
		m.n = n;
		m.res = res;
		m.why = why;
		m.whylen = whylen;
		rc = store_write(s, do_apply_many, &m);
	}
	for (i = 0; i < nb; i++)
		batch_free(&m.b[i]);
	free(m.b);
	return rc;
}

int
apply_batch(struct store *s, uint32_t sender, const uint8_t *buf,
    size_t len, struct apply_result *res, char *why, size_t whylen)
{
	struct apply_ctx x;
	struct batch b;
	const char *bwhy = "?";
	char id[KEY_B64_LEN + 1];
	int rc;

	memset(res, 0, sizeof(*res));
	if (whylen > 0)
		why[0] = '\0';
	if ((rc = batch_verify(buf, len, &b, &bwhy)) != RB_OK) {
		snprintf(why, whylen, "bad batch: %s", bwhy);
		return rc;
	}
	memset(&x, 0, sizeof(x));
	x.sender = sender;
	x.buf = buf;
	x.len = len;
	x.b = &b;
	x.res = res;
	x.why = why;
	x.whylen = whylen;
	rc = store_write(s, do_apply, &x);
	if (rc == RB_EEXIST && res->fork_seq != 0) {
		struct quarantine_ctx q = { res->origin };
		int qrc = store_write(s, do_quarantine, &q);

		key_pubkey_b64(b.pk, id, sizeof(id));
		log_warnx("FORK: origin %s signed two different records for "
		    "seq %" PRIu64 " (batch served by %s): origin QUARANTINED%s"
		    ", its records no longer count", id, res->fork_seq,
		    x.sname, qrc == RB_OK ? "" : " (FAILED to record it)");
	} else if (rc != RB_OK && why[0] == '\0')
		snprintf(why, whylen, "store: %s", rb_strerror(rc));
	batch_free(&b);
	return rc;
}

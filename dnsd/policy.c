/* dnsd/policy.c - see policy.h */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "policy.h"
#include "util.h"

#define THROTTLE_WAYS	8	/* slots a key may use: evict the oldest */
#define WARN_WINDOW	60

/* The default table of policy.h, and of the options' defaults in
 * zones/conf.c (tests/dnsd/test_policy.c checks that they agree). */
struct def_action {
	uint8_t	reason;
	uint8_t	mailbox, bulk;
};
static const struct def_action def_rcpt[] = {
	{ 2, PA_REJECT, PA_REJECT },	/* does not exist */
	{ 3, PA_DUNNO, PA_DEFER },	/* repeated soft bounces */
	{ 4, PA_DUNNO, PA_DEFER },	/* recent soft bounce */
	{ 5, PA_REJECT, PA_REJECT },	/* complained */
	{ 10, PA_REJECT, PA_REJECT },	/* listed by the operator */
	{ 0, 0, 0 }
};
static const struct def_action def_sndr[] = {
	{ 2, PA_HOLD, PA_REJECT },	/* hard-bounce rate */
	{ 3, PA_HOLD, PA_REJECT },	/* complaint rate */
	{ 4, PA_THROTTLE, PA_THROTTLE },	/* unusual volume */
	{ 5, PA_HOLD, PA_REJECT },	/* sends to listed recipients */
	{ 6, PA_HOLD, PA_REJECT },	/* refused as spam */
	{ 10, PA_HOLD, PA_HOLD },	/* held by the operator */
	{ 0, 0, 0 }
};

static const char *const action_names[PA_COUNT] = {
	"dunno", "warn", "throttle", "hold", "defer", "reject"
};

const char *
policy_action_name(int a)
{
	return a >= 0 && a < PA_COUNT ? action_names[a] : "?";
}

int
policy_action_parse(const char *s)
{
	int a;

	for (a = 0; a < PA_COUNT; a++)
		if (strcasecmp(s, action_names[a]) == 0)
			return a;
	if (strcasecmp(s, "defer_if_permit") == 0)
		return PA_DEFER;
	return RB_EINVAL;
}

void
policy_warn(struct policy *p, int64_t now, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (now - p->warn_start >= WARN_WINDOW || now < p->warn_start) {
		if (p->warn_suppressed > 0)
			log_warnx("policy: %llu more warnings in the last "
			    "minute were not logged",
			    (unsigned long long)p->warn_suppressed);
		p->warn_start = now;
		p->warn_n = 0;
		p->warn_suppressed = 0;
	}
	if (p->warn_n >= POLICY_WARN_BURST) {
		p->warn_suppressed++;
		return;
	}
	p->warn_n++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warnx("policy: %s", buf);
}

/* ---- the reader ---- */

void
policy_reader_init(struct policy_reader *rd)
{
	rd->len = rd->total = rd->linelen = 0;
	rd->line0 = '\0';
	rd->oversize = rd->done = 0;
}

int
policy_reader_busy(const struct policy_reader *rd)
{
	return !rd->done && rd->total > 0;
}

int
policy_read(struct policy_reader *rd, const void *data, size_t len,
    size_t *used)
{
	const char *d = data;
	size_t i;

	if (rd->done)
		policy_reader_init(rd);
	for (i = 0; i < len; i++) {
		char c = d[i];

		rd->total++;
		if (rd->len < sizeof(rd->buf))
			rd->buf[rd->len++] = c;
		else
			rd->oversize = 1;
		if (c == '\n') {
			/* A blank line, LF or CRLF, ends the request. */
			if (rd->linelen == 0 ||
			    (rd->linelen == 1 && rd->line0 == '\r')) {
				rd->done = 1;
				*used = i + 1;
				return PR_REQUEST;
			}
			rd->linelen = 0;
			continue;
		}
		if (rd->linelen++ == 0)
			rd->line0 = c;
		if (rd->oversize && rd->total > POLICY_JUNK_MAX) {
			*used = i + 1;
			return PR_CLOSE;
		}
	}
	*used = len;
	return PR_MORE;
}

/* ---- parsing ---- */

static void
setval(char *dst, size_t dstsz, const char *v, size_t vlen, int *longp)
{
	if (vlen >= dstsz) {
		vlen = dstsz - 1;
		if (longp)
			*longp = 1;
	} else if (longp)
		*longp = 0;
	memcpy(dst, v, vlen);
	dst[vlen] = '\0';
}

/* Printable ASCII for what may reach a log line. */
static void
printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			*s = '?';
}

static int
parse_state(const char *v, size_t n)
{
	static const struct { const char *name; int state; } states[] = {
		{ "CONNECT", PS_CONNECT }, { "EHLO", PS_HELO },
		{ "HELO", PS_HELO }, { "MAIL", PS_MAIL }, { "RCPT", PS_RCPT },
		{ "DATA", PS_DATA }, { "END-OF-MESSAGE", PS_EOM },
		{ "VRFY", PS_VRFY }, { "ETRN", PS_ETRN }, { NULL, 0 }
	};
	int i;

	for (i = 0; states[i].name; i++)
		if (strlen(states[i].name) == n &&
		    strncasecmp(states[i].name, v, n) == 0)
			return states[i].state;
	return PS_OTHER;
}

static int
name_is(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(name, want, n) == 0;
}

int
policy_parse(const char *buf, size_t len, struct policy_req *r)
{
	const char *p = buf, *end = buf + len;
	int rc = RB_OK;

	memset(r, 0, sizeof(*r));
	if (len > POLICY_REQ_MAX)
		return RB_ERANGE;
	if (memchr(buf, '\0', len) != NULL)
		rc = RB_EINVAL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end, *eq, *v;
		size_t n, vlen;

		n = (size_t)(eol - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break;			/* the blank line: the end */
		if (++r->nattr > POLICY_ATTR_MAX)
			return RB_ERANGE;
		eq = memchr(p, '=', n);
		if (eq == NULL || eq == p) {
			rc = RB_EINVAL;		/* not name=value */
			p = nl ? nl + 1 : end;
			continue;
		}
		v = eq + 1;
		vlen = (size_t)(p + n - v);
		n = (size_t)(eq - p);
		if (name_is(p, n, "request"))
			r->is_policy = vlen == 19 &&
			    memcmp(v, "smtpd_access_policy", 19) == 0;
		else if (name_is(p, n, "protocol_state"))
			r->state = parse_state(v, vlen);
		else if (name_is(p, n, "sender"))
			setval(r->sender, sizeof(r->sender), v, vlen,
			    &r->sender_long);
		else if (name_is(p, n, "recipient"))
			setval(r->recipient, sizeof(r->recipient), v, vlen,
			    &r->recipient_long);
		else if (name_is(p, n, "sasl_username"))
			setval(r->sasl_username, sizeof(r->sasl_username), v,
			    vlen, &r->sasl_long);
		else if (name_is(p, n, "queue_id"))
			setval(r->queue_id, sizeof(r->queue_id), v, vlen,
			    NULL);
		else if (name_is(p, n, "client_address"))
			setval(r->client_address, sizeof(r->client_address), v,
			    vlen, NULL);
		/* Anything else is ignored, as Postfix requires. */
		p = nl ? nl + 1 : end;
	}
	printable(r->queue_id);
	printable(r->client_address);
	if (rc == RB_OK && (r->nattr == 0 || !r->is_policy))
		rc = RB_EINVAL;
	return rc;
}

/* ---- configuration ---- */

static void
defaults(uint8_t t[2][REASON_MAX + 1], const struct def_action *d)
{
	memset(t, PA_DUNNO, 2 * (REASON_MAX + 1));
	for (; d->reason; d++) {
		t[PC_MAILBOX][d->reason] = d->mailbox;
		t[PC_BULK][d->reason] = d->bulk;
	}
}

static int
apply(uint8_t *t, const struct strlist *l, int zone, const char *opt,
    char *err, size_t errlen)
{
	int i;

	for (i = 0; i < l->n; i++) {
		char code[32];
		const char *w = l->v[i], *eq = strchr(w, '=');
		int reason, action;

		if (eq == NULL || (size_t)(eq - w) >= sizeof(code)) {
			snprintf(err, errlen, "policy-service: %s: expected "
			    "CODE=ACTION, got '%s'", opt, w);
			return RB_EINVAL;
		}
		memcpy(code, w, (size_t)(eq - w));
		code[eq - w] = '\0';
		if ((reason = reason_parse(zone, code)) < 0 ||
		    reason > REASON_MAX) {
			snprintf(err, errlen, "policy-service: %s: '%s' is not "
			    "a code of the %s zones", opt, code,
			    zone == ZONE_RCPT ? "recipient" : "sender");
			return RB_EINVAL;
		}
		if ((action = policy_action_parse(eq + 1)) < 0) {
			snprintf(err, errlen, "policy-service: %s: '%s' is not "
			    "one of dunno, warn, hold, defer, reject, throttle",
			    opt, eq + 1);
			return RB_EINVAL;
		}
		t[reason] = (uint8_t)action;
	}
	return RB_OK;
}

int
policy_init(struct policy *p, const struct conf *c, char *err,
    size_t errlen)
{
	struct policy_conf *pc = &p->conf;
	size_t n;
	int i;

	memset(p, 0, sizeof(*p));
	defaults(pc->rcpt, def_rcpt);
	defaults(pc->sndr, def_sndr);
	if (apply(pc->rcpt[PC_MAILBOX], &c->rcpt_actions, ZONE_RCPT,
	    "rcpt-actions", err, errlen) != RB_OK ||
	    apply(pc->rcpt[PC_BULK], &c->bulk_rcpt_actions, ZONE_RCPT,
	    "bulk-rcpt-actions", err, errlen) != RB_OK ||
	    apply(pc->sndr[PC_MAILBOX], &c->sender_actions, ZONE_SNDR,
	    "sender-actions", err, errlen) != RB_OK ||
	    apply(pc->sndr[PC_BULK], &c->bulk_sender_actions, ZONE_SNDR,
	    "bulk-sender-actions", err, errlen) != RB_OK)
		return RB_EINVAL;
	if (strcasecmp(c->unauthenticated, "bulk") == 0)
		pc->unauth_class = PC_BULK;
	else if (strcasecmp(c->unauthenticated, "mailbox") == 0)
		pc->unauth_class = PC_MAILBOX;
	else {
		snprintf(err, errlen, "policy-service: unauthenticated: "
		    "expected bulk or mailbox, got '%s'", c->unauthenticated);
		return RB_EINVAL;
	}
	pc->throttle_rate = c->throttle_rate > 0 ? c->throttle_rate : 1;
	/* One line of printable ASCII: it goes into an SMTP reply. */
	n = strlen(c->reject_message);
	if (n >= sizeof(pc->message))
		n = sizeof(pc->message) - 1;
	memcpy(pc->message, c->reject_message, n);
	pc->message[n] = '\0';
	for (i = 0; pc->message[i]; i++)
		if ((unsigned char)pc->message[i] < 0x20 ||
		    (unsigned char)pc->message[i] > 0x7e)
			pc->message[i] = '?';
	pc->bulk = xcalloc((size_t)c->bulk_senders.n + 1, sizeof(char *));
	for (i = 0; i < c->bulk_senders.n; i++) {
		char *s = xstrdup(c->bulk_senders.v[i]), *q;

		for (q = s; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
		pc->bulk[pc->nbulk++] = s;
	}
	p->throttle = xcalloc(POLICY_THROTTLE_SLOTS, sizeof(*p->throttle));
	return RB_OK;
}

void
policy_reload(struct policy *p, struct policy *fresh)
{
	struct policy_conf old = p->conf;

	p->conf = fresh->conf;
	fresh->conf = old;
	policy_free(fresh);
}

void
policy_free(struct policy *p)
{
	int i;

	for (i = 0; i < p->conf.nbulk; i++)
		free(p->conf.bulk[i]);
	free(p->conf.bulk);
	free(p->throttle);
	p->conf.bulk = NULL;
	p->conf.nbulk = 0;
	p->throttle = NULL;
}

/* ---- deciding ---- */

int
policy_class(const struct policy_conf *pc, const struct policy_req *r)
{
	char norm[ADDR_MAX + 1];
	const char *dom = NULL;
	int i, have_sender = 0;

	if (r->sender[0] && !r->sender_long &&
	    addr_normalise(r->sender, strlen(r->sender), norm,
	    sizeof(norm)) > 0) {
		have_sender = 1;
		dom = addr_domain(norm);
	}
	for (i = 0; i < pc->nbulk; i++) {
		const char *b = pc->bulk[i];

		if (r->sasl_username[0] && !r->sasl_long &&
		    strcasecmp(b, r->sasl_username) == 0)
			return PC_BULK;
		if (!have_sender)
			continue;
		if (strchr(b, '@') ? strcmp(b, norm) == 0 :
		    dom != NULL && strcmp(b, dom) == 0)
			return PC_BULK;
	}
	return r->sasl_username[0] ? PC_MAILBOX : pc->unauth_class;
}

/* Take one token from the bucket of key k: 1 if there was one. */
static int
throttle_take(struct policy *p, const struct zkey *k, int64_t now)
{
	uint8_t buf[1 + sizeof(k->data)], key[HASH_LEN];
	struct throttle_slot *set, *s = NULL;
	int64_t cap = p->conf.throttle_rate * 1000, elapsed;
	int i;

	buf[0] = k->zone;
	memcpy(buf + 1, k->data, k->len);
	addr_hash((const char *)buf, 1 + (size_t)k->len, key);
	set = p->throttle + (be_get(key, 4) %
	    (POLICY_THROTTLE_SLOTS / THROTTLE_WAYS)) * THROTTLE_WAYS;
	for (i = 0; i < THROTTLE_WAYS; i++)
		if (set[i].used && memcmp(set[i].key, key, HASH_LEN) == 0) {
			s = &set[i];
			break;
		}
	if (s == NULL) {
		/* A free slot, else the one idle longest: the table stays
		 * bounded; a key evicted starts again with a full bucket. */
		s = &set[0];
		for (i = 0; i < THROTTLE_WAYS; i++) {
			if (!set[i].used) {
				s = &set[i];
				break;
			}
			if (set[i].last < s->last)
				s = &set[i];
		}
		memcpy(s->key, key, HASH_LEN);
		s->used = 1;
		s->last = now;
		s->milli = cap;
	}
	elapsed = now - s->last;
	if (elapsed >= 60)
		s->milli = cap;
	else if (elapsed > 0)
		s->milli += elapsed * p->conf.throttle_rate * 1000 / 60;
	if (s->milli > cap)
		s->milli = cap;
	if (elapsed != 0)
		s->last = now;		/* also when the clock went back */
	if (s->milli < 1000)
		return 0;
	s->milli -= 1000;
	return 1;
}

struct cand {
	struct zkey	key;
	int		ok;
};

int
policy_decide(struct policy *p, struct store *store,
    const struct policy_req *r, int64_t now, struct policy_result *res)
{
	struct cand c[ZONE_COUNT];
	struct store_txn *txn;
	char norm[ADDR_MAX + 1];
	const char *dom;
	int do_rcpt = 0, do_sndr = 0, z, i, n = 0, best = PA_DUNNO;
	int thr_zone = -1, thr_reason = 0;

	memset(res, 0, sizeof(*res));
	res->action = PA_DUNNO;
	res->zone = -1;
	res->sclass = policy_class(&p->conf, r);
	switch (r->state) {
	case PS_MAIL:
		do_sndr = 1;
		break;
	case PS_NONE:
	case PS_RCPT:
	case PS_DATA:
	case PS_EOM:
		do_rcpt = do_sndr = 1;
		break;
	default:	/* CONNECT, HELO, VRFY, ETRN, unknown: nothing to do */
		return PA_DUNNO;
	}
	memset(c, 0, sizeof(c));
	/* Keys first, outside the transaction. */
	if (do_rcpt && r->recipient[0] && !r->recipient_long &&
	    addr_normalise(r->recipient, strlen(r->recipient), norm,
	    sizeof(norm)) > 0) {
		c[ZONE_RCPT].key.zone = ZONE_RCPT;
		c[ZONE_RCPT].key.len = HASH_LEN;
		addr_hash(norm, strlen(norm), c[ZONE_RCPT].key.data);
		c[ZONE_RCPT].ok = 1;
		if ((dom = addr_domain(norm)) != NULL &&
		    zkey_from_text(ZONE_RDOM, dom, &c[ZONE_RDOM].key) == RB_OK)
			c[ZONE_RDOM].ok = 1;
	}
	/* The empty sender <> has no key: no sender lookup. */
	if (do_sndr && r->sender[0] && !r->sender_long &&
	    addr_normalise(r->sender, strlen(r->sender), norm,
	    sizeof(norm)) > 0) {
		c[ZONE_SNDR].key.zone = ZONE_SNDR;
		c[ZONE_SNDR].key.len = HASH_LEN;
		addr_hash(norm, strlen(norm), c[ZONE_SNDR].key.data);
		c[ZONE_SNDR].ok = 1;
		if ((dom = addr_domain(norm)) != NULL &&
		    zkey_from_text(ZONE_SDOM, dom, &c[ZONE_SDOM].key) == RB_OK)
			c[ZONE_SDOM].ok = 1;
	}
	for (z = 0; z < ZONE_COUNT; z++)
		n += c[z].ok;
	if (n == 0)
		return PA_DUNNO;
	if (store == NULL || (txn = store_read(store)) == NULL) {
		res->trouble = 1;
		return PA_DUNNO;
	}
	/* rcpt, rdom, sndr, sdom: the first of equal actions gives the
	 * text. */
	for (i = 0; i < ZONE_COUNT && !res->trouble; i++) {
		static const int order[ZONE_COUNT] = { ZONE_RCPT, ZONE_RDOM,
		    ZONE_SNDR, ZONE_SDOM };
		struct listing l;
		int rc, j, sender_side;

		z = order[i];
		if (!c[z].ok)
			continue;
		if ((rc = store_listing_get(txn, &c[z].key, &l)) ==
		    RB_ENOENT)
			continue;
		if (rc != RB_OK) {
			res->trouble = 1;
			break;
		}
		listing_active(&l, now);
		sender_side = z == ZONE_SNDR || z == ZONE_SDOM;
		for (j = 0; j < l.n; j++) {
			int reason = l.r[j].reason, a;

			if (reason > REASON_MAX)
				continue;
			a = sender_side ? p->conf.sndr[res->sclass][reason] :
			    p->conf.rcpt[res->sclass][reason];
			if (a == PA_THROTTLE) {
				if (thr_zone < 0) {
					thr_zone = z;
					thr_reason = reason;
				}
				continue;
			}
			if (a > best) {
				best = a;
				res->zone = z;
				res->reason = reason;
			}
		}
	}
	store_read_end(store);
	if (res->trouble) {
		res->zone = -1;
		res->reason = 0;
		return PA_DUNNO;
	}
	res->action = best;
	/* The bucket counts only the requests that it decides. */
	if (thr_zone >= 0 && best < PA_DEFER &&
	    !throttle_take(p, &c[thr_zone].key, now)) {
		res->action = PA_DEFER;
		res->zone = thr_zone;
		res->reason = thr_reason;
		res->throttled = 1;
	}
	return res->action;
}

/* ---- answering ---- */

static void
expand(const char *tmpl, int zone, int reason, char *out, size_t outsz)
{
	size_t o = 0;
	const char *t;

	for (t = tmpl; *t && o + 1 < outsz; t++) {
		char add[64];
		const char *s = add;

		if (*t != '%' || t[1] == '\0') {
			out[o++] = *t;
			continue;
		}
		switch (*++t) {
		case 'z':
			s = zone >= 0 ? zone_name(zone) : "";
			break;
		case 'c':
			snprintf(add, sizeof(add), "127.0.0.%d", reason);
			break;
		case 'r':
			s = zone >= 0 ? reason_text(zone, reason) : "";
			break;
		case '%':
			s = "%";
			break;
		default:
			add[0] = '%';
			add[1] = *t;
			add[2] = '\0';
			break;
		}
		while (*s && o + 1 < outsz)
			out[o++] = *s++;
	}
	out[o] = '\0';
}

size_t
policy_format(const struct policy *p, const struct policy_result *res,
    char *out, size_t outsz)
{
	char msg[POLICY_MSG_MAX];
	const char *status;
	int n;

	if (res->action == PA_DUNNO || res->action == PA_THROTTLE ||
	    res->zone < 0)
		n = snprintf(out, outsz, "action=DUNNO\n\n");
	else {
		/* Postfix puts "<address>: Recipient address rejected: " (or
		 * Sender, at MAIL) before the text: no address here. */
		expand(p->conf.message, res->zone, res->reason, msg,
		    sizeof(msg));
		switch (res->action) {
		case PA_REJECT:
			status = res->reason != 2 ? "5.7.1" :
			    res->zone == ZONE_RCPT ? "5.1.1" :
			    res->zone == ZONE_RDOM ? "5.1.2" : "5.7.1";
			n = snprintf(out, outsz, "action=550 %s %s\n\n",
			    status, msg);
			break;
		case PA_DEFER:
			n = snprintf(out, outsz, "action=DEFER_IF_PERMIT 4.7.1 "
			    "%s\n\n", msg);
			break;
		case PA_HOLD:
			n = snprintf(out, outsz, "action=HOLD %s\n\n", msg);
			break;
		default:	/* PA_WARN */
			n = snprintf(out, outsz, "action=WARN %s\n\n", msg);
			break;
		}
	}
	if (n < 0 || (size_t)n >= outsz) {
		/* Cannot happen with outsz >= POLICY_ANSWER_MAX; still an
		 * answer Postfix understands. */
		n = snprintf(out, outsz, "action=DUNNO\n\n");
		if (n < 0 || (size_t)n >= outsz)
			return 0;
	}
	return (size_t)n;
}

static const char *
state_name(int s)
{
	static const char *const names[] = { "-", "CONNECT", "HELO", "MAIL",
	    "RCPT", "DATA", "END-OF-MESSAGE", "VRFY", "ETRN", "other" };

	return s >= 0 && s <= PS_OTHER ? names[s] : "?";
}

size_t
policy_handle(struct policy *p, struct store *store,
    const struct policy_reader *rd, int allowed, int64_t now, char *out,
    size_t outsz)
{
	struct policy_req r;
	struct policy_result res;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(&res, 0, sizeof(res));
	res.action = PA_DUNNO;
	res.zone = -1;
	p->stats.requests++;
	if (rd->oversize) {
		p->stats.oversize++;
		policy_warn(p, now, "request over %d bytes: DUNNO",
		    POLICY_REQ_MAX);
	} else if (!allowed) {
		p->stats.refused++;	/* logged by the server, per client */
	} else if ((rc = policy_parse(rd->buf, rd->len, &r)) != RB_OK) {
		if (rc == RB_ERANGE) {
			p->stats.oversize++;
			policy_warn(p, now, "request over %d attributes: "
			    "DUNNO", POLICY_ATTR_MAX);
		} else {
			p->stats.malformed++;
			policy_warn(p, now, "malformed request (%d attributes, "
			    "%s): DUNNO", r.nattr, r.is_policy ?
			    "a line without name=value or a NUL byte" :
			    "no request=smtpd_access_policy");
		}
	} else {
		policy_decide(p, store, &r, now, &res);
		if (res.trouble) {
			p->stats.errors++;
			policy_warn(p, now, "store unreadable: DUNNO for %s",
			    r.queue_id[0] ? r.queue_id : "a request");
		}
	}
	if (res.action >= 0 && res.action < PA_COUNT)
		p->stats.action[res.action]++;
	if (res.throttled)
		p->stats.throttled++;
	if (res.action != PA_DUNNO)
		/* No address in the log: the queue id links to Postfix's. */
		log_debug("policy: %s %s: %s (%s %s 127.0.0.%d%s)",
		    state_name(r.state), r.queue_id[0] ? r.queue_id : "-",
		    policy_action_name(res.action),
		    res.sclass == PC_BULK ? "bulk" : "mailbox",
		    res.zone >= 0 ? zone_name(res.zone) : "-", res.reason,
		    res.throttled ? ", over the throttle rate" : "");
	return policy_format(p, &res, out, outsz);
}

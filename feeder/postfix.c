/*
 * feeder/postfix.c - Postfix's logging, one message at a time.
 *
 *   smtpd    QID: client=host[ip][, sasl_method=M, sasl_username=U]
 *            [, orig_queue_id=Q, orig_client=C]
 *   cleanup  QID: message-id=<id>
 *            QID: info: header From: VALUE from host[ip]; from=<s> ...
 *            (header_checks "/^From:/ INFO", contrib/postfix)
 *            QID: (milter-)reject: STAGE from host[ip]: TEXT; from=<s> to=<r> ...
 *   qmgr     QID: from=<s>, size=N, nrcpt=N (queue active)
 *            QID: from=<s>, status=expired, returned to sender
 *            QID: removed
 *   bounce   QID: sender non-delivery notification: NEWID
 *   smtp, lmtp, local, virtual, pipe, error, retry, discard:
 *            QID: to=<r>, [orig_to=<o>,] relay=R, ..., dsn=X.Y.Z,
 *            status=sent|bounced|deferred|expired (TEXT)
 *   smtpd    NOQUEUE: reject: RCPT from host[ip]: TEXT; from=<s> to=<r> ...
 *
 * A content filter hop (delivery to a loopback relay answering "queued
 * as NEWID", NEWID being a queue id our smtpd logged) is not an outcome:
 * the new queue id inherits the client and sender, and its own
 * deliveries are counted instead.
 */
#include "config.h"

#include <string.h>

#include "classify.h"
#include "feed.h"
#include "from.h"
#include "logline.h"
#include "span.h"
#include "util.h"

static int
is_qid_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

/* The value of "name=" at p: "<addr>" (brackets kept out) or up to the
 * next ", ".  Returns the end of the value. */
static const char *
value(const char *p, const char *end, struct span *v)
{
	if (p < end && *p == '<') {
		const char *q = p + 1;

		/* The address ends at the last '>' before ", " or the end. */
		while (q < end && *q != '>')
			q++;
		v->p = p + 1;
		v->len = (size_t)(q - p - 1);
		return q < end ? q + 1 : q;
	}
	v->p = p;
	while (p < end && !(*p == ',' && p + 1 < end && p[1] == ' '))
		p++;
	v->len = (size_t)(p - v->p);
	return p;
}

/* Look for ", name=" (or "name=" at the start) in [p, end). */
static int
field(const char *p, const char *end, const char *name, struct span *v)
{
	char key[32];
	const char *q;
	size_t n = strlen(name);

	if (n + 3 > sizeof(key))
		return 0;
	if (starts(p, end, name) && p + n < end && p[n] == '=') {
		value(p + n + 1, end, v);
		return 1;
	}
	key[0] = ',';
	key[1] = ' ';
	memcpy(key + 2, name, n);
	key[n + 2] = '=';
	key[n + 3] = '\0';
	if ((q = find(p, end, key)) == NULL)
		return 0;
	value(q + n + 3, end, v);
	return 1;
}

/* "host[ip]" -> "ip:IP"; anything else is kept as it is. */
static void
client_of(char *dst, size_t dlen, struct span host)
{
	const char *lb = memchr(host.p, '[', host.len);
	const char *rb = lb ? memchr(lb, ']', host.len -
	    (size_t)(lb - host.p)) : NULL;
	struct span ip;

	if (lb && rb) {
		ip.p = lb + 1;
		ip.len = (size_t)(rb - lb - 1);
		if (dlen > 3) {
			memcpy(dst, "ip:", 3);
			copy_span(dst + 3, dlen - 3, ip);
		}
	} else
		copy_span(dst, dlen, host);
}

static void
smtpd_client(struct feed *f, struct corr *c, const char *p, const char *end)
{
	struct span v;

	/* Re-injected by a content filter: keep the original client. */
	if (c->flags & CORR_FILTER_HOP)
		return;
	if (field(p, end, "sasl_username", &v) && v.len > 0 && v.len < 120) {
		memcpy(c->client, "sasl:", 5);
		copy_span(c->client + 5, sizeof(c->client) - 5, v);
	} else if (field(p, end, "orig_client", &v) ||
	    field(p, end, "client", &v))
		client_of(c->client, sizeof(c->client), v);
	feed_corr_dirty(f, c);
}

/* A refusal by our own Postfix: "STAGE from host[ip]: TEXT; from=<s>
 * to=<r> proto=..." (NOQUEUE and cleanup/milter rejects). */
static void
local_reject(struct feed *f, const struct logline *ll, const char *p,
    const char *end, struct corr *c)
{
	const char *colon, *semi;
	struct event ev;
	struct span v;
	char reply[1024];

	memset(&ev, 0, sizeof(ev));
	ev.time = ll->time;
	ev.flags = EVF_LOCAL_REJECT;
	if ((colon = find(p, end, "]: ")) == NULL) {
		feed_malformed(f, "reject without client", ll->msg, ll->msglen);
		return;
	}
	{
		const char *from = find(p, colon, " from ");

		if (from) {
			struct span host = { from + 6,
			    (size_t)(colon + 1 - from - 6) };

			client_of(ev.client, sizeof(ev.client), host);
		}
	}
	colon += 3;
	if ((semi = find(colon, end, "; from=<")) == NULL &&
	    (semi = find(colon, end, "; proto=")) == NULL)
		semi = end;
	v.p = colon;
	v.len = (size_t)(semi - colon);
	copy_span(reply, sizeof(reply), v);
	ev.reply = reply;
	if (semi < end) {
		/* from=<s> to=<r>: separated by spaces here, not ", ". */
		const char *fp = find(semi, end, "from=<"), *tp;

		if (fp) {
			value(fp + 5, end, &v);
			copy_addr(ev.sender, sizeof(ev.sender), v);
		}
		if ((tp = find(semi, end, " to=<")) != NULL) {
			value(tp + 4, end, &v);
			copy_addr(ev.rcpt, sizeof(ev.rcpt), v);
		}
	}
	if (c != NULL) {
		if (c->flags & CORR_HAS_SENDER)
			memcpy(ev.sender, c->sender, sizeof(ev.sender));
		if (c->client[0])
			memcpy(ev.client, c->client, sizeof(ev.client));
		copy_span(ev.queue_id, sizeof(ev.queue_id),
		    (struct span){ c->qid, strlen(c->qid) });
	}
	ev.cls = classify(feed_classifier(f), "reject", NULL, reply, ev.sub,
	    sizeof(ev.sub));
	feed_event(f, &ev);
}

static int
is_loopback_relay(struct span relay)
{
	const char *lb = memchr(relay.p, '[', relay.len);

	if (lb == NULL)
		return 0;
	lb++;
	return (relay.p + relay.len - lb > 4 && memcmp(lb, "127.", 4) == 0) ||
	    (relay.p + relay.len - lb > 4 && memcmp(lb, "::1]", 4) == 0);
}

static void
delivery(struct feed *f, const struct logline *ll, struct span qid,
    const char *p, const char *end)
{
	struct span to, relay, dsn, status, text = { NULL, 0 };
	struct event ev;
	struct corr *c;
	const char *sp, *q;
	char dsnbuf[16], statbuf[16], reply[2048];

	if (!field(p, end, "to", &to)) {
		feed_malformed(f, "delivery line without to=", ll->msg,
		    ll->msglen);
		return;
	}
	if ((sp = find(p, end, "status=")) == NULL) {
		feed_malformed(f, "delivery line without status=", ll->msg,
		    ll->msglen);
		return;
	}
	status.p = sp + 7;
	for (q = status.p; q < end && *q != ' ' && *q != ','; q++)
		;
	status.len = (size_t)(q - status.p);
	/* The text: "(...)" after the status word, to the last ')'. */
	if ((q = memchr(q, '(', (size_t)(end - q))) != NULL) {
		const char *r = end;

		while (r > q && r[-1] != ')')
			r--;
		if (r > q + 1) {
			text.p = q + 1;
			text.len = (size_t)(r - 1 - text.p);
		}
	}
	if (!field(p, end, "relay", &relay))
		relay.len = 0;
	c = feed_corr(f, qid.p, qid.len, 0);

	/* A content filter hop: the message lives on under a new id that
	 * our own smtpd has already logged (it re-injected the message
	 * before the filter answered).  A loopback smarthost's ids never
	 * appear here, so its deliveries still count. */
	if (relay.len && span_eq(status, "sent") && text.p &&
	    is_loopback_relay(relay) &&
	    (q = find(text.p, text.p + text.len, "queued as ")) != NULL) {
		const char *id = q + 10, *e = id;
		struct corr *child, parent;

		while (e < text.p + text.len && is_qid_char(*e))
			e++;
		if (e > id && c != NULL) {
			parent = *c;
			if ((child = feed_corr(f, id, (size_t)(e - id), 0))) {
				if (parent.flags & CORR_HAS_SENDER) {
					memcpy(child->sender, parent.sender,
					    sizeof(child->sender));
					child->flags |= CORR_HAS_SENDER;
				}
				memcpy(child->client, parent.client,
				    sizeof(child->client));
				if (!child->msgid[0])
					memcpy(child->msgid, parent.msgid,
					    sizeof(child->msgid));
				if (!child->from_domain[0])
					memcpy(child->from_domain,
					    parent.from_domain,
					    sizeof(child->from_domain));
				child->flags |= CORR_FILTER_HOP |
				    (parent.flags & CORR_NOTIFICATION);
				feed_corr_dirty(f, child);
				return;
			}
			c = feed_corr(f, qid.p, qid.len, 0);
		}
	}
	/* Address verification probes are not mail. */
	if (span_eq(status, "undeliverable") || span_eq(status, "deliverable"))
		return;

	memset(&ev, 0, sizeof(ev));
	ev.time = ll->time;
	copy_addr(ev.rcpt, sizeof(ev.rcpt), to);
	copy_span(ev.queue_id, sizeof(ev.queue_id), qid);
	if (c != NULL) {
		if (c->flags & CORR_NOTIFICATION)
			ev.flags |= EVF_NOTIFICATION;
		else if (c->flags & CORR_HAS_SENDER)
			memcpy(ev.sender, c->sender, sizeof(ev.sender));
		memcpy(ev.client, c->client, sizeof(ev.client));
		memcpy(ev.from_domain, c->from_domain,
		    sizeof(ev.from_domain));
	}
	if (relay.len == 4 && memcmp(relay.p, "none", 4) == 0)
		ev.flags |= EVF_NO_RELAY;
	copy_span(statbuf, sizeof(statbuf), status);
	if (field(p, end, "dsn", &dsn))
		copy_span(dsnbuf, sizeof(dsnbuf), dsn);
	else
		dsnbuf[0] = '\0';
	status_parse(dsnbuf, &ev.status);
	reply[0] = '\0';
	if (text.p)
		copy_span(reply, sizeof(reply), text);
	ev.reply = reply;
	ev.cls = classify(feed_classifier(f), statbuf,
	    dsnbuf[0] ? dsnbuf : NULL, reply, ev.sub, sizeof(ev.sub));
	feed_event(f, &ev);
}

int
postfix_parse(struct feed *f, const struct logline *ll)
{
	const char *p = ll->msg, *end = ll->msg + ll->msglen, *slash, *d;
	char fromdom[DOMAIN_MAX + 1];
	struct span daemon, qid;
	struct corr *c;
	struct span v;

	/* "postfix/smtp", "postfix-out/smtp", "postfix/submission/smtpd" */
	if (ll->proglen < 8 || memcmp(ll->prog, "postfix", 7) != 0 ||
	    (slash = memchr(ll->prog, '/', ll->proglen)) == NULL)
		return 0;
	d = ll->prog + ll->proglen;
	while (d > slash + 1 && d[-1] != '/')
		d--;
	daemon.p = d;
	daemon.len = (size_t)(ll->prog + ll->proglen - d);

	if (starts(p, end, "NOQUEUE: ")) {
		p += 9;
		if (starts(p, end, "reject: ") ||
		    starts(p, end, "milter-reject: "))
			local_reject(f, ll, p, end, NULL);
		return 1;
	}
	qid.p = p;
	while (p < end && is_qid_char(*p))
		p++;
	qid.len = (size_t)(p - qid.p);
	if (qid.len < 5 || qid.len > 20 || end - p < 2 || p[0] != ':' ||
	    p[1] != ' ')
		return 1;	/* warnings, statistics: not about a message */
	p += 2;

	if (span_eq(daemon, "smtpd")) {
		if (starts(p, end, "client=") && (c = feed_corr(f, qid.p,
		    qid.len, FEED_CORR_BIRTH)) != NULL)
			smtpd_client(f, c, p, end);
		else if (starts(p, end, "reject: "))
			local_reject(f, ll, p, end, feed_corr(f, qid.p,
			    qid.len, 0));
	} else if (span_eq(daemon, "cleanup")) {
		if (starts(p, end, "message-id=") &&
		    (c = feed_corr(f, qid.p, qid.len, 1)) != NULL) {
			value(p + 11, end, &v);
			copy_span(c->msgid, sizeof(c->msgid), v);
			feed_corr_dirty(f, c);
		} else if (starts(p, end, "reject: ") ||
		    starts(p, end, "milter-reject: "))
			local_reject(f, ll, p, end, feed_corr(f, qid.p,
			    qid.len, 0));
		else if (from_postfix_info(p, end, fromdom,
		    sizeof(fromdom)) == 0 &&
		    (c = feed_corr(f, qid.p, qid.len, 1)) != NULL) {
			memcpy(c->from_domain, fromdom, sizeof(fromdom));
			feed_corr_dirty(f, c);
		}
	} else if (span_eq(daemon, "qmgr")) {
		if (starts(p, end, "removed"))
			feed_corr_done(f, qid.p, qid.len);
		else if (starts(p, end, "from=") &&
		    (c = feed_corr(f, qid.p, qid.len, 1)) != NULL) {
			value(p + 5, end, &v);
			copy_addr(c->sender, sizeof(c->sender), v);
			c->flags |= CORR_HAS_SENDER;
			if (v.len == 0)
				c->flags |= CORR_NOTIFICATION;
			feed_corr_dirty(f, c);
		}
	} else if (span_eq(daemon, "bounce")) {
		const char *n = find(p, end, "notification: ");

		if (n && (c = feed_corr(f, n + 14, (size_t)(end - n - 14),
		    1)) != NULL) {
			c->flags |= CORR_NOTIFICATION;
			feed_corr_dirty(f, c);
		}
	} else if (span_eq(daemon, "smtp") || span_eq(daemon, "lmtp") ||
	    span_eq(daemon, "local") || span_eq(daemon, "virtual") ||
	    span_eq(daemon, "pipe") || span_eq(daemon, "error") ||
	    span_eq(daemon, "retry") || span_eq(daemon, "discard")) {
		if (starts(p, end, "to="))
			delivery(f, ll, qid, p, end);
	}
	return 1;
}

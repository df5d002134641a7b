/*
 * feeder/exim.c - Exim's main log, one line at a time.
 *
 *   ID <= SENDER [R=PARENT] [H=host (helo) [ip]] [U=user] [P=proto]
 *         [A=authenticator:id] [S=size] [id=message-id] [T="subject"]
 *   ID => ADDR [<orig>] [F=<s>] [R=router] T=transport [H=host [ip]]
 *         [X=..] [C="confirmation"] ...
 *   ID -> ADDR ...     another address of the same delivery
 *   ID >> ADDR ...     cutthrough delivery
 *   ID *> ADDR ...     fake delivery (-N): ignored
 *   ID ** ADDR [<orig>] [F=<s>] [R=..] [T=..] [H=host [ip]]: TEXT [DT=..]
 *   ID == ADDR [<orig>] [R=..] [T=..] defer (ERRNO)[: strerror] [H=..]
 *         [: TEXT]
 *   ID Completed
 *   H=host [ip] [A=..] F=<s> [temporarily ]rejected RCPT <r>: TEXT
 *   H=host [ip] F=<s> rejected MAIL <s>: TEXT
 *   [ID ]H=host [ip] F=<s> rejected after DATA: TEXT
 *
 * ADDR is the address as finally routed, followed by the address the
 * message was sent to in angle brackets when they differ; for a local
 * delivery (pipe, file, log_as_local) it is only a local part.
 *
 * ID is 6-6-2 base-62 characters ("1rAbCd-0001xY-Ab"), or 6-11-4 since
 * Exim 4.97 ("1rAbCd-000000001xY-AbCd").  Exim's own main log has its
 * time consumed by logline_parse(); through syslog (prog exim or exim4)
 * the message starts with Exim's time again (syslog_timestamp), which
 * has the year.  "[pid] " (+pid) may follow the time, and a long line
 * split by Exim for syslog starts with "[n\m] ": the pieces after the
 * first are skipped.
 *
 * TEXT is Exim's explanation; when a remote server refused, it quotes
 * it: "SMTP error from remote mail server after RCPT TO:<r>: 550 5.1.1
 * ...", the lines of a multi-line reply joined by a printed "\n".  That
 * reply goes to the classifier; otherwise the whole TEXT does.
 *
 * The client is "sasl:NAME" (A=), else "ip:IP" (H=), else "local:USER"
 * (U=, a local submission); Exim's own bounces have none.
 *
 * Exim gives no status code of its own.  Without H= and without a
 * remote reply no server was reached (EVF_NO_RELAY).  "an MX or SRV
 * record indicated no SMTP service" is a null MX (RFC 7505): 5.1.10,
 * which lists the domain.  "Unrouteable address" is not given a domain
 * status: Exim says it of a domain that does not exist and of an
 * unknown user of a local domain alike.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "classify.h"
#include "feed.h"
#include "from.h"
#include "logline.h"
#include "span.h"
#include "util.h"

enum { TOK_WORD, TOK_FIELD, TOK_ANGLE, TOK_PAREN };

/* One item of a line: "KEY=value", "<address>", "(parents)" or a word. */
struct tok {
	int		 kind;
	struct span	 key;		/* TOK_FIELD: "R" of R=... */
	struct span	 val;		/* without quotes or brackets */
	struct span	 ip;		/* H=: inside the [] */
	int		 colon;		/* ": " follows: the text comes next */
};

/* What a delivery, failure or deferral line says. */
struct dline {
	struct span	 addr;		/* the first address */
	struct span	 orig;		/* <original>, len 0 if none */
	struct span	 sender;	/* F=<...> */
	int		 has_sender;
	int		 has_host;	/* H= */
	struct span	 confirm;	/* C="..." */
	int		 has_errno;
	int		 errnum;	/* defer (N) */
	struct span	 strerr;	/* == only: ": strerror" after defer */
	struct span	 text;		/* after the first ": " */
};

#define EXIM_REMOTE_ERR	"SMTP error from remote mail server after "
#define EXIM_REMOTE_OLD	"SMTP error from remote mailer after "
#define EXIM_LMTP_ERR	"LMTP error after "
#define EXIM_NULL_MX	"an MX or SRV record indicated no SMTP service"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* ": " (or a final ':') at p: the text of the line follows. */
static int
colon_at(const char *p, const char *end)
{
	return p < end && *p == ':' && (p + 1 == end || p[1] == ' ');
}

/* The end of the run of characters at p that are not c. */
static const char *
upto(const char *p, const char *end, char c)
{
	const char *q = memchr(p, c, (size_t)(end - p));

	return q ? q : end;
}

/* A 16- or 23-character message id at [p, p + n). */
static int
is_msgid(const char *p, size_t n)
{
	static const size_t old[] = { 6, 6, 2 }, new[] = { 6, 11, 4 };
	const size_t *part;
	size_t i, j;

	if (n == 16)
		part = old;
	else if (n == 23)
		part = new;
	else
		return 0;
	for (i = 0; i < 3; i++) {
		for (j = 0; j < part[i]; j++, p++)
			if (!is_alnum(*p))
				return 0;
		if (i < 2 && *p++ != '-')
			return 0;
	}
	return 1;
}

/* The end of a quoted value at p (on the '"'), backslash escapes kept. */
static const char *
quoted_end(const char *p, const char *end)
{
	for (p++; p < end && *p != '"'; p++)
		if (*p == '\\' && p + 1 < end)
			p++;
	return p;
}

/* H=name [DS] [(helo)] [ip][:port][*], or a bare host name. */
static const char *
host_value(const char *p, const char *end, struct tok *t)
{
	const char *q = p;

	t->val.p = p;
	if (q < end && *q != '(' && *q != '[') {
		while (q < end && *q != ' ')
			q++;
		if (q > p && q[-1] == ':' && (q == end || *q == ' ')) {
			t->val.len = (size_t)(q - 1 - p);
			t->colon = 1;
			return q < end ? q + 1 : q;
		}
	}
	for (;;) {
		const char *r = q;

		if (r > p) {
			if (r >= end || *r != ' ')
				break;
			r++;
		}
		if (starts(r, end, "DS ") || (end - r == 2 && starts(r, end,
		    "DS"))) {
			q = r + 2;
			continue;
		}
		if (r < end && *r == '(') {
			q = upto(r, end, ')');
			if (q < end)
				q++;
			continue;
		}
		if (r < end && *r == '[') {
			const char *rb = upto(r, end, ']');

			t->ip.p = r + 1;
			t->ip.len = (size_t)(rb - r - 1);
			q = rb < end ? rb + 1 : rb;
			if (q + 1 < end && *q == ':' && is_digit(q[1]))
				for (q++; q < end && is_digit(*q); q++)
					;
			if (q < end && *q == '*')
				q++;
		}
		break;
	}
	t->val.len = (size_t)(q - p);
	if (colon_at(q, end)) {
		t->colon = 1;
		return q + 1 < end ? q + 2 : end;
	}
	return q;
}

/*
 * The next item at p, spaces skipped.  Returns the position after it
 * (after the ": " that ends the items, if any), or NULL at the end.
 */
static const char *
next_tok(const char *p, const char *end, struct tok *t)
{
	const char *q, *k;

	memset(t, 0, sizeof(*t));
	while (p < end && *p == ' ')
		p++;
	if (p >= end)
		return NULL;
	if (*p == '<' || *p == '(') {
		q = upto(p, end, *p == '<' ? '>' : ')');
		t->kind = *p == '<' ? TOK_ANGLE : TOK_PAREN;
		t->val.p = p + 1;
		t->val.len = (size_t)(q - p - 1);
		if (q < end)
			q++;
		goto tail;
	}
	for (k = p; k < end && k - p < 5 && is_alnum(*k); k++)
		;
	if (k > p && k < end && *k == '=') {
		t->kind = TOK_FIELD;
		t->key.p = p;
		t->key.len = (size_t)(k - p);
		q = k + 1;
		if (t->key.len == 1 && *p == 'H')
			return host_value(q, end, t);
		if (q < end && (*q == '"' || *q == '<')) {
			const char *e = *q == '"' ? quoted_end(q, end) :
			    upto(q, end, '>');

			t->val.p = q + 1;
			t->val.len = (size_t)(e - q - 1);
			q = e < end ? e + 1 : e;
			/* I=[ip]:port and the like run on to the space. */
			while (q < end && *q != ' ' && !colon_at(q, end))
				q++;
			goto tail;
		}
		p = q;
	} else
		t->kind = TOK_WORD;
	t->val.p = p;
	for (q = p; q < end && *q != ' '; q++)
		if (*q == '[' && (q = upto(q, end, ']')) == end)
			break;		/* an IPv6 literal holds ':' */
	if (q > p && q[-1] == ':') {
		t->val.len = (size_t)(q - 1 - p);
		t->colon = 1;
		return q < end ? q + 1 : q;
	}
	t->val.len = (size_t)(q - p);
	return q;
tail:
	if (colon_at(q, end)) {
		t->colon = 1;
		return q + 1 < end ? q + 2 : end;
	}
	return q;
}

static int
key_is(const struct tok *t, const char *k)
{
	return t->kind == TOK_FIELD && span_eq(t->key, k);
}

/* "1234" or "-44" at s; 0 if it is not a number. */
static int
errno_of(struct span s, int *v)
{
	size_t i = 0;
	int neg = 0, n = 0;

	if (s.len > 0 && s.p[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == s.len || s.len > 8)
		return 0;
	for (; i < s.len; i++) {
		if (!is_digit(s.p[i]))
			return 0;
		n = n * 10 + (s.p[i] - '0');
	}
	*v = neg ? -n : n;
	return 1;
}

/* Read a =>, ** or == line after its flag.  0, or -1 if unreadable. */
static int
dline_parse(const char *p, const char *end, int defer, struct dline *d)
{
	struct tok t;
	const char *q;
	int after_defer = 0, has_text = 0;

	memset(d, 0, sizeof(*d));
	while (p < end && *p == ' ')
		p++;
	d->addr.p = p;
	for (q = p; q < end && *q != ' '; q++)
		;
	if (q > p && q[-1] == ':' && !(q - p == 11 &&
	    memcmp(p, ":blackhole:", 11) == 0)) {
		d->addr.len = (size_t)(q - 1 - p);
		d->text.p = q < end ? q + 1 : q;
		d->text.len = (size_t)(end - d->text.p);
		return d->addr.len > 0 && !defer ? 0 : -1;
	}
	d->addr.len = (size_t)(q - p);
	if (d->addr.len == 0)
		return -1;
	p = q;
	while ((q = next_tok(p, end, &t)) != NULL) {
		p = q;
		if (t.kind == TOK_ANGLE && d->orig.p == NULL && !d->has_sender)
			d->orig = t.val;
		else if (key_is(&t, "F")) {
			d->sender = t.val;
			d->has_sender = 1;
		} else if (key_is(&t, "H"))
			d->has_host = 1;
		else if (key_is(&t, "C"))
			d->confirm = t.val;
		else if (t.kind == TOK_WORD && span_eq(t.val, "defer"))
			after_defer = 1;
		else if (t.kind == TOK_PAREN && after_defer &&
		    errno_of(t.val, &d->errnum)) {
			d->has_errno = 1;
			after_defer = 0;
			if (t.colon && d->errnum > 0) {
				/* ": strerror", then maybe H=, DT=, ": TEXT" */
				const char *e = end, *x;

				if ((x = find(p, e, " H=")) != NULL)
					e = x;
				if ((x = find(p, e, " DT=")) != NULL)
					e = x;
				if ((x = find(p, e, ": ")) != NULL)
					e = x;
				d->strerr.p = p;
				d->strerr.len = (size_t)(e - p);
				p = e;
				if (colon_at(p, end)) {
					p = p + 1 < end ? p + 2 : end;
					has_text = 1;
					break;
				}
				continue;
			}
		}
		if (t.colon) {
			has_text = 1;
			break;
		}
	}
	if (has_text) {
		d->text.p = p;
		d->text.len = (size_t)(end - p);
	}
	if (defer && !d->has_errno)
		return -1;
	return 0;
}

/*
 * Exim prints what is not printable with backslash escapes (a multi-line
 * reply has "\n" between its lines); C="..." escapes '"' and '\' once
 * more.  Copy into buf with line breaks as spaces.
 */
static void
unprint(char *buf, size_t len, struct span s, int quoted)
{
	char tmp[2048];
	size_t i, o = 0;

	if (quoted) {
		for (i = 0; i < s.len && o + 1 < sizeof(tmp); i++) {
			if (s.p[i] == '\\' && i + 1 < s.len &&
			    (s.p[i + 1] == '"' || s.p[i + 1] == '\\'))
				i++;
			tmp[o++] = s.p[i];
		}
		s.p = tmp;
		s.len = o;
		o = 0;
	}
	for (i = 0; i < s.len && o + 1 < len; i++) {
		char c = s.p[i];

		if (c == '\\' && i + 1 < s.len) {
			char n = s.p[i + 1];

			if (n == 'n' || n == 'r' || n == 't') {
				i++;
				if (o == 0 || buf[o - 1] != ' ')
					buf[o++] = ' ';
				continue;
			}
			if (n == '\\')
				i++;
		}
		buf[o++] = c;
	}
	buf[o] = '\0';
}

/* Drop a trailing " DT=1.2s" (+deliver_time on ** lines). */
static void
drop_dt(char *buf)
{
	char *sp = strrchr(buf, ' ');

	if (sp != NULL && strncmp(sp, " DT=", 4) == 0 && strchr(sp + 1,
	    ':') == NULL)
		*sp = '\0';
}

/*
 * The remote server's reply in Exim's text, if it quotes one: after
 * "SMTP error from remote mail server after COMMAND: ", and after the
 * "host NAME [IP]: " that older versions put there.  NULL if none.
 */
static const char *
remote_reply(const char *text)
{
	static const char *const pre[] = { EXIM_REMOTE_ERR, EXIM_REMOTE_OLD,
	    EXIM_LMTP_ERR };
	const char *p = NULL, *c, *a;
	size_t i;

	for (i = 0; i < sizeof(pre) / sizeof(pre[0]) && p == NULL; i++)
		if ((p = strstr(text, pre[i])) != NULL)
			p += strlen(pre[i]);
	if (p == NULL)
		return NULL;
	/* "RCPT TO:<r>: ", "MAIL FROM:<s> SIZE=123: ", "end of data: " */
	c = strstr(p, ": ");
	a = strchr(p, '<');
	if (a != NULL && (c == NULL || a < c) && (a = strchr(a, '>')) != NULL)
		c = strstr(a, ": ");
	if (c == NULL)
		return NULL;
	p = c + 2;
	if (strncmp(p, "host ", 5) == 0 && (a = strstr(p, "]: ")) != NULL &&
	    (c = strchr(p, '[')) != NULL && c < a && memchr(p, ':', (size_t)
	    (c - p)) == NULL)
		p = a + 3;
	return p;
}

/* "5.1.1" at s, not running on into more digits; its length or 0. */
static size_t
dsn_at(const char *s)
{
	size_t i = 1, n;
	int part;

	if (s[0] != '2' && s[0] != '4' && s[0] != '5')
		return 0;
	for (part = 0; part < 2; part++) {
		if (s[i] != '.')
			return 0;
		for (i++, n = 0; n < 3 && is_digit(s[i]); n++)
			i++;
		if (n == 0)
			return 0;
	}
	return i;
}

/*
 * The reply code and enhanced status code of a reply: "550 5.1.1 ...",
 * "550-5.1.1 ...", else the first status code standing alone of the
 * reply's class.  Writes the status into dsn ("" if none); returns the
 * reply code or 0.
 */
static int
reply_status(const char *r, char *dsn, size_t dsnlen)
{
	const char *s;
	size_t n;
	int code = 0;

	dsn[0] = '\0';
	while (*r == ' ')
		r++;
	if ((r[0] == '2' || r[0] == '4' || r[0] == '5') && r[1] >= '0' &&
	    r[1] <= '5' && is_digit(r[2]) && (r[3] == ' ' || r[3] == '-' ||
	    r[3] == '\0')) {
		code = (r[0] - '0') * 100 + (r[1] - '0') * 10 + (r[2] - '0');
		r += r[3] ? 4 : 3;
	}
	for (s = r; *s; s++) {
		if (s > r && (is_alnum(s[-1]) || s[-1] == '.'))
			continue;
		if ((n = dsn_at(s)) == 0 || is_digit(s[n]) ||
		    (s[n] == '.' && is_digit(s[n + 1])))
			continue;
		if (code && s[0] - '0' != code / 100)
			continue;
		if (n < dsnlen) {
			memcpy(dsn, s, n);
			dsn[n] = '\0';
		}
		break;
	}
	return code;
}

/* Fill the sender side of ev from F= or the correlation entry. */
static void
who(struct feed *f, struct span qid, const struct dline *d,
    struct event *ev)
{
	struct corr *c = feed_corr(f, qid.p, qid.len, 0);

	copy_span(ev->queue_id, sizeof(ev->queue_id), qid);
	if (c != NULL) {
		if (c->flags & CORR_NOTIFICATION)
			ev->flags |= EVF_NOTIFICATION;
		else if (c->flags & CORR_HAS_SENDER)
			memcpy(ev->sender, c->sender, sizeof(ev->sender));
		memcpy(ev->client, c->client, sizeof(ev->client));
		memcpy(ev->from_domain, c->from_domain,
		    sizeof(ev->from_domain));
	}
	if (d->has_sender) {
		/* F=<...> (+sender_on_delivery) is this line's own word. */
		if (d->sender.len == 0) {
			ev->flags |= EVF_NOTIFICATION;
			ev->sender[0] = '\0';
		} else if (!(c != NULL && (c->flags & CORR_NOTIFICATION))) {
			ev->flags &= ~EVF_NOTIFICATION;
			copy_addr(ev->sender, sizeof(ev->sender), d->sender);
		}
	}
}

/* The recipient: the routed address when it is one, else the original
 * (a local delivery logs a local part, a pipe or a file). */
static void
recipient_of(const struct dline *d, char *dst, size_t dlen)
{
	if (d->addr.p[0] != '|' && d->addr.p[0] != '/' &&
	    memchr(d->addr.p, '@', d->addr.len) != NULL)
		copy_addr(dst, dlen, d->addr);
	else
		dst[0] = '\0';
	if (dst[0] == '\0')
		copy_addr(dst, dlen, d->orig);
}

static int
contains(const char *s, const char *lit)
{
	return strstr(s, lit) != NULL;
}

/* =>, ->, >>: delivered. */
static void
delivered(struct feed *f, int64_t t, struct span qid, const char *p,
    const char *end, const struct logline *ll)
{
	struct dline d;
	struct event ev;
	char reply[2048], dsn[16];

	if (dline_parse(p, end, 0, &d) < 0) {
		feed_malformed(f, "Exim delivery without an address", ll->msg,
		    ll->msglen);
		return;
	}
	if (span_eq(d.addr, ":blackhole:"))
		return;		/* discarded, not delivered */
	memset(&ev, 0, sizeof(ev));
	ev.time = t;
	recipient_of(&d, ev.rcpt, sizeof(ev.rcpt));
	if (ev.rcpt[0] == '\0') {
		feed_malformed(f, "Exim delivery to no readable address",
		    ll->msg, ll->msglen);
		return;
	}
	who(f, qid, &d, &ev);
	unprint(reply, sizeof(reply), d.confirm, 1);
	ev.code = reply_status(reply, dsn, sizeof(dsn));
	status_parse(dsn, &ev.status);
	ev.reply = reply;
	ev.cls = classify(feed_classifier(f), "sent", NULL, reply, ev.sub,
	    sizeof(ev.sub));
	feed_event(f, &ev);
}

/* ** and ==: failed or deferred. */
static void
failed(struct feed *f, int64_t t, struct span qid, const char *p,
    const char *end, int defer, const struct logline *ll)
{
	struct dline d;
	struct event ev;
	const char *status, *r, *synth = NULL;
	char text[2048], reply[2048], dsn[16];
	size_t n;

	if (dline_parse(p, end, defer, &d) < 0) {
		feed_malformed(f, defer ? "Exim deferral unreadable" :
		    "Exim failure unreadable", ll->msg, ll->msglen);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.time = t;
	recipient_of(&d, ev.rcpt, sizeof(ev.rcpt));
	if (ev.rcpt[0] == '\0') {
		feed_malformed(f, "Exim failure of no readable address",
		    ll->msg, ll->msglen);
		return;
	}
	who(f, qid, &d, &ev);

	/* The text: "strerror: message" for ==, "message" for **. */
	text[0] = '\0';
	if (d.strerr.len > 0) {
		unprint(text, sizeof(text), d.strerr, 0);
		if (d.text.len > 0 && (n = strlen(text)) + 2 < sizeof(text)) {
			memcpy(text + n, ": ", 3);
			unprint(text + n + 2, sizeof(text) - n - 2, d.text, 0);
		}
	} else
		unprint(text, sizeof(text), d.text, 0);
	if (!defer)
		drop_dt(text);
	/* Not tried at all, its retry time not reached: nothing new.  (By
	 * its text: the errno values of these moved between versions.) */
	else if (contains(text, "etry time not") ||
	    contains(text, "last tried after this message arrived"))
		return;
	if ((r = remote_reply(text)) == NULL) {
		r = text;
		/* No server was reached: what Exim says comes from DNS or
		 * from its own routing. */
		if (!d.has_host && !contains(text, "SMTP error") &&
		    !contains(text, "SMTP timeout") &&
		    !contains(text, "LMTP error") &&
		    !contains(text, "Remote host closed")) {
			ev.flags |= EVF_NO_RELAY;
			/* RFC 7505 null MX, seen by the dnslookup router. */
			if (!defer && contains(text, EXIM_NULL_MX))
				synth = "5.1.10";
		}
	}
	snprintf(reply, sizeof(reply), "%s", r);
	ev.code = reply_status(reply, dsn, sizeof(dsn));
	if (synth != NULL)
		snprintf(dsn, sizeof(dsn), "%s", synth);
	status_parse(dsn, &ev.status);
	ev.reply = reply;
	if (defer)
		status = "deferred";
	else if (contains(text, "retry timeout exceeded") ||
	    contains(text, "after a long failure period") ||
	    contains(text, "have been failing for a long time"))
		status = "expired";
	else
		status = "bounced";
	ev.cls = classify(feed_classifier(f), status, synth, reply, ev.sub,
	    sizeof(ev.sub));
	feed_event(f, &ev);
}

/* "sasl:NAME" from A=authenticator:NAME[:sender]. */
static int
client_sasl(char *dst, size_t dlen, struct span a)
{
	const char *c = memchr(a.p, ':', a.len);
	struct span name;

	if (c == NULL || dlen < 6)
		return 0;
	name.p = c + 1;
	name.len = (size_t)(a.p + a.len - name.p);
	if ((c = memchr(name.p, ':', name.len)) != NULL)
		name.len = (size_t)(c - name.p);
	if (name.len == 0 || name.len > 120)
		return 0;
	memcpy(dst, "sasl:", 5);
	copy_span(dst + 5, dlen - 5, name);
	return 1;
}

static int
client_ip(char *dst, size_t dlen, struct span ip)
{
	if (ip.len == 0 || ip.len > 64 || dlen < 4)
		return 0;
	memcpy(dst, "ip:", 3);
	copy_span(dst + 3, dlen - 3, ip);
	return 1;
}

/* <=: who handed us the message, its sender and Message-ID. */
static void
arrival(struct feed *f, struct span qid, const char *p, const char *end,
    const struct logline *ll)
{
	struct span sender, auth = { NULL, 0 }, ip = { NULL, 0 };
	struct span user = { NULL, 0 }, msgid = { NULL, 0 };
	struct corr *c;
	struct tok t;
	const char *q;
	int parent = 0;

	while (p < end && *p == ' ')
		p++;
	sender.p = p;
	while (p < end && *p != ' ')
		p++;
	sender.len = (size_t)(p - sender.p);
	if (sender.len == 0) {
		feed_malformed(f, "Exim arrival without a sender", ll->msg,
		    ll->msglen);
		return;
	}
	while ((q = next_tok(p, end, &t)) != NULL) {
		p = q;
		if (t.kind != TOK_FIELD)
			continue;
		if (span_eq(t.key, "R"))
			parent = 1;	/* a bounce of message R= */
		else if (span_eq(t.key, "H"))
			ip = t.ip;
		else if (span_eq(t.key, "A"))
			auth = t.val;
		else if (span_eq(t.key, "U"))
			user = t.val;
		else if (span_eq(t.key, "id"))
			msgid = t.val;
	}
	if ((c = feed_corr(f, qid.p, qid.len, 1)) == NULL)
		return;
	if (span_eq(sender, "<>"))
		c->sender[0] = '\0';
	else
		copy_addr(c->sender, sizeof(c->sender), sender);
	c->flags |= CORR_HAS_SENDER;
	if (parent || span_eq(sender, "<>"))
		c->flags |= CORR_NOTIFICATION;
	c->client[0] = '\0';
	if (parent && ip.len == 0)
		;	/* Exim's own bounce: nobody handed it over */
	else if (auth.len > 0 && client_sasl(c->client, sizeof(c->client),
	    auth))
		;
	else if (client_ip(c->client, sizeof(c->client), ip))
		;
	else if (user.len > 0 && user.len < 100) {
		/* Submitted on this host (a web form, a script). */
		memcpy(c->client, "local:", 6);
		copy_span(c->client + 6, sizeof(c->client) - 6, user);
	}
	if (msgid.len > 0)
		copy_span(c->msgid, sizeof(c->msgid), msgid);
	feed_corr_dirty(f, c);
}

/*
 * A refusal by our own Exim's ACLs: "H=host [ip] ... F=<s> rejected RCPT
 * <r>: TEXT" (also "temporarily rejected", "rejected MAIL <s>: TEXT",
 * "rejected after DATA: TEXT").  Other lines starting with H= are not
 * outcomes.
 */
static void
acl_reject(struct feed *f, int64_t t, const struct span *qid, const char *p,
    const char *end)
{
	struct span sender = { NULL, 0 }, rcpt = { NULL, 0 }, auth = { NULL,
	    0 }, ip = { NULL, 0 }, text = { NULL, 0 };
	struct event ev;
	struct tok tk;
	const char *q;
	char reply[1024], dsn[16];
	int temp = 0, state = 0, has_sender = 0;

	/* state: 0 fields, 1 after "rejected", 2 RCPT, 3 MAIL, 4 after */
	while ((q = next_tok(p, end, &tk)) != NULL) {
		p = q;
		if (state == 0) {
			if (key_is(&tk, "H"))
				ip = tk.ip;
			else if (key_is(&tk, "A"))
				auth = tk.val;
			else if (key_is(&tk, "F")) {
				sender = tk.val;
				has_sender = 1;
			} else if (tk.kind == TOK_WORD && span_eq(tk.val,
			    "temporarily"))
				temp = 1;
			else if (tk.kind == TOK_WORD && span_eq(tk.val,
			    "rejected"))
				state = 1;
			else if (tk.kind == TOK_WORD)
				return;	/* "sender verify fail for", ... */
		} else if (state == 1) {
			if (tk.kind != TOK_WORD)
				return;
			if (span_eq(tk.val, "RCPT"))
				state = 2;
			else if (span_eq(tk.val, "MAIL"))
				state = 3;
			else if (span_eq(tk.val, "after"))
				state = 4;
			else
				return;	/* EHLO, connection, VRFY, ... */
		} else if (state == 2 && tk.kind == TOK_ANGLE && rcpt.p == NULL)
			rcpt = tk.val;
		else if (state == 4 && !(tk.kind == TOK_WORD &&
		    span_eq(tk.val, "DATA")))
			return;
		if (tk.colon) {
			if (state < 2)
				return;
			text.p = p;
			text.len = (size_t)(end - p);
			break;
		}
	}
	if (state < 2)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.time = t;
	ev.flags = EVF_LOCAL_REJECT;
	copy_addr(ev.rcpt, sizeof(ev.rcpt), rcpt);
	if (has_sender)
		copy_addr(ev.sender, sizeof(ev.sender), sender);
	if (!(auth.len > 0 && client_sasl(ev.client, sizeof(ev.client),
	    auth)))
		client_ip(ev.client, sizeof(ev.client), ip);
	if (qid != NULL) {
		struct corr *c = feed_corr(f, qid->p, qid->len, 0);

		copy_span(ev.queue_id, sizeof(ev.queue_id), *qid);
		if (c != NULL && c->client[0])
			memcpy(ev.client, c->client, sizeof(ev.client));
	}
	unprint(reply, sizeof(reply), text, 0);
	ev.code = reply_status(reply, dsn, sizeof(dsn));
	status_parse(dsn, &ev.status);
	ev.reply = reply;
	/* No SMTP code is logged: say whether it was a 4xx. */
	ev.cls = classify(feed_classifier(f), temp ? "deferred" : "reject",
	    NULL, reply, ev.sub, sizeof(ev.sub));
	feed_event(f, &ev);
}

/* "[1234] " (+pid) or "[1\2] " (a line split for syslog). */
static const char *
bracket_prefix(const char *p, const char *end, int *piece)
{
	const char *q = p + 1;
	int n = 0, slash = 0;

	if (p >= end || *p != '[')
		return p;
	for (; q < end && q - p < 24 && (is_digit(*q) || *q == '\\'); q++) {
		if (*q == '\\')
			slash++;
		else if (!slash && n < 100000)
			n = n * 10 + (*q - '0');
	}
	if (q == p + 1 || q + 1 >= end || q[0] != ']' || q[1] != ' ' ||
	    slash > 1)
		return p;
	if (slash)
		*piece = n;
	return q + 2;
}

static int
is_exim(const struct logline *ll)
{
	return (ll->proglen == 4 && memcmp(ll->prog, "exim", 4) == 0) ||
	    (ll->proglen == 5 && memcmp(ll->prog, "exim4", 5) == 0);
}

static int
is_flag(const char *p, const char *end)
{
	static const char *const flags[] = { "<=", "=>", "->", ">>", "*>",
	    "**", "==", "(=" };
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (starts(p, end, flags[i]) && (end - p == 2 || p[2] == ' '))
			return 1;
	return 0;
}

/* "header From: VALUE", logged by the data ACL of contrib/exim (before
 * the message's "<=" line). */
static void
header_from(struct feed *f, struct span qid, const char *p,
    const char *end)
{
	char dom[DOMAIN_MAX + 1];
	struct corr *c;

	if (from_header_domain(p, end, dom, sizeof(dom)) == 0 &&
	    (c = feed_corr(f, qid.p, qid.len, 1)) != NULL) {
		memcpy(c->from_domain, dom, sizeof(dom));
		feed_corr_dirty(f, c);
	}
}

int
exim_parse(struct feed *f, const struct logline *ll)
{
	const char *p = ll->msg, *end = ll->msg + ll->msglen, *w;
	int64_t t = ll->time, t2;
	struct span qid;
	size_t n;
	int piece = 0, timed = 0, i;

	if (!is_exim(ll))
		return 0;
	/* [n\m] [time] [pid], in whatever order syslog kept them. */
	for (i = 0; i < 3; i++) {
		p = bracket_prefix(p, end, &piece);
		if (!timed && (n = logline_exim_time(p, (size_t)(end - p),
		    &t2)) > 0 && p + n < end && p[n] == ' ') {
			t = t2;
			p += n + 1;
			timed = 1;
		}
	}
	if (piece > 1)
		return 1;	/* the rest of a split line */

	for (w = p; w < end && *w != ' '; w++)
		;
	if (!is_msgid(p, (size_t)(w - p))) {
		if (starts(p, end, "H=") || starts(p, end, "U="))
			acl_reject(f, t, NULL, p, end);
		else if (w < end && w > p && is_flag(w + 1, end))
			feed_malformed(f, "bad Exim message id", ll->msg,
			    ll->msglen);
		return 1;	/* daemon, queue runner, connections */
	}
	qid.p = p;
	qid.len = (size_t)(w - p);
	if (w == end)
		return 1;
	p = w + 1;

	if (starts(p, end, "<=")) {
		if (end - p >= 3 && p[2] == ' ')
			arrival(f, qid, p + 3, end, ll);
		else
			feed_malformed(f, "Exim arrival without a sender",
			    ll->msg, ll->msglen);
	} else if (starts(p, end, "=>") || starts(p, end, "->") ||
	    starts(p, end, ">>"))
		delivered(f, t, qid, p + 2, end, ll);
	else if (starts(p, end, "**"))
		failed(f, t, qid, p + 2, end, 0, ll);
	else if (starts(p, end, "=="))
		failed(f, t, qid, p + 2, end, 1, ll);
	else if (starts(p, end, "Completed"))
		feed_corr_done(f, qid.p, qid.len);
	else if (starts(p, end, "H=") || starts(p, end, "U="))
		acl_reject(f, t, &qid, p, end);
	else if (starts(p, end, "header From: "))
		header_from(f, qid, p + 13, end);
	/* "*>" (-N), "(=" (fakereject), Frozen, "Message is frozen",
	 * Unfrozen, "removed by", "SMTP data timeout": nothing to learn. */
	return 1;
}

/*
 * tests/dnsd/test_policy.c - the Postfix policy service without sockets:
 * the stream reader (framing, CRLF, oversize, junk), the request parser,
 * the options, and the decision table for every code and class of
 * sender against a real store, expiry, the throttle, store trouble and
 * the exact answer lines.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "dnsd/policy.h"
#include "conf.h"
#include "log.h"
#include "record.h"
#include "store.h"
#include "util.h"

#define NOW	((int64_t)1700000000)	/* 2023-11-14T22:13Z */
#define DAY	86400

static struct store *store;
static char err[512];

/* ---- helpers ---- */

/* A policy compiled from the defaults and text ([policy-service]
 * options, or NULL).  Returns the policy_init() code. */
static int
mkpolicy(struct policy *p, const char *text)
{
	struct conf c;
	FILE *f;
	int rc;

	conf_defaults(&c);
	err[0] = '\0';
	if (text != NULL) {
		if ((f = fmemopen((void *)(uintptr_t)text, strlen(text), "r")) ==
		    NULL || conf_parse(&c, f, "test.conf", err, sizeof(err)) !=
		    RB_OK) {
			printf("Bail out! conf: %s\n", err);
			exit(1);
		}
		fclose(f);
	}
	rc = policy_init(p, &c, err, sizeof(err));
	conf_free(&c);
	return rc;
}

/* A request as Postfix 3.7 sends it at RCPT, with what the test sets. */
static const char *
request(const char *state, const char *sender, const char *rcpt,
    const char *sasl)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf),
	    "request=smtpd_access_policy\n"
	    "protocol_state=%s\n"
	    "protocol_name=ESMTP\n"
	    "client_address=192.0.2.7\n"
	    "client_name=client.asso.example\n"
	    "client_port=45678\n"
	    "reverse_client_name=client.asso.example\n"
	    "server_address=192.0.2.1\n"
	    "server_port=587\n"
	    "helo_name=client.asso.example\n"
	    "sender=%s\n"
	    "recipient=%s\n"
	    "recipient_count=0\n"
	    "queue_id=4Tb2kq0RbVz9vQ\n"
	    "instance=1a2b.65536f3c.1d2e3.0\n"
	    "size=1234\n"
	    "etrn_domain=\n"
	    "stress=\n"
	    "sasl_method=%s\n"
	    "sasl_username=%s\n"
	    "sasl_sender=\n"
	    "ccert_subject=CN=client.asso.example,O=Asso\n"
	    "ccert_issuer=CN=R3,O=Let's Encrypt,C=US\n"
	    "ccert_fingerprint=\n"
	    "ccert_pubkey_fingerprint=\n"
	    "encryption_protocol=TLSv1.3\n"
	    "encryption_cipher=TLS_AES_256_GCM_SHA384\n"
	    "encryption_keysize=256\n"
	    "policy_context=\n"
	    "compatibility_level=3.6\n"
	    "mail_version=3.7.11\n"
	    "\n", state, sender, rcpt, *sasl ? "PLAIN" : "", sasl);
	return buf;
}

/* Parse and decide; the answer line (without "action=" and the blank
 * line) in a static buffer. */
static struct policy_result last;
static char answer[POLICY_ANSWER_MAX];

static const char *
ask_at(struct policy *p, const char *req, int64_t now)
{
	struct policy_req r;
	size_t n;

	if (policy_parse(req, strlen(req), &r) != RB_OK)
		return "(parse error)";
	policy_decide(p, store, &r, now, &last);
	n = policy_format(p, &last, answer, sizeof(answer));
	if (n < 9 || strncmp(answer, "action=", 7) != 0 ||
	    strcmp(answer + n - 2, "\n\n") != 0)
		return "(bad answer)";
	answer[n - 2] = '\0';
	return answer + 7;
}

static const char *
ask(struct policy *p, const char *req)
{
	return ask_at(p, req, NOW);
}

/* Just the action word of the answer: DUNNO, 550, DEFER_IF_PERMIT... */
static const char *
verb(struct policy *p, const char *req)
{
	static char w[32];
	const char *a = ask(p, req);
	size_t n = strcspn(a, " ");

	if (n >= sizeof(w))
		n = sizeof(w) - 1;
	memcpy(w, a, n);
	w[n] = '\0';
	return w;
}

/* ---- the store ---- */

struct add_args {
	struct zkey	key;
	int		reason;
	int64_t		expires_in;
};

static int
do_add(struct store_txn *t, void *arg)
{
	struct add_args *a = arg;

	return store_assert(t, &a->key, a->reason, NULL, NOW, a->expires_in,
	    1, SCOPE_LOCAL);
}

static void
add(int zone, const char *text, int reason, int64_t expires_in)
{
	struct add_args a;

	memset(&a, 0, sizeof(a));
	if (zkey_from_text(zone, text, &a.key) != RB_OK) {
		printf("Bail out! bad key %s\n", text);
		exit(1);
	}
	a.reason = reason;
	a.expires_in = expires_in;
	if (store_write(store, do_add, &a) != RB_OK) {
		printf("Bail out! store_write %s\n", text);
		exit(1);
	}
}

struct many_args {
	int	n;
};

static int
do_many(struct store_txn *t, void *arg)
{
	struct many_args *a = arg;
	struct zkey k;
	char addr[64];
	int i, rc;

	for (i = 0; i < a->n; i++) {
		snprintf(addr, sizeof(addr), "many%d@volume.example", i);
		zkey_from_text(ZONE_SNDR, addr, &k);
		if ((rc = store_assert(t, &k, 4, NULL, NOW, 7 * DAY, 1,
		    SCOPE_LOCAL)) != RB_OK)
			return rc;
	}
	return RB_OK;
}

static void
fill(void)
{
	struct many_args m = { 3000 };

	/* recipients */
	add(ZONE_RCPT, "hard@example.com", 2, 90 * DAY);
	add(ZONE_RCPT, "repeat@example.com", 3, 7 * DAY);
	add(ZONE_RCPT, "recent@example.com", 4, DAY);
	add(ZONE_RCPT, "complained@example.com", 5, 365 * DAY);
	add(ZONE_RCPT, "operator@example.com", 10, 0);
	add(ZONE_RCPT, "expiring@example.com", 2, 3600);
	add(ZONE_RCPT, "both@example.com", 4, DAY);
	add(ZONE_RCPT, "both@example.com", 5, 3600);
	/* recipient domains */
	add(ZONE_RDOM, "gmaiil.com", 2, 365 * DAY);
	add(ZONE_RDOM, "slow.example", 4, DAY);
	/* senders */
	add(ZONE_SNDR, "hardrate@asso.example", 2, 7 * DAY);
	add(ZONE_SNDR, "complaints@asso.example", 3, 7 * DAY);
	add(ZONE_SNDR, "volume@asso.example", 4, 7 * DAY);
	add(ZONE_SNDR, "volume2@asso.example", 4, 7 * DAY);
	add(ZONE_SNDR, "listedsends@asso.example", 5, 7 * DAY);
	add(ZONE_SNDR, "spammy@asso.example", 6, 7 * DAY);
	add(ZONE_SNDR, "held@asso.example", 10, 0);
	/* sender domains */
	add(ZONE_SDOM, "bad.example", 2, 7 * DAY);
	add(ZONE_SDOM, "busy.example", 4, 7 * DAY);
	if (store_write(store, do_many, &m) != RB_OK) {
		printf("Bail out! store_write many\n");
		exit(1);
	}
}

/* ---- the reader ---- */

static int
read_all(struct policy_reader *rd, const char *data, size_t len,
    size_t *used)
{
	return policy_read(rd, data, len, used);
}

static void
test_reader(void)
{
	static struct policy_reader rd;
	const char *one = "request=smtpd_access_policy\nsender=a@b.c\n\n";
	const char *two = "request=smtpd_access_policy\n\n"
	    "request=smtpd_access_policy\nrecipient=x@y.z\n\n";
	const char *crlf = "request=smtpd_access_policy\r\nsender=a@b.c\r\n\r\n";
	char *big;
	size_t used, i, total;
	int rc, n;

	policy_reader_init(&rd);
	ok(!policy_reader_busy(&rd), "reader: idle at start");
	rc = read_all(&rd, one, strlen(one), &used);
	is_int(rc, PR_REQUEST, "reader: a request ends at its blank line");
	is_int(used, strlen(one), "reader: ... consuming all of it");
	is_int(rd.len, strlen(one), "reader: ... and keeping it");
	ok(!rd.oversize && !policy_reader_busy(&rd), "reader: not oversize, "
	    "not busy once done");

	/* Byte by byte. */
	policy_reader_init(&rd);
	for (i = 0, n = 0; i < strlen(one); i++) {
		rc = policy_read(&rd, one + i, 1, &used);
		if (rc == PR_REQUEST)
			n++;
		else if (i == 3 && !policy_reader_busy(&rd))
			n = 100;
	}
	is_int(n, 1, "reader: byte by byte, one request at the last byte, "
	    "busy before");
	is_int(rd.len, strlen(one), "reader: byte by byte, all kept");

	/* Two requests in one read: the first, then the rest. */
	policy_reader_init(&rd);
	rc = policy_read(&rd, two, strlen(two), &used);
	is_int(rc, PR_REQUEST, "reader: pipelined, the first request");
	is_int(used, strlen("request=smtpd_access_policy\n\n"),
	    "reader: pipelined, up to its blank line only");
	total = used;
	rc = policy_read(&rd, two + total, strlen(two) - total, &used);
	is_int(rc, PR_REQUEST, "reader: pipelined, the second request");
	ok(rd.len == used && memcmp(rd.buf, two + total, used) == 0,
	    "reader: the second request alone in the buffer");

	/* CRLF. */
	policy_reader_init(&rd);
	rc = policy_read(&rd, crlf, strlen(crlf), &used);
	ok(rc == PR_REQUEST && used == strlen(crlf), "reader: CRLF lines and "
	    "a CRLF blank line");
	/* A lone CR in a line is not a blank line. */
	policy_reader_init(&rd);
	rc = policy_read(&rd, "a=b\n\rx=y\n", 9, &used);
	is_int(rc, PR_MORE, "reader: '\\rx=y' is not a blank line");

	/* An empty request: a blank line alone. */
	policy_reader_init(&rd);
	rc = policy_read(&rd, "\n", 1, &used);
	ok(rc == PR_REQUEST && rd.len == 1, "reader: a blank line alone is "
	    "a (malformed) request");

	/* Oversize: kept up to the limit, the rest read to its end. */
	big = xmalloc(POLICY_JUNK_MAX + 100);
	memset(big, 'a', POLICY_JUNK_MAX + 100);
	for (i = 0; i < 20000; i += 100)
		big[i + 99] = '\n';
	memcpy(big + 20000, "\n", 1);
	policy_reader_init(&rd);
	rc = policy_read(&rd, big, 20001, &used);
	ok(rc == PR_REQUEST && used == 20001 && rd.oversize &&
	    rd.len == POLICY_REQ_MAX, "reader: 20 kB request: read to its "
	    "end, oversize, %d bytes kept", POLICY_REQ_MAX);
	rc = policy_read(&rd, one, strlen(one), &used);
	ok(rc == PR_REQUEST && !rd.oversize && used == strlen(one),
	    "reader: the next request after an oversize one is normal");

	/* Junk without a blank line: given up after POLICY_JUNK_MAX. */
	memset(big, 'x', POLICY_JUNK_MAX + 100);
	policy_reader_init(&rd);
	rc = policy_read(&rd, big, POLICY_JUNK_MAX / 2, &used);
	is_int(rc, PR_MORE, "reader: half a megabyte of junk: more");
	rc = policy_read(&rd, big, POLICY_JUNK_MAX, &used);
	ok(rc == PR_CLOSE && used <= POLICY_JUNK_MAX, "reader: past %d "
	    "bytes of junk: close", POLICY_JUNK_MAX);
	free(big);
}

/* ---- the parser ---- */

static void
test_parse(void)
{
	static const char nul[] =
	    "request=smtpd_access_policy\nsender=a\0b@c\n\n";
	static const char junk[] = "\x80\xff\x01\x02=\x03\n\xfe\n\n";
	struct policy_req r;
	const char *req;
	char buf[POLICY_REQ_MAX + 100], *crlf;
	size_t i, o;
	int rc;

	req = request("RCPT", "Alice@Asso.Example", "Bob@Example.COM",
	    "alice");
	is_int(policy_parse(req, strlen(req), &r), RB_OK,
	    "parse: a full Postfix 3.7 request");
	is_int(r.state, PS_RCPT, "parse: protocol_state RCPT");
	is_str(r.sender, "Alice@Asso.Example", "parse: sender as sent");
	is_str(r.recipient, "Bob@Example.COM", "parse: recipient as sent");
	is_str(r.sasl_username, "alice", "parse: sasl_username");
	is_str(r.queue_id, "4Tb2kq0RbVz9vQ", "parse: queue_id");
	is_str(r.client_address, "192.0.2.7", "parse: client_address");
	is_int(r.nattr, 31, "parse: 31 attributes counted");
	ok(r.is_policy, "parse: request=smtpd_access_policy");

	/* The same with CRLF. */
	for (i = 0, o = 0; req[i] && o + 2 < sizeof(buf); i++) {
		if (req[i] == '\n')
			buf[o++] = '\r';
		buf[o++] = req[i];
	}
	crlf = buf;
	rc = policy_parse(crlf, o, &r);
	ok(rc == RB_OK && strcmp(r.recipient, "Bob@Example.COM") == 0 &&
	    strcmp(r.sasl_username, "alice") == 0 && r.state == PS_RCPT,
	    "parse: CRLF lines, no CR left in values");

	/* '=' in values; unknown attributes ignored. */
	req = "request=smtpd_access_policy\nsasl_username=a=b==\n"
	    "ccert_subject=CN=x,O=y\nsomething_new=1\nrecipient=r@x.y\n\n";
	rc = policy_parse(req, strlen(req), &r);
	ok(rc == RB_OK && strcmp(r.sasl_username, "a=b==") == 0,
	    "parse: '=' in a value, split at the first");
	is_str(r.recipient, "r@x.y", "parse: unknown attributes ignored");
	is_int(r.state, PS_NONE, "parse: no protocol_state");

	/* Missing recipient, empty sender. */
	req = "request=smtpd_access_policy\nprotocol_state=MAIL\nsender=\n\n";
	rc = policy_parse(req, strlen(req), &r);
	ok(rc == RB_OK && r.recipient[0] == '\0' && r.sender[0] == '\0' &&
	    r.state == PS_MAIL, "parse: MAIL, no recipient, empty sender");

	/* Without the final blank line (the reader gives it; the parser
	 * does not need it) and anything after a blank line ignored. */
	req = "request=smtpd_access_policy\nrecipient=a@b.c";
	ok(policy_parse(req, strlen(req), &r) == RB_OK &&
	    strcmp(r.recipient, "a@b.c") == 0, "parse: no final newline");
	req = "request=smtpd_access_policy\n\nrecipient=a@b.c\n\n";
	ok(policy_parse(req, strlen(req), &r) == RB_OK &&
	    r.recipient[0] == '\0', "parse: stops at the blank line");

	/* Malformed. */
	req = "request=smtpd_access_policy\nthis line has no equals sign\n\n";
	is_int(policy_parse(req, strlen(req), &r), RB_EINVAL,
	    "parse: a line without '=' is malformed");
	req = "request=smtpd_access_policy\n=value\n\n";
	is_int(policy_parse(req, strlen(req), &r), RB_EINVAL,
	    "parse: an empty name is malformed");
	req = "protocol_state=RCPT\nrecipient=a@b.c\n\n";
	is_int(policy_parse(req, strlen(req), &r), RB_EINVAL,
	    "parse: no request= is malformed");
	req = "request=junk_policy\nrecipient=a@b.c\n\n";
	is_int(policy_parse(req, strlen(req), &r), RB_EINVAL,
	    "parse: another request kind is malformed");
	is_int(policy_parse("\n", 1, &r), RB_EINVAL,
	    "parse: an empty request is malformed");
	is_int(policy_parse(nul, sizeof(nul) - 1, &r), RB_EINVAL,
	    "parse: a NUL byte is malformed");
	is_int(policy_parse(junk, sizeof(junk) - 1, &r), RB_EINVAL,
	    "parse: binary junk is malformed");

	/* Limits. */
	o = (size_t)snprintf(buf, sizeof(buf), "request=smtpd_access_policy\n");
	for (i = 1; i < POLICY_ATTR_MAX; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "x%zu=1\n", i);
	is_int(policy_parse(buf, o, &r), RB_OK, "parse: %d attributes is "
	    "fine", POLICY_ATTR_MAX);
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "one=too many\n");
	is_int(policy_parse(buf, o, &r), RB_ERANGE, "parse: %d attributes "
	    "is too many", POLICY_ATTR_MAX + 1);
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "request=smtpd_access_policy\nx=", 30);
	is_int(policy_parse(buf, POLICY_REQ_MAX + 1, &r), RB_ERANGE,
	    "parse: over %d bytes is too large", POLICY_REQ_MAX);

	/* An address longer than ADDR_MAX is flagged, not looked up. */
	o = (size_t)snprintf(buf, sizeof(buf),
	    "request=smtpd_access_policy\nsender=");
	memset(buf + o, 'a', ADDR_MAX + 10);
	o += ADDR_MAX + 10;
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "@x.y\n\n");
	ok(policy_parse(buf, o, &r) == RB_OK && r.sender_long &&
	    strlen(r.sender) == ADDR_MAX, "parse: a too long sender is "
	    "flagged and cut");

	/* States. */
	req = "request=smtpd_access_policy\nprotocol_state=END-OF-MESSAGE\n\n";
	ok(policy_parse(req, strlen(req), &r) == RB_OK && r.state == PS_EOM,
	    "parse: END-OF-MESSAGE");
	req = "request=smtpd_access_policy\nprotocol_state=rcpt\n\n";
	ok(policy_parse(req, strlen(req), &r) == RB_OK && r.state == PS_RCPT,
	    "parse: states in any case");
	req = "request=smtpd_access_policy\nprotocol_state=BDAT\n\n";
	ok(policy_parse(req, strlen(req), &r) == RB_OK && r.state == PS_OTHER,
	    "parse: an unknown state");
	req = "request=smtpd_access_policy\nqueue_id=AB\x01\xff CD\n\n";
	ok(policy_parse(req, strlen(req), &r) == RB_OK &&
	    strcmp(r.queue_id, "AB??" "?CD") == 0,
	    "parse: queue_id made printable for the log");
}

/* ---- options ---- */

static void
test_options(void)
{
	static const struct { const char *conf, *want; } bad[] = {
		{ "[policy-service]\nrcpt-actions = 7=reject\n",
		  "policy-service: rcpt-actions: '7' is not a code of the "
		  "recipient zones" },
		{ "[policy-service]\nrcpt-actions = 6=reject\n",
		  "policy-service: rcpt-actions: '6' is not a code of the "
		  "recipient zones" },
		{ "[policy-service]\nbulk-sender-actions = 2=explode\n",
		  "policy-service: bulk-sender-actions: 'explode' is not one "
		  "of dunno, warn, hold, defer, reject, throttle" },
		{ "[policy-service]\nsender-actions = hold\n",
		  "policy-service: sender-actions: expected CODE=ACTION, got "
		  "'hold'" },
		{ "[policy-service]\nunauthenticated = robots\n",
		  "policy-service: unauthenticated: expected bulk or mailbox, "
		  "got 'robots'" },
	};
	struct policy p, q;
	struct conf c;
	struct strlist saved[4];
	size_t i;
	int r, k;

	/* The defaults of the options and the built-in table agree. */
	is_int(mkpolicy(&p, NULL), RB_OK, "options: the defaults compile");
	conf_defaults(&c);
	saved[0] = c.rcpt_actions;
	saved[1] = c.bulk_rcpt_actions;
	saved[2] = c.sender_actions;
	saved[3] = c.bulk_sender_actions;
	c.rcpt_actions.n = c.bulk_rcpt_actions.n = 0;
	c.sender_actions.n = c.bulk_sender_actions.n = 0;
	r = policy_init(&q, &c, err, sizeof(err));
	c.rcpt_actions = saved[0];
	c.bulk_rcpt_actions = saved[1];
	c.sender_actions = saved[2];
	c.bulk_sender_actions = saved[3];
	conf_free(&c);
	ok(r == RB_OK && memcmp(p.conf.rcpt, q.conf.rcpt,
	    sizeof(p.conf.rcpt)) == 0 && memcmp(p.conf.sndr, q.conf.sndr,
	    sizeof(p.conf.sndr)) == 0, "options: their defaults are the "
	    "built-in table");
	policy_free(&q);
	is_int(p.conf.unauth_class, PC_BULK, "options: unauthenticated mail "
	    "is bulk by default");
	is_int(p.conf.throttle_rate, 20, "options: throttle-rate 20");
	policy_free(&p);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = mkpolicy(&p, bad[i].conf);
		ok(r == RB_EINVAL, "options: refused: %s", bad[i].want);
		is_str(err, bad[i].want, "options: ... with that message");
		if (r == RB_OK)
			policy_free(&p);
	}

	/* Codes by keyword, a single code changed, the rest kept. */
	r = mkpolicy(&p, "[policy-service]\n"
	    "bulk-rcpt-actions = recent=reject\n"
	    "rcpt-actions = 127.0.0.3=WARN, soft=defer_if_permit\n"
	    "sender-actions = held=dunno\n"
	    "unauthenticated = mailbox\n");
	ok(r == RB_OK && p.conf.rcpt[PC_BULK][4] == PA_REJECT &&
	    p.conf.rcpt[PC_BULK][3] == PA_DEFER &&
	    p.conf.rcpt[PC_BULK][2] == PA_REJECT,
	    "options: bulk-rcpt-actions recent=reject, the rest kept");
	ok(r == RB_OK && p.conf.rcpt[PC_MAILBOX][3] == PA_DEFER,
	    "options: later words win, 'soft' is 3, defer_if_permit");
	ok(r == RB_OK && p.conf.sndr[PC_MAILBOX][10] == PA_DUNNO &&
	    p.conf.sndr[PC_MAILBOX][2] == PA_HOLD, "options: sender-actions "
	    "held=dunno (10), the rest kept");
	is_int(p.conf.unauth_class, PC_MAILBOX, "options: unauthenticated = "
	    "mailbox");
	for (k = 0, i = 0; i <= REASON_MAX; i++)
		k += p.conf.rcpt[PC_MAILBOX][i] == PA_THROTTLE;
	is_int(k, 0, "options: no throttle in the rcpt table");
	if (r == RB_OK)
		policy_free(&p);
}

/* ---- deciding ---- */

struct row {
	const char	*addr;
	const char	*mailbox, *bulk;	/* expected verbs */
};

static void
test_table(void)
{
	/* The default table of policy.h, code by code. */
	static const struct row rcpt[] = {
		{ "hard@example.com", "550", "550" },
		{ "repeat@example.com", "DUNNO", "DEFER_IF_PERMIT" },
		{ "recent@example.com", "DUNNO", "DEFER_IF_PERMIT" },
		{ "complained@example.com", "550", "550" },
		{ "operator@example.com", "550", "550" },
		{ "someone@gmaiil.com", "550", "550" },		/* rdom 2 */
		{ "someone@slow.example", "DUNNO", "DEFER_IF_PERMIT" },
		{ "good@example.com", "DUNNO", "DUNNO" },
		{ NULL, NULL, NULL }
	};
	static const struct row sndr[] = {
		{ "hardrate@asso.example", "HOLD", "550" },
		{ "complaints@asso.example", "HOLD", "550" },
		{ "volume@asso.example", "DUNNO", "DUNNO" },	/* under rate */
		{ "listedsends@asso.example", "HOLD", "550" },
		{ "spammy@asso.example", "HOLD", "550" },
		{ "held@asso.example", "HOLD", "HOLD" },
		{ "anyone@bad.example", "HOLD", "550" },	/* sdom 2 */
		{ "alice@asso.example", "DUNNO", "DUNNO" },
		{ NULL, NULL, NULL }
	};
	struct policy p;
	const struct row *w;

	if (mkpolicy(&p, "[policy-service]\nbulk-senders = news, "
	    "lists.asso.example, robot@asso.example\n") != RB_OK) {
		printf("Bail out! policy_init: %s\n", err);
		exit(1);
	}
	for (w = rcpt; w->addr; w++) {
		is_str(verb(&p, request("RCPT", "alice@asso.example", w->addr,
		    "alice")), w->mailbox, "table: mailbox user -> %s",
		    w->addr);
		is_int(last.sclass, PC_MAILBOX, "table: ... is a mailbox user");
		is_str(verb(&p, request("RCPT", "news@asso.example", w->addr,
		    "news")), w->bulk, "table: bulk sender -> %s", w->addr);
		is_int(last.sclass, PC_BULK, "table: ... is bulk");
	}
	for (w = sndr; w->addr; w++) {
		is_str(verb(&p, request("RCPT", w->addr, "good@example.com",
		    "alice")), w->mailbox, "table: %s as a mailbox user",
		    w->addr);
		is_str(verb(&p, request("RCPT", w->addr, "good@example.com",
		    "news")), w->bulk, "table: %s as bulk", w->addr);
	}

	/* Classes. */
	verb(&p, request("RCPT", "x@lists.asso.example", "good@example.com",
	    "someone"));
	is_int(last.sclass, PC_BULK, "class: a sender domain in bulk-senders "
	    "is bulk, even with a SASL login");
	verb(&p, request("RCPT", "Robot@Asso.Example", "good@example.com",
	    ""));
	is_int(last.sclass, PC_BULK, "class: a sender address in "
	    "bulk-senders, any case");
	verb(&p, request("RCPT", "x@sub.lists.asso.example",
	    "good@example.com", "someone"));
	is_int(last.sclass, PC_MAILBOX, "class: a subdomain is not the "
	    "domain");
	verb(&p, request("RCPT", "alice@asso.example", "good@example.com",
	    "NEWS"));
	is_int(last.sclass, PC_BULK, "class: SASL names in any case");
	is_str(verb(&p, request("RCPT", "alice@asso.example",
	    "recent@example.com", "")), "DEFER_IF_PERMIT",
	    "class: no SASL login, not listed as bulk: bulk by default");
	policy_free(&p);
	mkpolicy(&p, "[policy-service]\nunauthenticated = mailbox\n");
	is_str(verb(&p, request("RCPT", "alice@asso.example",
	    "recent@example.com", "")), "DUNNO",
	    "class: unauthenticated = mailbox: a recent soft bounce passes");
	is_str(verb(&p, request("RCPT", "hardrate@asso.example",
	    "good@example.com", "")), "HOLD",
	    "class: unauthenticated = mailbox: a listed sender is held");
	policy_free(&p);
}

static void
test_decide(void)
{
	struct policy p;
	struct policy_req r;
	const char *a;

	mkpolicy(&p, NULL);
	/* The exact lines. */
	is_str(ask(&p, request("RCPT", "alice@asso.example",
	    "Hard@Example.com", "alice")),
	    "550 5.1.1 listed by rebond (rcpt 127.0.0.2: does not exist (hard "
	    "bounce)); if this is wrong, ask your postmaster to delist it",
	    "answer: hard bounce, 550 5.1.1 (Postfix puts the recipient "
	    "before the text)");
	is_str(ask(&p, request("RCPT", "alice@asso.example",
	    "complained@example.com", "alice")),
	    "550 5.7.1 listed by rebond (rcpt 127.0.0.5: the recipient "
	    "complained); if this is wrong, ask your postmaster to delist it",
	    "answer: complaint, 5.7.1");
	is_str(ask(&p, request("RCPT", "alice@asso.example",
	    "x@GMAIIL.com", "alice")),
	    "550 5.1.2 listed by rebond (rdom 127.0.0.2: does not exist (hard "
	    "bounce)); if this is wrong, ask your postmaster to delist it",
	    "answer: recipient domain, 5.1.2");
	is_str(ask(&p, request("RCPT", "news@asso.example",
	    "recent@example.com", "")),
	    "DEFER_IF_PERMIT 4.7.1 listed by rebond (rcpt 127.0.0.4: recent "
	    "soft bounce); if this is wrong, ask your postmaster to delist it",
	    "answer: DEFER_IF_PERMIT 4.7.1");
	is_str(ask(&p, request("RCPT", "held@asso.example",
	    "good@example.com", "alice")),
	    "HOLD listed by rebond (sndr 127.0.0.10: held by the operator); "
	    "if this is wrong, ask your postmaster to delist it",
	    "answer: HOLD");
	a = ask(&p, request("RCPT", "spammy@asso.example",
	    "good@example.com", ""));
	is_str(a, "550 5.7.1 listed by rebond (sndr 127.0.0.6: messages "
	    "refused as spam or policy); if this is wrong, ask your "
	    "postmaster to delist it", "answer: sender rejected, 5.7.1");
	ok(strchr(a, '@') == NULL, "answer: the sender reject names no "
	    "address");
	a = ask(&p, request("RCPT", "alice@asso.example",
	    "hard@example.com ", "alice"));
	ok(strncmp(a, "550 5.1.1 listed", 16) == 0 && strchr(a, '@') == NULL,
	    "answer: the recipient reject names no address either (a "
	    "trailing space trimmed)");
	is_str(ask(&p, request("RCPT", "<Hard@Example.COM>", "good@x.y",
	    "alice")), "DUNNO", "answer: a listed recipient as sender means "
	    "nothing");

	/* Strongest action wins. */
	is_str(verb(&p, request("RCPT", "held@asso.example",
	    "hard@example.com", "alice")), "550",
	    "combine: reject beats hold");
	is_str(verb(&p, request("RCPT", "held@asso.example",
	    "recent@example.com", "")), "DEFER_IF_PERMIT",
	    "combine: defer beats hold");
	is_str(verb(&p, request("RCPT", "alice@asso.example",
	    "both@example.com", "alice")), "550",
	    "combine: two reasons on one key, 5 (reject) beats 4 (dunno)");
	ok(last.zone == ZONE_RCPT && last.reason == 5, "combine: the "
	    "stronger reason gives the text");
	is_str(verb(&p, request("RCPT", "hardrate@asso.example",
	    "someone@gmaiil.com", "news")), "550",
	    "combine: rdom and sndr both reject");
	is_int(last.zone, ZONE_RDOM, "combine: the recipient side first");

	/* Empty sender, states. */
	is_str(verb(&p, request("RCPT", "", "good@example.com", "")), "DUNNO",
	    "sender <>: no sender lookup");
	is_str(verb(&p, request("RCPT", "", "hard@example.com", "")), "550",
	    "sender <>: the recipient is still checked");
	is_str(verb(&p, request("RCPT", "<>", "good@example.com", "")),
	    "DUNNO", "sender '<>' as text: no lookup");
	is_str(verb(&p, request("MAIL", "held@asso.example", "", "alice")),
	    "HOLD", "MAIL: the sender is checked");
	is_str(verb(&p, request("MAIL", "alice@asso.example",
	    "hard@example.com", "alice")), "DUNNO",
	    "MAIL: no recipient lookup");
	is_str(verb(&p, request("END-OF-MESSAGE", "alice@asso.example",
	    "hard@example.com", "alice")), "550",
	    "END-OF-MESSAGE with one recipient: checked");
	is_str(verb(&p, request("END-OF-MESSAGE", "spammy@asso.example",
	    "", "")), "550", "END-OF-MESSAGE, several recipients: the "
	    "sender is checked");
	is_str(verb(&p, request("DATA", "alice@asso.example",
	    "hard@example.com", "")), "550", "DATA: as END-OF-MESSAGE");
	is_str(verb(&p, request("CONNECT", "held@asso.example",
	    "hard@example.com", "")), "DUNNO", "CONNECT: no lookup");
	is_str(verb(&p, request("EHLO", "held@asso.example",
	    "hard@example.com", "")), "DUNNO", "EHLO: no lookup");
	is_str(verb(&p, request("VRFY", "", "hard@example.com", "")),
	    "DUNNO", "VRFY: no lookup");
	is_str(verb(&p, request("BDAT", "", "hard@example.com", "")),
	    "DUNNO", "an unknown state: DUNNO");
	is_str(verb(&p, "request=smtpd_access_policy\n"
	    "recipient=hard@example.com\n\n"), "550",
	    "no protocol_state: what is there is checked");
	is_str(verb(&p, request("RCPT", "alice@asso.example",
	    "not-an-address", "alice")), "DUNNO",
	    "a recipient without '@': DUNNO");
	is_str(verb(&p, request("RCPT", "alice@[192.0.2.1]",
	    "bob@[192.0.2.1]", "alice")), "DUNNO",
	    "address literals: no domain lookup, DUNNO");

	/* Expiry: listed at NOW for an hour. */
	is_str(verb(&p, request("RCPT", "", "expiring@example.com", "")),
	    "550", "expiry: listed before it expires");
	ask_at(&p, request("RCPT", "", "expiring@example.com", ""),
	    NOW + 2 * 3600);
	is_str(answer, "action=DUNNO", "expiry: DUNNO once expired");
	ask_at(&p, request("RCPT", "news@asso.example", "both@example.com",
	    ""), NOW + 2 * 3600);
	ok(strncmp(answer, "action=DEFER_IF_PERMIT", 22) == 0 &&
	    last.reason == 4, "expiry: of two reasons, the expired one no "
	    "longer counts");

	/* Store trouble: no store. */
	memset(&r, 0, sizeof(r));
	a = request("RCPT", "held@asso.example", "hard@example.com", "");
	policy_parse(a, strlen(a), &r);
	is_int(policy_decide(&p, NULL, &r, NOW, &last), PA_DUNNO,
	    "trouble: no store, DUNNO");
	ok(last.trouble && last.zone < 0, "trouble: ... flagged");
	policy_free(&p);

	/* WARN and the message template. */
	mkpolicy(&p, "[policy-service]\nrcpt-actions = 4=warn\n"
	    "reject-message = \"%z|%c|%r|%%|%q|100%\"\n");
	is_str(ask(&p, request("RCPT", "", "recent@example.com", "alice")),
	    "WARN rcpt|127.0.0.4|recent soft bounce|%|%q|100%",
	    "answer: WARN, and every template escape");
	policy_free(&p);
	mkpolicy(&p, "[policy-service]\nreject-message = \"tab\there\"\n");
	is_str(ask(&p, request("RCPT", "", "hard@example.com", "alice")),
	    "550 5.1.1 tab?here",
	    "answer: control bytes of the template become '?'");
	policy_free(&p);
}

static void
test_throttle(void)
{
	struct policy p;
	int i, n, used;
	char addr[64];

	mkpolicy(&p, "[policy-service]\nthrottle-rate = 3\n");
	for (i = 0, n = 0; i < 3; i++)
		n += strcmp(verb(&p, request("RCPT", "volume@asso.example",
		    "good@example.com", "alice")), "DUNNO") == 0;
	is_int(n, 3, "throttle: 3 a minute pass");
	is_str(ask(&p, request("RCPT", "volume@asso.example",
	    "good@example.com", "alice")), "DEFER_IF_PERMIT 4.7.1 listed by "
	    "rebond (sndr 127.0.0.4: unusual volume: throttle); if this is "
	    "wrong, ask your postmaster to delist it",
	    "throttle: the 4th is deferred");
	ok(last.throttled, "throttle: ... by the bucket");
	is_str(verb(&p, request("RCPT", "volume2@asso.example",
	    "good@example.com", "alice")), "DUNNO",
	    "throttle: another sender has its own bucket");
	is_str(verb(&p, request("RCPT", "volume@asso.example",
	    "hard@example.com", "alice")), "550",
	    "throttle: a reject still says reject");
	ask_at(&p, request("RCPT", "volume@asso.example", "good@example.com",
	    "alice"), NOW + 20);
	is_str(answer, "action=DUNNO", "throttle: 20 s later, one more");
	ask_at(&p, request("RCPT", "volume@asso.example", "good@example.com",
	    "alice"), NOW + 20);
	ok(strncmp(answer, "action=DEFER_IF_PERMIT", 22) == 0,
	    "throttle: ... and only one");
	for (i = 0, n = 0; i < 4; i++) {
		ask_at(&p, request("RCPT", "volume@asso.example",
		    "good@example.com", "alice"), NOW + 100);
		n += strcmp(answer, "action=DUNNO") == 0;
	}
	is_int(n, 3, "throttle: a minute later, 3 again, not more");

	/* Requests that something stronger decides take no token. */
	for (i = 0; i < 5; i++)
		verb(&p, request("RCPT", "volume2@asso.example",
		    "hard@example.com", "alice"));
	for (i = 0, n = 0; i < 2; i++)
		n += strcmp(verb(&p, request("RCPT", "volume2@asso.example",
		    "good@example.com", "alice")), "DUNNO") == 0;
	is_int(n, 2, "throttle: rejected requests took no token");

	/* A throttled sender domain: one bucket for the whole domain. */
	for (i = 0, n = 0; i < 4; i++) {
		snprintf(addr, sizeof(addr), "user%d@busy.example", i);
		n += strcmp(verb(&p, request("RCPT", addr, "good@example.com",
		    "")), "DEFER_IF_PERMIT") == 0;
	}
	ok(n == 1 && last.zone == ZONE_SDOM, "throttle: sdom, 4 senders of "
	    "one domain share 3 a minute");

	/* Many throttled senders: the table stays bounded and works. */
	for (i = 0, n = 0; i < 3000; i++) {
		snprintf(addr, sizeof(addr), "many%d@volume.example", i);
		n += strcmp(verb(&p, request("RCPT", addr, "good@example.com",
		    "news")), "DUNNO") == 0;
	}
	is_int(n, 3000, "throttle: 3000 listed senders, one request each, "
	    "all pass");
	for (i = 0, used = 0; i < POLICY_THROTTLE_SLOTS; i++)
		used += p.throttle[i].used;
	ok(used > 0 && used <= POLICY_THROTTLE_SLOTS, "throttle: %d slots "
	    "used of %d", used, POLICY_THROTTLE_SLOTS);
	policy_free(&p);
}

/* policy_handle: what the server calls, stats included. */
static const char *
handle(struct policy *p, struct store *st, const char *req, size_t len,
    int allowed)
{
	static struct policy_reader rd;
	static char out[POLICY_ANSWER_MAX];
	size_t used, n;

	policy_reader_init(&rd);
	if (policy_read(&rd, req, len, &used) != PR_REQUEST)
		return "(no request)";
	n = policy_handle(p, st, &rd, allowed, NOW, out, sizeof(out));
	out[n] = '\0';
	return out;
}

static void
test_handle(void)
{
	struct policy p;
	const char *hard = request("RCPT", "alice@asso.example",
	    "hard@example.com", "alice");
	char *big;
	int i, bad;

	mkpolicy(&p, NULL);
	ok(strncmp(handle(&p, store, hard, strlen(hard), 1),
	    "action=550 5.1.1 listed by rebond (rcpt ", 39) == 0,
	    "handle: a listed recipient is refused");
	is_str(handle(&p, store, hard, strlen(hard), 0), "action=DUNNO\n\n",
	    "handle: a client outside the ACL gets DUNNO");
	is_str(handle(&p, NULL, hard, strlen(hard), 1), "action=DUNNO\n\n",
	    "handle: store trouble gets DUNNO");
	is_str(handle(&p, store, "junk\n\n", 6, 1), "action=DUNNO\n\n",
	    "handle: a malformed request gets DUNNO");
	big = xmalloc(POLICY_REQ_MAX * 2);
	memset(big, 'a', POLICY_REQ_MAX * 2);
	memcpy(big, "request=smtpd_access_policy\nx=", 30);
	memcpy(big + POLICY_REQ_MAX * 2 - 2, "\n\n", 2);
	is_str(handle(&p, store, big, POLICY_REQ_MAX * 2, 1),
	    "action=DUNNO\n\n", "handle: an oversize request gets DUNNO");
	free(big);
	is_str(handle(&p, store, request("RCPT", "", "good@example.com", ""),
	    strlen(request("RCPT", "", "good@example.com", "")), 1),
	    "action=DUNNO\n\n", "handle: a clean request gets DUNNO");
	ok(p.stats.requests == 6 && p.stats.action[PA_REJECT] == 1 &&
	    p.stats.action[PA_DUNNO] == 5 && p.stats.refused == 1 &&
	    p.stats.errors == 1 && p.stats.malformed == 1 &&
	    p.stats.oversize == 1, "handle: the counters say so");
	printf("# requests %llu reject %llu dunno %llu refused %llu "
	    "errors %llu malformed %llu oversize %llu\n",
	    (unsigned long long)p.stats.requests,
	    (unsigned long long)p.stats.action[PA_REJECT],
	    (unsigned long long)p.stats.action[PA_DUNNO],
	    (unsigned long long)p.stats.refused,
	    (unsigned long long)p.stats.errors,
	    (unsigned long long)p.stats.malformed,
	    (unsigned long long)p.stats.oversize);

	/* Random and mutated requests: always one well-formed answer. */
	srandom(42);
	for (i = 0, bad = 0; i < 20000; i++) {
		char buf[600];
		const char *a;
		size_t len, k;

		if (i & 1) {
			len = (size_t)(random() % (long)sizeof(buf));
			for (k = 0; k < len; k++)
				buf[k] = (char)random();
		} else {
			a = request(i & 2 ? "RCPT" : "MAIL", "held@asso.example",
			    "hard@example.com", "");
			len = strlen(a) < sizeof(buf) ? strlen(a) :
			    sizeof(buf);
			memcpy(buf, a, len);
			for (k = 0; k < 4; k++)
				buf[random() % (long)len] = (char)random();
		}
		if (len < 2)
			len = 2;
		buf[len - 2] = '\n';
		buf[len - 1] = '\n';
		a = handle(&p, store, buf, len, 1);
		if (strcmp(a, "(no request)") == 0)
			continue;	/* a blank line came first: fine */
		if (strncmp(a, "action=", 7) != 0 ||
		    strchr(a, '\n') != a + strlen(a) - 2 ||
		    strcmp(a + strlen(a) - 2, "\n\n") != 0)
			bad++;
	}
	is_int(bad, 0, "handle: 20000 random and mutated requests, every "
	    "answer one action line");
	policy_free(&p);
}

static int
rm_store(const char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lock.mdb", dir);
	unlink(path);
	return rmdir(dir);
}

int
main(void)
{
	char dir[] = "/tmp/rebond-policy.XXXXXX";

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The store computes listings at rb_now(): the same fixed time. */
	setenv("REBOND_NOW", "1700000000", 1);
	log_init("test_policy", 1, LOG_LVL_ERR);
	if (mkdtemp(dir) == NULL ||
	    store_open(&store, dir, 64 << 20, 0, err, sizeof(err)) != RB_OK) {
		printf("Bail out! store: %s\n", err);
		return 1;
	}
	fill();
	test_reader();
	test_parse();
	test_options();
	test_table();
	test_decide();
	test_throttle();
	test_handle();
	store_close(store);
	ok(rm_store(dir) == 0, "temporary store removed");
	return done_testing();
}

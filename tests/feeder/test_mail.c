/*
 * tests/feeder/test_mail.c - the ARF/DSN mail parser on the samples of
 * tests/feeder/mails/ (each field asserted), their CRLF variants, every
 * truncation of each, and generated hostile mails.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "feeder/mail.h"
#include "util.h"

static struct mail_report r, r2;

static char *
load(const char *name, size_t *len)
{
	static const char *const dirs[] = {
		"tests/feeder/mails", "mails", "../../tests/feeder/mails",
	};
	const char *srcdir = getenv("srcdir");
	char path[4096];
	FILE *f = NULL;
	char *buf;
	long n;
	size_t i;

	if (srcdir != NULL) {
		snprintf(path, sizeof(path), "%s/tests/feeder/mails/%s",
		    srcdir, name);
		f = fopen(path, "rb");
	}
	for (i = 0; f == NULL && i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		f = fopen(path, "rb");
	}
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		printf("# cannot read %s\n", name);
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* Parse a sample; 0 when parsed, RB_EINVAL (why set), -100 unreadable. */
static int
parse_file(const char *name, const char **why)
{
	char *buf;
	size_t len;
	int rc;

	*why = NULL;
	if ((buf = load(name, &len)) == NULL)
		return -100;
	rc = mail_parse(buf, len, &r, why);
	free(buf);
	return rc;
}

static void
expect_ok(const char *name, int kind, int n)
{
	const char *why;
	int rc = parse_file(name, &why);

	is_int(rc, 0, "%s parses", name);
	if (rc != 0)
		printf("#   why: %s\n", why ? why : "(null)");
	is_int(r.kind, kind, "%s: kind", name);
	is_int(r.n, n, "%s: items", name);
	is_int(r.truncated, 0, "%s: not truncated", name);
}

static void
expect_fail(const char *name, const char *want)
{
	const char *why;
	int rc = parse_file(name, &why);

	is_int(rc, RB_EINVAL, "%s is refused", name);
	is_str(why, want, "%s: why", name);
	is_int(r.n, 0, "%s: no item", name);
	is_int(r.kind, MAIL_UNKNOWN, "%s: no kind", name);
}

static void
check_arf(int i, const char *ft, const char *complainer, const char *from,
    const char *msgid, const char *ip, const char *dom, long long arrival,
    const char *auth, const char *what)
{
	const struct mail_arf *a = &r.arf[i];

	if (i >= r.n) {
		ok(0, "%s: item %d exists", what, i);
		return;
	}
	is_str(a->feedback_type, ft, "%s[%d]: feedback type", what, i);
	is_str(a->complainer, complainer, "%s[%d]: complainer", what, i);
	is_str(a->mail_from, from, "%s[%d]: mail from", what, i);
	is_str(a->message_id, msgid, "%s[%d]: message id", what, i);
	is_str(a->source_ip, ip, "%s[%d]: source ip", what, i);
	is_str(a->reported_domain, dom, "%s[%d]: reported domain", what, i);
	is_int(a->arrival, arrival, "%s[%d]: arrival", what, i);
	is_str(a->auth_failure, auth, "%s[%d]: auth failure", what, i);
}

static void
check_dsn(int i, const char *rcpt, const char *orig, const char *action,
    const char *status, const char *diag, const char *remote,
    const char *what)
{
	const struct mail_dsn *d = &r.dsn[i];

	if (i >= r.n) {
		ok(0, "%s: recipient %d exists", what, i);
		return;
	}
	is_str(d->recipient, rcpt, "%s[%d]: recipient", what, i);
	is_str(d->original_recipient, orig, "%s[%d]: original", what, i);
	is_str(d->action, action, "%s[%d]: action", what, i);
	is_str(d->status, status, "%s[%d]: status", what, i);
	is_str(d->diagnostic, diag, "%s[%d]: diagnostic", what, i);
	is_str(d->remote_mta, remote, "%s[%d]: remote MTA", what, i);
}

static void
test_samples(void)
{
	expect_ok("arf_abuse.eml", MAIL_ARF, 1);
	check_arf(0, "abuse", "alice.martin@example.net",
	    "newsletter@lists.example.org",
	    "8787KJKJ3K4J3K4J3K4J3.mail@lists.example.org", "192.0.2.1",
	    "lists.example.org", 1709834400, "", "arf_abuse");
	is_str(r.reporting_mta, "mx3.example.net", "arf_abuse: reporting MTA");

	expect_ok("arf_multi.eml", MAIL_ARF, 3);
	check_arf(0, "abuse", "bob@example.net", "alice@example.org",
	    "20240308074118.GA1234@example.org", "192.0.2.7", "example.org",
	    1709883679, "", "arf_multi");
	/* the two later reports share the returned headers after them */
	check_arf(1, "x-unsubscribe-request", "carol@example.net",
	    "info@assoc.example.org", "ga-2024-03@assoc.example.org",
	    "192.0.2.8", "", 1709884200, "", "arf_multi");
	check_arf(2, "not-spam", "dave@example.net", "info@assoc.example.org",
	    "ga-2024-03@assoc.example.org", "192.0.2.8", "", 1709884350, "",
	    "arf_multi");

	expect_ok("arf_forwarded.eml", MAIL_ARF, 1);
	check_arf(0, "fraud", "erin@example.net", "phish@example.net",
	    "phish-1@example.net", "2001:db8::25", "", 1710108600, "",
	    "arf_forwarded");

	expect_ok("arf_auth_failure.eml", MAIL_ARF, 1);
	check_arf(0, "auth-failure", "frank@example.net", "bounce@example.org",
	    "webform.42.1710246065@www.example.org", "192.0.2.3",
	    "example.org", 1710246067, "dkim", "arf_auth_failure");
	is_str(r.envelope_id, "7A1C0B2F5E", "arf_auth_failure: envelope id");
	is_str(r.reporting_mta, "mx.example.net",
	    "arf_auth_failure: reporting MTA");

	expect_ok("jmrp.eml", MAIL_ARF, 1);
	check_arf(0, "abuse", "grace@example.net", "news@example.org",
	    "news.2024-03.77@example.org", "", "", 0, "", "jmrp");

	expect_ok("yahoo_cfl.eml", MAIL_ARF, 1);
	check_arf(0, "abuse", "",
	    "bounce-7712-henri=example.net@lists.example.org",
	    "digest.7712.20240314@lists.example.org", "192.0.2.30",
	    "example.org", 1710433882, "", "yahoo_cfl");

	expect_ok("arf_qp.eml", MAIL_ARF, 1);
	check_arf(0, "abuse", "ivan@example.net", "lettre@asso.example.org",
	    "lettre-2024-03@asso.example.org", "192.0.2.11",
	    "asso.example.org", 1710759480, "", "arf_qp");

	expect_ok("arf_base64.eml", MAIL_ARF, 1);
	check_arf(0, "abuse", "judy@example.net", "shop@example.org",
	    "offers.19032024.5@example.org", "192.0.2.12", "example.org",
	    1710836100, "", "arf_base64");

	expect_ok("dsn_gmail.eml", MAIL_DSN, 2);
	is_str(r.reporting_mta, "mx.example.net", "dsn_gmail: reporting MTA");
	is_str(r.message_id, "CAF7x2Q1=delivery.test.1@mail.example.org",
	    "dsn_gmail: message id");
	check_dsn(0, "nobody@example.net", "", "failed", "5.1.1",
	    "550-5.1.1 The email account that you tried to reach does not "
	    "exist. Please try 550-5.1.1 double-checking the recipient's "
	    "email address for typos or 550-5.1.1 unnecessary spaces. For "
	    "more information, go to 550 5.1.1 "
	    "https://support.example.net/mail/?p=NoSuchUser "
	    "a1-20020a170906.123 - smtp",
	    "mx1.example.net. (192.0.2.41, the server for the domain "
	    "example.net.)", "dsn_gmail");
	check_dsn(1, "full@example.net", "", "delayed", "4.2.2",
	    "452-4.2.2 The recipient's inbox is out of storage space. Please "
	    "direct the recipient to 452 4.2.2 "
	    "https://support.example.net/mail/?p=OverQuotaTemp "
	    "b2-20020a17 - smtp",
	    "mx2.example.net. (192.0.2.42, the server for the domain "
	    "example.net.)", "dsn_gmail");

	expect_ok("dsn_postfix.eml", MAIL_DSN, 1);
	is_str(r.reporting_mta, "relay.example.net",
	    "dsn_postfix: reporting MTA");
	is_str(r.queue_id, "4VbX2j3Hq8z9sRp", "dsn_postfix: queue id");
	is_str(r.message_id, "a1b2c3d4-0001@example.org",
	    "dsn_postfix: message id");
	is_str(r.envelope_id, "", "dsn_postfix: no envelope id");
	check_dsn(0, "gone@example.net", "gone@example.net", "failed",
	    "5.1.1", "550 5.1.1 <gone@example.net>: Recipient address "
	    "rejected: User unknown in virtual mailbox table",
	    "mx.example.net", "dsn_postfix");

	expect_ok("dsn_global_crlf.eml", MAIL_DSN, 1);
	is_str(r.reporting_mta, "mx.example.net", "dsn_global: reporting MTA");
	is_str(r.envelope_id, "env-5503-alice", "dsn_global: envelope id");
	is_str(r.message_id, "reunion-20240320@example.org",
	    "dsn_global: message id");
	check_dsn(0, "kim@example.net", "kim@example.net", "failed", "5.2.1",
	    "550 5.2.1 mailbox disabled", "", "dsn_global");

	/* the feeder may want a heuristic for these later */
	expect_fail("exim_bounce.eml",
	    "plain-text bounce, not a multipart/report");
	expect_fail("broken_no_boundary.eml", "missing boundary");
	expect_fail("broken_unterminated.eml", "truncated MIME structure");
	expect_fail("broken_no_colon.eml", "header without colon");
	expect_fail("broken_empty.eml", "empty mail");
	expect_fail("broken_binary.eml", "header without colon");
	expect_fail("broken_no_feedback.eml", "no feedback-report part");
	expect_fail("broken_mdn.eml", "unsupported report-type");
}

static const char *const valid[] = {
	"arf_abuse.eml", "arf_multi.eml", "arf_forwarded.eml",
	"arf_auth_failure.eml", "jmrp.eml", "yahoo_cfl.eml", "arf_qp.eml",
	"arf_base64.eml", "dsn_gmail.eml", "dsn_postfix.eml",
	"dsn_global_crlf.eml",
};

/* LF -> CRLF, or CRLF -> LF when tocrlf is 0. */
static char *
convert(const char *in, size_t len, int tocrlf, size_t *outlen)
{
	char *out = xmalloc(len * 2 + 1);
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (tocrlf && in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			out[o++] = '\r';
		if (!tocrlf && in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')
			continue;
		out[o++] = in[i];
	}
	*outlen = o;
	return out;
}

static int
same_items(const struct mail_report *a, const struct mail_report *b)
{
	size_t sz;

	if (a->kind != b->kind || a->n != b->n ||
	    strcmp(a->reporting_mta, b->reporting_mta) != 0 ||
	    strcmp(a->message_id, b->message_id) != 0 ||
	    strcmp(a->envelope_id, b->envelope_id) != 0 ||
	    strcmp(a->queue_id, b->queue_id) != 0)
		return 0;
	sz = a->kind == MAIL_ARF ? sizeof(a->arf[0]) : sizeof(a->dsn[0]);
	return memcmp(a->kind == MAIL_ARF ? (const void *)a->arf :
	    (const void *)a->dsn, b->kind == MAIL_ARF ? (const void *)b->arf :
	    (const void *)b->dsn, sz * (size_t)a->n) == 0;
}

/* Every sample with the other line ends gives the same report. */
static void
test_line_ends(void)
{
	const char *why;
	char *buf, *conv;
	size_t i, len, clen;
	int crlf;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		if ((buf = load(valid[i], &len)) == NULL) {
			ok(0, "load %s", valid[i]);
			continue;
		}
		crlf = memchr(buf, '\r', len) != NULL;
		conv = convert(buf, len, !crlf, &clen);
		is_int(mail_parse(buf, len, &r, &why), 0, "%s", valid[i]);
		is_int(mail_parse(conv, clen, &r2, &why), 0, "%s with %s",
		    valid[i], crlf ? "LF" : "CRLF");
		ok(same_items(&r, &r2), "%s: same report with %s", valid[i],
		    crlf ? "LF" : "CRLF");
		free(conv);
		free(buf);
	}
}

/* Every prefix of every sample, placed at the very end of a heap block
 * so that a read past len is caught by AddressSanitizer. */
static void
truncate_all(const char *name, const char *buf, size_t len)
{
	char *block = xmalloc(len ? len : 1);
	const char *why;
	size_t cut;
	int rc, good = 0, consistent = 1;

	for (cut = 0; cut <= len; cut++) {
		memcpy(block + len - cut, buf, cut);
		why = NULL;
		rc = mail_parse(block + len - cut, cut, &r, &why);
		if (rc == 0) {
			good++;
			if (r.n < 1 || r.kind == MAIL_UNKNOWN)
				consistent = 0;
		} else if (rc != RB_EINVAL || why == NULL || r.n != 0 ||
		    r.kind != MAIL_UNKNOWN)
			consistent = 0;
	}
	ok(consistent, "%s: %zu truncations, %d parse, the others fail "
	    "with a reason", name, len + 1, good);
	free(block);
}

static void
test_truncations(void)
{
	char *buf, *conv;
	char name[64];
	size_t i, len, clen;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		if ((buf = load(valid[i], &len)) == NULL) {
			ok(0, "load %s", valid[i]);
			continue;
		}
		truncate_all(valid[i], buf, len);
		conv = convert(buf, len, memchr(buf, '\r', len) == NULL, &clen);
		snprintf(name, sizeof(name), "%s (other line ends)", valid[i]);
		truncate_all(name, conv, clen);
		free(conv);
		free(buf);
	}
}

/* A buffer that grows, for the generated mails. */
struct gen {
	char	*p;
	size_t	 len, cap;
};

static void __attribute__((format(printf, 2, 3)))
gen_add(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (g->len + (size_t)n + 1 > g->cap) {
		g->cap = (g->len + (size_t)n + 1) * 2;
		g->p = xrealloc(g->p, g->cap);
	}
	va_start(ap, fmt);
	vsnprintf(g->p + g->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	g->len += (size_t)n;
}

static void
gen_bytes(struct gen *g, int ch, size_t n)
{
	if (g->len + n + 1 > g->cap) {
		g->cap = (g->len + n + 1) * 2;
		g->p = xrealloc(g->p, g->cap);
	}
	memset(g->p + g->len, ch, n);
	g->len += n;
	g->p[g->len] = '\0';
}

/* An ARF with the given feedback fields and embedded headers. */
static void
gen_arf(struct gen *g, const char *fields, const char *embedded)
{
	gen_add(g, "From: fbl@example.net\nTo: fbl@example.org\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=\"g\"\n\n--g\nContent-Type: text/plain\n\nA report.\n"
	    "--g\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: abuse\nUser-Agent: gen/1\nVersion: 1\n%s\n"
	    "--g\nContent-Type: message/rfc822\n\n%s\nBody.\n--g--\n",
	    fields, embedded);
}

static int
parse_gen(struct gen *g, const char **why)
{
	int rc;

	*why = NULL;
	rc = mail_parse(g->p, g->len, &r, why);
	free(g->p);
	memset(g, 0, sizeof(*g));
	return rc;
}

static void
nest(int levels, int *rc, const char **why)
{
	struct gen g = { 0 };
	int i;

	gen_add(&g, "From: a@example.net\nMIME-Version: 1.0\n");
	for (i = 0; i < levels; i++)
		gen_add(&g, "Content-Type: multipart/mixed; boundary=\"n%d\""
		    "\n\n--n%d\n", i, i);
	gen_add(&g, "Content-Type: multipart/report; "
	    "report-type=feedback-report; boundary=\"arf\"\n\n"
	    "--arf\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: abuse\nOriginal-Rcpt-To: deep@example.net\n"
	    "--arf--\n");
	for (i = levels - 1; i >= 0; i--)
		gen_add(&g, "--n%d--\n", i);
	*rc = parse_gen(&g, why);
}

static void
test_generated(void)
{
	static const struct {
		const char	*to;
		const char	*want;
	} tos[] = {
		{ "\"Doe, John\" <John.Doe@Example.org>", "john.doe@example.org" },
		{ "john@example.org (John Doe)", "john@example.org" },
		{ "John (the (nested) one) <john@example.org>, x@example.org",
		  "john@example.org" },
		{ "Friends: ann@example.org, bob@example.org;",
		  "ann@example.org" },
		{ "undisclosed-recipients:;", "" },
		{ "<@relay.example.net:kay@example.org>", "kay@example.org" },
		{ "=?utf-8?q?L=C3=A9a?= <lea@example.org>", "lea@example.org" },
		{ "\"john smith\"@example.org", "\"john smith\"@example.org" },
		{ "xxxxxxx@example.org", "" },
		{ "[REDACTED]@example.org", "" },
		{ "not an address", "" },
		{ "<>", "" },
	};
	static const struct {
		const char	*date;
		long long	 want;
	} dates[] = {
		{ "Thu, 7 Mar 2024 14:00:00 EDT", 1709834400 },
		{ "7 Mar 24 14:00 -0400", 1709834400 },
		{ "Thu, 07 Mar 2024 18:00:00 (UTC) +0000", 1709834400 },
		{ "Thursday, 07 March 2024 19:00:00 +0100", 1709834400 },
		{ "2024-03-07T18:00:00Z", 1709834400 },
		{ "2024-03-07 20:00:00+02:00", 1709834400 },
		{ "Thu, 7 Mar 2024 18:00:00", 1709834400 },
		{ "yesterday", 0 },
		{ "Thu, 32 Mar 2024 18:00:00 +0000", 0 },
		{ "Thu, 7 Foo 2024 18:00:00 +0000", 0 },
	};
	struct gen g = { 0 };
	const char *why;
	char buf[512];
	size_t i;
	int rc, k;

	for (i = 0; i < sizeof(tos) / sizeof(tos[0]); i++) {
		snprintf(buf, sizeof(buf), "To: %s\nMessage-ID: <t%zu@x>\n",
		    tos[i].to, i);
		gen_arf(&g, "", buf);
		rc = parse_gen(&g, &why);
		is_int(rc, 0, "To: %s parses", tos[i].to);
		is_str(r.arf[0].complainer, tos[i].want, "To: %s", tos[i].to);
	}
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		snprintf(buf, sizeof(buf), "Arrival-Date: %s", dates[i].date);
		gen_arf(&g, buf, "To: a@example.org\n");
		rc = parse_gen(&g, &why);
		is_int(rc, 0, "Arrival-Date: %s parses", dates[i].date);
		is_int(r.arf[0].arrival, dates[i].want, "Arrival-Date: %s",
		    dates[i].date);
	}

	/* Original-Rcpt-To wins over the embedded To:, a redacted one not */
	gen_arf(&g, "Original-Rcpt-To: <Rcpt@Example.net>",
	    "To: other@example.net\n");
	parse_gen(&g, &why);
	is_str(r.arf[0].complainer, "rcpt@example.net", "Original-Rcpt-To");
	gen_arf(&g, "Original-Rcpt-To: <xxxxx@example.net>",
	    "To: other@example.net\n");
	parse_gen(&g, &why);
	is_str(r.arf[0].complainer, "other@example.net",
	    "redacted Original-Rcpt-To: the To: instead");
	/* Return-Path <> gives the From: */
	gen_arf(&g, "", "Return-Path: <>\nFrom: \"S\" <s@example.org>\n");
	parse_gen(&g, &why);
	is_str(r.arf[0].mail_from, "s@example.org", "null Return-Path: From:");
	/* a feedback report without Feedback-Type */
	gen_add(&g, "Content-Type: multipart/report; "
	    "report-type=feedback-report; boundary=b\n\n--b\n"
	    "Content-Type: message/feedback-report\n\nVersion: 1\n--b--\n");
	rc = parse_gen(&g, &why);
	is_int(rc, RB_EINVAL, "no Feedback-Type");
	is_str(why, "feedback-report without Feedback-Type",
	    "no Feedback-Type: why");
	/* an mbox envelope line before the headers */
	gen_add(&g, "From MAILER-DAEMON Sat Mar 16 14:02:11 2024\n");
	gen_arf(&g, "Original-Rcpt-To: m@example.net", "");
	rc = parse_gen(&g, &why);
	is_int(rc, 0, "mbox From line skipped");
	is_str(r.arf[0].complainer, "m@example.net", "mbox From line: rcpt");
	/* why may be NULL */
	is_int(mail_parse("x", 1, &r, NULL), RB_EINVAL, "why may be NULL");

	/* nesting within and beyond the bound */
	nest(MAIL_DEPTH_MAX - 1, &rc, &why);
	is_int(rc, 0, "%d nested multiparts", MAIL_DEPTH_MAX - 1);
	is_str(r.arf[0].complainer, "deep@example.net", "nested: complainer");
	nest(MAIL_DEPTH_MAX + 1, &rc, &why);
	is_int(rc, RB_EINVAL, "%d nested multiparts", MAIL_DEPTH_MAX + 1);
	is_str(why, "MIME nesting too deep", "too deep: why");
	nest(200, &rc, &why);
	is_str(why, "MIME nesting too deep", "200 levels: why");

	/* 1 MB lines */
	gen_add(&g, "From: a@example.net\nSubject: ");
	gen_bytes(&g, 'a', 1 << 20);
	gen_add(&g, "\nContent-Type: multipart/report; boundary=b\n\n");
	rc = parse_gen(&g, &why);
	is_int(rc, RB_EINVAL, "1 MB header line");
	is_str(why, "header line too long", "1 MB header line: why");
	gen_add(&g, "From: a@example.net\nSubject: x\n");
	for (i = 0; i < 20000; i++)
		gen_add(&g, " folded continuation line number %06zu\n", i);
	gen_add(&g, "Content-Type: multipart/report; boundary=b\n\n");
	rc = parse_gen(&g, &why);
	is_str(why, "header field too long", "1 MB folded field: why");
	gen_add(&g, "From: a@example.net\n");
	for (i = 0; i < MAIL_FIELDS_MAX + 1; i++)
		gen_add(&g, "X-F%zu: y\n", i);
	rc = parse_gen(&g, &why);
	is_str(why, "too many header fields", "too many fields: why");
	/* a 1 MB line in the complained message's body is fine, and so is
	 * a 1 MB header line there (passed over) */
	gen_add(&g, "X: ");
	gen_bytes(&g, 'h', 1 << 20);
	gen_add(&g, "\nMessage-ID: <long@example.org>\n\n");
	gen_bytes(&g, 'b', 1 << 20);
	{
		char *emb = g.p;

		memset(&g, 0, sizeof(g));
		gen_arf(&g, "Original-Rcpt-To: l@example.net", emb);
		free(emb);
	}
	rc = parse_gen(&g, &why);
	is_int(rc, 0, "1 MB lines in the embedded message");
	is_str(r.arf[0].message_id, "long@example.org",
	    "1 MB embedded line: message id still read");

	/* a boundary longer than RFC 2046 allows, and far longer */
	gen_add(&g, "Content-Type: multipart/report; "
	    "report-type=feedback-report; boundary=\"");
	gen_bytes(&g, 'q', 300);
	gen_add(&g, "\"\n\n");
	rc = parse_gen(&g, &why);
	is_str(why, "boundary too long", "300-byte boundary: why");

	/* more reports or recipients than MAIL_MAX_ITEMS */
	gen_add(&g, "Content-Type: multipart/report; "
	    "report-type=feedback-report; boundary=m\n\n");
	for (k = 0; k < MAIL_MAX_ITEMS + 6; k++)
		gen_add(&g, "--m\nContent-Type: message/feedback-report\n\n"
		    "Feedback-Type: abuse\nOriginal-Rcpt-To: u%d@example.net\n"
		    "\n", k);
	gen_add(&g, "--m--\n");
	rc = parse_gen(&g, &why);
	is_int(rc, 0, "%d feedback reports", MAIL_MAX_ITEMS + 6);
	is_int(r.n, MAIL_MAX_ITEMS, "items capped");
	is_int(r.truncated, 1, "truncated flag");
	is_str(r.arf[MAIL_MAX_ITEMS - 1].complainer, "u63@example.net",
	    "last kept report");
	gen_add(&g, "Content-Type: multipart/report; "
	    "report-type=delivery-status; boundary=m\n\n--m\n"
	    "Content-Type: message/delivery-status\n\nReporting-MTA: dns; x\n");
	for (k = 0; k < MAIL_MAX_ITEMS + 6; k++)
		gen_add(&g, "\nFinal-Recipient: rfc822; u%d@example.net\n"
		    "Action: failed\nStatus: 5.1.1\n", k);
	gen_add(&g, "--m--\n");
	rc = parse_gen(&g, &why);
	is_int(rc, 0, "%d DSN recipients", MAIL_MAX_ITEMS + 6);
	is_int(r.n, MAIL_MAX_ITEMS, "recipients capped");
	is_int(r.truncated, 1, "truncated flag");
	/* recipients without the blank line between them */
	gen_add(&g, "Content-Type: multipart/report; "
	    "report-type=delivery-status; boundary=m\n\n--m\n"
	    "Content-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; x\nFinal-Recipient: rfc822; a@example.net\n"
	    "Action: failed\nStatus: 5.1.1 (no such user)\n"
	    "Final-Recipient: rfc822; b@example.net\nAction: delayed\n"
	    "Status: 4.4.7\n--m--\n");
	rc = parse_gen(&g, &why);
	is_int(rc, 0, "recipients without a blank line");
	is_int(r.n, 2, "two recipients");
	is_str(r.dsn[0].status, "5.1.1", "status without its comment");
	is_str(r.dsn[1].recipient, "b@example.net", "second recipient");
	is_str(r.dsn[1].status, "4.4.7", "second status");
	/* no returned message: Gmail's X-Original-Message-ID */
	gen_add(&g, "Content-Type: multipart/report; "
	    "report-type=delivery-status; boundary=m\n\n--m\n"
	    "Content-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; x\nX-Original-Message-ID: <orig@example.org>"
	    "\n\nFinal-Recipient: rfc822; a@example.net\nAction: failed\n"
	    "--m--\n");
	rc = parse_gen(&g, &why);
	is_int(rc, 0, "DSN without the returned message");
	is_str(r.message_id, "orig@example.org", "X-Original-Message-ID");
	/* a DSN whose recipient block has no address */
	gen_add(&g, "Content-Type: multipart/report; "
	    "report-type=delivery-status; boundary=m\n\n--m\n"
	    "Content-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; x\n\nAction: failed\n--m--\n");
	rc = parse_gen(&g, &why);
	is_str(why, "delivery-status without a recipient", "no recipient");
	/* not a multipart at all */
	gen_add(&g, "From: a@example.net\nSubject: hi\n\nhello\n");
	rc = parse_gen(&g, &why);
	is_str(why, "not a multipart/report", "plain mail: why");
	/* a multipart/mixed with no report and no message attached */
	gen_add(&g, "Content-Type: multipart/mixed; boundary=z\n\n--z\n\n"
	    "text\n--z--\n");
	rc = parse_gen(&g, &why);
	is_str(why, "not a multipart/report", "plain multipart: why");
	/* a bounce carrying a message/rfc822 is not a JMRP complaint */
	gen_add(&g, "Return-Path: <>\nContent-Type: multipart/mixed; "
	    "boundary=z\n\n--z\nContent-Type: message/rfc822\n\n"
	    "To: v@example.net\n\nbody\n--z--\n");
	rc = parse_gen(&g, &why);
	is_int(rc, RB_EINVAL, "null sender with message/rfc822: refused");
	/* a multipart/report with a transfer encoding */
	gen_add(&g, "Content-Type: multipart/report; "
	    "report-type=feedback-report; boundary=b\n"
	    "Content-Transfer-Encoding: base64\n\nLS1i\n");
	rc = parse_gen(&g, &why);
	is_str(why, "multipart with a transfer encoding", "encoded multipart");
	/* the returned message before the feedback report it goes with */
	gen_add(&g, "Content-Type: multipart/report; "
	    "report-type=feedback-report; boundary=o\n\n--o\n"
	    "Content-Type: text/rfc822-headers\n\nTo: o@example.net\n"
	    "Message-ID: bare-id@example.org\n--o\n"
	    "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
	    "--o--\n");
	rc = parse_gen(&g, &why);
	is_int(rc, 0, "returned headers before the report");
	is_str(r.arf[0].complainer, "o@example.net", "orphan headers: To:");
	is_str(r.arf[0].message_id, "bare-id@example.org",
	    "Message-ID without <>");
	/* report-type missing: the parts tell */
	gen_add(&g, "Content-Type: multipart/report; boundary=m\n\n--m\n"
	    "Content-Type: message/delivery-status\n\n"
	    "Final-Recipient: rfc822; a@example.net\nStatus: 550\n--m--\n");
	rc = parse_gen(&g, &why);
	is_int(rc, 0, "report-type missing");
	is_int(r.kind, MAIL_DSN, "report-type missing: DSN from its parts");
	is_str(r.dsn[0].status, "", "Status: 550 is not an enhanced code");
	/* a digest of reports: parts are message/rfc822 by default; the
	 * first kind found wins */
	gen_add(&g, "Content-Type: multipart/digest; boundary=d\n\n--d\n\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=m\n\n--m\nContent-Type: message/delivery-status\n\n"
	    "Final-Recipient: rfc822; a@example.net\n--m--\n--d\n\n");
	gen_arf(&g, "Original-Rcpt-To: b@example.net", "");
	gen_add(&g, "--d\n\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=m\n\n--m\nContent-Type: message/delivery-status\n\n"
	    "Final-Recipient: rfc822; c@example.net\n--m--\n--d--\n");
	rc = parse_gen(&g, &why);
	is_int(rc, 0, "digest of reports");
	is_int(r.kind, MAIL_DSN, "digest: the first kind wins");
	is_int(r.n, 2, "digest: both DSNs, not the ARF");
	is_str(r.dsn[1].recipient, "c@example.net", "digest: second DSN");
	/* a forwarded report that is broken: its own reason */
	gen_add(&g, "Content-Type: multipart/mixed; boundary=f\n\n--f\n"
	    "Content-Type: message/rfc822\n\n"
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=i\n\n--i\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: abuse\n--f--\n");
	rc = parse_gen(&g, &why);
	is_int(rc, RB_EINVAL, "broken forwarded report");
	is_str(why, "truncated MIME structure", "broken forwarded report: why");
	/* JMRP: the recipient in the outer headers */
	gen_add(&g, "X-HmXmrOriginalRecipient: <Outer@Example.net>\n"
	    "Content-Type: multipart/mixed; boundary=j\n\n--j\n"
	    "Content-Type: message/rfc822\n\nTo: list@example.org\n"
	    "From: n@example.org\n\nbody\n--j--\n");
	rc = parse_gen(&g, &why);
	is_int(rc, 0, "JMRP with the outer X-HmXmrOriginalRecipient");
	is_str(r.arf[0].complainer, "outer@example.net", "JMRP: outer header");
	/* a feedback report in an unknown transfer encoding */
	gen_add(&g, "Content-Type: multipart/report; "
	    "report-type=feedback-report; boundary=u\n\n--u\n"
	    "Content-Type: message/feedback-report\n"
	    "Content-Transfer-Encoding: x-uuencode\n\nbegin 644 x\n--u--\n");
	rc = parse_gen(&g, &why);
	is_str(why, "unsupported Content-Transfer-Encoding", "x-uuencode");
	/* quoted-printable: soft breaks after spaces, trailing spaces */
	gen_add(&g, "Content-Type: multipart/report; "
	    "report-type=feedback-report; boundary=q\n\n--q\n"
	    "Content-Type: message/feedback-report\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n"
	    "Feedback-Type: ab=  \nuse   \nSource-IP: 192.0.2.=\n9\n"
	    "Reported-Domain: a=2Eexample.org=\n--q--\n");
	rc = parse_gen(&g, &why);
	is_int(rc, 0, "quoted-printable corner cases");
	is_str(r.arf[0].feedback_type, "abuse", "qp: soft break after space");
	is_str(r.arf[0].source_ip, "192.0.2.9", "qp: soft break");
	is_str(r.arf[0].reported_domain, "a.example.org", "qp: =2E");
	/* a base64 part larger than the decoding buffer: its start is read */
	{
		static const char b64[] =
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const char *fr = "Feedback-Type: abuse\nX-Pad: ";
		size_t n = 0, fl = strlen(fr);
		unsigned v;

		gen_add(&g, "Content-Type: multipart/report; "
		    "report-type=feedback-report; boundary=L\n\n--L\n"
		    "Content-Type: message/feedback-report\n"
		    "Content-Transfer-Encoding: base64\n\n");
		/* encode fr, then 'x' up to 100 KB, 3 bytes at a time */
		while (n < 100000) {
			unsigned char t[3];
			int j;

			for (j = 0; j < 3; j++, n++)
				t[j] = (unsigned char)(n < fl ? fr[n] :
				    n % 60 == 59 ? '\n' : 'x');
			v = (unsigned)t[0] << 16 | (unsigned)t[1] << 8 | t[2];
			gen_add(&g, "%c%c%c%c", b64[v >> 18], b64[v >> 12 & 63],
			    b64[v >> 6 & 63], b64[v & 63]);
			if (n % 57 == 0)
				gen_add(&g, "\n");
		}
		gen_add(&g, "\n--L--\n");
	}
	rc = parse_gen(&g, &why);
	is_int(rc, 0, "100 KB base64 feedback report");
	is_str(r.arf[0].feedback_type, "abuse", "100 KB base64: type");
	/* too many parts, no part, no header, too large */
	gen_add(&g, "Content-Type: multipart/mixed; boundary=p\n\n");
	for (k = 0; k < MAIL_PARTS_MAX + 1; k++)
		gen_add(&g, "--p\n\nx\n");
	gen_add(&g, "--p--\n");
	rc = parse_gen(&g, &why);
	is_str(why, "too many MIME parts", "too many parts: why");
	gen_add(&g, "Content-Type: multipart/report; boundary=p\n\n--p--\n");
	rc = parse_gen(&g, &why);
	is_str(why, "multipart without any part", "no part: why");
	gen_add(&g, "\nContent-Type: multipart/report; boundary=p\n\n");
	rc = parse_gen(&g, &why);
	is_str(why, "mail without header", "blank first line: why");
	/* the size is refused before anything is read */
	rc = mail_parse("x", (size_t)MAIL_SIZE_MAX + 1, &r, &why);
	is_str(why, "mail too large", "too large: why");
	/* NUL in a header, folded first line */
	rc = mail_parse("From: a\0b\n\n", 11, &r, &why);
	is_str(why, "NUL byte in header", "NUL in header: why");
	rc = mail_parse(" folded: x\n\n", 12, &r, &why);
	is_str(why, "header continuation line without a field",
	    "leading continuation: why");
}

/* Random bytes and random mixes of MIME tokens: no crash, a reason. */
static void
test_junk(void)
{
	static const char *const tok[] = {
		"\n", "\r\n", "--b", "--b--", "Content-Type: ",
		"multipart/report; boundary=b", "message/feedback-report",
		"message/rfc822", "message/delivery-status", "\n\n",
		"Feedback-Type: abuse\n", "Final-Recipient: rfc822; a@b\n",
		"Content-Transfer-Encoding: base64\n", "=", "(", ")", "\"",
		"<", ">", "report-type=feedback-report;", "multipart/mixed;",
		" boundary=\"b\"", ": ", "\t", "To: ", "a@example.org",
	};
	char buf[2048];
	unsigned seed = 3464;
	const char *why;
	int i, n, good = 0, fine = 1, rc;
	size_t len, t;

	for (i = 0; i < 20000; i++) {
		len = 0;
		if (i % 2) {
			n = (int)((seed = seed * 1103515245 + 12345) >> 16) %
			    (int)sizeof(buf);
			for (len = 0; len < (size_t)n; len++)
				buf[len] = (char)((seed = seed * 1103515245 +
				    12345) >> 16);
		} else {
			n = (int)((seed = seed * 1103515245 + 12345) >> 16) % 60;
			while (n-- > 0) {
				t = ((seed = seed * 1103515245 + 12345) >> 16) %
				    (sizeof(tok) / sizeof(tok[0]));
				if (len + strlen(tok[t]) >= sizeof(buf))
					break;
				memcpy(buf + len, tok[t], strlen(tok[t]));
				len += strlen(tok[t]);
			}
		}
		why = NULL;
		rc = mail_parse(buf, len, &r, &why);
		if (rc == 0)
			good++;
		else if (why == NULL || r.n != 0)
			fine = 0;
	}
	ok(fine, "20000 junk inputs: %d parse, the others fail with a reason",
	    good);
}

int
main(void)
{
	test_samples();
	test_line_ends();
	test_truncations();
	test_generated();
	test_junk();
	return done_testing();
}

/* tests/ctl/test_spf.c - the SPF, DKIM key and DMARC record parsers of
 * rebondctl check-domain (no DNS). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "../../ctl/checkdomain.h"
#include "../../ctl/dkim.h"
#include "../../ctl/dmarc.h"
#include "../../ctl/spf.h"

/* Test keys: base64 of DER SubjectPublicKeyInfo, and a raw Ed25519 key. */
#define K512	"MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBALkxvC+jwxqrzEhSsuhJdbYCtAZ0" \
		"JJQS7wH+L82KT8f8rsRolwz3v1mxwgMPJjCFfccmsjDAsEg6eh/uvE9L3HEC" \
		"AwEAAQ=="
#define K1024	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDTs4jiE4ZyJX9lGRcrs6yT" \
		"qXgA92Pf/+moZ/xP915kG7NYFYE8fBfAHv2iNI+dPhsVnLVp3X/xpvcQfke8" \
		"gY2urMtkEKwaQpsbB+ctTYmcQveo5Wkp5thDGkGfwntHFBpcU5H8chIhxrG+" \
		"fZHzHV6adqUMiau5QEEA0yYRV9DMCQIDAQAB"
#define K2048	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsh+h6hxABSTTyVmL" \
		"6Z56krK0g8CO/PWTC5BSZBSYhn0Yq5Pb3pXwJ6AV3hgUdrpvEuG3LCqKK1Cd" \
		"jsOnG9Ix1UQme//+YfmSRPJuP8NPG3dY5RGma4nxhoFVB5q3wP/vtt3X2jDW" \
		"E9+W0bY3N8cqu76HOn98p+Y0solwYE6yMxQfxSwbvrYfJm0ECUJapgeReJy/" \
		"Tu4t9LPzyPcZFwLWtHO950m+PIrO7vAY/KOff69ti8txeTacYS3kGUdIXK0t" \
		"v4Fxrk11/WySCkjz6eeK+gPPF5xpWGOkpV54uqI4lQuXMPxjw59ccG2LwpdT" \
		"QKMjZjEYFmJLKtmrwq/Zb43QgQIDAQAB"
#define KED	"/yOiig2muyt5cIVn3iXgtAtT7FucjU/JwasZC6SL6qY="

static struct spf_record r;

static void
spf(const char *s)
{
	spf_free(&r);
	spf_parse(s, strlen(s), &r);
}

/* The codes of the issues, space-separated, in a static buffer. */
static const char *
codes(const struct issues *is)
{
	static char buf[1024];
	int i;

	buf[0] = '\0';
	for (i = 0; i < is->n && i < ISSUES_MAX; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, is->v[i].code);
	}
	return buf;
}

/* Every issue code has a severity, an explanation and a fix. */
static int
known(const struct issues *is)
{
	int i;

	for (i = 0; i < is->n && i < ISSUES_MAX; i++)
		if (checkdomain_severity(is->v[i].code) == NULL)
			return 0;
	return 1;
}

static void
test_spf(void)
{
	static const uint8_t net[4] = { 192, 0, 2, 0 }, in[4] = { 192, 0, 2, 77 },
	    out[4] = { 192, 0, 3, 1 };

	ok(spf_is_record("v=spf1", 6), "v=spf1 alone is a record");
	ok(spf_is_record("V=SPF1 -all", 11), "the version in any case");
	ok(!spf_is_record("v=spf10 -all", 12), "v=spf10 is not");
	ok(!spf_is_record(" v=spf1 -all", 12), "leading space is not");
	is_str(spf_near_miss(" v=spf1 -all", 12), "spf-leading-space",
	    "leading space is a near miss");
	is_str(spf_near_miss("\"v=spf1 -all\"", 13), "spf-quotes",
	    "quoted text is a near miss");
	ok(spf_near_miss("google-site-verification=x", 26) == NULL,
	    "another TXT record is not");

	spf("v=spf1 IP4:192.0.2.0/24 ip6:2001:db8::/32 a mx:mx.example.org/24//64 "
	    "include:_spf.Example.NET ~all");
	is_int(r.n, 6, "six terms");
	is_int(r.is.n, 1, "one issue: the upper case");
	is_str(codes(&r.is), "spf-uppercase", "upper case is advice");
	ok(!r.is.fatal, "a valid record is not a permerror");
	is_int(r.lookups, 3, "a, mx and include query DNS");
	is_int(r.all, 5, "all is the sixth term");
	is_int(r.t[0].type, SPF_IP4, "ip4");
	is_int(r.t[0].cidr4, 24, "ip4 prefix length");
	is_int(r.t[1].cidr6, 32, "ip6 prefix length");
	ok(r.t[2].domain == NULL && r.t[2].cidr4 == 32, "a: current domain, /32");
	is_str(r.t[3].domain, "mx.example.org", "mx domain");
	ok(r.t[3].cidr4 == 24 && r.t[3].cidr6 == 64, "mx dual cidr");
	is_str(r.t[4].domain, "_spf.example.net", "include target in lower case");
	is_int(r.t[5].qual, SPF_Q_SOFTFAIL, "~all softfails");
	is_str(r.t[5].text, "~all", "term text kept");

	spf("v=spf1   -all  ");
	ok(r.n == 1 && r.is.n == 0, "extra spaces are fine");
	spf("v=spf1 redirect=_spf.example.org");
	ok(r.redirect == 0 && r.lookups == 1 && r.all == -1, "redirect");
	spf("v=spf1 a:1.2.3.4 ~all");
	is_str(codes(&r.is), "spf-host-is-ip", "a: with an IPv4 address");
	ok(r.is.fatal, "is a permerror");
	spf("v=spf1 mx:2001:db8::1 ~all");
	is_str(codes(&r.is), "spf-host-is-ip", "mx: with an IPv6 address");
	spf("v=spf1 ip4:192.0.2.256 ip4:192.0.2.0/33 ip6:::1/129 ip4:1.2.3.4/024 "
	    "ip4:192.0.2.1//64 ~all");
	is_str(codes(&r.is), "spf-bad-ip spf-bad-cidr spf-bad-cidr "
	    "spf-bad-cidr spf-bad-cidr", "bad addresses and prefix lengths");
	spf("v=spf1 ip:192.0.2.1 include=x.org a;b ~all");
	is_str(codes(&r.is), "spf-unknown-mechanism spf-unknown-modifier "
	    "spf-unknown-mechanism", "unknown mechanisms; include= is a "
	    "modifier, ignored");
	spf("v=spf1 include:example.org \"~all\"");
	is_str(codes(&r.is), "spf-quotes", "a quote inside");
	spf("v=spf1 include:localhost include: include:exa..mple.org ~all");
	is_str(codes(&r.is), "spf-syntax spf-syntax spf-syntax",
	    "one-label, empty and empty-label domains");
	spf("v=spf1 all:x.org +all/24 ~all");
	is_str(codes(&r.is), "spf-syntax spf-syntax", "all takes nothing");
	spf("v=spf1 redirect=a.example redirect=b.example");
	is_str(codes(&r.is), "spf-duplicate-modifier", "two redirects");
	spf("v=spf1 foo=bar -all");
	is_str(codes(&r.is), "spf-unknown-modifier", "unknown modifier");
	ok(!r.is.fatal, "is not fatal");
	spf("v=spf1 -foo=bar");
	is_str(codes(&r.is), "spf-syntax", "a modifier has no qualifier");
	spf("v=spf1 exists:%{i}._spf.%{d} include:%{l1r-}.example.org ~all");
	ok(r.is.n == 0 && r.t[0].macro && r.t[1].macro, "macros accepted");
	spf("v=spf1 exists:%{x}.example.org exists:%{i ~all");
	is_str(codes(&r.is), "spf-syntax spf-syntax", "bad macros refused");
	spf("v=spf1 a\tmx");
	is_str(codes(&r.is), "spf-syntax", "a tab is not a separator");
	spf("v=spf1 ptr:example.org -all");
	ok(r.is.n == 0 && r.t[0].type == SPF_PTR && r.lookups == 1, "ptr");
	spf("spf2.0/pra -all");
	ok(r.is.fatal, "not v=spf1: fatal");
	ok(known(&r.is), "every SPF issue code has a text");

	ok(spf_prefix_match(net, in, 4, 24), "192.0.2.77 in 192.0.2.0/24");
	ok(!spf_prefix_match(net, out, 4, 24), "192.0.3.1 not in it");
	ok(spf_prefix_match(net, out, 4, 0), "everything in /0");
	ok(spf_prefix_match(net, out, 4, 23), "192.0.3.1 in 192.0.2.0/23");
	ok(!spf_prefix_match(net, out, 4, 33), "/33 matches nothing");
}

static void
dkim(const char *s, struct dkim_key *k)
{
	dkim_key_parse(s, strlen(s), k);
}

static void
test_dkim(void)
{
	struct tag tags[TAGS_MAX];
	struct dkim_key k;
	const char *why;

	is_int(tag_list_parse(" v = DKIM1 ; p=ab cd ;", 22, tags, TAGS_MAX,
	    &why), 2, "tag list with spaces and a final ';'");
	ok(tags[1].vlen == 5 && memcmp(tags[1].val, "ab cd", 5) == 0,
	    "value trimmed, inner space kept");
	is_int(tag_list_parse("a=1; a=2", 8, tags, TAGS_MAX, &why), -1,
	    "a tag twice");
	is_int(tag_list_parse("a=1;;b=2", 8, tags, TAGS_MAX, &why), -1,
	    "empty tag");
	is_int(tag_list_parse("a", 1, tags, TAGS_MAX, &why), -1, "no '='");
	is_int(tag_list_parse("1a=2", 4, tags, TAGS_MAX, &why), -1,
	    "name starts with a digit");

	dkim("v=DKIM1; k=rsa; p=" K2048, &k);
	ok(k.type == DKIM_K_RSA && k.bits == 2048 && k.is.n == 0,
	    "2048-bit RSA key");
	dkim("v=DKIM1; p=" K1024, &k);
	ok(k.bits == 1024 && !k.is.fatal, "1024-bit key is usable");
	is_str(codes(&k.is), "dkim-key-short", "but short");
	dkim("p=" K512, &k);
	ok(k.bits == 512 && k.is.fatal, "512-bit key");
	is_str(codes(&k.is), "dkim-key-weak", "is refused");
	dkim("v=DKIM1; k=ed25519; p=" KED, &k);
	ok(k.type == DKIM_K_ED25519 && k.bits == 256 && k.is.n == 0,
	    "Ed25519 key");
	dkim("v=DKIM1; k=ed25519; p=" K1024, &k);
	is_str(codes(&k.is), "dkim-bad-key", "an RSA key called Ed25519");
	dkim("v=DKIM1; k=rsa; p=", &k);
	ok(k.revoked && k.is.fatal, "empty p= is revoked");
	is_str(codes(&k.is), "dkim-revoked", "revoked code");
	dkim("v=DKIM1; k=rsa", &k);
	is_str(codes(&k.is), "dkim-no-key", "no p=");
	dkim("k=rsa; v=DKIM1; p=" K2048, &k);
	is_str(codes(&k.is), "dkim-version", "v= not first");
	dkim("v=DKIM2; p=" K2048, &k);
	is_str(codes(&k.is), "dkim-version", "v=DKIM2");
	dkim("v=DKIM1; p=MIIB!!!", &k);
	is_str(codes(&k.is), "dkim-bad-base64", "bad base64");
	dkim("v=DKIM1; p=QUJD", &k);
	is_str(codes(&k.is), "dkim-bad-key", "base64 but not a key");
	dkim("v=DKIM1; k=dsa; p=QUJD", &k);
	is_str(codes(&k.is), "dkim-key-type", "unknown key type");
	dkim("v=DKIM1; h=sha1; t=y:s; s=*; p=" K2048, &k);
	is_str(codes(&k.is), "dkim-hash-sha1 dkim-testing", "sha1 and testing");
	ok(k.testing, "testing flag");
	dkim("v=DKIM1; h=sha1:sha256; s=email:*; p=" K2048, &k);
	is_int(k.is.n, 0, "sha256 allowed, email service");
	dkim("v=DKIM1; s=tlsrpt; p=" K2048, &k);
	is_str(codes(&k.is), "dkim-service", "not for email");
	dkim("v=DKIM1; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsh+h6hx\r\n"
	    "\tABSTTyVmL6Z56krK0g8CO/PWTC5BSZBSYhn0Yq5Pb3pXwJ6AV3hgUdrpvEuG3", &k);
	is_str(codes(&k.is), "dkim-bad-key", "truncated key: whitespace "
	    "skipped, DER refused");
	dkim("v=DKIM1; p", &k);
	is_str(codes(&k.is), "dkim-syntax", "bad tag list");
	ok(known(&k.is), "every DKIM issue code has a text");
}

static void
dmarc(const char *s, struct dmarc_record *d)
{
	dmarc_parse(s, strlen(s), d);
}

static void
test_dmarc(void)
{
	struct dmarc_record d;

	ok(dmarc_is_record("v=DMARC1; p=none", 16), "a DMARC record");
	ok(dmarc_is_record("v = DMARC1", 10), "spaces around '='");
	ok(!dmarc_is_record("v=dmarc1; p=none", 16), "lower case is not");
	ok(!dmarc_is_record("p=none; v=DMARC1", 16), "v= not first is not");
	ok(dmarc_near_miss("v=dmarc1; p=none", 16), "but is a near miss");
	ok(!dmarc_near_miss("v=spf1 -all", 11), "SPF is not");

	dmarc("v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=r; pct=20; "
	    "rua=mailto:d@Example.org,mailto:x@reports.example.net!10m; "
	    "ruf=mailto:f@example.org; fo=0:d; rf=afrf; ri=86400", &d);
	is_int(d.is.n, 0, "a full valid record");
	ok(d.p == DMARC_P_REJECT && d.sp == DMARC_P_QUARANTINE, "p and sp");
	ok(d.adkim == 's' && d.aspf == 'r' && d.pct == 20, "modes and pct");
	ok(d.nrua == 2 && d.nruf == 1, "report addresses");
	is_int(d.nrua_domain, 2, "rua domains kept");
	is_str(d.rua_domain[0], "example.org", "in lower case");
	is_str(d.rua_domain[1], "reports.example.net", "size limit removed");

	dmarc("v=DMARC1; p=none", &d);
	ok(d.p == DMARC_P_NONE && d.sp == -1 && d.nrua == 0 && d.pct == 100,
	    "defaults");
	dmarc("v=DMARC1; rua=mailto:a@example.org", &d);
	is_str(codes(&d.is), "dmarc-no-policy", "no p=");
	ok(!d.is.fatal, "not fatal: receivers may apply none");
	dmarc("v=DMARC1; p=block; sp=x; adkim=q; pct=101; fo=2; rf=iodef; "
	    "ri=x", &d);
	is_str(codes(&d.is), "dmarc-no-policy dmarc-bad-value dmarc-bad-value "
	    "dmarc-bad-value dmarc-bad-value dmarc-bad-value dmarc-bad-value",
	    "bad values");
	is_str(d.is.v[1].arg, "sp=x", "the tag and its value");
	dmarc("v=DMARC1; p=none; rua=dmarc@example.org, mailto:nobody, "
	    "https://example.org/r, mailto:a@b.org!x", &d);
	is_str(codes(&d.is), "dmarc-bad-uri dmarc-bad-uri dmarc-bad-uri "
	    "dmarc-bad-uri", "bad report addresses");
	is_int(d.nrua, 0, "none counted");
	dmarc("v=DMARC1; p=none; P=reject; foo=1", &d);
	is_str(codes(&d.is), "dmarc-unknown-tag dmarc-unknown-tag",
	    "tags are case-sensitive");
	dmarc("v=DMARC1; p=none; p=reject", &d);
	is_str(codes(&d.is), "dmarc-syntax", "p twice");
	ok(d.is.fatal, "is fatal");
	dmarc("v=DMARC1 p=none", &d);
	ok(d.is.n > 0, "a missing ';' is noticed");
	dmarc("v=dmarc1; p=none", &d);
	is_str(codes(&d.is), "dmarc-version", "wrong version");
	dmarc("v=DMARC1; p=Quarantine; np=reject; t=y; psd=n", &d);
	ok(d.is.n == 0 && d.p == DMARC_P_QUARANTINE && d.np == DMARC_P_REJECT,
	    "policy in any case; DMARCbis tags known");
	ok(known(&d.is), "every DMARC issue code has a text");
}

int
main(void)
{
	struct dkim_key k;
	struct dmarc_record d;
	int i;

	test_spf();
	test_dkim();
	test_dmarc();
	ok(checkdomain_severity("spf-lookup-limit") != NULL &&
	    strcmp(checkdomain_severity("spf-lookup-limit"), "error") == 0,
	    "spf-lookup-limit is an error");
	ok(checkdomain_severity("no-such-code") == NULL, "unknown code");

	/* Garbage never crashes and every issue it makes has a text. */
	srand(11);
	for (i = 0; i < 20000; i++) {
		static const char alpha[] = "v=spf1 DKIM1MARC;:%{}/._-+~?"
		    "aipmx46lnecdsrt0123 \t\"!@,";
		char buf[96];
		size_t n = (size_t)(rand() % 96), j;

		for (j = 0; j < n; j++)
			buf[j] = i % 4 == 0 ? (char)(rand() % 256) :
			    alpha[rand() % (int)(sizeof(alpha) - 1)];
		if (i % 2 && n >= 7)
			memcpy(buf, "v=spf1 ", 7);
		spf_free(&r);
		spf_parse(buf, n, &r);
		dkim_key_parse(buf, n, &k);
		dmarc_parse(buf, n, &d);
		if (!known(&r.is) || !known(&k.is) || !known(&d.is))
			break;
	}
	is_int(i, 20000, "random records: every issue has a text");
	spf_free(&r);
	return done_testing();
}

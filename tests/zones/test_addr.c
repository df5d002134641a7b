/*
 * tests/zones/test_addr.c - address and domain normalisation, the address
 * hash (with independently computed SHA-1 vectors), hex, durations and
 * integers, socket addresses and CIDR prefixes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "../tap.h"
#include "zones/addr.h"
#include "zones/net.h"
#include "zones/util.h"

/* Normalise a C string; returns the length or the error code, and the
 * normalised text in out. */
static int
norm(const char *in, char *out, size_t outsz)
{
	out[0] = '\0';
	return addr_normalise(in, strlen(in), out, outsz);
}

static void
test_addr_normalise(void)
{
	char out[ADDR_MAX + 1], in[ADDR_MAX + 16];
	int n;

	n = norm("user@example.org", out, sizeof(out));
	is_int(n, 16, "plain address: length returned");
	is_str(out, "user@example.org", "plain address unchanged");

	n = norm("  \t<User@Example.ORG>\r\n ", out, sizeof(out));
	is_int(n, 16, "trim + <> + case: length");
	is_str(out, "user@example.org", "trim, strip <>, lower-case");

	n = norm("< user@example.org >", out, sizeof(out));
	is_str(out, "user@example.org", "blanks inside <> trimmed");

	n = norm("Jean.Dupont+Tag@Example.FR", out, sizeof(out));
	is_str(out, "jean.dupont+tag@example.fr",
	    "local part lower-cased too; dots and +tag kept");

	n = norm("\"John Q\"@EXAMPLE.org", out, sizeof(out));
	is_str(out, "\"john q\"@example.org", "quoted local part kept");

	n = norm("<<a@b>>", out, sizeof(out));
	is_str(out, "<a@b>", "only one pair of <> stripped");

	n = norm("<a@b", out, sizeof(out));
	is_str(out, "<a@b", "unbalanced < kept");

	n = norm("a@b@C", out, sizeof(out));
	is_str(out, "a@b@c", "several @ accepted as is");

	/* Rejections. */
	is_int(norm("", out, sizeof(out)), RB_EINVAL, "empty rejected");
	is_int(norm("   ", out, sizeof(out)), RB_EINVAL, "blank rejected");
	is_int(norm("<>", out, sizeof(out)), RB_EINVAL,
	    "null sender <> rejected");
	is_int(norm("< >", out, sizeof(out)), RB_EINVAL, "< > rejected");
	is_int(norm("user.example.org", out, sizeof(out)), RB_EINVAL,
	    "no @ rejected");
	is_int(norm("us\ter@example.org", out, sizeof(out)), RB_EINVAL,
	    "inner tab rejected");
	is_int(norm("us\x01r@example.org", out, sizeof(out)), RB_EINVAL,
	    "control byte rejected");
	is_int(norm("user@exa\x7fmple.org", out, sizeof(out)), RB_EINVAL,
	    "DEL rejected");
	is_int(norm("user@exa\nmple.org", out, sizeof(out)), RB_EINVAL,
	    "inner newline rejected");
	is_int(addr_normalise("a\0@b", 4, out, sizeof(out)), RB_EINVAL,
	    "embedded NUL rejected");
	is_int(addr_normalise("a@bXXXX", 3, out, sizeof(out)), 3,
	    "len honoured: bytes after len ignored");
	is_str(out, "a@b", "len honoured: output");

	/* Length limits. */
	memset(in, 'a', ADDR_MAX - 4);
	memcpy(in + ADDR_MAX - 4, "@b.c", 5);
	is_int(strlen(in), ADDR_MAX, "(320-byte address built)");
	is_int(norm(in, out, sizeof(out)), ADDR_MAX,
	    "320-byte address accepted");
	memmove(in + 1, in, ADDR_MAX + 1);
	is_int(norm(in, out, sizeof(out)), RB_EINVAL,
	    "321-byte address rejected");
	is_int(norm("  <" "user@example.org" ">  ", out, 17), 16,
	    "outsz = len + 1 is enough");
	is_int(norm("user@example.org", out, 16), RB_EINVAL,
	    "outsz too small rejected, not truncated");

	/* Bytes >= 0x80 are passed through untouched. */
	n = norm("M\xc3\xbcller@Example.DE", out, sizeof(out));
	is_str(out, "m\xc3\xbcller@example.de", "UTF-8 bytes untouched");
}

/* A printable copy of s for test descriptions (TAP lines must not break). */
static const char *
vis(const char *s)
{
	static char buf[512];
	size_t o = 0;

	for (; *s && o + 5 < sizeof(buf); s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}

struct vector {
	const char *in;
	const char *sha1;
};

static void
test_hash(void)
{
	/* Computed with: printf '%s' 'user@example.org' | sha1sum */
	static const struct vector v[] = {
		{ "user@example.org",
		  "547e41ffe2031bcdc35ffc6687f10d498c4626c6" },
		{ "<User@Example.ORG>",
		  "547e41ffe2031bcdc35ffc6687f10d498c4626c6" },
		{ "  USER@EXAMPLE.ORG\n",
		  "547e41ffe2031bcdc35ffc6687f10d498c4626c6" },
		{ "postmaster@example.com",
		  "900750f2216ff62ba22f2bee9c8d20c9403b9995" },
		{ "Jean.Dupont+tag@Example.FR",
		  "e2af59c5f0560d10638e30a7392d8aaebd074ce4" },
		{ "a@b", "d0338b23241f124f2c83fa6f5821920039bf85db" },
		/* 82 bytes: more than one SHA-1 block. */
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxx@example.org",
		  "d8b1a0888bbb8f2617f1908c081ea6bc99f25d56" },
		{ "m\xc3\xbcller@example.de",
		  "a6d1217bad9fc33b991425631e38b0f44b8ca2cf" },
	};
	uint8_t h[HASH_LEN];
	char hex[HASH_HEXLEN + 1], big[ADDR_MAX + 1];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(h, 0, sizeof(h));
		is_int(addr_hash_text(v[i].in, h), RB_OK, "hash '%s': ok",
		    vis(v[i].in));
		hex_encode(h, HASH_LEN, hex);
		is_str(hex, v[i].sha1, "hash '%s'", vis(v[i].in));
	}
	/* The empty string through addr_hash: plain SHA-1 of nothing. */
	addr_hash("", 0, h);
	hex_encode(h, HASH_LEN, hex);
	is_str(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709",
	    "addr_hash of empty input is SHA-1('')");
	addr_hash("abc", 3, h);
	hex_encode(h, HASH_LEN, hex);
	is_str(hex, "a9993e364706816aba3e25717850c26c9cd0d89d",
	    "addr_hash('abc') FIPS 180 vector");

	/* 320 bytes: the longest accepted address. */
	memset(big, 'a', 308);
	memcpy(big + 308, "@example.org", 13);
	is_int(addr_hash_text(big, h), RB_OK, "320-byte address hashed");
	hex_encode(h, HASH_LEN, hex);
	is_str(hex, "0869d769ca437143c254175c0523bdf8435e145a",
	    "320-byte address vector");

	is_int(addr_hash_text("no-at-sign", h), RB_EINVAL,
	    "addr_hash_text rejects an invalid address");
	is_int(addr_hash_text("", h), RB_EINVAL,
	    "addr_hash_text rejects empty");

	is_str(addr_domain("user@example.org"), "example.org", "addr_domain");
	is_str(addr_domain("a@b@c.d"), "c.d", "addr_domain: after the last @");
	ok(addr_domain("user@") == NULL, "addr_domain: empty domain -> NULL");
	ok(addr_domain("user") == NULL, "addr_domain: no @ -> NULL");
}

static int
dnorm(const char *in, char *out, size_t outsz)
{
	out[0] = '\0';
	return domain_normalise(in, strlen(in), out, outsz);
}

static void
test_domain(void)
{
	char out[DOMAIN_MAX + 1], in[DOMAIN_MAX + 8], rev[DOMAIN_MAX + 1],
	    back[DOMAIN_MAX + 1];
	int n;

	n = dnorm("Example.ORG.", out, sizeof(out));
	is_int(n, 11, "trailing dot dropped: length");
	is_str(out, "example.org", "trailing dot dropped, lower-cased");
	n = dnorm("  Mail.Example.org \n", out, sizeof(out));
	is_str(out, "mail.example.org", "trimmed");
	n = dnorm("_dmarc.xn--bcher-kva.example", out, sizeof(out));
	is_str(out, "_dmarc.xn--bcher-kva.example", "'_' and '-' allowed");
	n = dnorm("localhost", out, sizeof(out));
	is_int(n, 9, "single label accepted");
	n = dnorm("1.2.3.4", out, sizeof(out));
	is_str(out, "1.2.3.4", "digit labels accepted");

	is_int(dnorm("", out, sizeof(out)), RB_EINVAL, "empty rejected");
	is_int(dnorm(".", out, sizeof(out)), RB_EINVAL, "root rejected");
	is_int(dnorm("example..org", out, sizeof(out)), RB_EINVAL,
	    "empty label rejected");
	is_int(dnorm(".example.org", out, sizeof(out)), RB_EINVAL,
	    "leading dot rejected");
	is_int(dnorm("example.org..", out, sizeof(out)), RB_EINVAL,
	    "two trailing dots rejected");
	is_int(dnorm("exa mple.org", out, sizeof(out)), RB_EINVAL,
	    "inner space rejected");
	is_int(dnorm("ex!ample.org", out, sizeof(out)), RB_EINVAL,
	    "'!' rejected");
	is_int(dnorm("user@example.org", out, sizeof(out)), RB_EINVAL,
	    "'@' rejected");
	is_int(dnorm("b\xc3\xbc" "cher.example", out, sizeof(out)), RB_EINVAL,
	    "non-ASCII rejected (IDN must be A-labels)");

	/* 63-byte labels. */
	memset(in, 'a', 63);
	strcpy(in + 63, ".org");
	is_int(dnorm(in, out, sizeof(out)), 67, "63-byte label accepted");
	memset(in, 'a', 64);
	strcpy(in + 64, ".org");
	is_int(dnorm(in, out, sizeof(out)), RB_EINVAL,
	    "64-byte label rejected");
	memset(in, 'a', 63);
	in[63] = '.';
	memset(in + 64, 'b', 64);
	in[128] = '\0';
	is_int(dnorm(in, out, sizeof(out)), RB_EINVAL,
	    "64-byte last label rejected");

	/* 253 bytes: 63.63.63.61 */
	memset(in, 'a', 253);
	in[63] = in[127] = in[191] = '.';
	in[253] = '\0';
	is_int(dnorm(in, out, sizeof(out)), 253, "253-byte name accepted");
	in[253] = '.';
	in[254] = '\0';
	is_int(dnorm(in, out, sizeof(out)), 253,
	    "253 bytes + trailing dot accepted");
	in[253] = 'a';
	is_int(dnorm(in, out, sizeof(out)), RB_EINVAL,
	    "254-byte name rejected");
	is_int(dnorm("example.org", out, 11), RB_EINVAL,
	    "outsz too small rejected");
	is_int(dnorm("example.org", out, 12), 11, "outsz = len + 1 enough");

	/* Reversal. */
	domain_reverse("mail.example.org", 16, rev);
	is_str(rev, "org.example.mail", "reverse three labels");
	domain_reverse(rev, strlen(rev), back);
	is_str(back, "mail.example.org", "reverse round trip");
	domain_reverse("localhost", 9, rev);
	is_str(rev, "localhost", "single label reversed is itself");
	domain_reverse("a.bc", 4, rev);
	is_str(rev, "bc.a", "labels of different lengths");
	domain_reverse("example.org.junk", 11, rev);
	is_str(rev, "org.example", "len honoured");
	memset(in, 'a', 253);
	in[63] = in[127] = in[191] = '.';
	in[191 + 1] = 'z';
	in[253] = '\0';
	domain_reverse(in, 253, rev);
	domain_reverse(rev, 253, back);
	is_str(back, in, "253-byte name round trip");
	ok(rev[0] == 'z' && rev[61] == '.', "253-byte name: last label first");
}

static void
test_hex(void)
{
	static const uint8_t bytes[] = { 0x00, 0x01, 0xab, 0xcd, 0xef, 0xff };
	uint8_t out[6];
	char hex[13];

	hex_encode(bytes, sizeof(bytes), hex);
	is_str(hex, "0001abcdefff", "hex_encode lower case");
	hex_encode(bytes, 0, hex);
	is_str(hex, "", "hex_encode of nothing");

	memset(out, 0x55, sizeof(out));
	is_int(hex_decode("0001ABCDefFF", 12, out, 6), RB_OK,
	    "hex_decode either case");
	ok(memcmp(out, bytes, 6) == 0, "hex_decode bytes");
	is_int(hex_decode("0001abcdeff", 11, out, 6), RB_EINVAL,
	    "hex_decode odd length rejected");
	is_int(hex_decode("0001abcdefff00", 14, out, 6), RB_EINVAL,
	    "hex_decode too long rejected");
	is_int(hex_decode("0001abcdefgf", 12, out, 6), RB_EINVAL,
	    "hex_decode 'g' rejected");
	is_int(hex_decode("0001abcdef f", 12, out, 6), RB_EINVAL,
	    "hex_decode space rejected");
	is_int(hex_decode("0001abcdef:f", 12, out, 6), RB_EINVAL,
	    "hex_decode ':' rejected (just after '9')");
	is_int(hex_decode("0001abcdef@f", 12, out, 6), RB_EINVAL,
	    "hex_decode '@' rejected (just before 'A')");
}

static void
test_parse(void)
{
	static const struct {
		const char *s;
		int64_t v;
	} good[] = {
		{ "90d", 90 * 86400 }, { "24h", 86400 }, { "30m", 1800 },
		{ "45s", 45 }, { "300", 300 }, { "2w", 14 * 86400 },
		{ "0", 0 }, { "0d", 0 }, { "1h", 3600 },
	};
	static const char *const bad[] = {
		"", "h", "10x", "1.5h", " 5s", "5 s", "5s ", "s5", "+-5s",
		"10hh", "0x10",
	};
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = -1;
		is_int(parse_duration(good[i].s, &v), RB_OK,
		    "duration '%s' ok", good[i].s);
		is_int(v, good[i].v, "duration '%s' value", good[i].s);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(parse_duration(bad[i], &v), RB_EINVAL,
		    "duration '%s' rejected", bad[i]);
	is_int(parse_duration("-5s", &v), RB_ERANGE, "negative duration");
	is_int(parse_duration("99999999999999999999d", &v), RB_ERANGE,
	    "huge duration out of range");
	is_int(parse_duration(NULL, &v), RB_EINVAL, "NULL duration");

	v = -1;
	is_int(parse_int("42", 0, 100, &v), RB_OK, "parse_int 42");
	is_int(v, 42, "parse_int value");
	is_int(parse_int("-7", -10, 10, &v), RB_OK, "parse_int negative");
	is_int(v, -7, "parse_int negative value");
	is_int(parse_int("100", 0, 100, &v), RB_OK, "parse_int max inclusive");
	is_int(parse_int("0", 0, 100, &v), RB_OK, "parse_int min inclusive");
	is_int(parse_int("101", 0, 100, &v), RB_ERANGE, "parse_int above max");
	is_int(parse_int("-1", 0, 100, &v), RB_ERANGE, "parse_int below min");
	is_int(parse_int("9223372036854775808", 0, INT64_MAX, &v), RB_ERANGE,
	    "parse_int overflow");
	is_int(parse_int("9223372036854775807", 0, INT64_MAX, &v), RB_OK,
	    "parse_int INT64_MAX");
	is_int(v, INT64_MAX, "parse_int INT64_MAX value");
	is_int(parse_int("", 0, 100, &v), RB_EINVAL, "parse_int empty");
	is_int(parse_int("abc", 0, 100, &v), RB_EINVAL, "parse_int letters");
	is_int(parse_int("12abc", 0, 100, &v), RB_EINVAL, "parse_int trailing");
	is_int(parse_int(" 12", 0, 100, &v), RB_EINVAL, "parse_int leading ws");
	is_int(parse_int("12 ", 0, 100, &v), RB_EINVAL,
	    "parse_int trailing ws");
	is_int(parse_int(NULL, 0, 100, &v), RB_EINVAL, "parse_int NULL");
	v = 5;
	parse_int("200", 0, 100, &v);
	is_int(v, 5, "parse_int leaves out alone on error");
}

static int
parse_addr(const char *s, int defport, char *back, size_t len, int *family)
{
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	int rc;

	back[0] = '\0';
	*family = -1;
	if ((rc = net_parse_addr(s, defport, &ss, &sl)) != RB_OK)
		return rc;
	*family = ss.ss_family;
	if ((ss.ss_family == AF_INET && sl != sizeof(struct sockaddr_in)) ||
	    (ss.ss_family == AF_INET6 && sl != sizeof(struct sockaddr_in6)))
		return -100;
	net_format_addr((struct sockaddr *)&ss, back, len);
	return rc;
}

static void
test_net_addr(void)
{
	static const char *const bad[] = {
		"localhost:53", "localhost", "example.org", "127.0.0.1:0",
		"127.0.0.1:65536", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:-1",
		"127.0.0.1:53x", "1.2.3.4.5:53", "256.0.0.1:53", "[::1",
		"[::1]x", "[::1]:", "[::1]:70000", "[localhost]:53", "", ":53",
		"[]:53", "::1:x", "[::1]:53:",
	};
	char back[64];
	int fam;
	size_t i;

	is_int(parse_addr("127.0.0.1:5353", 53, back, sizeof(back), &fam),
	    RB_OK, "v4:port");
	is_int(fam, AF_INET, "v4:port family");
	is_str(back, "127.0.0.1:5353", "v4:port round trip");
	is_int(parse_addr("192.0.2.1", 53, back, sizeof(back), &fam), RB_OK,
	    "v4 without port");
	is_str(back, "192.0.2.1:53", "v4 without port: default port");
	is_int(parse_addr("[::1]:5353", 53, back, sizeof(back), &fam), RB_OK,
	    "[v6]:port");
	is_int(fam, AF_INET6, "[v6]:port family");
	is_str(back, "[::1]:5353", "[v6]:port round trip");
	is_int(parse_addr("[2001:DB8::1]", 8853, back, sizeof(back), &fam),
	    RB_OK, "[v6] without port");
	is_str(back, "[2001:db8::1]:8853", "[v6] without port: default port");
	is_int(parse_addr("::1", 53, back, sizeof(back), &fam), RB_OK,
	    "bare v6");
	is_str(back, "[::1]:53", "bare v6: default port");
	is_int(parse_addr("0.0.0.0:65535", 53, back, sizeof(back), &fam),
	    RB_OK, "port 65535");
	is_str(back, "0.0.0.0:65535", "port 65535 round trip");
	is_int(parse_addr("[::ffff:192.0.2.1]:25", 53, back, sizeof(back),
	    &fam), RB_OK, "v4-mapped v6");
	is_int(fam, AF_INET6, "v4-mapped v6 stays v6");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(parse_addr(bad[i], 53, back, sizeof(back), &fam),
		    RB_EINVAL, "'%s' rejected", bad[i]);
	is_int(parse_addr("127.0.0.1", 0, back, sizeof(back), &fam),
	    RB_EINVAL, "no port and default 0 rejected");
}

static void
mk4(struct sockaddr_storage *ss, const char *a)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, a, &sin->sin_addr) != 1)
		printf("# bad test address %s\n", a);
}

static void
mk6(struct sockaddr_storage *ss, const char *a)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	sin6->sin6_family = AF_INET6;
	if (inet_pton(AF_INET6, a, &sin6->sin6_addr) != 1)
		printf("# bad test address %s\n", a);
}

static int
match(const char *prefix, const char *addr)
{
	struct sockaddr_storage ss;
	struct cidr c;

	if (cidr_parse(prefix, &c) != RB_OK)
		return -1;
	if (strchr(addr, ':'))
		mk6(&ss, addr);
	else
		mk4(&ss, addr);
	return cidr_match(&c, 1, (struct sockaddr *)&ss);
}

static void
test_cidr(void)
{
	static const char *const bad[] = {
		"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1",
		"10.0.0.0/8x", "10.0.0.0/ 8", "foo/8", "", "/8", "10.0.0/8",
		"10.0.0.0/8/8", "example.org",
	};
	struct cidr c[3];
	struct sockaddr_storage ss;
	size_t i;

	is_int(cidr_parse("10.0.0.0/8", &c[0]), RB_OK, "parse 10.0.0.0/8");
	is_int(c[0].family, AF_INET, "10/8 family");
	is_int(c[0].bits, 8, "10/8 bits");
	is_int(cidr_parse("192.0.2.1", &c[0]), RB_OK, "parse v4 host");
	is_int(c[0].bits, 32, "v4 host is /32");
	is_int(cidr_parse("::1", &c[0]), RB_OK, "parse v6 host");
	is_int(c[0].family, AF_INET6, "v6 family");
	is_int(c[0].bits, 128, "v6 host is /128");
	is_int(cidr_parse("2001:db8::/32", &c[0]), RB_OK, "parse v6 /32");
	is_int(c[0].bits, 32, "v6 /32 bits");
	is_int(cidr_parse("0.0.0.0/0", &c[0]), RB_OK, "parse /0");
	is_int(c[0].bits, 0, "/0 bits");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(cidr_parse(bad[i], &c[0]), RB_EINVAL, "cidr '%s' rejected",
		    bad[i]);

	is_int(match("10.0.0.0/8", "10.255.1.2"), 1, "10/8 matches 10.255.1.2");
	is_int(match("10.0.0.0/8", "11.0.0.1"), 0, "10/8 not 11.0.0.1");
	is_int(match("10.0.0.0/8", "9.255.255.255"), 0,
	    "10/8 not 9.255.255.255");
	is_int(match("192.0.2.0/23", "192.0.2.0"), 1, "/23 matches low end");
	is_int(match("192.0.2.0/23", "192.0.3.255"), 1, "/23 matches high end");
	is_int(match("192.0.2.0/23", "192.0.4.0"), 0, "/23 not next block");
	is_int(match("192.0.2.0/23", "192.0.1.255"), 0,
	    "/23 not previous block");
	is_int(match("192.0.2.128/25", "192.0.2.200"), 1, "/25 upper half");
	is_int(match("192.0.2.128/25", "192.0.2.127"), 0, "/25 not lower half");
	is_int(match("192.0.2.7/31", "192.0.2.6"), 1, "/31 pair (host bits)");
	is_int(match("192.0.2.7/31", "192.0.2.8"), 0, "/31 not next pair");
	is_int(match("192.0.2.1", "192.0.2.1"), 1, "host matches itself");
	is_int(match("192.0.2.1", "192.0.2.2"), 0, "host not its neighbour");
	is_int(match("0.0.0.0/0", "203.0.113.9"), 1, "v4 /0 matches all v4");
	is_int(match("0.0.0.0/0", "2001:db8::1"), 0, "v4 /0 not v6");
	is_int(match("::/0", "2001:db8::1"), 1, "v6 /0 matches v6");
	is_int(match("::/0", "203.0.113.9"), 0, "v6 /0 not v4");
	is_int(match("2001:db8::/33", "2001:db8:7fff::1"), 1,
	    "v6 /33 matches");
	is_int(match("2001:db8::/33", "2001:db8:8000::1"), 0,
	    "v6 /33 not the other half");
	is_int(match("::1", "::1"), 1, "::1/128 matches ::1");
	is_int(match("::1", "::2"), 0, "::1/128 not ::2");
	is_int(match("10.0.0.0/8", "::ffff:10.1.2.3"), 1,
	    "v4-mapped v6 client matches a v4 prefix");
	is_int(match("10.0.0.0/8", "::ffff:11.1.2.3"), 0,
	    "v4-mapped v6 client outside the v4 prefix");
	is_int(match("0.0.0.0/0", "::ffff:11.1.2.3"), 1,
	    "v4-mapped v6 client matches v4 /0");
	is_int(match("10.0.0.0/8", "::10.1.2.3"), 0,
	    "v4-compatible (not mapped) v6 is not v4");

	/* Several prefixes. */
	cidr_parse("192.0.2.0/24", &c[0]);
	cidr_parse("2001:db8::/32", &c[1]);
	cidr_parse("127.0.0.1", &c[2]);
	mk4(&ss, "127.0.0.1");
	is_int(cidr_match(c, 3, (struct sockaddr *)&ss), 1,
	    "list: last entry matches");
	mk6(&ss, "2001:db8:1::5");
	is_int(cidr_match(c, 3, (struct sockaddr *)&ss), 1,
	    "list: v6 entry matches");
	mk4(&ss, "127.0.0.2");
	is_int(cidr_match(c, 3, (struct sockaddr *)&ss), 0,
	    "list: no entry matches");
	mk4(&ss, "127.0.0.1");
	is_int(cidr_match(c, 0, (struct sockaddr *)&ss), 0,
	    "empty list matches nothing");
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	cidr_parse("0.0.0.0/0", &c[0]);
	is_int(cidr_match(c, 1, (struct sockaddr *)&ss), 0,
	    "AF_UNIX never matches");
}

static void
test_misc(void)
{
	char buf[32];
	int e;

	fmt_time(0, buf, sizeof(buf));
	is_str(buf, "1970-01-01T00:00Z", "fmt_time epoch");
	fmt_time(1700000000, buf, sizeof(buf));
	is_str(buf, "2023-11-14T22:13Z", "fmt_time 1700000000");
	for (e = RB_ESTORE; e <= RB_OK; e++)
		ok(rb_strerror(e) != NULL &&
		    strcmp(rb_strerror(e), "unknown error") != 0,
		    "rb_strerror(%d) = %s", e, rb_strerror(e));
	is_str(rb_strerror(-99), "unknown error", "rb_strerror unknown");
}

int
main(void)
{
	test_addr_normalise();
	test_hash();
	test_domain();
	test_hex();
	test_parse();
	test_net_addr();
	test_cidr();
	test_misc();
	return done_testing();
}

/*
 * tests/zones/test_conf.c - rebond.conf: defaults, the grammar, errors
 * with file:line, cross-option checks, and conf_dump parsing back.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "zones/conf.h"
#include "zones/util.h"

static char err[512];

/* Parse len bytes of text (which may hold NULs) over c. */
static int
parse_n(struct conf *c, const char *text, size_t len)
{
	char *buf = xmalloc(len + 1);
	FILE *f;
	int rc;

	memcpy(buf, text, len);
	buf[len] = '\0';
	err[0] = '\0';
	if ((f = fmemopen(buf, len, "r")) == NULL) {
		printf("# fmemopen failed\n");
		free(buf);
		return -1000;
	}
	rc = conf_parse(c, f, "test.conf", err, sizeof(err));
	fclose(f);
	free(buf);
	return rc;
}

static int
parse(struct conf *c, const char *text)
{
	return parse_n(c, text, strlen(text));
}

/* Fresh defaults, then text; the configuration is freed again. */
static int
parse_fresh(const char *text)
{
	struct conf c;
	int rc;

	conf_defaults(&c);
	rc = parse(&c, text);
	conf_free(&c);
	return rc;
}

/* The error starts with prefix and contains what. */
static int
err_is(const char *prefix, const char *what)
{
	int good = strncmp(err, prefix, strlen(prefix)) == 0 &&
	    strstr(err, what) != NULL;

	if (!good)
		printf("#   error was '%s'\n", err);
	return good;
}

static void
test_defaults(void)
{
	struct conf c;
	int rc;

	conf_defaults(&c);
	rc = conf_finish(&c, err, sizeof(err));
	is_int(rc, RB_OK, "defaults pass conf_finish");
	if (rc != RB_OK)
		printf("#   %s\n", err);
	ok(c.path == NULL, "no path for the defaults");
	is_str(c.state_dir, "./rebond-state", "default state-dir");
	is_str(c.origin, "rebond.test", "default origin");
	is_str(c.log_level, "info", "default log-level");
	is_int(c.map_size, 64LL << 20, "default map-size 64M");
	is_str(c.zone_fqdn[ZONE_RCPT], "rcpt.rebond.test", "rcpt zone");
	is_str(c.zone_fqdn[ZONE_RDOM], "rdom.rebond.test", "rdom zone");
	is_str(c.zone_fqdn[ZONE_SDOM], "sdom.rebond.test", "sdom zone");
	is_str(c.zone_fqdn[ZONE_SNDR], "sndr.rebond.test", "sndr zone");
	is_int(c.ttl, 300, "default ttl 5m");
	is_int(c.negative_ttl, 60, "default negative-ttl 1m");
	ok(c.ns.n == 1 && strcmp(c.ns.v[0], "localhost") == 0, "default ns");
	ok(c.listen.n == 1 && strcmp(c.listen.v[0], "127.0.0.1:5353") == 0,
	    "default listen 127.0.0.1:5353");
	ok(c.acl.n == 2 && strcmp(c.acl.v[0], "0.0.0.0/0") == 0 &&
	    strcmp(c.acl.v[1], "::/0") == 0, "default acl, both families");
	is_int(c.policy_listen.n, 0, "no policy service by default");
	is_int(c.tcp_timeout, 10, "default tcp-timeout");
	is_int(c.tcp_clients, 256, "default tcp-clients");
	is_int(c.edns_size, 1232, "default edns-size");
	is_int(c.hard_expiry, 90 * 86400, "default hard-expiry 90d");
	is_int(c.soft_cooldown, 86400, "default soft-cooldown 24h");
	is_int(c.operator_expiry, 0, "default operator-expiry never");
	ok(c.sync_listen.n == 1 &&
	    strcmp(c.sync_listen.v[0], "127.0.0.1:8853") == 0,
	    "default sync listen");

	is_int(conf_expiry(&c, ZONE_RCPT, 2), 90 * 86400, "expiry rcpt 2");
	is_int(conf_expiry(&c, ZONE_RDOM, 3), 7 * 86400, "expiry rdom 3");
	is_int(conf_expiry(&c, ZONE_RCPT, 4), 86400, "expiry rcpt 4");
	is_int(conf_expiry(&c, ZONE_RCPT, 5), 365 * 86400, "expiry rcpt 5");
	is_int(conf_expiry(&c, ZONE_SNDR, 2), 7 * 86400, "expiry sndr 2");
	is_int(conf_expiry(&c, ZONE_SDOM, 6), 7 * 86400, "expiry sdom 6");
	is_int(conf_expiry(&c, ZONE_RCPT, 10), 0, "expiry operator: never");
	is_int(conf_expiry(&c, ZONE_SNDR, 10), 0, "expiry sndr operator");
	conf_free(&c);
	ok(c.state_dir == NULL && c.listen.n == 0 && c.zone_fqdn[0] == NULL,
	    "conf_free clears the fields");
}

static void
test_grammar(void)
{
	struct conf c;
	int rc;

	conf_defaults(&c);
	rc = parse(&c,
	    "# a comment\n"
	    "; another comment\n"
	    "\n"
	    "   \t\n"
	    "state-dir = /tmp/x   # trailing comment\n"
	    "  origin=Example.ORG.\n"
	    "log-level = debug\n"
	    "map-size = 1G\n"
	    "[zones]\n"
	    "ttl = 10m\n"
	    "negative-ttl = 30\n"
	    "hostmaster = \"dns#admin@example.org\"  # quoted: # kept\n"
	    "ns = ns1.example.org, ns2.example.org\n"
	    "ns = ns3.example.org\n"
	    "sndr = \"  \"\n"
	    "[ dnsd ]   # the DNS server\n"
	    "listen = [::1]:53\n"
	    "listen = 127.0.0.1:53\t# tab comment\n"
	    "acl = 10.0.0.0/8 192.0.2.0/24\n"
	    "policy-listen = 127.0.0.1:10040\n"
	    "tcp-clients = 10\n"
	    "[policy]\n"
	    "hard-expiry = 2w\n"
	    "operator-expiry = 30d\n"
	    "[sync]\n"
	    "listen = 0.0.0.0:8853\n"
	    "[feeder]\n"
	    "[global]\n"
	    "[zones]\n"
	    "rdom = \"\"\n");
	is_int(rc, RB_OK, "full file parses");
	if (rc != RB_OK)
		printf("#   %s\n", err);
	is_str(c.state_dir, "/tmp/x", "value with trailing comment");
	is_str(c.origin, "Example.ORG.", "no blanks around '=' needed");
	is_str(c.log_level, "debug", "log-level");
	is_int(c.map_size, 1LL << 30, "size 1G");
	is_int(c.ttl, 600, "duration 10m");
	is_int(c.negative_ttl, 30, "duration in plain seconds");
	is_str(c.hostmaster, "dns#admin@example.org", "quoted value keeps #");
	ok(c.ns.n == 3 && strcmp(c.ns.v[0], "ns1.example.org") == 0 &&
	    strcmp(c.ns.v[1], "ns2.example.org") == 0 &&
	    strcmp(c.ns.v[2], "ns3.example.org") == 0,
	    "list: default replaced, comma-separated, then appended");
	is_str(c.zone[ZONE_SNDR], "  ", "quoted blanks kept");
	ok(c.listen.n == 2 && strcmp(c.listen.v[0], "[::1]:53") == 0 &&
	    strcmp(c.listen.v[1], "127.0.0.1:53") == 0,
	    "[dnsd] listen: first use replaces the default, second appends");
	ok(c.acl.n == 2 && strcmp(c.acl.v[0], "10.0.0.0/8") == 0 &&
	    strcmp(c.acl.v[1], "192.0.2.0/24") == 0,
	    "list: blank-separated items");
	ok(c.policy_listen.n == 1 &&
	    strcmp(c.policy_listen.v[0], "127.0.0.1:10040") == 0,
	    "list that had no default");
	is_int(c.tcp_clients, 10, "integer");
	is_int(c.hard_expiry, 14 * 86400, "duration 2w");
	is_int(c.operator_expiry, 30 * 86400, "duration 30d");
	ok(c.sync_listen.n == 1 &&
	    strcmp(c.sync_listen.v[0], "0.0.0.0:8853") == 0,
	    "[sync] listen is its own option");
	is_str(c.zone[ZONE_RDOM], "", "empty quoted value");
	ok(c.listen.n == 2, "[sync] listen did not touch [dnsd] listen");

	/* conf_finish on the result: derived names lower-cased. */
	free(c.zone[ZONE_SNDR]);
	c.zone[ZONE_SNDR] = xstrdup("Hashed-Senders.Example.NET.");
	rc = conf_finish(&c, err, sizeof(err));
	is_int(rc, RB_OK, "parsed file passes conf_finish");
	if (rc != RB_OK)
		printf("#   %s\n", err);
	is_str(c.zone_fqdn[ZONE_RCPT], "rcpt.example.org",
	    "zone under a custom origin, lower-cased");
	is_str(c.zone_fqdn[ZONE_SNDR], "hashed-senders.example.net",
	    "explicit zone name normalised");
	conf_free(&c);

	/* A second parse over the same conf replaces lists again. */
	conf_defaults(&c);
	parse(&c, "[dnsd]\nlisten = 127.0.0.1:1\n");
	parse(&c, "[dnsd]\nlisten = 127.0.0.1:2\n");
	ok(c.listen.n == 1 && strcmp(c.listen.v[0], "127.0.0.1:2") == 0,
	    "each file's first use replaces the list");
	parse(&c, "[dnsd]\nacl =\n");
	is_int(c.acl.n, 0, "empty list value clears the list");
	conf_free(&c);

	/* CRLF line endings. */
	conf_defaults(&c);
	rc = parse(&c, "origin = example.com\r\n[zones]\r\nttl = 1h\r\n");
	is_int(rc, RB_OK, "CRLF file parses");
	is_str(c.origin, "example.com", "CRLF: no \\r in value");
	is_int(c.ttl, 3600, "CRLF: duration");
	conf_free(&c);

	/* No final newline; sizes in each unit. */
	conf_defaults(&c);
	rc = parse(&c, "map-size = 2048k");
	is_int(rc, RB_OK, "last line without newline");
	is_int(c.map_size, 2LL << 20, "size 2048k");
	conf_free(&c);
	conf_defaults(&c);
	parse(&c, "map-size = 3m");
	is_int(c.map_size, 3LL << 20, "size 3m");
	conf_free(&c);
	conf_defaults(&c);
	parse(&c, "map-size = 1T");
	is_int(c.map_size, 1LL << 40, "size 1T (the maximum)");
	conf_free(&c);
	conf_defaults(&c);
	parse(&c, "map-size = 1048576");
	is_int(c.map_size, 1 << 20, "size in bytes (the minimum)");
	conf_free(&c);
}

static void
test_errors(void)
{
	static const char nul[] = "# ok\norigin = a\0b\n";

	is_int(parse_fresh("# 1\n\nbogus = 1\n"), RB_EINVAL,
	    "unknown option rejected");
	is_str(err, "test.conf:3: unknown option 'bogus' in [global]",
	    "unknown option: exact message");
	is_int(parse_fresh("[dnsd]\nlisten = 127.0.0.1:53\nttl = 5m\n"),
	    RB_EINVAL, "option of another section rejected");
	ok(err_is("test.conf:3: ", "unknown option 'ttl' in [dnsd]"),
	    "option of another section: file:line and section");
	is_int(parse_fresh("[feeder]\nlisten = x\n"), RB_EINVAL,
	    "[feeder] has no such option");
	ok(err_is("test.conf:2: ", "unknown option"),
	    "[feeder] option: file:line");

	is_int(parse_fresh("\n\n\n[nope]\n"), RB_EINVAL,
	    "unknown section rejected");
	is_str(err, "test.conf:4: unknown section [nope]",
	    "unknown section: exact message");

	is_int(parse_fresh("[zones]\n# c\nttl = 5x\n"), RB_EINVAL,
	    "bad duration rejected");
	is_str(err, "test.conf:3: ttl: expected a duration such as 30s, 10m, "
	    "24h, 90d (got '5x')", "bad duration: exact message");
	is_int(parse_fresh("[zones]\nttl = 1.5h\n"), RB_EINVAL,
	    "fractional duration rejected");
	ok(err_is("test.conf:2: ", "expected a duration"),
	    "fractional duration: file:line");

	is_int(parse_fresh("[zones]\nttl = 8d\n"), RB_EINVAL,
	    "duration out of range rejected");
	ok(err_is("test.conf:2: ", "value out of range"),
	    "duration out of range: file:line");
	is_int(parse_fresh("[dnsd]\n\nedns-size = 511\n"), RB_EINVAL,
	    "integer below range rejected");
	is_str(err, "test.conf:3: edns-size: value out of range (got '511')",
	    "integer out of range: exact message");
	is_int(parse_fresh("[dnsd]\nedns-size = 4097\n"), RB_EINVAL,
	    "integer above range rejected");
	is_int(parse_fresh("[dnsd]\nedns-size = 4096\n"), RB_OK,
	    "integer at the maximum accepted");
	is_int(parse_fresh("[dnsd]\nedns-size = 1k\n"), RB_EINVAL,
	    "integer with a suffix rejected");
	ok(err_is("test.conf:2: ", "expected a number"),
	    "integer with a suffix: file:line");
	is_int(parse_fresh("map-size = 512K\n"), RB_EINVAL,
	    "size below range rejected");
	ok(err_is("test.conf:1: ", "value out of range"),
	    "size out of range: file:line");
	is_int(parse_fresh("map-size = 2T\n"), RB_EINVAL,
	    "size above range rejected");
	is_int(parse_fresh("map-size = 9999999999999G\n"), RB_EINVAL,
	    "size overflow rejected");
	is_int(parse_fresh("map-size = 64X\n"), RB_EINVAL,
	    "bad size suffix rejected");
	ok(err_is("test.conf:1: ", "expected a size"),
	    "bad size: file:line");
	is_int(parse_fresh("[policy]\nhard-expiry = 30m\n"), RB_EINVAL,
	    "hard-expiry below one hour rejected");

	is_int(parse_fresh("origin = a\n[dnsd]\nlisten 127.0.0.1:53\n"),
	    RB_EINVAL, "missing '=' rejected");
	is_str(err, "test.conf:3: expected 'name = value'",
	    "missing '=': exact message");

	is_int(parse_fresh("origin = a.test\n# x\norigin = b.test\n"),
	    RB_EINVAL, "duplicate scalar rejected");
	is_str(err, "test.conf:3: 'origin' set twice in [global]",
	    "duplicate scalar: exact message");
	is_int(parse_fresh("[zones]\nttl = 1m\n[dnsd]\n[zones]\nttl = 2m\n"),
	    RB_EINVAL, "duplicate scalar across reopened section rejected");
	ok(err_is("test.conf:5: ", "set twice"),
	    "duplicate across sections: file:line");

	is_int(parse_fresh("\n[dnsd\n"), RB_EINVAL,
	    "section without ']' rejected");
	is_str(err, "test.conf:2: malformed section header",
	    "section without ']': exact message");
	is_int(parse_fresh("[]\n"), RB_EINVAL, "empty section name rejected");
	ok(err_is("test.conf:1: ", "malformed section header"),
	    "empty section: file:line");
	is_int(parse_fresh("[dnsd]#comment\n[zones] # c\n"), RB_OK,
	    "comment after a section header accepted");
	is_int(parse_fresh("[dnsd] listen = x\n"), RB_EINVAL,
	    "text after ']' rejected");
	ok(err_is("test.conf:1: ", "malformed section header"),
	    "text after ']': file:line");
	is_int(parse_fresh("[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n"),
	    RB_EINVAL, "over-long section name rejected");
	ok(err_is("test.conf:1: ", "malformed section header"),
	    "over-long section name: file:line");

	is_int(parse_fresh("\n# only a comment\n"), RB_OK,
	    "file of blanks and comments accepted");

	{
		struct conf c;
		int rc;

		conf_defaults(&c);
		rc = parse_n(&c, nul, sizeof(nul) - 1);
		is_int(rc, RB_EINVAL, "NUL byte rejected");
		is_str(err, "test.conf:2: NUL byte in line",
		    "NUL byte: exact message");
		is_str(c.origin, "rebond.test", "NUL line not applied");
		conf_free(&c);
	}

	is_int(parse_fresh("origin = \"abc\n"), RB_EINVAL,
	    "unterminated quote rejected");
	ok(err_is("test.conf:1: ", "unterminated quoted value"),
	    "unterminated quote: file:line");
	is_int(parse_fresh("origin = \"abc\" def\n"), RB_EINVAL,
	    "text after a quoted value rejected");
	is_int(parse_fresh("log-level = verbose\n"), RB_EINVAL,
	    "unknown log level rejected");
	ok(err_is("test.conf:1: ", "expected err, warn, info or debug"),
	    "unknown log level: file:line");
	is_int(parse_fresh("[zones]\nttl =\n"), RB_EINVAL,
	    "empty duration rejected");
	ok(err_is("test.conf:2: ", "'ttl' needs a value"),
	    "empty duration: file:line");
	is_int(parse_fresh("= 5\n"), RB_EINVAL, "empty option name rejected");
	ok(err_is("test.conf:1: ", "unknown option"),
	    "empty option name: file:line");

	/* The error stops the parse: later lines are not applied. */
	{
		struct conf c;

		conf_defaults(&c);
		parse(&c, "origin = first.test\nbogus = 1\n[zones]\nttl = 1h\n");
		is_str(c.origin, "first.test", "lines before the error applied");
		is_int(c.ttl, 300, "lines after the error not applied");
		conf_free(&c);
	}
}

/* Defaults, then text, then conf_finish: its return code. */
static int
finish(const char *text)
{
	struct conf c;
	int rc;

	conf_defaults(&c);
	if ((rc = parse(&c, text)) != RB_OK) {
		printf("#   parse: %s\n", err);
		conf_free(&c);
		return -1000;
	}
	err[0] = '\0';
	rc = conf_finish(&c, err, sizeof(err));
	conf_free(&c);
	return rc;
}

static void
test_finish(void)
{
	is_int(finish("[zones]\nrcpt = a.rdom.rebond.test\n"), RB_EINVAL,
	    "zone inside another zone rejected");
	ok(strstr(err, "rcpt") && strstr(err, "inside") &&
	    strstr(err, "rdom"), "zone inside another: names both (%s)", err);
	is_int(finish("[zones]\nsdom = rebond.test\nrcpt = x.test\n"
	    "rdom = y.test\nsndr = z.test\n"), RB_OK,
	    "zones elsewhere than under the origin accepted");
	is_int(finish("[zones]\nsdom = example.net\nsndr = "
	    "deep.sub.example.net\n"), RB_EINVAL,
	    "zone two labels inside another rejected");
	is_int(finish("[zones]\nrcpt = RDOM.rebond.test.\n"), RB_EINVAL,
	    "two zones with the same name (any case) rejected");
	is_int(finish("[zones]\nrcpt = xrdom.rebond.test\n"), RB_OK,
	    "suffix that is not a label boundary accepted");
	is_int(finish("origin = bad..origin\n"), RB_EINVAL, "bad origin");
	ok(strstr(err, "origin") && strstr(err, "bad..origin"),
	    "bad origin named (%s)", err);
	is_int(finish("origin = \"\"\n"), RB_EINVAL, "empty origin");
	is_int(finish("[zones]\nrcpt = \"bad name\"\n"), RB_EINVAL,
	    "bad zone name rejected");
	ok(strstr(err, "rcpt") != NULL, "bad zone name: zone named (%s)", err);
	is_int(finish("[zones]\nns =\n"), RB_EINVAL, "empty ns list rejected");
	is_int(finish("[zones]\nns = ns1.example.org bad..ns\n"), RB_EINVAL,
	    "bad ns rejected");
	ok(strstr(err, "bad..ns") != NULL, "bad ns named (%s)", err);
	is_int(finish("[zones]\nhostmaster = nobody\n"), RB_EINVAL,
	    "hostmaster without @ rejected");
	is_int(finish("[zones]\nhostmaster = a@b..c\n"), RB_EINVAL,
	    "hostmaster with a bad domain rejected");
	is_int(finish("state-dir = \"\"\n"), RB_EINVAL, "empty state-dir");
	is_int(finish("origin = x\n"), RB_OK, "single-label origin accepted");
}

static int
list_eq(const struct strlist *a, const struct strlist *b)
{
	int i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

static int
conf_eq(const struct conf *a, const struct conf *b)
{
	int z;

	for (z = 0; z < ZONE_COUNT; z++)
		if (strcmp(a->zone[z], b->zone[z]) != 0)
			return 0;
	return strcmp(a->state_dir, b->state_dir) == 0 &&
	    strcmp(a->origin, b->origin) == 0 &&
	    strcmp(a->log_level, b->log_level) == 0 &&
	    a->map_size == b->map_size && a->ttl == b->ttl &&
	    a->negative_ttl == b->negative_ttl && list_eq(&a->ns, &b->ns) &&
	    strcmp(a->hostmaster, b->hostmaster) == 0 &&
	    list_eq(&a->listen, &b->listen) && list_eq(&a->acl, &b->acl) &&
	    list_eq(&a->policy_listen, &b->policy_listen) &&
	    a->tcp_timeout == b->tcp_timeout &&
	    a->tcp_clients == b->tcp_clients &&
	    a->edns_size == b->edns_size &&
	    a->hard_expiry == b->hard_expiry &&
	    a->soft_repeat_expiry == b->soft_repeat_expiry &&
	    a->soft_cooldown == b->soft_cooldown &&
	    a->complaint_expiry == b->complaint_expiry &&
	    a->sender_expiry == b->sender_expiry &&
	    a->operator_expiry == b->operator_expiry &&
	    list_eq(&a->sync_listen, &b->sync_listen) &&
	    strcmp(a->key_file, b->key_file) == 0;
}

/* Dump a, parse the dump over fresh defaults into b. */
static int
dump_parse(const struct conf *a, struct conf *b, char **text)
{
	size_t len = 0;
	FILE *m;
	int rc;

	*text = NULL;
	if ((m = open_memstream(text, &len)) == NULL)
		return -1000;
	conf_dump(a, m);
	fclose(m);
	conf_defaults(b);
	rc = parse_n(b, *text, len);
	if (rc != RB_OK)
		printf("#   %s\n", err);
	return rc;
}

static void
test_dump(void)
{
	struct conf a, b;
	char *text;
	int rc;

	conf_defaults(&a);
	rc = dump_parse(&a, &b, &text);
	is_int(rc, RB_OK, "dump of the defaults parses");
	ok(conf_eq(&a, &b), "dump of the defaults: same values");
	ok(text && strstr(text, "[global]") && strstr(text, "[zones]") &&
	    strstr(text, "[dnsd]") && strstr(text, "[policy]") &&
	    strstr(text, "[sync]"), "dump has every section");
	ok(text && strstr(text, "# "), "dump has help comments");
	is_int(conf_finish(&b, err, sizeof(err)), RB_OK,
	    "dump of the defaults passes conf_finish");
	free(text);
	conf_free(&b);
	conf_free(&a);

	conf_defaults(&a);
	rc = parse(&a,
	    "state-dir = \"/var/lib/rebond test\"\n"
	    "origin = bl.example.org\n"
	    "log-level = warn\n"
	    "map-size = 3G\n"
	    "[zones]\n"
	    "rcpt = hashed.example.net\n"
	    "sdom = \"\"\n"
	    "ttl = 1h\nnegative-ttl = 45\n"
	    "ns = ns1.example.org ns2.example.org\n"
	    "hostmaster = \"hostmaster#1@example.org\"\n"
	    "[dnsd]\n"
	    "listen = [::]:53\nlisten = 0.0.0.0:53\n"
	    "acl = 192.0.2.0/24 2001:db8::/32\n"
	    "policy-listen = 127.0.0.1:10040\n"
	    "tcp-timeout = 2m\ntcp-clients = 1000\nedns-size = 4096\n"
	    "[policy]\n"
	    "hard-expiry = 30d\nsoft-repeat-expiry = 3d\n"
	    "soft-cooldown = 12h\ncomplaint-expiry = 2w\n"
	    "sender-expiry = 1d\noperator-expiry = 100d\n"
	    "[sync]\n"
	    "listen = [::1]:8853\n"
	    "key-file = \"/etc/rebond/node key\"\n");
	is_int(rc, RB_OK, "non-default configuration parses");
	if (rc != RB_OK)
		printf("#   %s\n", err);
	rc = dump_parse(&a, &b, &text);
	is_int(rc, RB_OK, "dump of a non-default configuration parses");
	ok(conf_eq(&a, &b), "dump of a non-default configuration: same values");
	is_str(b.state_dir, "/var/lib/rebond test", "string with a blank");
	is_str(b.hostmaster, "hostmaster#1@example.org", "string with a '#'");
	is_int(b.map_size, 3LL << 30, "size survives");
	is_int(b.policy_listen.n, 1, "list survives");
	free(text);
	conf_free(&b);

	/* Empty lists dump as "name =" and come back empty. */
	parse(&a, "[dnsd]\npolicy-listen =\nacl =\n");
	rc = dump_parse(&a, &b, &text);
	is_int(rc, RB_OK, "dump with empty lists parses");
	ok(b.policy_listen.n == 0 && b.acl.n == 0,
	    "empty lists stay empty (defaults not restored)");
	free(text);
	conf_free(&b);
	conf_free(&a);
}

static void
test_load(void)
{
	char path[] = "/tmp/rebond-test-conf-XXXXXX";
	struct conf c;
	FILE *f;
	int fd, rc;

	conf_defaults(&c);
	rc = conf_load(&c, "/nonexistent/rebond.conf", err, sizeof(err));
	is_int(rc, RB_ESYS, "missing file: RB_ESYS");
	ok(strstr(err, "/nonexistent/rebond.conf") != NULL,
	    "missing file named (%s)", err);
	conf_free(&c);

	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		ok(0, "mkstemp");
		return;
	}
	fputs("[zones]\nttl = 2m\n\nbad line\n", f);
	fclose(f);
	conf_defaults(&c);
	rc = conf_load(&c, path, err, sizeof(err));
	is_int(rc, RB_EINVAL, "conf_load: error in the file");
	{
		char want[128];

		snprintf(want, sizeof(want), "%s:4: ", path);
		ok(strncmp(err, want, strlen(want)) == 0,
		    "conf_load: error names the path and line (%s)", err);
	}
	is_int(c.ttl, 120, "conf_load: lines before the error applied");
	is_str(c.path, path, "conf_load records the path");
	conf_free(&c);
	unlink(path);
}

int
main(void)
{
	test_defaults();
	test_grammar();
	test_errors();
	test_finish();
	test_dump();
	test_load();
	return done_testing();
}

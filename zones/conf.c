/* zones/conf.c - see conf.h.  The table below is the only place that
 * knows an option: its name, type, default, range and help. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "util.h"

enum conf_type { T_STR, T_INT, T_DURATION, T_SIZE, T_LIST, T_LEVEL, T_RATE };

struct conf_opt {
	const char	*section;
	const char	*name;
	enum conf_type	 type;
	size_t		 off;
	const char	*def;		/* list defaults: space-separated */
	int64_t		 min, max;
	const char	*help;
};

#define O(f)	offsetof(struct conf, f)
#define DAY	86400LL
#define NOMAX	INT64_MAX

static const struct conf_opt opts[] = {
	{ "global", "state-dir", T_STR, O(state_dir), "./rebond-state", 0, 0,
	  "directory of the LMDB environment shared by all programs" },
	{ "global", "origin", T_STR, O(origin), "rebond.test", 0, 0,
	  "parent domain of the four zones" },
	{ "global", "log-level", T_LEVEL, O(log_level), "info", 0, 0,
	  "err, warn, info or debug" },
	{ "global", "map-size", T_SIZE, O(map_size), "64M", 1 << 20, 1LL << 40,
	  "initial LMDB map size; it grows by doubling when full" },
	{ "global", "user", T_STR, O(user), "rebond", 0, 0,
	  "user the daemons switch to when started as root, once their "
	  "sockets, files and store are open (root: stay root)" },

	{ "zones", "rcpt", T_STR, O(zone[ZONE_RCPT]), "", 0, 0,
	  "hashed recipients zone (empty: rcpt.<origin>)" },
	{ "zones", "rdom", T_STR, O(zone[ZONE_RDOM]), "", 0, 0,
	  "recipient domains zone (empty: rdom.<origin>)" },
	{ "zones", "sdom", T_STR, O(zone[ZONE_SDOM]), "", 0, 0,
	  "sender domains zone (empty: sdom.<origin>)" },
	{ "zones", "sndr", T_STR, O(zone[ZONE_SNDR]), "", 0, 0,
	  "hashed senders zone (empty: sndr.<origin>)" },
	{ "zones", "ttl", T_DURATION, O(ttl), "5m", 0, 7 * DAY,
	  "TTL of listed answers" },
	{ "zones", "negative-ttl", T_DURATION, O(negative_ttl), "1m", 0, DAY,
	  "SOA minimum: how long resolvers cache 'not listed'" },
	{ "zones", "ns", T_LIST, O(ns), "localhost", 0, 0,
	  "name servers announced at each zone apex" },
	{ "zones", "hostmaster", T_STR, O(hostmaster), "hostmaster@localhost",
	  0, 0, "contact address in the SOA" },

	{ "dnsd", "listen", T_LIST, O(listen), "127.0.0.1:5353", 0, 0,
	  "ADDR:PORT to serve DNS on, UDP and TCP ([::1]:53 for IPv6)" },
	{ "dnsd", "acl", T_LIST, O(acl), "0.0.0.0/0 ::/0", 0, 0,
	  "client prefixes allowed to query; others get REFUSED" },
	{ "dnsd", "policy-listen", T_LIST, O(policy_listen), "", 0, 0,
	  "ADDR:PORT of the Postfix policy service (none by default)" },
	{ "dnsd", "tcp-timeout", T_DURATION, O(tcp_timeout), "10s", 1, 3600,
	  "idle time after which a TCP connection is closed" },
	{ "dnsd", "tcp-clients", T_INT, O(tcp_clients), "256", 1, 65536,
	  "simultaneous TCP connections" },
	{ "dnsd", "edns-size", T_INT, O(edns_size), "1232", 512, 4096,
	  "largest UDP answer offered to EDNS clients" },
	{ "dnsd", "rrl-responses-per-second", T_INT, O(rrl_rate), "0", 0,
	  1000000, "UDP answers a second to one client prefix before response "
	  "rate limiting (0: off)" },
	{ "dnsd", "rrl-slip", T_INT, O(rrl_slip), "2", 0, 100,
	  "every Nth rate-limited answer goes out truncated, so that a real "
	  "client retries over TCP; the others are dropped (0: drop all)" },
	{ "dnsd", "rrl-ipv4-prefix", T_INT, O(rrl_v4_prefix), "24", 8, 32,
	  "IPv4 prefix length of the clients that share a rate limit" },
	{ "dnsd", "rrl-ipv6-prefix", T_INT, O(rrl_v6_prefix), "56", 16, 64,
	  "IPv6 prefix length of the clients that share a rate limit" },
	{ "dnsd", "metrics", T_STR, O(metrics), "", 0, 0,
	  "ADDR:PORT of the Prometheus HTTP listener, GET /metrics (none by "
	  "default)" },

	/* The Postfix policy service (-p, policy-listen); see dnsd/policy.h.
	 * Actions: dunno, warn, hold, defer (DEFER_IF_PERMIT), reject,
	 * throttle.  rcpt tables apply to rcpt and rdom, sender tables to
	 * sndr and sdom; a code not named keeps its default. */
	{ "policy-service", "bulk-senders", T_LIST, O(bulk_senders), "", 0, 0,
	  "bulk senders: SASL user names, sender addresses or sender domains "
	  "(anyone else with a SASL login is a mailbox user)" },
	{ "policy-service", "unauthenticated", T_STR, O(unauthenticated),
	  "bulk", 0, 0, "class of mail without SASL login and not in "
	  "bulk-senders (mynetworks): bulk or mailbox" },
	{ "policy-service", "rcpt-actions", T_LIST, O(rcpt_actions),
	  "2=reject 3=dunno 4=dunno 5=reject 10=reject", 0, 0,
	  "CODE=ACTION for mail of mailbox users to a listed recipient "
	  "(rcpt, rdom); actions: dunno warn hold defer reject throttle" },
	{ "policy-service", "bulk-rcpt-actions", T_LIST, O(bulk_rcpt_actions),
	  "2=reject 3=defer 4=defer 5=reject 10=reject", 0, 0,
	  "CODE=ACTION for mail of bulk senders to a listed recipient" },
	{ "policy-service", "sender-actions", T_LIST, O(sender_actions),
	  "2=hold 3=hold 4=throttle 5=hold 6=hold 10=hold", 0, 0,
	  "CODE=ACTION for a listed mailbox user (sndr, sdom): hold lets "
	  "an operator look before a person's mail is refused" },
	{ "policy-service", "bulk-sender-actions", T_LIST,
	  O(bulk_sender_actions),
	  "2=reject 3=reject 4=throttle 5=reject 6=reject 10=hold", 0, 0,
	  "CODE=ACTION for a listed bulk sender" },
	{ "policy-service", "throttle-rate", T_INT, O(throttle_rate), "20", 1,
	  1000000, "requests a minute (one per recipient) a throttled "
	  "sender may send before DEFER_IF_PERMIT" },
	{ "policy-service", "reject-message", T_STR, O(reject_message),
	  "listed by rebond (%z %c: %r); if this is wrong, ask your "
	  "postmaster to delist it", 0, 0,
	  "text of reject, defer, hold and warn answers; %z zone, %c code, "
	  "%r reason, %% a percent sign" },
	{ "policy-service", "timeout", T_DURATION, O(policy_timeout), "6m", 1,
	  DAY, "idle time after which a policy connection is closed (Postfix "
	  "closes its own after 300s)" },

	{ "policy", "hard-expiry", T_DURATION, O(hard_expiry), "90d", 3600,
	  NOMAX, "lifetime of a hard-bounce listing, refreshed by new bounces" },
	{ "policy", "soft-repeat-expiry", T_DURATION, O(soft_repeat_expiry),
	  "7d", 3600, NOMAX, "lifetime of a repeated soft-bounce listing" },
	{ "policy", "soft-cooldown", T_DURATION, O(soft_cooldown), "24h", 3600,
	  NOMAX, "lifetime of a recent soft-bounce listing" },
	{ "policy", "complaint-expiry", T_DURATION, O(complaint_expiry), "365d",
	  3600, NOMAX, "lifetime of a complaint listing" },
	{ "policy", "sender-expiry", T_DURATION, O(sender_expiry), "7d", 3600,
	  NOMAX, "lifetime of a sender listing" },
	{ "policy", "operator-expiry", T_DURATION, O(operator_expiry), "0", 0,
	  NOMAX, "lifetime of a manual listing without --days (0: never)" },

	{ "policy", "soft-repeat-count", T_INT, O(soft_repeat_count), "3", 2,
	  1000, "soft bounces (no delivery between) that make 127.0.0.3" },
	{ "policy", "soft-window", T_DURATION, O(soft_window), "7d", 3600,
	  NOMAX, "window in which the soft bounces are counted" },
	{ "policy", "sender-window", T_DURATION, O(sender_window), "7d", DAY,
	  90 * DAY, "window of the sender rates" },
	{ "policy", "sender-min-volume", T_INT, O(sender_min_volume), "20", 1,
	  NOMAX, "messages in the window before a sender rate can list" },
	{ "policy", "sender-hard-rate", T_RATE, O(sender_hard_rate), "10%", 1,
	  1000000, "hard-bounce rate that lists a sender (127.0.0.2)" },
	{ "policy", "sender-complaint-rate", T_RATE, O(sender_complaint_rate),
	  "0.5%", 1, 1000000, "complaint rate that lists a sender (127.0.0.3)" },
	{ "policy", "sender-refused-rate", T_RATE, O(sender_refused_rate),
	  "10%", 1, 1000000,
	  "rate of messages refused as spam/policy that lists a sender (127.0.0.6)" },
	{ "policy", "sender-listed-sends", T_INT, O(sender_listed_sends), "10",
	  1, NOMAX, "sends to listed recipients in the window that list a "
	  "sender (127.0.0.5)" },
	{ "policy", "sender-volume-factor", T_INT, O(sender_volume_factor),
	  "10", 2, 1000, "today's volume over this many times the daily "
	  "average throttles (127.0.0.4), then holds (127.0.0.10)" },
	{ "policy", "sender-volume-min", T_INT, O(sender_volume_min), "200", 1,
	  NOMAX, "messages a day below which volume never throttles" },

	{ "feeder", "rules", T_STR, O(rules), "", 0, 0,
	  "operator classification rules, read before the built-in ones" },
	{ "feeder", "follow", T_STR, O(follow), "", 0, 0,
	  "log file to follow when no input option is given" },
	{ "feeder", "syslog", T_STR, O(syslog), "", 0, 0,
	  "syslog socket (unix:/path or udp:ADDR:PORT) when no input option "
	  "is given" },
	{ "feeder", "scope", T_STR, O(feeder_scope), "federation", 0, 0,
	  "scope of the listings the feeder makes: local, peers or "
	  "federation" },
	{ "feeder", "batch-delay", T_DURATION, O(batch_delay), "0", 0, 60,
	  "longest a line waits before it is written (0: 200 ms)" },
	{ "feeder", "corr-ttl", T_DURATION, O(corr_ttl), "7d", 3600, NOMAX,
	  "how long a queue id's sender and client are remembered" },
	{ "feeder", "msgid-ttl", T_DURATION, O(msgid_ttl), "30d", DAY, NOMAX,
	  "how long a Message-ID is remembered for complaints" },
	{ "feeder", "history-ttl", T_DURATION, O(history_ttl), "365d", DAY,
	  NOMAX, "how long the daily counters (senders, clients, recipient "
	  "hashes) and the event log behind rebondctl explain are kept; at "
	  "least [policy] sender-window" },

	{ "sync", "listen", T_LIST, O(sync_listen), "127.0.0.1:8853", 0, 0,
	  "ADDR:PORT of the sync HTTP server" },
	{ "sync", "key-file", T_STR, O(key_file), "", 0, 0,
	  "node private key (empty: <state-dir>/node.key)" },
	{ "sync", "poll-wait", T_DURATION, O(sync_wait), "25s", 1, 60,
	  "how long a pull waits for news at a peer (long poll)" },
	{ "sync", "retry-max", T_DURATION, O(sync_retry_max), "60s", 1, 3600,
	  "longest pause between two attempts to reach a peer that is down "
	  "(the pause doubles from 1 s)" },
	{ "sync", "metrics-acl", T_LIST, O(sync_metrics_acl),
	  "127.0.0.0/8 ::1", 0, 0,
	  "CIDR prefixes that may read GET /metrics (Prometheus); empty: "
	  "nobody" },
	{ "sync", "peer-rate", T_INT, O(sync_rate), "10", 0, 100000,
	  "requests a second a peer may make, bursts of 30 (0: no limit)" },
	{ "sync", "peer-report-rate", T_INT, O(sync_report_rate), "10", 0,
	  100000, "bounce reports a second a peer may push, bursts of 2048 "
	  "(0: no limit); more wait in the peer's queue" },
	{ "sync", "connections", T_INT, O(sync_conns), "64", 4, 100000,
	  "connections served at once; one more closes the one that has "
	  "waited longest for its request" },
	{ "sync", "request-timeout", T_DURATION, O(sync_req_timeout), "20s",
	  1, 3600, "how long a client has to send a whole request, headers "
	  "and body (slow clients are closed)" },

	{ "check-domain", "relay-ips", T_LIST, O(check_relay_ips), "", 0, 0,
	  "addresses of this relay that the SPF records of the domains it "
	  "sends for must authorise (rebondctl check-domain)" },
	{ "check-domain", "selectors", T_LIST, O(check_selectors), "", 0, 0,
	  "DKIM selectors this relay signs with, whose keys rebondctl "
	  "check-domain checks" },
	{ "check-domain", "interval", T_DURATION, O(check_interval), "1d",
	  3600, NOMAX, "check-domain --seen checks a domain again only after "
	  "this long (its last findings stay in the store)" },
	{ "check-domain", "max-domains", T_INT, O(check_max_domains), "100",
	  1, 100000, "sender domains check-domain --seen checks in one run, "
	  "the busiest first" },
	{ "check-domain", "queries-per-second", T_INT, O(check_qps), "20", 1,
	  10000, "DNS queries a second check-domain sends at most (answers "
	  "are cached for the whole run)" },
	{ NULL, NULL, 0, 0, NULL, 0, 0, NULL }
};

static const char *const levels[] = { "err", "warn", "info", "debug" };

static void *
field(struct conf *c, const struct conf_opt *o)
{
	return (char *)c + o->off;
}

static void
list_clear(struct strlist *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
list_add(struct strlist *l, const char *s)
{
	l->v = xrealloc(l->v, sizeof(*l->v) * (size_t)(l->n + 1));
	l->v[l->n++] = xstrdup(s);
}

static int
parse_size(const char *s, int64_t *out)
{
	char buf[32];
	size_t len = strlen(s);
	int64_t mult = 1, v;
	int rc;

	if (len == 0 || len >= sizeof(buf))
		return RB_EINVAL;
	memcpy(buf, s, len + 1);
	switch (buf[len - 1]) {
	case 'k': case 'K': mult = 1LL << 10; break;
	case 'm': case 'M': mult = 1LL << 20; break;
	case 'g': case 'G': mult = 1LL << 30; break;
	case 't': case 'T': mult = 1LL << 40; break;
	}
	if (mult != 1)
		buf[len - 1] = '\0';
	if ((rc = parse_int(buf, 0, INT64_MAX / mult, &v)) != RB_OK)
		return rc;
	*out = v * mult;
	return RB_OK;
}

/* "10%", "0.5%" -> parts per million. */
static int
parse_rate(const char *s, int64_t *out)
{
	int64_t whole = 0, frac = 0, scale = 10000;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return RB_EINVAL;
	while (*p >= '0' && *p <= '9') {
		whole = whole * 10 + (*p++ - '0');
		if (whole > 100)
			return RB_ERANGE;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return RB_EINVAL;
		while (*p >= '0' && *p <= '9') {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
			p++;
		}
	}
	if (p[0] != '%' || p[1] != '\0')
		return RB_EINVAL;
	*out = whole * 10000 + frac;
	return RB_OK;
}

/* Set one option from text.  Returns NULL or a static reason. */
static const char *
set_opt(struct conf *c, const struct conf_opt *o, const char *val)
{
	int64_t v = 0;
	int rc = RB_OK, i;
	char **sp;

	switch (o->type) {
	case T_STR:
		sp = field(c, o);
		free(*sp);
		*sp = xstrdup(val);
		return NULL;
	case T_LEVEL:
		for (i = 0; i < 4; i++)
			if (strcmp(val, levels[i]) == 0)
				break;
		if (i == 4)
			return "expected err, warn, info or debug";
		sp = field(c, o);
		free(*sp);
		*sp = xstrdup(val);
		return NULL;
	case T_LIST: {
		struct strlist *l = field(c, o);
		char *copy = xstrdup(val), *tok, *save = NULL;

		for (tok = strtok_r(copy, " \t,", &save); tok;
		    tok = strtok_r(NULL, " \t,", &save))
			list_add(l, tok);
		free(copy);
		return NULL;
	}
	case T_INT:
		rc = parse_int(val, o->min, o->max, &v);
		break;
	case T_RATE:
		if ((rc = parse_rate(val, &v)) == RB_OK &&
		    (v < o->min || v > o->max))
			rc = RB_ERANGE;
		break;
	case T_DURATION:
		if ((rc = parse_duration(val, &v)) == RB_OK &&
		    (v < o->min || v > o->max))
			rc = RB_ERANGE;
		break;
	case T_SIZE:
		if ((rc = parse_size(val, &v)) == RB_OK &&
		    (v < o->min || v > o->max))
			rc = RB_ERANGE;
		break;
	}
	if (rc == RB_ERANGE)
		return "value out of range";
	if (rc != RB_OK) {
		switch (o->type) {
		case T_DURATION:
			return "expected a duration such as 30s, 10m, 24h, 90d";
		case T_SIZE:
			return "expected a size such as 64M or 1G";
		case T_RATE:
			return "expected a percentage such as 10% or 0.5%";
		default:
			return "expected a number";
		}
	}
	*(int64_t *)field(c, o) = v;
	return NULL;
}

void
conf_defaults(struct conf *c)
{
	const struct conf_opt *o;

	memset(c, 0, sizeof(*c));
	for (o = opts; o->name; o++)
		if (set_opt(c, o, o->def) != NULL)
			fatalx("bad default for %s.%s", o->section, o->name);
}

static char *
strip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
known_section(const char *s)
{
	const struct conf_opt *o;

	for (o = opts; o->name; o++)
		if (strcmp(o->section, s) == 0)
			return 1;
	return 0;
}

int
conf_parse(struct conf *c, FILE *f, const char *name, char *err,
    size_t errlen)
{
	char *line = NULL, section[32] = "global";
	unsigned char seen[sizeof(opts) / sizeof(opts[0])];
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, rc = RB_OK;

	memset(seen, 0, sizeof(seen));
	while ((n = getline(&line, &cap, f)) != -1) {
		const struct conf_opt *o;
		const char *why;
		char *s, *key, *val, *eq;

		lineno++;
		if (memchr(line, '\0', (size_t)n) != NULL) {
			snprintf(err, errlen, "%s:%d: NUL byte in line", name,
			    lineno);
			rc = RB_EINVAL;
			break;
		}
		s = strip(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']'), *rest = NULL;

			/* A comment may follow the header, as it may a value. */
			if (end != NULL)
				rest = strip(end + 1);
			if (end == NULL || (*rest != '\0' && *rest != '#') ||
			    end - s - 1 <= 0 ||
			    (size_t)(end - s - 1) >= sizeof(section)) {
				snprintf(err, errlen, "%s:%d: malformed section "
				    "header", name, lineno);
				rc = RB_EINVAL;
				break;
			}
			*end = '\0';
			snprintf(section, sizeof(section), "%s", strip(s + 1));
			if (!known_section(section)) {
				snprintf(err, errlen, "%s:%d: unknown section "
				    "[%s]", name, lineno, section);
				rc = RB_EINVAL;
				break;
			}
			continue;
		}
		if ((eq = strchr(s, '=')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected 'name = value'",
			    name, lineno);
			rc = RB_EINVAL;
			break;
		}
		*eq = '\0';
		key = strip(s);
		val = strip(eq + 1);
		if (*val == '"') {
			char *q = strchr(val + 1, '"');

			if (q == NULL || (strip(q + 1)[0] != '\0' &&
			    strip(q + 1)[0] != '#')) {
				snprintf(err, errlen, "%s:%d: unterminated "
				    "quoted value", name, lineno);
				rc = RB_EINVAL;
				break;
			}
			*q = '\0';
			val++;
		} else {
			char *hash = strstr(val, " #");

			if (hash == NULL)
				hash = strstr(val, "\t#");
			if (hash != NULL)
				*hash = '\0';
			val = strip(val);
		}
		for (o = opts; o->name; o++)
			if (strcmp(o->section, section) == 0 &&
			    strcmp(o->name, key) == 0)
				break;
		if (o->name == NULL) {
			snprintf(err, errlen, "%s:%d: unknown option '%s' in "
			    "[%s]", name, lineno, key, section);
			rc = RB_EINVAL;
			break;
		}
		if (o->type == T_LIST && !seen[o - opts])
			list_clear(field(c, o));
		else if (o->type != T_LIST && seen[o - opts]) {
			snprintf(err, errlen, "%s:%d: '%s' set twice in [%s]",
			    name, lineno, key, section);
			rc = RB_EINVAL;
			break;
		}
		seen[o - opts] = 1;
		if (*val == '\0' && o->type != T_STR && o->type != T_LIST) {
			snprintf(err, errlen, "%s:%d: '%s' needs a value",
			    name, lineno, key);
			rc = RB_EINVAL;
			break;
		}
		if ((why = set_opt(c, o, val)) != NULL) {
			snprintf(err, errlen, "%s:%d: %s: %s (got '%s')", name,
			    lineno, key, why, val);
			rc = RB_EINVAL;
			break;
		}
	}
	if (rc == RB_OK && ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", name,
		    strerror(errno));
		rc = RB_ESYS;
	}
	free(line);
	return rc;
}

int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	FILE *f;
	int rc;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return RB_ESYS;
	}
	rc = conf_parse(c, f, path, err, errlen);
	fclose(f);
	c->path = path;
	return rc;
}

int
conf_finish(struct conf *c, char *err, size_t errlen)
{
	char norm[DOMAIN_MAX + 1], origin[DOMAIN_MAX + 1];
	int z, y, n;

	if ((n = domain_normalise(c->origin, strlen(c->origin), origin,
	    sizeof(origin))) < 0) {
		snprintf(err, errlen, "origin: not a domain name: '%s'",
		    c->origin);
		return RB_EINVAL;
	}
	for (z = 0; z < ZONE_COUNT; z++) {
		char *name;

		free(c->zone_fqdn[z]);
		c->zone_fqdn[z] = NULL;
		if (c->zone[z][0] == '\0')
			xasprintf(&name, "%s.%s", zone_name(z), origin);
		else
			name = xstrdup(c->zone[z]);
		n = domain_normalise(name, strlen(name), norm, sizeof(norm));
		free(name);
		if (n < 0) {
			snprintf(err, errlen, "zones: %s: not a domain name",
			    zone_name(z));
			return RB_EINVAL;
		}
		c->zone_fqdn[z] = xstrdup(norm);
	}
	for (z = 0; z < ZONE_COUNT; z++)
		for (y = 0; y < ZONE_COUNT; y++) {
			size_t lz, ly;

			if (y == z)
				continue;
			lz = strlen(c->zone_fqdn[z]);
			ly = strlen(c->zone_fqdn[y]);
			/* A zone inside another would make names ambiguous. */
			if (lz >= ly && strcmp(c->zone_fqdn[z] + lz - ly,
			    c->zone_fqdn[y]) == 0 &&
			    (lz == ly || c->zone_fqdn[z][lz - ly - 1] == '.')) {
				snprintf(err, errlen, "zones: %s (%s) lies "
				    "inside %s (%s)", zone_name(z),
				    c->zone_fqdn[z], zone_name(y),
				    c->zone_fqdn[y]);
				return RB_EINVAL;
			}
		}
	if (c->ns.n == 0) {
		snprintf(err, errlen, "zones: ns: at least one name server "
		    "is needed");
		return RB_EINVAL;
	}
	/* The sender rules read the counters of the whole window. */
	if (c->history_ttl < c->sender_window) {
		snprintf(err, errlen, "feeder: history-ttl is shorter than "
		    "[policy] sender-window, whose counters the sender rules "
		    "read");
		return RB_EINVAL;
	}
	for (n = 0; n < c->ns.n; n++)
		if (domain_normalise(c->ns.v[n], strlen(c->ns.v[n]), norm,
		    sizeof(norm)) < 0) {
			snprintf(err, errlen, "zones: ns: not a domain name: "
			    "'%s'", c->ns.v[n]);
			return RB_EINVAL;
		}
	if (strchr(c->hostmaster, '@') == NULL ||
	    domain_normalise(strchr(c->hostmaster, '@') + 1,
	    strlen(strchr(c->hostmaster, '@') + 1), norm, sizeof(norm)) < 0) {
		snprintf(err, errlen, "zones: hostmaster: not a mail address: "
		    "'%s'", c->hostmaster);
		return RB_EINVAL;
	}
	if (scope_parse(c->feeder_scope) < 0) {
		snprintf(err, errlen, "feeder: scope: expected local, peers or "
		    "federation, got '%s'", c->feeder_scope);
		return RB_EINVAL;
	}
	if (c->state_dir[0] == '\0') {
		snprintf(err, errlen, "global: state-dir is empty");
		return RB_EINVAL;
	}
	if (c->user[0] == '\0') {
		snprintf(err, errlen, "global: user is empty");
		return RB_EINVAL;
	}
	return RB_OK;
}

void
conf_dump(const struct conf *c, FILE *out)
{
	const struct conf_opt *o;
	const char *section = "";
	int i;

	for (o = opts; o->name; o++) {
		const void *p = (const char *)c + o->off;

		if (strcmp(section, o->section) != 0) {
			fprintf(out, "%s[%s]\n", *section ? "\n" : "",
			    o->section);
			section = o->section;
		}
		fprintf(out, "# %s (default: %s)\n", o->help,
		    *o->def ? o->def : "none");
		switch (o->type) {
		case T_STR:
		case T_LEVEL:
			fprintf(out, "%s = \"%s\"\n", o->name,
			    *(char *const *)p);
			break;
		case T_LIST: {
			const struct strlist *l = p;

			if (l->n == 0)
				fprintf(out, "%s =\n", o->name);
			for (i = 0; i < l->n; i++)
				fprintf(out, "%s = %s\n", o->name, l->v[i]);
			break;
		}
		case T_INT:
		case T_SIZE:
		case T_DURATION:
			fprintf(out, "%s = %lld\n", o->name,
			    (long long)*(const int64_t *)p);
			break;
		case T_RATE: {
			int64_t r = *(const int64_t *)p;

			fprintf(out, "%s = %lld.%04lld%%\n", o->name,
			    (long long)(r / 10000), (long long)(r % 10000));
			break;
		}
		}
	}
}

void
conf_free(struct conf *c)
{
	const struct conf_opt *o;
	int z;

	for (o = opts; o->name; o++) {
		if (o->type == T_LIST)
			list_clear(field(c, o));
		else if (o->type == T_STR || o->type == T_LEVEL) {
			free(*(char **)field(c, o));
			*(char **)field(c, o) = NULL;
		}
	}
	for (z = 0; z < ZONE_COUNT; z++) {
		free(c->zone_fqdn[z]);
		c->zone_fqdn[z] = NULL;
	}
}

int
conf_read(struct conf *c, const char *path, const char *state_dir,
    char *err, size_t errlen)
{
	char why[512];
	int rc;

	conf_defaults(c);
	if (path == NULL && access(CONF_DEFAULT_PATH, F_OK) == 0)
		path = CONF_DEFAULT_PATH;
	if (path != NULL && (rc = conf_load(c, path, err, errlen)) != RB_OK)
		return rc;
	if (state_dir != NULL) {
		free(c->state_dir);
		c->state_dir = xstrdup(state_dir);
	}
	if ((rc = conf_finish(c, why, sizeof(why))) != RB_OK) {
		snprintf(err, errlen, "%s%s%s", path ? path : "",
		    path ? ": " : "", why);
		return rc;
	}
	return RB_OK;
}

void
conf_setup(struct conf *c, const char *path, const char *state_dir)
{
	char err[600];

	if (conf_read(c, path, state_dir, err, sizeof(err)) != RB_OK)
		fatalx("%s", err);
	if (log_getlevel() != LOG_LVL_DEBUG)
		log_setlevel(conf_log_level(c));
}

int
conf_log_level(const struct conf *c)
{
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(c->log_level, levels[i]) == 0)
			return i;
	return LOG_LVL_INFO;
}

static int
opt_equal(const struct conf *a, const struct conf *b,
    const struct conf_opt *o)
{
	const void *pa = (const char *)a + o->off, *pb = (const char *)b + o->off;
	const struct strlist *la = pa, *lb = pb;
	int i;

	switch (o->type) {
	case T_STR:
	case T_LEVEL:
		return strcmp(*(char *const *)pa, *(char *const *)pb) == 0;
	case T_LIST:
		if (la->n != lb->n)
			return 0;
		for (i = 0; i < la->n; i++)
			if (strcmp(la->v[i], lb->v[i]) != 0)
				return 0;
		return 1;
	default:
		return *(const int64_t *)pa == *(const int64_t *)pb;
	}
}

int
conf_diff(const struct conf *a, const struct conf *b,
    void (*fn)(const char *, const char *, void *), void *arg)
{
	const struct conf_opt *o;
	int n = 0;

	for (o = opts; o->name; o++)
		if (!opt_equal(a, b, o)) {
			fn(o->section, o->name, arg);
			n++;
		}
	return n;
}

int64_t
conf_expiry(const struct conf *c, int zone, int reason)
{
	if (reason == REASON_OPERATOR)
		return c->operator_expiry;
	if (zone == ZONE_SDOM || zone == ZONE_SNDR)
		return c->sender_expiry;
	switch (reason) {
	case 2:	return c->hard_expiry;
	case 3:	return c->soft_repeat_expiry;
	case 4:	return c->soft_cooldown;
	case 5:	return c->complaint_expiry;
	}
	return c->hard_expiry;
}

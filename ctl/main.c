/* rebondctl: the operator's tool. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../dnsd/answer.h"
#include "../feeder/classify.h"
#include "../feeder/count.h"
#include "../feeder/event.h"
#include "../sync/key.h"
#include "peer.h"
#include "checkdomain.h"
#include "conf.h"
#include "ctl.h"
#include "dnset.h"
#include "log.h"
#include "store.h"
#include "util.h"

static struct conf conf;
static struct store *store;

/* Options of the subcommands. */
static const char *opt_reason, *opt_scope = "local", *opt_status;
static const char *opt_by;
static const char *opt_key, *opt_url, *opt_trust, *opt_share;
static char *opt_clients;		/* --client, blank-separated */
static int64_t opt_days = -1;
static int opt_json;

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: rebondctl [-c FILE] [-d DIR] COMMAND [ARGS]\n"
	    "commands:\n"
	    "  add ZONE KEY [--reason CODE] [--days N] [--scope SCOPE] "
	    "[--status X.Y.Z]\n"
	    "  del ZONE KEY          delist (this node's evidence; hides older "
	    "peer evidence)\n"
	    "  lookup KEY            zones and codes KEY is listed with; exit 0 "
	    "if listed, 1 if not\n"
	    "  explain KEY           the evidence and the rule behind the answer\n"
	    "  list [ZONE]           listings, one a line\n"
	    "  import ZONE FILE      load an rbldnsd dnset file ('-': stdin)\n"
	    "  export ZONE           dump a zone in rbldnsd dnset format\n"
	    "  classify              SMTP replies on stdin, one a line: "
	    "CLASS<TAB>SUB<TAB>reply\n"
	    "  stats [--by sender|sender-domain|recipient-domain|client|peer] "
	    "[--days N] [--json]\n"
	    "  report [--days N] [--json]  what happened: rates, listings, "
	    "senders, domains\n"
	    "  metrics               the store's figures for Prometheus\n"
	    "  check-domain DOMAIN [--relay-ip IP]... [--selector S]... "
	    "[--server ADDR[:PORT]]\n"
	    "               [--envelope-domain D] [--dkim-domain D] "
	    "[--lang en|fr] [--json]\n"
	    "                        SPF, DKIM and DMARC diagnosis of a sender "
	    "domain\n"
	    "  check-domain --seen [--days N] [--force] [...]\n"
	    "                        the same for every sender domain of the "
	    "last N days\n"
	    "                        (7), findings kept for report\n"
	    "  config                print the effective configuration\n"
	    "  keygen                create this node's key ([sync] key-file "
	    "or\n"
	    "                        STATE/node.key), print its id; never "
	    "overwrites a key\n"
	    "  id                    print this node's id (its public key)\n"
	    "  peer add NAME --key ID --url URL [--trust full|partial|observe] "
	    "[--share yes|no] [--client CIDR|sasl:NAME]...\n"
	    "                        add a peer or change one (defaults: "
	    "observe, no); --client: how our MTA sees its relay, whose "
	    "bounces are reported back to it\n"
	    "  peer list             the peers, one a line\n"
	    "  peer del NAME         forget a peer (its records stay, "
	    "trust observe)\n"
	    "ZONE: rcpt, rdom, sdom or sndr.  KEY: an address (hashed for rcpt "
	    "and sndr),\n"
	    "40 hex digits of a SHA-1 hash, or a domain.\n"
	    "CODE: 2-6 or 10, 127.0.0.X, or a word (hard, soft, recent, "
	    "complaint, operator,\n"
	    "throttle, listed, spam, held).  SCOPE: local, peers, federation.\n");
	exit(status);
}

static void
open_store(void)
{
	char err[512];

	if (store_open(&store, conf.state_dir, conf.map_size, 0, err,
	    sizeof(err)) != RB_OK)
		fatalx("%s", err);
}

/* ctl.h */
struct store *
ctl_store(void)
{
	if (store == NULL)
		open_store();
	return store;
}

void
ctl_usage(void)
{
	usage(1);
}

static int
need_zone(const char *name)
{
	int z = zone_from_name(name);

	if (z < 0)
		fatalx("unknown zone '%s' (rcpt, rdom, sdom, sndr)", name);
	return z;
}

static void
need_key(int zone, const char *text, struct zkey *k)
{
	if (zkey_from_text(zone, text, k) != RB_OK)
		fatalx("'%s' is not %s", text, zone_is_hashed(zone) ?
		    "an address or a 40-digit SHA-1 hash" : "a domain name");
}

struct add_args {
	struct zkey	 key;
	int		 reason;
	struct status	 status;
	int64_t		 expires_in;
	int		 scope;
};

static int
do_add(struct store_txn *t, void *arg)
{
	struct add_args *a = arg;

	return store_assert(t, &a->key, a->reason,
	    a->status.klass ? &a->status : NULL, rb_now(), a->expires_in, 1,
	    a->scope);
}

static int
cmd_add(int argc, char **argv)
{
	struct add_args a;
	int rc;

	if (argc != 2)
		usage(1);
	memset(&a, 0, sizeof(a));
	a.reason = REASON_OPERATOR;
	need_key(need_zone(argv[0]), argv[1], &a.key);
	if (opt_reason && (a.reason = reason_parse(a.key.zone,
	    opt_reason)) < 0)
		fatalx("--reason %s: not a code of zone %s", opt_reason,
		    argv[0]);
	if ((a.scope = scope_parse(opt_scope)) < 0)
		fatalx("--scope %s: expected local, peers or federation",
		    opt_scope);
	if (opt_status && status_parse(opt_status, &a.status) != RB_OK)
		fatalx("--status %s: expected an enhanced status code such as "
		    "5.1.1", opt_status);
	a.expires_in = opt_days >= 0 ? opt_days * 86400 :
	    conf_expiry(&conf, a.key.zone, a.reason);
	open_store();
	if ((rc = store_write(store, do_add, &a)) != RB_OK)
		fatalx("add: %s", rb_strerror(rc));
	return 0;
}

struct del_args {
	struct zkey	 key;
	int		 scope;
};

/* Keys of the feeder's events about one key (KV_EVLOG), to delete. */
struct evkeys {
	uint8_t		(*k)[2 + DOMAIN_MAX + 12];
	size_t		*len, n;
};

static int
evlog_key(const void *k, size_t klen, const void *v, size_t vlen, void *arg)
{
	struct evkeys *e = arg;

	(void)v;
	(void)vlen;
	if (klen > sizeof(e->k[0]))
		return 0;
	e->k = xrealloc(e->k, (e->n + 1) * sizeof(*e->k));
	e->len = xrealloc(e->len, (e->n + 1) * sizeof(*e->len));
	memcpy(e->k[e->n], k, klen);
	e->len[e->n++] = klen;
	return 0;
}

/* Delisting on request also forgets the feeder's events behind the key:
 * their reply texts may quote the address in clear. */
static int
do_del(struct store_txn *t, void *arg)
{
	struct del_args *a = arg;
	struct evkeys e = { NULL, NULL, 0 };
	uint8_t prefix[2 + DOMAIN_MAX];
	size_t i;
	int rc;

	if ((rc = store_retract(t, &a->key, 0, rb_now(), a->scope)) != RB_OK)
		return rc;
	prefix[0] = a->key.zone;
	prefix[1] = a->key.len;
	memcpy(prefix + 2, a->key.data, a->key.len);
	rc = store_kv_foreach(t, KV_EVLOG, prefix, 2 + (size_t)a->key.len,
	    evlog_key, &e);
	for (i = 0; rc >= 0 && i < e.n; i++)
		if ((rc = store_kv_del(t, KV_EVLOG, e.k[i], e.len[i])) ==
		    RB_ENOENT)
			rc = RB_OK;
	free(e.k);
	free(e.len);
	return rc < 0 ? rc : RB_OK;
}

static int
cmd_del(int argc, char **argv)
{
	struct del_args a;
	struct listing l;
	struct store_txn *t;
	int rc;

	if (argc != 2)
		usage(1);
	need_key(need_zone(argv[0]), argv[1], &a.key);
	if ((a.scope = scope_parse(opt_scope)) < 0)
		fatalx("--scope %s: expected local, peers or federation",
		    opt_scope);
	open_store();
	rc = store_write(store, do_del, &a);
	if (rc == RB_ENOENT) {
		fprintf(stderr, "rebondctl: %s %s: not listed\n", argv[0],
		    argv[1]);
		return 1;
	}
	if (rc != RB_OK)
		fatalx("del: %s", rb_strerror(rc));
	if ((t = store_read(store)) != NULL &&
	    store_listing_get(t, &a.key, &l) == RB_OK &&
	    listing_active(&l, rb_now()) > 0)
		fprintf(stderr, "rebondctl: %s %s: still listed by newer peer "
		    "evidence; see 'rebondctl explain %s'\n", argv[0], argv[1],
		    argv[1]);
	store_read_end(store);
	return 0;
}

/* The zones and keys a typed KEY stands for. */
static int
candidates(const char *text, struct zkey *keys)
{
	int n = 0;

	if (strchr(text, '@') != NULL) {
		char norm[ADDR_MAX + 1];
		const char *dom;

		if (addr_normalise(text, strlen(text), norm, sizeof(norm)) < 0)
			fatalx("'%s' is not an address", text);
		need_key(ZONE_RCPT, norm, &keys[n++]);
		need_key(ZONE_SNDR, norm, &keys[n++]);
		if ((dom = addr_domain(norm)) != NULL &&
		    zkey_from_text(ZONE_RDOM, dom, &keys[n]) == RB_OK) {
			n++;
			need_key(ZONE_SDOM, dom, &keys[n++]);
		}
	} else if (strlen(text) == HASH_HEXLEN &&
	    zkey_from_text(ZONE_RCPT, text, &keys[n]) == RB_OK) {
		n++;
		need_key(ZONE_SNDR, text, &keys[n++]);
	} else {
		need_key(ZONE_RDOM, text, &keys[n++]);
		need_key(ZONE_SDOM, text, &keys[n++]);
	}
	return n;
}

static void
print_codes(const struct listing *l, FILE *out)
{
	int i;

	for (i = 0; i < l->n; i++)
		fprintf(out, "%s127.0.0.%u", i ? "," : "", l->r[i].reason);
}

static int
cmd_lookup(int argc, char **argv)
{
	struct zkey keys[4];
	struct store_txn *t;
	int n, i, listed = 0;
	int64_t now = rb_now();

	if (argc != 1)
		usage(1);
	n = candidates(argv[0], keys);
	open_store();
	if ((t = store_read(store)) == NULL)
		fatalx("cannot read the store");
	for (i = 0; i < n; i++) {
		struct listing l;
		char key[DOMAIN_MAX + 1], txt[1024];
		int rc = store_listing_get(t, &keys[i], &l);

		if (rc != RB_OK && rc != RB_ENOENT)
			fatalx("lookup: %s", rb_strerror(rc));
		if (rc != RB_OK || listing_active(&l, now) == 0)
			continue;
		zkey_to_text(&keys[i], key, sizeof(key));
		printf("%s %s ", zone_name(keys[i].zone), key);
		print_codes(&l, stdout);
		answer_txt(keys[i].zone, &l, txt, sizeof(txt));
		printf(" %s\n", txt);
		listed = 1;
	}
	store_read_end(store);
	if (!listed)
		printf("%s: not listed\n", argv[0]);
	return listed ? 0 : 1;
}

struct explain_ctx {
	struct store_txn	*t;
	struct evidence		 ev[256];
	int			 n;
};

static int
collect(const struct evidence *e, void *arg)
{
	struct explain_ctx *x = arg;

	if (x->n < 256)
		x->ev[x->n++] = *e;
	return 0;
}

static const char *const trust_names[] = { "full", "partial", "observe" };

/* The feeder's log of the events behind a key (KV_EVLOG: zone . len .
 * key . time(8) . n(4) -> class(1) status(5) qid\0 reply\0), newest
 * last: what the remote servers actually answered. */
static int
print_event(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	const uint8_t *kp = k, *vp = v;
	const char *qid, *reply, *z;
	struct status st;
	char when[24], code[16];

	(void)arg;
	if (kl < 12 || vl < 8)
		return 0;
	fmt_time((time_t)be_get(kp + kl - 12, 8), when, sizeof(when));
	st.klass = vp[1];
	st.subject = (uint16_t)be_get(vp + 2, 2);
	st.detail = (uint16_t)be_get(vp + 4, 2);
	status_format(&st, code, sizeof(code));
	qid = (const char *)vp + 6;
	if ((z = memchr(qid, '\0', vl - 6)) == NULL)
		return 0;
	reply = z + 1;
	if (memchr(reply, '\0', vl - (size_t)(reply - (const char *)vp)) ==
	    NULL)
		return 0;
	printf("  event %s %s %s queue %s: %s\n", when, ev_class_name(vp[0]),
	    code, *qid ? qid : "-", reply);
	return 0;
}

static void
explain_events(struct store_txn *t, const struct zkey *k)
{
	uint8_t prefix[2 + DOMAIN_MAX + 1];

	prefix[0] = k->zone;
	prefix[1] = k->len;
	memcpy(prefix + 2, k->data, k->len);
	store_kv_foreach(t, KV_EVLOG, prefix, 2 + (size_t)k->len, print_event,
	    NULL);
}

static int
cmd_explain(int argc, char **argv)
{
	static struct explain_ctx x;
	struct zkey keys[4];
	int n, i, j, any = 0;
	int64_t now = rb_now();

	if (argc != 1)
		usage(1);
	n = candidates(argv[0], keys);
	open_store();
	if ((x.t = store_read(store)) == NULL)
		fatalx("cannot read the store");
	for (i = 0; i < n; i++) {
		struct listing l;
		uint8_t verdict[256];
		char key[DOMAIN_MAX + 1];

		x.n = 0;
		store_evidence_foreach(x.t, &keys[i], collect, &x);
		if (x.n == 0)
			continue;
		any = 1;
		zkey_to_text(&keys[i], key, sizeof(key));
		policy_compute(x.ev, x.n, now, &l, verdict);
		printf("%s %s: %s", zone_name(keys[i].zone), key,
		    l.n ? "listed " : "not listed");
		print_codes(&l, stdout);
		printf("\n");
		for (j = 0; j < x.n; j++) {
			const struct evidence *e = &x.ev[j];
			struct origin o;
			char st[16], first[24], last[24], exp[24];

			if (store_origin_get(x.t, e->origin, &o) != RB_OK)
				snprintf(o.name, sizeof(o.name), "origin#%u",
				    e->origin);
			status_format(&e->rec.status, st, sizeof(st));
			fmt_time(e->rec.first, first, sizeof(first));
			fmt_time(e->rec.last, last, sizeof(last));
			if (e->rec.expires)
				fmt_time(e->rec.expires, exp, sizeof(exp));
			else
				snprintf(exp, sizeof(exp), "never");
			if (e->rec.flags & REC_DELETE)
				printf("  %-10s delisted at %s (seq %llu)\n",
				    o.name, last,
				    (unsigned long long)e->rec.seq);
			else
				printf("  %-10s 127.0.0.%u %s, status %s, "
				    "count %u, first %s, last %s, expires %s, "
				    "scope %s, trust %s, seq %llu: %s\n",
				    o.name, e->rec.reason,
				    reason_text(keys[i].zone, e->rec.reason),
				    st, e->rec.count, first, last, exp,
				    scope_name(e->rec.scope),
				    e->origin == 0 ? "self" :
				    trust_names[e->trust % 3],
				    (unsigned long long)e->rec.seq,
				    policy_verdict_text(verdict[j]));
		}
		explain_events(x.t, &keys[i]);
		if (l.n)
			printf("  to delist: rebondctl del %s %s\n",
			    zone_name(keys[i].zone),
			    zone_is_hashed(keys[i].zone) ? argv[0] : key);
	}
	store_read_end(store);
	if (!any)
		printf("%s: no evidence in any zone\n", argv[0]);
	return any ? 0 : 1;
}

static int
print_listing(const struct zkey *k, const struct listing *cl, void *arg)
{
	struct listing l = *cl;
	char key[DOMAIN_MAX + 1], last[24], exp[24];
	int64_t now = *(int64_t *)arg, e = 0;
	int i;

	if (listing_active(&l, now) == 0)
		return 0;
	zkey_to_text(k, key, sizeof(key));
	for (i = 0; i < l.n; i++)
		if (e != -1 && l.r[i].expires == 0)
			e = -1;
		else if (e != -1 && l.r[i].expires > e)
			e = l.r[i].expires;
	fmt_time(l.r[l.n - 1].last, last, sizeof(last));
	if (e > 0)
		fmt_time(e, exp, sizeof(exp));
	else
		snprintf(exp, sizeof(exp), "never");
	printf("%s %s ", zone_name(k->zone), key);
	print_codes(&l, stdout);
	printf(" last=%s expires=%s\n", last, exp);
	return ferror(stdout) ? RB_ESYS : 0;
}

static int
cmd_list(int argc, char **argv)
{
	struct store_txn *t;
	int64_t now = rb_now();
	int zone = -1, rc;

	if (argc > 1)
		usage(1);
	if (argc == 1)
		zone = need_zone(argv[0]);
	open_store();
	if ((t = store_read(store)) == NULL)
		fatalx("cannot read the store");
	rc = store_listing_foreach(t, zone, print_listing, &now);
	store_read_end(store);
	if (rc < 0)
		fatalx("list: %s", rb_strerror(rc));
	return 0;
}

static int
export_one(const struct zkey *k, const struct listing *cl, void *arg)
{
	struct listing l = *cl;
	char key[DOMAIN_MAX + 1];
	int64_t now = *(int64_t *)arg;

	if (listing_active(&l, now) == 0)
		return 0;
	zkey_to_text(k, key, sizeof(key));
	/* dnset carries one value per key: the lowest code. */
	printf("%s :127.0.0.%u:%s\n", key, l.r[0].reason,
	    reason_text(k->zone, l.r[0].reason));
	return ferror(stdout) ? RB_ESYS : 0;
}

static int
cmd_export(int argc, char **argv)
{
	struct store_txn *t;
	char when[24];
	int64_t now = rb_now();
	int zone, rc;

	if (argc != 1)
		usage(1);
	zone = need_zone(argv[0]);
	open_store();
	if ((t = store_read(store)) == NULL)
		fatalx("cannot read the store");
	fmt_time(now, when, sizeof(when));
	printf("# rebond %s zone %s (%s), exported %s\n", PACKAGE_VERSION,
	    zone_name(zone), conf.zone_fqdn[zone], when);
	printf("$TTL %lld\n", (long long)conf.ttl);
	rc = store_listing_foreach(t, zone, export_one, &now);
	store_read_end(store);
	if (rc < 0 || fflush(stdout) != 0)
		fatalx("export: %s", rc < 0 ? rb_strerror(rc) : strerror(errno));
	return 0;
}

#define IMPORT_BATCH	20000

struct import_batch {
	struct zkey	*keys;
	uint8_t		*reasons;
	int		 n;
	int		 scope;
};

static int
do_import(struct store_txn *t, void *arg)
{
	struct import_batch *b = arg;
	int64_t now = rb_now();
	int i, rc;

	for (i = 0; i < b->n; i++) {
		rc = store_assert(t, &b->keys[i], b->reasons[i], NULL, now,
		    conf_expiry(&conf, b->keys[i].zone, b->reasons[i]), 1,
		    b->scope);
		if (rc != RB_OK)
			return rc;
	}
	return RB_OK;
}

static int
cmd_import(int argc, char **argv)
{
	struct import_batch b;
	struct dnset_line dl;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int zone, defval = 0, lineno = 0, bad = 0, skipped = 0, rc;
	long total = 0;

	if (argc != 2)
		usage(1);
	zone = need_zone(argv[0]);
	if (strcmp(argv[1], "-") == 0)
		f = stdin;
	else if ((f = fopen(argv[1], "r")) == NULL)
		fatal("%s", argv[1]);
	memset(&b, 0, sizeof(b));
	if ((b.scope = scope_parse(opt_scope)) < 0)
		fatalx("--scope %s: expected local, peers or federation",
		    opt_scope);
	if (opt_reason && (defval = reason_parse(zone, opt_reason)) < 0)
		fatalx("--reason %s: not a code of zone %s", opt_reason,
		    argv[0]);
	b.keys = xcalloc(IMPORT_BATCH, sizeof(*b.keys));
	b.reasons = xcalloc(IMPORT_BATCH, 1);
	open_store();
	while ((len = getline(&line, &cap, f)) != -1) {
		const char *why;
		int value;

		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (dnset_parse(line, (size_t)len, &dl, &why) != RB_OK) {
			fprintf(stderr, "rebondctl: %s:%d: %s\n", argv[1],
			    lineno, why);
			bad++;
			continue;
		}
		switch (dl.kind) {
		case DNSET_BLANK:
		case DNSET_DIRECTIVE:
			continue;
		case DNSET_DEFAULT:
			if (dl.value && !reason_valid(zone, dl.value)) {
				fprintf(stderr, "rebondctl: %s:%d: 127.0.0.%d "
				    "is not a code of zone %s\n", argv[1],
				    lineno, dl.value, argv[0]);
				bad++;
			} else
				defval = dl.value;
			continue;
		case DNSET_EXCLUDE:
		case DNSET_SUBONLY:
			fprintf(stderr, "rebondctl: %s:%d: %s entries are not "
			    "supported, skipped\n", argv[1], lineno,
			    dl.kind == DNSET_EXCLUDE ? "exclusion (!)" :
			    "wildcard (*.)");
			skipped++;
			continue;
		case DNSET_WILDCARD:
			if (zone_is_hashed(zone)) {
				fprintf(stderr, "rebondctl: %s:%d: wildcards "
				    "have no meaning in a hashed zone\n",
				    argv[1], lineno);
				bad++;
				continue;
			}
			fprintf(stderr, "rebondctl: %s:%d: .%s: imported as "
			    "%s alone; names below it are not covered\n",
			    argv[1], lineno, dl.key, dl.key);
			break;
		}
		value = dl.value ? dl.value : defval ? defval :
		    REASON_OPERATOR;
		if (!reason_valid(zone, value)) {
			fprintf(stderr, "rebondctl: %s:%d: 127.0.0.%d is not a "
			    "code of zone %s\n", argv[1], lineno, value,
			    argv[0]);
			bad++;
			continue;
		}
		if (zkey_from_text(zone, dl.key, &b.keys[b.n]) != RB_OK) {
			fprintf(stderr, "rebondctl: %s:%d: '%s' is not %s\n",
			    argv[1], lineno, dl.key, zone_is_hashed(zone) ?
			    "an address or a 40-digit SHA-1 hash" :
			    "a domain name");
			bad++;
			continue;
		}
		b.reasons[b.n++] = (uint8_t)value;
		if (b.n == IMPORT_BATCH) {
			if ((rc = store_write(store, do_import, &b)) != RB_OK)
				fatalx("import: %s (%ld entries imported "
				    "before line %d)", rb_strerror(rc), total,
				    lineno);
			total += b.n;
			b.n = 0;
		}
	}
	if (ferror(f))
		fatal("%s", argv[1]);
	if (b.n > 0) {
		if ((rc = store_write(store, do_import, &b)) != RB_OK)
			fatalx("import: %s (%ld entries imported before)",
			    rb_strerror(rc), total);
		total += b.n;
	}
	if (f != stdin)
		fclose(f);
	free(line);
	free(b.keys);
	free(b.reasons);
	fprintf(stderr, "rebondctl: %s: %ld entries imported into %s, %d "
	    "skipped, %d rejected\n", argv[1], total, argv[0], skipped, bad);
	return bad ? 1 : 0;
}

static int
cmd_classify(int argc, char **argv)
{
	struct classifier *c = classify_new();
	char err[512], sub[64], *line = NULL;
	size_t cap = 0;
	ssize_t n;

	(void)argv;
	if (argc != 0)
		usage(1);
	if (conf.rules[0] && classify_load(c, conf.rules, err, sizeof(err)) !=
	    RB_OK)
		fatalx("%s", err);
	while ((n = getline(&line, &cap, stdin)) != -1) {
		int cls;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		cls = classify(c, NULL, NULL, line, sub, sizeof(sub));
		printf("%s\t%s\t%s\n", ev_class_name(cls), sub, line);
	}
	free(line);
	classify_free(c);
	return fflush(stdout) == 0 ? 0 : 1;
}

static int
do_self_key(struct store_txn *t, void *arg)
{
	int changed, rc;

	if ((rc = self_key_set(t, arg, &changed)) == RB_OK && changed)
		log_warnx("the store knew another node key: peers must be "
		    "told the new id");
	return rc;
}

static int
cmd_keygen(int argc, char **argv)
{
	uint8_t pk[KEY_PK_LEN];
	char err[1024], id[KEY_B64_LEN + 1], *path;
	int rc;

	(void)argv;
	if (argc != 0)
		usage(1);
	path = key_path(&conf);
	if (conf.key_file[0] == '\0' && mkdir_p(conf.state_dir) != RB_OK)
		fatal("%s", conf.state_dir);
	if ((rc = key_generate(path, pk, err, sizeof(err))) != RB_OK)
		fatalx("%s%s", err, rc == RB_EEXIST ?
		    " ('rebondctl id' prints the node id)" : "");
	open_store();
	if ((rc = store_write(store, do_self_key, pk)) != RB_OK)
		fatalx("keygen: the key is in %s but the store did not take "
		    "its id: %s", path, rb_strerror(rc));
	key_pubkey_b64(pk, id, sizeof(id));
	printf("%s\n", id);
	fprintf(stderr, "rebondctl: node key written to %s; give the id "
	    "above to the peers\n", path);
	free(path);
	return 0;
}

static int
cmd_id(int argc, char **argv)
{
	static const uint8_t zero[KEY_PK_LEN];
	struct store_txn *t;
	struct origin self;
	char id[KEY_B64_LEN + 1];
	int rc;

	(void)argv;
	if (argc != 0)
		usage(1);
	open_store();
	if ((t = store_read(store)) == NULL)
		fatalx("cannot read the store");
	rc = store_origin_get(t, 0, &self);
	store_read_end(store);
	if (rc != RB_OK)
		fatalx("id: %s", rb_strerror(rc));
	if (memcmp(self.key, zero, sizeof(zero)) == 0) {
		fprintf(stderr, "rebondctl: this node has no key yet: run "
		    "'rebondctl keygen' (or start rebond-sync)\n");
		return 1;
	}
	key_pubkey_b64(self.key, id, sizeof(id));
	printf("%s\n", id);
	return 0;
}

struct peer_args {
	const char	*name;
	uint8_t		 key[KEY_PK_LEN];
	int		 trust, share;
	const char	*why;
};

static int
do_peer_add(struct store_txn *t, void *arg)
{
	struct peer_args *a = arg;

	int rc;

	rc = peer_add(t, a->name, a->key, opt_url, a->trust, a->share,
	    &a->why);
	if (rc == RB_OK && opt_clients != NULL)
		rc = peer_set_clients(t, a->name, opt_clients, &a->why);
	return rc;
}

static int
do_peer_del(struct store_txn *t, void *arg)
{
	return peer_del(t, arg);
}

static int
print_peer(const struct peer *p, void *arg)
{
	char id[KEY_B64_LEN + 1], score[256];

	key_pubkey_b64(p->origin.key, id, sizeof(id));
	ctl_peer_score(arg, p->origin.id, score, sizeof(score));
	printf("%s trust=%s share=%s url=%s id=%s seq=%llu%s%s%s%s\n",
	    p->origin.name, trust_name(p->origin.trust),
	    p->flags & PEER_SHARE ? "yes" : "no", p->url, id,
	    (unsigned long long)p->origin.last_seq,
	    p->clients[0] ? " clients=" : "", p->clients, score,
	    p->origin.flags & ORIGIN_QUARANTINED ? " QUARANTINED" : "");
	return ferror(stdout) ? RB_ESYS : 0;
}

static int
cmd_peer(int argc, char **argv)
{
	struct peer_args a;
	struct store_txn *t;
	int rc;

	if (argc < 1)
		usage(1);
	memset(&a, 0, sizeof(a));
	if (strcmp(argv[0], "add") == 0) {
		if (argc != 2)
			usage(1);
		a.name = argv[1];
		if (!peer_name_valid(a.name))
			fatalx("peer add %s: a name is 1 to 63 of a-z 0-9 _ . - "
			    "(and not 'self')", a.name);
		if (opt_key == NULL || opt_url == NULL)
			fatalx("peer add %s: --key ID and --url URL are "
			    "required", a.name);
		if (key_pubkey_parse(opt_key, a.key) != RB_OK)
			fatalx("--key %s: expected a node id, the 44-character "
			    "base64 of a 32-byte public key ('rebondctl id' "
			    "on the peer)", opt_key);
		if (!peer_url_valid(opt_url))
			fatalx("--url %s: expected http://HOST[:PORT][/PATH] "
			    "or https://...", opt_url);
		a.trust = TRUST_OBSERVE;
		if (opt_trust && (a.trust = trust_parse(opt_trust)) < 0)
			fatalx("--trust %s: expected full, partial or observe",
			    opt_trust);
		if (opt_clients != NULL) {
			char norm[PEER_CLIENTS_MAX + 1];
			const char *why = "?";

			if (peer_clients_parse(opt_clients, norm, &why) !=
			    RB_OK)
				fatalx("--client %s: %s", opt_clients, why);
		}
		if (opt_share && strcmp(opt_share, "yes") == 0)
			a.share = 1;
		else if (opt_share && strcmp(opt_share, "no") != 0)
			fatalx("--share %s: expected yes or no", opt_share);
		open_store();
		if ((rc = store_write(store, do_peer_add, &a)) != RB_OK)
			fatalx("peer add %s: %s", a.name, a.why ? a.why :
			    rb_strerror(rc));
		return 0;
	}
	if (strcmp(argv[0], "del") == 0) {
		if (argc != 2)
			usage(1);
		open_store();
		rc = store_write(store, do_peer_del, argv[1]);
		if (rc == RB_ENOENT) {
			fprintf(stderr, "rebondctl: peer del: no peer named "
			    "'%s'\n", argv[1]);
			return 1;
		}
		if (rc != RB_OK)
			fatalx("peer del %s: %s", argv[1], rb_strerror(rc));
		return 0;
	}
	if (strcmp(argv[0], "list") == 0) {
		if (argc != 1)
			usage(1);
		open_store();
		if ((t = store_read(store)) == NULL)
			fatalx("cannot read the store");
		rc = peer_foreach(t, print_peer, t);
		store_read_end(store);
		if (rc < 0)
			fatalx("peer list: %s", rb_strerror(rc));
		return fflush(stdout) == 0 ? 0 : 1;
	}
	fprintf(stderr, "rebondctl: unknown peer command '%s' (add, list, "
	    "del)\n", argv[0]);
	usage(1);
	return 1;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "reason", required_argument, NULL, 'r' },
		{ "days", required_argument, NULL, 'D' },
		{ "scope", required_argument, NULL, 's' },
		{ "status", required_argument, NULL, 'S' },
		{ "by", required_argument, NULL, 'B' },
		{ "json", no_argument, NULL, 'J' },
		{ "key", required_argument, NULL, 'K' },
		{ "url", required_argument, NULL, 'U' },
		{ "trust", required_argument, NULL, 'T' },
		{ "share", required_argument, NULL, 'H' },
		{ "client", required_argument, NULL, 'L' },
		CHECKDOMAIN_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	const char *cpath = NULL, *dir = NULL, *cmd;
	int ch, rc;

	log_init("rebondctl", 1, LOG_LVL_WARN);
	while ((ch = getopt_long(argc, argv, "c:d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': cpath = optarg; break;
		case 'd': dir = optarg; break;
		case 'r': opt_reason = optarg; break;
		case 's': opt_scope = optarg; break;
		case 'S': opt_status = optarg; break;
		case 'B': opt_by = optarg; break;
		case 'J': opt_json = 1; break;
		case 'K': opt_key = optarg; break;
		case 'U': opt_url = optarg; break;
		case 'T': opt_trust = optarg; break;
		case 'H': opt_share = optarg; break;
		case 'L': {
			char *n;

			xasprintf(&n, "%s%s%s", opt_clients ? opt_clients : "",
			    opt_clients ? " " : "", optarg);
			free(opt_clients);
			opt_clients = n;
			break;
		}
		case 'D':
			if (parse_int(optarg, 0, 36500, &opt_days) != RB_OK)
				fatalx("--days %s: expected 0 to 36500",
				    optarg);
			break;
		case 'V':
			printf("rebondctl %s\n", PACKAGE_VERSION);
			return 0;
		case 'h': usage(0); break;
		default:
			if (checkdomain_option(ch, optarg) != 0)
				usage(1);
		}
	}
	if (optind >= argc)
		usage(1);
	cmd = argv[optind];
	argc -= optind + 1;
	argv += optind + 1;
	conf_setup(&conf, cpath, dir);
	if (strcmp(cmd, "add") == 0)
		rc = cmd_add(argc, argv);
	else if (strcmp(cmd, "del") == 0)
		rc = cmd_del(argc, argv);
	else if (strcmp(cmd, "lookup") == 0)
		rc = cmd_lookup(argc, argv);
	else if (strcmp(cmd, "explain") == 0)
		rc = cmd_explain(argc, argv);
	else if (strcmp(cmd, "list") == 0)
		rc = cmd_list(argc, argv);
	else if (strcmp(cmd, "import") == 0)
		rc = cmd_import(argc, argv);
	else if (strcmp(cmd, "export") == 0)
		rc = cmd_export(argc, argv);
	else if (strcmp(cmd, "classify") == 0)
		rc = cmd_classify(argc, argv);
	else if (strcmp(cmd, "stats") == 0)
		rc = ctl_stats(&conf, opt_by, opt_days, opt_json, argc, argv);
	else if (strcmp(cmd, "report") == 0)
		rc = ctl_report(&conf, opt_days, opt_json, argc, argv);
	else if (strcmp(cmd, "metrics") == 0)
		rc = ctl_metrics(argc, argv);
	else if (strcmp(cmd, "keygen") == 0)
		rc = cmd_keygen(argc, argv);
	else if (strcmp(cmd, "id") == 0)
		rc = cmd_id(argc, argv);
	else if (strcmp(cmd, "peer") == 0)
		rc = cmd_peer(argc, argv);
	else if (strcmp(cmd, "check-domain") == 0)
		rc = checkdomain_seen() ? ctl_check_seen(&conf, opt_days,
		    argc, argv, opt_json) : checkdomain_main(&conf, argc,
		    argv, opt_json);
	else if (strcmp(cmd, "config") == 0) {
		conf_dump(&conf, stdout);
		rc = 0;
	} else {
		fprintf(stderr, "rebondctl: unknown command '%s'\n", cmd);
		usage(1);
	}
	store_close(store);
	conf_free(&conf);
	return rc;
}

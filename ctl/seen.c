/*
 * ctl/seen.c - rebondctl check-domain --seen: the SPF, DKIM and DMARC
 * checks of checkdomain.c for every sender domain of the feeder's
 * counters, the busiest first, each at most once per [check-domain]
 * interval; the findings are kept in the store for rebondctl report.
 * No DNS storm: a domain is checked at most once a day by default, at
 * most max-domains a run, the answers (providers' SPF includes) are
 * shared by all the domains of a run, and queries are paced.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkdomain.h"
#include "ctl.h"
#include "log.h"
#include "util.h"

#define CD_KEY_PREFIX	"check:"

static int
decode(const void *v, size_t vlen, struct cd_result *r)
{
	const uint8_t *p = v;

	if (vlen < 12 || vlen - 12 >= sizeof(r->codes))
		return RB_ECORRUPT;
	r->when = (int64_t)be_get(p, 8);
	r->errors = (int)be_get(p + 8, 2);
	r->warnings = (int)be_get(p + 10, 2);
	memcpy(r->codes, p + 12, vlen - 12);
	r->codes[vlen - 12] = '\0';
	return RB_OK;
}

int
cd_result_get(struct store_txn *t, const char *domain, struct cd_result *r)
{
	char key[sizeof(CD_KEY_PREFIX) + DOMAIN_MAX];
	const void *v;
	size_t vlen;
	int rc, n;

	n = snprintf(key, sizeof(key), CD_KEY_PREFIX "%s", domain);
	if (n < 0 || (size_t)n >= sizeof(key))
		return RB_ENOENT;
	if ((rc = store_kv_get(t, KV_FEEDER, key, (size_t)n, &v, &vlen)) !=
	    RB_OK)
		return rc;
	return decode(v, vlen, r);
}

struct cd_each {
	cd_result_fn	 fn;
	void		*arg;
};

static int
cd_each_one(const void *k, size_t klen, const void *v, size_t vlen,
    void *arg)
{
	struct cd_each *e = arg;
	struct cd_result r;
	char dom[DOMAIN_MAX + 1];
	size_t plen = strlen(CD_KEY_PREFIX);

	if (klen <= plen || klen - plen > DOMAIN_MAX ||
	    decode(v, vlen, &r) != RB_OK)
		return 0;
	memcpy(dom, (const char *)k + plen, klen - plen);
	dom[klen - plen] = '\0';
	return e->fn(dom, &r, e->arg);
}

int
cd_result_foreach(struct store_txn *t, cd_result_fn fn, void *arg)
{
	struct cd_each e = { fn, arg };

	return store_kv_foreach(t, KV_FEEDER, CD_KEY_PREFIX,
	    strlen(CD_KEY_PREFIX), cd_each_one, &e);
}

struct cd_put {
	const char	*domain;
	uint8_t		 v[12 + CD_CODES_MAX];
	size_t		 vlen;
};

static int
cd_put_txn(struct store_txn *t, void *arg)
{
	struct cd_put *p = arg;
	char key[sizeof(CD_KEY_PREFIX) + DOMAIN_MAX];
	int n = snprintf(key, sizeof(key), CD_KEY_PREFIX "%s", p->domain);

	return store_kv_put(t, KV_FEEDER, key, (size_t)n, p->v, p->vlen);
}

static int
cd_store(struct store *s, const char *domain, const struct cd_result *r)
{
	struct cd_put p;
	size_t n = strlen(r->codes);

	p.domain = domain;
	be_put(p.v, (uint64_t)r->when, 8);
	be_put(p.v + 8, (uint64_t)(r->errors > 65535 ? 65535 : r->errors), 2);
	be_put(p.v + 10, (uint64_t)(r->warnings > 65535 ? 65535 :
	    r->warnings), 2);
	memcpy(p.v + 12, r->codes, n);
	p.vlen = 12 + n;
	return store_write(s, cd_put_txn, &p);
}

/* The sender domains of the counters over the window, busiest first. */
static int
by_volume(const void *a, const void *b)
{
	const struct crow *x = a, *y = b;

	if (x->sent != y->sent)
		return x->sent < y->sent ? 1 : -1;
	return strcmp(x->key, y->key);
}

int
ctl_check_seen(const struct conf *c, int64_t days, int argc, char **argv,
    int json)
{
	struct store *s;
	struct store_txn *t;
	struct crows dom;
	struct cd_result r, old;
	struct cd *cd;
	uint32_t from, to;
	int64_t now = rb_now();
	size_t i;
	int checked = 0, skipped = 0, failed = 0, witherr = 0, first = 1, rc;

	(void)argv;
	if (argc != 0) {
		fprintf(stderr, "rebondctl: check-domain: --seen takes no "
		    "domain\n");
		return 2;
	}
	if ((cd = cd_new(c, &rc)) == NULL)
		return rc;
	s = ctl_store();
	window_days(days > 0 ? days : 7, &from, &to);
	if ((t = store_read(s)) == NULL)
		fatalx("cannot read the store");
	if ((rc = crows_collect(t, CNT_SDOM, from, to, &dom)) < 0)
		fatalx("check-domain: %s", rb_strerror(rc));
	store_read_end(s);
	if (dom.n > 1)
		qsort(dom.v, dom.n, sizeof(*dom.v), by_volume);
	if (cd_relays(cd) == 0)
		fprintf(stderr, "rebondctl: check-domain: no relay address "
		    "([check-domain] relay-ips or --relay-ip): SPF is not "
		    "checked against this relay\n");
	if (json)
		printf("[");
	for (i = 0; i < dom.n; i++) {
		const char *d = dom.v[i].key;

		if (dom.v[i].sent == 0)
			continue;	/* only deferred: not sent yet */
		if ((t = store_read(s)) == NULL)
			fatalx("cannot read the store");
		rc = cd_result_get(t, d, &old);
		store_read_end(s);
		if ((rc == RB_OK && !checkdomain_force() && now - old.when <
		    c->check_interval) ||
		    checked + failed >= c->check_max_domains) {
			skipped++;
			continue;
		}
		if ((rc = cd_check(cd, d)) == -2) {
			cd_free(cd);
			crows_free(&dom);
			return 2;
		}
		if (rc < 0) {
			failed++;
			continue;
		}
		checked++;
		cd_summary(cd, &r);
		r.when = now;
		witherr += r.errors > 0;
		if ((rc = cd_store(s, d, &r)) != RB_OK)
			fatalx("check-domain: %s: %s", d, rb_strerror(rc));
		if (json) {
			printf("%s\n", first ? "" : ",");
			cd_print(cd, 1);
		} else
			printf("%s: %d error%s, %d warning%s%s%s\n", d,
			    r.errors, r.errors == 1 ? "" : "s", r.warnings,
			    r.warnings == 1 ? "" : "s", r.codes[0] ? ": " : "",
			    r.codes);
		first = 0;
	}
	crows_free(&dom);
	cd_free(cd);
	if (json)
		printf("]\n");
	else
		printf("%d checked, %d with errors, %d skipped (checked less "
		    "than %lldh ago, or over max-domains), %d without DNS "
		    "answer; rebondctl check-domain DOMAIN for details\n",
		    checked, witherr, skipped,
		    (long long)(c->check_interval / 3600), failed);
	if (fflush(stdout) != 0)
		return 2;
	if (failed > 0 && checked == 0)
		return 2;
	return witherr ? 1 : 0;
}

/*
 * ctl/report.c - rebondctl report: what happened on this node over the
 * last days, for cron to mail to the admins (in the spirit of
 * pflogsumm): node rates against the policy's thresholds, listings
 * started and ended, the senders listed and why, the recipient domains
 * that bounce most (typos stand out), IP blocks per receiving domain
 * and the peers.  Plain text in 72 columns, or --json.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer.h"
#include "checkdomain.h"
#include "ctl.h"
#include "log.h"
#include "util.h"

#define TOP_DOMAINS	10
#define TOP_BLOCKS	20
#define TOP_SENDERS	30	/* in the text; --json has them all */

/* Big mailbox providers: a domain a letter or two away from one of
 * these, where nothing was ever delivered, is likely a typo. */
static const char *const providers[] = {
	"gmail.com", "googlemail.com", "hotmail.com", "hotmail.fr",
	"outlook.com", "outlook.fr", "live.com", "live.fr", "msn.com",
	"yahoo.com", "yahoo.fr", "aol.com", "icloud.com", "me.com",
	"orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net",
	"bbox.fr", "neuf.fr", "gmx.de", "gmx.fr", "gmx.net", "web.de",
	"protonmail.com", "proton.me", "yandex.ru", "mail.ru", "skynet.be",
	"bluewin.ch", "riseup.net", "posteo.de", "tutanota.com"
};

/* Optimal string alignment distance, at most 3 (3 meaning "3 or more"). */
static int
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int d[3][66];	/* three rows of a short string */

	if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > 2)
		return 3;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++) {
		int *cur = d[i % 3], *prev = d[(i - 1) % 3],
		    *pp = d[(i + 1) % 3];

		cur[0] = (int)i;
		for (j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1], v = prev[j] + 1;

			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
		}
	}
	return d[la % 3][lb] < 3 ? d[la % 3][lb] : 3;
}

static const char *
typo_of(const char *dom)
{
	size_t i;

	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (strcmp(dom, providers[i]) == 0)
			return NULL;
	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (distance(dom, providers[i]) <= 2)
			return providers[i];
	return NULL;
}

/* --- what the report gathers --- */

struct named_hash {
	uint8_t		h[HASH_LEN];
	size_t		row;
};

struct sender_item {
	int			zone;
	char			key[ADDR_MAX + 1];	/* clear or hex hash */
	int			named;			/* key in clear */
	struct listing		l;
	uint64_t		w[EV_CLASS_COUNT];	/* sender window */
	uint64_t		today, before;		/* volume */
};

struct checked {
	char			domain[DOMAIN_MAX + 1];
	struct cd_result	r;
};

struct report {
	const struct conf	*conf;
	struct store_txn	*t;
	int64_t			 now, days;
	uint32_t		 from, to, today;
	uint64_t		 node[EV_CLASS_COUNT];
	struct trend		 trend;
	struct listing_counts	 lc;
	struct crows		 rdom;
	size_t			*bouncing, nbouncing;	/* into rdom */
	size_t			*blocked, nblocked;
	struct crows		 sndr;			/* to name hashes */
	struct crows		 auth, sdom;	/* authentication refusals */
	size_t			*authv, nauth;
	struct named_hash	*hashes;		/* of sndr, sorted */
	struct sender_item	*snd;
	size_t			 nsnd;
	struct peer		*peers;
	size_t			 npeers;
	char			(*scores)[256];	/* " score=..." or "" */
	struct crows		 xfrom;		/* CNT_FROM */
	size_t			*fromv, nfrom;	/* foreign From: domains */
	struct checked		*checks;	/* check-domain --seen */
	size_t			 nchecks, nclean;
};

static int
node_add(const uint8_t *key, size_t klen, uint32_t day,
    const uint64_t c[EV_CLASS_COUNT], void *arg)
{
	uint64_t *sum = arg;
	int i;

	(void)key;
	(void)klen;
	(void)day;
	for (i = 0; i < EV_CLASS_COUNT; i++)
		sum[i] += c[i];
	return 0;
}

static int
sum_key(struct store_txn *t, int kind, const char *key, uint32_t from,
    uint32_t to, uint64_t *sum)
{
	memset(sum, 0, sizeof(uint64_t) * EV_CLASS_COUNT);
	if (from > to)
		return RB_OK;
	return counters_key(t, kind, key, strlen(key), from, to, node_add,
	    sum);
}

static uint32_t
day_minus(uint32_t day, uint32_t n)
{
	return day > n ? day - n : 0;
}

static uint64_t
volume(const uint64_t c[EV_CLASS_COUNT])
{
	/* The feeder's measure of volume: deferrals count too. */
	return counts_sent(c) + c[EV_DEFERRED_TEMPORARY];
}

static int
hash_cmp(const void *a, const void *b)
{
	return memcmp(((const struct named_hash *)a)->h,
	    ((const struct named_hash *)b)->h, HASH_LEN);
}

/* Name a hashed sender from the senders the counters know. */
static int
name_sender(const struct report *r, const struct zkey *k, char *out,
    size_t len)
{
	struct named_hash key, *f;

	memcpy(key.h, k->data, HASH_LEN);
	if ((f = bsearch(&key, r->hashes, r->sndr.n, sizeof(*r->hashes),
	    hash_cmp)) == NULL)
		return 0;
	snprintf(out, len, "%s", r->sndr.v[f->row].key);
	return 1;
}

static int
sender_listing(const struct zkey *k, const struct listing *cl, void *arg)
{
	struct report *r = arg;
	struct sender_item *it;
	struct listing l = *cl;
	uint32_t wdays = (uint32_t)(r->conf->sender_window / 86400);
	uint64_t c[EV_CLASS_COUNT];
	int kind = k->zone == ZONE_SNDR ? CNT_SNDR : CNT_SDOM, rc;

	if (listing_active(&l, r->now) == 0)
		return 0;
	r->snd = xrealloc(r->snd, (r->nsnd + 1) * sizeof(*r->snd));
	it = &r->snd[r->nsnd++];
	memset(it, 0, sizeof(*it));
	it->zone = k->zone;
	it->l = l;
	if (k->zone == ZONE_SNDR)
		it->named = name_sender(r, k, it->key, sizeof(it->key));
	else
		it->named = 1;
	if (!it->named || k->zone == ZONE_SDOM)
		zkey_to_text(k, it->key, sizeof(it->key));
	if (!it->named)
		return 0;
	if (wdays < 1)
		wdays = 1;
	/* The figures the feeder's rules read: the sender window ending
	 * today, and today against the days before. */
	if ((rc = sum_key(r->t, kind, it->key, day_minus(r->today + 1, wdays),
	    r->today, it->w)) < 0 ||
	    (rc = sum_key(r->t, kind, it->key, r->today, r->today, c)) < 0)
		return rc;
	it->today = volume(c);
	if ((rc = sum_key(r->t, kind, it->key, day_minus(r->today, wdays),
	    day_minus(r->today, 1), c)) < 0)
		return rc;
	it->before = volume(c) / wdays;
	return 0;
}

/* " score=7d:sent:N,hard:X%,..." from the score the peer published
 * (rebond-sync keeps it, sync/syncd.h), or "" if none yet. */
void
ctl_peer_score(struct store_txn *t, uint32_t id, char *buf, size_t len)
{
	uint8_t k[5];
	const void *v;
	size_t vlen, off;
	char text[1025], *line, *save;
	unsigned long long n[EV_CLASS_COUNT] = { 0 }, sent;
	int days = 0, cls;

	buf[0] = '\0';
	k[0] = 'S';
	be_put(k + 1, id, 4);
	if (store_kv_get(t, KV_SYNC, k, sizeof(k), &v, &vlen) != RB_OK ||
	    vlen < 8 || vlen - 8 >= sizeof(text))
		return;
	memcpy(text, (const uint8_t *)v + 8, vlen - 8);
	text[vlen - 8] = '\0';
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char name[32];
		unsigned long long c;

		if (sscanf(line, "days %d", &days) == 1)
			continue;
		if (sscanf(line, "%31s %llu", name, &c) == 2 &&
		    (cls = ev_class_parse(name)) >= 0)
			n[cls] = c;
	}
	sent = n[EV_DELIVERED] + n[EV_HARD] + n[EV_SOFT] +
	    n[EV_MESSAGE_REJECTED] + n[EV_IP_BLOCKED];
	off = (size_t)snprintf(buf, len, " score=%dd:sent:%llu", days, sent);
	if (sent > 0 && off < len)
		snprintf(buf + off, len - off, ",hard:%.1f%%,soft:%.1f%%,"
		    "refused:%.1f%%,ip_blocked:%.1f%%,complaint:%.2f%%",
		    100.0 * n[EV_HARD] / sent, 100.0 * n[EV_SOFT] / sent,
		    100.0 * n[EV_MESSAGE_REJECTED] / sent,
		    100.0 * n[EV_IP_BLOCKED] / sent,
		    100.0 * n[EV_COMPLAINT] / sent);
}

static int
peer_add_item(const struct peer *p, void *arg)
{
	struct report *r = arg;

	r->peers = xrealloc(r->peers, (r->npeers + 1) * sizeof(*r->peers));
	r->scores = xrealloc(r->scores, (r->npeers + 1) *
	    sizeof(*r->scores));
	ctl_peer_score(r->t, p->origin.id, r->scores[r->npeers],
	    sizeof(r->scores[r->npeers]));
	r->peers[r->npeers++] = *p;
	return 0;
}

static const struct report *sort_r;

static int64_t
latest(const struct listing *l)
{
	int64_t t = 0;
	int i;

	for (i = 0; i < l->n; i++)
		if (l->r[i].last > t)
			t = l->r[i].last;
	return t;
}

/* Senders seen most recently first, then by key. */
static int
by_recent(const void *a, const void *b)
{
	const struct sender_item *x = a, *y = b;
	int64_t tx = latest(&x->l), ty = latest(&y->l);

	if (tx != ty)
		return tx < ty ? 1 : -1;
	if (x->zone != y->zone)
		return x->zone == ZONE_SNDR ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int
by_bounces(const void *a, const void *b)
{
	const struct crow *x = &sort_r->rdom.v[*(const size_t *)a];
	const struct crow *y = &sort_r->rdom.v[*(const size_t *)b];
	uint64_t bx = x->c[EV_HARD] + x->c[EV_SOFT];
	uint64_t by = y->c[EV_HARD] + y->c[EV_SOFT];

	if (bx != by)
		return bx < by ? 1 : -1;
	if (x->bounce != y->bounce)
		return x->bounce < y->bounce ? 1 : -1;
	return strcmp(x->key, y->key);
}

static int
by_blocks(const void *a, const void *b)
{
	const struct crow *x = &sort_r->rdom.v[*(const size_t *)a];
	const struct crow *y = &sort_r->rdom.v[*(const size_t *)b];

	if (x->c[EV_IP_BLOCKED] != y->c[EV_IP_BLOCKED])
		return x->c[EV_IP_BLOCKED] < y->c[EV_IP_BLOCKED] ? 1 : -1;
	return strcmp(x->key, y->key);
}

static int
by_auth(const void *a, const void *b)
{
	const struct crow *x = &sort_r->auth.v[*(const size_t *)a];
	const struct crow *y = &sort_r->auth.v[*(const size_t *)b];
	uint64_t nx = x->c[EV_MESSAGE_REJECTED], ny = y->c[EV_MESSAGE_REJECTED];

	if (nx != ny)
		return nx < ny ? 1 : -1;
	return strcmp(x->key, y->key);
}

static int
check_add(const char *domain, const struct cd_result *res, void *arg)
{
	struct report *r = arg;
	struct checked *c;

	if (res->errors + res->warnings == 0)
		r->nclean++;
	r->checks = xrealloc(r->checks, (r->nchecks + 1) *
	    sizeof(*r->checks));
	c = &r->checks[r->nchecks++];
	snprintf(c->domain, sizeof(c->domain), "%s", domain);
	c->r = *res;
	return 0;
}

/* Errors first, then warnings, then by name. */
static int
by_findings(const void *a, const void *b)
{
	const struct checked *x = a, *y = b;

	if (x->r.errors != y->r.errors)
		return x->r.errors < y->r.errors ? 1 : -1;
	if (x->r.warnings != y->r.warnings)
		return x->r.warnings < y->r.warnings ? 1 : -1;
	return strcmp(x->domain, y->domain);
}

/* A CNT_FROM row ("sender<TAB>domain") whose From: domain is none of
 * this relay's sender domains: the web-form mistake.  (A From: of
 * another of our domains is the sender's own business.) */
static int
foreign_from(const struct report *r, const struct crow *c)
{
	const char *tab = strchr(c->key, '\t');
	size_t i;

	if (tab == NULL)
		return 0;
	for (i = 0; i < r->sdom.n; i++)
		if (strcmp(r->sdom.v[i].key, tab + 1) == 0 &&
		    r->sdom.v[i].sent > 0)
			return 0;
	return 1;
}

static uint64_t
messages(const struct crow *c)
{
	return c->sent + c->c[EV_DEFERRED_TEMPORARY];
}

static int
by_from(const void *a, const void *b)
{
	const struct crow *x = &sort_r->xfrom.v[*(const size_t *)a];
	const struct crow *y = &sort_r->xfrom.v[*(const size_t *)b];

	if (x->c[EV_MESSAGE_REJECTED] != y->c[EV_MESSAGE_REJECTED])
		return x->c[EV_MESSAGE_REJECTED] < y->c[EV_MESSAGE_REJECTED] ?
		    1 : -1;
	if (messages(x) != messages(y))
		return messages(x) < messages(y) ? 1 : -1;
	return strcmp(x->key, y->key);
}

static void
gather(struct report *r)
{
	struct crows x;
	uint32_t wdays = (uint32_t)(r->conf->sender_window / 86400);
	uint32_t nfrom;
	size_t i;
	int rc, z;

	if ((rc = counters_walk(r->t, CNT_NODE, r->from, r->to, node_add,
	    r->node)) < 0 ||
	    (rc = trend_read(r->t, CNT_NODE, "", 0, r->from, r->to,
	    &r->trend)) < 0 ||
	    (rc = store_listing_counts(r->t, r->now, r->from, r->to,
	    &r->lc)) < 0 ||
	    (rc = crows_collect(r->t, CNT_RDOM, r->from, r->to, &r->rdom)) < 0)
		fatalx("report: %s", rb_strerror(rc));
	r->bouncing = xcalloc(r->rdom.n + 1, sizeof(size_t));
	r->blocked = xcalloc(r->rdom.n + 1, sizeof(size_t));
	for (i = 0; i < r->rdom.n; i++) {
		const struct crow *c = &r->rdom.v[i];

		if (c->c[EV_HARD] + c->c[EV_SOFT] > 0)
			r->bouncing[r->nbouncing++] = i;
		if (c->c[EV_IP_BLOCKED] > 0)
			r->blocked[r->nblocked++] = i;
	}
	sort_r = r;
	qsort(r->bouncing, r->nbouncing, sizeof(size_t), by_bounces);
	qsort(r->blocked, r->nblocked, sizeof(size_t), by_blocks);
	if (r->nbouncing > TOP_DOMAINS)
		r->nbouncing = TOP_DOMAINS;
	if (r->nblocked > TOP_BLOCKS)
		r->nblocked = TOP_BLOCKS;

	/* Senders in clear over the sender window or the report's, the
	 * longer: the listed hashes are named from them. */
	nfrom = wdays + 1 > r->days ? day_minus(r->today, wdays) : r->from;
	if ((rc = crows_collect(r->t, CNT_SNDR, nfrom, r->to, &x)) < 0)
		fatalx("report: %s", rb_strerror(rc));
	r->sndr = x;
	r->hashes = xcalloc(x.n + 1, sizeof(*r->hashes));
	for (i = 0; i < x.n; i++) {
		addr_hash(x.v[i].key, x.v[i].klen, r->hashes[i].h);
		r->hashes[i].row = i;
	}
	qsort(r->hashes, x.n, sizeof(*r->hashes), hash_cmp);
	for (z = ZONE_SDOM; z <= ZONE_SNDR; z++)
		if ((rc = store_listing_foreach(r->t, z, sender_listing,
		    r)) < 0)
			fatalx("report: %s", rb_strerror(rc));
	if (r->nsnd > 1)
		qsort(r->snd, r->nsnd, sizeof(*r->snd), by_recent);
	if ((rc = peer_foreach(r->t, peer_add_item, r)) < 0)
		fatalx("report: %s", rb_strerror(rc));
	if ((rc = crows_collect(r->t, CNT_AUTH, r->from, r->to, &r->auth)) <
	    0 || (rc = crows_collect(r->t, CNT_SDOM, r->from, r->to,
	    &r->sdom)) < 0)
		fatalx("report: %s", rb_strerror(rc));
	r->authv = xcalloc(r->auth.n + 1, sizeof(size_t));
	for (i = 0; i < r->auth.n; i++)
		if (r->auth.v[i].c[EV_MESSAGE_REJECTED] > 0)
			r->authv[r->nauth++] = i;
	qsort(r->authv, r->nauth, sizeof(size_t), by_auth);
	if (r->nauth > TOP_DOMAINS)
		r->nauth = TOP_DOMAINS;
	if ((rc = crows_collect(r->t, CNT_FROM, r->from, r->to, &r->xfrom)) <
	    0)
		fatalx("report: %s", rb_strerror(rc));
	r->fromv = xcalloc(r->xfrom.n + 1, sizeof(size_t));
	for (i = 0; i < r->xfrom.n; i++)
		if (foreign_from(r, &r->xfrom.v[i]))
			r->fromv[r->nfrom++] = i;
	qsort(r->fromv, r->nfrom, sizeof(size_t), by_from);
	if ((rc = cd_result_foreach(r->t, check_add, r)) < 0)
		fatalx("report: %s", rb_strerror(rc));
	if (r->nchecks > 1)
		qsort(r->checks, r->nchecks, sizeof(*r->checks), by_findings);
}

/* The kept check of domain, or NULL. */
static const struct checked *
checked_of(const struct report *r, const char *domain)
{
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		if (strcmp(r->checks[i].domain, domain) == 0)
			return &r->checks[i];
	return NULL;
}

/* Mail of the sender domain key in the window (its CNT_SDOM row). */
static uint64_t
sdom_sent(const struct report *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->sdom.n; i++)
		if (strcmp(r->sdom.v[i].key, key) == 0)
			return r->sdom.v[i].sent;
	return 0;
}

/* --- text --- */

static void
section(const char *title)
{
	size_t i, n = strlen(title);

	printf("\n%s\n", title);
	for (i = 0; i < n; i++)
		putchar('-');
	putchar('\n');
}

static double
pct(uint64_t n, uint64_t of)
{
	return of ? 100.0 * (double)n / (double)of : 0;
}

static void
rate_line(const char *what, uint64_t n, uint64_t sent, int64_t limit_ppm)
{
	printf("  %-26s %9llu %7.2f%%", what, (unsigned long long)n,
	    pct(n, sent));
	if (limit_ppm > 0)
		printf("  limit %6.2f%%  %s", (double)limit_ppm / 10000,
		    (uint64_t)n * 1000000 >= (uint64_t)limit_ppm * sent &&
		    n > 0 ? "OVER" : "ok");
	putchar('\n');
}

static void
text_node(const struct report *r)
{
	const struct conf *c = r->conf;
	const uint64_t *n = r->node;
	uint64_t sent = counts_sent(n);
	char spark[3 * TREND_MAX + 1], d0[16], d1[16];

	section("Node totals");
	printf("  %-26s %9llu\n", "outcomes with a verdict",
	    (unsigned long long)sent);
	printf("  %-26s %9llu %7.2f%%\n", "delivered",
	    (unsigned long long)n[EV_DELIVERED], pct(n[EV_DELIVERED], sent));
	rate_line("hard bounces", n[EV_HARD], sent, c->sender_hard_rate);
	rate_line("soft bounces", n[EV_SOFT], sent, 0);
	rate_line("refused (spam, policy)", n[EV_MESSAGE_REJECTED], sent,
	    c->sender_refused_rate);
	rate_line("relay IP blocked", n[EV_IP_BLOCKED], sent, 0);
	rate_line("complaints", n[EV_COMPLAINT], sent,
	    c->sender_complaint_rate);
	printf("  %-26s %9llu\n", "deferred (temporary)",
	    (unsigned long long)n[EV_DEFERRED_TEMPORARY]);
	printf("  %-26s %9llu\n", "stopped by our lists",
	    (unsigned long long)n[EV_BLOCKED_BY_LIST]);
	printf("  %-26s %9s %7.2f%%\n", "bounce rate (hard + soft)", "",
	    pct(n[EV_HARD] + n[EV_SOFT], sent));
	printf("  %-26s %9s %7.2f%%\n", "bad rate", "",
	    pct(counts_bad(n), sent));
	if (r->days > 1) {
		trend_spark(&r->trend, spark, sizeof(spark));
		fmt_day(r->trend.first, d0, sizeof(d0));
		fmt_day(r->to, d1, sizeof(d1));
		printf("  bad rate per %s: %s\n", r->trend.per > 1 ?
		    "point" : "day", spark);
		printf("  (%s to %s%s)\n", d0, d1, r->trend.per > 1 ?
		    ", several days a point" : "");
	}
	printf("  Bad: bounced, refused, IP-blocked, complained of.  Limits: "
	    "the\n  [policy] sender rates of rebond.conf.\n");
}

static void
text_listings(const struct report *r)
{
	static const char *const what[ZONE_COUNT] = {
		"recipients", "recipient domains", "sender domains", "senders"
	};
	char when[24];
	int z;

	section("Listings");
	printf("  %-24s %10s %9s %9s %9s\n", "zone", "listed now", "new",
	    "delisted", "expired");
	for (z = 0; z < ZONE_COUNT; z++) {
		printf("  %-4s %-19s %10llu", zone_name(z), what[z],
		    (unsigned long long)r->lc.keys[z]);
		if (r->lc.since)
			printf(" %9llu %9llu %9llu\n",
			    (unsigned long long)r->lc.listed[z],
			    (unsigned long long)r->lc.delisted[z],
			    (unsigned long long)r->lc.expired_in[z]);
		else
			printf(" %9s %9s %9llu\n", "?", "?",
			    (unsigned long long)r->lc.expired_in[z]);
	}
	if (r->lc.since == 0)
		printf("  New and delisted: not counted in this store yet "
		    "(opened\n  read-only since an upgrade).\n");
	else if (r->lc.since > (int64_t)r->from * 86400) {
		fmt_time(r->lc.since, when, sizeof(when));
		printf("  New and delisted counted since %s.\n", when);
	}
}

/* What the feeder's rule read for reason code, in a line or two. */
static void
text_evidence(const struct report *r, const struct sender_item *it, int code)
{
	const struct conf *c = r->conf;
	uint64_t sent = counts_sent(it->w);
	int wd = (int)(c->sender_window / 86400);

	switch (code) {
	case REASON_2:
		printf("      last %dd: %llu hard bounces of %llu sent "
		    "(%.1f%%; limit %.1f%%)\n", wd, (unsigned long long)it->w[EV_HARD],
		    (unsigned long long)sent, pct(it->w[EV_HARD], sent),
		    (double)c->sender_hard_rate / 10000);
		break;
	case REASON_3:
		printf("      last %dd: %llu complaints for %llu sent (%.1f%%; "
		    "limit %.1f%%)\n", wd,
		    (unsigned long long)it->w[EV_COMPLAINT],
		    (unsigned long long)sent, pct(it->w[EV_COMPLAINT], sent),
		    (double)c->sender_complaint_rate / 10000);
		break;
	case REASON_4:
	case REASON_OPERATOR:
		printf("      today %llu sent, %llu a day in the %dd before "
		    "(limit x%lld)\n", (unsigned long long)it->today,
		    (unsigned long long)it->before, wd,
		    (long long)c->sender_volume_factor);
		break;
	case REASON_5:
		printf("      last %dd: %llu sends to listed recipients (limit "
		    "%lld)\n", wd,
		    (unsigned long long)it->w[EV_BLOCKED_BY_LIST],
		    (long long)c->sender_listed_sends);
		break;
	case REASON_6:
		printf("      last %dd: %llu refused as spam/policy of %llu "
		    "sent (%.1f%%; limit %.1f%%)\n", wd,
		    (unsigned long long)it->w[EV_MESSAGE_REJECTED],
		    (unsigned long long)sent,
		    pct(it->w[EV_MESSAGE_REJECTED], sent),
		    (double)c->sender_refused_rate / 10000);
		break;
	}
}

static void
text_senders(const struct report *r)
{
	size_t i;
	int j;

	section("Senders throttled, held or refused");
	if (r->nsnd == 0) {
		printf("  none\n");
		return;
	}
	for (i = 0; i < r->nsnd && i < TOP_SENDERS; i++) {
		const struct sender_item *it = &r->snd[i];

		printf("  %s\n", it->key);
		for (j = 0; j < it->l.n; j++) {
			const struct listing_reason *lr = &it->l.r[j];
			char first[24], last[24], exp[24];

			fmt_time(lr->first, first, sizeof(first));
			fmt_time(lr->last, last, sizeof(last));
			if (lr->expires)
				fmt_time(lr->expires, exp, sizeof(exp));
			else
				snprintf(exp, sizeof(exp), "never");
			printf("    %s 127.0.0.%u %s\n", zone_name(it->zone),
			    lr->reason, reason_text(it->zone, lr->reason));
			printf("      since %s, last %s, by %u relay%s\n",
			    first, last, lr->nrelays, lr->nrelays == 1 ? "" :
			    "s");
			printf("      expires %s\n", exp);
			if (it->named)
				text_evidence(r, it, lr->reason);
		}
		if (!it->named)
			printf("    (address not in the counters of the "
			    "window)\n");
		printf("    rebondctl explain %s\n", it->key);
	}
	if (r->nsnd > TOP_SENDERS)
		printf("  and %zu more, seen longer ago: rebondctl list sndr, "
		    "list sdom\n", r->nsnd - TOP_SENDERS);
}

static void
domain_notes(const struct report *r, const struct crow *c, int json)
{
	struct zkey k;
	struct listing l;
	const char *typo = NULL;
	int all_failed = c->c[EV_DELIVERED] == 0 && c->sent > 0 &&
	    c->c[EV_HARD] + c->c[EV_SOFT] == c->sent;
	int gone = 0, i;

	if (zkey_from_text(ZONE_RDOM, c->key, &k) == RB_OK &&
	    store_listing_get(r->t, &k, &l) == RB_OK &&
	    listing_active(&l, r->now) > 0)
		for (i = 0; i < l.n; i++)
			if (l.r[i].reason == REASON_2)
				gone = 1;
	if (all_failed && c->c[EV_HARD] > 0)
		typo = typo_of(c->key);
	if (json) {
		printf(", \"all_failed\": %s, \"no_such_domain\": %s, "
		    "\"typo_of\": ", all_failed ? "true" : "false",
		    gone ? "true" : "false");
		if (typo)
			json_str(typo);
		else
			printf("null");
		return;
	}
	if (!all_failed && !gone && !typo)
		return;
	printf("    %s%s%s%s%s%s%s\n",
	    all_failed ? "every delivery failed" : "",
	    all_failed && gone ? "; " : "",
	    gone ? "listed: no such domain" : "",
	    typo && (all_failed || gone) ? "; " : "",
	    typo ? "typo of " : "", typo ? typo : "", typo ? "?" : "");
}

static void
text_domains(const struct report *r)
{
	size_t i;

	section("Top bouncing recipient domains");
	if (r->nbouncing == 0) {
		printf("  none\n");
		return;
	}
	printf("  %-32s %7s %6s %6s %6s %7s\n", "domain", "sent", "deliv",
	    "hard", "soft", "bounce");
	for (i = 0; i < r->nbouncing; i++) {
		const struct crow *c = &r->rdom.v[r->bouncing[i]];

		printf("  %-32s %7llu %6llu %6llu %6llu %6.1f%%\n", c->key,
		    (unsigned long long)c->sent,
		    (unsigned long long)c->c[EV_DELIVERED],
		    (unsigned long long)c->c[EV_HARD],
		    (unsigned long long)c->c[EV_SOFT], 100 * c->bounce);
		domain_notes(r, c, 0);
	}
}

static void
text_blocks(const struct report *r)
{
	size_t i;

	section("IP blocks by receiving domain (the relay's reputation)");
	if (r->nblocked == 0) {
		printf("  none\n");
		return;
	}
	printf("  %-32s %7s %7s %7s %7s\n", "domain", "sent", "ipblk",
	    "refused", "rate");
	for (i = 0; i < r->nblocked; i++) {
		const struct crow *c = &r->rdom.v[r->blocked[i]];

		printf("  %-32s %7llu %7llu %7llu %6.1f%%\n", c->key,
		    (unsigned long long)c->sent,
		    (unsigned long long)c->c[EV_IP_BLOCKED],
		    (unsigned long long)c->c[EV_MESSAGE_REJECTED],
		    pct(c->c[EV_IP_BLOCKED], c->sent));
	}
}

static void
text_auth(const struct report *r)
{
	const struct checked *k;
	size_t i;

	section("Sender domains refused for authentication (SPF, DKIM, "
	    "DMARC)");
	if (r->nauth == 0) {
		printf("  none\n");
		return;
	}
	printf("  %-32s %7s %7s %7s\n", "domain", "sent", "refused", "rate");
	for (i = 0; i < r->nauth; i++) {
		const struct crow *c = &r->auth.v[r->authv[i]];
		uint64_t sent = sdom_sent(r, c->key);

		printf("  %-32s %7llu %7llu %6.1f%%\n", c->key,
		    (unsigned long long)sent,
		    (unsigned long long)c->c[EV_MESSAGE_REJECTED],
		    pct(c->c[EV_MESSAGE_REJECTED], sent));
		if ((k = checked_of(r, c->key)) != NULL)
			printf("    last check: %d error%s, %d warning%s%s%s\n",
			    k->r.errors, k->r.errors == 1 ? "" : "s",
			    k->r.warnings, k->r.warnings == 1 ? "" : "s",
			    k->r.codes[0] ? ": " : "", k->r.codes);
		printf("    check: rebondctl check-domain %s --relay-ip "
		    "<this relay's address>\n", c->key);
	}
}

static void
text_from(const struct report *r)
{
	char sender[ADDR_MAX + 1];
	const char *dom, *env;
	size_t i;

	section("Senders writing From: a domain not theirs (web forms)");
	if (r->nfrom == 0) {
		printf("  none seen (Postfix logs From: with header_checks, "
		    "Exim with\n  the logwrite of contrib/exim; DMARC refusals "
		    "name it too)\n");
		return;
	}
	for (i = 0; i < r->nfrom && i < TOP_SENDERS; i++) {
		const struct crow *c = &r->xfrom.v[r->fromv[i]];

		snprintf(sender, sizeof(sender), "%s", c->key);
		*strchr(sender, '\t') = '\0';
		dom = strchr(c->key, '\t') + 1;
		env = strchr(sender, '@') ? strchr(sender, '@') + 1 : sender;
		printf("  %s wrote as From: ...@%s\n", sender, dom);
		printf("    %llu messages, %llu refused (DMARC of %s fails "
		    "through this relay)\n",
		    (unsigned long long)messages(c),
		    (unsigned long long)c->c[EV_MESSAGE_REJECTED], dom);
		printf("    fix: From: an address of %s, the visitor's address "
		    "in Reply-To:\n", env);
	}
	if (r->nfrom > TOP_SENDERS)
		printf("  and %zu more: rebondctl report --json\n",
		    r->nfrom - TOP_SENDERS);
}

static void
text_checks(const struct report *r)
{
	char when[24];
	size_t i;

	section("Sender domains checked (SPF, DKIM, DMARC)");
	if (r->nchecks + r->nclean == 0) {
		printf("  not checked yet: rebondctl check-domain --seen "
		    "(daily from cron:\n  see the admin guide)\n");
		return;
	}
	printf("  %zu checked without error or warning.\n", r->nclean);
	for (i = 0; i < r->nchecks - r->nclean && i < TOP_SENDERS; i++) {
		const struct checked *k = &r->checks[i];

		fmt_time(k->r.when, when, sizeof(when));
		printf("  %s: %d error%s, %d warning%s (checked %s)\n",
		    k->domain, k->r.errors, k->r.errors == 1 ? "" : "s",
		    k->r.warnings, k->r.warnings == 1 ? "" : "s", when);
		printf("    %s\n", k->r.codes);
		printf("    details: rebondctl check-domain %s\n", k->domain);
	}
	if (r->nchecks - r->nclean > TOP_SENDERS)
		printf("  and %zu more: rebondctl report --json\n",
		    r->nchecks - r->nclean - TOP_SENDERS);
}

static void
text_peers(const struct report *r)
{
	size_t i;

	section("Peers");
	if (r->npeers == 0) {
		printf("  none\n");
		return;
	}
	for (i = 0; i < r->npeers; i++) {
		const struct peer *p = &r->peers[i];

		printf("  %s: trust %s, share %s, records up to seq %llu%s\n",
		    p->origin.name, trust_name(p->origin.trust),
		    p->flags & PEER_SHARE ? "yes" : "no",
		    (unsigned long long)p->origin.last_seq,
		    p->origin.flags & ORIGIN_QUARANTINED ? ", QUARANTINED" :
		    "");
		printf("    score: %s\n", r->scores[i][0] ?
		    r->scores[i] + strlen(" score=") : "not yet received");
	}
}

static void
text_report(const struct report *r)
{
	char host[256], d0[16], d1[16];

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "this node");
	host[sizeof(host) - 1] = '\0';
	fmt_day(r->from, d0, sizeof(d0));
	fmt_day(r->to, d1, sizeof(d1));
	printf("rebond report of %.40s\n", host);
	if (r->days == 1)
		printf("%s (1 day, UTC)\n", d0);
	else
		printf("%s to %s (%lld days, UTC)\n", d0, d1,
		    (long long)r->days);
	text_node(r);
	text_listings(r);
	text_senders(r);
	text_domains(r);
	text_blocks(r);
	text_auth(r);
	text_from(r);
	text_checks(r);
	text_peers(r);
}

/* --- JSON --- */

static void
json_counts(const uint64_t c[EV_CLASS_COUNT])
{
	int i;

	for (i = 0; i < EV_CLASS_COUNT; i++)
		printf("%s\"%s\": %llu", i ? ", " : "", ev_class_name(i),
		    (unsigned long long)c[i]);
	printf(", \"sent\": %llu", (unsigned long long)counts_sent(c));
}

static void
json_report(const struct report *r)
{
	const struct conf *c = r->conf;
	uint64_t sent = counts_sent(r->node);
	char d0[16], d1[16], t0[24], t1[24], t2[24];
	size_t i;
	int z, j;

	fmt_day(r->from, d0, sizeof(d0));
	fmt_day(r->to, d1, sizeof(d1));
	printf("{\"from\": \"%s\", \"to\": \"%s\", \"days\": %lld,\n",
	    d0, d1, (long long)r->days);
	printf(" \"node\": {");
	json_counts(r->node);
	printf(", \"bounce_rate\": %.4f, \"bad_rate\": %.4f, "
	    "\"hard_rate\": %.4f, \"refused_rate\": %.4f, "
	    "\"complaint_rate\": %.4f},\n",
	    pct(r->node[EV_HARD] + r->node[EV_SOFT], sent) / 100,
	    pct(counts_bad(r->node), sent) / 100,
	    pct(r->node[EV_HARD], sent) / 100,
	    pct(r->node[EV_MESSAGE_REJECTED], sent) / 100,
	    pct(r->node[EV_COMPLAINT], sent) / 100);
	printf(" \"limits\": {\"hard_rate\": %.4f, \"refused_rate\": %.4f, "
	    "\"complaint_rate\": %.4f},\n",
	    (double)c->sender_hard_rate / 1e6,
	    (double)c->sender_refused_rate / 1e6,
	    (double)c->sender_complaint_rate / 1e6);
	printf(" \"listings\": [");
	for (z = 0; z < ZONE_COUNT; z++) {
		printf("%s\n  {\"zone\": \"%s\", \"listed\": %llu, ", z ? "," :
		    "", zone_name(z), (unsigned long long)r->lc.keys[z]);
		if (r->lc.since)
			printf("\"new\": %llu, \"delisted\": %llu, ",
			    (unsigned long long)r->lc.listed[z],
			    (unsigned long long)r->lc.delisted[z]);
		else
			printf("\"new\": null, \"delisted\": null, ");
		printf("\"expired\": %llu}",
		    (unsigned long long)r->lc.expired_in[z]);
	}
	printf("],\n \"senders\": [");
	for (i = 0; i < r->nsnd; i++) {
		const struct sender_item *it = &r->snd[i];

		printf("%s\n  {\"zone\": \"%s\", \"key\": ", i ? "," : "",
		    zone_name(it->zone));
		json_str(it->key);
		printf(", \"named\": %s, \"codes\": [", it->named ? "true" :
		    "false");
		for (j = 0; j < it->l.n; j++) {
			const struct listing_reason *lr = &it->l.r[j];

			fmt_time(lr->first, t0, sizeof(t0));
			fmt_time(lr->last, t1, sizeof(t1));
			if (lr->expires)
				fmt_time(lr->expires, t2, sizeof(t2));
			printf("%s{\"code\": %u, \"text\": ", j ? ", " : "",
			    lr->reason);
			json_str(reason_text(it->zone, lr->reason));
			printf(", \"first\": \"%s\", \"last\": \"%s\", "
			    "\"expires\": ", t0, t1);
			if (lr->expires)
				printf("\"%s\"", t2);
			else
				printf("null");
			printf(", \"relays\": %u}", lr->nrelays);
		}
		printf("], \"window\": {");
		json_counts(it->w);
		printf("}, \"today\": %llu, \"daily_before\": %llu}",
		    (unsigned long long)it->today,
		    (unsigned long long)it->before);
	}
	printf("],\n \"recipient_domains\": [");
	for (i = 0; i < r->nbouncing; i++) {
		const struct crow *d = &r->rdom.v[r->bouncing[i]];

		printf("%s\n  {\"key\": ", i ? "," : "");
		json_str(d->key);
		printf(", ");
		json_counts(d->c);
		printf(", \"bounce_rate\": %.4f", d->bounce);
		domain_notes(r, d, 1);
		printf("}");
	}
	printf("],\n \"ip_blocks\": [");
	for (i = 0; i < r->nblocked; i++) {
		const struct crow *d = &r->rdom.v[r->blocked[i]];

		printf("%s\n  {\"key\": ", i ? "," : "");
		json_str(d->key);
		printf(", \"sent\": %llu, \"ip_blocked\": %llu, "
		    "\"message_rejected\": %llu}", (unsigned long long)d->sent,
		    (unsigned long long)d->c[EV_IP_BLOCKED],
		    (unsigned long long)d->c[EV_MESSAGE_REJECTED]);
	}
	printf("],\n \"auth_refusals\": [");
	for (i = 0; i < r->nauth; i++) {
		const struct crow *d = &r->auth.v[r->authv[i]];

		printf("%s\n  {\"key\": ", i ? "," : "");
		json_str(d->key);
		printf(", \"sent\": %llu, \"refused\": %llu}",
		    (unsigned long long)sdom_sent(r, d->key),
		    (unsigned long long)d->c[EV_MESSAGE_REJECTED]);
	}
	printf("],\n \"foreign_from\": [");
	for (i = 0; i < r->nfrom; i++) {
		const struct crow *d = &r->xfrom.v[r->fromv[i]];
		char sender[ADDR_MAX + 1];

		snprintf(sender, sizeof(sender), "%s", d->key);
		*strchr(sender, '\t') = '\0';
		printf("%s\n  {\"sender\": ", i ? "," : "");
		json_str(sender);
		printf(", \"from_domain\": ");
		json_str(strchr(d->key, '\t') + 1);
		printf(", \"messages\": %llu, \"refused\": %llu}",
		    (unsigned long long)messages(d),
		    (unsigned long long)d->c[EV_MESSAGE_REJECTED]);
	}
	printf("],\n \"domain_checks\": [");
	for (i = 0; i < r->nchecks; i++) {
		const struct checked *k = &r->checks[i];

		fmt_time(k->r.when, t0, sizeof(t0));
		printf("%s\n  {\"domain\": ", i ? "," : "");
		json_str(k->domain);
		printf(", \"checked\": \"%s\", \"errors\": %d, "
		    "\"warnings\": %d, \"codes\": ", t0, k->r.errors,
		    k->r.warnings);
		json_str(k->r.codes);
		printf("}");
	}
	printf("],\n \"peers\": [");
	for (i = 0; i < r->npeers; i++) {
		const struct peer *p = &r->peers[i];

		printf("%s\n  {\"name\": ", i ? "," : "");
		json_str(p->origin.name);
		printf(", \"trust\": \"%s\", \"share\": %s, "
		    "\"last_seq\": %llu, \"quarantined\": %s, "
		    "\"score\": ",
		    trust_name(p->origin.trust),
		    p->flags & PEER_SHARE ? "true" : "false",
		    (unsigned long long)p->origin.last_seq,
		    p->origin.flags & ORIGIN_QUARANTINED ? "true" : "false");
		if (r->scores[i][0])
			json_str(r->scores[i] + strlen(" score="));
		else
			printf("null");
		printf("}");
	}
	printf("]}\n");
}

int
ctl_report(const struct conf *conf, int64_t days, int json, int argc,
    char **argv)
{
	struct report r;
	struct store *s;

	(void)argv;
	if (argc != 0)
		ctl_usage();
	memset(&r, 0, sizeof(r));
	r.conf = conf;
	r.days = days > 0 ? days : 1;
	r.now = rb_now();
	window_days(r.days, &r.from, &r.to);
	r.today = r.to;
	s = ctl_store();
	if ((r.t = store_read(s)) == NULL)
		fatalx("cannot read the store");
	gather(&r);
	if (json)
		json_report(&r);
	else
		text_report(&r);
	store_read_end(s);
	crows_free(&r.rdom);
	crows_free(&r.sndr);
	crows_free(&r.auth);
	crows_free(&r.sdom);
	crows_free(&r.xfrom);
	free(r.fromv);
	free(r.authv);
	free(r.bouncing);
	free(r.blocked);
	free(r.hashes);
	free(r.snd);
	free(r.peers);
	free(r.scores);
	free(r.checks);
	return fflush(stdout) == 0 ? 0 : 1;
}

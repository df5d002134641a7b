/* ctl/stats.c - rebondctl stats and metrics; the counters per key over a
 * window (ctl.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peer.h"
#include "ctl.h"
#include "log.h"
#include "metrics.h"
#include "util.h"

void
window_days(int64_t n, uint32_t *from, uint32_t *to)
{
	uint32_t today = (uint32_t)(rb_now() / 86400);

	if (n < 1)
		n = 1;
	*to = today;
	*from = (int64_t)today + 1 > n ? today + 1 - (uint32_t)n : 0;
}

uint64_t
counts_sent(const uint64_t c[EV_CLASS_COUNT])
{
	return c[EV_DELIVERED] + c[EV_HARD] + c[EV_SOFT] +
	    c[EV_MESSAGE_REJECTED] + c[EV_IP_BLOCKED];
}

uint64_t
counts_bad(const uint64_t c[EV_CLASS_COUNT])
{
	return c[EV_HARD] + c[EV_SOFT] + c[EV_MESSAGE_REJECTED] +
	    c[EV_IP_BLOCKED] + c[EV_COMPLAINT];
}

void
fmt_day(uint32_t day, char *buf, size_t len)
{
	char t[24];

	fmt_time((time_t)day * 86400, t, sizeof(t));
	snprintf(buf, len, "%.10s", t);
}

/* --- walking the counters --- */

struct cwalk {
	int		 kind;
	uint32_t	 from, to;
	counter_fn	 fn;
	void		*arg;
	const uint8_t	*prefix;	/* one key only: kind . len . key */
	size_t		 plen;
	uint8_t		 seek[COUNT_KEY_MAX + 1];
	size_t		 seeklen;	/* where to go on; 0: done */
	int		 ret;
};

static int
cwalk_entry(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	struct cwalk *w = arg;
	const uint8_t *kp = k;
	uint64_t c[EV_CLASS_COUNT];
	uint32_t day;
	int i;

	if (kl < 1 || kp[0] != w->kind ||
	    (w->plen && (kl != w->plen + 4 || memcmp(kp, w->prefix,
	    w->plen) != 0)))
		return 1;		/* past the kind or the key */
	if (kl < 6 || (size_t)kp[1] + 6 != kl)
		return 0;
	day = (uint32_t)be_get(kp + kl - 4, 4);
	if (day < w->from || day > w->to) {
		if (w->plen && day > w->to)
			return 1;
		/* This key's first day of the window, or the next key. */
		memcpy(w->seek, kp, kl - 4);
		if (day < w->from) {
			be_put(w->seek + kl - 4, w->from, 4);
			w->seeklen = kl;
		} else {
			memset(w->seek + kl - 4, 0xff, 5);
			w->seeklen = kl + 1;
		}
		return 1;
	}
	for (i = 0; i < EV_CLASS_COUNT; i++)
		c[i] = (size_t)(i + 1) * 4 <= vl ?
		    be_get((const uint8_t *)v + 4 * i, 4) : 0;
	if ((w->ret = w->fn(kp + 2, kp[1], day, c, w->arg)) != 0)
		return 1;
	return 0;
}

static int
cwalk_run(struct store_txn *t, struct cwalk *w, const uint8_t *start,
    size_t slen)
{
	uint8_t pos[COUNT_KEY_MAX + 1];
	int rc;

	memcpy(pos, start, slen);
	for (;;) {
		w->seeklen = 0;
		rc = store_kv_range(t, KV_COUNTERS, pos, slen, cwalk_entry, w);
		if (rc < 0)
			return rc;
		if (w->ret != 0)
			return w->ret;
		if (w->seeklen == 0)
			return 0;
		slen = w->seeklen;
		memcpy(pos, w->seek, slen);
	}
}

int
counters_walk(struct store_txn *t, int kind, uint32_t from, uint32_t to,
    counter_fn fn, void *arg)
{
	struct cwalk w;
	uint8_t start = (uint8_t)kind;

	memset(&w, 0, sizeof(w));
	w.kind = kind;
	w.from = from;
	w.to = to;
	w.fn = fn;
	w.arg = arg;
	return cwalk_run(t, &w, &start, 1);
}

int
counters_key(struct store_txn *t, int kind, const void *key, size_t klen,
    uint32_t from, uint32_t to, counter_fn fn, void *arg)
{
	struct cwalk w;
	uint8_t start[COUNT_KEY_MAX];
	size_t n;

	if ((n = count_key(start, kind, key, klen, from)) == 0)
		return RB_EINVAL;
	memset(&w, 0, sizeof(w));
	w.kind = kind;
	w.from = from;
	w.to = to;
	w.fn = fn;
	w.arg = arg;
	w.prefix = start;
	w.plen = n - 4;
	return cwalk_run(t, &w, start, n);
}

/* --- rows --- */

static int
crow_add(const uint8_t *key, size_t klen, uint32_t day,
    const uint64_t c[EV_CLASS_COUNT], void *arg)
{
	struct crows *x = arg;
	struct crow *r = x->n ? &x->v[x->n - 1] : NULL;
	int i;

	(void)day;
	if (klen > ADDR_MAX)
		return 0;
	/* Keys come in order, a key's days together. */
	if (r == NULL || r->klen != klen || memcmp(r->key, key, klen) != 0) {
		if (x->n == x->cap) {
			x->cap = x->cap ? x->cap * 2 : 256;
			x->v = xrealloc(x->v, x->cap * sizeof(*x->v));
		}
		r = &x->v[x->n++];
		memset(r, 0, sizeof(*r));
		memcpy(r->key, key, klen);
		r->klen = klen;
	}
	for (i = 0; i < EV_CLASS_COUNT; i++)
		r->c[i] += c[i];
	return 0;
}

int
crows_collect(struct store_txn *t, int kind, uint32_t from, uint32_t to,
    struct crows *x)
{
	size_t i;
	int rc;

	memset(x, 0, sizeof(*x));
	if ((rc = counters_walk(t, kind, from, to, crow_add, x)) < 0)
		return rc;
	for (i = 0; i < x->n; i++) {
		struct crow *r = &x->v[i];

		r->sent = counts_sent(r->c);
		r->bad = counts_bad(r->c);
		r->bounce = r->sent ? (double)(r->c[EV_HARD] + r->c[EV_SOFT]) /
		    (double)r->sent : 0;
		r->badrate = r->sent ? (double)r->bad / (double)r->sent : 0;
	}
	return RB_OK;
}

static int
worst_first(const void *a, const void *b)
{
	const struct crow *x = a, *y = b;

	if (x->badrate != y->badrate)
		return x->badrate < y->badrate ? 1 : -1;
	if (x->sent != y->sent)
		return x->sent < y->sent ? 1 : -1;
	return strcmp(x->key, y->key);
}

void
crows_sort_worst(struct crows *x)
{
	if (x->n > 1)
		qsort(x->v, x->n, sizeof(*x->v), worst_first);
}

void
crows_free(struct crows *x)
{
	free(x->v);
	memset(x, 0, sizeof(*x));
}

/* --- trends --- */

static int
trend_add(const uint8_t *key, size_t klen, uint32_t day,
    const uint64_t c[EV_CLASS_COUNT], void *arg)
{
	struct trend *tr = arg;
	uint32_t back;

	(void)key;
	(void)klen;
	if (day > tr->last)
		return 0;
	/* Points are counted back from the last one. */
	back = (tr->last - day) / tr->per;
	if (back < (uint32_t)tr->n) {
		tr->sent[tr->n - 1 - back] += counts_sent(c);
		tr->bad[tr->n - 1 - back] += counts_bad(c);
	}
	return 0;
}

int
trend_read(struct store_txn *t, int kind, const void *key, size_t klen,
    uint32_t from, uint32_t to, struct trend *tr)
{
	uint32_t ndays = to - from + 1;

	memset(tr, 0, sizeof(*tr));
	tr->per = (ndays + TREND_MAX - 1) / TREND_MAX;
	tr->n = (int)((ndays + tr->per - 1) / tr->per);
	/* The last point ends with the window: the first one may start
	 * before it (those days are not read). */
	tr->last = to;
	tr->first = (uint64_t)tr->n * tr->per > (uint64_t)to + 1 ? 0 :
	    to + 1 - (uint32_t)tr->n * tr->per;
	return counters_key(t, kind, key, klen, from, to, trend_add, tr);
}

void
trend_spark(const struct trend *tr, char *buf, size_t len)
{
	/* U+2581..U+2588, then U+00B7 for a point without mail. */
	static const char *const bars[] = {
		"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586",
		"\u2587", "\u2588"
	};
	static const double steps[] = { 0.01, 0.02, 0.05, 0.10, 0.20, 0.50 };
	size_t off = 0;
	int i, j, level;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < tr->n; i++) {
		const char *s;

		if (tr->sent[i] == 0 && tr->bad[i] == 0)
			s = "\u00b7";
		else {
			double r = tr->sent[i] ? (double)tr->bad[i] /
			    (double)tr->sent[i] : 1;

			if (r <= 0)
				level = 0;
			else {
				level = 1;
				for (j = 0; j < 6 && r >= steps[j]; j++)
					level++;
			}
			s = bars[level];
		}
		if (off + strlen(s) >= len)
			break;
		memcpy(buf + off, s, strlen(s));
		off += strlen(s);
		buf[off] = '\0';
	}
}

/* --- rebondctl stats --- */

/* A peer's address in its URL, when the URL names it by address. */
static void
url_host(const char *url, char *buf, size_t len)
{
	const char *h = strstr(url, "://"), *e;

	buf[0] = '\0';
	if (h == NULL)
		return;
	h += 3;
	if (*h == '[') {
		h++;
		e = strchr(h, ']');
	} else
		e = h + strcspn(h, ":/");
	if (e == NULL || (size_t)(e - h) >= len)
		return;
	memcpy(buf, h, (size_t)(e - h));
	buf[e - h] = '\0';
}

struct peer_names {
	struct {
		char	name[PEER_NAME_MAX + 1];
		char	host[64];
	}	*v;
	size_t	 n;
};

static int
peer_collect(const struct peer *p, void *arg)
{
	struct peer_names *pn = arg;

	pn->v = xrealloc(pn->v, (pn->n + 1) * sizeof(*pn->v));
	snprintf(pn->v[pn->n].name, sizeof(pn->v[pn->n].name), "%s",
	    p->origin.name);
	url_host(p->url, pn->v[pn->n].host, sizeof(pn->v[pn->n].host));
	pn->n++;
	return 0;
}

/* The peer a client is: "ip:ADDR" of a peer's URL host, or "sasl:NAME"
 * of a peer's name.  NULL if none; *relay set for any "ip:" client. */
static const char *
peer_of(const struct peer_names *pn, const char *client, int *relay)
{
	size_t i;

	*relay = strncmp(client, "ip:", 3) == 0;
	for (i = 0; i < pn->n; i++)
		if ((*relay && strcmp(client + 3, pn->v[i].host) == 0) ||
		    (strncmp(client, "sasl:", 5) == 0 &&
		    strcmp(client + 5, pn->v[i].name) == 0))
			return pn->v[i].name;
	return NULL;
}

int
ctl_stats(const struct conf *conf, const char *by, int64_t days, int json,
    int argc, char **argv)
{
	static const struct { const char *name; int kind; } bys[] = {
		{ "node", CNT_NODE }, { "sender", CNT_SNDR },
		{ "sender-domain", CNT_SDOM },
		{ "recipient-domain", CNT_RDOM }, { "client", CNT_CLIENT },
		{ "peer", CNT_CLIENT },
	};
	struct peer_names pn = { NULL, 0 };
	struct crows x;
	struct store *s;
	struct store_txn *t;
	uint32_t from, to;
	size_t i, out = 0;
	int j, kind = -1, peers, rc;
	char day[16];

	(void)conf;
	(void)argv;
	if (argc != 0)
		ctl_usage();
	if (by == NULL)
		by = "node";
	for (i = 0; i < sizeof(bys) / sizeof(bys[0]); i++)
		if (strcmp(by, bys[i].name) == 0)
			kind = bys[i].kind;
	if (kind < 0)
		fatalx("--by %s: expected sender, sender-domain, "
		    "recipient-domain, client or peer", by);
	peers = strcmp(by, "peer") == 0;
	window_days(days > 0 ? days : 7, &from, &to);
	s = ctl_store();
	if ((t = store_read(s)) == NULL)
		fatalx("cannot read the store");
	if ((rc = crows_collect(t, kind, from, to, &x)) < 0)
		fatalx("stats: %s", rb_strerror(rc));
	if (peers && (rc = peer_foreach(t, peer_collect, &pn)) < 0)
		fatalx("stats: %s", rb_strerror(rc));
	crows_sort_worst(&x);
	if (!json)
		printf("%-32s %8s %8s %6s %6s %6s %6s %6s %6s %6s %7s %6s"
		    "  %s\n",
		    kind == CNT_NODE ? "" : by, "sent", "deliv", "hard", "soft",
		    "refus", "ipblk", "compl", "defer", "ourbl", "bounce",
		    "bad", "trend");
	else
		printf("[");
	for (i = 0; i < x.n; i++) {
		const struct crow *r = &x.v[i];
		const char *peer = NULL;
		char spark[3 * TREND_MAX + 1], label[ADDR_MAX + 80];
		struct trend tr;
		int relay;

		if (peers && (peer = peer_of(&pn, r->key, &relay)) == NULL &&
		    !relay)
			continue;
		if ((rc = trend_read(t, kind, r->key, r->klen, from, to,
		    &tr)) < 0)
			fatalx("stats: %s", rb_strerror(rc));
		fmt_day(tr.first, day, sizeof(day));
		if (json) {
			printf("%s\n  {\"key\": ", out++ ? "," : "");
			json_str(kind == CNT_NODE ? "node" : r->key);
			if (peer) {
				printf(", \"peer\": ");
				json_str(peer);
			}
			for (j = 0; j < EV_CLASS_COUNT; j++)
				printf(", \"%s\": %llu", ev_class_name(j),
				    (unsigned long long)r->c[j]);
			printf(", \"sent\": %llu, \"bounce_rate\": %.4f, "
			    "\"bad\": %llu, \"bad_rate\": %.4f, \"trend\": "
			    "{\"from\": \"%s\", \"days_per_point\": %u, "
			    "\"sent\": [", (unsigned long long)r->sent,
			    r->bounce, (unsigned long long)r->bad, r->badrate,
			    day, tr.per);
			for (j = 0; j < tr.n; j++)
				printf("%s%llu", j ? ", " : "",
				    (unsigned long long)tr.sent[j]);
			printf("], \"bad\": [");
			for (j = 0; j < tr.n; j++)
				printf("%s%llu", j ? ", " : "",
				    (unsigned long long)tr.bad[j]);
			printf("]}}");
			continue;
		}
		trend_spark(&tr, spark, sizeof(spark));
		if (peer)
			snprintf(label, sizeof(label), "%s (%s)", peer,
			    r->key);
		else
			snprintf(label, sizeof(label), "%s",
			    kind == CNT_NODE ? "node" : r->key);
		printf("%-32s %8llu %8llu %6llu %6llu %6llu %6llu %6llu %6llu "
		    "%6llu %6.2f%% %5.1f%%  %s\n", label,
		    (unsigned long long)r->sent,
		    (unsigned long long)r->c[EV_DELIVERED],
		    (unsigned long long)r->c[EV_HARD],
		    (unsigned long long)r->c[EV_SOFT],
		    (unsigned long long)r->c[EV_MESSAGE_REJECTED],
		    (unsigned long long)r->c[EV_IP_BLOCKED],
		    (unsigned long long)r->c[EV_COMPLAINT],
		    (unsigned long long)r->c[EV_DEFERRED_TEMPORARY],
		    (unsigned long long)r->c[EV_BLOCKED_BY_LIST],
		    100 * r->bounce, 100 * r->badrate, spark);
	}
	if (json)
		printf("%s]\n", out ? "\n" : "");
	store_read_end(s);
	crows_free(&x);
	free(pn.v);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* --- rebondctl metrics --- */

int
ctl_metrics(int argc, char **argv)
{
	int rc;

	(void)argv;
	if (argc != 0)
		ctl_usage();
	if ((rc = metrics_store(ctl_store(), stdout, NULL)) != RB_OK)
		fatalx("metrics: %s", rb_strerror(rc));
	return fflush(stdout) == 0 ? 0 : 1;
}

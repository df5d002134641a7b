/* zones/metrics.c - see metrics.h */
#include "config.h"

#include <stdlib.h>
#include <string.h>

/* The feeder's counters, read with their layout alone (enums, no link
 * to the feeder): KV_COUNTERS, CNT_NODE . 0 . be32(day) -> one be32 per
 * class. */
#include "feeder/count.h"
#include "metrics.h"
#include "record.h"
#include "util.h"

/* ev_class_name()'s names, which live in the feeder (tests/zones/
 * test_metrics.c checks that they agree). */
static const char *const class_names[] = {
	"delivered", "hard", "soft", "message_rejected", "ip_blocked",
	"complaint", "deferred_temporary", "blocked_by_list"
};
_Static_assert(sizeof(class_names) / sizeof(class_names[0]) ==
    EV_CLASS_COUNT, "a class name per enum ev_class");

void
metrics_label(FILE *out, const char *v)
{
	for (; *v; v++)
		switch (*v) {
		case '\\':	fputs("\\\\", out); break;
		case '"':	fputs("\\\"", out); break;
		case '\n':	fputs("\\n", out); break;
		default:	putc(*v, out);
		}
}

void
metrics_family(FILE *out, const char *name, const char *type,
    const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{label="value"} n */
static void
sample1(FILE *out, const char *name, const char *label, const char *value,
    uint64_t n)
{
	fprintf(out, "%s{%s=\"", name, label);
	metrics_label(out, value);
	fprintf(out, "\"} %llu\n", (unsigned long long)n);
}

static void
listings(FILE *out, const struct listing_counts *lc)
{
	char code[16];
	int z, r;

	metrics_family(out, "rebond_listed_keys", "gauge",
	    "Keys answered as listed, per zone.");
	for (z = 0; z < ZONE_COUNT; z++)
		sample1(out, "rebond_listed_keys", "zone", zone_name(z),
		    lc->keys[z]);
	metrics_family(out, "rebond_listings", "gauge",
	    "Listed keys per zone and code (a key with two codes counts "
	    "in both).");
	for (z = 0; z < ZONE_COUNT; z++)
		for (r = 1; r <= REASON_MAX; r++) {
			if (!reason_valid(z, r))
				continue;
			snprintf(code, sizeof(code), "127.0.0.%d", r);
			fprintf(out, "rebond_listings{zone=\"%s\",code=\"%s\"} "
			    "%llu\n", zone_name(z), code,
			    (unsigned long long)lc->codes[z][r]);
		}
	metrics_family(out, "rebond_expired_keys", "gauge",
	    "Keys kept in the store whose listing has expired, per zone.");
	for (z = 0; z < ZONE_COUNT; z++)
		sample1(out, "rebond_expired_keys", "zone", zone_name(z),
		    lc->expired[z]);
	metrics_family(out, "rebond_listings_added_total", "counter",
	    "Keys that started being listed, per zone.");
	for (z = 0; z < ZONE_COUNT; z++)
		sample1(out, "rebond_listings_added_total", "zone",
		    zone_name(z), lc->listed[z]);
	metrics_family(out, "rebond_listings_removed_total", "counter",
	    "Keys delisted by a deletion (not by expiry), per zone.");
	for (z = 0; z < ZONE_COUNT; z++)
		sample1(out, "rebond_listings_removed_total", "zone",
		    zone_name(z), lc->delisted[z]);
}

static void
store_size(FILE *out, const struct store_info *si)
{
	int i;

	metrics_family(out, "rebond_store_map_bytes", "gauge",
	    "Size of the LMDB map.");
	fprintf(out, "rebond_store_map_bytes %llu\n",
	    (unsigned long long)si->map_size);
	metrics_family(out, "rebond_store_used_bytes", "gauge",
	    "Bytes of the LMDB pages in use.");
	fprintf(out, "rebond_store_used_bytes %llu\n",
	    (unsigned long long)si->used);
	metrics_family(out, "rebond_store_entries", "gauge",
	    "Entries of each database of the store.");
	for (i = 0; i < si->ndb; i++)
		sample1(out, "rebond_store_entries", "db", si->db[i].name,
		    si->db[i].entries);
	for (i = 0; i < si->ndb; i++)
		if (strcmp(si->db[i].name, "origins") == 0) {
			metrics_family(out, "rebond_origins", "gauge",
			    "Origins known: this node, peers, relayed "
			    "origins.");
			fprintf(out, "rebond_origins %llu\n",
			    (unsigned long long)si->db[i].entries);
		}
}

/* Origins are walked three times (one family at a time, as the format
 * wants); they are a few dozen. */
struct origin_walk {
	FILE				*out;
	int				 what;
	const struct metrics_opts	*opts;
};

static int
origin_sample(const struct origin *o, void *arg)
{
	struct origin_walk *w = arg;
	double lag;

	switch (w->what) {
	case 0:
		sample1(w->out, "rebond_origin_last_seq", "origin", o->name,
		    o->last_seq);
		break;
	case 1:
		sample1(w->out, "rebond_origin_quarantined", "origin",
		    o->name, (o->flags & ORIGIN_QUARANTINED) != 0);
		break;
	case 2:
		if (o->id == 0 || w->opts == NULL ||
		    w->opts->peer_lag == NULL ||
		    w->opts->peer_lag(o, &lag, w->opts->arg) != 0)
			break;
		fprintf(w->out, "rebond_sync_lag_seconds{peer=\"");
		metrics_label(w->out, o->name);
		fprintf(w->out, "\"} %.3f\n", lag);
		break;
	}
	return ferror(w->out) ? RB_ESYS : 0;
}

static int
origins(FILE *out, struct store_txn *t, const struct metrics_opts *opts)
{
	struct origin_walk w = { out, 0, opts };
	int rc;

	metrics_family(out, "rebond_origin_last_seq", "gauge",
	    "Last sequence number logged for each origin (self: this node).");
	if ((rc = store_origin_foreach(t, origin_sample, &w)) < 0)
		return rc;
	w.what = 1;
	metrics_family(out, "rebond_origin_quarantined", "gauge",
	    "1 if the origin is quarantined (two batches for one sequence).");
	if ((rc = store_origin_foreach(t, origin_sample, &w)) < 0)
		return rc;
	w.what = 2;
	metrics_family(out, "rebond_sync_lag_seconds", "gauge",
	    "Seconds the pull from each peer has been failing (0: up to "
	    "date).");
	return store_origin_foreach(t, origin_sample, &w);
}

struct node_days {
	uint32_t	today;
	uint64_t	total[EV_CLASS_COUNT];
	uint64_t	day[EV_CLASS_COUNT];
};

static int
node_day(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	struct node_days *n = arg;
	const uint8_t *kp = k;
	uint32_t day;
	int i;

	if (kl != 6)
		return 0;
	day = (uint32_t)be_get(kp + 2, 4);
	for (i = 0; i < EV_CLASS_COUNT && (size_t)(i + 1) * 4 <= vl; i++) {
		uint64_t c = be_get((const uint8_t *)v + 4 * i, 4);

		n->total[i] += c;
		if (day == n->today)
			n->day[i] += c;
	}
	return 0;
}

static int
feeder_events(FILE *out, struct store_txn *t, int64_t now)
{
	static const uint8_t prefix[2] = { CNT_NODE, 0 };
	struct node_days n;
	int i, rc;

	memset(&n, 0, sizeof(n));
	n.today = (uint32_t)(now / 86400);
	/* One entry a day. */
	if ((rc = store_kv_foreach(t, KV_COUNTERS, prefix, sizeof(prefix),
	    node_day, &n)) < 0)
		return rc;
	metrics_family(out, "rebond_feeder_events_total", "counter",
	    "Delivery outcomes counted by the feeder, per class.");
	for (i = 0; i < EV_CLASS_COUNT; i++)
		sample1(out, "rebond_feeder_events_total", "class",
		    class_names[i], n.total[i]);
	metrics_family(out, "rebond_feeder_events_today", "gauge",
	    "Delivery outcomes counted by the feeder today (UTC), per class.");
	for (i = 0; i < EV_CLASS_COUNT; i++)
		sample1(out, "rebond_feeder_events_today", "class",
		    class_names[i], n.day[i]);
	return RB_OK;
}

int
metrics_store(struct store *s, FILE *out, const struct metrics_opts *opts)
{
	struct listing_counts lc;
	struct store_info si;
	struct store_txn *t;
	int64_t now = opts && opts->now ? opts->now : rb_now();
	int rc;

	if ((t = store_read(s)) == NULL)
		return RB_ESTORE;
	/* Every day: the changes are counters. */
	if ((rc = store_listing_counts(t, now, 0, UINT32_MAX, &lc)) == RB_OK &&
	    (rc = store_info(t, &si)) == RB_OK) {
		listings(out, &lc);
		store_size(out, &si);
		if ((rc = origins(out, t, opts)) == RB_OK)
			rc = feeder_events(out, t, now);
	}
	store_read_end(s);
	if (rc == RB_OK && ferror(out))
		rc = RB_ESYS;
	return rc;
}

int
metrics_store_buf(struct store *s, char **buf, size_t *len,
    const struct metrics_opts *opts)
{
	FILE *f;
	int rc;

	*buf = NULL;
	*len = 0;
	if ((f = open_memstream(buf, len)) == NULL)
		return RB_ESYS;
	rc = metrics_store(s, f, opts);
	if (fclose(f) != 0 && rc == RB_OK)
		rc = RB_ESYS;
	return rc;
}

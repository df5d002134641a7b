/* dnsd/exporter.c - see exporter.h */
#include "config.h"

#include <event2/buffer.h>

#include "exporter.h"
#include "record.h"

static const char *const rc_labels[RC_COUNT] = {
	"noerror", "formerr", "servfail", "nxdomain", "notimp", "refused",
	"other"
};

/* Postfix's words for the final actions (PA_THROTTLE is never final). */
static const struct { int action; const char *label; } pa_labels[] = {
	{ PA_DUNNO, "dunno" },
	{ PA_WARN, "warn" },
	{ PA_HOLD, "hold" },
	{ PA_DEFER, "defer_if_permit" },
	{ PA_REJECT, "reject" },
};

static const int codes[] = { 2, 3, 4, 5, 6, REASON_OPERATOR };

static void
head(struct evbuffer *out, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

static void
one(struct evbuffer *out, const char *name, const char *type,
    const char *help, unsigned long long v)
{
	head(out, name, type, help);
	evbuffer_add_printf(out, "%s %llu\n", name, v);
}

static const char *
zlabel(int z)
{
	return z == ZONE_COUNT ? "other" : zone_name(z);
}

void
exporter_write(struct evbuffer *out, const struct exporter_view *v)
{
	const struct answer_stats *d = v->dns;
	const struct policy_stats *p = v->policy;
	size_t i;
	int z, r;

	one(out, "rebond_dnsd_start_time_seconds", "gauge",
	    "Start time of rebond-dnsd since the epoch, in seconds.",
	    (unsigned long long)v->start_time);
	head(out, "rebond_dnsd_build_info", "gauge",
	    "The version of rebond-dnsd.");
	evbuffer_add_printf(out, "rebond_dnsd_build_info{version=\"%s\"} 1\n",
	    PACKAGE_VERSION);
	head(out, "rebond_dnsd_config_reloads_total", "counter",
	    "Configuration reloads on SIGHUP, by result.");
	evbuffer_add_printf(out,
	    "rebond_dnsd_config_reloads_total{result=\"ok\"} %llu\n"
	    "rebond_dnsd_config_reloads_total{result=\"failed\"} %llu\n",
	    (unsigned long long)v->reloads_ok,
	    (unsigned long long)v->reloads_failed);
	one(out, "rebond_dnsd_config_last_reload_successful", "gauge",
	    "1 if the last reload (or the start) applied the configuration.",
	    (unsigned long long)v->last_reload_ok);

	head(out, "rebond_dns_queries_total", "counter",
	    "DNS queries answered (UDP and TCP), by zone and response code.");
	for (z = 0; z <= ZONE_COUNT; z++)
		for (r = 0; r < RC_COUNT; r++)
			evbuffer_add_printf(out, "rebond_dns_queries_total"
			    "{zone=\"%s\",rcode=\"%s\"} %llu\n", zlabel(z),
			    rc_labels[r],
			    (unsigned long long)d->zone_rcode[z][r]);
	one(out, "rebond_dns_dropped_total", "counter",
	    "DNS packets dropped unanswered: not a query, or oversize.",
	    (unsigned long long)d->dropped);
	one(out, "rebond_dns_truncated_total", "counter",
	    "Answers truncated (TC) because they did not fit.",
	    (unsigned long long)d->truncated);
	head(out, "rebond_dns_answers_listed_total", "counter",
	    "Answers saying a key is listed, by zone and code (each code "
	    "of an answer).");
	for (z = 0; z < ZONE_COUNT; z++)
		for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
			if (reason_valid(z, codes[i]))
				evbuffer_add_printf(out,
				    "rebond_dns_answers_listed_total"
				    "{zone=\"%s\",code=\"127.0.0.%d\"} "
				    "%llu\n", zone_name(z), codes[i],
				    (unsigned long long)
				    d->listed_code[z][codes[i]]);
	one(out, "rebond_dns_rrl_limited_total", "counter",
	    "UDP answers held back by response rate limiting (dropped or "
	    "sent truncated).",
	    (unsigned long long)(v->rrl->dropped + v->rrl->slipped));
	one(out, "rebond_dns_rrl_slipped_total", "counter",
	    "Rate-limited UDP answers sent truncated (TC) instead of dropped.",
	    (unsigned long long)v->rrl->slipped);
	one(out, "rebond_dns_tcp_connections_total", "counter",
	    "DNS TCP connections accepted.",
	    (unsigned long long)v->tcp_accepted);
	one(out, "rebond_dns_tcp_clients", "gauge",
	    "DNS TCP connections open.", (unsigned long long)v->tcp_clients);

	one(out, "rebond_policy_requests_total", "counter",
	    "Postfix policy requests.", (unsigned long long)p->requests);
	head(out, "rebond_policy_decisions_total", "counter",
	    "Postfix policy answers, by action.");
	for (i = 0; i < sizeof(pa_labels) / sizeof(pa_labels[0]); i++)
		evbuffer_add_printf(out, "rebond_policy_decisions_total"
		    "{action=\"%s\"} %llu\n", pa_labels[i].label,
		    (unsigned long long)p->action[pa_labels[i].action]);
	one(out, "rebond_policy_throttled_total", "counter",
	    "Policy requests deferred by the throttle of a listed sender.",
	    (unsigned long long)p->throttled);
	head(out, "rebond_policy_errors_total", "counter",
	    "Policy requests answered DUNNO for a problem, by kind.");
	evbuffer_add_printf(out,
	    "rebond_policy_errors_total{kind=\"malformed\"} %llu\n"
	    "rebond_policy_errors_total{kind=\"oversize\"} %llu\n"
	    "rebond_policy_errors_total{kind=\"acl\"} %llu\n"
	    "rebond_policy_errors_total{kind=\"store\"} %llu\n",
	    (unsigned long long)p->malformed, (unsigned long long)p->oversize,
	    (unsigned long long)p->refused, (unsigned long long)p->errors);
	one(out, "rebond_policy_clients", "gauge",
	    "Postfix policy connections open.",
	    (unsigned long long)v->policy_clients);
}

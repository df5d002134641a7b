/*
 * dnsd/exporter.h - rebond-dnsd's counters in the Prometheus text
 * exposition format (version 0.0.4), for GET /metrics on the [dnsd]
 * metrics listener (server.c serves it with libevent's evhttp).
 *
 * Every series is written at every scrape, zeros included, so that
 * rate() and absent() behave.  The counters are the plain integers the
 * server increments on its paths (answer_stats, policy_stats, rrl): a
 * scrape reads them, the hot path knows nothing of it.
 *
 *   rebond_dnsd_start_time_seconds                     gauge
 *   rebond_dnsd_build_info{version}                    gauge, 1
 *   rebond_dnsd_config_reloads_total{result=ok|failed} counter
 *   rebond_dnsd_config_last_reload_successful          gauge, 1 or 0
 *   rebond_dns_queries_total{zone,rcode}               counter
 *       zone: rcpt rdom sdom sndr other; rcode: noerror formerr servfail
 *       nxdomain notimp refused other (BADVERS)
 *   rebond_dns_dropped_total                           counter
 *   rebond_dns_truncated_total                         counter
 *   rebond_dns_answers_listed_total{zone,code}         counter
 *       code: 127.0.0.2 .. 127.0.0.6, 127.0.0.10, those of the zone's
 *       side (reason_valid()); each code of an answer once
 *   rebond_dns_rrl_limited_total                       counter
 *   rebond_dns_rrl_slipped_total                       counter
 *   rebond_dns_tcp_connections_total                   counter
 *   rebond_dns_tcp_clients                             gauge
 *   rebond_policy_requests_total                       counter
 *   rebond_policy_decisions_total{action}              counter
 *       action: dunno warn hold defer_if_permit reject
 *   rebond_policy_throttled_total                      counter
 *   rebond_policy_errors_total{kind=malformed|oversize|acl|store} counter
 *   rebond_policy_clients                              gauge
 *
 * The server appends the store's families (zones/metrics.h: listings by
 * zone and code, store size, feeder events) after these.
 */
#ifndef REBOND_EXPORTER_H
#define REBOND_EXPORTER_H

#include <stdint.h>

#include "answer.h"
#include "policy.h"
#include "rrl.h"

struct evbuffer;

/* What a scrape reads; pointers into the server, valid for the call. */
struct exporter_view {
	const struct answer_stats	*dns;
	const struct policy_stats	*policy;
	const struct rrl		*rrl;
	uint64_t			 tcp_accepted;
	int				 tcp_clients;
	int				 policy_clients;
	int64_t				 start_time;	/* Unix seconds */
	uint64_t			 reloads_ok;
	uint64_t			 reloads_failed;
	int				 last_reload_ok;
};

/* Append the exposition of v to out. */
void	exporter_write(struct evbuffer *out, const struct exporter_view *v);

#endif

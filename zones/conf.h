/*
 * zones/conf.h - rebond.conf: one file, one section per program.
 *
 * The format is INI-like:
 *
 *	# comment
 *	[dnsd]
 *	listen = 127.0.0.1:5353
 *	listen = [::1]:5353	# list options repeat; the first use in the
 *				# file replaces the default list
 *
 * Every option is a row of the table in conf.c (name, type, default,
 * range, help); there is no other place that knows an option.  Errors are
 * reported as "file:line: reason".
 */
#ifndef REBOND_CONF_H
#define REBOND_CONF_H

#include <stdint.h>
#include <stdio.h>

#include "record.h"

#define CONF_DEFAULT_PATH	SYSCONFDIR "/rebond/rebond.conf"

struct strlist {
	char	**v;
	int	  n;
};

struct conf {
	const char	*path;		/* file read, NULL for the default */

	/* [global] */
	char		*state_dir;
	char		*origin;
	char		*log_level;	/* err, warn, info, debug */
	int64_t		 map_size;	/* initial LMDB map size, bytes */
	char		*user;		/* to switch to from root (priv.h) */

	/* [zones] */
	char		*zone[ZONE_COUNT];	/* "" = <name>.<origin> */
	char		*zone_fqdn[ZONE_COUNT];	/* resolved, lower-case */
	int64_t		 ttl;
	int64_t		 negative_ttl;
	struct strlist	 ns;		/* NS targets of every zone */
	char		*hostmaster;	/* SOA RNAME as a mail address */

	/* [dnsd] */
	struct strlist	 listen;
	struct strlist	 acl;		/* CIDR prefixes allowed to query */
	struct strlist	 policy_listen;
	int64_t		 tcp_timeout;
	int64_t		 tcp_clients;
	int64_t		 edns_size;
	int64_t		 rrl_rate;	/* UDP responses/s a prefix, 0 off */
	int64_t		 rrl_slip;	/* every Nth limited one: TC */
	int64_t		 rrl_v4_prefix;
	int64_t		 rrl_v6_prefix;
	char		*metrics;	/* ADDR:PORT of /metrics, "" off */

	/* [policy-service]: the Postfix policy service of rebond-dnsd */
	struct strlist	 bulk_senders;
	char		*unauthenticated;	/* bulk or mailbox */
	struct strlist	 rcpt_actions;		/* CODE=ACTION, mailbox users */
	struct strlist	 bulk_rcpt_actions;
	struct strlist	 sender_actions;
	struct strlist	 bulk_sender_actions;
	int64_t		 throttle_rate;		/* requests a minute */
	char		*reject_message;
	int64_t		 policy_timeout;

	/* [policy] */
	int64_t		 hard_expiry;
	int64_t		 soft_repeat_expiry;
	int64_t		 soft_cooldown;
	int64_t		 complaint_expiry;
	int64_t		 sender_expiry;
	int64_t		 operator_expiry;	/* 0 = never */
	int64_t		 soft_repeat_count;
	int64_t		 soft_window;
	int64_t		 sender_window;
	int64_t		 sender_min_volume;
	int64_t		 sender_hard_rate;	/* parts per million */
	int64_t		 sender_complaint_rate;	/* parts per million */
	int64_t		 sender_refused_rate;	/* parts per million */
	int64_t		 sender_listed_sends;
	int64_t		 sender_volume_factor;
	int64_t		 sender_volume_min;

	/* [feeder] */
	char		*rules;
	char		*follow;
	char		*syslog;
	char		*feeder_scope;
	int64_t		 batch_delay;
	int64_t		 corr_ttl;
	int64_t		 msgid_ttl;
	int64_t		 history_ttl;

	/* [sync] */
	struct strlist	 sync_listen;
	char		*key_file;
	int64_t		 sync_wait;
	int64_t		 sync_rate;
	int64_t		 sync_retry_max;
	int64_t		 sync_report_rate;	/* reports/s per peer */
	int64_t		 sync_conns;		/* connections at once */
	int64_t		 sync_req_timeout;	/* to send a request, s */
	struct strlist	 sync_metrics_acl;

	/* [check-domain]: rebondctl check-domain */
	struct strlist	 check_relay_ips;
	struct strlist	 check_selectors;
	int64_t		 check_interval;
	int64_t		 check_max_domains;
	int64_t		 check_qps;
};

/* Fill c with the embedded defaults.  state_dir defaults to
 * ./rebond-state when the program is not installed (see conf.c). */
void	conf_defaults(struct conf *c);

/* Read path over the defaults already in c.  On error, writes
 * "file:line: reason" into err and returns RB_EINVAL (or RB_ESYS when the
 * file cannot be opened), leaving c usable but partly updated. */
int	conf_load(struct conf *c, const char *path, char *err, size_t errlen);

/* Parse from an open stream (the same grammar); name is used in errors. */
int	conf_parse(struct conf *c, FILE *f, const char *name, char *err,
	    size_t errlen);

/* Checks that need several options (zone names distinct, etc.) and fills
 * the derived fields.  0 or RB_EINVAL with err set. */
int	conf_finish(struct conf *c, char *err, size_t errlen);

/* Print every option with its current value and help, as a valid file. */
void	conf_dump(const struct conf *c, FILE *out);

void	conf_free(struct conf *c);

/* The common start of every program: defaults, then -c FILE (or the
 * default path if it exists, or nothing), then -d DIR.  Exits with
 * "file:line: reason" on error. */
void	conf_setup(struct conf *c, const char *path, const char *state_dir);

/* conf_setup() without exiting, for a reload: 0, or an RB_E* code with
 * "file:line: reason" in err (c is then to be freed and forgotten). */
int	conf_read(struct conf *c, const char *path, const char *state_dir,
	    char *err, size_t errlen);

/* Call fn for each option whose value differs between a and b, in the
 * order of the table; returns how many differ. */
int	conf_diff(const struct conf *a, const struct conf *b,
	    void (*fn)(const char *section, const char *name, void *arg),
	    void *arg);

/* log-level as an enum log_level. */
int	conf_log_level(const struct conf *c);

/* Expiry (seconds, 0 = never) a new listing gets for reason in zone. */
int64_t	conf_expiry(const struct conf *c, int zone, int reason);

#endif

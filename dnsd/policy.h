/*
 * dnsd/policy.h - the Postfix policy delegation service of rebond-dnsd
 * (SMTPD_POLICY_README): requests in, "action=...\n\n" out, from the
 * same store as DNS.  No sockets here (server.c has them): the reader,
 * the parser and the decision are driven by the unit tests and the fuzz
 * target as they are by the server.
 *
 * Protocol.  A request is "name=value" lines ended by a blank line (LF
 * or CRLF); the answer is one "action=..." line and a blank line.  A
 * connection carries any number of requests.  Unknown attributes are
 * ignored, as Postfix requires.  A request that is malformed (a line
 * without '=', a NUL byte, no attribute, not request=smtpd_access_policy),
 * larger than POLICY_REQ_MAX bytes or POLICY_ATTR_MAX attributes, or that
 * meets any trouble in the store gets DUNNO: the service never blocks
 * mail by accident.
 *
 * Lookups.  The recipient (SHA-1 of the normalised address) in rcpt, its
 * domain in rdom; the sender's domain in sdom, the sender (SHA-1) in
 * sndr; the empty sender <> skips the sender side.  At RCPT every lookup
 * runs; at MAIL (no recipient yet) only the sender side; at DATA and
 * END-OF-MESSAGE the sender side and the recipient when Postfix sends
 * one (a single recipient); CONNECT, EHLO/HELO, VRFY and ETRN get DUNNO
 * without a lookup.  All lookups of a request share one read transaction
 * and honour expiry.
 *
 * Classes of senders.  "bulk": the sasl_username, the sender address or
 * its domain is in [policy-service] bulk-senders.  "mailbox": a
 * sasl_username not in that list (a person's mailbox).  Mail with neither
 * belongs to the class that [policy-service] unauthenticated names
 * (bulk by default: applications and other machines on mynetworks).
 *
 * Default actions (the options rcpt-actions, bulk-rcpt-actions,
 * sender-actions and bulk-sender-actions change them per code; a code
 * not named keeps its default):
 *
 *   side       code        meaning                      mailbox   bulk
 *   rcpt/rdom  127.0.0.2   does not exist (hard)        reject    reject
 *              127.0.0.3   repeated soft bounces        dunno     defer
 *              127.0.0.4   recent soft bounce           dunno     defer
 *              127.0.0.5   the recipient complained     reject    reject
 *              127.0.0.10  listed by the operator       reject    reject
 *   sndr/sdom  127.0.0.2   hard-bounce rate             hold      reject
 *              127.0.0.3   complaint rate               hold      reject
 *              127.0.0.4   unusual volume               throttle  throttle
 *              127.0.0.5   many sends to listed rcpts   hold      reject
 *              127.0.0.6   refused as spam/policy       hold      reject
 *              127.0.0.10  held by the operator         hold      hold
 *
 * reject: "550 5.1.1 <reject-message>" (5.1.2 for a recipient domain
 * that does not exist, 5.7.1 otherwise), which Postfix sends as "550
 * 5.1.1 <rcpt>: Recipient address rejected: listed by rebond (rcpt
 * 127.0.0.2: does not exist (hard bounce)); if this is wrong, ask your
 * postmaster to delist it": the answer itself names no address; defer:
 * DEFER_IF_PERMIT (450 if nothing else rejects); hold: HOLD (the message
 * waits in Postfix's hold queue for the operator); warn: WARN (logged
 * only, for trying a table); throttle: DEFER_IF_PERMIT beyond
 * throttle-rate requests per minute for the listed key (a token bucket
 * per key, in a bounded table), else DUNNO.  When several listings
 * match, the strongest action wins: reject > defer > hold > warn >
 * dunno; its listing gives the text.
 */
#ifndef REBOND_DNSD_POLICY_H
#define REBOND_DNSD_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "conf.h"
#include "record.h"
#include "store.h"

#define POLICY_REQ_MAX		8192	/* bytes of one request */
#define POLICY_ATTR_MAX		64	/* attributes of one request */
#define POLICY_JUNK_MAX		(1024 * 1024)	/* then the reader gives up */
#define POLICY_ANSWER_MAX	1024	/* "action=...\n\n" fits */
#define POLICY_MSG_MAX		300	/* reject-message, expanded */
#define POLICY_THROTTLE_SLOTS	4096	/* keys the token buckets remember */
#define POLICY_WARN_BURST	5	/* warnings a minute, then a summary */
#define POLICY_DEFAULT_PORT	10040

enum policy_action {
	PA_DUNNO = 0, PA_WARN, PA_THROTTLE, PA_HOLD, PA_DEFER, PA_REJECT,
	PA_COUNT
};
enum policy_class { PC_MAILBOX = 0, PC_BULK = 1 };
enum policy_state {
	PS_NONE = 0,		/* no protocol_state: look at what is there */
	PS_CONNECT, PS_HELO, PS_MAIL, PS_RCPT, PS_DATA, PS_EOM, PS_VRFY,
	PS_ETRN, PS_OTHER
};

/* ---- reading requests off a stream ---- */

enum { PR_MORE = 0, PR_REQUEST, PR_CLOSE };

struct policy_reader {
	char	buf[POLICY_REQ_MAX];
	size_t	len;		/* bytes of the request kept in buf */
	size_t	total;		/* bytes of the request, kept or not */
	size_t	linelen;	/* bytes of the current line so far */
	char	line0;		/* its first byte */
	int	oversize;	/* more than POLICY_REQ_MAX: not kept */
	int	done;		/* the last call returned PR_REQUEST */
};

void	policy_reader_init(struct policy_reader *);
/* Consume bytes of data[0..len) up to the end of one request; *used
 * says how many.  PR_REQUEST: a request ends there (its text in
 * buf[0..len), or oversize set); the next call starts the next one.
 * PR_MORE: everything consumed, the request goes on.  PR_CLOSE: more
 * than POLICY_JUNK_MAX bytes without a blank line: not a Postfix. */
int	policy_read(struct policy_reader *, const void *data, size_t len,
	    size_t *used);
/* 1 if a request is under way (bytes read since the last one ended). */
int	policy_reader_busy(const struct policy_reader *);

/* ---- parsing one request ---- */

struct policy_req {
	int	state;			/* enum policy_state */
	int	nattr;
	int	is_policy;		/* request=smtpd_access_policy */
	/* The values, as sent; "" when absent.  An address longer than
	 * ADDR_MAX is kept truncated with its *_long flag set (no lookup). */
	char	sender[ADDR_MAX + 1];
	char	recipient[ADDR_MAX + 1];
	char	sasl_username[256];
	char	queue_id[64];
	char	client_address[64];
	int	sender_long, recipient_long, sasl_long;
};

/* Parse buf[0..len) (one request, its blank line included or not).
 * 0, RB_EINVAL (malformed) or RB_ERANGE (too large, too many
 * attributes).  r is filled as far as it goes in every case. */
int	policy_parse(const char *buf, size_t len, struct policy_req *r);

/* ---- deciding ---- */

struct policy_conf {
	uint8_t	 rcpt[2][REASON_MAX + 1];	/* [class][code]: rcpt, rdom */
	uint8_t	 sndr[2][REASON_MAX + 1];	/* [class][code]: sndr, sdom */
	char	**bulk;				/* lower case */
	int	 nbulk;
	int	 unauth_class;
	int64_t	 throttle_rate;			/* per minute */
	char	 message[POLICY_MSG_MAX];	/* template, printable */
};

struct policy_stats {
	uint64_t	requests;
	uint64_t	action[PA_COUNT];	/* final actions (no PA_THROTTLE) */
	uint64_t	throttled;		/* deferred by a token bucket */
	uint64_t	malformed;
	uint64_t	oversize;
	uint64_t	refused;		/* client outside the ACL */
	uint64_t	errors;			/* store trouble */
};

struct throttle_slot {
	uint8_t		key[HASH_LEN];
	uint8_t		used;
	int64_t		last;		/* last refill */
	int64_t		milli;		/* thousandths of a token */
};

struct policy {
	struct policy_conf	 conf;
	struct policy_stats	 stats;
	struct throttle_slot	*throttle;	/* POLICY_THROTTLE_SLOTS */
	int64_t			 warn_start;	/* rate-limited warnings */
	int			 warn_n;
	uint64_t		 warn_suppressed;
};

/* What decided a request. */
struct policy_result {
	int	action;		/* enum policy_action, final */
	int	zone;		/* listing that gave it, -1 if none */
	int	reason;
	int	sclass;		/* enum policy_class of the sender */
	int	throttled;	/* a token bucket said no */
	int	trouble;	/* store trouble: DUNNO */
};

/* Compile [policy-service] of c.  0, or RB_EINVAL with err naming the
 * option and the bad word. */
int	policy_init(struct policy *, const struct conf *c, char *err,
	    size_t errlen);
void	policy_free(struct policy *);
/* A reload: p takes the configuration of fresh (from policy_init), and
 * keeps its counters, token buckets and warning state; fresh is freed. */
void	policy_reload(struct policy *p, struct policy *fresh);

/* Class of the sender of r under p's configuration. */
int	policy_class(const struct policy_conf *, const struct policy_req *);

/* Decide for r at time now with the listings of store (NULL: store
 * trouble).  Fills res; returns the action.  Updates the token buckets,
 * not the stats. */
int	policy_decide(struct policy *, struct store *store,
	    const struct policy_req *r, int64_t now, struct policy_result *res);

/* The answer line for res: "action=...\n\n" into out (size >=
 * POLICY_ANSWER_MAX); returns its length. */
size_t	policy_format(const struct policy *, const struct policy_result *res,
	    char *out, size_t outsz);

/* The whole service for one request the reader completed: parse, check
 * allowed (the client passed the ACL), decide, format, count, log.
 * Returns the answer's length in out (size >= POLICY_ANSWER_MAX). */
size_t	policy_handle(struct policy *, struct store *store,
	    const struct policy_reader *rd, int allowed, int64_t now,
	    char *out, size_t outsz);

/* Names: "dunno", "reject", ... and the Postfix action words. */
const char *policy_action_name(int action);
int	policy_action_parse(const char *s);	/* action or RB_EINVAL */

/* Log at most POLICY_WARN_BURST warnings a minute, then one summary. */
void	policy_warn(struct policy *, int64_t now, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

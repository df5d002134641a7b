/*
 * feeder/event.h - one classified delivery outcome.
 *
 * The feeder's parsers (Postfix, Exim, ARF/DSN mails) turn what they read
 * into events; the classifier decides the class; the counters and the
 * listing policy consume them.  Reply texts stay on this node.
 */
#ifndef REBOND_EVENT_H
#define REBOND_EVENT_H

#include <stdint.h>

#include "addr.h"
#include "record.h"

enum ev_class {
	EV_DELIVERED = 0,
	EV_HARD,		/* the address or domain does not exist */
	EV_SOFT,		/* the recipient cannot take mail now (full,
				 * disabled for a while, repeated 4xx) */
	EV_MESSAGE_REJECTED,	/* this message refused: spam, policy, auth,
				 * content, size; never lists the recipient */
	EV_IP_BLOCKED,		/* the relay's IP is blocked by a list or a
				 * provider; never lists the recipient */
	EV_COMPLAINT,		/* feedback loop: the recipient complained */
	EV_DEFERRED_TEMPORARY,	/* greylisting, rate limit, timeout: nothing
				 * to learn about the recipient */
	EV_BLOCKED_BY_LIST,	/* stopped by our own lists */
	EV_CLASS_COUNT
};

/* "delivered", "hard", ... as printed by rebondctl classify and stats. */
const char *ev_class_name(int cls);
int	ev_class_parse(const char *name);	/* class or -1 */

#define EVF_NOTIFICATION 0x01	/* a bounce/DSN message (sender <>) */
#define EVF_LOCAL_REJECT 0x02	/* refused by our own MTA (NOQUEUE) */
#define EVF_NO_RELAY	 0x04	/* no remote server was reached (DNS) */

struct event {
	int		 cls;			/* enum ev_class */
	char		 sub[32];		/* sub-reason, "" if none */
	struct status	 status;		/* enhanced status code */
	int		 code;			/* SMTP reply code, 0 if none */
	const char	*reply;			/* reply text; not owned */
	int64_t		 time;
	char		 rcpt[ADDR_MAX + 1];	/* normalised, "" if unknown */
	char		 sender[ADDR_MAX + 1];	/* normalised, "" for <> */
	char		 client[128];		/* who handed us the mail */
	char		 from_domain[DOMAIN_MAX + 1];	/* of From:, "" if not
						 * logged (from.h) */
	char		 queue_id[32];
	int		 flags;			/* EVF_* */
};

#endif

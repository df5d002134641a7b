/*
 * feeder/feed.h - what the log parsers feed: correlation state and
 * events.  The parsers (postfix.c, exim.c, the --mail path) only read
 * text and call these; feed.c owns batching, the counters, the listing
 * policy and the store.
 *
 * Correlation state maps an MTA's queue id to what earlier lines said
 * about the message (sender, client, Message-ID).  It is bounded in
 * memory, written to the store with each batch so that a restart finds
 * it again, and expires.
 */
#ifndef REBOND_FEED_H
#define REBOND_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define CORR_NOTIFICATION	0x01	/* the message is a bounce/DSN */
#define CORR_HAS_SENDER		0x02	/* sender known ("" means <>) */
#define CORR_FILTER_HOP		0x04	/* re-injected by a content filter */

struct corr {
	char		 qid[32];
	char		 sender[ADDR_MAX + 1];
	char		 client[128];	/* "sasl:alice", "ip:192.0.2.1" */
	char		 msgid[256];
	char		 from_domain[DOMAIN_MAX + 1];	/* From: header, if
						 * logged (from.h) */
	int		 flags;
	int64_t		 seen;		/* last line about it */
};

struct feed;

/* The correlation entry of qid, or NULL; with create, a new empty entry
 * if there is none.  Valid until the next feed_* call.  FEED_CORR_BIRTH:
 * the line that starts a Postfix message (smtpd "client="): what is
 * known under its id is an older message's whose end was not seen
 * (short ids come back), so the store is not asked, and an entry in
 * memory is emptied (but for a content filter's hop logged first). */
#define FEED_CORR_BIRTH	2
struct corr *feed_corr(struct feed *, const char *qid, size_t qidlen,
	    int create);
/* The entry was changed: persist it with the next batch. */
void	feed_corr_dirty(struct feed *, struct corr *);
/* The MTA is done with the message (Postfix "removed", Exim
 * "Completed"): remember its Message-ID for complaints, forget it. */
void	feed_corr_done(struct feed *, const char *qid, size_t qidlen);

/* One classified outcome; the feed copies what it keeps. */
void	feed_event(struct feed *, const struct event *);

/* A line that looked like ours but could not be understood: counted,
 * logged at debug level (the first few at warning level), skipped. */
void	feed_malformed(struct feed *, const char *why, const char *line,
	    size_t len);

/* The classifier, for the parsers. */
struct classifier *feed_classifier(struct feed *);

/* Parsers: one message (after the syslog framing) of each MTA.  Return
 * 1 if the message was theirs, 0 if not. */
struct logline;
int	postfix_parse(struct feed *, const struct logline *);
int	exim_parse(struct feed *, const struct logline *);

#endif

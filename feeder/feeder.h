/*
 * feeder/feeder.h - the feeder's engine, as its inputs see it.
 *
 * Lines are queued (copied) and written in batches: each batch is one
 * LMDB write transaction holding its events' counters, listings,
 * correlation state and the read position of its source, so that a
 * crash never separates what was counted from where reading resumes.
 */
#ifndef REBOND_FEEDER_H
#define REBOND_FEEDER_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "event.h"
#include "store.h"

struct feed;
struct classifier;

struct feed_stats {
	uint64_t	lines;
	uint64_t	ignored;	/* other programs' lines */
	uint64_t	malformed;	/* skipped with a warning */
	uint64_t	events[EV_CLASS_COUNT];
	uint64_t	listed;		/* listing records written */
	uint64_t	delisted;
	uint64_t	batches;
};

#define FEED_LINE_MAX	65536	/* longer lines are skipped, counted */

struct feed *feed_new(const struct conf *, struct store *,
	    struct classifier *);
void	feed_free(struct feed *);
/* A reload: the following batches use c (which must outlive the feed or
 * the next call) and cls; returns the classifier used until now, for the
 * caller to free.  Call feed_flush() first, so that the lines already
 * queued are classified with the rules in force when they came. */
struct classifier *feed_reconfigure(struct feed *, const struct conf *c,
	    struct classifier *cls);

/* Bulk mode (--stdin): much larger transactions, for throughput. */
void	feed_bulk(struct feed *, int on);
/* Name the source of the following lines (e.g. the followed path) for
 * the checkpoint, with its inode. */
void	feed_source(struct feed *, const char *name, uint64_t ino);
/* Queue one line (without its newline); off is the source offset just
 * after it.  Flushes by itself when the batch is full; returns 0 or the
 * error of that flush. */
int	feed_line(struct feed *, const char *line, size_t len, uint64_t off);
/* Or, without a copy (--stdin): read up to *room bytes at feed_room(),
 * then hand them to feed_filled(), which queues the complete lines
 * among them (final: also a last one without its newline) and flushes
 * full batches (0 or that flush's error).  Not mixed with feed_line(). */
char	*feed_room(struct feed *, size_t *room);
int	feed_filled(struct feed *, size_t n, int final);
/* Write the queued lines.  0, or an RB_E* code (nothing of the batch is
 * then written, and the lines stay queued). */
int	feed_flush(struct feed *);
size_t	feed_pending(const struct feed *);
/* The checkpoint of a source: 0 and ino/off, or RB_ENOENT. */
int	feed_checkpoint(struct feed *, const char *name, uint64_t *ino,
	    uint64_t *off);

/* One ARF or DSN mail.  0 when its events are written; RB_EINVAL (why
 * set) when it is not a report we understand. */
int	feed_mail(struct feed *, const char *buf, size_t len,
	    const char **why);

const struct feed_stats *feed_stats(const struct feed *);

#endif

/*
 * feeder/classify.h - from an SMTP outcome to an event class.
 *
 * Rules are ordered; the first that matches decides.  The built-in rules
 * (the knowledge of the big receivers) are compiled in from the same text
 * format as the operator's rules file, which is read first so that a
 * site can override any of them.  Format: see contrib/classify.rules.
 *
 * Precision of "hard" matters most: listing a valid address blocks
 * legitimate mail, so an unknown permanent failure is never "hard".
 */
#ifndef REBOND_CLASSIFY_H
#define REBOND_CLASSIFY_H

#include <stddef.h>

struct classifier;

/* A classifier holding only the built-in rules. */
struct classifier *classify_new(void);
void	classify_free(struct classifier *);

/* Read an operator rules file; its rules take precedence over every rule
 * loaded before.  0, or RB_EINVAL/RB_ESYS with "file:line: reason" in
 * err (nothing is added then). */
int	classify_load(struct classifier *, const char *path, char *err,
	    size_t errlen);
/* The same from a string (name is used in errors). */
int	classify_load_string(struct classifier *, const char *text,
	    const char *name, char *err, size_t errlen);

/*
 * Classify one outcome.
 *   status: the MTA's verdict: "sent", "bounced", "deferred", "expired",
 *           "reject" (our own MTA refused it), or NULL when unknown (then
 *           it is inferred from the reply code: 2xx sent, 4xx deferred,
 *           5xx bounced).
 *   dsn:    enhanced status code ("5.1.1") or NULL; when NULL it is taken
 *           from the reply text if one is there.
 *   reply:  the remote reply or the MTA's explanation, may be NULL.
 * Returns an enum ev_class; writes the sub-reason (e.g. "spam", "auth",
 * "spamhaus", "") into sub.
 */
int	classify(const struct classifier *, const char *status,
	    const char *dsn, const char *reply, char *sub, size_t sublen);

/* The built-in rules text, in the format contrib/classify.rules
 * documents (that file ships only commented examples). */
extern const char classify_builtin_rules[];

#endif

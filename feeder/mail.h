/*
 * feeder/mail.h - reports that arrive as mail: ARF feedback reports
 * (RFC 5965, also several reports in one mail and the non-standard
 * forms of the big feedback loops) and delivery status notifications
 * (RFC 3464).  Parsing only: no store, no side effect.
 */
#ifndef REBOND_MAIL_H
#define REBOND_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

enum mail_kind { MAIL_UNKNOWN = 0, MAIL_ARF, MAIL_DSN };

#define MAIL_MAX_ITEMS	64

/* Bounds of the parser.  Anything beyond them is refused (RB_EINVAL)
 * except where noted. */
#define MAIL_SIZE_MAX	(64 << 20)	/* whole mail */
#define MAIL_LINE_MAX	16384	/* one header line, EOL excluded (in an
				 * embedded message: passed over); body
				 * lines are not limited */
#define MAIL_FIELD_MAX	65536	/* one header field, folds included */
#define MAIL_FIELDS_MAX	1024	/* fields in one header block */
#define MAIL_DEPTH_MAX	8	/* nested multiparts and message/rfc822 */
#define MAIL_PARTS_MAX	512	/* parts of one multipart */
#define MAIL_BOUNDARY_MAX 200	/* RFC 2046 says 70 */
#define MAIL_DECODE_MAX	65536	/* a base64 or quoted-printable part that
				 * must be read is decoded up to this size;
				 * the rest of it is ignored */

/* One complaint of an ARF report. */
struct mail_arf {
	char	feedback_type[32];	/* abuse, fraud, virus, other, auth-failure, not-spam, ... */
	char	complainer[ADDR_MAX + 1]; /* Original-Rcpt-To, else the embedded
					   * message's To:, normalised; "" if none */
	char	mail_from[ADDR_MAX + 1];  /* Original-Mail-From, else the embedded
					   * Return-Path/From */
	char	message_id[256];	/* of the complained message, without <> */
	char	source_ip[64];
	char	reported_domain[256];
	int64_t	arrival;		/* Arrival-Date, 0 if absent/unparsable */
	char	auth_failure[32];	/* for feedback-type auth-failure: dkim, spf, ... */
};

/* One recipient of a DSN. */
struct mail_dsn {
	char	recipient[ADDR_MAX + 1];	/* Final-Recipient (rfc822;), normalised */
	char	original_recipient[ADDR_MAX + 1];
	char	action[16];			/* failed, delayed, delivered, relayed, expanded */
	char	status[16];			/* 5.1.1 */
	char	diagnostic[1024];		/* Diagnostic-Code text, unfolded */
	char	remote_mta[256];
};

struct mail_report {
	int		 kind;		/* enum mail_kind */
	char		 reporting_mta[256];
	char		 message_id[256];	/* original message (DSN), without <> */
	char		 envelope_id[256];
	char		 queue_id[32];	/* X-Postfix-Queue-ID of a Postfix DSN */
	int		 n;		/* items used below */
	struct mail_arf	 arf[MAIL_MAX_ITEMS];
	struct mail_dsn	 dsn[MAIL_MAX_ITEMS];
	int		 truncated;	/* more items than MAIL_MAX_ITEMS */
};

/* Parse one mail (headers and body, CRLF or LF; a leading mbox "From "
 * line is skipped).  Returns 0 and fills r (kind, n >= 1 items), or
 * RB_EINVAL with a static reason in why (not a report, malformed MIME,
 * ...); on failure r->kind is MAIL_UNKNOWN and r->n is 0.  why may be
 * NULL.  Never reads past len; nesting and sizes are bounded (above), no
 * allocation, about 64 KB of stack.
 *
 * Found anywhere in the MIME tree (so a forwarded report is read too):
 * multipart/report with report-type feedback-report (ARF: one item per
 * message/feedback-report part, the embedded message/rfc822 or
 * text/rfc822-headers part shared by the reports before it) or
 * delivery-status (DSN: one item per recipient of the
 * message/delivery-status or message/global-delivery-status part).  The
 * first kind found wins; reports of the other kind are ignored.  A
 * multipart mail without any report but with a message/rfc822 part
 * (Microsoft JMRP) gives one "abuse" item per such part, unless its
 * Return-Path is <> (a bounce).  Feedback types,
 * actions and Auth-Failure values are lower-cased; a complainer whose
 * local part looks redacted ("redacted", "xxxx") is left "". */
int	mail_parse(const char *buf, size_t len, struct mail_report *r,
	    const char **why);

#endif

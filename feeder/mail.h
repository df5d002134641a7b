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
	int		 n;		/* items used below */
	struct mail_arf	 arf[MAIL_MAX_ITEMS];
	struct mail_dsn	 dsn[MAIL_MAX_ITEMS];
	int		 truncated;	/* more items than MAIL_MAX_ITEMS */
};

/* Parse one mail (headers and body, CRLF or LF).  Returns 0 and fills r,
 * or RB_EINVAL with a reason in why (not a report, malformed MIME, ...).
 * Never reads past len; nesting and sizes are bounded. */
int	mail_parse(const char *buf, size_t len, struct mail_report *r,
	    const char **why);

#endif

/*
 * ctl/dmarc.h - DMARC policy records (RFC 7489 6.3), with no DNS: the
 * tags, their values and the report addresses.  Tag-list syntax is
 * DKIM's (dkim.h).
 */
#ifndef REBOND_DMARC_H
#define REBOND_DMARC_H

#include <stddef.h>

#include "issue.h"

#define DMARC_URIS_MAX	8	/* rua addresses whose domain is kept */

enum dmarc_policy { DMARC_P_NONE, DMARC_P_QUARANTINE, DMARC_P_REJECT };

struct dmarc_record {
	int		 p;		/* enum dmarc_policy, -1: none valid */
	int		 sp;		/* -1: absent (p applies) */
	int		 np;		/* DMARCbis, -1: absent */
	char		 adkim, aspf;	/* 'r' (default) or 's' */
	int		 pct;		/* 0-100, default 100 */
	int		 nrua;		/* valid mailto: report addresses */
	int		 nruf;
	char		 rua_domain[DMARC_URIS_MAX][254];	/* lower-case */
	int		 nrua_domain;
	struct issues	 is;		/* is.fatal: receivers ignore it */
};

/* Whether a TXT string is a DMARC record: its first tag is v=DMARC1
 * (exactly: records that do not start so are discarded). */
int	dmarc_is_record(const char *txt, size_t len);

/* Whether a TXT string that is not a DMARC record was meant to be one
 * (v=dmarc1 in another case, not first, after a quote): 1 or 0. */
int	dmarc_near_miss(const char *txt, size_t len);

/* Parse len bytes of a record into d.  Issues: dmarc-syntax,
 * dmarc-version, dmarc-no-policy, dmarc-bad-value (the tag=value),
 * dmarc-bad-uri (the URI), dmarc-unknown-tag (the name). */
void	dmarc_parse(const char *txt, size_t len, struct dmarc_record *d);

/* "none", "quarantine", "reject" or "?". */
const char *dmarc_policy_name(int p);

#endif

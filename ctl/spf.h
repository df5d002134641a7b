/*
 * ctl/spf.h - SPF records (RFC 7208): recognise one, parse it into terms
 * and check its syntax, with no DNS.  The lookups, the lookup limits and
 * the evaluation for an IP address are in ctl/checkdomain.c.
 *
 * Every problem the parser sees is kept in the record as an issue: a
 * stable finding code ("spf-syntax", "spf-host-is-ip", ...) and the term
 * it is about.  A record with a fatal issue makes receivers answer
 * "permerror" for every message: r->is.fatal is then set.
 */
#ifndef REBOND_SPF_H
#define REBOND_SPF_H

#include <stddef.h>
#include <stdint.h>

#include "issue.h"

#define SPF_LOOKUP_LIMIT	10	/* terms that query DNS (4.6.4) */
#define SPF_VOID_LIMIT		2	/* lookups that find nothing */

enum spf_type {
	SPF_ALL, SPF_INCLUDE, SPF_A, SPF_MX, SPF_PTR, SPF_IP4, SPF_IP6,
	SPF_EXISTS,
	/* modifiers */
	SPF_REDIRECT, SPF_EXP, SPF_UNKNOWN
};

/* The qualifier's result when a mechanism matches. */
enum spf_qual { SPF_Q_PASS, SPF_Q_FAIL, SPF_Q_SOFTFAIL, SPF_Q_NEUTRAL };

struct spf_term {
	int		 type;		/* enum spf_type */
	int		 qual;		/* enum spf_qual; mechanisms only */
	char		*text;		/* the term as written */
	char		*domain;	/* domain-spec, NULL: the current domain;
					 * for SPF_UNKNOWN, the modifier's name */
	int		 macro;		/* domain has a %{...} macro */
	uint8_t		 addr[16];	/* ip4 (4 bytes) and ip6 */
	int		 cidr4, cidr6;	/* prefix lengths: 32 and 128 when absent */
};

struct spf_record {
	struct spf_term	*t;
	int		 n;
	int		 all;		/* index of "all", or -1 */
	int		 redirect;	/* index of redirect=, or -1 */
	int		 lookups;	/* terms of this record that query DNS */
	struct issues	 is;		/* is.fatal: receivers say permerror */
};

/* Whether a TXT string is an SPF record: it starts with "v=spf1"
 * (any case), followed by a space or nothing (4.5). */
int	spf_is_record(const char *txt, size_t len);

/* Whether a TXT string that is not an SPF record was meant to be one:
 * "v=spf1" after leading spaces or a quote.  Returns the finding code
 * ("spf-leading-space", "spf-quotes") or NULL. */
const char *spf_near_miss(const char *txt, size_t len);

/* Parse len bytes of an SPF record (spf_is_record() true or not: a
 * missing version is an issue).  Always fills r, which the caller
 * releases with spf_free(). */
void	spf_parse(const char *txt, size_t len, struct spf_record *r);
void	spf_free(struct spf_record *r);

/* Name of a qualifier's result: "pass", "fail", "softfail", "neutral". */
const char *spf_qual_name(int qual);

/* Whether addr (4 or 16 bytes, by family) is in the prefix addr/bits. */
int	spf_prefix_match(const uint8_t *net, const uint8_t *addr, int alen,
	    int bits);

#endif

/*
 * ctl/checkdomain.h - rebondctl check-domain: SPF, DKIM and DMARC
 * diagnosis of a sender domain, through ldns (the system resolver or
 * --server), with a per-run cache and a cap on queries.
 *
 * Each finding has a severity (ok, info, warning, error), a stable code
 * ("spf-lookup-limit"), what it is about (a domain, a relay address, a
 * DKIM key name), a one-line explanation and the fix, in English or
 * French (--lang fr).  Exit status: 0 no error, 1 errors, 2 usage or DNS
 * failure.
 */
#ifndef REBOND_CHECKDOMAIN_H
#define REBOND_CHECKDOMAIN_H

#include <getopt.h>

#include "conf.h"

/* check-domain's options, in rebondctl's getopt_long table. */
#define CHECKDOMAIN_OPT	0x100
#define CHECKDOMAIN_LONGOPTS						\
	{ "relay-ip", required_argument, NULL, CHECKDOMAIN_OPT },	\
	{ "server", required_argument, NULL, CHECKDOMAIN_OPT + 1 },	\
	{ "selector", required_argument, NULL, CHECKDOMAIN_OPT + 2 },	\
	{ "lang", required_argument, NULL, CHECKDOMAIN_OPT + 3 },	\
	{ "envelope-domain", required_argument, NULL, CHECKDOMAIN_OPT + 4 }, \
	{ "dkim-domain", required_argument, NULL, CHECKDOMAIN_OPT + 5 }, \
	{ "seen", no_argument, NULL, CHECKDOMAIN_OPT + 6 },		\
	{ "force", no_argument, NULL, CHECKDOMAIN_OPT + 7 }

/* Keep option ch of CHECKDOMAIN_LONGOPTS (its argument is not copied:
 * argv outlives the run).  0, or -1 if ch is not one of them. */
int	checkdomain_option(int ch, const char *arg);

/* rebondctl check-domain DOMAIN (argv[0]): prints the findings on
 * stdout, as text or, with json, one JSON object.  Returns the exit
 * status. */
int	checkdomain_main(const struct conf *c, int argc, char **argv,
	    int json);
/* --seen and --force were given (ctl/seen.c does --seen). */
int	checkdomain_seen(void);
int	checkdomain_force(void);

/* What check-domain --seen keeps of a domain's last check (ctl/seen.c):
 * errors and warnings with their codes. */
#define CD_CODES_MAX	400
struct cd_result {
	int64_t		when;
	int		errors, warnings;
	char		codes[CD_CODES_MAX];	/* "spf-x dmarc-y", errors
						 * first, then warnings */
};

/* A run of checks: the options given, one resolver, DNS answers cached
 * from one domain to the next (not the failures), queries paced at
 * [check-domain] queries-per-second.  NULL with *status set on a usage
 * or resolver error (the message printed). */
struct cd;
struct cd *cd_new(const struct conf *c, int *status);
/* Check one domain (normalised): 0; -1 when DNS gave no answer at all,
 * -2 on a usage error (messages printed). */
int	cd_check(struct cd *, const char *domain);
/* Print the findings of the last domain; returns its errors. */
int	cd_print(struct cd *, int json);
void	cd_summary(const struct cd *, struct cd_result *);
/* The relay addresses SPF is evaluated for (0: none given). */
int	cd_relays(const struct cd *);
void	cd_free(struct cd *);

/* The severity name of a finding code ("error", ...), NULL if unknown:
 * every code a parser reports has one (tests/ctl/test_spf.c). */
const char *checkdomain_severity(const char *code);

#endif

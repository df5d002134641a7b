/*
 * ctl/dnset.h - one line of rbldnsd's "dnset" format, as written by
 * rbldnsd users and by rebondctl export:
 *
 *	# comment
 *	:127.0.0.2:default text for the lines below
 *	$TTL 300		(directives: ignored by rebond)
 *	example.org		(an entry, default value)
 *	example.org :3:text	(an entry with its own value)
 *	.example.org		(the domain and every name below it)
 *	*.example.org		(only the names below it)
 *	!example.org		(exclusion)
 */
#ifndef REBOND_DNSET_H
#define REBOND_DNSET_H

#include <stddef.h>

enum dnset_kind {
	DNSET_BLANK,		/* empty or comment */
	DNSET_DIRECTIVE,	/* $TTL, $SOA, $NS, ... */
	DNSET_DEFAULT,		/* :A:TXT for the following entries */
	DNSET_ENTRY,
	DNSET_WILDCARD,		/* .domain: domain and below */
	DNSET_SUBONLY,		/* *.domain: below only */
	DNSET_EXCLUDE,		/* !domain */
};

struct dnset_line {
	int	 kind;
	char	 key[256];	/* without the ., *. or ! prefix */
	int	 value;		/* last octet of 127.0.0.X, 0 = default */
	char	 text[256];	/* TXT template, may be empty */
};

/* Parse one line (without its newline).  Returns 0 or RB_EINVAL with a
 * reason in *why. */
int	dnset_parse(const char *line, size_t len, struct dnset_line *out,
	    const char **why);

#endif

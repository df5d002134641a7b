/*
 * ctl/issue.h - what the record parsers (spf.c, dkim.c, dmarc.c) report:
 * a stable finding code ("spf-syntax", "dmarc-no-rua", ...) and the part
 * of the record it is about.  ctl/checkdomain.c turns them into findings
 * with a severity, an explanation and a fix.
 */
#ifndef REBOND_ISSUE_H
#define REBOND_ISSUE_H

#include <stddef.h>

#define ISSUES_MAX	16	/* kept per record; more are only counted */
#define ISSUE_ARG_MAX	128	/* an argument, truncated */

struct issue {
	const char	*code;		/* static */
	char		 arg[ISSUE_ARG_MAX];	/* printable ASCII */
};

struct issues {
	struct issue	 v[ISSUES_MAX];
	int		 n;		/* may exceed ISSUES_MAX */
	int		 fatal;		/* receivers ignore or reject the record */
};

/* Copy len bytes of s into dst (ISSUE_ARG_MAX bytes), '?' for what is
 * not printable ASCII: record text ends up on terminals and in JSON. */
static inline void
issue_arg(char *dst, const char *s, size_t len)
{
	size_t i;

	if (len > ISSUE_ARG_MAX - 1)
		len = ISSUE_ARG_MAX - 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[len] = '\0';
}

static inline void
issue_add(struct issues *is, int fatal, const char *code, const char *s,
    size_t len)
{
	if (fatal)
		is->fatal = 1;
	if (is->n < ISSUES_MAX) {
		is->v[is->n].code = code;
		issue_arg(is->v[is->n].arg, s, len);
	}
	is->n++;
}

#endif

/*
 * feeder/span.h - the few scanning helpers every log parser uses: a
 * span of a line (pointer and length, not NUL-terminated) and literal
 * matching inside [p, end).  Header-only: they are short and hot.
 */
#ifndef REBOND_SPAN_H
#define REBOND_SPAN_H

#include <stddef.h>
#include <string.h>

#include "addr.h"

struct span {
	const char	*p;
	size_t		 len;
};

static inline int
span_eq(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && memcmp(s.p, lit, n) == 0;
}

/* [p, end) starts with lit. */
static inline int
starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* The first lit in [p, end), or NULL. */
static inline const char *
find(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	while ((size_t)(end - p) >= n) {
		const char *q = memchr(p, lit[0], (size_t)(end - p) - n + 1);

		if (q == NULL)
			return NULL;
		if (memcmp(q, lit, n) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

/* Copy s into dst (dlen > 0), cut to fit, NUL-terminated. */
static inline void
copy_span(char *dst, size_t dlen, struct span s)
{
	size_t n = s.len < dlen - 1 ? s.len : dlen - 1;

	memcpy(dst, s.p, n);
	dst[n] = '\0';
}

/* Copy the normalised address in s, or "" if it is not one. */
static inline void
copy_addr(char *dst, size_t dlen, struct span s)
{
	if (s.len == 0 || addr_normalise(s.p, s.len, dst, dlen) < 0)
		dst[0] = '\0';
}

#endif

/*
 * zones/util.h - allocation that aborts on failure, errors, small helpers.
 */
#ifndef REBOND_UTIL_H
#define REBOND_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* One error convention for the core library: 0 is success, failures are
 * negative values of this enum.  rb_strerror() never returns NULL. */
enum rb_err {
	RB_OK = 0,
	RB_ENOENT = -1,		/* no such key, file or entry */
	RB_EINVAL = -2,		/* malformed input */
	RB_ESPACE = -3,		/* store map or disk full */
	RB_ECORRUPT = -4,	/* store file damaged or not an LMDB file */
	RB_EVERSION = -5,	/* store schema from another version */
	RB_ESYS = -6,		/* system call failed; see errno */
	RB_EEXIST = -7,		/* already present */
	RB_EBUSY = -8,		/* lock or resource held elsewhere */
	RB_ERANGE = -9,		/* value out of range */
	RB_ESTORE = -10,	/* other store error */
};
const char *rb_strerror(int err);

/* The x* allocators abort the program when memory runs out. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
int	 xasprintf(char **, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Hex encoding.  hex_encode writes 2*len digits and a NUL (lower case).
 * hex_decode reads exactly 2*outlen digits of either case; returns 0 or
 * RB_EINVAL. */
void	hex_encode(const uint8_t *in, size_t len, char *out);
int	hex_decode(const char *in, size_t inlen, uint8_t *out, size_t outlen);

/* Parse a duration such as "90d", "24h", "30m", "45s" or "300" (seconds)
 * into seconds.  Returns 0 or RB_EINVAL/RB_ERANGE. */
int	parse_duration(const char *s, int64_t *out);

/* Parse a decimal integer within [min, max].  0 or RB_EINVAL/RB_ERANGE. */
int	parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

/* Format a Unix time as "YYYY-MM-DDTHH:MMZ" into buf (at least 18 bytes). */
void	fmt_time(time_t t, char *buf, size_t len);

/* Wall-clock seconds; REBOND_NOW in the environment overrides it so that
 * tests of expiry and windows are deterministic. */
time_t	rb_now(void);

/* Create a directory and its parents (mode 0750).  0 or RB_ESYS. */
int	mkdir_p(const char *path);

/* Big-endian integers, for keys that sort and for portable encodings. */
static inline uint8_t *
be_put(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
	return p + n;
}

static inline uint64_t
be_get(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

#endif

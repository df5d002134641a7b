/* zones/util.c - see util.h */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "util.h"

const char *
rb_strerror(int err)
{
	switch (err) {
	case RB_OK:		return "success";
	case RB_ENOENT:		return "not found";
	case RB_EINVAL:		return "invalid input";
	case RB_ESPACE:		return "no space left in the store";
	case RB_ECORRUPT:	return "store file is damaged or not an LMDB file";
	case RB_EVERSION:	return "store was written by an incompatible version";
	case RB_ESYS:		return "system error";
	case RB_EEXIST:		return "already exists";
	case RB_EBUSY:		return "resource busy";
	case RB_ERANGE:		return "value out of range";
	case RB_ESTORE:		return "store error";
	}
	return "unknown error";
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		fatal("malloc %zu", n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		fatal("calloc %zu*%zu", nmemb, size);
	return p;
}

void *
xrealloc(void *old, size_t n)
{
	void *p = realloc(old, n ? n : 1);

	if (p == NULL)
		fatal("realloc %zu", n);
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatal("strdup");
	return p;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("asprintf");
	return n;
}

void
hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
hex_decode(const char *in, size_t inlen, uint8_t *out, size_t outlen)
{
	size_t i;

	if (inlen != 2 * outlen)
		return RB_EINVAL;
	for (i = 0; i < outlen; i++) {
		int hi = hexval((unsigned char)in[2 * i]);
		int lo = hexval((unsigned char)in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return RB_EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return RB_OK;
}

int
parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return RB_EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		return RB_EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return RB_ERANGE;
	*out = v;
	return RB_OK;
}

int
parse_duration(const char *s, int64_t *out)
{
	char num[32];
	size_t len;
	int64_t v, mult = 1;
	int rc;

	if (s == NULL || (len = strlen(s)) == 0 || len >= sizeof(num))
		return RB_EINVAL;
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 's': mult = 1; break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	case 'w': mult = 7 * 86400; break;
	default:
		if (!isdigit((unsigned char)num[len - 1]))
			return RB_EINVAL;
		len++;
	}
	num[len - 1] = '\0';
	if ((rc = parse_int(num, 0, INT64_MAX / (7 * 86400), &v)) != RB_OK)
		return rc;
	*out = v * mult;
	return RB_OK;
}

void
fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%MZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

time_t
rb_now(void)
{
	static int checked;
	static time_t fixed;
	const char *s;

	if (!checked) {
		int64_t v;

		checked = 1;
		if ((s = getenv("REBOND_NOW")) != NULL &&
		    parse_int(s, 0, INT32_MAX * 4LL, &v) == RB_OK)
			fixed = (time_t)v;
	}
	return fixed ? fixed : time(NULL);
}

int
mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	char *p;

	if (len == 0 || len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return RB_ESYS;
	}
	memcpy(buf, path, len + 1);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0750) == -1 && errno != EEXIST)
			return RB_ESYS;
		*p = '/';
	}
	if (mkdir(buf, 0750) == -1 && errno != EEXIST)
		return RB_ESYS;
	return RB_OK;
}

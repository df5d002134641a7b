/* ctl/dnset.c - see dnset.h */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "dnset.h"
#include "util.h"

/* "127.0.0.X" or "X" -> X (1..255); -1 if not a loopback A value. */
static int
parse_a(const char *s, size_t len)
{
	char buf[16];
	int64_t v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strncmp(buf, "127.0.0.", 8) == 0)
		memmove(buf, buf + 8, strlen(buf + 8) + 1);
	if (parse_int(buf, 1, 255, &v) != RB_OK)
		return -1;
	return (int)v;
}

/* ":A:TXT", ":A", or "A [TXT]". */
static int
parse_value(const char *p, const char *end, struct dnset_line *out,
    const char **why)
{
	const char *a, *ae;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end)
		return RB_OK;
	if (*p == ':') {
		a = ++p;
		while (p < end && *p != ':')
			p++;
		ae = p;
		if (p < end)
			p++;
	} else {
		a = p;
		while (p < end && !isspace((unsigned char)*p))
			p++;
		ae = p;
		while (p < end && isspace((unsigned char)*p))
			p++;
	}
	if (ae == a)
		out->value = 0;		/* ":" alone: keep the default A */
	else if ((out->value = parse_a(a, (size_t)(ae - a))) < 0) {
		*why = "value is not 127.0.0.X";
		return RB_EINVAL;
	}
	if ((size_t)(end - p) >= sizeof(out->text)) {
		*why = "text longer than 255 characters";
		return RB_EINVAL;
	}
	memcpy(out->text, p, (size_t)(end - p));
	out->text[end - p] = '\0';
	return RB_OK;
}

int
dnset_parse(const char *line, size_t len, struct dnset_line *out,
    const char **why)
{
	const char *p = line, *end = line + len, *k;
	size_t klen;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (memchr(line, '\0', len) != NULL) {
		*why = "NUL byte in line";
		return RB_EINVAL;
	}
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end || *p == '#' || *p == ';') {
		out->kind = DNSET_BLANK;
		return RB_OK;
	}
	if (*p == '$') {
		out->kind = DNSET_DIRECTIVE;
		klen = (size_t)(end - p);
		if (klen >= sizeof(out->key))
			klen = sizeof(out->key) - 1;
		memcpy(out->key, p, klen);
		return RB_OK;
	}
	if (*p == ':') {
		out->kind = DNSET_DEFAULT;
		return parse_value(p, end, out, why);
	}
	out->kind = DNSET_ENTRY;
	if (*p == '!') {
		out->kind = DNSET_EXCLUDE;
		p++;
	} else if (*p == '.') {
		out->kind = DNSET_WILDCARD;
		p++;
	} else if (end - p >= 2 && p[0] == '*' && p[1] == '.') {
		out->kind = DNSET_SUBONLY;
		p += 2;
	}
	k = p;
	while (p < end && !isspace((unsigned char)*p) && *p != ':')
		p++;
	klen = (size_t)(p - k);
	if (klen == 0) {
		*why = "missing key";
		return RB_EINVAL;
	}
	if (klen >= sizeof(out->key)) {
		*why = "key longer than 255 characters";
		return RB_EINVAL;
	}
	memcpy(out->key, k, klen);
	out->key[klen] = '\0';
	return parse_value(p, end, out, why);
}

/* zones/net.c - see net.h */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "util.h"

int
net_parse_addr(const char *s, int defport, struct sockaddr_storage *ss,
    socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port = NULL, *colon;
	int64_t p = defport;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return RB_EINVAL;
		hl = (size_t)(end - s - 1);
		if (hl >= sizeof(host))
			return RB_EINVAL;
		memcpy(host, s + 1, hl);
		host[hl] = '\0';
		if (end[1] == ':')
			port = end + 2;
	} else {
		colon = strrchr(s, ':');
		if (colon && strchr(s, ':') != colon)
			colon = NULL;	/* bare IPv6 address */
		hl = colon ? (size_t)(colon - s) : strlen(s);
		if (hl >= sizeof(host))
			return RB_EINVAL;
		memcpy(host, s, hl);
		host[hl] = '\0';
		if (colon)
			port = colon + 1;
	}
	if (port && parse_int(port, 1, 65535, &p) != RB_OK)
		return RB_EINVAL;
	if (p < 1 || p > 65535)
		return RB_EINVAL;
	if (strchr(host, ':') == NULL) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return RB_EINVAL;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return RB_EINVAL;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*sin6);
	}
	return RB_OK;
}

void
net_format_addr(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(sin6->sin6_port));
	} else
		snprintf(buf, len, "?");
}

int
cidr_parse(const char *s, struct cidr *c)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);
	int64_t bits;

	memset(c, 0, sizeof(*c));
	if (hl >= sizeof(host))
		return RB_EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, c->addr) == 1) {
		c->family = AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, host, c->addr) == 1) {
		c->family = AF_INET6;
		bits = 128;
	} else
		return RB_EINVAL;
	if (slash && parse_int(slash + 1, 0, bits, &bits) != RB_OK)
		return RB_EINVAL;
	c->bits = (int)bits;
	return RB_OK;
}

static int
prefix_eq(const uint8_t *a, const uint8_t *b, int bits)
{
	int full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ b[full]) & (0xff << (8 - rest))) == 0;
}

int
cidr_match(const struct cidr *c, int n, const struct sockaddr *sa)
{
	const uint8_t *a;
	uint8_t mapped[4];
	int fam = sa->sa_family, i;

	if (fam == AF_INET)
		a = (const uint8_t *)&((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr;
	else if (fam == AF_INET6) {
		a = (const uint8_t *)&((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr;
		/* An IPv4 client seen on a dual-stack socket. */
		if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)a)) {
			memcpy(mapped, a + 12, 4);
			a = mapped;
			fam = AF_INET;
		}
	} else
		return 0;
	for (i = 0; i < n; i++)
		if (c[i].family == fam && prefix_eq(c[i].addr, a, c[i].bits))
			return 1;
	return 0;
}

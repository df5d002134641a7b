/*
 * tests/dnsd/burst.c - send a burst of UDP queries from one source and
 * count what comes back: for the response-rate-limiting tests.
 *
 *   burst SRC ADDR PORT NAME COUNT [WAIT_MS]
 *
 * Sends COUNT queries for NAME, type A, from SRC (an IPv4 or IPv6
 * address to bind, port chosen by the kernel) to ADDR PORT, as fast as
 * the socket takes them, each with its own id; then reads replies until
 * WAIT_MS (default 300) pass without one.  Prints one line:
 *
 *   sent N answered A truncated T dropped D
 *
 * answered: replies without TC; truncated: replies with TC (the "slip"
 * of rate limiting); dropped: queries without a reply.  Exit 0, or 1 on
 * a usage or system error.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define COUNT_MAX	65535

static int
to_addr(const char *host, int port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		*len = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*in6);
		return 0;
	}
	return -1;
}

/* A query for name, type A, class IN, id id; returns its length. */
static size_t
make_query(const char *name, uint16_t id, uint8_t *q, size_t cap)
{
	size_t o = 12, start;
	const char *p = name;

	memset(q, 0, 12);
	q[0] = (uint8_t)(id >> 8);
	q[1] = (uint8_t)id;
	q[5] = 1;			/* QDCOUNT */
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);

		if (l == 0 || l > 63 || o + l + 6 > cap)
			return 0;
		start = o++;
		memcpy(q + o, p, l);
		q[start] = (uint8_t)l;
		o += l;
		p += l;
		if (*p == '.')
			p++;
	}
	q[o++] = 0;
	q[o++] = 0;
	q[o++] = 1;			/* A */
	q[o++] = 0;
	q[o++] = 1;			/* IN */
	return o;
}

int
main(int argc, char *argv[])
{
	static uint8_t seen[COUNT_MAX + 1];
	struct sockaddr_storage src, dst;
	socklen_t srclen, dstlen;
	uint8_t q[512], r[4096];
	long count, wait_ms = 300, answered = 0, truncated = 0, i;
	int fd, size = 4 << 20;

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: burst SRC ADDR PORT NAME COUNT "
		    "[WAIT_MS]\n");
		return 1;
	}
	count = strtol(argv[5], NULL, 10);
	if (argc == 7)
		wait_ms = strtol(argv[6], NULL, 10);
	if (count < 1 || count > COUNT_MAX || wait_ms < 1 ||
	    to_addr(argv[1], 0, &src, &srclen) == -1 ||
	    to_addr(argv[2], atoi(argv[3]), &dst, &dstlen) == -1 ||
	    src.ss_family != dst.ss_family) {
		fprintf(stderr, "burst: bad arguments\n");
		return 1;
	}
	if ((fd = socket(src.ss_family, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&src, srclen) == -1 ||
	    connect(fd, (struct sockaddr *)&dst, dstlen) == -1) {
		perror("burst");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	for (i = 1; i <= count; i++) {
		size_t len = make_query(argv[4], (uint16_t)i, q, sizeof(q));

		if (len == 0) {
			fprintf(stderr, "burst: bad name\n");
			return 1;
		}
		while (send(fd, q, len, 0) == -1) {
			if (errno != ENOBUFS && errno != EAGAIN &&
			    errno != ECONNREFUSED) {
				perror("burst: send");
				return 1;
			}
		}
	}
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t n;
		unsigned id;

		if (poll(&pfd, 1, (int)wait_ms) <= 0)
			break;
		if ((n = recv(fd, r, sizeof(r), 0)) < 12)
			continue;
		id = (unsigned)r[0] << 8 | r[1];
		if (id == 0 || id > (unsigned)count || seen[id]++)
			continue;
		if (r[2] & 0x02)
			truncated++;
		else
			answered++;
	}
	printf("sent %ld answered %ld truncated %ld dropped %ld\n", count,
	    answered, truncated, count - answered - truncated);
	return 0;
}

/*
 * tests/dnsd/rawq.c - send arbitrary bytes to a DNS server, print what
 * comes back.  For the malformed-packet tests: no parsing, no checks.
 *
 *   rawq udp|tcp|tcpraw ADDR PORT HEX [timeout_ms [count]]
 *
 * HEX is the message (whitespace, ':' and '.' between digits ignored).
 * udp sends it as one datagram; tcp sends it with its two-byte length
 * prefix; tcpraw sends the bytes as they are (the caller frames them, or
 * not).  Each reply (count of them over TCP, default 1) is printed as
 * hex on its own line, without the TCP length prefix.
 *
 * Exit: 0 reply printed, 2 "timeout" (nothing, or not all, within
 * timeout_ms, default 1000), 3 "closed" (the server closed the TCP
 * connection first), 1 usage or system error.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define EXIT_REPLY	0
#define EXIT_ERROR	1
#define EXIT_TIMEOUT	2
#define EXIT_CLOSED	3

static void
usage(void)
{
	fprintf(stderr, "usage: rawq udp|tcp|tcpraw ADDR PORT HEX "
	    "[timeout_ms [count]]\n");
	exit(EXIT_ERROR);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex into a new buffer; returns the length or -1. */
static long
unhex(const char *s, uint8_t **out)
{
	size_t n = 0, cap = strlen(s) / 2 + 1;
	uint8_t *b = malloc(cap);
	int hi = -1;

	if (b == NULL)
		return -1;
	for (; *s; s++) {
		int v;

		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == ':' ||
		    *s == '.')
			continue;
		if ((v = hexval((unsigned char)*s)) < 0) {
			free(b);
			return -1;
		}
		if (hi < 0)
			hi = v;
		else {
			b[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		free(b);
		return -1;
	}
	*out = b;
	return (long)n;
}

static void
print_hex(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", b[i]);
	printf("\n");
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is readable or the deadline; 1 readable, 0 timeout. */
static int
wait_readable(int fd, long long deadline)
{
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long long left = deadline - now_ms();
		int rc;

		if (left <= 0)
			return 0;
		rc = poll(&p, 1, (int)left);
		if (rc > 0)
			return 1;
		if (rc == 0)
			return 0;
		if (errno != EINTR) {
			perror("rawq: poll");
			exit(EXIT_ERROR);
		}
	}
}

/* Read exactly n bytes (TCP); 1 done, 0 timeout, -1 closed. */
static int
read_full(int fd, uint8_t *b, size_t n, long long deadline)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r;

		if (!wait_readable(fd, deadline))
			return 0;
		r = read(fd, b + got, n - got);
		if (r == 0 || (r == -1 && (errno == ECONNRESET ||
		    errno == EPIPE)))
			return -1;
		if (r == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			perror("rawq: read");
			exit(EXIT_ERROR);
		}
		got += (size_t)r;
	}
	return 1;
}

static int
do_udp(int fd, const uint8_t *msg, size_t len, long long deadline)
{
	static uint8_t buf[65536];
	ssize_t r;

	if (send(fd, msg, len, 0) != (ssize_t)len) {
		perror("rawq: send");
		return EXIT_ERROR;
	}
	for (;;) {
		if (!wait_readable(fd, deadline)) {
			printf("timeout\n");
			return EXIT_TIMEOUT;
		}
		r = recv(fd, buf, sizeof(buf), 0);
		if (r >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == ECONNREFUSED) {	/* ICMP port unreachable */
			printf("closed\n");
			return EXIT_CLOSED;
		}
		perror("rawq: recv");
		return EXIT_ERROR;
	}
	print_hex(buf, (size_t)r);
	return EXIT_REPLY;
}

static int
do_tcp(int fd, const uint8_t *msg, size_t len, int framed, int count,
    long long deadline)
{
	static uint8_t buf[65536];
	uint8_t hdr[2] = { (uint8_t)(len >> 8), (uint8_t)len }, *all = NULL;
	const uint8_t *out = msg;
	size_t off = 0;
	int i;

	/* Framed: prefix and message in one write, as most clients do. */
	if (framed) {
		if ((all = malloc(len + 2)) == NULL)
			return EXIT_ERROR;
		memcpy(all, hdr, 2);
		memcpy(all + 2, msg, len);
		out = all;
		len += 2;
	}
	while (off < len) {
		ssize_t w = send(fd, out + off, len - off, MSG_NOSIGNAL);

		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EPIPE || errno == ECONNRESET)) {
			free(all);
			printf("closed\n");
			return EXIT_CLOSED;
		}
		if (w == -1) {
			perror("rawq: send");
			free(all);
			return EXIT_ERROR;
		}
		off += (size_t)w;
	}
	free(all);
	for (i = 0; i < count; i++) {
		size_t n = 0;
		int rc = read_full(fd, hdr, 2, deadline);

		if (rc == 1) {
			n = (size_t)hdr[0] << 8 | hdr[1];
			rc = read_full(fd, buf, n, deadline);
		}
		if (rc == 0) {
			printf("timeout\n");
			return EXIT_TIMEOUT;
		}
		if (rc < 0) {
			printf("closed\n");
			return EXIT_CLOSED;
		}
		print_hex(buf, n);
		fflush(stdout);
	}
	return EXIT_REPLY;
}

int
main(int argc, char *argv[])
{
	struct addrinfo hints, *ai;
	uint8_t *msg;
	long len, timeout = 1000, count = 1;
	long long deadline;
	int tcp, framed = 1, fd, rc;

	if (argc < 5 || argc > 7)
		usage();
	if (strcmp(argv[1], "udp") == 0)
		tcp = 0;
	else if (strcmp(argv[1], "tcp") == 0)
		tcp = 1;
	else if (strcmp(argv[1], "tcpraw") == 0)
		tcp = 1, framed = 0;
	else
		usage();
	if ((len = unhex(argv[4], &msg)) < 0) {
		fprintf(stderr, "rawq: '%s' is not hex\n", argv[4]);
		return EXIT_ERROR;
	}
	if ((tcp && framed && len > 65535) ||
	    (argc > 5 && ((timeout = strtol(argv[5], NULL, 10)) <= 0 ||
	    timeout > 600000)) ||
	    (argc > 6 && ((count = strtol(argv[6], NULL, 10)) <= 0 ||
	    count > 1000))) {
		free(msg);
		usage();
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rc = getaddrinfo(argv[2], argv[3], &hints, &ai)) != 0) {
		fprintf(stderr, "rawq: %s %s: %s\n", argv[2], argv[3],
		    gai_strerror(rc));
		free(msg);
		return EXIT_ERROR;
	}
	deadline = now_ms() + timeout;
	if ((fd = socket(ai->ai_family, ai->ai_socktype, 0)) == -1) {
		perror("rawq: socket");
		rc = EXIT_ERROR;
	} else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno == ECONNREFUSED) {
			printf("closed\n");
			rc = EXIT_CLOSED;
		} else {
			perror("rawq: connect");
			rc = EXIT_ERROR;
		}
	} else if (tcp)
		rc = do_tcp(fd, msg, (size_t)len, framed, (int)count,
		    deadline);
	else
		rc = do_udp(fd, msg, (size_t)len, deadline);
	if (fd != -1)
		close(fd);
	freeaddrinfo(ai);
	free(msg);
	fflush(stdout);
	return rc;
}

/*
 * tests/dnsd/policyq.c - a Postfix policy client for the tests.
 *
 *   policyq [-P] [-t ms] ADDR PORT < requests
 *	one connection; the requests of stdin (each ended by a blank line)
 *	one after the other, each answer's first line printed; -P sends
 *	them all at once (pipelined), then reads the answers
 *   policyq -c N [-n M] [-t ms] ADDR PORT < requests
 *	N connections open at once, each sends the requests M times
 *	(default 1), the first request on every connection before any
 *	answer is read; prints "COUNT<TAB>answer" per distinct answer
 *   policyq -i [-t ms] ADDR PORT < requests
 *	interactive: each request is sent as soon as its blank line is
 *	read from stdin (a FIFO the test writes to), its answer printed
 *	and flushed before the next is read; "closed" if the server
 *	closed the connection
 *   policyq -r [-s] [-t ms] ADDR PORT < bytes
 *	raw: stdin as it is, then every answer until the server closes or
 *	the timeout; -s shuts the sending side down after the bytes
 *
 * Exit: 0 every answer came, 2 timeout, 3 the server closed first (in
 * -r mode: 0 if it closed after at least one answer, 3 without any),
 * 1 usage or system error.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define EXIT_OK		0
#define EXIT_ERROR	1
#define EXIT_TIMEOUT	2
#define EXIT_CLOSED	3

#define MAXREQ		256
#define INBUF		65536

static int timeout_ms = 3000;

static void
usage(void)
{
	fprintf(stderr, "usage: policyq [-P | -c N [-n M] | -i | -r [-s]] "
	    "[-t ms] ADDR PORT < requests\n");
	exit(EXIT_ERROR);
}

static int
dial(const char *host, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		fprintf(stderr, "policyq: %s: %s\n", host, gai_strerror(rc));
		exit(EXIT_ERROR);
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype, 0)) == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		fprintf(stderr, "policyq: connect %s:%s: %s\n", host, port,
		    strerror(errno));
		exit(EXIT_ERROR);
	}
	return fd;
}

static char *
slurp(size_t *len)
{
	size_t cap = 65536, n = 0;
	char *b = malloc(cap);
	ssize_t r;

	if (b == NULL)
		exit(EXIT_ERROR);
	while ((r = read(0, b + n, cap - n)) > 0) {
		n += (size_t)r;
		if (n == cap && (b = realloc(b, cap *= 2)) == NULL)
			exit(EXIT_ERROR);
	}
	*len = n;
	return b;
}

/* Split stdin into requests, each ended by its blank line (LF or CRLF). */
static int
split(const char *b, size_t len, const char **req, size_t *rlen)
{
	size_t i, start = 0, linestart = 0;
	int n = 0;

	for (i = 0; i < len && n < MAXREQ; i++) {
		if (b[i] != '\n')
			continue;
		if (i == linestart || (i == linestart + 1 &&
		    b[linestart] == '\r')) {
			req[n] = b + start;
			rlen[n++] = i + 1 - start;
			start = i + 1;
		}
		linestart = i + 1;
	}
	return n;
}

/* 0, or -1 when the server closed the connection. */
static int
writeall(int fd, const char *p, size_t len)
{
	ssize_t w;

	while (len > 0) {
		if ((w = write(fd, p, len)) <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			if (w == -1 && (errno == EPIPE || errno == ECONNRESET))
				return -1;
			fprintf(stderr, "policyq: write: %s\n", strerror(errno));
			exit(EXIT_ERROR);
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* One connection's input: answers end with a blank line. */
struct conn {
	int	fd;
	char	in[INBUF];
	size_t	len;
	int	next;		/* next request to send */
	int	round;
	int	waiting;	/* answers outstanding */
	int	closed;
};

/* Take one complete answer off c->in into ans (its first line). */
static int
take_answer(struct conn *c, char *ans, size_t anssz)
{
	char *end = NULL, *nl;
	size_t i, n;

	for (i = 0; i + 1 < c->len; i++)
		if (c->in[i] == '\n' && c->in[i + 1] == '\n') {
			end = c->in + i + 2;
			break;
		}
	if (end == NULL)
		return 0;
	nl = memchr(c->in, '\n', (size_t)(end - c->in));
	n = (size_t)(nl - c->in);
	if (n >= anssz)
		n = anssz - 1;
	memcpy(ans, c->in, n);
	ans[n] = '\0';
	c->len -= (size_t)(end - c->in);
	memmove(c->in, end, c->len);
	return 1;
}

static int
fill(struct conn *c)
{
	ssize_t r = read(c->fd, c->in + c->len, sizeof(c->in) - c->len);

	if (r <= 0) {
		c->closed = 1;
		return -1;
	}
	c->len += (size_t)r;
	return 0;
}

struct tally {
	char	line[1024];
	int	n;
};
static struct tally tallies[64];
static int ntallies;

static void
count(const char *line)
{
	int i;

	for (i = 0; i < ntallies; i++)
		if (strcmp(tallies[i].line, line) == 0) {
			tallies[i].n++;
			return;
		}
	if (ntallies < 64) {
		snprintf(tallies[ntallies].line, sizeof(tallies[0].line), "%s",
		    line);
		tallies[ntallies++].n = 1;
	}
}

/* -i: one request at a time from stdin as it comes. */
static int
interactive(struct conn *c)
{
	char line[8192], req[65536], ans[1024];
	size_t rl = 0, n;
	struct pollfd p;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		n = strlen(line);
		if (rl + n > sizeof(req))
			return EXIT_ERROR;
		memcpy(req + rl, line, n);
		rl += n;
		if (strcmp(line, "\n") != 0 && strcmp(line, "\r\n") != 0)
			continue;
		if (writeall(c->fd, req, rl) == -1)
			c->closed = 1;
		rl = 0;
		for (;;) {
			if (!c->closed && take_answer(c, ans, sizeof(ans))) {
				printf("%s\n", ans);
				fflush(stdout);
				break;
			}
			if (c->closed) {
				printf("closed\n");
				fflush(stdout);
				return EXIT_CLOSED;
			}
			p.fd = c->fd;
			p.events = POLLIN;
			if (poll(&p, 1, timeout_ms) <= 0) {
				printf("timeout\n");
				fflush(stdout);
				return EXIT_TIMEOUT;
			}
			fill(c);
		}
	}
	return EXIT_OK;
}

static int
cmp_tally(const void *a, const void *b)
{
	return strcmp(((const struct tally *)a)->line,
	    ((const struct tally *)b)->line);
}

int
main(int argc, char *argv[])
{
	const char *req[MAXREQ];
	size_t rlen[MAXREQ], len;
	struct conn *cs;
	struct pollfd *pfd;
	struct timespec t0;
	char *in, ans[1024];
	int ch, nconn = 0, rounds = 1, pipelined = 0, raw = 0, shut = 0;
	int inter = 0;
	int nreq, i, j, left, got = 0, rc = EXIT_OK;

	while ((ch = getopt(argc, argv, "Pc:in:rst:")) != -1) {
		switch (ch) {
		case 'P': pipelined = 1; break;
		case 'c': nconn = atoi(optarg); break;
		case 'n': rounds = atoi(optarg); break;
		case 'i': inter = 1; break;
		case 'r': raw = 1; break;
		case 's': shut = 1; break;
		case 't': timeout_ms = atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind != 2 || nconn < 0 || rounds < 1)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (inter) {
		static struct conn c;

		c.fd = dial(argv[optind], argv[optind + 1]);
		return interactive(&c);
	}
	in = slurp(&len);
	nreq = split(in, len, req, rlen);
	if (nconn == 0)
		nconn = 1;
	cs = calloc((size_t)nconn, sizeof(*cs));
	pfd = calloc((size_t)nconn, sizeof(*pfd));
	if (cs == NULL || pfd == NULL)
		return EXIT_ERROR;
	for (i = 0; i < nconn; i++)
		cs[i].fd = dial(argv[optind], argv[optind + 1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);

	if (raw) {
		if (writeall(cs[0].fd, in, len) == -1)
			cs[0].closed = 1;
		if (shut)
			shutdown(cs[0].fd, SHUT_WR);
		for (;;) {
			long ms = timeout_ms - ms_since(&t0);

			while (take_answer(&cs[0], ans, sizeof(ans))) {
				printf("%s\n", ans);
				got++;
			}
			if (cs[0].closed)
				return got ? EXIT_OK : EXIT_CLOSED;
			pfd[0].fd = cs[0].fd;
			pfd[0].events = POLLIN;
			if (ms <= 0 || poll(pfd, 1, (int)ms) <= 0)
				return got ? EXIT_OK : EXIT_TIMEOUT;
			fill(&cs[0]);
		}
	}
	if (nreq == 0)
		usage();

	/* Send: everything (pipelined), or the first request everywhere. */
	for (i = 0; i < nconn; i++) {
		if (pipelined) {
			for (j = 0; j < nreq; j++)
				if (writeall(cs[i].fd, req[j], rlen[j]) == -1)
					cs[i].closed = 1;
			cs[i].next = nreq;
			cs[i].waiting = nreq;
			cs[i].round = rounds;
		} else {
			if (writeall(cs[i].fd, req[0], rlen[0]) == -1)
				cs[i].closed = 1;
			cs[i].next = 1;
			cs[i].waiting = 1;
			cs[i].round = 1;
		}
	}
	left = nconn;
	while (left > 0) {
		long ms = timeout_ms - ms_since(&t0);
		int n = 0;

		for (i = 0; i < nconn; i++) {
			pfd[i].fd = cs[i].waiting ? cs[i].fd : -1;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (ms <= 0 || (n = poll(pfd, (nfds_t)nconn, (int)ms)) == 0) {
			fprintf(stderr, "policyq: timeout, %d connections "
			    "waiting\n", left);
			rc = EXIT_TIMEOUT;
			break;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return EXIT_ERROR;
		}
		for (i = 0; i < nconn; i++) {
			struct conn *c = &cs[i];

			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			fill(c);
			while (c->waiting && take_answer(c, ans, sizeof(ans))) {
				c->waiting--;
				if (nconn == 1)
					printf("%s\n", ans);
				else
					count(ans);
				if (c->waiting > 0)
					continue;
				if (c->next == nreq && c->round < rounds) {
					c->next = 0;
					c->round++;
				}
				if (c->next < nreq) {
					if (writeall(c->fd, req[c->next],
					    rlen[c->next]) == -1)
						c->closed = 1;
					c->next++;
					c->waiting = 1;
				}
			}
			if (c->waiting == 0) {
				left--;
				close(c->fd);
				c->fd = -1;
			} else if (c->closed) {
				fprintf(stderr, "policyq: connection %d closed "
				    "by the server with %d answers missing\n",
				    i, c->waiting);
				c->waiting = 0;
				left--;
				rc = EXIT_CLOSED;
			}
		}
	}
	if (nconn > 1) {
		qsort(tallies, (size_t)ntallies, sizeof(tallies[0]), cmp_tally);
		for (i = 0; i < ntallies; i++)
			printf("%d\t%s\n", tallies[i].n, tallies[i].line);
	}
	fflush(stdout);
	return rc;
}

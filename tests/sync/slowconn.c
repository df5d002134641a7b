/*
 * tests/sync/slowconn.c - slow clients ("slowloris") against an HTTP
 * server, for the tests and the bench of what rebond-sync lets a
 * hostile client hold.
 *
 *	slowconn [-e] [-n CONNS] [-t SECS] [-i MS] [-s SRC] ADDR PORT
 *
 *	-n CONNS	connections kept open (default 100): one the server
 *			closes is opened again at the next tick (-i)
 *	-t SECS		for how long (default 10)
 *	-i MS		one byte of a request on each connection every MS
 *			milliseconds (default 1000)
 *	-e		send nothing: connections that stay silent
 *	-s SRC		connect from this address (e.g. 127.0.0.2)
 *
 * The request is a POST /v1/pull whose headers never end.  Prints one
 * line: "opened N closed_by_server N refused N max_open N
 * longest_ms N", where longest_ms is the longest a connection lived
 * before the server closed it (0 if it closed none).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char req[] = "POST /v1/pull?wait=0 HTTP/1.1\r\n"
    "Host: rebond\r\nContent-Type: application/x-rebond-sealed\r\n"
    "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

struct conn {
	int		fd;
	size_t		sent;
	int64_t		born;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
usage(void)
{
	fprintf(stderr, "usage: slowconn [-e] [-n CONNS] [-t SECS] [-i MS] "
	    "[-s SRC] ADDR PORT\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin, src;
	struct timeval tmo = { 0, 200000 };
	struct conn *c;
	struct pollfd *pf;
	int64_t end, next, t, longest = 0;
	unsigned long opened = 0, closed = 0, refused = 0;
	int ch, n = 100, secs = 10, ms = 1000, silent = 0, i, open_now;
	int max_open = 0, bound = 0;

	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	while ((ch = getopt(argc, argv, "ei:n:s:t:")) != -1) {
		switch (ch) {
		case 'e': silent = 1; break;
		case 's':
			if (inet_pton(AF_INET, optarg, &src.sin_addr) != 1)
				usage();
			bound = 1;
			break;
		case 'i': ms = atoi(optarg); break;
		case 'n': n = atoi(optarg); break;
		case 't': secs = atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind != 2 || n < 1 || ms < 1)
		usage();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(argv[optind + 1]));
	if (inet_pton(AF_INET, argv[optind], &sin.sin_addr) != 1)
		usage();
	c = calloc((size_t)n, sizeof(*c));
	pf = calloc((size_t)n, sizeof(*pf));
	if (c == NULL || pf == NULL)
		return 2;
	for (i = 0; i < n; i++)
		c[i].fd = -1;
	end = now_ms() + (int64_t)secs * 1000;
	next = now_ms();
	while ((t = now_ms()) < end) {
		/* Every ms milliseconds: open what is missing (blocking
		 * connect: loopback), then one byte on each. */
		for (i = 0; i < n && t >= next; i++) {
			if (c[i].fd != -1)
				continue;
			c[i].fd = socket(AF_INET, SOCK_STREAM, 0);
			/* A server that does not accept: give up soon. */
			if (c[i].fd != -1)
				setsockopt(c[i].fd, SOL_SOCKET, SO_SNDTIMEO,
				    &tmo, sizeof(tmo));
			if (c[i].fd == -1 || (bound && bind(c[i].fd,
			    (struct sockaddr *)&src, sizeof(src)) == -1) ||
			    connect(c[i].fd,
			    (struct sockaddr *)&sin, sizeof(sin)) == -1) {
				if (c[i].fd != -1)
					close(c[i].fd);
				c[i].fd = -1;
				refused++;
				continue;
			}
			fcntl(c[i].fd, F_SETFL, O_NONBLOCK);
			c[i].sent = 0;
			c[i].born = now_ms();
			opened++;
		}
		open_now = 0;
		for (i = 0; i < n; i++)
			open_now += c[i].fd != -1;
		if (open_now > max_open)
			max_open = open_now;
		if (t >= next) {
			for (i = 0; i < n; i++)
				if (c[i].fd != -1 && !silent &&
				    c[i].sent < sizeof(req) - 1 &&
				    write(c[i].fd, req + c[i].sent, 1) == 1)
					c[i].sent++;
			next = t + ms;
		}
		/* Which did the server close? */
		for (i = 0; i < n; i++) {
			pf[i].fd = c[i].fd;
			pf[i].events = POLLIN;
			pf[i].revents = 0;
		}
		t = now_ms();
		if (poll(pf, (nfds_t)n, (int)(next - t > 0 ? (next - t <
		    end - t ? next - t : end - t) : 0)) < 0 && errno != EINTR)
			return 2;
		for (i = 0; i < n; i++) {
			char buf[512];

			if (c[i].fd == -1 || !(pf[i].revents &
			    (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (read(c[i].fd, buf, sizeof(buf)) > 0)
				continue;	/* an answer: closed next */
			close(c[i].fd);
			if (now_ms() - c[i].born > longest)
				longest = now_ms() - c[i].born;
			c[i].fd = -1;
			closed++;
		}
	}
	printf("opened %lu closed_by_server %lu refused %lu max_open %d "
	    "longest_ms %lld\n", opened, closed, refused, max_open,
	    (long long)longest);
	for (i = 0; i < n; i++)
		if (c[i].fd != -1)
			close(c[i].fd);
	free(c);
	free(pf);
	return 0;
}

/*
 * bench/spoofq.c - DNS queries over UDP from forged source addresses, as
 * in a reflection attack: the answers go to addresses that never asked.
 * For bench/flood-netns.sh, inside a network namespace of its own
 * (needs CAP_NET_RAW).
 *
 *	spoofq [-r QPS] [-t SECS] [-s PREFIX/LEN] [-f FILE] ADDR PORT
 *
 *	-r QPS		queries a second (default 0: as fast as it can)
 *	-t SECS		for how long (default 10)
 *	-s P/LEN	random sources in that IPv4 prefix (10.99.0.0/16)
 *	-f FILE		query names, one a line (NAME [TYPE]: only A is
 *			asked); default test.rcpt.rebond.test
 *
 * Each query has a random source address and port and a random id.
 * Prints "sent N in MS ms (Q q/s)".
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH	64
#define PKT_MAX	(20 + 8 + 12 + 256 + 4)

struct query {
	uint8_t	wire[260];	/* QNAME QTYPE QCLASS */
	size_t	len;
};

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* xorshift: fast, and good enough to scatter addresses. */
static uint64_t rng = 88172645463325252ULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* name (dotted) into q; 0 or -1. */
static int
encode(const char *name, struct query *q)
{
	size_t n = 0, l;
	const char *p = name, *dot;

	while (*p != '\0') {
		dot = strchr(p, '.');
		l = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (l == 0 || l > 63 || n + l + 1 > 255)
			return -1;
		q->wire[n++] = (uint8_t)l;
		memcpy(q->wire + n, p, l);
		n += l;
		p += l;
		if (*p == '.')
			p++;
	}
	q->wire[n++] = 0;
	q->wire[n++] = 0;	/* QTYPE A */
	q->wire[n++] = 1;
	q->wire[n++] = 0;	/* QCLASS IN */
	q->wire[n++] = 1;
	q->len = n;
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: spoofq [-r QPS] [-t SECS] [-s PREFIX/LEN] "
	    "[-f FILE] ADDR PORT\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static uint8_t pkt[BATCH][PKT_MAX];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in dst;
	struct query *qs = NULL;
	size_t nq = 0;
	struct in_addr base;
	uint32_t mask, srcbase;
	int64_t t0, end, sent = 0, qps = 0, el;
	int ch, fd, secs = 10, len = 16, k;
	char line[512], *slash;
	const char *file = NULL, *prefix = "10.99.0.0/16";
	FILE *f;

	while ((ch = getopt(argc, argv, "f:r:s:t:")) != -1) {
		switch (ch) {
		case 'f': file = optarg; break;
		case 'r': qps = atoll(optarg); break;
		case 's': prefix = optarg; break;
		case 't': secs = atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind != 2)
		usage();
	snprintf(line, sizeof(line), "%s", prefix);
	if ((slash = strchr(line, '/')) != NULL) {
		*slash = '\0';
		len = atoi(slash + 1);
	}
	if (inet_pton(AF_INET, line, &base) != 1 || len < 1 || len > 32)
		usage();
	mask = len == 32 ? 0 : 0xffffffffu >> len;
	srcbase = ntohl(base.s_addr) & ~mask;
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_port = htons((uint16_t)atoi(argv[optind + 1]));
	if (inet_pton(AF_INET, argv[optind], &dst.sin_addr) != 1)
		usage();
	if (file != NULL) {
		if ((f = fopen(file, "r")) == NULL) {
			perror(file);
			return 2;
		}
		while (fgets(line, sizeof(line), f) != NULL) {
			line[strcspn(line, " \t\r\n")] = '\0';
			if (line[0] == '\0')
				continue;
			qs = realloc(qs, (nq + 1) * sizeof(*qs));
			if (qs == NULL)
				return 2;
			if (encode(line, &qs[nq]) == 0)
				nq++;
		}
		fclose(f);
	}
	if (nq == 0) {
		qs = realloc(qs, sizeof(*qs));
		if (qs == NULL || encode("test.rcpt.rebond.test", qs) != 0)
			return 2;
		nq = 1;
	}
	/* IPPROTO_RAW: we write the IP header (IP_HDRINCL); the kernel
	 * fills in its checksum and length. */
	if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) == -1) {
		perror("socket(SOCK_RAW)");
		return 2;
	}
	rng ^= (uint64_t)now_us() * 2654435761u;
	t0 = now_us();
	end = t0 + (int64_t)secs * 1000000;
	while ((el = now_us()) < end) {
		/* Paced: no more than qps * elapsed so far. */
		if (qps > 0 && sent >= qps * (el - t0) / 1000000) {
			struct timespec ts = { 0, 200000 };

			nanosleep(&ts, NULL);
			continue;
		}
		for (k = 0; k < BATCH; k++) {
			struct iphdr *ip = (struct iphdr *)pkt[k];
			struct udphdr *udp = (struct udphdr *)(pkt[k] + 20);
			uint8_t *dns = pkt[k] + 28;
			const struct query *q = &qs[rnd() % nq];
			uint32_t id = rnd();
			size_t dlen = 12 + q->len;

			memset(pkt[k], 0, 28 + 12);
			ip->version = 4;
			ip->ihl = 5;
			ip->ttl = 64;
			ip->protocol = IPPROTO_UDP;
			ip->saddr = htonl(srcbase | (rnd() & mask));
			ip->daddr = dst.sin_addr.s_addr;
			ip->tot_len = htons((uint16_t)(28 + dlen));
			udp->source = htons((uint16_t)(1024 + rnd() % 64000));
			udp->dest = dst.sin_port;
			udp->len = htons((uint16_t)(8 + dlen));
			udp->check = 0;		/* optional over IPv4 */
			dns[0] = (uint8_t)(id >> 8);
			dns[1] = (uint8_t)id;
			dns[5] = 1;		/* QDCOUNT */
			memcpy(dns + 12, q->wire, q->len);
			iov[k].iov_base = pkt[k];
			iov[k].iov_len = 28 + dlen;
			memset(&msg[k], 0, sizeof(msg[k]));
			msg[k].msg_hdr.msg_iov = &iov[k];
			msg[k].msg_hdr.msg_iovlen = 1;
			msg[k].msg_hdr.msg_name = &dst;
			msg[k].msg_hdr.msg_namelen = sizeof(dst);
		}
		if ((k = sendmmsg(fd, msg, BATCH, 0)) > 0)
			sent += k;
		else if (k == -1 && errno != ENOBUFS && errno != EAGAIN) {
			perror("sendmmsg");
			return 2;
		}
	}
	el = now_us() - t0;
	printf("sent %lld in %lld ms (%lld q/s)\n", (long long)sent,
	    (long long)(el / 1000), (long long)(sent * 1000000 / (el ? el : 1)));
	return 0;
}

/*
 * zones/net.h - socket addresses and client prefixes from text.
 */
#ifndef REBOND_NET_H
#define REBOND_NET_H

#include <sys/socket.h>
#include <netinet/in.h>

/* "127.0.0.1:5353", "[::1]:5353", "localhost:53" is refused (no name
 * resolution: a daemon must not depend on DNS to start).  A missing port
 * is defport.  0 or RB_EINVAL. */
int	net_parse_addr(const char *s, int defport, struct sockaddr_storage *ss,
	    socklen_t *len);
/* Printable "ADDR:PORT" / "[ADDR]:PORT". */
void	net_format_addr(const struct sockaddr *sa, char *buf, size_t len);

struct cidr {
	int	family;
	uint8_t	addr[16];
	int	bits;
};
/* "10.0.0.0/8", "::1/128", "192.0.2.1" (host).  0 or RB_EINVAL. */
int	cidr_parse(const char *s, struct cidr *c);
int	cidr_match(const struct cidr *c, int n, const struct sockaddr *sa);

#endif

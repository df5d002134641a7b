/*
 * dnsd/server.h - the sockets of rebond-dnsd on a libevent loop.
 *
 * UDP is read in batches (recvmmsg), answered under one short LMDB read
 * transaction per batch, and written back in one sendmmsg.  TCP clients
 * may pipeline queries; each connection has an idle timeout and the
 * number of connections is bounded.
 *
 * The Postfix policy service (policy.h) listens on TCP on the same loop:
 * keep-alive connections, [policy-service] timeout idle each, at most
 * [dnsd] tcp-clients of them (when full, the one idle longest is closed:
 * Postfix reconnects).  Clients outside [dnsd] acl get DUNNO to every
 * request.
 */
#ifndef REBOND_SERVER_H
#define REBOND_SERVER_H

#include "answer.h"
#include "conf.h"
#include "store.h"

struct server;

/* What server_new() would refuse in c, listen and plisten (zone names,
 * ACL, policy options, addresses), checked without binding: 0, or
 * RB_EINVAL with err set, naming the configuration file.  For
 * rebond-dnsd -n too. */
int	server_check(const struct conf *c, const struct strlist *listen,
	    const struct strlist *plisten, char *err, size_t errlen);
/* Bind every address of listen (UDP and TCP each) and of plisten (the
 * policy service, TCP).  Errors are fatal: this runs before the loop. */
struct server *server_new(const struct conf *c, const struct strlist *listen,
	    const struct strlist *plisten);
/* Attach the store (after any fork) and run until SIGTERM/SIGINT. */
int	server_run(struct server *, struct store *);
void	server_free(struct server *);

#endif

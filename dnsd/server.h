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
 *
 * UDP answers go through response rate limiting (rrl.h) when [dnsd]
 * rrl-responses-per-second is set; TCP and the policy service do not.
 * [dnsd] metrics serves GET /metrics (exporter.h) on the same loop.
 *
 * Signals: SIGTERM and SIGINT stop (STOPPING=1 to systemd, notify.h);
 * SIGUSR1 logs the counters; SIGHUP re-reads the configuration file
 * (after server_set_reload) and applies what needs no new socket and no
 * new store: acl (open connections included), [zones] (names, TTLs, NS,
 * hostmaster), edns-size, tcp-clients and the timeouts, the rrl-*
 * options, [policy-service] (the token buckets and counters stay) and
 * log-level.  listen, policy-listen, metrics, state-dir and map-size
 * take a restart: the reload says so in the log.  A file that does not
 * parse or check (server_check) is refused with a warning and the
 * configuration in force stays; the reload is announced to systemd with
 * RELOADING=1, then READY=1 either way.
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
/* Bind every address of listen (UDP and TCP each), of plisten (the
 * policy service, TCP) and [dnsd] metrics.  Errors are fatal: this runs
 * before the loop.  c, listen and plisten must outlive the server; a
 * listen that is not &c->listen (-l) is kept over reloads, as is
 * plisten. */
struct server *server_new(const struct conf *c, const struct strlist *listen,
	    const struct strlist *plisten);
/* Make SIGHUP re-read the configuration: path and dir as conf_setup()
 * took them (kept, not copied); verbose: -v fixed the log level. */
void	server_set_reload(struct server *, const char *path, const char *dir,
	    int verbose);
/* Attach the store (after any fork), tell systemd READY=1 and run until
 * SIGTERM/SIGINT. */
int	server_run(struct server *, struct store *);
void	server_free(struct server *);

#endif

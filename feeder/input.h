/*
 * feeder/input.h - where lines come from: a file followed across
 * rotation, a syslog socket, standard input.
 */
#ifndef REBOND_INPUT_H
#define REBOND_INPUT_H

#include "feeder.h"

/* Read stdin to its end, then flush.  0 or an RB_E* code. */
int	input_stdin(struct feed *);

/* What SIGHUP does while input_follow() or input_syslog() runs: fn(the
 * feed, arg), between RELOADING=1 and READY=1 to systemd (notify.h),
 * returning what systemctl status is to show (NULL: as before).  Without
 * it a SIGHUP changes nothing.  Both loops tell systemd READY=1 once
 * their input is open, and STOPPING=1 on SIGTERM/SIGINT. */
void	input_set_reload(const char *(*fn)(struct feed *, void *),
	    void *arg);

/* Follow path until SIGTERM/SIGINT: resumes at its checkpoint, follows
 * rename+create and copytruncate rotation.  poll_ms: how often to look
 * for new data.  Errors before the loop are fatal. */
int	input_follow(struct feed *, const char *path, int poll_ms);

/* Receive syslog datagrams on "unix:/path" or "udp:ADDR:PORT" until
 * SIGTERM/SIGINT. */
int	input_syslog(struct feed *, const char *spec, int flush_ms);

#endif

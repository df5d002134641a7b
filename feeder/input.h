/*
 * feeder/input.h - where lines come from: a file followed across
 * rotation, a syslog socket, standard input.
 */
#ifndef REBOND_INPUT_H
#define REBOND_INPUT_H

#include "feeder.h"

/* Read stdin to its end, then flush.  0 or an RB_E* code. */
int	input_stdin(struct feed *);

/* Follow path until SIGTERM/SIGINT: resumes at its checkpoint, follows
 * rename+create and copytruncate rotation.  poll_ms: how often to look
 * for new data.  Errors before the loop are fatal. */
int	input_follow(struct feed *, const char *path, int poll_ms);

/* Receive syslog datagrams on "unix:/path" or "udp:ADDR:PORT" until
 * SIGTERM/SIGINT. */
int	input_syslog(struct feed *, const char *spec, int flush_ms);

#endif

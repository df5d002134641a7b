/*
 * zones/notify.h - tell the service manager how a daemon is doing: the
 * protocol of sd_notify(3), without libsystemd.
 *
 * systemd starts a Type=notify unit with NOTIFY_SOCKET naming a Unix
 * datagram socket: a path ("/run/systemd/notify") or, starting with '@',
 * an abstract name.  Each notification is one datagram of
 * newline-separated VARIABLE=value assignments.  Without NOTIFY_SOCKET
 * (started by hand, from a test, by another supervisor) every call here
 * does nothing and returns RB_OK.
 *
 * The messages are sent by the process systemd started (NotifyAccess=main
 * in the units): call these from the daemon itself, after any fork.
 *
 * The life of a daemon, and what rebond-sync is to do too:
 *
 *	bind the sockets, open the store, install the signal handlers
 *	notify_ready("serving ...");	   before entering the event loop
 *	SIGHUP:  notify_reloading(); re-read what can be re-read;
 *	         notify_ready("reloaded ..." or "reload failed: ...");
 *	SIGTERM: notify_stopping(); leave the loop
 *
 * systemd counts a unit started only once READY=1 arrives, so that
 * `systemctl start` returns when the daemon answers, and orders units
 * After= it on that; `systemctl reload` waits for the READY=1 that
 * follows RELOADING=1.
 */
#ifndef REBOND_NOTIFY_H
#define REBOND_NOTIFY_H

/* Send msg as it is ("READY=1\nSTATUS=..."), one datagram.  RB_OK when
 * sent or when NOTIFY_SOCKET is unset; RB_EINVAL when NOTIFY_SOCKET is
 * not a path or an @abstract name that fits a sockaddr_un; RB_ESYS when
 * the socket cannot be reached (errno set).  Never blocks for long: the
 * socket is non-blocking, a full queue is an error. */
int	notify_send(const char *msg);

/* "READY=1", with "STATUS=status" when status is not NULL: start-up (or
 * a reload) is complete and the service answers. */
int	notify_ready(const char *status);

/* "RELOADING=1" and "MONOTONIC_USEC=" the CLOCK_MONOTONIC time, as
 * Type=notify-reload wants: a reload has begun; end it with
 * notify_ready(). */
int	notify_reloading(void);

/* "STOPPING=1": shutting down, on SIGTERM. */
int	notify_stopping(void);

/* "STATUS=" the formatted text (one line; a newline ends it): what
 * `systemctl status` shows. */
int	notify_status(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* 1 if NOTIFY_SOCKET is set (a service manager listens), else 0. */
int	notify_enabled(void);

#endif

/*
 * zones/log.h - logging to stderr or syslog, OpenBSD style.
 *
 * log_warn() appends strerror(errno); log_warnx() does not.  fatal() and
 * fatalx() log and exit(1): use them only before the event loop runs.
 * After start-up, log and carry on.
 */
#ifndef REBOND_LOG_H
#define REBOND_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* name: program name used as syslog ident and stderr prefix.
 * to_stderr: 1 logs to stderr, 0 to syslog (facility mail). */
void log_init(const char *name, int to_stderr, int level);
void log_setlevel(int level);
int  log_getlevel(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif

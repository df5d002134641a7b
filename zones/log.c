/* zones/log.c - see log.h */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static const char *log_name = "rebond";
static int log_stderr = 1;
static int log_level = LOG_LVL_INFO;

void
log_init(const char *name, int to_stderr, int level)
{
	log_name = name;
	log_stderr = to_stderr;
	log_level = level;
	if (!to_stderr)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
log_setlevel(int level)
{
	log_level = level;
}

int
log_getlevel(void)
{
	return log_level;
}

static void __attribute__((format(printf, 2, 0)))
vlog(int level, const char *fmt, va_list ap, int err)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char msg[2048];
	int n;

	if (level > log_level)
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	if (err && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(err));
	if (log_stderr) {
		fprintf(stderr, "%s: %s\n", log_name, msg);
		fflush(stderr);
	} else
		syslog(prio[level], "%s", msg);
}

#define LOGFN(name, level, err)				\
void							\
name(const char *fmt, ...)				\
{							\
	int saved = errno;				\
	va_list ap;					\
	va_start(ap, fmt);				\
	vlog(level, fmt, ap, err ? saved : 0);		\
	va_end(ap);					\
	errno = saved;					\
}

LOGFN(log_warn, LOG_LVL_WARN, 1)
LOGFN(log_warnx, LOG_LVL_WARN, 0)
LOGFN(log_info, LOG_LVL_INFO, 0)
LOGFN(log_debug, LOG_LVL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, fmt, ap, saved);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, fmt, ap, 0);
	va_end(ap);
	exit(1);
}

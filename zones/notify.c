/* zones/notify.c - see notify.h.  The protocol is that of sd_notify(3)
 * and systemd's "Notify socket" documentation: one datagram on a Unix
 * socket, named by a path or, after '@', in the abstract namespace. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "util.h"

#define NOTIFY_MSG_MAX	1024

int
notify_enabled(void)
{
	const char *e = getenv("NOTIFY_SOCKET");

	return e != NULL && *e != '\0';
}

int
notify_send(const char *msg)
{
	static int warned;
	struct sockaddr_un sun;
	const char *e = getenv("NOTIFY_SOCKET");
	socklen_t salen;
	size_t len, mlen = strlen(msg);
	ssize_t n;
	int fd, saved;

	if (e == NULL || *e == '\0')
		return RB_OK;
	len = strlen(e);
	if ((e[0] != '/' && e[0] != '@') || len < 2 ||
	    len > sizeof(sun.sun_path) - (e[0] == '/')) {
		if (!warned++)
			log_warnx("NOTIFY_SOCKET '%s': not a path or an "
			    "@abstract socket name", e);
		return RB_EINVAL;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, e, len);
	if (e[0] == '@')
		sun.sun_path[0] = '\0';	/* abstract: no NUL at the end */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	    (e[0] == '/'));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		goto fail;
	do
		n = sendto(fd, msg, mlen, MSG_NOSIGNAL,
		    (struct sockaddr *)&sun, salen);
	while (n == -1 && errno == EINTR);
	saved = errno;
	close(fd);
	errno = saved;
	if (n == (ssize_t)mlen)
		return RB_OK;
fail:
	/* The service manager went away or is not ours: say it once, the
	 * daemon serves on. */
	if (!warned++)
		log_warn("NOTIFY_SOCKET %s", e);
	return RB_ESYS;
}

int
notify_ready(const char *status)
{
	char msg[NOTIFY_MSG_MAX];

	if (!notify_enabled())
		return RB_OK;
	if (status == NULL)
		return notify_send("READY=1");
	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%.*s", (int)strcspn(status,
	    "\n"), status);
	return notify_send(msg);
}

int
notify_reloading(void)
{
	struct timespec ts;
	char msg[64];

	if (!notify_enabled())
		return RB_OK;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
	return notify_send(msg);
}

int
notify_stopping(void)
{
	return notify_send("STOPPING=1");
}

int
notify_status(const char *fmt, ...)
{
	char text[NOTIFY_MSG_MAX - 8], msg[NOTIFY_MSG_MAX];
	va_list ap;

	if (!notify_enabled())
		return RB_OK;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	text[strcspn(text, "\n")] = '\0';
	snprintf(msg, sizeof(msg), "STATUS=%s", text);
	return notify_send(msg);
}

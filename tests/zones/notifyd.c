/*
 * tests/zones/notifyd.c - stand in for systemd's notification socket:
 * bind a Unix datagram socket and print each notification received.
 *
 *   notifyd SOCKET
 *
 * SOCKET is a path or, starting with '@', an abstract name: what
 * NOTIFY_SOCKET would hold.  Once bound, prints "bound SOCKET"; then one
 * line per datagram, "PID MESSAGE", the sender's PID (SO_PASSCRED, as
 * systemd checks NotifyAccess=main) and the message with its newlines
 * turned into spaces.  Lines are flushed as they come.  Runs until
 * SIGTERM or SIGINT; removes a path socket on the way out.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun;
	struct sigaction sa;
	socklen_t salen;
	const char *name;
	size_t len;
	int fd, on = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: notifyd /path|@abstract\n");
		return 1;
	}
	name = argv[1];
	len = strlen(name);
	if ((name[0] != '/' && name[0] != '@') || len < 2 ||
	    len >= sizeof(sun.sun_path)) {
		fprintf(stderr, "notifyd: %s: not a path or @name\n", name);
		return 1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, name, len);
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	    (name[0] == '/'));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, salen) == -1) {
		perror("notifyd");
		return 1;
	}
	/* No SA_RESTART: a signal ends the recvmsg below. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("bound %s\n", name);
	fflush(stdout);
	while (!stop) {
		char buf[4096], cbuf[CMSG_SPACE(sizeof(struct ucred))];
		struct iovec iov = { buf, sizeof(buf) - 1 };
		struct msghdr m;
		struct cmsghdr *cm;
		long pid = -1;
		ssize_t n, i;

		memset(&m, 0, sizeof(m));
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		if ((n = recvmsg(fd, &m, 0)) == -1) {
			if (errno == EINTR)
				continue;
			perror("notifyd: recvmsg");
			break;
		}
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_CREDENTIALS) {
				struct ucred uc;

				memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
				pid = (long)uc.pid;
			}
		for (i = 0; i < n; i++)
			if (buf[i] == '\n' || buf[i] == '\0')
				buf[i] = ' ';
		buf[n] = '\0';
		printf("%ld %s\n", pid, buf);
		fflush(stdout);
	}
	if (name[0] == '/')
		unlink(name);
	close(fd);
	return 0;
}

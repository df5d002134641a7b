/* feeder/input.c - see input.h */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>

#include "input.h"
#include "log.h"
#include "net.h"
#include "notify.h"
#include "util.h"

#define READ_BUF	(256 * 1024)

/* Lines out of a byte stream, with their end offsets; a line longer
 * than FEED_LINE_MAX is skipped to its newline. */
struct splitter {
	char		*buf;
	size_t		 len;
	uint64_t	 off;		/* source offset of buf[0] */
	int		 skipping;	/* inside an over-long line */
};

static int
split(struct feed *f, struct splitter *s, int final)
{
	size_t start = 0, i;
	int rc = RB_OK;

	while (start < s->len && rc == RB_OK) {
		char *nl = memchr(s->buf + start, '\n', s->len - start);

		if (nl == NULL)
			break;
		i = (size_t)(nl - s->buf);
		if (s->skipping)
			s->skipping = 0;
		else
			rc = feed_line(f, s->buf + start, i - start,
			    s->off + i + 1);
		start = i + 1;
	}
	if (final && start < s->len && !s->skipping && rc == RB_OK) {
		rc = feed_line(f, s->buf + start, s->len - start,
		    s->off + s->len);
		start = s->len;
	}
	/* The lines handed to feed_line() are the feed's, even the one whose
	 * batch the store refused (the feed keeps them for the next flush):
	 * consumed either way, or they would be handed over again. */
	memmove(s->buf, s->buf + start, s->len - start);
	s->len -= start;
	s->off += start;
	if (rc != RB_OK)
		return rc;
	if (s->len > FEED_LINE_MAX) {
		/* Over-long: count it once, drop what we have, skip the
		 * rest up to its newline. */
		if (!s->skipping)
			feed_line(f, s->buf, FEED_LINE_MAX + 1,
			    s->off + s->len);
		s->skipping = 1;
		s->off += s->len;
		s->len = 0;
	}
	return RB_OK;
}

int
input_stdin(struct feed *f)
{
	ssize_t n;
	size_t room;
	char *p;
	int rc = RB_OK;

	feed_source(f, "", 0);
	feed_bulk(f, 1);
	for (;;) {
		p = feed_room(f, &room);
		n = read(STDIN_FILENO, p, room);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			log_warn("stdin");
			rc = RB_ESYS;
			break;
		}
		/* Straight into the batch: no copy of a large log. */
		if ((rc = feed_filled(f, (size_t)n, n == 0)) != RB_OK || n == 0)
			break;
	}
	if (rc == RB_OK)
		rc = feed_flush(f);
	return rc;
}

/* --- follow --- */

struct follow {
	struct feed		*f;
	const char		*path;
	int			 fd;
	uint64_t		 ino;
	struct splitter		 s;
	struct event_base	*base;
	struct event		*tick;
	struct timeval		 every;
	int			 err;
};

static int
open_at(struct follow *fw, const char *path, uint64_t off)
{
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size < off)
		off = 0;	/* truncated while we were away */
	if (lseek(fd, (off_t)off, SEEK_SET) == -1) {
		close(fd);
		return -1;
	}
	if (fw->fd != -1)
		close(fw->fd);
	fw->fd = fd;
	fw->ino = (uint64_t)st.st_ino;
	fw->s.len = 0;
	fw->s.off = off;
	fw->s.skipping = 0;
	feed_source(fw->f, fw->path, fw->ino);
	return 0;
}

/* Read what is there; returns 1 at end of file. */
static int
drain(struct follow *fw)
{
	ssize_t n;

	for (;;) {
		n = read(fw->fd, fw->s.buf + fw->s.len, READ_BUF - fw->s.len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			log_warn("%s", fw->path);
			return 1;
		}
		if (n == 0)
			return 1;
		fw->s.len += (size_t)n;
		if (split(fw->f, &fw->s, 0) != RB_OK)
			return 1;	/* store trouble: retry next tick */
	}
}

static void
follow_tick(evutil_socket_t fd, short what, void *arg)
{
	struct follow *fw = arg;
	struct stat st, cur;

	(void)fd;
	(void)what;
	drain(fw);
	if (stat(fw->path, &st) == 0 && (uint64_t)st.st_ino != fw->ino) {
		/* Renamed and recreated: finish the old file, then the new
		 * one from its start. */
		drain(fw);
		split(fw->f, &fw->s, 1);
		feed_flush(fw->f);
		log_info("%s: rotated, following the new file", fw->path);
		if (open_at(fw, fw->path, 0) == -1)
			log_warn("%s", fw->path);
		else
			drain(fw);
	} else if (fstat(fw->fd, &cur) == 0 &&
	    (uint64_t)cur.st_size < fw->s.off) {
		/* copytruncate */
		log_info("%s: truncated, reading from its start", fw->path);
		lseek(fw->fd, 0, SEEK_SET);
		fw->s.len = 0;
		fw->s.off = 0;
		fw->s.skipping = 0;
		drain(fw);
	}
	feed_flush(fw->f);
}

/* SIGHUP: the caller's reload (input_set_reload), the feed of the loop
 * it runs in, what systemctl status is to say. */
static const char *(*reload_fn)(struct feed *, void *);
static void *reload_arg;
static struct feed *running;
static char status[300];

void
input_set_reload(const char *(*fn)(struct feed *, void *), void *arg)
{
	reload_fn = fn;
	reload_arg = arg;
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	const char *st;

	(void)what;
	if (sig == SIGHUP) {
		/* The store is read live and the file followed across
		 * rotation: a HUP is for the configuration and the rules,
		 * and one from logrotate must not stop the feeder. */
		notify_reloading();
		if (reload_fn != NULL && running != NULL &&
		    (st = reload_fn(running, reload_arg)) != NULL)
			notify_ready(st);
		else
			notify_ready(status);
		return;
	}
	notify_stopping();
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(arg);
}

static void
add_signals(struct event_base *base, struct event **ev)
{
	signal(SIGPIPE, SIG_IGN);
	ev[0] = evsignal_new(base, SIGTERM, on_signal, base);
	ev[1] = evsignal_new(base, SIGINT, on_signal, base);
	ev[2] = evsignal_new(base, SIGHUP, on_signal, base);
	evsignal_add(ev[0], NULL);
	evsignal_add(ev[1], NULL);
	evsignal_add(ev[2], NULL);
}

/* The input is open and the signals are caught: tell systemd. */
static void
ready(struct feed *f, const char *doing, const char *what)
{
	running = f;
	snprintf(status, sizeof(status), "%s %s", doing, what);
	notify_ready(status);
}

static void
free_signals(struct event **ev)
{
	event_free(ev[0]);
	event_free(ev[1]);
	event_free(ev[2]);
	running = NULL;
}

int
input_follow(struct feed *f, const char *path, int poll_ms)
{
	struct follow fw;
	struct event *sigs[3];
	struct stat st;
	uint64_t ino, off;
	char rotated[4096];
	int rc;

	memset(&fw, 0, sizeof(fw));
	fw.f = f;
	fw.path = path;
	fw.fd = -1;
	fw.s.buf = xmalloc(READ_BUF);
	if (stat(path, &st) == -1)
		fatal("%s", path);
	if (feed_checkpoint(f, path, &ino, &off) == RB_OK) {
		snprintf(rotated, sizeof(rotated), "%s.1", path);
		if (ino == (uint64_t)st.st_ino) {
			if (open_at(&fw, path, off) == -1)
				fatal("%s", path);
			log_info("%s: resuming at offset %llu", path,
			    (unsigned long long)fw.s.off);
		} else {
			struct stat old;

			/* Rotated while we were stopped: the rest of the
			 * old file first, if it is still there. */
			if (stat(rotated, &old) == 0 &&
			    (uint64_t)old.st_ino == ino &&
			    open_at(&fw, rotated, off) == 0) {
				log_info("%s: rotated while stopped, reading "
				    "the rest of %s", path, rotated);
				fw.path = path;
				drain(&fw);
				split(f, &fw.s, 1);
				feed_source(f, path, ino);
				feed_flush(f);
			}
			if (open_at(&fw, path, 0) == -1)
				fatal("%s", path);
		}
	} else if (open_at(&fw, path, 0) == -1)
		fatal("%s", path);
	if ((fw.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	add_signals(fw.base, sigs);
	fw.every.tv_sec = poll_ms / 1000;
	fw.every.tv_usec = (poll_ms % 1000) * 1000;
	fw.tick = event_new(fw.base, -1, EV_PERSIST, follow_tick, &fw);
	event_add(fw.tick, &fw.every);
	/* Ready once the file is open: catching up with a long backlog is
	 * work of the running service, not of its start. */
	ready(f, "following", path);
	follow_tick(-1, 0, &fw);
	rc = event_base_dispatch(fw.base);
	drain(&fw);
	feed_flush(f);
	event_free(fw.tick);
	free_signals(sigs);
	event_base_free(fw.base);
	close(fw.fd);
	free(fw.s.buf);
	return rc == -1 ? RB_ESYS : RB_OK;
}

/* --- syslog --- */

struct syslog_in {
	struct feed	*f;
	int		 fd;
	char		 buf[65536];
};

static void
syslog_read(evutil_socket_t fd, short what, void *arg)
{
	struct syslog_in *in = arg;
	int i;

	(void)what;
	for (i = 0; i < 256; i++) {
		ssize_t n = recv(fd, in->buf, sizeof(in->buf), MSG_DONTWAIT |
		    MSG_TRUNC);
		size_t len, start = 0, j;

		if (n <= 0)
			return;
		len = (size_t)n > sizeof(in->buf) ? sizeof(in->buf) :
		    (size_t)n;
		/* A datagram is one message; split one that holds more. */
		for (j = 0; j <= len; j++)
			if (j == len || in->buf[j] == '\n') {
				if (j > start)
					feed_line(in->f, in->buf + start,
					    j - start, 0);
				start = j + 1;
			}
	}
}

static void
syslog_flush(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	feed_flush(arg);
}

static int
syslog_socket(const char *spec)
{
	int fd;

	if (strncmp(spec, "unix:", 5) == 0) {
		struct sockaddr_un sun;
		const char *path = spec + 5;

		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(path) >= sizeof(sun.sun_path))
			fatalx("%s: path too long", spec);
		strcpy(sun.sun_path, path);
		if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0)) == -1)
			fatal("socket");
		unlink(path);
		if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
			fatal("%s", spec);
		/* The syslog daemon may run as another user. */
		chmod(path, 0666);
		return fd;
	}
	if (strncmp(spec, "udp:", 4) == 0) {
		struct sockaddr_storage ss;
		socklen_t len;
		int on = 1, size = 4 << 20;

		if (net_parse_addr(spec + 4, 514, &ss, &len) != RB_OK)
			fatalx("%s: expected udp:ADDR:PORT", spec);
		if ((fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0)) == -1)
			fatal("socket");
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
		if (bind(fd, (struct sockaddr *)&ss, len) == -1)
			fatal("%s", spec);
		return fd;
	}
	fatalx("%s: expected unix:/path or udp:ADDR:PORT", spec);
}

int
input_syslog(struct feed *f, const char *spec, int flush_ms)
{
	struct syslog_in *in = xcalloc(1, sizeof(*in));
	struct event_base *base;
	struct event *rd, *tick, *sigs[3];
	struct timeval every = { flush_ms / 1000, (flush_ms % 1000) * 1000 };
	int rc;

	in->f = f;
	in->fd = syslog_socket(spec);
	feed_source(f, "", 0);
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	add_signals(base, sigs);
	rd = event_new(base, in->fd, EV_READ | EV_PERSIST, syslog_read, in);
	tick = event_new(base, -1, EV_PERSIST, syslog_flush, f);
	event_add(rd, NULL);
	event_add(tick, &every);
	log_info("receiving syslog on %s", spec);
	ready(f, "receiving syslog on", spec);
	rc = event_base_dispatch(base);
	syslog_read(in->fd, 0, in);
	feed_flush(f);
	event_free(rd);
	event_free(tick);
	free_signals(sigs);
	event_base_free(base);
	close(in->fd);
	if (strncmp(spec, "unix:", 5) == 0)
		unlink(spec + 5);
	free(in);
	return rc == -1 ? RB_ESYS : RB_OK;
}

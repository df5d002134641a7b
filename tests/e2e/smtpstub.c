/*
 * tests/e2e/smtpstub.c - a tiny SMTP server that refuses some recipients,
 * for the end-to-end test with a real Postfix relay.
 *
 *   smtpstub -l ADDR:PORT -r RULES [-p PIDFILE] [-P] [-v]
 *
 * One process, one poll() loop, non-blocking sockets, up to MAX_CONN
 * clients at once.  It speaks what Postfix's smtp client needs: EHLO
 * (PIPELINING, 8BITMIME, ENHANCEDSTATUSCODES, SIZE; -P leaves PIPELINING
 * out), HELO, MAIL, RCPT, DATA, RSET, NOOP, VRFY, HELP, QUIT, with
 * pipelined commands answered in order.  Messages are read and thrown
 * away.  Lines are bounded (LINE_LIMIT): a longer command is answered
 * 500, a longer message line is skipped.  Nothing is printed unless -v
 * (then one line per command and per reply).  SIGTERM or SIGINT: exit 0,
 * removing the pid file, which is written once the socket listens (a
 * caller can wait for it).
 *
 * The rules file, one rule a line ('#' comments, blank lines ignored):
 *
 *   ADDRESS [STAGE] REPLY
 *
 * ADDRESS is a recipient, matched without case.  REPLY is one or more
 * reply lines separated by '|', each starting with its three-digit code;
 * the continuation marks are rewritten ("550-..." on all lines but the
 * last, "550 ..." on the last), so Gmail's
 *
 *   dead@example.com 550-5.1.1 The email account that you tried to reach does not exist.|550 5.1.1 Please check the address
 *
 * is answered to RCPT as two lines.  STAGE is
 *   rcpt  (default) the reply answers RCPT TO;
 *   data  RCPT is accepted, and the reply answers the end of DATA of
 *         any transaction that has this recipient (a refused message);
 *   grey  the reply answers RCPT the first time the recipient is seen
 *         from a given sender, RCPT is accepted afterwards (greylisting).
 * Any other recipient is accepted (250).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

#define LINE_LIMIT	1000		/* RFC 5321 text line, with CRLF */
#define IN_MAX		8192		/* pipelined commands read ahead */
#define OUT_MAX		16384
#define REPLY_MAX	2048		/* the longest reply we may queue */
#define MAX_CONN	32
#define MAX_RULES	256
#define MAX_GREY	256
#define ADDR_LEN	256

enum stage { ST_RCPT, ST_DATA, ST_GREY };

struct rule {
	char		 addr[ADDR_LEN];
	enum stage	 stage;
	char		 reply[REPLY_MAX];	/* CRLF-terminated lines */
};

struct conn {
	int		 fd;
	int		 greeted;
	int		 in_mail;
	int		 in_data;
	int		 skipping;	/* discarding an over-long line */
	int		 closing;	/* close once out is written */
	int		 nrcpt;
	char		 sender[ADDR_LEN];
	const struct rule *data_rule;
	char		 in[IN_MAX];
	size_t		 inlen;
	char		 out[OUT_MAX];
	size_t		 outlen;
};

static struct rule rules[MAX_RULES];
static int nrules;
static char grey_seen[MAX_GREY][2 * ADDR_LEN + 1];	/* "sender rcpt" */
static int ngrey;
static struct conn conns[MAX_CONN];
static int verbose;
static int no_pipelining;
static unsigned long accepted;
static volatile sig_atomic_t stop;

static void
usage(void)
{
	fprintf(stderr, "usage: smtpstub -l ADDR:PORT -r RULES "
	    "[-p PIDFILE] [-P] [-v]\n");
	exit(1);
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* "550-5.1.1 a|550 5.1.1 b" -> "550-5.1.1 a\r\n550 5.1.1 b\r\n". */
static int
format_reply(const char *src, char *dst, size_t dlen)
{
	size_t o = 0;

	for (;;) {
		const char *bar = strchr(src, '|');
		size_t n = bar ? (size_t)(bar - src) : strlen(src);
		const char *text = src + 3;
		size_t tlen;

		if (n < 3 || !isdigit((unsigned char)src[0]) ||
		    src[0] < '2' || src[0] > '5' ||
		    !isdigit((unsigned char)src[1]) ||
		    !isdigit((unsigned char)src[2]) ||
		    (n > 3 && src[3] != ' ' && src[3] != '-'))
			return -1;
		if (n > 3)
			text++;
		tlen = n - (size_t)(text - src);
		if (o + 4 + tlen + 2 >= dlen)
			return -1;
		memcpy(dst + o, src, 3);
		dst[o + 3] = bar ? '-' : ' ';
		memcpy(dst + o + 4, text, tlen);
		o += 4 + tlen;
		dst[o++] = '\r';
		dst[o++] = '\n';
		if (bar == NULL)
			break;
		src = bar + 1;
	}
	dst[o] = '\0';
	return 0;
}

static void
load_rules(const char *path)
{
	char line[4096];
	FILE *fp;
	int lineno = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "smtpstub: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *p = line, *addr, *word;
		struct rule *r;
		size_t n;

		lineno++;
		trim(line);
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		if (nrules == MAX_RULES) {
			fprintf(stderr, "smtpstub: %s:%d: too many rules\n",
			    path, lineno);
			exit(1);
		}
		r = &rules[nrules];
		addr = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		n = (size_t)(p - addr);
		while (isspace((unsigned char)*p))
			p++;
		word = p;
		r->stage = ST_RCPT;
		if (strncmp(word, "rcpt ", 5) == 0)
			p += 5;
		else if (strncmp(word, "data ", 5) == 0) {
			r->stage = ST_DATA;
			p += 5;
		} else if (strncmp(word, "grey ", 5) == 0) {
			r->stage = ST_GREY;
			p += 5;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (n == 0 || n >= sizeof(r->addr) ||
		    format_reply(p, r->reply, sizeof(r->reply)) < 0) {
			fprintf(stderr, "smtpstub: %s:%d: expected ADDRESS "
			    "[rcpt|data|grey] CODE TEXT[|CODE TEXT...]\n",
			    path, lineno);
			exit(1);
		}
		memcpy(r->addr, addr, n);
		r->addr[n] = '\0';
		nrules++;
	}
	if (ferror(fp)) {
		fprintf(stderr, "smtpstub: %s: read error\n", path);
		exit(1);
	}
	fclose(fp);
}

static const struct rule *
find_rule(const char *addr)
{
	int i;

	for (i = 0; i < nrules; i++)
		if (strcasecmp(rules[i].addr, addr) == 0)
			return &rules[i];
	return NULL;
}

/* First time for this (sender, recipient)?  Remembers it. */
static int
grey_first(const char *sender, const char *rcpt)
{
	char key[sizeof(grey_seen[0])];
	int i;

	snprintf(key, sizeof(key), "%s %s", sender, rcpt);
	for (i = 0; key[i]; i++)
		key[i] = (char)tolower((unsigned char)key[i]);
	for (i = 0; i < ngrey; i++)
		if (strcmp(grey_seen[i], key) == 0)
			return 0;
	if (ngrey < MAX_GREY)
		memcpy(grey_seen[ngrey++], key, sizeof(key));
	return 1;
}

/* Queue reply lines (CRLF-terminated text, or one line without). */
static void
say(struct conn *c, const char *text)
{
	size_t n = strlen(text);
	int crlf = n < 2 || text[n - 2] != '\r' || text[n - 1] != '\n';

	if (c->outlen + n + 2 > sizeof(c->out)) {
		c->closing = 1;		/* cannot happen: input is paced */
		return;
	}
	memcpy(c->out + c->outlen, text, n);
	c->outlen += n;
	if (crlf) {
		memcpy(c->out + c->outlen, "\r\n", 2);
		c->outlen += 2;
	}
	if (verbose)
		printf("%d > %.*s\n", c->fd, (int)(crlf ? n : n - 2), text);
}

static void
reset(struct conn *c)
{
	c->in_mail = 0;
	c->nrcpt = 0;
	c->sender[0] = '\0';
	c->data_rule = NULL;
}

/* The address of "FROM:<a> PARAMS" / "TO:<a>": into buf, "" for <>. */
static int
path_arg(const char *arg, const char *prefix, char *buf, size_t len)
{
	size_t n = strlen(prefix);
	const char *p, *e;

	if (strncasecmp(arg, prefix, n) != 0)
		return -1;
	p = arg + n;
	while (*p == ' ')
		p++;
	if (*p == '<') {
		p++;
		if ((e = strchr(p, '>')) == NULL)
			return -1;
	} else {
		e = p;
		while (*e && *e != ' ')
			e++;
	}
	if ((size_t)(e - p) >= len)
		return -1;
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return 0;
}

static void
command(struct conn *c, char *line)
{
	char verb[8], addr[ADDR_LEN];
	const char *arg;
	const struct rule *r;
	size_t n = 0;

	if (verbose)
		printf("%d < %s\n", c->fd, line);
	while (line[n] && line[n] != ' ' && n < sizeof(verb) - 1) {
		verb[n] = (char)toupper((unsigned char)line[n]);
		n++;
	}
	verb[n] = '\0';
	arg = line + n;
	while (*arg == ' ')
		arg++;

	if (strcmp(verb, "EHLO") == 0) {
		reset(c);
		c->greeted = 1;
		say(c, "250-smtpstub");
		if (!no_pipelining)
			say(c, "250-PIPELINING");
		say(c, "250-SIZE 10240000");
		say(c, "250-ENHANCEDSTATUSCODES");
		say(c, "250 8BITMIME");
	} else if (strcmp(verb, "HELO") == 0) {
		reset(c);
		c->greeted = 1;
		say(c, "250 smtpstub");
	} else if (strcmp(verb, "MAIL") == 0) {
		if (!c->greeted)
			say(c, "503 5.5.1 Error: send HELO/EHLO first");
		else if (c->in_mail)
			say(c, "503 5.5.1 Error: nested MAIL command");
		else if (path_arg(arg, "FROM:", addr, sizeof(addr)) < 0)
			say(c, "501 5.1.7 Bad sender address syntax");
		else {
			c->in_mail = 1;
			memcpy(c->sender, addr, sizeof(c->sender));
			say(c, "250 2.1.0 Ok");
		}
	} else if (strcmp(verb, "RCPT") == 0) {
		if (!c->in_mail)
			say(c, "503 5.5.1 Error: need MAIL command");
		else if (path_arg(arg, "TO:", addr, sizeof(addr)) < 0 ||
		    addr[0] == '\0')
			say(c, "501 5.1.3 Bad recipient address syntax");
		else if (c->nrcpt >= 1000)
			say(c, "452 4.5.3 Error: too many recipients");
		else if ((r = find_rule(addr)) != NULL &&
		    (r->stage == ST_RCPT ||
		    (r->stage == ST_GREY && grey_first(c->sender, addr))))
			say(c, r->reply);
		else {
			c->nrcpt++;
			if (r != NULL && r->stage == ST_DATA &&
			    c->data_rule == NULL)
				c->data_rule = r;
			say(c, "250 2.1.5 Ok");
		}
	} else if (strcmp(verb, "DATA") == 0) {
		if (!c->in_mail)
			say(c, "503 5.5.1 Error: need MAIL command");
		else if (c->nrcpt == 0)
			say(c, "554 5.5.1 Error: no valid recipients");
		else {
			c->in_data = 1;
			say(c, "354 End data with <CR><LF>.<CR><LF>");
		}
	} else if (strcmp(verb, "RSET") == 0) {
		reset(c);
		say(c, "250 2.0.0 Ok");
	} else if (strcmp(verb, "NOOP") == 0)
		say(c, "250 2.0.0 Ok");
	else if (strcmp(verb, "VRFY") == 0)
		say(c, "252 2.0.0 Cannot VRFY user");
	else if (strcmp(verb, "HELP") == 0)
		say(c, "214 2.0.0 See RFC 5321");
	else if (strcmp(verb, "QUIT") == 0) {
		say(c, "221 2.0.0 Bye");
		c->closing = 1;
	} else
		say(c, "502 5.5.2 Error: command not recognized");
}

/* One line of the message; "." ends it. */
static void
data_line(struct conn *c, const char *line)
{
	if (strcmp(line, ".") != 0)
		return;
	c->in_data = 0;
	if (c->data_rule != NULL)
		say(c, c->data_rule->reply);
	else {
		/* Not "queued as": from a loopback relay, rebond-feeder
		 * takes that for a content-filter hop. */
		accepted++;
		say(c, "250 2.0.0 Ok: message accepted");
	}
	reset(c);
}

/* Handle the complete lines read so far, as long as replies fit. */
static void
process(struct conn *c)
{
	size_t start = 0;
	int nolf = 0;

	while (!c->closing && c->outlen + REPLY_MAX <= sizeof(c->out)) {
		char *line = c->in + start;
		char *lf = memchr(line, '\n', c->inlen - start);
		size_t len;

		if (lf == NULL) {
			nolf = 1;
			break;
		}
		start = (size_t)(lf - c->in) + 1;
		len = (size_t)(lf - line);
		*lf = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (c->skipping)
			c->skipping = 0;	/* the tail of a long line */
		else if (len + 2 > LINE_LIMIT) {
			if (!c->in_data)
				say(c, "500 5.5.2 Error: line too long");
		} else if (c->in_data)
			data_line(c, line);
		else
			command(c, line);
	}
	memmove(c->in, c->in + start, c->inlen - start);
	c->inlen -= start;
	/* A full buffer without a line end: an over-long line. */
	if (nolf && c->inlen == sizeof(c->in)) {
		if (!c->in_data && !c->skipping)
			say(c, "500 5.5.2 Error: line too long");
		c->skipping = 1;
		c->inlen = 0;
	}
}

static void
drop(struct conn *c)
{
	if (verbose)
		printf("%d closed\n", c->fd);
	close(c->fd);
	c->fd = -1;
}

static void
flush_out(struct conn *c)
{
	while (c->outlen > 0) {
		ssize_t w = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				drop(c);
			return;
		}
		memmove(c->out, c->out + w, c->outlen - (size_t)w);
		c->outlen -= (size_t)w;
	}
	if (c->closing)
		drop(c);
}

static void
readable(struct conn *c)
{
	ssize_t r;

	if (c->inlen == sizeof(c->in)) {	/* cannot happen: paced */
		drop(c);
		return;
	}
	r = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);

	if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN &&
	    errno != EWOULDBLOCK)) {
		drop(c);
		return;
	}
	if (r > 0) {
		c->inlen += (size_t)r;
		process(c);
	}
}

static void
accept_one(int lfd)
{
	struct conn *c = NULL;
	int fd, i;

	if ((fd = accept(lfd, NULL, NULL)) < 0)
		return;
	for (i = 0; i < MAX_CONN; i++)
		if (conns[i].fd < 0) {
			c = &conns[i];
			break;
		}
	if (c == NULL) {
		static const char busy[] = "421 4.3.2 Too many connections\r\n";

		(void)send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
		close(fd);
		return;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	if (verbose)
		printf("%d connected\n", fd);
	say(c, "220 smtpstub ESMTP");
	flush_out(c);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct sigaction sa;
	struct pollfd pfd[MAX_CONN + 1];
	const char *listen_on = NULL, *rules_file = NULL, *pidfile = NULL;
	int ch, lfd, i, one = 1;

	while ((ch = getopt(argc, argv, "l:r:p:Pv")) != -1) {
		switch (ch) {
		case 'l': listen_on = optarg; break;
		case 'r': rules_file = optarg; break;
		case 'p': pidfile = optarg; break;
		case 'P': no_pipelining = 1; break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	if (optind != argc || listen_on == NULL || rules_file == NULL)
		usage();
	load_rules(rules_file);
	if (net_parse_addr(listen_on, 25, &ss, &sslen) != 0) {
		fprintf(stderr, "smtpstub: %s: expected ADDR:PORT\n",
		    listen_on);
		return 1;
	}
	if ((lfd = socket(ss.ss_family, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)&ss, sslen) < 0 ||
	    listen(lfd, 64) < 0) {
		fprintf(stderr, "smtpstub: %s: %s\n", listen_on,
		    strerror(errno));
		return 1;
	}
	fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (verbose)
		setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < MAX_CONN; i++)
		conns[i].fd = -1;
	if (pidfile != NULL) {
		char tmp[4096];
		FILE *fp;

		/* Written whole, then renamed: a reader sees all or none. */
		snprintf(tmp, sizeof(tmp), "%s.tmp", pidfile);
		if ((fp = fopen(tmp, "w")) == NULL ||
		    fprintf(fp, "%ld\n", (long)getpid()) < 0 ||
		    fclose(fp) != 0 || rename(tmp, pidfile) < 0) {
			fprintf(stderr, "smtpstub: %s: %s\n", pidfile,
			    strerror(errno));
			return 1;
		}
	}

	while (!stop) {
		int n = 0, map[MAX_CONN + 1];

		pfd[n].fd = lfd;
		pfd[n].events = POLLIN;
		map[n++] = -1;
		for (i = 0; i < MAX_CONN; i++) {
			struct conn *c = &conns[i];

			if (c->fd < 0)
				continue;
			pfd[n].fd = c->fd;
			pfd[n].events = 0;
			/* Pacing: no reading while replies wait. */
			if (c->outlen > 0)
				pfd[n].events = POLLOUT;
			else if (!c->closing)
				pfd[n].events = POLLIN;
			map[n++] = i;
		}
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "smtpstub: poll: %s\n",
			    strerror(errno));
			break;
		}
		for (i = 1; i < n; i++) {
			struct conn *c = &conns[map[i]];

			if (c->fd < 0 || pfd[i].revents == 0)
				continue;
			if (pfd[i].revents & POLLOUT) {
				flush_out(c);
				if (c->fd >= 0 && c->outlen == 0)
					process(c);	/* paced input */
				if (c->fd >= 0)
					flush_out(c);
			} else if (pfd[i].revents &
			    (POLLIN | POLLHUP | POLLERR)) {
				readable(c);
				if (c->fd >= 0)
					flush_out(c);
			}
		}
		if (pfd[0].revents & POLLIN)
			accept_one(lfd);
	}
	for (i = 0; i < MAX_CONN; i++)
		if (conns[i].fd >= 0)
			close(conns[i].fd);
	close(lfd);
	if (pidfile != NULL)
		unlink(pidfile);
	if (verbose)
		printf("exiting, %lu messages accepted\n", accepted);
	return 0;
}

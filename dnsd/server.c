/* dnsd/server.c - see server.h */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "answer.h"
#include "exporter.h"
#include "log.h"
#include "metrics.h"
#include "net.h"
#include "notify.h"
#include "policy.h"
#include "rrl.h"
#include "server.h"
#include "util.h"

#define UDP_BATCH	32
#define UDP_BUF		4096
#define UDP_ROUNDS	4	/* batches per callback before yielding */
#define TCP_OUT_MAX	(256 * 1024)
#define POL_OUT_MAX	(64 * 1024)	/* answers a client has not read */
#define HTTP_TIMEOUT	10		/* seconds, metrics requests */

struct udp_sock {
	int		 fd;
	struct event	*ev;
	struct server	*srv;
};

struct tcp_conn {
	TAILQ_ENTRY(tcp_conn)	 entry;
	struct bufferevent	*bev;
	struct server		*srv;
	struct sockaddr_storage	 peer;
	int			 allowed;
	int			 closing;	/* flush, then close */
};

/* A Postfix policy client: keep-alive, requests one after another. */
struct pol_conn {
	TAILQ_ENTRY(pol_conn)	 entry;		/* idle longest first */
	struct bufferevent	*bev;
	struct server		*srv;
	struct sockaddr_storage	 sa;
	char			 peer[64];
	int			 allowed;
	int			 closing;	/* flush, then close */
	struct policy_reader	 rd;
};

struct server {
	struct event_base	*base;
	struct store		*store;
	struct answer_zones	 zones;
	struct answer_stats	 stats;
	struct cidr		*acl;
	int			 nacl;
	struct udp_sock		*udp;
	int			 nudp;
	struct evconnlistener	**tcp;
	int			 ntcp;
	int			 tcp_clients;
	uint64_t		 tcp_accepted;
	TAILQ_HEAD(, tcp_conn)	 conns;
	int			 tcp_max;
	struct timeval		 tcp_timeout;
	struct event		*sigterm, *sigint, *sigusr1, *sighup;
	struct rrl		 rrl;
	struct evhttp		*http;		/* [dnsd] metrics, or NULL */
	int64_t			 start_time;
	char			 status[256];	/* what systemctl status shows */
	/* SIGHUP: what to read again, and what is in force. */
	int			 reloadable;
	const char		*cpath, *cdir;
	int			 verbose;
	const struct strlist	*listen_cl, *plisten_cl;  /* -l, -p or NULL */
	const struct conf	*boot;		/* at start: sockets, store */
	const struct conf	*cur;		/* in force */
	struct conf		*owned;		/* cur, after a reload */
	uint64_t		 reloads_ok, reloads_failed;
	int			 last_reload_ok;
	/* The Postfix policy service. */
	struct policy		 policy;
	struct evconnlistener	**pol;
	int			 npol;
	int			 pol_clients;
	TAILQ_HEAD(, pol_conn)	 pconns;
	struct timeval		 pol_timeout;
	char			 pol_out[POLICY_ANSWER_MAX];
	/* UDP batch buffers, reused: no allocation on the hot path. */
	uint8_t			 in[UDP_BATCH][UDP_BUF];
	uint8_t			 out[UDP_BATCH][UDP_BUF];
	struct sockaddr_storage	 from[UDP_BATCH];
	struct iovec		 iov_in[UDP_BATCH], iov_out[UDP_BATCH];
	struct mmsghdr		 msg_in[UDP_BATCH], msg_out[UDP_BATCH];
	uint8_t			 tcp_out[DNS_MAXMSG + 2];
};

static int
bind_socket(const struct sockaddr_storage *ss, socklen_t len, int type)
{
	int fd, on = 1;

	if ((fd = socket(ss->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (bind(fd, (const struct sockaddr *)ss, len) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static void
udp_read(evutil_socket_t fd, short what, void *arg)
{
	struct udp_sock *u = arg;
	struct server *s = u->srv;
	struct store_txn *txn;
	int64_t now = rb_now(), now_ms = 0;
	int round, i, n, nout, verdict;

	(void)what;
	for (round = 0; round < UDP_ROUNDS; round++) {
		for (i = 0; i < UDP_BATCH; i++) {
			s->iov_in[i].iov_base = s->in[i];
			s->iov_in[i].iov_len = UDP_BUF;
			memset(&s->msg_in[i], 0, sizeof(s->msg_in[i]));
			s->msg_in[i].msg_hdr.msg_iov = &s->iov_in[i];
			s->msg_in[i].msg_hdr.msg_iovlen = 1;
			s->msg_in[i].msg_hdr.msg_name = &s->from[i];
			s->msg_in[i].msg_hdr.msg_namelen = sizeof(s->from[i]);
		}
		n = recvmmsg(fd, s->msg_in, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			if (n == -1 && errno != EAGAIN && errno != EINTR)
				log_warn("recvmmsg");
			return;
		}
		if (s->rrl.rate != 0)
			now_ms = rrl_now_ms();
		/* One short read transaction for the whole batch. */
		txn = store_read(s->store);
		for (i = 0, nout = 0; i < n; i++) {
			struct msghdr *h = &s->msg_in[i].msg_hdr;
			const struct sockaddr *sa = h->msg_name;
			size_t len;

			if (h->msg_flags & MSG_TRUNC) {	/* oversize */
				s->stats.queries++;
				s->stats.dropped++;
				continue;
			}
			/* Rate limiting decides first: a dropped answer
			 * costs no parsing and no lookup. */
			verdict = RRL_PASS;
			if (s->rrl.rate != 0 && (verdict = rrl_check(&s->rrl,
			    sa, now_ms)) == RRL_DROP) {
				s->stats.queries++;
				continue;
			}
			len = answer_query(&s->zones, txn, s->in[i],
			    s->msg_in[i].msg_len, s->out[nout], UDP_BUF, 0,
			    cidr_match(s->acl, s->nacl, sa), now, &s->stats);
			if (len == 0)
				continue;
			if (verdict == RRL_SLIP)
				len = rrl_slip_answer(s->out[nout], len);
			s->iov_out[nout].iov_base = s->out[nout];
			s->iov_out[nout].iov_len = len;
			memset(&s->msg_out[nout], 0, sizeof(s->msg_out[nout]));
			s->msg_out[nout].msg_hdr.msg_iov = &s->iov_out[nout];
			s->msg_out[nout].msg_hdr.msg_iovlen = 1;
			s->msg_out[nout].msg_hdr.msg_name = h->msg_name;
			s->msg_out[nout].msg_hdr.msg_namelen = h->msg_namelen;
			nout++;
		}
		store_read_end(s->store);
		for (i = 0; i < nout; ) {
			int sent = sendmmsg(fd, s->msg_out + i,
			    (unsigned int)(nout - i), MSG_DONTWAIT);

			if (sent <= 0) {
				/* A full socket buffer loses these answers;
				 * clients retry, the server goes on. */
				if (sent == -1 && errno != EAGAIN)
					log_debug("sendmmsg: %s",
					    strerror(errno));
				break;
			}
			i += sent;
		}
		if (n < UDP_BATCH)
			return;
	}
}

static void
tcp_close(struct tcp_conn *c)
{
	c->srv->tcp_clients--;
	TAILQ_REMOVE(&c->srv->conns, c, entry);
	bufferevent_free(c->bev);
	free(c);
}

/* Stop reading; close once the answers already queued are sent. */
static void
tcp_finish(struct tcp_conn *c)
{
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		tcp_close(c);
		return;
	}
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
}

static void
tcp_read(struct bufferevent *bev, void *arg)
{
	struct tcp_conn *c = arg;
	struct server *s = c->srv;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer *out = bufferevent_get_output(bev);

	while (evbuffer_get_length(out) < TCP_OUT_MAX) {
		uint8_t hdr[2], *msg;
		size_t mlen, len;
		struct store_txn *txn;

		if (evbuffer_copyout(in, hdr, 2) != 2)
			return;
		mlen = (size_t)hdr[0] << 8 | hdr[1];
		if (evbuffer_get_length(in) < 2 + mlen)
			return;
		if ((msg = evbuffer_pullup(in, (ssize_t)(2 + mlen))) == NULL) {
			tcp_close(c);
			return;
		}
		txn = store_read(s->store);
		len = answer_query(&s->zones, txn, msg + 2, mlen,
		    s->tcp_out + 2, DNS_MAXMSG, 1, c->allowed, rb_now(),
		    &s->stats);
		store_read_end(s->store);
		evbuffer_drain(in, 2 + mlen);
		if (len == 0) {
			/* Not a query: this is not a DNS client.  The
			 * answers to its earlier queries still go out. */
			tcp_finish(c);
			return;
		}
		s->tcp_out[0] = (uint8_t)(len >> 8);
		s->tcp_out[1] = (uint8_t)len;
		evbuffer_add(out, s->tcp_out, len + 2);
	}
	/* Client does not read its answers: stop reading until it does. */
	bufferevent_disable(bev, EV_READ);
}

static void
tcp_write(struct bufferevent *bev, void *arg)
{
	struct tcp_conn *c = arg;

	if (c->closing) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			tcp_close(c);
		return;
	}
	/* Output drained below the low watermark: read again. */
	bufferevent_enable(bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_input(bev)) > 0)
		tcp_read(bev, arg);
}

static void
tcp_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	tcp_close(arg);
}

static void
tcp_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct server *s = arg;
	struct tcp_conn *c;

	(void)l;
	if (s->tcp_clients >= s->tcp_max) {
		log_debug("tcp: connection limit reached, closing a new one");
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->srv = s;
	if ((size_t)salen <= sizeof(c->peer))
		memcpy(&c->peer, sa, (size_t)salen);
	c->allowed = cidr_match(s->acl, s->nacl, sa);
	c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		close(fd);
		free(c);
		return;
	}
	s->tcp_clients++;
	s->tcp_accepted++;
	TAILQ_INSERT_TAIL(&s->conns, c, entry);
	bufferevent_setcb(c->bev, tcp_read, tcp_write, tcp_event, c);
	bufferevent_setwatermark(c->bev, EV_WRITE, TCP_OUT_MAX / 2, 0);
	bufferevent_setwatermark(c->bev, EV_READ, 0, 2 + DNS_MAXMSG);
	bufferevent_set_timeouts(c->bev, &s->tcp_timeout, &s->tcp_timeout);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void
tcp_accept_error(struct evconnlistener *l, void *arg)
{
	(void)l;
	(void)arg;
	/* EMFILE and friends: log and carry on; the loop keeps serving. */
	log_warn("tcp accept");
}

/* ---- the Postfix policy service (the logic is in policy.c) ---- */

static void
pol_close(struct pol_conn *c)
{
	c->srv->pol_clients--;
	TAILQ_REMOVE(&c->srv->pconns, c, entry);
	bufferevent_free(c->bev);
	free(c);
}

/* Stop reading; close once the answers already queued are sent. */
static void
pol_finish(struct pol_conn *c)
{
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		pol_close(c);
		return;
	}
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
}

static void
pol_read(struct bufferevent *bev, void *arg)
{
	struct pol_conn *c = arg;
	struct server *s = c->srv;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer *out = bufferevent_get_output(bev);
	int64_t now = rb_now();

	/* The most recently active last: the first is evicted first. */
	TAILQ_REMOVE(&s->pconns, c, entry);
	TAILQ_INSERT_TAIL(&s->pconns, c, entry);
	while (evbuffer_get_length(out) < POL_OUT_MAX) {
		struct evbuffer_iovec v;
		size_t used = 0, len;
		int rc;

		if (evbuffer_peek(in, -1, NULL, &v, 1) < 1 || v.iov_len == 0)
			return;
		rc = policy_read(&c->rd, v.iov_base, v.iov_len, &used);
		evbuffer_drain(in, used);
		if (rc == PR_CLOSE) {
			policy_warn(&s->policy, now, "%s: %d bytes without a "
			    "blank line: not a Postfix, closing", c->peer,
			    POLICY_JUNK_MAX);
			pol_finish(c);
			return;
		}
		if (rc != PR_REQUEST)
			continue;
		/* One short read transaction per request, in there. */
		len = policy_handle(&s->policy, s->store, &c->rd, c->allowed,
		    now, s->pol_out, sizeof(s->pol_out));
		evbuffer_add(out, s->pol_out, len);
	}
	/* Client does not read its answers: stop reading until it does. */
	bufferevent_disable(bev, EV_READ);
}

static void
pol_write(struct bufferevent *bev, void *arg)
{
	struct pol_conn *c = arg;

	if (c->closing) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			pol_close(c);
		return;
	}
	bufferevent_enable(bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_input(bev)) > 0)
		pol_read(bev, arg);
}

static void
pol_event(struct bufferevent *bev, short what, void *arg)
{
	struct pol_conn *c = arg;

	/* A client that shut its side down still gets its answers. */
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    evbuffer_get_length(bufferevent_get_output(bev)) > 0) {
		pol_finish(c);
		return;
	}
	pol_close(c);
}

static void
pol_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct server *s = arg;
	struct pol_conn *c, *old;
	int n = 0;

	(void)l;
	if (s->pol_clients >= s->tcp_max) {
		/* Postfix reconnects when a kept-alive connection was
		 * closed: make room by closing the one idle longest, among
		 * the first few that are between requests. */
		TAILQ_FOREACH(old, &s->pconns, entry) {
			if (!old->closing && !policy_reader_busy(&old->rd) &&
			    evbuffer_get_length(bufferevent_get_output(
			    old->bev)) == 0)
				break;
			if (++n == 8) {
				old = NULL;
				break;
			}
		}
		if (old == NULL) {
			policy_warn(&s->policy, rb_now(), "%d connections, "
			    "all busy: closing a new one", s->pol_clients);
			close(fd);
			return;
		}
		log_debug("policy: %d connections: closing %s, idle longest",
		    s->pol_clients, old->peer);
		pol_close(old);
	}
	c = xcalloc(1, sizeof(*c));
	c->srv = s;
	if ((size_t)salen <= sizeof(c->sa))
		memcpy(&c->sa, sa, (size_t)salen);
	net_format_addr(sa, c->peer, sizeof(c->peer));
	c->allowed = cidr_match(s->acl, s->nacl, sa);
	policy_reader_init(&c->rd);
	c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		close(fd);
		free(c);
		return;
	}
	if (!c->allowed)
		policy_warn(&s->policy, rb_now(), "%s is outside the acl: "
		    "DUNNO to all its requests", c->peer);
	s->pol_clients++;
	TAILQ_INSERT_TAIL(&s->pconns, c, entry);
	bufferevent_setcb(c->bev, pol_read, pol_write, pol_event, c);
	bufferevent_setwatermark(c->bev, EV_WRITE, POL_OUT_MAX / 2, 0);
	bufferevent_set_timeouts(c->bev, &s->pol_timeout, &s->pol_timeout);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/* ---- metrics: GET /metrics on [dnsd] metrics (exporter.h) ---- */

static void
metrics_get(struct evhttp_request *req, void *arg)
{
	struct server *s = arg;
	struct exporter_view v;
	struct evbuffer *buf;
	char *text = NULL;
	size_t tlen = 0;
	int rc;

	if ((buf = evbuffer_new()) == NULL) {
		evhttp_send_error(req, HTTP_SERVUNAVAIL, NULL);
		return;
	}
	memset(&v, 0, sizeof(v));
	v.dns = &s->stats;
	v.policy = &s->policy.stats;
	v.rrl = &s->rrl;
	v.tcp_accepted = s->tcp_accepted;
	v.tcp_clients = s->tcp_clients;
	v.policy_clients = s->pol_clients;
	v.start_time = s->start_time;
	v.reloads_ok = s->reloads_ok;
	v.reloads_failed = s->reloads_failed;
	v.last_reload_ok = s->last_reload_ok;
	exporter_write(buf, &v);
	/* Then the store's figures (zones/metrics.h: listings by zone and
	 * code, store size, feeder events), from LMDB's statistics: a few
	 * milliseconds however many listings, between two batches. */
	if ((rc = metrics_store_buf(s->store, &text, &tlen, NULL)) == RB_OK)
		evbuffer_add(buf, text, tlen);
	else
		log_warnx("metrics: the store's figures: %s", rb_strerror(rc));
	free(text);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, HTTP_OK, "OK", buf);
	evbuffer_free(buf);
}

static void
metrics_other(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_send_error(req, HTTP_NOTFOUND, NULL);
}

static void
metrics_listen(struct server *s, const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	if (net_parse_addr(addr, 0, &ss, &len) != RB_OK)
		fatalx("metrics: '%s' is not ADDR:PORT or [ADDR]:PORT", addr);
	if ((fd = bind_socket(&ss, len, SOCK_STREAM)) == -1 ||
	    listen(fd, 16) == -1)
		fatal("metrics %s", addr);
	if ((s->http = evhttp_new(s->base)) == NULL)
		fatalx("evhttp_new failed");
	evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET);
	evhttp_set_timeout(s->http, HTTP_TIMEOUT);
	evhttp_set_max_headers_size(s->http, 8192);
	evhttp_set_max_body_size(s->http, 0);
	evhttp_set_cb(s->http, "/metrics", metrics_get, s);
	evhttp_set_gencb(s->http, metrics_other, s);
	if (evhttp_accept_socket_with_handle(s->http, fd) == NULL)
		fatal("metrics %s", addr);
	log_info("metrics on http://%s/metrics", addr);
}

/* ---- SIGHUP: the configuration again ---- */

static void
set_status(struct server *s, const struct conf *c, const char *what)
{
	const struct strlist *l = s->listen_cl ? s->listen_cl : &c->listen;
	const struct strlist *pl = s->plisten_cl ? s->plisten_cl :
	    &c->policy_listen;

	snprintf(s->status, sizeof(s->status), "%s%sDNS on %s%s%s%s%s",
	    what ? what : "", what ? "; " : "", l->n ? l->v[0] : "-",
	    l->n > 1 ? " and more" : "", pl->n ? ", policy service on " : "",
	    pl->n ? pl->v[0] : "", s->rrl.rate ? ", rate limiting" : "");
}

/* Two passes: what changed against the configuration in force and is
 * applied now; what differs from the configuration the sockets and the
 * store were set up with, and takes a restart (said at every reload
 * until then). */
struct reload_diff {
	const struct server	*s;
	int			 restart_pass;
	char			 applied[512];
	char			 restart[512];
};

static void
add_word(char *buf, size_t len, const char *section, const char *name)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s.%s", n ? " " : "", section, name);
}

/* Sort the changed options of rebond-dnsd's sections into those applied
 * now and those that need a restart (sockets, the store). */
static void
diff_one(const char *section, const char *name, void *arg)
{
	struct reload_diff *d = arg;
	int restart;

	if (strcmp(section, "dnsd") == 0) {
		if ((strcmp(name, "listen") == 0 && d->s->listen_cl) ||
		    (strcmp(name, "policy-listen") == 0 && d->s->plisten_cl))
			return;		/* -l and -p win over the file */
		restart = strcmp(name, "listen") == 0 ||
		    strcmp(name, "policy-listen") == 0 ||
		    strcmp(name, "metrics") == 0;
	} else if (strcmp(section, "global") == 0)
		restart = strcmp(name, "state-dir") == 0 ||
		    strcmp(name, "map-size") == 0 || strcmp(name, "user") == 0;
	else if (strcmp(section, "zones") == 0 ||
	    strcmp(section, "policy-service") == 0)
		restart = 0;
	else
		return;		/* [policy], [feeder], [sync]: others' */
	if (restart && d->restart_pass)
		add_word(d->restart, sizeof(d->restart), section, name);
	else if (!restart && !d->restart_pass)
		add_word(d->applied, sizeof(d->applied), section, name);
}

static void
reload_failed(struct server *s, const char *err)
{
	char what[200];

	log_warnx("SIGHUP: %s; the configuration in force is kept", err);
	s->reloads_failed++;
	s->last_reload_ok = 0;
	snprintf(what, sizeof(what), "reload failed: %.150s", err);
	set_status(s, s->cur, what);
	notify_ready(s->status);
}

static void
server_reload(struct server *s)
{
	struct reload_diff d;
	struct conf *nc;
	struct answer_zones z;
	struct policy pol;
	struct cidr *acl;
	struct tcp_conn *tc;
	struct pol_conn *pc;
	const char *file;
	char err[600];
	int i;

	notify_reloading();
	nc = xcalloc(1, sizeof(*nc));
	if (conf_read(nc, s->cpath, s->cdir, err, sizeof(err)) != RB_OK ||
	    server_check(nc, s->listen_cl ? s->listen_cl : &nc->listen,
	    s->plisten_cl ? s->plisten_cl : &nc->policy_listen, err,
	    sizeof(err)) != RB_OK ||
	    answer_zones_init(&z, nc, err, sizeof(err)) != RB_OK) {
		reload_failed(s, err);
		conf_free(nc);
		free(nc);
		return;
	}
	if (policy_init(&pol, nc, err, sizeof(err)) != RB_OK) {
		reload_failed(s, err);
		conf_free(nc);
		free(nc);
		return;
	}
	acl = xcalloc((size_t)nc->acl.n + 1, sizeof(*acl));
	for (i = 0; i < nc->acl.n; i++)
		cidr_parse(nc->acl.v[i], &acl[i]);	/* checked above */

	memset(&d, 0, sizeof(d));
	d.s = s;
	conf_diff(s->cur, nc, diff_one, &d);
	d.restart_pass = 1;
	conf_diff(s->boot, nc, diff_one, &d);
	file = nc->path ? nc->path : "the embedded defaults";
	log_info("SIGHUP: reloaded %s: %s%s%s%s", file,
	    d.applied[0] ? "applied " : "no change to apply",
	    d.applied, d.restart[0] ? "; a restart is needed for " : "",
	    d.restart);

	/* Nothing fails from here on. */
	s->zones = z;
	free(s->acl);
	s->acl = acl;
	s->nacl = nc->acl.n;
	TAILQ_FOREACH(tc, &s->conns, entry)
		tc->allowed = cidr_match(s->acl, s->nacl,
		    (struct sockaddr *)&tc->peer);
	policy_reload(&s->policy, &pol);
	s->tcp_max = (int)nc->tcp_clients;
	s->tcp_timeout.tv_sec = nc->tcp_timeout;
	s->pol_timeout.tv_sec = nc->policy_timeout;
	TAILQ_FOREACH(tc, &s->conns, entry)
		if (!tc->closing)
			bufferevent_set_timeouts(tc->bev, &s->tcp_timeout,
			    &s->tcp_timeout);
	TAILQ_FOREACH(pc, &s->pconns, entry) {
		int was = pc->allowed;

		pc->allowed = cidr_match(s->acl, s->nacl,
		    (struct sockaddr *)&pc->sa);
		if (was && !pc->allowed)
			policy_warn(&s->policy, rb_now(), "%s is now outside "
			    "the acl: DUNNO to all its requests", pc->peer);
		if (!pc->closing)
			bufferevent_set_timeouts(pc->bev, &s->pol_timeout,
			    &s->pol_timeout);
	}
	rrl_configure(&s->rrl, nc);
	if (!s->verbose)
		log_setlevel(conf_log_level(nc));
	if (s->owned != NULL) {
		conf_free(s->owned);
		free(s->owned);
	}
	s->owned = nc;
	s->cur = nc;
	s->reloads_ok++;
	s->last_reload_ok = 1;
	set_status(s, nc, d.restart[0] ? "reloaded, restart needed" :
	    "reloaded");
	notify_ready(s->status);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;

	(void)what;
	if (sig == SIGHUP) {
		/* Listings are read live from the store: a reload is for
		 * the configuration.  Not dying on HUP keeps a stray signal
		 * from stopping DNS. */
		if (s->reloadable)
			server_reload(s);
		else {
			notify_reloading();
			log_info("SIGHUP: listings need no reload");
			notify_ready(s->status);
		}
		return;
	}
	if (sig == SIGUSR1) {
		log_info("queries %llu dropped %llu truncated %llu noerror %llu "
		    "nxdomain %llu refused %llu formerr %llu servfail %llu "
		    "rrl slipped %llu dropped %llu tcp clients %d",
		    (unsigned long long)s->stats.queries,
		    (unsigned long long)s->stats.dropped,
		    (unsigned long long)s->stats.truncated,
		    (unsigned long long)s->stats.rcode[RC_NOERROR],
		    (unsigned long long)s->stats.rcode[RC_NXDOMAIN],
		    (unsigned long long)s->stats.rcode[RC_REFUSED],
		    (unsigned long long)s->stats.rcode[RC_FORMERR],
		    (unsigned long long)s->stats.rcode[RC_SERVFAIL],
		    (unsigned long long)s->rrl.slipped,
		    (unsigned long long)s->rrl.dropped,
		    s->tcp_clients);
		if (s->npol > 0) {
			const struct policy_stats *p = &s->policy.stats;

			log_info("policy requests %llu dunno %llu warn %llu "
			    "hold %llu defer %llu reject %llu throttled %llu "
			    "malformed %llu oversize %llu refused %llu "
			    "errors %llu clients %d",
			    (unsigned long long)p->requests,
			    (unsigned long long)p->action[PA_DUNNO],
			    (unsigned long long)p->action[PA_WARN],
			    (unsigned long long)p->action[PA_HOLD],
			    (unsigned long long)p->action[PA_DEFER],
			    (unsigned long long)p->action[PA_REJECT],
			    (unsigned long long)p->throttled,
			    (unsigned long long)p->malformed,
			    (unsigned long long)p->oversize,
			    (unsigned long long)p->refused,
			    (unsigned long long)p->errors, s->pol_clients);
		}
		return;
	}
	notify_stopping();
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(s->base);
}

int
server_check(const struct conf *c, const struct strlist *listen,
    const struct strlist *plisten, char *err, size_t errlen)
{
	struct answer_zones z;
	struct policy pol;
	struct sockaddr_storage ss;
	struct cidr cidr;
	socklen_t len;
	const char *file = c->path ? c->path : "", *sep = c->path ? ": " : "";
	char why[256];
	int i;

	if (answer_zones_init(&z, c, why, sizeof(why)) != RB_OK) {
		snprintf(err, errlen, "%s%s%s", file, sep, why);
		return RB_EINVAL;
	}
	for (i = 0; i < c->acl.n; i++)
		if (cidr_parse(c->acl.v[i], &cidr) != RB_OK) {
			snprintf(err, errlen, "%s%sacl: '%s' is not an address "
			    "prefix", file, sep, c->acl.v[i]);
			return RB_EINVAL;
		}
	if (policy_init(&pol, c, why, sizeof(why)) != RB_OK) {
		snprintf(err, errlen, "%s%s%s", file, sep, why);
		return RB_EINVAL;
	}
	policy_free(&pol);
	if (listen->n == 0 && plisten->n == 0) {
		snprintf(err, errlen, "%s%snothing to listen on",
		    listen == &c->listen ? file : "",
		    listen == &c->listen ? sep : "");
		return RB_EINVAL;
	}
	/* -l and -p replace the file's lists: name the file only for
	 * those. */
	for (i = 0; i < listen->n; i++)
		if (net_parse_addr(listen->v[i], 53, &ss, &len) != RB_OK) {
			snprintf(err, errlen, "%s%slisten: '%s' is not "
			    "ADDR:PORT or [ADDR]:PORT",
			    listen == &c->listen ? file : "",
			    listen == &c->listen ? sep : "", listen->v[i]);
			return RB_EINVAL;
		}
	for (i = 0; i < plisten->n; i++)
		if (net_parse_addr(plisten->v[i], POLICY_DEFAULT_PORT, &ss,
		    &len) != RB_OK) {
			snprintf(err, errlen, "%s%spolicy-listen: '%s' is not "
			    "ADDR:PORT or [ADDR]:PORT",
			    plisten == &c->policy_listen ? file : "",
			    plisten == &c->policy_listen ? sep : "",
			    plisten->v[i]);
			return RB_EINVAL;
		}
	if (c->metrics[0] && net_parse_addr(c->metrics, 0, &ss, &len) !=
	    RB_OK) {
		snprintf(err, errlen, "%s%smetrics: '%s' is not ADDR:PORT or "
		    "[ADDR]:PORT", file, sep, c->metrics);
		return RB_EINVAL;
	}
	return RB_OK;
}

struct server *
server_new(const struct conf *c, const struct strlist *listen,
    const struct strlist *plisten)
{
	struct server *s;
	char err[512];
	int i;

	if (server_check(c, listen, plisten, err, sizeof(err)) != RB_OK)
		fatalx("%s", err);
	s = xcalloc(1, sizeof(*s));
	if (answer_zones_init(&s->zones, c, err, sizeof(err)) != RB_OK)
		fatalx("%s", err);
	s->acl = xcalloc((size_t)c->acl.n + 1, sizeof(*s->acl));
	for (i = 0; i < c->acl.n; i++)
		if (cidr_parse(c->acl.v[i], &s->acl[i]) != RB_OK)
			fatalx("acl: '%s' is not an address prefix",
			    c->acl.v[i]);
	s->nacl = c->acl.n;
	s->tcp_max = (int)c->tcp_clients;
	TAILQ_INIT(&s->conns);
	s->tcp_timeout.tv_sec = c->tcp_timeout;
	TAILQ_INIT(&s->pconns);
	s->pol_timeout.tv_sec = c->policy_timeout;
	if (policy_init(&s->policy, c, err, sizeof(err)) != RB_OK)
		fatalx("%s", err);
	rrl_configure(&s->rrl, c);
	s->boot = s->cur = c;
	s->listen_cl = listen == &c->listen ? NULL : listen;
	s->plisten_cl = plisten == &c->policy_listen ? NULL : plisten;
	s->start_time = rb_now();
	s->last_reload_ok = 1;
	if ((s->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	s->udp = xcalloc((size_t)listen->n + 1, sizeof(*s->udp));
	s->tcp = xcalloc((size_t)listen->n + 1, sizeof(*s->tcp));
	s->pol = xcalloc((size_t)plisten->n + 1, sizeof(*s->pol));
	for (i = 0; i < listen->n; i++) {
		struct sockaddr_storage ss;
		socklen_t len;
		int fd, rcvbuf = 4 << 20;

		if (net_parse_addr(listen->v[i], 53, &ss, &len) != RB_OK)
			fatalx("listen: '%s' is not ADDR:PORT or [ADDR]:PORT",
			    listen->v[i]);
		if ((fd = bind_socket(&ss, len, SOCK_DGRAM)) == -1)
			fatal("udp %s", listen->v[i]);
		/* Room for the queries of a burst while the loop is busy (the
		 * default, 208 KiB, holds about 200): under a 50k q/s flood
		 * the kernel dropped 0.2 to 2% of a client's queries with it
		 * (bench/flood-netns.sh).  The kernel caps it at
		 * net.core.rmem_max: 208 KiB too unless raised. */
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf));
		s->udp[i].fd = fd;
		s->udp[i].srv = s;
		s->udp[i].ev = event_new(s->base, fd, EV_READ | EV_PERSIST,
		    udp_read, &s->udp[i]);
		event_add(s->udp[i].ev, NULL);
		s->nudp++;
		if ((fd = bind_socket(&ss, len, SOCK_STREAM)) == -1)
			fatal("tcp %s", listen->v[i]);
		s->tcp[i] = evconnlistener_new(s->base, tcp_accept, s,
		    LEV_OPT_CLOSE_ON_FREE, 128, fd);
		if (s->tcp[i] == NULL)
			fatal("tcp listen %s", listen->v[i]);
		evconnlistener_set_error_cb(s->tcp[i], tcp_accept_error);
		s->ntcp++;
		log_info("listening on %s (udp, tcp)", listen->v[i]);
	}
	for (i = 0; i < plisten->n; i++) {
		struct sockaddr_storage ss;
		socklen_t len;
		int fd;

		if (net_parse_addr(plisten->v[i], POLICY_DEFAULT_PORT, &ss,
		    &len) != RB_OK)
			fatalx("policy-listen: '%s' is not ADDR:PORT or "
			    "[ADDR]:PORT", plisten->v[i]);
		if ((fd = bind_socket(&ss, len, SOCK_STREAM)) == -1)
			fatal("policy %s", plisten->v[i]);
		s->pol[i] = evconnlistener_new(s->base, pol_accept, s,
		    LEV_OPT_CLOSE_ON_FREE, 128, fd);
		if (s->pol[i] == NULL)
			fatal("policy listen %s", plisten->v[i]);
		evconnlistener_set_error_cb(s->pol[i], tcp_accept_error);
		s->npol++;
		log_info("Postfix policy service on %s", plisten->v[i]);
	}
	if (c->metrics[0])
		metrics_listen(s, c->metrics);
	if (s->rrl.rate)
		log_info("rate limiting UDP answers: %lld a second per /%d "
		    "IPv4 or /%d IPv6 prefix, slip %d", (long long)s->rrl.rate,
		    s->rrl.v4bits, s->rrl.v6bits, s->rrl.slip);
	set_status(s, c, NULL);
	return s;
}

void
server_set_reload(struct server *s, const char *path, const char *dir,
    int verbose)
{
	s->reloadable = 1;
	s->cpath = path;
	s->cdir = dir;
	s->verbose = verbose;
}

int
server_run(struct server *s, struct store *st)
{
	s->store = st;
	signal(SIGPIPE, SIG_IGN);
	s->sigterm = evsignal_new(s->base, SIGTERM, on_signal, s);
	s->sigint = evsignal_new(s->base, SIGINT, on_signal, s);
	s->sigusr1 = evsignal_new(s->base, SIGUSR1, on_signal, s);
	s->sighup = evsignal_new(s->base, SIGHUP, on_signal, s);
	evsignal_add(s->sighup, NULL);
	evsignal_add(s->sigterm, NULL);
	evsignal_add(s->sigint, NULL);
	evsignal_add(s->sigusr1, NULL);
	/* Sockets bound, store open, signals caught: queries that arrive
	 * now are answered. */
	notify_ready(s->status);
	return event_base_dispatch(s->base) == -1 ? RB_ESYS : RB_OK;
}

void
server_free(struct server *s)
{
	int i;

	if (s == NULL)
		return;
	while (!TAILQ_EMPTY(&s->conns))
		tcp_close(TAILQ_FIRST(&s->conns));
	while (!TAILQ_EMPTY(&s->pconns))
		pol_close(TAILQ_FIRST(&s->pconns));
	for (i = 0; i < s->npol; i++)
		evconnlistener_free(s->pol[i]);
	if (s->http != NULL)
		evhttp_free(s->http);
	policy_free(&s->policy);
	rrl_free(&s->rrl);
	if (s->owned != NULL) {
		conf_free(s->owned);
		free(s->owned);
	}
	for (i = 0; i < s->nudp; i++) {
		event_free(s->udp[i].ev);
		close(s->udp[i].fd);
	}
	for (i = 0; i < s->ntcp; i++)
		evconnlistener_free(s->tcp[i]);
	if (s->sigterm) {
		event_free(s->sigterm);
		event_free(s->sigint);
		event_free(s->sigusr1);
		event_free(s->sighup);
	}
	event_base_free(s->base);
	free(s->udp);
	free(s->tcp);
	free(s->pol);
	free(s->acl);
	free(s);
}

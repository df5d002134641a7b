/* rebond-sync: signed federation between trusted relays.  One libevent
 * loop serves the peers (httpd.c) and pulls from them (client.c); the
 * identity, batch, apply and serve layers are in libsync.a. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "conf.h"
#include "key.h"
#include "log.h"
#include "net.h"
#include "notify.h"
#include "peer.h"
#include "priv.h"
#include "store.h"
#include "syncd.h"
#include "util.h"

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: rebond-sync [-nv] [-c FILE] [-d DIR] [-l ADDR:PORT]... "
	    "[-u USER]\n"
	    "  -c FILE  configuration file (default: embedded defaults, or "
	    CONF_DEFAULT_PATH " if present)\n"
	    "  -d DIR   state directory (overrides the configuration)\n"
	    "  -l ADDR:PORT  serve peers there (repeatable; overrides "
	    "[sync] listen)\n"
	    "  -u USER  started as root: the user to switch to once the key, "
	    "the store and\n"
	    "           the sockets are open (default: [global] user, rebond; "
	    "root stays root)\n"
	    "  -n       check the configuration and the key file, and exit\n"
	    "  -v       debug logging\n"
	    "  --version\n");
	exit(status);
}

/* Make the store's origin 0 carry the key of the key file. */
static int
set_self_key(struct store_txn *t, void *arg)
{
	int changed, rc;

	if ((rc = self_key_set(t, arg, &changed)) == RB_OK && changed)
		log_warnx("the node key differs from the one the store knew: "
		    "this node now signs as a new origin, tell the peers its "
		    "new id");
	return rc;
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct syncd *d = arg;

	(void)what;
	if (sig == SIGHUP) {
		notify_reloading();
		log_info("SIGHUP: reading the peers again");
		client_reload(d);
		notify_ready("serving and pulling");
		return;
	}
	log_info("stopping on signal %d", (int)sig);
	notify_stopping();
	event_base_loopbreak(d->base);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct conf conf;
	struct syncd d;
	struct event *sigs[4];
	static const int signos[4] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct strlist listen = { NULL, 0 };
	struct store *store;
	struct priv priv;
	struct sockaddr_storage ss;
	socklen_t sslen;
	uint8_t sk[KEY_SK_LEN], pk[KEY_PK_LEN];
	const char *cpath = NULL, *dir = NULL, *user = NULL;
	char err[512], id[KEY_B64_LEN + 1], *path;
	int ch, check = 0, verbose = 0, i, rc;

	while ((ch = getopt_long(argc, argv, "c:d:hl:nu:v", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c': cpath = optarg; break;
		case 'd': dir = optarg; break;
		case 'l':
			listen.v = xrealloc(listen.v, (listen.n + 1) *
			    sizeof(*listen.v));
			listen.v[listen.n++] = optarg;
			break;
		case 'n': check = 1; break;
		case 'u': user = optarg; break;
		case 'v': verbose = 1; break;
		case 'V':
			printf("rebond-sync %s\n", PACKAGE_VERSION);
			return 0;
		case 'h': usage(0); break;
		default: usage(1);
		}
	}
	if (optind != argc)
		usage(1);
	log_init("rebond-sync", 1, verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if (sodium_init() < 0)
		fatalx("libsodium cannot be initialised");
	conf_setup(&conf, cpath, dir);
	if (listen.n == 0) {
		listen.v = xcalloc(conf.sync_listen.n + 1, sizeof(*listen.v));
		for (i = 0; i < conf.sync_listen.n; i++)
			listen.v[listen.n++] = conf.sync_listen.v[i];
	}
	for (i = 0; i < listen.n; i++)
		if (net_parse_addr(listen.v[i], 8853, &ss, &sslen) != RB_OK)
			fatalx("listen %s: expected ADDR:PORT", listen.v[i]);
	if (priv_setup(&priv, user, conf.user, err, sizeof(err)) != RB_OK)
		fatalx("%s", err);
	/* Read as root when started so: the key may be root's alone. */
	path = key_path(&conf);
	rc = key_load_for(path, priv.uid, sk, pk, err, sizeof(err));
	if (check) {
		/* A missing key is fine here: it is created on first start. */
		if (rc != RB_OK && rc != RB_ENOENT)
			fatalx("%s", err);
		printf("%s: configuration OK%s\n", cpath ? cpath : "defaults",
		    rc == RB_ENOENT ? " (no node key yet)" : "");
		goto out;
	}
	if (rc == RB_ENOENT) {
		/* First start: create the identity (root's, when started as
		 * root: read before the switch, by nobody after it). */
		if (priv_mkdir(&priv, conf.state_dir) != RB_OK)
			fatal("%s", conf.state_dir);
		if (key_generate(path, NULL, err, sizeof(err)) != RB_OK ||
		    key_load(path, sk, pk, err, sizeof(err)) != RB_OK)
			fatalx("%s", err);
		key_pubkey_b64(pk, id, sizeof(id));
		log_info("created the node key %s, node id %s", path, id);
	} else if (rc != RB_OK)
		fatalx("%s", err);
	key_pubkey_b64(pk, id, sizeof(id));
	if (priv_mkdir(&priv, conf.state_dir) != RB_OK)
		fatal("%s", conf.state_dir);
	if (store_open(&store, conf.state_dir, conf.map_size, 0, err,
	    sizeof(err)) != RB_OK ||
	    priv_store(&priv, conf.state_dir, err, sizeof(err)) != RB_OK)
		fatalx("%s", err);
	if ((rc = store_write(store, set_self_key, pk)) != RB_OK)
		fatalx("%s: cannot record the node id: %s", conf.state_dir,
		    rb_strerror(rc));
	memset(&d, 0, sizeof(d));
	d.store = store;
	d.conf = &conf;
	memcpy(d.sk, sk, sizeof(sk));
	memcpy(d.pk, pk, sizeof(pk));
	key_wipe(sk, sizeof(sk));
	memcpy(d.id, id, sizeof(d.id));
	d.started = time(NULL);
	d.wait = conf.sync_wait;
	d.rate = conf.sync_rate;
	d.retry_max = conf.sync_retry_max;
	if ((d.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	for (i = 0; i < 4; i++) {
		sigs[i] = evsignal_new(d.base, signos[i], on_signal, &d);
		if (signos[i] != SIGPIPE)
			evsignal_add(sigs[i], NULL);
	}
	signal(SIGPIPE, SIG_IGN);
	if (httpd_start(&d, (const char *const *)listen.v, listen.n, err,
	    sizeof(err)) != RB_OK)
		fatalx("%s", err);
	/* Key read, store open, sockets bound: nothing more needs root. */
	if (priv_drop(&priv, err, sizeof(err)) != RB_OK)
		fatalx("%s", err);
	priv_say(&priv, 1);
	client_start(&d);
	log_info("node id %s, %d listener%s", id, listen.n,
	    listen.n == 1 ? "" : "s");
	notify_ready("serving and pulling");
	event_base_dispatch(d.base);
	client_stop(&d);
	httpd_stop(&d);
	for (i = 0; i < 4; i++)
		event_free(sigs[i]);
	event_base_free(d.base);
	store_close(store);
	key_wipe(d.sk, sizeof(d.sk));
	free(listen.v);
	free(path);
	conf_free(&conf);
	return 0;
out:
	key_wipe(sk, sizeof(sk));
	free(listen.v);
	free(path);
	conf_free(&conf);
	return 0;
}

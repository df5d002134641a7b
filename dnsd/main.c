/* rebond-dnsd: authoritative DNS for the blocklist zones, from LMDB. */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "priv.h"
#include "server.h"
#include "store.h"
#include "util.h"

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: rebond-dnsd [-fnv] [-c FILE] [-d DIR] [-l ADDR:PORT]... "
	    "[-p ADDR:PORT]... [-u USER]\n"
	    "  -c FILE  configuration file (default: embedded defaults, or "
	    CONF_DEFAULT_PATH " if present)\n"
	    "  -d DIR   state directory (overrides the configuration)\n"
	    "  -l ADDR:PORT  serve DNS on this address, UDP and TCP; repeat "
	    "for several\n"
	    "  -p ADDR:PORT  serve the Postfix policy protocol on this "
	    "address (TCP); repeat for several\n"
	    "  -u USER  started as root: the user to switch to once the "
	    "sockets and the store\n"
	    "           are open (default: [global] user, rebond; root "
	    "stays root)\n"
	    "  -f       stay in the foreground and log to stderr\n"
	    "  -n       check the configuration and exit\n"
	    "  -v       debug logging\n"
	    "  --version\n");
	exit(status);
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
	struct strlist listen = { NULL, 0 }, plisten = { NULL, 0 };
	const struct strlist *dl, *pl;
	struct server *srv;
	struct store *store;
	struct priv priv;
	const char *cpath = NULL, *dir = NULL, *user = NULL;
	char err[512], abs[PATH_MAX];
	int ch, foreground = 0, check = 0, verbose = 0, rc;

	while ((ch = getopt_long(argc, argv, "c:d:fhl:np:u:v", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': cpath = optarg; break;
		case 'd': dir = optarg; break;
		case 'f': foreground = 1; break;
		case 'l':
			listen.v = xrealloc(listen.v, sizeof(char *) *
			    (size_t)(listen.n + 1));
			listen.v[listen.n++] = optarg;
			break;
		case 'n': check = 1; break;
		case 'p':
			plisten.v = xrealloc(plisten.v, sizeof(char *) *
			    (size_t)(plisten.n + 1));
			plisten.v[plisten.n++] = optarg;
			break;
		case 'u': user = optarg; break;
		case 'v': verbose = 1; break;
		case 'V':
			printf("rebond-dnsd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h': usage(0); break;
		default: usage(1);
		}
	}
	if (optind != argc)
		usage(1);
	log_init("rebond-dnsd", 1, verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	conf_setup(&conf, cpath, dir);
	/* -l and -p replace the file's lists. */
	dl = listen.n ? &listen : &conf.listen;
	pl = plisten.n ? &plisten : &conf.policy_listen;
	/* Who it runs as is known before anything is opened. */
	if (priv_setup(&priv, user, conf.user, err, sizeof(err)) != RB_OK)
		fatalx("%s", err);
	if (check) {
		/* Also what only the server checks: ACL, addresses. */
		if (server_check(&conf, dl, pl, err, sizeof(err)) != RB_OK)
			fatalx("%s", err);
		printf("%s: configuration OK\n", cpath ? cpath : "defaults");
		conf_free(&conf);
		free(listen.v);
		free(plisten.v);
		return 0;
	}
	if (priv_mkdir(&priv, conf.state_dir) != RB_OK)
		fatal("%s", conf.state_dir);
	if (realpath(conf.state_dir, abs) == NULL)
		fatal("%s", conf.state_dir);
	srv = server_new(&conf, dl, pl);
	server_set_reload(srv, cpath, dir, verbose);
	if (!foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init("rebond-dnsd", 0, log_getlevel());
	}
	/* The LMDB environment is opened after any fork. */
	if ((rc = store_open(&store, abs, conf.map_size, 0, err,
	    sizeof(err))) != RB_OK)
		fatalx("%s", err);
	/* Sockets bound, store open: nothing more needs root. */
	if (priv_store(&priv, abs, err, sizeof(err)) != RB_OK ||
	    priv_drop(&priv, err, sizeof(err)) != RB_OK)
		fatalx("%s", err);
	priv_say(&priv, 1);
	log_info("serving %s, %s, %s, %s from %s",
	    conf.zone_fqdn[ZONE_RCPT], conf.zone_fqdn[ZONE_RDOM],
	    conf.zone_fqdn[ZONE_SDOM], conf.zone_fqdn[ZONE_SNDR], abs);
	rc = server_run(srv, store);
	server_free(srv);
	store_close(store);
	conf_free(&conf);
	free(listen.v);
	free(plisten.v);
	return rc == RB_OK ? 0 : 1;
}

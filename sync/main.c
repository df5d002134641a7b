/* rebond-sync: signed federation between trusted relays.  The identity,
 * batch, apply and serve layers are in libsync.a; the HTTP exchange that
 * will drive them is not written yet. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "conf.h"
#include "key.h"
#include "log.h"
#include "net.h"
#include "peer.h"
#include "store.h"
#include "util.h"

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: rebond-sync [-nv] [-c FILE] [-d DIR]\n"
	    "  -c FILE  configuration file (default: embedded defaults, or "
	    CONF_DEFAULT_PATH " if present)\n"
	    "  -d DIR   state directory (overrides the configuration)\n"
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

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct conf conf;
	struct store *store;
	struct sockaddr_storage ss;
	socklen_t sslen;
	uint8_t sk[KEY_SK_LEN], pk[KEY_PK_LEN];
	const char *cpath = NULL, *dir = NULL;
	char err[512], id[KEY_B64_LEN + 1], *path;
	int ch, check = 0, verbose = 0, i, rc;

	while ((ch = getopt_long(argc, argv, "c:d:hnv", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c': cpath = optarg; break;
		case 'd': dir = optarg; break;
		case 'n': check = 1; break;
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
	for (i = 0; i < conf.sync_listen.n; i++)
		if (net_parse_addr(conf.sync_listen.v[i], 8853, &ss, &sslen) !=
		    RB_OK)
			fatalx("[sync] listen %s: expected ADDR:PORT",
			    conf.sync_listen.v[i]);
	path = key_path(&conf);
	rc = key_load(path, sk, pk, err, sizeof(err));
	if (check) {
		/* A missing key is fine here: it is created on first start. */
		if (rc != RB_OK && rc != RB_ENOENT)
			fatalx("%s", err);
		printf("%s: configuration OK%s\n", cpath ? cpath : "defaults",
		    rc == RB_ENOENT ? " (no node key yet)" : "");
		goto out;
	}
	if (rc == RB_ENOENT) {
		/* First start: create the identity. */
		if (mkdir_p(conf.state_dir) != RB_OK)
			fatal("%s", conf.state_dir);
		if (key_generate(path, NULL, err, sizeof(err)) != RB_OK ||
		    key_load(path, sk, pk, err, sizeof(err)) != RB_OK)
			fatalx("%s", err);
		key_pubkey_b64(pk, id, sizeof(id));
		log_info("created the node key %s, node id %s", path, id);
	} else if (rc != RB_OK)
		fatalx("%s", err);
	key_pubkey_b64(pk, id, sizeof(id));
	if (store_open(&store, conf.state_dir, conf.map_size, 0, err,
	    sizeof(err)) != RB_OK)
		fatalx("%s", err);
	if ((rc = store_write(store, set_self_key, pk)) != RB_OK)
		fatalx("%s: cannot record the node id: %s", conf.state_dir,
		    rb_strerror(rc));
	store_close(store);
	key_wipe(sk, sizeof(sk));
	fprintf(stderr, "rebond-sync: node id %s\n"
	    "rebond-sync: the HTTP exchange with peers is not implemented "
	    "yet: nothing to serve or pull, exiting\n", id);
	free(path);
	conf_free(&conf);
	return 1;
out:
	key_wipe(sk, sizeof(sk));
	free(path);
	conf_free(&conf);
	return 0;
}

/* rebond-feeder: learn from MTA logs and feedback reports. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "conf.h"
#include "feeder.h"
#include "input.h"
#include "log.h"
#include "priv.h"
#include "store.h"
#include "util.h"

#define MAIL_MAX	(16 << 20)

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: rebond-feeder [-nv] [-c FILE] [-d DIR] [-u USER] "
	    "[--follow FILE | --syslog SPEC | --stdin | --mail]\n"
	    "  --follow FILE  follow a log file across rotation, resuming "
	    "where it stopped\n"
	    "  --syslog SPEC  receive syslog on unix:/path or udp:ADDR:PORT\n"
	    "  --stdin        read log lines from standard input to its end\n"
	    "  --mail         read one ARF or DSN mail from standard input\n"
	    "  -c FILE        configuration file\n"
	    "  -d DIR         state directory\n"
	    "  -u USER        started as root: the user to switch to once the "
	    "store is open,\n"
	    "                 before the input (default: [global] user, "
	    "rebond; root stays root)\n"
	    "  -n             check the configuration and the rules, then exit\n"
	    "  -v             debug logging\n"
	    "Without an input option: [feeder] follow, else [feeder] syslog, "
	    "else udp:127.0.0.1:5514.\n");
	exit(status);
}

static void
print_stats(const struct feed *f)
{
	const struct feed_stats *st = feed_stats(f);
	int i;

	fprintf(stderr, "rebond-feeder: %llu lines, %llu ignored, %llu "
	    "malformed; events:", (unsigned long long)st->lines,
	    (unsigned long long)st->ignored, (unsigned long long)st->malformed);
	for (i = 0; i < EV_CLASS_COUNT; i++)
		fprintf(stderr, " %s %llu", ev_class_name(i),
		    (unsigned long long)st->events[i]);
	fprintf(stderr, "; %llu listing records, %llu delistings\n",
	    (unsigned long long)st->listed, (unsigned long long)st->delisted);
}

/* Keep a mail we could not use, so that nothing is lost. */
static void
keep_rejected(const struct conf *c, const char *buf, size_t len,
    const char *why)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	int fd;

	snprintf(dir, sizeof(dir), "%s/rejected-mail", c->state_dir);
	snprintf(path, sizeof(path), "%s/%lld.%d.eml", dir,
	    (long long)rb_now(), (int)getpid());
	if (mkdir_p(dir) != RB_OK ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0640)) == -1) {
		log_warn("%s", path);
		return;
	}
	if (write(fd, buf, len) != (ssize_t)len)
		log_warn("%s", path);
	close(fd);
	log_warnx("mail not used (%s), kept as %s", why, path);
}

/* SIGHUP (input_set_reload): the configuration file and the rules file
 * again.  The new rules and [policy], [zones], [feeder] scope, corr-ttl
 * and msgid-ttl, and log-level apply to the lines that follow; the input,
 * batch-delay, state-dir and map-size take a restart.  A file that does
 * not parse, or rules that do not, leave everything as it was. */
struct reload {
	const char		*cpath, *dir;
	int			 verbose;
	int			 input_given;	/* --follow, --syslog */
	const struct conf	*boot;		/* at start: input, store */
	const struct conf	*cur;		/* in force */
	struct conf		*owned;		/* cur, after a reload */
	struct classifier	*cls;		/* in force */
	char			 status[300];
};

static void
add_word(char *buf, size_t len, const char *section, const char *name)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s.%s", n ? " " : "", section, name);
}

/* Changed against the configuration in force: applied; different from
 * the one the feeder started with, for what only a start sets up: a
 * restart is needed (said at every reload until then). */
struct diff {
	int	input_given;
	int	restart_pass;
	char	applied[512];
	char	restart[512];
};

static void
diff_one(const char *section, const char *name, void *arg)
{
	struct diff *d = arg;
	int restart;

	if (strcmp(section, "global") != 0 && strcmp(section, "zones") != 0 &&
	    strcmp(section, "policy") != 0 && strcmp(section, "feeder") != 0)
		return;		/* [dnsd], [policy-service], [sync]: others' */
	if (d->input_given && strcmp(section, "feeder") == 0 &&
	    (strcmp(name, "follow") == 0 || strcmp(name, "syslog") == 0))
		return;		/* the command line wins over the file */
	restart = (strcmp(section, "global") == 0 &&
	    (strcmp(name, "state-dir") == 0 ||
	    strcmp(name, "map-size") == 0 || strcmp(name, "user") == 0)) ||
	    (strcmp(section, "feeder") == 0 && (strcmp(name, "follow") == 0 ||
	    strcmp(name, "syslog") == 0 || strcmp(name, "batch-delay") == 0));
	if (restart && d->restart_pass)
		add_word(d->restart, sizeof(d->restart), section, name);
	else if (!restart && !d->restart_pass)
		add_word(d->applied, sizeof(d->applied), section, name);
}

static const char *
reload(struct feed *f, void *arg)
{
	struct reload *r = arg;
	struct conf *nc = xcalloc(1, sizeof(*nc));
	struct classifier *cls = classify_new();
	struct diff d;
	char err[600];

	if (conf_read(nc, r->cpath, r->dir, err, sizeof(err)) != RB_OK ||
	    (nc->rules[0] && classify_load(cls, nc->rules, err,
	    sizeof(err)) != RB_OK)) {
		log_warnx("SIGHUP: %s; the configuration and rules in force "
		    "are kept", err);
		snprintf(r->status, sizeof(r->status), "reload failed: %.200s",
		    err);
		classify_free(cls);
		conf_free(nc);
		free(nc);
		return r->status;
	}
	memset(&d, 0, sizeof(d));
	d.input_given = r->input_given;
	conf_diff(r->cur, nc, diff_one, &d);
	d.restart_pass = 1;
	conf_diff(r->boot, nc, diff_one, &d);
	/* The lines read before the HUP go with the rules they came under
	 * (unless the store refuses the batch: then they wait, and the new
	 * rules read them). */
	feed_flush(f);
	classify_free(feed_reconfigure(f, nc, cls));
	r->cls = cls;
	if (r->owned != NULL) {
		conf_free(r->owned);
		free(r->owned);
	}
	r->owned = nc;
	r->cur = nc;
	if (!r->verbose)
		log_setlevel(conf_log_level(nc));
	log_info("SIGHUP: reloaded %s: %s%s%s%s%s%s",
	    nc->path ? nc->path : "the embedded defaults",
	    nc->rules[0] ? "rules read again from " : "built-in rules only",
	    nc->rules, d.applied[0] ? "; applied " : "", d.applied,
	    d.restart[0] ? "; a restart is needed for " : "", d.restart);
	snprintf(r->status, sizeof(r->status), "reloaded%s",
	    d.restart[0] ? ", restart needed" : "");
	return r->status;
}

static int
read_mail(const struct conf *c, struct feed *f)
{
	char *buf = xmalloc(MAIL_MAX);
	size_t len = 0;
	const char *why = NULL;
	ssize_t n;
	int rc;

	while ((n = read(STDIN_FILENO, buf + len, MAIL_MAX - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("stdin");
		len += (size_t)n;
		if (len == MAIL_MAX) {
			keep_rejected(c, buf, len, "larger than 16 MiB");
			free(buf);
			return 0;
		}
	}
	rc = feed_mail(f, buf, len, &why);
	if (rc == RB_EINVAL)
		keep_rejected(c, buf, len, why ? why : "not a report");
	free(buf);
	if (rc != RB_OK && rc != RB_EINVAL) {
		/* Temporary: let the MTA retry the delivery (EX_TEMPFAIL). */
		log_warnx("mail: %s", rb_strerror(rc));
		return 75;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	enum { IN_NONE, IN_FOLLOW, IN_SYSLOG, IN_STDIN, IN_MAIL };
	static const struct option longopts[] = {
		{ "follow", required_argument, NULL, 'F' },
		{ "syslog", required_argument, NULL, 'S' },
		{ "stdin", no_argument, NULL, 'I' },
		{ "mail", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct conf conf;
	struct classifier *cls;
	struct reload rl;
	struct store *store;
	struct feed *f;
	struct priv priv;
	const char *cpath = NULL, *dir = NULL, *arg = NULL, *user = NULL;
	char err[512];
	int ch, in = IN_NONE, check = 0, verbose = 0, rc, poll;

	while ((ch = getopt_long(argc, argv, "c:d:hnu:v", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c': cpath = optarg; break;
		case 'd': dir = optarg; break;
		case 'n': check = 1; break;
		case 'u': user = optarg; break;
		case 'v': verbose = 1; break;
		case 'F': in = IN_FOLLOW; arg = optarg; break;
		case 'S': in = IN_SYSLOG; arg = optarg; break;
		case 'I': in = IN_STDIN; break;
		case 'M': in = IN_MAIL; break;
		case 'V':
			printf("rebond-feeder %s\n", PACKAGE_VERSION);
			return 0;
		case 'h': usage(0); break;
		default: usage(1);
		}
	}
	if (optind != argc)
		usage(1);
	log_init("rebond-feeder", 1, verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	conf_setup(&conf, cpath, dir);
	cls = classify_new();
	if (conf.rules[0] && classify_load(cls, conf.rules, err,
	    sizeof(err)) != RB_OK)
		fatalx("%s", err);
	if (priv_setup(&priv, user, conf.user, err, sizeof(err)) != RB_OK)
		fatalx("%s", err);
	if (check) {
		printf("%s: configuration OK\n", cpath ? cpath : "defaults");
		classify_free(cls);
		conf_free(&conf);
		return 0;
	}
	memset(&rl, 0, sizeof(rl));
	rl.input_given = in != IN_NONE;
	if (in == IN_NONE) {
		if (conf.follow[0]) {
			in = IN_FOLLOW;
			arg = conf.follow;
		} else {
			in = IN_SYSLOG;
			arg = conf.syslog[0] ? conf.syslog :
			    "udp:127.0.0.1:5514";
		}
	}
	if (priv_mkdir(&priv, conf.state_dir) != RB_OK)
		fatal("%s", conf.state_dir);
	if (store_open(&store, conf.state_dir, conf.map_size, 0, err,
	    sizeof(err)) != RB_OK) {
		if (in == IN_MAIL) {
			log_warnx("%s", err);
			return 75;	/* EX_TEMPFAIL: the MTA retries */
		}
		fatalx("%s", err);
	}
	/* The input is opened as the user: a followed file is opened again
	 * at each rotation, a unix socket removed at the end, so the user
	 * must be able to anyway (rebond-feeder(8)).  The directory of a
	 * socket is made for it. */
	if (in == IN_SYSLOG && strncmp(arg, "unix:", 5) == 0 &&
	    strrchr(arg + 5, '/') > arg + 5) {
		char sdir[PATH_MAX];

		snprintf(sdir, sizeof(sdir), "%.*s",
		    (int)(strrchr(arg + 5, '/') - (arg + 5)), arg + 5);
		if (priv_mkdir(&priv, sdir) != RB_OK)
			fatal("%s", sdir);
	}
	if (priv_store(&priv, conf.state_dir, err, sizeof(err)) != RB_OK ||
	    priv_drop(&priv, err, sizeof(err)) != RB_OK)
		fatalx("%s", err);
	priv_say(&priv, in != IN_STDIN && in != IN_MAIL);
	f = feed_new(&conf, store, cls);
	rl.cpath = cpath;
	rl.dir = dir;
	rl.verbose = verbose;
	rl.boot = rl.cur = &conf;
	rl.cls = cls;
	input_set_reload(reload, &rl);
	poll = conf.batch_delay > 0 ? (int)(conf.batch_delay * 1000) : 200;
	switch (in) {
	case IN_STDIN:
		rc = input_stdin(f) == RB_OK ? 0 : 1;
		print_stats(f);
		break;
	case IN_MAIL:
		rc = read_mail(&conf, f);
		break;
	case IN_FOLLOW:
		rc = input_follow(f, arg, poll) == RB_OK ? 0 : 1;
		print_stats(f);
		break;
	default:
		rc = input_syslog(f, arg, poll) == RB_OK ? 0 : 1;
		print_stats(f);
		break;
	}
	feed_free(f);
	store_close(store);
	classify_free(rl.cls);
	if (rl.owned != NULL) {
		conf_free(rl.owned);
		free(rl.owned);
	}
	conf_free(&conf);
	return rc;
}

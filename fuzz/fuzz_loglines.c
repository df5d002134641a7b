/*
 * fuzz/fuzz_loglines.c - log lines through the whole feeder engine: the
 * input is split into lines and fed to a real feed (feed_line, then
 * feed_flush), which runs logline_parse(), postfix_parse() and
 * exim_parse() and writes what they find to a temporary store made once.
 * Every other input goes through feed_room()/feed_filled() instead
 * (--stdin's path), in pieces of a few sizes.  The store is wiped now and
 * then so that it never fills up.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feeder/classify.h"
#include "feeder/feeder.h"
#include "conf.h"
#include "log.h"
#include "store.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RESET_EVERY	4000	/* inputs between two fresh stores */
#define MAP_SIZE	(64 << 20)

static char dir[] = "/tmp/rebond-fuzz-loglines.XXXXXX";
static struct conf conf;
static struct store *store;
static struct classifier *cls;
static struct feed *feed;
static unsigned long runs;

static void
wipe(void)
{
	DIR *d;
	struct dirent *e;
	char p[sizeof(dir) + 300];

	if ((d = opendir(dir)) == NULL)
		abort();
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

static void
open_store(void)
{
	char err[256];

	if (store_open(&store, dir, MAP_SIZE, 0, err, sizeof(err)) != RB_OK) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	feed = feed_new(&conf, store, cls);
}

static void
reset(void)
{
	feed_free(feed);
	store_close(store);
	wipe();
	open_store();
}

/* Leave nothing behind in /tmp. */
static void
cleanup(void)
{
	feed_free(feed);
	store_close(store);
	classify_free(cls);
	wipe();
	rmdir(dir);
	conf_free(&conf);
}

static void
init(void)
{
	char err[256];

	log_init("fuzz", 1, LOG_LVL_ERR);
	conf_defaults(&conf);
	if (conf_finish(&conf, err, sizeof(err)) != RB_OK ||
	    mkdtemp(dir) == NULL)
		abort();
	cls = classify_new();
	open_store();
	atexit(cleanup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	uint64_t before, n = 0;
	int rc;

	if (store == NULL)
		init();
	if (++runs % RESET_EVERY == 0)
		reset();
	before = feed_stats(feed)->lines;
	if (runs % 2) {
		static const size_t piece[] = { 1, 3, 64, 4096 };
		size_t off = 0, room, k;
		char *to;

		for (p = (const char *)data; p < end; p++)
			n += *p == '\n';
		if (size > 0 && data[size - 1] != '\n')
			n++;
		while (off < size) {
			to = feed_room(feed, &room);
			k = piece[(runs / 2 + off) % 4];
			if (k > room)
				k = room;
			if (k > size - off)
				k = size - off;
			memcpy(to, data + off, k);
			off += k;
			if ((rc = feed_filled(feed, k, 0)) != RB_OK &&
			    rc != RB_ESPACE)
				abort();
		}
		if ((rc = feed_filled(feed, 0, 1)) != RB_OK && rc != RB_ESPACE)
			abort();
	} else while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		feed_line(feed, p, (size_t)(nl - p), (uint64_t)(nl - (const
		    char *)data));
		n++;
		p = nl < end ? nl + 1 : end;
	}
	rc = feed_flush(feed);
	if (rc == RB_ESPACE) {
		reset();	/* full after all: start again, clean */
		return 0;
	}
	if (rc != RB_OK)
		abort();
	{
		const struct feed_stats *st = feed_stats(feed);

		/* Every line is read once, whatever it holds. */
		if (st->lines - before != n || feed_pending(feed) != 0 ||
		    st->malformed + st->ignored > st->lines)
			abort();
	}
	return 0;
}

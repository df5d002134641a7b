/*
 * tests/feeder/feedtest.h - what the feeder's tests share: lines into a
 * feed, and the listing codes of a key as a short string.  Each test
 * defines `static struct store *store;` before including it.
 */
#ifndef REBOND_FEEDTEST_H
#define REBOND_FEEDTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../feeder/feeder.h"
#include "conf.h"
#include "store.h"
#include "util.h"

/* Every line of path, with the offset after it as a followed file has. */
static inline void
feed_file(struct feed *f, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	uint64_t off = 0;

	if (fp == NULL) {
		perror(path);
		exit(1);
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		off += (uint64_t)n;
		if (n > 0 && line[n - 1] == '\n')
			n--;
		feed_line(f, line, (size_t)n, off);
	}
	free(line);
	fclose(fp);
}

static inline void
feed_str(struct feed *f, const char *s)
{
	feed_line(f, s, strlen(s), 0);
}

/* Codes of the listing of key in zone at rb_now(), "" if none: "2,4". */
static inline const char *
codes_in(struct store *s, int zone, const char *key)
{
	static char buf[64];
	struct zkey k;
	struct listing l;
	struct store_txn *t;
	size_t o = 0;
	int i;

	buf[0] = '\0';
	if (zkey_from_text(zone, key, &k) != RB_OK)
		return "bad key";
	t = store_read(s);
	if (store_listing_get(t, &k, &l) == RB_OK &&
	    listing_active(&l, rb_now()) > 0)
		for (i = 0; i < l.n; i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%u",
			    i ? "," : "", l.r[i].reason);
	store_read_end(s);
	return buf;
}

/* A fresh store in a new temporary directory (dir is a mkdtemp template)
 * and the default configuration pointing at it; exits on failure. */
static inline void
feedtest_open(char *dir, struct conf *c, struct store **s)
{
	char err[256];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	conf_defaults(c);
	free(c->state_dir);
	c->state_dir = xstrdup(dir);
	if (conf_finish(c, err, sizeof(err)) != RB_OK ||
	    store_open(s, dir, 1 << 20, 0, err, sizeof(err)) != RB_OK) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
}

#define codes(zone, key)	codes_in(store, (zone), (key))

#endif

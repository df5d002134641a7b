/*
 * tests/sync/syncreq.c - one hand-made pull request to a rebond-sync
 * server, for the tests of what it refuses.
 *
 *	syncreq [options] KEYFILE SERVER-ID URL
 *
 *	-w N		wait= in the query (default 0)
 *	-r		send the same signed request twice (a replay)
 *	-t		tamper: change a body byte after signing
 *	-o SECS		add SECS to the signed time (stale or future)
 *	-D ID		sign for this destination instead of SERVER-ID
 *	-g		a body that is not sealed to the server (garbage)
 *	-b BYTES	a sealed body of BYTES zero bytes (size limits)
 *	-c HEX:SEQ	a cursor (origin key in hex, cursor), repeatable
 *	-n COUNT	send COUNT requests, each signed anew (a flood)
 *	-x COUNT	send each signed request COUNT times (-r is -x 2)
 *	-R TXID:ADDR	POST /v1/report instead: a hard bounce report of
 *			ADDR with that transaction id (32 hex digits)
 *	-M COUNT	POST /v1/report: COUNT hard bounce reports of random
 *			addresses, random transaction ids (at most 1024)
 *	-i MS		pause MS milliseconds between two requests
 *	-k		one connection for all (keep-alive), not one each
 *	-q		quiet: no line per request, a summary at the end
 *	-T		add the time each request took ("... 1234us")
 *
 * Prints one line per request sent: the HTTP status, and for a 200 the
 * batches it held and whether the response was signed by SERVER-ID and
 * sealed to our reply key ("200 verified N").  With -q, one line:
 * "sent N" then "STATUS:COUNT" per status (error:COUNT for requests
 * without an answer) and the median and largest time in microseconds.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "sync/auth.h"
#include "sync/key.h"
#include "sync/pull.h"
#include "sync/serve.h"
#include "zones/addr.h"
#include "zones/report.h"
#include "zones/util.h"

struct resp {
	struct sbuf	body;
	char		sig[AUTH_SIG_B64 + 1];
};

static size_t
on_data(char *p, size_t sz, size_t n, void *arg)
{
	sbuf_add(&((struct resp *)arg)->body, p, sz * n);
	return sz * n;
}

static size_t
on_header(char *p, size_t sz, size_t n, void *arg)
{
	struct resp *r = arg;
	size_t len = sz * n, hl = strlen(HDR_SIG);

	if (len >= hl + 2 + AUTH_SIG_B64 && strncasecmp(p, HDR_SIG, hl) == 0
	    && p[hl] == ':') {
		memcpy(r->sig, p + hl + 2, AUTH_SIG_B64);
		r->sig[AUTH_SIG_B64] = '\0';
	}
	return len;
}

static void
usage(void)
{
	fprintf(stderr, "usage: syncreq [-gkqrtT] [-w N] [-o SECS] [-D ID] "
	    "[-b BYTES] [-c HEX:SEQ]... [-n COUNT] [-x COUNT] [-i MS] "
	    "[-R TXID:ADDR | -M COUNT] KEYFILE SERVER-ID URL\n");
	exit(2);
}

static int	quiet, timed, keep;
static CURL	*kept;
/* -q: answers by status (0: no answer), failures by CURLcode, times. */
static unsigned	 nstatus[600], nerr[CURL_LAST];
static uint64_t	*times;
static size_t	 ntimes;

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
summary(void)
{
	size_t i, n = 0;

	for (i = 0; i < 600; i++)
		n += nstatus[i];
	printf("sent %zu", n);
	for (i = 0; i < 600; i++)
		if (nstatus[i] > 0) {
			if (i == 0) {
				const char *sep = "";
				int e;

				printf(" error:%u (", nstatus[i]);
				for (e = 0; e < CURL_LAST; e++)
					if (nerr[e] > 0) {
						printf("%s%s: %u", sep,
						    curl_easy_strerror(e),
						    nerr[e]);
						sep = ", ";
					}
				printf(")");
			} else
				printf(" %zu:%u", i, nstatus[i]);
		}
	if (ntimes > 0) {
		qsort(times, ntimes, sizeof(*times), u64_cmp);
		printf(" median_us %" PRIu64 " max_us %" PRIu64,
		    times[(ntimes - 1) / 2], times[ntimes - 1]);
	}
	printf("\n");
}

/* Send one request; print its status line. */
static void
send_one(const char *url, struct curl_slist *h, const uint8_t *body,
    size_t blen, const char *sig, const uint8_t spk[32],
    const uint8_t rpk[32], const uint8_t rsk[32], int report)
{
	struct resp r;
	CURL *c = kept != NULL ? kept : curl_easy_init();
	long status = 0;
	CURLcode cc;
	curl_off_t us = 0;
	char line[256];

	memset(&r, 0, sizeof(r));
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 90L);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &us);
	if (quiet) {
		nstatus[cc == CURLE_OK && status > 0 && status < 600 ?
		    status : 0]++;
		if (cc != CURLE_OK && cc < CURL_LAST)
			nerr[cc]++;
		if (cc == CURLE_OK) {
			times = xrealloc(times, (ntimes + 1) *
			    sizeof(*times));
			times[ntimes++] = (uint64_t)us;
		}
	} else if (cc != CURLE_OK)
		printf("error %s\n", curl_easy_strerror(cc));
	else if (status != 200) {
		snprintf(line, sizeof(line), "%ld %.*s", status,
		    (int)r.body.len, r.body.p ? (char *)r.body.p : "");
		line[strcspn(line, "\n")] = '\0';
		if (timed)
			printf("%s %" PRId64 "us\n", line, (int64_t)us);
		else
			printf("%s\n", line);
	} else {
		uint8_t *plain = NULL;
		size_t plen = 0, off = 0, bl;
		const uint8_t *b;
		int n;

		if (auth_resp_verify(200, sig, r.body.p, r.body.len, spk,
		    r.sig) != RB_OK)
			printf("200 badsig\n");
		else if (auth_open(rpk, rsk, r.body.p, r.body.len, &plain,
		    &plen) != RB_OK)
			printf("200 sealed-to-someone-else\n");
		else if (report && plen == 8)
			printf("200 taken %u dup %u",
			    (unsigned)be_get(plain, 4),
			    (unsigned)be_get(plain + 4, 4));
		else {
			for (n = 0; serve_next(plain, plen, &off, &b, &bl) ==
			    1; n++)
				;
			printf("200 verified %d", n);
		}
		if (plain != NULL && timed)
			printf(" %" PRId64 "us", (int64_t)us);
		if (plain != NULL)
			printf("\n");
		free(plain);
	}
	sbuf_free(&r.body);
	if (keep)
		kept = c;
	else
		curl_easy_cleanup(c);
}

/* One hard bounce report of the hash key, transaction id txid. */
static void
report_add(struct sbuf *out, const uint8_t txid[REPORT_TXID],
    const uint8_t key[HASH_LEN])
{
	struct report r;
	uint8_t rb[2 + REPORT_MAX];
	size_t rn;

	memset(&r, 0, sizeof(r));
	memcpy(r.txid, txid, REPORT_TXID);
	r.key.zone = ZONE_RCPT;
	r.key.len = HASH_LEN;
	memcpy(r.key.data, key, HASH_LEN);
	r.reason = REASON_2;
	r.status.klass = 5;
	r.status.subject = 1;
	r.status.detail = 1;
	r.time = (int64_t)time(NULL);
	snprintf(r.sender, sizeof(r.sender), "user@origin.example");
	snprintf(r.queue_id, sizeof(r.queue_id), "ABCDEF123");
	rn = report_encode(&r, rb + 2, sizeof(rb) - 2);
	be_put(rb, rn, 2);
	sbuf_add(out, rb, rn + 2);
}

/* A sealed report body: one hard bounce of addr, transaction id txid;
 * or (spec NULL) many of random keys. */
static int
report_body(const char *spec, size_t many, const uint8_t spk[32],
    uint8_t **body, size_t *blen)
{
	struct sbuf rb = { NULL, 0, 0 };
	uint8_t txid[REPORT_TXID], key[HASH_LEN];
	char norm[ADDR_MAX + 1];
	size_t i;
	int rc;

	if (spec == NULL) {
		for (i = 0; i < many; i++) {
			randombytes_buf(txid, sizeof(txid));
			randombytes_buf(key, sizeof(key));
			report_add(&rb, txid, key);
		}
	} else {
		if (strlen(spec) < 34 || spec[32] != ':' ||
		    hex_decode(spec, 32, txid, sizeof(txid)) != RB_OK ||
		    addr_normalise(spec + 33, strlen(spec + 33), norm,
		    sizeof(norm)) < 0)
			return -1;
		addr_hash(norm, strlen(norm), key);
		report_add(&rb, txid, key);
	}
	rc = auth_seal_node(spk, rb.p, rb.len, body, blen);
	sbuf_free(&rb);
	return rc == RB_OK ? 0 : -1;
}

int
main(int argc, char *argv[])
{
	struct auth_req ar;
	struct curl_slist *h = NULL;
	struct sbuf cur = { NULL, 0, 0 };
	uint8_t sk[KEY_SK_LEN], pk[KEY_PK_LEN], spk[32], rpk[32], rsk[32];
	uint8_t *body = NULL;
	size_t blen = 0;
	int64_t offset = 0, wait = 0, bytes = -1;
	char err[512], id[KEY_B64_LEN + 1], path[64], url[1024], hdr[256];
	const char *dest = NULL, *rep = NULL;
	int ch, replay = 1, tamper = 0, garbage = 0, i, k, count = 1;
	int many = 0, pause_ms = 0;

	while ((ch = getopt(argc, argv, "b:c:D:gi:kM:n:o:qR:rtTw:x:")) != -1) {
		switch (ch) {
		case 'b': bytes = atoll(optarg); break;
		case 'c': {
			uint8_t e[PULL_ENTRY];
			const char *colon = strchr(optarg, ':');

			if (colon == NULL || colon - optarg != 64 ||
			    hex_decode(optarg, 64, e, 32) != RB_OK)
				usage();
			be_put(e + 32, strtoull(colon + 1, NULL, 10), 8);
			sbuf_add(&cur, e, sizeof(e));
			break;
		}
		case 'D': dest = optarg; break;
		case 'g': garbage = 1; break;
		case 'i': pause_ms = atoi(optarg); break;
		case 'k': keep = 1; break;
		case 'M': many = atoi(optarg); break;
		case 'n': count = atoi(optarg); break;
		case 'o': offset = atoll(optarg); break;
		case 'q': quiet = 1; break;
		case 'r': replay = 2; break;
		case 'R': rep = optarg; break;
		case 't': tamper = 1; break;
		case 'T': timed = 1; break;
		case 'w': wait = atoll(optarg); break;
		case 'x': replay = atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind != 3 || replay < 1 || many < 0 || many > 1024)
		usage();
	if (sodium_init() < 0 || key_load(argv[optind], sk, pk, err,
	    sizeof(err)) != RB_OK) {
		fprintf(stderr, "syncreq: %s\n", err);
		return 2;
	}
	if (auth_key_parse(argv[optind + 1], spk) != RB_OK) {
		fprintf(stderr, "syncreq: bad server id\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	key_pubkey_b64(pk, id, sizeof(id));
	for (k = 0; k < count; k++) {
		char sig[AUTH_SIG_B64 + 1];

		body = NULL;
		blen = 0;
		if (bytes >= 0) {
			uint8_t *z = xcalloc(1, (size_t)bytes + 1);

			auth_seal_node(spk, z, (size_t)bytes, &body, &blen);
			free(z);
		} else if (rep != NULL || many > 0) {
			if (report_body(rep, (size_t)many, spk, &body,
			    &blen) != 0)
				usage();
		} else if (garbage) {
			blen = 100;
			body = xcalloc(1, blen);
			memset(body, 'x', blen);
		} else
			auth_seal_node(spk, cur.p ? cur.p : (uint8_t *)"",
			    cur.len, &body, &blen);
		if (rep != NULL || many > 0)
			snprintf(path, sizeof(path), "/v1/report");
		else
			snprintf(path, sizeof(path), "/v1/pull?wait=%" PRId64,
			    wait);
		snprintf(url, sizeof(url), "%s%s", argv[optind + 2], path);
		memset(&ar, 0, sizeof(ar));
		ar.method = "POST";
		ar.path = path;
		ar.body = body;
		ar.blen = blen;
		ar.time = (int64_t)time(NULL) + offset;
		auth_nonce(ar.nonce);
		auth_reply_key(rpk, rsk, ar.reply);
		snprintf(ar.dest, sizeof(ar.dest), "%s", dest ? dest :
		    argv[optind + 1]);
		if (auth_req_sign(&ar, sk, sig) != RB_OK)
			return 2;
		if (tamper && blen > 0)
			body[blen - 1] ^= 1;
		snprintf(hdr, sizeof(hdr), "%s: %s", HDR_NODE, id);
		h = curl_slist_append(h, hdr);
		snprintf(hdr, sizeof(hdr), "%s: %" PRId64, HDR_TIME, ar.time);
		h = curl_slist_append(h, hdr);
		snprintf(hdr, sizeof(hdr), "%s: %s", HDR_NONCE, ar.nonce);
		h = curl_slist_append(h, hdr);
		snprintf(hdr, sizeof(hdr), "%s: %s", HDR_REPLY, ar.reply);
		h = curl_slist_append(h, hdr);
		snprintf(hdr, sizeof(hdr), "%s: %s", HDR_SIG, sig);
		h = curl_slist_append(h, hdr);
		h = curl_slist_append(h, "Expect:");
		for (i = 0; i < replay; i++)
			send_one(url, h, body, blen, sig, spk, rpk, rsk,
			    rep != NULL || many > 0);
		curl_slist_free_all(h);
		h = NULL;
		free(body);
		if (pause_ms > 0 && k + 1 < count) {
			struct timespec ts = { pause_ms / 1000,
			    (long)(pause_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	if (quiet)
		summary();
	if (kept != NULL)
		curl_easy_cleanup(kept);
	free(times);
	curl_global_cleanup();
	sbuf_free(&cur);
	key_wipe(sk, sizeof(sk));
	return 0;
}

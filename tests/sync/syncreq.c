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
 *
 * Prints one line per request sent: the HTTP status, and for a 200 the
 * batches it held and whether the response was signed by SERVER-ID and
 * sealed to our reply key ("200 verified N").
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "sync/auth.h"
#include "sync/key.h"
#include "sync/pull.h"
#include "sync/serve.h"
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
	fprintf(stderr, "usage: syncreq [-grt] [-w N] [-o SECS] [-D ID] "
	    "[-b BYTES] [-c HEX:SEQ]... KEYFILE SERVER-ID URL\n");
	exit(2);
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
	const char *dest = NULL;
	int ch, replay = 0, tamper = 0, garbage = 0, i, n, k, count = 1;

	while ((ch = getopt(argc, argv, "b:c:D:gn:o:rtw:")) != -1) {
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
		case 'n': count = atoi(optarg); break;
		case 'o': offset = atoll(optarg); break;
		case 'r': replay = 1; break;
		case 't': tamper = 1; break;
		case 'w': wait = atoll(optarg); break;
		default: usage();
		}
	}
	if (argc - optind != 3)
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
	for (k = 0; k < count; k++) {
	char sig[AUTH_SIG_B64 + 1];
		if (bytes >= 0) {
			uint8_t *z = xcalloc(1, (size_t)bytes + 1);

			auth_seal_node(spk, z, (size_t)bytes, &body, &blen);
			free(z);
		} else if (garbage) {
			blen = 100;
			body = xcalloc(1, blen);
			memset(body, 'x', blen);
		} else
			auth_seal_node(spk, cur.p ? cur.p : (uint8_t *)"", cur.len,
			    &body, &blen);

		snprintf(path, sizeof(path), "/v1/pull?wait=%" PRId64, wait);
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
		key_pubkey_b64(pk, id, sizeof(id));
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

		for (i = 0; i < (replay ? 2 : 1); i++) {
			struct resp r;
			CURL *c = curl_easy_init();
			long status = 0;
			CURLcode cc;

			memset(&r, 0, sizeof(r));
			curl_easy_setopt(c, CURLOPT_URL, url);
			curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)blen);
			curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
			curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
			curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
			curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
			curl_easy_setopt(c, CURLOPT_TIMEOUT, 90L);
			cc = curl_easy_perform(c);
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
			if (cc != CURLE_OK)
				printf("error %s\n", curl_easy_strerror(cc));
			else if (status != 200)
				printf("%ld %.*s", status, (int)r.body.len,
				    r.body.p ? (char *)r.body.p : "");
			else {
				uint8_t *plain = NULL;
				size_t plen = 0, off = 0, bl;
				const uint8_t *b;

				if (auth_resp_verify(200, sig, r.body.p, r.body.len,
				    spk, r.sig) != RB_OK)
					printf("200 badsig\n");
				else if (auth_open(rpk, rsk, r.body.p, r.body.len,
				    &plain, &plen) != RB_OK)
					printf("200 sealed-to-someone-else\n");
				else {
					for (n = 0; serve_next(plain, plen, &off, &b,
					    &bl) == 1; n++)
						;
					printf("200 verified %d\n", n);
				}
				free(plain);
			}
			sbuf_free(&r.body);
			curl_easy_cleanup(c);
		}
	curl_slist_free_all(h);
	h = NULL;
	free(body);
	body = NULL;
	}
	curl_global_cleanup();
	sbuf_free(&cur);
	key_wipe(sk, sizeof(sk));
	return 0;
}

/* fuzz/fuzz_peerwire.c - what a peer sends in a request body, once
 * opened: a cursor list (pull_parse()) or a list of bounce reports
 * (report_decode(), framed as in POST /v1/report).  The first byte picks
 * the parser.  Neither may crash or read past its input; a cursor list
 * accepted is sorted without duplicates; a report accepted re-encodes to
 * the same bytes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sync/pull.h"
#include "zones/report.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
cursors(const uint8_t *p, size_t n)
{
	struct cursor *c;
	size_t cnt, i;

	if (pull_parse(p, n, &c, &cnt) != RB_OK)
		return;
	if (cnt != n / PULL_ENTRY)
		abort();
	for (i = 1; i < cnt; i++)
		if (memcmp(c[i - 1].key, c[i].key, 32) >= 0)
			abort();
	free(c);
}

static void
reports(const uint8_t *p, size_t n)
{
	struct report r;
	uint8_t again[REPORT_MAX];
	size_t off = 0, len, m;

	while (n - off >= 2) {
		len = (size_t)be_get(p + off, 2);
		if (len > n - off - 2)
			return;
		if (report_decode(p + off + 2, len, &r) == RB_OK) {
			m = report_encode(&r, again, sizeof(again));
			if (m != len || memcmp(again, p + off + 2, len) != 0)
				abort();
		}
		off += 2 + len;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		reports(data + 1, size - 1);
	else
		cursors(data + 1, size - 1);
	return 0;
}

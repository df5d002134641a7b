/*
 * fuzz/fuzz_rules.c - the classifier: the input as a rules text (loaded
 * or refused with a "fuzz:LINE: reason" error, never a crash), then as a
 * reply to classify, with the rules just loaded and with the built-ins.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feeder/classify.h"
#include "feeder/event.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const statuses[] = {
	NULL, "sent", "bounced", "deferred", "expired", "reject", "other"
};

static void
check(const struct classifier *c, const char *text)
{
	char sub[32];
	size_t i;
	int cls;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		cls = classify(c, statuses[i], i % 2 ? NULL : "5.1.1", text,
		    sub, sizeof(sub));
		if (cls < 0 || cls >= EV_CLASS_COUNT || strlen(sub) > 31)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct classifier *builtin;
	struct classifier *c;
	char *text, err[256];
	int rc;

	if (builtin == NULL)
		builtin = classify_new();
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';

	c = classify_new();
	err[0] = '\0';
	rc = classify_load_string(c, text, "fuzz", err, sizeof(err));
	if (rc != 0 && (rc != RB_EINVAL || strncmp(err, "fuzz:", 5) != 0))
		abort();	/* every error names the text and its line */
	check(c, text);
	classify_free(c);

	check(builtin, text);
	free(text);
	return 0;
}

/* fuzz/fuzz_dmarc.c - DMARC records (ctl/dmarc.c) and DKIM key records
 * (ctl/dkim.c): the same tag=value syntax. */
#include "config.h"

#include <stdlib.h>

#include "../ctl/checkdomain.h"
#include "../ctl/dkim.h"
#include "../ctl/dmarc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
explained(const struct issues *is)
{
	int i;

	for (i = 0; i < is->n && i < ISSUES_MAX; i++)
		if (checkdomain_severity(is->v[i].code) == NULL)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct tag tags[TAGS_MAX];
	struct dmarc_record d;
	struct dkim_key k;
	const char *why = NULL;

	if (tag_list_parse(s, size, tags, TAGS_MAX, &why) < 0 && why == NULL)
		abort();	/* a refusal says why */
	(void)dmarc_near_miss(s, size);
	dmarc_parse(s, size, &d);
	explained(&d.is);
	if (d.pct < 0 || d.pct > 100 || d.nrua_domain > DMARC_URIS_MAX)
		abort();
	dkim_key_parse(s, size, &k);
	explained(&k.is);
	if (k.bits < 0 || (k.revoked && !k.is.fatal))
		abort();
	return 0;
}

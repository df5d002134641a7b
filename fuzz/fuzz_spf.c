/* fuzz/fuzz_spf.c - SPF records (ctl/spf.c). */
#include "config.h"

#include <stdlib.h>

#include "../ctl/checkdomain.h"
#include "../ctl/spf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct spf_record r;
	int i;

	(void)spf_near_miss(s, size);
	spf_parse(s, size, &r);
	if (!spf_is_record(s, size) && !r.is.fatal)
		abort();	/* no v=spf1, no record */
	for (i = 0; i < r.is.n && i < ISSUES_MAX; i++)
		if (checkdomain_severity(r.is.v[i].code) == NULL)
			abort();	/* every issue can be explained */
	for (i = 0; i < r.n; i++)
		if (r.t[i].cidr4 < 0 || r.t[i].cidr4 > 32 ||
		    r.t[i].cidr6 < 0 || r.t[i].cidr6 > 128)
			abort();
	spf_free(&r);
	return 0;
}

/* fuzz/fuzz_dnset.c - rbldnsd dnset lines. */
#include "config.h"

#include <stdlib.h>

#include "../ctl/dnset.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dnset_line l;
	const char *why;

	if (dnset_parse((const char *)data, size, &l, &why) != RB_OK &&
	    why == NULL)
		abort();	/* a refusal always says why */
	return 0;
}

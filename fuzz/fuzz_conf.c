/* fuzz/fuzz_conf.c - rebond.conf files. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;
	char err[512];
	FILE *f;
	int rc;

	if (size == 0)
		return 0;
	log_init("fuzz", 1, LOG_LVL_ERR);
	if ((f = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		return 0;
	conf_defaults(&c);
	err[0] = '\0';
	rc = conf_parse(&c, f, "fuzz.conf", err, sizeof(err));
	if (rc != RB_OK && strncmp(err, "fuzz.conf", 9) != 0)
		abort();	/* every error names file:line */
	if (rc == RB_OK)
		conf_finish(&c, err, sizeof(err));
	fclose(f);
	conf_free(&c);
	return 0;
}

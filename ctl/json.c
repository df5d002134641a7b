/*
 * ctl/json.c - JSON strings for rebondctl's --json outputs (ctl.h), in
 * libctl.a with check-domain, which prints JSON too.
 */
#include "config.h"

#include <stdio.h>

#include "ctl.h"

void
json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

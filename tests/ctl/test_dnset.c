/* tests/ctl/test_dnset.c - the rbldnsd dnset line parser. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "../../ctl/dnset.h"
#include "util.h"

static int
parse(const char *s, struct dnset_line *l, const char **why)
{
	return dnset_parse(s, strlen(s), l, why);
}

int
main(void)
{
	struct dnset_line l;
	const char *why;
	char big[600];
	int i;

	ok(parse("", &l, &why) == 0 && l.kind == DNSET_BLANK, "empty line");
	ok(parse("   # comment", &l, &why) == 0 && l.kind == DNSET_BLANK,
	    "comment");
	ok(parse("; comment", &l, &why) == 0 && l.kind == DNSET_BLANK,
	    "semicolon comment");
	ok(parse("$TTL 300", &l, &why) == 0 && l.kind == DNSET_DIRECTIVE,
	    "directive");

	ok(parse(":127.0.0.3:soft text", &l, &why) == 0 &&
	    l.kind == DNSET_DEFAULT && l.value == 3, "default value line");
	is_str(l.text, "soft text", "default text");
	ok(parse(":2:", &l, &why) == 0 && l.value == 2, "short default A");

	ok(parse("example.org", &l, &why) == 0 && l.kind == DNSET_ENTRY,
	    "plain entry");
	is_str(l.key, "example.org", "entry key");
	is_int(l.value, 0, "entry without value uses the default");

	ok(parse("  Example.ORG :127.0.0.5:complained  ", &l, &why) == 0 &&
	    l.value == 5, "entry with :A:TXT");
	is_str(l.key, "Example.ORG", "key kept as written (normalised later)");
	is_str(l.text, "complained", "entry text, trailing space trimmed");
	ok(parse("example.org 127.0.0.4", &l, &why) == 0 && l.value == 4,
	    "entry with a bare A value");
	ok(parse("example.org:3:x", &l, &why) == 0 && l.value == 3 &&
	    strcmp(l.key, "example.org") == 0, "value glued to the key");
	ok(parse("example.org ::keep default", &l, &why) == 0 &&
	    l.value == 0, "empty A keeps the default");

	ok(parse(".example.org", &l, &why) == 0 && l.kind == DNSET_WILDCARD &&
	    strcmp(l.key, "example.org") == 0, "domain-and-below wildcard");
	ok(parse("*.example.org", &l, &why) == 0 && l.kind == DNSET_SUBONLY,
	    "below-only wildcard");
	ok(parse("!example.org", &l, &why) == 0 && l.kind == DNSET_EXCLUDE,
	    "exclusion");

	ok(parse("example.org :10.0.0.1:", &l, &why) == RB_EINVAL &&
	    why != NULL, "A value outside 127.0.0.X refused");
	ok(parse("example.org :999:", &l, &why) == RB_EINVAL,
	    "A value out of range refused");
	ok(parse(":", &l, &why) == 0 && l.kind == DNSET_DEFAULT,
	    "':' alone is a default with no value");
	ok(parse("!", &l, &why) == RB_EINVAL, "exclusion without key refused");
	ok(dnset_parse("a\0b", 3, &l, &why) == RB_EINVAL, "NUL byte refused");

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ok(parse(big, &l, &why) == RB_EINVAL, "key over 255 bytes refused");
	memcpy(big, "x.org :2:", 9);
	ok(parse(big, &l, &why) == RB_EINVAL, "text over 255 bytes refused");

	/* Garbage never crashes and always classifies or refuses. */
	srand(7);
	for (i = 0; i < 20000; i++) {
		char buf[64];
		size_t n = (size_t)(rand() % 64), j;

		for (j = 0; j < n; j++)
			buf[j] = (char)(rand() % 256);
		if (dnset_parse(buf, n, &l, &why) != RB_OK && why == NULL)
			break;
	}
	is_int(i, 20000, "random lines: refused ones always say why");
	return done_testing();
}

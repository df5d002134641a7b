/*
 * feeder/from.c - see from.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "addr.h"
#include "from.h"
#include "span.h"

/* Case-insensitive find of lit in [p, end). */
static const char *
ifind(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	for (; (size_t)(end - p) >= n; p++)
		if (strncasecmp(p, lit, n) == 0)
			return p;
	return NULL;
}

/* The domain of the address in [p, end) (an addr-spec, maybe with
 * <>), normalised into out; 0 or -1. */
static int
domain_of(const char *p, const char *end, char *out, size_t len)
{
	const char *at = NULL, *q;

	for (q = p; q < end; q++)
		if (*q == '@')
			at = q;
	if (at == NULL)
		return -1;
	for (q = ++at; q < end && *q != '>' && *q != ' ' && *q != ',' &&
	    *q != ';' && *q != '"' && *q != ')'; q++)
		;
	return domain_normalise(at, (size_t)(q - at), out, len) < 0 ||
	    strchr(out, '.') == NULL ? -1 : 0;
}

int
from_header_domain(const char *p, const char *end, char *out, size_t len)
{
	const char *lt = NULL, *gt, *q, *tok;

	/* The last <addr> (a display name may hold '@' and '<' quoted,
	 * rarely; the address comes last). */
	for (q = p; q < end; q++)
		if (*q == '<')
			lt = q;
	if (lt != NULL && (gt = memchr(lt, '>', (size_t)(end - lt))) != NULL)
		return domain_of(lt + 1, gt, out, len);
	/* A bare addr-spec: the first word with an '@'. */
	for (q = p; q < end; q = tok) {
		while (q < end && (*q == ' ' || *q == '\t' || *q == ','))
			q++;
		for (tok = q; tok < end && *tok != ' ' && *tok != '\t' &&
		    *tok != ','; tok++)
			;
		if (memchr(q, '@', (size_t)(tok - q)) != NULL)
			return domain_of(q, tok, out, len);
	}
	return -1;
}

int
from_postfix_info(const char *p, const char *end, char *out, size_t len)
{
	const char *h, *tail = NULL, *q, *cut = NULL;

	if (!starts(p, end, "info: header From:") &&
	    !starts(p, end, "warning: header From:"))
		return -1;
	h = (const char *)memchr(p, ':', (size_t)(end - p)) + 1 +
	    strlen(" header From:");
	/* Postfix appends " from CLIENT; from=<ENV> to=<RCPT> ...": the
	 * last "; from=<" is its own, the header cannot follow it. */
	for (q = h; (q = find(q, end, "; from=<")) != NULL; q++)
		tail = q;
	if (tail == NULL)
		return -1;
	for (q = h; (q = find(q, tail, " from ")) != NULL; q++)
		cut = q;
	if (cut == NULL)
		return -1;
	return from_header_domain(h, cut, out, len);
}

int
from_dmarc_reply(const char *reply, char *out, size_t len)
{
	static const struct {
		const char	*before;
		char		 stop;
	} pat[] = {
		/* Gmail 5.7.26 */
		{ "unauthenticated email from ", ' ' },
		/* Microsoft 5.7.509 */
		{ "sending domain [", ']' },
		{ "dmarc policy for ", ' ' },
		{ "from domain ", ' ' },
	};
	const char *end = reply + strlen(reply), *p, *q;
	size_t i;

	if (ifind(reply, end, "dmarc") == NULL)
		return -1;
	for (i = 0; i < sizeof(pat) / sizeof(pat[0]); i++) {
		if ((p = ifind(reply, end, pat[i].before)) == NULL)
			continue;
		p += strlen(pat[i].before);
		for (q = p; q < end && *q != pat[i].stop && *q != ' ' &&
		    *q != ',' && *q != ';' && *q != ')'; q++)
			;
		while (q > p && q[-1] == '.')
			q--;	/* end of a sentence */
		if (domain_normalise(p, (size_t)(q - p), out, len) > 0 &&
		    strchr(out, '.') != NULL)
			return 0;
	}
	return -1;
}

int
from_aligned(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la == lb)
		return strcmp(a, b) == 0;
	/* One is a subdomain of the other: relaxed alignment, close
	 * enough without the public suffix list. */
	if (la > lb)
		return a[la - lb - 1] == '.' && strcmp(a + la - lb, b) == 0;
	return b[lb - la - 1] == '.' && strcmp(b + lb - la, a) == 0;
}

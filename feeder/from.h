/*
 * feeder/from.h - the domain of a message's From: header, where the logs
 * give it: Postfix header_checks "/^From:/ INFO" lines, the Exim ACL
 * "logwrite = header From: $h_from:" of contrib/exim, and the DMARC
 * refusals of receivers that name it (Gmail, Microsoft).
 *
 * A From: domain that is not the envelope's (a web form that writes as
 * its visitor, "From: visitor@yahoo.fr", through our relay) fails DMARC
 * at the receivers: rebondctl report names the sender and the fix.
 */
#ifndef REBOND_FROM_H
#define REBOND_FROM_H

#include <stddef.h>

/* The domain of the address in the header value [p, end) ("Name
 * <a@b.example>" or "a@b.example"), normalised into out (DOMAIN_MAX + 1
 * bytes).  0, or -1 if there is none. */
int	from_header_domain(const char *p, const char *end, char *out,
	    size_t len);

/* The same from the text after "QID: " of a Postfix cleanup line "info:
 * header From: ... from CLIENT; from=<...> to=<...> ..." (or "warning:"
 * for a WARN action).  -1 if the line is not one. */
int	from_postfix_info(const char *p, const char *end, char *out,
	    size_t len);

/* The From: domain a DMARC refusal names, from the reply text. */
int	from_dmarc_reply(const char *reply, char *out, size_t len);

/* a and b align in DMARC's relaxed sense, near enough: equal, or one a
 * subdomain of the other. */
int	from_aligned(const char *a, const char *b);

#endif

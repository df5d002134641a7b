/*
 * tests/feeder/test_from.c - the From: domain of Postfix header_checks
 * lines, Exim logwrite values and DMARC refusals (feeder/from.h).
 */
#include "config.h"

#include <string.h>

#include "addr.h"
#include "../tap.h"
#include "../../feeder/from.h"

static const char *
pf(const char *line)
{
	static char d[DOMAIN_MAX + 1];

	if (from_postfix_info(line, line + strlen(line), d, sizeof(d)) != 0)
		return "(none)";
	return d;
}

static const char *
hdr(const char *v)
{
	static char d[DOMAIN_MAX + 1];

	if (from_header_domain(v, v + strlen(v), d, sizeof(d)) != 0)
		return "(none)";
	return d;
}

static const char *
dmarc(const char *reply)
{
	static char d[DOMAIN_MAX + 1];

	if (from_dmarc_reply(reply, d, sizeof(d)) != 0)
		return "(none)";
	return d;
}

int
main(void)
{
	is_str(pf("info: header From: \"Visiteur\" <visiteur@Yahoo.FR> from "
	    "web.asso.example[192.0.2.7]; from=<www-data@asso.example> "
	    "to=<contact@asso.example> proto=ESMTP helo=<web>"), "yahoo.fr",
	    "Postfix INFO: the display name and the address");
	is_str(pf("warning: header From: visitor@gmail.com from "
	    "localhost[127.0.0.1]; from=<www@asso.example> to=<a@b.example> "
	    "proto=ESMTP helo=<localhost>"), "gmail.com",
	    "Postfix WARN action, a bare address");
	is_str(pf("info: header From: \"Mail from site\" <form@asso.example> "
	    "from web[192.0.2.7]; from=<www@asso.example> to=<a@b.example> "
	    "proto=ESMTP helo=<web>"), "asso.example",
	    "\" from \" inside the display name");
	is_str(pf("info: header From: x <a@evil.example> from h[1.2.3.4]; "
	    "from=<x@y.example> from h[1.2.3.4]; from=<www@asso.example> "
	    "to=<a@b.example> proto=ESMTP"), "y.example",
	    "a forged suffix in the header: Postfix's own part is the last");
	is_str(pf("info: header Subject: hello from web[192.0.2.7]; "
	    "from=<www@asso.example> to=<a@b.example>"), "(none)",
	    "another header is not From:");
	is_str(pf("info: header From: undisclosed from web[192.0.2.7]; "
	    "from=<www@asso.example> to=<a@b.example>"), "(none)",
	    "no address in From:");
	is_str(pf("info: header From: <visitor@yahoo.fr"), "(none)",
	    "a line cut by the log: no Postfix suffix");
	is_str(hdr("Jane <jane@Example.ORG.>"), "example.org",
	    "Exim value: normalised, trailing dot dropped");
	is_str(hdr("jane@example.org (Jane)"), "example.org",
	    "an address with a comment");
	is_str(hdr("\"a@b\" <c@d.example>"), "d.example",
	    "an '@' in the display name");
	is_str(hdr("nobody"), "(none)", "no address");
	is_str(hdr("x@localhost"), "(none)", "a domain without a dot");
	is_str(dmarc("550-5.7.26 Unauthenticated email from webform.example "
	    "is not accepted due to domain's DMARC policy."), "webform.example",
	    "Gmail 5.7.26");
	is_str(dmarc("550 5.7.509 Access denied, sending domain [YAHOO.FR] "
	    "does not pass DMARC verification and has a DMARC policy of "
	    "reject."), "yahoo.fr", "Microsoft 5.7.509");
	is_str(dmarc("550 5.7.1 Email rejected per DMARC policy for "
	    "gmail.com."), "gmail.com", "per DMARC policy for DOMAIN.");
	is_str(dmarc("554 5.7.9 Message not accepted for policy reasons."),
	    "(none)", "a refusal that names no domain");
	is_str(dmarc("550 Unauthenticated email from webform.example is not "
	    "accepted"), "(none)", "no DMARC in the text: not trusted");
	ok(from_aligned("asso.example", "asso.example"), "equal domains align");
	ok(from_aligned("lists.asso.example", "asso.example") &&
	    from_aligned("asso.example", "mail.asso.example"),
	    "a subdomain aligns (relaxed)");
	ok(!from_aligned("yahoo.fr", "asso.example"), "others do not");
	ok(!from_aligned("xasso.example", "asso.example"),
	    "a suffix that is not a label does not");
	return done_testing();
}

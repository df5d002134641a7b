/*
 * tests/feeder/test_classify.c - the SMTP outcome classifier: real-looking
 * replies of the big receivers and of the MTAs themselves, the key
 * judgements of DESIGN section 2, operator rules, and rules syntax errors.
 * Addresses, IPs and ids are replaced by documentation values.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feeder/classify.h"
#include "feeder/event.h"
#include "util.h"

#include "../tap.h"

struct tcase {
	const char	*status;
	const char	*dsn;
	const char	*reply;
	const char	*cls;
	const char	*sub;
};

#define GMAIL	"host gmail-smtp-in.l.google.com[192.0.2.26] said: "
#define OUTLOOK	"host example-net.mail.protection.outlook.com" \
		"[192.0.2.36] said: "
#define YAHOO	"host mta5.am0.yahoodns.net[192.0.2.72] said: "
#define ORANGE	"host smtp-in.orange.fr[192.0.2.9] said: "
#define LAPOSTE	"host smtp-in.laposte.net[192.0.2.13] said: "
#define FREE	"host mx1.free.fr[192.0.2.6] said: "
#define SFR	"host smtp-in.sfr.fr[192.0.2.123] said: "
#define GMX	"host mx00.emig.gmx.net[192.0.2.9] said: "
#define MIMECAST "host eu-smtp-inbound-1.mimecast.com[192.0.2.91] said: "
#define PPOINT	"host mx0a-00123456.pphosted.com[192.0.2.150] said: "
#define ICLOUD	"host mx01.mail.icloud.com[192.0.2.200] said: "
#define MX	"host mx.example.net[192.0.2.25] said: "
#define RCPT	" (in reply to RCPT TO command)"
#define DATA	" (in reply to end of DATA command)"

static const struct tcase cases[] = {
	/* Delivered. */
	{ "sent", "2.0.0", GMAIL "250 2.0.0 OK  1712345678 "
	  "d9443c01a7336-1f6f2b0b1e5si123456pla.123 - gsmtp",
	  "delivered", "" },
	{ NULL, NULL, "250 2.0.0 Ok: queued as 4VZk2x3FqLz9rxL",
	  "delivered", "" },
	{ "sent", NULL, "delivered to command: /usr/lib/dovecot/deliver",
	  "delivered", "" },

	/* Stopped by our own lists. */
	{ "reject", "5.7.1", "554 5.7.1 Service unavailable; Sender address "
	  "[news@asso.example] blocked using sdom.rebond.test; sender "
	  "hard-bounce rate over threshold", "blocked_by_list", "" },
	{ "reject", "5.7.1", "554 5.7.1 Service unavailable; Recipient "
	  "address [gone.example] blocked using rdom.rebond.test",
	  "blocked_by_list", "" },
	{ "reject", "5.7.1", "554 5.7.1 <ancien@example.net>: Recipient "
	  "address rejected: listed by rebond (5.1.1, 3 relays)",
	  "blocked_by_list", "" },
	{ "reject", "5.1.1", "550 5.1.1 <contact@rebond.org>: Recipient "
	  "address rejected: User unknown in virtual mailbox table",
	  "hard", "mailbox" },
	{ "bounced", "5.1.1", "host mx.rebond.fr[192.0.2.40] said: 550 5.1.1 "
	  "<x@rebond.fr>: Recipient address rejected: User unknown" RCPT,
	  "hard", "mailbox" },

	/* Gmail. */
	{ "bounced", "5.1.1", GMAIL "550-5.1.1 The email account that you "
	  "tried to reach does not exist. Please try 550-5.1.1 "
	  "double-checking the recipient's email address for typos or "
	  "550-5.1.1 unnecessary spaces. For more information, go to "
	  "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser "
	  "5b1f17b1804b1-4156b0a3e65si1234567f9.123 - gsmtp" RCPT,
	  "hard", "mailbox" },
	{ NULL, NULL, "550-5.1.1 The email account that you tried to reach "
	  "does not exist. Please try 550-5.1.1 double-checking the "
	  "recipient's email address for typos", "hard", "mailbox" },
	{ "bounced", "5.2.1", GMAIL "550-5.2.1 The email account that you "
	  "tried to reach is disabled. Learn more at 550 5.2.1  "
	  "https://support.google.com/mail/?p=DisabledUser "
	  "a640c23a62f3a-a6f0a2cd3e8si123456766b.5 - gsmtp" RCPT,
	  "soft", "disabled" },
	{ "deferred", "4.2.2", GMAIL "452-4.2.2 The email account that you "
	  "tried to reach is over quota. Please direct 452-4.2.2 the "
	  "recipient to 452 4.2.2  https://support.google.com/mail/?p="
	  "OverQuotaTemp 2adb3069b0e04-52c8a0ee9e5si1234567e87.4 - gsmtp"
	  RCPT, "soft", "full" },
	{ "bounced", "5.2.2", GMAIL "552-5.2.2 The recipient's inbox is out "
	  "of storage space. Please direct the 552-5.2.2 recipient to "
	  "552 5.2.2  https://support.google.com/mail/?p=OverQuotaPerm - "
	  "gsmtp" RCPT, "soft", "full" },
	{ "deferred", "4.2.1", GMAIL "450-4.2.1 The user you are trying to "
	  "contact is receiving mail at a rate that 450-4.2.1 prevents "
	  "additional messages from being delivered. Please resend your "
	  "450-4.2.1 message at a later time. - gsmtp" RCPT,
	  "deferred_temporary", "ratelimit" },
	{ "deferred", "4.7.28", GMAIL "421-4.7.28 [192.0.2.1      15] Our "
	  "system has detected an unusual rate of 421-4.7.28 unsolicited "
	  "mail originating from your IP address. To protect our 421-4.7.28 "
	  "users from spam, mail sent from your IP address has been "
	  "temporarily 421-4.7.28 rate limited. - gsmtp" DATA,
	  "ip_blocked", "gmail" },
	{ "bounced", "5.7.1", GMAIL "550-5.7.1 [192.0.2.1] Our system has "
	  "detected an unusual rate of 550-5.7.1 unsolicited mail "
	  "originating from your IP address. To protect our 550-5.7.1 users "
	  "from spam, mail sent from your IP address has been blocked." DATA,
	  "ip_blocked", "gmail" },
	{ "deferred", "4.7.0", GMAIL "421-4.7.0 [192.0.2.1] Our system has "
	  "detected that this message is 421-4.7.0 suspicious due to the "
	  "very low reputation of the sending IP address." DATA,
	  "ip_blocked", "gmail" },
	{ "bounced", "5.7.1", GMAIL "550-5.7.1 [192.0.2.1] The IP you're "
	  "using to send mail is not authorized to 550-5.7.1 send email "
	  "directly to our servers. Please use the SMTP relay at your "
	  "550-5.7.1 service provider instead." RCPT, "ip_blocked", "gmail" },
	{ "bounced", "5.7.25", GMAIL "550-5.7.25 [192.0.2.1] The IP address "
	  "sending this message does not have a 550-5.7.25 PTR record "
	  "setup, or the corresponding forward DNS entry does not "
	  "550-5.7.25 point to the sending IP." DATA, "ip_blocked", "ptr" },
	{ "bounced", "5.7.26", GMAIL "550-5.7.26 This mail has been blocked "
	  "because the sender is unauthenticated. 550-5.7.26 Gmail requires "
	  "all senders to authenticate with either SPF or DKIM." DATA,
	  "message_rejected", "auth" },
	{ "bounced", "5.7.26", GMAIL "550-5.7.26 Unauthenticated email from "
	  "asso.example is not accepted due to 550-5.7.26 domain's DMARC "
	  "policy. Please contact the administrator of asso.example" DATA,
	  "message_rejected", "auth" },
	{ "deferred", "4.7.26", GMAIL "421-4.7.26 Unauthenticated email from "
	  "asso.example is not accepted due to domain's DMARC policy" DATA,
	  "message_rejected", "auth" },
	{ "bounced", "5.7.1", GMAIL "550-5.7.1 [192.0.2.1] Gmail has "
	  "detected that this message is likely 550-5.7.1 unsolicited mail. "
	  "To reduce the amount of spam sent to Gmail, 550-5.7.1 this "
	  "message has been blocked." DATA, "message_rejected", "spam" },
	{ "bounced", "5.7.0", GMAIL "552-5.7.0 This message was blocked "
	  "because its content presents a potential 552-5.7.0 security "
	  "issue." DATA, "message_rejected", "content" },
	{ "bounced", "5.2.3", GMAIL "552-5.2.3 Your message exceeded "
	  "Google's message size limits." DATA, "message_rejected", "size" },
	{ "deferred", "4.7.0", GMAIL "421-4.7.0 [192.0.2.1 15] Try again "
	  "later, closing connection. (EHLO) - gsmtp" " (in reply to EHLO "
	  "command)", "deferred_temporary", "ratelimit" },

	/* Microsoft. */
	{ "bounced", "5.7.1", OUTLOOK "550 5.7.1 Unfortunately, messages "
	  "from [192.0.2.1] weren't sent. Please contact your Internet "
	  "service provider since part of their network is on our block "
	  "list (S3140). You can also refer your provider to "
	  "http://mail.live.com/mail/troubleshooting.aspx#errors. "
	  "[AM4PEPF00027A5F.eurprd04.prod.outlook.com]" RCPT,
	  "ip_blocked", "microsoft" },
	{ "bounced", "5.7.1", "550 5.7.1 Unfortunately, messages from "
	  "[192.0.2.1] weren't sent (S3150).", "ip_blocked", "microsoft" },
	{ "bounced", "5.7.606", OUTLOOK "550 5.7.606 Access denied, banned "
	  "sending IP [192.0.2.1]. To request removal from this list please "
	  "visit https://sender.office.com/ and follow the directions. For "
	  "more information please go to  http://go.microsoft.com/fwlink/"
	  "?LinkID=526655 AS(1430)" RCPT, "ip_blocked", "microsoft" },
	{ "bounced", "5.7.649", "550 5.7.649 Access denied", "ip_blocked",
	  "microsoft" },
	{ "deferred", "4.7.650", OUTLOOK "451 4.7.650 The mail server "
	  "[192.0.2.1] has been temporarily rate limited due to IP "
	  "reputation. For e-mail delivery information, see "
	  "https://postmaster.live.com (S775) [Name=Protocol Filter Agent]"
	  RCPT, "ip_blocked", "microsoft" },
	{ "deferred", "4.7.500", OUTLOOK "451 4.7.500 Server busy. Please "
	  "try again later from [192.0.2.1]. (S77719)" RCPT,
	  "deferred_temporary", "ratelimit" },
	{ "bounced", "5.5.0", "host hotmail-com.olc.protection.outlook.com"
	  "[192.0.2.33] said: 550 5.5.0 Requested action not taken: mailbox "
	  "unavailable (S2017062302). [DB5EUR03FT012.eop-EUR03.prod."
	  "protection.outlook.com]" RCPT, "hard", "mailbox" },
	{ "bounced", "5.4.1", OUTLOOK "550 5.4.1 Recipient address "
	  "rejected: Access denied. AS(201806281) [BN1NAM02FT022.eop-nam02."
	  "prod.protection.outlook.com]" RCPT, "hard", "mailbox" },
	{ "bounced", "5.1.10", OUTLOOK "550 5.1.10 RESOLVER.ADR."
	  "RecipientNotFound; Recipient not found by SMTP address lookup"
	  RCPT, "hard", "mailbox" },
	{ "bounced", "5.7.1", OUTLOOK "550 5.7.1 Service unavailable, Client "
	  "host [192.0.2.1] blocked using Spamhaus. To request removal from "
	  "this list see https://www.spamhaus.org/query/ip/192.0.2.1 "
	  "(AS3130). [VI1EUR04FT041.eop-eur04.prod.protection.outlook.com]"
	  RCPT, "ip_blocked", "spamhaus" },
	{ "bounced", "5.2.2", OUTLOOK "554 5.2.2 mailbox full; STOREDRV."
	  "Deliver.Exception:QuotaExceededException."
	  "MapiExceptionShutoffQuotaExceeded" DATA, "soft", "full" },
	{ "bounced", "5.7.509", OUTLOOK "550 5.7.509 Access denied, sending "
	  "domain ASSO.EXAMPLE does not pass DMARC verification and has a "
	  "DMARC policy of reject." DATA, "message_rejected", "auth" },
	{ "bounced", "5.7.515", "550 5.7.515 Access denied, sending domain "
	  "asso.example doesn't meet the required authentication level.",
	  "message_rejected", "auth" },
	{ "bounced", "5.7.1", OUTLOOK "550 5.7.1 RESOLVER.RST.NotAuthorized; "
	  "not authorized" RCPT, "message_rejected", "policy" },

	/* Yahoo, AOL. */
	{ "bounced", "5.0.0", YAHOO "554 delivery error: dd This user doesn't "
	  "have a yahoo.com account (someone@yahoo.com) [0] - "
	  "mta1234.mail.gq1.yahoo.com" DATA, "hard", "mailbox" },
	{ "bounced", NULL, "554 delivery error: dd This user doesn't have a "
	  "aol.com account (someone@aol.com) [0] - mta4021.mail.bf1."
	  "yahoo.com", "hard", "mailbox" },
	{ "bounced", "5.0.0", YAHOO "554 delivery error: dd Sorry your "
	  "message to someone@yahoo.fr cannot be delivered. This mailbox is "
	  "disabled (554.30). - mta4012.mail.ir2.yahoo.com" DATA,
	  "soft", "disabled" },
	{ "deferred", "4.7.0", YAHOO "421 4.7.0 [TSS04] Messages from "
	  "192.0.2.1 temporarily deferred due to unexpected volume or user "
	  "complaints - 4.16.55.1; see https://postmaster.yahooinc.com/"
	  "error-codes" " (in reply to MAIL FROM command)",
	  "ip_blocked", "yahoo" },
	{ "bounced", "5.7.2", YAHOO "553 5.7.2 [TSS09] All messages from "
	  "192.0.2.1 will be permanently deferred; Retrying will NOT "
	  "succeed. See https://postmaster.yahooinc.com/error-codes"
	  " (in reply to MAIL FROM command)", "ip_blocked", "yahoo" },
	{ "deferred", "4.7.0", "421 4.7.0 [TS03] All messages from 192.0.2.1 "
	  "will be permanently deferred; Retrying will NOT succeed.",
	  "ip_blocked", "yahoo" },
	{ "bounced", "5.7.1", YAHOO "553 5.7.1 [BL21] Connections will not "
	  "be accepted from 192.0.2.1, because the ip is in Spamhaus's "
	  "list; see https://postmaster.yahooinc.com/error-codes",
	  "ip_blocked", "spamhaus" },
	{ "bounced", "5.7.9", YAHOO "554 5.7.9 Message not accepted for "
	  "policy reasons.  See https://postmaster.yahooinc.com/error-codes"
	  DATA, "message_rejected", "policy" },
	{ "bounced", "5.7.9", YAHOO "550 5.7.9 This mail has been blocked "
	  "because the sender is unauthenticated. Yahoo requires all "
	  "senders to authenticate with either SPF or DKIM." DATA,
	  "message_rejected", "auth" },
	{ "bounced", "5.0.0", YAHOO "552 1 Requested mail action aborted, "
	  "mailbox full" RCPT, "soft", "full" },
	{ "deferred", "4.0.0", YAHOO "451 Message temporarily deferred due "
	  "to unresolvable RFC.5321 from domain; see https://postmaster."
	  "yahooinc.com/error-codes" " (in reply to MAIL FROM command)",
	  "message_rejected", "policy" },

	/* Orange, Wanadoo, La Poste. */
	{ "bounced", "5.1.1", ORANGE "550 5.1.1 Adresse d au moins un "
	  "destinataire invalide. Invalid recipient. OFR_416 [416]" RCPT,
	  "hard", "mailbox" },
	{ "bounced", "5.1.1", ORANGE "552 5.1.1 Boite du destinataire "
	  "pleine. Recipient overquota. OFR_417 [417]" RCPT,
	  "soft", "full" },
	{ "deferred", "4.0.0", ORANGE "421 mwinf5c79 ME Trop de connexions, "
	  "veuillez verifier votre configuration. Too many connections, "
	  "slow down. OFR005_104 [104]", "deferred_temporary", "ratelimit" },
	{ "bounced", "5.0.0", ORANGE "550 mwinf5c04 ME Adresse IP source "
	  "bloquee pour incident de spam. Client host blocked for spamming "
	  "issues. OFR006_102 Ref http://csi.cloudmark.com/reset-request/"
	  "?ip=192.0.2.1 [102]", "ip_blocked", "cloudmark" },
	{ "bounced", "5.0.0", ORANGE "550 mwinf5c10 ME Service refuse. "
	  "Veuillez essayer plus tard. Service refused, please try later. "
	  "OFR006_103 192.0.2.1 [103]", "ip_blocked", "orange" },
	{ "deferred", "4.0.0", ORANGE "421 mwinf5c77 ME Service refuse. "
	  "Veuillez essayer plus tard. Service refused, please try later. "
	  "OFR_999 [999]", "ip_blocked", "orange" },
	{ NULL, NULL, "421 mwinf5c20 ME Service refusé. Veuillez essayer plus "
	  "tard. Service refused, please try later. OFR004_105 [105]",
	  "message_rejected", "policy" },
	{ "bounced", "5.2.0", ORANGE "550 5.2.0 Mail rejete. Mail rejected. "
	  "ofr_506 [506]" DATA, "message_rejected", "spam" },
	{ "bounced", "5.1.0", ORANGE "501 5.1.0 Emetteur invalide. Invalid "
	  "Sender. OFR004_405 [405]" " (in reply to MAIL FROM command)",
	  "message_rejected", "policy" },
	{ "bounced", "5.7.1", LAPOSTE "550 5.7.1 Service refuse. Veuillez "
	  "essayer plus tard. service refused, please try later. LPN007_510"
	  DATA, "message_rejected", "spam" },
	{ "deferred", "4.2.1", LAPOSTE "421 4.2.1 Service refuse. Veuillez "
	  "essayer plus tard. Service refused, please try later. LPN007_505"
	  DATA, "message_rejected", "policy" },
	{ "bounced", "5.5.0", LAPOSTE "550 5.5.0 Boite du destinataire "
	  "archivee. Archived recipient. LPN007_420" RCPT,
	  "soft", "disabled" },
	{ NULL, NULL, LAPOSTE "571 5.7.1 Message refused, DMARC verification "
	  "Failed. Message refuse, verification DMARC en echec LPN007_517"
	  DATA, "message_rejected", "auth" },
	{ "bounced", "5.7.1", LAPOSTE "554 5.7.1 Client host rejected "
	  "LPN000_630", "ip_blocked", "laposte" },
	{ "deferred", "4.7.1", LAPOSTE "450 4.7.1 Service refused, please try "
	  "later. LPN006_107", "ip_blocked", "ptr" },
	{ "bounced", "5.7.1", LAPOSTE "550 5.7.1 Service unavailable; client "
	  "[192.0.2.1] blocked using Spamhaus. Les emails envoyes vers la "
	  "messagerie Laposte.net ont ete bloques par nos services. "
	  "LPNAAA_101", "ip_blocked", "spamhaus" },

	/* Free. */
	{ "deferred", "4.0.0", FREE "421 Too many spams from your IP "
	  "(192.0.2.1), please visit http://postmaster.free.fr/",
	  "ip_blocked", "free" },
	{ "bounced", "5.0.0", FREE "550 spam detected" DATA,
	  "message_rejected", "spam" },
	{ "bounced", "5.1.1", FREE "552 5.1.1 <someone@free.fr>: Recipient "
	  "address rejected: Boite inconnue" RCPT, "hard", "mailbox" },
	{ "deferred", "4.7.0", FREE "421 4.7.0 Server busy, too many "
	  "connections from your IP", "deferred_temporary", "ratelimit" },
	{ "deferred", "4.7.1", FREE "451 4.7.1 Spam detected, message "
	  "deferred" DATA, "message_rejected", "spam" },

	/* SFR. */
	{ "deferred", "4.7.1", SFR "450 4.7.1 <someone@sfr.fr>: Client host "
	  "rejected: Service refused due to bad behaviour - too many spams "
	  "(SFR_IN_101)" RCPT, "ip_blocked", "sfr" },
	{ "bounced", "5.7.1", SFR "550 5.7.1 Email 4RH2xT4NwZz1LQKck "
	  "rejected per SPAM policy" DATA, "message_rejected", "spam" },
	{ "bounced", "5.7.1", SFR "550 5.7.1 Message content rejected" DATA,
	  "message_rejected", "content" },
	{ "deferred", "4.7.0", SFR "421 4.7.0 msfrf2604.sfr.fr Error: too "
	  "many errors", "deferred_temporary", "ratelimit" },

	/* GMX, web.de. */
	{ "bounced", "5.0.0", "host mx00.emig.gmx.net[192.0.2.9] refused to "
	  "talk to me: 554-gmx.net (mxgmx117) Nemesis ESMTP Service not "
	  "available 554-No SMTP service 554-IP address is black listed. "
	  "554 For explanation visit https://postmaster.gmx.net/en/case?"
	  "c=r0201&i=ip&v=192.0.2.1&r=1MNcgj-1ue23t3pyV-00S2YR",
	  "ip_blocked", "gmx" },
	{ "bounced", "5.0.0", "host mx-ha02.web.de[192.0.2.8] said: 550 "
	  "Requested action not taken: mailbox unavailable" RCPT,
	  "hard", "mailbox" },
	{ "bounced", "5.0.0", GMX "550 Requested action not taken: mailbox "
	  "unavailable" RCPT, "hard", "mailbox" },

	/* Mimecast. */
	{ "bounced", "5.0.0", MIMECAST "550 Rejected by header based "
	  "Anti-Spoofing policy: news@asso.example - https://community."
	  "mimecast.com/docs/DOC-1369#550 [q1w2e3r4t5y6u7.uk97]" DATA,
	  "message_rejected", "auth" },
	{ "bounced", "5.0.0", MIMECAST "550 Envelope blocked - User Entry - "
	  "https://community.mimecast.com/docs/DOC-1369#550 "
	  "[Xy12ab34.uk105]" RCPT, "message_rejected", "policy" },
	{ "deferred", "4.0.0", MIMECAST "451 IP temporarily blacklisted - "
	  "https://community.mimecast.com/docs/DOC-1369#451",
	  "ip_blocked", "mimecast" },
	{ "bounced", "5.0.0", MIMECAST "550 Rejected by IP reputation - "
	  "https://community.mimecast.com/docs/DOC-1369#550",
	  "ip_blocked", "mimecast" },
	{ "bounced", "5.0.0", MIMECAST "550 Invalid Recipient - "
	  "https://community.mimecast.com/docs/DOC-1369#550 [a1b2.uk61]"
	  RCPT, "hard", "mailbox" },
	{ "deferred", "4.0.0", MIMECAST "451 Internal resource temporarily "
	  "unavailable - https://community.mimecast.com/docs/DOC-1369#451"
	  RCPT, "deferred_temporary", "greylist" },

	/* Proofpoint. */
	{ "bounced", "5.7.0", PPOINT "550 5.7.0 Blocked - see "
	  "https://ipcheck.proofpoint.com/?ip=192.0.2.1", "ip_blocked",
	  "proofpoint" },
	{ "bounced", "5.7.1", PPOINT "554 5.7.1 [192.0.2.1] blocked using "
	  "pps.reputation.proofpoint.com", "ip_blocked", "proofpoint" },
	{ "bounced", "5.1.1", PPOINT "550 5.1.1 User Unknown" RCPT,
	  "hard", "mailbox" },

	/* iCloud. */
	{ "bounced", "5.7.1", ICLOUD "554 5.7.1 [CS01] Message rejected due "
	  "to local policy. Please visit https://support.apple.com/en-us/"
	  "HT204137" DATA, "message_rejected", "policy" },
	{ "bounced", "5.7.1", ICLOUD "554 5.7.1 [CS02] Message rejected due "
	  "to local policy. Please visit https://support.apple.com/en-us/"
	  "HT204137" DATA, "ip_blocked", "icloud" },
	{ "bounced", "5.1.1", ICLOUD "550 5.1.1 <someone@icloud.com>: user "
	  "does not exist" RCPT, "hard", "mailbox" },
	{ "bounced", "5.2.2", ICLOUD "552 5.2.2 <someone@icloud.com>: user is "
	  "over quota" RCPT, "soft", "full" },
	{ "deferred", "4.7.1", ICLOUD "421 4.7.1 Messages to "
	  "someone@icloud.com deferred due to excessive volume. Try again "
	  "later - https://support.apple.com/en-us/HT204137",
	  "deferred_temporary", "ratelimit" },
	{ "bounced", "5.7.1", ICLOUD "550 5.7.1 Your email was rejected due "
	  "to having a domain present in the Spamhaus DBL -- see "
	  "https://www.spamhaus.org/dbl/" DATA, "message_rejected", "spam" },
	{ "bounced", "5.1.1", ICLOUD "550 5.1.1 <someone@icloud.com>: "
	  "inactive email address" RCPT, "soft", "disabled" },

	/* Public lists, whoever quotes them: never hard. */
	{ "bounced", "5.7.1", MX "554 5.7.1 Service unavailable; Client host "
	  "[192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus."
	  "org/query/ip/192.0.2.1" RCPT, "ip_blocked", "spamhaus" },
	{ "bounced", "5.7.1", MX "554 5.7.1 Service unavailable; Client host "
	  "[192.0.2.1] blocked using b.barracudacentral.org; "
	  "http://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.1"
	  RCPT, "ip_blocked", "barracuda" },
	{ "bounced", "5.7.1", MX "554 5.7.1 Service unavailable; Client host "
	  "[192.0.2.1] blocked using bl.spamcop.net; Blocked - see "
	  "https://www.spamcop.net/bl.shtml?192.0.2.1" RCPT,
	  "ip_blocked", "spamcop" },
	{ "bounced", "5.7.1", MX "554 5.7.1 Service unavailable; Client host "
	  "[192.0.2.1] blocked using dnsbl.sorbs.net; Currently Sending Spam "
	  "See: http://www.sorbs.net/lookup.shtml?192.0.2.1" RCPT,
	  "ip_blocked", "sorbs" },
	{ "bounced", "5.7.1", MX "550 5.7.1 Your IP 192.0.2.1 is listed in "
	  "UCEPROTECT-Level2" RCPT, "ip_blocked", "uceprotect" },
	{ "bounced", "5.7.1", MX "554 5.7.1 Service unavailable; Client host "
	  "[192.0.2.1] blocked using bl.example.org" RCPT,
	  "ip_blocked", "dnsbl" },
	{ "bounced", "5.7.1", MX "550 5.7.1 Mail from 192.0.2.1 refused, see "
	  "RBL report at rbl.example.org" RCPT, "ip_blocked", "dnsbl" },
	{ "deferred", "4.7.1", MX "450 4.7.1 Client host [192.0.2.1] blocked "
	  "using zen.spamhaus.org; https://www.spamhaus.org/query/ip/"
	  "192.0.2.1" RCPT, "ip_blocked", "spamhaus" },
	{ "bounced", "5.1.1", MX "550 5.1.1 Client host [192.0.2.1] is "
	  "listed in our blocklist" RCPT, "ip_blocked", "dnsbl" },
	{ "deferred", "4.7.1", MX "450 4.7.1 Client host rejected: cannot "
	  "find your reverse hostname, [192.0.2.1]" RCPT, "ip_blocked", "ptr" },
	{ "bounced", "5.5.2", MX "504 5.5.2 <localhost>: Helo command "
	  "rejected: need fully-qualified hostname" RCPT,
	  "ip_blocked", "helo" },
	{ "bounced", "5.7.1", MX "554 5.7.1 <unknown[192.0.2.1]>: Client "
	  "host rejected: Access denied" RCPT, "ip_blocked", "other" },
	{ "bounced", "5.0.0", "host mx.example.net[192.0.2.25] refused to "
	  "talk to me: 554 5.7.1 No SMTP service here", "ip_blocked", "other" },
	{ "bounced", "5.7.1", MX "554 5.7.1 Mail from 192.0.2.1 refused: poor "
	  "IP reputation" RCPT, "ip_blocked", "reputation" },

	/* More lists, and the sender's domain or links on a list. */
	{ "bounced", "5.7.1", MX "554 5.7.1 Service unavailable; Client host "
	  "[192.0.2.1] blocked using psbl.surriel.com" RCPT,
	  "ip_blocked", "psbl" },
	{ "bounced", "5.7.1", MX "554 5.7.1 Service unavailable; Client host "
	  "[192.0.2.1] blocked using bl.mailspike.net" RCPT,
	  "ip_blocked", "mailspike" },
	{ "bounced", "5.7.1", MX "550 5.7.1 Rejected: 192.0.2.1 is listed in "
	  "combined.mail.abusix.zone" RCPT, "ip_blocked", "abusix" },
	{ "bounced", "5.7.1", MX "554 5.7.1 Service unavailable; Sender "
	  "address [news@asso.example] blocked using dbl.example.net" RCPT,
	  "message_rejected", "spam" },
	{ "bounced", "5.7.1", MX "550 5.7.1 Rejected: the sending domain has "
	  "a poor reputation" DATA, "message_rejected", "spam" },
	{ "bounced", "5.7.1", MX "554 5.7.1 Message rejected: URL in body "
	  "listed by multi.surbl.org" DATA, "message_rejected", "spam" },
	{ "bounced", "5.7.1", "host mx-ha03.web.de[192.0.2.10] said: 554 IP "
	  "address is blacklisted by web.de" RCPT, "ip_blocked", "gmx" },
	{ "bounced", "5.7.1", YAHOO "553 5.7.1 [BL23] Connections not "
	  "accepted from IP addresses on the list" RCPT,
	  "ip_blocked", "yahoo" },
	{ "bounced", "5.7.600", OUTLOOK "550 5.7.1 Access denied, banned "
	  "sending IP [192.0.2.1]" RCPT, "ip_blocked", "microsoft" },
	{ "bounced", "5.0.0", LAPOSTE "550 5.7.1 Service unavailable; client "
	  "[192.0.2.1] LPNAAA_100" RCPT, "ip_blocked", "abusix" },
	{ "deferred", "4.0.0", ORANGE "421 mwinf5c11 ME Veuillez essayer plus "
	  "tard. OFR004_201 [201]", "ip_blocked", "helo" },
	{ "bounced", "5.3.4", ORANGE "552 5.3.4 Taille limite du message "
	  "atteinte. Message size limit reached. OFR_514 [514]" DATA,
	  "message_rejected", "size" },
	{ "bounced", "5.5.0", LAPOSTE "550 5.5.0 Adresse d au moins un "
	  "destinataire invalide. Invalid recipient. LPN416" RCPT,
	  "hard", "mailbox" },

	/* The MTA's own reports. */
	{ "bounced", "5.4.4", "Host or domain name not found. Name service "
	  "error for name=exemple.invalid type=MX: Host not found",
	  "hard", "domain" },
	{ "deferred", "4.4.3", "Host or domain name not found. Name service "
	  "error for name=example.net type=MX: Host not found, try again",
	  "deferred_temporary", "dns" },
	{ "bounced", "5.4.4", "Host or domain name not found. Name service "
	  "error for name=gmaiil.example type=A: Host not found",
	  "hard", "domain" },
	{ "bounced", "5.4.4", "Host or domain name not found. Name service "
	  "error for name=example.net type=AAAA: Host found but no data "
	  "record of requested type", "soft", "domain" },
	{ "deferred", "4.4.4", "Host or domain name not found. Name service "
	  "error for name=gmaiil.example type=A: Host not found",
	  "deferred_temporary", "dns" },
	{ "bounced", "5.1.10", "Domain example.net does not accept mail "
	  "(nullMX)", "hard", "nullmx" },
	{ "bounced", "5.1.10", MX "556 5.1.10 Recipient address has null MX",
	  "hard", "nullmx" },
	/* Exim's own texts. */
	{ "bounced", NULL, "an MX or SRV record indicated no SMTP service",
	  "hard", "nullmx" },
	{ "bounced", NULL, "all relevant MX records point to non-existent "
	  "hosts", "soft", "domain" },
	{ "deferred", "4.4.1", "connect to mx.example.net[192.0.2.25]:25: "
	  "Connection timed out", "deferred_temporary", "timeout" },
	{ "deferred", "4.4.1", "connect to mx.example.net[192.0.2.25]:25: "
	  "Connection refused", "deferred_temporary", "connection" },
	{ "deferred", "4.4.2", "lost connection with mx.example.net"
	  "[192.0.2.25] while receiving the initial server greeting",
	  "deferred_temporary", "connection" },
	{ "deferred", "4.4.2", "conversation with mx.example.net[192.0.2.25] "
	  "timed out while sending end of data -- message may be sent more "
	  "than once", "deferred_temporary", "timeout" },
	{ "deferred", "4.4.1", "connect to mx.example.net[2001:db8::25]:25: "
	  "Network is unreachable", "deferred_temporary", "connection" },
	{ "deferred", "4.7.5", "TLS is required, but was not offered by host "
	  "mx.example.net[192.0.2.25]", "deferred_temporary", "tls" },
	{ "deferred", "4.4.1", "delivery temporarily suspended: connect to "
	  "mx.example.net[192.0.2.25]:25: Connection timed out",
	  "deferred_temporary", "timeout" },
	{ NULL, NULL, "connect to mx.example.net[192.0.2.25]:25: Connection "
	  "refused", "deferred_temporary", "connection" },
	{ "bounced", "5.1.1", "unknown user: \"jdupont\"", "hard", "mailbox" },
	{ "reject", "5.1.1", "550 5.1.1 <x@asso.example>: Recipient address "
	  "rejected: User unknown in virtual mailbox table",
	  "hard", "mailbox" },
	{ "bounced", NULL, "retry timeout exceeded", "soft", "expired" },

	{ "deferred", "4.4.2", "delivery temporarily suspended: lost "
	  "connection with mx.example.net[192.0.2.25] while sending RCPT TO",
	  "deferred_temporary", "connection" },
	{ "deferred", "4.3.0", "mail transport unavailable",
	  "deferred_temporary", "connection" },

	/* Greylisting. */
	{ "deferred", "4.2.0", MX "450 4.2.0 <someone@example.net>: Recipient "
	  "address rejected: Greylisted, see http://postgrey.schweikert.ch/"
	  "help/example.net.html" RCPT, "deferred_temporary", "greylist" },
	{ "deferred", "4.7.1", MX "451 4.7.1 Please try again later" RCPT,
	  "deferred_temporary", "greylist" },
	{ "deferred", "4.7.1", MX "451 4.7.1 Greylisting in action, please "
	  "come back later" RCPT, "deferred_temporary", "greylist" },
	{ NULL, NULL, "450 4.2.0 Greylisted for 300 seconds",
	  "deferred_temporary", "greylist" },
	{ "deferred", "4.7.1", MX "451 4.7.1 Try again later" DATA,
	  "deferred_temporary", "greylist" },

	/* Rate limits. */
	{ "deferred", "4.5.3", MX "452 4.5.3 Too many recipients" RCPT,
	  "deferred_temporary", "ratelimit" },
	{ "deferred", "4.7.0", MX "421 4.7.0 Too many concurrent SMTP "
	  "connections from this IP address; please try again later",
	  "deferred_temporary", "ratelimit" },
	{ "deferred", "4.7.1", MX "450 4.7.1 <someone@example.net>: Recipient "
	  "address rejected: Rate limit exceeded, please try again later"
	  RCPT, "deferred_temporary", "ratelimit" },

	/* Mailbox full or disabled. */
	{ "deferred", "4.2.2", MX "452 4.2.2 <someone@example.net>: Mailbox "
	  "full" RCPT, "soft", "full" },
	{ "bounced", "5.2.2", MX "552 5.2.2 <someone@example.net>: Mailbox "
	  "full: quota exceeded" RCPT, "soft", "full" },
	{ "bounced", "5.2.1", MX "550 5.2.1 <someone@example.net>: Mailbox "
	  "disabled, not accepting messages" RCPT, "soft", "disabled" },
	{ "bounced", "5.0.0", MX "550 Mailbox quota exceeded" RCPT,
	  "soft", "full" },
	{ "bounced", "5.7.1", MX "554 5.7.1 <someone@example.net>: Relay "
	  "access denied" RCPT, "soft", "relay" },

	/* The address or domain does not exist. */
	{ "bounced", "5.1.1", MX "550 5.1.1 <someone@example.net>: Recipient "
	  "address rejected: User unknown in local recipient table" RCPT,
	  "hard", "mailbox" },
	{ "bounced", "5.0.0", MX "550 No such user here" RCPT,
	  "hard", "mailbox" },
	{ "bounced", "5.1.2", MX "550 5.1.2 <someone@nope.example>: Recipient "
	  "address rejected: Domain not found" RCPT, "hard", "domain" },
	{ "bounced", NULL, "Unrouteable address", "hard", "mailbox" },
	{ "bounced", NULL, NULL, "message_rejected", "other" },
	{ "bounced", "5.1.1", NULL, "hard", "mailbox" },

	{ "bounced", "5.0.0", MX "550 Utilisateur inconnu" RCPT,
	  "hard", "mailbox" },
	{ "bounced", "5.0.0", MX "550 Empfaenger unbekannt" RCPT,
	  "hard", "mailbox" },
	{ "bounced", "5.0.0", MX "550 No such domain at this location" RCPT,
	  "hard", "domain" },
	{ "bounced", NULL, MX "556 5.1.10 Recipient address rejected" RCPT,
	  "hard", "nullmx" },

	/* Refusals of our sender, not of the recipient: never hard. */
	{ "bounced", "5.0.0", MX "550-Verification failed for "
	  "<news@asso.example> 550-Unrouteable address 550 Sender verify "
	  "failed" " (in reply to RCPT TO command)",
	  "message_rejected", "policy" },
	{ "bounced", "5.1.1", MX "550 5.1.1 <news@asso.example>: Sender "
	  "address rejected: User unknown in local recipient table" RCPT,
	  "message_rejected", "policy" },
	{ "deferred", "4.1.8", MX "450 4.1.8 <news@asso.example>: Sender "
	  "address rejected: Domain not found" RCPT,
	  "message_rejected", "policy" },
	{ "bounced", "5.1.0", MX "550 5.1.0 <news@asso.example> sender "
	  "rejected" " (in reply to MAIL FROM command)",
	  "message_rejected", "policy" },
	{ "bounced", "5.1.7", MX "553 5.1.7 The sender address is invalid"
	  " (in reply to MAIL FROM command)", "message_rejected", "policy" },
	{ "bounced", "5.1.1", MX "550 5.1.1 Unknown address"
	  " (in reply to MAIL FROM command)", "message_rejected", "policy" },
	{ "bounced", "5.7.27", MX "550 5.7.27 Sender address has null MX",
	  "message_rejected", "policy" },

	/* Deferrals never make a hard bounce. */
	{ "deferred", "4.1.1", MX "450 4.1.1 <someone@example.net>: Recipient "
	  "address rejected: unverified address: host mx2.example.net"
	  "[192.0.2.26] said: 550 5.1.1 user unknown" RCPT,
	  "deferred_temporary", "" },
	{ "deferred", "4.1.1", GMAIL "550-5.1.1 The email account that you "
	  "tried to reach does not exist. (soft_bounce)" RCPT,
	  "deferred_temporary", "" },

	/* This message refused. */
	{ "bounced", "5.7.1", MX "550 5.7.1 rejected by DMARC policy for "
	  "yahoo.fr" DATA, "message_rejected", "auth" },
	{ "bounced", "5.7.23", MX "550 5.7.23 SPF validation failed" RCPT,
	  "message_rejected", "auth" },
	{ "bounced", "5.3.4", MX "552 5.3.4 Message size exceeds fixed limit"
	  " (in reply to MAIL FROM command)", "message_rejected", "size" },
	{ "bounced", "5.0.0", MX "552 Message too large, max 10 MB" DATA,
	  "message_rejected", "size" },
	{ "bounced", "5.7.0", MX "554 5.7.0 Reject, id=12345-01 - INFECTED: "
	  "Eicar-Test-Signature" DATA, "message_rejected", "content" },
	{ "bounced", "5.7.1", MX "554 5.7.1 Rejected for policy reasons"
	  DATA, "message_rejected", "policy" },
	{ "bounced", "5.0.0", MX "550 Administrative prohibition" DATA,
	  "message_rejected", "policy" },
	{ "deferred", "4.7.1", MX "451 4.7.1 SERVICE REFUSÉ. Veuillez "
	  "réessayer plus tard." DATA, "message_rejected", "policy" },
	{ "bounced", "5.7.1", MX "550 5.7.1 Message rejected as spam by "
	  "Content Filtering." DATA, "message_rejected", "spam" },
	{ "bounced", "5.6.0", MX "554 5.6.0 Mail message is malformed. Not "
	  "accepted." DATA, "message_rejected", "content" },

	/* A filtering service's host name is not a verdict. */
	{ "deferred", "4.7.1", "host mx1.antispam-cloud.example[192.0.2.60] "
	  "said: 451 4.7.1 Please try again later" RCPT,
	  "deferred_temporary", "greylist" },
	{ "bounced", "5.1.1", "host mx.antivirus.example[192.0.2.61] said: "
	  "550 5.1.1 <someone@example.net>: Recipient address rejected: "
	  "User unknown" RCPT, "hard", "mailbox" },
	{ "bounced", "5.7.1", MX "550 5.7.1 Sender address blacklisted" RCPT,
	  "message_rejected", "policy" },

	/* Unknown failures: never hard. */
	{ "bounced", "5.0.0", MX "550 Transaction failed" DATA,
	  "message_rejected", "other" },
	{ "bounced", "5.4.6", MX "554 5.4.6 Too many hops" DATA,
	  "message_rejected", "other" },
	{ "bounced", "5.5.0", MX "550 5.5.0 Requested action not taken: "
	  "mailbox unavailable" RCPT, "soft", "unavailable" },
	{ "deferred", "4.2.0", MX "450 4.2.0 Mailbox locked" RCPT,
	  "soft", "" },
	{ "deferred", "4.3.0", MX "451 4.3.0 Temporary local problem, please "
	  "try later" DATA, "deferred_temporary", "" },
	{ "deferred", "4.4.0", MX "451 4.4.0 Error in processing" DATA,
	  "deferred_temporary", "" },
	{ NULL, NULL, "550 5.9.9 Something new", "message_rejected", "other" },
	{ NULL, NULL, "451 4.9.9 Something new", "deferred_temporary", "" },
	{ NULL, NULL, NULL, "deferred_temporary", "" },

	/* Expired in the queue: soft unless the reply says otherwise. */
	{ "expired", NULL, NULL, "soft", "expired" },
	{ "expired", "4.4.1", "connect to mx.example.net[192.0.2.25]:25: "
	  "Connection timed out", "soft", "expired" },
	{ "expired", "4.7.0", YAHOO "421 4.7.0 [TSS04] Messages from "
	  "192.0.2.1 temporarily deferred due to unexpected volume or user "
	  "complaints", "ip_blocked", "yahoo" },
	{ "expired", "4.2.2", MX "452 4.2.2 Mailbox full" RCPT,
	  "soft", "full" },
	{ "expired", "4.7.1", MX "450 4.7.1 <someone@example.net>: Recipient "
	  "address rejected: Greylisted" RCPT, "deferred_temporary",
	  "greylist" },
};

static void
test_table(const struct classifier *c)
{
	size_t i;
	char sub[32];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *t = &cases[i];
		int cls;

		memset(sub, 'x', sizeof(sub));
		cls = classify(c, t->status, t->dsn, t->reply, sub,
		    sizeof(sub));
		is_str(ev_class_name(cls), t->cls, "case %zu class: %.60s", i,
		    t->reply ? t->reply : "(no reply)");
		is_str(sub, t->sub, "case %zu sub-reason", i);
	}
	ok(i >= 120, "%zu replies in the table", i);
}

static void
test_misc(const struct classifier *c)
{
	char sub[8];
	int cls;

	/* The sub-reason is truncated to the caller's buffer. */
	cls = classify(c, "bounced", "5.7.1", "554 5.7.1 Service unavailable; "
	    "Client host [192.0.2.1] blocked using bl.spamcop.net", sub,
	    sizeof(sub));
	is_int(cls, EV_IP_BLOCKED, "spamcop block");
	is_str(sub, "spamcop", "sub-reason fits in 8 bytes");
	cls = classify(c, "bounced", "5.7.1", "550 5.7.1 Unfortunately, "
	    "messages from [192.0.2.1] weren't sent (S3140).", sub, 4);
	is_str(sub, "mic", "sub-reason truncated");
	cls = classify(c, "bounced", "5.1.1", "550 5.1.1 user unknown", NULL,
	    0);
	is_int(cls, EV_HARD, "NULL sub-reason buffer accepted");

	/* A malformed dsn argument: the reply's code is used instead. */
	cls = classify(c, "bounced", "5.1", "550 5.1.1 user unknown", sub,
	    sizeof(sub));
	is_int(cls, EV_HARD, "malformed dsn argument ignored");
	/* An unknown status: inferred from the reply code. */
	cls = classify(c, "weird", NULL, "452 4.2.2 Mailbox full", sub,
	    sizeof(sub));
	is_int(cls, EV_SOFT, "unknown status inferred from the reply");
	cls = classify(c, NULL, "4.4.1", NULL, sub, sizeof(sub));
	is_int(cls, EV_DEFERRED_TEMPORARY, "status inferred from the dsn");

	/* A very long reply is cut, not a problem. */
	{
		size_t n = 1 << 20;
		char *big = xmalloc(n + 1);

		memset(big, 'a', n);
		memcpy(big, "550 5.1.1 ", 10);
		big[n] = '\0';
		cls = classify(c, NULL, NULL, big, sub, sizeof(sub));
		is_int(cls, EV_HARD, "1 MB reply");
		memcpy(big + n - 20, " blocked using zen", 18);
		cls = classify(c, NULL, NULL, big, sub, sizeof(sub));
		is_int(cls, EV_HARD, "text beyond the first 4 kB is ignored");
		free(big);
	}
}

static void
test_operator(void)
{
	struct classifier *c = classify_new();
	char err[256], sub[32], path[1024];
	const char *unavailable = "host mx.example.net[192.0.2.25] said: 550 "
	    "Requested action not taken: mailbox unavailable";
	const char *other = "host mx.example.org[192.0.2.26] said: 550 "
	    "Requested action not taken: mailbox unavailable";
	const char *gmail428 = "421-4.7.28 [192.0.2.1 15] Our system has "
	    "detected an unusual rate of 421-4.7.28 unsolicited mail "
	    "originating from your IP address.";
	int cls, fd, rc;
	FILE *f;

	cls = classify(c, "bounced", NULL, unavailable, sub, sizeof(sub));
	is_str(ev_class_name(cls), "soft", "built-in: unknown server's "
	    "'mailbox unavailable' is soft");

	/* A site that knows mx.example.net says so only for unknown users. */
	rc = classify_load_string(c,
	    "# mx.example.net: the university's relay\n"
	    "hard/mailbox status=bounced text~\"mailbox unavailable\" "
	    "text~\"mx.example.net[\"   # says so for unknown users only\n",
	    "local.rules", err, sizeof(err));
	is_int(rc, 0, "operator rules load");
	cls = classify(c, "bounced", NULL, unavailable, sub, sizeof(sub));
	is_str(ev_class_name(cls), "hard", "operator rule overrides");
	is_str(sub, "mailbox", "operator sub-reason");
	cls = classify(c, "bounced", NULL, other, sub, sizeof(sub));
	is_str(ev_class_name(cls), "soft", "other servers keep the built-in");

	/* Flip a built-in judgement. */
	cls = classify(c, "deferred", NULL, gmail428, sub, sizeof(sub));
	is_str(ev_class_name(cls), "ip_blocked", "built-in Gmail 4.7.28");
	rc = classify_load_string(c, "deferred_temporary/ratelimit "
	    "code=421 dsn=4.7.28\n", "flip.rules", err, sizeof(err));
	is_int(rc, 0, "second rules load");
	cls = classify(c, "deferred", NULL, gmail428, sub, sizeof(sub));
	is_str(ev_class_name(cls), "deferred_temporary", "flipped");
	is_str(sub, "ratelimit", "flipped sub-reason");

	/* The last load wins over the earlier one. */
	rc = classify_load_string(c, "soft/first text~zorglub\n", "a", err,
	    sizeof(err));
	rc |= classify_load_string(c, "complaint/second text~zorglub\n", "b",
	    err, sizeof(err));
	is_int(rc, 0, "two more loads");
	cls = classify(c, "bounced", NULL, "550 Zorglub", sub, sizeof(sub));
	is_str(ev_class_name(cls), "complaint", "the last load comes first");
	is_str(sub, "second", "its sub-reason");

	/* A failed load adds nothing, not even its good lines. */
	rc = classify_load_string(c, "hard text~zorglub\nbogus\n", "bad",
	    err, sizeof(err));
	is_int(rc, RB_EINVAL, "bad load refused");
	is_str(err, "bad:2: unknown class 'bogus'", "its error");
	cls = classify(c, "bounced", NULL, "550 Zorglub", sub, sizeof(sub));
	is_str(ev_class_name(cls), "complaint", "classifier unchanged");

	/* Negation, code ranges, alternatives, regexes. */
	rc = classify_load_string(c,
	    "delivered/odd code=550-552 !dsn=5.1.* text=/^55[0-2] odd[0-9]+/\n"
	    "hard/odd code=55* text~\"odd4\"|oddity\n", "n", err, sizeof(err));
	is_int(rc, 0, "conditions load");
	cls = classify(c, NULL, NULL, "551 odd42", sub, sizeof(sub));
	is_str(ev_class_name(cls), "delivered", "code range and regex");
	cls = classify(c, NULL, NULL, "551 5.1.1 odd42", sub, sizeof(sub));
	is_str(ev_class_name(cls), "hard", "negated dsn");
	cls = classify(c, NULL, NULL, "553 an oddity", sub, sizeof(sub));
	is_str(ev_class_name(cls), "hard", "bare alternative");

	/* From a file, CRLF line ends included. */
	snprintf(path, sizeof(path), "%s/rebond-classify-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		ok(0, "temporary file");
		classify_free(c);
		return;
	}
	fputs("# a rules file\r\nip_blocked/local text~\"blocked by "
	    "our partner\"\r\n", f);
	fclose(f);
	rc = classify_load(c, path, err, sizeof(err));
	is_int(rc, 0, "classify_load");
	cls = classify(c, "bounced", NULL, "550 blocked by our partner", sub,
	    sizeof(sub));
	is_str(sub, "local", "rule from the file");
	f = fopen(path, "w");
	fputs("hard dsn=5.1.1\nsoft text~\"a", f);
	fputc('\0', f);
	fputs("b\"\n", f);
	fclose(f);
	rc = classify_load(c, path, err, sizeof(err));
	is_int(rc, RB_EINVAL, "NUL byte refused");
	ok(strstr(err, ":2: NUL byte in line") != NULL && strncmp(err, path,
	    strlen(path)) == 0, "error names file and line: %s", err);
	unlink(path);
	rc = classify_load(c, path, err, sizeof(err));
	is_int(rc, RB_ESYS, "missing file");
	ok(strncmp(err, path, strlen(path)) == 0 && strstr(err,
	    "No such file") != NULL, "missing file error: %s", err);
	classify_free(c);
}

static void
test_syntax(void)
{
	static const struct {
		const char	*text;
		const char	*err;
	} bad[] = {
		{ "hardd dsn=5.1.1\n", "t:1: unknown class 'hardd'" },
		{ "# comment\n\nhard dsn=5.1.1\nsoft/Full dsn=4.2.2\n",
		  "t:4: bad sub-reason 'Full' (a-z, 0-9, _ . -)" },
		{ "hard/ dsn=5.1.1", "t:1: sub-reason must be 1 to 31 "
		  "characters" },
		{ "hard/abcdefghijklmnopqrstuvwxyz012345 dsn=5.1.1",
		  "t:1: sub-reason must be 1 to 31 characters" },
		{ "hard dsn=5.1", "t:1: bad status code pattern '5.1'" },
		{ "hard dsn=3.1.1", "t:1: bad status code pattern '3.1.1'" },
		{ "hard dsn=5.1.1|5.x.1", "t:1: bad status code pattern "
		  "'5.x.1'" },
		{ "hard dsn=", "t:1: missing value after 'dsn='" },
		{ "hard code=5x0", "t:1: bad reply code pattern '5x0'" },
		{ "hard code=554-550", "t:1: bad reply code pattern "
		  "'554-550'" },
		{ "hard status=bounce", "t:1: unknown status 'bounce' (sent, "
		  "bounced, deferred, expired or reject)" },
		{ "hard dsn~5.1.1", "t:1: 'dsn' takes '=', not '~'" },
		{ "hard from=someone", "t:1: unknown condition 'from'" },
		{ "hard 5.1.1", "t:1: expected a condition (status=, code=, "
		  "dsn=, text~ or text=), got '5.1.1'" },
		{ "hard text~\"user unknown", "t:1: unterminated string" },
		{ "hard text~\"\"", "t:1: empty string after 'text~'" },
		{ "hard text~\"a\"b", "t:1: unexpected 'b' after string" },
		{ "hard text~a|", "t:1: empty string after 'text~'" },
		{ "hard text=/user unknown", "t:1: unterminated regular "
		  "expression" },
		{ "hard text=user", "t:1: 'text=' takes a /regular "
		  "expression/" },
		{ "hard text=//", "t:1: bad regular expression: empty" },
		{ "hard text=/(a)\\1/", "t:1: bad regular expression: "
		  "back-references are not supported" },
		{ "hard text=/(a{100}){100}/", "t:1: bad regular expression: "
		  "too complex" },
		{ "hard text=/((((((((((a+)+)+)+)+)+)+)+)+)+)+/",
		  "t:1: bad regular expression: too complex" },
		{ "hard text=/a++/", "t:1: bad regular expression: "
		  "repetition operators in a row" },
		{ "hard text=/(((((((((((((((((a)))))))))))))))))/",
		  "t:1: bad regular expression: groups nested too deep" },
		{ "hard text=/[a-z/", "t:1: bad regular expression: "
		  "unterminated bracket expression" },
		{ "hard text=/a/b", "t:1: unexpected 'b' after regular "
		  "expression" },
	};
	struct classifier *c = classify_new();
	char err[256];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		rc = classify_load_string(c, bad[i].text, "t", err,
		    sizeof(err));
		is_int(rc, RB_EINVAL, "bad rule %zu refused", i);
		is_str(err, bad[i].err, "error message");
	}
	rc = classify_load_string(c, "hard text=/a(/", "t", err, sizeof(err));
	ok(rc == RB_EINVAL && strncmp(err, "t:1: bad regular expression: ",
	    29) == 0, "regcomp error reported: %s", err);

	/* What is accepted. */
	rc = classify_load_string(c,
	    "\n   \n# only comments\n"
	    "soft\n"
	    "hard/a.b-c_9 !status=deferred|expired dsn=5.1.*|5.7.606-649 "
	    "code=5*|421|550-559 text~\"say \\\"hi\\\"\"|bare "
	    "text=/x\\/y/ # trailing comment\n"
	    "\tdelivered\tdsn=*\t\n", "t", err, sizeof(err));
	is_int(rc, 0, "valid rules accepted (%s)", rc ? err : "ok");
	rc = classify_load_string(c, "", "t", err, sizeof(err));
	is_int(rc, 0, "empty text accepted");
	classify_free(c);

	/* The built-in rules text parses and ends with a fallback. */
	c = classify_new();
	ok(c != NULL, "built-in rules parse");
	ok(strstr(classify_builtin_rules, "deferred_temporary status="
	    "deferred\n") != NULL, "built-ins end with fallbacks");
	classify_free(c);
}

/* contrib/classify.rules loads, adds no rule, and its examples parse. */
static void
test_contrib(void)
{
	const char *srcdir = getenv("srcdir");
	struct classifier *c;
	char path[1024], err[256], sub[32], *text, *line, *out;
	size_t len = 0, cap = 4096, n;
	int rc, cls;
	FILE *f;

	snprintf(path, sizeof(path), "%s/contrib/classify.rules",
	    srcdir ? srcdir : "..");
	c = classify_new();
	rc = classify_load(c, path, err, sizeof(err));
	is_int(rc, 0, "contrib/classify.rules loads (%s)", rc ? err : "ok");
	cls = classify(c, "bounced", NULL, "host mx.fai.example[192.0.2.3] "
	    "said: 550 Compte inexistant", sub, sizeof(sub));
	is_str(ev_class_name(cls), "message_rejected", "no active rule in it");
	classify_free(c);

	/* Uncomment the examples: "#class..." lines lose their '#'. */
	if ((f = fopen(path, "r")) == NULL) {
		ok(0, "open %s", path);
		return;
	}
	text = xmalloc(cap);
	out = xmalloc(cap);
	while ((n = fread(text + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap) {
			cap *= 2;
			text = xrealloc(text, cap);
			out = xrealloc(out, cap);
		}
	}
	fclose(f);
	text[len] = '\0';
	out[0] = '\0';
	n = 0;
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#' && line[1] >= 'a' && line[1] <= 'z') {
			strcat(out, line + 1);
			strcat(out, "\n");
			n++;
		}
	}
	c = classify_new();
	rc = classify_load_string(c, out, "examples", err, sizeof(err));
	is_int(rc, 0, "the %zu examples parse (%s)", n, rc ? err : "ok");
	ok(n >= 8, "%zu examples", n);
	cls = classify(c, "bounced", NULL, "host mx.fai.example[192.0.2.3] "
	    "said: 550 Compte inexistant", sub, sizeof(sub));
	is_str(ev_class_name(cls), "hard", "example rule applies");
	cls = classify(c, "reject", "5.7.1", "554 5.7.1 Service unavailable; "
	    "Client host [192.0.2.7] blocked using rcpt.bl.chatons.example",
	    sub, sizeof(sub));
	is_str(ev_class_name(cls), "blocked_by_list", "another origin");
	cls = classify(c, "bounced", "5.7.1", "550 5.7.1 Refused [REF-123456]",
	    sub, sizeof(sub));
	is_str(sub, "policy", "example regex");
	classify_free(c);
	free(text);
	free(out);
}

/*
 * The rules classify() passes over without trying them: those whose
 * status conditions exclude the status, those whose text~ alternatives
 * all hold a byte pair the reply lacks.  The answers are those of the
 * first rule, in order, whose conditions all hold.
 */
static void
test_walk(void)
{
	struct classifier *c = classify_new();
	char err[256], sub[32];
	int cls, rc;

	rc = classify_load_string(c,
	    "hard/a !status=deferred|expired text~zorglub\n"
	    "soft/b status=deferred text~zorglub\n"
	    "complaint/c status=sent|expired !status=sent text~zorglub\n"
	    "ip_blocked/d text~\"grey list\"|greylist|\"gray-list\"\n"
	    "message_rejected/e text~x|xyz text~zorg\n"
	    "delivered/f text~\"\xc3\x89t\xc3\xa9\"\n"
	    "soft/g status=expired\n",
	    "walk", err, sizeof(err));
	is_int(rc, 0, "walk rules load");
	cls = classify(c, "bounced", NULL, "550 Zorglub", sub, sizeof(sub));
	ok(cls == EV_HARD && strcmp(sub, "a") == 0, "negated status list");
	cls = classify(c, NULL, NULL, "550 ZORGLUB", sub, sizeof(sub));
	ok(cls == EV_HARD && strcmp(sub, "a") == 0, "status from the code");
	cls = classify(c, "reject", NULL, "zorglub", sub, sizeof(sub));
	ok(cls == EV_HARD && strcmp(sub, "a") == 0, "reject is not deferred");
	cls = classify(c, "deferred", NULL, "zorglub", sub, sizeof(sub));
	ok(cls == EV_SOFT && strcmp(sub, "b") == 0, "deferred: next rule");
	cls = classify(c, NULL, NULL, "451 4.7.1 zorglub", sub, sizeof(sub));
	ok(cls == EV_SOFT && strcmp(sub, "b") == 0, "deferred from the code");
	cls = classify(c, "expired", NULL, "zorglub", sub, sizeof(sub));
	ok(cls == EV_COMPLAINT && strcmp(sub, "c") == 0,
	    "two status conditions");
	cls = classify(c, "expired", NULL, "550 5.1.1 user unknown", sub,
	    sizeof(sub));
	ok(cls == EV_SOFT && strcmp(sub, "g") == 0, "status alone decides");
	cls = classify(c, "bounced", NULL, "550 Gray-List  in use", sub,
	    sizeof(sub));
	ok(cls == EV_IP_BLOCKED && strcmp(sub, "d") == 0,
	    "alternatives with pairs in common");
	cls = classify(c, "bounced", NULL, "550 gray list", sub, sizeof(sub));
	ok(strcmp(sub, "d") != 0, "... none of them");
	cls = classify(c, "bounced", NULL, "550 x zorg", sub, sizeof(sub));
	ok(cls == EV_MESSAGE_REJECTED && strcmp(sub, "e") == 0,
	    "a one-byte alternative");
	cls = classify(c, "bounced", NULL, "550 zorg", sub, sizeof(sub));
	ok(strcmp(sub, "e") != 0, "... absent");
	cls = classify(c, "bounced", NULL, "550 \xc3\x89T\xc3\x89", sub,
	    sizeof(sub));
	ok(cls == EV_DELIVERED && strcmp(sub, "f") == 0, "Latin-1 capitals");
	classify_free(c);
}

int
main(void)
{
	struct classifier *c = classify_new();

	test_table(c);
	test_misc(c);
	classify_free(c);
	test_operator();
	test_walk();
	test_syntax();
	test_contrib();
	return done_testing();
}

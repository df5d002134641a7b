#!/bin/sh
# rebondctl stats, report and metrics on a generated Postfix log of three
# days with known counts: exact figures, worst first, the sparklines, the
# typo domain, the throttled and the hard-bouncing senders with their
# evidence, IP blocks, peers; listings new, delisted and expired on later
# days; "none" for empty sections; 72 columns; the Prometheus text.
. "$srcdir/tests/lib.sh"
export TZ=UTC LC_ALL=C.UTF-8
D=1710284400		# 2024-03-12T23:00Z, the third day
LATER=1710504000	# 2024-03-15T12:00Z
PEER=IZQsQ8iE0s3y9ff8YZW/lYoQkIe5tUxBxEt5dYy0ytE=

# Postfix lines of one message each: qid, client, sasl login, sender,
# recipient, relay, dsn, status and reply; ids are unique.
gen() {
	awk 'function msg(day, t, client, sasl, from, to, relay, dsn, st, reply,
	    q) {
		q = sprintf("%X", ++n + 1048576)
		if (sasl != "")
			sasl = ", sasl_method=PLAIN, sasl_username=" sasl
		printf "Mar %s %s relay postfix/smtpd[100]: %s: client=%s%s\n",
		    day, t, q, client, sasl
		printf "Mar %s %s relay postfix/qmgr[101]: %s: from=<%s>, " \
		    "size=1000, nrcpt=1 (queue active)\n", day, t, q, from
		printf "Mar %s %s relay postfix/smtp[102]: %s: to=<%s>, " \
		    "relay=%s, delay=1, delays=0/0/0/1, dsn=%s, status=%s " \
		    "(%s)\n", day, t, q, to, relay, dsn, st, reply
		if (st != "deferred")
			printf "Mar %s %s relay postfix/qmgr[101]: %s: " \
			    "removed\n", day, t, q
	}
	function sent(day, t, client, sasl, from, to, mx) {
		msg(day, t, client, sasl, from, to, mx "[198.51.100.7]:25",
		    "2.0.0", "sent", "250 2.0.0 OK")
	}
	function tm(h, i) { return sprintf("%02d:%02d:%02d", h, i / 60 % 60,
	    i % 60) }
	BEGIN {
		A = "mail.alice.example[192.0.2.10]"
		B = "relay2.peer.example[203.0.113.5]"
		for (d = 10; d <= 12; d++)
			for (i = 0; i < 10; i++)
				sent(d, tm(8, i), A, "alice", "alice@alice.example",
				    "u" i "@example.com", "mx.example.com")
		for (d = 10; d <= 11; d++)
			for (i = 0; i < 5; i++)
				sent(d, tm(10, i), A, "news", "news@news.example",
				    "r" i "@example.net", "mx.example.net")
		# The third day: what went wrong, all from alice.
		for (i = 0; i < 2; i++)
			msg(12, tm(9, i), A, "alice", "alice@alice.example",
			    "someone" i "@gmaiil.com", "none", "5.4.4", "bounced",
			    "Host or domain name not found. Name service error " \
			    "for name=gmaiil.com type=A: Host not found")
		msg(12, tm(9, 10), A, "alice", "alice@alice.example",
		    "reader@hotmail.example", "mx.hotmail.example[198.51.100.30]:25",
		    "5.7.1", "bounced", "host mx.hotmail.example[198.51.100.30] " \
		    "said: 550 5.7.1 Service unavailable, Client host " \
		    "[192.0.2.1] blocked using Spamhaus (in reply to RCPT TO " \
		    "command)")
		msg(12, tm(9, 11), A, "alice", "alice@alice.example",
		    "x@orange.example", "smtp.orange.example[198.51.100.20]:25",
		    "5.7.1", "bounced", "host smtp.orange.example said: 550 " \
		    "5.7.1 Message rejected as spam (in reply to end of DATA " \
		    "command)")
		msg(12, tm(9, 12), A, "alice", "alice@alice.example",
		    "full@example.org", "mx.example.org[198.51.100.9]:25",
		    "4.2.2", "deferred", "host mx.example.org[198.51.100.9] " \
		    "said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)")
		msg(12, tm(9, 13), A, "alice", "alice@alice.example",
		    "grey@example.net", "mx.example.net[198.51.100.40]:25",
		    "4.7.1", "deferred", "host mx.example.net said: 450 4.7.1 " \
		    "<grey@example.net>: Recipient address rejected: " \
		    "Greylisted (in reply to RCPT TO command)")
		# A newsletter 25 times its usual volume: throttled.
		for (i = 0; i < 250; i++)
			sent(12, tm(10, i * 14), A, "news", "news@news.example",
			    "r" i "@example.net", "mx.example.net")
		# The peer relay hands over bob, 8 of 20 to dead addresses.
		for (i = 0; i < 12; i++)
			sent(12, tm(11, i), B, "", "bob@bob.example",
			    "ok" i "@example.org", "mx.example.org")
		for (i = 0; i < 8; i++)
			msg(12, tm(11, 20 + i), B, "", "bob@bob.example",
			    "dead" i "@example.org", "mx.example.org[198.51.100.9]:25",
			    "5.1.1", "bounced", "host mx.example.org said: 550 " \
			    "5.1.1 <dead" i "@example.org>: Recipient address " \
			    "rejected: User unknown (in reply to RCPT TO command)")
		# Our own list at work.
		printf "Mar 12 12:00:00 relay postfix/smtpd[100]: NOQUEUE: " \
		    "reject: RCPT from %s: 554 5.7.1 <dead0@example.org>: " \
		    "Recipient address rejected: listed in rcpt.rebond.test " \
		    "(127.0.0.2); from=<alice@alice.example> " \
		    "to=<dead0@example.org> proto=ESMTP helo=<x>\n", A
	}'
}
gen > "$T/mail.log"
at() { _t=$1; shift; REBOND_NOW=$_t "$CTL" -d "$STATE" "$@"; }

ok "the generated log is fed" sh -c "REBOND_NOW=$D '$FEEDER' -d '$STATE' --stdin < '$T/mail.log' 2>'$T/feed.err'"
ok "peer relay2 at the address that hands bob over" \
    at $D peer add relay2 --key "$PEER" --url http://203.0.113.5:8853/ --trust full

# --- stats ---------------------------------------------------------------

at $D stats --days 3 --json > "$T/node.json"
ok "stats --json keeps its keys, in order" grep -q '^  {"key": "node", "delivered": 302, "hard": 10, "soft": 1, "message_rejected": 1, "ip_blocked": 1, "complaint": 0, "deferred_temporary": 1, "blocked_by_list": 1, "sent": 315, "bounce_rate": 0.0349, ' "$T/node.json"
ok "stats --json: bad rate and the trend per day" grep -q '"bad": 13, "bad_rate": 0.0413, "trend": {"from": "2024-03-10", "days_per_point": 1, "sent": \[15, 15, 285\], "bad": \[0, 0, 13\]}}$' "$T/node.json"
at $D stats --by sender --days 3 > "$T/senders"
sed 's/^/# /' "$T/senders"
ok "stats --by sender: worst bad rate first" test "$(awk 'NR > 1 { printf "%s ", $1 }' "$T/senders")" = "bob@bob.example alice@alice.example news@news.example "
ok "bob: 20 sent, 12 delivered, 8 hard, 40% bad, only the last day" grep -Eq '^bob@bob.example +20 +12 +8 +0 +0 +0 +0 +0 +0 +40.00% +40.0%  ··▇$' "$T/senders"
ok "alice: 35 sent, her bad third day" grep -Eq '^alice@alice.example +35 +30 +2 +1 +1 +1 +0 +1 +1 +8.57% +14.3%  ▁▁▇$' "$T/senders"
ok "news: 260 sent, nothing bad" grep -Eq '^news@news.example +260 +260( +0){7} +0.00% +0.0%  ▁▁▁$' "$T/senders"
at $D stats --by sender --days 3 --json > "$T/senders.json"
ok "stats --by sender --json in the same order" test "$(sed -n 's/^  {"key": "\([^"]*\)".*/\1/p' "$T/senders.json" | tr '\n' ' ')" = "bob@bob.example alice@alice.example news@news.example "
ok "stats --by recipient-domain: gmaiil.com all hard" sh -c "REBOND_NOW=$D '$CTL' -d '$STATE' stats --by recipient-domain --days 1 | grep -Eq '^gmaiil.com +2 +0 +2 '"
at $D stats --by peer --days 3 > "$T/peers"
sed 's/^/# /' "$T/peers"
ok "stats --by peer: relay2 named by its address" grep -Eq '^relay2 \(ip:203.0.113.5\) +20 +12 +8 ' "$T/peers"
ok "stats --by peer: no mailbox users" sh -c "! grep -q sasl: '$T/peers'"
ok "stats --by peer --json names the peer" sh -c "REBOND_NOW=$D '$CTL' -d '$STATE' stats --by peer --json | grep -q '\"key\": \"ip:203.0.113.5\", \"peer\": \"relay2\", \"delivered\": 12'"
ok "a window of 60 days: points of 2 days" sh -c "REBOND_NOW=$D '$CTL' -d '$STATE' stats --days 60 --json | grep -q '\"days_per_point\": 2, \"sent\": \[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 300\]'"
ok "stats --by nonsense is refused" sh -c "! '$CTL' -d '$STATE' stats --by nonsense 2>'$T/err' && grep -q 'peer' '$T/err'"

# --- report ----------------------------------------------------------------

at $D report > "$T/report"
sed 's/^/# /' "$T/report"
has() { grep -Eq "$1" "$T/report"; }
ok "report: one day" has '^2024-03-12 \(1 day, UTC\)$'
ok "report: 285 outcomes, 272 delivered" sh -c "grep -Eq '^  outcomes with a verdict +285\$' '$T/report' && grep -Eq '^  delivered +272 +95.44%\$' '$T/report'"
ok "report: hard bounces 3.51% under the 10% limit" has '^  hard bounces +10 +3.51%  limit  10.00%  ok$'
ok "report: complaints none, limit 0.5%" has '^  complaints +0 +0.00%  limit   0.50%  ok$'
ok "report: refused, IP blocked, deferred, stopped by our lists" sh -c "grep -Eq '^  refused \(spam, policy\) +1 +0.35%' '$T/report' && grep -Eq '^  relay IP blocked +1 +0.35%\$' '$T/report' && grep -Eq '^  deferred \(temporary\) +1\$' '$T/report' && grep -Eq '^  stopped by our lists +1\$' '$T/report'"
ok "report: listings new today per zone" sh -c "grep -Eq '^  rcpt recipients +11 +11 +0 +0\$' '$T/report' && grep -Eq '^  rdom recipient domains +1 +1 +0 +0\$' '$T/report' && grep -Eq '^  sdom sender domains +2 +2 +0 +0\$' '$T/report' && grep -Eq '^  sndr senders +2 +2 +0 +0\$' '$T/report'"
ok "report: the newsletter throttled, with its volume" sh -c "grep -A4 '^  news@news.example\$' '$T/report' | grep -q 'sndr 127.0.0.4 unusual volume: throttle' && grep -A4 '^  news@news.example\$' '$T/report' | grep -q 'today 250 sent, 1 a day in the 7d before (limit x10)'"
ok "report: bob listed for his hard bounces, with the rate" sh -c "grep -A5 '^  bob@bob.example\$' '$T/report' | grep -q 'last 7d: 8 hard bounces of 20 sent (40.0%; limit 10.0%)'"
ok "report: their domains too" sh -c "grep -q '^  news.example\$' '$T/report' && grep -q '^  bob.example\$' '$T/report'"
ok "report: how to see more" grep -q '^    rebondctl explain bob@bob.example$' "$T/report"
ok "report: top bouncing domains, most bounces first" test "$(sed -n '/^Top bouncing/,/^$/p' "$T/report" | awk '/^  [a-z]/ && $1 != "domain" { printf "%s ", $1 }')" = "example.org gmaiil.com "
ok "report: gmaiil.com stands out" sh -c "grep -A1 '^  gmaiil.com ' '$T/report' | grep -q 'every delivery failed; listed: no such domain; typo of gmail.com?'"
ok "report: example.org is no typo" sh -c "! grep -A1 '^  example.org ' '$T/report' | grep -q typo"
ok "report: IP block at hotmail.example" has '^  hotmail.example +1 +1 +0 +100.0%$'
ok "report: the peer, no score yet" sh -c "grep -q '^  relay2: trust full, share no' '$T/report' && grep -q 'score: not yet received' '$T/report'"
ok "report: 72 columns at most" test "$(wc -L < "$T/report")" -le 72
at $D report --days 3 > "$T/report3"
ok "report --days 3: the trend of the bad rate" grep -q '^  bad rate per day: ▁▁▄$' "$T/report3"
ok "report --days 3: 72 columns at most" test "$(wc -L < "$T/report3")" -le 72

at $D report --json > "$T/report.json"
if command -v python3 >/dev/null 2>&1; then
	ok "report --json is JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$T/report.json"
fi
ok "report --json: node" grep -q '"node": {"delivered": 272, "hard": 10, "soft": 1, "message_rejected": 1, "ip_blocked": 1, "complaint": 0, "deferred_temporary": 1, "blocked_by_list": 1, "sent": 285, "bounce_rate": 0.0386, "bad_rate": 0.0456, "hard_rate": 0.0351, ' "$T/report.json"
ok "report --json: limits of [policy]" grep -q '"limits": {"hard_rate": 0.1000, "refused_rate": 0.1000, "complaint_rate": 0.0050}' "$T/report.json"
ok "report --json: listings" grep -q '{"zone": "rcpt", "listed": 11, "new": 11, "delisted": 0, "expired": 0}' "$T/report.json"
ok "report --json: the typo" grep -q '"key": "gmaiil.com", "delivered": 0, "hard": 2, .*"all_failed": true, "no_such_domain": true, "typo_of": "gmail.com"' "$T/report.json"
ok "report --json: a sender and its window" grep -q '"zone": "sndr", "key": "bob@bob.example", "named": true, "codes": \[{"code": 2, .*"window": {"delivered": 12, "hard": 8,' "$T/report.json"
ok "report --json: peers with a null score" grep -q '"name": "relay2", "trust": "full", "share": false, "last_seq": 0, "quarantined": false, "score": null' "$T/report.json"

# --- metrics -----------------------------------------------------------------

at $D metrics > "$T/metrics"
ok "metrics: every line is a comment or name{labels} value" sh -c "! grep -Ev '^(# (HELP|TYPE) rebond_[a-z_]+ .+|rebond_[a-z_]+(\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*\})? [0-9][0-9.e+]*)\$' '$T/metrics'"
ok "metrics: each family typed once, its samples together" sh -c "test -z \"\$(sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' '$T/metrics' | sort | uniq -d)\" && test -z \"\$(sed -n 's/^\(rebond_[a-z_]*\)[{ ].*/\1/p' '$T/metrics' | uniq | sort | uniq -d)\""
ok "metrics: listed keys per zone" sh -c "grep -qx 'rebond_listed_keys{zone=\"rcpt\"} 11' '$T/metrics' && grep -qx 'rebond_listed_keys{zone=\"sndr\"} 2' '$T/metrics'"
ok "metrics: per code" sh -c "grep -qx 'rebond_listings{zone=\"rcpt\",code=\"127.0.0.2\"} 10' '$T/metrics' && grep -qx 'rebond_listings{zone=\"rcpt\",code=\"127.0.0.4\"} 1' '$T/metrics' && grep -qx 'rebond_listings{zone=\"sdom\",code=\"127.0.0.4\"} 1' '$T/metrics'"
ok "metrics: feeder events per class" sh -c "grep -qx 'rebond_feeder_events_total{class=\"delivered\"} 302' '$T/metrics' && grep -qx 'rebond_feeder_events_today{class=\"hard\"} 10' '$T/metrics'"
ok "metrics: origins, peers, store" sh -c "grep -qx 'rebond_origins 2' '$T/metrics' && grep -qx 'rebond_origin_last_seq{origin=\"relay2\"} 0' '$T/metrics' && grep -q '^rebond_store_used_bytes [1-9]' '$T/metrics' && grep -qx 'rebond_store_entries{db=\"listing\"} 16' '$T/metrics'"
ok "metrics takes no argument" sh -c "! '$CTL' -d '$STATE' metrics extra 2>/dev/null"

# Days later: expiry, a listing again after its expiry, a deletion.
at $D add sdom once.example --days 1 2>/dev/null
at $LATER add sdom once.example --days 1
at $LATER del rcpt dead0@example.org
at $LATER report --json > "$T/later.json"
ok "later: the expired listing listed again counts as new" grep -q '{"zone": "sdom", "listed": 3, "new": 1, "delisted": 0, "expired": 0}' "$T/later.json"
ok "later: a deletion counts as delisted" grep -q '{"zone": "rcpt", "listed": 9, "new": 0, "delisted": 1, "expired": 0}' "$T/later.json"
at $LATER report --days 3 --json > "$T/later3.json"
ok "later, 3 days: the soft-bounce listing expired" grep -q '{"zone": "rcpt", "listed": 9, "new": 0, "delisted": 1, "expired": 1}' "$T/later3.json"
ok "later: no mail, so no domain and no sender figures" grep -q '"node": {"delivered": 0, ' "$T/later.json"

# An empty store: every section says none.
"$CTL" -d "$T/empty" report > "$T/empty.txt"
ok "empty store: five sections say none" test "$(grep -c '^  none$' "$T/empty.txt")" -eq 5
ok "empty store: --json too" sh -c "'$CTL' -d '$T/empty' report --json | grep -q '\"senders\": \[\],'"
# Refusals for authentication, counted per sender domain, point at
# check-domain.
now=$(date -u '+%b %e %H:%M:%S')
{
	for i in 1 2 3; do
		echo "$now relay postfix/qmgr[8]: AUTH0000$i: from=<news@webform.example>, size=100, nrcpt=1 (queue active)"
		echo "$now relay postfix/smtp[7]: AUTH0000$i: to=<u$i@gmail.com>, relay=gmail-smtp-in.l.google.com[192.0.2.25]:25, delay=1, delays=0/0/0/1, dsn=5.7.26, status=bounced (host gmail-smtp-in.l.google.com[192.0.2.25] said: 550-5.7.26 Unauthenticated email from webform.example is not accepted due to domain's DMARC policy. 550 5.7.26 Please contact the administrator of webform.example domain (in reply to end of DATA command))"
	done
	echo "$now relay postfix/qmgr[8]: AUTH00004: from=<news@webform.example>, size=100, nrcpt=1 (queue active)"
	echo "$now relay postfix/smtp[7]: AUTH00004: to=<ok@example.net>, relay=mx.example.net[192.0.2.26]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)"
	# A web form of asso.example writing as its visitor: Postfix logs
	# From: (header_checks INFO), Microsoft refuses one for DMARC.
	for i in 5 6; do
		echo "$now relay postfix/cleanup[9]: AUTH0000$i: info: header From: \"Un visiteur\" <visiteur@yahoo.fr> from web.asso.example[192.0.2.7]; from=<www-data@asso.example> to=<contact@example.net> proto=ESMTP helo=<web>"
		echo "$now relay postfix/qmgr[8]: AUTH0000$i: from=<www-data@asso.example>, size=100, nrcpt=1 (queue active)"
	done
	echo "$now relay postfix/smtp[7]: AUTH00005: to=<contact@example.net>, relay=mx.example.net[192.0.2.26]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)"
	echo "$now relay postfix/smtp[7]: AUTH00006: to=<contact@outlook.example>, relay=mx.outlook.example[192.0.2.27]:25, delay=1, delays=0/0/0/1, dsn=5.7.509, status=bounced (host mx.outlook.example[192.0.2.27] said: 550 5.7.509 Access denied, sending domain [YAHOO.FR] does not pass DMARC verification and has a DMARC policy of reject. (in reply to end of DATA command))"
} > "$T/auth.log"
"$FEEDER" -d "$T/auth" --stdin < "$T/auth.log" 2>/dev/null
# A DMARC failure report (RFC 6591) about another web form: its
# Reported-Domain is the From: domain.
sed -e 's/^Original-Mail-From: .*/Original-Mail-From: <form@club.example>/' \
    -e 's/^Reported-Domain: .*/Reported-Domain: gmail.com/' \
    -e "s/^Arrival-Date: .*/Arrival-Date: $(date -u -R)/" \
    "$srcdir/tests/feeder/mails/arf_auth_failure.eml" |
    "$FEEDER" -d "$T/auth" --mail 2>/dev/null
"$CTL" -d "$T/auth" report > "$T/auth.txt"
ok "report: the sender domain refused for authentication, with its share" grep -Eq '^  webform.example +4 +3 +75.0%$' "$T/auth.txt"
ok "report: ... and the check-domain command to run" grep -q '^    check: rebondctl check-domain webform.example' "$T/auth.txt"
ok "report: the web form writing as its visitor, with the fix" sh -c '
    grep -A3 "^Senders writing From: a domain not theirs" "$1" > "$1.wf" &&
    sed -n 3p "$1.wf" | grep -qx "  www-data@asso.example wrote as From: ...@yahoo.fr" &&
    grep -A5 "^Senders writing From: a domain not theirs" "$1" |
    grep -q "^    2 messages, 1 refused (DMARC of yahoo.fr fails" &&
    grep -q "^    fix: From: an address of asso.example, the visitor.s address in Reply-To:" "$1"' _ "$T/auth.txt"
ok "report: ... and the one an RFC 6591 failure report names" \
    grep -qx "  form@club.example wrote as From: ...@gmail.com" "$T/auth.txt"
ok "report: a DMARC refusal naming the envelope's own domain is no web form" \
    sh -c '! grep -q "news@webform.example wrote" "$1"' _ "$T/auth.txt"
ok "report --json: foreign_from" sh -c "'$CTL' -d '$T/auth' report --json | grep -q '{\"sender\": \"www-data@asso.example\", \"from_domain\": \"yahoo.fr\", \"messages\": 2, \"refused\": 1}'"
ok "report --json: auth_refusals" sh -c "'$CTL' -d '$T/auth' report --json | grep -q '{\"key\": \"webform.example\", \"sent\": 4, \"refused\": 3}'"
ok "report takes no argument" sh -c "! '$CTL' -d '$STATE' report extra 2>/dev/null"

done_testing

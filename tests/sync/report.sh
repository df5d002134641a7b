#!/bin/sh
# Reports back to the origin: B relays mail that A's relay hands it
# (B knows A's relay by its client address); a bounce of such a mail is
# listed on B with scope local only, queued, and pushed to A, which
# lists it as its own evidence.  A is down at first: the report waits
# in B's queue and goes when A comes back.  Transaction ids make a
# report taken twice count once.
. "$srcdir/tests/sync/lib.sh"

for n in A B; do node_init $n; done
peer A B full yes
peer B A full yes
nctl B peer add a --key "$ID_A" --url "http://127.0.0.1:$PORT_A" --client 127.0.0.9 --client sasl:relay-a
ok "peer list shows the clients" sh -c "'$CTL' -c '$T/B.conf' -d '$T/B' peer list | grep -q '^a .* clients=127.0.0.9/32 sasl:relay-a'"
ok "a bad client is refused" sh -c "! '$CTL' -c '$T/B.conf' -d '$T/B' peer add a --key '$ID_A' --url http://127.0.0.1:1 --client 'not an ip' 2>'$T/err' && grep -q 'sasl:NAME' '$T/err'"
ok "peer add without --client keeps them" sh -c "'$CTL' -c '$T/B.conf' -d '$T/B' peer add a --key '$ID_A' --url 'http://127.0.0.1:$PORT_A' --trust full --share yes && '$CTL' -c '$T/B.conf' -d '$T/B' peer list | grep -q 'clients=127.0.0.9/32 sasl:relay-a'"

# B's Postfix log: one mail from A's relay (by address), one from a
# mailbox user of B's own, one from A's relay by SASL name; all bounce.
cat > "$T/mail.log" <<'LOG'
Nov 22 08:00:00 relay postfix/smtpd[9]: AAAA00001: client=relay-a.example[127.0.0.9]
Nov 22 08:00:00 relay postfix/qmgr[8]: AAAA00001: from=<alice@a.example>, size=100, nrcpt=1 (queue active)
Nov 22 08:00:01 relay postfix/smtp[7]: AAAA00001: to=<gone@example.com>, relay=mx.example.com[198.51.100.7]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.com[198.51.100.7] said: 550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command))
Nov 22 08:00:02 relay postfix/smtpd[9]: AAAA00002: client=laptop.b.example[192.0.2.50], sasl_method=PLAIN, sasl_username=bob
Nov 22 08:00:02 relay postfix/qmgr[8]: AAAA00002: from=<bob@b.example>, size=100, nrcpt=1 (queue active)
Nov 22 08:00:03 relay postfix/smtp[7]: AAAA00002: to=<own@example.com>, relay=mx.example.com[198.51.100.7]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.com[198.51.100.7] said: 550 5.1.1 <own@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command))
Nov 22 08:00:04 relay postfix/smtpd[9]: AAAA00003: client=unknown[203.0.113.4], sasl_method=PLAIN, sasl_username=relay-a
Nov 22 08:00:04 relay postfix/qmgr[8]: AAAA00003: from=<carol@a.example>, size=100, nrcpt=1 (queue active)
Nov 22 08:00:05 relay postfix/smtp[7]: AAAA00003: to=<gone2@example.com>, relay=mx.example.com[198.51.100.7]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.com[198.51.100.7] said: 550 5.1.1 <gone2@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command))
LOG
ok "B's feeder reads the log" sh -c "'$FEEDER' -c '$T/B.conf' -d '$T/B' --stdin < '$T/mail.log'"
ok "B lists the bounce of A's mail" listed B gone@example.com
ok "... with scope local: A decides what to publish" sh -c "'$CTL' -c '$T/B.conf' -d '$T/B' explain gone@example.com | grep -q 'scope local'"
ok "B's own user's bounce keeps B's scope (federation)" sh -c "'$CTL' -c '$T/B.conf' -d '$T/B' explain own@example.com | grep -q 'scope federation'"
ok "a mail from A's relay known by its SASL name too" sh -c "'$CTL' -c '$T/B.conf' -d '$T/B' explain gone2@example.com | grep -q 'scope local'"

# A is down: B queues and retries.
node_start B
sleep 2
ok "B could not reach A and says so" grep -q 'peer a .*report push.*retrying' "$T/B.log"
ok "A does not know the bounce yet" sh -c "! '$CTL' -c '$T/A.conf' -d '$T/A' lookup gone@example.com"
node_start A
ok "A gets the report once it is up" wait_for 10 listed A gone@example.com
ok "and the one by SASL name" wait_for 5 listed A gone2@example.com
ok "A lists it as its own evidence, with its scope" sh -c "'$CTL' -c '$T/A.conf' -d '$T/A' explain gone@example.com | grep -E '^  self .*status 5.1.1.*scope federation'"
ok "A does not learn of B's own user's bounce by report" sh -c "! '$CTL' -c '$T/A.conf' -d '$T/A' explain own@example.com | grep -q '^  self '"
ok "B logs that A took the reports" wait_for 5 grep -q 'peer a took 2 bounce reports' "$T/B.log"
ok "A logs them" grep -q 'peer b reported 2 bounces of mail it handed us (2 new)' "$T/A.log"
# And then B gets A's listing back by the pull, as a peer's record.
ok "B then hears A's listing as A's own record" wait_for 5 sh -c "'$CTL' -c '$T/B.conf' -d '$T/B' explain gone@example.com | grep -q '^  a '"

# Node scores: each node publishes its node-wide outcome rates.
ok "A sees B's published score (3 mails, all bounced)" wait_for 5 sh -c "'$CTL' -c '$T/A.conf' -d '$T/A' peer list | grep -q '^b .* score=7d:sent:3,hard:100.0%,soft:0.0%,refused:0.0%,ip_blocked:0.0%,complaint:0.00%'"
ok "rebondctl report shows the peer's score" sh -c "'$CTL' -c '$T/A.conf' -d '$T/A' report | grep -q '^    score: 7d:sent:3,hard:100.0%'"
ok "B sees A's (no mail yet)" wait_for 5 sh -c "'$CTL' -c '$T/B.conf' -d '$T/B' peer list | grep -q '^a .* score=7d:sent:0'"

# Idempotent by transaction id.
TX=0123456789abcdef0123456789abcdef
ok "a report is taken once" sh -c "'$REQ' -R $TX:twice@example.com '$T/B/node.key' '$ID_A' 'http://127.0.0.1:$PORT_A' | grep -qx '200 taken 1 dup 0'"
ok "... and the same transaction again is a duplicate" sh -c "'$REQ' -R $TX:twice@example.com '$T/B/node.key' '$ID_A' 'http://127.0.0.1:$PORT_A' | grep -qx '200 taken 0 dup 1'"
ok "a node that is not a peer cannot report" sh -c "'$CTL' -d '$T/X' keygen >/dev/null 2>&1; '$REQ' -R $TX:x@example.com '$T/X/node.key' '$ID_A' 'http://127.0.0.1:$PORT_A' | grep -q '^401 '"

# /metrics, Prometheus text format, from loopback.
ok "B's /metrics answers" sh -c "curl -sf 'http://127.0.0.1:$PORT_B/metrics' > '$T/metrics'"
ok "every sample line is name{labels} value" sh -c "! grep -v '^#' '$T/metrics' | grep -Ev '^[a-z_]+(\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\})? -?[0-9.e+]+\$'"
ok "B pushed 2 reports to a" grep -qx 'rebond_sync_reports_pushed_total{peer="a"} 2' "$T/metrics"
ok "B's sync lag for a is 0 (up to date)" grep -Eqx 'rebond_sync_lag_seconds\{peer="a"\} 0(\.0+)?' "$T/metrics"
ok "the store's figures are there too" grep -q '^rebond_listed_keys{zone="rcpt"} [1-9]' "$T/metrics"
ok "A counted the refused report" sh -c "curl -sf 'http://127.0.0.1:$PORT_A/metrics' | grep -q '^rebond_sync_requests_refused_total [1-9]'"

# A peer A only observes: its reports are acknowledged, never listed.
# (The server reads a peer's trust from the store at each request.)
peer A B observe yes
TX2=fedcba9876543210fedcba9876543210
ok "an observed peer's report is acknowledged, not taken" wait_for 5 sh -c "'$REQ' -R $TX2:observed@example.com '$T/B/node.key' '$ID_A' 'http://127.0.0.1:$PORT_A' | grep -qx '200 taken 0 dup 0'"
ok "... nothing listed" sh -c "! '$CTL' -c '$T/A.conf' -d '$T/A' lookup observed@example.com"
ok "... and A says why" grep -q 'peer b reported 1 bounce of mail it handed us: not listed (trust observe)' "$T/A.log"
peer A B full yes

# systemd's notification protocol: READY=1 once serving, RELOADING=1
# then READY=1 on SIGHUP, STOPPING=1 on SIGTERM.
NOTIFYD="$TOP_BUILD/tests/zones/notifyd"
SOCK="@rebond-test-sync-notify-$$"
"$NOTIFYD" "$SOCK" > "$T/notes" 2>&1 &
PIDS="$PIDS $!"
wait_for 5 grep -q '^bound' "$T/notes"
node_stop A
export NOTIFY_SOCKET="$SOCK"; node_start A; unset NOTIFY_SOCKET
ok "rebond-sync says READY=1 once it serves" wait_for 5 grep -q 'READY=1' "$T/notes"
ok "... and answers then" sh -c "curl -sf 'http://127.0.0.1:$PORT_A/metrics' >/dev/null"
kill -HUP $PID_A
ok "SIGHUP: RELOADING=1 then READY=1" wait_for 5 sh -c "grep -q 'RELOADING=1' '$T/notes' && test \$(grep -c 'READY=1' '$T/notes') -ge 2"
for n in A B; do node_stop $n; done
ok "STOPPING=1 on SIGTERM" wait_for 5 grep -q 'STOPPING=1' "$T/notes"
for n in A B; do
	ok "$n: no sanitizer report" sh -c "! grep -q 'ERROR: \\|runtime error' '$T/$n.log'"
done
done_testing

#!/bin/sh
# tests/dnsd/metrics.sh - rebond-dnsd's [dnsd] metrics listener: GET
# /metrics in the Prometheus text format (every sample well formed, HELP
# and TYPE for each family, no series twice), counters that move by what
# was asked (queries by zone and rcode, listed answers by code, TCP
# connections, rate limiting, policy decisions, reloads), the store's
# figures after them, 404 elsewhere, and no listener without the option.
. "$srcdir/tests/lib.sh"

command -v dig >/dev/null 2>&1 || skip_all "dig is not installed"
command -v curl >/dev/null 2>&1 || skip_all "curl is not installed"
PQ="$TOP_BUILD/tests/dnsd/policyq"
RAWQ="$TOP_BUILD/tests/dnsd/rawq"
pq() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$PQ" "$@"; }

is() {
	[ "$1" = "$2" ] && return 0
	printf 'got:  %s\nwant: %s\n' "$1" "$2"
	return 1
}

MPORT=$(free_port)
PPORT=$(free_port)
URL="http://127.0.0.1:$MPORT/metrics"
CONF="$T/rebond.conf"
printf '[dnsd]\nmetrics = 127.0.0.1:%s\nrrl-responses-per-second = 20\nrrl-ipv4-prefix = 32\n' \
    "$MPORT" > "$CONF"

ctl add rcpt dead@example.com --reason hard --status 5.1.1 >/dev/null
ctl add sdom spam.example --reason complaint >/dev/null
NO_V6=1 start_dnsd -c "$CONF" -p "127.0.0.1:$PPORT"
ok "the log says where the metrics are" \
    grep -q "metrics on http://127.0.0.1:$MPORT/metrics" "$T/dnsd.log"

scrape() { curl -sf --max-time 5 "$URL" > "$1"; }
# value FILE 'name{labels}': the sample's value, or "none".
value() {
	awk -v k="$2" '$1 == k { print $2; f = 1 } END { if (!f) print "none" }' "$1"
}
# delta 'name{labels}': its change from before to after.
delta() {
	_a=$(value "$T/before" "$1"); _b=$(value "$T/after" "$1")
	if [ "$_a" = none ] || [ "$_b" = none ]; then echo "none"; return; fi
	echo $((_b - _a))
}

ok "GET /metrics answers 200" scrape "$T/before"
ok "as text/plain version 0.0.4" sh -c \
    'curl -s -o /dev/null -w "%{content_type}" "$1" | grep -qx "text/plain; version=0.0.4; charset=utf-8"' \
    _ "$URL"

# The format: comments are HELP or TYPE, samples "name{k="v",...} N".
ok "every line is a HELP, a TYPE or a well-formed sample" sh -c \
    '! grep -vE "^# (HELP|TYPE) [a-z_]+ .+\$|^[a-z_]+(\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\})? [0-9]+\$" "$1"' \
    _ "$T/before"
ok "every family has one HELP and one TYPE, before its samples" awk '
    /^# HELP / { help[$3]++; next }
    /^# TYPE / { type[$3]++; next }
    { n = $1; sub(/\{.*/, "", n)
      if (!(n in help) || !(n in type)) { print "no HELP/TYPE before " n; bad = 1 } }
    END { for (n in help) if (help[n] != 1 || type[n] != 1) { print n; bad = 1 }
          exit bad }' "$T/before"
ok "no series twice" sh -c \
    'grep -v "^#" "$1" | cut -d" " -f1 | sort | uniq -d | grep . && exit 1; exit 0' \
    _ "$T/before"
ok "counters end in _total and are typed counter" sh -c \
    '! grep "^# TYPE [a-z_]*_total " "$1" | grep -v " counter\$"' _ "$T/before"
ok "the families an operator graphs are there" sh -c '
    for f in rebond_dns_queries_total rebond_dns_answers_listed_total \
	rebond_dns_rrl_limited_total rebond_dns_tcp_connections_total \
	rebond_policy_decisions_total rebond_dnsd_start_time_seconds; do
	grep -q "^# TYPE $f " "$1" || { echo "no $f"; exit 1; }
    done' _ "$T/before"
ok "the store's figures follow: 1 key listed in rcpt, 1 in sdom" is \
    "$(value "$T/before" 'rebond_listed_keys{zone="rcpt"}') $(value "$T/before" 'rebond_listed_keys{zone="sdom"}')" \
    "1 1"
now=$(date +%s)
st=$(value "$T/before" rebond_dnsd_start_time_seconds)
ok "the start time is a recent Unix time" sh -c \
    '[ "$1" -le "$2" ] && [ "$1" -gt $(($2 - 120)) ]' _ "$st" "$now"

# Known traffic.
q() { dig +tries=1 +time=2 @127.0.0.1 -p "$PORT" "$@" > /dev/null; }
HD=$(sha1 dead@example.com)
HN=$(sha1 nobody@example.com)
q test.rcpt.rebond.test A
q test.rcpt.rebond.test A
q "$HD.rcpt.rebond.test" A
q "$HD.rcpt.rebond.test" TXT
q "$HN.rcpt.rebond.test" A
q spam.example.sdom.rebond.test A
q nothing.example.rdom.rebond.test A
q example.org A
q +tcp test.rcpt.rebond.test A
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$RAWQ" udp 127.0.0.1 "$PORT" \
    '0101 0000 0002 0000 0000 0000 00 0001 0001' > /dev/null
# Rate limiting: 20 a second for 127.0.0.3, 60 queries: about 40 limited.
"$TOP_BUILD/tests/dnsd/burst" 127.0.0.3 127.0.0.1 "$PORT" \
    invalid.sndr.rebond.test 60 150 > "$T/burst"
preq() {
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nsender=%s\nrecipient=%s\nsasl_username=%s\n\n' \
	    "$1" "$2" "$3"
}
{ preq a@asso.example dead@example.com alice
  preq a@asso.example good@example.com alice
  preq a@asso.example good@example.com alice; } |
    pq 127.0.0.1 "$PPORT" > "$T/policy"
ok "scrape again" scrape "$T/after"

ok "5 NOERROR in rcpt: test x2, listed A and TXT, test over TCP" \
    is "$(delta 'rebond_dns_queries_total{zone="rcpt",rcode="noerror"}')" 5
ok "1 NXDOMAIN in rcpt" \
    is "$(delta 'rebond_dns_queries_total{zone="rcpt",rcode="nxdomain"}')" 1
ok "1 NXDOMAIN in rdom" \
    is "$(delta 'rebond_dns_queries_total{zone="rdom",rcode="nxdomain"}')" 1
ok "1 NOERROR in sdom" \
    is "$(delta 'rebond_dns_queries_total{zone="sdom",rcode="noerror"}')" 1
ok "REFUSED outside the zones counts as zone other" \
    is "$(delta 'rebond_dns_queries_total{zone="other",rcode="refused"}')" 1
ok "FORMERR counts as zone other" \
    is "$(delta 'rebond_dns_queries_total{zone="other",rcode="formerr"}')" 1
ok "listed answers in rcpt with 127.0.0.2: test x3, dead x2" \
    is "$(delta 'rebond_dns_answers_listed_total{zone="rcpt",code="127.0.0.2"}')" 5
ok "a listed answer in sdom with 127.0.0.3" \
    is "$(delta 'rebond_dns_answers_listed_total{zone="sdom",code="127.0.0.3"}')" 1
ok "one TCP connection" \
    is "$(delta 'rebond_dns_tcp_connections_total')" 1
lim=$(delta rebond_dns_rrl_limited_total)
ans=$(awk '{ print $4 }' "$T/burst")
ok "rate-limited answers are counted (60 sent, $ans answered)" \
    is "$lim" $((60 - ans))
ok "and the truncated ones among them" \
    is "$(delta rebond_dns_rrl_slipped_total)" "$(awk '{ print $6 }' "$T/burst")"
ok "in sndr, the answered part of the burst" \
    is "$(delta 'rebond_dns_queries_total{zone="sndr",rcode="nxdomain"}')" $((60 - $(awk '{ print $8 }' "$T/burst")))
ok "3 policy requests" is "$(delta rebond_policy_requests_total)" 3
ok "1 reject, 2 dunno" is "$(delta 'rebond_policy_decisions_total{action="reject"}') $(delta 'rebond_policy_decisions_total{action="dunno"}')" "1 2"

# SIGHUP counts; a bad file counts as failed.
kill -HUP "$DNSD_PID"
sleep 0.3
printf '[dnsd]\nmetrics = nowhere\n' >> "$CONF"
kill -HUP "$DNSD_PID"
sleep 0.3
scrape "$T/reload"
ok "reloads counted: 1 ok, 1 failed" is \
    "$(value "$T/reload" 'rebond_dnsd_config_reloads_total{result="ok"}') $(value "$T/reload" 'rebond_dnsd_config_reloads_total{result="failed"}')" \
    "1 1"
ok "the last reload failed" is \
    "$(value "$T/reload" rebond_dnsd_config_last_reload_successful)" 0

ok "another path is 404" is \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MPORT/")" 404
ok "POST is refused" sh -c \
    'c=$(curl -s -o /dev/null -w "%{http_code}" -d x "$1"); echo $c; [ "$c" -ge 400 ]' _ "$URL"
ok "no sanitizer report" sh -c '! grep -q Sanitizer "$1"' _ "$T/dnsd.log"
stop_dnsd

# Without the option: no listener.
: > "$CONF"
start_dnsd -c "$CONF"
ok "no metrics option, no listener" sh -c \
    '! curl -s --max-time 2 "$1" > /dev/null' _ "$URL"
stop_dnsd

done_testing

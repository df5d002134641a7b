#!/bin/sh
# tests/dnsd/policy.sh - the Postfix policy service of a running
# rebond-dnsd (-p), spoken to with tests/dnsd/policyq: answers per code
# and class of sender, keep-alive and pipelined requests, 50 concurrent
# connections, a listing added with rebondctl seen by the next request on
# an open connection, the throttle, malformed, oversize and junk requests
# (DUNNO, and the server goes on), half-closed clients, the idle timeout,
# the connection limit, the ACL and the SIGUSR1 counters.
. "$srcdir/tests/lib.sh"

command -v dig >/dev/null 2>&1 || skip_all "dig is not installed"
PQ="$TOP_BUILD/tests/dnsd/policyq"
[ -x "$PQ" ] || skip_all "tests/dnsd/policyq is not built"
# policyq runs many times: spare it the leak check at each exit.
pq() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$PQ" "$@"; }

# preq STATE SENDER RECIPIENT [SASL_USERNAME]: a request as Postfix
# sends it (a subset of its attributes, and one it does not know).
preq() {
	printf 'request=smtpd_access_policy\nprotocol_state=%s\nprotocol_name=ESMTP\nclient_address=127.0.0.1\nclient_name=localhost\nhelo_name=client.asso.example\nsender=%s\nrecipient=%s\nrecipient_count=0\nqueue_id=4Tb2kq0RbVz9vQ\nsasl_method=%s\nsasl_username=%s\nccert_subject=CN=a=b\nsize=0\nfuture_attribute=1\n\n' \
	    "$1" "$2" "$3" "${4:+PLAIN}" "${4:-}"
}

is() {
	[ "$1" = "$2" ] && return 0
	printf 'got:  %s\nwant: %s\n' "$1" "$2"
	return 1
}

TAIL='if this is wrong, ask your postmaster to delist it'
DEAD="action=550 5.1.1 listed by rebond (rcpt 127.0.0.2: does not exist (hard bounce)); $TAIL"
RDOM="action=550 5.1.2 listed by rebond (rdom 127.0.0.2: does not exist (hard bounce)); $TAIL"
RECENT="action=DEFER_IF_PERMIT 4.7.1 listed by rebond (rcpt 127.0.0.4: recent soft bounce); $TAIL"
HELD="action=HOLD listed by rebond (sndr 127.0.0.10: held by the operator); $TAIL"
SPAM="action=550 5.7.1 listed by rebond (sndr 127.0.0.6: messages refused as spam or policy); $TAIL"
THROTTLED="action=DEFER_IF_PERMIT 4.7.1 listed by rebond (sndr 127.0.0.4: unusual volume: throttle); $TAIL"
DUNNO="action=DUNNO"

cat > "$T/rebond.conf" <<'EOF'
[policy-service]
bulk-senders = newsletter, lists.asso.example
throttle-rate = 3
timeout = 8s
EOF

ctl add rcpt dead@example.com --reason hard --status 5.1.1 >/dev/null
ctl add rcpt recent@example.com --reason recent >/dev/null
ctl add rdom gmaiil.com --reason hard >/dev/null
ctl add sndr held@asso.example --reason held >/dev/null
ctl add sndr spammer@asso.example --reason spam >/dev/null
ctl add sndr busy@asso.example --reason throttle >/dev/null

PPORT=$(free_port)
NO_V6=1 start_dnsd -c "$T/rebond.conf" -p "127.0.0.1:$PPORT"
ok "rebond-dnsd logs the policy service" \
    grep -q "Postfix policy service on 127.0.0.1:$PPORT" "$T/dnsd.log"
ok "DNS still answers next to it" \
    sh -c "dig +short @127.0.0.1 -p $PORT test.rcpt.rebond.test A | grep -qx 127.0.0.2"

# --- one connection, keep-alive -------------------------------------

{
	preq RCPT alice@asso.example dead@example.com alice
	preq RCPT alice@asso.example good@example.com alice
	preq RCPT alice@asso.example recent@example.com alice
	preq RCPT app@asso.example recent@example.com
	preq RCPT x@lists.asso.example recent@example.com
	preq RCPT alice@asso.example x@gmaiil.com alice
	preq RCPT held@asso.example good@example.com alice
	preq RCPT spammer@asso.example good@example.com newsletter
	preq RCPT spammer@asso.example good@example.com alice
	preq MAIL held@asso.example '' alice
	preq RCPT '' dead@example.com
	preq RCPT '' good@example.com
	preq CONNECT '' dead@example.com
	preq END-OF-MESSAGE alice@asso.example DEAD@Example.COM alice
} > "$T/reqs"
cat > "$T/want" <<EOF
$DEAD
$DUNNO
$DUNNO
$RECENT
$RECENT
$RDOM
$HELD
$SPAM
action=HOLD listed by rebond (sndr 127.0.0.6: messages refused as spam or policy); $TAIL
$HELD
$DEAD
$DUNNO
$DUNNO
$DEAD
EOF
pq 127.0.0.1 "$PPORT" < "$T/reqs" > "$T/got" 2>&1
ok "keep-alive: 14 requests on one connection, each answered" \
    test "$(grep -c '^action=' "$T/got")" -eq 14
ok "keep-alive: the answers per code and class of sender" \
    diff "$T/want" "$T/got"
pq -P 127.0.0.1 "$PPORT" < "$T/reqs" > "$T/got.P" 2>&1
ok "pipelined: the 14 requests at once, the same answers in order" \
    diff "$T/want" "$T/got.P"
sed 's/$/\r/' "$T/reqs" > "$T/reqs.crlf"
pq -P 127.0.0.1 "$PPORT" < "$T/reqs.crlf" > "$T/got.crlf" 2>&1
ok "CRLF lines: the same answers" diff "$T/want" "$T/got.crlf"
ok "no address in any answer (Postfix adds the recipient itself)" \
    sh -c "! grep -q @ '$T/got'"

# --- 50 concurrent connections ----------------------------------------

{
	preq RCPT alice@asso.example dead@example.com alice
	preq RCPT alice@asso.example good@example.com alice
	preq RCPT app@asso.example recent@example.com
	preq RCPT held@asso.example good@example.com alice
} > "$T/mix"
pq -c 50 -n 10 -t 20000 127.0.0.1 "$PPORT" < "$T/mix" > "$T/tally" 2>&1
rc=$?
sed 's/^/# /' "$T/tally"
cat > "$T/tally.want" <<EOF
500	$DEAD
500	$DUNNO
500	$RECENT
500	$HELD
EOF
sort -t '	' -k2 "$T/tally.want" > "$T/tally.want.s"
sort -t '	' -k2 "$T/tally" > "$T/tally.s"
ok "50 connections at once, 40 requests each: all answered" test "$rc" -eq 0
ok "... 2000 answers, 500 of each, right" diff "$T/tally.want.s" "$T/tally.s"

# --- a listing added while a connection is open -----------------------

# A client that died must fail the check below, not kill this script
# (SIGPIPE on the FIFO); the idle timeout (8 s) leaves room for a
# loaded machine between two requests.
trap '' PIPE
mkfifo "$T/fifo"
pq -i -t 5000 127.0.0.1 "$PPORT" < "$T/fifo" > "$T/live" 2>&1 &
LIVE=$!
exec 3>"$T/fifo"
answers() { [ "$(grep -c . "$T/live")" -ge "$1" ]; }
wait_answers() {
	for _ in $(seq 50); do answers "$1" && return 0; sleep 0.1; done
	return 1
}
preq RCPT alice@asso.example gone@example.com alice >&3
wait_answers 1
ctl add rcpt gone@example.com --reason hard >/dev/null
preq RCPT alice@asso.example gone@example.com alice >&3
wait_answers 2
ctl del rcpt gone@example.com >/dev/null
preq RCPT alice@asso.example gone@example.com alice >&3
wait_answers 3
exec 3>&-
wait $LIVE
trap - PIPE
printf '%s\n%s\n%s\n' "$DUNNO" "$DEAD" "$DUNNO" > "$T/live.want"
ok "one connection: DUNNO, rebondctl add, 550 on the next request, del, DUNNO" \
    diff "$T/live.want" "$T/live"

# --- the throttle (3 a minute) ----------------------------------------

{
	for i in 1 2 3 4 5; do
		preq RCPT busy@asso.example "r$i@example.com" alice
	done
} > "$T/busy"
pq 127.0.0.1 "$PPORT" < "$T/busy" > "$T/got.busy" 2>&1
printf '%s\n%s\n%s\n%s\n%s\n' "$DUNNO" "$DUNNO" "$DUNNO" "$THROTTLED" \
    "$THROTTLED" > "$T/busy.want"
ok "throttle: 3 a minute pass, then DEFER_IF_PERMIT" \
    diff "$T/busy.want" "$T/got.busy"

# --- malformed, oversize, junk: DUNNO, and the server goes on ---------

GOOD=$(preq RCPT alice@asso.example dead@example.com alice)
raw() {	# raw BYTES-FILE: the answers to the bytes, then to a good request
	{ cat "$1"; printf '%s\n\n' "$GOOD"; } > "$T/raw.in"
	pq -r -s -t 3000 127.0.0.1 "$PPORT" < "$T/raw.in"
}
printf 'this line has no equals sign\n\n' > "$T/bad1"
ok "no '=': DUNNO, then the next request is answered" \
    is "$(raw "$T/bad1" | tr '\n' '|')" "$DUNNO|$DEAD|"
printf 'protocol_state=RCPT\nrecipient=dead@example.com\n\n' > "$T/bad2"
ok "no request=smtpd_access_policy: DUNNO" \
    is "$(raw "$T/bad2" | tr '\n' '|')" "$DUNNO|$DEAD|"
printf 'request=smtpd_access_policy\nrecipient=dead@exa\000mple.com\n\001\377\376=\n\n' > "$T/bad3"
ok "NUL and binary bytes: DUNNO" \
    is "$(raw "$T/bad3" | tr '\n' '|')" "$DUNNO|$DEAD|"
printf '\n' > "$T/bad4"
ok "an empty request: DUNNO" \
    is "$(raw "$T/bad4" | tr '\n' '|')" "$DUNNO|$DEAD|"
{
	printf 'request=smtpd_access_policy\nrecipient=dead@example.com\n'
	for i in $(seq 200); do
		printf 'ccert_subject=%0100d\n' 0
	done
	printf '\n'
} > "$T/big"
ok "a 20 kB request: DUNNO, then the next one as usual" \
    is "$(raw "$T/big" | tr '\n' '|')" "$DUNNO|$DEAD|"
{
	printf 'request=smtpd_access_policy\nrecipient=dead@example.com\n'
	for i in $(seq 70); do printf 'x%d=1\n' "$i"; done
	printf '\n'
} > "$T/many"
ok "72 attributes: DUNNO" \
    is "$(raw "$T/many" | tr '\n' '|')" "$DUNNO|$DEAD|"
head -c 1100000 /dev/zero | tr '\0' 'x' > "$T/junk"
pq -r -t 5000 127.0.0.1 "$PPORT" < "$T/junk" > "$T/got.junk" 2>&1
ok "a megabyte without a newline: the server closes the connection" \
    test $? -eq 3
preq RCPT alice@asso.example dead@example.com alice > "$T/one"
ok "half-closed after the request: the answer still comes" \
    is "$(pq -r -s -t 2000 127.0.0.1 "$PPORT" < "$T/one")" "$DEAD"
ok "after all that, the server still answers" \
    is "$(pq 127.0.0.1 "$PPORT" < "$T/one")" "$DEAD"
ok "... and DNS too" \
    sh -c "dig +short @127.0.0.1 -p $PORT test.rcpt.rebond.test A | grep -qx 127.0.0.2"

# --- the idle timeout (8 s here) --------------------------------------

start=$(date +%s)
: | pq -r -t 20000 127.0.0.1 "$PPORT" > /dev/null 2>&1
rc=$?
took=$(($(date +%s) - start))
ok "an idle connection is closed after the timeout (${took}s)" \
    sh -c "[ $rc -eq 3 ] && [ $took -ge 7 ] && [ $took -le 14 ]"

# --- the counters on SIGUSR1 ------------------------------------------

kill -USR1 "$DNSD_PID"
for _ in $(seq 20); do
	grep -q 'policy requests' "$T/dnsd.log" && break
	sleep 0.1
done
grep 'policy requests' "$T/dnsd.log" | sed 's/^/# /'
ok "SIGUSR1 logs the policy counters" \
    grep -Eq 'policy requests [0-9]+ dunno [0-9]+ warn 0 hold [0-9]+ defer [0-9]+ reject [0-9]+ throttled 2 malformed 4 oversize 2 refused 0 errors 0' "$T/dnsd.log"
ok "warnings about bad requests were logged" \
    grep -q 'policy: malformed request' "$T/dnsd.log"
stop_dnsd

# --- ACL and the connection limit -------------------------------------

cat > "$T/acl.conf" <<'EOF'
[dnsd]
acl = 192.0.2.0/24
tcp-clients = 2
EOF
# start_dnsd's probe would be REFUSED: started by hand.
PPORT=$(free_port)
DPORT=$(free_port)
"$DNSD" -f -d "$STATE" -c "$T/acl.conf" -l "127.0.0.1:$DPORT" \
    -p "127.0.0.1:$PPORT" 2>>"$T/dnsd.log" &
DNSD_PID=$!
PIDS="$PIDS $DNSD_PID"
for _ in $(seq 50); do
	ss -Htln "sport = :$PPORT" 2>/dev/null | grep -q . && break
	sleep 0.1
done
ok "outside the ACL: DUNNO, even for a listed recipient" \
    is "$(pq 127.0.0.1 "$PPORT" < "$T/one")" "$DUNNO"
ok "... and a warning" grep -q 'outside the acl' "$T/dnsd.log"

mkfifo "$T/f1" "$T/f2"
pq -i -t 5000 127.0.0.1 "$PPORT" < "$T/f1" > "$T/c1" 2>&1 &
C1=$!
exec 4>"$T/f1"
preq RCPT '' good@example.com >&4
for _ in $(seq 50); do [ -s "$T/c1" ] && break; sleep 0.1; done
pq -i -t 5000 127.0.0.1 "$PPORT" < "$T/f2" > "$T/c2" 2>&1 &
C2=$!
exec 5>"$T/f2"
preq RCPT '' good@example.com >&5
for _ in $(seq 50); do [ -s "$T/c2" ] && break; sleep 0.1; done
ok "limit 2: a third connection is served" \
    is "$(pq 127.0.0.1 "$PPORT" < "$T/one")" "$DUNNO"
preq RCPT '' good@example.com >&4
preq RCPT '' good@example.com >&5
exec 4>&- 5>&-
wait $C1 $C2
ok "... the one idle longest was closed for it (Postfix reconnects)" \
    is "$(tr '\n' '|' < "$T/c1")" "$DUNNO|closed|"
ok "... the other one is still served" \
    is "$(tr '\n' '|' < "$T/c2")" "$DUNNO|$DUNNO|"
ok "rebond-dnsd -n: a bad policy option is refused" sh -c "
	printf '[policy-service]\nrcpt-actions = 2=bounce\n' > '$T/bad.conf'
	! '$DNSD' -n -c '$T/bad.conf' 2>'$T/n.err' &&
	grep -q \"rcpt-actions: 'bounce' is not one of\" '$T/n.err'"
ok "rebond-dnsd -n: a bad -p address is refused" sh -c "
	! '$DNSD' -n -p nowhere:x 2>'$T/n.err' &&
	grep -q \"policy-listen: 'nowhere:x'\" '$T/n.err'"

done_testing

#!/bin/sh
# What a hostile client can hold on a rebond-sync server, and that each
# refusal is logged with its reason: slow clients are closed after
# [sync] request-timeout, one connection over [sync] connections closes
# one of the address that holds most, silent connections go quietly, an
# oversize body is refused without being read, a long poll whose client
# went away is forgotten, a flood of refusals is logged 30 lines a
# minute and counted beyond, a peer pushing more reports than
# [sync] peer-report-rate gets 429 and its reports are not taken.
# bench/hostile.sh measures the same attacks, at scale.
. "$srcdir/tests/sync/lib.sh"
SLOW="$TOP_BUILD/tests/sync/slowconn"

for n in A B D; do node_init $n; done
peer A B full yes
printf '[sync]\npoll-wait = 10s\nretry-max = 2s\nconnections = 8\nrequest-timeout = 2s\npeer-report-rate = 1\n' > "$T/A.conf"
node_start A
URL="http://127.0.0.1:$PORT_A"
metric() { curl -s "$URL/metrics" | sed -n "s/^$1 //p"; }

# Two clients sending their headers a byte every 300 ms: closed after 2 s.
"$SLOW" -n 2 -t 4 -i 300 127.0.0.1 $PORT_A > "$T/slow"
ok "slow clients are closed" grep -q 'closed_by_server [2-9]' "$T/slow"
ok "... after the request timeout (2 s), not before" sh -c "l=\$(sed 's/.*longest_ms //' '$T/slow'); [ \$l -ge 1900 ] && [ \$l -lt 6000 ]"
ok "... and logged with the reason" grep -q "closed the connection of 127.0.0.1:[0-9]*: no whole request in 2 s" "$T/A.log"
ok "... and counted" test "$(metric 'rebond_sync_connections_closed_total{reason="slow"}')" -ge 2
n0=$(grep -c 'closed the connection' "$T/A.log")
"$SLOW" -e -n 2 -t 4 127.0.0.1 $PORT_A > "$T/silent"
ok "silent connections are closed too" grep -q 'closed_by_server [2-9]' "$T/silent"
ok "... without a warning (idle keep-alive connections look the same)" test "$(grep -c 'closed the connection' "$T/A.log")" -eq "$n0"

# Reports: 1 a second, bursts of 2048: a push of 1024 passes, two more
# do not, and what was refused is not taken.
"$REQ" -M 1024 -n 3 "$T/B/node.key" "$ID_A" "$URL" > "$T/rep" 2>&1
ok "a peer's reports within its report rate are taken" sh -c "sed -n 1p '$T/rep' | grep -qx '200 taken 1024 dup 0'"
ok "beyond it: 429, with the reason" sh -c "sed -n 3p '$T/rep' | grep -q '^429 over the report rate'"
ok "... logged" grep -q "refused POST /v1/report from 127.0.0.1:[0-9]* b: over the report rate" "$T/A.log"
ok "... and not taken" test "$(nctl A list rcpt | wc -l)" -le $((2048 + 2))

# A 10 MiB body sent chunked (no length to refuse it by): 413 after at
# most 1 MiB, and the node does not hold the rest.
head -c 10485760 /dev/zero > "$T/10M"
hwm0=$(awk '/VmHWM/ { print $2 }' /proc/$PID_A/status)
# The server answers 413 and closes with the rest unread: curl gets the
# 413, or a reset while it still sends (55, 56), depending on timing.
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' -H 'Expect:' --data-binary @"$T/10M" "$URL/v1/pull")
crc=$?
ok "a chunked 10 MiB body is refused (413, or reset while sending: $code, curl $crc)" \
    sh -c "[ '$code' = 413 ] || { [ '$code' = 000 ] && { [ $crc -eq 55 ] || [ $crc -eq 56 ]; }; }"
if [ -n "${REBOND_VALGRIND:-}" ]; then
	ok "# SKIP memory of a daemon under valgrind" true
else
	ok "... before it is read: under 8 MiB more memory" sh -c "test \$(( \$(awk '/VmHWM/ { print \$2 }' /proc/$PID_A/status) - $hwm0 )) -lt 8192"
fi

# A long poll whose client goes away is forgotten with its connection.
timeout 1 "$REQ" -w 8 -c "$(printf '%s' "$ID_A" | base64 -d | od -An -tx1 -v | tr -d ' \n'):0" "$T/B/node.key" "$ID_A" "$URL" >/dev/null 2>&1
nctl A add rcpt hostile1@example.org --scope federation
ok "the server goes on after a client left its long poll" sh -c "'$REQ' '$T/B/node.key' '$ID_A' '$URL' | grep -q '^200 verified [1-9]'"

# 40 slow connections from 127.0.0.2 against a limit of 8: they shed
# one another, and a peer connecting from 127.0.0.1 meanwhile is served.
"$SLOW" -s 127.0.0.2 -n 40 -t 4 -i 200 127.0.0.1 $PORT_A > "$T/many" &
sp=$!
sleep 1
"$REQ" -q -n 10 -i 100 "$T/B/node.key" "$ID_A" "$URL" > "$T/legit" 2>&1
during=$(metric rebond_sync_connections)
wait $sp
ok "no more connections at once than the limit ($during)" test "$during" -le 8
ok "one too many closes one of the address that holds most" grep -q "closed the connection of 127.0.0.2:[0-9]*: too many connections" "$T/A.log"
ok "... never the peer's" sh -c "! grep -q 'closed the connection of 127.0.0.1:[0-9]*: too many' '$T/A.log'"
ok "a peer is served meanwhile" grep -q '^sent 10 200:10 ' "$T/legit"
ok "shed connections are counted" test "$(metric 'rebond_sync_connections_closed_total{reason="full"}')" -ge 30

# A flood of refusals: 30 lines a minute in the log, all counted.
n0=$(grep -c 'refused ' "$T/A.log")
r0=$(metric rebond_sync_requests_refused_total)
"$REQ" -q -n 100 "$T/D/node.key" "$ID_A" "$URL" > "$T/flood" 2>&1
ok "an unknown key's 100 requests are refused" grep -q '^sent 100 401:100 ' "$T/flood"
ok "... and counted" test $(( $(metric rebond_sync_requests_refused_total) - r0 )) -eq 100
ok "... but at most 30 refusals a minute are logged" test $(( $(grep -c 'refused ' "$T/A.log") - n0 )) -le 30

ok "A is still running" kill -0 $PID_A
node_stop A
ok "A: no sanitizer report" sh -c "! grep -q 'ERROR: \\|runtime error' '$T/A.log'"
done_testing

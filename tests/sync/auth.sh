#!/bin/sh
# What a rebond-sync server refuses: unknown keys, replays, tampered,
# stale or misdirected requests, bodies it cannot open, oversize bodies,
# floods; and what a good request gets: a response signed by the server
# and sealed to the requester's reply key.  Then a capture of the
# traffic between two nodes: no hashed address crosses in clear.
. "$srcdir/tests/sync/lib.sh"

for n in A B D; do node_init $n; done
peer A B full yes
peer B A full yes
printf '[sync]\npoll-wait = 10s\nretry-max = 2s\npeer-rate = 5\n' > "$T/A.conf"
node_start A
URL="http://127.0.0.1:$PORT_A"
nctl A add rcpt a1@example.org --scope federation

req() { "$REQ" "$@" 2>&1; }
refused_with() {	# refused_with "reason" syncreq-args...
	_r=$1; shift
	req "$@" > "$T/r" && head -1 "$T/r" | grep -q "^401 .*$_r" || { cat "$T/r"; return 1; }
}

ok "a configured peer's request gets a verified, sealed answer" sh -c "'$REQ' '$T/B/node.key' '$ID_A' '$URL' | grep -qx '200 verified 1'"
ok "an unknown key is refused" refused_with "not a configured peer" "$T/D/node.key" "$ID_A" "$URL"
ok "the refusal is logged with the address" grep -q "refused POST /v1/pull?wait=0 from 127.0.0.1:[0-9]* .*not a configured peer" "$T/A.log"
ok "a replayed request is refused" sh -c "'$REQ' -r '$T/B/node.key' '$ID_A' '$URL' > '$T/r' && sed -n 1p '$T/r' | grep -q '^200 verified' && sed -n 2p '$T/r' | grep -q '^401 replayed request'"
ok "a tampered body is refused" refused_with "bad signature" -t "$T/B/node.key" "$ID_A" "$URL"
ok "a request signed for another node is refused" refused_with "bad signature" -D "$ID_B" "$T/B/node.key" "$ID_A" "$URL"
ok "a stale request is refused" refused_with "too far" -o -400 "$T/B/node.key" "$ID_A" "$URL"
ok "a request from the future is refused" refused_with "too far" -o 400 "$T/B/node.key" "$ID_A" "$URL"
ok "a request signed before the server started is refused" refused_with "before this server started" -o -30 "$T/B/node.key" "$ID_A" "$URL"
ok "a body not sealed to the server is refused" sh -c "'$REQ' -g '$T/B/node.key' '$ID_A' '$URL' | grep -q '^400 body not sealed'"
ok "a bad cursor list is refused" sh -c "'$REQ' -b 41 '$T/B/node.key' '$ID_A' '$URL' | grep -q '^400 bad cursor list'"
ok "an oversize body is refused before it is read" sh -c "'$REQ' -b 2000000 '$T/B/node.key' '$ID_A' '$URL' | grep -Eq '^(413|error)'"
ok "no request without the headers" sh -c "curl -s -X POST '$URL/v1/pull' | grep -q 'missing Rebond-'"
ok "unknown endpoints are 404" sh -c "test \$(curl -s -o /dev/null -w '%{http_code}' '$URL/v1/nothing') = 404"

# A cursor at A's last sequence number: nothing new, an empty answer.
hexa=$(printf '%s' "$ID_A" | base64 -d | od -An -tx1 -v | tr -d ' \n')
ok "a cursor at the end gets an empty answer" sh -c "'$REQ' -c $hexa:1 '$T/B/node.key' '$ID_A' '$URL' | grep -qx '200 verified 0'"
t0=$(date +%s%N)
( sleep 1; "$CTL" -c "$T/A.conf" -d "$T/A" add rcpt a2@example.org --scope federation ) &
ok "a long poll is answered when the origin grows" sh -c "'$REQ' -w 8 -c $hexa:1 '$T/B/node.key' '$ID_A' '$URL' | grep -qx '200 verified 1'"
t1=$(date +%s%N)
ok "... within a second of the change" test $(( (t1 - t0) / 1000000 )) -lt 2500
ok "a long poll with nothing new ends with an empty answer" sh -c "'$REQ' -w 1 -c $hexa:2 '$T/B/node.key' '$ID_A' '$URL' | grep -qx '200 verified 0'"

# Rate: 5 requests a second after a burst of 30.

"$REQ" -n 60 -c $hexa:2 "$T/B/node.key" "$ID_A" "$URL" > "$T/flood" 2>&1
ok "a flooding peer is slowed down (429)" grep -q '^429 over the request rate' "$T/flood"
ok "the server still answers after the flood" sh -c "'$REQ' -c $hexa:2 '$T/D/node.key' '$ID_A' '$URL' | grep -q '^401 ' && kill -0 $PID_A"

# Capture: B pulls from A while tcpdump records the loopback traffic.
if command -v tcpdump >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	tcpdump --immediate-mode -Z root -i lo -U -s 0 -w "$T/cap.pcap" "tcp port $PORT_A" 2>"$T/tcpdump.log" &
	TD=$!
	PIDS="$PIDS $TD"
	wait_for 5 grep -q listening "$T/tcpdump.log"
	node_start B
	nctl A add rcpt secret@example.org --scope federation
	nctl A add rdom secret-domain.example --scope federation
	ok "B gets the listings" wait_for 5 listed B secret-domain.example
	sleep 0.3
	kill $TD; wait $TD 2>/dev/null
	od -An -tx1 -v "$T/cap.pcap" | tr -d ' \n' > "$T/cap.hex"
	h=$(printf '%s' secret@example.org | sha1sum | cut -c1-40)
	dom=$(printf '%s' example.secret-domain | od -An -tx1 -v | tr -d ' \n')
	ok "the capture holds the exchange (sanity)" grep -q "$(printf '/v1/pull' | od -An -tx1 -v | tr -d ' \n')" "$T/cap.hex"
	ok "no hashed address in clear on the wire" sh -c "! grep -q '$h' '$T/cap.hex'"
	ok "no listed domain in clear on the wire" sh -c "! grep -q '$dom' '$T/cap.hex'"
	node_stop B
else
	ok "# SKIP no tcpdump or not root" true
fi

node_stop A
ok "A: no sanitizer report" sh -c "! grep -q 'ERROR: \\|runtime error' '$T/A.log'"
done_testing

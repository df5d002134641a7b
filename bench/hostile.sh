#!/bin/sh
# bench/hostile.sh [N]: what a hostile client can make a rebond-sync node
# spend (issue #7).  One node A on loopback, under the descriptor limit
# systemd gives a service (1024), with peers B (trusted: trust full,
# share yes) and C (a legitimate peer) configured and D unknown.  One
# attack at a time, while C pulls from A every 100 ms (wait=0), it
# measures A's CPU time (utime + stime, /proc/PID/stat), its peak
# resident memory (VmHWM, reset before each attack) and the refusals it
# logged, and prints one row per attack:
#
#   oversize        100 requests of 10 MiB (Content-Length; then chunked)
#   slow clients    1100 connections from 127.0.0.2 sending their headers
#                   one byte a second for 30 s, reopened when closed;
#                   then 1100 that send nothing (more than the 1024
#                   descriptors)
#   bad signature   requests signed with B's key, body changed after
#                   signing (small bodies, then 1 MiB ones)
#   unknown key     requests signed by D (a new connection each, then
#                   one kept-alive connection)
#   replays         one of B's signed requests sent again and again
#   trusted push    B pushes reports (POST /v1/report, 1024 a request,
#                   random keys) as fast as it can: what A takes
#   trusted pull    B holds N records (default 1000000) and A pulls them
#                   all: A's memory while it applies them
#
# Run from a release build directory after `make tests/sync/syncreq
# tests/sync/slowconn` (cd build/release && sh ../../bench/hostile.sh).
# SYNC=path/to/rebond-sync compares another build of the daemon; ONLY=RE
# runs the rows whose name matches RE (ONLY=slow, ONLY='serves').
set -eu
N=${1:-1000000}
B=$(pwd)
CTL="$B/rebondctl"
SYNC=${SYNC:-$B/rebond-sync}
REQ="$B/tests/sync/syncreq"
SLOW="$B/tests/sync/slowconn"
for f in "$SYNC" "$CTL" "$REQ" "$SLOW"; do
	[ -x "$f" ] || { echo "no $f: run me from a build directory, after make tests/sync/syncreq tests/sync/slowconn" >&2; exit 1; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/rebond-bench-hostile.XXXXXX")
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null; done; wait 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP
HZ=$(getconf CLK_TCK)
# Started as root, the daemons switch to [global] user unless told.
ASROOT=""
[ "$(id -u)" -ne 0 ] || ! "$SYNC" -h 2>&1 | grep -q -- '-u USER' || ASROOT="-u root"

port_free() { ! ss -Htuln "sport = :$1" 2>/dev/null | grep -q .; }
pa=$((30000 + $$ % 10000))
while ! port_free $pa || ! port_free $((pa + 1)) || ! port_free $((pa + 2)); do pa=$((pa + 3)); done
pb=$((pa + 1)); pdead=$((pa + 2))
for n in A B C D; do
	printf '[global]\nmap-size = 1G\n[sync]\nretry-max = 2s\n' > "$T/$n.conf"
	"$CTL" -c "$T/$n.conf" -d "$T/$n" keygen > "$T/$n.id" 2>/dev/null
done
ID_A=$(cat "$T/A.id")
"$CTL" -c "$T/A.conf" -d "$T/A" peer add b --key "$(cat "$T/B.id")" \
    --url "http://127.0.0.1:$pb" --trust full --share yes
"$CTL" -c "$T/A.conf" -d "$T/A" peer add c --key "$(cat "$T/C.id")" \
    --url "http://127.0.0.1:$pdead" --trust full --share yes
"$CTL" -c "$T/B.conf" -d "$T/B" peer add a --key "$ID_A" \
    --url "http://127.0.0.1:$pa" --trust full --share yes
"$CTL" -c "$T/A.conf" -d "$T/A" add rcpt listed@example.org --scope federation
URL="http://127.0.0.1:$pa"
# C's cursor at A's end, and B's records refused (2^64-1): each pull is
# answered at once, empty; its time is A's, not that of relaying B's.
hexa=$(printf '%s' "$ID_A" | base64 -d | od -An -tx1 -v | tr -d ' \n')
hexb=$(base64 -d < "$T/B.id" | od -An -tx1 -v | tr -d ' \n')

(ulimit -n 1024; exec "$SYNC" $ASROOT -c "$T/A.conf" -d "$T/A" -l "127.0.0.1:$pa" 2>"$T/A.log") &
PA=$!; PIDS="$PIDS $PA"
for _ in $(seq 50); do grep -q "serving peers" "$T/A.log" && break; sleep 0.1; done
echo "rebond-sync $SYNC, pid $PA, $(awk '/Max open files/ { print $4 }' /proc/$PA/limits) descriptors"

cpu() { awk -v hz="$HZ" '{ printf "%d\n", ($14 + $15) * 1000 / hz }' /proc/$PA/stat; }
hwm() { awk '/VmHWM/ { printf "%.1f\n", $2 / 1024 }' /proc/$PA/status; }
logged() { grep -c 'refused \|closed the connection\|more refused\|cannot accept\|Error from accept' "$T/A.log" || true; }
refused() {	# refused requests and closed connections, as /metrics counts
	curl -s "$URL/metrics" | awk '/^rebond_sync_requests_refused_total / || /^rebond_sync_connections_closed_total/ { s += $2 } END { print s + 0 }'
}
# The heap's peak: RssAnon sampled every 100 ms (VmHWM also counts the
# store's pages mapped by LMDB, page cache).
anon_sampler() {
	m=0
	while [ ! -e "$T/stop" ]; do
		v=$(awk '/RssAnon/ { print $2 }' /proc/$PA/status)
		[ "$v" -le "$m" ] || m=$v
		echo $m > "$T/anon"
		sleep 0.1
	done
}

printf '%-34s %8s %8s %8s %7s %7s %8s %6s  %s\n' attack requests "CPU ms" "us/req" "RSS" "heap" refused logged \
    "legit peer C: served, median/max ms"
# row NAME COMMAND...: runs the attack (its output says "sent N" or
# "opened N": the requests or connections) while C pulls 10 times a
# second, and prints the row.
want() { [ -z "${ONLY:-}" ] || echo "$1" | grep -q -- "$ONLY"; }
row() {
	name=$1; shift
	want "$name" || return 0
	echo 5 > /proc/$PA/clear_refs 2>/dev/null || true
	c0=$(cpu); l0=$(logged); r0=$(refused)
	: > "$T/legit"
	anon_sampler &
	ap=$!
	( while [ ! -e "$T/stop" ]; do
		"$REQ" -q -T -n 10 -i 100 -c "$hexa:1" -c "$hexb:18446744073709551615" \
		    "$T/C/node.key" "$ID_A" "$URL" >> "$T/legit" 2>&1
	done ) &
	lp=$!
	"$@" > "$T/attack" 2>&1 || true
	c1=$(cpu); l1=$(logged); h=$(hwm); r1=$(refused)
	touch "$T/stop"; wait $lp $ap 2>/dev/null || true; rm -f "$T/stop"
	n=$(sed -n 's/.*\(sent\|opened\) \([0-9]*\).*/\2/p' "$T/attack" | awk '{ s += $1 } END { print s + 0 }')
	printf '%-34s %8s %8s %8s %7s %7s %8s %6s  %s\n' "$name" "$n" $((c1 - c0)) \
	    "$(awk -v c=$((c1 - c0)) -v n="$n" 'BEGIN { if (n > 0) printf "%.1f", c * 1000 / n; else print "-" }')" \
	    "$h" "$(awk '{ printf "%.1f", $1 / 1024 }' "$T/anon")" $((r1 - r0)) $((l1 - l0)) "$(legit)"
	[ -z "${VERBOSE:-}" ] || sed 's/^/    # /' "$T/attack" | tail -3
}
# C's probes: answered share, median and max latency over all of them.
legit() {
	awk '{ for (i = 2; i <= NF; i++) { split($i, kv, ":"); if ($i ~ /^[0-9]+:/) { st[kv[1]] += kv[2]; tot += kv[2] } else if ($i ~ /^error:/) tot += kv[2] } }
	     END { printf "%d/%d ok", st[200], tot }' "$T/legit"
	sed -n 's/.*median_us \([0-9]*\) max_us \([0-9]*\).*/\1 \2/p' "$T/legit" |
	    sort -n | awk '{ m[NR] = $1; if ($2 > mx) mx = $2 } END { if (NR) printf ", %.2f/%.1f ms", m[int((NR + 1) / 2)] / 1000, mx / 1000 }'
}

idle() { sleep "$1"; echo "sent 0"; }
oversize() {	# 100 bodies of 10 MiB, Content-Length
	"$REQ" -q -n 100 -b 10485760 "$T/B/node.key" "$ID_A" "$URL"
}
chunked() {	# 100 bodies of 10 MiB, chunked: no length announced
	head -c 10485760 /dev/zero > "$T/10M"
	i=0; while [ $i -lt 100 ]; do
		curl -s -o /dev/null -H 'Transfer-Encoding: chunked' -H 'Expect:' \
		    --data-binary @"$T/10M" "$URL/v1/pull" || true
		i=$((i + 1))
	done
	echo "sent 100"
}

row "none (C alone, 5 s)" idle 5
row "oversize: 10 MiB, Content-Length" oversize
row "oversize: 10 MiB, chunked" chunked
row "slow: 1100 conns, 1 byte/s, 30 s" "$SLOW" -s 127.0.0.2 -n 1100 -t 30 127.0.0.1 $pa
row "slow: 1100 silent conns, 30 s" "$SLOW" -e -s 127.0.0.2 -n 1100 -t 30 127.0.0.1 $pa
row "bad signature (B's id)" "$REQ" -q -t -n 20000 "$T/B/node.key" "$ID_A" "$URL"
row "bad signature, 1 MiB bodies" "$REQ" -q -t -n 2000 -b 1000000 "$T/B/node.key" "$ID_A" "$URL"
row "unknown key" "$REQ" -q -n 20000 "$T/D/node.key" "$ID_A" "$URL"
row "unknown key, keep-alive" "$REQ" -q -k -n 20000 "$T/D/node.key" "$ID_A" "$URL"
row "replays of one request of B" "$REQ" -q -x 20000 "$T/B/node.key" "$ID_A" "$URL"
s0=$(du -k "$T/A/data.mdb" | cut -f1)
row "trusted B pushes 1024 reports/req" "$REQ" -q -M 1024 -n 1000 "$T/B/node.key" "$ID_A" "$URL"
s1=$(du -k "$T/A/data.mdb" | cut -f1)
want "trusted B pushes" && echo "    # A took $(sed -n 's/.* 200:\([0-9]*\).*/\1/p' "$T/attack") requests of 1024 reports ([sync] peer-report-rate 10/s, bursts of 2048); the rest got 429; store +$(( (s1 - s0) / 1024 )) MiB"

# B with N records; A pulls them all.
want "trusted B serves" || exit 0
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "user%d@hostile%d.example\n", i, i % 997 }' > "$T/list"
"$CTL" -c "$T/B.conf" -d "$T/B" import rcpt "$T/list" --scope federation >/dev/null 2>&1
pull() {
	# A port free now (other programs may have taken B's since), told
	# to A, which reads its peers again on SIGHUP.
	while ! port_free $pb; do pb=$((pb + 7)); done
	"$CTL" -c "$T/A.conf" -d "$T/A" peer add b --key "$(cat "$T/B.id")" \
	    --url "http://127.0.0.1:$pb" --trust full --share yes
	kill -HUP $PA
	"$SYNC" $ASROOT -c "$T/B.conf" -d "$T/B" -l "127.0.0.1:$pb" 2>"$T/B.log" &
	pbid=$!
	for _ in $(seq 50); do grep -q "serving peers" "$T/B.log" && break; sleep 0.1; done
	kill -0 $pbid 2>/dev/null || { cat "$T/B.log"; return 1; }
	t0=$(date +%s%N)
	while ! "$CTL" -c "$T/A.conf" -d "$T/A" peer list | grep -q "^b .* seq=$N\( \|\$\)"; do
		sleep 0.2
		[ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt 600 ] || break
	done
	echo "sent $N records in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
	kill $pbid; wait $pbid 2>/dev/null || true
}
row "trusted B serves $N records" pull
sed 's/^/    # /' "$T/attack"
kill -0 $PA && echo "A still running" || echo "A DIED"
grep -c . "$T/A.log" | sed 's/^/A logged lines in all: /'

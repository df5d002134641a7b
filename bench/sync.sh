#!/bin/sh
# bench/sync.sh [N]: rebond-sync between two nodes on loopback.
#  1. full resynchronisation: node A holds N listings (default 1000000,
#     scope federation); an empty node B pulls them all.  Reports the
#     time, records/s and bytes on the wire per record.
#  2. propagation: 20 times, a listing made on A (rebondctl add) until
#     B's store answers it (rebondctl lookup).  Reports median and max.
# Run from a build directory (a release build: ./configure without
# --enable-sanitizers), e.g.  cd build/release && sh ../../bench/sync.sh
set -eu
# Started as root, the daemons would switch to the rebond user: keep
# root for these runs in a temporary directory.
KEEP_ROOT=""
[ "$(id -u)" -ne 0 ] || KEEP_ROOT="-u root"
N=${1:-1000000}
B=$(pwd)
CTL="$B/rebondctl"
SYNC="$B/rebond-sync"
[ -x "$SYNC" ] || { echo "run me from a build directory" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/rebond-bench-sync.XXXXXX")
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null; done; wait; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }

pa=$((30000 + $$ % 10000)); pb=$((pa + 1))
for n in A B; do
	printf '[global]\nmap-size = 4G\n[sync]\npoll-wait = 25s\n' > "$T/$n.conf"
	"$CTL" -c "$T/$n.conf" -d "$T/$n" keygen > "$T/$n.id" 2>/dev/null
done
"$CTL" -c "$T/A.conf" -d "$T/A" peer add b --key "$(cat "$T/B.id")" \
    --url "http://127.0.0.1:$pb" --trust full --share yes
"$CTL" -c "$T/B.conf" -d "$T/B" peer add a --key "$(cat "$T/A.id")" \
    --url "http://127.0.0.1:$pa" --trust full --share yes

awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "user%d@bench%d.example\n", i, i % 997 }' > "$T/list"
t0=$(ms)
"$CTL" -c "$T/A.conf" -d "$T/A" import rcpt "$T/list" --scope federation >/dev/null 2>&1
t1=$(ms)
echo "import of $N listings on A: $((t1 - t0)) ms"

"$SYNC" $KEEP_ROOT -c "$T/A.conf" -d "$T/A" -l "127.0.0.1:$pa" 2>"$T/A.log" & PIDS="$PIDS $!"
sleep 0.3
t0=$(ms)
${PERF:-} "$SYNC" $KEEP_ROOT -c "$T/B.conf" -d "$T/B" -v -l "127.0.0.1:$pb" 2>"$T/B.log" & PIDS="$PIDS $!"
while ! "$CTL" -c "$T/B.conf" -d "$T/B" peer list | grep -Eq " seq=$N( |\$)"; do
	sleep 0.2
	[ $(( $(ms) - t0 )) -lt 600000 ] || { echo "no full sync in 10 min"; tail "$T/B.log"; exit 1; }
done
t1=$(ms)
el=$((t1 - t0))
bytes=$(sed -n 's/.*: \([0-9]*\) bytes, .*/\1/p' "$T/B.log" | awk '{ s += $1 } END { print s + 0 }')
nb=$("$CTL" -c "$T/B.conf" -d "$T/B" list rcpt | wc -l)
echo "full resync of $N records: $el ms, $((N * 1000 / (el > 0 ? el : 1))) records/s, $nb listed on B"
echo "bytes on the wire (response bodies): $bytes, $((bytes / N)) per record"
echo "B's store: $(du -m "$T/B/data.mdb" | cut -f1) MiB, A's: $(du -m "$T/A/data.mdb" | cut -f1) MiB"

: > "$T/lat"
i=0
while [ $i -lt 20 ]; do
	t0=$(ms)
	"$CTL" -c "$T/A.conf" -d "$T/A" add rcpt "prop$i@example.org" --scope federation
	while ! "$CTL" -c "$T/B.conf" -d "$T/B" lookup "prop$i@example.org" >/dev/null 2>&1; do
		sleep 0.01
	done
	echo $(( $(ms) - t0 )) >> "$T/lat"
	i=$((i + 1))
done
sort -n "$T/lat" | awk '{ v[NR] = $1 } END { printf "propagation A -> B (20 listings, incl. rebondctl start): median %d ms, max %d ms\n", v[int((NR + 1) / 2)], v[NR] }'

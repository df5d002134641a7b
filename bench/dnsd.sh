#!/bin/sh
# bench/dnsd.sh - rebond-dnsd against rbldnsd, same data, same queries,
# same run.  Each server is pinned to CPU 0, dnsperf to CPU 1.
#
#   bench/dnsd.sh [N_LISTED] [SECONDS]      (defaults: 1000000 10)
#
# Reports: import time, start-to-first-answer, max queries/s, server CPU
# time per query at a fixed 50k qps, RSS, and the delay from
# `rebondctl add` to the new answer.  Needs contrib/deps.sh bench.
set -eu
# Started as root, the daemons would switch to the rebond user: keep
# root for these runs in a temporary directory.
KEEP_ROOT=""
[ "$(id -u)" -ne 0 ] || KEEP_ROOT="-u root"
N=${1:-1000000}
SECS=${2:-10}
QPS=${QPS:-50000}
top=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/rebond-bench.XXXXXX)
chmod 755 "$W"
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$W"' EXIT INT TERM

"$top/contrib/deps.sh" bench
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
B="$top/build/bench"
mkdir -p "$B"
(cd "$B" && { [ -f Makefile ] || "$top/configure" -q; } &&
    make -j2 >/dev/null 2>&1 && make tests/dnsd/rawq >/dev/null 2>&1)
RAWQ="$B/tests/dnsd/rawq"
PORT_R=$((30000 + $$ % 10000))
PORT_B=$((PORT_R + 1))

now_ms() { date +%s%3N; }
now_us() { date +%s%6N; }
# Hex of an A query for NAME (rawq sends it as it is).
qhex() {
	printf '123400000001000000000000'
	echo "$1" | tr '.' '\n' | while read -r l; do
		printf '%02x' "${#l}"; printf '%s' "$l" | od -An -tx1 | tr -d ' \n'
	done
	printf '0000010001'
}
# Poll with one UDP query every few milliseconds until NAME is listed.
wait_listed() {	# PORT QUERY_HEX
	until "$RAWQ" udp 127.0.0.1 "$1" "$2" 20 2>/dev/null | grep -q '7f000002$'; do :; done
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/^(VmRSS|RssAnon|RssFile):/ {printf "%s=%dMiB ", $1, $2/1024}' "/proc/$1/status"; }

echo "== data: $N listed hashes, queries half listed, half not"
awk -v n="$N" 'BEGIN { srand(1);
	for (i = 0; i < n; i++) {
		h = ""; for (j = 0; j < 5; j++) h = h sprintf("%08x", int(rand() * 4294967296));
		print h > "/dev/stdout"
	} }' > "$W/listed"
awk 'BEGIN { srand(2); for (i = 0; i < 200000; i++) {
		h = ""; for (j = 0; j < 5; j++) h = h sprintf("%08x", int(rand() * 4294967296)); print h } }' > "$W/unlisted"
shuf -n 100000 --random-source="$W/listed" "$W/listed" > "$W/qlisted"
head -n 100000 "$W/unlisted" > "$W/qunlisted"
paste -d '\n' "$W/qlisted" "$W/qunlisted" | awk 'NF {print $1 ".rcpt.rebond.test A"}' > "$W/queries"

# rbldnsd data: the same hashes, with an SOA so that both servers give the
# SOA with negative answers.
{ echo '$SOA 60 localhost hostmaster.localhost 1 3600 600 604800 60'
  echo ':127.0.0.2:'; cat "$W/listed"; } > "$W/rbldnsd.dnset"

echo "== import into rebond"
t0=$(now_ms)
"$B/rebondctl" -d "$W/state" import rcpt "$W/listed" --reason hard 2>&1 | tail -1
t1=$(now_ms)
echo "import: $((t1 - t0)) ms, store $(du -sh "$W/state" | cut -f1)"

start() {	# NAME CMD...: start pinned, wait for the first answer
	name=$1; shift
	qh=$(qhex "$(head -1 "$W/listed").rcpt.rebond.test")
	t0=$(now_us)
	taskset -c 0 "$@" &
	pid=$!
	pids="$pids $pid"
	eval "${name}_pid=$pid"
	wait_listed "$port" "$qh"
	t1=$(now_us)
	echo "$name: first answer $(( (t1 - t0) / 1000 )) ms after start"
}

load() {	# NAME PID PORT
	out=$(taskset -c 1 dnsperf -s 127.0.0.1 -p "$3" -d "$W/queries" -l "$SECS" -c 16 -q 2000 2>&1)
	qps=$(echo "$out" | awk '/Queries per second/ {print $4}')
	lost=$(echo "$out" | awk '/Queries lost/ {print $3}')
	echo "$1: max $qps qps (lost $lost)"
	eval "${1}_qps=$qps"
	c0=$(cpu_ticks "$2")
	out=$(taskset -c 1 dnsperf -s 127.0.0.1 -p "$3" -d "$W/queries" -l "$SECS" -Q "$QPS" -c 8 2>&1)
	c1=$(cpu_ticks "$2")
	done_q=$(echo "$out" | awk '/Queries completed/ {print $3}')
	hz=$(getconf CLK_TCK)
	us=$(awk -v c=$((c1 - c0)) -v q="$done_q" -v hz="$hz" 'BEGIN { printf "%.2f", c / hz * 1e6 / q }')
	echo "$1: at $QPS qps: $done_q answered, $us us CPU per query"
	eval "${1}_us=$us"
	echo "$1: $(rss "$2")"
}

echo "== rebond-dnsd"
port=$PORT_B
start rebond "$B/rebond-dnsd" $KEEP_ROOT -f -d "$W/state" -l "127.0.0.1:$PORT_B" 2>/dev/null
load rebond "$rebond_pid" "$PORT_B"
# Delay from rebondctl add to the answer, median of 21: the command
# itself (process start, LMDB commit with fsync), then until DNS answers.
i=0; : > "$W/d_add"; : > "$W/d_seen"
while [ $i -lt 21 ]; do
	k=$(printf 'new%d@example.org' $i)
	qh=$(qhex "$(printf '%s' "$k" | sha1sum | cut -c1-40).rcpt.rebond.test")
	t0=$(now_us)
	"$B/rebondctl" -d "$W/state" add rcpt "$k" --reason hard
	t1=$(now_us)
	wait_listed "$PORT_B" "$qh"
	t2=$(now_us)
	echo $(( (t1 - t0) / 1000 )) >> "$W/d_add"
	echo $(( (t2 - t1) / 1000 )) >> "$W/d_seen"
	i=$((i + 1))
done
echo "rebond: rebondctl add median $(sort -n "$W/d_add" | sed -n 11p) ms, then answered after $(sort -n "$W/d_seen" | sed -n 11p) ms (total max $(paste "$W/d_add" "$W/d_seen" | awk '{print $1 + $2}' | sort -n | tail -1) ms)"

echo "== rbldnsd"
port=$PORT_R
start rbldnsd rbldnsd -n -a -u rbldns -b "127.0.0.1/$PORT_R" -w "$W" -t 300 \
    rcpt.rebond.test:dnset:rbldnsd.dnset
load rbldnsd "$rbldnsd_pid" "$PORT_R"

echo "== ratios (rebond / rbldnsd)"
awk -v a="$rebond_qps" -v b="$rbldnsd_qps" 'BEGIN { printf "throughput: %.2fx\n", a / b }'
awk -v a="$rebond_us" -v b="$rbldnsd_us" 'BEGIN { printf "CPU per query: %.2fx\n", a / b }'

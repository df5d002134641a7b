#!/bin/sh
# bench/flood.sh [SECONDS]: how a legitimate client fares while another
# source floods rebond-dnsd (issue #7), with response-rate limiting off
# (the default) and on (500 answers/s per source address: the two
# sources are loopback neighbours, so the prefix is /32 here).  A client
# at 127.0.0.3 sends CLIENT_QPS (200) queries/s for SECONDS, below the
# limit, as an MTA would, while 127.0.2.2 floods as fast as dnsperf can;
# the client's answered share and latency, alone and during the flood,
# and the flood's, are printed.  Run from a release build directory
# (cd build/release && sh ../../bench/flood.sh).  Needs dnsperf.
set -eu
# Started as root, the daemons would switch to the rebond user: keep
# root for these runs in a temporary directory.
KEEP_ROOT=""
[ "$(id -u)" -ne 0 ] || KEEP_ROOT="-u root"
SECS=${1:-10}
CQ=${CLIENT_QPS:-200}
B=$(pwd)
[ -x "$B/rebond-dnsd" ] || { echo "run me from a build directory" >&2; exit 1; }
command -v dnsperf >/dev/null || { echo "needs dnsperf (contrib/deps.sh bench)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/rebond-bench-flood.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$T"' EXIT
PORT=$((31000 + $$ % 10000))

i=0
while [ $i -lt 20000 ]; do echo "flood$i@example.org"; i=$((i + 1)); done > "$T/list"
"$B/rebondctl" -d "$T/s" import rcpt "$T/list" >/dev/null 2>&1
# Queries: half listed hashes, half not.
"$B/rebondctl" -d "$T/s" export rcpt | head -5000 |
    awk '{ print $1 ".rcpt.rebond.test A" }' > "$T/q"
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "%040x.rcpt.rebond.test A\n", i }' >> "$T/q"

run() {	# run RRL: prints the client's and the flood's figures
	printf '[dnsd]\nacl = 127.0.0.0/8\nrrl-responses-per-second = %s\nrrl-ipv4-prefix = 32\n' "$1" > "$T/conf"
	"$B/rebond-dnsd" $KEEP_ROOT -f -c "$T/conf" -d "$T/s" -l "127.0.0.1:$PORT" 2>"$T/dnsd.log" &
	pid=$!
	sleep 0.5
	dnsperf -s 127.0.0.1 -p $PORT -a 127.0.0.3 -d "$T/q" -l "$SECS" -Q "$CQ" \
	    > "$T/alone" 2>&1
	dnsperf -s 127.0.0.1 -p $PORT -a 127.0.2.2 -d "$T/q" -l "$SECS" -c 8 -q 1000 \
	    > "$T/flood" 2>&1 &
	fp=$!
	sleep 0.5
	dnsperf -s 127.0.0.1 -p $PORT -a 127.0.0.3 -d "$T/q" -l "$SECS" -Q "$CQ" \
	    > "$T/client" 2>&1
	wait $fp
	kill $pid; wait $pid 2>/dev/null || true
	pid=""
	for f in alone client flood; do
		printf '  %-6s %s; %s; %s\n' "$f" \
		    "$(sed -n 's/^ *Queries completed: *\([0-9]*\) (\([0-9.]*%\)).*/answered \1 (\2)/p' "$T/$f")" \
		    "$(sed -n 's/^ *Queries per second: *\([0-9.]*\).*/\1 q\/s/p' "$T/$f")" \
		    "$(sed -n 's/^ *Average Latency (s): *\([0-9.]*\).*/avg latency \1 s/p' "$T/$f")"
	done
}
echo "RRL off (the default):"
run 0
echo "RRL on, 500 answers/s per source address:"
run 500

#!/bin/sh
# bench/flood-netns.sh [SECONDS]: rebond-dnsd flooded from forged
# sources (issue #7).  Two network namespaces of its own joined by a
# veth pair: the server's (rebond-dnsd on 10.98.0.1:53) and the
# clients' (10.98.0.2).  From the clients' namespace, bench/spoofq sends
# queries over UDP from random addresses of 10.99.0.0/16 through a raw
# socket, at each rate of FLOOD_RATES (default "50000 0": 50,000 q/s,
# then as fast as it can): the answers are
# routed back to that namespace, which owns none of those addresses and
# drops them, as in a reflection attack.  Meanwhile a legitimate client
# at 10.98.0.2 queries at CLIENT_QPS (200) over UDP and, at the same
# time, over TCP (dnsperf).  For each server configuration it prints
# the flood's rate, what the server did with it (answered, refused,
# rate limited, dropped by the kernel for a full socket buffer), the
# server's CPU per flood query, and the legitimate client's answered
# share and latency over UDP and TCP:
#
#   RRL off                       the default
#   RRL 500/s per /24             rrl-responses-per-second = 500 (the
#                                 flood is spread over 256 /24s)
#   RRL 500/s per /16             rrl-ipv4-prefix = 16: one bucket
#   ACL refuses the flood         acl = 10.98.0.0/24: REFUSED answers
#   ACL refuses, RRL 500/s /16    both
#
# Needs root (ip netns, raw socket), iproute2, dnsperf and curl.  Run
# from a release build directory after `make bench/spoofq`
# (cd build/release && sh ../../bench/flood-netns.sh; DNSD=path/to/rebond-dnsd
# compares another build; CONFIGS=RE runs the configurations whose label
# matches RE).  The namespaces
# and everything in them go at exit, whatever happens.
set -eu
SECS=${1:-10}
CQ=${CLIENT_QPS:-200}
RATES=${FLOOD_RATES:-50000 0}
B=$(pwd)
DNSD=${DNSD:-$B/rebond-dnsd}
for f in "$DNSD" "$B/rebondctl" "$B/bench/spoofq"; do
	[ -x "$f" ] || { echo "no $f: run me from a build directory, after make bench/spoofq" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces, raw socket)" >&2; exit 1; }
for c in ip dnsperf curl; do
	command -v $c >/dev/null || { echo "needs $c (contrib/deps.sh bench)" >&2; exit 1; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/rebond-bench-floodns.XXXXXX")
NS_S="rbflood-s$$"
NS_C="rbflood-c$$"
VS="rbfs$$"
VC="rbfc$$"
pid=""
cleanup() {
	for n in $NS_S $NS_C; do
		for p in $(ip netns pids $n 2>/dev/null); do kill $p 2>/dev/null; done
	done
	sleep 0.2
	for n in $NS_S $NS_C; do
		for p in $(ip netns pids $n 2>/dev/null); do kill -9 $p 2>/dev/null; done
		ip netns del $n 2>/dev/null || true
	done
	ip link del "$VS" 2>/dev/null || true
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
S() { ip netns exec "$NS_S" "$@"; }
C() { ip netns exec "$NS_C" "$@"; }

ip netns add "$NS_S"
ip netns add "$NS_C"
ip link add "$VS" type veth peer name "$VC"
ip link set "$VS" netns "$NS_S"
ip link set "$VC" netns "$NS_C"
S ip link set lo up
S ip addr add 10.98.0.1/24 dev "$VS"
S ip link set "$VS" up
# Answers to the forged sources leave by the veth, to a namespace that
# does not forward them (as they would leave for the Internet).
S ip route add 10.99.0.0/16 via 10.98.0.2
S sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf."$VS".rp_filter=0
C ip link set lo up
C ip addr add 10.98.0.2/24 dev "$VC"
C ip link set "$VC" up
C sysctl -qw net.ipv4.ip_forward=0

i=0
while [ $i -lt 20000 ]; do echo "flood$i@example.org"; i=$((i + 1)); done > "$T/list"
"$B/rebondctl" -d "$T/s" import rcpt "$T/list" >/dev/null 2>&1
# Queries: half listed hashes, half not.
"$B/rebondctl" -d "$T/s" export rcpt | head -5000 |
    awk '{ print $1 ".rcpt.rebond.test A" }' > "$T/q"
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "%040x.rcpt.rebond.test A\n", i }' >> "$T/q"
ASROOT=""
! "$DNSD" -h 2>&1 | grep -q -- '-u USER' || ASROOT="-u root"
HZ=$(getconf CLK_TCK)

metric() {	# metric REGEX: the sum of the server's counters matching
	S curl -s http://127.0.0.1:9253/metrics |
	    awk -v re="$1" '$1 ~ re { s += $2 } END { printf "%d\n", s }'
}
rcvbuf_errors() { S awk '/^Udp:/ { if (h) print $6; h = 1 }' /proc/net/snmp; }
perf() {	# perf FILE: "answered%, avg/max ms"
	awk '/Queries completed/ { c = $4 } !a && /Average Latency/ { a = $4; gsub(/[(),]/, "", $8); m = $8 }
	     END { printf "%s, %.2f/%.1f ms", c, a * 1000, m * 1000 }' "$1" | tr -d '()'
}

printf '%-36s %9s %8s %8s %8s %8s %8s %7s  %-24s %s\n' server "flood q/s" answered refused limited "kdrop" "CPU ms" "us/q" \
    "client UDP: answered, avg/max" "client TCP: answered, avg/max"
run() {	# run LABEL CONF-LINES: one configuration, alone then flooded
	label=$1
	[ -z "${CONFIGS:-}" ] || echo "$label" | grep -q -- "$CONFIGS" || return 0
	printf '[dnsd]\nmetrics = 127.0.0.1:9253\ntcp-clients = 256\n%b' "$2" > "$T/conf"
	# ip netns exec execs the daemon: $! is its pid.
	ip netns exec "$NS_S" "$DNSD" -f $ASROOT -c "$T/conf" -d "$T/s" \
	    -l 10.98.0.1:53 2>"$T/dnsd.log" &
	pid=$!
	for _ in $(seq 50); do
		C dig +time=1 +tries=1 @10.98.0.1 test.rcpt.rebond.test A +short 2>/dev/null | grep -q 127.0.0.2 && break
		sleep 0.1
	done
	dpid=$pid
	kill -0 $dpid 2>/dev/null || { echo "rebond-dnsd did not start:"; cat "$T/dnsd.log"; exit 1; }
	for phase in alone $RATES; do
		c0=$(awk '{ print $14 + $15 }' /proc/$dpid/stat)
		a0=$(metric '^rebond_dns_queries_total')
		r0=$(metric 'rcode="refused"')
		l0=$(metric '^rebond_dns_rrl_limited_total$')
		k0=$(rcvbuf_errors)
		fl=""
		if [ $phase != alone ]; then
			C "$B/bench/spoofq" -t $((SECS + 1)) -r "$phase" -f "$T/q" 10.98.0.1 53 > "$T/spoof" 2>&1 &
			fl=$!
			sleep 0.5
		fi
		C dnsperf -s 10.98.0.1 -p 53 -d "$T/q" -l "$SECS" -Q "$CQ" > "$T/udp" 2>&1 &
		up=$!
		C dnsperf -m tcp -s 10.98.0.1 -p 53 -d "$T/q" -l "$SECS" -Q "$CQ" > "$T/tcp" 2>&1 &
		tp=$!
		wait $up $tp || true
		[ -z "$fl" ] || wait $fl || true
		c1=$(awk '{ print $14 + $15 }' /proc/$dpid/stat)
		a1=$(metric '^rebond_dns_queries_total')
		r1=$(metric 'rcode="refused"')
		l1=$(metric '^rebond_dns_rrl_limited_total$')
		k1=$(rcvbuf_errors)
		sent=0; rate=0
		if [ $phase != alone ]; then
			sent=$(sed -n 's/^sent \([0-9]*\) .*/\1/p' "$T/spoof")
			rate=$(sed -n 's/.*(\([0-9]*\) q\/s).*/\1/p' "$T/spoof")
		fi
		cpu=$(( (c1 - c0) * 1000 / HZ ))
		case $phase in alone) what=alone ;; 0) what="flood, max" ;; *) what="flood $phase/s" ;; esac
		printf '%-36s %9s %8s %8s %8s %8s %8s %7s  %-24s %s\n' "$label, $what" "$rate" \
		    $((a1 - a0)) $((r1 - r0)) $((l1 - l0)) $((k1 - k0)) $cpu \
		    "$(awk -v c=$cpu -v n=$((a1 - a0 + l1 - l0)) 'BEGIN { if (n > 0) printf "%.2f", c * 1000 / n; else print "-" }')" \
		    "$(perf "$T/udp")" "$(perf "$T/tcp")"
	done
	kill $pid; wait $pid 2>/dev/null || true
	pid=""
}
echo "rebond-dnsd in $NS_S (10.98.0.1), clients and forged sources (10.99.0.0/16) in $NS_C; $SECS s each"
run "RRL off" 'acl = 0.0.0.0/0\n'
run "RRL 500/s per /24" 'acl = 0.0.0.0/0\nrrl-responses-per-second = 500\n'
run "RRL 500/s per /16" 'acl = 0.0.0.0/0\nrrl-responses-per-second = 500\nrrl-ipv4-prefix = 16\n'
run "ACL refuses the flood" 'acl = 10.98.0.0/24\n'
run "ACL refuses, RRL /16" 'acl = 10.98.0.0/24\nrrl-responses-per-second = 500\nrrl-ipv4-prefix = 16\n'

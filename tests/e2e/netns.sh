# tests/e2e/netns.sh - a network namespace of the test's own, with only
# a loopback, where every daemon listens on its usual fixed port (53,
# 5353, 25...) without meeting the host's or another test's, and a
# local unbound that answers the rebond zones from rebond-dnsd through
# contrib/unbound/rebond.conf, included as shipped.
#
#   . "$srcdir/tests/lib.sh"; . "$srcdir/tests/e2e/netns.sh"
#   ns_setup                 # skips the whole test when it cannot
#   nsx CMD...               # CMD in the namespace (ip netns exec)
#   ns_start_dnsd [ARGS]     # rebond-dnsd -l 127.0.0.1:5353 on $STATE
#   ns_start_unbound         # unbound on 127.0.0.1:53, contrib/unbound
#   ns_unbound_conf FILE ADDR SNIPPET; ns_run_unbound FILE ADDR   # others
#
# /etc/netns/$NS/ holds the files that `ip netns exec` bind-mounts over
# /etc in the namespace: resolv.conf ("nameserver 127.0.0.1"), and
# whatever a test adds (exim.sh: passwd and group).  At exit, whatever
# happened, every process left in the namespace is killed, the namespace
# deleted and /etc/netns/$NS removed.

NS="rebond-t$$"
NSETC="/etc/netns/$NS"
NS_MADE=""
NSETC_ROOT_MADE=""

# Every process in the namespace: its daemons and their children.
ns_pids() {
	[ -n "$NS_MADE" ] || return 0
	ip netns pids "$NS" 2>/dev/null
}

ns_cleanup() {
	if [ -n "$NS_MADE" ]; then
		for p in $(ns_pids); do kill "$p" 2>/dev/null; done
		for _ in $(seq 30); do
			[ -z "$(ns_pids)" ] && break
			sleep 0.1
		done
		for p in $(ns_pids); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$NS" 2>/dev/null
		NS_MADE=""
	fi
	rm -rf "$NSETC"
	# /etc/netns itself, if this test made it and no other test uses it.
	[ -z "$NSETC_ROOT_MADE" ] || rmdir /etc/netns 2>/dev/null
	cleanup
}
trap ns_cleanup EXIT
trap 'exit 1' HUP INT TERM PIPE

nsx() { ip netns exec "$NS" "$@"; }

# A namespace with its loopback up and its own resolv.conf, or skip_all.
ns_setup() {
	[ "$(id -u)" -eq 0 ] ||
	    skip_all "network namespaces need root"
	command -v ip >/dev/null 2>&1 ||
	    skip_all "no ip(8) (iproute2; contrib/deps.sh installs it)"
	[ ! -e "$NSETC" ] || rm -rf "$NSETC"	# a dead run's, same pid
	ip netns del "$NS" 2>/dev/null
	ip netns add "$NS" 2>"$T/netns.err" ||
	    skip_all "ip netns add is not permitted here: $(head -1 "$T/netns.err")"
	NS_MADE=yes
	nsx ip link set lo up || { echo "# lo is not up in $NS"; exit 1; }
	[ -d /etc/netns ] || NSETC_ROOT_MADE=yes
	mkdir -p "$NSETC"
	printf 'nameserver 127.0.0.1\noptions attempts:2 timeout:2\n' \
	    > "$NSETC/resolv.conf"
	echo "# network namespace $NS"
}

# rebond-dnsd in the namespace on 127.0.0.1:5353 (contrib/unbound's
# stub-addr); extra arguments go to rebond-dnsd.  Sets DNSD_PID, PORT.
ns_start_dnsd() {
	PORT=5353
	nsx "$DNSD" -f -d "$STATE" -l 127.0.0.1:$PORT "$@" 2>>"$T/dnsd.log" &
	DNSD_PID=$!
	PIDS="$PIDS $DNSD_PID"
	for _ in $(seq 50); do
		if nsx dig +time=1 +tries=1 +norec @127.0.0.1 -p $PORT \
		    test.rcpt.rebond.test A +short 2>/dev/null | grep -q 127.0.0.2; then
			return 0
		fi
		kill -0 "$DNSD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "# rebond-dnsd did not start in $NS:"; sed 's/^/#   /' "$T/dnsd.log"
	exit 1
}

# ns_unbound_conf FILE ADDR SNIPPET: an unbound.conf for ADDR:53 in the
# namespace, DNSSEC validation on (the root's KSK-2017 as trust anchor,
# as Debian's unbound has it; no network: nothing else resolves), that
# includes SNIPPET.
ns_unbound_conf() {
	cat > "$1" <<EOF
server:
	interface: $2
	port: 53
	do-ip6: no
	access-control: 127.0.0.0/8 allow
	username: ""
	chroot: ""
	directory: "$T"
	pidfile: "$1.pid"
	use-syslog: no
	logfile: ""
	verbosity: 1
	num-threads: 1
	trust-anchor: ". DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"
include: "$3"
EOF
}

# ns_run_unbound FILE ADDR: unbound -c FILE in the namespace, until it
# answers test.rcpt.rebond.test on ADDR (any answer: a configuration
# may be meant to fail).  Sets UNBOUND_PID.
ns_run_unbound() {
	if ! /usr/sbin/unbound-checkconf "$1" >"$T/checkconf" 2>&1; then
		echo "# unbound-checkconf $1:"; sed 's/^/#   /' "$T/checkconf"
		exit 1
	fi
	nsx /usr/sbin/unbound -d -c "$1" 2>>"$T/unbound.log" &
	UNBOUND_PID=$!
	PIDS="$PIDS $UNBOUND_PID"
	for _ in $(seq 50); do
		nsx dig +time=1 +tries=1 @"$2" test.rcpt.rebond.test A \
		    2>/dev/null | grep -q 'status: ' && return 0
		kill -0 "$UNBOUND_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "# unbound did not answer on $2 in $NS:"
	sed 's/^/#   /' "$T/unbound.log"
	exit 1
}

# The resolver of the namespace: unbound on 127.0.0.1:53 with
# contrib/unbound/rebond.conf included as shipped.  Skips the whole test
# without unbound.
ns_start_unbound() {
	[ -x /usr/sbin/unbound ] ||
	    skip_all "no /usr/sbin/unbound (contrib/deps.sh test installs it)"
	ns_unbound_conf "$T/unbound.conf" 127.0.0.1 \
	    "$srcdir/contrib/unbound/rebond.conf"
	ns_run_unbound "$T/unbound.conf" 127.0.0.1
}


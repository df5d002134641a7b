# tests/lib.sh - shared by the integration scripts: TAP output, a temp
# dir per test, daemons started on a free port and always stopped.
#
# Use:  . "$srcdir/tests/lib.sh"; start_dnsd; ok "..." test ...; done_testing

set -u
: "${srcdir:=.}"
: "${builddir:=.}"
TOP_BUILD=$(cd "$builddir" && pwd)
DNSD="$TOP_BUILD/rebond-dnsd"
CTL="$TOP_BUILD/rebondctl"

T=$(mktemp -d "${TMPDIR:-/tmp}/rebond-test.XXXXXX")
STATE="$T/state"
PIDS=""
tap_n=0
tap_failed=0

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	if [ -n "${REBOND_KEEP:-}" ]; then echo "# kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() {	# ok "description" command args...
	desc=$1; shift
	tap_n=$((tap_n + 1))
	if "$@" >"$T/out" 2>&1; then
		echo "ok $tap_n - $desc"
	else
		echo "not ok $tap_n - $desc"
		tap_failed=$((tap_failed + 1))
		sed 's/^/#   /' "$T/out" | head -20
	fi
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

ctl() { "$CTL" -d "$STATE" "$@"; }

# wait_for SECONDS COMMAND...: until COMMAND succeeds; 1 once SECONDS
# have passed (wall clock: slow commands do not stretch it).
wait_for() {
	_end=$(( $(date +%s) + $1 )); shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s)" -lt $_end ] || return 1
		sleep 0.1
	done
}

# free_port: a loopback port nothing listens on (TCP or UDP) and that no
# earlier call of this test handed out.  Called as $(free_port), in a
# subshell: the ports handed out are kept in a file, not a variable.
free_port() {
	_p=$((20000 + ($$ * 13 + $(date +%N | sed 's/^0*//;s/^$/0/') / 1000) % 40000))
	[ -s "$T/.ports" ] && _p=$(( $(tail -1 "$T/.ports") + 1 ))
	for _ in $(seq 500); do
		_p=$((_p + 1)); [ $_p -gt 60000 ] && _p=20000
		ss -Htuln "sport = :$_p" 2>/dev/null | grep -q . && continue
		grep -qx "$_p" "$T/.ports" 2>/dev/null && continue
		echo $_p >> "$T/.ports"
		echo $_p
		return 0
	done
	echo "# no free port" >&2
	exit 1
}

# Start rebond-dnsd on a free port of 127.0.0.1 (and ::1 when present);
# sets PORT and DNSD_PID.  Extra arguments go to rebond-dnsd.
start_dnsd() {
	for _try in 1 2 3 4 5 6 7 8 9 10; do
		PORT=$((20000 + ($$ * 7 + _try * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 40000))
		ls_args="-l 127.0.0.1:$PORT"
		if [ -z "${NO_V6:-}" ] && ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then
			ls_args="$ls_args -l [::1]:$PORT"
		fi
		"$DNSD" -f -d "$STATE" $ls_args "$@" 2>>"$T/dnsd.log" &
		DNSD_PID=$!
		for _w in $(seq 1 50); do
			if ! kill -0 "$DNSD_PID" 2>/dev/null; then
				break
			fi
			if dig +time=1 +tries=1 @127.0.0.1 -p "$PORT" \
			    test.rcpt.rebond.test A +short 2>/dev/null | grep -q 127.0.0.2; then
				PIDS="$PIDS $DNSD_PID"
				return 0
			fi
			sleep 0.1
		done
		kill "$DNSD_PID" 2>/dev/null
		wait "$DNSD_PID" 2>/dev/null
	done
	echo "# could not start rebond-dnsd:"; sed 's/^/#   /' "$T/dnsd.log"
	exit 1
}

stop_dnsd() {
	kill "$DNSD_PID" 2>/dev/null
	wait "$DNSD_PID" 2>/dev/null
	PIDS=$(echo "$PIDS" | sed "s/ $DNSD_PID//")
}

# q NAME TYPE [dig options...]: ask our server, short answers.
q() {
	_n=$1; _t=$2; shift 2
	dig +time=2 +tries=1 +norec @127.0.0.1 -p "$PORT" "$_n" "$_t" "$@"
}

sha1() { printf '%s' "$1" | sha1sum | cut -c1-40; }

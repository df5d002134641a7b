# tests/lib.sh - shared by the integration scripts: TAP output, a temp
# dir per test, daemons started on a free port and always stopped.
#
# Use:  . "$srcdir/tests/lib.sh"; start_dnsd; ok "..." test ...; done_testing
#
# The daemons are run as $DNSD, $FEEDER and $SYNC.  Started as root, they
# would switch to the rebond user (zones/priv.h): here they are told to
# keep root (-u root; KEEP_ROOT holds the flag for other programs), so
# that they can use $T.  REBOND_VALGRIND=1 runs them under valgrind
# (memcheck; in a build without sanitizers) and done_testing fails on an
# error it reports, or a definite leak.

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

KEEP_ROOT=""
[ "$(id -u)" -ne 0 ] || KEEP_ROOT="-u root"
VG_LOGS="$T/valgrind"
if [ -n "${REBOND_VALGRIND:-}" ]; then
	command -v valgrind >/dev/null 2>&1 ||
	    { echo "Bail out! REBOND_VALGRIND set and no valgrind"; exit 1; }
	grep -q __asan_init "$DNSD" 2>/dev/null && { echo "Bail out!" \
	    "REBOND_VALGRIND needs a build without --enable-sanitizers"; exit 1; }
	mkdir -p "$VG_LOGS"
fi
# REBOND_VALGRIND_SLOW=N: every sleep of the script lasts N times longer,
# for the scripts that give a daemon a fixed time to start or read
# (tests/feeder/feeder.sh under valgrind: 5).  Not for all: some sleep
# to stay under a daemon's timeout (tests/dnsd/dns.sh, tcp-clients).
if [ -n "${REBOND_VALGRIND_SLOW:-}" ]; then
	sleep() {
		command sleep "$(awk -v s="$1" -v f="$REBOND_VALGRIND_SLOW" \
		    'BEGIN { print s * f }')"
	}
fi
# $T/bin/NAME: exec's the program (same pid), under valgrind if asked.
for _d in rebond-dnsd rebond-feeder rebond-sync; do
	if [ -z "$KEEP_ROOT" ] && [ -z "${REBOND_VALGRIND:-}" ]; then
		continue
	fi
	mkdir -p "$T/bin"
	{
		echo '#!/bin/sh'
		printf 'exec '
		[ -z "${REBOND_VALGRIND:-}" ] || printf '%s ' valgrind \
		    --error-exitcode=99 --leak-check=full \
		    --errors-for-leak-kinds=definite \
		    --show-leak-kinds=definite --track-fds=no \
		    "--log-file=$VG_LOGS/$_d.%p.log"
		echo "\"$TOP_BUILD/$_d\" $KEEP_ROOT \"\$@\""
	} > "$T/bin/$_d"
	chmod 755 "$T/bin/$_d"
done
if [ -d "$T/bin" ]; then
	DNSD="$T/bin/rebond-dnsd"
	FEEDER="$T/bin/rebond-feeder"
	SYNC="$T/bin/rebond-sync"
else
	FEEDER="$TOP_BUILD/rebond-feeder"
	SYNC="$TOP_BUILD/rebond-sync"
fi

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

# Under REBOND_VALGRIND: stop the daemons still running (valgrind writes
# its leak report at exit), then one test over every log.  A run killed
# with -9 leaves a log without a summary: counted apart.
valgrind_check() {
	[ -n "${REBOND_VALGRIND:-}" ] || return 0
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	PIDS=""
	_runs=0; _errs=0; _cut=0; _bad=""
	for _l in "$VG_LOGS"/*.log; do
		[ -f "$_l" ] || continue
		_runs=$((_runs + 1))
		_e=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) error.*/\1/p' "$_l" |
		    tail -1)
		if [ -z "$_e" ]; then
			_cut=$((_cut + 1))
			# Killed: what it reported before counts all the same.
			grep -q '^==[0-9]*== \(Invalid\|Conditional\|Use of\|Syscall param\|Mismatched\|Source and\)' "$_l" || continue
			_e=1
		fi
		[ "$_e" -eq 0 ] && continue
		_errs=$((_errs + _e))
		_bad="$_bad $_l"
	done
	echo "# valgrind: $_runs runs of the daemons ($_cut killed or" \
	    "unfinished), $_errs errors"
	for _l in $_bad; do
		echo "# $(basename "$_l"):"
		grep '^==[0-9]*== ' "$_l" | sed 's/^/#   /' | head -60
	done
	[ -z "${REBOND_VALGRIND_KEEP:-}" ] ||
	    { mkdir -p "$REBOND_VALGRIND_KEEP" &&
	    cp "$VG_LOGS"/*.log "$REBOND_VALGRIND_KEEP"/ 2>/dev/null; }
	tap_n=$((tap_n + 1))
	if [ -z "$_bad" ]; then
		echo "ok $tap_n - valgrind: no error in $_runs runs of the daemons"
	else
		echo "not ok $tap_n - valgrind: $_errs errors"
		tap_failed=$((tap_failed + 1))
	fi
}

done_testing() {
	valgrind_check
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

# free_port: a loopback port nothing listens on (TCP or UDP), below the
# ephemeral range (32768 and up: a client socket could take it between
# the check and the bind), and that no earlier call of this test handed
# out.  Called as $(free_port), in a
# subshell: the ports handed out are kept in a file, not a variable.
free_port() {
	_p=$((20000 + ($$ * 13 + $(date +%N | sed 's/^0*//;s/^$/0/') / 1000) % 12000))
	[ -s "$T/.ports" ] && _p=$(( $(tail -1 "$T/.ports") + 1 ))
	for _ in $(seq 500); do
		_p=$((_p + 1)); [ $_p -gt 32000 ] && _p=20000
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
		PORT=$((20000 + ($$ * 7 + _try * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 12000))
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

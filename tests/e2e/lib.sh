# tests/e2e/lib.sh - what the real-MTA tests share: tests/lib.sh, the
# programs, the checks that skip when Postfix cannot run here, a Postfix
# instance under $T that is stopped at exit whatever happens (pf_stop),
# free loopback ports (free_port) and bounded waits (wait_for).
. "$srcdir/tests/lib.sh"
STUB="$TOP_BUILD/tests/e2e/smtpstub"
PF="$T/pf"			# config_directory
export TZ=UTC

[ -x /usr/sbin/postfix ] ||
    skip_all "no /usr/sbin/postfix (contrib/deps.sh test installs Debian's postfix)"
command -v swaks >/dev/null 2>&1 ||
    skip_all "no swaks (contrib/deps.sh test installs it)"
[ "$(id -u)" -eq 0 ] ||
    skip_all "Postfix's master must be started as root"
getent passwd postfix >/dev/null && getent group postdrop >/dev/null ||
    skip_all "no postfix user or postdrop group (install Debian's postfix)"

# --- stopping Postfix whatever happens --------------------------------

PF_STARTED=""
MASTER_PID=""

# Live processes of the session Postfix's master leads (it calls
# setsid); zombies are dead already, waiting for init to reap them.
pf_procs() {
	[ -n "$MASTER_PID" ] || return 0
	ps -e -o pid= -o sid= -o stat= |
	    awk -v s="$MASTER_PID" '$2 == s && $3 !~ /^Z/ { print $1 }'
}

pf_stop() {
	[ -n "$PF_STARTED" ] || return 0
	PF_STARTED=""
	[ -n "$MASTER_PID" ] || [ ! -s "$T/spool/pid/master.pid" ] ||
	    MASTER_PID=$(tr -dc 0-9 < "$T/spool/pid/master.pid")
	/usr/sbin/postfix -c "$PF" stop >/dev/null 2>&1
	for _ in $(seq 50); do
		[ -z "$(pf_procs)" ] && return 0
		sleep 0.1
	done
	/usr/sbin/postfix -c "$PF" abort >/dev/null 2>&1
	sleep 0.5
	for p in $(pf_procs); do kill -9 "$p" 2>/dev/null; done
}

e2e_cleanup() {
	pf_stop
	cleanup
}
trap e2e_cleanup EXIT
trap 'exit 1' HUP INT TERM PIPE

# start_stub: smtpstub on a free port with the rules in $T/rules; sets
# STUBPORT and STUB_PID.  Listening once its pid file is there; gone if
# the port was taken, then tried again on another.
start_stub() {
	for _try in 1 2 3 4 5; do
		STUBPORT=$(free_port)
		rm -f "$T/stub.pid"
		"$STUB" -l "127.0.0.1:$STUBPORT" -r "$T/rules" -p "$T/stub.pid" \
		    2>>"$T/stub.err" &
		STUB_PID=$!
		PIDS="$PIDS $STUB_PID"
		wait_for 5 sh -c "test -s '$T/stub.pid' || ! kill -0 $STUB_PID"
		test -s "$T/stub.pid" && return 0
		kill "$STUB_PID" 2>/dev/null; wait "$STUB_PID" 2>/dev/null
		PIDS=$(echo "$PIDS" | sed "s/ $STUB_PID//")
		STUB_PID=""
	done
	echo "# smtpstub did not start:"; sed 's/^/#   /' "$T/stub.err"
	exit 1
}

# $PF/master.cf with smtpd on 127.0.0.1:$1 (the services a relay
# needs, postlogd for maillog_file); nothing chrooted.
master_cf() {
	cat > "$PF/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:$1 inet n     -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}


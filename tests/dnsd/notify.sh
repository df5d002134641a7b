#!/bin/sh
# tests/dnsd/notify.sh - rebond-dnsd and systemd: READY=1 once it answers
# (dig succeeds at once after it, over UDP and TCP), from the main PID;
# SIGHUP re-reads the configuration (RELOADING=1 then READY=1; acl, ttl
# and rrl applied, listen only after a restart, a bad file refused and
# the configuration in force kept); STOPPING=1 on SIGTERM; a bad
# NOTIFY_SOCKET does not stop it.  tests/zones/notifyd stands in for
# systemd's socket.
. "$srcdir/tests/lib.sh"

command -v dig >/dev/null 2>&1 || skip_all "dig is not installed"
NOTIFYD="$TOP_BUILD/tests/zones/notifyd"
SOCK="@rebond-test-notify-$$"
NOTES="$T/notes"

# wait_for COUNT PATTERN: until COUNT lines of the notes match PATTERN
# (grep -E), at most 10 s.
wait_for() {
	for _w in $(seq 1 200); do
		[ "$(grep -cE -- "$2" "$NOTES")" -ge "$1" ] && return 0
		sleep 0.05
	done
	echo "# waited in vain for $1 x /$2/ in:"; sed 's/^/#   /' "$NOTES"
	return 1
}

"$NOTIFYD" "$SOCK" > "$NOTES" 2>&1 &
NPID=$!; PIDS="$PIDS $NPID"
for _w in $(seq 1 100); do grep -q '^bound' "$NOTES" && break; sleep 0.05; done
ok "notifyd listens on $SOCK" grep -q "^bound $SOCK" "$NOTES"

CONF="$T/rebond.conf"
# Start on a free port with NOTIFY_SOCKET, waiting only for READY=1:
# no query before it.
for _try in 1 2 3 4 5 6 7 8 9 10; do
	PORT=$((20000 + ($$ * 11 + _try * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 12000))
	: > "$T/dnsd.log"
	# The configuration the reloads will edit.
	printf '[zones]\nttl = 300\n[dnsd]\nacl = 127.0.0.0/8\nlisten = 127.0.0.1:%s\n' \
	    "$PORT" > "$CONF"
	NOTIFY_SOCKET="$SOCK" "$DNSD" -f -c "$CONF" -d "$STATE" \
	    2>>"$T/dnsd.log" &
	DNSD_PID=$!
	up=
	for _w in $(seq 1 200); do
		kill -0 "$DNSD_PID" 2>/dev/null || break
		if grep -q "^$DNSD_PID READY=1" "$NOTES"; then up=1; break; fi
		sleep 0.02
	done
	[ -n "$up" ] && break
	kill "$DNSD_PID" 2>/dev/null; wait "$DNSD_PID" 2>/dev/null
done
[ -n "$up" ] || { echo "Bail out! no READY=1 from rebond-dnsd"; sed 's/^/#   /' "$T/dnsd.log"; exit 1; }
PIDS="$PIDS $DNSD_PID"

# At once, one try each: the sockets were bound before READY=1.
ok "dig over UDP succeeds right after READY=1" sh -c \
    'test "$(dig +short +tries=1 +time=2 @127.0.0.1 -p "$1" test.rcpt.rebond.test A)" = 127.0.0.2' _ "$PORT"
ok "dig over TCP too" sh -c \
    'test "$(dig +tcp +short +tries=1 +time=2 @127.0.0.1 -p "$1" test.rcpt.rebond.test A)" = 127.0.0.2' _ "$PORT"
ok "READY=1 is the first notification, from the main PID" sh -c \
    'sed -n 2p "$1" | grep -q "^$2 READY=1"' _ "$NOTES" "$DNSD_PID"
ok "it carries a STATUS naming the address" \
    grep -q "^$DNSD_PID READY=1 STATUS=.*DNS on 127.0.0.1:$PORT" "$NOTES"

# rcode SOURCE NAME: the status dig reports, asking from SOURCE.
rcode() {
	dig +tries=1 +time=2 -b "$1" @127.0.0.1 -p "$PORT" "$2" A |
	    sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}
ttl() {
	dig +tries=1 +time=2 +noall +answer @127.0.0.1 -p "$PORT" "$1" A |
	    awk '{ print $2; exit }'
}
ok "before the reload 127.0.0.2 may ask" test "$(rcode 127.0.0.2 test.rcpt.rebond.test)" = NOERROR
ok "and the TTL is 300" test "$(ttl test.rcpt.rebond.test)" = 300

# SIGHUP with an edited file: acl, ttl and rrl apply; listen cannot.
cat > "$CONF" <<EOF
[zones]
ttl = 120
[dnsd]
acl = 127.0.0.1/32
listen = 127.0.0.1:$((PORT + 1))
rrl-responses-per-second = 1000
EOF
kill -HUP "$DNSD_PID"
wait_for 2 "READY=1"
ok "SIGHUP: RELOADING=1 with MONOTONIC_USEC" \
    grep -qx "$DNSD_PID RELOADING=1 MONOTONIC_USEC=[0-9]*" "$NOTES"
ok "then READY=1, saying a restart is needed" sh -c \
    'sed -n 3p "$1" | grep -q "^$2 RELOADING=1 " &&
    sed -n 4p "$1" | grep -q "^$2 READY=1 STATUS=reloaded, restart needed"' \
    _ "$NOTES" "$DNSD_PID"
ok "the new acl refuses 127.0.0.2" test "$(rcode 127.0.0.2 test.rcpt.rebond.test)" = REFUSED
ok "and lets 127.0.0.1 in" test "$(rcode 127.0.0.1 test.rcpt.rebond.test)" = NOERROR
ok "the new TTL is served" test "$(ttl test.rcpt.rebond.test)" = 120
ok "the log says what was applied and what needs a restart" grep -q \
    "SIGHUP: reloaded $CONF: applied zones.ttl dnsd.acl dnsd.rrl-responses-per-second; a restart is needed for dnsd.listen" \
    "$T/dnsd.log"
ok "it still serves the address it was started on" \
    test "$(rcode 127.0.0.1 invalid.rcpt.rebond.test)" = NXDOMAIN

# A file that does not check: refused, the configuration in force kept.
cp "$CONF" "$T/good.conf"
printf '[dnsd]\nacl = 127.0.0.0/8 not-a-prefix\n' > "$CONF"
kill -HUP "$DNSD_PID"
ok "a bad file: READY=1 with STATUS=reload failed" sh -c \
    'for i in $(seq 1 200); do grep -q "READY=1 STATUS=reload failed: .*not-a-prefix" "$1" && exit 0; sleep 0.05; done; exit 1' \
    _ "$NOTES"
ok "the log names the file and the error, and keeps the old one" grep -q \
    "SIGHUP: $CONF: acl: 'not-a-prefix' is not an address prefix; the configuration in force is kept" \
    "$T/dnsd.log"
ok "the acl in force still refuses 127.0.0.2" test "$(rcode 127.0.0.2 test.rcpt.rebond.test)" = REFUSED
printf '[dnsd\n' > "$CONF"
kill -HUP "$DNSD_PID"
ok "a file that does not parse: file:line in the log" sh -c \
    'for i in $(seq 1 200); do grep -q "SIGHUP: $2:1: malformed section header" "$1" && exit 0; sleep 0.05; done; exit 1' \
    _ "$T/dnsd.log" "$CONF"
ok "still serving" test "$(rcode 127.0.0.1 test.rcpt.rebond.test)" = NOERROR

# The reload with nothing changed says so.
cp "$T/good.conf" "$CONF"
kill -HUP "$DNSD_PID"
ok "the good file again: reloaded" sh -c \
    'for i in $(seq 1 200); do [ "$(grep -c "READY=1 STATUS=reloaded" "$1")" -ge 2 ] && exit 0; sleep 0.05; done; exit 1' \
    _ "$NOTES"
ok "nothing to apply against the configuration in force" grep -q \
    "SIGHUP: reloaded $CONF: no change to apply; a restart is needed for dnsd.listen" \
    "$T/dnsd.log"

kill -TERM "$DNSD_PID"
wait "$DNSD_PID"; st=$?
PIDS=$(echo "$PIDS" | sed "s/ $DNSD_PID//")
ok "SIGTERM: exit status 0" test "$st" = 0
ok "STOPPING=1 is the last notification" sh -c \
    'tail -1 "$1" | grep -qx "$2 STOPPING=1"' _ "$NOTES" "$DNSD_PID"
ok "no sanitizer report" sh -c '! grep -q "Sanitizer" "$1"' _ "$T/dnsd.log"

# A NOTIFY_SOCKET that cannot work: one warning, DNS served anyway.
: > "$T/dnsd.log"
NOTIFY_SOCKET=relative/path "$DNSD" -f -d "$STATE" -l "127.0.0.1:$PORT" \
    2>>"$T/dnsd.log" &
DNSD_PID=$!; PIDS="$PIDS $DNSD_PID"
for _w in $(seq 1 100); do
	dig +short +tries=1 +time=1 @127.0.0.1 -p "$PORT" test.rcpt.rebond.test A 2>/dev/null | grep -q 127.0.0.2 && break
	sleep 0.05
done
ok "a bad NOTIFY_SOCKET: still answers" sh -c \
    'test "$(dig +short +tries=1 +time=2 @127.0.0.1 -p "$1" test.rcpt.rebond.test A)" = 127.0.0.2' _ "$PORT"
ok "and warns once" test "$(grep -c "NOTIFY_SOCKET 'relative/path': not a path" "$T/dnsd.log")" = 1
stop_dnsd

done_testing

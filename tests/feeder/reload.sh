#!/bin/sh
# tests/feeder/reload.sh - rebond-feeder and systemd: READY=1 once its
# input is open (a file followed, a syslog socket that takes a line at
# once), from the main PID; SIGHUP reads the rules file again, so that an
# operator who edits [feeder] rules and HUPs sees the next lines
# classified the new way; rules that do not parse are refused and the
# rules in force kept; STOPPING=1 on SIGTERM.  tests/zones/notifyd stands
# in for systemd, on a path socket here (dnsd's test uses an abstract
# one).
. "$srcdir/tests/lib.sh"

NOTIFYD="$TOP_BUILD/tests/zones/notifyd"
SOCK="$T/notify.sock"
NOTES="$T/notes"
MAILLOG="$T/mail.log"
RULES="$T/classify.rules"
CONF="$T/rebond.conf"
export TZ=UTC

# wait_for COUNT PATTERN: until COUNT notifications match PATTERN.
wait_for() {
	for _w in $(seq 1 200); do
		[ "$(grep -cE -- "$2" "$NOTES")" -ge "$1" ] && return 0
		sleep 0.05
	done
	echo "# waited in vain for $1 x /$2/ in:"; sed 's/^/#   /' "$NOTES"
	return 1
}
# hup: SIGHUP to the feeder, and wait for the READY=1 that ends it.
hup() {
	_n=$(grep -c " READY=1" "$NOTES")
	kill -HUP "$FPID"
	wait_for $((_n + 1)) " READY=1"
}
# bounce ADDR: a Postfix bounce whose reply only the operator's rules
# know: the built-in rules read it as a hard bounce (5.1.1).
n=0
bounce() {
	n=$((n + 1))
	printf 'Nov 22 10:00:%02d relay postfix/smtp[4242]: 8C2F1A%04d: to=<%s>, relay=mx.example.org[198.51.100.7]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.org[198.51.100.7] said: 550 5.1.1 <%s>: xyzzy box gone (in reply to RCPT TO command))\n' \
	    "$n" "$n" "$1" "$1" >> "$MAILLOG"
}
# listed ADDR CODE: wait until ADDR is listed in rcpt with 127.0.0.CODE.
listed() {
	for _w in $(seq 1 100); do
		ctl lookup "$1" 2>/dev/null | grep -q "^rcpt .* 127\.0\.0\.$2" &&
		    return 0
		sleep 0.05
	done
	echo "# $1 is not listed with 127.0.0.$2:"; ctl lookup "$1"
	return 1
}
# rejected N: wait until the node counted N message_rejected events.
rejected() {
	for _w in $(seq 1 100); do
		"$CTL" -d "$STATE" stats --days 36500 --json 2>/dev/null |
		    grep -q "\"message_rejected\": $1[,}]" && return 0
		sleep 0.05
	done
	"$CTL" -d "$STATE" stats --days 36500 --json
	return 1
}

"$NOTIFYD" "$SOCK" > "$NOTES" 2>&1 &
NPID=$!; PIDS="$PIDS $NPID"
for _w in $(seq 1 100); do grep -q '^bound' "$NOTES" && break; sleep 0.05; done
ok "notifyd listens on a path socket" test -S "$SOCK"

printf 'message_rejected/policy text~xyzzy\n' > "$RULES"
printf '[feeder]\nrules = "%s"\n' "$RULES" > "$CONF"
: > "$MAILLOG"
NOTIFY_SOCKET="$SOCK" "$FEEDER" -c "$CONF" -d "$STATE" --follow "$MAILLOG" \
    2>>"$T/feeder.log" &
FPID=$!; PIDS="$PIDS $FPID"
ok "READY=1 once the file is open, from the feeder itself" \
    wait_for 1 "^$FPID READY=1 STATUS=following $MAILLOG\$"

bounce first@example.org
ok "with the rule, the reply is a refused message" rejected 1
ok "which does not list the recipient" sh -c \
    '! "$1" -d "$2" lookup first@example.org' _ "$CTL" "$STATE"

# The operator edits the rules and HUPs.
printf '# the box is full, not gone\nsoft/full text~xyzzy\n' > "$RULES"
hup
ok "SIGHUP: RELOADING=1, then READY=1 saying reloaded" sh -c \
    'sed -n 3p "$1" | grep -q "^$2 RELOADING=1 MONOTONIC_USEC=[0-9]*\$" &&
    sed -n 4p "$1" | grep -qx "$2 READY=1 STATUS=reloaded"' _ "$NOTES" "$FPID"
ok "the log says the rules were read again" grep -q \
    "SIGHUP: reloaded $CONF: rules read again from $RULES" "$T/feeder.log"
bounce second@example.org
ok "the next line is classified by the new rule: soft, 127.0.0.4" \
    listed second@example.org 4
ok "the first recipient is still not listed" sh -c \
    '! "$1" -d "$2" lookup first@example.org' _ "$CTL" "$STATE"

# Rules that do not parse: refused, the ones in force kept.
printf 'soft/full text~xyzzy\nnot-a-class text~x\n' > "$RULES"
hup
ok "bad rules: READY=1 with STATUS=reload failed" \
    grep -q "^$FPID READY=1 STATUS=reload failed: $RULES:2: unknown class" "$NOTES"
ok "the log names the file and line" grep -q \
    "SIGHUP: $RULES:2: .*; the configuration and rules in force are kept" \
    "$T/feeder.log"
bounce third@example.org
ok "the rules in force still decide: 127.0.0.4" listed third@example.org 4

# No operator rule left: the built-in rules again.
: > "$RULES"
hup
bounce fourth@example.org
ok "without the rule, the built-ins list a hard bounce: 127.0.0.2" \
    listed fourth@example.org 2

# [policy] is read again too, and what needs a restart is said.
printf '[feeder]\nrules = "%s"\nsyslog = udp:127.0.0.1:1\nbatch-delay = 1s\n[policy]\nhard-expiry = 30d\n' \
    "$RULES" > "$CONF"
hup
ok "changes applied and restart-only changes are logged" grep -q \
    "; applied policy.hard-expiry; a restart is needed for feeder.batch-delay\$" \
    "$T/feeder.log"
ok "--follow on the command line wins: feeder.syslog is not mentioned" sh -c \
    '! grep -q "feeder.syslog" "$1"' _ "$T/feeder.log"

kill -TERM "$FPID"
wait "$FPID"; st=$?
PIDS=$(echo "$PIDS" | sed "s/ $FPID//")
ok "SIGTERM: exit status 0" test "$st" = 0
ok "STOPPING=1 is the last notification" sh -c \
    'tail -1 "$1" | grep -qx "$2 STOPPING=1"' _ "$NOTES" "$FPID"

# Syslog input: a line sent right after READY=1 is taken.
NOTIFY_SOCKET="$SOCK" "$FEEDER" -c "$CONF" -d "$STATE" \
    --syslog "unix:$T/feeder.sock" 2>>"$T/feeder.log" &
FPID=$!; PIDS="$PIDS $FPID"
ok "--syslog: READY=1 once the socket is bound" \
    wait_for 1 "^$FPID READY=1 STATUS=receiving syslog on unix:$T/feeder.sock\$"
logger -u "$T/feeder.sock" --socket-errors=on -t 'postfix/smtp' --id=78 \
    'AB12CD34E2: to=<fifth@example.org>, relay=mx.example.org[198.51.100.7]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host x said: 550 5.1.1 No such user here (in reply to RCPT TO command))'
ok "a line sent at once is listed" listed fifth@example.org 2
kill -TERM "$FPID"
wait "$FPID"
PIDS=$(echo "$PIDS" | sed "s/ $FPID//")
ok "STOPPING=1 again" sh -c 'tail -1 "$1" | grep -qx "$2 STOPPING=1"' \
    _ "$NOTES" "$FPID"
ok "no sanitizer report" sh -c '! grep -q Sanitizer "$1"' _ "$T/feeder.log"

done_testing

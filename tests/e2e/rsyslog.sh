#!/bin/sh
# rsyslog hands the mail log to rebond-feeder through
# contrib/rsyslog/rebond.conf, as shipped: a real rsyslogd in the
# foreground (-n) with its own configuration (-f), pid file (-i), work
# directory and input socket, that includes the snippet with only its
# socket path and UDP port changed (sed).  Both of the snippet's ways
# are run at once: way 1 (omuxsock to a unix socket) as shipped, way 2
# (omfwd over UDP, commented in the file) uncommented; a feeder with a
# store of its own listens on each.  logger(1) writes Postfix's lines
# to rsyslog's socket, as Postfix's syslog(3) calls would.
#
# Asserts: rsyslogd accepts the configuration (-N1); a Postfix bounce
# logged once is listed by both feeders (127.0.0.2, status 5.1.1), a
# delivery is counted and not listed; rsyslog still writes the line to
# its own mail.log; a non-mail facility reaches neither feeder.
#
# Needs rsyslogd and logger; no root; only loopback.
. "$srcdir/tests/lib.sh"
RSYSLOGD=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
export TZ=UTC

[ -x "$RSYSLOGD" ] ||
    skip_all "no rsyslogd (contrib/deps.sh test installs rsyslog)"
command -v logger >/dev/null 2>&1 ||
    skip_all "no logger (bsdutils)"

# --- the two feeders ---------------------------------------------------------

S1="$T/state.unix"
S2="$T/state.udp"
"$FEEDER" -d "$S1" --syslog "unix:$T/feeder.sock" 2>>"$T/feeder.unix.err" &
PIDS="$PIDS $!"
for _try in 1 2 3 4 5; do
	UPORT=$(free_port)
	"$FEEDER" -d "$S2" --syslog "udp:127.0.0.1:$UPORT" 2>>"$T/feeder.udp.err" &
	F2=$!
	sleep 0.3
	kill -0 $F2 2>/dev/null && break
	F2=""
done
[ -n "$F2" ] || { echo "# the UDP feeder did not start:"; sed 's/^/#   /' "$T/feeder.udp.err"; exit 1; }
PIDS="$PIDS $F2"
wait_for 5 test -S "$T/feeder.sock" ||
    { echo "# no $T/feeder.sock:"; sed 's/^/#   /' "$T/feeder.unix.err"; exit 1; }

# --- rsyslogd ------------------------------------------------------------------

# The snippet: way 1 to our socket, way 2 uncommented, to our port.
sed -e "s|/run/rebond/feeder.sock|$T/feeder.sock|" \
    -e '/^#mail\.\*.*omfwd/,/)$/s/^#//' \
    -e "s/port=\"5514\"/port=\"$UPORT\"/" \
    "$srcdir/contrib/rsyslog/rebond.conf" > "$T/rebond.conf"
ok "the snippet's way 2 (UDP) is enabled in the copy" \
    grep -q "^mail\\.\\*.*omfwd.*port=\"$UPORT\"" "$T/rebond.conf"

mkdir -p "$T/rs"
cat > "$T/rsyslog.conf" <<EOF
# A private rsyslogd: its own input socket, work directory and files.
global(workDirectory="$T/rs")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$T/log.sock")
mail.*	action(type="omfile" file="$T/mail.log")
\$IncludeConfig $T/rebond.conf
EOF
ok "rsyslogd -N1 accepts the configuration with the snippet" \
    "$RSYSLOGD" -N1 -f "$T/rsyslog.conf"
"$RSYSLOGD" -n -f "$T/rsyslog.conf" -i "$T/rsyslogd.pid" \
    >"$T/rsyslogd.log" 2>&1 &
RS_PID=$!
PIDS="$PIDS $RS_PID"
ok "rsyslogd runs and listens on its socket" wait_for 10 test -S "$T/log.sock"

# log FACILITY.LEVEL TAG MESSAGE: as the program would, through syslog.
log() { logger -u "$T/log.sock" -p "$1" -t "$2" -- "$3"; }

log mail.info 'postfix/smtp[2004]' '3F1A2C0101: to=<dead@example.com>, relay=mx.example.com[198.51.100.7]:25, delay=1.1, delays=0.1/0/0.4/0.6, dsn=5.1.1, status=bounced (host mx.example.com[198.51.100.7] said: 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient'"'"'s email address for typos or 550 5.1.1 unnecessary spaces. (in reply to RCPT TO command))'
log mail.info 'postfix/smtp[2004]' '3F1A2C0101: to=<good@example.com>, relay=mx.example.com[198.51.100.7]:25, delay=1.1, delays=0.1/0/0.4/0.6, dsn=2.0.0, status=sent (250 2.0.0 OK 1700474402 x12si345 - gsmtp)'
# Not mail: rsyslog must not forward it (mail.* only).
log user.info 'postfix/smtp[2005]' '4B0C1D0202: to=<user@example.net>, relay=mx.example.net[198.51.100.8]:25, delay=1, delays=0.1/0/0.4/0.5, dsn=5.1.1, status=bounced (host mx.example.net[198.51.100.8] said: 550 5.1.1 User unknown (in reply to RCPT TO command))'

ok "rsyslog wrote the bounce to its own mail.log" \
    wait_for 10 grep -q 'to=<dead@example.com>.*status=bounced' "$T/mail.log"
for w in unix udp; do
	if [ $w = unix ]; then S=$S1; else S=$S2; fi
	ok "way $w: the feeder lists dead@example.com" \
	    wait_for 10 sh -c "'$CTL' -d '$S' lookup dead@example.com | grep -q '^rcpt .*127.0.0.2'"
	ok "way $w: with the status from the log (5.1.1)" \
	    sh -c "'$CTL' -d '$S' explain dead@example.com | grep -q 'status 5.1.1'"
	ok "way $w: good@example.com is not listed" \
	    sh -c "! '$CTL' -d '$S' lookup good@example.com | grep -q '^rcpt '"
	ok "way $w: user@example.net (facility user, not mail) never arrived" \
	    sh -c "! '$CTL' -d '$S' lookup user@example.net | grep -q '^rcpt '"
done

kill "$RS_PID" 2>/dev/null
ok "rsyslogd stops on SIGTERM" wait_for 10 sh -c "! kill -0 $RS_PID"
if [ "$tap_failed" -gt 0 ]; then
	echo "# rsyslogd:"; sed 's/^/#   /' "$T/rsyslogd.log" | head -20
	echo "# mail.log:"; sed 's/^/#   /' "$T/mail.log" 2>/dev/null | head -20
	echo "# feeders:"; sed 's/^/#   /' "$T"/feeder.*.err | head -20
	echo "# rebond.conf:"; sed 's/^/#   /' "$T/rebond.conf"
fi
done_testing

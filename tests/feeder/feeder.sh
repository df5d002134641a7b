#!/bin/sh
# rebond-feeder end to end: --stdin, --follow across rotation and
# restarts (no line skipped, none counted twice), --syslog over UDP and a
# unix socket, junk input, and the listing served by rebond-dnsd.
. "$srcdir/tests/lib.sh"
LOG="$srcdir/tests/feeder/logs/postfix.log"
export TZ=UTC

# Counters of the node as "delivered hard soft" over all days.
node_counts() {
	"$CTL" -d "$1" stats --days 36500 --json |
	    sed -n 's/.*"delivered": \([0-9]*\), "hard": \([0-9]*\), "soft": \([0-9]*\).*/\1 \2 \3/p'
}

ok "--stdin reads a Postfix log" sh -c "'$FEEDER' -d '$STATE' --stdin < '$LOG' 2>'$T/err'"
ok "--stdin prints what it did" grep -q '48 lines' "$T/err"
ok "hard bounce listed" ctl lookup dead@example.com
ok "unknown domain listed in rdom" sh -c "'$CTL' -d '$STATE' lookup gmaiil.com | grep -q '^rdom gmaiil.com 127.0.0.2'"
ok "explain shows the bounce's evidence" sh -c "'$CTL' -d '$STATE' explain dead@example.com | grep -q 'status 5.1.1'"
ok "explain shows the remote server's answer" sh -c "'$CTL' -d '$STATE' explain dead@example.com | grep -q 'event [0-9-]*T10:00Z hard 5.1.1 queue 3F1A2C0101: host mx.example.com.*550-5.1.1 The email account'"
ok "node counters" test "$(node_counts "$STATE")" = "3 4 3"

start_dnsd
H=$(sha1 dead@example.com)
ok "dnsd serves the feeder's listing" sh -c "dig +short @127.0.0.1 -p $PORT $H.rcpt.rebond.test A | grep -q 127.0.0.2"

# A listing reaches DNS within a second of its log line.
line='Nov 22 08:00:01 relay postfix/smtp[1]: AB12CD34EF: to=<fresh@example.com>, relay=mx.example.com[198.51.100.7]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.com[198.51.100.7] said: 550 5.1.1 <fresh@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command))'
: > "$T/live.log"
"$FEEDER" -d "$STATE" --follow "$T/live.log" 2>>"$T/follow.err" &
FPID=$!; PIDS="$PIDS $FPID"
sleep 0.5
H=$(sha1 fresh@example.com)
t0=$(date +%s%N)
echo "$line" >> "$T/live.log"
listed=no
for _ in $(seq 40); do
	if dig +short @127.0.0.1 -p $PORT $H.rcpt.rebond.test A | grep -q 127.0.0.2; then listed=yes; break; fi
	sleep 0.05
done
t1=$(date +%s%N)
echo "# log line to DNS answer: $(( (t1 - t0) / 1000000 )) ms"
ok "a followed line is answered in DNS within 2 s" test $listed = yes
kill -HUP $FPID
sleep 0.3
ok "SIGHUP (logrotate) does not stop the feeder" kill -0 $FPID

# Rotation by rename + create, then by copytruncate; a restart in between.
F="$T/rot"
R="$T/rot.log"
rm -rf "$F"; : > "$R"
"$FEEDER" -d "$F" --follow "$R" 2>>"$T/rot.err" & RPID=$!
gen() {	# N delivered lines to user$1..
	i=0
	while [ $i -lt "$2" ]; do
		printf 'Nov 22 08:%02d:%02d relay postfix/smtp[1]: Q%s%06d: to=<u%d@example.com>, relay=mx.example.com[198.51.100.7]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n' $((i / 60 % 60)) $((i % 60)) "$1" $i $i
		i=$((i + 1))
	done
}
gen A 100 >> "$R"
sleep 0.6
mv "$R" "$R.1"; gen B 50 > "$R"
sleep 0.6
kill $RPID; wait $RPID 2>/dev/null
gen C 30 >> "$R"		# written while the feeder is down
"$FEEDER" -d "$F" --follow "$R" 2>>"$T/rot.err" & RPID=$!; PIDS="$PIDS $RPID"
sleep 0.6
cp "$R" "$R.2"; : > "$R"; gen D 20 >> "$R"	# copytruncate
sleep 0.8
kill $RPID; wait $RPID 2>/dev/null
mv "$R" "$R.1"; gen E 10 > "$R"		# rotated while down
"$FEEDER" -d "$F" --follow "$R" 2>>"$T/rot.err" & RPID=$!; PIDS="$PIDS $RPID"
sleep 0.8
kill $RPID; wait $RPID 2>/dev/null
ok "rotations and restarts: every line counted once (210)" test "$(node_counts "$F")" = "210 0 0"
ok "restart resumed at its checkpoint" grep -q 'resuming at offset' "$T/rot.err"

# Syslog over UDP and over a unix socket.
S="$T/sys"
UPORT=$((PORT + 1))
# Sent once the socket is bound (a datagram before is lost), and waited
# for: a loaded machine running the sanitizer build may need seconds.
"$FEEDER" -d "$S" --syslog "udp:127.0.0.1:$UPORT" 2>"$T/sys.err" & SPID=$!; PIDS="$PIDS $SPID"
wait_for 20 grep -q "receiving syslog on" "$T/sys.err"
logger --rfc3164 -d -n 127.0.0.1 -P $UPORT -t 'postfix/smtp' --id=77 \
    'AB12CD34E1: to=<udp@example.com>, relay=mx.example.com[198.51.100.7]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host x said: 550 5.1.1 No such user here (in reply to RCPT TO command))'
ok "syslog over UDP lists" wait_for 20 "$CTL" -d "$S" lookup udp@example.com
kill $SPID; wait $SPID 2>/dev/null
"$FEEDER" -d "$S" --syslog "unix:$T/feeder.sock" 2>"$T/sys2.err" & SPID=$!; PIDS="$PIDS $SPID"
wait_for 20 grep -q "receiving syslog on" "$T/sys2.err"
logger -u "$T/feeder.sock" --socket-errors=on -t 'postfix/smtp' --id=78 \
    'AB12CD34E2: to=<unix@example.com>, relay=mx.example.com[198.51.100.7]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host x said: 550 5.1.1 No such user here (in reply to RCPT TO command))'
ok "syslog over a unix socket lists" wait_for 20 "$CTL" -d "$S" lookup unix@example.com
kill $SPID; wait $SPID 2>/dev/null
ok "the socket is removed at exit" test ! -e "$T/feeder.sock"

# Junk: binary, a 1 MB line, truncated lines, invalid UTF-8.
J="$T/junk"
{ head -c 4096 /dev/urandom; echo
  head -c 1048576 /dev/zero | tr '\0' 'a'; echo
  echo 'Nov 22 08:00:01 relay postfix/smtp[1]: AB12: to=<trunc'
  printf 'Nov 22 08:00:01 relay postfix/smtp[1]: AB13: to=<\303\050@example.com>, status=bounced (x)\n'
  echo 'Nov 22 08:00:02 relay postfix/smtp[1]: AB14CD: to=<after@example.com>, relay=mx.example.com[198.51.100.7]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host x said: 550 5.1.1 No such user here (in reply to RCPT TO command))'
} > "$T/junk.log"
ok "junk does not stop the feeder" sh -c "'$FEEDER' -d '$J' --stdin < '$T/junk.log' 2>'$T/junk.err'"
ok "junk is counted as malformed" grep -qE '[1-9][0-9]* malformed' "$T/junk.err"
ok "the line after the junk is used" "$CTL" -d "$J" lookup after@example.com
# Delisting on request forgets the events behind the key too (their
# reply texts may quote the address).
ok "rebondctl del delists the feeder's listing" ctl del rcpt dead@example.com
ok "... and its events are gone from explain" sh -c "'$CTL' -d '$STATE' explain dead@example.com > '$T/exp'; ! grep -q 'event ' '$T/exp' && ! grep -q 'The email account' '$T/exp'"
ok "... the store holds no event of that mail any more" sh -c "command -v mdb_dump >/dev/null || exit 0; ! mdb_dump -s evlog -p '$STATE' | grep -q 3F1A2C0101"
ok "bad config reported as file:line" sh -c "printf '[feeder]\nscope = world\n' > '$T/bad.conf'; ! '$FEEDER' -c '$T/bad.conf' -n 2>'$T/err' && grep -q 'scope' '$T/err'"
done_testing

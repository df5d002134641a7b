#!/bin/sh
# kill -9 of rebond-feeder at random moments while it follows a growing
# log: after each restart it resumes at its checkpoint, and at the end
# every line has been counted exactly once.  A reader (rebond-dnsd) and
# another writer (rebondctl) use the store at the same time.  Every third
# cycle rebond-dnsd is killed -9 too, in the middle of the feeder's
# writes and of a stream of queries: restarted, it answers as before.
. "$srcdir/tests/lib.sh"
export TZ=UTC
L="$T/mail.log"
CYCLES=${CRASH_CYCLES:-25}

gen() {	# FROM COUNT: delivered lines with unique queue ids
	awk -v from="$1" -v n="$2" 'BEGIN { for (i = from; i < from + n; i++)
		printf "Nov 22 08:%02d:%02d relay postfix/smtp[1]: C%09d: to=<u%d@example.com>, relay=mx.example.com[198.51.100.7]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n", i / 60 % 60, i % 60, i, i }'
}
delivered() {
	"$CTL" -d "$STATE" stats --days 36500 --json |
	    sed -n 's/.*"delivered": \([0-9]*\),.*/\1/p'
}
answers() {	# what rebond-dnsd says of the listings made so far
	_j=0
	while [ $_j -lt "$1" ]; do
		echo "crash$_j: $(dig +short +time=2 +tries=2 @127.0.0.1 -p "$PORT" \
		    "crash$_j.example.rdom.rebond.test" A)"
		_j=$((_j + 1))
	done
	echo "test: $(dig +short +time=2 +tries=2 @127.0.0.1 -p "$PORT" \
	    test.rcpt.rebond.test A)"
}

start_dnsd
echo "$PORT" > "$T/port"
# Readers all along: bursts of UDP queries at whichever rebond-dnsd runs.
touch "$T/reading"
while [ -f "$T/reading" ]; do
	"$TOP_BUILD/tests/dnsd/burst" 127.0.0.1 127.0.0.1 "$(cat "$T/port")" \
	    crash0.example.rdom.rebond.test 200 20 >/dev/null 2>&1 || sleep 0.1
done &
PIDS="$PIDS $!"
: > "$L"
total=0
i=0
seed=1
dnsd_kills=0
dnsd_same=0
while [ $i -lt "$CYCLES" ]; do
	"$FEEDER" -d "$STATE" --follow "$L" 2>>"$T/feeder.err" &
	fp=$!
	# Lines arrive while it runs; the kill falls anywhere in a batch.
	gen $total 700 >> "$L"; total=$((total + 700))
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	sleep "0.$(( seed % 4 + 1 ))"
	if [ $((i % 3)) -eq 1 ]; then
		answers $i > "$T/before"
		sleep "0.0$(( seed % 9 + 1 ))"
		kill -9 "$DNSD_PID"; wait "$DNSD_PID" 2>/dev/null
		PIDS=$(echo "$PIDS" | sed "s/ $DNSD_PID//")
		dnsd_kills=$((dnsd_kills + 1))
		start_dnsd
		echo "$PORT" > "$T/port"
		answers $i > "$T/after"
		if cmp -s "$T/before" "$T/after"; then
			dnsd_same=$((dnsd_same + 1))
		else
			diff "$T/before" "$T/after" | sed 's/^/# /'
		fi
	fi
	gen $total 300 >> "$L"; total=$((total + 300))
	"$CTL" -d "$STATE" add rdom "crash$i.example" --reason hard
	kill -9 $fp 2>/dev/null
	wait $fp 2>/dev/null
	i=$((i + 1))
done
# A last clean run to the end of the file.
"$FEEDER" -d "$STATE" --follow "$L" 2>>"$T/feeder.err" &
fp=$!; PIDS="$PIDS $fp"
for _ in $(seq 100); do
	[ "$(delivered)" = "$total" ] && break
	sleep 0.2
done
kill $fp; wait $fp 2>/dev/null
rm -f "$T/reading"
echo "# $CYCLES kill -9 cycles of rebond-feeder, $dnsd_kills of rebond-dnsd, $total lines"
ok "every line counted exactly once after $CYCLES kill -9" test "$(delivered)" = "$total"
ok "the feeder resumed at its checkpoint" grep -q 'resuming at offset' "$T/feeder.err"
ok "rebondctl's writes in between were kept" test "$("$CTL" -d "$STATE" list rdom | grep -c '^rdom crash')" = "$CYCLES"
ok "the store still opens and answers" sh -c "dig +short @127.0.0.1 -p $PORT crash0.example.rdom.rebond.test A | grep -q 127.0.0.2"
ok "rebond-dnsd killed -9 $dnsd_kills times, restarted, answered the same each time" \
    test "$dnsd_kills" -gt 0 -a "$dnsd_same" = "$dnsd_kills"
answers "$CYCLES" > "$T/final"
ok "... and answers every listing made" sh -c \
    "test \$(grep -c ': 127.0.0.2\$' '$T/final') -eq $((CYCLES + 1))"
ok "no sanitizer report from the feeder or rebond-dnsd" sh -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/feeder.err' '$T/dnsd.log'"
done_testing

#!/bin/sh
# kill -9 of rebond-feeder at random moments while it follows a growing
# log: after each restart it resumes at its checkpoint, and at the end
# every line has been counted exactly once.  A reader (rebond-dnsd) and
# another writer (rebondctl) use the store at the same time.
. "$srcdir/tests/lib.sh"
FEEDER="$TOP_BUILD/rebond-feeder"
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

start_dnsd
: > "$L"
total=0
i=0
seed=1
while [ $i -lt "$CYCLES" ]; do
	"$FEEDER" -d "$STATE" --follow "$L" 2>>"$T/feeder.err" &
	fp=$!
	# Lines arrive while it runs; the kill falls anywhere in a batch.
	gen $total 700 >> "$L"; total=$((total + 700))
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	sleep "0.$(( seed % 4 + 1 ))"
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
echo "# $CYCLES kill -9 cycles, $total lines"
ok "every line counted exactly once after $CYCLES kill -9" test "$(delivered)" = "$total"
ok "the feeder resumed at its checkpoint" grep -q 'resuming at offset' "$T/feeder.err"
ok "rebondctl's writes in between were kept" test "$("$CTL" -d "$STATE" list rdom | grep -c '^rdom crash')" = "$CYCLES"
ok "the store still opens and answers" sh -c "dig +short @127.0.0.1 -p $PORT crash0.example.rdom.rebond.test A | grep -q 127.0.0.2"
ok "no sanitizer report from the feeder" sh -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/feeder.err'"
done_testing

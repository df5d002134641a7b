#!/bin/sh
# A full disk under the store (a 2 MiB tmpfs): rebond-feeder --stdin and
# rebondctl add fail with one clear line (the file, "no space left", what
# to do) and a non-zero exit; a feeder that follows a log keeps the lines
# it could not write and its checkpoint where the store is, across a
# kill -9 too; the store stays whole (it opens, reads, rebond-dnsd
# answers what was written); once the file system is made larger
# (remount), writing goes on with nothing lost or counted twice.
#
# The LMDB map is address space, not disk: it grows by doubling up to
# 1 TiB (zones/store.c), so the disk fills first; a map full at that
# size takes the same path (store_write: RB_ESPACE, the same warning).
. "$srcdir/tests/lib.sh"
export TZ=UTC

[ "$(id -u)" -eq 0 ] || skip_all "needs root to mount a small tmpfs"
D="$T/disk"
mkdir -p "$D"
mount -t tmpfs -o size=2m,mode=0755 tmpfs "$D" 2>"$T/err" ||
    skip_all "cannot mount a tmpfs here: $(cat "$T/err")"
diskfull_cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	PIDS=""
	umount "$D" 2>/dev/null || umount -l "$D" 2>/dev/null
	cleanup
}
trap diskfull_cleanup EXIT
STATE="$D/state"

bounces() {	# FROM COUNT: hard bounces of distinct recipients
	awk -v from="$1" -v n="$2" 'BEGIN { for (i = from; i < from + n; i++)
		printf "Nov 22 08:%02d:%02d relay postfix/smtp[1]: B%09d: to=<b%d@example.com>, relay=mx.example.com[198.51.100.7]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.com[198.51.100.7] said: 550 5.1.1 <b%d@example.com>: user unknown)\n", i / 60 % 60, i % 60, i, i, i }'
}
fbounces() {	# FROM COUNT: as bounces, other recipients
	awk -v from="$1" -v n="$2" 'BEGIN { for (i = from; i < from + n; i++)
		printf "Nov 22 09:%02d:%02d relay postfix/smtp[1]: F%09d: to=<f%d@example.net>, relay=mx.example.net[198.51.100.8]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.net[198.51.100.8] said: 550 5.1.1 <f%d@example.net>: user unknown)\n", i / 60 % 60, i % 60, i, i, i }'
}
count() {	# count CLASS: node-wide, from rebondctl stats --json
	"$CTL" -d "$STATE" stats --days 36500 --json 2>/dev/null |
	    sed -n "s/.*\"$1\": \([0-9]*\),.*/\1/p" | head -1
}
listed() {	# listed KEY-IN-DNS: rebond-dnsd answers 127.0.0.2
	dig +short +time=2 +tries=1 @127.0.0.1 -p "$PORT" "$1" A | grep -qx 127.0.0.2
}
# The warning: one line naming the file, saying it, saying what to do.
clear_error() {	# clear_error FILE
	grep "no space left" "$1" | head -1 > "$T/line"
	cat "$T/line"
	grep -q "^rebond[a-z-]*: $STATE/data.mdb: no space left on its file system (disk full, [0-9]* KiB free): this write was not stored, the store is intact as last written; free space there (or move state-dir), then writes go on\$" "$T/line"
}

start_dnsd
echo "# store on a tmpfs of $(df -k "$D" | awk 'NR == 2 { print $2 }') KiB"

# --- rebond-feeder --stdin until the disk is full -------------------------

bounces 0 500 | "$FEEDER" -d "$STATE" --stdin 2>"$T/first.err"
ok "the first 500 bounces are written" test "$(count hard)" = 500
ok "rebond-dnsd answers one of them" listed "$(sha1 b0@example.com).rcpt.rebond.test"
for i in 0 1 2 3 4; do
	"$CTL" -d "$STATE" add rdom "pre$i.example" --reason hard
done
acked=500
from=500
st=0
while [ $from -lt 200000 ]; do
	bounces $from 2000 | "$FEEDER" -d "$STATE" --stdin 2>"$T/fill.err"
	st=$?
	[ $st -eq 0 ] || break
	from=$((from + 2000)); acked=$((acked + 2000))
done
echo "# the feeder ran out of space after $acked lines written (exit $st)"
ok "rebond-feeder --stdin exits non-zero on a full disk" test $st -ne 0
ok "... with a clear one-line error" clear_error "$T/fill.err"
ok "... once, not a line per batch" \
    test "$(grep -c 'no space left on its file system' "$T/fill.err")" -eq 1
ok "what it wrote before is all there" test "$(count hard)" -ge $acked

# --- rebondctl on the full disk ------------------------------------------

# The failed batch grew data.mdb before the disk filled: small writes may
# still find room in it, or in the pages LMDB frees.  Each either works
# or fails with the same error.
i=0
while [ $i -lt 30 ]; do
	"$CTL" -d "$STATE" add rdom "full$i.example" --reason hard \
	    2>"$T/add.err" || break
	i=$((i + 1))
done
added=$i
echo "# then rebondctl add made $added listings"
if [ $added -lt 30 ]; then
	ok "rebondctl add fails with the same clear error" clear_error "$T/add.err"
	ok "... and says the command failed" grep -q "add: no space left" "$T/add.err"
fi
# A large import cannot fit.
awk 'BEGIN { for (i = 0; i < 30000; i++) printf "imp%d.example\n", i }' \
    > "$T/import.dnset"
"$CTL" -d "$STATE" import rdom "$T/import.dnset" 2>"$T/import.err"
st=$?
cat "$T/import.err"
ok "rebondctl import fails on the full disk" test $st -ne 0
ok "... with the same clear error" clear_error "$T/import.err"
imported=$(sed -n 's/.*no space left.*(\([0-9]*\) entries imported before.*/\1/p' "$T/import.err")
ok "... saying how many entries were imported before" test -n "$imported"
ok "... which are exactly those in the store" sh -c \
    "test \$('$CTL' -d '$STATE' list rdom | grep -c '^rdom imp') -eq ${imported:-x}"

# --- the store is whole ---------------------------------------------------

ok "the store opens and lists every listing made (rebondctl list)" sh -c \
    "test \$('$CTL' -d '$STATE' list rdom | grep -c '^rdom full') -eq $added"
ok "rebondctl stats reads it" test "$(count hard)" -ge $acked
if command -v mdb_stat >/dev/null 2>&1; then
	ok "mdb_stat reads every database" mdb_stat -a "$STATE"
fi
ok "rebond-dnsd still answers the first listing" \
    listed "$(sha1 b0@example.com).rcpt.rebond.test"
ok "... and the listings rebondctl made" \
    listed "pre4.example.rdom.rebond.test"
[ $added -eq 0 ] || ok "... the last one too" \
    listed "full$((added - 1)).example.rdom.rebond.test"
ok "... and rebond-dnsd is still running" kill -0 "$DNSD_PID"

# --- a feeder following a log on the full disk ----------------------------

# Each failed write leaves data.mdb longer, room that smaller writes use
# later: a batch of 20000 bounces is more than the whole disk.
h0=$(count hard)
L="$T/mail.log"
fbounces 0 20000 > "$L"
"$FEEDER" -d "$STATE" --follow "$L" 2>>"$T/follow1.err" &
fp=$!
PIDS="$PIDS $fp"
ok "a following feeder says the disk is full" \
    wait_for 20 grep -q "no space left on its file system" "$T/follow1.err"
sleep 1
ok "... and keeps running, to retry" kill -0 "$fp"
ok "... says it once a minute, not at each retry" \
    test "$(grep -c 'no space left on its file system' "$T/follow1.err")" -eq 1
kill -9 "$fp"; wait "$fp" 2>/dev/null
PIDS=$(echo "$PIDS" | sed "s/ $fp//")
before=$(($(count hard) - h0))
echo "# $before of 20000 bounces written before the kill -9"
"$FEEDER" -d "$STATE" --follow "$L" 2>>"$T/follow2.err" &
fp=$!
PIDS="$PIDS $fp"
# Nothing was written: its checkpoint, if any, is before those lines.
ok "restarted on the full disk, it waits for space" \
    wait_for 20 grep -q "no space left" "$T/follow2.err"

# --- more space: writing goes on ------------------------------------------

mount -o remount,size=64m "$D"
ok "after a remount to 64 MiB, the waiting lines are written" \
    wait_for 60 sh -c "test \"\$('$CTL' -d '$STATE' stats --days 36500 --json | sed -n 's/.*\"hard\": \([0-9]*\),.*/\1/p' | head -1)\" = $((h0 + 20000))"
ok "... the feeder says it writes again" \
    wait_for 10 grep -q "data.mdb: writing again" "$T/follow2.err"
fbounces 20000 1000 >> "$L"
ok "new lines follow: every line counted exactly once" \
    wait_for 30 sh -c "test \"\$('$CTL' -d '$STATE' stats --days 36500 --json | sed -n 's/.*\"hard\": \([0-9]*\),.*/\1/p' | head -1)\" = $((h0 + 21000))"
ok "rebondctl add works again" "$CTL" -d "$STATE" add rdom after.example --reason hard
bounces 200000 2000 | "$FEEDER" -d "$STATE" --stdin 2>"$T/after.err"
ok "rebond-feeder --stdin works again" test $? -eq 0
ok "rebond-dnsd answers what was written after" sh -c \
    "dig +short +time=2 +tries=1 @127.0.0.1 -p $PORT after.example.rdom.rebond.test A | grep -qx 127.0.0.2 &&
    dig +short +time=2 +tries=1 @127.0.0.1 -p $PORT $(sha1 b200000@example.com).rcpt.rebond.test A | grep -qx 127.0.0.2"
ok "... and before" sh -c "dig +short +time=2 +tries=1 @127.0.0.1 -p $PORT \
    $(sha1 b0@example.com).rcpt.rebond.test A | grep -qx 127.0.0.2 &&
    dig +short +time=2 +tries=1 @127.0.0.1 -p $PORT \
    $(sha1 f19999@example.net).rcpt.rebond.test A | grep -qx 127.0.0.2"
sleep 0.5
ok "the bounces count 21000 followed and 2000 read since (none twice)" \
    test "$(count hard)" = $((h0 + 23000))
kill "$fp"; wait "$fp" 2>/dev/null
PIDS=$(echo "$PIDS" | sed "s/ $fp//")
ok "no sanitizer report" sh -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T'/*.err '$T/dnsd.log'"

done_testing

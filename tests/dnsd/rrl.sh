#!/bin/sh
# tests/dnsd/rrl.sh - response rate limiting of rebond-dnsd's UDP answers:
# off by default; with a low limit a burst from one source gets its
# limit answered, every second limited answer truncated (TC) and the
# rest dropped, while TCP still answers that source and another prefix
# is untouched; the prefix length decides who shares a limit; the bucket
# refills; rrl-slip 0 and 1; SIGHUP changes it all.  tests/dnsd/burst
# sends the bursts and counts the replies.
. "$srcdir/tests/lib.sh"

command -v dig >/dev/null 2>&1 || skip_all "dig is not installed"
BURST="$TOP_BUILD/tests/dnsd/burst"
CONF="$T/rebond.conf"
NAME=test.rcpt.rebond.test

is() {
	[ "$1" = "$2" ] && return 0
	printf 'got:  %s\nwant: %s\n' "$1" "$2"
	return 1
}
# within VALUE MIN MAX
within() {
	[ "$1" -ge "$2" ] && [ "$1" -le "$3" ] && return 0
	echo "$1 is not within [$2, $3]"
	return 1
}
# burst SRC COUNT: "answered truncated dropped"; the bucket refills by
# 10 a second, so the last reply is waited for 150 ms only.
burst() {
	"$BURST" "$1" 127.0.0.1 "$PORT" "$NAME" "$2" 150 |
	    awk '{ print $4, $6, $8 }'
}
# reload: HUP and wait until the log says it reloaded once more.
reload() {
	_n=$(grep -c 'SIGHUP: reloaded' "$T/dnsd.log")
	kill -HUP "$DNSD_PID"
	for _w in $(seq 1 100); do
		[ "$(grep -c 'SIGHUP: reloaded' "$T/dnsd.log")" -gt "$_n" ] &&
		    return 0
		sleep 0.05
	done
	echo "# no reload in the log"; return 1
}

# --- off by default ------------------------------------------------------

: > "$CONF"
start_dnsd -c "$CONF"
set -- $(burst 127.0.0.2 100)
ok "off by default: a burst of 100 is answered in full" is "$1 $2" "100 0"

# --- on: 10 a second, slip 2, per /24 -----------------------------------

printf '[dnsd]\nrrl-responses-per-second = 10\n' > "$CONF"
ok "SIGHUP switches it on" reload
ok "the log says how" grep -q \
    "rate limiting\|SIGHUP: reloaded $CONF: applied dnsd.rrl-responses-per-second" \
    "$T/dnsd.log"
set -- $(burst 127.0.0.2 100)
echo "# 127.0.0.2, 100 queries: answered $1, truncated $2, dropped $3"
ok "a burst of 100 gets about its 10 a second" within "$1" 10 16
ok "one limited answer in two is truncated (slip 2)" within "$2" \
    $(( (100 - $1) / 2 - 1 )) $(( (100 - $1) / 2 + 1 ))
ok "the others are dropped" is "$(( $1 + $2 + $3 ))" 100
set -- $(burst 127.0.0.3 20)
ok "another address of the same /24 shares the limit" within "$1" 0 5
ok "and gets truncated answers" within "$2" $(( (20 - $1) / 2 - 1 )) \
    $(( (20 - $1) / 2 + 1 ))
ok "the flooding prefix still gets answers over TCP" is \
    "$(dig +tcp +short +tries=1 +time=2 -b 127.0.0.2 @127.0.0.1 -p "$PORT" $NAME A)" \
    127.0.0.2
set -- $(burst 127.0.1.2 5)
ok "another /24 is not limited" is "$1 $2 $3" "5 0 0"
ok "the log names the prefix once" is \
    "$(grep -c 'rrl: limiting UDP answers to 127.0.0.0/24 (over 10 a second)' "$T/dnsd.log")" 1
sleep 1.2
set -- $(burst 127.0.0.2 5)
ok "a second later the bucket is full again" is "$1 $2 $3" "5 0 0"

# --- rrl-ipv4-prefix = 32: per address ----------------------------------

printf '[dnsd]\nrrl-responses-per-second = 10\nrrl-ipv4-prefix = 32\n' > "$CONF"
ok "SIGHUP: rrl-ipv4-prefix 32" reload
set -- $(burst 127.0.0.2 50)
ok "127.0.0.2 is limited" within "$1" 10 16
set -- $(burst 127.0.0.3 5)
ok "127.0.0.3, same /24, is not any more" is "$1 $2 $3" "5 0 0"

# --- rrl-slip 0 and 1 ---------------------------------------------------

printf '[dnsd]\nrrl-responses-per-second = 10\nrrl-slip = 0\n' > "$CONF"
ok "SIGHUP: rrl-slip 0" reload
set -- $(burst 127.0.2.2 60)
ok "slip 0: limited answers are all dropped" is "$2 $(( $1 + $3 ))" "0 60"
printf '[dnsd]\nrrl-responses-per-second = 10\nrrl-slip = 1\n' > "$CONF"
ok "SIGHUP: rrl-slip 1" reload
set -- $(burst 127.0.3.2 60)
ok "slip 1: limited answers are all truncated" is "$3 $(( $1 + $2 ))" "0 60"

# The truncated answer: the question, TC, nothing else (as small as the
# query, no amplification).  One a second: the query after a burst of 5
# is limited.
printf '[dnsd]\nrrl-responses-per-second = 1\nrrl-slip = 1\n' > "$CONF"
ok "SIGHUP: 1 a second" reload
RAWQ="$TOP_BUILD/tests/dnsd/rawq"
q='1234 0000 0001 0000 0000 0000 04 74657374 04 72637074 06 7265626f6e64 04 74657374 00 0001 0001'
"$BURST" 127.0.0.1 127.0.0.1 "$PORT" $NAME 5 50 > /dev/null
ok "a truncated answer is the header with TC and the question" sh -c \
    '"$1" udp 127.0.0.1 "$2" "$3" 1000 > "$4"; cat "$4";
    grep -qix "1234860000010000000000000474657374047263707406726562[0-9a-f]*0000010001" "$4"' \
    _ "$RAWQ" "$PORT" "$q" "$T/tc"

# --- off again ----------------------------------------------------------

: > "$CONF"
ok "SIGHUP: off again" reload
set -- $(burst 127.0.0.2 100)
ok "everything answered" is "$1 $2" "100 0"
ok "no sanitizer report" sh -c '! grep -q Sanitizer "$1"' _ "$T/dnsd.log"
stop_dnsd

done_testing

#!/bin/sh
# tests/dnsd/malformed.sh - bad packets sent with rawq to a running
# rebond-dnsd over UDP and TCP: truncated, oversize labels, pointer loops,
# wrong counts and classes, garbage, answers.  Each gets FORMERR, REFUSED,
# NOTIMP or silence as it should, and the server survives all of it.
. "$srcdir/tests/lib.sh"

command -v dig >/dev/null 2>&1 || skip_all "dig is not installed"
RAWQ="$TOP_BUILD/tests/dnsd/rawq"
[ -x "$RAWQ" ] || skip_all "tests/dnsd/rawq is not built"
# rawq is run a hundred times: spare it the leak check at each exit.
rawq() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$RAWQ" "$@"; }

NO_V6=1 start_dnsd

# hex STRING: the bytes of STRING as hex.
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
# wire NAME: NAME in wire form, as hex (case kept).
wire() {
	_h=
	_ifs=$IFS
	IFS=.
	for _l in $1; do
		[ -n "$_l" ] && _h="$_h$(printf '%02x' ${#_l})$(hex "$_l")"
	done
	IFS=$_ifs
	echo "${_h}00"
}
# header FLAGS QD AN NS AR (id 1234)
header() { printf '1234%04x%04x%04x%04x%04x' "$1" "$2" "$3" "$4" "$5"; }
QNAME=$(wire test.rcpt.rebond.test)
QUESTION="${QNAME}00010001"
GOOD="$(header 0 1 0 0 0)$QUESTION"
# the offset of the end of the question (header + question), in bytes
QEND=$((12 + ${#QUESTION} / 2))

OPT=00002904d0000000000000	# root, OPT, 1232, version 0, no options

# send PROTO HEX [timeout_ms [count]]: sets R (rawq's output) and RC.
send() {
	R=$(rawq "$1" 127.0.0.1 "$PORT" "$2" "${3:-1000}" ${4:-} 2>&1)
	RC=$?
}
is() {
	[ "$1" = "$2" ] && return 0
	printf 'got:  %s\nwant: %s\n' "$1" "$2"
	return 1
}
# ancount N: the reply R has N answer records.
ancount() { is "$(printf '%s\n' "$R" | head -1 | cut -c13-16)" "$(printf '%04x' "$1")"; }
# reply RCODE: R is one reply, QR set, id 1234, this rcode.
reply() {
	_r=$(printf '%s\n' "$R" | head -1)
	if [ "$RC" -ne 0 ]; then
		echo "no reply: $R (rawq exit $RC)"
		return 1
	fi
	case $_r in
	1234[89abcdef]??"$1"*) return 0 ;;
	esac
	echo "reply $_r: want id 1234, QR, rcode $1"
	return 1
}
# silence: no reply; over TCP the server may close the connection.
silence() {
	[ "$RC" -eq 2 ] && return 0
	echo "want a timeout, got: $R (rawq exit $RC)"
	return 1
}
closed() {
	[ "$RC" -eq 3 ] && return 0
	echo "want the connection closed, got: $R (rawq exit $RC)"
	return 1
}
# formerr_or_closed: what TCP garbage may get.
formerr_or_closed() {
	[ "$RC" -eq 3 ] && return 0
	reply 1
}
# an answer to garbage, if any, is an answer with the garbage's id.
sane() { # GARBAGE_HEX
	[ "$RC" -eq 2 ] || [ "$RC" -eq 3 ] && return 0
	[ "$RC" -eq 0 ] || { echo "rawq exit $RC: $R"; return 1; }
	case $(printf '%s\n' "$R" | head -1) in
	"$(printf '%s' "$1" | cut -c1-4)"[89abcdef]*) return 0 ;;
	esac
	echo "reply $R to $1: not an answer with its id"
	return 1
}

for P in udp tcp; do
	case $P in udp) V=UDP ;; tcp) V=TCP ;; esac
	send $P "$GOOD"
	ok "$V: a well-formed query is answered (NOERROR)" reply 0
	ok "$V: ... with one answer" ancount 1
	# Too short for a header.
	for n in 0 2 11; do
		send $P "$(printf '%s' "$GOOD" | head -c $((n * 2)))" 200
		if [ $P = udp ]; then
			ok "$V: $n bytes: dropped" silence
		else
			ok "$V: $n bytes: connection closed" closed
		fi
	done
	send $P "$(header 0 1 0 0 0)"
	ok "$V: header alone, QDCOUNT 1: FORMERR" reply 1
	send $P "$(header 0 1 0 0 0)04746573"
	ok "$V: qname cut inside a label: FORMERR" reply 1
	send $P "$(header 0 1 0 0 0)$QNAME"
	ok "$V: no qtype/qclass: FORMERR" reply 1
	send $P "$(header 0 1 0 0 0)${QNAME}0001"
	ok "$V: no qclass: FORMERR" reply 1
	send $P "$(header 0 1 0 0 0)c00c00010001"
	ok "$V: qname is a pointer to itself: FORMERR" reply 1
	send $P "$(header 0 1 0 0 0)0474657374c01200010001"
	ok "$V: qname ends in a compression pointer: FORMERR" reply 1
	# Oversize label bytes: 0x40 (extended label), 0x7f, 0xbf, 0xff.
	for b in 40 7f bf ff; do
		send $P "$(header 0 1 0 0 0)${b}$(hex aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)0000010001"
		ok "$V: label byte 0x$b: FORMERR" reply 1
	done
	send $P "$(header 0 1 0 0 0)3f$(hex aaaa)00010001"
	ok "$V: label of 63 with 6 bytes left: FORMERR" reply 1
	L63=3f$(hex aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)
	send $P "$(header 0 1 0 0 0)$L63$L63$L63$L63${QNAME}00010001"
	ok "$V: name of 279 bytes: FORMERR" reply 1
	# Counts.
	send $P "$(header 0 0 0 0 0)"
	ok "$V: QDCOUNT 0: FORMERR" reply 1
	send $P "$(header 0 2 0 0 0)$QUESTION$QUESTION"
	ok "$V: QDCOUNT 2: FORMERR" reply 1
	send $P "$(header 0 65535 0 0 0)$QUESTION"
	ok "$V: QDCOUNT 65535: FORMERR" reply 1
	send $P "$(header 0 1 1 0 0)$QUESTION"
	ok "$V: ANCOUNT 1 in a query, no record: FORMERR" reply 1
	send $P "$(header 0 1 0 0 3)$QUESTION"
	ok "$V: ARCOUNT 3, no record: FORMERR" reply 1
	send $P "${GOOD}00"
	ok "$V: a trailing byte: FORMERR" reply 1
	# Additional section with pointer loops.
	send $P "$(header 0 1 0 0 1)${QUESTION}$(printf 'c0%02x' $QEND)000100010000000000000"
	ok "$V: odd hex length refused by rawq" sh -c '[ "$1" -eq 1 ]' - $RC
	send $P "$(header 0 1 0 0 1)${QUESTION}$(printf 'c0%02x' $QEND)00010001000000000000"
	ok "$V: additional record named by a pointer loop: answered" reply 0
	send $P "$(header 0 1 0 0 1)${QUESTION}$(printf 'c0%02x' $QEND)002904d0000000000000"
	ok "$V: OPT named by a pointer loop: FORMERR" reply 1
	send $P "$(header 0 1 0 0 1)${QUESTION}$OPT"
	ok "$V: EDNS query: NOERROR" reply 0
	ok "$V: ... the answer ends with our OPT" sh -c \
	    'printf "%s" "$1" | grep -q "00002904d0000000000000\$"' - "$R"
	send $P "$(header 0 1 0 0 2)${QUESTION}$OPT$OPT"
	ok "$V: two OPT records: FORMERR" reply 1
	send $P "$(header 0 1 0 0 1)${QUESTION}00002904d00000000000ff"
	ok "$V: OPT rdlength past the end: FORMERR" reply 1
	send $P "$(header 0 1 0 0 1)${QUESTION}00002904d0000100000000"
	ok "$V: EDNS version 1: BADVERS (rcode 0 + OPT extended 1)" reply 0
	ok "$V: ... extended rcode 1 in the OPT" sh -c \
	    'printf "%s" "$1" | grep -q "00002904d0010000000000\$"' - "$R"
	# Classes.
	for c in 0003:CH 0004:HS 00fe:NONE 00ff:ANY 0000:0; do
		send $P "$(header 0 1 0 0 0)${QNAME}0001${c%%:*}"
		ok "$V: class ${c#*:}: REFUSED" reply 5
	done
	# Opcodes.
	send $P "$(header 0x2000 1 0 0 0)$QUESTION"
	ok "$V: opcode NOTIFY: NOTIMP" reply 4
	send $P "$(header 0x2800 1 0 0 0)$QUESTION"
	ok "$V: opcode UPDATE: NOTIMP" reply 4
	send $P "$(header 0x7800 1 0 0 0)$QUESTION"
	ok "$V: opcode 15: NOTIMP" reply 4
	# Answers are never answered.
	send $P "$(header 0x8400 1 0 0 0)$QUESTION" 200
	if [ $P = udp ]; then
		ok "$V: an answer (QR=1): dropped" silence
	else
		ok "$V: an answer (QR=1): connection closed" closed
	fi
	send $P "$(header 0x8000 0 0 0 0)" 200
	if [ $P = udp ]; then
		ok "$V: an empty answer (QR=1, QDCOUNT 0): dropped" silence
	else
		ok "$V: an empty answer: connection closed" closed
	fi
	# Garbage: deterministic bytes of many lengths.
	bad=0
	for i in $(seq 1 24); do
		g=
		for j in $(seq 0 $((i % 6))); do
			g="$g$(printf 'garbage %d %d' "$i" "$j" | sha1sum | cut -c1-40)"
		done
		g=$(printf '%s' "$g" | cut -c1-$(((i * 13 % 97 + 2) * 2)))
		send $P "$g" 100
		sane "$g" >>"$T/garbage.log" || bad=$((bad + 1))
	done
	ok "$V: 24 garbage packets: silence or a well-formed answer ($bad bad)" \
	    test "$bad" -eq 0
	send $P "$GOOD"
	ok "$V: after all of it, still answering" reply 0
done

# UDP only: a datagram larger than the 4096-byte buffer.
BIG=$(head -c 5000 /dev/zero | od -An -v -tx1 | tr -d ' \n')
send udp "$GOOD$BIG" 200
ok "UDP: 5 kB datagram: dropped" silence
send udp "$GOOD"
ok "UDP: answering after the big datagram" reply 0

# TCP only: framing.
send tcpraw "0000" 200
ok "TCP: zero-length message: connection closed" closed
send tcpraw "ffff$(hex garbage)" 200
ok "TCP: length 65535 and 7 bytes: the server waits (timeout)" silence
send tcpraw "0005$(hex garbage)" 200
ok "TCP: length 5, garbage: closed" closed
G=$(printf '%04x' $((${#GOOD} / 2)))$GOOD
F=$(printf '%04x' $((${#GOOD} / 2 + 1)))${GOOD}00
A=$(printf '%04x' $((${#GOOD} / 2)))$(header 0x8000 1 0 0 0)$QUESTION
send tcpraw "$G$F$G" 1000 3
ok "TCP: three pipelined queries: three answers" \
    test "$RC" -eq 0 -a "$(printf '%s\n' "$R" | wc -l)" -eq 3
ok "TCP: ... NOERROR, FORMERR, NOERROR" \
    test "$(printf '%s\n' "$R" | cut -c8 | tr -d '\n')" = 010
send tcpraw "$G$A$G" 1000 3
ok "TCP: query, answer, query: the first is answered, then closed" \
    is "$(printf '%s\n' "$R" | cut -c1-8 | tr '\n' ' ')" "12348400 closed "
send tcpraw "$(printf '%s' "$G" | cut -c1-20)" 200
ok "TCP: half a message: the server waits (timeout)" silence
i=0
pids=
while [ $i -lt 40 ]; do
	rawq tcpraw 127.0.0.1 "$PORT" "0030$(hex garbage)" 50 >/dev/null 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
wait $pids	# not a bare wait: rebond-dnsd is a child too
send tcp "$GOOD"
ok "TCP: after 40 aborted half messages, a new connection is served" reply 0

# The server is alive and well.
ok "dig still gets answers" \
    is "$(q test.rcpt.rebond.test A +short)" 127.0.0.2
ok "dig over TCP too" \
    is "$(q test.rcpt.rebond.test A +short +tcp)" 127.0.0.2
ok "the process is still alive" kill -0 "$DNSD_PID"
kill "$DNSD_PID"
wait "$DNSD_PID"
rc=$?
PIDS=
ok "it stops cleanly on SIGTERM (exit $rc)" test "$rc" -eq 0
ok "no sanitizer report" sh -c \
    '! grep -E "Sanitizer|runtime error" "$1"' - "$T/dnsd.log"

done_testing

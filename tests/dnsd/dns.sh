#!/bin/sh
# tests/dnsd/dns.sh - the real rebond-dnsd, asked with dig over UDP and
# TCP: every kind of answer, ACL, EDNS, case, TC and TCP fallback, IPv6,
# several listeners, a UDP flood beside TCP, and startup errors.
. "$srcdir/tests/lib.sh"

command -v dig >/dev/null 2>&1 || skip_all "dig is not installed"

HAVE_V6=	# NO_V6=1 skips IPv6, as in start_dnsd
if [ -z "${NO_V6:-}" ] && ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then
	HAVE_V6=1
fi

# serve [ARGS...]: start rebond-dnsd on a free port of 127.0.0.1,
# 127.0.0.2 and ::1 (when configured) and wait until it answers anything,
# even REFUSED.  Sets PORT and DNSD_PID like start_dnsd.
serve() {
	for _try in 1 2 3 4 5 6 7 8 9 10; do
		PORT=$((20000 + ($$ * 13 + _try * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 12000))
		_v6=
		[ -n "$HAVE_V6" ] && _v6="-l [::1]:$PORT"
		"$DNSD" -f -d "$STATE" -l "127.0.0.1:$PORT" \
		    -l "127.0.0.2:$PORT" $_v6 "$@" 2>>"$T/dnsd.log" &
		DNSD_PID=$!
		for _w in $(seq 1 50); do
			kill -0 "$DNSD_PID" 2>/dev/null || break
			if dig +time=1 +tries=1 @127.0.0.2 -p "$PORT" \
			    test.rcpt.rebond.test A 2>/dev/null |
			    grep -q 'status: '; then
				PIDS="$PIDS $DNSD_PID"
				return 0
			fi
			sleep 0.1
		done
		kill "$DNSD_PID" 2>/dev/null
		wait "$DNSD_PID" 2>/dev/null
	done
	echo "# could not start rebond-dnsd:"; sed 's/^/#   /' "$T/dnsd.log"
	exit 1
}

# Checks, for ok.  is GOT WANT; has TEXT PATTERN (grep -E).
is() {
	[ "$1" = "$2" ] && return 0
	printf 'got:  %s\nwant: %s\n' "$1" "$2"
	return 1
}
has() {
	printf '%s\n' "$1" | grep -Eq -- "$2" && return 0
	printf 'no /%s/ in:\n%s\n' "$2" "$1"
	return 1
}
hasnt() {
	printf '%s\n' "$1" | grep -Eq -- "$2" || return 0
	printf 'unexpected /%s/ in:\n%s\n' "$2" "$1"
	return 1
}

# Views of dig's answer.  NAME TYPE [dig options...] each.
rcode() { q "$@" +noall +comments | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'; }
flags() { q "$@" +noall +comments | sed -n 's/.*flags: \([a-z ]*\);.*/\1/p'; }
short() { q "$@" +short | sort | tr '\n' ' ' | sed 's/ $//'; }
# records SECTION NAME TYPE [opts]: the records of one section, one a
# line, without TTL, blanks squeezed.
records() {
	_s=$1; shift
	q "$@" +noall "+$_s" +nottlid | awk '{ $1 = $1; print }'
}

H=$(sha1 user@example.com)
H2=$(sha1 two@example.com)
HS=$(sha1 sender@example.net)
HU=$(echo "$H" | tr a-f A-F)

ok "sha1 of user@example.com is the published vector" \
    is "$H" 63a710569261a24b3766275b7000ce8d7b32e2f7
ok "rebondctl add rcpt (hard, 5.1.1)" \
    ctl add rcpt user@example.com --reason hard --status 5.1.1
ok "rebondctl add rcpt, two reasons" sh -c \
    "'$CTL' -d '$STATE' add rcpt two@example.com --reason hard &&
     '$CTL' -d '$STATE' add rcpt two@example.com --reason complaint"
ok "rebondctl add rdom example.org" ctl add rdom example.org
ok "rebondctl add sdom bulk.example --reason spam" \
    ctl add sdom bulk.example --reason spam
ok "rebondctl add sndr sender@example.net --reason complaint" \
    ctl add sndr sender@example.net --reason complaint

serve

for P in +notcp +tcp; do
	case $P in +tcp) V=TCP ;; *) V=UDP ;; esac
	ok "$V: listed recipient hash: A 127.0.0.2" \
	    is "$(short "$H.rcpt.rebond.test" A $P)" 127.0.0.2
	ok "$V: listed recipient hash: TXT explains it" \
	    has "$(short "$H.rcpt.rebond.test" TXT $P)" \
	    '^"127\.0\.0\.2 does not exist \(hard bounce\) 5\.1\.1; first [0-9-]+, last [0-9-]+; 1 relay"$'
	ok "$V: authoritative answer: flags qr aa, no ra" \
	    is "$(flags "$H.rcpt.rebond.test" A $P)" "qr aa"
	ok "$V: RD is echoed, RA still clear" \
	    is "$(flags "$H.rcpt.rebond.test" A $P +rec)" "qr aa rd"
	ok "$V: two reasons: two A records" \
	    is "$(short "$H2.rcpt.rebond.test" A $P)" "127.0.0.2 127.0.0.5"
	ok "$V: two reasons: one TXT" \
	    is "$(q "$H2.rcpt.rebond.test" TXT $P +short | wc -l | tr -d ' ')" 1
	ok "$V: rdom example.org: 127.0.0.10" \
	    is "$(short example.org.rdom.rebond.test A $P)" 127.0.0.10
	ok "$V: sdom bulk.example: 127.0.0.6" \
	    is "$(short bulk.example.sdom.rebond.test A $P)" 127.0.0.6
	ok "$V: sndr hashed sender: 127.0.0.3" \
	    is "$(short "$HS.sndr.rebond.test" A $P)" 127.0.0.3
	for z in rcpt rdom sdom sndr; do
		ok "$V: test.$z.rebond.test: 127.0.0.2" \
		    is "$(short test.$z.rebond.test A $P)" 127.0.0.2
		ok "$V: invalid.$z.rebond.test: NXDOMAIN" \
		    is "$(rcode invalid.$z.rebond.test A $P)" NXDOMAIN
	done
	ok "$V: NXDOMAIN: empty answer section" \
	    is "$(records answer invalid.rcpt.rebond.test A $P)" ""
	ok "$V: NXDOMAIN: apex SOA in the authority section" \
	    has "$(records authority invalid.rcpt.rebond.test A $P)" \
	    '^rcpt\.rebond\.test\. IN SOA localhost\. hostmaster\.localhost\. [0-9]+ 3600 600 604800 60$'
	ok "$V: NXDOMAIN: aa set" \
	    is "$(flags invalid.rcpt.rebond.test A $P)" "qr aa"
	ok "$V: unlisted hash: NXDOMAIN" \
	    is "$(rcode "$(sha1 nobody@example.com).rcpt.rebond.test" A $P)" \
	    NXDOMAIN
	# NODATA: NOERROR, nothing in answer, SOA in authority.
	for n in "org.rdom.rebond.test A" "example.sdom.rebond.test TXT" \
	    "rdom.rebond.test A" "$H.rcpt.rebond.test MX" \
	    "example.org.rdom.rebond.test AAAA"; do
		set -- $n
		ok "$V: NODATA for $1 $2: NOERROR" is "$(rcode $1 $2 $P)" NOERROR
		ok "$V: NODATA for $1 $2: no answer" \
		    is "$(records answer $1 $2 $P)" ""
		ok "$V: NODATA for $1 $2: SOA in authority" \
		    has "$(records authority $1 $2 $P)" \
		    '^(rcpt|rdom|sdom)\.rebond\.test\. IN SOA localhost\. '
	done
	ok "$V: apex SOA" has "$(short rcpt.rebond.test SOA $P)" \
	    '^localhost\. hostmaster\.localhost\. [0-9]+ 3600 600 604800 60$'
	ok "$V: apex NS" is "$(short sndr.rebond.test NS $P)" localhost.
	ok "$V: apex NS is authoritative" \
	    is "$(flags sndr.rebond.test NS $P)" "qr aa"
	ok "$V: ANY: minimal, the A RRset alone" \
	    is "$(records answer "$H2.rcpt.rebond.test" ANY $P | awk '{ print $3 }' | sort -u)" A
	ok "$V: outside our zones: REFUSED" \
	    is "$(rcode www.example.com A $P)" REFUSED
	ok "$V: REFUSED without aa" is "$(flags www.example.com A $P)" qr
	ok "$V: the origin is not served: REFUSED" \
	    is "$(rcode rebond.test SOA $P)" REFUSED
	ok "$V: class CH: REFUSED" \
	    is "$(rcode test.rcpt.rebond.test A -c CH $P)" REFUSED
	ok "$V: EDNS answered with OPT" \
	    has "$(q test.rcpt.rebond.test A $P)" '^; EDNS: version: 0, flags:; udp: 1232$'
	ok "$V: +noedns: no OPT, still answered" sh -c '
	    out=$1
	    echo "$out" | grep -q "127\.0\.0\.2$" &&
	    ! echo "$out" | grep -q "OPT PSEUDOSECTION"' - \
	    "$(q test.rcpt.rebond.test A +noedns $P)"
	ok "$V: EDNS version 1: BADVERS" \
	    is "$(rcode test.rcpt.rebond.test A +edns=1 +noednsneg $P)" BADVERS
	ok "$V: question case preserved" \
	    is "$(records question TeSt.RcPt.ReBoNd.TeSt A $P)" \
	    ";TeSt.RcPt.ReBoNd.TeSt. IN A"
	ok "$V: answer owner in the question's case" \
	    is "$(records answer TeSt.RcPt.ReBoNd.TeSt A $P)" \
	    "TeSt.RcPt.ReBoNd.TeSt. IN A 127.0.0.2"
	ok "$V: SOA owner in the question's case" \
	    has "$(records authority NoNe.RdOm.rebond.TEST A $P)" \
	    '^RdOm\.rebond\.TEST\. IN SOA '
	ok "$V: Exim-style upper-case SHA-1 label" \
	    is "$(short "$HU.rcpt.rebond.test" A $P)" 127.0.0.2
	ok "$V: upper-case label kept in the answer" \
	    is "$(records answer "$HU.rcpt.rebond.test" A $P)" \
	    "$HU.rcpt.rebond.test. IN A 127.0.0.2"
	ok "$V: listener 127.0.0.2 answers" sh -c \
	    '[ "$(dig +short +time=2 +tries=1 @127.0.0.2 -p "$1" "$2" test.sdom.rebond.test A)" = 127.0.0.2 ]' \
	    - "$PORT" "$P"
	if [ -n "$HAVE_V6" ]; then
		ok "$V: IPv6 listener [::1] answers" sh -c \
		    '[ "$(dig +short +time=2 +tries=1 @::1 -p "$1" "$2" test.rdom.rebond.test A)" = 127.0.0.2 ]' \
		    - "$PORT" "$P"
		ok "$V: IPv6: NXDOMAIN" sh -c \
		    'dig +time=2 +tries=1 @::1 -p "$1" "$2" invalid.rdom.rebond.test A | grep -q "status: NXDOMAIN"' \
		    - "$PORT" "$P"
	else
		ok "$V: IPv6 listener # SKIP ::1 is not configured on lo" true
		ok "$V: IPv6: NXDOMAIN # SKIP ::1 is not configured on lo" true
	fi
done

# Writes are seen by the next query, with no reload.
N=$(sha1 new@example.com)
serial0=$(short rcpt.rebond.test SOA | awk '{ print $3 }')
ok "new address: NXDOMAIN before" is "$(rcode "$N.rcpt.rebond.test" A)" NXDOMAIN
ok "rebondctl add new@example.com" ctl add rcpt new@example.com --reason recent
ok "listed on the very next query (UDP)" \
    is "$(short "$N.rcpt.rebond.test" A)" 127.0.0.4
ok "listed on the very next query (TCP)" \
    is "$(short "$N.rcpt.rebond.test" A +tcp)" 127.0.0.4
serial1=$(short rcpt.rebond.test SOA | awk '{ print $3 }')
ok "SOA serial grows with the write ($serial0 -> $serial1)" \
    test "$serial1" -gt "$serial0"
ok "rebondctl del" ctl del rcpt new@example.com
ok "deleted: NXDOMAIN on the next query" \
    is "$(rcode "$N.rcpt.rebond.test" A)" NXDOMAIN
ok "rebondctl add rdom a.b.example.com" ctl add rdom a.b.example.com
ok "new empty non-terminal b.example.com: NODATA" \
    is "$(rcode b.example.com.rdom.rebond.test A)/$(records answer b.example.com.rdom.rebond.test A)" NOERROR/
ok "rebondctl del rdom a.b.example.com" ctl del rdom a.b.example.com
ok "its empty non-terminals are gone: NXDOMAIN" \
    is "$(rcode b.example.com.rdom.rebond.test A)" NXDOMAIN

# A UDP flood must not starve TCP.
printf '%s\n' "test.rcpt.rebond.test A" "$H.rcpt.rebond.test A" \
    "invalid.rdom.rebond.test A" "$H.rcpt.rebond.test TXT" \
    "org.rdom.rebond.test A" "www.example.com A" >"$T/queries"
if command -v dnsperf >/dev/null 2>&1; then
	dnsperf -s 127.0.0.1 -p "$PORT" -d "$T/queries" -l 4 -c 4 -q 500 \
	    -t 1 >"$T/dnsperf.out" 2>&1 &
	FLOOD=$!
else
	(
		end=$(($(date +%s) + 4))
		while [ "$(date +%s)" -lt "$end" ]; do
			for i in 1 2 3 4 5 6 7 8; do
				dig +time=1 +tries=1 @127.0.0.1 -p "$PORT" \
				    test.rcpt.rebond.test A >/dev/null &
			done
			wait
		done
	) >/dev/null 2>&1 &
	FLOOD=$!
fi
sleep 1
tcp_ok=0
for i in 1 2 3 4 5; do
	if [ "$(dig +tcp +short +time=2 +tries=1 @127.0.0.1 -p "$PORT" "$H.rcpt.rebond.test" A)" = 127.0.0.2 ]; then
		tcp_ok=$((tcp_ok + 1))
	fi
done
ok "during a UDP flood, TCP queries are answered within 2 s ($tcp_ok/5)" \
    test "$tcp_ok" -eq 5
wait "$FLOOD"
if [ -f "$T/dnsperf.out" ]; then
	ok "the flood was answered (dnsperf)" sh -c \
	    'grep -E "Queries completed: +[1-9][0-9]* " "$1"' - "$T/dnsperf.out"
fi
ok "after the flood: still answering" \
    is "$(short test.rcpt.rebond.test A)" 127.0.0.2

stop_dnsd

# TC over UDP, retry over TCP: ten long NS names make the NS answer of
# an apex about 900 bytes.  TCP limits are small here, tested below.
{
	echo "[zones]"
	for i in 0 1 2 3 4 5 6 7 8 9; do
		echo "ns = ns$i-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.net"
	done
	printf '[dnsd]\ntcp-timeout = 1s\ntcp-clients = 2\n'
} >"$T/tc.conf"
serve -c "$T/tc.conf"
out=$(q rdom.rebond.test NS +noedns +ignore +notcp)
ok "no EDNS, 900-byte answer over UDP: tc flag" \
    has "$out" '^;; flags: [a-z ]*tc[a-z ]*;'
ok "TC answer: no answer records" has "$out" 'ANSWER: 0,'
out=$(q rdom.rebond.test NS +noedns)
ok "dig falls back to TCP" has "$out" 'Truncated, retrying in TCP mode'
ok "over TCP: all ten NS records" \
    is "$(printf '%s\n' "$out" | grep -c 'IN	NS	ns[0-9]-a')" 10
ok "with EDNS (1232) it fits over UDP: no tc" \
    has "$(q rdom.rebond.test NS +notcp +ignore)" '^;; flags: qr aa; .*ANSWER: 10,'
ok "SOA MNAME is the first NS" \
    has "$(short rdom.rebond.test SOA)" '^ns0-a+\.example\.net\. '

# tcp-timeout = 1s: a client that sends half a message is dropped.
RAWQ="$TOP_BUILD/tests/dnsd/rawq"
start=$(date +%s)
out=$("$RAWQ" tcpraw 127.0.0.1 "$PORT" 0030123456 5000)
took=$(($(date +%s) - start))
ok "tcp-timeout 1s: a stalled client is closed ($out after ${took}s)" \
    test "$out" = closed -a "$took" -le 3
# tcp-clients = 2: a third connection is closed at once; the two are
# still served.
"$RAWQ" tcpraw 127.0.0.1 "$PORT" 0030 700 >/dev/null 2>&1 & c1=$!
"$RAWQ" tcpraw 127.0.0.1 "$PORT" 0030 700 >/dev/null 2>&1 & c2=$!
sleep 0.3
Q=12340000000100000000000004746573740472637074067265626f6e6404746573740000010001
ok "tcp-clients 2: a third connection is closed" \
    is "$("$RAWQ" tcp 127.0.0.1 "$PORT" "$Q" 500)" closed
wait $c1 $c2
ok "tcp-clients 2: served again once they are gone" \
    is "$(short test.rcpt.rebond.test A +tcp)" 127.0.0.2
kill -USR1 "$DNSD_PID"
sleep 0.3
ok "SIGUSR1 logs the counters" \
    grep -Eq 'queries [1-9][0-9]* dropped [0-9]+ truncated [1-9]' "$T/dnsd.log"
stop_dnsd

# ACL: only 127.0.0.2 may ask.
printf '[dnsd]\nacl = 127.0.0.2/32\n' >"$T/acl.conf"
serve -c "$T/acl.conf"
for P in +notcp +tcp; do
	case $P in +tcp) V=TCP ;; *) V=UDP ;; esac
	ok "$V ACL: from 127.0.0.1: REFUSED" \
	    is "$(rcode test.rcpt.rebond.test A $P)" REFUSED
	ok "$V ACL: REFUSED without aa" \
	    is "$(flags test.rcpt.rebond.test A $P)" qr
	ok "$V ACL: from 127.0.0.2 (dig -b): answered" \
	    is "$(short "$H.rcpt.rebond.test" A -b 127.0.0.2 $P)" 127.0.0.2
	if [ -n "$HAVE_V6" ]; then
		ok "$V ACL: from ::1: REFUSED" sh -c \
		    'dig +time=2 +tries=1 @::1 -p "$1" "$2" test.rcpt.rebond.test A | grep -q "status: REFUSED"' \
		    - "$PORT" "$P"
	else
		ok "$V ACL: from ::1 # SKIP ::1 is not configured on lo" true
	fi
done
stop_dnsd
ok "dnsd exited cleanly, no sanitizer report" sh -c \
    '! grep -E "Sanitizer|runtime error" "$1"' - "$T/dnsd.log"

# Startup errors: clear message, non-zero exit, no crash.
mkdir -p "$T/bad"
yes "this is not an LMDB file" | head -c 65536 >"$T/bad/data.mdb"
cp "$T/bad/data.mdb" "$T/bad.copy"
timeout 20 "$DNSD" -f -d "$T/bad" -l "127.0.0.1:$PORT" >"$T/err" 2>&1
rc=$?
ok "corrupt data.mdb: exits non-zero (status $rc)" \
    test "$rc" -ne 0 -a "$rc" -lt 124
ok "corrupt data.mdb: the message names the file" \
    has "$(cat "$T/err")" 'data\.mdb.*(damaged|not an LMDB)'
ok "corrupt data.mdb: no sanitizer report" \
    hasnt "$(cat "$T/err")" 'Sanitizer|runtime error'
ok "corrupt data.mdb: left as it was" cmp "$T/bad/data.mdb" "$T/bad.copy"

printf '[dnsd]\ntcp-timeout = 5s\nbogus = 1\n' >"$T/bad1.conf"
"$DNSD" -f -c "$T/bad1.conf" -d "$STATE" -l "127.0.0.1:$PORT" >"$T/err" 2>&1
rc=$?
ok "unknown option: exits non-zero" test "$rc" -ne 0 -a "$rc" -lt 124
ok "unknown option: FILE:LINE: reason" \
    has "$(cat "$T/err")" "^rebond-dnsd: $T/bad1.conf:3: unknown option 'bogus' in \\[dnsd\\]\$"
printf '[dnsd]\n\ntcp-timeout = soon\n' >"$T/bad2.conf"
"$DNSD" -f -c "$T/bad2.conf" -d "$STATE" -l "127.0.0.1:$PORT" >"$T/err" 2>&1
rc=$?
ok "bad value: exits non-zero" test "$rc" -ne 0 -a "$rc" -lt 124
ok "bad value: FILE:LINE: reason" \
    has "$(cat "$T/err")" "^rebond-dnsd: $T/bad2.conf:3: tcp-timeout: expected a duration"
"$DNSD" -n -c "$T/bad2.conf" >"$T/err" 2>&1
ok "-n on a bad file: non-zero, FILE:LINE" sh -c \
    '[ "$1" -ne 0 ] && grep -q "bad2.conf:3: " "$2"' - $? "$T/err"
printf '[dnsd]\nacl = 127.0.0.2/32\nacl = not-a-prefix\n' >"$T/bad3.conf"
"$DNSD" -f -c "$T/bad3.conf" -d "$STATE" -l "127.0.0.1:$PORT" >"$T/err" 2>&1
rc=$?
ok "bad acl: exits non-zero" test "$rc" -ne 0 -a "$rc" -lt 124
ok "bad acl: names the file and the value" \
    has "$(cat "$T/err")" "$T/bad3.conf: acl: 'not-a-prefix' is not an address prefix"
"$DNSD" -n -c "$T/bad3.conf" >"$T/err" 2>&1
ok "-n on a bad acl: non-zero" sh -c '[ "$1" -ne 0 ]' - $?
"$DNSD" -n -c "$T/acl.conf" >"$T/err" 2>&1
ok "-n on a good file: configuration OK" sh -c \
    '[ "$1" -eq 0 ] && grep -q "configuration OK" "$2"' - $? "$T/err"
"$DNSD" -f -d "$STATE" -l "nonsense" >"$T/err" 2>&1
ok "bad -l: non-zero with a message" sh -c \
    '[ "$1" -ne 0 ] && grep -q "nonsense" "$2"' - $? "$T/err"

# SIGHUP (a reload, logrotate) must not stop the server.
start_dnsd
kill -HUP "$DNSD_PID"
sleep 0.3
ok "SIGHUP: still running and answering" sh -c \
    "kill -0 $DNSD_PID && dig +short +time=2 +tries=1 @127.0.0.1 -p $PORT test.rcpt.rebond.test A | grep -q 127.0.0.2"
ok "SIGHUP: says what it reloaded" grep -q \
    "SIGHUP: reloaded the embedded defaults: no change to apply" "$T/dnsd.log"

done_testing

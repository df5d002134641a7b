#!/bin/sh
# rebondctl check-domain: SPF, DKIM and DMARC findings for test domains
# served by a local unbound (local-data only: nothing leaves loopback).
# Each check compares the exact finding codes of one part (spf-, dkim-,
# dmarc-, align-) and the exit status.
. "$srcdir/tests/lib.sh"
LC_ALL=C
export LC_ALL

command -v unbound >/dev/null 2>&1 || skip_all "unbound not installed"

K2048A='MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsh+h6hxABSTTyVmL6Z56krK0g8CO/PWTC5BSZBSYhn0Yq5Pb3pXwJ6AV3hgUdrpvEuG3LCqKK1CdjsOnG9Ix1UQme//+YfmSRPJuP8NPG3dY5RGma4nxhoFVB5q3wP/vtt3X2jDWE9+W0bY3N8cqu76HOn98'
K2048B='p+Y0solwYE6yMxQfxSwbvrYfJm0ECUJapgeReJy/Tu4t9LPzyPcZFwLWtHO950m+PIrO7vAY/KOff69ti8txeTacYS3kGUdIXK0tv4Fxrk11/WySCkjz6eeK+gPPF5xpWGOkpV54uqI4lQuXMPxjw59ccG2LwpdTQKMjZjEYFmJLKtmrwq/Zb43QgQIDAQAB'
K1024='MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDTs4jiE4ZyJX9lGRcrs6yTqXgA92Pf/+moZ/xP915kG7NYFYE8fBfAHv2iNI+dPhsVnLVp3X/xpvcQfke8gY2urMtkEKwaQpsbB+ctTYmcQveo5Wkp5thDGkGfwntHFBpcU5H8chIhxrG+fZHzHV6adqUMiau5QEEA0yYRV9DMCQIDAQAB'
K512='MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBALkxvC+jwxqrzEhSsuhJdbYCtAZ0JJQS7wH+L82KT8f8rsRolwz3v1mxwgMPJjCFfccmsjDAsEg6eh/uvE9L3HECAwEAAQ=='
KED='/yOiig2muyt5cIVn3iXgtAtT7FucjU/JwasZC6SL6qY='

zone() {
	cat <<EOZ
	local-zone: "." static
	local-data: 'good.test. TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.provider.test ~all"'
	local-data: '_spf.provider.test. TXT "v=spf1 ip4:198.51.100.0/24 ip6:2001:db8::/32 -all"'
	local-data: 'mail._domainkey.good.test. TXT "v=DKIM1; k=rsa; p=$K2048A" "$K2048B"'
	local-data: 'ed._domainkey.good.test. TXT "v=DKIM1; k=ed25519; p=$KED"'
	local-data: '_dmarc.good.test. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@good.test"'
	local-data: 'two.test. TXT "v=spf1 ip4:192.0.2.1 ~all"'
	local-data: 'two.test. TXT "v=spf1 ip4:192.0.2.2 ~all"'
	local-data: 'many.test. TXT "v=spf1 include:c1.many.test include:c2.many.test include:c3.many.test include:c4.many.test ~all"'
	local-data: 'c1.many.test. TXT "v=spf1 a:h.many.test mx:many.test ip4:192.0.2.1 ~all"'
	local-data: 'c2.many.test. TXT "v=spf1 a:h.many.test mx:many.test ip4:192.0.2.2 ~all"'
	local-data: 'c3.many.test. TXT "v=spf1 a:h.many.test mx:many.test ip4:192.0.2.3 ~all"'
	local-data: 'c4.many.test. TXT "v=spf1 a:h.many.test mx:many.test ip4:192.0.2.4 ~all"'
	local-data: 'h.many.test. A 192.0.2.200'
	local-data: 'many.test. MX 10 h.many.test.'
	local-data: 'void.test. TXT "v=spf1 a:nx1.void.test a:nx2.void.test mx:nx3.void.test ip4:192.0.2.1 ~all"'
	local-data: 'loop.test. TXT "v=spf1 include:loop2.test ~all"'
	local-data: 'loop2.test. TXT "v=spf1 include:loop.test ~all"'
	local-data: 'notauth.test. TXT "v=spf1 ip4:203.0.113.5 -all"'
	local-data: 'plusall.test. TXT "v=spf1 +all"'
	local-data: 'hostip.test. TXT "v=spf1 a:192.0.2.7 ~all"'
	local-data: 'lead.test. TXT " v=spf1 ip4:192.0.2.1 ~all"'
	local-data: 'quote.test. TXT "\"v=spf1 ip4:192.0.2.1 ~all\""'
	local-data: 'nospf.test. TXT "hello"'
	local-data: 'syntax.test. TXT "v=spf1 ip4:192.0.2.300 ipv4:192.0.2.1 ip4:192.0.2.0/33 ~all"'
	local-data: 'missing.test. TXT "v=spf1 include:nospf.test ~all"'
	local-data: 'macro.test. TXT "v=spf1 exists:%{i}.bl.macro.test ~all"'
	local-data: 'split.test. TXT "v=spf1 ip4:192.0.2.1 " "ip4:192.0.2.2 ~all"'
	local-data: 'dkim.test. TXT "v=spf1 -all"'
	local-data: 'revoked._domainkey.dkim.test. TXT "v=DKIM1; k=rsa; p="'
	local-data: 'short._domainkey.dkim.test. TXT "v=DKIM1; k=rsa; p=$K1024"'
	local-data: 'weak._domainkey.dkim.test. TXT "v=DKIM1; p=$K512"'
	local-data: 'test._domainkey.dkim.test. TXT "v=DKIM1; t=y; p=$K2048A" "$K2048B"'
	local-data: 'pnone.test. TXT "v=spf1 ip4:192.0.2.1 ~all"'
	local-data: '_dmarc.pnone.test. TXT "v=DMARC1; p=none; rua=mailto:d@pnone.test"'
	local-data: 'norua.test. TXT "v=spf1 ip4:192.0.2.1 ~all"'
	local-data: '_dmarc.norua.test. TXT "v=DMARC1; p=quarantine; sp=none; pct=50"'
	local-data: 'sub.inherit.test. TXT "v=spf1 ip4:192.0.2.1 ~all"'
	local-data: '_dmarc.inherit.test. TXT "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@inherit.test"'
	local-data: '_dmarc.baddmarc.test. TXT "v=DMARC1; p=block; adkim=x; rua=dmarc@baddmarc.test; foo=bar"'
	local-data: '_dmarc.case.test. TXT "v=dmarc1; p=reject"'
	local-data: '_dmarc.twodmarc.test. TXT "v=DMARC1; p=none"'
	local-data: '_dmarc.twodmarc.test. TXT "v=DMARC1; p=reject"'
	local-data: '_dmarc.extrua.test. TXT "v=DMARC1; p=reject; rua=mailto:r@reports.other.test,mailto:ok@auth.other.test"'
	local-data: 'extrua.test._report._dmarc.auth.other.test. TXT "v=DMARC1"'
	local-data: '_dmarc.strict.test. TXT "v=DMARC1; p=reject; aspf=s; adkim=s; rua=mailto:d@strict.test"'
EOZ
}

# unbound on a free port of 127.0.0.1, answering only from the zone above.
start_unbound() {
	for _try in 1 2 3 4 5 6 7 8 9 10; do
		PORT=$((20000 + ($$ * 7 + _try * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 12000))
		cat > "$T/unbound.conf" <<EOC
server:
	interface: 127.0.0.1@$PORT
	port: $PORT
	do-ip6: no
	do-daemonize: no
	chroot: ""
	username: ""
	directory: "$T"
	pidfile: "$T/unbound.pid"
	use-syslog: no
	logfile: ""
	verbosity: 0
	num-threads: 1
	outgoing-range: 16
	access-control: 127.0.0.0/8 allow
	module-config: "iterator"
	do-not-query-localhost: yes
$(zone)
remote-control:
	control-enable: no
EOC
		unbound -d -c "$T/unbound.conf" 2>>"$T/unbound.log" &
		UNBOUND_PID=$!
		for _w in $(seq 1 50); do
			kill -0 "$UNBOUND_PID" 2>/dev/null || break
			if dig +time=1 +tries=1 @127.0.0.1 -p "$PORT" good.test TXT \
			    +short 2>/dev/null | grep -q spf1; then
				PIDS="$PIDS $UNBOUND_PID"
				return 0
			fi
			sleep 0.1
		done
		kill "$UNBOUND_PID" 2>/dev/null
		wait "$UNBOUND_PID" 2>/dev/null
	done
	echo "# could not start unbound:"; sed 's/^/#   /' "$T/unbound.log"
	exit 1
}

start_unbound

# check DOMAIN ARGS...: check-domain --json against the test server; the
# output in $T/json, the exit status in $T/rc.
check() {
	"$CTL" -c /dev/null check-domain --server "127.0.0.1:$PORT" --json "$@" \
	    > "$T/json" 2>"$T/err"
	echo $? > "$T/rc"
}

# The sorted codes of the last check that start with $1.
codes() {
	grep -o '"code": "[a-z0-9-]*"' "$T/json" | sed 's/.*: "//; s/"$//' |
	    grep "^$1" | sort | tr '\n' ' ' | sed 's/ $//'
}

same() {	# same GOT WANT RC WANTRC
	[ "$1" = "$2" ] && [ "$3" = "$4" ] && return 0
	echo "codes: $1"; echo "want:  $2"; echo "exit $3, want $4"
	cat "$T/err"
	return 1
}

# expect "what" PREFIX "CODES" STATUS DOMAIN ARGS...
expect() {
	_d=$1 _p=$2 _s=$4
	_w=$(printf '%s\n' $3 | sort | tr '\n' ' ' | sed 's/ $//')
	shift 4
	check "$@"
	ok "$_d" same "$(codes "$_p")" "$_w" "$(cat "$T/rc")" "$_s"
}

detail() {	# detail CODE TEXT: the last check has CODE with detail TEXT
	grep -qF "\"code\": \"$1\", \"subject\": " "$T/json" &&
	    grep "\"code\": \"$1\"" "$T/json" | grep -qF "\"detail\": \"$2\""
}

# --- a domain that does everything right ----------------------------------
expect "good domain: every finding ok, exit 0" "" \
    "align-dkim align-spf dkim-ok dkim-ok dmarc-found dmarc-policy
    dmarc-subdomains spf-all-softfail spf-found spf-lookups spf-relay-pass
    spf-relay-pass" 0 \
    good.test --relay-ip 192.0.2.10 --relay-ip 2001:db8::25 \
    --selector mail --selector ed --envelope-domain good.test \
    --dkim-domain good.test
ok "good: no error and no warning" grep -q '"errors": 0, "warnings": 0' "$T/json"
ok "good: the IPv6 relay passes through the include" \
    detail spf-relay-pass "ip6:2001:db8::/32 in _spf.provider.test"
ok "good: the RSA key is 2048 bits, the other Ed25519" sh -c \
    'grep -qF "\"detail\": \"RSA, 2048 bits\"" "$1" &&
    grep -qF "\"detail\": \"Ed25519\"" "$1"' _ "$T/json"
if command -v python3 >/dev/null 2>&1; then
	ok "--json is valid JSON" python3 -c \
	    'import json, sys; json.load(open(sys.argv[1]))' "$T/json"
fi

# --- SPF ------------------------------------------------------------------
expect "two SPF records" spf- "spf-multiple" 1 two.test
expect "include chain over 10 lookups" spf- \
    "spf-all-softfail spf-found spf-lookup-limit spf-relay-permerror" 1 \
    many.test --relay-ip 203.0.113.1
ok "lookup count through includes, a and mx" detail spf-lookup-limit 12
expect "void lookups" spf- \
    "spf-all-softfail spf-found spf-lookups spf-relay-permerror
    spf-void-lookups spf-void-name spf-void-name spf-void-name" 1 \
    void.test --relay-ip 192.0.2.1
ok "three lookups found nothing" detail spf-void-lookups 3
expect "recursive include" spf- \
    "spf-all-softfail spf-found spf-include-loop spf-lookups
    spf-relay-permerror" 1 loop.test --relay-ip 192.0.2.1
expect "relay not authorised (-all)" spf- \
    "spf-all-fail spf-found spf-lookups spf-relay-not-authorised" 1 \
    notauth.test --relay-ip 192.0.2.10
ok "the result and what decided it" \
    detail spf-relay-not-authorised "fail (-all in notauth.test)"
expect "+all" spf- "spf-all-pass spf-found spf-lookups spf-no-relay-ip" 1 \
    plusall.test
expect "a: given an IP address" spf- "spf-found spf-host-is-ip" 1 hostip.test
expect "leading space before v=spf1" spf- "spf-leading-space" 1 lead.test
expect "stray quotes" spf- "spf-quotes" 1 quote.test
expect "no SPF record" spf- "spf-none" 1 nospf.test
expect "bad ip4, unknown mechanism, bad prefix length" spf- \
    "spf-bad-cidr spf-bad-ip spf-found spf-unknown-mechanism" 1 syntax.test
expect "include of a domain without SPF" spf- \
    "spf-all-softfail spf-found spf-include-missing spf-lookups
    spf-relay-permerror" 1 missing.test --relay-ip 192.0.2.99
expect "macros: not evaluated" spf- \
    "spf-all-softfail spf-found spf-lookups spf-macro spf-relay-unknown" 0 \
    macro.test --relay-ip 192.0.2.1
expect "one TXT record in two strings is one record" spf- \
    "spf-all-softfail spf-found spf-lookups spf-relay-pass" 0 \
    split.test --relay-ip 192.0.2.2

# --- DKIM -----------------------------------------------------------------
expect "DKIM: revoked, short, weak, testing and missing keys" dkim- \
    "dkim-key-short dkim-key-weak dkim-none dkim-ok dkim-ok dkim-revoked
    dkim-testing" 1 \
    dkim.test --selector revoked --selector short --selector weak \
    --selector test --selector absent --selector short
ok "DKIM: the short key's size" detail dkim-key-short 1024
ok "DKIM: the weak key's size" detail dkim-key-weak 512
expect "DKIM: no selector" dkim- "dkim-no-selector" 0 pnone.test

# --- DMARC ----------------------------------------------------------------
expect "DMARC p=none" dmarc- "dmarc-found dmarc-policy-none dmarc-subdomains" \
    0 pnone.test
expect "DMARC without rua, sp=none, pct=50" dmarc- \
    "dmarc-found dmarc-no-rua dmarc-pct dmarc-policy dmarc-sp-none
    dmarc-subdomains" 0 norua.test
expect "no DMARC record" dmarc- "dmarc-none" 1 plusall.test
expect "DMARC of the parent domain" dmarc- \
    "dmarc-found dmarc-inherited dmarc-policy" 0 sub.inherit.test
ok "subdomains get sp=" detail dmarc-policy "sp=quarantine"
expect "DMARC: bad values" dmarc- \
    "dmarc-bad-uri dmarc-bad-value dmarc-found dmarc-no-policy dmarc-no-rua
    dmarc-unknown-tag" 1 baddmarc.test
expect "DMARC: v=dmarc1 in lower case" dmarc- "dmarc-version" 1 case.test
expect "two DMARC records" dmarc- "dmarc-multiple" 1 twodmarc.test
# (no SPF record there: exit 1)
expect "DMARC reports to another domain" dmarc- \
    "dmarc-found dmarc-policy dmarc-rua-unauthorised dmarc-subdomains" 1 \
    extrua.test
ok "only the domain that did not authorise them" sh -c \
    'grep -c "\"dmarc-rua-unauthorised\"" "$1" | grep -qx 1 &&
    grep -qF "\"detail\": \"reports.other.test\"" "$1"' _ "$T/json"

# --- alignment ------------------------------------------------------------
expect "neither envelope nor DKIM domain aligned" align- \
    "align-dkim-no align-none align-spf-domain align-spf-no" 1 \
    good.test --envelope-domain bounces.other.test \
    --dkim-domain relay.other.test
expect "relaxed alignment of a subdomain" align- \
    "align-dkim align-spf align-spf-domain" 0 \
    good.test --envelope-domain mail.good.test --dkim-domain s.good.test
expect "strict alignment asked, relaxed only" align- \
    "align-dkim-strict align-none align-spf-domain align-spf-strict" 1 \
    strict.test --envelope-domain b.strict.test --dkim-domain s.strict.test

# --- French, configuration, usage and DNS failures --------------------------
ok "--lang fr: French text, same codes" sh -c '"$1" -c /dev/null \
    check-domain --server "127.0.0.1:$2" --lang fr pnone.test > "$3"
    test $? -eq 0 && grep -q "^attention *dmarc-policy-none: politique DMARC p=none pour pnone.test" "$3" &&
    grep -q "^ *correction : " "$3" &&
    grep -qx "pnone.test : 0 erreur, 1 avertissement" "$3"' _ "$CTL" "$PORT" "$T/fr"
ok "--lang fr: what decided, in French" sh -c '"$1" -c /dev/null \
    check-domain --server "127.0.0.1:$2" --lang fr notauth.test \
    --relay-ip 192.0.2.10 > "$3"
    test $? -eq 1 && grep -q "^erreur *spf-relay-not-authorised: le relais 192.0.2.10 .* le résultat est fail (-all dans notauth.test), le courrier" "$3"' \
    _ "$CTL" "$PORT" "$T/fr"
printf '[check-domain]\nrelay-ips = 192.0.2.10\nselectors = mail\n' > "$T/cd.conf"
ok "[check-domain] relay-ips and selectors" sh -c '"$1" -c "$2" \
    check-domain --server "127.0.0.1:$3" good.test > "$4"
    test $? -eq 0 && grep -q "^ok *spf-relay-pass: relay 192.0.2.10 " "$4" &&
    grep -q "^ok *dkim-ok: DKIM key mail._domainkey.good.test: RSA, 2048 bits" "$4"' \
    _ "$CTL" "$T/cd.conf" "$PORT" "$T/conf.out"
ok "the command line replaces the configured lists" sh -c '"$1" -c "$2" \
    check-domain --server "127.0.0.1:$3" good.test --relay-ip 203.0.113.1 > "$4"
    test $? -eq 1 && ! grep -q "192.0.2.10" "$4"' \
    _ "$CTL" "$T/cd.conf" "$PORT" "$T/conf.out"

usage2() {	# usage2 ARGS...: exit 2 and a message on stderr
	"$CTL" -c /dev/null check-domain "$@" >/dev/null 2>"$T/err"
	[ $? -eq 2 ] && grep -q "check-domain" "$T/err"
}
ok "no domain: exit 2" usage2
ok "bad domain: exit 2" usage2 'bad domain'
ok "bad relay address: exit 2" usage2 good.test --relay-ip 192.0.2.300
ok "bad language: exit 2" usage2 good.test --lang de
ok "bad server address: exit 2" sh -c '"$1" -c /dev/null check-domain \
    --server nowhere good.test 2>&1 >/dev/null; test $? -eq 2'  _ "$CTL"
# Nothing listens on UDP port 1 of 127.0.0.1: no answer at all.
ok "DNS server silent: exit 2" sh -c '"$1" -c /dev/null check-domain \
    --server 127.0.0.1:1 good.test > /dev/null 2>"$2"; test $? -eq 2 &&
    grep -q "no answer from the DNS server" "$2"' _ "$CTL" "$T/err"

# --- check-domain --seen: every sender domain of the counters -------------
# The feeder counts what a relay sent: good.test busiest, then
# notauth.test (one message refused by Gmail for DMARC), then pnone.test.
n=0
for s in a@good.test b@good.test c@good.test d@notauth.test e@notauth.test \
    f@pnone.test; do
	n=$((n + 1))
	echo "Nov 20 10:00:0$n relay postfix/qmgr[2]: 4B7C$n: from=<$s>, size=1000, nrcpt=1 (queue active)"
	if [ "$s" = e@notauth.test ]; then
		echo "Nov 20 10:00:0$n relay postfix/smtp[3]: 4B7C$n: to=<x$n@gmail.example>, relay=mx.gmail.example[198.51.100.1]:25, delay=1, delays=0/0/0/1, dsn=5.7.26, status=bounced (host mx.gmail.example[198.51.100.1] said: 550-5.7.26 Unauthenticated email from notauth.test is not accepted due to domain's DMARC policy. (in reply to end of DATA command))"
	else
		echo "Nov 20 10:00:0$n relay postfix/smtp[3]: 4B7C$n: to=<x$n@example.com>, relay=mx.example.com[198.51.100.2]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)"
	fi
	echo "Nov 20 10:00:0$n relay postfix/qmgr[2]: 4B7C$n: removed"
done > "$T/seen.log"
# Lines of today: the counters of the last 7 days are read.
sed -i "s/^Nov 20/$(date -u '+%b %e')/" "$T/seen.log"
ok "the feeder counts three sender domains" sh -c '"$1" -c /dev/null -d "$2" \
    --stdin < "$3" 2>/dev/null' _ "$FEEDER" "$STATE" "$T/seen.log"

seen() {	# seen CONF ARGS...: check-domain --seen, out in $T/seen, rc
	_c=$1; shift
	"$CTL" -c "$_c" -d "$STATE" check-domain --seen "$@" > "$T/seen" \
	    2>"$T/seen.err"
	echo $? > "$T/rc"
}
seen /dev/null --server "127.0.0.1:$PORT" --relay-ip 192.0.2.1
ok "--seen: exit 1, one domain with errors" test "$(cat "$T/rc")" = 1
ok "--seen: the busiest domain first, one line each" sh -c '
    sed -n 1p "$1" | grep -q "^good.test: 0 errors" &&
    sed -n 2p "$1" | grep -q "^notauth.test: 1 error, 1 warning: spf-relay-not-authorised dmarc-none$" &&
    sed -n 3p "$1" | grep -q "^pnone.test: 0 errors, 1 warning: dmarc-policy-none$" &&
    grep -q "^3 checked, 1 with errors, 0 skipped" "$1"' _ "$T/seen"
seen /dev/null --server 127.0.0.1:1 --relay-ip 192.0.2.1
ok "--seen again: nothing asked within the interval (silent DNS server)" \
    sh -c 'test "$(cat "$2")" = 0 && grep -q "^0 checked, 0 with errors, 3 skipped" "$1"' \
    _ "$T/seen" "$T/rc"
seen /dev/null --server 127.0.0.1:1 --relay-ip 192.0.2.1 --force
ok "--force with a silent DNS server: exit 2, results kept" sh -c '
    test "$(cat "$2")" = 2 && grep -q "3 without DNS answer" "$1" &&
    grep -q "notauth.test: no answer from the DNS server" "$3"' \
    _ "$T/seen" "$T/rc" "$T/seen.err"
ok "report: the kept findings, worst first, and the last check of a refused domain" \
    sh -c '"$1" -c /dev/null -d "$2" report > "$3" &&
    grep -A4 "^Sender domains refused for authentication" "$3" | grep -q "^  notauth.test " &&
    grep -q "^    last check: 1 error, 1 warning: spf-relay-not-authorised dmarc-none$" "$3" &&
    grep -A8 "^Sender domains checked" "$3" > "$3.cd" &&
    grep -q "^  1 checked without error or warning" "$3.cd" &&
    sed -n 4p "$3.cd" | grep -q "^  notauth.test: 1 error, 1 warning (checked " &&
    sed -n 7p "$3.cd" | grep -q "^  pnone.test: 0 errors, 1 warning" &&
    "$1" -c /dev/null -d "$2" report --json | grep -q "\"domain_checks\": \[$"' \
    _ "$CTL" "$STATE" "$T/report"
printf '[check-domain]\nmax-domains = 1\n' > "$T/one.conf"
seen "$T/one.conf" --server "127.0.0.1:$PORT" --relay-ip 192.0.2.1 --force
ok "max-domains: the busiest only" sh -c 'test "$(cat "$2")" = 0 &&
    grep -q "^good.test: " "$1" && grep -q "^1 checked, 0 with errors, 2 skipped" "$1"' \
    _ "$T/seen" "$T/rc"
# The three domains take at least 7 queries (each TXT and _dmarc, the
# include of good.test): 2 a second after a burst of 2 is >= 2.5 s.
printf '[check-domain]\nqueries-per-second = 2\n' > "$T/slow.conf"
start=$(date +%s.%N)
seen "$T/slow.conf" --server "127.0.0.1:$PORT" --relay-ip 192.0.2.1 --force
end=$(date +%s.%N)
ok "queries-per-second paces the queries" awk -v a="$start" -v b="$end" \
    'BEGIN { exit !(b - a >= 2.4) }'

done_testing

#!/bin/sh
# A local resolver in front of rebond-dnsd, configured with the shipped
# snippets: unbound with contrib/unbound/rebond.conf, BIND with
# contrib/bind/named.conf.rebond, each included as it is (the resolver's
# own part only says where to listen).  In a network namespace of the
# test's own (tests/e2e/netns.sh): rebond-dnsd on 127.0.0.1:5353, the
# snippets' address; unbound on 127.0.0.1:53, the namespace's
# resolv.conf; named on 127.0.0.54:53.  Both validate DNSSEC, as
# Debian's do.
#
# Asserts, through each resolver: the same A and TXT answers as
# rebond-dnsd gives directly, in the four zones, one A per reason;
# NXDOMAIN (with the zone's SOA) for a key that is not listed; the RFC
# 5782 test. and invalid. names; and, for unbound, that the libc
# resolver of the namespace gets the answer, and that the snippet's
# domain-insecure and local-zone lines are needed (without them:
# SERVFAIL, and unbound's own NXDOMAIN for test.).
#
# Needs root (ip netns), dig, unbound; named is optional (its part is
# skipped without it).  Touches nothing outside the namespace but
# /etc/netns/NAME, removed at exit.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/e2e/netns.sh"

skip() {	# skip "description" "reason"
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

[ -x /usr/sbin/unbound ] ||
    skip_all "no /usr/sbin/unbound (contrib/deps.sh test installs it)"
HOST_RESOLV=$(cksum < /etc/resolv.conf)
ns_setup

# --- rebond-dnsd and what it lists -------------------------------------

ctl add rcpt dead@example.org --reason hard --status 5.1.1 >/dev/null
ctl add rcpt twice@example.org --reason hard >/dev/null
ctl add rcpt twice@example.org --reason complaint >/dev/null
ctl add rdom gmaiil.com --reason hard >/dev/null
ctl add sdom spammy.example --reason complaint >/dev/null
ctl add sndr held@asso.example --reason held >/dev/null
ns_start_dnsd

DEAD=$(sha1 dead@example.org)
TWICE=$(sha1 twice@example.org)
NOTLISTED=$(sha1 alive@example.org)

# The questions, NAME TYPE, one a line.
cat > "$T/questions" <<EOF
$DEAD.rcpt.rebond.test A
$DEAD.rcpt.rebond.test TXT
$TWICE.rcpt.rebond.test A
$TWICE.rcpt.rebond.test TXT
gmaiil.com.rdom.rebond.test A
gmaiil.com.rdom.rebond.test TXT
spammy.example.sdom.rebond.test A
spammy.example.sdom.rebond.test TXT
$(sha1 held@asso.example).sndr.rebond.test A
$(sha1 held@asso.example).sndr.rebond.test TXT
EOF
for z in rcpt rdom sdom sndr; do
	echo "test.$z.rebond.test A"
	echo "test.$z.rebond.test TXT"
done >> "$T/questions"

# answers SERVER [dig options]: "NAME TYPE: sorted short answers" for
# every question.
answers() {
	_s=$1; shift
	while read -r _n _t; do
		printf '%s %s: %s\n' "$_n" "$_t" "$(nsx dig +time=2 +tries=2 \
		    @"$_s" "$@" "$_n" "$_t" +short | sort | tr '\n' ' ')"
	done < "$T/questions"
}
answers 127.0.0.1 -p 5353 +norec > "$T/direct"
ok "rebond-dnsd answers every question (10 listed, 8 test. names)" \
    sh -c "! grep -q ': \$' '$T/direct'"

# through RESOLVER LABEL: the checks, resolver at RESOLVER:53.
through() {
	_r=$1; _l=$2
	answers "$_r" > "$T/via.$_l"
	ok "$_l: the same A and TXT answers as rebond-dnsd, all four zones" \
	    diff "$T/direct" "$T/via.$_l"
	ok "$_l: dead@example.org is 127.0.0.2" sh -c "
	    [ \"\$(nsx_dig $_r $DEAD.rcpt.rebond.test A +short)\" = 127.0.0.2 ]"
	ok "$_l: twice@example.org has two A records, .2 and .5" sh -c "
	    [ \"\$(nsx_dig $_r $TWICE.rcpt.rebond.test A +short | sort | tr '\n' ' ')\" = '127.0.0.2 127.0.0.5 ' ]"
	ok "$_l: its TXT explains both reasons" sh -c "
	    nsx_dig $_r $TWICE.rcpt.rebond.test TXT +short |
	    grep 'does not exist (hard bounce)' | grep -q 'complained'"
	for z in rcpt rdom sdom sndr; do
		ok "$_l: $NOTLISTED.$z.rebond.test is NXDOMAIN with the $z SOA" \
		    sh -c "nsx_dig $_r $NOTLISTED.$z.rebond.test A > '$T/nx' &&
		    grep -q 'status: NXDOMAIN' '$T/nx' &&
		    grep -Eq '^$z\\.rebond\\.test\\..*SOA' '$T/nx'"
		ok "$_l: invalid.$z.rebond.test is NXDOMAIN" sh -c "
		    nsx_dig $_r invalid.$z.rebond.test A | grep -q 'status: NXDOMAIN'"
	done
	ok "$_l: a validating resolver, the answer is insecure (no AD flag)" \
	    sh -c "nsx_dig $_r +dnssec $DEAD.rcpt.rebond.test A > '$T/ad' &&
	    grep -q 'status: NOERROR' '$T/ad' &&
	    ! grep -q 'flags:.* ad[ ;]' '$T/ad'"
}
# dig in the namespace, as a command the checks' sh -c can run.
cat > "$T/nsx_dig" <<EOF
#!/bin/sh
# nsx_dig SERVER [dig arguments]
_s=\$1; shift
exec ip netns exec "$NS" dig +time=2 +tries=2 @"\$_s" "\$@"
EOF
chmod +x "$T/nsx_dig"
PATH="$T:$PATH"; export PATH

# --- unbound, contrib/unbound/rebond.conf -----------------------------

ns_start_unbound
ok "unbound-checkconf accepts contrib/unbound/rebond.conf" \
    /usr/sbin/unbound-checkconf "$T/unbound.conf"
through 127.0.0.1 unbound
ok "unbound: the namespace's libc resolver (resolv.conf) gets 127.0.0.2" \
    sh -c "ip netns exec '$NS' getent hosts $DEAD.rcpt.rebond.test | grep -q '^127\\.0\\.0\\.2 '"
ok "unbound: dig with no server (resolv.conf) gets the TXT" \
    sh -c "ip netns exec '$NS' dig +short $DEAD.rcpt.rebond.test TXT | grep -q 'status 5.1.1\\|hard bounce'"

# The snippet's lines are needed: without domain-insecure the unsigned
# zones are bogus (SERVFAIL); without the local-zone unbound answers
# test. itself.
grep -v '^[[:space:]]*domain-insecure:' "$srcdir/contrib/unbound/rebond.conf" \
    > "$T/no-insecure.conf"
ns_unbound_conf "$T/unbound.2.conf" 127.0.0.2 "$T/no-insecure.conf"
ns_run_unbound "$T/unbound.2.conf" 127.0.0.2
ok "unbound without domain-insecure: SERVFAIL (why the snippet has it)" \
    sh -c "nsx_dig 127.0.0.2 $DEAD.rcpt.rebond.test A | grep -q 'status: SERVFAIL'"
grep -v '^[[:space:]]*local-zone:' "$srcdir/contrib/unbound/rebond.conf" \
    > "$T/no-local-zone.conf"
ns_unbound_conf "$T/unbound.3.conf" 127.0.0.3 "$T/no-local-zone.conf"
ns_run_unbound "$T/unbound.3.conf" 127.0.0.3
ok "unbound without the local-zone: its own NXDOMAIN for test. (why the snippet has it)" \
    sh -c "nsx_dig 127.0.0.3 $DEAD.rcpt.rebond.test A > '$T/nolz' &&
    grep -q 'status: NXDOMAIN' '$T/nolz' && grep -Eq '^test\\..*SOA' '$T/nolz'"

# --- BIND, contrib/bind/named.conf.rebond -----------------------------

if [ -x /usr/sbin/named ]; then
	# named listens on the addresses of interfaces only.
	nsx ip addr add 127.0.0.54/32 dev lo
	mkdir -p "$T/named"
	cat > "$T/named.conf" <<EOF
options {
	directory "$T/named";
	pid-file "$T/named.pid";
	listen-on port 53 { 127.0.0.54; };
	listen-on-v6 { none; };
	recursion yes;
	allow-query { 127.0.0.0/8; };
	allow-recursion { 127.0.0.0/8; };
	dnssec-validation auto;
	// The one line of contrib/bind/named.conf.rebond's header:
	validate-except { "rebond.test"; };
};
controls { };
include "$srcdir/contrib/bind/named.conf.rebond";
EOF
	ok "named-checkconf accepts contrib/bind/named.conf.rebond" \
	    named-checkconf "$T/named.conf"
	nsx /usr/sbin/named -g -c "$T/named.conf" >"$T/named.log" 2>&1 &
	NAMED_PID=$!
	PIDS="$PIDS $NAMED_PID"
	if wait_for 10 sh -c "nsx_dig 127.0.0.54 test.rcpt.rebond.test A +short | grep -q 127.0.0.2"; then
		through 127.0.0.54 named
	else
		echo "# named did not answer:"; tail -20 "$T/named.log" | sed 's/^/#   /'
		ok "named answers through contrib/bind/named.conf.rebond" false
	fi
else
	skip "BIND: contrib/bind/named.conf.rebond" "no /usr/sbin/named (bind9)"
fi

ok "the host's /etc/resolv.conf is untouched" \
    sh -c "[ \"\$(cksum < /etc/resolv.conf)\" = '$HOST_RESOLV' ]"
if [ "$tap_failed" -gt 0 ]; then
	echo "# dnsd:"; sed 's/^/#   /' "$T/dnsd.log" | head -20
	echo "# unbound:"; sed 's/^/#   /' "$T/unbound.log" | head -40
fi
done_testing

#!/bin/sh
# End to end with a real Postfix: Debian's postfix, run as its own
# instance (config, queue, data and log under $T, SMTP on a free port of
# 127.0.0.1), relays every mail to smtpstub, which refuses some
# recipients; rebond-feeder follows Postfix's maillog_file and must list
# exactly the dead and the full mailboxes, count every outcome for the
# sender, and rebond-dnsd must answer for them.
#
#   good@example.com       250                        delivered
#   dead@example.com       550 5.1.1 at RCPT (Gmail)  hard: 127.0.0.2
#   full@example.org       452 4.2.2 at RCPT, always  soft (deferred until
#                          it expires): 127.0.0.4, and 127.0.0.3 when
#                          deferred soft-repeat-count (3) times or more
#   spamtrap@example.net   554 5.7.1 at end of DATA   message_rejected,
#                                                     not listed
#   grey@example.net       450 4.7.1 once, then 250   deferred_temporary,
#                                                     then delivered
#
# Needs root (Postfix's master), /usr/sbin/postfix and swaks; touches
# only 127.0.0.1; everything it starts is stopped at exit, pass or fail.
. "$srcdir/tests/e2e/lib.sh"

# $T is created 0700; Postfix's daemons run as "postfix" and chdir into
# the queue below it.
chmod 755 "$T"

# --- the stub ---------------------------------------------------------

cat > "$T/rules" <<'EOF'
# recipient [stage] reply (see tests/e2e/smtpstub.c)
dead@example.com 550-5.1.1 The email account that you tried to reach does not exist. Please try|550-5.1.1 double-checking the recipient's email address for typos or|550-5.1.1 unnecessary spaces. Learn more at|550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1-20020a170906b8c1si1234567ejb.42 - gsmtp
full@example.org 452 4.2.2 Mailbox full
spamtrap@example.net data 554 5.7.1 Message refused as spam
grey@example.net grey 450 4.7.1 Greylisted, please retry
EOF
start_stub

# --- the Postfix instance ---------------------------------------------

mkdir -p "$PF" "$T/spool" "$T/data"
chown postfix "$T/data"		# master.lock, written as postfix
cat > "$PF/main.cf" <<EOF
# A throw-away relay: everything goes to smtpstub.
compatibility_level = 3.6
config_directory = $PF
queue_directory = $T/spool
data_directory = $T/data
maillog_file = $T/maillog
maillog_file_prefixes = $T
mail_owner = postfix
setgid_group = postdrop

myhostname = relay.rebond.test
mydomain = rebond.test
myorigin = \$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_peername_lookup = no
smtputf8_enable = no
biff = no

# Every remote domain to the stub, no DNS.
relayhost = [127.0.0.1]:$STUBPORT
smtp_host_lookup = native
smtp_dns_support_level = disabled
smtp_bind_address = 127.0.0.1
smtp_tls_security_level = none
# The notices to the sender: thrown away, not relayed.
transport_maps = inline:{ asso.example=discard: }
# From: in the log, as contrib/postfix suggests.
header_checks = regexp:$(cd "$srcdir" && pwd)/contrib/postfix/rebond_header_checks

# Retry deferred mail every second or two; give up after 8 s.
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
maximal_queue_lifetime = 8s
bounce_queue_lifetime = 8s
delay_warning_time = 0
EOF

# Start; if the port was taken since free_port looked, on another one.
for _try in 1 2 3; do
	PFPORT=$(free_port)
	master_cf "$PFPORT"
	: > "$T/maillog"
	PF_STARTED=yes		# whatever starts is stopped at exit
	if /usr/sbin/postfix -c "$PF" start >"$T/pf.start" 2>&1; then
		wait_for 10 test -s "$T/spool/pid/master.pid"
		MASTER_PID=$(tr -dc 0-9 < "$T/spool/pid/master.pid")
		break
	fi
	pf_stop
	MASTER_PID=""
	if [ $_try -eq 3 ] || ! grep -q 'in use' "$T/maillog"; then
		echo "# postfix -c $PF start failed:"
		sed 's/^/#   /' "$T/pf.start" "$T/maillog"
		exit 1
	fi
done
ok "postfix $(/usr/sbin/postconf -h -c "$PF" mail_version) is running" \
    /usr/sbin/postfix -c "$PF" status
ok "its smtpd listens on 127.0.0.1:$PFPORT" \
    wait_for 10 sh -c "ss -Htln 'sport = :$PFPORT' | grep -q 127.0.0.1"

# --- rebond -----------------------------------------------------------

"$FEEDER" -d "$STATE" --follow "$T/maillog" 2>>"$T/feeder.err" &
FEEDER_PID=$!
PIDS="$PIDS $FEEDER_PID"
NO_V6=1 start_dnsd		# 127.0.0.1 only

# --- the stub on its own (a sender its greylisting does not know) ---

ok "stub: Gmail's four-line reply, pipelined" sh -c "
	swaks --server 127.0.0.1:$STUBPORT --from probe@rebond.test \
	    --to DEAD@Example.COM --pipeline --quit-after RCPT --timeout 5 \
	    >'$T/probe' 2>&1
	[ \$(grep -c '^<\*\* *550-5.1.1 ' '$T/probe') -eq 3 ] &&
	grep -q '^<\*\* *550 5.1.1  https://support.google.com' '$T/probe'"
ok "stub: other recipients accepted" sh -c "
	swaks --server 127.0.0.1:$STUBPORT --from probe@rebond.test \
	    --to someone@example.com --timeout 5 2>&1 |
	grep -q '^<-  250 2.0.0 Ok: message accepted'"

# --- the mails --------------------------------------------------------

send() {	# send RCPT: one message from alice, its own transaction
	swaks --server "127.0.0.1:$PFPORT" --from alice@asso.example \
	    --to "$1" --helo client.asso.example --timeout 10 \
	    --header "Subject: rebond e2e to $1" >"$T/swaks.$1" 2>&1
}
for r in good@example.com dead@example.com full@example.org \
    spamtrap@example.net grey@example.net; do
	ok "postfix accepts mail for $r" send $r
done
# The web form of asso.example, writing as its visitor.
ok "postfix accepts the web form's mail" swaks --server "127.0.0.1:$PFPORT" \
    --from www-data@asso.example --to contact@example.com \
    --header "From: Un visiteur <visiteur@yahoo.fr>" \
    --helo web.asso.example --timeout 10

# Every outcome in the log: hard, refused, greylisted then delivered,
# the full mailbox deferred until the message expired, and the notices
# to alice (dead, spamtrap, full) delivered by discard.
outcomes() {
	grep -q 'to=<good@example.com>.*status=sent' "$T/maillog" &&
	grep -q 'to=<dead@example.com>.*status=bounced' "$T/maillog" &&
	grep -q 'to=<spamtrap@example.net>.*status=bounced' "$T/maillog" &&
	grep -q 'to=<grey@example.net>.*status=deferred' "$T/maillog" &&
	grep -q 'to=<grey@example.net>.*status=sent' "$T/maillog" &&
	grep -q 'from=<alice@asso.example>, status=expired' "$T/maillog" &&
	[ "$(grep -c 'discard.*to=<alice@asso.example>.*status=sent' "$T/maillog")" -eq 3 ]
}
ok "the maillog shows every outcome within 120 s (about 15 s unloaded)" wait_for 120 outcomes

# What Postfix logged, for the expected counts.
n_full=$(grep -c 'to=<full@example.org>.*status=deferred' "$T/maillog")
n_grey=$(grep -c 'to=<grey@example.net>.*status=deferred' "$T/maillog")
echo "# full@example.org deferred $n_full times, grey@example.net $n_grey"
ok "full@example.org was retried (deferred at least twice)" test "$n_full" -ge 2
ok "grey@example.net was deferred once, then delivered" test "$n_grey" -eq 1

# alice's counters: delivered hard soft message_rejected deferred_temporary
alice() {
	ctl stats --by sender --json | tr -d '\n' | sed 's/},/}\n/g' |
	    grep '"key": "alice@asso.example"' |
	    sed -n 's/.*"delivered": \([0-9]*\), "hard": \([0-9]*\), "soft": \([0-9]*\), "message_rejected": \([0-9]*\), "ip_blocked": \([0-9]*\), "complaint": \([0-9]*\), "deferred_temporary": \([0-9]*\),.*/\1 \2 \3 \4 \5 \6 \7/p'
}
want="2 1 $n_full 1 0 0 $n_grey"
alice_is_counted() { [ "$(alice)" = "$want" ]; }
wait_for 10 alice_is_counted	# the feeder may still be reading
echo "# alice@asso.example: delivered hard soft refused ipblk compl deferred = $(alice)"
ok "stats --by sender: alice has exactly: 2 delivered, 1 hard, $n_full soft, 1 refused, $n_grey deferred" \
    test "$(alice)" = "$want"

ok "dead@example.com listed" ctl lookup dead@example.com
ok "dead@example.com: 127.0.0.2" \
    sh -c "'$CTL' -d '$STATE' lookup dead@example.com | grep -q '^rcpt .*127.0.0.2'"
ok "explain dead@example.com: the 5.1.1 from the log" \
    sh -c "'$CTL' -d '$STATE' explain dead@example.com | grep -q 'status 5.1.1'"
H=$(sha1 dead@example.com)
ok "dnsd: $H.rcpt.rebond.test is 127.0.0.2" \
    sh -c "[ \"\$(dig +short @127.0.0.1 -p $PORT $H.rcpt.rebond.test A)\" = 127.0.0.2 ]"
ok "full@example.org listed, 127.0.0.4 (recent soft bounce)" \
    sh -c "'$CTL' -d '$STATE' lookup full@example.org | grep -q '^rcpt .*127.0.0.4'"
H=$(sha1 full@example.org)
ok "dnsd: full@example.org answers 127.0.0.4" \
    sh -c "dig +short @127.0.0.1 -p $PORT $H.rcpt.rebond.test A | grep -qx 127.0.0.4"
if [ "$n_full" -ge 3 ]; then
	ok "full@example.org: also 127.0.0.3 (deferred $n_full times)" \
	    sh -c "'$CTL' -d '$STATE' lookup full@example.org | grep -q '^rcpt .*127.0.0.3'"
fi
for r in spamtrap@example.net grey@example.net good@example.com \
    alice@asso.example; do
	ok "$r not listed" \
	    sh -c "! '$CTL' -d '$STATE' lookup $r | grep '^rcpt '"
	H=$(sha1 $r)
	ok "dnsd: $r is NXDOMAIN" \
	    sh -c "dig @127.0.0.1 -p $PORT $H.rcpt.rebond.test A | grep -q 'status: NXDOMAIN'"
done

# Exactly those two recipients, and no recipient domain.
ctl stats --by sender > "$T/stats" 2>&1
sed 's/^/# /' "$T/stats"
ctl list rcpt > "$T/list.rcpt" 2>&1
sed 's/^/# list rcpt: /' "$T/list.rcpt"
ok "list rcpt: exactly 2 entries" test "$(grep -c . "$T/list.rcpt")" -eq 2
ok "list rcpt: dead@example.com" grep -q "$(sha1 dead@example.com)" "$T/list.rcpt"
ok "list rcpt: full@example.org" grep -q "$(sha1 full@example.org)" "$T/list.rcpt"
ok "list rdom: empty" sh -c "[ -z \"\$('$CTL' -d '$STATE' list rdom)\" ]"
webform() {
	ctl report > "$T/report" 2>&1 &&
	grep -qx "  www-data@asso.example wrote as From: ...@yahoo.fr" "$T/report"
}
ok "report: the web form writing as its visitor (header_checks INFO)" \
    wait_for 10 webform
ok "report: ... not alice, whose From: is her own" \
    sh -c "! grep -q 'alice@asso.example wrote' '$T/report'"
ok "the feeder read every line without a malformed one" \
    sh -c "! grep -qi malformed '$T/feeder.err'"

# --- stop, and nothing left -------------------------------------------

pf_stop
ok "no Postfix process is left" test -z "$(pf_procs)"
ok "nothing listens on the Postfix port any more" \
    sh -c "! ss -Htln 'sport = :$PFPORT' | grep -q ."
# E2E_MAILLOG=FILE keeps a copy of Postfix's log (real test data).
[ -z "${E2E_MAILLOG:-}" ] || cp "$T/maillog" "$E2E_MAILLOG"
if [ "$tap_failed" -gt 0 ]; then
	echo "# maillog:"; sed 's/^/#   /' "$T/maillog" | head -80
	echo "# feeder:"; sed 's/^/#   /' "$T/feeder.err" | head -20
fi
done_testing

#!/bin/sh
# End to end: a real Postfix relay asks rebond-dnsd's policy service
# (check_policy_service) at RCPT, and, when its resolver can be pointed
# at rebond-dnsd, the domain zones through reject_rhsbl_recipient and
# reject_rhsbl_sender with rbl_reply_maps.  The relay hands every mail
# to smtpstub, which refuses dead@example.com like Gmail does;
# rebond-feeder follows Postfix's log.
#
#   good@example.com      accepted, delivered
#   dead@example.com      accepted once, bounces; the feeder lists it;
#                         refused at RCPT from then on (550 5.1.1)
#   manual@example.com    rebondctl add rcpt --reason hard: refused at
#                         once, with the helpful text
#   recent@example.com    127.0.0.4: unauthenticated mail is bulk by
#                         default, deferred at RCPT (450 4.7.1)
#   held@asso.example     sender held by the operator: accepted, HOLD
#   carol@asso.example    five sends refused for listed recipients: the
#                         feeder lists her (sndr 127.0.0.5), and her next
#                         mail to a good address is refused
#   x@gmaiil.com          rdom 127.0.0.2: refused by reject_rhsbl_recipient
#   y@spammy.example      sdom 127.0.0.2: refused by reject_rhsbl_sender
#   policy service down   mail still flows (default_action=DUNNO)
#
# The resolver: Postfix's smtpd uses the libc resolver, which reads
# /etc/resolv.conf and only speaks to port 53.  The test never touches
# the host's file: it starts Postfix in a private mount namespace
# (unshare -m) where a resolv.conf of its own is bind-mounted over it,
# pointing at a second rebond-dnsd on port 53 of a spare loopback
# address.  Without unshare or that port, the rhsbl part is skipped.
#
# E2E_NO_RESOLVER=1 tests the configuration without the rhsbl lines.
# Needs root (Postfix's master), /usr/sbin/postfix and swaks; touches
# only loopback addresses; everything it starts is stopped at exit.
. "$srcdir/tests/e2e/lib.sh"

skip() {	# skip "description" "reason"
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

chmod 755 "$T"

# --- rebond: DNS and the policy service, and the resolver ------------

ctl add rcpt manual@example.com --reason hard --status 5.1.1 >/dev/null
ctl add rcpt recent@example.com --reason recent >/dev/null
ctl add sndr held@asso.example --reason held >/dev/null
ctl add rdom gmaiil.com --reason hard >/dev/null
ctl add sdom spammy.example --reason hard >/dev/null

PPORT=$(free_port)
NO_V6=1 start_dnsd -p "127.0.0.1:$PPORT"
POLICY_PID=$DNSD_PID

# A second rebond-dnsd, DNS only, on port 53 of a spare loopback
# address, for Postfix's resolver; the same store.
RESOLVER=""
RES_WHY=""
if [ -n "${E2E_NO_RESOLVER:-}" ]; then
	RES_WHY="E2E_NO_RESOLVER is set"
elif ! unshare -m true 2>/dev/null; then
	RES_WHY="unshare -m is not permitted here"
elif ss -Hln 'sport = :53' 2>/dev/null |
    grep -Eq '(0\.0\.0\.0|\*|\[::\]):53 '; then
	RES_WHY="port 53 is taken on every address"
else
	R=127.$(($$ % 200 + 20)).53.1
	"$DNSD" -f -d "$STATE" -l "$R:53" 2>>"$T/resolver.log" &
	RES_PID=$!
	PIDS="$PIDS $RES_PID"
	if wait_for 5 sh -c "dig +time=1 +tries=1 @$R test.rdom.rebond.test A +short | grep -q 127.0.0.2"; then
		RESOLVER=$R
	else
		RES_WHY="no rebond-dnsd on $R:53: $(tail -1 "$T/resolver.log")"
	fi
fi
[ -n "$RESOLVER" ] && echo "# resolver for Postfix: rebond-dnsd on $RESOLVER:53" ||
    echo "# rhsbl part skipped: $RES_WHY"

# --- the stub ---------------------------------------------------------

cat > "$T/rules" <<'EOF'
dead@example.com 550-5.1.1 The email account that you tried to reach does not exist. Please try|550-5.1.1 double-checking the recipient's email address for typos or|550-5.1.1 unnecessary spaces. Learn more at|550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1-20020a170906b8c1si1234567ejb.42 - gsmtp
EOF
start_stub

# --- the Postfix instance ---------------------------------------------

mkdir -p "$PF" "$T/spool" "$T/data"
chown postfix "$T/data"
cat > "$PF/main.cf" <<EOF
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
smtpd_peername_lookup = no
smtputf8_enable = no
biff = no

smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination

relayhost = [127.0.0.1]:$STUBPORT
smtp_host_lookup = native
smtp_dns_support_level = disabled
smtp_bind_address = 127.0.0.1
smtp_tls_security_level = none
transport_maps = inline:{ asso.example=discard: }

queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
maximal_queue_lifetime = 8s
bounce_queue_lifetime = 8s
delay_warning_time = 0
EOF
# contrib/postfix as it is: the snippet with our port (without the
# rhsbl lines when there is no resolver), and its reply map.
if [ -n "$RESOLVER" ]; then NORHSBL=""; else NORHSBL="/reject_rhsbl_/d"; fi
sed -e "s/127\.0\.0\.1:10040/127.0.0.1:$PPORT/" -e "$NORHSBL" \
    "$srcdir/contrib/postfix/main.cf.snippet" >> "$PF/main.cf"
cp "$srcdir/contrib/postfix/rebond_rbl_reply" \
    "$srcdir/contrib/postfix/rebond_header_checks" "$PF/"
printf 'nameserver %s\noptions attempts:1 timeout:2\n' "${RESOLVER:-127.0.0.1}" \
    > "$T/resolv.conf"

pf_start() {
	if [ -n "$RESOLVER" ]; then
		# Its own /etc/resolv.conf, in its own mount namespace.
		unshare -m --propagation private sh -c "
		    mount --bind '$T/resolv.conf' /etc/resolv.conf &&
		    exec /usr/sbin/postfix -c '$PF' start"
	else
		/usr/sbin/postfix -c "$PF" start
	fi
}

for _try in 1 2 3; do
	PFPORT=$(free_port)
	master_cf "$PFPORT"
	: > "$T/maillog"
	PF_STARTED=yes
	if pf_start >"$T/pf.start" 2>&1; then
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
ok "postconf accepts the restrictions" \
    sh -c "/usr/sbin/postconf -c '$PF' -h smtpd_recipient_restrictions | grep -q check_policy_service"

# A sender is listed after 5 sends refused for listed recipients (10 by
# default): carol below.
printf '[policy]\nsender-listed-sends = 5\n' > "$T/feeder.conf"
"$FEEDER" -c "$T/feeder.conf" -d "$STATE" --follow "$T/maillog" 2>>"$T/feeder.err" &
FEEDER_PID=$!
PIDS="$PIDS $FEEDER_PID"

# send FROM RCPT: one message, swaks's transcript in $T/swaks.RCPT.
send() {
	swaks --server "127.0.0.1:$PFPORT" --from "$1" --to "$2" \
	    --helo client.asso.example --timeout 15 \
	    --header "Subject: rebond policy e2e to $2" >"$T/swaks.$2" 2>&1
}
# refused RCPT REPLY...: the RCPT reply (swaks "<**" lines) is REPLY.
refused() {
	_r=$1; shift
	grep -qF "<** $*" "$T/swaks.$_r" && return 0
	echo "swaks to $_r:"; grep -E '^(<\*\*|<-|->) *(RCPT|[245][0-9][0-9])' "$T/swaks.$_r" | head -5
	return 1
}
TAIL='if this is wrong, ask your postmaster to delist it'

# --- the policy service ------------------------------------------------

ok "good@example.com: accepted" send alice@asso.example good@example.com
ok "... and delivered to the stub" \
    wait_for 20 grep -q 'to=<good@example.com>.*status=sent' "$T/maillog"

ok "dead@example.com, first mail: accepted (nothing known yet)" \
    send alice@asso.example dead@example.com
ok "... it bounces at the stub (550 5.1.1)" \
    wait_for 20 grep -q 'to=<dead@example.com>.*status=bounced' "$T/maillog"
ok "... and the feeder lists it" wait_for 20 ctl lookup dead@example.com
send alice@asso.example dead@example.com
ok "dead@example.com, next mail: refused at RCPT by the policy service" \
    refused dead@example.com "550 5.1.1 <dead@example.com>: Recipient address rejected: listed by rebond (rcpt 127.0.0.2: does not exist (hard bounce)); $TAIL"

send alice@asso.example manual@example.com
ok "rebondctl add rcpt manual@example.com --reason hard: 550 at once" \
    refused manual@example.com "550 5.1.1 <manual@example.com>: Recipient address rejected: listed by rebond (rcpt 127.0.0.2: does not exist (hard bounce)); $TAIL"
ok "... Postfix logged the reject (NOQUEUE)" \
    grep -q 'NOQUEUE: reject: RCPT from .*550 5.1.1 <manual@example.com>: Recipient address rejected: listed by rebond' "$T/maillog"
ok "... no address but the recipient in the reply" \
    sh -c "! grep '^<\*\*' '$T/swaks.manual@example.com' | grep -q alice"

send app@asso.example recent@example.com
ok "recent@example.com (127.0.0.4), unauthenticated (bulk): 450 4.7.1" \
    refused recent@example.com "450 4.7.1 <recent@example.com>: Recipient address rejected: listed by rebond (rcpt 127.0.0.4: recent soft bounce); $TAIL"

ok "held@asso.example (sender held): accepted" \
    send held@asso.example good@example.com
ok "... into the hold queue (HOLD)" \
    wait_for 10 grep -q 'hold: RCPT from .*listed by rebond (sndr 127.0.0.10: held by the operator)' "$T/maillog"

# A sender who keeps writing to listed addresses gets listed herself
# (the feeder counts Postfix's refusals that name our lists).
for i in 1 2 3 4 5; do send carol@asso.example manual@example.com; done
ok "carol@asso.example: five sends to a listed address refused" \
    sh -c "test \$(grep -c 'NOQUEUE: reject: RCPT from .*listed by rebond.* from=<carol@asso.example>' '$T/maillog') -ge 5"
ok "... the feeder lists carol herself (sndr 127.0.0.5)" \
    wait_for 20 sh -c "'$CTL' -d '$STATE' lookup carol@asso.example | grep -q 'sndr .*127.0.0.5'"
send carol@asso.example good@example.com
ok "... and her next mail, to a good address, is refused" \
    grep -q '^<\*\* .*5[0-9][0-9] .*listed by rebond (sndr 127.0.0.5' "$T/swaks.good@example.com"

# --- rhsbl through DNS ---------------------------------------------------

if [ -n "$RESOLVER" ]; then
	send alice@asso.example x@gmaiil.com
	ok "x@gmaiil.com: refused by reject_rhsbl_recipient rdom.rebond.test=127.0.0.2" \
	    refused x@gmaiil.com "550 5.1.2 <x@gmaiil.com>: recipient domain gmaiil.com listed by rebond: 127.0.0.2 does not exist (hard bounce); first "
	ok "... and how to get delisted" \
	    grep -q "<\*\* .*1 relay; $TAIL" "$T/swaks.x@gmaiil.com"
	ok "... rbl_reply_maps with the TXT of rebond-dnsd as \$rbl_reason" \
	    grep -q '<\*\* .*; first 20..-..-.., last 20..-..-..; 1 relay' "$T/swaks.x@gmaiil.com"
	send y@spammy.example good2@example.com
	ok "y@spammy.example: refused by reject_rhsbl_sender sdom.rebond.test=127.0.0.2" \
	    refused good2@example.com "550 5.7.1 sender domain spammy.example listed by rebond: 127.0.0.2 hard-bounce rate over threshold"
else
	skip "reject_rhsbl_recipient rdom.rebond.test=127.0.0.2" "$RES_WHY"
	skip "... and how to get delisted" "$RES_WHY"
	skip "... with the TXT of rebond-dnsd as \$rbl_reason" "$RES_WHY"
	skip "reject_rhsbl_sender sdom.rebond.test=127.0.0.2" "$RES_WHY"
fi

ok "Postfix took the configuration without a warning" \
    sh -c "! grep 'warning:' '$T/maillog'"

# --- the policy service down: mail flows --------------------------------

kill "$POLICY_PID"
wait "$POLICY_PID" 2>/dev/null
PIDS=$(echo "$PIDS" | sed "s/ $POLICY_PID//")
ok "policy service down: manual@example.com is accepted (default_action=DUNNO)" \
    send alice@asso.example manual@example.com
ok "... Postfix logged why" \
    grep -q "problem talking to server 127.0.0.1:$PPORT" "$T/maillog"

# --- stop, and nothing left -------------------------------------------

pf_stop
ok "no Postfix process is left" test -z "$(pf_procs)"
ok "the host's /etc/resolv.conf is untouched" \
    sh -c "! grep -q '${RESOLVER:-no-resolver}' /etc/resolv.conf"
if [ "$tap_failed" -gt 0 ]; then
	echo "# maillog:"; sed 's/^/#   /' "$T/maillog" | head -80
	echo "# dnsd:"; sed 's/^/#   /' "$T/dnsd.log" | head -20
fi
done_testing

#!/bin/sh
# End to end with a real Exim: Debian's exim4-daemon-light, which
# conflicts with the postfix package the suite installs, so its .deb is
# fetched (apt-get download, kept in a cache) and unpacked with dpkg -x;
# the binary runs with its own configuration (-C), spool and log.  In a
# network namespace of the test's own (tests/e2e/netns.sh): rebond-dnsd
# on 127.0.0.1:5353, unbound on 127.0.0.1:53 with
# contrib/unbound/rebond.conf, which the namespace's resolv.conf names;
# Exim on 127.0.0.1:25 with contrib/exim/rebond.acl included in its RCPT
# ACL as shipped, relaying everything to smtpstub on 127.0.0.1:2526;
# rebond-feeder follows Exim's mainlog.
#
#   good@example.com      accepted, delivered
#   dead@example.com      accepted once, bounces at the stub (Gmail's
#                         550 5.1.1); the feeder lists it; refused at
#                         RCPT from then on, through dnslists and the
#                         SHA-1 of the address, $dnslist_text in the reply
#   x@gmaiil.com          rdom 127.0.0.2: refused, 550 5.1.2
#   gone@example.com      rcpt 127.0.0.5 (complained): refused, 550 5.7.1
#   recent@example.com    rcpt 127.0.0.4: deferred (450) without AUTH,
#                         accepted for alice logged in
#   DEAD@Example.COM      the same hash (the address lower-cased): refused
#   bob@spammy.example    sender domain 127.0.0.2, no AUTH (bulk): the
#                         sender refused (550 5.7.1); alice@spammy.example
#                         logged in: accepted and frozen for the operator
#   held@asso.example     sender held by the operator: accepted, frozen
#   news@asso.example     sender 127.0.0.4 (volume): the 21st recipient
#                         in a minute is deferred (ratelimit)
#
# Needs root (ip netns, Exim's setuid start), unbound, swaks, and
# exim4-daemon-light's .deb: fetched once with apt-get download into
# $REBOND_TEST_CACHE (default ~/.cache/rebond-tests); the test skips
# when it can neither fetch it nor find it there.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/e2e/netns.sh"
STUB="$TOP_BUILD/tests/e2e/smtpstub"
SRC=$(cd "$srcdir" && pwd)
export TZ=UTC

command -v swaks >/dev/null 2>&1 ||
    skip_all "no swaks (contrib/deps.sh test installs it)"
[ -x /usr/sbin/unbound ] ||
    skip_all "no /usr/sbin/unbound (contrib/deps.sh test installs it)"
[ "$(id -u)" -eq 0 ] ||
    skip_all "Exim's daemon and network namespaces need root"

# --- Exim from its .deb ------------------------------------------------

CACHE=${REBOND_TEST_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/rebond-tests}
mkdir -p "$CACHE" || skip_all "cannot create $CACHE"
if ! ls "$CACHE"/exim4-daemon-light_*.deb >/dev/null 2>&1; then
	mkdir -p "$T/deb"
	if (cd "$T/deb" && apt-get download exim4-daemon-light) \
	    >"$T/apt.log" 2>&1 && ls "$T/deb"/exim4-daemon-light_*.deb \
	    >/dev/null 2>&1; then
		mv "$T/deb"/exim4-daemon-light_*.deb "$CACHE/"
	else
		skip_all "cannot fetch exim4-daemon-light ($(grep -E '^(E|W):' "$T/apt.log" | head -1)) and none in $CACHE"
	fi
fi
DEB=$(ls "$CACHE"/exim4-daemon-light_*.deb | tail -1)
mkdir -p "$T/exim4"
dpkg -x "$DEB" "$T/exim4" || skip_all "dpkg -x $DEB failed"
EXIM="$T/exim4/usr/sbin/exim4"
[ -x "$EXIM" ] || skip_all "no usr/sbin/exim4 in $DEB"
missing=$(ldd "$EXIM" 2>/dev/null | awk '/not found/ { print $1 }' | tr '\n' ' ')
[ -z "$missing" ] ||
    skip_all "exim4 needs $missing(contrib/deps.sh test installs libidn12)"
EXIM_VERSION=$(basename "$DEB" | cut -d_ -f2)

HOST_ETC=$(cat /etc/passwd /etc/group /etc/resolv.conf | cksum)
ns_setup

# Debian's binary has its user compiled in: Debian-exim.  Unless the host
# has it, the namespace gets a passwd and a group file that add it (ip
# netns exec bind-mounts /etc/netns/NAME/* over /etc), with an unused id.
EXUSER=Debian-exim
if ! getent passwd $EXUSER >/dev/null; then
	EXUID=64990
	while getent passwd $EXUID >/dev/null || getent group $EXUID >/dev/null; do
		EXUID=$((EXUID - 1))
	done
	cp /etc/passwd "$NSETC/passwd"
	cp /etc/group "$NSETC/group"
	echo "$EXUSER:x:$EXUID:$EXUID:Exim test:/nonexistent:/usr/sbin/nologin" \
	    >> "$NSETC/passwd"
	echo "$EXUSER:x:$EXUID:" >> "$NSETC/group"
fi

# --- rebond: what is listed by hand, DNS, the resolver, the stub --------

ctl add rdom gmaiil.com --reason hard >/dev/null
ctl add rcpt gone@example.com --reason complaint >/dev/null
ctl add rcpt recent@example.com --reason recent >/dev/null
ctl add sdom spammy.example --reason hard >/dev/null
ctl add sndr held@asso.example --reason held >/dev/null
ctl add sndr news@asso.example --reason throttle >/dev/null

# "Not listed" is not cached (negative-ttl = 0): the mail after the
# bounce must see the listing at once, not in a minute.
printf '[zones]\nnegative-ttl = 0\n' > "$T/rebond.conf"
ns_start_dnsd -c "$T/rebond.conf"
ns_start_unbound

cat > "$T/rules" <<'EOF'
dead@example.com 550-5.1.1 The email account that you tried to reach does not exist. Please try|550-5.1.1 double-checking the recipient's email address for typos or|550-5.1.1 unnecessary spaces. Learn more at|550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1-20020a170906b8c1si1234567ejb.42 - gsmtp
EOF
nsx "$STUB" -l 127.0.0.1:2526 -r "$T/rules" -p "$T/stub.pid" 2>>"$T/stub.err" &
PIDS="$PIDS $!"
wait_for 5 test -s "$T/stub.pid" || {
	echo "# smtpstub did not start:"; sed 's/^/#   /' "$T/stub.err"; exit 1; }

# --- Exim ----------------------------------------------------------------

chmod 755 "$T"			# Exim's processes run as Debian-exim
EX="$T/exim"
mkdir -p "$EX/spool" "$EX/log"
nsx chown -R $EXUSER:$EXUSER "$EX/spool" "$EX/log"
cat > "$EX/exim.conf" <<EOF
# A throw-away relay: everything goes to smtpstub on 127.0.0.1:2526.
keep_environment =
exim_path = $EXIM
primary_hostname = relay.rebond.test
spool_directory = $EX/spool
log_file_path = $EX/log/%slog
pid_file_path = $EX/exim.pid
local_interfaces = 127.0.0.1
daemon_smtp_ports = 25
hostlist relay_from_hosts = 127.0.0.0/8
domainlist local_domains =
acl_smtp_rcpt = acl_check_rcpt
acl_smtp_data = acl_check_data
tls_advertise_hosts =
rfc1413_hosts =
host_lookup =
log_selector = +smtp_confirmation +received_recipients
timeout_frozen_after = 0s

begin acl
acl_check_rcpt:
  accept  hosts = :
# contrib/exim as it is:
.include $SRC/contrib/exim/rebond.acl
  accept  hosts = +relay_from_hosts
  accept  authenticated = *
  deny    message = relay not permitted
acl_check_data:
.include $SRC/contrib/exim/rebond-data.acl
  accept

begin routers
stub:
  driver = manualroute
  route_list = * 127.0.0.1
  self = send
  transport = remote_smtp

begin transports
remote_smtp:
  driver = smtp
  port = 2526
  allow_localhost
  hosts_try_chunking =
  hosts_try_fastopen =

begin retry
*  *  F,1m,2s

begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = \${if and {{eq{\$auth2}{alice}}{eq{\$auth3}{secret}}}}
  server_set_id = \$auth2
EOF
if ! nsx "$EXIM" -C "$EX/exim.conf" -bV >"$T/exim.bV" 2>&1; then
	echo "# exim -bV:"; sed 's/^/#   /' "$T/exim.bV"; exit 1
fi
ok "exim $EXIM_VERSION accepts the configuration with contrib/exim/rebond.acl" \
    grep -q "^Configuration file is $EX/exim.conf" "$T/exim.bV"
: > "$EX/log/mainlog"
nsx chown $EXUSER "$EX/log/mainlog"
nsx "$EXIM" -C "$EX/exim.conf" -bdf -q2s 2>>"$T/exim.err" &
EXIM_PID=$!
PIDS="$PIDS $EXIM_PID"
ok "exim listens on 127.0.0.1:25 in the namespace" \
    wait_for 10 sh -c "ip netns exec $NS ss -Htln 'sport = :25' | grep -q 127.0.0.1"

"$FEEDER" -d "$STATE" --follow "$EX/log/mainlog" 2>>"$T/feeder.err" &
PIDS="$PIDS $!"

# --- the mails -----------------------------------------------------------

# send FROM RCPT [swaks options]: one message; the transcript in
# $T/swaks.RCPT (the last one to RCPT).
send() {
	_f=$1; _r=$2; shift 2
	nsx swaks --server 127.0.0.1:25 --from "$_f" --to "$_r" \
	    --helo client.asso.example --timeout 15 \
	    --header "Subject: rebond exim e2e to $_r" "$@" \
	    >"$T/swaks.$_r" 2>&1
}
auth() { echo --auth PLAIN --auth-user alice --auth-password secret; }
# reply RCPT TEXT: Exim's refusal (swaks "<**" lines) has TEXT.  Exim
# wraps a long reply into several lines ("550-5.1.1 ...", "550 5.1.1
# ..."): they are joined into one, "550 5.1.1 TEXT".
joined() {
	grep '^<\*\*' "$T/swaks.$1" | sed 's/^<\*\* *//' | awk '
	{
		code = substr($0, 1, 3); line = substr($0, 5); ext = ""
		if (match(line, /^[245]\.[0-9]+\.[0-9]+ /)) {
			ext = substr(line, 1, RLENGTH - 1)
			line = substr(line, RLENGTH + 1)
		}
		text = text (NR > 1 ? " " : "") line
	}
	END { if (NR) print code " " (ext != "" ? ext " " : "") text }'
}
reply() {
	_r=$1; shift
	joined "$_r" | grep -F "$*" >/dev/null && return 0
	echo "swaks to $_r: $(joined "$_r")"
	grep -E '^ *(<\*\*|<-|->) *(RCPT|MAIL|AUTH|[245][0-9][0-9])' "$T/swaks.$_r" | tail -6
	return 1
}
TAIL='if this is wrong, ask your postmaster to delist it'
MAINLOG="$EX/log/mainlog"

ok "good@example.com: accepted" send alice@asso.example good@example.com
ok "... and delivered to the stub" \
    wait_for 20 grep -q '=> good@example.com .*C="250' "$MAINLOG"

ok "dead@example.com, first mail: accepted (nothing known yet)" \
    send alice@asso.example dead@example.com
ok "... it bounces at the stub (550 5.1.1)" \
    wait_for 20 grep -q '\*\* dead@example.com .*550-5.1.1' "$MAINLOG"
ok "... and the feeder lists it (127.0.0.2)" \
    wait_for 20 sh -c "'$CTL' -d '$STATE' lookup dead@example.com | grep -q '^rcpt .*127.0.0.2'"
DEAD=$(sha1 dead@example.com)
ok "unbound answers $DEAD.rcpt.rebond.test (the hash Exim asks)" \
    sh -c "ip netns exec $NS dig +short @127.0.0.1 $(echo "$DEAD" | tr a-f A-F).rcpt.rebond.test A | grep -qx 127.0.0.2"
send alice@asso.example dead@example.com
ok "dead@example.com, next mail: refused at RCPT, 550 5.1.1, \$dnslist_text in the reply" \
    reply dead@example.com "550 5.1.1 <dead@example.com>: listed by rebond (rcpt.rebond.test: 127.0.0.2 does not exist (hard bounce) 5.1.1; first "
ok "... the reply ends with the helpful text" \
    reply dead@example.com "1 relay); $TAIL"
ok "... Exim logged the refusal" \
    grep -q 'F=<alice@asso.example> rejected RCPT <dead@example.com>: listed by rebond: rcpt.rebond.test 127.0.0.2' "$MAINLOG"
send ALICE@Asso.Example DEAD@Example.COM
ok "DEAD@Example.COM (the hash of the lower-cased address): refused too" \
    reply DEAD@Example.COM "550 5.1.1 <dead@example.com>: listed by rebond (rcpt.rebond.test: 127.0.0.2"

send alice@asso.example x@gmaiil.com
ok "x@gmaiil.com (rdom 127.0.0.2): refused, 550 5.1.2" \
    reply x@gmaiil.com "550 5.1.2 <x@gmaiil.com>: listed by rebond (rdom.rebond.test: 127.0.0.2 does not exist (hard bounce)"
send alice@asso.example gone@example.com
ok "gone@example.com (rcpt 127.0.0.5, complained): refused, 550 5.7.1" \
    reply gone@example.com "550 5.7.1 <gone@example.com>: listed by rebond (rcpt.rebond.test: 127.0.0.5 the recipient complained"

send app@asso.example recent@example.com
ok "recent@example.com (127.0.0.4), no AUTH (bulk): deferred, 450 4.7.1" \
    reply recent@example.com "450 4.7.1 <recent@example.com>: listed by rebond (rcpt.rebond.test: 127.0.0.4 recent soft bounce"
ok "recent@example.com, alice logged in: accepted" \
    send alice@asso.example recent@example.com $(auth)

send bob@spammy.example good@example.com
ok "sender bob@spammy.example (sdom 127.0.0.2), no AUTH: refused, 550 5.7.1" \
    reply good@example.com "550 5.7.1 <bob@spammy.example>: sender listed by rebond (sdom.rebond.test: 127.0.0.2 "
ok "sender alice@spammy.example, logged in: accepted" \
    send alice@spammy.example frozen1@example.com $(auth)
ok "... and frozen for the operator" \
    wait_for 10 sh -c "ip netns exec $NS '$EXIM' -C '$EX/exim.conf' -bp | grep -A1 'alice@spammy.example' | grep -q frozen"
ok "sender held@asso.example (held by the operator): accepted" \
    send held@asso.example frozen2@example.com
ok "... and frozen" \
    wait_for 10 sh -c "ip netns exec $NS '$EXIM' -C '$EX/exim.conf' -bp | grep -A1 'held@asso.example' | grep -q frozen"
ok "... Exim logged why" \
    grep -q 'frozen: sender listed by rebond: sndr.rebond.test 127.0.0.10' "$MAINLOG"

# news@ has unusual volume (127.0.0.4): 20 recipients a minute, then 450.
to=$(seq -f 'reader%g@example.com' 1 21 | tr '\n' ',' | sed 's/,$//')
send news@asso.example reader21@example.com --to "$to"
ok "sender news@asso.example (127.0.0.4): 20 recipients accepted" \
    test "$(grep -c '^<-  250 .*Accepted' "$T/swaks.reader21@example.com")" -ge 20
ok "... the 21st deferred (450 4.7.1, ratelimit)" \
    reply reader21@example.com "450 4.7.1 <news@asso.example>: unusual volume, listed by rebond (sndr.rebond.test: 127.0.0.4"

ok "good@example.com from alice: still accepted" \
    send alice@asso.example good@example.com
ok "the web form of asso.example, writing as its visitor: accepted" \
    send www-data@asso.example contact@example.com \
    --header "From: Un visiteur <visiteur@yahoo.fr>"

# --- what the feeder made of Exim's log ------------------------------------

ok "the feeder: dead@example.com listed for the bounce, status 5.1.1" \
    sh -c "'$CTL' -d '$STATE' explain dead@example.com | grep -q 'status 5.1.1'"
ok "good@example.com is not listed" \
    sh -c "! '$CTL' -d '$STATE' lookup good@example.com | grep '^rcpt '"
ok "rdom: only the listing made by hand" \
    sh -c "[ \"\$('$CTL' -d '$STATE' list rdom | wc -l)\" -eq 1 ]"
# alice's counters: "HARD BLOCKED_BY_LIST".  Her refusals at RCPT
# (dead twice, x@gmaiil.com, gone@) were stopped by our own list: they
# are not bounces.
alice() {
	ctl stats --by sender --json | tr -d '\n' | sed 's/},/}\n/g' |
	    grep '"key": "alice@asso.example"' |
	    sed -n 's/.*"hard": \([0-9]*\),.*"blocked_by_list": \([0-9]*\).*/\1 \2/p'
}
alice_is() { [ "$(alice)" = "$1" ]; }
wait_for 10 alice_is "1 4"
echo "# alice@asso.example: hard blocked_by_list = $(alice)"
ok "the feeder counts alice's 4 refusals as blocked_by_list, 1 hard bounce" \
    alice_is "1 4"
webform() {
	ctl report > "$T/report" 2>&1 &&
	grep -qx "  www-data@asso.example wrote as From: ...@yahoo.fr" "$T/report"
}
ok "report: the web form (contrib/exim/rebond-data.acl logged From:)" \
    wait_for 10 webform
ok "report: ... not alice, whose From: is her own" \
    sh -c "! grep -q 'alice@asso.example wrote' '$T/report'"
ok "the feeder read Exim's log without a malformed line" \
    sh -c "! grep -qi malformed '$T/feeder.err'"

# --- stop, and nothing left --------------------------------------------------

kill "$EXIM_PID" 2>/dev/null
ok "the host's /etc/passwd, /etc/group and /etc/resolv.conf are untouched" \
    test "$(cat /etc/passwd /etc/group /etc/resolv.conf | cksum)" = "$HOST_ETC"
if [ "$tap_failed" -gt 0 ]; then
	echo "# mainlog:"; sed 's/^/#   /' "$MAINLOG" | head -80
	echo "# paniclog:"; sed 's/^/#   /' "$EX/log/paniclog" 2>/dev/null | head -20
	echo "# exim:"; sed 's/^/#   /' "$T/exim.err" | head -20
	echo "# feeder:"; sed 's/^/#   /' "$T/feeder.err" | head -20
fi
done_testing

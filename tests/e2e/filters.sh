#!/bin/sh
# Inbound filters against the hashed zones, with the shipped examples:
# SpamAssassin with contrib/spamassassin/rebond.cf (HashBL, DNSEval) and,
# with E2E_RSPAMD=1 (rspamd takes some 20 s to start), rspamd with
# contrib/rspamd/rbl.conf as its local.d/rbl.conf.  In a network
# namespace of the test's own (tests/e2e/netns.sh): rebond-dnsd and
# unbound with contrib/unbound/rebond.conf, which the namespace's
# resolv.conf names.
#
# Asserts that each rule fires on a message made for it (addresses at
# gmail.com, which the filters skip unless told not to, and in mixed
# case), and that none fires on a message whose addresses are not
# listed.
#
# Needs root (ip netns), unbound; spamassassin (its part skipped
# without it), rspamd and rspamc for the rspamd part.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/e2e/netns.sh"

skip() {	# skip "description" "reason"
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

[ -x /usr/sbin/unbound ] ||
    skip_all "no /usr/sbin/unbound (contrib/deps.sh test installs it)"
command -v spamassassin >/dev/null 2>&1 ||
    [ -n "${E2E_RSPAMD:-}" ] ||
    skip_all "no spamassassin (contrib/deps.sh test installs it)"
ns_setup

ctl add rcpt deaduser@gmail.com --reason hard >/dev/null
ctl add rcpt forged@asso-mail.fr --reason hard >/dev/null
ctl add sndr spammer@bulk-mail.fr --reason complaint >/dev/null
ctl add sdom bulk-mail.fr --reason spam >/dev/null
ns_start_dnsd
ns_start_unbound

# mail NAME ENVFROM FROM REPLYTO BODY: $T/NAME.eml, Return-Path included.
mail() {
	cat > "$T/$1.eml" <<EOF
Return-Path: <$2>
Received: from mx.sender.example (mx.sender.example [192.0.2.25])
	by mx.rebond.test with ESMTP id 4ABC; Sun, 22 Nov 2026 10:00:00 +0000
From: Someone <$3>
Reply-To: $4
To: alice@asso.example
Subject: rebond filters test
Message-ID: <$1.20261122@sender.example>
Date: Sun, 22 Nov 2026 10:00:00 +0000

Hello,
$5
EOF
}
# Forged: the envelope sender and From: are addresses that bounce; the
# body and Reply-To: name another, at gmail.com; all in mixed case.
# (No dot in the gmail.com user name: rspamd's emails and replyto checks
# drop it before hashing, see contrib/rspamd/rbl.conf.)
mail forged Forged@Asso-Mail.FR Forged@Asso-Mail.FR DeadUser@Gmail.com \
    "write to DeadUser@gmail.com"
# A sender whose mail draws complaints, from a domain refused as spam.
mail bulk Spammer@Bulk-Mail.FR news@bulk-mail.fr news@bulk-mail.fr "news"
# Nothing listed.
mail clean bob@other-mail.fr bob@other-mail.fr bob@other-mail.fr "hi"

# --- SpamAssassin --------------------------------------------------------

if command -v spamassassin >/dev/null 2>&1; then
	ok "spamassassin --lint accepts contrib/spamassassin/rebond.cf" \
	    spamassassin --lint --cf="include $srcdir/contrib/spamassassin/rebond.cf"
	for m in forged bulk clean; do
		nsx spamassassin -t \
		    --cf="envelope_sender_header Return-Path" \
		    --cf="include $srcdir/contrib/spamassassin/rebond.cf" \
		    < "$T/$m.eml" > "$T/sa.$m" 2>"$T/sa.$m.err"
	done
	# The rules that fired, from the X-Spam-Status header.
	sa_rules() {
		sed -n '/^X-Spam-Status:/,/^[^ \t]/p' "$T/sa.$1" |
		    tr -s ' \t\n,' '\n' | grep '^REBOND_' | sort | tr '\n' ' '
	}
	echo "# spamassassin: forged: $(sa_rules forged)"
	echo "# spamassassin: bulk: $(sa_rules bulk)"
	ok "SA forged: REBOND_ENVFROM_DEAD, REBOND_FROM_DEAD, REBOND_EMAIL_DEAD" \
	    test "$(sa_rules forged)" = "REBOND_EMAIL_DEAD REBOND_ENVFROM_DEAD REBOND_FROM_DEAD "
	ok "SA bulk: REBOND_SENDER_LISTED (sndr), REBOND_SENDER_DOMAIN (sdom)" \
	    test "$(sa_rules bulk)" = "REBOND_SENDER_DOMAIN REBOND_SENDER_LISTED "
	ok "SA clean: no REBOND_ rule" test -z "$(sa_rules clean)"
else
	skip "SpamAssassin with contrib/spamassassin/rebond.cf" "no spamassassin"
fi

# --- rspamd ----------------------------------------------------------------

if [ -z "${E2E_RSPAMD:-}" ]; then
	skip "rspamd with contrib/rspamd/rbl.conf" "slow: E2E_RSPAMD=1 runs it"
elif ! command -v rspamd >/dev/null 2>&1 || ! command -v rspamc >/dev/null 2>&1; then
	skip "rspamd with contrib/rspamd/rbl.conf" "no rspamd (Debian's rspamd)"
else
	# Debian's /etc/rspamd, with a local.d of our own: the shipped
	# file, our resolver, a normal worker on 127.0.0.1:11333, no other.
	R="$T/rspamd"
	mkdir -p "$R/local.d" "$R/db" "$R/run" "$R/log"
	cp "$srcdir/contrib/rspamd/rbl.conf" "$R/local.d/rbl.conf"
	echo 'dns { nameserver = ["127.0.0.1:53"]; }' > "$R/local.d/options.inc"
	echo 'type = "console"; level = "notice";' > "$R/local.d/logging.inc"
	echo 'bind_socket = "127.0.0.1:11333";' > "$R/local.d/worker-normal.inc"
	echo 'count = 0;' > "$R/local.d/worker-controller.inc"
	echo 'count = 0;' > "$R/local.d/worker-proxy.inc"
	nsx rspamd -f -i -u root -g root -c /etc/rspamd/rspamd.conf \
	    --var="LOCAL_CONFDIR=$R" --var="DBDIR=$R/db" \
	    --var="RUNDIR=$R/run" --var="LOGDIR=$R/log" \
	    >"$T/rspamd.log" 2>&1 &
	PIDS="$PIDS $!"
	ok "rspamd starts with contrib/rspamd/rbl.conf (within 60 s)" \
	    wait_for 60 sh -c "ip netns exec $NS ss -Htln 'sport = :11333' | grep -q ."
	for m in forged bulk clean; do
		env_from=$(sed -n 's/^Return-Path: <\(.*\)>$/\1/p' "$T/$m.eml")
		nsx rspamc -h 127.0.0.1:11333 -i 192.0.2.25 -F "$env_from" \
		    symbols < "$T/$m.eml" > "$T/rs.$m" 2>&1
	done
	rs_syms() {
		sed -n 's/^Symbol: \(REBOND_[A-Z_]*\).*/\1/p' "$T/rs.$1" | sort | tr '\n' ' '
	}
	echo "# rspamd: forged: $(rs_syms forged)"
	echo "# rspamd: bulk: $(rs_syms bulk)"
	ok "rspamd forged: REBOND_ENVFROM_NOT_EXIST, REBOND_FROM_NOT_EXIST, REBOND_EMAIL_NOT_EXIST" \
	    test "$(rs_syms forged)" = "REBOND_EMAIL_NOT_EXIST REBOND_ENVFROM_NOT_EXIST REBOND_FROM_NOT_EXIST "
	ok "rspamd bulk: REBOND_SENDER_COMPLAINTS (sndr), REBOND_SENDER_DOMAIN_SPAM (sdom)" \
	    test "$(rs_syms bulk)" = "REBOND_SENDER_COMPLAINTS REBOND_SENDER_DOMAIN_SPAM "
	ok "rspamd clean: no REBOND_ symbol" test -z "$(rs_syms clean)"
fi

if [ "$tap_failed" -gt 0 ]; then
	for f in "$T"/sa.*.err "$T/rspamd.log"; do
		[ -f "$f" ] || continue
		echo "# $f:"; grep -iE 'error|warn|rebond' "$f" | head -10 | sed 's/^/#   /'
	done
fi
done_testing

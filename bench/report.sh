#!/bin/sh
# bench/report.sh - what an operator's commands cost on a big store:
# rebondctl report, metrics and stats on a store with LISTINGS imported
# listings and DAYS days of counters (a generated Postfix log of PERDAY
# messages a day to DOMAINS recipient domains from SENDERS senders, fed
# to rebond-feeder), each timed over RUNS runs.
#
#   bench/report.sh [LISTINGS [DAYS [PERDAY]]]    (1000000 365 2000)
#
# BUILD=dir uses an existing build directory (configured without
# sanitizers, for figures that mean something); by default the tree is
# built in build/bench as bench/feeder.sh does.  DOMAINS (default 3000),
# SENDERS (300), RUNS (5) and KEEP=1 (keep the store) in the environment.
set -eu
# Started as root, the daemons would switch to the rebond user: keep
# root for these runs in a temporary directory.
KEEP_ROOT=""
[ "$(id -u)" -ne 0 ] || KEEP_ROOT="-u root"
LISTINGS=${1:-1000000}
DAYS=${2:-365}
PERDAY=${3:-2000}
DOMAINS=${DOMAINS:-3000}
SENDERS=${SENDERS:-300}
RUNS=${RUNS:-5}
top=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/rebond-rbench.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$W"' EXIT INT TERM
trap 'exit 1' INT TERM

if [ -n "${BUILD:-}" ]; then
	B=$BUILD
	(cd "$B" && make rebondctl rebond-feeder >/dev/null)
else
	[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
	B="$top/build/bench"
	mkdir -p "$B"
	(cd "$B" && { [ -f Makefile ] || "$top/configure" -q; } &&
	    make rebondctl rebond-feeder >/dev/null 2>&1)
fi
CTL="$B/rebondctl"
FEEDER="$B/rebond-feeder"
S="$W/state"
# The last day of the log, 23:00 UTC: the commands run "then".
END=$(( ($(date +%s) / 86400) * 86400 + 82800 ))
export REBOND_NOW=$END TZ=UTC

ms() {	# ms COMMAND...: wall time of the best of RUNS runs, in ms
	best=
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(date +%s%N)
		"$@" > "$W/out"
		t1=$(date +%s%N)
		t=$(( (t1 - t0) / 1000000 ))
		if [ -z "$best" ] || [ $t -lt $best ]; then best=$t; fi
		i=$((i + 1))
	done
	echo "$best"
}

echo "== $LISTINGS listings (rbldnsd dnset of random SHA-1 hashes)"
od -An -tx1 -v -N $((LISTINGS * 20)) /dev/urandom | tr -d ' \n' |
    fold -w 40 > "$W/hashes.dnset"
echo >> "$W/hashes.dnset"
t0=$(date +%s)
"$CTL" -d "$S" import rcpt "$W/hashes.dnset" 2>"$W/import.err" ||
    { cat "$W/import.err"; exit 1; }
echo "   imported in $(( $(date +%s) - t0 )) s"

echo "== $DAYS days x $PERDAY messages ($DOMAINS domains, $SENDERS senders)"
awk -v days="$DAYS" -v perday="$PERDAY" -v doms="$DOMAINS" \
    -v snds="$SENDERS" -v end="$END" 'BEGIN {
	srand(11)
	for (d = days - 1; d >= 0; d--) {
		day = end - d * 86400
		date = strftime("%Y-%m-%d", day, 1)
		for (i = 0; i < perday; i++) {
			q++
			id = sprintf("B%09X", q)
			t = sprintf("%sT%02d:%02d:%02d+00:00", date, int(i * 20 / 3600) % 23,
			    int(i * 20 / 60) % 60, i * 20 % 60)
			u = int(rand() * snds)
			printf "%s relay postfix/smtpd[1]: %s: client=mail.example[192.0.2.1], sasl_method=PLAIN, sasl_username=user%d\n", t, id, u
			printf "%s relay postfix/qmgr[2]: %s: from=<user%d@asso%d.example>, size=1000, nrcpt=1 (queue active)\n", t, id, u, u % 20
			r = rand(); dm = int(rand() * doms)
			to = sprintf("r%d@example%d.com", int(rand() * 100000), dm)
			if (r < 0.9)
				printf "%s relay postfix/smtp[3]: %s: to=<%s>, relay=mx.example%d.com[198.51.100.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 OK)\n", t, id, to, dm
			else if (r < 0.96)
				printf "%s relay postfix/smtp[3]: %s: to=<%s>, relay=mx.example%d.com[198.51.100.1]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx said: 550 5.1.1 <%s>: Recipient address rejected: User unknown (in reply to RCPT TO command))\n", t, id, to, dm, to
			else if (r < 0.99)
				printf "%s relay postfix/smtp[3]: %s: to=<%s>, relay=mx.example%d.com[198.51.100.1]:25, delay=1, delays=0/0/0/1, dsn=4.7.1, status=deferred (host mx said: 450 4.7.1 Greylisted (in reply to RCPT TO command))\n", t, id, to, dm
			else
				printf "%s relay postfix/smtp[3]: %s: to=<%s>, relay=mx.example%d.com[198.51.100.1]:25, delay=1, delays=0/0/0/1, dsn=5.7.1, status=bounced (host mx said: 550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus (in reply to RCPT TO command))\n", t, id, to, dm
			printf "%s relay postfix/qmgr[2]: %s: removed\n", t, id
		}
	}
}' > "$W/mail.log"
t0=$(date +%s)
"$FEEDER" $KEEP_ROOT -d "$S" --stdin < "$W/mail.log" 2>"$W/feed.err" ||
    { cat "$W/feed.err"; exit 1; }
echo "   $(wc -l < "$W/mail.log") lines fed in $(( $(date +%s) - t0 )) s"
"$CTL" -d "$S" metrics > "$W/metrics"
grep -E '^rebond_(listed_keys\{zone="rcpt"\}|store_used_bytes|store_entries\{db="(listing|counters)"\})' "$W/metrics" |
    sed 's/^/   /'

echo "== best of $RUNS runs (ms)"
printf '   %-40s %6s\n' "rebondctl metrics" "$(ms "$CTL" -d "$S" metrics)"
printf '   %-40s %6s\n' "rebondctl report" "$(ms "$CTL" -d "$S" report)"
printf '   %-40s %6s\n' "rebondctl report --json" "$(ms "$CTL" -d "$S" report --json)"
printf '   %-40s %6s\n' "rebondctl report --days 7" "$(ms "$CTL" -d "$S" report --days 7)"
printf '   %-40s %6s\n' "rebondctl report --days 365" "$(ms "$CTL" -d "$S" report --days 365)"
printf '   %-40s %6s\n' "rebondctl stats --by sender --days 7" "$(ms "$CTL" -d "$S" stats --by sender --days 7)"
printf '   %-40s %6s\n' "rebondctl stats --by recipient-domain" "$(ms "$CTL" -d "$S" stats --by recipient-domain)"
printf '   %-40s %6s\n' "rebondctl list rcpt (a walk, to compare)" "$(ms "$CTL" -d "$S" list rcpt)"
[ -z "${KEEP:-}" ] || echo "store kept in $S"

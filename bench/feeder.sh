#!/bin/sh
# bench/feeder.sh - rebond-feeder against pflogsumm on the same generated
# Postfix log, in the same run.
#
#   bench/feeder.sh [LINES]        (default 1000000)
#   RUNS=3 BUILD=DIR               (the defaults: 3, build/bench)
#
# The log mixes what a relay sees: submissions by SASL users and peer
# relays, deliveries (most), hard bounces, deferrals, greylisting, IP
# blocks, bounce notifications.  Each program reads it RUNS times, in
# turn (rebond-feeder into a fresh store each time); the best run of each
# is reported, the one the rest of the machine disturbed least: lines per
# second, CPU time, the ratio, peak memory (max RSS) and the listings
# written.  BUILD: a build tree to use (configured there if it is not).
set -eu
LINES=${1:-1000000}
RUNS=${RUNS:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/rebond-fbench.XXXXXX)
trap 'rm -rf "$W"' EXIT INT TERM

"$top/contrib/deps.sh" bench
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
B=${BUILD:-"$top/build/bench"}
mkdir -p "$B"
(cd "$B" && { [ -f Makefile ] || "$top/configure" -q; } &&
    make rebond-feeder rebondctl >/dev/null 2>&1)

echo "== generating $LINES lines"
awk -v lines="$LINES" 'BEGIN {
	srand(7); n = 0; q = 0
	while (n < lines) {
		q++
		id = sprintf("%X%05X", 16 + q % 200, q)
		s = sprintf("%02d:%02d:%02d", int(q / 3600) % 24, int(q / 60) % 60, q % 60)
		u = int(rand() * 300)
		if (rand() < 0.8)
			printf "Nov 20 %s relay postfix/smtpd[%d]: %s: client=mail.asso%d.example[192.0.2.%d], sasl_method=PLAIN, sasl_username=user%d\n", s, 1000 + u, id, u % 20, u % 250 + 1, u
		else
			printf "Nov 20 %s relay postfix/smtpd[%d]: %s: client=relay.peer%d.example[203.0.113.%d]\n", s, 1000 + u, id, u % 5, u % 5 + 1
		printf "Nov 20 %s relay postfix/cleanup[2002]: %s: message-id=<%d.%s@asso%d.example>\n", s, id, q, id, u % 20
		printf "Nov 20 %s relay postfix/qmgr[2003]: %s: from=<user%d@asso%d.example>, size=%d, nrcpt=1 (queue active)\n", s, id, u, u % 20, 1000 + int(rand() * 50000)
		n += 3
		r = rand(); rc = int(rand() * 200000)
		to = sprintf("rcpt%d@example%d.com", rc, rc % 500)
		if (r < 0.85)
			printf "Nov 20 %s relay postfix/smtp[3001]: %s: to=<%s>, relay=mx.example%d.com[198.51.100.%d]:25, delay=0.9, delays=0.1/0/0.3/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %X)\n", s, id, to, rc % 500, rc % 250 + 1, q * 7
		else if (r < 0.90)
			printf "Nov 20 %s relay postfix/smtp[3001]: %s: to=<%s>, relay=mx.example%d.com[198.51.100.%d]:25, delay=0.9, delays=0.1/0/0.3/0.5, dsn=5.1.1, status=bounced (host mx.example%d.com[198.51.100.%d] said: 550 5.1.1 <%s>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))\n", s, id, to, rc % 500, rc % 250 + 1, rc % 500, rc % 250 + 1, to
		else if (r < 0.94)
			printf "Nov 20 %s relay postfix/smtp[3001]: %s: to=<%s>, relay=mx.example%d.com[198.51.100.%d]:25, delay=0.9, delays=0.1/0/0.3/0.5, dsn=4.2.2, status=deferred (host mx.example%d.com[198.51.100.%d] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))\n", s, id, to, rc % 500, rc % 250 + 1, rc % 500, rc % 250 + 1
		else if (r < 0.97)
			printf "Nov 20 %s relay postfix/smtp[3001]: %s: to=<%s>, relay=mx.example%d.com[198.51.100.%d]:25, delay=0.9, delays=0.1/0/0.3/0.5, dsn=4.7.1, status=deferred (host mx.example%d.com[198.51.100.%d] said: 450 4.7.1 <%s>: Recipient address rejected: Greylisted, see http://postgrey.example/help (in reply to RCPT TO command))\n", s, id, to, rc % 500, rc % 250 + 1, rc % 500, rc % 250 + 1, to
		else
			printf "Nov 20 %s relay postfix/smtp[3001]: %s: to=<%s>, relay=mx.example%d.com[198.51.100.%d]:25, delay=0.9, delays=0.1/0/0.3/0.5, dsn=5.7.1, status=bounced (host mx.example%d.com[198.51.100.%d] said: 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org (in reply to RCPT TO command))\n", s, id, to, rc % 500, rc % 250 + 1, rc % 500, rc % 250 + 1
		printf "Nov 20 %s relay postfix/qmgr[2003]: %s: removed\n", s, id
		n += 2
	}
}' > "$W/mail.log"
echo "$(wc -l < "$W/mail.log") lines, $(du -h "$W/mail.log" | cut -f1)"

run() {	# NAME CMD...: one run, its wall time, CPU time and max RSS noted
	name=$1; shift
	/usr/bin/time -f "%e %U %S %M" -o "$W/$name.time" "$@" > "$W/$name.out" 2> "$W/$name.err" < "$W/mail.log"
	echo "$name $(cat "$W/$name.time")" >> "$W/runs"
}

best() {	# NAME: says the best of its runs; sets NAME_lps and NAME_cpu
	awk -v n="$1" -v l="$(wc -l < "$W/mail.log")" -v vars="$W/best" '
	    $1 == n { r++; if (b == "" || $2 < b) { b = $2; c = $3 + $4 }
		if ($5 > m) m = $5 }
	    END { if (b <= 0) b = 0.001
		printf "%s: best of %d runs: %.2f s (%.2f s CPU), %.0f lines/s, max RSS %d MiB\n", n, r, b, c, l / b, m / 1024
		printf "%s_lps=%.0f %s_cpu=%.2f\n", n, l / b, n, c > vars }' "$W/runs"
	. "$W/best"
}

echo "== $RUNS runs each, in turn: rebond-feeder --stdin (a fresh store each time, every listing written), pflogsumm"
export TZ=UTC
# Started as root, rebond-feeder runs as [global] user unless -u says
# otherwise (builds before -u existed stay who they are).
as=""
if "$B/rebond-feeder" -h | grep -q -e "-u USER"; then
	as="-u $(id -un)"
fi
for _ in $(seq "$RUNS"); do
	rm -rf "$W/state"
	# shellcheck disable=SC2086
	run feeder "$B/rebond-feeder" $as -d "$W/state" --stdin
	run pflogsumm pflogsumm --problems-first
done
echo "== rebond-feeder"
best feeder
tail -1 "$W/feeder.err"
echo "listings: $("$B/rebondctl" -d "$W/state" list | wc -l) (store $(du -sh "$W/state" | cut -f1))"
echo "== pflogsumm"
best pflogsumm
head -12 "$W/pflogsumm.out" | sed 's/^/  /'
awk -v a="$feeder_lps" -v b="$pflogsumm_lps" -v c="$feeder_cpu" -v d="$pflogsumm_cpu" 'BEGIN {
	printf "== ratio: rebond-feeder is %.1fx pflogsumm (%.1fx in CPU time)\n", a / b, d / (c > 0 ? c : 0.01) }'

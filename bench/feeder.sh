#!/bin/sh
# bench/feeder.sh - rebond-feeder against pflogsumm on the same generated
# Postfix log, in the same run.
#
#   bench/feeder.sh [LINES]        (default 1000000)
#
# The log mixes what a relay sees: submissions by SASL users and peer
# relays, deliveries (most), hard bounces, deferrals, greylisting, IP
# blocks, bounce notifications.  Reports lines per second, the ratio,
# peak memory (max RSS) and the listings written.
set -eu
LINES=${1:-1000000}
top=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/rebond-fbench.XXXXXX)
trap 'rm -rf "$W"' EXIT INT TERM

"$top/contrib/deps.sh" bench
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
B="$top/build/bench"
mkdir -p "$B"
(cd "$B" && { [ -f Makefile ] || "$top/configure" -q; } && make -j2 >/dev/null 2>&1)

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

run() {	# NAME CMD...: wall time and max RSS
	name=$1; shift
	/usr/bin/time -f "%e %M" -o "$W/$name.time" "$@" > "$W/$name.out" 2> "$W/$name.err" < "$W/mail.log"
	read -r secs kb < "$W/$name.time"
	lps=$(awk -v l="$(wc -l < "$W/mail.log")" -v s="$secs" 'BEGIN { printf "%.0f", l / (s > 0 ? s : 0.001) }')
	echo "$name: $secs s, $lps lines/s, max RSS $((kb / 1024)) MiB"
	eval "${name}_lps=$lps"
}

echo "== rebond-feeder --stdin (fresh store, every listing written)"
export TZ=UTC
run feeder "$B/rebond-feeder" -d "$W/state" --stdin
tail -1 "$W/feeder.err"
echo "listings: $("$B/rebondctl" -d "$W/state" list | wc -l) (store $(du -sh "$W/state" | cut -f1))"
echo "== pflogsumm"
run pflogsumm pflogsumm --problems-first
head -12 "$W/pflogsumm.out" | sed 's/^/  /'
awk -v a="$feeder_lps" -v b="$pflogsumm_lps" 'BEGIN { printf "== ratio: rebond-feeder is %.1fx pflogsumm\n", a / b }'

#!/bin/sh
# Quick start: install what is needed, build, and run rebond on its
# embedded defaults: rebond-dnsd on 127.0.0.1:5353, rebond-feeder
# receiving syslog on udp:127.0.0.1:5514, rebond-sync serving peers on
# 127.0.0.1:8853 (none yet: it makes the node key and waits), state in
# ./rebond-state, zones under rebond.test.  A Postfix bounce is sent to
# the feeder as syslog would, and the listing it makes is shown in DNS.
# Ctrl-C stops it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
contrib/deps.sh
[ -x configure ] || autoreconf -fi
mkdir -p build/release
cd build/release
[ -f Makefile ] || ../../configure -q
make -j"$(nproc)" >/dev/null
cd "$top"
B=build/release
# Started as root, the daemons switch to the rebond user, or refuse to
# run if there is none: this demonstration, in the source tree, keeps
# root instead.
U=""
[ "$(id -u)" -ne 0 ] || U="-u root"

"$B/rebond-dnsd" -f $U &
dnsd=$!
"$B/rebond-feeder" $U &
feeder=$!
"$B/rebond-sync" $U &
sync=$!
trap 'kill $dnsd $feeder $sync 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
for _ in $(seq 50); do
	dig +short +time=1 +tries=1 @127.0.0.1 -p 5353 test.rcpt.rebond.test A 2>/dev/null |
	    grep -q 127.0.0.2 && break
	sleep 0.1
done

echo
echo "Sending a Postfix bounce line to the feeder (as rsyslog would):"
line='8C2F1A0042: to=<nobody@example.org>, relay=mx.example.org[198.51.100.7]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.org[198.51.100.7] said: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command))'
echo "  postfix/smtp: $line"
logger --rfc3164 -d -n 127.0.0.1 -P 5514 -t postfix/smtp --id=4242 "$line"
sleep 1

h=$(printf '%s' 'nobody@example.org' | sha1sum | cut -c1-40)
echo
echo "\$ dig @127.0.0.1 -p 5353 $h.rcpt.rebond.test A TXT +short"
dig +short @127.0.0.1 -p 5353 "$h.rcpt.rebond.test" A
dig +short @127.0.0.1 -p 5353 "$h.rcpt.rebond.test" TXT
echo
echo "\$ rebondctl explain nobody@example.org"
"$B/rebondctl" explain nobody@example.org
echo
echo "\$ rebondctl id      # this node's id, for the peers' operators"
for _ in $(seq 50); do "$B/rebondctl" id 2>/dev/null && break; sleep 0.1; done
echo
echo "rebond-dnsd serves 127.0.0.1:5353, rebond-feeder listens on udp:127.0.0.1:5514,"
echo "rebond-sync serves peers on 127.0.0.1:8853 (add one: rebondctl peer add NAME"
echo "--key ID --url http://HOST:8853 --trust full --share yes); state is in"
echo "./rebond-state.  Ctrl-C stops them."
wait $dnsd

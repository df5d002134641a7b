#!/bin/sh
# Quick start: install what is needed, build, and run rebond on its
# embedded defaults (DNS on 127.0.0.1:5353, state in ./rebond-state,
# zones under rebond.test), then show a DNS answer.  Ctrl-C stops it.
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

"$B/rebond-dnsd" -f &
dnsd=$!
trap 'kill $dnsd 2>/dev/null; wait $dnsd 2>/dev/null' EXIT INT TERM
for _ in $(seq 50); do
	dig +short +time=1 +tries=1 @127.0.0.1 -p 5353 test.rcpt.rebond.test A 2>/dev/null |
	    grep -q 127.0.0.2 && break
	sleep 0.1
done

h=$(printf '%s' 'nobody@example.org' | sha1sum | cut -c1-40)
"$B/rebondctl" add rcpt nobody@example.org --reason hard --status 5.1.1
echo
echo "\$ dig @127.0.0.1 -p 5353 $h.rcpt.rebond.test ANY +short"
dig +short @127.0.0.1 -p 5353 "$h.rcpt.rebond.test" A
dig +short @127.0.0.1 -p 5353 "$h.rcpt.rebond.test" TXT
echo
echo "\$ rebondctl explain nobody@example.org"
"$B/rebondctl" explain nobody@example.org
echo
echo "rebond-dnsd is serving on 127.0.0.1:5353 from ./rebond-state; Ctrl-C stops it."
wait $dnsd

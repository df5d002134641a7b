#!/bin/sh
# Run every fuzz target over its seed corpus and past crashes (TAP).
n=0; failed=0
for t in answer dnset conf record rules mail loglines policy batch peerwire spf dmarc; do
	n=$((n + 1))
	if "$builddir/fuzz/fuzz_$t" "$srcdir/fuzz/corpus/$t" > /dev/null 2>"${TMPDIR:-/tmp}/fuzz-$t.$$"; then
		echo "ok $n - fuzz_$t corpus"
	else
		echo "not ok $n - fuzz_$t corpus"; sed 's/^/#   /' "${TMPDIR:-/tmp}/fuzz-$t.$$" | head -30
		failed=1
	fi
	rm -f "${TMPDIR:-/tmp}/fuzz-$t.$$"
done
echo "1..$n"
exit $failed

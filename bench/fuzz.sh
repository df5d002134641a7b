#!/bin/sh
# bench/fuzz.sh - a fuzzing campaign: every libFuzzer target (ASan+UBSan)
# for SECONDS of wall time each, one after the other, at low priority.
#
#   bench/fuzz.sh [SECONDS] [TARGET...]     (default 600 s, all targets)
#
# Each target starts from its seed corpus (fuzz/corpus/T) plus what earlier
# campaigns kept in $FUZZ_WORK (default /var/tmp/rebond-fuzz), so hours add
# up across runs.  Prints, per target: CPU seconds (user+sys), executions,
# corpus size, peak memory and the crashes found (their inputs are kept in
# $FUZZ_WORK/T-crash-* (or -leak-, -timeout-, -oom-); each one fixed becomes a file of fuzz/corpus/T,
# which the test suite replays).
set -eu
SECONDS_EACH=${1:-600}
[ $# -gt 0 ] && shift
top=$(cd "$(dirname "$0")/.." && pwd)
WORK=${FUZZ_WORK:-/var/tmp/rebond-fuzz}
B=${FUZZ_BUILD:-$top/build/fuzz}

"$top/contrib/deps.sh" test >/dev/null
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
mkdir -p "$B" "$WORK"
targets=${*:-$(cd "$top/fuzz/corpus" && ls)}
(cd "$B" && { [ -f Makefile ] ||
    "$top/configure" -q CC=clang --enable-fuzzing; } &&
    make -j2 $(for t in $targets; do echo "fuzz/fuzz_$t"; done) >/dev/null)

printf '%-10s %9s %12s %8s %8s %7s\n' target cpu_s execs corpus rss_mb crashes
tot=0
for t in $targets; do
	mkdir -p "$WORK/$t"
	log="$WORK/$t.log"
	before=$(ls "$WORK" | grep -Ec "^$t-(crash|leak|timeout|oom|slow-unit)-" || true)
	# -fork would use both cores; one process keeps the machine usable.
	nice -n 19 /usr/bin/time -f '%U %S %M' -o "$WORK/$t.time" \
	    "$B/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=4096 \
	    -print_final_stats=1 -artifact_prefix="$WORK/$t-" \
	    "$WORK/$t" "$top/fuzz/corpus/$t" >"$log" 2>&1 || true
	read -r u s rss < "$WORK/$t.time" || true
	cpu=$(echo "$u $s" | awk '{ printf "%.0f", $1 + $2 }')
	tot=$((tot + cpu))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	after=$(ls "$WORK" | grep -Ec "^$t-(crash|leak|timeout|oom|slow-unit)-" || true)
	printf '%-10s %9s %12s %8s %8s %7s\n' "$t" "$cpu" "${execs:-?}" \
	    "$(ls "$WORK/$t" | wc -l)" "$((${rss:-0} / 1024))" \
	    "$((after - before))"
done
echo "total CPU: $tot s ($(echo "$tot" | awk '{ printf "%.2f", $1 / 3600 }') h)"

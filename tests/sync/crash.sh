#!/bin/sh
# kill -9 of rebond-sync at random moments while it catches up (B) and
# while it serves (A), repeated: every store opens cleanly afterwards,
# B ends with exactly A's listings, and its cursor is A's last sequence
# number (nothing lost, nothing applied twice: records are keyed by
# origin and sequence number, the cursor moves in the transaction that
# applies them).
. "$srcdir/tests/sync/lib.sh"

for n in A B; do node_init $n; done
peer A B full yes
peer B A full yes
i=0
while [ $i -lt 6000 ]; do echo "crash$i@example.net"; i=$((i + 1)); done > "$T/list"
nctl A import rcpt "$T/list" --scope federation >/dev/null 2>&1
last=$(nctl A peer list >/dev/null; "$CTL" -c "$T/A.conf" -d "$T/A" explain crash5999@example.net | sed -n 's/.* seq \([0-9]*\):.*/\1/p' | head -1)
node_start A

kills=0
for d in 0.1 0.3 0.2 0.5 0.15 0.4 0.25 0.35; do
	"$SYNC" -c "$T/B.conf" -d "$T/B" -l "127.0.0.1:$PORT_B" >>"$T/B.log" 2>&1 &
	bp=$!
	sleep $d
	kill -9 $bp 2>/dev/null && kills=$((kills + 1))
	wait $bp 2>/dev/null
	# Now and then the server goes too.
	if [ $((kills % 3)) -eq 0 ]; then
		kill -9 $PID_A; wait $PID_A 2>/dev/null
		node_start A
	fi
done
echo "# $kills kill -9 of B during the catch-up"
ok "B's store opens after the kills" "$CTL" -c "$T/B.conf" -d "$T/B" peer list
node_start B
ok "B catches up in the end" wait_for 30 sh -c "'$CTL' -c '$T/B.conf' -d '$T/B' peer list | grep -Eq '^a .* seq=$last( |\$)'"
ok "B has exactly A's 6000 listings" sh -c "test \$('$CTL' -c '$T/B.conf' -d '$T/B' list rcpt | wc -l) -eq 6000"
ok "no record applied twice: one evidence row each" sh -c "'$CTL' -c '$T/B.conf' -d '$T/B' explain crash0@example.net | grep -c '^  a ' | grep -qx 1"
ok "A's store opens after the kills" "$CTL" -c "$T/A.conf" -d "$T/A" peer list
for n in A B; do node_stop $n; done
ok "no sanitizer report" sh -c "! grep -q 'ERROR: \\|runtime error' '$T/A.log' '$T/B.log'"
done_testing

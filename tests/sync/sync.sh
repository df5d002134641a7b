#!/bin/sh
# rebond-sync between real nodes on loopback: A and B trust each other
# and share, B and C too, C does not know A; D is known by nobody.
# Propagation per scope, the one-hop rule, deletion, catch-up after a
# node was down, and a fork.
. "$srcdir/tests/sync/lib.sh"

for n in A B C; do node_init $n; done
peer A B full yes
peer B A full yes
peer B C full yes
peer C B full yes
for n in A B C; do node_start $n; done

# 1. federation: A -> B within 2 s, relayed to C, which does not list it
# (C never trusted A: one hop).
t0=$(date +%s%N)
nctl A add rcpt fed1@example.org --scope federation
ok "a federation listing of A reaches B within 2 s" wait_for 2 listed B fed1@example.org
t1=$(date +%s%N)
echo "# propagation A -> B: $(( (t1 - t0) / 1000000 )) ms"
ok "B lists it on A's evidence, trust full" sh -c "'$CTL' -c '$T/B.conf' -d '$T/B' explain fed1@example.org | grep -E '^  a +127.0.0.10 .*scope federation, trust full'"
ok "C receives it relayed by B" wait_for 5 sh -c "'$CTL' -c '$T/C.conf' -d '$T/C' explain fed1@example.org | grep -q 'trust observe'"
ok "C does not list what it got from an origin it never trusted" sh -c "! '$CTL' -c '$T/C.conf' -d '$T/C' lookup fed1@example.org"
aname="~$(printf '%s' "$ID_A" | base64 -d | od -An -tx1 -N4 | tr -d ' \n')"
ok "C names the relayed origin ~<first key bytes>" sh -c "'$CTL' -c '$T/C.conf' -d '$T/C' explain fed1@example.org | grep -qF -- '$aname'"

# 2. scope peers: B gets it, C never does; scope local stays on A.
nctl A add rcpt peers1@example.org --scope peers
nctl A add rcpt local1@example.org --scope local
nctl A add rcpt fed2@example.org --scope federation
ok "scope peers reaches the sharing peer" wait_for 2 listed B peers1@example.org
ok "the next federation record reaches C (a barrier)" wait_for 5 sh -c "'$CTL' -c '$T/C.conf' -d '$T/C' explain fed2@example.org | grep -q 'trust observe'"
ok "scope peers is not relayed" sh -c "'$CTL' -c '$T/C.conf' -d '$T/C' explain peers1@example.org | grep -q 'no evidence in any zone' && ! '$CTL' -c '$T/C.conf' -d '$T/C' explain peers1@example.org | grep -q '$aname'"
ok "scope local never leaves A" sh -c "! '$CTL' -c '$T/B.conf' -d '$T/B' explain local1@example.org | grep -q ' a '"
ok "B's cursor for A is A's last sequence number" sh -c "'$CTL' -c '$T/B.conf' -d '$T/B' peer list | grep -Eq '^a .* seq=4( |\$)'"

# 3. B's own listing goes to A and C (both share with B).
nctl B add rdom gmaiil.com --scope federation
ok "B's listing reaches A" wait_for 2 listed A gmaiil.com
ok "B's listing reaches C" wait_for 2 listed C gmaiil.com

# 4. Deletion propagates.
nctl A del rcpt fed1@example.org --scope federation
ok "a deletion on A delists on B" wait_for 2 sh -c "! '$CTL' -c '$T/B.conf' -d '$T/B' lookup fed1@example.org"

# 5. Catch-up: B down while A lists 3000 addresses; B back gets them all.
node_stop B
i=0
while [ $i -lt 3000 ]; do echo "bulk$i@example.net"; i=$((i + 1)); done > "$T/bulk"
nctl A import rcpt "$T/bulk" --scope federation >/dev/null 2>&1
node_start B
# peers1, fed2 and the 3000 (local1 stayed on A, fed1 was deleted).
ok "B catches up on the 3000 listings it missed" wait_for 20 sh -c "test \$('$CTL' -c '$T/B.conf' -d '$T/B' list rcpt | wc -l) -eq 3002"
ok "and passes them on to C as relayed records" wait_for 20 sh -c "'$CTL' -c '$T/C.conf' -d '$T/C' explain bulk2999@example.net | grep -q 'trust observe'"

# 6. A fork.  E is a copy of A (same key, same log) that signs another
# record with A's next sequence number and serves it to C only (scope
# peers: C does not relay it); C now trusts A and pulls "A" at E's
# address.  A's real records reach C through B, in A's signed span that
# covers the same number: C detects the fork.  B stops pulling from C
# first (C's URL made unreachable; B still serves C), so that the only
# place both versions meet is C.
node_stop A
nctl B peer add c --key "$ID_C" --url http://127.0.0.1:1 --trust full --share yes
kill -HUP $PID_B	# now, not at its next look at the peers
ok "B stops pulling from C" wait_for 5 grep -q 'peer c changed: http://127.0.0.1:1' "$T/B.log"
cp -a "$T/A" "$T/E"; cp "$T/A.conf" "$T/E.conf"
PORT_E=$PORT_BASE; while ! port_free $PORT_E; do PORT_E=$((PORT_E + 1)); done
nctl E peer del b
nctl E peer add c --key "$ID_C" --url http://127.0.0.1:1 --trust full --share yes
nctl E add rcpt forged@example.org --scope peers
node_start A
node_start E
nctl C peer add a --key "$ID_A" --url "http://127.0.0.1:$PORT_E" --trust full --share no
ok "trusting a relayed origin lists its records at once" listed C fed2@example.org
ok "C takes E's record as A's" wait_for 10 listed C forged@example.org
nctl A add rcpt real1@example.org --scope federation
nctl A add rcpt real2@example.org --scope federation
ok "A's real records reach B" wait_for 5 listed B real2@example.org
ok "C sees A's signed span through B and detects the fork" wait_for 10 sh -c "'$CTL' -c '$T/C.conf' -d '$T/C' peer list | grep -q '^a .*QUARANTINED'"
ok "the fork is logged loudly" grep -q 'FORK: origin .* QUARANTINED' "$T/C.log"
ok "A's evidence no longer counts on C" sh -c "! '$CTL' -c '$T/C.conf' -d '$T/C' lookup forged@example.org && ! '$CTL' -c '$T/C.conf' -d '$T/C' lookup fed2@example.org"
ok "B, which saw no fork, still lists A's records" sh -c "'$CTL' -c '$T/B.conf' -d '$T/B' lookup real1@example.org && ! '$CTL' -c '$T/B.conf' -d '$T/B' peer list | grep -q QUARANTINED"

for n in A B C E; do node_stop $n; done
for n in A B C E; do
	ok "$n: no sanitizer report" sh -c "! grep -q 'ERROR: \\|runtime error' '$T/$n.log'"
done
done_testing

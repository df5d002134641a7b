#!/bin/sh
# rebondctl keygen, id and peer add/list/del, and their refusals.
. "$srcdir/tests/lib.sh"

# Node ids of the seeds 01..20 and 21..40 (doc/PROTOCOL.md), never ours.
PA=$("$TOP_BUILD/tests/sync/vectors" | awk '$1 == "id" { print $2 }')
PB=$(printf 'IZQsQ8iE0s3y9ff8YZW/lYoQkIe5tUxBxEt5dYy0ytE=')

ok "id before keygen says how to make one" sh -c "! '$CTL' -d '$STATE' id 2>'$T/err' && grep -q 'rebondctl keygen' '$T/err'"
ok "keygen prints a node id" sh -c "'$CTL' -d '$STATE' keygen > '$T/id' 2>'$T/err' && grep -Eq '^[A-Za-z0-9+/]{43}=\$' '$T/id'"
ok "keygen says where the key is" grep -q "node key written to $STATE/node.key" "$T/err"
ok "the key file has mode 0600" sh -c "test \"\$(stat -c %a '$STATE/node.key')\" = 600"
ok "id prints the same id" sh -c "'$CTL' -d '$STATE' id | cmp - '$T/id'"
ok "id does not read the secret key" sh -c "chmod 000 '$STATE/node.key' && '$CTL' -d '$STATE' id | cmp - '$T/id'; rc=\$?; chmod 600 '$STATE/node.key'; exit \$rc"
cp "$STATE/node.key" "$T/node.key.saved"
ok "a second keygen refuses to overwrite" sh -c "! '$CTL' -d '$STATE' keygen 2>'$T/err' && grep -q 'refusing to overwrite' '$T/err'"
ok "the key is unchanged" cmp "$STATE/node.key" "$T/node.key.saved"
printf '[sync]\nkey-file = %s\n' "$T/other.key" > "$T/key.conf"
ok "keygen writes [sync] key-file" sh -c "'$CTL' -c '$T/key.conf' -d '$T/s2' keygen >/dev/null 2>&1 && test -f '$T/other.key' && ! test -f '$T/s2/node.key'"
ok "rebond-sync -n accepts the key" "$SYNC" -d "$STATE" -n
chmod 644 "$STATE/node.key"
ok "rebond-sync -n refuses a key others can read" sh -c "! '$SYNC' -d '$STATE' -n 2>'$T/err' && grep -q 'mode 0644' '$T/err' && grep -q 'chmod 600' '$T/err'"
chmod 600 "$STATE/node.key"
ok "rebond-sync --version" sh -c "'$SYNC' --version | grep -q '^rebond-sync '"
# First start: a key is made, the node id logged; then it serves.
sport=$((20000 + $$ % 12000))
while ss -Htln "sport = :$sport" | grep -q .; do sport=$((sport + 1)); done
"$SYNC" -d "$T/s3" -l 127.0.0.1:$sport 2>"$T/err" &
spid=$!
for _ in $(seq 100); do grep -q 'serving peers' "$T/err" && break; sleep 0.05; done
kill $spid; wait $spid
ok "rebond-sync stops cleanly on SIGTERM" test $? -eq 0
ok "rebond-sync creates a key on first start" sh -c "grep -q 'created the node key' '$T/err' && '$CTL' -d '$T/s3' id >/dev/null"
ok "rebond-sync logs its node id" sh -c "grep -q \"node id \$('$CTL' -d '$T/s3' id)\" '$T/err'"

# Peers.
ok "peer add" ctl peer add alpha --key "$PA" --url https://alpha.example:8853/ --trust full --share yes
ok "peer add with defaults" ctl peer add beta.relay_2 --key "$PB" --url http://192.0.2.7:8853
ok "peer list shows both" sh -c "'$CTL' -d '$STATE' peer list > '$T/list' && test \$(wc -l < '$T/list') -eq 2"
ok "alpha: trust, sharing, URL, id" grep -qF "alpha trust=full share=yes url=https://alpha.example:8853/ id=$PA seq=0" "$T/list"
ok "beta: observe and no sharing by default" grep -qF "beta.relay_2 trust=observe share=no url=http://192.0.2.7:8853 id=$PB" "$T/list"
ok "peer add again changes trust" sh -c "'$CTL' -d '$STATE' peer add alpha --key '$PA' --url https://alpha.example:8853/ --trust partial && '$CTL' -d '$STATE' peer list | grep -q '^alpha trust=partial share=no '"
ok "explain and the store see the same origin" sh -c "'$CTL' -d '$STATE' peer list | grep -c '^alpha ' | grep -qx 1"

refused() {	# refused "expected error" command args...
	_e=$1; shift
	if "$@" 2>"$T/err"; then echo "accepted"; return 1; fi
	grep -qF -- "$_e" "$T/err" || { cat "$T/err"; return 1; }
}
no() {	# no "description" "expected error" command args...
	_d=$1; shift
	ok "$_d" refused "$@"
}
no "our own key refused" "this node's own" "$CTL" -d "$STATE" peer add me --key "$(cat "$T/id")" --url http://x.example/
no "a key of 31 bytes refused" "44-character base64" "$CTL" -d "$STATE" peer add x --key AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw== --url http://x.example/
no "a key that is not base64 refused" "44-character base64" "$CTL" -d "$STATE" peer add x --key 'not a key at all, not a key at all, not a key' --url http://x.example/
no "an unpadded key refused" "44-character base64" "$CTL" -d "$STATE" peer add x --key "$(printf %s "$PB" | tr -d =)" --url http://x.example/
no "upper case in a name refused" "a name is 1 to 63" "$CTL" -d "$STATE" peer add Alpha --key "$PB" --url http://x.example/
no "a slash in a name refused" "a name is 1 to 63" "$CTL" -d "$STATE" peer add a/b --key "$PB" --url http://x.example/
no "a 64-character name refused" "a name is 1 to 63" "$CTL" -d "$STATE" peer add "$(printf 'a%.0s' $(seq 64))" --key "$PB" --url http://x.example/
no "the name self refused" "a name is 1 to 63" "$CTL" -d "$STATE" peer add self --key "$PB" --url http://x.example/
no "an ftp URL refused" "expected http://" "$CTL" -d "$STATE" peer add x --key "$PB" --url ftp://x.example/
no "a URL without host refused" "expected http://" "$CTL" -d "$STATE" peer add x --key "$PB" --url http://
no "a bad trust refused" "expected full, partial or observe" "$CTL" -d "$STATE" peer add x --key "$PB" --url http://x.example/ --trust total
no "a bad --share refused" "expected yes or no" "$CTL" -d "$STATE" peer add x --key "$PB" --url http://x.example/ --share maybe
no "--key is required" "required" "$CTL" -d "$STATE" peer add x --url http://x.example/
no "a key already configured refused" "already configured as another peer" "$CTL" -d "$STATE" peer add gamma --key "$PB" --url http://x.example/
no "a name with another key refused" "another key" "$CTL" -d "$STATE" peer add alpha --key "$PB" --url http://x.example/
ok "refusals changed nothing" sh -c "'$CTL' -d '$STATE' peer list | wc -l | grep -qx 2"

ok "peer del" ctl peer del beta.relay_2
ok "peer list without it" sh -c "! '$CTL' -d '$STATE' peer list | grep -q beta"
no "peer del of an unknown name" "no peer named 'beta.relay_2'" "$CTL" -d "$STATE" peer del beta.relay_2
ok "a deleted peer can be added again under another name" ctl peer add gamma --key "$PB" --url http://x.example/ --trust full
ok "... and is listed so" sh -c "'$CTL' -d '$STATE' peer list | grep -q '^gamma trust=full '"
no "unknown peer subcommand" "unknown peer command" "$CTL" -d "$STATE" peer frob
done_testing

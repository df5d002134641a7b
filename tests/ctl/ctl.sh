#!/bin/sh
# rebondctl: add, del, lookup, explain, list, import, export and errors,
# on a real store.
. "$srcdir/tests/lib.sh"

H=$(sha1 dead@example.org)

ok "add a hashed recipient" ctl add rcpt '<Dead@Example.ORG>' --reason hard --status 5.1.1
ok "lookup by address finds it" sh -c "'$CTL' -d '$STATE' lookup dead@example.org | grep -q '^rcpt $H 127.0.0.2 '"
ok "lookup by hash in upper case finds it" ctl lookup "$(echo $H | tr a-f A-F)"
ok "lookup of an unknown key exits 1" sh -c "! '$CTL' -d '$STATE' lookup alive@example.org"
ok "list shows the entry" sh -c "'$CTL' -d '$STATE' list rcpt | grep -q '^rcpt $H 127.0.0.2 '"
ok "second reason on the same key" ctl add rcpt dead@example.org --reason complaint
ok "lookup shows both codes" sh -c "'$CTL' -d '$STATE' lookup dead@example.org | grep -q '127.0.0.2,127.0.0.5'"
ok "explain names the origin, status and rule" sh -c "'$CTL' -d '$STATE' explain dead@example.org > '$T/ex' && grep -q 'self .*127.0.0.2 .*status 5.1.1.*counts' '$T/ex' && grep -q 'to delist: rebondctl del rcpt dead@example.org' '$T/ex'"
ok "add a recipient domain" ctl add rdom GMAIIL.com. --reason hard
ok "domain listed in normal form" sh -c "'$CTL' -d '$STATE' list rdom | grep -q '^rdom gmaiil.com 127.0.0.2'"
ok "lookup by domain" ctl lookup gmaiil.com
ok "sender zone reason 6 (spam)" ctl add sndr bulk@example.net --reason spam
ok "reason 6 is refused for recipients" sh -c "! '$CTL' -d '$STATE' add rcpt x@example.net --reason 6 2>'$T/err' && grep -q 'not a code of zone rcpt' '$T/err'"
ok "unknown zone refused" sh -c "! '$CTL' -d '$STATE' add foo x 2>'$T/err' && grep -q \"unknown zone 'foo'\" '$T/err'"
ok "bad domain refused" sh -c "! '$CTL' -d '$STATE' add rdom 'bad domain' 2>/dev/null"
ok "bad scope refused" sh -c "! '$CTL' -d '$STATE' add rdom x.org --scope world 2>/dev/null"
ok "--days sets the expiry" sh -c "REBOND_NOW=1700000000 '$CTL' -d '$STATE' add sdom short.example --days 2 && REBOND_NOW=1700000000 '$CTL' -d '$STATE' list sdom | grep -q 'expires=2023-11-16T23:00Z'"
ok "expired listing no longer listed" sh -c "! REBOND_NOW=1700300000 '$CTL' -d '$STATE' lookup short.example"
ok "del delists" ctl del rcpt dead@example.org
ok "lookup after del exits 1" sh -c "! '$CTL' -d '$STATE' lookup dead@example.org"
ok "explain keeps the delisting" sh -c "'$CTL' -d '$STATE' explain dead@example.org | grep -q 'delisted at'"
ok "del of an unlisted key says so" sh -c "! '$CTL' -d '$STATE' del rdom never.example 2>'$T/err' && grep -q 'not listed' '$T/err'"

# Import and export in rbldnsd dnset format.
cat > "$T/in.dnset" <<EOT
# an rbldnsd file
\$TTL 300
:127.0.0.2:Address does not exist
$(sha1 a@example.com)
$(sha1 b@example.com | tr a-f A-F) :127.0.0.5:complaint
c@example.com
.wild.example
!excluded.example
not-a-hash
EOT
ok "import reports rejected lines and exits 1" sh -c "! '$CTL' -d '$STATE' import rcpt '$T/in.dnset' 2>'$T/err'"
ok "import error names file:line" grep -q "in.dnset:9: 'not-a-hash' is not an address" "$T/err"
ok "wildcard refused in a hashed zone" grep -q "in.dnset:7: wildcards have no meaning" "$T/err"
ok "import counts what it did" grep -q "3 entries imported into rcpt, 1 skipped, 2 rejected" "$T/err"
ok "imported default code" sh -c "'$CTL' -d '$STATE' lookup $(sha1 a@example.com) | grep -q ' 127.0.0.2 '"
ok "imported per-entry code" sh -c "'$CTL' -d '$STATE' lookup b@example.com | grep -q ' 127.0.0.5 '"
ok "imported an address by hashing it" ctl lookup c@example.com
ok "export writes dnset" sh -c "'$CTL' -d '$STATE' export rcpt > '$T/out.dnset' && grep -q '^$(sha1 b@example.com) :127.0.0.5:' '$T/out.dnset'"
ok "export re-imports identically" sh -c "'$CTL' -d '$T/state2' import rcpt '$T/out.dnset' 2>/dev/null && '$CTL' -d '$T/state2' export rcpt | grep -v '^#' > '$T/a' && grep -v '^#' '$T/out.dnset' > '$T/b' && cmp '$T/a' '$T/b'"
ok "import from stdin" sh -c "echo 'stdin.example' | '$CTL' -d '$STATE' import rdom - 2>/dev/null && '$CTL' -d '$STATE' lookup stdin.example"

# Errors: bad configuration, corrupt store, usage.
printf '[dnsd]\nlisten = 127.0.0.1:53\ntcp-timeout = soon\n' > "$T/bad.conf"
ok "bad config line reported as file:line" sh -c "! '$CTL' -c '$T/bad.conf' list 2>'$T/err' && grep -q 'bad.conf:3: tcp-timeout: expected a duration' '$T/err'"
mkdir -p "$T/corrupt" && head -c 65536 /dev/urandom > "$T/corrupt/data.mdb"
ok "corrupt store: clear error, no crash" sh -c "'$CTL' -d '$T/corrupt' list 2>'$T/err'; test \$? -eq 1 && grep -q 'data.mdb' '$T/err'"
ok "unknown command refused" sh -c "! '$CTL' -d '$STATE' frobnicate 2>/dev/null"
ok "config prints a file that reads back" sh -c "'$CTL' -d '$STATE' config > '$T/dump.conf' && '$CTL' -c '$T/dump.conf' -d '$STATE' list >/dev/null"
done_testing

#!/bin/sh
# Started as root, each daemon opens its sockets, its files and the store,
# then switches to the user of -u for good (zones/priv.h): every uid and
# gid of /proc/PID/status is that user's, and the daemon still does its
# work (rebond-dnsd answers, rebond-feeder writes, rebond-sync serves).
# rebond-sync refuses a node key that group or others can read.
. "$srcdir/tests/lib.sh"
export TZ=UTC

[ "$(id -u)" -eq 0 ] || skip_all "needs root: the daemons switch users only when started as root"
RUN_AS=nobody
getent passwd "$RUN_AS" >/dev/null || skip_all "no user $RUN_AS"
RUN_UID=$(id -u "$RUN_AS")
RUN_GID=$(id -g "$RUN_AS")
[ "$RUN_UID" -ne 0 ] && [ "$RUN_GID" -ne 0 ] || skip_all "$RUN_AS is root"

# The user can reach $T and owns the store directory.
chmod 755 "$T"
mkdir -p "$STATE"
chown "$RUN_AS:" "$STATE"

# ids PID: "uid uid uid uid gid gid gid gid groups..." of /proc/PID/status
ids() {
	awk '/^Uid:/ { u = $2 " " $3 " " $4 " " $5 }
	    /^Gid:/ { g = $2 " " $3 " " $4 " " $5 }
	    /^Groups:/ { $1 = ""; s = $0 }
	    END { print u, g, s }' "/proc/$1/status"
}
# dropped PID: real, effective, saved and fs ids are the user's, and root
# is in no group.
dropped() {
	_i=$(ids "$1")
	echo "pid $1: $_i"
	set -- $_i
	[ "$1 $2 $3 $4" = "$RUN_UID $RUN_UID $RUN_UID $RUN_UID" ] &&
	    [ "$5 $6 $7 $8" = "$RUN_GID $RUN_GID $RUN_GID $RUN_GID" ] || return 1
	shift 8
	for _g in "$@"; do [ "$_g" -ne 0 ] || return 1; done
}
owned_by_user() {	# owned_by_user FILE...
	for _f in "$@"; do
		[ "$(stat -c %u:%g "$_f")" = "$RUN_UID:$RUN_GID" ] ||
		    { ls -l "$_f"; return 1; }
	done
}

# --- who runs when nobody is named ---------------------------------------

if getent passwd rebond >/dev/null; then
	echo "# a rebond user exists here: the refusal of a missing user is" \
	    "tested with another name"
fi
"$TOP_BUILD/rebond-dnsd" -n -d "$STATE" -u rebond-no-such-user >"$T/err" 2>&1
st=$?
ok "started as root with a user that does not exist: refused (-n too)" \
    test $st -ne 0
ok "... saying what to do" grep -q "user 'rebond-no-such-user' to run as does not exist: create it .*or keep root with -u root" "$T/err"
ok "-u root keeps root, as asked" \
    "$TOP_BUILD/rebond-dnsd" -n -d "$STATE" -u root
printf '[global]\nuser = rebond-no-such-user\n' > "$T/nouser.conf"
chmod 644 "$T/nouser.conf"
"$TOP_BUILD/rebond-feeder" -c "$T/nouser.conf" -d "$STATE" --stdin \
    </dev/null >"$T/err" 2>&1
st=$?
ok "[global] user names the user too (rebond-feeder refuses)" sh -c \
    "test $st -ne 0 && grep -q 'does not exist' '$T/err'"
# Started as the user already (systemd's User=): nothing to switch.
if command -v runuser >/dev/null 2>&1 &&
    runuser -u "$RUN_AS" -- test -x "$TOP_BUILD/rebond-dnsd"; then
	ok "started as $RUN_AS, [global] user is not used" \
	    runuser -u "$RUN_AS" -- "$TOP_BUILD/rebond-dnsd" -n \
	    -c "$T/nouser.conf" -d "$STATE"
	ok "... and -u may only name $RUN_AS" sh -c "runuser -u '$RUN_AS' -- \
	    '$TOP_BUILD/rebond-dnsd' -n -d '$STATE' -u root 2>&1 |
	    grep -q 'only root can switch to another user' &&
	    runuser -u '$RUN_AS' -- '$TOP_BUILD/rebond-dnsd' -n -d '$STATE' \
	    -u '$RUN_AS'"
fi

# --- rebond-dnsd ---------------------------------------------------------

printf '[zones]\nttl = 1m\n' > "$T/dnsd.conf"
chmod 644 "$T/dnsd.conf"
start_dnsd -c "$T/dnsd.conf" -u "$RUN_AS"
ok "rebond-dnsd: uids and gids are $RUN_AS's ($RUN_UID, $RUN_GID)" \
    dropped "$DNSD_PID"
ok "rebond-dnsd says whom it runs as" \
    grep -q "running as $RUN_AS (uid $RUN_UID, gid $RUN_GID)" "$T/dnsd.log"
ok "rebond-dnsd answers as $RUN_AS" sh -c \
    "dig +short +time=2 +tries=1 @127.0.0.1 -p $PORT test.rcpt.rebond.test A | grep -qx 127.0.0.2"
ctl add rdom dropped.example --reason hard
ok "... and sees a listing written since" sh -c \
    "dig +short +time=2 +tries=1 @127.0.0.1 -p $PORT dropped.example.rdom.rebond.test A | grep -qx 127.0.0.2"
printf '[zones]\nttl = 2m\n' > "$T/dnsd.conf"
kill -HUP "$DNSD_PID"
ok "... and reloads its configuration without root" wait_for 10 \
    grep -q "SIGHUP: reloaded .*applied zones.ttl" "$T/dnsd.log"
ok "... with the new TTL" sh -c \
    "dig +noall +answer +time=2 +tries=1 @127.0.0.1 -p $PORT dropped.example.rdom.rebond.test A | grep -q '[[:space:]]120[[:space:]]'"
ok "the store files root opened stay $RUN_AS's" \
    owned_by_user "$STATE/data.mdb" "$STATE/lock.mdb"

# A store root makes from nothing is given to the user.
P2=$(free_port)
"$DNSD" -f -u "$RUN_AS" -d "$T/fresh/state" -l "127.0.0.1:$P2" \
    2>>"$T/dnsd2.log" &
p2=$!
PIDS="$PIDS $p2"
ok "a store made by rebond-dnsd started as root" wait_for 10 sh -c \
    "dig +short +time=1 +tries=1 @127.0.0.1 -p $P2 test.rcpt.rebond.test A | grep -q 127.0.0.2"
ok "... belongs to $RUN_AS: directory, data.mdb, lock.mdb" \
    owned_by_user "$T/fresh/state" "$T/fresh/state/data.mdb" \
    "$T/fresh/state/lock.mdb"
ok "... but not the parents made on the way, root's" \
    test "$(stat -c %u "$T/fresh")" = 0

# --- rebond-feeder -------------------------------------------------------

L="$T/mail.log"
: > "$L"
chmod 644 "$L"
"$FEEDER" -u "$RUN_AS" -d "$STATE" --follow "$L" 2>>"$T/feeder.err" &
fp=$!
PIDS="$PIDS $fp"
wait_for 10 grep -q "running as $RUN_AS" "$T/feeder.err"
ok "rebond-feeder: uids and gids are $RUN_AS's" dropped "$fp"
echo 'Nov 22 10:00:01 relay postfix/smtp[4242]: 8C2F1A0042: to=<gone@example.org>, relay=mx.example.org[198.51.100.7]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.org[198.51.100.7] said: 550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command))' >> "$L"
h=$(sha1 gone@example.org)
ok "rebond-feeder writes as $RUN_AS: the bounce is listed, dnsd answers it" \
    wait_for 10 sh -c "dig +short +time=1 +tries=1 @127.0.0.1 -p $PORT $h.rcpt.rebond.test A | grep -qx 127.0.0.2"
kill "$fp"; wait "$fp" 2>/dev/null
PIDS=$(echo "$PIDS" | sed "s/ $fp//")
ok "... and stops cleanly, its checkpoint kept" sh -c \
    "'$FEEDER' -u '$RUN_AS' -d '$STATE' --follow '$L' 2>'$T/feeder2.err' & p=\$!;
    for _ in \$(seq 100); do grep -q 'resuming at offset' '$T/feeder2.err' && break; sleep 0.1; done;
    kill \$p; wait \$p; grep -q 'resuming at offset [1-9]' '$T/feeder2.err'"
echo 'Nov 22 10:00:02 relay postfix/smtp[4242]: 8C2F1A0043: to=<gone2@example.org>, relay=mx.example.org[198.51.100.7]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.org[198.51.100.7] said: 550 5.1.1 <gone2@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command))' |
    "$FEEDER" -u "$RUN_AS" -d "$STATE" --stdin 2>"$T/feeder3.err"
ok "rebond-feeder --stdin -u $RUN_AS writes" sh -c \
    "grep -q 'running as $RUN_AS' '$T/feeder3.err' &&
    '$CTL' -d '$STATE' lookup gone2@example.org"
# A unix syslog socket in a directory that does not exist yet.
"$FEEDER" -u "$RUN_AS" -d "$STATE" --syslog "unix:$T/run/feeder.sock" \
    2>>"$T/feeder4.err" &
fp=$!
PIDS="$PIDS $fp"
ok "rebond-feeder makes the directory of its unix socket for $RUN_AS" \
    wait_for 10 sh -c "test -S '$T/run/feeder.sock' &&
    test \"\$(stat -c %u '$T/run/feeder.sock')\" = $RUN_UID"
kill "$fp"; wait "$fp" 2>/dev/null
PIDS=$(echo "$PIDS" | sed "s/ $fp//")

# --- rebond-sync ---------------------------------------------------------

SP=$(free_port)
"$SYNC" -u "$RUN_AS" -d "$STATE" -l "127.0.0.1:$SP" 2>>"$T/sync.err" &
sp=$!
PIDS="$PIDS $sp"
wait_for 10 grep -q "running as $RUN_AS" "$T/sync.err"
ok "rebond-sync: uids and gids are $RUN_AS's" dropped "$sp"
ok "rebond-sync serves as $RUN_AS (GET /metrics reads the store)" sh -c \
    "curl -sf --max-time 5 http://127.0.0.1:$SP/metrics | grep -q '^rebond_'"
ok "the node key it made is mode 0600, root's: read before the switch" \
    test "$(stat -c %a:%u "$STATE/node.key")" = 600:0
kill "$sp"; wait "$sp" 2>/dev/null
PIDS=$(echo "$PIDS" | sed "s/ $sp//")
ok "it starts again on that key" sh -c \
    "'$SYNC' -n -u '$RUN_AS' -d '$STATE' | grep -q 'configuration OK\$'"

# A key of the user's (made by rebondctl keygen run as the user) is taken.
mkdir -p "$T/k" && chown "$RUN_AS:" "$T/k"
"$TOP_BUILD/rebondctl" -d "$T/k" keygen >/dev/null 2>&1
chown "$RUN_AS:" "$T/k/node.key"
ok "a node key owned by $RUN_AS is taken by rebond-sync -u $RUN_AS" \
    "$SYNC" -n -u "$RUN_AS" -d "$T/k"

chmod 644 "$STATE/node.key"
"$SYNC" -u "$RUN_AS" -d "$STATE" -l "127.0.0.1:$SP" >"$T/err" 2>&1
st=$?
ok "a node key of mode 0644 is refused" test $st -ne 0
ok "... with the chmod to run" grep -q \
    "node.key: mode 0644 lets group or others access the secret key: refusing it (chmod 600 $STATE/node.key)" \
    "$T/err"
chmod 640 "$STATE/node.key"
ok "... mode 0640 too (group)" sh -c "! '$SYNC' -n -d '$STATE' $KEEP_ROOT"
chmod 600 "$STATE/node.key"

done_testing

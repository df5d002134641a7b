#!/bin/sh
# tests/pkg/files.sh - what `make install` ships beside the programs:
# etc/rebond.conf (made from `rebondctl config`) parses, means the
# defaults but for state-dir and rules, names every option, and its
# commented-out values parse too; the manual pages are clean for
# `mandoc -T lint` and name every option, command and configuration
# option the code has; the units pass `systemd-analyze verify`;
# debian/changelog carries the version of VERSION.
. "$srcdir/tests/lib.sh"

CONF="$TOP_BUILD/etc/rebond.conf"
MAN="$srcdir/doc"
mkdir -p "$T/s"

skip() {	# skip "description" "reason"
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# "section name" of every option a configuration file sets or shows
# commented out ("#name = ..."), one a line, sorted.
options_of() {
	awk '/^\[[a-z-]+\]/ { s = substr($1, 2, length($1) - 2); next }
	    /^#?[a-z][a-z0-9-]* =/ { n = $1; sub(/^#/, "", n); print s, n }' "$1" |
	    sort -u
}

# --- the shipped configuration ------------------------------------------

"$CTL" -c /dev/null -d "$T/s" config > "$T/defaults" 2>"$T/err" ||
    { echo "Bail out! rebondctl config fails"; cat "$T/err"; exit 1; }
sed '/^rules = /d' "$T/defaults" > "$T/defaults.norules"

ok "etc/rebond.conf is built" test -s "$CONF"
ok "rebondctl -c etc/rebond.conf config succeeds" \
    sh -c '"$1" -c "$2" -d "$3" config > "$4"' _ "$CTL" "$CONF" "$T/s" \
    "$T/shipped"
ok "it means the embedded defaults, but for rules" \
    sh -c 'sed "/^rules = /d" "$1" | diff "$2" -' _ "$T/shipped" \
    "$T/defaults.norules"
ok "its state-dir is /var/lib/rebond" \
    sh -c '"$1" -c "$2" config | grep -qx "state-dir = \"/var/lib/rebond\""' \
    _ "$CTL" "$CONF"
ok "its rules are the classify.rules installed beside it" \
    grep -qx 'rules = ".*/rebond/classify.rules"' "$CONF"
options_of "$T/defaults" > "$T/opts.code"
options_of "$CONF" > "$T/opts.conf"
ok "it shows every option of the code, and no other" \
    diff "$T/opts.code" "$T/opts.conf"
sed 's/^#\([a-z]\)/\1/' "$CONF" > "$T/uncommented.conf"
ok "its commented-out values, uncommented, parse and are the defaults" \
    sh -c '"$1" -c "$2" -d "$3" config | sed "/^rules = /d" | diff "$4" -' \
    _ "$CTL" "$T/uncommented.conf" "$T/s" "$T/defaults.norules"
ok "rebond-dnsd -n accepts it" "$DNSD" -n -c "$CONF" -d "$T/s"

# --- manual pages -------------------------------------------------------

PAGES="rebond-dnsd.8 rebond-feeder.8 rebond-sync.8 rebondctl.8 rebond.conf.5"
if command -v mandoc >/dev/null 2>&1; then
	# A manual tree of our own, so that the pages find one another.
	mkdir -p "$T/man/man5" "$T/man/man8"
	for p in $PAGES; do cp "$MAN/$p" "$T/man/man${p##*.}/"; done
	for p in $PAGES; do
		# Pages of other packages (dig, rsyslogd) may be missing here.
		ok "mandoc -T lint: $p" sh -c 'mandoc -T lint -W style -m "$1" "$2" \
		    2>&1 | sed -e "/mandoc\.db/d" \
		    -e "/referenced manual not found: Xr rebond/b" \
		    -e "/referenced manual not found/d" | grep . && exit 1; exit 0' \
		    _ "$T/man" "$T/man/man${p##*.}/$p"
	done
else
	for p in $PAGES; do skip "mandoc -T lint: $p" "mandoc not installed"; done
fi
# groff's mdoc too, as lintian runs it (a word such as "An" at the start
# of a macro's argument is a macro for groff).
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
	for p in $PAGES; do
		ok "man --warnings: $p" sh -c 'LC_ALL=C.UTF-8 MANROFFSEQ= \
		    MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$1" 2>&1 \
		    >/dev/null | grep -v -e "can.t break line" \
		    -e "cannot adjust line" | grep . && exit 1; exit 0' _ \
		    "$MAN/$p"
	done
fi

# Every "-x" and "--word" of a program's usage is in its page.
flags_documented() {	# flags_documented PROGRAM PAGE
	"$1" --help | grep -oE '(^|[][ |])--?[a-z][a-z-]*' |
	    sed 's/^[][ |]//' | sort -u > "$T/flags"
	rc=0
	while read -r f; do
		case $f in
		--*)	grep -qF "Fl \\${f#-}" "$2" ;;
		*)	grep -qE "Fl ${f#-}( |\$)" "$2" ;;
		esac || { echo "$2 does not document $f"; rc=1; }
	done < "$T/flags"
	return $rc
}
for prog in rebond-dnsd rebond-feeder rebondctl rebond-sync; do
	if [ -x "$TOP_BUILD/$prog" ]; then
		ok "$prog.8 documents every option of $prog --help" \
		    flags_documented "$TOP_BUILD/$prog" "$MAN/$prog.8"
	else
		skip "$prog.8 documents every option of $prog --help" \
		    "$prog is not built"
	fi
done

ctl_commands() {
	"$CTL" --help | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p' | sort -u |
	while read -r c; do
		grep -qE "^\.It Cm $c( |\$)" "$MAN/rebondctl.8" ||
		    echo "rebondctl.8 does not document the command $c"
	done | grep . && return 1
	return 0
}
ok "rebondctl.8 documents every command of rebondctl --help" ctl_commands

# rebond.conf.5 has one ".Ss [section]" per section and one ".It Ic name"
# per option in it.
awk '/^\.Ss / { s = $2; gsub(/[]["]|\\&/, "", s); next }
    /^\.Sh / { s = "" }
    s != "" && /^\.It Ic [a-z]/ { print s, $3 }' "$MAN/rebond.conf.5" |
    sort -u > "$T/opts.man"
ok "rebond.conf.5 documents every option of the code, and no other" \
    diff "$T/opts.code" "$T/opts.man"

# --- units --------------------------------------------------------------

for u in rebond-dnsd rebond-feeder rebond-sync; do
	f="$TOP_BUILD/contrib/systemd/$u.service"
	ok "$u.service runs $u -f with the installed rebond.conf" \
	    grep -qE "^ExecStart=/.*/$u (-f )?-c /.*/rebond/rebond.conf\$" "$f"
	ok "$u.service checks the configuration first" \
	    grep -qE "^ExecStartPre=/.*/$u -n -c /.*/rebond/rebond.conf\$" "$f"
	if command -v systemd-analyze >/dev/null 2>&1; then
		# The programs of the build tree stand in for the installed.
		sed "s|=/[^ ]*/$u |=$TOP_BUILD/$u |" "$f" > "$T/$u.service"
		ok "systemd-analyze verify $u.service" sh -c \
		    'systemd-analyze verify --man=no "$1" 2>&1 | grep "$2" && exit 1
		    systemd-analyze verify --man=no "$1" >/dev/null 2>&1' _ \
		    "$T/$u.service" "$u"
	else
		skip "systemd-analyze verify $u.service" \
		    "systemd-analyze not installed"
	fi
done
ok "only rebond-dnsd may bind privileged ports" sh -c \
    'grep -qx "AmbientCapabilities=CAP_NET_BIND_SERVICE" "$1" &&
    ! grep -q "^AmbientCapabilities" "$2" &&
    grep -qx "CapabilityBoundingSet=" "$2" &&
    ! grep -q "^AmbientCapabilities" "$3" &&
    grep -qx "CapabilityBoundingSet=" "$3"' _ \
    "$TOP_BUILD/contrib/systemd/rebond-dnsd.service" \
    "$TOP_BUILD/contrib/systemd/rebond-feeder.service" \
    "$TOP_BUILD/contrib/systemd/rebond-sync.service"
ok "only rebond-sync may read the node key" sh -c \
    'k="InaccessiblePaths=-/var/lib/rebond/node.key"
    grep -qx "$k" "$1" && grep -qx "$k" "$2" && ! grep -q "^InaccessiblePaths" "$3"' _ \
    "$TOP_BUILD/contrib/systemd/rebond-dnsd.service" \
    "$TOP_BUILD/contrib/systemd/rebond-feeder.service" \
    "$TOP_BUILD/contrib/systemd/rebond-sync.service"

# --- one version --------------------------------------------------------

ok "debian/changelog's upstream version is VERSION" sh -c \
    'test "$(sed -n "1s/^rebond (\(.*\)-[^-]*).*/\1/p" "$1")" = "$(cat "$2")"' \
    _ "$srcdir/debian/changelog" "$srcdir/VERSION"

done_testing

#!/bin/sh
# tests/pkg/deb.sh - the Debian package, built the way a sysadmin would
# from the release tree (`make distdir`) with `dpkg-buildpackage -b`
# (nocheck: this suite is the check), then inspected with dpkg-deb (files,
# conffiles, dependencies, maintainer scripts, units) and started from a
# throwaway root: rebond-dnsd, rebond-feeder and rebondctl unpacked with
# `dpkg-deb -x` and run on the shipped configuration, with only the state
# directory and the DNS address overridden.  Nothing is installed on the
# system.  lintian, when installed, must find no error.  Skipped without
# dpkg-buildpackage and debhelper, or with REBOND_TEST_DEB=no.
. "$srcdir/tests/lib.sh"

[ "${REBOND_TEST_DEB:-}" = no ] && skip_all "REBOND_TEST_DEB=no"
command -v dpkg-buildpackage >/dev/null 2>&1 ||
    skip_all "dpkg-buildpackage not installed (dpkg-dev)"
command -v dh >/dev/null 2>&1 || skip_all "debhelper not installed"
command -v dig >/dev/null 2>&1 || skip_all "dig not installed"

VERSION=$(cat "$srcdir/VERSION")
SRC="$T/rebond-$VERSION"

# The harness's make and test variables must not reach the package build:
# MAKEFLAGS carries `make check TESTS=...`, and configure would take
# srcdir from the environment.
clean_env() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	    -u srcdir -u builddir -u ASAN_OPTIONS -u UBSAN_OPTIONS "$@"
}

# The release tree; if `make distdir` fails (distcheck will say why), the
# files git knows in the source tree, so that the packaging is still
# tested.
if clean_env make -s -C "$TOP_BUILD" distdir distdir="$SRC" \
    > "$T/distdir.log" 2>&1; then
	echo "# source: make distdir"
elif git -C "$srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "# make distdir failed, source: the files of git ls-files"
	sed 's/^/#   /' "$T/distdir.log" | tail -5
	rm -rf "$SRC"
	mkdir -p "$SRC"
	(cd "$srcdir" && git ls-files -co --exclude-standard -z |
	    xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' _ |
	    xargs -0 tar cf -) | (cd "$SRC" && tar xf -) ||
	    { echo "Bail out! cannot copy the source tree"; exit 1; }
else
	echo "Bail out! make distdir failed"
	sed 's/^/#   /' "$T/distdir.log" | tail -20
	exit 1
fi
if ! (cd "$SRC" && dpkg-checkbuilddeps -Pnocheck) > "$T/deps.log" 2>&1; then
	skip_all "$(tr '\n' ' ' < "$T/deps.log")"
fi

ok "dpkg-buildpackage -us -uc -b -Pnocheck builds the package" sh -c \
    'cd "$1" && DEB_BUILD_OPTIONS="nocheck parallel=1" \
    dpkg-buildpackage -us -uc -b -Pnocheck > ../build.log 2>&1 ||
    { tail -30 ../build.log; exit 1; }' _ "$SRC"
# Leave the build log where the test log points to it.
DEB=$(ls "$T"/rebond_"$VERSION"-*_*.deb 2>/dev/null | head -1)
if [ -z "$DEB" ]; then
	echo "Bail out! no .deb in $T"
	tail -30 "$T/build.log" | sed 's/^/#   /'
	exit 1
fi
echo "# built $(basename "$DEB")"

dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||' \
    > "$T/contents"
has() {	# has PATH...: the package ships each PATH
	for _p; do
		grep -qx "$_p" "$T/contents" || { echo "missing: $_p"; return 1; }
	done
}
ok "the programs are in /usr/sbin and /usr/bin" \
    has /usr/sbin/rebond-dnsd /usr/sbin/rebond-feeder /usr/bin/rebondctl
ok "the manual pages are installed" \
    has /usr/share/man/man8/rebond-dnsd.8.gz \
    /usr/share/man/man8/rebond-feeder.8.gz \
    /usr/share/man/man8/rebond-sync.8.gz \
    /usr/share/man/man8/rebondctl.8.gz /usr/share/man/man5/rebond.conf.5.gz
ok "the configuration and the rules are in /etc/rebond" \
    has /etc/rebond/rebond.conf /etc/rebond/classify.rules
ok "the systemd units are in /lib/systemd/system" \
    has /lib/systemd/system/rebond-dnsd.service \
    /lib/systemd/system/rebond-feeder.service \
    /lib/systemd/system/rebond-sync.service
ok "the sysusers.d file is /usr/lib/sysusers.d/rebond.conf" \
    has /usr/lib/sysusers.d/rebond.conf
ok "the state directory /var/lib/rebond is shipped" has /var/lib/rebond
ok "copyright and changelog are in /usr/share/doc/rebond" \
    has /usr/share/doc/rebond/copyright \
    /usr/share/doc/rebond/changelog.Debian.gz

ok "/etc/rebond/rebond.conf and classify.rules are conffiles" sh -c \
    'dpkg-deb -I "$1" conffiles > "$2" &&
    grep -qx /etc/rebond/rebond.conf "$2" &&
    grep -qx /etc/rebond/classify.rules "$2"' _ "$DEB" "$T/conffiles"
ok "the version is VERSION-N" sh -c \
    'dpkg-deb -f "$1" Version | grep -qx "$2-[0-9][0-9]*"' _ "$DEB" "$VERSION"
ok "Depends names the shared libraries (shlibs) and adduser" sh -c \
    'd=$(dpkg-deb -f "$1" Depends); echo "$d"
    for l in libldns liblmdb libsodium libevent adduser; do
	echo "$d" | grep -q "$l" || exit 1
    done' _ "$DEB"
ok "postinst creates the rebond user and enables the units" sh -c \
    'dpkg-deb -I "$1" postinst > "$2" &&
    grep -q "systemd-sysusers" "$2" && grep -q "adduser --system" "$2" &&
    grep -q "rebond-dnsd.service" "$2" &&
    grep -q "rebond-feeder.service" "$2"' _ "$DEB" "$T/postinst"
ok "postinst installs rebond-sync.service without enabling it" sh -c \
    'grep -q "deb-systemd-helper debian-installed .rebond-sync.service." "$1" &&
    ! grep -q "deb-systemd-helper debian-installed .rebond-dnsd.service." "$1"' \
    _ "$T/postinst"
ok "prerm stops the units, postrm purges them and the state" sh -c \
    'dpkg-deb -I "$1" prerm | grep -q "rebond-dnsd.service" &&
    dpkg-deb -I "$1" postrm > "$2" && grep -q "rm -rf /var/lib/rebond" "$2" &&
    grep -q "purge" "$2"' _ "$DEB" "$T/postrm"

R="$T/root"
dpkg-deb -x "$DEB" "$R"
U="$R/lib/systemd/system"
ok "the units run the installed programs on /etc/rebond/rebond.conf" \
    sh -c 'grep -qx "ExecStart=/usr/sbin/rebond-dnsd -f -c /etc/rebond/rebond.conf" "$1" &&
    grep -qx "ExecStartPre=/usr/sbin/rebond-dnsd -n -c /etc/rebond/rebond.conf" "$1" &&
    grep -qx "ExecStart=/usr/sbin/rebond-feeder -c /etc/rebond/rebond.conf" "$2" &&
    grep -qx "ExecStartPre=/usr/sbin/rebond-feeder -n -c /etc/rebond/rebond.conf" "$2" &&
    grep -qx "ExecStart=/usr/sbin/rebond-sync -c /etc/rebond/rebond.conf" "$3" &&
    grep -qx "ExecStartPre=/usr/sbin/rebond-sync -n -c /etc/rebond/rebond.conf" "$3"' \
    _ "$U/rebond-dnsd.service" "$U/rebond-feeder.service" \
    "$U/rebond-sync.service"
ok "the units are Type=notify and reload on SIGHUP, checking first" sh -c \
    'for u; do n=${u##*/}; n=${n%.service}
	for l in Type=notify NotifyAccess=main \
	    "ExecReload=/usr/sbin/$n -n -c /etc/rebond/rebond.conf" \
	    "ExecReload=/bin/kill -HUP \$MAINPID"; do
	    grep -qxF "$l" "$u" || { echo "$u: no $l"; exit 1; }
	done
    done' _ "$U/rebond-dnsd.service" "$U/rebond-feeder.service" \
    "$U/rebond-sync.service"
ok "rebond-sync reaches peers and reads its key in /var/lib/rebond" sh -c \
    'grep -qx "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" "$1" &&
    grep -qx "StateDirectory=rebond" "$1" && grep -qx "CapabilityBoundingSet=" "$1" &&
    ! grep -q "^AmbientCapabilities" "$1"' _ "$U/rebond-sync.service"
ok "the units run as rebond, hardened, with /var/lib/rebond" sh -c \
    'for u; do for l in User=rebond Group=rebond StateDirectory=rebond \
	NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes \
	PrivateTmp=yes Restart=on-failure \
	"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" \
	SystemCallFilter=@system-service; do
	grep -qx "$l" "$u" || { echo "$u: no $l"; exit 1; }
    done; done' _ "$U/rebond-dnsd.service" "$U/rebond-feeder.service" \
    "$U/rebond-sync.service"
if command -v systemd-analyze >/dev/null 2>&1; then
	for u in rebond-dnsd rebond-feeder rebond-sync; do
		sed -e "s|=/usr/sbin/|=$R/usr/sbin/|" \
		    -e "s| /etc/rebond/| $R/etc/rebond/|" \
		    "$U/$u.service" > "$T/$u.service"
		ok "systemd-analyze verify $u.service (unpacked)" sh -c \
		    'systemd-analyze verify --man=no "$1" 2>&1 | grep "$2" && exit 1
		    systemd-analyze verify --man=no "$1" >/dev/null 2>&1' _ \
		    "$T/$u.service" "$u"
	done
fi
ok "the sysusers.d file declares the rebond user" \
    grep -qx 'u rebond - "rebond blocklist" /var/lib/rebond' \
    "$R/usr/lib/sysusers.d/rebond.conf"
if command -v systemd-sysusers >/dev/null 2>&1; then
	# As postinst does, in a copy of the unpacked root.
	cp -a "$R" "$T/sysroot"
	ok "systemd-sysusers makes rebond, home /var/lib/rebond, no shell" \
	    sh -c 'systemd-sysusers --root="$1" rebond.conf &&
	    grep -q "^rebond:x:[0-9]*:[0-9]*:rebond blocklist:/var/lib/rebond:/usr/sbin/nologin\$" \
	    "$1/etc/passwd" && grep -q "^rebond:x:" "$1/etc/group"' _ \
	    "$T/sysroot"
fi

# --- smoke test: the unpacked programs on the shipped configuration -----

CONF="$R/etc/rebond/rebond.conf"
# The same file with the rules where they were unpacked (rebond-dnsd and
# rebondctl list do not read them; rebond-feeder does).
sed "s|^rules = .*|rules = \"$R/etc/rebond/classify.rules\"|" "$CONF" \
    > "$T/rebond.conf"
# Started as root, the daemons would switch to a rebond user that the
# unpacked package did not create: $KEEP_ROOT (tests/lib.sh).
DNSD="$R/usr/sbin/rebond-dnsd"
FEEDER="$R/usr/sbin/rebond-feeder"
CTL="$R/usr/bin/rebondctl"
STATE="$T/state"

ok "rebond-dnsd --version is $VERSION" sh -c \
    '"$1" --version | grep -qx "rebond-dnsd $2"' _ "$DNSD" "$VERSION"
ok "rebond-dnsd -n accepts the shipped configuration" \
    "$DNSD" -n -c "$CONF" $KEEP_ROOT
ok "rebond-feeder -n accepts it (and the shipped rules)" \
    "$FEEDER" -n -c "$T/rebond.conf" $KEEP_ROOT
ok "rebondctl config reads state-dir /var/lib/rebond from it" sh -c \
    '"$1" -c "$2" config | grep -qx "state-dir = \"/var/lib/rebond\""' \
    _ "$CTL" "$CONF"

start_dnsd -c "$CONF" $KEEP_ROOT
ok "rebond-dnsd answers test.rcpt.rebond.test with 127.0.0.2" sh -c \
    'test "$(dig +short +time=2 +tries=1 @127.0.0.1 -p "$1" \
    test.rcpt.rebond.test A)" = 127.0.0.2' _ "$PORT"
h=$(sha1 user@example.org)
ok "the test vector user@example.org hashes to 547e41ff...c6c6" \
    test "$h" = 547e41ffe2031bcdc35ffc6687f10d498c4626c6
ok "an unlisted hash is NXDOMAIN" sh -c \
    'dig +time=2 +tries=1 @127.0.0.1 -p "$1" "$2.rcpt.rebond.test" A |
    grep -q "status: NXDOMAIN"' _ "$PORT" "$h"
ok "rebondctl add lists it" \
    "$CTL" -c "$CONF" -d "$STATE" add rcpt user@example.org --reason hard
ok "rebond-dnsd answers the listing with no reload" sh -c \
    'test "$(dig +short +time=2 +tries=1 @127.0.0.1 -p "$1" \
    "$2.rcpt.rebond.test" A)" = 127.0.0.2' _ "$PORT" "$h"
line='Nov 22 10:00:01 relay postfix/smtp[4242]: 8C2F1A0042: to=<nobody@example.org>, relay=mx.example.org[198.51.100.7]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.org[198.51.100.7] said: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command))'
ok "rebond-feeder --stdin learns a Postfix bounce" sh -c \
    'echo "$1" | "$2" -c "$3" -d "$4" --stdin $5' _ "$line" "$FEEDER" \
    "$T/rebond.conf" "$STATE" "$KEEP_ROOT"
ok "rebond-dnsd answers the bounced address with 127.0.0.2" sh -c \
    'test "$(dig +short +time=2 +tries=1 @127.0.0.1 -p "$1" \
    "$2.rcpt.rebond.test" A)" = 127.0.0.2' _ "$PORT" \
    "$(sha1 nobody@example.org)"
ok "rebondctl list shows both" sh -c \
    '"$1" -c "$2" -d "$3" list > "$4" && cat "$4" &&
    grep -q "^rcpt $5 127.0.0.2" "$4" && grep -q "^rcpt $6 127.0.0.2" "$4"' \
    _ "$CTL" "$CONF" "$STATE" "$T/list" "$h" "$(sha1 nobody@example.org)"
stop_dnsd

# Warnings are printed, errors fail (REBOND_TEST_LINTIAN=no skips it).
if command -v lintian >/dev/null 2>&1 && [ "${REBOND_TEST_LINTIAN:-}" != no ]; then
	lintian "$DEB" > "$T/lintian" 2>&1
	sed -n 's/^\([EW]\): /# lintian \1: /p' "$T/lintian"
	ok "lintian finds no error" sh -c '! grep -q "^E:" "$1"' _ "$T/lintian"
fi

done_testing

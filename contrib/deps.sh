#!/bin/sh
# Install the Debian 12 packages rebond needs.
#   contrib/deps.sh          build and run
#   contrib/deps.sh test     also what the test suite uses
#   contrib/deps.sh bench    also the benchmark tools (dnsperf, rbldnsd)
set -eu

pkgs="build-essential autoconf automake pkg-config
	libldns-dev libssl-dev libsodium-dev liblmdb-dev libevent-dev libcurl4-openssl-dev
	bind9-dnsutils iproute2"
case "${1:-}" in
test)	pkgs="$pkgs lmdb-utils dnsperf postfix swaks tcpdump clang libclang-rt-14-dev unbound bind9 rsyslog libidn12 spamassassin dpkg-dev debhelper lintian mandoc" ;;
bench)	pkgs="$pkgs lmdb-utils dnsperf rbldnsd hyperfine pflogsumm time" ;;
esac

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
	    missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	case " $missing " in
	*" postfix "*)
		# No debconf question, and no system Postfix configured or
		# started: the tests run their own instance.
		echo "postfix postfix/main_mailer_type select No configuration" |
		    as_root debconf-set-selections ;;
	esac
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi

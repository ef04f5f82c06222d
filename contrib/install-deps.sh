#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# install-deps.sh - install what relaywarden needs to build, test and run its demo on Debian 12.
# Runs apt-get only when something is missing, so a second run costs nothing. Needs root.
set -eu
PKGS="build-essential autoconf automake pkg-config libmilter-dev libssl-dev libmaxminddb-dev
check postfix m4 swaks libnet-ssleay-perl openssl miltertest procps clang libclang-rt-14-dev
dnsmasq-base libc-ares-dev libunistring-dev libfribidi-dev iproute2
libhyperscan-dev libarchive-dev zlib1g-dev zip p7zip-full python3
libdb5.3 libldap-2.5-0 libnsl2 libsasl2-2 libssl3"
# systemd-analyze verify checks the unit (tests/e2e/lifecycle.sh); no systemd is started.
PKGS="$PKGS systemd"
# promtool checks the metrics text (tests/e2e/stats.sh).
PKGS="$PKGS prometheus"
# the static audit: the Public Suffix List (libpsl) to spot a list of ours covering *.com.
PKGS="$PKGS libpsl-dev publicsuffix"
# limits (rate limits): hiredis to build, redis-server for tests/e2e/limits.sh.
PKGS="$PKGS libhiredis-dev redis-server"
# geoip: the test database is written with MaxMind::DB::Writer and read back with mmdblookup.
PKGS="$PKGS libmaxmind-db-writer-perl mmdb-bin"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
# Sendmail conflicts with the postfix package, so the end-to-end test runs it unpacked from its
# .debs (tests/e2e/sendmail.sh). Kept here, fetched once. The libraries it links that do not
# conflict (libdb, libldap, libnsl, libsasl2, libssl) are ordinary packages in PKGS above.
SENDMAIL_DIR=${SENDMAIL_DIR:-/var/cache/relaywarden-test/sendmail}
need_sendmail=0
[ -x "$SENDMAIL_DIR/sendmail" ] || need_sendmail=1
[ -z "$missing" ] && [ "$need_sendmail" = 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing:$missing$( [ "$need_sendmail" = 1 ] && echo " sendmail(unpacked)") (run as root)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ "$need_sendmail" = 1 ]; then
    echo "install-deps: unpacking Sendmail into $SENDMAIL_DIR"
    mkdir -p "$SENDMAIL_DIR/debs" "$SENDMAIL_DIR/root"
    chown _apt "$SENDMAIL_DIR/debs" 2>/dev/null || true # apt downloads as _apt
    (cd "$SENDMAIL_DIR/debs" &&
        apt-get download -qq sendmail-bin sendmail-cf sendmail-base libwrap0 liblockfile1)
    for d in "$SENDMAIL_DIR"/debs/*.deb; do dpkg -x "$d" "$SENDMAIL_DIR/root"; done
    # A copy without the setgid bit, so that LD_LIBRARY_PATH reaches the unpacked libraries.
    cp "$SENDMAIL_DIR/root/usr/libexec/sendmail/sendmail" "$SENDMAIL_DIR/sendmail"
    chmod 0755 "$SENDMAIL_DIR/sendmail"
fi
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing"
# "No configuration": Postfix installs without a system main.cf and does not start on port 25;
# the demo and the tests run private instances of their own on loopback.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
# shellcheck disable=SC2086
# Debian's vectorscan replaces Hyperscan under the same name (libhs) but misses keywords on
# AVX-512 machines (tests/fuzz/corpus/kw holds the inputs): swap it out when it is there.
if dpkg-query -W -f='${Status}' libvectorscan5 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing libvectorscan-dev- libvectorscan5-"
fi
apt-get install -y -qq --no-install-recommends $missing >/dev/null

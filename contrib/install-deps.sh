#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# install-deps.sh - install what relaywarden needs to build, test and run its demo on Debian 12.
# Runs apt-get only when something is missing, so a second run costs nothing. Needs root.
set -eu
PKGS="build-essential autoconf automake pkg-config libmilter-dev libssl-dev libmaxminddb-dev
check postfix swaks libnet-ssleay-perl openssl miltertest procps clang libclang-rt-14-dev
dnsmasq-base libc-ares-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing packages:$missing (run as root to install them)" >&2
    exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# "No configuration": Postfix installs without a system main.cf and does not start on port 25;
# the demo and the tests run private instances of their own on loopback.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

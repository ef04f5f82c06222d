#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# fresh-install.sh - the Debian package as a new admin meets it, on a fresh Debian 12 machine
# (run it in one: ../shared/tools/fresh-machine-check 'tests/package/fresh-install.sh'). Builds
# the .deb with dpkg-buildpackage, installs it with the distribution's Postfix, runs the
# postconf commands the postinst printed (they merge into main.cf, never append), starts relaywarden the way the unit's ExecStartPre/ExecStart
# do (systemd is not PID 1 in a chroot) and Postfix, sends mail to port 25, sees the decisions,
# stops both and purges the package: nothing of it may remain. Needs root and the network.
set -u
cd "$(dirname "$0")/../.."
FAILED=0
PASSED=0
W=/tmp/relaywarden-fresh
rm -rf "$W" && mkdir -p "$W"
pass() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
fail() {
    FAILED=$((FAILED + 1))
    echo "not ok - $1"
    shift
    for f in "$@"; do [ -f "$f" ] && sed 's/^/    /' "$f"; done
}
die() { fail "$@"; echo "$PASSED passed, $FAILED failed"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root" >&2; exit 77; }

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >"$W/apt.log" 2>&1
apt-get install -y -qq --no-install-recommends build-essential debhelper dpkg-dev fakeroot \
    debconf >>"$W/apt.log" 2>&1 || die "installing the build tools" "$W/apt.log"
apt-get build-dep -y -qq ./ >>"$W/apt.log" 2>&1 || die "installing the build dependencies" "$W/apt.log"
# The unit tests run in CI and in the build by default; here the package itself is the test.
DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -us -uc -b >"$W/build.log" 2>&1 ||
    die "dpkg-buildpackage -us -uc -b" "$W/build.log"
deb=$(ls ../relaywarden_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] && pass "built $deb" || die "no .deb built" "$W/build.log"

# The distribution's Postfix, as an Internet site, pulled in by the package's dependency.
echo "postfix postfix/main_mailer_type select Internet Site" | debconf-set-selections
echo "postfix postfix/mailname string mx.fresh.test" | debconf-set-selections
apt-get install -y "./$deb" >"$W/install.log" 2>&1 || die "apt-get install $deb" "$W/install.log"
pass "installed with $(dpkg-query -W -f='postfix ${Version}' postfix)"
grep -A20 "^relaywarden: to have Postfix ask relaywarden" "$W/install.log" >"$W/postinst.txt"
sed -n 's/^    \(cur=.*\|postconf -e .*\)$/\1/p' "$W/postinst.txt" >"$W/maincf-commands"
[ "$(wc -l <"$W/maincf-commands")" = 3 ] && pass "the postinst printed the three postconf commands" || fail "postinst commands" "$W/install.log"
grep -q relaywarden /etc/postfix/main.cf && fail "the postinst touched main.cf" || pass "main.cf untouched by the postinst"
getent passwd relaywarden | grep -q . && [ "$(id -gn relaywarden)" = postfix ] &&
    pass "system user relaywarden in group postfix" || fail "user relaywarden: $(id relaywarden 2>&1)"
mode=$(stat -c '%a %U %G' /var/spool/postfix/relaywarden 2>/dev/null)
[ "$mode" = "750 relaywarden postfix" ] && pass "socket directory 0750 relaywarden:postfix" || fail "socket directory is '$mode'"
dpkg-query -W -f='${Conffiles}\n' relaywarden | grep -q "/etc/relaywarden/relaywarden.rules" &&
    pass "rules file is a conffile" || fail "rules file is not a conffile"
[ -L /etc/systemd/system/multi-user.target.wants/relaywarden.service ] &&
    pass "unit enabled" || fail "unit not enabled"
if command -v systemd-analyze >/dev/null 2>&1; then
    systemd-analyze verify --man=no /lib/systemd/system/relaywarden.service >"$W/verify.log" 2>&1 &&
        pass "systemd-analyze verify" || fail "systemd-analyze verify" "$W/verify.log"
fi

# A milter the admin had before stays: the commands merge.
postconf -e "smtpd_milters = inet:localhost:8891"
(. "$W/maincf-commands") >"$W/merge.log" 2>&1 || fail "running the postinst's commands" "$W/merge.log"
[ "$(postconf -h smtpd_milters)" = "unix:relaywarden/relaywarden.sock, inet:localhost:8891" ] &&
    pass "smtpd_milters merged: relaywarden first, the earlier milter kept" || fail "smtpd_milters = $(postconf -h smtpd_milters)"
postconf -e "smtpd_milters = unix:relaywarden/relaywarden.sock" # no OpenDKIM here to talk to

# The unit's steps, in order: RuntimeDirectory=, then ExecStartPre (+ as root), ExecStart as
# User=relaywarden Group=postfix with UMask=0007.
install -d -o relaywarden -g postfix -m 0750 /run/relaywarden
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' /lib/systemd/system/relaywarden.service |
    grep -E '^ExecStart(Pre)?=' >"$W/unit-commands"
while IFS= read -r line; do
    cmd=${line#*=}
    case "$line" in
    ExecStartPre=+*) eval "${cmd#+}" || die "unit step: $line" ;;
    ExecStartPre=*)
        (umask 0007 && eval "setpriv --reuid=relaywarden --regid=postfix --init-groups $cmd") \
            >"$W/check.log" 2>&1 || die "unit step: $line" "$W/check.log"
        pass "unit step as relaywarden: $(head -1 "$W/check.log")" ;;
    ExecStart=*)
        (umask 0007 && eval "exec setpriv --reuid=relaywarden --regid=postfix --init-groups $cmd") \
            2>"$W/relaywarden.log" &
        ;;
    esac
done <"$W/unit-commands"
for i in $(seq 1 50); do [ -S /var/spool/postfix/relaywarden/relaywarden.sock ] && break; sleep 0.1; done
[ -S /var/spool/postfix/relaywarden/relaywarden.sock ] && pass "relaywarden listening" || die "relaywarden did not start" "$W/relaywarden.log"
/etc/init.d/postfix start >"$W/postfix.log" 2>&1 || die "postfix start" "$W/postfix.log"
for i in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/25) 2>/dev/null && break; sleep 0.1; done
grep -E '^smtp +inet +n +- +y' /etc/postfix/master.cf >/dev/null && pass "smtpd runs chrooted (Debian's master.cf)" || fail "smtpd not chrooted in master.cf"

# smtp NAME RCPT: one session to port 25, each command waiting for its reply; the message only
# after 354. Transcript in $W/NAME.smtp.
reply() { # prints the reply lines, sets CODE
    local r
    CODE=
    while IFS= read -r -t 20 r <&3; do
        r=${r%$'\r'}
        echo "<- $r"
        case "$r" in [0-9][0-9][0-9]" "*) CODE=${r%% *}; return ;; esac
    done
}
say() { echo "-> $1"; printf '%s\r\n' "$1" >&3; reply; }
smtp() {
    exec 3<>/dev/tcp/127.0.0.1/25
    {
        reply
        say "EHLO client.fresh.test"
        say "MAIL FROM:<someone@remote.test>"
        say "RCPT TO:<$2>"
        if [ "$CODE" = 250 ]; then
            say DATA
            [ "$CODE" = 354 ] && say "$(printf 'Subject: %s\r\n\r\ntest\r\n.' "$1")"
        fi
        say QUIT
    } >"$W/$1.smtp" 2>&1
    exec 3<&- 3>&-
}
trap '' PIPE
smtp ours bob@example.com
grep -q "^<- 250 .*queued as" "$W/ours.smtp" && pass "mail for our domain accepted" || fail "mail for our domain" "$W/ours.smtp" /var/log/mail.log
smtp relay victim@elsewhere.test
grep -q "^<- 550 5.7.1 relaying denied" "$W/relay.smtp" && pass "relay refused by relaywarden" || fail "relay not refused" "$W/relay.smtp"
grep -qE "reject: stage=rcpt .*to=<victim@elsewhere.test>" "$W/relaywarden.log" &&
    pass "decision line: $(grep -E 'reject: stage=rcpt' "$W/relaywarden.log" | head -1 | cut -c1-100)" ||
    fail "no decision line" "$W/relaywarden.log"

/etc/init.d/postfix stop >>"$W/postfix.log" 2>&1
kill -TERM "$(cat /run/relaywarden/relaywarden.pid)" 2>/dev/null
for i in $(seq 1 30); do [ -S /var/spool/postfix/relaywarden/relaywarden.sock ] || break; sleep 0.1; done
[ -e /var/spool/postfix/relaywarden/relaywarden.sock ] && fail "socket left after stop" || pass "socket removed at stop"
[ -e /run/relaywarden/relaywarden.pid ] && fail "pid file left after stop" || pass "pid file removed at stop"

dpkg -L relaywarden | sort >"$W/files"
apt-get purge -y relaywarden >"$W/purge.log" 2>&1 || die "apt-get purge relaywarden" "$W/purge.log"
left=$(while read -r f; do [ -f "$f" ] && echo "$f"; done <"$W/files")
for d in /etc/relaywarden /var/spool/postfix/relaywarden /run/relaywarden \
    /etc/systemd/system/multi-user.target.wants/relaywarden.service; do
    [ -e "$d" ] && left="$left $d"
done
[ -z "$left" ] && pass "purge left nothing behind" || fail "purge left:$left"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]

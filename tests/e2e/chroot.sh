#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# chroot.sh - the layout Debian ships: smtpd (and cleanup, pickup, smtp) chrooted into the queue
# directory, relaywarden's unix socket under it as relaywarden/relaywarden.sock, and relaywarden
# started by the very ExecStartPre/ExecStart lines of the generated systemd unit, as its own
# unprivileged user in the postfix group (nobody stands in for the relaywarden user). Mail for
# our domain passes, relay is refused, and smtpd is seen to run chrooted.
. "$(dirname "$0")/lib.sh"
e2e_require postfix swaks setpriv
UNIT=$top_builddir/contrib/relaywarden.service
[ -f "$UNIT" ] || { echo "the generated unit $UNIT is missing: run make" >&2; exit 1; }
RW_USER=nobody

# e2e_start calls this to start relaywarden: here the unit's own command lines, with the paths
# moved into the scratch directory.
e2e_start_relaywarden() {
    local line cmd
    mkdir -p "$T/queue" "$T/etc" "$T/run"
    cp "$1" "$T/etc/relaywarden.rules"
    # RuntimeDirectory=relaywarden, RuntimeDirectoryMode=0750, owned by User=/Group=.
    chown "$RW_USER:postfix" "$T/run" && chmod 0750 "$T/run"
    # Continuation lines joined, then one Exec line after the other.
    sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$UNIT" | grep -E '^ExecStart(Pre)?=' |
        sed -e "s|/var/spool/postfix|$T/queue|g" -e "s|/run/relaywarden|$T/run|g" \
            -e "s|[^ ]*/relaywarden/relaywarden\.rules|$T/etc/relaywarden.rules|g" \
            -e "s|-o relaywarden|-o $RW_USER|" -e "s|[^ =+]*/sbin/relaywarden |$RELAYWARDEN |" \
            -e 's/  */ /g' >"$T/unit-commands"
    while IFS= read -r line; do
        cmd=${line#*=}
        case "$line" in
        ExecStartPre=+*) eval "${cmd#+}" || { echo "unit step failed: $line" >&2; exit 1; } ;;
        ExecStartPre=*)
            (umask 0007 && eval "setpriv --reuid=$RW_USER --regid=postfix --clear-groups $cmd") \
                >"$T/unit-check.log" 2>&1 || { cat "$T/unit-check.log" >&2; exit 1; } ;;
        ExecStart=*)
            (umask 0007 && eval "exec setpriv --reuid=$RW_USER --regid=postfix --clear-groups $cmd") \
                2>>"$T/relaywarden.log" &
            RW_PID=$! ;;
        esac
    done <"$T/unit-commands"
    for i in $(seq 1 "$E2E_WAIT"); do [ -S "$T/queue/relaywarden/relaywarden.sock" ] && break; sleep 0.1; done
    [ -S "$T/queue/relaywarden/relaywarden.sock" ] || { cat "$T/relaywarden.log" >&2; exit 1; }
    # As contrib/postfix-main.cf says: relative to the queue directory, which every Postfix
    # daemon has as its working directory, chrooted or not.
    MILTER_CONN=unix:relaywarden/relaywarden.sock
}

e2e_start "$top_srcdir/tests/rules/e2e.rules"
grep -q "relaywarden -n" "$T/unit-commands" && e2e_pass "the unit checks the rules before starting" || e2e_fail "no rules check in the unit" "$T/unit-commands"
mode=$(stat -c '%a %U %G' "$T/queue/relaywarden" 2>/dev/null)
[ "$mode" = "750 $RW_USER postfix" ] && e2e_pass "socket directory 0750 $RW_USER:postfix" || e2e_fail "socket directory is '$mode'"
mode=$(stat -c '%a %U %G' "$T/queue/relaywarden/relaywarden.sock" 2>/dev/null)
[ "$mode" = "660 $RW_USER postfix" ] && e2e_pass "socket 0660 $RW_USER:postfix" || e2e_fail "socket is '$mode'"
user=$(ps -o user= -p "$(cat "$T/run/relaywarden.pid" 2>/dev/null)" 2>/dev/null | tr -d ' ')
[ "$user" = "$RW_USER" ] && e2e_pass "relaywarden runs as $RW_USER" || e2e_fail "relaywarden runs as '$user'"

# Debian's master.cf: these services chrooted.
sed -i -E 's/^(127\.0\.0\.1:[0-9]+ +inet +n +- +)n /\1y /; s/^((pickup|cleanup|rewrite|bounce|defer|trace|verify|smtp|relay|error|retry|discard) +unix +[-n] +- +)n /\1y /' \
    "$PF_DIR/master.cf"
e2e_postfix_reload || exit 1

e2e_smtp chroot-ours "$IN_PORT" --from a@remote.test --to bob@example.com
e2e_expect_reply chroot-ours "250 .*queued as"
e2e_delivered chroot-ours bob@example.com
e2e_smtp chroot-relay "$IN_PORT" --from a@remote.test --to victim@elsewhere.test
e2e_expect_reply chroot-relay "550 5.7.1 relaying denied"
e2e_log chroot-decision "reject: stage=rcpt .*listener=inbound .*to=<victim@elsewhere.test>"
e2e_not_delivered chroot-relay

# The smtpd that served those sessions ran chrooted into the queue directory.
found=
for p in $(pgrep -x smtpd); do
    [ "$(readlink "/proc/$p/root")" = "$T/queue" ] && found=$p
done
[ -n "$found" ] && e2e_pass "smtpd runs chrooted in $T/queue" || e2e_fail "no smtpd chrooted in $T/queue" "$PF_DIR/master.cf"
e2e_done

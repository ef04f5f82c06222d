#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# daemon.sh - the daemon's own promises: -n, -V, a unix socket that is not world-writable,
# privileges dropped after binding, the pid file, SIGTERM, refusing to start on a broken rules
# file, and tempfail (never accept) when a connection has no listener. miltertest speaks the
# milter protocol directly for the last one.
. "$(dirname "$0")/lib.sh"
e2e_require miltertest
RULES_SRC=$top_srcdir/tests/rules
T=$(mktemp -d /tmp/relaywarden-daemon.XXXXXX)
chmod 755 "$T"
trap 'kill $(cat "$T/run/rw.pid" "$T/run/rw2.pid" 2>/dev/null) 2>/dev/null; [ "$E2E_FAILED" = 0 ] && rm -rf "$T"' EXIT

check() { # NAME EXPECTED-RC COMMAND...: runs COMMAND, output in $T/NAME.out
    local name=$1 want=$2 rc
    shift 2
    "$@" >"$T/$name.out" 2>&1
    rc=$?
    if [ "$rc" = "$want" ]; then e2e_pass "$name: exit $rc"; else e2e_fail "$name: exit $rc, want $want" "$T/$name.out"; fi
}
has() { # NAME REGEX
    if grep -qE "$2" "$T/$1.out"; then e2e_pass "$1: says /$2/"; else e2e_fail "$1: lacks /$2/" "$T/$1.out"; fi
}

check n-sample 0 "$RELAYWARDEN" -n -c "$top_srcdir/contrib/relaywarden.rules"
has n-sample "^configuration OK"
check n-broken 1 "$RELAYWARDEN" -n -c "$RULES_SRC/broken.rules"
has n-broken "broken.rules:2: bad domain \"exa..mple.org\""
check n-missing 1 "$RELAYWARDEN" -n -c "$T/no-such.rules"
has n-missing "cannot open \".*no-such.rules\": No such file or directory"
check version 0 "$RELAYWARDEN" -V
has version "^relaywarden [0-9]"
check help 0 "$RELAYWARDEN" -h
check bad-option 2 "$RELAYWARDEN" -Z
check bad-facility 2 "$RELAYWARDEN" -l nosuch -n
check start-broken 1 "$RELAYWARDEN" -f -c "$RULES_SRC/broken.rules" -p "unix:$T/never.sock"
has start-broken "broken.rules:2: bad domain"
[ -e "$T/never.sock" ] && e2e_fail "start-broken: created a socket" || e2e_pass "start-broken: no socket"

# Daemon mode, unix socket, -u nobody.
mkdir -p "$T/run" && chown nobody "$T/run"
# -u checks at start that the user can read the rules: a copy nobody can read (a checkout under
# /root is not readable by nobody, nor is mktemp's 0700 directory).
chmod 755 "$T" && cp "$RULES_SRC/e2e.rules" "$T/run/e2e.rules" && chmod 644 "$T/run/e2e.rules"
# Foreground (-f) in the background so the test can read its log; daemon mode is tested below.
"$RELAYWARDEN" -f -c "$T/run/e2e.rules" -p "unix:$T/run/rw.sock" -u nobody \
    -P "$T/run/rw.pid" 2>"$T/rw.log" &
for i in $(seq 1 "$E2E_WAIT"); do [ -S "$T/run/rw.sock" ] && [ -s "$T/run/rw.pid" ] && break; sleep 0.1; done
pid=$(cat "$T/run/rw.pid" 2>/dev/null)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then e2e_pass "pid file names the running daemon"; else e2e_fail "no running daemon in the pid file"; fi
mode=$(stat -c '%a %U' "$T/run/rw.sock" 2>/dev/null)
[ "$mode" = "660 nobody" ] && e2e_pass "socket is 0660 owned by nobody" || e2e_fail "socket is '$mode', want '660 nobody'"
user=$(ps -o user= -p "$pid" 2>/dev/null | tr -d ' ')
[ "$user" = nobody ] && e2e_pass "daemon runs as nobody" || e2e_fail "daemon runs as '$user'"
ruid=$(awk '/^Uid:/ {print $2 $3 $4 $5}' "/proc/$pid/status" 2>/dev/null)
nobody_uid=$(id -u nobody)
[ "$ruid" = "$nobody_uid$nobody_uid$nobody_uid$nobody_uid" ] && e2e_pass "real, effective, saved uid all dropped" || e2e_fail "uids are $ruid"

# The milter protocol directly: an unknown {daemon_name} with no default listener tempfails,
# a relay attempt on the inbound listener gets the admin's reply at RCPT.
cat >"$T/proto.lua" <<LUA
local conn = mt.connect("unix:$T/run/rw.sock")
if conn == nil then error("cannot connect") end
mt.macro(conn, SMFIC_CONNECT, "{daemon_name}", "no-such-listener")
if mt.conninfo(conn, "client.test", "192.0.2.7") ~= nil then error("conninfo failed") end
-- tempfail with the text "451 4.3.0 internal error ...", so a reply code, never continue
if mt.getreply(conn) ~= SMFIR_REPLYCODE then error("unknown listener: want a 451 reply") end
mt.disconnect(conn)

conn = mt.connect("unix:$T/run/rw.sock")
mt.macro(conn, SMFIC_CONNECT, "{daemon_name}", "inbound")
if mt.conninfo(conn, "client.test", "192.0.2.7") ~= nil then error("conninfo failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then error("connect: want continue") end
if mt.mailfrom(conn, "<a@remote.test>") ~= nil then error("mailfrom failed") end
if mt.rcptto(conn, "<bob@example.com>") ~= nil then error("rcptto failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then error("our domain: want continue") end
if mt.rcptto(conn, "<victim%elsewhere.test@example.com>") ~= nil then error("rcptto failed") end
if mt.getreply(conn) ~= SMFIR_REPLYCODE then error("percent hack: want a reply code") end
if mt.rcptto(conn, "<u@example.com") ~= nil then error("rcptto failed") end
if mt.getreply(conn) ~= SMFIR_REPLYCODE then error("bad syntax: want a reply code") end
mt.disconnect(conn)
LUA
check miltertest 0 miltertest -s "$T/proto.lua"
check miltertest-log 0 grep -E "NOQUEUE: tempfail: stage=connect rule=- listener=- client=client.test\[192.0.2.7\] auth=- from=- reason=\"no listener for \{daemon_name\} \\\\\"no-such-listener\\\\\" and no default listener\"" "$T/rw.log"

# SIGTERM: the daemon exits and removes its pid file.
kill -TERM "$pid"
for i in $(seq 1 "$E2E_WAIT"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then e2e_fail "still running 30 s after SIGTERM"; else e2e_pass "SIGTERM stops it"; fi
[ -e "$T/run/rw.pid" ] && e2e_fail "pid file left behind" || e2e_pass "pid file removed"

# Daemon mode: detaches, and the parent returns 0 once the socket is bound.
check daemon-mode 0 "$RELAYWARDEN" -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/rw2.sock" \
    -P "$T/run/rw2.pid"
for i in $(seq 1 "$E2E_WAIT"); do [ -s "$T/run/rw2.pid" ] && break; sleep 0.1; done
pid2=$(cat "$T/run/rw2.pid" 2>/dev/null)
if [ -n "$pid2" ] && kill -0 "$pid2" 2>/dev/null && [ -S "$T/run/rw2.sock" ]; then
    e2e_pass "daemon mode: running with its socket"
    kill -TERM "$pid2"
else
    e2e_fail "daemon mode: not running"
fi
e2e_done

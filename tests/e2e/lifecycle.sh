#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# lifecycle.sh - the daemon's life as an admin and systemd see it: each signal (reload, ignore,
# stop), a second instance refused with the reason, every start-up failure on stderr with a
# non-zero exit before the command returns, a relative -c that still reloads after chdir /,
# socket and pid file removed at stop, a stop within a second when idle, a message in flight
# finished across a stop, and the unit file accepted by systemd-analyze verify.
. "$(dirname "$0")/lib.sh"
e2e_require miltertest
RULES_SRC=$top_srcdir/tests/rules
T=$(mktemp -d /tmp/relaywarden-life.XXXXXX)
# The rules files where the users the tests switch to can read them: a checkout under /root
# (mode 0700) is not readable by nobody. Writable too: distcheck's read-only source makes the
# copies 0444, and the reload steps write over one (only CAP_DAC_OVERRIDE let root do that).
mkdir -p "$T/rules" && cp "$RULES_SRC"/*.rules "$T/rules/" && chmod -R a+rX,u+w "$T/rules"
RULES_SRC=$T/rules
chmod 755 "$T"
trap 'for f in "$T"/run/*.pid; do p=$(cat "$f" 2>/dev/null); [ -n "$p" ] && kill "$p" 2>/dev/null; done; [ "$E2E_FAILED" = 0 ] && rm -rf "$T"' EXIT
mkdir -p "$T/run" "$T/rootdir" && chown nobody "$T/run"

check() { # NAME EXPECTED-RC COMMAND...: runs COMMAND, output in $T/NAME.out
    local name=$1 want=$2 rc
    shift 2
    "$@" >"$T/$name.out" 2>&1
    rc=$?
    if [ "$rc" = "$want" ]; then e2e_pass "$name: exit $rc"; else e2e_fail "$name: exit $rc, want $want" "$T/$name.out"; fi
}
has() { # NAME REGEX
    if grep -qE -- "$2" "$T/$1.out"; then e2e_pass "$1: says /$2/"; else e2e_fail "$1: lacks /$2/" "$T/$1.out"; fi
}
log_has() { # NAME REGEX: the daemon's log (syslog copy on stderr) gets a matching line
    local i
    for i in $(seq 1 "$E2E_WAIT"); do
        grep -qE "$2" "$T/rw.log" && { e2e_pass "$1: log has /$2/"; return; }
        sleep 0.1
    done
    e2e_fail "$1: log lacks /$2/" "$T/rw.log"
}
alive() { # NAME PID
    if kill -0 "$2" 2>/dev/null; then e2e_pass "$1: still running"; else e2e_fail "$1: died" "$T/rw.log"; fi
}
ms() { date +%s%3N; }
# running PID: alive and not a zombie (a detached daemon's zombie waits for init to reap it).
running() { kill -0 "$1" 2>/dev/null && [ "$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" != Z ]; }
# stop_within NAME PID SIGNAL MS: the process exits within MS milliseconds of SIGNAL.
stop_within() {
    local t0 i
    t0=$(ms)
    kill -"$3" "$2"
    for i in $(seq 1 500); do running "$2" || break; sleep 0.01; done
    if running "$2"; then
        e2e_fail "$1: still running 5 s after SIG$3"
    elif [ $(($(ms) - t0)) -le "$4" ]; then
        e2e_pass "$1: SIG$3 stopped it in $(($(ms) - t0)) ms (at most $4)"
    else
        e2e_fail "$1: SIG$3 took $(($(ms) - t0)) ms, want at most $4"
    fi
}

# A daemon as the unit starts it: foreground, unix socket, own user, pid file. The rules file
# is named relative to the current directory.
cp "$RULES_SRC/e2e.rules" "$T/rootdir/rel.rules"
(cd "$T/rootdir" && exec "$RELAYWARDEN" -f -c rel.rules -p "unix:$T/run/rw.sock" -u nobody \
    -P "$T/run/rw.pid" 2>"$T/rw.log") &
for i in $(seq 1 "$E2E_WAIT"); do [ -S "$T/run/rw.sock" ] && [ -s "$T/run/rw.pid" ] && break; sleep 0.1; done
pid=$(cat "$T/run/rw.pid" 2>/dev/null)
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && e2e_pass "started" || { e2e_fail "did not start" "$T/rw.log"; e2e_done; exit 1; }
log_has started "started on unix:.* with $T/rootdir/rel.rules"

kill -HUP "$pid"
log_has sighup "SIGHUP received: reloading the rules"
log_has sighup-relative "rules reloaded from $T/rootdir/rel.rules"
kill -USR1 "$pid"
log_has sigusr1 "SIGUSR1 received: reloading the rules"
alive sigusr1 "$pid"
kill -USR2 "$pid"
log_has sigusr2 "SIGUSR2 ignored: SIGHUP or SIGUSR1 reloads the rules"
alive sigusr2 "$pid"
kill -PIPE "$pid"
sleep 0.2
alive sigpipe "$pid"
# A broken rules file at reload: reported, the old rules stay.
cp "$RULES_SRC/broken.rules" "$T/rootdir/rel.rules"
kill -HUP "$pid"
log_has reload-broken "reload of $T/rootdir/rel.rules failed: the old rules stay in force"
alive reload-broken "$pid"
cp "$RULES_SRC/e2e.rules" "$T/rootdir/rel.rules"

# A second instance: refused with the reason, the first one's socket and pid file untouched.
check second-pidfile 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/rw2.sock" \
    -P "$T/run/rw.pid"
has second-pidfile "another relaywarden \(pid $pid\) holds the lock on $T/run/rw.pid: not starting"
check second-socket 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/rw.sock" \
    -P "$T/run/other.pid"
has second-socket "another process listens on $T/run/rw.sock: not taking its socket over"
[ -e "$T/run/other.pid" ] && e2e_fail "second-socket: left its pid file" || e2e_pass "second-socket: no pid file left"
check second-daemon 1 "$RELAYWARDEN" -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/rw.sock"
has second-daemon "another process listens on"
[ "$(cat "$T/run/rw.pid")" = "$pid" ] && e2e_pass "pid file still names the first" || e2e_fail "pid file changed"
[ -S "$T/run/rw.sock" ] && e2e_pass "first socket still there" || e2e_fail "first socket gone"

# A client without a name: Postfix hands "[ADDR]" as its name; the log says unknown[ADDR].
cat >"$T/noname.lua" <<LUA
local conn = mt.connect("unix:$T/run/rw.sock")
if conn == nil then error("cannot connect") end
mt.macro(conn, SMFIC_CONNECT, "{daemon_name}", "inbound", "{client_name}", "unknown")
if mt.conninfo(conn, "[192.0.2.15]", "192.0.2.15") ~= nil then error("conninfo failed") end
if mt.mailfrom(conn, "<a@remote.test>") ~= nil then error("mailfrom failed") end
if mt.rcptto(conn, "<x@elsewhere.test>") ~= nil then error("rcptto failed") end
if mt.getreply(conn) ~= SMFIR_REPLYCODE then error("relay: want a reply code") end
mt.disconnect(conn)
LUA
check noname 0 miltertest -s "$T/noname.lua"
log_has noname "reject: stage=rcpt .* client=unknown\\[192\\.0\\.2\\.15\\] "

# A message in flight when the stop comes: libmilter's workers serve no connection after a
# stop, so the connection is closed at exit (the MTA tempfails it) and the stop is not held up.
# The script waits for the exit itself (bounded), not a second: on a loaded machine the daemon
# could still be on its way down then, and the next command served.
cat >"$T/gone.sh" <<'SH'
# gone.sh PID: wait until PID has exited (gone or a zombie), 30 s at most
for i in $(seq 1 300); do
    case "$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" in '' | Z) exit 0 ;; esac
    sleep 0.1
done
exit 1
SH
cat >"$T/inflight.lua" <<LUA
local conn = mt.connect("unix:$T/run/rw.sock")
if conn == nil then error("cannot connect") end
mt.macro(conn, SMFIC_CONNECT, "{daemon_name}", "inbound")
if mt.conninfo(conn, "client.test", "192.0.2.7") ~= nil then error("conninfo failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then error("connect: want continue") end
if mt.mailfrom(conn, "<a@remote.test>") ~= nil then error("mailfrom failed") end
os.execute("kill -TERM $pid; sh $T/gone.sh $pid")
-- the daemon is gone: the MTA sees the connection fail and applies milter_default_action
if mt.rcptto(conn, "<bob@example.com>") == nil and mt.getreply(conn) == SMFIR_CONTINUE then
    error("a message was still served after the stop")
end
LUA
miltertest -s "$T/inflight.lua" >"$T/inflight.out" 2>&1
grep -q "served after the stop" "$T/inflight.out" && e2e_fail "inflight: served after the stop" "$T/inflight.out" || e2e_pass "inflight: connection closed by the stop"
log_has inflight-count "1 connection open at stop: the MTA tempfails it"
log_has stopped "relaywarden stopped"
# the last log line comes just before exit: wait for the exit itself (bounded), then look
for i in $(seq 1 $((E2E_WAIT * 10))); do running "$pid" || break; sleep 0.01; done
running "$pid" && e2e_fail "inflight: still running 30 s after its last log line" || e2e_pass "inflight: stopped"
[ -e "$T/run/rw.sock" ] && e2e_fail "socket left behind" || e2e_pass "socket removed at stop"
[ -e "$T/run/rw.pid" ] && e2e_fail "pid file left behind" || e2e_pass "pid file removed at stop"

# Stop timing when idle, for each stopping signal; as root the socket is removed too (libmilter
# leaves it to root).
# A shared, loaded machine can hold any process up for a moment: a stop slower than 1 s is
# tried again, up to three times, and fails only if every try is slow.
for sig in TERM INT QUIT; do
    for try in 1 2 3; do
        "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/s.sock" -P "$T/run/s.pid" \
            2>"$T/rw.log" &
        spid=$!
        for i in $(seq 1 "$E2E_WAIT"); do [ -s "$T/run/s.pid" ] && break; sleep 0.1; done
        t0=$(ms)
        kill -"$sig" "$spid"
        for i in $(seq 1 300); do running "$spid" || break; sleep 0.01; done
        took=$(($(ms) - t0))
        running "$spid" || [ "$took" -gt 1000 ] || break
        wait "$spid"
    done
    if running "$spid"; then
        e2e_fail "idle-$sig: still running 3 s after SIG$sig" "$T/rw.log"
    elif [ "$took" -le 1000 ]; then
        e2e_pass "idle-$sig: SIG$sig stopped it in $took ms (at most 1000, try $try)"
    else
        e2e_fail "idle-$sig: SIG$sig took $took ms, want at most 1000 (three tries)" "$T/rw.log"
    fi
    wait "$spid"
    rc=$?
    [ "$rc" = 0 ] && e2e_pass "idle-$sig: exit 0" || e2e_fail "idle-$sig: exit $rc"
    log_has "idle-$sig" "SIG$sig received: stopping"
    [ -e "$T/run/s.sock" ] || [ -e "$T/run/s.pid" ] && e2e_fail "idle-$sig: left socket or pid file" || e2e_pass "idle-$sig: socket and pid file removed"
done

# Type=notify tells the truth: READY=1 only once the socket is bound, STOPPING=1 at a stop.
NOTIFYSINK=$top_builddir/tests/e2e/notifysink
"$NOTIFYSINK" "$T/notify" 60 >"$T/notify.out" &
npid=$!
for i in $(seq 1 "$E2E_WAIT"); do [ -S "$T/notify" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$T/notify "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/n.sock" \
    2>"$T/rw.log" &
rpid=$!
for i in $(seq 1 "$E2E_WAIT"); do grep -q READY=1 "$T/notify.out" && break; sleep 0.1; done
grep -q '^READY=1$' "$T/notify.out" && [ -S "$T/run/n.sock" ] && e2e_pass "notify: READY=1 with the socket bound" || e2e_fail "notify: no READY=1" "$T/notify.out" "$T/rw.log"
kill -TERM "$rpid"
wait "$rpid"
for i in $(seq 1 "$E2E_WAIT"); do grep -q STOPPING=1 "$T/notify.out" && break; sleep 0.1; done
grep -q '^STOPPING=1$' "$T/notify.out" && e2e_pass "notify: STOPPING=1 at SIGTERM" || e2e_fail "notify: no STOPPING=1" "$T/notify.out"
NOTIFY_SOCKET=$T/notify "$RELAYWARDEN" -f -c "$RULES_SRC/broken.rules" -p "unix:$T/run/n.sock" >/dev/null 2>&1
# A marker sent after that start returned: once the sink printed it, it has read everything
# the start could have sent (a fixed 0.2 s showed nothing when the sink was slow).
perl -MSocket -MIO::Socket::UNIX -e \
    'IO::Socket::UNIX->new(Type => SOCK_DGRAM, Peer => $ARGV[0])->send("MARK=1") or exit 1' "$T/notify"
for i in $(seq 1 "$E2E_WAIT"); do grep -q '^MARK=1$' "$T/notify.out" && break; sleep 0.1; done
grep -q '^MARK=1$' "$T/notify.out" || e2e_fail "notify: the marker sent after the failed start never arrived" "$T/notify.out"
[ "$(grep -c '^READY=1$' "$T/notify.out")" = 1 ] && e2e_pass "notify: no READY=1 from a start that failed" || e2e_fail "notify: READY=1 from a start that failed" "$T/notify.out"
kill "$npid" 2>/dev/null
wait "$npid" 2>/dev/null

# Daemon mode: the command returns only once the daemon is ready: socket and pid file exist at
# that moment, no waiting.
check daemon-ready 0 "$RELAYWARDEN" -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/d.sock" -P "$T/run/d.pid"
dpid=$(cat "$T/run/d.pid" 2>/dev/null)
[ -S "$T/run/d.sock" ] && [ -n "$dpid" ] && kill -0 "$dpid" 2>/dev/null && e2e_pass "daemon-ready: running with socket and pid file when the command returned" || e2e_fail "daemon-ready: not ready when the command returned"
[ -n "$dpid" ] && stop_within daemon-stop "$dpid" TERM 3000
# -u with a pid file in a directory only root may write: emptied, never a stale pid.
check daemon-rootdir 0 "$RELAYWARDEN" -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/e.sock" \
    -P "$T/rootdir/e.pid" -u nobody
epid=$(cat "$T/rootdir/e.pid" 2>/dev/null)
[ -n "$epid" ] && stop_within daemon-rootdir "$epid" TERM 3000
[ ! -s "$T/rootdir/e.pid" ] && e2e_pass "daemon-rootdir: pid file emptied" || e2e_fail "daemon-rootdir: pid file still names $epid"

# Start-up failures in daemon mode: the reason on stderr, exit 1, nothing left running or behind.
check bad-piddir 1 "$RELAYWARDEN" -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/f.sock" -P "$T/no-such-dir/f.pid"
has bad-piddir "cannot open pid file $T/no-such-dir/f.pid: No such file or directory"
[ -e "$T/run/f.sock" ] && e2e_fail "bad-piddir: socket left behind" || e2e_pass "bad-piddir: no socket left"
check bad-sockdir 1 "$RELAYWARDEN" -c "$RULES_SRC/e2e.rules" -p "unix:$T/no-such-dir/f.sock"
has bad-sockdir "cannot open milter socket unix:$T/no-such-dir/f.sock: No such file or directory"
check bad-sockperm 1 setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$RELAYWARDEN" -c "$RULES_SRC/e2e.rules" -p "unix:$T/rootdir/f.sock"
has bad-sockperm "cannot open milter socket unix:$T/rootdir/f.sock: Permission denied"
check bad-inet 1 "$RELAYWARDEN" -c "$RULES_SRC/e2e.rules" -p "inet:25@192.0.2.1"
has bad-inet "cannot open milter socket inet:25@192.0.2.1: the host is not an address of this machine"
check bad-user 1 "$RELAYWARDEN" -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/g.sock" -u no-such-user
has bad-user "unknown user no-such-user"
check bad-rules 1 "$RELAYWARDEN" -c "$RULES_SRC/broken.rules" -p "unix:$T/run/g.sock"
has bad-rules "broken.rules:2: bad domain"

# Hostile review of #12: a -P that names someone else's file, a socket path that is not a
# socket, ports out of range, command-line strings escaped, rules the -u user cannot read.
unchanged() { # NAME FILE WANT-CONTENT
    [ "$(cat "$2")" = "$3" ] && e2e_pass "$1: $2 untouched" || e2e_fail "$1: $2 changed"
}
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$T/run/passwd"
check pid-foreign 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/h.sock" -P "$T/run/passwd"
has pid-foreign "pid file $T/run/passwd exists and is not a relaywarden pid file \(a regular file holding one process id line\): not overwriting it"
unchanged pid-foreign "$T/run/passwd" "root:x:0:0:root:/root:/bin/bash"
[ -e "$T/run/h.sock" ] && e2e_fail "pid-foreign: socket left behind" || e2e_pass "pid-foreign: no socket"
printf '12345\n' >"$T/run/linked" && ln "$T/run/linked" "$T/run/hard.pid"
check pid-hardlink 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/h.sock" -P "$T/run/hard.pid"
has pid-hardlink "hard.pid exists and is not a relaywarden pid file"
ln -s "$T/run/passwd" "$T/run/sym.pid"
check pid-symlink 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/h.sock" -P "$T/run/sym.pid"
has pid-symlink "cannot open pid file $T/run/sym.pid: it is a symbolic link"
unchanged pid-symlink "$T/run/passwd" "root:x:0:0:root:/root:/bin/bash"
printf '12345678901\n' >"$T/run/eleven.pid" # one digit more than a pid has
check pid-11-digits 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/h.sock" -P "$T/run/eleven.pid"
has pid-11-digits "eleven.pid exists and is not a relaywarden pid file"
for stale in "123456789" "1234567890" ""; do # 9 and 10 digits (a pid's most), emptied: ours, reused
    printf '%s\n' "$stale" >"$T/run/stale.pid"
    [ -z "$stale" ] && : >"$T/run/stale.pid"
    check "pid-stale-'$stale'" 0 "$RELAYWARDEN" -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/h.sock" -P "$T/run/stale.pid"
    hpid=$(cat "$T/run/stale.pid" 2>/dev/null)
    [ -n "$hpid" ] && [ "$hpid" != "$stale" ] && e2e_pass "pid-stale-'$stale': now names $hpid" || e2e_fail "pid-stale-'$stale': pid file not rewritten"
    [ -n "$hpid" ] && stop_within "pid-stale-'$stale'" "$hpid" TERM 3000
done

echo "not a socket" >"$T/run/file.sock"
check sock-regular 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/file.sock"
has sock-regular "socket path $T/run/file.sock exists and is not a socket: not replacing it"
unchanged sock-regular "$T/run/file.sock" "not a socket"
mkdir -p "$T/run/dir.sock"
check sock-directory 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/dir.sock"
has sock-directory "dir.sock exists and is not a socket"

for port in 0 65536 99999 100000; do
    check "inet-port-$port" 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "inet:$port@127.0.0.1"
    has "inet-port-$port" "milter socket inet:$port@127.0.0.1: the port must be 1 to 65535 \(inet:PORT@HOST\)"
done
check inet-port-25x 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "inet:25x@127.0.0.1"
has inet-port-25x "milter socket inet:25x@127.0.0.1: the port must be 1 to 65535"
check inet-port-none 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "inet:@127.0.0.1"
has inet-port-none "milter socket inet:@127.0.0.1: no port \(inet:PORT@HOST\)"
check inet6-port-65536 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "inet6:65536@::1"
has inet6-port-65536 "the port must be 1 to 65535"
for port in 65534 65535; do # limit-1 and the limit bind (or fail for a reason of the system's)
    "$RELAYWARDEN" -c "$RULES_SRC/e2e.rules" -p "inet:$port@127.0.0.1" -P "$T/run/p$port.pid" >"$T/inet-$port.out" 2>&1
    grep -q "the port must be" "$T/inet-$port.out" && e2e_fail "inet-port-$port: refused as out of range" "$T/inet-$port.out" || e2e_pass "inet-port-$port: in range"
    ppid=$(cat "$T/run/p$port.pid" 2>/dev/null)
    [ -n "$ppid" ] && kill "$ppid"
done
check audit-port 2 "$RELAYWARDEN" -A 127.0.0.1:99999 --domain example.com
has audit-port "relaywarden: -A: the port must be 1 to 65535"

check esc-socket 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "unix:$T/no-such-dir/a$(printf '\033')[2Jb.sock"
has esc-socket 'cannot open milter socket unix:'"$T"'/no-such-dir/a\\x1b\[2Jb.sock: No such file or directory'
check esc-user 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/h.sock" -u "$(printf 'evil\nrelaywarden[1]: fake')"
has esc-user 'unknown user evil\\x0arelaywarden\[1\]: fake'
check esc-pidfile 1 "$RELAYWARDEN" -f -c "$RULES_SRC/e2e.rules" -p "unix:$T/run/h.sock" -P "$T/no-such-dir/$(printf '\351').pid"
has esc-pidfile "cannot open pid file $T/no-such-dir/\\\\xe9.pid"
check esc-rules 1 "$RELAYWARDEN" -f -c "$T/no-such-dir/$(printf '\t').rules" -p "unix:$T/run/h.sock"
has esc-rules "no-such-dir/\\\\x09.rules has errors: not starting"

# main.cf is merged, never clobbered: the commands contrib/postfix-main.cf and the postinst
# give, run on a main.cf that has a milter and restrictions of its own, keep them.
if command -v postconf >/dev/null 2>&1; then
    mkdir -p "$T/pf" && : >"$T/pf/master.cf"
    printf 'smtpd_milters = inet:localhost:8891\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n' >"$T/pf/main.cf"
    sed -n 's/^#   \(cur=.*\|postconf -e .*\)$/\1/p' "$top_srcdir/contrib/postfix-main.cf" >"$T/merge.sh"
    sed -n 's/^    \(cur=.*\|postconf -e .*\)$/\1/p' "$top_srcdir/debian/relaywarden.postinst" >"$T/merge-postinst.sh"
    [ -s "$T/merge.sh" ] && cmp -s "$T/merge.sh" "$T/merge-postinst.sh" && e2e_pass "merge: postinst and postfix-main.cf give the same commands" || e2e_fail "merge: postinst and postfix-main.cf differ" "$T/merge.sh" "$T/merge-postinst.sh"
    (postconf() { command postconf -c "$T/pf" "$@"; }; . "$T/merge.sh") >"$T/merge.out" 2>&1
    got=$(postconf -c "$T/pf" -h smtpd_milters)
    [ "$got" = "unix:relaywarden/relaywarden.sock, inet:localhost:8891" ] && e2e_pass "merge: existing milter kept, relaywarden added before it" || e2e_fail "merge: smtpd_milters = $got" "$T/merge.out"
    got=$(postconf -c "$T/pf" -h smtpd_relay_restrictions)
    [ "$got" = "permit_mynetworks, reject_unauth_destination" ] && e2e_pass "merge: smtpd_relay_restrictions untouched" || e2e_fail "merge: smtpd_relay_restrictions = $got"
    [ "$(postconf -c "$T/pf" -h milter_macro_daemon_name)" = inbound ] && e2e_pass "merge: daemon name set" || e2e_fail "merge: daemon name not set"
    printf '' >"$T/pf/main.cf"
    (postconf() { command postconf -c "$T/pf" "$@"; }; . "$T/merge.sh") >"$T/merge.out" 2>&1
    got=$(postconf -c "$T/pf" -h smtpd_milters)
    [ "$got" = "unix:relaywarden/relaywarden.sock" ] && e2e_pass "merge: on an empty main.cf, no leading comma" || e2e_fail "merge: smtpd_milters = $got" "$T/merge.out"
else
    e2e_fail "merge: postconf is missing"
fi

# -u: the rules, and every include, must load as that user, or the start is refused (every
# reload would fail); as root they are readable, so root's rules check alone would pass.
mkdir -p "$T/private" && chmod 755 "$T/private"
cp "$RULES_SRC/e2e.rules" "$T/private/main.rules" && chmod 600 "$T/private/main.rules"
check user-unreadable 1 "$RELAYWARDEN" -f -c "$T/private/main.rules" -p "unix:$T/run/u.sock" -u nobody
has user-unreadable "cannot open \"$T/private/main.rules\": Permission denied"
has user-unreadable "-u nobody: the rules $T/private/main.rules do not load as that user, so every reload would fail \(make them and every include and list file readable by it\): not starting"
[ -e "$T/run/u.sock" ] && e2e_fail "user-unreadable: socket left behind" || e2e_pass "user-unreadable: no socket"
chmod 644 "$T/private/main.rules"
printf 'domains extra { extra.example }\n' >"$T/private/inc.rules" && chmod 600 "$T/private/inc.rules"
printf 'include "inc.rules"\n' >>"$T/private/main.rules"
check user-include 1 "$RELAYWARDEN" -f -c "$T/private/main.rules" -p "unix:$T/run/u.sock" -u nobody
has user-include "main.rules:[0-9]+: include: cannot open \"$T/private/inc.rules\": Permission denied"
chmod 644 "$T/private/inc.rules"
check user-readable 0 "$RELAYWARDEN" -c "$T/private/main.rules" -p "unix:$T/run/u.sock" -u nobody -P "$T/run/u.pid"
upid=$(cat "$T/run/u.pid" 2>/dev/null)
[ -n "$upid" ] && stop_within user-readable "$upid" TERM 3000

# The systemd unit as make builds it: systemd-analyze verify accepts it.
if command -v systemd-analyze >/dev/null 2>&1 && [ -f "$top_builddir/contrib/relaywarden.service" ]; then
    sed "s|^\(Exec[A-Za-z]*=[-+]*\)[^ ]*/relaywarden |\1$RELAYWARDEN |" \
        "$top_builddir/contrib/relaywarden.service" >"$T/relaywarden.service"
    check unit-verify 0 systemd-analyze verify --man=no "$T/relaywarden.service"
    # Hardening: exposure at most 2.0 (Debian's opendkim.service, with none, scores 9.6).
    check unit-security 0 systemd-analyze security --offline=true --threshold=20 \
        "$T/relaywarden.service"
else
    e2e_fail "unit-verify: systemd-analyze or the generated unit is missing"
fi
e2e_done

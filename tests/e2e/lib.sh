# SPDX-License-Identifier: BSD-2-Clause
# lib.sh - shared harness for the end-to-end tests: a private Postfix on 127.0.0.1 with
# relaywarden attached, an smtp-sink as delivery target, and helpers that talk SMTP with swaks
# (XCLIENT plays Internet clients and authenticated logins). Everything stays on loopback and
# is torn down on exit. Source it; then call e2e_start RULES.

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
RELAYWARDEN=${RELAYWARDEN:-$top_builddir/milter/relaywarden}
E2E_FAILED=0
E2E_PASSED=0
# How long a test waits for something the MTA or a daemon does, in tenths of a second: 30 s.
# A shared CI machine running the suite, a sanitizer build and fuzzers can hold a process up
# for seconds; a wait ends as soon as its condition holds, so only a failure pays the bound.
E2E_WAIT=300

e2e_require() {
    for c in "$@"; do
        if ! command -v "$c" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$c" ]; then
            echo "SKIP: $c is not installed (apt-get install postfix swaks)" >&2
            exit 77
        fi
    done
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP: the private Postfix needs root" >&2
        exit 77
    fi
}

# e2e_pick_port VAR: a free TCP port on 127.0.0.1, never one this run handed out before (those
# may not be listening yet), stored in VAR. Drawn below the kernel's ephemeral range, where
# the outgoing connections of tests running in parallel cannot be holding it. make -j check
# runs tests side by side: each port is also reserved (mkdir is atomic) in E2E_PORT_DIR until
# e2e_cleanup, so that another test cannot pick it between this pick and its listener's start,
# nor start listening on a port this test keeps closed on purpose.
E2E_PORTS_USED=" "
E2E_PORT_DIR=/tmp/relaywarden-e2e-ports
E2E_PORT_TOP=$(awk '{print $1 - 1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32767)
e2e_pick_port() {
    local p
    mkdir -p "$E2E_PORT_DIR"
    while :; do
        p=$((10000 + RANDOM % (E2E_PORT_TOP - 10000)))
        case "$E2E_PORTS_USED" in *" $p "*) continue ;; esac
        mkdir "$E2E_PORT_DIR/$p" 2>/dev/null || continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            E2E_PORTS_USED="$E2E_PORTS_USED$p "
            printf -v "$1" '%s' "$p"
            return
        fi
        rmdir "$E2E_PORT_DIR/$p"
    done
}
e2e_release_ports() {
    local p
    for p in $E2E_PORTS_USED; do rmdir "$E2E_PORT_DIR/$p" 2>/dev/null; done
    E2E_PORTS_USED=" "
}

e2e_cleanup() {
    [ -n "${PF_DIR:-}" ] && postfix -c "$PF_DIR" stop >/dev/null 2>&1
    [ -n "${RW_PID:-}" ] && kill "$RW_PID" 2>/dev/null
    [ -n "${SINK_PID:-}" ] && kill "$SINK_PID" 2>/dev/null
    wait 2>/dev/null
    e2e_release_ports
    if [ "${E2E_KEEP:-0}" = 1 ] || [ "$E2E_FAILED" != 0 ]; then
        echo "scratch directory kept: $T" >&2
    else
        rm -rf "$T"
    fi
}

e2e_wait_port() {
    local i
    for i in $(seq 1 "$E2E_WAIT"); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "port $1 did not open" >&2
    return 1
}

# e2e_start_relaywarden RULES: runs relaywarden in the foreground on an inet socket.
# E2E_MILTER_SOCKET=unix uses a unix socket (relaywarden -u postfix) instead of TCP.
e2e_start_relaywarden() {
    if [ "${E2E_MILTER_SOCKET:-inet}" = unix ]; then
        MILTER_CONN=unix:$T/relaywarden.sock
        # -u checks at start that postfix can read the rules: a copy it can read
        chmod 755 "$T" && cp "$1" "$T/relaywarden-u.rules" && chmod 644 "$T/relaywarden-u.rules"
        "$RELAYWARDEN" -f -c "$T/relaywarden-u.rules" -p "$MILTER_CONN" -u postfix 2>>"$T/relaywarden.log" &
        RW_PID=$!
        for i in $(seq 1 "$E2E_WAIT"); do [ -S "$T/relaywarden.sock" ] && break; sleep 0.1; done
        [ -S "$T/relaywarden.sock" ] || { cat "$T/relaywarden.log" >&2; exit 1; }
        return
    fi
    local try
    for try in 1 2 3; do # another test may take the port between picking and binding
        e2e_pick_port MILTER_PORT
        MILTER_CONN=inet:127.0.0.1:$MILTER_PORT
        # shellcheck disable=SC2086 # E2E_RW_ARGS: more options, split on purpose
        "$RELAYWARDEN" -f -c "$1" -p "inet:$MILTER_PORT@127.0.0.1" -P "$T/relaywarden.pid" \
            ${E2E_RW_ARGS:-} 2>>"$T/relaywarden.log" &
        RW_PID=$!
        e2e_wait_port "$MILTER_PORT" && return 0
        kill "$RW_PID" 2>/dev/null
    done
    cat "$T/relaywarden.log" >&2
    exit 1
}

# e2e_start RULES: sink, relaywarden and a private Postfix with an inbound and an outbound port.
# E2E_EXTRA_MAIN: more main.cf lines, with names not set here: an entry given twice makes every
# Postfix process warn at start, postlogd included, which then blocks sending the warning to its
# own full socket and every smtpd with it (seen: a Postfix that never greeted). E2E_INET_PROTOCOLS
# and E2E_MYNETWORKS replace those two settings.
e2e_start() {
    T=$(mktemp -d /tmp/relaywarden-e2e.XXXXXX)
    chmod 755 "$T"
    trap e2e_cleanup EXIT
    e2e_pick_port SINK_PORT
    mkdir -p "$T/sink" && chown nobody "$T/sink"
    smtp-sink -u nobody -d "$T/sink/msg." "127.0.0.1:$SINK_PORT" 64 &
    SINK_PID=$!
    e2e_start_relaywarden "$1"
    e2e_pick_port IN_PORT
    e2e_pick_port OUT_PORT
    PF_DIR=$T/postfix
    mkdir -p "$PF_DIR"
    cat >"$PF_DIR/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $T/queue
data_directory = $T/data
maillog_file = $T/maillog
maillog_file_prefixes = /tmp
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.relaywarden.test
mydomain = relaywarden.test
inet_interfaces = 127.0.0.1
inet_protocols = ${E2E_INET_PROTOCOLS:-ipv4}
mydestination =
relay_domains =
local_recipient_maps =
mynetworks = ${E2E_MYNETWORKS:-0.0.0.0/0}
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_authorized_xclient_hosts = 127.0.0.0/8
default_transport = smtp:[127.0.0.1]:$SINK_PORT
relay_transport = smtp:[127.0.0.1]:$SINK_PORT
smtp_dns_support_level = disabled
smtputf8_enable = no
biff = no
# Headers reach relaywarden as the client sent them: no From:, Date: or Message-Id: added, no
# address qualified or route stripped for the test clients that XCLIENT makes look local.
local_header_rewrite_clients =
smtpd_milters = $MILTER_CONN
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 10s
smtpd_tls_cert_file = $PF_DIR/cert.pem
smtpd_tls_key_file = $PF_DIR/key.pem
smtpd_tls_security_level = may
${E2E_EXTRA_MAIN:-}
CF
    cat >"$PF_DIR/master.cf" <<CF
127.0.0.1:$IN_PORT  inet n - n - - smtpd -o milter_macro_daemon_name=inbound
127.0.0.1:$OUT_PORT inet n - n - - smtpd -o milter_macro_daemon_name=outbound
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
${E2E_EXTRA_MASTER:-}
CF
    # A throw-away certificate, so that tests can use STARTTLS ({tls_version} reaches the milter).
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj /CN=mx.relaywarden.test -keyout "$PF_DIR/key.pem" -out "$PF_DIR/cert.pem" \
        >/dev/null 2>&1 || { echo "openssl could not make a test certificate" >&2; exit 1; }
    mkdir -p "$T/queue" "$T/data" && chown postfix "$T/data"
    # postfix(1) reports only to syslog unless stderr is a terminal; the maillog has the rest.
    postfix -c "$PF_DIR" check >"$T/postfix-check.log" 2>&1 || true
    if ! postfix -c "$PF_DIR" start >"$T/postfix-start.log" 2>&1; then
        echo "private Postfix did not start:" >&2
        cat "$T/postfix-start.log" "$T/maillog" >&2 2>/dev/null
        exit 1
    fi
    e2e_wait_port "$IN_PORT" && e2e_wait_port "$OUT_PORT" || exit 1
}

# e2e_smtp NAME PORT ARGS...: one SMTP session with swaks; transcript in $T/NAME.smtp.
e2e_smtp() {
    local name=$1 port=$2
    shift 2
    swaks --server "127.0.0.1:$port" --helo client.test --timeout 30 \
        --header "Subject: $name" --header "X-Test-Name: $name" "$@" >"$T/$name.smtp" 2>&1
}

# e2e_dialog NAME PORT [tls]: one SMTP session, commands from stdin, one line at a time, each
# waiting for the server's reply (lines after DATA wait only at "."). Transcript in $T/NAME.smtp
# in swaks' notation, so e2e_expect_reply reads it too. Several transactions per connection.
e2e_dialog() {
    local name=$1 port=$2 line in_data=0 out="$T/$1.smtp" pid rfd wfd
    : >"$out"
    if [ "${3:-}" = tls ]; then
        coproc DLG { openssl s_client -connect "127.0.0.1:$port" -starttls smtp -quiet 2>/dev/null; }
    else
        coproc DLG { exec 3<>"/dev/tcp/127.0.0.1/$port"; cat <&3 & cat >&3; }
    fi
    # Bash unsets DLG (and closes its descriptors) as soon as the coprocess exits, which it does
    # right after QUIT: keep copies of both ends and of the pid.
    pid=$DLG_PID
    exec {rfd}<&"${DLG[0]}" {wfd}>&"${DLG[1]}"
    if [ "${3:-}" != tls ]; then
        e2e_dialog_reply "$out" "$rfd" || { exec {rfd}<&- {wfd}>&-; return 1; }
    fi
    while IFS= read -r line; do
        echo " -> $line" >>"$out"
        printf '%s\r\n' "$line" >&"$wfd" 2>/dev/null
        if [ "$in_data" = 1 ]; then
            [ "$line" = . ] || continue
            in_data=0
        fi
        e2e_dialog_reply "$out" "$rfd" || break
        [ "$line" = DATA ] && in_data=1
    done
    exec {rfd}<&- {wfd}>&-
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}
e2e_dialog_reply() { # TRANSCRIPT FD: one reply, all its lines
    local l
    while IFS= read -r -t 20 l <&"$2"; do
        l=${l%$'\r'}
        case "$l" in [45][0-9][0-9]*) echo "<** $l" >>"$1" ;; *) echo "<-  $l" >>"$1" ;; esac
        case "$l" in [0-9][0-9][0-9]" "*) return 0 ;; esac
    done
    echo "<** (no reply)" >>"$1"
    return 1
}

e2e_pass() { E2E_PASSED=$((E2E_PASSED + 1)); echo "ok - $1"; }
e2e_fail() {
    E2E_FAILED=$((E2E_FAILED + 1))
    echo "not ok - $1"
    shift
    for f in "$@"; do [ -f "$f" ] && sed 's/^/    /' "$f"; done
}

# e2e_expect_reply NAME REGEX: the transcript of NAME shows a server line matching REGEX.
e2e_expect_reply() {
    # swaks marks replies "<-", failures "<**", and inside TLS "<~" and "<~*".
    if grep -qE "^<(-|~|\*\*|~\*) +$2" "$T/$1.smtp"; then
        e2e_pass "$1: server said /$2/"
    else
        e2e_fail "$1: server never said /$2/" "$T/$1.smtp"
    fi
}

# e2e_delivered NAME [RCPT]: a message with X-Test-Name NAME reached the sink (with RCPT among
# its envelope recipients, which smtp-sink records as X-Rcpt-Args).
e2e_delivered() {
    local i f
    for i in $(seq 1 "$E2E_WAIT"); do
        f=$(grep -l "^X-Test-Name: $1\$" "$T"/sink/msg.* 2>/dev/null | head -1)
        if [ -n "$f" ]; then
            if [ $# -lt 2 ] || grep -qiF "X-Rcpt-Args: <$2>" "$f"; then
                e2e_pass "$1: delivered to the sink${2:+ for $2}"
            else
                e2e_fail "$1: delivered but not for $2" "$f"
            fi
            return
        fi
        sleep 0.1
    done
    e2e_fail "$1: never reached the sink" "$T/$1.smtp" "$T/maillog"
}

# e2e_rcpts NAME: the envelope recipients the sink got for NAME, sorted, on one line.
e2e_rcpts() {
    grep -l "^X-Test-Name: $1\$" "$T"/sink/msg.* 2>/dev/null | xargs -r grep -h '^X-Rcpt-Args:' |
        sed 's/^X-Rcpt-Args: *//; s/ .*//' | sort | tr '\n' ' '
}

# e2e_want_rcpts NAME WANT: NAME reached the sink with exactly the envelope recipients WANT
# ("<a@x> <b@y> ", sorted).
e2e_want_rcpts() {
    local got
    e2e_delivered "$1" >/dev/null
    # Postfix may deliver the recipients of one message in several transactions: every one
    # is done once nothing is left in the incoming or active queue.
    e2e_queue_settled
    got=$(e2e_rcpts "$1")
    if [ "$got" = "$2" ]; then
        e2e_pass "$1: delivered to $2"
    else
        e2e_fail "$1: delivered to '$got', want '$2'" "$T/maillog"
    fi
}

# e2e_not_delivered NAME: nothing with X-Test-Name NAME reached the sink or waits in the queue.
# Call it after a later message was seen delivered, so the queue has had its chance; messages
# still on their way (another test step's) are waited for first.
e2e_not_delivered() {
    e2e_queue_settled
    if grep -ls "^X-Test-Name: $1\$" "$T"/sink/msg.* >/dev/null 2>&1; then
        e2e_fail "$1: reached the sink but must not have"
    elif postqueue -c "$PF_DIR" -p 2>/dev/null | grep -q '^[0-9A-F]'; then
        e2e_fail "$1: something is still in the Postfix queue" "$T/maillog"
    else
        e2e_pass "$1: not delivered"
    fi
}

# e2e_queue_settled: wait (bounded) until Postfix has no message in its incoming or active
# queue: whatever it accepted has been delivered, deferred or held.
e2e_queue_settled() {
    local i
    for i in $(seq 1 "$E2E_WAIT"); do
        postqueue -c "$PF_DIR" -j 2>/dev/null | grep -qE '"queue_name": *"(incoming|active|maildrop)"' || return 0
        sleep 0.1
    done
}

# e2e_log NAME REGEX: relaywarden logged a line matching REGEX.
e2e_log() {
    local i
    for i in $(seq 1 "$E2E_WAIT"); do
        grep -qE "$2" "$T/relaywarden.log" && { e2e_pass "$1: log has /$2/"; return; }
        sleep 0.1
    done
    e2e_fail "$1: log lacks /$2/" "$T/relaywarden.log"
}

e2e_done() {
    echo "$E2E_PASSED passed, $E2E_FAILED failed"
    [ "$E2E_FAILED" = 0 ]
}

# e2e_held NAME: a message with X-Test-Name NAME waits in Postfix's hold queue (quarantined)
# and never reached the sink.
e2e_held() {
    local i q
    for i in $(seq 1 "$E2E_WAIT"); do
        for q in $(postqueue -c "$PF_DIR" -j 2>/dev/null | grep '"queue_name": *"hold"' |
            sed 's/.*"queue_id": *"\([0-9A-Za-z]*\)".*/\1/'); do
            if postcat -c "$PF_DIR" -bq "$q" 2>/dev/null | grep -q "^X-Test-Name: $1\$" ||
                postcat -c "$PF_DIR" -hq "$q" 2>/dev/null | grep -q "^X-Test-Name: $1\$"; then
                if grep -ls "^X-Test-Name: $1\$" "$T"/sink/msg.* >/dev/null 2>&1; then
                    e2e_fail "$1: held, but a copy reached the sink"
                else
                    e2e_pass "$1: held in the quarantine, not delivered"
                fi
                return
            fi
        done
        sleep 0.1
    done
    e2e_fail "$1: not in the hold queue" "$T/$1.smtp"
}

# e2e_postfix_reload: postfix reload after a change to main.cf or master.cf, and wait until it
# has taken effect. The master answers SIGHUP in its own time and every process it had before
# (an idle smtpd above all) serves on with the old settings until it notices: a fixed sleep
# lets the next session meet such a process on a loaded machine. Done when all are gone.
e2e_postfix_reload() {
    local master old p i
    master=$(sed 1q "$T/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
    old=$(pgrep -P "$master" 2>/dev/null)
    postfix -c "$PF_DIR" reload >/dev/null 2>&1 || return 1
    for p in $old; do
        for i in $(seq 1 "$E2E_WAIT"); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$p" 2>/dev/null && { echo "postfix reload: process $p from before is still there" >&2; return 1; }
    done
    return 0
}

# e2e_rw_reload: SIGHUP to relaywarden, and wait until it logged the new rules in force (the
# line comes after the swap): the next session gets them. Fails if no reload took effect.
e2e_rw_reload() {
    local n i
    n=$(grep -c "rules reloaded from" "$T/relaywarden.log")
    kill -HUP "$RW_PID"
    for i in $(seq 1 "$E2E_WAIT"); do
        [ "$(grep -c "rules reloaded from" "$T/relaywarden.log")" -gt "$n" ] && return 0
        sleep 0.1
    done
    echo "relaywarden did not reload its rules" >&2
    return 1
}

# e2e_metrics_delta BEFORE AFTER: every series of two Prometheus text files that moved, as
# "series delta" lines (a series new in AFTER counts from 0), comments left out.
e2e_metrics_delta() {
    awk 'NR == FNR { last = $NF; $NF = ""; b[$0] = last; next }
         { last = $NF; $NF = ""; d = last - ($0 in b ? b[$0] : 0); if (d != 0) { sub(/ $/, ""); print $0 " " d } }' \
        <(grep -v '^#' "$1") <(grep -v '^#' "$2")
}

# e2e_metrics_fresh FILE: wait until relaywarden (-m FILE -M 1) has rewritten FILE twice since
# the call: the second rewrite read its counters after the first was written, so after
# everything counted before the call. A fixed sleep of a few intervals is not that on a loaded
# machine. Fails if FILE is not rewritten within the bound.
e2e_metrics_fresh() {
    local ref n i
    ref=$(mktemp "$T/fresh.XXXXXX")
    for n in 1 2; do
        for i in $(seq 1 "$E2E_WAIT"); do
            [ "$1" -nt "$ref" ] && break
            sleep 0.1
        done
        [ "$1" -nt "$ref" ] || { rm -f "$ref"; echo "$1 not rewritten" >&2; return 1; }
        touch "$ref"
    done
    rm -f "$ref"
}

#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# options.sh - the command line as an admin meets it: every option the code takes is in -h and
# in relaywarden(8), and nothing else is; a bad option or a missing argument is one line with
# the relaywarden: prefix, and -n's errors carry the same prefix as every other error. And the
# docs agree with the code and each other: socket paths, the metrics place, install steps.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
RW=$top_builddir/milter/relaywarden
MAN=$top_builddir/contrib/relaywarden.8
T=$(mktemp -d /tmp/rw-options.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fail=1; }

# The options of the code: getopt's string (MAIN_OPTSTRING) and the two taken before it.
code=$(sed -n 's/^#define MAIN_OPTSTRING "\(.*\)"$/\1/p' "$top_srcdir/milter/main.c" | tr -d ':')
[ -n "$code" ] && ok "MAIN_OPTSTRING found: $code" || bad "MAIN_OPTSTRING not found in main.c"
code="$code"At
"$RW" -h >"$T/help" 2>&1 || bad "-h exits non-zero"
for o in $(echo "$code" | fold -w1 | sort); do
    grep -qE "^  -$o( |$)" "$T/help" && ok "-$o in -h" || bad "-$o missing from -h (got: $(cat "$T/help"))"
    grep -qE "^\.BI? \\\\-$o( |$)" "$MAN" && ok "-$o in relaywarden(8) OPTIONS" || bad "-$o missing from relaywarden(8) OPTIONS"
done
# ... and nothing the code does not take.
for o in $(sed -n 's/^  -\([A-Za-z]\)\( .*\)\{0,1\}$/\1/p' "$T/help") \
    $(sed -n 's/^\.BI\{0,1\} \\-\([A-Za-z]\)\( .*\)\{0,1\}$/\1/p' "$MAN"); do
    case "$code" in *"$o"*) ok "-$o documented and taken" ;; *) bad "-$o documented but not taken" ;; esac
done

# The -c default: the binary's (from configure's --sysconfdir) is the man page's.
bin_default=$(sed -n 's/^  -c FILE .*(default \(.*\))$/\1/p' "$T/help")
man_default=$(sed -n '/^\.BI \\-c /,/^\.TP/s/^\.IR \([^ ]*\) )\.$/\1/p' "$MAN")
if [ -n "$bin_default" ] && [ "$bin_default" = "$man_default" ]; then
    ok "-c default agrees: $bin_default"
else
    bad "-c default: -h says '$bin_default', relaywarden(8) says '$man_default'"
fi

same() { # NAME VALUE...: every value is the first, and it is not empty
    name=$1 first=$2
    shift
    for v in "$@"; do
        if [ -z "$v" ] || [ "$v" != "$first" ]; then
            bad "$name: '$first' vs '$v' (all: $*)"
            return
        fi
    done
    ok "$name: $first"
}
SRC=$top_srcdir
UNIT=$top_builddir/contrib/relaywarden.service
# Sendmail's socket: -p's default, sendmail.mc, README, relaywarden(8).
same "Sendmail socket" \
    "$(sed -n 's/^  -p SOCKET .*(default unix:\(.*\))$/\1/p' "$T/help")" \
    "$(sed -n 's/^INPUT_MAIL_FILTER.*S=local:\([^,]*\),.*/\1/p' "$SRC/contrib/sendmail.mc")" \
    "$(sed -n 's/^INPUT_MAIL_FILTER.*S=local:\([^,]*\),.*/\1/p' "$SRC/README")" \
    "$(sed -n 's/^\.B INPUT_MAIL_FILTER.*S=local:\([^,]*\),.*/\1/p' "$MAN")"
# Postfix's socket: the unit, README's command line, relaywarden(8)'s FILES.
same "Postfix socket" \
    "$(sed -n 's/.* -p unix:\(\/var\/spool[^ ]*\) .*/\1/p' "$UNIT" | head -1)" \
    "$(sed -n 's/.* -p unix:\(\/var\/spool[^ ]*\) .*/\1/p' "$SRC/README" | head -1)" \
    "$(sed -n '/^\.SH FILES/,$s/^\.I \(\/var\/spool.*\)$/\1/p' "$MAN")"
# The metrics place: -s's default is in the unit's StateDirectory=, as README and the man say.
metrics=$(sed -n 's/^ *\(\/var\/lib\/relaywarden\/[^ )]*\)) for a person and exit$/\1/p' "$T/help")
same "metrics default" "$metrics" \
    "/var/lib/$(sed -n 's/^StateDirectory=//p' "$UNIT")/relaywarden.prom" \
    "$(grep -o '/var/lib/relaywarden/relaywarden.prom (-m.s default)' "$SRC/README" | cut -d' ' -f1)" \
    "$(sed -n '/^\.SH FILES/,$s/^\.I \(\/var\/lib\/relaywarden\/.*\)$/\1/p' "$MAN")"
# make install's closing steps are README's.
for step in "adduser --system --ingroup postfix --no-create-home --home /nonexistent relaywarden" \
    "systemctl daemon-reload" "systemctl enable --now relaywarden"; do
    grep -qF "$step" "$SRC/README" && grep -qF "$step" "$SRC/Makefile.am" &&
        ok "install step in README and make install: $step" || bad "install step not in both: $step"
done

check() { # NAME WANT-EXIT WANT-OUTPUT(exact) COMMAND...
    name=$1 want=$2 out=$3
    shift 3
    "$@" >"$T/out" 2>&1
    rc=$?
    if [ "$rc" = "$want" ] && [ "$(cat "$T/out")" = "$out" ]; then
        ok "$name"
    else
        bad "$name: exit $rc (want $want); got:"
        sed 's/^/    got:  /' "$T/out"
        echo "    want: $out"
    fi
}
check "unknown option: one line" 2 "relaywarden: unknown option -x (see -h)" "$RW" -x
check "unknown option, 8-bit: escaped" 2 'relaywarden: unknown option -\xe9 (see -h)' "$RW" "$(printf -- '-\351')"
check "missing argument" 2 "relaywarden: option -c needs an argument (see -h)" "$RW" -c
check "stray argument, escaped" 2 'relaywarden: unexpected argument "a\x1bb" (see -h)' "$RW" "$(printf 'a\033b')"
check "unknown facility, escaped" 2 'relaywarden: unknown syslog facility "ma\x0ail" (see -h)' "$RW" -l "$(printf 'ma\nil')" -n
printf 'domains d { exa..mple.org }\nlistener l default\npolicy l {\n}\n' >"$T/bad.rules"
check "-n errors carry the prefix" 1 "relaywarden: $T/bad.rules:1: bad domain \"exa..mple.org\"" "$RW" -n -c "$T/bad.rules"
check "-n missing file carries the prefix" 1 "relaywarden: cannot open \"$T/none.rules\": No such file or directory" "$RW" -n -c "$T/none.rules"
check "-s: the path escaped" 1 'relaywarden: cannot read /nonexistent/\x09x.prom: No such file or directory (is relaywarden running with -m /nonexistent/\x09x.prom?)' "$RW" -s -m "$(printf '/nonexistent/\tx.prom')"
printf 'listener l default\npolicy l {\n}\n' >"$T/ok.rules"
check "-t: a listener name escaped" 2 'relaywarden: no listener "x\x1b[2J" in the rules' "$RW" -c "$T/ok.rules" -t --listener "$(printf 'x\033[2J')" --from a@example.com --to b@example.com
check "-t: rules errors carry the prefix" 2 "relaywarden: cannot open \"$T/none.rules\": No such file or directory" "$RW" -c "$T/none.rules" -t --listener l --from a@example.com --to b@example.com
# Command-line strings in a message: LOG_ARG_MAX (256) bytes shown, one more is cut and marked.
for n in 255 256 257; do
    arg=$(head -c "$n" /dev/zero | tr '\0' f)
    shown=$(printf '%s' "$arg" | head -c 256)
    [ "$n" -gt 256 ] && shown="$shown..."
    check "-l of $n bytes: $((n > 256 ? 256 : n)) shown" 2 "relaywarden: unknown syslog facility \"$shown\" (see -h)" "$RW" -l "$arg" -n
    # -s: STATS_PATH_SHOWN (256) bytes of the path, the same
    p=/$(head -c $((n - 1)) /dev/zero | tr '\0' p | sed 's/\(.\{49\}\)./\1\//g') # no name over 255
    ps=$(printf '%s' "$p" | head -c 256)
    [ "$n" -gt 256 ] && ps="$ps..."
    check "-s path of $n bytes: $((n > 256 ? 256 : n)) shown" 1 "relaywarden: cannot read $ps: No such file or directory (is relaywarden running with -m $ps?)" "$RW" -s -m "$p"
done
# -m: a file that is not a relaywarden metrics file is never replaced (as -P): the start stops
# with the reason and the file is as it was.
cp "$top_srcdir/contrib/relaywarden.rules" "$T/m.rules"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$T/passwd"
mkfifo "$T/fifo"
printf '# HELP relaywarden_connections_total x\n' >"$T/real.prom"
ln -s "$T/real.prom" "$T/link.prom"
ln "$T/real.prom" "$T/hard.prom"
for c in "passwd:is not a relaywarden metrics file" "m.rules:is the rules file" \
    "fifo:is not a regular file" "link.prom:is a symbolic link" "hard.prom:has several hard links" \
    "pid:is the pid file"; do
    f=${c%%:*} why=${c#*:}
    [ -p "$T/$f" ] && before=fifo || before=$(cat "$T/$f" 2>/dev/null)
    timeout 20 "$RW" -f -c "$T/m.rules" -p "unix:$T/m.sock" -P "$T/pid" -m "$T/$f" >"$T/out" 2>&1
    rc=$?
    [ -p "$T/$f" ] && after=fifo || after=$(cat "$T/$f" 2>/dev/null)
    if [ "$rc" = 1 ] && grep -q "metrics file $T/$f $why" "$T/out" && [ "$before" = "$after" ]; then
        ok "-m $f refused: $why"
    else
        bad "-m $f: exit $rc (want 1), want '$why' and the file unchanged; got:"
        sed 's/^/    got:  /' "$T/out"
    fi
done
exit $fail

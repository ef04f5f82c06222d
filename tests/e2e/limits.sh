#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# limits.sh - rate limits through a real Postfix: the N+1st message in a window gets 451 4.7.1
# and one after the window passes; two relaywarden instances behind two listeners share one
# budget in a real redis-server; Redis stopped mid-run (fallback to local counters, one log
# line, replies still enforced) and started again (recovery logged); then, after a reload to
# in-memory counters with the smallest table, the full table (the victim keeps its count, new
# keys share the overflow counter).
. "$(dirname "$0")/lib.sh"
e2e_require postfix smtp-sink swaks redis-server

RD=$(mktemp -d /tmp/relaywarden-redis.XXXXXX)
e2e_pick_port REDIS_PORT
e2e_pick_port RW2_PORT
OUT2_PORT=
e2e_pick_port OUT2_PORT
redis_start() {
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
        --dir "$RD" --daemonize no >"$RD/redis.log" 2>&1 &
    REDIS_PID=$!
    e2e_wait_port "$REDIS_PORT" || { cat "$RD/redis.log" >&2; exit 1; }
}
redis_stop() {
    kill "$REDIS_PID" 2>/dev/null
    wait "$REDIS_PID" 2>/dev/null
    REDIS_PID=
}
limits_cleanup() {
    [ -n "${RW2_PID:-}" ] && kill "$RW2_PID" 2>/dev/null
    [ -n "${REDIS_PID:-}" ] && kill "$REDIS_PID" 2>/dev/null
    [ -n "${REDIS6_PID:-}" ] && kill "$REDIS6_PID" 2>/dev/null
    [ -n "${DRIP_PID:-}" ] && kill "$DRIP_PID" 2>/dev/null
    [ "$E2E_FAILED" = 0 ] && rm -rf "$RD"
    e2e_cleanup
}
redis_start

# Window 10s (buckets of 1 s); 3 messages per login. Each burst below is four or five swaks
# sessions that must all fall into one window: 10 s holds them on a loaded machine (3 s did
# not always: a session can take a second there), at the price of one 10 s wait.
cat >"$RD/redis.rules" <<EOF
domains ours { example.com }
limit burst messages 3 per 10s by login
limits redis "127.0.0.1:$REDIS_PORT" timeout 200ms on-failure local prefix "e2e:"
listener inbound daemon "inbound"
listener outbound daemon "outbound"
listener outbound2 daemon "outbound2" policy outbound
policy inbound {
    rcpt reject to !<ours> "5.7.1 relaying denied"
}
policy outbound {
    mail reject !auth "5.7.1 authentication required"
    mail tempfail limit <burst>
    rcpt accept auth
}
EOF
# The second listener's sessions go to a second relaywarden with the same rules.
E2E_RW_ARGS="-m $RD/metrics.prom -M 1"
E2E_EXTRA_MASTER="127.0.0.1:$OUT2_PORT inet n - n - - smtpd -o milter_macro_daemon_name=outbound2 -o smtpd_milters=inet:127.0.0.1:$RW2_PORT"
e2e_start "$RD/redis.rules"
trap limits_cleanup EXIT
"$RELAYWARDEN" -f -c "$RD/redis.rules" -p "inet:$RW2_PORT@127.0.0.1" 2>>"$T/rw2.log" &
RW2_PID=$!
e2e_wait_port "$RW2_PORT" || { cat "$T/rw2.log"; exit 1; }

USR="--xclient-addr 198.51.100.7 --xclient-name laptop.example.com"
send() { # NAME PORT LOGIN
    e2e_smtp "$1" "$2" $USR --xclient-login "$3" --from "$3@example.com" --to friend@elsewhere.test
}

# N-1, N pass; N+1 is refused with 451 4.7.1 naming the limit; after the window, one passes.
send alice-1 "$OUT_PORT" alice
e2e_expect_reply alice-1 "250 2.0.0 Ok: queued"
send alice-2 "$OUT_PORT" alice
send alice-3 "$OUT_PORT" alice
e2e_expect_reply alice-3 "250 2.0.0 Ok: queued"
send alice-4 "$OUT_PORT" alice
e2e_expect_reply alice-4 "451 4.7.1 limit burst reached: at most 3 messages per 10s, try again later"
e2e_log alice-4 "tempfail: stage=mail .*auth=alice .*\(limit burst: 4 > 3 messages per 10s, login=alice, redis\)"
sleep 11.5 # the window and one bucket: alice-1..4 have all left it
send alice-5 "$OUT_PORT" alice
e2e_expect_reply alice-5 "250 2.0.0 Ok: queued"
e2e_delivered alice-5

# Two instances, one budget: 2 through the first, 1 through the second, the 4th refused by
# the second (and by the first).
send bob-1 "$OUT_PORT" bob
send bob-2 "$OUT_PORT" bob
send bob-3 "$OUT2_PORT" bob
e2e_expect_reply bob-3 "250 2.0.0 Ok: queued"
send bob-4 "$OUT2_PORT" bob
e2e_expect_reply bob-4 "451 4.7.1 limit burst reached"
send bob-5 "$OUT_PORT" bob
e2e_expect_reply bob-5 "451 4.7.1 limit burst reached"
if grep -q "auth=bob .*limit burst: 4 > 3 messages per 10s, login=bob, redis" "$T/rw2.log"; then
    e2e_pass "bob-4: the second instance refused with the shared count"
else
    e2e_fail "bob-4: the second instance's log lacks the shared count" "$T/rw2.log"
fi

# Redis stopped: mail flows, counted locally, one log line for the outage, the limit still
# holds per instance.
redis_stop
for i in 1 2 3; do send carol-$i "$OUT_PORT" carol; done
e2e_expect_reply carol-1 "250 2.0.0 Ok: queued"
e2e_expect_reply carol-3 "250 2.0.0 Ok: queued"
send carol-4 "$OUT_PORT" carol
e2e_expect_reply carol-4 "451 4.7.1 limit burst reached"
e2e_log carol-4 "limit burst: 4 > 3 messages per 10s, login=carol, fallback"
e2e_log redis-down "limits: redis 127.0.0.1:$REDIS_PORT failed \(.*\): counting in memory, per instance until it answers again"
n=$(grep -c "limits: redis .* failed" "$T/relaywarden.log")
if [ "$n" = 1 ]; then e2e_pass "one log line for the outage"; else e2e_fail "outage logged $n times" "$T/relaywarden.log"; fi

# Redis back: after the backoff, counting returns to Redis and the recovery is logged. The
# backoff grew with every failed try while Redis was down (up to LIMITS_BACKOFF_MAX_MS, 30 s):
# sessions go on until one meets the end of it.
redis_start
for i in $(seq 1 80); do
    send dave-$i "$OUT_PORT" dave
    grep -q "is back after" "$T/relaywarden.log" && break
    sleep 0.5
done
e2e_log redis-back "limits: redis 127.0.0.1:$REDIS_PORT is back after [0-9]+ ms; [0-9]+ decisions were counted in memory without it, per instance"
keys=$(redis-cli -p "$REDIS_PORT" --scan --pattern 'e2e:burst:messages:login:10s:dave' | wc -l)
if [ "$keys" = 1 ]; then e2e_pass "dave counted in Redis again"; else e2e_fail "no Redis key for dave"; fi
ttl=$(redis-cli -p "$REDIS_PORT" pttl e2e:burst:messages:login:10s:dave)
if [ "$ttl" -gt 0 ] && [ "$ttl" -le 11000 ]; then e2e_pass "the key expires by itself ($ttl ms)"; else e2e_fail "key pttl $ttl"; fi

# One key of the wrong type is that key's trouble, not an outage: with on-failure local its
# decision is counted in memory, logged once per key and minute; everyone else counts in Redis.
redis-cli -p "$REDIS_PORT" set e2e:burst:messages:login:10s:mallory x >/dev/null
outages=$(grep -c "limits: redis .* failed" "$T/relaywarden.log")
send mallory-1 "$OUT_PORT" mallory
e2e_expect_reply mallory-1 "250 2.0.0 Ok: queued"
e2e_log mallory-1 "limit burst, key e2e:burst:messages:login:10s:mallory: redis answered: WRONGTYPE.*: this decision is counted in memory"
send mallory-2 "$OUT_PORT" mallory
send frank-1 "$OUT_PORT" frank
e2e_expect_reply frank-1 "250 2.0.0 Ok: queued"
n=$(grep -c "key e2e:burst:messages:login:10s:mallory: redis answered" "$T/relaywarden.log")
if [ "$n" = 1 ]; then e2e_pass "a wrong-type key is logged once"; else e2e_fail "wrong-type key logged $n times" "$T/relaywarden.log"; fi
n=$(grep -c "limits: redis .* failed" "$T/relaywarden.log")
if [ "$n" = "$outages" ]; then e2e_pass "a wrong-type key is no outage"; else e2e_fail "a wrong-type key started an outage" "$T/relaywarden.log"; fi
keys=$(redis-cli -p "$REDIS_PORT" --scan --pattern 'e2e:burst:messages:login:10s:frank' | wc -l)
if [ "$keys" = 1 ]; then e2e_pass "frank counted in Redis beside the wrong-type key"; else e2e_fail "no Redis key for frank"; fi

# on-failure tempfail: a reload says so; with Redis gone, the limit rule cannot be decided and
# on-error (tempfail) answers.
sed 's/on-failure local/on-failure tempfail/' "$RD/redis.rules" >"$RD/r2" && cp "$RD/r2" "$RD/redis.rules"
e2e_rw_reload || e2e_fail "reload to on-failure tempfail" "$T/relaywarden.log"
# the wrong-type key tempfails its own decision alone
send mallory-3 "$OUT_PORT" mallory
e2e_expect_reply mallory-3 "451 4.3.0"
send grace-1 "$OUT_PORT" grace
e2e_expect_reply grace-1 "250 2.0.0 Ok: queued"
redis_stop
send erin-1 "$OUT_PORT" erin
e2e_expect_reply erin-1 "451 4.3.0"
e2e_log erin-1 "limits redis on-failure tempfail"

# A Redis that drips its reply a byte every 40 ms (each read within the timeout): the timeout
# bounds the whole command, so the decision is made after about 200 ms, not when Postfix gives up.
e2e_pick_port DRIP_PORT
perl -MIO::Socket::INET -e '
    $SIG{CHLD} = "IGNORE";
    my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $ARGV[0], Listen => 16,
                                  ReuseAddr => 1) or die "drip: $!";
    while (my $c = $s->accept) {
        next if fork;
        while (sysread($c, my $b, 65536)) {
            for my $ch (split //, "+" . ("x" x 1000) . "\r\n") {
                syswrite($c, $ch) or exit; select(undef, undef, undef, 0.04);
            }
        }
        exit;
    }' "$DRIP_PORT" &
DRIP_PID=$!
e2e_wait_port "$DRIP_PORT" || exit 1
sed "s/127.0.0.1:$REDIS_PORT/127.0.0.1:$DRIP_PORT/" "$RD/redis.rules" >"$RD/r2" && cp "$RD/r2" "$RD/redis.rules"
e2e_rw_reload || e2e_fail "reload to the dripping Redis" "$T/relaywarden.log"
t0=$(date +%s%N)
send drip-1 "$OUT_PORT" drip
t1=$(date +%s%N)
kill "$DRIP_PID" 2>/dev/null
e2e_expect_reply drip-1 "451 4.3.0"
e2e_log drip-1 "limits: redis 127.0.0.1:$DRIP_PORT failed \\(timed out after 200 ms\\)"
ms=$(((t1 - t0) / 1000000))
if [ "$ms" -lt 3000 ]; then e2e_pass "a dripping Redis holds a session ${ms} ms (< 3000)"; else e2e_fail "a dripping Redis held the session ${ms} ms"; fi

# Redis on IPv6 loopback: "[::1]:port".
# Waited for until it answers or has exited (no ::1 here): a fixed sleep left the part out
# silently whenever the server was slower to start.
redis-server --port "$REDIS_PORT" --bind ::1 --save "" --appendonly no --dir "$RD" \
    --daemonize no >"$RD/redis6.log" 2>&1 &
REDIS6_PID=$!
for i in $(seq 1 "$E2E_WAIT"); do
    redis-cli -h ::1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    kill -0 "$REDIS6_PID" 2>/dev/null || break
    sleep 0.1
done
if redis-cli -h ::1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    sed "s/\"127.0.0.1:$DRIP_PORT\"/\"[::1]:$REDIS_PORT\"/" "$RD/redis.rules" >"$RD/r2" && cp "$RD/r2" "$RD/redis.rules"
    e2e_rw_reload || e2e_fail "reload to Redis on [::1]" "$T/relaywarden.log"
    send heidi-1 "$OUT_PORT" heidi
    e2e_expect_reply heidi-1 "250 2.0.0 Ok: queued"
    keys=$(redis-cli -h ::1 -p "$REDIS_PORT" --scan --pattern 'e2e:burst:messages:login:10s:heidi' | wc -l)
    if [ "$keys" = 1 ]; then e2e_pass "counted in Redis on [::1]"; else e2e_fail "no key for heidi on [::1]" "$T/relaywarden.log"; fi
    kill "$REDIS6_PID" && wait "$REDIS6_PID" 2>/dev/null
    REDIS6_PID=
else
    echo "note: no redis-server on ::1 here, the [::1] part is left out" >&2
fi

# The full in-memory table: 16 keys, one message per sender and hour.
cat >"$RD/redis.rules" <<EOF
domains ours { example.com }
limit persender messages 1 per 1h by sender
limits memory 16
listener inbound daemon "inbound"
listener outbound daemon "outbound"
listener outbound2 daemon "outbound2" policy outbound
policy inbound {
    rcpt reject to !<ours> "5.7.1 relaying denied"
}
policy outbound {
    mail reject !auth "5.7.1 authentication required"
    mail tempfail limit <persender>
    rcpt accept auth
}
EOF
e2e_rw_reload || e2e_fail "reload to in-memory counters" "$T/relaywarden.log"
sendas() { e2e_smtp "$1" "$OUT_PORT" $USR --xclient-login app --from "$2" --to friend@elsewhere.test; }
sendas victim-1 victim@example.com
e2e_expect_reply victim-1 "250 2.0.0 Ok: queued"
for i in $(seq 1 15); do sendas flood-$i "f$i@example.com"; done # keys 2..16: the table is full
e2e_expect_reply flood-15 "250 2.0.0 Ok: queued"
sendas flood-16 f16@example.com # key 17: the overflow counter, 1 of 1
e2e_expect_reply flood-16 "250 2.0.0 Ok: queued"
sendas flood-17 f17@example.com # key 18: the overflow counter is at its limit
e2e_expect_reply flood-17 "451 4.7.1 limit persender reached"
e2e_log flood-17 "limit persender's table is full \\(16 keys\\): the shared overflow counter is at 2 > 1 messages per 1h; sender=f17@example.com found no room"
sendas victim-2 victim@example.com # the flood did not reset the victim's count
e2e_expect_reply victim-2 "451 4.7.1 limit persender reached"
e2e_log victim-2 "limit persender: 2 > 1 messages per 1h, sender=victim@example.com, local"

# The counters: hits per limit and counter, Redis trouble, the overflow.
e2e_metrics_fresh "$RD/metrics.prom"
for want in 'relaywarden_limit_hits_total\{limit="burst",counter="redis"\} [1-9]' \
    'relaywarden_limit_hits_total\{limit="burst",counter="fallback"\} 1' \
    'relaywarden_limit_redis_total\{event="fallback"\} [1-9]' \
    'relaywarden_limit_redis_total\{event="tempfail"\} [1-9]' \
    'relaywarden_limit_redis_total\{event="reply-error"\} [1-9]' \
    'relaywarden_limit_overflow_total\{limit="persender"\} 2' \
    'relaywarden_limit_hits_total\{limit="persender",counter="overflow"\} 1'; do
    if grep -qE "^$want" "$RD/metrics.prom"; then e2e_pass "metrics: /$want/"; else
        e2e_fail "metrics lack /$want/" "$RD/metrics.prom"; fi
done
e2e_done

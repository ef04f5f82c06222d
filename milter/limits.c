/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * limits.c - the rate limit counters of the daemon (limits.h): the per-limit in-memory tables
 * of policy/limit.c under a mutex, and Redis, one round trip per decision (EVALSHA of a Lua
 * script, EVAL on NOSCRIPT) within one deadline, with an outage logged once, retried with
 * backoff, and logged when over; an error reply fails that one decision, not Redis.
 */
#include "limits.h"
#include "log.h"
#include "stats.h"
#include "util.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <openssl/evp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* The window in Redis is the same as in memory: a hash per key, a field per bucket of a tenth
 * of the window (bucket number from Redis's own clock, so the fleet agrees), LIMIT_BUCKETS + 1
 * buckets counted. ARGV: bucket width in ms, the limit, how many to add. Returns {over,
 * count}. The key expires by itself once its last bucket is out of the window. */
static const char limits_lua[] =
    "if redis.replicate_commands then redis.replicate_commands() end\n"
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    "local bw = tonumber(ARGV[1])\n"
    "local max = tonumber(ARGV[2])\n"
    "local n = tonumber(ARGV[3])\n"
    "local cur = math.floor(now / bw)\n"
    "local h = redis.call('HGETALL', KEYS[1])\n"
    "local total = 0\n"
    "for i = 1, #h, 2 do\n"
    "  local b = tonumber(h[i])\n"
    "  if b == nil or b < cur - 10 then redis.call('HDEL', KEYS[1], h[i])\n"
    "  else total = total + (tonumber(h[i + 1]) or 0) end\n"
    "end\n"
    "if total + n > max then return {1, total + n} end\n"
    "redis.call('HINCRBY', KEYS[1], string.format('%d', cur), n)\n"
    "redis.call('PEXPIRE', KEYS[1], (cur + 11) * bw - now)\n"
    "return {0, total + n}\n";

struct limits_state {
    pthread_mutex_t mu;
    unsigned char seed[16];
    /* one table per limit */
    struct limit_tables *table;
    int redis_ok; /* this store may use Redis (not the trial's) */
    /* Redis, under mu */
    char server[128];
    redisContext *idle[LIMITS_REDIS_POOL];
    int nidle;
    int down;
    long long down_since, retry_at, backoff_ms;
    unsigned long long fallbacks; /* decisions made without Redis in this outage */
    char sha[41];
    struct {
        unsigned long long h; /* of a key Redis answered an error for */
        long long at;         /* when it was last logged; 0: free */
    } errlog[LIMITS_REPLY_ERR_KEYS];
};

static struct limits_state limits_daemon = {.mu = PTHREAD_MUTEX_INITIALIZER, .redis_ok = 1};
static struct limits_state limits_trial = {.mu = PTHREAD_MUTEX_INITIALIZER, .redis_ok = 0};

/* relaywarden -t --limit-used: counts to put in before the trial's first decision. */
static struct {
    char name[65];
    unsigned long long n;
    int applied;
} limits_used[LIMIT_DEFS_MAX];
static size_t limits_nused;

static int limits_take(void *ctx, const struct limit_req *rq, struct limit_answer *a, char *why,
                       size_t whylen);
static const struct limit_store limits_store_daemon = {&limits_daemon, limits_take};
static const struct limit_store limits_store_trial = {&limits_trial, limits_take};

static long long
limits_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
limits_init(char *err, size_t errlen)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0, i;

    if (getrandom(limits_daemon.seed, sizeof(limits_daemon.seed), 0) !=
        (ssize_t)sizeof(limits_daemon.seed)) {
        util_errf(err, errlen, "no random bytes for the limits table");
        return -1;
    }
    memcpy(limits_trial.seed, limits_daemon.seed, sizeof(limits_trial.seed));
    if (EVP_Digest(limits_lua, sizeof(limits_lua) - 1, md, &mdlen, EVP_sha1(), NULL) != 1 ||
        mdlen != 20) {
        util_errf(err, errlen, "cannot hash the limits script");
        return -1;
    }
    for (i = 0; i < 20; i++)
        snprintf(limits_daemon.sha + 2 * i, 3, "%02x", md[i]);
    return 0;
}

const struct limit_store *
limits_store(void)
{
    return &limits_store_daemon;
}

const struct limit_store *
limits_store_local(void)
{
    return &limits_store_trial;
}

static void
limits_close_idle(struct limits_state *st)
{
    while (st->nidle > 0)
        redisFree(st->idle[--st->nidle]);
}

void
limits_shutdown(void)
{
    struct limits_state *all[] = {&limits_daemon, &limits_trial};

    for (size_t i = 0; i < 2; i++) {
        pthread_mutex_lock(&all[i]->mu);
        limits_close_idle(all[i]);
        limit_tables_free(all[i]->table);
        all[i]->table = NULL;
        pthread_mutex_unlock(&all[i]->mu);
    }
}

int
limits_trial_used(const char *name, unsigned long long n)
{
    if (limits_nused == LIMIT_DEFS_MAX || strlen(name) >= sizeof(limits_used[0].name))
        return -1;
    util_strlcpy(limits_used[limits_nused].name, name, sizeof(limits_used[0].name));
    limits_used[limits_nused++].n = n;
    return 0;
}

int
limits_trial_check(const struct ruleset *rs)
{
    size_t i, j;

    for (i = 0; i < limits_nused; i++) {
        for (j = 0; j < rs->nlimits && strcmp(rs->limits[j]->name, limits_used[i].name); j++)
            ;
        if (j == rs->nlimits) {
            fprintf(stderr, "relaywarden: --limit-used %s: the rules declare no such limit\n",
                    limits_used[i].name);
            return -1;
        }
    }
    return 0;
}

/* The trial's --limit-used for rq's limit, once, as counts already in its window. */
static int
limits_trial_fill(struct limits_state *st, const struct limit_req *rq)
{
    struct limit_answer a;
    unsigned long long n;

    for (size_t i = 0; i < limits_nused; i++)
        if (!limits_used[i].applied && strcmp(limits_used[i].name, rq->def->name) == 0) {
            limits_used[i].applied = 1;
            n = limits_used[i].n < rq->def->max ? limits_used[i].n : rq->def->max;
            if (n > 0 && limit_tables_take(st->table, rq->def, rq->key, rq->keylen, (unsigned)n,
                                           limits_now(), &a) == -1)
                return -1;
        }
    return 0;
}

/* In memory, under the lock. The table follows limits memory: a new size is a new table (the
 * counts start again, said in the log). */
static int
limits_local(struct limits_state *st, const struct limit_req *rq, struct limit_answer *a, char *why,
             size_t whylen)
{
    int rc = -1;

    pthread_mutex_lock(&st->mu);
    if (st->table != NULL && limit_tables_max_keys(st->table) != rq->conf->max_keys) {
        log_msg(LOG_NOTICE,
                "limits: in-memory tables resized from %u to %u keys per limit: counts restart",
                limit_tables_max_keys(st->table), rq->conf->max_keys);
        limit_tables_free(st->table);
        st->table = NULL;
    }
    if (st->table == NULL && (st->table = limit_tables_new(rq->conf->max_keys, st->seed)) == NULL)
        util_errf(why, whylen, "out of memory for the limits table (%u keys)", rq->conf->max_keys);
    else if (st == &limits_trial && limits_trial_fill(st, rq) == -1)
        util_errf(why, whylen, "cannot hash a limits key");
    else
        rc = limit_tables_take(st->table, rq->def, rq->key, rq->keylen, rq->n, limits_now(), a);
    pthread_mutex_unlock(&st->mu);
    if (rc == -1 && why[0] == '\0')
        util_errf(why, whylen, "out of memory for limit %s's table (%u keys), or a hashing failure",
                  rq->def->name, rq->conf->max_keys);
    return rc;
}

/* Connect within what is left of the decision's deadline; "[::1]:6379" is an IPv6 address. */
static redisContext *
limits_connect(const struct limit_conf *c, long long deadline, char *why, size_t whylen)
{
    long long left = deadline - limits_now();
    struct timeval tv;
    char host[sizeof(c->redis)];
    char *colon, *h = host;
    redisContext *rc;

    util_strlcpy(host, c->redis, sizeof(host));
    if ((colon = strrchr(host, ':')) == NULL) {
        util_errf(why, whylen, "bad redis address");
        return NULL;
    }
    *colon = '\0';
    if (host[0] == '[' && colon > host + 1 && colon[-1] == ']') {
        colon[-1] = '\0';
        h = host + 1;
    }
    if (left <= 0) {
        util_errf(why, whylen, "timed out after %d ms", c->timeout_ms);
        return NULL;
    }
    tv.tv_sec = (time_t)(left / 1000);
    tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
    rc = redisConnectWithTimeout(h, atoi(colon + 1), tv);
    if (rc == NULL || rc->err) {
        if (rc != NULL && limits_now() >= deadline)
            util_errf(why, whylen, "connect: timed out after %d ms", c->timeout_ms);
        else
            util_errf(why, whylen, "connect: %s", rc ? rc->errstr : "out of memory");
        redisFree(rc);
        return NULL;
    }
    return rc;
}

/* Wait until rc's socket is ready for ev or the deadline: 1 ready, 0 timed out, -1 error. */
static int
limits_wait(redisContext *rc, short ev, long long deadline)
{
    struct pollfd pfd;
    long long left;
    int n;

    for (;;) {
        if ((left = deadline - limits_now()) <= 0)
            return 0;
        pfd.fd = rc->fd;
        pfd.events = ev;
        pfd.revents = 0;
        /* left is at most the timeout (LIMIT_REDIS_TIMEOUT_MAX_MS): it fits an int */
        n = poll(&pfd, 1,
                 (int)(left < LIMIT_REDIS_TIMEOUT_MAX_MS ? left : LIMIT_REDIS_TIMEOUT_MAX_MS));
        if (n > 0)
            return 1;
        if (n == 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

/* One command, sent and its whole reply read before the deadline: a server that drips its
 * reply byte by byte cannot hold a decision past the timeout. 0 with *out, or -1 with why
 * (the connection is then not to be used again). */
static int
limits_command(redisContext *rc, int argc, const char **argv, const size_t *argl,
               long long deadline, int timeout_ms, redisReply **out, char *why, size_t whylen)
{
    void *r = NULL;
    int done = 0, w;

    *out = NULL;
    if (redisAppendCommandArgv(rc, argc, argv, argl) != REDIS_OK) {
        util_errf(why, whylen, "redis: %s", rc->errstr[0] ? rc->errstr : "out of memory");
        return -1;
    }
    while (!done) {
        if ((w = limits_wait(rc, POLLOUT, deadline)) != 1)
            goto waitfail;
        if (redisBufferWrite(rc, &done) != REDIS_OK)
            goto ioerr;
    }
    for (;;) {
        if (redisGetReplyFromReader(rc, &r) != REDIS_OK)
            goto ioerr;
        if (r != NULL)
            break;
        if ((w = limits_wait(rc, POLLIN, deadline)) != 1)
            goto waitfail;
        if (redisBufferRead(rc) != REDIS_OK)
            goto ioerr;
    }
    *out = r;
    return 0;
waitfail:
    if (w == 0)
        util_errf(why, whylen, "timed out after %d ms", timeout_ms);
    else
        util_errf(why, whylen, "redis: poll: %s", strerror(errno));
    return -1;
ioerr:
    util_errf(why, whylen, "redis: %s", rc->errstr[0] ? rc->errstr : "no reply");
    return -1;
}

/* The script's answer, checked: an array of two integers, over 0 or 1, count >= 0. */
static int
limits_reply(const redisReply *r, struct limit_answer *a, char *why, size_t whylen)
{
    if (r->type == REDIS_REPLY_ERROR) {
        util_errf(why, whylen, "redis answered: %.100s", r->str ? r->str : "error");
        return -1;
    }
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[0]->type != REDIS_REPLY_INTEGER || r->element[1]->type != REDIS_REPLY_INTEGER ||
        (r->element[0]->integer != 0 && r->element[0]->integer != 1) ||
        r->element[1]->integer < 0) {
        util_errf(why, whylen, "redis: unexpected reply to the limits script (type %d)", r->type);
        return -1;
    }
    a->over = (int)r->element[0]->integer;
    a->count = (unsigned long long)r->element[1]->integer;
    a->where = "redis";
    a->table_keys = 0;
    return 0;
}

/* The Redis key of rq into key: its length, or -1 when it does not fit. */
static int
limits_redis_key(const struct limit_req *rq, char *key, size_t len)
{
    char w[32], by[32];
    int k;

    k = snprintf(key, len, "%s%s:%s:%s:%s:", rq->conf->prefix, rq->def->name,
                 rq->def->count == LIMIT_MESSAGES ? "messages" : "recipients",
                 limit_by_text(rq->def, by, sizeof(by)),
                 limit_window_text(rq->def->window_ms, w, sizeof(w)));
    if (k < 0 || (size_t)k + rq->keylen >= len)
        return -1;
    memcpy(key + k, rq->key, rq->keylen);
    key[(size_t)k + rq->keylen] = '\0';
    return k + (int)rq->keylen;
}

/* One round trip: EVALSHA, and EVAL once more when Redis does not know the script yet, both
 * within the deadline. 0 answered; LIMITS_OUTAGE when the connection failed or timed out (an
 * outage: rc is not to be used again); LIMITS_ANSWERED_ERROR when the server answered with an
 * error (WRONGTYPE on one key) or a reply that is not the script's: this decision alone
 * cannot be made, the connection is fine. */
enum { LIMITS_OUTAGE = -1, LIMITS_ANSWERED_ERROR = -2 };
static int
limits_redis_take(struct limits_state *st, redisContext *rc, const struct limit_req *rq,
                  const char *key, size_t keylen, long long deadline, struct limit_answer *a,
                  char *why, size_t whylen)
{
    char bw[24], max[24], n[24];
    const char *argv[7];
    size_t argl[7];
    redisReply *r;
    int rv;

    snprintf(bw, sizeof(bw), "%lld", rq->def->window_ms / LIMIT_BUCKETS);
    snprintf(max, sizeof(max), "%llu", rq->def->max);
    snprintf(n, sizeof(n), "%u", rq->n);
    argv[0] = "EVALSHA";
    argv[1] = st->sha;
    argv[2] = "1";
    argv[3] = key;
    argv[4] = bw;
    argv[5] = max;
    argv[6] = n;
    for (rv = 0; rv < 7; rv++)
        argl[rv] = strlen(argv[rv]);
    argl[3] = keylen;
    if (limits_command(rc, 7, argv, argl, deadline, rq->conf->timeout_ms, &r, why, whylen) == -1)
        return LIMITS_OUTAGE;
    if (r->type == REDIS_REPLY_ERROR && r->str != NULL && strncmp(r->str, "NOSCRIPT", 8) == 0) {
        freeReplyObject(r);
        argv[0] = "EVAL";
        argv[1] = limits_lua;
        argl[0] = 4;
        argl[1] = sizeof(limits_lua) - 1;
        if (limits_command(rc, 7, argv, argl, deadline, rq->conf->timeout_ms, &r, why, whylen) ==
            -1)
            return LIMITS_OUTAGE;
    }
    rv = limits_reply(r, a, why, whylen);
    freeReplyObject(r);
    return rv == 0 ? 0 : LIMITS_ANSWERED_ERROR;
}

/* A key Redis answered with an error for is logged once per LIMITS_REPLY_ERR_INTERVAL_MS:
 * 1 when this one is to be logged (and it is remembered), 0 when it was logged lately. */
static int
limits_reply_err_first(struct limits_state *st, const char *key, size_t keylen, long long now)
{
    unsigned long long h = 1469598103934665603ULL; /* FNV-1a: only tells keys apart for the log */
    size_t i, pick = 0;

    for (i = 0; i < keylen; i++)
        h = (h ^ (unsigned char)key[i]) * 1099511628211ULL;
    for (i = 0; i < LIMITS_REPLY_ERR_KEYS; i++) {
        if (st->errlog[i].at != 0 && st->errlog[i].h == h) {
            if (now - st->errlog[i].at < LIMITS_REPLY_ERR_INTERVAL_MS)
                return 0;
            st->errlog[i].at = now;
            return 1;
        }
        if (st->errlog[i].at < st->errlog[pick].at)
            pick = i;
    }
    st->errlog[pick].h = h;
    st->errlog[pick].at = now > 0 ? now : 1;
    return 1;
}

/* The on-failure rule for one decision Redis did not make: counted in memory (local) or
 * undecidable (tempfail: the condition is -1, on-error applies). */
static int
limits_on_failure(struct limits_state *st, const struct limit_req *rq, struct limit_answer *a,
                  char *why, size_t whylen)
{
    if (rq->conf->on_failure == LIMIT_FAIL_TEMPFAIL) {
        char esc[200];
        stats_limit_redis("tempfail");
        util_escape(esc, sizeof(esc), why, 150);
        util_errf(why, whylen, "redis %s: %s (limits redis on-failure tempfail)", rq->conf->redis,
                  esc);
        return -1;
    }
    stats_limit_redis("fallback");
    why[0] = '\0';
    if (limits_local(st, rq, a, why, whylen) == -1)
        return -1;
    if (strcmp(a->where, "local") == 0)
        a->where = "fallback";
    return 0;
}

static int
limits_take_one(struct limits_state *st, const struct limit_req *rq, struct limit_answer *a,
                char *why, size_t whylen)
{
    char key[LIMIT_PREFIX_MAX + 64 + 96 + LIMIT_KEY_MAX];
    redisContext *rc = NULL;
    long long now, deadline;
    int keylen, rv = LIMITS_OUTAGE;

    why[0] = '\0';
    if (!st->redis_ok || rq->conf->redis[0] == '\0')
        return limits_local(st, rq, a, why, whylen);
    now = limits_now();
    deadline = now + rq->conf->timeout_ms; /* connect, send and the whole reply */
    pthread_mutex_lock(&st->mu);
    if (strcmp(st->server, rq->conf->redis) != 0) { /* a reload named another server */
        limits_close_idle(st);
        util_strlcpy(st->server, rq->conf->redis, sizeof(st->server));
        st->down = 0;
        st->backoff_ms = 0;
    }
    if (st->down && now < st->retry_at) {
        st->fallbacks++;
        pthread_mutex_unlock(&st->mu);
        util_errf(why, whylen, "unavailable");
        return limits_on_failure(st, rq, a, why, whylen);
    }
    if (st->down) /* this decision tries; the others go on without it until it has answered */
        st->retry_at = now + st->backoff_ms;
    if (st->nidle > 0)
        rc = st->idle[--st->nidle];
    pthread_mutex_unlock(&st->mu);
    if ((keylen = limits_redis_key(rq, key, sizeof(key))) < 0) {
        util_errf(why, whylen, "redis key too long");
        rv = LIMITS_ANSWERED_ERROR; /* this decision's, not Redis's */
    } else {
        if (rc == NULL)
            rc = limits_connect(rq->conf, deadline, why, whylen);
        if (rc != NULL)
            rv = limits_redis_take(st, rc, rq, key, (size_t)keylen, deadline, a, why, whylen);
    }
    if (rv == 0 || rv == LIMITS_ANSWERED_ERROR) { /* the server answered: it is up */
        pthread_mutex_lock(&st->mu);
        if (st->down && rc != NULL) {
            if (rq->conf->on_failure == LIMIT_FAIL_TEMPFAIL)
                log_msg(LOG_NOTICE,
                        "limits: redis %s is back after %lld ms; %llu decisions were tempfailed "
                        "without it (on-failure tempfail: none was counted)",
                        st->server, now - st->down_since, st->fallbacks);
            else
                log_msg(LOG_NOTICE,
                        "limits: redis %s is back after %lld ms; %llu decisions were counted "
                        "in memory without it, per instance",
                        st->server, now - st->down_since, st->fallbacks);
            st->down = 0;
            st->backoff_ms = 0;
        }
        if (rc != NULL && st->nidle < LIMITS_REDIS_POOL)
            st->idle[st->nidle++] = rc;
        else if (rc != NULL)
            redisFree(rc);
        if (rv == LIMITS_ANSWERED_ERROR &&
            limits_reply_err_first(st, key, (size_t)(keylen > 0 ? keylen : 0), now)) {
            char esc[300], kesc[200];
            log_msg(LOG_WARNING,
                    "limits: redis %s: limit %s, key %s: %s: this decision %s (logged once a "
                    "minute per key)",
                    st->server, rq->def->name,
                    util_escape(kesc, sizeof(kesc), keylen > 0 ? key : "(too long)", 150),
                    util_escape(esc, sizeof(esc), why, 200),
                    rq->conf->on_failure == LIMIT_FAIL_LOCAL ? "is counted in memory"
                                                             : "tempfails");
        }
        pthread_mutex_unlock(&st->mu);
        if (rv == 0)
            return 0;
        stats_limit_redis("reply-error");
        return limits_on_failure(st, rq, a, why, whylen);
    }
    if (rc != NULL)
        redisFree(rc); /* a connection that failed once is not trusted again */
    stats_limit_redis("error");
    pthread_mutex_lock(&st->mu);
    st->backoff_ms = st->backoff_ms == 0                          ? LIMITS_BACKOFF_MIN_MS
                     : st->backoff_ms * 2 > LIMITS_BACKOFF_MAX_MS ? LIMITS_BACKOFF_MAX_MS
                                                                  : st->backoff_ms * 2;
    st->retry_at = now + st->backoff_ms;
    if (!st->down) {
        char esc[300];
        st->down = 1;
        st->down_since = now;
        st->fallbacks = 0;
        limits_close_idle(st); /* the others were to the same server: let them go */
        log_msg(LOG_WARNING, "limits: redis %s failed (%s): %s until it answers again", st->server,
                util_escape(esc, sizeof(esc), why, 200),
                rq->conf->on_failure == LIMIT_FAIL_LOCAL ? "counting in memory, per instance"
                                                         : "limit rules tempfail");
    }
    st->fallbacks++;
    pthread_mutex_unlock(&st->mu);
    return limits_on_failure(st, rq, a, why, whylen);
}

/* Every answer counted: hits (over the limit) per limit and where they were counted. */
static int
limits_take(void *ctx, const struct limit_req *rq, struct limit_answer *a, char *why, size_t whylen)
{
    if (limits_take_one(ctx, rq, a, why, whylen) == -1)
        return -1;
    if (a->over || strcmp(a->where, "overflow") == 0)
        stats_limit(rq->def->name, a->where, a->over);
    return 0;
}

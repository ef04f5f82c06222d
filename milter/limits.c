/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * limits.c - the rate limit counters of the daemon (limits.h): the in-memory table of
 * policy/limit.c under a mutex, and Redis, one round trip per decision (EVALSHA of a Lua
 * script, EVAL on NOSCRIPT), with an outage logged once, retried with backoff, and logged when
 * over.
 */
#include "limits.h"
#include "log.h"
#include "stats.h"
#include "util.h"

#include <hiredis/hiredis.h>
#include <openssl/evp.h>
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
    struct limit_tables *table; /* one table per limit */
    int redis_ok; /* this store may use Redis (not the trial's) */
    /* Redis, under mu */
    char server[128];
    redisContext *idle[LIMITS_REDIS_POOL];
    int nidle;
    int down;
    long long down_since, retry_at, backoff_ms;
    unsigned long long fallbacks; /* decisions counted locally in this outage */
    char sha[41];
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

static redisContext *
limits_connect(const struct limit_conf *c, char *why, size_t whylen)
{
    struct timeval tv = {c->timeout_ms / 1000, (c->timeout_ms % 1000) * 1000};
    char host[sizeof(c->redis)];
    char *colon;
    redisContext *rc;

    util_strlcpy(host, c->redis, sizeof(host));
    if ((colon = strrchr(host, ':')) == NULL) {
        util_errf(why, whylen, "bad redis address");
        return NULL;
    }
    *colon = '\0';
    rc = redisConnectWithTimeout(host, atoi(colon + 1), tv);
    if (rc == NULL || rc->err) {
        util_errf(why, whylen, "connect: %s", rc ? rc->errstr : "out of memory");
        redisFree(rc);
        return NULL;
    }
    if (redisSetTimeout(rc, tv) != REDIS_OK) {
        util_errf(why, whylen, "cannot set the timeout");
        redisFree(rc);
        return NULL;
    }
    return rc;
}

/* The script's answer, checked: an array of two integers, over 0 or 1, count >= 0. */
static int
limits_reply(const redisReply *r, struct limit_answer *a, char *why, size_t whylen)
{
    if (r->type == REDIS_REPLY_ERROR) {
        util_errf(why, whylen, "redis: %.100s", r->str ? r->str : "error");
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
    return 0;
}

/* One round trip: EVALSHA, and EVAL once more when Redis does not know the script yet. */
static int
limits_redis_take(struct limits_state *st, redisContext *rc, const struct limit_req *rq,
                  struct limit_answer *a, char *why, size_t whylen)
{
    char key[LIMIT_PREFIX_MAX + 64 + 96 + LIMIT_KEY_MAX], bw[24], max[24], n[24], w[32], by[32];
    const char *argv[7];
    size_t argl[7];
    redisReply *r;
    int k, rv;

    k = snprintf(key, sizeof(key), "%s%s:%s:%s:%s:", rq->conf->prefix, rq->def->name,
                 rq->def->count == LIMIT_MESSAGES ? "messages" : "recipients",
                 limit_by_text(rq->def, by, sizeof(by)),
                 limit_window_text(rq->def->window_ms, w, sizeof(w)));
    if (k < 0 || (size_t)k + rq->keylen >= sizeof(key)) {
        util_errf(why, whylen, "redis key too long");
        return -1;
    }
    memcpy(key + k, rq->key, rq->keylen);
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
    argl[3] = (size_t)k + rq->keylen;
    if ((r = redisCommandArgv(rc, 7, argv, argl)) == NULL) {
        util_errf(why, whylen, "redis: %s", rc->errstr[0] ? rc->errstr : "no reply");
        return -1;
    }
    if (r->type == REDIS_REPLY_ERROR && r->str != NULL && strncmp(r->str, "NOSCRIPT", 8) == 0) {
        freeReplyObject(r);
        argv[0] = "EVAL";
        argv[1] = limits_lua;
        argl[0] = 4;
        argl[1] = sizeof(limits_lua) - 1;
        if ((r = redisCommandArgv(rc, 7, argv, argl)) == NULL) {
            util_errf(why, whylen, "redis: %s", rc->errstr[0] ? rc->errstr : "no reply");
            return -1;
        }
    }
    rv = limits_reply(r, a, why, whylen);
    freeReplyObject(r);
    return rv;
}

static int
limits_take_one(struct limits_state *st, const struct limit_req *rq, struct limit_answer *a,
                char *why, size_t whylen)
{
    redisContext *rc = NULL;
    long long now;

    why[0] = '\0';
    if (!st->redis_ok || rq->conf->redis[0] == '\0')
        return limits_local(st, rq, a, why, whylen);
    now = limits_now();
    pthread_mutex_lock(&st->mu);
    if (strcmp(st->server, rq->conf->redis) != 0) { /* a reload named another server */
        limits_close_idle(st);
        util_strlcpy(st->server, rq->conf->redis, sizeof(st->server));
        st->down = 0;
        st->backoff_ms = 0;
    }
    if (st->down && now < st->retry_at) {
        pthread_mutex_unlock(&st->mu);
        goto failed;
    }
    if (st->down) /* this decision tries; the others go on locally until it has answered */
        st->retry_at = now + st->backoff_ms;
    if (st->nidle > 0)
        rc = st->idle[--st->nidle];
    pthread_mutex_unlock(&st->mu);
    if (rc == NULL)
        rc = limits_connect(rq->conf, why, whylen);
    if (rc != NULL && limits_redis_take(st, rc, rq, a, why, whylen) == 0) {
        pthread_mutex_lock(&st->mu);
        if (st->down) {
            log_msg(LOG_NOTICE,
                    "limits: redis %s is back after %lld ms; %llu decisions were counted "
                    "without it",
                    st->server, now - st->down_since, st->fallbacks);
            st->down = 0;
            st->backoff_ms = 0;
        }
        if (st->nidle < LIMITS_REDIS_POOL)
            st->idle[st->nidle++] = rc;
        else
            redisFree(rc);
        pthread_mutex_unlock(&st->mu);
        return 0;
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
    pthread_mutex_unlock(&st->mu);
failed:
    pthread_mutex_lock(&st->mu);
    st->fallbacks++;
    pthread_mutex_unlock(&st->mu);
    if (rq->conf->on_failure == LIMIT_FAIL_TEMPFAIL) {
        stats_limit_redis("tempfail");
        util_errf(why, whylen, "redis %s unavailable (limits redis on-failure tempfail)",
                  rq->conf->redis);
        return -1;
    }
    stats_limit_redis("fallback");
    if (limits_local(st, rq, a, why, whylen) == -1)
        return -1;
    if (strcmp(a->where, "local") == 0)
        a->where = "fallback";
    return 0;
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

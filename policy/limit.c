/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * limit.c - rate limits: the `limit` condition (its key from the session's facts, the store
 * asked through env.h) and the in-memory sliding-window table (see limit.h for the contract:
 * buckets of a tenth of the window, hashed keys, no eviction of live keys when full).
 */
#include "limit.h"
#include "cond.h"
#include "util.h"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A full table sweeps every slot for expired keys at most this often: a flood of new keys on
 * a full table must not turn every decision into a walk of the whole table. */
#define LIMIT_SWEEP_INTERVAL_MS 1000
/* Slots looked at for expired keys on every take: expiry keeps up with any steady load. */
#define LIMIT_SWEEP_STEP 4
#define LIMIT_RING (LIMIT_BUCKETS + 1)

struct limit_entry {
    unsigned char h[16];
    long long last;    /* bucket number of the latest count */
    long long expires; /* ms: from then on, every bucket is out of the window */
    uint32_t cnt[LIMIT_RING];
    int used;
};

struct limit_table {
    unsigned max_keys, live;
    size_t mask; /* slots - 1 */
    struct limit_entry *e;
    struct limit_entry ovf[LIMIT_DEFS_MAX]; /* per limit: the keys that found no room */
    unsigned char seed[16];
    size_t cursor;
    long long last_sweep;
};

/* ---- the condition ---- */

static void
limit_lower(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            s[i] = (char)(s[i] - 'A' + 'a');
}

static int
limit_put(char *buf, size_t len, const char *s)
{
    size_t n = strlen(s);

    if (n > LIMIT_KEY_MAX || n + 1 > len)
        return -1;
    memmove(buf, s, n + 1); /* s may be buf itself */
    limit_lower(buf, n); /* ALICE and alice are one account to most SASL back ends */
    return (int)n;
}

int
limit_key(const struct limit_def *def, const struct facts *f, char *buf, size_t len)
{
    struct netaddr a;
    char ip[INET6_ADDRSTRLEN], tmp[INET6_ADDRSTRLEN + 16];
    int bits, i;

    switch (def->by) {
    case LIMIT_BY_LOGIN:
        if (f->auth == NULL || f->auth[0] == '\0')
            return 0;
        return limit_put(buf, len, f->auth);
    case LIMIT_BY_SENDER:
        if (f->from == NULL)
            return 0;
        if (f->from->flags & ADDR_F_NULL)
            return limit_put(buf, len, "<>");
        if (strlen(f->from->local) + 1 + strlen(f->from->domain) > LIMIT_KEY_MAX)
            return -1;
        snprintf(buf, len, "%s@%s", f->from->local, f->from->domain);
        return limit_put(buf, len, buf);
    case LIMIT_BY_CLIENT:
        if (f->client == NULL)
            return 0;
        a = *f->client;
        bits = a.family == AF_INET ? def->prefix4 : def->prefix6;
        for (i = 0; i < (a.family == AF_INET ? 4 : 16); i++) {
            int keep = bits - i * 8;
            a.bytes[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
        }
        if (inet_ntop(a.family, a.bytes, ip, sizeof(ip)) == NULL)
            return -1;
        if (bits < (a.family == AF_INET ? 32 : 128))
            snprintf(tmp, sizeof(tmp), "%s/%d", ip, bits);
        else
            util_strlcpy(tmp, ip, sizeof(tmp));
        return limit_put(buf, len, tmp);
    }
    return -1;
}

int
limit_eval(const struct cond *c, const struct facts *f)
{
    struct limit_seen scratch, *seen = f->limit_seen ? f->limit_seen : &scratch;
    struct limit_req rq;
    int n;

    /* Without counters (the static audit, a test without a store) nothing is ever over: a
     * limit is never what keeps a relay closed. */
    if (f->limits == NULL)
        return 0;
    seen->def = NULL;
    seen->why[0] = '\0';
    if ((n = limit_key(c->limit, f, seen->key, sizeof(seen->key))) == 0)
        return COND_NA;
    if (n < 0) {
        snprintf(seen->why, sizeof(seen->why), "limit %s: key longer than %d bytes", c->limit->name,
                 LIMIT_KEY_MAX);
        return -1;
    }
    rq.def = c->limit;
    rq.conf = c->limit_conf;
    rq.key = seen->key;
    rq.keylen = (size_t)n;
    rq.n = 1;
    if (f->limits->take(f->limits->ctx, &rq, &seen->a, seen->why, sizeof(seen->why)) == -1)
        return -1;
    seen->def = c->limit;
    return seen->a.over;
}

const char *
limit_window_text(long long ms, char *buf, size_t len)
{
    if (ms % 86400000 == 0)
        snprintf(buf, len, "%lldd", ms / 86400000);
    else if (ms % 3600000 == 0)
        snprintf(buf, len, "%lldh", ms / 3600000);
    else if (ms % 60000 == 0)
        snprintf(buf, len, "%lldm", ms / 60000);
    else if (ms % 1000 == 0)
        snprintf(buf, len, "%llds", ms / 1000);
    else
        snprintf(buf, len, "%lldms", ms);
    return buf;
}

const char *
limit_by_text(const struct limit_def *def, char *buf, size_t len)
{
    switch (def->by) {
    case LIMIT_BY_LOGIN:
        util_strlcpy(buf, "login", len);
        break;
    case LIMIT_BY_SENDER:
        util_strlcpy(buf, "sender", len);
        break;
    case LIMIT_BY_CLIENT:
        if (def->prefix4 == 32 && def->prefix6 == 128)
            util_strlcpy(buf, "client", len);
        else
            snprintf(buf, len, "client/%d/%d", def->prefix4, def->prefix6);
        break;
    }
    return buf;
}

void
limit_detail(const struct rule *r, const struct facts *f, char *reason, size_t len)
{
    const struct limit_seen *s = f->limit_seen;
    char w[32], by[32];
    size_t i, n = strlen(reason);

    if (s == NULL || s->def == NULL || n >= len)
        return;
    for (i = 0; i < r->nconds; i++)
        if (r->conds[i].limit == s->def)
            break;
    if (i == r->nconds)
        return;
    /* the key came from the session: the decision line escapes the whole reason */
    if (strcmp(s->a.where, "overflow") == 0) { /* the count is the shared one, not the key's */
        snprintf(reason + n, len - n,
                 " (limit %s's table is full (%u keys): the shared overflow counter is at %llu "
                 "%s %llu %s per %s; %s=%.200s found no room)",
                 s->def->name, s->a.table_keys, s->a.count, s->a.over ? ">" : "<=", s->def->max,
                 s->def->count == LIMIT_MESSAGES ? "messages" : "recipients",
                 limit_window_text(s->def->window_ms, w, sizeof(w)),
                 limit_by_text(s->def, by, sizeof(by)), s->key);
        return;
    }
    snprintf(reason + n, len - n, " (limit %s: %llu %s %llu %s per %s, %s=%.200s, %s)",
             s->def->name, s->a.count, s->a.over ? ">" : "<=", s->def->max,
             s->def->count == LIMIT_MESSAGES ? "messages" : "recipients",
             limit_window_text(s->def->window_ms, w, sizeof(w)),
             limit_by_text(s->def, by, sizeof(by)), s->key, s->a.where);
}

void
limit_default_reply(const struct limit_def *def, int klass, char *buf, size_t len)
{
    char w[32];

    /* the enhanced code follows the action's class: 4.7.1 for tempfail, 5.7.1 for reject */
    snprintf(buf, len, "%d.7.1 limit %s reached: at most %llu %s per %s%s", klass, def->name,
             def->max, def->count == LIMIT_MESSAGES ? "messages" : "recipients",
             limit_window_text(def->window_ms, w, sizeof(w)),
             klass == 4 ? ", try again later" : "");
}

void
limit_def_free(struct limit_def *d)
{
    if (d == NULL)
        return;
    free(d->name);
    free(d);
}

/* ---- the table ---- */

/* The hash of a limit's identity and a key: the name, what it counts, over which window and
 * by what, so that a limit redefined on reload starts afresh instead of misreading buckets
 * (a new N alone keeps the counts: raising a limit must not forgive what was sent). */
static int
limit_hash(const struct limit_table *t, const struct limit_def *def, const char *key, size_t keylen,
           unsigned char out[16])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    char id[160];
    int idn, ok;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    idn = snprintf(id, sizeof(id), "%s%c%d/%d/%d/%d/%lld%c", def->name, 0, (int)def->count,
                   (int)def->by, def->prefix4, def->prefix6, def->window_ms, 0);
    if (ctx == NULL || idn < 0 || (size_t)idn >= sizeof(id)) {
        EVP_MD_CTX_free(ctx);
        return -1;
    }
    ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
         EVP_DigestUpdate(ctx, t->seed, sizeof(t->seed)) == 1 &&
         EVP_DigestUpdate(ctx, id, (size_t)idn) == 1 &&
         (key == NULL || EVP_DigestUpdate(ctx, key, keylen) == 1) &&
         EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen >= 16;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return -1;
    memcpy(out, md, 16);
    out[0] |= key == NULL; /* never all zero; the overflow id differs from every key's */
    return 0;
}

struct limit_table *
limit_table_new(unsigned max_keys, const unsigned char seed[16])
{
    struct limit_table *t;
    size_t slots = 16;

    if (max_keys < LIMIT_KEYS_MIN || max_keys > LIMIT_KEYS_MAX)
        return NULL;
    /* a third free at the most: linear probes stay short */
    while (slots < (size_t)max_keys + max_keys / 2)
        slots *= 2;
    if ((t = calloc(1, sizeof(*t))) == NULL)
        return NULL;
    if ((t->e = calloc(slots, sizeof(*t->e))) == NULL) {
        free(t);
        return NULL;
    }
    t->max_keys = max_keys;
    t->mask = slots - 1;
    t->last_sweep = -LIMIT_SWEEP_INTERVAL_MS;
    memcpy(t->seed, seed, sizeof(t->seed));
    return t;
}

void
limit_table_free(struct limit_table *t)
{
    if (t == NULL)
        return;
    free(t->e);
    free(t);
}

unsigned
limit_table_max_keys(const struct limit_table *t)
{
    return t->max_keys;
}

unsigned
limit_table_live(const struct limit_table *t)
{
    return t->live;
}

static size_t
limit_home(const struct limit_table *t, const unsigned char h[16])
{
    uint64_t v;

    memcpy(&v, h, sizeof(v));
    return (size_t)v & t->mask;
}

/* Backward-shift deletion: the entries after the hole that may move into it do, so probes
 * never need tombstones. */
static void
limit_delete(struct limit_table *t, size_t i)
{
    size_t j = i, k;

    for (;;) {
        j = (j + 1) & t->mask;
        if (!t->e[j].used)
            break;
        k = limit_home(t, t->e[j].h);
        if (i < j ? (k <= i || k > j) : (k <= i && k > j)) {
            t->e[i] = t->e[j];
            i = j;
        }
    }
    memset(&t->e[i], 0, sizeof(t->e[i]));
    t->live--;
}

/* Looks at up to n slots from the cursor (all of them when n is 0) and drops expired keys. */
static void
limit_sweep(struct limit_table *t, size_t n, long long now)
{
    size_t seen = 0, total = n ? n : t->mask + 1;

    while (seen < total) {
        struct limit_entry *e = &t->e[t->cursor];
        if (e->used && now >= e->expires) {
            limit_delete(t, t->cursor); /* another entry may have moved here: look again */
            continue;
        }
        seen++;
        t->cursor = (t->cursor + 1) & t->mask;
    }
}

/* Brings e's ring to bucket cur and returns the count in the window. */
static unsigned long long
limit_window(struct limit_entry *e, long long cur)
{
    unsigned long long sum = 0;
    long long s;
    int i;

    if (cur > e->last) {
        if (cur - e->last >= LIMIT_RING)
            memset(e->cnt, 0, sizeof(e->cnt));
        else
            for (s = e->last + 1; s <= cur; s++)
                e->cnt[s % LIMIT_RING] = 0;
        e->last = cur;
    }
    for (i = 0; i < LIMIT_RING; i++)
        sum += e->cnt[i];
    return sum;
}

static void
limit_count(struct limit_entry *e, const struct limit_def *def, unsigned n, long long now,
            struct limit_answer *a)
{
    long long bw = def->window_ms / LIMIT_BUCKETS, cur = now / bw;
    unsigned long long total = limit_window(e, cur);

    a->over = total + n > def->max;
    a->count = total + n;
    if (a->over)
        return; /* refused: it does not eat budget */
    e->cnt[cur % LIMIT_RING] += n;
    e->expires = (cur + LIMIT_RING) * bw;
}

static int
limit_overflow(struct limit_table *t, const struct limit_def *def, unsigned n, long long now,
               struct limit_answer *a)
{
    unsigned char h[16];
    size_t i, pick = 0;

    if (limit_hash(t, def, NULL, 0, h) == -1)
        return -1;
    for (i = 0; i < LIMIT_DEFS_MAX; i++)
        if (t->ovf[i].used && memcmp(t->ovf[i].h, h, 16) == 0)
            break;
    if (i == LIMIT_DEFS_MAX) { /* a free one, else the one that expires first */
        for (i = 0; i < LIMIT_DEFS_MAX; i++) {
            if (!t->ovf[i].used) {
                pick = i;
                break;
            }
            if (t->ovf[i].expires < t->ovf[pick].expires)
                pick = i;
        }
        i = pick;
        memset(&t->ovf[i], 0, sizeof(t->ovf[i]));
        memcpy(t->ovf[i].h, h, 16);
        t->ovf[i].used = 1;
        t->ovf[i].last = now / (def->window_ms / LIMIT_BUCKETS);
    }
    limit_count(&t->ovf[i], def, n, now, a);
    a->where = "overflow";
    a->table_keys = t->max_keys;
    return 0;
}

int
limit_table_take(struct limit_table *t, const struct limit_def *def, const char *key, size_t keylen,
                 unsigned n, long long now, struct limit_answer *a)
{
    unsigned char h[16];
    size_t i, reuse = SIZE_MAX;
    int pass;

    if (now < 0)
        now = 0;
    a->where = "local";
    a->table_keys = 0;
    if (limit_hash(t, def, key, keylen, h) == -1)
        return -1;
    limit_sweep(t, LIMIT_SWEEP_STEP, now);
    for (pass = 0; pass < 2; pass++) {
        for (i = limit_home(t, h); t->e[i].used; i = (i + 1) & t->mask) {
            if (memcmp(t->e[i].h, h, 16) == 0) {
                limit_count(&t->e[i], def, n, now, a);
                return 0;
            }
            if (reuse == SIZE_MAX && now >= t->e[i].expires)
                reuse = i;
        }
        if (reuse == SIZE_MAX && t->live < t->max_keys) {
            reuse = i;
            t->live++;
        }
        if (reuse != SIZE_MAX) {
            struct limit_entry *e = &t->e[reuse];
            memset(e, 0, sizeof(*e));
            memcpy(e->h, h, 16);
            e->used = 1;
            e->last = now / (def->window_ms / LIMIT_BUCKETS);
            limit_count(e, def, n, now, a);
            return 0;
        }
        /* Full of live keys: sweep the whole table, at most once a second, then look again. */
        if (pass == 1 || now - t->last_sweep < LIMIT_SWEEP_INTERVAL_MS)
            break;
        t->last_sweep = now;
        limit_sweep(t, 0, now);
    }
    return limit_overflow(t, def, n, now, a);
}

/* ---- one table per limit ---- */

struct limit_tables {
    unsigned max_keys;
    unsigned char seed[16];
    struct {
        char id[160]; /* the limit's identity, as limit_hash takes it; "" when free */
        struct limit_table *t;
        long long used; /* ms of the last take: the oldest goes when all are taken */
    } slot[LIMIT_TABLES_MAX];
};

struct limit_tables *
limit_tables_new(unsigned max_keys, const unsigned char seed[16])
{
    struct limit_tables *ts;

    if (max_keys < LIMIT_KEYS_MIN || max_keys > LIMIT_KEYS_MAX)
        return NULL;
    if ((ts = calloc(1, sizeof(*ts))) == NULL)
        return NULL;
    ts->max_keys = max_keys;
    memcpy(ts->seed, seed, sizeof(ts->seed));
    return ts;
}

void
limit_tables_free(struct limit_tables *ts)
{
    if (ts == NULL)
        return;
    for (size_t i = 0; i < LIMIT_TABLES_MAX; i++)
        limit_table_free(ts->slot[i].t);
    free(ts);
}

unsigned
limit_tables_max_keys(const struct limit_tables *ts)
{
    return ts->max_keys;
}

static int
limit_tables_id(const struct limit_def *def, char *id, size_t len)
{
    int n = snprintf(id, len, "%s/%d/%d/%d/%d/%lld", def->name, (int)def->count, (int)def->by,
                     def->prefix4, def->prefix6, def->window_ms);

    return n < 0 || (size_t)n >= len ? -1 : 0;
}

static struct limit_table *
limit_tables_find(const struct limit_tables *ts, const char *id)
{
    for (size_t i = 0; i < LIMIT_TABLES_MAX; i++)
        if (ts->slot[i].t != NULL && strcmp(ts->slot[i].id, id) == 0)
            return ts->slot[i].t;
    return NULL;
}

unsigned
limit_tables_live(const struct limit_tables *ts, const struct limit_def *def)
{
    char id[sizeof(ts->slot[0].id)];
    const struct limit_table *t;

    if (limit_tables_id(def, id, sizeof(id)) == -1 || (t = limit_tables_find(ts, id)) == NULL)
        return 0;
    return t->live;
}

int
limit_tables_take(struct limit_tables *ts, const struct limit_def *def, const char *key,
                  size_t keylen, unsigned n, long long now_ms, struct limit_answer *a)
{
    char id[sizeof(ts->slot[0].id)];
    size_t i, pick = 0;

    if (limit_tables_id(def, id, sizeof(id)) == -1)
        return -1;
    for (i = 0; i < LIMIT_TABLES_MAX; i++)
        if (ts->slot[i].t != NULL && strcmp(ts->slot[i].id, id) == 0)
            break;
    if (i == LIMIT_TABLES_MAX) { /* a free slot, else the one used longest ago */
        for (i = 0; i < LIMIT_TABLES_MAX; i++) {
            if (ts->slot[i].t == NULL) {
                pick = i;
                break;
            }
            if (ts->slot[i].used < ts->slot[pick].used)
                pick = i;
        }
        i = pick;
        limit_table_free(ts->slot[i].t);
        ts->slot[i].t = limit_table_new(ts->max_keys, ts->seed);
        if (ts->slot[i].t == NULL)
            return -1;
        util_strlcpy(ts->slot[i].id, id, sizeof(ts->slot[i].id));
    }
    ts->slot[i].used = now_ms;
    return limit_table_take(ts->slot[i].t, def, key, keylen, n, now_ms, a);
}

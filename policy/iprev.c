/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * iprev.c - the iprev cache (see iprev.h). A hash of address -> verdict and expiry, behind a
 * mutex: lookups are rare next to the SMTP traffic they save, so one lock is enough.
 */
#include "iprev.h"
#include "strset.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct iprev_entry {
    long long expires_ms;
    struct rdns_result r;
};

struct iprev_cache {
    pthread_mutex_t mu;
    struct strset map; /* address -> struct iprev_entry * */
};

struct iprev_cache *
iprev_cache_new(void)
{
    struct iprev_cache *c = calloc(1, sizeof(*c));

    if (c == NULL)
        return NULL;
    pthread_mutex_init(&c->mu, NULL);
    strset_init(&c->map);
    return c;
}

void
iprev_cache_free(struct iprev_cache *c)
{
    if (c == NULL)
        return;
    strset_free(&c->map, free);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

size_t
iprev_cache_len(struct iprev_cache *c)
{
    size_t n;

    pthread_mutex_lock(&c->mu);
    n = c->map.len;
    pthread_mutex_unlock(&c->mu);
    return n;
}

static int
iprev_cache_get(struct iprev_cache *c, const char *addr, long long now, struct rdns_result *r)
{
    struct strset_entry *e;
    int hit = 0;

    pthread_mutex_lock(&c->mu);
    e = strset_get(&c->map, addr);
    if (e != NULL && ((struct iprev_entry *)e->value)->expires_ms > now) {
        *r = ((struct iprev_entry *)e->value)->r;
        hit = 1;
    }
    pthread_mutex_unlock(&c->mu);
    return hit;
}

/* Full: keep the live entries if that frees room, else start again. strset has no delete,
 * so the live ones are copied into a fresh set. */
static void
iprev_cache_prune(struct iprev_cache *c, long long now)
{
    struct strset fresh;
    size_t i;

    strset_init(&fresh);
    for (i = 0; i < c->map.cap; i++) {
        struct strset_entry *e = &c->map.slots[i];
        struct iprev_entry *v = e->value;
        if (e->key == NULL)
            continue;
        if (v->expires_ms > now && fresh.len < IPREV_CACHE_MAX / 2 &&
            strset_add(&fresh, e->key, v) == 1)
            e->value = NULL; /* moved */
    }
    strset_free(&c->map, free);
    c->map = fresh;
}

static void
iprev_cache_put(struct iprev_cache *c, const char *addr, long long expires,
                const struct rdns_result *r, long long now)
{
    struct strset_entry *e;
    struct iprev_entry *v;

    pthread_mutex_lock(&c->mu);
    if ((e = strset_get(&c->map, addr)) != NULL) {
        v = e->value;
    } else {
        if (c->map.len >= IPREV_CACHE_MAX)
            iprev_cache_prune(c, now);
        if ((v = malloc(sizeof(*v))) != NULL && strset_add(&c->map, addr, v) != 1) {
            free(v);
            v = NULL;
        }
    }
    if (v != NULL) {
        v->expires_ms = expires;
        v->r = *r;
    }
    pthread_mutex_unlock(&c->mu);
}

int
iprev_lookup(const struct env *env, const char *addr, const struct iprev_settings *cfg,
             int cache_secs, struct rdns_result *r, char *why, size_t whylen)
{
    long long now = env->now_ms != NULL ? env->now_ms(env->ctx) : 0;

    if (env->iprev == NULL) {
        util_errf(why, whylen, "no resolver");
        return -1;
    }
    if (env->cache != NULL && cache_secs > 0 && iprev_cache_get(env->cache, addr, now, r))
        return 0;
    if (env->iprev(env->ctx, addr, cfg, r, why, whylen) == -1)
        return -1;
    /* Only answers are kept: a SERVFAIL or a timeout says nothing about the next try. */
    if (env->cache != NULL && cache_secs > 0 &&
        (r->verdict == RDNS_PASS || r->verdict == RDNS_UNVERIFIED))
        iprev_cache_put(env->cache, addr, now + (long long)cache_secs * 1000, r, now);
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * env_milter.c - the environment the daemon and the trial give the policy library.
 */
#include "env_milter.h"
#include "dns.h"
#include "geoip_db.h" /* geoip */
#include "iprev.h"
#include "limits.h"
#include "stats.h"

#include <time.h>

static long long
env_now_ms(void *ctx)
{
    struct timespec ts;

    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
env_iprev(void *ctx, const char *addr, const struct iprev_settings *cfg, struct rdns_result *r,
          char *why, size_t whylen)
{
    struct dns_config dc;
    long long t0 = env_now_ms(NULL);

    (void)ctx;
    (void)why;
    (void)whylen;
    dc.server = cfg->server;
    dc.timeout_ms = cfg->timeout_ms;
    dns_iprev(addr, &dc, r);
    stats_lookup(env_now_ms(NULL) - t0, r->verdict == RDNS_FAILED || r->verdict == RDNS_TEMPERROR);
    return 0;
}

/* geoip: the lookup, counted per database kind and result */
static int
env_geoip(void *ctx, const struct geoip_rules *g, const struct netaddr *a, struct geoip_result *r,
          char *why, size_t whylen)
{
    enum geoip_db_found found[2];
    int rc, k;

    (void)ctx;
    rc = geoip_db_lookup_found(g, a, r, found, why, whylen);
    for (k = GEOIP_COUNTRY; k <= GEOIP_ASN; k++)
        if (found[k] != GEOIP_DB_NOT_ASKED)
            stats_geoip_lookup(geoip_kind_name((enum geoip_kind)k), geoip_db_found_name(found[k]));
    return rc;
}

/* hygiene: the time of day for the Date and Message-ID that fix adds */
static long long
env_wall_us(void *ctx)
{
    struct timespec ts;

    (void)ctx;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static struct env env_real = {.now_ms = env_now_ms, .iprev = env_iprev, .wall_us = env_wall_us};

int
env_milter_init(void)
{
    if (dns_init() == -1 || (env_real.cache = iprev_cache_new()) == NULL)
        return -1;
    { /* limits (rate limits): the counters every session shares */
        char err[200];
        if (limits_init(err, sizeof(err)) == -1)
            return -1;
        env_real.limits = limits_store();
    }
    env_real.geoip = env_geoip; /* geoip */
    return 0;
}

const struct env *
env_milter(void)
{
    return &env_real;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * env.h - what the policy library needs from the world, injected: the clock and the iprev
 * lookup (and, later, GeoIP databases and counter stores). The daemon and the trial pass the
 * real ones (milter/), unit tests pass fakes, so cache expiry, timeouts and failures are
 * tested without sleeping and without a network.
 */
#ifndef RW_ENV_H
#define RW_ENV_H

#include "limit.h"
#include "rdns.h"
#include "geoip.h" /* geoip */
#include "list.h"  /* geoip: struct netaddr */

#include <stddef.h>

/* How the iprev lookup is to be made: from the rules' rdns statement. */
struct iprev_settings {
    const char *server; /* "IP" or "IP:port", NULL for the system resolver */
    int timeout_ms;     /* for the whole lookup */
};

struct iprev_cache;

struct env {
    void *ctx;
    /* now_ms - a monotonic clock, in milliseconds. */
    long long (*now_ms)(void *ctx);
    /* iprev - the forward-confirmed reverse DNS of the numeric address addr. Fills r and
     * returns 0 (DNS trouble is a verdict: failed, temperror), or -1 with why when no lookup
     * could be made at all (out of memory, no resolver). NULL: no lookups. */
    int (*iprev)(void *ctx, const char *addr, const struct iprev_settings *cfg,
                 struct rdns_result *r, char *why, size_t whylen);
    struct iprev_cache *cache; /* shared by every session, or NULL */
    /* limits (rate limits): the counters every session shares (limit.h), or NULL */
    const struct limit_store *limits;
    /* geoip - the country and ASN of client a in the databases the loader opened for the
     * session's ruleset (g->handle). Fills r ("" / 0: unknown) and returns 0, or -1 with why
     * when a database could not be read. NULL: every client is unknown. Called once per
     * connection, only when the rules name a database. */
    int (*geoip)(void *ctx, const struct geoip_rules *g, const struct netaddr *a,
                 struct geoip_result *r, char *why, size_t whylen);
    /* hygiene: wall_us - the time of day in microseconds since the epoch, for the Date and
     * Message-ID that fix adds. NULL: fix cannot add them (an internal error). */
    long long (*wall_us)(void *ctx);
};

#endif

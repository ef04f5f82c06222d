/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * iprev.h - iprev verdicts through a cache shared by all connections: a client that connects
 * again within the cache time costs no DNS query. The lookup and the clock come from the
 * environment (env.h). Failures and timeouts are not cached: the next connection may get an
 * answer.
 */
#ifndef RW_IPREV_H
#define RW_IPREV_H

#include "env.h"

/* Verdicts cached at most; when full, expired entries are dropped, and if none has expired
 * the cache is emptied: memory stays bounded whatever the clients do. */
#define IPREV_CACHE_MAX 16384

/* iprev_cache_new - an empty cache (NULL when out of memory). iprev_cache_free - releases it. */
struct iprev_cache *iprev_cache_new(void);
void iprev_cache_free(struct iprev_cache *c);
/* iprev_cache_len - entries held now (for tests). */
size_t iprev_cache_len(struct iprev_cache *c);

/*
 * iprev_lookup - the verdict for addr: from env's cache when it holds an entry younger than
 * cache_secs, else from env->iprev (stored when it is an answer, pass or
 * unverified: a SERVFAIL or a timeout is not). 0, or -1 with why when
 * no lookup could be made. Thread-safe: the cache has a lock of its own.
 */
int iprev_lookup(const struct env *env, const char *addr, const struct iprev_settings *cfg,
                 int cache_secs, struct rdns_result *r, char *why, size_t whylen);

#endif

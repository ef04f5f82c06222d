/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dns.h - relaywarden's own forward-confirmed reverse DNS lookup, for when the MTA gives no
 * {client_resolve}: PTR of the client address, then A/AAAA of that name, compared with the
 * address. Bounded by a deadline; runs in the connection's own thread, so a slow resolver
 * delays only that connection. The verdict cache is policy/iprev.c, fed through the
 * environment (env_milter.c).
 */
#ifndef RW_DNS_H
#define RW_DNS_H

#include "rdns.h"

struct dns_config {
    const char *server; /* "IP" or "IP:port", NULL for the system resolver */
    int timeout_ms;     /* for the whole lookup, both steps */
};

/* dns_init - once, before threads: initializes c-ares. 0 / -1. */
int dns_init(void);
/* dns_iprev - fills r for the numeric address addr; never fails (errors become a verdict). */
void dns_iprev(const char *addr, const struct dns_config *cfg, struct rdns_result *r);

#endif

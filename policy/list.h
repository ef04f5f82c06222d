/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * list.h - the named lists of the rules language: domains (exact, *.wildcard, [literal]),
 * networks (IPv4/IPv6 CIDR), logins (exact or glob), senders (login -> owned addresses), and for
 * content screening keywords (phrases, matched by the keyword scanner), names (file names,
 * extensions, media types and true types: exact or glob, case-insensitive) and hashes (SHA-256).
 * Every lookup is a hash probe or a small fixed number of them (plus one fnmatch per glob), so
 * lists of 100,000 entries cost nothing at SMTP time.
 */
#ifndef RW_LIST_H
#define RW_LIST_H

#include "senders.h"
#include "strset.h"

#include <stddef.h>

enum list_type {
    LIST_DOMAINS,
    LIST_NETWORKS,
    LIST_LOGINS,
    LIST_SENDERS,
    LIST_KEYWORDS,
    LIST_NAMES,
    LIST_HASHES,
    /* geoip (geoip.c) */
    LIST_COUNTRIES,
    LIST_ASNS,
    LIST_LOGINS_FROM,
};

struct netaddr {
    int family; /* AF_INET or AF_INET6 */
    unsigned char bytes[16];
};

struct list {
    char *name; /* NULL for an inline list */
    enum list_type type;
    const char *file; /* where it was defined */
    int line;
    size_t count;
    struct strset exact; /* domains, logins; networks keyed by masked address */
    struct strset wild;  /* domains: parents named by *.parent */
    char **patterns;     /* logins and names with glob characters; keywords: every phrase */
    size_t npatterns;
    int word;            /* keywords: match whole words only */
    int kw_index;        /* keywords: the list's number among the ruleset's keyword lists */
    unsigned char v4len[33];  /* networks: which IPv4 prefix lengths occur */
    unsigned char v6len[129]; /* ... and IPv6 */
    struct senders senders;   /* senders: login -> owned addresses */
    /* geoip: countries and asns keep their items in exact; logins-from its logins here
     * (struct geoip_logins, geoip.c), NULL until the first */
    void *geo;
};

struct list *list_new(const char *name, enum list_type type, const char *file, int line);
void list_free(struct list *l);
const char *list_type_name(enum list_type type);

/* list_add - validate one item and add it; 0, or -1 with a message in err. */
int list_add(struct list *l, const char *item, char *err, size_t errlen);

/* Matchers: 1 match, 0 no match. */
int list_match_domain(const struct list *l, const char *domain);
int list_match_net(const struct list *l, const struct netaddr *a);
int list_match_login(const struct list *l, const char *login);
/* list_match_name - name (UTF-8) against a names list, case-insensitively: -1 out of memory. */
int list_match_name(const struct list *l, const char *name);
/* list_first_item - the first item of a names list for which bad(item) is 1 (exact items and
 * globs alike, as stored: case-folded), or NULL: for rules that check what a list holds. */
const char *list_first_item(const struct list *l, int (*bad)(const char *item));
/* list_match_hash - a SHA-256 in hex (any case) against a hashes list. */
int list_match_hash(const struct list *l, const char *hex);

/* netaddr_parse - parse a numeric IPv4/IPv6 address (an "IPv6:" prefix is allowed); 0 / -1. */
int netaddr_parse(const char *s, struct netaddr *a);

#endif

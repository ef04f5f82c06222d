/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * list.c - storage and lookup for named lists. Items are validated on the way in so that a
 * typo in a rules file is an error with a line number, never a silent non-match at SMTP time.
 */
#include "list.h"
#include "addr.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest list item we accept: a domain is at most 255, a login has no RFC limit but nothing
 * legitimate comes near 512 octets. */
#define LIST_ITEM_MAX 512

struct list *
list_new(const char *name, enum list_type type, const char *file, int line)
{
    struct list *l = calloc(1, sizeof(*l));

    if (l == NULL)
        return NULL;
    if (name != NULL && (l->name = strdup(name)) == NULL) {
        free(l);
        return NULL;
    }
    l->type = type;
    l->file = file;
    l->line = line;
    strset_init(&l->exact);
    strset_init(&l->wild);
    senders_init(&l->senders);
    return l;
}

void
list_free(struct list *l)
{
    size_t i;

    if (l == NULL)
        return;
    strset_free(&l->exact, NULL);
    strset_free(&l->wild, NULL);
    senders_free(&l->senders);
    for (i = 0; i < l->npatterns; i++)
        free(l->patterns[i]);
    free(l->patterns);
    free(l->name);
    free(l);
}

const char *
list_type_name(enum list_type type)
{
    switch (type) {
    case LIST_DOMAINS:
        return "domains";
    case LIST_NETWORKS:
        return "networks";
    case LIST_LOGINS:
        return "logins";
    case LIST_SENDERS:
        return "senders";
    }
    return "?";
}

int
netaddr_parse(const char *s, struct netaddr *a)
{
    memset(a, 0, sizeof(*a));
    if (strncasecmp(s, "IPv6:", 5) == 0)
        s += 5;
    if (inet_pton(AF_INET, s, a->bytes) == 1) {
        a->family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, s, a->bytes) == 1) {
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        a->family = AF_INET6;
        /* ::ffff:192.0.2.1 is an IPv4 client on a dual-stack socket: match it as IPv4. */
        if (memcmp(a->bytes, mapped, sizeof(mapped)) == 0) {
            memmove(a->bytes, a->bytes + 12, 4);
            memset(a->bytes + 4, 0, 12);
            a->family = AF_INET;
        }
        return 0;
    }
    return -1;
}

/* Key for a network: family, prefix length and the masked address bytes, hex encoded. */
static void
list_net_key(char *key, size_t keylen, const struct netaddr *a, int plen)
{
    int nbytes = a->family == AF_INET ? 4 : 16, i, o;

    o = snprintf(key, keylen, "%c%d/", a->family == AF_INET ? '4' : '6', plen);
    for (i = 0; i < nbytes && (size_t)o + 3 < keylen; i++) {
        int bits = plen - i * 8;
        unsigned char m = bits >= 8 ? 0xff : bits <= 0 ? 0 : (unsigned char)(0xff << (8 - bits));
        o += snprintf(key + o, keylen - (size_t)o, "%02x", a->bytes[i] & m);
    }
}

static int
list_add_net(struct list *l, const char *item, char *err, size_t errlen)
{
    char buf[LIST_ITEM_MAX], key[64], *slash, *end;
    struct netaddr a;
    long plen;
    int max, i, r;

    util_strlcpy(buf, item, sizeof(buf));
    slash = strchr(buf, '/');
    if (slash != NULL)
        *slash = '\0';
    if (netaddr_parse(buf, &a) == -1) {
        util_errf(err, errlen, "bad network \"%.100s\": not an IPv4 or IPv6 address", item);
        return -1;
    }
    max = a.family == AF_INET ? 32 : 128;
    plen = max;
    if (slash != NULL) {
        errno = 0;
        plen = strtol(slash + 1, &end, 10);
        if (slash[1] == '\0' || *end != '\0' || errno != 0 || plen < 0 || plen > max) {
            util_errf(err, errlen, "bad network \"%.100s\": prefix length must be 0-%d", item, max);
            return -1;
        }
    }
    for (i = 0; i < max / 8; i++) {
        int bits = (int)plen - i * 8;
        unsigned char m = bits >= 8 ? 0xff : bits <= 0 ? 0 : (unsigned char)(0xff << (8 - bits));
        if (a.bytes[i] & ~m) {
            util_errf(err, errlen,
                      "bad network \"%.100s\": address has bits set past the /%ld prefix", item,
                      plen);
            return -1;
        }
    }
    list_net_key(key, sizeof(key), &a, (int)plen);
    if ((r = strset_add(&l->exact, key, NULL)) == -1)
        goto oom;
    if (a.family == AF_INET)
        l->v4len[plen] = 1;
    else
        l->v6len[plen] = 1;
    l->count += (size_t)r;
    return 0;
oom:
    util_errf(err, errlen, "out of memory");
    return -1;
}

static int
list_add_domain(struct list *l, const char *item, char *err, size_t errlen)
{
    char buf[LIST_ITEM_MAX];
    int wild = strncmp(item, "*.", 2) == 0, r;
    size_t n;

    util_strlcpy(buf, wild ? item + 2 : item, sizeof(buf));
    n = strlen(buf);
    if (n > 1 && buf[n - 1] == '.' && buf[0] != '[')
        buf[n - 1] = '\0';
    util_lower(buf);
    if (!addr_domain_valid(buf) || (wild && buf[0] == '[')) {
        size_t i;

        for (i = 0; item[i] != '\0' && (unsigned char)item[i] < 0x80; i++)
            ;
        util_errf(err, errlen, "bad domain \"%.100s\"%s", item,
                  item[i] != '\0' ? ": write an internationalized domain in punycode (xn--...)"
                                  : "");
        return -1;
    }
    r = strset_add(wild ? &l->wild : &l->exact, buf, NULL);
    if (r == -1) {
        util_errf(err, errlen, "out of memory");
        return -1;
    }
    l->count += (size_t)r;
    return 0;
}

static int
list_add_login(struct list *l, const char *item, char *err, size_t errlen)
{
    char buf[LIST_ITEM_MAX];
    const unsigned char *p;
    int r;

    if (item[0] == '\0' || strlen(item) >= sizeof(buf)) {
        util_errf(err, errlen, "bad login \"%.100s\": empty or too long", item);
        return -1;
    }
    for (p = (const unsigned char *)item; *p; p++)
        if (*p < 0x21 || *p == 0x7f) {
            util_errf(err, errlen, "bad login \"%.100s\": space or control character", item);
            return -1;
        }
    util_strlcpy(buf, item, sizeof(buf));
    util_lower(buf);
    if (strpbrk(buf, "*?[") != NULL) {
        char **n = realloc(l->patterns, (l->npatterns + 1) * sizeof(*n));
        if (n == NULL)
            goto oom;
        l->patterns = n;
        if ((n[l->npatterns] = strdup(buf)) == NULL)
            goto oom;
        l->npatterns++;
        l->count++;
        return 0;
    }
    if ((r = strset_add(&l->exact, buf, NULL)) == -1)
        goto oom;
    l->count += (size_t)r;
    return 0;
oom:
    util_errf(err, errlen, "out of memory");
    return -1;
}

int
list_add(struct list *l, const char *item, char *err, size_t errlen)
{
    switch (l->type) {
    case LIST_DOMAINS:
        return list_add_domain(l, item, err, errlen);
    case LIST_NETWORKS:
        return list_add_net(l, item, err, errlen);
    case LIST_LOGINS:
        return list_add_login(l, item, err, errlen);
    case LIST_SENDERS:
        if (senders_add_line(&l->senders, item, err, errlen) == -1)
            return -1;
        l->count++;
        return 0;
    }
    return -1;
}

int
list_match_domain(const struct list *l, const char *domain)
{
    const char *p;

    if (l->type != LIST_DOMAINS)
        return 0;
    if (strset_get(&l->exact, domain) != NULL)
        return 1;
    if (domain[0] == '[' || l->wild.len == 0)
        return 0;
    /* *.example.net: any strict parent of the domain may carry the wildcard. */
    for (p = strchr(domain, '.'); p != NULL; p = strchr(p + 1, '.'))
        if (strset_get(&l->wild, p + 1) != NULL)
            return 1;
    return 0;
}

int
list_match_net(const struct list *l, const struct netaddr *a)
{
    const unsigned char *lens = a->family == AF_INET ? l->v4len : l->v6len;
    int max = a->family == AF_INET ? 32 : 128, plen;
    char key[64];

    if (l->type != LIST_NETWORKS || (a->family != AF_INET && a->family != AF_INET6))
        return 0;
    for (plen = max; plen >= 0; plen--) {
        if (!lens[plen])
            continue;
        list_net_key(key, sizeof(key), a, plen);
        if (strset_get(&l->exact, key) != NULL)
            return 1;
    }
    return 0;
}

int
list_match_login(const struct list *l, const char *login)
{
    char small[LIST_ITEM_MAX], *buf = small;
    size_t i, n = strlen(login);
    int hit = 0;

    if (l->type != LIST_LOGINS)
        return 0;
    /* A login longer than any list item is still matched whole against the globs: "app-*"
     * must take "app-" and a kilobyte after it. */
    if (n >= sizeof(small) && (buf = strdup(login)) == NULL)
        buf = (char *)login; /* out of memory: match it as it is, case and all */
    else
        memcpy(buf, login, n + 1);
    if (buf != login)
        util_lower(buf);
    hit = strset_get(&l->exact, buf) != NULL;
    for (i = 0; !hit && i < l->npatterns; i++)
        hit = fnmatch(l->patterns[i], buf, 0) == 0;
    if (buf != small && buf != login)
        free(buf);
    return hit;
}

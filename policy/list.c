/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * list.c - storage and lookup for named lists. Items are validated on the way in so that a
 * typo in a rules file is an error with a line number, never a silent non-match at SMTP time.
 */
#include "list.h"
#include "addr.h"
#include "geoip.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unistr.h>

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
    geoip_list_free(l); /* geoip */
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
    case LIST_KEYWORDS:
        return "keywords";
    case LIST_NAMES:
        return "names";
    case LIST_HASHES:
        return "hashes";
    /* geoip */
    case LIST_COUNTRIES:
        return "countries";
    case LIST_ASNS:
        return "asns";
    case LIST_LOGINS_FROM:
        return "logins-from";
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
        util_errf(err, errlen, "bad network \"%s\": not an IPv4 or IPv6 address",
                  UTIL_ERRTOK(item));
        return -1;
    }
    max = a.family == AF_INET ? 32 : 128;
    plen = max;
    if (slash != NULL && a.family == AF_INET && strchr(buf, ':') != NULL) {
        /* ::ffff:a.b.c.d is read as IPv4 (a mapped client is matched as one), so its prefix
         * length is not IPv4's: say what to write instead of "0-32" */
        char v4[INET_ADDRSTRLEN] = "?";
        errno = 0;
        plen = strtol(slash + 1, &end, 10);
        inet_ntop(AF_INET, a.bytes, v4, sizeof(v4));
        if (slash[1] == '\0' || *end != '\0' || errno != 0 || plen < 96 || plen > 128)
            util_errf(err, errlen,
                      "bad network \"%.100s\": an IPv4-mapped network takes a prefix length of "
                      "96-128, and is better written as IPv4",
                      item);
        else
            util_errf(err, errlen,
                      "bad network \"%.100s\": an IPv4-mapped network is IPv4 (a mapped client is "
                      "matched as one): write it as %s/%ld",
                      item, v4, plen - 96);
        return -1;
    }
    if (slash != NULL) {
        errno = 0;
        plen = strtol(slash + 1, &end, 10);
        if (slash[1] == '\0' || *end != '\0' || errno != 0 || plen < 0 || plen > max) {
            util_errf(err, errlen, "bad network \"%s\": prefix length must be 0-%d",
                      UTIL_ERRTOK(item), max);
            return -1;
        }
    }
    for (i = 0; i < max / 8; i++) {
        int bits = (int)plen - i * 8;
        unsigned char m = bits >= 8 ? 0xff : bits <= 0 ? 0 : (unsigned char)(0xff << (8 - bits));
        if (a.bytes[i] & ~m) {
            util_errf(err, errlen, "bad network \"%s\": address has bits set past the /%ld prefix",
                      UTIL_ERRTOK(item), plen);
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
        util_errf(err, errlen, "bad domain \"%s\"%s", UTIL_ERRTOK(item),
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
        util_errf(err, errlen, "bad login \"%s\": empty or too long", UTIL_ERRTOK(item));
        return -1;
    }
    for (p = (const unsigned char *)item; *p; p++)
        if (*p < 0x21 || *p == 0x7f) {
            util_errf(err, errlen, "bad login \"%s\": space or control character",
                      UTIL_ERRTOK(item));
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

/* Case-folds UTF-8 text for the names lists (items and the names tested alike): a fresh
 * string, or NULL when memory runs out or the text is not UTF-8 (then folded as ASCII). */
static char *
list_fold(const char *s)
{
    size_t n = strlen(s), outlen = 0;
    uint8_t *o;
    char *r;

    if (u8_check((const uint8_t *)s, n) == NULL &&
        (o = u8_tolower((const uint8_t *)s, n, NULL, NULL, NULL, &outlen)) != NULL) {
        if ((r = malloc(outlen + 1)) != NULL) {
            memcpy(r, o, outlen);
            r[outlen] = '\0';
        }
        free(o);
        return r;
    }
    if ((r = strdup(s)) != NULL)
        util_lower(r);
    return r;
}

static int
list_add_pattern(struct list *l, char *item)
{
    char **n = realloc(l->patterns, (l->npatterns + 1) * sizeof(*n));

    if (n == NULL)
        return -1;
    l->patterns = n;
    n[l->npatterns++] = item;
    l->count++;
    return 0;
}

/* A text item: not empty, no control characters, at most LIST_ITEM_MAX bytes. */
static int
list_text_ok(const struct list *l, const char *item, char *err, size_t errlen)
{
    const unsigned char *p;

    if (item[0] == '\0' || strlen(item) >= LIST_ITEM_MAX) {
        util_errf(err, errlen, "bad %s item \"%s\": empty or longer than %d bytes",
                  list_type_name(l->type), UTIL_ERRTOK(item), LIST_ITEM_MAX - 1);
        return -1;
    }
    for (p = (const unsigned char *)item; *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            util_errf(err, errlen, "bad %s item \"%s\": control character", list_type_name(l->type),
                      UTIL_ERRTOK(item));
            return -1;
        }
    return 0;
}

/* A keyword: a phrase. Runs of white space are one space, as in the text it is matched
 * against (a line break or two spaces between words do not hide a phrase). */
static int
list_add_keyword(struct list *l, const char *item, char *err, size_t errlen)
{
    char *k;
    size_t o = 0;

    if (list_text_ok(l, item, err, errlen) == -1)
        return -1;
    if ((k = malloc(strlen(item) + 1)) == NULL)
        goto oom;
    for (const char *p = item + strspn(item, " \t"); *p; p++) {
        if (*p == ' ' || *p == '\t') {
            if (o > 0 && k[o - 1] != ' ')
                k[o++] = ' ';
            continue;
        }
        k[o++] = *p;
    }
    while (o > 0 && k[o - 1] == ' ')
        o--;
    k[o] = '\0';
    if (o == 0) {
        free(k);
        util_errf(err, errlen, "bad keyword \"%s\": only white space", UTIL_ERRTOK(item));
        return -1;
    }
    if (list_add_pattern(l, k) == -1) {
        free(k);
        goto oom;
    }
    return 0;
oom:
    util_errf(err, errlen, "out of memory");
    return -1;
}

/* A name: exact or a glob (*, ?, [...]), compared case-folded. */
static int
list_add_name(struct list *l, const char *item, char *err, size_t errlen)
{
    char *f;
    int r;

    if (list_text_ok(l, item, err, errlen) == -1)
        return -1;
    if ((f = list_fold(item)) == NULL)
        goto oom;
    if (strpbrk(f, "*?[") != NULL) {
        if (list_add_pattern(l, f) == -1) {
            free(f);
            goto oom;
        }
        return 0;
    }
    r = strset_add(&l->exact, f, NULL);
    free(f);
    if (r == -1)
        goto oom;
    l->count += (size_t)r;
    return 0;
oom:
    util_errf(err, errlen, "out of memory");
    return -1;
}

/* A SHA-256 digest: 64 hex digits, any case. */
static int
list_add_hash(struct list *l, const char *item, char *err, size_t errlen)
{
    char buf[65];
    int r;

    if (strlen(item) != 64 || strspn(item, "0123456789abcdefABCDEF") != 64) {
        util_errf(err, errlen, "bad hash \"%s\": a SHA-256 is 64 hex digits", UTIL_ERRTOK(item));
        return -1;
    }
    memcpy(buf, item, sizeof(buf));
    util_lower(buf);
    if ((r = strset_add(&l->exact, buf, NULL)) == -1) {
        util_errf(err, errlen, "out of memory");
        return -1;
    }
    l->count += (size_t)r;
    return 0;
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
    case LIST_KEYWORDS:
        return list_add_keyword(l, item, err, errlen);
    case LIST_NAMES:
        return list_add_name(l, item, err, errlen);
    case LIST_HASHES:
        return list_add_hash(l, item, err, errlen);
    /* geoip */
    case LIST_COUNTRIES:
    case LIST_ASNS:
    case LIST_LOGINS_FROM:
        return geoip_list_add(l, item, err, errlen);
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

int
list_match_name(const struct list *l, const char *name)
{
    char *f;
    size_t i;
    int hit;

    if (l->type != LIST_NAMES)
        return 0;
    if ((f = list_fold(name)) == NULL)
        return -1;
    hit = strset_get(&l->exact, f) != NULL;
    for (i = 0; !hit && i < l->npatterns; i++)
        hit = fnmatch(l->patterns[i], f, 0) == 0;
    free(f);
    return hit;
}

int
list_match_hash(const struct list *l, const char *hex)
{
    char buf[65];

    if (l->type != LIST_HASHES || strlen(hex) != 64)
        return 0;
    memcpy(buf, hex, sizeof(buf));
    util_lower(buf);
    return strset_get(&l->exact, buf) != NULL;
}

const char *
list_first_item(const struct list *l, int (*bad)(const char *item))
{
    size_t i;

    for (i = 0; i < l->exact.cap; i++)
        if (l->exact.slots[i].key != NULL && bad(l->exact.slots[i].key))
            return l->exact.slots[i].key;
    for (i = 0; i < l->npatterns; i++)
        if (bad(l->patterns[i]))
            return l->patterns[i];
    return NULL;
}

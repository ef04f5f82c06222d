/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * senders.c - the login -> owned addresses table. Exact logins are hashed, so 100,000 lines
 * load in a fraction of a second and a lookup is one probe plus the (few) login globs.
 */
#include "senders.h"
#include "addr.h"
#include "util.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest entry line we accept; nothing legitimate comes near it. */
#define SENDERS_LINE_MAX 4096

struct senders_owned {
    struct strset addrs;   /* "local@domain" (domain lower case; local as the options say) */
    struct strset domains; /* "domain" for @domain entries */
    char **globs;          /* address globs, matched against "local@domain" */
    size_t nglobs;
};

void
senders_init(struct senders *s)
{
    memset(s, 0, sizeof(*s));
    strset_init(&s->logins);
}

static void
senders_owned_free(void *v)
{
    struct senders_owned *o = v;
    size_t i;

    if (o == NULL)
        return;
    strset_free(&o->addrs, NULL);
    strset_free(&o->domains, NULL);
    for (i = 0; i < o->nglobs; i++)
        free(o->globs[i]);
    free(o->globs);
    free(o);
}

void
senders_free(struct senders *s)
{
    size_t i;

    strset_free(&s->logins, senders_owned_free);
    for (i = 0; i < s->nglobs; i++) {
        free(s->globs[i].pattern);
        senders_owned_free(s->globs[i].owned);
    }
    free(s->globs);
    s->globs = NULL;
    s->nglobs = 0;
}

static struct senders_owned *
senders_owned_for(struct senders *s, const char *login)
{
    struct strset_entry *e;
    struct senders_owned *o;
    size_t i;

    if (strpbrk(login, "*?[") == NULL) {
        if ((e = strset_get(&s->logins, login)) != NULL)
            return e->value;
    } else {
        for (i = 0; i < s->nglobs; i++)
            if (strcmp(s->globs[i].pattern, login) == 0)
                return s->globs[i].owned;
    }
    if ((o = calloc(1, sizeof(*o))) == NULL)
        return NULL;
    strset_init(&o->addrs);
    strset_init(&o->domains);
    if (strpbrk(login, "*?[") == NULL) {
        if (strset_add(&s->logins, login, o) == -1)
            goto fail;
        return o;
    } else {
        struct senders_glob *n = realloc(s->globs, (s->nglobs + 1) * sizeof(*n));
        if (n == NULL)
            goto fail;
        s->globs = n;
        if ((n[s->nglobs].pattern = strdup(login)) == NULL)
            goto fail;
        n[s->nglobs++].owned = o;
        return o;
    }
fail:
    senders_owned_free(o);
    return NULL;
}

/* "User@Example.COM" -> "User@example.com" (or all lower case with SENDERS_NOCASE_LOCAL). */
static void
senders_norm(char *a, unsigned opts)
{
    char *at = strrchr(a, '@');

    if (opts & SENDERS_NOCASE_LOCAL || at == NULL)
        util_lower(a);
    else
        util_lower(at + 1);
}

static int
senders_add_addr(struct senders_owned *o, char *a, unsigned opts, char *err, size_t errlen)
{
    struct addr parsed;
    char perr[96];

    if (a[0] == '@') {
        util_lower(a + 1);
        if (!addr_domain_valid(a + 1)) {
            util_errf(err, errlen, "bad domain \"%s\"", UTIL_ERRTOK(a));
            return -1;
        }
        return strset_add(&o->domains, a + 1, NULL) == -1 ? -1 : 0;
    }
    senders_norm(a, opts);
    if (strpbrk(a, "*?[") != NULL) {
        char **n = realloc(o->globs, (o->nglobs + 1) * sizeof(*n));
        if (n == NULL || strchr(a, '@') == NULL) {
            if (n != NULL)
                o->globs = n;
            util_errf(err, errlen, "bad address pattern \"%s\": needs an '@'", UTIL_ERRTOK(a));
            return -1;
        }
        o->globs = n;
        if ((n[o->nglobs] = strdup(a)) == NULL)
            return -1;
        o->nglobs++;
        return 0;
    }
    if (addr_parse(a, ADDR_MAIL, &parsed, perr, sizeof(perr)) == -1) {
        util_errf(err, errlen, "bad address \"%s\": %s", UTIL_ERRTOK(a), perr);
        return -1;
    }
    if (parsed.flags & (ADDR_F_UNQUALIFIED | ADDR_F_ROUTED | ADDR_F_NULL)) {
        util_errf(err, errlen, "bad address \"%s\": needs user@domain without routing",
                  UTIL_ERRTOK(a));
        return -1;
    }
    /* Stored as lookups build it: dequoted local part, '@', lower-case domain. */
    {
        char key[ADDR_PATH_MAX + ADDR_DOMAIN_MAX + 2];
        snprintf(key, sizeof(key), "%s@%s", parsed.local, parsed.domain);
        senders_norm(key, opts);
        return strset_add(&o->addrs, key, NULL) == -1 ? -1 : 0;
    }
}

/* Next token of an entry line: separated by spaces, tabs or commas, outside double quotes. */
static char *
senders_token(char **p)
{
    char *s = *p, *start;
    int quoted = 0;

    while (*s == ' ' || *s == '\t' || *s == ',')
        s++;
    if (*s == '\0')
        return NULL;
    for (start = s; *s != '\0'; s++) {
        if (*s == '\\' && quoted && s[1] != '\0')
            s++;
        else if (*s == '"')
            quoted = !quoted;
        else if (!quoted && (*s == ' ' || *s == '\t' || *s == ','))
            break;
    }
    if (*s != '\0')
        *s++ = '\0';
    *p = s;
    return start;
}

int
senders_add_line(struct senders *s, const char *line, char *err, size_t errlen)
{
    char buf[SENDERS_LINE_MAX], *tok, *rest = buf, login[512];
    struct senders_owned *o = NULL;
    int n = 0;

    if (strlen(line) >= sizeof(buf)) {
        util_errf(err, errlen, "entry longer than %d octets", SENDERS_LINE_MAX);
        return -1;
    }
    util_strlcpy(buf, line, sizeof(buf));
    while ((tok = senders_token(&rest)) != NULL) {
        if (n++ == 0) {
            if (strlen(tok) >= sizeof(login) || strchr(tok, '"') != NULL) {
                util_errf(err, errlen, "bad login \"%s\"", UTIL_ERRTOK(tok));
                return -1;
            }
            util_strlcpy(login, tok, sizeof(login));
            util_lower(login);
            continue;
        }
        if (o == NULL && (o = senders_owned_for(s, login)) == NULL) {
            util_errf(err, errlen, "out of memory");
            return -1;
        }
        if (senders_add_addr(o, tok, s->opts, err, errlen) == -1) {
            if (err[0] == '\0')
                util_errf(err, errlen, "out of memory");
            return -1;
        }
    }
    if (n < 2) {
        util_errf(err, errlen, "\"%s\": a login needs at least one address", UTIL_ERRTOK(line));
        return -1;
    }
    return 0;
}

static int
senders_owned_has(const struct senders_owned *o, const char *addr, const char *domain)
{
    size_t i;

    if (strset_get(&o->addrs, addr) != NULL || strset_get(&o->domains, domain) != NULL)
        return 1;
    for (i = 0; i < o->nglobs; i++)
        if (fnmatch(o->globs[i], addr, 0) == 0)
            return 1;
    return 0;
}

static int
senders_match(const struct senders *s, const char *login, const char *addr, const char *domain)
{
    struct strset_entry *e = strset_get(&s->logins, login);
    size_t i;

    if (e != NULL && senders_owned_has(e->value, addr, domain))
        return 1;
    for (i = 0; i < s->nglobs; i++)
        if (fnmatch(s->globs[i].pattern, login, 0) == 0 &&
            senders_owned_has(s->globs[i].owned, addr, domain))
            return 1;
    return 0;
}

int
senders_owns(const struct senders *s, const char *login, const char *local, const char *domain,
             unsigned flags)
{
    char lbuf[512], addr[ADDR_PATH_MAX + ADDR_DOMAIN_MAX + 2], dom[ADDR_DOMAIN_MAX + 1];
    char *plus;

    if (login == NULL || login[0] == '\0' || strlen(login) >= sizeof(lbuf))
        return 0;
    if (flags & ADDR_F_NULL)
        return (s->opts & SENDERS_ALLOW_NULL) != 0;
    if (flags & (ADDR_F_ROUTED | ADDR_F_UNQUALIFIED) || domain[0] == '\0')
        return 0;
    util_strlcpy(lbuf, login, sizeof(lbuf));
    util_lower(lbuf);
    util_strlcpy(dom, domain, sizeof(dom));
    util_lower(dom);
    snprintf(addr, sizeof(addr), "%s@%s", local, dom);
    senders_norm(addr, s->opts);
    if (senders_match(s, lbuf, addr, dom))
        return 1;
    if ((s->opts & SENDERS_SUBADDRESS) && (plus = strchr(addr, '+')) != NULL &&
        plus < strrchr(addr, '@')) {
        memmove(plus, strrchr(addr, '@'), strlen(strrchr(addr, '@')) + 1);
        return senders_match(s, lbuf, addr, dom);
    }
    return 0;
}

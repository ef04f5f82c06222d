/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parse_limit.c - the rate limit statements and the argument of the `limit` condition:
 *     limit NAME messages|recipients N per DURATION by login|sender|client[/N[/M]]
 *     limits memory KEYS
 *     limits redis "HOST:PORT" [timeout DURATION] [on-failure local|tempfail] [prefix "P"]
 *     STAGE ACTION ... limit <NAME> ...
 */
#include "action.h"
#include "cond.h"
#include "parse.h"
#include "util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "10m", "3s", "1h", "1d", "50ms" (ms only where allow_ms): milliseconds, or -1. */
static long long
parse_limit_duration(const char *s, int allow_ms)
{
    long long v = 0, mul;
    const char *q = s;

    if (!isdigit((unsigned char)*q))
        return -1;
    for (; isdigit((unsigned char)*q); q++) {
        if (v > 1000000000LL)
            return -1;
        v = v * 10 + (*q - '0');
    }
    if (strcmp(q, "ms") == 0 && allow_ms)
        mul = 1;
    else if (strcmp(q, "s") == 0)
        mul = 1000;
    else if (strcmp(q, "m") == 0)
        mul = 60000;
    else if (strcmp(q, "h") == 0)
        mul = 3600000;
    else if (strcmp(q, "d") == 0)
        mul = 86400000;
    else
        return -1;
    return v * mul;
}

/* A decimal number in [lo, hi], or -1. */
static long long
parse_limit_number(const char *s, long long lo, long long hi)
{
    long long v = 0;

    if (*s == '\0' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 12)
        return -1;
    v = strtoll(s, NULL, 10);
    return v < lo || v > hi ? -1 : v;
}

/* "client", "client/24", "client/24/48". 0, or -1 when it is none of them. */
static int
parse_limit_client(const char *s, struct limit_def *d)
{
    char extra;
    int n4, n6, k;

    d->prefix4 = 32;
    d->prefix6 = 64; /* one IPv6 site: a host picks any address inside its /64 */
    if (strcmp(s, "client") == 0)
        return 0;
    k = sscanf(s, "client/%d/%d%c", &n4, &n6, &extra);
    if (k == 2 && n4 >= 1 && n4 <= 32 && n6 >= 1 && n6 <= 128 &&
        strspn(s + 7, "0123456789/") == strlen(s + 7)) {
        d->prefix4 = n4;
        d->prefix6 = n6;
        return 0;
    }
    k = sscanf(s, "client/%d%c", &n4, &extra);
    if (k == 1 && n4 >= 1 && n4 <= 32 && strspn(s + 7, "0123456789") == strlen(s + 7)) {
        d->prefix4 = n4;
        return 0;
    }
    return -1;
}

static const struct limit_def *
parse_limit_find(const struct ruleset *rs, const char *name)
{
    for (size_t i = 0; i < rs->nlimits; i++)
        if (strcmp(rs->limits[i]->name, name) == 0)
            return rs->limits[i];
    return NULL;
}

void
parse_st_limit(struct parser *p)
{
    int line = p->tok.line;
    const struct limit_def *old;
    struct limit_def *d = NULL, **n;
    long long v;
    char w[32];

    parse_next(p);
    if (p->tok.type != T_WORD || !parse_valid_name(p->tok.text)) {
        parse_err(p, line,
                  "limit needs a name (limit NAME recipients 200 per 10m by login), "
                  "got %s",
                  parse_desc(p));
        goto fail;
    }
    if ((old = parse_limit_find(p->rs, p->tok.text)) != NULL) {
        parse_err(p, line, "limit \"%s\" is already defined at %s:%d", old->name, old->file,
                  old->line);
        goto fail;
    }
    if (p->rs->nlimits >= LIMIT_DEFS_MAX) {
        parse_err(p, line, "more than %d limits", LIMIT_DEFS_MAX);
        goto fail;
    }
    if ((d = calloc(1, sizeof(*d))) == NULL || (d->name = strdup(p->tok.text)) == NULL) {
        parse_err(p, line, "out of memory");
        goto fail;
    }
    d->file = p->file;
    d->line = line;
    parse_next(p);
    if (p->tok.type == T_WORD && strcmp(p->tok.text, "messages") == 0)
        d->count = LIMIT_MESSAGES;
    else if (p->tok.type == T_WORD && strcmp(p->tok.text, "recipients") == 0)
        d->count = LIMIT_RECIPIENTS;
    else {
        parse_err(p, line, "limit %s: count messages or recipients, got %s", d->name,
                  parse_desc(p));
        goto fail;
    }
    parse_next(p);
    if (p->tok.type != T_WORD ||
        (v = parse_limit_number(p->tok.text, 1, (long long)LIMIT_COUNT_MAX)) < 0) {
        parse_err(p, line, "limit %s: the limit is a number from 1 to %llu, got %s", d->name,
                  LIMIT_COUNT_MAX, parse_desc(p));
        goto fail;
    }
    d->max = (unsigned long long)v;
    parse_next(p);
    if (p->tok.type != T_WORD || strcmp(p->tok.text, "per") != 0) {
        parse_err(p, line, "limit %s: expected per and a window (per 10m), got %s", d->name,
                  parse_desc(p));
        goto fail;
    }
    parse_next(p);
    if (p->tok.type != T_WORD || (v = parse_limit_duration(p->tok.text, 0)) < LIMIT_WINDOW_MIN_MS ||
        v > LIMIT_WINDOW_MAX_MS) {
        parse_err(p, line, "limit %s: the window is from 1s to 7d (30s, 10m, 1h, 1d), got %s",
                  d->name, parse_desc(p));
        goto fail;
    }
    d->window_ms = v;
    parse_next(p);
    if (p->tok.type != T_WORD || strcmp(p->tok.text, "by") != 0) {
        parse_err(p, line, "limit %s: expected by and a key after per %s, got %s", d->name,
                  limit_window_text(d->window_ms, w, sizeof(w)), parse_desc(p));
        goto fail;
    }
    parse_next(p);
    if (p->tok.type == T_WORD && strcmp(p->tok.text, "login") == 0)
        d->by = LIMIT_BY_LOGIN;
    else if (p->tok.type == T_WORD && strcmp(p->tok.text, "sender") == 0)
        d->by = LIMIT_BY_SENDER;
    else if (p->tok.type == T_WORD && parse_limit_client(p->tok.text, d) == 0)
        d->by = LIMIT_BY_CLIENT;
    else {
        parse_err(p, line,
                  "limit %s: the key is login, sender, client, client/N (IPv4 prefix 1-32) or "
                  "client/N/M (and IPv6 prefix 1-128), got %s",
                  d->name, parse_desc(p));
        goto fail;
    }
    if ((n = realloc(p->rs->limits, (p->rs->nlimits + 1) * sizeof(*n))) == NULL) {
        parse_err(p, line, "out of memory");
        goto fail;
    }
    p->rs->limits = n;
    n[p->rs->nlimits++] = d;
    parse_expect_eol(p);
    return;
fail:
    limit_def_free(d);
    parse_skip_line(p);
}

/* "[IPv6]" from s to colon: 1 when it is a bracketed IPv6 address. */
static int
parse_limits_v6(const char *s, const char *colon)
{
    char a[INET6_ADDRSTRLEN];
    struct in6_addr in6;
    size_t n = (size_t)(colon - s);

    if (n < 3 || s[0] != '[' || s[n - 1] != ']' || n - 2 >= sizeof(a))
        return 0;
    memcpy(a, s + 1, n - 2);
    a[n - 2] = '\0';
    return inet_pton(AF_INET6, a, &in6) == 1;
}

/* limits redis "HOST:PORT" [timeout T] [on-failure local|tempfail] [prefix "P"] */
static int
parse_limits_redis(struct parser *p, int line)
{
    struct limit_conf *c = &p->rs->limit_conf;
    const char *colon;
    long long v;

    if (c->redis_file != NULL) {
        parse_err(p, line, "limits redis is already set at %s:%d", c->redis_file, c->redis_line);
        return -1;
    }
    c->redis_file = p->file;
    c->redis_line = line;
    parse_next(p);
    colon = p->tok.type == T_STRING ? strrchr(p->tok.text, ':') : NULL;
    if (colon == NULL || colon == p->tok.text ||
        (!parse_limits_v6(p->tok.text, colon) &&
         (size_t)(colon - p->tok.text) != strspn(p->tok.text,
                                                 "abcdefghijklmnopqrstuvwxyz"
                                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")) ||
        parse_limit_number(colon + 1, 1, 65535) < 0 || strlen(p->tok.text) >= sizeof(c->redis)) {
        parse_err(p, line,
                  "limits redis needs a quoted \"host:port\" (\"127.0.0.1:6379\", "
                  "\"[::1]:6379\"), got %s",
                  parse_desc(p));
        return -1;
    }
    util_strlcpy(c->redis, p->tok.text, sizeof(c->redis));
    for (parse_next(p); p->tok.type == T_WORD; parse_next(p)) {
        if (strcmp(p->tok.text, "timeout") == 0) {
            parse_next(p);
            if (p->tok.type != T_WORD || (v = parse_limit_duration(p->tok.text, 1)) < 1 ||
                v > LIMIT_REDIS_TIMEOUT_MAX_MS) {
                parse_err(p, line, "limits redis: timeout is from 1ms to %dms (50ms, 1s), got %s",
                          LIMIT_REDIS_TIMEOUT_MAX_MS, parse_desc(p));
                return -1;
            }
            c->timeout_ms = (int)v;
        } else if (strcmp(p->tok.text, "on-failure") == 0) {
            parse_next(p);
            if (p->tok.type == T_WORD && strcmp(p->tok.text, "local") == 0)
                c->on_failure = LIMIT_FAIL_LOCAL;
            else if (p->tok.type == T_WORD && strcmp(p->tok.text, "tempfail") == 0)
                c->on_failure = LIMIT_FAIL_TEMPFAIL;
            else {
                parse_err(p, line, "limits redis: on-failure takes local or tempfail, got %s",
                          parse_desc(p));
                return -1;
            }
        } else if (strcmp(p->tok.text, "prefix") == 0) {
            parse_next(p);
            if (p->tok.type != T_STRING || strlen(p->tok.text) > LIMIT_PREFIX_MAX ||
                strspn(p->tok.text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789:._-") != strlen(p->tok.text)) {
                parse_err(p, line,
                          "limits redis: prefix is a quoted text of at most %d letters, digits, "
                          "':', '.', '_' and '-', got %s",
                          LIMIT_PREFIX_MAX, parse_desc(p));
                return -1;
            }
            util_strlcpy(c->prefix, p->tok.text, sizeof(c->prefix));
        } else {
            break;
        }
    }
    if (p->tok.type != T_NL && p->tok.type != T_EOF) {
        parse_err(p, line, "limits redis: expected timeout, on-failure or prefix, got %s",
                  parse_desc(p));
        return -1;
    }
    return 0;
}

void
parse_st_limits(struct parser *p)
{
    struct limit_conf *c = &p->rs->limit_conf;
    int line = p->tok.line;
    long long v;

    parse_next(p);
    if (p->tok.type == T_WORD && strcmp(p->tok.text, "redis") == 0) {
        if (parse_limits_redis(p, line) == -1)
            parse_skip_line(p);
        return;
    }
    if (p->tok.type != T_WORD || strcmp(p->tok.text, "memory") != 0) {
        parse_err(p, line, "limits takes memory KEYS or redis \"host:port\", got %s",
                  parse_desc(p));
        parse_skip_line(p);
        return;
    }
    if (c->keys_file != NULL) {
        parse_err(p, line, "limits memory is already set at %s:%d", c->keys_file, c->keys_line);
        parse_skip_line(p);
        return;
    }
    c->keys_file = p->file;
    c->keys_line = line;
    parse_next(p);
    if (p->tok.type != T_WORD ||
        (v = parse_limit_number(p->tok.text, LIMIT_KEYS_MIN, LIMIT_KEYS_MAX)) < 0) {
        parse_err(p, line, "limits memory: the number of keys is from %d to %d, got %s",
                  LIMIT_KEYS_MIN, LIMIT_KEYS_MAX, parse_desc(p));
        parse_skip_line(p);
        return;
    }
    c->max_keys = (unsigned)v;
    parse_expect_eol(p);
}

int
parse_limit_ref(struct parser *p, const struct rule *r, struct cond *c, int negate, int line)
{
    const struct limit_def *d;

    parse_next(p);
    if (p->tok.type != T_LISTREF) {
        parse_err(p, line, "'limit' needs the name of a limit (limit <NAME>), got %s",
                  parse_desc(p));
        return -1;
    }
    if ((d = parse_limit_find(p->rs, p->tok.text)) == NULL) {
        parse_err(p, line,
                  "limit <%s> is not defined (limit %s recipients 200 per 10m by "
                  "login, before the policy)",
                  p->tok.text, p->tok.text);
        return 1;
    }
    c->limit = d;
    c->limit_conf = &p->rs->limit_conf;
    if (negate) {
        parse_err(p, line, "'limit <%s>' cannot be negated: under the limit, each one counts",
                  d->name);
        return 1;
    }
    if (r->action == ACT_ACCEPT) {
        parse_err(p, line,
                  "'limit <%s>' holds past the limit: accept would let the excess "
                  "through (use tempfail, reject, quarantine or log-only)",
                  d->name);
        return 1;
    }
    if (d->count == LIMIT_MESSAGES && r->stage == STAGE_RCPT) {
        parse_err(p, line,
                  "limit <%s> counts messages: use it at mail, not at rcpt (where it "
                  "would count each recipient)",
                  d->name);
        return 1;
    }
    if (d->count == LIMIT_RECIPIENTS && r->stage == STAGE_MAIL) {
        parse_err(p, line, "limit <%s> counts recipients: use it at rcpt, not at mail", d->name);
        return 1;
    }
    return 0;
}

/* Two rules of one policy asking one limit would count a message or recipient twice. */
void
parse_limit_check(struct parser *p)
{
    const struct strset *ps = &p->rs->policies;
    size_t i, j, k, m, n;

    for (i = 0; i < ps->cap; i++) {
        const struct policy *pol = ps->slots[i].key ? ps->slots[i].value : NULL;
        for (j = 0; pol != NULL && j < pol->nrules; j++)
            for (k = 0; k < pol->rules[j]->nconds; k++) {
                const struct limit_def *d = pol->rules[j]->conds[k].limit;
                int dup = 0;
                for (m = 0; d != NULL && m < j && !dup; m++)
                    for (n = 0; n < pol->rules[m]->nconds; n++)
                        if (pol->rules[m]->conds[n].limit == d) {
                            struct parser at = *p;
                            at.file = pol->rules[j]->file;
                            parse_err(&at, pol->rules[j]->line,
                                      "limit <%s> is already asked by the rule at %s:%d of "
                                      "policy %s: each would count the same mail",
                                      d->name, pol->rules[m]->file, pol->rules[m]->line, pol->name);
                            p->nerrors = at.nerrors;
                            p->errused = at.errused;
                            dup = 1;
                            break;
                        }
            }
    }
}

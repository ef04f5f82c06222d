/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * audit_sample.c - the static audit's probe samples, picked from the rules: an address of each
 * domains list (ours, partners' as senders), a foreign domain outside every list that decides
 * relay, outsider and listed client addresses, rDNS states, countries; and the lists of ours
 * checked against the Public Suffix List.
 */
#include "audit.h"
#include "audit_int.h"
#include "hdraddr.h"
#include "util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The foreign domain of the probes: .invalid (RFC 2606) is nobody's, so no list of ours can
 * hold it by accident; the others, each under another top-level domain, are tried when a list
 * does (a wildcard over .invalid or .net). When every one is inside a list that decides relay,
 * the audit says that no foreign probe exists. */
static const char *const audit_foreign[] = {"relay-audit.invalid",     "foreign.example",
                                            "relay-audit.test",        "relay-audit.example.net",
                                            "relay-audit.example.org", "relay-audit.localhost"};

/* Outsider addresses (documentation, shared and private ranges): the first in no networks list
 * of the rules is the outsider; when every one is listed, a list covers the Internet and the
 * first is as much an outsider as any. */
static const char *const audit_out4[] = {"203.0.113.77", "198.51.100.77", "100.64.0.77",
                                         "172.31.255.77", "9.9.9.77"};
static const char *const audit_out6[] = {"2001:db8:ffff::77", "fd00:77::77", "2a00:77::77"};

/* The first item of a domains list, as an address of it: "audit@item". 0, or -1 if none. */
static int
audit_sample_domain(const struct list *l, const char *local, struct addr *out)
{
    const char *best = NULL;
    char text[ADDR_PATH_MAX + 1], err[64];
    int wild = 0;
    size_t i;

    for (i = 0; i < l->exact.cap; i++) {
        const char *k = l->exact.slots[i].key;
        if (k != NULL && k[0] != '[' && (best == NULL || strcmp(k, best) < 0))
            best = k;
    }
    for (i = 0; best == NULL && i < l->wild.cap; i++)
        if (l->wild.slots[i].key != NULL) {
            best = l->wild.slots[i].key;
            wild = 1;
        }
    if (best == NULL)
        return -1;
    snprintf(text, sizeof(text), "%s@%s%s", local, wild ? "audit." : "", best);
    return addr_parse(text, ADDR_RCPT, out, err, sizeof(err));
}

/* A sender condition: what it tests is what the client says, and anyone can say it. */
static int
audit_is_sender_cond(const struct cond_def *d)
{
    return d == cond_lookup("from") || d == cond_lookup("from-claims") ||
           d == cond_lookup("header-from");
}

int
audit_has_sender_cond(const struct rule *r)
{
    size_t i;

    for (i = 0; i < r->nconds; i++)
        if (audit_is_sender_cond(r->conds[i].def))
            return 1;
    return 0;
}

/* An address of a sender list l as "audit@item": its first item (in key order) that no list
 * of ours holds, so that a rule refusing our domains as senders does not hide the list; the
 * first item when every one is ours. 0, or -1 when the list has no domain. */
static int
audit_sample_sender(const struct audit *a, const struct list *l, struct addr *out)
{
    const char *best = NULL;
    char text[ADDR_PATH_MAX + 1], err[64];
    size_t i, m;

    for (i = 0; i < l->exact.cap; i++) {
        const char *k = l->exact.slots[i].key;
        if (k == NULL || k[0] == '[' || (best != NULL && strcmp(k, best) >= 0))
            continue;
        for (m = 0; m < a->nours && !list_match_domain(a->ours_lists[m], k); m++)
            ;
        if (m == a->nours)
            best = k;
    }
    if (best == NULL)
        return audit_sample_domain(l, "audit", out);
    snprintf(text, sizeof(text), "audit@%s", best);
    return addr_parse(text, ADDR_RCPT, out, err, sizeof(err));
}

/* Every domains list a rule tests senders against, other than ours, sampled once. */
static void
audit_collect_senders(struct audit *a)
{
    const struct ruleset *rs = a->rs;
    size_t i, j, k, m;

    for (i = 0; i < rs->policies.cap; i++) {
        const struct policy *pol = rs->policies.slots[i].value;
        if (rs->policies.slots[i].key == NULL)
            continue;
        for (j = 0; j < pol->nrules; j++)
            for (k = 0; k < pol->rules[j]->nconds; k++) {
                const struct cond *c = &pol->rules[j]->conds[k];
                if (!audit_is_sender_cond(c->def) || c->list == NULL)
                    continue;
                for (m = 0; m < a->nours && a->ours_lists[m] != c->list; m++)
                    ;
                if (m < a->nours)
                    continue;
                for (m = 0; m < a->nsenders && a->sender_lists[m] != c->list; m++)
                    ;
                if (m < a->nsenders || audit_sample_sender(a, c->list, &a->senders[m]) == -1)
                    continue;
                a->sender_lists[a->nsenders++] = c->list;
            }
    }
}

/* An address of a networks list: its first network (in key order) itself. 0, or -1. */
static int
audit_sample_net(const struct list *l, struct netaddr *out)
{
    const char *best = NULL, *h;
    size_t i, n;

    for (i = 0; i < l->exact.cap; i++) {
        const char *k = l->exact.slots[i].key;
        if (k != NULL && (best == NULL || strcmp(k, best) < 0))
            best = k;
    }
    /* the key is "4PLEN/" or "6PLEN/" and the masked address in hex (list.c) */
    if (best == NULL || (h = strchr(best, '/')) == NULL)
        return -1;
    memset(out, 0, sizeof(*out));
    out->family = best[0] == '4' ? AF_INET : AF_INET6;
    for (h++, n = 0; h[0] && h[1] && n < sizeof(out->bytes); h += 2, n++) {
        unsigned v;
        if (sscanf(h, "%2x", &v) != 1)
            return -1;
        out->bytes[n] = (unsigned char)v;
    }
    return 0;
}

static int
audit_listed(const struct ruleset *rs, const struct netaddr *na)
{
    size_t i;

    for (i = 0; i < rs->nall_lists; i++)
        if (rs->all_lists[i]->type == LIST_NETWORKS && list_match_net(rs->all_lists[i], na))
            return 1;
    return 0;
}

static void
audit_outsider(const struct ruleset *rs, const char *const *cand, size_t n, struct netaddr *out)
{
    size_t i;

    for (i = 0; i < n; i++) {
        netaddr_parse(cand[i], out);
        if (!audit_listed(rs, out))
            return;
    }
    netaddr_parse(cand[0], out);
}

static int
audit_domain_listed(const struct ruleset *rs, const char *domain)
{
    size_t i;

    for (i = 0; i < rs->nall_lists; i++)
        if (rs->all_lists[i]->type == LIST_DOMAINS && list_match_domain(rs->all_lists[i], domain))
            return 1;
    return 0;
}

/* Calls fn(a, list, arg) for each condition testing recipients against a domains list ('to'):
 * the lists that decide relay. 1 as soon as fn returns 1, else 0. */
static int
audit_each_to_list(struct audit *a, const struct ruleset *rs,
                   int (*fn)(struct audit *a, const struct list *l, const char *arg),
                   const char *arg)
{
    const struct cond_def *to = cond_lookup("to");
    size_t i, j, k;

    for (i = 0; i < rs->policies.cap; i++) {
        const struct policy *pol = rs->policies.slots[i].value;
        if (rs->policies.slots[i].key == NULL)
            continue;
        for (j = 0; j < pol->nrules; j++)
            for (k = 0; k < pol->rules[j]->nconds; k++) {
                const struct cond *c = &pol->rules[j]->conds[k];
                if (c->def == to && c->list != NULL && fn(a, c->list, arg))
                    return 1;
            }
    }
    return 0;
}

static int
audit_list_has(struct audit *a, const struct list *l, const char *domain)
{
    (void)a;
    return list_match_domain(l, domain);
}

/* 1 if a list that decides relay holds domain. */
int
audit_to_listed(const struct ruleset *rs, const char *domain)
{
    return audit_each_to_list(NULL, rs, audit_list_has, domain);
}

static int
audit_strcmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* "<ours>", or "an inline list" for { ... } */
static const char *
audit_list_name(const struct list *l, char *buf, size_t len)
{
    if (l->name != NULL)
        snprintf(buf, len, "domains list <%s>", l->name);
    else
        snprintf(buf, len, "an inline domains list");
    return buf;
}

/* A list that decides relay holding a public suffix (bare: com, co.uk) or a wildcard over one
 * (*.com): every domain under it counts as ours, and a rule refusing recipients outside the
 * list relays to all of them. Each entry is named, in key order. */
static int
audit_psl_list(struct audit *a, const struct list *l, const char *unused)
{
    const psl_ctx_t *psl = a->psl;
    const char **keys;
    size_t i, n = 0, nw;
    char ln[300];

    (void)unused;
    for (i = 0; i < a->npsl_seen; i++) /* a list tested in several rules: once */
        if (a->psl_seen[i] == l)
            return 0;
    if (psl == NULL || a->npsl_seen == a->rs->nall_lists)
        return 0;
    a->psl_seen[a->npsl_seen++] = l;
    if ((keys = calloc(l->exact.cap + l->wild.cap + 1, sizeof(*keys))) == NULL) {
        a->oom = 1;
        return 0;
    }
    for (i = 0; i < l->wild.cap; i++)
        if (l->wild.slots[i].key != NULL)
            keys[n++] = l->wild.slots[i].key;
    nw = n;
    qsort(keys, nw, sizeof(*keys), audit_strcmp);
    for (i = 0; i < l->exact.cap; i++)
        if (l->exact.slots[i].key != NULL && l->exact.slots[i].key[0] != '[')
            keys[n++] = l->exact.slots[i].key;
    qsort(keys + nw, n - nw, sizeof(*keys), audit_strcmp);
    for (i = 0; i < n; i++) {
        /* the explicit rules only: without them every unknown top-level name would count */
        if (psl_is_public_suffix2(psl, keys[i], PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 1)
            continue;
        if (i < nw)
            audit_warn(a, l->file, l->line,
                       "%s holds *.%s, a wildcard over the public suffix %s: every domain under "
                       "it counts as ours, so a rule that refuses recipients outside the list "
                       "relays to all of them",
                       audit_list_name(l, ln, sizeof(ln)), keys[i], keys[i]);
        else
            audit_warn(a, l->file, l->line,
                       "%s holds %s, a public suffix: it is nobody's own domain, yet recipients "
                       "there count as ours",
                       audit_list_name(l, ln, sizeof(ln)), keys[i]);
    }
    free(keys);
    return 0;
}

/* Our domains: the lists the policies test recipients against (the 'to' row of cond.c). */
int
audit_collect(struct audit *a)
{
    const struct ruleset *rs = a->rs;
    const struct cond_def *to = cond_lookup("to");
    char text[ADDR_DOMAIN_MAX + 64], err[64];
    size_t i, j, k, f = 0;
    int pass;

    for (i = 0; i < AUDIT_N(audit_foreign); i++) /* inline lists are not in all_lists */
        if (!audit_domain_listed(rs, audit_foreign[i]) && !audit_to_listed(rs, audit_foreign[i]))
            break;
    for (j = 0; i == AUDIT_N(audit_foreign) && j < AUDIT_N(audit_foreign); j++)
        if (!audit_to_listed(rs, audit_foreign[j]))
            i = j; /* inside some list, but none that decides relay */
    a->no_foreign = i == AUDIT_N(audit_foreign);
    f = a->no_foreign ? 0 : i;
    snprintf(text, sizeof(text), "probe@%s", audit_foreign[f]);
    addr_parse(text, ADDR_RCPT, &a->foreign, err, sizeof(err));
    addr_parse("<>", ADDR_MAIL, &a->null, err, sizeof(err));
    audit_outsider(rs, audit_out4, AUDIT_N(audit_out4), &a->out4);
    audit_outsider(rs, audit_out6, AUDIT_N(audit_out6), &a->out6);
    rdns_from_macros("OK", "host.relay-audit.invalid", NULL, &a->rd[RDNS_PASS]);
    rdns_from_macros("FAIL", "", NULL, &a->rd[RDNS_UNVERIFIED]);
    a->rd[RDNS_FAILED].verdict = RDNS_FAILED;
    a->rd[RDNS_FAILED].source = "mta";
    a->rd[RDNS_TEMPERROR].verdict = RDNS_TEMPERROR;
    a->rd[RDNS_TEMPERROR].source = "mta";
    /* hygiene: the two messages a prober can send */
    hygiene_init(&a->hyg_clean, 0);
    hygiene_end(&a->hyg_clean);
    hygiene_init(&a->hyg_all, 0);
    hygiene_end(&a->hyg_all);
    a->hyg_all.defects = HYG_ALL;

    if ((a->ours = calloc(rs->nall_lists + 1, sizeof(*a->ours))) == NULL ||
        (a->routed = calloc(rs->nall_lists + 1, sizeof(*a->routed))) == NULL ||
        (a->ours_lists = calloc(rs->nall_lists + 1, sizeof(*a->ours_lists))) == NULL ||
        (a->nets = calloc(rs->nall_lists + 1, sizeof(*a->nets))) == NULL ||
        (a->senders = calloc(rs->nall_lists + 1, sizeof(*a->senders))) == NULL ||
        (a->sender_lists = calloc(rs->nall_lists + 1, sizeof(*a->sender_lists))) == NULL ||
        (a->author = calloc(1, sizeof(*a->author))) == NULL)
        return -1;
    for (i = 0; i < rs->nall_lists; i++) {
        const struct list *l = rs->all_lists[i];
        if (l->type == LIST_NETWORKS && l->name != NULL &&
            audit_sample_net(l, &a->nets[a->nnets].addr) == 0)
            a->nets[a->nnets++].list = l;
    }
    /* first the lists recipients must be in (to !<ours> refused): our own domains, the only
     * ones a spoofing probe sends as; then the lists recipients are accepted for (to <partners>
     * accepted: ours, or a backup MX's partners); when no rule says which, any list recipients
     * are tested against */
    for (pass = 0; pass < 3; pass++) {
        if (pass == 1)
            a->nown = a->nours;
        if (pass == 2 && a->nours > 0)
            break;
        for (i = 0; i < rs->nlisteners; i++) {
            const struct policy *pol = rs->listeners[i].policy;
            for (j = 0; pol != NULL && j < pol->nrules; j++)
                for (k = 0; k < pol->rules[j]->nconds; k++) {
                    const struct cond *c = &pol->rules[j]->conds[k];
                    size_t m;
                    if (c->def != to ||
                        (pass == 0 && (!c->negate || pol->rules[j]->action == ACT_ACCEPT)) ||
                        (pass == 1 && (c->negate || pol->rules[j]->action != ACT_ACCEPT)))
                        continue;
                    for (m = 0; m < a->nours && a->ours_lists[m] != c->list; m++)
                        ;
                    if (m < a->nours || audit_sample_domain(c->list, "audit", &a->ours[m]) == -1)
                        continue;
                    snprintf(text, sizeof(text), "probe%%%s@%s", audit_foreign[f],
                             a->ours[m].domain);
                    if (addr_parse(text, ADDR_RCPT, &a->routed[m], err, sizeof(err)) == -1)
                        continue;
                    a->ours_lists[a->nours++] = c->list;
                }
        }
    }
    if (a->nown == 0)
        a->nown = a->nours;
    audit_collect_senders(a);
    if (a->nours > 0)
        hdraddr_add(a->author, "From", a->ours[0].text);
    a->ngeos = geoip_audit_samples(rs, a->geos, GEOIP_AUDIT_SAMPLES); /* geoip */
    return 0;
}

/* The lists that decide relay, against the Public Suffix List; and the foreign probe. */
void
audit_public_suffixes(struct audit *a)
{
    psl_ctx_t *latest = NULL;
    size_t i;
    char names[300];

    /* libpsl's built-in list only computes; a libpsl built without one reads the packaged
     * file (publicsuffix) instead */
    if ((a->psl = psl_builtin()) == NULL)
        a->psl = latest = psl_latest(NULL);
    if (a->psl == NULL && a->nours > 0)
        audit_warn(a, a->ours_lists[0]->file, a->ours_lists[0]->line,
                   "the Public Suffix List could not be loaded (libpsl has no built-in list and "
                   "the publicsuffix package is missing): lists of ours are not checked for "
                   "public suffixes");
    if ((a->psl_seen = calloc(a->rs->nall_lists + 1, sizeof(*a->psl_seen))) == NULL)
        a->oom = 1;
    else
        audit_each_to_list(a, a->rs, audit_psl_list, NULL);
    free(a->psl_seen);
    a->psl_seen = NULL;
    psl_free(latest);
    a->psl = NULL;
    if (a->no_foreign && a->nours > 0) {
        names[0] = '\0';
        for (i = 0; i < AUDIT_N(audit_foreign); i++)
            snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? ", " : "",
                     audit_foreign[i]);
        audit_warn(a, a->ours_lists[0]->file, a->ours_lists[0]->line,
                   "no foreign probe exists: every candidate (%s) is inside a list recipients "
                   "are tested against, so no relay check could try a domain that is not ours",
                   names);
    }
}

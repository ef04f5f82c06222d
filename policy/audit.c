/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * audit.c - the static audit: each listener's policy is walked, by eval.c's own walk and
 * cond.c's own evaluators, for concrete probe sessions (an outsider relaying, a client of a
 * listed network, a login without TLS, an outsider sending as us), and rules are compared by
 * their condition rows for contradictions and shadowing. Nothing is decided from rule text.
 */
#include "audit.h"
#include "action.h"
#include "addr.h"
#include "cond.h"
#include "eval.h"
#include "hdraddr.h"
#include "util.h"

#include <arpa/inet.h>
#include <libpsl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A probe description: two addresses as logged (sizeof addr.text each) and a few words. */
#define AUDIT_TEXT_MAX 2048

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

#define AUDIT_N(a) (sizeof(a) / sizeof((a)[0]))

/* rDNS states a probe client is tried in: none, each verdict RDNS_PASS..RDNS_TEMPERROR, and
 * the lookup failing (the on-error path). */
#define AUDIT_RDNS_PROBES (RDNS_TEMPERROR + 2)

struct audit_warning {
    size_t file; /* index in rs->files, for the order */
    int line;
    size_t seq;
    char *text; /* "file:line: warning: ...\n" */
};

/* A sample address of a networks list, for the network-only relay probe. */
struct audit_net {
    const struct list *list;
    struct netaddr addr;
};

struct audit {
    const struct ruleset *rs;
    struct audit_warning *w;
    size_t nw;
    int oom;
    struct netaddr out4, out6;
    struct addr foreign, null, *ours, *routed; /* ours, routed: nours each */
    const struct list **ours_lists;
    size_t nours;
    /* a sample of every other domains list the rules test senders against (from, from-claims,
     * header-from): a partner's domain is as forgeable in MAIL FROM as any */
    struct addr *senders;
    const struct list **sender_lists;
    size_t nsenders;
    struct audit_net *nets;
    size_t nnets;
    /* one client per rDNS verdict the rules language has (rdns pass .. rdns temperror): an
     * outsider chooses its own, since it controls its reverse zone */
    struct rdns_result rd[RDNS_TEMPERROR + 1];
    size_t nown;          /* ours[0..nown): the lists recipients outside of which are refused */
    int no_foreign;       /* every audit_foreign domain is inside a list recipients are tested on */
    const psl_ctx_t *psl; /* the Public Suffix List, or NULL when libpsl has none */
    const struct list **psl_seen; /* the lists checked against it (up to nall_lists) */
    size_t npsl_seen;
    struct author *author; /* From: one of ours, for the spoofing probe */
    /* geoip: the clients every probe is tried as (none: the rules name no database) */
    struct geoip_result geos[GEOIP_AUDIT_SAMPLES];
    size_t ngeos;
    /* hygiene: a message without defects and one with every defect: whoever probes picks
     * either, so a refusal counts only when it refuses both */
    struct hygiene hyg_clean, hyg_all;
};

/* A probe session: what the client is and says. */
struct audit_probe {
    const struct netaddr *client;
    const char *login;
    int tls;
    const struct rdns_result *rdns;
    int rdns_fails;
    const struct addr *from;
    const struct addr *rcpt;
    const struct author *author;
    const struct geoip_result *geo; /* geoip: NULL unknown */
    const struct hygiene *hygiene; /* hygiene: the message's defects (header stage on) */
};

/* How a walk through the stages ended. */
struct audit_walk {
    int refused;
    const struct rule *by;     /* the rule that refused (or whose lookup failed), or NULL */
    const struct rule *accept; /* the rcpt accept that passed, or NULL */
    size_t pos;                /* after it, for the refusal it comes before */
};

static size_t
audit_file_index(const struct ruleset *rs, const char *file)
{
    size_t i;

    for (i = 0; i < rs->nfiles; i++)
        if (rs->files[i] == file || strcmp(rs->files[i], file) == 0)
            return i;
    return rs->nfiles;
}

static void audit_warn(struct audit *a, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
audit_warn(struct audit *a, const char *file, int line, const char *fmt, ...)
{
    char text[2 * AUDIT_TEXT_MAX]; /* a description, two locations and our words */
    struct audit_warning *n;
    va_list ap;
    size_t i;
    int o;

    o = snprintf(text, sizeof(text), "%s:%d: warning: ", file, line);
    va_start(ap, fmt);
    if (o > 0 && (size_t)o < sizeof(text))
        vsnprintf(text + o, sizeof(text) - (size_t)o, fmt, ap);
    va_end(ap);
    for (i = 0; i < a->nw; i++) /* two listeners sharing a policy: one line is enough */
        if (strcmp(a->w[i].text, text) == 0)
            return;
    if ((n = realloc(a->w, (a->nw + 1) * sizeof(*n))) == NULL) {
        a->oom = 1;
        return;
    }
    a->w = n;
    if ((n[a->nw].text = strdup(text)) == NULL) {
        a->oom = 1;
        return;
    }
    n[a->nw].file = audit_file_index(a->rs, file);
    n[a->nw].line = line;
    n[a->nw].seq = a->nw;
    a->nw++;
}

/* "line 12" in the same file, "other.rules:12" in another. */
static const char *
audit_where(const struct rule *r, const char *file, char *buf, size_t len)
{
    if (strcmp(r->file, file) == 0)
        snprintf(buf, len, "line %d", r->line);
    else
        snprintf(buf, len, "%s:%d", r->file, r->line);
    return buf;
}

/* "rcpt accept", "rcpt log-only reject" */
static const char *
audit_rule_name(const struct rule *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s %s", rules_stage_name(r->stage), r->log_only ? " log-only" : "",
             rules_action_name(r->action));
    return buf;
}

/* A condition as the admin would write it: "!auth", "to !<ours>", "rdns pass". */
static const char *
audit_cond_text(const struct cond *c, char *buf, size_t len)
{
    switch (c->def->arg) {
    case CARG_NONE:
        snprintf(buf, len, "%s%s", c->negate ? "!" : "", c->def->name);
        break;
    case CARG_LIST:
        if (c->list->name != NULL)
            snprintf(buf, len, "%s %s<%s>", c->def->name, c->negate ? "!" : "", c->list->name);
        else
            snprintf(buf, len, "%s %s{...}", c->def->name, c->negate ? "!" : "");
        break;
    case CARG_RDNS:
        snprintf(buf, len, "%s%s %s", c->negate ? "!" : "", c->def->name,
                 rdns_verdict_name(c->verdict));
        break;
    case CARG_SIZE:
        snprintf(buf, len, "%s%s %s %llu", c->negate ? "!" : "", c->def->name,
                 c->size_cmp == '>' ? "over" : "under", c->size);
        break;
    case CARG_LIMIT: /* limits (rate limits) */
        snprintf(buf, len, "%s <%s>", c->def->name, c->limit->name);
        break;
    }
    return buf;
}

/* The same test of the same thing (negation aside). */
static int
audit_same_test(const struct cond *x, const struct cond *y)
{
    if (x->def == y->def && x->limit != y->limit) /* limits (rate limits): another limit */
        return 0;
    return x->def == y->def && x->list == y->list &&
           (x->def->arg != CARG_RDNS || x->verdict == y->verdict) &&
           (x->def->arg != CARG_SIZE || (x->size == y->size && x->size_cmp == y->size_cmp));
}

/* x and y cannot hold together: one test and its negation, or two different verdicts. */
static int
audit_contradict(const struct cond *x, const struct cond *y)
{
    if (audit_same_test(x, y))
        return x->negate != y->negate;
    return x->def == y->def && x->def->arg == CARG_RDNS && !x->negate && !y->negate;
}

/* Every condition of r is one of s's: wherever s holds, r held first. */
static int
audit_covers(const struct rule *r, const struct rule *s)
{
    size_t i, j;

    for (i = 0; i < r->nconds; i++) {
        for (j = 0; j < s->nconds; j++)
            if (audit_same_test(&r->conds[i], &s->conds[j]) &&
                r->conds[i].negate == s->conds[j].negate)
                break;
        if (j == s->nconds)
            return 0;
    }
    return 1;
}

/* A rule that decides whenever its conditions hold: terminal, enforced, and not skipped when
 * a lookup fails (on-error accept skips a rule whose condition cannot be decided). */
static int
audit_always_decides(const struct ruleset *rs, const struct rule *r)
{
    size_t i;

    if (r->log_only || !action_def(r->action)->terminal)
        return 0;
    for (i = 0; rs->on_error == ACT_ACCEPT && i < r->nconds; i++)
        if (r->conds[i].def->needs != 0)
            return 0;
    return 1;
}

static void
audit_dead_rules(struct audit *a, const struct policy *pol)
{
    char c1[160], c2[160], n1[64], n2[64], w[300];
    size_t i, j, k;

    for (i = 0; i < pol->nrules; i++) {
        const struct rule *r = pol->rules[i];
        int dead = 0;
        for (j = 0; j < r->nconds && !dead; j++)
            for (k = j + 1; k < r->nconds && !dead; k++)
                if (audit_contradict(&r->conds[j], &r->conds[k])) {
                    audit_warn(a, r->file, r->line,
                               "%s can never match: %s and %s contradict each other",
                               audit_rule_name(r, n1, sizeof(n1)),
                               audit_cond_text(&r->conds[j], c1, sizeof(c1)),
                               audit_cond_text(&r->conds[k], c2, sizeof(c2)));
                    dead = 1;
                }
        for (j = 0; j < i && !dead; j++) {
            const struct rule *e = pol->rules[j];
            if (e->stage != r->stage || !audit_always_decides(a->rs, e) || !audit_covers(e, r))
                continue;
            audit_warn(a, r->file, r->line,
                       "%s can never match: %s at %s decides every case it covers first",
                       audit_rule_name(r, n1, sizeof(n1)), audit_rule_name(e, n2, sizeof(n2)),
                       audit_where(e, r->file, w, sizeof(w)));
            dead = 1;
        }
    }
}

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

static int
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
static int
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
static int
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

/* Walks the stages connect..last (except those in skip) as the session would. */
static void
audit_walk(const struct audit *a, const struct policy *pol, const struct audit_probe *p,
           enum stage last, unsigned skip, int enforce_log_only, struct audit_walk *w)
{
    struct facts f;
    const struct rule *r;
    const char *why;
    size_t pos;
    int st, rc;

    memset(w, 0, sizeof(*w));
    memset(&f, 0, sizeof(f));
    f.client = p->client;
    f.tls = p->tls;
    f.rdns = p->rdns;
    f.rdns_error = p->rdns_fails ? "SERVFAIL" : NULL;
    f.geo = p->geo; /* geoip */
    for (st = STAGE_CONNECT; st <= (int)last; st++) {
        if (skip & (1u << st))
            continue;
        f.auth = st >= STAGE_MAIL ? p->login : NULL;
        f.from = st >= STAGE_MAIL ? p->from : NULL;
        f.rcpt = st == STAGE_RCPT ? p->rcpt : NULL;
        f.author = st >= STAGE_HEADER ? p->author : NULL;
        f.hygiene = st >= STAGE_HEADER ? p->hygiene : NULL; /* hygiene */
        pos = 0;
        while ((rc = eval_next(pol, (enum stage)st, &f, &pos, &r, &why)) != 0) {
            if (r->log_only && !enforce_log_only)
                continue;
            if (rc == -1 && a->rs->on_error == ACT_ACCEPT)
                continue;
            if (rc == 1 && !action_def(r->action)->terminal)
                continue;
            if (rc == 1 && r->action == ACT_ACCEPT) {
                if (st == STAGE_RCPT) {
                    w->accept = r;
                    w->pos = pos;
                }
                break;
            }
            w->refused = 1;
            w->by = r;
            return;
        }
    }
}

/* The first rcpt rule after pos that would refuse p: the refusal an accept comes before. */
static const struct rule *
audit_refusal_after(const struct audit *a, const struct policy *pol, const struct audit_probe *p,
                    size_t pos)
{
    struct facts f;
    const struct rule *r;
    const char *why;
    int rc;

    memset(&f, 0, sizeof(f));
    f.client = p->client;
    f.auth = p->login;
    f.tls = p->tls;
    f.rdns = p->rdns;
    f.rdns_error = p->rdns_fails ? "SERVFAIL" : NULL;
    f.from = p->from;
    f.rcpt = p->rcpt;
    f.geo = p->geo; /* geoip */
    while ((rc = eval_next(pol, STAGE_RCPT, &f, &pos, &r, &why)) != 0)
        if (rc == 1 && !r->log_only && action_def(r->action)->terminal && r->action != ACT_ACCEPT)
            return r;
    (void)a;
    return NULL;
}

static void
audit_describe(const struct audit_probe *p, char *buf, size_t len)
{
    char ip[INET6_ADDRSTRLEN] = "?";

    inet_ntop(p->client->family, p->client->bytes, ip, sizeof(ip));
    snprintf(buf, len, "%s%s client %s, %s%s%s, MAIL FROM <%s>, RCPT TO <%s>",
             p->login ? "login " : "unauthenticated", p->login ? p->login : "", ip,
             p->tls ? "TLS" : "no TLS",
             p->rdns_fails ? ", rdns lookup failing"
             : p->rdns     ? ", rdns "
                           : "",
             p->rdns != NULL && !p->rdns_fails ? rdns_verdict_name(p->rdns->verdict) : "",
             p->from->text, p->rcpt->text);
    if (p->geo != NULL) { /* geoip */
        size_t n = strlen(buf);
        char g[GEOIP_STAMP_MAX];
        if (n + 1 < len)
            snprintf(buf + n, len - n, ", %s", geoip_format(p->geo, g, sizeof(g)));
    }
    /* hygiene: say so when only the defective message gets through */
    if (p->hygiene != NULL && p->hygiene->defects != 0 && strlen(buf) + 1 < len)
        snprintf(buf + strlen(buf), len - strlen(buf), ", a message with every hygiene defect");
}

/* Calls try(a, pol, p, ctx) for every probe of the given client and login over TLS, rDNS,
 * senders and recipients (rcpts: 0 foreign ones, 1 ours) until it returns 1. */
typedef int (*audit_try_fn)(struct audit *a, const struct listener *l, struct audit_probe *p,
                            void *ctx);

static int
audit_probes(struct audit *a, const struct listener *l, const struct netaddr *client,
             const char *login, int ours_rcpts, audit_try_fn try, void *ctx)
{
    struct audit_probe p;
    size_t ti, ri, fi, ci, hi;
    size_t gi; /* geoip */

    memset(&p, 0, sizeof(p));
    p.client = client;
    p.login = login;
    for (gi = 0; gi < (a->ngeos > 0 ? a->ngeos : 1); gi++) /* geoip: as each sample client */
    for (ti = 0; ti < 2; ti++)
        for (ri = 0; ri < AUDIT_RDNS_PROBES; ri++)
            for (fi = 0; fi < a->nours + a->nsenders + 2; fi++)
                for (ci = 0; ci < (ours_rcpts ? a->nours : a->nours + 1); ci++) {
                    p.tls = (int)ti;
                    /* 0: no verdict, then each verdict, then the lookup failing */
                    p.rdns = ri >= RDNS_PASS && ri <= RDNS_TEMPERROR ? &a->rd[ri] : NULL;
                    p.rdns_fails = ri == AUDIT_RDNS_PROBES - 1;
                    p.from = fi == 0             ? &a->foreign
                             : fi == 1           ? &a->null
                             : fi < a->nours + 2 ? &a->ours[fi - 2]
                                                 : &a->senders[fi - 2 - a->nours];
                    p.rcpt = ours_rcpts ? &a->ours[ci] : ci == 0 ? &a->foreign : &a->routed[ci - 1];
                    p.geo = a->ngeos > 0 ? &a->geos[gi] : NULL; /* geoip */
                    /* hygiene: a clean message and one with every defect */
                    for (hi = 0; hi < 2; hi++) {
                        p.hygiene = hi ? &a->hyg_all : &a->hyg_clean;
                        if (try(a, l, &p, ctx))
                            return 1;
                    }
                }
    return 0;
}

/* An unauthenticated outsider reaches a foreign domain. */
static int
audit_try_open(struct audit *a, const struct listener *l, struct audit_probe *p, void *ctx)
{
    const struct policy *pol = l->policy;
    struct audit_walk w, ww;
    const struct rule *ref;
    char d[AUDIT_TEXT_MAX], n1[64], n2[64], w1[300], w2[300];

    (void)ctx;
    audit_walk(a, pol, p, STAGE_RCPT, 0, 0, &w);
    if (w.refused)
        return 0;
    audit_describe(p, d, sizeof(d));
    if (w.accept != NULL && audit_has_sender_cond(w.accept))
        snprintf(d + strlen(d), sizeof(d) - strlen(d),
                 "; the accept tests the sender, and MAIL FROM is forgeable: anyone can write "
                 "<%s>",
                 p->from->text);
    if (w.accept != NULL && (ref = audit_refusal_after(a, pol, p, w.pos)) != NULL)
        audit_warn(
            a, w.accept->file, w.accept->line,
            "listener %s relays for anyone: %s at %s comes before the relay refusal at %s (%s)",
            l->name, audit_rule_name(w.accept, n1, sizeof(n1)),
            audit_where(w.accept, w.accept->file, w1, sizeof(w1)),
            audit_where(ref, w.accept->file, w2, sizeof(w2)), d);
    else if (w.accept != NULL)
        audit_warn(
            a, w.accept->file, w.accept->line,
            "listener %s relays for anyone: %s at %s lets an outsider reach a foreign domain (%s)",
            l->name, audit_rule_name(w.accept, n1, sizeof(n1)),
            audit_where(w.accept, w.accept->file, w1, sizeof(w1)), d);
    else if (audit_walk(a, pol, p, STAGE_RCPT, 0, 1, &ww), ww.refused && ww.by->log_only)
        audit_warn(
            a, ww.by->file, ww.by->line,
            "listener %s relays for anyone: its only relay protection, %s at %s, is log-only (%s)",
            l->name, audit_rule_name(ww.by, n2, sizeof(n2)),
            audit_where(ww.by, ww.by->file, w2, sizeof(w2)), d);
    else
        audit_warn(a, pol->file, pol->line,
                   "listener %s relays for anyone: no rule of policy %s refuses an outsider a "
                   "foreign domain (%s)",
                   l->name, pol->name, d);
    return 1;
}

/* A client of a listed network relays unauthenticated. */
static int
audit_try_net(struct audit *a, const struct listener *l, struct audit_probe *p, void *ctx)
{
    const struct audit_net *n = ctx;
    struct audit_walk w;
    char d[AUDIT_TEXT_MAX], n1[64];

    audit_walk(a, l->policy, p, STAGE_RCPT, 0, 0, &w);
    if (w.refused)
        return 0;
    audit_describe(p, d, sizeof(d));
    if (w.accept != NULL)
        audit_warn(
            a, w.accept->file, w.accept->line,
            "listener %s relays by network alone: %s lets <%s> reach a foreign domain without a "
            "login, and an IP address is not authentication (%s)",
            l->name, audit_rule_name(w.accept, n1, sizeof(n1)), n->list->name, d);
    else
        audit_warn(
            a, l->policy->file, l->policy->line,
            "listener %s relays by network alone: policy %s lets <%s> reach a foreign domain "
            "without a login, and an IP address is not authentication (%s)",
            l->name, l->policy->name, n->list->name, d);
    return 1;
}

/* A refusing rule that holds for a login without TLS and not with it. */
static int
audit_holds(const struct rule *r, const struct audit_probe *p)
{
    struct facts f;
    const char *why;
    size_t i;

    memset(&f, 0, sizeof(f));
    f.client = p->client;
    f.auth = p->login;
    f.tls = p->tls;
    f.from = p->from;
    f.rcpt = r->stage == STAGE_RCPT ? p->rcpt : NULL;
    f.geo = p->geo; /* geoip */
    for (i = 0; i < r->nconds; i++)
        if (cond_eval(&r->conds[i], &f, &why) != 1)
            return 0;
    return 1;
}

static int
audit_try_tls(struct audit *a, const struct listener *l, struct audit_probe *p, void *ctx)
{
    const struct policy *pol = l->policy;
    size_t i;

    (void)a;
    (void)ctx;
    if (p->tls || p->rdns != NULL || p->rdns_fails)
        return 0;
    for (i = 0; i < pol->nrules; i++) {
        const struct rule *r = pol->rules[i];
        int held;
        if (r->stage > STAGE_RCPT || r->log_only || !action_def(r->action)->terminal ||
            r->action == ACT_ACCEPT)
            continue;
        held = audit_holds(r, p);
        p->tls = 1;
        held = held && !audit_holds(r, p);
        p->tls = 0;
        if (held)
            return 1;
    }
    return 0;
}

/* An outsider sends as our domain, in MAIL FROM and From:, to one of our users. */
static int
audit_try_spoof(struct audit *a, const struct listener *l, struct audit_probe *p, void *ctx)
{
    struct audit_walk w;
    char ip[INET6_ADDRSTRLEN] = "?";

    (void)ctx;
    if (p->from != &a->ours[0] || p->rdns_fails || p->rcpt >= a->ours + a->nown)
        return 0;
    p->author = a->author;
    audit_walk(a, l->policy, p, STAGE_HEADER, 0, 0, &w);
    p->author = NULL;
    if (w.refused)
        return 0;
    inet_ntop(p->client->family, p->client->bytes, ip, sizeof(ip));
    audit_warn(a, l->policy->file, l->policy->line,
               "listener %s lets an unauthenticated outsider send as our domain: policy %s refuses "
               "neither MAIL FROM <%s> nor From: %s (client %s, %s, RCPT TO <%s>)",
               l->name, l->policy->name, p->from->text, p->from->text, ip,
               p->tls ? "TLS" : "no TLS", p->rcpt->text);
    return 1;
}

/* The default listener relays for a login: the relay stage alone is looked at (sender
 * binding at mail is another question). */
static int
audit_try_default(struct audit *a, const struct listener *l, struct audit_probe *p, void *ctx)
{
    struct audit_walk w;

    (void)ctx;
    audit_walk(a, l->policy, p, STAGE_RCPT, 1u << STAGE_MAIL, 0, &w);
    if (w.refused)
        return 0;
    audit_warn(a, l->file, l->line,
               "listener %s takes every connection that no listener names, and policy %s relays "
               "there for logins: a catch-all listener should relay for nobody",
               l->name, l->policy->name);
    return 1;
}

static void
audit_listener(struct audit *a, const struct listener *l)
{
    size_t i;
    int open;

    if (l->policy == NULL)
        return;
    open = audit_probes(a, l, &a->out4, NULL, 0, audit_try_open, NULL) ||
           audit_probes(a, l, &a->out6, NULL, 0, audit_try_open, NULL);
    for (i = 0; !open && i < a->nnets; i++)
        audit_probes(a, l, &a->nets[i].addr, NULL, 0, audit_try_net, &a->nets[i]);
    if (!audit_probes(a, l, &a->out4, "audit-probe", 0, audit_try_tls, NULL))
        audit_warn(
            a, l->policy->file, l->policy->line,
            "listener %s accepts a login without TLS: no rule of policy %s refuses auth !tls",
            l->name, l->policy->name);
    if (a->nours > 0)
        audit_probes(a, l, &a->out4, NULL, 1, audit_try_spoof, NULL);
    if (l->is_default && !open)
        audit_probes(a, l, &a->out4, "audit-probe", 0, audit_try_default, NULL);
}

/* The lists that decide relay, against the Public Suffix List; and the foreign probe. */
static void
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
            snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
                     i ? ", " : "", audit_foreign[i]);
        audit_warn(a, a->ours_lists[0]->file, a->ours_lists[0]->line,
                   "no foreign probe exists: every candidate (%s) is inside a list recipients "
                   "are tested against, so no relay check could try a domain that is not ours",
                   names);
    }
}

static void
audit_free(struct audit *a)
{
    free(a->ours);
    free(a->routed);
    free(a->ours_lists);
    free(a->nets);
    free(a->senders);
    free(a->sender_lists);
    free(a->author);
}

static int
audit_order(const void *x, const void *y)
{
    const struct audit_warning *a = x, *b = y;

    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

int
audit_ruleset(const struct ruleset *rs, char *out, size_t outlen)
{
    struct audit a;
    size_t i, used = 0;
    int n;

    memset(&a, 0, sizeof(a));
    a.rs = rs;
    if (outlen > 0)
        out[0] = '\0';
    if (audit_collect(&a) == -1)
        a.oom = 1;
    for (i = 0; !a.oom && i < rs->policies.cap; i++)
        if (rs->policies.slots[i].key != NULL)
            audit_dead_rules(&a, rs->policies.slots[i].value);
    audit_public_suffixes(&a);
    for (i = 0; !a.oom && i < rs->nlisteners; i++)
        audit_listener(&a, &rs->listeners[i]);
    if (a.w != NULL)
        qsort(a.w, a.nw, sizeof(*a.w), audit_order);
    for (i = 0; !a.oom && i < a.nw && i < AUDIT_MAX_REPORTED; i++) {
        size_t len = strlen(a.w[i].text);
        if (used + len + 2 > outlen)
            break;
        memcpy(out + used, a.w[i].text, len);
        out[used + len] = '\n';
        out[used += len + 1] = '\0';
    }
    if (!a.oom && a.nw > AUDIT_MAX_REPORTED && outlen > used)
        snprintf(out + used, outlen - used, "%zu more warning%s not shown\n",
                 a.nw - AUDIT_MAX_REPORTED, a.nw - AUDIT_MAX_REPORTED == 1 ? "" : "s");
    if (a.oom)
        util_errf(out, outlen, "audit: out of memory");
    n = a.oom ? -1 : (int)a.nw;
    for (i = 0; i < a.nw; i++)
        free(a.w[i].text);
    free(a.w);
    audit_free(&a);
    return n;
}

size_t
audit_sender_domains(const struct ruleset *rs, char (*out)[AUDIT_DOMAIN_LEN], size_t max)
{
    struct audit a;
    size_t i, j, n = 0;

    memset(&a, 0, sizeof(a));
    a.rs = rs;
    if (audit_collect(&a) == -1) {
        audit_free(&a);
        return (size_t)-1;
    }
    for (i = 0; i < a.nours + a.nsenders; i++) {
        const char *d = i < a.nours ? a.ours[i].domain : a.senders[i - a.nours].domain;
        for (j = 0; j < n && j < max && !util_strcaseeq(out[j], d); j++)
            ;
        if (j < n)
            continue;
        if (n < max)
            util_strlcpy(out[n], d, AUDIT_DOMAIN_LEN);
        n++;
    }
    audit_free(&a);
    return n;
}

int
audit_domain_decides_relay(const struct ruleset *rs, const char *domain)
{
    return audit_to_listed(rs, domain);
}

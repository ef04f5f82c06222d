/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * audit.c - the static audit: each listener's policy is walked, by eval.c's own walk and
 * cond.c's own evaluators, for concrete probe sessions (an outsider relaying, a client of a
 * listed network, a login without TLS, an outsider sending as us), and rules are compared by
 * their condition rows for contradictions and shadowing. Nothing is decided from rule text.
 */
#include "audit.h"
#include "audit_int.h"
#include "action.h"
#include "addr.h"
#include "cond.h"
#include "eval.h"
#include "hdraddr.h"
#include "util.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t
audit_file_index(const struct ruleset *rs, const char *file)
{
    size_t i;

    for (i = 0; i < rs->nfiles; i++)
        if (rs->files[i] == file || strcmp(rs->files[i], file) == 0)
            return i;
    return rs->nfiles;
}

void
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

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * eval.c - rule matching. First match wins inside a stage; all conditions of a rule must hold.
 *
 * Two meanings of "an address and a domains list", one per question:
 *   - is it ours (to, from: may we deliver it, may it relay)? Only when every domain it can
 *     route through is in the list, so u%evil@ours or @ours:u@evil never count as ours. An
 *     unqualified recipient such as <postmaster> names no domain: the MTA delivers it here,
 *     so it counts as inside every list. The null sender <> is inside none.
 *   - does it claim the list (from-claims, header-from: is it spoofing us)? When any domain it
 *     names is in the list: <ceo%remote@ours>, <@relay:ceo@ours> and <remote!ceo@ours> all
 *     claim ours. The envelope and the header use this same test.
 */
#include "eval.h"

static int
eval_addr_in(const struct addr *a, const struct list *l)
{
    int i;

    if (a == NULL || (a->flags & (ADDR_F_NULL | ADDR_F_HOPS_OVERFLOW)))
        return 0;
    for (i = 0; i < a->nhops; i++)
        if (!list_match_domain(l, a->hops[i]))
            return 0;
    return 1;
}

/* Some hop of a is in the list: a names one of its domains. An address with more hops than
 * were kept may name it in one not kept, so it claims every list. */
static int
eval_addr_claims(const struct addr *a, const struct list *l)
{
    int i;

    if (a == NULL || (a->flags & ADDR_F_NULL))
        return 0;
    if (a->flags & ADDR_F_HOPS_OVERFLOW)
        return 1;
    for (i = 0; i < a->nhops; i++)
        if (list_match_domain(l, a->hops[i]))
            return 1;
    return 0;
}

/* Every author mailbox (and every address hidden in a display name) is owned by the login.
 * A missing, repeated or unparseable From: is never owned. */
static int
eval_author_owned(const struct session *s, const struct list *l)
{
    const struct author *au = s->author;
    int i;

    if (au == NULL || au->broken || au->nfrom != 1 || au->nsender > 1 || au->nbox == 0)
        return 0;
    for (i = 0; i < au->nbox; i++)
        if (!senders_owns(&l->senders, s->auth, au->box[i].local, au->box[i].domain,
                          au->box[i].flags))
            return 0;
    return 1;
}

/* Some author mailbox (or an address found in display text) claims a domain in the list.
 * Broken or repeated author headers count as a claim: a forgery must not pass because it is
 * also malformed. */
static int
eval_author_in(const struct author *au, const struct list *l)
{
    int i;

    if (au == NULL)
        return 0;
    if (au->broken || au->nfrom > 1 || au->nsender > 1)
        return 1;
    for (i = 0; i < au->nbox; i++)
        if (eval_addr_claims(&au->box[i], l))
            return 1;
    return 0;
}

int
eval_cond(const struct cond *c, const struct session *s)
{
    int authed = s->auth != NULL && s->auth[0] != '\0', r = 0;

    switch (c->kind) {
    case COND_TO:
        r = eval_addr_in(s->rcpt, c->list);
        break;
    case COND_FROM:
        r = eval_addr_in(s->from, c->list);
        break;
    case COND_FROM_CLAIMS:
        r = eval_addr_claims(s->from, c->list);
        break;
    case COND_AUTH:
        r = authed;
        break;
    case COND_LOGIN:
        r = authed && list_match_login(c->list, s->auth);
        break;
    case COND_TLS:
        r = s->tls;
        break;
    case COND_CLIENT:
        r = s->client != NULL && list_match_net(c->list, s->client);
        break;
    case COND_ROUTED:
        r = s->rcpt != NULL && (s->rcpt->flags & ADDR_F_ROUTED) != 0;
        break;
    case COND_SENDER_OWNED:
        r = authed && s->from != NULL &&
            senders_owns(&c->list->senders, s->auth, s->from->local, s->from->domain,
                         s->from->flags);
        break;
    case COND_FROM_OWNED:
        r = authed && eval_author_owned(s, c->list);
        break;
    case COND_HEADER_FROM:
        r = eval_author_in(s->author, c->list);
        break;
    case COND_RDNS:
        r = s->rdns != NULL && s->rdns->verdict == c->verdict;
        break;
    }
    return c->negate ? !r : r;
}

int
eval_next(const struct policy *pol, enum stage st, const struct session *s, size_t *pos,
          const struct rule **out)
{
    size_t i, j;

    if (pol == NULL)
        return 0;
    for (i = *pos; i < pol->nrules; i++) {
        const struct rule *r = pol->rules[i];
        if (r->stage != st)
            continue;
        for (j = 0; j < r->nconds && eval_cond(&r->conds[j], s); j++)
            ;
        if (j == r->nconds) {
            *pos = i + 1;
            *out = r;
            return 1;
        }
    }
    *pos = pol->nrules;
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cond.c - the conditions of the rules language, one table row and one evaluator each.
 *
 * Two meanings of "an address and a domains list", one per question:
 *   - is it ours (to, from: may we deliver it, may it relay)? Only when every domain it can
 *     route through is in the list, so u%evil@ours or @ours:u@evil never count as ours. An
 *     unqualified address such as <postmaster> names no domain (the MTA delivers it here):
 *     the question does not apply, negated or not. The null sender <> is inside none.
 *   - does it claim the list (from-claims, header-from: is it spoofing us)? When any domain it
 *     names is in the list: <ceo%remote@ours>, <@relay:ceo@ours> and <remote!ceo@ours> all
 *     claim ours. The envelope and the header use this same test.
 */
#include "cond.h"
#include "util.h"

#include <string.h>

static int
cond_authed(const struct facts *f)
{
    return f->auth != NULL && f->auth[0] != '\0';
}

static int
cond_addr_in(const struct addr *a, const struct list *l)
{
    int i;

    if (a == NULL || (a->flags & (ADDR_F_NULL | ADDR_F_HOPS_OVERFLOW)))
        return 0;
    /* <postmaster> names no domain: the MTA delivers it here. It is neither inside nor
     * outside a list, so "to !<ours>" does not refuse it and "to { trap.example }" does not
     * take it. */
    if (a->nhops == 0)
        return COND_NA;
    for (i = 0; i < a->nhops; i++)
        if (!list_match_domain(l, a->hops[i]))
            return 0;
    return 1;
}

/* Some hop of a is in the list: a names one of its domains. An address with more hops than
 * were kept may name it in one not kept, so it claims every list. */
static int
cond_addr_claims(const struct addr *a, const struct list *l)
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

static int
cond_to(const struct cond *c, const struct facts *f)
{
    return cond_addr_in(f->rcpt, c->list);
}

static int
cond_from(const struct cond *c, const struct facts *f)
{
    return cond_addr_in(f->from, c->list);
}

static int
cond_from_claims(const struct cond *c, const struct facts *f)
{
    return cond_addr_claims(f->from, c->list);
}

static int
cond_auth(const struct cond *c, const struct facts *f)
{
    return cond_authed(f);
}

static int
cond_login(const struct cond *c, const struct facts *f)
{
    return cond_authed(f) && list_match_login(c->list, f->auth);
}

static int
cond_tls(const struct cond *c, const struct facts *f)
{
    return f->tls;
}

static int
cond_client(const struct cond *c, const struct facts *f)
{
    return f->client != NULL && list_match_net(c->list, f->client);
}

static int
cond_routed(const struct cond *c, const struct facts *f)
{
    return f->rcpt != NULL && (f->rcpt->flags & ADDR_F_ROUTED) != 0;
}

static int
cond_sender_owned(const struct cond *c, const struct facts *f)
{
    return cond_authed(f) && f->from != NULL &&
           senders_owns(&c->list->senders, f->auth, f->from->local, f->from->domain,
                        f->from->flags);
}

/* The first author mailbox the login does not own, or -1. */
static int
cond_from_owned_culprit(const struct cond *c, const struct facts *f)
{
    const struct author *au = f->author;
    int i;

    for (i = 0; au != NULL && cond_authed(f) && i < au->nbox; i++)
        if (!senders_owns(&c->list->senders, f->auth, au->box[i].local, au->box[i].domain,
                          au->box[i].flags))
            return i;
    return -1;
}

/* The first author mailbox that claims the list, or -1. */
static int
cond_header_from_culprit(const struct cond *c, const struct facts *f)
{
    const struct author *au = f->author;
    int i;

    for (i = 0; au != NULL && i < au->nbox; i++)
        if (cond_addr_claims(&au->box[i], c->list))
            return i;
    return -1;
}

/* Every author mailbox (and every address found in their display text) is owned by the
 * login. A missing, repeated or unparseable From: is never owned. */
static int
cond_from_owned(const struct cond *c, const struct facts *f)
{
    const struct author *au = f->author;

    if (!cond_authed(f) || au == NULL || au->broken || au->nfrom != 1 || au->nsender > 1 ||
        au->nbox == 0)
        return 0;
    return cond_from_owned_culprit(c, f) < 0;
}

/* Some author mailbox (or an address found in display text) claims a domain in the list.
 * Broken or repeated author headers count as a claim: a forgery must not pass because it is
 * also malformed. */
static int
cond_header_from(const struct cond *c, const struct facts *f)
{
    const struct author *au = f->author;

    if (au == NULL)
        return 0;
    if (au->broken || au->nfrom > 1 || au->nsender > 1)
        return 1;
    return cond_header_from_culprit(c, f) >= 0;
}

/* The verdict, when the lookup was made; a lookup that could not be made is undecidable. */
static int
cond_rdns(const struct cond *c, const struct facts *f)
{
    if (f->rdns == NULL)
        return f->rdns_error != NULL ? -1 : 0;
    return f->rdns->verdict == c->verdict;
}

/* In the order the hints and the man page list them. */
static const struct cond_def cond_table[] = {
    {"to", CARG_LIST, LIST_DOMAINS, STAGE_RCPT, STAGE_RCPT, 0, cond_to, NULL,
     "every domain the recipient can route through is in the list"},
    {"from", CARG_LIST, LIST_DOMAINS, STAGE_MAIL, STAGE_CONTENT, 0, cond_from, NULL,
     "every domain the envelope sender can route through is in the list (it is ours)"},
    {"from-claims", CARG_LIST, LIST_DOMAINS, STAGE_MAIL, STAGE_CONTENT, 0, cond_from_claims, NULL,
     "some domain the envelope sender names is in the list (it claims to be us)"},
    {"auth", CARG_NONE, LIST_DOMAINS, STAGE_MAIL, STAGE_CONTENT, 0, cond_auth, NULL, "the client authenticated"},
    {"login", CARG_LIST, LIST_LOGINS, STAGE_MAIL, STAGE_CONTENT, 0, cond_login, NULL,
     "the login is in the logins list"},
    {"tls", CARG_NONE, LIST_DOMAINS, STAGE_HELO, STAGE_CONTENT, 0, cond_tls, NULL, "the session uses TLS"},
    {"client", CARG_LIST, LIST_NETWORKS, STAGE_CONNECT, STAGE_CONTENT, 0, cond_client, NULL,
     "the client address is in the networks list"},
    {"routed", CARG_NONE, LIST_DOMAINS, STAGE_RCPT, STAGE_RCPT, 0, cond_routed, NULL,
     "the recipient uses routing syntax (%-hack, bang path, source route, quoted @)"},
    {"sender-owned-by", CARG_LIST, LIST_SENDERS, STAGE_MAIL, STAGE_CONTENT, 0, cond_sender_owned, NULL,
     "the login owns the envelope sender"},
    {"from-owned-by", CARG_LIST, LIST_SENDERS, STAGE_HEADER, STAGE_CONTENT, 0, cond_from_owned,
     cond_from_owned_culprit,
     "the login owns every From:/Sender: mailbox and every address in their display text"},
    {"header-from", CARG_LIST, LIST_DOMAINS, STAGE_HEADER, STAGE_CONTENT, 0, cond_header_from,
     cond_header_from_culprit,
     "From:/Sender: or their display text claims a domain of the list, or they are broken"},
    {"rdns", CARG_RDNS, LIST_DOMAINS, STAGE_CONNECT, STAGE_CONTENT, CNEED_RDNS, cond_rdns, NULL,
     "the client's forward-confirmed reverse DNS verdict is pass, unverified, failed or "
     "temperror"},
};
#define COND_TABLE_LEN (sizeof(cond_table) / sizeof(cond_table[0]))

const struct cond_def *
cond_lookup(const char *name)
{
    size_t i;

    for (i = 0; i < COND_TABLE_LEN; i++)
        if (strcmp(cond_table[i].name, name) == 0)
            return &cond_table[i];
    return NULL;
}

size_t
cond_count(void)
{
    return COND_TABLE_LEN;
}

const struct cond_def *
cond_at(size_t i)
{
    return i < COND_TABLE_LEN ? &cond_table[i] : NULL;
}

static const char *
cond_name_at(const void *ctx, size_t i)
{
    (void)ctx;
    return cond_table[i].name;
}

char *
cond_names(char *buf, size_t len)
{
    return util_join(buf, len, NULL, COND_TABLE_LEN, cond_name_at, ", ", NULL);
}

int
cond_eval(const struct cond *c, const struct facts *f, const char **why)
{
    int r;

    if ((r = c->def->eval(c, f)) < 0) {
        *why = (c->def->needs & CNEED_RDNS) && f->rdns_error ? f->rdns_error : "lookup failed";
        return -1;
    }
    if (r == COND_NA)
        return 0;
    return c->negate ? !r : r;
}

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

#include <stdio.h>
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

/* Content screening's answers: a bit each, kept as the message went by (content.c). */
static int
cond_bit(const unsigned char *bits, unsigned i)
{
    return bits != NULL && (bits[i / 8] >> (i % 8)) & 1;
}

/* No content facts: the rules did not ask for the body, nothing to find. Failed screening:
 * undecidable, so on-error applies rather than a pass. */
static int
cond_content_ok(const struct facts *f)
{
    if (f->content == NULL)
        return 0;
    return f->content->error[0] ? -1 : 1;
}

static int
cond_keyword(const struct cond *c, const struct facts *f)
{
    int r = cond_content_ok(f);

    return r <= 0 ? r : cond_bit(f->content->kw_hits, (unsigned)c->list->kw_index);
}

static int
cond_attachment(const struct cond *c, const struct facts *f)
{
    int r = cond_content_ok(f);

    return r <= 0 ? r : cond_bit(f->content->cond_hits, c->id);
}

static int
cond_mime_malformed(const struct cond *c, const struct facts *f)
{
    int r = cond_content_ok(f);

    return r <= 0 ? r : f->content->malformed;
}

static int
cond_mime_limit(const struct cond *c, const struct facts *f)
{
    int r = cond_content_ok(f);

    return r <= 0 ? r : f->content->limit;
}

static int
cond_size(const struct cond *c, const struct facts *f)
{
    int r = cond_content_ok(f);

    if (r <= 0)
        return r;
    return c->size_cmp == '>' ? f->content->size > c->size : f->content->size < c->size;
}

/* A value of a part against a list: a hit puts the value in what (for the log). */
static int
cond_part_one(const struct list *l, const char *v, char *what, size_t wlen)
{
    int r;

    if (v == NULL || v[0] == '\0')
        return 0;
    r = l->type == LIST_HASHES ? list_match_hash(l, v) : list_match_name(l, v);
    if (r == 1)
        util_strlcpy(what, v, wlen);
    return r;
}

/* Extensions as attach.h lists them for archive members: NUL-terminated, ending in "". */
static int
cond_part_exts(const struct list *l, const char *exts, const char *name, char *what,
               size_t wlen)
{
    int r;

    for (; exts != NULL && exts[0] != '\0'; exts += strlen(exts) + 1)
        if ((r = cond_part_one(l, exts, what, wlen)) != 0) {
            if (r == 1)
                util_strlcpy(what, name, wlen);
            return r;
        }
    return 0;
}

static int
cond_part_name(const struct cond *c, const struct part_facts *pf, char *what, size_t wlen)
{
    int k, r;

    for (k = 0; k < 2; k++)
        if (pf->names[k] != NULL && (r = cond_part_one(c->list, pf->names[k]->name, what, wlen)))
            return r;
    return 0;
}

/* Every extension of a name counts: invoice.pdf.exe is a pdf and an exe. */
static int
cond_part_ext(const struct cond *c, const struct part_facts *pf, char *what, size_t wlen)
{
    size_t i;
    int k, r;

    for (k = 0; k < 2; k++)
        for (i = 0; pf->names[k] != NULL && i < pf->names[k]->next; i++)
            if ((r = cond_part_one(c->list, pf->names[k]->ext[i], what, wlen)) != 0) {
                if (r == 1)
                    util_strlcpy(what, pf->names[k]->name, wlen);
                return r;
            }
    return 0;
}

static int
cond_part_type(const struct cond *c, const struct part_facts *pf, char *what, size_t wlen)
{
    return cond_part_one(c->list, pf->type, what, wlen);
}

static int
cond_part_truetype(const struct cond *c, const struct part_facts *pf, char *what, size_t wlen)
{
    return pf->af ? cond_part_one(c->list, pf->af->truetype, what, wlen) : 0;
}

static int
cond_part_hash(const struct cond *c, const struct part_facts *pf, char *what, size_t wlen)
{
    return pf->af ? cond_part_one(c->list, pf->af->sha256, what, wlen) : 0;
}

static int
cond_part_inner_name(const struct cond *c, const struct part_facts *pf, char *what, size_t wlen)
{
    size_t i;
    int r;

    for (i = 0; pf->af != NULL && i < pf->af->ninner; i++)
        if ((r = cond_part_one(c->list, pf->af->inner[i].name, what, wlen)) != 0) {
            if (r == 1)
                util_strlcpy(what, pf->af->inner[i].path, wlen);
            return r;
        }
    return 0;
}

static int
cond_part_inner_ext(const struct cond *c, const struct part_facts *pf, char *what, size_t wlen)
{
    size_t i;
    int r;

    for (i = 0; pf->af != NULL && i < pf->af->ninner; i++)
        if ((r = cond_part_exts(c->list, pf->af->inner[i].exts, pf->af->inner[i].path, what,
                                wlen)) != 0)
            return r;
    return 0;
}

/* The part's first name, for the log of the flag conditions. */
static int
cond_part_flag(const struct part_facts *pf, int on, char *what, size_t wlen)
{
    if (on)
        util_strlcpy(what, pf->names[0] ? pf->names[0]->name : pf->names[1] ? pf->names[1]->name : "",
                     wlen);
    return on;
}

static unsigned
cond_name_flags(const struct part_facts *pf)
{
    return (pf->names[0] ? pf->names[0]->flags : 0) | (pf->names[1] ? pf->names[1]->flags : 0);
}

static int
cond_part_encrypted(const struct cond *c, const struct part_facts *pf, char *what, size_t wlen)
{
    return cond_part_flag(pf, pf->af && (pf->af->flags & ATTACH_ENCRYPTED), what, wlen);
}

static int
cond_part_double_ext(const struct cond *c, const struct part_facts *pf, char *what, size_t wlen)
{
    return cond_part_flag(pf, (cond_name_flags(pf) & NAME_DOUBLE_EXT) != 0, what, wlen);
}

static int
cond_part_bidi(const struct cond *c, const struct part_facts *pf, char *what, size_t wlen)
{
    size_t i;

    if (cond_name_flags(pf) & NAME_BIDI)
        return cond_part_flag(pf, 1, what, wlen);
    for (i = 0; pf->af != NULL && i < pf->af->ninner; i++)
        if (pf->af->inner[i].name_flags & NAME_BIDI) {
            util_strlcpy(what, pf->af->inner[i].path, wlen);
            return 1;
        }
    return 0;
}

/* hygiene: does the message have one of the defects the row names (its second word)? Not
 * gathered (no hygiene state): nothing found. */
static int
cond_hygiene(const struct cond *c, const struct facts *f)
{
    const struct hygiene_def *d = hygiene_lookup(c->def->name + strlen("hygiene "));

    return f->hygiene != NULL && d != NULL && (f->hygiene->defects & d->defect) != 0;
}

/* In the order the hints and the man page list them. */
static const struct cond_def cond_table[] = {
    {"to", CARG_LIST, LIST_DOMAINS, STAGE_RCPT, STAGE_RCPT, 0, cond_to, NULL,
     "every domain the recipient can route through is in the list", NULL},
    {"from", CARG_LIST, LIST_DOMAINS, STAGE_MAIL, STAGE_CONTENT, 0, cond_from, NULL,
     "every domain the envelope sender can route through is in the list (it is ours)", NULL},
    {"from-claims", CARG_LIST, LIST_DOMAINS, STAGE_MAIL, STAGE_CONTENT, 0, cond_from_claims, NULL,
     "some domain the envelope sender names is in the list (it claims to be us)", NULL},
    {"auth", CARG_NONE, LIST_DOMAINS, STAGE_MAIL, STAGE_CONTENT, 0, cond_auth, NULL,
     "the client authenticated", NULL},
    {"login", CARG_LIST, LIST_LOGINS, STAGE_MAIL, STAGE_CONTENT, 0, cond_login, NULL,
     "the login is in the logins list", NULL},
    {"tls", CARG_NONE, LIST_DOMAINS, STAGE_HELO, STAGE_CONTENT, 0, cond_tls, NULL,
     "the session uses TLS", NULL},
    {"client", CARG_LIST, LIST_NETWORKS, STAGE_CONNECT, STAGE_CONTENT, 0, cond_client, NULL,
     "the client address is in the networks list", NULL},
    {"routed", CARG_NONE, LIST_DOMAINS, STAGE_RCPT, STAGE_RCPT, 0, cond_routed, NULL,
     "the recipient uses routing syntax (%-hack, bang path, source route, quoted @)", NULL},
    {"sender-owned-by", CARG_LIST, LIST_SENDERS, STAGE_MAIL, STAGE_CONTENT, 0, cond_sender_owned,
     NULL, "the login owns the envelope sender", NULL},
    {"from-owned-by", CARG_LIST, LIST_SENDERS, STAGE_HEADER, STAGE_CONTENT, 0, cond_from_owned,
     cond_from_owned_culprit,
     "the login owns every From:/Sender: mailbox and every address in their display text", NULL},
    {"header-from", CARG_LIST, LIST_DOMAINS, STAGE_HEADER, STAGE_CONTENT, 0, cond_header_from,
     cond_header_from_culprit,
     "From:/Sender: or their display text claims a domain of the list, or they are broken", NULL},
    {"rdns", CARG_RDNS, LIST_DOMAINS, STAGE_CONNECT, STAGE_CONTENT, CNEED_RDNS, cond_rdns, NULL,
     "the client's forward-confirmed reverse DNS verdict is pass, unverified, failed or "
     "temperror",
     NULL},
    {"keyword", CARG_LIST, LIST_KEYWORDS, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY, cond_keyword,
     NULL, "a keyword of the list is in the Subject or in the text of the message", NULL},
    {"attachment name", CARG_LIST, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY,
     cond_attachment, NULL, "a part's file name (filename= or name=) is in the names list",
     cond_part_name},
    {"attachment ext", CARG_LIST, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY,
     cond_attachment, NULL, "the extension of a part's file name is in the names list",
     cond_part_ext},
    {"attachment type", CARG_LIST, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY,
     cond_attachment, NULL, "a part's declared media type is in the names list", cond_part_type},
    {"attachment truetype", CARG_LIST, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY,
     cond_attachment, NULL, "the type sniffed from a part's content is in the names list",
     cond_part_truetype},
    {"attachment hash", CARG_LIST, LIST_HASHES, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY,
     cond_attachment, NULL, "the SHA-256 of a part's decoded content is in the hashes list",
     cond_part_hash},
    {"attachment inner-name", CARG_LIST, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY,
     cond_attachment, NULL, "a name inside an archive (at any depth) is in the names list",
     cond_part_inner_name},
    {"attachment inner-ext", CARG_LIST, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY,
     cond_attachment, NULL, "the extension of a name inside an archive is in the names list",
     cond_part_inner_ext},
    {"attachment encrypted", CARG_NONE, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY,
     cond_attachment, NULL, "an archive or a member of one is encrypted", cond_part_encrypted},
    {"attachment double-ext", CARG_NONE, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY,
     cond_attachment, NULL, "a file name has two extensions (invoice.pdf.exe)",
     cond_part_double_ext},
    {"attachment bidi", CARG_NONE, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY,
     cond_attachment, NULL,
     "a file name, or a name inside an archive, holds a bidi control (U+202E ...)", cond_part_bidi},
    {"mime malformed", CARG_NONE, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY,
     cond_mime_malformed, NULL, "the MIME structure is broken past repair", NULL},
    {"mime limit", CARG_NONE, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY, cond_mime_limit,
     NULL, "the message passed a limit of the MIME parser (screening stopped)", NULL},
    {"size", CARG_SIZE, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_BODY, cond_size, NULL,
     "the message (header fields and body) is over or under the size (10M, 512k, 2000)", NULL},
    /* limits (rate limits) */
    {"limit", CARG_LIMIT, LIST_DOMAINS, STAGE_MAIL, STAGE_RCPT, CNEED_LIMIT, limit_eval, NULL,
     "this message (a messages limit, at mail) or recipient (a recipients limit, at rcpt) "
     "would pass the limit <NAME>",
     NULL},
    /* geoip (geoip.c) */
    {"country", CARG_LIST, LIST_COUNTRIES, STAGE_CONNECT, STAGE_CONTENT, CNEED_COUNTRY,
     geoip_cond_country, NULL,
     "the client's country (ISO 3166-1 alpha-2, or unknown) is in the countries list", NULL},
    {"asn", CARG_LIST, LIST_ASNS, STAGE_CONNECT, STAGE_CONTENT, CNEED_ASN, geoip_cond_asn, NULL,
     "the client's autonomous system number (or unknown) is in the asns list", NULL},
    {"login-country", CARG_LIST, LIST_LOGINS_FROM, STAGE_MAIL, STAGE_CONTENT, CNEED_COUNTRY,
     geoip_cond_login, NULL,
     "the login is in the logins-from list and the client's country is one listed for it "
     "(a login not listed: neither holds nor fails)",
     NULL},
    /* hygiene: one row per defect of hygiene.c's table, in its order */
    {"hygiene missing-date", CARG_NONE, LIST_NAMES, STAGE_HEADER, STAGE_CONTENT, CNEED_HYGIENE,
     cond_hygiene, NULL, "the message has no Date: header", NULL},
    {"hygiene missing-message-id", CARG_NONE, LIST_NAMES, STAGE_HEADER, STAGE_CONTENT,
     CNEED_HYGIENE, cond_hygiene, NULL, "the message has no Message-ID: header", NULL},
    {"hygiene bad-from", CARG_NONE, LIST_NAMES, STAGE_HEADER, STAGE_CONTENT, CNEED_HYGIENE,
     cond_hygiene, NULL, "From: is missing, names no mailbox, or cannot be parsed", NULL},
    {"hygiene bad-sender", CARG_NONE, LIST_NAMES, STAGE_HEADER, STAGE_CONTENT, CNEED_HYGIENE,
     cond_hygiene, NULL,
     "a Sender: is there but cannot be parsed, names several mailboxes or is a group", NULL},
    {"hygiene 8bit-header", CARG_NONE, LIST_NAMES, STAGE_HEADER, STAGE_CONTENT, CNEED_HYGIENE,
     cond_hygiene, NULL, "a header field holds a byte over 127 and MAIL FROM did not say SMTPUTF8",
     NULL},
    {"hygiene long-line", CARG_NONE, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_HYGIENE,
     cond_hygiene, NULL, "a header or body line is longer than 998 octets", NULL},
    {"hygiene bare-cr-lf", CARG_NONE, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_HYGIENE,
     cond_hygiene, NULL,
     "a CR not followed by LF, or a LF that is no line end, in a header value or the body", NULL},
    {"hygiene duplicate-header", CARG_NONE, LIST_NAMES, STAGE_HEADER, STAGE_CONTENT, CNEED_HYGIENE,
     cond_hygiene, NULL,
     "Date, From, Sender, Subject, Message-ID, To, Cc, Reply-To, In-Reply-To or References "
     "occurs twice",
     NULL},
    {"hygiene fixable", CARG_NONE, LIST_NAMES, STAGE_HEADER, STAGE_CONTENT, CNEED_HYGIENE,
     cond_hygiene, NULL, "the message lacks Date: or Message-ID: (what fix adds)", NULL},
    {"hygiene any", CARG_NONE, LIST_NAMES, STAGE_CONTENT, STAGE_CONTENT, CNEED_HYGIENE,
     cond_hygiene, NULL, "the message has any of the hygiene defects", NULL},
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
        if ((c->def->needs & CNEED_LIMIT) && f->limit_seen && f->limit_seen->why[0])
            *why = f->limit_seen->why; /* limits (rate limits): why the store failed */
        if ((c->def->needs & (CNEED_COUNTRY | CNEED_ASN)) && f->geo_error) /* geoip */
            *why = f->geo_error;
        return -1;
    }
    if (r == COND_NA)
        return 0;
    return c->negate ? !r : r;
}

int
cond_settled(const struct cond *c, const struct facts *f)
{
    int r;

    /* hygiene: a defect found stays found; one of the body's may still come until its end */
    if ((c->def->needs & CNEED_HYGIENE) && c->def->first == STAGE_CONTENT && f->hygiene != NULL &&
        !f->hygiene->ended)
        return !c->negate && c->def->eval(c, f) == 1;
    if (!(c->def->needs & CNEED_BODY) || f->content == NULL || f->content->done ||
        f->content->error[0])
        return 1;
    /* The facts only grow: a keyword found, a part seen, a flaw, a size passed stay so. What
     * has not happened yet may still happen; a size below the bound may still grow past it. */
    if ((r = c->def->eval(c, f)) < 0)
        return 1;
    if (c->def->arg == CARG_SIZE && c->size_cmp == '<')
        return r == 0;
    return r == 1;
}

void
cond_hit_detail(const struct cond *c, const struct facts *f, char *reason, size_t len)
{
    const struct content_hit *h = NULL;
    size_t n = strlen(reason);

    /* what matched came from the message: the decision line escapes the whole reason */
    if (f->content == NULL || n >= len || c->negate)
        return;
    if (c->def->eval == cond_keyword)
        h = &f->content->kw_first[c->list->kw_index];
    else if (c->def->part != NULL)
        h = &f->content->cond_first[c->id];
    else if (c->def->eval == cond_mime_malformed || c->def->eval == cond_mime_limit)
        snprintf(reason + n, len - n, " (%.100s)", f->content->mime_why);
    else if (c->def->eval == cond_size)
        snprintf(reason + n, len - n, " (size %llu)", f->content->size);
    if (h == NULL || !h->found)
        return;
    if (c->def->eval == cond_keyword && h->part == CONTENT_SUBJECT)
        snprintf(reason + n, len - n, " (keyword \"%.100s\" in Subject)", h->what);
    else if (c->def->eval == cond_keyword)
        snprintf(reason + n, len - n, " (keyword \"%.100s\" in part %u)", h->what, h->part);
    else
        snprintf(reason + n, len - n, " (part %u \"%.100s\")", h->part, h->what);
}

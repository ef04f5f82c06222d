/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parse_rule.c - policy blocks and the rules inside them:
 *     STAGE [log-only] ACTION [[!]CONDITION ...] ["CODE X.Y.Z text"]
 * A condition is known from a given stage on ('to' at rcpt, 'auth' from mail, ...); using it
 * earlier is an error, not a rule that silently never matches.
 */
#include "parse.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A condition's argument: <name>, "item", bare item or { items }. A '!' before it negates. */
static const struct list *
parse_target(struct parser *p, enum list_type type, const char *kw, int *negate)
{
    struct strset_entry *e;
    struct list *l;
    char err[300];
    int line = p->tok.line;

    parse_next(p);
    while (p->tok.type == T_BANG) {
        *negate = !*negate;
        parse_next(p);
    }
    switch (p->tok.type) {
    case T_LISTREF:
        if ((e = strset_get(&p->rs->lists, p->tok.text)) == NULL) {
            parse_err(p, line, "list <%s> is not defined", p->tok.text);
            return NULL;
        }
        l = e->value;
        if (l->type != type) {
            parse_err(p, line, "list <%s> holds %s, '%s' needs %s", l->name,
                      list_type_name(l->type), kw, list_type_name(type));
            return NULL;
        }
        return l;
    case T_WORD:
    case T_STRING:
        if ((l = parse_new_list(p, NULL, type, line)) == NULL) {
            parse_err(p, line, "out of memory");
            return NULL;
        }
        if (list_add(l, p->tok.text, err, sizeof(err)) == -1) {
            parse_err(p, line, "%s", err);
            return NULL;
        }
        return l;
    case T_LBRACE:
        if ((l = parse_new_list(p, NULL, type, line)) == NULL) {
            parse_err(p, line, "out of memory");
            return NULL;
        }
        parse_items(p, l);
        return l;
    default:
        parse_err(p, line, "'%s' needs a list (<name>, \"item\" or { items }), got %s", kw,
                  parse_desc(p));
        return NULL;
    }
}

/* "550 5.7.1 text", "5.7.1 text" or "text". */
static int
parse_reply(struct parser *p, struct rule *r, const char *s, int line)
{
    int klass = r->action == ACT_TEMPFAIL ? 4 : 5;
    const char *t = s;
    size_t n;

    if (r->action == ACT_QUARANTINE) {
        /* The text is the quarantine reason the MTA records (postqueue, mailq). */
        return (r->reply.text = strdup(s)) != NULL ? 0 : -1;
    }
    if (r->action != ACT_REJECT && r->action != ACT_TEMPFAIL) {
        parse_err(p, line, "a reply text goes with reject, tempfail or quarantine, not %s",
                  rules_action_name(r->action));
        return -1;
    }
    snprintf(r->reply.code, sizeof(r->reply.code), "%d%s", klass, klass == 5 ? "50" : "51");
    snprintf(r->reply.xcode, sizeof(r->reply.xcode), "%d.7.1", klass);
    if (isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[1]) &&
        isdigit((unsigned char)t[2]) && (t[3] == ' ' || t[3] == '\0')) {
        if (t[1] > '5') {
            parse_err(p, line, "reply code %.3s is not an SMTP code (x0z to x5z)", t);
            return -1;
        }
        if (t[0] - '0' != klass) {
            parse_err(p, line, "reply code %.3s does not fit %s (needs %dxx)", t,
                      rules_action_name(r->action), klass);
            return -1;
        }
        memcpy(r->reply.code, t, 3);
        r->reply.code[3] = '\0';
        t += 3;
        t += strspn(t, " ");
    }
    n = strcspn(t, " ");
    if (n > 0 && isdigit((unsigned char)t[0]) && t[1] == '.') {
        unsigned a, b, c;
        char rest;
        char x[sizeof(r->reply.xcode)];
        if (n >= sizeof(x) ||
            (memcpy(x, t, n), x[n] = '\0', sscanf(x, "%u.%u.%u%c", &a, &b, &c, &rest) != 3) ||
            b > 999 || c > 999) {
            parse_err(p, line, "bad enhanced status code \"%.*s\" (want like %d.7.1)", (int)n, t,
                      klass);
            return -1;
        }
        if ((int)a != klass) {
            parse_err(p, line, "enhanced status code %s does not fit %s (needs %d.x.x)", x,
                      rules_action_name(r->action), klass);
            return -1;
        }
        util_strlcpy(r->reply.xcode, x, sizeof(r->reply.xcode));
        t += n;
        t += strspn(t, " ");
    }
    for (const char *c = t; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e) {
            parse_err(p, line, "reply text must be printable ASCII");
            return -1;
        }
    if (*t == '\0')
        t = klass == 5 ? "refused by policy" : "try again later";
    if ((r->reply.text = strdup(t)) == NULL) {
        parse_err(p, line, "out of memory");
        return -1;
    }
    return 0;
}

/* Which stage first knows what a condition tests. */
static enum stage
cond_first_stage(enum cond_kind k)
{
    switch (k) {
    case COND_CLIENT:
    case COND_RDNS:
        return STAGE_CONNECT;
    case COND_TLS:
        return STAGE_HELO;
    case COND_AUTH:
    case COND_LOGIN:
    case COND_FROM:
    case COND_FROM_CLAIMS:
        return STAGE_MAIL;
    case COND_SENDER_OWNED:
        return STAGE_MAIL;
    case COND_TO:
    case COND_ROUTED:
        return STAGE_RCPT;
    case COND_FROM_OWNED:
    case COND_HEADER_FROM:
        return STAGE_HEADER;
    }
    return STAGE_CONNECT;
}

static const char *
cond_name(enum cond_kind k)
{
    static const char *names[] = {
        [COND_TO] = "to",
        [COND_FROM] = "from",
        [COND_FROM_CLAIMS] = "from-claims",
        [COND_AUTH] = "auth",
        [COND_LOGIN] = "login",
        [COND_TLS] = "tls",
        [COND_CLIENT] = "client",
        [COND_ROUTED] = "routed",
        [COND_SENDER_OWNED] = "sender-owned-by",
        [COND_FROM_OWNED] = "from-owned-by",
        [COND_HEADER_FROM] = "header-from",
        [COND_RDNS] = "rdns",
    };
    return names[k];
}

void
parse_rule_free(struct rule *r)
{
    if (r == NULL)
        return;
    free(r->conds);
    free(r->reply.text);
    free(r);
}

/* One rule; tok is its first word. Returns NULL after reporting an error. */
static struct rule *
parse_rule(struct parser *p)
{
    static const enum kw stages[] = {KW_CONNECT, KW_HELO, KW_MAIL, KW_RCPT, KW_HEADER, KW_CONTENT};
    struct rule *r = calloc(1, sizeof(*r));
    int line = p->tok.line, i, ok = 1;
    enum kw k = parse_kw(&p->tok);

    if (r == NULL || (r->conds = calloc(PARSE_MAX_CONDS, sizeof(*r->conds))) == NULL) {
        parse_err(p, line, "out of memory");
        goto fail;
    }
    r->file = p->file;
    r->line = line;
    for (i = 0; i < STAGE_COUNT && stages[i] != k; i++)
        ;
    if (i == STAGE_COUNT) {
        parse_err(p, line,
                  "a rule starts with its stage (connect, helo, mail, rcpt, header, content), "
                  "got %s",
                  parse_desc(p));
        goto fail;
    }
    r->stage = (enum stage)i;
    parse_next(p);
    if (parse_kw(&p->tok) == KW_LOG_ONLY) {
        r->log_only = 1;
        parse_next(p);
    }
    switch (parse_kw(&p->tok)) {
    case KW_ACCEPT:
        r->action = ACT_ACCEPT;
        break;
    case KW_REJECT:
        r->action = ACT_REJECT;
        break;
    case KW_TEMPFAIL:
        r->action = ACT_TEMPFAIL;
        break;
    case KW_DISCARD:
        r->action = ACT_DISCARD;
        break;
    case KW_QUARANTINE:
        r->action = ACT_QUARANTINE;
        break;
    default:
        parse_err(p, line,
                  "expected an action (accept, reject, tempfail, discard, quarantine), got %s",
                  parse_desc(p));
        goto fail;
    }
    if ((r->action == ACT_DISCARD || r->action == ACT_QUARANTINE) && r->stage < STAGE_MAIL) {
        parse_err(p, line, "%s acts on a message: use it from the mail stage on, not at %s",
                  rules_action_name(r->action), rules_stage_name(r->stage));
        goto fail;
    }
    for (;;) {
        int negate = 0;
        struct cond c = {0};
        enum list_type lt = LIST_DOMAINS;

        parse_next(p);
        if (p->tok.type == T_NL || p->tok.type == T_EOF)
            break;
        if (p->tok.type == T_RBRACE) {
            p->pushed_back = 1;
            break;
        }
        while (p->tok.type == T_BANG) {
            negate = !negate;
            parse_next(p);
        }
        if (p->tok.type == T_STRING && !negate) {
            char text[LEX_TOKEN_MAX];
            util_strlcpy(text, p->tok.text, sizeof(text));
            if (parse_reply(p, r, text, line) == -1)
                ok = 0;
            parse_next(p);
            if (p->tok.type == T_RBRACE)
                p->pushed_back = 1;
            else if (p->tok.type != T_NL && p->tok.type != T_EOF) {
                parse_err(p, line, "the reply text ends the rule; unexpected %s after it",
                          parse_desc(p));
                goto fail;
            }
            break;
        }
        switch (parse_kw(&p->tok)) {
        case KW_LOG_ONLY:
            r->log_only = 1;
            continue;
        case KW_TO:
            c.kind = COND_TO;
            break;
        case KW_FROM:
            c.kind = COND_FROM;
            break;
        case KW_FROM_CLAIMS:
            c.kind = COND_FROM_CLAIMS;
            break;
        case KW_LOGIN:
            c.kind = COND_LOGIN;
            lt = LIST_LOGINS;
            break;
        case KW_CLIENT:
            c.kind = COND_CLIENT;
            lt = LIST_NETWORKS;
            break;
        case KW_AUTH:
            c.kind = COND_AUTH;
            break;
        case KW_TLS:
            c.kind = COND_TLS;
            break;
        case KW_ROUTED:
            c.kind = COND_ROUTED;
            break;
        case KW_SENDER_OWNED_BY:
            c.kind = COND_SENDER_OWNED;
            lt = LIST_SENDERS;
            break;
        case KW_FROM_OWNED_BY:
            c.kind = COND_FROM_OWNED;
            lt = LIST_SENDERS;
            break;
        case KW_HEADER_FROM:
            c.kind = COND_HEADER_FROM;
            break;
        case KW_RDNS: {
            int v;
            c.kind = COND_RDNS;
            parse_next(p);
            if (p->tok.type != T_WORD || (v = rdns_parse_verdict(p->tok.text)) < 0) {
                parse_err(p, line, "rdns needs pass, unverified, failed or temperror, got %s",
                          parse_desc(p));
                goto fail;
            }
            c.verdict = (enum rdns_verdict)v;
            break;
        }
        default:
            parse_err(p, line,
                      "unknown condition %s (to, from, from-claims, auth, login, tls, client, "
                      "routed, sender-owned-by, from-owned-by, header-from, rdns, log-only)",
                      parse_desc(p));
            goto fail;
        }
        if (c.kind != COND_AUTH && c.kind != COND_TLS && c.kind != COND_ROUTED &&
            c.kind != COND_RDNS) {
            if ((c.list = parse_target(p, lt, cond_name(c.kind), &negate)) == NULL)
                goto fail;
        }
        c.negate = negate;
        if (cond_first_stage(c.kind) > r->stage) {
            parse_err(p, line, "'%s' is not known yet at %s (it is known from %s on)",
                      cond_name(c.kind), rules_stage_name(r->stage),
                      rules_stage_name(cond_first_stage(c.kind)));
            ok = 0;
        }
        if (r->nconds == PARSE_MAX_CONDS) {
            parse_err(p, line, "too many conditions in one rule (at most %d)", PARSE_MAX_CONDS);
            goto fail;
        }
        r->conds[r->nconds++] = c;
    }
    if (!ok)
        goto fail_eol;
    if (r->reply.text == NULL && (r->action == ACT_REJECT || r->action == ACT_TEMPFAIL) &&
        parse_reply(p, r, "", line) == -1)
        goto fail_eol;
    return r;
fail:
    parse_skip_line(p);
fail_eol:
    parse_rule_free(r);
    return NULL;
}

void
parse_policy(struct parser *p)
{
    int line = p->tok.line;
    struct policy *pol;

    parse_next(p);
    if (p->tok.type != T_WORD || !parse_valid_name(p->tok.text)) {
        parse_err(p, line, "policy needs a name, got %s", parse_desc(p));
        parse_skip_line(p);
        return;
    }
    if (strset_get(&p->rs->policies, p->tok.text) != NULL) {
        const struct policy *old = strset_get(&p->rs->policies, p->tok.text)->value;
        parse_err(p, line, "policy \"%s\" is already defined at %s:%d", old->name, old->file,
                  old->line);
        parse_skip_line(p);
        return;
    }
    if ((pol = calloc(1, sizeof(*pol))) == NULL || (pol->name = strdup(p->tok.text)) == NULL ||
        strset_add(&p->rs->policies, p->tok.text, pol) == -1) {
        parse_err(p, line, "out of memory");
        if (pol)
            free(pol->name);
        free(pol);
        parse_skip_line(p);
        return;
    }
    pol->file = p->file;
    pol->line = line;
    parse_next(p);
    if (p->tok.type != T_LBRACE) {
        parse_err(p, line, "policy \"%s\" needs '{' after its name, got %s", pol->name,
                  parse_desc(p));
        parse_skip_line(p);
        return;
    }
    for (;;) {
        struct rule *r, **n;
        parse_next(p);
        if (p->tok.type == T_NL)
            continue;
        if (p->tok.type == T_RBRACE)
            break;
        if (p->tok.type == T_EOF) {
            parse_err(p, p->tok.line, "missing '}' for policy \"%s\" opened at line %d", pol->name,
                      line);
            return;
        }
        if ((r = parse_rule(p)) == NULL)
            continue;
        if ((n = realloc(pol->rules, (pol->nrules + 1) * sizeof(*n))) == NULL) {
            parse_err(p, r->line, "out of memory");
            parse_rule_free(r);
            continue;
        }
        pol->rules = n;
        n[pol->nrules++] = r;
        pol->stages |= 1u << r->stage;
        for (size_t j = 0; j < r->nconds; j++)
            pol->uses_rdns |= r->conds[j].kind == COND_RDNS;
    }
    parse_expect_eol(p);
}

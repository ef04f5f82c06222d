/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parse_rule.c - policy blocks and the rules inside them:
 *     [rule NAME:] STAGE [log-only] ACTION [[!]CONDITION ...] ["CODE X.Y.Z text"]
 * Conditions and actions come from their tables (cond.c, action.c): a condition is known from
 * a given stage on ('to' at rcpt, 'auth' from mail, ...); using it earlier is an error, not a
 * rule that silently never matches.
 */
#include "action.h"
#include "addr.h"
#include "cond.h"
#include "parse.h"
#include "sniff.h"
#include "util.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
            parse_err(p, line, "list <%s> is not defined", UTIL_ERRTOK(p->tok.text));
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

/* "550 5.7.1 text", "5.7.1 text" or "text": the SMTP reply of reject and tempfail. */
static int
parse_reply(struct parser *p, struct rule *r, const char *s, int line)
{
    const struct action_def *ad = action_def(r->action);
    int klass = ad->reply_class;
    const char *t = s;
    size_t n;

    snprintf(r->reply.code, sizeof(r->reply.code), "%d%s", klass, klass == 5 ? "50" : "51");
    snprintf(r->reply.xcode, sizeof(r->reply.xcode), "%d.7.1", klass);
    if (isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[1]) &&
        isdigit((unsigned char)t[2]) && (t[3] == ' ' || t[3] == '\0')) {
        if (t[1] > '5') {
            parse_err(p, line, "reply code %.3s is not an SMTP code (x0z to x5z)", t);
            return -1;
        }
        if (t[0] - '0' != klass) {
            parse_err(p, line, "reply code %.3s does not fit %s (needs %dxx)", t, ad->name, klass);
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
            char code[UTIL_ERR_TOKEN_MAX + 1];

            snprintf(code, sizeof(code), "%.*s", (int)n, t);
            parse_err(p, line, "bad enhanced status code \"%s\" (want like %d.7.1)",
                      UTIL_ERRTOK(code), klass);
            return -1;
        }
        if ((int)a != klass) {
            parse_err(p, line, "enhanced status code %s does not fit %s (needs %d.x.x)",
                      UTIL_ERRTOK(x), ad->name, klass);
            return -1;
        }
        util_strlcpy(r->reply.xcode, x, sizeof(r->reply.xcode));
        t += n;
        t += strspn(t, " ");
    }
    if (*t == '\0')
        t = klass == 5 ? "refused by policy" : "try again later";
    if ((r->reply.text = strdup(t)) == NULL) {
        parse_err(p, line, "out of memory");
        return -1;
    }
    return 0;
}

/* The text after the conditions: a reply for reject and tempfail, a reason for the others. */
static int
parse_text(struct parser *p, struct rule *r, const char *s, int line)
{
    const struct action_def *ad = action_def(r->action);

    for (const char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e) {
            parse_err(p, line, "%s text must be printable ASCII",
                      ad->text == ATEXT_REPLY ? "reply" : "reason");
            return -1;
        }
    switch (ad->text) {
    case ATEXT_REPLY:
        return parse_reply(p, r, s, line);
    case ATEXT_REASON:
        if ((r->reply.text = strdup(s)) == NULL) {
            parse_err(p, line, "out of memory");
            return -1;
        }
        return 0;
    case ATEXT_NONE:
        break;
    }
    parse_err(p, line, "%s takes no text: a reply goes with reject or tempfail, a reason with "
                       "discard, quarantine, redirect, copy or tag",
              ad->name);
    return -1;
}

/* The argument right after redirect, copy or tag. 0, or -1 after reporting. */
static int
parse_action_arg(struct parser *p, struct rule *r, int line)
{
    const struct action_def *ad = action_def(r->action);
    char err[160];
    struct addr a;

    if (ad->arg == AARG_TAG) {
        parse_next(p);
        if (p->tok.type == T_WORD && strcmp(p->tok.text, "subject") == 0) {
            r->tag = TAG_SUBJECT;
        } else if (p->tok.type == T_WORD && strcmp(p->tok.text, "header") == 0) {
            r->tag = TAG_HEADER;
        } else {
            parse_err(p, line, "tag needs subject \"PREFIX\" or header \"Name: value\", got %s",
                      parse_desc(p));
            return -1;
        }
    }
    parse_next(p);
    if (p->tok.type != T_STRING) {
        parse_err(p, line, "%s needs %s right after it, got %s", ad->name,
                  ad->arg == AARG_ADDRESS ? "a quoted address (\"user@example.com\")"
                                          : "a quoted text",
                  parse_desc(p));
        return -1;
    }
    for (const char *c = p->tok.text; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e) {
            parse_err(p, line, "%s: the text must be printable ASCII", ad->name);
            return -1;
        }
    if (ad->arg == AARG_ADDRESS) {
        if (addr_parse(p->tok.text, ADDR_RCPT, &a, err, sizeof(err)) == -1) {
            parse_err(p, line, "%s: bad address \"%s\": %s", ad->name, UTIL_ERRTOK(p->tok.text),
                      err);
            return -1;
        }
        if (a.flags & (ADDR_F_NULL | ADDR_F_UNQUALIFIED | ADDR_F_ROUTED)) {
            parse_err(p, line, "%s: bad address \"%s\": needs user@domain without routing",
                      ad->name, UTIL_ERRTOK(p->tok.text));
            return -1;
        }
        /* kept as local@domain: the engine adds the angle brackets */
        if ((r->arg = strdup(a.text)) == NULL) {
            parse_err(p, line, "out of memory");
            return -1;
        }
        return 0;
    }
    if (r->tag == TAG_HEADER && ad->arg == AARG_TAG) {
        const char *colon = strchr(p->tok.text, ':');
        size_t i, n = colon ? (size_t)(colon - p->tok.text) : 0;
        for (i = 0; i < n && p->tok.text[i] > 0x20 && p->tok.text[i] < 0x7f; i++)
            ;
        if (colon == NULL || n == 0 || i != n) {
            parse_err(p, line, "tag header needs \"Name: value\", got \"%s\"",
                      UTIL_ERRTOK(p->tok.text));
            return -1;
        }
        if (parse_name_list_add(&p->rs->tag_names, &p->rs->ntag_names, p->tok.text, n) == -1) {
            parse_err(p, line, "out of memory");
            return -1;
        }
        {
            char name[128];
            util_strlcpy(name, p->tok.text, n + 1 < sizeof(name) ? n + 1 : sizeof(name));
            if (parse_header_reserved(name) || strncasecmp(name, "X-", 2) != 0 || n < 3) {
                parse_err(p, line,
                          "tag header \"%s\": use an X- name (every client header of that "
                          "name is removed; tag subject prefixes the Subject)",
                          UTIL_ERRTOK(name));
                return -1;
            }
        }
    }
    if (ad->arg == AARG_TAG && p->tok.text[0] == '\0') {
        parse_err(p, line, "tag: the text is empty");
        return -1;
    }
    if ((r->arg = strdup(p->tok.text)) == NULL) {
        parse_err(p, line, "out of memory");
        return -1;
    }
    return 0;
}

/* The rule as written, for the trial: comments dropped, white space collapsed. */
static char *
parse_rule_text(const struct parser *p, size_t start, size_t end)
{
    const char *b = p->lx.buf;
    char *t = malloc(end - start + 1);
    size_t o = 0, i;
    int quoted = 0;

    if (t == NULL)
        return NULL;
    for (i = start; i < end && i < p->lx.len; i++) {
        char c = b[i];
        if (c == '\\' && quoted && i + 1 < end) {
            t[o++] = c;
            t[o++] = b[++i];
            continue;
        }
        if (c == '"')
            quoted = !quoted;
        if (c == '#' && !quoted) {
            while (i < end && b[i] != '\n')
                i++;
            continue;
        }
        if (!quoted && (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\\')) {
            if (o > 0 && t[o - 1] != ' ')
                t[o++] = ' ';
            continue;
        }
        t[o++] = c;
    }
    while (o > 0 && t[o - 1] == ' ')
        o--;
    t[o] = '\0';
    return t;
}

void
parse_rule_free(struct rule *r)
{
    if (r == NULL)
        return;
    free(r->conds);
    free(r->reply.text);
    free(r->arg);
    free(r->text);
    free(r->name);
    free(r);
}

/* "rule NAME:" before a rule; tok is "rule". 0 with r->name set and tok on the stage, or -1
 * after reporting. */
static int
parse_rule_name(struct parser *p, struct rule *r, int line)
{
    size_t n;

    parse_next(p);
    n = p->tok.type == T_WORD ? strlen(p->tok.text) : 0;
    if (n < 2 || p->tok.text[n - 1] != ':') {
        parse_err(p, line,
                  "rule needs a name and a colon before the stage (rule NAME: STAGE "
                  "ACTION ...), got %s",
                  parse_desc(p));
        return -1;
    }
    p->tok.text[n - 1] = '\0';
    if (!parse_valid_name(p->tok.text)) {
        parse_err(p, line, "bad rule name \"%s\" (letters, digits, '-' and '_', at most 64)",
                  UTIL_ERRTOK(p->tok.text));
        return -1;
    }
    if ((r->name = strdup(p->tok.text)) == NULL) {
        parse_err(p, line, "out of memory");
        return -1;
    }
    parse_next(p);
    return 0;
}

/* One condition; tok is its keyword (after any '!'). 0, or -1 after reporting. */
/* An extension is written without its dot and without a glob before it ("exe", not ".exe"
 * or "*.exe", which would never match), one per item ("exe, scr" in quotes is one item). */
static int
parse_bad_ext(const char *item)
{
    return item[0] == '.' || strstr(item, "*.") != NULL || strpbrk(item, ", /\\") != NULL;
}

static int
parse_bad_truetype(const char *item)
{
    size_t n, i;
    const char *const *names = sniff_names(&n);

    if (strpbrk(item, "*?[") != NULL)
        return 0;
    for (i = 0; i < n; i++)
        if (strcmp(names[i], item) == 0)
            return 0;
    return 1;
}

/* What a content condition's list holds makes sense for it: an admin's "ext { .exe }" would
 * pass -n and never match. 0, or -1 after reporting. */
static int
parse_check_items(struct parser *p, const struct cond *c, int line)
{
    const char *bad;
    char esc[80], names[600];

    if (c->list == NULL || c->list->type != LIST_NAMES)
        return 0;
    if ((strcmp(c->def->name, "attachment ext") == 0 ||
         strcmp(c->def->name, "attachment inner-ext") == 0) &&
        (bad = list_first_item(c->list, parse_bad_ext)) != NULL) {
        parse_err(p, line, "'%s': \"%s\" is not an extension (write exe, not .exe or *.exe; one "
                           "per item)",
                  c->def->name, util_escape(esc, sizeof(esc), bad, 40));
        return -1;
    }
    if (strcmp(c->def->name, "attachment truetype") == 0 &&
        (bad = list_first_item(c->list, parse_bad_truetype)) != NULL) {
        size_t n, i, o = 0;
        const char *const *tn = sniff_names(&n);
        names[0] = '\0';
        for (i = 0; i < n && o + 20 < sizeof(names); i++)
            o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", i ? ", " : "", tn[i]);
        parse_err(p, line, "'attachment truetype': no true type \"%s\" (%s)",
                  util_escape(esc, sizeof(esc), bad, 40), names);
        return -1;
    }
    return 0;
}

/* "10M", "512k", "2000": a size in bytes. 0, or -1 when it is none. */
static int
parse_size(const char *s, unsigned long long *out)
{
    unsigned long long v = 0, mul = 1;
    const char *q = s;

    if (!isdigit((unsigned char)*q))
        return -1;
    for (; isdigit((unsigned char)*q); q++) {
        if (v > (ULLONG_MAX - 9) / 10)
            return -1;
        v = v * 10 + (unsigned long long)(*q - '0');
    }
    switch (*q) {
    case 'k': case 'K': mul = 1024ULL; q++; break;
    case 'm': case 'M': mul = 1024ULL * 1024; q++; break;
    case 'g': case 'G': mul = 1024ULL * 1024 * 1024; q++; break;
    default: break;
    }
    if (*q != '\0' || v > ULLONG_MAX / mul)
        return -1;
    *out = v * mul;
    return 0;
}

/* The condition keyword at tok: one word, or two for the families "attachment WHAT" and
 * "mime WHAT". NULL when there is none; name gets what was read, for the message. */
static const struct cond_def *
parse_cond_name(struct parser *p, char *name, size_t len)
{
    util_strlcpy(name, p->tok.type == T_WORD ? p->tok.text : "", len);
    /* hygiene: the family "hygiene DEFECT" */
    if (p->tok.type == T_WORD && strcmp(p->tok.text, "hygiene") == 0) {
        parse_next(p);
        if (p->tok.type != T_WORD) {
            p->pushed_back = 1;
            return NULL;
        }
        snprintf(name + strlen(name), len - strlen(name), " %s", p->tok.text);
        return cond_lookup(name);
    }
    if (p->tok.type == T_WORD &&
        (strcmp(p->tok.text, "attachment") == 0 || strcmp(p->tok.text, "mime") == 0)) {
        parse_next(p);
        if (p->tok.type != T_WORD) {
            p->pushed_back = 1;
            return NULL;
        }
        snprintf(name + strlen(name), len - strlen(name), " %s", p->tok.text);
    }
    return cond_lookup(name);
}

static int
parse_cond(struct parser *p, struct rule *r, struct cond *c, int negate, int line, int *ok)
{
    char names[1024], name[2 * LEX_TOKEN_MAX + 2];
    const struct cond_def *d = parse_cond_name(p, name, sizeof(name));
    int v;

    if (d == NULL) {
        if (name[0] != '\0')
            parse_err(p, line, "unknown condition '%s' (%s, log-only)", UTIL_ERRTOK(name),
                      cond_names(names, sizeof(names)));
        else
            parse_err(p, line, "unknown condition %s (%s, log-only)", parse_desc(p),
                      cond_names(names, sizeof(names)));
        return -1;
    }
    c->def = d;
    if (d->needs & CNEED_BODY)
        c->id = p->rs->ncontent++;
    switch (d->arg) {
    case CARG_NONE:
        break;
    case CARG_SIZE:
        parse_next(p);
        if (p->tok.type == T_WORD &&
            (strcmp(p->tok.text, "over") == 0 || strcmp(p->tok.text, "under") == 0)) {
            c->size_cmp = p->tok.text[0] == 'o' ? '>' : '<';
            parse_next(p);
            if (p->tok.type == T_WORD && parse_size(p->tok.text, &c->size) == 0)
                break;
        }
        parse_err(p, line,
                  "size needs over or under and a size in bytes, k, M or G (size over 10M), "
                  "got %s",
                  parse_desc(p));
        return -1;
    case CARG_LIST:
        if ((c->list = parse_target(p, d->list, d->name, &negate)) == NULL)
            return -1;
        if (parse_check_items(p, c, line) == -1)
            *ok = 0; /* reported; the rest of the line is read on */
        break;
    case CARG_RDNS:
        parse_next(p);
        if (p->tok.type != T_WORD || (v = rdns_parse_verdict(p->tok.text)) < 0) {
            parse_err(p, line, "rdns needs pass, unverified, failed or temperror, got %s",
                      parse_desc(p));
            return -1;
        }
        c->verdict = (enum rdns_verdict)v;
        break;
    case CARG_LIMIT: /* limits (rate limits) */
        if ((v = parse_limit_ref(p, r, c, negate, line)) == -1)
            return -1;
        if (v == 1)
            *ok = 0;
        break;
    }
    c->negate = negate;
    if (d->first > r->stage) {
        parse_err(p, line, "'%s' is not known yet at %s (it is known from %s on)", d->name,
                  rules_stage_name(r->stage), rules_stage_name(d->first));
        *ok = 0;
    } else if (d->last < r->stage) {
        parse_err(p, line, "'%s' is known only at %s, one recipient at a time, not at %s",
                  d->name, rules_stage_name(d->last), rules_stage_name(r->stage));
        *ok = 0;
    }
    return 0;
}

/* One rule; tok is its first word. Returns NULL after reporting an error. */
static struct rule *
parse_rule(struct parser *p)
{
    struct rule *r = calloc(1, sizeof(*r));
    const struct action_def *ad;
    int line = p->tok.line, ok = 1, st;
    size_t start = p->tok.start;
    char names[256];

    if (r == NULL || (r->conds = calloc(PARSE_MAX_CONDS, sizeof(*r->conds))) == NULL) {
        parse_err(p, line, "out of memory");
        goto fail;
    }
    r->file = p->file;
    r->line = line;
    if (p->tok.type == T_WORD && strcmp(p->tok.text, "rule") == 0 &&
        parse_rule_name(p, r, line) == -1)
        goto fail;
    if (p->tok.type != T_WORD || (st = rules_stage_lookup(p->tok.text)) < 0) {
        parse_err(p, line,
                  "a rule starts with its stage (connect, helo, mail, rcpt, header, content), "
                  "got %s",
                  parse_desc(p));
        goto fail;
    }
    r->stage = (enum stage)st;
    parse_next(p);
    if (p->tok.type == T_WORD && strcmp(p->tok.text, "log-only") == 0) {
        r->log_only = 1;
        parse_next(p);
    }
    if (p->tok.type != T_WORD || (ad = action_lookup(p->tok.text)) == NULL) {
        parse_err(p, line, "expected an action (%s), got %s", action_names(names, sizeof(names)),
                  parse_desc(p));
        goto fail;
    }
    r->action = ad->act;
    if (ad->first > r->stage) {
        parse_err(p, line, "%s acts on a message: use it from the %s stage on, not at %s",
                  ad->name, rules_stage_name(ad->first), rules_stage_name(r->stage));
        goto fail;
    }
    if (ad->arg != AARG_NONE && parse_action_arg(p, r, line) == -1)
        goto fail;
    for (;;) {
        int negate = 0;

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
            if (parse_text(p, r, text, line) == -1)
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
        if (p->tok.type == T_WORD && strcmp(p->tok.text, "log-only") == 0) {
            if (negate) {
                parse_err(p, line, "'!' cannot negate log-only");
                goto fail;
            }
            r->log_only = 1;
            continue;
        }
        if (r->nconds == PARSE_MAX_CONDS) {
            parse_err(p, line, "too many conditions in one rule (at most %d)", PARSE_MAX_CONDS);
            goto fail;
        }
        if (parse_cond(p, r, &r->conds[r->nconds], negate, line, &ok) == -1)
            goto fail;
        r->nconds++;
    }
    if (!ok)
        goto fail_eol;
    /* limits (rate limits): a limit rule without a reply names its limit */
    for (size_t j = 0; r->reply.text == NULL && ad->text == ATEXT_REPLY && j < r->nconds; j++)
        if (r->conds[j].limit != NULL) {
            char lt[300];
            limit_default_reply(r->conds[j].limit, ad->reply_class, lt, sizeof(lt));
            if (parse_reply(p, r, lt, line) == -1)
                goto fail_eol;
        }
    /* hygiene: the defects the rule tests; a reject or tempfail without a text of its own
     * tells the application owner what to repair (the defect found, at the time) */
    for (size_t j = 0; j < r->nconds; j++)
        if ((r->conds[j].def->needs & CNEED_HYGIENE) && !r->conds[j].negate)
            r->hygiene_mask |= hygiene_lookup(r->conds[j].def->name + strlen("hygiene "))->defect;
    /* fix adds a Date and a Message-ID: a rule whose conditions hold only for defects it
     * cannot add would load and never change a message */
    if (r->action == ACT_FIX && r->hygiene_mask != 0 && !(r->hygiene_mask & HYG_FIXABLE)) {
        char fixnames[200];
        size_t o = 0;
        for (size_t j = 0; j < r->nconds && o < sizeof(fixnames); j++)
            if ((r->conds[j].def->needs & CNEED_HYGIENE) && !r->conds[j].negate) {
                int n = snprintf(fixnames + o, sizeof(fixnames) - o, "%s'%s'", o ? ", " : "",
                                 r->conds[j].def->name);
                o += n > 0 ? (size_t)n : 0;
            }
        parse_err(p, line,
                  "fix only adds a missing Date or Message-ID: %s cannot be fixed (use tag, "
                  "quarantine or reject, or add 'hygiene fixable')",
                  fixnames);
        goto fail_eol;
    }
    if (r->reply.text == NULL && ad->text == ATEXT_REPLY && r->hygiene_mask != 0) {
        char text[200];
        struct hygiene all;
        hygiene_init(&all, 0);
        all.defects = HYG_ALL;
        snprintf(text, sizeof(text), "%d.6.0 %s", ad->reply_class,
                 r->hygiene_mask & (r->hygiene_mask - 1) ? hygiene_at(hygiene_count() - 1)->reply
                                                         : hygiene_reply(&all, r->hygiene_mask));
        r->hygiene_reply = 1;
        if (parse_reply(p, r, text, line) == -1)
            goto fail_eol;
    }
    if (r->reply.text == NULL && ad->text == ATEXT_REPLY && parse_reply(p, r, "", line) == -1)
        goto fail_eol;
    if ((r->text = parse_rule_text(p, start, p->tok.start)) == NULL) {
        parse_err(p, line, "out of memory");
        goto fail_eol;
    }
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
        parse_err(p, line, "policy \"%s\" is already defined at %s:%d", old->name,
                  UTIL_ERRPATH(old->file), old->line);
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
        if (!r->log_only)
            pol->actions |= 1u << r->action;
        for (size_t j = 0; j < r->nconds; j++) {
            pol->uses_rdns |= (r->conds[j].def->needs & CNEED_RDNS) != 0;
            pol->uses_body |= (r->conds[j].def->needs & CNEED_BODY) != 0;
        }
        /* hygiene: the defects are gathered for rules that test them or fix */
        for (size_t j = 0; j < r->nconds; j++)
            if (r->conds[j].def->needs & CNEED_HYGIENE) {
                pol->uses_hygiene = 1;
                pol->hygiene_body |= r->conds[j].def->first == STAGE_CONTENT;
            }
        pol->uses_hygiene |= r->action == ACT_FIX;
    }
    parse_expect_eol(p);
}

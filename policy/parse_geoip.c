/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parse_geoip.c - the geoip statement and listener option of the rules language:
 *     geoip country|asn "/absolute/path.mmdb"
 *     listener NAME ... geoip-stamp ["X-NAME"]
 * and the checks made once everything is read: a country or asn condition needs its database.
 */
#include "cond.h"
#include "parse.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
parse_geoip(struct parser *p)
{
    int line = p->tok.line;
    struct geoip_db_decl *n;
    enum geoip_kind kind;
    size_t i;

    parse_next(p);
    if (p->tok.type == T_WORD && strcmp(p->tok.text, "country") == 0)
        kind = GEOIP_COUNTRY;
    else if (p->tok.type == T_WORD && strcmp(p->tok.text, "asn") == 0)
        kind = GEOIP_ASN;
    else {
        parse_err(p, line, "geoip needs the kind of database, country or asn, got %s",
                  parse_desc(p));
        p->rs->geoip.bad_decl = 1;
        parse_skip_line(p);
        return;
    }
    parse_next(p);
    if (p->tok.type != T_STRING || p->tok.text[0] != '/') {
        parse_err(p, line, "geoip %s needs a quoted absolute path (\"/var/lib/GeoIP/...\"), got %s",
                  geoip_kind_name(kind), parse_desc(p));
        p->rs->geoip.bad_decl = 1;
        parse_skip_line(p);
        return;
    }
    for (i = 0; i < p->rs->geoip.ndbs; i++)
        if (p->rs->geoip.dbs[i].kind == kind) {
            parse_err(p, line, "geoip: the %s database is already named at %s:%d",
                      geoip_kind_name(kind), UTIL_ERRPATH(p->rs->geoip.dbs[i].file),
                      p->rs->geoip.dbs[i].line);
            parse_skip_line(p);
            return;
        }
    if ((n = realloc(p->rs->geoip.dbs, (p->rs->geoip.ndbs + 1) * sizeof(*n))) == NULL) {
        parse_err(p, line, "out of memory");
        parse_skip_line(p);
        return;
    }
    p->rs->geoip.dbs = n;
    if ((n[p->rs->geoip.ndbs].path = strdup(p->tok.text)) == NULL) {
        parse_err(p, line, "out of memory");
        parse_skip_line(p);
        return;
    }
    n[p->rs->geoip.ndbs].kind = kind;
    n[p->rs->geoip.ndbs].file = p->file;
    n[p->rs->geoip.ndbs].line = line;
    p->rs->geoip.ndbs++;
    parse_expect_eol(p);
}

/* A stamp header name: an X- name of RFC 5322 ftext, not one mail needs. */
static int
parse_geoip_header_ok(const char *s)
{
    size_t i, n = strlen(s);

    if (n < 3 || n > 64 || strncasecmp(s, "X-", 2) != 0 || parse_header_reserved(s))
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126 || s[i] == ':')
            return 0;
    return 1;
}

int
parse_geoip_option(struct parser *p, struct listener *l)
{
    int line = p->tok.line;

    if (p->tok.type != T_WORD || strcmp(p->tok.text, "geoip-stamp") != 0)
        return 0;
    l->geoip_stamp = 1;
    parse_next(p);
    if (p->tok.type != T_STRING) {
        p->pushed_back = 1;
        return 1;
    }
    if (!parse_geoip_header_ok(p->tok.text)) {
        parse_err(p, line,
                  "listener \"%s\": geoip-stamp \"%s\" must be an X- header field name: "
                  "every client header of that name is removed",
                  l->name, UTIL_ERRTOK(p->tok.text));
        return 1;
    }
    free(l->geoip_header);
    if ((l->geoip_header = strdup(p->tok.text)) == NULL)
        parse_err(p, line, "out of memory");
    return 1;
}

static int
parse_geoip_has(const struct ruleset *rs, enum geoip_kind kind)
{
    size_t i;

    for (i = 0; i < rs->geoip.ndbs; i++)
        if (rs->geoip.dbs[i].kind == kind)
            return 1;
    return 0;
}

/* A rule's condition needs a database no geoip statement names. */
static void
parse_geoip_rule(struct parser *p, const struct rule *r)
{
    struct parser at = *p;
    size_t k;

    at.file = r->file;
    for (k = 0; k < r->nconds; k++) {
        unsigned need = r->conds[k].def->needs;
        if ((need & CNEED_COUNTRY) && !parse_geoip_has(p->rs, GEOIP_COUNTRY))
            parse_err(&at, r->line,
                      "condition %s needs a country database: add geoip country "
                      "\"/path/to/GeoLite2-Country.mmdb\"",
                      r->conds[k].def->name);
        if ((need & CNEED_ASN) && !parse_geoip_has(p->rs, GEOIP_ASN))
            parse_err(&at, r->line,
                      "condition %s needs an ASN database: add geoip asn "
                      "\"/path/to/GeoLite2-ASN.mmdb\"",
                      r->conds[k].def->name);
    }
    p->nerrors = at.nerrors;
    p->errused = at.errused;
}

static void
parse_geoip_policy(void *ctx, const char *name, void *value)
{
    struct parser *p = ctx;
    const struct policy *pol = value;
    size_t j;

    (void)name;
    for (j = 0; j < pol->nrules; j++)
        parse_geoip_rule(p, pol->rules[j]);
}

void
parse_geoip_resolve(struct parser *p)
{
    struct ruleset *rs = p->rs;
    size_t i;

    for (i = 0; !rs->geoip.bad_decl && i < rs->policies.cap; i++)
        if (rs->policies.slots[i].key != NULL)
            parse_geoip_policy(p, rs->policies.slots[i].key, rs->policies.slots[i].value);
    for (i = 0; i < rs->nlisteners; i++) {
        struct listener *l = &rs->listeners[i];
        const char *h = l->geoip_header ? l->geoip_header : GEOIP_STAMP_HEADER;
        struct parser at = *p;
        if (!l->geoip_stamp)
            continue;
        at.file = l->file;
        if (rs->geoip.ndbs == 0 && !rs->geoip.bad_decl)
            parse_err(&at, l->line,
                      "listener \"%s\": geoip-stamp needs a database: add geoip country "
                      "\"/path/to/GeoLite2-Country.mmdb\" (or asn)",
                      l->name);
        rs->geoip.stamps = 1;
        /* a client's copy of the stamp goes on every listener, as a forged tag does */
        if (parse_name_list_add(&rs->tag_names, &rs->ntag_names, h, strlen(h)) == -1)
            parse_err(&at, l->line, "out of memory");
        p->nerrors = at.nerrors;
        p->errused = at.errused;
    }
}

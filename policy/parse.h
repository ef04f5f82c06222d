/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parse.h - internals shared by parse.c (files, statements, lists, listeners) and parse_rule.c
 * (policies and their rules). Not part of the policy library's interface: use rules.h.
 */
#ifndef RW_PARSE_H
#define RW_PARSE_H

#include "lex.h"
#include "rules.h"

/* Includes nested deeper than this are a loop in practice. */
#define PARSE_MAX_INCLUDE_DEPTH 8

/* Conditions in one rule: enough for any sentence an admin would write. */
#define PARSE_MAX_CONDS 16

enum kw {
    KW_NONE = -1,
    KW_ACCEPT,
    KW_ALLOW_NULL,
    KW_ALWAYS,
    KW_AUTHSERV_ID,
    KW_CACHE,
    KW_DAEMON,
    KW_DEFAULT,
    KW_DOMAINS,
    KW_FALLBACK,
    KW_FILE,
    KW_INCLUDE,
    KW_LISTENER,
    KW_LOGINS,
    KW_LOOKUP,
    KW_NETWORKS,
    KW_NEVER,
    KW_NOCASE_LOCAL,
    KW_ON_ERROR,
    KW_POLICY,
    KW_RDNS,
    KW_RDNS_HEADER,
    KW_REJECT,
    KW_RESOLVER,
    KW_SENDERS,
    KW_STAMP,
    KW_SUBADDRESS,
    KW_TEMPFAIL,
    KW_TIMEOUT,
    KW_UNAUTHENTICATED,
    KW_WHOLE_WORD,
};

struct parser {
    struct ruleset *rs;
    const struct rules_source *src; /* reads included and list files */
    struct lexer lx;
    struct token tok;
    int pushed_back;
    const char *file;
    int depth;
    const char *chain[PARSE_MAX_INCLUDE_DEPTH]; /* the files being read, outermost first */
    char *err;
    size_t errlen, errused;
    int nerrors;
    const char *on_error_file; /* where on-error was set, to refuse a second one */
    int on_error_line;
    const char *rdns_file; /* where rdns was set, likewise */
    int rdns_line;
    /* Why this file does not look like rules (a binary file, a first statement that is not
     * one, PARSE_JUNK_RUN lines in a row that are not), or NULL: a file read by mistake
     * (/etc/shadow) has its errors counted and one line reported, none of its text. */
    const char *junk;
    int junk_reported;
    int nstatements; /* statements of this file that began with a statement keyword */
    int junk_run;    /* statements in a row that did not */
};

void parse_err(struct parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void parse_next(struct parser *p);
const char *parse_desc(struct parser *p);
void parse_skip_line(struct parser *p);
void parse_expect_eol(struct parser *p);
enum kw parse_kw(const struct token *t);
int parse_valid_name(const char *s);
struct list *parse_new_list(struct parser *p, const char *name, enum list_type type, int line);
void parse_items(struct parser *p, struct list *l);

/* parse_header_reserved - 1 if name (any case) is a header mail needs, which a stamp or a
 * tag header must not take. */
int parse_header_reserved(const char *name);

/* parse_name_list_add - adds name[0..len) to a list of header names, once (any case). 0/-1. */
int parse_name_list_add(char ***list, size_t *n, const char *name, size_t len);

/* parse_listener.c */
void parse_listener(struct parser *p);
void parse_rdns(struct parser *p);

/* parse_rule.c */
void parse_policy(struct parser *p);
void parse_rule_free(struct rule *r);

/* parse_limit.c (rate limits): the limit and limits statements; the argument of the limit
 * condition (0; -1 after reporting, skip the line; 1 after reporting, read on); the check
 * that no policy asks one limit twice. */
void parse_st_limit(struct parser *p);
void parse_st_limits(struct parser *p);
int parse_limit_ref(struct parser *p, const struct rule *r, struct cond *c, int negate, int line);
void parse_limit_check(struct parser *p);
/* parse_geoip.c */
void parse_geoip(struct parser *p);
/* parse_geoip_option - a listener option of geoip (geoip-stamp): 1 if tok was one (errors
 * reported), 0 if not. */
int parse_geoip_option(struct parser *p, struct listener *l);
/* parse_geoip_resolve - once everything is read: conditions without their database, stamps. */
void parse_geoip_resolve(struct parser *p);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parse.c - recursive-descent parser for relaywarden rules files.
 *
 *   include  "other.rules"
 *   domains  ours { example.com, *.example.net }      networks apps file "apps.txt"
 *   keywords secret [word] { "project falcon" }       names bad { "*.exe" }   hashes h { ... }
 *   listener inbound daemon "inbound" [policy NAME] [default]
 *   on-error tempfail|accept|reject
 *   policy inbound {
 *       STAGE [log-only] ACTION [[!]CONDITION ...] ["CODE X.Y.Z text"]
 *   }
 *
 * Every error is reported as "file:line: message" and parsing goes on at the parse_next line, so
 * one run of relaywarden -n lists them all. Keywords live in one sorted table (bsearch).
 */
#include "parse.h"
#include "content.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Rules and list files read for one ruleset: far above any real setup, low enough that
 * includes fanning out cannot keep the parser busy. */
#define PARSE_MAX_FILES 256
/* A rules or list file larger than this is a mistake (100,000 domains is about 2 MiB). */
#define PARSE_MAX_FILE_SIZE (64L * 1024 * 1024)

/* Sorted by name for bsearch. */
static const struct keyword {
    const char *name;
    enum kw kw;
} keywords[] = {
    {"accept", KW_ACCEPT},
    {"allow-null", KW_ALLOW_NULL},
    {"always", KW_ALWAYS},
    {"authserv-id", KW_AUTHSERV_ID},
    {"cache", KW_CACHE},
    {"daemon", KW_DAEMON},
    {"default", KW_DEFAULT},
    {"domains", KW_DOMAINS},
    {"fallback", KW_FALLBACK},
    {"file", KW_FILE},
    {"include", KW_INCLUDE},
    {"listener", KW_LISTENER},
    {"logins", KW_LOGINS},
    {"lookup", KW_LOOKUP},
    {"networks", KW_NETWORKS},
    {"never", KW_NEVER},
    {"nocase-local", KW_NOCASE_LOCAL},
    {"on-error", KW_ON_ERROR},
    {"policy", KW_POLICY},
    {"rdns", KW_RDNS},
    {"rdns-header", KW_RDNS_HEADER},
    {"reject", KW_REJECT},
    {"resolver", KW_RESOLVER},
    {"senders", KW_SENDERS},
    {"stamp", KW_STAMP},
    {"subaddress", KW_SUBADDRESS},
    {"tempfail", KW_TEMPFAIL},
    {"timeout", KW_TIMEOUT},
    {"unauthenticated", KW_UNAUTHENTICATED},
    {"word", KW_WHOLE_WORD},
};

static int parse_file(struct parser *p, const char *path, int line);

static int
kw_cmp(const void *a, const void *b)
{
    return strcmp((const char *)a, ((const struct keyword *)b)->name);
}

enum kw
parse_kw(const struct token *t)
{
    const struct keyword *k;

    if (t->type != T_WORD)
        return KW_NONE;
    k = bsearch(t->text, keywords, sizeof(keywords) / sizeof(keywords[0]), sizeof(keywords[0]),
                kw_cmp);
    return k ? k->kw : KW_NONE;
}

void
parse_err(struct parser *p, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    int n;

    p->nerrors++;
    if (p->nerrors > RULES_MAX_REPORTED_ERRORS || p->err == NULL)
        return;
    if (p->junk != NULL) {
        if (p->junk_reported)
            return;
        p->junk_reported = 1;
        snprintf(msg, sizeof(msg),
                 "not a rules file? %s; its errors are counted, none of its text is shown",
                 p->junk);
    } else {
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
    }
    n = snprintf(p->err + p->errused, p->errlen - p->errused, "%s:%d: %s\n", UTIL_ERRPATH(p->file),
                 line, msg);
    if (n > 0)
        p->errused += (size_t)n < p->errlen - p->errused ? (size_t)n : p->errlen - p->errused - 1;
}

void
parse_next(struct parser *p)
{
    if (p->pushed_back) {
        p->pushed_back = 0;
        return;
    }
    lex_next(&p->lx, &p->tok);
    /* Each lexical error is reported once, however many come in a row. */
    while (p->tok.type == T_ERROR) {
        parse_err(p, p->tok.line, "%s", p->tok.text);
        lex_next(&p->lx, &p->tok);
    }
}

const char *
parse_desc(struct parser *p)
{
    static __thread char buf[UTIL_ERR_TOKEN_SIZE + 8]; /* the token, quoted */
    return lex_describe(&p->tok, buf, sizeof(buf));
}

/* Error recovery: drop the rest of the statement. A '}' is left for the enclosing block. */
void
parse_skip_line(struct parser *p)
{
    int depth = 0;

    while (p->tok.type != T_EOF) {
        if (p->tok.type == T_NL && depth == 0)
            return;
        if (p->tok.type == T_LBRACE)
            depth++;
        if (p->tok.type == T_RBRACE) {
            if (depth == 0) {
                p->pushed_back = 1;
                return;
            }
            depth--;
        }
        parse_next(p);
    }
}

/* After a statement: the line must end here. */
void
parse_expect_eol(struct parser *p)
{
    parse_next(p);
    if (p->tok.type == T_NL || p->tok.type == T_EOF)
        return;
    if (p->tok.type == T_RBRACE) {
        p->pushed_back = 1;
        return;
    }
    parse_err(p, p->tok.line, "unexpected %s at end of statement", parse_desc(p));
    parse_skip_line(p);
}

int
parse_valid_name(const char *s)
{
    if (*s == '\0' || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

static const char *
intern_file(struct parser *p, const char *path)
{
    char **n = realloc(p->rs->files, (p->rs->nfiles + 1) * sizeof(*n));

    if (n == NULL)
        return NULL;
    p->rs->files = n;
    if ((n[p->rs->nfiles] = strdup(path)) == NULL)
        return NULL;
    return n[p->rs->nfiles++];
}

struct list *
parse_new_list(struct parser *p, const char *name, enum list_type type, int line)
{
    struct list **n, *l;

    n = realloc(p->rs->all_lists, (p->rs->nall_lists + 1) * sizeof(*n));
    if (n == NULL)
        return NULL;
    p->rs->all_lists = n;
    if ((l = list_new(name, type, p->file, line)) == NULL)
        return NULL;
    n[p->rs->nall_lists++] = l;
    return l;
}

/* Paths in a file are relative to that file's directory. */
static void
resolve_path(const char *base, const char *path, char *out, size_t outlen)
{
    const char *slash = strrchr(base, '/');

    if (path[0] == '/' || slash == NULL)
        util_strlcpy(out, path, outlen);
    else
        snprintf(out, outlen, "%.*s/%s", (int)(slash - base), base, path);
}

/* Reads a whole file; returns NULL with a reason in err. The file system's rules_source. */
static char *
slurp(void *ctx, const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    struct stat st;
    char *buf;

    if (f == NULL) {
        util_errf(err, errlen, "cannot open \"%s\": %s", UTIL_ERRPATH(path), strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode) || st.st_size > PARSE_MAX_FILE_SIZE) {
        util_errf(err, errlen, "\"%s\" is not a regular file of at most 64 MiB",
                  UTIL_ERRPATH(path));
        fclose(f);
        return NULL;
    }
    if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
        util_errf(err, errlen, "out of memory reading \"%s\"", UTIL_ERRPATH(path));
        fclose(f);
        return NULL;
    }
    *len = fread(buf, 1, (size_t)st.st_size, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* A list file: one item per line, '#' comments, blank lines ignored. */
static void
load_list_file(struct parser *p, struct list *l, const char *path, int line)
{
    char full[4096], err[300], *buf, *s, *e;
    const char *fname;
    size_t len, n;
    int lno = 0, added = 0;
    struct parser sub = *p;

    resolve_path(p->file, path, full, sizeof(full));
    if ((buf = p->src->read(p->src->ctx, full, &len, err, sizeof(err))) == NULL) {
        parse_err(p, line, "%s", err);
        return;
    }
    if ((fname = intern_file(p, full)) == NULL) {
        parse_err(p, line, "out of memory");
        free(buf);
        return;
    }
    sub.file = fname;
    sub.junk = NULL; /* a list file has its own guard: its first entry decides */
    for (s = buf; s < buf + len; s = e + 1) {
        char *hash, *item;
        lno++;
        if ((e = memchr(s, '\n', (size_t)(buf + len - s))) == NULL)
            e = buf + len;
        *e = '\0';
        if ((hash = strchr(s, '#')) != NULL)
            *hash = '\0';
        item = s + strspn(s, " \t\r");
        n = strlen(item);
        while (n > 0 && strchr(" \t\r", item[n - 1]))
            item[--n] = '\0';
        if (*item == '\0')
            continue;
        if (list_add(l, item, err, sizeof(err)) == 0) {
            added++;
        } else if (added == 0) {
            /* A file named by mistake (/etc/shadow, read by a rules check run as root) must
             * not have its lines echoed: its first item decides, and is not shown. */
            parse_err(&sub, lno,
                      "not a list of %s: the first entry is not one (not shown); "
                      "nothing more is read from this file",
                      list_type_name(l->type));
            break;
        } else {
            parse_err(&sub, lno, "%s", err);
        }
    }
    p->nerrors = sub.nerrors;
    p->errused = sub.errused;
    free(buf);
}

static int parse_is_statement(const char *word);

/*
 * parse_list_unclosed - a list whose '}' is missing would swallow the statements after it. A
 * line inside a list that starts with a statement's keyword is taken for that statement: say
 * the '}' is missing, and leave the lexer at the keyword, with an end of line pushed back, so
 * the list's statement ends and the next one is read as written. 1 if so, else 0.
 */
static int
parse_list_unclosed(struct parser *p, int at_line_start, int start)
{
    if (!at_line_start || p->tok.type != T_WORD || !parse_is_statement(p->tok.text))
        return 0;
    parse_err(p, p->tok.line, "missing '}' for the list opened at line %d", start);
    p->lx.pos = p->tok.start;
    p->lx.line = p->tok.line;
    p->tok.type = T_NL;
    p->pushed_back = 1;
    return 1;
}

/* Items between braces: tok is '{' on entry and '}' on return. */
/* Senders entries are lines ("LOGIN ADDRESS ..."); tokens are gathered up to the newline. */
static void
parse_sender_items(struct parser *p, struct list *l)
{
    int start = p->tok.line, line = 0;
    char entry[4096] = "", err[300];
    size_t n = 0;

    for (;;) {
        parse_next(p);
        if (n == 0 && parse_list_unclosed(p, p->tok.line > start, start))
            return;
        if (p->tok.type == T_WORD || p->tok.type == T_STRING) {
            if (n == 0)
                line = p->tok.line;
            n += (size_t)snprintf(entry + n, sizeof(entry) - n, "%s ", p->tok.text);
            if (n >= sizeof(entry))
                n = sizeof(entry) - 1;
            continue;
        }
        if (p->tok.type == T_COMMA)
            continue;
        if (n > 0 && list_add(l, entry, err, sizeof(err)) == -1)
            parse_err(p, line, "%s", err);
        n = 0;
        entry[0] = '\0';
        if (p->tok.type == T_RBRACE)
            return;
        if (p->tok.type == T_EOF) {
            parse_err(p, p->tok.line, "missing '}' for the list opened at line %d", start);
            return;
        }
        if (p->tok.type != T_NL)
            parse_err(p, p->tok.line, "unexpected %s in senders list", parse_desc(p));
    }
}

void
parse_items(struct parser *p, struct list *l)
{
    int start = p->tok.line, line_start = 0;
    char err[300];

    if (l->type == LIST_SENDERS) {
        parse_sender_items(p, l);
        return;
    }
    if (l->type == LIST_LOGINS_FROM) { /* geoip: "login: CC CC" lines, as senders */
        parse_sender_items(p, l);
        return;
    }
    for (;;) {
        parse_next(p);
        if (parse_list_unclosed(p, line_start, start))
            return;
        line_start = p->tok.type == T_NL;
        switch (p->tok.type) {
        case T_NL:
        case T_COMMA:
            continue;
        case T_WORD:
        case T_STRING:
            if (list_add(l, p->tok.text, err, sizeof(err)) == -1)
                parse_err(p, p->tok.line, "%s", err);
            continue;
        case T_RBRACE:
            return;
        case T_EOF:
            parse_err(p, p->tok.line, "missing '}' for the list opened at line %d", start);
            return;
        default:
            parse_err(p, p->tok.line, "unexpected %s in list", parse_desc(p));
            continue;
        }
    }
}

static void
parse_list_def(struct parser *p, enum list_type type)
{
    int line = p->tok.line;
    char name[LEX_TOKEN_MAX];
    struct strset_entry *e;
    struct list *l;

    parse_next(p);
    if (p->tok.type != T_WORD || !parse_valid_name(p->tok.text)) {
        parse_err(p, line, "%s needs a name (letters, digits, '-', '_'), got %s",
                  list_type_name(type), parse_desc(p));
        parse_skip_line(p);
        return;
    }
    util_strlcpy(name, p->tok.text, sizeof(name));
    if ((e = strset_get(&p->rs->lists, name)) != NULL) {
        const struct list *old = e->value;
        parse_err(p, line, "list <%s> is already defined at %s:%d", name, UTIL_ERRPATH(old->file),
                  old->line);
        parse_skip_line(p);
        return;
    }
    if ((l = parse_new_list(p, name, type, line)) == NULL ||
        strset_add(&p->rs->lists, name, l) == -1) {
        parse_err(p, line, "out of memory");
        parse_skip_line(p);
        return;
    }
    parse_next(p);
    /* options come before the entries, which they change the meaning of */
    while ((type == LIST_SENDERS || type == LIST_KEYWORDS) && p->tok.type == T_WORD &&
           p->tok.text[0] != '\0') {
        enum kw k = parse_kw(&p->tok);
        if (type == LIST_KEYWORDS) {
            if (k != KW_WHOLE_WORD)
                break;
            l->word = 1;
        } else if (k == KW_ALLOW_NULL)
            l->senders.opts |= SENDERS_ALLOW_NULL;
        else if (k == KW_SUBADDRESS)
            l->senders.opts |= SENDERS_SUBADDRESS;
        else if (k == KW_NOCASE_LOCAL)
            l->senders.opts |= SENDERS_NOCASE_LOCAL;
        else if (k == KW_FILE)
            break;
        else /* a typo: say so, and still read the block, whose errors the admin needs too */
            parse_err(p, p->tok.line,
                      "senders <%s>: unknown option %s (allow-null, "
                      "nocase-local or subaddress)",
                      name, parse_desc(p));
        parse_next(p);
    }
    if (p->tok.type == T_LBRACE) {
        parse_items(p, l);
    } else if (parse_kw(&p->tok) == KW_FILE) {
        parse_next(p);
        if (p->tok.type != T_STRING) {
            parse_err(p, line, "file needs a quoted path, got %s", parse_desc(p));
            parse_skip_line(p);
            return;
        }
        load_list_file(p, l, p->tok.text, line);
    } else {
        parse_err(p, line, "%s <%s> needs '{ item, ... }' or 'file \"path\"', got %s",
                  list_type_name(type), name, parse_desc(p));
        parse_skip_line(p);
        return;
    }
    parse_expect_eol(p);
}

static void
parse_st_domains(struct parser *p)
{
    parse_list_def(p, LIST_DOMAINS);
}

static void
parse_st_networks(struct parser *p)
{
    parse_list_def(p, LIST_NETWORKS);
}

static void
parse_st_logins(struct parser *p)
{
    parse_list_def(p, LIST_LOGINS);
}

static void
parse_st_senders(struct parser *p)
{
    parse_list_def(p, LIST_SENDERS);
}

static void
parse_st_keywords(struct parser *p)
{
    parse_list_def(p, LIST_KEYWORDS);
}

static void
parse_st_names(struct parser *p)
{
    parse_list_def(p, LIST_NAMES);
}

static void
parse_st_hashes(struct parser *p)
{
    parse_list_def(p, LIST_HASHES);
}

/* geoip */
static void
parse_st_countries(struct parser *p)
{
    parse_list_def(p, LIST_COUNTRIES);
}

static void
parse_st_asns(struct parser *p)
{
    parse_list_def(p, LIST_ASNS);
}

static void
parse_st_logins_from(struct parser *p)
{
    parse_list_def(p, LIST_LOGINS_FROM);
}

static void
parse_st_on_error(struct parser *p)
{
    int line = p->tok.line;

    /* One place decides how relaywarden fails: a second on-error, say in an included file,
     * would quietly turn a fail-closed server into a fail-open one. */
    if (p->on_error_file != NULL) {
        parse_err(p, line, "on-error is already set at %s:%d", UTIL_ERRPATH(p->on_error_file),
                  p->on_error_line);
        parse_skip_line(p);
        return;
    }
    p->on_error_file = p->file;
    p->on_error_line = line;
    parse_next(p);
    switch (parse_kw(&p->tok)) {
    case KW_TEMPFAIL:
        p->rs->on_error = ACT_TEMPFAIL;
        break;
    case KW_ACCEPT:
        p->rs->on_error = ACT_ACCEPT;
        break;
    case KW_REJECT:
        p->rs->on_error = ACT_REJECT;
        break;
    default:
        parse_err(p, line, "on-error takes tempfail, accept or reject, got %s", parse_desc(p));
        parse_skip_line(p);
        return;
    }
    parse_expect_eol(p);
}

/* The loop as the chain of files that makes it, "a -> b -> a"; one error, not one per turn. */
static void
parse_include_loop(struct parser *p, int line, int from, const char *path)
{
    char chain[400];
    size_t n = 0;
    int i, w;

    chain[0] = '\0';
    for (i = from; i < p->depth && i < PARSE_MAX_INCLUDE_DEPTH; i++) {
        w = snprintf(chain + n, sizeof(chain) - n, "%s -> ", UTIL_ERRPATH(p->chain[i]));
        if (w < 0 || (size_t)w >= sizeof(chain) - n)
            break;
        n += (size_t)w;
    }
    if (i < p->depth && i < PARSE_MAX_INCLUDE_DEPTH) /* did not fit: say so, never cut silently */
        parse_err(p, line, "include loop through %d files, from \"%s\" back to it", p->depth - from,
                  UTIL_ERRPATH(path));
    else
        parse_err(p, line, "include loop: %s%s", chain, UTIL_ERRPATH(path));
}

static void
parse_st_include(struct parser *p)
{
    int line = p->tok.line;
    char path[4096];

    parse_next(p);
    if (p->tok.type != T_STRING) {
        parse_err(p, line, "include needs a quoted path, got %s", parse_desc(p));
        parse_skip_line(p);
        return;
    }
    resolve_path(p->file, p->tok.text, path, sizeof(path));
    parse_expect_eol(p);
    /* A file that includes one being read is a loop: say which, and read nothing more. */
    for (int i = 0; i < p->depth && i < PARSE_MAX_INCLUDE_DEPTH; i++)
        if (strcmp(p->chain[i], path) == 0) {
            parse_include_loop(p, line, i, path);
            return;
        }
    if (p->depth >= PARSE_MAX_INCLUDE_DEPTH) {
        parse_err(p, line, "includes nested more than %d deep", PARSE_MAX_INCLUDE_DEPTH);
        return;
    }
    /* Includes fanning out (a file included ten times by files included ten times) would
     * read without end: the whole set of rules files is bounded. */
    if (p->rs->nfiles >= PARSE_MAX_FILES) {
        parse_err(p, line, "more than %d rules and list files read: \"%s\" is not", PARSE_MAX_FILES,
                  UTIL_ERRPATH(path));
        return;
    }
    parse_file(p, path, line);
}

/* Statements in a row that start with no statement keyword before a file is taken for one
 * that is not rules: one or two are typos worth naming, three are a file read by mistake. */
#define PARSE_JUNK_RUN 3
#define PARSE_STR(x) #x
#define PARSE_XSTR(x) PARSE_STR(x)

/* An unknown first word longer than this, or not made of letters, digits, '-' and '_', is not
 * quoted in the error: 20 is longer than every keyword and any typo of one. */
#define PARSE_KEYWORD_QUOTE_MAX 20

/* The statements of a rules file: the one table of them (and of the -n hint). */
static const struct statement {
    const char *name;
    void (*parse)(struct parser *p);
} statements[] = {
    {"domains", parse_st_domains},   {"networks", parse_st_networks},
    {"logins", parse_st_logins},     {"senders", parse_st_senders},
    {"keywords", parse_st_keywords}, {"names", parse_st_names},
    {"hashes", parse_st_hashes},
    {"listener", parse_listener},    {"policy", parse_policy},
    {"rdns", parse_rdns},            {"on-error", parse_st_on_error},
    {"include", parse_st_include},
    /* limits (rate limits) */
    {"limit", parse_st_limit},       {"limits", parse_st_limits},
    /* geoip */
    {"geoip", parse_geoip},          {"countries", parse_st_countries},
    {"asns", parse_st_asns},         {"logins-from", parse_st_logins_from},
};

static int
parse_is_statement(const char *word)
{
    size_t i;

    for (i = 0; i < sizeof(statements) / sizeof(statements[0]); i++)
        if (strcmp(word, statements[i].name) == 0)
            return 1;
    return 0;
}

static const char *
parse_statement_at(const void *ctx, size_t i)
{
    return ((const struct statement *)ctx)[i].name;
}

static void
parse_statement(struct parser *p)
{
    int line = p->tok.line;
    char hint[256];
    size_t i;

    for (i = 0; p->tok.type == T_WORD && i < sizeof(statements) / sizeof(statements[0]); i++)
        if (strcmp(p->tok.text, statements[i].name) == 0) {
            p->nstatements++;
            p->junk_run = 0;
            statements[i].parse(p);
            return;
        }
    if (p->junk == NULL && p->nstatements == 0)
        p->junk = "its first line does not start with a statement";
    else if (p->junk == NULL && ++p->junk_run >= PARSE_JUNK_RUN)
        p->junk = PARSE_XSTR(PARSE_JUNK_RUN) " lines in a row do not start with a statement";
    if (p->tok.type == T_WORD) {
        util_join(hint, sizeof(hint), statements, sizeof(statements) / sizeof(statements[0]),
                  parse_statement_at, ", ", " or ");
        /* Only a word shaped like a keyword is quoted: a file included by mistake (say
         * /etc/shadow, read as root by a unit's rules check) must not have its lines echoed. */
        if (strlen(p->tok.text) <= PARSE_KEYWORD_QUOTE_MAX &&
            strspn(p->tok.text,
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
                strlen(p->tok.text))
            parse_err(p, line, "unknown keyword %s (a statement starts with %s)", parse_desc(p),
                      hint);
        else
            parse_err(p, line,
                      "a statement starts with %s; this line does not (its %zu-byte "
                      "first word is not shown: not a rules file?)",
                      hint, strlen(p->tok.text));
    } else {
        parse_err(p, line, "unexpected %s", parse_desc(p));
    }
    parse_skip_line(p);
}

/* parse_binary - text holds a NUL byte, which no text file does: a binary file. (Other control
 * bytes are lexical errors that quote nothing.) */
static int
parse_binary(const char *text, size_t len)
{
    return memchr(text, '\0', len) != NULL;
}

/* Parses text (len bytes) as the file path into p->rs; includes recurse with a fresh lexer and
 * the same ruleset. Takes ownership of text. */
static int
parse_text(struct parser *p, const char *path, char *text, size_t len, int line)
{
    struct parser sub = *p;

    if ((sub.file = intern_file(p, path)) == NULL) {
        free(text);
        parse_err(p, line, "out of memory");
        return -1;
    }
    if (p->depth < PARSE_MAX_INCLUDE_DEPTH)
        sub.chain[p->depth] = sub.file;
    sub.depth = p->depth + 1;
    sub.pushed_back = 0;
    sub.junk = parse_binary(text, len) ? "it holds NUL bytes: a binary file" : NULL;
    sub.junk_reported = 0;
    sub.nstatements = 0;
    sub.junk_run = 0;
    lex_init(&sub.lx, text, len);
    for (;;) {
        parse_next(&sub);
        if (sub.tok.type == T_EOF)
            break;
        if (sub.tok.type == T_NL)
            continue;
        if (sub.tok.type == T_RBRACE) {
            parse_err(&sub, sub.tok.line, "unexpected '}' outside a block");
            continue;
        }
        parse_statement(&sub);
    }
    free(text);
    p->nerrors = sub.nerrors;
    p->errused = sub.errused;
    p->on_error_file = sub.on_error_file;
    p->on_error_line = sub.on_error_line;
    p->rdns_file = sub.rdns_file;
    p->rdns_line = sub.rdns_line;
    return 0;
}

static int
parse_file(struct parser *p, const char *path, int line)
{
    char err[300];
    size_t len;
    char *buf;

    if ((buf = p->src->read(p->src->ctx, path, &len, err, sizeof(err))) == NULL) {
        if (line > 0)
            parse_err(p, line, "include: %s", err);
        else
            util_errf(p->err, p->errlen, "%s\n", err), p->nerrors++;
        return -1;
    }
    return parse_text(p, path, buf, len, line);
}

/* Adds a header name to a list of the ruleset, once (names compare case-insensitively). */
int
parse_name_list_add(char ***list, size_t *n, const char *name, size_t len)
{
    char **m;
    size_t i;

    for (i = 0; i < *n; i++)
        if (strlen((*list)[i]) == len && strncasecmp((*list)[i], name, len) == 0)
            return 0;
    if ((m = realloc(*list, (*n + 1) * sizeof(*m))) == NULL)
        return -1;
    *list = m;
    if ((m[*n] = strndup(name, len)) == NULL)
        return -1;
    (*n)++;
    return 0;
}

static int
parse_stamp_name(struct parser *p, const char *name)
{
    return parse_name_list_add(&p->rs->stamp_names, &p->rs->nstamp_names, name, strlen(name));
}

/* Cross-references that can only be checked once everything is read. */
static void
parse_resolve(struct parser *p)
{
    size_t i, j;

    if (p->rs->nlisteners == 0)
        parse_err(p, 1,
                  "no listener: add 'listener NAME daemon \"DAEMON\"' or 'listener NAME default'");
    for (i = 0; i < p->rs->nlisteners; i++) {
        struct listener *l = &p->rs->listeners[i];
        struct strset_entry *e = strset_get(&p->rs->policies, l->policy_name);
        struct parser at = *p;
        at.file = l->file;
        if (e == NULL) {
            parse_err(&at, l->line, "listener \"%s\" uses policy \"%s\", which is not defined",
                      l->name, UTIL_ERRTOK(l->policy_name));
        } else {
            l->policy = e->value;
            p->rs->stages |= l->policy->stages;
            p->rs->actions |= l->policy->actions;
            p->rs->uses_body |= l->policy->uses_body;
            /* hygiene */
            p->rs->uses_hygiene |= l->policy->uses_hygiene;
            p->rs->hygiene_body |= l->policy->hygiene_body;
        }
        p->rs->stamps |= l->stamp != STAMP_NONE;
        if (l->stamp != STAMP_NONE &&
            (parse_stamp_name(p, l->rdns_header ? l->rdns_header : RULES_STAMP_HEADER) == -1 ||
             (l->authserv_id != NULL &&
              parse_name_list_add(&p->rs->authserv_ids, &p->rs->nauthserv_ids, l->authserv_id,
                                  strlen(l->authserv_id)) == -1)))
            parse_err(&at, l->line, "out of memory");
        for (j = 0; j < i; j++)
            if (l->daemon && p->rs->listeners[j].daemon &&
                strcmp(l->daemon, p->rs->listeners[j].daemon) == 0)
                parse_err(&at, l->line, "listener \"%s\": daemon \"%s\" is already \"%s\"'s",
                          l->name, UTIL_ERRTOK(l->daemon), p->rs->listeners[j].name);
        p->nerrors = at.nerrors;
        p->errused = at.errused;
    }
    if (p->rs->stamps && parse_stamp_name(p, RULES_STAMP_HEADER) == -1)
        parse_err(p, 1, "out of memory");
    /* A quarantined message carries its reason in a header of ours: a client's copy of it
     * would sit beside the real one in the hold queue ("reviewed, safe to release"). */
    if ((p->rs->actions & (1u << ACT_QUARANTINE)) &&
        parse_name_list_add(&p->rs->tag_names, &p->rs->ntag_names, RULES_QUARANTINE_HEADER,
                            strlen(RULES_QUARANTINE_HEADER)) == -1)
        parse_err(p, 1, "out of memory");
    parse_geoip_resolve(p); /* geoip */
    if (p->nerrors == 0) {
        char err[400];
        if (content_compile(p->rs, err, sizeof(err)) == -1)
            parse_err(p, 1, "%s", err);
    }
    parse_limit_check(p); /* limits (rate limits) */
}

static const struct rules_source parse_files = {NULL, slurp};

/* Loads from path (text NULL: read through src) or from text. */
static struct ruleset *
parse_load(const char *path, const char *text, size_t len, const struct rules_source *src,
           char *errbuf, size_t errlen)
{
    struct parser p;
    struct ruleset *rs = calloc(1, sizeof(*rs));
    char *copy = NULL;
    int rc;

    if (errlen > 0)
        errbuf[0] = '\0';
    if (rs == NULL || (text != NULL && (copy = malloc(len + 1)) == NULL)) {
        free(rs);
        util_errf(errbuf, errlen, "%s: out of memory\n", UTIL_ERRPATH(path));
        return NULL;
    }
    rs->refs = 1;
    rs->on_error = ACT_TEMPFAIL;
    rs->rdns_timeout_ms = RULES_RDNS_TIMEOUT_MS;
    rs->rdns_cache_secs = RULES_RDNS_CACHE_SECS;
    rs->rdns_lookup = RDNS_LOOKUP_FALLBACK;
    /* limits (rate limits): in memory, Redis only when a limits redis statement says so */
    rs->limit_conf.max_keys = LIMIT_KEYS_DEFAULT;
    rs->limit_conf.timeout_ms = LIMIT_REDIS_TIMEOUT_DEFAULT_MS;
    rs->limit_conf.on_failure = LIMIT_FAIL_LOCAL;
    util_strlcpy(rs->limit_conf.prefix, "rw:", sizeof(rs->limit_conf.prefix));
    strset_init(&rs->lists);
    strset_init(&rs->policies);
    memset(&p, 0, sizeof(p));
    p.rs = rs;
    p.src = src != NULL ? src : &parse_files;
    p.file = path;
    p.err = errbuf;
    p.errlen = errlen;
    if (copy != NULL) {
        memcpy(copy, text, len);
        copy[len] = '\0';
        rc = parse_text(&p, path, copy, len, 0);
    } else {
        rc = parse_file(&p, path, 0);
    }
    if (rc == 0)
        parse_resolve(&p);
    if (p.nerrors > RULES_MAX_REPORTED_ERRORS && p.errused + 1 < errlen)
        snprintf(errbuf + p.errused, errlen - p.errused, "%s: %d more errors not shown\n",
                 UTIL_ERRPATH(path), p.nerrors - RULES_MAX_REPORTED_ERRORS);
    if (p.nerrors > 0) {
        rules_unref(rs);
        return NULL;
    }
    return rs;
}

struct ruleset *
rules_load(const char *path, char *errbuf, size_t errlen)
{
    return parse_load(path, NULL, 0, NULL, errbuf, errlen);
}

struct ruleset *
rules_load_buffer(const char *name, const char *text, size_t len, const struct rules_source *src,
                  char *errbuf, size_t errlen)
{
    return parse_load(name, text, len, src, errbuf, errlen);
}

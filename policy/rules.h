/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rules.h - the loaded rules: lists, listeners, policies and their rules, held in one immutable
 * reference-counted snapshot. rules_load() parses a file (and its includes) and returns either a
 * complete ruleset or every error found, one "file:line: message" per line.
 */
#ifndef RW_RULES_H
#define RW_RULES_H

#include "limit.h"
#include "list.h"
#include "rdns.h"
#include "geoip.h" /* geoip */
#include "strset.h"

#include <stddef.h>

enum stage { STAGE_CONNECT, STAGE_HELO, STAGE_MAIL, STAGE_RCPT, STAGE_HEADER, STAGE_CONTENT };
#define STAGE_COUNT 6

/* The actions; their properties are in the table of action.c. */
enum action {
    ACT_ACCEPT,
    ACT_REJECT,
    ACT_TEMPFAIL,
    ACT_DISCARD,
    ACT_QUARANTINE,
    ACT_REDIRECT, /* every recipient replaced by the rule's address */
    ACT_COPY,     /* the rule's address added as a recipient */
    ACT_TAG,      /* a Subject prefix or a header added */
    ACT_FIX,      /* hygiene: a missing Date and Message-ID added (accumulates) */
};

enum tag_kind { TAG_SUBJECT, TAG_HEADER };

struct cond_def; /* a row of the table of conditions (cond.h) */
struct kw_set;   /* the compiled keywords (kw.h) */

/* One condition of a rule: what it is (its row in cond.c's table) and its argument. */
struct cond {
    const struct cond_def *def;
    int negate;
    const struct list *list;   /* to, from, login, client, *-owned-by, header-from, content */
    enum rdns_verdict verdict; /* rdns */
    unsigned long long size;   /* size: the bound it is compared with */
    int size_cmp;              /* size: '>' (over) or '<' (under) */
    unsigned id;               /* content conditions: its number in the ruleset (ruleset.ncontent) */
    /* limits (rate limits): the limit it asks, and where its counters live */
    const struct limit_def *limit;
    const struct limit_conf *limit_conf;
};

struct reply {
    char code[4];   /* "550" */
    char xcode[12]; /* "5.7.1" */
    char *text;
};

struct rule {
    enum stage stage;
    enum action action;
    int log_only; /* log what it would do, change nothing */
    char *arg;    /* redirect, copy: the address; tag: the Subject prefix or "Name: value" */
    enum tag_kind tag;
    char *text;   /* the rule as written (one line, white space collapsed), for the trial */
    struct cond *conds;
    size_t nconds;
    struct reply reply;
    const char *file;
    int line;
    char *name; /* "rule NAME: ..." - the admin's name for it, for the counters; or NULL */
    /* hygiene: the defects its hygiene conditions test (HYG_*, hygiene.h), and whether its
     * reply is the default one, which then names the defect found */
    unsigned hygiene_mask;
    int hygiene_reply;
};

struct policy {
    char *name;
    const char *file;
    int line;
    struct rule **rules;
    size_t nrules;
    unsigned stages;  /* bit per enum stage that has rules */
    int uses_rdns;    /* some rule tests the rdns verdict */
    int uses_body;    /* some rule reads the body (keywords, attachments, MIME, size) */
    unsigned actions; /* bit per enum action some rule uses */
    int uses_hygiene;  /* hygiene: some rule tests a defect or fixes */
    int hygiene_body;  /* hygiene: ... a defect that needs the body's lines */
};

enum stamp { STAMP_NONE, STAMP_ALL, STAMP_UNAUTHENTICATED };
enum rdns_lookup { RDNS_LOOKUP_FALLBACK, RDNS_LOOKUP_ALWAYS, RDNS_LOOKUP_NEVER };
/* A lookup slower than this is a temperror: SMTP clients wait on it. */
#define RULES_RDNS_TIMEOUT_MS 5000
#define RULES_RDNS_CACHE_SECS 300
/* The header a quarantined message carries its reason in (Postfix keeps none with a held
 * message); client headers of this name are removed like forged tags. */
#define RULES_QUARANTINE_HEADER "X-Relaywarden-Quarantine"
/* The stamp header of a listener that names none. */
#define RULES_STAMP_HEADER "X-Relaywarden-RDNS"

struct listener {
    char *name;
    char *daemon;   /* {daemon_name} value, or NULL */
    int is_default; /* takes connections whose {daemon_name} no listener names */
    char *policy_name;
    const struct policy *policy;
    enum stamp stamp;  /* stamp the rDNS verdict into messages */
    char *authserv_id; /* Authentication-Results authserv-id; NULL: the MTA's host name */
    char *rdns_header; /* NULL: RULES_STAMP_HEADER */
    const char *file;
    int line;
    /* geoip: stamp the client's country and ASN (geoip-stamp), in this header */
    int geoip_stamp;
    char *geoip_header; /* NULL: GEOIP_STAMP_HEADER */
};

struct ruleset {
    int refs;     /* atomic */
    char **files; /* every file read, for rule locations */
    size_t nfiles;
    struct strset lists;     /* name -> struct list * */
    struct list **all_lists; /* named and inline, for freeing */
    size_t nall_lists;
    struct strset policies; /* name -> struct policy * */
    struct listener *listeners;
    size_t nlisteners;
    enum action on_error; /* what an internal failure does to the message */
    unsigned stages;      /* union of all policies' stages */
    unsigned actions;     /* union of all policies' actions */
    int stamps;           /* some listener stamps: the milter needs the headers */
    /* Every stamp header name in use (each stamping listener's, and the default): a stamping
     * listener removes client headers of any of them, not only of its own. */
    char **stamp_names;
    size_t nstamp_names;
    /* The names of the tag headers of the rules: client headers of these names are removed
     * on every listener, so that a tag cannot be forged. */
    char **tag_names;
    size_t ntag_names;
    /* The authserv-ids stamping listeners name: an Authentication-Results claiming any of
     * them (or the MTA's host name) is removed on every listener. */
    char **authserv_ids;
    size_t nauthserv_ids;
    char rdns_server[64]; /* "" for the system resolver */
    int rdns_timeout_ms;
    int rdns_cache_secs;
    enum rdns_lookup rdns_lookup;
    /* Content screening: every keyword of every keywords list compiled into one scanner, and
     * the content conditions of all rules numbered 0..ncontent-1 (their per-message results
     * are a bit each). */
    struct kw_set *kw;
    const struct list **kw_lists; /* by list->kw_index */
    size_t nkw_lists;
    unsigned ncontent;
    int uses_body; /* some listener's policy reads the body */
    /* limits (rate limits): the declared limits, and where their counters live */
    struct limit_def **limits;
    size_t nlimits;
    struct limit_conf limit_conf;
    struct geoip_rules geoip; /* geoip: the databases named, opened by the daemon or the trial */
    int uses_hygiene; /* hygiene: some listener's policy tests defects or fixes */
    int hygiene_body; /* hygiene: ... and needs the body's lines */
};

/* Errors past this are counted but not listed: one broken include should not flood a terminal. */
#define RULES_MAX_REPORTED_ERRORS 50

/*
 * rules_load - parse path. Returns a ruleset with one reference, or NULL with every error in
 * errbuf (lines "file:line: message", NUL-terminated, cut to errlen).
 */
struct ruleset *rules_load(const char *path, char *errbuf, size_t errlen);

/* Where included and list files come from. read returns a malloc'd buffer (NUL-terminated,
 * *len bytes before the NUL) the parser frees, or NULL with the reason in err. */
struct rules_source {
    void *ctx;
    char *(*read)(void *ctx, const char *path, size_t *len, char *err, size_t errlen);
};

/*
 * rules_load_buffer - parse text[0..len) as the rules file called name; included and list
 * files come from src (NULL: the file system, as rules_load). Same results as rules_load.
 */
struct ruleset *rules_load_buffer(const char *name, const char *text, size_t len,
                                  const struct rules_source *src, char *errbuf, size_t errlen);
void rules_ref(struct ruleset *rs);
void rules_unref(struct ruleset *rs);

/* rules_listener - the listener for a {daemon_name} value (NULL or "" allowed): the one named
 * by daemon, else the default one, else NULL. */
const struct listener *rules_listener(const struct ruleset *rs, const char *daemon);

const char *rules_stage_name(enum stage s);
/* rules_stage_lookup - the stage named name, or -1. */
int rules_stage_lookup(const char *name);
const char *rules_action_name(enum action a);
size_t rules_count(const struct ruleset *rs);

#endif

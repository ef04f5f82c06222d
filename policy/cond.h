/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cond.h - the table of rule conditions: keyword, argument, earliest stage, evaluator and a
 * line of help. The parser, the evaluator, the negotiation with the MTA, the hints of
 * relaywarden -n and the man page check all read this one table, so a new condition is a row
 * here and its evaluator, nothing else: a rule's condition points at its row.
 *
 * Return conventions of the policy library (STYLE.md): do-something functions return 0 / -1;
 * matchers return 1 (holds), 0 (does not hold) or -1 (could not be decided: a lookup failed),
 * and -1 leads to the on-error action, never to a pass. An evaluator may also answer
 * COND_NA: the question does not apply (an address without a domain is neither inside nor
 * outside a domains list), and then the condition does not hold, negated or not.
 */
#ifndef RW_COND_H
#define RW_COND_H

#include "addr.h"
#include "content.h"
#include "geoip.h" /* geoip */
#include "hdraddr.h"
#include "hygiene.h"
#include "limit.h"
#include "list.h"
#include "rdns.h"
#include "rules.h"

/* What the conditions read: the session's facts so far. Pointers are NULL until known. */
struct facts {
    const struct netaddr *client; /* NULL when the MTA did not say */
    const char *auth;             /* SASL login, NULL or "" when not authenticated */
    int tls;
    const struct addr *from;        /* NULL before MAIL */
    const struct addr *rcpt;        /* the recipient being decided (rcpt stage) */
    const struct author *author;    /* From:/Sender: (header stage on), NULL before */
    const struct rdns_result *rdns; /* the client's rDNS verdict, NULL if not checked */
    const char *rdns_error;         /* the lookup could not be made: why (rdns is NULL) */
    const struct content_facts *content; /* content screening (content stage), NULL before */
    /* limits (rate limits): the counters (NULL: no limit is ever over), and what the limit
     * condition saw, for the decision line (NULL: not kept) */
    const struct limit_store *limits;
    struct limit_seen *limit_seen;
    /* geoip: the client's country and ASN (NULL: no lookup, every field unknown), or why the
     * lookup failed (geo NULL: all of it; else geo->failed says which database) */
    const struct geoip_result *geo;
    const char *geo_error;
    /* hygiene: the message's defects (header stage on), NULL when the policy asks none */
    const struct hygiene *hygiene;
};

#define COND_NA 2

enum cond_arg {
    CARG_NONE,  /* auth, tls, routed */
    CARG_LIST,  /* a list of cond_def.list's type */
    CARG_RDNS,  /* an rDNS verdict word */
    CARG_SIZE,  /* over or under and a size: 10M, 512k, 2000 */
    CARG_LIMIT, /* limits: <NAME> of a limit statement */
};

enum cond_needs {
    CNEED_RDNS = 1 << 0, /* the client's rDNS verdict: looked up at connect */
    CNEED_BODY = 1 << 1, /* the body, through content screening: a content condition */
    CNEED_LIMIT = 1 << 4, /* limits: a counter store, which may fail like a lookup */
    /* geoip: a country or an ASN database must be named in the rules */
    CNEED_COUNTRY = 1 << 2,
    CNEED_ASN = 1 << 3,
    CNEED_HYGIENE = 1 << 5, /* hygiene: the defects of the message (hygiene.h) */
};

struct cond_def {
    const char *name; /* the keyword */
    enum cond_arg arg;
    enum list_type list; /* CARG_LIST: the type of list it takes */
    enum stage first;    /* the earliest stage that knows what it tests */
    enum stage last;     /* the latest (to and routed: one recipient at a time, at rcpt) */
    unsigned needs;      /* CNEED_*: what the session must gather for it */
    int (*eval)(const struct cond *c, const struct facts *f); /* 1 / 0 / -1, before negation */
    /* about From:/Sender: - the index of the author mailbox that decides it (the first not
     * owned, the first claiming), for the log; NULL for other conditions */
    int (*culprit)(const struct cond *c, const struct facts *f);
    const char *help; /* "holds when ..." */
    /* attachment conditions: does one part satisfy it (1 / 0 / -1)? what gets the name or
     * value that matched, for the log. Content screening asks at the end of each part and
     * keeps the answer (content_facts.cond_hits); NULL for other conditions. */
    int (*part)(const struct cond *c, const struct part_facts *pf, char *what, size_t wlen);
};

/* cond_lookup - the row for a keyword, or NULL. */
const struct cond_def *cond_lookup(const char *name);
/* cond_count, cond_at - walk the table in its order (for hints and the man page check). */
size_t cond_count(void);
const struct cond_def *cond_at(size_t i);
/* cond_names - "to, from, ..." every keyword in table order, into buf. Returns buf. */
char *cond_names(char *buf, size_t len);

/* cond_eval - 1 if the condition holds (negation applied), 0 if not, -1 if undecidable;
 * on -1 *why says what failed (static or owned by the facts). */
int cond_eval(const struct cond *c, const struct facts *f, const char **why);

/* cond_settled - while the body is still coming (content facts not done): 1 if what c
 * answers now cannot change any more (a keyword found stays found; one not found yet may
 * still be), 0 if it may. Conditions that do not read the body are always settled. */
int cond_settled(const struct cond *c, const struct facts *f);

/* cond_hit_detail - for the log: what made content condition c hold (" (part 2
 * \"a.exe\": exe)", " (keyword \"x\" in Subject)"), appended to reason. */
void cond_hit_detail(const struct cond *c, const struct facts *f, char *reason, size_t len);

#endif

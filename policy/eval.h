/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * eval.h - decide which rule of a policy applies to what is known about a session so far.
 * The caller gathers the facts (from milter macros, or from a test table) into a session and
 * walks the matching rules of one stage with eval_next().
 */
#ifndef RW_EVAL_H
#define RW_EVAL_H

#include "addr.h"
#include "hdraddr.h"
#include "list.h"
#include "rules.h"

struct session {
    const struct netaddr *client; /* NULL when the MTA did not say */
    const char *auth;             /* SASL login, NULL or "" when not authenticated */
    int tls;
    const struct addr *from;        /* NULL before MAIL */
    const struct addr *rcpt;        /* the recipient being decided (rcpt stage) */
    const struct author *author;    /* From:/Sender: (header stage on), NULL before */
    const struct rdns_result *rdns; /* the client's rDNS verdict, NULL if not checked */
};

/* eval_cond - 1 if the condition holds (negation applied), else 0. */
int eval_cond(const struct cond *c, const struct session *s);

/*
 * eval_next - the next rule of stage st at or after *pos whose conditions all hold. Returns 1
 * with *out set and *pos moved past it, or 0 when no rule is left. Log-only rules are returned
 * like the others: the caller logs them and calls again to find the rule that really decides.
 */
int eval_next(const struct policy *pol, enum stage st, const struct session *s, size_t *pos,
              const struct rule **out);

#endif

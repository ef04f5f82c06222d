/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * eval.h - which rule of a policy applies to what is known about a session so far. The session
 * engine (session.c) gathers the facts and walks the matching rules of one stage with
 * eval_next(); the conditions themselves are in cond.c.
 */
#ifndef RW_EVAL_H
#define RW_EVAL_H

#include "cond.h"
#include "rules.h"

/*
 * eval_next - the next rule of stage st at or after *pos whose conditions all hold. Returns 1
 * with *out set and *pos moved past it; 0 when no rule is left; -1 when a condition of the rule
 * *out could not be decided (a lookup failed), with *why saying what failed and *pos moved
 * past it. Log-only and accumulating rules are returned like the others: the caller acts on
 * them and calls again.
 */
int eval_next(const struct policy *pol, enum stage st, const struct facts *f, size_t *pos,
              const struct rule **out, const char **why);

#endif

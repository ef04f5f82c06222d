/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * eval.c - rule matching. First match wins inside a stage; all conditions of a rule must hold.
 * A condition that cannot be decided stops the walk: the caller applies the on-error action,
 * so a failed lookup never lets a message through that a rule would have refused.
 */
#include "eval.h"

int
eval_next(const struct policy *pol, enum stage st, const struct facts *f, size_t *pos,
          const struct rule **out, const char **why)
{
    size_t i, j;

    if (pol == NULL) {
        *pos = 0;
        return 0;
    }
    for (i = *pos; i < pol->nrules; i++) {
        const struct rule *r = pol->rules[i];
        int held = 1;
        if (r->stage != st)
            continue;
        for (j = 0; j < r->nconds && held == 1; j++)
            held = cond_eval(&r->conds[j], f, why);
        if (held != 0) {
            *pos = i + 1;
            *out = r;
            return held;
        }
    }
    *pos = pol->nrules;
    return 0;
}

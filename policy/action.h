/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * action.h - the table of rule actions: keyword, terminal or accumulating, earliest stage,
 * what follows the keyword, and the reply class. The parser, the session engine, the
 * negotiation (which modifications to ask the MTA for) and the hints of relaywarden -n read it.
 *
 * Terminal actions end their stage: the first one whose conditions hold decides. Accumulating
 * actions (copy, tag) are applied and the walk goes on, so several can add up.
 */
#ifndef RW_ACTION_H
#define RW_ACTION_H

#include "rules.h"

#include <stddef.h>

enum action_arg {
    AARG_NONE,
    AARG_ADDRESS, /* redirect, copy: "user@domain" */
    AARG_TAG,     /* tag: subject "PREFIX" or header "Name: value" */
};

enum action_text {
    ATEXT_NONE,   /* no text after the conditions */
    ATEXT_REPLY,  /* "CODE X.Y.Z text": the SMTP reply */
    ATEXT_REASON, /* "text": the reason logged (and, for quarantine, kept by the MTA) */
};

struct action_def {
    const char *name;
    enum action act;
    int terminal;
    enum stage first; /* earliest stage: actions on a message need one (mail on) */
    int reply_class;  /* 5 or 4 for reject and tempfail, else 0 */
    enum action_arg arg;
    enum action_text text;
    const char *help;
};

/* action_lookup - the row for a keyword, or NULL. action_def - the row of an action. */
const struct action_def *action_lookup(const char *name);
const struct action_def *action_def(enum action act);
size_t action_count(void);
const struct action_def *action_at(size_t i);
/* action_names - "accept, reject, ..." every keyword in table order, into buf. Returns buf. */
char *action_names(char *buf, size_t len);

#endif

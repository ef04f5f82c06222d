/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * action.c - the actions of the rules language, one row each (see action.h).
 */
#include "action.h"
#include "util.h"

#include <string.h>

/* In the order the hints and the man page list them. */
static const struct action_def action_table[] = {
    {"accept", ACT_ACCEPT, 1, STAGE_CONNECT, 0, AARG_NONE, ATEXT_NONE,
     "this stage passes (at rcpt: this recipient); later stages still run"},
    {"reject", ACT_REJECT, 1, STAGE_CONNECT, 5, AARG_NONE, ATEXT_REPLY,
     "refuse with a 5xx reply (at rcpt: this recipient alone)"},
    {"tempfail", ACT_TEMPFAIL, 1, STAGE_CONNECT, 4, AARG_NONE, ATEXT_REPLY,
     "refuse with a 4xx reply, so the sender tries again"},
    {"discard", ACT_DISCARD, 1, STAGE_MAIL, 0, AARG_NONE, ATEXT_REASON,
     "accept the message and drop it"},
    {"quarantine", ACT_QUARANTINE, 1, STAGE_MAIL, 0, AARG_NONE, ATEXT_REASON,
     "accept the message into the MTA's hold queue, the text as its reason"},
    {"redirect", ACT_REDIRECT, 1, STAGE_MAIL, 0, AARG_ADDRESS, ATEXT_REASON,
     "replace every recipient of the message by the address"},
    {"copy", ACT_COPY, 0, STAGE_MAIL, 0, AARG_ADDRESS, ATEXT_REASON,
     "add the address as a recipient of the message (accumulates)"},
    {"tag", ACT_TAG, 0, STAGE_MAIL, 0, AARG_TAG, ATEXT_REASON,
     "prefix the Subject (tag subject \"[X]\") or add a header (tag header \"Name: value\")"},
    /* hygiene */
    {"fix", ACT_FIX, 0, STAGE_HEADER, 0, AARG_NONE, ATEXT_REASON,
     "add the Date and Message-ID the message lacks (accumulates)"},
};
#define ACTION_TABLE_LEN (sizeof(action_table) / sizeof(action_table[0]))

const struct action_def *
action_lookup(const char *name)
{
    size_t i;

    for (i = 0; i < ACTION_TABLE_LEN; i++)
        if (strcmp(action_table[i].name, name) == 0)
            return &action_table[i];
    return NULL;
}

const struct action_def *
action_def(enum action act)
{
    size_t i;

    for (i = 0; i < ACTION_TABLE_LEN; i++)
        if (action_table[i].act == act)
            return &action_table[i];
    return NULL;
}

size_t
action_count(void)
{
    return ACTION_TABLE_LEN;
}

const struct action_def *
action_at(size_t i)
{
    return i < ACTION_TABLE_LEN ? &action_table[i] : NULL;
}

static const char *
action_name_at(const void *ctx, size_t i)
{
    (void)ctx;
    return action_table[i].name;
}

char *
action_names(char *buf, size_t len)
{
    return util_join(buf, len, NULL, ACTION_TABLE_LEN, action_name_at, ", ", NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rules.c - life of a loaded ruleset: reference counting (connections keep the snapshot they
 * started with while SIGHUP installs a new one), freeing, and listener lookup.
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "kw.h"
#include "parse.h"

static void
rules_free_policy(void *v)
{
    struct policy *pol = v;
    size_t i;

    for (i = 0; i < pol->nrules; i++)
        parse_rule_free(pol->rules[i]);
    free(pol->rules);
    free(pol->name);
    free(pol);
}

static void
rules_free(struct ruleset *rs)
{
    size_t i;

    strset_free(&rs->policies, rules_free_policy);
    strset_free(&rs->lists, NULL); /* the lists themselves are in all_lists */
    for (i = 0; i < rs->nall_lists; i++)
        list_free(rs->all_lists[i]);
    free(rs->all_lists);
    kw_set_free(rs->kw);
    free(rs->kw_lists);
    for (i = 0; i < rs->nlisteners; i++) {
        free(rs->listeners[i].name);
        free(rs->listeners[i].daemon);
        free(rs->listeners[i].policy_name);
        free(rs->listeners[i].authserv_id);
        free(rs->listeners[i].rdns_header);
    }
    for (i = 0; i < rs->nlisteners; i++) /* geoip */
        free(rs->listeners[i].geoip_header);
    geoip_rules_free(&rs->geoip);
    free(rs->listeners);
    for (i = 0; i < rs->nstamp_names; i++)
        free(rs->stamp_names[i]);
    free(rs->stamp_names);
    for (i = 0; i < rs->ntag_names; i++)
        free(rs->tag_names[i]);
    free(rs->tag_names);
    for (i = 0; i < rs->nauthserv_ids; i++)
        free(rs->authserv_ids[i]);
    free(rs->authserv_ids);
    for (i = 0; i < rs->nfiles; i++)
        free(rs->files[i]);
    free(rs->files);
    for (i = 0; i < rs->nlimits; i++) /* limits (rate limits) */
        limit_def_free(rs->limits[i]);
    free(rs->limits);
    free(rs);
}

void
rules_ref(struct ruleset *rs)
{
    __atomic_add_fetch(&rs->refs, 1, __ATOMIC_RELAXED);
}

void
rules_unref(struct ruleset *rs)
{
    if (rs != NULL && __atomic_sub_fetch(&rs->refs, 1, __ATOMIC_ACQ_REL) == 0)
        rules_free(rs);
}

const struct listener *
rules_listener(const struct ruleset *rs, const char *daemon)
{
    const struct listener *dflt = NULL;
    size_t i;

    for (i = 0; i < rs->nlisteners; i++) {
        const struct listener *l = &rs->listeners[i];
        if (daemon != NULL && l->daemon != NULL && strcmp(l->daemon, daemon) == 0)
            return l;
        if (l->is_default && dflt == NULL)
            dflt = l;
    }
    return dflt;
}

/* The stages, in SMTP order: the one table of them. */
static const char *const rules_stages[STAGE_COUNT] = {"connect", "helo",   "mail",
                                                      "rcpt",    "header", "content"};

const char *
rules_stage_name(enum stage s)
{
    return (unsigned)s < STAGE_COUNT ? rules_stages[s] : "?";
}

int
rules_stage_lookup(const char *name)
{
    int i;

    for (i = 0; i < STAGE_COUNT; i++)
        if (strcmp(rules_stages[i], name) == 0)
            return i;
    return -1;
}

const char *
rules_action_name(enum action a)
{
    const struct action_def *d = action_def(a);

    return d != NULL ? d->name : "?";
}

size_t
rules_count(const struct ruleset *rs)
{
    size_t i, n = 0;

    for (i = 0; i < rs->policies.cap; i++)
        if (rs->policies.slots[i].key != NULL)
            n += ((const struct policy *)rs->policies.slots[i].value)->nrules;
    return n;
}

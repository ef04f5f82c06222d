/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * strset.c - string hash set with linear probing (FNV-1a). The keys come from the admin's
 * rules, never from SMTP clients, so a non-keyed hash is enough; lookups with hostile keys
 * cost one probe sequence like any other.
 */
#include "strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Grow when more than 3/4 full: probe sequences stay short without wasting much memory. */
#define STRSET_LOAD_NUM 3
#define STRSET_LOAD_DEN 4
#define STRSET_MIN_CAP 16

static uint64_t
strset_hash(const char *key)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *key; key++) {
        h ^= (unsigned char)*key;
        h *= 1099511628211ULL;
    }
    return h;
}

void
strset_init(struct strset *s)
{
    s->slots = NULL;
    s->cap = 0;
    s->len = 0;
}

void
strset_free(struct strset *s, void (*free_value)(void *))
{
    size_t i;

    for (i = 0; i < s->cap; i++) {
        if (s->slots[i].key == NULL)
            continue;
        free(s->slots[i].key);
        if (free_value != NULL)
            free_value(s->slots[i].value);
    }
    free(s->slots);
    strset_init(s);
}

static struct strset_entry *
strset_slot(struct strset_entry *slots, size_t cap, const char *key)
{
    size_t i = (size_t)strset_hash(key) & (cap - 1);

    while (slots[i].key != NULL && strcmp(slots[i].key, key) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int
strset_grow(struct strset *s)
{
    size_t ncap = s->cap ? s->cap * 2 : STRSET_MIN_CAP, i;
    struct strset_entry *n = calloc(ncap, sizeof(*n));

    if (n == NULL)
        return -1;
    for (i = 0; i < s->cap; i++)
        if (s->slots[i].key != NULL)
            *strset_slot(n, ncap, s->slots[i].key) = s->slots[i];
    free(s->slots);
    s->slots = n;
    s->cap = ncap;
    return 0;
}

int
strset_add(struct strset *s, const char *key, void *value)
{
    struct strset_entry *e;

    if ((s->len + 1) * STRSET_LOAD_DEN > s->cap * STRSET_LOAD_NUM && strset_grow(s) == -1)
        return -1;
    e = strset_slot(s->slots, s->cap, key);
    if (e->key != NULL)
        return 0;
    if ((e->key = strdup(key)) == NULL)
        return -1;
    e->value = value;
    s->len++;
    return 1;
}

struct strset_entry *
strset_get(const struct strset *s, const char *key)
{
    struct strset_entry *e;

    if (s->cap == 0)
        return NULL;
    e = strset_slot(s->slots, s->cap, key);
    return e->key != NULL ? e : NULL;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * strset.h - an open-addressing hash set of strings, so that lists of 100,000 domains or
 * logins load and answer in constant time. Keys are copied; a key may carry one pointer value.
 */
#ifndef RW_STRSET_H
#define RW_STRSET_H

#include <stddef.h>

struct strset_entry {
    char *key;
    void *value;
};

struct strset {
    struct strset_entry *slots;
    size_t cap; /* power of two, or 0 when empty */
    size_t len;
};

void strset_init(struct strset *s);
void strset_free(struct strset *s, void (*free_value)(void *));
/* strset_add - returns 1 if added, 0 if the key was already there (value left alone), -1 on OOM. */
int strset_add(struct strset *s, const char *key, void *value);
struct strset_entry *strset_get(const struct strset *s, const char *key);

#endif

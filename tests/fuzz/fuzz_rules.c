/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_rules.c - libFuzzer target for the rules parser: any byte string either loads or
 * yields at least one "file:line: message" error, never a crash or a leak. The text is loaded
 * from memory (rules_load_buffer); an include or list file named in it reads the same bytes
 * again, so nesting and list files are fuzzed too, without touching the disk.
 */
#include "rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *fz_data;
static size_t fz_size;

static char *
fz_read(void *ctx, const char *path, size_t *len, char *err, size_t errlen)
{
    char *b;

    (void)ctx;
    if (strstr(path, "missing") != NULL || (b = malloc(fz_size + 1)) == NULL) {
        snprintf(err, errlen, "cannot open \"%.100s\": No such file", path);
        return NULL;
    }
    memcpy(b, fz_data, fz_size);
    b[fz_size] = '\0';
    *len = fz_size;
    return b;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char err[65536];
    static const struct rules_source src = {NULL, fz_read};
    struct ruleset *rs;

    fz_data = data;
    fz_size = size;
    rs = rules_load_buffer("fuzz.rules", (const char *)data, size, &src, err, sizeof(err));
    if (rs == NULL && strstr(err, ": ") == NULL)
        abort(); /* a refusal always says where and why */
    if (rs != NULL && rules_listener(rs, NULL) == NULL && rs->nlisteners == 0)
        abort(); /* a loaded ruleset has a listener */
    rules_unref(rs);
    return 0;
}

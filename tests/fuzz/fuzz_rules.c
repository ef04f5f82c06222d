/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_rules.c - libFuzzer target for the rules parser: any byte string either loads or
 * yields at least one "file:line: message" error, never a crash or a leak.
 */
#include "rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    static char err[65536];
    struct ruleset *rs;
    FILE *f;

    if (path[0] == '\0')
        snprintf(path, sizeof(path), "/tmp/rw-fuzz-rules.%ld", (long)getpid());
    if ((f = fopen(path, "w")) == NULL)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    rs = rules_load(path, err, sizeof(err));
    if (rs == NULL && strstr(err, ": ") == NULL)
        abort(); /* a refusal always says where and why */
    rules_unref(rs);
    return 0;
}

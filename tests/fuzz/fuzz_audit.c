/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_audit.c - libFuzzer target for the static audit: any rules text that loads is audited
 * (probes, dead rules, public suffixes, the foreign probe) without a crash, a leak or a report
 * that is not whole "file:line: warning: ..." lines; and the relay-list query answers 0 or 1.
 */
#include "audit.h"
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
    static char err[65536], out[65536];
    static const struct rules_source src = {NULL, fz_read};
    static const char *const probes[] = {"com", "example.com", "relay-audit.invalid", "a.b"};
    struct ruleset *rs;
    size_t i;
    int n;

    fz_data = data;
    fz_size = size;
    rs = rules_load_buffer("fuzz.rules", (const char *)data, size, &src, err, sizeof(err));
    if (rs == NULL)
        return 0;
    n = audit_ruleset(rs, out, sizeof(out));
    if (n < -1 || strlen(out) >= sizeof(out))
        abort();
    if (n > 0 && (strstr(out, ": warning: ") == NULL || out[strlen(out) - 1] != '\n'))
        abort(); /* every warning is a whole line saying where */
    if (n == 0 && out[0] != '\0')
        abort();
    for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        int r = audit_domain_decides_relay(rs, probes[i]);
        if (r != 0 && r != 1)
            abort();
    }
    rules_unref(rs);
    return 0;
}

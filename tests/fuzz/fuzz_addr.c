/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_addr.c - libFuzzer target for the envelope address parser, the part of relaywarden
 * that every SMTP client on the Internet feeds. Checks invariants, not just crashes: a parsed
 * address has NUL-terminated fields within bounds and a hop count within ADDR_HOPS_MAX.
 */
#include "addr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[1024], err[128];
    struct addr a;
    int i;

    if (size >= sizeof(in))
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    for (int mode = ADDR_RCPT; mode <= ADDR_MAIL; mode++) {
        if (addr_parse(in, (enum addr_mode)mode, &a, err, sizeof(err)) == -1) {
            if (err[0] == '\0')
                abort(); /* a refusal always says why */
            continue;
        }
        if (a.nhops < 0 || a.nhops > ADDR_HOPS_MAX ||
            strnlen(a.domain, sizeof(a.domain)) == sizeof(a.domain) ||
            strnlen(a.text, sizeof(a.text)) == sizeof(a.text))
            abort();
        for (i = 0; i < a.nhops; i++)
            if (strnlen(a.hops[i], sizeof(a.hops[i])) == sizeof(a.hops[i]))
                abort();
        /* The final domain, when there is one, is always the first hop. */
        if (a.domain[0] != '\0' && (a.nhops == 0 || strcmp(a.hops[0], a.domain) != 0) &&
            !(a.flags & ADDR_F_HOPS_OVERFLOW))
            abort();
    }
    return 0;
}

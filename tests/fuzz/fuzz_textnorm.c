/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_textnorm.c - libFuzzer target for RFC 2047 decoding and the display-text normal form,
 * in logical and in screen order. Invariants: a refusal says why; every output fits its
 * limit, is valid UTF-8, and holds no control character, no default-ignorable code point
 * (zero-width, bidi control), no fullwidth '@' or '.', no ideographic full stop and no
 * combining mark: nothing a reader might take for part of an address survives in a form the
 * address scan would not see. Text without bidi content reads the same in every order.
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

static void
fz_check(const struct buf *out)
{
    size_t i;

    if (out->len > FZ_OUT_MAX || (out->len > 0 && u8_check((const uint8_t *)out->s, out->len)))
        abort();
    for (i = 0; i < out->len;) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, (const uint8_t *)out->s + i, out->len - i);
        if (k <= 0)
            abort();
        i += (size_t)k;
        if (uc < 0x20 || (uc >= 0x7f && uc < 0xa0) || uc == 0xff20 || uc == 0xfe6b ||
            uc == 0xff0e || uc == 0x3002 || uc == 0xff61 || uc == 0xa4f8 ||
            uc_is_property_default_ignorable_code_point(uc) ||
            uc_is_general_category(uc, UC_CATEGORY_Mn))
            abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf out, vis;
    char err[128] = "";
    unsigned flags;
    int rtl;

    buf_init(&out, FZ_OUT_MAX);
    if (textnorm_display((const char *)data, size, &out, &flags, err, sizeof(err)) == -1) {
        if (err[0] == '\0')
            abort();
        buf_free(&out);
        return 0;
    }
    fz_check(&out);
    for (rtl = 0; rtl <= 1; rtl++) {
        buf_init(&vis, FZ_OUT_MAX);
        err[0] = '\0';
        if (textnorm_visual((const char *)data, size, rtl, &vis, err, sizeof(err)) == -1) {
            if (err[0] == '\0')
                abort();
        } else {
            fz_check(&vis);
            /* Without bidi content a left-to-right paragraph shows the logical order. */
            if (!(flags & TEXTNORM_F_BIDI) && rtl == 0 &&
                (vis.len != out.len || (out.len > 0 && memcmp(vis.s, out.s, out.len) != 0)))
                abort();
        }
        buf_free(&vis);
    }
    buf_free(&out);
    return 0;
}

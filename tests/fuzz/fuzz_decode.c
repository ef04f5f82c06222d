/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_decode.c - libFuzzer target for the transfer decoders. The first four bytes seed the
 * chunking; the rest is decoded as base64 (every implementation this CPU runs, and the
 * dispatcher), as quoted-printable and, line by line, as uuencode. Invariants: every chunking
 * gives the one-shot result of the plain references in decode_ref.h, byte for byte and flag for
 * flag; no call writes past B64_DECODED_MAX / QP_DECODED_MAX of its own chunk (each dst is an
 * allocation of exactly that size, for ASan to watch); uu_decode_line stays within 64 bytes.
 */
#include "decode.h"

#include "../unit/decode_ref.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fz_next - the next chunk length, 1 to 4096 but mostly short, from a small xorshift. */
static size_t
fz_next(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return (*x & 3) == 0 ? 1 + (*x >> 8) % 4096 : 1 + (*x >> 8) % 80;
}

static void
fz_same(const unsigned char *a, size_t an, unsigned af, const unsigned char *b, size_t bn,
        unsigned bf)
{
    if (an != bn || af != bf || memcmp(a, b, an) != 0)
        abort();
}

static void
fz_b64(b64_decode_fn f, const unsigned char *p, size_t n, uint32_t seed, const unsigned char *want,
       size_t wantlen, unsigned wantflags, unsigned char *out)
{
    struct b64_state s;
    size_t at = 0, o = 0, c, got;
    unsigned char *dst, *end = malloc(2);

    b64_init(&s);
    while (at < n) {
        c = fz_next(&seed);
        if (c > n - at)
            c = n - at;
        dst = malloc(B64_DECODED_MAX(c));
        got = f(&s, p + at, c, dst);
        if (got > B64_DECODED_MAX(c))
            abort();
        memcpy(out + o, dst, got);
        free(dst);
        o += got;
        at += c;
    }
    got = b64_finish(&s, end);
    memcpy(out + o, end, got);
    free(end);
    fz_same(out, o + got, s.flags, want, wantlen, wantflags);
}

static void
fz_qp(const unsigned char *p, size_t n, uint32_t seed, const unsigned char *want, size_t wantlen,
      unsigned wantflags, unsigned char *out)
{
    struct qp_state s;
    size_t at = 0, o = 0, c, got;
    unsigned char *dst, *end = malloc(QP_PENDING_MAX);

    qp_init(&s);
    while (at < n) {
        c = seed == 0 ? n : fz_next(&seed); /* seed 0: one call */
        if (c > n - at)
            c = n - at;
        dst = malloc(QP_DECODED_MAX(c));
        got = qp_decode(&s, p + at, c, dst);
        if (got > QP_DECODED_MAX(c))
            abort();
        memcpy(out + o, dst, got);
        free(dst);
        o += got;
        at += c;
    }
    got = qp_finish(&s, end);
    memcpy(out + o, end, got);
    free(end);
    fz_same(out, o + got, s.flags, want, wantlen, wantflags);
}

static void
fz_uu(const unsigned char *p, size_t n)
{
    unsigned char *out = malloc(UU_OUT_MAX);
    size_t at = 0, e;
    int got;

    while (at < n) {
        const unsigned char *lf = memchr(p + at, '\n', n - at);

        e = lf != NULL ? (size_t)(lf - p) : n;
        got = uu_decode_line((const char *)p + at, e - at, out);
        if (got > 63 || (got >= 0 && got != ((p[at] - 0x20) & 0x3f)))
            abort();
        at = e + 1;
    }
    free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const impls[] = {"scalar", "ssse3", "avx2"};
    uint32_t seed = 0x9e3779b9u;
    const unsigned char *p = data;
    size_t n = size, wantlen, k;
    unsigned char *want, *out;
    unsigned wantflags;

    if (size >= 4) {
        seed ^= (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
                (uint32_t)data[3] << 24;
        p += 4;
        n -= 4;
    }
    if (seed == 0)
        seed = 1;
    want = malloc(n + QP_PENDING_MAX + 8);
    out = malloc(n + QP_PENDING_MAX + 8);
    if (want == NULL || out == NULL)
        abort();

    wantlen = decode_ref_b64(p, n, want, &wantflags);
    for (k = 0; k < 3; k++) {
        b64_decode_fn f = b64_impl_fn(impls[k]);

        if (f == NULL)
            continue;
        fz_b64(f, p, n, seed, want, wantlen, wantflags, out);
        /* one call */
        {
            struct b64_state s;
            unsigned char *dst = malloc(B64_DECODED_MAX(n) + 2);
            size_t o;

            b64_init(&s);
            o = f(&s, p, n, dst);
            if (o > B64_DECODED_MAX(n))
                abort();
            o += b64_finish(&s, dst + o);
            fz_same(dst, o, s.flags, want, wantlen, wantflags);
            free(dst);
        }
    }
    fz_b64(b64_decode, p, n, seed * 2654435761u + 1, want, wantlen, wantflags, out);

    wantlen = decode_ref_qp(p, n, want, &wantflags);
    fz_qp(p, n, seed, want, wantlen, wantflags, out);
    fz_qp(p, n, 0, want, wantlen, wantflags, out);

    fz_uu(p, n);
    free(want);
    free(out);
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_decode.c - the transfer decoders: base64 (every implementation this CPU runs), quoted-
 * printable and uuencode, table by table, each row fed whole, at every split point and byte by
 * byte, and long random inputs checked against the one-shot references in decode_ref.h.
 */
#include "decode.h"
#include "decode_int.h"

#include "decode_ref.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(x) x, sizeof(x) - 1

/* Every base64 implementation this build and CPU have; the dispatcher counts as one more. */
static const char *const impls[] = {"scalar", "ssse3", "avx2", "dispatch"};
#define NIMPLS (sizeof(impls) / sizeof(impls[0]))

static b64_decode_fn
impl_fn(unsigned k)
{
    return k == NIMPLS - 1 ? b64_decode : b64_impl_fn(impls[k]);
}

/* A printable form of up to 60 bytes for failure messages. */
static const char *
show(const unsigned char *p, size_t n)
{
    static char out[2][256];
    static int which;
    char *s = out[which ^= 1];
    size_t i, o = 0;

    for (i = 0; i < n && i < 60 && o < sizeof(out[0]) - 8; i++)
        o += (size_t)snprintf(s + o, sizeof(out[0]) - o,
                              p[i] >= 0x20 && p[i] < 0x7f ? "%c" : "\\x%02x", p[i]);
    if (i < n)
        snprintf(s + o, sizeof(out[0]) - o, "...");
    return s;
}

/*
 * b64_run - decodes in[0, n) with f, cut into pieces: cut[0..ncut) are the piece ends. Each call
 * gets a dst of exactly B64_DECODED_MAX(piece) bytes of its own (ASan sees any write past it).
 */
static size_t
b64_run(b64_decode_fn f, const unsigned char *in, size_t n, const size_t *cut, size_t ncut,
        unsigned char *out, unsigned *flags)
{
    struct b64_state s;
    size_t at = 0, o = 0, k;
    unsigned char end[2];

    b64_init(&s);
    for (k = 0; k <= ncut; k++) {
        size_t to = k < ncut ? cut[k] : n, got;
        unsigned char *dst = malloc(B64_DECODED_MAX(to - at) + 1);

        ck_assert_ptr_nonnull(dst);
        got = f(&s, in + at, to - at, dst);
        ck_assert_uint_le(got, B64_DECODED_MAX(to - at));
        memcpy(out + o, dst, got);
        free(dst);
        o += got;
        at = to;
    }
    k = b64_finish(&s, end);
    ck_assert_uint_le(k, 2);
    memcpy(out + o, end, k);
    *flags = s.flags;
    return o + k;
}

/* b64_check - every implementation, whole, at each split point and byte by byte, gives want. */
static void
b64_check(const char *name, const unsigned char *in, size_t n, const unsigned char *want,
          size_t wantlen, unsigned wantflags)
{
    unsigned char *out = malloc(B64_DECODED_MAX(n) + 3);
    size_t *cut = malloc((n + 1) * sizeof(*cut));
    unsigned k, flags;
    size_t i, got;

    ck_assert(out != NULL && cut != NULL);
    for (i = 0; i < n; i++)
        cut[i] = i + 1;
    got = decode_ref_b64(in, n, out, &flags);
    ck_assert_msg(got == wantlen && memcmp(out, want, got) == 0 && flags == wantflags,
                  "%s: reference: got \"%s\" flags %u, want \"%s\" flags %u", name, show(out, got),
                  flags, show(want, wantlen), wantflags);
    for (k = 0; k < NIMPLS; k++) {
        b64_decode_fn f = impl_fn(k);

        if (f == NULL)
            continue;
        /* split == n + 1: one call; split == n + 2: byte by byte; else two calls. */
        for (i = 0; i <= n + 2; i++) {
            size_t c = i;

            got = i <= n       ? b64_run(f, in, n, &c, 1, out, &flags)
                  : i == n + 1 ? b64_run(f, in, n, NULL, 0, out, &flags)
                               : b64_run(f, in, n, cut, n ? n - 1 : 0, out, &flags);
            ck_assert_msg(got == wantlen && memcmp(out, want, got) == 0 && flags == wantflags,
                          "%s (%s, split %zu of %zu): got \"%s\" flags %u, want \"%s\" flags %u",
                          name, impls[k], i, n, show(out, got), flags, show(want, wantlen),
                          wantflags);
        }
    }
    free(out);
    free(cut);
}

static const struct {
    const char *name;
    const char *in;
    size_t inlen;
    const char *want;
    size_t wantlen;
    unsigned flags;
} b64_rows[] = {
    {"empty", S(""), S(""), 0},
    {"only white space", S(" \r\n\t"), S(""), 0},
    {"one quantum", S("YWJj"), S("abc"), 0},
    {"padding ==", S("YQ=="), S("a"), 0},
    {"padding =", S("YWI="), S("ab"), 0},
    {"no padding, 2 sextets", S("YQ"), S("a"), B64_F_PARTIAL},
    {"no padding, 3 sextets", S("YWI"), S("ab"), B64_F_PARTIAL},
    {"1 sextet left", S("YWJjZ"), S("abc"), B64_F_PARTIAL},
    {"1 sextet then =", S("YWJjZ==="), S("abc"), B64_F_PARTIAL},
    {"one = of two", S("YQ="), S("a"), 0},
    {"too much padding", S("YQ==="), S("a"), B64_F_AFTERPAD},
    {"= after a whole quantum", S("YWJj="), S("abc"), 0},
    {"== after a whole quantum", S("YWJj=="), S("abc"), B64_F_AFTERPAD},
    {"= in the middle", S("YQ==YmM="), S("a"), B64_F_AFTERPAD},
    {"data after padding", S("YWI=x"), S("ab"), B64_F_AFTERPAD},
    {"white space after padding", S("YWI=\r\n \t"), S("ab"), 0},
    {"bad char after padding", S("YWI=!"), S("ab"), B64_F_AFTERPAD},
    {"white space inside padding", S("YQ=\r\n="), S("a"), 0},
    {"CRLF lines", S("YWJj\r\nZGVm\r\n"), S("abcdef"), 0},
    {"LF lines", S("YWJj\nZGVm\n"), S("abcdef"), 0},
    {"bare CR", S("YW\rJj"), S("abc"), 0},
    {"space and tab inside", S("Y W\tJ j"), S("abc"), 0},
    {"bad chars skipped", S("Y!W-J.j"), S("abc"), B64_F_BADCHAR},
    {"NUL skipped", S("YW\0Jj"), S("abc"), B64_F_BADCHAR},
    {"8-bit skipped", S("YW\xc3\xa9Jj"), S("abc"), B64_F_BADCHAR},
    {"url-safe alphabet is bad", S("-_-_"), S(""), B64_F_BADCHAR},
    {"+ and /", S("+/+/"), S("\xfb\xff\xbf"), 0},
    {"all zero bits", S("AAAA"), S("\0\0\0"), 0},
    {"form feed is not white space", S("YWJj\f"), S("abc"), B64_F_BADCHAR},
    {"bad and after pad", S("Y#Q==#"), S("a"), B64_F_BADCHAR | B64_F_AFTERPAD},
    {"76-char MIME lines",
     S("VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZy4gVGhlIHF1aWNrIGJy\r\n"
       "b3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZy4=\r\n"),
     S("The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog."),
     0},
    {"long line, bad char at 40",
     S("VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVy!IHRoZSBsYXp5IGRvZy4gVGhlIHF1aWNrIGJy"),
     S("The quick brown fox jumps over the lazy dog. The quick br"), B64_F_BADCHAR},
    {"long line, padding at 44 then more",
     S("VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHQ=IHRoZSBsYXp5IGRvZy4gVGhlIHF1aWNrIGJy"),
     S("The quick brown fox jumps over t"), B64_F_AFTERPAD},
    {"72-char lines, LF",
     S("VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZy4gVGhlIHF1aWNr\n"
       "IGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZy4=\n"),
     S("The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog."),
     0},
    {"lines not a multiple of 4",
     S("VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZy4gVGhlIHF1aWNrIGJ\r\n"
       "yb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZy4=\r\n"),
     S("The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog."),
     0},
};

START_TEST(test_b64_table)
{
    b64_check(b64_rows[_i].name, (const unsigned char *)b64_rows[_i].in, b64_rows[_i].inlen,
              (const unsigned char *)b64_rows[_i].want, b64_rows[_i].wantlen, b64_rows[_i].flags);
}
END_TEST

/* 108 characters of base64 for 81 bytes: long enough for every vector path. */
static const char b64_long[] =
    "VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZy4gVGhlIHF1"
    "aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5";
static const char b64_long_plain[] =
    "The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy";

/* White space of each kind at every position changes nothing. */
START_TEST(test_b64_space_everywhere)
{
    static const char *const kinds[] = {"\r\n", "\n", "\r", " ", "\t", " \t\r\n"};
    unsigned char in[256];
    size_t n = strlen(b64_long), i, k, w;
    char name[64];

    for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
        for (i = 0; i <= n; i++) {
            w = strlen(kinds[k]);
            memcpy(in, b64_long, i);
            memcpy(in + i, kinds[k], w);
            memcpy(in + i + w, b64_long + i, n - i);
            snprintf(name, sizeof(name), "white space %zu at %zu", k, i);
            b64_check(name, in, n + w, (const unsigned char *)b64_long_plain,
                      strlen(b64_long_plain), 0);
        }
}
END_TEST

/* A bad byte at every position is skipped and flagged; '=' at every position ends the data. */
START_TEST(test_b64_bad_and_pad_everywhere)
{
    static const unsigned char bad[] = {'!', 0, 0x80, 0xff, '-', '_', '.', 0x0b};
    unsigned char in[256], want[256];
    size_t n = strlen(b64_long), i, k, wantlen;
    unsigned flags;
    char name[64];

    for (k = 0; k < sizeof(bad); k++)
        for (i = 0; i <= n; i++) {
            memcpy(in, b64_long, i);
            in[i] = bad[k];
            memcpy(in + i + 1, b64_long + i, n - i);
            snprintf(name, sizeof(name), "bad byte 0x%02x at %zu", bad[k], i);
            b64_check(name, in, n + 1, (const unsigned char *)b64_long_plain,
                      strlen(b64_long_plain), B64_F_BADCHAR);
        }
    for (i = 0; i <= n; i++) {
        memcpy(in, b64_long, i);
        in[i] = '=';
        memcpy(in + i + 1, b64_long + i, n - i);
        /* The prefix's bytes; then data after the '=' is flagged (a '=' that pads is not). */
        wantlen = i / 4 * 3 + (i % 4 == 2 ? 1 : i % 4 == 3 ? 2 : 0);
        memcpy(want, b64_long_plain, wantlen);
        flags = (i % 4 == 1 ? B64_F_PARTIAL : 0) | (i < n ? B64_F_AFTERPAD : 0);
        snprintf(name, sizeof(name), "'=' at %zu", i);
        b64_check(name, in, n + 1, want, wantlen, flags);
    }
}
END_TEST

/* Every byte value at every position of a vector block, against the scalar table. */
START_TEST(test_b64_every_byte)
{
    unsigned char in[64];
    unsigned char want[64], out[64];
    size_t i, wantlen, got;
    unsigned c, k, flags, wantflags;

    for (c = 0; c < 256; c++)
        for (i = 0; i < 64; i++) {
            memcpy(in, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2", 64);
            in[i] = (unsigned char)c;
            wantlen = decode_ref_b64(in, 64, want, &wantflags);
            /* One call each: the splits are the other tests' business. */
            for (k = 0; k < NIMPLS; k++) {
                b64_decode_fn f = impl_fn(k);

                if (f == NULL)
                    continue;
                got = b64_run(f, in, 64, NULL, 0, out, &flags);
                ck_assert_msg(got == wantlen && memcmp(out, want, got) == 0 && flags == wantflags,
                              "byte 0x%02x at %zu (%s): got \"%s\" flags %u, want \"%s\" flags %u",
                              c, i, impls[k], show(out, got), flags, show(want, wantlen),
                              wantflags);
            }
        }
}
END_TEST

/* Long random inputs, cut at random: every implementation agrees with the reference. */
START_TEST(test_b64_random)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    enum { MAXN = 20000 };
    unsigned char *in = malloc(MAXN), *want = malloc(MAXN), *out = malloc(MAXN);
    size_t cut[64], n, i, j, ncut, wantlen, got, line;
    unsigned seed = 12345, wflags, flags, it, k;

    ck_assert(in != NULL && want != NULL && out != NULL);
    for (it = 0; it < 400; it++) {
        n = (size_t)rand_r(&seed) % MAXN;
        line = it % 3 == 0 ? 76 : it % 3 == 1 ? (size_t)rand_r(&seed) % 100 + 1 : 0;
        for (i = 0, j = 0; i < n; i++) {
            int r = rand_r(&seed) % 1000;

            if (line != 0 && j == line) {
                in[i] = '\r';
                if (i + 1 < n)
                    in[++i] = '\n';
                j = 0;
                continue;
            }
            j++;
            in[i] = r < 990 || line == 0 ? (unsigned char)alpha[rand_r(&seed) % 64]
                    : r < 997            ? (unsigned char)"\r\n \t"[r % 4]
                                         : (unsigned char)rand_r(&seed);
            if (line == 0 && r >= 900)
                in[i] = r < 960   ? (unsigned char)" \r\n\t"[r % 4]
                        : r < 999 ? (unsigned char)rand_r(&seed)
                                  : '=';
        }
        wantlen = decode_ref_b64(in, n, want, &wflags);
        ncut = (size_t)rand_r(&seed) % 64;
        for (i = 0; i < ncut; i++)
            cut[i] = n ? (size_t)rand_r(&seed) % n : 0;
        for (i = 1; i < ncut; i++) /* sorted: insertion */
            for (j = i; j > 0 && cut[j - 1] > cut[j]; j--) {
                size_t t = cut[j];

                cut[j] = cut[j - 1];
                cut[j - 1] = t;
            }
        for (k = 0; k < NIMPLS; k++) {
            b64_decode_fn f = impl_fn(k);

            if (f == NULL)
                continue;
            got = b64_run(f, in, n, cut, ncut, out, &flags);
            ck_assert_msg(got == wantlen && memcmp(out, want, got) == 0 && flags == wflags,
                          "random %u (%s, %zu bytes, %zu cuts): got %zu bytes flags %u, want %zu "
                          "flags %u",
                          it, impls[k], n, ncut, got, flags, wantlen, wflags);
        }
    }
    free(in);
    free(want);
    free(out);
}
END_TEST

/*
 * The vector paths' slack (DECODE_SIMD_*_SLACK) at limit - 1, limit and limit + 1, after 0 to 3
 * sextets carried in (the most output before the block): each piece decodes into a buffer of
 * exactly B64_DECODED_MAX of its length. And that bound is reached: 3 sextets carried in and
 * one more byte make 3 bytes, B64_DECODED_MAX(1).
 */
START_TEST(test_b64_limits)
{
    static const size_t lens[] = {DECODE_SIMD_SSSE3_SLACK - 1, DECODE_SIMD_SSSE3_SLACK,
                                  DECODE_SIMD_SSSE3_SLACK + 1, DECODE_SIMD_AVX2_SLACK - 1,
                                  DECODE_SIMD_AVX2_SLACK,      DECODE_SIMD_AVX2_SLACK + 1};
    unsigned char in[128], want[128], out[128];
    size_t c, l, i, cut, wantlen, got;
    unsigned k, flags, wantflags;
    struct b64_state s;

    for (c = 0; c < 4; c++)
        for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
            for (k = 0; k < NIMPLS; k++) {
                b64_decode_fn f = impl_fn(k);

                if (f == NULL)
                    continue;
                for (i = 0; i < c + lens[l]; i++)
                    in[i] = (unsigned char)b64_long[i % 100];
                cut = c;
                wantlen = decode_ref_b64(in, c + lens[l], want, &wantflags);
                got = b64_run(f, in, c + lens[l], &cut, 1, out, &flags);
                ck_assert_msg(
                    got == wantlen && memcmp(out, want, got) == 0 && flags == wantflags,
                    "%s: %zu carried, %zu more: got %zu bytes flags %u, want %zu flags %u",
                    impls[k], c, lens[l], got, flags, wantlen, wantflags);
            }
    for (k = 0; k < NIMPLS; k++) {
        b64_decode_fn f = impl_fn(k);

        if (f == NULL)
            continue;
        b64_init(&s);
        ck_assert_uint_eq(f(&s, "QUJ", 3, out), 0);
        got = f(&s, "E", 1, out);
        ck_assert_msg(got == B64_DECODED_MAX(1) && memcmp(out, "ABD", 3) == 0,
                      "%s: got %zu bytes, want B64_DECODED_MAX(1) = %d", impls[k], got,
                      B64_DECODED_MAX(1));
    }
}
END_TEST

START_TEST(test_b64_impl)
{
    const char *name = b64_impl();

    ck_assert(b64_impl_fn(name) != NULL);
    ck_assert(b64_impl_fn("scalar") == b64_decode_scalar);
    ck_assert(b64_impl_fn("neon") == NULL);
    /* The dispatcher takes the best this CPU has. */
    if (b64_impl_fn("avx2") != NULL)
        ck_assert_str_eq(name, "avx2");
    else if (b64_impl_fn("ssse3") != NULL)
        ck_assert_str_eq(name, "ssse3");
    else
        ck_assert_str_eq(name, "scalar");
    printf("b64_decode: %s; ssse3 %s, avx2 %s\n", name, b64_impl_fn("ssse3") ? "tested" : "absent",
           b64_impl_fn("avx2") ? "tested" : "absent");
}
END_TEST

/* --- quoted-printable --- */

/*
 * qp_run - like b64_run. vec 0 keeps the SSSE3 block path out (decode_qp_run), so that what a
 * CPU without it runs is tested here too.
 */
static size_t
qp_run(const unsigned char *in, size_t n, const size_t *cut, size_t ncut, unsigned char *out,
       unsigned *flags, int vec)
{
    struct qp_state s;
    size_t at = 0, o = 0, k;
    unsigned char end[QP_PENDING_MAX];

    qp_init(&s);
    for (k = 0; k <= ncut; k++) {
        size_t to = k < ncut ? cut[k] : n, got;
        unsigned char *dst = malloc(QP_DECODED_MAX(to - at));

        ck_assert_ptr_nonnull(dst);
        got = decode_qp_run(&s, in + at, to - at, dst, vec);
        ck_assert_uint_le(got, QP_DECODED_MAX(to - at));
        memcpy(out + o, dst, got);
        free(dst);
        o += got;
        at = to;
    }
    k = qp_finish(&s, end);
    ck_assert_uint_le(k, QP_PENDING_MAX);
    memcpy(out + o, end, k);
    *flags = s.flags;
    return o + k;
}

static void
qp_check(const char *name, const unsigned char *in, size_t n, const unsigned char *want,
         size_t wantlen, unsigned wantflags)
{
    unsigned char *out = malloc(n + QP_PENDING_MAX);
    size_t *cut = malloc((n + 1) * sizeof(*cut));
    unsigned flags;
    size_t i, got;
    int vec;

    ck_assert(out != NULL && cut != NULL);
    for (i = 0; i < n; i++)
        cut[i] = i + 1;
    got = decode_ref_qp(in, n, out, &flags);
    ck_assert_msg(got == wantlen && memcmp(out, want, got) == 0 && flags == wantflags,
                  "%s: reference: got \"%s\" flags %u, want \"%s\" flags %u", name, show(out, got),
                  flags, show(want, wantlen), wantflags);
    for (vec = 0; vec < 2; vec++)
        for (i = 0; i <= n + 2; i++) {
            size_t c = i;

            got = i <= n       ? qp_run(in, n, &c, 1, out, &flags, vec)
                  : i == n + 1 ? qp_run(in, n, NULL, 0, out, &flags, vec)
                               : qp_run(in, n, cut, n ? n - 1 : 0, out, &flags, vec);
            ck_assert_msg(got == wantlen && memcmp(out, want, got) == 0 && flags == wantflags,
                          "%s (split %zu of %zu, vec %d): got \"%s\" flags %u, want \"%s\" flags "
                          "%u",
                          name, i, n, vec, show(out, got), flags, show(want, wantlen), wantflags);
        }
    free(out);
    free(cut);
}

static const struct {
    const char *name;
    const char *in;
    size_t inlen;
    const char *want;
    size_t wantlen;
    unsigned flags;
} qp_rows[] = {
    {"empty", S(""), S(""), 0},
    {"plain", S("hello world"), S("hello world"), 0},
    {"escapes", S("caf=C3=A9"), S("caf\xc3\xa9"), 0},
    {"lower-case hex", S("caf=c3=a9"), S("caf\xc3\xa9"), 0},
    {"mixed-case hex", S("=3d=3D=aB"), S("==\xab"), 0},
    {"=00 is NUL", S("a=00b"), S("a\0b"), 0},
    {"NUL passed through", S("a\0b\r\n"), S("a\0b\r\n"), 0},
    {"soft break CRLF", S("long =\r\nline"), S("long line"), 0},
    {"soft break LF", S("long =\nline"), S("long line"), 0},
    {"soft break with white space", S("long = \t \r\nline"), S("long line"), 0},
    {"soft break with white space, LF", S("long =  \nline"), S("long line"), 0},
    {"hard break CRLF kept", S("a\r\nb"), S("a\r\nb"), 0},
    {"hard break LF kept", S("a\nb"), S("a\nb"), 0},
    {"bare CR is data", S("a\rb"), S("a\rb"), 0},
    {"white space before bare CR kept", S("a \rb"), S("a \rb"), 0},
    {"trailing space dropped", S("a  \r\nb"), S("a\r\nb"), 0},
    {"trailing tab dropped, LF", S("a\t \nb"), S("a\nb"), 0},
    {"trailing space at end dropped", S("a \t"), S("a"), 0},
    {"space inside kept", S("a b\tc"), S("a b\tc"), 0},
    {"space line", S("  \r\n"), S("\r\n"), 0},
    {"= at end", S("abc="), S("abc"), 0},
    {"= and space at end", S("abc= \t"), S("abc"), 0},
    {"=4 at end", S("abc=4"), S("abc=4"), QP_F_BADESCAPE},
    {"=\\r at end", S("abc=\r"), S("abc=\r"), QP_F_BADESCAPE},
    {"space \\r at end", S("abc \r"), S("abc \r"), 0},
    {"bad escape =G1", S("a=G1b"), S("a=G1b"), QP_F_BADESCAPE},
    {"bad escape =4G", S("a=4Gb"), S("a=4Gb"), QP_F_BADESCAPE},
    {"bad escape ==41", S("a==41"), S("a=A"), QP_F_BADESCAPE},
    {"bad escape = x", S("a= x"), S("a= x"), QP_F_BADESCAPE},
    {"bad escape =\\rx", S("a=\rx"), S("a=\rx"), QP_F_BADESCAPE},
    {"bad escape =4 then line end", S("a=4 \r\nb"), S("a=4\r\nb"), QP_F_BADESCAPE},
    {"bad escape =NUL", S("a=\0"), S("a=\0"), QP_F_BADESCAPE},
    {"escaped line end is data", S("a=0D=0Ab"), S("a\r\nb"), 0},
    {"escaped space at line end kept", S("a=20\r\nb"), S("a \r\nb"), 0},
    {"space then escaped space", S("a =20 \r\n"), S("a  \r\n"), 0},
    {"8-bit passed through", S("caf\xc3\xa9"), S("caf\xc3\xa9"), 0},
    {"long text with breaks",
     S("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod temp=\r\n"
       "or incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, qu=\r\n"
       "is nostrud =E2=80=94 exercitation   \r\nullamco laboris.\r\n"),
     S("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt "
       "ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud \xe2\x80\x94 "
       "exercitation\r\nullamco laboris.\r\n"),
     0},
};

START_TEST(test_qp_table)
{
    qp_check(qp_rows[_i].name, (const unsigned char *)qp_rows[_i].in, qp_rows[_i].inlen,
             (const unsigned char *)qp_rows[_i].want, qp_rows[_i].wantlen, qp_rows[_i].flags);
}
END_TEST

/*
 * QP_SPACE_MAX at limit - 1, limit and limit + 1: trailing white space before LF, CRLF and the end
 * is dropped up to the limit and kept (flagged) past it; "=" and white space is a soft break up to
 * the limit and a bad escape past it; a long run inside a line is plain data.
 */
START_TEST(test_qp_space_limit)
{
    static const char *const ends[] = {"\n", "\r\n", ""};
    unsigned char in[512], want[512];
    size_t n, wantlen, e, w, k;
    char name[96];

    for (e = 0; e < 3; e++)
        for (k = 0; k < 3; k++) {
            size_t run = QP_SPACE_MAX - 1 + k, el = strlen(ends[e]);
            int over = run > QP_SPACE_MAX;

            /* "x" run end "y" */
            in[0] = 'x';
            for (w = 0; w < run; w++)
                in[1 + w] = w % 3 ? ' ' : '\t';
            memcpy(in + 1 + run, ends[e], el);
            n = 1 + run + el;
            in[n++] = 'y';
            if (el == 0)
                n--; /* the end of the input ends the line */
            wantlen = 0;
            want[wantlen++] = 'x';
            if (over) {
                memcpy(want + wantlen, in + 1, run);
                wantlen += run;
            }
            memcpy(want + wantlen, ends[e], el);
            wantlen += el;
            if (el != 0)
                want[wantlen++] = 'y';
            snprintf(name, sizeof(name), "trailing white space %zu, end %zu", run, e);
            qp_check(name, in, n, want, wantlen, over ? QP_F_LONGSPACE : 0);

            /* "x=" run end "y" */
            in[0] = 'x';
            in[1] = '=';
            for (w = 0; w < run; w++)
                in[2 + w] = ' ';
            memcpy(in + 2 + run, ends[e], el);
            n = 2 + run + el;
            in[n++] = 'y';
            if (el == 0)
                n--;
            wantlen = 0;
            want[wantlen++] = 'x';
            if (over) {
                memcpy(want + wantlen, in + 1, 1 + run);
                wantlen += 1 + run;
                memcpy(want + wantlen, ends[e], el);
                wantlen += el;
            }
            if (el != 0)
                want[wantlen++] = 'y';
            snprintf(name, sizeof(name), "soft break with white space %zu, end %zu", run, e);
            qp_check(name, in, n, want, wantlen, over ? QP_F_BADESCAPE | QP_F_LONGSPACE : 0);

            /* "x" run "y": inside a line, kept and not flagged */
            in[0] = 'x';
            memset(in + 1, ' ', run);
            in[1 + run] = 'y';
            snprintf(name, sizeof(name), "inner white space %zu", run);
            qp_check(name, in, run + 2, in, run + 2, 0);
        }
}
END_TEST

/*
 * QP_DECODED_MAX is reached: '=', QP_SPACE_MAX spaces and a CR held, then one byte that makes
 * them a bad escape, out all at once: 1 + QP_PENDING_MAX bytes. And the block loop's
 * DECODE_QP_FAST_MIN at limit - 1, limit and limit + 1 with an escape, a soft break or trailing
 * white space at every offset.
 */
START_TEST(test_qp_limits)
{
    static const char *const bits[] = {"=41", "=\r\n", " \r\n", "=c3=a9", "\n", "=4"};
    unsigned char in[256], *dst = malloc(QP_DECODED_MAX(1)), want[256];
    size_t got, l, j, b, n, wantlen;
    unsigned wantflags;
    struct qp_state s;
    char name[96];

    ck_assert_ptr_nonnull(dst);
    qp_init(&s);
    in[0] = '=';
    memset(in + 1, ' ', QP_SPACE_MAX);
    in[1 + QP_SPACE_MAX] = '\r';
    ck_assert_uint_eq(qp_decode(&s, in, QP_SPACE_MAX + 2, dst), 0);
    got = qp_decode(&s, "x", 1, dst);
    ck_assert_msg(got == QP_DECODED_MAX(1) && dst[0] == '=' && dst[got - 2] == '\r' &&
                      dst[got - 1] == 'x' && s.flags == QP_F_BADESCAPE,
                  "got %zu bytes flags %u, want QP_DECODED_MAX(1) = %d", got, s.flags,
                  QP_DECODED_MAX(1));
    free(dst);

    for (l = DECODE_QP_FAST_MIN - 1; l <= DECODE_QP_FAST_MIN + 1; l++)
        for (b = 0; b < sizeof(bits) / sizeof(bits[0]); b++)
            for (j = 0; j <= l; j++) {
                memset(in, 'a', l);
                n = strlen(bits[b]);
                memcpy(in + j, bits[b], j + n <= l ? n : l - j);
                wantlen = decode_ref_qp(in, l, want, &wantflags);
                snprintf(name, sizeof(name), "%zu bytes, bit %zu at %zu", l, b, j);
                qp_check(name, in, l, want, wantlen, wantflags);
            }
}
END_TEST

/* Random QP-like text, cut at random, against the reference. */
START_TEST(test_qp_random)
{
    static const char *const bits[] = {"=",  "=3D",    "=c3=A9", "=\r\n", "=\n",   "= \r\n",
                                       " ",  "\t",     "\r",     "\n",    "\r\n",  "=4",
                                       "=G", "  \r\n", "\0",     "a",     "word ", "text"};
    enum { MAXN = 20000 };
    unsigned char *in = malloc(MAXN), *want = malloc(MAXN), *out = malloc(MAXN + QP_PENDING_MAX);
    static const char *const dense[] = {"=C3=A9", "=3D", "=e2=80=94", "ab", "=\r\n", "=\n", "x",
                                        " ",      "=",   "\r",        "=4", "==",    "c",   "\n"};
    size_t cut[64], n, i, j, ncut, wantlen, got, target;
    unsigned seed = 777, wflags, flags, it;
    int vec;

    ck_assert(in != NULL && want != NULL && out != NULL);
    for (it = 0; it < 600; it++) {
        target = (size_t)rand_r(&seed) % (MAXN - 300);
        for (n = 0; n < target;) {
            unsigned r = (unsigned)rand_r(&seed) % 100;
            const char *b = r < 60 ? "plain text " : bits[r % (sizeof(bits) / sizeof(bits[0]))];
            size_t bl = r % 18 == 14 && r >= 60 ? 1 : strlen(b);

            if (it % 2 == 1) { /* dense escapes, for the SSSE3 blocks; rarely anything else */
                b = dense[r < 97 ? r % 7 : 7 + r % 7];
                bl = strlen(b);
            }

            if (r == 99) { /* now and then a run near the limit */
                size_t run = QP_SPACE_MAX - 2 + (size_t)rand_r(&seed) % 5;

                memset(in + n, ' ', run);
                n += run;
                continue;
            }
            memcpy(in + n, b, bl);
            n += bl;
        }
        wantlen = decode_ref_qp(in, n, want, &wflags);
        ncut = (size_t)rand_r(&seed) % 64;
        for (i = 0; i < ncut; i++)
            cut[i] = n ? (size_t)rand_r(&seed) % n : 0;
        for (i = 1; i < ncut; i++)
            for (j = i; j > 0 && cut[j - 1] > cut[j]; j--) {
                size_t t = cut[j];

                cut[j] = cut[j - 1];
                cut[j - 1] = t;
            }
        for (vec = 0; vec < 2; vec++) {
            got = qp_run(in, n, cut, ncut, out, &flags, vec);
            ck_assert_msg(got == wantlen && memcmp(out, want, got) == 0 && flags == wflags,
                          "random %u (%zu bytes, %zu cuts, vec %d): got %zu bytes flags %u, want "
                          "%zu flags %u",
                          it, n, ncut, vec, got, flags, wantlen, wflags);
        }
    }
    free(in);
    free(want);
    free(out);
}
END_TEST

/* --- uuencode --- */

static const struct {
    const char *name;
    const char *line;
    size_t len;
    int want; /* length, or -1 */
    const char *out;
} uu_rows[] = {
    {"three bytes", S("#0V%T"), 3, "Cat"},
    {"full 45-byte line", S("M5&AE('%U:6-K(&)R;W=N(&9O>\"!J=6UP<R!O=F5R('1H92!L87IY(&1O9RX@"), 45,
     "The quick brown fox jumps over the lazy dog. "},
    {"one byte, backquote padding", S("!80``"), 1, "a"},
    {"one byte, space padding", S("!80  "), 1, "a"},
    {"one byte, padding stripped", S("!80"), 1, "a"},
    {"two bytes, padding stripped", S("\"86("), 2, "ab"},
    {"one byte, too short", S("!8"), -1, ""},
    {"end line, backquote", S("`"), 0, ""},
    {"end line, space", S(" "), 0, ""},
    {"checksum char allowed", S("#0V%TX"), 3, "Cat"},
    {"two extra chars", S("#0V%TXX"), -1, ""},
    {"text line", S("Hello, world"), -1, ""},
    {"empty line", S(""), -1, ""},
    {"end", S("end"), -1, ""},
    {"length char above backquote", S("a0V%T"), -1, ""},
    {"control in data", S("#0V\t%T"), -1, ""},
    {"lower case in data", S("#0v%T"), -1, ""},
    {"NUL in data", S("#0V\0T"), -1, ""},
    {"length 63 (limit)",
     S("_``````````````````````````````````````````````````````````````````````````````````"
       "``"),
     63, ""},
    {"length 63, one char short",
     S("_`````````````````````````````````````````````````````````````````````````````````"
       "``"),
     -1, ""},
};

START_TEST(test_uu_table)
{
    unsigned char out[UU_OUT_MAX];
    unsigned char zero[UU_OUT_MAX] = {0};
    int got;

    memset(out, 0xee, sizeof(out));
    got = uu_decode_line(uu_rows[_i].line, uu_rows[_i].len, out);
    ck_assert_msg(got == uu_rows[_i].want, "%s: got %d want %d", uu_rows[_i].name, got,
                  uu_rows[_i].want);
    if (got > 0 && uu_rows[_i].out[0] != '\0')
        ck_assert_msg(memcmp(out, uu_rows[_i].out, (size_t)got) == 0, "%s: got \"%s\" want \"%s\"",
                      uu_rows[_i].name, show(out, (size_t)got), uu_rows[_i].out);
    else if (got > 0)
        ck_assert_msg(memcmp(out, zero, (size_t)got) == 0, "%s: want zero bytes", uu_rows[_i].name);
}
END_TEST

/* The length character at the top of its range - 1, at it, + 1, with the characters it needs. */
START_TEST(test_uu_length_limit)
{
    unsigned char out[UU_OUT_MAX];
    char line[128];
    unsigned lc;

    for (lc = 0x5e; lc <= 0x61; lc++) {
        size_t n = (lc - 0x20) & 0x3f, need = (n + 2) / 3 * 4;
        int got;

        line[0] = (char)lc;
        memset(line + 1, 'M', need);
        got = uu_decode_line(line, 1 + need, out);
        ck_assert_msg(got == (lc == 0x61 ? -1 : (int)n), "length char 0x%02x: got %d want %d", lc,
                      got, lc == 0x61 ? -1 : (int)n);
    }
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("base64");
    TCase *tq = tcase_create("qp");
    TCase *tu = tcase_create("uu");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 120);
    tcase_set_timeout(tq, 120);
    tcase_add_loop_test(tc, test_b64_table, 0, (int)(sizeof(b64_rows) / sizeof(b64_rows[0])));
    tcase_add_test(tc, test_b64_space_everywhere);
    tcase_add_test(tc, test_b64_bad_and_pad_everywhere);
    tcase_add_test(tc, test_b64_every_byte);
    tcase_add_test(tc, test_b64_random);
    tcase_add_test(tc, test_b64_limits);
    tcase_add_test(tc, test_b64_impl);
    suite_add_tcase(s, tc);
    tcase_add_loop_test(tq, test_qp_table, 0, (int)(sizeof(qp_rows) / sizeof(qp_rows[0])));
    tcase_add_test(tq, test_qp_space_limit);
    tcase_add_test(tq, test_qp_limits);
    tcase_add_test(tq, test_qp_random);
    suite_add_tcase(s, tq);
    tcase_add_loop_test(tu, test_uu_table, 0, (int)(sizeof(uu_rows) / sizeof(uu_rows[0])));
    tcase_add_test(tu, test_uu_length_limit);
    suite_add_tcase(s, tu);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

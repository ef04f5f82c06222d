/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decode_simd.c - base64 decoding with SSSE3 and AVX2, and the choice among them for this CPU,
 * made once by the dynamic linker (a GNU ifunc): no global state, nothing to initialise.
 */
#include "decode.h"
#include "decode_int.h"

#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__ELF__) && defined(__GNUC__)
#define DECODE_SIMD_X86 1
#include <immintrin.h>
#endif

#ifdef DECODE_SIMD_X86

/*
 * Per 16-byte lane, after Wojciech Mula's and Daniel Lemire's base64 decoder: a byte is in the
 * alphabet when the bits its low nibble selects in lo and its high nibble selects in hi do not
 * meet; roll, picked by the high nibble ('/' apart), turns the byte into its sextet.
 */
#define DECODE_SIMD_LO                                                                             \
    0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a
#define DECODE_SIMD_HI                                                                             \
    0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10
#define DECODE_SIMD_ROLL 0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0
/* Three bytes out of each 32-bit lane holding a 24-bit quantum, high byte first. */
#define DECODE_SIMD_PACK 2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1

/*
 * The vector loop of both paths, for a block of W bytes: LOAD, CLASSIFY (a mask with a bit per
 * byte in the alphabet) and DECODE (three bytes per quantum, stored at dst + o; writes STORE
 * bytes). Whole blocks go through in one piece; a block that holds a line end gives its whole
 * quanta before it, and a line end after whole quanta is stepped over in line. Anything else (a
 * quantum cut by white space, a bad byte, the padding, the last SLACK bytes) goes to the scalar
 * code, which hands back at the next quantum boundary.
 */
#define DECODE_SIMD_LOOP(W, SLACK, BLOCK_VALID)                                                    \
    while (i < len) {                                                                              \
        if (len - i < (SLACK))                                                                     \
            return o + b64_decode_scalar(s, p + i, len - i, dst + o);                              \
        if (s->n == 0 && s->pad == 0)                                                              \
            for (;;) {                                                                             \
                uint32_t valid = BLOCK_VALID;                                                      \
                unsigned k;                                                                        \
                                                                                                   \
                /* A branch, not arithmetic: the next block need not wait for this one's mask. */  \
                if (valid == (uint32_t)((1ull << (W)) - 1)) {                                      \
                    i += (W);                                                                      \
                    o += (W) / 4 * 3;                                                              \
                    if (len - i < (SLACK))                                                         \
                        break;                                                                     \
                    continue;                                                                      \
                }                                                                                  \
                /* Quanta after a byte outside the alphabet are garbage, not output. Lines of      \
                 * one length end at the same place in their last block: a branch on that          \
                 * keeps the mask out of the next block's address again. */                        \
                k = (unsigned)__builtin_ctz(~valid);                                               \
                if (k == lastk) {                                                                  \
                    i += lasti;                                                                    \
                    o += lasto;                                                                    \
                } else {                                                                           \
                    lastk = k;                                                                     \
                    lasti = k / 4 * 4;                                                             \
                    lasto = k / 4 * 3;                                                             \
                    i += lasti;                                                                    \
                    o += lasto;                                                                    \
                }                                                                                  \
                if (k % 4 != 0)                                                                    \
                    break;                                                                         \
                if (p[i] == '\r' && p[i + 1] == '\n')                                              \
                    i += 2;                                                                        \
                else if (p[i] == '\n')                                                             \
                    i++;                                                                           \
                else                                                                               \
                    break;                                                                         \
                if (len - i < (SLACK))                                                             \
                    break;                                                                         \
            }                                                                                      \
        if (i < len && len - i >= (SLACK)) {                                                       \
            o += decode_b64_scalar_until(s, p + i, len - i, dst + o, &used);                       \
            i += used;                                                                             \
        }                                                                                          \
    }                                                                                              \
    return o

__attribute__((target("avx2"))) static inline uint32_t
decode_simd_avx2_block(const unsigned char *p, unsigned char *dst)
{
    const __m256i lut_lo = _mm256_setr_epi8(DECODE_SIMD_LO, DECODE_SIMD_LO);
    const __m256i lut_hi = _mm256_setr_epi8(DECODE_SIMD_HI, DECODE_SIMD_HI);
    const __m256i lut_roll = _mm256_setr_epi8(DECODE_SIMD_ROLL, DECODE_SIMD_ROLL);
    const __m256i pack = _mm256_setr_epi8(DECODE_SIMD_PACK, DECODE_SIMD_PACK);
    const __m256i m2f = _mm256_set1_epi8(0x2f);
    __m256i in = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i hi_n = _mm256_and_si256(_mm256_srli_epi32(in, 4), m2f);
    __m256i lo = _mm256_shuffle_epi8(lut_lo, _mm256_and_si256(in, m2f));
    __m256i hi = _mm256_shuffle_epi8(lut_hi, hi_n);
    __m256i ok = _mm256_cmpeq_epi8(_mm256_and_si256(lo, hi), _mm256_setzero_si256());
    __m256i roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(_mm256_cmpeq_epi8(in, m2f), hi_n));
    __m256i v = _mm256_add_epi8(in, roll);

    v = _mm256_maddubs_epi16(v, _mm256_set1_epi32(0x01400140));
    v = _mm256_madd_epi16(v, _mm256_set1_epi32(0x00011000));
    v = _mm256_shuffle_epi8(v, pack);
    _mm_storeu_si128((__m128i *)(void *)dst, _mm256_castsi256_si128(v));
    _mm_storeu_si128((__m128i *)(void *)(dst + 12), _mm256_extracti128_si256(v, 1));
    return (uint32_t)_mm256_movemask_epi8(ok);
}

__attribute__((target("avx2"))) static size_t
decode_simd_avx2(struct b64_state *s, const void *src, size_t len, unsigned char *dst)
{
    const unsigned char *p = src;
    size_t i = 0, o = 0, used, lasti = 0, lasto = 0;
    unsigned lastk = 0;

    DECODE_SIMD_LOOP(32, DECODE_SIMD_AVX2_SLACK, decode_simd_avx2_block(p + i, dst + o));
}

__attribute__((target("ssse3"))) static inline uint32_t
decode_simd_ssse3_block(const unsigned char *p, unsigned char *dst)
{
    const __m128i lut_lo = _mm_setr_epi8(DECODE_SIMD_LO);
    const __m128i lut_hi = _mm_setr_epi8(DECODE_SIMD_HI);
    const __m128i lut_roll = _mm_setr_epi8(DECODE_SIMD_ROLL);
    const __m128i pack = _mm_setr_epi8(DECODE_SIMD_PACK);
    const __m128i m2f = _mm_set1_epi8(0x2f);
    __m128i in = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i hi_n = _mm_and_si128(_mm_srli_epi32(in, 4), m2f);
    __m128i lo = _mm_shuffle_epi8(lut_lo, _mm_and_si128(in, m2f));
    __m128i hi = _mm_shuffle_epi8(lut_hi, hi_n);
    __m128i ok = _mm_cmpeq_epi8(_mm_and_si128(lo, hi), _mm_setzero_si128());
    __m128i roll = _mm_shuffle_epi8(lut_roll, _mm_add_epi8(_mm_cmpeq_epi8(in, m2f), hi_n));
    __m128i v = _mm_add_epi8(in, roll);

    v = _mm_maddubs_epi16(v, _mm_set1_epi32(0x01400140));
    v = _mm_madd_epi16(v, _mm_set1_epi32(0x00011000));
    v = _mm_shuffle_epi8(v, pack);
    _mm_storeu_si128((__m128i *)(void *)dst, v);
    return (uint32_t)_mm_movemask_epi8(ok);
}

__attribute__((target("ssse3"))) static size_t
decode_simd_ssse3(struct b64_state *s, const void *src, size_t len, unsigned char *dst)
{
    const unsigned char *p = src;
    size_t i = 0, o = 0, used, lasti = 0, lasto = 0;
    unsigned lastk = 0;

    DECODE_SIMD_LOOP(16, DECODE_SIMD_SSSE3_SLACK, decode_simd_ssse3_block(p + i, dst + o));
}

/* --- quoted-printable --- */

/*
 * For each 8-bit mask of bytes to keep, the pshufb indexes that gather them to the front (0x80
 * makes a zero): the quoted-printable block loop drops the two hex digits after each '='.
 */
/* clang-format off */
static const unsigned char decode_simd_compact[256][8] = {
    {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 0x80, 0x80, 0x80, 0x80, 0x80},
    {3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 3, 0x80, 0x80, 0x80, 0x80, 0x80},
    {2, 3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 3, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 3, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 3, 0x80, 0x80, 0x80, 0x80},
    {4, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 4, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 4, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 4, 0x80, 0x80, 0x80, 0x80, 0x80},
    {2, 4, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 4, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 4, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 4, 0x80, 0x80, 0x80, 0x80},
    {3, 4, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 4, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 3, 4, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 3, 4, 0x80, 0x80, 0x80, 0x80},
    {2, 3, 4, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 3, 4, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 3, 4, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 3, 4, 0x80, 0x80, 0x80},
    {5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 5, 0x80, 0x80, 0x80, 0x80, 0x80},
    {2, 5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 5, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 5, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 5, 0x80, 0x80, 0x80, 0x80},
    {3, 5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 5, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 3, 5, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 3, 5, 0x80, 0x80, 0x80, 0x80},
    {2, 3, 5, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 3, 5, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 3, 5, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 3, 5, 0x80, 0x80, 0x80},
    {4, 5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 4, 5, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 4, 5, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 4, 5, 0x80, 0x80, 0x80, 0x80},
    {2, 4, 5, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 4, 5, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 4, 5, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 4, 5, 0x80, 0x80, 0x80},
    {3, 4, 5, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 4, 5, 0x80, 0x80, 0x80, 0x80},
    {1, 3, 4, 5, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 3, 4, 5, 0x80, 0x80, 0x80},
    {2, 3, 4, 5, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 3, 4, 5, 0x80, 0x80, 0x80},
    {1, 2, 3, 4, 5, 0x80, 0x80, 0x80},
    {0, 1, 2, 3, 4, 5, 0x80, 0x80},
    {6, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 6, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 6, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {2, 6, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 6, 0x80, 0x80, 0x80, 0x80},
    {3, 6, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 3, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 3, 6, 0x80, 0x80, 0x80, 0x80},
    {2, 3, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 3, 6, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 3, 6, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 3, 6, 0x80, 0x80, 0x80},
    {4, 6, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 4, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 4, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 4, 6, 0x80, 0x80, 0x80, 0x80},
    {2, 4, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 4, 6, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 4, 6, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 4, 6, 0x80, 0x80, 0x80},
    {3, 4, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 4, 6, 0x80, 0x80, 0x80, 0x80},
    {1, 3, 4, 6, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 3, 4, 6, 0x80, 0x80, 0x80},
    {2, 3, 4, 6, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 3, 4, 6, 0x80, 0x80, 0x80},
    {1, 2, 3, 4, 6, 0x80, 0x80, 0x80},
    {0, 1, 2, 3, 4, 6, 0x80, 0x80},
    {5, 6, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 5, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 5, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 5, 6, 0x80, 0x80, 0x80, 0x80},
    {2, 5, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 5, 6, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 5, 6, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 5, 6, 0x80, 0x80, 0x80},
    {3, 5, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 5, 6, 0x80, 0x80, 0x80, 0x80},
    {1, 3, 5, 6, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 3, 5, 6, 0x80, 0x80, 0x80},
    {2, 3, 5, 6, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 3, 5, 6, 0x80, 0x80, 0x80},
    {1, 2, 3, 5, 6, 0x80, 0x80, 0x80},
    {0, 1, 2, 3, 5, 6, 0x80, 0x80},
    {4, 5, 6, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 4, 5, 6, 0x80, 0x80, 0x80, 0x80},
    {1, 4, 5, 6, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 4, 5, 6, 0x80, 0x80, 0x80},
    {2, 4, 5, 6, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 4, 5, 6, 0x80, 0x80, 0x80},
    {1, 2, 4, 5, 6, 0x80, 0x80, 0x80},
    {0, 1, 2, 4, 5, 6, 0x80, 0x80},
    {3, 4, 5, 6, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 4, 5, 6, 0x80, 0x80, 0x80},
    {1, 3, 4, 5, 6, 0x80, 0x80, 0x80},
    {0, 1, 3, 4, 5, 6, 0x80, 0x80},
    {2, 3, 4, 5, 6, 0x80, 0x80, 0x80},
    {0, 2, 3, 4, 5, 6, 0x80, 0x80},
    {1, 2, 3, 4, 5, 6, 0x80, 0x80},
    {0, 1, 2, 3, 4, 5, 6, 0x80},
    {7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {2, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 7, 0x80, 0x80, 0x80, 0x80},
    {3, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 3, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 3, 7, 0x80, 0x80, 0x80, 0x80},
    {2, 3, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 3, 7, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 3, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 3, 7, 0x80, 0x80, 0x80},
    {4, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 4, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 4, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 4, 7, 0x80, 0x80, 0x80, 0x80},
    {2, 4, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 4, 7, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 4, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 4, 7, 0x80, 0x80, 0x80},
    {3, 4, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 4, 7, 0x80, 0x80, 0x80, 0x80},
    {1, 3, 4, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 3, 4, 7, 0x80, 0x80, 0x80},
    {2, 3, 4, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 3, 4, 7, 0x80, 0x80, 0x80},
    {1, 2, 3, 4, 7, 0x80, 0x80, 0x80},
    {0, 1, 2, 3, 4, 7, 0x80, 0x80},
    {5, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 5, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 5, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 5, 7, 0x80, 0x80, 0x80, 0x80},
    {2, 5, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 5, 7, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 5, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 5, 7, 0x80, 0x80, 0x80},
    {3, 5, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 5, 7, 0x80, 0x80, 0x80, 0x80},
    {1, 3, 5, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 3, 5, 7, 0x80, 0x80, 0x80},
    {2, 3, 5, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 3, 5, 7, 0x80, 0x80, 0x80},
    {1, 2, 3, 5, 7, 0x80, 0x80, 0x80},
    {0, 1, 2, 3, 5, 7, 0x80, 0x80},
    {4, 5, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 4, 5, 7, 0x80, 0x80, 0x80, 0x80},
    {1, 4, 5, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 4, 5, 7, 0x80, 0x80, 0x80},
    {2, 4, 5, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 4, 5, 7, 0x80, 0x80, 0x80},
    {1, 2, 4, 5, 7, 0x80, 0x80, 0x80},
    {0, 1, 2, 4, 5, 7, 0x80, 0x80},
    {3, 4, 5, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 4, 5, 7, 0x80, 0x80, 0x80},
    {1, 3, 4, 5, 7, 0x80, 0x80, 0x80},
    {0, 1, 3, 4, 5, 7, 0x80, 0x80},
    {2, 3, 4, 5, 7, 0x80, 0x80, 0x80},
    {0, 2, 3, 4, 5, 7, 0x80, 0x80},
    {1, 2, 3, 4, 5, 7, 0x80, 0x80},
    {0, 1, 2, 3, 4, 5, 7, 0x80},
    {6, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 6, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {1, 6, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {2, 6, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {1, 2, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 2, 6, 7, 0x80, 0x80, 0x80},
    {3, 6, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {1, 3, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 3, 6, 7, 0x80, 0x80, 0x80},
    {2, 3, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 3, 6, 7, 0x80, 0x80, 0x80},
    {1, 2, 3, 6, 7, 0x80, 0x80, 0x80},
    {0, 1, 2, 3, 6, 7, 0x80, 0x80},
    {4, 6, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 4, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {1, 4, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 4, 6, 7, 0x80, 0x80, 0x80},
    {2, 4, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 4, 6, 7, 0x80, 0x80, 0x80},
    {1, 2, 4, 6, 7, 0x80, 0x80, 0x80},
    {0, 1, 2, 4, 6, 7, 0x80, 0x80},
    {3, 4, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 4, 6, 7, 0x80, 0x80, 0x80},
    {1, 3, 4, 6, 7, 0x80, 0x80, 0x80},
    {0, 1, 3, 4, 6, 7, 0x80, 0x80},
    {2, 3, 4, 6, 7, 0x80, 0x80, 0x80},
    {0, 2, 3, 4, 6, 7, 0x80, 0x80},
    {1, 2, 3, 4, 6, 7, 0x80, 0x80},
    {0, 1, 2, 3, 4, 6, 7, 0x80},
    {5, 6, 7, 0x80, 0x80, 0x80, 0x80, 0x80},
    {0, 5, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {1, 5, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 1, 5, 6, 7, 0x80, 0x80, 0x80},
    {2, 5, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 2, 5, 6, 7, 0x80, 0x80, 0x80},
    {1, 2, 5, 6, 7, 0x80, 0x80, 0x80},
    {0, 1, 2, 5, 6, 7, 0x80, 0x80},
    {3, 5, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 3, 5, 6, 7, 0x80, 0x80, 0x80},
    {1, 3, 5, 6, 7, 0x80, 0x80, 0x80},
    {0, 1, 3, 5, 6, 7, 0x80, 0x80},
    {2, 3, 5, 6, 7, 0x80, 0x80, 0x80},
    {0, 2, 3, 5, 6, 7, 0x80, 0x80},
    {1, 2, 3, 5, 6, 7, 0x80, 0x80},
    {0, 1, 2, 3, 5, 6, 7, 0x80},
    {4, 5, 6, 7, 0x80, 0x80, 0x80, 0x80},
    {0, 4, 5, 6, 7, 0x80, 0x80, 0x80},
    {1, 4, 5, 6, 7, 0x80, 0x80, 0x80},
    {0, 1, 4, 5, 6, 7, 0x80, 0x80},
    {2, 4, 5, 6, 7, 0x80, 0x80, 0x80},
    {0, 2, 4, 5, 6, 7, 0x80, 0x80},
    {1, 2, 4, 5, 6, 7, 0x80, 0x80},
    {0, 1, 2, 4, 5, 6, 7, 0x80},
    {3, 4, 5, 6, 7, 0x80, 0x80, 0x80},
    {0, 3, 4, 5, 6, 7, 0x80, 0x80},
    {1, 3, 4, 5, 6, 7, 0x80, 0x80},
    {0, 1, 3, 4, 5, 6, 7, 0x80},
    {2, 3, 4, 5, 6, 7, 0x80, 0x80},
    {0, 2, 3, 4, 5, 6, 7, 0x80},
    {1, 2, 3, 4, 5, 6, 7, 0x80},
    {0, 1, 2, 3, 4, 5, 6, 7},
};
/* clang-format on */

/* decode_simd_hex - each byte's hex value (either case) and, in *ok, 0xff where it is a digit. */
__attribute__((target("ssse3,popcnt"))) static inline __m128i
decode_simd_hex(__m128i c, __m128i *ok)
{
    __m128i lc = _mm_or_si128(c, _mm_set1_epi8(0x20));
    __m128i dig = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(c, _mm_set1_epi8('0')), c),
                                _mm_cmpeq_epi8(_mm_min_epu8(c, _mm_set1_epi8('9')), c));
    __m128i alp = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(lc, _mm_set1_epi8('a')), lc),
                                _mm_cmpeq_epi8(_mm_min_epu8(lc, _mm_set1_epi8('f')), lc));

    *ok = _mm_or_si128(dig, alp);
    return _mm_or_si128(_mm_and_si128(dig, _mm_sub_epi8(c, _mm_set1_epi8('0'))),
                        _mm_and_si128(alp, _mm_sub_epi8(lc, _mm_set1_epi8('a' - 10))));
}

/* decode_simd_space - 0xff where the byte is a space or a tab. */
__attribute__((target("ssse3,popcnt"))) static inline __m128i
decode_simd_space(__m128i c)
{
    return _mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8(' ')),
                        _mm_cmpeq_epi8(c, _mm_set1_epi8('\t')));
}

/*
 * decode_simd_qp_ssse3 - quoted-printable text in 16-byte blocks whose every '=' starts "=XY"
 * or a soft line break ("=\r\n", "=\n") and whose hard line breaks have no white space before
 * them, as text dense with escapes (accented or non-Latin) is: each block decodes them all at
 * once and squeezes out what they leave. Stops at the first other block: a bad escape, white
 * space that may be transport padding.
 */
__attribute__((target("ssse3,popcnt"))) static size_t
decode_simd_qp_ssse3(const unsigned char *p, size_t i, size_t len, unsigned char *dst, size_t *op,
                     size_t *run)
{
    const __m128i eqc = _mm_set1_epi8('='), lfc = _mm_set1_epi8('\n'), crc = _mm_set1_epi8('\r');
    size_t o = *op;

    while (len - i >= DECODE_QP_FAST_MIN) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i)), ok1, ok2, h1, h2, r;
        __m128i v1, v2, eq = _mm_cmpeq_epi8(v, eqc), esc;
        unsigned meq = (unsigned)_mm_movemask_epi8(eq), mlf, mesc, msb2, msb1, gone, kl, kh, nl;
        unsigned mhard, last, end;

        mlf = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lfc));
        if ((meq | mlf) == 0) {
            _mm_storeu_si128((__m128i *)(void *)(dst + o), v);
            i += 16;
            o += 16;
            continue;
        }
        v1 = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 1));
        v2 = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 2));
        h1 = decode_simd_hex(v1, &ok1);
        h2 = decode_simd_hex(v2, &ok2);
        esc = _mm_and_si128(eq, _mm_and_si128(ok1, ok2));
        mesc = (unsigned)_mm_movemask_epi8(esc);
        msb2 = meq & (unsigned)_mm_movemask_epi8(
                         _mm_and_si128(_mm_cmpeq_epi8(v1, crc), _mm_cmpeq_epi8(v2, lfc)));
        msb1 = meq & (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v1, lfc));
        /* A hard line break passes through as it is unless white space may end its line (the
         * byte before it, or before its CR, is a space or a tab, or lies before p). */
        mhard = mlf & ~(msb2 << 2 | msb1 << 1);
        if (mhard != 0) {
            __m128i b1, b2, cr1, ws;

            if (i < 2)
                break;
            b1 = _mm_loadu_si128((const __m128i *)(const void *)(p + i - 1));
            b2 = _mm_loadu_si128((const __m128i *)(const void *)(p + i - 2));
            cr1 = _mm_cmpeq_epi8(b1, crc);
            ws = _mm_or_si128(_mm_and_si128(cr1, decode_simd_space(b2)),
                              _mm_andnot_si128(cr1, decode_simd_space(b1)));
            if ((mhard & (unsigned)_mm_movemask_epi8(ws)) != 0)
                break;
        }
        /* Any other '=': a bad escape, or a soft break with white space; the caller's business. */
        if ((meq & ~(mesc | msb2 | msb1)) != 0)
            break;
        h1 = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(h1, _mm_set1_epi8(0x0f)), 4), h2);
        v = _mm_or_si128(_mm_and_si128(esc, h1), _mm_andnot_si128(esc, v));
        gone = mesc << 1 | mesc << 2 | msb2 | msb2 << 1 | msb2 << 2 | msb1 | msb1 << 1;
        kl = ~gone & 0xffu;
        kh = ~gone >> 8 & 0xffu;
        r = _mm_shuffle_epi8(
            v, _mm_unpacklo_epi64(
                   _mm_loadl_epi64((const __m128i *)(const void *)decode_simd_compact[kl]),
                   _mm_add_epi8(
                       _mm_loadl_epi64((const __m128i *)(const void *)decode_simd_compact[kh]),
                       _mm_set1_epi8(8))));
        nl = (unsigned)__builtin_popcount(kl);
        _mm_storel_epi64((__m128i *)(void *)(dst + o), r);
        _mm_storel_epi64((__m128i *)(void *)(dst + o + nl), _mm_unpackhi_epi64(r, r));
        o += nl + (unsigned)__builtin_popcount(kh);
        /* Plain text starts after the last event; the last escape or soft break may take
         * bytes of the next block. */
        last = (unsigned)(31 - __builtin_clz(meq | mhard));
        end = last + (mhard >> last & 1 ? 1 : msb1 >> last & 1 ? 2 : 3);
        *run = i + end;
        if ((meq & 0xc000u) == 0) /* a branch: the next block need not wait for this mask */
            i += 16;
        else
            i += end > 16 ? end : 16;
    }
    *op = o;
    return i;
}

/* decode_simd_qp_none - no SSSE3: the caller's block loop does it all. */
static size_t
decode_simd_qp_none(const unsigned char *p, size_t i, size_t len, unsigned char *dst, size_t *op,
                    size_t *run)
{
    return i;
}

/*
 * decode_simd_pick - the best implementation this CPU runs. It is the ifunc resolver, called by
 * the dynamic linker before the sanitizers' runtime is set up, so it must not be instrumented.
 */
#ifdef __clang__
__attribute__((no_sanitize("address", "undefined", "coverage")))
#else
__attribute__((no_sanitize_address, no_sanitize_undefined))
#endif
static b64_decode_fn
decode_simd_pick(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        return decode_simd_avx2;
    if (__builtin_cpu_supports("ssse3"))
        return decode_simd_ssse3;
    return b64_decode_scalar;
}

size_t b64_decode(struct b64_state *s, const void *src, size_t len, unsigned char *dst)
    __attribute__((ifunc("decode_simd_pick")));

#ifdef __clang__
__attribute__((no_sanitize("address", "undefined", "coverage")))
#else
__attribute__((no_sanitize_address, no_sanitize_undefined))
#endif
static decode_qp_vec_fn
decode_simd_qp_pick(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("popcnt")
               ? decode_simd_qp_ssse3
               : decode_simd_qp_none;
}

size_t decode_qp_vec(const unsigned char *p, size_t i, size_t len, unsigned char *dst, size_t *op,
                     size_t *run) __attribute__((ifunc("decode_simd_qp_pick")));

const char *
b64_impl(void)
{
    b64_decode_fn f = decode_simd_pick();

    return f == decode_simd_avx2 ? "avx2" : f == decode_simd_ssse3 ? "ssse3" : "scalar";
}

b64_decode_fn
b64_impl_fn(const char *name)
{
    __builtin_cpu_init();
    if (strcmp(name, "avx2") == 0)
        return __builtin_cpu_supports("avx2") ? decode_simd_avx2 : NULL;
    if (strcmp(name, "ssse3") == 0)
        return __builtin_cpu_supports("ssse3") ? decode_simd_ssse3 : NULL;
    if (strcmp(name, "scalar") == 0)
        return b64_decode_scalar;
    return NULL;
}

#else /* no x86 SIMD or no ifunc: scalar only */

size_t
decode_qp_vec(const unsigned char *p, size_t i, size_t len, unsigned char *dst, size_t *op,
              size_t *run)
{
    return i;
}

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
    return strcmp(name, "scalar") == 0 ? b64_decode_scalar : NULL;
}

#endif

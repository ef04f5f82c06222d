/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decode.c - base64, quoted-printable and uuencode decoding for the MIME engine: streaming state
 * machines that give the same result at any chunking. The base64 SIMD paths are in decode_simd.c.
 */
#include "decode.h"
#include "decode_int.h"

#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h> /* x86-64 baseline: no dispatch needed */
#endif

/* What a byte is to base64: 0-63 a sextet, or one of these. */
enum { B64_WS = 64, B64_PAD = 65, B64_BAD = 66 };

#define B64_ROW_BAD                                                                                \
    B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,      \
        B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD

/* clang-format off */
static const unsigned char decode_b64_table[256] = {
    /* 0x00 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
    B64_WS, B64_WS, B64_BAD, B64_BAD, B64_WS, B64_BAD, B64_BAD,
    /* 0x10 */ B64_ROW_BAD,
    /* 0x20 */ B64_WS, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
    B64_BAD, B64_BAD, 62, B64_BAD, B64_BAD, B64_BAD, 63,
    /* 0x30 */ 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, B64_BAD, B64_BAD, B64_BAD, B64_PAD, B64_BAD,
    B64_BAD,
    /* 0x40 */ B64_BAD, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    /* 0x50 */ 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
    B64_BAD,
    /* 0x60 */ B64_BAD, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    /* 0x70 */ 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
    B64_BAD,
    /* 0x80 - 0xff */ B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD,
    B64_ROW_BAD, B64_ROW_BAD};
/* clang-format on */

void
b64_init(struct b64_state *s)
{
    memset(s, 0, sizeof(*s));
}

/*
 * decode_b64_byte - one byte that is not a sextet completing a quantum in the plain data state:
 * white space, '=', a bad byte, or anything after the padding. Returns the bytes written.
 */
static size_t
decode_b64_byte(struct b64_state *s, unsigned v, unsigned char *dst)
{
    if (v == B64_WS)
        return 0;
    if (s->pad != 0) {
        if (v == B64_PAD && s->pad > 1)
            s->pad--;
        else
            s->flags |= B64_F_AFTERPAD;
        return 0;
    }
    if (v == B64_BAD) {
        s->flags |= B64_F_BADCHAR;
        return 0;
    }
    if (v == B64_PAD) {
        size_t o = 0;

        /* The padding that completes this quantum: 4 - n characters, this one included. */
        s->pad = s->n == 0 ? 1 : 1 + (3 - s->n);
        if (s->n == 1)
            s->flags |= B64_F_PARTIAL;
        else if (s->n == 2)
            dst[o++] = (unsigned char)(s->acc >> 4);
        else if (s->n == 3) {
            dst[o++] = (unsigned char)(s->acc >> 10);
            dst[o++] = (unsigned char)(s->acc >> 2);
        }
        s->acc = 0;
        s->n = 0;
        return o;
    }
    /* A sextet. */
    s->acc = (s->acc << 6) | v;
    if (++s->n < 4)
        return 0;
    dst[0] = (unsigned char)(s->acc >> 16);
    dst[1] = (unsigned char)(s->acc >> 8);
    dst[2] = (unsigned char)s->acc;
    s->acc = 0;
    s->n = 0;
    return 3;
}

size_t
b64_decode_scalar(struct b64_state *s, const void *src, size_t len, unsigned char *dst)
{
    const unsigned char *p = src;
    size_t i = 0, o = 0;

    while (i < len) {
        /* The common case, whole quanta of alphabet bytes, four at a time. */
        while (s->n == 0 && s->pad == 0 && len - i >= 4) {
            unsigned a = decode_b64_table[p[i]], b = decode_b64_table[p[i + 1]];
            unsigned c = decode_b64_table[p[i + 2]], d = decode_b64_table[p[i + 3]];
            uint32_t v;

            if ((a | b | c | d) >= 64)
                break;
            v = a << 18 | b << 12 | c << 6 | d;
            dst[o] = (unsigned char)(v >> 16);
            dst[o + 1] = (unsigned char)(v >> 8);
            dst[o + 2] = (unsigned char)v;
            o += 3;
            i += 4;
        }
        if (i < len)
            o += decode_b64_byte(s, decode_b64_table[p[i++]], dst + o);
    }
    return o;
}

size_t
decode_b64_scalar_until(struct b64_state *s, const unsigned char *p, size_t len, unsigned char *dst,
                        size_t *used)
{
    size_t i = 0, o = 0;

    while (i < len) {
        o += decode_b64_byte(s, decode_b64_table[p[i++]], dst + o);
        if (s->pad != 0 || (s->n == 0 && i < len && decode_b64_table[p[i]] < 64))
            break;
    }
    *used = i;
    return o;
}

size_t
b64_finish(struct b64_state *s, unsigned char *dst)
{
    size_t o = 0;

    if (s->pad == 0 && s->n != 0) {
        s->flags |= B64_F_PARTIAL;
        if (s->n == 2)
            dst[o++] = (unsigned char)(s->acc >> 4);
        else if (s->n == 3) {
            dst[o++] = (unsigned char)(s->acc >> 10);
            dst[o++] = (unsigned char)(s->acc >> 2);
        }
    }
    s->acc = 0;
    s->n = 0;
    return o;
}

/* --- quoted-printable --- */

/* A hex digit's value, either case, or -1. */
/* clang-format off */
static const signed char decode_qp_hex[256] = {
    /* 0x00 */ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0x10 */ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0x20 */ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0x30 */  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, -1, -1, -1, -1, -1, -1,
    /* 0x40 */ -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0x50 */ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0x60 */ -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0x70 */ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0x80 */ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0x90 */ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0xa0 */ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0xb0 */ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0xc0 */ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0xd0 */ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0xe0 */ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    /* 0xf0 */ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};
/* clang-format on */

void
qp_init(struct qp_state *s)
{
    memset(s, 0, sizeof(*s));
}

/* decode_qp_flush - what was held, passed through as it came. */
static size_t
decode_qp_flush(struct qp_state *s, unsigned char *dst)
{
    size_t o = 0;

    if (s->esc)
        dst[o++] = '=';
    memcpy(dst + o, s->pend, s->plen);
    o += s->plen;
    if (s->cr)
        dst[o++] = '\r';
    s->plen = 0;
    s->esc = 0;
    s->cr = 0;
    return o;
}

static int
decode_qp_space(unsigned c)
{
    return c == ' ' || c == '\t';
}

/* decode_qp_byte - one byte through the state machine. Returns the bytes written. */
static size_t
decode_qp_byte(struct qp_state *s, unsigned c, unsigned char *dst)
{
    size_t o = 0;

    for (;;) {
        if (s->lng) {
            /* Inside a white space run too long to hold: it goes out as it comes. */
            if (c == '\n') {
                s->flags |= QP_F_LONGSPACE;
                o += decode_qp_flush(s, dst + o);
                dst[o++] = '\n';
                s->lng = 0;
                return o;
            }
            if (!s->cr && c == '\r') {
                s->cr = 1;
                return o;
            }
            if (!s->cr && decode_qp_space(c)) {
                dst[o++] = (unsigned char)c;
                return o;
            }
            o += decode_qp_flush(s, dst + o);
            s->lng = 0;
            continue;
        }
        if (!s->esc && s->plen == 0) {
            if (c == '=')
                s->esc = 1;
            else if (decode_qp_space(c))
                s->pend[s->plen++] = (unsigned char)c;
            else
                dst[o++] = (unsigned char)c;
            return o;
        }
        if (s->esc && s->plen == 1 && decode_qp_hex[s->pend[0]] >= 0) {
            int lo = decode_qp_hex[c];

            if (lo >= 0) {
                dst[o++] = (unsigned char)(decode_qp_hex[s->pend[0]] << 4 | lo);
                s->plen = 0;
                s->esc = 0;
                return o;
            }
            s->flags |= QP_F_BADESCAPE;
            o += decode_qp_flush(s, dst + o);
            continue;
        }
        /* A '=' alone or with white space after it, or white space alone; perhaps then a CR. */
        if (c == '\n') {
            if (!s->esc) {
                if (s->cr)
                    dst[o++] = '\r';
                dst[o++] = '\n';
            }
            s->plen = 0;
            s->esc = 0;
            s->cr = 0;
            return o;
        }
        if (!s->cr) {
            if (c == '\r') {
                s->cr = 1;
                return o;
            }
            if (decode_qp_space(c)) {
                if (s->plen < QP_SPACE_MAX) {
                    s->pend[s->plen++] = (unsigned char)c;
                    return o;
                }
                /* Too long to hold: out it goes, and the rest of the run after it. */
                if (s->esc)
                    s->flags |= QP_F_BADESCAPE;
                o += decode_qp_flush(s, dst + o);
                dst[o++] = (unsigned char)c;
                s->lng = 1;
                return o;
            }
            if (s->esc && s->plen == 0 && decode_qp_hex[c] >= 0) {
                s->pend[s->plen++] = (unsigned char)c;
                return o;
            }
        }
        if (s->esc)
            s->flags |= QP_F_BADESCAPE;
        o += decode_qp_flush(s, dst + o);
    }
}

/*
 * decode_qp_copy - copies p[0, n) to dst up to the first '=' or LF and returns its offset (n if
 * none). It stores 16 bytes at a time before it looks, so it may write up to dst[n - 1] whatever
 * it returns: the caller's dst has room for all of p.
 */
static size_t
decode_qp_copy(const unsigned char *p, size_t n, unsigned char *dst)
{
    size_t i = 0;

#ifdef __SSE2__
    const __m128i eq = _mm_set1_epi8('='), lf = _mm_set1_epi8('\n');

    for (; n - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        unsigned m =
            (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, eq), _mm_cmpeq_epi8(v, lf)));

        _mm_storeu_si128((__m128i *)(void *)(dst + i), v);
        if (m != 0)
            return i + (unsigned)__builtin_ctz(m);
    }
#endif
    for (; i < n && p[i] != '=' && p[i] != '\n'; i++)
        dst[i] = p[i];
    return i;
}

/* decode_qp_tail - where the white space (and a CR after it) that ends p[from, to) begins. */
static size_t
decode_qp_tail(const unsigned char *p, size_t from, size_t to)
{
    size_t t = to;

    if (t > from && p[t - 1] == '\r')
        t--;
    while (t > from && decode_qp_space(p[t - 1]))
        t--;
    return t;
}

#ifdef __SSE2__
/*
 * decode_qp_fast - the hot loop: from p[i], in the plain state, copies 16 bytes at a time and
 * decodes "=XY", soft line breaks and line ends without white space before them in line, every
 * one in a block from the block's one mask, until it meets anything else or the input runs
 * short. Returns where it stopped, the plain state again there: white space (and a CR) it
 * copied at the end is taken back, for the caller to look at with what follows. Its stores
 * reach no further than len - i bytes past *op.
 */
static size_t
decode_qp_fast(const unsigned char *p, size_t i, size_t len, unsigned char *dst, size_t *op,
               int vec)
{
    const __m128i eq = _mm_set1_epi8('='), lf = _mm_set1_epi8('\n');
    size_t o = *op, run = i, base, t;
    int hi, lo;

    while (len - i >= DECODE_QP_FAST_MIN) {
        __m128i v;
        unsigned m;

        /* Blocks dense with escapes, or with none, go faster by SSSE3 if the CPU has it. */
        if (vec)
            i = decode_qp_vec(p, i, len, dst, &o, &run);
        if (len - i < DECODE_QP_FAST_MIN)
            break;
        v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, eq), _mm_cmpeq_epi8(v, lf)));

        _mm_storeu_si128((__m128i *)(void *)(dst + o), v);
        base = i;
        while (m != 0) {
            t = base + (unsigned)__builtin_ctz(m);
            o += t - i;
            i = t;
            if (p[i] == '\n') {
                t = decode_qp_tail(p, run, i);
                if (t != i && (t + 1 != i || p[t] != '\r'))
                    goto out; /* white space before it */
                dst[o++] = '\n';
                run = ++i;
            } else if ((hi = decode_qp_hex[p[i + 1]]) >= 0 && (lo = decode_qp_hex[p[i + 2]]) >= 0) {
                /* Escapes come in runs (UTF-8 takes two or three): take them without the mask. */
                do {
                    dst[o++] = (unsigned char)(hi << 4 | lo);
                    i += 3;
                } while (i - base < 16 && p[i] == '=' && (hi = decode_qp_hex[p[i + 1]]) >= 0 &&
                         (lo = decode_qp_hex[p[i + 2]]) >= 0);
                run = i;
            } else if (p[i + 1] == '\r' && p[i + 2] == '\n') {
                run = i += 3;
            } else if (p[i + 1] == '\n') {
                run = i += 2;
            } else {
                goto out;
            }
            /* The rest of the block moves up to where the output is now. */
            m &= ~0u << (i - base);
            _mm_storeu_si128((__m128i *)(void *)(dst + o),
                             _mm_loadu_si128((const __m128i *)(const void *)(p + i)));
        }
        if (i < base + 16) {
            o += base + 16 - i;
            i = base + 16;
        }
    }
out:
    t = decode_qp_tail(p, run, i);
    *op = o - (i - t);
    return t;
}
#endif

/*
 * qp_decode - plain text between one '=' or line end and the next is copied as it is scanned;
 * the state machine sees only escapes it cannot finish at once and white space before a line
 * end. dst has room for all of src past what the state held (o <= held + i), which is what
 * decode_qp_copy's wide stores need.
 */
size_t
qp_decode(struct qp_state *s, const void *src, size_t len, unsigned char *dst)
{
    return decode_qp_run(s, src, len, dst, 1);
}

size_t
decode_qp_run(struct qp_state *s, const void *src, size_t len, unsigned char *dst, int vec)
{
    const unsigned char *p = src;
    size_t i = 0, o = 0, end, t;
    int hi, lo;

    while (i < len) {
        if (s->esc || s->plen != 0 || s->lng) {
            o += decode_qp_byte(s, p[i++], dst + o);
            continue;
        }
#ifdef __SSE2__
        i = decode_qp_fast(p, i, len, dst, &o, vec);
#endif
        end = i + decode_qp_copy(p + i, len - i, dst + o);
        if (end < len && p[end] == '=') {
            o += end - i;
            if (len - end >= 3 && (hi = decode_qp_hex[p[end + 1]]) >= 0 &&
                (lo = decode_qp_hex[p[end + 2]]) >= 0) {
                dst[o++] = (unsigned char)(hi << 4 | lo);
                i = end + 3;
            } else if (len - end >= 2 && p[end + 1] == '\n') {
                i = end + 2;
            } else if (len - end >= 3 && p[end + 1] == '\r' && p[end + 2] == '\n') {
                i = end + 3;
            } else {
                o += decode_qp_byte(s, '=', dst + o);
                i = end + 1;
            }
            continue;
        }
        /* A line end, or the end of this chunk: what ends the text may be transport padding. */
        t = decode_qp_tail(p, i, end);
        o += t - i;
        if (end < len) {
            if (t == end) { /* LF right after text */
                dst[o++] = '\n';
                i = end + 1;
                continue;
            }
            if (t + 1 == end && p[t] == '\r') { /* CR LF right after text */
                dst[o++] = '\r';
                dst[o++] = '\n';
                i = end + 1;
                continue;
            }
            end++;
        }
        for (i = t; i < end; i++)
            o += decode_qp_byte(s, p[i], dst + o);
    }
    return o;
}

size_t
qp_finish(struct qp_state *s, unsigned char *dst)
{
    size_t o = 0;

    if (s->lng || s->cr || (s->esc && s->plen == 1 && decode_qp_hex[s->pend[0]] >= 0)) {
        /* An over-long run is out already; a bare CR is no line end: what came before it stays. */
        if (s->lng && !s->cr)
            s->flags |= QP_F_LONGSPACE;
        if (s->esc)
            s->flags |= QP_F_BADESCAPE;
        o = decode_qp_flush(s, dst);
    }
    /* Else a final soft line break, or trailing white space: both vanish. */
    s->plen = 0;
    s->esc = 0;
    s->cr = 0;
    s->lng = 0;
    return o;
}

/* --- uuencode --- */

int
uu_decode_line(const char *line, size_t len, unsigned char *out)
{
    const unsigned char *p = (const unsigned char *)line;
    size_t n, have, need, least, i, o = 0;

    if (len == 0 || p[0] < 0x20 || p[0] > 0x60)
        return -1;
    n = (p[0] - 0x20) & 0x3f;
    have = len - 1;
    need = (n + 2) / 3 * 4;  /* whole groups of four */
    least = (n * 8 + 5) / 6; /* the characters that carry bits */
    if (have < least || have > need + 1)
        return -1;
    for (i = 1; i < len; i++)
        if (p[i] < 0x20 || p[i] > 0x60)
            return -1;
    for (i = 0; o < n; i += 4) {
        unsigned v[4], k;
        uint32_t w;

        for (k = 0; k < 4; k++)
            v[k] = 1 + i + k < len ? (unsigned)(p[1 + i + k] - 0x20) & 0x3f : 0;
        w = (uint32_t)v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3];
        for (k = 0; k < 3 && o < n; k++)
            out[o++] = (unsigned char)(w >> (16 - 8 * k));
    }
    return (int)o;
}

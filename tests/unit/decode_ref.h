/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decode_ref.h - plain one-shot reference decoders for base64 and quoted-printable, written from
 * the rules in decode.h with the whole input in view. The unit tests and the fuzz harness check
 * the streaming decoders (scalar, SIMD, any chunking) against them.
 */
#ifndef RW_DECODE_REF_H
#define RW_DECODE_REF_H

#include "decode.h"

#include <stddef.h>
#include <string.h>

/* decode_ref_b64 - out needs B64_DECODED_MAX(n) bytes; *flags gets the B64_F_* */
static inline size_t
decode_ref_b64(const unsigned char *p, size_t n, unsigned char *out, unsigned *flags)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i, o = 0;
    unsigned long acc = 0;
    unsigned k = 0, padding = 0, more = 0;

    *flags = 0;
    for (i = 0; i < n; i++) {
        const char *a = p[i] != 0 ? strchr(alpha, p[i]) : NULL;

        if (p[i] == '\r' || p[i] == '\n' || p[i] == ' ' || p[i] == '\t')
            continue;
        if (padding) {
            if (p[i] == '=' && more > 0)
                more--;
            else
                *flags |= B64_F_AFTERPAD;
            continue;
        }
        if (p[i] == '=') {
            padding = 1;
            more = k == 0 ? 0 : 3 - k;
            if (k == 1)
                *flags |= B64_F_PARTIAL;
            if (k >= 2)
                out[o++] = (unsigned char)(acc >> (k == 2 ? 4 : 10));
            if (k == 3)
                out[o++] = (unsigned char)(acc >> 2);
            k = 0;
            acc = 0;
            continue;
        }
        if (a == NULL) {
            *flags |= B64_F_BADCHAR;
            continue;
        }
        acc = acc << 6 | (unsigned long)(a - alpha);
        if (++k == 4) {
            out[o++] = (unsigned char)(acc >> 16);
            out[o++] = (unsigned char)(acc >> 8);
            out[o++] = (unsigned char)acc;
            k = 0;
            acc = 0;
        }
    }
    if (!padding && k != 0) {
        *flags |= B64_F_PARTIAL;
        if (k >= 2)
            out[o++] = (unsigned char)(acc >> (k == 2 ? 4 : 10));
        if (k == 3)
            out[o++] = (unsigned char)(acc >> 2);
    }
    return o;
}

static inline int
decode_ref_hex(unsigned c)
{
    if (c >= '0' && c <= '9')
        return (int)c - '0';
    if (c >= 'a' && c <= 'f')
        return (int)c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return (int)c - 'A' + 10;
    return -1;
}

static inline int
decode_ref_space(unsigned c)
{
    return c == ' ' || c == '\t';
}

/* decode_ref_eol - 1 if a line end (LF, CR LF) or the end of the input is at p[j]. */
static inline int
decode_ref_eol(const unsigned char *p, size_t n, size_t j)
{
    return j == n || p[j] == '\n' || (p[j] == '\r' && j + 1 < n && p[j + 1] == '\n');
}

/* decode_ref_qp - out needs n bytes; *flags gets the QP_F_* */
static inline size_t
decode_ref_qp(const unsigned char *p, size_t n, unsigned char *out, unsigned *flags)
{
    size_t i = 0, j, o = 0;

    *flags = 0;
    while (i < n) {
        if (p[i] == '=') {
            if (i + 2 < n && decode_ref_hex(p[i + 1]) >= 0 && decode_ref_hex(p[i + 2]) >= 0) {
                out[o++] =
                    (unsigned char)(decode_ref_hex(p[i + 1]) * 16 + decode_ref_hex(p[i + 2]));
                i += 3;
                continue;
            }
            for (j = i + 1; j < n && decode_ref_space(p[j]); j++)
                ;
            if (j - (i + 1) <= QP_SPACE_MAX && decode_ref_eol(p, n, j)) {
                i = j == n ? n : p[j] == '\n' ? j + 1 : j + 2; /* soft line break */
                continue;
            }
            *flags |= QP_F_BADESCAPE;
            out[o++] = '=';
            i++;
            continue;
        }
        if (decode_ref_space(p[i])) {
            for (j = i; j < n && decode_ref_space(p[j]); j++)
                ;
            if (!decode_ref_eol(p, n, j) || j - i > QP_SPACE_MAX) {
                if (decode_ref_eol(p, n, j))
                    *flags |= QP_F_LONGSPACE;
                memcpy(out + o, p + i, j - i);
                o += j - i;
            }
            i = j;
            continue;
        }
        out[o++] = p[i++];
    }
    return o;
}

#endif

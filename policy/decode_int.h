/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decode_int.h - what decode.c shares with the SIMD base64 paths in decode_simd.c and nobody else.
 */
#ifndef RW_DECODE_INT_H
#define RW_DECODE_INT_H

#include "decode.h"

/*
 * Input a base64 vector path needs in hand before it takes a block: it reads 32 (AVX2) or 16
 * (SSSE3) bytes and stores 28 or 16, of which 24 or 12 are output. dst has 3/4 of the input
 * left plus 3 bytes (B64_DECODED_MAX), less up to 2.25 bytes for sextets carried in from the
 * last call, so 0.75 * slack - 1.5 must cover the store. (Here so the tests reach them.)
 */
#define DECODE_SIMD_AVX2_SLACK 40  /* 0.75 * 40 - 1.5 = 28.5 >= 28 */
#define DECODE_SIMD_SSSE3_SLACK 24 /* 0.75 * 24 - 1.5 = 16.5 >= 16 */
/* Input the quoted-printable block loop needs in hand: a 16-byte block, an escape at its last
 * byte (two more), and the 16 bytes it copies after that escape. */
#define DECODE_QP_FAST_MIN 34

/*
 * decode_b64_scalar_until - the scalar decoder for the SIMD paths: takes bytes from p[0, len)
 * until a quantum starts at an alphabet byte (where a vector can take over), the padding has
 * begun, or the input ends. Sets *used to the bytes taken; returns the bytes written to dst.
 */
size_t decode_b64_scalar_until(struct b64_state *s, const unsigned char *p, size_t len,
                               unsigned char *dst, size_t *used);

/*
 * decode_qp_vec - quoted-printable from p[i] in the plain state, 16-byte blocks at a time while
 * every '=' in them starts "=XY" or a soft break and no white space comes before a line end
 * (SSSE3; without it, nothing). Adds to *op what it wrote, sets *run past the last escape or
 * line end it took, returns where it stopped. Needs what decode_qp_fast needs:
 * DECODE_QP_FAST_MIN bytes in hand, room for len - i more in dst. p[-2, 0) is not read.
 */
/* decode_qp_run - qp_decode, with (vec 1) or without (vec 0) decode_qp_vec: the tests run both. */
size_t decode_qp_run(struct qp_state *s, const void *src, size_t len, unsigned char *dst, int vec);
typedef size_t (*decode_qp_vec_fn)(const unsigned char *p, size_t i, size_t len, unsigned char *dst,
                                   size_t *op, size_t *run);
size_t decode_qp_vec(const unsigned char *p, size_t i, size_t len, unsigned char *dst, size_t *op,
                     size_t *run);

#endif

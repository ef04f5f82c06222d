/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decode_int.h - what decode.c shares with the SIMD base64 paths in decode_simd.c and nobody else.
 */
#ifndef RW_DECODE_INT_H
#define RW_DECODE_INT_H

#include "decode.h"

/*
 * decode_b64_scalar_until - the scalar decoder for the SIMD paths: takes bytes from p[0, len)
 * until a quantum starts at an alphabet byte (where a vector can take over), the padding has
 * begun, or the input ends. Sets *used to the bytes taken; returns the bytes written to dst.
 */
size_t decode_b64_scalar_until(struct b64_state *s, const unsigned char *p, size_t len,
                               unsigned char *dst, size_t *used);

#endif

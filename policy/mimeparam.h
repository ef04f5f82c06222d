/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mimeparam.h - the values of MIME header fields (Content-Type, Content-Disposition,
 * Content-Transfer-Encoding): the leading token and the parameters, with RFC 2231 continuations
 * and charsets and the RFC 2047 encoded words mailers put in quoted values, decoded to UTF-8.
 *
 * Reading is lenient the way mail readers are (a missing ';', comments, folds, odd case and
 * spacing, an unquoted value with spaces running to the next ';'), and every guess that a reader
 * could make differently is reported in flags, never hidden:
 *   - a parameter given twice: the first plain value is used, MIMEPARAM_F_AMBIGUOUS when the
 *     values differ; RFC 2231 pieces win over a plain value (readers that know RFC 2231 show
 *     them), MIMEPARAM_F_AMBIGUOUS when the plain value decodes to something else;
 *   - MIMEPARAM_F_BROKEN: an unknown charset (ASCII kept, other bytes U+FFFD), a bad
 *     percent-escape (kept literally), a missing or repeated continuation section (the pieces
 *     present are joined in order), a malformed encoded word (kept as written), an unterminated
 *     quoted-string (read to the end), a NUL byte, 8-bit bytes that are not UTF-8 (U+FFFD).
 */
#ifndef RW_MIMEPARAM_H
#define RW_MIMEPARAM_H

#include "buf.h"

#include <stddef.h>

/* Longest decoded parameter value (a file name, a boundary) in bytes of UTF-8: four times
 * Windows' 260-character path limit leaves room for 3-byte characters; longer is "too long". */
#define MIMEPARAM_VALUE_MAX 1024
/* Most RFC 2231 continuation sections of one parameter (name*0 .. name*63): mailers cut at
 * 60-78 octets a line, so 64 sections carry far more than MIMEPARAM_VALUE_MAX. */
#define MIMEPARAM_SECTIONS_MAX 64

#define MIMEPARAM_F_BROKEN 0x1u
#define MIMEPARAM_F_AMBIGUOUS 0x2u
#define MIMEPARAM_F_RFC2231 0x4u /* the value came from RFC 2231 pieces */
#define MIMEPARAM_F_RFC2047 0x8u /* the value held RFC 2047 encoded words */

/*
 * mimeparam_token - the field's leading token (up to ';' or the end, comments and white space
 * around it skipped), lower-cased into tok (NUL-terminated). "text/plain", "attachment",
 * "base64". Returns 1; 0 when it is empty, longer than toklen - 1, or holds bytes no token may
 * hold (white space or controls inside, quotes, NUL); tok is then "".
 */
int mimeparam_token(const char *v, size_t n, char *tok, size_t toklen);

/* mimeparam_get's opts: decode RFC 2047 encoded words in a plain value. For file names, which
 * mailers encode so; never for a boundary or a charset, which readers take as written. */
#define MIMEPARAM_O_2047 0x1u

/*
 * mimeparam_get - the value of parameter attr (case-insensitive) in the field value v[0..n),
 * decoded to UTF-8 and appended to out (the caller's buffer, which it frees). *flags gets the
 * MIMEPARAM_F_* bits. Returns 1 found, 0 absent (out untouched), -1 with err: the decoded value
 * would pass MIMEPARAM_VALUE_MAX or out's own limit ("too long"), more than
 * MIMEPARAM_SECTIONS_MAX sections, or out of memory.
 */
int mimeparam_get(const char *v, size_t n, const char *attr, unsigned opts, struct buf *out,
                  unsigned *flags, char *err, size_t errlen);

#endif

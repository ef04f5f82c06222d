/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rfc2047.h - RFC 2047 encoded words ("=?charset?B?...?=", "=?charset?Q?...?=") decoded to UTF-8
 * by their charset (iconv), the way a mail reader shows them: adjacent encoded words are joined
 * (RFC 2047 section 6.2: the white space between them is not displayed), and a character split
 * across two words of the same charset is put back together before conversion.
 */
#ifndef RW_RFC2047_H
#define RW_RFC2047_H

#include "buf.h"

#include <stddef.h>

/*
 * rfc2047_decode - appends src[0..n) to out with every encoded word decoded to UTF-8; text
 * outside encoded words is copied unchanged. Returns 0, or -1 with the reason in err: an
 * unknown charset, bad base64 or quoted-printable, out of memory, or out's limit reached
 * ("too long"). Bytes not valid in the charset become U+FFFD. A "=?" that does not start a
 * well-formed encoded word is plain text. The decoded bytes may hold NUL and controls.
 */
int rfc2047_decode(const char *src, size_t n, struct buf *out, char *err, size_t errlen);

/*
 * rfc2047_charset_decode - appends raw[0..n), bytes in the charset named cs[0..cslen) (the same
 * names and aliases as in encoded words), to out converted to UTF-8; bytes not valid in the
 * charset become U+FFFD. Returns 0; -1 when the charset is not known (out unchanged); -2 when
 * out's limit is reached or memory runs out (err says which). RFC 2231 parameter values use it.
 */
int rfc2047_charset_decode(const char *cs, size_t cslen, const void *raw, size_t n,
                           struct buf *out, char *err, size_t errlen);

/*
 * rfc2047_charset_alias - the name iconv knows a mailer's charset label by (the WHATWG labels
 * and what Outlook writes, e.g. "ks_c_5601-1987" -> "CP949"), or label itself when it needs no
 * alias. The result is label or a static string; it stays valid as long as label does.
 */
const char *rfc2047_charset_alias(const char *label);
/* rfc2047_charset_unknown_8bit - 1 if label names bytes of no known charset ("unknown-8bit",
 * RFC 1428), else 0. */
int rfc2047_charset_unknown_8bit(const char *label);

#endif

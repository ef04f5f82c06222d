/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * textnorm.h - the normal form in which relaywarden looks for addresses hidden in text a mail
 * reader displays (display names, comments, group names; later subjects and body text):
 *
 *   1. RFC 2047 encoded words decoded to UTF-8 by their charset, adjacent ones joined;
 *   2. bytes that are not UTF-8 become U+FFFD; TAB, CR, LF and the Unicode line and paragraph
 *      separators become a space; other control characters are dropped;
 *   3. default-ignorable code points are dropped: zero-width spaces and joiners, bidi controls
 *      (U+200E, U+202A..U+202E, U+2066..U+2069), soft hyphen, variation selectors, tags;
 *   4. Unicode NFKC: fullwidth and other compatibility forms become their plain letters, so
 *      U+FF20 and U+FE6B become '@' and U+FF0E '.', and U+00A0 a space;
 *   5. the ideographic full stops U+3002, U+FF61, U+FE12 (label separators to IDNA) become '.'.
 *
 * What a reader sees as "boss@example.com" is then the ASCII "boss@example.com". A right-to-left
 * override (U+202E) shows the text after it backwards: "moc.elpmaxe@ssob" reads as the address
 * above, so the caller is told (TEXTNORM_F_RTL) and scans the reversed text as well.
 */
#ifndef RW_TEXTNORM_H
#define RW_TEXTNORM_H

#include "buf.h"

#include <stddef.h>

#define TEXTNORM_F_RTL 1u /* the text held a right-to-left override (U+202E) */

/*
 * textnorm_display - appends the normal form of src[0..n) to out and sets *flags. Returns 0,
 * or -1 with the reason in err (an encoded word that cannot be decoded, out of memory, or
 * out's limit reached: "too long").
 */
int textnorm_display(const char *src, size_t n, struct buf *out, unsigned *flags, char *err,
                     size_t errlen);

/* textnorm_reverse - appends the UTF-8 text s[0..n) to out, code points in reverse order.
 * 0, or -1 when out's limit is reached or memory runs out. */
int textnorm_reverse(const char *s, size_t n, struct buf *out);

#endif

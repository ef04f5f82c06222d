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
 *   4. Unicode NFKD, then NFC: fullwidth and other compatibility forms become their plain
 *      letters, so U+FF20 and U+FE6B become '@' and U+FF0E '.', and U+00A0 a space; every
 *      combining mark is dropped between the two, also from letters that carried one;
 *      spaces too narrow to see (thin, hair, narrow no-break) are dropped;
 *   5. full stops NFKC leaves alone become '.': the ideographic ones (U+3002, U+FF61, U+FE12,
 *      label separators to IDNA) and the look-alikes of Unicode's confusables list (U+A4F8,
 *      U+0701, U+1427, ...); the braille blank becomes a space.
 *
 * What a reader sees as "boss@example.com" is then the ASCII "boss@example.com". Text with
 * bidi controls or right-to-left letters is shown in another order than it is stored: the
 * caller is told (TEXTNORM_F_BIDI) and reads it again in the order of the screen, as the
 * Unicode bidi algorithm lays it out in a left-to-right and in a right-to-left paragraph.
 */
#ifndef RW_TEXTNORM_H
#define RW_TEXTNORM_H

#include "buf.h"

#include <stddef.h>

#define TEXTNORM_F_BIDI 1u /* bidi controls or right-to-left letters: see textnorm_visual */

/*
 * textnorm_display - appends the normal form of src[0..n) to out and sets *flags. Returns 0,
 * or -1 with the reason in err (an encoded word that cannot be decoded, out of memory, or
 * out's limit reached: "too long").
 */
int textnorm_display(const char *src, size_t n, struct buf *out, unsigned *flags, char *err,
                     size_t errlen);

/* textnorm_visual - as textnorm_display, the text in the order the bidi algorithm shows it in
 * a left-to-right (rtl 0) or right-to-left (rtl 1) paragraph. */
int textnorm_visual(const char *src, size_t n, int rtl, struct buf *out, char *err,
                    size_t errlen);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * textconv.h - the text a keyword is matched in: the decoded bytes of one text part, fed in pieces
 * of any size, converted from their declared charset to UTF-8, HTML reduced to its visible text,
 * white space runs made one space and invisible characters dropped. Output is the same for any
 * chunking of the same input, and always valid UTF-8.
 */
#ifndef RW_TEXTCONV_H
#define RW_TEXTCONV_H

#include <stddef.h>

/* Longest charset label looked at (IANA names are under 45 octets); a longer one is unknown. */
#define TEXTCONV_CHARSET_MAX 64
/* Longest HTML tag, in code points from '<' through '>'. A longer one is text, as written (and
 * TEXTCONV_F_TAG_TOO_LONG is set): real mail's tags with inline styles and tracking URLs fit in
 * 2,048; a longer tag is more likely text hidden in a tag that never closes. */
#define TEXTCONV_TAG_MAX 2048
/* Longest character reference, in code points from '&' through ';'. The longest HTML name is
 * 33 ("&CounterClockwiseContourIntegral;"); "&#x" and 8 hex digits fit too. Longer is text. */
#define TEXTCONV_ENTITY_MAX 40

/* Facts about the part, set as they are seen (see textconv_flags). */
#define TEXTCONV_F_CHARSET_UNKNOWN 0x1 /* charset not known to iconv: read as UTF-8 */
#define TEXTCONV_F_INVALID 0x2         /* bytes not valid in the charset: became U+FFFD */
#define TEXTCONV_F_TAG_TOO_LONG 0x4    /* an HTML tag past TEXTCONV_TAG_MAX: kept as text */

struct textconv;

/*
 * textconv_sink_fn - receives converted UTF-8 text (never split inside a character, never
 * empty). Returns 0 to go on, -1 to stop: the textconv_feed or textconv_end that called it then
 * returns -1. utf8 is valid only during the call.
 */
typedef int (*textconv_sink_fn)(void *arg, const char *utf8, size_t len);

/*
 * textconv_new - a converter for one part. charset is the declared label (NULL or "" is
 * us-ascii, RFC 2045's default); mailers' aliases are those of rfc2047_charset_alias. UTF-8 and
 * us-ascii are decoded as UTF-8 (8-bit bytes in a us-ascii part are often UTF-8); an unknown
 * label is read as UTF-8 too, with TEXTCONV_F_CHARSET_UNKNOWN set. Bytes not valid in the
 * charset become U+FFFD. is_html: text/html, matched on its visible text. Returns NULL only when
 * memory runs out. The caller owns the result and frees it with textconv_free.
 *
 * The visible text of HTML: tags are removed; inline tags (and unknown ones, as browsers show
 * them) join the text around them, block tags and <br> separate words; the contents of script,
 * style, title and template elements and of comments are not shown. Character references are
 * decoded: numeric ones (windows-1252 for 128-159, as browsers), and the named ones of HTML 4
 * for Latin-1 (nbsp ... yuml), amp lt gt quot apos, shy zwnj zwj lrm rlm, the typographic
 * punctuation (ndash mdash lsquo rsquo ldquo rdquo bull hellip ...), euro, trade, OElig oelig
 * Scaron scaron Yuml fnof; with or without ';'. An unknown name is text as written.
 *
 * For all text: every run of white space (Unicode White_Space: line breaks, tabs, NBSP, the
 * U+2000 spaces ...) is one U+0020, none at the start or end; U+00AD, U+180E, U+200B-U+200D,
 * U+2060-U+2064, U+FEFF and control characters are dropped, so none can split a keyword.
 * U+017F LONG S, U+212A KELVIN SIGN and U+212B ANGSTROM SIGN are written as s, k and U+00C5:
 * their case folds, so "\u017fex" is read as "sex" without the matcher folding them.
 */
struct textconv *textconv_new(const char *charset, int is_html);
/* textconv_feed - converts len more bytes; what is complete goes to sink before it returns, a
 * character or tag cut by the chunk's end waits for the next. 0, or -1 when the sink said so. */
int textconv_feed(struct textconv *tc, const char *bytes, size_t len, textconv_sink_fn sink,
                  void *arg);
/* textconv_end - the part ended: a cut character becomes U+FFFD, an unclosed tag or reference is
 * text; the rest goes to sink. 0, or -1 when the sink said so. Feed nothing after it. */
int textconv_end(struct textconv *tc, textconv_sink_fn sink, void *arg);
/* textconv_flags - the TEXTCONV_F_* facts seen so far. */
unsigned textconv_flags(const struct textconv *tc);
void textconv_free(struct textconv *tc);

#endif

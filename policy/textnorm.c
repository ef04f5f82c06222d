/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * textnorm.c - the normal form of textnorm.h. libunistring does the Unicode work (NFKC tables,
 * the default-ignorable property) and FriBidi the bidi algorithm: tables and an algorithm that
 * size are not to be written by hand, and Debian keeps both libraries current with Unicode.
 * Plain ASCII without encoded words, the common case, takes a short path that touches each
 * byte once.
 */
#include "textnorm.h"
#include "rfc2047.h"
#include "util.h"

#include <fribidi.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

/* Longest text handed to FriBidi, whose string index is an int: far above any display text
 * (HDR_TEXT_MAX), far below INT_MAX. */
#define TEXTNORM_BIDI_MAX (1u << 24)

/* ASCII with no "=?" and no control byte but TAB, CR, LF is its own normal form but for those
 * three, which become spaces. */
static int
textnorm_plain(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x7f || (c < 0x20 && c != '\t' && c != '\r' && c != '\n'))
            return 0;
        if (c == '=' && i + 1 < n && s[i + 1] == '?')
            return 0;
    }
    return 1;
}

static int
textnorm_put_plain(const char *s, size_t n, struct buf *out)
{
    size_t start = out->len, i;

    if (buf_put(out, s, n) == -1)
        return -1;
    for (i = start; i < out->len; i++)
        if (out->s[i] == '\t' || out->s[i] == '\r' || out->s[i] == '\n')
            out->s[i] = ' ';
    return 0;
}

/* Characters that read as a full stop and that NFKC leaves alone: the ideographic full stops
 * (label separators to IDNA) and the look-alikes Unicode's confusables list maps to '.'. */
static int
textnorm_dot(ucs4_t uc)
{
    static const ucs4_t dots[] = {0x0660, 0x06f0, 0x0701, 0x0702, 0x1427, 0x2e31, 0x3002,
                                  0xa4f8, 0xa60e, 0xfe12, 0xff61, 0x10a50, 0x1d16d};
    size_t i;

    for (i = 0; i < sizeof(dots) / sizeof(dots[0]); i++)
        if (dots[i] == uc)
            return 1;
    return 0;
}

/*
 * One code point kept, mapped or dropped, appended to out as UTF-8. Before NFKC (final 0):
 * white space and controls, default-ignorables. After it (final 1) also: look-alike dots to
 * '.', blanks that NFKC keeps (braille blank) to ' ', and combining marks dropped, so that
 * "exam\u0332ple" reads as the example it shows.
 */
static int
textnorm_filter(ucs4_t uc, int final, struct buf *out)
{
    uint8_t u8[6];
    int len;

    if (uc == '\t' || uc == '\r' || uc == '\n' || uc == 0x2028 || uc == 0x2029)
        uc = ' ';
    else if (uc < 0x20 || (uc >= 0x7f && uc < 0xa0))
        return 0;
    else if (uc == 0x2006 || uc == 0x2008 || uc == 0x2009 || uc == 0x200a || uc == 0x202f ||
             uc == 0x205f)
        return 0; /* spaces too narrow to see: "example\u200a.\u200acom" reads as one name */
    else if (uc_is_property_default_ignorable_code_point(uc))
        return 0;
    if (final) {
        if (textnorm_dot(uc))
            uc = '.';
        else if (uc == 0x2800)
            uc = ' ';
        else if (uc_is_general_category(uc, UC_CATEGORY_Mn) ||
                 uc_is_general_category(uc, UC_CATEGORY_Me))
            return 0;
    }
    if ((len = u8_uctomb(u8, uc, (int)sizeof(u8))) < 0)
        return 0;
    return buf_put(out, u8, (size_t)len);
}

/* Bidi controls, right-to-left letters and Arabic numbers: the order on screen is not the
 * order in memory. */
static int
textnorm_is_bidi(ucs4_t uc)
{
    FriBidiCharType t = fribidi_get_bidi_type((FriBidiChar)uc);

    /* Arabic numbers (AN) are laid out right to left inside a left-to-right line too. */
    return (FRIBIDI_IS_STRONG(t) && FRIBIDI_IS_RTL(t)) || t == FRIBIDI_TYPE_AN ||
           FRIBIDI_IS_EXPLICIT(t) || FRIBIDI_IS_ISOLATE(t) || uc == 0x200f || uc == 0x061c;
}

/* Decodes src into code points (bytes that are not UTF-8 become U+FFFD). */
static int
textnorm_decode(const char *src, size_t n, size_t max, ucs4_t **cps, size_t *ncp,
                unsigned *flags, char *err, size_t errlen)
{
    struct buf dec;
    size_t i;
    int rc = -1;

    buf_init(&dec, max);
    *cps = NULL;
    *ncp = 0;
    if (rfc2047_decode(src, n, &dec, err, errlen) == -1)
        goto done;
    if ((*cps = malloc((dec.len + 1) * sizeof(**cps))) == NULL) {
        util_errf(err, errlen, "out of memory normalizing text");
        goto done;
    }
    for (i = 0; i < dec.len;) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, (const uint8_t *)dec.s + i, dec.len - i);
        i += (size_t)(k > 0 ? k : 1);
        if (textnorm_is_bidi(uc))
            *flags |= TEXTNORM_F_BIDI;
        (*cps)[(*ncp)++] = uc;
    }
    rc = 0;
done:
    buf_free(&dec);
    return rc;
}

/* Steps 2 to 5 on code points in the order given, appended to out. */
static int
textnorm_finish(const ucs4_t *cps, size_t ncp, struct buf *out, char *err, size_t errlen)
{
    struct buf filt;
    uint8_t *nf = NULL;
    size_t nflen = 0, i;
    int rc = -1;

    /* Intermediate forms get out's whole limit: text past it is "too long" here already,
     * which may refuse a pathological text that NFKC composition would have shrunk back
     * under the limit, and never lets one through unread. */
    buf_init(&filt, out->max);
    for (i = 0; i < ncp; i++)
        if (textnorm_filter(cps[i], 0, &filt) == -1) {
            util_errf(err, errlen, "text too long after decoding");
            goto done;
        }
    /* NFKD first, so that a letter composed with a mark ("\u1eb9", e with a dot below)
     * comes apart and its mark goes; then NFC puts what is left back together. */
    if (filt.len > 0 &&
        (nf = u8_normalize(UNINORM_NFKD, (const uint8_t *)filt.s, filt.len, NULL, &nflen)) ==
            NULL) {
        util_errf(err, errlen, "out of memory normalizing text");
        goto done;
    }
    buf_reset(&filt);
    for (i = 0; i < nflen;) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, nf + i, nflen - i);
        i += (size_t)(k > 0 ? k : 1);
        if (textnorm_filter(uc, 1, &filt) == -1) {
            util_errf(err, errlen, "text too long after decoding");
            goto done;
        }
    }
    free(nf);
    nf = NULL;
    nflen = 0; /* nothing left after the marks went: nothing to compose */
    if (filt.len > 0 &&
        (nf = u8_normalize(UNINORM_NFC, (const uint8_t *)filt.s, filt.len, NULL, &nflen)) ==
            NULL) {
        util_errf(err, errlen, "out of memory normalizing text");
        goto done;
    }
    if (nflen > 0 && buf_put(out, nf, nflen) == -1) {
        util_errf(err, errlen, "text too long after decoding");
        goto done;
    }
    rc = 0;
done:
    free(nf);
    buf_free(&filt);
    return rc;
}

int
textnorm_display(const char *src, size_t n, struct buf *out, unsigned *flags, char *err,
                 size_t errlen)
{
    ucs4_t *cps;
    size_t ncp;
    int rc;

    *flags = 0;
    if (textnorm_plain(src, n)) {
        if (textnorm_put_plain(src, n, out) == -1) {
            util_errf(err, errlen, "text too long");
            return -1;
        }
        return 0;
    }
    if (textnorm_decode(src, n, out->max, &cps, &ncp, flags, err, errlen) == -1)
        return -1;
    rc = textnorm_finish(cps, ncp, out, err, errlen);
    free(cps);
    return rc;
}

int
textnorm_visual(const char *src, size_t n, int rtl, struct buf *out, char *err, size_t errlen)
{
    FriBidiParType dir = rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    FriBidiChar *vis = NULL;
    unsigned flags = 0;
    ucs4_t *cps;
    size_t ncp, i;
    int rc = -1;

    if (textnorm_decode(src, n, out->max, &cps, &ncp, &flags, err, errlen) == -1)
        return -1;
    if (ncp > TEXTNORM_BIDI_MAX || (vis = malloc((ncp + 1) * sizeof(*vis))) == NULL) {
        util_errf(err, errlen, "text too long for the bidi algorithm");
        goto done;
    }
    if (ncp > 0 && fribidi_log2vis((const FriBidiChar *)cps, (FriBidiStrIndex)ncp, &dir, vis,
                                   NULL, NULL, NULL) == 0) {
        util_errf(err, errlen, "the bidi algorithm failed");
        goto done;
    }
    for (i = 0; i < ncp; i++)
        cps[i] = (ucs4_t)vis[i];
    rc = textnorm_finish(cps, ncp, out, err, errlen);
done:
    free(vis);
    free(cps);
    return rc;
}

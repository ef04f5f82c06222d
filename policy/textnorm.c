/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * textnorm.c - the normal form of textnorm.h. libunistring does the Unicode work (NFKC tables,
 * the default-ignorable property): tables that size are not to be written by hand, and Debian
 * keeps the library current with Unicode. Plain ASCII without encoded words, the common case,
 * takes a short path that touches each byte once.
 */
#include "textnorm.h"
#include "rfc2047.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

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

/* Steps 2 and 3: one code point kept, mapped or dropped; appended to out as UTF-8. */
static int
textnorm_filter(ucs4_t uc, struct buf *out)
{
    uint8_t u8[6];
    int len;

    if (uc == '\t' || uc == '\r' || uc == '\n' || uc == 0x2028 || uc == 0x2029)
        uc = ' ';
    else if (uc < 0x20 || (uc >= 0x7f && uc < 0xa0))
        return 0;
    else if (uc_is_property_default_ignorable_code_point(uc))
        return 0;
    if ((len = u8_uctomb(u8, uc, (int)sizeof(u8))) < 0)
        return 0;
    return buf_put(out, u8, (size_t)len);
}

int
textnorm_display(const char *src, size_t n, struct buf *out, unsigned *flags, char *err,
                 size_t errlen)
{
    struct buf dec, filt;
    uint8_t *nf = NULL;
    size_t nflen = 0, i;
    int rc = -1;

    *flags = 0;
    if (textnorm_plain(src, n)) {
        if (textnorm_put_plain(src, n, out) == -1) {
            util_errf(err, errlen, "text too long");
            return -1;
        }
        return 0;
    }
    /* Intermediate forms get out's whole limit: text past it is "too long" here already,
     * which may refuse a pathological text that NFKC composition would have shrunk back
     * under the limit, and never lets one through unread. */
    buf_init(&dec, out->max);
    buf_init(&filt, out->max);
    if (rfc2047_decode(src, n, &dec, err, errlen) == -1)
        goto done;
    for (i = 0; i < dec.len;) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, (const uint8_t *)dec.s + i, dec.len - i); /* invalid: U+FFFD */
        i += (size_t)(k > 0 ? k : 1);
        if (uc == 0x202e)
            *flags |= TEXTNORM_F_RTL;
        if (textnorm_filter(uc, &filt) == -1) {
            util_errf(err, errlen, "text too long after decoding");
            goto done;
        }
    }
    if (filt.len > 0 &&
        (nf = u8_normalize(UNINORM_NFKC, (const uint8_t *)filt.s, filt.len, NULL, &nflen)) ==
            NULL) {
        util_errf(err, errlen, "out of memory normalizing text");
        goto done;
    }
    for (i = 0; i < nflen;) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, nf + i, nflen - i);
        i += (size_t)(k > 0 ? k : 1);
        if (uc == 0x3002 || uc == 0xff61 || uc == 0xfe12)
            uc = '.';
        if (textnorm_filter(uc, out) == -1) {
            util_errf(err, errlen, "text too long after decoding");
            goto done;
        }
    }
    rc = 0;
done:
    free(nf);
    buf_free(&dec);
    buf_free(&filt);
    return rc;
}

int
textnorm_reverse(const char *s, size_t n, struct buf *out)
{
    size_t end = n;

    while (end > 0) {
        size_t start = end - 1;
        /* back over UTF-8 continuation bytes to the lead byte (at most 3 of them) */
        while (start > 0 && end - start < 4 && ((unsigned char)s[start] & 0xc0) == 0x80)
            start--;
        if (buf_put(out, s + start, end - start) == -1)
            return -1;
        end = start;
    }
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * attach_name.c - an attachment's file name as Windows would save it, and its extensions: what
 * the rules test with `ext`. Invisible and reordering characters are flagged and dropped, so
 * "invoice<U+202E>fdp.exe" shows the extension a user's machine acts on: exe.
 */
#include "attach.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

static int
attach_name_is_bidi(ucs4_t uc)
{
    return uc == 0x200e || uc == 0x200f || uc == 0x061c || (uc >= 0x202a && uc <= 0x202e) ||
           (uc >= 0x2066 && uc <= 0x2069);
}

/* The code points of utf8 that Windows would keep, re-encoded as UTF-8 into dst, which has room
 * for 3 bytes per input byte (a stray byte becomes U+FFFD, 3 bytes; nothing else grows). */
static size_t
attach_name_filter(const char *utf8, size_t n, uint8_t *dst, unsigned *flags)
{
    size_t i = 0, o = 0;

    while (i < n) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, (const uint8_t *)utf8 + i, n - i);

        if (k <= 0)
            k = 1;
        if (uc == 0xfffd && !(k == 3 && memcmp(utf8 + i, "\xef\xbf\xbd", 3) == 0))
            *flags |= NAME_BAD_UTF8;
        i += (size_t)k;
        if (uc == '/' || uc == '\\') {
            *flags |= NAME_PATH;
            o = 0;
        } else if (uc < 0x20 || (uc >= 0x7f && uc < 0xa0)) {
            *flags |= NAME_CONTROL;
        } else if (attach_name_is_bidi(uc)) {
            *flags |= NAME_BIDI;
        } else if (uc_is_property_default_ignorable_code_point(uc)) {
            *flags |= NAME_INVISIBLE;
        } else {
            int w = u8_uctomb(dst + o, uc, 4);
            if (w > 0)
                o += (size_t)w;
        }
    }
    return o;
}

static int
attach_name_ext_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

/* Collects the extensions of out->folded as attach_name_norm describes. */
static void
attach_name_exts(struct attach_name *out)
{
    const char *f = out->folded;
    size_t len = strlen(f), end, used = 0;
    const char *dot = strrchr(f, '.');

    for (size_t i = 1; i < len; i++)
        if (f[i] == '.' && f[i - 1] == ' ')
            out->flags |= NAME_EXT_PADDED;
    if (dot == NULL || dot[1] == '\0')
        return;
    /* The last extension always counts. */
    memcpy(out->extbuf, dot + 1, len - (size_t)(dot + 1 - f) + 1);
    out->ext[out->next++] = out->extbuf;
    used = len - (size_t)(dot + 1 - f) + 1;
    end = (size_t)(dot - f);
    while (end > 0) {
        size_t q = end, plen;

        while (q > 0 && f[q - 1] != '.')
            q--;
        if (q == 0)
            break; /* the text before the first dot is the stem */
        plen = end - q;
        while (plen > 0 && f[q + plen - 1] == ' ')
            plen--;
        if (plen == 0 || plen > ATTACH_NAME_EXT_LEN_MAX)
            break;
        for (size_t j = 0; j < plen; j++)
            if (!attach_name_ext_char((unsigned char)f[q + j]))
                plen = 0;
        if (plen == 0)
            break;
        if (out->next == ATTACH_NAME_EXTS_MAX) {
            out->flags |= NAME_MANY_EXT;
            break;
        }
        memcpy(out->extbuf + used, f + q, plen);
        out->extbuf[used + plen] = '\0';
        out->ext[out->next++] = out->extbuf + used;
        used += plen + 1;
        end = q - 1;
    }
    if (out->next >= 2)
        out->flags |= NAME_DOUBLE_EXT;
}

int
attach_name_norm(const char *utf8, struct attach_name *out, char *err, size_t errlen)
{
    size_t n = strlen(utf8), flen, nlen, clen;
    uint8_t *filt, *nfc = NULL, *cf = NULL;

    memset(out, 0, sizeof(*out));
    if (n > ATTACH_NAME_MAX) {
        out->flags = NAME_TOO_LONG;
        return 0;
    }
    if ((filt = malloc(n * 3 + 4)) == NULL) {
        util_errf(err, errlen, "file name: out of memory");
        return -1;
    }
    flen = attach_name_filter(utf8, n, filt, &out->flags);
    if (flen > 0 && (nfc = u8_normalize(UNINORM_NFC, filt, flen, NULL, &nlen)) == NULL) {
        free(filt);
        util_errf(err, errlen, "file name: cannot normalise (out of memory)");
        return -1;
    }
    free(filt);
    if (flen == 0)
        nlen = 0;
    /* What Windows drops when it saves a file. */
    if (nlen > 0 && (nfc[nlen - 1] == '.' || nfc[nlen - 1] == ' ')) {
        out->flags |= NAME_TRAILING;
        while (nlen > 0 && (nfc[nlen - 1] == '.' || nfc[nlen - 1] == ' '))
            nlen--;
    }
    if (nlen > ATTACH_NAME_MAX) {
        free(nfc);
        memset(out, 0, sizeof(*out));
        out->flags = NAME_TOO_LONG;
        return 0;
    }
    if (nlen > 0 && (cf = u8_casefold(nfc, nlen, NULL, UNINORM_NFC, NULL, &clen)) == NULL) {
        free(nfc);
        util_errf(err, errlen, "file name: cannot case-fold (out of memory)");
        return -1;
    }
    if (nlen == 0)
        clen = 0;
    if (clen > ATTACH_NAME_MAX) {
        free(nfc);
        free(cf);
        memset(out, 0, sizeof(*out));
        out->flags = NAME_TOO_LONG;
        return 0;
    }
    if (nlen > 0)
        memcpy(out->name, nfc, nlen);
    out->name[nlen] = '\0';
    if (clen > 0)
        memcpy(out->folded, cf, clen);
    out->folded[clen] = '\0';
    free(nfc);
    free(cf);
    /* A NUL from the input would cut the name short: it is a control and was dropped, so
     * strlen(name) == nlen. */
    if (nlen == 0)
        out->flags |= NAME_EMPTY;
    attach_name_exts(out);
    return 0;
}

int
attach_name_has_ext(const struct attach_name *n, const char *ext)
{
    for (size_t i = 0; i < n->next; i++)
        if (strcmp(n->ext[i], ext) == 0)
            return 1;
    return 0;
}

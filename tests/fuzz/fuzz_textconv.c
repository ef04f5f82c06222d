/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_textconv.c - libFuzzer target for the text keywords are matched in. Input: a flags byte
 * (HTML or not), a charset byte (one of a table of labels, or a label read from the input up to
 * '\n'), a chunking seed, then the part's bytes. Invariants: the output is valid UTF-8 in its
 * normal form (no control or zero-width character, no space at either end or twice in a row),
 * and the same whether the bytes come at once, in random pieces, or one by one.
 */
#include "textconv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs up to this size are also fed byte by byte (slow, so not the longest ones). */
#define FZ_BYTEWISE_MAX 4096

static const char *const fz_charsets[] = {
    "utf-8",
    "us-ascii",
    "",
    "iso-8859-1",
    "windows-1252",
    "koi8-r",
    "shift_jis",
    "utf-16",
    "utf-16le",
    "utf-16be",
    "utf-7",
    "iso-2022-jp",
    "gb18030",
    "big5",
    "euc-kr",
    "ks_c_5601-1987",
    "x-unknown-label",
    "unknown-8bit",
    "utf-32",
    "iso-8859-8-i",
    "latin1//TRANSLIT",
    "cp1251",
};

struct fz_out {
    char *s;
    size_t len, cap;
};

static int
fz_sink(void *arg, const char *p, size_t n)
{
    struct fz_out *o = arg;

    if (n == 0 || u8_check((const uint8_t *)p, n) != NULL) /* never empty, never a cut char */
        abort();
    if (o->len + n > o->cap) {
        o->cap = (o->len + n) * 2;
        if ((o->s = realloc(o->s, o->cap)) == NULL)
            abort();
    }
    memcpy(o->s + o->len, p, n);
    o->len += n;
    return 0;
}

static void
fz_check(const struct fz_out *o)
{
    size_t i;
    ucs4_t prev = ' ';

    if (o->len > 0 && u8_check((const uint8_t *)o->s, o->len) != NULL)
        abort();
    for (i = 0; i < o->len;) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, (const uint8_t *)o->s + i, o->len - i);

        i += (size_t)k;
        if (uc < 0x20 || (uc >= 0x7f && uc < 0xa0) || uc == 0xad || uc == 0x200b || uc == 0x200c ||
            uc == 0x200d || uc == 0x2060 || uc == 0xfeff || (uc == ' ' && prev == ' '))
            abort();
        prev = uc;
    }
    if (prev == ' ' && o->len > 0)
        abort();
}

/* Converts data in pieces: step 0 is all at once, 1 byte by byte, else random sizes. */
static void
fz_run(const char *cs, int html, const uint8_t *data, size_t size, unsigned step, unsigned seed,
       struct fz_out *o, unsigned *flags)
{
    struct textconv *tc = textconv_new(cs, html);
    size_t i = 0, k;

    if (tc == NULL)
        abort();
    while (i < size) {
        if (step == 0)
            k = size;
        else if (step == 1)
            k = 1;
        else {
            seed = seed * 1103515245u + 12345u;
            k = 1 + (seed >> 16) % 97;
        }
        if (k > size - i)
            k = size - i;
        if (textconv_feed(tc, (const char *)data + i, k, fz_sink, o) != 0)
            abort();
        i += k;
    }
    if (textconv_end(tc, fz_sink, o) != 0)
        abort();
    *flags = textconv_flags(tc);
    textconv_free(tc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz_out a = {0}, b = {0}, c = {0};
    char label[TEXTCONV_CHARSET_MAX + 8];
    const char *cs;
    unsigned fa, fb, fc, seed;
    int html;
    size_t n = sizeof(fz_charsets) / sizeof(fz_charsets[0]);

    if (size < 3)
        return 0;
    html = data[0] & 1;
    seed = data[2];
    if (data[1] < n) {
        cs = fz_charsets[data[1]];
        data += 3;
        size -= 3;
    } else {
        const uint8_t *nl =
            memchr(data + 3, '\n', size - 3 < sizeof(label) ? size - 3 : sizeof(label));
        size_t len;

        if (nl == NULL)
            return 0;
        len = (size_t)(nl - (data + 3));
        memcpy(label, data + 3, len);
        label[len] = '\0';
        cs = label;
        size -= 3 + len + 1;
        data = nl + 1;
    }
    fz_run(cs, html, data, size, 0, seed, &a, &fa);
    fz_run(cs, html, data, size, 2, seed, &b, &fb);
    fz_check(&a);
    if (a.len != b.len || (a.len > 0 && memcmp(a.s, b.s, a.len) != 0) || fa != fb)
        abort();
    if (size <= FZ_BYTEWISE_MAX) {
        fz_run(cs, html, data, size, 1, seed, &c, &fc);
        if (a.len != c.len || (a.len > 0 && memcmp(a.s, c.s, a.len) != 0) || fa != fc)
            abort();
    }
    free(a.s);
    free(b.s);
    free(c.s);
    return 0;
}

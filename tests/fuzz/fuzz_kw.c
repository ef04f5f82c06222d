/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_kw.c - libFuzzer target for keyword matching. Input: keywords one per line ('!' first
 * makes one whole-word), a blank line, a chunking seed byte, then the text (bytes that are not
 * UTF-8 become '?', as kw_scan_feed asks for UTF-8). Invariants: a refused set says why (empty,
 * not UTF-8, too long: nothing else, as every keyword is escaped); the matches of the text fed at
 * once equal those fed in random pieces and byte by byte (same patterns, same offsets); and an
 * ASCII keyword found in the text by an ASCII case-insensitive search (bounded by non-word
 * characters, for a whole-word one) is reported.
 */
#include "kw.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unictype.h>
#include <unistr.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keywords per input: compiling is the slow part, and a few already overlap in every way. */
#define FZ_KEYWORDS_MAX 16
/* Text fed byte by byte only up to this size (slow). */
#define FZ_BYTEWISE_MAX 4096

struct fz_hits {
    unsigned long long off[FZ_KEYWORDS_MAX];
    unsigned seen[FZ_KEYWORDS_MAX];
};

static int
fz_hit(void *arg, const struct kw_pattern *p, unsigned long long offset)
{
    struct fz_hits *h = arg;

    if (p->id >= FZ_KEYWORDS_MAX || h->seen[p->id]++ != 0) /* once per stream */
        abort();
    h->off[p->id] = offset;
    return 0;
}

/* Aborts, saying how, unless both scans found the same. */
static void
fz_same(const struct fz_hits *a, const struct fz_hits *b, size_t n, const char *how)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (a->seen[i] != b->seen[i] || (a->seen[i] && a->off[i] != b->off[i])) {
            fprintf(stderr, "keyword %zu: at once %u at %llu, %s %u at %llu\n", i, a->seen[i],
                    a->off[i], how, b->seen[i], b->off[i]);
            abort();
        }
}

static void
fz_scan(struct kw_scan *sc, const char *t, size_t n, unsigned step, unsigned seed,
        struct fz_hits *h)
{
    size_t i = 0, k;

    memset(h, 0, sizeof(*h));
    if (kw_scan_begin(sc) != 0)
        abort();
    while (i < n) {
        if (step == 0)
            k = n;
        else if (step == 1)
            k = 1;
        else {
            seed = seed * 1103515245u + 12345u;
            k = 1 + (seed >> 16) % 61;
        }
        if (k > n - i)
            k = n - i;
        if (kw_scan_feed(sc, t + i, k, fz_hit, h) != 0)
            abort();
        i += k;
    }
    if (kw_scan_end(sc, fz_hit, h) != 0)
        abort();
}

static int
fz_word_char(ucs4_t uc)
{
    return uc_is_general_category(uc, UC_CATEGORY_L) || uc_is_general_category(uc, UC_CATEGORY_N) ||
           uc_is_general_category(uc, UC_CATEGORY_M);
}

/* Is the occurrence t[i..i+m) bounded as a whole word (where its own ends are word characters)? */
static int
fz_bounded(const char *kw, size_t m, const char *t, size_t n, size_t i)
{
    const uint8_t *u = (const uint8_t *)t;
    ucs4_t uc;

    if (fz_word_char((unsigned char)kw[0]) && i > 0 && u8_prev(&uc, u + i, u) != NULL &&
        fz_word_char(uc))
        return 0;
    if (fz_word_char((unsigned char)kw[m - 1]) && i + m < n &&
        u8_mbtouc(&uc, u + i + m, n - i - m) > 0 && fz_word_char(uc))
        return 0;
    return 1;
}

/* ASCII case-insensitive search for an all-ASCII keyword without white space or controls (the
 * normal form would change those); word: only occurrences bounded as whole words count. */
static int
fz_plain_found(const char *kw, int word, const char *t, size_t n)
{
    size_t m = strlen(kw), i;

    if (m == 0)
        return -1;
    for (i = 0; i < m; i++)
        if ((unsigned char)kw[i] <= 0x20 || (unsigned char)kw[i] >= 0x7f)
            return -1;
    for (i = 0; i + m <= n; i++)
        if (strncasecmp(t + i, kw, m) == 0 && (!word || fz_bounded(kw, m, t, n, i)))
            return 1;
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kw_pattern p[FZ_KEYWORDS_MAX];
    char *kws[FZ_KEYWORDS_MAX], *text, err[256];
    struct kw_set *set;
    struct kw_scan *sc;
    struct fz_hits a, b, c;
    size_t i, n = 0, kwlen = 0, tn, o;
    unsigned seed;

    while (kwlen + 1 < size && !(data[kwlen] == '\n' && data[kwlen + 1] == '\n'))
        kwlen++;
    if (kwlen + 3 > size)
        return 0;
    for (i = 0; i < kwlen && n < FZ_KEYWORDS_MAX;) {
        const uint8_t *nl = memchr(data + i, '\n', kwlen - i);
        size_t len = (nl != NULL ? (size_t)(nl - data) : kwlen) - i;

        p[n].flags = 0;
        if (len > 0 && data[i] == '!') {
            p[n].flags = KW_WORD;
            i++;
            len--;
        }
        if ((kws[n] = malloc(len + 1)) == NULL)
            abort();
        memcpy(kws[n], data + i, len);
        kws[n][len] = '\0'; /* a NUL inside ends the keyword early: fine */
        p[n].text = kws[n];
        p[n].id = (unsigned)n;
        n++;
        i += len + 1;
    }
    seed = data[kwlen + 2];
    tn = size - (kwlen + 3);
    if ((text = malloc(tn + 1)) == NULL)
        abort();
    for (o = 0, i = kwlen + 3; i < size;) { /* bytes that are not UTF-8 become '?' */
        ucs4_t uc;
        int k = u8_mbtoucr(&uc, data + i, size - i);

        if (k < 0) {
            text[o++] = '?';
            i++;
        } else {
            memcpy(text + o, data + i, (size_t)k);
            o += (size_t)k;
            i += (size_t)k;
        }
    }
    tn = o;
    set = kw_compile(p, n, err, sizeof(err));
    if (set == NULL) {
        if (strncmp(err, "keyword ", 8) != 0 ||
            (strstr(err, "empty") == NULL && strstr(err, "not valid UTF-8") == NULL &&
             strstr(err, "too long") == NULL))
            abort();
    } else {
        if ((sc = kw_scan_new(set)) == NULL)
            abort();
        fz_scan(sc, text, tn, 0, seed, &a);
        fz_scan(sc, text, tn, 2, seed, &b);
        fz_same(&a, &b, n, "in pieces");
        if (tn <= FZ_BYTEWISE_MAX) {
            fz_scan(sc, text, tn, 1, seed, &c);
            fz_same(&a, &c, n, "byte by byte");
        }
        for (i = 0; i < n; i++)
            if (fz_plain_found(p[i].text, p[i].flags & KW_WORD, text, tn) == 1 && !a.seen[i])
                abort();
        kw_scan_free(sc);
        kw_set_free(set);
    }
    for (i = 0; i < n; i++)
        free(kws[i]);
    free(text);
    return 0;
}

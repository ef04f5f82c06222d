/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kw.c - keywords compiled into one Hyperscan streaming database (Debian 12's vectorscan, the
 * same API, misses keywords on AVX-512 machines, so relaywarden builds with libhyperscan-dev): each keyword escaped into a
 * literal expression, each letter a class of its cases, in UTF-8 mode; one-byte keywords are
 * found by a byte table here (vectorscan 5.4.9 misses some, see kw_set). Each keyword is
 * reported once per stream (a bit per pattern). For whole-word keywords the neighbours of each
 * match are checked here, the one after it possibly in the next chunk. (Boundary classes in the
 * expressions cost ~40 ms of compile per keyword; start-of-match tracking refuses long ones.)
 */
#include "kw.h"
#include "buf.h"
#include "textconv.h"
#include "util.h"

#include <hs.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <unistr.h>

/* An expression: an ASCII byte of the keyword becomes 4 bytes ("[aA]", "\x2b"), a character
 * of len bytes at most 2 + 4 * len (a class of its cases): at most 5 bytes per byte. */
#define KW_EXPR_MAX (5 * KW_KEYWORD_MAX + 1)

/* Stream bytes kept from earlier chunks, to find the character before a whole word's start: a
 * match is as long as its keyword (each case in a letter's class is as long in UTF-8), plus
 * that character's 4 bytes. */
#define KW_HISTORY (KW_KEYWORD_MAX + 4)

/* kw_set.need: which ends of a whole-word keyword must have a non-word neighbour */
#define KW_NEED_BEFORE 0x1
#define KW_NEED_AFTER 0x2

#define KW_STR2(x) #x
#define KW_STR(x) KW_STR2(x)

struct kw_set {
    hs_database_t *db; /* NULL when there are no patterns */
    struct kw_pattern *p;
    char **texts;
    unsigned char *need; /* KW_NEED_* per pattern; 0 for plain ones */
    unsigned short *ncp; /* characters per pattern (in its normal form) */
    /* One-byte keywords, matched here: vectorscan 5.4.9 misses a one-byte literal with
     * HS_FLAG_SINGLEMATCH 64 bytes into the data, or next to a longer literal holding the
     * same byte (found by fuzz_kw). one_ids[one_at[c] .. one_at[c + 1]) match byte c. */
    size_t one_at[257];
    unsigned *one_ids;
    size_t n;
};

struct kw_scan {
    const struct kw_set *set;
    hs_scratch_t *scratch;
    hs_stream_t *stream;
    int dirty;   /* bytes fed since the stream was last reset */
    int stopped; /* the callback asked to stop this stream */
    kw_hit_fn fn;
    void *arg;
    unsigned char *reported; /* per pattern: reported in this stream */
    /* the stream: bytes before the chunk being scanned, the last of them in hist[] */
    unsigned long long base;
    unsigned char hist[KW_HISTORY];
    size_t nhist;
    const unsigned char *cur; /* the chunk being scanned */
    size_t ncur;
    /* whole words that end where the stream's known bytes end: the next character decides */
    unsigned *pending;
    size_t npending;
    unsigned long long pend_to;
};

struct kw_norm {
    struct buf b;
    int over; /* the keyword passed KW_KEYWORD_MAX */
};

static int
kw_norm_sink(void *arg, const char *utf8, size_t len)
{
    struct kw_norm *nm = arg;

    if (buf_put(&nm->b, utf8, len) == -1) {
        nm->over = buf_over(&nm->b, len);
        return -1;
    }
    return 0;
}

static int
kw_is_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
kw_word_char(ucs4_t uc)
{
    return uc_is_general_category(uc, UC_CATEGORY_L) || uc_is_general_category(uc, UC_CATEGORY_N) ||
           uc_is_general_category(uc, UC_CATEGORY_M);
}

/* The keyword's normal form into norm, the same textconv gives the text. 0, or -1 with err. */
static int
kw_normalize(const char *text, size_t i, struct kw_norm *norm, char *err, size_t errlen)
{
    struct textconv *tc = textconv_new("utf-8", 0);
    char esc[128];
    int rc = -1;

    if (tc == NULL) {
        util_errf(err, errlen, "out of memory");
        return -1;
    }
    util_escape(esc, sizeof(esc), text, 60);
    norm->over = 0;
    buf_reset(&norm->b);
    if (textconv_feed(tc, text, strlen(text), kw_norm_sink, norm) == -1 ||
        textconv_end(tc, kw_norm_sink, norm) == -1)
        util_errf(err, errlen, "keyword %zu \"%s\": %s", i + 1, esc,
                  norm->over ? "too long (over " KW_STR(KW_KEYWORD_MAX) " bytes)"
                             : "out of memory");
    else if (textconv_flags(tc) & TEXTCONV_F_INVALID)
        util_errf(err, errlen, "keyword %zu \"%s\": not valid UTF-8", i + 1, esc);
    else if (norm->b.len == 0)
        util_errf(err, errlen, "keyword %zu \"%s\": empty", i + 1, esc);
    else
        rc = 0;
    textconv_free(tc);
    return rc;
}

/* The expression that matches the normal form s[0..n) literally, in any case: an ASCII letter
 * as a class of its two cases ("[aA]"), other ASCII as \xHH (never a regex operator), another
 * letter as a class of its simple case mappings that are as long in UTF-8 as it is. Not
 * HS_FLAG_CASELESS nor (?i): with either, vectorscan 5.4.9 (AVX-512) misses short keywords
 * whose folds differ in length ("as", "kiss" for U+017F and U+212A, "a" U+00DF for U+1E9E) at
 * most buffer alignments. textconv writes U+017F, U+212A, U+212B as s, k, U+00C5. */
static void
kw_expression(const char *s, size_t n, char *expr)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *u = (const uint8_t *)s;
    size_t i = 0, o = 0;

    while (i < n) {
        ucs4_t uc, v[4];
        int len = u8_mbtouc(&uc, u + i, n - i), k, j, nv = 0;

        if (uc >= 0x80) {
            ucs4_t cand[4] = {uc, uc_tolower(uc), uc_toupper(uc), uc_totitle(uc)};

            for (k = 0; k < 4; k++) {
                uint8_t b[6];
                int same = 0;

                for (j = 0; j < nv; j++)
                    same |= v[j] == cand[k];
                if (!same && u8_uctomb(b, cand[k], sizeof(b)) == len)
                    v[nv++] = cand[k];
            }
            if (nv > 1)
                expr[o++] = '[';
            for (k = 0; k < nv; k++)
                o += (size_t)u8_uctomb((uint8_t *)expr + o, v[k], 6);
            if (nv > 1)
                expr[o++] = ']';
        } else if (kw_is_letter((unsigned char)uc)) {
            expr[o++] = '[';
            expr[o++] = (char)(uc | 0x20);
            expr[o++] = (char)(uc & ~0x20u);
            expr[o++] = ']';
        } else {
            expr[o++] = '\\';
            expr[o++] = 'x';
            expr[o++] = hex[uc >> 4];
            expr[o++] = hex[uc & 0xf];
        }
        i += (size_t)len;
    }
    expr[o] = '\0';
}

/* Which ends of a whole-word keyword need a non-word neighbour: those that are word characters. */
static unsigned char
kw_need(const char *s, size_t n)
{
    const uint8_t *u = (const uint8_t *)s;
    ucs4_t first, last;
    unsigned char need = 0;

    u8_mbtouc(&first, u, n);
    if (u8_prev(&last, u + n, u) == NULL)
        last = first;
    if (kw_word_char(first))
        need |= KW_NEED_BEFORE;
    if (kw_word_char(last))
        need |= KW_NEED_AFTER;
    return need;
}

struct kw_set *
kw_compile(const struct kw_pattern *p, size_t n, char *err, size_t errlen)
{
    struct kw_set *set = calloc(1, sizeof(*set));
    char **exprs = NULL;
    unsigned *flags = NULL, *ids = NULL;
    hs_compile_error_t *cerr = NULL;
    struct kw_norm norm;
    size_t i, m = 0, none = 0;
    unsigned char *one = NULL; /* the byte of a one-byte keyword, else 0 */

    buf_init(&norm.b, KW_KEYWORD_MAX);
    if (set == NULL ||
        (n > 0 &&
         ((set->p = calloc(n, sizeof(*set->p))) == NULL ||
          (set->texts = calloc(n, sizeof(*set->texts))) == NULL ||
          (set->need = calloc(n, 1)) == NULL || (set->ncp = calloc(n, sizeof(*set->ncp))) == NULL ||
          (exprs = calloc(n, sizeof(*exprs))) == NULL ||
          (flags = calloc(n, sizeof(*flags))) == NULL || (ids = calloc(n, sizeof(*ids))) == NULL ||
          (one = calloc(n, 1)) == NULL ||
          (set->one_ids = calloc(2 * n, sizeof(*set->one_ids))) == NULL)))
        goto nomem;
    set->n = n;
    for (i = 0; i < n; i++) {
        set->p[i] = p[i];
        if ((set->texts[i] = strdup(p[i].text)) == NULL)
            goto nomem;
        set->p[i].text = set->texts[i];
        if (kw_normalize(p[i].text, i, &norm, err, errlen) == -1)
            goto fail;
        if (p[i].flags & KW_WORD)
            set->need[i] = kw_need(norm.b.s, norm.b.len);
        set->ncp[i] = (unsigned short)u8_mbsnlen((const uint8_t *)norm.b.s, norm.b.len);
        if (norm.b.len == 1) { /* printable ASCII: the normal form has no space or control */
            one[i] = (unsigned char)norm.b.s[0];
            none++;
            continue;
        }
        if ((exprs[m] = malloc(KW_EXPR_MAX)) == NULL)
            goto nomem;
        kw_expression(norm.b.s, norm.b.len, exprs[m]);
        flags[m] = HS_FLAG_UTF8;
        ids[m++] = (unsigned)i;
    }
    if (none > 0) { /* one_at[]: where each byte's keywords start; letters in both cases */
        for (i = 0; i < n; i++)
            if (one[i] != 0) {
                set->one_at[one[i] + 1]++;
                if (kw_is_letter(one[i]))
                    set->one_at[(one[i] ^ 0x20) + 1]++;
            }
        for (i = 1; i <= 256; i++)
            set->one_at[i] += set->one_at[i - 1];
        {
            size_t fill[256];

            memcpy(fill, set->one_at, sizeof(fill));
            for (i = 0; i < n; i++)
                if (one[i] != 0) {
                    set->one_ids[fill[one[i]]++] = (unsigned)i;
                    if (kw_is_letter(one[i]))
                        set->one_ids[fill[one[i] ^ 0x20]++] = (unsigned)i;
                }
        }
    }
    if (m > 0 && hs_compile_multi((const char *const *)exprs, flags, ids, (unsigned)m,
                                  HS_MODE_STREAM, NULL, &set->db, &cerr) != HS_SUCCESS) {
        char esc[128];

        if (cerr != NULL && cerr->expression >= 0 && (size_t)cerr->expression < m) {
            util_escape(esc, sizeof(esc), p[ids[cerr->expression]].text, 60);
            util_errf(err, errlen, "keyword %u \"%s\": %s", ids[cerr->expression] + 1, esc,
                      cerr->message);
        } else {
            util_errf(err, errlen, "keywords: %s",
                      cerr != NULL ? cerr->message : "vectorscan failed");
        }
        hs_free_compile_error(cerr);
        goto fail;
    }
    goto done;
nomem:
    util_errf(err, errlen, "keywords: out of memory");
fail:
    kw_set_free(set);
    set = NULL;
done:
    if (exprs != NULL)
        for (i = 0; i < m; i++)
            free(exprs[i]);
    free(exprs);
    free(one);
    free(flags);
    free(ids);
    buf_free(&norm.b);
    return set;
}

void
kw_set_free(struct kw_set *set)
{
    size_t i;

    if (set == NULL)
        return;
    hs_free_database(set->db);
    if (set->texts != NULL)
        for (i = 0; i < set->n; i++)
            free(set->texts[i]);
    free(set->texts);
    free(set->need);
    free(set->ncp);
    free(set->one_ids);
    free(set->p);
    free(set);
}

size_t
kw_set_count(const struct kw_set *set)
{
    return set->n;
}

struct kw_scan *
kw_scan_new(const struct kw_set *set)
{
    struct kw_scan *sc = calloc(1, sizeof(*sc));

    if (sc == NULL)
        return NULL;
    sc->set = set;
    if ((set->n > 0 && ((sc->reported = calloc(set->n, 1)) == NULL ||
                        (sc->pending = calloc(set->n, sizeof(*sc->pending))) == NULL)) ||
        (set->db != NULL && (hs_alloc_scratch(set->db, &sc->scratch) != HS_SUCCESS ||
                             hs_open_stream(set->db, 0, &sc->stream) != HS_SUCCESS))) {
        kw_scan_free(sc);
        return NULL;
    }
    return sc;
}

/* The stream's byte at offset off, or -1 when it is not known (not yet fed, or too far back). */
static int
kw_byte(const struct kw_scan *sc, unsigned long long off)
{
    if (off >= sc->base)
        return off - sc->base < sc->ncur ? sc->cur[off - sc->base] : -1;
    if (sc->base - off <= sc->nhist)
        return sc->hist[sc->nhist - (size_t)(sc->base - off)];
    return -1;
}

/* Is the character that ends at off (before = 1) or starts at off (before = 0) a word
 * character? 1 / 0, or -1 when its bytes are not all known yet. The stream's start is no word
 * character. */
static int
kw_word_at(const struct kw_scan *sc, unsigned long long off, int before)
{
    uint8_t b[4];
    size_t n = 0, i;
    ucs4_t uc;
    int c;

    if (before) {
        if (off == 0)
            return 0;
        for (n = 1; n <= 4 && n <= off; n++) { /* back to the lead byte */
            if ((c = kw_byte(sc, off - n)) < 0)
                return 0; /* past the history: cannot be, see KW_HISTORY */
            b[4 - n] = (uint8_t)c;
            if ((c & 0xc0) != 0x80)
                break;
        }
        if (n > 4 || n > off)
            return 0; /* not UTF-8: no letter */
        if (u8_mbtouc(&uc, b + 4 - n, n) != (int)n)
            return 0;
        return kw_word_char(uc);
    }
    if ((c = kw_byte(sc, off)) < 0)
        return -1;
    b[0] = (uint8_t)c;
    n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    for (i = 1; i < n; i++) {
        if ((c = kw_byte(sc, off + i)) < 0)
            return -1;
        b[i] = (uint8_t)c;
    }
    if (u8_mbtouc(&uc, b, n) != (int)n)
        return 0;
    return kw_word_char(uc);
}

/* Where the match of ncp characters that ends at to starts: ncp lead bytes back. */
static unsigned long long
kw_start(const struct kw_scan *sc, unsigned long long to, unsigned ncp)
{
    int c;

    while (ncp > 0 && to > 0) {
        to--;
        if ((c = kw_byte(sc, to)) < 0)
            return to; /* past the history: cannot be, see KW_HISTORY */
        if ((c & 0xc0) != 0x80)
            ncp--;
    }
    return to;
}

/* Reports pattern id (once per stream); 1 when the caller asked to stop. */
static int
kw_report(struct kw_scan *sc, unsigned id, unsigned long long to)
{
    if (sc->reported[id])
        return 0;
    sc->reported[id] = 1;
    if (sc->fn(sc->arg, &sc->set->p[id], to) != 0) {
        sc->stopped = 1;
        sc->npending = 0;
        return 1;
    }
    return 0;
}

/* Decides the whole words waiting for the character after them; at_end: the stream ended.
 * 1 when the caller asked to stop. */
static int
kw_resolve(struct kw_scan *sc, int at_end)
{
    size_t i;
    int w = at_end ? 0 : kw_word_at(sc, sc->pend_to, 0);

    if (w == -1 || sc->npending == 0)
        return 0;
    for (i = 0; i < sc->npending; i++)
        if (w == 0 && kw_report(sc, sc->pending[i], sc->pend_to))
            return 1;
    sc->npending = 0;
    return 0;
}

static int
kw_on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
            void *ctx)
{
    struct kw_scan *sc = ctx;
    unsigned char need = sc->set->need[id];
    int w;

    (void)from; /* 0: start-of-match is not tracked */
    (void)flags;
    if (sc->reported[id])
        return 0;
    if ((need & KW_NEED_BEFORE) && kw_word_at(sc, kw_start(sc, to, sc->set->ncp[id]), 1))
        return 0;
    if (need & KW_NEED_AFTER) {
        if ((w = kw_word_at(sc, to, 0)) == 1)
            return 0;
        if (w == -1) { /* the next chunk decides; all that wait end at the same place */
            size_t i;

            for (i = 0; i < sc->npending && sc->pending[i] != id; i++)
                ;
            if (i == sc->npending) /* at most once each: npending <= n */
                sc->pending[sc->npending++] = id;
            sc->pend_to = to;
            return 0;
        }
    }
    return kw_report(sc, id, to);
}

/* The one-byte keywords in the chunk being scanned. 1 when the caller asked to stop. */
static int
kw_one_bytes(struct kw_scan *sc)
{
    const struct kw_set *set = sc->set;
    size_t i, j;

    for (i = 0; i < sc->ncur; i++)
        for (j = set->one_at[sc->cur[i]]; j < set->one_at[sc->cur[i] + 1]; j++)
            if (kw_on_match(set->one_ids[j], 0, sc->base + i + 1, 0, sc) != 0)
                return 1;
    return 0;
}

int
kw_scan_begin(struct kw_scan *sc)
{
    sc->stopped = 0;
    sc->base = 0;
    sc->nhist = 0;
    sc->npending = 0;
    if (sc->set->n > 0)
        memset(sc->reported, 0, sc->set->n);
    if (sc->stream == NULL || !sc->dirty)
        return 0;
    sc->dirty = 0;
    return hs_reset_stream(sc->stream, 0, NULL, NULL, NULL) == HS_SUCCESS ? 0 : -1;
}

/* The chunk is scanned: its last bytes join the history. */
static void
kw_keep(struct kw_scan *sc, const unsigned char *p, size_t n)
{
    if (n >= KW_HISTORY) {
        memcpy(sc->hist, p + n - KW_HISTORY, KW_HISTORY);
        sc->nhist = KW_HISTORY;
    } else {
        if (sc->nhist + n > KW_HISTORY) {
            size_t drop = sc->nhist + n - KW_HISTORY;

            memmove(sc->hist, sc->hist + drop, sc->nhist - drop);
            sc->nhist -= drop;
        }
        memcpy(sc->hist + sc->nhist, p, n);
        sc->nhist += n;
    }
    sc->base += n;
    sc->cur = NULL;
    sc->ncur = 0;
}

int
kw_scan_feed(struct kw_scan *sc, const char *utf8, size_t len, kw_hit_fn fn, void *arg)
{
    hs_error_t rc;

    if (sc->set->n == 0 || sc->stopped || len == 0)
        return 0;
    sc->fn = fn;
    sc->arg = arg;
    sc->dirty = 1;
    /* vectorscan takes an unsigned int length: a larger piece goes in parts, the stream joins
     * them. */
    while (len > 0 && !sc->stopped) {
        unsigned int k = len > 0x40000000u ? 0x40000000u : (unsigned int)len;

        sc->cur = (const unsigned char *)utf8;
        sc->ncur = k;
        if (sc->npending > 0 && kw_resolve(sc, 0))
            break;
        if (sc->set->one_at[256] > 0 && kw_one_bytes(sc))
            break;
        if (sc->stream != NULL) {
            rc = hs_scan_stream(sc->stream, utf8, k, 0, sc->scratch, kw_on_match, sc);
            if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
                return -1;
        }
        kw_keep(sc, (const unsigned char *)utf8, k);
        utf8 += k;
        len -= k;
    }
    return 0;
}

int
kw_scan_end(struct kw_scan *sc, kw_hit_fn fn, void *arg)
{
    hs_error_t rc = HS_SUCCESS;

    sc->fn = fn;
    sc->arg = arg;
    if (!sc->stopped && sc->npending > 0)
        kw_resolve(sc, 1);
    if (sc->stream != NULL)
        rc = hs_reset_stream(sc->stream, 0, sc->stopped ? NULL : sc->scratch,
                             sc->stopped ? NULL : kw_on_match, sc);
    if (!sc->stopped && sc->npending > 0) /* matches the end completed */
        kw_resolve(sc, 1);
    sc->dirty = 0;
    sc->stopped = 0;
    sc->base = 0;
    sc->nhist = 0;
    sc->npending = 0;
    return rc == HS_SUCCESS || rc == HS_SCAN_TERMINATED ? 0 : -1;
}

void
kw_scan_free(struct kw_scan *sc)
{
    if (sc == NULL)
        return;
    if (sc->stream != NULL)
        hs_close_stream(sc->stream, NULL, NULL, NULL);
    hs_free_scratch(sc->scratch);
    free(sc->reported);
    free(sc->pending);
    free(sc);
}

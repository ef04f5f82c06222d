/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kw.c - keywords compiled into one vectorscan streaming database: each keyword escaped into a
 * literal expression (with word-boundary classes for whole-word keywords), caseless in UTF-8
 * mode with Unicode properties, reported once per stream (HS_FLAG_SINGLEMATCH).
 */
#include "kw.h"
#include "buf.h"
#include "textconv.h"
#include "util.h"

#include <hs.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

/* What may stand next to a whole word: anything but a letter, digit or combining mark (marks
 * belong to the word they sit on), or the stream's start / end. */
#define KW_NONWORD "[^\\p{L}\\p{N}\\p{M}]"
#define KW_WORD_BEFORE "(?:^|" KW_NONWORD ")"
#define KW_WORD_AFTER "(?:" KW_NONWORD "|$)"
/* An expression: each byte of the keyword escaped to at most 4 bytes, and the boundaries. */
#define KW_EXPR_MAX (4 * KW_KEYWORD_MAX + sizeof(KW_WORD_BEFORE) + sizeof(KW_WORD_AFTER))

#define KW_STR2(x) #x
#define KW_STR(x) KW_STR2(x)

struct kw_set {
    hs_database_t *db; /* NULL when there are no patterns */
    struct kw_pattern *p;
    char **texts;
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
};

static int
kw_buf_sink(void *arg, const char *utf8, size_t len)
{
    return buf_put(arg, utf8, len);
}

static int
kw_word_char(ucs4_t uc)
{
    return uc_is_general_category(uc, UC_CATEGORY_L) || uc_is_general_category(uc, UC_CATEGORY_N) ||
           uc_is_general_category(uc, UC_CATEGORY_M);
}

/* The keyword's normal form into norm, the same textconv gives the text. 0, or -1 with err. */
static int
kw_normalize(const char *text, size_t i, struct buf *norm, char *err, size_t errlen)
{
    struct textconv *tc = textconv_new("utf-8", 0);
    char esc[128];
    int rc = -1;

    if (tc == NULL) {
        util_errf(err, errlen, "out of memory");
        return -1;
    }
    util_escape(esc, sizeof(esc), text, 60);
    if (textconv_feed(tc, text, strlen(text), kw_buf_sink, norm) == -1 ||
        textconv_end(tc, kw_buf_sink, norm) == -1)
        util_errf(err, errlen, "keyword %zu \"%s\": %s", i + 1, esc,
                  buf_over(norm, 4) ? "too long (over " KW_STR(KW_KEYWORD_MAX) " bytes)"
                                    : "out of memory");
    else if (textconv_flags(tc) & TEXTCONV_F_INVALID)
        util_errf(err, errlen, "keyword %zu \"%s\": not valid UTF-8", i + 1, esc);
    else if (norm->len == 0)
        util_errf(err, errlen, "keyword %zu \"%s\": empty", i + 1, esc);
    else
        rc = 0;
    textconv_free(tc);
    return rc;
}

/* The expression that matches the normal form s[0..n) literally. */
static void
kw_expression(const char *s, size_t n, unsigned flags, char *expr)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *u = (const uint8_t *)s;
    ucs4_t first, last;
    size_t i, o = 0;

    u8_mbtouc(&first, u, n);
    if (u8_prev(&last, u + n, u) == NULL)
        last = first;
    if ((flags & KW_WORD) && kw_word_char(first)) {
        memcpy(expr, KW_WORD_BEFORE, sizeof(KW_WORD_BEFORE) - 1);
        o = sizeof(KW_WORD_BEFORE) - 1;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = u[i];

        if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            expr[o++] = (char)c;
        } else { /* everything else as \xHH: never a regex operator */
            expr[o++] = '\\';
            expr[o++] = 'x';
            expr[o++] = hex[c >> 4];
            expr[o++] = hex[c & 0xf];
        }
    }
    if ((flags & KW_WORD) && kw_word_char(last)) {
        memcpy(expr + o, KW_WORD_AFTER, sizeof(KW_WORD_AFTER) - 1);
        o += sizeof(KW_WORD_AFTER) - 1;
    }
    expr[o] = '\0';
}

struct kw_set *
kw_compile(const struct kw_pattern *p, size_t n, char *err, size_t errlen)
{
    struct kw_set *set = calloc(1, sizeof(*set));
    char **exprs = NULL;
    unsigned *flags = NULL, *ids = NULL;
    hs_compile_error_t *cerr = NULL;
    struct buf norm;
    size_t i;

    buf_init(&norm, KW_KEYWORD_MAX);
    if (set == NULL || (n > 0 && ((set->p = calloc(n, sizeof(*set->p))) == NULL ||
                                  (set->texts = calloc(n, sizeof(*set->texts))) == NULL ||
                                  (exprs = calloc(n, sizeof(*exprs))) == NULL ||
                                  (flags = calloc(n, sizeof(*flags))) == NULL ||
                                  (ids = calloc(n, sizeof(*ids))) == NULL)))
        goto nomem;
    set->n = n;
    for (i = 0; i < n; i++) {
        set->p[i] = p[i];
        if ((set->texts[i] = strdup(p[i].text)) == NULL)
            goto nomem;
        set->p[i].text = set->texts[i];
        buf_reset(&norm);
        if (kw_normalize(p[i].text, i, &norm, err, errlen) == -1)
            goto fail;
        if ((exprs[i] = malloc(KW_EXPR_MAX)) == NULL)
            goto nomem;
        kw_expression(norm.s, norm.len, p[i].flags, exprs[i]);
        flags[i] = HS_FLAG_CASELESS | HS_FLAG_UTF8 | HS_FLAG_UCP | HS_FLAG_SINGLEMATCH;
        ids[i] = (unsigned)i;
    }
    if (n > 0 && hs_compile_multi((const char *const *)exprs, flags, ids, (unsigned)n,
                                  HS_MODE_STREAM, NULL, &set->db, &cerr) != HS_SUCCESS) {
        char esc[128];

        if (cerr != NULL && cerr->expression >= 0 && (size_t)cerr->expression < n) {
            util_escape(esc, sizeof(esc), p[cerr->expression].text, 60);
            util_errf(err, errlen, "keyword %d \"%s\": %s", cerr->expression + 1, esc,
                      cerr->message);
        } else {
            util_errf(err, errlen, "keywords: %s", cerr != NULL ? cerr->message : "vectorscan failed");
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
        for (i = 0; i < n; i++)
            free(exprs[i]);
    free(exprs);
    free(flags);
    free(ids);
    buf_free(&norm);
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
    if (set->db != NULL && (hs_alloc_scratch(set->db, &sc->scratch) != HS_SUCCESS ||
                            hs_open_stream(set->db, 0, &sc->stream) != HS_SUCCESS)) {
        kw_scan_free(sc);
        return NULL;
    }
    return sc;
}

static int
kw_on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
            void *ctx)
{
    struct kw_scan *sc = ctx;

    (void)from;
    (void)flags;
    if (sc->fn(sc->arg, &sc->set->p[id], to) != 0) {
        sc->stopped = 1;
        return 1;
    }
    return 0;
}

int
kw_scan_begin(struct kw_scan *sc)
{
    sc->stopped = 0;
    if (sc->stream == NULL || !sc->dirty)
        return 0;
    sc->dirty = 0;
    return hs_reset_stream(sc->stream, 0, NULL, NULL, NULL) == HS_SUCCESS ? 0 : -1;
}

int
kw_scan_feed(struct kw_scan *sc, const char *utf8, size_t len, kw_hit_fn fn, void *arg)
{
    hs_error_t rc;

    if (sc->stream == NULL || sc->stopped || len == 0)
        return 0;
    sc->fn = fn;
    sc->arg = arg;
    sc->dirty = 1;
    /* vectorscan takes an unsigned int length: a larger piece goes in parts, the stream joins
     * them. */
    while (len > 0) {
        unsigned int k = len > 0x40000000u ? 0x40000000u : (unsigned int)len;

        rc = hs_scan_stream(sc->stream, utf8, k, 0, sc->scratch, kw_on_match, sc);
        if (rc == HS_SCAN_TERMINATED)
            return 0;
        if (rc != HS_SUCCESS)
            return -1;
        utf8 += k;
        len -= k;
    }
    return 0;
}

int
kw_scan_end(struct kw_scan *sc, kw_hit_fn fn, void *arg)
{
    hs_error_t rc;

    if (sc->stream == NULL)
        return 0;
    sc->fn = fn;
    sc->arg = arg;
    rc = hs_reset_stream(sc->stream, 0, sc->stopped ? NULL : sc->scratch,
                         sc->stopped ? NULL : kw_on_match, sc);
    sc->dirty = 0;
    sc->stopped = 0;
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
    free(sc);
}

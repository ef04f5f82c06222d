/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_kw.c - keyword matching: literal text, case in every script, whole words, once per
 * stream; each row scanned at once, split at every point and byte by byte, with the same result.
 * Then the whole text pipeline (textconv -> kw), the limits, and 2,000 keywords in one pass.
 */
#include "kw.h"
#include "textconv.h"

#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W KW_WORD

/* Up to four keywords per row; the matches wanted are the ids, e.g. "0,2", "" for none, with
 * the end offset of the first one's match (-1: not checked). */
static const struct {
    const char *name;
    struct kw_pattern p[4];
    const char *text;
    const char *want;
    long want_off;
} rows[] = {
    {"plain", {{"falcon", 0, 0}}, "project falcon", "0", 14},
    {"no match", {{"falcon", 0, 0}}, "project eagle", "", -1},
    {"ASCII case", {{"FalCon", 0, 0}}, "FALCON falcon", "0", 6},
    {"Latin letters in UTF-8", {{"\xc3\x89T\xc3\x89", 0, 0}}, "l'\xc3\xa9t\xc3\xa9", "0", 7},
    {"Cyrillic case",
     {{"\xd0\x94\xd0\x95\xd0\x9b\xd0\x9e", 0, 0}},
     "\xd0\xb4\xd0\xb5\xd0\xbb\xd0\xbe",
     "0",
     8},
    {"Greek case",
     {{"\xce\xb1\xce\xb8\xce\xae\xce\xbd\xce\xb1", 0, 0}},
     "\xce\x91\xce\x98\xce\x89\xce\x9d\xce\x91",
     "0",
     10},
    {"regex characters are literal",
     {{"a.b*c", 0, 0}, {"(x)[y]{2}|^$\\?+", 1, 0}},
     "axbbc (X)[Y]{2}|^$\\?+",
     "1",
     21},
    {"dot matches only a dot", {{"a.b", 0, 0}}, "axb", "", -1},
    {"keyword normal form", {{" project \t falcon ", 0, 0}}, "a project falcon", "0", 16},
    {"zero-width in a keyword",
     {{"fal\xe2\x80\x8b"
       "con",
       0, 0}},
     "falcon",
     "0",
     6},
    {"once per stream", {{"falcon", 0, 0}}, "falcon falcon falcon", "0", 6},
    {"same keyword in two lists", {{"falcon", 0, 0}, {"FALCON", 1, W}}, "a falcon", "0,1", 8},
    {"several at once",
     {{"one", 0, 0}, {"two", 1, 0}, {"three", 2, 0}, {"four", 3, 0}},
     "three, one",
     "0,2",
     5},
    {"overlapping", {{"abcd", 0, 0}, {"bc", 1, 0}, {"cde", 2, 0}}, "abcde", "0,1,2", -1},
    {"whole word inside a word", {{"sex", 0, W}}, "Essex", "", -1},
    {"whole word alone", {{"sex", 0, W}}, "sex", "0", 3},
    {"whole word at start", {{"sex", 0, W}}, "sex education", "0", 3},
    {"whole word at end", {{"sex", 0, W}}, "about sex", "0", 9},
    {"whole word after one inside", {{"sex", 0, W}}, "Essex sex", "0", 9},
    {"whole word before punctuation", {{"sex", 0, W}}, "(sex).", "0", 4},
    {"whole word before digit", {{"sex", 0, W}}, "sex1 1sex", "", -1},
    {"whole word next to non-ASCII letter", {{"sex", 0, W}}, "\xc3\xa9sex sex\xc3\xa9", "", -1},
    {"whole word next to non-ASCII punctuation", {{"sex", 0, W}}, "\xc2\xabsex\xc2\xbb", "0", 5},
    {"whole word in curly quotes", {{"sex", 0, W}}, "\xe2\x80\x9csex\xe2\x80\x9d", "0", 6},
    {"underscore is no letter", {{"sex", 0, W}}, "sex_shop", "0", 3},
    {"combining mark belongs to the word", {{"cafe", 0, W}}, "cafe\xcc\x81", "", -1},
    {"Cyrillic whole word",
     {{"\xd0\xb4\xd0\xb5\xd0\xbb\xd0\xbe", 0, W}},
     "\xd0\xb1\xd0\xb5\xd0\xb7\xd0\xb4\xd0\xb5\xd0\xbb\xd1\x8c\xd0\xb5 "
     "\xd0\x94\xd0\x95\xd0\x9b\xd0\x9e.",
     "0",
     25},
    {"Cyrillic inside a word",
     {{"\xd0\xb4\xd0\xb5\xd0\xbb\xd0\xbe", 0, W}},
     "\xd0\xb1\xd0\xb5\xd0\xb7\xd0\xb4\xd0\xb5\xd0\xbb\xd0\xbe\xd0\xb2",
     "",
     -1},
    {"CJK next to CJK",
     {{"\xe6\x97\xa5\xe6\x9c\xac", 0, W}},
     "\xe5\xa4\xa7\xe6\x97\xa5\xe6\x9c\xac",
     "",
     -1},
    {"word keyword ending in punctuation", {{"c++", 0, W}}, "c++x", "0", 3},
    {"word keyword ending in punctuation, letter before", {{"c++", 0, W}}, "xc++", "", -1},
    {"digits as a word", {{"2024", 0, W}}, "x2024 2024!", "0", 10},
    {"phrase as a word",
     {{"project falcon", 0, W}},
     "the project falcons, project falcon",
     "0",
     35},
    {"only punctuation", {{"!!", 0, W}}, "a!!b", "0", 3},
    {"one-byte keyword 64 bytes in (vectorscan's SINGLEMATCH misses it)",
     {{"r", 0, 0}},
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaar",
     "0",
     65},
    {"one-byte keyword next to a longer one holding it (vectorscan misses it)",
     {{"x+", 0, 0}, {"+", 1, 0}},
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaa+bbb",
     "1",
     101},
    {"short keywords whose letters have longer folds (vectorscan misses them caseless)",
     {{"a\xc3\x9f", 0, 0},
      {"\xcf\x89"
       "a",
       1, 0},
      {"\xc3\xa5s", 2, W}},
     "?????????????????????????????????????????????????????????????????????????????????????????????"
     "???????"
     "!A\xc3\x9f!\xce\xa9"
     "Axxxxxxxx \xc3\x85S",
     "0,1,2",
     104},
    {"one-byte keyword in both cases", {{"Q", 0, 0}}, "a q", "0", 3},
    {"short keywords holding s or k (vectorscan misses them caseless)",
     {{"as", 0, 0}, {"ask", 1, W}, {"kiss", 2, 0}, {"OK", 3, W}},
     "?????????????????????????????????????????????????????????????????????????????????????????????"
     "???????"
     "!As!ASK!kissxxxxxxxx ok",
     "0,1,2,3",
     103},
    {"one-byte whole word", {{"x", 0, W}}, "xx ax x", "0", 7},
    {"only one-byte keywords, no letters", {{"+", 0, 0}, {"#", 1, W}}, "a#b +", "0,1", 2},
};

struct hits {
    char ids[64];
    long first_off;
    unsigned count;
    int stop_after; /* stop scanning after this many hits (0: never) */
};

static int
on_hit(void *arg, const struct kw_pattern *p, unsigned long long off)
{
    struct hits *h = arg;

    ck_assert_uint_lt(p->id, 64);
    ck_assert_msg(h->ids[p->id] == 0, "keyword %u reported twice", p->id);
    h->ids[p->id] = 1;
    if (h->count++ == 0 || (long)off < h->first_off)
        h->first_off = (long)off;
    return h->stop_after != 0 && h->count >= (unsigned)h->stop_after;
}

/* The ids matched as "0,2". */
static void
hits_str(const struct hits *h, char *out, size_t len)
{
    size_t i;

    out[0] = '\0';
    for (i = 0; i < sizeof(h->ids); i++)
        if (h->ids[i])
            snprintf(out + strlen(out), len - strlen(out), "%s%zu", out[0] ? "," : "", i);
}

/* Scans text in pieces cut at cuts[0..ncuts). */
static void
scan(struct kw_scan *sc, const char *text, size_t n, const size_t *cuts, size_t ncuts,
     struct hits *h)
{
    size_t at = 0, i;

    memset(h, 0, sizeof(*h));
    h->first_off = -1;
    ck_assert_int_eq(kw_scan_begin(sc), 0);
    for (i = 0; i <= ncuts; i++) {
        size_t to = i < ncuts ? cuts[i] : n;

        ck_assert_int_eq(kw_scan_feed(sc, text + at, to - at, on_hit, h), 0);
        at = to;
    }
    ck_assert_int_eq(kw_scan_end(sc, on_hit, h), 0);
}

START_TEST(test_rows)
{
    char err[256], got[64];
    size_t n = 0, len = strlen(rows[_i].text), cut, *cuts = malloc((len + 1) * sizeof(*cuts));
    struct kw_set *set;
    struct kw_scan *sc;
    struct hits h;

    while (n < 4 && rows[_i].p[n].text != NULL)
        n++;
    set = kw_compile(rows[_i].p, n, err, sizeof(err));
    ck_assert_msg(set != NULL, "%s: %s", rows[_i].name, err);
    sc = kw_scan_new(set);
    ck_assert(sc != NULL && cuts != NULL);
    scan(sc, rows[_i].text, len, NULL, 0, &h);
    hits_str(&h, got, sizeof(got));
    ck_assert_msg(strcmp(got, rows[_i].want) == 0 &&
                      (rows[_i].want_off < 0 || h.first_off == rows[_i].want_off),
                  "%s: got \"%s\" at %ld, want \"%s\" at %ld", rows[_i].name, got, h.first_off,
                  rows[_i].want, rows[_i].want_off);
    for (cut = 0; cut <= len; cut++) {
        scan(sc, rows[_i].text, len, &cut, 1, &h);
        hits_str(&h, got, sizeof(got));
        ck_assert_msg(strcmp(got, rows[_i].want) == 0 &&
                          (rows[_i].want_off < 0 || h.first_off == rows[_i].want_off),
                      "%s split at %zu: got \"%s\" at %ld, want \"%s\" at %ld", rows[_i].name, cut,
                      got, h.first_off, rows[_i].want, rows[_i].want_off);
    }
    for (cut = 0; cut < len; cut++)
        cuts[cut] = cut + 1;
    scan(sc, rows[_i].text, len, cuts, len > 0 ? len - 1 : 0, &h);
    hits_str(&h, got, sizeof(got));
    ck_assert_msg(strcmp(got, rows[_i].want) == 0 &&
                      (rows[_i].want_off < 0 || h.first_off == rows[_i].want_off),
                  "%s byte by byte: got \"%s\" at %ld, want \"%s\" at %ld", rows[_i].name, got,
                  h.first_off, rows[_i].want, rows[_i].want_off);
    free(cuts);
    kw_scan_free(sc);
    kw_set_free(set);
}
END_TEST

/* The text pipeline: part bytes -> textconv -> kw, the way a text part is screened. */
static const struct {
    const char *name;
    const char *charset;
    int html;
    const char *in;
    const char *want; /* "0": "project falcon" (plain) found, "1": "falcon" (word) found */
} pipe_rows[] = {
    {"line break and indent", "utf-8", 0, "Project\r\n    Falcon", "0,1"},
    {"NBSP between the words", "utf-8", 0,
     "project\xc2\xa0"
     "falcon",
     "0,1"},
    {"soft hyphen inside", "utf-8", 0,
     "project fal\xc2\xad"
     "con",
     "0,1"},
    {"latin-1 NBSP", "iso-8859-1", 0,
     "project\xa0"
     "falcon",
     "0,1"},
    {"utf-16", "utf-16le", 0, "F\0a\0l\0c\0o\0n\0", "1"},
    {"inline tag inside", "utf-8", 1, "project fal<b>con</b>", "0,1"},
    {"tags between the words", "utf-8", 1, "<p>project</p>\r\n<p>falcon</p>", "0,1"},
    {"character reference", "utf-8", 1, "project fal&#99;on", "0,1"},
    {"shy reference", "utf-8", 1, "project fal&shy;con", "0,1"},
    {"nbsp reference", "utf-8", 1, "project&nbsp;falcon", "0,1"},
    {"comment inside", "utf-8", 1, "project fal<!-- x -->con", "0,1"},
    {"hidden in script", "utf-8", 1, "<script>project falcon</script>", ""},
    {"block tag splits the word", "utf-8", 1, "fal<div>con</div>", ""},
};

static int
pipe_sink(void *arg, const char *p, size_t n)
{
    void **a = arg;

    return kw_scan_feed(a[0], p, n, on_hit, a[1]);
}

START_TEST(test_pipeline)
{
    static const struct kw_pattern p[] = {{"project falcon", 0, 0}, {"falcon", 1, W}};
    size_t len = strlen(pipe_rows[_i].in), cut;
    char err[256], got[64];
    struct kw_set *set = kw_compile(p, 2, err, sizeof(err));
    struct kw_scan *sc;
    struct hits h;
    void *arg[2];

    if (strcmp(pipe_rows[_i].charset, "utf-16le") == 0)
        len = 12;
    ck_assert_msg(set != NULL, "%s", err);
    sc = kw_scan_new(set);
    ck_assert_ptr_nonnull(sc);
    arg[0] = sc;
    arg[1] = &h;
    for (cut = 0; cut <= len; cut++) {
        struct textconv *tc = textconv_new(pipe_rows[_i].charset, pipe_rows[_i].html);

        memset(&h, 0, sizeof(h));
        ck_assert_int_eq(kw_scan_begin(sc), 0);
        ck_assert_int_eq(textconv_feed(tc, pipe_rows[_i].in, cut, pipe_sink, arg), 0);
        ck_assert_int_eq(textconv_feed(tc, pipe_rows[_i].in + cut, len - cut, pipe_sink, arg), 0);
        ck_assert_int_eq(textconv_end(tc, pipe_sink, arg), 0);
        ck_assert_int_eq(kw_scan_end(sc, on_hit, &h), 0);
        textconv_free(tc);
        hits_str(&h, got, sizeof(got));
        ck_assert_msg(strcmp(got, pipe_rows[_i].want) == 0,
                      "%s split at %zu: got \"%s\", want \"%s\"", pipe_rows[_i].name, cut, got,
                      pipe_rows[_i].want);
    }
    kw_scan_free(sc);
    kw_set_free(set);
}
END_TEST

/* Keywords kw_compile refuses, and why. */
static const struct {
    const char *name;
    const char *text;
    const char *want; /* in the error */
} bad_rows[] = {
    {"empty", "", "keyword 2 \"\": empty"},
    {"only white space", " \t\r\n", "empty"},
    {"only zero-width", "\xe2\x80\x8b", "empty"},
    {"not UTF-8",
     "fal\xff"
     "con",
     "keyword 2 \"fal\\xff"
     "con\": not valid UTF-8"},
    {"cut UTF-8", "fal\xc3", "not valid UTF-8"},
};

START_TEST(test_bad_keywords)
{
    struct kw_pattern p[2] = {{"fine", 0, 0}, {bad_rows[_i].text, 1, 0}};
    char err[256] = "";

    ck_assert_ptr_null(kw_compile(p, 2, err, sizeof(err)));
    ck_assert_msg(strstr(err, bad_rows[_i].want) != NULL, "%s: got \"%s\", want \"%s\"",
                  bad_rows[_i].name, err, bad_rows[_i].want);
}
END_TEST

/* Keywords of KW_KEYWORD_MAX - 1, KW_KEYWORD_MAX and one more bytes (after the normal form:
 * surrounding white space does not count). */
START_TEST(test_keyword_limit)
{
    size_t len = (size_t)(KW_KEYWORD_MAX - 1 + _i);
    char *kw = malloc(len + 3), *text = malloc(len + 3), err[256] = "";
    struct kw_pattern p = {kw, 7, W};
    struct kw_set *set;
    struct kw_scan *sc;
    struct hits h;

    ck_assert(kw != NULL && text != NULL);
    kw[0] = ' ';
    memset(kw + 1, 'k', len);
    kw[len + 1] = ' ';
    kw[len + 2] = '\0';
    text[0] = '.';
    memset(text + 1, 'K', len);
    text[len + 1] = '.';
    text[len + 2] = '\0';
    set = kw_compile(&p, 1, err, sizeof(err));
    if (_i == 2) {
        ck_assert_ptr_null(set);
        ck_assert_msg(strstr(err, "keyword 1") != NULL && strstr(err, "too long") != NULL,
                      "limit + 1: got \"%s\"", err);
    } else {
        ck_assert_msg(set != NULL, "limit - %d: %s", 1 - _i, err);
        sc = kw_scan_new(set);
        scan(sc, text, len + 2, NULL, 0, &h);
        ck_assert_int_eq(h.ids[7], 1);
        ck_assert_int_eq(h.first_off, (long)len + 1);
        kw_scan_free(sc);
        kw_set_free(set);
    }
    free(kw);
    free(text);
}
END_TEST

/* The longest keyword (U+00E9 x 128) matched in the other case (U+00C9), byte by byte: the
 * character before it is KW_KEYWORD_MAX + 1 bytes back, in the history kept from earlier
 * chunks. A letter there makes it no whole word. */
START_TEST(test_history)
{
    static const char *const before[] = {".", "a"};
    size_t nch = KW_KEYWORD_MAX / 2, len = 1 + 2 * nch + 1, i;
    char kw[KW_KEYWORD_MAX + 1], *text = malloc(len + 1), err[256];
    struct kw_pattern p = {kw, 3, W};
    struct kw_set *set;
    struct kw_scan *sc;
    struct hits h;
    size_t *cuts = malloc(len * sizeof(*cuts));

    ck_assert(text != NULL && cuts != NULL);
    for (i = 0; i < nch; i++)
        memcpy(kw + 2 * i, "\xc3\xa9", 2);
    kw[2 * nch] = '\0';
    set = kw_compile(&p, 1, err, sizeof(err));
    ck_assert_msg(set != NULL, "%s", err);
    sc = kw_scan_new(set);
    text[0] = before[_i][0];
    for (i = 0; i < nch; i++)
        memcpy(text + 1 + 2 * i, "\xc3\x89", 2);
    text[len - 1] = '.';
    text[len] = '\0';
    for (i = 0; i + 1 < len; i++)
        cuts[i] = i + 1;
    scan(sc, text, len, cuts, len - 1, &h);
    ck_assert_msg(h.ids[3] == (_i == 0), "before \"%s\": got %d", before[_i], h.ids[3]);
    if (_i == 0)
        ck_assert_int_eq(h.first_off, (long)len - 1);
    kw_scan_free(sc);
    kw_set_free(set);
    free(text);
    free(cuts);
}
END_TEST

/* No keywords: nothing matches, nothing fails. */
START_TEST(test_empty_set)
{
    char err[256];
    struct kw_set *set = kw_compile(NULL, 0, err, sizeof(err));
    struct kw_scan *sc;
    struct hits h;

    ck_assert_ptr_nonnull(set);
    ck_assert_uint_eq(kw_set_count(set), 0);
    sc = kw_scan_new(set);
    ck_assert_ptr_nonnull(sc);
    scan(sc, "anything", 8, NULL, 0, &h);
    ck_assert_uint_eq(h.count, 0);
    kw_scan_free(sc);
    kw_set_free(set);
}
END_TEST

/* Streams are separate: a keyword cut between two streams, or left in an unfinished one, is not
 * found; a callback that says stop ends reporting for that stream only. */
START_TEST(test_streams)
{
    static const struct kw_pattern p[] = {{"falcon", 0, 0}, {"eagle", 1, 0}, {"hawk", 2, W}};
    char err[256];
    struct kw_set *set = kw_compile(p, 3, err, sizeof(err));
    struct kw_scan *sc = kw_scan_new(set);
    struct hits h;

    ck_assert(set != NULL && sc != NULL);
    scan(sc, "fal", 3, NULL, 0, &h);
    scan(sc, "con", 3, NULL, 0, &h);
    ck_assert_uint_eq(h.count, 0);
    memset(&h, 0, sizeof(h));
    ck_assert_int_eq(kw_scan_begin(sc), 0);
    ck_assert_int_eq(kw_scan_feed(sc, "fal hawk", 8, on_hit, &h), 0); /* no end */
    ck_assert_int_eq(kw_scan_begin(sc), 0);
    ck_assert_int_eq(kw_scan_feed(sc, "con", 3, on_hit, &h), 0);
    ck_assert_int_eq(kw_scan_end(sc, on_hit, &h), 0);
    ck_assert_uint_eq(h.count, 0); /* "hawk" waited for its next character: dropped */
    memset(&h, 0, sizeof(h));
    h.stop_after = 1;
    ck_assert_int_eq(kw_scan_begin(sc), 0);
    ck_assert_int_eq(kw_scan_feed(sc, "falcon eagle", 12, on_hit, &h), 0);
    ck_assert_int_eq(kw_scan_feed(sc, " hawk", 5, on_hit, &h), 0);
    ck_assert_int_eq(kw_scan_end(sc, on_hit, &h), 0);
    ck_assert_uint_eq(h.count, 1);
    ck_assert_int_eq(h.ids[0], 1);
    scan(sc, "eagle hawk", 10, NULL, 0, &h);
    ck_assert_uint_eq(h.count, 2);
    kw_scan_free(sc);
    kw_set_free(set);
}
END_TEST

/* Two scans of one set at once (two sessions): each has its own stream. */
START_TEST(test_two_scans)
{
    static const struct kw_pattern p[] = {{"falcon", 0, 0}};
    char err[256];
    struct kw_set *set = kw_compile(p, 1, err, sizeof(err));
    struct kw_scan *a = kw_scan_new(set), *b = kw_scan_new(set);
    struct hits ha, hb;

    ck_assert(set != NULL && a != NULL && b != NULL);
    memset(&ha, 0, sizeof(ha));
    memset(&hb, 0, sizeof(hb));
    kw_scan_begin(a);
    kw_scan_begin(b);
    kw_scan_feed(a, "fal", 3, on_hit, &ha);
    kw_scan_feed(b, "xyz", 3, on_hit, &hb);
    kw_scan_feed(a, "con", 3, on_hit, &ha);
    kw_scan_feed(b, "con", 3, on_hit, &hb);
    kw_scan_end(a, on_hit, &ha);
    kw_scan_end(b, on_hit, &hb);
    ck_assert_uint_eq(ha.count, 1);
    ck_assert_uint_eq(hb.count, 0);
    kw_scan_free(a);
    kw_scan_free(b);
    kw_set_free(set);
}
END_TEST

/* 2,000 keywords (half whole-word) in one pass: exactly the ones in the text are reported. */
#define MANY 2000

static int
on_many(void *arg, const struct kw_pattern *p, unsigned long long off)
{
    unsigned char *seen = arg;

    (void)off;
    ck_assert_uint_lt(p->id, MANY);
    ck_assert_int_eq(seen[p->id], 0);
    seen[p->id] = 1;
    return 0;
}

START_TEST(test_many)
{
    static struct kw_pattern p[MANY];
    static char words[MANY][16];
    static unsigned char seen[MANY];
    const char *text = "Report: KWZ0007 and kwz1999, not kwz0100x; xkwz0101 (KWZ0102).";
    char err[256];
    struct kw_set *set;
    struct kw_scan *sc;
    size_t i, cut, len = strlen(text);

    for (i = 0; i < MANY; i++) {
        snprintf(words[i], sizeof(words[i]), "kwz%04zu", i);
        p[i].text = words[i];
        p[i].id = (unsigned)i;
        p[i].flags = i % 2 ? W : 0; /* 7, 1999, 101 are whole-word; 100, 102 plain */
    }
    set = kw_compile(p, MANY, err, sizeof(err));
    ck_assert_msg(set != NULL, "%s", err);
    ck_assert_uint_eq(kw_set_count(set), MANY);
    sc = kw_scan_new(set);
    ck_assert_ptr_nonnull(sc);
    for (cut = 0; cut <= len; cut += 7) {
        memset(seen, 0, sizeof(seen));
        ck_assert_int_eq(kw_scan_begin(sc), 0);
        ck_assert_int_eq(kw_scan_feed(sc, text, cut, on_many, seen), 0);
        ck_assert_int_eq(kw_scan_feed(sc, text + cut, len - cut, on_many, seen), 0);
        ck_assert_int_eq(kw_scan_end(sc, on_many, seen), 0);
        for (i = 0; i < MANY; i++)
            ck_assert_msg(seen[i] == (i == 7 || i == 1999 || i == 100 || i == 102),
                          "split at %zu: keyword %zu got %d", cut, i, seen[i]);
    }
    kw_scan_free(sc);
    kw_set_free(set);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("kw");
    TCase *tc = tcase_create("kw");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    tcase_add_loop_test(tc, test_pipeline, 0, (int)(sizeof(pipe_rows) / sizeof(pipe_rows[0])));
    tcase_add_loop_test(tc, test_bad_keywords, 0, (int)(sizeof(bad_rows) / sizeof(bad_rows[0])));
    tcase_add_loop_test(tc, test_keyword_limit, 0, 3);
    tcase_add_loop_test(tc, test_history, 0, 2);
    tcase_add_test(tc, test_empty_set);
    tcase_add_test(tc, test_streams);
    tcase_add_test(tc, test_two_scans);
    tcase_add_test(tc, test_many);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

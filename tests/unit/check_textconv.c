/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_textconv.c - the text keywords are matched in: charsets, HTML's visible text, the normal
 * form; each row fed at once, split at every point and byte by byte, with the same result.
 */
#include "textconv.h"

#include "testutil.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define U_FFFD "\xef\xbf\xbd"

static const struct {
    const char *name;
    const char *charset;
    int html;
    const char *in;
    size_t inlen; /* 0: strlen(in) */
    const char *want;
    unsigned flags;
} rows[] = {
    /* the normal form */
    {"plain", "utf-8", 0, "hello world", 0, "hello world", 0},
    {"CRLF and indent are one space", "utf-8", 0, "project\r\n  falcon", 0, "project falcon", 0},
    {"tabs and form feed", "utf-8", 0, "a\t\t\fb", 0, "a b", 0},
    {"no space at either end", "utf-8", 0, " \r\n a \n", 0, "a", 0},
    {"NBSP run", "utf-8", 0, "a\xc2\xa0\xc2\xa0 b", 0, "a b", 0},
    {"ideographic and em space", "utf-8", 0,
     "a\xe3\x80\x80\xe2\x80\x83"
     "b",
     0, "a b", 0},
    {"line separator", "utf-8", 0,
     "a\xe2\x80\xa8"
     "b",
     0, "a b", 0},
    {"soft hyphen dropped", "utf-8", 0,
     "fal\xc2\xad"
     "con",
     0, "falcon", 0},
    {"zero-width dropped", "utf-8", 0,
     "f\xe2\x80\x8b"
     "a\xe2\x80\x8c"
     "l\xe2\x80\x8d"
     "c\xe2\x81\xa0"
     "o\xef\xbb\xbfn",
     0, "falcon", 0},
    {"controls dropped", "utf-8", 0,
     "fal\x01\x1b\x7f"
     "con",
     0, "falcon", 0},
    {"NUL dropped", "utf-8", 0, "fal\0con", 7, "falcon", 0},
    {"long s, Kelvin and Angstrom signs as their folds", "utf-8", 0,
     "\xc5\xbf"
     "ex \xe2\x84\xaa"
     "iss \xe2\x84\xab",
     0, "sex kiss \xc3\x85", 0},
    {"only white space", "utf-8", 0, " \r\n\t ", 0, "", 0},
    /* UTF-8 */
    {"utf-8 letters", "UTF-8", 0, "caf\xc3\xa9 \xd0\xb4\xd0\xb5\xd0\xbb\xd0\xbe \xf0\x9f\x98\x80",
     0, "caf\xc3\xa9 \xd0\xb4\xd0\xb5\xd0\xbb\xd0\xbe \xf0\x9f\x98\x80", 0},
    {"utf-8 invalid byte", "utf-8", 0,
     "a\xff"
     "b",
     0, "a" U_FFFD "b", TEXTCONV_F_INVALID},
    {"utf-8 cut at the end", "utf-8", 0, "a\xe2\x82", 0, "a" U_FFFD, TEXTCONV_F_INVALID},
    {"utf-8 cut before ASCII", "utf-8", 0,
     "a\xe2\x82"
     "b",
     0, "a" U_FFFD "b", TEXTCONV_F_INVALID},
    {"utf-8 overlong", "utf-8", 0, "\xc0\xaf", 0, U_FFFD U_FFFD, TEXTCONV_F_INVALID},
    {"utf-8 surrogate", "utf-8", 0, "\xed\xa0\x80", 0, U_FFFD U_FFFD U_FFFD, TEXTCONV_F_INVALID},
    {"utf-8 past U+10FFFF", "utf-8", 0, "\xf4\x90\x80\x80", 0, U_FFFD U_FFFD U_FFFD U_FFFD,
     TEXTCONV_F_INVALID},
    {"utf8 label", "utf8", 0, "\xc3\xa9", 0, "\xc3\xa9", 0},
    {"no charset is us-ascii", NULL, 0, "ok", 0, "ok", 0},
    {"empty charset", "", 0, "ok", 0, "ok", 0},
    {"us-ascii holding UTF-8", "us-ascii", 0, "caf\xc3\xa9", 0, "caf\xc3\xa9", 0},
    /* other charsets */
    {"iso-8859-1", "iso-8859-1", 0, "caf\xe9 na\xefve", 0, "caf\xc3\xa9 na\xc3\xafve", 0},
    {"latin1 NBSP is a space", "ISO-8859-1", 0,
     "a\xa0\xa0"
     "b",
     0, "a b", 0},
    {"windows-1252 quotes and euro", "windows-1252", 0, "\x93q\x94 \x80", 0,
     "\xe2\x80\x9cq\xe2\x80\x9d \xe2\x82\xac", 0},
    {"koi8-r", "koi8-r", 0, "\xf0\xd2\xc9\xd7\xc5\xd4", 0,
     "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", 0},
    {"shift_jis", "shift_jis", 0, "\x82\xa0\x82\xa2 \x93\xfa\x96\x7b", 0,
     "\xe3\x81\x82\xe3\x81\x84 \xe6\x97\xa5\xe6\x9c\xac", 0},
    {"shift_jis invalid", "Shift_JIS", 0, "a\x82 b\xa0", 0, "a" U_FFFD " b" U_FFFD,
     TEXTCONV_F_INVALID},
    {"utf-16 with LE BOM", "utf-16", 0, "\xff\xfeh\0i\0 \0=\xd8\0\xde", 12, "hi \xf0\x9f\x98\x80",
     0},
    {"utf-16 with BE BOM", "UTF-16", 0, "\xfe\xff\0h\0i", 6, "hi", 0},
    {"utf-16 cut at the end", "utf-16le", 0, "h\0i", 3, "h" U_FFFD, TEXTCONV_F_INVALID},
    {"iso-2022-jp", "iso-2022-jp", 0, "\x1b$B$3$s\x1b(B abc", 0, "\xe3\x81\x93\xe3\x82\x93 abc", 0},
    {"gb18030 four bytes", "gb18030", 0,
     "\x81"
     "0\x8b"
     "7 \x94"
     "9\xfc"
     "6",
     0, "\xc3\xbf \xf0\x9f\x98\x80", 0},
    {"alias ks_c_5601-1987", "ks_c_5601-1987", 0, "\xb0\xa1", 0, "\xea\xb0\x80", 0},
    {"unknown label read as UTF-8", "x-no-such-charset", 0, "ok \xc3\xa9 \xff", 0,
     "ok \xc3\xa9 " U_FFFD, TEXTCONV_F_CHARSET_UNKNOWN | TEXTCONV_F_INVALID},
    {"unknown-8bit", "unknown-8bit", 0, "ok", 0, "ok", TEXTCONV_F_CHARSET_UNKNOWN},
    {"no iconv options in a label", "latin1//TRANSLIT", 0, "ok", 0, "ok",
     TEXTCONV_F_CHARSET_UNKNOWN},
    {"no path in a label", "../../x", 0, "ok", 0, "ok", TEXTCONV_F_CHARSET_UNKNOWN},
    /* HTML */
    {"inline tags join", "utf-8", 1, "fal<b>con</b> pro<span class=x>ject</span>", 0,
     "falcon project", 0},
    {"unknown tags join", "utf-8", 1, "fal<xyz>con</xyz>", 0, "falcon", 0},
    {"block tags separate", "utf-8", 1, "one<p>two</p>three<br>four<div>five</div>six<br/>seven", 0,
     "one two three four five six seven", 0},
    {"table cells separate", "utf-8", 1, "<table><tr><td>a</td><td>b</td></tr></table>", 0, "a b",
     0},
    {"uppercase tags", "utf-8", 1, "a<BR>b<P>c", 0, "a b c", 0},
    {"'>' inside quoted attributes", "utf-8", 1, "<a href=\"x>y\" title='a>b'>link</a>", 0, "link",
     0},
    {"quote not after '=' is no quote", "utf-8", 1, "<a b\"c>x", 0, "x", 0},
    {"comment hidden", "utf-8", 1, "a<!-- falcon -->b", 0, "ab", 0},
    {"comment closed by --!>", "utf-8", 1, "a<!-- x --!>b", 0, "ab", 0},
    {"empty comment <!-->", "utf-8", 1, "a<!-->b", 0, "ab", 0},
    {"comment with inner dashes", "utf-8", 1, "a<!-- x -- y --->b", 0, "ab", 0},
    {"unclosed comment hides the rest", "utf-8", 1, "a<!-- b", 0, "a", 0},
    {"doctype", "utf-8", 1, "<!DOCTYPE html>x", 0, "x", 0},
    {"processing instruction", "utf-8", 1, "<?xml version=\"1.0\"?>x", 0, "x", 0},
    {"script hidden", "utf-8", 1, "a<script>if (a<b) x='falcon';</script>b", 0, "ab", 0},
    {"script end tag in odd case", "utf-8", 1, "<SCRIPT>x</ScRiPt >y", 0, "y", 0},
    {"comment inside script", "utf-8", 1, "<script><!--</script>falcon", 0, "falcon", 0},
    {"style hidden", "utf-8", 1, "<style>p { color: red }</style>x", 0, "x", 0},
    {"title hidden", "utf-8", 1, "<head><title>t</title></head><body>x</body>", 0, "x", 0},
    {"text in head is shown", "utf-8", 1, "<head><meta charset=x>falcon</head>", 0, "falcon", 0},
    {"template hidden", "utf-8", 1, "<template>t</template>x", 0, "x", 0},
    {"less-than as text", "utf-8", 1, "a < b, a<3", 0, "a < b, a<3", 0},
    {"unclosed tag at the end is text", "utf-8", 1, "a <b falcon", 0, "a <b falcon", 0},
    {"entities", "utf-8", 1, "&amp;&lt;&gt;&quot;&apos;", 0, "&<>\"'", 0},
    {"entity is no tag", "utf-8", 1, "&lt;b&gt;x", 0, "<b>x", 0},
    {"decimal reference", "utf-8", 1, "fal&#99;on", 0, "falcon", 0},
    {"hex reference", "utf-8", 1, "fal&#x63;on &#X43;", 0, "falcon C", 0},
    {"reference without ';'", "utf-8", 1, "fal&#99on &euro", 0, "falcon \xe2\x82\xac", 0},
    {"soft hyphen reference", "utf-8", 1, "fal&shy;con", 0, "falcon", 0},
    {"zero-width references", "utf-8", 1, "fal&zwnj;co&zwj;n", 0, "falcon", 0},
    {"nbsp references", "utf-8", 1, "a&nbsp;&nbsp;b", 0, "a b", 0},
    {"Latin-1 references", "utf-8", 1, "&eacute;t&eacute; &Auml;", 0, "\xc3\xa9t\xc3\xa9 \xc3\x84",
     0},
    {"windows-1252 numeric", "utf-8", 1, "&#128;&#150;", 0, "\xe2\x82\xac\xe2\x80\x93", 0},
    {"bad numeric references", "utf-8", 1, "&#0;&#xD800;&#x110000;&#99999999999;", 0,
     U_FFFD U_FFFD U_FFFD U_FFFD, 0},
    {"unknown name is text", "utf-8", 1, "&bogus; &#; &#x; & x", 0, "&bogus; &#; &#x; & x", 0},
    {"reference cut at the end", "utf-8", 1, "x &amp", 0, "x &", 0},
    {"references not in tags", "utf-8", 1, "<a title=\"&lt;\">x</a>", 0, "x", 0},
    {"html in utf-16", "utf-16le", 1, "<\0b\0>\0x\0<\0/\0b\0>\0y\0", 18, "xy", 0},
    {"html in windows-1252", "windows-1252", 1, "<p>caf\xe9</p>", 0, "caf\xc3\xa9", 0},
};

static int
collect(void *arg, const char *p, size_t n)
{
    char *out = arg;
    size_t have = strlen(out);

    ck_assert_uint_gt(n, 0);
    ck_assert_uint_lt(have + n, 65536);
    memcpy(out + have, p, n);
    out[have + n] = '\0';
    return 0;
}

/* Converts in[0..n) fed in pieces cut at the offsets cuts[0..ncuts). */
static unsigned
convert(const char *cs, int html, const char *in, size_t n, const size_t *cuts, size_t ncuts,
        char *out)
{
    struct textconv *tc = textconv_new(cs, html);
    size_t at = 0, i;
    unsigned flags;

    ck_assert_ptr_nonnull(tc);
    out[0] = '\0';
    for (i = 0; i <= ncuts; i++) {
        size_t to = i < ncuts ? cuts[i] : n;

        ck_assert_int_eq(textconv_feed(tc, in + at, to - at, collect, out), 0);
        at = to;
    }
    ck_assert_int_eq(textconv_end(tc, collect, out), 0);
    flags = textconv_flags(tc);
    textconv_free(tc);
    return flags;
}

static void
check_row(const char *name, const char *cs, int html, const char *in, size_t n, const char *want,
          unsigned want_flags)
{
    static char got[65536];
    size_t cut, *cuts = malloc((n + 1) * sizeof(*cuts));
    unsigned flags;

    ck_assert_ptr_nonnull(cuts);
    flags = convert(cs, html, in, n, NULL, 0, got);
    ck_assert_msg(strcmp(got, want) == 0 && flags == want_flags,
                  "%s: got \"%s\" flags %u, want \"%s\" flags %u", name, got, flags, want,
                  want_flags);
    for (cut = 0; cut <= n; cut++) { /* two pieces, at every split point */
        flags = convert(cs, html, in, n, &cut, 1, got);
        ck_assert_msg(strcmp(got, want) == 0 && flags == want_flags,
                      "%s split at %zu: got \"%s\" flags %u, want \"%s\" flags %u", name, cut, got,
                      flags, want, want_flags);
    }
    for (cut = 0; cut < n; cut++)
        cuts[cut] = cut + 1;
    flags = convert(cs, html, in, n, cuts, n > 0 ? n - 1 : 0, got);
    ck_assert_msg(strcmp(got, want) == 0 && flags == want_flags,
                  "%s byte by byte: got \"%s\" flags %u, want \"%s\" flags %u", name, got, flags,
                  want, want_flags);
    free(cuts);
}

START_TEST(test_rows)
{
    check_row(rows[_i].name, rows[_i].charset, rows[_i].html, rows[_i].in,
              rows[_i].inlen ? rows[_i].inlen : strlen(rows[_i].in), rows[_i].want, rows[_i].flags);
}
END_TEST

/* Tags of TEXTCONV_TAG_MAX - 1, TEXTCONV_TAG_MAX and one more code points from '<' to '>'. */
START_TEST(test_tag_limit)
{
    static const struct {
        const char *name;
        int delta;
        int is_tag;
    } lim[] = {{"limit - 1", -1, 1}, {"limit", 0, 1}, {"limit + 1", 1, 0}};
    size_t len = (size_t)(TEXTCONV_TAG_MAX + lim[_i].delta), i;
    char *in = malloc(len + 16), *want = malloc(len + 16), *tag = malloc(len + 1);

    ck_assert(in != NULL && want != NULL && tag != NULL);
    memcpy(tag, "<b ", 3);
    for (i = 3; i + 1 < len; i++)
        tag[i] = 'a';
    tag[len - 1] = '>';
    tag[len] = '\0';
    snprintf(in, len + 16, "fal%scon", tag);
    snprintf(want, len + 16, "%s", lim[_i].is_tag ? "falcon" : in);
    check_row(lim[_i].name, "utf-8", 1, in, strlen(in), want,
              lim[_i].is_tag ? 0 : TEXTCONV_F_TAG_TOO_LONG);
    free(in);
    free(want);
    free(tag);
}
END_TEST

/* References of TEXTCONV_ENTITY_MAX - 1, TEXTCONV_ENTITY_MAX and one more code points from '&'
 * to ';' ("&#000...65;"). */
START_TEST(test_entity_limit)
{
    static const struct {
        const char *name;
        int delta;
        int decoded;
    } lim[] = {{"limit - 1", -1, 1}, {"limit", 0, 1}, {"limit + 1", 1, 0}};
    size_t len = (size_t)(TEXTCONV_ENTITY_MAX + lim[_i].delta), i;
    char in[TEXTCONV_ENTITY_MAX + 8];

    memcpy(in, "&#", 2);
    for (i = 2; i < len - 3; i++)
        in[i] = '0';
    memcpy(in + len - 3, "65;", 4);
    check_row(lim[_i].name, "utf-8", 1, in, len, lim[_i].decoded ? "A" : in, 0);
}
END_TEST

/* Charset labels of TEXTCONV_CHARSET_MAX - 1, TEXTCONV_CHARSET_MAX and one more bytes: no such
 * charset exists, so each is read as UTF-8 and flagged, and none is cut to a known name. */
START_TEST(test_charset_limit)
{
    char label[TEXTCONV_CHARSET_MAX + 2];
    size_t len = (size_t)(TEXTCONV_CHARSET_MAX - 1 + _i), i;

    memcpy(label, "utf-8", 5);
    for (i = 5; i < len; i++)
        label[i] = 'x';
    label[len] = '\0';
    check_row("charset limit", label, 0, "ok \xc3\xa9", 5, "ok \xc3\xa9",
              TEXTCONV_F_CHARSET_UNKNOWN);
}
END_TEST

static int
refuse(void *arg, const char *p, size_t n)
{
    (void)arg;
    (void)p;
    (void)n;
    return -1;
}

/* A sink that says stop makes feed and end return -1. */
START_TEST(test_sink_stops)
{
    struct textconv *tc = textconv_new("utf-8", 0);

    ck_assert_int_eq(textconv_feed(tc, "abc", 3, refuse, NULL), -1);
    ck_assert_int_eq(textconv_end(tc, refuse, NULL), -1);
    textconv_free(tc);
    tc = textconv_new("iso-8859-1", 1);
    ck_assert_int_eq(textconv_feed(tc, "x &amp", 6, refuse, NULL), -1);
    textconv_free(tc);
}
END_TEST

struct pieces {
    size_t bytes, calls;
};

static int
count_pieces(void *arg, const char *p, size_t n)
{
    struct pieces *pc = arg;

    ck_assert_uint_gt(n, 0);
    ck_assert_int_eq(n % 2, 0); /* every character here is 2 bytes: none is cut */
    ck_assert(memcmp(p, "\xc3\xa9", 2) == 0);
    pc->bytes += n;
    pc->calls++;
    return 0;
}

/* A long part goes to the sink in several pieces, none cut inside a character. */
START_TEST(test_long_part)
{
    size_t n = 100000, i;
    char *in = malloc(n * 2);
    struct textconv *tc = textconv_new("utf-8", 0);
    struct pieces pc = {0, 0};

    ck_assert(in != NULL && tc != NULL);
    for (i = 0; i < n; i++)
        memcpy(in + 2 * i, "\xc3\xa9", 2);
    ck_assert_int_eq(textconv_feed(tc, in, n * 2, count_pieces, &pc), 0);
    ck_assert_int_eq(textconv_end(tc, count_pieces, &pc), 0);
    ck_assert_uint_eq(pc.bytes, n * 2);
    ck_assert_uint_gt(pc.calls, 1);
    textconv_free(tc);
    free(in);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("textconv");
    TCase *tc = tcase_create("textconv");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    tcase_add_loop_test(tc, test_tag_limit, 0, 3);
    tcase_add_loop_test(tc, test_entity_limit, 0, 3);
    tcase_add_loop_test(tc, test_charset_limit, 0, 3);
    tcase_add_test(tc, test_sink_stops);
    tcase_add_test(tc, test_long_part);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_mimeparam.c - MIME header field values: each row a field value, a parameter, and the
 * value it must give (or "-" absent, "ERR" too long) with the flags that must be set.
 */
#include "mimeparam.h"
#include "testutil.h"

#define B MIMEPARAM_F_BROKEN
#define A MIMEPARAM_F_AMBIGUOUS
#define R31 MIMEPARAM_F_RFC2231
#define R47 MIMEPARAM_F_RFC2047

static const struct {
    const char *name;
    const char *value, *attr;
    const char *want;
    unsigned flags;
} rows[] = {
    {"quoted", "attachment; filename=\"a.exe\"", "filename", "a.exe", 0},
    {"token", "attachment; filename=a.exe", "filename", "a.exe", 0},
    {"unquoted with spaces runs to ';'", "attachment; filename=my file.exe ; size=3", "filename",
     "my file.exe", 0},
    {"attribute case", "attachment; FileName=\"a.exe\"", "filename", "a.exe", 0},
    {"spaces around =", "attachment; filename = \"a.exe\"", "filename", "a.exe", 0},
    {"comments", "attachment (c); (x) filename=(y)\"a.exe\"", "filename", "a.exe", 0},
    {"missing semicolon", "text/plain name=\"a.exe\"", "name", "a.exe", 0},
    {"no leading token", "filename=\"a.exe\"", "filename", "a.exe", 0},
    {"quoted-pairs", "attachment; filename=\"a\\\"b\\\\c.exe\"", "filename", "a\"b\\c.exe", 0},
    {"semicolon in quotes", "attachment; filename=\"a;b.exe\"; x=1", "filename", "a;b.exe", 0},
    {"folded inside quotes", "attachment; filename=\"long\r\n name.exe\"", "filename",
     "long name.exe", 0},
    {"absent", "attachment; size=3", "filename", "-", 0},
    {"longer attribute is another", "attachment; filenamex=a", "filename", "-", 0},
    {"name is not filename", "attachment; filename=a", "name", "-", 0},
    {"empty value", "attachment; filename=\"\"", "filename", "", 0},
    {"unterminated quote", "attachment; filename=\"a.exe", "filename", "a.exe", B},
    {"given twice, the same", "x; name=a; name=\"a\"", "name", "a", 0},
    {"given twice, differently", "x; name=a.pdf; name=a.exe", "name", "a.pdf", A},
    {"2231 one piece", "x; filename*=utf-8''%E2%82%AC.txt", "filename", "\xe2\x82\xac.txt", R31},
    {"2231 charset and language", "x; filename*=iso-8859-1'en'%E9t%E9", "filename",
     "\xc3\xa9t\xc3\xa9", R31},
    {"2231 charset in upper case", "x; filename*=UTF-8''%41", "filename", "A", R31},
    {"2231 empty charset", "x; filename*=''abc", "filename", "abc", R31},
    {"2231 no charset quotes", "x; filename*=abc%41", "filename", "abcA", B | R31},
    {"2231 quoted", "x; filename*=\"utf-8''a%20b\"", "filename", "a b", R31},
    {"continuations", "x; name*0=\"a\"; name*1=\"b\"; name*2=c", "name", "abc", R31},
    {"continuations out of order", "x; name*2=c; name*0=\"a\"; name*1=\"b\"", "name", "abc", R31},
    {"missing piece", "x; name*0=a; name*2=c", "name", "ac", B | R31},
    {"missing first piece", "x; name*1=b", "name", "b", B | R31},
    {"same section twice", "x; name*0=a; name*0=b", "name", "a", B | R31},
    {"encoded and plain mixed, a character split",
     "x; name*0*=utf-8''%C3; name*1*=%A9;"
     " name*2=\".exe\"",
     "name", "\xc3\xa9.exe", R31},
    {"bidi control", "x; name*0*=utf-8''%E2%80%AEfdp; name*1=\".exe\"", "name",
     "\xe2\x80\xae"
     "fdp.exe",
     R31},
    {"unknown charset", "x; name*=x-nonesuch''a%E9.exe", "name", "a\xef\xbf\xbd.exe", B | R31},
    {"bad percent escape", "x; name*=utf-8''a%G1.exe", "name", "a%G1.exe", B | R31},
    {"percent at the end", "x; name*=utf-8''a%4", "name", "a%4", B | R31},
    {"invalid UTF-8", "x; name*=utf-8''a%FF", "name", "a\xef\xbf\xbd", R31},
    {"2231 and plain agree", "x; filename=\"a.exe\"; filename*=utf-8''a.exe", "filename", "a.exe",
     R31},
    {"2231 and plain disagree", "x; filename=\"a.pdf\"; filename*=utf-8''a.exe", "filename",
     "a.exe", A | R31},
    {"bad section number", "x; name*x=a", "name", "-", B},
    {"leading zero section", "x; name*00=a; name*1=b", "name", "ab", R31},
    {"2047 in quotes", "x; filename=\"=?utf-8?B?w6kuZXhl?=\"", "filename", "\xc3\xa9.exe", R47},
    {"2047 Q in quotes", "x; filename=\"=?iso-8859-1?Q?r=E9sum=E9.exe?=\"", "filename",
     "r\xc3\xa9sum\xc3\xa9.exe", R47},
    {"2047 words joined", "x; filename=\"=?utf-8?Q?a?= =?utf-8?Q?b.exe?=\"", "filename", "ab.exe",
     R47},
    {"2047 unknown charset", "x; filename=\"=?x-nonesuch?Q?a?=.exe\"", "filename",
     "=?x-nonesuch?Q?a?=.exe", B},
    {"not an encoded word", "x; filename=\"=?a.exe\"", "filename", "=?a.exe", 0},
    {"2231 too many sections", "x; name*64=a", "name", "ERR", 0},
    {"2231 last section", "x; name*63=a", "name", "a", B | R31},
    {"boundary with spaces", "multipart/mixed; boundary=\"a b\"", "boundary", "a b", 0},
    {"charset", "text/plain; charset=\"UTF-8\"", "charset", "UTF-8", 0},
    {"raw UTF-8", "x; filename=\"r\xc3\xa9sum\xc3\xa9.pdf\"", "filename",
     "r\xc3\xa9sum\xc3\xa9.pdf", 0},
    {"raw Latin-1", "x; filename=\"r\xe9sum\xe9.pdf\"", "filename",
     "r\xef\xbf\xbdsum\xef\xbf\xbd.pdf", B},
    {"raw Latin-1 beside an encoded word", "x; filename=\"\xe9=?utf-8?q?a?=\"", "filename",
     "\xef\xbf\xbd"
     "a",
     B | R47},
};

START_TEST(test_mimeparam_table)
{
    struct buf b;
    unsigned fl = 0;
    char err[256] = "";
    int rc;
    const char *got;

    buf_init(&b, MIMEPARAM_VALUE_MAX);
    rc = mimeparam_get(rows[_i].value, strlen(rows[_i].value), rows[_i].attr, MIMEPARAM_O_2047, &b,
                       &fl, err, sizeof(err));
    got = rc == 1 ? buf_str(&b) : rc == 0 ? "-" : "ERR";
    ck_assert_msg(strcmp(got, rows[_i].want) == 0 && fl == rows[_i].flags,
                  "%s: got \"%s\" flags %#x want \"%s\" flags %#x (%s)", rows[_i].name, got, fl,
                  rows[_i].want, rows[_i].flags, err);
    ck_assert_msg(rc != -1 || err[0] != '\0', "%s: error without a reason", rows[_i].name);
    buf_free(&b);
}
END_TEST

START_TEST(test_mimeparam_no2047)
{
    /* a boundary or charset is taken as written: readers do not decode encoded words there */
    static const char v[] = "multipart/mixed; boundary=\"=?utf-8?q?abc?=\"";
    struct buf b;
    unsigned fl = 0;
    char err[128];

    buf_init(&b, MIMEPARAM_VALUE_MAX);
    ck_assert_int_eq(mimeparam_get(v, strlen(v), "boundary", 0, &b, &fl, err, sizeof(err)), 1);
    ck_assert_str_eq(buf_str(&b), "=?utf-8?q?abc?=");
    ck_assert_uint_eq(fl, 0);
    buf_free(&b);
}
END_TEST

START_TEST(test_mimeparam_value_max)
{
    /* a value of MIMEPARAM_VALUE_MAX - 1 + _i bytes, plain and in RFC 2231 pieces */
    size_t len = MIMEPARAM_VALUE_MAX - 1 + (size_t)_i, i;
    char *v = malloc(len * 2 + 64), *p;
    struct buf b;
    unsigned fl;
    char err[128];
    int rc;

    p = v + sprintf(v, "x; name=\"");
    memset(p, 'a', len);
    strcpy(p + len, "\"");
    buf_init(&b, MIMEPARAM_VALUE_MAX);
    rc = mimeparam_get(v, strlen(v), "name", MIMEPARAM_O_2047, &b, &fl, err, sizeof(err));
    ck_assert_msg(rc == (len <= MIMEPARAM_VALUE_MAX ? 1 : -1), "plain %zu: %d", len, rc);
    if (rc == 1)
        ck_assert_uint_eq(b.len, len);
    buf_reset(&b);
    p = v + sprintf(v, "x");
    for (i = 0; i * 32 < len; i++)
        p += sprintf(p, "; name*%zu=%.*s", i, (int)(len - i * 32 < 32 ? len - i * 32 : 32),
                     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    rc = mimeparam_get(v, strlen(v), "name", MIMEPARAM_O_2047, &b, &fl, err, sizeof(err));
    ck_assert_msg(rc == (len <= MIMEPARAM_VALUE_MAX ? 1 : -1), "pieces %zu: %d %s", len, rc, err);
    buf_free(&b);
    free(v);
}
END_TEST

START_TEST(test_mimeparam_section_text_max)
{
    /* one section of 3 * 4096 - 1 + _i bytes as written: a language tag long enough, then
     * 1300 percent-escaped ISO-2022-JP escapes (3900 raw bytes that convert to nothing), "a" */
    size_t len = 3 * 4 * MIMEPARAM_VALUE_MAX - 1 + (size_t)_i, lang, i;
    char *v = malloc(len + 64), *p = v, err[128];
    struct buf b;
    unsigned fl = 0;
    int rc;

    p += sprintf(p, "x; name*=iso-2022-jp'");
    lang = len - 13 - 1300 * 9 - 1;
    memset(p, 'l', lang);
    p += lang;
    *p++ = '\'';
    for (i = 0; i < 1300; i++)
        p += sprintf(p, "%%1B%%28%%42");
    strcpy(p, "a");
    buf_init(&b, MIMEPARAM_VALUE_MAX);
    rc = mimeparam_get(v, strlen(v), "name", 0, &b, &fl, err, sizeof(err));
    ck_assert_msg(rc == (len <= 3 * 4 * MIMEPARAM_VALUE_MAX ? 1 : -1), "%zu bytes: %d %s", len, rc,
                  rc == 1 ? buf_str(&b) : err);
    if (rc == 1)
        ck_assert_str_eq(buf_str(&b), "a");
    buf_free(&b);
    free(v);
}
END_TEST

START_TEST(test_mimeparam_raw_max)
{
    /* MIMEPARAM_RAW_MAX bounds the bytes before charset conversion: ISO-2022-JP escapes that
     * convert to nothing, in sections of 900 raw bytes, make a value of 4096 - 1 + _i raw
     * bytes that decodes to "a" (after one or two spaces when the escapes do not fit) */
    size_t raw = 4 * MIMEPARAM_VALUE_MAX - 1 + (size_t)_i, i, sec = 0;
    char *v = malloc(raw * 4 + 1024), *p = v, err[128];
    struct buf b;
    unsigned fl = 0;
    int rc;

    p += sprintf(p, "x; name*0*=iso-2022-jp''");
    for (i = 0; i + 3 <= raw - 1; i += 3) {
        if (i / 900 != sec)
            p += sprintf(p, "; name*%zu*=", ++sec);
        p += sprintf(p, "%%1B%%28%%42");
    }
    for (; i < raw - 1; i++)
        p += sprintf(p, "%%20");
    strcpy(p, "a");
    buf_init(&b, MIMEPARAM_VALUE_MAX);
    rc = mimeparam_get(v, strlen(v), "name", 0, &b, &fl, err, sizeof(err));
    ck_assert_msg(rc == (raw <= 4 * MIMEPARAM_VALUE_MAX ? 1 : -1), "%zu raw bytes: %d %s", raw, rc,
                  rc == 1 ? buf_str(&b) : err);
    if (rc == 1)
        ck_assert_msg(strcmp(buf_str(&b), raw % 3 == 1   ? "a"
                                          : raw % 3 == 2 ? " a"
                                                         : "  a") == 0,
                      "%zu raw bytes: \"%s\"", raw, buf_str(&b));
    buf_free(&b);
    free(v);
}
END_TEST

START_TEST(test_mimeparam_sections_max)
{
    /* MIMEPARAM_SECTIONS_MAX - 1 + _i sections name*0 .. */
    size_t n = MIMEPARAM_SECTIONS_MAX - 1 + (size_t)_i, i;
    char v[2048], *p = v, err[128];
    struct buf b;
    unsigned fl;
    int rc;

    p += sprintf(p, "x");
    for (i = 0; i < n; i++)
        p += sprintf(p, "; name*%zu=c", i);
    buf_init(&b, MIMEPARAM_VALUE_MAX);
    rc = mimeparam_get(v, strlen(v), "name", MIMEPARAM_O_2047, &b, &fl, err, sizeof(err));
    ck_assert_msg(rc == (n <= MIMEPARAM_SECTIONS_MAX ? 1 : -1), "%zu sections: %d", n, rc);
    if (rc == 1)
        ck_assert_msg(b.len == n && fl == MIMEPARAM_F_RFC2231, "%zu sections: %zu %#x", n, b.len,
                      fl);
    else
        ck_assert_str_eq(err, "parameter name has more than 64 sections");
    buf_free(&b);
}
END_TEST

static const struct {
    const char *name, *value, *want;
} tokrows[] = {
    {"type", "text/plain", "text/plain"},
    {"case, spaces, comment", " Text / HTML (c) ; charset=x", "text/html"},
    {"comment before", "(c) base64", "base64"},
    {"CTE with spaces", "  QUOTED-Printable  ", "quoted-printable"},
    {"empty", "", ""},
    {"only a comment", "(x)", ""},
    {"quote", "\"text/plain\"", ""},
    {"parameter without token", "filename=a", ""},
    {"slash without subtype", "text/", ""},
};

START_TEST(test_mimeparam_token_table)
{
    char tok[128];
    int rc = mimeparam_token(tokrows[_i].value, strlen(tokrows[_i].value), tok, sizeof(tok));

    ck_assert_msg(strcmp(tok, tokrows[_i].want) == 0 && rc == (tokrows[_i].want[0] != '\0'),
                  "%s: got \"%s\" (%d) want \"%s\"", tokrows[_i].name, tok, rc, tokrows[_i].want);
}
END_TEST

static Suite *
mimeparam_suite(void)
{
    Suite *s = suite_create("mimeparam");
    TCase *tc = tcase_create("mimeparam");

    tcase_add_loop_test(tc, test_mimeparam_table, 0, sizeof(rows) / sizeof(rows[0]));
    tcase_add_test(tc, test_mimeparam_no2047);
    tcase_add_loop_test(tc, test_mimeparam_value_max, 0, 3);
    tcase_add_loop_test(tc, test_mimeparam_sections_max, 0, 3);
    tcase_add_loop_test(tc, test_mimeparam_raw_max, 0, 3);
    tcase_add_loop_test(tc, test_mimeparam_section_text_max, 0, 3);
    tcase_add_loop_test(tc, test_mimeparam_token_table, 0, sizeof(tokrows) / sizeof(tokrows[0]));
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return testutil_run(mimeparam_suite());
}

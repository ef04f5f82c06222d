/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_smtpreply.c - the live audit's SMTP reply parser: each row a server's bytes and what is
 * read from them (the code, lines, text and bytes taken, "more" or the exact error), fed whole
 * and at every split point; the line, line count and text limits at limit-1, limit and limit+1;
 * whether an EHLO reply offers STARTTLS.
 */
#include "smtpreply.h"
#include "testutil.h"

static const struct {
    const char *name;
    const char *in;
    int rc;          /* 1 a reply, 0 read more, -1 refused */
    int code, lines; /* rc 1 */
    const char *out; /* rc 1: the text; rc -1: the reason */
    size_t used;     /* rc 1 */
} rows[] = {
    {"greeting", "220 mx.example.com ESMTP\r\n", 1, 220, 1, "mx.example.com ESMTP", 26},
    {"multi-line", "250-mx\r\n250-PIPELINING\r\n250 8BITMIME\r\n", 1, 250, 3, "8BITMIME", 38},
    {"bare LF", "250 ok\n", 1, 250, 1, "ok", 7},
    {"code alone", "250\r\n", 1, 250, 1, "", 5},
    {"next reply left", "250 a\r\n550 b\r\n", 1, 250, 1, "a", 7},
    {"control bytes shown as ?", "550 a\tb\x7f\xff\r\n", 1, 550, 1, "a?b??", 11},
    {"incomplete line", "250 mx.exa", 0, 0, 0, NULL, 0},
    {"continuation without its end", "250-mx\r\n250-PIPE", 0, 0, 0, NULL, 0},
    {"empty", "", 0, 0, 0, NULL, 0},
    {"no code", "hello\r\n", -1, 0, 0, "reply line 1 does not start with a reply code", 0},
    {"code out of range", "650 x\r\n", -1, 0, 0, "reply line 1 does not start with a reply code",
     0},
    {"second digit over 5", "260 x\r\n", -1, 0, 0, "reply line 1 does not start with a reply code",
     0},
    {"bad separator", "250+x\r\n", -1, 0, 0, "reply line 1 does not start with a reply code", 0},
    {"short code", "25\r\n", -1, 0, 0, "reply line 1 does not start with a reply code", 0},
    {"mixed codes", "250-a\r\n550 b\r\n", -1, 0, 0,
     "reply line 2 has code 550, the lines before 250", 0},
};

START_TEST(test_smtpreply_table)
{
    const char *in = rows[_i].in;
    size_t len = strlen(in), k, used;
    struct smtp_reply r;
    char why[128];
    int rc;

    rc = smtpreply_parse(in, len, &r, &used, why, sizeof(why));
    ck_assert_msg(rc == rows[_i].rc, "%s: got rc %d, want %d", rows[_i].name, rc, rows[_i].rc);
    if (rc == 1) {
        ck_assert_msg(r.code == rows[_i].code && r.nlines == rows[_i].lines &&
                          strcmp(r.text, rows[_i].out) == 0 && used == rows[_i].used,
                      "%s: got %d/%d \"%s\" used %zu, want %d/%d \"%s\" used %zu", rows[_i].name,
                      r.code, r.nlines, r.text, used, rows[_i].code, rows[_i].lines, rows[_i].out,
                      rows[_i].used);
        for (k = 0; k < used; k++) /* every shorter prefix: read more */
            ck_assert_msg(smtpreply_parse(in, k, &r, &used, why, sizeof(why)) == 0,
                          "%s: prefix of %zu bytes is not 'read more'", rows[_i].name, k);
    } else if (rc == -1) {
        ck_assert_msg(strcmp(why, rows[_i].out) == 0, "%s: got \"%s\", want \"%s\"", rows[_i].name,
                      why, rows[_i].out);
    }
}
END_TEST

/* A line of n bytes with its CRLF: "250 xxx...\r\n". */
static char *
line_of(size_t n, char sep)
{
    char *s = malloc(n + 1);

    memcpy(s, "250", 3);
    s[3] = sep;
    memset(s + 4, 'x', n - 6);
    memcpy(s + n - 2, "\r\n", 3);
    return s;
}

/* SMTPREPLY_LINE_MAX - 1, the limit (a line of 512 with its CRLF is RFC 5321's longest) and
 * one past it. */
START_TEST(test_smtpreply_line_limit)
{
    size_t n = SMTPREPLY_LINE_MAX - 1 + (size_t)_i, used;
    char *s = line_of(n, ' '), why[128];
    struct smtp_reply r;
    int rc = smtpreply_parse(s, n, &r, &used, why, sizeof(why));

    if (n <= SMTPREPLY_LINE_MAX)
        ck_assert_msg(rc == 1 && used == n, "line of %zu: got rc %d", n, rc);
    else
        ck_assert_msg(rc == -1 && strcmp(why, "reply line 1 is longer than 512 bytes") == 0,
                      "line of %zu: got rc %d (%s)", n, rc, rc == -1 ? why : "");
    free(s);
}
END_TEST

/* SMTPREPLY_LINES_MAX - 1, the limit and one past it. */
START_TEST(test_smtpreply_lines_limit)
{
    int n = SMTPREPLY_LINES_MAX - 1 + _i, i, rc;
    size_t len = 0, used;
    char *s = malloc((size_t)n * 8 + 1), why[128];
    struct smtp_reply r;

    for (i = 0; i < n; i++)
        len += (size_t)sprintf(s + len, "250%cab\r\n", i == n - 1 ? ' ' : '-');
    rc = smtpreply_parse(s, len, &r, &used, why, sizeof(why));
    if (n <= SMTPREPLY_LINES_MAX)
        ck_assert_msg(rc == 1 && r.nlines == n && used == len, "%d lines: got rc %d", n, rc);
    else
        ck_assert_msg(rc == -1 && strcmp(why, "reply has more than 64 lines") == 0,
                      "%d lines: got rc %d", n, rc);
    free(s);
}
END_TEST

/* SMTPREPLY_TEXT_MAX - 1, the limit and one past it: kept whole, or cut with "..." showing. */
START_TEST(test_smtpreply_text_limit)
{
    size_t t = SMTPREPLY_TEXT_MAX - 1 + (size_t)_i, used;
    char *s = line_of(t + 6, ' '), why[128];
    struct smtp_reply r;

    ck_assert_int_eq(smtpreply_parse(s, t + 6, &r, &used, why, sizeof(why)), 1);
    if (t <= SMTPREPLY_TEXT_MAX)
        ck_assert_msg(strlen(r.text) == t && strchr(r.text, '.') == NULL, "text of %zu: got %zu", t,
                      strlen(r.text));
    else
        ck_assert_msg(strlen(r.text) == SMTPREPLY_TEXT_MAX + 3 &&
                          strcmp(r.text + SMTPREPLY_TEXT_MAX, "...") == 0,
                      "text of %zu: got \"%s\"", t, r.text);
    free(s);
}
END_TEST

static const struct {
    const char *name;
    const char *in;
    int want;
} tls_rows[] = {
    {"a middle line", "250-mx\r\n250-STARTTLS\r\n250 8BITMIME\r\n", 1},
    {"the last line", "250-mx\r\n250 STARTTLS\r\n", 1},
    {"lower case", "250-mx\r\n250-starttls\r\n250 ok\r\n", 1},
    {"bare LF", "250-mx\n250-STARTTLS\n250 ok\n", 1},
    {"with a parameter", "250-mx\r\n250 STARTTLS x\r\n", 1},
    {"not offered", "250-mx\r\n250-PIPELINING\r\n250 8BITMIME\r\n", 0},
    {"a longer keyword", "250-mx\r\n250-STARTTLSX\r\n250 ok\r\n", 0},
    {"a keyword ending in it", "250-mx\r\n250-XSTARTTLS\r\n250 ok\r\n", 0},
    {"a parameter of another keyword", "250-mx\r\n250-AUTH STARTTLS\r\n250 ok\r\n", 0},
    {"the greeting's text", "250 STARTTLS-less mx\r\n", 0},
    {"cut before its line end", "250-mx\r\n250 STARTTLS", 0},
    {"empty", "", 0},
};

START_TEST(test_smtpreply_offers_tls)
{
    int got = smtpreply_offers_tls(tls_rows[_i].in, strlen(tls_rows[_i].in));

    ck_assert_msg(got == tls_rows[_i].want, "%s: got %d, want %d", tls_rows[_i].name, got,
                  tls_rows[_i].want);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("smtpreply");
    TCase *tc = tcase_create("smtpreply");

    tcase_add_loop_test(tc, test_smtpreply_table, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    tcase_add_loop_test(tc, test_smtpreply_line_limit, 0, 3);
    tcase_add_loop_test(tc, test_smtpreply_lines_limit, 0, 3);
    tcase_add_loop_test(tc, test_smtpreply_text_limit, 0, 3);
    tcase_add_loop_test(tc, test_smtpreply_offers_tls, 0,
                        (int)(sizeof(tls_rows) / sizeof(tls_rows[0])));
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

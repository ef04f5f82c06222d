/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_smtpclient.c - the live audit's SMTP client: whether an EHLO reply offers STARTTLS,
 * each row a server's reply and the answer. The sessions themselves are tested against
 * tests/unit/fakesmtp by liveaudit_cli.sh.
 */
#include "smtpclient.h"
#include "testutil.h"

static const struct {
    const char *name;
    const char *in;
    int want;
} rows[] = {
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

START_TEST(test_smtpclient_offers_tls)
{
    int got = smtpclient_offers_tls(rows[_i].in, strlen(rows[_i].in));

    ck_assert_msg(got == rows[_i].want, "%s: got %d, want %d", rows[_i].name, got, rows[_i].want);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("smtpclient");
    TCase *tc = tcase_create("smtpclient");

    tcase_add_loop_test(tc, test_smtpclient_offers_tls, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_util.c - log escaping: nothing from the network reaches a log line unescaped.
 */
#include "util.h"

#include "testutil.h"

#include <check.h>
#include <string.h>

static const struct {
    const char *name;
    const char *in;
    size_t max;
    const char *want;
} rows[] = {
    {"plain", "bob@example.com", 100, "bob@example.com"},
    {"CRLF", "a\r\nb", 100, "a\\x0d\\x0ab"},
    {"quote and backslash", "a\"b\\c", 100, "a\\\"b\\\\c"},
    {"NUL-free control", "\x01\x1f\x7f", 100, "\\x01\\x1f\\x7f"},
    {"8-bit", "caf\xc3\xa9", 100, "caf\\xc3\\xa9"},
    {"cut", "abcdefghij", 4, "abcd..."},
    {"percent is plain", "100%s", 100, "100%s"},
    {"empty", "", 100, ""},
};

START_TEST(test_escape_table)
{
    char out[256];

    util_escape(out, sizeof(out), rows[_i].in, rows[_i].max);
    ck_assert_msg(strcmp(out, rows[_i].want) == 0, "%s: got \"%s\" want \"%s\"", rows[_i].name, out,
                  rows[_i].want);
}
END_TEST

static const struct {
    const char *name;
    const char *in;
    int want;
} port_rows[] = {
    {"port 0 (any) is not one", "0", -1},
    {"port 1", "1", 1},
    {"port 25", "25", 25},
    {"limit-1", "65534", 65534},
    {"limit", "65535", 65535},
    {"limit+1", "65536", -1},
    {"99999 would wrap to 34463", "99999", -1},
    {"six digits", "100000", -1},
    {"leading zeros within five digits", "00025", 25},
    {"empty", "", -1},
    {"sign", "+25", -1},
    {"negative", "-1", -1},
    {"space", " 25", -1},
    {"service name", "smtp", -1},
    {"trailing junk", "25x", -1},
};

START_TEST(test_port_table)
{
    int got = util_port(port_rows[_i].in);

    ck_assert_msg(got == port_rows[_i].want, "%s: got %d want %d", port_rows[_i].name, got,
                  port_rows[_i].want);
}
END_TEST

/* An error quotes a token up to UTIL_ERR_TOKEN_MAX bytes and a path up to UTIL_ERR_PATH_MAX,
 * escaped; one byte more is cut and marked "...". */
START_TEST(test_errtok_limits)
{
    static const struct {
        const char *name;
        size_t len, max;
    } lim[] = {
        {"token limit-1", UTIL_ERR_TOKEN_MAX - 1, UTIL_ERR_TOKEN_MAX},
        {"token limit", UTIL_ERR_TOKEN_MAX, UTIL_ERR_TOKEN_MAX},
        {"token limit+1", UTIL_ERR_TOKEN_MAX + 1, UTIL_ERR_TOKEN_MAX},
        {"path limit-1", UTIL_ERR_PATH_MAX - 1, UTIL_ERR_PATH_MAX},
        {"path limit", UTIL_ERR_PATH_MAX, UTIL_ERR_PATH_MAX},
        {"path limit+1", UTIL_ERR_PATH_MAX + 1, UTIL_ERR_PATH_MAX},
    };
    char in[UTIL_ERR_PATH_MAX + 2], want[UTIL_ERR_PATH_SIZE], tok[UTIL_ERR_TOKEN_SIZE],
        path[UTIL_ERR_PATH_SIZE];
    const char *got;
    size_t n = lim[_i].len, shown = n > lim[_i].max ? lim[_i].max : n;

    memset(in, 'a', n);
    in[n] = '\0';
    memset(want, 'a', shown);
    strcpy(want + shown, n > lim[_i].max ? "..." : "");
    got = lim[_i].max == UTIL_ERR_TOKEN_MAX ? util_errtok(tok, in) : util_errpath(path, in);
    ck_assert_msg(strcmp(got, want) == 0, "%s: got %zu bytes \"%.8s...\", want %zu", lim[_i].name,
                  strlen(got), got, strlen(want));
}
END_TEST

/* Escaped to the full width: every byte \xNN still fits the buffer, with the mark. */
START_TEST(test_errtok_all_escaped)
{
    char in[UTIL_ERR_TOKEN_MAX + 2], buf[UTIL_ERR_TOKEN_SIZE];

    memset(in, '\x01', sizeof(in) - 1);
    in[sizeof(in) - 1] = '\0';
    util_errtok(buf, in);
    ck_assert_uint_eq(strlen(buf), UTIL_ERR_TOKEN_MAX * 4 + 3);
    ck_assert_str_eq(buf + UTIL_ERR_TOKEN_MAX * 4, "...");
}
END_TEST

/* A small buffer is never overrun and always terminated. */
START_TEST(test_escape_small_buffer)
{
    char out[8];
    size_t n;

    for (n = 1; n <= sizeof(out); n++) {
        memset(out, 'Z', sizeof(out));
        util_escape(out, n, "\r\r\r\r\r\r", 100);
        ck_assert(memchr(out, '\0', n) != NULL);
    }
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("escape");

    tcase_add_loop_test(tc, test_escape_table, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    tcase_add_test(tc, test_escape_small_buffer);
    tcase_add_loop_test(tc, test_errtok_limits, 0, 6);
    tcase_add_test(tc, test_errtok_all_escaped);
    tcase_add_loop_test(tc, test_port_table, 0, (int)(sizeof(port_rows) / sizeof(port_rows[0])));
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_mime.c - the streaming MIME parser. Each row is a message (header, blank line, body)
 * and the event dump it must give (tests/mime/dump.h), fed in one piece, at every split point
 * of the body and byte by byte: the dumps must be identical. Then every named limit at
 * limit - 1, limit and limit + 1.
 */
#define _GNU_SOURCE
#include "mime.h"
#include "mimeparam.h"
#include "testutil.h"
#include "../mime/dump.h"

#define ROW(name, msg, want) {name, msg, sizeof(msg) - 1, want}
static const struct {
    const char *name;
    const char *msg;
    size_t len;
    const char *want;
} rows[] = {
#include "mime_rows.h"
};

static size_t
ck_split_at(void *arg, size_t i)
{
    return i == 0 ? *(size_t *)arg : 0;
}

static size_t
ck_one(void *arg, size_t i)
{
    (void)arg;
    (void)i;
    return 1;
}

START_TEST(test_mime_table)
{
    struct dump one = {0};
    const char *msg = rows[_i].msg, *body;
    size_t n = rows[_i].len, k;

    dump_message(&one, msg, n, NULL, NULL);
    ck_assert_msg(strcmp(one.s, rows[_i].want) == 0, "%s:\n got:\n%s\n want:\n%s", rows[_i].name,
                  one.s, rows[_i].want);
    body = memmem(msg, n, "\n\n", 2);
    body = body != NULL ? body + 2 : msg;
    if (memmem(msg, n, "\r\n\r\n", 4) != NULL && (const char *)memmem(msg, n, "\r\n\r\n", 4) + 4 < body)
        body = (const char *)memmem(msg, n, "\r\n\r\n", 4) + 4;
    for (k = 1; k < (size_t)(msg + n - body); k++) {
        struct dump d = {0};
        dump_message(&d, msg, n, ck_split_at, &k);
        ck_assert_msg(strcmp(d.s, one.s) == 0, "%s: split at %zu:\n got:\n%s\n want:\n%s",
                      rows[_i].name, k, d.s, one.s);
        free(d.s);
    }
    {
        struct dump d = {0};
        dump_message(&d, msg, n, ck_one, NULL);
        ck_assert_msg(strcmp(d.s, one.s) == 0, "%s: byte by byte:\n got:\n%s\n want:\n%s",
                      rows[_i].name, d.s, one.s);
        free(d.s);
    }
    free(one.s);
}
END_TEST

static Suite *
mime_suite(void)
{
    Suite *s = suite_create("mime");
    TCase *tc = tcase_create("mime");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_mime_table, 0, sizeof(rows) / sizeof(rows[0]));
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return testutil_run(mime_suite());
}

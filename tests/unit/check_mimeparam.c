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
};

START_TEST(test_mimeparam_table)
{
    struct buf b;
    unsigned fl = 0;
    char err[256] = "";
    int rc;
    const char *got;

    buf_init(&b, MIMEPARAM_VALUE_MAX);
    rc = mimeparam_get(rows[_i].value, strlen(rows[_i].value), rows[_i].attr, &b, &fl, err,
                       sizeof(err));
    got = rc == 1 ? buf_str(&b) : rc == 0 ? "-" : "ERR";
    ck_assert_msg(strcmp(got, rows[_i].want) == 0 && fl == rows[_i].flags,
                  "%s: got \"%s\" flags %#x want \"%s\" flags %#x (%s)", rows[_i].name, got, fl,
                  rows[_i].want, rows[_i].flags, err);
    ck_assert_msg(rc != -1 || err[0] != '\0', "%s: error without a reason", rows[_i].name);
    buf_free(&b);
}
END_TEST

static Suite *
mimeparam_suite(void)
{
    Suite *s = suite_create("mimeparam");
    TCase *tc = tcase_create("mimeparam");

    tcase_add_loop_test(tc, test_mimeparam_table, 0, sizeof(rows) / sizeof(rows[0]));
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return testutil_run(mimeparam_suite());
}

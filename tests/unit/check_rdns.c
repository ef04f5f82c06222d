/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_rdns.c - the iprev verdict from MTA macros and from lookups, the stamp and
 * Authentication-Results texts (hostile names included), and recognising our authserv-id.
 */
#include "rdns.h"
#include "testutil.h"

static const struct {
    const char *name;
    const char *resolve, *ptr, *cname;
    int rc;
    const char *want; /* "verdict|ptr|detail" */
} macro_rows[] = {
    {"OK names the confirmed name", "OK", "ptr.example", "mx.example", 0, "pass|mx.example|"},
    {"OK without client_name", "OK", "mx.example", "", 0, "pass|mx.example|"},
    {"FORGED keeps the PTR name", "FORGED", "liar.example", "unknown", 0,
     "unverified|liar.example|does not resolve back"},
    {"FAIL is no PTR", "FAIL", "", "unknown", 0, "unverified||no PTR record"},
    {"FAIL ignores a stale name", "FAIL", "x.example", "unknown", 0, "unverified||no PTR record"},
    {"TEMP", "TEMP", "", "unknown", 0, "failed||temporary lookup failure"},
    {"no client_resolve", "", "mx.example", "mx.example", -1, ""},
    {"client_resolve missing", NULL, NULL, NULL, -1, ""},
    {"unknown value", "MAYBE", "", "", -1, ""},
    {"lower case is not a verdict", "ok", "", "", -1, ""},
    {"control characters in the name", "OK", "", "mx\r\nX-Evil: 1.example", 0,
     "pass|mx??X-Evil??1.example|"},
    {"8-bit name", "FORGED", "m\xc3\xa9.example", "", 0,
     "unverified|m??.example|does not resolve back"},
    {"bracketed address as name", "FORGED", "[192.0.2.7]", "", 0,
     "unverified||does not resolve back"},
};

static const struct {
    const char *name;
    enum rdns_status ptr;
    const char *ptrname;
    enum rdns_status fwd;
    int match;
    const char *want;
} lookup_rows[] = {
    {"confirmed", RDNS_OK, "mx.example", RDNS_OK, 1, "pass|mx.example|"},
    {"points elsewhere", RDNS_OK, "mx.example", RDNS_OK, 0,
     "unverified|mx.example|does not resolve back"},
    {"name without address", RDNS_OK, "mx.example", RDNS_NONE, 0,
     "unverified|mx.example|has no address record"},
    {"no PTR", RDNS_NONE, NULL, RDNS_NONE, 0, "unverified||no PTR record"},
    {"SERVFAIL on PTR", RDNS_SERVFAIL, NULL, RDNS_NONE, 0, "failed||SERVFAIL"},
    {"timeout on PTR", RDNS_TIMEOUT, NULL, RDNS_NONE, 0, "temperror||timeout"},
    {"SERVFAIL forward", RDNS_OK, "mx.example", RDNS_SERVFAIL, 0,
     "failed|mx.example|SERVFAIL on the forward lookup"},
    {"timeout forward", RDNS_OK, "mx.example", RDNS_TIMEOUT, 0,
     "temperror|mx.example|timeout on the forward lookup"},
};

static void
show(const struct rdns_result *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s|%s|%s", rdns_verdict_name(r->verdict), r->ptr, r->detail);
}

START_TEST(test_rdns_macros)
{
    struct rdns_result r;
    char got[512];
    int rc = rdns_from_macros(macro_rows[_i].resolve, macro_rows[_i].ptr, macro_rows[_i].cname, &r);

    ck_assert_msg(rc == macro_rows[_i].rc, "%s: rc %d", macro_rows[_i].name, rc);
    if (rc == 0) {
        show(&r, got, sizeof(got));
        ck_assert_msg(strcmp(got, macro_rows[_i].want) == 0, "%s: got \"%s\" want \"%s\"",
                      macro_rows[_i].name, got, macro_rows[_i].want);
        ck_assert_str_eq(r.source, "mta");
    }
}
END_TEST

START_TEST(test_rdns_lookups)
{
    struct rdns_result r;
    char got[512];

    rdns_from_lookup(lookup_rows[_i].ptr, lookup_rows[_i].ptrname, lookup_rows[_i].fwd,
                     lookup_rows[_i].match, &r);
    show(&r, got, sizeof(got));
    ck_assert_msg(strcmp(got, lookup_rows[_i].want) == 0, "%s: got \"%s\" want \"%s\"",
                  lookup_rows[_i].name, got, lookup_rows[_i].want);
}
END_TEST

/* The stamp and Authentication-Results for each verdict. */
START_TEST(test_rdns_headers)
{
    static const struct {
        enum rdns_status ptr;
        enum rdns_status fwd;
        int match;
        const char *stamp, *ar;
    } rows[] = {
        {RDNS_OK, RDNS_OK, 1, "192.0.2.7 verified mx.example",
         "mx.test; iprev=pass smtp.remote-ip=192.0.2.7 policy.iprev=192.0.2.7 (mx.example)"},
        {RDNS_OK, RDNS_OK, 0, "192.0.2.7 unverified (ptr=mx.example does not resolve back)",
         "mx.test; iprev=fail smtp.remote-ip=192.0.2.7 policy.iprev=192.0.2.7 (mx.example does "
         "not resolve back)"},
        {RDNS_NONE, RDNS_NONE, 0, "192.0.2.7 unverified (no PTR record)",
         "mx.test; iprev=permerror smtp.remote-ip=192.0.2.7 policy.iprev=192.0.2.7 (no PTR "
         "record)"},
        {RDNS_SERVFAIL, RDNS_NONE, 0, "192.0.2.7 RDNS failed (SERVFAIL)",
         "mx.test; iprev=temperror smtp.remote-ip=192.0.2.7 policy.iprev=192.0.2.7 (SERVFAIL)"},
        {RDNS_TIMEOUT, RDNS_NONE, 0, "192.0.2.7 RDNS failed (timeout)",
         "mx.test; iprev=temperror smtp.remote-ip=192.0.2.7 policy.iprev=192.0.2.7 (timeout)"},
    };
    struct rdns_result r;
    char buf[1024];
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        rdns_from_lookup(rows[i].ptr, "mx.example", rows[i].fwd, rows[i].match, &r);
        rdns_format_stamp(&r, "192.0.2.7", buf, sizeof(buf));
        ck_assert_str_eq(buf, rows[i].stamp);
        rdns_format_ar(&r, "mx.test", "192.0.2.7", buf, sizeof(buf));
        ck_assert_str_eq(buf, rows[i].ar);
    }
}
END_TEST

/* A hostile PTR name: control bytes, a header injection attempt, 600 octets. */
START_TEST(test_rdns_hostile_names)
{
    char name[700], buf[2048];
    struct rdns_result r;

    memset(name, 'a', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    memcpy(name, "x\r\nBcc: victim@example.org\r\n", 29);
    rdns_from_lookup(RDNS_OK, name, RDNS_OK, 0, &r);
    ck_assert_uint_le(strlen(r.ptr), RDNS_NAME_MAX);
    ck_assert_ptr_null(strpbrk(r.ptr, "\r\n :@"));
    rdns_format_stamp(&r, "192.0.2.7", buf, sizeof(buf));
    ck_assert_ptr_null(strpbrk(buf, "\r\n"));
    rdns_format_ar(&r, "mx.test", "192.0.2.7\r\nX: y", buf, sizeof(buf));
    ck_assert_ptr_null(strpbrk(buf, "\r\n"));
}
END_TEST

START_TEST(test_rdns_ar_ours)
{
    ck_assert(rdns_ar_is_ours("mx.test; iprev=pass", "mx.test"));
    ck_assert(rdns_ar_is_ours("MX.TEST; spf=pass", "mx.test"));
    ck_assert(rdns_ar_is_ours("  mx.test;", "mx.test"));
    ck_assert(rdns_ar_is_ours("(comment) mx.test; none", "mx.test"));
    ck_assert(rdns_ar_is_ours("\r\n\tmx.test;", "mx.test"));
    ck_assert(rdns_ar_is_ours("\"mx.test\"; none", "mx.test"));
    ck_assert(rdns_ar_is_ours("mx.test 1; none", "mx.test"));
    ck_assert(rdns_ar_is_ours("mx.test", "mx.test"));
    ck_assert(!rdns_ar_is_ours("other.test; iprev=pass", "mx.test"));
    ck_assert(!rdns_ar_is_ours("mx.test.evil; iprev=pass", "mx.test"));
    ck_assert(!rdns_ar_is_ours("x.mx.test; iprev=pass", "mx.test"));
    ck_assert(!rdns_ar_is_ours("", "mx.test"));
    ck_assert(!rdns_ar_is_ours("(unterminated mx.test;", "mx.test"));
}
END_TEST

START_TEST(test_rdns_words)
{
    ck_assert_int_eq(rdns_parse_verdict("pass"), RDNS_PASS);
    ck_assert_int_eq(rdns_parse_verdict("unverified"), RDNS_UNVERIFIED);
    ck_assert_int_eq(rdns_parse_verdict("failed"), RDNS_FAILED);
    ck_assert_int_eq(rdns_parse_verdict("temperror"), RDNS_TEMPERROR);
    ck_assert_int_eq(rdns_parse_verdict("fail"), -1);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("rdns");
    TCase *tc = tcase_create("verdict");

    tcase_add_loop_test(tc, test_rdns_macros, 0, (int)(sizeof(macro_rows) / sizeof(macro_rows[0])));
    tcase_add_loop_test(tc, test_rdns_lookups, 0,
                        (int)(sizeof(lookup_rows) / sizeof(lookup_rows[0])));
    tcase_add_test(tc, test_rdns_headers);
    tcase_add_test(tc, test_rdns_hostile_names);
    tcase_add_test(tc, test_rdns_ar_ours);
    tcase_add_test(tc, test_rdns_words);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

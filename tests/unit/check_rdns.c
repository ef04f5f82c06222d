/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_rdns.c - the iprev verdict from MTA macros and from lookups (one PTR name and many,
 * up to the RDNS_PTR_MAX limit), which PTR names count as host names, the stamp and
 * Authentication-Results texts (hostile and over-long names included).
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

/*
 * Several PTR names: any one confirming is a pass; a failed lookup of one that might have
 * confirmed is never "unverified". Each name is written "NAME STATUS" (the last space splits),
 * names joined by " | ": STATUS is ok (answered, no match), ok+ (answered, matches), none,
 * servfail, servfail/WHY (the resolver's word) or timeout; NAME "(null)" is a NULL pointer.
 */
static const struct {
    const char *name;
    enum rdns_status ptr;
    const char *names;
    const char *want;
} multi_rows[] = {
    {"second of two confirms", RDNS_OK, "a.example ok | b.example ok+", "pass|b.example|"},
    {"first of two confirms", RDNS_OK, "a.example ok+ | b.example ok", "pass|a.example|"},
    {"both confirm: the first is named", RDNS_OK, "a.example ok+ | b.example ok+",
     "pass|a.example|"},
    {"neither confirms: the first is named", RDNS_OK, "a.example ok | b.example ok",
     "unverified|a.example|does not resolve back; none of 2 PTR names resolves back"},
    {"first has no address, second elsewhere", RDNS_OK, "a.example none | b.example ok",
     "unverified|a.example|has no address record; none of 2 PTR names resolves back"},
    {"a SERVFAIL does not hide a confirming name", RDNS_OK, "a.example servfail | b.example ok+",
     "pass|b.example|"},
    {"a timeout does not hide a confirming name", RDNS_OK,
     "a.example ok | b.example timeout | c.example ok+", "pass|c.example|"},
    {"SERVFAIL and no match is failed, not unverified", RDNS_OK,
     "a.example ok | b.example servfail", "failed|b.example|SERVFAIL on the forward lookup"},
    {"timeout and no match is temperror, not unverified", RDNS_OK,
     "a.example none | b.example timeout", "temperror|b.example|timeout on the forward lookup"},
    {"two failures: the first in PTR order decides", RDNS_OK,
     "a.example ok | b.example timeout | c.example servfail",
     "temperror|b.example|timeout on the forward lookup"},
    {"the resolver's word for a failure", RDNS_OK, "a.example ok | b.example servfail/REFUSED",
     "failed|b.example|REFUSED on the forward lookup"},
    {"a non-host name never confirms", RDNS_OK, "a b.example ok+",
     "unverified|a?b.example|is not a host name"},
    {"an address as PTR name never confirms", RDNS_OK, "192.0.2.7 ok+ | b.example ok",
     "unverified|192.0.2.7|is not a host name; none of 2 PTR names resolves back"},
    {"escaped bytes from the resolver never confirm", RDNS_OK, "a\\.b.example ok+",
     "unverified|a?.b.example|is not a host name"},
    {"a non-host name's failure is no reason to wait", RDNS_OK,
     "-a.example servfail | b.example ok",
     "unverified|-a.example|is not a host name; none of 2 PTR names resolves back"},
    {"a non-host name does not hide a confirming one", RDNS_OK, "a..example ok+ | b.example ok+",
     "pass|b.example|"},
    {"PTR answered without names", RDNS_OK, "", "unverified||no PTR record"},
    {"a NULL name", RDNS_OK, "(null) ok+", "unverified||is not a host name"},
    {"names are ignored when the PTR lookup failed", RDNS_SERVFAIL, "a.example ok+",
     "failed||SERVFAIL"},
    {"names are ignored when the PTR lookup timed out", RDNS_TIMEOUT, "a.example ok+",
     "temperror||timeout"},
    {"names are ignored when there is no PTR", RDNS_NONE, "a.example ok+",
     "unverified||no PTR record"},
};

/* Parses a multi_rows names text into fwd (names point into buf); returns the count. */
static int
parse_names(const char *text, char *buf, size_t len, struct rdns_fwd *fwd, int max)
{
    char *p, *sp, *st;
    int n = 0;

    snprintf(buf, len, "%s", text);
    for (p = buf; *p != '\0' && n < max; n++) {
        char *end = strstr(p, " | ");
        if (end != NULL)
            *end = '\0';
        sp = strrchr(p, ' ');
        ck_assert_ptr_nonnull(sp);
        *sp = '\0';
        st = sp + 1;
        fwd[n].name = strcmp(p, "(null)") == 0 ? NULL : p;
        fwd[n].matched = strcmp(st, "ok+") == 0;
        fwd[n].why = strncmp(st, "servfail/", 9) == 0 ? st + 9 : NULL;
        fwd[n].status = strncmp(st, "ok", 2) == 0         ? RDNS_OK
                        : strcmp(st, "none") == 0         ? RDNS_NONE
                        : strncmp(st, "servfail", 8) == 0 ? RDNS_SERVFAIL
                                                          : RDNS_TIMEOUT;
        p = end != NULL ? end + 3 : p + strlen(p);
    }
    return n;
}

/* The RDNS_PTR_MAX limit: n names n1.example ..., the one at 'at' (1-based, 0: none) confirms,
 * the one at 'fail' (0: none) timed out. */
static const struct {
    const char *name;
    int n, at, fail;
    const char *want;
} limit_rows[] = {
    {"9 names, the 9th confirms", RDNS_PTR_MAX - 1, RDNS_PTR_MAX - 1, 0, "pass|n9.example|"},
    {"10 names, the 10th confirms", RDNS_PTR_MAX, RDNS_PTR_MAX, 0, "pass|n10.example|"},
    {"11 names, the 10th confirms", RDNS_PTR_MAX + 1, RDNS_PTR_MAX, 0, "pass|n10.example|"},
    {"11 names, the 11th is not looked at", RDNS_PTR_MAX + 1, RDNS_PTR_MAX + 1, 0,
     "unverified|n1.example|does not resolve back; none of the first 10 PTR names resolves back, "
     "the rest were not checked"},
    {"9 names, none confirms", RDNS_PTR_MAX - 1, 0, 0,
     "unverified|n1.example|does not resolve back; none of 9 PTR names resolves back"},
    {"10 names, none confirms", RDNS_PTR_MAX, 0, 0,
     "unverified|n1.example|does not resolve back; none of 10 PTR names resolves back"},
    {"10 names, the 10th timed out", RDNS_PTR_MAX, 0, RDNS_PTR_MAX,
     "temperror|n10.example|timeout on the forward lookup"},
    {"11 names, a timeout on the 11th is not looked at", RDNS_PTR_MAX + 1, 0, RDNS_PTR_MAX + 1,
     "unverified|n1.example|does not resolve back; none of the first 10 PTR names resolves back, "
     "the rest were not checked"},
    {"1 name", 1, 0, 0, "unverified|n1.example|does not resolve back"},
};

/* Host names: what is worth a forward lookup, at the length limits. */
static const struct {
    const char *name;
    const char *host;
    int want;
} host_rows[] = {
    {"plain", "mx.example.com", 1},
    {"one label", "localhost", 1},
    {"upper case", "MX.Example.COM", 1},
    {"digits inside", "host-192-0-2-7.example", 1},
    {"digits first label", "123.example", 1},
    {"underscore (as Postfix allows)", "a_b.example", 1},
    {"IDN A-label", "xn--bcher-kva.example", 1},
    {"address", "192.0.2.7", 0},
    {"numeric last label", "host.123", 0},
    {"empty", "", 0},
    {"root", ".", 0},
    {"leading dot", ".example", 0},
    {"trailing dot", "mx.example.", 0},
    {"empty label", "a..example", 0},
    {"leading hyphen", "-a.example", 0},
    {"trailing hyphen", "a-.example", 0},
    {"space", "a b.example", 0},
    {"escaped dot from c-ares", "a\\.b.example", 0},
    {"escaped byte from c-ares", "a\\255.example", 0},
    {"8-bit", "m\xc3\xa9.example", 0},
    {"control", "a\r\n.example", 0},
    {"slash", "a/b.example", 0},
};

static void
show(const struct rdns_result *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s|%s|%s", rdns_verdict_name(r->verdict), r->ptr, r->detail);
}

START_TEST(test_rdns_multi)
{
    struct rdns_fwd fwd[8];
    struct rdns_result r;
    char got[512], buf[256];
    int n = parse_names(multi_rows[_i].names, buf, sizeof(buf), fwd, 8);

    rdns_from_lookups(multi_rows[_i].ptr, fwd, n, &r);
    show(&r, got, sizeof(got));
    ck_assert_msg(strcmp(got, multi_rows[_i].want) == 0, "%s: got \"%s\" want \"%s\"",
                  multi_rows[_i].name, got, multi_rows[_i].want);
    ck_assert_str_eq(r.source, "dns");
}
END_TEST

START_TEST(test_rdns_ptr_limit)
{
    struct rdns_fwd fwd[RDNS_PTR_MAX + 2];
    char names[RDNS_PTR_MAX + 2][32], got[512];
    struct rdns_result r;
    int i;

    ck_assert_int_le(limit_rows[_i].n, RDNS_PTR_MAX + 2);
    for (i = 0; i < limit_rows[_i].n; i++) {
        snprintf(names[i], sizeof(names[i]), "n%d.example", i + 1);
        fwd[i].name = names[i];
        fwd[i].status = i + 1 == limit_rows[_i].fail ? RDNS_TIMEOUT : RDNS_OK;
        fwd[i].matched = i + 1 == limit_rows[_i].at;
        fwd[i].why = NULL;
    }
    rdns_from_lookups(RDNS_OK, fwd, limit_rows[_i].n, &r);
    show(&r, got, sizeof(got));
    ck_assert_msg(strcmp(got, limit_rows[_i].want) == 0, "%s: got \"%s\" want \"%s\"",
                  limit_rows[_i].name, got, limit_rows[_i].want);
}
END_TEST

START_TEST(test_rdns_host)
{
    int got = rdns_name_is_host(host_rows[_i].host);

    ck_assert_msg(got == host_rows[_i].want, "%s: \"%s\": got %d want %d", host_rows[_i].name,
                  host_rows[_i].host, got, host_rows[_i].want);
}
END_TEST

/* RDNS_NAME_MAX - 1, RDNS_NAME_MAX and RDNS_NAME_MAX + 1 octets, and a 63/64-octet label. A
 * name one octet too long must not be cut into one that passes, nor shown as a valid name. */
START_TEST(test_rdns_name_limit)
{
    static const struct {
        size_t len;
        int host;
    } rows[] = {{RDNS_NAME_MAX - 1, 1}, {RDNS_NAME_MAX, 1}, {RDNS_NAME_MAX + 1, 0}, {300, 0}};
    char name[400], label[70];
    struct rdns_result r;
    size_t i, j;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        /* "aaa...a.aaa..." : labels of 50 and a last one to make up the length */
        for (j = 0; j < rows[i].len; j++)
            name[j] = j % 51 == 50 ? '.' : 'a';
        name[rows[i].len] = '\0';
        ck_assert_msg(rdns_name_is_host(name) == rows[i].host, "%zu octets: got %d want %d",
                      rows[i].len, rdns_name_is_host(name), rows[i].host);
        rdns_from_lookup(RDNS_OK, name, RDNS_OK, 1, &r);
        ck_assert_msg((r.verdict == RDNS_PASS) == rows[i].host, "%zu octets: verdict %s",
                      rows[i].len, rdns_verdict_name(r.verdict));
        ck_assert_uint_le(strlen(r.ptr), RDNS_NAME_MAX);
        if (rows[i].host) {
            ck_assert_str_eq(r.ptr, name);
        } else {
            /* shown cut and marked, never as a name of its own */
            ck_assert_uint_eq(strlen(r.ptr), RDNS_NAME_MAX);
            ck_assert_str_eq(r.ptr + RDNS_NAME_MAX - 3, "...");
            ck_assert(!rdns_name_is_host(r.ptr));
        }
    }
    memset(label, 'a', sizeof(label));
    memcpy(label + 63, ".ex", 4);
    ck_assert_msg(rdns_name_is_host(label), "63-octet label refused");
    memset(label, 'a', sizeof(label));
    memcpy(label + 64, ".ex", 4);
    ck_assert_msg(!rdns_name_is_host(label), "64-octet label accepted");
}
END_TEST

/* A small buffer: the name is cut and marked, never written past. */
START_TEST(test_rdns_sanitize_short)
{
    char buf[8];

    rdns_sanitize_name(buf, sizeof(buf), "mx.example");
    ck_assert_str_eq(buf, "mx.e...");
    rdns_sanitize_name(buf, sizeof(buf), "mx.exa");
    ck_assert_str_eq(buf, "mx.exa");
    rdns_sanitize_name(buf, sizeof(buf), "mx.exam");
    ck_assert_str_eq(buf, "mx.exam");
    rdns_sanitize_name(buf, 3, "mx.exam");
    ck_assert_str_eq(buf, "");
    rdns_sanitize_name(buf, sizeof(buf), NULL);
    ck_assert_str_eq(buf, "");
}
END_TEST

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

/* The longest texts fit RDNS_HEADER_MAX; a buffer too short gets "" and -1, never a cut. */
START_TEST(test_rdns_header_room)
{
    char name[RDNS_NAME_MAX + 1], buf[RDNS_HEADER_MAX], small[40];
    struct rdns_fwd fwd[RDNS_PTR_MAX + 1];
    struct rdns_result r;
    int i;

    memset(name, 'a', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    for (i = 0; i < RDNS_PTR_MAX + 1; i++) {
        fwd[i].name = "x"; /* one-label names that do not resolve back */
        fwd[i].status = RDNS_OK;
        fwd[i].matched = 0;
        fwd[i].why = NULL;
    }
    fwd[0].name = "a a"; /* longest detail: "is not a host name; ... not checked" */
    rdns_from_lookups(RDNS_OK, fwd, RDNS_PTR_MAX + 1, &r);
    ck_assert_msg(strlen(r.detail) < RDNS_DETAIL_MAX, "detail cut: %s", r.detail);
    ck_assert_str_eq(r.detail, "is not a host name; none of the first 10 PTR names resolves back, "
                               "the rest were not checked");
    memset(r.ptr, 'a', RDNS_NAME_MAX);
    r.ptr[RDNS_NAME_MAX] = '\0';
    ck_assert_int_eq(
        rdns_format_stamp(&r, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", buf, sizeof(buf)),
        0);
    ck_assert_int_eq(
        rdns_format_ar(&r, name, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", buf, sizeof(buf)),
        0);
    ck_assert_int_eq(rdns_format_stamp(&r, "192.0.2.7", small, sizeof(small)), -1);
    ck_assert_str_eq(small, "");
    ck_assert_int_eq(rdns_format_ar(&r, "mx.test", "192.0.2.7", small, sizeof(small)), -1);
    ck_assert_str_eq(small, "");
    /* an "address" too long to be one is written as "?", not cut */
    memset(name, '1', sizeof(name) - 1);
    rdns_from_lookup(RDNS_NONE, NULL, RDNS_NONE, 0, &r);
    ck_assert_int_eq(rdns_format_stamp(&r, name, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "? unverified (no PTR record)");
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
    tcase_add_loop_test(tc, test_rdns_multi, 0, (int)(sizeof(multi_rows) / sizeof(multi_rows[0])));
    tcase_add_loop_test(tc, test_rdns_ptr_limit, 0,
                        (int)(sizeof(limit_rows) / sizeof(limit_rows[0])));
    tcase_add_loop_test(tc, test_rdns_host, 0, (int)(sizeof(host_rows) / sizeof(host_rows[0])));
    tcase_add_test(tc, test_rdns_name_limit);
    tcase_add_test(tc, test_rdns_sanitize_short);
    tcase_add_test(tc, test_rdns_headers);
    tcase_add_test(tc, test_rdns_hostile_names);
    tcase_add_test(tc, test_rdns_header_room);
    tcase_add_test(tc, test_rdns_words);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

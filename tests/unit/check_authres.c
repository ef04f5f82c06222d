/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_authres.c - reading the authserv-id of Authentication-Results headers: hostile
 * spellings of our id that must be removed, neighbours that must be kept, what cannot be read
 * (removed), the AUTHRES_ID_MAX limit, every prefix of every row, and header name matching.
 */
#include "authres.h"
#include "testutil.h"

#define OURS "mx.example.com"

/* want_id NULL: not parseable, so treated as ours. */
static const struct {
    const char *name;
    const char *value;
    int ours;
    const char *want_id;
} rows[] = {
    /* Ours, however it is spelled: removed. */
    {"plain", "mx.example.com; iprev=pass", 1, "mx.example.com"},
    {"upper case", "MX.Example.COM; iprev=pass", 1, "MX.Example.COM"},
    {"leading white space", "  \t mx.example.com; none", 1, "mx.example.com"},
    {"folded before the id (CRLF)", "\r\n\tmx.example.com; none", 1, "mx.example.com"},
    {"folded before the id (LF, as MTAs hand it over)", "\n mx.example.com; none", 1,
     "mx.example.com"},
    {"comment before", "(comment) mx.example.com; iprev=pass", 1, "mx.example.com"},
    {"escaped ) inside a comment", "(a\\) b) mx.example.com; iprev=pass", 1, "mx.example.com"},
    {"escaped ( inside a comment", "(a\\( b) mx.example.com; iprev=pass", 1, "mx.example.com"},
    {"escaped backslash ends a comment", "(a\\\\) mx.example.com; iprev=pass", 1, "mx.example.com"},
    {"nested comments", "(a (b (c)) d)mx.example.com; iprev=pass", 1, "mx.example.com"},
    {"folded comment", "(a\r\n b)\n mx.example.com; iprev=pass", 1, "mx.example.com"},
    {"8-bit in a comment (RFC 6532)", "(r\xc3\xa9sultat) mx.example.com; iprev=pass", 1,
     "mx.example.com"},
    {"several comments", "(a)(b) (c) mx.example.com; iprev=pass", 1, "mx.example.com"},
    {"quoted id", "\"mx.example.com\"; iprev=pass", 1, "mx.example.com"},
    {"quoted-pair in a quoted id", "\"mx.ex\\ample.com\"; iprev=pass", 1, "mx.example.com"},
    {"every character quoted", "\"\\m\\x\\.\\e\\x\\a\\m\\p\\l\\e\\.\\c\\o\\m\"; none", 1,
     "mx.example.com"},
    {"trailing dot", "mx.example.com.; iprev=pass", 1, "mx.example.com."},
    {"two trailing dots", "mx.example.com..; iprev=pass", 1, "mx.example.com.."},
    {"comment glued after the id", "mx.example.com(x); iprev=pass", 1, "mx.example.com"},
    {"comment with ; after the id", "mx.example.com (a; b) ; iprev=pass", 1, "mx.example.com"},
    {"version", "mx.example.com 1; iprev=pass", 1, "mx.example.com"},
    {"version and comment", "mx.example.com 1 (v) ; iprev=pass", 1, "mx.example.com"},
    {"quoted id and version", "\"mx.example.com\" 1; none", 1, "mx.example.com"},
    {"id alone", "mx.example.com", 1, "mx.example.com"},
    {"id and folding only", "mx.example.com\r\n ", 1, "mx.example.com"},
    /* No authserv-id can be read: removed. */
    {"empty", "", 1, NULL},
    {"only white space", " \t ", 1, NULL},
    {"only a comment", "(mx.example.com)", 1, NULL},
    {"unterminated comment", "(mx.example.com; iprev=pass", 1, NULL},
    {"escaped ) leaves the comment open", "(a\\) mx.example.com; iprev=pass", 1, NULL},
    {"unbalanced nesting", "((a) mx.example.com; iprev=pass", 1, NULL},
    {"unterminated quote", "\"mx.example.com; iprev=pass", 1, NULL},
    {"quote ends in a quoted-pair", "\"mx.example.com\\\"; iprev=pass", 1, NULL},
    {"control byte in the id", "mx.exa\x01mple.com; iprev=pass", 1, NULL},
    {"control byte in a comment", "(a\x01) mx.example.com; iprev=pass", 1, NULL},
    {"DEL in a comment", "(a\x7f) mx.example.com; iprev=pass", 1, NULL},
    {"bare LF before the id", "\nmx.example.com; iprev=pass", 1, NULL},
    {"bare CR before the id", "\rmx.example.com; iprev=pass", 1, NULL},
    {"CR LF without white space", "\r\nmx.example.com; iprev=pass", 1, NULL},
    {"line break at the end of a comment", "(a\n) mx.example.com; none", 1, NULL},
    {"quoted-pair of a line break", "(a\\\n b) mx.example.com; iprev=pass", 1, NULL},
    {"8-bit look-alike (Cyrillic x)", "m\xd1\x85.example.com; iprev=pass", 1, NULL},
    {"fold inside the id", "mx.exam\n ple.com; iprev=pass", 1, NULL},
    {"tspecial glued to the id", "mx.example.com/x; iprev=pass", 1, NULL},
    {"port glued to the id", "mx.example.com:25; iprev=pass", 1, NULL},
    {"angle brackets", "<mx.example.com>; iprev=pass", 1, NULL},
    {"encoded word", "=?us-ascii?q?mx.example.com?=; iprev=pass", 1, NULL},
    {"white space inside the quotes", "\" mx.example.com\"; iprev=pass", 1, NULL},
    {"fold inside the quotes", "\"mx.example.com\r\n \"; iprev=pass", 1, NULL},
    {"semicolon inside the quotes", "\"mx.example.com; x\"; iprev=pass", 1, NULL},
    {"empty quotes", "\"\"; iprev=pass", 1, NULL},
    {"missing semicolon", "mx.example.com iprev=pass", 1, NULL},
    {"version glued to the quotes", "\"other.example\"1; none", 1, NULL},
    {"version with letters", "other.example 1x; none", 1, NULL},
    {"another id, then junk before ;", "other.example junk; none", 1, NULL},
    /* Another authserv-id: kept. */
    {"another id", "other.example; spf=pass smtp.mailfrom=a.test", 0, "other.example"},
    {"our id with a suffix", "mx.example.com.evil.test; iprev=pass", 0, "mx.example.com.evil.test"},
    {"our id with a prefix", "xmx.example.com; iprev=pass", 0, "xmx.example.com"},
    {"a subdomain of ours", "a.mx.example.com; iprev=pass", 0, "a.mx.example.com"},
    {"our parent domain", "example.com; iprev=pass", 0, "example.com"},
    {"a look-alike with a dash", "mx-example.com; iprev=pass", 0, "mx-example.com"},
    {"a leading dot", ".mx.example.com; iprev=pass", 0, ".mx.example.com"},
    {"our id only as a resinfo value", "other.example; iprev=pass policy.authserv=mx.example.com",
     0, "other.example"},
    {"our id only in a comment before", "(mx.example.com) other.example; iprev=pass", 0,
     "other.example"},
    {"our id only in a comment after", "other.example (mx.example.com); none", 0, "other.example"},
    {"our id only in a later result", "other.example; iprev=pass; mx.example.com; none", 0,
     "other.example"},
    {"escaped ) then another id", "(a\\) b) other.example; iprev=pass", 0, "other.example"},
    {"another id quoted", "\"other.example\"; none", 0, "other.example"},
    {"another id with version", "other.example 1; none", 0, "other.example"},
    {"another id folded", "\r\n other.example;\r\n\tspf=pass", 0, "other.example"},
    {"another id alone", "other.example", 0, "other.example"},
    {"our id quoted inside another", "\"mx.example.com\\\"\"; none", 1, NULL},
};

/* The value in a buffer of exactly its length, with no NUL after it: a read past the view is
 * an AddressSanitizer error. */
static char *
exact(const char *v, size_t n)
{
    char *p = malloc(n > 0 ? n : 1);

    ck_assert_ptr_nonnull(p);
    memcpy(p, v, n);
    return p;
}

START_TEST(test_authres_rows)
{
    char id[AUTHRES_ID_MAX + 1];
    size_t n = strlen(rows[_i].value);
    char *v = exact(rows[_i].value, n);
    int rc = authres_id(v, n, id, sizeof(id));
    int ours = authres_is_ours(v, n, OURS);

    if (rows[_i].want_id == NULL)
        ck_assert_msg(rc == -1 && id[0] == '\0', "%s: got id \"%s\" (%d), want not parseable",
                      rows[_i].name, id, rc);
    else
        ck_assert_msg(rc == 0 && strcmp(id, rows[_i].want_id) == 0,
                      "%s: got id \"%s\" (%d), want \"%s\"", rows[_i].name, id, rc,
                      rows[_i].want_id);
    ck_assert_msg(ours == rows[_i].ours, "%s: got ours=%d, want %d", rows[_i].name, ours,
                  rows[_i].ours);
    free(v);
}
END_TEST

/* Every prefix of every row, each in a buffer of its own length: the parser stays inside its
 * view, and whatever it reads is a token no longer than the view. */
START_TEST(test_authres_prefixes)
{
    size_t n = strlen(rows[_i].value), k, j;

    for (k = 0; k <= n; k++) {
        char id[AUTHRES_ID_MAX + 1], *v = exact(rows[_i].value, k);

        if (authres_id(v, k, id, sizeof(id)) == 0) {
            ck_assert_msg(id[0] != '\0' && strlen(id) <= k, "%s, %zu bytes: id \"%s\"",
                          rows[_i].name, k, id);
            for (j = 0; id[j]; j++)
                ck_assert_msg(strchr("()<>@,;:\\\"/[]?= \t", id[j]) == NULL &&
                                  (unsigned char)id[j] > 0x20 && (unsigned char)id[j] < 0x7f,
                              "%s, %zu bytes: id \"%s\" is not a token", rows[_i].name, k, id);
            ck_assert_int_eq(authres_is_ours(v, k, id), 1);
        } else {
            ck_assert_int_eq(authres_is_ours(v, k, OURS), 1);
        }
        free(v);
    }
}
END_TEST

/* AUTHRES_ID_MAX - 1, AUTHRES_ID_MAX and AUTHRES_ID_MAX + 1 octets: the last cannot be read,
 * so it is removed, even though its first AUTHRES_ID_MAX octets are a different id. */
START_TEST(test_authres_id_limit)
{
    static const struct {
        size_t len;
        int rc;
    } lim[] = {{AUTHRES_ID_MAX - 1, 0}, {AUTHRES_ID_MAX, 0}, {AUTHRES_ID_MAX + 1, -1}};
    char value[AUTHRES_ID_MAX + 16], id[AUTHRES_ID_MAX + 1], want[AUTHRES_ID_MAX + 2];
    size_t i;

    for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
        memset(want, 'a', lim[i].len);
        want[lim[i].len] = '\0';
        snprintf(value, sizeof(value), "%s; none", want);
        ck_assert_msg(authres_id(value, strlen(value), id, sizeof(id)) == lim[i].rc,
                      "%zu octets: got %d want %d", lim[i].len,
                      authres_id(value, strlen(value), id, sizeof(id)), lim[i].rc);
        if (lim[i].rc == 0) {
            ck_assert_str_eq(id, want);
            ck_assert_int_eq(authres_is_ours(value, strlen(value), OURS), 0);
            ck_assert_int_eq(authres_is_ours(value, strlen(value), want), 1);
        } else {
            ck_assert_str_eq(id, "");
            ck_assert_int_eq(authres_is_ours(value, strlen(value), OURS), 1);
        }
    }
}
END_TEST

/* The caller's buffer bounds the id: one byte short is "not parseable", never a cut. */
START_TEST(test_authres_short_buffer)
{
    const char *v = "(c) \"mx.ex\\ample.com\" ; none";
    char id[32];

    ck_assert_int_eq(authres_id(v, strlen(v), id, strlen(OURS)), -1);
    ck_assert_str_eq(id, "");
    ck_assert_int_eq(authres_id(v, strlen(v), id, strlen(OURS) + 1), 0);
    ck_assert_str_eq(id, OURS);
    ck_assert_int_eq(authres_id(v, strlen(v), id, 1), -1);
    ck_assert_int_eq(authres_id(v, strlen(v), id, 0), -1);
    ck_assert_int_eq(authres_id(NULL, 0, id, sizeof(id)), -1);
    ck_assert_int_eq(authres_is_ours(NULL, 0, OURS), 1);
}
END_TEST

/* A NUL inside the view is a control byte, not an end. */
START_TEST(test_authres_nul)
{
    static const char v1[] = "mx.example.com\0; none", v2[] = "other.example\0; none",
                      v3[] = "(a\0) other.example; none", v4[] = "other.example; \0none";

    ck_assert_int_eq(authres_is_ours(v1, sizeof(v1) - 1, OURS), 1);
    ck_assert_int_eq(authres_is_ours(v2, sizeof(v2) - 1, OURS), 1);
    ck_assert_int_eq(authres_is_ours(v3, sizeof(v3) - 1, OURS), 1);
    ck_assert_int_eq(authres_is_ours(v4, sizeof(v4) - 1, OURS), 0); /* past the id: not ours */
}
END_TEST

/* Deep nesting and long comments: no recursion to overflow, no length limit to cut at. */
START_TEST(test_authres_deep)
{
    size_t depth = 200000, i, n;
    char *v = malloc(2 * depth + 64);

    ck_assert_ptr_nonnull(v);
    for (i = 0; i < depth; i++) {
        v[i] = '(';
        v[depth + i] = ')';
    }
    n = 2 * depth;
    n += (size_t)sprintf(v + n, " other.example; none");
    ck_assert_int_eq(authres_is_ours(v, n, OURS), 0);
    v[depth] = 'x'; /* one ")" fewer: unterminated */
    ck_assert_int_eq(authres_is_ours(v, n, OURS), 1);
    memset(v + 1, 'x', 2 * depth - 2); /* one long flat comment */
    ck_assert_int_eq(authres_is_ours(v, n, OURS), 0);
    memset(v, 'x', 2 * depth); /* one long token: too long to read, so removed */
    ck_assert_int_eq(authres_is_ours(v, n, OURS), 1);
    free(v);
}
END_TEST

static const struct {
    const char *name;
    const char *a, *b;
    int want;
} eq_rows[] = {
    {"same", "mx.example.com", "mx.example.com", 1},
    {"case", "MX.EXAMPLE.COM", "mx.example.com", 1},
    {"trailing dot on one", "mx.example.com.", "mx.example.com", 1},
    {"trailing dot on the other", "mx.example.com", "mx.example.com.", 1},
    {"trailing dots", "mx.example.com...", "mx.example.com", 1},
    {"suffix", "mx.example.com.evil", "mx.example.com", 0},
    {"prefix", "xmx.example.com", "mx.example.com", 0},
    {"shorter", "mx.example.co", "mx.example.com", 0},
    {"only dots", "..", ".", 1},
    {"dots and a name", "..", "a.", 0},
    {"8-bit is not folded", "\xc3\x89", "\xc3\xa9", 0},
};

START_TEST(test_authres_id_eq)
{
    int got = authres_id_eq(eq_rows[_i].a, eq_rows[_i].b);

    ck_assert_msg(got == eq_rows[_i].want, "%s: got %d want %d", eq_rows[_i].name, got,
                  eq_rows[_i].want);
}
END_TEST

static const struct {
    const char *name;
    const char *header, *want;
    int eq;
} name_rows[] = {
    {"same", "Authentication-Results", "Authentication-Results", 1},
    {"lower case", "authentication-results", "Authentication-Results", 1},
    {"upper case", "AUTHENTICATION-RESULTS", "Authentication-Results", 1},
    {"white space before the colon", "Authentication-Results \t", "Authentication-Results", 1},
    {"stamp name, other case", "x-relaywarden-rdns", "X-Relaywarden-RDNS", 1},
    {"leading white space is another name", " Authentication-Results", "Authentication-Results", 0},
    {"prefix", "Authentication-Result", "Authentication-Results", 0},
    {"suffix", "Authentication-Results-Original", "Authentication-Results", 0},
    {"ARC is another header", "ARC-Authentication-Results", "Authentication-Results", 0},
    {"empty", "", "Authentication-Results", 0},
};

START_TEST(test_authres_name_eq)
{
    int got = authres_name_eq(name_rows[_i].header, name_rows[_i].want);

    ck_assert_msg(got == name_rows[_i].eq, "%s: \"%s\": got %d want %d", name_rows[_i].name,
                  name_rows[_i].header, got, name_rows[_i].eq);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("authres");
    TCase *tc = tcase_create("authserv-id");

    tcase_add_loop_test(tc, test_authres_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    tcase_add_loop_test(tc, test_authres_prefixes, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    tcase_add_test(tc, test_authres_id_limit);
    tcase_add_test(tc, test_authres_short_buffer);
    tcase_add_test(tc, test_authres_nul);
    tcase_add_test(tc, test_authres_deep);
    tcase_add_loop_test(tc, test_authres_id_eq, 0, (int)(sizeof(eq_rows) / sizeof(eq_rows[0])));
    tcase_add_loop_test(tc, test_authres_name_eq, 0,
                        (int)(sizeof(name_rows) / sizeof(name_rows[0])));
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

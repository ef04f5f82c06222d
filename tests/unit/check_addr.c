/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_addr.c - table tests for the RFC 5321 address parser: syntax, limits, and the routing
 * hops it must find in %-hacks, bang paths, source routes and quoted local parts.
 */
#include "addr.h"

#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    const char *in;
    enum addr_mode mode;
    int rc;
    const char *text; /* logged form, when rc == 0 */
    const char *hops; /* comma-joined, when rc == 0 */
    unsigned flags;   /* must all be set, when rc == 0 */
} rows[] = {
    {"plain", "<bob@example.com>", ADDR_RCPT, 0, "bob@example.com", "example.com", 0},
    {"no brackets", "bob@example.com", ADDR_RCPT, 0, "bob@example.com", "example.com", 0},
    {"domain lower-cased", "<Bob@EXAMPLE.Com>", ADDR_RCPT, 0, "Bob@example.com", "example.com", 0},
    {"trailing dot dropped", "<bob@example.com.>", ADDR_RCPT, 0, "bob@example.com", "example.com",
     ADDR_F_TRAILING_DOT},
    {"two trailing dots", "<bob@example.com..>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"null sender", "<>", ADDR_MAIL, 0, "", "", ADDR_F_NULL},
    {"unqualified postmaster", "<postmaster>", ADDR_RCPT, 0, "postmaster", "", ADDR_F_UNQUALIFIED},
    {"subaddress", "<u+tag@example.com>", ADDR_RCPT, 0, "u+tag@example.com", "example.com", 0},
    {"quoted with space", "<\"john smith\"@example.com>", ADDR_RCPT, 0,
     "\"john smith\"@example.com", "example.com", ADDR_F_QUOTED},
    {"quoted with escaped quote", "<\"a\\\"b\"@example.com>", ADDR_RCPT, 0,
     "\"a\\\"b\"@example.com", "example.com", ADDR_F_QUOTED},
    {"empty quoted local part", "<\"\"@example.com>", ADDR_RCPT, 0, "\"\"@example.com",
     "example.com", ADDR_F_QUOTED},
    {"percent hack", "<u%other.org@example.com>", ADDR_RCPT, 0, "u%other.org@example.com",
     "example.com,other.org", ADDR_F_PERCENT},
    {"double percent hack", "<u%a.org%b.org@example.com>", ADDR_RCPT, 0, NULL,
     "example.com,a.org,b.org", ADDR_F_PERCENT},
    {"percent hack unqualified", "<u%other.org>", ADDR_RCPT, 0, NULL, "other.org",
     ADDR_F_PERCENT | ADDR_F_UNQUALIFIED},
    {"bang path", "<other.org!u@example.com>", ADDR_RCPT, 0, NULL, "example.com,other.org",
     ADDR_F_BANG},
    {"bang path unqualified", "<other.org!u>", ADDR_RCPT, 0, NULL, "other.org", ADDR_F_BANG},
    {"long bang path", "<a.org!b.org!u>", ADDR_RCPT, 0, NULL, "a.org,b.org", ADDR_F_BANG},
    {"bang and percent mixed", "<a.org!u%b.org@example.com>", ADDR_RCPT, 0, NULL,
     "example.com,a.org,u,b.org", ADDR_F_BANG | ADDR_F_PERCENT},
    {"source route", "<@example.com:u@other.org>", ADDR_RCPT, 0, "@example.com:u@other.org",
     "other.org,example.com", ADDR_F_SOURCE_ROUTE},
    {"source route two hops", "<@a.example.com,@b.example.com:u@other.org>", ADDR_RCPT, 0, NULL,
     "other.org,a.example.com,b.example.com", ADDR_F_SOURCE_ROUTE},
    {"source route without colon", "<@example.com>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"source route bad domain", "<@exa mple.com:u@other.org>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"quoted at", "<\"u@other.org\"@example.com>", ADDR_RCPT, 0, NULL, "example.com,other.org",
     ADDR_F_QUOTED_AT | ADDR_F_QUOTED},
    {"quoted percent", "<\"u%other.org\"@example.com>", ADDR_RCPT, 0, NULL, "example.com,other.org",
     ADDR_F_PERCENT},
    {"quoted bang", "<\"other.org!u\"@example.com>", ADDR_RCPT, 0, NULL, "example.com,other.org",
     ADDR_F_BANG},
    {"two at signs", "<u@other.org@example.com>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"ipv4 literal", "<u@[192.0.2.1]>", ADDR_RCPT, 0, "u@[192.0.2.1]", "[192.0.2.1]",
     ADDR_F_LITERAL},
    {"ipv6 literal", "<u@[IPv6:2001:db8::1]>", ADDR_RCPT, 0, NULL, "[ipv6:2001:db8::1]",
     ADDR_F_LITERAL},
    {"bad ipv4 literal", "<u@[999.1.1.1]>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"literal with trailing text", "<u@[192.0.2.1]x>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"empty local part", "<@>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"empty domain", "<u@>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"leading dot", "<.u@example.com>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"trailing dot in local", "<u.@example.com>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"double dot in local", "<u..v@example.com>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"space in local", "<u v@example.com>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"control byte in local", "<u\001v@example.com>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"control byte in quotes", "<\"u\rv\"@example.com>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"underscore in domain", "<u@exa_mple.com>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"leading hyphen in label", "<u@-example.com>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"unbalanced open bracket", "<u@example.com", ADDR_RCPT, -1, NULL, NULL, 0},
    {"unbalanced close bracket", "u@example.com>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"unterminated quote", "<\"u@example.com>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"text after quoted part", "<\"u\"x@example.com>", ADDR_RCPT, -1, NULL, NULL, 0},
    {"64 octet local part",
     "<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com>", ADDR_RCPT, 0,
     NULL, "example.com", 0},
    {"65 octet local part at rcpt",
     "<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com>", ADDR_RCPT,
     -1, NULL, NULL, 0},
    {"65 octet local part at mail (SRS)",
     "<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com>", ADDR_MAIL,
     0, NULL, "example.com", 0},
    {"64 octet label", "<u@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com>",
     ADDR_RCPT, -1, NULL, NULL, 0},
    {"ipv6 literal in source route ok", "<@[192.0.2.1]:u@example.com>", ADDR_RCPT, 0, NULL,
     "example.com,[192.0.2.1]", ADDR_F_SOURCE_ROUTE},
    {"surrounding spaces", "  <u@example.com>  ", ADDR_RCPT, 0, "u@example.com", "example.com", 0},
};

START_TEST(test_addr_table)
{
    char err[128] = "", hops[2048] = "";
    struct addr a;
    int rc, i;

    rc = addr_parse(rows[_i].in, rows[_i].mode, &a, err, sizeof(err));
    ck_assert_msg(rc == rows[_i].rc, "%s: rc got %d want %d (err: %s)", rows[_i].name, rc,
                  rows[_i].rc, err);
    if (rc == -1) {
        ck_assert_msg(err[0] != '\0', "%s: failure without a reason", rows[_i].name);
        return;
    }
    for (i = 0; i < a.nhops; i++) {
        if (i)
            strcat(hops, ",");
        strcat(hops, a.hops[i]);
    }
    ck_assert_msg(strcmp(hops, rows[_i].hops) == 0, "%s: hops got \"%s\" want \"%s\"",
                  rows[_i].name, hops, rows[_i].hops);
    if (rows[_i].text)
        ck_assert_msg(strcmp(a.text, rows[_i].text) == 0, "%s: text got \"%s\" want \"%s\"",
                      rows[_i].name, a.text, rows[_i].text);
    ck_assert_msg((a.flags & rows[_i].flags) == rows[_i].flags, "%s: flags got %#x want %#x",
                  rows[_i].name, a.flags, rows[_i].flags);
}
END_TEST

/* Length limits: never a crash, always a clean -1 past the RFC limits. */
START_TEST(test_addr_lengths)
{
    char in[2048], err[128];
    struct addr a;
    size_t n;

    for (n = 0; n < 600; n++) {
        memset(in, 0, sizeof(in));
        in[0] = '<';
        memset(in + 1, 'a', n);
        strcat(in, "@example.com>");
        int rc = addr_parse(in, ADDR_MAIL, &a, err, sizeof(err));
        if (n == 0 || n + 12 > ADDR_PATH_MAX)
            ck_assert_msg(rc == -1, "local part of %zu accepted", n);
        else
            ck_assert_msg(rc == 0, "local part of %zu refused: %s", n, err);
    }
    /* A domain of 256 octets in a path under the limit is still refused. */
    snprintf(in, sizeof(in), "<u@");
    for (n = 0; n < 64; n++)
        strcat(in, "abc.");
    strcat(in, "com>");
    ck_assert_int_eq(addr_parse(in, ADDR_MAIL, &a, err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_addr_many_hops)
{
    char in[300] = "<", err[128];
    struct addr a;
    int i;

    for (i = 0; i < 40; i++)
        strcat(in, "h!");
    strcat(in, "u@example.com>");
    ck_assert_int_eq(addr_parse(in, ADDR_MAIL, &a, err, sizeof(err)), 0);
    ck_assert(a.flags & ADDR_F_HOPS_OVERFLOW);
    ck_assert_int_eq(a.nhops, ADDR_HOPS_MAX);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("addr");
    TCase *tc = tcase_create("parse");

    tcase_add_loop_test(tc, test_addr_table, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    tcase_add_test(tc, test_addr_lengths);
    tcase_add_test(tc, test_addr_many_hops);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

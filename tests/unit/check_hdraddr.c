/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_hdraddr.c - the From:/Sender: parser. Each row is a header value and the mailboxes it
 * must yield ("local@domain", comma-joined; a trailing '*' marks an address found hidden in a
 * display name or comment), or "ERR" for a header that must count as broken.
 */
#include "hdraddr.h"
#include "testutil.h"

static const struct {
    const char *name;
    const char *value;
    const char *want;
} rows[] = {
    {"bare addr-spec", "alice@example.com", "alice@example.com"},
    {"angle only", "<alice@example.com>", "alice@example.com"},
    {"display name", "Alice <alice@example.com>", "alice@example.com"},
    {"quoted display with comma", "\"Smith, Alice\" <alice@example.com>", "alice@example.com"},
    {"comment after", "alice@example.com (Alice)", "alice@example.com"},
    {"comment inside", "alice(comment)@example.com", "alice@example.com"},
    {"nested comment", "alice@example.com (a (b) c)", "alice@example.com"},
    {"folded CRLF", "Alice\r\n <alice@example.com>", "alice@example.com"},
    {"folded tab", "Alice\r\n\t<alice@example.com>", "alice@example.com"},
    {"two mailboxes", "a@example.com, b@example.org", "a@example.com,b@example.org"},
    {"two name-addrs", "Alice <a@example.com>, Bob <b@example.org>", "a@example.com,b@example.org"},
    {"group", "team: a@example.com, b@example.com;", "a@example.com,b@example.com"},
    {"group with display names", "team: Alice <a@example.com>;", "a@example.com"},
    {"empty group", "undisclosed-recipients:;", "ERR"},
    {"group without semicolon", "team: a@example.com", "ERR"},
    {"semicolon outside group", "a@example.com;", "ERR"},
    {"empty value", "", "ERR"},
    {"only spaces", "   ", "ERR"},
    {"display name only", "Alice", "ERR"},
    {"words without angle", "Alice Smith alice@example.com", "ERR"},
    {"missing close angle", "Alice <alice@example.com", "ERR"},
    {"text after angle", "<a@example.com> b", "ERR"},
    {"unterminated quote", "\"Alice <a@example.com>", "ERR"},
    {"unterminated comment", "a@example.com (x", "ERR"},
    {"quoted local part", "\"john smith\"@example.com", "john smith@example.com"},
    {"domain case folded", "Alice <alice@EXAMPLE.COM>", "alice@example.com"},
    {"address in quoted display", "\"boss@example.com\" <evil@evil.test>",
     "evil@evil.test,boss@example.com*"},
    {"address in bare display", "boss@example.com <evil@evil.test>", "ERR"},
    {"base64 encoded display", "=?utf-8?b?Ym9zc0BleGFtcGxlLmNvbQ==?= <evil@evil.test>",
     "evil@evil.test,boss@example.com*"},
    {"q encoded display", "=?utf-8?q?boss=40example.com?= <evil@evil.test>",
     "evil@evil.test,boss@example.com*"},
    {"Q upper case", "=?UTF-8?Q?The_Boss_=3Cboss=40example.com=3E?= <evil@evil.test>",
     "evil@evil.test,boss@example.com*"},
    {"encoded word as the address", "=?utf-8?q?boss=40example.com?=", "ERR"},
    {"encoded address in comment", "evil@evil.test (=?utf-8?b?Ym9zc0BleGFtcGxlLmNvbQ==?=)",
     "evil@evil.test,boss@example.com*"},
    {"long base64 word",
     "=?utf-8?b?QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB?= <a@example.com>",
     "a@example.com"},
    {"harmless encoded display", "=?iso-8859-1?q?J=F6rg_Smith?= <j@example.com>", "j@example.com"},
    {"obsolete route", "<@relay.example:alice@example.com>", "alice@example.com"},
    {"control character", "a@example.com\001", "ERR"},
    {"domain literal", "alice@[192.0.2.1]", "alice@[192.0.2.1]"},
    {"two at signs", "a@b@example.com", "ERR"},
    {"trailing comma", "a@example.com,", "a@example.com"},
    {"leading comma", ", a@example.com", "a@example.com"},
    {"empty angle", "<>", "ERR"},
    {"8-bit display name", "J\xc3\xb6rg <j@example.com>", "j@example.com"},
    {"spaces in angle", "< alice@example.com >", "alice@example.com"},
    {"dotted local", "first.last@example.com", "first.last@example.com"},
    {"double dot local", "first..last@example.com", "ERR"},
    {"escaped quote in display", "\"A \\\"B\\\" C\" <a@example.com>", "a@example.com"},
    {"hidden address needs a dot", "\"user@localhost\" <a@example.com>", "a@example.com"},
    {"unqualified mailbox", "<alice>", "ERR"},
    {"stray close paren", "a@example.com)", "ERR"},
    {"too many mailboxes",
     "a@x.example,b@x.example,c@x.example,d@x.example,e@x.example,f@x.example,g@x.example,"
     "h@x.example,i@x.example,j@x.example,k@x.example,l@x.example,m@x.example,n@x.example,"
     "o@x.example,p@x.example,q@x.example",
     "ERR"},
};

START_TEST(test_hdraddr_table)
{
    struct author au;
    char got[4096] = "", err[128] = "";
    int i;

    memset(&au, 0, sizeof(au));
    if (hdraddr_parse(rows[_i].value, &au, err, sizeof(err)) == -1) {
        ck_assert_msg(err[0] != '\0', "%s: error without a reason", rows[_i].name);
        snprintf(got, sizeof(got), "ERR");
    } else {
        for (i = 0; i < au.nbox; i++) {
            size_t n = strlen(got);
            snprintf(got + n, sizeof(got) - n, "%s%s@%s%s", i ? "," : "", au.box[i].local,
                     au.box[i].domain, i >= au.nbox - au.nhidden ? "*" : "");
        }
    }
    ck_assert_msg(strcmp(got, rows[_i].want) == 0, "%s: %s got \"%s\" want \"%s\" (%s)",
                  rows[_i].name, rows[_i].value, got, rows[_i].want, err);
}
END_TEST

START_TEST(test_author_headers)
{
    struct author au;
    char big[HDR_VALUE_MAX + 2];

    memset(&au, 0, sizeof(au));
    hdraddr_add(&au, "Subject", "hello a@example.com");
    hdraddr_add(&au, "from", "a@example.com");
    hdraddr_add(&au, "FROM", "b@example.com");
    hdraddr_add(&au, "Sender", "c@example.com");
    ck_assert_int_eq(au.nfrom, 2);
    ck_assert_int_eq(au.nsender, 1);
    ck_assert_int_eq(au.nbox, 3);
    ck_assert(!au.broken);

    memset(&au, 0, sizeof(au));
    hdraddr_add(&au, "From", "Alice <a@example.com");
    ck_assert(au.broken);
    ck_assert_str_eq(au.why, "From: missing '>'");

    memset(&au, 0, sizeof(au));
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    hdraddr_add(&au, "From", big);
    ck_assert(au.broken);
}
END_TEST

/* The parser must give the same verdict for every prefix: no read past the end, no crash. */
START_TEST(test_hdraddr_every_prefix)
{
    const char *v = "\"Smith, A\" (=?utf-8?b?Ym9zc0BleGFtcGxlLmNvbQ==?=) <a@example.com>, "
                    "team: b@example.org;";
    char buf[256], err[128];
    size_t n;

    for (n = 0; n <= strlen(v); n++) {
        struct author au;
        memset(&au, 0, sizeof(au));
        memcpy(buf, v, n);
        buf[n] = '\0';
        hdraddr_parse(buf, &au, err, sizeof(err));
        ck_assert(au.nbox <= HDR_MAILBOXES_MAX);
    }
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("hdraddr");
    TCase *tc = tcase_create("parse");

    tcase_add_loop_test(tc, test_hdraddr_table, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    tcase_add_test(tc, test_author_headers);
    tcase_add_test(tc, test_hdraddr_every_prefix);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

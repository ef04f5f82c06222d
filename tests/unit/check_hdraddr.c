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
     "boss@example.com*,evil@evil.test"},
    {"address in bare display", "boss@example.com <evil@evil.test>", "ERR"},
    {"base64 encoded display", "=?utf-8?b?Ym9zc0BleGFtcGxlLmNvbQ==?= <evil@evil.test>",
     "boss@example.com*,evil@evil.test"},
    {"q encoded display", "=?utf-8?q?boss=40example.com?= <evil@evil.test>",
     "boss@example.com*,evil@evil.test"},
    {"Q upper case", "=?UTF-8?Q?The_Boss_=3Cboss=40example.com=3E?= <evil@evil.test>",
     "boss@example.com*,evil@evil.test"},
    {"encoded word as the address", "=?utf-8?q?boss=40example.com?=", "ERR"},
    {"encoded address in comment", "evil@evil.test (=?utf-8?b?Ym9zc0BleGFtcGxlLmNvbQ==?=)",
     "evil@evil.test,boss@example.com*"},
    {"long base64 word",
     "=?utf-8?b?QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB?= <a@example.com>",
     "a@example.com"},
    {"harmless encoded display", "=?iso-8859-1?q?J=F6rg_Smith?= <j@example.com>", "j@example.com"},
    {"obsolete route", "<@relay.example:alice@example.com>", "alice@example.com"},
    {"obsolete route, two hops", "<@a.example,@b.example:alice@example.com>", "alice@example.com"},
    {"route without colon", "<@relay.example alice@example.com>", "ERR"},
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
    /* Display text: comments anywhere, group names, quoted strings with quoted-pairs undone. */
    {"comment after angle", "A <a@example.com> (boss@example.com)", "a@example.com,boss@example.com*"},
    {"comment after angle, no space", "<a@example.com>(boss@example.com)",
     "a@example.com,boss@example.com*"},
    {"nested comment after angle", "<a@example.com> (x (boss@example.com) y)",
     "a@example.com,boss@example.com*"},
    {"comment inside angle", "<a(boss@example.com)@example.com>", "a@example.com,boss@example.com*"},
    {"comment holding no address", "A <a@example.com> (Alice Smith)", "a@example.com"},
    {"group display name", "\"boss@example.com\": a@example.com;", "boss@example.com*,a@example.com"},
    {"comment in group name", "team (boss@example.com): a@example.com;",
     "boss@example.com*,a@example.com"},
    {"plain group name", "\"Alice and Co\": a@example.com;", "a@example.com"},
    {"quoted-pair at", "\"boss\\@example.com\" <a@example.com>", "boss@example.com*,a@example.com"},
    {"quoted-pair dot", "\"boss@example\\.com\" <a@example.com>", "boss@example.com*,a@example.com"},
    {"quoted local in display", "\"\\\"boss\\\"@example.com\" <a@example.com>",
     "boss@example.com*,a@example.com"},
    {"quoted-pair in comment", "<a@example.com> (boss\\@example.com)",
     "a@example.com,boss@example.com*"},
    {"spaces around at", "\"boss @ example.com\" <a@example.com>", "boss@example.com*,a@example.com"},
    {"same address twice kept once", "\"a@example.com\" <a@example.com>", "a@example.com*"},
    /* Encoded words: joined, decoded by charset, normalized. */
    {"split encoded words", "=?utf-8?q?boss?= =?utf-8?q?=40example.com?= <a@example.com>",
     "boss@example.com*,a@example.com"},
    {"split across folding", "=?utf-8?q?boss?=\r\n =?utf-8?q?=40example.com?= <a@example.com>",
     "boss@example.com*,a@example.com"},
    {"split base64 words", "=?utf-8?b?Ym9zcw==?= =?utf-8?b?QGV4YW1wbGUuY29t?= <a@example.com>",
     "boss@example.com*,a@example.com"},
    {"utf-8 character split across words",
     "=?utf-8?q?boss=EF=BC?= =?utf-8?q?=A0example.com?= <a@example.com>",
     "boss@example.com*,a@example.com"},
    {"utf-16 encoded word",
     "=?utf-16?b?//5iAG8AcwBzAEAAZQB4AGEAbQBwAGwAZQAuAGMAbwBtAA==?= <a@example.com>",
     "boss@example.com*,a@example.com"},
    {"utf-7 encoded word", "=?utf-7?q?boss+AEA-example.com?= <a@example.com>",
     "boss@example.com*,a@example.com"},
    {"fullwidth at", "\"boss\xef\xbc\xa0" "example.com\" <a@example.com>",
     "boss@example.com*,a@example.com"},
    {"zero-width around at", "\"boss\xe2\x80\x8b@\xe2\x80\x8b" "example.com\" <a@example.com>",
     "boss@example.com*,a@example.com"},
    {"right-to-left override", "\"\xe2\x80\xaemoc.elpmaxe@ssob\" <a@example.com>",
     "boss@example.com*,a@example.com"},
    {"unknown charset", "=?x-no-such-charset?q?Alice?= <a@example.com>", "ERR"},
    {"invalid utf-8 in encoded word reads as U+FFFD", "=?utf-8?q?=FF=FE?= <a@example.com>",
     "a@example.com"},
    {"bad base64", "=?utf-8?b?Ym9z!!!?= <a@example.com>", "ERR"},
    {"bad quoted-printable", "=?utf-8?q?a=4?= <a@example.com>", "ERR"},
    {"not an encoded word is text", "\"=?broken\" <a@example.com>", "a@example.com"},
    {"japanese display name", "=?iso-2022-jp?b?GyRCOzNFREJATzobKEI=?= <a@example.com>",
     "a@example.com"},
    {"cyrillic display name", "=?koi8-r?b?6dfBzg==?= <a@example.com>", "a@example.com"},
    {"routed mailbox keeps its hops", "ceo%remote.test@example.com", "ceo%remote.test@example.com"},
    {"address in display text too long to be one",
     "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxboss@example.com\" <a@example.com>", "ERR"},
    {"NUL in the value", "a@example.com\0x", "ERR"},
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
    if (hdraddr_parse(rows[_i].value, strlen(rows[_i].value) + (strstr(rows[_i].name, "NUL") ? 2 : 0),
                      &au, err, sizeof(err)) == -1) {
        ck_assert_msg(err[0] != '\0', "%s: error without a reason", rows[_i].name);
        snprintf(got, sizeof(got), "ERR");
    } else {
        for (i = 0; i < au.nbox; i++) {
            size_t n = strlen(got);
            snprintf(got + n, sizeof(got) - n, "%s%s@%s%s", i ? "," : "", au.box[i].local,
                     au.box[i].domain, au.hidden[i] ? "*" : "");
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
        hdraddr_parse(buf, n, &au, err, sizeof(err));
        ck_assert(au.nbox <= HDR_MAILBOXES_MAX);
    }
}
END_TEST

/* A quoted display name of n octets (padding "x") before <a@example.com>, in a fresh buffer. */
static char *
display_of(size_t n)
{
    char *v = malloc(n + 32);

    ck_assert_ptr_nonnull(v);
    v[0] = '"';
    memset(v + 1, 'x', n);
    strcpy(v + 1 + n, "\" <a@example.com>");
    return v;
}

/* Every named limit at limit-1, limit and limit+1. */
START_TEST(test_hdraddr_limits)
{
    struct author au;
    char err[128], *v, list[2048];
    int k, n;

    /* HDR_VALUE_MAX: the whole value, through hdraddr_add. */
    for (k = -1; k <= 1; k++) {
        size_t len = (size_t)(HDR_VALUE_MAX + k);
        v = display_of(len - strlen("\"\" <a@example.com>"));
        ck_assert_uint_eq(strlen(v), len);
        memset(&au, 0, sizeof(au));
        hdraddr_add(&au, "From", v);
        ck_assert_msg(au.broken == (k > 0), "value of %zu octets: broken=%d (%s)", len, au.broken,
                      au.why);
        free(v);
    }
    /* HDR_TEXT_MAX: one display text, through hdraddr_parse (no value limit there). */
    for (k = -1; k <= 1; k++) {
        size_t len = (size_t)(HDR_TEXT_MAX + k);
        v = display_of(len);
        memset(&au, 0, sizeof(au));
        ck_assert_msg((hdraddr_parse(v, strlen(v), &au, err, sizeof(err)) == -1) == (k > 0),
                      "display text of %zu octets: %s", len, err);
        free(v);
    }
    /* HDR_MAILBOXES_MAX mailboxes in one header. */
    for (k = -1; k <= 1; k++) {
        list[0] = '\0';
        for (n = 0; n < HDR_MAILBOXES_MAX + k; n++)
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%su%d@example.com",
                     n ? ", " : "", n);
        memset(&au, 0, sizeof(au));
        ck_assert_msg((hdraddr_parse(list, strlen(list), &au, err, sizeof(err)) == -1) == (k > 0),
                      "%d mailboxes: %s", HDR_MAILBOXES_MAX + k, err);
    }
    /* ADDR_PATH_MAX: the rebuilt addr-spec. */
    for (k = -1; k <= 1; k++) {
        size_t local = (size_t)(ADDR_PATH_MAX + k) - strlen("@example.com");
        list[0] = '<';
        memset(list + 1, 'a', local);
        strcpy(list + 1 + local, "@example.com>");
        memset(&au, 0, sizeof(au));
        ck_assert_msg((hdraddr_parse(list, strlen(list), &au, err, sizeof(err)) == -1) == (k > 0),
                      "addr-spec of %d octets: %s", ADDR_PATH_MAX + k, err);
    }
}
END_TEST

/* hdraddr_check (outbound hygiene): RFC 6532 UTF-8 only with utf8, and the anti-spoofing parse
 * (hdraddr_add) still ASCII-only whatever MAIL FROM said: a UTF-8 From is broken there. */
START_TEST(test_hdraddr_check)
{
    static const struct {
        const char *name, *value;
        int utf8, want; /* mailboxes, or -1 */
        const char *err; /* a part of the reason, for -1 */
        int spoof_broken;
    } t[] = {
        {"ASCII", "App <app@example.com>", 0, 1, NULL, 0},
        {"ASCII under utf8", "App <app@example.com>", 1, 1, NULL, 0},
        {"UTF-8 local part, utf8", "caf\xc3\xa9@example.com", 1, 1, NULL, 1},
        {"UTF-8 local part, no utf8", "caf\xc3\xa9@example.com", 0, -1,
         "8-bit byte in local part", 1},
        {"U-label, utf8", "app@ex\xc3\xa4mple.com", 1, 1, NULL, 1},
        {"U-label, no utf8", "app@ex\xc3\xa4mple.com", 0, -1, "8-bit byte in domain", 1},
        {"UTF-8 quoted, utf8", "\"caf\xc3\xa9\"@example.com", 1, 1, NULL, 1},
        {"UTF-8 quoted, no utf8", "\"caf\xc3\xa9\"@example.com", 0, -1,
         "8-bit byte in quoted local part", 1},
        {"UTF-8 display name, either", "Caf\xc3\xa9 <a@example.com>", 0, 1, NULL, 0},
        {"invalid UTF-8, utf8", "a\xff@example.com", 1, -1, "invalid UTF-8 at octet 2", 1},
        {"C1 control, utf8", "Caf\xc2\x9f <a@example.com>", 1, -1, "C1 control character", -1},
        {"UTF-8 label of 63 octets", NULL, 1, 1, NULL, 1},
        {"UTF-8 label of 64 octets", NULL, 1, -1, "invalid domain", 1},
        {"two mailboxes", "a@example.com, b@example.com", 1, 2, NULL, 0},
        {"a hidden address is no mailbox", "\"boss@example.com\" <x@evil.example>", 0, 1, NULL, 0},
        {"no mailbox", "undisclosed-recipients:;", 0, -1, "no mailbox", 1},
    };
    static struct author au;
    char err[128], v[200];
    const char *value;
    size_t i;
    int got;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        value = t[i].value;
        if (value == NULL) { /* "a@" + a label of 63 octets (21 CJK letters), or 64 ("x") */
            int k;
            strcpy(v, "a@");
            for (k = 0; k < 21; k++)
                strcat(v, "\xe4\xbe\x8b");
            if (strstr(t[i].name, "64"))
                strcat(v, "x");
            strcat(v, ".example");
            value = v;
        }
        err[0] = '\0';
        got = hdraddr_check(value, strlen(value), t[i].utf8, err, sizeof(err));
        ck_assert_msg(got == t[i].want, "%s: got %d (%s), want %d", t[i].name, got, err, t[i].want);
        if (t[i].err != NULL)
            ck_assert_msg(strstr(err, t[i].err) != NULL, "%s: got \"%s\", want \"...%s...\"",
                          t[i].name, err, t[i].err);
        if (t[i].spoof_broken >= 0) {
            memset(&au, 0, sizeof(au));
            hdraddr_add(&au, "From", value);
            ck_assert_msg(au.broken == t[i].spoof_broken, "%s: anti-spoofing parse broken=%d, want %d",
                          t[i].name, au.broken, t[i].spoof_broken);
        }
    }
}
END_TEST

/* hdraddr_check's limits: HDR_VALUE_MAX and HDR_MAILBOXES_MAX at limit-1, limit, limit+1. */
START_TEST(test_hdraddr_check_limits)
{
    char err[128], *v, list[2048];
    int k, n;

    for (k = -1; k <= 1; k++) {
        size_t len = (size_t)(HDR_VALUE_MAX + k);
        v = display_of(len - strlen("\"\" <a@example.com>"));
        ck_assert_uint_eq(strlen(v), len);
        n = hdraddr_check(v, len, 1, err, sizeof(err));
        ck_assert_msg(n == (k > 0 ? -1 : 1), "value of %zu octets: got %d (%s)", len, n, err);
        free(v);
    }
    for (k = -1; k <= 1; k++) {
        list[0] = '\0';
        for (n = 0; n < HDR_MAILBOXES_MAX + k; n++)
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%su%d@example.com",
                     n ? ", " : "", n);
        n = hdraddr_check(list, strlen(list), 0, err, sizeof(err));
        ck_assert_msg(n == (k > 0 ? -1 : HDR_MAILBOXES_MAX + k), "%d mailboxes: got %d (%s)",
                      HDR_MAILBOXES_MAX + k, n, err);
    }
}
END_TEST

/* hdraddr_check_mailbox (a Sender: for hygiene): one mailbox outside any group, and the
 * value's HDR_VALUE_MAX at limit-1, limit and limit+1. */
START_TEST(test_hdraddr_check_mailbox)
{
    static const struct {
        const char *name, *value; /* value NULL: a display name making a value of len octets */
        int len, utf8, want;
        const char *err; /* the whole reason, for -1 */
    } t[] = {
        {"addr-spec", "ops@example.com", 0, 0, 0, NULL},
        {"name-addr", "Ops <ops@example.com>", 0, 0, 0, NULL},
        {"UTF-8 under utf8", "caf\xc3\xa9@example.com", 0, 1, 0, NULL},
        {"UTF-8 without utf8", "caf\xc3\xa9@example.com", 0, 0, -1,
         "bad mailbox <caf\xc3\xa9@example.com>: 8-bit byte in local part"},
        {"empty", "", 0, 0, -1, "no mailbox"},
        {"two mailboxes", "a@example.com, b@example.com", 0, 0, -1,
         "2 mailboxes, not one (RFC 5322 3.6.2)"},
        {"a group of one", "team: a@example.com;", 0, 0, -1,
         "a group, not one mailbox (RFC 5322 3.6.2)"},
        {"a group of two", "team: a@example.com, b@example.com;", 0, 0, -1,
         "a group, not one mailbox (RFC 5322 3.6.2)"},
        {"an empty group", "team:;", 0, 0, -1, "no mailbox"},
        {"a trailing comma", "ops@example.com,", 0, 0, -1,
         "a list with an empty element, not one mailbox (RFC 5322 3.6.2)"},
        {"a leading comma", ", Ops <ops@example.com>", 0, 0, -1,
         "a list with an empty element, not one mailbox (RFC 5322 3.6.2)"},
        {"a comma in a quoted name", "\"Ops, Team\" <ops@example.com>", 0, 0, 0, NULL},
        {"a comma in a comment", "ops@example.com (ops, team)", 0, 0, 0, NULL},
        {"unparsable", "<ops@", 0, 0, -1, NULL},
        {"HDR_VALUE_MAX - 1", NULL, HDR_VALUE_MAX - 1, 0, 0, NULL},
        {"HDR_VALUE_MAX", NULL, HDR_VALUE_MAX, 0, 0, NULL},
        {"HDR_VALUE_MAX + 1", NULL, HDR_VALUE_MAX + 1, 0, -1, "longer than 8192 octets"},
    };
    char err[128];
    size_t i;
    int got;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        char *v = t[i].value != NULL
                      ? strdup(t[i].value)
                      : display_of((size_t)t[i].len - strlen("\"\" <a@example.com>"));
        ck_assert_ptr_nonnull(v);
        if (t[i].value == NULL)
            ck_assert_uint_eq(strlen(v), (size_t)t[i].len);
        err[0] = '\0';
        got = hdraddr_check_mailbox(v, strlen(v), t[i].utf8, err, sizeof(err));
        ck_assert_msg(got == t[i].want, "%s: got %d (%s), want %d", t[i].name, got, err, t[i].want);
        if (t[i].err != NULL)
            ck_assert_msg(strcmp(err, t[i].err) == 0, "%s: got \"%s\", want \"%s\"", t[i].name, err,
                          t[i].err);
        free(v);
    }
}
END_TEST

/* The crash of issue 8: a comment past the old 2 KB phrase buffer, then more phrase text. */
START_TEST(test_hdraddr_long_comment)
{
    static const size_t lens[] = {2046, 2047, 2048, 2100, 4096, 8000};
    struct author au;
    char *v = malloc(HDR_VALUE_MAX + 64);
    size_t i;

    ck_assert_ptr_nonnull(v);
    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        v[0] = '(';
        memset(v + 1, 'x', lens[i]);
        strcpy(v + 1 + lens[i], ") News <news@remote.test>");
        memset(&au, 0, sizeof(au));
        hdraddr_add(&au, "From", v);
        ck_assert_msg(!au.broken && au.nbox == 1, "comment of %zu: %s", lens[i], au.why);
        /* and the address after the long text is still found */
        strcpy(v + 1 + lens[i] - 20, " boss@example.com) News <news@remote.test>");
        memset(&au, 0, sizeof(au));
        hdraddr_add(&au, "From", v);
        ck_assert_msg(!au.broken && au.nbox == 2 && au.hidden[0] &&
                          strcmp(au.box[0].domain, "example.com") == 0,
                      "address after %zu octets of comment not found (%s)", lens[i], au.why);
    }
    free(v);
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
    tcase_add_test(tc, test_hdraddr_limits);
    tcase_add_test(tc, test_hdraddr_long_comment);
    tcase_add_test(tc, test_hdraddr_check);
    tcase_add_test(tc, test_hdraddr_check_limits);
    tcase_add_test(tc, test_hdraddr_check_mailbox);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

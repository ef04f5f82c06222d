/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_hygiene.c - outbound hygiene: a table of messages per defect (present, absent, at the
 * 998-octet limit), the body fed whole, at every split point and byte by byte; each repeated
 * singleton; the Date and Message-ID fix writes; and rules through the session engine.
 */
#include "audit.h"
#include "hygiene.h"
#include "session.h"
#include "testutil.h"

#define H_MAX 12

struct hrow {
    const char *name;
    const char *hdrs[H_MAX]; /* "Name: value", folds as "\n " */
    const char *body;
    int smtputf8;
    unsigned want;
    const char *desc; /* hygiene_describe, all defects */
};

#define BASE "Date: Thu, 03 Dec 2026 10:00:00 +0000", "Message-ID: <1@app.example>"
#define FROM "From: App <app@example.com>"

/* The strings the rows are made of, freed together (at exit, before the leak check). */
static char *pool[64];
static int npool;

static void
pool_free(void)
{
    while (npool > 0)
        free(pool[--npool]);
}

static char *
pool_alloc(size_t n)
{
    char *b = malloc(n);

    /* also called from main, outside a test: no ck_assert there */
    if (b == NULL || npool == (int)(sizeof(pool) / sizeof(pool[0])))
        abort();
    pool[npool++] = b;
    return b;
}

/* prefix, n copies of c, suffix: from the pool. */
static const char *
rep(char c, size_t n, const char *prefix, const char *suffix)
{
    size_t p = strlen(prefix), s = strlen(suffix);
    char *b = pool_alloc(p + n + s + 1);

    memcpy(b, prefix, p);
    memset(b + p, c, n);
    memcpy(b + p + n, suffix, s + 1);
    return b;
}

/* Room for every row of build_rows; add() aborts past it. */
#define HYG_ROWS_MAX 96
static struct hrow rows[HYG_ROWS_MAX];
static int nrows;

static void
add(const char *name, unsigned want, const char *desc, int utf8, const char *body,
    const char *const *h)
{
    struct hrow *r;
    int i;

    if (nrows == HYG_ROWS_MAX) /* called from main, outside a test: no ck_assert there */
        abort();
    r = &rows[nrows++];

    memset(r, 0, sizeof(*r));
    r->name = name;
    r->want = want;
    r->desc = desc;
    r->smtputf8 = utf8;
    r->body = body;
    for (i = 0; i < H_MAX - 1 && h[i] != NULL; i++)
        r->hdrs[i] = h[i];
}
/* A row: the name, the defects and their description wanted, SMTPUTF8, the body, headers. */
#define ADD(name, want, desc, utf8, body, ...)                                                     \
    add(name, want, desc, utf8, body, (const char *const[]){__VA_ARGS__, NULL})

static void
build_rows(void)
{
    /* "Subject: " is 9 octets: a value of 989 makes a line of 998 */
    const char *s997, *s998, *s999;
    char *fold;

    pool_free();
    s997 = rep('x', 988, "", "");
    s998 = rep('x', 989, "", "");
    s999 = rep('x', 990, "", "");
    nrows = 0;
    ADD("clean", 0, "", 0, "Hello.\r\n", BASE, FROM, "Subject: hi", NULL, NULL);
    ADD("empty body", 0, "", 0, "", BASE, FROM, NULL, NULL, NULL);
    ADD("no Date", HYG_MISSING_DATE, "missing-date", 0, "x\r\n", "Message-ID: <1@a>", FROM, NULL,
        NULL, NULL);
    ADD("no Message-ID", HYG_MISSING_MSGID, "missing-message-id", 0, "x\r\n",
        "Date: Thu, 03 Dec 2026 10:00:00 +0000", FROM, NULL, NULL, NULL);
    ADD("lower-case names count", 0, "", 0, "", "DATE: x", "message-id: <1@a>", "from: a@b.example",
        NULL, NULL);
    ADD("neither", HYG_MISSING_DATE | HYG_MISSING_MSGID, "missing-date, missing-message-id", 0, "",
        FROM, NULL, NULL, NULL, NULL);
    ADD("no From", HYG_BAD_FROM, "bad-from (no From header)", 0, "", BASE, "Sender: a@b.example",
        NULL, NULL, NULL);
    ADD("From cannot be parsed", HYG_BAD_FROM, NULL, 0, "", BASE, "From: <app@", NULL, NULL, NULL);
    ADD("From an empty group", HYG_BAD_FROM, NULL, 0, "", BASE, "From: undisclosed-recipients:;",
        NULL, NULL, NULL);
    ADD("8-bit Subject without SMTPUTF8", HYG_8BIT_HEADER, "8bit-header (Subject)", 0, "", BASE,
        FROM, "Subject: caf\xc3\xa9", NULL, NULL);
    ADD("8-bit Subject with SMTPUTF8", 0, "", 1, "", BASE, FROM, "Subject: caf\xc3\xa9", NULL,
        NULL);
    ADD("8-bit header name", HYG_8BIT_HEADER, "8bit-header (X-\xc3\xa9)", 0, "", BASE, FROM,
        "X-\xc3\xa9: v", NULL, NULL);
    ADD("8-bit body is not a header defect", 0, "", 0, "caf\xc3\xa9\r\n", BASE, FROM, NULL, NULL,
        NULL);
    ADD("RFC 2047 word is 7-bit", 0, "", 0, "", BASE, FROM, "Subject: =?UTF-8?Q?caf=C3=A9?=", NULL,
        NULL);
    ADD("header line of 997", 0, "", 0, "", BASE, FROM, rep('x', 0, "Subject: ", s997), NULL);
    ADD("header line of 998 (the limit)", 0, "", 0, "", BASE, FROM, rep('x', 0, "Subject: ", s998),
        NULL);
    ADD("header line of 999", HYG_LONG_LINE, "long-line (header Subject)", 0, "", BASE, FROM,
        rep('x', 0, "Subject: ", s999), NULL);
    fold = pool_alloc(3000);
    snprintf(fold, 3000, "Subject: %s\n %s\n\t%s", s998, s997, s997);
    ADD("folded header, each line within 998", 0, "", 0, "", BASE, FROM, fold, NULL);
    fold = pool_alloc(3000);
    snprintf(fold, 3000, "Subject: a\n %s", rep('x', 998, "", ""));
    ADD("folded header, a continuation of 999", HYG_LONG_LINE, "long-line (header Subject)", 0, "",
        BASE, FROM, fold, NULL);
    fold = pool_alloc(3000);
    snprintf(fold, 3000, "Subject: a\r\n %s", rep('x', 997, "", ""));
    ADD("CRLF fold, a continuation of 998", 0, "", 0, "", BASE, FROM, fold, NULL);
    ADD("body line of 997", 0, "", 0, rep('b', 997, "", "\r\nend\r\n"), BASE, FROM, NULL, NULL);
    ADD("body line of 998 (the limit)", 0, "", 0, rep('b', 998, "", "\r\nend\r\n"), BASE, FROM,
        NULL, NULL);
    ADD("body line of 999", HYG_LONG_LINE, "long-line (body line 2)", 0,
        rep('b', 999, "first\r\n", "\r\nend\r\n"), BASE, FROM, NULL, NULL);
    ADD("last body line of 998 without CRLF", 0, "", 0, rep('b', 998, "", ""), BASE, FROM, NULL,
        NULL);
    ADD("last body line of 999 without CRLF", HYG_LONG_LINE, "long-line (body line 1)", 0,
        rep('b', 999, "", ""), BASE, FROM, NULL, NULL);
    ADD("bare CR in the body", HYG_BARE_CR, "bare-cr-lf (body line 2)", 0, "a\r\nb\rc\r\n", BASE,
        FROM, NULL, NULL);
    ADD("bare LF in the body", HYG_BARE_CR, "bare-cr-lf (body line 1)", 0, "a\nb\r\n", BASE, FROM,
        NULL, NULL);
    ADD("CR ending the body", HYG_BARE_CR, "bare-cr-lf (body line 2)", 0, "a\r\nb\r", BASE, FROM,
        NULL, NULL);
    ADD("CR in a header value", HYG_BARE_CR, "bare-cr-lf (header Subject)", 0, "", BASE, FROM,
        "Subject: a\rb", NULL);
    ADD("LF not folding a header value", HYG_BARE_CR, "bare-cr-lf (header Subject)", 0, "", BASE,
        FROM, "Subject: a\nb", NULL);
    fold = pool_alloc(3000);
    snprintf(fold, 3000, "%s: a\n b", rep('N', 997, "", ""));
    ADD("a name of 997 octets, folded value", HYG_LONG_LINE, NULL, 0, "", BASE, FROM, fold, NULL);
    ADD("Received twice is no defect", 0, "", 0, "", BASE, FROM, "Received: a", "Received: b");
    /* RFC 6532 3.2 under SMTPUTF8: UTF-8 in the local part, quoted, in a U-label, displayed */
    ADD("SMTPUTF8: UTF-8 local part", 0, "", 1, "", BASE, "From: caf\xc3\xa9@example.com", NULL);
    ADD("SMTPUTF8: U-label domain", 0, "", 1, "", BASE, "From: app@ex\xc3\xa4mple.com", NULL);
    ADD("SMTPUTF8: UTF-8 quoted local part", 0, "", 1, "", BASE,
        "From: \"caf\xc3\xa9\"@example.com", NULL);
    ADD("SMTPUTF8: UTF-8 name-addr, 4-octet character", 0, "", 1, "", BASE,
        "From: Caf\xc3\xa9 <\xf0\x9f\x98\x80@\xe4\xbe\x8b.example> (\xc3\xa9)", NULL);
    ADD("SMTPUTF8: a cut UTF-8 sequence", HYG_BAD_FROM,
        "bad-from (From: invalid UTF-8 at octet 4 (RFC 6532 3.2))", 1, "", BASE,
        "From: caf\xc3@example.com", NULL);
    ADD("SMTPUTF8: an overlong sequence", HYG_BAD_FROM,
        "bad-from (From: invalid UTF-8 at octet 2 (RFC 6532 3.2))", 1, "", BASE,
        "From: a\xc0\xaf"
        "b@example.com",
        NULL);
    ADD("SMTPUTF8: a surrogate", HYG_BAD_FROM,
        "bad-from (From: invalid UTF-8 at octet 2 (RFC 6532 3.2))", 1, "", BASE,
        "From: a\xed\xa0\x80@example.com", NULL);
    ADD("SMTPUTF8: a C1 control (U+0085)", HYG_BAD_FROM,
        "bad-from (From: C1 control character at octet 3 (RFC 6532 3.2))", 1, "", BASE,
        "From: \"a\xc2\x85\"@example.com", NULL);
    ADD("SMTPUTF8: U+00A0 is no C1 control", 0, "", 1, "", BASE, "From: \"a\xc2\xa0\"@example.com",
        NULL);
    ADD("SMTPUTF8: the grammar still holds", HYG_BAD_FROM,
        "bad-from (From: bad mailbox <caf\xc3\xa9@@example.com>: more than one '@' outside quotes)",
        1, "", BASE, "From: caf\xc3\xa9@@example.com", NULL);
    /* without SMTPUTF8 an address of 8-bit octets is no address (RFC 5322 is ASCII): bad-from
     * as well as 8bit-header; 8-bit display text is 8bit-header alone */
    ADD("no SMTPUTF8: UTF-8 local part", HYG_BAD_FROM | HYG_8BIT_HEADER,
        "bad-from (From: bad mailbox <caf\xc3\xa9@example.com>: 8-bit byte in local part), "
        "8bit-header (From)",
        0, "", BASE, "From: caf\xc3\xa9@example.com", NULL);
    ADD("no SMTPUTF8: UTF-8 quoted local part", HYG_BAD_FROM | HYG_8BIT_HEADER,
        "bad-from (From: bad mailbox <\"caf\xc3\xa9\"@example.com>: 8-bit byte in quoted local "
        "part), 8bit-header (From)",
        0, "", BASE, "From: \"caf\xc3\xa9\"@example.com", NULL);
    ADD("no SMTPUTF8: U-label domain", HYG_BAD_FROM | HYG_8BIT_HEADER,
        "bad-from (From: bad mailbox <app@ex\xc3\xa4mple.com>: 8-bit byte in domain), "
        "8bit-header (From)",
        0, "", BASE, "From: app@ex\xc3\xa4mple.com", NULL);
    ADD("no SMTPUTF8: UTF-8 display name", HYG_8BIT_HEADER, "8bit-header (From)", 0, "", BASE,
        "From: Caf\xc3\xa9 <app@example.com>", NULL);
    /* RFC 5322 3.6.2: several authors need a Sender */
    ADD("two mailboxes in From, no Sender", HYG_BAD_FROM,
        "bad-from (From names 2 mailboxes and there is no Sender)", 0, "", BASE,
        "From: a@example.com, b@example.com", NULL);
    ADD("two mailboxes in From and a Sender", 0, "", 0, "", BASE,
        "From: a@example.com, b@example.com", "Sender: a@example.com", NULL);
    ADD("a group of one in From", 0, "", 0, "", BASE, "From: team: a@example.com;", NULL);
    ADD("From twice, one mailbox each", HYG_DUP_HEADER, "duplicate-header (From)", 0, "", BASE,
        "From: a@example.com", "From: b@example.com", NULL);
    ADD("Comments twice is no defect", 0, "", 0, "", BASE, FROM, "Comments: a", "Comments: b");
    /* RFC 5322 3.6.2: a Sender, when there, is exactly one mailbox */
    ADD("no Sender is fine", 0, "", 0, "", BASE, FROM, NULL);
    ADD("Sender: one addr-spec", 0, "", 0, "", BASE, FROM, "Sender: ops@example.com", NULL);
    ADD("Sender: one name-addr, folded", 0, "", 0, "", BASE, FROM,
        "Sender: Ops Team\n <ops@example.com>", NULL);
    ADD("Sender: empty", HYG_BAD_SENDER, "bad-sender (Sender: no mailbox)", 0, "", BASE, FROM,
        "Sender: ", NULL);
    ADD("Sender: white space only", HYG_BAD_SENDER, "bad-sender (Sender: no mailbox)", 0, "", BASE,
        FROM, "Sender:   ", NULL);
    ADD("Sender: two mailboxes", HYG_BAD_SENDER,
        "bad-sender (Sender: 2 mailboxes, not one (RFC 5322 3.6.2))", 0, "", BASE, FROM,
        "Sender: a@example.com, b@example.com", NULL);
    ADD("Sender: a group of one", HYG_BAD_SENDER,
        "bad-sender (Sender: a group, not one mailbox (RFC 5322 3.6.2))", 0, "", BASE, FROM,
        "Sender: team: a@example.com;", NULL);
    ADD("Sender: an empty group", HYG_BAD_SENDER, "bad-sender (Sender: no mailbox)", 0, "", BASE,
        FROM, "Sender: team:;", NULL);
    ADD("Sender: a stray list comma", HYG_BAD_SENDER,
        "bad-sender (Sender: a list with an empty element, not one mailbox (RFC 5322 3.6.2))", 0,
        "", BASE, FROM, "Sender: ops@example.com,", NULL);
    ADD("Sender cannot be parsed", HYG_BAD_SENDER, NULL, 0, "", BASE, FROM, "Sender: <ops@", NULL);
    ADD("Sender twice, one mailbox each", HYG_DUP_HEADER, "duplicate-header (Sender)", 0, "", BASE,
        FROM, "Sender: a@example.com", "Sender: b@example.com", NULL);
    ADD("two authors and a Sender of two", HYG_BAD_SENDER,
        "bad-sender (Sender: 2 mailboxes, not one (RFC 5322 3.6.2))", 0, "", BASE,
        "From: a@example.com, b@example.com", "Sender: a@example.com, b@example.com", NULL);
    ADD("bad From and bad Sender: both", HYG_BAD_FROM | HYG_BAD_SENDER, NULL, 0, "", BASE,
        "From: <app@", "Sender: a@example.com, b@example.com", NULL);
    ADD("SMTPUTF8: UTF-8 Sender", 0, "", 1, "", BASE, FROM, "Sender: caf\xc3\xa9@example.com",
        NULL);
    ADD("no SMTPUTF8: UTF-8 Sender", HYG_BAD_SENDER | HYG_8BIT_HEADER,
        "bad-sender (Sender: bad mailbox <caf\xc3\xa9@example.com>: 8-bit byte in local part), "
        "8bit-header (Sender)",
        0, "", BASE, FROM, "Sender: caf\xc3\xa9@example.com", NULL);
    /* "Sender: " is 8 octets and " <a@example.com>" 16: a display name of 974 makes a line of
     * 998 (HYGIENE_LINE_MAX); one octet more is long-line, and the Sender still one mailbox */
    ADD("Sender line of 997", 0, "", 0, "", BASE, FROM,
        rep('x', 973, "Sender: ", " <a@example.com>"), NULL);
    ADD("Sender line of 998", 0, "", 0, "", BASE, FROM,
        rep('x', 974, "Sender: ", " <a@example.com>"), NULL);
    ADD("Sender line of 999", HYG_LONG_LINE, "long-line (header Sender)", 0, "", BASE, FROM,
        rep('x', 975, "Sender: ", " <a@example.com>"), NULL);
}

static void
feed_headers(struct hygiene *h, const struct hrow *r)
{
    char field[4096], *colon;
    int i;

    for (i = 0; i < H_MAX && r->hdrs[i] != NULL; i++) {
        ck_assert_uint_lt(strlen(r->hdrs[i]), sizeof(field));
        strcpy(field, r->hdrs[i]);
        colon = strchr(field, ':');
        ck_assert_ptr_nonnull(colon);
        *colon = '\0';
        hygiene_header(h, field, colon + 2);
    }
}

static void
check_one(const struct hrow *r, const struct hygiene *h, const char *how)
{
    char desc[600];

    hygiene_describe(h, HYG_ALL, desc, sizeof(desc));
    ck_assert_msg(h->defects == r->want, "%s (%s): got defects 0x%x \"%s\", want 0x%x", r->name,
                  how, h->defects, desc, r->want);
    if (r->desc != NULL)
        ck_assert_msg(strcmp(desc, r->desc) == 0, "%s (%s): got \"%s\", want \"%s\"", r->name, how,
                      desc, r->desc);
}

START_TEST(test_hygiene_table)
{
    struct hygiene base, h;
    const struct hrow *r;
    size_t len, k;

    build_rows();
    ck_assert_int_lt(_i, nrows);
    r = &rows[_i];
    hygiene_init(&base, r->smtputf8);
    feed_headers(&base, r);
    hygiene_eoh(&base);
    len = strlen(r->body);
    /* whole, then split at every point, then byte by byte: the same answer */
    h = base;
    hygiene_body(&h, r->body, len);
    hygiene_end(&h);
    check_one(r, &h, "whole");
    for (k = 0; k <= len; k++) {
        h = base;
        hygiene_body(&h, r->body, k);
        hygiene_body(&h, r->body + k, len - k);
        hygiene_end(&h);
        check_one(r, &h, "split");
    }
    h = base;
    for (k = 0; k < len; k++)
        hygiene_body(&h, r->body + k, 1);
    hygiene_end(&h);
    check_one(r, &h, "byte by byte");
}
END_TEST

/* Each singleton of RFC 5322 3.6 twice: duplicate-header naming it; once: nothing. */
START_TEST(test_hygiene_duplicate)
{
    static const char *const names[] = {"Date", "From", "Sender",   "Subject",     "Message-ID",
                                        "To",   "Cc",   "Reply-To", "In-Reply-To", "References"};
    struct hygiene h;
    char want[80], desc[600];
    int twice;

    for (twice = 0; twice < 2; twice++) {
        hygiene_init(&h, 0);
        hygiene_header(&h, "Date", "Thu, 03 Dec 2026 10:00:00 +0000");
        hygiene_header(&h, "Message-ID", "<1@a>");
        hygiene_header(&h, "From", "a@b.example");
        if (strcmp(names[_i], "Date") != 0 && strcmp(names[_i], "Message-ID") != 0 &&
            strcmp(names[_i], "From") != 0)
            hygiene_header(&h, names[_i], "<x@y.example>");
        if (twice)
            hygiene_header(&h, names[_i], "<x@y.example>");
        hygiene_eoh(&h);
        snprintf(want, sizeof(want), "duplicate-header (%s)", names[_i]);
        hygiene_describe(&h, HYG_DUP_HEADER, desc, sizeof(desc));
        ck_assert_msg(strcmp(desc, twice ? want : "") == 0, "%s %s: got \"%s\", want \"%s\"",
                      names[_i], twice ? "twice" : "once", desc, twice ? want : "");
    }
}
END_TEST

START_TEST(test_hygiene_fix)
{
    struct hygiene h;

    hygiene_init(&h, 0);
    hygiene_header(&h, "From", "<a@b.example"); /* bad-from: no '>' */
    hygiene_body(&h, rep('z', 1000, "", ""), 1000);
    hygiene_eoh(&h);
    ck_assert_uint_eq(hygiene_fix(&h), HYG_FIXABLE);
    ck_assert_uint_eq(h.defects & HYG_FIXABLE, 0);
    ck_assert_uint_eq(h.fixed, HYG_FIXABLE);
    ck_assert_uint_eq(hygiene_fix(&h), 0);
    /* what cannot be fixed stays */
    ck_assert_uint_eq(h.defects, HYG_BAD_FROM | HYG_LONG_LINE);
}
END_TEST

START_TEST(test_hygiene_date_msgid)
{
    static const struct {
        const char *name;
        long long us;
        const char *qid, *host, *date, *id;
    } t[] = {
        {"epoch", 0, "4Xk2P1h3zZ", "mx.example", "Thu, 01 Jan 1970 00:00:00 +0000",
         "<19700101000000.000000.4Xk2P1h3zZ@mx.example>"},
        {"2026", 1796318211123456LL, "ABC", "relay.example.org", "Thu, 03 Dec 2026 17:16:51 +0000",
         "<20261203171651.123456.ABC@relay.example.org>"},
        {"no queue id", 1796318211000001LL, NULL, "h", "Thu, 03 Dec 2026 17:16:51 +0000",
         "<20261203171651.000001@h>"},
        {"odd queue id and host left out", 1796318211000001LL, "a b", "h>x",
         "Thu, 03 Dec 2026 17:16:51 +0000", "<20261203171651.000001@localhost>"},
        /* RFC 5322 3.6.4: each side a dot-atom, no empty atom */
        {"host with an empty atom", 0, "Q", "x..y", "Thu, 01 Jan 1970 00:00:00 +0000",
         "<19700101000000.000000.Q@localhost>"},
        {"host with a leading dot", 0, "Q", ".lead", "Thu, 01 Jan 1970 00:00:00 +0000",
         "<19700101000000.000000.Q@localhost>"},
        {"host with a trailing dot", 0, "Q", "mx.example.", "Thu, 01 Jan 1970 00:00:00 +0000",
         "<19700101000000.000000.Q@localhost>"},
        {"host of one dot", 0, "Q", ".", "Thu, 01 Jan 1970 00:00:00 +0000",
         "<19700101000000.000000.Q@localhost>"},
        {"empty host", 0, "Q", "", "Thu, 01 Jan 1970 00:00:00 +0000",
         "<19700101000000.000000.Q@localhost>"},
        {"queue id with an empty atom", 0, "A..B", "h.example", "Thu, 01 Jan 1970 00:00:00 +0000",
         "<19700101000000.000000@h.example>"},
        {"queue id with a leading dot", 0, ".AB", "h.example", "Thu, 01 Jan 1970 00:00:00 +0000",
         "<19700101000000.000000@h.example>"},
        {"queue id with a trailing dot", 0, "AB.", "h.example", "Thu, 01 Jan 1970 00:00:00 +0000",
         "<19700101000000.000000@h.example>"},
        {"dotted queue id and host kept", 0, "A.B", "a.b-c.example",
         "Thu, 01 Jan 1970 00:00:00 +0000", "<19700101000000.000000.A.B@a.b-c.example>"},
    };
    char buf[320];
    size_t i;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        ck_assert_int_eq(hygiene_date(t[i].us / 1000000, buf, sizeof(buf)), 0);
        ck_assert_msg(strcmp(buf, t[i].date) == 0, "%s: got \"%s\", want \"%s\"", t[i].name, buf,
                      t[i].date);
        ck_assert_int_eq(hygiene_msgid(t[i].us, t[i].qid, t[i].host, buf, sizeof(buf)), 0);
        ck_assert_msg(strcmp(buf, t[i].id) == 0, "%s: got \"%s\", want \"%s\"", t[i].name, buf,
                      t[i].id);
    }
    ck_assert_int_eq(hygiene_date(-1, buf, sizeof(buf)), -1);
    ck_assert_int_eq(hygiene_date(0, buf, 10), -1);
    ck_assert_int_eq(hygiene_msgid(0, "q", "h", buf, 10), -1);
}
END_TEST

/* HYGIENE_NAME_LOG: a header name of 63 and 64 octets is named whole, one of 65 cut at 64
 * and marked; the defect is found at every length. */
START_TEST(test_hygiene_name_log)
{
    size_t n = HYGIENE_NAME_LOG - 1 + (size_t)_i;
    char name[HYGIENE_NAME_LOG + 8], want[HYGIENE_NAME_LOG + 40], desc[600];
    struct hygiene h;

    memset(name, 'N', n);
    name[n] = '\0';
    hygiene_init(&h, 0);
    hygiene_header(&h, name, "caf\xc3\xa9");
    snprintf(want, sizeof(want), "8bit-header (%.*s%s)", HYGIENE_NAME_LOG, name,
             n > HYGIENE_NAME_LOG ? "..." : "");
    hygiene_describe(&h, HYG_8BIT_HEADER, desc, sizeof(desc));
    ck_assert_msg(strcmp(desc, want) == 0, "name of %zu: got \"%s\", want \"%s\"", n, desc, want);
}
END_TEST

/* Through the session: the rules, the fix edits, the replies and the decision lines. */
static long long
fake_wall(void *ctx)
{
    (void)ctx;
    return 1796318211000000LL;
}
static struct env wall_env = {.wall_us = fake_wall};

static const char hygiene_rules[] =
    "listener out daemon \"out\"\n"
    "policy out {\n"
    "    header fix hygiene fixable\n"
    "    header reject hygiene bad-from\n"
    "    header reject hygiene duplicate-header\n"
    "    header tag header \"X-Hygiene: 8bit\" hygiene 8bit-header\n"
    "    content reject hygiene long-line \"554 5.6.0 lines over 998 octets\"\n"
    "    content reject hygiene bare-cr-lf\n"
    "}\n";

struct srow {
    const char *name;
    const char *hdrs[6];
    const char *body;
    int smtputf8;
    enum verdict_reply reply;
    const char *text;   /* the reply text, or the added Date and Message-ID joined by "|" */
    const char *logged; /* in a decision line */
};

static const struct srow srows[] = {
    {"clean message untouched", {BASE, FROM}, "hi\r\n", 0, REPLY_CONTINUE, "", "accept"},
    {"no Date, no Message-ID: both added",
     {FROM},
     "hi\r\n",
     0,
     REPLY_CONTINUE,
     "Date: Thu, 03 Dec 2026 17:16:51 +0000|Message-ID: <20261203171651.000000.QID1@mx.example>",
     "fix: stage=header"},
    {"no Date alone added",
     {"Message-ID: <1@a>", FROM},
     "hi\r\n",
     0,
     REPLY_CONTINUE,
     "Date: Thu, 03 Dec 2026 17:16:51 +0000",
     "(defects: missing-date)"},
    {"no From: rejected naming it",
     {BASE},
     "",
     0,
     REPLY_REJECT,
     "message has no From header, one that cannot be parsed, or several authors and no Sender "
     "(RFC 5322 3.6.2); fix the sending application",
     "(defects: bad-from (no From header))"},
    {"8-bit tagged",
     {BASE, FROM, "Subject: \xc3\xa9"},
     "",
     0,
     REPLY_CONTINUE,
     "X-Hygiene: 8bit",
     "(defects: 8bit-header (Subject))"},
    {"8-bit with SMTPUTF8 untouched",
     {BASE, FROM, "Subject: \xc3\xa9"},
     "",
     1,
     REPLY_CONTINUE,
     "",
     "accept"},
    {"long body line: the rule's own text",
     {BASE, FROM},
     NULL,
     0,
     REPLY_REJECT,
     "lines over 998 octets",
     "(defects: long-line (body line 1))"},
    {"repeated Subject: default reply names it",
     {BASE, FROM, "Subject: a", "Subject: b"},
     "",
     0,
     REPLY_REJECT,
     "message repeats a header that may occur only once (RFC 5322 3.6); fix the sending "
     "application (Subject)",
     "(defects: duplicate-header (Subject))"},
    {"bare CR: default reply names it",
     {BASE, FROM},
     "a\rb\r\n",
     0,
     REPLY_REJECT,
     "message has a CR or LF outside a CRLF line end (RFC 5322 2.3); fix the sending application",
     "reject: stage=content"},
};

START_TEST(test_hygiene_session)
{
    const struct srow *r = &srows[_i];
    struct ruleset *rs = testutil_load(hygiene_rules);
    struct session *s = session_new(rs, &wall_env);
    struct ev_connect ce = {0};
    struct ev_mail me = {0};
    const struct verdict *v;
    char got[1024] = "", field[256], *colon;
    const char *body = r->body ? r->body : rep('l', 999, "", "\r\n");
    size_t i;
    int logged = 0;

    ce.daemon = "out";
    ce.addr = "192.0.2.7";
    ce.myhostname = "mx.example";
    session_connect(s, &ce);
    me.from = "<app@example.com>";
    me.auth = "app";
    me.smtputf8 = r->smtputf8;
    session_mail(s, &me);
    session_rcpt(s, "<x@example.net>", "QID1");
    for (i = 0; i < 6 && r->hdrs[i] != NULL; i++) {
        strcpy(field, r->hdrs[i]);
        colon = strchr(field, ':');
        *colon = '\0';
        session_header(s, field, colon + 2);
    }
    v = session_eoh(s, "QID1");
    for (i = 0; i < v->nlog; i++)
        logged |= strstr(v->log[i], r->logged) != NULL;
    if (v->reply == REPLY_CONTINUE) {
        v = session_body(s, body, strlen(body));
        ck_assert_int_eq(v->skip, 0);
        v = session_eom(s, "QID1");
        for (i = 0; i < v->nlog; i++)
            logged |= strstr(v->log[i], r->logged) != NULL;
    }
    ck_assert_msg(v->reply == r->reply, "%s: got reply %d, want %d", r->name, v->reply, r->reply);
    if (v->reply == REPLY_REJECT) {
        ck_assert_msg(strcmp(v->text, r->text) == 0, "%s: got \"%s\", want \"%s\"", r->name,
                      v->text, r->text);
    } else {
        for (i = 0; i < v->nedits; i++)
            snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s: %s", i ? "|" : "",
                     v->edits[i].name, v->edits[i].value);
        ck_assert_msg(strcmp(got, r->text) == 0, "%s: got edits \"%s\", want \"%s\"", r->name, got,
                      r->text);
    }
    ck_assert_msg(logged, "%s: no decision line with \"%s\"", r->name, r->logged);
    session_free(s);
    rules_unref(rs);
}
END_TEST

/* The rules language: what -n says about hygiene rules. */
START_TEST(test_hygiene_rules_errors)
{
    static const struct {
        const char *name, *rule, *err;
    } t[] = {
        {"unknown defect", "header reject hygiene nosuch", "unknown condition 'hygiene nosuch'"},
        {"hygiene alone", "header reject hygiene", "unknown condition"},
        {"body defect at header", "header reject hygiene long-line",
         "'hygiene long-line' is not known yet at header (it is known from content on)"},
        {"header defect at mail", "mail reject hygiene missing-date",
         "'hygiene missing-date' is not known yet at mail"},
        {"fix at rcpt", "rcpt fix", "fix acts on a message: use it from the header stage on"},
        {"fix of bad-from alone", "header fix hygiene bad-from",
         "fix only adds a missing Date or Message-ID: 'hygiene bad-from' cannot be fixed (use tag, "
         "quarantine or reject, or add 'hygiene fixable')"},
        {"fix of two it cannot fix", "content fix hygiene long-line hygiene bare-cr-lf",
         "fix only adds a missing Date or Message-ID: 'hygiene long-line', 'hygiene bare-cr-lf' "
         "cannot be fixed"},
    };
    char text[512], err[4096];
    size_t i;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        snprintf(text, sizeof(text), "listener out daemon \"out\"\npolicy out {\n    %s\n}\n",
                 t[i].rule);
        ck_assert_msg(rules_load_buffer("t.rules", text, strlen(text), NULL, err, sizeof(err)) ==
                          NULL,
                      "%s: loaded", t[i].name);
        ck_assert_msg(strstr(err, t[i].err) != NULL && strstr(err, "t.rules:3:") != NULL,
                      "%s: got \"%s\", want \"t.rules:3: ...%s\"", t[i].name, err, t[i].err);
    }
}
END_TEST

/* fix with a condition it can act on loads: no hygiene condition, fixable, any, a fixable one
 * beside another, a negated one. */
START_TEST(test_hygiene_fix_loads)
{
    static const char *const t[] = {
        "header fix",
        "header fix hygiene fixable",
        "content fix hygiene any",
        "header fix hygiene missing-date",
        "header fix hygiene bad-from hygiene missing-message-id",
        "header fix !hygiene bad-from",
    };
    char text[512], err[4096];
    struct ruleset *rs;
    size_t i;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        snprintf(text, sizeof(text), "listener out daemon \"out\"\npolicy out {\n    %s\n}\n",
                 t[i]);
        rs = rules_load_buffer("t.rules", text, strlen(text), NULL, err, sizeof(err));
        ck_assert_msg(rs != NULL, "%s: got \"%s\", want it loaded", t[i], err);
        rules_unref(rs);
    }
}
END_TEST

/* hygiene_header_lead (relaywarden -t): the real first line is measured, "Subject:" with no
 * space is 8 octets before the value; the daemon's "Name: value" counts 9. */
START_TEST(test_hygiene_lead)
{
    static const struct {
        const char *name;
        size_t lead, value;
        unsigned want;
    } t[] = {
        {"Subject: no space, 997 octets", 8, 989, 0},
        {"Subject: no space, 998 octets (the limit)", 8, 990, 0},
        {"Subject: no space, 999 octets", 8, 991, HYG_LONG_LINE},
        {"Subject : with a space before the colon, 998", 10, 988, 0},
        {"Subject : with a space before the colon, 999", 10, 989, HYG_LONG_LINE},
        {"daemon's count, value of 990 (999)", 9, 990, HYG_LONG_LINE},
    };
    struct hygiene h;
    char *v;
    size_t i;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        v = malloc(t[i].value + 1);
        ck_assert_ptr_nonnull(v);
        memset(v, 'x', t[i].value);
        v[t[i].value] = '\0';
        hygiene_init(&h, 0);
        hygiene_header_lead(&h, "Subject", v, t[i].lead);
        free(v);
        ck_assert_msg((h.defects & HYG_LONG_LINE) == t[i].want, "%s: got 0x%x, want 0x%x",
                      t[i].name, h.defects & HYG_LONG_LINE, t[i].want);
    }
}
END_TEST

/* hygiene_reply names where for duplicate-header and long-line only when the name is short
 * and plain (HYGIENE_REPLY_NAME at 31, 32, 33; a byte outside letters, digits and '-'). */
START_TEST(test_hygiene_reply_where)
{
    static const struct {
        const char *name, *hdr;
        size_t namelen; /* a name of this many 'N' octets instead of hdr */
        const char *body, *want;
    } t[] = {
        {"repeated Subject", "Subject", 0, "", " (Subject)"},
        {"long Subject line", "Subject", 0, "x", " (header Subject)"},
        {"long body line", NULL, 0, "b", " (body line 1)"},
        {"long name of 31", NULL, HYGIENE_REPLY_NAME - 1, "x", " (header N...N)"},
        {"long name of 32 (the limit)", NULL, HYGIENE_REPLY_NAME, "x", " (header N...N)"},
        {"long name of 33 left out", NULL, HYGIENE_REPLY_NAME + 1, "x", ""},
        {"a name with '_' left out", "X_Data", 0, "x", ""},
        {"a name with '%' left out", "X%sData", 0, "x", ""},
        {"a name with 8-bit left out", "X-Caf\xc3\xa9", 0, "x", ""},
    };
    static const char *const base = "message has a line over 998 octets (RFC 5322 2.1.1); fix the "
                                    "sending application";
    static const char *const dup = "message repeats a header that may occur only once (RFC 5322 "
                                   "3.6); fix the sending application";
    char name[64], want[400], val[1100];
    struct hygiene h;
    const char *got;
    size_t i;

    /* HYGIENE_REPLY_MAX holds every table text with the longest detail, uncut */
    for (i = 0; i < hygiene_count(); i++)
        ck_assert_msg(strlen(hygiene_at(i)->reply) + strlen(" (header )") + HYGIENE_REPLY_NAME <
                          HYGIENE_REPLY_MAX,
                      "%s: reply of %zu octets", hygiene_at(i)->name, strlen(hygiene_at(i)->reply));
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        hygiene_init(&h, 1);
        memset(val, 'v', 1000);
        val[1000] = '\0';
        if (t[i].namelen > 0) {
            memset(name, 'N', t[i].namelen);
            name[t[i].namelen] = '\0';
        } else {
            snprintf(name, sizeof(name), "%s", t[i].hdr != NULL ? t[i].hdr : "X");
        }
        if (t[i].body[0] == 'b') { /* a body line of 999 */
            hygiene_header(&h, name, "v");
            hygiene_body(&h, val, 999);
        } else if (t[i].body[0] == 'x') { /* a header line over 998 */
            hygiene_header(&h, name, val);
        } else {
            hygiene_header(&h, name, "a");
            hygiene_header(&h, name, "b");
        }
        hygiene_end(&h);
        got = hygiene_reply(&h, t[i].body[0] ? HYG_LONG_LINE : HYG_DUP_HEADER);
        if (strstr(t[i].want, "N...N") != NULL)
            snprintf(want, sizeof(want), "%s (header %s)", base, name);
        else
            snprintf(want, sizeof(want), "%s%s", t[i].body[0] ? base : dup, t[i].want);
        ck_assert_msg(strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"", t[i].name, got, want);
    }
}
END_TEST

/* The static audit: a hygiene condition never hides a spoofing hole. A refusal that holds
 * only for a message with a Date is no refusal: the spoofer leaves the Date out. */
START_TEST(test_hygiene_audit)
{
    static const struct {
        const char *name, *conds;
        int warnings;
    } t[] = {
        {"header-from refusal alone", "", 0},
        {"refusal only with a Date", " !hygiene missing-date", 1},
        {"refusal only without a Date", " hygiene missing-date", 1},
        {"hygiene rule beside it", "\n    header reject hygiene bad-from", 0},
    };
    char text[1024], out[8192];
    struct ruleset *rs;
    int got;

    snprintf(text, sizeof(text),
             "domains ours { example.com }\nlistener out daemon \"out\"\npolicy out {\n"
             "    mail reject auth !tls \"530 5.7.0 TLS first\"\n"
             "    rcpt reject !auth to !<ours> \"550 5.7.1 authentication required\"\n"
             "    header reject !auth header-from <ours>%s\n}\n",
             t[_i].conds);
    rs = testutil_load(text);
    got = audit_ruleset(rs, out, sizeof(out));
    ck_assert_msg(got == t[_i].warnings, "%s: got %d warnings, want %d:\n%s", t[_i].name, got,
                  t[_i].warnings, out);
    rules_unref(rs);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("hygiene");
    TCase *tc = tcase_create("hygiene");

    atexit(pool_free);
    build_rows();
    tcase_add_loop_test(tc, test_hygiene_table, 0, nrows);
    tcase_add_loop_test(tc, test_hygiene_duplicate, 0, HYGIENE_NSINGLE);
    tcase_add_test(tc, test_hygiene_fix);
    tcase_add_loop_test(tc, test_hygiene_name_log, 0, 3);
    tcase_add_test(tc, test_hygiene_date_msgid);
    tcase_add_loop_test(tc, test_hygiene_session, 0, (int)(sizeof(srows) / sizeof(srows[0])));
    tcase_add_test(tc, test_hygiene_rules_errors);
    tcase_add_test(tc, test_hygiene_fix_loads);
    tcase_add_test(tc, test_hygiene_lead);
    tcase_add_test(tc, test_hygiene_reply_where);
    tcase_add_loop_test(tc, test_hygiene_audit, 0, 4);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

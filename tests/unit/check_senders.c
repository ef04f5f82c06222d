/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_senders.c - the login -> owned addresses table, and the sender-binding conditions as
 * rules use them.
 */
#include "addr.h"
#include "eval.h"
#include "testutil.h"

static const char entries[] = "alice alice@example.com, a.smith@example.com\n"
                              "assistant boss@example.com\n"
                              "boss boss@example.com\n"
                              "app-* noreply-*@example.com @apps.example.com\n"
                              "bob @example.org\n"
                              "quoted \"\\\"john smith\\\"@example.com\"\n";

/* list: 0 plain, 1 with allow-null subaddress nocase-local */
static const struct {
    const char *name;
    int list;
    const char *login;
    const char *addr;
    int want;
} rows[] = {
    {"own address", 0, "alice", "<alice@example.com>", 1},
    {"second own address", 0, "alice", "<a.smith@example.com>", 1},
    {"local part is exact", 0, "alice", "<ALICE@example.com>", 0},
    {"domain is case-insensitive", 0, "alice", "<alice@EXAMPLE.com>", 1},
    {"login is case-insensitive", 0, "ALICE", "<alice@example.com>", 1},
    {"someone else's address", 0, "alice", "<boss@example.com>", 0},
    {"delegate", 0, "assistant", "<boss@example.com>", 1},
    {"owner of the delegated address", 0, "boss", "<boss@example.com>", 1},
    {"delegate only for that address", 0, "assistant", "<alice@example.com>", 0},
    {"glob login, glob address", 0, "app-crm", "<noreply-crm@example.com>", 1},
    {"glob login, whole domain", 0, "app-crm", "<anything@apps.example.com>", 1},
    {"glob login, foreign address", 0, "app-crm", "<alice@example.com>", 0},
    {"whole domain", 0, "bob", "<x@example.org>", 1},
    {"whole domain is not subdomains", 0, "bob", "<x@sub.example.org>", 0},
    {"unknown login", 0, "mallory", "<alice@example.com>", 0},
    {"empty login", 0, "", "<alice@example.com>", 0},
    {"null sender off by default", 0, "alice", "<>", 0},
    {"subaddress off by default", 0, "alice", "<alice+tag@example.com>", 0},
    {"percent hack never owned", 0, "alice", "<alice%evil.test@example.com>", 0},
    {"source route never owned", 0, "alice", "<@evil.test:alice@example.com>", 0},
    {"quoted local part", 0, "quoted", "<\"john smith\"@example.com>", 1},
    {"null sender allowed", 1, "alice", "<>", 1},
    {"subaddress allowed", 1, "alice", "<alice+tag@example.com>", 1},
    {"subaddress of someone else", 1, "alice", "<boss+tag@example.com>", 0},
    {"nocase local", 1, "alice", "<ALICE@Example.COM>", 1},
};

static struct ruleset *rs;

static void
setup(void)
{
    char text[2048];

    snprintf(text, sizeof(text),
             "senders plain {\n%s}\n"
             "senders loose allow-null subaddress nocase-local {\n%s}\n"
             "domains ours { example.com }\n"
             "listener l default\n"
             "policy l {\n"
             "    mail reject auth !sender-owned-by <plain>\n"
             "    header reject auth !from-owned-by <plain>\n"
             "    header reject !auth header-from <ours>\n"
             "}\n",
             entries, entries);
    rs = testutil_load(text);
}

static void
teardown(void)
{
    rules_unref(rs);
}

START_TEST(test_senders_table)
{
    const struct list *l = strset_get(&rs->lists, rows[_i].list ? "loose" : "plain")->value;
    struct addr a;
    char err[128];

    ck_assert_int_eq(addr_parse(rows[_i].addr, ADDR_MAIL, &a, err, sizeof(err)), 0);
    ck_assert_msg(
        senders_owns(&l->senders, rows[_i].login, a.local, a.domain, a.flags) == rows[_i].want,
        "%s: %s as %s want %d", rows[_i].name, rows[_i].login, rows[_i].addr, rows[_i].want);
}
END_TEST

/* The three conditions through eval: which rule line decides, 0 for none. */
static int
decide(enum stage st, const char *auth, const char *from, const char *const *hdrs)
{
    const struct listener *l = rules_listener(rs, NULL);
    struct facts s = {0};
    const char *why = NULL;
    struct author au;
    struct addr a;
    const struct rule *r;
    char err[128];
    size_t pos = 0;

    memset(&au, 0, sizeof(au));
    s.auth = auth;
    if (from != NULL) {
        ck_assert_int_eq(addr_parse(from, ADDR_MAIL, &a, err, sizeof(err)), 0);
        s.from = &a;
    }
    for (; hdrs != NULL && hdrs[0] != NULL; hdrs += 2)
        hdraddr_add(&au, hdrs[0], hdrs[1]);
    s.author = st == STAGE_HEADER ? &au : NULL;
    return eval_next(l->policy, st, &s, &pos, &r, &why) ? r->line : 0;
}

START_TEST(test_binding_conditions)
{
    static const char *const own[] = {"From", "Alice <alice@example.com>", NULL};
    static const char *const foreign[] = {"From", "Boss <boss@example.com>", NULL};
    static const char *const two[] = {"From", "alice@example.com", "From", "alice@example.com",
                                      NULL};
    static const char *const smuggle[] = {
        "From", "=?utf-8?q?boss=40example.com?= <alice@example.com>", NULL};
    static const char *const sender_foreign[] = {"From", "alice@example.com", "Sender",
                                                 "boss@example.com", NULL};
    static const char *const broken[] = {"From", "Alice <alice@example.com", NULL};
    static const char *const outside[] = {"From", "x@remote.test", NULL};
    static const char *const spoof_display[] = {"From", "\"ceo@example.com\" <x@remote.test>",
                                                NULL};
    static const char *const none[] = {NULL};

    ck_assert_int_eq(decide(STAGE_MAIL, "alice", "<alice@example.com>", NULL), 0);
    ck_assert_int_ne(decide(STAGE_MAIL, "alice", "<boss@example.com>", NULL), 0);
    ck_assert_int_eq(decide(STAGE_MAIL, NULL, "<boss@example.com>", NULL), 0);
    ck_assert_int_eq(decide(STAGE_HEADER, "alice", NULL, own), 0);
    ck_assert_int_ne(decide(STAGE_HEADER, "alice", NULL, foreign), 0);
    ck_assert_int_ne(decide(STAGE_HEADER, "alice", NULL, two), 0);
    ck_assert_int_ne(decide(STAGE_HEADER, "alice", NULL, smuggle), 0);
    ck_assert_int_ne(decide(STAGE_HEADER, "alice", NULL, sender_foreign), 0);
    ck_assert_int_ne(decide(STAGE_HEADER, "alice", NULL, broken), 0);
    ck_assert_int_ne(decide(STAGE_HEADER, "alice", NULL, none), 0);
    /* Anti-spoofing: unauthenticated mail claiming our domain in From:. */
    ck_assert_int_ne(decide(STAGE_HEADER, NULL, NULL, own), 0);
    ck_assert_int_eq(decide(STAGE_HEADER, NULL, NULL, outside), 0);
    ck_assert_int_ne(decide(STAGE_HEADER, NULL, NULL, spoof_display), 0);
    ck_assert_int_ne(decide(STAGE_HEADER, NULL, NULL, broken), 0);
    ck_assert_int_eq(decide(STAGE_HEADER, NULL, NULL, none), 0);
}
END_TEST

START_TEST(test_senders_errors)
{
    char err[4096];
    const char *path =
        testutil_write("bad.rules", "senders s {\n    alice\n    bob bad..addr@example.com\n"
                                    "    carol @exa_mple.com\n    dave u%x@example.com\n}\n"
                                    "listener l default\npolicy l {\n}\n");
    char want[2048];

    ck_assert_ptr_null(rules_load(path, err, sizeof(err)));
    snprintf(want, sizeof(want),
             "%s:2: \"alice \": a login needs at least one address\n"
             "%s:3: bad address \"bad..addr@example.com\": empty label in local part\n"
             "%s:4: bad domain \"@exa_mple.com\"\n"
             "%s:5: bad address \"u%%x@example.com\": needs user@domain without routing\n",
             path, path, path, path);
    ck_assert_str_eq(err, want);
}
END_TEST

/* 100,000 logins load and are found (the timing is in tests/bench). */
START_TEST(test_senders_large)
{
    size_t cap = 100000 * 48, o = 0, i;
    char *text = malloc(cap), err[4096];
    struct ruleset *big;
    const struct list *l;

    ck_assert_ptr_nonnull(text);
    o += (size_t)snprintf(text + o, cap - o, "senders many {\n");
    for (i = 0; i < 100000; i++)
        o += (size_t)snprintf(text + o, cap - o, "user%zu user%zu@example.com\n", i, i);
    snprintf(text + o, cap - o, "}\nlistener l default\npolicy l {\n}\n");
    big = rules_load(testutil_write("big.rules", text), err, sizeof(err));
    ck_assert_msg(big != NULL, "%.300s", err);
    l = strset_get(&big->lists, "many")->value;
    ck_assert_uint_eq(l->count, 100000);
    ck_assert(senders_owns(&l->senders, "user99999", "user99999", "example.com", 0));
    ck_assert(!senders_owns(&l->senders, "user99999", "user1", "example.com", 0));
    rules_unref(big);
    free(text);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("senders");
    TCase *tc = tcase_create("own");

    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_senders_table, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    tcase_add_test(tc, test_binding_conditions);
    tcase_add_test(tc, test_senders_errors);
    tcase_add_test(tc, test_senders_large);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_eval.c - the relay decision, end to end inside the policy library: an address as the
 * MTA hands it, a listener, a login and a client address in; accept, reject or 501 out.
 */
#include "addr.h"
#include "eval.h"
#include "testutil.h"

static const char relay_rules[] =
    "domains ours { example.com, example.org, *.example.net, [192.0.2.25] }\n" /* 1 */
    "logins apps { \"app-*\" }\n"                                              /* 2 */
    "networks trusted { 10.20.0.0/16, 2001:db8::/32 }\n"                       /* 3 */
    "listener inbound daemon \"inbound\"\n"                                    /* 4 */
    "listener outbound daemon \"outbound\"\n"                                  /* 5 */
    "listener legacy daemon \"legacy\" default\n"                              /* 6 */
    "policy inbound {\n"                                                       /* 7 */
    "    rcpt reject to !<ours> \"550 5.7.1 relaying denied\"\n"               /* 8 */
    "}\n"                                                                      /* 9 */
    "policy outbound {\n"                                                      /* 10 */
    "    rcpt accept to <ours>\n"                                              /* 11 */
    "    rcpt log-only reject login <apps>\n"                                  /* 12 */
    "    rcpt accept auth !login <apps>\n"                                     /* 13 */
    "    rcpt reject \"550 5.7.1 authentication required\"\n"                  /* 14 */
    "}\n"                                                                      /* 15 */
    "policy legacy {\n"                                                        /* 16 */
    "    rcpt accept client <trusted>\n"                                       /* 17 */
    "    rcpt reject to !<ours>\n"                                             /* 18 */
    "}\n";

/* want: "pass" (no rule, or accept), "reject:LINE", "accept:LINE" or "501". */
static const struct {
    const char *name;
    const char *listener;
    const char *auth;
    const char *client;
    const char *rcpt;
    const char *want;
} rows[] = {
    /* Inbound: only our domains, nothing routed to elsewhere. */
    {"in: our domain", "inbound", NULL, "203.0.113.5", "<bob@example.com>", "pass"},
    {"in: second domain", "inbound", NULL, "203.0.113.5", "<bob@example.org>", "pass"},
    {"in: upper case", "inbound", NULL, "203.0.113.5", "<BOB@EXAMPLE.COM>", "pass"},
    {"in: mixed case domain", "inbound", NULL, "203.0.113.5", "<bob@ExAmPlE.oRg>", "pass"},
    {"in: trailing dot", "inbound", NULL, "203.0.113.5", "<bob@example.com.>", "pass"},
    {"in: two trailing dots", "inbound", NULL, "203.0.113.5", "<bob@example.com..>", "501"},
    {"in: wildcard subdomain", "inbound", NULL, "203.0.113.5", "<bob@mx.example.net>", "pass"},
    {"in: wildcard deep subdomain", "inbound", NULL, "203.0.113.5", "<bob@a.b.example.net>",
     "pass"},
    {"in: wildcard parent is not covered", "inbound", NULL, "203.0.113.5", "<bob@example.net>",
     "reject:8"},
    {"in: lookalike suffix", "inbound", NULL, "203.0.113.5", "<bob@evilexample.com>", "reject:8"},
    {"in: lookalike label", "inbound", NULL, "203.0.113.5", "<bob@xexample.net>", "reject:8"},
    {"in: our domain as prefix", "inbound", NULL, "203.0.113.5", "<bob@example.com.evil.org>",
     "reject:8"},
    {"in: foreign domain", "inbound", NULL, "203.0.113.5", "<bob@elsewhere.org>", "reject:8"},
    {"in: foreign with trailing dot", "inbound", NULL, "203.0.113.5", "<bob@elsewhere.org.>",
     "reject:8"},
    {"in: authenticated still no relay", "inbound", "alice", "203.0.113.5", "<bob@elsewhere.org>",
     "reject:8"},
    {"in: quoted local part with space", "inbound", NULL, "203.0.113.5",
     "<\"john smith\"@example.com>", "pass"},
    {"in: empty quoted local part", "inbound", NULL, "203.0.113.5", "<\"\"@example.com>", "pass"},
    {"in: postmaster unqualified", "inbound", NULL, "203.0.113.5", "<postmaster>", "pass"},
    {"in: postmaster qualified", "inbound", NULL, "203.0.113.5", "<postmaster@example.com>",
     "pass"},
    {"in: subaddress", "inbound", NULL, "203.0.113.5", "<u+tag@example.com>", "pass"},
    {"in: percent hack to foreign", "inbound", NULL, "203.0.113.5", "<u%elsewhere.org@example.com>",
     "reject:8"},
    {"in: percent hack to ours", "inbound", NULL, "203.0.113.5", "<u%example.org@example.com>",
     "pass"},
    {"in: double percent hack", "inbound", NULL, "203.0.113.5",
     "<u%example.org%elsewhere.org@example.com>", "reject:8"},
    {"in: percent hack unqualified", "inbound", NULL, "203.0.113.5", "<u%elsewhere.org>",
     "reject:8"},
    {"in: empty percent host", "inbound", NULL, "203.0.113.5", "<u%@example.com>", "reject:8"},
    {"in: bang path to foreign", "inbound", NULL, "203.0.113.5", "<elsewhere.org!u@example.com>",
     "reject:8"},
    {"in: bang path unqualified", "inbound", NULL, "203.0.113.5", "<elsewhere.org!u>", "reject:8"},
    {"in: bang path to ours", "inbound", NULL, "203.0.113.5", "<example.org!u@example.com>",
     "pass"},
    {"in: long bang path", "inbound", NULL, "203.0.113.5", "<example.org!elsewhere.org!u>",
     "reject:8"},
    {"in: bang and percent mixed", "inbound", NULL, "203.0.113.5",
     "<example.org!u%example.org@example.com>", "reject:8"},
    {"in: source route via ours to foreign", "inbound", NULL, "203.0.113.5",
     "<@example.com:u@elsewhere.org>", "reject:8"},
    {"in: source route via foreign to ours", "inbound", NULL, "203.0.113.5",
     "<@elsewhere.org:u@example.com>", "reject:8"},
    {"in: source route all ours", "inbound", NULL, "203.0.113.5", "<@example.org:u@example.com>",
     "pass"},
    {"in: source route two hops", "inbound", NULL, "203.0.113.5",
     "<@example.com,@example.org:u@elsewhere.org>", "reject:8"},
    {"in: quoted at", "inbound", NULL, "203.0.113.5", "<\"u@elsewhere.org\"@example.com>",
     "reject:8"},
    {"in: quoted percent", "inbound", NULL, "203.0.113.5", "<\"u%elsewhere.org\"@example.com>",
     "reject:8"},
    {"in: quoted bang", "inbound", NULL, "203.0.113.5", "<\"elsewhere.org!u\"@example.com>",
     "reject:8"},
    {"in: quoted escaped at", "inbound", NULL, "203.0.113.5", "<\"u\\@elsewhere.org\"@example.com>",
     "reject:8"},
    {"in: two at signs", "inbound", NULL, "203.0.113.5", "<u@elsewhere.org@example.com>", "501"},
    {"in: address literal", "inbound", NULL, "203.0.113.5", "<u@[192.0.2.1]>", "reject:8"},
    {"in: ipv6 literal", "inbound", NULL, "203.0.113.5", "<u@[IPv6:2001:db8::1]>", "reject:8"},
    {"in: listed literal", "inbound", NULL, "203.0.113.5", "<u@[192.0.2.25]>", "pass"},
    {"in: bad literal", "inbound", NULL, "203.0.113.5", "<u@[300.1.1.1]>", "501"},
    {"in: dotted quad as domain", "inbound", NULL, "203.0.113.5", "<u@192.0.2.25>", "reject:8"},
    {"in: null recipient", "inbound", NULL, "203.0.113.5", "<>", "reject:8"},
    {"in: localhost", "inbound", NULL, "203.0.113.5", "<u@localhost>", "reject:8"},
    {"in: 65 octet local part", "inbound", NULL, "203.0.113.5",
     "<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com>", "501"},
    {"in: space in local part", "inbound", NULL, "203.0.113.5", "<u v@example.com>", "501"},
    {"in: CRLF injection", "inbound", NULL, "203.0.113.5", "<u@example.com\r\nRCPT TO:<x@y.z>>",
     "501"},
    {"in: unbalanced bracket", "inbound", NULL, "203.0.113.5", "<u@example.com", "501"},
    {"in: source route without mailbox", "inbound", NULL, "203.0.113.5", "<@example.com:u>", "501"},
    /* Outbound: ours for anyone, the Internet for logins that are not application accounts. */
    {"out: ours without auth", "outbound", NULL, "198.51.100.7", "<bob@example.com>", "accept:11"},
    {"out: foreign without auth", "outbound", NULL, "198.51.100.7", "<friend@elsewhere.org>",
     "reject:14"},
    {"out: foreign with auth", "outbound", "alice", "198.51.100.7", "<friend@elsewhere.org>",
     "accept:13"},
    {"out: empty login is no auth", "outbound", "", "198.51.100.7", "<friend@elsewhere.org>",
     "reject:14"},
    {"out: app account to foreign", "outbound", "app-crm", "198.51.100.7", "<friend@elsewhere.org>",
     "reject:14"},
    {"out: app account upper case", "outbound", "APP-CRM", "198.51.100.7", "<friend@elsewhere.org>",
     "reject:14"},
    {"out: app account to ours", "outbound", "app-crm", "198.51.100.7", "<bob@example.com>",
     "accept:11"},
    {"out: percent hack without auth", "outbound", NULL, "198.51.100.7",
     "<u%elsewhere.org@example.com>", "reject:14"},
    {"out: percent hack with auth", "outbound", "alice", "198.51.100.7",
     "<u%elsewhere.org@example.com>", "accept:13"},
    {"out: quoted at without auth", "outbound", NULL, "198.51.100.7",
     "<\"u@elsewhere.org\"@example.com>", "reject:14"},
    {"out: source route without auth", "outbound", NULL, "198.51.100.7",
     "<@example.com:u@elsewhere.org>", "reject:14"},
    {"out: literal without auth", "outbound", NULL, "198.51.100.7", "<u@[192.0.2.1]>", "reject:14"},
    /* Legacy listener: a listed network relays (where the admin insists). */
    {"legacy: trusted network", "legacy", NULL, "10.20.3.4", "<friend@elsewhere.org>", "accept:17"},
    {"legacy: outside the network", "legacy", NULL, "10.21.0.1", "<friend@elsewhere.org>",
     "reject:18"},
    {"legacy: trusted ipv6", "legacy", NULL, "2001:db8::5", "<friend@elsewhere.org>", "accept:17"},
    {"legacy: v4-mapped ipv6", "legacy", NULL, "::ffff:10.20.0.9", "<friend@elsewhere.org>",
     "accept:17"},
    {"legacy: unknown client", "legacy", NULL, NULL, "<friend@elsewhere.org>", "reject:18"},
    {"legacy: ours from anywhere", "legacy", NULL, "192.0.2.99", "<bob@example.com>", "pass"},
    {"default listener for unknown daemon", "no-such-daemon", NULL, "192.0.2.99",
     "<friend@elsewhere.org>", "reject:18"},
};

static struct ruleset *rs;

static void
setup(void)
{
    rs = testutil_load(relay_rules);
}

static void
teardown(void)
{
    rules_unref(rs);
}

START_TEST(test_relay_table)
{
    const struct listener *l = rules_listener(rs, rows[_i].listener);
    struct netaddr client;
    struct facts s = {0};
    const char *why = NULL;
    struct addr rcpt;
    const struct rule *r = NULL;
    char err[128], got[64];
    size_t pos = 0;

    ck_assert_ptr_nonnull(l);
    if (addr_parse(rows[_i].rcpt, ADDR_RCPT, &rcpt, err, sizeof(err)) == -1) {
        snprintf(got, sizeof(got), "501");
    } else {
        if (rows[_i].client != NULL) {
            ck_assert_int_eq(netaddr_parse(rows[_i].client, &client), 0);
            s.client = &client;
        }
        s.auth = rows[_i].auth;
        s.rcpt = &rcpt;
        while (eval_next(l->policy, STAGE_RCPT, &s, &pos, &r, &why) && r->log_only)
            r = NULL;
        if (r == NULL)
            snprintf(got, sizeof(got), "pass");
        else
            snprintf(got, sizeof(got), "%s:%d", rules_action_name(r->action), r->line);
    }
    ck_assert_msg(strcmp(got, rows[_i].want) == 0, "%s: %s got %s want %s", rows[_i].name,
                  rows[_i].rcpt, got, rows[_i].want);
}
END_TEST

/* A log-only rule is found first but does not decide. */
START_TEST(test_log_only_does_not_decide)
{
    const struct listener *l = rules_listener(rs, "outbound");
    struct facts s = {0};
    const char *why = NULL;
    struct addr rcpt;
    const struct rule *r;
    char err[128];
    size_t pos = 0;

    ck_assert_int_eq(addr_parse("<x@elsewhere.org>", ADDR_RCPT, &rcpt, err, sizeof(err)), 0);
    s.auth = "app-crm";
    s.rcpt = &rcpt;
    ck_assert(eval_next(l->policy, STAGE_RCPT, &s, &pos, &r, &why));
    ck_assert(r->log_only && r->line == 12);
    ck_assert(eval_next(l->policy, STAGE_RCPT, &s, &pos, &r, &why));
    ck_assert(!r->log_only && r->line == 14);
}
END_TEST

START_TEST(test_null_sender_in_no_list)
{
    struct ruleset *r2 = testutil_load("domains ours { example.com }\n"
                                       "listener l default\n"
                                       "policy l {\n"
                                       "    mail reject from <ours>\n"
                                       "}\n");
    const struct listener *l = rules_listener(r2, NULL);
    struct facts s = {0};
    const char *why = NULL;
    struct addr from;
    const struct rule *r;
    char err[128];
    size_t pos = 0;

    ck_assert_int_eq(addr_parse("<>", ADDR_MAIL, &from, err, sizeof(err)), 0);
    s.from = &from;
    ck_assert_int_eq(eval_next(l->policy, STAGE_MAIL, &s, &pos, &r, &why), 0);
    pos = 0;
    ck_assert_int_eq(addr_parse("<x@example.com>", ADDR_MAIL, &from, err, sizeof(err)), 0);
    ck_assert_int_eq(eval_next(l->policy, STAGE_MAIL, &s, &pos, &r, &why), 1);
    rules_unref(r2);
}
END_TEST

/* A login as long as a list item or longer still matches its glob (LIST_ITEM_MAX is 512). */
START_TEST(test_long_login)
{
    struct ruleset *lrs = testutil_load("logins apps { \"app-*\", exact }\n"
                                       "listener l default\npolicy l {\n}\n");
    const struct list *l = strset_get(&lrs->lists, "apps")->value;
    char login[4096];
    size_t lens[] = {511, 512, 513, 4000}, i;

    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        memset(login, 'x', lens[i]);
        memcpy(login, "APP-", 4);
        login[lens[i]] = '\0';
        ck_assert_msg(list_match_login(l, login) == 1, "login of %zu octets", lens[i]);
        login[0] = 'b';
        ck_assert_msg(list_match_login(l, login) == 0, "bpp login of %zu octets", lens[i]);
    }
    ck_assert_int_eq(list_match_login(l, "EXACT"), 1);
    rules_unref(lrs);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("eval");
    TCase *tc = tcase_create("relay");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_relay_table, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    tcase_add_test(tc, test_log_only_does_not_decide);
    tcase_add_test(tc, test_null_sender_in_no_list);
    tcase_add_test(tc, test_long_login);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

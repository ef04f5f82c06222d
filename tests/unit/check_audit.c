/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_audit.c - the static audit: each deliberately open or dead rules text with the exact
 * warnings relaywarden -n prints for it, the sample rules clean, and the reporting limit.
 * "%F" in a wanted text stands for the rules file's path.
 */
#include "audit.h"
#include "testutil.h"

/* A clean listener: TLS before a login, our domains refused to outsiders, no relay. */
#define BASE                                                                                       \
    "domains ours { example.com }\n"                                                               \
    "networks ourservers { 192.0.2.0/24 }\n"                                                       \
    "listener in daemon \"in\"\n"                                                                  \
    "policy in {\n"                                                                                \
    "    mail reject auth !tls \"530 5.7.0 tls\"\n"                                                \
    "    mail reject !auth from-claims <ours> !client <ourservers> \"550 5.7.1 spoof\"\n"          \
    "    rcpt reject to !<ours> \"550 5.7.1 relaying denied\"\n"                                   \
    "}\n"
/* Lines 9 to 12 of a listener "out" after BASE: TLS and our domains guarded. */
#define OUT_HEAD                                                                                   \
    "listener out daemon \"out\"\n"                                                                \
    "policy out {\n"                                                                               \
    "    mail reject auth !tls\n"                                                                  \
    "    mail reject !auth from-claims <ours>\n"
#define PROBE                                                                                      \
    "(unauthenticated client 203.0.113.77, no TLS, MAIL FROM <probe@relay-audit.invalid>, "        \
    "RCPT TO <probe@relay-audit.invalid>)\n"

/* What a forged partner sender gets through lines 14 (accept) and 15 (refusal) of a row with a
 * partners list after BASE. */
#define PARTNER_WARNING                                                                            \
    "%F:14: warning: listener out relays for anyone: rcpt accept at line 14 comes before the "     \
    "relay refusal at line 15 (unauthenticated client 203.0.113.77, no TLS, MAIL FROM "            \
    "<audit@partner.example>, RCPT TO <probe@relay-audit.invalid>; the accept tests the sender, "  \
    "and MAIL FROM is forgeable: anyone can write <audit@partner.example>)\n"

static const struct {
    const char *name;
    const char *text;
    const char *want; /* every warning, "" when clean */
} rows[] = {
    {"clean base", BASE, ""},
    {"accept before the relay refusal",
     BASE OUT_HEAD
     "    rcpt accept\n    rcpt reject !auth \"550 5.7.1 authentication required\"\n}\n",
     "%F:13: warning: listener out relays for anyone: rcpt accept at line 13 comes before the "
     "relay refusal at line 14 " PROBE
     "%F:14: warning: rcpt reject can never match: rcpt accept at line 13 decides every case it "
     "covers first\n"},
    {"accept and no refusal", BASE OUT_HEAD "    rcpt accept !tls\n}\n",
     "%F:13: warning: listener out relays for anyone: rcpt accept at line 13 lets an outsider "
     "reach a foreign domain " PROBE},
    {"no rule refuses", BASE OUT_HEAD "}\n",
     "%F:10: warning: listener out relays for anyone: no rule of policy out refuses an outsider "
     "a foreign domain " PROBE},
    {"log-only the only protection",
     BASE OUT_HEAD "    rcpt accept to <ours>\n    rcpt log-only reject !auth\n}\n",
     "%F:14: warning: listener out relays for anyone: its only relay protection, rcpt log-only "
     "reject at line 14, is log-only " PROBE},
    {"log-only next to an enforced refusal is fine",
     BASE OUT_HEAD "    rcpt log-only reject !auth\n    rcpt reject to !<ours>\n}\n", ""},
    {"relay by network alone",
     BASE "networks apps { 10.20.0.0/16 }\n"
          "listener out daemon \"out\"\npolicy out {\n    mail reject auth !tls\n"
          "    mail reject !auth from-claims <ours> !client <apps>\n"
          "    rcpt accept client <apps>\n    rcpt reject !auth\n}\n",
     "%F:14: warning: listener out relays by network alone: rcpt accept lets <apps> reach a "
     "foreign domain without a login, and an IP address is not authentication (unauthenticated "
     "client 10.20.0.0, no TLS, MAIL FROM <probe@relay-audit.invalid>, RCPT TO "
     "<probe@relay-audit.invalid>)\n"},
    {"login without TLS",
     "domains ours { example.com }\nlistener in daemon \"in\"\npolicy in {\n"
     "    mail reject !auth from-claims <ours>\n    rcpt reject to !<ours>\n}\n",
     "%F:3: warning: listener in accepts a login without TLS: no rule of policy in refuses auth "
     "!tls\n"},
    {"TLS required at rcpt counts too",
     "domains ours { example.com }\nlistener in daemon \"in\"\npolicy in {\n"
     "    mail reject !auth from-claims <ours>\n    rcpt reject to !<ours>\n"
     "    rcpt tempfail login \"*\" !tls\n}\n",
     ""},
    {"outsider sends as us",
     "domains ours { example.com }\nlistener in daemon \"in\"\npolicy in {\n"
     "    mail reject auth !tls\n    rcpt reject to !<ours>\n}\n",
     "%F:3: warning: listener in lets an unauthenticated outsider send as our domain: policy in "
     "refuses neither MAIL FROM <audit@example.com> nor From: audit@example.com (client "
     "203.0.113.77, no TLS, RCPT TO <audit@example.com>)\n"},
    {"a header check alone is a check",
     "domains ours { example.com }\nlistener in daemon \"in\"\npolicy in {\n"
     "    mail reject auth !tls\n    rcpt reject to !<ours>\n"
     "    header quarantine !auth header-from <ours>\n}\n",
     ""},
    {"contradictions",
     BASE "policy x {\n    rcpt accept auth !auth\n    rcpt reject rdns pass rdns unverified\n"
          "    rcpt reject to <ours> to !<ours>\n    rcpt reject rdns pass !rdns failed\n}\n",
     "%F:10: warning: rcpt accept can never match: auth and !auth contradict each other\n"
     "%F:11: warning: rcpt reject can never match: rdns pass and rdns unverified contradict each "
     "other\n"
     "%F:12: warning: rcpt reject can never match: to <ours> and to !<ours> contradict each "
     "other\n"},
    {"shadowed rules",
     BASE "policy x {\n    rcpt reject !auth\n    rcpt reject !auth tls \"550 5.7.1 again\"\n"
          "    rcpt tag header \"X-A: b\" !auth\n    rcpt log-only reject auth\n"
          "    rcpt reject auth to <ours>\n    rcpt accept\n    rcpt copy \"a@example.com\"\n"
          "    mail reject auth\n}\n",
     "%F:11: warning: rcpt reject can never match: rcpt reject at line 10 decides every case it "
     "covers first\n"
     "%F:12: warning: rcpt tag can never match: rcpt reject at line 10 decides every case it "
     "covers first\n"
     "%F:16: warning: rcpt copy can never match: rcpt accept at line 15 decides every case it "
     "covers first\n"},
    {"on-error accept: a failing lookup skips the rule, so it shadows nothing",
     "on-error accept\n" BASE "policy x {\n    rcpt reject rdns unverified\n"
     "    rcpt reject rdns unverified to <ours>\n}\n",
     ""},
    {"permissive default listener",
     BASE "listener other default policy out\npolicy out {\n    mail reject auth !tls\n"
          "    mail reject !auth from-claims <ours>\n    rcpt accept auth\n"
          "    rcpt reject to !<ours>\n}\n",
     "%F:9: warning: listener other takes every connection that no listener names, and policy "
     "out relays there for logins: a catch-all listener should relay for nobody\n"},
    {"restrictive default listener", BASE "listener other default policy in\n", ""},
    /* a sender list that is not ours: MAIL FROM is forgeable, in every polarity */
    {"accept from a partner list before the relay refusal",
     BASE "domains partners { partner.example }\n" OUT_HEAD
          "    rcpt accept from <partners>\n    rcpt reject to !<ours>\n}\n",
     PARTNER_WARNING},
    {"accept from-claims a partner list before the relay refusal",
     BASE "domains partners { partner.example }\n" OUT_HEAD
          "    rcpt accept from-claims <partners>\n    rcpt reject to !<ours>\n}\n",
     PARTNER_WARNING},
    {"accept !from !<partners> before the relay refusal",
     BASE "domains partners { partner.example }\n" OUT_HEAD
          "    rcpt accept !from !<partners>\n    rcpt reject to !<ours>\n}\n",
     PARTNER_WARNING},
    {"a partner list that also holds our domain is probed with its other domain",
     BASE "domains partners { example.com partner.example }\n" OUT_HEAD
          "    rcpt accept from <partners>\n    rcpt reject to !<ours>\n}\n",
     PARTNER_WARNING},
    {"an inline sender list",
     BASE "domains partners { partner.example }\n" OUT_HEAD
          "    rcpt accept from { partner.example }\n    rcpt reject to !<ours>\n}\n",
     PARTNER_WARNING},
    {"accept from a partner list after a login is fine",
     BASE "domains partners { partner.example }\n" OUT_HEAD
          "    rcpt accept auth from <partners>\n    rcpt reject to !<ours>\n}\n",
     ""},
    {"a partner list that only refuses is fine",
     BASE "domains partners { partner.example }\n" OUT_HEAD
          "    rcpt reject from <partners>\n    rcpt reject to !<ours>\n}\n",
     ""},
    /* public suffixes in a list that decides relay (libpsl's list), named entry by entry */
    {"a wildcard and bare public suffixes in a list of ours",
     BASE "domains big { example.net, *.com, co.uk, *.co.uk, github.io }\n" OUT_HEAD
          "    rcpt reject to !<big>\n}\n",
     "%F:9: warning: domains list <big> holds *.co.uk, a wildcard over the public suffix co.uk: "
     "every domain under it counts as ours, so a rule that refuses recipients outside the list "
     "relays to all of them\n"
     "%F:9: warning: domains list <big> holds *.com, a wildcard over the public suffix com: every "
     "domain under it counts as ours, so a rule that refuses recipients outside the list relays "
     "to all of them\n"
     "%F:9: warning: domains list <big> holds co.uk, a public suffix: it is nobody's own domain, "
     "yet recipients there count as ours\n"
     "%F:9: warning: domains list <big> holds github.io, a public suffix: it is nobody's own "
     "domain, yet recipients there count as ours\n"},
    {"a wildcard under a public suffix is fine",
     BASE "domains big { *.example.net, example.co.uk }\n" OUT_HEAD
          "    rcpt reject to !<big>\n}\n",
     ""},
    {"a public suffix in a sender list only is not ours",
     BASE "domains partners { *.com }\n" OUT_HEAD
          "    rcpt reject from <partners>\n    rcpt reject to !<ours>\n}\n",
     ""},
    {"no foreign probe exists",
     BASE "listener out daemon \"out\"\npolicy out {\n    mail reject auth !tls\n"
          "    mail reject !auth from-claims <ours>\n"
          "    rcpt reject to !{ *.invalid, *.example, *.test, *.example.net, *.example.org, "
          "*.localhost }\n}\n",
     "%F:1: warning: no foreign probe exists: every candidate (relay-audit.invalid, "
     "foreign.example, relay-audit.test, relay-audit.example.net, relay-audit.example.org, "
     "relay-audit.localhost) is inside a list recipients are tested against, so no relay check "
     "could try a domain that is not ours\n"
     "%F:10: warning: listener out relays for anyone: no rule of policy out refuses an outsider "
     "a foreign domain " PROBE},
    {"the last foreign candidate is outside",
     BASE "listener out daemon \"out\"\npolicy out {\n    mail reject auth !tls\n"
          "    mail reject !auth from-claims <ours>\n"
          "    rcpt reject to !{ *.invalid, *.example, *.test, *.example.net, *.example.org }\n"
          "    rcpt accept\n}\n",
     ""},
    /* every rDNS verdict: an outsider picks its own by what its reverse zone answers */
    {"accept rdns failed before the relay refusal",
     BASE OUT_HEAD "    rcpt accept rdns failed\n    rcpt reject to !<ours>\n}\n",
     "%F:13: warning: listener out relays for anyone: rcpt accept at line 13 comes before the "
     "relay refusal at line 14 (unauthenticated client 203.0.113.77, no TLS, rdns failed, MAIL "
     "FROM <probe@relay-audit.invalid>, RCPT TO <probe@relay-audit.invalid>)\n"},
    {"accept rdns temperror before the relay refusal",
     BASE OUT_HEAD "    rcpt accept rdns temperror\n    rcpt reject to !<ours>\n}\n",
     "%F:13: warning: listener out relays for anyone: rcpt accept at line 13 comes before the "
     "relay refusal at line 14 (unauthenticated client 203.0.113.77, no TLS, rdns temperror, "
     "MAIL FROM <probe@relay-audit.invalid>, RCPT TO <probe@relay-audit.invalid>)\n"},
    {"relay refusal skipped for rdns temperror",
     BASE OUT_HEAD "    rcpt reject to !<ours> !rdns temperror\n}\n",
     "%F:10: warning: listener out relays for anyone: no rule of policy out refuses an outsider "
     "a foreign domain (unauthenticated client 203.0.113.77, no TLS, rdns temperror, MAIL FROM "
     "<probe@relay-audit.invalid>, RCPT TO <probe@relay-audit.invalid>)\n"},
    /* a backup MX: recipients of a partner accepted, the partner is not ours as a sender */
    {"backup MX for a partner list is fine",
     BASE "domains partners { partner.example }\n" OUT_HEAD
          "    header reject !auth header-from <ours>\n    rcpt accept to <partners>\n"
          "    rcpt reject to !<ours>\n}\n",
     ""},
    {"spoofing probe sends as ours, not as the partner",
     BASE
     "domains partners { partner.example }\nlistener out daemon \"out\"\npolicy out {\n"
     "    mail reject auth !tls\n    rcpt accept to <partners>\n    rcpt reject to !<ours>\n}\n",
     "%F:11: warning: listener out lets an unauthenticated outsider send as our domain: policy out "
     "refuses neither MAIL FROM <audit@example.com> nor From: audit@example.com (client "
     "203.0.113.77, no TLS, RCPT TO <audit@example.com>)\n"},
};

/* Expands %F to path. */
static void
expand(char *out, size_t outlen, const char *want, const char *path)
{
    size_t o = 0;

    for (; *want && o + 1 < outlen; want++) {
        if (want[0] == '%' && want[1] == 'F') {
            o += (size_t)snprintf(out + o, outlen - o, "%s", path);
            want++;
        } else {
            out[o++] = *want;
        }
    }
    out[o] = '\0';
}

START_TEST(test_audit_table)
{
    static char out[65536], want[16384];
    struct ruleset *rs = testutil_load(rows[_i].text);
    const char *path = testutil_write("t.rules", rows[_i].text);
    int n = audit_ruleset(rs, out, sizeof(out)), lines = 0;

    expand(want, sizeof(want), rows[_i].want, path);
    for (const char *c = want; *c; c++)
        lines += *c == '\n';
    ck_assert_msg(strcmp(out, want) == 0, "%s:\n--- got\n%s--- want\n%s", rows[_i].name, out, want);
    ck_assert_msg(n == lines, "%s: got %d warnings, want %d", rows[_i].name, n, lines);
    rules_unref(rs);
}
END_TEST

/* The sample rules shipped in contrib/ are clean. */
START_TEST(test_audit_sample_clean)
{
    static char err[65536], out[65536];
    struct ruleset *rs = rules_load(TEST_SRCDIR "/../contrib/relaywarden.rules", err, sizeof(err));

    ck_assert_msg(rs != NULL, "sample rules did not load:\n%s", err);
    ck_assert_msg(audit_ruleset(rs, out, sizeof(out)) == 0, "sample rules: got\n%s--- want none",
                  out);
    rules_unref(rs);
}
END_TEST

/* AUDIT_MAX_REPORTED - 1, the limit and one past it: every warning listed up to the limit,
 * then one line counting the rest. */
START_TEST(test_audit_report_limit)
{
    static const int counts[] = {AUDIT_MAX_REPORTED - 1, AUDIT_MAX_REPORTED,
                                 AUDIT_MAX_REPORTED + 1};
    static char text[65536], out[65536];
    int n = counts[_i], i, lines = 0, want_lines, got;
    size_t o;
    struct ruleset *rs;

    o = (size_t)snprintf(text, sizeof(text), "%spolicy x {\n", BASE);
    for (i = 0; i < n; i++)
        o += (size_t)snprintf(text + o, sizeof(text) - o, "    rcpt accept auth !auth\n");
    snprintf(text + o, sizeof(text) - o, "}\n");
    rs = testutil_load(text);
    got = audit_ruleset(rs, out, sizeof(out));
    for (const char *c = out; *c; c++)
        lines += *c == '\n';
    want_lines = n > AUDIT_MAX_REPORTED ? AUDIT_MAX_REPORTED + 1 : n;
    ck_assert_msg(got == n, "%d dead rules: got %d warnings, want %d", n, got, n);
    ck_assert_msg(lines == want_lines, "%d dead rules: got %d lines, want %d", n, lines,
                  want_lines);
    if (n > AUDIT_MAX_REPORTED)
        ck_assert_msg(strstr(out, "\n1 more warning not shown\n") != NULL, "got tail:\n%s", out);
    else
        ck_assert_msg(strstr(out, "not shown") == NULL, "%d dead rules: a 'not shown' line", n);
    rules_unref(rs);
}
END_TEST

/* A short buffer is cut at a whole line and stays a string. */
START_TEST(test_audit_short_buffer)
{
    char out[120];
    struct ruleset *rs = testutil_load(BASE "policy x {\n    rcpt accept auth !auth\n}\n");

    ck_assert_int_eq(audit_ruleset(rs, out, sizeof(out)), 1);
    ck_assert_msg(strlen(out) < sizeof(out), "not terminated");
    rules_unref(rs);
}
END_TEST

/* audit_sender_domains: one domain per sender list (and per list of ours), without repeats,
 * and the count past max. */
static const struct {
    const char *name;
    const char *text;
    size_t max;
    size_t want_n;
    const char *want; /* the domains copied, space-separated */
} sender_rows[] = {
    {"ours only", BASE, 8, 1, "example.com"},
    {"a partner list",
     BASE
     "domains partners { partner.example }\npolicy x {\n    rcpt accept auth from <partners>\n}\n",
     8, 2, "example.com partner.example"},
    {"a wildcard partner",
     BASE "policy x {\n    mail reject !auth from-claims { *.partner.example }\n}\n", 8, 2,
     "example.com audit.partner.example"},
    {"the same domain in two lists once",
     BASE "policy x {\n    mail reject from { example.com }\n    header reject header-from { "
          "Example.com }\n}\n",
     8, 1, "example.com"},
    {"more than max: counted, not copied",
     BASE "policy x {\n    mail reject from { a.example }\n    mail reject from { b.example }\n}\n",
     2, 3, "example.com a.example"},
};

START_TEST(test_audit_sender_domains)
{
    static char got[65536];
    char dom[8][AUDIT_DOMAIN_LEN];
    struct ruleset *rs = testutil_load(sender_rows[_i].text);
    size_t n = audit_sender_domains(rs, dom, sender_rows[_i].max), i, o = 0;

    got[0] = '\0';
    for (i = 0; i < n && i < sender_rows[_i].max; i++)
        o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s", i ? " " : "", dom[i]);
    ck_assert_msg(n == sender_rows[_i].want_n && strcmp(got, sender_rows[_i].want) == 0,
                  "%s: got %zu \"%s\", want %zu \"%s\"", sender_rows[_i].name, n, got,
                  sender_rows[_i].want_n, sender_rows[_i].want);
    rules_unref(rs);
}
END_TEST

/* audit_domain_decides_relay: inside a list tested with to (named or inline, negated or not),
 * not inside a sender list or a list no rule tests recipients against. */
static const struct {
    const char *name;
    const char *domain;
    int want;
} relay_rows[] = {
    {"our domain", "example.com", 1},
    {"under a wildcard of ours", "a.example.net", 1},
    {"the wildcard's parent itself", "example.net", 0},
    {"an inline list tested with to", "partner.example", 1},
    {"a sender list only", "sender.example", 0},
    {"a list no rule tests", "unused.example", 0},
    {"foreign", "example.org", 0},
};

START_TEST(test_audit_domain_decides_relay)
{
    struct ruleset *rs = testutil_load("domains ours { example.com, *.example.net }\n"
                                       "domains senders { sender.example }\n"
                                       "domains unused { unused.example }\n"
                                       "listener in daemon \"in\"\n"
                                       "policy in {\n"
                                       "    mail reject !auth from <senders>\n"
                                       "    rcpt accept to { partner.example }\n"
                                       "    rcpt reject to !<ours>\n"
                                       "}\n");
    int got = audit_domain_decides_relay(rs, relay_rows[_i].domain);

    ck_assert_msg(got == relay_rows[_i].want, "%s (%s): got %d, want %d", relay_rows[_i].name,
                  relay_rows[_i].domain, got, relay_rows[_i].want);
    rules_unref(rs);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("audit");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_audit_table, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    tcase_add_test(tc, test_audit_sample_clean);
    tcase_add_loop_test(tc, test_audit_report_limit, 0, 3);
    tcase_add_test(tc, test_audit_short_buffer);
    tcase_add_loop_test(tc, test_audit_domain_decides_relay, 0,
                        (int)(sizeof(relay_rows) / sizeof(relay_rows[0])));
    tcase_add_loop_test(tc, test_audit_sender_domains, 0,
                        (int)(sizeof(sender_rows) / sizeof(sender_rows[0])));
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

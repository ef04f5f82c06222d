/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_session.c - the session engine with a fake environment: a clock the test moves and an
 * iprev lookup that counts its calls and answers what the test says. Cache expiry, failed
 * lookups and the on-error action, deferred errors on no-reply events, header deletion
 * bookkeeping, the named limits at limit-1, limit and limit+1, and the negotiation.
 */
#include "iprev.h"
#include "session.h"
#include "testutil.h"

/* The fake world. */
static long long fake_now;
static int fake_calls;
static int fake_fail; /* the lookup cannot be made at all */
static enum rdns_verdict fake_verdict = RDNS_PASS;

static long long
fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

static int
fake_iprev(void *ctx, const char *addr, const struct iprev_settings *cfg, struct rdns_result *r,
           char *why, size_t whylen)
{
    (void)ctx;
    (void)addr;
    (void)cfg;
    fake_calls++;
    if (fake_fail) {
        snprintf(why, whylen, "resolver gone");
        return -1;
    }
    memset(r, 0, sizeof(*r));
    r->verdict = fake_verdict;
    snprintf(r->ptr, sizeof(r->ptr), "host.example");
    return 0;
}

static struct env fake_env = {NULL, fake_clock, fake_iprev, NULL, NULL};

static void
fake_reset(void)
{
    fake_now = 1000000;
    fake_calls = 0;
    fake_fail = 0;
    fake_verdict = RDNS_PASS;
    iprev_cache_free(fake_env.cache);
    fake_env.cache = iprev_cache_new();
}

static const struct verdict *
connect_as(struct session *s, const char *daemon, const char *addr)
{
    struct ev_connect e = {0};

    e.daemon = daemon;
    e.addr = addr;
    e.name = "client.example";
    e.myhostname = "mx.example.com";
    return session_connect(s, &e);
}

static const struct verdict *
mail_as(struct session *s, const char *from, const char *auth)
{
    struct ev_mail e = {0};

    e.from = from;
    e.auth = auth;
    return session_mail(s, &e);
}

/* A connection on daemon and one transaction to <b@example.com>, ready for headers. */
static void
open_message(struct session *s, const char *daemon)
{
    connect_as(s, daemon, "192.0.2.7");
    mail_as(s, "<a@remote.example>", NULL);
    session_rcpt(s, "<b@example.com>", NULL);
}

/* 1 if some log line of v contains text. */
static int
logged(const struct verdict *v, const char *text)
{
    size_t i;

    for (i = 0; i < v->nlog; i++)
        if (strstr(v->log[i], text) != NULL)
            return 1;
    return 0;
}

static const char rdns_rules[] = "domains ours { example.com }\n"
                                 "rdns cache 60 lookup always\n"
                                 "listener in daemon \"in\" stamp\n"
                                 "policy in {\n"
                                 "    connect reject rdns unverified \"550 5.7.1 no rdns\"\n"
                                 "}\n";

START_TEST(test_iprev_cache)
{
    struct ruleset *rs = testutil_load(rdns_rules);
    struct session *s;
    const struct verdict *v;

    fake_reset();
    s = session_new(rs, &fake_env);
    v = connect_as(s, "in", "192.0.2.7");
    ck_assert_int_eq(v->reply, REPLY_CONTINUE);
    session_free(s);
    ck_assert_int_eq(fake_calls, 1);
    /* within the cache time: no second lookup */
    fake_now += 59 * 1000;
    s = session_new(rs, &fake_env);
    connect_as(s, "in", "192.0.2.7");
    session_free(s);
    ck_assert_int_eq(fake_calls, 1);
    /* past it: looked up again, and the new verdict applies */
    fake_now += 2 * 1000;
    fake_verdict = RDNS_UNVERIFIED;
    s = session_new(rs, &fake_env);
    v = connect_as(s, "in", "192.0.2.7");
    ck_assert_int_eq(fake_calls, 2);
    ck_assert_int_eq(v->reply, REPLY_REJECT);
    ck_assert_str_eq(v->code, "550");
    session_free(s);
    /* a failed lookup (SERVFAIL) is not cached */
    fake_verdict = RDNS_FAILED;
    s = session_new(rs, &fake_env);
    connect_as(s, "in", "192.0.2.9");
    session_free(s);
    s = session_new(rs, &fake_env);
    connect_as(s, "in", "192.0.2.9");
    session_free(s);
    ck_assert_int_eq(fake_calls, 4);
    fake_calls = 2;
    /* a timeout is not cached */
    fake_verdict = RDNS_TEMPERROR;
    s = session_new(rs, &fake_env);
    connect_as(s, "in", "192.0.2.8");
    session_free(s);
    s = session_new(rs, &fake_env);
    connect_as(s, "in", "192.0.2.8");
    session_free(s);
    ck_assert_int_eq(fake_calls, 4);
    ck_assert_uint_eq(iprev_cache_len(fake_env.cache), 1);
    rules_unref(rs);
}
END_TEST

/* A lookup that cannot be made: the rule testing it is undecidable, on-error applies. */
START_TEST(test_lookup_failure_on_error)
{
    static const struct {
        const char *on_error;
        enum verdict_reply want;
        const char *logged;
    } rows[] = {
        {"", REPLY_TEMPFAIL, "tempfail: stage=connect rule="},
        {"on-error tempfail\n", REPLY_TEMPFAIL, "reason=\"resolver gone\""},
        {"on-error reject\n", REPLY_REJECT, "reject: stage=connect rule="},
        {"on-error accept\n", REPLY_CONTINUE, "error-accept: stage=connect rule="},
    };
    char text[1024];
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct ruleset *rs;
        struct session *s;
        const struct verdict *v;
        snprintf(text, sizeof(text), "%s%s", rows[i].on_error, rdns_rules);
        rs = testutil_load(text);
        fake_reset();
        fake_fail = 1;
        s = session_new(rs, &fake_env);
        v = connect_as(s, "in", "192.0.2.9");
        ck_assert_msg(v->reply == rows[i].want, "%s: reply %d want %d", rows[i].on_error,
                      v->reply, rows[i].want);
        ck_assert_msg(logged(v, rows[i].logged), "%s: no log line with %s", rows[i].on_error,
                      rows[i].logged);
        session_free(s);
        rules_unref(rs);
    }
}
END_TEST

/* An error on an event the MTA does not wait for is answered at the next one that can. */
START_TEST(test_deferred_error)
{
    struct ruleset *rs = testutil_load("rdns lookup always\n"
                                       "listener in daemon \"in\"\n"
                                       "policy in {\n"
                                       "    mail reject rdns unverified\n"
                                       "}\n");
    struct session *s;
    const struct verdict *v;

    fake_reset();
    fake_fail = 1;
    s = session_new(rs, &fake_env);
    session_noreply(s, 1u << EV_MAIL | 1u << EV_RCPT | 1u << EV_HEADER);
    ck_assert_int_eq(connect_as(s, "in", "192.0.2.9")->reply, REPLY_CONTINUE);
    v = mail_as(s, "<a@remote.example>", NULL);
    ck_assert_int_eq(v->reply, REPLY_CONTINUE);
    ck_assert(logged(v, "error-deferred: stage=mail"));
    ck_assert_int_eq(session_rcpt(s, "<b@example.com>", NULL)->reply, REPLY_CONTINUE);
    v = session_eom(s, "QID1");
    ck_assert_int_eq(v->reply, REPLY_TEMPFAIL);
    ck_assert(logged(v, "QID1: tempfail: stage=content"));
    ck_assert(logged(v, "action=tempfail"));
    session_free(s);
    rules_unref(rs);
}
END_TEST

/* helo reject !tls: tls is known at HELO (a session that did STARTTLS says so there). */
START_TEST(test_helo_tls)
{
    struct ruleset *rs = testutil_load("listener in default\n"
                                       "policy in {\n"
                                       "    helo reject !tls \"554 5.7.0 TLS required\"\n"
                                       "}\n");
    struct session *s;

    fake_reset();
    s = session_new(rs, &fake_env);
    connect_as(s, "x", "192.0.2.1");
    ck_assert_int_eq(session_helo(s, "client", "TLSv1.3")->reply, REPLY_CONTINUE);
    ck_assert_int_eq(session_helo(s, "client", NULL)->reply, REPLY_REJECT);
    ck_assert_str_eq(session_helo(s, "client", "")->code, "554");
    session_free(s);
    rules_unref(rs);
}
END_TEST

/* Forged results and stamps: every one deleted, last first, by its index among headers of its
 * name; then ours on top. At SESSION_FORGED_MAX + 1 the message is tempfailed. */
START_TEST(test_header_deletions)
{
    struct ruleset *rs = testutil_load("listener in daemon \"in\" stamp rdns-header \"X-Stamp\"\n"
                                       "rdns lookup always\n"
                                       "policy in {\n"
                                       "}\n");
    const char *want[] = {"delete Authentication-Results 3", "delete Authentication-Results 1",
                          "delete X-Stamp 2",           "delete X-Stamp 1",
                          "insert Authentication-Results 0", "insert X-Stamp 0"};
    struct session *s;
    const struct verdict *v;
    size_t i;

    fake_reset();
    s = session_new(rs, &fake_env);
    open_message(s, "in");
    session_header(s, "Authentication-Results", "mx.example.com; iprev=pass");
    session_header(s, "authentication-results", "other.example; spf=pass");
    session_header(s, "Authentication-Results", "(c\\) d) MX.example.com.; iprev=pass");
    session_header(s, "x-stamp", "forged");
    session_header(s, "X-Stamp", "forged again");
    session_header(s, "Authentication-Results", "other.example; dkim=pass");
    session_eoh(s, NULL);
    v = session_eom(s, "Q");
    ck_assert_int_eq(v->reply, REPLY_CONTINUE);
    ck_assert_uint_eq(v->nedits, sizeof(want) / sizeof(want[0]));
    for (i = 0; i < v->nedits; i++) {
        char got[128];
        snprintf(got, sizeof(got), "%s %s %d",
                 v->edits[i].op == EDIT_INSERT ? "insert"
                 : v->edits[i].value == NULL   ? "delete"
                                               : "change",
                 v->edits[i].name, v->edits[i].index);
        ck_assert_msg(strcmp(got, want[i]) == 0, "edit %zu: got %s want %s", i, got, want[i]);
    }
    session_free(s);

    for (int k = -1; k <= 1; k++) {
        int n = 64 + k; /* SESSION_FORGED_MAX */
        s = session_new(rs, &fake_env);
        open_message(s, "in");
        for (i = 0; i < (size_t)n; i++)
            session_header(s, "X-Stamp", "forged");
        session_eoh(s, NULL);
        v = session_eom(s, "Q");
        ck_assert_msg((v->reply == REPLY_TEMPFAIL) == (k > 0), "%d stamps: reply %d", n, v->reply);
        if (k <= 0)
            ck_assert_uint_eq(v->nedits, (size_t)n + 2);
        session_free(s);
    }
    rules_unref(rs);
}
END_TEST

/* Redirect replaces every recipient; past SESSION_RCPTS_MAX it refuses to act on a partial
 * list and tempfails. The summary names SESSION_LOG_RCPTS recipients and counts the rest. */
/* Every stamp name of the rules goes on every stamping listener, and too many forgeries
 * tempfail even with on-error accept: never passed half-cleaned. */
START_TEST(test_other_stamps_and_on_error)
{
    struct ruleset *rs = testutil_load("on-error accept\n"
                                       "listener in daemon \"in\" stamp rdns-header \"X-Stamp\"\n"
                                       "listener out daemon \"out\" stamp\n"
                                       "rdns lookup always\n"
                                       "policy in {\n}\npolicy out {\n}\n");
    struct session *s;
    const struct verdict *v;
    size_t i;
    int dels = 0;

    fake_reset();
    s = session_new(rs, &fake_env);
    open_message(s, "in");
    session_header(s, "X-Relaywarden-RDNS", "forged default stamp");
    session_header(s, "x-stamp", "forged own stamp");
    session_header(s, "X-Other", "kept");
    session_eoh(s, NULL);
    v = session_eom(s, "Q");
    for (i = 0; i < v->nedits; i++)
        dels += v->edits[i].value == NULL;
    ck_assert_int_eq(dels, 2);
    session_free(s);

    s = session_new(rs, &fake_env);
    open_message(s, "out");
    for (i = 0; i < 65; i++)
        session_header(s, "X-Stamp", "forged");
    session_eoh(s, NULL);
    v = session_eom(s, "Q");
    ck_assert_int_eq(v->reply, REPLY_TEMPFAIL);
    ck_assert(logged(v, "too many headers named like our stamp"));
    session_free(s);
    rules_unref(rs);
}
END_TEST

/* Forged results go on every listener once some listener stamps, for any stamping
 * listener's authserv-id; a dual-stack client address is its IPv4 one. */
START_TEST(test_forged_everywhere)
{
    struct ruleset *rs = testutil_load("networks v4 { 192.0.2.0/24 }\n"
                                       "listener in daemon \"in\" stamp authserv-id \"a.example\"\n"
                                       "listener other default\n"
                                       "policy in {\n}\n"
                                       "policy other {\n"
                                       "    mail tempfail client <v4> \"451 4.7.1 seen as IPv4\"\n"
                                       "}\n");
    struct session *s;
    const struct verdict *v;
    size_t i;
    int dels = 0, ins = 0;

    fake_reset();
    s = session_new(rs, &fake_env);
    connect_as(s, "nothing-names-this", "::ffff:192.0.2.7");
    ck_assert_int_eq(mail_as(s, "<a@remote.example>", NULL)->reply, REPLY_TEMPFAIL);
    mail_as(s, "<a@remote.example>", NULL);
    session_abort(s);
    session_free(s);

    s = session_new(rs, &fake_env);
    connect_as(s, "nothing-names-this", "198.51.100.7");
    mail_as(s, "<a@remote.example>", NULL);
    session_rcpt(s, "<b@example.com>", NULL);
    session_header(s, "Authentication-Results", "a.example; iprev=pass");
    session_header(s, "Authentication-Results", "mx.example.com; dkim=pass");
    session_header(s, "Authentication-Results", "other.example; dkim=pass");
    session_header(s, "X-Relaywarden-RDNS", "forged");
    session_eoh(s, NULL);
    v = session_eom(s, "Q");
    for (i = 0; i < v->nedits; i++) {
        dels += v->edits[i].value == NULL;
        ins += v->edits[i].op == EDIT_INSERT;
    }
    ck_assert_int_eq(dels, 3); /* a.example, the MTA's host name, the stamp */
    ck_assert_int_eq(ins, 0);  /* this listener does not stamp */
    ck_assert(logged(v, "removed=3"));
    session_free(s);
    rules_unref(rs);
}
END_TEST

START_TEST(test_redirect_limit)
{
    struct ruleset *rs = testutil_load("listener in default\n"
                                       "policy in {\n"
                                       "    mail redirect \"hold@example.com\"\n"
                                       "}\n");
    for (int k = -1; k <= 1; k++) {
        int n = 10000 + k, i; /* SESSION_RCPTS_MAX */
        struct session *s = session_new(rs, &fake_env);
        const struct verdict *v;
        char rcpt[64];
        fake_reset();
        connect_as(s, "in", "192.0.2.7");
        mail_as(s, "<a@remote.example>", NULL);
        for (i = 0; i < n; i++) {
            snprintf(rcpt, sizeof(rcpt), "<u%d@example.com>", i);
            session_rcpt(s, rcpt, NULL);
        }
        v = session_eom(s, "Q");
        if (k <= 0) {
            ck_assert_int_eq(v->reply, REPLY_CONTINUE);
            ck_assert_uint_eq(v->nrcpts, (size_t)n + 1);
            ck_assert_int_eq(v->rcpts[n].op, RCPT_ADD);
            ck_assert_str_eq(v->rcpts[n].addr, "<hold@example.com>");
            ck_assert(logged(v, "<u9@example.com>,...") && logged(v, "action=redirect"));
            ck_assert(!logged(v, "<u10@example.com>"));
        } else {
            ck_assert_int_eq(v->reply, REPLY_TEMPFAIL);
            ck_assert(logged(v, "too many recipients to redirect"));
        }
        session_free(s);
    }
    rules_unref(rs);
}
END_TEST

/* Accumulating rules: SESSION_ACCUMULATE_MAX tag rules fire, one more is an error. */
START_TEST(test_accumulate_limit)
{
    for (int k = -1; k <= 1; k++) {
        int n = 64 + k, i; /* SESSION_ACCUMULATE_MAX */
        char *text = malloc((size_t)n * 64 + 256);
        struct ruleset *rs;
        struct session *s;
        const struct verdict *v;
        strcpy(text, "listener in default\npolicy in {\n");
        for (i = 0; i < n; i++)
            sprintf(text + strlen(text), "    mail tag header \"X-T%d: %d\"\n", i, i);
        strcat(text, "}\n");
        rs = testutil_load(text);
        s = session_new(rs, &fake_env);
        connect_as(s, "in", "192.0.2.7");
        v = mail_as(s, "<a@remote.example>", NULL);
        ck_assert_msg((v->reply == REPLY_TEMPFAIL) == (k > 0), "%d tags: reply %d", n, v->reply);
        if (k <= 0) {
            session_rcpt(s, "<b@example.com>", NULL);
            session_eoh(s, NULL);
            v = session_eom(s, "Q");
            ck_assert_uint_eq(v->nedits, (size_t)n);
        }
        session_free(s);
        rules_unref(rs);
        free(text);
    }
}
END_TEST

/* The second hostile review of the engine, one case each. */
START_TEST(test_engine_review)
{
    struct ruleset *rs = testutil_load(
        "domains ours { example.com }\n"                                            /* 1 */
        "rdns lookup always\n"                                                      /* 2 */
        "on-error accept\n"                                                         /* 3 */
        "listener in default\n"                                                     /* 4 */
        "policy in {\n"                                                             /* 5 */
        "    rcpt log-only reject rdns unverified\n"                                /* 6 */
        "    rcpt reject rdns failed to { legal.example.com }\n"                    /* 7 */
        "    rcpt discard to { trap.example.com } \"trap\"\n"                       /* 8 */
        "    rcpt copy \"<audit@example.com>\" to { legal.example.com }\n"          /* 9 */
        "    rcpt reject to { legal.example.com } \"550 5.1.1 gone\"\n"             /* 10 */
        "    rcpt reject to !<ours> \"550 5.7.1 relaying denied\"\n"                /* 11 */
        "    header tag subject \"[H]\"\n"                                          /* 12 */
        "    header tag subject \"[H]\"\n"                                          /* 13 */
        "    header tag header \"X-Checked: yes\"\n"                                /* 14 */
        "    content redirect \"hold@example.com\" from { redirect.test }\n"        /* 15 */
        "}\n");
    struct session *s;
    const struct verdict *v;
    char *subject;
    size_t i;
    int adds = 0, dels = 0;

    fake_reset();
    fake_fail = 1; /* every rDNS condition is undecidable */
    s = session_new(rs, &fake_env);
    connect_as(s, "in", "192.0.2.7");
    mail_as(s, "<a@redirect.test>", NULL);
    /* log-only never decides, even by error; on-error accept skips the failed rule only */
    v = session_rcpt(s, "<x@elsewhere.test>", NULL);
    ck_assert(logged(v, "would-error: stage=rcpt"));
    ck_assert(logged(v, "error-accept: stage=rcpt"));
    ck_assert_int_eq(v->reply, REPLY_REJECT);
    ck_assert_str_eq(v->code, "550");
    /* an address with no domain is neither in nor out of a list: no discard, no refusal */
    ck_assert_int_eq(session_rcpt(s, "<postmaster>", NULL)->reply, REPLY_CONTINUE);
    /* a copy set off by a refused recipient goes with it */
    ck_assert_int_eq(session_rcpt(s, "<gone@legal.example.com>", NULL)->reply, REPLY_REJECT);
    /* a source-routed recipient is deleted as the MTA keeps it */
    ck_assert_int_eq(session_rcpt(s, "<@example.com:bob@example.com>", NULL)->reply,
                     REPLY_CONTINUE);
    /* a Subject far longer than any buffer, a tag twice, a client header named like a tag */
    subject = malloc(40001);
    memset(subject, 's', 40000);
    subject[40000] = '\0';
    session_header(s, "Subject", subject);
    session_header(s, "x-checked", "yes (forged by the client)");
    session_eoh(s, NULL);
    v = session_eom(s, "Q");
    ck_assert_int_eq(v->reply, REPLY_CONTINUE);
    for (i = 0; i < v->nrcpts; i++) {
        ck_assert_str_ne(v->rcpts[i].addr, "<audit@example.com>");
        if (v->rcpts[i].op == RCPT_DELETE) {
            dels++;
            ck_assert(strcmp(v->rcpts[i].addr, "<postmaster>") == 0 ||
                      strcmp(v->rcpts[i].addr, "<bob@example.com>") == 0);
        } else {
            adds++;
            ck_assert_str_eq(v->rcpts[i].addr, "<hold@example.com>");
        }
    }
    ck_assert_int_eq(dels, 2);
    ck_assert_int_eq(adds, 1);
    for (i = 0; i < v->nedits; i++) {
        const struct hdr_edit *e = &v->edits[i];
        if (strcmp(e->name, "Subject") == 0) {
            ck_assert_uint_eq(strlen(e->value), 40000 + 4);
            ck_assert(strncmp(e->value, "[H] s", 5) == 0);
        }
    }
    ck_assert(logged(v, "tags=\"[H],X-Checked: yes\""));
    ck_assert(logged(v, "action=redirect rule="));
    {
        int del_tag = 0;
        for (i = 0; i < v->nedits; i++)
            del_tag |= v->edits[i].value == NULL && strcmp(v->edits[i].name, "X-Checked") == 0;
        ck_assert(del_tag);
    }
    free(subject);
    session_free(s);
    rules_unref(rs);
}
END_TEST

START_TEST(test_negotiation)
{
    struct ruleset *plain = testutil_load("domains d { example.com }\n"
                                          "listener in default\n"
                                          "policy in {\n"
                                          "    rcpt reject to !<d>\n"
                                          "}\n");
    struct ruleset *rich = testutil_load("listener in default stamp\n"
                                         "policy in {\n"
                                         "    helo reject !tls\n"
                                         "    header tag subject \"[X]\"\n"
                                         "    mail redirect \"a@example.com\" !auth\n"
                                         "    mail quarantine auth\n"
                                         "}\n");
    struct negotiation n;

    session_negotiate(plain, &n);
    ck_assert(!(n.events & (1u << EV_HELO)));
    ck_assert(!(n.events & (1u << EV_HEADER)) && !(n.events & (1u << EV_BODY)));
    ck_assert(n.events & (1u << EV_RCPT));
    ck_assert(!(n.noreply & (1u << EV_RCPT)));
    ck_assert(n.noreply & (1u << EV_MAIL));
    ck_assert_uint_eq(n.edits, 0);
    session_negotiate(rich, &n);
    ck_assert(n.events & (1u << EV_HELO) && !(n.noreply & (1u << EV_HELO)));
    ck_assert(n.events & (1u << EV_HEADER) && (n.noreply & (1u << EV_HEADER)));
    ck_assert(n.noreply & (1u << EV_RCPT));
    ck_assert_uint_eq(n.edits, NEG_ADDHDRS | NEG_CHGHDRS | NEG_ADDRCPT | NEG_DELRCPT |
                                   NEG_QUARANTINE);
    ck_assert_str_eq(n.macros[EV_EOH], "i");
    rules_unref(plain);
    rules_unref(rich);
}
END_TEST

/* A connection no listener takes is tempfailed at connect and at every later event. */
/* With on-error accept, a connection no listener names goes on unchecked to its end: no
 * crash at end of message (the third hostile review). */
START_TEST(test_no_listener_accept)
{
    struct ruleset *rs = testutil_load("on-error accept\n"
                                       "listener in daemon \"in\" stamp\npolicy in {\n}\n");
    struct session *s = session_new(rs, &fake_env);

    fake_reset();
    ck_assert_int_eq(connect_as(s, "third", "192.0.2.7")->reply, REPLY_CONTINUE);
    ck_assert_int_eq(mail_as(s, "<a@b.example>", NULL)->reply, REPLY_CONTINUE);
    ck_assert_int_eq(session_rcpt(s, "<c@d.example>", NULL)->reply, REPLY_CONTINUE);
    session_header(s, "Authentication-Results", "x; iprev=pass");
    ck_assert_int_eq(session_eoh(s, NULL)->reply, REPLY_CONTINUE);
    ck_assert_int_eq(session_eom(s, "Q")->reply, REPLY_CONTINUE);
    session_free(s);
    rules_unref(rs);
}
END_TEST

START_TEST(test_no_listener)
{
    struct ruleset *rs = testutil_load("listener in daemon \"in\"\npolicy in {\n}\n");
    struct session *s = session_new(rs, &fake_env);
    const struct verdict *v = connect_as(s, "other", "192.0.2.7");

    ck_assert_int_eq(v->reply, REPLY_TEMPFAIL);
    ck_assert(logged(v, "no listener for {daemon_name} \\\"other\\\""));
    ck_assert_int_eq(mail_as(s, "<a@b.example>", NULL)->reply, REPLY_TEMPFAIL);
    ck_assert_int_eq(session_eom(s, NULL)->reply, REPLY_TEMPFAIL);
    session_free(s);
    rules_unref(rs);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("session");
    TCase *tc = tcase_create("engine");
    int rc;

    tcase_add_test(tc, test_iprev_cache);
    tcase_add_test(tc, test_lookup_failure_on_error);
    tcase_add_test(tc, test_deferred_error);
    tcase_add_test(tc, test_helo_tls);
    tcase_add_test(tc, test_header_deletions);
    tcase_add_test(tc, test_redirect_limit);
    tcase_add_test(tc, test_other_stamps_and_on_error);
    tcase_add_test(tc, test_forged_everywhere);
    tcase_add_test(tc, test_accumulate_limit);
    tcase_add_test(tc, test_negotiation);
    tcase_add_test(tc, test_engine_review);
    tcase_add_test(tc, test_no_listener);
    tcase_add_test(tc, test_no_listener_accept);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    rc = testutil_run(s);
    iprev_cache_free(fake_env.cache);
    return rc;
}

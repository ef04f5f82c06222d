/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_geoip.c - the GeoIP part with a fake lookup: list items (countries, asns, logins-from)
 * and their named limits at limit-1, limit and limit+1, the login country lock, the parser's
 * file:line errors, and sessions whose env->geoip answers what the test says (one lookup per
 * connection, the stamp and the removal of a client's copy, a failed lookup, unknown).
 */
#include "audit.h"
#include "cond.h"
#include "geoip.h"
#include "list.h"
#include "session.h"
#include "testutil.h"

#include <arpa/inet.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Limits of geoip.c, as documented there. */
#define ENTRY_MAX 2048
#define LOGIN_MAX 512

struct item_row {
    const char *name;
    enum list_type type;
    const char *item;
    int want;        /* 0 added, -1 refused */
    const char *err; /* part of the message when refused */
};

static const struct item_row item_rows[] = {
    {"country upper", LIST_COUNTRIES, "DE", 0, NULL},
    {"country lower", LIST_COUNTRIES, "fr", 0, NULL},
    {"country unknown", LIST_COUNTRIES, "unknown", 0, NULL},
    {"country EU (MaxMind)", LIST_COUNTRIES, "EU", 0, NULL},
    {"country XK (MaxMind)", LIST_COUNTRIES, "XK", 0, NULL},
    {"country three chars", LIST_COUNTRIES, "XX1", -1, "bad country \"XX1\""},
    {"country not assigned", LIST_COUNTRIES, "ZZ", -1, "not an ISO 3166-1"},
    {"country one letter", LIST_COUNTRIES, "D", -1, "bad country"},
    {"country alpha-3", LIST_COUNTRIES, "DEU", -1, "bad country"},
    {"country Unknown case", LIST_COUNTRIES, "Unknown", -1, "bad country"},
    {"asn plain", LIST_ASNS, "3320", 0, NULL},
    {"asn AS prefix", LIST_ASNS, "AS64512", 0, NULL},
    {"asn as prefix", LIST_ASNS, "as64512", 0, NULL},
    {"asn unknown", LIST_ASNS, "unknown", 0, NULL},
    {"asn max-1", LIST_ASNS, "4294967294", 0, NULL},
    {"asn max", LIST_ASNS, "4294967295", 0, NULL},
    {"asn max+1", LIST_ASNS, "4294967296", -1, "bad AS number"},
    {"asn zero", LIST_ASNS, "0", -1, "bad AS number"},
    {"asn AS alone", LIST_ASNS, "AS", -1, "bad AS number"},
    {"asn trailing junk", LIST_ASNS, "12a", -1, "bad AS number"},
    {"asn negative", LIST_ASNS, "-1", -1, "bad AS number"},
    {"asn plus", LIST_ASNS, "+5", -1, "bad AS number"},
    {"asn eleven digits", LIST_ASNS, "00000000001", -1, "bad AS number"},
    {"logins-from colon", LIST_LOGINS_FROM, "alice: DE FR", 0, NULL},
    {"logins-from no colon", LIST_LOGINS_FROM, "alice DE", 0, NULL},
    {"logins-from tight colon", LIST_LOGINS_FROM, "alice:DE", 0, NULL},
    {"logins-from spaced colon", LIST_LOGINS_FROM, "alice : DE, fr", 0, NULL},
    {"logins-from two entries", LIST_LOGINS_FROM, "a: DE; b: FR;", 0, NULL},
    {"logins-from glob", LIST_LOGINS_FROM, "app-*: DE unknown", 0, NULL},
    {"logins-from no country", LIST_LOGINS_FROM, "alice", -1, "at least one country"},
    {"logins-from colon only", LIST_LOGINS_FROM, "alice:", -1, "at least one country"},
    {"logins-from bad country", LIST_LOGINS_FROM, "alice: XX", -1, "bad country \"XX\""},
    {"logins-from quote", LIST_LOGINS_FROM, "al\"ice: DE", -1, "bad login"},
    {"logins-from second entry bad", LIST_LOGINS_FROM, "a: DE; b: QQ", -1, "bad country"},
};

START_TEST(test_items)
{
    const struct item_row *r = &item_rows[_i];
    struct list *l = list_new("t", r->type, "t.rules", 1);
    char err[300] = "";
    int got = list_add(l, r->item, err, sizeof(err));

    ck_assert_msg(got == r->want, "%s: got %d (%s), want %d", r->name, got, err, r->want);
    if (r->err != NULL)
        ck_assert_msg(strstr(err, r->err) != NULL, "%s: got error \"%s\", want \"%s\"", r->name,
                      err, r->err);
    list_free(l);
}
END_TEST

/* A login of n octets, and an entry of n octets in all. */
static char *
repeat(char c, size_t n)
{
    char *s = malloc(n + 1);

    memset(s, c, n);
    s[n] = '\0';
    return s;
}

struct limit_row {
    const char *name;
    size_t len; /* the login's length, or the entry's */
    int entry;  /* 1: len is the whole entry's */
    int want;
};

static const struct limit_row limit_rows[] = {
    {"login LOGIN_MAX-2", LOGIN_MAX - 2, 0, 0},
    {"login LOGIN_MAX-1 (longest)", LOGIN_MAX - 1, 0, 0},
    {"login LOGIN_MAX", LOGIN_MAX, 0, -1},
    {"login LOGIN_MAX+1", LOGIN_MAX + 1, 0, -1},
    {"entry ENTRY_MAX-2", ENTRY_MAX - 2, 1, 0},
    {"entry ENTRY_MAX-1 (longest)", ENTRY_MAX - 1, 1, 0},
    {"entry ENTRY_MAX", ENTRY_MAX, 1, -1},
    {"entry ENTRY_MAX+1", ENTRY_MAX + 1, 1, -1},
};

START_TEST(test_limits)
{
    const struct limit_row *r = &limit_rows[_i];
    struct list *l = list_new("t", LIST_LOGINS_FROM, "t.rules", 1);
    char err[300] = "", *item;
    int got;

    if (r->entry) { /* "a: DE DE DE ..." padded with spaces to len */
        item = repeat(' ', r->len);
        memcpy(item, "a: DE", 5);
    } else {
        char *login = repeat('x', r->len);
        item = malloc(r->len + 8);
        snprintf(item, r->len + 8, "%s: DE", login);
        free(login);
    }
    got = list_add(l, item, err, sizeof(err));
    ck_assert_msg(got == r->want, "%s: got %d (%s), want %d", r->name, got, err, r->want);
    if (r->want == -1)
        ck_assert_msg(strstr(err, "longer than") != NULL, "%s: error \"%s\"", r->name, err);
    free(item);
    list_free(l);
}
END_TEST

struct lock_row {
    const char *name;
    const char *login;
    const char *country; /* "" unknown */
    int want;            /* 1 allowed, 0 refused, 2 not listed */
};

static const char lock_list[] = "alice: DE FR; bob: US; app-*: DE unknown; a*: NL";

static const struct lock_row lock_rows[] = {
    {"exact, allowed", "alice", "DE", 1},
    {"exact, second country", "alice", "FR", 1},
    {"exact, refused", "alice", "US", 0},
    {"exact, unknown refused", "alice", "", 0},
    {"case of the login", "ALICE", "FR", 1},
    {"exact wins over a glob", "alice", "NL", 0},
    {"glob in order: app-* first", "app-1", "DE", 1},
    {"glob unknown allowed", "app-1", "", 1},
    {"glob in order: app-* refuses NL", "app-1", "NL", 0},
    {"second glob", "anna", "NL", 1},
    {"not listed", "carol", "DE", 2},
    {"empty login", "", "DE", 2},
    {"other exact", "bob", "US", 1},
};

START_TEST(test_lock)
{
    const struct lock_row *r = &lock_rows[_i];
    struct list *l = list_new("t", LIST_LOGINS_FROM, "t.rules", 1);
    struct geoip_result g = {{0}, 0, 0};
    char err[300] = "";
    int got;

    ck_assert_msg(list_add(l, lock_list, err, sizeof(err)) == 0, "%s", err);
    memcpy(g.country, r->country, strlen(r->country));
    got = geoip_login_allowed(l, r->login, &g);
    ck_assert_msg(got == r->want, "%s: got %d, want %d", r->name, got, r->want);
    list_free(l);
}
END_TEST

/* A login far longer than any entry is matched whole against the globs. */
START_TEST(test_lock_long_login)
{
    struct list *l = list_new("t", LIST_LOGINS_FROM, "t.rules", 1);
    struct geoip_result de = {"DE", 3320, 0}, us = {"US", 1, 0};
    char err[300] = "", *login = repeat('y', 4000);

    memcpy(login, "app-", 4);
    ck_assert_msg(list_add(l, "app-*: DE", err, sizeof(err)) == 0, "%s", err);
    ck_assert_int_eq(geoip_login_allowed(l, login, &de), 1);
    ck_assert_int_eq(geoip_login_allowed(l, login, &us), 0);
    login[0] = 'b';
    ck_assert_int_eq(geoip_login_allowed(l, login, &de), 2);
    free(login);
    list_free(l);
}
END_TEST

struct fmt_row {
    const char *name;
    const char *country;
    unsigned long asn;
    const char *want;
    unsigned failed;
};

static const struct fmt_row fmt_rows[] = {
    {"both known", "DE", 3320, "country=DE asn=3320", 0},
    {"country unknown", "", 3320, "country=unknown asn=3320", 0},
    {"asn unknown", "US", 0, "country=US asn=unknown", 0},
    {"both unknown", "", 0, "country=unknown asn=unknown", 0},
    {"largest asn", "FR", 4294967295UL, "country=FR asn=4294967295", 0},
    {"asn database failed", "DE", 0, "country=DE asn=error", GEOIP_FAILED(GEOIP_ASN)},
    {"country database failed", "", 3320, "country=error asn=3320", GEOIP_FAILED(GEOIP_COUNTRY)},
    {"both failed", "", 0, "country=error asn=error",
     GEOIP_FAILED(GEOIP_COUNTRY) | GEOIP_FAILED(GEOIP_ASN)},
};

START_TEST(test_format)
{
    const struct fmt_row *r = &fmt_rows[_i];
    struct geoip_result g = {{0}, r->asn, r->failed};
    char buf[GEOIP_STAMP_MAX];

    memcpy(g.country, r->country, strlen(r->country));
    geoip_format(&g, buf, sizeof(buf));
    ck_assert_msg(strcmp(buf, r->want) == 0, "%s: got \"%s\", want \"%s\"", r->name, buf, r->want);
}
END_TEST

/* One database failed (r->failed): its conditions are undecidable, the other's still decide
 * (a corrupt AS database must not stop the country rules, hostile review). */
struct failed_row {
    const char *name;
    unsigned failed;
    int want_country, want_asn, want_login; /* -1 undecidable */
};

static const struct failed_row failed_rows[] = {
    {"nothing failed", 0, 1, 1, 1},
    {"asn failed", GEOIP_FAILED(GEOIP_ASN), 1, -1, 1},
    {"country failed", GEOIP_FAILED(GEOIP_COUNTRY), -1, 1, -1},
    {"both failed", GEOIP_FAILED(GEOIP_COUNTRY) | GEOIP_FAILED(GEOIP_ASN), -1, -1, -1},
};

START_TEST(test_failed_kind)
{
    const struct failed_row *r = &failed_rows[_i];
    struct list *lc = list_new("c", LIST_COUNTRIES, "t.rules", 1);
    struct list *la = list_new("a", LIST_ASNS, "t.rules", 2);
    struct list *ll = list_new("l", LIST_LOGINS_FROM, "t.rules", 3);
    struct geoip_result g = {"DE", 3320, r->failed};
    struct cond cc, ca, cl;
    struct facts f;
    char err[300] = "";
    int got[3];

    ck_assert_msg(list_add(lc, "DE", err, sizeof(err)) == 0, "%s", err);
    ck_assert_msg(list_add(la, "3320", err, sizeof(err)) == 0, "%s", err);
    ck_assert_msg(list_add(ll, "alice: DE", err, sizeof(err)) == 0, "%s", err);
    memset(&cc, 0, sizeof(cc));
    memset(&f, 0, sizeof(f));
    ca = cl = cc;
    cc.list = lc;
    ca.list = la;
    cl.list = ll;
    f.geo = &g;
    f.geo_error = r->failed ? "geoip AS number of the entry: corrupt" : NULL;
    f.auth = "alice";
    /* as the lookup leaves them: what a failed database could not give is empty, not a guess */
    if (r->failed & GEOIP_FAILED(GEOIP_ASN))
        g.asn = 0;
    if (r->failed & GEOIP_FAILED(GEOIP_COUNTRY))
        g.country[0] = '\0';
    got[0] = geoip_cond_country(&cc, &f);
    got[1] = geoip_cond_asn(&ca, &f);
    got[2] = geoip_cond_login(&cl, &f);
    ck_assert_msg(got[0] == r->want_country && got[1] == r->want_asn && got[2] == r->want_login,
                  "%s: got country %d asn %d login %d, want %d %d %d", r->name, got[0], got[1],
                  got[2], r->want_country, r->want_asn, r->want_login);
    list_free(lc);
    list_free(la);
    list_free(ll);
}
END_TEST

/* The parser: each row a rules text and the error it must give (file:line). */
struct parse_row {
    const char *name;
    const char *text;
    const char *want; /* NULL: loads */
};

#define PR_HEAD "domains ours { example.com }\nlistener in default\n"

static const struct parse_row parse_rows[] = {
    {"country and its database",
     "geoip country \"/x/c.mmdb\"\n" PR_HEAD
     "policy in {\n rcpt reject country { RU, unknown }\n}\n",
     NULL},
    {"asn and its database",
     "geoip asn \"/x/a.mmdb\"\n" PR_HEAD "policy in {\n connect reject asn AS64512\n}\n", NULL},
    {"country without a database", PR_HEAD "policy in {\n rcpt reject country { RU }\n}\n",
     "t.rules:4: condition country needs a country database"},
    {"asn without a database",
     "geoip country \"/x/c.mmdb\"\n" PR_HEAD "policy in {\n rcpt reject asn { 1 }\n}\n",
     "t.rules:5: condition asn needs an ASN database"},
    {"login-country without a database",
     PR_HEAD "logins-from t { a: DE }\npolicy in {\n"
             " mail reject !login-country <t>\n}\n",
     "t.rules:5: condition login-country needs a country"},
    {"database declared after the rule",
     PR_HEAD "policy in {\n rcpt reject country { RU }\n}\n"
             "geoip country \"/x/c.mmdb\"\n",
     NULL},
    {"geoip without a kind", "geoip \"/x/c.mmdb\"\n" PR_HEAD "policy in {\n}\n",
     "t.rules:1: geoip needs the kind of database, country or asn"},
    {"geoip unknown kind", "geoip city \"/x/c.mmdb\"\n" PR_HEAD "policy in {\n}\n",
     "t.rules:1: geoip needs the kind"},
    {"geoip relative path", "geoip country \"c.mmdb\"\n" PR_HEAD "policy in {\n}\n",
     "t.rules:1: geoip country needs a quoted absolute path"},
    {"geoip twice",
     "geoip country \"/x/c.mmdb\"\ngeoip country \"/x/d.mmdb\"\n" PR_HEAD "policy in {\n}\n",
     "t.rules:2: geoip: the country database is already named at t.rules:1"},
    {"bad country inline",
     "geoip country \"/x/c.mmdb\"\n" PR_HEAD "policy in {\n rcpt reject country { XX1 }\n}\n",
     "t.rules:5: bad country \"XX1\""},
    {"countries list", "countries eu { DE, FR }\n" PR_HEAD "policy in {\n}\n", NULL},
    {"logins-from on lines",
     "logins-from t {\n alice: DE FR\n \"app-*\": DE\n}\n" PR_HEAD "policy in {\n}\n", NULL},
    {"logins-from as in the man page",
     "logins-from t { alice: DE FR; \"app-*\": DE }\n" PR_HEAD "policy in {\n}\n", NULL},
    {"logins-from login twice",
     "logins-from t {\n alice: DE\n alice: FR\n}\n" PR_HEAD "policy in {\n}\n",
     "t.rules:3: logins-from: login \"alice\" is listed twice"},
    {"stamp",
     "geoip asn \"/x/a.mmdb\"\ndomains ours { example.com }\n"
     "listener in default geoip-stamp\npolicy in {\n}\n",
     NULL},
    {"stamp named",
     "geoip asn \"/x/a.mmdb\"\ndomains ours { example.com }\n"
     "listener in default geoip-stamp \"X-Geo\" stamp\npolicy in {\n}\n",
     NULL},
    {"stamp without a database",
     "domains ours { example.com }\n"
     "listener in default geoip-stamp\npolicy in {\n}\n",
     "t.rules:2: listener \"in\": geoip-stamp needs a database"},
    {"stamp not an X- name",
     "geoip asn \"/x/a.mmdb\"\ndomains ours { example.com }\n"
     "listener in default geoip-stamp \"From\"\npolicy in {\n}\n",
     "t.rules:3: listener \"in\": geoip-stamp \"From\" must be an X- header field name"},
};

START_TEST(test_parse)
{
    const struct parse_row *r = &parse_rows[_i];
    static char err[65536];
    struct ruleset *rs =
        rules_load_buffer("t.rules", r->text, strlen(r->text), NULL, err, sizeof(err));

    if (r->want == NULL)
        ck_assert_msg(rs != NULL, "%s: got errors\n%s", r->name, err);
    else
        ck_assert_msg(rs == NULL && strstr(err, r->want) != NULL, "%s: got \"%s\", want \"%s\"",
                      r->name, rs ? "(loaded)" : err, r->want);
    rules_unref(rs);
}
END_TEST

/* A refused geoip statement is the one error: its conditions and stamps are not blamed too. */
START_TEST(test_no_cascade)
{
    static const char text[] =
        "geoip country \"c.mmdb\"\n" PR_HEAD "listener out daemon \"out\" policy in geoip-stamp\n"
        "policy in {\n rcpt reject country { RU }\n}\n";
    static char err[65536];
    struct ruleset *rs = rules_load_buffer("t.rules", text, strlen(text), NULL, err, sizeof(err));

    ck_assert_ptr_null(rs);
    ck_assert_msg(strcmp(err, "t.rules:1: geoip country needs a quoted absolute path "
                              "(\"/var/lib/GeoIP/...\"), got \"c.mmdb\"\n") == 0,
                  "got:\n%s", err);
}
END_TEST

/* The audit's sample clients: k countries lists give 2 + k countries (unknown, one outside
 * every list, one of each list) up to GEOIP_AUDIT_SAMPLES, crossed with unknown and an AS
 * outside every list; the caller's max cuts the product. */
struct sample_row {
    const char *name;
    int lists;  /* countries lists in the rules */
    size_t max; /* room the caller gives */
    size_t want;
};

static const struct sample_row sample_rows[] = {
    {"countries: samples limit-1", GEOIP_AUDIT_SAMPLES - 3, 1000, (GEOIP_AUDIT_SAMPLES - 1) * 2},
    {"countries: samples at the limit", GEOIP_AUDIT_SAMPLES - 2, 1000, GEOIP_AUDIT_SAMPLES * 2},
    {"countries: samples limit+1, capped", GEOIP_AUDIT_SAMPLES - 1, 1000, GEOIP_AUDIT_SAMPLES * 2},
    {"max limit-1", 20, GEOIP_AUDIT_SAMPLES - 1, GEOIP_AUDIT_SAMPLES - 1},
    {"max at the limit", 20, GEOIP_AUDIT_SAMPLES, GEOIP_AUDIT_SAMPLES},
    {"max limit+1", 20, GEOIP_AUDIT_SAMPLES + 1, GEOIP_AUDIT_SAMPLES + 1},
};

START_TEST(test_audit_samples)
{
    static const char *const cc[] = {"AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR",
                                     "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE"};
    const struct sample_row *r = &sample_rows[_i];
    struct geoip_result out[GEOIP_AUDIT_SAMPLES * GEOIP_AUDIT_SAMPLES];
    char text[8192];
    size_t o = 0, n;
    struct ruleset *rs;
    int i;

    o += (size_t)snprintf(text + o, sizeof(text) - o, "geoip country \"/x/c.mmdb\"\n");
    for (i = 0; i < r->lists; i++)
        o += (size_t)snprintf(text + o, sizeof(text) - o, "countries c%d { %s }\n", i, cc[i]);
    snprintf(text + o, sizeof(text) - o, "listener in default\npolicy in {\n}\n");
    rs = rules_load_buffer("t.rules", text, strlen(text), NULL, NULL, 0);
    ck_assert_ptr_nonnull(rs);
    n = geoip_audit_samples(rs, out, r->max);
    ck_assert_msg(n == r->want, "%s: got %zu samples, want %zu", r->name, n, r->want);
    ck_assert_msg(out[0].country[0] == '\0' && out[0].asn == 0, "%s: the first is not unknown",
                  r->name);
    rules_unref(rs);
}
END_TEST

/* The audit neither hides an open relay behind a country nor warns where none is. */
struct audit_row {
    const char *name;
    const char *rules; /* the rcpt rule before the relay refusal */
    const char *want;  /* part of a warning, or NULL: none about relaying */
};

static const struct audit_row audit_rows[] = {
    {"accept from a country relays", "    rcpt accept country { DE }\n",
     "relays for anyone: rcpt accept at line 8"},
    {"accept from all but one relays", "    rcpt accept !country { RU }\n",
     "relays for anyone: rcpt accept at line 8"},
    {"accept from an AS relays", "    rcpt accept asn { 3320 }\n", "relays for anyone"},
    {"accept unknown relays", "    rcpt accept country unknown\n", "relays for anyone"},
    {"refuse a country: no warning", "    rcpt reject country { RU } \"5.7.1 no\"\n", NULL},
    {"lock at mail: no warning", "    mail reject auth !login-country <t> \"5.7.1 no\"\n", NULL},
};

START_TEST(test_audit)
{
    const struct audit_row *r = &audit_rows[_i];
    char text[2048], out[8192];
    struct ruleset *rs;
    int n;

    snprintf(text, sizeof(text),
             "geoip country \"/x/c.mmdb\"\ngeoip asn \"/x/a.mmdb\"\n"
             "domains ours { example.com }\nlogins-from t { alice: DE }\n"
             "listener in default\npolicy in {\n"
             "    mail reject auth !tls \"5.7.0 TLS\"\n%s"
             "    rcpt reject to !<ours> \"5.7.1 relaying denied\"\n"
             "    mail reject from <ours> \"5.7.1 ours\"\n}\n",
             r->rules);
    rs = rules_load_buffer("t.rules", text, strlen(text), NULL, out, sizeof(out));
    ck_assert_msg(rs != NULL, "%s: %s", r->name, out);
    n = audit_ruleset(rs, out, sizeof(out));
    if (r->want != NULL)
        ck_assert_msg(n > 0 && strstr(out, r->want) != NULL, "%s: got %d warnings:\n%s\nwant %s",
                      r->name, n, out, r->want);
    else
        ck_assert_msg(strstr(out, "relays") == NULL, "%s: got\n%s", r->name, out);
    rules_unref(rs);
}
END_TEST

/* The fake lookup: 192.0.2.x is DE/3320, 198.51.100.x US/15169, the rest unknown. */
static int fake_calls, fake_fail;

static int
fake_geoip(void *ctx, const struct geoip_rules *g, const struct netaddr *a, struct geoip_result *r,
           char *why, size_t whylen)
{
    (void)ctx;
    (void)g;
    fake_calls++;
    memset(r, 0, sizeof(*r));
    if (fake_fail) {
        snprintf(why, whylen, "geoip lookup: corrupt database");
        return -1;
    }
    if (a->family == AF_INET && a->bytes[0] == 192 && a->bytes[1] == 0 && a->bytes[2] == 2) {
        memcpy(r->country, "DE", 3);
        r->asn = 3320;
    } else if (a->family == AF_INET && a->bytes[0] == 198 && a->bytes[1] == 51) {
        memcpy(r->country, "US", 3);
        r->asn = 15169;
    }
    return 0;
}

static struct env fake_env = {.geoip = fake_geoip};

static const char geo_rules[] =
    "geoip country \"/x/c.mmdb\"\n"
    "geoip asn \"/x/a.mmdb\"\n"
    "domains ours { example.com }\n"
    "logins-from travel { alice: DE; \"app-*\": unknown }\n"
    "listener in daemon \"in\" geoip-stamp\n"
    "listener out daemon \"out\" policy out\n"
    "policy in {\n"
    "    connect reject country { RU } \"5.7.1 not from there\"\n"
    "    rcpt reject asn { 15169 } \"5.7.1 not from that network\"\n"
    "    rcpt reject to !<ours> \"5.7.1 relaying denied\"\n"
    "}\n"
    "policy out {\n"
    "    mail reject auth !login-country <travel> \"5.7.1 login not allowed from this country\"\n"
    "    rcpt reject country unknown !auth \"5.7.1 who are you\"\n"
    "}\n";

struct sess_row {
    const char *name;
    const char *daemon;
    const char *addr;
    const char *login;
    int fail;
    int want_reply;       /* the last reply */
    const char *want_log; /* part of a decision line, or NULL */
};

static const struct sess_row sess_rows[] = {
    {"DE client to us", "in", "192.0.2.7", NULL, 0, REPLY_CONTINUE, NULL},
    {"US ASN refused at rcpt", "in", "198.51.100.9", NULL, 0, REPLY_REJECT,
     "reason=\"5.7.1 not from that network\" country=US asn=15169"},
    {"lock: alice from DE", "out", "192.0.2.7", "alice", 0, REPLY_CONTINUE, NULL},
    {"lock: alice from US", "out", "198.51.100.9", "alice", 0, REPLY_REJECT,
     "reject: stage=mail rule=t.rules:13 listener=out client=client.example[198.51.100.9] "
     "auth=alice from=<a@example.com> reason=\"5.7.1 login not allowed from this country\" "
     "country=US asn=15169"},
    {"lock: app from unknown", "out", "203.0.113.5", "app-x", 0, REPLY_CONTINUE, NULL},
    {"lock: app from DE", "out", "192.0.2.7", "app-x", 0, REPLY_REJECT, "auth=app-x"},
    {"lock: unlisted login", "out", "198.51.100.9", "carol", 0, REPLY_CONTINUE, NULL},
    {"unknown unauthenticated", "out", "203.0.113.5", NULL, 0, REPLY_REJECT,
     "country=unknown asn=unknown"},
    {"lookup fails: tempfail", "in", "192.0.2.7", NULL, 1, REPLY_TEMPFAIL,
     "geoip lookup: corrupt database"},
    {"no client address: unknown", "out", "", NULL, 0, REPLY_REJECT, "country=unknown"},
};

START_TEST(test_session)
{
    const struct sess_row *r = &sess_rows[_i];
    struct ruleset *rs = rules_load_buffer("t.rules", geo_rules, strlen(geo_rules), NULL, NULL, 0);
    struct session *s;
    struct ev_connect c = {0};
    struct ev_mail m = {0};
    const struct verdict *v;
    int found = r->want_log == NULL;
    size_t i;

    ck_assert_ptr_nonnull(rs);
    s = session_new(rs, &fake_env);
    fake_calls = 0;
    fake_fail = r->fail;
    c.daemon = r->daemon;
    c.addr = r->addr;
    c.name = "client.example";
    c.myhostname = "mx.example.com";
    v = session_connect(s, &c);
    if (v->reply == REPLY_CONTINUE) {
        m.from = "<a@example.com>";
        m.auth = r->login;
        m.tls = "TLSv1.3";
        v = session_mail(s, &m);
    }
    for (i = 0; !found && i < v->nlog; i++)
        found = strstr(v->log[i], r->want_log) != NULL;
    if (v->reply == REPLY_CONTINUE) {
        v = session_rcpt(s, "<b@example.com>", "Q1");
        for (i = 0; !found && i < v->nlog; i++)
            found = strstr(v->log[i], r->want_log) != NULL;
    }
    ck_assert_msg((int)v->reply == r->want_reply, "%s: got reply %d, want %d", r->name, v->reply,
                  r->want_reply);
    ck_assert_msg(found, "%s: no decision line with \"%s\" (first: %s)", r->name, r->want_log,
                  v->nlog ? v->log[0] : "none");
    ck_assert_msg(fake_calls == (r->addr[0] ? 1 : 0), "%s: %d lookups, want %d", r->name,
                  fake_calls, r->addr[0] ? 1 : 0);
    session_free(s);
    rules_unref(rs);
}
END_TEST

/* Two messages on one connection: one lookup; the stamp on top of each, and a client's copy
 * removed. */
START_TEST(test_stamp)
{
    struct ruleset *rs = rules_load_buffer("t.rules", geo_rules, strlen(geo_rules), NULL, NULL, 0);
    struct session *s;
    struct ev_connect c = {0};
    struct ev_mail m = {0};
    const struct verdict *v;
    int msg;

    ck_assert_ptr_nonnull(rs);
    s = session_new(rs, &fake_env);
    fake_calls = 0;
    fake_fail = 0;
    c.daemon = "in";
    c.addr = "192.0.2.7";
    c.myhostname = "mx.example.com";
    session_connect(s, &c);
    for (msg = 0; msg < 2; msg++) {
        int stamped = 0, removed = 0;
        size_t i;
        m.from = "<a@example.org>";
        session_mail(s, &m);
        session_rcpt(s, "<b@example.com>", "Q1");
        session_header(s, "Subject", "hi");
        if (msg == 1)
            session_header(s, "x-relaywarden-geoip", "country=US asn=1");
        session_eoh(s, "Q1");
        v = session_eom(s, "Q1");
        for (i = 0; i < v->nedits; i++) {
            const struct hdr_edit *e = &v->edits[i];
            if (e->op == EDIT_INSERT && e->index == 0 && strcmp(e->name, GEOIP_STAMP_HEADER) == 0 &&
                strcmp(e->value, "country=DE asn=3320") == 0)
                stamped++;
            if (e->op == EDIT_CHANGE && e->value == NULL &&
                strcasecmp(e->name, GEOIP_STAMP_HEADER) == 0 && e->index == 1)
                removed++;
        }
        ck_assert_msg(stamped == 1, "message %d: got %d stamps, want 1", msg, stamped);
        ck_assert_msg(removed == msg, "message %d: got %d removals, want %d", msg, removed, msg);
    }
    ck_assert_msg(fake_calls == 1, "got %d lookups for one connection, want 1", fake_calls);
    session_free(s);
    rules_unref(rs);
}
END_TEST

/* The negotiation asks for header edits when a listener stamps. */
START_TEST(test_negotiate)
{
    struct ruleset *rs = rules_load_buffer("t.rules", geo_rules, strlen(geo_rules), NULL, NULL, 0);
    struct negotiation n;

    ck_assert_ptr_nonnull(rs);
    session_negotiate(rs, &n);
    ck_assert_msg((n.edits & (NEG_ADDHDRS | NEG_CHGHDRS)) == (NEG_ADDHDRS | NEG_CHGHDRS),
                  "edits %#x", n.edits);
    ck_assert(n.events & (1u << EV_HEADER));
    rules_unref(rs);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("geoip");
    TCase *tc = tcase_create("geoip");
    SRunner *sr;
    int failed;

    tcase_add_loop_test(tc, test_items, 0, N(item_rows));
    tcase_add_loop_test(tc, test_limits, 0, N(limit_rows));
    tcase_add_loop_test(tc, test_lock, 0, N(lock_rows));
    tcase_add_test(tc, test_lock_long_login);
    tcase_add_loop_test(tc, test_format, 0, N(fmt_rows));
    tcase_add_loop_test(tc, test_failed_kind, 0, N(failed_rows));
    tcase_add_loop_test(tc, test_parse, 0, N(parse_rows));
    tcase_add_test(tc, test_no_cascade);
    tcase_add_loop_test(tc, test_audit, 0, N(audit_rows));
    tcase_add_loop_test(tc, test_audit_samples, 0, N(sample_rows));
    tcase_add_loop_test(tc, test_session, 0, N(sess_rows));
    tcase_add_test(tc, test_stamp);
    tcase_add_test(tc, test_negotiate);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    testutil_cleanup();
    return failed == 0 ? 0 : 1;
}

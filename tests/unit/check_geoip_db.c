/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_geoip_db.c - milter/geoip_db.c on the real test databases that make check writes into
 * the build directory (tests/geoip/mkdb.pl): IPv4, IPv6 and IPv4-mapped lookups, addresses the
 * databases do not know, and the file:line errors of a database that is missing, of the wrong
 * kind or not a database at all. Skips (77) when the databases could not be written.
 */
#include "geoip_db.h"
#include "testutil.h"

#include <arpa/inet.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DBDIR TEST_BUILDDIR "/geoip"

static struct ruleset *
load(const char *text)
{
    static char err[4096];
    struct ruleset *rs = rules_load_buffer("t.rules", text, strlen(text), NULL, err, sizeof(err));

    ck_assert_msg(rs != NULL, "rules did not load:\n%s", err);
    return rs;
}

struct lookup_row {
    const char *name;
    const char *addr;
    const char *country;
    unsigned long asn;
};

static const struct lookup_row lookup_rows[] = {
    {"IPv4 DE", "127.0.0.10", "DE", 3320},
    {"IPv4 US", "127.0.0.20", "US", 15169},
    {"IPv4 in a /24", "192.0.2.200", "NL", 64512},
    {"IPv4 unknown", "127.0.0.1", "", 0},
    {"IPv4 next to a known /32", "127.0.0.11", "", 0},
    {"IPv6 DE", "2001:db8:de::1", "DE", 3320},
    {"IPv6 end of the /48", "2001:db8:de:ffff:ffff:ffff:ffff:ffff", "DE", 3320},
    {"IPv6 loopback", "::1", "US", 15169},
    {"IPv6 unknown", "2001:db8:ffff::1", "", 0},
};

START_TEST(test_lookup)
{
    const struct lookup_row *r = &lookup_rows[_i];
    struct ruleset *rs;
    struct geoip_result g;
    struct netaddr a;
    char err[1024] = "", why[256] = "";
    int rc;

    rs = load("geoip country \"" DBDIR "/country.mmdb\"\ngeoip asn \"" DBDIR "/asn.mmdb\"\n"
              "listener in default\npolicy in {\n}\n");
    ck_assert_msg(geoip_db_open(rs, err, sizeof(err)) == 0, "open: %s", err);
    ck_assert_int_eq(netaddr_parse(r->addr, &a), 0);
    rc = geoip_db_lookup(NULL, &rs->geoip, &a, &g, why, sizeof(why));
    ck_assert_msg(rc == 0, "%s: lookup failed: %s", r->name, why);
    ck_assert_msg(strcmp(g.country, r->country) == 0 && g.asn == r->asn,
                  "%s: got \"%s\" %lu, want \"%s\" %lu", r->name, g.country, g.asn, r->country,
                  r->asn);
    rules_unref(rs);
}
END_TEST

/* Only the kinds named are looked up: no asn database, asn 0 (unknown). */
START_TEST(test_one_kind)
{
    struct ruleset *rs = load("geoip country \"" DBDIR "/country.mmdb\"\nlistener in default\n"
                              "policy in {\n}\n");
    struct geoip_result g;
    struct netaddr a;
    char err[1024] = "", why[256] = "";

    ck_assert_msg(geoip_db_open(rs, err, sizeof(err)) == 0, "open: %s", err);
    netaddr_parse("127.0.0.10", &a);
    ck_assert_int_eq(geoip_db_lookup(NULL, &rs->geoip, &a, &g, why, sizeof(why)), 0);
    ck_assert_str_eq(g.country, "DE");
    ck_assert_uint_eq(g.asn, 0);
    rules_unref(rs);
}
END_TEST

struct open_row {
    const char *name;
    const char *text;
    const char *want; /* the whole error text */
};

static const struct open_row open_rows[] = {
    {"missing", "geoip country \"/nonexistent/c.mmdb\"\nlistener in default\npolicy in {\n}\n",
     "t.rules:1: geoip country \"/nonexistent/c.mmdb\": cannot open: No such file or directory\n"},
    {"asn database as country",
     "geoip country \"" DBDIR "/asn.mmdb\"\nlistener in default\npolicy in {\n}\n",
     "t.rules:1: geoip country \"" DBDIR "/asn.mmdb\": database type \"RW-Test-ASN\" holds no "
     "countries (a Country or City database is needed)\n"},
    {"country database as asn",
     "geoip asn \"" DBDIR "/country.mmdb\"\nlistener in default\npolicy in {\n}\n",
     "t.rules:1: geoip asn \"" DBDIR "/country.mmdb\": database type \"RW-Test-Country\" holds "
     "no AS numbers (an ASN or ISP database is needed)\n"},
    {"not a database",
     "geoip country \"" TEST_SRCDIR "/geoip/mkdb.pl\"\nlistener in default\n"
     "policy in {\n}\n",
     "t.rules:1: geoip country \"" TEST_SRCDIR "/geoip/mkdb.pl\": cannot open: The MaxMind DB "
     "file contains invalid metadata\n"},
    {"both wrong, both said",
     "geoip country \"/nonexistent/c.mmdb\"\ngeoip asn \"/nonexistent/"
     "a.mmdb\"\nlistener in default\npolicy in {\n}\n",
     "t.rules:1: geoip country \"/nonexistent/c.mmdb\": cannot open: No such file or directory\n"
     "t.rules:2: geoip asn \"/nonexistent/a.mmdb\": cannot open: No such file or directory\n"},
};

START_TEST(test_open_errors)
{
    const struct open_row *r = &open_rows[_i];
    struct ruleset *rs = load(r->text);
    char err[2048] = "";

    ck_assert_msg(geoip_db_open(rs, err, sizeof(err)) == -1, "%s: opened", r->name);
    ck_assert_msg(strcmp(err, r->want) == 0, "%s:\n--- got\n%s--- want\n%s", r->name, err, r->want);
    ck_assert_ptr_null(rs->geoip.handle);
    rules_unref(rs);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("geoip_db");
    TCase *tc = tcase_create("geoip_db");
    SRunner *sr;
    int failed;

    if (access(DBDIR "/country.mmdb", R_OK) != 0 || access(DBDIR "/asn.mmdb", R_OK) != 0) {
        fprintf(stderr,
                "SKIP: no test databases in %s (apt-get install "
                "libmaxmind-db-writer-perl, then make check again)\n",
                DBDIR);
        return 77;
    }
    tcase_add_loop_test(tc, test_lookup, 0, N(lookup_rows));
    tcase_add_test(tc, test_one_kind);
    tcase_add_loop_test(tc, test_open_errors, 0, N(open_rows));
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_geoip_db.c - milter/geoip_db.c on the real test databases that make check writes into
 * the build directory (tests/geoip/mkdb.pl): IPv4, IPv6 and IPv4-mapped lookups, addresses the
 * databases do not know, and the file:line errors of a database that is missing, of the wrong
 * kind or not a database at all. Skips (77) when the databases could not be written.
 */
#define _GNU_SOURCE /* F_GET_SEALS */
#include "geoip_db.h"
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
    /* what the metrics count: found where there is an answer, unknown where there is none */
    {
        enum geoip_db_found found[2];
        ck_assert_int_eq(geoip_db_lookup_found(&rs->geoip, &a, &g, found, why, sizeof(why)), 0);
        ck_assert_msg(found[GEOIP_COUNTRY] == (r->country[0] ? GEOIP_DB_FOUND : GEOIP_DB_UNKNOWN) &&
                          found[GEOIP_ASN] == (r->asn ? GEOIP_DB_FOUND : GEOIP_DB_UNKNOWN),
                      "%s: found got %s/%s", r->name, geoip_db_found_name(found[GEOIP_COUNTRY]),
                      geoip_db_found_name(found[GEOIP_ASN]));
    }
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
    {
        enum geoip_db_found found[2];
        ck_assert_int_eq(geoip_db_lookup_found(&rs->geoip, &a, &g, found, why, sizeof(why)), 0);
        ck_assert_int_eq(found[GEOIP_COUNTRY], GEOIP_DB_FOUND);
        ck_assert_int_eq(found[GEOIP_ASN], GEOIP_DB_NOT_ASKED); /* no asn database: not counted */
        ck_assert_ptr_null(geoip_db_found_name(found[GEOIP_ASN]));
    }
    rules_unref(rs);
}
END_TEST

struct open_row {
    const char *name;
    const char *text;
    const char *want; /* the whole error text */
    unsigned failed;  /* geoip_db_open_kinds: 1u << kind of each database that failed */
};

static const struct open_row open_rows[] = {
    {"missing", "geoip country \"/nonexistent/c.mmdb\"\nlistener in default\npolicy in {\n}\n",
     "t.rules:1: geoip country \"/nonexistent/c.mmdb\": cannot open: No such file or directory\n",
     1u << GEOIP_COUNTRY},
    {"asn database as country",
     "geoip country \"" DBDIR "/asn.mmdb\"\nlistener in default\npolicy in {\n}\n",
     "t.rules:1: geoip country \"" DBDIR "/asn.mmdb\": database type \"RW-Test-ASN\" holds no "
     "countries (a Country or City database is needed)\n",
     1u << GEOIP_COUNTRY},
    {"country database as asn",
     "geoip asn \"" DBDIR "/country.mmdb\"\nlistener in default\npolicy in {\n}\n",
     "t.rules:1: geoip asn \"" DBDIR "/country.mmdb\": database type \"RW-Test-Country\" holds "
     "no AS numbers (an ASN or ISP database is needed)\n",
     1u << GEOIP_ASN},
    {"not a database",
     "geoip country \"" TEST_SRCDIR "/geoip/mkdb.pl\"\nlistener in default\n"
     "policy in {\n}\n",
     "t.rules:1: geoip country \"" TEST_SRCDIR "/geoip/mkdb.pl\": cannot open: The MaxMind DB "
     "file contains invalid metadata\n",
     1u << GEOIP_COUNTRY},
    {"both wrong, both said",
     "geoip country \"/nonexistent/c.mmdb\"\ngeoip asn \"/nonexistent/"
     "a.mmdb\"\nlistener in default\npolicy in {\n}\n",
     "t.rules:1: geoip country \"/nonexistent/c.mmdb\": cannot open: No such file or directory\n"
     "t.rules:2: geoip asn \"/nonexistent/a.mmdb\": cannot open: No such file or directory\n",
     1u << GEOIP_COUNTRY | 1u << GEOIP_ASN},
};

START_TEST(test_open_errors)
{
    const struct open_row *r = &open_rows[_i];
    struct ruleset *rs = load(r->text);
    char err[2048] = "";
    unsigned failed = 0;

    ck_assert_msg(geoip_db_open_kinds(rs, &failed, err, sizeof(err)) == -1, "%s: opened", r->name);
    ck_assert_msg(strcmp(err, r->want) == 0, "%s:\n--- got\n%s--- want\n%s", r->name, err, r->want);
    ck_assert_msg(failed == r->failed, "%s: failed kinds got %#x, want %#x", r->name, failed,
                  r->failed);
    ck_assert_ptr_null(rs->geoip.handle);
    rules_unref(rs);
}
END_TEST

/* ---- the private copy: a file changed in place does not change what is looked up ---- */

static void
copy_file(const char *from, const char *to)
{
    char buf[8192];
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    size_t n;

    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_nonnull(out);
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
    fclose(in);
    ck_assert_int_eq(fclose(out), 0);
}

/* Overwrites path in place (same inode, as cp or curl -o do), from offset off, n bytes of c. */
static void
scribble(const char *path, long off, size_t n, int c)
{
    FILE *f = fopen(path, "r+b");

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, off, SEEK_SET), 0);
    while (n-- > 0)
        fputc(c, f);
    ck_assert_int_eq(fclose(f), 0);
}

static const struct {
    const char *name;
    int how; /* 0 truncate to 0, 1 truncate to half, 2 another database over it, 3 zeros */
} inplace_rows[] = {
    {"truncated to 0 bytes", 0},
    {"truncated to half", 1},
    {"overwritten by the ASN database", 2},
    {"overwritten with zeros", 3},
};

START_TEST(test_inplace)
{
    char path[512], text[1024], err[1024], why[256];
    struct ruleset *rs;
    struct geoip_result g;
    struct netaddr a;
    struct stat st;

    snprintf(path, sizeof(path), "%s", testutil_write("live.mmdb", ""));
    copy_file(DBDIR "/country.mmdb", path);
    snprintf(text, sizeof(text), "geoip country \"%s\"\nlistener in default\npolicy in {\n}\n",
             path);
    rs = load(text);
    ck_assert_msg(geoip_db_open(rs, err, sizeof(err)) == 0, "open: %s", err);
    ck_assert_int_eq(netaddr_parse("127.0.0.10", &a), 0);
    ck_assert_int_eq(geoip_db_lookup(NULL, &rs->geoip, &a, &g, why, sizeof(why)), 0);
    ck_assert_str_eq(g.country, "DE");
    ck_assert_int_eq(stat(path, &st), 0);
    switch (inplace_rows[_i].how) {
    case 0:
        ck_assert_int_eq(truncate(path, 0), 0);
        break;
    case 1:
        ck_assert_int_eq(truncate(path, st.st_size / 2), 0);
        break;
    case 2:
        copy_file(DBDIR "/asn.mmdb", path);
        break;
    default:
        scribble(path, 0, (size_t)st.st_size, 0);
        break;
    }
    /* the same answer, from the copy made at open */
    memset(&g, 0, sizeof(g));
    ck_assert_msg(geoip_db_lookup(NULL, &rs->geoip, &a, &g, why, sizeof(why)) == 0 &&
                      strcmp(g.country, "DE") == 0,
                  "%s: got \"%s\" (%s), want DE", inplace_rows[_i].name, g.country, why);
    rules_unref(rs);
    unlink(path);
}
END_TEST

/* A database whose entry cannot be decoded (a broken data section): the lookup is an error
 * (the conditions are undecidable), never unknown. */
static const struct {
    const char *name;
    const char *find; /* 3 bytes of the test database */
    const char *put;  /* what replaces them */
    size_t putlen;
    const char *want; /* in why */
} broken_rows[] = {
    /* the key "iso_code" (UTF-8 string of 8, control byte 0x48) becomes a pointer past the
     * data section: MMDB_get_value reports corrupt data */
    {"a key that points past the data", "\110is", "\x38\xff\xff\xff\xff", 5,
     "geoip country of the entry: The MaxMind DB file's data section contains bad data"},
    /* the value "DE" (UTF-8 string of 2, 0x42) becomes an extended type that does not exist:
     * libmaxminddb hands it over as type 262 */
    {"a value of no known type", "\102DE", "\x00\xff", 2,
     "geoip country of the entry: a value of unknown type 262"},
};

START_TEST(test_broken_entry)
{
    char path[512], text[1024], err[1024], why[256] = "";
    FILE *f;
    static char data[1 << 16];
    size_t n, i;
    struct ruleset *rs;
    struct geoip_result g;
    struct netaddr a;

    f = fopen(DBDIR "/country.mmdb", "rb");
    ck_assert_ptr_nonnull(f);
    n = fread(data, 1, sizeof(data), f);
    fclose(f);
    for (i = 0; i + 5 <= n && memcmp(data + i, broken_rows[_i].find, 3) != 0; i++)
        ;
    ck_assert_msg(i + 5 <= n, "%s: not in the test database", broken_rows[_i].name);
    memcpy(data + i, broken_rows[_i].put, broken_rows[_i].putlen);
    snprintf(path, sizeof(path), "%s", testutil_write("broken.mmdb", ""));
    f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    fclose(f);
    snprintf(text, sizeof(text), "geoip country \"%s\"\nlistener in default\npolicy in {\n}\n",
             path);
    rs = load(text);
    ck_assert_msg(geoip_db_open(rs, err, sizeof(err)) == 0, "open: %s", err);
    ck_assert_int_eq(netaddr_parse("127.0.0.10", &a), 0);
    ck_assert_msg(geoip_db_lookup(NULL, &rs->geoip, &a, &g, why, sizeof(why)) == -1,
                  "%s: got 0 with country \"%s\", want -1", broken_rows[_i].name, g.country);
    ck_assert_msg(strstr(why, broken_rows[_i].want) != NULL, "%s: got why \"%s\", want \"%s\"",
                  broken_rows[_i].name, why, broken_rows[_i].want);
    {
        enum geoip_db_found found[2];
        ck_assert_int_eq(geoip_db_lookup_found(&rs->geoip, &a, &g, found, why, sizeof(why)), -1);
        ck_assert_str_eq(geoip_db_found_name(found[GEOIP_COUNTRY]), "error");
        ck_assert_uint_eq(g.failed, GEOIP_FAILED(GEOIP_COUNTRY)); /* that database only */
    }
    rules_unref(rs);
    unlink(path);
}
END_TEST

/* geoip_db_copy's max at the file's size - 1, size and size + 1; the copy is sealed. And
 * GEOIP_DB_SIZE_MAX + 1 (a sparse file) is refused before a byte is read. */
START_TEST(test_copy_max)
{
    static const struct {
        const char *name;
        long long delta; /* max = size + delta */
        int ok;
    } rows[] = {{"max = size - 1", -1, 0}, {"max = size", 0, 1}, {"max = size + 1", 1, 1}};
    char path[512], why[256] = "", buf[64];
    struct stat st;
    int fd;

    snprintf(path, sizeof(path), "%s", testutil_write("copy.mmdb", ""));
    copy_file(DBDIR "/country.mmdb", path);
    ck_assert_int_eq(stat(path, &st), 0);
    fd = geoip_db_copy(path, st.st_size + rows[_i].delta, why, sizeof(why));
    ck_assert_msg((fd != -1) == rows[_i].ok, "%s: got %s (%s), want %s", rows[_i].name,
                  fd != -1 ? "a copy" : "-1", why, rows[_i].ok ? "a copy" : "-1");
    if (fd == -1) {
        ck_assert_msg(strstr(why, "too large") != NULL, "%s: why %s", rows[_i].name, why);
    } else {
        struct stat cs;
        ck_assert_int_eq(fstat(fd, &cs), 0);
        ck_assert_int_eq(cs.st_size, st.st_size);
        ck_assert_int_eq(fcntl(fd, F_GET_SEALS),
                         F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
        ck_assert_int_eq(write(fd, "x", 1), -1); /* sealed: nobody writes it */
        ck_assert_int_eq(ftruncate(fd, 0), -1);
        ck_assert_int_eq(pread(fd, buf, 4, 0), 4);
        close(fd);
    }
    unlink(path);
}
END_TEST

START_TEST(test_copy_size_max)
{
    char path[512], why[256] = "";
    int fd;

    snprintf(path, sizeof(path), "%s", testutil_write("huge.mmdb", ""));
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(ftruncate(fd, GEOIP_DB_SIZE_MAX + 1), 0); /* sparse: no disk, no reading */
    close(fd);
    ck_assert_int_eq(geoip_db_copy(path, GEOIP_DB_SIZE_MAX, why, sizeof(why)), -1);
    ck_assert_msg(strcmp(why, "too large: 1073741825 bytes, at most 1073741824 are read") == 0,
                  "got: %s", why);
    unlink(path);
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
    /* the scratch directory, made before the tests fork so that testutil_cleanup finds it */
    strcpy(testutil_dir, "/tmp/rw-unit.XXXXXX");
    if (mkdtemp(testutil_dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    tcase_add_loop_test(tc, test_lookup, 0, N(lookup_rows));
    tcase_add_test(tc, test_one_kind);
    tcase_add_loop_test(tc, test_open_errors, 0, N(open_rows));
    tcase_add_loop_test(tc, test_inplace, 0, N(inplace_rows));
    tcase_add_loop_test(tc, test_broken_entry, 0, N(broken_rows));
    tcase_add_loop_test(tc, test_copy_max, 0, 3);
    tcase_add_test(tc, test_copy_size_max);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    testutil_cleanup();
    return failed == 0 ? 0 : 1;
}

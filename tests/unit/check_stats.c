/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_stats.c - the daemon's counters (milter/stats.c) and the human view (stats_show.c):
 * label escaping, and every limit at limit-1, limit and limit+1 - series kept, label length,
 * the lines, labels and listeners -s reads, the textfile interval. Each test runs in its own
 * process (Check forks), so each starts from empty counters.
 */
#include "stats.h"
#include "testutil.h"

#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>

static long long
fake_now(void *ctx)
{
    (void)ctx;
    return 0;
}

static const struct env fake_env = {.now_ms = fake_now};

/* A session before connect: its listener is "-". */
static struct session *
new_session(void)
{
    struct ruleset *rs = testutil_load("listener l default\npolicy l {\n}\n");
    struct session *s = session_new(rs, &fake_env);

    rules_unref(rs);
    ck_assert_ptr_nonnull(s);
    return s;
}

/* One decision by a rule at file:line. */
static void
count_rule(const struct session *s, const char *file, int line)
{
    struct rule r;
    struct verdict_note note;
    struct verdict v;

    memset(&r, 0, sizeof(r));
    memset(&v, 0, sizeof(v));
    memset(&note, 0, sizeof(note));
    r.file = file;
    r.line = line;
    note.rule = &r;
    strcpy(note.action, "reject");
    v.notes = &note;
    v.nnotes = 1;
    stats_verdict(s, &v, EV_HEADER);
}

static char *
scrape(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(stats_write(f), 0);
    fclose(f);
    return buf;
}

static int
count_lines(const char *text, const char *prefix)
{
    int n = 0;
    size_t pl = strlen(prefix);

    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        n += strncmp(l, prefix, pl) == 0;
    return n;
}

/* STATS_MAX_SERIES - 1, the limit and one past it: the one past is counted as dropped. */
START_TEST(test_stats_series_limit)
{
    int total = STATS_MAX_SERIES - 1 + _i, fixed = 4, i;
    struct session *s;
    char *out, want[80];

    ck_assert_int_eq(stats_init(), 0);
    s = new_session();
    for (i = 0; i < total - fixed; i++)
        count_rule(s, "f.rules", i + 1);
    out = scrape();
    ck_assert_int_eq(count_lines(out, "relaywarden_decisions_total{"),
                     (total > STATS_MAX_SERIES ? STATS_MAX_SERIES : total) - fixed);
    snprintf(want, sizeof(want), "\nrelaywarden_stats_series_dropped_total %d\n",
             total > STATS_MAX_SERIES ? 1 : 0);
    ck_assert_msg(strstr(out, want) != NULL, "%d series: no '%s'", total, want + 1);
    free(out);
    session_free(s);
}
END_TEST

/* A label set of STATS_LABELS_MAX - 2, - 1 (the longest kept: the buffer holds its NUL) and
 * STATS_LABELS_MAX bytes. */
START_TEST(test_stats_labels_limit)
{
    /* listener="-",action="reject",rule="FILE:1",name="" is 46 bytes and the file */
    size_t len = STATS_LABELS_MAX - 2 + (size_t)_i, flen = len - 46;
    char *file = malloc(flen + 1), *out;
    struct session *s = new_session();

    memset(file, 'f', flen);
    file[flen] = '\0';
    count_rule(s, file, 1);
    out = scrape();
    if (len <= STATS_LABELS_MAX - 1) {
        const char *l = strstr(out, "relaywarden_decisions_total{");
        ck_assert_msg(l != NULL, "labels of %zu: not kept", len);
        ck_assert_uint_eq((size_t)(strchr(l, '}') - strchr(l, '{') - 1), len);
        ck_assert_ptr_nonnull(strstr(out, "\nrelaywarden_stats_series_dropped_total 0\n"));
    } else {
        ck_assert_msg(strstr(out, "relaywarden_decisions_total{") == NULL, "labels of %zu kept",
                      len);
        ck_assert_ptr_nonnull(strstr(out, "\nrelaywarden_stats_series_dropped_total 1\n"));
    }
    free(out);
    free(file);
    session_free(s);
}
END_TEST

START_TEST(test_stats_escaping)
{
    struct session *s = new_session();
    char *out;

    count_rule(s, "a\"b\\c\nd.rules", 7);
    count_rule(s, "a\"b\\c\nd.rules", 7);
    out = scrape();
    ck_assert_msg(strstr(out, "relaywarden_decisions_total{listener=\"-\",action=\"reject\","
                              "rule=\"a\\\"b\\\\c\\nd.rules:7\",name=\"\"} 2\n") != NULL,
                  "got:\n%s", out);
    ck_assert_msg(count_lines(out, "# TYPE relaywarden_decisions_total counter") == 1, "%s", out);
    free(out);
    session_free(s);
}
END_TEST

/* Control bytes in a label (a rules path) reach the textfile as the text \xNN, never raw:
 * the text format has no escape for them, and a raw ESC would reach whoever shows the file. */
static const struct {
    const char *name;
    const char *path;
    const char *want; /* the rule label as written */
} ctl_rows[] = {
    {"ESC and a colour", "a\x1b[31mb.rules", "rule=\"a\\\\x1b[31mb.rules:7\""},
    {"BEL and CR", "a\a\rb.rules", "rule=\"a\\\\x07\\\\x0db.rules:7\""},
    {"DEL", "a\x7f.rules", "rule=\"a\\\\x7f.rules:7\""},
    {"a newline stays the format's \\n", "a\nb.rules", "rule=\"a\\nb.rules:7\""},
    /* the format is UTF-8: a byte that is not becomes the text \xNN too */
    {"a Latin-1 byte", "r\xe9gles.rules", "rule=\"r\\\\xe9gles.rules:7\""},
    {"a UTF-8 character cut short", "a\xe2\x80.rules", "rule=\"a\\\\xe2\\\\x80.rules:7\""},
    {"an overlong encoding of /", "a\xc0\xaf.rules", "rule=\"a\\\\xc0\\\\xaf.rules:7\""},
    {"a lone continuation byte at the end", "a.rules\x80", "rule=\"a.rules\\\\x80:7\""},
    {"valid UTF-8 stays", "r\xc3\xa9gles.rules", "rule=\"r\xc3\xa9gles.rules:7\""},
    {"a four-byte character stays", "a\xf0\x9f\x93\xa7.rules",
     "rule=\"a\xf0\x9f\x93\xa7.rules:7\""},
};

START_TEST(test_stats_control_bytes)
{
    struct session *s = new_session();
    char *out;
    const char *c;

    count_rule(s, ctl_rows[_i].path, 7);
    out = scrape();
    ck_assert_msg(strstr(out, ctl_rows[_i].want) != NULL, "%s: got\n%s--- want %s",
                  ctl_rows[_i].name, out, ctl_rows[_i].want);
    for (c = out; *c; c++)
        ck_assert_msg(*c == '\n' || ((unsigned char)*c >= 0x20 && *c != 0x7f),
                      "%s: a raw byte 0x%02x in the textfile", ctl_rows[_i].name,
                      (unsigned char)*c);
    ck_assert_msg(u8_check((const uint8_t *)out, strlen(out)) == NULL,
                  "%s: the textfile is not UTF-8:\n%s", ctl_rows[_i].name, out);
    free(out);
    session_free(s);
}
END_TEST

static int
show(const char *text, char **out, char *err, size_t errlen)
{
    size_t len = 0;
    FILE *f = open_memstream(out, &len);
    int rc;

    rc = stats_show(testutil_write("m.prom", text), f, err, errlen);
    fclose(f);
    return rc;
}

/* A line of STATS_LINE_MAX - 1, STATS_LINE_MAX and one byte more. */
START_TEST(test_stats_show_line_limit)
{
    size_t n = STATS_LINE_MAX - 1 + (size_t)_i;
    char *text = malloc(n + 64), *out = NULL, err[256], want[256];
    int rc;

    text[0] = '#';
    memset(text + 1, 'x', n - 1);
    strcpy(text + n, "\nrelaywarden_reloads_total 3\n");
    rc = show(text, &out, err, sizeof(err));
    if (n <= STATS_LINE_MAX) {
        ck_assert_msg(rc == 0, "line of %zu: %s", n, err);
        ck_assert_ptr_nonnull(strstr(out, "reloads: 3,"));
    } else {
        snprintf(want, sizeof(want), "%s/m.prom:1: line too long (more than %d bytes)",
                 testutil_dir, STATS_LINE_MAX);
        ck_assert_msg(rc == -1 && strcmp(err, want) == 0, "line of %zu: got %d %s", n, rc, err);
    }
    free(out);
    free(text);
}
END_TEST

/* 63, 64 and 65 listeners: the 65th is summed under "(others)". */
START_TEST(test_stats_show_listeners)
{
    int n = 63 + _i, i;
    char *text = malloc(80 * 70), *out = NULL, err[256];
    size_t o = 0;

    for (i = 0; i < n; i++)
        o += (size_t)sprintf(text + o, "relaywarden_connections_total{listener=\"l%d\"} %d\n", i,
                             i + 1);
    ck_assert_int_eq(show(text, &out, err, sizeof(err)), 0);
    ck_assert_int_eq(strstr(out, "(others)") != NULL, n > 64);
    ck_assert_ptr_nonnull(strstr(out, "  l62 "));
    free(out);
    free(text);
}
END_TEST

/* -s shows control bytes of a label as \xNN, whether the file holds them raw (written by
 * someone else), as the format's \n, or as the daemon writes them: one output line per series,
 * and nothing a terminal would act on. */
static const struct {
    const char *name;
    const char *line;
    const char *want;
} show_ctl_rows[] = {
    {"raw ESC and BEL",
     "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"a\x1b[31mb\x07:1\"} 1\n",
     "a\\x1b[31mb\\x07:1: 1\n"},
    {"an escaped newline",
     "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"a\\nb:1\"} 1\n",
     "a\\x0ab:1: 1\n"},
    {"as the daemon writes ESC",
     "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"a\\\\x1bb:1\"} 1\n",
     "a\\x1bb:1: 1\n"},
    {"a listener name with ESC", "relaywarden_connections_total{listener=\"i\x1bn\"} 3\n",
     "  i\\x1bn"},
    {"a raw Latin-1 byte",
     "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"r\xe9g:1\"} 1\n",
     "r\\xe9g:1: 1\n"},
    {"as the daemon writes a Latin-1 byte",
     "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"r\\\\xe9g:1\"} 1\n",
     "r\\xe9g:1: 1\n"},
    {"U+202E RIGHT-TO-LEFT OVERRIDE",
     "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"a\xe2\x80\xae"
     "b:1\"} 1\n",
     "a\\xe2\\x80\\xaeb:1: 1\n"},
    {"U+202A, the first embedding control",
     "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"a\xe2\x80\xaa"
     "b:1\"} 1\n",
     "a\\xe2\\x80\\xaab:1: 1\n"},
    {"U+2066 LEFT-TO-RIGHT ISOLATE",
     "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"a\xe2\x81\xa6"
     "b:1\"} 1\n",
     "a\\xe2\\x81\\xa6b:1: 1\n"},
    {"U+2069 POP DIRECTIONAL ISOLATE",
     "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"a\xe2\x81\xa9"
     "b:1\"} 1\n",
     "a\\xe2\\x81\\xa9b:1: 1\n"},
    {"U+2029 is no bidi control and stays",
     "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"a\xe2\x80\xa9"
     "b:1\"} 1\n",
     "a\xe2\x80\xa9"
     "b:1: 1\n"},
    {"U+206A is past the isolates and stays",
     "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"a\xe2\x81\xaa"
     "b:1\"} 1\n",
     "a\xe2\x81\xaa"
     "b:1: 1\n"},
    {"valid UTF-8 stays",
     "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"r\xc3\xa9g:1\"} 1\n",
     "r\xc3\xa9g:1: 1\n"},
};

START_TEST(test_stats_show_control_bytes)
{
    char *out = NULL, err[256];
    const char *c;
    int rc = show(show_ctl_rows[_i].line, &out, err, sizeof(err));

    ck_assert_msg(rc == 0, "%s: %s", show_ctl_rows[_i].name, err);
    ck_assert_msg(strstr(out, show_ctl_rows[_i].want) != NULL, "%s: got\n%s--- want %s",
                  show_ctl_rows[_i].name, out, show_ctl_rows[_i].want);
    for (c = out; *c; c++)
        ck_assert_msg(*c == '\n' || ((unsigned char)*c >= 0x20 && *c != 0x7f),
                      "%s: a raw byte 0x%02x in the output", show_ctl_rows[_i].name,
                      (unsigned char)*c);
    ck_assert_msg(u8_check((const uint8_t *)out, strlen(out)) == NULL,
                  "%s: the output is not UTF-8:\n%s", show_ctl_rows[_i].name, out);
    free(out);
}
END_TEST

/* 3, 4 and 5 labels on one line: 5 is more than any series of ours has. */
START_TEST(test_stats_show_labels)
{
    static const char *const lines[] = {
        "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"r:1\"} 1\n",
        "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"r:1\",name=\"n\"} "
        "1\n",
        "relaywarden_decisions_total{listener=\"in\",action=\"reject\",rule=\"r:1\",name=\"n\","
        "x=\"y\"} 1\n",
    };
    char *out = NULL, err[256];
    int rc = show(lines[_i], &out, err, sizeof(err));

    if (_i < 2)
        ck_assert_msg(rc == 0 && strstr(out, "reject") != NULL, "%d labels: %s", _i + 3, err);
    else
        ck_assert_msg(rc == -1 && strstr(err, "m.prom:1: not a metrics line") != NULL,
                      "5 labels: got %d", rc);
    free(out);
}
END_TEST

/* The textfile interval: 0 refused, 1 kept; STATS_INTERVAL_MAX - 1 and the limit kept, one
 * more refused. */
START_TEST(test_stats_interval)
{
    static const int secs[] = {0, 1, STATS_INTERVAL_MAX - 1, STATS_INTERVAL_MAX,
                               STATS_INTERVAL_MAX + 1};
    const char *path = testutil_write("t.prom", "");
    char err[256], head[160] = "";
    int ok = secs[_i] >= 1 && secs[_i] <= STATS_INTERVAL_MAX;
    FILE *f;

    ck_assert_int_eq(stats_init(), 0);
    ck_assert_int_eq(stats_textfile_start(path, secs[_i], err, sizeof(err)), ok ? 0 : -1);
    if (!ok) {
        ck_assert_msg(strstr(err, "out of range") != NULL, "%s", err);
        return;
    }
    stats_textfile_stop();
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(head, sizeof(head), f));
    fclose(f);
    ck_assert_str_eq(head, "# HELP relaywarden_rdns_lookup_failures_total relaywarden's own rDNS "
                           "lookups that failed or timed out\n");
}
END_TEST

/* -m's file: what may be replaced (absent, empty, a metrics file) and what is refused, as -P
 * refuses: kinds of file, links, the rules and their includes, another file's first line. The
 * first line is tested at the magic's length - 1, the length and + 1. */
enum { MK_NONE, MK_TEXT, MK_SYMLINK, MK_FIFO, MK_HARDLINK, MK_DIR };
static const struct {
    const char *name;
    int kind;
    const char *text; /* MK_TEXT: the file's bytes */
    int protect;      /* 1: the path is protect[0] (the rules), 2: protect[1] (an include) */
    const char *want; /* "" allowed, else the end of the error */
} mfile_rows[] = {
    {"absent", MK_NONE, NULL, 0, ""},
    {"empty", MK_TEXT, "", 0, ""},
    {"a metrics file", MK_TEXT, "# HELP relaywarden_connections_total x\n", 0, ""},
    {"just the magic", MK_TEXT, STATS_FILE_MAGIC, 0, ""},
    {"the magic cut by one byte", MK_TEXT, "# HELP relaywarden", 0,
     "is not a relaywarden metrics file (its first line is not \"" STATS_FILE_MAGIC
     "...\"): not replacing it"},
    {"the magic and one byte", MK_TEXT, STATS_FILE_MAGIC "x", 0, ""},
    {"a copy of /etc/passwd", MK_TEXT, "root:x:0:0:root:/root:/bin/bash\n", 0,
     "is not a relaywarden metrics file (its first line is not \"" STATS_FILE_MAGIC
     "...\"): not replacing it"},
    {"another program's metrics", MK_TEXT, "# HELP node_cpu_seconds_total x\n", 0,
     "is not a relaywarden metrics file (its first line is not \"" STATS_FILE_MAGIC
     "...\"): not replacing it"},
    {"a symbolic link to a metrics file", MK_SYMLINK, NULL, 0,
     "is a symbolic link: not replacing it"},
    {"a FIFO", MK_FIFO, NULL, 0, "is not a regular file: not replacing it"},
    {"a directory", MK_DIR, NULL, 0, "is not a regular file: not replacing it"},
    {"a metrics file of two links", MK_HARDLINK, NULL, 0,
     "has several hard links: not replacing it"},
    {"the rules file", MK_TEXT, STATS_FILE_MAGIC "x\n", 1, "is the rules file: not replacing it"},
    {"an included file", MK_TEXT, STATS_FILE_MAGIC "x\n", 2,
     "is a file the rules include: not replacing it"},
};

START_TEST(test_stats_textfile_check)
{
    char dir[] = "/tmp/rw-mfile.XXXXXX", path[128], other[128], err[512] = "", cmd[160];
    const char *protect[3];
    const char *want = mfile_rows[_i].want;
    int rc;
    FILE *f;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/m.prom", dir);
    snprintf(other, sizeof(other), "%s/other.prom", dir);
    switch (mfile_rows[_i].kind) {
    case MK_TEXT:
        ck_assert_ptr_nonnull(f = fopen(path, "w"));
        fputs(mfile_rows[_i].text, f);
        fclose(f);
        break;
    case MK_SYMLINK:
    case MK_HARDLINK:
        ck_assert_ptr_nonnull(f = fopen(other, "w"));
        fputs(STATS_FILE_MAGIC "x\n", f);
        fclose(f);
        ck_assert_int_eq(
            mfile_rows[_i].kind == MK_SYMLINK ? symlink(other, path) : link(other, path), 0);
        break;
    case MK_FIFO:
        ck_assert_int_eq(mkfifo(path, 0600), 0);
        break;
    case MK_DIR:
        ck_assert_int_eq(mkdir(path, 0700), 0);
        break;
    }
    protect[0] = mfile_rows[_i].protect == 1 ? path : "/nonexistent/r.rules";
    protect[1] = mfile_rows[_i].protect == 2 ? path : "/nonexistent/inc.rules";
    protect[2] = NULL;
    rc = stats_textfile_check(path, protect, 3, err, sizeof(err));
    if (want[0] == '\0')
        ck_assert_msg(rc == 0, "%s: got %d (%s), want 0", mfile_rows[_i].name, rc, err);
    else
        ck_assert_msg(rc == -1 && strlen(err) >= strlen(want) &&
                          strcmp(err + strlen(err) - strlen(want), want) == 0 &&
                          strncmp(err, "metrics file ", 13) == 0,
                      "%s: got %d \"%s\", want -1 \"...%s\"", mfile_rows[_i].name, rc, err, want);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* geoip: each hook moves exactly its series, the text names them as the man page does, and
 * -s reads them back per kind. */
START_TEST(test_stats_geoip)
{
    static const struct {
        const char *name, *database, *result; /* result NULL: a reopen, ok or not */
        int ok;
    } rows[] = {
        {"country found", "country", "found", 0},
        {"country found again", "country", "found", 0},
        {"country unknown", "country", "unknown", 0},
        {"asn error", "asn", "error", 0},
        {"asn unknown", "asn", "unknown", 0},
        {"country reopened", "country", NULL, 1},
        {"asn reopened", "asn", NULL, 1},
        {"asn reopen failed", "asn", NULL, 0},
    };
    static const char *const want[] = {
        "relaywarden_geoip_lookups_total{database=\"asn\",result=\"error\"} 1\n",
        "relaywarden_geoip_lookups_total{database=\"asn\",result=\"unknown\"} 1\n",
        "relaywarden_geoip_lookups_total{database=\"country\",result=\"found\"} 2\n",
        "relaywarden_geoip_lookups_total{database=\"country\",result=\"unknown\"} 1\n",
        "relaywarden_geoip_reopens_total{database=\"asn\",result=\"failed\"} 1\n",
        "relaywarden_geoip_reopens_total{database=\"asn\",result=\"ok\"} 1\n",
        "relaywarden_geoip_reopens_total{database=\"country\",result=\"ok\"} 1\n",
        "# TYPE relaywarden_geoip_lookups_total counter\n",
        "# TYPE relaywarden_geoip_reopens_total counter\n",
    };
    char *text, *out = NULL, err[256] = "";
    size_t i;

    ck_assert_int_eq(stats_init(), 0);
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (rows[i].result != NULL)
            stats_geoip_lookup(rows[i].database, rows[i].result);
        else
            stats_geoip_reopen(rows[i].database, rows[i].ok);
    text = scrape();
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        ck_assert_msg(strstr(text, want[i]) != NULL, "want %s in:\n%s", want[i], text);
    ck_assert_int_eq(count_lines(text, "relaywarden_geoip_"), 7);
    ck_assert_msg(show(text, &out, err, sizeof(err)) == 0, "-s: %s", err);
    ck_assert_msg(strstr(out, "\ngeoip country lookups: 2 found, 1 unknown, 0 errors; reopened 1, "
                              "0 failed\ngeoip asn lookups: 0 found, 1 unknown, 1 errors; "
                              "reopened 1, 1 failed\n") != NULL,
                  "-s got:\n%s", out);
    free(out);
    free(text);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_stats_series_limit, 0, 3);
    tcase_add_loop_test(tc, test_stats_labels_limit, 0, 3);
    tcase_add_test(tc, test_stats_escaping);
    tcase_add_loop_test(tc, test_stats_control_bytes, 0,
                        (int)(sizeof(ctl_rows) / sizeof(ctl_rows[0])));
    tcase_add_loop_test(tc, test_stats_show_control_bytes, 0,
                        (int)(sizeof(show_ctl_rows) / sizeof(show_ctl_rows[0])));
    tcase_add_loop_test(tc, test_stats_show_line_limit, 0, 3);
    tcase_add_loop_test(tc, test_stats_show_listeners, 0, 3);
    tcase_add_loop_test(tc, test_stats_show_labels, 0, 3);
    tcase_add_loop_test(tc, test_stats_interval, 0, 5);
    tcase_add_loop_test(tc, test_stats_textfile_check, 0,
                        (int)(sizeof(mfile_rows) / sizeof(mfile_rows[0])));
    tcase_add_test(tc, test_stats_geoip);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

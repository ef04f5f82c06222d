/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_limit.c - rate limits: the sliding window at its edges with an injected clock, keys,
 * the full table (no live key evicted, the overflow counter), the statements' limits at N-1,
 * N and N+1, and sessions whose rules ask a limit. "%F" in a wanted error is the rules file.
 */
#include "cond.h"
#include "limit.h"
#include "session.h"
#include "testutil.h"

static const unsigned char seed[16] = "0123456789abcde";

/* ---- the window ---- */

struct step {
    long long t;
    const char *key;
    int over;
    unsigned long long count;
};

#define END                                                                                        \
    {                                                                                              \
        -1, NULL, 0, 0                                                                             \
    }

/* W = 10 s: buckets of 1 s. */
static const struct {
    const char *name;
    unsigned long long max;
    struct step s[10];
} windows[] = {
    {"N-1, N pass, N+1 refused",
     3,
     {{0, "a", 0, 1}, {1, "a", 0, 2}, {2, "a", 0, 3}, {3, "a", 1, 4}, {4, "a", 1, 4}, END}},
    {"end of a bucket: counted at t+W-1 and t+W, gone at t+W+1",
     1,
     {{999, "a", 0, 1}, {10998, "a", 1, 2}, {10999, "a", 1, 2}, {11000, "a", 0, 1}, END}},
    {"start of a bucket: counted W + W/10 (never less than W)",
     1,
     {{0, "a", 0, 1},
      {9999, "a", 1, 2},
      {10000, "a", 1, 2},
      {10001, "a", 1, 2},
      {10999, "a", 1, 2},
      {11000, "a", 0, 1},
      END}},
    {"refused ones eat no budget",
     2,
     {{0, "a", 0, 1},
      {0, "a", 0, 2},
      {5000, "a", 1, 3},
      {9000, "a", 1, 3},
      {11000, "a", 0, 1},
      END}},
    {"sliding: old buckets leave one by one",
     2,
     {{0, "a", 0, 1},
      {5000, "a", 0, 2},
      {10999, "a", 1, 3},
      {11000, "a", 0, 2},
      {15999, "a", 1, 3},
      {16000, "a", 0, 2},
      END}},
    {"keys counted apart",
     1,
     {{0, "alice", 0, 1}, {0, "bob", 0, 1}, {1, "alice", 1, 2}, {1, "bob", 1, 2}, END}},
    {"a long idle gap clears every bucket",
     1,
     {{0, "a", 0, 1}, {1000000, "a", 0, 1}, {1000001, "a", 1, 2}, END}},
};

START_TEST(test_window)
{
    struct limit_def d = {.name = "w",
                          .count = LIMIT_RECIPIENTS,
                          .window_ms = 10000,
                          .by = LIMIT_BY_LOGIN,
                          .max = windows[_i].max};
    struct limit_table *t = limit_table_new(LIMIT_KEYS_MIN, seed);
    struct limit_answer a;
    size_t i;

    ck_assert_ptr_nonnull(t);
    for (i = 0; windows[_i].s[i].key != NULL; i++) {
        const struct step *s = &windows[_i].s[i];
        ck_assert_int_eq(limit_table_take(t, &d, s->key, strlen(s->key), 1, s->t, &a), 0);
        ck_assert_msg(a.over == s->over && a.count == s->count && strcmp(a.where, "local") == 0,
                      "%s: step %zu (t=%lld %s): got over=%d count=%llu %s, want over=%d "
                      "count=%llu local",
                      windows[_i].name, i, s->t, s->key, a.over, a.count, a.where, s->over,
                      s->count);
    }
    limit_table_free(t);
}
END_TEST

/* A limit redefined with another window is another counter: no misread buckets; a new limit
 * alone keeps the count. */
START_TEST(test_redefined)
{
    struct limit_def d = {.name = "w", .window_ms = 10000, .max = 1};
    struct limit_table *t = limit_table_new(LIMIT_KEYS_MIN, seed);
    struct limit_answer a;

    limit_table_take(t, &d, "k", 1, 1, 0, &a);
    limit_table_take(t, &d, "k", 1, 1, 0, &a);
    ck_assert_int_eq(a.over, 1);
    d.max = 3;
    limit_table_take(t, &d, "k", 1, 1, 0, &a);
    ck_assert_msg(a.over == 0 && a.count == 2, "raised limit: got over=%d count=%llu, want 0 2",
                  a.over, a.count);
    d.window_ms = 20000;
    limit_table_take(t, &d, "k", 1, 1, 0, &a);
    ck_assert_msg(a.over == 0 && a.count == 1, "got over=%d count=%llu, want a fresh counter",
                  a.over, a.count);
    limit_table_free(t);
}
END_TEST

/* ---- the full table ---- */

static void
keyname(char *buf, size_t len, unsigned i)
{
    snprintf(buf, len, "user%u", i);
}

/* LIMIT_KEYS_MIN keys fit; the next one is counted in the overflow counter, shared with every
 * other key without room; the victim's count is never reset by the flood. */
START_TEST(test_full_table)
{
    struct limit_def d = {.name = "f", .window_ms = 10000, .max = 2};
    struct limit_table *t = limit_table_new(LIMIT_KEYS_MIN, seed);
    struct limit_answer a;
    char k[32];
    unsigned i;

    ck_assert_int_eq(limit_table_take(t, &d, "victim", 6, 1, 0, &a), 0);
    ck_assert_int_eq(limit_table_take(t, &d, "victim", 6, 1, 0, &a), 0);
    for (i = 1; i < LIMIT_KEYS_MIN; i++) { /* keys 2 .. N: N-1 more */
        keyname(k, sizeof(k), i);
        limit_table_take(t, &d, k, strlen(k), 1, 100, &a);
        ck_assert_msg(strcmp(a.where, "local") == 0, "key %u of %u: got %s, want local", i + 1,
                      LIMIT_KEYS_MIN, a.where);
    }
    ck_assert_uint_eq(limit_table_live(t), LIMIT_KEYS_MIN);
    /* N+1: no room; the overflow counter takes it, and with limit 2 the second such key is
     * still in, the third over */
    for (i = 0; i < 3; i++) {
        keyname(k, sizeof(k), 1000 + i);
        limit_table_take(t, &d, k, strlen(k), 1, 200, &a);
        ck_assert_msg(strcmp(a.where, "overflow") == 0 && a.over == (i == 2),
                      "flood key %u: got %s over=%d, want overflow over=%d", i, a.where, a.over,
                      i == 2);
    }
    ck_assert_uint_eq(limit_table_live(t), LIMIT_KEYS_MIN);
    /* the victim kept its count through the flood */
    limit_table_take(t, &d, "victim", 6, 1, 300, &a);
    ck_assert_msg(a.over == 1 && a.count == 3 && strcmp(a.where, "local") == 0,
                  "victim: got over=%d count=%llu %s, want over=1 count=3 local", a.over, a.count,
                  a.where);
    /* once the window has passed, the expired keys make room */
    keyname(k, sizeof(k), 2000);
    limit_table_take(t, &d, k, strlen(k), 1, 11000 + 1000, &a);
    ck_assert_str_eq(a.where, "local");
    limit_table_free(t);
}
END_TEST

/* Many keys over a long time: the table never holds more than its size, and keys that expire
 * are swept so new ones keep finding room (none goes to the overflow counter). */
START_TEST(test_many_keys)
{
    struct limit_def d = {.name = "m", .window_ms = 1000, .max = 5};
    struct limit_table *t = limit_table_new(1000, seed);
    struct limit_answer a;
    unsigned i, overflow = 0;
    char k[32];

    for (i = 0; i < 200000; i++) {
        keyname(k, sizeof(k), i);
        /* 500 new keys a second: half the table's size per window */
        ck_assert_int_eq(limit_table_take(t, &d, k, strlen(k), 1, (long long)i * 2, &a), 0);
        overflow += strcmp(a.where, "overflow") == 0;
        ck_assert_uint_le(limit_table_live(t), 1000);
    }
    ck_assert_uint_eq(overflow, 0);
    limit_table_free(t);
}
END_TEST

/* The table's size: LIMIT_KEYS_MIN - 1 refused, MIN and MIN + 1 made; MAX + 1 refused. */
START_TEST(test_table_size)
{
    static const struct {
        unsigned keys;
        int ok;
    } rows[] = {{LIMIT_KEYS_MIN - 1, 0},
                {LIMIT_KEYS_MIN, 1},
                {LIMIT_KEYS_MIN + 1, 1},
                {LIMIT_KEYS_MAX + 1, 0}};
    struct limit_table *t = limit_table_new(rows[_i].keys, seed);

    ck_assert_msg((t != NULL) == rows[_i].ok, "%u keys: got %s, want %s", rows[_i].keys,
                  t ? "a table" : "NULL", rows[_i].ok ? "a table" : "NULL");
    if (t != NULL)
        ck_assert_uint_eq(limit_table_max_keys(t), rows[_i].keys);
    limit_table_free(t);
}
END_TEST

/* ---- keys ---- */

START_TEST(test_keys)
{
    static const struct {
        const char *name;
        enum limit_by by;
        int p4, p6;
        const char *auth, *from, *client;
        int want_n; /* -1 too long, 0 none, else the key */
        const char *want;
    } rows[] = {
        {"login, lower case", LIMIT_BY_LOGIN, 32, 64, "Alice", NULL, NULL, 5, "alice"},
        {"no login", LIMIT_BY_LOGIN, 32, 64, "", NULL, NULL, 0, ""},
        {"sender lower case", LIMIT_BY_SENDER, 32, 64, NULL, "<Bob@Example.COM>", NULL, 15,
         "bob@example.com"},
        {"null sender", LIMIT_BY_SENDER, 32, 64, NULL, "<>", NULL, 2, "<>"},
        {"client", LIMIT_BY_CLIENT, 32, 64, NULL, NULL, "192.0.2.77", 10, "192.0.2.77"},
        {"client/24", LIMIT_BY_CLIENT, 24, 64, NULL, NULL, "192.0.2.77", 12, "192.0.2.0/24"},
        {"client/20", LIMIT_BY_CLIENT, 20, 64, NULL, NULL, "192.0.31.77", 13, "192.0.16.0/20"},
        {"IPv6 per /64 by default", LIMIT_BY_CLIENT, 32, 64, NULL, NULL, "2001:db8:1:2:3:4:5:6", 17,
         "2001:db8:1:2::/64"},
        {"IPv6 /128", LIMIT_BY_CLIENT, 32, 128, NULL, NULL, "2001:db8::6", 11, "2001:db8::6"},
        {"no client", LIMIT_BY_CLIENT, 32, 64, NULL, NULL, NULL, 0, ""},
    };
    struct limit_def d = {
        .name = "k", .by = rows[_i].by, .prefix4 = rows[_i].p4, .prefix6 = rows[_i].p6};
    struct facts f;
    struct addr from;
    struct netaddr na;
    char key[LIMIT_KEY_MAX + 1], err[128];
    int n;

    memset(&f, 0, sizeof(f));
    f.auth = rows[_i].auth;
    if (rows[_i].from != NULL) {
        ck_assert_int_eq(addr_parse(rows[_i].from, ADDR_MAIL, &from, err, sizeof(err)), 0);
        f.from = &from;
    }
    if (rows[_i].client != NULL) {
        ck_assert_int_eq(netaddr_parse(rows[_i].client, &na), 0);
        f.client = &na;
    }
    key[0] = '\0';
    n = limit_key(&d, &f, key, sizeof(key));
    ck_assert_msg(n == rows[_i].want_n && (n <= 0 || strcmp(key, rows[_i].want) == 0),
                  "%s: got %d \"%s\", want %d \"%s\"", rows[_i].name, n, n > 0 ? key : "",
                  rows[_i].want_n, rows[_i].want);
}
END_TEST

/* LIMIT_KEY_MAX: a login of MAX - 1 and MAX bytes is a key, MAX + 1 is too long. */
START_TEST(test_key_max)
{
    static char login[LIMIT_KEY_MAX + 2];
    size_t n = LIMIT_KEY_MAX - 1 + (size_t)_i;
    struct limit_def d = {.name = "k", .by = LIMIT_BY_LOGIN};
    char key[LIMIT_KEY_MAX + 1];
    struct facts f;
    int got;

    memset(login, 'a', n);
    login[n] = '\0';
    memset(&f, 0, sizeof(f));
    f.auth = login;
    got = limit_key(&d, &f, key, sizeof(key));
    ck_assert_msg(got == (n <= LIMIT_KEY_MAX ? (int)n : -1), "login of %zu bytes: got %d", n, got);
}
END_TEST

/* ---- the statements ---- */

static const struct {
    const char *name;
    const char *text; /* before a listener and an empty policy */
    const char *want; /* "OK" or the errors */
} stmts[] = {
    {"count 1 (N-1 of nothing: the least)", "limit a messages 1 per 1s by login\n", "OK"},
    {"count 0", "limit a messages 0 per 1s by login\n",
     "%F:1: limit a: the limit is a number from 1 to 1000000, got '0'\n"},
    {"count LIMIT_COUNT_MAX - 1", "limit a messages 999999 per 1s by login\n", "OK"},
    {"count LIMIT_COUNT_MAX", "limit a messages 1000000 per 1s by login\n", "OK"},
    {"count LIMIT_COUNT_MAX + 1", "limit a messages 1000001 per 1s by login\n",
     "%F:1: limit a: the limit is a number from 1 to 1000000, got '1000001'\n"},
    {"window under 1s", "limit a messages 1 per 0s by login\n",
     "%F:1: limit a: the window is from 1s to 7d (30s, 10m, 1h, 1d), got '0s'\n"},
    {"window in ms", "limit a messages 1 per 1000ms by login\n",
     "%F:1: limit a: the window is from 1s to 7d (30s, 10m, 1h, 1d), got '1000ms'\n"},
    {"window 7d - 1s", "limit a messages 1 per 604799s by login\n", "OK"},
    {"window 7d", "limit a messages 1 per 7d by login\n", "OK"},
    {"window 7d + 1s", "limit a messages 1 per 604801s by login\n",
     "%F:1: limit a: the window is from 1s to 7d (30s, 10m, 1h, 1d), got '604801s'\n"},
    {"client/31, /32 and /33",
     "limit a messages 1 per 1s by client/31\n"
     "limit b messages 1 per 1s by client/32\n"
     "limit c messages 1 per 1s by client/33\n",
     "%F:3: limit c: the key is login, sender, client, client/N (IPv4 prefix 1-32) or client/N/M "
     "(and IPv6 prefix 1-128), got 'client/33'\n"},
    {"client/24/127, /128 and /129",
     "limit a messages 1 per 1s by client/24/127\n"
     "limit b messages 1 per 1s by client/24/128\n"
     "limit c messages 1 per 1s by client/24/129\n",
     "%F:3: limit c: the key is login, sender, client, client/N (IPv4 prefix 1-32) or client/N/M "
     "(and IPv6 prefix 1-128), got 'client/24/129'\n"},
    {"unknown count", "limit a mails 1 per 1s by login\n",
     "%F:1: limit a: count messages or recipients, got 'mails'\n"},
    {"defined twice", "limit a messages 1 per 1s by login\nlimit a messages 2 per 1s by login\n",
     "%F:2: limit \"a\" is already defined at %F:1\n"},
    {"memory LIMIT_KEYS_MIN - 1", "limits memory 15\n",
     "%F:1: limits memory: the number of keys is from 16 to 10000000, got '15'\n"},
    {"memory LIMIT_KEYS_MIN", "limits memory 16\n", "OK"},
    {"memory LIMIT_KEYS_MIN + 1", "limits memory 17\n", "OK"},
    {"memory LIMIT_KEYS_MAX - 1", "limits memory 9999999\n", "OK"},
    {"memory LIMIT_KEYS_MAX", "limits memory 10000000\n", "OK"},
    {"memory LIMIT_KEYS_MAX + 1", "limits memory 10000001\n",
     "%F:1: limits memory: the number of keys is from 16 to 10000000, got '10000001'\n"},
    {"memory twice", "limits memory 100\nlimits memory 200\n",
     "%F:2: limits memory is already set at %F:1\n"},
    {"redis with everything",
     "limits redis \"127.0.0.1:6379\" timeout 50ms on-failure tempfail prefix \"mx1:\"\n", "OK"},
    {"redis timeout MAX - 1, MAX", "limits redis \"r.example:6379\" timeout 4999ms timeout 5s\n",
     "OK"},
    {"redis timeout MAX + 1", "limits redis \"127.0.0.1:6379\" timeout 5001ms\n",
     "%F:1: limits redis: timeout is from 1ms to 5000ms (50ms, 1s), got '5001ms'\n"},
    {"redis timeout 0", "limits redis \"127.0.0.1:6379\" timeout 0ms\n",
     "%F:1: limits redis: timeout is from 1ms to 5000ms (50ms, 1s), got '0ms'\n"},
    {"redis without port", "limits redis \"127.0.0.1\"\n",
     "%F:1: limits redis needs a quoted \"host:port\" (\"127.0.0.1:6379\", \"[::1]:6379\"), got "
     "\"127.0.0.1\"\n"},
    {"redis port 65536", "limits redis \"127.0.0.1:65536\"\n",
     "%F:1: limits redis needs a quoted \"host:port\" (\"127.0.0.1:6379\", \"[::1]:6379\"), got "
     "\"127.0.0.1:65536\"\n"},
    {"redis IPv6 in brackets", "limits redis \"[::1]:6379\"\n", "OK"},
    {"redis IPv6 full", "limits redis \"[2001:db8::10]:6380\"\n", "OK"},
    {"redis IPv6 without brackets", "limits redis \"::1:6379\"\n",
     "%F:1: limits redis needs a quoted \"host:port\" (\"127.0.0.1:6379\", \"[::1]:6379\"), got "
     "\"::1:6379\"\n"},
    {"redis brackets not IPv6", "limits redis \"[a.example]:6379\"\n",
     "%F:1: limits redis needs a quoted \"host:port\" (\"127.0.0.1:6379\", \"[::1]:6379\"), got "
     "\"[a.example]:6379\"\n"},
    {"redis twice", "limits redis \"a:1\"\nlimits redis \"b:2\"\n",
     "%F:2: limits redis is already set at %F:1\n"},
    {"redis on-failure typo", "limits redis \"a:1\" on-failure open\n",
     "%F:1: limits redis: on-failure takes local or tempfail, got 'open'\n"},
    {"redis prefix of LIMIT_PREFIX_MAX",
     "limits redis \"a:1\" prefix "
     "\"0123456789012345678901234567890123456789012345678901234567890123\"\n",
     "OK"},
    {"redis prefix of LIMIT_PREFIX_MAX + 1",
     "limits redis \"a:1\" prefix "
     "\"01234567890123456789012345678901234567890123456789012345678901234\"\n",
     "%F:1: limits redis: prefix is a quoted text of at most 64 letters, digits, ':', '.', '_' "
     "and '-', got \"0123456789012345678901234567890123456789012345678901234567890123...\"\n"},
    {"limits typo", "limits disk 5\n",
     "%F:1: limits takes memory KEYS or redis \"host:port\", got 'disk'\n"},
};

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

static void
check_load(const char *name, const char *text, const char *want_raw)
{
    static char err[65536], want[8192];
    const char *path = testutil_write("t.rules", text);
    struct ruleset *rs = rules_load(path, err, sizeof(err));

    if (strcmp(want_raw, "OK") == 0) {
        ck_assert_msg(rs != NULL, "%s: want OK, got:\n%s", name, err);
        rules_unref(rs);
        return;
    }
    ck_assert_msg(rs == NULL, "%s: loaded, want errors", name);
    expand(want, sizeof(want), want_raw, path);
    ck_assert_msg(strcmp(err, want) == 0, "%s:\n--- got\n%s--- want\n%s", name, err, want);
}

START_TEST(test_statements)
{
    char text[4096];

    snprintf(text, sizeof(text), "%slistener l default\npolicy l {\n}\n", stmts[_i].text);
    check_load(stmts[_i].name, text, stmts[_i].want);
}
END_TEST

/* Rules asking limits: where they may be used and how. Lines: 1 limit m, 2 limit r, 3
 * listener, 4 policy, 5 the rule(s). */
static const struct {
    const char *name;
    const char *rules;
    const char *want;
} uses[] = {
    {"messages at mail", "    mail tempfail limit <m>\n", "OK"},
    {"recipients at rcpt, quarantine", "    rcpt quarantine limit <r> \"too many\"\n", "OK"},
    {"log-only", "    rcpt log-only tempfail limit <r>\n", "OK"},
    {"messages at rcpt", "    rcpt tempfail limit <m>\n",
     "%F:5: limit <m> counts messages: use it at mail, not at rcpt (where it would count each "
     "recipient)\n"},
    {"recipients at mail", "    mail tempfail limit <r>\n",
     "%F:5: limit <r> counts recipients: use it at rcpt, not at mail\n"},
    {"at content", "    content tempfail limit <m>\n",
     "%F:5: 'limit' is known only at rcpt, one recipient at a time, not at content\n"},
    {"negated", "    rcpt tempfail !limit <r>\n",
     "%F:5: 'limit <r>' cannot be negated: under the limit, each one counts\n"},
    {"with accept", "    rcpt accept limit <r>\n",
     "%F:5: 'limit <r>' holds past the limit: accept would let the excess through (use "
     "tempfail, reject, quarantine or log-only)\n"},
    {"not a reference", "    rcpt tempfail limit r\n",
     "%F:5: 'limit' needs the name of a limit (limit <NAME>), got 'r'\n"},
    {"asked by two rules", "    rcpt log-only tempfail limit <r>\n    rcpt tempfail limit <r>\n",
     "%F:6: limit <r> is already asked by the rule at %F:5 of policy l: each would count the "
     "same mail\n"},
};

START_TEST(test_uses)
{
    char text[4096];

    snprintf(text, sizeof(text),
             "limit m messages 10 per 1h by client\nlimit r recipients 10 per 1h by login\n"
             "listener l default\npolicy l {\n%s}\n",
             uses[_i].rules);
    check_load(uses[_i].name, text, uses[_i].want);
}
END_TEST

/* LIMIT_DEFS_MAX limits load; one more is an error. */
START_TEST(test_defs_max)
{
    static char text[16384], err[4096];
    int n = LIMIT_DEFS_MAX - 1 + _i, i;
    size_t o = 0;
    struct ruleset *rs;

    for (i = 0; i < n; i++)
        o += (size_t)snprintf(text + o, sizeof(text) - o, "limit l%d messages 1 per 1s by login\n",
                              i);
    snprintf(text + o, sizeof(text) - o, "listener l default\npolicy l {\n}\n");
    rs = rules_load(testutil_write("t.rules", text), err, sizeof(err));
    if (n <= LIMIT_DEFS_MAX) {
        ck_assert_msg(rs != NULL, "%d limits: %s", n, err);
        ck_assert_uint_eq(rs->nlimits, (size_t)n);
        rules_unref(rs);
    } else {
        ck_assert_msg(rs == NULL && strstr(err, "more than 64 limits") != NULL, "%d limits: %s", n,
                      rs ? "loaded" : err);
    }
}
END_TEST

/* ---- sessions: the store is the real table with the test's clock ---- */

static long long fake_now;
static struct limit_table *fake_table;
static int fake_fail;

static int
fake_take(void *ctx, const struct limit_req *rq, struct limit_answer *a, char *why, size_t len)
{
    (void)ctx;
    if (fake_fail) {
        snprintf(why, len, "redis gone");
        return -1;
    }
    return limit_table_take(fake_table, rq->def, rq->key, rq->keylen, rq->n, fake_now, a);
}

static const struct limit_store fake_store = {NULL, fake_take};
static struct env fake_env = {.limits = &fake_store};

static const char limit_rules_text[] = "limit hacked recipients 2 per 10s by login\n"
                                       "limit spray messages 1 per 10s by client/24\n"
                                       "listener out default\n"
                                       "policy out {\n"
                                       "    mail tempfail limit <spray>\n"
                                       "    rcpt tempfail limit <hacked>\n"
                                       "}\n";

static const struct verdict *
mail_from(struct session *s, const char *login)
{
    struct ev_mail e = {0};

    e.from = "<a@example.com>";
    e.auth = login;
    return session_mail(s, &e);
}

static struct session *
open_session(struct ruleset *rs, const char *addr)
{
    struct session *s = session_new(rs, &fake_env);
    struct ev_connect c = {0};

    c.addr = addr;
    c.name = "client.example";
    session_connect(s, &c);
    return s;
}

/* Recipients N-1, N pass, N+1 gets 451 4.7.1 naming the limit, and passes once the window
 * has gone; the decision line names the facts. */
START_TEST(test_session_recipients)
{
    struct ruleset *rs = testutil_load(limit_rules_text);
    struct session *s;
    const struct verdict *v;
    static const struct {
        long long t;
        enum verdict_reply want;
    } steps[] = {{0, REPLY_CONTINUE},
                 {0, REPLY_CONTINUE},
                 {0, REPLY_TEMPFAIL},
                 {10999, REPLY_TEMPFAIL},
                 {11000, REPLY_CONTINUE}};
    size_t i;

    fake_table = limit_table_new(LIMIT_KEYS_MIN, seed);
    fake_fail = 0;
    fake_now = 0;
    s = open_session(rs, "192.0.2.1");
    mail_from(s, "alice");
    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        fake_now = steps[i].t;
        v = session_rcpt(s, "<x@elsewhere.test>", NULL);
        ck_assert_msg(v->reply == steps[i].want, "rcpt %zu at %lld: got reply %d, want %d", i + 1,
                      steps[i].t, v->reply, steps[i].want);
        if (v->reply == REPLY_TEMPFAIL) {
            ck_assert_str_eq(v->code, "451");
            ck_assert_str_eq(v->xcode, "4.7.1");
            ck_assert_str_eq(v->text, "limit hacked reached: at most 2 recipients per 10s, try "
                                      "again later");
            ck_assert_uint_ge(v->nlog, 1);
            ck_assert_msg(strstr(v->log[0], "(limit hacked: 3 > 2 recipients per 10s, "
                                            "login=alice, local)") != NULL,
                          "log: %s", v->log[0]);
        }
    }
    session_free(s);
    rules_unref(rs);
    limit_table_free(fake_table);
}
END_TEST

/* Messages per client /24: two clients of one /24 share it; a store that fails is
 * undecidable: on-error (tempfail by default) applies. */
START_TEST(test_session_messages)
{
    struct ruleset *rs = testutil_load(limit_rules_text);
    struct session *s1, *s2, *s3;
    const struct verdict *v;

    fake_table = limit_table_new(LIMIT_KEYS_MIN, seed);
    fake_fail = 0;
    fake_now = 5000;
    s1 = open_session(rs, "192.0.2.1");
    s2 = open_session(rs, "192.0.2.200");
    s3 = open_session(rs, "198.51.100.1");
    ck_assert_int_eq(mail_from(s1, "")->reply, REPLY_CONTINUE);
    v = mail_from(s2, "");
    ck_assert_msg(v->reply == REPLY_TEMPFAIL, "second message of the /24: got %d", v->reply);
    ck_assert_int_eq(mail_from(s3, "")->reply, REPLY_CONTINUE);
    fake_fail = 1;
    v = mail_from(s3, "");
    ck_assert_msg(v->reply == REPLY_TEMPFAIL && v->errors == 1,
                  "store failing: got reply %d errors %d, want tempfail and an error", v->reply,
                  v->errors);
    session_free(s1);
    session_free(s2);
    session_free(s3);
    rules_unref(rs);
    limit_table_free(fake_table);
}
END_TEST

/* No login: a by-login limit does not apply (nothing counted, nothing refused). */
START_TEST(test_session_no_key)
{
    struct ruleset *rs = testutil_load(limit_rules_text);
    struct session *s;
    int i;

    fake_table = limit_table_new(LIMIT_KEYS_MIN, seed);
    fake_fail = 0;
    fake_now = 0;
    s = open_session(rs, "192.0.2.1");
    mail_from(s, "");
    for (i = 0; i < 5; i++)
        ck_assert_int_eq(session_rcpt(s, "<x@elsewhere.test>", NULL)->reply, REPLY_CONTINUE);
    ck_assert_uint_eq(limit_table_live(fake_table), 1); /* the client's message only */
    session_free(s);
    rules_unref(rs);
    limit_table_free(fake_table);
}
END_TEST

/* One table per limit: N-1, N and N+1 keys of limit "in" (forged inbound senders) fill its
 * table up to and past LIMIT_KEYS_MIN; limit "out" (logins) still counts its key in its own
 * table, never in "in"'s overflow. */
START_TEST(test_tables_apart)
{
    static const struct {
        const char *name;
        unsigned keys;
        const char *want_last; /* where "in"'s last key went */
    } rows[] = {{"N-1 keys of in", LIMIT_KEYS_MIN - 1, "local"},
                {"N keys of in", LIMIT_KEYS_MIN, "local"},
                {"N+1 keys of in", LIMIT_KEYS_MIN + 1, "overflow"}};
    struct limit_def in = {.name = "in", .by = LIMIT_BY_SENDER, .window_ms = 10000, .max = 2};
    struct limit_def out = {.name = "out", .by = LIMIT_BY_LOGIN, .window_ms = 10000, .max = 2};
    struct limit_tables *ts = limit_tables_new(LIMIT_KEYS_MIN, seed);
    struct limit_answer a;
    char k[32];
    unsigned i;

    ck_assert_ptr_nonnull(ts);
    for (i = 0; i < rows[_i].keys; i++) {
        snprintf(k, sizeof(k), "forged%u@example.net", i);
        ck_assert_int_eq(limit_tables_take(ts, &in, k, strlen(k), 1, 100, &a), 0);
    }
    ck_assert_msg(strcmp(a.where, rows[_i].want_last) == 0, "%s: last key got %s, want %s",
                  rows[_i].name, a.where, rows[_i].want_last);
    ck_assert_uint_le(limit_tables_live(ts, &in), LIMIT_KEYS_MIN);
    ck_assert_int_eq(limit_tables_take(ts, &out, "user3", 5, 1, 200, &a), 0);
    ck_assert_msg(strcmp(a.where, "local") == 0 && a.count == 1 && !a.over,
                  "%s: login got %s count=%llu over=%d, want local count=1 over=0", rows[_i].name,
                  a.where, a.count, a.over);
    ck_assert_uint_eq(limit_tables_live(ts, &out), 1);
    limit_tables_free(ts);
}
END_TEST

/* LIMIT_TABLES_MAX identities: one more drops the table used longest ago (its counts restart),
 * the others keep theirs. */
START_TEST(test_tables_max)
{
    struct limit_tables *ts = limit_tables_new(LIMIT_KEYS_MIN, seed);
    struct limit_def d = {.by = LIMIT_BY_LOGIN, .window_ms = 10000, .max = 5};
    struct limit_answer a;
    char name[32];
    unsigned i;

    for (i = 0; i <= LIMIT_TABLES_MAX; i++) { /* MAX-1, MAX, MAX+1 identities */
        snprintf(name, sizeof(name), "l%u", i);
        d.name = name;
        ck_assert_int_eq(limit_tables_take(ts, &d, "k", 1, 1, (long long)i, &a), 0);
    }
    d.name = name;
    snprintf(name, sizeof(name), "l%u", 0u); /* the oldest: dropped, counts again from 1 */
    ck_assert_int_eq(limit_tables_take(ts, &d, "k", 1, 1, 1000, &a), 0);
    ck_assert_msg(a.count == 1, "dropped table: got count %llu, want 1", a.count);
    snprintf(name, sizeof(name), "l%u", (unsigned)LIMIT_TABLES_MAX); /* the newest: kept */
    ck_assert_int_eq(limit_tables_take(ts, &d, "k", 1, 1, 1001, &a), 0);
    ck_assert_msg(a.count == 2, "kept table: got count %llu, want 2", a.count);
    limit_tables_free(ts);
}
END_TEST

/* The overflow in the decision line: the shared counter, named as such, never the key's. */
START_TEST(test_overflow_detail)
{
    struct ruleset *rs = testutil_load(limit_rules_text);
    struct limit_answer a;
    struct session *s;
    const struct verdict *v = NULL;
    char k[32];
    unsigned i;

    fake_table = limit_table_new(LIMIT_KEYS_MIN, seed);
    fake_fail = 0;
    fake_now = 0;
    for (i = 0; i < LIMIT_KEYS_MIN; i++) {
        snprintf(k, sizeof(k), "other%u", i);
        limit_table_take(fake_table, rs->limits[0], k, strlen(k), 1, 0, &a);
    }
    s = open_session(rs, "192.0.2.1");
    mail_from(s, "alice");
    for (i = 0; i < 3; i++)
        v = session_rcpt(s, "<x@elsewhere.test>", NULL);
    ck_assert_int_eq(v->reply, REPLY_TEMPFAIL);
    ck_assert_uint_ge(v->nlog, 1);
    ck_assert_msg(strstr(v->log[0], "(limit hacked's table is full (16 keys): the shared overflow "
                                    "counter is at 3 > 2 recipients per 10s; login=alice found "
                                    "no room)") != NULL,
                  "log: got %s", v->log[0]);
    session_free(s);
    rules_unref(rs);
    limit_table_free(fake_table);
}
END_TEST

/* Every action with a limit and no reply text: tempfail 451 4.7.1, reject 550 5.7.1 (its own
 * class, no "try again"), quarantine and log-only load and let the message on. */
START_TEST(test_default_replies)
{
    static const struct {
        const char *name, *action;
        enum verdict_reply want;
        const char *code, *xcode, *text;
    } rows[] = {
        {"tempfail", "tempfail", REPLY_TEMPFAIL, "451", "4.7.1",
         "limit m reached: at most 1 messages per 1h, try again later"},
        {"reject", "reject", REPLY_REJECT, "550", "5.7.1",
         "limit m reached: at most 1 messages per 1h"},
        {"quarantine", "quarantine", REPLY_CONTINUE, NULL, NULL, NULL},
        {"log-only tempfail", "log-only tempfail", REPLY_CONTINUE, NULL, NULL, NULL},
        {"log-only reject", "log-only reject", REPLY_CONTINUE, NULL, NULL, NULL},
    };
    char text[512];
    struct ruleset *rs;
    struct session *s;
    const struct verdict *v;

    snprintf(text, sizeof(text),
             "limit m messages 1 per 1h by login\nlistener out default\npolicy out {\n"
             "    mail %s limit <m>\n}\n",
             rows[_i].action);
    rs = testutil_load(text);
    fake_table = limit_table_new(LIMIT_KEYS_MIN, seed);
    fake_fail = 0;
    fake_now = 0;
    s = open_session(rs, "192.0.2.1");
    ck_assert_int_eq(mail_from(s, "alice")->reply, REPLY_CONTINUE);
    v = mail_from(s, "alice");
    ck_assert_msg(v->reply == rows[_i].want, "%s: got reply %d, want %d", rows[_i].name, v->reply,
                  rows[_i].want);
    if (rows[_i].code != NULL)
        ck_assert_msg(strcmp(v->code, rows[_i].code) == 0 &&
                          strcmp(v->xcode, rows[_i].xcode) == 0 &&
                          strcmp(v->text, rows[_i].text) == 0,
                      "%s: got %s %s %s, want %s %s %s", rows[_i].name, v->code, v->xcode, v->text,
                      rows[_i].code, rows[_i].xcode, rows[_i].text);
    session_free(s);
    rules_unref(rs);
    limit_table_free(fake_table);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("limit");
    TCase *tc = tcase_create("limit");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_window, 0, (int)(sizeof(windows) / sizeof(windows[0])));
    tcase_add_test(tc, test_redefined);
    tcase_add_test(tc, test_full_table);
    tcase_add_test(tc, test_many_keys);
    tcase_add_loop_test(tc, test_table_size, 0, 4);
    tcase_add_loop_test(tc, test_keys, 0, 10);
    tcase_add_loop_test(tc, test_key_max, 0, 3);
    tcase_add_loop_test(tc, test_statements, 0, (int)(sizeof(stmts) / sizeof(stmts[0])));
    tcase_add_loop_test(tc, test_uses, 0, (int)(sizeof(uses) / sizeof(uses[0])));
    tcase_add_loop_test(tc, test_defs_max, 0, 3);
    tcase_add_test(tc, test_session_recipients);
    tcase_add_test(tc, test_session_messages);
    tcase_add_test(tc, test_session_no_key);
    tcase_add_loop_test(tc, test_tables_apart, 0, 3);
    tcase_add_test(tc, test_tables_max);
    tcase_add_test(tc, test_overflow_detail);
    tcase_add_loop_test(tc, test_default_replies, 0, 5);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

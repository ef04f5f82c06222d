/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_geoip.c - what GeoIP costs per connection. The same SMTP sessions (connect, MAIL, RCPT,
 * end of message) run through the session engine with rules that name the test databases and
 * test country and ASN at connect and rcpt, and with the same rules without them, in
 * alternating rounds in one run; clients cycle over known IPv4, IPv6 and unknown addresses.
 * It prints the time per connection of each, the difference (the lookup and the conditions)
 * and the ratio.
 *   tests/bench/bench_geoip DBDIR [SESSIONS-PER-ROUND] [ROUNDS]     (default 50000, 5)
 * DBDIR holds country.mmdb and asn.mmdb (make check writes them in tests/geoip/).
 */
#include "geoip_db.h"
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const bench_clients[] = {"127.0.0.10",  "127.0.0.20",     "192.0.2.77",
                                            "203.0.113.9", "2001:db8:de::5", "2001:db8:ffff::1"};

static double
bench_secs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
bench_round(struct ruleset *rs, const struct env *env, int n)
{
    struct ev_connect c = {0};
    struct ev_mail m = {0};
    double t0 = bench_secs();
    int i;

    c.daemon = "inbound";
    c.name = "mx.remote.example";
    c.resolve = "OK";
    c.ptr = c.cname = "mx.remote.example";
    c.myhostname = "mx.example.com";
    m.from = "<news@remote.example>";
    m.qid = "4XQID";
    for (i = 0; i < n; i++) {
        struct session *s = session_new(rs, env);
        if (s == NULL)
            abort();
        c.addr = bench_clients[i % (int)(sizeof(bench_clients) / sizeof(bench_clients[0]))];
        if (session_connect(s, &c)->reply == REPLY_CONTINUE &&
            session_mail(s, &m)->reply == REPLY_CONTINUE &&
            session_rcpt(s, "<bob@example.com>", "4XQID")->reply == REPLY_CONTINUE)
            session_eom(s, "4XQID");
        session_free(s);
    }
    return (bench_secs() - t0) / n;
}

static struct ruleset *
bench_load(const char *text, int open)
{
    char err[4096];
    struct ruleset *rs =
        rules_load_buffer("bench.rules", text, strlen(text), NULL, err, sizeof(err));

    if (rs == NULL || (open && geoip_db_open(rs, err, sizeof(err)) == -1)) {
        fprintf(stderr, "%s", err);
        exit(2);
    }
    return rs;
}

int
main(int argc, char **argv)
{
    static const char body[] = "domains ours { example.com }\n"
                               "listener inbound daemon \"inbound\"%s\n"
                               "policy inbound {\n"
                               "    mail reject from <ours> \"5.7.1 ours\"\n"
                               "%s"
                               "    rcpt reject to !<ours> \"5.7.1 relaying denied\"\n"
                               "}\n";
    char with[4096], without[4096], dbs[2048];
    struct env env = {.geoip = geoip_db_lookup};
    struct ruleset *g, *p;
    int n = argc > 2 ? atoi(argv[2]) : 50000, rounds = argc > 3 ? atoi(argv[3]) : 5, r;
    double tg = 0, tp = 0;

    if (argc < 2 || n <= 0 || rounds <= 0) {
        fprintf(stderr, "usage: bench_geoip DBDIR [SESSIONS-PER-ROUND] [ROUNDS]\n");
        return 2;
    }
    snprintf(dbs, sizeof(dbs), "geoip country \"%s/country.mmdb\"\ngeoip asn \"%s/asn.mmdb\"\n",
             argv[1], argv[1]);
    snprintf(with, sizeof(with), "%s", dbs);
    snprintf(with + strlen(with), sizeof(with) - strlen(with), body, " geoip-stamp",
             "    connect reject country { RU, KP } \"5.7.1 no\"\n"
             "    rcpt reject asn { 64999 } !country { DE } \"5.7.1 no\"\n");
    snprintf(without, sizeof(without), body, "", "");
    g = bench_load(with, 1);
    p = bench_load(without, 0);
    bench_round(g, &env, n / 10 + 1); /* warm: page in the mapped databases */
    bench_round(p, &env, n / 10 + 1);
    for (r = 0; r < rounds; r++) {
        tp += bench_round(p, &env, n);
        tg += bench_round(g, &env, n);
    }
    tp /= rounds;
    tg /= rounds;
    printf("bench_geoip: %d connections x %d rounds, %zu clients (IPv4, IPv6, unknown)\n", n,
           rounds, sizeof(bench_clients) / sizeof(bench_clients[0]));
    printf("  without geoip: %.2f us per connection\n", tp * 1e6);
    printf("  with geoip:    %.2f us per connection (country + asn lookup, 2 conditions, stamp)\n",
           tg * 1e6);
    printf("  geoip adds:    %.2f us per connection, ratio %.2f\n", (tg - tp) * 1e6, tg / tp);
    rules_unref(g);
    rules_unref(p);
    return 0;
}

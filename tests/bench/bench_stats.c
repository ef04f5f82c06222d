/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_stats.c - what counting costs. The session engine runs the same SMTP sessions with the
 * sample rules (connect, MAIL, two RCPT, a body chunk, end of message) with and without the
 * daemon's counting hooks, in alternating rounds in the same run, on two threads that share the
 * counters (the contended case), while the textfile writer rewrites its file every second. It
 * prints the time per session of each and the ratio.
 *   tests/bench/bench_stats [SESSIONS-PER-ROUND] [ROUNDS]     (default 20000, 5)
 */
#include "session.h"
#include "stats.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define BENCH_THREADS 2

struct bench {
    struct ruleset *rs;
    int count; /* call the counting hooks */
    int n;     /* sessions for this thread */
};

static long long
bench_now_ms(void *ctx)
{
    (void)ctx;
    return 0;
}

static const struct env bench_env = {.now_ms = bench_now_ms};

static double
bench_secs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
bench_thread(void *arg)
{
    const struct bench *b = arg;
    static const char body[] = "Subject: bench\r\n\r\nhello\r\n";
    struct ev_connect c = {"inbound",           "203.0.113.5",       "mx.remote.example", "OK",
                           "mx.remote.example", "mx.remote.example", "mx.example.com"};
    struct ev_mail m = {.from = "<news@remote.example>", .qid = "4XQID"};
    int i;

    for (i = 0; i < b->n; i++) {
        struct session *s = session_new(b->rs, &bench_env);
        const struct verdict *v;
        if (s == NULL)
            abort();
        v = session_connect(s, &c);
        if (b->count) {
            stats_verdict(s, v, EV_CONNECT);
            /* geoip: a connection's lookups in a country and an ASN database */
            stats_geoip_lookup("country", "found");
            stats_geoip_lookup("asn", "unknown");
        }
        v = session_mail(s, &m);
        if (b->count)
            stats_verdict(s, v, EV_MAIL);
        v = session_rcpt(s, "<bob@example.com>", "4XQID");
        if (b->count)
            stats_verdict(s, v, EV_RCPT);
        v = session_rcpt(s, "<x@elsewhere.example>", "4XQID"); /* refused: a decision */
        if (b->count)
            stats_verdict(s, v, EV_RCPT);
        if (b->count)
            stats_body(s, sizeof(body) - 1);
        v = session_body(s, body, sizeof(body) - 1);
        if (b->count)
            stats_verdict(s, v, EV_BODY);
        v = session_eom(s, "4XQID");
        if (b->count)
            stats_verdict(s, v, EV_EOM);
        session_free(s);
    }
    return NULL;
}

/* Seconds for n sessions spread over the threads. */
static double
bench_round(struct ruleset *rs, int count, int n)
{
    pthread_t t[BENCH_THREADS];
    struct bench b[BENCH_THREADS];
    double t0 = bench_secs();
    int i;

    for (i = 0; i < BENCH_THREADS; i++) {
        b[i].rs = rs;
        b[i].count = count;
        b[i].n = n / BENCH_THREADS;
        if (pthread_create(&t[i], NULL, bench_thread, &b[i]) != 0)
            abort();
    }
    for (i = 0; i < BENCH_THREADS; i++)
        pthread_join(t[i], NULL);
    return bench_secs() - t0;
}

int
main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 20000, rounds = argc > 2 ? atoi(argv[2]) : 5, r;
    char err[65536], path[] = "/tmp/bench_stats.XXXXXX", prom[64];
    double off = 0, on = 0, a, b;
    struct ruleset *rs;
    int fd;

    if (n < BENCH_THREADS || rounds < 1) {
        fprintf(stderr, "usage: bench_stats [SESSIONS-PER-ROUND] [ROUNDS]\n");
        return 2;
    }
    if ((rs = rules_load(TOP_SRCDIR "/contrib/relaywarden.rules", err, sizeof(err))) == NULL) {
        fputs(err, stderr);
        return 1;
    }
    if ((fd = mkstemp(path)) == -1)
        return 1;
    close(fd);
    snprintf(prom, sizeof(prom), "%s.prom", path);
    if (stats_init() == -1 || stats_textfile_start(prom, 1, err, sizeof(err)) == -1) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    printf("sessions per round: %d on %d threads, rounds: %d (connect, MAIL, 2 RCPT, body, "
           "end of message each)\n",
           n, BENCH_THREADS, rounds);
    printf("%-6s %14s %14s %8s\n", "round", "uncounted", "counted", "ratio");
    bench_round(rs, 1, n / 10); /* warm up: the series exist, the caches are filled */
    for (r = 1; r <= rounds; r++) {
        a = bench_round(rs, 0, n);
        b = bench_round(rs, 1, n);
        off += a;
        on += b;
        printf("%-6d %11.2f us %11.2f us %8.3f\n", r, a * 1e6 / n, b * 1e6 / n, b / a);
    }
    printf("%-6s %11.2f us %11.2f us %8.3f   (counted / uncounted, per session)\n", "all",
           off * 1e6 / n / rounds, on * 1e6 / n / rounds, on / off);
    stats_textfile_stop();
    unlink(prom);
    unlink(path);
    rules_unref(rs);
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_limits.c - what a rate limit costs per message. The session engine runs MAIL and RCPT
 * of one message per login with the daemon's own counter store (milter/limits.c) under three
 * rule sets in the same run: no limit (baseline), a recipients limit counted in memory, and
 * the same limit in Redis (one EVALSHA per decision). Prints p50/p99 latency per message and
 * the added p99 of Redis over memory, then decisions per second with THREADS threads sharing
 * one store against one Redis.
 *   tests/bench/bench_limits REDIS-PORT [MESSAGES] [THREADS]    (default 20000, 8)
 */
#include "limits.h"
#include "session.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Logins the messages rotate through: enough that no limit is reached, few enough that each
 * key is warm in the table and in Redis after the first round. */
#define BENCH_LOGINS 1000

static double
bench_secs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

struct bench {
    struct ruleset *rs;
    struct env env;
    int n, first;
    double *lat; /* per message, seconds; NULL: not kept */
    int refused;
};

static void *
bench_run(void *arg)
{
    struct bench *b = arg;
    struct session *s = session_new(b->rs, &b->env);
    struct ev_connect c = {0};
    struct ev_mail m = {0};
    char login[32];
    int i;

    c.addr = "198.51.100.7";
    c.name = "laptop.example.com";
    c.daemon = "outbound";
    session_connect(s, &c);
    m.from = "<app@example.com>";
    for (i = 0; i < b->n; i++) {
        double t0 = bench_secs();
        snprintf(login, sizeof(login), "user%d", (b->first + i) % BENCH_LOGINS);
        m.auth = login;
        session_mail(s, &m);
        if (session_rcpt(s, "<friend@elsewhere.test>", NULL)->reply != REPLY_CONTINUE)
            b->refused++;
        session_abort(s);
        if (b->lat)
            b->lat[i] = bench_secs() - t0;
    }
    session_free(s);
    return NULL;
}

static struct ruleset *
bench_rules(const char *extra)
{
    char text[2048], err[4096];
    struct ruleset *rs;

    snprintf(text, sizeof(text),
             "domains ours { example.com }\n%s"
             "listener outbound daemon \"outbound\"\n"
             "policy outbound {\n"
             "    mail reject !auth \"5.7.1 authentication required\"\n"
             "%s"
             "    rcpt accept auth\n"
             "}\n",
             extra, strstr(extra, "limit ") ? "    rcpt tempfail limit <burst>\n" : "");
    if ((rs = rules_load_buffer("bench.rules", text, strlen(text), NULL, err, sizeof(err))) ==
        NULL) {
        fprintf(stderr, "%s", err);
        exit(1);
    }
    return rs;
}

/* One thread, n messages: p50 and p99 per message, in microseconds. */
static void
bench_latency(const char *name, struct ruleset *rs, int n, double *p50, double *p99)
{
    struct bench b;

    memset(&b, 0, sizeof(b));
    b.rs = rs;
    b.env.limits = limits_store();
    b.n = n;
    if ((b.lat = malloc((size_t)n * sizeof(double))) == NULL)
        exit(1);
    bench_run(&b);
    qsort(b.lat, (size_t)n, sizeof(double), bench_cmp);
    *p50 = b.lat[n / 2] * 1e6;
    *p99 = b.lat[(size_t)n * 99 / 100] * 1e6;
    printf("%-10s p50 %8.1f us   p99 %8.1f us   refused %d\n", name, *p50, *p99, b.refused);
    free(b.lat);
}

/* threads x n messages: decisions (MAIL and RCPT) per second. */
static double
bench_throughput(struct ruleset *rs, int threads, int n)
{
    pthread_t tid[64];
    struct bench b[64];
    double t0, t;
    int i;

    for (i = 0; i < threads; i++) {
        memset(&b[i], 0, sizeof(b[i]));
        b[i].rs = rs;
        b[i].env.limits = limits_store();
        b[i].n = n;
        b[i].first = i * 7;
    }
    t0 = bench_secs();
    for (i = 0; i < threads; i++)
        pthread_create(&tid[i], NULL, bench_run, &b[i]);
    for (i = 0; i < threads; i++)
        pthread_join(tid[i], NULL);
    t = bench_secs() - t0;
    return 2.0 * threads * n / t;
}

int
main(int argc, char **argv)
{
    char extra[512], err[200];
    struct ruleset *base, *mem, *red;
    double b50, b99, m50, m99, r50, r99, tb, tm, tr;
    int n, threads;

    if (argc < 2) {
        fprintf(stderr, "usage: bench_limits REDIS-PORT [MESSAGES] [THREADS]\n");
        return 2;
    }
    n = argc > 2 ? atoi(argv[2]) : 20000;
    threads = argc > 3 ? atoi(argv[3]) : 8;
    if (n < 100 || threads < 1 || threads > 64)
        return 2;
    if (limits_init(err, sizeof(err)) == -1) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    base = bench_rules("");
    mem = bench_rules("limit burst recipients 1000000 per 1h by login\n");
    snprintf(extra, sizeof(extra),
             "limit burst recipients 1000000 per 1h by login\n"
             "limits redis \"127.0.0.1:%s\" timeout 200ms on-failure tempfail prefix \"bench:\"\n",
             argv[1]);
    red = bench_rules(extra);
    printf("messages: %d (MAIL + RCPT each), logins: %d, one thread\n", n, BENCH_LOGINS);
    /* warm up: every key exists, the script is loaded */
    bench_latency("warm-up", red, BENCH_LOGINS * 2, &r50, &r99);
    bench_latency("baseline", base, n, &b50, &b99);
    bench_latency("memory", mem, n, &m50, &m99);
    bench_latency("redis", red, n, &r50, &r99);
    printf("added p99 per message: memory %+.1f us over baseline, redis %+.1f us over memory "
           "(target < 1000 us); redis/memory p99 ratio %.2f\n",
           m99 - b99, r99 - m99, r99 / m99);
    tb = bench_throughput(base, threads, n / threads);
    tm = bench_throughput(mem, threads, n / threads);
    tr = bench_throughput(red, threads, n / threads);
    printf("decisions per second, %d threads, one store: baseline %.0f, memory %.0f, redis %.0f "
           "(redis/baseline %.3f, redis/memory %.3f)\n",
           threads, tb, tm, tr, tr / tb, tr / tm);
    rules_unref(base);
    rules_unref(mem);
    rules_unref(red);
    limits_shutdown();
    return 0;
}

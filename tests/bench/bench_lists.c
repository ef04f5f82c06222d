/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_lists.c - loading and matching large lists. Writes a rules file with N domains,
 * N networks and N logins in list files, then times (a) reading those files line by line
 * with no parsing, the baseline, and (b) rules_load, and prints both and their ratio; then
 * the cost of one recipient decision against those lists.
 *   bench_lists [N]     (default 100000)
 */
#include "addr.h"
#include "cond.h"
#include "eval.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
read_lines(const char *path)
{
    char line[512];
    size_t n = 0;
    FILE *f = fopen(path, "r");

    if (f == NULL)
        return 0;
    while (fgets(line, sizeof(line), f) != NULL)
        n += line[0] != '#';
    fclose(f);
    return n;
}

int
main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000, i;
    char dir[] = "/tmp/rw-bench.XXXXXX", path[5][256], *err = malloc(65536), cmd[300];
    const char *names[4] = {"domains.txt", "networks.txt", "logins.txt", "senders.txt"};
    struct ruleset *rs;
    double t0, t_read, t_load, t_eval;
    size_t lines = 0;
    FILE *f;

    if (mkdtemp(dir) == NULL || err == NULL)
        return 1;
    for (i = 0; i < 4; i++)
        snprintf(path[i], sizeof(path[i]), "%s/%s", dir, names[i]);
    snprintf(path[4], sizeof(path[4]), "%s/bench.rules", dir);
    f = fopen(path[0], "w");
    for (i = 0; i < n; i++)
        fprintf(f, "d%ld.example.com\n", i);
    fclose(f);
    f = fopen(path[1], "w");
    for (i = 0; i < n; i++)
        fprintf(f, "10.%ld.%ld.%ld/32\n", (i >> 16) & 255, (i >> 8) & 255, i & 255);
    fclose(f);
    f = fopen(path[2], "w");
    for (i = 0; i < n; i++)
        fprintf(f, "user%ld@example.com\n", i);
    fclose(f);
    f = fopen(path[3], "w");
    for (i = 0; i < n; i++)
        fprintf(f, "user%ld user%ld@example.com, alias%ld@example.com\n", i, i, i);
    fclose(f);
    f = fopen(path[4], "w");
    fprintf(f, "domains ours file \"domains.txt\"\nnetworks nets file \"networks.txt\"\n"
               "logins users file \"logins.txt\"\nsenders owners file \"senders.txt\"\n"
               "listener l default\npolicy l {\n"
               "    rcpt accept client <nets>\n    rcpt accept login <users>\n"
               "    rcpt reject to !<ours>\n}\n");
    fclose(f);

    t0 = now();
    for (i = 0; i < 4; i++)
        lines += read_lines(path[i]);
    t_read = now() - t0;
    t0 = now();
    rs = rules_load(path[4], err, 65536);
    t_load = now() - t0;
    if (rs == NULL) {
        fprintf(stderr, "%s", err);
        return 1;
    }

    /* One recipient decision: network miss, login miss, 3 hops against the domain list. */
    {
        const struct listener *l = rules_listener(rs, NULL);
        struct netaddr client;
        struct facts s = {0};
        struct addr rcpt;
        const struct rule *r;
        const char *why;
        char aerr[64];
        long k, iters = 1000000, hits = 0;

        netaddr_parse("192.0.2.7", &client);
        s.client = &client;
        s.auth = "alice";
        t0 = now();
        for (k = 0; k < iters; k++) {
            size_t pos = 0;
            addr_parse("<u%d7.example.com@d5.example.com>", ADDR_RCPT, &rcpt, aerr, sizeof(aerr));
            s.rcpt = &rcpt;
            hits += eval_next(l->policy, STAGE_RCPT, &s, &pos, &r, &why);
        }
        t_eval = (now() - t0) / (double)iters;
        if (hits != 0)
            fprintf(stderr, "unexpected match\n");
    }
    printf("entries: %ld domains + %ld networks + %ld logins + %ld senders (%zu lines)\n", n, n, n,
           n, lines);
    printf("baseline, read the list files line by line: %8.3f s\n", t_read);
    printf("rules_load, parse + validate + hash all:    %8.3f s  (%.1fx the baseline)\n", t_load,
           t_load / t_read);
    printf("one recipient decision (parse + 3 lists):   %8.3f us\n", t_eval * 1e6);
    rules_unref(rs);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}

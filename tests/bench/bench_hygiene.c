/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_hygiene.c - how much the body's line scan of outbound hygiene costs: a body of text
 * lines (72 octets and CRLF, as mailers write them) fed in 64 KiB chunks as libmilter does,
 * CPU time, best of 5, in GB/s; and the header checks per message (12 typical fields).
 *   bench_hygiene [MB]     (default 64)
 */
#include "hygiene.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_CHUNK 65536
#define BENCH_REPEAT 5
#define BENCH_MESSAGES 200000

static double
bench_cpu(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
    static const char *const hdrs[][2] = {
        {"Received", "from app.example.com (app.example.com [198.51.100.7])\n\tby mx"},
        {"Date", "Thu, 03 Dec 2026 10:00:00 +0000"},
        {"From", "App <app@example.com>"},
        {"To", "Bob <bob@example.net>"},
        {"Subject", "Your invoice 12345"},
        {"Message-ID", "<20261203100000.1234@app.example.com>"},
        {"MIME-Version", "1.0"},
        {"Content-Type", "text/plain; charset=utf-8"},
        {"Content-Transfer-Encoding", "quoted-printable"},
        {"Reply-To", "support@example.com"},
        {"X-Mailer", "app 1.0"},
        {"List-Unsubscribe", "<mailto:unsub@example.com>"},
    };
    size_t mb = argc > 1 ? (size_t)atol(argv[1]) : 64, len = mb * 1024 * 1024, i, o;
    char *body = malloc(len);
    struct hygiene h;
    double best = 1e9, t0, t;
    int r;

    if (body == NULL || mb == 0)
        return 1;
    for (i = 0; i < len; i++)
        body[i] = i % 74 == 72 ? '\r' : i % 74 == 73 ? '\n' : (char)('a' + i % 26);
    for (r = 0; r < BENCH_REPEAT; r++) {
        hygiene_init(&h, 0);
        t0 = bench_cpu();
        for (o = 0; o < len; o += BENCH_CHUNK)
            hygiene_body(&h, body + o, len - o < BENCH_CHUNK ? len - o : BENCH_CHUNK);
        hygiene_end(&h);
        t = bench_cpu() - t0;
        best = t < best ? t : best;
        if (h.defects != 0)
            return 1;
    }
    printf("body line scan: %zu MB in %.1f ms: %.2f GB/s\n", mb, best * 1e3,
           (double)len / best / 1e9);
    best = 1e9;
    for (r = 0; r < BENCH_REPEAT; r++) {
        t0 = bench_cpu();
        for (i = 0; i < BENCH_MESSAGES; i++) {
            hygiene_init(&h, 0);
            for (o = 0; o < sizeof(hdrs) / sizeof(hdrs[0]); o++)
                hygiene_header(&h, hdrs[o][0], hdrs[o][1]);
            hygiene_eoh(&h);
        }
        t = bench_cpu() - t0;
        best = t < best ? t : best;
    }
    printf("header checks: %.0f ns per message of %zu fields\n", best * 1e9 / BENCH_MESSAGES,
           sizeof(hdrs) / sizeof(hdrs[0]));
    free(body);
    return 0;
}

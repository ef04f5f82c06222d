/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_content.c - the whole content pipeline as the session runs it (MIME parse, base64 and
 * quoted-printable decoding, charset conversion, 1,000-keyword scan, true type, SHA-256,
 * archive listing) over real-shaped messages, fed in 64 KiB chunks as Postfix does, against
 * memcpy of the same bytes in the same run; and the peak memory one 50 MB message adds.
 *   tests/bench/bench_content [MB]     (default 50)
 */
#include "content.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* VmHWM of this process, in KiB; reset with /proc/self/clear_refs. */
static long
bench_hwm(void)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");

    while (f != NULL && fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = atol(line + 6);
    if (f != NULL)
        fclose(f);
    return kb;
}

static void
bench_reset_hwm(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");

    if (f != NULL) {
        fputs("5", f);
        fclose(f);
    }
}

/* A body of about mb MB: a QP HTML part, a base64 text part and base64 attachments. */
static char *
bench_body(size_t mb, size_t *len)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t cap = mb * 1024 * 1024 + 65536, n = 0, i, k;
    char *b = malloc(cap);
    unsigned x = 12345;

    n += (size_t)sprintf(b + n, "--bb\r\nContent-Type: text/html; charset=utf-8\r\n"
                                "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    for (i = 0; i < 200; i++)
        n += (size_t)sprintf(b + n, "<p>Quarterly figures for the region, line %zu, caf=C3=A9 =\r\n"
                                    "and more text</p>\r\n", i);
    n += (size_t)sprintf(b + n, "--bb\r\nContent-Type: application/pdf; name=\"figures.pdf\"\r\n"
                                "Content-Disposition: attachment; filename=\"figures.pdf\"\r\n"
                                "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n");
    while (n + 200 < cap - 64) {
        for (k = 0; k < 76; k++) {
            x = x * 1103515245u + 12345u;
            b[n++] = b64[(x >> 16) & 63];
        }
        b[n++] = '\r';
        b[n++] = '\n';
    }
    n += (size_t)sprintf(b + n, "--bb--\r\n");
    *len = n;
    return b;
}

static void
bench_run(struct ruleset *rs, const char *body, size_t len)
{
    struct content *c = content_new(rs, rs->listeners[0].policy, 0);
    size_t o;

    content_header(c, "Subject", "quarterly figures");
    content_header(c, "MIME-Version", "1.0");
    content_header(c, "Content-Type", "multipart/mixed; boundary=\"bb\"");
    content_eoh(c);
    for (o = 0; o < len; o += 65536)
        content_body(c, body + o, len - o < 65536 ? len - o : 65536);
    content_end(c);
    if (content_facts(c)->error[0] || content_facts(c)->limit)
        fprintf(stderr, "bench: %s%s\n", content_facts(c)->error, content_facts(c)->mime_why);
    content_free(c);
}

int
main(int argc, char **argv)
{
    size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 50, len, i, o;
    char rules[80000], err[4096], *body = bench_body(mb, &len), *copy = malloc(len);
    struct ruleset *rs;
    double t, best_c = 1e9, best_m = 1e9;
    long before, after;
    int n = snprintf(rules, sizeof(rules), "keywords k {\n");

    for (i = 0; i < 1000; i++)
        n += snprintf(rules + n, sizeof(rules) - (size_t)n, " \"keyword%04zu phrase %zu\"\n", i, i);
    snprintf(rules + n, sizeof(rules) - (size_t)n,
             "}\nlistener l default\npolicy l {\n"
             "    content reject mime malformed\n    content reject mime limit\n"
             "    content reject attachment ext { exe, scr, js }\n"
             "    content reject attachment inner-ext { exe, scr, js }\n"
             "    content reject attachment truetype { exe, elf, ooxml-macro }\n"
             "    content reject keyword <k>\n}\n");
    if ((rs = rules_load_buffer("bench.rules", rules, strlen(rules), NULL, err, sizeof(err))) ==
        NULL) {
        fprintf(stderr, "%s", err);
        return 1;
    }
    bench_run(rs, body, len); /* warm up: one-time library set-up */
    for (i = 0; i < 5; i++) {
        t = bench_now();
        for (o = 0; o < len; o += 65536)
            memcpy(copy + o, body + o, len - o < 65536 ? len - o : 65536);
        t = bench_now() - t;
        best_m = t < best_m ? t : best_m;
        t = bench_now();
        bench_run(rs, body, len);
        t = bench_now() - t;
        best_c = t < best_c ? t : best_c;
    }
    bench_reset_hwm();
    before = bench_hwm();
    bench_run(rs, body, len);
    after = bench_hwm();
    printf("message: %.1f MB (a QP HTML part, a %zu MB base64 attachment), 64 KiB chunks, "
           "1,000 keywords\n", len / 1e6, mb);
    printf("memcpy:            %6.2f GB/s\n", len / best_m / 1e9);
    printf("content pipeline:  %6.2f GB/s   (target >= 1 GB/s per core)\n", len / best_c / 1e9);
    printf("peak memory added by one message: %ld KiB (VmHWM; target < 1024)\n", after - before);
    rules_unref(rs);
    free(body);
    free(copy);
    return 0;
}

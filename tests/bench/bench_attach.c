/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_attach.c - the cost of attachment facts, against baselines measured in the same run:
 * sniff_type calls per second over heads of every kind; a zip bomb's listing time (one member
 * claiming 3.75 GiB from 4 MB: nothing may be inflated); attach_feed's SHA-256 and windows in
 * GB/s next to memcpy and to OpenSSL's bare SHA-256 on the same buffer.
 * Times are CPU time of the process.
 *   bench_attach [MiB]     (default 256 MiB of content for the throughput figures)
 */
#include "attach.h"
#include "sniff.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

/* CPU time of this process, not wall time: the figures stay meaningful on a shared machine
 * (as openssl speed counts). */
static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
le(unsigned char *p, unsigned long v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

#define CHUNK (16u << 20)
#define CHUNKS 240

/* The bomb of check_arclist.c: one deflated member of 240 x 16 MiB zeros. */
static unsigned char *
bomb(size_t *out)
{
    unsigned char *zeros = calloc(CHUNK, 1), *c = malloc(1 << 20), fin[64], *p;
    z_stream zs = {0};
    size_t clen, flen, dlen, at;
    unsigned long crc0, crc;

    deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
    zs.next_in = zeros;
    zs.avail_in = CHUNK;
    zs.next_out = c;
    zs.avail_out = 1 << 20;
    deflate(&zs, Z_FULL_FLUSH);
    clen = (1 << 20) - zs.avail_out;
    zs.next_out = fin;
    zs.avail_out = sizeof(fin);
    deflate(&zs, Z_FINISH);
    flen = sizeof(fin) - zs.avail_out;
    deflateEnd(&zs);
    crc0 = crc = crc32(0, zeros, CHUNK);
    for (int i = 1; i < CHUNKS; i++)
        crc = crc32_combine(crc, crc0, CHUNK);
    free(zeros);
    dlen = clen * CHUNKS + flen;
    p = calloc(dlen + 200, 1);
    memcpy(p, "PK\x03\x04", 4);
    le(p + 4, 20, 2);
    le(p + 8, 8, 2);
    le(p + 14, crc, 4);
    le(p + 18, dlen, 4);
    le(p + 22, (unsigned long)CHUNK * CHUNKS, 4);
    le(p + 26, 8, 2);
    memcpy(p + 30, "bomb.bin", 8);
    at = 38;
    for (int i = 0; i < CHUNKS; i++, at += clen)
        memcpy(p + at, c, clen);
    memcpy(p + at, fin, flen);
    at += flen;
    free(c);
    memcpy(p + at, "PK\x01\x02", 4);
    le(p + at + 4, 20, 2);
    le(p + at + 6, 20, 2);
    le(p + at + 10, 8, 2);
    le(p + at + 16, crc, 4);
    le(p + at + 20, dlen, 4);
    le(p + at + 24, (unsigned long)CHUNK * CHUNKS, 4);
    le(p + at + 28, 8, 2);
    memcpy(p + at + 46, "bomb.bin", 8);
    memcpy(p + at + 54, "PK\x05\x06", 4);
    le(p + at + 62, 1, 2);
    le(p + at + 64, 1, 2);
    le(p + at + 66, 54, 4);
    le(p + at + 70, at, 4);
    *out = at + 76;
    return p;
}

int
main(int argc, char **argv)
{
    static const struct {
        const char *b;
        size_t n;
    } heads[] = {
        {"MZ\x90\0", 4},
        {"\x7f"
         "ELF\2\1",
         6},
        {"PK\x03\x04\x14\0\0\0", 8},
        {"%PDF-1.7\n", 9},
        {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8},
        {"hello world, some text", 22},
        {"<!DOCTYPE html>", 15},
        {"\x1f\x8b\x08\0", 4},
    };
    size_t mib = argc > 1 ? (size_t)atol(argv[1]) : 256, n = mib << 20, bn, calls = 0;
    unsigned char *buf = malloc(n), *dst = malloc(n), *bp, md[EVP_MAX_MD_SIZE];
    volatile size_t sink = 0;
    double t0, t_sniff, t_bomb, t_memcpy, t_sha, t_feed;
    struct attach *a;
    char err[256];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned mdlen;

    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)(i * 2654435761u >> 13);

    /* sniff: every head a million times over */
    t0 = now();
    for (int r = 0; r < 250000; r++)
        for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++, calls++)
            sink += (size_t)sniff_type((const unsigned char *)heads[i].b, heads[i].n, NULL, 0,
                                       heads[i].n)[0];
    t_sniff = now() - t0;

    /* the bomb: once to warm up, then timed */
    bp = bomb(&bn);
    for (int r = 0; r < 2; r++) {
        a = attach_new();
        for (size_t i = 0; i < bn; i += 65536)
            attach_feed(a, bp + i, bn - i < 65536 ? bn - i : 65536);
        t0 = now();
        if (attach_end(a, err, sizeof(err)) != 0)
            fprintf(stderr, "bomb: %s\n", err);
        t_bomb = now() - t0;
        if (r == 1)
            printf("bomb: %zu bytes, 1 member claiming %llu bytes, %zu name(s), flags %#x: "
                   "listed in %.0f us\n",
                   bn, (unsigned long long)CHUNK * CHUNKS, attach_facts(a)->ninner,
                   attach_facts(a)->flags, t_bomb * 1e6);
        attach_free(a);
    }
    free(bp);

    /* Each three times, interleaved, the best kept: the machine is shared. */
    memset(dst, 0, n);
    t_memcpy = t_sha = t_feed = 1e9;
    for (int r = 0; r < 3; r++) {
        double t;
        t0 = now();
        for (size_t i = 0; i < n; i += 65536)
            memcpy(dst + i, buf + i, n - i < 65536 ? n - i : 65536);
        if ((t = now() - t0) < t_memcpy)
            t_memcpy = t;
        sink += dst[n / 2];

        t0 = now();
        EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
        for (size_t i = 0; i < n; i += 65536)
            EVP_DigestUpdate(ctx, buf + i, n - i < 65536 ? n - i : 65536);
        EVP_DigestFinal_ex(ctx, md, &mdlen);
        if ((t = now() - t0) < t_sha)
            t_sha = t;

        a = attach_new();
        t0 = now();
        for (size_t i = 0; i < n; i += 65536)
            attach_feed(a, buf + i, n - i < 65536 ? n - i : 65536);
        attach_end(a, err, sizeof(err));
        if ((t = now() - t0) < t_feed)
            t_feed = t;
        attach_free(a);
    }

    printf("sniff_type: %zu calls in %.3f s: %.1f million calls/s (%.0f ns a call)\n", calls,
           t_sniff, (double)calls / t_sniff / 1e6, t_sniff / (double)calls * 1e9);
    printf("%zu MiB in 64 KiB pieces: memcpy %.2f GB/s, EVP SHA-256 %.2f GB/s, "
           "attach_feed+end %.2f GB/s (%.2fx memcpy's time, %.2fx bare SHA-256's)\n",
           mib, (double)n / t_memcpy / 1e9, (double)n / t_sha / 1e9, (double)n / t_feed / 1e9,
           t_feed / t_memcpy, t_feed / t_sha);
    EVP_MD_CTX_free(ctx);
    free(buf);
    free(dst);
    return sink == 42 ? 1 : 0;
}

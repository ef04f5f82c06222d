/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_zipdir.c - listing zips bigger than the windows through attach_feed/attach_end: a
 * Zip64 whose member claims 1 GiB (deflated zeros, about 1 MB) and a 1.2 MB zip of 40 stored
 * members; CPU time of feed+end and of attach_end alone (the listing), and the peak of the heap
 * above what was allocated before. bench_zipdir [ROUNDS]     (default 20; the figures are the
 * median round)
 */
#include "attach.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

/* The heap, counted by interposing malloc for this program (glibc's own functions below):
 * every allocation of relaywarden, libarchive and OpenSSL goes through here. */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static size_t heap_now, heap_peak;

static void
heap_add(void *p)
{
    if (p != NULL && (heap_now += malloc_usable_size(p)) > heap_peak)
        heap_peak = heap_now;
}

void *
malloc(size_t n)
{
    void *p = __libc_malloc(n);
    heap_add(p);
    return p;
}

void *
calloc(size_t n, size_t k)
{
    void *p = __libc_calloc(n, k);
    heap_add(p);
    return p;
}

void *
realloc(void *o, size_t n)
{
    size_t had = o != NULL ? malloc_usable_size(o) : 0;
    void *p = __libc_realloc(o, n);

    if (p != NULL || n == 0)
        heap_now -= had;
    heap_add(p);
    return p;
}

void
free(void *p)
{
    if (p != NULL)
        heap_now -= malloc_usable_size(p);
    __libc_free(p);
}

static double
cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct out {
    unsigned char *p;
    size_t n, cap;
};

static void
put(struct out *o, const void *p, size_t k)
{
    if (o->n + k > o->cap) {
        o->cap = (o->n + k) * 2;
        if ((o->p = realloc(o->p, o->cap)) == NULL)
            exit(1);
    }
    memcpy(o->p + o->n, p, k);
    o->n += k;
}

static void
le(struct out *o, unsigned long long v, int k)
{
    for (int i = 0; i < k; i++) {
        unsigned char c = (unsigned char)(v >> (8 * i));
        put(o, &c, 1);
    }
}

/* A local header and its directory entry; Zip64 extras when z64. */
static void
member(struct out *o, struct out *cd, const char *name, unsigned method, unsigned long crc,
       unsigned long long csize, unsigned long long usize, const unsigned char *data, int z64)
{
    unsigned long long lho = o->n;

    le(o, 0x04034b50, 4);
    le(o, z64 ? 45 : 20, 2);
    le(o, 0, 2);
    le(o, method, 2);
    le(o, 0, 4);
    le(o, crc, 4);
    le(o, z64 ? 0xffffffffULL : csize, 4);
    le(o, z64 ? 0xffffffffULL : usize, 4);
    le(o, strlen(name), 2);
    le(o, z64 ? 20 : 0, 2);
    put(o, name, strlen(name));
    if (z64) {
        le(o, 1, 2);
        le(o, 16, 2);
        le(o, usize, 8);
        le(o, csize, 8);
    }
    put(o, data, (size_t)csize);
    le(cd, 0x02014b50, 4);
    le(cd, 20, 2);
    le(cd, z64 ? 45 : 20, 2);
    le(cd, 0, 2);
    le(cd, method, 2);
    le(cd, 0, 4);
    le(cd, crc, 4);
    le(cd, z64 ? 0xffffffffULL : csize, 4);
    le(cd, z64 ? 0xffffffffULL : usize, 4);
    le(cd, strlen(name), 2);
    le(cd, z64 ? 28 : 0, 2);
    le(cd, 0, 6); /* comment length, disk, internal attributes */
    le(cd, 0, 4);
    le(cd, z64 ? 0xffffffffULL : lho, 4);
    put(cd, name, strlen(name));
    if (z64) {
        le(cd, 1, 2);
        le(cd, 24, 2);
        le(cd, usize, 8);
        le(cd, csize, 8);
        le(cd, lho, 8);
    }
}

static void
finish(struct out *o, struct out *cd, unsigned long long n, int z64)
{
    unsigned long long cd_off = o->n, e64;

    put(o, cd->p, cd->n);
    e64 = o->n;
    if (z64) {
        le(o, 0x06064b50, 4);
        le(o, 44, 8);
        le(o, 45, 2);
        le(o, 45, 2);
        le(o, 0, 8);
        le(o, n, 8);
        le(o, n, 8);
        le(o, cd->n, 8);
        le(o, cd_off, 8);
        le(o, 0x07064b50, 4);
        le(o, 0, 4);
        le(o, e64, 8);
        le(o, 1, 4);
    }
    le(o, 0x06054b50, 4);
    le(o, 0, 4);
    le(o, z64 ? 0xffff : n, 2);
    le(o, z64 ? 0xffff : n, 2);
    le(o, z64 ? 0xffffffffULL : cd->n, 4);
    le(o, z64 ? 0xffffffffULL : cd_off, 4);
    le(o, 0, 2);
}

#define GIB (1ULL << 30)
#define ZCHUNK (16u << 20)

/* One member claiming 1 GiB: zeros deflated, and a readme stored after it. */
static void
make_zip64(struct out *o)
{
    struct out cd = {0}, def = {0};
    unsigned char *zeros = calloc(ZCHUNK, 1), *buf = malloc(1 << 20);
    z_stream zs = {0};
    unsigned long crc = crc32(0, NULL, 0);

    deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
    for (unsigned long long done = 0; done < GIB; done += ZCHUNK) {
        int last = done + ZCHUNK >= GIB;
        zs.next_in = zeros;
        zs.avail_in = ZCHUNK;
        crc = crc32(crc, zeros, ZCHUNK);
        do {
            zs.next_out = buf;
            zs.avail_out = 1 << 20;
            deflate(&zs, last ? Z_FINISH : Z_NO_FLUSH);
            put(&def, buf, (1 << 20) - zs.avail_out);
        } while (zs.avail_out == 0);
    }
    deflateEnd(&zs);
    member(o, &cd, "disk.img", 8, crc, def.n, GIB, def.p, 1);
    member(o, &cd, "readme.txt", 0, crc32(0, (const unsigned char *)"hi", 2), 2, 2,
           (const unsigned char *)"hi", 1);
    finish(o, &cd, 2, 1);
    free(zeros);
    free(buf);
    free(def.p);
    free(cd.p);
}

/* 40 stored members of 30,000 bytes: 1.2 MB. */
static void
make_forty(struct out *o)
{
    struct out cd = {0};
    unsigned char *d = malloc(30000);
    char name[32];

    for (size_t i = 0; i < 30000; i++)
        d[i] = (unsigned char)(i * 2654435761u >> 13);
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof(name), "docs/file%02d.txt", i);
        member(o, &cd, name, 0, crc32(0, d, 30000), 30000, 30000, d, 0);
    }
    finish(o, &cd, 40, 0);
    free(d);
    free(cd.p);
}

static int
cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void
run(const char *what, const struct out *z, int rounds)
{
    double *t = calloc((size_t)rounds, sizeof(*t)), *te = calloc((size_t)rounds, sizeof(*te));
    size_t peak = 0, names = 0;
    unsigned flags = 0;
    char err[256], why[160] = "";

    for (int r = 0; r < rounds; r++) {
        size_t base = heap_now;
        double t0, t1;
        struct attach *a;

        heap_peak = heap_now;
        t0 = cpu_now();
        if ((a = attach_new()) == NULL)
            exit(1);
        for (size_t i = 0; i < z->n; i += 65536)
            attach_feed(a, z->p + i, z->n - i < 65536 ? z->n - i : 65536);
        t1 = cpu_now();
        if (attach_end(a, err, sizeof(err)) == -1) {
            fprintf(stderr, "%s: %s\n", what, err);
            exit(1);
        }
        t[r] = cpu_now() - t0;
        te[r] = cpu_now() - t1;
        names = attach_facts(a)->ninner;
        snprintf(why, sizeof(why), "%s", attach_facts(a)->why);
        flags = attach_facts(a)->flags;
        attach_free(a);
        if (heap_peak - base > peak)
            peak = heap_peak - base;
    }
    qsort(t, (size_t)rounds, sizeof(*t), cmp);
    qsort(te, (size_t)rounds, sizeof(*te), cmp);
    printf("%-36s %9zu bytes  %2zu names  flags %#x  feed+end %.3f ms, end %.3f ms (median of %d)  "
           "peak heap %zu KiB%s%s\n",
           what, z->n, names, flags, t[rounds / 2] * 1e3, te[rounds / 2] * 1e3, rounds, peak / 1024,
           why[0] != '\0' ? "  why: " : "", why);
    free(t);
    free(te);
}

int
main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    struct out z64 = {0}, forty = {0};

    if (rounds < 1)
        rounds = 1;
    make_zip64(&z64);
    make_forty(&forty);
    run("zip64, one member claiming 1 GiB", &z64, rounds);
    run("zip, 40 stored members of 30,000 B", &forty, rounds);
    free(z64.p);
    free(forty.p);
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_kw.c - keyword scanning and text conversion speed. Makes a few MB of English text (the
 * licence texts every Debian system has, repeated, with a keyword every ~20 KB) and 1,000
 * keywords (made-up words of 6..13 letters, one in ten a two-word phrase: rare in the text, as
 * screened words are in mail), then prints, measured in this run on the same text (CPU time,
 * best of 5):
 * kw (caseless, 64 KiB stream chunks) in GB/s and its ratio to `grep -F -i -f` (C.UTF-8, the
 * same caseless semantics); the same keywords whole-word; folding the text and scanning it
 * case-sensitively instead; textconv on UTF-8, HTML and ISO-8859-1.
 *   bench_kw [MB]     (default 32: the scan of fewer takes too few milliseconds to time)
 */
#include "kw.h"
#include "textconv.h"

#include <hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unicase.h>
#include <unistd.h>

#define BENCH_KEYWORDS 1000
#define BENCH_CHUNK 65536
#define BENCH_REPEAT 5

static unsigned bench_seed = 12345;

static unsigned
bench_rand(void)
{
    bench_seed = bench_seed * 1103515245u + 12345u;
    return bench_seed >> 8;
}

static double
bench_cpu(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
bench_children_cpu(void)
{
    struct rusage ru;

    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* A made-up word of minlen..minlen+7 letters, now and then capitalised. */
static void
bench_word(char *w, int minlen)
{
    int n = minlen + (int)(bench_rand() % 8), i;

    for (i = 0; i < n; i++)
        w[i] = (char)('a' + bench_rand() % 26);
    if (bench_rand() % 5 == 0)
        w[0] = (char)(w[0] - 32);
    w[n] = '\0';
}

/* The English corpus: Debian's licence texts (base-files), at most max bytes. */
static size_t
bench_corpus(char *buf, size_t max)
{
    static const char *const names[] = {"GPL-3",   "GPL-2",      "LGPL-2.1", "GFDL-1.3",
                                        "MPL-2.0", "Apache-2.0", "Artistic", "CC0-1.0"};
    char path[128];
    size_t n = 0, i;
    FILE *f;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(path, sizeof(path), "/usr/share/common-licenses/%s", names[i]);
        if ((f = fopen(path, "rb")) == NULL)
            continue;
        n += fread(buf + n, 1, max - n, f);
        fclose(f);
    }
    return n;
}

static unsigned long hits;

static int
bench_hit(void *arg, const struct kw_pattern *p, unsigned long long off)
{
    (void)arg;
    (void)p;
    (void)off;
    hits++;
    return 0;
}

/* Best CPU seconds of BENCH_REPEAT scans of text in BENCH_CHUNK pieces. */
static double
bench_scan(struct kw_scan *sc, const char *text, size_t n)
{
    double best = 1e9, t;
    size_t i;
    int r;

    for (r = 0; r < BENCH_REPEAT; r++) {
        hits = 0;
        t = bench_cpu();
        kw_scan_begin(sc);
        for (i = 0; i < n; i += BENCH_CHUNK)
            kw_scan_feed(sc, text + i, n - i < BENCH_CHUNK ? n - i : BENCH_CHUNK, bench_hit, NULL);
        kw_scan_end(sc, bench_hit, NULL);
        t = bench_cpu() - t;
        if (t < best)
            best = t;
    }
    return best;
}

static int
bench_null_sink(void *arg, const char *p, size_t n)
{
    (void)p;
    *(size_t *)arg += n;
    return 0;
}

static double
bench_textconv(const char *cs, int html, const char *in, size_t n)
{
    double best = 1e9, t;
    size_t i, out;
    int r;

    for (r = 0; r < BENCH_REPEAT; r++) {
        struct textconv *tc = textconv_new(cs, html);

        out = 0;
        t = bench_cpu();
        for (i = 0; i < n; i += BENCH_CHUNK)
            textconv_feed(tc, in + i, n - i < BENCH_CHUNK ? n - i : BENCH_CHUNK, bench_null_sink,
                          &out);
        textconv_end(tc, bench_null_sink, &out);
        t = bench_cpu() - t;
        textconv_free(tc);
        if (t < best)
            best = t;
    }
    return best;
}

static int
bench_hs_count(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *c)
{
    (void)id;
    (void)from;
    (void)to;
    (void)flags;
    (*(unsigned long *)c)++;
    return 0;
}

/* The other way to be caseless: fold the text (u8_tolower) and scan it case-sensitively. */
static double
bench_fold(char **kws, size_t nk, const char *text, size_t n)
{
    char **exprs = calloc(nk, sizeof(*exprs));
    unsigned *flags = calloc(nk, sizeof(*flags)), *ids = calloc(nk, sizeof(*ids));
    hs_database_t *db;
    hs_compile_error_t *cerr;
    hs_scratch_t *scratch = NULL;
    hs_stream_t *st;
    uint8_t *folded = malloc(BENCH_CHUNK * 2);
    double best = 1e9, t;
    unsigned long count;
    size_t i, j, o;
    int r;

    for (i = 0; i < nk; i++) { /* the bench's keywords are letters and spaces */
        exprs[i] = malloc(strlen(kws[i]) * 4 + 1);
        for (j = 0, o = 0; kws[i][j] != '\0'; j++)
            if (kws[i][j] == ' ') {
                memcpy(exprs[i] + o, "\\x20", 4);
                o += 4;
            } else {
                exprs[i][o++] = (char)(kws[i][j] | 0x20);
            }
        exprs[i][o] = '\0';
        flags[i] = HS_FLAG_UTF8;
        ids[i] = (unsigned)i;
    }
    if (hs_compile_multi((const char *const *)exprs, flags, ids, (unsigned)nk, HS_MODE_STREAM, NULL,
                         &db, &cerr) != HS_SUCCESS ||
        hs_alloc_scratch(db, &scratch) != HS_SUCCESS)
        return -1;
    for (r = 0; r < BENCH_REPEAT; r++) {
        count = 0;
        t = bench_cpu();
        hs_open_stream(db, 0, &st);
        for (i = 0; i < n; i += BENCH_CHUNK) {
            size_t k = n - i < BENCH_CHUNK ? n - i : BENCH_CHUNK, flen = BENCH_CHUNK * 2;

            /* chunks are cut at word boundaries in this text (see main): fold each alone */
            u8_tolower((const uint8_t *)text + i, k, NULL, NULL, folded, &flen);
            hs_scan_stream(st, (const char *)folded, (unsigned)flen, 0, scratch, bench_hs_count,
                           &count);
        }
        hs_close_stream(st, scratch, bench_hs_count, &count);
        t = bench_cpu() - t;
        if (t < best)
            best = t;
    }
    for (i = 0; i < nk; i++)
        free(exprs[i]);
    free(exprs);
    free(flags);
    free(ids);
    free(folded);
    hs_free_scratch(scratch);
    hs_free_database(db);
    return best;
}

/* CPU seconds of `grep -F -i -c -f kwfile file` (LC_ALL=C.UTF-8), best of BENCH_REPEAT. */
static double
bench_grep(const char *kwfile, const char *file)
{
    char cmd[1024];
    double best = 1e9, t;
    int r;

    /* Not >/dev/null: grep then stops at the first match, as with -q. */
    snprintf(cmd, sizeof(cmd), "LC_ALL=C.UTF-8 grep -F -i -c -f '%s' '%s' >'%s.out'", kwfile, file,
             kwfile);
    for (r = 0; r < BENCH_REPEAT; r++) {
        t = bench_children_cpu();
        if (system(cmd) == -1)
            return -1;
        t = bench_children_cpu() - t;
        if (t < best)
            best = t;
    }
    return best;
}

int
main(int argc, char **argv)
{
    size_t mb = argc > 1 ? (size_t)atol(argv[1]) : 32, n = mb << 20, len = 0, i, hn, ln;
    static struct kw_pattern p[BENCH_KEYWORDS];
    static char *kws[BENCH_KEYWORDS];
    char dir[] = "/tmp/bench_kw.XXXXXX", kwfile[64], textfile[64], emptyfile[64], err[256], w[32];
    char *text = malloc(n + 64), *html = malloc(n * 2 + 64), *latin1 = malloc(n + 64);
    struct kw_set *set, *wset;
    struct kw_scan *sc;
    double t_kw, t_word, t_fold, t_grep, t_grep0, t_u8, t_html, t_l1;
    FILE *f;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (text == NULL || html == NULL || latin1 == NULL || mkdtemp(dir) == NULL) {
        perror("bench_kw");
        return 1;
    }
    snprintf(kwfile, sizeof(kwfile), "%s/kw", dir);
    snprintf(textfile, sizeof(textfile), "%s/text", dir);
    snprintf(emptyfile, sizeof(emptyfile), "%s/empty", dir);
    f = fopen(kwfile, "w");
    for (i = 0; i < BENCH_KEYWORDS; i++) { /* words of 6..13 letters; one in ten a phrase */
        bench_word(w, 6);
        if (i % 10 == 0) {
            strcat(w, " ");
            bench_word(w + strlen(w), 3);
        }
        kws[i] = strdup(w);
        p[i].text = kws[i];
        p[i].id = (unsigned)i;
        fprintf(f, "%s\n", w);
    }
    fclose(f);
    {
        static char corpus[1 << 20];
        size_t cn = bench_corpus(corpus, sizeof(corpus)), at = 0, next = 0;

        if (cn < 4096) {
            fprintf(stderr,
                    "bench_kw: /usr/share/common-licenses is missing (package base-files)\n");
            return 1;
        }
        while (len + 64 < n) { /* the corpus over and over, a keyword every ~20 KB */
            if (len >= next) {
                len += (size_t)sprintf(text + len, " %s ", kws[bench_rand() % BENCH_KEYWORDS]);
                next = len + 16384 + bench_rand() % 8192;
            }
            text[len++] = corpus[at++ % cn];
        }
    }
    /* Chunks for the fold variant must not cut a character: the text is ASCII (checked). */
    for (i = 0; i < len; i++)
        if ((unsigned char)text[i] >= 0x80)
            text[i] = '?';
    f = fopen(textfile, "w");
    fwrite(text, 1, len, f);
    fclose(f);
    fclose(fopen(emptyfile, "w"));
    /* HTML: each line a paragraph with some inline markup and references. */
    for (i = 0, hn = 0; i < len; i++) {
        if (i == 0 || text[i - 1] == '\n')
            hn += (size_t)sprintf(html + hn, "<p style=\"margin:0\">");
        if (text[i] == '\n')
            hn += (size_t)sprintf(html + hn, "</p>\r\n");
        else if (text[i] == ' ' && i % 7 == 0)
            hn += (size_t)sprintf(html + hn, "&nbsp;");
        else if (text[i] == ' ' && i % 11 == 0)
            hn += (size_t)sprintf(html + hn, " <b>");
        else
            html[hn++] = text[i];
    }
    for (i = 0, ln = 0; i < len; i++) /* ISO-8859-1: some accented letters */
        latin1[ln++] = (char)(text[i] == 'e' && i % 13 == 0 ? 0xe9 : text[i]);

    set = kw_compile(p, BENCH_KEYWORDS, err, sizeof(err));
    for (i = 0; i < BENCH_KEYWORDS; i++)
        p[i].flags = KW_WORD;
    wset = kw_compile(p, BENCH_KEYWORDS, err, sizeof(err));
    if (set == NULL || wset == NULL) {
        fprintf(stderr, "bench_kw: %s\n", err);
        return 1;
    }
    sc = kw_scan_new(set);
    t_kw = bench_scan(sc, text, len);
    printf("kw: %d caseless keywords over %.1f MB: %.3f s, %.2f GB/s (%lu keywords found)\n",
           BENCH_KEYWORDS, len / 1e6, t_kw, len / t_kw / 1e9, hits);
    kw_scan_free(sc);
    sc = kw_scan_new(wset);
    t_word = bench_scan(sc, text, len);
    printf("kw: the same, whole-word: %.3f s, %.2f GB/s (%lu keywords found)\n", t_word,
           len / t_word / 1e9, hits);
    kw_scan_free(sc);
    t_fold = bench_fold(kws, BENCH_KEYWORDS, text, len);
    printf("fold (u8_tolower) + case-sensitive scan instead: %.3f s, %.2f GB/s\n", t_fold,
           len / t_fold / 1e9);
    t_grep0 = bench_grep(kwfile, emptyfile);
    t_grep = bench_grep(kwfile, textfile) - t_grep0;
    printf("grep -F -i -f (C.UTF-8), start-up of %.3f s taken off: %.3f s, %.3f GB/s\n", t_grep0,
           t_grep, len / t_grep / 1e9);
    printf("ratio kw / grep -F -i -f: %.1fx (issue target >= 10x)\n", t_grep / t_kw);
    t_u8 = bench_textconv("utf-8", 0, text, len);
    t_html = bench_textconv("utf-8", 1, html, hn);
    t_l1 = bench_textconv("iso-8859-1", 0, latin1, ln);
    printf(
        "textconv utf-8 text: %.0f MB/s; html: %.0f MB/s of HTML; iso-8859-1 (iconv): %.0f MB/s\n",
        len / t_u8 / 1e6, hn / t_html / 1e6, ln / t_l1 / 1e6);
    kw_set_free(set);
    kw_set_free(wset);
    unlink(kwfile);
    {
        char out[80];

        snprintf(out, sizeof(out), "%s.out", kwfile);
        unlink(out);
    }
    unlink(textfile);
    unlink(emptyfile);
    rmdir(dir);
    for (i = 0; i < BENCH_KEYWORDS; i++)
        free(kws[i]);
    free(text);
    free(html);
    free(latin1);
    return 0;
}

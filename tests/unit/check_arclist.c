/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_arclist.c - names inside archives through attach_feed/attach_end: the small archives
 * of tests/attach/ (zip, nested, encrypted, 7z, tar.gz, OOXML and OLE with macros, truncated)
 * fed at every split point, and archives built here with libarchive and zlib for every limit
 * at -1/limit/+1, for the two windows, and for a bomb that must list without being inflated.
 */
#include "arclist.h"
#include "attach.h"

#include "testutil.h"

#include <archive.h>
#include <archive_entry.h>
#include <time.h>
#include <zlib.h>

static unsigned char *
arc_read_file(const char *name, size_t *n)
{
    char path[512];
    FILE *f;
    unsigned char *p = malloc(1 << 20);

    snprintf(path, sizeof(path), "%s/attach/%s", TEST_SRCDIR, name);
    ck_assert_msg((f = fopen(path, "rb")) != NULL, "cannot open %s", path);
    *n = fread(p, 1, 1 << 20, f);
    fclose(f);
    return p;
}

static struct attach *
arc_facts(const unsigned char *p, size_t n, size_t split, size_t chunk)
{
    struct attach *a = attach_new();
    char err[256];
    size_t i = 0;

    ck_assert_ptr_nonnull(a);
    if (split > 0) {
        ck_assert_int_eq(attach_feed(a, p, split), 0);
        i = split;
    }
    while (i < n) {
        size_t k = n - i < chunk ? n - i : chunk;
        ck_assert_int_eq(attach_feed(a, p + i, k), 0);
        i += k;
    }
    ck_assert_msg(attach_end(a, err, sizeof(err)) == 0, "attach_end: %s", err);
    return a;
}

/* The inner paths joined by '|'. */
static const char *
arc_paths(const struct attach_facts *f)
{
    static char s[1 << 16];

    s[0] = '\0';
    for (size_t i = 0; i < f->ninner && strlen(s) < sizeof(s) - 600; i++) {
        if (i > 0)
            strcat(s, "|");
        strncat(s, f->inner[i].path, 512);
    }
    return s;
}

#define F_A ATTACH_ARCHIVE
#define F_E ATTACH_ENCRYPTED
#define F_L ATTACH_ARCHIVE_LIMIT
#define F_B ATTACH_ARCHIVE_BROKEN
#define F_M ATTACH_MACRO
static const struct {
    const char *name, *file, *type;
    unsigned flags;
    const char *paths, *why;
} file_rows[] = {
    {"zip", "plain.zip", "zip", F_A, "a.txt|invoice.pdf.exe", ""},
    {"zip in a zip (depth 2)", "nested.zip", "zip", F_A, "inner.zip|inner.zip>evil.exe|readme.txt",
     ""},
    {"depth ARCLIST_DEPTH_MAX", "d3.zip", "zip", F_A, "d2.zip|d2.zip>d1.zip|d2.zip>d1.zip>evil.exe",
     ""},
    {"depth ARCLIST_DEPTH_MAX + 1", "d4.zip", "zip", F_A | F_L,
     "d3.zip|d3.zip>d2.zip|d3.zip>d2.zip>d1.zip", "nested too deep"},
    {"encrypted zip (zip -P): names listed", "enc.zip", "zip", F_A | F_E, "invoice.pdf.exe|a.txt",
     ""},
    {"7z", "files.7z", "7z", F_A, "a.txt|evil.exe", ""},
    {"7z with encrypted names", "enchdr.7z", "7z", F_A | F_E | F_B, "", "encrypted"},
    {"tar.gz", "files.tar.gz", "gzip", F_A, "a.txt|evil.exe", ""},
    {"docm", "macro.docm", "ooxml-macro", F_A | F_M,
     "[Content_Types].xml|word/document.xml|word/vbaProject.bin", ""},
    {"xlsm", "macro.xlsm", "ooxml-macro", F_A | F_M,
     "[Content_Types].xml|xl/workbook.xml|xl/vbaProject.bin", ""},
    {"docx", "plain.docx", "ooxml", F_A, "[Content_Types].xml|word/document.xml", ""},
    {"truncated zip", "truncated.zip", "zip", F_A | F_B, "a.txt|invoice.pdf.exe",
     "central directory"},
    {"a zip in gzip: one level deeper", "plain.zip.gz", "gzip", F_A, "a.txt|invoice.pdf.exe", ""},
    {"gzip without a tar or an archive in it", "evil.exe.gz", "gzip", F_A, "", ""},
    {"OLE .doc with Macros/VBA", "macro.doc", "ole-macro", F_M, "", ""},
    {"OLE .xls with _VBA_PROJECT_CUR", "macro.xls", "ole-macro", F_M, "", ""},
    {"OLE .doc without macros", "plain.doc", "ole", 0, "", ""},
};

START_TEST(test_files)
{
    size_t n, split;
    unsigned char *p = arc_read_file(file_rows[_i].file, &n);
    struct attach *a = arc_facts(p, n, 0, n + 1);
    const struct attach_facts *f = attach_facts(a);
    char paths[4096];

    ck_assert_msg(strcmp(f->truetype, file_rows[_i].type) == 0 && f->flags == file_rows[_i].flags &&
                      strcmp(arc_paths(f), file_rows[_i].paths) == 0 &&
                      strstr(f->why, file_rows[_i].why) != NULL,
                  "%s: got %s flags %#x \"%s\" why \"%s\", want %s %#x \"%s\" why \"%s\"",
                  file_rows[_i].name, f->truetype, f->flags, arc_paths(f), f->why,
                  file_rows[_i].type, file_rows[_i].flags, file_rows[_i].paths, file_rows[_i].why);
    for (size_t i = 0; i < f->ninner; i++)
        ck_assert_int_eq(f->inner[i].encrypted, (file_rows[_i].flags & F_E) != 0);
    snprintf(paths, sizeof(paths), "%s", arc_paths(f));
    /* The same facts at every split point and byte by byte. */
    for (split = 1; split <= n; split++) {
        struct attach *b = arc_facts(p, n, split, split == n ? 1 : n);
        const struct attach_facts *g = attach_facts(b);
        ck_assert_msg(strcmp(g->truetype, f->truetype) == 0 && g->flags == f->flags &&
                          strcmp(g->sha256, f->sha256) == 0 && strcmp(arc_paths(g), paths) == 0,
                      "%s split at %zu: got %s %#x \"%s\"", file_rows[_i].name, split, g->truetype,
                      g->flags, arc_paths(g));
        attach_free(b);
    }
    attach_free(a);
    free(p);
}
END_TEST

/* ---- archives built here ---- */

struct arc_member {
    const char *name;
    const unsigned char *data;
    size_t len;
};

/* A zip (stored, or deflated) or a tar.gz of the members, in a malloc'd buffer. */
static unsigned char *
arc_build(const struct arc_member *m, size_t n, const char *kind, size_t *out)
{
    size_t cap = 4096, used = 0;
    unsigned char *buf;
    struct archive *w = archive_write_new();

    for (size_t i = 0; i < n; i++)
        cap += m[i].len + 2 * strlen(m[i].name) + 200;
    buf = malloc(cap);
    if (strcmp(kind, "tar.gz") == 0) {
        archive_write_set_format_ustar(w);
        archive_write_add_filter_gzip(w);
    } else if (strcmp(kind, "iso") == 0) {
        archive_write_set_format_iso9660(w);
        cap += 1 << 20; /* an ISO 9660 image is at least about 360 KiB */
        free(buf);
        buf = malloc(cap);
    } else if (strcmp(kind, "7z") == 0) {
        archive_write_set_format_7zip(w);
        ck_assert_int_eq(archive_write_set_options(w, "7zip:compression=lzma2"), ARCHIVE_OK);
    } else {
        archive_write_set_format_zip(w);
        ck_assert_int_eq(archive_write_set_options(w, strcmp(kind, "zip") == 0
                                                          ? "zip:compression=store"
                                                          : "zip:compression=deflate"),
                         ARCHIVE_OK);
    }
    archive_write_set_bytes_in_last_block(w, 1);
    ck_assert_int_eq(archive_write_open_memory(w, buf, cap, &used), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, m[i].name);
        archive_entry_set_size(e, (la_int64_t)m[i].len);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        ck_assert_int_eq(archive_write_header(w, e), ARCHIVE_OK);
        for (size_t off = 0; off < m[i].len;) {
            size_t k = m[i].len - off < 65536 ? m[i].len - off : 65536;
            ck_assert(archive_write_data(w, m[i].data + off, k) == (la_ssize_t)k);
            off += k;
        }
        archive_entry_free(e);
    }
    ck_assert_int_eq(archive_write_close(w), ARCHIVE_OK);
    archive_write_free(w);
    *out = used;
    return buf;
}

static unsigned char *
arc_random(size_t n, unsigned seed)
{
    unsigned char *p = malloc(n + 1);

    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (unsigned char)(seed >> 16);
    }
    return p;
}

/* ARCLIST_ENTRIES_MAX entries: -1 and the limit listed whole, +1 stops at the limit. */
START_TEST(test_entries_limit)
{
    size_t count = (size_t)(ARCLIST_ENTRIES_MAX + _i - 1), n;
    struct arc_member *m = calloc(count, sizeof(*m));
    char(*names)[32] = calloc(count, 32);
    unsigned char *z;
    struct attach *a;
    const struct attach_facts *f;

    for (size_t i = 0; i < count; i++) {
        snprintf(names[i], 32, "f%05zu.txt", i);
        m[i] = (struct arc_member){names[i], NULL, 0};
    }
    z = arc_build(m, count, "zip", &n);
    a = arc_facts(z, n, 0, 65536);
    f = attach_facts(a);
    ck_assert_msg(n <= ATTACH_HEAD_MAX + ATTACH_TAIL_MAX, "the zip must fit the windows: %zu", n);
    if (_i < 2)
        ck_assert_msg(f->ninner == count && f->flags == ATTACH_ARCHIVE,
                      "%zu entries: got %zu flags %#x why %s", count, f->ninner, f->flags, f->why);
    else
        ck_assert_msg(f->ninner == ARCLIST_ENTRIES_MAX &&
                          f->flags == (ATTACH_ARCHIVE | ATTACH_ARCHIVE_LIMIT) &&
                          strcmp(f->why, "too many entries") == 0,
                      "%zu entries: got %zu flags %#x why %s", count, f->ninner, f->flags, f->why);
    attach_free(a);
    free(z);
    free(m);
    free(names);
}
END_TEST

/* What one entry of a name costs in ARCLIST_TEXT_MAX: path, name and folded form, each with
 * its NUL, every extension with its NUL, and the NUL that ends the extensions. */
static size_t
arc_cost(const char *name)
{
    static struct attach_name n;
    char err[64];
    size_t c;

    ck_assert_int_eq(attach_name_norm(name, &n, err, sizeof(err)), 0);
    c = strlen(name) + 1 + strlen(n.name) + 1 + strlen(n.folded) + 1 + 1;
    for (size_t i = 0; i < n.next; i++)
        c += strlen(n.ext[i]) + 1;
    return c;
}

/* ARCLIST_TEXT_MAX bytes of names: -1 and the limit listed whole, +1 "names too long" and the
 * last entry not kept (never half of it). */
START_TEST(test_text_limit)
{
    static char names[200][1100];
    struct arc_member m[200];
    size_t target = (size_t)(ARCLIST_TEXT_MAX + _i - 1), used = 0, k = 0, n;
    unsigned char *z;
    struct attach *a;
    const struct attach_facts *f;

    /* 1000-byte names (3004 bytes each) until the rest is one name of 8..1020 bytes in one of
     * three forms, whose costs 3L+4, 3L+6 and 3L+8 reach every value from 28 to 3064. */
    for (;;) {
        size_t rest = target - used;
        if (rest <= 3064)
            break;
        memset(names[k], 'a' + (char)(k % 26), 1000);
        snprintf(names[k], 6, "%05zu", k);
        names[k][5] = 'a';
        names[k][1000] = '\0';
        used += arc_cost(names[k]);
        k++;
    }
    {
        size_t rest = target - used, L;
        int found = 0;
        for (L = 8; L <= 1020 && !found; L++) {
            static const char *const forms[] = {"", ".b", ".c.b"};
            for (int fm = 0; fm < 3 && !found; fm++) {
                size_t fl = strlen(forms[fm]);
                memset(names[k], 'z', L);
                snprintf(names[k], 4, "%03zu", k);
                names[k][3] = 'z';
                strcpy(names[k] + L - fl, forms[fm]);
                names[k][L] = '\0';
                found = arc_cost(names[k]) == rest;
            }
        }
        ck_assert_msg(found, "no last name costs %zu", rest);
        k++;
    }
    for (size_t i = 0; i < k; i++)
        m[i] = (struct arc_member){names[i], NULL, 0};
    z = arc_build(m, k, "zip", &n);
    a = arc_facts(z, n, 0, 65536);
    f = attach_facts(a);
    if (_i < 2)
        ck_assert_msg(f->ninner == k && f->flags == ATTACH_ARCHIVE,
                      "%zu bytes of names: got %zu of %zu entries, flags %#x why %s", target,
                      f->ninner, k, f->flags, f->why);
    else
        ck_assert_msg(f->ninner == k - 1 && f->flags == (ATTACH_ARCHIVE | ATTACH_ARCHIVE_LIMIT) &&
                          strcmp(f->why, "names too long") == 0,
                      "%zu bytes of names: got %zu of %zu entries, flags %#x why %s", target,
                      f->ninner, k, f->flags, f->why);
    attach_free(a);
    free(z);
}
END_TEST

/* A zip inside a zip of ARCLIST_NEST_MEMBER_MAX bytes: -1 and the limit are looked into, +1
 * is "nested archive too big" (sniffed, not read), and the listing goes on. */
START_TEST(test_nest_member_limit)
{
    size_t want = (size_t)(ARCLIST_NEST_MEMBER_MAX + _i - 1), base, n, on;
    unsigned char *pad = arc_random(ARCLIST_NEST_MEMBER_MAX + 8, 7), *inner, *outer;
    struct arc_member im[2] = {{"evil.exe", (const unsigned char *)"MZ", 2}, {"pad.bin", pad, 100}};
    struct arc_member om[2] = {{"inner.zip", NULL, 0},
                               {"after.txt", (const unsigned char *)"x", 1}};
    struct attach *a;
    const struct attach_facts *f;

    inner = arc_build(im, 2, "zip", &n);
    base = n - 100;
    free(inner);
    im[1].len = want - base;
    inner = arc_build(im, 2, "zip", &n);
    ck_assert_msg(n == want, "inner zip is %zu bytes, want %zu", n, want);
    om[0].data = inner;
    om[0].len = n;
    outer = arc_build(om, 2, "zip", &on);
    a = arc_facts(outer, on, 0, 65536);
    f = attach_facts(a);
    if (_i < 2)
        ck_assert_msg(
            strcmp(arc_paths(f), "inner.zip|inner.zip>evil.exe|inner.zip>pad.bin|after.txt") == 0 &&
                f->flags == ATTACH_ARCHIVE,
            "%zu-byte inner zip: got \"%s\" flags %#x why %s", want, arc_paths(f), f->flags,
            f->why);
    else
        ck_assert_msg(strcmp(arc_paths(f), "inner.zip|after.txt") == 0 &&
                          f->flags == (ATTACH_ARCHIVE | ATTACH_ARCHIVE_LIMIT) &&
                          strcmp(f->why, "nested archive too big") == 0,
                      "%zu-byte inner zip: got \"%s\" flags %#x why %s", want, arc_paths(f),
                      f->flags, f->why);
    attach_free(a);
    free(inner);
    free(outer);
    free(pad);
}
END_TEST

/* ARCLIST_EXPAND_MAX bytes decompressed from a tar.gz: -1 and the limit listed whole, +1
 * stops in the member that passes it (names are listed before data is read). */
START_TEST(test_expand_limit)
{
    /* zeros.bin and last.exe's 2 bytes make the total */
    size_t len = (size_t)(ARCLIST_EXPAND_MAX - 2 + _i - 1), n;
    unsigned char *zeros = calloc(len, 1), *z;
    struct arc_member m[3] = {{"zeros.bin", zeros, len},
                              {"last.exe", (const unsigned char *)"MZ", 2},
                              {"after.txt", (const unsigned char *)"", 0}};
    struct attach *a;
    const struct attach_facts *f;

    z = arc_build(m, 3, "tar.gz", &n);
    a = arc_facts(z, n, 0, 65536);
    f = attach_facts(a);
    if (_i < 2)
        ck_assert_msg(
            strcmp(arc_paths(f), "zeros.bin|last.exe|after.txt") == 0 && f->flags == ATTACH_ARCHIVE,
            "%zu bytes: got \"%s\" flags %#x why %s", len, arc_paths(f), f->flags, f->why);
    else
        ck_assert_msg(strcmp(arc_paths(f), "zeros.bin|last.exe") == 0 &&
                          f->flags == (ATTACH_ARCHIVE | ATTACH_ARCHIVE_LIMIT) &&
                          strcmp(f->why, "expansion limit") == 0,
                      "%zu bytes: got \"%s\" flags %#x why %s", len, arc_paths(f), f->flags,
                      f->why);
    attach_free(a);
    free(z);
    free(zeros);
}
END_TEST

/* ARCLIST_EXPAND_LZMA_MAX bytes decoded from a 7z: -1 and the limit listed whole, +1 stops
 * that archive in the member that passes it. */
START_TEST(test_expand_lzma_limit)
{
    size_t len = (size_t)(ARCLIST_EXPAND_LZMA_MAX - 2 + _i - 1), n;
    unsigned char *zeros = calloc(len, 1), *z;
    struct arc_member m[3] = {{"zeros.bin", zeros, len},
                              {"last.exe", (const unsigned char *)"MZ", 2},
                              {"after.txt", (const unsigned char *)"a", 1}};
    struct attach *a;
    const struct attach_facts *f;

    m[2].len = 0;
    z = arc_build(m, 3, "7z", &n);
    a = arc_facts(z, n, 0, 65536);
    f = attach_facts(a);
    ck_assert_str_eq(f->truetype, "7z");
    if (_i < 2)
        ck_assert_msg(
            strcmp(arc_paths(f), "zeros.bin|last.exe|after.txt") == 0 && f->flags == ATTACH_ARCHIVE,
            "%zu bytes: got \"%s\" flags %#x why %s", len, arc_paths(f), f->flags, f->why);
    else
        ck_assert_msg(strcmp(arc_paths(f), "zeros.bin|last.exe") == 0 &&
                          f->flags == (ATTACH_ARCHIVE | ATTACH_ARCHIVE_LIMIT) &&
                          strcmp(f->why, "expansion limit (LZMA)") == 0,
                      "%zu bytes: got \"%s\" flags %#x why %s", len, arc_paths(f), f->flags,
                      f->why);
    attach_free(a);
    free(z);
    free(zeros);
}
END_TEST

/* Header-like bytes inside a member fool the sniff; a complete listing corrects it, in both
 * directions. */
START_TEST(test_ooxml_by_listing)
{
    static const char fake[] = "PK\x01\x02xxxxxxxxxxxxxxxxxxxxxxxx\x13\0xxxxxxxxxxxxxxxx"
                               "[Content_Types].xml";
    struct arc_member m[2] = {{"notes.txt", (const unsigned char *)fake, sizeof(fake) - 1},
                              {"a.txt", (const unsigned char *)"a", 1}};
    struct arc_member d[2] = {{"word/vbaProject.bin", (const unsigned char *)"v", 1},
                              {"[Content_Types].xml", (const unsigned char *)"<Types/>", 8}};
    size_t n;
    unsigned char *z = arc_build(m, 2, "zip", &n);
    struct attach *a = arc_facts(z, n, 0, 65536);

    ck_assert_msg(strcmp(attach_facts(a)->truetype, "zip") == 0, "fake content types: got %s",
                  attach_facts(a)->truetype);
    attach_free(a);
    free(z);
    z = arc_build(d, 2, "zip", &n);
    a = arc_facts(z, n, 0, 65536);
    ck_assert_msg(strcmp(attach_facts(a)->truetype, "ooxml-macro") == 0 &&
                      (attach_facts(a)->flags & ATTACH_MACRO),
                  "macro first: got %s", attach_facts(a)->truetype);
    attach_free(a);
    free(z);
}
END_TEST

/* Parts bigger than the windows: an OOXML whose macro shows only in the central directory in
 * the tail, listed whole; a zip with a member's local header between the windows lists whole
 * from its central directory (zipdir.c). */
START_TEST(test_windows)
{
    unsigned char *big = arc_random(300000, 3), *big2 = arc_random(150000, 5), *z;
    struct arc_member docm[3] = {{"[Content_Types].xml", (const unsigned char *)"<Types/>", 8},
                                 {"word/media/image1.png", big, 300000},
                                 {"word/vbaProject.bin", (const unsigned char *)"VBA", 3}};
    struct arc_member gap[5] = {{"a.txt", (const unsigned char *)"a", 1},
                                {"big1.bin", big2, 150000},
                                {"mid.exe", (const unsigned char *)"MZ", 2},
                                {"big2.bin", big2, 150000},
                                {"z.txt", (const unsigned char *)"z", 1}};
    struct attach *a;
    const struct attach_facts *f;
    size_t n;

    z = arc_build(docm, 3, "zip", &n);
    ck_assert(n > ATTACH_HEAD_MAX + ATTACH_TAIL_MAX);
    a = arc_facts(z, n, 0, 4096);
    f = attach_facts(a);
    ck_assert_msg(
        strcmp(f->truetype, "ooxml-macro") == 0 && f->flags == (ATTACH_ARCHIVE | ATTACH_MACRO) &&
            strcmp(arc_paths(f), "[Content_Types].xml|word/media/image1.png|word/vbaProject.bin") ==
                0,
        "big docm: got %s flags %#x \"%s\" why %s", f->truetype, f->flags, arc_paths(f), f->why);
    attach_free(a);
    free(z);

    /* An ISO image bigger than the windows: its directory is near the start, its data is
     * skipped by seeking, and it lists whole. */
    z = arc_build(gap, 5, "iso", &n);
    ck_assert(n > ATTACH_HEAD_MAX + ATTACH_TAIL_MAX);
    a = arc_facts(z, n, 0, 4096);
    f = attach_facts(a);
    ck_assert_msg(strcmp(f->truetype, "iso") == 0 && f->flags == ATTACH_ARCHIVE &&
                      strcmp(arc_paths(f), "a.txt|big1.bin|mid.exe|big2.bin|z.txt") == 0,
                  "iso: got %s flags %#x \"%s\" why %s", f->truetype, f->flags, arc_paths(f),
                  f->why);
    attach_free(a);
    free(z);

    z = arc_build(gap, 5, "zip", &n);
    a = arc_facts(z, n, 0, 4096);
    f = attach_facts(a);
    ck_assert_msg(strcmp(f->truetype, "zip") == 0 && f->flags == ATTACH_ARCHIVE &&
                      strcmp(arc_paths(f), "a.txt|big1.bin|mid.exe|big2.bin|z.txt") == 0,
                  "gap: got %s flags %#x \"%s\" why %s", f->truetype, f->flags, arc_paths(f),
                  f->why);
    attach_free(a);
    free(z);
    free(big);
    free(big2);
}
END_TEST

/* Offset of the local header of the member called name in zip z, or 0. */
static size_t
arc_local_at(const unsigned char *z, size_t n, const char *name)
{
    size_t nl = strlen(name);

    for (size_t i = 0; i + 30 + nl <= n; i++)
        if (memcmp(z + i, "PK\x03\x04", 4) == 0 && (size_t)(z[i + 26] | z[i + 27] << 8) == nl &&
            memcmp(z + i + 30, name, nl) == 0)
            return i;
    return 0;
}

/* A zip of ATTACH_HEAD_MAX + ATTACH_TAIL_MAX bytes, -1, +1, with a member's local header at
 * offset ATTACH_HEAD_MAX: up to the sum the two windows hold the whole part and it lists
 * whole through libarchive; one byte more and that header falls in the byte between them, and
 * the names come from the central directory (zipdir.c): whole all the same. */
START_TEST(test_windows_limit)
{
    size_t want = (size_t)(ATTACH_HEAD_MAX + ATTACH_TAIL_MAX + _i - 1), n, at;
    unsigned char *fill = arc_random(ATTACH_HEAD_MAX + ATTACH_TAIL_MAX, 11), *z;
    struct arc_member m[4] = {{"a.txt", (const unsigned char *)"a", 1},
                              {"big1.bin", fill, 60000},
                              {"mid.exe", (const unsigned char *)"MZ", 2},
                              {"big2.bin", fill, 60000}};
    struct attach *a;
    const struct attach_facts *f;

    z = arc_build(m, 4, "zip", &n);
    at = arc_local_at(z, n, "mid.exe");
    free(z);
    m[1].len += ATTACH_HEAD_MAX - at;
    z = arc_build(m, 4, "zip", &n);
    free(z);
    m[3].len += want - n;
    z = arc_build(m, 4, "zip", &n);
    ck_assert_msg(n == want && arc_local_at(z, n, "mid.exe") == ATTACH_HEAD_MAX,
                  "built %zu bytes with mid.exe at %zu", n, arc_local_at(z, n, "mid.exe"));
    a = arc_facts(z, n, 0, 4096);
    f = attach_facts(a);
    ck_assert_msg(f->flags == ATTACH_ARCHIVE &&
                      strcmp(arc_paths(f), "a.txt|big1.bin|mid.exe|big2.bin") == 0,
                  "%zu bytes: got flags %#x \"%s\" why %s", n, f->flags, arc_paths(f), f->why);
    attach_free(a);
    free(z);
    free(fill);
}
END_TEST

static void
arc_le(unsigned char *p, unsigned long v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* 16 MiB of zeros deflated, repeated: the full flush makes every copy decode alone. */
#define ARC_BOMB_CHUNK (16u << 20)
#define ARC_BOMB_CHUNKS 240 /* 240 x 16 MiB = 3.75 GiB, under the 4 GiB of a zip without zip64 */

/* A zip of one member, bomb.bin, that inflates to 3.75 GiB from about 4 MB. */
static unsigned char *
arc_bomb(size_t *out)
{
    unsigned char *zeros = calloc(ARC_BOMB_CHUNK, 1), *chunk = malloc(1 << 20), fin[64], *p;
    z_stream zs = {0};
    size_t clen, flen, dlen, at = 0;
    unsigned long crc0, crc;

    ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = zeros;
    zs.avail_in = ARC_BOMB_CHUNK;
    zs.next_out = chunk;
    zs.avail_out = 1 << 20;
    ck_assert_int_eq(deflate(&zs, Z_FULL_FLUSH), Z_OK);
    ck_assert_int_eq(zs.avail_in, 0);
    clen = (1 << 20) - zs.avail_out;
    zs.next_out = fin;
    zs.avail_out = sizeof(fin);
    ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    flen = sizeof(fin) - zs.avail_out;
    deflateEnd(&zs);
    crc0 = crc32(0, zeros, ARC_BOMB_CHUNK);
    crc = crc0;
    for (int i = 1; i < ARC_BOMB_CHUNKS; i++)
        crc = crc32_combine(crc, crc0, ARC_BOMB_CHUNK);
    free(zeros);
    dlen = clen * ARC_BOMB_CHUNKS + flen;
    p = calloc(dlen + 200, 1);
    /* local header */
    memcpy(p, "PK\x03\x04", 4);
    arc_le(p + 4, 20, 2);
    arc_le(p + 8, 8, 2);
    arc_le(p + 14, crc, 4);
    arc_le(p + 18, dlen, 4);
    arc_le(p + 22, (unsigned long)ARC_BOMB_CHUNK * ARC_BOMB_CHUNKS, 4);
    arc_le(p + 26, 8, 2);
    memcpy(p + 30, "bomb.bin", 8);
    at = 38;
    for (int i = 0; i < ARC_BOMB_CHUNKS; i++, at += clen)
        memcpy(p + at, chunk, clen);
    memcpy(p + at, fin, flen);
    at += flen;
    free(chunk);
    /* central directory */
    memcpy(p + at, "PK\x01\x02", 4);
    arc_le(p + at + 4, 20, 2);
    arc_le(p + at + 6, 20, 2);
    arc_le(p + at + 10, 8, 2);
    arc_le(p + at + 16, crc, 4);
    arc_le(p + at + 20, dlen, 4);
    arc_le(p + at + 24, (unsigned long)ARC_BOMB_CHUNK * ARC_BOMB_CHUNKS, 4);
    arc_le(p + at + 28, 8, 2);
    memcpy(p + at + 46, "bomb.bin", 8);
    /* end of central directory */
    memcpy(p + at + 54, "PK\x05\x06", 4);
    arc_le(p + at + 54 + 8, 1, 2);
    arc_le(p + at + 54 + 10, 1, 2);
    arc_le(p + at + 54 + 12, 54, 4);
    arc_le(p + at + 54 + 16, at, 4);
    *out = at + 54 + 22;
    return p;
}

static long
arc_hwm_kb(void)
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

/* The bomb lists in microseconds (nothing is inflated but 512 bytes to sniff the member) and
 * a part costs its windows, not its 4 MB, let alone 3.75 GiB: peak RSS in steady state grows
 * by less than the engine's 1 MB budget. */
START_TEST(test_bomb)
{
    size_t n;
    unsigned char *p = arc_bomb(&n);
    struct attach *a = attach_new();
    const struct attach_facts *f;
    struct timespec t0, t1;
    char err[256];
    long before, after;
    FILE *cr;

    /* Once before measuring: the first part of a process pays for OpenSSL's, libarchive's
     * and zlib's one-time set-up (about 2 MB), which an idle connection has already paid. */
    attach_free(arc_facts(p, n, 0, 65536));
    /* Peak RSS from here on: clear_refs 5 resets VmHWM to the current RSS. */
    if ((cr = fopen("/proc/self/clear_refs", "w")) != NULL) {
        fputs("5", cr);
        fclose(cr);
    }
    before = arc_hwm_kb();
    for (size_t i = 0; i < n; i += 65536)
        ck_assert_int_eq(attach_feed(a, p + i, n - i < 65536 ? n - i : 65536), 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(attach_end(a, err, sizeof(err)), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    after = arc_hwm_kb();
    f = attach_facts(a);
    printf("bomb: %zu bytes claiming %llu, listed in %.0f us, peak RSS +%ld KiB\n", n,
           (unsigned long long)ARC_BOMB_CHUNK * ARC_BOMB_CHUNKS,
           ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3,
           after - before);
    ck_assert_msg(strcmp(f->truetype, "zip") == 0 && f->flags == ATTACH_ARCHIVE &&
                      strcmp(arc_paths(f), "bomb.bin") == 0,
                  "bomb: got %s flags %#x \"%s\" why %s", f->truetype, f->flags, arc_paths(f),
                  f->why);
    /* Generous for a loaded machine and the sanitizers: inflating it would take seconds. */
    ck_assert_msg((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 200,
                  "bomb listing took too long");
#if !defined(__SANITIZE_ADDRESS__)
    if (before > 0 && after > 0)
        ck_assert_msg(after - before < 1024, "peak RSS grew by %ld KiB", after - before);
#endif
    attach_free(a);
    free(p);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("arclist");
    TCase *tf = tcase_create("files"), *tl = tcase_create("limits"), *tw = tcase_create("windows");

    tcase_add_loop_test(tf, test_files, 0, (int)(sizeof(file_rows) / sizeof(file_rows[0])));
    tcase_add_loop_test(tl, test_entries_limit, 0, 3);
    tcase_add_loop_test(tl, test_text_limit, 0, 3);
    tcase_add_loop_test(tl, test_nest_member_limit, 0, 3);
    tcase_add_loop_test(tl, test_expand_limit, 0, 3);
    tcase_add_loop_test(tl, test_expand_lzma_limit, 0, 3);
    tcase_add_test(tw, test_windows);
    tcase_add_test(tw, test_ooxml_by_listing);
    tcase_add_loop_test(tw, test_windows_limit, 0, 3);
    tcase_add_test(tw, test_bomb);
    tcase_set_timeout(tf, 120);
    tcase_set_timeout(tl, 120);
    tcase_set_timeout(tw, 120);
    suite_add_tcase(s, tf);
    suite_add_tcase(s, tl);
    suite_add_tcase(s, tw);
    return testutil_run(s);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_zipdir.c - the zip central directory reader: zips built here by hand (every record
 * under control: Zip64, CP437 and UTF-8 names, comments, lying counts, hidden local headers)
 * and with zip, 7z and python3, read through zipdir_read and through attach_feed/attach_end,
 * where a zip bigger than the windows must list every name; limits at -1/limit/+1.
 */
#include "arclist.h"
#include "attach.h"
#include "zipdir.h"

#include "testutil.h"

#include <zlib.h>

/* A zip made for one row, and the names it lists when the generator knows them. */
struct zcase {
    unsigned char *p;
    size_t n;
    char want[1 << 18];
};

struct zb_member {
    char name[96];
    size_t size;
    unsigned gp, method;
    const unsigned char *data; /* NULL: size bytes of a pattern that is no archive */
    const char *longname;      /* instead of name when set */
    const unsigned char *cdx;  /* extra field bytes for the directory entry */
    size_t cdxlen;
};

enum { LIE_NONE, LIE_TOTAL, LIE_FEWER, LIE_DISK, LIE_CDSIZE, LIE_Z64 };

struct zb_opt {
    const char *comment;
    int zip64;         /* Zip64 extra fields in every entry, Zip64 end record and locator */
    int lie;           /* LIE_* */
    int unlisted;      /* a local header at the start that the directory does not list */
    int cut_cd;        /* the last directory entry dropped, the end record left as it was */
    int name_mismatch; /* the first local header names something else */
    int same_lho;      /* the second entry points at the first local header */
    int cut_end;       /* the zip cut 10 bytes into its directory */
};

struct zb {
    unsigned char *p;
    size_t n, cap;
};

static void
zb_grow(struct zb *b, size_t k)
{
    if (b->n + k > b->cap) {
        b->cap = (b->n + k) * 2;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
}

static void
zb_put(struct zb *b, const void *p, size_t k)
{
    if (k == 0)
        return; /* p may be NULL: an empty directory */
    zb_grow(b, k);
    memcpy(b->p + b->n, p, k);
    b->n += k;
}

static void
zb_le(struct zb *b, unsigned long long v, int bytes)
{
    for (int i = 0; i < bytes; i++) {
        unsigned char c = (unsigned char)(v >> (8 * i));
        zb_put(b, &c, 1);
    }
}

static void
zb_local(struct zb *b, const char *name, const unsigned char *d, size_t k, unsigned gp,
         unsigned method, int zip64)
{
    unsigned long crc = crc32(0, d, (uInt)k);

    zb_le(b, 0x04034b50, 4);
    zb_le(b, zip64 ? 45 : 20, 2);
    zb_le(b, gp, 2);
    zb_le(b, method, 2);
    zb_le(b, 0, 4); /* time, date */
    zb_le(b, crc, 4);
    zb_le(b, zip64 ? 0xffffffffULL : k, 4);
    zb_le(b, zip64 ? 0xffffffffULL : k, 4);
    zb_le(b, strlen(name), 2);
    zb_le(b, zip64 ? 20 : 0, 2);
    zb_put(b, name, strlen(name));
    if (zip64) {
        zb_le(b, 1, 2);
        zb_le(b, 16, 2);
        zb_le(b, k, 8);
        zb_le(b, k, 8);
    }
    zb_put(b, d, k);
}

static void
zb_build(struct zcase *c, const struct zb_member *m, size_t count, const struct zb_opt *o)
{
    struct zb b = {0}, cd = {0};
    unsigned long long *lho = calloc(count + 1, sizeof(*lho)), cd_off, cd_size, nt = count;
    unsigned char *fill = NULL;
    size_t fcap = 0;

    ck_assert_ptr_nonnull(lho);
    c->want[0] = '\0';
    if (o->unlisted)
        zb_local(&b, "hidden.exe", (const unsigned char *)"MZhidden", 8, 0, 0, 0);
    for (size_t i = 0; i < count; i++) {
        const unsigned char *d = m[i].data;
        const char *nm;
        if (d == NULL) {
            if (m[i].size > fcap) {
                fcap = m[i].size;
                fill = realloc(fill, fcap);
                ck_assert_ptr_nonnull(fill);
            }
            for (size_t j = 0; j < m[i].size; j++)
                fill[j] = (unsigned char)('a' + (i + j) % 26);
            d = fill;
        }
        lho[i] = b.n;
        nm = m[i].longname != NULL ? m[i].longname : m[i].name;
        {
            char *lname = strdup(nm);
            ck_assert_ptr_nonnull(lname);
            if (o->name_mismatch && i == 0)
                lname[0] = 'X'; /* same length, another name */
            zb_local(&b, lname, d, m[i].size, m[i].gp, m[i].method, o->zip64);
            free(lname);
        }
        zb_le(&cd, 0x02014b50, 4);
        zb_le(&cd, 20, 2);
        zb_le(&cd, o->zip64 ? 45 : 20, 2);
        zb_le(&cd, m[i].gp, 2);
        zb_le(&cd, m[i].method, 2);
        zb_le(&cd, 0, 4);
        zb_le(&cd, crc32(0, d, (uInt)m[i].size), 4);
        zb_le(&cd, o->zip64 ? 0xffffffffULL : m[i].size, 4);
        zb_le(&cd, o->zip64 ? 0xffffffffULL : m[i].size, 4);
        zb_le(&cd, strlen(nm), 2);
        zb_le(&cd, (o->zip64 ? 28 : 0) + m[i].cdxlen, 2);
        zb_le(&cd, 0, 2); /* comment */
        zb_le(&cd, 0, 2); /* disk */
        zb_le(&cd, 0, 2);
        zb_le(&cd, 0, 4);
        zb_le(&cd, o->zip64 ? 0xffffffffULL : lho[o->same_lho && i == 1 ? 0 : i], 4);
        zb_put(&cd, nm, strlen(nm));
        zb_put(&cd, m[i].cdx, m[i].cdxlen);
        if (o->zip64) {
            zb_le(&cd, 1, 2);
            zb_le(&cd, 24, 2);
            zb_le(&cd, m[i].size, 8);
            zb_le(&cd, m[i].size, 8);
            zb_le(&cd, lho[o->same_lho && i == 1 ? 0 : i], 8);
        }
        if (i > 0)
            strcat(c->want, "|");
        if (strlen(c->want) + strlen(nm) < sizeof(c->want) - 1)
            strcat(c->want, nm);
    }
    cd_off = b.n;
    cd_size = cd.n;
    if (o->cut_cd) {
        /* the last entry's bytes go, the counts stay */
        size_t last = 46 + strlen(m[count - 1].name) + (o->zip64 ? 28 : 0) + m[count - 1].cdxlen;
        cd.n -= last;
    }
    zb_put(&b, cd.p, cd.n);
    if (o->lie == LIE_TOTAL)
        nt++;
    if (o->lie == LIE_FEWER)
        nt--;
    if (o->lie == LIE_CDSIZE)
        cd_size += 46;
    if (o->zip64) {
        unsigned long long e64 = b.n;
        zb_le(&b, 0x06064b50, 4);
        zb_le(&b, 44, 8);
        zb_le(&b, 45, 2);
        zb_le(&b, 45, 2);
        zb_le(&b, 0, 4);
        zb_le(&b, 0, 4);
        zb_le(&b, o->lie == LIE_DISK ? nt + 1 : nt, 8);
        zb_le(&b, nt, 8);
        zb_le(&b, cd_size, 8);
        zb_le(&b, cd_off, 8);
        zb_le(&b, 0x07064b50, 4);
        zb_le(&b, 0, 4);
        zb_le(&b, e64, 8);
        zb_le(&b, 1, 4);
    }
    zb_le(&b, 0x06054b50, 4);
    zb_le(&b, 0, 2);
    zb_le(&b, 0, 2);
    if (o->zip64 && o->lie == LIE_Z64) {
        zb_le(&b, nt + 1, 2);
        zb_le(&b, nt + 1, 2);
    } else if (o->zip64) {
        zb_le(&b, 0xffff, 2);
        zb_le(&b, 0xffff, 2);
    } else {
        zb_le(&b, o->lie == LIE_DISK ? nt + 1 : nt, 2);
        zb_le(&b, nt, 2);
    }
    zb_le(&b, o->zip64 ? 0xffffffffULL : cd_size, 4);
    zb_le(&b, o->zip64 ? 0xffffffffULL : cd_off, 4);
    zb_le(&b, o->comment != NULL ? strlen(o->comment) : 0, 2);
    if (o->comment != NULL)
        zb_put(&b, o->comment, strlen(o->comment));
    if (o->cut_end)
        b.n = cd_off + 10;
    c->p = b.p;
    c->n = b.n;
    free(cd.p);
    free(fill);
    free(lho);
}

/* ---- generators ---- */

static void
zb_simple(struct zcase *c, const char *const *names, size_t nn, size_t each, const struct zb_opt *o)
{
    struct zb_member *m = calloc(nn, sizeof(*m));

    ck_assert_ptr_nonnull(m);
    for (size_t i = 0; i < nn; i++) {
        snprintf(m[i].name, sizeof(m[i].name), "%s", names[i]);
        m[i].size = each;
    }
    zb_build(c, m, nn, o);
    free(m);
}

static const char *const abc[] = {"a.txt", "dir/b.exe", "c.pdf"};

static void
g_small(struct zcase *c)
{
    struct zb_opt o = {0};
    zb_simple(c, abc, 3, 100, &o);
}

/* 40 members of 30,000 bytes stored: 1.2 MB, most local headers between the windows. */
static void
zb_forty(struct zcase *c, const struct zb_opt *o)
{
    struct zb_member m[40];

    memset(m, 0, sizeof(m));

    for (int i = 0; i < 40; i++) {
        snprintf(m[i].name, sizeof(m[i].name), "docs/file%02d.%s", i, i == 37 ? "exe" : "txt");
        m[i].size = 30000;
    }
    zb_build(c, m, 40, o);
}

static void
g_big(struct zcase *c)
{
    struct zb_opt o = {0};
    zb_forty(c, &o);
}

static void
g_big_zip64(struct zcase *c)
{
    struct zb_opt o = {.zip64 = 1};
    zb_forty(c, &o);
}

static void
g_comment(struct zcase *c)
{
    struct zb_opt o = {.comment = "a comment with PK\005\006 inside it, 0123456789"};
    zb_simple(c, abc, 3, 100, &o);
}

static void
g_comment_short(struct zcase *c)
{
    g_comment(c);
    c->n -= 3; /* the comment no longer reaches the end */
}

static void
g_trailing(struct zcase *c)
{
    g_small(c);
    c->p = realloc(c->p, c->n + 5);
    memcpy(c->p + c->n, "junk!", 5);
    c->n += 5;
}

static void
g_cp437(struct zcase *c)
{
    struct zb_member m[2] = {{"\x80\x81.txt", 10, 0, 0, NULL, NULL, NULL, 0},
                             {"\xe0\xe1\xfb.exe", 10, 0, 0, NULL, NULL, NULL, 0}};
    struct zb_opt o = {0};
    zb_build(c, m, 2, &o);
    strcpy(c->want, "\xc3\x87\xc3\xbc.txt|\xce\xb1\xc3\x9f\xe2\x88\x9a.exe");
}

static void
g_utf8(struct zcase *c)
{
    struct zb_member m[1] = {{"f\xc3\xbcr.exe", 10, 0x800, 0, NULL, NULL, NULL, 0}};
    struct zb_opt o = {0};
    zb_build(c, m, 1, &o);
}

/* Info-ZIP Unicode Path extra (0x7075): UTF-8 over a CP437 name when its CRC-32 matches the
 * stored name, ignored when not. */
static void
zb_upath(struct zcase *c, int good)
{
    static unsigned char x[64];
    struct zb_member m[1] = {{"a\x84.txt", 10, 0, 0, NULL, NULL, x, 0}};
    struct zb_opt o = {0};
    const char *u = "a\xc3\xa4-unicode.txt";
    unsigned long crc = crc32(0, (const unsigned char *)m[0].name, (uInt)strlen(m[0].name));

    if (!good)
        crc ^= 1;
    x[0] = 0x75;
    x[1] = 0x70;
    x[2] = (unsigned char)(5 + strlen(u));
    x[3] = 0;
    x[4] = 1;
    for (int i = 0; i < 4; i++)
        x[5 + i] = (unsigned char)(crc >> (8 * i));
    memcpy(x + 9, u, strlen(u));
    m[0].cdxlen = 9 + strlen(u);
    zb_build(c, m, 1, &o);
    strcpy(c->want, good ? u : "a\xc3\xa4.txt");
}

static void
g_upath(struct zcase *c)
{
    zb_upath(c, 1);
}

static void
g_upath_badcrc(struct zcase *c)
{
    zb_upath(c, 0);
}

/* ZIPDIR_NAME_UTF8_MAX: a CP437 name of 65,535 (the most a 16-bit length says) or 65,534
 * bytes of box drawing, 3 bytes of UTF-8 each; 65,536 cannot be stored. */
static void
zb_longname(struct zcase *c, size_t n)
{
    struct zb_member m[1] = {{"", 10, 0, 0, NULL, NULL, NULL, 0}};
    struct zb_opt o = {0};
    char *name = malloc(n + 1);

    ck_assert_ptr_nonnull(name);
    memset(name, 0xb0, n);
    name[n] = '\0';
    m[0].longname = name;
    zb_build(c, m, 1, &o);
    c->want[0] = '\0';
    for (size_t i = 0; i < n; i++)
        strcpy(c->want + 3 * i, "\xe2\x96\x91");
    free(name);
}

static void
g_name_max(struct zcase *c)
{
    zb_longname(c, 65535);
    ck_assert_uint_eq(strlen(c->want) + 1, ZIPDIR_NAME_UTF8_MAX);
}

static void
g_name_max_less(struct zcase *c)
{
    zb_longname(c, 65534);
}

/* ZIPDIR_COMMENT_MAX: the end record is searched for as far back as the longest comment
 * reaches; a record one byte further back is not the end record of this file. */
static void
zb_comment(struct zcase *c, size_t clen, size_t junk)
{
    char *cm = malloc(clen + 1);
    struct zb_opt o = {0};

    ck_assert_ptr_nonnull(cm);
    memset(cm, 'c', clen);
    cm[clen] = '\0';
    o.comment = cm;
    zb_simple(c, abc, 3, 100, &o);
    free(cm);
    c->p = realloc(c->p, c->n + junk);
    ck_assert_ptr_nonnull(c->p);
    memset(c->p + c->n, 'j', junk);
    c->n += junk;
}

static void
g_comment_max_less(struct zcase *c)
{
    zb_comment(c, ZIPDIR_COMMENT_MAX - 1, 0);
}

static void
g_comment_max(struct zcase *c)
{
    zb_comment(c, ZIPDIR_COMMENT_MAX, 0);
}

static void
g_comment_max_more(struct zcase *c)
{
    zb_comment(c, ZIPDIR_COMMENT_MAX, 1);
}

static void
g_aes_hand(struct zcase *c)
{
    struct zb_member m[2] = {{"plain.txt", 10, 0, 0, NULL, NULL, NULL, 0},
                             {"secret.exe", 10, 1, 99, NULL, NULL, NULL, 0}};
    struct zb_opt o = {0};
    zb_build(c, m, 2, &o);
}

static void
g_lie_total(struct zcase *c)
{
    struct zb_opt o = {.lie = LIE_TOTAL};
    zb_simple(c, abc, 3, 100, &o);
}

static void
g_lie_fewer(struct zcase *c)
{
    struct zb_opt o = {.lie = LIE_FEWER};
    zb_simple(c, abc, 3, 100, &o);
}

static void
g_lie_disk(struct zcase *c)
{
    struct zb_opt o = {.lie = LIE_DISK};
    zb_simple(c, abc, 3, 100, &o);
}

static void
g_lie_cdsize(struct zcase *c)
{
    struct zb_opt o = {.lie = LIE_CDSIZE};
    zb_simple(c, abc, 3, 100, &o);
}

static void
g_lie_z64(struct zcase *c)
{
    struct zb_opt o = {.zip64 = 1, .lie = LIE_Z64};
    zb_simple(c, abc, 3, 100, &o);
}

static void
g_cut_cd(struct zcase *c)
{
    struct zb_opt o = {.cut_cd = 1};
    zb_simple(c, abc, 3, 100, &o);
}

static void
g_cut_end(struct zcase *c)
{
    struct zb_opt o = {.cut_end = 1};
    zb_forty(c, &o);
}

static void
g_unlisted(struct zcase *c)
{
    struct zb_opt o = {.unlisted = 1};
    zb_forty(c, &o);
}

static void
g_mismatch(struct zcase *c)
{
    struct zb_opt o = {.name_mismatch = 1};
    zb_forty(c, &o);
}

static void
g_same_lho(struct zcase *c)
{
    struct zb_opt o = {.same_lho = 1};
    zb_forty(c, &o);
}

static void
g_empty(struct zcase *c)
{
    struct zb_opt o = {0};
    zb_build(c, NULL, 0, &o);
}

static void
g_not_zip(struct zcase *c)
{
    c->n = 300000;
    c->p = malloc(c->n);
    ck_assert_ptr_nonnull(c->p);
    for (size_t i = 0; i < c->n; i++)
        c->p[i] = (unsigned char)(i * 131 + 7);
    strcpy(c->want, "");
}

/* n members with long names: 1,500 * 126 bytes of directory do not fit in 128 KiB. */
static void
zb_many(struct zcase *c, size_t n, size_t namelen, size_t big)
{
    struct zb_member *m = calloc(n + 1, sizeof(*m));
    struct zb_opt o = {0};

    ck_assert_ptr_nonnull(m);
    for (size_t i = 0; i < n; i++) {
        snprintf(m[i].name, sizeof(m[i].name), "%0*zu.txt", (int)(namelen - 4), i);
        m[i].size = 1;
    }
    snprintf(m[n].name, sizeof(m[n].name), "big.bin");
    m[n].size = big;
    zb_build(c, m, n + 1, &o);
    free(m);
}

static void
g_cd_too_big(struct zcase *c)
{
    zb_many(c, 1500, 80, 250000);
}

/* A stored zip inside a big zip: in the head window it is recursed into, between the windows
 * it cannot be. */
static void
zb_nested(struct zcase *c, int inside, unsigned method)
{
    struct zcase in;
    struct zb_member m[3];
    struct zb_opt o = {0};
    static const char *const one[] = {"evil.exe"};

    memset(m, 0, sizeof(m));
    zb_simple(&in, one, 1, 50, &o);
    snprintf(m[0].name, sizeof(m[0].name), "a.bin");
    m[0].size = inside ? 10 : 100000;
    snprintf(m[1].name, sizeof(m[1].name), "inner.zip");
    m[1].data = in.p;
    m[1].size = in.n;
    m[1].method = method; /* 8 says deflated: zipdir never inflates, the bytes do not matter */
    snprintf(m[2].name, sizeof(m[2].name), "z.bin");
    m[2].size = 300000;
    zb_build(c, m, 3, &o);
    free(in.p);
}

static void
g_nested_out(struct zcase *c)
{
    zb_nested(c, 0, 0);
}

static void
g_nested_packed(struct zcase *c)
{
    zb_nested(c, 1, 8);
}

/* Only the last extension says archive. */
static void
g_nested_not(struct zcase *c)
{
    struct zb_member m[3];
    struct zb_opt o = {0};

    memset(m, 0, sizeof(m));
    snprintf(m[0].name, sizeof(m[0].name), "a.bin");
    m[0].size = 100000;
    snprintf(m[1].name, sizeof(m[1].name), "notes.zip.txt");
    m[1].size = 100;
    snprintf(m[2].name, sizeof(m[2].name), "z.bin");
    m[2].size = 300000;
    zb_build(c, m, 3, &o);
}

static void
g_nested_in(struct zcase *c)
{
    zb_nested(c, 1, 0);
    strcpy(c->want, "a.bin|inner.zip|inner.zip>evil.exe|z.bin");
}

/* ---- made with the usual tools ---- */

static void
zt_run(const char *cmd)
{
    ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

static void
zt_load(struct zcase *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    c->p = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(c->p);
    c->n = fread(c->p, 1, (size_t)n, f);
    fclose(f);
}

/* A directory of 40 files of 30,000 random bytes (one an .exe), for zip and 7z. */
static const char *
zt_files(void)
{
    static char dir[256];
    char cmd[1024];

    snprintf(dir, sizeof(dir), "%s/files", testutil_dir);
    snprintf(cmd, sizeof(cmd),
             "set -e; rm -rf %s; mkdir -p %s; cd %s; for i in $(seq -w 0 39); do "
             "head -c 30000 /dev/urandom > f$i.dat; done; mv f37.dat f37.exe",
             dir, dir, dir);
    zt_run(cmd);
    return dir;
}

static void
zt_want40(struct zcase *c)
{
    c->want[0] = '\0';
    for (int i = 0; i < 40; i++)
        snprintf(c->want + strlen(c->want), sizeof(c->want) - strlen(c->want), "%sf%02d.%s",
                 i > 0 ? "|" : "", i, i == 37 ? "exe" : "dat");
}

static void
g_tool(struct zcase *c, const char *how)
{
    char cmd[2048], out[300];
    const char *dir = zt_files();

    snprintf(out, sizeof(out), "%s/t.zip", testutil_dir);
    snprintf(cmd, sizeof(cmd), "set -e; cd %s; rm -f %s; %s", dir, out, how);
    zt_run(cmd);
    zt_load(c, out);
    zt_want40(c);
}

static void
g_zip_tool(struct zcase *c)
{
    g_tool(c, "zip -q -0 ../t.zip f*");
}

static void
g_zip_encrypted(struct zcase *c)
{
    g_tool(c, "zip -q -0 -P secret ../t.zip f*");
}

static void
g_7z_aes(struct zcase *c)
{
    g_tool(c, "7z a -bd -bso0 -tzip -mx=0 -mem=AES256 -psecret ../t.zip f* >/dev/null");
}

static void
g_py(struct zcase *c, const char *how)
{
    char cmd[2048], out[300];
    const char *dir = zt_files();

    snprintf(out, sizeof(out), "%s/t.zip", testutil_dir);
    snprintf(cmd, sizeof(cmd),
             "cd %s && python3 -c 'import zipfile,glob\n"
             "%s\n"
             "z=zipfile.ZipFile(\"../t.zip\",\"w\",zipfile.ZIP_STORED)\n"
             "for f in sorted(glob.glob(\"f*\")):\n"
             "  z.open(f,\"w\",force_zip64=True).write(open(f,\"rb\").read())\n"
             "z.close()'",
             dir, how);
    zt_run(cmd);
    zt_load(c, out);
    zt_want40(c);
}

/* force_zip64 puts Zip64 extra fields in the local headers only */
static void
g_py_force64(struct zcase *c)
{
    g_py(c, "pass");
}

/* with its limits at 0, zipfile writes Zip64 everywhere: extras in the directory, Zip64 end
 * record and locator */
static void
g_py_all64(struct zcase *c)
{
    g_py(c, "zipfile.ZIP64_LIMIT=0; zipfile.ZIP_FILECOUNT_LIMIT=0");
}

/* ---- zipdir_read directly ---- */

struct zd_got {
    char names[1 << 18];
    int enc;
    size_t calls;
};

static int
zd_cb(void *ctx, const struct zipdir_entry *e, char *err, size_t errlen)
{
    struct zd_got *g = ctx;

    (void)err;
    (void)errlen;
    if (g->calls++ > 0)
        strcat(g->names, "|");
    ck_assert_uint_lt(strlen(g->names) + e->namelen, sizeof(g->names) - 2);
    strcat(g->names, e->name);
    g->enc += e->encrypted;
    return 0;
}

/* The windows attach.c keeps of p. */
static struct zipdir_src
zd_src(const struct zcase *c)
{
    size_t tl = c->n < ATTACH_TAIL_MAX ? c->n : ATTACH_TAIL_MAX;
    struct zipdir_src s = {c->p, c->p + c->n - tl, c->n < ATTACH_HEAD_MAX ? c->n : ATTACH_HEAD_MAX,
                           tl, c->n};
    return s;
}

static const struct {
    const char *name;
    void (*gen)(struct zcase *);
    int status;
    int enc;
    const char *why; /* a part of it, for NOT_ZIP, INCOMPLETE, BROKEN */
} read_rows[] = {
    {"small", g_small, ZIPDIR_OK, 0, ""},
    {"empty zip", g_empty, ZIPDIR_OK, 0, ""},
    {"big, 40 stored members", g_big, ZIPDIR_OK, 0, ""},
    {"big Zip64 (extras, end record, locator)", g_big_zip64, ZIPDIR_OK, 0, ""},
    {"zip -0, 40 members", g_zip_tool, ZIPDIR_OK, 0, ""},
    {"python3 force_zip64=True", g_py_force64, ZIPDIR_OK, 0, ""},
    {"python3 Zip64 everywhere", g_py_all64, ZIPDIR_OK, 0, ""},
    {"CP437 names", g_cp437, ZIPDIR_OK, 0, ""},
    {"UTF-8 name (flag bit 11)", g_utf8, ZIPDIR_OK, 0, ""},
    {"zip -P (ZipCrypto)", g_zip_encrypted, ZIPDIR_OK, 40, ""},
    {"7z AES-256", g_7z_aes, ZIPDIR_OK, 40, ""},
    {"method 99 by hand", g_aes_hand, ZIPDIR_OK, 1, ""},
    {"Info-ZIP Unicode path", g_upath, ZIPDIR_OK, 0, ""},
    {"Info-ZIP Unicode path, CRC of another name", g_upath_badcrc, ZIPDIR_OK, 0, ""},
    {"CP437 name of 65,534 bytes", g_name_max_less, ZIPDIR_OK, 0, ""},
    {"CP437 name of 65,535 bytes (ZIPDIR_NAME_UTF8_MAX)", g_name_max, ZIPDIR_OK, 0, ""},
    {"comment of 65,534 bytes", g_comment_max_less, ZIPDIR_OK, 0, ""},
    {"comment of 65,535 bytes (ZIPDIR_COMMENT_MAX)", g_comment_max, ZIPDIR_OK, 0, ""},
    {"end record 65,535 + 22 + 1 bytes from the end", g_comment_max_more, ZIPDIR_NOT_ZIP, 0,
     "no zip end record"},
    {"comment holding PK56", g_comment, ZIPDIR_OK, 0, ""},
    {"comment length short of the end", g_comment_short, ZIPDIR_NOT_ZIP, 0, "no zip end record"},
    {"bytes after the end record", g_trailing, ZIPDIR_NOT_ZIP, 0, "no zip end record"},
    {"not a zip", g_not_zip, ZIPDIR_NOT_ZIP, 0, "no zip end record"},
    {"cut inside the directory", g_cut_end, ZIPDIR_NOT_ZIP, 0, "no zip end record"},
    {"directory short of its entries", g_cut_cd, ZIPDIR_BROKEN, 0, "does not end where"},
    {"end record: one entry more", g_lie_total, ZIPDIR_BROKEN, 0, "4 entries cannot fit"},
    {"end record: one entry fewer", g_lie_fewer, ZIPDIR_BROKEN, 0, "holds more than its 2"},
    {"end record: disk count differs", g_lie_disk, ZIPDIR_BROKEN, 0, "counts disagree"},
    {"end record: directory size lies", g_lie_cdsize, ZIPDIR_BROKEN, 0, "does not end where"},
    {"end and Zip64 end records disagree", g_lie_z64, ZIPDIR_BROKEN, 0, "disagree"},
    {"directory larger than the tail window", g_cd_too_big, ZIPDIR_INCOMPLETE, 0,
     "larger than the tail window"},
    {"local header not listed (two directories)", g_unlisted, ZIPDIR_BROKEN, 0,
     "not in the central directory"},
    {"local header names something else", g_mismatch, ZIPDIR_BROKEN, 0, "does not match"},
    {"two entries, one local header", g_same_lho, ZIPDIR_BROKEN, 0, "overlap"},
};

START_TEST(test_read)
{
    static struct zcase c;
    static struct zd_got g;
    struct zipdir_src s;
    struct zipdir_info info;
    char why[160], err[160];
    int st;

    memset(&c, 0, sizeof(c));
    memset(&g, 0, sizeof(g));
    read_rows[_i].gen(&c);
    s = zd_src(&c);
    st = zipdir_read(&s, zd_cb, &g, &info, why, sizeof(why), err, sizeof(err));
    ck_assert_msg(st == read_rows[_i].status, "%s: status got %d want %d (%s)", read_rows[_i].name,
                  st, read_rows[_i].status, why);
    if (st == ZIPDIR_OK) {
        ck_assert_msg(strcmp(g.names, c.want) == 0, "%s: names got '%.300s' want '%.300s'",
                      read_rows[_i].name, g.names, c.want);
        ck_assert_msg(g.calls == info.entries, "%s: calls %zu, entries %llu", read_rows[_i].name,
                      g.calls, info.entries);
    } else {
        ck_assert_msg(g.calls == 0, "%s: %zu callbacks for a failed read", read_rows[_i].name,
                      g.calls);
        ck_assert_msg(strstr(why, read_rows[_i].why) != NULL, "%s: why got '%s' want '%s'",
                      read_rows[_i].name, why, read_rows[_i].why);
    }
    ck_assert_msg(g.enc == read_rows[_i].enc, "%s: encrypted got %d want %d", read_rows[_i].name,
                  g.enc, read_rows[_i].enc);
    free(c.p);
}
END_TEST

/* Every window position the end record can be searched at: a window that ends the part but
 * does not reach back 22 + 65,535 bytes says "incomplete", never "not a zip". */
START_TEST(test_short_window)
{
    static struct zcase c;
    struct zipdir_src s;
    char why[160], err[160];
    static struct zd_got g;

    memset(&g, 0, sizeof(g));
    g_not_zip(&c);
    s = (struct zipdir_src){NULL, c.p + c.n - 1000, 0, 1000, c.n};
    ck_assert_int_eq(zipdir_read(&s, zd_cb, &g, NULL, why, sizeof(why), err, sizeof(err)),
                     ZIPDIR_INCOMPLETE);
    s = (struct zipdir_src){NULL, c.p, 0, c.n, c.n - 1};
    ck_assert_int_eq(zipdir_read(&s, zd_cb, &g, NULL, why, sizeof(why), err, sizeof(err)), -1);
    free(c.p);
}
END_TEST

/* ---- through attach_feed / attach_end ---- */

static struct attach *
zd_attach(const struct zcase *c)
{
    struct attach *a = attach_new();
    char err[256];

    ck_assert_ptr_nonnull(a);
    for (size_t i = 0; i < c->n; i += 65536)
        ck_assert_int_eq(attach_feed(a, c->p + i, c->n - i < 65536 ? c->n - i : 65536), 0);
    ck_assert_msg(attach_end(a, err, sizeof(err)) == 0, "attach_end: %s", err);
    return a;
}

static void
zd_paths(const struct attach_facts *f, char *s, size_t cap)
{
    s[0] = '\0';
    for (size_t i = 0; i < f->ninner; i++)
        snprintf(s + strlen(s), cap - strlen(s), "%s%s", i > 0 ? "|" : "", f->inner[i].path);
}

#define F_A ATTACH_ARCHIVE
#define F_E ATTACH_ENCRYPTED
#define F_L ATTACH_ARCHIVE_LIMIT
#define F_B ATTACH_ARCHIVE_BROKEN
static const struct {
    const char *name;
    void (*gen)(struct zcase *);
    unsigned flags;
    const char *paths; /* NULL: the generator's names */
    const char *why;
} attach_rows[] = {
    {"big zip lists every name", g_big, F_A, NULL, ""},
    {"zip -0 of 1.2 MB", g_zip_tool, F_A, NULL, ""},
    {"big Zip64", g_big_zip64, F_A, NULL, ""},
    {"python3 Zip64 everywhere", g_py_all64, F_A, NULL, ""},
    {"big zip -P", g_zip_encrypted, F_A | F_E, NULL, ""},
    {"big 7z AES", g_7z_aes, F_A | F_E, NULL, ""},
    {"nested zip between the windows", g_nested_out, F_A | F_L, "a.bin|inner.zip|z.bin",
     "nested archive outside the windows kept"},
    {"nested zip in the head window", g_nested_in, F_A, NULL, ""},
    {"nested zip deflated in the head window", g_nested_packed, F_A | F_L, "a.bin|inner.zip|z.bin",
     "nested archive compressed inside a big zip (not inflated)"},
    {"'notes.zip.txt' between the windows is no archive", g_nested_not, F_A, NULL, ""},
    {"local header not listed", g_unlisted, F_A | F_B, "",
     "zip local header at offset 0 not in the central directory"},
    {"directory larger than the tail window", g_cd_too_big, F_A | F_L, "",
     "zip central directory larger than the tail window"},
    {"cut inside the directory: local headers only", g_cut_end, F_A | F_B | F_L, NULL,
     "zip without its central directory (truncated?)"},
};

START_TEST(test_attach)
{
    static struct zcase c;
    static char got[1 << 17];
    struct attach *a;
    const struct attach_facts *f;
    const char *want;

    memset(&c, 0, sizeof(c));
    attach_rows[_i].gen(&c);
    ck_assert_uint_gt(c.n, ATTACH_HEAD_MAX + ATTACH_TAIL_MAX);
    a = zd_attach(&c);
    f = attach_facts(a);
    zd_paths(f, got, sizeof(got));
    want = attach_rows[_i].paths != NULL ? attach_rows[_i].paths : c.want;
    ck_assert_msg(f->flags == attach_rows[_i].flags, "%s: flags got %#x want %#x (%s)",
                  attach_rows[_i].name, f->flags, attach_rows[_i].flags, f->why);
    ck_assert_msg(strcmp(f->why, attach_rows[_i].why) == 0, "%s: why got '%s' want '%s'",
                  attach_rows[_i].name, f->why, attach_rows[_i].why);
    /* cut inside the directory: the streamable reader lists the head's local headers only */
    if (attach_rows[_i].flags & F_L && attach_rows[_i].paths == NULL)
        ck_assert_msg(strncmp(got, want, strlen(got)) == 0 && f->ninner > 0,
                      "%s: paths got '%.200s' not a start of '%.200s'", attach_rows[_i].name, got,
                      want);
    else
        ck_assert_msg(strcmp(got, want) == 0, "%s: paths got '%.300s' want '%.300s'",
                      attach_rows[_i].name, got, want);
    attach_free(a);
    free(c.p);
}
END_TEST

/* ARCLIST_ENTRIES_MAX members (and one big one, so that the zip is bigger than the windows):
 * at limit - 1 and at the limit every name, past it the limit. */
START_TEST(test_entries_limit)
{
    static struct zcase c;
    struct attach *a;
    const struct attach_facts *f;
    size_t n = ARCLIST_ENTRIES_MAX - 2 + (size_t)_i; /* + the big member: MAX-1, MAX, MAX+1 */
    unsigned want_flags = _i < 2 ? F_A : F_A | F_L;
    size_t want_n = _i < 2 ? n + 1 : ARCLIST_ENTRIES_MAX;

    zb_many(&c, n, 12, 250000);
    a = zd_attach(&c);
    f = attach_facts(a);
    ck_assert_msg(f->flags == want_flags && f->ninner == want_n,
                  "%zu entries: got flags %#x, %zu names (%s) want %#x, %zu", n + 1, f->flags,
                  f->ninner, f->why, want_flags, want_n);
    if (_i == 2)
        ck_assert_str_eq(f->why, "too many entries");
    attach_free(a);
    free(c.p);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("zipdir");
    TCase *tr = tcase_create("read"), *ta = tcase_create("attach");

    if (system("command -v zip >/dev/null && command -v 7z >/dev/null && "
               "command -v python3 >/dev/null") != 0) {
        fprintf(stderr, "SKIP: zip, 7z (p7zip-full) and python3 are needed\n");
        return 77;
    }
    tcase_add_loop_test(tr, test_read, 0, (int)(sizeof(read_rows) / sizeof(read_rows[0])));
    tcase_add_test(tr, test_short_window);
    tcase_add_loop_test(ta, test_attach, 0, (int)(sizeof(attach_rows) / sizeof(attach_rows[0])));
    tcase_add_loop_test(ta, test_entries_limit, 0, 3);
    tcase_set_timeout(tr, 120);
    tcase_set_timeout(ta, 120);
    suite_add_tcase(s, tr);
    suite_add_tcase(s, ta);
    return testutil_run(s);
}

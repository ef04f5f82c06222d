/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sniff.c - the magic-number table behind sniff_type, and the two looks inside a container it
 * needs: an OLE directory for a VBA project and a zip's headers for an OOXML macro project.
 * Every read is bounded by the bytes the caller holds.
 */
#include "sniff.h"

#include <stdint.h>
#include <string.h>

struct sniff_view {
    const unsigned char *head, *tail;
    size_t hlen, tlen;
    unsigned long long size;
};

struct sniff_entry {
    const char *type;
    size_t off;
    const char *magic;
    size_t len;
    /* Further test once the magic matched: the keyword to return, or NULL for no match. */
    const char *(*more)(const struct sniff_view *v, const char *type);
};

static const char *sniff_ole(const struct sniff_view *v, const char *type);
static const char *sniff_zip(const struct sniff_view *v, const char *type);
static const char *sniff_cafebabe(const struct sniff_view *v, const char *type);
static const char *sniff_bzip2(const struct sniff_view *v, const char *type);

#define M(s) s, sizeof(s) - 1
/* First match wins; longer magics before shorter ones that share a prefix. */
static const struct sniff_entry sniff_table[] = {
    {"exe", 0, M("MZ"), NULL},
    {"elf", 0,
     M("\x7f"
       "ELF"),
     NULL},
    {"macho", 0, M("\xfe\xed\xfa\xce"), NULL},
    {"macho", 0, M("\xfe\xed\xfa\xcf"), NULL},
    {"macho", 0, M("\xce\xfa\xed\xfe"), NULL},
    {"macho", 0, M("\xcf\xfa\xed\xfe"), NULL},
    {"macho", 0, M("\xca\xfe\xba\xbe"), sniff_cafebabe},
    {"script", 0, M("#!"), NULL},
    {"ole", 0, M("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), sniff_ole},
    {"zip", 0, M("PK\x03\x04"), sniff_zip},
    {"zip", 0, M("PK\x05\x06"), NULL},
    {"zip", 0, M("PK\x07\x08"), sniff_zip},
    {"rar", 0, M("Rar!\x1a\x07\x01\x00"), NULL},
    {"rar", 0, M("Rar!\x1a\x07\x00"), NULL},
    {"7z", 0, M("7z\xbc\xaf\x27\x1c"), NULL},
    {"gzip", 0, M("\x1f\x8b\x08"), NULL},
    {"bzip2", 0, M("BZh"), sniff_bzip2},
    {"xz", 0,
     M("\xfd"
       "7zXZ\x00"),
     NULL},
    {"cab", 0, M("MSCF\0\0\0\0"), NULL},
    {"tar", 257, M("ustar"), NULL},
    {"iso", 32769, M("CD001"), NULL},
    {"iso", 34817, M("CD001"), NULL},
    {"iso", 36865, M("CD001"), NULL},
    {"vhd", 0, M("conectix"), NULL},
    {"vhdx", 0, M("vhdxfile"), NULL},
    {"onenote", 0, M("\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3"), NULL},
    {"chm", 0, M("ITSF\x03\0\0\0"), NULL},
    {"rtf", 0, M("{\\rt"), NULL}, /* Word opens "{\rt" without the f */
    {"lnk", 0, M("L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0\x46"), NULL},
};
#undef M

static const char *const sniff_all[] = {
    "empty",     "exe",     "elf",         "macho", "java", "script", "ole",
    "ole-macro", "ooxml",   "ooxml-macro", "zip",   "rar",  "7z",     "gzip",
    "bzip2",     "xz",      "cab",         "tar",   "pdf",  "iso",    "vhd",
    "vhdx",      "onenote", "chm",         "rtf",   "lnk",  "html",   "unknown",
};

/* How far into the content a PDF reader looks for %PDF-. */
#define SNIFF_PDF_WINDOW 1024
/* An OLE directory entry: 64 bytes of UTF-16LE name, its length in bytes at 64, type at 66. */
#define SNIFF_OLE_DIRENT 128
/* Fat Mach-O binaries hold a handful of architectures; a Java class file has its major
 * version (45 and up) where the fat header has the count. */
#define SNIFF_FAT_ARCH_MAX 30

static const char *
sniff_cafebabe(const struct sniff_view *v, const char *type)
{
    uint32_t n;

    if (v->hlen < 8)
        return type;
    n = (uint32_t)v->head[4] << 24 | (uint32_t)v->head[5] << 16 | (uint32_t)v->head[6] << 8 |
        v->head[7];
    return n <= SNIFF_FAT_ARCH_MAX ? type : "java";
}

static const char *
sniff_bzip2(const struct sniff_view *v, const char *type)
{
    return v->hlen > 3 && v->head[3] >= '1' && v->head[3] <= '9' ? type : NULL;
}

/* 1 if the UTF-16LE directory entry at e names one of the storages or streams of a VBA
 * project (any case, as OLE compares names). */
static int
sniff_ole_vba_entry(const unsigned char *e)
{
    static const char *const names[] = {"_VBA_PROJECT", "_VBA_PROJECT_CUR", "VBA", "Macros"};
    size_t nbytes = (size_t)e[64] | (size_t)e[65] << 8, nch;

    if (nbytes < 4 || nbytes > 64 || nbytes % 2 != 0 || e[66] < 1 || e[66] > 2)
        return 0;
    nch = nbytes / 2 - 1;
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        size_t i;
        if (strlen(names[k]) != nch)
            continue;
        for (i = 0; i < nch; i++) {
            unsigned c = e[2 * i], n = (unsigned char)names[k][i];
            if (e[2 * i + 1] != 0 || (c | 0x20) != (n | 0x20) || (c == '_') != (n == '_'))
                break;
        }
        if (i == nch)
            return 1;
    }
    return 0;
}

/* Directory entries sit in sectors after the 512-byte header, so on file offsets that are
 * multiples of 128: look at every such slot in the bytes held. */
static int
sniff_ole_scan(const unsigned char *p, size_t len, unsigned long long at)
{
    size_t i = (size_t)((SNIFF_OLE_DIRENT - at % SNIFF_OLE_DIRENT) % SNIFF_OLE_DIRENT);

    if (at < 512)
        i = (size_t)(512 - at);
    for (; i + SNIFF_OLE_DIRENT <= len && len >= SNIFF_OLE_DIRENT; i += SNIFF_OLE_DIRENT)
        if (sniff_ole_vba_entry(p + i))
            return 1;
    return 0;
}

static const char *
sniff_ole(const struct sniff_view *v, const char *type)
{
    if (sniff_ole_scan(v->head, v->hlen, 0) ||
        (v->tlen > 0 && sniff_ole_scan(v->tail, v->tlen, v->size - v->tlen)))
        return "ole-macro";
    return type;
}

static int
sniff_name_is(const unsigned char *name, size_t n, const char *want, int suffix)
{
    size_t w = strlen(want);

    if (n < w || (!suffix && n != w))
        return 0;
    name += n - w;
    for (size_t i = 0; i < w; i++)
        if ((name[i] | 0x20) != ((unsigned char)want[i] | 0x20))
            return 0;
    return 1;
}

/* Zip local headers (name length at 26, name at 30) and central directory headers (at 28 and
 * 46) wherever their signatures stand in the bytes held: 1 content types, 2 also a macro. */
static int
sniff_zip_scan(const unsigned char *p, size_t len, int found)
{
    for (size_t i = 0; i + 46 <= len; i++) {
        size_t nlen, at;
        const unsigned char *q = memchr(p + i, 'P', len - 46 + 1 - i);
        if (q == NULL)
            break;
        i = (size_t)(q - p);
        if (p[i + 1] != 'K')
            continue;
        if (p[i + 2] == 1 && p[i + 3] == 2) {
            nlen = (size_t)p[i + 28] | (size_t)p[i + 29] << 8;
            at = i + 46;
        } else if (p[i + 2] == 3 && p[i + 3] == 4) {
            nlen = (size_t)p[i + 26] | (size_t)p[i + 27] << 8;
            at = i + 30;
        } else
            continue;
        if (nlen > len - at)
            continue;
        if (sniff_name_is(p + at, nlen, "[Content_Types].xml", 0))
            found |= 1;
        else if (sniff_name_is(p + at, nlen, "vbaProject.bin", 1))
            found |= 2;
    }
    return found;
}

static const char *
sniff_zip(const struct sniff_view *v, const char *type)
{
    int found = sniff_zip_scan(v->head, v->hlen, 0);

    if (v->tlen > 0)
        found = sniff_zip_scan(v->tail, v->tlen, found);
    if (found & 1)
        return found & 2 ? "ooxml-macro" : "ooxml";
    return type;
}

static int
sniff_html(const unsigned char *p, size_t len)
{
    static const char *const tags[] = {"<!doctype html", "<html", "<head",   "<body",
                                       "<script",        "<meta", "<iframe", "<svg"};
    size_t i = 0;

    if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    for (size_t k = 0; k < sizeof(tags) / sizeof(tags[0]); k++) {
        size_t n = strlen(tags[k]), j;
        if (len - i < n + 1)
            continue;
        for (j = 0; j < n && (p[i + j] | 0x20) == (unsigned char)tags[k][j]; j++)
            ;
        /* the name ends: "<header" is not "<head" */
        if (j == n && (p[i + n] == '>' || p[i + n] == ' ' || p[i + n] == '\t' || p[i + n] == '\r' ||
                       p[i + n] == '\n' || p[i + n] == '/'))
            return 1;
    }
    return 0;
}

static int
sniff_pdf(const unsigned char *p, size_t len)
{
    size_t n = len < SNIFF_PDF_WINDOW ? len : SNIFF_PDF_WINDOW;

    for (size_t i = 0; i + 5 <= n; i++)
        if (p[i] == '%' && memcmp(p + i, "%PDF-", 5) == 0)
            return 1;
    return 0;
}

const char *
sniff_type(const unsigned char *head, size_t hlen, const unsigned char *tail, size_t tlen,
           unsigned long long size)
{
    struct sniff_view v = {head, tail, hlen, tail == NULL ? 0 : tlen, size};

    if (size == 0)
        return "empty";
    for (size_t i = 0; i < sizeof(sniff_table) / sizeof(sniff_table[0]); i++) {
        const struct sniff_entry *e = &sniff_table[i];
        const char *t;

        if (hlen < e->off || hlen - e->off < e->len || memcmp(head + e->off, e->magic, e->len))
            continue;
        t = e->more == NULL ? e->type : e->more(&v, e->type);
        if (t != NULL)
            return t;
    }
    if (sniff_pdf(head, hlen))
        return "pdf";
    /* A fixed VHD has its "conectix" footer in the last 512 bytes only. */
    if (size >= 512) {
        const unsigned char *foot = NULL;
        if (v.tlen >= 512)
            foot = tail + v.tlen - 512;
        else if (v.tlen == 0 && hlen == size)
            foot = head + hlen - 512;
        if (foot != NULL && memcmp(foot, "conectix", 8) == 0)
            return "vhd";
    }
    if (sniff_html(head, hlen))
        return "html";
    return "unknown";
}

const char *const *
sniff_names(size_t *n)
{
    *n = sizeof(sniff_all) / sizeof(sniff_all[0]);
    return sniff_all;
}

int
sniff_is_archive(const char *type)
{
    static const char *const arch[] = {"zip",   "ooxml", "ooxml-macro", "rar", "7z", "gzip",
                                       "bzip2", "xz",    "cab",         "tar", "iso"};

    for (size_t i = 0; i < sizeof(arch) / sizeof(arch[0]); i++)
        if (strcmp(type, arch[i]) == 0)
            return 1;
    return 0;
}

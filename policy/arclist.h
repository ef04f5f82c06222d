/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arclist.h - the names inside an archive, read with libarchive from bytes in memory (the head
 * and tail windows attach.c keeps, or a nested member read whole), nested archives recursed
 * into, bounded by named limits on depth, entries, names kept and bytes decompressed.
 */
#ifndef RW_ARCLIST_H
#define RW_ARCLIST_H

#include "attach.h"
#include "buf.h"

#include <stddef.h>

/* Most names listed from one part: real attachments hold tens or hundreds; a zip with more is
 * made to tire a scanner. Past it: ATTACH_ARCHIVE_LIMIT, why "too many entries". */
#define ARCLIST_ENTRIES_MAX 1000
/* Bytes of names (path, normal form, folded form, extensions) kept for one part: 1,000 entries
 * of 30-byte names take about 120 KiB. Past it: why "names too long". */
#define ARCLIST_TEXT_MAX (128 * 1024)
/* Nesting levels listed: the part's own members are level 1, a zip in a zip level 2; three
 * levels show the usual zip-in-zip-in-zip; deeper: why "nested too deep". */
#define ARCLIST_DEPTH_MAX 3
/* Largest member read whole to look inside it: it is held in memory while its own names are
 * listed, at most ARCLIST_DEPTH_MAX - 1 at a time (256 KiB), inside the 1 MB budget. Larger
 * archives inside archives: why "nested archive too big". */
#define ARCLIST_NEST_MEMBER_MAX (128 * 1024)
/* Bytes decompressed in all while listing one part (members read to skip them in compressed
 * streams, members read to look inside): 8 MiB inflate in about 10 ms. Past it: why
 * "expansion limit". A zip's names come from its central directory: nothing is inflated. */
#define ARCLIST_EXPAND_MAX (8ULL * 1024 * 1024)
/* Bytes decoded from one LZMA-coded archive (7z, xz): the decoder's dictionary, as big as the
 * archive declares, fills with what it decodes, so this bounds its memory: 512 KiB, inside the
 * 1 MB budget. 7z members are decoded to be skipped even to list the names after them; past
 * it: why "expansion limit (LZMA)", and the listing of that archive stops. */
#define ARCLIST_EXPAND_LZMA_MAX (512ULL * 1024)

/* The bytes an archive is read from: the first hlen bytes of size in head and the last tlen in
 * tail (tail NULL when head holds everything). Reads between the two fail as "archive larger
 * than the windows kept". */
struct arclist_src {
    const unsigned char *head, *tail;
    size_t hlen, tlen;
    unsigned long long size;
};

struct arclist {
    struct buf text;          /* names, each NUL-terminated; entries hold offsets */
    struct arclist_ent *ents; /* n of them */
    size_t n, cap;
    unsigned flags; /* ATTACH_ENCRYPTED, ATTACH_ARCHIVE_LIMIT, ATTACH_ARCHIVE_BROKEN */
    char why[160];  /* the first limit or damage met */
    int halt;       /* a limit of the whole listing was reached */
    unsigned long long expanded;
    struct attach_name *scratch;
};

struct arclist_ent {
    size_t path, name, folded, exts; /* offsets into text */
    unsigned name_flags, depth;
    int encrypted;
};

/* arclist_init - an empty list (allocates nothing). */
void arclist_init(struct arclist *l);
/*
 * arclist_read - appends the names of the archive in src to l (depth 1) and of the archives
 * inside it. Damage and limits are facts in l->flags and l->why; returns 0, or -1 with err on
 * an internal failure (out of memory).
 */
int arclist_read(struct arclist *l, const struct arclist_src *src, char *err, size_t errlen);
/* arclist_zip_present - 1 when src ends with a zip's central directory (a self-extractor, a
 * zip behind other bytes), whatever its first bytes say; else 0. */
int arclist_zip_present(const struct arclist_src *src);
/* arclist_export - l's entries as attach_inner rows in out (n of them, allocated here, owned by
 * the caller; the strings point into l->text, valid until arclist_free). 0, -1 out of memory. */
int arclist_export(const struct arclist *l, struct attach_inner **out);
void arclist_free(struct arclist *l);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * zipdir.h - a zip's central directory read from the tail window alone (End Of Central
 * Directory record, Zip64 locator and record, the entries), so that a zip bigger than the
 * windows attach.c keeps lists every name without the local headers that lie between them.
 */
#ifndef RW_ZIPDIR_H
#define RW_ZIPDIR_H

#include <stddef.h>

/* The end record's fixed part, and the longest comment after it (a 16-bit length): the record
 * starts within the last 22 + 65,535 bytes, and nowhere else is it searched for. */
#define ZIPDIR_EOCD_LEN 22
#define ZIPDIR_COMMENT_MAX 65535
/* A name as UTF-8: at most 65,535 stored bytes (a 16-bit length), each CP437 byte 3 bytes of
 * UTF-8 at most, plus the NUL. The buffer grows to what the longest name needs, never past
 * this; a name this long must also fit in the tail window. */
#define ZIPDIR_NAME_UTF8_MAX (3 * 65535 + 1)

/* Entries: no limit of zipdir's own. The directory must lie in the tail window, so it holds at
 * most ATTACH_TAIL_MAX / 46 = 2,849 entries (46 bytes is an entry without a name), and the
 * array zipdir_read checks local headers with is bounded by that; what is listed is bounded
 * by the caller, whose callback stops the walk (arclist at ARCLIST_ENTRIES_MAX). */

/* The bytes the directory is read from: the last tlen bytes of a part of size bytes (the tail
 * window, tail[0] at offset size - tlen), and optionally the first hlen (the head window,
 * head NULL for none), where local headers are checked against the directory. */
struct zipdir_src {
    const unsigned char *head, *tail;
    size_t hlen, tlen;
    unsigned long long size;
};

/* One central directory entry, as the callback sees it. */
struct zipdir_entry {
    const char *name; /* UTF-8 (converted from CP437 unless flag bit 11 or an Info-ZIP
                         Unicode path says UTF-8), NUL-terminated; may hold a NUL of
                         its own (namelen counts the bytes). Valid in the callback. */
    size_t namelen;
    const unsigned char *raw; /* the name as stored, inside src->tail */
    size_t rawlen;
    unsigned long long usize; /* uncompressed size, as declared (Zip64 extra applied) */
    unsigned long long csize; /* compressed size, checked to fit before the directory */
    unsigned long long lho;   /* local header offset in the part */
    unsigned method, gpflags; /* compression method, general purpose flags */
    int encrypted;            /* flag bit 0, or method 99 (WinZip AES) */
    size_t index;             /* 0 for the first entry */
};

/* 0 goes on, 1 stops the walk (zipdir_read then returns ZIPDIR_OK), -1 is an internal failure
 * (zipdir_read returns -1; the callback has written err). */
typedef int (*zipdir_cb)(void *ctx, const struct zipdir_entry *e, char *err, size_t errlen);

/* What the end records said. */
struct zipdir_info {
    unsigned long long entries; /* entries in the directory */
    unsigned long long cd_off, cd_size, eocd_off;
    size_t comment_len;
    int zip64;
};

enum {
    ZIPDIR_OK = 0,         /* every entry was passed to the callback (or it stopped the walk) */
    ZIPDIR_NOT_ZIP = 1,    /* no end record in the last 22 + 65,535 bytes */
    ZIPDIR_INCOMPLETE = 2, /* an end record, but the directory does not fit in the tail window */
    ZIPDIR_BROKEN = 3,     /* damaged or contradictory (why says what); no entry was passed */
};

/*
 * zipdir_read - finds the end record (searching back from the end, the last one whose comment
 * reaches exactly the end), validates it (the directory ends where the end record or the Zip64
 * record begins, the counts agree, single disk), reads every entry through bounds checks
 * (local header offset and compressed size before the directory), and when src->head is set
 * checks the local headers that lie in either window: each names what its entry names, and
 * walking the head window's local headers one after another meets none the directory does
 * not list (a second directory's members, an attacker's trick). Only then is cb called, once
 * per entry in directory order, so a damaged directory passes nothing.
 * Returns a ZIPDIR_* status with why set for NOT_ZIP, INCOMPLETE and BROKEN (why may quote
 * nothing from the zip), or -1 with err on an internal failure (out of memory, or src not a
 * tail window: tlen > size). info may be NULL.
 */
int zipdir_read(const struct zipdir_src *src, zipdir_cb cb, void *ctx, struct zipdir_info *info,
                char *why, size_t whylen, char *err, size_t errlen);

/*
 * zipdir_stored - where an entry's local header and data lie. 1: stored uncompressed (method
 * 0), not encrypted, wholly inside one window: *data is set to its csize bytes there (owned by
 * the caller of zipdir_read, valid as long as src's windows). 2: wholly inside one window but
 * compressed or encrypted (*data NULL). 0: not wholly inside one window (*data NULL).
 */
int zipdir_stored(const struct zipdir_src *src, const struct zipdir_entry *e,
                  const unsigned char **data);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * attach.h - what relaywarden knows about one MIME part from its file name(s) and its decoded
 * bytes: the name as Windows would save it and its extensions, the true type from a table of
 * magic bytes, the SHA-256 of the content, and the names inside archives (libarchive, memory).
 *
 * Memory per part is bounded by named limits, never by the part's size. attach_feed keeps the
 * first ATTACH_HEAD_MAX and the last ATTACH_TAIL_MAX decoded bytes and hashes everything as it
 * passes. A part that fits in both windows (<= 192 KiB) is seen whole: every archive format is
 * listed completely and nested archives are recursed into. A larger part is listed from the two
 * windows only: a zip's names come from its central directory in the tail window (zipdir.h),
 * so a big zip lists whole, but a nested archive stored between the windows cannot be looked
 * into (ATTACH_ARCHIVE_LIMIT, "nested archive outside the windows kept"); other formats stop
 * at the first read between the windows with ATTACH_ARCHIVE_LIMIT ("archive larger than the
 * windows kept"): the trade is a listing that may be incomplete for big archives (a fact the
 * rules can act on, never a silent pass) against memory that does not grow with the message. A zip bomb lists in
 * microseconds because nothing is inflated to list it: only members small enough to extract
 * within ARCLIST_NEST_MEMBER_MAX are decompressed, to recurse into nested archives, and a
 * bigger one only its first 512 bytes, to tell whether it is an archive itself. Other formats
 * (tar.gz, 7z, ...) are decoded as they are listed, every byte counted (arclist.h). Measured
 * peak above an idle connection: a zip bomb about 0.5 MB, a 7z or tar.xz at its limit and a
 * tar.bz2 about 0.95 MB. A gzip/bzip2/xz file that holds no tar has no names: its content is
 * looked into as one member (a .zip.gz lists the zip's names, one level deeper).
 */
#ifndef RW_ATTACH_H
#define RW_ATTACH_H

#include <stddef.h>

/* ---- names ---- */

/* Longest file name read, in bytes of UTF-8 as the MIME parser decoded it: NTFS allows 255
 * UTF-16 units in a name, at most 765 bytes of UTF-8; 1024 leaves room for a path the name is
 * cut from and for invisible characters that are dropped. Longer, or a normal form or folded
 * form longer than this (stray bytes become 3-byte U+FFFD): NAME_TOO_LONG, nothing else. */
#define ATTACH_NAME_MAX 1024
/* Most extensions listed for one name: "a.tar.gz" has 2, real names rarely more than 3; past 8
 * the name is made to hide something (NAME_MANY_EXT), and the last 8 are still listed. */
#define ATTACH_NAME_EXTS_MAX 8
/* Longest text after a dot that counts as an extension when it is not the last one (the last
 * one always counts): Windows' own extensions are at most 4 letters, registered ones up to 8. */
#define ATTACH_NAME_EXT_LEN_MAX 8

#define NAME_TOO_LONG 0x001u   /* over ATTACH_NAME_MAX: no name, no extensions */
#define NAME_BIDI 0x002u       /* bidi controls were in it (dropped) */
#define NAME_INVISIBLE 0x004u  /* other default-ignorable code points (dropped) */
#define NAME_CONTROL 0x008u    /* control characters C0, DEL, C1 (dropped) */
#define NAME_PATH 0x010u       /* a / or \ path was cut off */
#define NAME_TRAILING 0x020u   /* trailing dots or spaces were dropped */
#define NAME_DOUBLE_EXT 0x040u /* two or more extensions */
#define NAME_EXT_PADDED 0x080u /* spaces before a dot (padding that hides an extension) */
#define NAME_BAD_UTF8 0x100u   /* bytes that are not UTF-8 (each became U+FFFD) */
#define NAME_EMPTY 0x200u      /* nothing left */
#define NAME_MANY_EXT 0x400u   /* more than ATTACH_NAME_EXTS_MAX extensions */

struct attach_name {
    char name[ATTACH_NAME_MAX + 1];        /* as Windows would save it, NFC */
    char folded[ATTACH_NAME_MAX + 1];      /* name case-folded (Unicode full folding), for tests */
    char extbuf[ATTACH_NAME_MAX + 1];      /* the extensions, each NUL-terminated */
    const char *ext[ATTACH_NAME_EXTS_MAX]; /* into extbuf; ext[0] is the last extension */
    size_t next;                           /* number of extensions */
    unsigned flags;                        /* NAME_* */
};

/*
 * attach_name_norm - normalises a file name (UTF-8, already decoded from RFC 2231/2047) into
 * *out. Steps, in this order: bytes that are not UTF-8 become U+FFFD; everything up to the
 * last '/' or '\' is cut; control characters are dropped; bidi controls (U+200E/F, U+061C,
 * U+202A..E, U+2066..9) and other default-ignorable code points are dropped; NFC; trailing
 * dots and spaces are dropped (what Windows does when it saves). folded is name case-folded.
 * Extensions, from folded: the text after the last dot (when there is a dot after the first
 * character or the name starts with one) is ext[0]; walking back, each earlier dot-separated
 * piece of 1..ATTACH_NAME_EXT_LEN_MAX letters or digits, once trailing spaces are trimmed
 * (padding: "invoice.pdf     .exe"), is one more extension, and the walk stops at the first
 * piece that is not one and never takes the text before the first dot. Two or more:
 * NAME_DOUBLE_EXT, and every extension counts for ext tests.
 * Returns 0 (NAME_TOO_LONG is a result, not an error), or -1 with err on an internal failure
 * (out of memory). out's pointers point into out itself: do not copy the struct.
 */
int attach_name_norm(const char *utf8, struct attach_name *out, char *err, size_t errlen);

/* attach_name_has_ext - 1 if ext (lower case ASCII) is one of name's extensions, else 0. */
int attach_name_has_ext(const struct attach_name *n, const char *ext);

/* ---- content ---- */

/* The first bytes kept: the magic of every table entry (ISO 9660's at 32769) and an OLE
 * directory or a zip's first local headers near the start; 64 KiB. */
#define ATTACH_HEAD_MAX (64 * 1024)
/* The last bytes kept: a zip's central directory (1,000 entries with 80-byte names take about
 * 130 KiB) and an OLE directory written at the end; 128 KiB. With the head, a part is held in
 * at most 192 KiB, which keeps a 50 MB message under the engine's 1 MB budget. */
#define ATTACH_TAIL_MAX (128 * 1024)

#define ATTACH_ARCHIVE 0x01u        /* an archive libarchive reads: inner lists its names */
#define ATTACH_ENCRYPTED 0x02u      /* the archive or a member is encrypted */
#define ATTACH_ARCHIVE_LIMIT 0x04u  /* listing incomplete: a limit, named in why */
#define ATTACH_ARCHIVE_BROKEN 0x08u /* listing stopped at damage (libarchive's error in why) */
#define ATTACH_MACRO 0x10u          /* an OLE or OOXML macro project (also in truetype) */

/* One name inside an archive. */
struct attach_inner {
    /* nesting path: "a.zip>dir/b.zip>c.exe", '>' between levels; the names as the archive
     * stores them (any bytes but NUL): escape before logging */
    const char *path;
    const char *name;    /* last component, normalised as attach_name_norm does */
    const char *folded;  /* name case-folded */
    const char *exts;    /* its extensions, last first, each NUL-terminated, ending in "" */
    unsigned name_flags; /* NAME_* */
    unsigned depth;      /* 1 for a member of the part itself, 2 inside a nested archive, ... */
    int encrypted;       /* this member is encrypted */
};

struct attach_facts {
    const char *truetype;    /* a keyword of sniff.h: "exe", "zip", "ooxml-macro", "unknown", ... */
    char sha256[65];         /* lower-case hex of the decoded content */
    unsigned long long size; /* decoded bytes */
    unsigned flags;          /* ATTACH_* */
    const char *why;         /* for ATTACH_ARCHIVE_LIMIT / _BROKEN, else "": ours or libarchive's
                                words, which may quote the archive: escape before logging */
    const struct attach_inner *inner;
    size_t ninner;
};

struct attach;

/* attach_new - the state for one part. NULL on out of memory. */
struct attach *attach_new(void);
/* attach_feed - the next decoded bytes of the part, in pieces of any size (len 0 is allowed).
 * 0, or -1 on an internal failure (the digest). Not after attach_end. */
int attach_feed(struct attach *a, const unsigned char *data, size_t len);
/* attach_end - computes the facts. 0, or -1 with err on an internal failure (out of memory,
 * the digest): the caller tempfails. Only once. */
int attach_end(struct attach *a, char *err, size_t errlen);
/* attach_facts - the facts after attach_end (NULL before). Everything it points to is owned by
 * a and stays valid until attach_free. */
const struct attach_facts *attach_facts(const struct attach *a);
void attach_free(struct attach *a);

#endif

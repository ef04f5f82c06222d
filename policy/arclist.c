/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arclist.c - listing an archive's names with libarchive over bytes in memory, through seek
 * callbacks so that the seekable zip reader lists from the central directory (a bomb is never
 * inflated), with every decompressed byte counted against ARCLIST_EXPAND_MAX.
 */
#include "arclist.h"
#include "sniff.h"
#include "util.h"
#include "zipdir.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reader's position in an arclist_src, and whether a read fell between the windows. */
struct arclist_io {
    const struct arclist_src *src;
    unsigned long long pos;
    int gap;
};

/* Read buffer for members read only to count and skip them. */
#define ARCLIST_SKIP_BUF 16384
/* How much of a zip member too big to keep is inflated to sniff it: every archive magic
 * but ISO 9660's lies in the first 512 bytes. */
#define ARCLIST_PEEK 512

static la_ssize_t
arclist_cb_read(struct archive *ar, void *ctx, const void **out)
{
    struct arclist_io *io = ctx;
    const struct arclist_src *s = io->src;
    unsigned long long tail_at = s->size - s->tlen, n = 0;

    (void)ar;
    if (io->pos >= s->size)
        return 0;
    if (io->pos < s->hlen) {
        n = s->hlen - io->pos;
        *out = s->head + io->pos;
    } else if (s->tail != NULL && io->pos >= tail_at) {
        n = s->size - io->pos;
        *out = s->tail + (io->pos - tail_at);
    }
    if (n > 0) {
        io->pos += n;
        return (la_ssize_t)n;
    }
    io->gap = 1;
    archive_set_error(ar, -1, "archive larger than the windows kept");
    return -1;
}

static la_int64_t
arclist_cb_seek(struct archive *ar, void *ctx, la_int64_t off, int whence)
{
    struct arclist_io *io = ctx;
    long long base = whence == SEEK_SET   ? 0
                     : whence == SEEK_CUR ? (long long)io->pos
                                          : (long long)io->src->size;

    (void)ar;
    if ((off > 0 && base > (long long)io->src->size) || base + off < 0)
        return ARCHIVE_FATAL;
    io->pos = (unsigned long long)(base + off);
    return (la_int64_t)io->pos;
}

static la_int64_t
arclist_cb_skip(struct archive *ar, void *ctx, la_int64_t req)
{
    struct arclist_io *io = ctx;
    unsigned long long left = io->pos < io->src->size ? io->src->size - io->pos : 0;
    unsigned long long n = req < 0 ? 0 : (unsigned long long)req;

    (void)ar;
    if (n > left)
        n = left;
    io->pos += n;
    return (la_int64_t)n;
}

void
arclist_init(struct arclist *l)
{
    memset(l, 0, sizeof(*l));
    buf_init(&l->text, ARCLIST_TEXT_MAX);
}

void
arclist_free(struct arclist *l)
{
    buf_free(&l->text);
    free(l->ents);
    free(l->scratch);
    l->ents = NULL;
    l->scratch = NULL;
    l->n = l->cap = 0;
}

/* Records the first limit or damage met (later ones are often its consequences). halt: a
 * limit of the whole listing (entries, names, expansion), nothing more is read; else only the
 * archive at hand stops (damage) or only the member is passed over (too big, too deep). */
static void
arclist_stop(struct arclist *l, unsigned flag, const char *why, int halt)
{
    if (!(l->flags & (ATTACH_ARCHIVE_LIMIT | ATTACH_ARCHIVE_BROKEN)))
        snprintf(l->why, sizeof(l->why), "%s", why);
    l->flags |= flag;
    l->halt |= halt;
}

/* 1 when a limit has stopped the listing. */
static int
arclist_stopped(const struct arclist *l)
{
    return l->halt;
}

/* Appends s (n bytes) and a NUL to the text; its offset in *at. 0, 1 over the limit, -1. */
static int
arclist_put(struct arclist *l, const char *s, size_t n, size_t *at)
{
    *at = l->text.len;
    if (buf_put(&l->text, s, n) == 0 && buf_putc(&l->text, '\0') == 0)
        return 0;
    return buf_over(&l->text, n + 1) ? 1 : -1;
}

static int
arclist_add(struct arclist *l, const char *prefix, const char *path, unsigned depth, int encrypted,
            char *err, size_t errlen)
{
    struct arclist_ent e = {0};
    const char *base = path;
    size_t plen = strlen(prefix), n = strlen(path), mark = l->text.len;
    int r;

    if (l->n == ARCLIST_ENTRIES_MAX) {
        arclist_stop(l, ATTACH_ARCHIVE_LIMIT, "too many entries", 1);
        return 0;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap == 0 ? 16 : l->cap * 2;
        struct arclist_ent *p;
        if (cap > ARCLIST_ENTRIES_MAX)
            cap = ARCLIST_ENTRIES_MAX;
        if ((p = realloc(l->ents, cap * sizeof(*p))) == NULL)
            goto oom;
        l->ents = p;
        l->cap = cap;
    }
    if (l->scratch == NULL && (l->scratch = malloc(sizeof(*l->scratch))) == NULL)
        goto oom;
    /* A directory's trailing slash is not a name: "dir/" is listed under the name "dir". */
    while (n > 0 && (path[n - 1] == '/' || path[n - 1] == '\\'))
        n--;
    for (size_t i = 0; i < n; i++)
        if (path[i] == '/' || path[i] == '\\')
            base = path + i + 1;
    {
        char *b = strndup(base, n - (size_t)(base - path));
        if (b == NULL)
            goto oom;
        r = attach_name_norm(b, l->scratch, err, errlen);
        free(b);
        if (r == -1)
            return -1;
    }
    e.depth = depth;
    e.encrypted = encrypted;
    e.name_flags = l->scratch->flags;
    e.path = l->text.len;
    r = buf_put(&l->text, prefix, plen);
    if (r == 0 && plen > 0)
        r = buf_putc(&l->text, '>');
    if (r == 0)
        r = buf_put(&l->text, path, strlen(path));
    if (r == 0)
        r = buf_putc(&l->text, '\0');
    if (r == 0)
        r = arclist_put(l, l->scratch->name, strlen(l->scratch->name), &e.name);
    if (r == 0)
        r = arclist_put(l, l->scratch->folded, strlen(l->scratch->folded), &e.folded);
    e.exts = l->text.len;
    for (size_t i = 0; r == 0 && i < l->scratch->next; i++) {
        size_t at;
        r = arclist_put(l, l->scratch->ext[i], strlen(l->scratch->ext[i]), &at);
    }
    if (r == 0)
        r = buf_putc(&l->text, '\0');
    if (r != 0) {
        if (!buf_over(&l->text, 1) && r == -1)
            goto oom;
        l->text.len = mark; /* the entry that did not fit is not half kept */
        if (l->text.s != NULL)
            l->text.s[mark] = '\0';
        arclist_stop(l, ATTACH_ARCHIVE_LIMIT, "names too long", 1);
        return 0;
    }
    l->ents[l->n++] = e;
    return 0;
oom:
    util_errf(err, errlen, "archive listing: out of memory");
    return -1;
}

static int arclist_walk(struct arclist *l, const struct arclist_src *src, const char *prefix,
                        unsigned depth, char *err, size_t errlen);
static int arclist_zipdir(struct arclist *l, const struct arclist_src *src, char *err,
                          size_t errlen);

/*
 * Reads the current member's data: its first bytes, up to want, into keep (*klen of them), and
 * when all is set the rest only counted, so that a compressed stream is never inflated
 * uncounted. Every byte counts against ARCLIST_EXPAND_MAX for the whole listing and against
 * lzma_left (the rest of ARCLIST_EXPAND_LZMA_MAX) when the archive at hand is LZMA-coded.
 * *more is set when the member holds more than was kept. Returns 0, or 1 when a limit or
 * damage stopped it (recorded).
 */
static int
arclist_data(struct arclist *l, struct archive *ar, const int *gap, unsigned char *keep,
             size_t want, int all, unsigned long long *lzma_left, size_t *klen, int *more)
{
    unsigned char skip[ARCLIST_SKIP_BUF];

    *klen = 0;
    *more = 0;
    for (;;) {
        unsigned char *to = keep + *klen;
        size_t room = want - *klen;
        la_ssize_t r;

        if (room == 0) {
            if (*more && !all)
                break;
            /* Past want: one byte tells a member of exactly want bytes from a bigger one,
             * and with all set the rest is read to be counted. */
            to = skip;
            room = *more ? sizeof(skip) : 1;
        }
        /* At most one byte past a limit is asked for: exactly the limit is allowed. */
        if (ARCLIST_EXPAND_MAX + 1 - l->expanded < room)
            room = (size_t)(ARCLIST_EXPAND_MAX + 1 - l->expanded);
        if (*lzma_left + 1 < room)
            room = (size_t)(*lzma_left + 1);
        r = archive_read_data(ar, to, room);
        if (r == 0)
            break;
        if (r < 0) {
            arclist_stop(l, *gap ? ATTACH_ARCHIVE_LIMIT : ATTACH_ARCHIVE_BROKEN,
                         *gap                               ? "archive larger than the windows kept"
                         : archive_error_string(ar) != NULL ? archive_error_string(ar)
                                                            : "member cannot be read",
                         0);
            return 1;
        }
        l->expanded += (unsigned long long)r;
        if (l->expanded > ARCLIST_EXPAND_MAX) {
            arclist_stop(l, ATTACH_ARCHIVE_LIMIT, "expansion limit", 1);
            return 1;
        }
        if ((unsigned long long)r > *lzma_left) {
            arclist_stop(l, ATTACH_ARCHIVE_LIMIT, "expansion limit (LZMA)", 0);
            return 1;
        }
        *lzma_left -= (unsigned long long)r;
        if (to == skip)
            *more = 1;
        else
            *klen += (size_t)r;
    }
    return 0;
}

/* The member just read: recurse into it when it is an archive. */
static int
arclist_nested(struct arclist *l, const unsigned char *p, size_t n, int more, const char *path,
               unsigned depth, char *err, size_t errlen)
{
    const char *t = sniff_type(p, n, NULL, 0, n);
    struct arclist_src sub = {p, NULL, n, 0, n};

    if (!sniff_is_archive(t))
        return 0;
    if (more) {
        arclist_stop(l, ATTACH_ARCHIVE_LIMIT, "nested archive too big", 0);
        return 0;
    }
    if (depth >= ARCLIST_DEPTH_MAX) {
        arclist_stop(l, ATTACH_ARCHIVE_LIMIT, "nested too deep", 0);
        return 0;
    }
    return arclist_walk(l, &sub, path, depth + 1, err, errlen);
}

/* The byte at off, or -1 when it lies between the windows or past the end. */
static int
arclist_byte(const struct arclist_src *s, unsigned long long off)
{
    if (off < s->hlen)
        return s->head[off];
    if (s->tail != NULL && off < s->size && off >= s->size - s->tlen)
        return s->tail[off - (s->size - s->tlen)];
    return -1;
}

/* A zip ends in its central directory's end record, within the last 22 + 65535 bytes (the
 * longest comment). Returns 1 when src starts like a zip and has one, 0 when it starts like a
 * zip and has none (damage of its own: the streamable reader lists local headers, which need
 * not say what the central directory says, and the listing goes on), -1 when not a zip. */
static int
arclist_zip_end(struct arclist *l, const struct arclist_src *s)
{
    unsigned long long stop = s->size > 65557 ? s->size - 65557 : 0, i;

    if (s->size < 22 || arclist_byte(s, 0) != 'P' || arclist_byte(s, 1) != 'K' ||
        arclist_byte(s, 2) != 3 || arclist_byte(s, 3) != 4)
        return -1;
    if (s->tail != NULL && s->tlen >= s->size - stop) {
        /* The usual case, the end held in one buffer: no call per byte. */
        const unsigned char *p = s->tail + s->tlen - (s->size - stop);
        for (i = s->size - stop - 22 + 1; i-- > 0;)
            if (p[i] == 'P' && p[i + 1] == 'K' && p[i + 2] == 5 && p[i + 3] == 6)
                return 1;
    } else {
        for (i = s->size - 22 + 1; i-- > stop;)
            if (arclist_byte(s, i) == 'P' && arclist_byte(s, i + 1) == 'K' &&
                arclist_byte(s, i + 2) == 5 && arclist_byte(s, i + 3) == 6)
                return 1;
    }
    arclist_stop(l, ATTACH_ARCHIVE_BROKEN, "zip without its central directory (truncated?)", 0);
    return 0;
}

/*
 * Only the reader the sniffed type calls for: no other format's bidder reads ahead through the
 * windows, and nothing is listed as a format the true type does not say. Only filters that
 * libarchive decodes itself: filter_all would also run external programs (lrzip, lzop, grzip)
 * on untrusted bytes.
 */
static void
arclist_formats(struct archive *ar, const char *type, int zip_end)
{
    if (strcmp(type, "gzip") == 0 || strcmp(type, "bzip2") == 0 || strcmp(type, "xz") == 0) {
        archive_read_support_filter_gzip(ar);
        archive_read_support_filter_bzip2(ar);
        archive_read_support_filter_xz(ar);
        archive_read_support_format_tar(ar);
        archive_read_support_format_raw(ar);
    } else if (strcmp(type, "7z") == 0)
        archive_read_support_format_7zip(ar);
    else if (strcmp(type, "rar") == 0) {
        archive_read_support_format_rar(ar);
        archive_read_support_format_rar5(ar);
    } else if (strcmp(type, "cab") == 0)
        archive_read_support_format_cab(ar);
    else if (strcmp(type, "tar") == 0)
        archive_read_support_format_tar(ar);
    else if (strcmp(type, "iso") == 0)
        archive_read_support_format_iso9660(ar);
    else if (zip_end == 0)
        archive_read_support_format_zip_streamable(ar); /* members are read, counted */
    else
        archive_read_support_format_zip_seekable(ar); /* zip, ooxml, ooxml-macro */
}

static int
arclist_walk(struct arclist *l, const struct arclist_src *src, const char *prefix, unsigned depth,
             char *err, size_t errlen)
{
    struct arclist_io io = {src, 0, 0};
    struct archive *ar = archive_read_new();
    struct archive_entry *e;
    int rc = 0, r, seekable, gappy = src->tail != NULL && src->hlen + src->tlen < src->size;
    const char *type;
    unsigned long long lzma_left;

    if (ar == NULL) {
        util_errf(err, errlen, "archive listing: out of memory");
        return -1;
    }
    /* A zip bigger than the windows: its names from the central directory (zipdir hook). */
    if (depth == 1 && (r = arclist_zipdir(l, src, err, errlen)) != 1) {
        archive_read_free(ar);
        return r;
    }
    seekable = arclist_zip_end(l, src) != 0;
    type = sniff_type(src->head, src->hlen, src->tail, src->tlen, src->size);
    lzma_left = strcmp(type, "7z") == 0 || strcmp(type, "xz") == 0 ? ARCLIST_EXPAND_LZMA_MAX
                                                                   : ARCLIST_EXPAND_MAX;
    arclist_formats(ar, type, seekable);
    archive_read_set_callback_data(ar, &io);
    archive_read_set_read_callback(ar, arclist_cb_read);
    archive_read_set_seek_callback(ar, arclist_cb_seek);
    archive_read_set_skip_callback(ar, arclist_cb_skip);
    if (archive_read_open1(ar) != ARCHIVE_OK) {
        arclist_stop(l, io.gap ? ATTACH_ARCHIVE_LIMIT : ATTACH_ARCHIVE_BROKEN,
                     io.gap                             ? "archive larger than the windows kept"
                     : archive_error_string(ar) != NULL ? archive_error_string(ar)
                                                        : "not an archive libarchive reads",
                     0);
        archive_read_free(ar);
        return 0;
    }
    while (!arclist_stopped(l)) {
        const char *name;
        int enc, raw, cheap, fmt;
        unsigned char *buf = NULL;
        size_t blen = 0;
        char *path;

        r = archive_read_next_header(ar, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            if (archive_read_has_encrypted_entries(ar) > 0)
                l->flags |= ATTACH_ENCRYPTED;
            arclist_stop(l, io.gap ? ATTACH_ARCHIVE_LIMIT : ATTACH_ARCHIVE_BROKEN,
                         io.gap                             ? "archive larger than the windows kept"
                         : archive_error_string(ar) != NULL ? archive_error_string(ar)
                                                            : "damaged archive",
                         0);
            break;
        }
        raw = archive_format(ar) == ARCHIVE_FORMAT_RAW;
        fmt = archive_format(ar) & ARCHIVE_FORMAT_BASE_MASK;
        /* Readers that skip a member by seeking, decoding nothing: the seekable zip reader,
         * and tar or ISO 9660 without a compression filter. */
        cheap = (seekable && fmt == ARCHIVE_FORMAT_ZIP) ||
                ((fmt == ARCHIVE_FORMAT_TAR || fmt == ARCHIVE_FORMAT_ISO9660) &&
                 archive_filter_count(ar) == 1);
        enc = archive_entry_is_encrypted(e) || archive_read_has_encrypted_entries(ar) > 0;
        if (enc)
            l->flags |= ATTACH_ENCRYPTED;
        name = archive_entry_pathname_utf8(e);
        if (name == NULL)
            name = archive_entry_pathname(e);
        if (name == NULL)
            name = "";
        /* A compressed file that is not a tar has no names of its own: its content is
         * looked into as a member, under the prefix it came with. */
        /* The root of an ISO or a tar made with "tar -C dir ." names nothing. */
        if (strcmp(name, ".") == 0 || strcmp(name, "./") == 0)
            continue;
        if (!raw && arclist_add(l, prefix, name, depth, enc, err, errlen) == -1) {
            rc = -1;
            break;
        }
        if (arclist_stopped(l))
            break;
        if ((path = malloc(strlen(prefix) + strlen(name) + 2)) == NULL) {
            util_errf(err, errlen, "archive listing: out of memory");
            rc = -1;
            break;
        }
        if (raw)
            strcpy(path, prefix);
        else
            sprintf(path, "%s%s%s", prefix, prefix[0] != '\0' ? ">" : "", name);
        /* Where skipping is cheap a member is read only to look inside it, and one bigger
         * than could be kept only far enough to sniff it: the rest is skipped by seeking.
         * Elsewhere a member is read to its end, so that a compressed stream is never
         * inflated uncounted. A tar's or an ISO's member data beyond the head window is not
         * read (names come from headers; a read between the windows would end the listing). */
        if (!enc && archive_entry_filetype(e) == AE_IFREG &&
            !(cheap && fmt != ARCHIVE_FORMAT_ZIP && gappy)) {
            size_t want = ARCLIST_NEST_MEMBER_MAX;
            int more;

            if (cheap && archive_entry_size_is_set(e) &&
                archive_entry_size(e) > ARCLIST_NEST_MEMBER_MAX)
                want = ARCLIST_PEEK;
            if (buf == NULL && (buf = malloc(ARCLIST_NEST_MEMBER_MAX)) == NULL) {
                util_errf(err, errlen, "archive listing: out of memory");
                free(path);
                rc = -1;
                break;
            }
            r = arclist_data(l, ar, &io.gap, buf, want, !cheap, &lzma_left, &blen, &more);
            if (r == 0)
                r = arclist_nested(l, buf, blen, more, path, depth, err, errlen);
            free(buf);
            buf = NULL;
            if (r == -1) {
                free(path);
                rc = -1;
                break;
            }
            /* A member not read to its end would be skipped by decoding it, uncounted. */
            if (r == 1 && !cheap) {
                free(path);
                break;
            }
        }
        free(path);
    }
    archive_read_free(ar);
    return rc;
}

/* The source as zipdir reads it: the tail window, or the head when it holds everything. */
static struct zipdir_src
arclist_zs(const struct arclist_src *src)
{
    struct zipdir_src zs = {src->head, src->tail, src->hlen, src->tlen, src->size};

    if (src->tail == NULL) {
        zs.tail = src->head;
        zs.tlen = src->hlen;
    }
    return zs;
}

/* A central directory entry the listing does not have: a zip whose directory and local
 * headers disagree shows the directory's names in Explorer and 7-Zip, so they are listed
 * too, and the archive is damaged. */
static int
arclist_cd_entry(void *ctx, const struct zipdir_entry *e, char *err, size_t errlen)
{
    struct arclist *l = ctx;
    size_t i;

    for (i = 0; i < l->n; i++)
        if (l->ents[i].depth == 1 && strcmp(l->text.s + l->ents[i].path, e->name) == 0)
            return 0;
    if (arclist_stopped(l))
        return 1;
    if (l->why[0] == '\0')
        util_strlcpy(l->why, "the central directory names members the local headers do not",
                     sizeof(l->why));
    l->flags |= ATTACH_ARCHIVE_BROKEN;
    if (e->encrypted)
        l->flags |= ATTACH_ENCRYPTED;
    return arclist_add(l, "", e->name, 1, e->encrypted, err, errlen) == -1 ? -1 : 0;
}

static int
arclist_cd_any(void *ctx, const struct zipdir_entry *e, char *err, size_t errlen)
{
    (void)ctx;
    (void)e;
    (void)err;
    (void)errlen;
    return 1;
}

int
arclist_zip_present(const struct arclist_src *src)
{
    struct zipdir_src zs = arclist_zs(src);
    char why[160], err[160];
    int st = zipdir_read(&zs, arclist_cd_any, NULL, NULL, why, sizeof(why), err, sizeof(err));

    /* an end record, even one whose directory is damaged or lies outside the windows */
    return st == ZIPDIR_OK || st == ZIPDIR_INCOMPLETE || st == ZIPDIR_BROKEN;
}

int
arclist_read(struct arclist *l, const struct arclist_src *src, char *err, size_t errlen)
{
    struct zipdir_src zs = arclist_zs(src);
    char why[160];
    int rc = arclist_walk(l, src, "", 1, err, errlen), st;

    /* Whatever read it, a zip's central directory (found from its end, whatever comes
     * before the zip: a self-extractor's program) names every member a reader shows; one
     * that contradicts the local headers or its own offsets is a damaged archive. */
    if (rc != 0)
        return rc;
    st = zipdir_read(&zs, arclist_cd_entry, l, NULL, why, sizeof(why), err, errlen);
    if (st == -1)
        return -1;
    if (st == ZIPDIR_BROKEN && !(l->flags & ATTACH_ARCHIVE_BROKEN)) {
        l->flags |= ATTACH_ARCHIVE_BROKEN;
        if (l->why[0] == '\0')
            util_strlcpy(l->why, why, sizeof(l->why));
    }
    return 0;
}

int
arclist_export(const struct arclist *l, struct attach_inner **out)
{
    struct attach_inner *v;

    *out = NULL;
    if (l->n == 0)
        return 0;
    if ((v = calloc(l->n, sizeof(*v))) == NULL)
        return -1;
    for (size_t i = 0; i < l->n; i++) {
        const struct arclist_ent *e = &l->ents[i];
        v[i].path = l->text.s + e->path;
        v[i].name = l->text.s + e->name;
        v[i].folded = l->text.s + e->folded;
        v[i].exts = l->text.s + e->exts;
        v[i].name_flags = e->name_flags;
        v[i].depth = e->depth;
        v[i].encrypted = e->encrypted;
    }
    *out = v;
    return 0;
}

/* ---- zipdir hook: a zip bigger than the windows, listed from its central directory ---- */

/* Extensions of members that are archives themselves (the types sniff_is_archive lists, by
 * name: between the windows their bytes cannot be sniffed). */
static const char *const arclist_zip_nested_ext[] = {
    "zip", "jar", "docx", "xlsx", "pptx", "docm", "xlsm", "7z", "rar",
    "gz",  "tgz", "tar",  "xz",   "bz2",  "cab",  "iso",  NULL,
};

struct arclist_zip_ctx {
    struct arclist *l;
    const struct zipdir_src *zs;
};

static int
arclist_zip_entry(void *ctx, const struct zipdir_entry *e, char *err, size_t errlen)
{
    struct arclist_zip_ctx *c = ctx;
    struct arclist *l = c->l;
    const unsigned char *data;
    size_t had = l->n;
    int nested = 0, r;
    char *path;

    if (e->encrypted)
        l->flags |= ATTACH_ENCRYPTED;
    if (arclist_add(l, "", e->name, 1, e->encrypted, err, errlen) == -1)
        return -1;
    if (arclist_stopped(l))
        return 1;
    /* The last extension: "notes.zip.txt" is text, "a.tar.gz" an archive. */
    for (size_t i = 0; l->n > had && l->scratch->next > 0 && arclist_zip_nested_ext[i] != NULL; i++)
        nested |= strcmp(l->scratch->ext[0], arclist_zip_nested_ext[i]) == 0;
    if (!nested || e->encrypted)
        return 0;
    /* Only a member stored whole in one window is looked into; nothing is inflated here. */
    if ((r = zipdir_stored(c->zs, e, &data)) != 1) {
        arclist_stop(l, ATTACH_ARCHIVE_LIMIT,
                     r == 0 ? "nested archive outside the windows kept"
                            : "nested archive compressed inside a big zip (not inflated)",
                     0);
        return 0;
    }
    if (e->csize > ARCLIST_NEST_MEMBER_MAX) {
        arclist_stop(l, ATTACH_ARCHIVE_LIMIT, "nested archive too big", 0);
        return 0;
    }
    if (e->csize > ARCLIST_EXPAND_MAX - l->expanded) {
        arclist_stop(l, ATTACH_ARCHIVE_LIMIT, "expansion limit", 1);
        return 1;
    }
    l->expanded += e->csize;
    /* The prefix is copied: listing the nested archive grows l->text, which may move. */
    if ((path = strdup(l->text.s + l->ents[l->n - 1].path)) == NULL) {
        util_errf(err, errlen, "archive listing: out of memory");
        return -1;
    }
    r = arclist_nested(l, data, (size_t)e->csize, 0, path, 1, err, errlen);
    free(path);
    if (r == -1)
        return -1;
    return arclist_stopped(l) ? 1 : 0;
}

/* 1 when src is not a zip bigger than the windows (libarchive lists it), else 0 or -1. */
static int
arclist_zipdir(struct arclist *l, const struct arclist_src *src, char *err, size_t errlen)
{
    struct zipdir_src zs = {src->head, src->tail, src->hlen, src->tlen, src->size};
    struct arclist_zip_ctx c = {l, &zs};
    char why[sizeof(l->why)];
    const char *t;
    int st;

    if (src->tail == NULL || src->hlen + src->tlen >= src->size)
        return 1;
    t = sniff_type(src->head, src->hlen, src->tail, src->tlen, src->size);
    if (!(src->hlen >= 4 && memcmp(src->head, "PK\3\4", 4) == 0) && strcmp(t, "zip") != 0 &&
        strcmp(t, "ooxml") != 0 && strcmp(t, "ooxml-macro") != 0)
        return 1;
    st = zipdir_read(&zs, arclist_zip_entry, &c, NULL, why, sizeof(why), err, errlen);
    if (st == ZIPDIR_NOT_ZIP)
        return 1; /* no end record: arclist_walk says so and lists the local headers */
    if (st == ZIPDIR_INCOMPLETE)
        arclist_stop(l, ATTACH_ARCHIVE_LIMIT, why, 0);
    else if (st == ZIPDIR_BROKEN)
        arclist_stop(l, ATTACH_ARCHIVE_BROKEN, why, 0);
    return st == -1 ? -1 : 0;
}

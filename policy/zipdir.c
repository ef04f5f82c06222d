/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * zipdir.c - a zip's central directory read from the tail window: the end records found and
 * checked against each other, every entry read through bounds checks before any is passed on,
 * the local headers the windows hold checked against the directory, names made UTF-8.
 */
#include "zipdir.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fixed parts of the records (APPNOTE 4.3.7, 4.3.12, 4.3.14, 4.3.15). */
#define ZIPDIR_LOCAL_LEN 30
#define ZIPDIR_CENTRAL_LEN 46
#define ZIPDIR_EOCD64_LEN 56
#define ZIPDIR_LOCATOR_LEN 20
/* 32-bit and 16-bit fields that say "see the Zip64 record or extra field". */
#define ZIPDIR_FFFF 0xffffu
#define ZIPDIR_FFFFFFFF 0xffffffffULL
#define ZIPDIR_FLAG_ENCRYPTED 0x0001u
#define ZIPDIR_FLAG_DESCRIPTOR 0x0008u
#define ZIPDIR_FLAG_UTF8 0x0800u
#define ZIPDIR_METHOD_AES 99u
#define ZIPDIR_EXTRA_ZIP64 0x0001u
#define ZIPDIR_EXTRA_UPATH 0x7075u /* Info-ZIP Unicode Path: version, CRC-32 of the name, UTF-8 */

/* Unicode for CP437 0x80..0xff (the code page zip names are in unless flagged UTF-8). */
static const unsigned short zipdir_cp437[128] = {
    0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7, 0x00ea, 0x00eb, 0x00e8, 0x00ef,
    0x00ee, 0x00ec, 0x00c4, 0x00c5, 0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
    0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192, 0x00e1, 0x00ed, 0x00f3, 0x00fa,
    0x00f1, 0x00d1, 0x00aa, 0x00ba, 0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557,
    0x255d, 0x255c, 0x255b, 0x2510, 0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
    0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
    0x2558, 0x2552, 0x2553, 0x256b, 0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
    0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4, 0x03a6, 0x0398, 0x03a9, 0x03b4,
    0x221e, 0x03c6, 0x03b5, 0x2229, 0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
    0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,
};

/* An entry as validated: where it is in the tail window, and what the head check needs. */
struct zipdir_loc {
    unsigned long long lho, csize;
    size_t at;      /* the entry's offset in the tail window */
    size_t namelen; /* stored name length */
};

static unsigned
zipdir_le16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static unsigned long long
zipdir_le32(const unsigned char *p)
{
    return (unsigned long long)zipdir_le16(p) | (unsigned long long)zipdir_le16(p + 2) << 16;
}

static unsigned long long
zipdir_le64(const unsigned char *p)
{
    return zipdir_le32(p) | zipdir_le32(p + 4) << 32;
}

static int
zipdir_sig(const unsigned char *p, unsigned a, unsigned b)
{
    return p[0] == 'P' && p[1] == 'K' && p[2] == a && p[3] == b;
}

/* The len bytes at part offset off when they lie wholly in one window, else NULL. */
static const unsigned char *
zipdir_at(const struct zipdir_src *s, unsigned long long off, unsigned long long len)
{
    unsigned long long toff = s->size - s->tlen;

    if (s->head != NULL && off <= s->hlen && len <= s->hlen - off)
        return s->head + off;
    if (off >= toff && off - toff <= s->tlen && len <= s->tlen - (off - toff))
        return s->tail + (off - toff);
    return NULL;
}

static unsigned long
zipdir_crc32(const unsigned char *p, size_t n)
{
    unsigned long c = 0xffffffffUL;

    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320UL & (0UL - (c & 1)));
    }
    return c ^ 0xffffffffUL;
}

/*
 * Reads the entry at w[at..end) of the tail window into *e (name not converted: raw only) and
 * the Info-ZIP Unicode path, if any and its CRC matches, into *upath and *ulen. The entry must fit
 * before end, its Zip64 fields must be there when flagged, and its local header and compressed
 * data must fit before the directory at cd_off. 0, or -1 with why.
 */
static int
zipdir_entry(const unsigned char *w, size_t at, size_t end, unsigned long long cd_off,
             struct zipdir_entry *e, size_t *next, const unsigned char **upath, size_t *ulen,
             char *why, size_t whylen)
{
    const unsigned char *p = w + at, *x;
    size_t n, m, k, left;
    int need_u, need_c, need_o;

    if (end - at < ZIPDIR_CENTRAL_LEN || !zipdir_sig(p, 1, 2)) {
        util_errf(why, whylen, "zip central directory entry %zu damaged", e->index);
        return -1;
    }
    e->gpflags = zipdir_le16(p + 8);
    e->method = zipdir_le16(p + 10);
    e->csize = zipdir_le32(p + 20);
    e->usize = zipdir_le32(p + 24);
    n = zipdir_le16(p + 28);
    m = zipdir_le16(p + 30);
    k = zipdir_le16(p + 32);
    e->lho = zipdir_le32(p + 42);
    if (n + m + k > end - at - ZIPDIR_CENTRAL_LEN) {
        util_errf(why, whylen, "zip central directory entry %zu runs past the directory", e->index);
        return -1;
    }
    e->raw = p + ZIPDIR_CENTRAL_LEN;
    e->rawlen = n;
    e->encrypted = (e->gpflags & ZIPDIR_FLAG_ENCRYPTED) || e->method == ZIPDIR_METHOD_AES;
    *upath = NULL;
    *ulen = 0;
    need_u = e->usize == ZIPDIR_FFFFFFFF;
    need_c = e->csize == ZIPDIR_FFFFFFFF;
    need_o = e->lho == ZIPDIR_FFFFFFFF;
    /* Extra fields; a short tail (alignment padding some writers leave) ends the walk. */
    for (x = e->raw + n, left = m; left >= 4;) {
        unsigned id = zipdir_le16(x), sz = zipdir_le16(x + 2);
        const unsigned char *d = x + 4;

        if (sz > left - 4)
            break;
        if (id == ZIPDIR_EXTRA_ZIP64) {
            /* Only the fields flagged in the entry are there, in this order. */
            size_t need = 8u * (unsigned)(need_u + need_c + need_o);
            if (sz < need) {
                util_errf(why, whylen, "zip entry %zu: Zip64 extra field too short", e->index);
                return -1;
            }
            if (need_u) {
                e->usize = zipdir_le64(d);
                d += 8;
            }
            if (need_c) {
                e->csize = zipdir_le64(d);
                d += 8;
            }
            if (need_o)
                e->lho = zipdir_le64(d);
            need_u = need_c = need_o = 0;
        } else if (id == ZIPDIR_EXTRA_UPATH && sz >= 5 && d[0] == 1 &&
                   zipdir_le32(d + 1) == zipdir_crc32(e->raw, n)) {
            *upath = d + 5;
            *ulen = sz - 5u;
        }
        x += 4u + sz;
        left -= 4u + sz;
    }
    if (need_c || need_o) {
        util_errf(why, whylen, "zip entry %zu: Zip64 size or offset without its extra field",
                  e->index);
        return -1;
    }
    /* The local header, its name and the compressed data lie before the directory: each
     * subtraction is checked first, so nothing wraps. */
    if (cd_off < ZIPDIR_LOCAL_LEN || e->lho > cd_off - ZIPDIR_LOCAL_LEN ||
        n > cd_off - ZIPDIR_LOCAL_LEN - e->lho ||
        e->csize > cd_off - ZIPDIR_LOCAL_LEN - e->lho - n) {
        util_errf(why, whylen, "zip entry %zu lies past the central directory", e->index);
        return -1;
    }
    *next = at + ZIPDIR_CENTRAL_LEN + n + m + k;
    return 0;
}

static int
zipdir_loc_cmp(const void *a, const void *b)
{
    const struct zipdir_loc *x = a, *y = b;
    return x->lho < y->lho ? -1 : x->lho > y->lho;
}

/* 1 when a record signature (local, central, end, Zip64 end) starts at off. */
static int
zipdir_sig_at(const struct zipdir_src *s, unsigned long long off)
{
    const unsigned char *p = zipdir_at(s, off, 4);

    return p != NULL && (zipdir_sig(p, 3, 4) || zipdir_sig(p, 1, 2) || zipdir_sig(p, 5, 6) ||
                         zipdir_sig(p, 6, 6));
}

/*
 * The local headers in the windows against the directory (locs sorted by offset): no two
 * entries share one or overlap, each one that lies in a window names what its entry names,
 * and walking the head window's local headers one after another (each member's end known from
 * its entry) meets only listed ones. 0, or -1 with why.
 */
static int
zipdir_check_local(const struct zipdir_src *s, const struct zipdir_loc *locs, size_t n,
                   const unsigned char *w, char *why, size_t whylen)
{
    unsigned long long off = 0;

    for (size_t i = 0; i < n; i++) {
        const unsigned char *p;
        unsigned long long end = locs[i].lho + ZIPDIR_LOCAL_LEN + locs[i].namelen + locs[i].csize;

        /* No wrap: zipdir_entry put lho + 30 + namelen + csize before the directory. */
        if (i + 1 < n && end > locs[i + 1].lho) {
            util_errf(why, whylen, "zip members overlap (at offset %llu)", locs[i + 1].lho);
            return -1;
        }
        p = zipdir_at(s, locs[i].lho, ZIPDIR_LOCAL_LEN + locs[i].namelen);
        if (p != NULL && (!zipdir_sig(p, 3, 4) || zipdir_le16(p + 26) != locs[i].namelen ||
                          memcmp(p + ZIPDIR_LOCAL_LEN, w + locs[i].at + ZIPDIR_CENTRAL_LEN,
                                 locs[i].namelen) != 0)) {
            util_errf(why, whylen,
                      "zip local header at offset %llu does not match the central directory",
                      locs[i].lho);
            return -1;
        }
    }
    if (s->head == NULL)
        return 0;
    for (;;) {
        const unsigned char *p = zipdir_at(s, off, ZIPDIR_LOCAL_LEN);
        struct zipdir_loc key = {0}, *hit;

        if (p == NULL || !zipdir_sig(p, 3, 4))
            return 0;
        key.lho = off;
        hit = n > 0 ? bsearch(&key, locs, n, sizeof(*locs), zipdir_loc_cmp) : NULL;
        if (hit == NULL) {
            util_errf(why, whylen, "zip local header at offset %llu not in the central directory",
                      off);
            return -1;
        }
        off += ZIPDIR_LOCAL_LEN + zipdir_le16(p + 26) + zipdir_le16(p + 28) + hit->csize;
        if (zipdir_le16(p + 6) & ZIPDIR_FLAG_DESCRIPTOR) {
            /* CRC and sizes follow the data, 32-bit or 64-bit, after an optional signature:
             * the next record's signature tells which. */
            const unsigned char *d = zipdir_at(s, off, 4);
            if (d != NULL && zipdir_sig(d, 7, 8))
                off += 4;
            if (zipdir_sig_at(s, off + 12))
                off += 12;
            else if (zipdir_sig_at(s, off + 20))
                off += 20;
            else
                return 0;
        }
    }
}

/* name as UTF-8 into *buf (grown as needed, at most ZIPDIR_NAME_UTF8_MAX). 0, -1. */
static int
zipdir_name(const struct zipdir_entry *e, const unsigned char *upath, size_t ulen, char **buf,
            size_t *cap, size_t *len)
{
    const unsigned char *src = upath != NULL ? upath : e->raw;
    size_t n = upath != NULL ? ulen : e->rawlen, need = 3 * n + 1, o = 0;
    int utf8 = upath != NULL || (e->gpflags & ZIPDIR_FLAG_UTF8);

    if (need > *cap) {
        char *p = realloc(*buf, need);
        if (p == NULL)
            return -1;
        *buf = p;
        *cap = need;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned c = src[i];
        if (utf8 || c < 0x80) {
            (*buf)[o++] = (char)c;
            continue;
        }
        c = zipdir_cp437[c - 0x80];
        if (c < 0x800) {
            (*buf)[o++] = (char)(0xc0 | c >> 6);
        } else {
            (*buf)[o++] = (char)(0xe0 | c >> 12);
            (*buf)[o++] = (char)(0x80 | (c >> 6 & 0x3f));
        }
        (*buf)[o++] = (char)(0x80 | (c & 0x3f));
    }
    (*buf)[o] = '\0';
    *len = o;
    return 0;
}

/* The end records: sets info and the directory's place in the tail window. ZIPDIR_*. */
static int
zipdir_end(const struct zipdir_src *s, struct zipdir_info *in, char *why, size_t whylen)
{
    const unsigned char *w = s->tail, *e = NULL;
    unsigned long long toff = s->size - s->tlen, cd_end, nd, nt, cdsize, cdoff;
    size_t i, lo = s->tlen > ZIPDIR_EOCD_LEN + ZIPDIR_COMMENT_MAX
                       ? s->tlen - ZIPDIR_EOCD_LEN - ZIPDIR_COMMENT_MAX
                       : 0;
    unsigned disk, cddisk;

    /* The last signature whose comment reaches exactly the end: a comment may hold one. */
    for (i = s->tlen >= ZIPDIR_EOCD_LEN ? s->tlen - ZIPDIR_EOCD_LEN + 1 : 0; i-- > lo;)
        if (zipdir_sig(w + i, 5, 6) && zipdir_le16(w + i + 20) == s->tlen - i - ZIPDIR_EOCD_LEN) {
            e = w + i;
            break;
        }
    if (e == NULL) {
        if (lo == 0 && toff > 0) {
            util_errf(why, whylen, "zip end record not in the tail window");
            return ZIPDIR_INCOMPLETE;
        }
        util_errf(why, whylen, "no zip end record");
        return ZIPDIR_NOT_ZIP;
    }
    in->eocd_off = toff + i;
    in->comment_len = zipdir_le16(e + 20);
    disk = zipdir_le16(e + 4);
    cddisk = zipdir_le16(e + 6);
    nd = zipdir_le16(e + 8);
    nt = zipdir_le16(e + 10);
    cdsize = zipdir_le32(e + 12);
    cdoff = zipdir_le32(e + 16);
    cd_end = in->eocd_off;
    if (i >= ZIPDIR_LOCATOR_LEN && zipdir_sig(e - ZIPDIR_LOCATOR_LEN, 6, 7)) {
        const unsigned char *l = e - ZIPDIR_LOCATOR_LEN, *r;
        unsigned long long loc = in->eocd_off - ZIPDIR_LOCATOR_LEN, r_off = zipdir_le64(l + 8);
        unsigned long long ndisks = zipdir_le32(l + 16);

        in->zip64 = 1;
        if (zipdir_le32(l + 4) != 0 || ndisks > 1) {
            util_errf(why, whylen, "zip split over several disks");
            return ZIPDIR_BROKEN;
        }
        if (loc < ZIPDIR_EOCD64_LEN || r_off > loc - ZIPDIR_EOCD64_LEN) {
            util_errf(why, whylen, "Zip64 end record past its locator");
            return ZIPDIR_BROKEN;
        }
        if (r_off < toff) {
            util_errf(why, whylen, "Zip64 end record not in the tail window");
            return ZIPDIR_INCOMPLETE;
        }
        r = w + (r_off - toff);
        /* Its size field counts what follows it; the record (with any extensible data)
         * ends at the locator. */
        if (!zipdir_sig(r, 6, 6) || zipdir_le64(r + 4) != loc - r_off - 12) {
            util_errf(why, whylen, "Zip64 end record damaged");
            return ZIPDIR_BROKEN;
        }
        if ((disk != ZIPDIR_FFFF && disk != zipdir_le32(r + 16)) ||
            (cddisk != ZIPDIR_FFFF && cddisk != zipdir_le32(r + 20)) ||
            (nd != ZIPDIR_FFFF && nd != zipdir_le64(r + 24)) ||
            (nt != ZIPDIR_FFFF && nt != zipdir_le64(r + 32)) ||
            (cdsize != ZIPDIR_FFFFFFFF && cdsize != zipdir_le64(r + 40)) ||
            (cdoff != ZIPDIR_FFFFFFFF && cdoff != zipdir_le64(r + 48))) {
            util_errf(why, whylen, "zip end record and Zip64 end record disagree");
            return ZIPDIR_BROKEN;
        }
        disk = zipdir_le32(r + 16) != 0;
        cddisk = zipdir_le32(r + 20) != 0;
        nd = zipdir_le64(r + 24);
        nt = zipdir_le64(r + 32);
        cdsize = zipdir_le64(r + 40);
        cdoff = zipdir_le64(r + 48);
        cd_end = r_off;
    }
    if (disk != 0 || cddisk != 0) {
        util_errf(why, whylen, "zip split over several disks");
        return ZIPDIR_BROKEN;
    }
    if (nd != nt) {
        util_errf(why, whylen, "zip end record: entry counts disagree (%llu, %llu)", nd, nt);
        return ZIPDIR_BROKEN;
    }
    if (cdsize > cd_end || cdoff != cd_end - cdsize) {
        util_errf(why, whylen, "zip central directory does not end where its end record begins");
        return ZIPDIR_BROKEN;
    }
    if (nt > cdsize / ZIPDIR_CENTRAL_LEN) {
        util_errf(why, whylen, "zip end record: %llu entries cannot fit in %llu bytes", nt, cdsize);
        return ZIPDIR_BROKEN;
    }
    in->entries = nt;
    in->cd_off = cdoff;
    in->cd_size = cdsize;
    if (cdoff < toff) {
        util_errf(why, whylen, "zip central directory larger than the tail window");
        return ZIPDIR_INCOMPLETE;
    }
    return ZIPDIR_OK;
}

int
zipdir_read(const struct zipdir_src *s, zipdir_cb cb, void *ctx, struct zipdir_info *info,
            char *why, size_t whylen, char *err, size_t errlen)
{
    struct zipdir_info in = {0};
    struct zipdir_loc *locs = NULL;
    struct zipdir_entry e;
    const unsigned char *up;
    unsigned long long toff;
    size_t at, end, n, ulen, next, cap = 0;
    char *name = NULL;
    int st;

    if (why != NULL && whylen > 0)
        why[0] = '\0';
    if (info != NULL)
        memset(info, 0, sizeof(*info));
    if (s->tail == NULL || s->tlen > s->size || (s->head != NULL && s->hlen > s->size)) {
        util_errf(err, errlen, "zip directory: the windows do not fit the part");
        return -1;
    }
    toff = s->size - s->tlen;
    if ((st = zipdir_end(s, &in, why, whylen)) != ZIPDIR_OK)
        goto out;
    at = (size_t)(in.cd_off - toff);
    end = (size_t)(in.cd_off + in.cd_size - toff);
    /* in.entries <= cd_size / 46 <= tlen / 46: the array is bounded by the window. */
    if (in.entries > 0 && (locs = calloc((size_t)in.entries, sizeof(*locs))) == NULL)
        goto oom;
    for (n = 0; at < end; n++, at = next) {
        memset(&e, 0, sizeof(e));
        e.index = n;
        if (n == in.entries) {
            util_errf(why, whylen, "zip central directory holds more than its %llu entries",
                      in.entries);
            st = ZIPDIR_BROKEN;
            goto out;
        }
        if (zipdir_entry(s->tail, at, end, in.cd_off, &e, &next, &up, &ulen, why, whylen)) {
            st = ZIPDIR_BROKEN;
            goto out;
        }
        locs[n] = (struct zipdir_loc){e.lho, e.csize, at, e.rawlen};
    }
    if (n != in.entries) {
        util_errf(why, whylen, "zip central directory holds %zu of its %llu entries", n,
                  in.entries);
        st = ZIPDIR_BROKEN;
        goto out;
    }
    if (n > 0)
        qsort(locs, n, sizeof(*locs), zipdir_loc_cmp);
    if (zipdir_check_local(s, locs, n, s->tail, why, whylen) == -1) {
        st = ZIPDIR_BROKEN;
        goto out;
    }
    at = (size_t)(in.cd_off - toff);
    for (size_t i = 0; i < n; i++, at = next) {
        int r;
        memset(&e, 0, sizeof(e));
        e.index = i;
        (void)zipdir_entry(s->tail, at, end, in.cd_off, &e, &next, &up, &ulen, why, whylen);
        if (zipdir_name(&e, up, ulen, &name, &cap, &e.namelen) == -1)
            goto oom;
        e.name = name;
        if ((r = cb(ctx, &e, err, errlen)) == -1) {
            st = -1;
            goto out;
        }
        if (r == 1)
            break;
    }
out:
    if (info != NULL)
        *info = in;
    free(locs);
    free(name);
    return st;
oom:
    util_errf(err, errlen, "zip directory: out of memory");
    st = -1;
    goto out;
}

int
zipdir_stored(const struct zipdir_src *s, const struct zipdir_entry *e, const unsigned char **data)
{
    const unsigned char *p = zipdir_at(s, e->lho, ZIPDIR_LOCAL_LEN);
    unsigned long long doff;

    *data = NULL;
    if (p == NULL || !zipdir_sig(p, 3, 4))
        return 0;
    doff = ZIPDIR_LOCAL_LEN + zipdir_le16(p + 26) + zipdir_le16(p + 28);
    /* Header and data in the same window (csize was checked to lie before the directory, so
     * nothing wraps): a member split by the gap is not read. */
    if ((p = zipdir_at(s, e->lho, doff + e->csize)) == NULL)
        return 0;
    if (e->method != 0 || e->encrypted)
        return 2;
    *data = p + doff;
    return 1;
}

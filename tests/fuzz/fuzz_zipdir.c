/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_zipdir.c - libFuzzer target for the zip central directory reader: raw bytes as the tail
 * window of a part that may be bigger (a gap before it), optionally the same bytes as the head
 * window. Invariants: no crash; callbacks only for an OK status, in order, with the stored name
 * inside the window, a NUL-terminated UTF-8 name, offsets and sizes before the directory.
 *   input: [mode][gap: 4 bytes, little-endian][tail window ...]
 */
#include "zipdir.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_ctx {
    const struct zipdir_src *src;
    size_t calls;
    int stop_at;
};

static int
fz_cb(void *ctx, const struct zipdir_entry *e, char *err, size_t errlen)
{
    struct fz_ctx *c = ctx;
    const struct zipdir_src *s = c->src;
    const unsigned char *d;

    (void)err;
    (void)errlen;
    if (e->index != c->calls++ || e->raw < s->tail || e->rawlen > s->tlen ||
        (size_t)(e->raw - s->tail) > s->tlen - e->rawlen || e->name[e->namelen] != '\0' ||
        e->namelen > 3 * 65535 || e->lho >= s->size || e->csize > s->size)
        abort();
    switch (zipdir_stored(s, e, &d)) {
    case 0:
    case 2:
        if (d != NULL)
            abort();
        break;
    case 1: {
        int in_head = s->head != NULL && d >= s->head && d <= s->head + s->hlen &&
                      e->csize <= (size_t)(s->head + s->hlen - d);
        int in_tail =
            d >= s->tail && d <= s->tail + s->tlen && e->csize <= (size_t)(s->tail + s->tlen - d);
        if (!in_head && !in_tail)
            abort();
        break;
    }
    default:
        abort();
    }
    return c->stop_at >= 0 && c->calls == (size_t)c->stop_at ? 1 : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct zipdir_src s = {0};
    struct zipdir_info info;
    struct fz_ctx c = {&s, 0, -1};
    char why[160], err[160];
    unsigned long long gap;
    int st;

    if (size < 5)
        return 0;
    gap = (unsigned long long)data[1] | (unsigned long long)data[2] << 8 |
          (unsigned long long)data[3] << 16 | (unsigned long long)data[4] << 24;
    s.tail = data + 5;
    s.tlen = size - 5;
    s.size = s.tlen + ((data[0] & 1) ? gap : 0);
    if (data[0] & 2) {
        s.head = s.tail;
        s.hlen = s.tlen;
    }
    if (data[0] & 4)
        c.stop_at = data[0] >> 3;
    st = zipdir_read(&s, fz_cb, &c, &info, why, sizeof(why), err, sizeof(err));
    if (st == -1)
        abort(); /* the windows fit, and nothing here runs out of memory */
    if (st != ZIPDIR_OK && st != ZIPDIR_NOT_ZIP && st != ZIPDIR_INCOMPLETE && st != ZIPDIR_BROKEN)
        abort();
    if (st != ZIPDIR_OK && (c.calls != 0 || why[0] == '\0'))
        abort();
    if (st == ZIPDIR_OK && c.stop_at < 0 && c.calls != info.entries)
        abort();
    if (st == ZIPDIR_OK &&
        (info.cd_off < s.size - s.tlen || info.eocd_off >= s.size || info.cd_size > s.tlen))
        abort();
    return 0;
}

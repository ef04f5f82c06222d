/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * buf.h - a byte buffer that grows on demand up to a limit its owner names. Parsers of untrusted
 * input put what they keep here instead of into fixed arrays: past the limit the input is "too
 * long", a fact the caller reports, never text cut silently or written past the end.
 */
#ifndef RW_BUF_H
#define RW_BUF_H

#include <stddef.h>

struct buf {
    char *s;    /* NUL-terminated when len > 0 or after buf_put; NULL before the first byte */
    size_t len; /* bytes held, not counting the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* most bytes it may hold; set by buf_init */
};

/* buf_init - an empty buffer that will hold at most max bytes. Allocates nothing. */
void buf_init(struct buf *b, size_t max);
/* buf_free - releases the memory; the buffer is empty and reusable with the same limit. */
void buf_free(struct buf *b);
/* buf_reset - empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/*
 * buf_put - appends n bytes (which may include NULs; the buffer stays NUL-terminated).
 * Returns 0, or -1 without appending anything when len + n would pass max or memory runs out;
 * buf_over tells which.
 */
int buf_put(struct buf *b, const void *p, size_t n);
int buf_putc(struct buf *b, char c);
/* buf_str - the contents as a C string ("" when empty). Valid until the next put or free. */
const char *buf_str(const struct buf *b);
/* buf_over - 1 if the last failed put was refused for the limit (not for memory). */
int buf_over(const struct buf *b, size_t n);

#endif

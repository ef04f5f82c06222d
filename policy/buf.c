/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * buf.c - bounded growable byte buffers (see buf.h). Sizes are checked before they are added,
 * so no sum can wrap around.
 */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

void
buf_init(struct buf *b, size_t max)
{
    b->s = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

void
buf_free(struct buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void
buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->s != NULL)
        b->s[0] = '\0';
}

int
buf_over(const struct buf *b, size_t n)
{
    return n > b->max || b->len > b->max - n;
}

int
buf_put(struct buf *b, const void *p, size_t n)
{
    if (buf_over(b, n))
        return -1;
    /* len + n <= max < SIZE_MAX, so len + n + 1 cannot wrap. */
    if (b->len + n + 1 > b->cap) {
        size_t want = b->cap ? b->cap : 64;
        char *s;
        while (want < b->len + n + 1)
            want = want > b->max / 2 ? b->max + 1 : want * 2;
        if ((s = realloc(b->s, want)) == NULL)
            return -1;
        b->s = s;
        b->cap = want;
    }
    if (n > 0)
        memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

int
buf_putc(struct buf *b, char c)
{
    return buf_put(b, &c, 1);
}

const char *
buf_str(const struct buf *b)
{
    return b->s != NULL ? b->s : "";
}

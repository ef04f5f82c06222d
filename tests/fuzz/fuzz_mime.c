/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_mime.c - libFuzzer target for the streaming MIME parser. The input is a message (header
 * fields, blank line, body); its first byte seeds the chunk sizes. Invariants:
 *   - the event dump and status fed in chunks of sizes drawn from the input, and (for inputs up
 *     to 4 KiB) byte by byte, equal the dump fed in one piece;
 *   - depth, number of parts and decoded bytes stay within their named limits.
 */
#include "mime.h"
#include "../mime/dump.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_chunks {
    uint32_t x;
    size_t max;
};

static size_t
fz_next(void *arg, size_t i)
{
    struct fz_chunks *c = arg;

    (void)i;
    c->x = c->x * 1103515245u + 12345u;
    return 1 + (c->x >> 8) % c->max;
}

static size_t
fz_one(void *arg, size_t i)
{
    (void)arg;
    (void)i;
    return 1;
}

static unsigned
fz_parts(const struct dump *d)
{
    unsigned n = 0;
    const char *p;

    for (p = d->s; p != NULL && (p = strstr(p, "\n+")) != NULL; p++)
        n++;
    return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dump one = {0}, chunked = {0}, bytes = {0};
    struct fz_chunks c;

    if (size < 1)
        return 0;
    c.x = data[0];
    c.max = 1 + (size_t)data[0] * 4;
    data++;
    size--;
    dump_message(&one, (const char *)data, size, NULL, NULL);
    dump_message(&chunked, (const char *)data, size, fz_next, &c);
    if (one.len != chunked.len || memcmp(one.s, chunked.s, one.len) != 0) {
        fprintf(stderr, "one piece:\n%s\nchunked:\n%s\n", one.s, chunked.s);
        abort();
    }
    if (size <= 4096) {
        dump_message(&bytes, (const char *)data, size, fz_one, NULL);
        if (one.len != bytes.len || memcmp(one.s, bytes.s, one.len) != 0) {
            fprintf(stderr, "one piece:\n%s\nbyte by byte:\n%s\n", one.s, bytes.s);
            abort();
        }
    }
    if (one.max_depth > MIME_DEPTH_MAX || one.total > MIME_DECODED_MAX ||
        fz_parts(&one) > MIME_PARTS_MAX)
        abort();
    free(one.s);
    free(chunked.s);
    free(bytes.s);
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_smtpreply.c - libFuzzer target for the live relay audit's SMTP reply parser, which reads
 * what any server sends. The input is a stream of replies in a buffer of exactly its size (ASan
 * catches a read past it). Invariants: every reply taken is 1 to SMTPREPLY_LINES_MAX lines with
 * a code of 200-559 and printable text, takes at least 4 bytes and no more than are there; what
 * is left unread is never more than one reply can be; and the parser agrees with itself at every
 * split point: a prefix shorter than a reply is "read more", a longer one gives the same reply,
 * and once bytes are refused, longer prefixes are refused too. smtpreply_offers_tls on each reply
 * taken agrees with a line-by-line reading of it and reads only its bytes.
 */
#include "smtpreply.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Split points looked at per reply: every one up to this, then a stride. */
#define FUZZ_SPLITS 600

static void
fuzz_check_reply(const struct smtp_reply *r, size_t used, size_t avail)
{
    size_t i, n = strlen(r->text);

    if (r->code < 200 || r->code > 559 || r->nlines < 1 || r->nlines > SMTPREPLY_LINES_MAX ||
        used < 4 || used > avail || n > SMTPREPLY_TEXT_MAX + 3)
        abort();
    for (i = 0; i < n; i++)
        if ((unsigned char)r->text[i] < 0x20 || (unsigned char)r->text[i] > 0x7e)
            abort();
}

/* STARTTLS offered, found the slow way: each line cut out, its keyword compared. */
static int
fuzz_offers_tls(const char *reply, size_t len)
{
    static const char kw[] = "STARTTLS";
    size_t start = 0, end, i;

    while (start < len) {
        const char *nl = memchr(reply + start, '\n', len - start);
        int match = 1;
        end = nl != NULL ? (size_t)(nl - reply) : len;
        if (end - start >= 12 && (end - start == 12 || reply[start + 12] == '\r' ||
                                  reply[start + 12] == ' ' || reply[start + 12] == '\n')) {
            for (i = 0; i < 8; i++)
                if ((reply[start + 4 + i] & ~0x20) != kw[i])
                    match = 0;
            if (match && (end < len || end - start > 12))
                return 1;
        }
        start = end + 1;
    }
    return 0;
}

/* The same question asked of every prefix of buf[0..len). */
static void
fuzz_check_prefixes(const char *buf, size_t len, int want, const struct smtp_reply *full,
                    size_t full_used)
{
    struct smtp_reply r;
    char why[128];
    size_t k, used, step;
    int rc, refused = 0;

    for (k = 0; k <= len; k += step) {
        step = k < FUZZ_SPLITS ? 1 : 1 + len / FUZZ_SPLITS;
        rc = smtpreply_parse(buf, k, &r, &used, why, sizeof(why));
        if (refused && rc != -1)
            abort(); /* refused bytes stay refused */
        if (rc == -1) {
            if (want != -1)
                abort();
            refused = 1;
        } else if (rc == 1) {
            if (want != 1 || k < full_used || used != full_used || r.code != full->code ||
                r.nlines != full->nlines || strcmp(r.text, full->text) != 0)
                abort();
        } else if (want == 1 && k >= full_used) {
            abort();
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1), why[128];
    struct smtp_reply r;
    size_t pos = 0, used = 0;
    int rc, n = 0;

    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    while (pos < size) {
        rc = smtpreply_parse(buf + pos, size - pos, &r, &used, why, sizeof(why));
        if (n < 4) /* the split points of the first replies */
            fuzz_check_prefixes(buf + pos, size - pos, rc, &r, used);
        n++;
        if (rc != 1) {
            /* 0: no end of a reply yet - never more bytes than a whole reply may take */
            if (rc == 0 && size - pos >= SMTPREPLY_MAX + SMTPREPLY_LINE_MAX)
                abort();
            if (rc == -1 && why[0] == '\0')
                abort();
            break;
        }
        fuzz_check_reply(&r, used, size - pos);
        {
            /* a copy of exactly the reply's bytes: ASan sees a read past it */
            char *one = malloc(used);
            if (one != NULL) {
                memcpy(one, buf + pos, used);
                if (smtpreply_offers_tls(one, used) != fuzz_offers_tls(one, used))
                    abort();
                free(one);
            }
        }
        pos += used;
    }
    free(buf);
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * attach.c - the facts of one part from its decoded bytes, fed in pieces of any size: SHA-256
 * as they pass, the head and tail windows kept for sniffing and for listing archives, and the
 * facts computed once at the end. Memory: the two windows and the listing's limits (attach.h).
 */
#include "attach.h"
#include "arclist.h"
#include "sniff.h"
#include "util.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

struct attach {
    EVP_MD_CTX *md;
    unsigned char *head; /* ATTACH_HEAD_MAX */
    unsigned char *tail; /* ATTACH_TAIL_MAX, a ring until attach_end puts it in order */
    size_t hlen;
    unsigned long long size;   /* bytes fed */
    unsigned long long tbytes; /* bytes that went to the tail ring */
    int ended;
    struct arclist list;
    struct attach_inner *inner;
    struct attach_facts facts;
};

struct attach *
attach_new(void)
{
    struct attach *a = calloc(1, sizeof(*a));

    if (a == NULL)
        return NULL;
    arclist_init(&a->list);
    if ((a->head = malloc(ATTACH_HEAD_MAX)) == NULL ||
        (a->tail = malloc(ATTACH_TAIL_MAX)) == NULL || (a->md = EVP_MD_CTX_new()) == NULL ||
        EVP_DigestInit_ex(a->md, EVP_sha256(), NULL) != 1) {
        attach_free(a);
        return NULL;
    }
    return a;
}

void
attach_free(struct attach *a)
{
    if (a == NULL)
        return;
    EVP_MD_CTX_free(a->md);
    free(a->head);
    free(a->tail);
    free(a->inner);
    arclist_free(&a->list);
    free(a);
}

int
attach_feed(struct attach *a, const unsigned char *data, size_t len)
{
    size_t n;

    if (a->ended)
        return -1;
    if (len == 0)
        return 0;
    if (EVP_DigestUpdate(a->md, data, len) != 1)
        return -1;
    a->size += len;
    n = ATTACH_HEAD_MAX - a->hlen;
    if (n > len)
        n = len;
    memcpy(a->head + a->hlen, data, n);
    a->hlen += n;
    data += n;
    len -= n;
    if (len >= ATTACH_TAIL_MAX) {
        /* Only the last ATTACH_TAIL_MAX bytes stay: put them where the ring would have. */
        data += len - ATTACH_TAIL_MAX;
        a->tbytes += len - ATTACH_TAIL_MAX;
        len = ATTACH_TAIL_MAX;
    }
    while (len > 0) {
        size_t at = (size_t)(a->tbytes % ATTACH_TAIL_MAX), k = ATTACH_TAIL_MAX - at;
        if (k > len)
            k = len;
        memcpy(a->tail + at, data, k);
        a->tbytes += k;
        data += k;
        len -= k;
    }
    return 0;
}

static void
attach_reverse(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n / 2; i++) {
        unsigned char c = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = c;
    }
}

/* The tail ring in file order. Returns its length. The newest bytes, tail[0..at), are set
 * aside and put back after the oldest; without memory for that, a rotation in place by three
 * reversals (slower, as memcpy is to a byte loop). */
static size_t
attach_tail_order(struct attach *a)
{
    size_t at;
    unsigned char *tmp;

    if (a->tbytes <= ATTACH_TAIL_MAX)
        return (size_t)a->tbytes;
    at = (size_t)(a->tbytes % ATTACH_TAIL_MAX);
    if (at == 0)
        return ATTACH_TAIL_MAX;
    if ((tmp = malloc(at)) != NULL) {
        memcpy(tmp, a->tail, at);
        memmove(a->tail, a->tail + at, ATTACH_TAIL_MAX - at);
        memcpy(a->tail + ATTACH_TAIL_MAX - at, tmp, at);
        free(tmp);
        return ATTACH_TAIL_MAX;
    }
    attach_reverse(a->tail, at);
    attach_reverse(a->tail + at, ATTACH_TAIL_MAX - at);
    attach_reverse(a->tail, ATTACH_TAIL_MAX);
    return ATTACH_TAIL_MAX;
}

int
attach_end(struct attach *a, char *err, size_t errlen)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char dig[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    struct arclist_src src;
    const char *t;
    size_t tlen;

    if (a->ended) {
        util_errf(err, errlen, "attachment facts: attach_end called twice");
        return -1;
    }
    a->ended = 1;
    if (EVP_DigestFinal_ex(a->md, dig, &dlen) != 1 || dlen != 32) {
        util_errf(err, errlen, "attachment facts: SHA-256 failed");
        return -1;
    }
    for (unsigned i = 0; i < 32; i++) {
        a->facts.sha256[2 * i] = hex[dig[i] >> 4];
        a->facts.sha256[2 * i + 1] = hex[dig[i] & 15];
    }
    a->facts.sha256[64] = '\0';
    a->facts.size = a->size;
    a->facts.why = "";
    tlen = attach_tail_order(a);
    /* When nothing fell between the windows (tbytes == tlen) they join without a gap. */
    src = (struct arclist_src){a->head, tlen > 0 ? a->tail : NULL, a->hlen, tlen, a->size};
    t = sniff_type(a->head, a->hlen, tlen > 0 ? a->tail : NULL, tlen, a->size);
    if (sniff_is_archive(t) || arclist_zip_present(&src)) {
        a->facts.flags |= ATTACH_ARCHIVE;
        if (arclist_read(&a->list, &src, err, errlen) == -1)
            return -1;
        a->facts.flags |= a->list.flags;
        a->facts.why = a->list.why;
        if (arclist_export(&a->list, &a->inner) == -1) {
            util_errf(err, errlen, "attachment facts: out of memory");
            return -1;
        }
        a->facts.inner = a->inner;
        a->facts.ninner = a->list.n;
        /* The listing sees a zip's whole central directory, the sniff only header-like bytes
         * in the windows: a complete listing decides, an incomplete one only adds. */
        if (strcmp(t, "zip") == 0 || strcmp(t, "ooxml") == 0 || strcmp(t, "ooxml-macro") == 0) {
            int ct = 0, vba = 0;
            for (size_t i = 0; i < a->list.n; i++) {
                if (a->inner[i].depth != 1)
                    continue;
                ct |= strcmp(a->inner[i].path, "[Content_Types].xml") == 0;
                vba |= strcmp(a->inner[i].folded, "vbaproject.bin") == 0;
            }
            if (!(a->list.flags & (ATTACH_ARCHIVE_LIMIT | ATTACH_ARCHIVE_BROKEN)))
                t = !ct ? "zip" : vba ? "ooxml-macro" : "ooxml";
            else if (ct && (vba || strcmp(t, "ooxml-macro") == 0))
                t = "ooxml-macro";
            else if (ct && strcmp(t, "zip") == 0)
                t = "ooxml";
        }
    }
    if (strcmp(t, "ole-macro") == 0 || strcmp(t, "ooxml-macro") == 0)
        a->facts.flags |= ATTACH_MACRO;
    a->facts.truetype = t;
    return 0;
}

const struct attach_facts *
attach_facts(const struct attach *a)
{
    return a->ended && a->facts.truetype != NULL ? &a->facts : NULL;
}

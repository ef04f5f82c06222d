/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_attach.c - libFuzzer target for attachment facts: a file name through attach_name_norm,
 * and content (optionally with a run of zeros in its middle, so that the tail window and the
 * gap between the windows are reached) fed in chunks of sizes drawn from the input through
 * sniffing, hashing and archive listing. Invariants: the name's normal form is valid UTF-8
 * without controls, bidi controls, path separators or trailing dots and spaces; the facts are
 * the same whatever the chunking, the hash is SHA-256 of the content, every limit holds.
 *   input: [name length n][name: n bytes][mode][pad][chunk seed][content ...]
 */
#include "arclist.h"
#include "attach.h"
#include "sniff.h"

#include <openssl/sha.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Zeros put between the two halves of the content: up to 255 * 4 KiB, past both windows. */
#define FZ_PAD_UNIT 4096

static void
fz_name(const char *s)
{
    struct attach_name n;
    char err[128] = "";
    size_t len;

    if (attach_name_norm(s, &n, err, sizeof(err)) == -1) {
        if (err[0] == '\0')
            abort();
        return;
    }
    /* Too long: the input, or its normal form (stray bytes become 3-byte U+FFFD, folding
     * may grow), and then nothing else is said. */
    if ((strlen(s) > ATTACH_NAME_MAX && !(n.flags & NAME_TOO_LONG)) ||
        ((n.flags & NAME_TOO_LONG) && (n.flags != NAME_TOO_LONG || n.next != 0)))
        abort();
    len = strlen(n.name);
    if (len > ATTACH_NAME_MAX || strlen(n.folded) > ATTACH_NAME_MAX ||
        n.next > ATTACH_NAME_EXTS_MAX ||
        (len == 0) != ((n.flags & (NAME_EMPTY | NAME_TOO_LONG)) != 0))
        abort();
    if (len > 0 && (u8_check((const uint8_t *)n.name, len) != NULL || n.name[len - 1] == '.' ||
                    n.name[len - 1] == ' '))
        abort();
    for (size_t i = 0; i < len;) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, (const uint8_t *)n.name + i, len - i);
        i += (size_t)k;
        if (uc < 0x20 || uc == 0x7f || (uc >= 0x80 && uc < 0xa0) || uc == '/' || uc == '\\' ||
            uc == 0x202e || uc == 0x200f || uc == 0x2067 || uc == 0x200b)
            abort();
    }
    for (size_t i = 0; i < n.next; i++)
        if (n.ext[i][0] == '\0' || !attach_name_has_ext(&n, n.ext[i]))
            abort();
    if ((n.next >= 2) != ((n.flags & NAME_DOUBLE_EXT) != 0))
        abort();
}

static struct attach *
fz_facts(const unsigned char *p, size_t n, unsigned seed, int whole)
{
    struct attach *a = attach_new();
    char err[256] = "";
    size_t i = 0;

    if (a == NULL)
        abort();
    while (i < n) {
        size_t k;
        seed = seed * 1103515245u + 12345u;
        k = whole ? n - i : (seed >> 16) % 9000 + 1;
        if (k > n - i)
            k = n - i;
        if (attach_feed(a, p + i, k) != 0)
            abort();
        i += k;
    }
    if (attach_end(a, err, sizeof(err)) != 0) {
        if (err[0] == '\0')
            abort();
        attach_free(a);
        return NULL;
    }
    return a;
}

static void
fz_same(const struct attach_facts *x, const struct attach_facts *y)
{
    if (strcmp(x->truetype, y->truetype) != 0 || strcmp(x->sha256, y->sha256) != 0 ||
        x->size != y->size || x->flags != y->flags || x->ninner != y->ninner ||
        strcmp(x->why, y->why) != 0)
        abort();
    for (size_t i = 0; i < x->ninner; i++)
        if (strcmp(x->inner[i].path, y->inner[i].path) != 0 ||
            strcmp(x->inner[i].name, y->inner[i].name) != 0 ||
            x->inner[i].depth != y->inner[i].depth)
            abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *content, md[SHA256_DIGEST_LENGTH];
    char *name, hex[65];
    size_t nlen, clen, pad, half, names = 0, tn;
    const char *const *types;
    struct attach *a, *b;
    const struct attach_facts *fa;
    int known = 0;

    if (size < 5)
        return 0;
    nlen = data[0] < size - 1 ? data[0] : size - 1;
    if (data[0] == 255 && size > 3)
        nlen = ((size_t)data[1] << 8 | data[2]) % (size - 3), data += 2, size -= 2;
    if ((name = malloc(nlen + 1)) == NULL)
        return 0;
    memcpy(name, data + 1, nlen);
    name[nlen] = '\0';
    fz_name(name);
    free(name);
    data += 1 + nlen;
    size -= 1 + nlen;
    if (size < 3)
        return 0;
    pad = (data[0] & 1) ? (size_t)data[1] * FZ_PAD_UNIT : 0;
    clen = size - 3 + pad;
    half = (size - 3) / 2;
    if ((content = calloc(clen + 1, 1)) == NULL)
        return 0;
    memcpy(content, data + 3, half);
    memcpy(content + half + pad, data + 3 + half, size - 3 - half);

    a = fz_facts(content, clen, data[2], 0);
    b = fz_facts(content, clen, 0, 1);
    if ((a == NULL) != (b == NULL))
        abort();
    if (a != NULL) {
        fa = attach_facts(a);
        fz_same(fa, attach_facts(b));
        SHA256(content, clen, md);
        for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
            hex[2 * i] = "0123456789abcdef"[md[i] >> 4],
                    hex[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
        hex[64] = '\0';
        if (strcmp(hex, fa->sha256) != 0 || fa->size != clen)
            abort();
        types = sniff_names(&tn);
        for (size_t i = 0; i < tn; i++)
            known |= strcmp(types[i], fa->truetype) == 0;
        if (!known || fa->ninner > ARCLIST_ENTRIES_MAX ||
            (fa->ninner > 0 && !(fa->flags & ATTACH_ARCHIVE)))
            abort();
        for (size_t i = 0; i < fa->ninner; i++) {
            if (fa->inner[i].depth < 1 || fa->inner[i].depth > ARCLIST_DEPTH_MAX)
                abort();
            names += strlen(fa->inner[i].path) + strlen(fa->inner[i].name);
        }
        if (names > ARCLIST_TEXT_MAX)
            abort();
        if ((fa->flags & (ATTACH_ARCHIVE_LIMIT | ATTACH_ARCHIVE_BROKEN)) && fa->why[0] == '\0')
            abort();
    }
    attach_free(a);
    attach_free(b);
    free(content);
    return 0;
}

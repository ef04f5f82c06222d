/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_hygiene.c - a message's header fields and body through the hygiene checks (hygiene.c,
 * From: checked by hdraddr_check, Sender: by hdraddr_check_mailbox, RFC 6532 UTF-8 under
 * SMTPUTF8). The first byte picks SMTPUTF8 and a split point; the body must give the same
 * defects whole, byte by byte and split; bad-sender is found exactly when a Sender is not one
 * mailbox, and one mailbox is always one to hdraddr_check too; a Message-ID written from the
 * input is a dot-atom on each side whatever it holds.
 */
#include "hdraddr.h"
#include "hygiene.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A Sender: value: hdraddr_check_mailbox agrees with hdraddr_check (one mailbox to it is one
 * to hdraddr_check; what hdraddr_check refuses it refuses). 1 when it is no single mailbox. */
static int
fuzz_sender(const char *v, int utf8)
{
    char err[128];
    int one = hdraddr_check_mailbox(v, strlen(v), utf8, err, sizeof(err));
    int n = hdraddr_check(v, strlen(v), utf8, err, sizeof(err));

    if ((one == 0 && n != 1) || (n == -1 && one != -1) || (one != 0 && one != -1))
        abort();
    return one == -1;
}

/* Header fields as the MTA hands them over: name, value after ": ", folds kept as "\n".
 * *bad_sender: a Sender: field that is not one mailbox was fed. */
static size_t
fuzz_headers(struct hygiene *h, const char *m, size_t len, int *bad_sender)
{
    size_t i = 0;

    while (i < len) {
        size_t end = i, vstart;
        char *field, *colon;
        /* a field runs to a line end not followed by white space */
        while (end < len &&
               !(m[end] == '\n' && (end + 1 >= len || (m[end + 1] != ' ' && m[end + 1] != '\t'))))
            end++;
        if (end == i || (end == i + 1 && m[i] == '\r')) /* the empty line: the body follows */
            return end < len ? end + 1 : len;
        if ((field = malloc(end - i + 1)) == NULL)
            abort();
        memcpy(field, m + i, end - i);
        field[end - i] = '\0';
        if (end > i && field[end - i - 1] == '\r')
            field[end - i - 1] = '\0';
        /* a NUL byte cannot come through the milter protocol inside a value */
        if (memchr(m + i, '\0', end - i) == NULL && (colon = strchr(field, ':')) != NULL) {
            *colon = '\0';
            vstart = colon[1] == ' ' ? 2 : 1;
            if (strcasecmp(field, "Sender") == 0 && fuzz_sender(colon + vstart, h->smtputf8))
                *bad_sender = 1;
            /* as relaywarden -t does: the real first line; a NUL-free name picks the daemon's
             * count too, on the odd lines */
            if ((end - i) & 1)
                hygiene_header(h, field, colon + vstart);
            else
                hygiene_header_lead(h, field, colon + vstart, (size_t)(colon - field) + vstart);
        }
        free(field);
        i = end + 1;
    }
    return len;
}

static void
fuzz_check_same(const struct hygiene *a, const struct hygiene *b)
{
    char da[600], db[600];

    if (a->defects != b->defects || strcmp(hygiene_describe(a, HYG_ALL, da, sizeof(da)),
                                           hygiene_describe(b, HYG_ALL, db, sizeof(db))) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hygiene h, whole, bytes;
    const char *m;
    size_t body, split, i;
    char buf[600], date[64], id[320], word[101];
    int bad_sender = 0;

    if (size < 1)
        return 0;
    m = (const char *)data + 1;
    size--;
    hygiene_init(&h, data[0] & 1);
    body = fuzz_headers(&h, m, size, &bad_sender);
    hygiene_eoh(&h);
    if (!!(h.defects & HYG_BAD_SENDER) != bad_sender ||
        (bad_sender && strncmp(h.why_sender, "Sender: ", 8) != 0))
        abort();
    whole = bytes = h;
    split = body + (size > body ? (data[0] >> 1) % (size - body + 1) : 0);
    hygiene_body(&h, m + body, split - body);
    hygiene_body(&h, m + split, size - split);
    hygiene_end(&h);
    hygiene_body(&whole, m + body, size - body);
    hygiene_end(&whole);
    for (i = body; i < size && i < body + 4096; i++)
        hygiene_body(&bytes, m + i, 1);
    if (i == size) { /* byte by byte only for short bodies: the fuzzer's time goes elsewhere */
        hygiene_end(&bytes);
        fuzz_check_same(&h, &bytes);
    }
    fuzz_check_same(&h, &whole);
    hygiene_describe(&h, HYG_ALL, buf, sizeof(buf));
    if (strlen(hygiene_reply(&h, HYG_ALL)) == 0)
        abort();
    hygiene_fix(&h);
    if (h.defects & HYG_FIXABLE)
        abort();
    /* the input's first bytes as queue id and host name: odd ones are left out, never written */
    memcpy(word, m, size < 100 ? size : 100);
    word[size < 100 ? size : 100] = '\0';
    if (hygiene_date((long long)size * 86400, date, sizeof(date)) != 0 ||
        hygiene_msgid((long long)size * 1000003, word, word, id, sizeof(id)) != 0)
        abort();
    /* RFC 5322 3.6.4: no empty atom on either side */
    if (strstr(id, "..") != NULL || strstr(id, ".@") != NULL || strstr(id, "@.") != NULL ||
        strstr(id, ".>") != NULL || strstr(id, "<.") != NULL || strchr(id, ' ') != NULL)
        abort();
    return 0;
}

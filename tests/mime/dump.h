/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dump.h - the MIME parser's events written as text, one line per event, for the unit tests,
 * the fuzz harness and mimedump: "+IDX^PARENT type [cs=] [cte] [disp] [f=flags] [fn=""] [n=""]"
 * at BEGIN, "=IDX "data"" for the DATA of a part (consecutive pieces joined, so any chunking
 * dumps the same; "=IDX N bytes sha256 HEX" with hash_only), "-IDX [f=flags]" at END, and "!
 * status: why" at the end.
 */
#ifndef RW_MIME_DUMP_H
#define RW_MIME_DUMP_H

#include "mime.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dump {
    char *s; /* the dump so far, NUL-terminated */
    size_t len, cap;
    int data_idx;             /* part whose DATA is being joined, -1 none */
    size_t data_len;          /* its length so far */
    int hash_only;            /* DATA as length and SHA-256 (mimedump -s, for big parts) */
    EVP_MD_CTX *md;           /* hash_only: the digest of the DATA being joined */
    unsigned max_depth;       /* deepest part seen */
    unsigned long long total; /* all DATA bytes */
};

static void
dump_put(struct dump *d, const char *p, size_t n)
{
    if (d->len + n + 1 > d->cap) {
        size_t c = d->cap ? d->cap : 256;
        while (c < d->len + n + 1)
            c *= 2;
        if ((d->s = realloc(d->s, c)) == NULL)
            abort();
        d->cap = c;
    }
    memcpy(d->s + d->len, p, n);
    d->len += n;
    d->s[d->len] = '\0';
}

static void
dump_str(struct dump *d, const char *s)
{
    dump_put(d, s, strlen(s));
}

static void
dump_esc(struct dump *d, const unsigned char *p, size_t n)
{
    char b[8];
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] == '\n')
            dump_str(d, "\\n");
        else if (p[i] == '\r')
            dump_str(d, "\\r");
        else if (p[i] == '"' || p[i] == '\\') {
            b[0] = '\\';
            b[1] = (char)p[i];
            dump_put(d, b, 2);
        } else if (p[i] < 0x20 || p[i] >= 0x7f) {
            snprintf(b, sizeof(b), "\\x%02x", p[i]);
            dump_str(d, b);
        } else {
            dump_put(d, (const char *)&p[i], 1);
        }
    }
}

static void
dump_flags(struct dump *d, unsigned f)
{
    static const char *const names[] = {"multipart",     "message",     "uu",         "namebroken",
                                        "nameambiguous", "badtype",     "badcte",     "badcharset",
                                        "unclosed",      "badboundary", "badencoding"};
    const char *sep = " f=";
    unsigned i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (f & (1u << i)) {
            dump_str(d, sep);
            dump_str(d, names[i]);
            sep = ",";
        }
}

static void
dump_data_end(struct dump *d)
{
    if (d->data_idx >= 0) {
        if (d->hash_only) {
            unsigned char h[EVP_MAX_MD_SIZE];
            unsigned hl = 0, i;
            char b[64];
            if (EVP_DigestFinal_ex(d->md, h, &hl) != 1)
                abort();
            snprintf(b, sizeof(b), " %zu bytes sha256 ", d->data_len);
            dump_str(d, b);
            for (i = 0; i < hl; i++) {
                snprintf(b, sizeof(b), "%02x", h[i]);
                dump_str(d, b);
            }
        }
        dump_str(d, d->hash_only ? "\n" : "\"\n");
    }
    d->data_idx = -1;
}

static int
dump_cb(void *arg, enum mime_event ev, const struct mime_part *p, const unsigned char *data,
        size_t len)
{
    static const char *const ctes[] = {"7bit", "8bit",     "binary", "base64",
                                       "qp",   "uuencode", "unknown"};
    static const char *const disps[] = {"", " inline", " attachment"};
    struct dump *d = arg;
    char b[64];

    if (p->depth > d->max_depth)
        d->max_depth = p->depth;
    if (ev == MIME_PART_DATA) {
        d->total += len;
        if (d->data_idx != (int)p->index) {
            dump_data_end(d);
            snprintf(b, sizeof(b), "=%u%s", p->index, d->hash_only ? "" : " \"");
            dump_str(d, b);
            d->data_idx = (int)p->index;
            d->data_len = 0;
            if (d->hash_only && ((d->md == NULL && (d->md = EVP_MD_CTX_new()) == NULL) ||
                                 EVP_DigestInit_ex(d->md, EVP_sha256(), NULL) != 1))
                abort();
        }
        d->data_len += len;
        if (d->hash_only && EVP_DigestUpdate(d->md, data, len) != 1)
            abort();
        if (!d->hash_only)
            dump_esc(d, data, len);
        return 0;
    }
    dump_data_end(d);
    if (ev == MIME_PART_END) {
        snprintf(b, sizeof(b), "-%u", p->index);
        dump_str(d, b);
        dump_flags(d, p->flags & (MIME_PF_UNCLOSED | MIME_PF_BAD_ENCODING));
        dump_str(d, "\n");
        return 0;
    }
    snprintf(b, sizeof(b), "+%u^%u ", p->index, p->parent);
    dump_str(d, b);
    dump_str(d, p->type);
    if (p->charset[0] != '\0') {
        dump_str(d, " cs=");
        dump_str(d, p->charset);
    }
    if (p->cte != MIME_CTE_7BIT) {
        dump_str(d, " ");
        dump_str(d, ctes[p->cte]);
    }
    dump_str(d, disps[p->disp]);
    dump_flags(d, p->flags);
    if (p->name_disp != NULL) {
        dump_str(d, " fn=\"");
        dump_esc(d, (const unsigned char *)p->name_disp, p->name_disp_len);
        dump_str(d, "\"");
    }
    if (p->name_type != NULL) {
        dump_str(d, " n=\"");
        dump_esc(d, (const unsigned char *)p->name_type, p->name_type_len);
        dump_str(d, "\"");
    }
    dump_str(d, "\n");
    return 0;
}

/* The status line, after mime_end. */
static void
dump_status(struct dump *d, const struct mime *m)
{
    const char *why;
    unsigned st = mime_status(m, &why);

    dump_data_end(d);
    if (st & MIME_S_LIMIT)
        dump_str(d, st & MIME_S_MALFORMED ? "! limit, malformed" : "! limit");
    else if (st & MIME_S_MALFORMED)
        dump_str(d, "! malformed");
    if (st) {
        dump_str(d, ": ");
        dump_str(d, why);
        dump_str(d, "\n");
    }
}

/*
 * dump_message - feeds a message (header fields, a blank line, the body; LF or CRLF) to a new
 * parser, the body in chunks of the sizes chunk(i) gives (0: all at once), and dumps it into d.
 * Returns the parser's status.
 */
static unsigned
dump_message(struct dump *d, const char *msg, size_t n, size_t (*chunk)(void *, size_t), void *carg)
{
    struct mime *m = mime_new(dump_cb, d);
    const char *p = msg, *end = msg + n, *body = end;
    char *name = NULL, *value = NULL;
    unsigned st;
    size_t i = 0;

    if (m == NULL)
        abort();
    d->data_idx = -1;
    /* the header: fields up to the first empty line, folds kept in the value as libmilter
     * gives them */
    while (p < end) {
        const char *lf = memchr(p, '\n', (size_t)(end - p)), *e, *colon;
        e = lf != NULL ? lf + 1 : end;
        if (e - p <= 2 && (*p == '\n' || (*p == '\r' && e - p == 2))) {
            body = e;
            break;
        }
        while (e < end && (*e == ' ' || *e == '\t')) { /* continuation lines */
            lf = memchr(e, '\n', (size_t)(end - e));
            e = lf != NULL ? lf + 1 : end;
        }
        colon = memchr(p, ':', (size_t)(e - p));
        if (colon != NULL) {
            size_t vl = (size_t)(e - colon - 1);
            const char *v = colon + 1;
            name = strndup(p, (size_t)(colon - p));
            while (vl > 0 && (*v == ' ' || *v == '\t')) {
                v++;
                vl--;
            }
            while (vl > 0 && (v[vl - 1] == '\n' || v[vl - 1] == '\r'))
                vl--;
            value = strndup(v, vl);
            if (name == NULL || value == NULL)
                abort();
            mime_header(m, name, value);
            free(name);
            free(value);
        }
        p = e;
        body = end;
    }
    while (body < end) {
        size_t k = chunk != NULL ? chunk(carg, i++) : (size_t)(end - body);
        if (k == 0 || k > (size_t)(end - body))
            k = (size_t)(end - body);
        mime_body(m, body, k);
        body += k;
    }
    mime_end(m);
    dump_status(d, m);
    st = mime_status(m, NULL);
    mime_free(m);
    return st;
}

#endif

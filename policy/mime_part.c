/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mime_part.c - a part header block (or the message's own Content-* fields) made into a part:
 * media type, charset, transfer encoding, disposition, file names and boundary, with the
 * defaults and the repairs mime.h lists.
 */
#include "mime_int.h"
#include "mimeparam.h"
#include "util.h"

#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    enum mime_cte cte;
} mime_part_ctes[] = {
    {"7bit", MIME_CTE_7BIT},           {"8bit", MIME_CTE_8BIT},
    {"binary", MIME_CTE_BINARY},       {"base64", MIME_CTE_BASE64},
    {"quoted-printable", MIME_CTE_QP}, {"uuencode", MIME_CTE_UUENCODE},
    {"x-uuencode", MIME_CTE_UUENCODE}, {"x-uue", MIME_CTE_UUENCODE},
};

/* 1 if v[0..n) holds w, in any case. */
static int
mime_part_mentions(const char *v, size_t n, const char *w)
{
    size_t k = strlen(w), i;

    for (i = 0; i + k <= n; i++)
        if (strncasecmp(v + i, w, k) == 0)
            return 1;
    return 0;
}

void
mime_part_free(struct mime_frame *f)
{
    buf_free(&f->name_disp);
    buf_free(&f->name_type);
}

/* A file name parameter into b; the part's name pointer is set by the caller. 0 or -1. */
static int
mime_part_name(struct mime *m, struct mime_frame *f, const char *v, size_t n, const char *attr,
               struct buf *b, int *found)
{
    unsigned fl = 0;
    char err[128];
    int rc;

    *found = 0;
    if (v == NULL)
        return 0;
    rc = mimeparam_get(v, n, attr, MIMEPARAM_O_2047, b, &fl, err, sizeof(err));
    if (rc == -1) {
        mime_over(m, "file name longer than " RW_STR(MIMEPARAM_VALUE_MAX) " bytes");
        return -1;
    }
    *found = rc == 1;
    if (fl & MIMEPARAM_F_BROKEN)
        f->part.flags |= MIME_PF_NAME_BROKEN;
    if (fl & MIMEPARAM_F_AMBIGUOUS)
        f->part.flags |= MIME_PF_NAME_AMBIGUOUS;
    return 0;
}

/* The boundary of a multipart into f; 0 (usable or not) or -1 (a limit). */
static int
mime_part_boundary(struct mime *m, struct mime_frame *f, const char *ct, size_t ctn)
{
    struct buf b;
    unsigned fl = 0;
    char err[128];
    int rc, i;

    buf_init(&b, MIMEPARAM_VALUE_MAX);
    rc = mimeparam_get(ct, ctn, "boundary", 0, &b, &fl, err, sizeof(err));
    if (rc == 1) /* a boundary cannot end in white space (RFC 2046 bcharsnospace) */
        while (b.len > 0 && (b.s[b.len - 1] == ' ' || b.s[b.len - 1] == '\t'))
            b.s[--b.len] = '\0';
    if (rc == -1 || (rc == 1 && b.len > MIME_BOUNDARY_MAX)) {
        buf_free(&b);
        mime_over(m, "boundary longer than " RW_STR(MIME_BOUNDARY_MAX) " characters");
        return -1;
    }
    if (fl & MIMEPARAM_F_AMBIGUOUS)
        mime_bad(m, "boundary parameter given twice with different values");
    if (rc == 0 || b.len == 0 || memchr(b.s, '\r', b.len) != NULL ||
        memchr(b.s, '\n', b.len) != NULL || memchr(b.s, '\0', b.len) != NULL) {
        buf_free(&b);
        mime_bad(m, "multipart without a usable boundary");
        f->part.flags |= MIME_PF_BAD_BOUNDARY;
        return 0;
    }
    memcpy(f->boundary, b.s, b.len);
    f->boundary[b.len] = '\0';
    f->blen = b.len;
    buf_free(&b);
    /* An open boundary equal to this one, or one of them the other plus "--...": a line
     * could close one and open the other. */
    for (i = m->top; i >= 0; i--) {
        const struct mime_frame *o = &m->stack[i];
        size_t s = o->blen < f->blen ? o->blen : f->blen, l = o->blen < f->blen ? f->blen : o->blen;
        const char *lb = o->blen < f->blen ? f->boundary : o->boundary;
        if (o->blen == 0 || o->mp == MIME_MP_EPILOGUE || memcmp(o->boundary, f->boundary, s) != 0)
            continue;
        if (l == s || (l >= s + 2 && lb[s] == '-' && lb[s + 1] == '-')) {
            mime_bad(m, "nested multipart boundaries that a line could match both of");
            break;
        }
    }
    return 0;
}

int
mime_part_build(struct mime *m, struct mime_frame *f, const char *ct, size_t ctn, const char *cte,
                size_t cten, const char *cd, size_t cdn, int digest)
{
    char tok[MIME_TYPE_MAX + 1];
    const char *slash;
    struct buf cs;
    unsigned fl;
    char err[128];
    size_t i;
    int found, rc;

    memset(&f->part, 0, sizeof(f->part));
    buf_init(&f->name_disp, MIMEPARAM_VALUE_MAX);
    buf_init(&f->name_type, MIMEPARAM_VALUE_MAX);
    f->blen = 0;
    f->mp = MIME_MP_NONE;
    f->leaf = 1;
    f->text = 0;
    util_strlcpy(f->part.type, digest ? "message/rfc822" : "text/plain", sizeof(f->part.type));
    if (ct != NULL) {
        if (mimeparam_token(ct, ctn, tok, sizeof(tok)) && (slash = strchr(tok, '/')) != NULL &&
            slash > tok && slash[1] != '\0' && strchr(slash + 1, '/') == NULL) {
            memcpy(f->part.type, tok, sizeof(tok));
        } else {
            util_strlcpy(f->part.type, "text/plain", sizeof(f->part.type));
            f->part.flags |= MIME_PF_BAD_TYPE;
            /* a lenient reader may still find a container type in it and show its parts */
            if (mime_part_mentions(ct, ctn, "multipart/") ||
                mime_part_mentions(ct, ctn, "message/"))
                mime_bad(m, "an invalid Content-Type naming a multipart or message type");
        }
        buf_init(&cs, MIMEPARAM_VALUE_MAX);
        rc = mimeparam_get(ct, ctn, "charset", 0, &cs, &fl, err, sizeof(err));
        if (rc == -1 || (rc == 1 && cs.len > MIME_CHARSET_MAX) ||
            (rc == 1 && memchr(cs.s, '\0', cs.len) != NULL)) {
            f->part.flags |= MIME_PF_BAD_CHARSET;
        } else if (rc == 1) {
            memcpy(f->part.charset, cs.s, cs.len + 1);
            util_lower(f->part.charset);
        }
        buf_free(&cs);
    }
    f->part.cte = MIME_CTE_7BIT;
    if (cte != NULL) {
        f->part.cte = MIME_CTE_UNKNOWN;
        if (mimeparam_token(cte, cten, tok, sizeof(tok)))
            for (i = 0; i < sizeof(mime_part_ctes) / sizeof(mime_part_ctes[0]); i++)
                if (strcmp(tok, mime_part_ctes[i].name) == 0)
                    f->part.cte = mime_part_ctes[i].cte;
        if (f->part.cte == MIME_CTE_UNKNOWN) {
            f->part.flags |= MIME_PF_BAD_CTE;
            mime_bad(m, "unknown Content-Transfer-Encoding");
        }
    }
    if (cd != NULL) {
        f->part.disp = MIME_DISP_ATTACHMENT; /* RFC 2183: an unknown type is an attachment */
        if (mimeparam_token(cd, cdn, tok, sizeof(tok)) && strcmp(tok, "inline") == 0)
            f->part.disp = MIME_DISP_INLINE;
    }
    if (mime_part_name(m, f, cd, cdn, "filename", &f->name_disp, &found) == -1)
        return -1;
    if (found) {
        f->part.name_disp = buf_str(&f->name_disp);
        f->part.name_disp_len = f->name_disp.len;
    }
    if (mime_part_name(m, f, ct, ctn, "name", &f->name_type, &found) == -1)
        return -1;
    if (found) {
        f->part.name_type = buf_str(&f->name_type);
        f->part.name_type_len = f->name_type.len;
    }

    if (strncmp(f->part.type, "multipart/", 10) == 0 ||
        strcmp(f->part.type, "message/rfc822") == 0 ||
        strcmp(f->part.type, "message/global") == 0) {
        int identity = f->part.cte == MIME_CTE_7BIT || f->part.cte == MIME_CTE_8BIT ||
                       f->part.cte == MIME_CTE_BINARY;
        if (!identity) {
            if (f->part.cte != MIME_CTE_UNKNOWN)
                mime_bad(m, "a transfer encoding on a multipart or message part");
            f->part.flags |= MIME_PF_BAD_CTE;
        } else if (f->part.type[0] == 'm' && f->part.type[1] == 'e') {
            f->part.flags |= MIME_PF_MESSAGE;
            f->leaf = 0;
        } else {
            if (mime_part_boundary(m, f, ct, ct != NULL ? ctn : 0) == -1)
                return -1;
            if (f->blen > 0) {
                f->part.flags |= MIME_PF_MULTIPART;
                f->leaf = 0;
                f->mp = MIME_MP_PREAMBLE;
            }
        }
    }
    f->text =
        f->leaf && (strcmp(f->part.type, "text/plain") == 0 || f->part.cte == MIME_CTE_UUENCODE ||
                    (f->part.flags & MIME_PF_BAD_BOUNDARY));
    return 0;
}

/* Names of the fields looked at, in the order of m->hv and of the spans below. */
static const char *const mime_part_fields[3] = {"content-type", "content-transfer-encoding",
                                                "content-disposition"};

int
mime_part_block(struct mime *m, struct mime_frame *f, int digest)
{
    const char *h = buf_str(&m->hdr), *end = h + m->hdr.len, *p = h;
    const char *v[3] = {NULL, NULL, NULL};
    size_t vn[3] = {0, 0, 0};

    if (memchr(h, '\0', m->hdr.len) != NULL)
        mime_bad(m, "NUL byte in a part header");
    /* readers that break lines at a bare CR see another field there */
    for (p = h; (p = memchr(p, '\r', (size_t)(end - p))) != NULL; p++)
        if (p + 1 == end || p[1] != '\n') {
            mime_bad(m, "bare CR in a part header");
            break;
        }
    p = h;
    while (p < end) {
        const char *colon, *q = p, *e;
        size_t nl, k;
        /* the field runs to the next line that does not start with white space */
        for (e = p;;) {
            const char *lf = memchr(e, '\n', (size_t)(end - e));
            e = lf != NULL ? lf + 1 : end;
            if (e >= end || (*e != ' ' && *e != '\t'))
                break;
        }
        while (q < e && *q != ':' && *q != '\n')
            q++;
        colon = q;
        if (colon >= e || *colon != ':') {
            p = e;
            continue;
        }
        for (nl = (size_t)(colon - p); nl > 0 && (p[nl - 1] == ' ' || p[nl - 1] == '\t'); nl--)
            ;
        for (k = 0; k < 3; k++) {
            const char *val = colon + 1;
            size_t vl = (size_t)(e - val);
            if (nl != strlen(mime_part_fields[k]) || strncasecmp(p, mime_part_fields[k], nl) != 0)
                continue;
            while (vl > 0 && (val[vl - 1] == '\n' || val[vl - 1] == '\r' || val[vl - 1] == ' ' ||
                              val[vl - 1] == '\t'))
                vl--;
            while (vl > 0 && (*val == ' ' || *val == '\t')) {
                val++;
                vl--;
            }
            if (v[k] == NULL) {
                v[k] = val;
                vn[k] = vl;
            } else if (vn[k] != vl || memcmp(v[k], val, vl) != 0) {
                mime_bad(m, "a Content- header field repeated with a different value");
            }
        }
        p = e;
    }
    return mime_part_build(m, f, v[0], vn[0], v[1], vn[1], v[2], vn[2], digest);
}

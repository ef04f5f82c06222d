/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mime_uu.c - uuencoded blocks ("begin 644 name" ... "end") in decoded text, in a message
 * without MIME and in preambles and epilogues, given as parts of their own; and MIME header
 * fields found at the start of a preamble or epilogue line (a hidden part, mime.h).
 * Only lines that may start a block are gathered; other text passes through at once.
 */
#include "mime_int.h"
#include "mimeparam.h"
#include "util.h"

#include <string.h>
#include <strings.h>

static const char *const mime_uu_hdrs[] = {
    "content-type:", "content-transfer-encoding:", "content-disposition:"};

void
mime_uu_start(struct mime *m, int junk)
{
    m->uu.junk = junk;
    m->uu.bol = 1;
    m->uu.gather = 0;
    m->uu.line.max = MIME_LINE_MAX + 1;
    buf_reset(&m->uu.line);
}

static int
mime_uu_text(struct mime *m, const void *p, size_t n)
{
    if (m->uu.junk || n == 0)
        return 0;
    return mime_data(m, &m->stack[m->top].part, p, n);
}

static int
mime_uu_close(struct mime *m, int unclosed)
{
    int rc;

    if (unclosed)
        m->uu.f.part.flags |= MIME_PF_UNCLOSED;
    m->uu.open = 0;
    rc = mime_emit(m, MIME_PART_END, &m->uu.f.part, NULL, 0);
    mime_part_free(&m->uu.f);
    return rc;
}

void
mime_uu_abandon(struct mime *m)
{
    if (m->uu.open)
        mime_uu_close(m, 0);
    m->uu.gather = 0;
    buf_reset(&m->uu.line);
}

/* How s[0..n) stands against the prefix w: 1 it starts with w, 0 it may (too short), -1 not. */
static int
mime_uu_prefix(const char *s, size_t n, const char *w, int fold)
{
    size_t k = strlen(w), c = n < k ? n : k;

    if ((fold ? strncasecmp(s, w, c) : strncmp(s, w, c)) != 0)
        return -1;
    return n >= k ? 1 : 0;
}

static int
mime_uu_headerlike(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof(mime_uu_hdrs) / sizeof(mime_uu_hdrs[0]); i++)
        if (mime_uu_prefix(s, n, mime_uu_hdrs[i], 1) == 1)
            return 1;
    return 0;
}

/* A line gathered this far may still be a begin line or (in junk) a header field. */
static int
mime_uu_possible(const char *s, size_t n, int junk)
{
    size_t i;

    if (mime_uu_prefix(s, n, "begin ", 0) >= 0)
        return 1;
    for (i = 0; junk && i < sizeof(mime_uu_hdrs) / sizeof(mime_uu_hdrs[0]); i++)
        if (mime_uu_prefix(s, n, mime_uu_hdrs[i], 1) >= 0)
            return 1;
    return 0;
}

/* "begin" SP mode SP name: opens a block. 1 opened, 0 not a begin line, -1 stopped. */
static int
mime_uu_begin(struct mime *m, const char *s, size_t n)
{
    struct mime_frame *f = &m->uu.f, *top = &m->stack[m->top];
    size_t i = 6, d, nl;
    const char *name;

    if (n < 6 || memcmp(s, "begin ", 6) != 0)
        return 0;
    while (i < n && s[i] == ' ')
        i++;
    for (d = i; i < n && s[i] >= '0' && s[i] <= '7'; i++)
        ;
    if (i - d < 3 || i - d > 4 || i >= n || s[i] != ' ')
        return 0;
    while (i < n && s[i] == ' ')
        i++;
    name = s + i;
    for (nl = n - i; nl > 0 && (name[nl - 1] == ' ' || name[nl - 1] == '\t'); nl--)
        ;
    if (nl == 0)
        return 0;
    if (nl > MIMEPARAM_VALUE_MAX) {
        mime_over(m, "file name longer than " RW_STR(MIMEPARAM_VALUE_MAX) " bytes");
        return -1;
    }
    if (m->nparts >= MIME_PARTS_MAX) {
        mime_over(m, "more than " RW_STR(MIME_PARTS_MAX) " parts");
        return -1;
    }
    if (!mime_frame_depth_ok(m, top->part.depth + 1))
        return -1;
    memset(&f->part, 0, sizeof(f->part));
    buf_init(&f->name_disp, MIMEPARAM_VALUE_MAX);
    buf_init(&f->name_type, MIMEPARAM_VALUE_MAX);
    if (buf_put(&f->name_disp, name, nl) == -1) {
        m->failed = 1;
        return -1;
    }
    f->part.index = ++m->nparts;
    f->part.parent = top->part.index;
    f->part.depth = top->part.depth + 1;
    util_strlcpy(f->part.type, "application/octet-stream", sizeof(f->part.type));
    f->part.cte = MIME_CTE_UUENCODE;
    f->part.disp = MIME_DISP_ATTACHMENT;
    f->part.flags = MIME_PF_UUENCODED;
    if (memchr(name, '\0', nl) != NULL)
        f->part.flags |= MIME_PF_NAME_BROKEN;
    f->part.name_disp = buf_str(&f->name_disp);
    f->part.name_disp_len = f->name_disp.len;
    m->uu.open = 1;
    return mime_emit(m, MIME_PART_BEGIN, &f->part, NULL, 0) == -1 ? -1 : 1;
}

/* One whole line (its line end included when it has one). 0 or -1 (stopped). */
static int
mime_uu_line(struct mime *m, const char *s, size_t n)
{
    size_t tl = n, e;
    int k;

    if (tl > 0 && s[tl - 1] == '\n')
        tl--;
    if (tl > 0 && s[tl - 1] == '\r')
        tl--;
    if (m->uu.open) {
        for (e = tl; e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'); e--)
            ;
        if (e == 3 && memcmp(s, "end", 3) == 0)
            return mime_uu_close(m, 0);
        if ((k = uu_decode_line(s, tl, m->uu.out)) >= 0)
            return mime_data(m, &m->uu.f.part, m->uu.out, (size_t)k);
        if (mime_uu_close(m, 1) == -1)
            return -1;
    }
    if ((k = mime_uu_begin(m, s, tl)) != 0)
        return k < 0 ? -1 : 0;
    if (m->uu.junk && mime_uu_headerlike(s, tl))
        mime_bad(m, "MIME header field in a preamble or epilogue");
    return mime_uu_text(m, s, n);
}

/* Bytes of p[0..n) up to (not including) the first line start that may begin a block (or,
 * in junk, a header field); n when there is none. */
static size_t
mime_uu_span(const unsigned char *p, size_t n, int junk)
{
    const unsigned char *q = p, *end = p + n;

    while ((q = memchr(q, '\n', (size_t)(end - q))) != NULL && ++q < end)
        if (*q == 'b' || (junk && (*q | 0x20) == 'c'))
            return (size_t)(q - p);
    return n;
}

int
mime_uu_feed(struct mime *m, const unsigned char *p, size_t n)
{
    struct mime_uu *u = &m->uu;

    while (n > 0) {
        const unsigned char *lf;
        size_t take;
        if (u->gather) {
            lf = memchr(p, '\n', n);
            take = lf != NULL ? (size_t)(lf - p) + 1 : n;
            if (take > u->line.max - u->line.len)
                take = u->line.max - u->line.len;
            if (buf_put(&u->line, p, take) == -1) {
                m->failed = 1;
                return -1;
            }
            p += take;
            n -= take;
            if (lf != NULL && p == lf + 1) {
                u->gather = 0;
                u->bol = 1;
                if (mime_uu_line(m, u->line.s, u->line.len) == -1)
                    return -1;
                buf_reset(&u->line);
            } else if (u->line.len > MIME_LINE_MAX ||
                       (!u->open && !mime_uu_possible(u->line.s, u->line.len, u->junk))) {
                /* not a block line: text, and the rest of the line too; a begin line this
                 * long has a name past MIMEPARAM_VALUE_MAX: mime_uu_begin says so */
                if (u->open && mime_uu_close(m, 1) == -1)
                    return -1;
                if (mime_uu_begin(m, u->line.s, u->line.len) != 0)
                    return -1;
                if (u->junk && mime_uu_headerlike(u->line.s, u->line.len))
                    mime_bad(m, "MIME header field in a preamble or epilogue");
                if (mime_uu_text(m, u->line.s, u->line.len) == -1)
                    return -1;
                buf_reset(&u->line);
                u->gather = 0;
                u->bol = 0;
            }
            continue;
        }
        if (u->bol) {
            if (u->open || p[0] == 'b' || (u->junk && (p[0] | 0x20) == 'c')) {
                u->gather = 1;
                continue;
            }
            u->bol = 0;
        }
        /* text up to the next line that may start a block, in one piece */
        take = mime_uu_span(p, n, u->junk);
        if (mime_uu_text(m, p, take) == -1)
            return -1;
        u->bol = p[take - 1] == '\n';
        p += take;
        n -= take;
    }
    return 0;
}

int
mime_uu_finish(struct mime *m)
{
    int rc = 0;

    if (m->uu.gather && m->uu.line.len > 0)
        rc = mime_uu_line(m, m->uu.line.s, m->uu.line.len);
    m->uu.gather = 0;
    buf_reset(&m->uu.line);
    if (rc == 0 && m->uu.open)
        rc = mime_uu_close(m, 1);
    return rc;
}

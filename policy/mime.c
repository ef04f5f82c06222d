/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mime.c - the streaming MIME parser's body stream: boundary lines found with memchr over the
 * chunk, whole spans of content handed to the decoders, the part stack, limits and status.
 * Only a candidate boundary line or a part header line is ever carried between chunks.
 */
#include "mime_int.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
mime_bad(struct mime *m, const char *why)
{
    m->status |= MIME_S_MALFORMED;
    if (m->why_bad == NULL)
        m->why_bad = why;
}

void
mime_over(struct mime *m, const char *why)
{
    m->status |= MIME_S_LIMIT;
    if (m->why_limit == NULL)
        m->why_limit = why;
    if (m->st != MIME_ST_DONE)
        m->st = MIME_ST_STOPPED;
}

int
mime_emit(struct mime *m, enum mime_event ev, const struct mime_part *p, const unsigned char *data,
          size_t len)
{
    if (m->failed)
        return -1;
    if (m->cb(m->arg, ev, p, data, len) != 0) {
        m->failed = 1;
        return -1;
    }
    return 0;
}

int
mime_data(struct mime *m, const struct mime_part *p, const unsigned char *data, size_t len)
{
    if (m->st == MIME_ST_STOPPED || m->failed)
        return -1;
    if (len == 0)
        return 0;
    if (len > MIME_DECODED_MAX - m->decoded) {
        /* exactly the bytes up to the limit, so that any chunking stops at the same byte */
        size_t k = (size_t)(MIME_DECODED_MAX - m->decoded);
        m->decoded = MIME_DECODED_MAX;
        if (k > 0 && mime_emit(m, MIME_PART_DATA, p, data, k) == -1)
            return -1;
        mime_over(m, "decoded content larger than 64 MiB (MIME_DECODED_MAX)");
        return -1;
    }
    m->decoded += len;
    return mime_emit(m, MIME_PART_DATA, p, data, len);
}

int
mime_frame_depth_ok(struct mime *m, unsigned depth)
{
    if (depth > MIME_DEPTH_MAX) {
        mime_over(m, "parts nested deeper than " RW_STR(MIME_DEPTH_MAX) " levels");
        return 0;
    }
    return 1;
}

struct mime *
mime_new(mime_cb cb, void *arg)
{
    struct mime *m = calloc(1, sizeof(*m));
    int i;

    if (m == NULL)
        return NULL;
    m->cb = cb;
    m->arg = arg;
    m->top = -1;
    for (i = 0; i < 3; i++)
        buf_init(&m->hv[i], MIME_HEADER_MAX);
    buf_init(&m->hdr, MIME_HEADER_MAX);
    buf_init(&m->line, MIME_LINE_MAX + 1);
    buf_init(&m->uu.line, MIME_LINE_MAX + 1);
    return m;
}

void
mime_free(struct mime *m)
{
    int i;

    if (m == NULL)
        return;
    for (i = 0; i <= m->top; i++)
        mime_part_free(&m->stack[i]);
    if (m->uu.open)
        mime_part_free(&m->uu.f);
    for (i = 0; i < 3; i++)
        buf_free(&m->hv[i]);
    buf_free(&m->hdr);
    buf_free(&m->line);
    buf_free(&m->uu.line);
    free(m);
}

unsigned
mime_status(const struct mime *m, const char **why)
{
    if (why != NULL)
        *why = m->why_limit != NULL ? m->why_limit : m->why_bad != NULL ? m->why_bad : "";
    return m->status;
}

int
mime_header(struct mime *m, const char *name, const char *value)
{
    static const char *const fields[3] = {"content-type", "content-transfer-encoding",
                                          "content-disposition"};
    size_t n = strlen(value);
    int i;

    if (m->failed)
        return -1;
    if (m->st != MIME_ST_START)
        return 0;
    for (i = 0; i < 3; i++) {
        if (strcasecmp(name, fields[i]) != 0)
            continue;
        if (m->hvset[i]) {
            if (m->hv[i].len != n || memcmp(buf_str(&m->hv[i]), value, n) != 0)
                mime_bad(m, "a Content- header field repeated with a different value");
            return 0;
        }
        if (buf_put(&m->hv[i], value, n) == -1) {
            if (!buf_over(&m->hv[i], n)) {
                m->failed = 1;
                return -1;
            }
            mime_over(m, "header field larger than " RW_STR(MIME_HEADER_MAX) " bytes");
            return 0;
        }
        m->hvset[i] = 1;
    }
    return 0;
}

static void
mime_count_bounds(struct mime *m)
{
    int i;

    m->nbound = 0;
    for (i = 0; i <= m->top; i++)
        m->nbound += m->stack[i].blen > 0 && m->stack[i].mp != MIME_MP_EPILOGUE;
}

static void
mime_stream_start(struct mime *m)
{
    struct mime_frame *f = &m->stack[m->top];

    m->npend = 0;
    m->bol = 1;
    m->cand = m->shadow = m->aftercr = 0;
    buf_reset(&m->line);
    b64_init(&m->b64);
    qp_init(&m->qp);
    mime_uu_start(m, !f->leaf);
}

/* Decoded bytes of the top part's stream: text is searched for uuencoded blocks. */
static int
mime_text(struct mime *m, const unsigned char *p, size_t n)
{
    struct mime_frame *f = &m->stack[m->top];

    if (!f->leaf || f->text)
        return mime_uu_feed(m, p, n);
    return mime_data(m, &f->part, p, n);
}

/* Raw content of the top part's stream, decoded in steps into m->out. */
static int
mime_stream(struct mime *m, const char *p, size_t n)
{
    struct mime_frame *f = &m->stack[m->top];
    size_t step, k;

    if (!f->leaf || (f->part.cte != MIME_CTE_BASE64 && f->part.cte != MIME_CTE_QP))
        return mime_text(m, (const unsigned char *)p, n);
    while (n > 0) {
        step = n < MIME_DECODE_STEP ? n : MIME_DECODE_STEP;
        k = f->part.cte == MIME_CTE_BASE64 ? b64_decode(&m->b64, p, step, m->out)
                                           : qp_decode(&m->qp, p, step, m->out);
        if (mime_text(m, m->out, k) == -1)
            return -1;
        p += step;
        n -= step;
    }
    return 0;
}

/* The top part's stream is over: decoders and the uuencode search flushed. */
static int
mime_stream_end(struct mime *m)
{
    struct mime_frame *f = &m->stack[m->top];
    size_t k = 0;

    if (f->leaf && f->part.cte == MIME_CTE_BASE64) {
        k = b64_finish(&m->b64, m->out);
        if (m->b64.flags != 0)
            f->part.flags |= MIME_PF_BAD_ENCODING;
        if (m->b64.flags & B64_F_AFTERPAD)
            mime_bad(m, "base64 data after the padding");
    } else if (f->leaf && f->part.cte == MIME_CTE_QP) {
        k = qp_finish(&m->qp, m->out);
        if (m->qp.flags != 0)
            f->part.flags |= MIME_PF_BAD_ENCODING;
    }
    if (k > 0 && mime_text(m, m->out, k) == -1)
        return -1;
    return mime_uu_finish(m);
}

/*
 * Content bytes, in order. The line end just before a boundary line belongs to the boundary
 * (RFC 2046), so a trailing CR LF, LF or CR is held back until the next byte shows whether a
 * boundary line follows.
 */
static int
mime_content(struct mime *m, const char *p, size_t n)
{
    size_t h;

    if (n == 0)
        return 0;
    if (n == 1 && p[0] == '\n' && m->npend == 1 && m->pend[0] == '\r') {
        m->pend[m->npend++] = '\n';
        return 0;
    }
    if (m->npend > 0 && mime_stream(m, m->pend, m->npend) == -1)
        return -1;
    m->npend = 0;
    h = p[n - 1] == '\n' ? (n >= 2 && p[n - 2] == '\r' ? 2 : 1) : p[n - 1] == '\r' ? 1 : 0;
    if (n > h && mime_stream(m, p, n - h) == -1)
        return -1;
    memcpy(m->pend, p + n - h, h);
    m->npend = h;
    return 0;
}

/*
 * Line L (len bytes, without its LF) against boundary b: -1 it is not b's line, 0 it may
 * still be (more bytes to come), 1 an open and 2 a close delimiter line (complete lines).
 */
static int
mime_bmatch(struct mime *m, const char *L, size_t len, const char *b, size_t blen, int complete)
{
    size_t i, ws;
    int close = 0;

    if (len < 2)
        return !complete && (len == 0 || L[0] == '-') ? 0 : -1;
    if (L[0] != '-' || L[1] != '-')
        return -1;
    if (memcmp(L + 2, b, len - 2 < blen ? len - 2 : blen) != 0)
        return -1;
    if (len - 2 < blen)
        return complete ? -1 : 0;
    i = 2 + blen;
    if (i < len && L[i] == '-') {
        if (i + 1 >= len)
            return complete ? -1 : 0;
        if (L[i + 1] != '-')
            return -1;
        close = 1;
        i += 2;
    }
    for (ws = i; i < len; i++) {
        if (L[i] == ' ' || L[i] == '\t' || L[i] == '\r')
            continue;
        /* readers that stop at NUL or break lines at CR see a boundary here */
        if (L[i] == '\0' || memchr(L + ws, '\r', i - ws) != NULL)
            mime_bad(m, "a boundary line followed by NUL or a bare CR and text");
        return -1;
    }
    return complete ? 1 + close : 0;
}

/* Line L against every open boundary, innermost first: 1 a match (*k, *close), 0 may still
 * be one, -1 cannot be. Every boundary is tried, so the status does not depend on chunking. */
static int
mime_boundary_line(struct mime *m, const char *L, size_t len, int complete, int *k, int *close)
{
    int i, r, best = -1, possible = 0;

    for (i = m->top; i >= 0; i--) {
        const struct mime_frame *f = &m->stack[i];
        if (f->blen == 0 || f->mp == MIME_MP_EPILOGUE)
            continue;
        r = mime_bmatch(m, L, len, f->boundary, f->blen, complete);
        if (r == 0)
            possible = 1;
        if (r > 0 && best < 0) {
            best = i;
            *close = r == 2;
        }
    }
    if (best >= 0) {
        *k = best;
        return 1;
    }
    return possible ? 0 : -1;
}

static void mime_feed(struct mime *m, const char *p, size_t n);

/* The top part ends: END, its names freed. */
static int
mime_pop(struct mime *m)
{
    struct mime_frame *f = &m->stack[m->top];
    int rc;

    if (f->blen > 0 && f->mp != MIME_MP_EPILOGUE)
        f->part.flags |= MIME_PF_UNCLOSED;
    if (f->blen > 0 && f->mp == MIME_MP_PREAMBLE)
        mime_bad(m, "a multipart without any part"); /* readers may show its text */
    rc = mime_emit(m, MIME_PART_END, &f->part, NULL, 0);
    mime_part_free(f);
    m->top--;
    return rc;
}

/* The part on top of the stack has just been pushed: BEGIN, and what its body is. */
static int
mime_opened(struct mime *m)
{
    struct mime_frame *f = &m->stack[m->top];

    if (mime_emit(m, MIME_PART_BEGIN, &f->part, NULL, 0) == -1)
        return -1;
    mime_count_bounds(m);
    buf_reset(&m->line);
    m->bol = 1;
    m->cand = m->shadow = m->aftercr = 0;
    if (f->part.flags & MIME_PF_MESSAGE) {
        m->st = MIME_ST_HDR;
        buf_reset(&m->hdr);
        return 0;
    }
    m->st = MIME_ST_BODY;
    mime_stream_start(m);
    return 0;
}

/* The header block in m->hdr ends: its part is pushed as a child of the top one. */
static int
mime_child(struct mime *m)
{
    struct mime_frame *parent = &m->stack[m->top], *f = &m->stack[m->top + 1];

    if (m->nparts >= MIME_PARTS_MAX) {
        mime_over(m, "more than " RW_STR(MIME_PARTS_MAX) " parts");
        return -1;
    }
    if (!mime_frame_depth_ok(m, parent->part.depth + 1))
        return -1;
    if (mime_part_block(m, f, strcmp(parent->part.type, "multipart/digest") == 0) == -1) {
        mime_part_free(f);
        return -1;
    }
    f->part.index = ++m->nparts;
    f->part.parent = parent->part.index;
    f->part.depth = parent->part.depth + 1;
    m->top++;
    return mime_opened(m);
}

/* A boundary line of the multipart at stack[k]: the parts inside it end. */
static int
mime_boundary(struct mime *m, int k, int close)
{
    m->npend = 0; /* the line end before the boundary line is part of it */
    if (m->st == MIME_ST_BODY && mime_stream_end(m) == -1)
        return -1;
    while (m->top > k)
        if (mime_pop(m) == -1)
            return -1;
    if (close && m->stack[k].mp == MIME_MP_PREAMBLE)
        mime_bad(m, "a multipart without any part");
    m->stack[k].mp = close ? MIME_MP_EPILOGUE : MIME_MP_PARTS;
    mime_count_bounds(m);
    buf_reset(&m->line);
    m->bol = 1;
    m->cand = m->shadow = m->aftercr = 0;
    if (close) {
        m->st = MIME_ST_BODY;
        mime_stream_start(m);
    } else {
        m->st = MIME_ST_HDR;
        buf_reset(&m->hdr);
    }
    return 0;
}

/* A complete line of a part header block, in m->line (its LF included when it has one). */
static int
mime_hdr_line(struct mime *m)
{
    char L[MIME_LINE_MAX + 1];
    size_t n = m->line.len, len = n, i;
    int k, close;

    memcpy(L, m->line.s, n);
    buf_reset(&m->line);
    if (len > 0 && L[len - 1] == '\n')
        len--;
    if (m->nbound > 0 && len > 0 && L[0] == '-' &&
        mime_boundary_line(m, L, len, 1, &k, &close) == 1) {
        /* the header block is cut short: the part has an empty body */
        if (mime_child(m) == -1)
            return -1;
        return mime_boundary(m, k, close);
    }
    for (i = 0; i < len && (L[i] == ' ' || L[i] == '\t' || L[i] == '\r'); i++)
        ;
    if (i == len)
        return mime_child(m);
    if (i == 0) {
        while (i < len && (unsigned char)L[i] > 32 && (unsigned char)L[i] < 127 && L[i] != ':')
            i++;
        while (i > 0 && i < len && (L[i] == ' ' || L[i] == '\t'))
            i++;
    }
    if ((i > 0 && i < len && L[i] == ':') || L[0] == ' ' || L[0] == '\t') {
        if (buf_put(&m->hdr, L, n) == -1) {
            if (!buf_over(&m->hdr, n)) {
                m->failed = 1;
                return -1;
            }
            mime_over(m, "part header block larger than " RW_STR(MIME_HEADER_MAX) " bytes");
            return -1;
        }
        return 0;
    }
    /* not a header field: the header block ended without its blank line; the line starts the
     * body (and may be a boundary line of the multipart that block opened) */
    while (m->st == MIME_ST_HDR)
        if (mime_child(m) == -1)
            return -1;
    mime_feed(m, L, n);
    return m->failed || m->st == MIME_ST_STOPPED ? -1 : 0;
}

/* A candidate boundary line in m->line is complete (complete = 1) or may no longer be one. A
 * line that is not a boundary line is content, read again as such (see mime_feed). */
static int
mime_cand_done(struct mime *m, int complete)
{
    char L[MIME_LINE_MAX + 1];
    size_t len = m->line.len;
    int k, close, r;

    if (complete && len > 0 && m->line.s[len - 1] == '\n')
        len--;
    r = mime_boundary_line(m, m->line.s, len, complete, &k, &close);
    if (r == 0)
        return 0;
    m->cand = 0;
    if (r == 1)
        return mime_boundary(m, k, close);
    len = m->line.len;
    memcpy(L, m->line.s, len);
    buf_reset(&m->line);
    m->bol = m->aftercr = 0;
    mime_feed(m, L, len);
    return m->failed || m->st == MIME_ST_STOPPED ? -1 : 0;
}

/*
 * The text after a bare CR up to the next CR or LF, in m->line, is complete or may no longer
 * be a boundary line. It is content either way, but readers that break lines at a bare CR see
 * a boundary where this parse sees none: MALFORMED when it matches one (or is too long to
 * tell).
 */
static int
mime_shadow_done(struct mime *m, int complete)
{
    int k, close, r = mime_boundary_line(m, m->line.s, m->line.len, 0, &k, &close);

    if (r == 0 && complete)
        r = mime_boundary_line(m, m->line.s, m->line.len, 1, &k, &close);
    else if (r == 0 && m->line.len <= MIME_LINE_MAX)
        return 0;
    if (r >= 0)
        mime_bad(m, "a boundary line after a bare CR");
    m->shadow = 0;
    if (mime_content(m, m->line.s, m->line.len) == -1)
        return -1;
    buf_reset(&m->line);
    return 0;
}

/* The first LF or CR in p[0..n) followed by '-', or NULL. memchr for the '-' runs at memory
 * speed and base64 holds none; glibc's memmem is several times slower on a two-byte needle. */
static const char *
mime_lf_dash(const char *p, size_t n)
{
    const char *q = p, *end = p + n;

    while (q < end && (q = memchr(q, '-', (size_t)(end - q))) != NULL) {
        if (q > p && (q[-1] == '\n' || q[-1] == '\r'))
            return q - 1;
        q++;
    }
    return NULL;
}

static void
mime_feed(struct mime *m, const char *p, size_t n)
{
    while (n > 0 && !m->failed) {
        const char *lf;
        size_t take;
        if (m->st == MIME_ST_BODY && m->shadow) {
            for (take = 0;
                 take < n && take < m->line.max - m->line.len && p[take] != '\r' && p[take] != '\n';
                 take++)
                ;
            if (buf_put(&m->line, p, take) == -1) {
                m->failed = 1;
                return;
            }
            p += take;
            n -= take;
            if (mime_shadow_done(m, n > 0 && (p[0] == '\r' || p[0] == '\n')) == -1)
                return;
            continue;
        }
        if (m->st == MIME_ST_HDR || (m->st == MIME_ST_BODY && m->cand)) {
            lf = memchr(p, '\n', n);
            take = lf != NULL ? (size_t)(lf - p) + 1 : n;
            if (take > m->line.max - m->line.len)
                take = m->line.max - m->line.len;
            if (buf_put(&m->line, p, take) == -1) {
                m->failed = 1;
                return;
            }
            p += take;
            n -= take;
            if (m->st == MIME_ST_HDR) {
                if (lf != NULL && p == lf + 1) {
                    if (mime_hdr_line(m) == -1)
                        return;
                } else if (m->line.len > MIME_LINE_MAX) {
                    mime_over(m, "part header line longer than " RW_STR(MIME_LINE_MAX) " bytes");
                    return;
                }
            } else if (lf != NULL && p == lf + 1) {
                if (mime_cand_done(m, 1) == -1)
                    return;
            } else {
                if (mime_cand_done(m, 0) == -1)
                    return;
                if (m->cand && m->line.len > MIME_LINE_MAX) {
                    mime_over(m, "boundary line longer than " RW_STR(MIME_LINE_MAX) " bytes");
                    return;
                }
            }
            continue;
        }
        if (m->st != MIME_ST_BODY)
            return;
        if (m->bol || m->aftercr) {
            if (m->nbound > 0 && p[0] == '-') {
                m->cand = m->bol;
                m->shadow = !m->bol;
                m->bol = m->aftercr = 0;
                continue;
            }
            m->bol = m->aftercr = 0;
        }
        /* content up to the next line that starts with '-' (the only lines that may be
         * boundaries, or look like one after a bare CR); everything, when no multipart is
         * open */
        lf = m->nbound > 0 ? mime_lf_dash(p, n) : NULL;
        take = lf != NULL ? (size_t)(lf - p) + 1 : n;
        if (mime_content(m, p, take) == -1)
            return;
        m->bol = p[take - 1] == '\n';
        m->aftercr = p[take - 1] == '\r';
        p += take;
        n -= take;
    }
}

/* The message's own header is complete: part 0. */
static int
mime_start(struct mime *m)
{
    struct buf *h = m->hv;
    int rc = mime_part_build(m, &m->stack[0], m->hvset[0] ? h[0].s : NULL, h[0].len,
                             m->hvset[1] ? h[1].s : NULL, h[1].len, m->hvset[2] ? h[2].s : NULL,
                             h[2].len, 0);

    m->top = 0;
    if (rc == -1) { /* a limit: the message is still announced, and nothing in it */
        m->st = MIME_ST_STOPPED;
        return mime_emit(m, MIME_PART_BEGIN, &m->stack[0].part, NULL, 0);
    }
    return mime_opened(m);
}

int
mime_body(struct mime *m, const void *chunk, size_t len)
{
    if (m->failed)
        return -1;
    if (m->st == MIME_ST_START && mime_start(m) == -1)
        return m->failed ? -1 : 0;
    mime_feed(m, chunk, len);
    return m->failed ? -1 : 0;
}

int
mime_end(struct mime *m)
{
    if (m->failed || m->st == MIME_ST_DONE)
        return m->failed ? -1 : 0;
    if (m->st == MIME_ST_START)
        mime_start(m);
    if (m->st == MIME_ST_HDR && m->line.len > 0)
        mime_hdr_line(m);
    while (m->st == MIME_ST_HDR && !m->failed)
        if (mime_child(m) == -1)
            break;
    if (m->st == MIME_ST_BODY && m->cand)
        mime_cand_done(m, 1);
    if (m->st == MIME_ST_BODY && m->shadow)
        mime_shadow_done(m, 1);
    if (m->st == MIME_ST_BODY && !m->failed) {
        /* no boundary follows: a held line end is content */
        size_t n = m->npend;
        m->npend = 0;
        if ((n == 0 || mime_stream(m, m->pend, n) == 0) && m->st == MIME_ST_BODY)
            mime_stream_end(m);
    }
    if (m->failed)
        return -1;
    mime_uu_abandon(m);
    while (m->top >= 0 && !m->failed)
        mime_pop(m);
    m->st = MIME_ST_DONE;
    return m->failed ? -1 : 0;
}

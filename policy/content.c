/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * content.c - content screening of one message (see content.h): the MIME parser's events become
 * attachment facts and keyword hits, and each content condition of the policy is answered once
 * per part and remembered as a bit. Nothing of the message is kept but the bounded state of the
 * part being read.
 */
#include "content.h"
#include "attach.h"
#include "cond.h"
#include "kw.h"
#include "mime.h"
#include "rfc2047.h"
#include "textconv.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The Subject as scanned for keywords: RFC 5322 lines are at most 998 octets, folding
 * allows more; a Subject over this is scanned up to it and is a MIME limit of its own. */
#define CONTENT_SUBJECT_MAX (64 * 1024)
/* The trial's findings: far more than a screen of lines; past it they are counted. */
#define CONTENT_TRACE_MAX (1024 * 1024)

/* Leaf parts open at once: a text part and a uuencoded block inside it; nesting goes no
 * deeper, the margin is for a parser that one day opens more. Past it: a MIME limit. */
#define CONTENT_LEAVES_MAX 4

/* One open leaf part: its attachment facts and, for text, its converter and keyword stream
 * (the session's own stream for the first text leaf, one of its own for a nested one). */
struct content_leaf {
    struct content *c;
    unsigned index; /* part number, or CONTENT_SUBJECT for the Subject */
    struct attach *att;
    struct textconv *tc;
    struct kw_scan *kw;
    int own_kw;
};

struct content {
    const struct ruleset *rs;
    const struct policy *pol;
    struct content_facts f;
    const struct cond **pconds; /* the policy's attachment conditions */
    size_t npconds;
    struct mime *mime;
    struct kw_scan *kw;
    /* the leaf parts being read: one at a time, but for a uuencoded block inside a text part,
     * which is a part of its own while its text goes on */
    struct content_leaf leaves[CONTENT_LEAVES_MAX];
    size_t nleaves;
    int trace;
    struct buf findings;
    int findings_over;
};

static void
content_fail(struct content *c, const char *why)
{
    if (c->f.error[0] == '\0')
        util_strlcpy(c->f.error, why, sizeof(c->f.error));
}

static void
content_set(unsigned char *bits, unsigned i)
{
    bits[i / 8] |= (unsigned char)(1u << (i % 8));
}

/* A line of the trial's findings; untrusted text in it is escaped by the caller. */
static void
content_trace(struct content *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
content_trace(struct content *c, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n;

    if (!c->trace || c->findings_over)
        return;
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (buf_put(&c->findings, line, strlen(line) + 1) == -1) {
        c->findings_over = 1;
        buf_put(&c->findings, "(more findings not shown)", sizeof("(more findings not shown)"));
    }
}

static int
content_kw_hit(void *arg, const struct kw_pattern *p, unsigned long long offset)
{
    struct content_leaf *lf = arg;
    struct content *c = lf->c;
    struct content_hit *h;
    const struct list *l;
    char esc[200];

    (void)offset;
    if (p->id >= c->rs->nkw_lists)
        return 0;
    l = c->rs->kw_lists[p->id];
    h = &c->f.kw_first[p->id];
    if (!h->found) {
        h->found = 1;
        h->part = lf->index;
        util_strlcpy(h->what, p->text, sizeof(h->what));
    }
    content_set(c->f.kw_hits, p->id);
    if (lf->index == CONTENT_SUBJECT)
        content_trace(c, "keyword <%s> \"%s\" in Subject", l->name ? l->name : "{...}",
                      util_escape(esc, sizeof(esc), p->text, 100));
    else
        content_trace(c, "keyword <%s> \"%s\" in part %u", l->name ? l->name : "{...}",
                      util_escape(esc, sizeof(esc), p->text, 100), lf->index);
    return 0;
}

/* Decoded text goes on to the keyword scanner. */
static int
content_text(void *arg, const char *text, size_t len)
{
    struct content_leaf *lf = arg;

    if (lf->kw == NULL)
        return 0;
    if (kw_scan_feed(lf->kw, text, len, content_kw_hit, lf) == -1) {
        content_fail(lf->c, "keyword scan failed");
        return -1;
    }
    return 0;
}

static int
content_is_text(const struct mime_part *p)
{
    return strncmp(p->type, "text/", 5) == 0;
}

/* A text stream (a part, or the Subject) starts: its converter and keyword stream. */
static int
content_text_begin(struct content *c, struct content_leaf *lf, const char *charset, int html)
{
    size_t i;
    int busy = 0;

    if (c->kw == NULL)
        return 0;
    for (i = 0; i < c->nleaves; i++)
        busy |= &c->leaves[i] != lf && c->leaves[i].c != NULL && c->leaves[i].kw == c->kw;
    if (!busy) {
        lf->kw = c->kw;
    } else if ((lf->kw = kw_scan_new(c->rs->kw)) != NULL) {
        lf->own_kw = 1;
    } else {
        content_fail(c, "out of memory");
        return -1;
    }
    if ((lf->tc = textconv_new(charset, html)) == NULL) {
        content_fail(c, "out of memory");
        return -1;
    }
    if (kw_scan_begin(lf->kw) == -1) {
        content_fail(c, "keyword scan failed");
        return -1;
    }
    return 0;
}

/* The stream ends: what the converter held back is scanned, then the end of the stream
 * (a whole word at the very end). */
static int
content_text_end(struct content *c, struct content_leaf *lf)
{
    if (lf->tc != NULL) {
        if (textconv_end(lf->tc, content_text, lf) == -1 && c->f.error[0] == '\0')
            content_fail(c, "text conversion failed");
        if (lf->kw != NULL && kw_scan_end(lf->kw, content_kw_hit, lf) == -1)
            content_fail(c, "keyword scan failed");
    }
    return c->f.error[0] ? -1 : 0;
}

static void
content_leaf_free(struct content_leaf *lf)
{
    attach_free(lf->att);
    textconv_free(lf->tc);
    if (lf->own_kw)
        kw_scan_free(lf->kw);
    memset(lf, 0, sizeof(*lf));
}

static struct content_leaf *
content_leaf_find(struct content *c, unsigned index)
{
    size_t i;

    for (i = c->nleaves; i > 0; i--)
        if (c->leaves[i - 1].c != NULL && c->leaves[i - 1].index == index)
            return &c->leaves[i - 1];
    return NULL;
}

static int
content_leaf_begin(struct content *c, const struct mime_part *p)
{
    struct content_leaf *lf;

    if (c->nleaves >= CONTENT_LEAVES_MAX) {
        content_fail(c, "too many parts open at once");
        return -1;
    }
    lf = &c->leaves[c->nleaves++];
    memset(lf, 0, sizeof(*lf));
    lf->c = c;
    lf->index = p->index;
    if ((lf->att = attach_new()) == NULL) {
        content_fail(c, "out of memory");
        return -1;
    }
    if (!content_is_text(p))
        return 0;
    return content_text_begin(c, lf, p->charset, strcmp(p->type, "text/html") == 0);
}

static int
content_leaf_data(struct content *c, const struct mime_part *p, const unsigned char *data,
                  size_t len)
{
    struct content_leaf *lf = content_leaf_find(c, p->index);

    if (lf == NULL) {
        content_fail(c, "data for a part that is not open");
        return -1;
    }
    if (attach_feed(lf->att, data, len) == -1) {
        content_fail(c, "attachment facts failed");
        return -1;
    }
    if (lf->tc != NULL && textconv_feed(lf->tc, (const char *)data, len, content_text, lf) == -1) {
        if (c->f.error[0] == '\0')
            content_fail(c, "text conversion failed");
        return -1;
    }
    return 0;
}

/* The part's names, normalised as Windows saves them; *out NULL when absent. The same name
 * given twice (filename= and name=) counts once. */
static int
content_names(struct content *c, const struct mime_part *p, struct attach_name nm[2],
              const struct attach_name *out[2])
{
    const char *raw[2] = {p->name_disp, p->name_type};
    char err[160];
    int k;

    for (k = 0; k < 2; k++) {
        out[k] = NULL;
        if (raw[k] == NULL)
            continue;
        if (attach_name_norm(raw[k], &nm[k], err, sizeof(err)) == -1) {
            content_fail(c, err);
            return -1;
        }
        out[k] = &nm[k];
    }
    if (out[0] != NULL && out[1] != NULL && strcmp(out[0]->name, out[1]->name) == 0)
        out[1] = NULL;
    return 0;
}

static void
content_trace_name(char *dst, size_t len, const char *label, const struct attach_name *n)
{
    char esc[300], exts[200] = "";
    size_t i;

    dst[0] = '\0';
    if (n == NULL)
        return;
    for (i = 0; i < n->next; i++)
        snprintf(exts + strlen(exts), sizeof(exts) - strlen(exts), "%s%s", i ? "," : "",
                 n->ext[n->next - 1 - i]);
    snprintf(dst, len, " %s=\"%s\"%s%s%s%s%s", label, util_escape(esc, sizeof(esc), n->name, 200),
             exts[0] ? " ext=" : "", exts, (n->flags & NAME_DOUBLE_EXT) ? " double-ext" : "",
             (n->flags & NAME_BIDI) ? " bidi" : "", (n->flags & NAME_TOO_LONG) ? " name-too-long" : "");
}

static void
content_trace_part(struct content *c, const struct mime_part *p, const struct part_facts *pf)
{
    char n0[600], n1[600], t[200], esc[300];
    const struct attach_facts *af = pf->af;
    size_t i;

    if (!c->trace)
        return;
    content_trace_name(n0, sizeof(n0), "filename", pf->names[0]);
    content_trace_name(n1, sizeof(n1), "name", pf->names[1]);
    util_escape(t, sizeof(t), pf->type ? pf->type : "", 100);
    content_trace(c, "part %u: depth=%u type=%s%s%s%s%s%s", pf->index, p->depth, t,
                  p->disp == MIME_DISP_ATTACHMENT ? " disp=attachment" : "", n0, n1,
                  af ? " truetype=" : "", af ? af->truetype : "");
    if (af == NULL)
        return;
    content_trace(c, "part %u: size=%llu sha256=%s%s%s%s%s%s", pf->index, af->size, af->sha256,
                  (af->flags & ATTACH_ENCRYPTED) ? " encrypted" : "",
                  (af->flags & ATTACH_ARCHIVE_LIMIT) ? " archive-limit" : "",
                  (af->flags & ATTACH_ARCHIVE_BROKEN) ? " archive-broken" : "",
                  af->why && af->why[0] ? " why=" : "",
                  af->why && af->why[0] ? util_escape(esc, sizeof(esc), af->why, 100) : "");
    for (i = 0; i < af->ninner; i++)
        content_trace(c, "part %u: inner \"%s\"%s", pf->index,
                      util_escape(esc, sizeof(esc), af->inner[i].path, 200),
                      af->inner[i].encrypted ? " encrypted" : "");
}

/* A part ends: its facts answer the attachment conditions, once, and are forgotten. */
static int
content_part_end(struct content *c, const struct mime_part *p, struct attach *att)
{
    struct attach_name nm[2];
    struct part_facts pf;
    char what[sizeof(c->f.cond_first[0].what)], err[160];
    size_t i;
    int r;

    memset(&pf, 0, sizeof(pf));
    pf.index = p->index;
    /* one parameter given twice with different names (which one a reader saves is its own
     * choice), or a name with a NUL in it (cut there here, who knows where elsewhere): a
     * structure flaw, like a repeated Content-Type */
    if (((p->flags & MIME_PF_NAME_AMBIGUOUS) ||
         (p->name_disp != NULL && strlen(p->name_disp) != p->name_disp_len) ||
         (p->name_type != NULL && strlen(p->name_type) != p->name_type_len)) &&
        !c->f.malformed) {
        c->f.malformed = 1;
        if (c->f.mime_why[0] == '\0')
            snprintf(c->f.mime_why, sizeof(c->f.mime_why),
                     "part %u: a file name given twice differently, or holding NUL", p->index);
    }
    pf.type = p->type;
    if (content_names(c, p, nm, pf.names) == -1)
        return -1;
    if (att != NULL) {
        if (attach_end(att, err, sizeof(err)) == -1) {
            content_fail(c, err);
            return -1;
        }
        pf.af = attach_facts(att);
        /* names inside an archive that could not all be listed: screening is incomplete, as
         * when the MIME parser stops at a limit, and the rules' "mime limit" says so */
        /* a damaged archive too: relaywarden could not read its names, an unzip tool may */
        if ((pf.af->flags & (ATTACH_ARCHIVE_LIMIT | ATTACH_ARCHIVE_BROKEN)) && !c->f.limit) {
            c->f.limit = 1;
            snprintf(c->f.mime_why, sizeof(c->f.mime_why), "part %u: %s%s", p->index,
                     (pf.af->flags & ATTACH_ARCHIVE_LIMIT) ? "" : "archive not readable: ",
                     pf.af->why && pf.af->why[0] ? pf.af->why : "archive listing incomplete");
        }
    }
    for (i = 0; i < c->npconds; i++) {
        const struct cond *cd = c->pconds[i];
        what[0] = '\0';
        if ((r = cd->def->part(cd, &pf, what, sizeof(what))) == -1) {
            content_fail(c, "out of memory");
            return -1;
        }
        if (r == 1) {
            content_set(c->f.cond_hits, cd->id);
            if (!c->f.cond_first[cd->id].found) {
                c->f.cond_first[cd->id].found = 1;
                c->f.cond_first[cd->id].part = p->index;
                util_strlcpy(c->f.cond_first[cd->id].what, what, sizeof(what));
            }
        }
    }
    content_trace_part(c, p, &pf);
    return 0;
}

static int
content_mime_event(void *arg, enum mime_event ev, const struct mime_part *p,
                   const unsigned char *data, size_t len)
{
    struct content *c = arg;
    struct content_leaf *lf;
    int rc;

    if (p->flags & (MIME_PF_MULTIPART | MIME_PF_MESSAGE)) /* containers: names only */
        return ev == MIME_PART_END ? content_part_end(c, p, NULL) : 0;
    switch (ev) {
    case MIME_PART_BEGIN:
        return content_leaf_begin(c, p);
    case MIME_PART_DATA:
        return content_leaf_data(c, p, data, len);
    case MIME_PART_END:
        if ((lf = content_leaf_find(c, p->index)) == NULL) {
            content_fail(c, "end of a part that is not open");
            return -1;
        }
        rc = content_text_end(c, lf);
        if (rc == 0)
            rc = content_part_end(c, p, lf->att);
        content_leaf_free(lf);
        /* leaves end in the reverse order they began: the stack shrinks from the top */
        while (c->nleaves > 0 && c->leaves[c->nleaves - 1].c == NULL)
            c->nleaves--;
        return rc;
    }
    return 0;
}

/* The attachment conditions of the policy's content rules: answered per part. */
static int
content_collect(struct content *c)
{
    const struct policy *pol = c->pol;
    size_t i, j, n = 0;

    for (i = 0; i < pol->nrules; i++)
        for (j = 0; j < pol->rules[i]->nconds; j++)
            n += pol->rules[i]->conds[j].def->part != NULL;
    if (n == 0)
        return 0;
    if ((c->pconds = calloc(n, sizeof(*c->pconds))) == NULL)
        return -1;
    for (i = 0; i < pol->nrules; i++)
        for (j = 0; j < pol->rules[i]->nconds; j++)
            if (pol->rules[i]->conds[j].def->part != NULL)
                c->pconds[c->npconds++] = &pol->rules[i]->conds[j];
    return 0;
}

struct content *
content_new(const struct ruleset *rs, const struct policy *pol, int trace)
{
    struct content *c = calloc(1, sizeof(*c));
    size_t nkw = rs->nkw_lists, ncond = rs->ncontent;

    if (c == NULL)
        return NULL;
    c->rs = rs;
    c->pol = pol;
    c->trace = trace;
    buf_init(&c->findings, CONTENT_TRACE_MAX);
    if ((c->f.kw_hits = calloc(nkw / 8 + 1, 1)) == NULL ||
        (c->f.kw_first = calloc(nkw + 1, sizeof(*c->f.kw_first))) == NULL ||
        (c->f.cond_hits = calloc(ncond / 8 + 1, 1)) == NULL ||
        (c->f.cond_first = calloc(ncond + 1, sizeof(*c->f.cond_first))) == NULL ||
        content_collect(c) == -1 || (c->mime = mime_new(content_mime_event, c)) == NULL ||
        (rs->kw != NULL && (c->kw = kw_scan_new(rs->kw)) == NULL)) {
        content_free(c);
        return NULL;
    }
    return c;
}

void
content_free(struct content *c)
{
    if (c == NULL)
        return;
    mime_free(c->mime);
    while (c->nleaves > 0)
        content_leaf_free(&c->leaves[--c->nleaves]);
    kw_scan_free(c->kw);
    free(c->pconds);
    free(c->f.kw_hits);
    free(c->f.kw_first);
    free(c->f.cond_hits);
    free(c->f.cond_first);
    buf_free(&c->findings);
    free(c);
}

/* A Subject decoded as a reader sees it (RFC 2047 words joined), scanned as a stream of its
 * own: a keyword split across two encoded words is found. Every Subject is scanned: a reader
 * may show the second. */
static int
content_subject(struct content *c, const char *value, size_t vl)
{
    struct content_leaf subj;
    struct buf dec;
    char err[160];
    int rc = 0;

    if (c->kw == NULL)
        return 0;
    buf_init(&dec, 4 * CONTENT_SUBJECT_MAX);
    if (rfc2047_decode(value, vl, &dec, err, sizeof(err)) == -1) {
        /* undecodable words are scanned as the raw text a reader would then see */
        buf_reset(&dec);
        if (buf_put(&dec, value, vl) == -1) {
            buf_free(&dec);
            content_fail(c, "out of memory");
            return -1;
        }
    }
    memset(&subj, 0, sizeof(subj));
    subj.c = c;
    subj.index = CONTENT_SUBJECT;
    if (content_text_begin(c, &subj, "utf-8", 0) == -1) {
        textconv_free(subj.tc);
        buf_free(&dec);
        return -1;
    }
    if (textconv_feed(subj.tc, buf_str(&dec), dec.len, content_text, &subj) == -1 ||
        content_text_end(c, &subj) == -1) {
        content_fail(c, "keyword scan failed");
        rc = -1;
    }
    textconv_free(subj.tc);
    buf_free(&dec);
    return rc;
}

int
content_header(struct content *c, const char *name, const char *value)
{
    size_t nl = strlen(name), vl = strlen(value);

    c->f.size += nl + vl + 4; /* "Name: value\r\n" */
    if (c->f.error[0])
        return -1;
    if (strcasecmp(name, "Subject") == 0) {
        if (vl >= CONTENT_SUBJECT_MAX && !c->f.limit) {
            c->f.limit = 1;
            snprintf(c->f.mime_why, sizeof(c->f.mime_why), "Subject longer than %d bytes",
                     CONTENT_SUBJECT_MAX - 1);
        }
        if (content_subject(c, value, vl < CONTENT_SUBJECT_MAX ? vl : CONTENT_SUBJECT_MAX) == -1)
            return -1;
    }
    if (mime_header(c->mime, name, value) == -1) {
        content_fail(c, "out of memory");
        return -1;
    }
    return 0;
}

/* The header fields are complete: nothing is left to do before the body (each Subject was
 * scanned as it came). */
int
content_eoh(struct content *c)
{
    return c->f.error[0] ? -1 : 0;
}

int
content_body(struct content *c, const void *chunk, size_t len)
{
    c->f.size += len;
    if (c->f.error[0])
        return -1;
    if (mime_body(c->mime, chunk, len) == -1) {
        content_fail(c, "MIME parser failed");
        return -1;
    }
    return 0;
}

int
content_end(struct content *c)
{
    const char *why = NULL;
    unsigned st;

    if (c->f.done)
        return c->f.error[0] ? -1 : 0;
    c->f.done = 1;
    if (c->f.error[0])
        return -1;
    if (mime_end(c->mime) == -1) {
        content_fail(c, "MIME parser failed");
        return -1;
    }
    st = mime_status(c->mime, &why);
    if (st & MIME_S_MALFORMED)
        c->f.malformed = 1;
    if (st & MIME_S_LIMIT)
        c->f.limit = 1;
    if ((st & (MIME_S_MALFORMED | MIME_S_LIMIT)) && why != NULL && c->f.mime_why[0] == '\0')
        util_strlcpy(c->f.mime_why, why, sizeof(c->f.mime_why));
    if (c->f.malformed || c->f.limit)
        content_trace(c, "mime: %s (%s)", c->f.malformed ? "malformed" : "limit",
                      c->f.mime_why);
    return 0;
}

void
content_stop(struct content *c)
{
    if (c->f.done)
        return;
    c->f.done = 1;
    if (c->f.error[0] == '\0')
        content_trace(c, "body: the rest is not read, the rules' answer cannot change any more");
}

const struct content_facts *
content_facts(const struct content *c)
{
    return &c->f;
}

const struct buf *
content_findings(const struct content *c)
{
    return c->trace ? &c->findings : NULL;
}

int
content_compile(struct ruleset *rs, char *err, size_t errlen)
{
    struct kw_pattern *pats = NULL;
    size_t i, j, n = 0, np = 0;

    for (i = 0; i < rs->nall_lists; i++)
        if (rs->all_lists[i]->type == LIST_KEYWORDS) {
            n++;
            np += rs->all_lists[i]->npatterns;
        }
    if (n == 0)
        return 0;
    if ((rs->kw_lists = calloc(n, sizeof(*rs->kw_lists))) == NULL ||
        (pats = calloc(np + 1, sizeof(*pats))) == NULL) {
        free(pats);
        util_errf(err, errlen, "out of memory");
        return -1;
    }
    np = 0;
    for (i = 0; i < rs->nall_lists; i++) {
        struct list *l = rs->all_lists[i];
        if (l->type != LIST_KEYWORDS)
            continue;
        l->kw_index = (int)rs->nkw_lists;
        rs->kw_lists[rs->nkw_lists++] = l;
        for (j = 0; j < l->npatterns; j++) {
            pats[np].text = l->patterns[j];
            pats[np].id = (unsigned)l->kw_index;
            pats[np].flags = l->word ? KW_WORD : 0;
            np++;
        }
    }
    rs->kw = np > 0 ? kw_compile(pats, np, err, errlen) : NULL;
    free(pats);
    return np > 0 && rs->kw == NULL ? -1 : 0;
}

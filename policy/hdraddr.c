/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hdraddr.c - RFC 5322 address-list parser for From: and Sender:.
 *
 *   address-list = address *("," address)      address = mailbox / group
 *   group = display-name ":" [mailbox-list] ";"  mailbox = name-addr / addr-spec
 *   name-addr = [display-name] "<" [obs-route] addr-spec ">"
 *
 * The value is read through a length-bounded view; everything kept goes into buffers that grow
 * up to a named limit, so a long or deeply nested header is "too long" (broken), never cut.
 * An addr-spec is rebuilt from its tokens (comments and folding removed) and handed to
 * addr_parse, so header and envelope addresses are judged by the same code, routing hops and
 * all. The text a reader displays is gathered per piece - a display name, a group name, the
 * comments around one address - brought to textnorm's normal form and scanned for addresses.
 * Anything that does not fit the grammar makes the header broken: a broken author header is a
 * violation, never a pass.
 */
#include "hdraddr.h"
#include "buf.h"
#include "textnorm.h"
#include "util.h"

#include <string.h>

struct hscan {
    const char *p, *end;
    struct author *au;
    struct buf spec;   /* the addr-spec rebuilt from its tokens */
    struct buf phrase; /* words since the last delimiter: a display name, or the addr-spec */
    struct buf disp;   /* display text of the current piece, raw */
    struct buf norm;   /* its normal form */
    int ws;            /* white space or a comment since the last token */
    int nwords;        /* words since the last delimiter */
    int last_word;     /* the last token was a word: another word right after is a phrase */
    int adjacent;      /* word followed word: not an addr-spec, only a display name */
    int bare_at;       /* an unquoted '@' outside <>: an addr-spec, so no display name */
    int spec_over;     /* the words would make an addr-spec past ADDR_PATH_MAX */
    int utf8;          /* hdraddr_check under SMTPUTF8: RFC 6532 UTF-8 allowed */
    int nbox;          /* hdraddr_check (au NULL): the mailboxes counted */
    int ngroups;       /* groups opened ("name:"): a Sender may not be one */
    int ncommas;       /* list separators: a Sender is one mailbox, not a list */
    char *err;
    size_t errlen;
};

static int
hdr_fail(struct hscan *s, const char *why)
{
    util_errf(s->err, s->errlen, "%s", why);
    return -1;
}

/* Bytes RFC 5322 never allows in a header value (folding CR LF aside). */
static int
hdr_ctl(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
}

static int
hdr_wsp(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
hdr_special(char c)
{
    return strchr("()<>@,;:\\\".[]", c) != NULL;
}

/* RFC 5322 atext, for the local part of an address found in display text (UTF-8 bytes are
 * taken too, by the scan). */
static int
hdr_atext(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static int
hdr_ldh(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

static int
hdr_put(struct hscan *s, struct buf *b, const char *t, size_t n)
{
    if (buf_put(b, t, n) == -1)
        return hdr_fail(s, buf_over(b, n) ? "display text too long" : "out of memory");
    return 0;
}

/* Words go to spec before it is known whether they are an addr-spec or a long display name:
 * too many for an address is an error only if they turn out to be one (hdr_mailbox). */
static int
hdr_spec_put(struct hscan *s, const char *t, size_t n)
{
    if (s->spec_over)
        return 0;
    if (buf_put(&s->spec, t, n) == -1) {
        if (!buf_over(&s->spec, n))
            return hdr_fail(s, "out of memory");
        s->spec_over = 1;
    }
    return 0;
}

/* Adds a mailbox unless the same address is already kept. */
static int
hdr_add_box(struct hscan *s, const struct addr *a, int hidden)
{
    struct author *au = s->au;
    int i;

    if (au == NULL) { /* hdraddr_check: the mailboxes written, counted */
        if (hidden)
            return 0;
        if (s->nbox == HDR_MAILBOXES_MAX)
            return hdr_fail(s, "too many addresses");
        s->nbox++;
        return 0;
    }
    for (i = 0; i < au->nbox; i++)
        if (au->box[i].flags == a->flags && strcmp(au->box[i].local, a->local) == 0 &&
            strcmp(au->box[i].domain, a->domain) == 0 && au->box[i].nhops == a->nhops)
            return 0;
    if (au->nbox == HDR_MAILBOXES_MAX)
        return hdr_fail(s, "too many addresses");
    au->box[au->nbox] = *a;
    au->hidden[au->nbox] = (unsigned char)hidden;
    au->nbox++;
    au->nhidden += hidden;
    return 0;
}

/*
 * Addresses in normalized display text t[0..n): every '@' with a local part of atext, dots and
 * quotes before it and a dotted domain after it, white space on either side of the '@'
 * allowed ("boss @ example.com" reads as an address too). Quotes are dropped from the local
 * part and empty dot-labels collapsed, so '"boss"@example.com' and '.boss.@example.com' are
 * found as boss@example.com. A candidate too long to be an address makes the header broken.
 */
static int
hdr_scan_text(struct hscan *s, const char *t, size_t n)
{
    size_t at, l, lend, r, rbeg, i;

    for (at = 0; at < n; at++) {
        char cand[ADDR_PATH_MAX + 1], aerr[96];
        size_t o = 0;
        struct addr a;

        if (t[at] != '@')
            continue;
        for (lend = at; lend > 0 && t[lend - 1] == ' '; lend--)
            ;
        /* RFC 6532: a local part may be UTF-8 ("президент@example.com"). */
        for (l = lend; l > 0 && (hdr_atext((unsigned char)t[l - 1]) || t[l - 1] == '.' ||
                                 t[l - 1] == '"' || (unsigned char)t[l - 1] >= 0x80);
             l--)
            ;
        for (rbeg = at + 1; rbeg < n && t[rbeg] == ' '; rbeg++)
            ;
        for (r = rbeg; r < n && (hdr_ldh((unsigned char)t[r]) || t[r] == '.'); r++)
            ;
        while (r > rbeg && t[r - 1] == '.')
            r--;
        if (memchr(t + rbeg, '.', r - rbeg) == NULL)
            continue; /* no dotted domain: "a@localhost", "@ work" */
        if ((lend - l) + 1 + (r - rbeg) > ADDR_PATH_MAX)
            return hdr_fail(s, "address in display text too long");
        for (i = l; i < lend; i++) {
            if (t[i] == '"' || (t[i] == '.' && (o == 0 || cand[o - 1] == '.')))
                continue;
            cand[o++] = t[i];
        }
        if (o > 0 && cand[o - 1] == '.')
            o--;
        if (o == 0)
            continue; /* "@example.com" alone names no mailbox */
        /* A UTF-8 local part cannot be owned (senders lists are ASCII) but still names the
         * domain: keep the domain under a local part that owns nothing. */
        for (i = 0; i < o && (unsigned char)cand[i] < 0x80; i++)
            ;
        if (i < o) {
            memcpy(cand, "?", 1);
            o = 1;
        }
        cand[o++] = '@';
        for (i = rbeg; i < r; i++) {
            if (t[i] == '.' && cand[o - 1] == '.')
                continue;
            cand[o++] = t[i];
        }
        cand[o] = '\0';
        if (addr_parse(cand, ADDR_MAIL, &a, aerr, sizeof(aerr)) == 0 &&
            hdr_add_box(s, &a, 1) == -1)
            return -1;
    }
    return 0;
}

/* The display text gathered for one piece: normalized, scanned (in screen order too when
 * bidi reorders it), emptied. */
static int
hdr_flush(struct hscan *s)
{
    char nerr[128];
    unsigned flags;

    if (s->disp.len == 0)
        return 0;
    if (s->au == NULL) { /* hdraddr_check: display text is syntax only, not scanned */
        buf_reset(&s->disp);
        return 0;
    }
    buf_reset(&s->norm);
    if (textnorm_display(s->disp.s, s->disp.len, &s->norm, &flags, nerr, sizeof(nerr)) == -1)
        return hdr_fail(s, nerr);
    if (hdr_scan_text(s, buf_str(&s->norm), s->norm.len) == -1)
        return -1;
    /* What the reader sees, in a left-to-right and in a right-to-left paragraph. */
    for (int rtl = 0; (flags & TEXTNORM_F_BIDI) && rtl <= 1; rtl++) {
        buf_reset(&s->norm);
        if (textnorm_visual(s->disp.s, s->disp.len, rtl, &s->norm, nerr, sizeof(nerr)) == -1)
            return hdr_fail(s, nerr);
        if (hdr_scan_text(s, buf_str(&s->norm), s->norm.len) == -1)
            return -1;
    }
    buf_reset(&s->disp);
    return 0;
}

/* Text a reader sees, appended to the piece with a space where white space separated it. */
static int
hdr_disp_put(struct hscan *s, const char *t, size_t n)
{
    if (s->disp.len > 0 && hdr_put(s, &s->disp, " ", 1) == -1)
        return -1;
    return hdr_put(s, &s->disp, t, n);
}

/* The words gathered since the last delimiter were a display name (or group name). */
static int
hdr_phrase_to_disp(struct hscan *s)
{
    int rc = 0;

    if (s->phrase.len > 0)
        rc = hdr_disp_put(s, s->phrase.s, s->phrase.len);
    buf_reset(&s->phrase);
    return rc;
}

/* Skips folding white space and comments; comment text, quoted-pairs undone, goes to the
 * display text. Nested comments are kept as text with their parentheses. */
static int
hdr_cfws(struct hscan *s)
{
    for (;;) {
        while (s->p < s->end && hdr_wsp(*s->p)) {
            s->p++;
            s->ws = 1;
        }
        if (s->p == s->end || *s->p != '(')
            return 0;
        s->ws = 1;
        if (s->disp.len > 0 && hdr_put(s, &s->disp, " ", 1) == -1)
            return -1;
        {
            size_t depth = 1;
            for (s->p++; depth > 0; s->p++) {
                char c;
                if (s->p == s->end)
                    return hdr_fail(s, "unterminated comment");
                c = *s->p;
                if (hdr_ctl((unsigned char)c))
                    return hdr_fail(s, "control character");
                if (c == '\\') {
                    if (++s->p == s->end)
                        return hdr_fail(s, "unterminated comment");
                    c = *s->p;
                    if (hdr_ctl((unsigned char)c))
                        return hdr_fail(s, "control character");
                } else if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    continue;
                } else {
                    /* a run of plain comment text in one copy */
                    const char *q = s->p;
                    while (q + 1 < s->end && strchr("\\()", q[1]) == NULL &&
                           !hdr_ctl((unsigned char)q[1]))
                        q++;
                    if (hdr_put(s, &s->disp, s->p, (size_t)(q - s->p) + 1) == -1)
                        return -1;
                    s->p = q;
                    continue;
                }
                if (hdr_put(s, &s->disp, &c, 1) == -1)
                    return -1;
            }
        }
    }
}

/* One word (atom, quoted string or domain literal): raw to spec, as read to the phrase. */
static int
hdr_word(struct hscan *s)
{
    const char *start = s->p;

    if (s->ws && s->phrase.len > 0 && hdr_put(s, &s->phrase, " ", 1) == -1)
        return -1;
    if (*s->p == '"') {
        for (s->p++;; s->p++) {
            char c;
            if (s->p == s->end)
                return hdr_fail(s, "unterminated quoted string");
            c = *s->p;
            if (c == '"')
                break;
            if (hdr_ctl((unsigned char)c))
                return hdr_fail(s, "control character");
            if (c == '\\') {
                if (++s->p == s->end)
                    return hdr_fail(s, "unterminated quoted string");
                c = *s->p;
                if (hdr_ctl((unsigned char)c))
                    return hdr_fail(s, "control character");
            } else {
                /* a run of plain quoted text in one copy */
                const char *q = s->p;
                while (q + 1 < s->end && q[1] != '"' && q[1] != '\\' &&
                       !hdr_ctl((unsigned char)q[1]))
                    q++;
                if (hdr_put(s, &s->phrase, s->p, (size_t)(q - s->p) + 1) == -1)
                    return -1;
                s->p = q;
                continue;
            }
            if (hdr_put(s, &s->phrase, &c, 1) == -1)
                return -1;
        }
        s->p++;
    } else if (*s->p == '[') {
        for (; s->p < s->end && *s->p != ']'; s->p++)
            if (hdr_ctl((unsigned char)*s->p) || (*s->p == '[' && s->p != start))
                return hdr_fail(s, "bad domain literal");
        if (s->p == s->end)
            return hdr_fail(s, "unterminated domain literal");
        s->p++;
        if (hdr_put(s, &s->phrase, start, (size_t)(s->p - start)) == -1)
            return -1;
    } else {
        while (s->p < s->end && !hdr_wsp(*s->p) && !hdr_special(*s->p) &&
               !hdr_ctl((unsigned char)*s->p))
            s->p++;
        if (s->p == start)
            return hdr_fail(s, s->p < s->end && hdr_ctl((unsigned char)*s->p)
                                   ? "control character"
                                   : "unexpected character");
        if (hdr_put(s, &s->phrase, start, (size_t)(s->p - start)) == -1)
            return -1;
    }
    s->adjacent += s->last_word;
    s->last_word = 1;
    s->ws = 0;
    s->nwords++;
    return hdr_spec_put(s, start, (size_t)(s->p - start));
}

/* spec holds an addr-spec: parse it and keep it. */
static int
hdr_mailbox(struct hscan *s)
{
    struct addr a;
    char aerr[96], ascii[ADDR_PATH_MAX + 1];
    const char *spec;

    if (s->adjacent > 0)
        return hdr_fail(s, "display name without <address>");
    if (s->spec_over)
        return hdr_fail(s, "address longer than 256 octets");
    spec = buf_str(&s->spec);
    if (s->utf8 && s->spec.len < sizeof(ascii)) {
        /* RFC 6532 3.2: UTF-8 (checked whole by hdraddr_check) may stand where atext, qtext
         * and a domain label's letters stand; each of its octets is judged as a letter, so
         * that the octet limits and the dot and quote rules of addr_parse still hold. */
        for (size_t i = 0; i <= s->spec.len; i++)
            ascii[i] = (unsigned char)spec[i] >= 0x80 ? 'x' : spec[i];
        spec = ascii;
    }
    if (addr_parse(spec, ADDR_MAIL, &a, aerr, sizeof(aerr)) == -1 ||
        (a.flags & (ADDR_F_NULL | ADDR_F_UNQUALIFIED))) {
        /* raw: the log escapes it, once */
        util_errf(s->err, s->errlen, "bad mailbox <%.40s>: %s", buf_str(&s->spec),
                  a.flags & ADDR_F_NULL ? "empty" : a.flags & ADDR_F_UNQUALIFIED ? "no domain"
                                                                                  : aerr);
        return -1;
    }
    if (hdr_add_box(s, &a, 0) == -1)
        return -1;
    if (s->au == NULL)
        return 0;
    /* A reader that decodes encoded words shows one in a local part as text: scan it too
     * ("=?utf-8?q?ceo=40example.com?="@evil reads as "ceo@example.com"@evil). */
    if (strstr(a.local, "=?") != NULL) {
        if (hdr_flush(s) == -1 || hdr_put(s, &s->disp, a.local, strlen(a.local)) == -1)
            return -1;
        return hdr_flush(s);
    }
    return 0;
}

static void
hdr_reset(struct hscan *s)
{
    buf_reset(&s->spec);
    s->spec_over = 0;
    buf_reset(&s->phrase);
    s->nwords = 0;
    s->last_word = s->adjacent = s->bare_at = 0;
}

/* After '<': [obs-route] addr-spec '>', the route kept so that addr_parse sees its hops. */
static int
hdr_angle(struct hscan *s)
{
    int route = 0;

    buf_reset(&s->spec);
    s->spec_over = 0;
    s->last_word = s->adjacent = 0;
    s->p++;
    if (hdr_cfws(s) == -1)
        return -1;
    route = s->p < s->end && *s->p == '@';
    for (;;) {
        if (hdr_cfws(s) == -1)
            return -1;
        if (s->p == s->end)
            return hdr_fail(s, "missing '>'");
        if (*s->p == '>')
            break;
        if (*s->p == '@' || *s->p == '.' || (route && (*s->p == ',' || *s->p == ':'))) {
            if (*s->p == ':')
                route = 0;
            if (hdr_spec_put(s, s->p++, 1) == -1)
                return -1;
            s->last_word = 0;
            continue;
        }
        if (strchr("<>,;:()\\]", *s->p) != NULL)
            return hdr_fail(s, "unexpected character in angle address");
        if (hdr_word(s) == -1)
            return -1;
    }
    s->p++;
    if (route)
        return hdr_fail(s, "bad route in angle address");
    buf_reset(&s->phrase); /* the words of the addr-spec are no display text */
    return hdr_mailbox(s);
}

static int
hdr_list(struct hscan *s)
{
    int in_group = 0, found = 0, angle = 0;

    for (;;) {
        if (hdr_cfws(s) == -1)
            return -1;
        if (s->p == s->end || *s->p == ',' || *s->p == ';') {
            if (!angle && (s->spec.len > 0 || s->spec_over)) {
                if (hdr_mailbox(s) == -1)
                    return -1;
                found++;
                buf_reset(&s->phrase);
            } else if (!angle && s->phrase.len > 0) {
                return hdr_fail(s, "display name without <address>");
            }
            if (hdr_flush(s) == -1)
                return -1;
            hdr_reset(s);
            angle = 0;
            if (s->p == s->end) {
                if (in_group)
                    return hdr_fail(s, "group without ';'");
                return found > 0 ? 0 : hdr_fail(s, "no mailbox");
            }
            if (*s->p == ';') {
                if (!in_group)
                    return hdr_fail(s, "';' outside a group");
                in_group = 0;
            } else
                s->ncommas++;
            s->p++;
            s->ws = 0;
            continue;
        }
        if (angle)
            return hdr_fail(s, "text after '>'");
        switch (*s->p) {
        case '<': /* name-addr: what came before was the display name */
            if (s->bare_at)
                return hdr_fail(s, "'@' in an unquoted display name");
            if (hdr_phrase_to_disp(s) == -1 || hdr_flush(s) == -1 || hdr_angle(s) == -1)
                return -1;
            found++;
            angle = 1;
            continue;
        case ':':
            if (in_group || s->nwords == 0 || s->bare_at)
                return hdr_fail(s, "unexpected ':'");
            in_group = 1;
            s->ngroups++;
            if (hdr_phrase_to_disp(s) == -1 || hdr_flush(s) == -1)
                return -1;
            hdr_reset(s);
            s->p++;
            s->ws = 0;
            continue;
        case '@':
        case '.':
            s->bare_at |= *s->p == '@';
            if (hdr_spec_put(s, s->p, 1) == -1)
                return -1;
            /* A dot inside a display name ("J. Smith") is part of what the reader sees. */
            if (*s->p == '.' && hdr_put(s, &s->phrase, ".", 1) == -1)
                return -1;
            s->p++;
            s->last_word = 0;
            s->ws = 0;
            continue;
        case '>':
        case ')':
        case '\\':
        case ']':
            return hdr_fail(s, "unexpected character");
        default:
            if (hdr_ctl((unsigned char)*s->p))
                return hdr_fail(s, "control character");
            if (hdr_word(s) == -1)
                return -1;
        }
    }
}

/*
 * The length of the RFC 3629 UTF-8 sequence at p (at most end - p octets), or 0 when it is no
 * valid one (overlong, a surrogate, past U+10FFFF, cut short) or a C1 control (U+0080-U+009F,
 * which RFC 6532 3.2 leaves out with the ASCII controls).
 */
static size_t
hdr_utf8_len(const unsigned char *p, const unsigned char *end)
{
    size_t n, i;
    unsigned long cp;

    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        n = 2, cp = p[0] & 0x1fu;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        n = 3, cp = p[0] & 0x0fu;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        n = 4, cp = p[0] & 0x07u;
    else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0)
        return 0;
    return n;
}

/* The scan over s's value with its working buffers, freed after: hdr_list's answer. */
static int
hdr_scan_run(struct hscan *s)
{
    int rc;

    buf_init(&s->spec, ADDR_PATH_MAX);
    buf_init(&s->phrase, HDR_TEXT_MAX);
    buf_init(&s->disp, HDR_TEXT_MAX);
    buf_init(&s->norm, HDR_TEXT_MAX);
    rc = hdr_list(s);
    buf_free(&s->spec);
    buf_free(&s->phrase);
    buf_free(&s->disp);
    buf_free(&s->norm);
    return rc;
}

int
hdraddr_parse(const char *value, size_t len, struct author *au, char *err, size_t errlen)
{
    struct hscan s;
    int rc;

    memset(&s, 0, sizeof(s));
    s.p = value;
    s.end = value + len;
    s.au = au;
    s.err = err;
    s.errlen = errlen;
    rc = hdr_scan_run(&s);
    return rc;
}

/* hdraddr_check's scan: the mailboxes written and, in *ngroups and *ncommas, the groups and
 * the list separators, or -1 with err. */
static int
hdr_check_run(const char *value, size_t len, int utf8, int *ngroups, int *ncommas, char *err,
              size_t errlen)
{
    const unsigned char *p = (const unsigned char *)value, *end = p + len;
    struct hscan s;
    int rc;

    if (len > HDR_VALUE_MAX) {
        util_errf(err, errlen, "longer than %d octets", HDR_VALUE_MAX);
        return -1;
    }
    for (; utf8 && p < end; p++) {
        size_t n;
        if (*p < 0x80)
            continue;
        if ((n = hdr_utf8_len(p, end)) == 0) {
            util_errf(err, errlen, "%s at octet %zu (RFC 6532 3.2)",
                      p[0] == 0xc2 && end - p > 1 && p[1] >= 0x80 && p[1] <= 0x9f
                          ? "C1 control character"
                          : "invalid UTF-8",
                      (size_t)(p - (const unsigned char *)value) + 1);
            return -1;
        }
        p += n - 1;
    }
    memset(&s, 0, sizeof(s));
    s.p = value;
    s.end = value + len;
    s.utf8 = utf8;
    s.err = err;
    s.errlen = errlen;
    rc = hdr_scan_run(&s);
    *ngroups = s.ngroups;
    *ncommas = s.ncommas;
    return rc == -1 ? -1 : s.nbox;
}

int
hdraddr_check(const char *value, size_t len, int utf8, char *err, size_t errlen)
{
    int ngroups, ncommas;

    return hdr_check_run(value, len, utf8, &ngroups, &ncommas, err, errlen);
}

int
hdraddr_check_mailbox(const char *value, size_t len, int utf8, char *err, size_t errlen)
{
    int ngroups, ncommas, n = hdr_check_run(value, len, utf8, &ngroups, &ncommas, err, errlen);

    if (n == -1)
        return -1;
    if (ngroups > 0) {
        util_errf(err, errlen, "a group, not one mailbox (RFC 5322 3.6.2)");
        return -1;
    }
    if (n != 1) {
        util_errf(err, errlen, "%d mailboxes, not one (RFC 5322 3.6.2)", n);
        return -1;
    }
    if (ncommas > 0) { /* "a@x," or ", a@x": the empty elements of a list (obs-mbox-list) */
        util_errf(err, errlen, "a list with an empty element, not one mailbox (RFC 5322 3.6.2)");
        return -1;
    }
    return 0;
}

void
hdraddr_add(struct author *au, const char *name, const char *value)
{
    char err[96];
    int from = util_strcaseeq(name, "From");
    size_t len;

    if (!from && !util_strcaseeq(name, "Sender"))
        return;
    if (from)
        au->nfrom++;
    else
        au->nsender++;
    if (au->broken)
        return;
    if ((len = strlen(value)) > HDR_VALUE_MAX) {
        au->broken = 1;
        util_errf(au->why, sizeof(au->why), "%s: longer than %d octets", from ? "From" : "Sender",
                  HDR_VALUE_MAX);
    } else if (hdraddr_parse(value, len, au, err, sizeof(err)) == -1) {
        au->broken = 1;
        util_errf(au->why, sizeof(au->why), "%s: %s", from ? "From" : "Sender", err);
    }
}

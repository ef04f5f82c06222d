/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mimeparam.c - MIME header field values: the leading token and the parameters (RFC 2045,
 * RFC 2231 continuations and charsets, RFC 2047 words inside quoted values), read leniently
 * as mail readers read them, with every guess reported in flags (see mimeparam.h).
 */
#include "mimeparam.h"
#include "rfc2047.h"
#include "util.h"

#include <string.h>
#include <strings.h>

/* One RFC 2231 section or plain value, as written: a span of the field value. */
struct mimeparam_piece {
    const char *p;
    size_t n;
    int quoted, enc, present;
};

static int
mimeparam_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 2045 token character: printable ASCII but space and tspecials. */
static int
mimeparam_tokc(unsigned char c)
{
    return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* Skips white space, folds and (nested) comments from i; an unterminated comment runs to n. */
static size_t
mimeparam_cfws(const char *v, size_t n, size_t i)
{
    while (i < n) {
        if (mimeparam_ws((unsigned char)v[i])) {
            i++;
        } else if (v[i] == '(') {
            int depth = 0;
            for (; i < n; i++) {
                if (v[i] == '\\' && i + 1 < n)
                    i++;
                else if (v[i] == '(')
                    depth++;
                else if (v[i] == ')' && --depth == 0) {
                    i++;
                    break;
                }
            }
        } else {
            break;
        }
    }
    return i;
}

int
mimeparam_token(const char *v, size_t n, char *tok, size_t toklen)
{
    size_t i = mimeparam_cfws(v, n, 0), len = 0, s;
    int part;

    tok[0] = '\0';
    /* type [CFWS] "/" [CFWS] subtype: RFC 822 lexical tokens may have comments between. */
    for (part = 0; part < 2; part++) {
        for (s = i; i < n && mimeparam_tokc((unsigned char)v[i]); i++)
            ;
        if (i == s || len + (i - s) >= toklen)
            goto bad;
        memcpy(tok + len, v + s, i - s);
        len += i - s;
        s = mimeparam_cfws(v, n, i);
        if (part == 1 || s >= n || v[s] != '/')
            break;
        if (len + 1 >= toklen)
            goto bad;
        tok[len++] = '/';
        i = mimeparam_cfws(v, n, s + 1);
    }
    i = mimeparam_cfws(v, n, i);
    /* Anything but the parameters after it: not a token a reader would agree on. */
    if (i < n && v[i] != ';' && !mimeparam_tokc((unsigned char)v[i]))
        goto bad;
    tok[len] = '\0';
    util_lower(tok);
    return 1;
bad:
    tok[0] = '\0';
    return 0;
}

/* Appends the piece to b with quoted-pairs undone and folds unfolded (RFC 5322 2.2.3: the CR
 * and LF of a fold go, its white space stays). 0 or -1 (b's limit). */
static int
mimeparam_unquote(const struct mimeparam_piece *pc, struct buf *b)
{
    size_t i, s;

    for (i = s = 0; i < pc->n; i++) {
        int pair = pc->quoted && pc->p[i] == '\\' && i + 1 < pc->n;
        if (!pair && pc->p[i] != '\r' && pc->p[i] != '\n')
            continue;
        if (buf_put(b, pc->p + s, i - s) == -1)
            return -1;
        s = i + 1;
        if (pair)
            i++; /* the quoted character is kept, whatever it is */
    }
    return buf_put(b, pc->p + s, pc->n - s);
}

static int
mimeparam_hex(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes s[0..n) onto raw; a bad escape is kept as written and flagged. */
static int
mimeparam_pct(const char *s, size_t n, struct buf *raw, unsigned *flags)
{
    size_t i;
    int hi, lo;

    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 < n && (hi = mimeparam_hex((unsigned char)s[i + 1])) >= 0 &&
                (lo = mimeparam_hex((unsigned char)s[i + 2])) >= 0) {
                c = (char)(hi * 16 + lo);
                i += 2;
            } else {
                *flags |= MIMEPARAM_F_BROKEN;
            }
        }
        if (buf_putc(raw, c) == -1)
            return -1;
    }
    return 0;
}

/*
 * Reads the parameter list of v[0..n) and keeps the pieces of attr: the first plain value in
 * *plain, RFC 2231 sections in sec[]. 0, or -1 for more than MIMEPARAM_SECTIONS_MAX sections.
 */
static int
mimeparam_scan(const char *v, size_t n, const char *attr, struct mimeparam_piece *plain,
               struct mimeparam_piece *sec, unsigned *flags, struct buf *t1, struct buf *t2)
{
    size_t alen = strlen(attr), i = 0, a, an;

    /* Past the leading token ("type / subtype"), unless it is the first parameter already:
     * readers find parameters after a missing ';' and without a leading token as well. */
    i = mimeparam_cfws(v, n, 0);
    for (a = i; i < n && (mimeparam_tokc((unsigned char)v[i]) || v[i] == '/');)
        i = v[i] == '/' ? mimeparam_cfws(v, n, i + 1) : i + 1;
    if (mimeparam_cfws(v, n, i) < n && v[mimeparam_cfws(v, n, i)] == '=')
        i = a;
    while (i < n) {
        struct mimeparam_piece pc = {0};
        const char *suf;
        size_t sn, k;
        unsigned long num = 0;

        while (i < n && (v[i] == ';' || v[i] == '(' || mimeparam_ws((unsigned char)v[i])))
            i = v[i] == ';' ? i + 1 : mimeparam_cfws(v, n, i);
        for (a = i; i < n && mimeparam_tokc((unsigned char)v[i]); i++)
            ;
        an = i - a;
        i = mimeparam_cfws(v, n, i);
        if (an == 0 || i >= n || v[i] != '=') {
            /* not "attribute =": junk up to the next ';' */
            while (i < n && v[i] != ';')
                i++;
            continue;
        }
        i = mimeparam_cfws(v, n, i + 1);
        pc.present = 1;
        if (i < n && v[i] == '"') {
            pc.quoted = 1;
            pc.p = v + ++i;
            while (i < n && v[i] != '"')
                i += v[i] == '\\' && i + 1 < n ? 2 : 1;
            pc.n = (size_t)(v + (i < n ? i : n) - pc.p);
            if (i >= n)
                *flags |= MIMEPARAM_F_BROKEN; /* unterminated: read to the end */
            else
                i++;
        } else {
            pc.p = v + i;
            while (i < n && v[i] != ';')
                i++;
            pc.n = (size_t)(v + i - pc.p);
            while (pc.n > 0 && mimeparam_ws((unsigned char)pc.p[pc.n - 1]))
                pc.n--;
        }
        if (an < alen || strncasecmp(v + a, attr, alen) != 0)
            continue;
        suf = v + a + alen;
        sn = an - alen;
        if (sn == 0) { /* plain attr=value */
            if (!plain->present) {
                *plain = pc;
            } else {
                buf_reset(t1);
                buf_reset(t2);
                if (mimeparam_unquote(plain, t1) == -1 || mimeparam_unquote(&pc, t2) == -1 ||
                    t1->len != t2->len || memcmp(buf_str(t1), buf_str(t2), t1->len) != 0)
                    *flags |= MIMEPARAM_F_AMBIGUOUS;
            }
            continue;
        }
        if (suf[0] != '*')
            continue; /* another attribute that starts with attr */
        pc.enc = suf[sn - 1] == '*';
        if (sn == 1) {
            k = 0; /* attr*=charset'lang'value: one encoded section */
        } else {
            for (k = 1; k < sn - (size_t)pc.enc; k++) {
                if (suf[k] < '0' || suf[k] > '9')
                    break;
                num = num * 10 + (unsigned long)(suf[k] - '0');
                if (num >= MIMEPARAM_SECTIONS_MAX)
                    return -1;
            }
            if (k != sn - (size_t)pc.enc || k == 1) {
                *flags |= MIMEPARAM_F_BROKEN; /* attr*x or attr** */
                continue;
            }
            k = num;
        }
        if (sec[k].present)
            *flags |= MIMEPARAM_F_BROKEN; /* the same section twice: the first counts */
        else
            sec[k] = pc;
    }
    return 0;
}

/* The RFC 2231 value from its sections onto res (empty). 0, or -1 (too long, no memory). */
static int
mimeparam_2231(const struct mimeparam_piece *sec, struct buf *q, struct buf *raw, struct buf *res,
               unsigned *flags, char *err, size_t errlen)
{
    char cs[64] = "utf-8";
    size_t k, hi = 0;
    int rc;

    for (k = 0; k < MIMEPARAM_SECTIONS_MAX; k++)
        if (sec[k].present)
            hi = k;
    for (k = 0; k <= hi; k++) {
        const char *p;
        size_t n;
        if (!sec[k].present) {
            *flags |= MIMEPARAM_F_BROKEN; /* a missing piece: join those present */
            continue;
        }
        if (!sec[k].enc) {
            if (mimeparam_unquote(&sec[k], raw) == -1)
                return -1;
            continue;
        }
        /* readers accept name*="utf-8''x": undo the quoting first */
        buf_reset(q);
        if (mimeparam_unquote(&sec[k], q) == -1)
            return -1;
        p = buf_str(q);
        n = q->len;
        if (k == 0) {
            const char *q1 = memchr(p, '\'', n), *q2;
            q2 = q1 != NULL ? memchr(q1 + 1, '\'', (size_t)(p + n - q1 - 1)) : NULL;
            if (q2 == NULL) {
                *flags |= MIMEPARAM_F_BROKEN; /* no charset'lang': percent-decoded as UTF-8 */
            } else {
                if ((size_t)(q1 - p) >= sizeof(cs)) {
                    *flags |= MIMEPARAM_F_BROKEN; /* no charset has such a name */
                    util_strlcpy(cs, "unknown-8bit", sizeof(cs));
                } else if (q1 > p) {
                    memcpy(cs, p, (size_t)(q1 - p));
                    cs[q1 - p] = '\0';
                }
                n -= (size_t)(q2 + 1 - p);
                p = q2 + 1;
            }
        }
        if (mimeparam_pct(p, n, raw, flags) == -1)
            return -1;
    }
    rc = rfc2047_charset_decode(cs, strlen(cs), raw->s, raw->len, res, err, errlen);
    if (rc == -1) {
        *flags |= MIMEPARAM_F_BROKEN; /* unknown charset: ASCII kept, the rest U+FFFD */
        rc = rfc2047_charset_decode("unknown-8bit", 12, raw->s, raw->len, res, err, errlen);
    }
    *flags |= MIMEPARAM_F_RFC2231;
    return rc == 0 ? 0 : -1;
}

/* A plain value onto res (empty): unquoted, then encoded words decoded when opts asks and
 * there are any. */
static int
mimeparam_plain(const struct mimeparam_piece *pc, unsigned opts, struct buf *raw, struct buf *res,
                unsigned *flags)
{
    char e[128];

    if (mimeparam_unquote(pc, raw) == -1)
        return -1;
    if (!(opts & MIMEPARAM_O_2047) || strstr(buf_str(raw), "=?") == NULL)
        return buf_put(res, buf_str(raw), raw->len);
    /* res has room for any decoding of raw, so a failure is a bad word, kept as written */
    if (rfc2047_decode(buf_str(raw), raw->len, res, e, sizeof(e)) == -1) {
        *flags |= MIMEPARAM_F_BROKEN;
        buf_reset(res);
        return buf_put(res, buf_str(raw), raw->len);
    }
    if (res->len != raw->len || memcmp(res->s, raw->s, raw->len) != 0)
        *flags |= MIMEPARAM_F_RFC2047;
    return 0;
}

/* 8-bit bytes in a plain value (RFC 6532 mail, or a mailer that wrote its own charset raw):
 * kept when they are UTF-8, else U+FFFD and MIMEPARAM_F_BROKEN, so the value is UTF-8 as
 * promised. tmp is scratch. 0, or -1 (no room). */
static int
mimeparam_utf8(struct buf *res, struct buf *tmp, unsigned *flags)
{
    char e[64];
    size_t i;

    for (i = 0; i < res->len && (unsigned char)res->s[i] < 0x80; i++)
        ;
    if (i == res->len)
        return 0;
    buf_reset(tmp);
    if (rfc2047_charset_decode("utf-8", 5, res->s, res->len, tmp, e, sizeof(e)) != 0)
        return -1;
    if (tmp->len == res->len && memcmp(tmp->s, res->s, res->len) == 0)
        return 0;
    *flags |= MIMEPARAM_F_BROKEN;
    buf_reset(res);
    return buf_put(res, tmp->s, tmp->len);
}

/* Raw bytes of one value: the pieces with quoting and percent-escapes undone, before charset
 * conversion; four bytes a character is the most any charset needs for MIMEPARAM_VALUE_MAX. */
#define MIMEPARAM_RAW_MAX (4 * MIMEPARAM_VALUE_MAX)
/* One section's text as written: a percent-escape takes three bytes for one raw byte. */
#define MIMEPARAM_SECTION_TEXT_MAX (3 * MIMEPARAM_RAW_MAX)
/* Room for any conversion of MIMEPARAM_RAW_MAX bytes: one byte becomes at most 3 (U+FFFD),
 * one 2-byte UTF-16 unit at most 3; checked against MIMEPARAM_VALUE_MAX afterwards. */
#define MIMEPARAM_CONV_MAX (4 * MIMEPARAM_RAW_MAX + 64)

int
mimeparam_get(const char *v, size_t n, const char *attr, unsigned opts, struct buf *out,
              unsigned *flags, char *err, size_t errlen)
{
    struct mimeparam_piece plain = {0}, sec[MIMEPARAM_SECTIONS_MAX];
    struct buf q, raw, res, alt;
    int rc = -1, any = 0;
    size_t k;

    *flags = 0;
    memset(sec, 0, sizeof(sec));
    buf_init(&q, MIMEPARAM_SECTION_TEXT_MAX);
    buf_init(&raw, MIMEPARAM_RAW_MAX);
    buf_init(&res, MIMEPARAM_CONV_MAX);
    buf_init(&alt, MIMEPARAM_CONV_MAX);
    if (mimeparam_scan(v, n, attr, &plain, sec, flags, &q, &raw) == -1) {
        util_errf(err, errlen, "parameter %s has more than %d sections", attr,
                  MIMEPARAM_SECTIONS_MAX);
        goto done;
    }
    for (k = 0; k < MIMEPARAM_SECTIONS_MAX; k++)
        any |= sec[k].present;
    buf_reset(&raw);
    if (any) {
        if (mimeparam_2231(sec, &q, &raw, &res, flags, err, errlen) == -1)
            goto long_;
        if (plain.present) { /* RFC 2231 wins; a plain value saying otherwise is a second name */
            unsigned f = 0;
            buf_reset(&raw);
            if (mimeparam_plain(&plain, opts, &raw, &alt, &f) == -1)
                goto long_;
            if (alt.len != res.len || memcmp(buf_str(&alt), buf_str(&res), res.len) != 0)
                *flags |= MIMEPARAM_F_AMBIGUOUS;
        }
    } else if (plain.present) {
        if (mimeparam_plain(&plain, opts, &raw, &res, flags) == -1)
            goto long_;
        if (mimeparam_utf8(&res, &alt, flags) == -1)
            goto long_;
    } else {
        rc = 0;
        goto done;
    }
    if (res.len > MIMEPARAM_VALUE_MAX || buf_put(out, buf_str(&res), res.len) == -1)
        goto long_;
    if (memchr(buf_str(&res), '\0', res.len) != NULL)
        *flags |= MIMEPARAM_F_BROKEN;
    rc = 1;
    goto done;
long_:
    util_errf(err, errlen, "parameter %s too long", attr);
done:
    buf_free(&q);
    buf_free(&raw);
    buf_free(&res);
    buf_free(&alt);
    return rc;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hdraddr.c - RFC 5322 address-list parser for From: and Sender:.
 *
 *   address-list = address *("," address)      address = mailbox / group
 *   group = display-name ":" [mailbox-list] ";"  mailbox = name-addr / addr-spec
 *   name-addr = [display-name] "<" [obs-route] addr-spec ">"
 *
 * Tokens are collected between delimiters; an addr-spec is rebuilt from its tokens (comments
 * and folding removed) and handed to addr_parse, so header and envelope addresses are judged
 * by the same code. Anything that does not fit the grammar makes the header broken: a broken
 * author header is a violation, never a pass.
 */
#include "hdraddr.h"
#include "util.h"

#include <ctype.h>
#include <string.h>

/* Phrase text kept per mailbox for the hidden-address scan. */
#define HDR_PHRASE_MAX 2048

struct hscan {
    const char *p;
    struct author *au;
    char phrase[HDR_PHRASE_MAX]; /* display name and comments, decoded */
    size_t plen;
    char spec[ADDR_PATH_MAX * 2]; /* addr-spec rebuilt from tokens */
    size_t slen;
    int nwords;    /* words since the last delimiter */
    int last_word; /* the last token was a word: another word right after is a phrase */
    int adjacent;  /* word followed word: not an addr-spec, only a display name */
    int bare_at;   /* an unquoted '@' outside <>: an addr-spec, so no display name */
};

static int
hdr_fail(char *err, size_t errlen, const char *why)
{
    util_errf(err, errlen, "%s", why);
    return -1;
}

static int
hdr_b64(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static int
hdr_hex(int c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* One encoded word at s ("=?cs?B?...?="): decoded into dst; returns bytes of s used, or 0. */
static size_t
hdr_decode_word(const char *s, char *dst, size_t dstlen, size_t *o)
{
    const char *cs_end, *enc, *text, *end;
    unsigned acc = 0;
    int bits = 0, v;

    if (s[0] != '=' || s[1] != '?' || (cs_end = strchr(s + 2, '?')) == NULL)
        return 0;
    enc = cs_end + 1;
    if ((enc[0] != 'B' && enc[0] != 'b' && enc[0] != 'Q' && enc[0] != 'q') || enc[1] != '?')
        return 0;
    text = enc + 2;
    if ((end = strstr(text, "?=")) == NULL)
        return 0;
    for (const char *c = text; c < end; c++) {
        int out = -1;
        if (toupper((unsigned char)enc[0]) == 'B') {
            if (*c == '=')
                break;
            if ((v = hdr_b64((unsigned char)*c)) < 0)
                continue;
            acc = ((acc << 6) | (unsigned)v) & 0xfff; /* never more than 12 live bits */
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out = (int)((acc >> bits) & 0xff);
            }
        } else if (*c == '_') {
            out = ' ';
        } else if (*c == '=' && c + 2 < end && hdr_hex((unsigned char)c[1]) >= 0 &&
                   hdr_hex((unsigned char)c[2]) >= 0) {
            out = hdr_hex((unsigned char)c[1]) * 16 + hdr_hex((unsigned char)c[2]);
            c += 2;
        } else {
            out = (unsigned char)*c;
        }
        if (out >= 0 && *o + 1 < dstlen)
            dst[(*o)++] = out == 0 ? ' ' : (char)out;
    }
    return (size_t)(end + 2 - s);
}

void
hdraddr_decode_words(const char *src, char *dst, size_t dstlen)
{
    size_t o = 0, n;

    if (dstlen == 0)
        return;
    while (*src) {
        if ((n = hdr_decode_word(src, dst, dstlen, &o)) > 0) {
            src += n;
            continue;
        }
        if (o + 1 < dstlen)
            dst[o++] = *src;
        src++;
    }
    dst[o] = '\0';
}

static int
hdr_add_box(struct author *au, const struct addr *a, int hidden)
{
    struct mailbox *b;

    if (au->nbox == HDR_MAILBOXES_MAX)
        return -1;
    b = &au->box[au->nbox++];
    b->flags = a->flags;
    util_strlcpy(b->local, a->local, sizeof(b->local));
    util_strlcpy(b->domain, a->domain, sizeof(b->domain));
    au->nhidden += hidden;
    return 0;
}

/* Characters that may stand on each side of '@' in an address written inside free text. */
static int
hdr_local_char(int c)
{
    return isalnum(c) || (c != 0 && strchr(".!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Addresses written inside a display name or comment ("boss@example.com" <x@evil>). */
static int
hdr_scan_hidden(struct author *au, const char *text)
{
    const char *at, *l, *r;
    char buf[ADDR_PATH_MAX + 1], err[64];
    struct addr a;

    for (at = strchr(text, '@'); at != NULL; at = strchr(at + 1, '@')) {
        for (l = at; l > text && hdr_local_char((unsigned char)l[-1]); l--)
            ;
        for (r = at + 1; isalnum((unsigned char)*r) || *r == '.' || *r == '-'; r++)
            ;
        while (r > at + 1 && r[-1] == '.')
            r--;
        if (l == at || r == at + 1 || memchr(at + 1, '.', (size_t)(r - at - 1)) == NULL)
            continue;
        if ((size_t)(r - l) >= sizeof(buf))
            return -1;
        memcpy(buf, l, (size_t)(r - l));
        buf[r - l] = '\0';
        if (addr_parse(buf, ADDR_MAIL, &a, err, sizeof(err)) == 0 && hdr_add_box(au, &a, 1) == -1)
            return -1;
    }
    return 0;
}

static void
hdr_phrase_put(struct hscan *s, const char *t, size_t n)
{
    if (s->plen + n + 2 >= sizeof(s->phrase))
        n = sizeof(s->phrase) - s->plen - 2;
    memcpy(s->phrase + s->plen, t, n);
    s->plen += n;
    s->phrase[s->plen++] = ' ';
    s->phrase[s->plen] = '\0';
}

static int
hdr_spec_put(struct hscan *s, const char *t, size_t n)
{
    if (s->slen + n + 1 >= sizeof(s->spec))
        return -1;
    memcpy(s->spec + s->slen, t, n);
    s->slen += n;
    s->spec[s->slen] = '\0';
    return 0;
}

/* Skips folding white space and comments; comment text goes to the phrase. */
static int
hdr_cfws(struct hscan *s, char *err, size_t errlen)
{
    for (;;) {
        while (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n')
            s->p++;
        if (*s->p != '(')
            return 0;
        {
            char text[HDR_PHRASE_MAX], dec[HDR_PHRASE_MAX];
            size_t n = 0;
            int depth = 0;
            do {
                if (*s->p == '\0')
                    return hdr_fail(err, errlen, "unterminated comment");
                if (*s->p == '\\' && s->p[1] != '\0')
                    s->p++;
                else if (*s->p == '(')
                    depth++;
                else if (*s->p == ')')
                    depth--;
                if (n + 1 < sizeof(text))
                    text[n++] = *s->p;
                s->p++;
            } while (depth > 0);
            text[n] = '\0';
            hdraddr_decode_words(text, dec, sizeof(dec));
            hdr_phrase_put(s, dec, strlen(dec));
        }
    }
}

/* One word (atom, dot, quoted string or domain literal) appended to spec and phrase. */
static int
hdr_word(struct hscan *s, char *err, size_t errlen)
{
    const char *start = s->p;
    char dec[HDR_PHRASE_MAX], raw[HDR_PHRASE_MAX];
    size_t n;

    if (*s->p == '"') {
        for (s->p++; *s->p != '"'; s->p++) {
            if (*s->p == '\0')
                return hdr_fail(err, errlen, "unterminated quoted string");
            if (*s->p == '\\' && s->p[1] != '\0')
                s->p++;
        }
        s->p++;
    } else if (*s->p == '[') {
        while (*s->p != ']')
            if (*s->p++ == '\0')
                return hdr_fail(err, errlen, "unterminated domain literal");
        s->p++;
    } else {
        while (*s->p && !isspace((unsigned char)*s->p) && strchr("()<>@,;:\\\"[]", *s->p) == NULL)
            s->p++;
        if (s->p == start)
            return hdr_fail(err, errlen, "unexpected character");
    }
    n = (size_t)(s->p - start);
    s->adjacent += s->last_word;
    s->last_word = 1;
    if (hdr_spec_put(s, start, n) == -1)
        return hdr_fail(err, errlen, "address too long");
    if (n >= sizeof(raw))
        n = sizeof(raw) - 1;
    memcpy(raw, start, n);
    raw[n] = '\0';
    hdraddr_decode_words(raw, dec, sizeof(dec));
    hdr_phrase_put(s, dec, strlen(dec));
    s->nwords++;
    return 0;
}

/* spec holds an addr-spec: parse it and keep it with whatever the phrase hides. */
static int
hdr_mailbox(struct hscan *s, char *err, size_t errlen)
{
    struct addr a;
    char aerr[96];

    if (s->adjacent > 0)
        return hdr_fail(err, errlen, "display name without <address>");
    if (addr_parse(s->spec, ADDR_MAIL, &a, aerr, sizeof(aerr)) == -1 ||
        (a.flags & (ADDR_F_NULL | ADDR_F_UNQUALIFIED))) {
        util_errf(err, errlen, "bad mailbox: %s", a.flags & ADDR_F_NULL ? "empty" : aerr);
        return -1;
    }
    if (hdr_add_box(s->au, &a, 0) == -1 || hdr_scan_hidden(s->au, s->phrase) == -1)
        return hdr_fail(err, errlen, "too many addresses");
    return 0;
}

static void
hdr_reset(struct hscan *s)
{
    s->plen = s->slen = 0;
    s->phrase[0] = s->spec[0] = '\0';
    s->nwords = 0;
    s->last_word = s->adjacent = s->bare_at = 0;
}

int
hdraddr_parse(const char *value, struct author *au, char *err, size_t errlen)
{
    struct hscan s;
    int in_group = 0, found = 0;

    memset(&s, 0, sizeof(s));
    s.p = value;
    s.au = au;
    for (;;) {
        if (hdr_cfws(&s, err, errlen) == -1)
            return -1;
        switch (*s.p) {
        case '<': /* name-addr: what came before was the display name */
            if (s.bare_at)
                return hdr_fail(err, errlen, "'@' in an unquoted display name");
            s.slen = 0;
            s.last_word = s.adjacent = 0;
            s.p++;
            if (hdr_cfws(&s, err, errlen) == -1)
                return -1;
            if (*s.p == '@') { /* obs-route: @a,@b: */
                while (*s.p && *s.p != ':')
                    s.p++;
                if (*s.p++ != ':')
                    return hdr_fail(err, errlen, "bad route in angle address");
            }
            while (*s.p != '>') {
                if (*s.p == '\0')
                    return hdr_fail(err, errlen, "missing '>'");
                if (hdr_cfws(&s, err, errlen) == -1)
                    return -1;
                if (*s.p == '@' || *s.p == '.') {
                    hdr_spec_put(&s, s.p++, 1);
                    s.last_word = 0;
                    continue;
                }
                if (*s.p == '>')
                    break;
                if (strchr("<,;:", *s.p) != NULL)
                    return hdr_fail(err, errlen, "unexpected character in angle address");
                if (hdr_word(&s, err, errlen) == -1)
                    return -1;
            }
            s.p++;
            if (hdr_mailbox(&s, err, errlen) == -1)
                return -1;
            found++;
            hdr_reset(&s);
            if (hdr_cfws(&s, err, errlen) == -1)
                return -1;
            if (*s.p != ',' && *s.p != ';' && *s.p != '\0')
                return hdr_fail(err, errlen, "text after '>'");
            continue;
        case ':':
            if (in_group || s.nwords == 0)
                return hdr_fail(err, errlen, "unexpected ':'");
            in_group = 1;
            hdr_reset(&s);
            s.p++;
            continue;
        case ',':
        case ';':
        case '\0':
            if (s.slen > 0) {
                if (hdr_mailbox(&s, err, errlen) == -1)
                    return -1;
                found++;
            }
            hdr_reset(&s);
            if (*s.p == ';') {
                if (!in_group)
                    return hdr_fail(err, errlen, "';' outside a group");
                in_group = 0;
            }
            if (*s.p == '\0') {
                if (in_group)
                    return hdr_fail(err, errlen, "group without ';'");
                if (found == 0)
                    return hdr_fail(err, errlen, "no mailbox");
                return 0;
            }
            s.p++;
            continue;
        case '@':
        case '.':
            s.bare_at |= *s.p == '@';
            hdr_spec_put(&s, s.p++, 1);
            s.last_word = 0;
            continue;
        case '>':
        case ')':
        case '\\':
            return hdr_fail(err, errlen, "unexpected character");
        default:
            if ((unsigned char)*s.p < 0x20 && *s.p != '\t')
                return hdr_fail(err, errlen, "control character");
            if (hdr_word(&s, err, errlen) == -1)
                return -1;
        }
    }
}

void
hdraddr_add(struct author *au, const char *name, const char *value)
{
    char err[96];
    int from = util_strcaseeq(name, "From");

    if (!from && !util_strcaseeq(name, "Sender"))
        return;
    if (from)
        au->nfrom++;
    else
        au->nsender++;
    if (au->broken)
        return;
    if (strlen(value) > HDR_VALUE_MAX) {
        au->broken = 1;
        util_errf(au->why, sizeof(au->why), "%s: longer than %d octets", name, HDR_VALUE_MAX);
    } else if (hdraddr_parse(value, au, err, sizeof(err)) == -1) {
        au->broken = 1;
        util_errf(au->why, sizeof(au->why), "%s: %s", from ? "From" : "Sender", err);
    }
}

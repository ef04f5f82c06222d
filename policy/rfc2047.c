/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rfc2047.c - RFC 2047 decoding with iconv, read the way mail readers read it, and strict where
 * a lenient reading would let an address hide: an encoded word whose charset is not known
 * (after the aliases mailers use) or whose base64 or quoted-printable is malformed is an error,
 * never skipped. Bytes not valid in a known charset become U+FFFD, as a reader shows them;
 * white space that folding put inside an encoded word is read across, as readers do.
 *
 *   encoded-word = "=?" charset ["*" language] "?" encoding "?" encoded-text "?="
 */
#include "rfc2047.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

/* Longest charset name looked at; IANA names are under 45 octets. Longer is not a charset. */
#define RFC2047_CHARSET_MAX 64

/* Labels mailers write that iconv does not know by that name (the WHATWG encoding labels and
 * what Outlook sends), and the name iconv knows the same charset by. */
static const struct {
    const char *label, *iconv;
} rfc2047_aliases[] = {
    {"ks_c_5601-1987", "CP949"},   {"ks_c_5601-1989", "CP949"},  {"ks_c_5601", "CP949"},
    {"ksc5601", "CP949"},          {"ksc_5601", "CP949"},        {"windows-949", "CP949"},
    {"x-windows-949", "CP949"},    {"x-gbk", "GBK"},             {"x-sjis", "SHIFT_JIS"},
    {"shift-jis", "SHIFT_JIS"},    {"x-euc-jp", "EUC-JP"},       {"iso-8859-8-i", "ISO-8859-8"},
    {"iso-8859-6-i", "ISO-8859-6"}, {"iso-8859-8-e", "ISO-8859-8"},
    {"iso-8859-6-e", "ISO-8859-6"}, {"x-mac-cyrillic", "MAC-CYRILLIC"},
    {"x-mac-roman", "MACINTOSH"},  {"x-mac-ukrainian", "MAC-CYRILLIC"},
    {"unicode-1-1-utf-7", "UTF-7"}, {"x-unicode20utf8", "UTF-8"}, {"unicode-1-1-utf-8", "UTF-8"},
    {"x-cp1250", "CP1250"},        {"x-cp1251", "CP1251"},       {"x-user-defined", "CP1252"},
    {"windows-874", "CP874"},      {"x-x-big5", "BIG5"},         {"x-euc-tw", "EUC-TW"},
};

/* RFC 1428's label for bytes of no known charset: shown as ASCII, the rest as U+FFFD. */
int
rfc2047_charset_unknown_8bit(const char *name)
{
    return strcasecmp(name, "unknown-8bit") == 0 || strcasecmp(name, "x-unknown") == 0 ||
           strcasecmp(name, "unknown") == 0;
}

const char *
rfc2047_charset_alias(const char *label)
{
    size_t i;

    for (i = 0; i < sizeof(rfc2047_aliases) / sizeof(rfc2047_aliases[0]); i++)
        if (strcasecmp(label, rfc2047_aliases[i].label) == 0)
            return rfc2047_aliases[i].iconv;
    return label;
}

struct rfc2047_word {
    const char *cs;  /* charset, without "*language" */
    size_t cslen;
    int b64;         /* 'B' encoding, else 'Q' */
    const char *text;
    size_t textlen;
    size_t total;    /* bytes of the whole word, "=?" to "?=" */
};

/* RFC 2047 token: any CHAR but space, CTLs and especials. */
static int
rfc2047_token_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && strchr("()<>@,;:\"/[]?.=", c) == NULL;
}

/* Recognizes an encoded word at s (at most n bytes); 1 and *w filled, or 0. */
static int
rfc2047_word_at(const char *s, size_t n, struct rfc2047_word *w)
{
    size_t i = 2, star = 0;
    int ws = 0;

    if (n < 8 || s[0] != '=' || s[1] != '?')
        return 0;
    w->cs = s + 2;
    for (; i < n && s[i] != '?'; i++) {
        if (s[i] == '*' && star == 0)
            star = i;
        else if (!rfc2047_token_char((unsigned char)s[i]) && s[i] != '.')
            return 0;
    }
    /* The charset token excludes '.' as an especial, but names like "ISO_8859-1:1987" do not
     * use it and some mailers write "utf.8"; iconv decides. */
    w->cslen = (star ? star : i) - 2;
    if (i + 3 >= n || w->cslen == 0 || w->cslen >= RFC2047_CHARSET_MAX || s[i + 2] != '?')
        return 0;
    switch (s[i + 1]) {
    case 'B':
    case 'b':
        w->b64 = 1;
        break;
    case 'Q':
    case 'q':
        w->b64 = 0;
        break;
    default:
        return 0;
    }
    i += 3;
    w->text = s + i;
    /* Encoded text holds no white space (RFC 2047 2), but folding can put some there and
     * readers join it again: read across white space, never across another "=?". */
    for (; i + 1 < n && !(s[i] == '?' && s[i + 1] == '='); i++) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
            ws = 1;
            continue;
        }
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '?' ||
            (ws && s[i] == '=' && s[i + 1] == '?' && !(i + 2 < n && s[i + 2] == '=')))
            return 0;
    }
    if (i + 1 >= n)
        return 0;
    w->textlen = (size_t)(s + i - w->text);
    w->total = i + 2;
    return 1;
}

static int
rfc2047_b64val(unsigned char c)
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
rfc2047_hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The word's bytes, appended to raw. 0, or -1 with err. */
static int
rfc2047_word_bytes(const struct rfc2047_word *w, struct buf *raw, char *err, size_t errlen)
{
    const unsigned char *t = (const unsigned char *)w->text;
    size_t i;

    if (w->b64) {
        unsigned acc = 0;
        int bits = 0, pad = 0, v;
        for (i = 0; i < w->textlen; i++) {
            if (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n')
                continue; /* folded inside the word: base64 ignores it */
            if (t[i] == '=') {
                pad++;
                continue;
            }
            if (pad > 0 || (v = rfc2047_b64val(t[i])) < 0)
                goto bad;
            acc = ((acc << 6) | (unsigned)v) & 0xffffu; /* at most 14 live bits */
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                if (buf_putc(raw, (char)((acc >> bits) & 0xff)) == -1)
                    goto full;
            }
        }
        /* One stray base64 character (6 bits) cannot be a byte; padding past two is junk. */
        if (bits == 6 || pad > 2)
            goto bad;
        return 0;
    }
    for (i = 0; i < w->textlen; i++) {
        char c = (char)t[i];
        if (t[i] == '\r' || t[i] == '\n')
            continue; /* a fold: its white space stays, as in an unfolded header */
        if (t[i] == '_') {
            c = ' ';
        } else if (t[i] == '=') {
            int hi, lo;
            if (i + 2 >= w->textlen || (hi = rfc2047_hexval(t[i + 1])) < 0 ||
                (lo = rfc2047_hexval(t[i + 2])) < 0)
                goto bad;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (buf_putc(raw, c) == -1)
            goto full;
    }
    return 0;
bad:
    util_errf(err, errlen, "malformed %s in an encoded word", w->b64 ? "base64" : "quoted-printable");
    return -1;
full:
    util_errf(err, errlen, "encoded words too long");
    return -1;
}

/* Converts raw from charset cs to UTF-8, appended to out. Bytes not valid in the charset
 * become U+FFFD, as a reader shows them. 0, or -1 with err: an unknown charset, or out full. */
static int
rfc2047_convert(const char *cs, size_t cslen, const struct buf *raw, struct buf *out, char *err,
                size_t errlen)
{
    static const char replacement[] = "\xef\xbf\xbd";
    char name[RFC2047_CHARSET_MAX], chunk[1024], *in = raw->s, *o;
    size_t inleft = raw->len, oleft, i;
    iconv_t cd;
    int rc = 0;

    memcpy(name, cs, cslen);
    name[cslen] = '\0';
    if (rfc2047_charset_unknown_8bit(name)) {
        for (i = 0; i < raw->len && rc == 0; i++)
            rc = (unsigned char)raw->s[i] < 0x80 ? buf_putc(out, raw->s[i])
                                                  : buf_put(out, replacement, 3);
        if (rc == -1)
            util_errf(err, errlen, "encoded words too long");
        return rc;
    }
    if ((cd = iconv_open("UTF-8", rfc2047_charset_alias(name))) == (iconv_t)-1) {
        util_errf(err, errlen, "unknown charset \"%.40s\" in an encoded word", name);
        return -1;
    }
    while (inleft > 0 && rc == 0) {
        o = chunk;
        oleft = sizeof(chunk);
        if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1 && errno != E2BIG) {
            /* EILSEQ or EINVAL (cut short): one byte becomes U+FFFD, then on */
            if (buf_put(out, chunk, (size_t)(o - chunk)) == -1 ||
                buf_put(out, replacement, 3) == -1)
                rc = -1;
            in++;
            inleft--;
            iconv(cd, NULL, NULL, NULL, NULL); /* back to the initial shift state */
            continue;
        }
        if (buf_put(out, chunk, (size_t)(o - chunk)) == -1)
            rc = -1;
    }
    if (rc == 0) { /* flush a stateful encoding's shift sequence (ISO-2022-JP, UTF-7) */
        o = chunk;
        oleft = sizeof(chunk);
        if (iconv(cd, NULL, NULL, &o, &oleft) != (size_t)-1 &&
            buf_put(out, chunk, (size_t)(o - chunk)) == -1)
            rc = -1;
    }
    if (rc == -1)
        util_errf(err, errlen, "encoded words too long");
    iconv_close(cd);
    return rc;
}

int
rfc2047_decode(const char *src, size_t n, struct buf *out, char *err, size_t errlen)
{
    struct buf raw;
    struct rfc2047_word w, run;
    size_t i = 0, j;
    int in_run = 0, rc = -1;

    /* The raw bytes of a run of same-charset words never exceed the input's own length. */
    buf_init(&raw, n);
    while (i < n) {
        if (!rfc2047_word_at(src + i, n - i, &w)) {
            if (in_run) { /* the run ends here: convert it */
                if (rfc2047_convert(run.cs, run.cslen, &raw, out, err, errlen) == -1)
                    goto done;
                buf_reset(&raw);
                in_run = 0;
            }
            /* plain text up to the next "=?" (or one byte, when a "=?" here was no word) */
            for (j = i + 1; j < n && !(src[j] == '=' && j + 1 < n && src[j + 1] == '?'); j++)
                ;
            if (buf_put(out, src + i, j - i) == -1) {
                util_errf(err, errlen, "text too long");
                goto done;
            }
            i = j;
            continue;
        }
        if (in_run && (w.cslen != run.cslen || strncasecmp(w.cs, run.cs, w.cslen) != 0)) {
            if (rfc2047_convert(run.cs, run.cslen, &raw, out, err, errlen) == -1)
                goto done;
            buf_reset(&raw);
            in_run = 0;
        }
        if (!in_run) {
            run = w;
            in_run = 1;
        }
        if (rfc2047_word_bytes(&w, &raw, err, errlen) == -1)
            goto done;
        i += w.total;
        /* Linear white space up to the next encoded word is not displayed: skip it. */
        for (j = i; j < n && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r' || src[j] == '\n');
             j++)
            ;
        if (j > i && rfc2047_word_at(src + j, n - j, &w))
            i = j;
    }
    if (in_run && rfc2047_convert(run.cs, run.cslen, &raw, out, err, errlen) == -1)
        goto done;
    rc = 0;
done:
    buf_free(&raw);
    return rc;
}

int
rfc2047_charset_decode(const char *cs, size_t cslen, const void *raw, size_t n, struct buf *out,
                       char *err, size_t errlen)
{
    char name[RFC2047_CHARSET_MAX];
    struct buf in;
    iconv_t cd;

    if (cslen == 0 || cslen >= RFC2047_CHARSET_MAX || memchr(cs, '\0', cslen) != NULL) {
        util_errf(err, errlen, "unknown charset");
        return -1;
    }
    memcpy(name, cs, cslen);
    name[cslen] = '\0';
    /* Known first, so that "unknown" (-1) and "full" (-2) are told apart. */
    if (!rfc2047_charset_unknown_8bit(name)) {
        if ((cd = iconv_open("UTF-8", rfc2047_charset_alias(name))) == (iconv_t)-1) {
            util_errf(err, errlen, "unknown charset \"%.40s\"", name);
            return -1;
        }
        iconv_close(cd);
    }
    in.s = (char *)(uintptr_t)raw;
    in.len = in.cap = in.max = n;
    return rfc2047_convert(cs, cslen, &in, out, err, errlen) == 0 ? 0 : -2;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * textconv.c - one text part to the UTF-8 text keywords are matched in, as a chain of streaming
 * stages over code points: decode (iconv, or a WHATWG-style UTF-8 decoder) -> visible text of
 * HTML -> normal form (white space runs, invisible characters). Every stage keeps bounded state,
 * so a cut anywhere in the input gives the same output as no cut.
 */
#include "textconv.h"
#include "rfc2047.h"
#include "util.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Bytes handed to iconv at once, after any bytes a previous chunk left cut. */
#define TEXTCONV_STAGE 4096
/* Longest byte sequence iconv may leave incomplete at a chunk's end: 4 for UTF-8, GB18030 and
 * the ISO-2022 escapes, 2x4 for a UTF-16 surrogate pair; 16 leaves room. Longer is invalid. */
#define TEXTCONV_PENDING_MAX 16
/* Output collected before the sink is called: big enough that the call costs nothing. */
#define TEXTCONV_OUT 4096
/* Longest tag name compared with the tables ("blockquote", "figcaption" fit); longer is unknown. */
#define TEXTCONV_TAGNAME_MAX 16

#define TEXTCONV_REPLACEMENT 0xfffd

enum textconv_hstate {
    TC_TEXT,    /* plain text (or inside a skipped element) */
    TC_TAG,     /* after '<': tag[] holds it */
    TC_ENTITY,  /* after '&': ent[] holds it */
    TC_COMMENT, /* inside <!-- ... --> */
};

struct textconv {
    iconv_t cd; /* (iconv_t)-1: the built-in UTF-8 decoder */
    unsigned flags;
    int is_html;
    /* decoding */
    char stage[TEXTCONV_PENDING_MAX + TEXTCONV_STAGE];
    size_t npend;             /* cut bytes at the start of stage[] */
    uint32_t u8cp;            /* UTF-8: the code point so far */
    unsigned u8need, u8seen;  /* continuation bytes needed and seen */
    unsigned char u8lo, u8hi; /* the range the next continuation byte must be in */
    /* HTML */
    enum textconv_hstate hs;
    uint32_t tag[TEXTCONV_TAG_MAX - 1]; /* '<' and what follows, without the '>' */
    size_t ntag;
    char name[TEXTCONV_TAGNAME_MAX + 1];
    size_t nname;
    int name_done, name_long, end_tag, raw_tag; /* raw_tag: <! or <?: no quotes, no name */
    uint32_t quote, last_sig;
    uint32_t ent[TEXTCONV_ENTITY_MAX - 1]; /* '&' and what follows, without the ';' */
    size_t nent;
    unsigned dashes, bang; /* comment end: "--" then optional '!' then '>' */
    int skip;              /* 1 + index into textconv_skipped: inside that element */
    /* normal form and output */
    int space, any;
    char out[TEXTCONV_OUT];
    size_t nout;
    textconv_sink_fn sink;
    void *arg;
    int failed;
};

/* Elements whose content is not shown. <head> is not here: in HTML5 text inside it starts the
 * body and is shown; only its title is not. */
static const char *const textconv_skipped[] = {"script", "style", "title", "template"};

/* Elements that start a new line or box: their tags separate words. Any other tag, known or
 * not, is inline and joins the text around it, as a browser shows it. */
static const char *const textconv_blocks[] = {
    "address",    "article", "aside",    "blockquote", "body",    "br",       "caption", "center",
    "dd",         "details", "dialog",   "dir",        "div",     "dl",       "dt",      "fieldset",
    "figcaption", "figure",  "footer",   "form",       "frame",   "frameset", "h1",      "h2",
    "h3",         "h4",      "h5",       "h6",         "head",    "header",   "hr",      "html",
    "iframe",     "img",     "input",    "legend",     "li",      "main",     "menu",    "nav",
    "ol",         "option",  "p",        "pre",        "section", "select",   "summary", "table",
    "tbody",      "td",      "textarea", "tfoot",      "th",      "thead",    "tr",      "ul",
};

/* Named character references, sorted by strcmp (bsearch). */
static const struct textconv_entity {
    const char *name;
    uint32_t cp;
} textconv_entities[] = {
    {"AElig", 0x00c6},  {"Aacute", 0x00c1}, {"Acirc", 0x00c2},  {"Agrave", 0x00c0},
    {"Aring", 0x00c5},  {"Atilde", 0x00c3}, {"Auml", 0x00c4},   {"Ccedil", 0x00c7},
    {"Dagger", 0x2021}, {"ETH", 0x00d0},    {"Eacute", 0x00c9}, {"Ecirc", 0x00ca},
    {"Egrave", 0x00c8}, {"Euml", 0x00cb},   {"Iacute", 0x00cd}, {"Icirc", 0x00ce},
    {"Igrave", 0x00cc}, {"Iuml", 0x00cf},   {"Ntilde", 0x00d1}, {"OElig", 0x0152},
    {"Oacute", 0x00d3}, {"Ocirc", 0x00d4},  {"Ograve", 0x00d2}, {"Oslash", 0x00d8},
    {"Otilde", 0x00d5}, {"Ouml", 0x00d6},   {"Scaron", 0x0160}, {"THORN", 0x00de},
    {"Uacute", 0x00da}, {"Ucirc", 0x00db},  {"Ugrave", 0x00d9}, {"Uuml", 0x00dc},
    {"Yacute", 0x00dd}, {"Yuml", 0x0178},   {"aacute", 0x00e1}, {"acirc", 0x00e2},
    {"acute", 0x00b4},  {"aelig", 0x00e6},  {"agrave", 0x00e0}, {"amp", 0x0026},
    {"apos", 0x0027},   {"aring", 0x00e5},  {"atilde", 0x00e3}, {"auml", 0x00e4},
    {"bdquo", 0x201e},  {"brvbar", 0x00a6}, {"bull", 0x2022},   {"ccedil", 0x00e7},
    {"cedil", 0x00b8},  {"cent", 0x00a2},   {"circ", 0x02c6},   {"copy", 0x00a9},
    {"curren", 0x00a4}, {"dagger", 0x2020}, {"deg", 0x00b0},    {"divide", 0x00f7},
    {"eacute", 0x00e9}, {"ecirc", 0x00ea},  {"egrave", 0x00e8}, {"emsp", 0x2003},
    {"ensp", 0x2002},   {"eth", 0x00f0},    {"euml", 0x00eb},   {"euro", 0x20ac},
    {"fnof", 0x0192},   {"frac12", 0x00bd}, {"frac14", 0x00bc}, {"frac34", 0x00be},
    {"gt", 0x003e},     {"hellip", 0x2026}, {"iacute", 0x00ed}, {"icirc", 0x00ee},
    {"iexcl", 0x00a1},  {"igrave", 0x00ec}, {"iquest", 0x00bf}, {"iuml", 0x00ef},
    {"laquo", 0x00ab},  {"ldquo", 0x201c},  {"lrm", 0x200e},    {"lsaquo", 0x2039},
    {"lsquo", 0x2018},  {"lt", 0x003c},     {"macr", 0x00af},   {"mdash", 0x2014},
    {"micro", 0x00b5},  {"middot", 0x00b7}, {"nbsp", 0x00a0},   {"ndash", 0x2013},
    {"not", 0x00ac},    {"ntilde", 0x00f1}, {"oacute", 0x00f3}, {"ocirc", 0x00f4},
    {"oelig", 0x0153},  {"ograve", 0x00f2}, {"ordf", 0x00aa},   {"ordm", 0x00ba},
    {"oslash", 0x00f8}, {"otilde", 0x00f5}, {"ouml", 0x00f6},   {"para", 0x00b6},
    {"permil", 0x2030}, {"plusmn", 0x00b1}, {"pound", 0x00a3},  {"quot", 0x0022},
    {"raquo", 0x00bb},  {"rdquo", 0x201d},  {"reg", 0x00ae},    {"rlm", 0x200f},
    {"rsaquo", 0x203a}, {"rsquo", 0x2019},  {"sbquo", 0x201a},  {"scaron", 0x0161},
    {"sect", 0x00a7},   {"shy", 0x00ad},    {"sup1", 0x00b9},   {"sup2", 0x00b2},
    {"sup3", 0x00b3},   {"szlig", 0x00df},  {"thinsp", 0x2009}, {"thorn", 0x00fe},
    {"tilde", 0x02dc},  {"times", 0x00d7},  {"trade", 0x2122},  {"uacute", 0x00fa},
    {"ucirc", 0x00fb},  {"ugrave", 0x00f9}, {"uml", 0x00a8},    {"uuml", 0x00fc},
    {"yacute", 0x00fd}, {"yen", 0x00a5},    {"yuml", 0x00ff},   {"zwj", 0x200d},
    {"zwnj", 0x200c},
};

/* What browsers show for &#128; ... &#159;: the windows-1252 characters at those bytes. */
static const uint16_t textconv_cp1252[32] = {
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

static void textconv_html(struct textconv *tc, uint32_t cp);

/* ---- output ---- */

static void
textconv_flush(struct textconv *tc)
{
    if (tc->nout > 0 && !tc->failed && tc->sink(tc->arg, tc->out, tc->nout) == -1)
        tc->failed = 1;
    tc->nout = 0;
}

static void
textconv_put(struct textconv *tc, uint32_t cp)
{
    char *o;

    if (tc->nout + 4 > sizeof(tc->out))
        textconv_flush(tc);
    o = tc->out + tc->nout;
    if (cp < 0x80) {
        o[0] = (char)cp;
        tc->nout += 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        tc->nout += 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        tc->nout += 3;
    } else {
        o[0] = (char)(0xf0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[3] = (char)(0x80 | (cp & 0x3f));
        tc->nout += 4;
    }
}

/* ---- the normal form ---- */

static int
textconv_is_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
           cp == 0x205f || cp == 0x3000;
}

/* Invisible: they would split a keyword without showing. */
static int
textconv_is_dropped(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xad || cp == 0x180e ||
           (cp >= 0x200b && cp <= 0x200d) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xfeff;
}

/* A word separator (white space, a block tag): one space before the next visible character. */
static void
textconv_space(struct textconv *tc)
{
    tc->space = tc->any;
}

static void
textconv_emit(struct textconv *tc, uint32_t cp)
{
    if (textconv_is_space(cp)) {
        tc->space = tc->any;
        return;
    }
    if (textconv_is_dropped(cp))
        return;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        cp = TEXTCONV_REPLACEMENT;
    else if (cp == 0x17f) /* LONG S, KELVIN SIGN, ANGSTROM SIGN: letters that fold to s, k and */
        cp = 's';         /* Å; written as those, so a keyword matcher need not fold them */
    else if (cp == 0x212a)
        cp = 'k';
    else if (cp == 0x212b)
        cp = 0xc5;
    if (tc->space) {
        textconv_put(tc, ' ');
        tc->space = 0;
    }
    textconv_put(tc, cp);
    tc->any = 1;
}

/* ---- HTML: tags ---- */

static int
textconv_in(const char *name, const char *const *table, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(name, table[i]) == 0)
            return (int)i + 1;
    return 0;
}

static int
textconv_ascii_alpha(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

static int
textconv_tag_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f';
}

/* A whole tag was read (its '>' just seen). */
static void
textconv_tag_done(struct textconv *tc)
{
    int skip;

    tc->hs = TC_TEXT;
    if (tc->raw_tag || tc->nname == 0 || tc->name_long)
        return;
    tc->name[tc->nname] = '\0';
    skip = textconv_in(tc->name, textconv_skipped,
                       sizeof(textconv_skipped) / sizeof(textconv_skipped[0]));
    if (tc->skip) {
        if (tc->end_tag && skip == tc->skip)
            tc->skip = 0;
        return;
    }
    if (skip && !tc->end_tag)
        tc->skip = skip;
    if (textconv_in(tc->name, textconv_blocks,
                    sizeof(textconv_blocks) / sizeof(textconv_blocks[0])))
        textconv_space(tc);
}

/* A tag past TEXTCONV_TAG_MAX: what was held is text, as written. */
static void
textconv_tag_overflow(struct textconv *tc)
{
    size_t i;

    tc->flags |= TEXTCONV_F_TAG_TOO_LONG;
    tc->hs = TC_TEXT;
    if (tc->skip)
        return;
    for (i = 0; i < tc->ntag; i++)
        textconv_emit(tc, tc->tag[i]);
}

static void
textconv_tag(struct textconv *tc, uint32_t cp)
{
    if (tc->ntag == 1) { /* the character after '<' says what this is */
        if (cp == '/') {
            tc->end_tag = 1;
        } else if ((cp == '!' || cp == '?') && !tc->skip) {
            tc->raw_tag = 1;
        } else if (!textconv_ascii_alpha(cp) || tc->skip) {
            /* "a < b": the '<' was text; inside script, style, title and template only an end
             * tag is markup, as in a browser */
            tc->hs = TC_TEXT; /* "a < b": the '<' was text */
            if (!tc->skip)
                textconv_emit(tc, '<');
            textconv_html(tc, cp);
            return;
        }
    }
    if (cp == '>' && tc->quote == 0) {
        textconv_tag_done(tc);
        return;
    }
    if (tc->ntag == sizeof(tc->tag) / sizeof(tc->tag[0])) {
        textconv_tag_overflow(tc);
        textconv_html(tc, cp);
        return;
    }
    tc->tag[tc->ntag++] = cp;
    if (tc->raw_tag) {
        if (tc->ntag == 4 && tc->tag[2] == '-' && tc->tag[3] == '-') {
            tc->hs = TC_COMMENT;
            tc->dashes = 2; /* "<!-->" closes at once, as in HTML5 */
            tc->bang = 0;
        }
        return;
    }
    if (tc->quote) {
        if (cp == tc->quote)
            tc->quote = 0;
        return;
    }
    if (!tc->name_done && tc->ntag > 1 + (size_t)tc->end_tag) {
        if (textconv_tag_space(cp) || cp == '/') {
            tc->name_done = 1;
        } else if (tc->nname < TEXTCONV_TAGNAME_MAX && cp < 0x80) {
            tc->name[tc->nname++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
        } else {
            tc->name_long = 1;
        }
    }
    if ((cp == '"' || cp == '\'') && tc->last_sig == '=' && !tc->skip)
        tc->quote = cp;
    if (!textconv_tag_space(cp))
        tc->last_sig = cp;
}

static void
textconv_comment(struct textconv *tc, uint32_t cp)
{
    if (cp == '>' && tc->dashes >= 2) {
        tc->hs = TC_TEXT;
    } else if (cp == '-') {
        tc->dashes++;
        tc->bang = 0;
        return;
    } else if (cp == '!' && tc->dashes >= 2 && !tc->bang) {
        tc->bang = 1; /* "--!>" closes a comment too */
        return;
    }
    tc->dashes = 0;
    tc->bang = 0;
}

/* ---- HTML: character references ---- */

static int
textconv_entity_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct textconv_entity *)elem)->name);
}

static int
textconv_hex(uint32_t cp)
{
    if (cp >= '0' && cp <= '9')
        return (int)(cp - '0');
    if (cp >= 'a' && cp <= 'f')
        return (int)(cp - 'a' + 10);
    if (cp >= 'A' && cp <= 'F')
        return (int)(cp - 'A' + 10);
    return -1;
}

/* Can cp continue the reference held in ent[]? */
static int
textconv_entity_char(const struct textconv *tc, uint32_t cp)
{
    if (tc->nent == 1)
        return cp == '#' || textconv_ascii_alpha(cp) || (cp >= '0' && cp <= '9');
    if (tc->ent[1] != '#')
        return textconv_ascii_alpha(cp) || (cp >= '0' && cp <= '9');
    if (tc->nent == 2 && (cp == 'x' || cp == 'X'))
        return 1;
    if (tc->nent >= 3 && (tc->ent[2] == 'x' || tc->ent[2] == 'X'))
        return textconv_hex(cp) >= 0;
    return cp >= '0' && cp <= '9';
}

/* The code point the reference in ent[] stands for, or 0 when it is none (then it is text). */
static uint32_t
textconv_entity_value(const struct textconv *tc)
{
    char name[TEXTCONV_ENTITY_MAX];
    const struct textconv_entity *e;
    uint32_t v = 0;
    size_t i = 2, base = 10;

    if (tc->nent < 2)
        return 0;
    if (tc->ent[1] != '#') {
        for (i = 1; i < tc->nent; i++)
            name[i - 1] = (char)tc->ent[i];
        name[tc->nent - 1] = '\0';
        e = bsearch(name, textconv_entities,
                    sizeof(textconv_entities) / sizeof(textconv_entities[0]),
                    sizeof(textconv_entities[0]), textconv_entity_cmp);
        return e != NULL ? e->cp : 0;
    }
    if (tc->nent > 2 && (tc->ent[2] == 'x' || tc->ent[2] == 'X')) {
        base = 16;
        i = 3;
    }
    if (i >= tc->nent)
        return 0; /* "&#" or "&#x" without digits */
    for (; i < tc->nent; i++) {
        v = v * (uint32_t)base + (uint32_t)textconv_hex(tc->ent[i]);
        if (v > 0x10ffff)
            v = 0x110000; /* stays out of range, never wraps */
    }
    if (v >= 0x80 && v <= 0x9f)
        return textconv_cp1252[v - 0x80];
    if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return TEXTCONV_REPLACEMENT;
    return v;
}

/* The reference ends before cp (cp is ';' or a character that cannot continue it). */
static void
textconv_entity_end(struct textconv *tc, uint32_t cp)
{
    uint32_t v = textconv_entity_value(tc);
    size_t i;

    tc->hs = TC_TEXT;
    if (v != 0) {
        textconv_emit(tc, v);
        if (cp != ';')
            textconv_html(tc, cp);
        return;
    }
    for (i = 0; i < tc->nent; i++)
        textconv_emit(tc, tc->ent[i]);
    textconv_html(tc, cp);
}

static void
textconv_entity(struct textconv *tc, uint32_t cp)
{
    size_t i;

    if (cp == ';' || !textconv_entity_char(tc, cp)) {
        textconv_entity_end(tc, cp);
        return;
    }
    if (tc->nent == sizeof(tc->ent) / sizeof(tc->ent[0])) { /* too long: text as written */
        tc->hs = TC_TEXT;
        for (i = 0; i < tc->nent; i++)
            textconv_emit(tc, tc->ent[i]);
        textconv_html(tc, cp);
        return;
    }
    tc->ent[tc->nent++] = cp;
}

/* ---- HTML: the state machine ---- */

static void
textconv_html(struct textconv *tc, uint32_t cp)
{
    switch (tc->hs) {
    case TC_TAG:
        textconv_tag(tc, cp);
        return;
    case TC_ENTITY:
        textconv_entity(tc, cp);
        return;
    case TC_COMMENT:
        textconv_comment(tc, cp);
        return;
    case TC_TEXT:
        break;
    }
    if (cp == '<') {
        tc->hs = TC_TAG;
        tc->tag[0] = cp;
        tc->ntag = 1;
        tc->nname = 0;
        tc->name_done = tc->name_long = tc->end_tag = tc->raw_tag = 0;
        tc->quote = tc->last_sig = 0;
    } else if (tc->skip) {
        return;
    } else if (cp == '&') {
        tc->hs = TC_ENTITY;
        tc->ent[0] = cp;
        tc->nent = 1;
    } else {
        textconv_emit(tc, cp);
    }
}

/* One decoded code point into the chain. */
static void
textconv_cp(struct textconv *tc, uint32_t cp)
{
    if (tc->is_html)
        textconv_html(tc, cp);
    else
        textconv_emit(tc, cp);
}

static void
textconv_invalid(struct textconv *tc)
{
    tc->flags |= TEXTCONV_F_INVALID;
    textconv_cp(tc, TEXTCONV_REPLACEMENT);
}

/* ---- decoding: UTF-8 (the WHATWG decoder: one U+FFFD per maximal invalid subpart) ---- */

/* Printable ASCII that no stage changes: in HTML text, not '<' or '&'. */
static int
textconv_plain(const struct textconv *tc, unsigned char c)
{
    return c > 0x20 && c < 0x7f && (!tc->is_html || (c != '<' && c != '&'));
}

/* A run of printable ASCII with single spaces inside that no stage changes goes to the output
 * as it is: most text is such runs, and this is several times faster than a code point at a
 * time. Returns the bytes taken. */
static size_t
textconv_ascii_run(struct textconv *tc, const unsigned char *s, size_t n)
{
    size_t r = 0, k;

    if (tc->is_html && tc->hs != TC_TEXT)
        return 0;
    while (r < n) {
        if (textconv_plain(tc, s[r]))
            r++;
        else if (s[r] == ' ' && r > 0 && r + 1 < n && textconv_plain(tc, s[r + 1]))
            r += 2;
        else
            break;
    }
    if (tc->skip) /* inside script or style: not shown */
        return r;
    if (r == 0)
        return 0;
    if (tc->space) {
        textconv_put(tc, ' ');
        tc->space = 0;
    }
    tc->any = 1;
    for (k = 0; k < r;) {
        size_t room = sizeof(tc->out) - tc->nout, take = r - k < room ? r - k : room;

        memcpy(tc->out + tc->nout, s + k, take);
        tc->nout += take;
        k += take;
        if (tc->nout == sizeof(tc->out))
            textconv_flush(tc);
    }
    return r;
}

static void
textconv_utf8(struct textconv *tc, const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned char c = s[i];

        if (tc->u8need == 0 && c > 0x20 && c < 0x7f) {
            size_t r = textconv_ascii_run(tc, s + i, n - i);

            if (r > 0) {
                i += r;
                continue;
            }
        }

        if (tc->u8need > 0) {
            if (c < tc->u8lo || c > tc->u8hi) { /* the sequence so far is invalid; c starts anew */
                tc->u8need = 0;
                textconv_invalid(tc);
                continue;
            }
            i++;
            tc->u8lo = 0x80;
            tc->u8hi = 0xbf;
            tc->u8cp = (tc->u8cp << 6) | (c & 0x3f);
            if (++tc->u8seen == tc->u8need) {
                tc->u8need = 0;
                textconv_cp(tc, tc->u8cp);
            }
            continue;
        }
        i++;
        tc->u8seen = 0;
        tc->u8lo = 0x80;
        tc->u8hi = 0xbf;
        if (c < 0x80) {
            textconv_cp(tc, c);
        } else if (c >= 0xc2 && c <= 0xdf) {
            tc->u8need = 1;
            tc->u8cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            tc->u8lo = c == 0xe0 ? 0xa0 : 0x80;
            tc->u8hi = c == 0xed ? 0x9f : 0xbf;
            tc->u8need = 2;
            tc->u8cp = c & 0xf;
        } else if (c >= 0xf0 && c <= 0xf4) {
            tc->u8lo = c == 0xf0 ? 0x90 : 0x80;
            tc->u8hi = c == 0xf4 ? 0x8f : 0xbf;
            tc->u8need = 3;
            tc->u8cp = c & 0x7;
        } else {
            textconv_invalid(tc);
        }
    }
}

/* ---- decoding: iconv to UCS-4 ---- */

static const char *
textconv_ucs4(void)
{
    const uint16_t one = 1;

    return *(const unsigned char *)&one ? "UCS-4LE" : "UCS-4BE";
}

/* Converts stage[0..n); bytes of a sequence the end cut stay at the start of stage[]. */
static void
textconv_iconv(struct textconv *tc, size_t n, int final)
{
    uint32_t ucs[512];
    char *in = tc->stage, *o;
    size_t inleft = n, oleft, i, r;
    int err;

    for (;;) {
        o = (char *)ucs;
        oleft = sizeof(ucs);
        r = iconv(tc->cd, inleft > 0 ? &in : NULL, &inleft, &o, &oleft);
        err = r == (size_t)-1 ? errno : 0;
        for (i = 0; i < (sizeof(ucs) - oleft) / 4; i++)
            textconv_cp(tc, ucs[i]);
        if (err == E2BIG)
            continue;
        if (err == EILSEQ || (err == EINVAL && (final || inleft >= TEXTCONV_PENDING_MAX))) {
            textconv_invalid(tc); /* one byte is invalid; go on after it, in the initial */
            in++;                 /* shift state (as rfc2047.c does) */
            inleft--;
            iconv(tc->cd, NULL, NULL, NULL, NULL);
            continue;
        }
        if (err != EINVAL && inleft > 0) { /* no other error is documented: do not loop */
            textconv_invalid(tc);
            inleft = 0;
        }
        break;
    }
    memmove(tc->stage, in, inleft);
    tc->npend = inleft;
}

/* ---- the public functions ---- */

static int
textconv_is_utf8(const char *name)
{
    static const char *const names[] = {"utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968"};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* A label iconv may see: a charset name's characters only, so no "//TRANSLIT" or path. */
static int
textconv_label_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= TEXTCONV_CHARSET_MAX)
        return 0;
    for (; *s != '\0'; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("-_.:+()", *s) != NULL))
            return 0;
    return 1;
}

struct textconv *
textconv_new(const char *charset, int is_html)
{
    struct textconv *tc = calloc(1, sizeof(*tc));
    const char *name;

    if (tc == NULL)
        return NULL;
    tc->cd = (iconv_t)-1;
    tc->is_html = is_html != 0;
    tc->hs = TC_TEXT;
    if (charset == NULL || charset[0] == '\0')
        return tc;
    if (!textconv_label_ok(charset) || rfc2047_charset_unknown_8bit(charset)) {
        tc->flags |= TEXTCONV_F_CHARSET_UNKNOWN;
        return tc;
    }
    name = rfc2047_charset_alias(charset);
    if (textconv_is_utf8(name))
        return tc;
    if ((tc->cd = iconv_open(textconv_ucs4(), name)) == (iconv_t)-1) {
        if (errno != EINVAL) {
            free(tc);
            return NULL;
        }
        tc->flags |= TEXTCONV_F_CHARSET_UNKNOWN;
    }
    return tc;
}

int
textconv_feed(struct textconv *tc, const char *bytes, size_t len, textconv_sink_fn sink, void *arg)
{
    size_t k;

    tc->sink = sink;
    tc->arg = arg;
    if (tc->cd == (iconv_t)-1) {
        textconv_utf8(tc, (const unsigned char *)bytes, len);
    } else {
        while (len > 0 && !tc->failed) {
            k = len < TEXTCONV_STAGE ? len : TEXTCONV_STAGE;
            memcpy(tc->stage + tc->npend, bytes, k);
            bytes += k;
            len -= k;
            textconv_iconv(tc, tc->npend + k, 0);
        }
    }
    textconv_flush(tc);
    return tc->failed ? -1 : 0;
}

int
textconv_end(struct textconv *tc, textconv_sink_fn sink, void *arg)
{
    size_t i;

    tc->sink = sink;
    tc->arg = arg;
    if (tc->cd == (iconv_t)-1) {
        if (tc->u8need > 0) {
            tc->u8need = 0;
            textconv_invalid(tc);
        }
    } else {
        textconv_iconv(tc, tc->npend, 1);
    }
    /* An unclosed tag or reference is text: a browser would drop an unclosed tag, but words
     * hidden in one would then pass unseen. An unclosed comment or skipped element stays
     * hidden, as it is on screen. */
    if (tc->hs == TC_TAG && !tc->skip)
        for (i = 0; i < tc->ntag; i++)
            textconv_emit(tc, tc->tag[i]);
    if (tc->hs == TC_ENTITY)
        textconv_entity_end(tc, ' ');
    tc->hs = TC_TEXT;
    textconv_flush(tc);
    return tc->failed ? -1 : 0;
}

unsigned
textconv_flags(const struct textconv *tc)
{
    return tc->flags;
}

void
textconv_free(struct textconv *tc)
{
    if (tc == NULL)
        return;
    if (tc->cd != (iconv_t)-1)
        iconv_close(tc->cd);
    free(tc);
}

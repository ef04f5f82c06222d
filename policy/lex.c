/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lex.c - turns a rules file into tokens. A lexical error (unterminated string, stray byte) is
 * returned as a T_ERROR token so the parser can report it with its line and carry on.
 */
#include "lex.h"
#include "util.h"

#include <ctype.h>
#include <string.h>

void
lex_init(struct lexer *lx, const char *buf, size_t len)
{
    lx->buf = buf;
    lx->len = len;
    lx->pos = 0;
    lx->line = 1;
}

/* Bytes that end a bare word. */
static int
lex_word_char(int c)
{
    return c > 0x20 && c < 0x7f && strchr("{},\"#<>", c) == NULL;
}

static void
lex_error(struct token *t, const char *msg)
{
    t->type = T_ERROR;
    util_strlcpy(t->text, msg, sizeof(t->text));
}

/* Non-ASCII bytes outside quotes: the whole run of them and the word around them is one error,
 * with the likely cause. A UTF-8 byte order mark is the editor's, at the start of the file. */
static void
lex_non_ascii(struct lexer *lx, struct token *t)
{
    static const char bom[] = "\xef\xbb\xbf";

    if (t->start == 0 && lx->len >= 3 && memcmp(lx->buf, bom, 3) == 0) {
        lx->pos = 3;
        lex_error(t, "the file starts with a UTF-8 byte order mark: save it without one");
        return;
    }
    while (lx->pos < lx->len && ((unsigned char)lx->buf[lx->pos] >= 0x80 ||
                                 lex_word_char((unsigned char)lx->buf[lx->pos])))
        lx->pos++;
    lex_error(t, "non-ASCII text outside quotes: write a domain in punycode (xn--...), "
                 "quote other text");
}

void
lex_next(struct lexer *lx, struct token *t)
{
    size_t n = 0;
    int c;

    t->text[0] = '\0';
    for (;;) {
        if (lx->pos >= lx->len) {
            t->type = T_EOF;
            t->line = lx->line;
            t->start = lx->len;
            return;
        }
        c = (unsigned char)lx->buf[lx->pos];
        if (c == '#') {
            while (lx->pos < lx->len && lx->buf[lx->pos] != '\n')
                lx->pos++;
            continue;
        }
        if (c == '\\' && lx->pos + 1 < lx->len && lx->buf[lx->pos + 1] == '\n') {
            lx->pos += 2; /* line continuation */
            lx->line++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            lx->pos++;
            continue;
        }
        break;
    }
    t->line = lx->line;
    t->start = lx->pos;
    lx->pos++;
    switch (c) {
    case '\n':
        lx->line++;
        t->type = T_NL;
        return;
    case '{':
        t->type = T_LBRACE;
        return;
    case '}':
        t->type = T_RBRACE;
        return;
    case ',':
        t->type = T_COMMA;
        return;
    case '!':
        t->type = T_BANG;
        return;
    case '"':
        for (;;) {
            if (lx->pos >= lx->len || lx->buf[lx->pos] == '\n') {
                lex_error(t, "unterminated string");
                return;
            }
            c = (unsigned char)lx->buf[lx->pos++];
            if (c == '"')
                break;
            if (c == '\\' && lx->pos < lx->len && lx->buf[lx->pos] != '\n')
                c = (unsigned char)lx->buf[lx->pos++];
            if (c < 0x20 && c != '\t') {
                /* Swallow the rest of the string so the error is reported once. */
                while (lx->pos < lx->len && lx->buf[lx->pos] != '"' && lx->buf[lx->pos] != '\n')
                    lx->pos++;
                if (lx->pos < lx->len && lx->buf[lx->pos] == '"')
                    lx->pos++;
                lex_error(t, "control character in string");
                return;
            }
            if (n + 1 >= sizeof(t->text)) {
                lex_error(t, "string too long");
                return;
            }
            t->text[n++] = (char)c;
        }
        t->text[n] = '\0';
        t->type = T_STRING;
        return;
    case '<':
        while (lx->pos < lx->len && (isalnum((unsigned char)lx->buf[lx->pos]) ||
                                     lx->buf[lx->pos] == '_' || lx->buf[lx->pos] == '-')) {
            if (n + 1 < sizeof(t->text))
                t->text[n++] = lx->buf[lx->pos];
            lx->pos++;
        }
        t->text[n] = '\0';
        if (lx->pos >= lx->len || lx->buf[lx->pos] != '>' || n == 0) {
            lex_error(t, "list reference must look like <name>");
            return;
        }
        lx->pos++;
        t->type = T_LISTREF;
        return;
    default:
        if (c >= 0x80 ||
            (lex_word_char(c) && lx->pos < lx->len && (unsigned char)lx->buf[lx->pos] >= 0x80)) {
            lex_non_ascii(lx, t);
            return;
        }
        if (!lex_word_char(c)) {
            lex_error(t, c == '>' ? "unexpected '>'" : "unexpected character");
            return;
        }
        t->text[n++] = (char)c;
        while (lx->pos < lx->len && lex_word_char((unsigned char)lx->buf[lx->pos])) {
            if (n + 1 < sizeof(t->text))
                t->text[n++] = lx->buf[lx->pos];
            lx->pos++;
        }
        t->text[n] = '\0';
        t->type = T_WORD;
        if (lx->pos < lx->len && (unsigned char)lx->buf[lx->pos] >= 0x80)
            lex_non_ascii(lx, t); /* "bücher.de": the whole word is one error */
        return;
    }
}

const char *
lex_describe(const struct token *t, char *buf, size_t buflen)
{
    switch (t->type) {
    case T_EOF:
        return "end of file";
    case T_NL:
        return "end of line";
    case T_LBRACE:
        return "'{'";
    case T_RBRACE:
        return "'}'";
    case T_COMMA:
        return "','";
    case T_BANG:
        return "'!'";
    case T_LISTREF:
        util_errf(buf, buflen, "<%s>", UTIL_ERRTOK(t->text));
        return buf;
    case T_STRING:
        util_errf(buf, buflen, "\"%s\"", UTIL_ERRTOK(t->text));
        return buf;
    case T_WORD:
    case T_ERROR:
        util_errf(buf, buflen, "'%s'", UTIL_ERRTOK(t->text));
        return buf;
    }
    return "?";
}

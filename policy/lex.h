/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lex.h - tokenizer for the rules language. Statements end at a newline; '{' ... '}' may span
 * lines. '#' starts a comment. Strings are "double quoted" with \" and \\ escapes.
 */
#ifndef RW_LEX_H
#define RW_LEX_H

#include <stddef.h>

enum tok_type {
    T_EOF,
    T_NL,
    T_WORD,
    T_STRING,
    T_LISTREF, /* <name> */
    T_LBRACE,
    T_RBRACE,
    T_COMMA,
    T_BANG,
    T_ERROR, /* text holds the message */
};

/* Longest token: a list item or reply text never needs more. */
#define LEX_TOKEN_MAX 1024

struct token {
    enum tok_type type;
    int line;
    size_t start; /* offset of its first byte in the lexer's buffer */
    char text[LEX_TOKEN_MAX];
};

struct lexer {
    const char *buf;
    size_t len, pos;
    int line;
};

void lex_init(struct lexer *lx, const char *buf, size_t len);
void lex_next(struct lexer *lx, struct token *t);
const char *lex_describe(const struct token *t, char *buf, size_t buflen);

#endif

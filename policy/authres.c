/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * authres.c - reads the authserv-id of an Authentication-Results header by RFC 8601 2.2's
 * grammar, byte by byte over a length-bounded view, without recursion (comments nest as deep
 * as the header is long). Whatever is not well-formed is reported as such, and callers treat
 * it as possibly ours: see authres.h.
 */
#include "authres.h"

#include <string.h>

#define AUTHRES_WSP(c) ((c) == ' ' || (c) == '\t')

/* RFC 2045 5.1 token characters: printable US-ASCII but tspecials. */
static int
authres_token_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* Control bytes (NUL included) and DEL: never in a header, outside a fold. */
static int
authres_ctl(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* What may follow a backslash in a quoted-pair: VCHAR or WSP (RFC 5322 3.2.1), and UTF-8
 * (RFC 6532 3.2); a line break or control byte may not. */
static int
authres_qp_ok(unsigned char c)
{
    return (c > 0x20 && c != 0x7f) || AUTHRES_WSP(c);
}

/* A fold at p: CRLF, or LF alone as MTAs hand headers to milters, then white space. Returns
 * the length of the line break (the white space stays), 0 if p is no line break, -1 if it is
 * one that does not fold (a bare CR, a break at the end or before a non-blank). */
static int
authres_fold(const char *p, const char *end)
{
    size_t n;

    if (*p == '\r') {
        if (end - p < 2 || p[1] != '\n')
            return -1;
        n = 2;
    } else if (*p == '\n') {
        n = 1;
    } else {
        return 0;
    }
    if ((size_t)(end - p) <= n || !AUTHRES_WSP(p[n]))
        return -1;
    return (int)n;
}

/* Skips CFWS: white space, folds and comments, nested and with quoted-pairs. 0 with *pp past
 * it, or -1 if it is malformed. A depth counter instead of recursion: no stack to exhaust. */
static int
authres_cfws(const char **pp, const char *end)
{
    const char *p = *pp;
    size_t depth;
    int f;

    while (p < end) {
        if (AUTHRES_WSP(*p)) {
            p++;
            continue;
        }
        if ((f = authres_fold(p, end)) != 0) {
            if (f < 0)
                return -1;
            p += f;
            continue;
        }
        if (*p != '(')
            break;
        for (depth = 0;;) {
            unsigned char c;

            if (p == end)
                return -1; /* unterminated */
            c = (unsigned char)*p;
            if (c == '\\') {
                if (end - p < 2 || !authres_qp_ok((unsigned char)p[1]))
                    return -1;
                p += 2;
                continue;
            }
            if ((f = authres_fold(p, end)) != 0) {
                if (f < 0)
                    return -1;
                p += f;
                continue;
            }
            if (authres_ctl(c))
                return -1;
            p++;
            if (c == '(')
                depth++;
            else if (c == ')' && --depth == 0)
                break;
        }
    }
    *pp = p;
    return 0;
}

/* Appends c to id unless that would leave no room for the NUL. */
static int
authres_put(char *id, size_t idlen, size_t *o, unsigned char c)
{
    if (*o + 1 >= idlen)
        return -1;
    id[(*o)++] = (char)c;
    return 0;
}

/* The authserv-id itself: a token, or a quoted-string whose content is a token. */
static int
authres_value(const char **pp, const char *end, char *id, size_t idlen)
{
    const char *p = *pp;
    size_t o = 0;
    int f;

    if (p < end && *p == '"') {
        for (p++;;) {
            unsigned char c;

            if (p == end)
                return -1; /* unterminated */
            c = (unsigned char)*p;
            if (c == '"') {
                p++;
                break;
            }
            if (c == '\\') {
                if (end - p < 2 || !authres_qp_ok((unsigned char)p[1]))
                    return -1;
                c = (unsigned char)p[1];
                p += 2;
            } else if ((f = authres_fold(p, end)) != 0) {
                if (f < 0)
                    return -1;
                p += f; /* the white space after it is refused below */
                continue;
            } else {
                p++;
            }
            if (!authres_token_char(c) || authres_put(id, idlen, &o, c) == -1)
                return -1;
        }
    } else {
        for (; p < end && authres_token_char((unsigned char)*p); p++)
            if (authres_put(id, idlen, &o, (unsigned char)*p) == -1)
                return -1;
    }
    if (o == 0)
        return -1;
    id[o] = '\0';
    *pp = p;
    return 0;
}

int
authres_id(const char *v, size_t len, char *id, size_t idlen)
{
    const char *p = v, *end, *after;

    if (id == NULL || idlen == 0)
        return -1;
    id[0] = '\0';
    if (v == NULL)
        return -1;
    end = v + len;
    if (authres_cfws(&p, end) == -1 || authres_value(&p, end, id, idlen) == -1)
        goto bad;
    after = p;
    if (authres_cfws(&p, end) == -1)
        goto bad;
    /* authres-version = 1*DIGIT [CFWS], after CFWS; a token would have taken digits in. */
    if (p < end && p > after && *p >= '0' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (authres_cfws(&p, end) == -1)
            goto bad;
    }
    /* Then "; none" or a resinfo. An id alone is not RFC 8601 either, but its id is plain. */
    if (p != end && *p != ';')
        goto bad;
    return 0;
bad:
    id[0] = '\0';
    return -1;
}

static unsigned char
authres_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive comparison of n bytes, whatever the locale. */
static int
authres_caseeq(const char *a, const char *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (authres_lower((unsigned char)a[i]) != authres_lower((unsigned char)b[i]))
            return 0;
    return 1;
}

int
authres_id_eq(const char *a, const char *b)
{
    size_t na, nb;

    if (a == NULL || b == NULL)
        return 0;
    na = strlen(a);
    nb = strlen(b);
    while (na > 0 && a[na - 1] == '.')
        na--;
    while (nb > 0 && b[nb - 1] == '.')
        nb--;
    return na == nb && authres_caseeq(a, b, na);
}

int
authres_is_ours(const char *v, size_t len, const char *authserv)
{
    char id[AUTHRES_ID_MAX + 1];

    if (authres_id(v, len, id, sizeof(id)) == -1)
        return 1;
    return authserv == NULL || authres_id_eq(id, authserv);
}

int
authres_name_eq(const char *name, const char *want)
{
    size_t n, w;

    if (name == NULL || want == NULL)
        return 0;
    n = strlen(name);
    w = strlen(want);
    while (n > 0 && AUTHRES_WSP(name[n - 1]))
        n--;
    return n == w && authres_caseeq(name, want, n);
}

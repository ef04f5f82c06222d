/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * util.c - bounded string helpers and log escaping for the policy library.
 * Nothing here allocates; every function is safe to call from any thread.
 */
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

size_t
util_strlcpy(char *dst, const char *src, size_t dstlen)
{
    size_t n = strlen(src);

    if (dstlen > 0) {
        size_t c = n < dstlen - 1 ? n : dstlen - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}

char *
util_join(char *buf, size_t len, const void *ctx, size_t n,
          const char *(*at)(const void *ctx, size_t i), const char *sep, const char *last)
{
    size_t i, o = 0;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    for (i = 0; i < n && o < len; i++) {
        int k = snprintf(buf + o, len - o, "%s%s",
                         i == 0 ? "" : (last != NULL && i + 1 == n) ? last : sep, at(ctx, i));
        if (k < 0)
            break;
        o += (size_t)k;
    }
    return buf;
}

void
util_errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void
util_lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

int
util_strcaseeq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static char *
util_escape_set(char *dst, size_t dstlen, const char *src, size_t maxlen, const char *extra)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0, i;

    if (dstlen == 0)
        return dst;
    if (src == NULL)
        src = "";
    for (i = 0; src[i] != '\0'; i++) {
        unsigned char c = (unsigned char)src[i];
        char tmp[5];
        size_t n;

        if (i >= maxlen) {
            if (o + 4 <= dstlen) {
                memcpy(dst + o, "...", 3);
                o += 3;
            }
            break;
        }
        if (c == '"' || c == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)c;
            n = 2;
        } else if (c < 0x20 || c >= 0x7f || (extra != NULL && strchr(extra, c) != NULL)) {
            tmp[0] = '\\';
            tmp[1] = 'x';
            tmp[2] = hex[c >> 4];
            tmp[3] = hex[c & 15];
            n = 4;
        } else {
            tmp[0] = (char)c;
            n = 1;
        }
        if (o + n + 1 > dstlen)
            break;
        memcpy(dst + o, tmp, n);
        o += n;
    }
    dst[o] = '\0';
    return dst;
}

char *
util_escape(char *dst, size_t dstlen, const char *src, size_t maxlen)
{
    return util_escape_set(dst, dstlen, src, maxlen, NULL);
}

char *
util_escape_field(char *dst, size_t dstlen, const char *src, size_t maxlen)
{
    return util_escape_set(dst, dstlen, src, maxlen, UTIL_FIELD_SPECIALS);
}

int
util_port(const char *s)
{
    size_t n = strlen(s);
    long v = 0;
    size_t i;

    if (n == 0 || n > 5 || strspn(s, "0123456789") != n)
        return -1;
    for (i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v >= 1 && v <= UTIL_PORT_MAX ? (int)v : -1;
}

char *
util_errtok(char *buf, const char *s)
{
    return util_escape(buf, UTIL_ERR_TOKEN_SIZE, s, UTIL_ERR_TOKEN_MAX);
}

char *
util_errpath(char *buf, const char *s)
{
    return util_escape(buf, UTIL_ERR_PATH_SIZE, s, UTIL_ERR_PATH_MAX);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * util.h - small string helpers shared by the policy library: bounded copies, error buffers,
 * and the escaping that every untrusted string goes through before it may reach a log line.
 */
#ifndef RW_UTIL_H
#define RW_UTIL_H

#include <stddef.h>

/* Longest untrusted value written to one log field; longer ones are cut and marked "...". */
#define UTIL_LOG_FIELD_MAX 256

size_t util_strlcpy(char *dst, const char *src, size_t dstlen);
/*
 * util_join - the n names at(ctx, 0..n-1) joined by sep (by last before the final one, when
 * last is not NULL) into buf, cut to len. Returns buf. The hints of relaywarden -n are built
 * with it from the tables of conditions, actions, statements and options.
 */
char *util_join(char *buf, size_t len, const void *ctx, size_t n,
                const char *(*at)(const void *ctx, size_t i), const char *sep, const char *last);
void util_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void util_lower(char *s);
/* The most of one token of input an error message quotes: enough to recognise an item (a
 * domain label is at most 63 bytes), too little to carry a line of a file read by mistake.
 * Longer tokens are cut and marked "...". */
#define UTIL_ERR_TOKEN_MAX 64
/* The buffer util_errtok fills: every byte may become \xNN, then "..." and the NUL. */
#define UTIL_ERR_TOKEN_SIZE (UTIL_ERR_TOKEN_MAX * 4 + 4)
/* util_errtok - s as an error message may quote it: util_escape'd, at most UTIL_ERR_TOKEN_MAX
 * bytes of it. Returns buf (the caller's). UTIL_ERRTOK(s) does it in a buffer that lives to
 * the end of the enclosing block (a compound literal), for use inside util_errf's arguments. */
char *util_errtok(char *buf, const char *s);
#define UTIL_ERRTOK(s) util_errtok((char[UTIL_ERR_TOKEN_SIZE]){0}, (s))
/* Paths (a rules file, an include, a list file) in an error: escaped, this many bytes shown. */
#define UTIL_ERR_PATH_MAX 256
#define UTIL_ERR_PATH_SIZE (UTIL_ERR_PATH_MAX * 4 + 4)
char *util_errpath(char *buf, const char *s);
#define UTIL_ERRPATH(s) util_errpath((char[UTIL_ERR_PATH_SIZE]){0}, (s))
/* TCP and UDP ports are 16 bits; port 0 means "any" and cannot be connected to or named. */
#define UTIL_PORT_MAX 65535
/* util_port - s as a port number 1..UTIL_PORT_MAX: decimal digits only (no sign, no space, not
 * empty, at most 5 digits), or -1. */
int util_port(const char *s);
int util_strcaseeq(const char *a, const char *b);

/*
 * util_escape - copy src into dst so it is safe in a log line or a quoted key=value field:
 * control bytes, DEL, bytes >= 0x80, '"' and '\\' become \xNN / \" / \\. At most maxlen input
 * bytes are read; a longer input ends in "...". dst is always NUL-terminated. Returns dst.
 */
char *util_escape(char *dst, size_t dstlen, const char *src, size_t maxlen);

/* The bytes util_escape_field also escapes: what would end an unquoted key=value field or fake
 * the next one (white space, '<', '>', '=', '[', ']'). */
#define UTIL_FIELD_SPECIALS " <>=[]"
/* util_escape_field - util_escape for a field logged without quotes (from=<...>, auth=...):
 * also the bytes of UTIL_FIELD_SPECIALS become \xNN. */
char *util_escape_field(char *dst, size_t dstlen, const char *src, size_t maxlen);

#endif

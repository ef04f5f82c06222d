/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rdns.c - iprev verdicts and their headers. Names that came from DNS or from the MTA are
 * sanitized before they reach a header: a hostile PTR record may hold any bytes.
 */
#include "rdns.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void
rdns_sanitize_name(char *dst, size_t len, const char *src)
{
    size_t o = 0;

    if (len == 0)
        return;
    for (; src != NULL && *src && o + 1 < len && o < RDNS_NAME_MAX; src++) {
        unsigned char c = (unsigned char)*src;
        dst[o++] = (isalnum(c) || c == '.' || c == '-' || c == '_') ? (char)c : '?';
    }
    dst[o] = '\0';
    /* MTAs write an unresolved name as "[192.0.2.7]" or "unknown": not a name. */
    if (strcmp(dst, "unknown") == 0)
        dst[0] = '\0';
}

static void
rdns_set(struct rdns_result *r, enum rdns_verdict v, const char *source, const char *detail)
{
    r->verdict = v;
    r->source = source;
    util_strlcpy(r->detail, detail, sizeof(r->detail));
}

int
rdns_from_macros(const char *resolve, const char *ptr, const char *name, struct rdns_result *r)
{
    const char *src;

    memset(r, 0, sizeof(*r));
    if (resolve == NULL || resolve[0] == '\0')
        return -1;
    /* {client_name} is the forward-confirmed name; {client_ptr} the PTR name whether or not
     * it confirms (Sendmail and Postfix alike). A pass names the first, anything else the
     * second. */
    src = strcmp(resolve, "OK") == 0 && name != NULL && name[0] ? name : ptr;
    /* An MTA writes a client without a name as "[192.0.2.7]": that is no name at all. */
    if (src != NULL && src[0] != '[')
        rdns_sanitize_name(r->ptr, sizeof(r->ptr), src);
    if (strcmp(resolve, "OK") == 0) {
        rdns_set(r, RDNS_PASS, "mta", "");
    } else if (strcmp(resolve, "FORGED") == 0) {
        rdns_set(r, RDNS_UNVERIFIED, "mta", "does not resolve back");
    } else if (strcmp(resolve, "FAIL") == 0) {
        r->no_ptr = 1;
        r->ptr[0] = '\0';
        rdns_set(r, RDNS_UNVERIFIED, "mta", "no PTR record");
    } else if (strcmp(resolve, "TEMP") == 0) {
        r->ptr[0] = '\0';
        rdns_set(r, RDNS_FAILED, "mta", "temporary lookup failure");
    } else {
        return -1;
    }
    return 0;
}

void
rdns_from_lookup(enum rdns_status ptr_status, const char *ptr_name, enum rdns_status fwd_status,
                 int fwd_matches, struct rdns_result *r)
{
    memset(r, 0, sizeof(*r));
    switch (ptr_status) {
    case RDNS_NONE:
        r->no_ptr = 1;
        rdns_set(r, RDNS_UNVERIFIED, "dns", "no PTR record");
        return;
    case RDNS_SERVFAIL:
        rdns_set(r, RDNS_FAILED, "dns", "SERVFAIL");
        return;
    case RDNS_TIMEOUT:
        rdns_set(r, RDNS_TEMPERROR, "dns", "timeout");
        return;
    case RDNS_OK:
        break;
    }
    rdns_sanitize_name(r->ptr, sizeof(r->ptr), ptr_name);
    switch (fwd_status) {
    case RDNS_OK:
        if (fwd_matches)
            rdns_set(r, RDNS_PASS, "dns", "");
        else
            rdns_set(r, RDNS_UNVERIFIED, "dns", "does not resolve back");
        return;
    case RDNS_NONE:
        rdns_set(r, RDNS_UNVERIFIED, "dns", "has no address record");
        return;
    case RDNS_SERVFAIL:
        rdns_set(r, RDNS_FAILED, "dns", "SERVFAIL on the forward lookup");
        return;
    case RDNS_TIMEOUT:
        rdns_set(r, RDNS_TEMPERROR, "dns", "timeout on the forward lookup");
        return;
    }
}

int
rdns_parse_verdict(const char *word)
{
    if (strcmp(word, "pass") == 0)
        return RDNS_PASS;
    if (strcmp(word, "unverified") == 0)
        return RDNS_UNVERIFIED;
    if (strcmp(word, "failed") == 0)
        return RDNS_FAILED;
    if (strcmp(word, "temperror") == 0)
        return RDNS_TEMPERROR;
    return -1;
}

const char *
rdns_verdict_name(enum rdns_verdict v)
{
    switch (v) {
    case RDNS_PASS:
        return "pass";
    case RDNS_UNVERIFIED:
        return "unverified";
    case RDNS_FAILED:
        return "failed";
    case RDNS_TEMPERROR:
        return "temperror";
    case RDNS_UNKNOWN:
        break;
    }
    return "unknown";
}

/* A numeric address for a header: anything but hex digits, '.' and ':' becomes '?'. */
static void
rdns_sanitize_addr(char *dst, size_t len, const char *addr)
{
    util_strlcpy(dst, addr, len);
    for (char *p = dst; *p; p++)
        if (!isxdigit((unsigned char)*p) && *p != '.' && *p != ':')
            *p = '?';
}

void
rdns_format_stamp(const struct rdns_result *r, const char *addr, char *buf, size_t len)
{
    char a[64];

    rdns_sanitize_addr(a, sizeof(a), addr);
    switch (r->verdict) {
    case RDNS_PASS:
        snprintf(buf, len, "%s verified %s", a, r->ptr);
        break;
    case RDNS_UNVERIFIED:
        if (r->ptr[0] != '\0')
            snprintf(buf, len, "%s unverified (ptr=%s %s)", a, r->ptr, r->detail);
        else
            snprintf(buf, len, "%s unverified (%s)", a, r->detail);
        break;
    case RDNS_FAILED:
        snprintf(buf, len, "%s RDNS failed (%s)", a, r->detail);
        break;
    case RDNS_TEMPERROR:
        snprintf(buf, len, "%s RDNS failed (%s)", a, r->detail);
        break;
    case RDNS_UNKNOWN:
        snprintf(buf, len, "%s not checked", a);
        break;
    }
}

void
rdns_format_ar(const struct rdns_result *r, const char *authserv, const char *addr, char *buf,
               size_t len)
{
    const char *res = "none";
    char a[64], id[RDNS_NAME_MAX + 1];

    rdns_sanitize_addr(a, sizeof(a), addr);
    rdns_sanitize_name(id, sizeof(id), authserv);
    /* RFC 8601 2.7.3: pass; fail when the names were found but are unrelated or the forward
     * name has no address; permerror for a permanent failure such as no PTR at all;
     * temperror for a transient one (SERVFAIL, timeout). */
    switch (r->verdict) {
    case RDNS_PASS:
        res = "pass";
        break;
    case RDNS_UNVERIFIED:
        res = r->no_ptr ? "permerror" : "fail";
        break;
    case RDNS_FAILED:
    case RDNS_TEMPERROR:
        res = "temperror";
        break;
    case RDNS_UNKNOWN:
        res = "none";
        break;
    }
    if (r->ptr[0] != '\0')
        snprintf(buf, len, "%s; iprev=%s smtp.remote-ip=%s policy.iprev=%s (%s%s%s)", id, res, a, a,
                 r->ptr, r->detail[0] ? " " : "", r->detail);
    else
        snprintf(buf, len, "%s; iprev=%s smtp.remote-ip=%s policy.iprev=%s%s%s%s", id, res, a, a,
                 r->detail[0] ? " (" : "", r->detail, r->detail[0] ? ")" : "");
}

int
rdns_ar_is_ours(const char *value, const char *authserv)
{
    const char *p = value, *end;
    size_t n;
    int depth;

    /* authserv-id = value, after optional CFWS; it ends at CFWS, ';' or the end. */
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (*p != '(')
            break;
        for (depth = 0; *p; p++) {
            if (*p == '(')
                depth++;
            else if (*p == ')' && --depth == 0) {
                p++;
                break;
            }
        }
    }
    for (end = p; *end && *end != ';' && *end != ' ' && *end != '\t' && *end != '(' &&
                  *end != '\r' && *end != '\n';
         end++)
        ;
    n = (size_t)(end - p);
    if (n > 1 && p[0] == '"' && p[n - 1] == '"') {
        p++;
        n -= 2;
    }
    return n == strlen(authserv) && strncasecmp(p, authserv, n) == 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rdns.c - iprev verdicts and their headers. Names that came from DNS or from the MTA are
 * sanitized before they reach a header: a hostile PTR record may hold any bytes.
 *
 * Fixed buffers that hold bytes from DNS or the MTA, and why none can overflow or be cut into
 * something else: struct rdns_result's ptr is filled only by rdns_sanitize_name, which writes
 * at most its length and marks a cut with "..." (no valid name ends so); detail holds only our
 * words and numbers (RDNS_DETAIL_MAX fits the longest); the address copies (RDNS_ADDR_MAX)
 * write "?" for anything longer; the authserv-id copy goes through rdns_sanitize_name; the
 * header texts are snprintf'd and refused (-1) if they do not fit.
 */
#include "rdns.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* ASCII letters and digits, whatever the locale says. */
static int
rdns_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

void
rdns_sanitize_name(char *dst, size_t len, const char *src)
{
    size_t n, keep, o;
    int cut = 0;

    if (len == 0)
        return;
    if (src == NULL)
        src = "";
    keep = len - 1 < RDNS_NAME_MAX ? len - 1 : RDNS_NAME_MAX;
    n = strnlen(src, keep + 1);
    if (n > keep) {
        if (keep < 3) {
            dst[0] = '\0';
            return;
        }
        n = keep - 3;
        cut = 1;
    }
    for (o = 0; o < n; o++) {
        unsigned char c = (unsigned char)src[o];
        dst[o] = (rdns_alnum(c) || c == '.' || c == '-' || c == '_') ? (char)c : '?';
    }
    if (cut) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
    /* MTAs write an unresolved name as "[192.0.2.7]" or "unknown": not a name. */
    if (strcmp(dst, "unknown") == 0)
        dst[0] = '\0';
}

int
rdns_name_is_host(const char *name)
{
    size_t len, i, label = 0;
    int digits = 1; /* the label so far is all digits */

    if (name == NULL)
        return 0;
    len = strnlen(name, RDNS_NAME_MAX + 1);
    if (len == 0 || len > RDNS_NAME_MAX)
        return 0;
    for (i = 0; i <= len; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c == '.' || c == '\0') {
            /* RFC 1035 2.3.4: labels of 1-63 octets; RFC 952: no '-' at either end. */
            if (label == 0 || label > 63 || name[i - 1] == '-')
                return 0;
            if (c == '\0')
                return !digits; /* "192.0.2.7" is an address, not a name */
            label = 0;
            digits = 1;
            continue;
        }
        if (!rdns_alnum(c) && c != '-' && c != '_')
            return 0;
        if (label == 0 && c == '-')
            return 0;
        if (c < '0' || c > '9')
            digits = 0;
        label++;
    }
    return 0;
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
rdns_from_lookups(enum rdns_status ptr_status, const struct rdns_fwd *names, int n,
                  struct rdns_result *r)
{
    int m = n < RDNS_PTR_MAX ? n : RDNS_PTR_MAX, i;
    const char *what;

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
    if (names == NULL || n <= 0) {
        r->no_ptr = 1;
        rdns_set(r, RDNS_UNVERIFIED, "dns", "no PTR record");
        return;
    }
    /* Any name that confirms is enough (RFC 8601 2.7.3). */
    for (i = 0; i < m; i++) {
        if (names[i].status == RDNS_OK && names[i].matched && rdns_name_is_host(names[i].name)) {
            rdns_sanitize_name(r->ptr, sizeof(r->ptr), names[i].name);
            rdns_set(r, RDNS_PASS, "dns", "");
            return;
        }
    }
    /* None did; one that could not be checked might have. */
    for (i = 0; i < m; i++) {
        const struct rdns_fwd *f = &names[i];
        if ((f->status != RDNS_SERVFAIL && f->status != RDNS_TIMEOUT) ||
            !rdns_name_is_host(f->name))
            continue;
        rdns_sanitize_name(r->ptr, sizeof(r->ptr), f->name);
        r->verdict = f->status == RDNS_TIMEOUT ? RDNS_TEMPERROR : RDNS_FAILED;
        r->source = "dns";
        snprintf(r->detail, sizeof(r->detail), "%s on the forward lookup",
                 f->why != NULL              ? f->why
                 : f->status == RDNS_TIMEOUT ? "timeout"
                                             : "SERVFAIL");
        return;
    }
    rdns_sanitize_name(r->ptr, sizeof(r->ptr), names[0].name);
    what = !rdns_name_is_host(names[0].name) ? "is not a host name"
           : names[0].status == RDNS_NONE    ? "has no address record"
                                             : "does not resolve back";
    r->verdict = RDNS_UNVERIFIED;
    r->source = "dns";
    if (n > RDNS_PTR_MAX)
        snprintf(r->detail, sizeof(r->detail),
                 "%s; none of the first %d PTR names resolves back, the rest were not checked",
                 what, RDNS_PTR_MAX);
    else if (n > 1)
        snprintf(r->detail, sizeof(r->detail), "%s; none of %d PTR names resolves back", what, n);
    else
        util_strlcpy(r->detail, what, sizeof(r->detail));
}

void
rdns_from_lookup(enum rdns_status ptr_status, const char *ptr_name, enum rdns_status fwd_status,
                 int fwd_matches, struct rdns_result *r)
{
    struct rdns_fwd f;

    f.name = ptr_name;
    f.status = fwd_status;
    f.matched = fwd_matches;
    f.why = NULL;
    rdns_from_lookups(ptr_status, &f, ptr_name != NULL && ptr_name[0] != '\0' ? 1 : 0, r);
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

/*
 * A numeric address for a header: anything but hex digits, '.' and ':' becomes '?'. The
 * callers' buffers hold RDNS_ADDR_MAX + 1 bytes; an "address" longer than that is no address
 * and is written as "?" rather than cut.
 */
#define RDNS_ADDR_MAX 63 /* INET6_ADDRSTRLEN is 46 */
static void
rdns_sanitize_addr(char *dst, size_t len, const char *addr)
{
    if (util_strlcpy(dst, addr != NULL ? addr : "", len) >= len)
        util_strlcpy(dst, "?", len);
    for (char *p = dst; *p; p++)
        if (!isxdigit((unsigned char)*p) && *p != '.' && *p != ':')
            *p = '?';
}

/* snprintf's result: 0, or -1 (and "" in buf) if the text did not fit. */
static int
rdns_fitted(int n, char *buf, size_t len)
{
    if (n < 0 || (size_t)n >= len) {
        if (len > 0)
            buf[0] = '\0';
        return -1;
    }
    return 0;
}

int
rdns_format_stamp(const struct rdns_result *r, const char *addr, char *buf, size_t len)
{
    char a[RDNS_ADDR_MAX + 1];
    int n = -1;

    rdns_sanitize_addr(a, sizeof(a), addr);
    switch (r->verdict) {
    case RDNS_PASS:
        n = snprintf(buf, len, "%s verified %s", a, r->ptr);
        break;
    case RDNS_UNVERIFIED:
        if (r->ptr[0] != '\0')
            n = snprintf(buf, len, "%s unverified (ptr=%s %s)", a, r->ptr, r->detail);
        else
            n = snprintf(buf, len, "%s unverified (%s)", a, r->detail);
        break;
    case RDNS_FAILED:
    case RDNS_TEMPERROR:
        n = snprintf(buf, len, "%s RDNS failed (%s)", a, r->detail);
        break;
    case RDNS_UNKNOWN:
        n = snprintf(buf, len, "%s not checked", a);
        break;
    }
    return rdns_fitted(n, buf, len);
}

int
rdns_format_ar(const struct rdns_result *r, const char *authserv, const char *addr, char *buf,
               size_t len)
{
    const char *res = "none";
    char a[RDNS_ADDR_MAX + 1], id[RDNS_NAME_MAX + 1];
    int n;

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
        n = snprintf(buf, len, "%s; iprev=%s smtp.remote-ip=%s policy.iprev=%s (%s%s%s)", id, res,
                     a, a, r->ptr, r->detail[0] ? " " : "", r->detail);
    else
        n = snprintf(buf, len, "%s; iprev=%s smtp.remote-ip=%s policy.iprev=%s%s%s%s", id, res, a,
                     a, r->detail[0] ? " (" : "", r->detail, r->detail[0] ? ")" : "");
    return rdns_fitted(n, buf, len);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addr.c - RFC 5321 Path / Mailbox parser that records every routing hop an address names.
 *
 * The grammar (RFC 5321 section 4.1.2):
 *   Path = "<" [ A-d-l ":" ] Mailbox ">"        A-d-l = At-domain *( "," At-domain )
 *   Mailbox = Local-part "@" ( Domain / address-literal )
 *   Local-part = Dot-string / Quoted-string
 * plus the unqualified forms MTAs accept at RCPT ("postmaster", "host!user", "user%host").
 */
#include "addr.h"
#include "util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

/* RFC 5322 atext: the characters allowed in an unquoted local part. */
static int
addr_atext(int c)
{
    return isalnum(c) || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static int
addr_label_valid(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
        return 0;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-')
            return 0;
    return 1;
}

static int
addr_literal_valid(const char *s)
{
    size_t n = strlen(s);
    char buf[ADDR_DOMAIN_MAX + 1];
    unsigned char bin[16];

    if (n < 3 || s[0] != '[' || s[n - 1] != ']' || n - 2 >= sizeof(buf))
        return 0;
    memcpy(buf, s + 1, n - 2);
    buf[n - 2] = '\0';
    if (strncasecmp(buf, "IPv6:", 5) == 0)
        return inet_pton(AF_INET6, buf + 5, bin) == 1;
    return inet_pton(AF_INET, buf, bin) == 1;
}

int
addr_domain_valid(const char *s)
{
    const char *dot;
    size_t n = strlen(s);

    if (n == 0 || n > ADDR_DOMAIN_MAX)
        return 0;
    if (s[0] == '[')
        return addr_literal_valid(s);
    for (;;) {
        dot = strchr(s, '.');
        if (!addr_label_valid(s, dot ? (size_t)(dot - s) : strlen(s)))
            return 0;
        if (dot == NULL)
            return 1;
        s = dot + 1;
    }
}

/* Adds a hop (lower-cased, one trailing dot dropped). Past ADDR_HOPS_MAX the address is marked
 * so that it can never count as ours. */
static void
addr_add_hop(struct addr *a, const char *h, size_t n)
{
    char *dst;

    if (a->nhops == ADDR_HOPS_MAX) {
        a->flags |= ADDR_F_HOPS_OVERFLOW;
        return;
    }
    dst = a->hops[a->nhops++];
    if (n > ADDR_DOMAIN_MAX)
        n = ADDR_DOMAIN_MAX;
    memcpy(dst, h, n);
    dst[n] = '\0';
    if (n > 1 && dst[n - 1] == '.')
        dst[n - 1] = '\0';
    util_lower(dst);
}

/*
 * Hosts hidden in a local part. With only '%' or '@' the user comes first and every later
 * segment is a host (u%h2%h1: h1 is reached first, then h2). With only '!' the user comes last.
 * A mix of both has no single reading (sendmail and Postfix disagree), so every segment is
 * taken as a possible host: such an address can then never prove it stays with us.
 */
static void
addr_local_hops(struct addr *a)
{
    const char *s = a->local, *p;
    int pct = strpbrk(s, "%@") != NULL, bang = strchr(s, '!') != NULL;

    if (strchr(s, '%'))
        a->flags |= ADDR_F_PERCENT;
    if (bang)
        a->flags |= ADDR_F_BANG;
    if (!pct && !bang)
        return;
    for (p = s;; p++) {
        if (*p == '\0' || *p == '%' || *p == '@' || *p == '!') {
            int first = s == a->local, last = *p == '\0';
            int host = (pct && bang) || (pct && !first) || (bang && !last);

            if (host)
                addr_add_hop(a, s, (size_t)(p - s));
            if (last)
                break;
            s = p + 1;
        }
    }
}

/* Parses a domain or literal starting at s, ending at one of the bytes in stop; returns the
 * length consumed or 0. */
static size_t
addr_scan_domain(const char *s, const char *stop)
{
    size_t n = 0;

    if (s[0] == '[') {
        const char *e = strchr(s, ']');
        return e ? (size_t)(e - s) + 1 : 0;
    }
    while (s[n] != '\0' && strchr(stop, s[n]) == NULL)
        n++;
    return n;
}

static int
addr_fail(char *err, size_t errlen, const char *what)
{
    util_errf(err, errlen, "%s", what);
    return -1;
}

int
addr_parse(const char *in, enum addr_mode mode, struct addr *a, char *err, size_t errlen)
{
    const char *p = in, *end;
    size_t len, n, lo = 0, rlen = 0;
    char domain[ADDR_DOMAIN_MAX + 2], path[ADDR_PATH_MAX + 1];

    memset(a, 0, offsetof(struct addr, hops));
    while (*p == ' ')
        p++;
    len = strlen(p);
    while (len > 0 && p[len - 1] == ' ')
        len--;
    if (len >= 2 && p[0] == '<' && p[len - 1] == '>') {
        p++;
        len -= 2;
        /* "< >" is the null sender to Postfix too */
        while (len > 0 && p[0] == ' ')
            p++, len--;
        while (len > 0 && p[len - 1] == ' ')
            len--;
    } else if (len > 0 && (p[0] == '<' || p[len - 1] == '>')) {
        return addr_fail(err, errlen, "unbalanced angle brackets");
    }
    if (len == 0) {
        a->flags = ADDR_F_NULL;
        return 0;
    }
    if (len > ADDR_PATH_MAX)
        return addr_fail(err, errlen, "address longer than 256 octets (RFC 5321 4.5.3.1.3)");
    /* Work on a NUL-terminated copy of what is inside the brackets. */
    memcpy(path, p, len);
    path[len] = '\0';
    p = path;
    end = p + len;

    /* Source route: @a,@b:mailbox. The hops are kept: whether an MTA honours or strips it, the
     * address is ours only if all of them are. */
    if (*p == '@') {
        const char *colon = memchr(p, ':', len);
        if (colon == NULL)
            return addr_fail(err, errlen, "source route without ':'");
        a->flags |= ADDR_F_SOURCE_ROUTE;
        while (p < colon) {
            if (*p != '@')
                return addr_fail(err, errlen, "bad source route");
            p++;
            n = 0;
            while (p + n < colon && p[n] != ',')
                n++;
            if (n == 0 || n > ADDR_DOMAIN_MAX)
                return addr_fail(err, errlen, "bad source route domain");
            memcpy(domain, p, n);
            domain[n] = '\0';
            if (!addr_domain_valid(domain))
                return addr_fail(err, errlen, "bad source route domain");
            addr_add_hop(a, p, n);
            p += n;
            if (*p == ',')
                p++;
        }
        p = colon + 1;
        rlen = (size_t)(p - path);
    }

    /* Local part. */
    if (*p == '"') {
        a->flags |= ADDR_F_QUOTED;
        for (p++; p < end && *p != '"'; p++) {
            unsigned char c = (unsigned char)*p;
            if (c == '\\') {
                if (++p == end)
                    return addr_fail(err, errlen, "unterminated quoted local part");
                c = (unsigned char)*p;
            }
            if (c >= 0x80)
                return addr_fail(err, errlen, "8-bit byte in quoted local part");
            if (c < 32 || c == 127)
                return addr_fail(err, errlen, "control character in quoted local part");
            if (lo >= ADDR_PATH_MAX)
                return addr_fail(err, errlen, "local part too long");
            a->local[lo++] = (char)c;
        }
        if (p == end)
            return addr_fail(err, errlen, "unterminated quoted local part");
        p++;
        if (strchr(a->local, '@'))
            a->flags |= ADDR_F_QUOTED_AT;
    } else {
        const char *s = p;
        while (p < end && *p != '@') {
            if (*p == '.' && (p == s || p[-1] == '.' || p + 1 == end || p[1] == '@'))
                return addr_fail(err, errlen, "empty label in local part");
            if ((unsigned char)*p >= 0x80)
                return addr_fail(err, errlen, "8-bit byte in local part");
            if (*p != '.' && !addr_atext((unsigned char)*p))
                return addr_fail(err, errlen, "invalid character in local part");
            a->local[lo++] = *p++;
        }
        if (lo == 0)
            return addr_fail(err, errlen, "empty local part");
    }
    a->local[lo] = '\0';
    if (mode == ADDR_RCPT && lo > ADDR_LOCAL_MAX)
        return addr_fail(err, errlen, "local part longer than 64 octets (RFC 5321 4.5.3.1.1)");

    if (p == end) {
        if (a->flags & ADDR_F_SOURCE_ROUTE)
            return addr_fail(err, errlen, "source route without a mailbox domain");
        a->flags |= ADDR_F_UNQUALIFIED;
    } else {
        if (*p++ != '@')
            return addr_fail(err, errlen, "text after quoted local part");
        n = addr_scan_domain(p, "");
        if (p + n != end)
            return addr_fail(err, errlen, "text after address literal");
        if (n == 0 || n > ADDR_DOMAIN_MAX)
            return addr_fail(err, errlen, n ? "domain longer than 255 octets" : "empty domain");
        memcpy(domain, p, n);
        domain[n] = '\0';
        if (domain[0] != '[' && n > 1 && domain[n - 1] == '.') {
            a->flags |= ADDR_F_TRAILING_DOT;
            domain[--n] = '\0';
        }
        if (strchr(domain, '@'))
            return addr_fail(err, errlen, "more than one '@' outside quotes");
        if (!addr_domain_valid(domain)) {
            for (n = 0; domain[n] != '\0' && (unsigned char)domain[n] < 0x80; n++)
                ;
            return addr_fail(err, errlen, domain[n] ? "8-bit byte in domain" : "invalid domain");
        }
        if (domain[0] == '[')
            a->flags |= ADDR_F_LITERAL;
        util_lower(domain);
        util_strlcpy(a->domain, domain, sizeof(a->domain));
    }

    /* The final domain goes first, then whatever the local part routes through. */
    if (a->domain[0] != '\0') {
        char route[ADDR_HOPS_MAX][ADDR_DOMAIN_MAX + 1];
        int nroute = a->nhops, i;

        memcpy(route, a->hops, sizeof(route[0]) * (size_t)nroute);
        a->nhops = 0;
        addr_add_hop(a, a->domain, strlen(a->domain));
        for (i = 0; i < nroute; i++)
            addr_add_hop(a, route[i], strlen(route[i]));
    }
    addr_local_hops(a);

    /* The logged text keeps the source route: the log must show what the client sent. */
    {
        size_t o = rlen, i;
        memcpy(a->text, path, rlen);
        if (a->flags & ADDR_F_QUOTED) {
            a->text[o++] = '"';
            for (i = 0; a->local[i]; i++) {
                if (a->local[i] == '"' || a->local[i] == '\\')
                    a->text[o++] = '\\';
                a->text[o++] = a->local[i];
            }
            a->text[o++] = '"';
        } else {
            memcpy(a->text + o, a->local, lo);
            o += lo;
        }
        if (a->domain[0] != '\0') {
            /* route + local part + '@' + domain never pass the path's length, doubled */
            a->text[o++] = '@';
            memcpy(a->text + o, a->domain, strlen(a->domain));
            o += strlen(a->domain);
        }
        a->text[o] = '\0';
    }
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parse_listener.c - the listener and rdns statements of the rules language:
 *     listener NAME daemon "NAME" [policy NAME] [default] [stamp [unauthenticated]]
 *              [authserv-id "HOST"] [rdns-header "X-NAME"]
 *     rdns resolver "IP[:PORT]" timeout SECONDS cache SECONDS lookup fallback|always|never
 * and the checks on the header names and resolver addresses they take.
 */
#include "parse.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The longest rdns timeout: the lookup runs at connect while the MTA waits on relaywarden,
 * and Postfix gives up after milter_command_timeout (30 s by default). */
#define PARSE_RDNS_TIMEOUT_MAX 25

/* The options of a listener and of rdns, as the -n hints list them. */
static const char *const listener_options[] = {
    "daemon \"NAME\"",       "policy NAME",       "default", "stamp [unauthenticated]",
    "authserv-id \"HOST\"", "rdns-header \"NAME\"",
    "geoip-stamp [\"X-NAME\"]", /* geoip */
};
static const char *const rdns_options[] = {
    "resolver \"IP[:PORT]\"",
    "timeout SECONDS",
    "cache SECONDS",
    "lookup fallback|always|never",
};
#define PARSE_NOPTIONS(a) (sizeof(a) / sizeof((a)[0]))

static int parse_header_token(const char *s, int host);

static const char *
parse_name_at(const void *ctx, size_t i)
{
    return ((const char *const *)ctx)[i];
}

/* "a, b, c" from a table of option names, into buf. Returns buf. */
static const char *
parse_hint(const char *const *names, size_t n, const char *sep, char *buf, size_t len)
{
    return util_join(buf, len, names, n, parse_name_at, sep, NULL);
}

void
parse_listener(struct parser *p)
{
    int line = p->tok.line;
    struct listener *l, *n;
    char hint[256];
    size_t i;

    parse_next(p);
    if (p->tok.type != T_WORD || !parse_valid_name(p->tok.text)) {
        parse_err(p, line, "listener needs a name, got %s", parse_desc(p));
        parse_skip_line(p);
        return;
    }
    for (i = 0; i < p->rs->nlisteners; i++)
        if (strcmp(p->rs->listeners[i].name, p->tok.text) == 0) {
            parse_err(p, line, "listener \"%s\" is already defined at %s:%d", p->tok.text,
                      UTIL_ERRPATH(p->rs->listeners[i].file), p->rs->listeners[i].line);
            parse_skip_line(p);
            return;
        }
    n = realloc(p->rs->listeners, (p->rs->nlisteners + 1) * sizeof(*n));
    if (n == NULL) {
        parse_err(p, line, "out of memory");
        parse_skip_line(p);
        return;
    }
    p->rs->listeners = n;
    l = &n[p->rs->nlisteners++];
    memset(l, 0, sizeof(*l));
    l->file = p->file;
    l->line = line;
    if ((l->name = strdup(p->tok.text)) == NULL || (l->policy_name = strdup(p->tok.text)) == NULL)
        goto oom;
    for (;;) {
        int dflt = 0;
        parse_next(p);
        if (p->tok.type == T_NL || p->tok.type == T_EOF)
            break;
        switch (parse_kw(&p->tok)) {
        case KW_DAEMON:
        case KW_POLICY:
            dflt = parse_kw(&p->tok) == KW_DAEMON;
            parse_next(p);
            if ((dflt && p->tok.type != T_STRING) || (!dflt && p->tok.type != T_WORD)) {
                parse_err(p, line, "listener \"%s\": %s needs %s, got %s", l->name,
                          dflt ? "daemon" : "policy", dflt ? "a quoted {daemon_name}" : "a name",
                          parse_desc(p));
                parse_skip_line(p);
                return;
            }
            if (dflt) {
                free(l->daemon);
                if ((l->daemon = strdup(p->tok.text)) == NULL)
                    goto oom;
            } else {
                free(l->policy_name);
                if ((l->policy_name = strdup(p->tok.text)) == NULL)
                    goto oom;
            }
            break;
        case KW_STAMP:
            l->stamp = STAMP_ALL;
            parse_next(p);
            if (parse_kw(&p->tok) == KW_UNAUTHENTICATED)
                l->stamp = STAMP_UNAUTHENTICATED;
            else
                p->pushed_back = 1;
            break;
        case KW_AUTHSERV_ID:
        case KW_RDNS_HEADER: {
            int is_id = parse_kw(&p->tok) == KW_AUTHSERV_ID;
            char **dst = is_id ? &l->authserv_id : &l->rdns_header;
            parse_next(p);
            if (p->tok.type == T_STRING && !is_id &&
                (strncasecmp(p->tok.text, "X-", 2) != 0 || p->tok.text[2] == '\0' ||
                 parse_header_reserved(p->tok.text))) {
                parse_err(p, line,
                          "listener \"%s\": rdns-header \"%s\" must be an X- name: every client "
                          "header of that name is removed",
                          l->name, UTIL_ERRTOK(p->tok.text));
                parse_skip_line(p);
                return;
            }
            if (p->tok.type != T_STRING || !parse_header_token(p->tok.text, is_id)) {
                parse_err(p, line, "listener \"%s\": %s needs a quoted %s, got %s", l->name,
                          is_id ? "authserv-id" : "rdns-header",
                          is_id ? "host name" : "header field name", parse_desc(p));
                parse_skip_line(p);
                return;
            }
            free(*dst);
            if ((*dst = strdup(p->tok.text)) == NULL)
                goto oom;
            break;
        }
        case KW_DEFAULT:
            for (i = 0; i + 1 < p->rs->nlisteners; i++)
                if (p->rs->listeners[i].is_default)
                    parse_err(p, line,
                              "listener \"%s\": the default listener is already \"%s\" (%s:%d)",
                              l->name, p->rs->listeners[i].name,
                              UTIL_ERRPATH(p->rs->listeners[i].file), p->rs->listeners[i].line);
            l->is_default = 1;
            break;
        default:
            if (parse_geoip_option(p, l)) /* geoip */
                break;
            parse_err(p, line, "listener \"%s\": unexpected %s (%s)", l->name, parse_desc(p),
                      parse_hint(listener_options, PARSE_NOPTIONS(listener_options), ", ", hint,
                                 sizeof(hint)));
            parse_skip_line(p);
            return;
        }
    }
    if (l->daemon == NULL && !l->is_default)
        parse_err(p, line, "listener \"%s\" needs daemon \"NAME\" or default", l->name);
    return;
oom:
    parse_err(p, line, "out of memory");
    parse_skip_line(p);
}

/* Header names a stamp may not take: a stamping listener removes every client header named
 * like its stamp, which must never cost a message its From: or its trace. */
int
parse_header_reserved(const char *name)
{
    static const char *const reserved[] = {
        "Authentication-Results", "ARC-Authentication-Results", "ARC-Message-Signature",
        "ARC-Seal", "Bcc", "Cc", "Content-Transfer-Encoding", "Content-Type", "Date",
        "DKIM-Signature", "From", "In-Reply-To", "Message-ID", "MIME-Version", "Received",
        "Received-SPF", "References", "Reply-To", "Resent-Date", "Resent-From", "Resent-Sender",
        "Resent-To", "Return-Path", "Sender", "Subject", "To",
    };
    size_t i;

    for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if (strcasecmp(name, reserved[i]) == 0)
            return 1;
    return 0;
}

/* A header field name (RFC 5322 ftext) or, for an authserv-id, a host name. */
static int
parse_header_token(const char *s, int host)
{
    if (*s == '\0' || strlen(s) > 64)
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (host ? !(isalnum(c) || c == '.' || c == '-' || c == '_')
                 : (c < 33 || c > 126 || c == ':'))
            return 0;
    }
    return 1;
}

/* "IPv4", "IPv4:port", "IPv6" or "[IPv6]:port", port 1-65535: 0, or -1. c-ares reads the
 * same forms. */
static int
parse_resolver(const char *s)
{
    struct netaddr a;
    char host[64];
    const char *port = NULL;
    size_t n;

    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (close == NULL || close[1] != ':' || (n = (size_t)(close - s - 1)) >= sizeof(host))
            return -1;
        memcpy(host, s + 1, n);
        host[n] = '\0';
        port = close + 2;
        if (strchr(host, ':') == NULL) /* brackets are for IPv6 */
            return -1;
    } else {
        const char *colon = strchr(s, ':');
        if (util_strlcpy(host, s, sizeof(host)) >= sizeof(host))
            return -1;
        if (colon != NULL && strchr(colon + 1, ':') == NULL) { /* IPv4:port */
            host[colon - s] = '\0';
            port = colon + 1;
        }
    }
    if (netaddr_parse(host, &a) == -1)
        return -1;
    if (port != NULL) {
        char *end;
        long v;
        if (strspn(port, "0123456789") != strlen(port)) /* no sign, no space */
            return -1;
        v = strtol(port, &end, 10);
        if (*port == '\0' || *end != '\0' || v < 1 || v > 65535)
            return -1;
    }
    return 0;
}

/* rdns resolver "IP[:PORT]" | timeout SECONDS | cache SECONDS | lookup fallback|always|never,
 * once in all the rules files. */
void
parse_rdns(struct parser *p)
{
    int line = p->tok.line, any = 0;
    char *end, hint[256];
    long v;

    if (p->rdns_file != NULL) {
        parse_err(p, line, "rdns is already set at %s:%d: give all its settings on one line",
                  UTIL_ERRPATH(p->rdns_file), p->rdns_line);
        parse_skip_line(p);
        return;
    }
    p->rdns_file = p->file;
    p->rdns_line = line;

    unsigned seen = 0;

    for (;;) {
        enum kw k;
        parse_next(p);
        if (p->tok.type == T_NL || p->tok.type == T_EOF)
            break;
        k = parse_kw(&p->tok);
        if ((k == KW_RESOLVER || k == KW_TIMEOUT || k == KW_CACHE || k == KW_LOOKUP) &&
            (seen & (1u << k))) {
            parse_err(p, line, "rdns: %s is given twice", UTIL_ERRTOK(p->tok.text));
            parse_skip_line(p);
            return;
        }
        if (k >= 0 && k < 32)
            seen |= 1u << k;
        if (k == KW_RESOLVER) {
            parse_next(p);
            if (p->tok.type != T_STRING || parse_resolver(p->tok.text) == -1) {
                parse_err(p, line,
                          "rdns resolver needs a quoted \"IPv4[:port]\", \"IPv6\" or "
                          "\"[IPv6]:port\" (port 1-65535), got %s",
                          parse_desc(p));
                parse_skip_line(p);
                return;
            }
            util_strlcpy(p->rs->rdns_server, p->tok.text, sizeof(p->rs->rdns_server));
        } else if (k == KW_TIMEOUT || k == KW_CACHE) {
            parse_next(p);
            v = strtol(p->tok.text, &end, 10);
            if (p->tok.type != T_WORD || *end != '\0' || v < (k == KW_TIMEOUT) ||
                v > (k == KW_TIMEOUT ? PARSE_RDNS_TIMEOUT_MAX : 86400)) {
                parse_err(p, line, "rdns %s needs seconds (%s-%d), got %s%s",
                          k == KW_TIMEOUT ? "timeout" : "cache", k == KW_TIMEOUT ? "1" : "0",
                          k == KW_TIMEOUT ? PARSE_RDNS_TIMEOUT_MAX : 86400, parse_desc(p),
                          k == KW_TIMEOUT ? " (the lookup runs while the MTA waits on "
                                            "relaywarden: Postfix's milter_command_timeout is 30 s)"
                                          : "");
                parse_skip_line(p);
                return;
            }
            if (k == KW_TIMEOUT)
                p->rs->rdns_timeout_ms = (int)v * 1000;
            else
                p->rs->rdns_cache_secs = (int)v;
        } else if (k == KW_LOOKUP) {
            parse_next(p);
            switch (parse_kw(&p->tok)) {
            case KW_FALLBACK:
                p->rs->rdns_lookup = RDNS_LOOKUP_FALLBACK;
                break;
            case KW_ALWAYS:
                p->rs->rdns_lookup = RDNS_LOOKUP_ALWAYS;
                break;
            case KW_NEVER:
                p->rs->rdns_lookup = RDNS_LOOKUP_NEVER;
                break;
            default:
                parse_err(p, line, "rdns lookup takes fallback, always or never, got %s",
                          parse_desc(p));
                parse_skip_line(p);
                return;
            }
        } else {
            parse_err(p, line, "rdns: unexpected %s (%s)", parse_desc(p),
                      parse_hint(rdns_options, PARSE_NOPTIONS(rdns_options), ", ", hint,
                                 sizeof(hint)));
            parse_skip_line(p);
            return;
        }
        any = 1;
    }
    if (!any)
        parse_err(p, line, "rdns needs a setting (%s)",
                  parse_hint(rdns_options, PARSE_NOPTIONS(rdns_options), ", ", hint, sizeof(hint)));
}


/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * liveaudit.c - the live relay audit: one SMTP session per test against the admin's own MTA,
 * judged at RCPT (a 2xx there is a relay) or, with --data, after the end of data (a milter may
 * refuse only then). No message reaches anyone unless --data is given: each session ends with
 * RSET and QUIT before DATA. With --data the marker message is sent to the foreign domain the
 * admin named, which must lead to a sink of theirs. Replies are read by smtpreply.c.
 */
#include "liveaudit.h"
#include "addr.h"
#include "smtpreply.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Seconds to wait for a connection or a reply by default: RFC 5321 4.5.3.2 allows a server
 * minutes, but an MTA that is being audited by its own admin answers in well under this. */
#define LIVEAUDIT_TIMEOUT_DEFAULT 30
#define LIVEAUDIT_TIMEOUT_MAX 600
/* A command we send: RFC 5321 4.5.3.1.4 allows 512 octets with the CRLF. */
#define LIVEAUDIT_CMD_MAX 512

struct la_opts {
    char host[256];
    char port[8];
    const char *domain;  /* ours */
    const char *foreign; /* a domain that is not ours */
    const char *helo;
    int data; /* judge after the end of data: the marker is sent */
    int timeout_ms;
};

struct la_conn {
    int fd;
    int timeout_ms;
    char buf[SMTPREPLY_MAX + SMTPREPLY_LINE_MAX]; /* one reply at its longest, and the next line */
    size_t len;
    char ip[INET6_ADDRSTRLEN + 8]; /* the server's address as an address literal */
    char why[256];
};

/* One test: MAIL FROM and RCPT TO with placeholders: D our domain, F the foreign one, I the
 * server's address literal ("[192.0.2.1]"). */
struct la_test {
    const char *from;
    const char *to;
    const char *what;
};

static const struct la_test la_tests[] = {
    /* nmap's smtp-open-relay, in its order */
    {"<>", "<relaytest@F>", "nmap 1: null sender"},
    {"<antispam@F>", "<relaytest@F>", "nmap 2: foreign sender"},
    {"<antispam@D>", "<relaytest@F>", "nmap 3: our domain as sender"},
    {"<antispam@I>", "<relaytest@F>", "nmap 4: the server's address as sender"},
    {"<antispam@I>", "<relaytest%F@I>", "nmap 5: %-hack at the server's address"},
    {"<antispam@I>", "<relaytest%F@D>", "nmap 6: %-hack at our domain"},
    {"<antispam@I>", "<\"relaytest@F\">", "nmap 7: quoted address"},
    {"<antispam@I>", "<\"relaytest%F\">", "nmap 8: quoted %-hack"},
    {"<antispam@I>", "<relaytest@F@I>", "nmap 9: two @, the server's address last"},
    {"<antispam@I>", "<\"relaytest@F\"@I>", "nmap 10: quoted @ at the server's address"},
    {"<antispam@I>", "<relaytest@F@D>", "nmap 11: two @, our domain last"},
    {"<antispam@I>", "<@I:relaytest@F>", "nmap 12: source route through the server"},
    {"<antispam@I>", "<@D:relaytest@F>", "nmap 13: source route through our domain"},
    {"<antispam@I>", "<F!relaytest>", "nmap 14: bang path"},
    {"<antispam@I>", "<F!relaytest@I>", "nmap 15: bang path at the server's address"},
    {"<antispam@I>", "<F!relaytest@D>", "nmap 16: bang path at our domain"},
    /* the tricks relaywarden knows (README, policy/addr.c) */
    {"<antispam@F>", "<\"relaytest%F\"@D>", "quoted %-hack at our domain"},
    {"<antispam@F>", "<\"relaytest@F\"@D>", "quoted @ at our domain"},
    {"<antispam@F>", "<@D,@F:relaytest@D>", "source route with a foreign hop"},
    {"<antispam@F>", "<relaytest@F.>", "trailing dot"},
    {"<antispam@F>", "<relaytest@[192.0.2.1]>", "foreign address literal"},
    {"<antispam@F>", "<RelayTest@F>", "upper case local part"},
};
#define LA_NTESTS (sizeof(la_tests) / sizeof(la_tests[0]))

static void la_fail(struct la_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
la_fail(struct la_conn *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->why, sizeof(c->why), fmt, ap);
    va_end(ap);
}

/* Waits for fd to be ready for events; 0, or -1 on a timeout or an error. */
static int
la_wait(struct la_conn *c, short events)
{
    struct pollfd p = {c->fd, events, 0};
    int rc;

    while ((rc = poll(&p, 1, c->timeout_ms)) == -1 && errno == EINTR)
        ;
    if (rc == 0) {
        la_fail(c, "no answer within %d s", c->timeout_ms / 1000);
        return -1;
    }
    return rc < 0 ? -1 : 0;
}

static int
la_connect(const struct la_opts *o, struct la_conn *c)
{
    struct addrinfo hints, *res = NULL, *ai;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int rc, err = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    if ((rc = getaddrinfo(o->host, o->port, &hints, &res)) != 0) {
        la_fail(c, "%s: %s", o->host, gai_strerror(rc));
        return -1;
    }
    c->fd = -1;
    for (ai = res; ai != NULL && c->fd == -1; ai = ai->ai_next) {
        socklen_t el = sizeof(err);
        if ((c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) ==
            -1)
            continue;
        if ((connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
             (errno == EINPROGRESS && la_wait(c, POLLOUT) == 0 &&
              getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0)))
            break;
        close(c->fd);
        c->fd = -1;
    }
    freeaddrinfo(res);
    if (c->fd == -1) {
        if (c->why[0] == '\0')
            la_fail(c, "cannot connect to %s port %s: %s", o->host, o->port,
                    strerror(err ? err : errno));
        return -1;
    }
    c->ip[0] = '\0';
    if (getpeername(c->fd, (struct sockaddr *)&ss, &sl) == 0) {
        char a[INET6_ADDRSTRLEN] = "";
        if (ss.ss_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, a, sizeof(a));
        else if (ss.ss_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, a, sizeof(a));
        snprintf(c->ip, sizeof(c->ip), "[%s%s]", ss.ss_family == AF_INET6 ? "IPv6:" : "", a);
    }
    return 0;
}

/* The next reply; 0, or -1 with why. */
static int
la_reply(struct la_conn *c, struct smtp_reply *r)
{
    char why[128];
    size_t used;
    ssize_t n;
    int rc;

    for (;;) {
        if ((rc = smtpreply_parse(c->buf, c->len, r, &used, why, sizeof(why))) == 1) {
            memmove(c->buf, c->buf + used, c->len - used);
            c->len -= used;
            return 0;
        }
        if (rc == -1) {
            la_fail(c, "the server does not speak SMTP: %s", why);
            return -1;
        }
        if (c->len == sizeof(c->buf)) { /* cannot happen: a reply fits; kept as a guard */
            la_fail(c, "reply longer than %zu bytes", sizeof(c->buf));
            return -1;
        }
        if (la_wait(c, POLLIN) == -1)
            return -1;
        n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
        if (n == 0) {
            la_fail(c, "the server closed the connection");
            return -1;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            la_fail(c, "read: %s", strerror(errno));
            return -1;
        }
        if (n > 0)
            c->len += (size_t)n;
    }
}

/* Sends one command line (CRLF added) or, with raw, bytes as they are; 0 or -1 with why. */
static int
la_send(struct la_conn *c, const char *s, int raw)
{
    char line[LIVEAUDIT_CMD_MAX + 1];
    size_t len, off = 0;
    const char *p = s;
    ssize_t n;

    if (!raw) {
        if (snprintf(line, sizeof(line), "%s\r\n", s) >= (int)sizeof(line)) {
            la_fail(c, "command longer than %d bytes", LIVEAUDIT_CMD_MAX);
            return -1;
        }
        p = line;
    }
    len = strlen(p);
    while (off < len) {
        if ((n = write(c->fd, p + off, len - off)) > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            la_fail(c, "write: %s", strerror(errno));
            return -1;
        }
        if (la_wait(c, POLLOUT) == -1)
            return -1;
    }
    return 0;
}

static int
la_cmd(struct la_conn *c, const char *cmd, struct smtp_reply *r)
{
    return la_send(c, cmd, 0) == -1 ? -1 : la_reply(c, r);
}

/* pattern with D, F and I replaced. 0, or -1 when it does not fit. */
static int
la_expand(char *out, size_t len, const char *pattern, const struct la_opts *o, const char *ip)
{
    size_t n = 0;
    int k;

    for (; *pattern; pattern++) {
        const char *v = *pattern == 'D'   ? o->domain
                        : *pattern == 'F' ? o->foreign
                        : *pattern == 'I' ? ip
                                          : NULL;
        k = v ? snprintf(out + n, len - n, "%s", v) : snprintf(out + n, len - n, "%c", *pattern);
        if (k < 0 || (size_t)k >= len - n)
            return -1;
        n += (size_t)k;
    }
    return 0;
}

enum la_verdict { LA_REFUSED, LA_RELAYED, LA_ERROR };

/* One test in one session; the verdict, with what happened in detail. */
static enum la_verdict
la_run(const struct la_opts *o, const struct la_test *t, char *shown, size_t slen, char *detail,
       size_t dlen)
{
    struct la_conn *c = calloc(1, sizeof(*c));
    struct smtp_reply r;
    /* room for the longest address and the verb: la_send refuses what passes the limit */
    char cmd[2 * LIVEAUDIT_CMD_MAX], from[LIVEAUDIT_CMD_MAX], to[LIVEAUDIT_CMD_MAX];
    enum la_verdict v = LA_ERROR;
    const char *stage = "MAIL";

    snprintf(shown, slen, "MAIL FROM:%s RCPT TO:%s", t->from, t->to);
    if (c == NULL) {
        snprintf(detail, dlen, "out of memory");
        return LA_ERROR;
    }
    c->timeout_ms = o->timeout_ms;
    c->fd = -1;
    if (la_connect(o, c) == -1 || la_reply(c, &r) == -1)
        goto error;
    if (r.code / 100 != 2) {
        la_fail(c, "greeting %d %s", r.code, r.text);
        goto error;
    }
    snprintf(cmd, sizeof(cmd), "EHLO %s", o->helo);
    if (la_cmd(c, cmd, &r) == -1)
        goto error;
    if (r.code / 100 != 2) {
        snprintf(cmd, sizeof(cmd), "HELO %s", o->helo);
        if (la_cmd(c, cmd, &r) == -1)
            goto error;
        if (r.code / 100 != 2) {
            la_fail(c, "HELO refused: %d %s", r.code, r.text);
            goto error;
        }
    }
    if (la_expand(from, sizeof(from), t->from, o, c->ip) == -1 ||
        la_expand(to, sizeof(to), t->to, o, c->ip) == -1) {
        la_fail(c, "address longer than %d bytes", LIVEAUDIT_CMD_MAX);
        goto error;
    }
    snprintf(shown, slen, "MAIL FROM:%s RCPT TO:%s", from, to);
    snprintf(cmd, sizeof(cmd), "MAIL FROM:%s", from);
    if (la_cmd(c, cmd, &r) == -1)
        goto error;
    if (r.code / 100 == 2) {
        stage = "RCPT";
        snprintf(cmd, sizeof(cmd), "RCPT TO:%s", to);
        if (la_cmd(c, cmd, &r) == -1)
            goto error;
    }
    if (r.code / 100 == 2 && o->data) {
        stage = "DATA";
        if (la_cmd(c, "DATA", &r) == -1)
            goto error;
        if (r.code == 354) {
            char msg[3 * LIVEAUDIT_CMD_MAX];
            stage = "end of data";
            snprintf(msg, sizeof(msg),
                     "From: %s\r\nTo: %s\r\nSubject: relaywarden relay audit marker\r\n"
                     "X-Relaywarden-Audit: marker\r\n\r\n"
                     "relaywarden relay audit (%s): a test marker, to be discarded.\r\n.\r\n",
                     from, to, t->what);
            if (la_send(c, msg, 1) == -1 || la_reply(c, &r) == -1)
                goto error;
        }
    }
    if (r.code / 100 == 2) {
        v = LA_RELAYED;
        snprintf(detail, dlen, "RELAYED: accepted at %s: %d %s", o->data ? "end of data" : "RCPT",
                 r.code, r.text);
        if (!o->data)
            la_cmd(c, "RSET", &r); /* and no DATA: nothing is sent */
    } else {
        v = LA_REFUSED;
        snprintf(detail, dlen, "refused at %s: %d %s", stage, r.code, r.text);
    }
    la_cmd(c, "QUIT", &r);
    close(c->fd);
    free(c);
    return v;
error:
    snprintf(detail, dlen, "ERROR: %s", c->why);
    if (c->fd != -1)
        close(c->fd);
    free(c);
    return LA_ERROR;
}

/* "host", "host:port", "[v6]" or "[v6]:port". 0 or -1. */
static int
la_target(const char *s, struct la_opts *o)
{
    const char *colon, *end;
    size_t n;

    util_strlcpy(o->port, "25", sizeof(o->port));
    if (s[0] == '[') {
        if ((end = strchr(s, ']')) == NULL)
            return -1;
        n = (size_t)(end - s - 1);
        colon = end[1] == ':' ? end + 1 : NULL;
        if (end[1] != '\0' && colon == NULL)
            return -1;
        s++;
    } else {
        colon = strrchr(s, ':');
        n = colon ? (size_t)(colon - s) : strlen(s);
    }
    if (n == 0 || n >= sizeof(o->host))
        return -1;
    memcpy(o->host, s, n);
    o->host[n] = '\0';
    for (end = o->host; *end; end++) /* a name or an address: it is printed as it is */
        if (*end <= ' ' || *end >= 0x7f) {
            fprintf(stderr, "relaywarden: -A: the host must be a name or an address\n");
            return -1;
        }
    if (colon != NULL) {
        if (util_port(colon + 1) == -1) {
            fprintf(stderr, "relaywarden: -A: the port must be 1 to %d\n", UTIL_PORT_MAX);
            return -1;
        }
        util_strlcpy(o->port, colon + 1, sizeof(o->port));
    }
    return 0;
}

static void
la_usage(FILE *f)
{
    fprintf(f,
            "usage: relaywarden -A HOST[:PORT] --domain OURS [--foreign DOMAIN] [--helo NAME]\n"
            "                   [--timeout SECS] [--data]\n"
            "  --domain   one of our domains (required)\n"
            "  --foreign  a domain that is not ours (default example.net); with --data it must\n"
            "             be given, and lead to a sink of yours: relayed markers are delivered\n"
            "  --helo     the EHLO name (default relay-audit.invalid)\n"
            "  --timeout  seconds to wait for each reply (default %d)\n"
            "  --data     judge after the end of data (a milter may refuse only then): sends\n"
            "             the marker message; without it every session ends before DATA\n"
            "exit status: 0 nothing relayed, 1 something relayed, 2 usage, 3 audit incomplete\n",
            LIVEAUDIT_TIMEOUT_DEFAULT);
}

int
liveaudit_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"domain", required_argument, NULL, 'd'},
        {"foreign", required_argument, NULL, 'F'},
        {"helo", required_argument, NULL, 'H'},
        {"timeout", required_argument, NULL, 'T'},
        {"data", no_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct la_opts o;
    const char *target = NULL;
    char detail[SMTPREPLY_TEXT_MAX + 300], shown[2 * LIVEAUDIT_CMD_MAX + 32];
    size_t i, relayed = 0, errors = 0;
    int ch, secs;

    memset(&o, 0, sizeof(o));
    o.helo = "relay-audit.invalid";
    o.timeout_ms = LIVEAUDIT_TIMEOUT_DEFAULT * 1000;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "A:", opts, NULL)) != -1) {
        switch (ch) {
        case 'A':
            target = optarg;
            break;
        case 'd':
            o.domain = optarg;
            break;
        case 'F':
            o.foreign = optarg;
            break;
        case 'H':
            o.helo = optarg;
            if (strlen(optarg) > 255 || strpbrk(optarg, " \r\n") != NULL) {
                fprintf(stderr, "relaywarden: --helo takes a host name\n");
                return LIVEAUDIT_USAGE;
            }
            break;
        case 'T':
            secs = strlen(optarg) < 4 && strspn(optarg, "0123456789") == strlen(optarg)
                       ? atoi(optarg)
                       : 0;
            if (secs < 1 || secs > LIVEAUDIT_TIMEOUT_MAX) {
                fprintf(stderr, "relaywarden: --timeout takes 1 to %d seconds\n",
                        LIVEAUDIT_TIMEOUT_MAX);
                return LIVEAUDIT_USAGE;
            }
            o.timeout_ms = secs * 1000;
            break;
        case 'D':
            o.data = 1;
            break;
        case 'h':
            la_usage(stdout);
            return LIVEAUDIT_USAGE;
        default:
            la_usage(stderr);
            return LIVEAUDIT_USAGE;
        }
    }
    if (target == NULL || optind != argc || o.domain == NULL || la_target(target, &o) == -1 ||
        (o.data && o.foreign == NULL)) {
        if (o.data && o.foreign == NULL)
            fprintf(stderr, "relaywarden: --data sends the marker to the foreign domain: name "
                            "one that leads to a sink of yours with --foreign\n");
        la_usage(stderr);
        return LIVEAUDIT_USAGE;
    }
    if (o.foreign == NULL)
        o.foreign = "example.net";
    if (!addr_domain_valid(o.domain) || !addr_domain_valid(o.foreign)) {
        fprintf(stderr, "relaywarden: --domain and --foreign take domain names\n");
        return LIVEAUDIT_USAGE;
    }
    if (util_strcaseeq(o.foreign, o.domain)) {
        fprintf(stderr, "relaywarden: the foreign domain must not be ours\n");
        return LIVEAUDIT_USAGE;
    }
    printf("relay audit of %s port %s: our domain %s, foreign domain %s, judged at %s\n", o.host,
           o.port, o.domain, o.foreign, o.data ? "end of data" : "RCPT");
    for (i = 0; i < LA_NTESTS; i++) {
        enum la_verdict v = la_run(&o, &la_tests[i], shown, sizeof(shown), detail, sizeof(detail));
        printf("%2zu %s (%s): %s\n", i + 1, shown, la_tests[i].what, detail);
        relayed += v == LA_RELAYED;
        errors += v == LA_ERROR;
    }
    printf("%zu of %zu tests relayed%s\n", relayed, LA_NTESTS,
           errors ? ", and some could not be run: the audit is incomplete" : "");
    fflush(stdout);
    return relayed ? LIVEAUDIT_RELAYED : errors ? LIVEAUDIT_INCOMPLETE : LIVEAUDIT_CLEAN;
}

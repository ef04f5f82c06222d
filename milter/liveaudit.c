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
#include "audit.h"
#include "rules.h"
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
/* Sender domains tried besides ours (--sender-domain and the rules' sender lists): each is
 * one more session; a site has a handful of partner lists, and more than this many would
 * make the audit a bulk run against its own MTA. Past it the audit refuses to start. */
#define LIVEAUDIT_SENDERS_MAX 32

struct la_opts {
    char host[256];
    char port[8];
    const char *domain;  /* ours */
    const char *foreign; /* a domain that is not ours */
    const char *helo;
    int data; /* judge after the end of data: the marker is sent */
    int timeout_ms;
    /* sender domains an outsider can forge: --sender-domain, then the rules' sender lists */
    char senders[LIVEAUDIT_SENDERS_MAX][AUDIT_DOMAIN_LEN];
    size_t nsenders;
};

struct la_conn {
    int fd;
    int timeout_ms;
    struct timespec deadline; /* of the reply (or write, or connect) being waited for */
    int timed_out;
    char buf[SMTPREPLY_MAX + SMTPREPLY_LINE_MAX]; /* one reply at its longest, and the next line */
    size_t len;
    char ip[INET6_ADDRSTRLEN + 8]; /* the server's address as an address literal */
    char why[256];
};

/* One test: MAIL FROM and RCPT TO with placeholders: D our domain, F the foreign one, I the
 * server's address literal ("[192.0.2.1]"), S a sender domain (the tests after la_tests). */
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
/* The test run once per sender domain. */
static const struct la_test la_sender_test = {"<antispam@S>", "<relaytest@F>",
                                              "a sender domain, forged"};

static void la_fail(struct la_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
la_fail(struct la_conn *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->why, sizeof(c->why), fmt, ap);
    va_end(ap);
}

/* Starts the clock of one reply (or write, or connect): --timeout is a deadline for all of it,
 * however the server drips it. */
static void
la_deadline(struct la_conn *c)
{
    clock_gettime(CLOCK_MONOTONIC, &c->deadline);
    c->deadline.tv_sec += c->timeout_ms / 1000;
}

/* Milliseconds left until the deadline, 0 when it has passed. */
static int
la_left_ms(const struct la_conn *c)
{
    struct timespec now;
    long long ms;

    clock_gettime(CLOCK_MONOTONIC, &now);
    ms = (long long)(c->deadline.tv_sec - now.tv_sec) * 1000 +
         (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
    return ms <= 0 ? 0 : ms > c->timeout_ms ? c->timeout_ms : (int)ms;
}

/* Waits for fd to be ready for events before the deadline; 0, or -1 on a timeout or an error. */
static int
la_wait(struct la_conn *c, short events)
{
    struct pollfd p = {c->fd, events, 0};
    int rc, left;

    do {
        if ((left = la_left_ms(c)) == 0) {
            rc = 0;
            break;
        }
    } while ((rc = poll(&p, 1, left)) == -1 && errno == EINTR);
    if (rc == 0) {
        c->timed_out = 1;
        la_fail(c, "no complete reply within %d s", c->timeout_ms / 1000);
        return -1;
    }
    if (rc < 0)
        la_fail(c, "poll: %s", strerror(errno));
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
    la_deadline(c);
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
    if (c->fd == -1 && c->timed_out)
        la_fail(c, "cannot connect to %s port %s within %d s", o->host, o->port,
                c->timeout_ms / 1000);
    if (c->fd == -1) {
        if (c->why[0] == '\0')
            la_fail(c, "cannot connect to %s port %s: %s", o->host, o->port,
                    strerror(err ? err : errno));
        return -1;
    }
    c->timed_out = 0; /* an address that timed out before this one is behind us */
    c->why[0] = '\0';
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

    la_deadline(c);
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
    la_deadline(c);
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

/* Bytes from the server before we sent the command they would answer: a server out of step
 * with us (a stray line, a pipelining desync). Every later reply would be judged against the
 * wrong command, so this is an error, never a verdict. -1 with why when there are some. */
static int
la_unasked(struct la_conn *c, const char *before)
{
    struct pollfd p = {c->fd, POLLIN, 0};
    ssize_t n;

    if (c->len == 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLIN) &&
        (n = read(c->fd, c->buf, sizeof(c->buf))) > 0)
        c->len = (size_t)n;
    if (c->len == 0)
        return 0;
    la_fail(c,
            "a reply that is not SMTP: %zu unasked-for byte%s before %s (the server is out of "
            "step with the commands)",
            c->len, c->len == 1 ? "" : "s", before);
    return -1;
}

static int
la_cmd(struct la_conn *c, const char *cmd, struct smtp_reply *r)
{
    char verb[8];

    snprintf(verb, sizeof(verb), "%.*s", (int)strcspn(cmd, " :"), cmd);
    if (la_unasked(c, verb) == -1 || la_send(c, cmd, 0) == -1)
        return -1;
    return la_reply(c, r);
}

/* pattern with D, F and I replaced. 0, or -1 when it does not fit. */
static int
la_expand(char *out, size_t len, const char *pattern, const struct la_opts *o, const char *ip,
          const char *sender)
{
    size_t n = 0;
    int k;

    for (; *pattern; pattern++) {
        const char *v = *pattern == 'D'   ? o->domain
                        : *pattern == 'F' ? o->foreign
                        : *pattern == 'I' ? ip
                        : *pattern == 'S' ? sender
                                          : NULL;
        k = v ? snprintf(out + n, len - n, "%s", v) : snprintf(out + n, len - n, "%c", *pattern);
        if (k < 0 || (size_t)k >= len - n)
            return -1;
        n += (size_t)k;
    }
    return 0;
}

enum la_verdict { LA_REFUSED, LA_RELAYED, LA_ERROR, LA_TIMEOUT };

/* One test in one session; the verdict, with what happened in detail. */
static enum la_verdict
la_run(const struct la_opts *o, const struct la_test *t, const char *sender, char *shown,
       size_t slen, char *detail, size_t dlen)
{
    struct la_conn *c = calloc(1, sizeof(*c));
    struct smtp_reply r;
    /* room for the longest address and the verb: la_send refuses what passes the limit */
    char cmd[2 * LIVEAUDIT_CMD_MAX], from[LIVEAUDIT_CMD_MAX], to[LIVEAUDIT_CMD_MAX];
    enum la_verdict v = LA_ERROR;
    const char *stage = "MAIL";

    shown[0] = '\0'; /* the addresses are known once the server's address is */
    if (c == NULL) {
        snprintf(detail, dlen, "out of memory");
        return LA_ERROR;
    }
    c->timeout_ms = o->timeout_ms;
    c->fd = -1;
    if (la_connect(o, c) == -1)
        goto error;
    if (la_expand(from, sizeof(from), t->from, o, c->ip, sender) == -1 ||
        la_expand(to, sizeof(to), t->to, o, c->ip, sender) == -1) {
        la_fail(c, "address longer than %d bytes", LIVEAUDIT_CMD_MAX);
        goto error;
    }
    snprintf(shown, slen, "MAIL FROM:%s RCPT TO:%s", from, to);
    if (la_reply(c, &r) == -1)
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
            if (la_unasked(c, "the end of data") == -1 || la_send(c, msg, 1) == -1 ||
                la_reply(c, &r) == -1)
                goto error;
        }
    }
    if (r.code / 100 == 2) {
        v = LA_RELAYED;
        snprintf(detail, dlen, "RELAYED: accepted at %s: %d %s", o->data ? "end of data" : "RCPT",
                 r.code, r.text);
    } else {
        v = LA_REFUSED;
        snprintf(detail, dlen, "refused at %s: %d %s", stage, r.code, r.text);
    }
    /* The reply judged must be the one to our command: a later stray line that arrived after
     * it was sent would have been read in its place. RSET (250) and QUIT (221) afterwards show
     * whether the replies are still in step; a 221 to anything but QUIT is not. */
    if (v == LA_RELAYED && !o->data) {
        if (la_cmd(c, "RSET", &r) == -1) /* and no DATA: nothing is sent */
            goto error;
        if (r.code / 100 != 2) {
            la_fail(c, "RSET answered %d %s: the replies are out of step with the commands", r.code,
                    r.text);
            goto error;
        }
    }
    if (la_cmd(c, "QUIT", &r) == -1)
        goto error;
    if (r.code != 221) {
        la_fail(c, "QUIT answered %d %s: the replies are out of step with the commands", r.code,
                r.text);
        goto error;
    }
    close(c->fd);
    free(c);
    return v;
error:
    snprintf(detail, dlen, "ERROR: %s", c->why);
    v = c->timed_out ? LA_TIMEOUT : LA_ERROR;
    if (c->fd != -1)
        close(c->fd);
    free(c);
    return v;
}

/* A domain name for --domain, --foreign or --sender-domain: an address literal names a host,
 * and the audit needs domains whose mail routing decides what is ours. 1, or 0 (said). */
static int
la_domain_ok(const char *what, const char *d)
{
    if (d[0] == '[') {
        fprintf(stderr, "relaywarden: %s takes a domain name, not an address literal: %s\n", what,
                d);
        return 0;
    }
    if (!addr_domain_valid(d)) {
        fprintf(stderr, "relaywarden: %s takes a domain name\n", what);
        return 0;
    }
    return 1;
}

/* d is ours or a subdomain of ours (any case): mail to it may well be ours to take. */
static int
la_under(const char *d, const char *ours)
{
    size_t n = strlen(d), m = strlen(ours);

    return util_strcaseeq(d, ours) ||
           (n > m && d[n - m - 1] == '.' && util_strcaseeq(d + n - m, ours));
}

/* One more sender domain, unless it is there already. 0, or -1 (said). */
static int
la_add_sender(struct la_opts *o, const char *d)
{
    size_t i;

    if (!la_domain_ok("--sender-domain", d))
        return -1;
    for (i = 0; i < o->nsenders; i++)
        if (util_strcaseeq(o->senders[i], d))
            return 0;
    if (o->nsenders == LIVEAUDIT_SENDERS_MAX) {
        fprintf(stderr, "relaywarden: more than %d sender domains\n", LIVEAUDIT_SENDERS_MAX);
        return -1;
    }
    util_strlcpy(o->senders[o->nsenders++], d, sizeof(o->senders[0]));
    return 0;
}

/* The rules' sender lists (audit_sender_domains) as sender domains. 0, or -1 (said). */
static int
la_rules_senders(struct la_opts *o, const char *path)
{
    static char err[65536], found[LIVEAUDIT_SENDERS_MAX + 1][AUDIT_DOMAIN_LEN];
    struct ruleset *rs = rules_load(path, err, sizeof(err));
    size_t i, n;
    int rc = 0;

    if (rs == NULL) {
        fprintf(stderr, "%s", err);
        fprintf(stderr, "relaywarden: %s has errors: no audit\n", path);
        return -1;
    }
    n = audit_sender_domains(rs, found, LIVEAUDIT_SENDERS_MAX + 1);
    rules_unref(rs);
    if (n == (size_t)-1) {
        fprintf(stderr, "relaywarden: out of memory\n");
        return -1;
    }
    for (i = 0; i < n && rc == 0; i++)
        if (i < LIVEAUDIT_SENDERS_MAX && util_strcaseeq(found[i], o->domain))
            continue; /* test 3 sends as our domain already */
        else if (i == LIVEAUDIT_SENDERS_MAX || la_add_sender(o, found[i]) == -1) {
            fprintf(stderr, "relaywarden: %s tests senders against more than %d domains lists\n",
                    path, LIVEAUDIT_SENDERS_MAX);
            rc = -1;
        }
    return rc;
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
            "                   [--sender-domain DOMAIN]... [-c RULES] [--timeout SECS] [--data]\n"
            "  --domain   one of our domains (required)\n"
            "  --foreign  a domain that is not ours (default example.net); with --data it must\n"
            "             be given, and lead to a sink of yours: relayed markers are delivered\n"
            "  --helo     the EHLO name (default relay-audit.invalid)\n"
            "  --sender-domain  also try this domain as the (forged) sender; repeatable\n"
            "  -c RULES   also try a domain of every list the rules test senders against\n"
            "  --timeout  seconds one reply may take in all (default %d); the audit stops at the\n"
            "             first test that times out\n"
            "  --data     judge after the end of data (a milter may refuse only then): sends\n"
            "             the marker message; without it every session ends before DATA\n"
            "exit status: 0 nothing relayed, 1 something relayed, 2 usage, 3 audit incomplete\n",
            LIVEAUDIT_TIMEOUT_DEFAULT);
}

int
liveaudit_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"domain", required_argument, NULL, 'd'}, {"foreign", required_argument, NULL, 'F'},
        {"helo", required_argument, NULL, 'H'},   {"timeout", required_argument, NULL, 'T'},
        {"data", no_argument, NULL, 'D'},         {"sender-domain", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    static struct la_opts o; /* static: the sender domains make it a few KiB */
    const char *target = NULL, *rules = NULL;
    char detail[SMTPREPLY_TEXT_MAX + 300], shown[2 * LIVEAUDIT_CMD_MAX + 32];
    size_t i, relayed = 0, errors = 0, ntests;
    int ch, secs;

    memset(&o, 0, sizeof(o));
    o.helo = "relay-audit.invalid";
    o.timeout_ms = LIVEAUDIT_TIMEOUT_DEFAULT * 1000;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "A:c:", opts, NULL)) != -1) {
        switch (ch) {
        case 'A':
            target = optarg;
            break;
        case 'c':
            rules = optarg;
            break;
        case 'S':
            if (la_add_sender(&o, optarg) == -1)
                return LIVEAUDIT_USAGE;
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
    if (!la_domain_ok("--domain", o.domain) || !la_domain_ok("--foreign", o.foreign))
        return LIVEAUDIT_USAGE;
    if (la_under(o.foreign, o.domain)) {
        fprintf(stderr, "relaywarden: the foreign domain must not be ours: %s is %s\n", o.foreign,
                util_strcaseeq(o.foreign, o.domain) ? "--domain" : "under --domain");
        return LIVEAUDIT_USAGE;
    }
    if (rules != NULL && la_rules_senders(&o, rules) == -1)
        return LIVEAUDIT_USAGE;
    ntests = LA_NTESTS + o.nsenders;
    printf("relay audit of %s port %s: our domain %s, foreign domain %s, judged at %s\n", o.host,
           o.port, o.domain, o.foreign, o.data ? "end of data" : "RCPT");
    for (i = 0; i < ntests; i++) {
        const struct la_test *t = i < LA_NTESTS ? &la_tests[i] : &la_sender_test;
        const char *sender = i < LA_NTESTS ? "" : o.senders[i - LA_NTESTS];
        enum la_verdict v = la_run(&o, t, sender, shown, sizeof(shown), detail, sizeof(detail));
        printf("%2zu %s%s(%s): %s\n", i + 1, shown, shown[0] ? " " : "", t->what, detail);
        relayed += v == LA_RELAYED;
        errors += v == LA_ERROR || v == LA_TIMEOUT;
        if (v == LA_TIMEOUT && i + 1 < ntests) {
            /* a server that is this slow makes every test as slow: stop here */
            printf("the audit stops: test %zu got no reply within %d s, tests %zu to %zu not run\n",
                   i + 1, o.timeout_ms / 1000, i + 2, ntests);
            break;
        }
    }
    printf("%zu of %zu tests relayed%s\n", relayed, ntests,
           errors ? ", and some could not be run: the audit is incomplete" : "");
    fflush(stdout);
    return relayed ? LIVEAUDIT_RELAYED : errors ? LIVEAUDIT_INCOMPLETE : LIVEAUDIT_CLEAN;
}

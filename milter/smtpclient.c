/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smtpclient.c - the SMTP client side of the live relay audit (relaywarden -A): one session
 * with a deadline per reply however the server drips it, STARTTLS without certificate checks,
 * and bytes the server sends unasked caught before they can be taken for an answer.
 */
#include "smtpclient.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

void
smtpclient_fail(struct smtpclient *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->why, sizeof(c->why), fmt, ap);
    va_end(ap);
}

/* Starts the clock of one reply (or write, or connect): --timeout is a deadline for all of it,
 * however the server drips it. */
static void
smtpclient_deadline(struct smtpclient *c)
{
    clock_gettime(CLOCK_MONOTONIC, &c->deadline);
    c->deadline.tv_sec += c->timeout_ms / 1000;
}

/* Milliseconds left until the deadline, 0 when it has passed. */
static int
smtpclient_left_ms(const struct smtpclient *c)
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
smtpclient_wait(struct smtpclient *c, short events)
{
    struct pollfd p = {c->fd, events, 0};
    int rc, left;

    do {
        if ((left = smtpclient_left_ms(c)) == 0) {
            rc = 0;
            break;
        }
    } while ((rc = poll(&p, 1, left)) == -1 && errno == EINTR);
    if (rc == 0) {
        c->timed_out = 1;
        smtpclient_fail(c, "no complete reply within %d s", c->timeout_ms / 1000);
        return -1;
    }
    if (rc < 0)
        smtpclient_fail(c, "poll: %s", strerror(errno));
    return rc < 0 ? -1 : 0;
}

int
smtpclient_connect(struct smtpclient *c, const char *host, const char *port, int timeout_ms)
{
    struct addrinfo hints, *res = NULL, *ai;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int rc, err = 0;

    c->fd = -1;
    c->timeout_ms = timeout_ms;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
        smtpclient_fail(c, "%s: %s", host, gai_strerror(rc));
        return -1;
    }
    c->fd = -1;
    smtpclient_deadline(c);
    for (ai = res; ai != NULL && c->fd == -1; ai = ai->ai_next) {
        socklen_t el = sizeof(err);
        if ((c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) ==
            -1)
            continue;
        if ((connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
             (errno == EINPROGRESS && smtpclient_wait(c, POLLOUT) == 0 &&
              getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0)))
            break;
        close(c->fd);
        c->fd = -1;
    }
    freeaddrinfo(res);
    if (c->fd == -1 && c->timed_out)
        smtpclient_fail(c, "cannot connect to %s port %s within %d s", host, port,
                        c->timeout_ms / 1000);
    if (c->fd == -1) {
        if (c->why[0] == '\0')
            smtpclient_fail(c, "cannot connect to %s port %s: %s", host, port,
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

/* OpenSSL's reason for the last TLS failure, and its error queue emptied. */
const char *
smtpclient_tls_why(void)
{
    const char *why = ERR_reason_error_string(ERR_get_error());

    ERR_clear_error();
    return why != NULL ? why : "connection lost";
}

/* Reads what is there into the buffer, through TLS after STARTTLS. n > 0 bytes read; 0 when
 * the server closed; -1 with why on an error; SMTPCLIENT_WANT_READ or SMTPCLIENT_WANT_WRITE when
 * nothing can be read before the socket is ready (TLS may need to write to read). */
#define SMTPCLIENT_WANT_READ (-2)
#define SMTPCLIENT_WANT_WRITE (-3)
static ssize_t
smtpclient_read(struct smtpclient *c)
{
    size_t room = sizeof(c->buf) - c->len;
    ssize_t n;

    if (c->ssl != NULL) {
        int k = SSL_read(c->ssl, c->buf + c->len, (int)room), e = SSL_get_error(c->ssl, k);
        if (k > 0)
            return k;
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
            return e == SSL_ERROR_WANT_READ ? SMTPCLIENT_WANT_READ : SMTPCLIENT_WANT_WRITE;
        if (e == SSL_ERROR_ZERO_RETURN)
            return 0;
        smtpclient_fail(c, "TLS read: %s", smtpclient_tls_why());
        return -1;
    }
    if ((n = read(c->fd, c->buf + c->len, room)) >= 0)
        return n;
    if (errno == EAGAIN || errno == EINTR)
        return SMTPCLIENT_WANT_READ;
    smtpclient_fail(c, "read: %s", strerror(errno));
    return -1;
}

/* The next reply; 0, or -1 with why. Notes in offers_tls whether it lists STARTTLS. */
int
smtpclient_reply(struct smtpclient *c, struct smtp_reply *r)
{
    char why[128];
    size_t used;
    ssize_t n;
    int rc;

    smtpclient_deadline(c);
    for (;;) {
        if ((rc = smtpreply_parse(c->buf, c->len, r, &used, why, sizeof(why))) == 1) {
            c->offers_tls = smtpreply_offers_tls(c->buf, used);
            memmove(c->buf, c->buf + used, c->len - used);
            c->len -= used;
            return 0;
        }
        if (rc == -1) {
            smtpclient_fail(c, "the server does not speak SMTP: %s", why);
            return -1;
        }
        if (c->len == sizeof(c->buf)) { /* cannot happen: a reply fits; kept as a guard */
            smtpclient_fail(c, "reply longer than %zu bytes", sizeof(c->buf));
            return -1;
        }
        n = smtpclient_read(c);
        if (n == 0) {
            smtpclient_fail(c, "the server closed the connection");
            return -1;
        }
        if (n == -1 ||
            (n < 0 && smtpclient_wait(c, n == SMTPCLIENT_WANT_READ ? POLLIN : POLLOUT) == -1))
            return -1;
        if (n > 0)
            c->len += (size_t)n;
    }
}

/* Sends one command line (CRLF added) or, with raw, bytes as they are; 0 or -1 with why. */
int
smtpclient_send(struct smtpclient *c, const char *s, int raw)
{
    char line[SMTPCLIENT_CMD_MAX + 1];
    size_t len, off = 0;
    const char *p = s;
    ssize_t n;
    int e = 0;

    if (!raw) {
        if (snprintf(line, sizeof(line), "%s\r\n", s) >= (int)sizeof(line)) {
            smtpclient_fail(c, "command longer than %d bytes", SMTPCLIENT_CMD_MAX);
            return -1;
        }
        p = line;
    }
    len = strlen(p);
    smtpclient_deadline(c);
    while (off < len) {
        if (c->ssl != NULL) {
            /* SSL_write retried with the same bytes: it writes all of them or none */
            int k = SSL_write(c->ssl, p + off, (int)(len - off));
            if (k > 0) {
                off += (size_t)k;
                continue;
            }
            if ((e = SSL_get_error(c->ssl, k)) != SSL_ERROR_WANT_READ &&
                e != SSL_ERROR_WANT_WRITE) {
                smtpclient_fail(c, "TLS write: %s", smtpclient_tls_why());
                return -1;
            }
        } else if ((n = write(c->fd, p + off, len - off)) > 0) {
            off += (size_t)n;
            continue;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            smtpclient_fail(c, "write: %s", strerror(errno));
            return -1;
        }
        if (smtpclient_wait(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT) == -1)
            return -1;
    }
    return 0;
}

/* Bytes from the server before we sent the command they would answer: a server out of step
 * with us (a stray line, a pipelining desync, or plaintext injected after STARTTLS). Every
 * later reply would be judged against the wrong command, so this is an error, never a
 * verdict. -1 with why when there are some. */
int
smtpclient_unasked(struct smtpclient *c, const char *before)
{
    ssize_t n;

    if (c->len == 0 && (n = smtpclient_read(c)) > 0) /* the socket is non-blocking: never waits */
        c->len = (size_t)n;
    if (c->len == 0)
        return 0;
    smtpclient_fail(
        c,
        "a reply that is not SMTP: %zu unasked-for byte%s before %s (the server is out of "
        "step with the commands)",
        c->len, c->len == 1 ? "" : "s", before);
    return -1;
}

int
smtpclient_cmd(struct smtpclient *c, const char *cmd, struct smtp_reply *r)
{
    char verb[8];

    snprintf(verb, sizeof(verb), "%.*s", (int)strcspn(cmd, " :"), cmd);
    if (smtpclient_unasked(c, verb) == -1 || smtpclient_send(c, cmd, 0) == -1)
        return -1;
    return smtpclient_reply(c, r);
}

/* STARTTLS (RFC 3207) after an EHLO reply that offered it, then EHLO again in TLS (its reply in
 * *r). The certificate is not verified: the server is the admin's own, and the audit is about
 * relaying, not about who answers. 0 in TLS or, when the server refused STARTTLS, still in
 * plaintext (tls_no says why); -1 with why. */
int
smtpclient_starttls(struct smtpclient *c, SSL_CTX *tls, const char *host, const char *ehlo,
                    struct smtp_reply *r)
{
    struct in6_addr a;
    int k, e;

    if (smtpclient_cmd(c, "STARTTLS", r) == -1)
        return -1;
    if (r->code / 100 != 4 && r->code / 100 != 5 && r->code != 220) {
        smtpclient_fail(c, "a reply that is not SMTP: %d %s is no answer to STARTTLS", r->code,
                        r->text);
        return -1;
    }
    if (r->code != 220) {
        snprintf(c->tls_no, sizeof(c->tls_no), "STARTTLS was refused: %d %s", r->code, r->text);
        return 0;
    }
    /* plaintext after the 220 would be read as if it came through TLS (CVE-2011-0411) */
    if (smtpclient_unasked(c, "the TLS handshake") == -1)
        return -1;
    if ((c->ssl = SSL_new(tls)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
        smtpclient_fail(c, "STARTTLS: out of memory");
        return -1;
    }
    if (inet_pton(AF_INET, host, &a) != 1 && inet_pton(AF_INET6, host, &a) != 1)
        SSL_set_tlsext_host_name(c->ssl, host); /* SNI: a name, never an address */
    smtpclient_deadline(c);
    while ((k = SSL_connect(c->ssl)) != 1) {
        e = SSL_get_error(c->ssl, k);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            smtpclient_fail(c, "STARTTLS: the TLS handshake failed: %s", smtpclient_tls_why());
            return -1;
        }
        if (smtpclient_wait(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT) == -1)
            return -1;
    }
    /* RFC 3207 4.2: what the server said before TLS is forgotten, EHLO is sent again */
    if (smtpclient_cmd(c, ehlo, r) == -1)
        return -1;
    if (r->code != 250) {
        smtpclient_fail(c, "EHLO in TLS answered %d %s", r->code, r->text);
        return -1;
    }
    return 0;
}

/* Ends the session: close_notify when in TLS and clean, then the socket. */
void
smtpclient_close(struct smtpclient *c, int clean)
{
    if (c->ssl != NULL && clean)
        SSL_shutdown(c->ssl); /* the server's close_notify is not waited for */
    SSL_free(c->ssl);
    c->ssl = NULL;
    if (c->fd != -1)
        close(c->fd);
    c->fd = -1;
}

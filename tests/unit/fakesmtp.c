/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fakesmtp.c - a scripted SMTP server for the live audit's tests (liveaudit_cli.sh): it answers
 * the way a relay, a refusing MTA or a hostile one (drip, silence, stray replies) would.
 *   fakesmtp MODE PORTFILE [LOG]   listens on 127.0.0.1, writes its port to PORTFILE, serves
 *                                  forever; LOG gets every command line it reads
 * MODE: refuse (RCPT 550), relay (RCPT 250), partner (RCPT 250 when MAIL FROM is at
 * partner.example), silent, drip (the greeting a byte at a time), desync (a stray line after the
 * MAIL reply), late-stray (two replies to RCPT, the second 100 ms later);
 * STARTTLS (a self-signed certificate made at start): tls-required (offers STARTTLS, 530 at
 * MAIL outside TLS, relays in TLS), tls-nooffer (530 without offering it), tls-refused (454 to
 * STARTTLS, then 530), tls-inject (a second reply after the 220 to STARTTLS), tls-broken (no
 * handshake after the 220);
 * unclear answers: greylist (RCPT 450), mail451 (MAIL 451), mail421 (MAIL 421, then closes),
 * eod451 (RCPT 250, 451 after the data), rcpt354 (RCPT 354), rcpt251 (RCPT 251), data250 (DATA
 * 250); senders: litgate (553 to an address-literal sender, 250 to an unquoted %-hack or bang
 * path), litgate451 (553 to an address-literal sender, 451 to the others), mailrefuse (553 to
 * every sender, and as Postfix's smtpd_soft_error_limit a 421 for the tenth in a session).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* A command line we read: RFC 5321's 512 octets, and room to spare. */
#define FAKESMTP_LINE_MAX 1024
/* Milliseconds between the bytes of a dripped reply: slow enough that a whole greeting takes
 * seconds, fast enough that a per-read timeout would never fire. */
#define FAKESMTP_DRIP_MS 200
/* Refusals of MAIL in one session that mailrefuse answers with 421, as Postfix's default
 * smtpd_soft_error_limit begins to slow a client down at the tenth error. */
#define FAKESMTP_ERRORS_MAX 10
/* The server ends by itself after this many seconds, so that a test that dies leaves nothing. */
#define FAKESMTP_LIFETIME 300

/* One client: its socket, TLS once STARTTLS is done, and where commands are logged. */
struct fakesmtp_conn {
    int fd;
    SSL *ssl;
    SSL_CTX *tls;
    FILE *log;
};

static void
fakesmtp_send(struct fakesmtp_conn *c, const char *s)
{
    size_t off = 0, len = strlen(s);
    ssize_t n;

    if (c->ssl != NULL) {
        SSL_write(c->ssl, s, (int)len);
        return;
    }
    while (off < len && (n = write(c->fd, s + off, len - off)) > 0)
        off += (size_t)n;
}

/* Waits ms for the client; 1 when it has closed (or sent something), 0 when not. */
static int
fakesmtp_client_gone(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};

    return poll(&p, 1, ms) == 1;
}

/* One line into line (NUL-terminated, CRLF dropped); 0, or -1 at the end. */
static int
fakesmtp_line(struct fakesmtp_conn *c, char *line, size_t len)
{
    size_t n = 0;
    char ch;

    while (c->ssl != NULL ? SSL_read(c->ssl, &ch, 1) == 1 : read(c->fd, &ch, 1) == 1) {
        if (ch == '\n') {
            if (n > 0 && line[n - 1] == '\r')
                n--;
            line[n] = '\0';
            if (c->log != NULL) {
                fprintf(c->log, "%s%s\n", c->ssl != NULL ? "tls " : "", line);
                fflush(c->log);
            }
            return 0;
        }
        if (n + 1 < len)
            line[n++] = ch;
    }
    return -1;
}

static int
fakesmtp_is(const char *mode, const char *m)
{
    return strcmp(mode, m) == 0;
}

/* The reply to RCPT TO in line, after MAIL FROM from. */
static const char *
fakesmtp_rcpt(const struct fakesmtp_conn *c, const char *mode, const char *from, const char *line)
{
    if (fakesmtp_is(mode, "relay") || fakesmtp_is(mode, "eod451") || fakesmtp_is(mode, "data250") ||
        (fakesmtp_is(mode, "tls-required") && c->ssl != NULL) ||
        (fakesmtp_is(mode, "partner") && strstr(from, "@partner.example>") != NULL))
        return "250 ok\r\n";
    if (fakesmtp_is(mode, "litgate"))
        return (strchr(line, '%') != NULL || strchr(line, '!') != NULL) && strchr(line, '"') == NULL
                   ? "250 ok\r\n"
                   : "550 5.7.1 relaying denied\r\n";
    if (fakesmtp_is(mode, "greylist"))
        return "450 4.7.1 greylisted, try again later\r\n";
    if (fakesmtp_is(mode, "rcpt354"))
        return "354 go ahead\r\n";
    if (fakesmtp_is(mode, "rcpt251"))
        return "251 user not local; will forward\r\n";
    return "550 5.7.1 relaying denied\r\n";
}

/* The reply to MAIL FROM in line, or NULL to close after mail421's reply. */
static const char *
fakesmtp_mail(const struct fakesmtp_conn *c, const char *mode, const char *line)
{
    if (strncmp(mode, "tls-", 4) == 0 && c->ssl == NULL)
        return "530 5.7.0 Must issue a STARTTLS command first\r\n";
    if (fakesmtp_is(mode, "desync"))
        return "250 ok\r\n550 5.7.1 stray\r\n";
    if (fakesmtp_is(mode, "mailrefuse") ||
        ((fakesmtp_is(mode, "litgate") || fakesmtp_is(mode, "litgate451")) && strchr(line, '[')))
        return "553 5.1.8 sender refused\r\n";
    if (fakesmtp_is(mode, "mail451") || fakesmtp_is(mode, "litgate451"))
        return "451 4.7.1 Service unavailable - try again later\r\n";
    if (fakesmtp_is(mode, "mail421"))
        return "421 4.3.2 shutting down\r\n";
    return "250 ok\r\n";
}

/* STARTTLS as the mode says; 0 to go on, -1 to end the session. */
static int
fakesmtp_starttls(struct fakesmtp_conn *c, const char *mode)
{
    if (fakesmtp_is(mode, "tls-refused") || c->ssl != NULL) {
        fakesmtp_send(c, "454 4.7.0 TLS not available\r\n");
        return 0;
    }
    if (fakesmtp_is(mode, "tls-inject")) {
        fakesmtp_send(c, "220 go ahead\r\n250 injected\r\n");
        fakesmtp_client_gone(c->fd, 2000);
        return -1;
    }
    fakesmtp_send(c, "220 go ahead\r\n");
    if (fakesmtp_is(mode, "tls-broken")) {
        fakesmtp_send(c, "this is no TLS record\r\n");
        fakesmtp_client_gone(c->fd, 2000);
        return -1;
    }
    if ((c->ssl = SSL_new(c->tls)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1 ||
        SSL_accept(c->ssl) != 1)
        return -1;
    return 0;
}

static void
fakesmtp_session(struct fakesmtp_conn *c, const char *mode)
{
    char line[FAKESMTP_LINE_MAX], from[FAKESMTP_LINE_MAX] = "";
    const char *r;
    int data = 0, errors = 0;

    if (fakesmtp_is(mode, "silent")) {
        while (!fakesmtp_client_gone(c->fd, 1000))
            ;
        return;
    }
    if (fakesmtp_is(mode, "drip")) {
        const char *g = "220 a greeting that takes seconds to arrive\r\n";
        for (; *g; g++) {
            if (write(c->fd, g, 1) != 1 || fakesmtp_client_gone(c->fd, FAKESMTP_DRIP_MS))
                return;
        }
    } else {
        fakesmtp_send(c, "220 fakesmtp ESMTP\r\n");
    }
    while (fakesmtp_line(c, line, sizeof(line)) == 0) {
        if (data) {
            if (strcmp(line, ".") == 0) {
                fakesmtp_send(c, fakesmtp_is(mode, "eod451") ? "451 4.7.1 milter unavailable\r\n"
                                                             : "250 queued\r\n");
                data = 0;
            }
        } else if (strncasecmp(line, "EHLO", 4) == 0) {
            fakesmtp_send(c, strncmp(mode, "tls-", 4) == 0 && !fakesmtp_is(mode, "tls-nooffer") &&
                                     c->ssl == NULL
                                 ? "250-fakesmtp\r\n250-STARTTLS\r\n250 PIPELINING\r\n"
                                 : "250-fakesmtp\r\n250 PIPELINING\r\n");
        } else if (strncasecmp(line, "STARTTLS", 8) == 0) {
            if (fakesmtp_starttls(c, mode) == -1)
                return;
        } else if (strncasecmp(line, "MAIL", 4) == 0) {
            size_t i;
            for (i = 0; line[i] != '\0' && i + 1 < sizeof(from); i++)
                from[i] = (char)tolower((unsigned char)line[i]);
            from[i] = '\0';
            if (fakesmtp_is(mode, "mailrefuse") && ++errors == FAKESMTP_ERRORS_MAX) {
                fakesmtp_send(c, "421 4.7.0 too many errors\r\n");
                return;
            }
            fakesmtp_send(c, fakesmtp_mail(c, mode, line));
            if (fakesmtp_is(mode, "mail421"))
                return;
        } else if (strncasecmp(line, "RCPT", 4) == 0) {
            if (fakesmtp_is(mode, "late-stray")) {
                /* a second reply to one command, after the client had the first */
                fakesmtp_send(c, "550 5.7.1 stray\r\n");
                fakesmtp_client_gone(c->fd, 100);
                fakesmtp_send(c, "250 ok\r\n");
            } else {
                fakesmtp_send(c, fakesmtp_rcpt(c, mode, from, line));
            }
        } else if (strncasecmp(line, "DATA", 4) == 0) {
            r = fakesmtp_is(mode, "data250") ? "250 ok\r\n" : "354 go\r\n";
            fakesmtp_send(c, r);
            data = r[0] == '3';
        } else if (strncasecmp(line, "QUIT", 4) == 0) {
            fakesmtp_send(c, "221 bye\r\n");
            return;
        } else {
            fakesmtp_send(c, "250 ok\r\n");
        }
    }
}

/* A TLS server context with a self-signed P-256 certificate made now: the client checks no
 * certificate, so nothing needs to be on disk. NULL on an error. */
static SSL_CTX *
fakesmtp_tls(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    int ok = ctx != NULL && key != NULL && x != NULL;

    if (ok) {
        X509_NAME *n = X509_get_subject_name(x);
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
        X509_gmtime_adj(X509_getm_notBefore(x), -3600);
        X509_gmtime_adj(X509_getm_notAfter(x), 3600);
        X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"fakesmtp", -1, -1,
                                   0);
        ok = X509_set_issuer_name(x, n) == 1 && X509_set_pubkey(x, key) == 1 &&
             X509_sign(x, key, EVP_sha256()) > 0 && SSL_CTX_use_certificate(ctx, x) == 1 &&
             SSL_CTX_use_PrivateKey(ctx, key) == 1;
    }
    X509_free(x);
    EVP_PKEY_free(key);
    if (!ok) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

int
main(int argc, char **argv)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    FILE *f;
    int s, c, one = 1;

    struct fakesmtp_conn conn = {-1, NULL, NULL, NULL};

    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: fakesmtp MODE PORTFILE [LOG]\n");
        return 2;
    }
    if ((conn.tls = fakesmtp_tls()) == NULL) {
        fprintf(stderr, "fakesmtp: cannot make a TLS certificate\n");
        return 1;
    }
    if (argc == 4 && (conn.log = fopen(argv[3], "a")) == NULL) {
        perror(argv[3]);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    alarm(FAKESMTP_LIFETIME);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
        bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 || listen(s, 16) == -1 ||
        getsockname(s, (struct sockaddr *)&sa, &sl) == -1) {
        perror("fakesmtp");
        return 1;
    }
    if ((f = fopen(argv[2], "w")) == NULL || fprintf(f, "%d\n", ntohs(sa.sin_port)) < 0 ||
        fclose(f) != 0) {
        perror(argv[2]);
        return 1;
    }
    while ((c = accept(s, NULL, NULL)) != -1) {
        conn.fd = c;
        fakesmtp_session(&conn, argv[1]);
        SSL_free(conn.ssl);
        conn.ssl = NULL;
        close(c);
    }
    return 0;
}

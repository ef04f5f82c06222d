/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smtpclient.h - one SMTP client session of the live relay audit (relaywarden -A), against the
 * admin's own MTA: connect, commands, replies read by smtpreply.c, STARTTLS.
 */
#ifndef RW_SMTPCLIENT_H
#define RW_SMTPCLIENT_H

#include "smtpreply.h"

#include <stddef.h>
#include <time.h>
#include <arpa/inet.h>
#include <openssl/ssl.h>

/* A command we send: RFC 5321 4.5.3.1.4 allows 512 octets with the CRLF. */
#define SMTPCLIENT_CMD_MAX 512

/* One session. The caller allocates it zeroed (it holds a reply buffer of some 32 KiB: not for
 * a small stack), reads fd, ip, why, timed_out, ssl, offers_tls and tls_no, and ends it with
 * smtpclient_close. Every function here that fails says why in why. */
struct smtpclient {
    int fd;
    int timeout_ms;
    struct timespec deadline; /* of the reply (or write, or connect) being waited for */
    int timed_out;
    char buf[SMTPREPLY_MAX + SMTPREPLY_LINE_MAX]; /* one reply at its longest, and the next line */
    size_t len;
    char ip[INET6_ADDRSTRLEN + 8]; /* the server's address as an address literal */
    char why[256];
    SSL *ssl;                             /* after STARTTLS */
    int offers_tls;                       /* the last reply listed STARTTLS (an EHLO reply) */
    char tls_no[SMTPREPLY_TEXT_MAX + 64]; /* why the session is not in TLS, for a 530 */
};

/* smtpclient_fail - sets why, as printf formats it (cut to its size). */
void smtpclient_fail(struct smtpclient *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* smtpclient_connect - to host (a name or an address) port, within timeout_ms in all; sets ip
 * to the server's address as an address literal ("[192.0.2.1]", "[IPv6:...]"). 0 or -1. */
int smtpclient_connect(struct smtpclient *c, const char *host, const char *port, int timeout_ms);

/* smtpclient_reply - the next reply into *r, within the timeout however it arrives; notes in
 * offers_tls whether it lists STARTTLS. 0 or -1. */
int smtpclient_reply(struct smtpclient *c, struct smtp_reply *r);

/* smtpclient_send - one command line (CRLF added; longer than SMTPCLIENT_CMD_MAX with it is an
 * error) or, with raw, bytes as they are. 0 or -1. */
int smtpclient_send(struct smtpclient *c, const char *s, int raw);

/* smtpclient_unasked - -1 (said: "unasked-for bytes before BEFORE") when the server has sent
 * something we did not ask for yet; 0 when not. Never waits. */
int smtpclient_unasked(struct smtpclient *c, const char *before);

/* smtpclient_cmd - smtpclient_unasked, smtpclient_send and smtpclient_reply. 0 or -1. */
int smtpclient_cmd(struct smtpclient *c, const char *cmd, struct smtp_reply *r);

/* smtpclient_starttls - STARTTLS after an EHLO reply that offered it, the handshake (tls
 * verifies nothing, see liveaudit.c; SNI is host when it is a name) and ehlo sent again, its
 * reply in *r. 0 in TLS; 0 still in plaintext when the server refused STARTTLS (tls_no says
 * so, *r is that refusal); -1. */
int smtpclient_starttls(struct smtpclient *c, SSL_CTX *tls, const char *host, const char *ehlo,
                        struct smtp_reply *r);

/* smtpclient_tls_why - OpenSSL's reason for the last failure (a static string), and its error
 * queue emptied. */
const char *smtpclient_tls_why(void);

/* smtpclient_close - ends the session (close_notify first when in TLS and clean); c can be
 * freed after it. */
void smtpclient_close(struct smtpclient *c, int clean);

#endif

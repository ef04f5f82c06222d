/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fakesmtp.c - a scripted SMTP server for the live audit's tests (liveaudit_cli.sh): it answers
 * the way a relay, a refusing MTA or a hostile one (drip, silence, stray replies) would.
 *   fakesmtp MODE PORTFILE    listens on 127.0.0.1, writes its port to PORTFILE, serves forever
 * MODE: refuse (RCPT 550), relay (RCPT 250), partner (RCPT 250 when MAIL FROM is at
 * partner.example), silent, drip (the greeting a byte at a time), desync (a stray line after the
 * MAIL reply), late-stray (two replies to RCPT, the second 100 ms later).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
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
/* The server ends by itself after this many seconds, so that a test that dies leaves nothing. */
#define FAKESMTP_LIFETIME 300

static void
fakesmtp_send(int fd, const char *s)
{
    size_t off = 0, len = strlen(s);
    ssize_t n;

    while (off < len && (n = write(fd, s + off, len - off)) > 0)
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
fakesmtp_line(int fd, char *line, size_t len)
{
    size_t n = 0;
    char ch;

    while (read(fd, &ch, 1) == 1) {
        if (ch == '\n') {
            if (n > 0 && line[n - 1] == '\r')
                n--;
            line[n] = '\0';
            return 0;
        }
        if (n + 1 < len)
            line[n++] = ch;
    }
    return -1;
}

static void
fakesmtp_session(int fd, const char *mode)
{
    char line[FAKESMTP_LINE_MAX], from[FAKESMTP_LINE_MAX] = "";
    int data = 0;

    if (strcmp(mode, "silent") == 0) {
        while (!fakesmtp_client_gone(fd, 1000))
            ;
        return;
    }
    if (strcmp(mode, "drip") == 0) {
        const char *g = "220 a greeting that takes seconds to arrive\r\n";
        for (; *g; g++) {
            if (write(fd, g, 1) != 1 || fakesmtp_client_gone(fd, FAKESMTP_DRIP_MS))
                return;
        }
    } else {
        fakesmtp_send(fd, "220 fakesmtp ESMTP\r\n");
    }
    while (fakesmtp_line(fd, line, sizeof(line)) == 0) {
        if (data) {
            if (strcmp(line, ".") == 0) {
                fakesmtp_send(fd, "250 queued\r\n");
                data = 0;
            }
        } else if (strncasecmp(line, "EHLO", 4) == 0) {
            fakesmtp_send(fd, "250-fakesmtp\r\n250 PIPELINING\r\n");
        } else if (strncasecmp(line, "MAIL", 4) == 0) {
            size_t i;
            for (i = 0; line[i] != '\0' && i + 1 < sizeof(from); i++)
                from[i] = (char)tolower((unsigned char)line[i]);
            from[i] = '\0';
            fakesmtp_send(fd, strcmp(mode, "desync") == 0 ? "250 ok\r\n550 5.7.1 stray\r\n"
                                                          : "250 ok\r\n");
        } else if (strncasecmp(line, "RCPT", 4) == 0) {
            if (strcmp(mode, "relay") == 0 ||
                (strcmp(mode, "partner") == 0 && strstr(from, "@partner.example>") != NULL)) {
                fakesmtp_send(fd, "250 ok\r\n");
            } else if (strcmp(mode, "late-stray") == 0) {
                /* a second reply to one command, after the client had the first */
                fakesmtp_send(fd, "550 5.7.1 stray\r\n");
                fakesmtp_client_gone(fd, 100);
                fakesmtp_send(fd, "250 ok\r\n");
            } else {
                fakesmtp_send(fd, "550 5.7.1 relaying denied\r\n");
            }
        } else if (strncasecmp(line, "DATA", 4) == 0) {
            fakesmtp_send(fd, "354 go\r\n");
            data = 1;
        } else if (strncasecmp(line, "QUIT", 4) == 0) {
            fakesmtp_send(fd, "221 bye\r\n");
            return;
        } else {
            fakesmtp_send(fd, "250 ok\r\n");
        }
    }
}

int
main(int argc, char **argv)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    FILE *f;
    int s, c, one = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: fakesmtp MODE PORTFILE\n");
        return 2;
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
        fakesmtp_session(c, argv[1]);
        close(c);
    }
    return 0;
}

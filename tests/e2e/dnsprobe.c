/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dnsprobe.c - runs relaywarden's own iprev lookup (milter/dns.c) against a given DNS server
 * and prints "verdict|ptr|detail|stamp", for tests/e2e/rdns.sh and its dnsmasq.
 *   dnsprobe SERVER[:PORT] ADDRESS [TIMEOUT_MS]
 *   dnsprobe blackhole ADDRESS [TIMEOUT_MS]    a server that reads queries and never answers
 *   dnsprobe servfail-server SECONDS           answers every query SERVFAIL for SECONDS; prints
 *                                              its port first (dnsmasq forwards a zone to it)
 *   dnsprobe ptrnames SERVER[:PORT] ADDRESS    the PTR names of an IPv4 ADDRESS in the order
 *                                              c-ares hands them on, one line, space-separated
 */
#include "dns.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

/* Binds a UDP socket on 127.0.0.1 and an ephemeral port; returns it, port in *port. */
static int
probe_socket(int *port)
{
    struct sockaddr_in sin = {0};
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd == -1 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
        getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
        perror("dnsprobe: socket");
        exit(2);
    }
    *port = ntohs(sin.sin_port);
    return fd;
}

/* Answers every query with its own header, QR set and RCODE 2 (SERVFAIL), for a bounded time. */
static int
probe_servfail_server(int seconds)
{
    unsigned char buf[512];
    struct sockaddr_in from;
    socklen_t flen;
    time_t end = time(NULL) + seconds;
    int port, fd = probe_socket(&port);
    struct timeval tv = {1, 0};

    printf("%d\n", port);
    fflush(stdout);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while (time(NULL) < end) {
        ssize_t n;
        flen = sizeof(from);
        n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
        if (n < 12)
            continue;
        buf[2] |= 0x80;               /* QR: a response */
        buf[3] = (buf[3] & 0xf0) | 2; /* RCODE 2: SERVFAIL */
        sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
    }
    return 0;
}

static void
probe_ptr_cb(void *arg, int status, int timeouts, struct hostent *h)
{
    int i;

    (void)arg;
    (void)timeouts;
    if (status != ARES_SUCCESS || h == NULL) {
        printf("error: %s\n", ares_strerror(status));
        return;
    }
    for (i = 0; h->h_aliases != NULL && h->h_aliases[i] != NULL; i++)
        printf("%s%s", i ? " " : "", h->h_aliases[i]);
    printf("\n");
}

/* The order of the PTR names, so that the test knows where its confirming name stands. */
static int
probe_ptrnames(const char *server, const char *addr)
{
    struct ares_options opt = {0};
    struct in_addr in;
    ares_channel ch;

    opt.lookups = (char *)"b";
    if (inet_pton(AF_INET, addr, &in) != 1 ||
        ares_init_options(&ch, &opt, ARES_OPT_LOOKUPS) != ARES_SUCCESS ||
        ares_set_servers_ports_csv(ch, server) != ARES_SUCCESS)
        return 2;
    ares_gethostbyaddr(ch, &in, sizeof(in), AF_INET, probe_ptr_cb, NULL);
    for (;;) {
        fd_set rd, wr;
        struct timeval tv, *tvp;
        int nfds;

        FD_ZERO(&rd);
        FD_ZERO(&wr);
        if ((nfds = ares_fds(ch, &rd, &wr)) == 0)
            break;
        tvp = ares_timeout(ch, NULL, &tv);
        select(nfds, &rd, &wr, NULL, tvp);
        ares_process(ch, &rd, &wr);
    }
    ares_destroy(ch);
    return 0;
}

int
main(int argc, char **argv)
{
    struct dns_config cfg = {0};
    struct rdns_result r;
    char server[64], stamp[RDNS_HEADER_MAX];
    int fd = -1;

    (void)fd;

    if (argc < 3) {
        fprintf(stderr, "usage: dnsprobe SERVER[:PORT]|blackhole ADDRESS [TIMEOUT_MS]\n");
        return 2;
    }
    if (strcmp(argv[1], "servfail-server") == 0)
        return probe_servfail_server(atoi(argv[2]));
    if (strcmp(argv[1], "ptrnames") == 0 && argc > 3)
        return dns_init() == -1 ? 2 : probe_ptrnames(argv[2], argv[3]);
    if (strcmp(argv[1], "blackhole") == 0) {
        int port;
        fd = probe_socket(&port);
        snprintf(server, sizeof(server), "127.0.0.1:%d", port);
        cfg.server = server;
    } else {
        cfg.server = argv[1];
    }
    cfg.timeout_ms = argc > 3 ? atoi(argv[3]) : 2000;
    if (dns_init() == -1)
        return 2;
    dns_iprev(argv[2], &cfg, &r);
    rdns_format_stamp(&r, argv[2], stamp, sizeof(stamp));
    printf("%s|%s|%s|%s\n", rdns_verdict_name(r.verdict), r.ptr, r.detail, stamp);
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * notifysink.c - stands in for systemd's notify socket in tests/e2e/lifecycle.sh: binds a unix
 * datagram socket at PATH and prints each message received as one line, until SECONDS pass.
 *   notifysink PATH SECONDS
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* sd_notify messages are short state lines; anything longer is cut and marked. */
#define NOTIFYSINK_MSG_MAX 4096

int
main(int argc, char **argv)
{
    struct sockaddr_un sa;
    char buf[NOTIFYSINK_MSG_MAX + 1];
    struct pollfd pfd;
    time_t end;
    ssize_t n;
    int fd;

    if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "usage: notifysink PATH SECONDS\n");
        return 2;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
    unlink(argv[1]);
    if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
        bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
        perror("notifysink");
        return 1;
    }
    end = time(NULL) + atoi(argv[2]);
    pfd.fd = fd;
    pfd.events = POLLIN;
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (time(NULL) < end) {
        if (poll(&pfd, 1, 100) <= 0)
            continue;
        if ((n = recv(fd, buf, NOTIFYSINK_MSG_MAX + 1, MSG_TRUNC)) < 0)
            continue;
        if (n > NOTIFYSINK_MSG_MAX) {
            printf("(message of %zd bytes, longer than %d)\n", n, NOTIFYSINK_MSG_MAX);
            continue;
        }
        buf[n] = '\0';
        printf("%s\n", buf);
    }
    unlink(argv[1]);
    return 0;
}

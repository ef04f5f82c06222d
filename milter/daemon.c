/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * daemon.c - pid file with a lock, detaching so that the parent returns only once the child is
 * ready or has failed, systemd's notify protocol (sd_notify without libsystemd: one datagram),
 * and the unix socket checked before binding and removed at stop. See daemon.h.
 */
#include "config.h"

#include "daemon.h"
#include "log.h"
#include "ownfile.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* A pid is at most 10 digits: pid_t is 32 bits and Linux's pid_max is at most 2^22. */
#define DAEMON_PID_DIGITS 10
/* The longest pid file we write (10 digits and a newline) and its NUL, with room to spare: a
 * longer existing file is not one of ours. */
#define DAEMON_PID_TEXT 16

static int daemon_ready_fd = -1; /* write end of the pipe the detached parent waits on */
static int daemon_sock_known;
static dev_t daemon_sock_dev;
static ino_t daemon_sock_ino;
static char daemon_sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

char *
daemon_absolute(const char *path)
{
    char *cwd, *abs;
    size_t n;

    if (path[0] == '/')
        return strdup(path);
    if ((cwd = getcwd(NULL, 0)) == NULL)
        return NULL;
    n = strlen(cwd) + 1 + strlen(path) + 1;
    if ((abs = malloc(n)) != NULL)
        snprintf(abs, n, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path);
    free(cwd);
    return abs;
}

/* daemon_pidfile_is_ours - the text of an existing pid file is one a relaywarden wrote: empty
 * (emptied at a stop that could not unlink it) or one line of 1 to DAEMON_PID_DIGITS digits. */
static int
daemon_pidfile_is_ours(const char *text, size_t n)
{
    size_t d = 0;

    while (d < n && text[d] >= '0' && text[d] <= '9')
        d++;
    if (n == 0)
        return 1;
    if (d == 0 || d > DAEMON_PID_DIGITS)
        return 0;
    return d == n || (d + 1 == n && text[d] == '\n');
}

int
daemon_pidfile_lock(const char *path, int *fd, char *err, size_t errlen)
{
    char text[DAEMON_PID_TEXT], ep[LOG_ARG_SIZE];
    const char *why = NULL;
    struct stat st;
    ssize_t n = 0;
    int f;

    log_arg(ep, path);
    /* A new file, or an existing one opened as a file we may replace (ownfile.h: a regular
     * file of one link, not through a symbolic link) and checked before a byte of it changes:
     * -P /etc/passwd must never be truncated. */
    f = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (f == -1 && errno == EEXIST && ownfile_open(path, O_RDWR, &f, &st, &why) == 1)
        errno = ENOENT; /* removed between the two opens: say so */
    if (f == -1 && why != NULL && S_ISDIR(st.st_mode)) {
        why = NULL; /* as open(2) has always said it */
        errno = EISDIR;
    }
    if (f == -1 && (why == NULL || strcmp(why, OWNFILE_SYMLINK) == 0)) {
        snprintf(err, errlen, "cannot open pid file %s: %s", ep,
                 errno == ELOOP || why != NULL ? "it is a symbolic link" : strerror(errno));
        return -1;
    }
    /* refused by ownfile_open (not a regular file, several links), or not a pid file */
    if (f == -1 || fstat(f, &st) == -1 || st.st_size > DAEMON_PID_TEXT - 1 ||
        (n = pread(f, text, sizeof(text) - 1, 0)) < 0 || !daemon_pidfile_is_ours(text, (size_t)n)) {
        snprintf(err, errlen,
                 "pid file %s exists and is not a relaywarden pid file (a regular file "
                 "holding one process id line): not overwriting it",
                 ep);
        if (f != -1)
            close(f);
        return -1;
    }
    text[n] = '\0';
    if (flock(f, LOCK_EX | LOCK_NB) == -1) {
        int e = errno;

        text[strcspn(text, "\n")] = '\0';
        if (e == EWOULDBLOCK)
            snprintf(err, errlen, "another relaywarden (pid %s) holds the lock on %s: not starting",
                     text[0] ? text : "unknown", ep);
        else
            snprintf(err, errlen, "cannot lock pid file %s: %s", ep, strerror(e));
        close(f);
        return -1;
    }
    *fd = f;
    return 0;
}

int
daemon_pidfile_write(int fd, const char *path, char *err, size_t errlen)
{
    char text[DAEMON_PID_TEXT];
    int n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());

    if (ftruncate(fd, 0) == -1 || pwrite(fd, text, (size_t)n, 0) != n) {
        snprintf(err, errlen, "cannot write pid file %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int
daemon_pidfile_remove(const char *path, int fd)
{
    int rc = 0;

    if (unlink(path) == -1 && errno != ENOENT) {
        /* An empty unlocked file names no process: nothing will signal a stranger by it. */
        if (ftruncate(fd, 0) == -1) {
            /* nothing more can be done; the lock still goes with the descriptor */
        }
        rc = -1;
    }
    close(fd);
    return rc;
}

const char *
daemon_unix_path(const char *conn)
{
    if (strncmp(conn, "unix:", 5) == 0)
        return conn + 5;
    if (strncmp(conn, "local:", 6) == 0)
        return conn + 6;
    if (conn[0] == '/')
        return conn;
    return NULL;
}

/* daemon_unix_addr - the sockaddr for path; -1 when the path does not fit sun_path. */
static int
daemon_unix_addr(const char *path, struct sockaddr_un *sa, char *err, size_t errlen)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa->sun_path)) {
        char ep[LOG_ARG_SIZE];

        snprintf(err, errlen, "socket path %s is too long (at most %zu bytes)", log_arg(ep, path),
                 sizeof(sa->sun_path) - 1);
        return -1;
    }
    memcpy(sa->sun_path, path, strlen(path) + 1);
    return 0;
}

/* daemon_inet_port - the PORT of "inet:PORT@HOST" / "inet6:PORT@HOST" checked: libmilter
 * takes a port that starts with a digit with atoi into 16 bits, so 99999 would quietly become
 * 34463 and 25x port 25. A name (smtp) is left to libmilter's getservbyname. 0 or -1. */
static int
daemon_inet_port(const char *conn, const char *spec, char *err, size_t errlen)
{
    char port[8], ec[LOG_ARG_SIZE];
    size_t n = strcspn(spec, "@");

    if (n > 0 && spec[0] >= '0' && spec[0] <= '9') {
        if (n < sizeof(port)) {
            memcpy(port, spec, n);
            port[n] = '\0';
        }
        if (n >= sizeof(port) || util_port(port) == -1) {
            snprintf(err, errlen, "milter socket %s: the port must be 1 to %d (inet:PORT@HOST)",
                     log_arg(ec, conn), UTIL_PORT_MAX);
            return -1;
        }
    } else if (n == 0) {
        snprintf(err, errlen, "milter socket %s: no port (inet:PORT@HOST)", log_arg(ec, conn));
        return -1;
    }
    return 0;
}

int
daemon_socket_check(const char *conn, char *err, size_t errlen)
{
    const char *path = daemon_unix_path(conn);
    char ep[LOG_ARG_SIZE];
    struct sockaddr_un sa;
    struct stat st;
    int fd, rc;

    if (strncmp(conn, "inet:", 5) == 0)
        return daemon_inet_port(conn, conn + 5, err, errlen);
    if (strncmp(conn, "inet6:", 6) == 0)
        return daemon_inet_port(conn, conn + 6, err, errlen);
    if (path == NULL)
        return 0; /* an unknown kind: libmilter refuses it, daemon_socket_diagnose says why */
    if (daemon_unix_addr(path, &sa, err, errlen) == -1)
        return -1;
    /* libmilter removes a stale socket before binding; anything else there is not ours. */
    if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
        snprintf(err, errlen, "socket path %s exists and is not a socket: not replacing it",
                 log_arg(ep, path));
        return -1;
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
        return 0;
    rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    close(fd);
    if (rc == 0) {
        snprintf(err, errlen, "another process listens on %s: not taking its socket over",
                 log_arg(ep, path));
        return -1;
    }
    return 0;
}

/* daemon_inet_bind - bind "PORT[@HOST]" of the given family once, for its errno. */
static int
daemon_inet_bind(int family, const char *spec)
{
    char port[64], *at;
    const char *host = NULL;
    struct addrinfo hints, *ai = NULL;
    int fd, on = 1, e = 0, g;

    snprintf(port, sizeof(port), "%s", spec);
    if ((at = strchr(port, '@')) != NULL) {
        *at = '\0';
        host = spec + (at - port) + 1;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if ((g = getaddrinfo(host, port, &hints, &ai)) != 0)
        return g == EAI_SYSTEM ? errno : EADDRNOTAVAIL;
    if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
        e = errno;
    else {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1)
            e = errno;
        close(fd);
    }
    freeaddrinfo(ai);
    return e;
}

void
daemon_socket_diagnose(const char *conn, char *err, size_t errlen)
{
    const char *path = daemon_unix_path(conn);
    struct sockaddr_un sa;
    char ec[LOG_ARG_SIZE];
    int fd, e = 0;

    log_arg(ec, conn);

    if (path != NULL) {
        if (daemon_unix_addr(path, &sa, err, errlen) == -1)
            return;
        if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
            e = errno;
        else {
            if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
                e = errno;
            else
                unlink(path);
            close(fd);
        }
    } else if (strncmp(conn, "inet:", 5) == 0) {
        e = daemon_inet_bind(AF_INET, conn + 5);
    } else if (strncmp(conn, "inet6:", 6) == 0) {
        e = daemon_inet_bind(AF_INET6, conn + 6);
    } else {
        snprintf(err, errlen,
                 "cannot open milter socket %s: unknown kind of socket "
                 "(unix:/path, inet:PORT@HOST or inet6:PORT@HOST)",
                 ec);
        return;
    }
    if (e == EADDRNOTAVAIL)
        snprintf(err, errlen,
                 "cannot open milter socket %s: the host is not an address of "
                 "this machine or the port is unknown",
                 ec);
    else if (e != 0)
        snprintf(err, errlen, "cannot open milter socket %s: %s", ec, strerror(e));
    else
        snprintf(err, errlen,
                 "cannot open milter socket %s (libmilter gave no reason; the "
                 "address binds now)",
                 ec);
}

void
daemon_socket_remember(const char *conn)
{
    const char *path = daemon_unix_path(conn);
    struct stat st;

    if (path == NULL || strlen(path) >= sizeof(daemon_sock_path) || stat(path, &st) == -1)
        return;
    memcpy(daemon_sock_path, path, strlen(path) + 1);
    daemon_sock_dev = st.st_dev;
    daemon_sock_ino = st.st_ino;
    daemon_sock_known = 1;
}

int
daemon_socket_remove(void)
{
    struct stat st;

    if (!daemon_sock_known)
        return 0;
    if (stat(daemon_sock_path, &st) == -1)
        return errno == ENOENT ? 0 : -1;
    if (st.st_dev != daemon_sock_dev || st.st_ino != daemon_sock_ino)
        return 0; /* another instance's socket now */
    return unlink(daemon_sock_path) == -1 ? -1 : 0;
}

int
daemon_detach(char *err, size_t errlen)
{
    int p[2], status;
    char b;
    ssize_t n;
    pid_t pid;

    if (pipe(p) == -1) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    if ((pid = fork()) == -1) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid > 0) {
        /* The parent: exit 0 only on the child's word that it is ready. */
        close(p[1]);
        do
            n = read(p[0], &b, 1);
        while (n == -1 && errno == EINTR);
        if (n == 1)
            _exit(0);
        if (waitpid(pid, &status, WNOHANG) == pid && WIFEXITED(status) && WEXITSTATUS(status))
            _exit(WEXITSTATUS(status));
        _exit(1);
    }
    close(p[0]);
    daemon_ready_fd = p[1];
    if (setsid() == -1 || chdir("/") == -1) {
        snprintf(err, errlen, "setsid or chdir /: %s", strerror(errno));
        return -1;
    }
    return 0;
}

void
daemon_ready(int detached)
{
    int fd;

    if (detached) {
        if ((fd = open("/dev/null", O_RDWR)) != -1) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
            if (fd > 2)
                close(fd);
        }
        if (daemon_ready_fd != -1) {
            if (write(daemon_ready_fd, "", 1) != 1) {
                /* the parent is gone: nobody waits for the word */
            }
            close(daemon_ready_fd);
            daemon_ready_fd = -1;
        }
    }
    daemon_notify("READY=1");
}

void
daemon_notify(const char *state)
{
    const char *name = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa;
    socklen_t len;
    int fd;

    if (name == NULL || (name[0] != '/' && name[0] != '@') || strlen(name) >= sizeof(sa.sun_path))
        return;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, name, strlen(name));
    if (name[0] == '@')
        sa.sun_path[0] = '\0'; /* the abstract namespace */
    len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
    if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
        return;
    if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, len) == -1) {
        /* systemd went away: there is no one left to tell */
    }
    close(fd);
}

int
daemon_stderr_is_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;

    if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st) == -1)
        return 0;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * main.c - relaywarden daemon: options, rules check (-n), socket, privilege drop, pid file,
 * and libmilter's main loop. SIGHUP reloads the rules (reload.c), SIGTERM stops cleanly.
 */
#include "config.h"

#include "audit.h"
#include "callbacks.h"
#include "liveaudit.h"
#include "env_milter.h"
#include "log.h"
#include "reload.h"
#include "rules.h"
#include "stats.h"
#include "trial.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAIN_DEFAULT_RULES "/etc/relaywarden/relaywarden.rules"
#define MAIN_DEFAULT_SOCKET "unix:/run/relaywarden/relaywarden.sock"
/* Debian's prometheus-node-exporter reads its textfile collector's files from here. */
#define MAIN_DEFAULT_METRICS "/var/lib/prometheus/node-exporter/relaywarden.prom"
/* The rules check prints errors from this buffer: RULES_MAX_REPORTED_ERRORS lines fit. */
#define MAIN_ERRBUF (64 * 1024)

static void
main_usage(FILE *f)
{
    fprintf(f,
            "usage: relaywarden [-fhnVW] [-c rules] [-l facility] [-p socket] [-P pidfile] "
            "[-u user] [-m metrics-file [-M secs]]\n"
            "       relaywarden -s [-m metrics-file]\n"
            "       relaywarden -A HOST[:PORT] --domain OURS ... (relaywarden -A x --help)\n"
            "       relaywarden [-c rules] -t --listener NAME ... --from ADDR --to ADDR [MESSAGE]\n"
            "  -c FILE      rules file (default %s)\n"
            "  -p SOCKET    milter socket: unix:/path or inet:PORT@HOST (default %s)\n"
            "  -u USER      drop privileges to USER after the socket is bound\n"
            "  -P FILE      write the process id to FILE\n"
            "  -l FACILITY  syslog facility: mail (default), daemon, local0..local7\n"
            "  -f           stay in the foreground and copy log lines to stderr\n"
            "  -n           check the rules file and exit\n"
            "  -W           the audit's warnings are errors (with -n, and at every load)\n"
            "  -m FILE      write the counters there for node_exporter's textfile collector\n"
            "  -M SECS      ... every SECS seconds (default %d)\n"
            "  -s           print the counters of a running relaywarden (from -m FILE, default\n"
            "               %s) for a person and exit\n"
            "  -t ...       offline trial of one session: relaywarden -t --help for its options\n"
            "  -h           this help\n"
            "  -V           print the version\n",
            MAIN_DEFAULT_RULES, MAIN_DEFAULT_SOCKET, STATS_INTERVAL_DEFAULT, MAIN_DEFAULT_METRICS);
}

/* -n: print "configuration OK" or every error, exit 0 / 1. The audit's warnings go to stderr
 * before it; with -W they are errors. */
static int
main_check(const char *path, int strict)
{
    char *err = malloc(MAIN_ERRBUF);
    struct ruleset *rs;
    int nwarn;

    if (err == NULL) {
        fprintf(stderr, "relaywarden: out of memory\n");
        return 1;
    }
    if ((rs = rules_load(path, err, MAIN_ERRBUF)) == NULL) {
        fputs(err, stderr);
        free(err);
        return 1;
    }
    if ((nwarn = audit_ruleset(rs, err, MAIN_ERRBUF)) != 0) {
        fputs(err, stderr);
        if (strict || nwarn < 0) {
            if (nwarn > 0)
                fprintf(stderr, "%s: %d warning%s, treated as errors (-W)\n", path, nwarn,
                        nwarn == 1 ? "" : "s");
            rules_unref(rs);
            free(err);
            return 1;
        }
    }
    printf("configuration OK (%zu rules, %zu listeners)\n", rules_count(rs), rs->nlisteners);
    rules_unref(rs);
    free(err);
    return 0;
}

/* A unix socket must not be world-writable: 0660, owned by the user we run as. */
static int
main_secure_socket(const char *conn, const struct passwd *pw)
{
    const char *path;

    if (strncmp(conn, "unix:", 5) == 0)
        path = conn + 5;
    else if (strncmp(conn, "local:", 6) == 0)
        path = conn + 6;
    else if (conn[0] == '/')
        path = conn;
    else
        return 0;
    if (chmod(path, 0660) == -1) {
        log_msg(LOG_ERR, "chmod %s: %s", path, strerror(errno));
        return -1;
    }
    if (pw != NULL && chown(path, pw->pw_uid, pw->pw_gid) == -1) {
        log_msg(LOG_ERR, "chown %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/*
 * libmilter does not hand out its listening socket, so find it: the only listening TCP socket
 * this process has right after smfi_opensocket. TCP_NODELAY set there is inherited by every
 * accepted connection; without it a reply written in two parts waits for the MTA's delayed
 * ACK, about 40 ms per round trip on Linux.
 */
static void
main_tcp_nodelay(void)
{
    int fd, on = 1, listening;
    socklen_t len;
    struct sockaddr_storage ss;

    for (fd = 3; fd < 64; fd++) {
        len = sizeof(listening);
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == -1 || !listening)
            continue;
        len = sizeof(ss);
        if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1 ||
            (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
            continue;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == -1)
            log_msg(LOG_WARNING, "TCP_NODELAY on the milter socket: %s", strerror(errno));
    }
}

static int
main_drop_privileges(const struct passwd *pw)
{
    if (initgroups(pw->pw_name, pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
        setuid(pw->pw_uid) == -1) {
        log_msg(LOG_ERR, "cannot switch to user %s: %s", pw->pw_name, strerror(errno));
        return -1;
    }
    if (pw->pw_uid != 0 && setuid(0) != -1) {
        log_msg(LOG_ERR, "privileges could be regained after switching to %s", pw->pw_name);
        return -1;
    }
    return 0;
}

static int
main_write_pidfile(const char *path)
{
    FILE *f = fopen(path, "w");

    if (f == NULL || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
        log_msg(LOG_ERR, "cannot write pid file %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int
main_daemonize(void)
{
    pid_t pid = fork();
    int fd;

    if (pid == -1) {
        log_msg(LOG_ERR, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid > 0)
        _exit(0);
    if (setsid() == -1)
        return -1;
    if ((fd = open("/dev/null", O_RDWR)) != -1) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2)
            close(fd);
    }
    return chdir("/");
}

int
main(int argc, char **argv)
{
    const char *rules = MAIN_DEFAULT_RULES, *sock = MAIN_DEFAULT_SOCKET, *user = NULL;
    const char *pidfile = NULL;
    struct passwd *pw = NULL;
    int ch, foreground = 0, check = 0, facility = LOG_MAIL, rc, strict = 0, show = 0;
    int interval = STATS_INTERVAL_DEFAULT;
    const char *metrics = NULL;
    char serr[512];

    /* -t (the offline trial) and -A (the live relay audit) take long options of their own. */
    for (ch = 1; ch < argc && strcmp(argv[ch], "--") != 0; ch++)
        if (strcmp(argv[ch], "-t") == 0)
            return trial_main(rules, argc, argv);
        else if (strcmp(argv[ch], "-A") == 0)
            return liveaudit_main(argc, argv);
    while ((ch = getopt(argc, argv, "c:fhl:M:m:nP:p:su:VW")) != -1) {
        switch (ch) {
        case 'c':
            rules = optarg;
            break;
        case 'f':
            foreground = 1;
            break;
        case 'h':
            main_usage(stdout);
            return 0;
        case 'l':
            if ((facility = log_facility(optarg)) == -1) {
                fprintf(stderr, "relaywarden: unknown syslog facility \"%s\"\n", optarg);
                return 2;
            }
            break;
        case 'n':
            check = 1;
            break;
        case 'm':
            metrics = optarg;
            if (metrics[0] != '/') { /* the daemon changes to / */
                fprintf(stderr, "relaywarden: -m takes an absolute path\n");
                return 2;
            }
            break;
        case 'M':
            interval = strlen(optarg) < 6 && strspn(optarg, "0123456789") == strlen(optarg)
                           ? atoi(optarg)
                           : 0;
            if (interval < 1 || interval > STATS_INTERVAL_MAX) {
                fprintf(stderr, "relaywarden: -M takes 1 to %d seconds, got \"%s\"\n",
                        STATS_INTERVAL_MAX, optarg);
                return 2;
            }
            break;
        case 's':
            show = 1;
            break;
        case 'P':
            pidfile = optarg;
            break;
        case 'p':
            sock = optarg;
            break;
        case 'u':
            user = optarg;
            break;
        case 'W':
            strict = 1;
            reload_set_strict(1);
            break;
        case 'V':
            printf("relaywarden %s\n", PACKAGE_VERSION);
            return 0;
        default:
            main_usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        main_usage(stderr);
        return 2;
    }
    if (check)
        return main_check(rules, strict);
    if (show) {
        metrics = metrics ? metrics : MAIN_DEFAULT_METRICS;
        if (stats_show(metrics, stdout, serr, sizeof(serr)) == -1) {
            fprintf(stderr, "relaywarden: %s\n", serr);
            return 1;
        }
        return 0;
    }

    log_open("relaywarden", facility, foreground);
    if (user != NULL) {
        if ((pw = getpwnam(user)) == NULL) {
            log_msg(LOG_ERR, "unknown user %s", user);
            return 1;
        }
        if (geteuid() != 0 && geteuid() != pw->pw_uid) {
            log_msg(LOG_ERR, "-u %s needs root", user);
            return 1;
        }
    }
    if (env_milter_init() == -1) {
        log_msg(LOG_ERR, "cannot initialize the DNS resolver library or the iprev cache");
        return 1;
    }
    if (stats_init() == -1) {
        log_msg(LOG_ERR, "out of memory");
        return 1;
    }
    callbacks_count_bytes = metrics != NULL;
    if (reload_init(rules) == -1) {
        log_msg(LOG_ERR, "%s has errors: not starting", rules);
        return 1;
    }
    if (smfi_setconn((char *)sock) == MI_FAILURE || smfi_register(callbacks_desc) == MI_FAILURE) {
        log_msg(LOG_ERR, "cannot set up milter socket %s", sock);
        return 1;
    }
    umask(0117); /* the socket is created 0660, and so is the pid file */
    if (smfi_opensocket(1) == MI_FAILURE) {
        log_msg(LOG_ERR, "cannot open milter socket %s", sock);
        return 1;
    }
    if (main_secure_socket(sock, pw) == -1)
        return 1;
    main_tcp_nodelay();
    if (!foreground && main_daemonize() == -1)
        return 1;
    if (pidfile != NULL && main_write_pidfile(pidfile) == -1)
        return 1;
    if (pw != NULL && pw->pw_uid != geteuid() && main_drop_privileges(pw) == -1)
        return 1;
    if (pw == NULL && geteuid() == 0)
        log_msg(LOG_WARNING, "running as root: use -u USER to drop privileges");
    /* after the fork and the switch of user: the thread must live in the daemon, and the file
     * belongs to the user relaywarden runs as */
    if (metrics != NULL && stats_textfile_start(metrics, interval, serr, sizeof(serr)) == -1) {
        log_msg(LOG_ERR, "%s", serr);
        return 1;
    }
    log_msg(LOG_NOTICE, "relaywarden %s started on %s with %s", PACKAGE_VERSION, sock, rules);
    rc = smfi_main();
    stats_textfile_stop();
    log_msg(LOG_NOTICE, "relaywarden stopped");
    if (pidfile != NULL)
        unlink(pidfile);
    reload_shutdown();
    return rc == MI_SUCCESS ? 0 : 1;
}

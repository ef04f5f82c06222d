/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * main.c - relaywarden daemon: options, rules check (-n), socket, privilege drop, pid file,
 * and libmilter's main loop. Every start-up failure is printed on stderr with its reason before
 * the command returns (daemon.c); signals.c says what each signal does.
 */
#include "config.h"

#include "audit.h"
#include "callbacks.h"
#include "daemon.h"
#include "liveaudit.h"
#include "env_milter.h"
#include "geoip_db.h" /* geoip */
#include "log.h"
#include "reload.h"
#include "rules.h"
#include "signals.h"
#include "stats.h"
#include "trial.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* configure's --sysconfdir (Makefile.am passes it); /etc for a Debian package. */
#ifndef RW_SYSCONFDIR
#define RW_SYSCONFDIR "/etc"
#endif
#define MAIN_DEFAULT_RULES RW_SYSCONFDIR "/relaywarden/relaywarden.rules"
#define MAIN_DEFAULT_SOCKET "unix:/run/relaywarden/relaywarden.sock"
/* The systemd unit's StateDirectory=, writable under its ProtectSystem=strict; node_exporter's
 * textfile collector reads the file through a link in its own directory (relaywarden(8)). */
#define MAIN_DEFAULT_METRICS "/var/lib/relaywarden/relaywarden.prom"
/* The rules check prints errors from this buffer: RULES_MAX_REPORTED_ERRORS lines fit. */
#define MAIN_ERRBUF (64 * 1024)
/* The options getopt takes (-t and -A are taken before it, with long options of their own);
 * -h prints each, and relaywarden(8) describes each (tests/unit/options.sh compares them). */
#define MAIN_OPTSTRING ":c:fhl:M:m:nP:p:su:VW"
/* A start-up failure's reason: a path (PATH_MAX) and a sentence around it. */
#define MAIN_STARTERR 5120

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
            "  -A HOST ...  audit a server's relay: relaywarden -A x --help for its options\n"
            "  -h           this help\n"
            "  -V           print the version\n",
            MAIN_DEFAULT_RULES, MAIN_DEFAULT_SOCKET, STATS_INTERVAL_DEFAULT, MAIN_DEFAULT_METRICS);
}

/* main_report - each line of a report on stderr, with the prefix every other error of the
 * command has. */
static void
main_report(const char *lines)
{
    const char *s = lines, *e;

    while (*s) {
        e = strchr(s, '\n');
        if (e == NULL)
            e = s + strlen(s);
        fprintf(stderr, "relaywarden: %.*s\n", (int)(e - s), s);
        s = *e ? e + 1 : e;
    }
}

/* -n: print "configuration OK" or every error, exit 0 / 1. The audit's warnings go to stderr
 * before it; with -W they are errors. */
static int
main_check(const char *path, int strict)
{
    char ep[LOG_ARG_SIZE];
    char *err = malloc(MAIN_ERRBUF);
    struct ruleset *rs;
    int nwarn;

    if (err == NULL) {
        fprintf(stderr, "relaywarden: out of memory\n");
        return 1;
    }
    if ((rs = rules_load(path, err, MAIN_ERRBUF)) == NULL) {
        main_report(err);
        free(err);
        return 1;
    }
    if (geoip_db_open(rs, err, MAIN_ERRBUF) == -1) { /* geoip: the databases the rules name */
        fputs(err, stderr);
        rules_unref(rs);
        free(err);
        return 1;
    }
    if ((nwarn = audit_ruleset(rs, err, MAIN_ERRBUF)) != 0) {
        main_report(err);
        if (strict || nwarn < 0) {
            if (nwarn > 0)
                fprintf(stderr, "relaywarden: %s: %d warning%s, treated as errors (-W)\n",
                        log_arg(ep, path), nwarn, nwarn == 1 ? "" : "s");
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
    const char *path = daemon_unix_path(conn);
    char ep[LOG_ARG_SIZE];

    if (path == NULL)
        return 0;
    if (chmod(path, 0660) == -1) {
        log_msg(LOG_ERR, "chmod %s: %s", log_arg(ep, path), strerror(errno));
        return -1;
    }
    if (pw != NULL && chown(path, pw->pw_uid, pw->pw_gid) == -1) {
        log_msg(LOG_ERR, "chown %s: %s", log_arg(ep, path), strerror(errno));
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
    char eu[LOG_ARG_SIZE];

    if (initgroups(pw->pw_name, pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
        setuid(pw->pw_uid) == -1) {
        log_msg(LOG_ERR, "cannot switch to user %s: %s", log_arg(eu, pw->pw_name), strerror(errno));
        return -1;
    }
    if (pw->pw_uid != 0 && setuid(0) != -1) {
        log_msg(LOG_ERR, "privileges could be regained after switching to %s",
                log_arg(eu, pw->pw_name));
        return -1;
    }
    return 0;
}

/* main_log_lines - each line of a parser's report as a log line of its own. */
static void
main_log_lines(const char *lines)
{
    const char *s = lines, *e;

    while (*s) {
        e = strchr(s, '\n');
        if (e == NULL)
            e = s + strlen(s);
        log_msg(LOG_ERR, "%.*s", (int)(e - s), s);
        s = *e ? e + 1 : e;
    }
}

/*
 * main_check_as_user - the rules, every include and every list file load as pw, the user the
 * daemon becomes after binding: every reload reads them as that user. Checked in a child that
 * switches user, so that this process keeps root for the socket. 0, or -1 with the errors
 * logged and the reason in (err, errlen) (the child's report comes through a pipe, read to
 * its end before the wait).
 */
static int
main_check_as_user(const char *rules, const struct passwd *pw, char *err, size_t errlen)
{
    char *report = malloc(MAIN_ERRBUF), eu[LOG_ARG_SIZE], er[LOG_ARG_SIZE];
    size_t used = 0;
    struct ruleset *rs;
    ssize_t n;
    int p[2], status;
    pid_t pid, w;

    if (report == NULL || pipe(p) == -1 || (pid = fork()) == -1) {
        snprintf(err, errlen, "cannot check the rules as user %s: %s", log_arg(eu, pw->pw_name),
                 report == NULL ? "out of memory" : strerror(errno));
        free(report);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        if (initgroups(pw->pw_name, pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
            setuid(pw->pw_uid) == -1) {
            snprintf(report, MAIN_ERRBUF, "cannot switch to the user: %s\n", strerror(errno));
            rs = NULL;
        } else
            rs = rules_load(rules, report, MAIN_ERRBUF);
        /* geoip: every reload opens the databases as that user too */
        if (rs != NULL && geoip_db_open(rs, report, MAIN_ERRBUF) == -1)
            rs = NULL; /* the child exits at once: nothing to free */
        if (rs == NULL && write(p[1], report, strlen(report)) == -1) {
            /* the parent reads nothing and still refuses: the exit status says it */
        }
        _exit(rs != NULL ? 0 : 1);
    }
    close(p[1]);
    for (;;) {
        n = read(p[0], report + used, MAIN_ERRBUF - 1 - used);
        if (n > 0)
            used += (size_t)n;
        else if (n == 0 || errno != EINTR || used == MAIN_ERRBUF - 1)
            break;
    }
    report[used] = '\0';
    close(p[0]);
    while ((w = waitpid(pid, &status, 0)) == -1 && errno == EINTR)
        ;
    if (w == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        free(report);
        return 0;
    }
    main_log_lines(report);
    snprintf(err, errlen,
             "-u %s: the rules %s do not load as that user, so every reload would fail "
             "(make them and every include and list file readable by it): not starting",
             log_arg(eu, pw->pw_name), log_arg(er, rules));
    free(report);
    return -1;
}

/* main_stop_report - libmilter's workers serve no connection after a stop: those still open
 * are cut when the process exits, and the MTA applies milter_default_action (tempfail). */
static void
main_stop_report(void)
{
    int open = callbacks_open();

    if (open > 0)
        log_msg(LOG_NOTICE,
                "%d connection%s open at stop: the MTA tempfails %s "
                "(milter_default_action)",
                open, open == 1 ? "" : "s", open == 1 ? "it" : "them");
}

/* The pid file this start locked, removed again if the start fails after that. */
static const char *main_pidfile;
static int main_pidfd = -1;

/* main_fail - a start-up failure: its reason on stderr (and syslog), exit status 1. */
static int
main_fail(const char *reason)
{
    log_msg(LOG_ERR, "%s", reason);
    if (main_pidfd != -1)
        daemon_pidfile_remove(main_pidfile, main_pidfd);
    main_pidfd = -1;
    daemon_socket_remove();
    daemon_notify("STATUS=failed to start");
    return 1;
}

int
main(int argc, char **argv)
{
    const char *rules = MAIN_DEFAULT_RULES, *sock = MAIN_DEFAULT_SOCKET, *user = NULL;
    const char *pidfile = NULL;
    char *rules_abs = NULL, *pid_abs = NULL, *sock_abs = NULL, err[MAIN_STARTERR];
    struct passwd *pw = NULL;
    int ch, foreground = 0, check = 0, facility = LOG_MAIL, rc, pidfd = -1, strict = 0, show = 0;
    int interval = STATS_INTERVAL_DEFAULT, interval_given = 0;
    const char *metrics = NULL;
    char serr[MAIN_STARTERR], e1[LOG_ARG_SIZE], e2[LOG_ARG_SIZE];
    size_t n;

    /* Names inside archives come through libarchive, which converts them to the locale's
     * charset: in the C locale a name that is not ASCII comes back empty, and an .exe named
     * in Cyrillic would go unseen. The character type is UTF-8 whatever the environment says;
     * nothing else of the locale is used. */
    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
        setlocale(LC_CTYPE, "C.utf8");

    /* -t (the offline trial) and -A (the live relay audit) take long options of their own. */
    for (ch = 1; ch < argc && strcmp(argv[ch], "--") != 0; ch++)
        if (strcmp(argv[ch], "-t") == 0)
            return trial_main(rules, argc, argv);
        else if (strcmp(argv[ch], "-A") == 0)
            return liveaudit_main(argc, argv);
    opterr = 0; /* getopt's own messages differ from ours: one line, and where to look */
    while ((ch = getopt(argc, argv, MAIN_OPTSTRING)) != -1) {
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
                fprintf(stderr, "relaywarden: unknown syslog facility \"%s\" (see -h)\n",
                        log_arg(e1, optarg));
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
                        STATS_INTERVAL_MAX, log_arg(e1, optarg));
                return 2;
            }
            interval_given = 1;
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
        case ':':
            fprintf(stderr, "relaywarden: option -%c needs an argument (see -h)\n", optopt);
            return 2;
        default:
            if (optopt > ' ' && optopt < 0x7f)
                fprintf(stderr, "relaywarden: unknown option -%c (see -h)\n", optopt);
            else
                fprintf(stderr, "relaywarden: unknown option -\\x%02x (see -h)\n",
                        (unsigned char)optopt);
            return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "relaywarden: unexpected argument \"%s\" (see -h)\n",
                log_arg(e1, argv[optind]));
        return 2;
    }
    if (interval_given && metrics == NULL) { /* it would be ignored, and the admin not told */
        fprintf(stderr, "relaywarden: -M is how often the -m metrics file is written: give -m\n");
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

    /* The daemon chdirs to / and reloads later: every path it keeps is made absolute now. */
    if ((rules = rules_abs = daemon_absolute(rules)) == NULL ||
        (pidfile != NULL && (pidfile = pid_abs = daemon_absolute(pidfile)) == NULL)) {
        fprintf(stderr, "relaywarden: cannot make the paths absolute: %s\n", strerror(errno));
        return 1;
    }
    if (daemon_unix_path(sock) != NULL && daemon_unix_path(sock)[0] != '/') {
        char *p = daemon_absolute(daemon_unix_path(sock));

        n = p != NULL ? strlen(p) + sizeof("unix:") : 0;
        if (p == NULL || (sock_abs = malloc(n)) == NULL) {
            fprintf(stderr, "relaywarden: out of memory\n");
            return 1;
        }
        snprintf(sock_abs, n, "unix:%s", p);
        free(p);
        sock = sock_abs;
    }
    /* Until it is ready the daemon says everything on stderr too, so that whoever started it
     * reads why it did not start; under systemd the journal has the syslog line already. */
    log_open("relaywarden", facility, !daemon_stderr_is_journal());
    if (signals_block() == -1)
        return main_fail("cannot block the signals the signal thread handles");
    if (user != NULL) {
        if ((pw = getpwnam(user)) == NULL) {
            snprintf(err, sizeof(err), "unknown user %s", log_arg(e1, user));
            return main_fail(err);
        }
        if (geteuid() != 0 && geteuid() != pw->pw_uid) {
            snprintf(err, sizeof(err), "-u %s needs root", log_arg(e1, user));
            return main_fail(err);
        }
    }
    if (env_milter_init() == -1)
        return main_fail("cannot initialize the DNS resolver library or the iprev cache");
    if (stats_init() == -1)
        return main_fail("out of memory");
    callbacks_count_bytes = metrics != NULL;
    if (reload_init(rules) == -1) {
        snprintf(err, sizeof(err), "%s has errors: not starting", log_arg(e1, rules));
        return main_fail(err);
    }
    /* The daemon re-reads the rules as the user it becomes: they must load as that user now,
     * not fail at the first reload. */
    if (pw != NULL && pw->pw_uid != geteuid() &&
        main_check_as_user(rules, pw, err, sizeof(err)) == -1)
        return main_fail(err);
    /* -m replaces its file by rename(): refused, as -P is, when it is anything but ours. */
    if (metrics != NULL) {
        struct ruleset *cur = reload_current();
        int bad = pidfile != NULL && strcmp(pidfile, metrics) == 0;

        if (bad)
            snprintf(err, sizeof(err), "metrics file %s is the pid file: not replacing it",
                     log_arg(e1, metrics));
        else if (stats_textfile_check(metrics, (const char *const *)cur->files, cur->nfiles, err,
                                      sizeof(err)) == -1)
            bad = 1;
        rules_unref(cur);
        if (bad)
            return main_fail(err);
    }
    /* The lock before the socket: a second instance refuses before it touches the first's. */
    if (pidfile != NULL && daemon_pidfile_lock(pidfile, &pidfd, err, sizeof(err)) == -1)
        return main_fail(err);
    main_pidfile = pidfile;
    main_pidfd = pidfd;
    if (daemon_socket_check(sock, err, sizeof(err)) == -1)
        return main_fail(err);
    if (smfi_setconn((char *)sock) == MI_FAILURE || smfi_register(callbacks_desc) == MI_FAILURE) {
        snprintf(err, sizeof(err), "cannot set up milter socket %s", log_arg(e1, sock));
        return main_fail(err);
    }
    umask(0117); /* the socket is created 0660 */
    if (smfi_opensocket(1) == MI_FAILURE) {
        daemon_socket_diagnose(sock, err, sizeof(err));
        return main_fail(err);
    }
    daemon_socket_remember(sock);
    if (main_secure_socket(sock, pw) == -1)
        return main_fail("the socket's owner and mode could not be set");
    main_tcp_nodelay();
    if (!foreground && daemon_detach(err, sizeof(err)) == -1)
        return main_fail(err);
    if (pidfd != -1 && daemon_pidfile_write(pidfd, pidfile, err, sizeof(err)) == -1)
        return main_fail(err);
    if (pw != NULL && pw->pw_uid != geteuid() && main_drop_privileges(pw) == -1)
        return main_fail("not starting with the privileges of root");
    if (pw == NULL && geteuid() == 0)
        log_msg(LOG_WARNING, "running as root: use -u USER to drop privileges");
    if (signals_listener() == -1)
        log_msg(LOG_WARNING, "cannot set up waking the listener: a stop takes up to 5 s");
    /* after the fork and the switch of user: the thread must live in the daemon, and the file
     * belongs to the user relaywarden runs as */
    if (metrics != NULL && stats_textfile_start(metrics, interval, serr, sizeof(serr)) == -1)
        return main_fail(serr); /* the socket and pid file go too */
    log_msg(LOG_NOTICE, "relaywarden %s started on %s with %s", PACKAGE_VERSION, log_arg(e1, sock),
            log_arg(e2, rules));
    daemon_ready(!foreground);
    if (!foreground)
        log_to_stderr(0);
    rc = smfi_main();
    signals_stopped();
    main_stop_report();
    if (daemon_socket_remove() == -1)
        log_msg(LOG_WARNING, "cannot remove the socket %s: %s", log_arg(e1, daemon_unix_path(sock)),
                strerror(errno));
    if (pidfd != -1 && daemon_pidfile_remove(pidfile, pidfd) == -1)
        log_msg(LOG_WARNING,
                "cannot remove the pid file %s (its directory is not writable by "
                "the user it runs as): emptied it instead",
                log_arg(e1, pidfile));
    stats_textfile_stop();
    log_msg(LOG_NOTICE, "relaywarden stopped");
    reload_shutdown();
    free(rules_abs);
    free(pid_abs);
    free(sock_abs);
    return rc == MI_SUCCESS || signals_stop_requested() ? 0 : 1;
}

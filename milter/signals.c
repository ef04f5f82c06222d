/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * signals.c - libmilter runs a thread that sigwait()s for SIGHUP, SIGTERM and SIGINT and stops
 * the milter on any of them. The binary is linked with -Wl,--wrap=sigwait so that thread calls
 * __wrap_sigwait below: it waits for more signals than libmilter asked for, reloads on SIGHUP and
 * SIGUSR1 (the reload signal of OpenDKIM), ignores SIGUSR2 with a log line, and hands a stop to
 * libmilter as SIGTERM. All of this runs in an ordinary thread, not a signal handler, so it may
 * parse, allocate and log.
 *
 * libmilter's listener holds a mutex across a poll() of up to 5 s and closes its socket only
 * under that mutex, so a stop would wait for the poll to time out. A stop therefore also sends
 * SIGALRM (an empty handler, no SA_RESTART) to the listener thread until smfi_main returns:
 * the poll fails with EINTR and the listener sees the stop at once.
 */
#include "config.h"

#include "signals.h"
#include "daemon.h"
#include "log.h"
#include "reload.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

/* How often the listener is woken until it has left its loop: often enough that a stop takes
 * well under a second, rarely enough to cost nothing. */
#define SIGNALS_KICK_MS 20
/* After this many quick tries (2 s: a start still under way when the stop came, a loaded
 * machine) the waking goes on once a second, until smfi_main returns. */
#define SIGNALS_KICK_TRIES 100
#define SIGNALS_KICK_SLOW_MS 1000

static pthread_t signals_listener_thread;
static atomic_int signals_have_listener;
static atomic_int signals_done;
static atomic_int signals_stop_seen; /* a stop signal came: the exit is a requested one */

int __real_sigwait(const sigset_t *set, int *sig);
int __wrap_sigwait(const sigset_t *set, int *sig);

static void
signals_set(sigset_t *s)
{
    sigemptyset(s);
    sigaddset(s, SIGHUP);
    sigaddset(s, SIGTERM);
    sigaddset(s, SIGINT);
    sigaddset(s, SIGQUIT);
    sigaddset(s, SIGUSR1);
    sigaddset(s, SIGUSR2);
}

int
signals_block(void)
{
    sigset_t s;
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) == -1)
        return -1;
    signals_set(&s);
    return pthread_sigmask(SIG_BLOCK, &s, NULL) == 0 ? 0 : -1;
}

static void
signals_wake(int sig)
{
    (void)sig; /* only there to interrupt poll() */
}

int
signals_listener(void)
{
    struct sigaction sa;
    sigset_t s;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = signals_wake;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) == -1)
        return -1;
    sigemptyset(&s);
    sigaddset(&s, SIGALRM);
    if (pthread_sigmask(SIG_UNBLOCK, &s, NULL) != 0)
        return -1;
    signals_listener_thread = pthread_self();
    atomic_store(&signals_have_listener, 1);
    return 0;
}

void
signals_stopped(void)
{
    atomic_store(&signals_done, 1);
}

static void *
signals_kicker(void *arg)
{
    struct timespec fast = {0, SIGNALS_KICK_MS * 1000000L};
    struct timespec slow = {SIGNALS_KICK_SLOW_MS / 1000, (SIGNALS_KICK_SLOW_MS % 1000) * 1000000L};
    int i;

    (void)arg;
    for (i = 0; !atomic_load(&signals_done); i++) {
        pthread_kill(signals_listener_thread, SIGALRM);
        nanosleep(i < SIGNALS_KICK_TRIES ? &fast : &slow, NULL);
    }
    return NULL;
}

static void
signals_stop(int sig)
{
    pthread_t t;
    pthread_attr_t a;

    log_msg(LOG_NOTICE, "SIG%s received: stopping", sigabbrev_np(sig));
    atomic_store(&signals_stop_seen, 1);
    daemon_notify("STOPPING=1");
    if (!atomic_load(&signals_have_listener))
        return;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &a, signals_kicker, NULL) != 0)
        log_msg(LOG_WARNING, "cannot wake the listener: the stop takes up to 5 s");
    pthread_attr_destroy(&a);
}

int
__wrap_sigwait(const sigset_t *set, int *sig)
{
    sigset_t all;
    int r;

    (void)set; /* libmilter's set (SIGHUP, SIGTERM, SIGINT) is part of ours */
    signals_set(&all);
    for (;;) {
        if ((r = __real_sigwait(&all, sig)) != 0)
            return r;
        switch (*sig) {
        case SIGHUP:
        case SIGUSR1:
            log_msg(LOG_NOTICE, "SIG%s received: reloading the rules", sigabbrev_np(*sig));
            reload_now();
            continue;
        case SIGUSR2:
            log_msg(LOG_NOTICE, "SIGUSR2 ignored: SIGHUP or SIGUSR1 reloads the rules");
            continue;
        default:
            signals_stop(*sig);
            *sig = SIGTERM; /* SIGINT and SIGQUIT too: libmilter stops the same way */
            return 0;
        }
    }
}

int
signals_stop_requested(void)
{
    return atomic_load(&signals_stop_seen);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * signals.h - what each signal does to the daemon. SIGHUP and SIGUSR1 reload the rules, SIGTERM,
 * SIGINT and SIGQUIT stop it (within a second when idle), SIGUSR2 and SIGPIPE are ignored, each
 * with a log line where an admin sent it. See signals.c for how libmilter's signal thread is used.
 */
#ifndef RW_SIGNALS_H
#define RW_SIGNALS_H

/* signals_block - block the signals the signal thread waits for, in this thread and so in every
 * thread created after it. Call before any thread starts (and before fork). 0 or -1. */
int signals_block(void);
/* signals_listener - the calling thread runs libmilter's listener (smfi_main): a stop wakes its
 * poll at once instead of after libmilter's 5-second check interval. 0 or -1. */
int signals_listener(void);
/* signals_stopped - smfi_main has returned: the waking may end. */
void signals_stopped(void);
/* signals_stop_requested - 1 once SIGTERM, SIGINT or SIGQUIT asked for the stop. libmilter's
 * listener, woken from its poll to stop at once, may report the wake-up as a failure: a
 * requested stop still exits 0. */
int signals_stop_requested(void);

#endif

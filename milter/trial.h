/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trial.h - relaywarden -t, the offline trial (trial.c).
 */
#ifndef RW_TRIAL_H
#define RW_TRIAL_H

/* Exit status of a trial: what became of the message. 0 is accept, 2 bad arguments/rules. */
#define TRIAL_EXIT_REJECT 10
#define TRIAL_EXIT_TEMPFAIL 11
#define TRIAL_EXIT_DISCARD 12
#define TRIAL_EXIT_QUARANTINE 13
#define TRIAL_EXIT_REDIRECT 14

/* trial_main - runs a trial with the rules file rules (-c may override it in argv). */
int trial_main(const char *rules, int argc, char **argv);

#endif

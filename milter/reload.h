/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reload.h - the rules snapshot in force. Connections take a reference at their start and keep
 * it to the end; SIGHUP or SIGUSR1 (through libmilter's signal thread, see signals.c) parses the
 * file again and swaps the snapshot only if it parsed cleanly.
 */
#ifndef RW_RELOAD_H
#define RW_RELOAD_H

#include "rules.h"

/* reload_set_strict - with on, a rules file the audit warns about is refused like one with
 * errors (-W). Call before reload_init. */
void reload_set_strict(int on);
/* reload_init - load path for the first time; 0, or -1 after printing every error. */
int reload_init(const char *path);
/* reload_now - parse again; on success swap and return 0, else log why and keep the old. */
int reload_now(void);
/* reload_current - the snapshot in force, with a reference the caller must drop. */
struct ruleset *reload_current(void);
void reload_shutdown(void);

#endif

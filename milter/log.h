/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log.h - syslog output for relaywarden, mirrored to stderr in the foreground (-f). Format
 * strings are always ours; anything that came from the network goes through util_escape first.
 */
#ifndef RW_LOG_H
#define RW_LOG_H

#include <syslog.h>

void log_open(const char *ident, int facility, int to_stderr);
/* log_to_stderr - copy lines to stderr (start-up, -f) or not (a detached daemon). */
void log_to_stderr(int on);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* log_facility - the syslog facility for a name ("mail", "local0".."local7", "daemon"), or -1. */
int log_facility(const char *name);

/* log_text - one line already formatted and escaped (a decision line from the policy
 * library), logged as it is. */
void log_text(int prio, const char *line);

#endif

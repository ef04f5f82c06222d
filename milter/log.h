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

/* Command-line strings (paths, socket specs, user names) in a message: at most this many of
 * their bytes, escaped. A path up to 256 bytes shows whole (PATH_MAX paths do not occur in
 * practice) and four escaped ones still fit the 2048-byte log line. */
#define LOG_ARG_MAX 256
/* The buffer log_arg fills: every byte may become \xNN, plus "..." and the NUL. */
#define LOG_ARG_SIZE (LOG_ARG_MAX * 4 + 4)
/* log_arg - s escaped as log lines escape (util_escape: \xNN for control and 8-bit bytes, \"
 * and \\), cut with "..." after LOG_ARG_MAX bytes. Returns buf, which the caller owns. */
char *log_arg(char buf[LOG_ARG_SIZE], const char *s);

/* log_text - one line already formatted and escaped (a decision line from the policy
 * library), logged as it is. */
void log_text(int prio, const char *line);

#endif

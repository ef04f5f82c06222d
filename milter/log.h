/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log.h - syslog output for relaywarden, mirrored to stderr in the foreground (-f). Format
 * strings are always ours; anything that came from the network goes through util_escape first.
 */
#ifndef RW_LOG_H
#define RW_LOG_H

#include <syslog.h>

void log_open(const char *ident, int facility, int to_stderr);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* log_facility - the syslog facility for a name ("mail", "local0".."local7", "daemon"), or -1. */
int log_facility(const char *name);

/* One decision: everything in it is untrusted and escaped by log_decision. */
struct decision {
    const char *qid;
    const char *action; /* "reject", "would-reject", ... */
    const char *stage;
    const char *rule_file;
    int rule_line; /* 0: no rule (built-in decision) */
    const char *listener;
    const char *client_name;
    const char *client_addr;
    const char *auth;
    const char *from;
    const char *to;
    const char *reason;
};
void log_decision(const struct decision *d);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log.c - syslog and stderr output. One decision is one line of key=value pairs; every value
 * is escaped (no CR, LF, control or non-ASCII bytes reach the log) and length-capped.
 */
#include "log.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int log_stderr;
static const char *log_ident = "relaywarden";

static const struct {
    const char *name;
    int facility;
} log_facilities[] = {
    {"daemon", LOG_DAEMON}, {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
    {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6},
    {"local7", LOG_LOCAL7}, {"mail", LOG_MAIL},     {"user", LOG_USER},
};

int
log_facility(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(log_facilities) / sizeof(log_facilities[0]); i++)
        if (strcmp(name, log_facilities[i].name) == 0)
            return log_facilities[i].facility;
    return -1;
}

void
log_open(const char *ident, int facility, int to_stderr)
{
    log_ident = ident;
    log_stderr = to_stderr;
    openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

static void
log_line(int prio, const char *line)
{
    syslog(prio, "%s", line);
    if (log_stderr)
        fprintf(stderr, "%s[%ld]: %s\n", log_ident, (long)getpid(), line);
}

void
log_msg(int prio, const char *fmt, ...)
{
    char line[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_line(prio, line);
}

void
log_decision(const struct decision *d)
{
    /* Each escaped field may grow 4x (\xNN) from UTIL_LOG_FIELD_MAX input bytes. */
    enum { F = UTIL_LOG_FIELD_MAX * 4 + 4 };
    char qid[64], name[F], addr[F], auth[F], from[F], to[F], reason[F], listener[F], file[F];
    char rule[F + 16], line[F * 9 + 256];

    util_escape(qid, sizeof(qid), d->qid && *d->qid ? d->qid : "NOQUEUE", 32);
    util_escape(name, sizeof(name), d->client_name && *d->client_name ? d->client_name : "unknown",
                UTIL_LOG_FIELD_MAX);
    util_escape(addr, sizeof(addr), d->client_addr ? d->client_addr : "", UTIL_LOG_FIELD_MAX);
    util_escape(auth, sizeof(auth), d->auth && *d->auth ? d->auth : "-", UTIL_LOG_FIELD_MAX);
    util_escape(from, sizeof(from), d->from ? d->from : "", UTIL_LOG_FIELD_MAX);
    util_escape(to, sizeof(to), d->to ? d->to : "", UTIL_LOG_FIELD_MAX);
    util_escape(reason, sizeof(reason), d->reason ? d->reason : "", UTIL_LOG_FIELD_MAX);
    util_escape(listener, sizeof(listener), d->listener ? d->listener : "-", UTIL_LOG_FIELD_MAX);
    if (d->rule_line > 0) {
        util_escape(file, sizeof(file), d->rule_file, UTIL_LOG_FIELD_MAX);
        snprintf(rule, sizeof(rule), "%s:%d", file, d->rule_line);
    } else {
        snprintf(rule, sizeof(rule), "-");
    }
    snprintf(line, sizeof(line),
             "%s: %s: stage=%s rule=%s listener=%s client=%s[%s] auth=%s from=%s%s%s%s%s%s "
             "reason=\"%s\"",
             qid, d->action, d->stage, rule, listener, name, addr, auth, d->from ? "<" : "-",
             d->from ? from : "", d->from ? ">" : "", d->to ? " to=<" : "", d->to ? to : "",
             d->to ? ">" : "", reason);
    log_line(LOG_INFO, line);
}

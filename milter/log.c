/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log.c - syslog and stderr output. Decision lines come formatted and escaped from the policy
 * library (policy/decision.c); the daemon's own messages use format strings of its own.
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

void
log_to_stderr(int on)
{
    log_stderr = on;
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
log_text(int prio, const char *line)
{
    log_line(prio, line);
}

char *
log_arg(char buf[LOG_ARG_SIZE], const char *s)
{
    return util_escape(buf, LOG_ARG_SIZE, s, LOG_ARG_MAX);
}

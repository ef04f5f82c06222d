/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decision.h - the decision line: one key=value line per decision, formatted here so that the
 * daemon's syslog and the offline trial print the same bytes. Every value is untrusted and goes
 * through util_escape: no CR, LF, control or 8-bit byte reaches a log, and each is capped.
 */
#ifndef RW_DECISION_H
#define RW_DECISION_H

#include "util.h"

#include <stddef.h>

struct decision {
    const char *qid;    /* queue id; NULL or "" is NOQUEUE */
    const char *action; /* "reject", "would-reject", "error-accept", ... */
    const char *stage;
    const char *rule_file;
    int rule_line; /* 0: no rule (a built-in decision) */
    const char *listener;
    const char *client_name;
    const char *client_addr;
    const char *auth;
    const char *from; /* NULL: no MAIL FROM yet (from=-); "" the null sender (from=<>) */
    const char *to;   /* NULL: no recipient field */
    const char *reason;
    /* geoip: "country=DE asn=3320" (geoip_format: letters, digits, '=' and a space only), or
     * NULL when the rules name no database; appended after the reason */
    const char *geo;
};

/* Each escaped field may grow 4x (\xNN) from UTIL_LOG_FIELD_MAX input bytes; nine of them and
 * the fixed text fit here, so a line is never cut. */
#define DECISION_FIELD_MAX (UTIL_LOG_FIELD_MAX * 4 + 4)
#define DECISION_LINE_MAX (DECISION_FIELD_MAX * 10 + 256)

/* decision_format - the line for d into buf (DECISION_LINE_MAX bytes). Returns buf. */
char *decision_format(char *buf, size_t len, const struct decision *d);

#endif

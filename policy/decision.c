/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decision.c - decision lines (see decision.h):
 *   QID: ACTION: stage=S rule=FILE:LINE listener=L client=NAME[ADDR] auth=A from=<F> to=<T> reason="R"
 */
#include "decision.h"

#include <stdio.h>
#include <string.h> /* geoip */

char *
decision_format(char *buf, size_t len, const struct decision *d)
{
    char qid[64], name[DECISION_FIELD_MAX], addr[DECISION_FIELD_MAX], auth[DECISION_FIELD_MAX];
    char from[DECISION_FIELD_MAX], to[DECISION_FIELD_MAX], reason[DECISION_FIELD_MAX];
    char listener[DECISION_FIELD_MAX], file[DECISION_FIELD_MAX], rule[DECISION_FIELD_MAX + 16];

    util_escape_field(qid, sizeof(qid), d->qid && *d->qid ? d->qid : "NOQUEUE", 32);
    util_escape_field(name, sizeof(name), d->client_name && *d->client_name ? d->client_name : "unknown",
                UTIL_LOG_FIELD_MAX);
    util_escape_field(addr, sizeof(addr), d->client_addr ? d->client_addr : "", UTIL_LOG_FIELD_MAX);
    util_escape_field(auth, sizeof(auth), d->auth && *d->auth ? d->auth : "-", UTIL_LOG_FIELD_MAX);
    util_escape_field(from, sizeof(from), d->from ? d->from : "", UTIL_LOG_FIELD_MAX);
    util_escape_field(to, sizeof(to), d->to ? d->to : "", UTIL_LOG_FIELD_MAX);
    util_escape(reason, sizeof(reason), d->reason ? d->reason : "", UTIL_LOG_FIELD_MAX);
    util_escape_field(listener, sizeof(listener), d->listener ? d->listener : "-", UTIL_LOG_FIELD_MAX);
    if (d->rule_line > 0) {
        util_escape_field(file, sizeof(file), d->rule_file, UTIL_LOG_FIELD_MAX);
        snprintf(rule, sizeof(rule), "%s:%d", file, d->rule_line);
    } else {
        snprintf(rule, sizeof(rule), "-");
    }
    snprintf(buf, len,
             "%s: %s: stage=%s rule=%s listener=%s client=%s[%s] auth=%s from=%s%s%s%s%s%s "
             "reason=\"%s\"",
             qid, d->action, d->stage, rule, listener, name, addr, auth, d->from ? "<" : "-",
             d->from ? from : "", d->from ? ">" : "", d->to ? " to=<" : "", d->to ? to : "",
             d->to ? ">" : "", reason);
    if (d->geo != NULL) { /* geoip */
        size_t n = strlen(buf);
        if (n + 1 < len)
            snprintf(buf + n, len - n, " %s", d->geo);
    }
    return buf;
}

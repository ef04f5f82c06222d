/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * verdict.c - building the verdict an event returns: the reply, header edits, recipient
 * changes, the trace of rules that fired, and the log lines (decision lines, internal errors
 * and the summary of each message). Memory that runs out while a verdict is built turns it
 * into an internal error that tempfails: never a silent pass.
 */
#include "session_int.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
verdict_free_strv(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void
verdict_drop_edits(struct session *s)
{
    struct verdict *v = &s->v;
    size_t i;

    for (i = 0; i < v->nedits; i++) {
        free(v->edits[i].name);
        free(v->edits[i].value);
    }
    free(v->edits);
    for (i = 0; i < v->nrcpts; i++)
        free(v->rcpts[i].addr);
    free(v->rcpts);
    free(v->quarantine);
    v->edits = NULL;
    v->rcpts = NULL;
    v->quarantine = NULL;
    v->nedits = v->nrcpts = 0;
}

void
verdict_reset(struct session *s)
{
    struct verdict *v = &s->v;

    verdict_drop_edits(s);
    if (v->log != s->oom_log)
        verdict_free_strv(v->log, v->nlog);
    verdict_free_strv(v->trace, v->ntrace);
    verdict_free_strv(v->findings, v->nfindings);
    free(v->notes);
    memset(v, 0, sizeof(*v));
    s->v_oom = 0;
}

/* Out of memory somewhere: drop the edits (a half-edited message must not pass) and answer
 * with a tempfail that needs no memory. */
const struct verdict *
verdict_done(struct session *s)
{
    struct verdict *v = &s->v;
    struct decision d = {0};

    if (!s->v_oom)
        return v;
    verdict_reset(s);
    d.qid = s->qid;
    d.action = "tempfail";
    d.stage = "-";
    d.listener = s->listener ? s->listener->name : NULL;
    d.client_name = s->name;
    d.client_addr = s->addr;
    d.reason = "out of memory";
    decision_format(s->oom_line, sizeof(s->oom_line), &d);
    s->oom_log[0] = s->oom_line;
    v->log = s->oom_log;
    v->nlog = 1;
    v->errors = 1;
    v->reply = REPLY_TEMPFAIL;
    memcpy(v->code, "451", 4);
    memcpy(v->xcode, "4.3.0", 6);
    v->text = "internal error in mail filter, try again later";
    return v;
}

void
verdict_reply(struct session *s, enum verdict_reply r, const char *code, const char *xcode,
              const char *text)
{
    s->v.reply = r;
    util_strlcpy(s->v.code, code ? code : "", sizeof(s->v.code));
    util_strlcpy(s->v.xcode, xcode ? xcode : "", sizeof(s->v.xcode));
    s->v.text = text;
}

void
verdict_push(struct session *s, char ***v, size_t *n, char *line)
{
    char **m;

    if (line == NULL || (m = realloc(*v, (*n + 1) * sizeof(*m))) == NULL) {
        free(line);
        s->v_oom = 1;
        return;
    }
    m[(*n)++] = line;
    *v = m;
}

void
verdict_trace(struct session *s, const struct rule *r)
{
    char *t = malloc(strlen(r->file) + strlen(r->text ? r->text : "") + 32);

    if (t != NULL)
        sprintf(t, "%s:%d: %s%s", r->file, r->line, r->log_only ? "(log-only) " : "",
                r->text ? r->text : "");
    verdict_push(s, &s->v.trace, &s->v.ntrace, t);
}

void
verdict_edit(struct session *s, enum edit_op op, int index, const char *name, const char *value)
{
    struct hdr_edit *m = realloc(s->v.edits, (s->v.nedits + 1) * sizeof(*m));

    if (m == NULL) {
        s->v_oom = 1;
        return;
    }
    s->v.edits = m;
    m += s->v.nedits;
    m->op = op;
    m->index = index;
    m->name = strdup(name);
    m->value = value ? strdup(value) : NULL;
    s->v.nedits++;
    if (m->name == NULL || (value != NULL && m->value == NULL))
        s->v_oom = 1;
}

void
verdict_rcpt(struct session *s, enum rcpt_op op, const char *addr)
{
    struct rcpt_edit *m = realloc(s->v.rcpts, (s->v.nrcpts + 1) * sizeof(*m));

    if (m == NULL) {
        s->v_oom = 1;
        return;
    }
    s->v.rcpts = m;
    m += s->v.nrcpts;
    m->op = op;
    if ((m->addr = strdup(addr)) == NULL)
        s->v_oom = 1;
    s->v.nrcpts++;
}

/* The decision for the counters, beside its log line. */
static void
verdict_note(struct session *s, const struct rule *r, const char *action)
{
    struct verdict_note *m = realloc(s->v.notes, (s->v.nnotes + 1) * sizeof(*m));

    if (m == NULL) {
        s->v_oom = 1;
        return;
    }
    s->v.notes = m;
    m[s->v.nnotes].rule = r;
    util_strlcpy(m[s->v.nnotes].action, action, sizeof(m->action));
    s->v.nnotes++;
}

void
sess_decision(struct session *s, const char *action, enum stage st, const struct rule *r,
              const char *to, const char *reason)
{
    struct decision d = {0};
    char line[DECISION_LINE_MAX];
    char geo[GEOIP_STAMP_MAX]; /* geoip */

    d.qid = s->qid;
    d.action = action;
    d.stage = rules_stage_name(st);
    d.rule_file = r ? r->file : NULL;
    d.rule_line = r ? r->line : 0;
    d.listener = s->listener ? s->listener->name : NULL;
    d.client_name = s->name;
    d.client_addr = s->addr;
    d.auth = s->msg.active ? s->msg.auth : NULL;
    d.from = s->msg.active && s->msg.have_from ? s->msg.from.text : NULL;
    d.to = to;
    d.reason = reason;
    if (s->have_geo) /* geoip */
        d.geo = geoip_format(&s->geo, geo, sizeof(geo));
    else if (s->geo_error[0] != '\0')
        d.geo = "country=error asn=error";
    decision_format(line, sizeof(line), &d);
    verdict_push(s, &s->v.log, &s->v.nlog, strdup(line));
    verdict_note(s, r, action);
}

void
sess_error(struct session *s, enum event ev, enum stage st, const struct rule *r, const char *to,
           const char *why)
{
    enum action a = s->rs->on_error;

    s->v.errors++;

    /* An event negotiated without reply cannot answer: the next one that can answers for it
     * (end of message always answers). */
    if (s->noreply & (1u << ev)) {
        sess_decision(s, "error-deferred", st, r, to, why);
        if (s->msg.active && s->msg.pending[0] == '\0')
            util_strlcpy(s->msg.pending, why, sizeof(s->msg.pending));
        return;
    }
    sess_decision(s,
                  a == ACT_ACCEPT   ? "error-accept"
                  : a == ACT_REJECT ? "reject"
                                    : "tempfail",
                  st, r, to, why);
    s->v.rule = r;
    if (a == ACT_ACCEPT)
        return;
    if (a == ACT_REJECT)
        verdict_reply(s, REPLY_REJECT, "550", "5.3.0", "internal error in mail filter");
    else
        verdict_reply(s, REPLY_TEMPFAIL, "451", "4.3.0",
                      "internal error in mail filter, try again later");
}

/* One line per message at its end: who, from, to whom, what became of it and by which rule. */
void
sess_summary(struct session *s, const char *action, const struct rule *r)
{
    enum { F = DECISION_FIELD_MAX };
    char line[DECISION_LINE_MAX + UTIL_LOG_FIELD_MAX * 8 + 3 * F], qid[64], name[F], addr[F];
    char auth[F], from[F], tags[F], file[F], rule[F + 16], screening[16], why[220];
    const struct session_msg *m = &s->msg;
    int removed = m->ar.nours;
    size_t i;

    for (i = 0; m->stamp != NULL && i < s->rs->nstamp_names; i++)
        removed += m->stamp[i].nours;
    for (i = 0; m->tagh != NULL && i < s->rs->ntag_names; i++)
        removed += m->tagh[i].nours;
    /* Screening that did not see everything says so in every summary, whether a rule acted
     * on it or not: an incomplete look is never a silent pass. */
    screening[0] = why[0] = '\0';
    if (m->content != NULL) {
        const struct content_facts *cf = content_facts(m->content);
        snprintf(screening, sizeof(screening), "%s", cf->error[0] ? "failed"
                                                     : cf->limit    ? "incomplete"
                                                     : cf->malformed ? "malformed"
                                                                     : "");
        if (screening[0] != '\0') {
            char esc[200];
            util_escape(esc, sizeof(esc), cf->error[0] ? cf->error : cf->mime_why, 120);
            snprintf(why, sizeof(why), " content-why=\"%s\"", esc);
        }
    }
    util_escape(tags, sizeof(tags), m->tags_applied ? m->tags_applied : "", UTIL_LOG_FIELD_MAX);
    util_escape_field(qid, sizeof(qid), s->qid[0] ? s->qid : "NOQUEUE", 32);
    util_escape_field(name, sizeof(name), s->name[0] ? s->name : "unknown", UTIL_LOG_FIELD_MAX);
    util_escape_field(addr, sizeof(addr), s->addr, UTIL_LOG_FIELD_MAX);
    util_escape_field(auth, sizeof(auth), m->auth && m->auth[0] ? m->auth : "-",
                      UTIL_LOG_FIELD_MAX);
    util_escape_field(from, sizeof(from), m->have_from ? m->from.text : "", UTIL_LOG_FIELD_MAX);
    if (r != NULL) {
        util_escape_field(file, sizeof(file), r->file, UTIL_LOG_FIELD_MAX);
        snprintf(rule, sizeof(rule), "%s:%d", file, r->line);
    } else {
        snprintf(rule, sizeof(rule), "-");
    }
    snprintf(line, sizeof(line),
             "%s: message: listener=%s client=%s[%s] auth=%s from=%s%s%s accepted=%zu%s%s "
             "refused=%zu%s%s action=%s rule=%s tags=%s%s%s removed=%d rdns=%s%s%s%s",
             qid, s->listener ? s->listener->name : "-", name, addr, auth,
             m->have_from ? "<" : "-", m->have_from ? from : "", m->have_from ? ">" : "",
             m->naccepted, m->naccepted ? ":" : "", buf_str(&m->accepted_log), m->nrefused,
             m->nrefused ? ":" : "", buf_str(&m->refused_log), action, rule,
             tags[0] ? "\"" : "", tags[0] ? tags : "-", tags[0] ? "\"" : "", removed,
             s->have_rdns ? rdns_verdict_name(s->rdns.verdict) : "-", screening[0] ? " content=" : "",
             screening, why[0] ? why : "");
    verdict_push(s, &s->v.log, &s->v.nlog, strdup(line));
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * session_eom.c - what the session keeps about a message as it goes by (queue id, recipients,
 * the headers it will have to remove) and the end of message, where the content stage runs and
 * what the rules decided becomes edits: forged Authentication-Results and stamp headers
 * removed (last first, so the indexes of the others do not move), the rDNS stamp put on top,
 * Subject tags and tag headers, copies and redirects, the quarantine reason, and the summary.
 */
#include "session_int.h"
#include "authres.h"
#include "rdns.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void
sess_qid(struct session *s, const char *qid)
{
    if (qid != NULL && qid[0] != '\0')
        util_strlcpy(s->qid, qid, sizeof(s->qid));
}

void
sess_msg_end(struct session *s)
{
    struct session_msg *m = &s->msg;
    size_t i;

    for (i = 0; i < m->nrcpts; i++)
        free(m->rcpts[i]);
    free(m->rcpts);
    free(m->auth);
    free(m->stamp);
    free(m->tagh);
    free(m->tags_applied);
    free(m->copies);
    free(m->tags);
    free(m->subject);
    content_free(m->content);
    free(m->hyg); /* hygiene */
    buf_free(&m->accepted_log);
    buf_free(&m->refused_log);
    memset(m, 0, sizeof(*m));
    s->qid[0] = '\0';
}

/* "<a@x>,<b@y>" for the summary, the first SESSION_LOG_RCPTS of them, each escaped as a log
 * field. A list that outgrows its buffer just ends early: the counts stay exact. */
static void
sess_rcpt_log(struct buf *b, size_t n, const char *rcpt)
{
    char to[UTIL_LOG_FIELD_MAX + 1], esc[DECISION_FIELD_MAX];
    size_t len;

    if (b->max == 0)
        buf_init(b, UTIL_LOG_FIELD_MAX * 4);
    if (n > SESSION_LOG_RCPTS)
        return;
    if (n == SESSION_LOG_RCPTS) {
        buf_put(b, ",...", 4);
        return;
    }
    util_strlcpy(to, rcpt, sizeof(to));
    len = strlen(to);
    if (len >= 2 && to[0] == '<' && to[len - 1] == '>') {
        to[len - 1] = '\0';
        memmove(to, to + 1, len - 1);
    }
    util_escape_field(esc, sizeof(esc), to, UTIL_LOG_FIELD_MAX);
    if (b->len > 0)
        buf_putc(b, ',');
    buf_putc(b, '<');
    buf_put(b, esc, strlen(esc));
    buf_putc(b, '>');
}

void
sess_rcpt_note(struct session *s, const char *rcpt, const struct addr *a, int accepted)
{
    struct session_msg *m = &s->msg;
    char **n, plain[ADDR_PATH_MAX * 2 + 8];

    if (!accepted) {
        sess_rcpt_log(&m->refused_log, m->nrefused++, rcpt);
        return;
    }
    sess_rcpt_log(&m->accepted_log, m->naccepted++, rcpt);
    if (m->nrcpts >= SESSION_RCPTS_MAX)
        return; /* counted; a redirect will refuse to act on a partial list */
    /* What a redirect deletes must be the recipient as the MTA keeps it: Postfix and Sendmail
     * drop a source route, so <@relay:u@d> is kept as <u@d>. */
    if (a != NULL && (a->flags & ADDR_F_SOURCE_ROUTE)) {
        const char *colon = strchr(a->text, ':');
        snprintf(plain, sizeof(plain), "<%s>", colon ? colon + 1 : a->text);
        rcpt = plain;
    }
    if ((n = realloc(m->rcpts, (m->nrcpts + 1) * sizeof(*n))) == NULL ||
        (n[m->nrcpts] = strdup(rcpt)) == NULL) {
        if (n != NULL)
            m->rcpts = n;
        util_strlcpy(m->pending, "out of memory keeping recipients", sizeof(m->pending));
        return;
    }
    m->rcpts = n;
    m->nrcpts++;
}

static void
sess_seen(struct session *s, struct hdr_seen *h, int ours)
{
    h->n++;
    if (!ours)
        return;
    if (h->nours < SESSION_FORGED_MAX)
        h->idx[h->nours] = h->n;
    if (h->nours <= SESSION_FORGED_MAX)
        h->nours++;
}

void
sess_header_note(struct session *s, const char *name, const char *value)
{
    const struct listener *l = s->listener;
    struct session_msg *m = &s->msg;

    if (m->subject == NULL && authres_name_eq(name, "Subject") &&
        (m->subject = strdup(value)) == NULL && m->pending[0] == '\0')
        util_strlcpy(m->pending, "out of memory", sizeof(m->pending));
    /* A header named like a tag header of the rules is ours to write: one the client sent
     * goes, on every listener, so that a tag cannot be forged. */
    for (size_t i = 0; i < s->rs->ntag_names; i++)
        if (authres_name_eq(name, s->rs->tag_names[i])) {
            if (m->tagh == NULL &&
                (m->tagh = calloc(s->rs->ntag_names, sizeof(*m->tagh))) == NULL) {
                util_strlcpy(m->pending, "out of memory", sizeof(m->pending));
                return;
            }
            sess_seen(s, &m->tagh[i], 1);
        }
    /* When the rules stamp anywhere, forged results and stamps go on every listener: mail
     * that came in by a listener that does not stamp reaches the same readers. */
    if (l == NULL || !s->rs->stamps || s->authserv == NULL)
        return;
    if (authres_name_eq(name, "Authentication-Results")) {
        size_t len = strlen(value), i;
        int ours = authres_is_ours(value, len, s->authserv);
        for (i = 0; !ours && i < s->rs->nauthserv_ids; i++)
            ours = authres_is_ours(value, len, s->rs->authserv_ids[i]);
        sess_seen(s, &m->ar, ours);
        return;
    }
    for (size_t i = 0; i < s->rs->nstamp_names; i++)
        if (authres_name_eq(name, s->rs->stamp_names[i])) {
            if (m->stamp == NULL &&
                (m->stamp = calloc(s->rs->nstamp_names, sizeof(*m->stamp))) == NULL) {
                util_strlcpy(m->pending, "out of memory", sizeof(m->pending));
                return;
            }
            sess_seen(s, &m->stamp[i], 1);
            return;
        }
}

/* Forged headers out, our stamp on top. NULL, or why it cannot be done: too many to remove,
 * or a stamp that does not fit RDNS_HEADER_MAX (a very long authserv-id). */
static const char *
sess_stamp(struct session *s)
{
    const struct listener *l = s->listener;
    const char *hname;
    const struct hdr_seen *st = s->msg.stamp;
    char value[RDNS_HEADER_MAX];
    size_t k;
    int i;

    /* No listener (on-error accept let an unnamed connection through): nothing of ours to
     * stamp or to protect here. */
    if (!s->rs->stamps || l == NULL)
        return NULL;
    hname = l->rdns_header ? l->rdns_header : RULES_STAMP_HEADER;
    if (s->msg.ar.nours > SESSION_FORGED_MAX)
        return "too many Authentication-Results claiming our authserv-id";
    for (k = 0; st != NULL && k < s->rs->nstamp_names; k++)
        if (st[k].nours > SESSION_FORGED_MAX)
            return "too many headers named like our stamp";
    for (i = s->msg.ar.nours - 1; i >= 0; i--)
        verdict_edit(s, EDIT_CHANGE, s->msg.ar.idx[i], "Authentication-Results", NULL);
    for (k = 0; st != NULL && k < s->rs->nstamp_names; k++)
        for (i = st[k].nours - 1; i >= 0; i--)
            verdict_edit(s, EDIT_CHANGE, st[k].idx[i], s->rs->stamp_names[k], NULL);
    if (l->stamp == STAMP_NONE || !s->have_rdns ||
        (l->stamp == STAMP_UNAUTHENTICATED && s->msg.auth != NULL && s->msg.auth[0] != '\0'))
        return NULL;
    if (rdns_format_ar(&s->rdns, s->authserv, s->addr, value, sizeof(value)) == -1)
        return "our Authentication-Results does not fit (authserv-id too long)";
    verdict_edit(s, EDIT_INSERT, 0, "Authentication-Results", value);
    if (rdns_format_stamp(&s->rdns, s->addr, value, sizeof(value)) == -1)
        return "our stamp does not fit";
    verdict_edit(s, EDIT_INSERT, 0, hname, value);
    return NULL;
}

/* Client headers named like a tag header of ours go (last first); then the tags: each Subject
 * prefix once, and not if the Subject holds it already; tag headers appended. What was applied
 * is kept for the summary. NULL, or why it cannot be done. */
static const char *
sess_tags(struct session *s)
{
    const char *old = s->msg.subject ? s->msg.subject : "";
    struct buf subj, applied;
    size_t i, room = strlen(old) + 1;
    const struct hdr_seen *th = s->msg.tagh;
    int prefixed = 0, k;

    for (i = 0; th != NULL && i < s->rs->ntag_names; i++) {
        if (th[i].nours > SESSION_FORGED_MAX)
            return "too many client headers named like a tag header";
        for (k = th[i].nours - 1; k >= 0; k--)
            verdict_edit(s, EDIT_CHANGE, th[i].idx[k], s->rs->tag_names[i], NULL);
    }
    for (i = 0; i < s->msg.ntags; i++)
        room += strlen(s->msg.tags[i]->arg) + 1;
    buf_init(&subj, room);
    buf_init(&applied, room);
    for (i = 0; i < s->msg.ntags; i++) {
        const struct rule *r = s->msg.tags[i];
        const char *arg = r->arg;
        if (r->tag == TAG_HEADER) {
            const char *colon = strchr(arg, ':'), *v = colon + 1;
            char name[256];
            util_strlcpy(name, arg, (size_t)(colon - arg) + 1 < sizeof(name)
                                        ? (size_t)(colon - arg) + 1
                                        : sizeof(name));
            while (*v == ' ')
                v++;
            verdict_edit(s, EDIT_ADD, 0, name, v);
        } else if (strstr(old, arg) != NULL ||
                   (subj.len > 0 && strstr(buf_str(&subj), arg) != NULL)) {
            continue; /* there already: not applied, not reported */
        } else {
            if (buf_put(&subj, arg, strlen(arg)) == -1 || buf_putc(&subj, ' ') == -1)
                s->v_oom = 1;
            prefixed = 1;
        }
        if ((applied.len > 0 && buf_putc(&applied, ',') == -1) ||
            buf_put(&applied, arg, strlen(arg)) == -1)
            s->v_oom = 1;
    }
    if (prefixed) {
        while (*old == ' ')
            old++;
        if (buf_put(&subj, old, strlen(old)) == -1)
            s->v_oom = 1;
        if (s->msg.subject != NULL)
            verdict_edit(s, EDIT_CHANGE, 1, "Subject", buf_str(&subj));
        else
            verdict_edit(s, EDIT_ADD, 0, "Subject", buf_str(&subj));
    }
    free(s->msg.tags_applied);
    s->msg.tags_applied = applied.len > 0 ? strdup(buf_str(&applied)) : NULL;
    buf_free(&subj);
    buf_free(&applied);
    return NULL;
}

/* The address of a copy or redirect rule as a recipient: "<user@domain>". */
static void
sess_rcpt_add(struct session *s, const char *addr)
{
    char a[ADDR_PATH_MAX + 3];

    snprintf(a, sizeof(a), "<%s>", addr);
    verdict_rcpt(s, RCPT_ADD, a);
}

/* Content screening ends: the facts are complete; the trial gets every finding. An internal
 * failure leaves the facts undecidable, and the content rules apply on-error. */
static void
sess_content_end(struct session *s)
{
    const struct buf *fb;
    size_t o;

    content_end(s->msg.content);
    if (!s->trace_content || (fb = content_findings(s->msg.content)) == NULL)
        return;
    for (o = 0; o < fb->len; o += strlen(fb->s + o) + 1)
        verdict_push(s, &s->v.findings, &s->v.nfindings, strdup(fb->s + o));
}

/* hygiene: the Date and Message-ID that fix found missing, appended as the last headers
 * (where a mail submission agent would have put them is of no matter to readers). 0, or -1
 * after an internal error was decided. */
static int
sess_hygiene_fix(struct session *s)
{
    char val[320];
    long long us;

    if (s->env == NULL || s->env->wall_us == NULL) {
        sess_error(s, EV_EOM, STAGE_CONTENT, NULL, NULL, "fix: no clock for Date and Message-ID");
        return s->v.reply != REPLY_CONTINUE ? -1 : 0;
    }
    us = s->env->wall_us(s->env->ctx);
    if (s->msg.hyg->fixed & HYG_MISSING_DATE) {
        if (hygiene_date(us / 1000000, val, sizeof(val)) == -1)
            goto fail;
        verdict_edit(s, EDIT_ADD, 0, "Date", val);
    }
    if (s->msg.hyg->fixed & HYG_MISSING_MSGID) {
        if (hygiene_msgid(us, s->qid, s->hyg_host, val, sizeof(val)) == -1)
            goto fail;
        verdict_edit(s, EDIT_ADD, 0, "Message-ID", val);
    }
    return 0;
fail: /* a clock before the epoch, a host name longer than a header line should be */
    verdict_drop_edits(s);
    sess_error(s, EV_EOM, STAGE_CONTENT, NULL, NULL, "fix: cannot write Date or Message-ID");
    return s->v.reply != REPLY_CONTINUE ? -1 : 0;
}

const struct verdict *
session_eom(struct session *s, const char *qid)
{
    const char *action = "accept", *why;
    const struct rule *final = NULL;
    char reason[300];
    size_t i;

    verdict_reset(s);
    if (sess_dead(s))
        return verdict_done(s);
    sess_qid(s, qid);
    if (!s->msg.active) {
        sess_error(s, EV_EOM, STAGE_CONTENT, NULL, NULL, "end of message outside a transaction");
        return verdict_done(s);
    }
    if (s->msg.pending[0] != '\0') {
        sess_error(s, EV_EOM, STAGE_CONTENT, NULL, NULL, s->msg.pending);
        goto end;
    }
    if (s->msg.content != NULL)
        sess_content_end(s);
    if (s->msg.hyg != NULL) /* hygiene: the body's last line */
        hygiene_end(s->msg.hyg);
    sess_run(s, EV_EOM, STAGE_CONTENT, NULL);
    if (s->v.reply != REPLY_CONTINUE) {
        action = s->v.reply == REPLY_DISCARD ? "discard"
                 : s->v.reply == REPLY_REJECT ? "reject"
                                              : "tempfail";
        goto end;
    }
    if ((why = sess_stamp(s)) != NULL || (why = sess_tags(s)) != NULL) {
        /* Never passed half-cleaned, whatever on-error says: forged results that stay would
         * be read as ours. */
        verdict_drop_edits(s);
        sess_decision(s, "tempfail", STAGE_CONTENT, NULL, NULL, why);
        verdict_reply(s, REPLY_TEMPFAIL, "451", "4.3.0",
                      "internal error in mail filter, try again later");
        action = "tempfail";
        goto end;
    }
    sess_geoip_stamp(s); /* geoip: cannot fail, the value always fits */
    if (s->msg.hyg != NULL && s->msg.hyg->fixed && sess_hygiene_fix(s) == -1) {
        action = "tempfail"; /* hygiene: no clock; decided by on-error, logged */
        goto end;
    }
    for (i = 0; i < s->msg.ncopies; i++)
        sess_rcpt_add(s, s->msg.copies[i]->arg);
    if (s->msg.redirect != NULL) {
        if (s->msg.naccepted > s->msg.nrcpts) {
            verdict_drop_edits(s);
            sess_error(s, EV_EOM, STAGE_CONTENT, s->msg.redirect, NULL,
                       "too many recipients to redirect");
            action = "tempfail";
            goto end;
        }
        for (i = 0; i < s->msg.nrcpts; i++)
            verdict_rcpt(s, RCPT_DELETE, s->msg.rcpts[i]);
        sess_rcpt_add(s, s->msg.redirect->arg);
        action = "redirect";
        final = s->msg.redirect;
    }
    if (s->msg.quarantine != NULL) {
        const struct rule *q = s->msg.quarantine;
        snprintf(reason, sizeof(reason), "%s (%s:%d)", q->reply.text ? q->reply.text : "policy",
                 q->file, q->line);
        s->v.quarantine = strdup(reason);
        if (s->v.quarantine == NULL)
            s->v_oom = 1;
        /* Postfix keeps no reason with a held message ("milter triggers HOLD action"): the
         * message carries it, for postcat -q and for whoever releases it. */
        verdict_edit(s, EDIT_INSERT, 0, RULES_QUARANTINE_HEADER, reason);
        action = s->msg.redirect != NULL ? "quarantine+redirect" : "quarantine";
        final = s->msg.quarantine;
    }
end:
    if (s->v.reply == REPLY_TEMPFAIL && s->v.rule == NULL)
        action = "tempfail";
    else if (s->v.reply == REPLY_REJECT && s->v.rule == NULL)
        action = "reject";
    sess_summary(s, action, final != NULL ? final : s->v.rule);
    {
        const struct verdict *v = verdict_done(s);
        sess_msg_end(s); /* the verdict is built; the message state goes */
        return v;
    }
}

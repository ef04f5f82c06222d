/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * session.c - the session engine (see session.h): connection and message state, the walk of
 * each stage's rules, and the verdict each event returns. The verdict's parts (reply, edits,
 * recipient changes, log lines) are built by verdict.c; the end of message, where stamps,
 * tags, copies and redirects become edits, is in session_eom.c.
 */
#include "session_int.h"
#include "action.h"
#include "eval.h"
#include "iprev.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct session *
session_new(struct ruleset *rs, const struct env *env)
{
    struct session *s = calloc(1, sizeof(*s));

    if (s == NULL)
        return NULL;
    rules_ref(rs);
    s->rs = rs;
    s->env = env;
    return s;
}

void
session_free(struct session *s)
{
    if (s == NULL)
        return;
    sess_msg_end(s);
    verdict_reset(s);
    rules_unref(s->rs);
    free(s->authserv_j);
    free(s->hyg_host);
    free(s);
}

void
session_noreply(struct session *s, unsigned mask)
{
    s->noreply = mask;
}

void
session_trace_content(struct session *s, int on)
{
    s->trace_content = on;
}

const struct ruleset *
session_rules(const struct session *s)
{
    return s->rs;
}

const struct listener *
session_listener(const struct session *s)
{
    return s->listener;
}

const struct rdns_result *
session_rdns(const struct session *s)
{
    return s->have_rdns ? &s->rdns : NULL;
}

/* The facts the conditions read, as known now. */
void
sess_facts(const struct session *s, struct facts *f, const struct addr *rcpt)
{
    memset(f, 0, sizeof(*f));
    f->client = s->have_client ? &s->client : NULL;
    f->tls = s->tls;
    f->rdns = s->have_rdns ? &s->rdns : NULL;
    f->rdns_error = s->rdns_error[0] ? s->rdns_error : NULL;
    f->geo = s->have_geo ? &s->geo : NULL; /* geoip */
    f->geo_error = s->geo_error[0] ? s->geo_error : NULL;
    if (s->msg.active) {
        f->auth = s->msg.auth;
        f->tls = s->msg.tls;
        f->from = s->msg.have_from ? &s->msg.from : NULL;
        f->author = s->msg.eoh ? &s->msg.author : NULL;
        f->content = s->msg.content ? content_facts(s->msg.content) : NULL;
    }
    f->rcpt = rcpt;
    f->limits = s->env != NULL ? s->env->limits : NULL; /* limits (rate limits) */
    if (s->msg.active) /* hygiene */
        f->hygiene = s->msg.hyg;
}

/* For the log: what was wrong with the author headers, if anything, and which address
 * decided, so that an admin can tell a forged From: from a malformed one. */
static void
sess_author_detail(const struct session *s, const struct rule *r, char *reason, size_t len)
{
    const struct author *au = s->msg.eoh ? &s->msg.author : NULL;
    const struct cond *about = NULL;
    struct facts f;
    size_t n = strlen(reason), i;
    int k;

    for (i = 0; i < r->nconds; i++)
        if (r->conds[i].def->culprit != NULL)
            about = &r->conds[i];
    if (au == NULL || about == NULL || n >= len)
        return;
    if (au->broken) {
        snprintf(reason + n, len - n, " (%s)", au->why);
        return;
    }
    if (au->nfrom != 1) {
        snprintf(reason + n, len - n, " (%d From: headers)", au->nfrom);
        return;
    }
    if (au->nsender > 1) {
        snprintf(reason + n, len - n, " (%d Sender: headers)", au->nsender);
        return;
    }
    sess_facts(s, &f, NULL);
    if ((k = about->def->culprit(about, &f)) < 0)
        return;
    snprintf(reason + n, len - n, " (%s%s@%s)",
             au->hidden[k] ? "address in a display name or comment: " : "",
             au->box[k].local, au->box[k].domain);
}

/* Adds r to a message's list of accumulating rules (copy, tag), once. */
static int
sess_accumulate(const struct rule ***list, size_t *n, const struct rule *r)
{
    const struct rule **m;
    size_t i;

    for (i = 0; i < *n; i++)
        if ((*list)[i] == r)
            return 0;
    if (*n >= SESSION_ACCUMULATE_MAX || (m = realloc(*list, (*n + 1) * sizeof(*m))) == NULL)
        return -1;
    m[(*n)++] = r;
    *list = m;
    return 0;
}

/* The stage's rules, first match deciding. Accumulating rules add up; a rule whose condition
 * cannot be decided applies on-error (a log-only one only logs it). Returns after the
 * deciding rule, or when none is left. */
static void
sess_walk(struct session *s, enum event ev, enum stage st, const struct addr *rcpt)
{
    const struct policy *pol = s->listener ? s->listener->policy : NULL;
    const char *to = rcpt ? rcpt->text : NULL, *why = NULL;
    const struct rule *r;
    struct facts f;
    size_t pos = 0;
    int rc;
    struct limit_seen seen; /* limits (rate limits): what a limit condition counted */

    sess_facts(s, &f, rcpt);
    seen.def = NULL;
    f.limit_seen = &seen;
    while ((rc = eval_next(pol, st, &f, &pos, &r, &why)) != 0) {
        char reason[600], would[32];
        if (rc == -1) {
            if (r->log_only) { /* a rule that only watches never decides, not even by error */
                sess_decision(s, "would-error", st, r, to, why);
                continue;
            }
            sess_error(s, ev, st, r, to, why);
            if (s->v.reply == REPLY_CONTINUE && s->msg.pending[0] == '\0')
                continue; /* on-error accept: this rule is skipped, the next ones still run */
            return;
        }
        if (r->action == ACT_REJECT || r->action == ACT_TEMPFAIL)
            snprintf(reason, sizeof(reason), "%s %s", r->reply.xcode, r->reply.text);
        else if (r->arg != NULL)
            snprintf(reason, sizeof(reason), "%s%s%s", r->arg, r->reply.text ? ": " : "",
                     r->reply.text ? r->reply.text : "");
        else
            util_strlcpy(reason, r->reply.text ? r->reply.text : "", sizeof(reason));
        sess_author_detail(s, r, reason, sizeof(reason));
        /* hygiene: a default reply names the defect found; the log names every one */
        if (s->msg.hyg != NULL && (r->hygiene_mask != 0 || r->action == ACT_FIX)) {
            char defects[400];
            size_t n;
            if (r->hygiene_reply)
                snprintf(reason, sizeof(reason), "%s %s", r->reply.xcode,
                         hygiene_reply(s->msg.hyg, r->hygiene_mask));
            hygiene_describe(s->msg.hyg, r->hygiene_mask | (r->action == ACT_FIX ? HYG_FIXABLE : 0),
                             defects, sizeof(defects));
            n = strlen(reason);
            if (defects[0] != '\0' && n < sizeof(reason))
                snprintf(reason + n, sizeof(reason) - n, "%s(defects: %s)", n ? " " : "", defects);
        }
        for (size_t i = 0; i < r->nconds; i++)
            if (r->conds[i].def->needs & CNEED_BODY)
                cond_hit_detail(&r->conds[i], &f, reason, sizeof(reason));
        limit_detail(r, &f, reason, sizeof(reason)); /* limits (rate limits) */
        verdict_trace(s, r);
        if (r->log_only) {
            snprintf(would, sizeof(would), "would-%s", rules_action_name(r->action));
            sess_decision(s, would, st, r, to, reason);
            continue;
        }
        sess_decision(s, rules_action_name(r->action), st, r, to, reason);
        switch (r->action) {
        case ACT_ACCEPT:
            s->v.rule = r;
            return;
        case ACT_REJECT:
        case ACT_TEMPFAIL:
            verdict_reply(s, r->action == ACT_REJECT ? REPLY_REJECT : REPLY_TEMPFAIL,
                          r->reply.code, r->reply.xcode, r->reply.text);
            if (r->hygiene_reply && s->msg.hyg != NULL) { /* hygiene: the defect and where */
                util_strlcpy(s->hyg_reply, hygiene_reply(s->msg.hyg, r->hygiene_mask),
                             sizeof(s->hyg_reply));
                s->v.text = s->hyg_reply;
            }
            s->v.rule = r;
            return;
        case ACT_DISCARD:
            s->v.reply = REPLY_DISCARD;
            s->v.rule = r;
            return;
        case ACT_QUARANTINE:
            if (s->msg.quarantine == NULL)
                s->msg.quarantine = r;
            s->v.rule = r;
            return;
        case ACT_REDIRECT:
            if (s->msg.redirect == NULL)
                s->msg.redirect = r;
            s->v.rule = r;
            return;
        case ACT_COPY:
            if (sess_accumulate(&s->msg.copies, &s->msg.ncopies, r) == -1) {
                sess_error(s, ev, st, r, to, "too many copy rules for one message");
                return;
            }
            continue;
        case ACT_TAG:
            if (sess_accumulate(&s->msg.tags, &s->msg.ntags, r) == -1) {
                sess_error(s, ev, st, r, to, "too many tag rules for one message");
                return;
            }
            continue;
        case ACT_FIX: /* hygiene: what is missing is added at the end of the message */
            if (s->msg.hyg != NULL)
                hygiene_fix(s->msg.hyg);
            continue;
        }
    }
}

void
sess_run(struct session *s, enum event ev, enum stage st, const struct addr *rcpt)
{
    size_t ncopies = s->msg.ncopies, ntags = s->msg.ntags;
    const struct rule *quarantine = s->msg.quarantine, *redirect = s->msg.redirect;

    sess_walk(s, ev, st, rcpt);
    /* What a refused recipient set off goes with it: a copy or tag of the message for a
     * recipient it will never reach would act on the others' mail. */
    if (st == STAGE_RCPT && (s->v.reply == REPLY_REJECT || s->v.reply == REPLY_TEMPFAIL)) {
        s->msg.ncopies = ncopies;
        s->msg.ntags = ntags;
        s->msg.quarantine = quarantine;
        s->msg.redirect = redirect;
    }
}

/* An event that can answer takes over an internal error deferred by one that could not. */
static int
sess_pending(struct session *s, enum event ev, enum stage st)
{
    char why[sizeof(s->msg.pending)];

    if (s->msg.pending[0] == '\0' || (s->noreply & (1u << ev)))
        return 0;
    util_strlcpy(why, s->msg.pending, sizeof(why));
    s->msg.pending[0] = '\0';
    sess_error(s, ev, st, NULL, NULL, why);
    return s->v.reply != REPLY_CONTINUE;
}

/* The rDNS verdict, when a rule or the listener's stamp needs it: the MTA's own when it gives
 * one (unless the rules say lookup always), else a lookup of our own (unless lookup never). */
static void
sess_rdns(struct session *s, const struct ev_connect *e)
{
    const struct ruleset *rs = s->rs;
    struct iprev_settings cfg;

    if (s->listener->stamp == STAMP_NONE && !s->listener->policy->uses_rdns)
        return;
    if (rs->rdns_lookup != RDNS_LOOKUP_ALWAYS &&
        rdns_from_macros(e->resolve, e->ptr, e->cname, &s->rdns) == 0) {
        s->have_rdns = 1;
    } else if (rs->rdns_lookup != RDNS_LOOKUP_NEVER && s->have_client) {
        cfg.server = rs->rdns_server[0] ? rs->rdns_server : NULL;
        cfg.timeout_ms = rs->rdns_timeout_ms;
        if (iprev_lookup(s->env, s->addr, &cfg, rs->rdns_cache_secs, &s->rdns, s->rdns_error,
                         sizeof(s->rdns_error)) == 0)
            s->have_rdns = 1;
        else if (s->rdns_error[0] == '\0')
            util_strlcpy(s->rdns_error, "iprev lookup failed", sizeof(s->rdns_error));
    }
}

const struct verdict *
session_connect(struct session *s, const struct ev_connect *e)
{
    char why[300], esc[160];

    verdict_reset(s);
    /* An MTA writes a client without a name as "[192.0.2.7]" (or "unknown"): no name. */
    util_strlcpy(s->name, e->name && e->name[0] != '[' ? e->name : "", sizeof(s->name));
    /* An address too long for any numeric form is no address: never cut into another. */
    if (e->addr != NULL && strlen(e->addr) < sizeof(s->addr))
        util_strlcpy(s->addr, e->addr, sizeof(s->addr));
    else
        s->addr[0] = '\0';
    /* An IPv4 client on a dual-stack socket comes as ::ffff:192.0.2.7: it is 192.0.2.7, for
     * its reverse DNS, its stamp and the networks lists alike. */
    if (strncasecmp(s->addr, "::ffff:", 7) == 0 && strchr(s->addr + 7, ':') == NULL &&
        strchr(s->addr + 7, '.') != NULL)
        memmove(s->addr, s->addr + 7, strlen(s->addr + 7) + 1);
    s->have_client = s->addr[0] != '\0' && netaddr_parse(s->addr, &s->client) == 0;
    s->listener = rules_listener(s->rs, e->daemon);
    if (s->listener == NULL || s->listener->policy == NULL) {
        snprintf(why, sizeof(why), "no listener for {daemon_name} \"%s\" and no default listener",
                 util_escape(esc, sizeof(esc), e->daemon ? e->daemon : "", 64));
        sess_error(s, EV_CONNECT, STAGE_CONNECT, NULL, NULL, why);
        /* Refused (on-error tempfail or reject): every later event says the same. With
         * on-error accept the connection goes on, with no policy to apply. */
        s->dead = s->v.reply != REPLY_CONTINUE;
        return verdict_done(s);
    }
    free(s->authserv_j);
    s->authserv_j = NULL;
    if (s->listener->authserv_id != NULL)
        s->authserv = s->listener->authserv_id;
    else if (e->myhostname == NULL || e->myhostname[0] == '\0')
        s->authserv = "localhost";
    else if ((s->authserv = s->authserv_j = strdup(e->myhostname)) == NULL)
        s->v_oom = 1;
    /* hygiene: the host name of the Message-ID fix adds, copied whole */
    free(s->hyg_host);
    s->hyg_host = NULL;
    if (s->listener->policy->uses_hygiene &&
        (s->hyg_host = strdup(e->myhostname && e->myhostname[0] ? e->myhostname : "localhost")) ==
            NULL)
        s->v_oom = 1;
    sess_rdns(s, e);
    sess_geoip_connect(s); /* geoip */
    sess_run(s, EV_CONNECT, STAGE_CONNECT, NULL);
    return verdict_done(s);
}

/* A connection that matched no listener answers every event with the same tempfail. */
int
sess_dead(struct session *s)
{
    if (!s->dead)
        return 0;
    verdict_reply(s, REPLY_TEMPFAIL, "451", "4.3.0", "internal error in mail filter, try again later");
    return 1;
}

const struct verdict *
session_helo(struct session *s, const char *helo, const char *tls)
{
    verdict_reset(s);
    if (sess_dead(s))
        return verdict_done(s);
    s->tls = tls != NULL && tls[0] != '\0';
    sess_run(s, EV_HELO, STAGE_HELO, NULL);
    return verdict_done(s);
}

const struct verdict *
session_mail(struct session *s, const struct ev_mail *e)
{
    char err[128] = "no address", reason[200];

    verdict_reset(s);
    if (sess_dead(s))
        return verdict_done(s);
    sess_msg_end(s); /* RSET without abort, or a second transaction */
    s->msg.active = 1;
    if ((s->msg.auth = strdup(e->auth ? e->auth : "")) == NULL) {
        s->msg.active = 0;
        s->v_oom = 1;
        return verdict_done(s);
    }
    if (s->listener != NULL && s->listener->policy != NULL && s->listener->policy->uses_body &&
        (s->msg.content = content_new(s->rs, s->listener->policy, s->trace_content)) == NULL)
        util_strlcpy(s->msg.pending, "out of memory starting content screening",
                     sizeof(s->msg.pending));
    /* hygiene: the defects are gathered from here to the end of the message */
    if (s->listener != NULL && s->listener->policy != NULL && s->listener->policy->uses_hygiene) {
        if ((s->msg.hyg = malloc(sizeof(*s->msg.hyg))) == NULL)
            util_strlcpy(s->msg.pending, "out of memory starting hygiene checks",
                         sizeof(s->msg.pending));
        else
            hygiene_init(s->msg.hyg, e->smtputf8);
    }
    /* STARTTLS comes before MAIL, so what HELO saw may have changed. */
    s->msg.tls = (e->tls != NULL && e->tls[0] != '\0') || s->tls;
    sess_qid(s, e->qid);
    if (e->from != NULL && addr_parse(e->from, ADDR_MAIL, &s->msg.from, err, sizeof(err)) == 0) {
        s->msg.have_from = 1;
    } else if (!(s->noreply & (1u << EV_MAIL))) {
        snprintf(reason, sizeof(reason), "5.1.7 bad sender address: %s", err);
        sess_decision(s, "reject", STAGE_MAIL, NULL, NULL, reason);
        verdict_reply(s, REPLY_REJECT, "501", "5.1.7", "bad sender address syntax");
        return verdict_done(s);
    }
    sess_run(s, EV_MAIL, STAGE_MAIL, NULL);
    if (s->v.reply == REPLY_DISCARD)
        sess_summary(s, "discard", s->v.rule);
    return verdict_done(s);
}

/* The recipient as logged: without its angle brackets. */
static void
sess_rcpt_text(const char *rcpt, char *to, size_t len)
{
    util_strlcpy(to, rcpt ? rcpt : "", len);
    if (to[0] == '<' && to[1] != '\0' && to[strlen(to) - 1] == '>') {
        to[strlen(to) - 1] = '\0';
        memmove(to, to + 1, strlen(to));
    }
}

const struct verdict *
session_rcpt(struct session *s, const char *rcpt, const char *qid)
{
    struct addr a;
    char err[128] = "no address", reason[200], to[UTIL_LOG_FIELD_MAX + 1];

    verdict_reset(s);
    if (sess_dead(s))
        return verdict_done(s);
    sess_qid(s, qid);
    if (!s->msg.active) {
        sess_error(s, EV_RCPT, STAGE_RCPT, NULL, NULL, "recipient outside a transaction");
        return verdict_done(s);
    }
    if (sess_pending(s, EV_RCPT, STAGE_RCPT))
        return verdict_done(s);
    if (rcpt == NULL || addr_parse(rcpt, ADDR_RCPT, &a, err, sizeof(err)) == -1) {
        if (s->noreply & (1u << EV_RCPT)) { /* no rcpt rules: the MTA's own checks decide */
            sess_rcpt_note(s, rcpt ? rcpt : "", NULL, 1);
            return verdict_done(s);
        }
        sess_rcpt_text(rcpt, to, sizeof(to));
        snprintf(reason, sizeof(reason), "5.1.3 bad recipient address: %s", err);
        sess_decision(s, "reject", STAGE_RCPT, NULL, to, reason);
        verdict_reply(s, REPLY_REJECT, "501", "5.1.3", "bad recipient address syntax");
        sess_rcpt_note(s, rcpt ? rcpt : "", NULL, 0);
        return verdict_done(s);
    }
    sess_run(s, EV_RCPT, STAGE_RCPT, &a);
    sess_rcpt_note(s, rcpt, &a, s->v.reply != REPLY_REJECT && s->v.reply != REPLY_TEMPFAIL);
    if (s->v.reply == REPLY_DISCARD)
        sess_summary(s, "discard", s->v.rule);
    return verdict_done(s);
}

const struct verdict *
session_header(struct session *s, const char *name, const char *value)
{
    return session_header_lead(s, name, value, name != NULL ? strlen(name) + 2 : 0);
}

const struct verdict *
session_header_lead(struct session *s, const char *name, const char *value, size_t lead)
{
    verdict_reset(s);
    if (s->dead || !s->msg.active || name == NULL || value == NULL)
        return verdict_done(s);
    hdraddr_add(&s->msg.author, name, value);
    sess_header_note(s, name, value);
    if (s->msg.hyg != NULL) /* hygiene */
        hygiene_header_lead(s->msg.hyg, name, value, lead);
    if (s->msg.content != NULL)
        content_header(s->msg.content, name, value); /* a failure is a fact: content_facts */
    return verdict_done(s);
}

const struct verdict *
session_eoh(struct session *s, const char *qid)
{
    verdict_reset(s);
    if (sess_dead(s))
        return verdict_done(s);
    sess_qid(s, qid);
    if (!s->msg.active) {
        sess_error(s, EV_EOH, STAGE_HEADER, NULL, NULL, "headers outside a transaction");
        return verdict_done(s);
    }
    if (sess_pending(s, EV_EOH, STAGE_HEADER))
        return verdict_done(s);
    s->msg.eoh = 1;
    if (s->msg.content != NULL)
        content_eoh(s->msg.content);
    if (s->msg.hyg != NULL) /* hygiene: what is missing is known now */
        hygiene_eoh(s->msg.hyg);
    sess_run(s, EV_EOH, STAGE_HEADER, NULL);
    if (s->v.reply != REPLY_CONTINUE) /* the message ends here: say so once, as at its end */
        sess_summary(s,
                     s->v.reply == REPLY_DISCARD  ? "discard"
                     : s->v.reply == REPLY_REJECT ? "reject"
                                                  : "tempfail",
                     s->v.rule);
    return verdict_done(s);
}

/* Could the rest of the body change what the content rules decide? Walked as at the end of
 * the message, with what is known so far: a rule whose conditions are all settled and hold
 * decides (a terminal one ends the walk), one with a settled condition that fails is out, and
 * one still open means the body must still be read. */
static int
sess_content_settled(const struct session *s)
{
    const struct policy *pol = s->listener->policy;
    const char *why;
    struct facts f;
    size_t i, j;

    sess_facts(s, &f, NULL);
    for (i = 0; i < pol->nrules; i++) {
        const struct rule *r = pol->rules[i];
        int holds = 1, open = 0, v;
        if (r->stage != STAGE_CONTENT)
            continue;
        for (j = 0; j < r->nconds && holds; j++) {
            if ((v = cond_eval(&r->conds[j], &f, &why)) == -1)
                return 1; /* screening failed: on-error decides, whatever comes */
            if (!cond_settled(&r->conds[j], &f))
                open = 1;
            else if (v == 0)
                holds = 0;
        }
        if (!holds)
            continue;
        if (open)
            return 0;
        if (!r->log_only && action_def(r->action)->terminal)
            return 1;
    }
    return 1;
}

const struct verdict *
session_body(struct session *s, const void *chunk, size_t len)
{
    verdict_reset(s);
    if (s->dead || !s->msg.active || s->msg.skipped)
        return verdict_done(s);
    /* hygiene: the body's lines are measured to its end (cond_settled keeps the content
     * screening from skipping the rest while a hygiene rule still waits on it) */
    if (s->msg.hyg != NULL && s->listener->policy->hygiene_body) {
        hygiene_body(s->msg.hyg, chunk, len);
        if (s->msg.content == NULL)
            return verdict_done(s);
    }
    if (s->msg.content == NULL) {
        s->v.skip = 1; /* this listener's policy reads no body */
        return verdict_done(s);
    }
    if (content_body(s->msg.content, chunk, len) == -1 || sess_content_settled(s)) {
        content_stop(s->msg.content);
        s->msg.skipped = 1;
        s->v.skip = 1;
    }
    return verdict_done(s);
}

void
session_abort(struct session *s)
{
    sess_msg_end(s);
}

void
session_negotiate(const struct ruleset *rs, struct negotiation *n)
{
    unsigned st = rs->stages, act = rs->actions;
    int headers = (st & ((1u << STAGE_HEADER) | (1u << STAGE_CONTENT))) || rs->stamps ||
                  (act & (1u << ACT_TAG)) || rs->ntag_names > 0;

    memset(n, 0, sizeof(*n));
    /* Connect picks the listener, mail starts the message state, rcpt keeps the recipients
     * for the summary and for redirects, end of message always comes. */
    n->events = 1u << EV_CONNECT | 1u << EV_MAIL | 1u << EV_RCPT | 1u << EV_EOM;
    if (st & (1u << STAGE_HELO))
        n->events |= 1u << EV_HELO;
    if (headers) /* From: for binding, forged results for stamps, Subject for tags */
        n->events |= 1u << EV_HEADER | 1u << EV_EOH;
    /* The body only for content screening; its chunks are answered so that the rest of it
     * can be skipped once the rules' answer cannot change. */
    n->noreply = 1u << EV_HEADER;
    if (rs->uses_body)
        n->events |= 1u << EV_BODY;
    else
        n->noreply |= 1u << EV_BODY;
    if (!(st & (1u << STAGE_HELO)))
        n->noreply |= 1u << EV_HELO;
    if (!(st & (1u << STAGE_MAIL)))
        n->noreply |= 1u << EV_MAIL;
    if (!(st & (1u << STAGE_RCPT)))
        n->noreply |= 1u << EV_RCPT;
    if (!(st & (1u << STAGE_HEADER)))
        n->noreply |= 1u << EV_EOH;
    if (rs->stamps || (act & (1u << ACT_TAG)))
        n->edits |= NEG_ADDHDRS | NEG_CHGHDRS;
    if (act & (1u << ACT_QUARANTINE)) /* the reason goes in, a client's copy of it out */
        n->edits |= NEG_ADDHDRS | NEG_CHGHDRS;
    if (act & (1u << ACT_COPY | 1u << ACT_REDIRECT))
        n->edits |= NEG_ADDRCPT;
    if (act & (1u << ACT_REDIRECT))
        n->edits |= NEG_DELRCPT;
    if (act & (1u << ACT_QUARANTINE))
        n->edits |= NEG_QUARANTINE;
    if (rs->geoip.stamps) /* geoip: the stamp in, a client's copy out */
        n->edits |= NEG_ADDHDRS | NEG_CHGHDRS;
    /* hygiene: headers to count, the body's lines (not answered), Date/Message-ID to add */
    if (rs->uses_hygiene)
        n->events |= 1u << EV_HEADER | 1u << EV_EOH;
    if (rs->hygiene_body)
        n->events |= 1u << EV_BODY;
    if (act & (1u << ACT_FIX))
        n->edits |= NEG_ADDHDRS;
    n->macros[EV_CONNECT] = "{daemon_name} {client_addr} {client_name} {client_ptr} "
                            "{client_resolve} j _";
    n->macros[EV_HELO] = "{tls_version} {cipher}";
    n->macros[EV_MAIL] = "i {auth_authen} {auth_type} {tls_version}";
    n->macros[EV_RCPT] = "i";
    n->macros[EV_EOH] = "i";
    n->macros[EV_EOM] = "i";
}

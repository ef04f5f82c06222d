/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * callbacks.c - libmilter callbacks (mlfi_*). Per-connection state is struct conn_ctx, created
 * at negotiate (or connect) and freed at close; per-message state is struct msg_ctx, created at
 * MAIL and freed at end of message or abort, so every transaction is decided afresh.
 *
 * At negotiate the connection takes the rules snapshot in force and asks the MTA only for the
 * events those rules need, with the no-reply flags for the events that never answer: most of
 * a milter's cost is round trips, not rule matching.
 */
#include "callbacks.h"
#include "addr.h"
#include "authres.h"
#include "dns.h"
#include "eval.h"
#include "log.h"
#include "reload.h"
#include "util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/*
 * Headers a stamping listener removes before it stamps, per message and per name: forged
 * Authentication-Results claiming our authserv-id, and every header named like the listener's
 * stamp. An honest message carries a few results (one per checking hop) and no stamp of ours;
 * one carrying more than this many of either is tempfailed rather than passed half-cleaned.
 */
#define CB_MAX_FORGED 64

/* Headers of one name to delete. The MTA numbers the headers of a name from 1, counting every
 * header of that name case-insensitively (Postfix and Sendmail alike); seen counts the same. */
struct cb_doomed {
    int seen;               /* headers of this name so far */
    int n;                  /* ... of which to delete; CB_MAX_FORGED + 1 means too many */
    int idx[CB_MAX_FORGED]; /* their indexes */
};

struct msg_ctx {
    char auth[256];
    int tls;
    struct addr from;
    int have_from;
    const struct rule *quarantine; /* a quarantine rule matched: applied at end of message */
    int eoh;                       /* headers complete: author is known */
    struct author author;          /* From: and Sender:, parsed as they arrive */
    struct cb_doomed ar;           /* Authentication-Results claiming our authserv-id */
    struct cb_doomed stamp;        /* headers named like our stamp, sent by the client */
};

struct conn_ctx {
    struct ruleset *rs;
    struct rdns_result rdns;
    int have_rdns;
    const char *authserv; /* the listener's (in rs), or authserv_j */
    char *authserv_j;     /* the MTA's host name {j}, copied whole: an id cut short would
                             match forgeries of a different one */
    const struct listener *listener;
    unsigned long nr; /* SMFIP_NR_* the MTA granted */
    struct netaddr client;
    int have_client;
    char addr[INET6_ADDRSTRLEN];
    char name[256];
    struct msg_ctx *msg;
};

/* Returned by a callback that lets the session go on. */
static sfsistat
cb_continue(const struct conn_ctx *c, unsigned long nr_flag)
{
    return c != NULL && (c->nr & nr_flag) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static const char *
cb_macro(SMFICTX *ctx, const char *name)
{
    const char *v = smfi_getsymval(ctx, (char *)name);
    return v != NULL ? v : "";
}

static struct conn_ctx *
cb_conn_new(SMFICTX *ctx)
{
    struct conn_ctx *c = calloc(1, sizeof(*c));

    if (c == NULL)
        return NULL;
    if ((c->rs = reload_current()) == NULL) {
        free(c);
        return NULL;
    }
    smfi_setpriv(ctx, c);
    return c;
}

static void
cb_msg_free(struct conn_ctx *c)
{
    if (c != NULL) {
        free(c->msg);
        c->msg = NULL;
    }
}

/* smfi_setreply hands the text to a printf-like function in the MTA: '%' must be doubled. */
static void
cb_setreply(SMFICTX *ctx, const char *code, const char *xcode, const char *text)
{
    char buf[1024];
    size_t o = 0;

    for (; *text && o + 2 < sizeof(buf); text++) {
        if (*text == '%')
            buf[o++] = '%';
        buf[o++] = *text;
    }
    buf[o] = '\0';
    smfi_setreply(ctx, (char *)code, (char *)xcode, buf);
}

static void
cb_log(SMFICTX *ctx, const struct conn_ctx *c, const char *action, enum stage st,
       const struct rule *r, const char *to, const char *reason)
{
    struct decision d = {0};

    d.qid = cb_macro(ctx, "i");
    d.action = action;
    d.stage = rules_stage_name(st);
    d.rule_file = r ? r->file : NULL;
    d.rule_line = r ? r->line : 0;
    d.listener = c && c->listener ? c->listener->name : NULL;
    d.client_name = c ? c->name : NULL;
    d.client_addr = c ? c->addr : NULL;
    d.auth = c && c->msg ? c->msg->auth : NULL;
    d.from = c && c->msg && c->msg->have_from ? c->msg->from.text : NULL;
    d.to = to;
    d.reason = reason;
    log_decision(&d);
}

/* An internal failure: the message is tempfailed unless the rules say on-error otherwise. */
static sfsistat
cb_internal_error(SMFICTX *ctx, struct conn_ctx *c, enum stage st, const char *why,
                  unsigned long nr_flag)
{
    enum action a = c && c->rs ? c->rs->on_error : ACT_TEMPFAIL;

    /* An event negotiated without reply cannot answer: a later stage that does answer finds
     * the missing message state and fails there (end of message always answers). */
    if (c != NULL && (c->nr & nr_flag)) {
        cb_log(ctx, c, "error-deferred", st, NULL, NULL, why);
        return SMFIS_NOREPLY;
    }
    cb_log(ctx, c,
           a == ACT_ACCEPT   ? "error-accept"
           : a == ACT_REJECT ? "reject"
                             : "tempfail",
           st, NULL, NULL, why);
    if (a == ACT_ACCEPT)
        return SMFIS_CONTINUE;
    if (a == ACT_REJECT) {
        cb_setreply(ctx, "550", "5.3.0", "internal error in mail filter");
        return SMFIS_REJECT;
    }
    cb_setreply(ctx, "451", "4.3.0", "internal error in mail filter, try again later");
    return SMFIS_TEMPFAIL;
}

static void
cb_session(const struct conn_ctx *c, struct session *s, const struct addr *rcpt)
{
    memset(s, 0, sizeof(*s));
    s->client = c->have_client ? &c->client : NULL;
    if (c->msg != NULL) {
        s->auth = c->msg->auth;
        s->tls = c->msg->tls;
        s->from = c->msg->have_from ? &c->msg->from : NULL;
        s->author = c->msg->eoh ? &c->msg->author : NULL;
    }
    s->rdns = c->have_rdns ? &c->rdns : NULL;
    s->rcpt = rcpt;
}

/* For the log: what was wrong with the author headers, if anything, so that an admin can
 * tell a forged From: from a malformed one. */
static void
cb_author_detail(const struct rule *r, const struct author *au, char *reason, size_t len)
{
    size_t n = strlen(reason), i;
    int about_author = 0;

    for (i = 0; i < r->nconds; i++)
        about_author |= r->conds[i].kind == COND_FROM_OWNED || r->conds[i].kind == COND_HEADER_FROM;
    if (au == NULL || !about_author)
        return;
    if (au->broken)
        snprintf(reason + n, len - n, " (%s)", au->why);
    else if (au->nfrom != 1)
        snprintf(reason + n, len - n, " (%d From: headers)", au->nfrom);
    else if (au->nsender > 1)
        snprintf(reason + n, len - n, " (%d Sender: headers)", au->nsender);
    else if (au->nhidden > 0)
        snprintf(reason + n, len - n, " (address in a display name or comment)");
}

/* Runs the rules of one stage and applies the first one that is not log-only. */
static sfsistat
cb_apply(SMFICTX *ctx, struct conn_ctx *c, enum stage st, const struct addr *rcpt,
         unsigned long nr_flag)
{
    const struct policy *pol = c->listener ? c->listener->policy : NULL;
    const char *to = rcpt ? rcpt->text : NULL;
    const struct rule *r;
    struct session s;
    size_t pos = 0;
    char would[32];

    cb_session(c, &s, rcpt);
    while (eval_next(pol, st, &s, &pos, &r)) {
        char reason[600];
        if (r->action == ACT_REJECT || r->action == ACT_TEMPFAIL)
            snprintf(reason, sizeof(reason), "%s %s", r->reply.xcode, r->reply.text);
        else
            util_strlcpy(reason, r->reply.text ? r->reply.text : "", sizeof(reason));
        cb_author_detail(r, s.author, reason, sizeof(reason));
        if (r->log_only) {
            snprintf(would, sizeof(would), "would-%s", rules_action_name(r->action));
            cb_log(ctx, c, would, st, r, to, reason);
            continue;
        }
        cb_log(ctx, c, rules_action_name(r->action), st, r, to, reason);
        switch (r->action) {
        case ACT_ACCEPT:
            return cb_continue(c, nr_flag);
        case ACT_REJECT:
            cb_setreply(ctx, r->reply.code, r->reply.xcode, r->reply.text);
            return SMFIS_REJECT;
        case ACT_TEMPFAIL:
            cb_setreply(ctx, r->reply.code, r->reply.xcode, r->reply.text);
            return SMFIS_TEMPFAIL;
        case ACT_DISCARD:
            return SMFIS_DISCARD;
        case ACT_QUARANTINE:
            if (c->msg != NULL && c->msg->quarantine == NULL)
                c->msg->quarantine = r;
            return cb_continue(c, nr_flag);
        }
    }
    return cb_continue(c, nr_flag);
}

/* The rDNS verdict, when a rule or the listener's stamp needs it: the MTA's own when it gives
 * one (unless the rules say lookup always), else a lookup of our own (unless lookup never).
 * 0, or -1 if out of memory. */
static int
cb_rdns(SMFICTX *ctx, struct conn_ctx *c)
{
    const struct ruleset *rs = c->rs;
    const char *j = cb_macro(ctx, "j");
    struct dns_config cfg;

    free(c->authserv_j);
    c->authserv_j = NULL;
    if (c->listener->authserv_id != NULL)
        c->authserv = c->listener->authserv_id;
    else if (*j == '\0')
        c->authserv = "localhost";
    else if ((c->authserv = c->authserv_j = strdup(j)) == NULL)
        return -1;
    if (c->listener->stamp == STAMP_NONE && !c->listener->policy->uses_rdns)
        return 0;
    if (rs->rdns_lookup != RDNS_LOOKUP_ALWAYS &&
        rdns_from_macros(cb_macro(ctx, "{client_resolve}"), cb_macro(ctx, "{client_ptr}"),
                         cb_macro(ctx, "{client_name}"), &c->rdns) == 0) {
        c->have_rdns = 1;
    } else if (rs->rdns_lookup != RDNS_LOOKUP_NEVER && c->have_client) {
        cfg.server = rs->rdns_server[0] ? rs->rdns_server : NULL;
        cfg.timeout_ms = rs->rdns_timeout_ms;
        cfg.cache_secs = rs->rdns_cache_secs;
        dns_iprev(c->addr, &cfg, &c->rdns);
        c->have_rdns = 1;
    }
    return 0;
}

/* The name of the listener's stamp header. */
static const char *
cb_stamp_name(const struct listener *l)
{
    return l->rdns_header != NULL ? l->rdns_header : "X-Relaywarden-RDNS";
}

/* Counts a header of d's name, and notes its index if it is to go. */
static void
cb_doom(struct cb_doomed *d, int doomed)
{
    d->seen++;
    if (!doomed || d->n > CB_MAX_FORGED)
        return;
    if (d->n < CB_MAX_FORGED)
        d->idx[d->n] = d->seen;
    d->n++;
}

/* Deletes d's headers, last first, so that the indexes of the others do not move. */
static int
cb_delete(SMFICTX *ctx, const char *name, const struct cb_doomed *d)
{
    int i;

    for (i = (d->n < CB_MAX_FORGED ? d->n : CB_MAX_FORGED) - 1; i >= 0; i--)
        if (smfi_chgheader(ctx, (char *)name, d->idx[i], NULL) != MI_SUCCESS)
            return -1;
    return 0;
}

/* At end of message: drop the client's headers named like our stamp and Authentication-Results
 * that claim our authserv-id (a sender must not forge our verdict), then put the rDNS stamp and
 * our own Authentication-Results on top. 0, or -1 if the MTA refused an edit (or, which
 * RDNS_HEADER_MAX rules out, a header text did not fit). */
static int
cb_stamp(SMFICTX *ctx, struct conn_ctx *c)
{
    const struct listener *l = c->listener;
    char value[RDNS_HEADER_MAX];

    if (l->stamp == STAMP_NONE)
        return 0;
    /* Forgeries go on every stamping listener, also from sessions it does not stamp. */
    if (cb_delete(ctx, cb_stamp_name(l), &c->msg->stamp) == -1 ||
        cb_delete(ctx, "Authentication-Results", &c->msg->ar) == -1)
        return -1;
    if (!c->have_rdns || (l->stamp == STAMP_UNAUTHENTICATED && c->msg->auth[0] != '\0'))
        return 0;
    if (rdns_format_ar(&c->rdns, c->authserv, c->addr, value, sizeof(value)) == -1 ||
        smfi_insheader(ctx, 0, "Authentication-Results", value) != MI_SUCCESS)
        return -1;
    if (rdns_format_stamp(&c->rdns, c->addr, value, sizeof(value)) == -1 ||
        smfi_insheader(ctx, 0, (char *)cb_stamp_name(l), value) != MI_SUCCESS)
        return -1;
    return 0;
}

static sfsistat
mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2, unsigned long f3,
               unsigned long *pf0, unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
    struct conn_ctx *c = cb_conn_new(ctx);
    unsigned stages, want = 0;

    if (c == NULL)
        return SMFIS_ALL_OPTS; /* connect will tempfail: no snapshot or no memory */
    stages = c->rs->stages;
    /* Events the loaded rules do not need are not sent at all. */
    if (!(stages & (1u << STAGE_HELO)))
        want |= SMFIP_NOHELO;
    if (!(stages & ((1u << STAGE_HEADER) | (1u << STAGE_CONTENT))))
        want |= SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NOBODY;
    else if (!(stages & (1u << STAGE_CONTENT)))
        want |= SMFIP_NOBODY;
    if (!(stages & (1u << STAGE_RCPT)) &&
        !(stages & ((1u << STAGE_HEADER) | (1u << STAGE_CONTENT))))
        want |= SMFIP_NORCPT;
    if (c->rs->stamps) /* stamping removes forged Authentication-Results: needs headers */
        want &= ~(unsigned long)(SMFIP_NOHDRS | SMFIP_NOEOH);
    want |= SMFIP_NOUNKNOWN | SMFIP_NODATA;
    /* Events that are needed but never answered need no reply from us. */
    if (!(stages & (1u << STAGE_HELO)))
        want |= SMFIP_NR_HELO;
    if (!(stages & (1u << STAGE_MAIL)))
        want |= SMFIP_NR_MAIL;
    if (!(stages & (1u << STAGE_RCPT)))
        want |= SMFIP_NR_RCPT;
    if (!(stages & (1u << STAGE_HEADER)))
        want |= SMFIP_NR_EOH;
    want |= SMFIP_NR_HDR | SMFIP_NR_BODY | SMFIP_NR_UNKN | SMFIP_NR_DATA;
    *pf1 = want & f1;
    c->nr = *pf1 & (SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR |
                    SMFIP_NR_EOH | SMFIP_NR_BODY | SMFIP_NR_UNKN | SMFIP_NR_DATA);
    *pf0 = f0 & (SMFIF_QUARANTINE | SMFIF_SETSYMLIST | SMFIF_ADDHDRS | SMFIF_CHGHDRS);
    *pf2 = 0;
    *pf3 = 0;
    if (f0 & SMFIF_SETSYMLIST) {
        smfi_setsymlist(ctx, SMFIM_CONNECT,
                        "{daemon_name} {client_addr} {client_name} {client_ptr} "
                        "{client_resolve} j _");
        smfi_setsymlist(ctx, SMFIM_HELO, "{tls_version} {cipher}");
        smfi_setsymlist(ctx, SMFIM_ENVFROM, "i {auth_authen} {auth_type} {tls_version}");
        smfi_setsymlist(ctx, SMFIM_ENVRCPT, "i");
        smfi_setsymlist(ctx, SMFIM_EOM, "i");
    }
    return SMFIS_CONTINUE;
}

static sfsistat
mlfi_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
    struct conn_ctx *c = smfi_getpriv(ctx);
    const char *daemon, *a;

    if (c == NULL && (c = cb_conn_new(ctx)) == NULL)
        return cb_internal_error(ctx, NULL, STAGE_CONNECT, "no rules snapshot or out of memory", 0);
    util_strlcpy(c->name, hostname ? hostname : cb_macro(ctx, "{client_name}"), sizeof(c->name));
    if (hostaddr != NULL && hostaddr->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)hostaddr;
        inet_ntop(AF_INET, &sin->sin_addr, c->addr, sizeof(c->addr));
    } else if (hostaddr != NULL && hostaddr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)hostaddr;
        inet_ntop(AF_INET6, &sin6->sin6_addr, c->addr, sizeof(c->addr));
    } else if (*(a = cb_macro(ctx, "{client_addr}")) != '\0') {
        util_strlcpy(c->addr, a, sizeof(c->addr));
    }
    c->have_client = c->addr[0] != '\0' && netaddr_parse(c->addr, &c->client) == 0;
    daemon = cb_macro(ctx, "{daemon_name}");
    c->listener = rules_listener(c->rs, daemon);
    if (c->listener == NULL || c->listener->policy == NULL) {
        char why[300], esc[160];
        snprintf(why, sizeof(why), "no listener for {daemon_name} \"%s\" and no default listener",
                 util_escape(esc, sizeof(esc), daemon, 64));
        return cb_internal_error(ctx, c, STAGE_CONNECT, why, 0);
    }
    if (cb_rdns(ctx, c) == -1)
        return cb_internal_error(ctx, c, STAGE_CONNECT, "out of memory", 0);
    return cb_apply(ctx, c, STAGE_CONNECT, NULL, SMFIP_NR_CONN);
}

static sfsistat
mlfi_helo(SMFICTX *ctx, char *helo)
{
    struct conn_ctx *c = smfi_getpriv(ctx);

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    return cb_apply(ctx, c, STAGE_HELO, NULL, SMFIP_NR_HELO);
}

static sfsistat
mlfi_envfrom(SMFICTX *ctx, char **argv)
{
    struct conn_ctx *c = smfi_getpriv(ctx);
    char err[128] = "no address";

    if (c == NULL)
        return SMFIS_TEMPFAIL;
    cb_msg_free(c); /* RSET without abort, or a second transaction */
    if ((c->msg = calloc(1, sizeof(*c->msg))) == NULL)
        return cb_internal_error(ctx, c, STAGE_MAIL, "out of memory", SMFIP_NR_MAIL);
    util_strlcpy(c->msg->auth, cb_macro(ctx, "{auth_authen}"), sizeof(c->msg->auth));
    c->msg->tls = cb_macro(ctx, "{tls_version}")[0] != '\0';
    if (argv[0] != NULL && addr_parse(argv[0], ADDR_MAIL, &c->msg->from, err, sizeof(err)) == 0) {
        c->msg->have_from = 1;
    } else if (!(c->nr & SMFIP_NR_MAIL)) {
        char reason[200];
        snprintf(reason, sizeof(reason), "5.1.7 bad sender address: %s", err);
        cb_log(ctx, c, "reject", STAGE_MAIL, NULL, NULL, reason);
        cb_setreply(ctx, "501", "5.1.7", "bad sender address syntax");
        return SMFIS_REJECT;
    }
    return cb_apply(ctx, c, STAGE_MAIL, NULL, SMFIP_NR_MAIL);
}

static sfsistat
mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
    struct conn_ctx *c = smfi_getpriv(ctx);
    struct addr rcpt;
    char err[128] = "no address";

    if (c == NULL || c->msg == NULL)
        return cb_internal_error(ctx, c, STAGE_RCPT, "recipient outside a transaction",
                                 SMFIP_NR_RCPT);
    if (argv[0] == NULL || addr_parse(argv[0], ADDR_RCPT, &rcpt, err, sizeof(err)) == -1) {
        char reason[200], to[UTIL_LOG_FIELD_MAX + 1];
        if (c->nr & SMFIP_NR_RCPT)
            return SMFIS_NOREPLY; /* no rcpt rules: the MTA's own syntax checks decide */
        util_strlcpy(to, argv[0] ? argv[0] : "", sizeof(to));
        if (to[0] == '<' && to[1] != '\0' && to[strlen(to) - 1] == '>') {
            to[strlen(to) - 1] = '\0';
            memmove(to, to + 1, strlen(to));
        }
        snprintf(reason, sizeof(reason), "5.1.3 bad recipient address: %s", err);
        cb_log(ctx, c, "reject", STAGE_RCPT, NULL, to, reason);
        cb_setreply(ctx, "501", "5.1.3", "bad recipient address syntax");
        return SMFIS_REJECT;
    }
    return cb_apply(ctx, c, STAGE_RCPT, &rcpt, SMFIP_NR_RCPT);
}

static sfsistat
mlfi_header(SMFICTX *ctx, char *name, char *value)
{
    struct conn_ctx *c = smfi_getpriv(ctx);

    if (c != NULL && c->msg != NULL && name != NULL && value != NULL) {
        hdraddr_add(&c->msg->author, name, value);
        /* Only a stamping listener removes forged headers, so only there are they counted.
         * A stamp named Authentication-Results (an odd choice) takes every one: counted once,
         * as a stamp, so that no header is deleted twice. */
        if (c->listener != NULL && c->listener->stamp != STAMP_NONE) {
            if (authres_name_eq(name, cb_stamp_name(c->listener)))
                cb_doom(&c->msg->stamp, 1);
            else if (authres_name_eq(name, "Authentication-Results"))
                cb_doom(&c->msg->ar, authres_is_ours(value, strlen(value), c->authserv));
        }
    }
    return cb_continue(c, SMFIP_NR_HDR);
}

static sfsistat
mlfi_eoh(SMFICTX *ctx)
{
    struct conn_ctx *c = smfi_getpriv(ctx);

    if (c == NULL || c->msg == NULL)
        return cb_internal_error(ctx, c, STAGE_HEADER, "headers outside a transaction",
                                 SMFIP_NR_EOH);
    c->msg->eoh = 1;
    return cb_apply(ctx, c, STAGE_HEADER, NULL, SMFIP_NR_EOH);
}

static sfsistat
mlfi_eom(SMFICTX *ctx)
{
    struct conn_ctx *c = smfi_getpriv(ctx);
    sfsistat r;

    if (c == NULL || c->msg == NULL)
        return cb_internal_error(ctx, c, STAGE_CONTENT, "end of message outside a transaction", 0);
    r = cb_apply(ctx, c, STAGE_CONTENT, NULL, 0);
    if (r == SMFIS_CONTINUE || r == SMFIS_NOREPLY) {
        if (c->msg->ar.n > CB_MAX_FORGED)
            r = cb_internal_error(ctx, c, STAGE_CONTENT,
                                  "too many Authentication-Results claiming our authserv-id", 0);
        else if (c->msg->stamp.n > CB_MAX_FORGED)
            r = cb_internal_error(ctx, c, STAGE_CONTENT,
                                  "too many headers named like our stamp from the client", 0);
        else if (cb_stamp(ctx, c) == -1)
            r = cb_internal_error(ctx, c, STAGE_CONTENT, "the MTA refused a header edit", 0);
    }
    if ((r == SMFIS_CONTINUE || r == SMFIS_NOREPLY) && c->msg->quarantine != NULL) {
        const struct rule *q = c->msg->quarantine;
        char reason[300];
        snprintf(reason, sizeof(reason), "%s (%s:%d)", q->reply.text ? q->reply.text : "policy",
                 q->file, q->line);
        if (smfi_quarantine(ctx, reason) != MI_SUCCESS)
            r = cb_internal_error(ctx, c, STAGE_CONTENT, "the MTA refused to quarantine", 0);
    }
    cb_msg_free(c);
    return r == SMFIS_NOREPLY ? SMFIS_CONTINUE : r;
}

static sfsistat
mlfi_abort(SMFICTX *ctx)
{
    cb_msg_free(smfi_getpriv(ctx));
    return SMFIS_CONTINUE;
}

static sfsistat
mlfi_close(SMFICTX *ctx)
{
    struct conn_ctx *c = smfi_getpriv(ctx);

    if (c != NULL) {
        cb_msg_free(c);
        rules_unref(c->rs);
        free(c->authserv_j);
        free(c);
        smfi_setpriv(ctx, NULL);
    }
    return SMFIS_CONTINUE;
}

struct smfiDesc callbacks_desc = {
    .xxfi_name = "relaywarden",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_QUARANTINE | SMFIF_ADDHDRS | SMFIF_CHGHDRS,
    .xxfi_connect = mlfi_connect,
    .xxfi_helo = mlfi_helo,
    .xxfi_envfrom = mlfi_envfrom,
    .xxfi_envrcpt = mlfi_envrcpt,
    .xxfi_header = mlfi_header,
    .xxfi_eoh = mlfi_eoh,
    .xxfi_eom = mlfi_eom,
    .xxfi_abort = mlfi_abort,
    .xxfi_close = mlfi_close,
    .xxfi_negotiate = mlfi_negotiate,
};

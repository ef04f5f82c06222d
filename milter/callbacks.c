/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * callbacks.c - libmilter callbacks (mlfi_*): each turns what the MTA said into a session event
 * (policy/session.h) and the verdict into smfi_* calls. No decision is made here. The
 * connection context (struct conn_ctx) is created at negotiate (or connect) and freed at close.
 *
 * At negotiate the connection takes the rules snapshot in force and asks the MTA only for the
 * events, macros and modifications those rules need (session_negotiate), with the no-reply
 * flags for the events that never answer: most of a milter's cost is round trips.
 */
#include "callbacks.h"
#include "env_milter.h"
#include "log.h"
#include "reload.h"
#include "session.h"
#include "stats.h"
#include "util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int callbacks_count_bytes;

struct conn_ctx {
    struct session *s;
    unsigned long nr; /* SMFIP_NR_* the MTA granted */
    int skip;         /* the MTA takes SMFIS_SKIP: the rest of the body can be left unsent */
};

/* Connections with a context: a stop says how many it cut (main.c). */
static atomic_int cb_open;

int
callbacks_open(void)
{
    return atomic_load(&cb_open);
}

/* The no-reply flag and the skip flag of each event, by enum event. */
static const struct {
    unsigned long no;  /* SMFIP_NO*: the event is not sent at all */
    unsigned long nr;  /* SMFIP_NR_*: the event needs no reply */
} cb_events[EV_COUNT] = {
    [EV_CONNECT] = {SMFIP_NOCONNECT, SMFIP_NR_CONN}, [EV_HELO] = {SMFIP_NOHELO, SMFIP_NR_HELO},
    [EV_MAIL] = {SMFIP_NOMAIL, SMFIP_NR_MAIL},       [EV_RCPT] = {SMFIP_NORCPT, SMFIP_NR_RCPT},
    [EV_HEADER] = {SMFIP_NOHDRS, SMFIP_NR_HDR},      [EV_EOH] = {SMFIP_NOEOH, SMFIP_NR_EOH},
    [EV_BODY] = {SMFIP_NOBODY, SMFIP_NR_BODY},       [EV_EOM] = {0, 0},
};

/* The macro stage libmilter's setsymlist names for each event that carries macros. */
static const int cb_macro_stage[EV_COUNT] = {
    [EV_CONNECT] = SMFIM_CONNECT, [EV_HELO] = SMFIM_HELO, [EV_MAIL] = SMFIM_ENVFROM,
    [EV_RCPT] = SMFIM_ENVRCPT,    [EV_HEADER] = -1,       [EV_EOH] = SMFIM_EOH,
    [EV_BODY] = -1,               [EV_EOM] = SMFIM_EOM,
};

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
    struct ruleset *rs;

    if (c == NULL)
        return NULL;
    if ((rs = reload_current()) == NULL || (c->s = session_new(rs, env_milter())) == NULL) {
        rules_unref(rs);
        free(c);
        return NULL;
    }
    rules_unref(rs); /* the session holds its own reference */
    smfi_setpriv(ctx, c);
    atomic_fetch_add(&cb_open, 1);
    return c;
}

/* smfi_setreply hands the text to a printf-like function in the MTA: '%' must be doubled. */
static void
cb_setreply(SMFICTX *ctx, const char *code, const char *xcode, const char *text)
{
    char buf[1024];
    size_t o = 0;

    for (; text && *text && o + 2 < sizeof(buf); text++) {
        if (*text == '%')
            buf[o++] = '%';
        buf[o++] = *text;
    }
    buf[o] = '\0';
    smfi_setreply(ctx, (char *)code, (char *)xcode, buf);
}

/* The verdict's header edits, recipient changes and quarantine. 0, or -1 with what failed. */
static int
cb_edits(SMFICTX *ctx, const struct verdict *v, const char **what)
{
    size_t i;
    int rc;

    for (i = 0; i < v->nedits; i++) {
        const struct hdr_edit *e = &v->edits[i];
        switch (e->op) {
        case EDIT_INSERT:
            rc = smfi_insheader(ctx, e->index, e->name, e->value);
            break;
        case EDIT_ADD:
            rc = smfi_addheader(ctx, e->name, e->value);
            break;
        case EDIT_CHANGE:
        default:
            rc = smfi_chgheader(ctx, e->name, e->index, e->value);
            break;
        }
        if (rc != MI_SUCCESS) {
            *what = "the MTA refused a header edit";
            return -1;
        }
    }
    for (i = 0; i < v->nrcpts; i++) {
        rc = v->rcpts[i].op == RCPT_ADD ? smfi_addrcpt(ctx, v->rcpts[i].addr)
                                        : smfi_delrcpt(ctx, v->rcpts[i].addr);
        if (rc != MI_SUCCESS) {
            *what = "the MTA refused a recipient change";
            return -1;
        }
    }
    if (v->quarantine != NULL && smfi_quarantine(ctx, v->quarantine) != MI_SUCCESS) {
        *what = "the MTA refused to quarantine";
        return -1;
    }
    return 0;
}

/* Applies a verdict: logs its lines, makes its edits, answers the MTA. */
static sfsistat
cb_apply(SMFICTX *ctx, const struct conn_ctx *c, const struct verdict *v, enum event ev)
{
    const char *what = NULL;
    size_t i;

    for (i = 0; i < v->nlog; i++)
        log_text(LOG_INFO, v->log[i]);
    if (c != NULL)
        stats_verdict(c->s, v, ev);
    /* An event the MTA does not wait on gets no answer, whatever the verdict: an answer it
     * does not read would be taken for the reply to the next command. The session defers
     * what it could not say to the next event that answers. */
    if (c != NULL && (c->nr & cb_events[ev].nr))
        return SMFIS_NOREPLY;
    if (cb_edits(ctx, v, &what) == -1) {
        /* Whatever the MTA took of the edits goes with the message it now tempfails. */
        log_msg(LOG_ERR, "%s: tempfail: %s", cb_macro(ctx, "i")[0] ? cb_macro(ctx, "i") : "NOQUEUE",
                what);
        stats_internal_error();
        cb_setreply(ctx, "451", "4.3.0", "internal error in mail filter, try again later");
        return SMFIS_TEMPFAIL;
    }
    switch (v->reply) {
    case REPLY_REJECT:
        cb_setreply(ctx, v->code, v->xcode, v->text);
        return SMFIS_REJECT;
    case REPLY_TEMPFAIL:
        cb_setreply(ctx, v->code, v->xcode, v->text);
        return SMFIS_TEMPFAIL;
    case REPLY_DISCARD:
        return SMFIS_DISCARD;
    case REPLY_ACCEPT:
        return SMFIS_ACCEPT;
    case REPLY_CONTINUE:
        break;
    }
    if (ev == EV_BODY && v->skip && c != NULL && c->skip)
        return SMFIS_SKIP;
    return SMFIS_CONTINUE;
}

/* No session at all (out of memory, no rules): the connection tempfails. */
static sfsistat
cb_no_session(SMFICTX *ctx)
{
    stats_internal_error();
    log_msg(LOG_ERR, "NOQUEUE: tempfail: stage=connect rule=- reason=\"no rules snapshot or out "
                     "of memory\"");
    cb_setreply(ctx, "451", "4.3.0", "internal error in mail filter, try again later");
    return SMFIS_TEMPFAIL;
}

static sfsistat
mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2, unsigned long f3,
               unsigned long *pf0, unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
    struct conn_ctx *c = cb_conn_new(ctx);
    struct negotiation n;
    unsigned long want = SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NR_UNKN | SMFIP_NR_DATA, edits = 0;
    unsigned noreply = 0;
    int ev;

    if (c == NULL)
        return SMFIS_ALL_OPTS; /* connect will tempfail: no snapshot or no memory */
    session_negotiate(session_rules(c->s), &n);
    if (callbacks_count_bytes) /* the body, without replies, for the byte counters */
        n.events |= 1u << EV_BODY;
    for (ev = 0; ev < EV_COUNT; ev++) {
        if (!(n.events & (1u << ev)))
            want |= cb_events[ev].no;
        else if (n.noreply & (1u << ev))
            want |= cb_events[ev].nr;
    }
    if (n.events & (1u << EV_BODY))
        want |= SMFIP_SKIP;
    *pf1 = want & f1;
    c->skip = (*pf1 & SMFIP_SKIP) != 0;
    c->nr = *pf1 & (SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR |
                    SMFIP_NR_EOH | SMFIP_NR_BODY | SMFIP_NR_UNKN | SMFIP_NR_DATA);
    for (ev = 0; ev < EV_COUNT; ev++)
        if (cb_events[ev].nr && (c->nr & cb_events[ev].nr))
            noreply |= 1u << ev;
    session_noreply(c->s, noreply);
    if (n.edits & NEG_ADDHDRS)
        edits |= SMFIF_ADDHDRS;
    if (n.edits & NEG_CHGHDRS)
        edits |= SMFIF_CHGHDRS;
    if (n.edits & NEG_ADDRCPT)
        edits |= SMFIF_ADDRCPT;
    if (n.edits & NEG_DELRCPT)
        edits |= SMFIF_DELRCPT;
    if (n.edits & NEG_QUARANTINE)
        edits |= SMFIF_QUARANTINE;
    *pf0 = f0 & (edits | SMFIF_SETSYMLIST);
    *pf2 = 0;
    *pf3 = 0;
    if (f0 & SMFIF_SETSYMLIST)
        for (ev = 0; ev < EV_COUNT; ev++)
            if (n.macros[ev] != NULL && cb_macro_stage[ev] >= 0)
                smfi_setsymlist(ctx, cb_macro_stage[ev], (char *)n.macros[ev]);
    return SMFIS_CONTINUE;
}

static sfsistat
mlfi_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
    struct conn_ctx *c = smfi_getpriv(ctx);
    struct ev_connect e = {0};
    char addr[INET6_ADDRSTRLEN] = "";

    if (c == NULL && (c = cb_conn_new(ctx)) == NULL)
        return cb_no_session(ctx);
    if (hostaddr != NULL && hostaddr->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)hostaddr;
        inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
    } else if (hostaddr != NULL && hostaddr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)hostaddr;
        inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof(addr));
    } else {
        util_strlcpy(addr, cb_macro(ctx, "{client_addr}"), sizeof(addr));
    }
    e.daemon = cb_macro(ctx, "{daemon_name}");
    e.addr = addr;
    e.name = hostname ? hostname : cb_macro(ctx, "{client_name}");
    e.resolve = cb_macro(ctx, "{client_resolve}");
    e.ptr = cb_macro(ctx, "{client_ptr}");
    e.cname = cb_macro(ctx, "{client_name}");
    e.myhostname = cb_macro(ctx, "j");
    return cb_apply(ctx, c, session_connect(c->s, &e), EV_CONNECT);
}

static sfsistat
mlfi_helo(SMFICTX *ctx, char *helo)
{
    struct conn_ctx *c = smfi_getpriv(ctx);

    if (c == NULL)
        return cb_no_session(ctx);
    return cb_apply(ctx, c, session_helo(c->s, helo, cb_macro(ctx, "{tls_version}")), EV_HELO);
}

static sfsistat
mlfi_envfrom(SMFICTX *ctx, char **argv)
{
    struct conn_ctx *c = smfi_getpriv(ctx);
    struct ev_mail e;

    if (c == NULL)
        return cb_no_session(ctx);
    e.from = argv[0];
    e.auth = cb_macro(ctx, "{auth_authen}");
    e.tls = cb_macro(ctx, "{tls_version}");
    e.qid = cb_macro(ctx, "i");
    /* hygiene: the ESMTP parameters of MAIL FROM follow the address in argv */
    e.smtputf8 = 0;
    for (int i = 1; argv[0] != NULL && argv[i] != NULL; i++)
        if (strcasecmp(argv[i], "SMTPUTF8") == 0)
            e.smtputf8 = 1;
    return cb_apply(ctx, c, session_mail(c->s, &e), EV_MAIL);
}

static sfsistat
mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
    struct conn_ctx *c = smfi_getpriv(ctx);

    if (c == NULL)
        return cb_no_session(ctx);
    return cb_apply(ctx, c, session_rcpt(c->s, argv[0], cb_macro(ctx, "i")), EV_RCPT);
}

static sfsistat
mlfi_header(SMFICTX *ctx, char *name, char *value)
{
    struct conn_ctx *c = smfi_getpriv(ctx);

    if (c == NULL)
        return cb_no_session(ctx);
    return cb_apply(ctx, c, session_header(c->s, name, value), EV_HEADER);
}

static sfsistat
mlfi_eoh(SMFICTX *ctx)
{
    struct conn_ctx *c = smfi_getpriv(ctx);

    if (c == NULL)
        return cb_no_session(ctx);
    return cb_apply(ctx, c, session_eoh(c->s, cb_macro(ctx, "i")), EV_EOH);
}

static sfsistat
mlfi_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    struct conn_ctx *c = smfi_getpriv(ctx);

    if (c == NULL)
        return cb_no_session(ctx);
    stats_body(c->s, len);
    return cb_apply(ctx, c, session_body(c->s, chunk, len), EV_BODY);
}

static sfsistat
mlfi_eom(SMFICTX *ctx)
{
    struct conn_ctx *c = smfi_getpriv(ctx);
    sfsistat r;

    if (c == NULL)
        return cb_no_session(ctx);
    r = cb_apply(ctx, c, session_eom(c->s, cb_macro(ctx, "i")), EV_EOM);
    return r == SMFIS_NOREPLY ? SMFIS_CONTINUE : r;
}

static sfsistat
mlfi_abort(SMFICTX *ctx)
{
    struct conn_ctx *c = smfi_getpriv(ctx);

    if (c != NULL)
        session_abort(c->s);
    return SMFIS_CONTINUE;
}

static sfsistat
mlfi_close(SMFICTX *ctx)
{
    struct conn_ctx *c = smfi_getpriv(ctx);

    if (c != NULL) {
        session_free(c->s);
        free(c);
        smfi_setpriv(ctx, NULL);
        atomic_fetch_sub(&cb_open, 1);
    }
    return SMFIS_CONTINUE;
}

struct smfiDesc callbacks_desc = {
    .xxfi_name = "relaywarden",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_QUARANTINE | SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT,
    .xxfi_connect = mlfi_connect,
    .xxfi_helo = mlfi_helo,
    .xxfi_envfrom = mlfi_envfrom,
    .xxfi_envrcpt = mlfi_envrcpt,
    .xxfi_header = mlfi_header,
    .xxfi_eoh = mlfi_eoh,
    .xxfi_body = mlfi_body,
    .xxfi_eom = mlfi_eom,
    .xxfi_abort = mlfi_abort,
    .xxfi_close = mlfi_close,
    .xxfi_negotiate = mlfi_negotiate,
};

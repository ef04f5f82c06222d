/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * session.h - the policy engine owns an SMTP session: events in (what the MTA said), verdicts
 * out (what to answer, which headers and recipients to change, what to log). The daemon turns
 * libmilter callbacks into these events and verdicts into smfi_* calls; the offline trial
 * (relaywarden -t) feeds the same events from its command line and a message file, so both
 * run the same decisions and print the same log lines.
 *
 *   s = session_new(rs, env);       one per connection; holds a reference on rs
 *   session_noreply(s, mask);       events the MTA agreed not to wait for (negotiation)
 *   v = session_connect(s, &ev);    ... helo, mail, rcpt, header, eoh, body, eom
 *   session_abort(s);               the transaction ended early (RSET, QUIT, error)
 *   session_free(s);
 *
 * Every event returns a verdict owned by the session, valid until the next event. Nothing
 * here waits on the world except through env (the iprev lookup at connect).
 */
#ifndef RW_SESSION_H
#define RW_SESSION_H

#include "env.h"
#include "rules.h"

#include <stddef.h>

enum event { EV_CONNECT, EV_HELO, EV_MAIL, EV_RCPT, EV_HEADER, EV_EOH, EV_BODY, EV_EOM };
#define EV_COUNT 8

/* What the MTA should be asked for, derived from the loaded rules in one place. */
enum neg_edit {
    NEG_ADDHDRS = 1 << 0,
    NEG_CHGHDRS = 1 << 1,
    NEG_ADDRCPT = 1 << 2,
    NEG_DELRCPT = 1 << 3,
    NEG_QUARANTINE = 1 << 4,
};
struct negotiation {
    unsigned events;              /* bit per enum event that is needed */
    unsigned noreply;             /* ... of which never answer: no reply needed */
    unsigned edits;               /* NEG_* modifications the rules may make */
    const char *macros[EV_COUNT]; /* macros wanted per event, space-separated, or NULL */
};

/* session_negotiate - what rs needs from the MTA. */
void session_negotiate(const struct ruleset *rs, struct negotiation *n);

struct ev_connect {
    const char *daemon;     /* {daemon_name}: selects the listener */
    const char *addr;       /* the client's numeric address; NULL or "" when unknown */
    const char *name;       /* the client's host name as the MTA reports it */
    const char *resolve;    /* {client_resolve}: OK, FAIL, FORGED, TEMP, or NULL */
    const char *ptr;        /* {client_ptr} */
    const char *cname;      /* {client_name} */
    const char *myhostname; /* j: the MTA's host name, the default authserv-id */
};

struct ev_mail {
    const char *from; /* the MAIL FROM argument as given (with or without <>) */
    const char *auth; /* {auth_authen}: the SASL login, NULL or "" when none */
    const char *tls;  /* {tls_version}: NULL or "" when the session is in the clear */
    const char *qid;  /* the queue id if the MTA has one yet */
    int smtputf8;     /* hygiene: MAIL FROM carried the SMTPUTF8 parameter (RFC 6531) */
};

enum verdict_reply {
    REPLY_CONTINUE, /* go on (the MTA waits for no answer on a no-reply event) */
    REPLY_ACCEPT,   /* accept the message, no more events for it */
    REPLY_REJECT,   /* the code, xcode and text say how */
    REPLY_TEMPFAIL,
    REPLY_DISCARD, /* accept and drop the message */
};

enum edit_op {
    EDIT_INSERT, /* put name: value at index (0: on top) */
    EDIT_ADD,    /* append name: value */
    EDIT_CHANGE, /* the index-th (1-based) header called name gets value; value NULL deletes */
};

struct hdr_edit {
    enum edit_op op;
    int index;
    char *name;
    char *value;
};

enum rcpt_op { RCPT_ADD, RCPT_DELETE };

struct rcpt_edit {
    enum rcpt_op op;
    char *addr; /* as the MTA gave it (delete) or <user@domain> (add) */
};

/* One decision of a verdict (a log line naming an action), for the daemon's counters. */
struct verdict_note {
    const struct rule *rule; /* NULL for a built-in decision (bad address, internal error) */
    char action[24];         /* as logged: "reject", "would-quarantine", "error-accept", ... */
};

struct verdict {
    enum verdict_reply reply;
    const struct rule *rule; /* the rule that decided, NULL for a built-in decision */
    char code[4];            /* REPLY_REJECT, REPLY_TEMPFAIL: "550", "5.7.1", text */
    char xcode[12];
    const char *text;
    struct hdr_edit *edits; /* at end of message: in the order to apply them */
    size_t nedits;
    struct rcpt_edit *rcpts; /* at end of message */
    size_t nrcpts;
    char *quarantine;       /* at end of message: hold it with this reason */
    char **log;             /* decision lines, in order */
    size_t nlog;
    char **trace; /* for the trial: the rules that fired, as written ("file:line: text") */
    size_t ntrace;
    int skip;     /* at a body chunk: the rest of the body cannot change the answer */
    char **findings; /* at end of message, with session_trace_content: content findings */
    size_t nfindings;
    struct verdict_note *notes; /* every decision line of log, in order */
    size_t nnotes;
    int errors; /* internal errors in this verdict: a lookup that failed, memory, no listener */
};

struct session *session_new(struct ruleset *rs, const struct env *env);
void session_free(struct session *s);
/* session_noreply - events (bit per enum event) the MTA will not wait on: an internal error
 * in one of them is answered at the next event that can answer. */
void session_noreply(struct session *s, unsigned mask);

const struct verdict *session_connect(struct session *s, const struct ev_connect *e);
const struct verdict *session_helo(struct session *s, const char *helo, const char *tls);
const struct verdict *session_mail(struct session *s, const struct ev_mail *e);
const struct verdict *session_rcpt(struct session *s, const char *rcpt, const char *qid);
const struct verdict *session_header(struct session *s, const char *name, const char *value);
/* session_header_lead - session_header for relaywarden -t, which holds the field's real first
 * line: lead is its octets before the value (hygiene long-line measures the real line; the
 * daemon gets "name" and "value" apart and counts "Name: value"). */
const struct verdict *session_header_lead(struct session *s, const char *name, const char *value,
                                          size_t lead);
const struct verdict *session_eoh(struct session *s, const char *qid);
const struct verdict *session_body(struct session *s, const void *chunk, size_t len);
const struct verdict *session_eom(struct session *s, const char *qid);
void session_abort(struct session *s);

/* session_rules - the rules the session holds (for the negotiation). */
const struct ruleset *session_rules(const struct session *s);
/* session_trace_content - at end of message, give every finding of content screening (each
 * part's facts, each keyword hit) in verdict.findings: for the trial. */
void session_trace_content(struct session *s, int on);

/* session_rdns - the client's rDNS verdict once checked at connect, else NULL. Owned by the
 * session, valid until session_free. */
const struct rdns_result *session_rdns(const struct session *s);
/* session_listener - the listener the connection matched (NULL before connect or if none). */
const struct listener *session_listener(const struct session *s);
/* session_geoip - the client's country and ASN once looked up at connect, else NULL (no
 * geoip in the rules, or the lookup failed). Owned by the session, valid until session_free. */
const struct geoip_result *session_geoip(const struct session *s);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * session_int.h - the session engine's state and the helpers its files share (session.c,
 * session_eom.c, verdict.c). Not part of the policy library's interface: use session.h.
 */
#ifndef RW_SESSION_INT_H
#define RW_SESSION_INT_H

#include "buf.h"
#include "cond.h"
#include "content.h"
#include "decision.h"
#include "session.h"

#include <netinet/in.h>

/* Headers claiming our authserv-id, or named like our stamp, removed per message; a message
 * carrying more is tempfailed rather than passed half-cleaned. */
#define SESSION_FORGED_MAX 64
/* Recipients kept per message for redirect: Postfix's smtpd_recipient_limit is 1000 by
 * default; ten times that is a configuration nobody runs. Past it, a redirect tempfails. */
#define SESSION_RCPTS_MAX 10000
/* Accumulating rules (copy, tag) that fire per message; more is a rules file out of hand. */
#define SESSION_ACCUMULATE_MAX 64
/* Recipients named in the summary line; the rest are counted. */
#define SESSION_LOG_RCPTS 10

struct hdr_seen {
    int n;                        /* headers of this name seen so far */
    int nours;                    /* ... of which must go */
    int idx[SESSION_FORGED_MAX]; /* their 1-based indexes among headers of the name */
};

struct session_msg {
    int active;
    char *auth; /* the SASL login, whole ("" when none): a login cut short could match another */
    int tls;
    struct addr from;
    int have_from;
    struct author author; /* From: and Sender:, parsed as they arrive */
    int eoh;              /* headers complete: author is known */
    struct hdr_seen ar;    /* Authentication-Results claiming our authserv-id */
    struct hdr_seen *stamp; /* per rs->stamp_names[i]: headers named like a stamp of ours */
    struct hdr_seen *tagh;  /* per rs->tag_names[i]: client headers named like a tag of ours */
    char *subject;         /* the first Subject:, for a tag */
    char *tags_applied;    /* the tags the message got, for the summary */
    const struct rule *quarantine, *redirect;
    const struct rule **copies, **tags;
    size_t ncopies, ntags;
    char **rcpts; /* accepted recipients as the MTA gave them */
    size_t nrcpts, naccepted, nrefused;
    struct buf accepted_log, refused_log;
    char pending[200]; /* an internal error on an event that could not answer */
    struct content *content; /* content screening, when the policy reads the body */
    int skipped;             /* the rest of the body was not needed (SMFIS_SKIP) */
    struct hygiene *hyg; /* hygiene: the defects, when the policy asks (malloc'd) */
};

struct session {
    struct ruleset *rs;
    const struct env *env;
    unsigned noreply;
    const struct listener *listener;
    char addr[INET6_ADDRSTRLEN + 8];
    char name[256];
    struct netaddr client;
    int have_client;
    struct rdns_result rdns;
    int have_rdns;
    char rdns_error[128];
    const char *authserv; /* the listener's authserv-id, or authserv_j */
    char *authserv_j;     /* the MTA's host name, copied whole: an id cut short would match
                             forgeries of a different one */
    int tls;
    int dead; /* no listener: every event tempfails */
    int trace_content; /* the trial wants content findings */
    char qid[64];
    struct session_msg msg;
    struct verdict v;
    int v_oom; /* memory ran out while building v */
    char oom_line[DECISION_LINE_MAX];
    char *oom_log[1];
    /* geoip: the client's country and ASN, looked up once at connect (have_geo), or why the
     * lookup failed */
    struct geoip_result geo;
    int have_geo;
    char geo_error[128];
    char *hyg_host; /* hygiene: the MTA's host name for a Message-ID that fix adds */
    /* hygiene: the reply text of a hygiene rule, kept past the message (at end of message
     * the message state goes before the verdict is read) */
    char hyg_reply[HYGIENE_REPLY_MAX];
};

/* verdict.c */
void verdict_reset(struct session *s);
/* verdict_drop_edits - forget the edits, recipient changes and quarantine, keep the logs. */
void verdict_drop_edits(struct session *s);
const struct verdict *verdict_done(struct session *s);
void verdict_reply(struct session *s, enum verdict_reply r, const char *code, const char *xcode,
                   const char *text);
void verdict_trace(struct session *s, const struct rule *r);
void verdict_edit(struct session *s, enum edit_op op, int index, const char *name,
                  const char *value);
void verdict_rcpt(struct session *s, enum rcpt_op op, const char *addr);
void sess_decision(struct session *s, const char *action, enum stage st, const struct rule *r,
                   const char *to, const char *reason);
void sess_error(struct session *s, enum event ev, enum stage st, const struct rule *r,
                const char *to, const char *why);
void sess_summary(struct session *s, const char *action, const struct rule *r);

/* session.c */
void sess_run(struct session *s, enum event ev, enum stage st, const struct addr *rcpt);
int sess_dead(struct session *s);

/* verdict.c: adds a malloc'd string to a list of the verdict (NULL: out of memory, noted). */
void verdict_push(struct session *s, char ***list, size_t *n, char *str);

/* session.c */
void sess_facts(const struct session *s, struct facts *f, const struct addr *rcpt);

/* session_eom.c */
void sess_qid(struct session *s, const char *qid);
void sess_msg_end(struct session *s);
void sess_rcpt_note(struct session *s, const char *rcpt, const struct addr *a, int accepted);
void sess_header_note(struct session *s, const char *name, const char *value);

/* session_geoip.c */
void sess_geoip_connect(struct session *s);
/* sess_geoip_stamp - the listener's GeoIP stamp on top (client copies went with the tags). */
void sess_geoip_stamp(struct session *s);

#endif

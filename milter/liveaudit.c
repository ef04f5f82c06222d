/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * liveaudit.c - the live relay audit: one SMTP session per test against the admin's own MTA,
 * judged at RCPT (a 2xx there is a relay) or, with --data, after the end of data (a milter may
 * refuse only then). No message reaches anyone unless --data is given: each session ends with
 * RSET and QUIT before DATA. With --data the marker message is sent to the foreign domain the
 * admin named, which must lead to a sink of theirs. Replies are read by smtpreply.c. STARTTLS
 * is done where offered, without certificate checks: the server is the admin's own.
 */
#include "liveaudit.h"
#include "addr.h"
#include "audit.h"
#include "rules.h"
#include "smtpclient.h"
#include "smtpreply.h"
#include "util.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

/* Seconds to wait for a connection or a reply by default: RFC 5321 4.5.3.2 allows a server
 * minutes, but an MTA that is being audited by its own admin answers in well under this. */
#define LIVEAUDIT_TIMEOUT_DEFAULT 30
#define LIVEAUDIT_TIMEOUT_MAX 600
/* A command we send (RFC 5321 4.5.3.1.4), and so the longest address we build. */
#define LIVEAUDIT_CMD_MAX SMTPCLIENT_CMD_MAX
/* Sender domains tried besides ours (--sender-domain and the rules' sender lists): each is
 * one more session; a site has a handful of partner lists, and more than this many would
 * make the audit a bulk run against its own MTA. Past it the audit refuses to start. */
#define LIVEAUDIT_SENDERS_MAX 32
/* Senders refused at MAIL in one session before the next are tried in a new one: Postfix's
 * smtpd_soft_error_limit (10) slows every reply after the tenth error of a session by a second
 * more each, and smtpd_hard_error_limit (20) ends it; nine stay clear of both. */
#define LIVEAUDIT_MAIL_TRIES 9

struct la_opts {
    char host[256];
    char port[8];
    const char *domain;  /* ours */
    const char *foreign; /* a domain that is not ours */
    const char *helo;
    int data; /* judge after the end of data: the marker is sent */
    int timeout_ms;
    /* sender domains an outsider can forge: --sender-domain, then the rules' sender lists */
    char senders[LIVEAUDIT_SENDERS_MAX][AUDIT_DOMAIN_LEN];
    size_t nsenders;
    SSL_CTX *tls; /* for STARTTLS: no certificate verification, the server is the admin's */
};

/* One test: MAIL FROM and RCPT TO with placeholders: D our domain, F the foreign one, I the
 * server's address literal ("[192.0.2.1]"), S a sender domain (the tests after la_tests). */
struct la_test {
    const char *from;
    const char *to;
    const char *what;
    int trick; /* the trick is in RCPT TO: refused at MAIL, other senders are tried */
};

static const struct la_test la_tests[] = {
    /* nmap's smtp-open-relay, in its order */
    {"<>", "<relaytest@F>", "nmap 1: null sender", 0},
    {"<antispam@F>", "<relaytest@F>", "nmap 2: foreign sender", 0},
    {"<antispam@D>", "<relaytest@F>", "nmap 3: our domain as sender", 0},
    {"<antispam@I>", "<relaytest@F>", "nmap 4: the server's address as sender", 0},
    {"<antispam@I>", "<relaytest%F@I>", "nmap 5: %-hack at the server's address", 1},
    {"<antispam@I>", "<relaytest%F@D>", "nmap 6: %-hack at our domain", 1},
    {"<antispam@I>", "<\"relaytest@F\">", "nmap 7: quoted address", 1},
    {"<antispam@I>", "<\"relaytest%F\">", "nmap 8: quoted %-hack", 1},
    {"<antispam@I>", "<relaytest@F@I>", "nmap 9: two @, the server's address last", 1},
    {"<antispam@I>", "<\"relaytest@F\"@I>", "nmap 10: quoted @ at the server's address", 1},
    {"<antispam@I>", "<relaytest@F@D>", "nmap 11: two @, our domain last", 1},
    {"<antispam@I>", "<@I:relaytest@F>", "nmap 12: source route through the server", 1},
    {"<antispam@I>", "<@D:relaytest@F>", "nmap 13: source route through our domain", 1},
    {"<antispam@I>", "<F!relaytest>", "nmap 14: bang path", 1},
    {"<antispam@I>", "<F!relaytest@I>", "nmap 15: bang path at the server's address", 1},
    {"<antispam@I>", "<F!relaytest@D>", "nmap 16: bang path at our domain", 1},
    /* the tricks relaywarden knows (README, policy/addr.c) */
    {"<antispam@F>", "<\"relaytest%F\"@D>", "quoted %-hack at our domain", 1},
    {"<antispam@F>", "<\"relaytest@F\"@D>", "quoted @ at our domain", 1},
    {"<antispam@F>", "<@D,@F:relaytest@D>", "source route with a foreign hop", 1},
    {"<antispam@F>", "<relaytest@F.>", "trailing dot", 1},
    {"<antispam@F>", "<relaytest@[192.0.2.1]>", "foreign address literal", 1},
    {"<antispam@F>", "<RelayTest@F>", "upper case local part", 1},
};
#define LA_NTESTS (sizeof(la_tests) / sizeof(la_tests[0]))
/* The test run once per sender domain. */
static const struct la_test la_sender_test = {"<antispam@S>", "<relaytest@F>",
                                              "a sender domain, forged", 0};

/* pattern with D, F and I replaced. 0, or -1 when it does not fit. */
static int
la_expand(char *out, size_t len, const char *pattern, const struct la_opts *o, const char *ip,
          const char *sender)
{
    size_t n = 0;
    int k;

    for (; *pattern; pattern++) {
        const char *v = *pattern == 'D'   ? o->domain
                        : *pattern == 'F' ? o->foreign
                        : *pattern == 'I' ? ip
                        : *pattern == 'S' ? sender
                                          : NULL;
        k = v ? snprintf(out + n, len - n, "%s", v) : snprintf(out + n, len - n, "%c", *pattern);
        if (k < 0 || (size_t)k >= len - n)
            return -1;
        n += (size_t)k;
    }
    return 0;
}

/* The stages of a session and the codes that answer them (RFC 5321 4.3.2; 421 and every other
 * 4xx and 5xx answer any command). A 2xx or 3xx that is not listed is no answer to that
 * command: a protocol error, never a verdict. */
enum la_stage { LA_GREETING, LA_EHLO, LA_STARTTLS, LA_MAIL, LA_RCPT, LA_DATA, LA_EOD };
static const struct {
    const char *name;
    int ok[2]; /* the positive codes, 0 when fewer */
} la_stages[] = {
    [LA_GREETING] = {"the greeting", {220, 0}}, [LA_EHLO] = {"EHLO", {250, 0}},
    [LA_STARTTLS] = {"STARTTLS", {220, 0}},     [LA_MAIL] = {"MAIL", {250, 0}},
    [LA_RCPT] = {"RCPT", {250, 251}},           [LA_DATA] = {"DATA", {354, 0}},
    [LA_EOD] = {"end of data", {250, 0}},
};

/* 1 when code answers stage, 0 (said in why) when it cannot. */
static int
la_valid(struct smtpclient *c, enum la_stage st, const struct smtp_reply *r)
{
    if (r->code / 100 == 4 || r->code / 100 == 5 || r->code == la_stages[st].ok[0] ||
        r->code == la_stages[st].ok[1])
        return 1;
    smtpclient_fail(c, "a reply that is not SMTP: %d %s is no answer to %s", r->code, r->text,
                    la_stages[st].name);
    return 0;
}

/* A 530 that asks for STARTTLS (RFC 3207 4: "530 5.7.0 Must issue a STARTTLS command first")
 * outside TLS: the server wants what we could not do, so its refusal proves nothing about
 * relaying. 1 (said in why) or 0. */
static int
la_needs_tls(struct smtpclient *c, const struct smtp_reply *r)
{
    const char *p;

    if (r->code != 530)
        return 0;
    for (p = r->text; *p != '\0' && strncasecmp(p, "STARTTLS", 8) != 0; p++)
        ;
    if (*p == '\0')
        return 0;
    smtpclient_fail(c, "%d %s: the server requires STARTTLS, and %s", r->code, r->text,
                    c->ssl != NULL ? "the session is in TLS already"
                    : c->tls_no[0] ? c->tls_no
                                   : "it did not offer it");
    return 1;
}

/* The domain an (expanded) RCPT TO argument sends mail to, as its syntax says: after the last
 * @ outside quotes and past a source route, else the first hop of a bang path; a trailing dot
 * dropped. 1 when that is the foreign domain (the admin's sink), 0 when it is anything else
 * (ours, an address literal, none): --data sends content only to the sink. */
static int
la_to_sink(const char *to, const char *foreign)
{
    const char *p = to, *at = NULL, *bang = NULL, *end;
    char d[LIVEAUDIT_CMD_MAX];
    int quoted = 0;
    size_t n;

    if (*p == '<')
        p++;
    if (*p == '@' && (end = strchr(p, ':')) != NULL) /* <@hop,@hop:local@domain> */
        p = end + 1;
    for (end = p; *end != '\0' && (quoted || *end != '>'); end++) {
        if (*end == '"')
            quoted = !quoted;
        else if (!quoted && *end == '@')
            at = end;
        else if (!quoted && *end == '!' && bang == NULL)
            bang = end;
    }
    if (at != NULL)
        p = at + 1;
    else if (bang != NULL)
        end = bang;
    else
        return 0;
    n = (size_t)(end - p);
    if (n > 0 && p[n - 1] == '.')
        n--;
    if (n == 0 || n >= sizeof(d))
        return 0;
    memcpy(d, p, n);
    d[n] = '\0';
    return util_strcaseeq(d, foreign);
}

enum la_verdict { LA_REFUSED, LA_RELAYED, LA_ERROR, LA_TIMEOUT, LA_TEMPORARY };

/* The senders a test refused at MAIL is tried with, after its own: the default, null, our
 * domain, the server's address and each sender domain (LIVEAUDIT_SENDERS_MAX of those). */
#define LA_FALLBACKS 4
static const char *const la_fallbacks[LA_FALLBACKS] = {"<antispam@F>", "<>", "<antispam@D>",
                                                       "<antispam@I>"};

/* The MAIL FROM of the k-th try of test t into from; 0, 1 when there is none left, -1 when it
 * does not fit. Senders that expand the same as the test's own are skipped by the caller. */
static int
la_sender(char *from, size_t len, const struct la_test *t, size_t k, const struct la_opts *o,
          const char *ip, const char *sender)
{
    if (k == 0)
        return la_expand(from, len, t->from, o, ip, sender);
    if (!t->trick)
        return 1;
    if (k <= LA_FALLBACKS)
        return la_expand(from, len, la_fallbacks[k - 1], o, ip, sender);
    if (k - LA_FALLBACKS - 1 < o->nsenders)
        return la_expand(from, len, "<antispam@S>", o, ip, o->senders[k - LA_FALLBACKS - 1]);
    return 1;
}

/* The greeting, EHLO (HELO when refused) and STARTTLS where offered. 0, or -1 with why. */
static int
la_hello(const struct la_opts *o, struct smtpclient *c)
{
    char cmd[LIVEAUDIT_CMD_MAX], ehlo[LIVEAUDIT_CMD_MAX];
    struct smtp_reply r;

    if (smtpclient_reply(c, &r) == -1)
        return -1;
    if (r.code != 220) {
        smtpclient_fail(c, "greeting %d %s", r.code, r.text);
        return -1;
    }
    snprintf(ehlo, sizeof(ehlo), "EHLO %s", o->helo);
    if (smtpclient_cmd(c, ehlo, &r) == -1 || !la_valid(c, LA_EHLO, &r))
        return -1;
    if (r.code == 250 && c->offers_tls && smtpclient_starttls(c, o->tls, o->host, ehlo, &r) == -1)
        return -1;
    if (r.code != 250 && c->tls_no[0] == '\0') { /* not after a refused STARTTLS */
        snprintf(cmd, sizeof(cmd), "HELO %s", o->helo);
        if (smtpclient_cmd(c, cmd, &r) == -1 || !la_valid(c, LA_EHLO, &r))
            return -1;
        if (r.code != 250) {
            smtpclient_fail(c, "HELO refused: %d %s", r.code, r.text);
            return -1;
        }
    }
    return 0;
}

/* QUIT, and its 221: a 221 to anything else means the replies were out of step. 0 or -1. */
static int
la_quit(struct smtpclient *c)
{
    struct smtp_reply r;

    if (smtpclient_cmd(c, "QUIT", &r) == -1)
        return -1;
    if (r.code != 221) {
        smtpclient_fail(c, "QUIT answered %d %s: the replies are out of step with the commands",
                        r.code, r.text);
        return -1;
    }
    return 0;
}

/* One test in one session (more when its senders are refused at MAIL past
 * LIVEAUDIT_MAIL_TRIES); the verdict, with what happened in detail. */
static enum la_verdict
la_run(const struct la_opts *o, const struct la_test *t, const char *sender, char *shown,
       size_t slen, char *detail, size_t dlen)
{
    struct smtpclient *c = calloc(1, sizeof(*c));
    struct smtp_reply r, first = {0};
    /* room for the longest address and the verb: smtpclient_send refuses what passes the limit */
    char cmd[2 * LIVEAUDIT_CMD_MAX], from[LIVEAUDIT_CMD_MAX], own[LIVEAUDIT_CMD_MAX],
        to[LIVEAUDIT_CMD_MAX], note[2 * LIVEAUDIT_CMD_MAX + 64] = "";
    enum la_verdict v = LA_ERROR;
    enum la_stage stage = LA_MAIL;
    size_t k, tried = 0;
    int rc;

    shown[0] = '\0'; /* the addresses are known once the server's address is */
    if (c == NULL) {
        snprintf(detail, dlen, "out of memory");
        return LA_ERROR;
    }
    if (smtpclient_connect(c, o->host, o->port, o->timeout_ms) == -1)
        goto error;
    if (la_expand(own, sizeof(own), t->from, o, c->ip, sender) == -1 ||
        la_expand(to, sizeof(to), t->to, o, c->ip, sender) == -1) {
        smtpclient_fail(c, "address longer than %d bytes", LIVEAUDIT_CMD_MAX);
        goto error;
    }
    snprintf(shown, slen, "MAIL FROM:%s RCPT TO:%s", own, to);
    if (la_hello(o, c) == -1)
        goto error;
    /* MAIL with the test's sender and, for a trick in RCPT TO, the audit's other senders until
     * one is taken: a server that refuses one sender must not hide the trick. */
    for (k = 0; (rc = la_sender(from, sizeof(from), t, k, o, c->ip, sender)) != 1; k++) {
        if (rc == -1) {
            smtpclient_fail(c, "address longer than %d bytes", LIVEAUDIT_CMD_MAX);
            goto error;
        }
        if (k > 0 && strcmp(from, own) == 0)
            continue;
        if (tried > 0 && tried % LIVEAUDIT_MAIL_TRIES == 0) { /* before the error limits */
            if (la_quit(c) == -1)
                goto error;
            smtpclient_close(c, 1);
            memset(c, 0, sizeof(*c));
            if (smtpclient_connect(c, o->host, o->port, o->timeout_ms) == -1 ||
                la_hello(o, c) == -1)
                goto error;
        }
        snprintf(cmd, sizeof(cmd), "MAIL FROM:%s", from);
        if (smtpclient_cmd(c, cmd, &r) == -1 || !la_valid(c, LA_MAIL, &r) || la_needs_tls(c, &r))
            goto error;
        if (tried++ == 0)
            first = r;
        if (r.code / 100 != 5)
            break;
    }
    if (r.code / 100 == 5 && tried > 1) {
        snprintf(note, sizeof(note), " (each of the %zu senders of the audit refused)", tried);
    } else if (tried > 1) { /* the line shows the sender that was taken, or tempfailed */
        snprintf(shown, slen, "MAIL FROM:%s RCPT TO:%s", from, to);
        snprintf(note, sizeof(note), " (sender %s%s; %s got %d at MAIL)", from,
                 r.code == 250 ? " reached RCPT" : "", own, first.code);
    }
    if (r.code == 250) {
        stage = LA_RCPT;
        snprintf(cmd, sizeof(cmd), "RCPT TO:%s", to);
        if (smtpclient_cmd(c, cmd, &r) == -1 || !la_valid(c, LA_RCPT, &r) || la_needs_tls(c, &r))
            goto error;
    }
    if (r.code / 100 == 2 && o->data && !la_to_sink(to, o->foreign)) {
        snprintf(note + strlen(note), sizeof(note) - strlen(note),
                 " (no DATA: the recipient is not in %s)", o->foreign);
    } else if (r.code / 100 == 2 && o->data) {
        stage = LA_DATA;
        if (smtpclient_cmd(c, "DATA", &r) == -1 || !la_valid(c, LA_DATA, &r) || la_needs_tls(c, &r))
            goto error;
        if (r.code == 354) {
            char msg[3 * LIVEAUDIT_CMD_MAX];
            stage = LA_EOD;
            snprintf(msg, sizeof(msg),
                     "From: %s\r\nTo: %s\r\nSubject: relaywarden relay audit marker\r\n"
                     "X-Relaywarden-Audit: marker\r\n\r\n"
                     "relaywarden relay audit (%s): a test marker, to be discarded.\r\n.\r\n",
                     from, to, t->what);
            if (smtpclient_unasked(c, "the end of data") == -1 ||
                smtpclient_send(c, msg, 1) == -1 || smtpclient_reply(c, &r) == -1 ||
                !la_valid(c, LA_EOD, &r))
                goto error;
        }
    }
    if (c->ssl != NULL)
        snprintf(note + strlen(note), sizeof(note) - strlen(note), " (in TLS)");
    if (r.code / 100 == 2) {
        v = LA_RELAYED;
        snprintf(detail, dlen, "RELAYED: accepted at %s: %d %s%s", la_stages[stage].name, r.code,
                 r.text, note);
    } else if (r.code / 100 == 4) {
        /* greylisting, a milter that is down, 421: the answer may be yes on the next try */
        v = LA_TEMPORARY;
        snprintf(detail, dlen, "temporarily refused at %s: %d %s%s: cannot tell",
                 la_stages[stage].name, r.code, r.text, note);
    } else {
        v = LA_REFUSED;
        snprintf(detail, dlen, "refused at %s: %d %s%s", la_stages[stage].name, r.code, r.text,
                 note);
    }
    if (r.code == 421) { /* the server has closed, or is closing: there is no QUIT to send */
        smtpclient_close(c, 0);
        free(c);
        return v;
    }
    /* The reply judged must be the one to our command: a later stray line that arrived after
     * it was sent would have been read in its place. RSET (250) and QUIT (221) afterwards show
     * whether the replies are still in step; a 221 to anything but QUIT is not. */
    if (v == LA_RELAYED && stage == LA_RCPT) {
        if (smtpclient_cmd(c, "RSET", &r) == -1) /* and no DATA: nothing is sent */
            goto error;
        if (r.code / 100 != 2) {
            smtpclient_fail(c, "RSET answered %d %s: the replies are out of step with the commands",
                            r.code, r.text);
            goto error;
        }
    }
    if (la_quit(c) == -1)
        goto error;
    smtpclient_close(c, 1);
    free(c);
    return v;
error:
    snprintf(detail, dlen, "ERROR: %s", c->why);
    v = c->timed_out ? LA_TIMEOUT : LA_ERROR;
    smtpclient_close(c, 0);
    free(c);
    return v;
}

/* A domain name for --domain, --foreign or --sender-domain: an address literal names a host,
 * and the audit needs domains whose mail routing decides what is ours. 1, or 0 (said). */
static int
la_domain_ok(const char *what, const char *d)
{
    if (d[0] == '[') {
        fprintf(stderr, "relaywarden: %s takes a domain name, not an address literal: %s\n", what,
                d);
        return 0;
    }
    if (!addr_domain_valid(d)) {
        fprintf(stderr, "relaywarden: %s takes a domain name\n", what);
        return 0;
    }
    return 1;
}

/* d is ours or a subdomain of ours (any case): mail to it may well be ours to take. */
static int
la_under(const char *d, const char *ours)
{
    size_t n = strlen(d), m = strlen(ours);

    return util_strcaseeq(d, ours) ||
           (n > m && d[n - m - 1] == '.' && util_strcaseeq(d + n - m, ours));
}

/* One more sender domain, unless it is there already. 0, or -1 (said). */
static int
la_add_sender(struct la_opts *o, const char *d)
{
    size_t i;

    if (!la_domain_ok("--sender-domain", d))
        return -1;
    for (i = 0; i < o->nsenders; i++)
        if (util_strcaseeq(o->senders[i], d))
            return 0;
    if (o->nsenders == LIVEAUDIT_SENDERS_MAX) {
        fprintf(stderr, "relaywarden: more than %d sender domains\n", LIVEAUDIT_SENDERS_MAX);
        return -1;
    }
    util_strlcpy(o->senders[o->nsenders++], d, sizeof(o->senders[0]));
    return 0;
}

/* The rules' sender lists (audit_sender_domains) as sender domains. 0, or -1 (said). */
static int
la_rules_senders(struct la_opts *o, const char *path)
{
    static char err[65536], found[LIVEAUDIT_SENDERS_MAX + 1][AUDIT_DOMAIN_LEN];
    struct ruleset *rs = rules_load(path, err, sizeof(err));
    size_t i, n;
    int rc = 0;

    if (rs == NULL) {
        fprintf(stderr, "%s", err);
        fprintf(stderr, "relaywarden: %s has errors: no audit\n", path);
        return -1;
    }
    /* a --foreign domain the rules count as ours would be judged as if relaying were refused
     * to strangers when it is only delivery to us */
    if (audit_domain_decides_relay(rs, o->foreign)) {
        fprintf(stderr,
                "relaywarden: the foreign domain must not be ours: %s is inside a domains list "
                "of %s that recipients are tested against\n",
                UTIL_ERRTOK(o->foreign), UTIL_ERRPATH(path));
        rules_unref(rs);
        return -1;
    }
    n = audit_sender_domains(rs, found, LIVEAUDIT_SENDERS_MAX + 1);
    rules_unref(rs);
    if (n == (size_t)-1) {
        fprintf(stderr, "relaywarden: out of memory\n");
        return -1;
    }
    for (i = 0; i < n && rc == 0; i++)
        if (i < LIVEAUDIT_SENDERS_MAX && util_strcaseeq(found[i], o->domain))
            continue; /* test 3 sends as our domain already */
        else if (i == LIVEAUDIT_SENDERS_MAX || la_add_sender(o, found[i]) == -1) {
            fprintf(stderr, "relaywarden: %s tests senders against more than %d domains lists\n",
                    path, LIVEAUDIT_SENDERS_MAX);
            rc = -1;
        }
    return rc;
}

/* "host", "host:port", "[v6]" or "[v6]:port". 0 or -1. */
static int
la_target(const char *s, struct la_opts *o)
{
    const char *colon, *end;
    size_t n;

    util_strlcpy(o->port, "25", sizeof(o->port));
    if (s[0] == '[') {
        if ((end = strchr(s, ']')) == NULL)
            return -1;
        n = (size_t)(end - s - 1);
        colon = end[1] == ':' ? end + 1 : NULL;
        if (end[1] != '\0' && colon == NULL)
            return -1;
        s++;
    } else {
        colon = strrchr(s, ':');
        n = colon ? (size_t)(colon - s) : strlen(s);
    }
    if (n == 0 || n >= sizeof(o->host))
        return -1;
    memcpy(o->host, s, n);
    o->host[n] = '\0';
    for (end = o->host; *end; end++) /* a name or an address: it is printed as it is */
        if (*end <= ' ' || *end >= 0x7f) {
            fprintf(stderr, "relaywarden: -A: the host must be a name or an address\n");
            return -1;
        }
    if (colon != NULL) {
        if (util_port(colon + 1) == -1) {
            fprintf(stderr, "relaywarden: -A: the port must be 1 to %d\n", UTIL_PORT_MAX);
            return -1;
        }
        util_strlcpy(o->port, colon + 1, sizeof(o->port));
    }
    return 0;
}

static void
la_usage(FILE *f)
{
    fprintf(f,
            "usage: relaywarden -A HOST[:PORT] --domain OURS [--foreign DOMAIN] [--helo NAME]\n"
            "                   [--sender-domain DOMAIN]... [-c RULES] [--timeout SECS] [--data]\n"
            "  --domain   one of our domains (required)\n"
            "  --foreign  a domain that is not ours (default example.net); with --data it must\n"
            "             be given, and lead to a sink of yours: relayed markers are delivered\n"
            "  --helo     the EHLO name (default relay-audit.invalid)\n"
            "  --sender-domain  also try this domain as the (forged) sender; repeatable\n"
            "  -c RULES   also try a domain of every list the rules test senders against\n"
            "  --timeout  seconds one reply may take in all (default %d); the audit stops at the\n"
            "             first test that times out\n"
            "  --data     judge after the end of data (a milter may refuse only then): sends\n"
            "             the marker message to recipients in the --foreign domain only;\n"
            "             without it every session ends before DATA\n"
            "exit status: 0 nothing relayed, 1 something relayed, 2 usage, 3 audit incomplete\n",
            LIVEAUDIT_TIMEOUT_DEFAULT);
}

int
liveaudit_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"domain", required_argument, NULL, 'd'}, {"foreign", required_argument, NULL, 'F'},
        {"helo", required_argument, NULL, 'H'},   {"timeout", required_argument, NULL, 'T'},
        {"data", no_argument, NULL, 'D'},         {"sender-domain", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    static struct la_opts o; /* static: the sender domains make it a few KiB */
    const char *target = NULL, *rules = NULL;
    char detail[SMTPREPLY_TEXT_MAX + 2 * LIVEAUDIT_CMD_MAX + 400],
        shown[2 * LIVEAUDIT_CMD_MAX + 32];
    size_t i, relayed = 0, errors = 0, ntests;
    int ch, secs;

    memset(&o, 0, sizeof(o));
    o.helo = "relay-audit.invalid";
    o.timeout_ms = LIVEAUDIT_TIMEOUT_DEFAULT * 1000;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "A:c:", opts, NULL)) != -1) {
        switch (ch) {
        case 'A':
            target = optarg;
            break;
        case 'c':
            rules = optarg;
            break;
        case 'S':
            if (la_add_sender(&o, optarg) == -1)
                return LIVEAUDIT_USAGE;
            break;
        case 'd':
            o.domain = optarg;
            break;
        case 'F':
            o.foreign = optarg;
            break;
        case 'H':
            o.helo = optarg;
            if (strlen(optarg) > 255 || strpbrk(optarg, " \r\n") != NULL) {
                fprintf(stderr, "relaywarden: --helo takes a host name\n");
                return LIVEAUDIT_USAGE;
            }
            break;
        case 'T':
            secs = strlen(optarg) < 4 && strspn(optarg, "0123456789") == strlen(optarg)
                       ? atoi(optarg)
                       : 0;
            if (secs < 1 || secs > LIVEAUDIT_TIMEOUT_MAX) {
                fprintf(stderr, "relaywarden: --timeout takes 1 to %d seconds\n",
                        LIVEAUDIT_TIMEOUT_MAX);
                return LIVEAUDIT_USAGE;
            }
            o.timeout_ms = secs * 1000;
            break;
        case 'D':
            o.data = 1;
            break;
        case 'h':
            la_usage(stdout);
            return LIVEAUDIT_USAGE;
        default:
            la_usage(stderr);
            return LIVEAUDIT_USAGE;
        }
    }
    if (target == NULL || optind != argc || o.domain == NULL || la_target(target, &o) == -1 ||
        (o.data && o.foreign == NULL)) {
        if (o.data && o.foreign == NULL)
            fprintf(stderr, "relaywarden: --data sends the marker to the foreign domain: name "
                            "one that leads to a sink of yours with --foreign\n");
        la_usage(stderr);
        return LIVEAUDIT_USAGE;
    }
    if (o.foreign == NULL)
        o.foreign = "example.net";
    if (!la_domain_ok("--domain", o.domain) || !la_domain_ok("--foreign", o.foreign))
        return LIVEAUDIT_USAGE;
    if (la_under(o.foreign, o.domain)) {
        fprintf(stderr, "relaywarden: the foreign domain must not be ours: %s is %s\n", o.foreign,
                util_strcaseeq(o.foreign, o.domain) ? "--domain" : "under --domain");
        return LIVEAUDIT_USAGE;
    }
    if (rules != NULL && la_rules_senders(&o, rules) == -1)
        return LIVEAUDIT_USAGE;
    ntests = LA_NTESTS + o.nsenders;
    /* a server that closes while we write must end the test, not the process */
    signal(SIGPIPE, SIG_IGN);
    if ((o.tls = SSL_CTX_new(TLS_client_method())) == NULL) {
        fprintf(stderr, "relaywarden: cannot set up TLS: %s\n", smtpclient_tls_why());
        return LIVEAUDIT_INCOMPLETE;
    }
    SSL_CTX_set_verify(o.tls, SSL_VERIFY_NONE, NULL);
    printf("relay audit of %s port %s: our domain %s, foreign domain %s, judged at %s\n", o.host,
           o.port, o.domain, o.foreign, o.data ? "end of data" : "RCPT");
    for (i = 0; i < ntests; i++) {
        const struct la_test *t = i < LA_NTESTS ? &la_tests[i] : &la_sender_test;
        const char *sender = i < LA_NTESTS ? "" : o.senders[i - LA_NTESTS];
        enum la_verdict v = la_run(&o, t, sender, shown, sizeof(shown), detail, sizeof(detail));
        printf("%2zu %s%s(%s): %s\n", i + 1, shown, shown[0] ? " " : "", t->what, detail);
        relayed += v == LA_RELAYED;
        errors += v == LA_ERROR || v == LA_TIMEOUT || v == LA_TEMPORARY;
        if (v == LA_TIMEOUT && i + 1 < ntests) {
            /* a server that is this slow makes every test as slow: stop here */
            printf("the audit stops: test %zu got no reply within %d s, tests %zu to %zu not run\n",
                   i + 1, o.timeout_ms / 1000, i + 2, ntests);
            break;
        }
    }
    printf("%zu of %zu tests relayed%s\n", relayed, ntests,
           errors ? ", and some could not be run: the audit is incomplete" : "");
    fflush(stdout);
    SSL_CTX_free(o.tls);
    return relayed ? LIVEAUDIT_RELAYED : errors ? LIVEAUDIT_INCOMPLETE : LIVEAUDIT_CLEAN;
}

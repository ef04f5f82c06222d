/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trial.c - relaywarden -t: one SMTP session played offline through the same session engine
 * as the daemon, from the command line and a message file, no MTA needed:
 *
 *   relaywarden -c RULES -t --listener NAME [--client ADDR[/NAME]] [--rdns VERDICT]
 *               [--helo NAME] [--login LOGIN] [--tls | --smtps] [--queue-id ID]
 *               [--myhostname NAME] --from ADDR --to ADDR [--to ADDR ...] [MESSAGE-FILE | -]
 *               [--smtputf8] [--now SECONDS]    (hygiene: MAIL FROM ... SMTPUTF8; the clock)
 *
 * It prints, event by event, every rule that fired as written, the decision lines the daemon
 * would log (the same bytes), the answer, and at the end of the message the header edits and
 * recipient changes; a line per recipient, and last "result: ACTION". The exit status tells
 * the result (trial.h). Without a message it stops after RCPT.
 */
#include "trial.h"
#include "rdns.h"
#include "list.h"
#include "session.h"
#include "util.h"
#include "limits.h" /* limits (rate limits) */
#include "geoip_db.h" /* geoip */

#include <errno.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Recipients one trial takes: as many as Postfix accepts by default. */
#define TRIAL_RCPTS_MAX 1000
/* Body chunks fed as libmilter feeds them (MILTER_CHUNK_SIZE is 65535). */
#define TRIAL_CHUNK 65535
/* A message file larger than this is not a trial: Postfix's default message_size_limit. */
#define TRIAL_MESSAGE_MAX (10L * 1024 * 1024)
#define TRIAL_RULES_ERRBUF (64 * 1024)

struct trial {
    const char *listener, *addr, *name, *helo, *login, *qid, *from, *message, *myhostname;
    int tls;  /* 1: STARTTLS (a plaintext EHLO, then one in TLS); 2: implicit TLS (smtps) */
    int rdns; /* -1 not given, else enum rdns_verdict */
    const char *to[TRIAL_RCPTS_MAX];
    int nto;
    const char *country, *asn; /* geoip: --country, --asn stand in for the databases */
    int smtputf8; /* hygiene: MAIL FROM said SMTPUTF8 */
    long long now; /* hygiene: --now, the wall clock in seconds for fix; -1: the real one */
};

static void
trial_usage(FILE *f)
{
    fprintf(f, "usage: relaywarden -c RULES -t --listener NAME [--client ADDR[/NAME]] "
               "[--rdns VERDICT]\n"
               "                   [--helo NAME] [--login LOGIN] [--tls | --smtps] "
               "[--queue-id ID] [--myhostname NAME]\n"
               "                   [--limit-used NAME=N ...]\n"
               "                   --from ADDR --to ADDR [--to ADDR ...] [MESSAGE-FILE | -]\n"
               "                   [--smtputf8] [--now SECONDS]\n"
               "exit status: 0 accept, 10 reject, 11 tempfail, 12 discard, 13 quarantine,\n"
               "             14 redirect, 2 bad arguments or rules\n");
    /* geoip */
    fprintf(f, "geoip: --client is looked up in the databases of the rules; --country CC|unknown\n"
               "       and --asn N|unknown stand in for their answer\n");
}

/* The trial's environment: the verdict --rdns asked for, no clock needed. */
static struct trial *trial_now;

static int
trial_iprev(void *ctx, const char *addr, const struct iprev_settings *cfg, struct rdns_result *r,
            char *why, size_t whylen)
{
    const struct trial *t = trial_now;

    (void)ctx;
    (void)cfg;
    if (t->rdns < 0) {
        snprintf(why, whylen, "no rDNS in a trial: give --rdns");
        return -1;
    }
    memset(r, 0, sizeof(*r));
    r->verdict = (enum rdns_verdict)t->rdns;
    r->source = "trial";
    if (t->name != NULL && t->rdns != RDNS_FAILED && t->rdns != RDNS_TEMPERROR)
        rdns_sanitize_name(r->ptr, sizeof(r->ptr), t->name);
    snprintf(r->detail, sizeof(r->detail), "%s",
             t->rdns == RDNS_PASS         ? ""
             : t->rdns == RDNS_UNVERIFIED ? (r->ptr[0] ? "does not resolve back" : "no PTR record")
             : t->rdns == RDNS_FAILED     ? "SERVFAIL"
                                          : "timeout");
    r->no_ptr = t->rdns == RDNS_UNVERIFIED && r->ptr[0] == '\0';
    return 0;
}

/* geoip: the databases' answer for the client, or what --country and --asn say instead. */
static int
trial_geoip(void *ctx, const struct geoip_rules *g, const struct netaddr *a,
            struct geoip_result *r, char *why, size_t whylen)
{
    const struct trial *t = trial_now;

    if (geoip_db_lookup(ctx, g, a, r, why, whylen) == -1)
        return -1;
    if (t->country != NULL) {
        memset(r->country, 0, sizeof(r->country));
        if (strcmp(t->country, "unknown") != 0) {
            r->country[0] = (char)(t->country[0] & ~0x20);
            r->country[1] = (char)(t->country[1] & ~0x20);
        }
    }
    if (t->asn != NULL)
        r->asn = strcmp(t->asn, "unknown") == 0
                     ? 0
                     : strtoul(t->asn + ((t->asn[0] | 0x20) == 'a' ? 2 : 0), NULL, 10);
    return 0;
}

static const char *
trial_answer(const struct verdict *v, char *buf, size_t len)
{
    switch (v->reply) {
    case REPLY_REJECT:
        snprintf(buf, len, "reject %s %s %s", v->code, v->xcode, v->text ? v->text : "");
        break;
    case REPLY_TEMPFAIL:
        snprintf(buf, len, "tempfail %s %s %s", v->code, v->xcode, v->text ? v->text : "");
        break;
    case REPLY_DISCARD:
        snprintf(buf, len, "discard");
        break;
    case REPLY_ACCEPT:
    case REPLY_CONTINUE:
        snprintf(buf, len, "accept");
        break;
    }
    return buf;
}

/* Prints what a verdict holds; label NULL prints no answer line (a header). */
static void
trial_show(const char *label, const struct verdict *v)
{
    char ans[1200];
    size_t i;

    for (i = 0; i < v->nfindings; i++)
        printf("  finding %s\n", v->findings[i]);
    for (i = 0; i < v->ntrace; i++)
        printf("  fired %s\n", v->trace[i]);
    for (i = 0; i < v->nlog; i++)
        printf("  log %s\n", v->log[i]);
    for (i = 0; i < v->nedits; i++) {
        const struct hdr_edit *e = &v->edits[i];
        if (e->op == EDIT_INSERT)
            printf("  edit insert at %d: %s: %s\n", e->index, e->name, e->value);
        else if (e->op == EDIT_ADD)
            printf("  edit add: %s: %s\n", e->name, e->value);
        else if (e->value == NULL)
            printf("  edit delete %s #%d\n", e->name, e->index);
        else
            printf("  edit change %s #%d: %s\n", e->name, e->index, e->value);
    }
    for (i = 0; i < v->nrcpts; i++)
        printf("  recipient %s %s\n", v->rcpts[i].op == RCPT_ADD ? "add" : "delete",
               v->rcpts[i].addr);
    if (v->quarantine != NULL)
        printf("  quarantine \"%s\"\n", v->quarantine);
    if (label != NULL)
        printf("%s: %s\n", label, trial_answer(v, ans, sizeof(ans)));
}

/* Stops the trial when a verdict ends the session or the message. */
static int
trial_final(const struct verdict *v, const char **result)
{
    if (v->reply == REPLY_TEMPFAIL && strcmp(v->code, "421") == 0)
        *result = "tempfail"; /* 421: the MTA closes the whole session */
    else if (v->reply == REPLY_REJECT)
        *result = "reject";
    else if (v->reply == REPLY_TEMPFAIL)
        *result = "tempfail";
    else if (v->reply == REPLY_DISCARD)
        *result = "discard";
    else
        return 0;
    return 1;
}

static char *
trial_read(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t cap = 65536, n = 0, got;
    char *b = NULL, *m;

    if (f == NULL) {
        fprintf(stderr, "relaywarden: cannot read %s: %s\n", UTIL_ERRPATH(path), strerror(errno));
        return NULL;
    }
    for (;;) {
        if ((m = realloc(b, cap + 1)) == NULL)
            break;
        b = m;
        got = fread(b + n, 1, cap - n, f);
        n += got;
        if (n < cap || (long)cap > TRIAL_MESSAGE_MAX)
            break;
        cap *= 2;
    }
    if (f != stdin)
        fclose(f);
    if (b == NULL || (long)n > TRIAL_MESSAGE_MAX) {
        fprintf(stderr, "relaywarden: %s: %s\n", UTIL_ERRPATH(path),
                b == NULL ? "out of memory" : "larger than 10 MiB");
        free(b);
        return NULL;
    }
    b[n] = '\0';
    *len = n;
    return b;
}

/*
 * Postfix's is_header() (src/global/is_header.c): a header name is printable ASCII other than
 * ':' - no space, control or 8-bit octet - then, the obsolete syntax of RFC 5322 4.5.3, any
 * spaces and tabs, then ':'. Returns the length of the name, 0 when the line is no header
 * field (Postfix then ends the header section there and the line is the body's first).
 */
static size_t
trial_is_header(const char *p, size_t n)
{
    size_t i = 0, name;

    while (i < n && (unsigned char)p[i] > ' ' && (unsigned char)p[i] < 0x7f && p[i] != ':')
        i++;
    name = i;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    return name > 0 && i < n && p[i] == ':' ? name : 0;
}

/* The end of the line at msg[i..len): *next is where the following line starts. The header
 * section of a file whose first line ends in CRLF has CRLF line ends, and a CR or LF alone in
 * it is a byte of the line (bare-cr-lf finds it); in a file of LF line ends (written on Unix)
 * a CR before the LF belongs to the end. */
static size_t
trial_line_end(const char *msg, size_t i, size_t len, int crlf, size_t *next)
{
    size_t e = i;

    for (;;) {
        while (e < len && msg[e] != '\n')
            e++;
        if (e == len) {
            *next = len;
            return len;
        }
        if (e > i && msg[e - 1] == '\r') {
            *next = e + 1;
            return e - 1;
        }
        if (!crlf) {
            *next = e + 1;
            return e;
        }
        e++; /* a bare LF inside a CRLF line */
    }
}

/* Feeds the message: header fields as libmilter gives them behind Postfix (name without the
 * white space before the colon, value without the one space after it, folds kept as LF and
 * white space), then the body in chunks as the file holds it. The header section ends at the empty line, or at the
 * first line that is no header field (trial_is_header), which then starts the body. Returns
 * the end-of-message verdict. */
static const struct verdict *
trial_message(struct session *s, const struct trial *t, char *msg, size_t len,
              const char **result)
{
    const struct verdict *v;
    size_t i = 0, body, next, e, nlen;
    char *hdr = NULL;
    int crlf;

    e = trial_line_end(msg, 0, len, 0, &next);
    crlf = e < len && next == e + 2;
    while (i < len) {
        size_t fe, fnext, o, k, lead;
        e = trial_line_end(msg, i, len, crlf, &next);
        if (e == i) { /* the empty line: end of headers */
            i = next;
            break;
        }
        if ((nlen = trial_is_header(msg + i, e - i)) == 0)
            break; /* Postfix: the header section ends, this line is body */
        /* gather the folded lines of one field; a fold's line end becomes LF */
        if ((hdr = malloc(len - i + 1)) == NULL)
            break;
        memcpy(hdr, msg + i, nlen);
        hdr[nlen] = '\0';
        k = i + nlen;
        while (msg[k] != ':')
            k++;
        k++;
        if (k < e && msg[k] == ' ')
            k++;
        lead = k - i;
        o = nlen + 1;
        fe = e;
        fnext = next;
        for (;;) {
            memcpy(hdr + o, msg + k, fe - k);
            o += fe - k;
            if (fnext >= len || (msg[fnext] != ' ' && msg[fnext] != '\t'))
                break;
            hdr[o++] = '\n';
            k = fnext;
            fe = trial_line_end(msg, fnext, len, crlf, &fnext);
        }
        hdr[o] = '\0';
        next = fnext;
        v = session_header_lead(s, hdr, hdr + nlen + 1, lead);
        if (v->nlog > 0 || v->ntrace > 0)
            trial_show(NULL, v);
        free(hdr);
        hdr = NULL;
        i = next;
    }
    v = session_eoh(s, t->qid);
    trial_show("header", v);
    if (trial_final(v, result))
        return NULL;
    for (body = i; body < len; body += TRIAL_CHUNK) {
        size_t n = len - body < TRIAL_CHUNK ? len - body : TRIAL_CHUNK;
        v = session_body(s, msg + body, n);
        if (v->nlog > 0 || v->ntrace > 0)
            trial_show(NULL, v);
        if (v->skip) /* as the MTA does on SMFIS_SKIP: the rest of the body is not sent */
            break;
    }
    v = session_eom(s, t->qid);
    trial_show("content", v);
    return v;
}

/* hygiene: the clock of the Date and Message-ID that fix adds: --now, so that a golden file
 * stays the same, else the real one. */
static long long
trial_wall_us(void *ctx)
{
    struct timespec ts;

    if (trial_now->now >= 0)
        return trial_now->now * 1000000;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
trial_run(struct ruleset *rs, struct trial *t)
{
    struct env env = {.iprev = trial_iprev, .geoip = trial_geoip, .wall_us = trial_wall_us};
    const struct listener *l = NULL;
    struct ev_connect ce = {0};
    struct ev_mail me = {0};
    const struct verdict *v;
    const char *result = "accept";
    char label[700], *msg = NULL;
    size_t i, msglen = 0, naccepted = 0, ntempfail = 0;
    struct session *s;

    for (i = 0; i < rs->nlisteners; i++)
        if (strcmp(rs->listeners[i].name, t->listener) == 0)
            l = &rs->listeners[i];
    if (l == NULL) {
        fprintf(stderr, "relaywarden: no listener \"%s\" in the rules\n", UTIL_ERRTOK(t->listener));
        return 2;
    }
    if (t->message != NULL && (msg = trial_read(t->message, &msglen)) == NULL)
        return 2;
    trial_now = t;
    env.limits = limits_store_local(); /* limits (rate limits): in memory, never Redis */
    if ((s = session_new(rs, &env)) == NULL) {
        fprintf(stderr, "relaywarden: out of memory\n");
        free(msg);
        return 2;
    }
    session_trace_content(s, 1);
    ce.daemon = l->daemon != NULL ? l->daemon : "";
    ce.addr = t->addr;
    ce.name = t->name != NULL ? t->name : "unknown";
    ce.myhostname = t->myhostname;
    /* The MTA's own verdict, as Postfix gives it in {client_resolve}; relaywarden's lookup
     * (lookup always, or an MTA that gives none) answers the same through trial_iprev. */
    if (t->rdns >= 0 && t->rdns != RDNS_TEMPERROR) {
        ce.resolve = t->rdns == RDNS_PASS        ? "OK"
                     : t->rdns == RDNS_FAILED    ? "TEMP"
                     : t->name != NULL           ? "FORGED"
                                                 : "FAIL";
        ce.ptr = t->name;
        ce.cname = t->rdns == RDNS_PASS ? t->name : "unknown";
    }
    v = session_connect(s, &ce);
    snprintf(label, sizeof(label), "connect %s[%s]", ce.name, t->addr ? t->addr : "");
    trial_show(label, v);
    if (trial_final(v, &result))
        goto done;
    /* STARTTLS: the first EHLO is always in the clear, the one after STARTTLS in TLS. */
    v = session_helo(s, t->helo, t->tls == 2 ? "TLSv1.3" : NULL);
    snprintf(label, sizeof(label), "helo %s%s", t->helo, t->tls == 2 ? " (TLS)" : "");
    trial_show(label, v);
    if (trial_final(v, &result))
        goto done;
    if (t->tls == 1) {
        v = session_helo(s, t->helo, "TLSv1.3");
        snprintf(label, sizeof(label), "helo %s (after STARTTLS)", t->helo);
        trial_show(label, v);
        if (trial_final(v, &result))
            goto done;
    }
    me.from = t->from;
    me.auth = t->login;
    me.tls = t->tls ? "TLSv1.3" : NULL;
    me.qid = NULL;
    me.smtputf8 = t->smtputf8; /* hygiene */
    v = session_mail(s, &me);
    snprintf(label, sizeof(label), "mail %.500s", t->from);
    trial_show(label, v);
    if (trial_final(v, &result))
        goto done;
    for (i = 0; i < (size_t)t->nto; i++) {
        char to[600];
        snprintf(to, sizeof(to), "%s%.500s%s", t->to[i][0] == '<' ? "" : "<", t->to[i],
                 t->to[i][0] == '<' ? "" : ">");
        v = session_rcpt(s, to, t->qid);
        snprintf(label, sizeof(label), "rcpt %s", to);
        trial_show(label, v);
        if (v->reply == REPLY_DISCARD) {
            result = "discard";
            goto done;
        }
        if (v->reply == REPLY_TEMPFAIL && strcmp(v->code, "421") == 0) {
            result = "tempfail";
            goto done;
        }
        if (v->reply != REPLY_REJECT && v->reply != REPLY_TEMPFAIL)
            naccepted++;
        ntempfail += v->reply == REPLY_TEMPFAIL;
    }
    if (naccepted == 0) { /* no recipient left: the client tries again only after a 4xx */
        result = ntempfail > 0 ? "tempfail" : "reject";
        goto done;
    }
    if (msg == NULL)
        goto done;
    if ((v = trial_message(s, t, msg, msglen, &result)) == NULL)
        goto done;
    if (trial_final(v, &result))
        goto done;
    for (i = 0; i < v->nrcpts; i++)
        if (v->rcpts[i].op == RCPT_DELETE)
            result = "redirect";
    if (v->quarantine != NULL)
        result = "quarantine";
done:
    printf("result: %s\n", result);
    session_free(s);
    free(msg);
    return strcmp(result, "accept") == 0       ? 0
           : strcmp(result, "reject") == 0     ? TRIAL_EXIT_REJECT
           : strcmp(result, "tempfail") == 0   ? TRIAL_EXIT_TEMPFAIL
           : strcmp(result, "discard") == 0    ? TRIAL_EXIT_DISCARD
           : strcmp(result, "quarantine") == 0 ? TRIAL_EXIT_QUARANTINE
                                               : TRIAL_EXIT_REDIRECT;
}

int
trial_main(const char *rules, int argc, char **argv)
{
    static const struct option opts[] = {
        {"listener", required_argument, NULL, 'L'}, {"client", required_argument, NULL, 'C'},
        {"rdns", required_argument, NULL, 'R'},     {"helo", required_argument, NULL, 'H'},
        {"login", required_argument, NULL, 'U'},    {"tls", no_argument, NULL, 'T'},
        {"queue-id", required_argument, NULL, 'Q'}, {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'O'},       {"smtps", no_argument, NULL, 'S'},
        {"country", required_argument, NULL, 'Y'},  {"asn", required_argument, NULL, 'A'},
        {"myhostname", required_argument, NULL, 'M'},
        {"limit-used", required_argument, NULL, 'l'}, /* limits (rate limits) */
        {"myhostname", required_argument, NULL, 'M'},
        /* hygiene */
        {"smtputf8", no_argument, NULL, '8'}, {"now", required_argument, NULL, 'N'},
        {NULL, 0, NULL, 0},
    };
    static struct trial t;
    struct ruleset *rs;
    char *err, *slash;
    int ch, rc;

    memset(&t, 0, sizeof(t));
    t.rdns = -1;
    t.helo = "trial.invalid";
    t.myhostname = "localhost";
    t.now = -1; /* hygiene */
    optind = 1;
    while ((ch = getopt_long(argc, argv, "c:t", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            rules = optarg;
            break;
        case 't':
            break;
        case 'L':
            t.listener = optarg;
            break;
        case 'C': {
            struct netaddr na;
            t.addr = optarg;
            t.name = NULL;
            if ((slash = strchr(optarg, '/')) != NULL) {
                *slash = '\0';
                t.name = slash + 1;
            }
            if (netaddr_parse(t.addr, &na) == -1) {
                fprintf(stderr, "relaywarden: --client needs a numeric address, got \"%s\"\n",
                        UTIL_ERRTOK(t.addr));
                return 2;
            }
            break;
        }
        case 'R':
            if ((t.rdns = rdns_parse_verdict(optarg)) < 0) {
                fprintf(stderr, "relaywarden: --rdns takes pass, unverified, failed or "
                                "temperror\n");
                return 2;
            }
            break;
        case 'H':
            t.helo = optarg;
            break;
        case 'U':
            t.login = optarg;
            break;
        case 'T':
            t.tls = 1;
            break;
        case 'S':
            t.tls = 2;
            break;
        case 'M':
            t.myhostname = optarg;
            break;
        case 'Q':
            t.qid = optarg;
            break;
        case '8': /* hygiene */
            t.smtputf8 = 1;
            break;
        case 'N': { /* hygiene */
            char *end;
            t.now = strtoll(optarg, &end, 10);
            if (end == optarg || *end != '\0' || t.now < 0) {
                fprintf(stderr, "relaywarden: --now takes seconds since 1970\n");
                return 2;
            }
            break;
        }
        case 'F':
            t.from = optarg;
            break;
        case 'l': { /* limits (rate limits): --limit-used NAME=N, counted before the trial */
            char *eq = strchr(optarg, '=');
            char *end = NULL;
            unsigned long long n = eq ? strtoull(eq + 1, &end, 10) : 0;
            if (eq == NULL || eq == optarg || end == eq + 1 || *end != '\0' ||
                n > LIMIT_COUNT_MAX || (*eq = '\0', limits_trial_used(optarg, n)) == -1) {
                fprintf(stderr, "relaywarden: --limit-used takes NAME=N (N up to %llu, at most "
                                "%d of them)\n",
                        LIMIT_COUNT_MAX, LIMIT_DEFS_MAX);
                return 2;
            }
            break;
        }
        case 'O':
            if (t.nto == TRIAL_RCPTS_MAX) {
                fprintf(stderr, "relaywarden: at most %d --to\n", TRIAL_RCPTS_MAX);
                return 2;
            }
            t.to[t.nto++] = optarg;
            break;
        case 'Y': /* geoip */
            if (strcmp(optarg, "unknown") != 0 && !geoip_country_valid(optarg)) {
                fprintf(stderr, "relaywarden: --country: not an ISO 3166-1 alpha-2 code "
                                "nor unknown\n");
                return 2;
            }
            t.country = optarg;
            break;
        case 'A': { /* geoip */
            const char *d = optarg + ((optarg[0] | 0x20) == 'a' && (optarg[1] | 0x20) == 's' ? 2 : 0);
            if (strcmp(optarg, "unknown") != 0 &&
                (strlen(d) == 0 || strlen(d) > 10 || strspn(d, "0123456789") != strlen(d) ||
                 strtoul(d, NULL, 10) == 0 || strtoul(d, NULL, 10) > 4294967295UL)) {
                fprintf(stderr, "relaywarden: --asn: an AS number 1-4294967295 or unknown\n");
                return 2;
            }
            t.asn = optarg;
            break;
        }
        default:
            trial_usage(stderr);
            return 2;
        }
    }
    if (optind < argc)
        t.message = argv[optind++];
    if (optind != argc || t.listener == NULL || t.from == NULL || t.nto == 0) {
        trial_usage(stderr);
        return 2;
    }
    if ((err = malloc(TRIAL_RULES_ERRBUF)) == NULL)
        return 2;
    if ((rs = rules_load(rules, err, TRIAL_RULES_ERRBUF)) == NULL) {
        /* each line with the prefix of every other error, as relaywarden -n prints them */
        for (const char *l = err, *e; *l; l = *e ? e + 1 : e) {
            e = l + strcspn(l, "\n");
            fprintf(stderr, "relaywarden: %.*s\n", (int)(e - l), l);
        }
        free(err);
        return 2;
    }
    if (geoip_db_open(rs, err, TRIAL_RULES_ERRBUF) == -1) { /* geoip */
        fputs(err, stderr);
        rules_unref(rs);
        free(err);
        return 2;
    }
    free(err);
    if (limits_trial_check(rs) == -1) { /* limits (rate limits): --limit-used names a limit */
        rules_unref(rs);
        return 2;
    }
    rc = trial_run(rs, &t);
    rules_unref(rs);
    return rc;
}

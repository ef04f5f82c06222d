/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * audit_int.h - what the two halves of the static audit share: the audit's state (the probe
 * samples audit_sample.c picks from the rules) and a probe session (what audit.c walks).
 * Internal to audit.c and audit_sample.c.
 */
#ifndef RW_AUDIT_INT_H
#define RW_AUDIT_INT_H

#include "addr.h"
#include "cond.h"
#include "rules.h"

#include <libpsl.h>
#include <stddef.h>

/* A probe description: two addresses as logged (sizeof addr.text each) and a few words. */
#define AUDIT_TEXT_MAX 2048

#define AUDIT_N(a) (sizeof(a) / sizeof((a)[0]))

/* rDNS states a probe client is tried in: none, each verdict RDNS_PASS..RDNS_TEMPERROR, and
 * the lookup failing (the on-error path). */
#define AUDIT_RDNS_PROBES (RDNS_TEMPERROR + 2)

struct audit_warning {
    size_t file; /* index in rs->files, for the order */
    int line;
    size_t seq;
    char *text; /* "file:line: warning: ...\n" */
};

/* A sample address of a networks list, for the network-only relay probe. */
struct audit_net {
    const struct list *list;
    struct netaddr addr;
};

struct audit {
    const struct ruleset *rs;
    struct audit_warning *w;
    size_t nw;
    int oom;
    struct netaddr out4, out6;
    struct addr foreign, null, *ours, *routed; /* ours, routed: nours each */
    const struct list **ours_lists;
    size_t nours;
    /* a sample of every other domains list the rules test senders against (from, from-claims,
     * header-from): a partner's domain is as forgeable in MAIL FROM as any */
    struct addr *senders;
    const struct list **sender_lists;
    size_t nsenders;
    struct audit_net *nets;
    size_t nnets;
    /* one client per rDNS verdict the rules language has (rdns pass .. rdns temperror): an
     * outsider chooses its own, since it controls its reverse zone */
    struct rdns_result rd[RDNS_TEMPERROR + 1];
    size_t nown;          /* ours[0..nown): the lists recipients outside of which are refused */
    int no_foreign;       /* every audit_foreign domain is inside a list recipients are tested on */
    const psl_ctx_t *psl; /* the Public Suffix List, or NULL when libpsl has none */
    const struct list **psl_seen; /* the lists checked against it (up to nall_lists) */
    size_t npsl_seen;
    struct author *author; /* From: one of ours, for the spoofing probe */
    /* geoip: the clients every probe is tried as (none: the rules name no database) */
    struct geoip_result geos[GEOIP_AUDIT_SAMPLES];
    size_t ngeos;
    /* hygiene: a message without defects and one with every defect: whoever probes picks
     * either, so a refusal counts only when it refuses both */
    struct hygiene hyg_clean, hyg_all;
};

/* A probe session: what the client is and says. */
struct audit_probe {
    const struct netaddr *client;
    const char *login;
    int tls;
    const struct rdns_result *rdns;
    int rdns_fails;
    const struct addr *from;
    const struct addr *rcpt;
    const struct author *author;
    const struct geoip_result *geo; /* geoip: NULL unknown */
    const struct hygiene *hygiene;  /* hygiene: the message's defects (header stage on) */
};

/* How a walk through the stages ended. */
struct audit_walk {
    int refused;
    const struct rule *by;     /* the rule that refused (or whose lookup failed), or NULL */
    const struct rule *accept; /* the rcpt accept that passed, or NULL */
    size_t pos;                /* after it, for the refusal it comes before */
};

/* audit.c */
/* audit_warn - one warning at file:line (printf format, arguments escaped by the caller). */
void audit_warn(struct audit *a, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* audit_sample.c */
/* audit_collect - the probe samples of a->rs: ours, routed, foreign, senders, networks, rDNS
 * clients, countries, messages. 0, or -1 when memory ran out (a->oom). */
int audit_collect(struct audit *a);
/* audit_public_suffixes - warns of lists of ours over a public suffix, and when no foreign
 * probe exists. */
void audit_public_suffixes(struct audit *a);
/* audit_has_sender_cond - 1 if rule r tests the sender (from, from-claims, header-from). */
int audit_has_sender_cond(const struct rule *r);
/* audit_to_listed - 1 if a list that decides relay (tested with to) holds domain. */
int audit_to_listed(const struct ruleset *rs, const char *domain);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rdns.h - forward-confirmed reverse DNS: the verdict for a client address, taken from the
 * MTA's {client_resolve} when it gives one or built from relaywarden's own lookups, and the
 * trace headers that carry it (the seeds' "unverified" / "RDNS failed" wording, and an
 * RFC 8601 Authentication-Results iprev result). No I/O here: lookups are fed in.
 */
#ifndef RW_RDNS_H
#define RW_RDNS_H

#include <stddef.h>

enum rdns_verdict {
    RDNS_UNKNOWN,    /* not checked (no lookup configured, no MTA verdict) */
    RDNS_PASS,       /* PTR name resolves back to the same address */
    RDNS_UNVERIFIED, /* no PTR, or its name does not resolve back */
    RDNS_FAILED,     /* the lookup itself failed (SERVFAIL, refused) */
    RDNS_TEMPERROR,  /* the lookup timed out */
};

/* What a lookup step said, in resolver-neutral terms. */
enum rdns_status { RDNS_OK, RDNS_NONE, RDNS_SERVFAIL, RDNS_TIMEOUT };

/* Longest DNS name (RFC 1035: 253 printable octets). */
#define RDNS_NAME_MAX 253

struct rdns_result {
    enum rdns_verdict verdict;
    int no_ptr;                  /* unverified because there is no PTR at all */
    char ptr[RDNS_NAME_MAX + 1]; /* the PTR name, sanitized; "" if none */
    char detail[96];             /* why, for the stamp and the log */
    const char *source;          /* "mta" or "dns" */
};

/*
 * rdns_from_macros - the MTA's verdict from {client_resolve} (OK, FAIL, FORGED, TEMP) and the
 * names it reports ({client_ptr}, {client_name}). Returns 0, or -1 if the MTA gave none.
 */
int rdns_from_macros(const char *resolve, const char *ptr, const char *name, struct rdns_result *r);

/*
 * rdns_from_lookup - the verdict from our own lookups: the PTR step's status and first name,
 * then the forward step's status and whether any A/AAAA record equals the client address.
 */
void rdns_from_lookup(enum rdns_status ptr_status, const char *ptr_name,
                      enum rdns_status fwd_status, int fwd_matches, struct rdns_result *r);

/* rdns_parse_verdict - "pass", "unverified", "failed", "temperror" -> verdict, or -1. */
int rdns_parse_verdict(const char *word);
const char *rdns_verdict_name(enum rdns_verdict v);

/* The stamp's value: "192.0.2.7 unverified (ptr=host.example does not resolve back)". */
void rdns_format_stamp(const struct rdns_result *r, const char *addr, char *buf, size_t len);
/* "AUTHSERV; iprev=fail smtp.remote-ip=ADDR policy.iprev=ADDR (reason)" per RFC 8601. */
void rdns_format_ar(const struct rdns_result *r, const char *authserv, const char *addr, char *buf,
                    size_t len);
/* rdns_ar_is_ours - 1 if an Authentication-Results value claims authserv (any case). */
int rdns_ar_is_ours(const char *value, const char *authserv);
/* rdns_sanitize_name - copy a DNS name keeping only LDH, '.' and '_' (others become '?'). */
void rdns_sanitize_name(char *dst, size_t len, const char *src);

#endif

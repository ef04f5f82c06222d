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

/*
 * PTR names checked per client address. The client's own reverse zone decides how many there
 * are and each costs a forward query, so there must be a cap; RFC 7208 5.5 caps SPF's PTR
 * validation at 10 names for this reason, and 10 is what operators already expect. Names past
 * the cap are not looked at (the detail says so when none of the first 10 confirms).
 */
#define RDNS_PTR_MAX 10

/* Longest detail text: our own words and numbers, never bytes from DNS. */
#define RDNS_DETAIL_MAX 127

struct rdns_result {
    enum rdns_verdict verdict;
    int no_ptr;                       /* unverified because there is no PTR at all */
    char ptr[RDNS_NAME_MAX + 1];      /* the PTR name, sanitized; "" if none */
    char detail[RDNS_DETAIL_MAX + 1]; /* why, for the stamp and the log */
    const char *source;               /* "mta" or "dns" */
};

/* One PTR name and what the forward (A or AAAA) lookup of that name said. */
struct rdns_fwd {
    const char *name;        /* as the resolver gave it: any bytes, any length */
    enum rdns_status status; /* the forward lookup; not read unless name is a host name */
    int matched;             /* one of its addresses equals the client address */
    const char *why;         /* the resolver's word for a failure ("REFUSED"); NULL: the
                                status's own ("SERVFAIL", "timeout") */
};

/*
 * rdns_from_macros - the MTA's verdict from {client_resolve} (OK, FAIL, FORGED, TEMP) and the
 * names it reports ({client_ptr}, {client_name}). Returns 0, or -1 if the MTA gave none.
 */
int rdns_from_macros(const char *resolve, const char *ptr, const char *name, struct rdns_result *r);

/*
 * rdns_from_lookups - the verdict from our own lookups: the PTR step's status, then every PTR
 * name with its forward lookup (names[0..n-1], in the order DNS gave them). RFC 8601 2.7.3:
 * iprev passes when ANY name confirms. Only the first RDNS_PTR_MAX names are read; a caller
 * that passes n > RDNS_PTR_MAX says there were more, which the detail reports. A name that is
 * not a host name (rdns_name_is_host) never confirms, whatever its entry says.
 *   - some name confirms: pass, naming it;
 *   - none does, and a forward lookup failed (SERVFAIL, REFUSED, timeout): failed or
 *     temperror as that lookup's status says, naming the first such name. The name that
 *     could not be checked might have confirmed, so a transient failure never becomes the
 *     permanent "unverified" (iprev=fail);
 *   - every lookup answered and none matches: unverified, naming the first name.
 * r is filled in completely; the names need live only for the call.
 */
void rdns_from_lookups(enum rdns_status ptr_status, const struct rdns_fwd *names, int n,
                       struct rdns_result *r);
/* rdns_from_lookup - rdns_from_lookups for one PTR name (ptr_name NULL or "": none). */
void rdns_from_lookup(enum rdns_status ptr_status, const char *ptr_name,
                      enum rdns_status fwd_status, int fwd_matches, struct rdns_result *r);
/*
 * rdns_name_is_host - 1 if name can be a host name worth a forward lookup: labels of letters,
 * digits, '-' (not at either end) and '_' (Postfix's valid_hostname allows it too), each 1-63
 * octets, at most RDNS_NAME_MAX in all, and a last label that is not all digits (that would
 * read as an address). 0 otherwise: over-long, escaped bytes from the resolver, empty labels.
 */
int rdns_name_is_host(const char *name);

/* rdns_parse_verdict - "pass", "unverified", "failed", "temperror" -> verdict, or -1. */
int rdns_parse_verdict(const char *word);
const char *rdns_verdict_name(enum rdns_verdict v);

/*
 * Header values are at most RDNS_HEADER_MAX bytes: two names of RDNS_NAME_MAX, two addresses,
 * the detail and our words fit with room to spare, so a buffer of this size is never short.
 */
#define RDNS_HEADER_MAX 1024

/* The stamp's value: "192.0.2.7 unverified (ptr=host.example does not resolve back)".
 * 0, or -1 if buf is too short (then buf holds "" rather than a cut value). */
int rdns_format_stamp(const struct rdns_result *r, const char *addr, char *buf, size_t len);
/* "AUTHSERV; iprev=fail smtp.remote-ip=ADDR policy.iprev=ADDR (reason)" per RFC 8601.
 * 0, or -1 if buf is too short (then buf holds ""). */
int rdns_format_ar(const struct rdns_result *r, const char *authserv, const char *addr, char *buf,
                   size_t len);
/*
 * rdns_sanitize_name - copy a DNS name keeping only LDH, '.' and '_' (others become '?'). A
 * name longer than RDNS_NAME_MAX, or than dst can hold, is cut and ends in "...": never a
 * valid name (a label cannot be empty), so a cut cannot pass for a different real name.
 */
void rdns_sanitize_name(char *dst, size_t len, const char *src);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addr.h - RFC 5321 envelope address parsing for relay decisions.
 *
 * addr_parse() takes what the MTA hands the milter ("<u@d>" or "u@d") and finds every domain
 * the address could route through: the final domain, source-route hops (@a,@b:u@c), and hosts
 * hidden in the local part by the %-hack (u%h@d), bang paths (h!u) or a quoted local part that
 * holds its own address ("u@h"@d). An address is only "ours" when every one of those hops is.
 */
#ifndef RW_ADDR_H
#define RW_ADDR_H

#include <stddef.h>

/* RFC 5321 section 4.5.3.1: local part 64, domain 255, whole path 256 octets. */
#define ADDR_LOCAL_MAX 64
#define ADDR_DOMAIN_MAX 255
#define ADDR_PATH_MAX 256
/* Routing hops kept per address; a path of 256 octets cannot name more than ~128 one-letter
 * hosts, but anything past 16 hops is abuse, and overflow counts as a foreign hop anyway. */
#define ADDR_HOPS_MAX 16

enum addr_flag {
    ADDR_F_NULL = 1 << 0,        /* <> */
    ADDR_F_UNQUALIFIED = 1 << 1, /* no @domain: the MTA qualifies it with its own domain */
    ADDR_F_QUOTED = 1 << 2,      /* local part was a quoted string */
    ADDR_F_SOURCE_ROUTE = 1 << 3,
    ADDR_F_PERCENT = 1 << 4,
    ADDR_F_BANG = 1 << 5,
    ADDR_F_QUOTED_AT = 1 << 6, /* quoted local part contains '@' */
    ADDR_F_LITERAL = 1 << 7,   /* domain is [address literal] */
    ADDR_F_TRAILING_DOT = 1 << 8,
    ADDR_F_HOPS_OVERFLOW = 1 << 9,
};
#define ADDR_F_ROUTED                                                                              \
    (ADDR_F_SOURCE_ROUTE | ADDR_F_PERCENT | ADDR_F_BANG | ADDR_F_QUOTED_AT | ADDR_F_HOPS_OVERFLOW)

/* Parse strictness: RCPT gets the RFC's 64-octet local part limit; MAIL FROM does not, since
 * SRS and VERP return paths exceed it in legitimate mail and refusing them loses bounces. */
enum addr_mode { ADDR_RCPT, ADDR_MAIL };

struct addr {
    unsigned flags;
    char local[ADDR_PATH_MAX + 1];    /* local part, dequoted */
    char domain[ADDR_DOMAIN_MAX + 1]; /* final domain, lower case, no trailing dot; "" if none */
    /* @route:local@domain as it will be logged, the local part quoted as needed: room for a
     * path whose every byte needs a backslash. */
    char text[ADDR_PATH_MAX * 2 + 4];
    int nhops;                        /* domains the address may route through, final one first */
    char hops[ADDR_HOPS_MAX][ADDR_DOMAIN_MAX + 1];
};

/*
 * addr_parse - returns 0 and fills *a, or -1 with the reason (syntax or RFC length limit) in
 * err; the milter answers -1 with 501 5.1.3.
 */
int addr_parse(const char *in, enum addr_mode mode, struct addr *a, char *err, size_t errlen);

/* addr_domain_valid - 1 if s is a valid RFC 5321 domain or address literal, else 0. */
int addr_domain_valid(const char *s);

#endif

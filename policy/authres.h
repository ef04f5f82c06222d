/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * authres.h - the authserv-id of an Authentication-Results header field (RFC 8601 2.2), read
 * exactly as the grammar says, and whether such a header claims to come from us: a stamping
 * listener removes those, so that a sender cannot forge our verdicts. No allocation, no state.
 */
#ifndef RW_AUTHRES_H
#define RW_AUTHRES_H

#include <stddef.h>

/*
 * Longest authserv-id read: a host name is at most 253 octets (RFC 1035), 254 with a trailing
 * dot, and one more keeps the test simple. A longer id is "not parseable": never cut into a
 * shorter one that could match.
 */
#define AUTHRES_ID_MAX 255

/*
 * authres_id - the authserv-id at the start of the Authentication-Results value v (len bytes;
 * no NUL needed, and a NUL inside is a control byte), with its quoting undone, into id (idlen
 * bytes, always NUL-terminated). The grammar (RFC 8601 2.2, RFC 2045 5.1, RFC 5322 3.2):
 *   [CFWS] authserv-id [CFWS [authres-version [CFWS]]] then ";" or the end
 *   authserv-id = token / quoted-string; CFWS = white space, folds (CRLF or LF, then white
 *   space) and comments, nested, with quoted-pairs.
 * A quoted id must still be a token once unquoted (a host name never needs quoting; one that
 * does is read differently by different readers). Returns 0, or -1 (id "") when there is no
 * well-formed authserv-id: empty, unterminated comment or quote, control or 8-bit bytes in the
 * id, a line break that does not fold, something else where ";" belongs, or an id that does
 * not fit in idlen - 1 bytes.
 */
int authres_id(const char *v, size_t len, char *id, size_t idlen);

/* authres_id_eq - 1 if two authserv-ids name the same host: ASCII case-insensitive, and
 * trailing dots ignored ("mx.example.com." is the same name in DNS, and a reader that
 * normalizes it would trust it). 0 otherwise. So "." equals "..": neither is a host name,
 * and every id must equal itself. */
int authres_id_eq(const char *a, const char *b);

/*
 * authres_is_ours - 1 if the Authentication-Results value v (len bytes) claims authserv, or
 * if its authserv-id cannot be read at all: downstream readers parse leniently and might take
 * it for ours, and removing a malformed result loses nothing anyone could trust. 0 if it names
 * another authserv-id.
 */
int authres_is_ours(const char *v, size_t len, const char *authserv);

/* authres_name_eq - 1 if the header field name equals want: case-insensitive, and white space
 * before the colon ignored (RFC 5322 4.5 obs-optional), as Postfix and Sendmail count names
 * when they number headers for smfi_chgheader. */
int authres_name_eq(const char *name, const char *want);

#endif

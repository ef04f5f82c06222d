/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * geoip_db.h - the GeoIP databases the rules name, opened with libmaxminddb (MMDB_MODE_MMAP)
 * for one ruleset, and the lookup the policy library calls through env->geoip (policy/geoip.h
 * says why the policy never opens them itself).
 *
 *   rs = rules_load(...);
 *   if (geoip_db_open(rs, err, errlen) == -1) ...   "file:line: ..." lines, rs unchanged
 *
 * The open databases belong to the ruleset (rs->geoip.handle) and are closed with it by
 * rules_unref: a session keeps the databases of the ruleset it started with, so a reload that
 * opens the new files (geoipupdate renames them in place) never pulls a mapping from under a
 * connection. What is mapped is a private, sealed copy of each file (a memfd), never the file
 * itself: a database truncated or overwritten in place (cp, curl -o over it) cannot change or
 * shrink the mapping (no SIGBUS, no lookups of zeros); the new file is read on SIGHUP.
 */
#ifndef RW_GEOIP_DB_H
#define RW_GEOIP_DB_H

#include "geoip.h"
#include "list.h"
#include "rules.h"

#include <stddef.h>
#include <sys/types.h>

/* Largest database file copied into memory: a GeoLite2-City is about 70 MB, the largest
 * commercial MaxMind and DB-IP files stay under 1 GiB; a file past it is refused at load
 * (each open database costs its size in memory, twice while a reload opens the new ones). */
#define GEOIP_DB_SIZE_MAX (1024LL * 1024 * 1024)

/* geoip_db_copy - a sealed memfd (no write, no shrink, no grow) holding the bytes of path, of
 * at most max bytes (the daemon passes GEOIP_DB_SIZE_MAX). The caller owns the descriptor and
 * closes it. -1 with why when path cannot be read or is larger than max ("too large"). */
int geoip_db_copy(const char *path, off_t max, char *why, size_t whylen);

/* geoip_db_open - open every database rs names and check that each holds what its statement
 * says (metadata database_type: a Country or City database for country, an ASN or ISP one
 * for asn). 0 (nothing to do when rs names none), or -1 with every failure in err, one
 * "file:line: message" line each, and nothing opened. */
int geoip_db_open(struct ruleset *rs, char *err, size_t errlen);
/* geoip_db_open_kinds - the same, and *failed (when not NULL) holds 1u << kind for each kind
 * whose database could not be opened or holds the wrong data (the daemon counts reopens per
 * kind); 0 when every one opened. */
int geoip_db_open_kinds(struct ruleset *rs, unsigned *failed, char *err, size_t errlen);

/* geoip_db_lookup - env->geoip: the country and ASN of a in g's databases ("" / 0 when the
 * database does not know it). 0, or -1 with why (the first failure) when libmaxminddb reports
 * an error on the lookup or on reading a value (a corrupt database): r->failed then says which
 * database failed (its conditions are undecidable; the other's answer in r still holds), and
 * is 0 when no database could be asked at all. */
int geoip_db_lookup(void *ctx, const struct geoip_rules *g, const struct netaddr *a,
                    struct geoip_result *r, char *why, size_t whylen);

/* What one lookup gave in the database of one kind, for the metrics: the database is not open
 * (not asked), a country / AS number, none (unknown: the database
 * does not know the address, or its entry holds no such value), or an error. */
enum geoip_db_found { GEOIP_DB_NOT_ASKED, GEOIP_DB_FOUND, GEOIP_DB_UNKNOWN, GEOIP_DB_ERROR };

/* geoip_db_lookup_found - geoip_db_lookup, with found[kind] saying what each database gave
 * (each one asked, whatever the other gave). */
int geoip_db_lookup_found(const struct geoip_rules *g, const struct netaddr *a,
                          struct geoip_result *r, enum geoip_db_found found[2], char *why,
                          size_t whylen);

/* geoip_db_found_name - "found", "unknown", "error" (the metrics' result label); NULL for
 * GEOIP_DB_NOT_ASKED. */
const char *geoip_db_found_name(enum geoip_db_found f);

#endif

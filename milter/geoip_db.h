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
 * connection.
 */
#ifndef RW_GEOIP_DB_H
#define RW_GEOIP_DB_H

#include "geoip.h"
#include "list.h"
#include "rules.h"

#include <stddef.h>

/* geoip_db_open - open every database rs names and check that each holds what its statement
 * says (metadata database_type: a Country or City database for country, an ASN or ISP one
 * for asn). 0 (nothing to do when rs names none), or -1 with every failure in err, one
 * "file:line: message" line each, and nothing opened. */
int geoip_db_open(struct ruleset *rs, char *err, size_t errlen);

/* geoip_db_lookup - env->geoip: the country and ASN of a in g's databases ("" / 0 when the
 * database does not know it). 0, or -1 with why (a corrupt database). */
int geoip_db_lookup(void *ctx, const struct geoip_rules *g, const struct netaddr *a,
                    struct geoip_result *r, char *why, size_t whylen);

#endif

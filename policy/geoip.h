/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * geoip.h - the client's country and ASN in the rules: the lists (countries, asns, logins-from),
 * the conditions (country, asn, login-country), the stamp and the databases the rules name.
 *
 * The policy library never opens a database. The rules say what each database holds
 * (`geoip country "path"`, `geoip asn "path"`), so that a condition without its database is a
 * file:line error of the parser. After rules_load the daemon and the trial open the files
 * (milter/geoip_db.c, libmaxminddb MMDB_MODE_MMAP), check each one's metadata database_type
 * against the kind declared, and hang the open handles on the ruleset (geoip_rules.handle,
 * closed by geoip_rules.close when the ruleset is freed): a session keeps the databases of the
 * ruleset it started with. At connect the session asks env->geoip once and keeps the result for
 * the whole connection; every condition and the stamp read that copy.
 */
#ifndef RW_GEOIP_H
#define RW_GEOIP_H

#include <stddef.h>

struct cond;
struct facts;
struct list;

/* What the databases say about one address. "" / 0 is unknown: not in the database (or no
 * database of that kind). AS 0 is reserved (RFC 7607) and never announced, so it cannot be a
 * real answer. */
struct geoip_result {
    char country[3];   /* ISO 3166-1 alpha-2, upper case */
    unsigned long asn; /* autonomous system number */
    unsigned failed;   /* GEOIP_FAILED(kind) for each database that failed on this address:
                        * its conditions are undecidable, the other database's still decide */
};
#define GEOIP_FAILED(kind) (1u << (kind))

enum geoip_kind { GEOIP_COUNTRY, GEOIP_ASN };

/* One `geoip KIND "path"` statement. */
struct geoip_db_decl {
    enum geoip_kind kind;
    char *path;
    const char *file;
    int line;
};

/* The header a geoip-stamp listener adds when it names none. */
#define GEOIP_STAMP_HEADER "X-Relaywarden-GeoIP"
/* Longest stamp value: "country=unknown asn=" and 20 digits, with room to spare. */
#define GEOIP_STAMP_MAX 64

/* The GeoIP part of a ruleset (rules.h: struct ruleset.geoip). */
struct geoip_rules {
    struct geoip_db_decl *dbs;
    size_t ndbs;
    int stamps;   /* some listener stamps: the header name is in tag_names */
    int bad_decl; /* a geoip statement was refused: conditions are not blamed for it too */
    /* Set by whoever opened the databases (milter/geoip_db.c): the open handles, and how to
     * close them when the last session holding the ruleset is gone. NULL: not opened. */
    void *handle;
    void (*close)(void *handle);
};

/* geoip_rules_free - the declarations, and the databases through close. */
void geoip_rules_free(struct geoip_rules *g);

/* geoip_kind_name - "country" or "asn". */
const char *geoip_kind_name(enum geoip_kind k);

/* geoip_country_valid - 1 if cc (any case) is an ISO 3166-1 alpha-2 code in use (or XK, which
 * MaxMind uses for Kosovo, or EU, which it gives to networks of the whole union), else 0. */
int geoip_country_valid(const char *cc);

/* List items (list.c calls these for the three list types): 0, or -1 with why in err.
 *   countries   DE, fr, unknown
 *   asns        3320, AS64512, unknown
 *   logins-from "alice: DE FR" - a login (exact or glob, as in logins) and its countries;
 *               several entries on a line are separated by ';'. */
int geoip_list_add(struct list *l, const char *item, char *err, size_t errlen);
void geoip_list_free(struct list *l);

/* Matchers: 1 match, 0 not. r NULL or an empty field is "unknown". */
int geoip_match_country(const struct list *l, const struct geoip_result *r);
int geoip_match_asn(const struct list *l, const struct geoip_result *r);
/* geoip_login_allowed - 1 if the logins-from list lists login and allows its country, 0 if it
 * lists it and does not, 2 (COND_NA) if it does not list it: only listed logins are locked. */
int geoip_login_allowed(const struct list *l, const char *login, const struct geoip_result *r);

/* The most sample clients the static audit tries per probe (audit.c): countries and ASNs of
 * the lists, one outside all of them, and unknown, crossed. 16 keeps the audit of a rules file
 * with several GeoIP lists well under a second. */
#define GEOIP_AUDIT_SAMPLES 16

struct ruleset;
/* geoip_audit_samples - the clients the audit should probe as (out[0..n), n returned, at most
 * max): unknown first, then one country of each countries list and one outside every list,
 * crossed with unknown, one AS of each asns list and one outside them. 0 when rs names no
 * database (every client is unknown: geo NULL). */
size_t geoip_audit_samples(const struct ruleset *rs, struct geoip_result *out, size_t max);

/* geoip_format - "country=DE asn=3320" (unknown ones as "unknown") into buf. Returns buf. */
char *geoip_format(const struct geoip_result *r, char *buf, size_t len);

/* The evaluators of the table of conditions (cond.c): 1 / 0 / -1 (the lookup failed), COND_NA. */
int geoip_cond_country(const struct cond *c, const struct facts *f);
int geoip_cond_asn(const struct cond *c, const struct facts *f);
int geoip_cond_login(const struct cond *c, const struct facts *f);

#endif

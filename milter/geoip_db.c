/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * geoip_db.c - MaxMind databases (libmaxminddb) for the GeoIP conditions: opened per ruleset,
 * checked against the kind the rules declare, looked up once per connection.
 */
#define _GNU_SOURCE /* memfd_create and the file seals (Linux) */
#include "geoip_db.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* The last data type of the MaxMind DB format: libmaxminddb hands over a value of a larger
 * (nonexistent) type without an error, and that is corrupt data, not an unknown address. */
#define GEOIP_DB_TYPE_LAST MMDB_DATA_TYPE_FLOAT

/* Bytes read at a time when copying a database: a few pages, on the reloading thread's stack. */
#define GEOIP_DB_COPY_CHUNK 16384

/* The open databases of one ruleset, by enum geoip_kind. */
struct geoip_db {
    MMDB_s mmdb[2];
    int open[2];
};

static void
geoip_db_close(void *handle)
{
    struct geoip_db *d = handle;
    int k;

    for (k = 0; k < 2; k++)
        if (d->open[k])
            MMDB_close(&d->mmdb[k]);
    free(d);
}

/* Does a database of this type hold what kind needs? MaxMind's own names (GeoLite2-Country,
 * GeoIP2-City, GeoLite2-ASN, GeoIP2-ISP) and DB-IP's (DBIP-Country-Lite, DBIP-ASN-Lite) say. */
static int
geoip_db_type_ok(enum geoip_kind kind, const char *type)
{
    if (type == NULL)
        return 0;
    if (kind == GEOIP_COUNTRY)
        return strstr(type, "Country") != NULL || strstr(type, "City") != NULL;
    return strstr(type, "ASN") != NULL || strstr(type, "ISP") != NULL;
}

static void geoip_db_err(char *err, size_t errlen, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Appends a line to err (cut at errlen, never past it). */
static void
geoip_db_err(char *err, size_t errlen, size_t *used, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (errlen == 0 || *used + 1 >= errlen)
        return;
    va_start(ap, fmt);
    n = vsnprintf(err + *used, errlen - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used = *used + (size_t)n < errlen ? *used + (size_t)n : errlen - 1;
}

int
geoip_db_copy(const char *path, off_t max, char *why, size_t whylen)
{
    char buf[GEOIP_DB_COPY_CHUNK];
    struct stat st;
    off_t total = 0;
    ssize_t n, w, off;
    int in, out = -1;

    if ((in = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
        util_errf(why, whylen, "%s", strerror(errno));
        return -1;
    }
    if (fstat(in, &st) == -1) {
        util_errf(why, whylen, "%s", strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        util_errf(why, whylen, "not a regular file");
        goto fail;
    }
    if (st.st_size > max) {
        util_errf(why, whylen, "too large: %lld bytes, at most %lld are read",
                  (long long)st.st_size, (long long)max);
        goto fail;
    }
    if ((out = memfd_create("relaywarden-geoip", MFD_CLOEXEC | MFD_ALLOW_SEALING)) == -1) {
        util_errf(why, whylen, "memfd_create: %s", strerror(errno));
        goto fail;
    }
    for (;;) {
        if ((n = read(in, buf, sizeof(buf))) == -1) {
            if (errno == EINTR)
                continue;
            util_errf(why, whylen, "%s", strerror(errno));
            goto fail;
        }
        if (n == 0)
            break;
        if (n > max - total) { /* it grew while we read it */
            util_errf(why, whylen, "too large: more than %lld bytes", (long long)max);
            goto fail;
        }
        for (off = 0; off < n; off += w)
            if ((w = write(out, buf + off, (size_t)(n - off))) == -1 && errno != EINTR) {
                util_errf(why, whylen, "copying into memory: %s", strerror(errno));
                goto fail;
            } else if (w == -1) {
                w = 0;
            }
        total += n;
    }
    if (fcntl(out, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == -1) {
        util_errf(why, whylen, "sealing the copy: %s", strerror(errno));
        goto fail;
    }
    close(in);
    return out;
fail:
    if (out != -1)
        close(out);
    close(in);
    return -1;
}

/* Opens the private copy of path into m: MMDB_SUCCESS, or an MMDB error (why then says more
 * when it is not the database's fault). */
static int
geoip_db_open_copy(const char *path, MMDB_s *m, char *why, size_t whylen)
{
    char proc[64];
    int fd, rc;

    why[0] = '\0';
    if ((fd = geoip_db_copy(path, GEOIP_DB_SIZE_MAX, why, whylen)) == -1)
        return MMDB_FILE_OPEN_ERROR;
    /* libmaxminddb opens a path: the copy's own, which needs /proc */
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    errno = 0;
    if ((rc = MMDB_open(proc, MMDB_MODE_MMAP, m)) == MMDB_FILE_OPEN_ERROR)
        util_errf(why, whylen, "opening the private copy %s: %s", proc,
                  errno != 0 ? strerror(errno) : "failed");
    close(fd); /* the mapping keeps the copy */
    return rc;
}

int
geoip_db_open(struct ruleset *rs, char *err, size_t errlen)
{
    return geoip_db_open_kinds(rs, NULL, err, errlen);
}

int
geoip_db_open_kinds(struct ruleset *rs, unsigned *kinds_failed, char *err, size_t errlen)
{
    struct geoip_db *d;
    size_t i, used = 0;
    int failed = 0;

    if (errlen > 0)
        err[0] = '\0';
    if (kinds_failed != NULL)
        *kinds_failed = 0;
    if (rs->geoip.ndbs == 0)
        return 0;
    if ((d = calloc(1, sizeof(*d))) == NULL) {
        geoip_db_err(err, errlen, &used, "%s:%d: geoip: out of memory\n", rs->geoip.dbs[0].file,
                     rs->geoip.dbs[0].line);
        for (i = 0; kinds_failed != NULL && i < rs->geoip.ndbs; i++)
            *kinds_failed |= 1u << rs->geoip.dbs[i].kind;
        return -1;
    }
    for (i = 0; i < rs->geoip.ndbs; i++) {
        const struct geoip_db_decl *g = &rs->geoip.dbs[i];
        MMDB_s *m = &d->mmdb[g->kind];
        int rc;

        char why[200];

        if ((rc = geoip_db_open_copy(g->path, m, why, sizeof(why))) != MMDB_SUCCESS) {
            geoip_db_err(err, errlen, &used, "%s:%d: geoip %s \"%s\": cannot open: %s\n",
                         UTIL_ERRPATH(g->file), g->line, geoip_kind_name(g->kind),
                         UTIL_ERRPATH(g->path),
                         rc == MMDB_FILE_OPEN_ERROR && why[0] ? why : MMDB_strerror(rc));
            failed = 1;
            if (kinds_failed != NULL)
                *kinds_failed |= 1u << g->kind;
            continue;
        }
        d->open[g->kind] = 1;
        if (!geoip_db_type_ok(g->kind, m->metadata.database_type)) {
            char esc[100];
            geoip_db_err(
                err, errlen, &used,
                "%s:%d: geoip %s \"%s\": database type \"%s\" holds no %s (%s "
                "database is needed)\n",
                UTIL_ERRPATH(g->file), g->line, geoip_kind_name(g->kind), UTIL_ERRPATH(g->path),
                util_escape(esc, sizeof(esc),
                            m->metadata.database_type ? m->metadata.database_type : "", 64),
                g->kind == GEOIP_COUNTRY ? "countries" : "AS numbers",
                g->kind == GEOIP_COUNTRY ? "a Country or City" : "an ASN or ISP");
            failed = 1;
            if (kinds_failed != NULL)
                *kinds_failed |= 1u << g->kind;
        }
    }
    if (failed) {
        geoip_db_close(d);
        return -1;
    }
    if (rs->geoip.close != NULL && rs->geoip.handle != NULL)
        rs->geoip.close(rs->geoip.handle);
    rs->geoip.handle = d;
    rs->geoip.close = geoip_db_close;
    return 0;
}

/* A netaddr as the sockaddr libmaxminddb takes. */
static void
geoip_db_sockaddr(const struct netaddr *a, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (a->family == AF_INET) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
        s4->sin_family = AF_INET;
        memcpy(&s4->sin_addr, a->bytes, 4);
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        memcpy(&s6->sin6_addr, a->bytes, 16);
    }
}

/* Looks a up in one database: 0 with res (found or not), or -1 with why. */
static int
geoip_db_find(const MMDB_s *m, const struct sockaddr_storage *ss, MMDB_lookup_result_s *res,
              char *why, size_t whylen)
{
    int rc = MMDB_SUCCESS;

    *res = MMDB_lookup_sockaddr(m, (const struct sockaddr *)ss, &rc);
    if (rc == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) { /* an IPv4-only database: unknown */
        res->found_entry = 0;
        return 0;
    }
    if (rc != MMDB_SUCCESS) {
        util_errf(why, whylen, "geoip lookup: %s", MMDB_strerror(rc));
        return -1;
    }
    return 0;
}

/* The country of an entry: country, else registered_country (MaxMind gives anycast and
 * satellite networks only the latter). Only two capital letters are taken: a database is
 * data, and what it says reaches logs and headers. */
static int
geoip_db_country(MMDB_lookup_result_s *res, char cc[3], char *why, size_t whylen)
{
    static const char *const where[] = {"country", "registered_country"};
    MMDB_entry_data_s v;
    size_t i;
    int rc;

    cc[0] = '\0';
    for (i = 0; i < 2; i++) {
        /* a value that is not there is unknown; an error reading it (corrupt data) is not */
        if ((rc = MMDB_get_value(&res->entry, &v, where[i], "iso_code", NULL)) != MMDB_SUCCESS &&
            rc != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR) {
            util_errf(why, whylen, "geoip country of the entry: %s", MMDB_strerror(rc));
            return -1;
        }
        if (rc == MMDB_SUCCESS && v.has_data && v.type > GEOIP_DB_TYPE_LAST) {
            util_errf(why, whylen, "geoip country of the entry: a value of unknown type %u",
                      (unsigned)v.type);
            return -1;
        }
        if (rc != MMDB_SUCCESS || !v.has_data || v.type != MMDB_DATA_TYPE_UTF8_STRING ||
            v.data_size != 2)
            continue;
        if (v.utf8_string[0] < 'A' || v.utf8_string[0] > 'Z' || v.utf8_string[1] < 'A' ||
            v.utf8_string[1] > 'Z')
            continue;
        cc[0] = v.utf8_string[0];
        cc[1] = v.utf8_string[1];
        cc[2] = '\0';
        return 0;
    }
    return 0;
}

/* The AS number of an entry into *asn (0: unknown): 0, or -1 with why on a read error. */
static int
geoip_db_asn(MMDB_lookup_result_s *res, unsigned long *asn, char *why, size_t whylen)
{
    MMDB_entry_data_s v;
    int rc;

    *asn = 0;
    rc = MMDB_get_value(&res->entry, &v, "autonomous_system_number", NULL);
    if (rc != MMDB_SUCCESS && rc != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR) {
        util_errf(why, whylen, "geoip AS number of the entry: %s", MMDB_strerror(rc));
        return -1;
    }
    if (rc != MMDB_SUCCESS || !v.has_data)
        return 0;
    if (v.type > GEOIP_DB_TYPE_LAST) {
        util_errf(why, whylen, "geoip AS number of the entry: a value of unknown type %u",
                  (unsigned)v.type);
        return -1;
    }
    if (v.type == MMDB_DATA_TYPE_UINT32)
        *asn = v.uint32;
    else if (v.type == MMDB_DATA_TYPE_UINT16)
        *asn = v.uint16;
    else if (v.type == MMDB_DATA_TYPE_UINT64 && v.uint64 <= 4294967295ULL)
        *asn = (unsigned long)v.uint64;
    return 0;
}

int
geoip_db_lookup(void *ctx, const struct geoip_rules *g, const struct netaddr *a,
                struct geoip_result *r, char *why, size_t whylen)
{
    enum geoip_db_found found[2];

    (void)ctx;
    return geoip_db_lookup_found(g, a, r, found, why, whylen);
}

int
geoip_db_lookup_found(const struct geoip_rules *g, const struct netaddr *a, struct geoip_result *r,
                      enum geoip_db_found found[2], char *why, size_t whylen)
{
    const struct geoip_db *d = g->handle;
    struct sockaddr_storage ss;
    MMDB_lookup_result_s res;

    memset(r, 0, sizeof(*r));
    found[GEOIP_COUNTRY] = found[GEOIP_ASN] = GEOIP_DB_NOT_ASKED;
    if (d == NULL) {
        util_errf(why, whylen, "geoip lookup: the databases are not open");
        return -1;
    }
    geoip_db_sockaddr(a, &ss);
    /* Each database on its own: a corrupt one fails its own conditions only (r->failed). why
     * keeps the first failure. */
    if (d->open[GEOIP_COUNTRY]) {
        if (geoip_db_find(&d->mmdb[GEOIP_COUNTRY], &ss, &res, why, whylen) == -1 ||
            (res.found_entry && geoip_db_country(&res, r->country, why, whylen) == -1)) {
            found[GEOIP_COUNTRY] = GEOIP_DB_ERROR;
            r->failed |= GEOIP_FAILED(GEOIP_COUNTRY);
            r->country[0] = '\0';
        } else
            found[GEOIP_COUNTRY] = r->country[0] != '\0' ? GEOIP_DB_FOUND : GEOIP_DB_UNKNOWN;
    }
    if (d->open[GEOIP_ASN]) {
        char asnwhy[256];

        if (geoip_db_find(&d->mmdb[GEOIP_ASN], &ss, &res, asnwhy, sizeof(asnwhy)) == -1 ||
            (res.found_entry && geoip_db_asn(&res, &r->asn, asnwhy, sizeof(asnwhy)) == -1)) {
            found[GEOIP_ASN] = GEOIP_DB_ERROR;
            r->asn = 0;
            if (r->failed == 0)
                util_strlcpy(why, asnwhy, whylen);
            r->failed |= GEOIP_FAILED(GEOIP_ASN);
        } else
            found[GEOIP_ASN] = r->asn != 0 ? GEOIP_DB_FOUND : GEOIP_DB_UNKNOWN;
    }
    return r->failed != 0 ? -1 : 0;
}

const char *
geoip_db_found_name(enum geoip_db_found f)
{
    switch (f) {
    case GEOIP_DB_FOUND:
        return "found";
    case GEOIP_DB_UNKNOWN:
        return "unknown";
    case GEOIP_DB_ERROR:
        return "error";
    default:
        return NULL;
    }
}

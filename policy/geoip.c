/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * geoip.c - the GeoIP lists and conditions: country codes checked against ISO 3166-1, AS
 * numbers, the login country lock, and the stamp's text. Pure: the lookup itself comes through
 * env (geoip.h says who opens the databases).
 */
#include "geoip.h"
#include "cond.h"
#include "list.h"
#include "rules.h"
#include "util.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest logins-from entry (a login and its countries): a login is at most LIST's 512 octets,
 * and every country code of the world fits in the rest. */
#define GEOIP_ENTRY_MAX 2048
/* Longest login in a logins-from list, as in the logins lists (list.c LIST_ITEM_MAX). */
#define GEOIP_LOGIN_MAX 512
/* The largest AS number: they are 32 bits (RFC 6793). */
#define GEOIP_ASN_MAX 4294967295UL

/* ISO 3166-1 alpha-2 codes in use (Debian's iso-codes, 249), sorted, two letters each; plus XK
 * and EU, which MaxMind's databases give out. */
static const char geoip_iso[] =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCI"
    "CKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQ"
    "GRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLS"
    "LTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPG"
    "PHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTK"
    "TLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW"
    "EUXK";

/* A login's countries: one bit per two-letter code AA..ZZ, and one for unknown. */
#define GEOIP_CC_BITS (26 * 26 + 1)
#define GEOIP_CC_UNKNOWN (26 * 26)

struct geoip_login {
    char *login; /* lower case, a glob if it has *?[ */
    unsigned char cc[(GEOIP_CC_BITS + 7) / 8];
};

struct geoip_logins {
    struct strset exact;        /* login -> struct geoip_login * */
    struct geoip_login **globs; /* in the order written: the first that matches decides */
    size_t nglobs;
};

const char *
geoip_kind_name(enum geoip_kind k)
{
    return k == GEOIP_COUNTRY ? "country" : "asn";
}

int
geoip_country_valid(const char *cc)
{
    char up[3];
    size_t i;

    if (strlen(cc) != 2)
        return 0;
    for (i = 0; i < 2; i++) {
        if (!((cc[i] >= 'a' && cc[i] <= 'z') || (cc[i] >= 'A' && cc[i] <= 'Z')))
            return 0;
        up[i] = (char)(cc[i] & ~0x20);
    }
    for (i = 0; i + 1 < sizeof(geoip_iso); i += 2)
        if (geoip_iso[i] == up[0] && geoip_iso[i + 1] == up[1])
            return 1;
    return 0;
}

/* The bit of a country code ("" or "unknown": unknown), or -1 if it is none. */
static int
geoip_cc_bit(const char *cc)
{
    if (cc[0] == '\0' || strcmp(cc, "unknown") == 0)
        return GEOIP_CC_UNKNOWN;
    if (!geoip_country_valid(cc))
        return -1;
    return ((cc[0] & ~0x20) - 'A') * 26 + ((cc[1] & ~0x20) - 'A');
}

/* A country item into its key: "DE" or "unknown". 0, or -1 with why. */
static int
geoip_country_key(const char *item, char key[8], char *err, size_t errlen)
{
    if (strcmp(item, "unknown") == 0) {
        memcpy(key, "unknown", 8);
        return 0;
    }
    if (!geoip_country_valid(item)) {
        util_errf(err, errlen,
                  "bad country \"%s\": not an ISO 3166-1 alpha-2 code (DE, FR, ...) "
                  "nor unknown",
                  UTIL_ERRTOK(item));
        return -1;
    }
    key[0] = (char)(item[0] & ~0x20);
    key[1] = (char)(item[1] & ~0x20);
    key[2] = '\0';
    return 0;
}

static int
geoip_add_country(struct list *l, const char *item, char *err, size_t errlen)
{
    char key[8];
    int r;

    if (geoip_country_key(item, key, err, errlen) == -1)
        return -1;
    if ((r = strset_add(&l->exact, key, NULL)) == -1) {
        util_errf(err, errlen, "out of memory");
        return -1;
    }
    l->count += (size_t)r;
    return 0;
}

static int
geoip_add_asn(struct list *l, const char *item, char *err, size_t errlen)
{
    const char *d = item;
    char key[24], *end;
    unsigned long n;
    int r;

    if (strcmp(item, "unknown") == 0) {
        util_strlcpy(key, "unknown", sizeof(key));
    } else {
        if ((d[0] == 'A' || d[0] == 'a') && (d[1] == 'S' || d[1] == 's'))
            d += 2;
        errno = 0;
        n = strtoul(d, &end, 10);
        if (d[0] < '0' || d[0] > '9' || *end != '\0' || errno != 0 || n == 0 || n > GEOIP_ASN_MAX ||
            strlen(d) > 10) {
            util_errf(err, errlen, "bad AS number \"%s\": 1-%lu, with or without AS, or unknown",
                      UTIL_ERRTOK(item), GEOIP_ASN_MAX);
            return -1;
        }
        snprintf(key, sizeof(key), "%lu", n);
    }
    if ((r = strset_add(&l->exact, key, NULL)) == -1) {
        util_errf(err, errlen, "out of memory");
        return -1;
    }
    l->count += (size_t)r;
    return 0;
}

/* The next token of *p: up to white space, ',' or (stop_colon) ':'; NULL at the end. */
static char *
geoip_token(char **p, int stop_colon)
{
    char *s = *p + strspn(*p, " \t,"), *e;

    if (*s == '\0')
        return NULL;
    e = s + strcspn(s, stop_colon ? " \t,:" : " \t,");
    *p = e;
    if (*e != '\0' && *e != ':') {
        *e = '\0';
        *p = e + 1;
    }
    return s;
}

static void
geoip_login_free(void *v)
{
    struct geoip_login *e = v;

    if (e != NULL)
        free(e->login);
    free(e);
}

/* One "login[:] CC CC ..." entry (nothing: after a last ';'). */
static int
geoip_add_login(struct list *l, struct geoip_logins *g, char *entry, char *err, size_t errlen)
{
    struct geoip_login *e;
    char *rest = entry, *login, *cc;
    const unsigned char *c;
    int n = 0, bit, r;

    if ((login = geoip_token(&rest, 1)) == NULL)
        return 0;
    rest += strspn(rest, " \t");
    if (*rest == ':') /* "alice: DE", "alice : DE", "alice:DE" */
        *rest++ = '\0';
    for (c = (const unsigned char *)login; *c; c++)
        if (*c < 0x21 || *c == 0x7f || *c == '"') {
            util_errf(err, errlen, "bad login \"%s\": space, quote or control character",
                      UTIL_ERRTOK(login));
            return -1;
        }
    if (login[0] == '\0' || strlen(login) >= GEOIP_LOGIN_MAX) {
        util_errf(err, errlen, "bad login \"%s\": empty or longer than %d octets",
                  UTIL_ERRTOK(login), GEOIP_LOGIN_MAX - 1);
        return -1;
    }
    if ((e = calloc(1, sizeof(*e))) == NULL || (e->login = strdup(login)) == NULL)
        goto oom;
    util_lower(e->login);
    while ((cc = geoip_token(&rest, 0)) != NULL) {
        if ((bit = geoip_cc_bit(cc)) == -1) {
            util_errf(err, errlen,
                      "logins-from %s: bad country \"%s\": not an ISO 3166-1 alpha-2 "
                      "code (DE, FR, ...) nor unknown",
                      UTIL_ERRTOK(e->login), UTIL_ERRTOK(cc));
            geoip_login_free(e);
            return -1;
        }
        e->cc[bit / 8] |= (unsigned char)(1u << (bit % 8));
        n++;
    }
    if (n == 0) {
        util_errf(err, errlen, "logins-from %s: a login needs at least one country",
                  UTIL_ERRTOK(e->login));
        geoip_login_free(e);
        return -1;
    }
    if (strpbrk(e->login, "*?[") != NULL) {
        struct geoip_login **m;
        size_t i;
        for (i = 0; i < g->nglobs; i++)
            if (strcmp(g->globs[i]->login, e->login) == 0)
                break;
        if (i == g->nglobs) {
            if ((m = realloc(g->globs, (g->nglobs + 1) * sizeof(*m))) == NULL)
                goto oom;
            g->globs = m;
            m[g->nglobs++] = e;
            l->count++;
            return 0;
        }
        r = 0;
    } else if ((r = strset_add(&g->exact, e->login, e)) == -1) {
        goto oom;
    }
    if (r == 0) { /* a second line for one login would make the first one's list a lie */
        util_errf(err, errlen, "logins-from: login \"%s\" is listed twice", UTIL_ERRTOK(e->login));
        geoip_login_free(e);
        return -1;
    }
    l->count++;
    return 0;
oom:
    geoip_login_free(e);
    util_errf(err, errlen, "out of memory");
    return -1;
}

static int
geoip_add_logins(struct list *l, const char *item, char *err, size_t errlen)
{
    struct geoip_logins *g = l->geo;
    char buf[GEOIP_ENTRY_MAX], *s, *semi;

    if (strlen(item) >= sizeof(buf)) {
        util_errf(err, errlen, "logins-from entry longer than %d octets", GEOIP_ENTRY_MAX - 1);
        return -1;
    }
    if (g == NULL) {
        if ((g = calloc(1, sizeof(*g))) == NULL) {
            util_errf(err, errlen, "out of memory");
            return -1;
        }
        strset_init(&g->exact);
        l->geo = g;
    }
    util_strlcpy(buf, item, sizeof(buf));
    for (s = buf; s != NULL; s = semi) {
        if ((semi = strchr(s, ';')) != NULL)
            *semi++ = '\0';
        if (geoip_add_login(l, g, s, err, errlen) == -1)
            return -1;
    }
    return 0;
}

int
geoip_list_add(struct list *l, const char *item, char *err, size_t errlen)
{
    switch (l->type) {
    case LIST_COUNTRIES:
        return geoip_add_country(l, item, err, errlen);
    case LIST_ASNS:
        return geoip_add_asn(l, item, err, errlen);
    case LIST_LOGINS_FROM:
        return geoip_add_logins(l, item, err, errlen);
    default:
        util_errf(err, errlen, "not a GeoIP list");
        return -1;
    }
}

void
geoip_list_free(struct list *l)
{
    struct geoip_logins *g = l->geo;
    size_t i;

    if (g == NULL)
        return;
    strset_free(&g->exact, geoip_login_free);
    for (i = 0; i < g->nglobs; i++)
        geoip_login_free(g->globs[i]);
    free(g->globs);
    free(g);
    l->geo = NULL;
}

int
geoip_match_country(const struct list *l, const struct geoip_result *r)
{
    return strset_get(&l->exact, r != NULL && r->country[0] ? r->country : "unknown") != NULL;
}

int
geoip_match_asn(const struct list *l, const struct geoip_result *r)
{
    char key[24];

    if (r == NULL || r->asn == 0)
        return strset_get(&l->exact, "unknown") != NULL;
    snprintf(key, sizeof(key), "%lu", r->asn);
    return strset_get(&l->exact, key) != NULL;
}

int
geoip_login_allowed(const struct list *l, const char *login, const struct geoip_result *r)
{
    const struct geoip_logins *g = l->geo;
    const struct geoip_login *e = NULL;
    const struct strset_entry *x;
    char small[GEOIP_LOGIN_MAX], *buf = small;
    size_t i, n;
    int bit;

    if (g == NULL || login == NULL || login[0] == '\0')
        return COND_NA;
    /* A login longer than any entry is still matched whole against the globs: "app-*" takes
     * "app-" and a kilobyte after it (as list_match_login). */
    n = strlen(login);
    if (n >= sizeof(small) && (buf = strdup(login)) == NULL)
        return -1;
    memcpy(buf, login, n + 1);
    util_lower(buf);
    if ((x = strset_get(&g->exact, buf)) != NULL)
        e = x->value;
    for (i = 0; e == NULL && i < g->nglobs; i++)
        if (fnmatch(g->globs[i]->login, buf, 0) == 0)
            e = g->globs[i];
    if (buf != small)
        free(buf);
    if (e == NULL)
        return COND_NA;
    bit = geoip_cc_bit(r != NULL ? r->country : "");
    if (bit == -1) /* a database answering a code we do not know: no list can allow it */
        return 0;
    return (e->cc[bit / 8] >> (bit % 8)) & 1;
}

char *
geoip_format(const struct geoip_result *r, char *buf, size_t len)
{
    char asn[24] = "unknown";
    const char *country = "unknown";

    if (r != NULL && (r->failed & GEOIP_FAILED(GEOIP_ASN)))
        snprintf(asn, sizeof(asn), "error");
    else if (r != NULL && r->asn != 0)
        snprintf(asn, sizeof(asn), "%lu", r->asn);
    if (r != NULL && (r->failed & GEOIP_FAILED(GEOIP_COUNTRY)))
        country = "error";
    else if (r != NULL && r->country[0])
        country = r->country;
    snprintf(buf, len, "country=%s asn=%s", country, asn);
    return buf;
}

void
geoip_rules_free(struct geoip_rules *g)
{
    size_t i;

    if (g->close != NULL && g->handle != NULL)
        g->close(g->handle);
    g->handle = NULL;
    for (i = 0; i < g->ndbs; i++)
        free(g->dbs[i].path);
    free(g->dbs);
    g->dbs = NULL;
    g->ndbs = 0;
}

/* 1 if the lookup of kind failed for this client: the whole lookup, or that database alone (a
 * corrupt AS database leaves the country conditions deciding, and the other way round). */
static int
geoip_failed(const struct facts *f, enum geoip_kind kind)
{
    return f->geo_error != NULL && (f->geo == NULL || (f->geo->failed & GEOIP_FAILED(kind)));
}

int
geoip_cond_country(const struct cond *c, const struct facts *f)
{
    if (geoip_failed(f, GEOIP_COUNTRY))
        return -1;
    return geoip_match_country(c->list, f->geo);
}

int
geoip_cond_asn(const struct cond *c, const struct facts *f)
{
    if (geoip_failed(f, GEOIP_ASN))
        return -1;
    return geoip_match_asn(c->list, f->geo);
}

int
geoip_cond_login(const struct cond *c, const struct facts *f)
{
    if (f->auth == NULL || f->auth[0] == '\0')
        return COND_NA;
    if (geoip_failed(f, GEOIP_COUNTRY))
        return -1;
    return geoip_login_allowed(c->list, f->auth, f->geo);
}

/* A country of l (not unknown), or NULL. */
static const char *
geoip_list_sample(const struct list *l)
{
    size_t i;

    for (i = 0; i < l->exact.cap; i++)
        if (l->exact.slots[i].key != NULL && strcmp(l->exact.slots[i].key, "unknown") != 0)
            return l->exact.slots[i].key;
    return NULL;
}

static int
geoip_in_any(const struct ruleset *rs, enum list_type type, const char *key)
{
    size_t i;

    for (i = 0; i < rs->nall_lists; i++)
        if (rs->all_lists[i]->type == type && strset_get(&rs->all_lists[i]->exact, key) != NULL)
            return 1;
    return 0;
}

size_t
geoip_audit_samples(const struct ruleset *rs, struct geoip_result *out, size_t max)
{
    char cc[GEOIP_AUDIT_SAMPLES][3], key[24];
    unsigned long asn[GEOIP_AUDIT_SAMPLES];
    size_t nc = 0, na = 0, i, j, n = 0;
    const char *s;

    if (rs->geoip.ndbs == 0 || max == 0)
        return 0;
    cc[nc++][0] = '\0';
    asn[na++] = 0;
    /* a country no list holds: the first code in use that none does */
    for (i = 0; i + 1 < sizeof(geoip_iso); i += 2) {
        char c[3] = {geoip_iso[i], geoip_iso[i + 1], '\0'};
        if (!geoip_in_any(rs, LIST_COUNTRIES, c)) {
            memcpy(cc[nc++], c, 3);
            break;
        }
    }
    /* an AS no list holds: from the documentation range (RFC 5398) up */
    for (i = 64496; i < 64496 + 1000; i++) {
        snprintf(key, sizeof(key), "%zu", i);
        if (!geoip_in_any(rs, LIST_ASNS, key)) {
            asn[na++] = i;
            break;
        }
    }
    for (i = 0; i < rs->nall_lists; i++) {
        const struct list *l = rs->all_lists[i];
        if (l->type == LIST_COUNTRIES && nc < GEOIP_AUDIT_SAMPLES &&
            (s = geoip_list_sample(l)) != NULL)
            memcpy(cc[nc++], s, 3);
        if (l->type == LIST_ASNS && na < GEOIP_AUDIT_SAMPLES && (s = geoip_list_sample(l)) != NULL)
            asn[na++] = strtoul(s, NULL, 10);
    }
    for (i = 0; i < nc && n < max; i++)
        for (j = 0; j < na && n < max; j++) {
            memcpy(out[n].country, cc[i], 3);
            out[n].failed = 0;
            out[n++].asn = asn[j];
        }
    return n;
}

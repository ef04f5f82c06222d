/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats_show.c - relaywarden -s: the counters of a running daemon, read back from its metrics
 * textfile and printed for a person: volume per listener (inbound and outbound apart),
 * decisions per action and per rule, rDNS, GeoIP, reloads and internal errors.
 */
#include "stats.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <unistr.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Labels a series of ours carries at most (listener, action, rule, name). */
#define SHOW_LABELS 4
/* Listeners shown: more than any master.cf names. Past it they are summed under "(others)". */
#define SHOW_LISTENERS 64

struct show_line {
    char name[128];
    int nlabels;
    char key[SHOW_LABELS][32];
    char value[SHOW_LABELS][STATS_LABELS_MAX];
    double v;
};

/* geoip: lookups per kind (found, unknown, error) and reopens (ok, failed), by enum geoip_kind
 * order: country, asn. */
struct show_geoip {
    double found, unknown, error, reopened, failed;
    int seen;
};

struct show_listener {
    char name[STATS_LABELS_MAX];
    unsigned long long conn, msgs, ok, refused, bytes;
};

/* One line "name{k="v",...} value". 1 parsed, 0 not a series (comment, blank), -1 malformed. */
static int
show_parse(const char *s, struct show_line *l)
{
    size_t n = strcspn(s, "{ ");
    char *end;

    memset(l, 0, sizeof(*l));
    if (s[0] == '#' || s[0] == '\0')
        return 0;
    if (n == 0 || n >= sizeof(l->name))
        return -1;
    memcpy(l->name, s, n);
    s += n;
    if (*s == '{') {
        for (s++; *s != '}';) {
            size_t k = strcspn(s, "="), o = 0;
            if (l->nlabels == SHOW_LABELS || k == 0 || k >= sizeof(l->key[0]) || s[k] != '=' ||
                s[k + 1] != '"')
                return -1;
            memcpy(l->key[l->nlabels], s, k);
            for (s += k + 2; *s != '"'; s++) {
                if (*s == '\0' || o + 1 >= sizeof(l->value[0]))
                    return -1;
                if (*s == '\\') {
                    s++;
                    if (*s != '\\' && *s != '"' && *s != 'n')
                        return -1;
                    l->value[l->nlabels][o++] = *s == 'n' ? '\n' : *s;
                } else {
                    l->value[l->nlabels][o++] = *s;
                }
            }
            l->nlabels++;
            s++;
            if (*s == ',')
                s++;
            else if (*s != '}')
                return -1;
        }
        s++;
    }
    if (*s != ' ')
        return -1;
    errno = 0;
    l->v = strtod(s + 1, &end);
    return errno == 0 && end != s + 1 && (*end == '\0' || *end == '\n') ? 1 : -1;
}

static const char *
show_label(const struct show_line *l, const char *key)
{
    int i;

    for (i = 0; i < l->nlabels; i++)
        if (strcmp(l->key[i], key) == 0)
            return l->value[i];
    return "";
}

/* A label value with its control bytes and DEL as \xNN, as a log line shows them, so that a
 * rules path with a newline or an escape sequence cannot break a line of the output or reach
 * the terminal. Bytes that are not valid UTF-8 and the bidi controls (U+202A-202E,
 * U+2066-2069, which would turn the rest of the line around) are shown as \xNN per byte too.
 * The daemon writes control and non-UTF-8 bytes into the file as that text already (stats.c),
 * so both show the same; other bytes, the backslash too, are shown as they are. */
struct show_vis {
    char b[SHOW_LABELS][4 * STATS_LABELS_MAX + 4]; /* each byte at most \xNN */
};

static const char *
show_vis(struct show_vis *v, int i, const char *value)
{
    char *o = v->b[i];

    for (; *value; value++) {
        unsigned char c = (unsigned char)*value;
        int n = 1, k;
        if (c >= 0x80) {
            ucs4_t u = 0;
            n = u8_mblen((const uint8_t *)value, strnlen(value, 4));
            if (n >= 1)
                u8_mbtouc(&u, (const uint8_t *)value, (size_t)n);
            if (n >= 1 && !((u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069))) {
                memcpy(o, value, (size_t)n);
                o += n;
                value += n - 1;
                continue;
            }
            for (k = 0; k < (n < 1 ? 1 : n); k++)
                o += snprintf(o, 5, "\\x%02x", (unsigned char)value[k]);
            value += (n < 1 ? 1 : n) - 1;
        } else if (c < 0x20 || c == 0x7f)
            o += snprintf(o, 5, "\\x%02x", c);
        else
            *o++ = (char)c;
    }
    *o = '\0';
    return v->b[i];
}

static struct show_listener *
show_row(struct show_listener *rows, size_t *n, const char *name)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    if (*n == SHOW_LISTENERS)
        return &rows[SHOW_LISTENERS]; /* "(others)" */
    util_strlcpy(rows[*n].name, name, sizeof(rows[*n].name));
    return &rows[(*n)++];
}

int
stats_show(const char *path, FILE *out, char *err, size_t errlen)
{
    struct show_listener *rows = calloc(SHOW_LISTENERS + 1, sizeof(*rows));
    struct show_line *l = malloc(sizeof(*l));
    struct show_vis *vis = malloc(sizeof(*vis));
    char *buf = malloc(STATS_LINE_MAX + 2);
    double reloads = 0, refused = 0, internal = 0, lookups = 0, lookup_sum = 0, failures = 0;
    double dropped = 0;
    struct show_geoip geo[2] = {{0}};
    static const char *const geo_kind[2] = {"country", "asn"};
    size_t nrows = 0, i, lineno = 0;
    int rc = -1, r;
    FILE *f = NULL, *dec = NULL;
    struct stat st;
    int fd;
    char *decbuf = NULL;
    size_t declen = 0;

    if (rows == NULL || l == NULL || buf == NULL || vis == NULL) {
        util_errf(err, errlen, "out of memory");
        goto done;
    }
    util_strlcpy(rows[SHOW_LISTENERS].name, "(others)", sizeof(rows[0].name));
    /* O_NONBLOCK: a FIFO (or a device) at the path must not block the open; only a regular
     * file is the daemon's textfile */
    if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
        util_errf(err, errlen, "cannot read %s: %s (is relaywarden running with -m %s?)",
                  UTIL_ERRPATH(path), strerror(errno), UTIL_ERRPATH(path));
        goto done;
    }
    if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        util_errf(err, errlen,
                  "cannot read %s: not a regular file (the metrics file relaywarden "
                  "-m writes is one)",
                  UTIL_ERRPATH(path));
        close(fd);
        goto done;
    }
    if ((f = fdopen(fd, "r")) == NULL) {
        util_errf(err, errlen, "cannot read %s: %s", UTIL_ERRPATH(path), strerror(errno));
        close(fd);
        goto done;
    }
    if ((dec = open_memstream(&decbuf, &declen)) == NULL) {
        util_errf(err, errlen, "out of memory");
        goto done;
    }
    while (fgets(buf, STATS_LINE_MAX + 2, f) != NULL) {
        size_t len = strlen(buf);
        lineno++;
        if (len > 0 && buf[len - 1] == '\n')
            buf[--len] = '\0';
        else if (!feof(f)) {
            util_errf(err, errlen, "%s:%zu: line too long (more than %d bytes)", UTIL_ERRPATH(path),
                      lineno, STATS_LINE_MAX);
            goto done;
        }
        if ((r = show_parse(buf, l)) == 0)
            continue;
        if (r == -1) {
            util_errf(err, errlen, "%s:%zu: not a metrics line", UTIL_ERRPATH(path), lineno);
            goto done;
        }
        if (strcmp(l->name, "relaywarden_connections_total") == 0)
            show_row(rows, &nrows, show_label(l, "listener"))->conn += (unsigned long long)l->v;
        else if (strcmp(l->name, "relaywarden_messages_total") == 0)
            show_row(rows, &nrows, show_label(l, "listener"))->msgs += (unsigned long long)l->v;
        else if (strcmp(l->name, "relaywarden_body_bytes_total") == 0)
            show_row(rows, &nrows, show_label(l, "listener"))->bytes += (unsigned long long)l->v;
        else if (strcmp(l->name, "relaywarden_recipients_total") == 0) {
            struct show_listener *row = show_row(rows, &nrows, show_label(l, "listener"));
            if (strcmp(show_label(l, "result"), "refused") == 0)
                row->refused += (unsigned long long)l->v;
            else
                row->ok += (unsigned long long)l->v;
        } else if (strcmp(l->name, "relaywarden_decisions_total") == 0)
            fprintf(
                dec, "  %-12s %-18s %s%s%s: %.0f\n", show_vis(vis, 0, show_label(l, "listener")),
                show_vis(vis, 1, show_label(l, "action")), show_vis(vis, 2, show_label(l, "rule")),
                show_label(l, "name")[0] ? " " : "", show_vis(vis, 3, show_label(l, "name")), l->v);
        else if (strcmp(l->name, "relaywarden_rdns_verdicts_total") == 0)
            fprintf(dec, "  rdns %s on %s: %.0f\n", show_vis(vis, 0, show_label(l, "verdict")),
                    show_vis(vis, 1, show_label(l, "listener")), l->v);
        else if (strcmp(l->name, "relaywarden_reloads_total") == 0)
            reloads = l->v;
        else if (strcmp(l->name, "relaywarden_reload_failures_total") == 0)
            refused = l->v;
        else if (strcmp(l->name, "relaywarden_internal_errors_total") == 0)
            internal = l->v;
        else if (strcmp(l->name, "relaywarden_rdns_lookup_failures_total") == 0)
            failures = l->v;
        else if (strcmp(l->name, "relaywarden_rdns_lookup_seconds_count") == 0)
            lookups = l->v;
        else if (strcmp(l->name, "relaywarden_rdns_lookup_seconds_sum") == 0)
            lookup_sum = l->v;
        else if (strcmp(l->name, "relaywarden_stats_series_dropped_total") == 0)
            dropped = l->v;
        else if (strcmp(l->name, "relaywarden_geoip_lookups_total") == 0 ||
                 strcmp(l->name, "relaywarden_geoip_reopens_total") == 0) {
            const char *db = show_label(l, "database"), *res = show_label(l, "result");
            int k = strcmp(db, "country") == 0 ? 0 : strcmp(db, "asn") == 0 ? 1 : -1;
            if (k < 0)
                continue;
            geo[k].seen = 1;
            if (strcmp(l->name, "relaywarden_geoip_lookups_total") == 0)
                *(strcmp(res, "found") == 0     ? &geo[k].found
                  : strcmp(res, "unknown") == 0 ? &geo[k].unknown
                                                : &geo[k].error) += l->v;
            else
                *(strcmp(res, "ok") == 0 ? &geo[k].reopened : &geo[k].failed) += l->v;
        }
    }
    fclose(dec);
    dec = NULL;
    fprintf(out, "volume per listener\n  %-12s %12s %10s %11s %8s %14s\n", "listener",
            "connections", "messages", "recipients", "refused", "body bytes");
    for (i = 0; i <= SHOW_LISTENERS; i++)
        if (i < nrows ||
            (i == SHOW_LISTENERS &&
             rows[i].conn + rows[i].msgs + rows[i].bytes + rows[i].ok + rows[i].refused > 0))
            fprintf(out, "  %-12s %12llu %10llu %11llu %8llu %14llu\n",
                    i == SHOW_LISTENERS ? rows[i].name : show_vis(vis, 0, rows[i].name),
                    rows[i].conn, rows[i].msgs, rows[i].ok, rows[i].refused, rows[i].bytes);
    fprintf(out, "\ndecisions (listener, action, rule and name: count) and rDNS verdicts\n%s",
            decbuf ? decbuf : "");
    fprintf(out, "\nrdns lookups of our own: %.0f (%.0f failed)", lookups, failures);
    if (lookups > 0)
        fprintf(out, ", %.1f ms on average", lookup_sum * 1000.0 / lookups);
    for (i = 0; i < 2; i++)
        if (geo[i].seen)
            fprintf(out,
                    "\ngeoip %s lookups: %.0f found, %.0f unknown, %.0f errors; reopened %.0f, "
                    "%.0f failed",
                    geo_kind[i], geo[i].found, geo[i].unknown, geo[i].error, geo[i].reopened,
                    geo[i].failed);
    fprintf(out, "\nreloads: %.0f, refused: %.0f; internal errors: %.0f", reloads, refused,
            internal);
    if (dropped > 0)
        fprintf(out, "; counts not kept (series table full): %.0f", dropped);
    fprintf(out, "\n");
    rc = 0;
done:
    if (dec != NULL)
        fclose(dec);
    free(decbuf);
    if (f != NULL)
        fclose(f);
    free(rows);
    free(l);
    free(vis);
    free(buf);
    return rc;
}

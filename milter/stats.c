/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats.c - the counters, their Prometheus exposition and the textfile writer. A series is a
 * metric family and a label set; its slot in an open-addressing table is claimed once with a
 * compare-and-swap and never freed, and its value grows by relaxed atomic adds, so counting
 * takes no lock and never waits on a reader or on the writer thread.
 */
#include "stats.h"
#include "ownfile.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <unistr.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum stats_family {
    SF_CONNECTIONS,
    SF_MESSAGES,
    SF_RECIPIENTS,
    SF_BYTES,
    SF_DECISIONS,
    SF_RDNS,
    SF_LOOKUP_FAILURES,
    SF_RELOADS,
    SF_RELOAD_FAILURES,
    SF_INTERNAL,
    /* limits (rate limits) */
    SF_LIMIT_HITS,
    SF_LIMIT_OVERFLOW,
    SF_LIMIT_REDIS,
    /* geoip */
    SF_GEOIP_LOOKUPS,
    SF_GEOIP_REOPENS,
    SF_COUNT
};

/* One row per family: the exposition writes HELP and TYPE from it, the man page lists it. */
static const struct {
    const char *name;
    const char *help;
} stats_families[SF_COUNT] = {
    [SF_CONNECTIONS] = {"relaywarden_connections_total",
                        "SMTP connections per listener (listener=\"-\": none matched)"},
    [SF_MESSAGES] = {"relaywarden_messages_total",
                     "Messages that reached end of data, per listener"},
    [SF_RECIPIENTS] = {"relaywarden_recipients_total",
                       "Recipients per listener, accepted or refused at RCPT"},
    [SF_BYTES] = {"relaywarden_body_bytes_total", "Message body bytes per listener"},
    [SF_DECISIONS] = {"relaywarden_decisions_total",
                      "Decisions per listener, action and rule (file:line and the rule's name)"},
    [SF_RDNS] = {"relaywarden_rdns_verdicts_total", "The clients' rDNS verdicts per listener"},
    [SF_LOOKUP_FAILURES] = {"relaywarden_rdns_lookup_failures_total",
                            "relaywarden's own rDNS lookups that failed or timed out"},
    [SF_RELOADS] = {"relaywarden_reloads_total", "Rules reloads that took effect"},
    [SF_RELOAD_FAILURES] = {"relaywarden_reload_failures_total",
                            "Rules reloads refused (errors, or audit warnings under -W)"},
    [SF_INTERNAL] = {"relaywarden_internal_errors_total",
                     "Internal errors: lookups a rule needed, memory, no listener, edits refused"},
    /* limits (rate limits) */
    [SF_LIMIT_HITS] = {"relaywarden_limit_hits_total",
                       "Messages or recipients over a rate limit, per limit and counter "
                       "(local, redis, fallback, overflow)"},
    [SF_LIMIT_OVERFLOW] = {"relaywarden_limit_overflow_total",
                           "Keys counted in a limit's shared overflow counter: the in-memory "
                           "table was full"},
    [SF_LIMIT_REDIS] = {"relaywarden_limit_redis_total",
                        "Redis trouble of the rate limits: outage errors, error replies for one key "
                        "(reply-error), decisions counted locally (fallback) or tempfailed"},
    /* geoip */
    [SF_GEOIP_LOOKUPS] = {"relaywarden_geoip_lookups_total",
                          "GeoIP lookups per database kind and result: found, unknown (not in "
                          "the database) or error (undecidable)"},
    [SF_GEOIP_REOPENS] = {"relaywarden_geoip_reopens_total",
                          "GeoIP databases reopened by a reload, per database kind: ok or "
                          "failed (the old rules and databases stay in force)"},
};

/* The lookup latency histogram's upper bounds, in milliseconds: from a cached resolver's
 * answer (1 ms) to the longest timeout the rules allow (RULES_RDNS_TIMEOUT_MS). */
static const long long stats_buckets_ms[] = {1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};
#define STATS_NBUCKETS (sizeof(stats_buckets_ms) / sizeof(stats_buckets_ms[0]))

struct stats_series {
    int family;
    atomic_ullong value;
    char labels[STATS_LABELS_MAX];
};

/* Twice the series kept, a power of two: probes stay short in a table at most half full. */
#define STATS_SLOTS 8192
/* The metrics path in an error: as much of it as log_arg shows of a command-line string
 * (milter/log.h), escaped: every byte may become \xNN, then "..." and the NUL. */
#define STATS_PATH_SHOWN 256
#define STATS_PATH_ESC (STATS_PATH_SHOWN * 4 + 4)

static _Atomic(struct stats_series *) stats_slots[STATS_SLOTS];
static atomic_uint stats_nseries;
static atomic_ullong stats_dropped;
static atomic_ullong stats_lookup_buckets[STATS_NBUCKETS + 1];
static atomic_ullong stats_lookup_us, stats_lookup_count;

static pthread_t stats_thread;
static pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stats_cv = PTHREAD_COND_INITIALIZER;
static int stats_running, stats_stop;
static const char *stats_path;
static int stats_interval;

static unsigned
stats_hash(int family, const char *labels)
{
    unsigned h = 2166136261u ^ (unsigned)family;

    for (; *labels; labels++)
        h = (h ^ (unsigned char)*labels) * 16777619u;
    return h;
}

/* The series of family with these labels, created on first use; NULL when it cannot be kept. */
static struct stats_series *
stats_series(int family, const char *labels)
{
    unsigned i = stats_hash(family, labels) & (STATS_SLOTS - 1), n;
    struct stats_series *s, *fresh = NULL;

    for (n = 0; n < STATS_SLOTS; n++, i = (i + 1) & (STATS_SLOTS - 1)) {
        s = atomic_load_explicit(&stats_slots[i], memory_order_acquire);
        if (s == NULL) {
            if (atomic_fetch_add(&stats_nseries, 1) >= STATS_MAX_SERIES) {
                atomic_fetch_sub(&stats_nseries, 1);
                break;
            }
            if (fresh == NULL && (fresh = calloc(1, sizeof(*fresh))) == NULL) {
                atomic_fetch_sub(&stats_nseries, 1);
                break;
            }
            fresh->family = family;
            util_strlcpy(fresh->labels, labels, sizeof(fresh->labels));
            if (atomic_compare_exchange_strong(&stats_slots[i], &s, fresh))
                return fresh;
            atomic_fetch_sub(&stats_nseries, 1); /* another thread took the slot: look at it */
        }
        if (s->family == family && strcmp(s->labels, labels) == 0) {
            free(fresh);
            return s;
        }
    }
    free(fresh);
    return NULL;
}

/* Appends key="value" (escaped as the text format wants) to buf. 0, or -1 when it is full.
 * The text format escapes only \\, \" and \n; any other control byte (ESC, BEL, CR from a
 * rules path) is written as the text \xNN - an escaped backslash and "xNN", as a log line
 * shows it - so that no raw control byte reaches the file, or a terminal that shows it. A byte
 * that is not part of valid UTF-8 (a Latin-1 directory name) is written the same way: the
 * format is UTF-8, and promtool and node_exporter reject a file with one raw. */
static int
stats_label(char *buf, size_t len, size_t *used, const char *key, const char *value)
{
    size_t o = *used, kl = strlen(key);

    if (o + kl + 5 > len) /* ',' key '="' and room for the closing quote and the NUL */
        return -1;
    if (o > 0)
        buf[o++] = ',';
    memcpy(buf + o, key, kl);
    o += kl;
    buf[o++] = '=';
    buf[o++] = '"';
    for (; *value; value++) {
        char c = *value;
        int esc = c == '\\' || c == '"' || c == '\n';
        int ctl = !esc && ((unsigned char)c < 0x20 || c == 0x7f);
        int u8 = 1; /* bytes of one valid UTF-8 character starting here */
        if ((unsigned char)c >= 0x80 &&
            (u8 = u8_mblen((const uint8_t *)value, strnlen(value, 4))) < 1) {
            ctl = 1;
            u8 = 1;
        }
        if (o + (esc ? 2 : ctl ? 5 : (size_t)u8) + 2 > len) /* as written, the quote, the NUL */
            return -1;
        if (u8 > 1) {
            memcpy(buf + o, value, (size_t)u8);
            o += (size_t)u8;
            value += u8 - 1;
            continue;
        }
        if (ctl) {
            snprintf(buf + o, len - o, "\\\\x%02x", (unsigned char)c);
            o += 5;
            continue;
        }
        if (esc) {
            buf[o++] = '\\';
            c = c == '\n' ? 'n' : c;
        }
        buf[o++] = c;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    *used = o;
    return 0;
}

static void
stats_add(int family, const char *labels, unsigned long long n)
{
    struct stats_series *s = stats_series(family, labels);

    if (s == NULL)
        atomic_fetch_add_explicit(&stats_dropped, 1, memory_order_relaxed);
    else
        atomic_fetch_add_explicit(&s->value, n, memory_order_relaxed);
}

/* family{k1="v1",k2="v2",...} += n; the label pairs end with a NULL key. */
static void
stats_count(int family, unsigned long long n, const char *k1, const char *v1, const char *k2,
            const char *v2, const char *k3, const char *v3, const char *k4, const char *v4)
{
    char labels[STATS_LABELS_MAX];
    const char *kv[] = {k1, v1, k2, v2, k3, v3, k4, v4};
    size_t used = 0, i;

    labels[0] = '\0';
    for (i = 0; i < 8 && kv[i] != NULL; i += 2)
        if (stats_label(labels, sizeof(labels), &used, kv[i], kv[i + 1]) == -1) {
            atomic_fetch_add_explicit(&stats_dropped, 1, memory_order_relaxed);
            return;
        }
    stats_add(family, labels, n);
}

int
stats_init(void)
{
    static const int fixed[] = {SF_LOOKUP_FAILURES, SF_RELOADS, SF_RELOAD_FAILURES, SF_INTERNAL};
    size_t i;

    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (stats_series(fixed[i], "") == NULL)
            return -1;
    return 0;
}

static const char *
stats_listener(const struct session *s)
{
    const struct listener *l = session_listener(s);

    return l != NULL ? l->name : "-";
}

/* "file:line" of a rule, without printf: this runs for every decision. 0, or -1 too long. */
static int
stats_rule_label(char *buf, size_t len, const struct rule *r)
{
    size_t fl = strlen(r->file), n = 0;
    char digits[12];
    unsigned line = r->line > 0 ? (unsigned)r->line : 0;

    do
        digits[n++] = (char)('0' + line % 10);
    while ((line /= 10) > 0 && n < sizeof(digits));
    if (fl + 1 + n + 1 > len)
        return -1;
    memcpy(buf, r->file, fl);
    buf[fl++] = ':';
    while (n > 0)
        buf[fl++] = digits[--n];
    buf[fl] = '\0';
    return 0;
}

void
stats_verdict(const struct session *s, const struct verdict *v, enum event ev)
{
    const char *ln = stats_listener(s);
    const struct rdns_result *rd;
    char rule[STATS_LABELS_MAX];
    size_t i;

    for (i = 0; i < v->nnotes; i++) {
        const struct rule *r = v->notes[i].rule;
        if (r != NULL && stats_rule_label(rule, sizeof(rule), r) == -1) {
            atomic_fetch_add_explicit(&stats_dropped, 1, memory_order_relaxed);
            continue;
        }
        stats_count(SF_DECISIONS, 1, "listener", ln, "action", v->notes[i].action, "rule",
                    r != NULL ? rule : "-", "name", r != NULL && r->name != NULL ? r->name : "");
    }
    if (v->errors > 0)
        stats_count(SF_INTERNAL, (unsigned long long)v->errors, NULL, NULL, NULL, NULL, NULL, NULL,
                    NULL, NULL);
    switch (ev) {
    case EV_CONNECT:
        stats_count(SF_CONNECTIONS, 1, "listener", ln, NULL, NULL, NULL, NULL, NULL, NULL);
        if ((rd = session_rdns(s)) != NULL)
            stats_count(SF_RDNS, 1, "listener", ln, "verdict", rdns_verdict_name(rd->verdict), NULL,
                        NULL, NULL, NULL);
        break;
    case EV_RCPT:
        stats_count(SF_RECIPIENTS, 1, "listener", ln, "result",
                    v->reply == REPLY_REJECT || v->reply == REPLY_TEMPFAIL ? "refused" : "accepted",
                    NULL, NULL, NULL, NULL);
        break;
    case EV_EOM:
        stats_count(SF_MESSAGES, 1, "listener", ln, NULL, NULL, NULL, NULL, NULL, NULL);
        break;
    default:
        break;
    }
}

void
stats_body(const struct session *s, size_t len)
{
    stats_count(SF_BYTES, len, "listener", stats_listener(s), NULL, NULL, NULL, NULL, NULL, NULL);
}

void
stats_internal_error(void)
{
    stats_count(SF_INTERNAL, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

void
stats_reload(int ok)
{
    stats_count(ok ? SF_RELOADS : SF_RELOAD_FAILURES, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                NULL);
}

void
stats_lookup(long long ms, int failed)
{
    size_t b;

    for (b = 0; b < STATS_NBUCKETS && ms > stats_buckets_ms[b]; b++)
        ;
    atomic_fetch_add_explicit(&stats_lookup_buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&stats_lookup_us, (unsigned long long)(ms < 0 ? 0 : ms) * 1000,
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&stats_lookup_count, 1, memory_order_relaxed);
    if (failed)
        stats_count(SF_LOOKUP_FAILURES, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

static int
stats_order(const void *x, const void *y)
{
    const struct stats_series *a = *(const struct stats_series *const *)x;
    const struct stats_series *b = *(const struct stats_series *const *)y;

    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    return strcmp(a->labels, b->labels);
}

int
stats_write(FILE *f)
{
    struct stats_series **all = malloc(STATS_SLOTS * sizeof(*all));
    unsigned long long cum = 0;
    size_t n = 0, i, b;
    int fam = -1;

    if (all == NULL)
        return -1;
    for (i = 0; i < STATS_SLOTS; i++)
        if ((all[n] = atomic_load_explicit(&stats_slots[i], memory_order_acquire)) != NULL)
            n++;
    qsort(all, n, sizeof(*all), stats_order);
    for (i = 0; i < n; i++) {
        if (all[i]->family != fam) {
            fam = all[i]->family;
            fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", stats_families[fam].name,
                    stats_families[fam].help, stats_families[fam].name);
        }
        fprintf(f, "%s%s%s%s %llu\n", stats_families[fam].name, all[i]->labels[0] ? "{" : "",
                all[i]->labels, all[i]->labels[0] ? "}" : "",
                atomic_load_explicit(&all[i]->value, memory_order_relaxed));
    }
    free(all);
    fprintf(f, "# HELP relaywarden_rdns_lookup_seconds Time relaywarden's own rDNS lookups took\n"
               "# TYPE relaywarden_rdns_lookup_seconds histogram\n");
    for (b = 0; b <= STATS_NBUCKETS; b++) {
        cum += atomic_load_explicit(&stats_lookup_buckets[b], memory_order_relaxed);
        if (b < STATS_NBUCKETS)
            fprintf(f, "relaywarden_rdns_lookup_seconds_bucket{le=\"%g\"} %llu\n",
                    (double)stats_buckets_ms[b] / 1000.0, cum);
        else
            fprintf(f, "relaywarden_rdns_lookup_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
    }
    /* the count is the +Inf bucket, so that a scrape between two adds stays consistent */
    fprintf(
        f, "relaywarden_rdns_lookup_seconds_sum %.6f\nrelaywarden_rdns_lookup_seconds_count %llu\n",
        (double)atomic_load_explicit(&stats_lookup_us, memory_order_relaxed) / 1e6, cum);
    fprintf(f,
            "# HELP relaywarden_stats_series_dropped_total Counts not kept: series table full "
            "or labels too long\n# TYPE relaywarden_stats_series_dropped_total counter\n"
            "relaywarden_stats_series_dropped_total %llu\n",
            atomic_load_explicit(&stats_dropped, memory_order_relaxed));
    return ferror(f) ? -1 : 0;
}

/* Writes the textfile through a temporary file and rename(): a reader sees the old file or the
 * new one, whole. 0, or -1 with errno set. */
static int
stats_write_file(const char *path)
{
    char tmp[4096];
    FILE *f;
    int fd, saved;

    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((fd = mkstemp(tmp)) == -1)
        return -1;
    if (fchmod(fd, 0644) == -1 || (f = fdopen(fd, "w")) == NULL) {
        saved = errno;
        close(fd);
        unlink(tmp);
        errno = saved;
        return -1;
    }
    if (stats_write(f) == -1 || fclose(f) != 0 || rename(tmp, path) == -1) {
        saved = errno ? errno : EIO;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}

int
stats_textfile_check(const char *path, const char *const *protect, size_t nprotect, char *err,
                     size_t errlen)
{
    char ep[STATS_PATH_ESC], first[sizeof(STATS_FILE_MAGIC)];
    struct stat st, pst;
    const char *why = NULL;
    size_t i;
    int fd, rc;

    util_escape(ep, sizeof(ep), path, STATS_PATH_SHOWN);
    /* a regular file of one link, not a symbolic link, opened without waiting on a FIFO */
    if ((rc = ownfile_open(path, O_RDONLY, &fd, &st, &why)) == 1)
        return 0;
    if (rc == -1 && why == NULL) {
        util_errf(err, errlen, "cannot check metrics file %s: %s", ep, strerror(errno));
        return -1;
    }
    for (i = 0; i < nprotect; i++)
        if (protect[i] != NULL && stat(protect[i], &pst) == 0 && pst.st_dev == st.st_dev &&
            pst.st_ino == st.st_ino) {
            why = i == 0 ? "is the rules file" : "is a file the rules include";
            break;
        }
    if (why == NULL && st.st_size > 0 &&
        (pread(fd, first, sizeof(first) - 1, 0) != (ssize_t)sizeof(first) - 1 ||
         memcmp(first, STATS_FILE_MAGIC, sizeof(first) - 1) != 0))
        why = "is not a relaywarden metrics file (its first line is not "
              "\"" STATS_FILE_MAGIC "...\")";
    if (fd != -1)
        close(fd);
    if (why == NULL)
        return 0;
    util_errf(err, errlen, "metrics file %s %s: not replacing it", ep, why);
    return -1;
}

static void *
stats_main(void *arg)
{
    struct timespec until;
    int stop;

    (void)arg;
    for (;;) {
        stats_write_file(stats_path);
        pthread_mutex_lock(&stats_mu);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += stats_interval;
        while (!stats_stop && pthread_cond_timedwait(&stats_cv, &stats_mu, &until) == 0)
            ;
        stop = stats_stop;
        pthread_mutex_unlock(&stats_mu);
        if (stop) {
            stats_write_file(stats_path);
            return NULL;
        }
    }
}

int
stats_textfile_start(const char *path, int interval, char *err, size_t errlen)
{
    sigset_t all, old;
    int rc;

    if (interval < 1 || interval > STATS_INTERVAL_MAX) {
        util_errf(err, errlen, "metrics interval %d is out of range (1-%d seconds)", interval,
                  STATS_INTERVAL_MAX);
        return -1;
    }
    stats_path = path;
    stats_interval = interval;
    if (stats_write_file(path) == -1) {
        char ep[STATS_PATH_ESC];
        int e = errno;

        util_errf(err, errlen, "cannot write metrics file %s: %s",
                  util_escape(ep, sizeof(ep), path, STATS_PATH_SHOWN), strerror(e));
        return -1;
    }
    /* The thread takes no signal: SIGHUP and SIGTERM belong to libmilter's signal thread,
     * and one delivered here would stop the daemon instead of reloading it. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rc = pthread_create(&stats_thread, NULL, stats_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        util_errf(err, errlen, "cannot start the metrics thread: %s", strerror(rc));
        return -1;
    }
    stats_running = 1;
    return 0;
}

void
stats_textfile_stop(void)
{
    if (!stats_running)
        return;
    pthread_mutex_lock(&stats_mu);
    stats_stop = 1;
    pthread_cond_signal(&stats_cv);
    pthread_mutex_unlock(&stats_mu);
    pthread_join(stats_thread, NULL);
    stats_running = 0;
}

/* limits (rate limits) */
void
stats_limit(const char *limit, const char *where, int over)
{
    if (over)
        stats_count(SF_LIMIT_HITS, 1, "limit", limit, "counter", where, NULL, NULL, NULL, NULL);
    if (strcmp(where, "overflow") == 0)
        stats_count(SF_LIMIT_OVERFLOW, 1, "limit", limit, NULL, NULL, NULL, NULL, NULL, NULL);
}

void
stats_limit_redis(const char *event)
{
    stats_count(SF_LIMIT_REDIS, 1, "event", event, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* geoip */
void
stats_geoip_lookup(const char *database, const char *result)
{
    stats_count(SF_GEOIP_LOOKUPS, 1, "database", database, "result", result, NULL, NULL, NULL,
                NULL);
}

void
stats_geoip_reopen(const char *database, int ok)
{
    stats_count(SF_GEOIP_REOPENS, 1, "database", database, "result", ok ? "ok" : "failed", NULL,
                NULL, NULL, NULL);
}

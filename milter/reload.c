/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reload.c - holds the current rules snapshot and reloads it on SIGHUP or SIGUSR1 (the signal
 * thread in signals.c calls reload_now; it runs in an ordinary thread, so it may parse, allocate
 * and log).
 */
#include "reload.h"
#include "audit.h"
#include "geoip_db.h" /* geoip */
#include "log.h"
#include "stats.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Room for every error the parser reports (RULES_MAX_REPORTED_ERRORS lines and a summary). */
#define RELOAD_ERRBUF (64 * 1024)

static pthread_mutex_t reload_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ruleset *reload_rs;
static const char *reload_path;
static char reload_path_esc[LOG_ARG_SIZE]; /* reload_path as the log shows it */
static int reload_strict; /* -W: the audit's warnings refuse the rules */

static void
reload_log_errors(const char *errs)
{
    const char *s = errs, *e;

    while (*s) {
        e = strchr(s, '\n');
        if (e == NULL)
            e = s + strlen(s);
        log_msg(LOG_ERR, "%.*s", (int)(e - s), s);
        s = *e ? e + 1 : e;
    }
}

void
reload_set_strict(int on)
{
    reload_strict = on;
}

/* The audit at every load: its warnings logged, and with -W the rules refused. 0 or -1. */
static int
reload_audit(struct ruleset *rs, char *err)
{
    int n = audit_ruleset(rs, err, RELOAD_ERRBUF);
    const char *s = err, *e;

    while (n != 0 && *s) {
        e = strchr(s, '\n');
        if (e == NULL)
            e = s + strlen(s);
        log_msg(reload_strict || n < 0 ? LOG_ERR : LOG_WARNING, "%.*s", (int)(e - s), s);
        s = *e ? e + 1 : e;
    }
    if (n < 0 || (n > 0 && reload_strict)) {
        if (n > 0)
            log_msg(LOG_ERR, "%s: %d audit warning%s, treated as errors (-W)", reload_path_esc, n,
                    n == 1 ? "" : "s");
        return -1;
    }
    return 0;
}

int
reload_init(const char *path)
{
    char *err = malloc(RELOAD_ERRBUF);

    reload_path = path;
    log_arg(reload_path_esc, path);
    if (err == NULL)
        return -1;
    reload_rs = rules_load(path, err, RELOAD_ERRBUF);
    if (reload_rs != NULL && geoip_db_open(reload_rs, err, RELOAD_ERRBUF) == -1) { /* geoip */
        rules_unref(reload_rs);
        reload_rs = NULL; /* err says why, logged below */
    }
    if (reload_rs == NULL)
        reload_log_errors(err);
    else if (reload_audit(reload_rs, err) == -1) {
        rules_unref(reload_rs);
        reload_rs = NULL;
    }
    free(err);
    return reload_rs ? 0 : -1;
}

int
reload_now(void)
{
    char *err = malloc(RELOAD_ERRBUF);
    struct ruleset *rs, *old;
    unsigned failed; /* geoip */
    size_t i;
    int rc;

    if (err == NULL) {
        log_msg(LOG_ERR, "reload of %s failed: out of memory; the old rules stay in force",
                reload_path_esc);
        stats_reload(0);
        return -1;
    }
    if ((rs = rules_load(reload_path, err, RELOAD_ERRBUF)) == NULL) {
        reload_log_errors(err);
        log_msg(LOG_ERR, "reload of %s failed: the old rules stay in force", reload_path_esc);
        stats_reload(0);
        free(err);
        return -1;
    }
    /* geoip: the new databases are opened before the swap; a file that cannot be opened
     * leaves the old rules and their databases in force */
    rc = geoip_db_open_kinds(rs, &failed, err, RELOAD_ERRBUF);
    for (i = 0; i < rs->geoip.ndbs; i++) {
        enum geoip_kind k = rs->geoip.dbs[i].kind;
        stats_geoip_reopen(geoip_kind_name(k), !(failed & (1u << k)));
    }
    if (rc == -1) {
        reload_log_errors(err);
        log_msg(LOG_ERR, "reload of %s failed: the old rules stay in force", reload_path_esc);
        stats_reload(0);
        rules_unref(rs);
        free(err);
        return -1;
    }
    if (reload_audit(rs, err) == -1) {
        log_msg(LOG_ERR, "reload of %s failed: the old rules stay in force", reload_path_esc);
        stats_reload(0);
        rules_unref(rs);
        free(err);
        return -1;
    }
    free(err);
    pthread_mutex_lock(&reload_mu);
    old = reload_rs;
    reload_rs = rs;
    pthread_mutex_unlock(&reload_mu);
    rules_unref(old);
    stats_reload(1);
    log_msg(LOG_NOTICE, "rules reloaded from %s: %zu rules", reload_path_esc, rules_count(rs));
    return 0;
}

struct ruleset *
reload_current(void)
{
    struct ruleset *rs;

    pthread_mutex_lock(&reload_mu);
    rs = reload_rs;
    if (rs != NULL)
        rules_ref(rs);
    pthread_mutex_unlock(&reload_mu);
    return rs;
}

void
reload_shutdown(void)
{
    pthread_mutex_lock(&reload_mu);
    rules_unref(reload_rs);
    reload_rs = NULL;
    pthread_mutex_unlock(&reload_mu);
}

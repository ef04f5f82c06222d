/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reload.c - holds the current rules snapshot and reloads it on SIGHUP or SIGUSR1 (the signal
 * thread in signals.c calls reload_now; it runs in an ordinary thread, so it may parse, allocate
 * and log).
 */
#include "reload.h"
#include "log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Room for every error the parser reports (RULES_MAX_REPORTED_ERRORS lines and a summary). */
#define RELOAD_ERRBUF (64 * 1024)

static pthread_mutex_t reload_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ruleset *reload_rs;
static const char *reload_path;

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

int
reload_init(const char *path)
{
    char *err = malloc(RELOAD_ERRBUF);

    reload_path = path;
    if (err == NULL)
        return -1;
    reload_rs = rules_load(path, err, RELOAD_ERRBUF);
    if (reload_rs == NULL)
        reload_log_errors(err);
    free(err);
    return reload_rs ? 0 : -1;
}

int
reload_now(void)
{
    char *err = malloc(RELOAD_ERRBUF);
    struct ruleset *rs, *old;

    if (err == NULL) {
        log_msg(LOG_ERR, "reload of %s failed: out of memory; the old rules stay in force",
                reload_path);
        return -1;
    }
    if ((rs = rules_load(reload_path, err, RELOAD_ERRBUF)) == NULL) {
        reload_log_errors(err);
        log_msg(LOG_ERR, "reload of %s failed: the old rules stay in force", reload_path);
        free(err);
        return -1;
    }
    free(err);
    pthread_mutex_lock(&reload_mu);
    old = reload_rs;
    reload_rs = rs;
    pthread_mutex_unlock(&reload_mu);
    rules_unref(old);
    log_msg(LOG_NOTICE, "rules reloaded from %s: %zu rules", reload_path, rules_count(rs));
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

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * limits.h - the counter store behind the rules' rate limits (policy/limit.h): the in-memory
 * table shared by every session of the process under one mutex, and Redis (hiredis) for a
 * fleet, with a small connection pool, bounded timeouts, and the fallback of limits redis.
 */
#ifndef RW_LIMITS_H
#define RW_LIMITS_H

#include "limit.h"
#include "rules.h"

/* Idle Redis connections kept for reuse: libmilter runs a thread per connection, and a few
 * cover the decisions in flight at once on a loaded relay; a burst past it connects anew. */
#define LIMITS_REDIS_POOL 8
/* Backoff between attempts while Redis is down: from the first to the longest, doubling.
 * Decisions in between count locally at once instead of each waiting for a timeout. */
#define LIMITS_BACKOFF_MIN_MS 500
#define LIMITS_BACKOFF_MAX_MS 30000
/* A key Redis answers with an error (WRONGTYPE: a key of the wrong type) is logged once per
 * interval, and this many such keys are remembered: a minute keeps a busy key from flooding
 * the log yet shows a lasting mistake; 64 keys are more than an admin's typos, and past them
 * a key is logged again sooner, never lost. */
#define LIMITS_REPLY_ERR_INTERVAL_MS 60000
#define LIMITS_REPLY_ERR_KEYS 64

/* limits_init - once, before threads: the table's secret seed. 0, or -1 with why. */
int limits_init(char *err, size_t errlen);
/* limits_store - the store of the daemon: Redis when the rules name one, else (and while
 * Redis is down under on-failure local) the in-memory table. Valid until limits_shutdown. */
const struct limit_store *limits_store(void);
/* limits_store_local - in memory only, never Redis: for relaywarden -t. */
const struct limit_store *limits_store_local(void);
/* limits_trial_used - for relaywarden -t --limit-used NAME=N: the trial's key has already
 * used N (at most the limit) in the window of limit NAME, counted before its first decision.
 * 0, or -1 past LIMIT_DEFS_MAX names or for a name too long. */
int limits_trial_used(const char *name, unsigned long long n);
/* limits_trial_check - every --limit-used names a limit of rs: 0, or -1 after saying which
 * does not on stderr. */
int limits_trial_check(const struct ruleset *rs);
/* limits_shutdown - closes Redis connections and frees the tables. */
void limits_shutdown(void);

#endif

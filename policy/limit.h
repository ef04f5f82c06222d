/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * limit.h - rate limits: the declarations of the rules (limit NAME recipients 200 per 10m by
 * login), the `limit <NAME>` condition, and the in-memory sliding-window table the daemon and
 * the trial count in. The table is pure code without locks: the caller serialises (milter/).
 */
#ifndef RW_LIMIT_H
#define RW_LIMIT_H

#include <stddef.h>

struct cond;
struct facts;
struct rule;

/* The window is counted in this many sub-buckets: an event counts for at least the window and
 * less than the window plus one bucket (1/10 of it), never less, so no window of the declared
 * length ever lets more than the limit through. Ten keeps an entry small (LIMIT_BUCKETS + 1
 * counters) and the overshoot at a tenth. */
#define LIMIT_BUCKETS 10
/* Shortest and longest window: a bucket of 100 ms is what a clock and a Redis round trip
 * resolve; past a week the counts are a quota, not a rate. */
#define LIMIT_WINDOW_MIN_MS 1000LL
#define LIMIT_WINDOW_MAX_MS (7LL * 24 * 3600 * 1000)
/* Largest limit: counters are 32 bits per bucket and a real rate never comes near. */
#define LIMIT_COUNT_MAX 1000000ULL
/* Longest key (a login, an address): past it the key is "too long" and the condition cannot
 * be decided (on-error applies). Addresses are at most 256 + 1 + 255 bytes; a SASL login
 * four times that long is an attack, not a user. */
#define LIMIT_KEY_MAX 1024
/* Limits declared in one ruleset: each is a counter family; an admin needs a handful. */
#define LIMIT_DEFS_MAX 64
/* Keys each limit's in-memory table holds by default and at most/least (limits memory N, per
 * limit): 100,000 logins or clients active in one window is a large site; an entry is about
 * 80 bytes and the table keeps a third free for short probes, so the default costs about
 * 10 MiB per limit that counts in memory. */
#define LIMIT_KEYS_DEFAULT 100000
#define LIMIT_KEYS_MIN 16
#define LIMIT_KEYS_MAX 10000000
/* Redis command and connect timeout, by default and at most: a limit is asked per message or
 * recipient while the client waits, and the fallback must come long before an SMTP timeout. */
#define LIMIT_REDIS_TIMEOUT_DEFAULT_MS 50
#define LIMIT_REDIS_TIMEOUT_MAX_MS 5000
/* Longest Redis key prefix: room for a site and an environment name. */
#define LIMIT_PREFIX_MAX 64

enum limit_count { LIMIT_MESSAGES, LIMIT_RECIPIENTS };
enum limit_by { LIMIT_BY_LOGIN, LIMIT_BY_CLIENT, LIMIT_BY_SENDER };
enum limit_failure { LIMIT_FAIL_LOCAL, LIMIT_FAIL_TEMPFAIL };

/* The ruleset's `limits` statements: where the counters live. */
struct limit_conf {
    unsigned max_keys; /* each limit's in-memory table size (limits memory N) */
    char redis[128];   /* "host:port", "[v6]:port", "" for in-memory counters only */
    int timeout_ms;    /* deadline of connect, command and whole reply */
    enum limit_failure on_failure;
    char prefix[LIMIT_PREFIX_MAX + 1]; /* of every Redis key */
    const char *redis_file;            /* where the redis statement is, to refuse a second one */
    int redis_line;
    const char *keys_file; /* where the memory statement is, likewise */
    int keys_line;
};

struct limit_def {
    char *name;
    enum limit_count count;
    unsigned long long max; /* the limit: the max-th counts, the one after is over */
    long long window_ms;
    enum limit_by by;
    int prefix4, prefix6; /* by client: the network counted together (32 and 128: one address) */
    const char *file;
    int line;
};

/* What the store answered for one take. */
struct limit_answer {
    int over;                 /* 1: this one would pass the limit (not counted) */
    unsigned long long count; /* in the window, this one included when counted */
    const char *where;        /* "local", "redis", "fallback" (local while Redis is down),
                                 "overflow" (the limit's table is full: its shared counter,
                                 count is that counter's, not the key's) */
    unsigned table_keys;      /* with "overflow": the size of the full table */
};

/* One question to the store: count n more for key under def, unless that passes the limit. */
struct limit_req {
    const struct limit_def *def;
    const struct limit_conf *conf;
    const char *key; /* "name\0" is not in it: the store prefixes the limit itself */
    size_t keylen;
    unsigned n;
};

/* The counters, injected through env.h. take returns 0 with a filled, or -1 with why when
 * the count could not be made (Redis down under on-failure tempfail, memory). */
struct limit_store {
    void *ctx;
    int (*take)(void *ctx, const struct limit_req *rq, struct limit_answer *a, char *why,
                size_t whylen);
};

/* What the limit condition of the rule being decided saw, for the decision line. */
struct limit_seen {
    const struct limit_def *def;
    struct limit_answer a;
    char key[LIMIT_KEY_MAX + 1];
    char why[160]; /* when the store failed: why */
};

/* limit_eval - the evaluator of the `limit` condition (cond.c's row): 1 when this message or
 * recipient would pass the limit (it is then not counted), 0 when it is within it (counted),
 * COND_NA when the key is missing (no login, no client address), -1 when the store failed or
 * the key is too long. */
int limit_eval(const struct cond *c, const struct facts *f);

/* limit_key - the key of def from the facts into buf: its length, 0 when there is none (no
 * login, no client, no sender), -1 when it is longer than LIMIT_KEY_MAX. */
int limit_key(const struct limit_def *def, const struct facts *f, char *buf, size_t len);

/* limit_detail - for the log: " (limit NAME: 201 > 200 recipients per 10m, login=KEY, local)"
 * appended to reason when the rule r has a limit condition that was evaluated. */
void limit_detail(const struct rule *r, const struct facts *f, char *reason, size_t len);

/* limit_default_reply - the reply text of a limit rule that names none, into buf: klass is
 * the action's reply class (4: "4.7.1 ... try again later", 5: "5.7.1 ..."). */
void limit_default_reply(const struct limit_def *def, int klass, char *buf, size_t len);

/* limit_window_text - "10m", "3s", "1500ms": the window as the admin would write it. */
const char *limit_window_text(long long ms, char *buf, size_t len);

/* limit_by_text - "login", "client/24/64", "sender". */
const char *limit_by_text(const struct limit_def *def, char *buf, size_t len);

void limit_def_free(struct limit_def *d);

/*
 * The in-memory tables: one per limit (struct limit_tables), so that keys of one limit (forged
 * inbound senders) can never fill the table of another (outbound logins). Each table holds
 * at most max_keys keys, each a 128-bit keyed hash (SHA-256 of a secret
 * seed, the limit and the key: a client cannot aim keys at one slot) and its buckets. Entries
 * expire once their last bucket is out of the window. When the table is full, no live entry
 * is evicted (a flood of new keys cannot reset a victim's count); a key that finds no room is
 * counted in one overflow counter per limit, shared by all such keys, with the same limit.
 */
struct limit_table;

/* limit_table_new - a table for max_keys keys (LIMIT_KEYS_MIN..LIMIT_KEYS_MAX); seed is 16
 * secret bytes. NULL when out of memory or max_keys is out of range. Free with
 * limit_table_free. */
struct limit_table *limit_table_new(unsigned max_keys, const unsigned char seed[16]);
void limit_table_free(struct limit_table *t);
unsigned limit_table_max_keys(const struct limit_table *t);
/* limit_table_live - keys held now (expired ones not yet swept included). */
unsigned limit_table_live(const struct limit_table *t);

/* limit_table_take - count n more for key under def at now_ms, unless that passes the limit:
 * fills a (where "local" or "overflow") and returns 0; -1 only for a hashing failure. */
int limit_table_take(struct limit_table *t, const struct limit_def *def, const char *key,
                     size_t keylen, unsigned n, long long now_ms, struct limit_answer *a);

/* One table per limit, made on its first take and found by the limit's identity (name, what
 * it counts, by what, window), at most LIMIT_TABLES_MAX of them; when a reload has brought
 * more identities than that, the table used longest ago is dropped (its counts restart). */
#define LIMIT_TABLES_MAX (2 * LIMIT_DEFS_MAX) /* the ruleset's limits and the previous one's */
struct limit_tables;

/* limit_tables_new - room for per-limit tables of max_keys keys each (LIMIT_KEYS_MIN..
 * LIMIT_KEYS_MAX; none is allocated yet). NULL when out of memory or out of range. Free with
 * limit_tables_free, which frees every table. */
struct limit_tables *limit_tables_new(unsigned max_keys, const unsigned char seed[16]);
void limit_tables_free(struct limit_tables *ts);
unsigned limit_tables_max_keys(const struct limit_tables *ts);
/* limit_tables_live - keys held now in def's table (0 when it has none yet). */
unsigned limit_tables_live(const struct limit_tables *ts, const struct limit_def *def);

/* limit_tables_take - limit_table_take in def's own table, made when missing: 0, or -1 when
 * out of memory for it or hashing failed. */
int limit_tables_take(struct limit_tables *ts, const struct limit_def *def, const char *key,
                      size_t keylen, unsigned n, long long now_ms, struct limit_answer *a);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_limit.c - libFuzzer target for the rate limits: the limit and limits statements of a
 * rules file (bytes up to the first NUL, then a fixed listener and policy asking limit <a>),
 * and the in-memory table driven by the rest as (time step, key length, key bytes) against a
 * reference model that keeps every event: until the table first fills, each answer (over or
 * not, the count) must equal the model's; always, the table holds at most its size, a counted
 * one is within the limit and a refused one past it. A second limit takes a new key on every
 * step (a flood of forged senders) in the same struct limit_tables: the first limit goes to
 * its overflow counter only when its own table is full.
 */
#include "limit.h"
#include "rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MODEL_KEYS 256
#define FUZZ_MODEL_EVENTS 4096

struct fuzz_event {
    int key;
    long long bucket;
};

static void
fuzz_rules(const uint8_t *data, size_t n)
{
    static const char tail[] = "\nlistener l default\npolicy l {\n    rcpt tempfail limit <a>\n}\n";
    char *text = malloc(n + sizeof(tail));
    char err[8192];
    struct ruleset *rs;

    if (text == NULL)
        return;
    memcpy(text, data, n);
    memcpy(text + n, tail, sizeof(tail));
    rs = rules_load_buffer("fuzz.rules", text, n + sizeof(tail) - 1, NULL, err, sizeof(err));
    if (rs != NULL) {
        for (size_t i = 0; i < rs->nlimits; i++) {
            const struct limit_def *d = rs->limits[i];
            if (d->max < 1 || d->max > LIMIT_COUNT_MAX || d->window_ms < LIMIT_WINDOW_MIN_MS ||
                d->window_ms > LIMIT_WINDOW_MAX_MS || d->window_ms % LIMIT_BUCKETS != 0)
                abort();
        }
        if (rs->limit_conf.max_keys < LIMIT_KEYS_MIN || rs->limit_conf.max_keys > LIMIT_KEYS_MAX)
            abort();
        rules_unref(rs);
    }
    free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char seed[16] = "fuzz-limit-seed";
    static char keys[FUZZ_MODEL_KEYS][64];
    static size_t keylen[FUZZ_MODEL_KEYS];
    static struct fuzz_event ev[FUZZ_MODEL_EVENTS];
    const uint8_t *nul = memchr(data, 0, size);
    struct limit_def d = {.name = "f", .count = LIMIT_RECIPIENTS, .by = LIMIT_BY_LOGIN};
    struct limit_def flood = {.name = "g",
                              .count = LIMIT_MESSAGES,
                              .by = LIMIT_BY_SENDER,
                              .max = 1,
                              .window_ms = 3600000};
    struct limit_tables *t;
    char fk[32];
    struct limit_answer a;
    size_t pos, nkeys = 0, nev = 0, i;
    long long now = 0, bw;
    int full = 0;

    fuzz_rules(data, nul ? (size_t)(nul - data) : size);
    if (nul == NULL || (size_t)(nul - data) + 3 > size)
        return 0;
    pos = (size_t)(nul - data) + 1;
    d.max = 1 + data[pos] % 8;
    d.window_ms = LIMIT_WINDOW_MIN_MS * (1 + data[pos + 1] % 4);
    bw = d.window_ms / LIMIT_BUCKETS;
    pos += 2;
    if ((t = limit_tables_new(LIMIT_KEYS_MIN, seed)) == NULL)
        abort();
    while (pos + 2 <= size && nev < FUZZ_MODEL_EVENTS) {
        size_t len = data[pos + 1] % 48, k;
        unsigned long long count = 0;
        now += (long long)data[pos] * 17; /* up to 4.3 s a step: windows pass */
        pos += 2;
        if (len > size - pos)
            len = size - pos;
        for (k = 0; k < nkeys; k++)
            if (keylen[k] == len && memcmp(keys[k], data + pos, len) == 0)
                break;
        if (k == nkeys) {
            if (nkeys == FUZZ_MODEL_KEYS)
                break;
            memcpy(keys[k], data + pos, len);
            keylen[k] = len;
            nkeys++;
        }
        snprintf(fk, sizeof(fk), "s%zu@forged.test", nev + pos);
        if (limit_tables_take(t, &flood, fk, strlen(fk), 1, now, &a) == -1)
            abort();
        if (limit_tables_take(t, &d, (const char *)data + pos, len, 1, now, &a) == -1)
            abort();
        pos += len;
        if (a.over != (a.count > d.max) || limit_tables_live(t, &d) > LIMIT_KEYS_MIN ||
            limit_tables_live(t, &flood) > LIMIT_KEYS_MIN)
            abort();
        if (strcmp(a.where, "overflow") == 0) {
            if (limit_tables_live(t, &d) != LIMIT_KEYS_MIN || a.table_keys != LIMIT_KEYS_MIN)
                abort(); /* only its own full table sends a key to its overflow */
            full = 1;
        }
        for (i = 0; i < nev; i++)
            if (ev[i].key == (int)k && ev[i].bucket >= now / bw - LIMIT_BUCKETS)
                count++;
        if (!full && (a.over != (count + 1 > d.max) || a.count != count + 1))
            abort();
        if (!a.over) {
            ev[nev].key = (int)k;
            ev[nev].bucket = now / bw;
            nev++;
        }
    }
    limit_tables_free(t);
    return 0;
}

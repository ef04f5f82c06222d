/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_hdraddr.c - libFuzzer target for the From:/Sender: parser and the normal form behind
 * it, which read what any sender writes. Inputs of any length go straight to hdraddr_parse
 * (no length limit there), so the buffers' own limits are exercised, and through hdraddr_add
 * when they fit HDR_VALUE_MAX. Invariants:
 *   - a refusal says why; never more than HDR_MAILBOXES_MAX mailboxes; hidden flags counted;
 *   - every mailbox has a domain and reads back through addr_parse to the same address;
 *   - the same input gives the same mailboxes twice (no stale or uninitialized state);
 *   - nothing is both owned and foreign: when the login "alice", who owns only @example.com,
 *     owns every author mailbox, none of them claims evil.test;
 *   - hdraddr_check (hygiene) says why it refuses, counts 1..HDR_MAILBOXES_MAX mailboxes, and
 *     for ASCII input answers the same with and without RFC 6532 UTF-8.
 */
#include "eval.h"
#include "hdraddr.h"
#include "rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct ruleset *fz_rules;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char text[] = "domains ours { example.com }\n"
                               "domains foreign { evil.test }\n"
                               "senders owners { alice @example.com }\n"
                               "listener l default\n"
                               "policy l {\n"
                               "    header accept auth from-owned-by <owners> header-from <foreign>\n"
                               "}\n";
    char path[] = "/tmp/rw-fuzz-hdraddr.XXXXXX", err[4096];
    int fd = mkstemp(path);

    if (fd < 0 || write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1))
        abort();
    close(fd);
    fz_rules = rules_load(path, err, sizeof(err));
    unlink(path);
    if (fz_rules == NULL) {
        fprintf(stderr, "%s", err);
        abort();
    }
    return 0;
}

static void
fz_check(const struct author *au)
{
    int i, hidden = 0;
    char err[128];

    if (au->nbox < 0 || au->nbox > HDR_MAILBOXES_MAX || au->nhidden > au->nbox)
        abort();
    for (i = 0; i < au->nbox; i++) {
        char text[ADDR_PATH_MAX * 2 + 8];
        struct addr b;
        hidden += au->hidden[i];
        if (au->box[i].domain[0] == '\0')
            abort();
        if (au->box[i].flags & (ADDR_F_QUOTED | ADDR_F_ROUTED))
            continue;
        snprintf(text, sizeof(text), "%s@%s", au->box[i].local, au->box[i].domain);
        if (addr_parse(text, ADDR_MAIL, &b, err, sizeof(err)) == -1 ||
            strcmp(b.domain, au->box[i].domain) != 0 || strcmp(b.local, au->box[i].local) != 0)
            abort();
    }
    if (hidden != au->nhidden)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct author au, again;
    const struct listener *l = rules_listener(fz_rules, NULL);
    struct facts s = {0};
    const char *why = NULL;
    const struct rule *r;
    char err[128], *z;
    size_t pos = 0;
    int rc;

    memset(&au, 0, sizeof(au));
    err[0] = '\0';
    rc = hdraddr_parse((const char *)data, size, &au, err, sizeof(err));
    if (rc == -1 && err[0] == '\0')
        abort();
    fz_check(&au);
    memset(&again, 0, sizeof(again));
    if (hdraddr_parse((const char *)data, size, &again, err, sizeof(err)) != rc ||
        again.nbox != au.nbox || memcmp(again.hidden, au.hidden, sizeof(au.hidden)) != 0)
        abort();
    for (int i = 0; i < au.nbox; i++)
        if (strcmp(au.box[i].local, again.box[i].local) != 0 ||
            strcmp(au.box[i].domain, again.box[i].domain) != 0)
            abort();

    /* hdraddr_check (outbound hygiene): an error always says why, and for ASCII input the
     * RFC 6532 mode answers as the RFC 5322 one does. */
    {
        int c0, c1;
        size_t k;
        err[0] = '\0';
        if ((c0 = hdraddr_check((const char *)data, size, 0, err, sizeof(err))) == -1 &&
            err[0] == '\0')
            abort();
        c1 = hdraddr_check((const char *)data, size, 1, err, sizeof(err));
        for (k = 0; k < size && data[k] < 0x80; k++)
            ;
        if (c0 == 0 || c1 == 0 || c0 > HDR_MAILBOXES_MAX || c1 > HDR_MAILBOXES_MAX ||
            (k == size && c0 != c1))
            abort();
    }

    /* Through hdraddr_add as the milter calls it, and the owned-and-foreign rule. */
    if (size <= HDR_VALUE_MAX + 1 && memchr(data, '\0', size) == NULL &&
        (z = malloc(size + 1)) != NULL) {
        memcpy(z, data, size);
        z[size] = '\0';
        memset(&au, 0, sizeof(au));
        hdraddr_add(&au, "From", z);
        if (au.broken != (size > HDR_VALUE_MAX || rc == -1) || (au.broken && au.why[0] == '\0'))
            abort();
        fz_check(&au);
        s.auth = "alice";
        s.author = &au;
        if (eval_next(l->policy, STAGE_HEADER, &s, &pos, &r, &why))
            abort(); /* owned by alice and claiming evil.test at once */
        free(z);
    }
    return 0;
}

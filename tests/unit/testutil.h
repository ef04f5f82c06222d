/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * testutil.h - helpers for the unit tests: write a rules text to a scratch file and load it.
 */
#ifndef RW_TESTUTIL_H
#define RW_TESTUTIL_H

#include "rules.h"

#ifdef RW_NO_CHECK
#error "the unit tests need the Check framework: apt-get install check, then run configure again"
#endif
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A scratch directory for the whole test program, removed by testutil_cleanup. */
static char testutil_dir[64];

static inline const char *
testutil_write(const char *name, const char *text)
{
    static char path[256];
    FILE *f;

    if (testutil_dir[0] == '\0') {
        strcpy(testutil_dir, "/tmp/rw-unit.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(testutil_dir));
    }
    snprintf(path, sizeof(path), "%s/%s", testutil_dir, name);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static inline void
testutil_cleanup(void)
{
    char cmd[128];

    if (testutil_dir[0] != '\0') {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", testutil_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", testutil_dir);
    }
}

/* Loads a rules text; fails the test with the parser's errors if it does not load. */
static inline struct ruleset *
testutil_load(const char *text)
{
    static char err[65536];
    struct ruleset *rs = rules_load(testutil_write("t.rules", text), err, sizeof(err));

    ck_assert_msg(rs != NULL, "rules did not load:\n%s", err);
    return rs;
}

static inline int
testutil_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    /* Made here, in the parent, so that forked test cases share it and it is removed once. */
    strcpy(testutil_dir, "/tmp/rw-unit.XXXXXX");
    if (mkdtemp(testutil_dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    testutil_cleanup();
    return failed ? 1 : 0;
}

#endif

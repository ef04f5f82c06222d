/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_ownfile.c - milter/ownfile.c, the one check before the pid file or the metrics file is
 * replaced: one row per kind of path, with the answer and the reason wanted.
 */
#include "ownfile.h"
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

enum { OK_NONE, OK_TEXT, OK_SYMLINK, OK_DANGLING, OK_FIFO, OK_DIR, OK_HARDLINK };

static const struct {
    const char *name;
    int kind;
    int want;        /* ownfile_open's return */
    const char *why; /* its reason, for -1 */
} rows[] = {
    {"absent", OK_NONE, 1, NULL},
    {"a regular file", OK_TEXT, 0, NULL},
    {"a symbolic link to a regular file", OK_SYMLINK, -1, OWNFILE_SYMLINK},
    {"a dangling symbolic link", OK_DANGLING, -1, OWNFILE_SYMLINK},
    {"a FIFO (never waited on)", OK_FIFO, -1, OWNFILE_NOT_REGULAR},
    {"a directory", OK_DIR, -1, OWNFILE_NOT_REGULAR},
    {"a file of two links", OK_HARDLINK, -1, OWNFILE_LINKS},
};

START_TEST(test_ownfile)
{
    char dir[] = "/tmp/rw-ownfile.XXXXXX", path[128], other[128], cmd[160];
    const char *why = "unset";
    struct stat st;
    FILE *f;
    int fd = -2, rc, flags;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/f", dir);
    snprintf(other, sizeof(other), "%s/other", dir);
    ck_assert_ptr_nonnull(f = fopen(other, "w"));
    fputs("12345\n", f);
    fclose(f);
    switch (rows[_i].kind) {
    case OK_TEXT:
        ck_assert_ptr_nonnull(f = fopen(path, "w"));
        fputs("6789\n", f);
        fclose(f);
        break;
    case OK_SYMLINK:
        ck_assert_int_eq(symlink(other, path), 0);
        break;
    case OK_DANGLING:
        ck_assert_int_eq(symlink("/nonexistent/x", path), 0);
        break;
    case OK_FIFO:
        ck_assert_int_eq(mkfifo(path, 0600), 0);
        break;
    case OK_DIR:
        ck_assert_int_eq(mkdir(path, 0700), 0);
        break;
    case OK_HARDLINK:
        ck_assert_int_eq(link(other, path), 0);
        break;
    default:
        break;
    }
    rc = ownfile_open(path, O_RDONLY, &fd, &st, &why);
    ck_assert_msg(rc == rows[_i].want, "%s: got %d (%s), want %d", rows[_i].name, rc,
                  why ? why : strerror(errno), rows[_i].want);
    if (rc == -1)
        ck_assert_msg(why != NULL && strcmp(why, rows[_i].why) == 0,
                      "%s: got why \"%s\", want \"%s\"", rows[_i].name, why ? why : "(null)",
                      rows[_i].why);
    else
        ck_assert_msg(why == NULL, "%s: got why \"%s\" with %d", rows[_i].name, why, rc);
    ck_assert_int_eq(fd >= 0, rc == 0);
    if (rc == 0) {
        ck_assert(S_ISREG(st.st_mode) && st.st_nlink == 1 && st.st_size == 5);
        flags = fcntl(fd, F_GETFD);
        ck_assert(flags != -1 && (flags & FD_CLOEXEC));
        close(fd);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Opened read-write when asked, and the file is the one checked. */
START_TEST(test_ownfile_rdwr)
{
    char dir[] = "/tmp/rw-ownfile.XXXXXX", path[128], cmd[160];
    const char *why = NULL;
    struct stat st, again;
    FILE *f;
    int fd;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/f.pid", dir);
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    fclose(f);
    ck_assert_int_eq(ownfile_open(path, O_RDWR, &fd, &st, &why), 0);
    ck_assert_int_eq(pwrite(fd, "42\n", 3, 0), 3);
    ck_assert_int_eq(stat(path, &again), 0);
    ck_assert(again.st_ino == st.st_ino && again.st_size == 3);
    close(fd);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("ownfile");
    TCase *tc = tcase_create("ownfile");

    tcase_add_loop_test(tc, test_ownfile, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    tcase_add_test(tc, test_ownfile_rdwr);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}

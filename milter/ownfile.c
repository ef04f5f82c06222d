/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ownfile.c - a file we may replace (see ownfile.h): lstat, then open without following a link
 * or blocking, then fstat, so that neither a link swapped in nor a FIFO nor a second name of
 * someone else's file gets written or truncated by the pid file or the metrics writer.
 */
#include "ownfile.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* Why st (of an existing path) is not a file we may replace, or NULL. */
static const char *
ownfile_kind(const struct stat *st)
{
    if (S_ISLNK(st->st_mode))
        return OWNFILE_SYMLINK;
    if (!S_ISREG(st->st_mode))
        return OWNFILE_NOT_REGULAR;
    if (st->st_nlink != 1)
        return OWNFILE_LINKS;
    return NULL;
}

int
ownfile_open(const char *path, int oflags, int *fd, struct stat *st, const char **why)
{
    struct stat fst;
    int f, e;

    *fd = -1;
    *why = NULL;
    if (lstat(path, st) == -1)
        return errno == ENOENT ? 1 : -1;
    if ((*why = ownfile_kind(st)) != NULL)
        return -1;
    /* O_NOFOLLOW: a link put there since the lstat; O_NONBLOCK: a FIFO put there would block */
    if ((f = open(path, oflags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) == -1) {
        if (errno == ELOOP)
            *why = OWNFILE_SYMLINK;
        return errno == ENOENT ? 1 : -1;
    }
    if (fstat(f, &fst) == -1) {
        e = errno;
        close(f);
        errno = e;
        return -1;
    }
    if ((*why = ownfile_kind(&fst)) == NULL &&
        (fst.st_dev != st->st_dev || fst.st_ino != st->st_ino))
        *why = OWNFILE_CHANGED;
    if (*why != NULL) {
        close(f);
        return -1;
    }
    *st = fst;
    *fd = f;
    return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ownfile.h - the one check for a file the daemon may replace or rewrite (the -P pid file, the
 * -m metrics file): an existing path is opened only when it is a regular file of one link, not
 * through a symbolic link, never waiting on a FIFO, and the file opened is the one checked.
 * What the file must hold (a pid, the metrics magic) the caller judges from the descriptor.
 */
#ifndef RW_OWNFILE_H
#define RW_OWNFILE_H

#include <stddef.h>
#include <sys/stat.h>

/* Why ownfile_open refused a path, as the callers' messages say it after the path. */
#define OWNFILE_SYMLINK "is a symbolic link"
#define OWNFILE_NOT_REGULAR "is not a regular file"
#define OWNFILE_LINKS "has several hard links"
#define OWNFILE_CHANGED "changed while it was checked"

/*
 * ownfile_open - path, existing, opened with oflags (O_RDONLY or O_RDWR; O_NOFOLLOW,
 * O_NONBLOCK and O_CLOEXEC are added) after lstat found a regular file of one link, and fstat
 * of the descriptor found the same file (device and inode) still regular and of one link.
 *   0   *fd is open (the caller owns and closes it), *st is the file's fstat
 *   1   path does not exist (ENOENT): nothing opened
 *  -1   refused: *why is one of the OWNFILE_* texts (static), *st the lstat of path; or the
 *       system said no (lstat, open or fstat failed): *why NULL, errno says why
 */
int ownfile_open(const char *path, int oflags, int *fd, struct stat *st, const char **why);

#endif

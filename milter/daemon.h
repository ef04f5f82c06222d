/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * daemon.h - the daemon's life outside the milter protocol: the locked pid file, detaching with
 * the parent waiting until the child is ready (or has failed), systemd's readiness messages, and
 * the unix socket's path (in use by another process? still ours to remove at stop?).
 * Every function that can fail writes its reason into (err, errlen) and returns -1.
 */
#ifndef RW_DAEMON_H
#define RW_DAEMON_H

#include <stddef.h>

/* daemon_absolute - path made absolute against the current directory (the daemon chdirs to /
 * and re-reads its files later). Returns a malloc'ed string the caller frees, or NULL. */
char *daemon_absolute(const char *path);

/* daemon_pidfile_lock - create path, or open an existing one that is a stale pid file of ours
 * (ownfile_open's regular file with one link, not a symbolic link, and empty or one line of a
 * pid; anything else is -1 and left untouched), and lock it (flock, kept across fork). A lock held by
 * another process means another instance runs: -1 with its pid in err. On success *fd is the
 * locked descriptor, owned by the caller until daemon_pidfile_remove. */
int daemon_pidfile_lock(const char *path, int *fd, char *err, size_t errlen);
/* daemon_pidfile_write - the current process id into the locked file. */
int daemon_pidfile_write(int fd, const char *path, char *err, size_t errlen);
/* daemon_pidfile_remove - unlink path; where the directory does not let us (privileges
 * dropped), empty the file instead. Closes fd (drops the lock). 0 if removed, -1 if emptied. */
int daemon_pidfile_remove(const char *path, int fd);

/* daemon_unix_path - the filesystem path of a unix: / local: milter socket, or NULL (inet). */
const char *daemon_unix_path(const char *conn);
/* daemon_socket_check - before binding: -1 when another process listens on the unix socket
 * (binding would take its socket over), when something that is not a socket is at its path
 * (never removed), or when an inet/inet6 port is not 1-65535; 0 when there is none or only a
 * stale socket. Strings from conn in err are escaped (log_arg). */
int daemon_socket_check(const char *conn, char *err, size_t errlen);
/* daemon_socket_diagnose - after libmilter failed to open conn: bind it once more ourselves
 * to learn why, and write that reason into err. */
void daemon_socket_diagnose(const char *conn, char *err, size_t errlen);
/* daemon_socket_remember - note the device and inode of the bound unix socket, so that stop
 * removes this socket and never one a later instance created at the same path. */
void daemon_socket_remember(const char *conn);
/* daemon_socket_remove - unlink the remembered socket if it is still ours; 0, or -1 if not. */
int daemon_socket_remove(void);

/* daemon_detach - fork; the parent waits until the child calls daemon_ready and exits 0, or
 * exits 1 when the child exits first (its reason is on the shared stderr). Returns 0 in the
 * child, -1 if fork failed. */
int daemon_detach(char *err, size_t errlen);
/* daemon_ready - tell the waiting parent (if detached) and systemd (if NOTIFY_SOCKET is set)
 * that the milter is ready; a detached child's stdin, stdout and stderr go to /dev/null. */
void daemon_ready(int detached);
/* daemon_notify - one sd_notify state line ("STOPPING=1"); nothing without NOTIFY_SOCKET. */
void daemon_notify(const char *state);
/* daemon_stderr_is_journal - stderr is systemd's journal stream (JOURNAL_STREAM), where a
 * copy of each syslog line would show twice. */
int daemon_stderr_is_journal(void);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Crash-safe file replacement, flock-based lock files and /proc/<pid>/stat parsing. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* rt_replace_file flags. */
enum {
    /*
     * fsync the file before the rename and the directory after it, so the new
     * content survives a power loss. Without it the replacement is still atomic
     * for readers and for a writer killed at any point (rename), which is all
     * that state describing live processes needs.
     */
    RT_REPLACE_DURABLE = 1 << 0,
};

/*
 * Replaces `path` (relative to `dirfd`, or AT_FDCWD) with `len` bytes of `data`
 * and permissions `mode` (exactly, not masked by the umask), so that a crash at
 * any point leaves either the old file or the new one, never a torn one: the
 * data goes to a new temp file in the same directory (O_EXCL) and is renamed
 * over `path`; `flags` (RT_REPLACE_*) add durability. On failure the temp file
 * is removed and the old file is untouched. Returns 0, or < 0 with `*err` set.
 */
int rt_replace_file(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
                    unsigned int flags, rt_error_t *err);

/* rt_replace_file with RT_REPLACE_DURABLE. */
int rt_write_file_atomic(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
                         rt_error_t *err);

/*
 * Opens (creating it 0600 if missing, never following a final symlink) the lock
 * file `path` and takes flock on it: exclusive or shared, waiting for it when
 * `blocking`. On success `*fd_out` is a new O_CLOEXEC descriptor owned by the
 * caller; closing it releases the lock. A non-blocking attempt on a held lock
 * fails with status EWOULDBLOCK. Returns 0, or < 0 with `*err` set.
 */
int rt_lock_file(const char *path, bool exclusive, bool blocking, int *fd_out, rt_error_t *err);

/*
 * Reads /proc/<pid>/stat and returns its state letter (field 3: 'R', 'S', 'Z',
 * ...) in `*state` and its start time in clock ticks since boot (field 22) in
 * `*start_time`; either may be NULL. The command name (field 2) may contain
 * spaces and parentheses: parsing starts after its last ')'. A pid that does not
 * exist fails with status ESRCH. Returns 0, or < 0 with `*err` set.
 */
int rt_process_stat(pid_t pid, char *state, unsigned long long *start_time, rt_error_t *err);

/* rt_process_stat() for the start time only. */
int rt_process_start_time(pid_t pid, unsigned long long *out, rt_error_t *err);

/*
 * Returns true when `pid` names a process that has not exited (a zombie counts
 * as exited) and, when `start_time` is non-zero, that started at that time, so
 * that a recycled pid is never mistaken for the process recorded earlier.
 */
bool rt_process_is_alive(pid_t pid, unsigned long long start_time);

/*
 * Removes `name` (relative to `parent`) and, when it is a directory, everything
 * below it, without following symlinks. A missing `name` is success, so an
 * interrupted removal can simply be run again. Returns 0, or < 0 with `*err` set.
 */
int rt_remove_tree_at(int parent, const char *name, rt_error_t *err);

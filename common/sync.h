/* SPDX-License-Identifier: Apache-2.0 */
/* The start-sync pipe: a child tells its parent it is ready, or why it failed. */
#pragma once

#include "common/error.h"

/*
 * Protocol (DESIGN.md section 1), child -> parent over a pipe:
 *   ready:   one byte RT_SYNC_READY.
 *   failure: RT_SYNC_ERROR, the errno as a little-endian i32, the message
 *            length as a little-endian u32, then the message (no NUL),
 *            after which the child exits.
 *   EOF before any byte: the child died without saying why.
 * The parent closes its copy of the write end before waiting, so that the
 * child's exit (or exec, the write end being close-on-exec) gives EOF.
 */
#define RT_SYNC_READY   'R'
#define RT_SYNC_ERROR   'E'
#define RT_SYNC_MAX_MSG 65536 /* longer messages are truncated */

/* Creates the pipe (both ends close-on-exec): fds[0] read end, fds[1] write end. */
int rt_sync_pipe(int fds[2], rt_error_t *err);

/*
 * Child: reports ready by writing one byte. Returns 0 or < 0 with *err. Does
 * not close `fd`. Only the failure path allocates (the error object).
 */
int rt_sync_ready(int fd, rt_error_t *err);

/*
 * Child: reports the failure `e` (its status and message; NULL gives a
 * generic message). Allocates nothing and only calls write(2), so it is safe
 * between fork and exec. Does not close `fd` (exiting will). Returns 0 or
 * -errno when the parent is gone (SIGPIPE is not blocked here).
 */
int rt_sync_fail(int fd, const rt_error_t e);

/* Like rt_sync_fail from a bare errno and message (for code that has no rt_error_t). */
int rt_sync_fail_errno(int fd, int errnum, const char *msg);

/*
 * Parent: waits up to `timeout_ms` (< 0: forever) on the read end `fd`.
 * Returns 0 when the child reported ready. Otherwise returns < 0 with *err
 * holding the child's own message and errno, "child exited before it was
 * ready" on a silent EOF, or ETIMEDOUT. Does not close `fd`.
 */
int rt_sync_wait(int fd, int timeout_ms, rt_error_t *err);

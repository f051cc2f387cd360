/* SPDX-License-Identifier: Apache-2.0 */
/* devpts and sentry terminals: /dev/ptmx pairs, /dev/pts/N, /dev/tty and the container console. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct task;
struct file;
struct kernel;
struct super_block;

/*
 * Creates a devpts instance (its root holds "ptmx" and one node per open
 * pty, numbered from 0). Every instance shares the sandbox's pty numbers.
 * Returns the super block (one reference) or NULL on OOM.
 */
struct super_block *devpts_new(void);

/*
 * Opens the controlling terminal of `t`'s session (/dev/tty) with open flags
 * `flags`. Returns 0 with `*out` (owned; its I/O goes to the terminal) or
 * -ENXIO when the session has none.
 */
long devpts_open_ctty(struct task *t, unsigned int flags, struct file **out);

/* Returns true when `f` is a sentry terminal (a pty master or replica, or the console). */
bool devpts_is_tty_file(const struct file *f);

/*
 * The container console: a sentry terminal whose master side is the host
 * terminal `host_fd` (ownership passes, also on failure): the replica of a
 * pty whose master a console-socket holder has, or the user's terminal
 * (`runsc-c do`). Two host threads copy bytes between the host fd and the
 * terminal; the host fd is put in raw mode so that the sentry's line
 * discipline is the only one. Once every replica is closed and the output
 * drained, the threads leave and close the host fd (a pty master then
 * reads EIO, as when its last replica closes).
 * Returns 0 with `*out` (owned: the replica side, for the app's stdio) or
 * -ENOMEM / -Exxx of the host. Call before the sentry's seccomp filter
 * forbids terminal ioctls on host fds.
 */
long devpts_console_new(int host_fd, struct file **out);

/*
 * Makes the terminal of `f` the controlling terminal of session `sid` of
 * kernel `k` (Not owned; it outlives the terminal) with foreground process
 * group `pgid`: a container's init and its console. Returns 0 or -ENOTTY
 * when `f` is not a terminal.
 */
long devpts_set_ctty(struct kernel *k, struct file *f, int sid, int pgid);

/*
 * Gives `t` (a container's init or exec'd process, before it runs) the
 * console over host fd `host_fd` (dup'ed; the caller keeps its own) as fds
 * 0, 1 and 2, controlling its session with its group in the foreground.
 * `rows`/`cols` set the window size (0: the host pty's). Its /dev/pts node
 * belongs to `uid` (the process's user: runc chowns the init's stdio to it)
 * and the tty group. Returns 0 or -Exxx.
 */
long devpts_console_install(struct task *t, int host_fd, unsigned short rows, unsigned short cols,
                            uint32_t uid);

/*
 * Returns the foreground process group of the terminal controlling session
 * `sid`, or 0 when it has none (control's "signal the foreground group").
 * Needs the kernel's mu (the session's kernel).
 */
int devpts_session_foreground_locked(int sid);

/*
 * Writes the name of the terminal controlling session `sid` ("pts/N", as
 * ps shows it) to `buf` (`len` bytes), "" when it has none. Needs the
 * kernel's mu.
 */
void devpts_session_tty_name_locked(int sid, char *buf, size_t len);

/*
 * The leader of session `sid` exits (Linux's disassociate_ctty on exit):
 * the session's terminal, if any, is released and its foreground group
 * gets SIGHUP and SIGCONT. Takes k->mu; call without it. For the kernel's
 * exit path.
 */
void devpts_session_leader_exit(struct kernel *k, int sid);

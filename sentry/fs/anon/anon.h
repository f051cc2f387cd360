/* SPDX-License-Identifier: Apache-2.0 */
/* Anonymous files (eventfd, timerfd, signalfd, epoll) and the readiness wait they share. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct task;
struct file;

/*
 * Readiness waits. A waiter sleeps on its task's `wake` condition with k->mu
 * (task_block_locked), so a signal interrupts it; anon_notify() wakes every
 * waiter. Files that do not notify (pipes, signals arriving for signalfd)
 * are seen within ANON_WAIT_SLICE_MS because waits are sliced.
 */
#define ANON_WAIT_SLICE_MS 4

/* Returns the readiness generation to pass to anon_wait (read it before checking readiness). */
uint64_t anon_wait_gen(void);

/*
 * Sleeps until anon_notify() ran after `gen` was read, a slice passed, the
 * absolute CLOCK_MONOTONIC `deadline` (NULL: none) passed, or `t` has an
 * unblocked signal pending. Returns 0 (recheck), -ETIMEDOUT (the deadline
 * passed) or -EINTR. Takes k->mu; call without it.
 */
long anon_wait(struct task *t, uint64_t gen, const struct timespec *deadline);

/* Wakes every anon_wait sleeper. Call without k->mu. */
void anon_notify(void);

/*
 * ppoll, pselect6, epoll_pwait: `t` waits with `mask` blocked; the old mask
 * is saved. anon_sigmask_end restores it, unless the wait was interrupted
 * (then signal delivery restores it after the handler frame is set up).
 */
void anon_sigmask_begin(struct task *t, uint64_t mask);
void anon_sigmask_end(struct task *t, bool interrupted);

/* Returns the readiness bits of `f` (POLLIN, POLLOUT ...): its poll op, or "always ready". */
unsigned int anon_file_poll(struct file *f);

/* Anonymous inodes' lseek (Linux's noop_llseek): succeeds and returns 0. */
long anon_noop_lseek(struct file *f, int64_t off, int whence);

/* Writes the type-specific lines of /proc/<pid>/fdinfo/<fd> for an anonymous file (if any). */
void anon_file_fdinfo(struct file *f, FILE *out);

/* ---- eventfd ---- */

/* Creates an eventfd file with counter `initval` and EFD_* `flags`. NULL on OOM. */
struct file *eventfd_file_new(unsigned int initval, int flags);

/* ---- timerfd ---- */

/* Creates a disarmed timerfd on `clockid` with TFD_NONBLOCK in `flags`. NULL on OOM. */
struct file *timerfd_file_new(int clockid, int flags);
/* Returns true when `f` is a timerfd. */
bool is_timerfd_file(const struct file *f);
/*
 * timerfd_settime: arms `f` (TFD_TIMER_ABSTIME in `flags`) with `value` and
 * `interval`, writing the old setting to `old_value`/`old_interval`.
 */
long timerfd_file_settime(struct file *f, int flags, const struct timespec *value,
                          const struct timespec *interval, struct timespec *old_value,
                          struct timespec *old_interval);
void timerfd_file_gettime(struct file *f, struct timespec *value, struct timespec *interval);

/* ---- signalfd ---- */

/* Creates a signalfd for `mask` owned by `t`'s thread group. NULL on OOM. */
struct file *signalfd_file_new(struct task *t, uint64_t mask, int flags);
/* Returns true when `f` is a signalfd; signalfd_file_set_mask replaces its mask. */
bool is_signalfd_file(const struct file *f);
void signalfd_file_set_mask(struct file *f, uint64_t mask);

/* ---- epoll ---- */

/* Creates an epoll instance. NULL on OOM. */
struct file *epoll_file_new(int flags);
bool is_epoll_file(const struct file *f);
/*
 * EPOLL_CTL_ADD/MOD/DEL of `target` (open at `fd` in `t`'s table) in `ep`.
 * `events`/`data` are struct epoll_event's. Returns 0 or -EEXIST, -ENOENT,
 * -EINVAL, -ELOOP, -ENOMEM.
 */
long epoll_file_ctl(struct file *ep, struct task *t, int op, int fd, struct file *target,
                    uint32_t events, uint64_t data);
/*
 * Collects at most `max` ready events into `out` (struct epoll_event, packed)
 * without sleeping. Returns the count.
 */
struct epoll_event;
int epoll_file_collect(struct file *ep, struct task *t, struct epoll_event *out, int max);

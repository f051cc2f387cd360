/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations shared by the kernel's files: pids, task lifetime, signals, timers. */
#pragma once

#include "sentry/kernel/kernel.h"

/* Allocates a free pid (not a tid, tgid, pgid or sid in use). Returns it or -EAGAIN. */
int kernel_alloc_pid_locked(struct kernel *k);

/* Takes / drops a user of `mm`; the last one frees it and releases its platform address space. */
void kernel_get_mm(struct mm *mm);
void kernel_put_mm(struct kernel *k, struct mm *mm);

/*
 * Like kernel_put_mm, but the last user gets the address space back instead of
 * it being released, for a caller whose platform context still runs in it: the
 * caller releases the context first, then the address space. Returns NULL when
 * the mm has other users (or had no address space).
 */
struct platform_as *kernel_put_mm_keep_as(struct mm *mm);

/* Creates a thread group for `leader` (pid = leader->tid), linked under `parent`. Needs k->mu. */
struct thread_group *thread_group_new_locked(struct kernel *k, struct thread_group *parent,
                                             int pid);
/* The same in pid namespace `ns` (thread_group_new_locked: the parent's, or the root's). */
struct thread_group *thread_group_new_in_locked(struct kernel *k, struct thread_group *parent,
                                                struct pid_ns *ns, int pid);

/* Links a new task into `tg` and the kernel's lists. Needs k->mu. */
void task_link_locked(struct task *t, struct thread_group *tg);

/* Runs `t` until it leaves, then the exit path (all but freeing `t`). */
void task_run_and_exit(struct task *t);

/* Frees a thread group that was reaped (or never used). Needs k->mu. */
void thread_group_free_locked(struct thread_group *tg);

/* Queue helpers. */
void sigpending_free(struct sigpending *sp);

/* Sends `sig` with the SIGCHLD-style info of `tg`'s state to its parent. Needs k->mu. */
void thread_group_notify_parent_locked(struct thread_group *tg, int code, int status);

/* Wakes every task of `tg` (waiters in wait4, job control). Needs k->mu. */
void thread_group_wake_all_locked(struct thread_group *tg);

/* Handles a task's pending work before it returns to app code: job-control stop, kills,
 * signal delivery, syscall restarts. */
void task_prepare_return(struct task *t);

/* Wakes every futex waiter whose task is `t` ... (unused) and robust lists: */
void kernel_futex_exit(struct task *t);

/* Stops and frees the timers of `tg` (it became a zombie), and its mlock bookkeeping. Needs
 * k->mu. */
void kernel_timers_release_locked(struct thread_group *tg);

/* A signal was dequeued for delivery: an SI_TIMER one records its overrun count for
 * timer_getoverrun (and fills si_overrun). Needs k->mu. */
void kernel_timer_signal_dequeued_locked(struct thread_group *tg, siginfo_t *info);

/* Frees `tg`'s mlock bookkeeping (sched.c). Needs k->mu. */
void kernel_mlock_release_locked(struct thread_group *tg);

/* Starts the timer thread when the first timer is armed. Needs k->mu. */
void kernel_timer_thread_start_locked(struct kernel *k);

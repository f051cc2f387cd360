/* SPDX-License-Identifier: Apache-2.0 */
/* Handlers of sys_timer.c (POSIX timers), sys_sched.c (priorities, policies, mlock, membarrier)
 * and sys_exec.c's execveat. */
#pragma once

#include "sentry/kernel/kernel.h"
#include "sentry/syscalls/syscalls.h"

/* sys_timer.c */
long sys_timer_create(struct task *t, const struct sys_args *a);
long sys_timer_settime(struct task *t, const struct sys_args *a);
long sys_timer_gettime(struct task *t, const struct sys_args *a);
long sys_timer_getoverrun(struct task *t, const struct sys_args *a);
long sys_timer_delete(struct task *t, const struct sys_args *a);

/* sys_sched.c (sched_getaffinity, sched_setaffinity, sched_yield and getcpu are declared in
 * syscalls_internal.h) */
long sys_getpriority(struct task *t, const struct sys_args *a);
long sys_setpriority(struct task *t, const struct sys_args *a);
long sys_sched_setscheduler(struct task *t, const struct sys_args *a);
long sys_sched_setparam(struct task *t, const struct sys_args *a);
long sys_sched_getscheduler(struct task *t, const struct sys_args *a);
long sys_sched_getparam(struct task *t, const struct sys_args *a);
long sys_sched_get_priority_max(struct task *t, const struct sys_args *a);
long sys_sched_get_priority_min(struct task *t, const struct sys_args *a);
long sys_sched_rr_get_interval(struct task *t, const struct sys_args *a);
long sys_sched_setattr(struct task *t, const struct sys_args *a);
long sys_sched_getattr(struct task *t, const struct sys_args *a);
long sys_ioprio_set(struct task *t, const struct sys_args *a);
long sys_ioprio_get(struct task *t, const struct sys_args *a);
long sys_mlock(struct task *t, const struct sys_args *a);
long sys_mlock2(struct task *t, const struct sys_args *a);
long sys_munlock(struct task *t, const struct sys_args *a);
long sys_mlockall(struct task *t, const struct sys_args *a);
long sys_munlockall(struct task *t, const struct sys_args *a);
long sys_membarrier(struct task *t, const struct sys_args *a);

/* sys_exec.c */
long sys_execveat(struct task *t, const struct sys_args *a);

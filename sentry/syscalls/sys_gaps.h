/* SPDX-License-Identifier: Apache-2.0 */
/* Handlers of sys_splice.c (data movement between files, the sync family). */
#pragma once

#include "sentry/kernel/kernel.h"
#include "sentry/syscalls/syscalls.h"

/* sys_splice.c */
long sys_sendfile(struct task *t, const struct sys_args *a);
long sys_splice(struct task *t, const struct sys_args *a);
long sys_copy_file_range(struct task *t, const struct sys_args *a);
long sys_sync(struct task *t, const struct sys_args *a);
long sys_syncfs(struct task *t, const struct sys_args *a);
long sys_sync_file_range(struct task *t, const struct sys_args *a);

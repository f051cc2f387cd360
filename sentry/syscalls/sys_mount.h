/* SPDX-License-Identifier: Apache-2.0 */
/* Handlers of sys_mount.c: mount, umount2, pivot_root, chroot, unshare. */
#pragma once

#include "sentry/kernel/kernel.h"
#include "sentry/syscalls/syscalls.h"

long sys_mount(struct task *t, const struct sys_args *a);
long sys_umount2(struct task *t, const struct sys_args *a);
long sys_pivot_root(struct task *t, const struct sys_args *a);
long sys_chroot(struct task *t, const struct sys_args *a);
long sys_unshare(struct task *t, const struct sys_args *a);

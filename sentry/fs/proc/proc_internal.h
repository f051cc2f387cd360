/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations shared by procfs's files. */
#pragma once

#include "sentry/fs/proc/kernfs.h"
#include "sentry/kernel/kernel.h"

/* The kernel of the calling task (NULL outside a task's thread). */
struct kernel *proc_kernel(void);

/* The /proc/<pid> directory (pid.c). */
extern const struct kfs_entry g_proc_pid_dir;

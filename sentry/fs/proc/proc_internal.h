/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations shared by procfs's files. */
#pragma once

#include "sentry/fs/proc/kernfs.h"
#include "sentry/kernel/kernel.h"

/* The kernel of the calling task (NULL outside a task's thread). */
struct kernel *proc_kernel(void);

/* The /proc/<pid> directory (pid.c). */
extern const struct kfs_entry g_proc_pid_dir;

/* The entries of /proc/net (net.c). */
extern const struct kfs_entry g_proc_net_entries[];

struct mm;

/* Where a process's initial stack keeps argv, envp and the exec file name (stack_layout.c). */
struct proc_layout {
    uintptr_t arg_start, arg_end; /* the argv strings, NUL-terminated each */
    uintptr_t env_start, env_end;
    uintptr_t execfn;               /* the name given to execve, NUL-terminated */
    uintptr_t auxv_start, auxv_end; /* the auxiliary vector, AT_NULL included */
};

/* Finds the layout in `mm`'s stack. Returns 0 or -ENOENT. Reads app memory only. */
long proc_stack_layout(struct mm *mm, struct proc_layout *l);

/* /proc/sysvipc and the IPC sysctls (sysvipc.c). */
extern const struct kfs_entry g_proc_sysvipc_entries[];
extern const struct kfs_entry g_proc_sys_fs_mqueue[];
long proc_show_sysctl_sem(const struct kfs_ctx *c, FILE *out);
long proc_show_sysctl_msgmax(const struct kfs_ctx *c, FILE *out);
long proc_show_sysctl_msgmnb(const struct kfs_ctx *c, FILE *out);
long proc_show_sysctl_msgmni(const struct kfs_ctx *c, FILE *out);
long proc_show_sysctl_shmmax(const struct kfs_ctx *c, FILE *out);
long proc_show_sysctl_shmall(const struct kfs_ctx *c, FILE *out);
long proc_show_sysctl_shmmni(const struct kfs_ctx *c, FILE *out);

/* /proc/net's socket tables (net_sock.c). */
long proc_show_net_tcp(const struct kfs_ctx *c, FILE *out);
long proc_show_net_tcp6(const struct kfs_ctx *c, FILE *out);
long proc_show_net_udp(const struct kfs_ctx *c, FILE *out);
long proc_show_net_udp6(const struct kfs_ctx *c, FILE *out);
long proc_show_net_unix(const struct kfs_ctx *c, FILE *out);
long proc_show_net_snmp(const struct kfs_ctx *c, FILE *out);
long proc_show_net_netstat(const struct kfs_ctx *c, FILE *out);

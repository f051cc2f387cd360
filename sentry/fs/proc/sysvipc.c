/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/sysvipc/{sem,msg,shm} and the IPC limits of /proc/sys/kernel and /proc/sys/fs/mqueue. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "sentry/fs/proc/proc_internal.h"
#include "sentry/ipc/ipc.h"

static long show_sysvipc_sem(const struct kfs_ctx *c, FILE *out)
{
    struct kernel *k = proc_kernel();

    (void)c;
    if (k == NULL)
        return -ENOENT;
    ipc_sem_proc_show(k, out);
    return 0;
}

static long show_sysvipc_msg(const struct kfs_ctx *c, FILE *out)
{
    struct kernel *k = proc_kernel();

    (void)c;
    if (k == NULL)
        return -ENOENT;
    ipc_msg_proc_show(k, out);
    return 0;
}

static long show_sysvipc_shm(const struct kfs_ctx *c, FILE *out)
{
    struct kernel *k = proc_kernel();

    (void)c;
    if (k == NULL)
        return -ENOENT;
    ipc_shm_proc_show(k, out);
    return 0;
}

const struct kfs_entry g_proc_sysvipc_entries[] = {
    { .name = "msg", .mode = S_IFREG | 0444, .show = show_sysvipc_msg },
    { .name = "sem", .mode = S_IFREG | 0444, .show = show_sysvipc_sem },
    { .name = "shm", .mode = S_IFREG | 0444, .show = show_sysvipc_shm },
    { .name = NULL },
};

#define SHOW_LIMIT(fn, fmt, ...)                \
    long fn(const struct kfs_ctx *c, FILE *out) \
    {                                           \
        (void)c;                                \
        fprintf(out, fmt, __VA_ARGS__);         \
        return 0;                               \
    }

/* Linux prints the four semaphore limits tab-separated. */
SHOW_LIMIT(proc_show_sysctl_sem, "%d\t%ld\t%d\t%d\n", IPC_SEMMSL, (long)IPC_SEMMNS, IPC_SEMOPM,
           IPC_SEMMNI)
SHOW_LIMIT(proc_show_sysctl_msgmax, "%d\n", IPC_MSGMAX)
SHOW_LIMIT(proc_show_sysctl_msgmnb, "%d\n", IPC_MSGMNB)
SHOW_LIMIT(proc_show_sysctl_msgmni, "%d\n", IPC_MSGMNI)
SHOW_LIMIT(proc_show_sysctl_shmmax, "%llu\n", (unsigned long long)IPC_SHMMAX)
SHOW_LIMIT(proc_show_sysctl_shmall, "%llu\n", (unsigned long long)IPC_SHMALL)
SHOW_LIMIT(proc_show_sysctl_shmmni, "%lu\n", IPC_SHMMNI)

static SHOW_LIMIT(show_mq_msg_default, "%d\n", IPC_MQ_MSG_DEFAULT) static SHOW_LIMIT(show_mq_msg_max, "%d\n", IPC_MQ_MSG_MAX) static SHOW_LIMIT(
    show_mq_msgsize_default, "%d\n",
    IPC_MQ_MSGSIZE_DEFAULT) static SHOW_LIMIT(show_mq_msgsize_max, "%d\n",
                                              IPC_MQ_MSGSIZE_MAX) static SHOW_LIMIT(show_mq_queues_max,
                                                                                    "%d\n",
                                                                                    IPC_MQ_QUEUES_MAX)

    const struct kfs_entry g_proc_sys_fs_mqueue[] = {
        { .name = "msg_default",
          .mode = S_IFREG | 0644,
          .show = show_mq_msg_default,
          .sysctl = true },
        { .name = "msg_max", .mode = S_IFREG | 0644, .show = show_mq_msg_max, .sysctl = true },
        { .name = "msgsize_default",
          .mode = S_IFREG | 0644,
          .show = show_mq_msgsize_default,
          .sysctl = true },
        { .name = "msgsize_max",
          .mode = S_IFREG | 0644,
          .show = show_mq_msgsize_max,
          .sysctl = true },
        { .name = "queues_max",
          .mode = S_IFREG | 0644,
          .show = show_mq_queues_max,
          .sysctl = true },
        { .name = NULL },
    };

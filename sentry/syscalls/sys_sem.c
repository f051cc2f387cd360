/* SPDX-License-Identifier: Apache-2.0 */
/* System V semaphore syscalls: semget, semop, semtimedop, semctl over sentry/ipc/sem.c. */
#include <errno.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <time.h>

#include "sentry/ipc/ipc.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls.h"

long sys_semget(struct task *t, const struct sys_args *a)
{
    return ipc_sem_get(t, (int32_t)a->a[0], (int)a->a[1], (int)a->a[2]);
}

static long do_semtimedop(struct task *t, int semid, uintptr_t usops, size_t nsops,
                          uintptr_t utimeout)
{
    struct timespec ts;
    struct sembuf *sops;
    long ret;

    /* Linux's do_semtimedop: the count first, then the copies, then the timeout's range. */
    if (nsops < 1 || semid < 0)
        return -EINVAL;
    if (nsops > IPC_SEMOPM)
        return -E2BIG;
    sops = malloc(nsops * sizeof(*sops));
    if (sops == NULL)
        return -ENOMEM;
    if (task_copy_in(t, sops, usops, nsops * sizeof(*sops)) < 0) {
        ret = -EFAULT;
        goto out;
    }
    if (utimeout != 0) {
        if (task_copy_in(t, &ts, utimeout, sizeof(ts)) < 0) {
            ret = -EFAULT;
            goto out;
        }
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L) {
            ret = -EINVAL;
            goto out;
        }
    }
    ret = ipc_sem_op(t, semid, sops, nsops, utimeout != 0 ? &ts : NULL);
out:
    free(sops);
    return ret;
}

long sys_semop(struct task *t, const struct sys_args *a)
{
    return do_semtimedop(t, (int)a->a[0], a->a[1], (size_t)a->a[2], 0);
}

long sys_semtimedop(struct task *t, const struct sys_args *a)
{
    return do_semtimedop(t, (int)a->a[0], a->a[1], (size_t)a->a[2], a->a[3]);
}

long sys_semctl(struct task *t, const struct sys_args *a)
{
    return ipc_sem_ctl(t, (int)a->a[0], (int)a->a[1], (int)a->a[2], a->a[3]);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* System V shared memory syscalls: shmget, shmat, shmdt, shmctl over sentry/ipc and sentry/mm. */
#include <errno.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

#include "sentry/arch/arch.h"
#include "sentry/ipc/ipc.h"
#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls_internal.h"

/* SHMLBA on x86-64 is the page size (glibc's macro calls a function). */
#define SHM_LBA ARCH_PAGE_SIZE
/* The kernel's new-layout flag in shmctl's cmd (linux/ipc.h). */
#define SHMCTL_IPC_64 0x0100

long sys_shmget(struct task *t, const struct sys_args *a)
{
    return ipc_shm_get(t->tg->ipcns, (int32_t)a->a[0], (size_t)a->a[1], (int)a->a[2], t->tg->pid);
}

long sys_shmat(struct task *t, const struct sys_args *a)
{
    int id = (int)a->a[0];
    uintptr_t addr = a->a[1];
    int shmflg = (int)a->a[2];
    int prot = PROT_READ;
    struct ipc_shm *shm;
    size_t size;
    int host_fd;
    long ret;

    /* Linux's do_shmat: alignment and SHM_RND first, then the id. */
    if (addr != 0) {
        if (addr & (SHM_LBA - 1)) {
            if (!(shmflg & SHM_RND))
                return -EINVAL;
            addr &= ~(uintptr_t)(SHM_LBA - 1);
            if (addr == 0 && (shmflg & SHM_REMAP))
                return -EINVAL;
        }
    } else if (shmflg & SHM_REMAP) {
        return -EINVAL;
    }
    if (!(shmflg & SHM_RDONLY))
        prot |= PROT_WRITE;
    if (shmflg & SHM_EXEC)
        prot |= PROT_EXEC;
    ret = ipc_shm_attach_get(t->tg->ipcns, id, &shm, &host_fd, &size);
    if (ret < 0)
        return ret;
    /* A nonzero address rounded down to 0 is a fixed mapping at 0: below mmap_min_addr. */
    if (a->a[1] != 0 && addr == 0)
        ret = -EINVAL;
    else
        ret = mm_shmat(t->mm, addr, prot, (shmflg & SHM_REMAP) != 0, shm, host_fd, size);
    ipc_shm_attach_put(shm, ret >= 0, t->tg->pid);
    return ret;
}

long sys_shmdt(struct task *t, const struct sys_args *a)
{
    return mm_shmdt(t->mm, a->a[0], t->tg->pid);
}

long sys_shmctl(struct task *t, const struct sys_args *a)
{
    int id = (int)a->a[0];
    int cmd = (int)a->a[1] & ~SHMCTL_IPC_64;
    uintptr_t ubuf = a->a[2];
    union {
        struct shmid_ds ds;
        struct shminfo info;
        struct shm_info shm_info;
    } buf;
    size_t out_len = 0;
    long ret;

    memset(&buf, 0, sizeof(buf));
    switch (cmd) {
    case IPC_STAT:
    case SHM_STAT:
    case SHM_STAT_ANY:
        out_len = sizeof(buf.ds);
        break;
    case IPC_INFO:
        out_len = sizeof(buf.info);
        break;
    case SHM_INFO:
        out_len = sizeof(buf.shm_info);
        break;
    case IPC_SET:
        if (task_copy_in(t, &buf.ds, ubuf, sizeof(buf.ds)) < 0)
            return -EFAULT;
        break;
    case IPC_RMID:
    case SHM_LOCK:
    case SHM_UNLOCK:
        break;
    default:
        return -EINVAL;
    }
    ret = ipc_shm_ctl(t->tg->ipcns, id, cmd, &buf);
    if (ret < 0)
        return ret;
    if (cmd == IPC_STAT || cmd == SHM_STAT || cmd == SHM_STAT_ANY) {
        /* The segment keeps global pids: the caller sees its namespace's numbers. */
        pthread_mutex_lock(&t->k->mu);
        buf.ds.shm_cpid = task_pid_vnr_locked(t, buf.ds.shm_cpid);
        buf.ds.shm_lpid = task_pid_vnr_locked(t, buf.ds.shm_lpid);
        pthread_mutex_unlock(&t->k->mu);
    }
    if (out_len > 0 && task_copy_out(t, ubuf, &buf, out_len) < 0)
        return -EFAULT;
    return ret;
}

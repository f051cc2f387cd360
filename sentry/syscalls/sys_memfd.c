/* SPDX-License-Identifier: Apache-2.0 */
/*
 * memfd_create(2), the seals of fcntl(2) (F_ADD_SEALS, F_GET_SEALS) and
 * fallocate(2). A memfd is an unlinked file of the sandbox's internal tmpfs
 * (sentry/fs/tmpfs); the seals live in its inode, not on the host memfd
 * behind it (the sentry's filter refuses F_ADD_SEALS on host fds), and tmpfs
 * enforces them on write, truncate and fallocate; sys_mmap asks
 * tmpfs_file_check_mmap for writable shared mappings.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/mm/mm.h"
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/syscalls/syscalls_internal.h"
#include "sentry/vfs/vfs.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
/* MFD_HUGE_MASK << MFD_HUGE_SHIFT: a huge page size for MFD_HUGETLB. */
#define MEMFD_HUGE_BITS (0x3fU << 26)
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

long sys_memfd_create(struct task *t, const struct sys_args *a)
{
    unsigned int flags = (unsigned int)a->a[1];
    char name[TMPFS_MEMFD_NAME_MAX + 1];
    unsigned int seals = F_SEAL_SEAL;
    uint32_t mode = 0777;
    struct vfs_cred c;
    struct vfs_owner o;
    cleanup_file_ref struct file *f = NULL;
    long ret;

    if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_EXEC | MFD_NOEXEC_SEAL |
                  MEMFD_HUGE_BITS))
        return -EINVAL;
    /* Huge pages are not offered (Linux without hugetlbfs pages says EINVAL too). */
    if (flags & (MFD_HUGETLB | MEMFD_HUGE_BITS))
        return -EINVAL;
    if ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL))
        return -EINVAL;
    ret = task_copy_in_string(t, a->a[0], name, sizeof(name));
    if (ret == -ENAMETOOLONG)
        return -EINVAL;
    if (ret < 0)
        return ret;
    if (flags & MFD_ALLOW_SEALING)
        seals = 0;
    if (flags & MFD_NOEXEC_SEAL) {
        /* Not executable, and sealed so (sealing stays allowed, as in Linux). */
        mode &= ~0111U;
        seals = F_SEAL_EXEC;
    }
    vfs_task_cred(t, &c);
    o.uid = c.fsuid;
    o.gid = c.fsgid;
    ret = tmpfs_memfd_create(name, seals, mode, &o, &f);
    if (ret < 0)
        return ret;
    return fd_table_install(t->fdt, f, 0, (flags & MFD_CLOEXEC) != 0, task_nofile_limit(t));
}

/* Whether `v` may write the file (dev, ino) through shared memory (Linux's VM_SHARED|VM_MAYWRITE).
 */
static bool vma_maps_writable(const struct mm_vma *v, uint64_t dev, uint64_t ino)
{
    return v->file && v->file_dev == dev && v->file_ino == ino &&
           (v->flags & MAP_TYPE) == MAP_SHARED && (v->may_write || (v->prot & PROT_WRITE));
}

/*
 * Linux's mapping_writably_mapped for F_SEAL_WRITE: looks through the vmas
 * of every address space in the sandbox for a shared mapping of the file
 * that may write it. Every mm is locked with a trylock under k->mu (a task
 * holding its mm's lock may be waiting for k->mu); a busy one makes the
 * whole scan start again. Returns 1, 0 or -EAGAIN (always busy).
 */
static long writably_mapped(struct task *t, struct file *f)
{
    struct kernel *k = t->k;
    struct stat st;

    if (vfs_inode_getattr(file_inode(f), &st) < 0)
        return 0;
    for (int attempt = 0; attempt < 1000; attempt++) {
        bool busy = false, found = false;
        struct klist *pos, *tpos;

        pthread_mutex_lock(&k->mu);
        klist_for_each(pos, &k->tgs)
        {
            struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);

            klist_for_each(tpos, &tg->tasks)
            {
                struct mm *mm = klist_entry(tpos, struct task, tg_node)->mm;

                if (mm == NULL)
                    continue;
                if (pthread_mutex_trylock(&mm->mu) != 0) {
                    busy = true;
                    break;
                }
                for (size_t i = 0; i < mm->nr && !found; i++)
                    found =
                        vma_maps_writable(&mm->vmas[i], (uint64_t)st.st_dev, (uint64_t)st.st_ino);
                pthread_mutex_unlock(&mm->mu);
                break; /* the threads of a process share its mm */
            }
            if (busy || found)
                break;
        }
        pthread_mutex_unlock(&k->mu);
        if (found)
            return 1;
        if (!busy)
            return 0;
        sched_yield();
    }
    return -EAGAIN;
}

long sys_memfd_fcntl_seals(struct task *t, struct file *f, int cmd, unsigned long arg)
{
    long seals = tmpfs_file_get_seals(f);
    long mapped = 0;

    if (cmd == F_GET_SEALS || seals < 0)
        return seals;
    if (((unsigned int)arg & F_SEAL_WRITE) && !(seals & F_SEAL_WRITE) && !(seals & F_SEAL_SEAL) &&
        file_is_writable(f)) {
        mapped = writably_mapped(t, f);
        if (mapped < 0)
            return mapped;
    }
    return tmpfs_file_add_seals(f, (unsigned int)arg, mapped > 0);
}

long sys_fallocate(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    int mode = (int)a->a[1];
    int64_t off = (int64_t)a->a[2], len = (int64_t)a->a[3];
    struct inode *ino;
    struct stat st;
    int fd;
    long ret;

    if (f == NULL)
        return -EBADF;
    /* Linux's vfs_fallocate, in its order. */
    if (off < 0 || len <= 0)
        return -EINVAL;
    if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_NO_HIDE_STALE |
                 FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE |
                 FALLOC_FL_UNSHARE_RANGE))
        return -EOPNOTSUPP;
    if ((mode & FALLOC_FL_PUNCH_HOLE) && (mode & FALLOC_FL_ZERO_RANGE))
        return -EOPNOTSUPP;
    if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
        return -EOPNOTSUPP;
    if (((mode & FALLOC_FL_COLLAPSE_RANGE) && (mode & ~FALLOC_FL_COLLAPSE_RANGE)) ||
        ((mode & FALLOC_FL_INSERT_RANGE) && (mode & ~FALLOC_FL_INSERT_RANGE)) ||
        ((mode & FALLOC_FL_UNSHARE_RANGE) &&
         (mode & ~(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE))))
        return -EINVAL;
    if (!file_is_writable(f))
        return -EBADF;
    /* (No append-only or immutable inodes here: those EPERMs never apply.) */
    ino = file_inode(f);
    if (ino != NULL)
        st.st_mode = ino->st.st_mode;
    else if (f->ops->fstat == NULL || f->ops->fstat(f, &st) < 0)
        return -ENODEV;
    if (S_ISFIFO(st.st_mode))
        return -ESPIPE;
    if (S_ISDIR(st.st_mode))
        return -EISDIR;
    if (!S_ISREG(st.st_mode))
        return -ENODEV;
    if (off + len < 0)
        return -EFBIG;
    ret = tmpfs_file_check_fallocate(f, mode, off, len);
    if (ret < 0)
        return ret;
    fd = vfs_file_host_fd(f);
    if (fd < 0)
        return -EOPNOTSUPP;
    if (fallocate(fd, mode, off, len) < 0)
        return -errno;
    return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The mmap family and brk: validate like Linux, choose addresses here, apply through the platform.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sentry/ipc/ipc.h"
#include "sentry/mm/mm_internal.h"
#include "sentry/vfs/vfs.h"

/* The gap Linux leaves between the stack and the mmap base (at least 128 MiB). */
#define MM_STACK_GAP (128UL << 20)

/* Host flags we pass through for an anonymous mapping; everything else is the sentry's business. */
#define MM_HOST_MAP_FLAGS (MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE)

/* How much of a file is read at a time when a file mapping is filled. */
#define MM_FILL_CHUNK (256 * 1024)

#define MM_PROT_MASK (PROT_READ | PROT_WRITE | PROT_EXEC)
/* Linux's PROT_SEM (asm-generic/mman-common.h); glibc does not define it. */
#ifndef PROT_SEM
#define PROT_SEM 0x8
#endif

/* The id of the next MAP_SHARED anonymous object (never 0). */
static uint64_t g_next_shared_id = 1;

static void init_lock(struct mm *mm)
{
    pthread_mutexattr_t attr;

    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&mm->mu, &attr);
    pthread_mutexattr_destroy(&attr);
}

void mm_lock(struct mm *mm)
{
    pthread_mutex_lock(&mm->mu);
}

void mm_unlock(struct mm *mm)
{
    pthread_mutex_unlock(&mm->mu);
}

long mm_fork(struct mm *mm, struct platform_as *nas, struct mm **out)
{
    struct mm *n = calloc(1, sizeof(*n));

    if (n == NULL)
        return -ENOMEM;
    mm_lock(mm);
    *n = *mm;
    n->as = nas;
    n->users = 1;
    n->vmas = malloc((mm->cap ? mm->cap : 1) * sizeof(*n->vmas));
    if (n->vmas == NULL) {
        mm_unlock(mm);
        free(n);
        return -ENOMEM;
    }
    /*
     * MADV_DONTFORK ranges are not in the host child (Linux's dup_mmap skips
     * VM_DONTCOPY). The child's copies of SysV shm attachments count (Linux:
     * shm_open at fork).
     */
    n->nr = 0;
    for (size_t i = 0; i < mm->nr; i++) {
        if (mm->vmas[i].dontfork)
            continue;
        n->vmas[n->nr] = mm->vmas[i];
        ipc_shm_vma_ref(n->vmas[n->nr].shm, 1, 0);
        n->nr++;
    }
    mm_unlock(mm);
    init_lock(n);
    *out = n;
    return 0;
}

void mm_futex_key(struct mm *mm, uintptr_t addr, bool shared, struct mm_futex_key *key)
{
    key->obj = (uintptr_t)mm;
    key->off = addr;
    if (!shared)
        return;
    mm_lock(mm);
    {
        size_t i = vma_lower_bound(mm, addr);

        if (i < mm->nr && mm->vmas[i].start <= addr && mm->vmas[i].shared_id != 0) {
            key->obj = (uintptr_t)mm->vmas[i].shared_id;
            key->off = mm->vmas[i].shared_off + (addr - mm->vmas[i].start);
        }
    }
    mm_unlock(mm);
}

long mm_new(const struct platform_ops *ops, struct platform_as *as, struct mm **out)
{
    const struct platform_as_info *info = ops->as_info(as);
    struct mm *mm = calloc(1, sizeof(*mm));
    uintptr_t stack;

    if (mm == NULL)
        return -ENOMEM;
    mm->ops = ops;
    mm->as = as;
    mm->users = 1;
    init_lock(mm);
    for (size_t i = 0; i < info->nr_reserved; i++) {
        struct mm_vma v = {
            .start = info->reserved[i].start,
            .end = info->reserved[i].end,
            .prot = PROT_READ,
            .flags = MAP_PRIVATE,
            .reserved = true,
            .name = info->reserved[i].name,
        };

        if (vma_insert(mm, &v) < 0) {
            mm_free(mm);
            return -ENOMEM;
        }
    }
    /*
     * The stack goes at the top of the free user range, one guard page below
     * whatever the platform reserved there; the mmap area starts a gap below
     * it, as on Linux. No randomisation yet.
     */
    stack = vma_find_free_topdown(mm, MM_STACK_SIZE + 2 * ARCH_PAGE_SIZE, ARCH_TASK_SIZE);
    if (stack == 0) {
        mm_free(mm);
        return -ENOMEM;
    }
    mm->stack_top = stack + MM_STACK_SIZE + ARCH_PAGE_SIZE;
    mm->mmap_base = stack > MM_STACK_GAP ? stack - MM_STACK_GAP : stack;
    *out = mm;
    return 0;
}

void mm_free(struct mm *mm)
{
    if (mm == NULL)
        return;
    for (size_t i = 0; i < mm->nr; i++)
        ipc_shm_vma_ref(mm->vmas[i].shm, -1, 0);
    pthread_mutex_destroy(&mm->mu);
    free(mm->vmas);
    free(mm);
}

void mm_set_name(struct mm *mm, uintptr_t addr, const char *name)
{
    size_t i = vma_lower_bound(mm, addr);

    if (i < mm->nr && mm->vmas[i].start <= addr)
        mm->vmas[i].name = name;
}

/* Picks where a new mapping of `len` bytes goes: the hint if it is free, else top-down. */
static uintptr_t choose_addr(struct mm *mm, uintptr_t hint, size_t len)
{
    if (hint != 0) {
        hint = ARCH_PAGE_DOWN(hint);
        if (hint >= MM_MIN_ADDR && hint <= ARCH_TASK_SIZE - len &&
            !vma_overlaps(mm, hint, hint + len))
            return hint;
    }
    return vma_find_free_topdown(mm, len, mm->mmap_base);
}

/* Removes [start, end) from the vma list after the host range was replaced or unmapped. */
static long forget_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
    long ret = vma_remove_range(mm, start, end);

    vma_merge_all(mm);
    return ret;
}

/* What a file mapping needs from the file, read before the lock is taken. */
struct mm_file_src {
    struct file *f;
    uint64_t dev;
    uint64_t ino;
    int host_fd; /* the file's host fd, or -1; Not owned */
};

/*
 * The futex identity of a file shared through the host: one id per (dev,
 * ino), with the top bit set so it never meets g_next_shared_id's ids.
 */
static uint64_t file_shared_id(uint64_t dev, uint64_t ino)
{
    uint64_t h = dev * 0x9e3779b97f4a7c15ULL ^ ino * 0xc2b2ae3d27d4eb4fULL;

    return h | (1ULL << 63);
}

/* Fills [where, where+len) (mapped read-write) from `src` at `off`; the tail past EOF stays zero.
 */
static long fill_from_file(struct mm *mm, uintptr_t where, size_t len,
                           const struct mm_file_src *src, off_t off)
{
    size_t chunk = len < MM_FILL_CHUNK ? len : MM_FILL_CHUNK;
    char *buf = malloc(chunk);
    size_t done = 0;
    long ret = 0;

    if (buf == NULL)
        return -ENOMEM;
    while (done < len) {
        size_t want = len - done < chunk ? len - done : chunk;
        long n = src->f->ops->pread(src->f, buf, want, (int64_t)(off + (off_t)done));

        if (n == -EINTR)
            continue;
        if (n <= 0) {
            ret = n; /* 0: EOF, the rest stays zero */
            break;
        }
        ret = mm_copy_out(mm, where + done, buf, (size_t)n);
        if (ret < 0)
            break;
        done += (size_t)n;
    }
    free(buf);
    return ret < 0 ? ret : 0;
}

static long mm_mmap_locked(struct mm *mm, uintptr_t addr, size_t len, int prot, int flags,
                           const struct mm_file_src *src, off_t off)
{
    int type = flags & MAP_TYPE;
    bool fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0;
    int host_flags = flags & MM_HOST_MAP_FLAGS & ~MAP_SHARED_VALIDATE;
    struct mm_vma v;
    uintptr_t where;
    long ret;

    if (len == 0)
        return -EINVAL;
    if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    /* Linux accepts MAP_SHARED_VALIDATE only for file mappings. */
    if (type == MAP_SHARED_VALIDATE && (flags & MAP_ANONYMOUS))
        return -EINVAL;
    if (off & (off_t)(ARCH_PAGE_SIZE - 1))
        return -EINVAL;
    if (len > ARCH_TASK_SIZE)
        return -ENOMEM;
    len = ARCH_PAGE_UP(len);
    if (src != NULL) {
        /* Linux: the page offset plus the length must not wrap. */
        if (off < 0 || (uint64_t)off + len < (uint64_t)off)
            return -EOVERFLOW;
        if (type != MAP_PRIVATE && (prot & PROT_WRITE) && !file_is_writable(src->f))
            return -EACCES;
        if (!file_is_readable(src->f))
            return -EACCES;
        if (type != MAP_PRIVATE && (prot & PROT_WRITE) &&
            (src->host_fd < 0 || mm->ops->as_mmap_fd == NULL))
            return -ENODEV; /* this platform cannot share a file's pages with the app */
    }
    if (flags & MAP_HUGETLB)
        return -ENOMEM; /* like a host without reserved huge pages */
    if (fixed) {
        if (addr & (ARCH_PAGE_SIZE - 1))
            return -EINVAL;
        if (addr > ARCH_TASK_SIZE - len)
            return -ENOMEM;
        if (addr < MM_MIN_ADDR)
            return -EPERM;
        if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
            vma_overlaps(mm, addr, addr + len))
            return -EEXIST;
        if (vma_overlaps_reserved(mm, addr, addr + len))
            return -ENOMEM;
        where = addr;
    } else {
        where = choose_addr(mm, addr, len);
        if (where == 0)
            return -ENOMEM;
    }
    /* Make room first: a failed insertion must not leave a host mapping behind. */
    ret = vma_remove_range(mm, where, where + len);
    if (ret < 0)
        return ret;
    v = (struct mm_vma){
        .start = where,
        .end = where + len,
        .prot = prot & MM_PROT_MASK,
        .flags = (type == MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS,
        .shared_id =
            type == MAP_PRIVATE ? 0 : __atomic_fetch_add(&g_next_shared_id, 1, __ATOMIC_RELAXED),
    };
    if (src != NULL) {
        v.flags = type == MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED;
        v.shared_id = 0;
        v.file = true;
        v.file_off = (uint64_t)off;
        v.file_dev = src->dev;
        v.file_ino = src->ino;
        v.may_write = file_is_writable(src->f);
        if (src->host_fd >= 0 && mm->ops->as_mmap_fd != NULL) {
            v.fd_backed = true;
            if (type != MAP_PRIVATE) {
                v.shared_id = file_shared_id(src->dev, src->ino);
                v.shared_off = (uint64_t)off;
            }
            host_flags = (host_flags & ~(MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS)) |
                         (type == MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED);
        } else {
            /* The app sees a file mapping; the host holds private anonymous memory. */
            host_flags = (host_flags & ~MAP_SHARED) | MAP_PRIVATE | MAP_ANONYMOUS;
        }
    } else {
        host_flags |= v.flags;
    }
    ret = vma_insert(mm, &v);
    if (ret < 0)
        return ret;
    if (v.fd_backed) {
        ret = mm->ops->as_mmap_fd(mm->as, where, len, v.prot, host_flags, src->host_fd, off);
        /*
         * The host may refuse what the sentry allows (a donated fd opened
         * read-only, PROT_EXEC on a host noexec mount): a private mapping
         * is then served as a copy.
         */
        if ((ret == -EACCES || ret == -EPERM) && type == MAP_PRIVATE) {
            mm->vmas[vma_lower_bound(mm, where)].fd_backed = false;
            v.fd_backed = false;
            host_flags = (host_flags & ~MAP_SHARED) | MAP_PRIVATE | MAP_ANONYMOUS;
        }
    }
    if (!v.fd_backed)
        ret = mm->ops->as_mmap(mm->as, where, len, src != NULL ? PROT_READ | PROT_WRITE : v.prot,
                               host_flags);
    if (ret >= 0 && src != NULL && !v.fd_backed) {
        ret = fill_from_file(mm, where, len, src, off);
        if (ret >= 0 && v.prot != (PROT_READ | PROT_WRITE))
            ret = mm->ops->as_mprotect(mm->as, where, len, v.prot);
    }
    if (ret < 0) {
        /* The host kept or dropped the old range; either way it is no longer ours to know. */
        mm->ops->as_munmap(mm->as, where, len);
        forget_range(mm, where, where + len);
        return ret;
    }
    vma_merge_all(mm);
    return (long)where;
}

static long mm_munmap_locked(struct mm *mm, uintptr_t addr, size_t len)
{
    long ret;

    if ((addr & (ARCH_PAGE_SIZE - 1)) || len == 0 || len > ARCH_TASK_SIZE)
        return -EINVAL;
    len = ARCH_PAGE_UP(len);
    if (addr > ARCH_TASK_SIZE - len)
        return -EINVAL;
    if (!vma_overlaps(mm, addr, addr + len))
        return 0;
    if (vma_overlaps_reserved(mm, addr, addr + len))
        return -EINVAL;
    ret = mm->ops->as_munmap(mm->as, addr, len);
    if (ret < 0)
        return ret;
    return forget_range(mm, addr, addr + len);
}

static long mm_mprotect_locked(struct mm *mm, uintptr_t addr, size_t len, int prot)
{
    uintptr_t end;
    long ret;

    if (addr & (ARCH_PAGE_SIZE - 1))
        return -EINVAL;
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP))
        return -EINVAL;
    if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP))
        return -EINVAL;
    if (len == 0)
        return 0;
    len = ARCH_PAGE_UP(len);
    end = addr + len;
    if (end <= addr || end > ARCH_TASK_SIZE)
        return -ENOMEM;
    if (vma_overlaps_reserved(mm, addr, end))
        return -EACCES;
    if (!vma_covers(mm, addr, end)) {
        /* Linux changes the mapped prefix before it meets the hole, then says ENOMEM. */
        size_t i = vma_lower_bound(mm, addr);
        uintptr_t cur = addr;

        while (i < mm->nr && mm->vmas[i].start == cur && cur < end) {
            cur = mm->vmas[i].end < end ? mm->vmas[i].end : end;
            i++;
        }
        if (cur > addr && (ret = mm_mprotect_locked(mm, addr, cur - addr, prot)) < 0)
            return ret;
        return -ENOMEM;
    }
    /*
     * A shared file mapping becomes writable only when the file was open for
     * writing; a snapshot (not fd_backed) never does.
     */
    for (size_t i = vma_lower_bound(mm, addr); i < mm->nr && mm->vmas[i].start < end; i++) {
        const struct mm_vma *v = &mm->vmas[i];

        if ((prot & PROT_WRITE) && v->file && (v->flags & MAP_SHARED) &&
            (!v->fd_backed || !v->may_write))
            return -EACCES;
    }
    ret = vma_split_at(mm, addr);
    if (ret == 0)
        ret = vma_split_at(mm, end);
    if (ret < 0)
        return ret;
    ret = mm->ops->as_mprotect(mm->as, addr, len, prot & MM_PROT_MASK);
    if (ret < 0)
        return ret;
    for (size_t i = vma_lower_bound(mm, addr); i < mm->nr && mm->vmas[i].start < end; i++)
        mm->vmas[i].prot = prot & MM_PROT_MASK;
    vma_merge_all(mm);
    return 0;
}

/*
 * mremap with old_len 0: a second mapping of the same shared anonymous memory
 * at a new address (`v` is the vma holding `old`). Linux allows it only for
 * shared mappings and says EINVAL for private ones.
 */
static long mremap_dup_locked(struct mm *mm, uintptr_t old, size_t new_len, int flags,
                              uintptr_t new_addr, const struct mm_vma *v)
{
    struct mm_vma n = *v;
    uintptr_t target;
    long ret;

    if (v->shared_id == 0 || !(flags & MREMAP_MAYMOVE))
        return -EINVAL;
    if (flags & MREMAP_FIXED) {
        if (new_addr & (ARCH_PAGE_SIZE - 1))
            return -EINVAL;
        if (new_addr > ARCH_TASK_SIZE - new_len || new_addr < MM_MIN_ADDR)
            return -EINVAL;
        if (vma_overlaps_reserved(mm, new_addr, new_addr + new_len))
            return -ENOMEM;
        ret = mm_munmap_locked(mm, new_addr, new_len);
        if (ret < 0)
            return ret;
        target = new_addr;
    } else {
        target = vma_find_free_topdown(mm, new_len, mm->mmap_base);
        if (target == 0)
            return -ENOMEM;
    }
    n.start = target;
    n.end = target + new_len;
    n.shared_off = v->shared_off + (old - v->start);
    n.name = NULL;
    ret = vma_insert(mm, &n);
    if (ret < 0)
        return ret;
    ret = mm->ops->as_mremap(mm->as, old, 0, new_len, target);
    if (ret < 0) {
        forget_range(mm, target, target + new_len);
        return ret;
    }
    vma_merge_all(mm);
    return (long)target;
}

static long mm_mremap_locked(struct mm *mm, uintptr_t old, size_t old_len, size_t new_len,
                             int flags, uintptr_t new_addr)
{
    size_t i;
    struct mm_vma v;
    uintptr_t target;
    long ret;

    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
        return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
        return -EINVAL;
    if (flags & MREMAP_DONTUNMAP)
        return -EINVAL; /* not supported yet */
    if (old & (ARCH_PAGE_SIZE - 1))
        return -EINVAL;
    old_len = ARCH_PAGE_UP(old_len);
    new_len = ARCH_PAGE_UP(new_len);
    if (new_len == 0 || new_len > ARCH_TASK_SIZE)
        return -EINVAL;
    /* The old range must lie within one vma (Linux: EFAULT otherwise). */
    i = vma_lower_bound(mm, old);
    if (i >= mm->nr || mm->vmas[i].start > old || mm->vmas[i].end < old + old_len)
        return -EFAULT;
    if (mm->vmas[i].reserved)
        return -EFAULT;
    v = mm->vmas[i];
    if (old_len == 0)
        return mremap_dup_locked(mm, old, new_len, flags, new_addr, &v);

    if (flags & MREMAP_FIXED) {
        if (new_addr & (ARCH_PAGE_SIZE - 1))
            return -EINVAL;
        if (new_addr > ARCH_TASK_SIZE - new_len || new_addr < MM_MIN_ADDR)
            return -EINVAL;
        if (new_addr < old + old_len && old < new_addr + new_len)
            return -EINVAL;
        if (vma_overlaps_reserved(mm, new_addr, new_addr + new_len))
            return -ENOMEM;
        ret = mm_munmap_locked(mm, new_addr, new_len);
        if (ret < 0)
            return ret;
        target = new_addr;
        goto move;
    }
    if (new_len <= old_len) {
        if (new_len < old_len) {
            ret = mm_munmap_locked(mm, old + new_len, old_len - new_len);
            if (ret < 0)
                return ret;
        }
        return (long)old;
    }
    /* Grow in place when the pages after the old range are free. */
    if (old + new_len <= ARCH_TASK_SIZE && old + new_len > old &&
        !vma_overlaps(mm, old + old_len, old + new_len)) {
        ret = mm->ops->as_mremap(mm->as, old, old_len, new_len, old);
        if (ret < 0)
            return ret;
        /* A grown file mapping reads zeros past the old end (Linux would read the file). */
        v.file_off += old + old_len - v.start;
        v.start = old + old_len;
        v.end = old + new_len;
        ret = vma_insert(mm, &v);
        vma_merge_all(mm);
        return ret < 0 ? ret : (long)old;
    }
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    target = vma_find_free_topdown(mm, new_len, mm->mmap_base);
    if (target == 0)
        return -ENOMEM;

move:
    /* The moved part starts at `old`, not at the vma's start. */
    v.shared_off += old - v.start;
    if (v.file)
        v.file_off += old - v.start;
    /* A removed SysV segment must outlive the moment no vma maps it. */
    ipc_shm_vma_ref(v.shm, 1, 0);
    ret = vma_remove_range(mm, old, old + old_len);
    if (ret < 0)
        goto out;
    v.start = target;
    v.end = target + new_len;
    v.name = NULL;
    ret = vma_insert(mm, &v);
    if (ret < 0)
        goto out;
    ret = mm->ops->as_mremap(mm->as, old, old_len, new_len, target);
    if (ret < 0) {
        /* Undo the bookkeeping: the host left the old mapping where it was. */
        vma_remove_range(mm, target, target + new_len);
        v.start = old;
        v.end = old + old_len;
        vma_insert(mm, &v);
        vma_merge_all(mm);
        goto out;
    }
    vma_merge_all(mm);
    ret = (long)target;
out:
    ipc_shm_vma_ref(v.shm, -1, 0);
    return ret;
}

/*
 * The fork advice of madvise: the host applies it to its mapping (its fork
 * then skips or zeroes the range), and the vmas remember it for mm_fork.
 * WIPEONFORK is EINVAL on shared or file memory, as Linux's.
 */
static long madvise_fork_locked(struct mm *mm, uintptr_t addr, size_t len, int advice)
{
    uintptr_t end;
    long ret;

    if (len == 0)
        return 0;
    len = ARCH_PAGE_UP(len);
    end = addr + len;
    if (end <= addr || end > ARCH_TASK_SIZE)
        return -EINVAL;
    if (!vma_covers(mm, addr, end))
        return -ENOMEM;
    if (vma_overlaps_reserved(mm, addr, end))
        return -EINVAL;
    for (size_t i = vma_lower_bound(mm, addr); i < mm->nr && mm->vmas[i].start < end; i++) {
        const struct mm_vma *v = &mm->vmas[i];

        if (advice == MADV_WIPEONFORK &&
            (v->file || v->shm != NULL || v->shared_id != 0 || (v->flags & MAP_SHARED)))
            return -EINVAL;
    }
    ret = vma_split_at(mm, addr);
    if (ret == 0)
        ret = vma_split_at(mm, end);
    if (ret < 0)
        return ret;
    ret = mm->ops->as_madvise(mm->as, addr, len, advice);
    if (ret < 0) {
        vma_merge_all(mm);
        return ret;
    }
    for (size_t i = vma_lower_bound(mm, addr); i < mm->nr && mm->vmas[i].start < end; i++) {
        struct mm_vma *v = &mm->vmas[i];

        if (advice == MADV_DONTFORK || advice == MADV_DOFORK)
            v->dontfork = advice == MADV_DONTFORK;
        else
            v->wipeonfork = advice == MADV_WIPEONFORK;
    }
    vma_merge_all(mm);
    return 0;
}

static long mm_madvise_locked(struct mm *mm, uintptr_t addr, size_t len, int advice)
{
    uintptr_t end;

    if (addr & (ARCH_PAGE_SIZE - 1))
        return -EINVAL;
    switch (advice) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_DONTNEED:
    case MADV_FREE:
    case MADV_MERGEABLE:
    case MADV_UNMERGEABLE:
    case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE:
    case MADV_DONTDUMP:
    case MADV_DODUMP:
    case MADV_COLD:
    case MADV_PAGEOUT:
        break;
    case MADV_DONTFORK:
    case MADV_DOFORK:
    case MADV_WIPEONFORK:
    case MADV_KEEPONFORK:
        return madvise_fork_locked(mm, addr, len, advice);
    default:
        return -EINVAL;
    }
    if (len == 0)
        return 0;
    len = ARCH_PAGE_UP(len);
    end = addr + len;
    if (end <= addr || end > ARCH_TASK_SIZE)
        return -EINVAL;
    if (!vma_covers(mm, addr, end))
        return -ENOMEM;
    if (vma_overlaps_reserved(mm, addr, end))
        return -EINVAL;
    /* Only the advice that changes what the app observes has to reach the host. */
    if (advice == MADV_DONTNEED || advice == MADV_FREE)
        return mm->ops->as_madvise(mm->as, addr, len, advice);
    return 0;
}

void mm_set_brk_start(struct mm *mm, uintptr_t start)
{
    mm->brk_start = start;
    mm->brk = start;
}

static long mm_brk_locked(struct mm *mm, uintptr_t new_brk)
{
    uintptr_t old_top = ARCH_PAGE_UP(mm->brk), new_top;
    long ret;

    if (new_brk < mm->brk_start || new_brk > ARCH_TASK_SIZE)
        return (long)mm->brk;
    new_top = ARCH_PAGE_UP(new_brk);
    if (new_top < old_top) {
        if (mm_munmap_locked(mm, new_top, old_top - new_top) < 0)
            return (long)mm->brk;
    } else if (new_top > old_top) {
        /* Linux also keeps a guard gap below the next mapping; we need only no overlap. */
        if (vma_overlaps(mm, old_top, new_top))
            return (long)mm->brk;
        ret = mm_mmap_locked(mm, old_top, new_top - old_top, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, NULL, 0);
        if (ret < 0)
            return (long)mm->brk;
        mm_set_name(mm, old_top, "[heap]");
    }
    mm->brk = new_brk;
    return (long)mm->brk;
}

long mm_mmap(struct mm *mm, uintptr_t addr, size_t len, int prot, int flags, int fd, off_t off)
{
    long ret;

    if (!(flags & MAP_ANONYMOUS))
        return fd < 0 ? -EBADF : -ENODEV;
    mm_lock(mm);
    ret = mm_mmap_locked(mm, addr, len, prot, flags, NULL, off);
    mm_unlock(mm);
    return ret;
}

long mm_mmap_file(struct mm *mm, uintptr_t addr, size_t len, int prot, int flags, struct file *f,
                  off_t off)
{
    struct mm_file_src src = { .f = f, .host_fd = vfs_file_host_fd(f) };
    struct stat st;
    long ret;

    if (flags & MAP_ANONYMOUS)
        return mm_mmap(mm, addr, len, prot, flags, -1, off);
    /* Only regular files with a pread op can be copied in (Linux: ENODEV without ->mmap). */
    if (f->ops->pread == NULL || f->ops->fstat == NULL)
        return -ENODEV;
    ret = f->ops->fstat(f, &st);
    if (ret < 0)
        return ret;
    if (!S_ISREG(st.st_mode))
        return -ENODEV;
    src.dev = st.st_dev;
    src.ino = st.st_ino;
    mm_lock(mm);
    ret = mm_mmap_locked(mm, addr, len, prot, flags, &src, off);
    mm_unlock(mm);
    return ret;
}

static long mm_shmat_locked(struct mm *mm, uintptr_t addr, int prot, bool remap,
                            struct ipc_shm *shm, int host_fd, size_t size)
{
    size_t len = ARCH_PAGE_UP(size);
    struct mm_vma v;
    uintptr_t where;
    long ret;

    /* The platform must share the segment's memfd with the app; copies cannot be shared. */
    if (mm->ops->as_mmap_fd == NULL)
        return -ENOSYS;
    if (len == 0 || len > ARCH_TASK_SIZE)
        return -EINVAL;
    if (addr != 0) {
        if (addr < MM_MIN_ADDR || addr > ARCH_TASK_SIZE - len)
            return -EINVAL;
        if (vma_overlaps_reserved(mm, addr, addr + len))
            return -EINVAL;
        if (!remap && vma_overlaps(mm, addr, addr + len))
            return -EINVAL;
        where = addr;
    } else {
        where = vma_find_free_topdown(mm, len, mm->mmap_base);
        if (where == 0)
            return -ENOMEM;
    }
    ret = vma_remove_range(mm, where, where + len);
    if (ret < 0)
        return ret;
    v = (struct mm_vma){
        .start = where,
        .end = where + len,
        .prot = prot & MM_PROT_MASK,
        .flags = MAP_SHARED,
        .shared_id = ipc_shm_futex_id(shm),
        .shared_off = 0,
        .shm = shm,
    };
    ret = vma_insert(mm, &v);
    if (ret < 0)
        return ret;
    ret = mm->ops->as_mmap_fd(mm->as, where, len, v.prot, MAP_SHARED, host_fd, 0);
    if (ret < 0) {
        mm->ops->as_munmap(mm->as, where, len);
        forget_range(mm, where, where + len);
        return ret;
    }
    return (long)where;
}

long mm_shmat(struct mm *mm, uintptr_t addr, int prot, bool remap, struct ipc_shm *shm, int host_fd,
              size_t size)
{
    long ret;

    mm_lock(mm);
    ret = mm_shmat_locked(mm, addr, prot, remap, shm, host_fd, size);
    mm_unlock(mm);
    return ret;
}

static long mm_shmdt_locked(struct mm *mm, uintptr_t addr, int pid)
{
    size_t i = vma_lower_bound(mm, addr);
    struct ipc_shm *shm;
    uintptr_t end;

    if (addr & (ARCH_PAGE_SIZE - 1))
        return -EINVAL;
    /* Linux: the first vma at addr must map the segment from its start. */
    if (i >= mm->nr || mm->vmas[i].start != addr || mm->vmas[i].shm == NULL ||
        mm->vmas[i].shared_off != 0)
        return -EINVAL;
    shm = mm->vmas[i].shm;
    end = addr + ARCH_PAGE_UP(ipc_shm_size(shm));
    ipc_shm_note_pid(shm, pid);
    /* Every vma of this segment in [addr, end) at its own offset goes (split ones too). */
    for (;;) {
        uintptr_t s = 0, e = 0;

        for (i = vma_lower_bound(mm, addr); i < mm->nr && mm->vmas[i].start < end; i++) {
            const struct mm_vma *v = &mm->vmas[i];

            if (v->shm == shm && v->shared_off == v->start - addr) {
                s = v->start;
                e = v->end < end ? v->end : end;
                break;
            }
        }
        if (e == 0)
            return 0;
        mm->ops->as_munmap(mm->as, s, e - s);
        if (forget_range(mm, s, e) < 0)
            return -ENOMEM;
    }
}

long mm_shmdt(struct mm *mm, uintptr_t addr, int pid)
{
    long ret;

    mm_lock(mm);
    ret = mm_shmdt_locked(mm, addr, pid);
    mm_unlock(mm);
    return ret;
}

long mm_msync(struct mm *mm, uintptr_t addr, size_t len, int flags)
{
    uintptr_t end;
    long ret = 0;

    if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
        return -EINVAL;
    if (addr & (ARCH_PAGE_SIZE - 1))
        return -EINVAL;
    if ((flags & MS_ASYNC) && (flags & MS_SYNC))
        return -EINVAL;
    end = addr + ARCH_PAGE_UP(len);
    if (end < addr || ARCH_PAGE_UP(len) < len)
        return -ENOMEM;
    if (end == addr)
        return 0;
    /* Shared file mappings are the host's page cache or read-only snapshots. Holes are ENOMEM. */
    mm_lock(mm);
    if (!vma_covers(mm, addr, end))
        ret = -ENOMEM;
    mm_unlock(mm);
    return ret;
}

long mm_mincore(struct mm *mm, uintptr_t addr, size_t len, unsigned char *vec, size_t vec_len)
{
    size_t pages;
    uintptr_t cur = addr;
    size_t i;
    long ret = 0;

    if (addr & (ARCH_PAGE_SIZE - 1))
        return -EINVAL;
    if (len > ARCH_TASK_SIZE || addr > ARCH_TASK_SIZE - len)
        return -ENOMEM;
    pages = ARCH_PAGE_UP(len) / ARCH_PAGE_SIZE;
    if (pages > vec_len)
        pages = vec_len;
    mm_lock(mm);
    i = vma_lower_bound(mm, addr);
    for (size_t p = 0; p < pages; p++, cur += ARCH_PAGE_SIZE) {
        while (i < mm->nr && mm->vmas[i].end <= cur)
            i++;
        if (i >= mm->nr || mm->vmas[i].start > cur) {
            ret = -ENOMEM;
            break;
        }
        vec[p] = 1;
    }
    mm_unlock(mm);
    return ret < 0 ? ret : (long)pages;
}

long mm_munmap(struct mm *mm, uintptr_t addr, size_t len)
{
    long ret;

    mm_lock(mm);
    ret = mm_munmap_locked(mm, addr, len);
    mm_unlock(mm);
    return ret;
}

long mm_mprotect(struct mm *mm, uintptr_t addr, size_t len, int prot)
{
    long ret;

    mm_lock(mm);
    ret = mm_mprotect_locked(mm, addr, len, prot);
    mm_unlock(mm);
    return ret;
}

long mm_mremap(struct mm *mm, uintptr_t old, size_t old_len, size_t new_len, int flags,
               uintptr_t new_addr)
{
    long ret;

    mm_lock(mm);
    ret = mm_mremap_locked(mm, old, old_len, new_len, flags, new_addr);
    mm_unlock(mm);
    return ret;
}

long mm_madvise(struct mm *mm, uintptr_t addr, size_t len, int advice)
{
    long ret;

    mm_lock(mm);
    ret = mm_madvise_locked(mm, addr, len, advice);
    mm_unlock(mm);
    return ret;
}

long mm_brk(struct mm *mm, uintptr_t new_brk)
{
    long ret;

    mm_lock(mm);
    ret = mm_brk_locked(mm, new_brk);
    mm_unlock(mm);
    return ret;
}

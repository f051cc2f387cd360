/* SPDX-License-Identifier: Apache-2.0 */
/* The app's address space: the vma list, the mmap family, brk, and copying app memory. */
#pragma once

#include <stddef.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sentry/platform/platform.h"

struct task;
struct file;
struct ipc_shm;

/* Linux's vm.mmap_min_addr default: nothing may be mapped below it. */
#define MM_MIN_ADDR 0x10000UL
/* Linux's vm.max_map_count default. */
#define MM_MAX_VMAS 65530
/* Size reserved for the initial stack (RLIMIT_STACK's usual 8 MiB; mapped lazily by the host). */
#define MM_STACK_SIZE (8UL << 20)

/* One mapping. Ranges are page aligned, half open, sorted and never overlap. */
struct mm_vma {
    uintptr_t start;
    uintptr_t end;
    int prot;      /* PROT_READ | PROT_WRITE | PROT_EXEC */
    int flags;     /* MAP_PRIVATE or MAP_SHARED, MAP_ANONYMOUS */
    bool reserved; /* owned by the platform (stub, vDSO): the app may not touch it */
    /*
     * MAP_SHARED anonymous memory: the id of the shared object (kept across
     * fork, so shared futexes of two processes meet) and the offset of
     * `start` in it. 0 for private mappings.
     */
    uint64_t shared_id;
    uint64_t shared_off;
    /*
     * File mappings: the file's offset of `start` and the file's identity
     * (st_dev, st_ino), for /proc/self/maps. Unless `fd_backed`, the bytes
     * are a private copy read at mmap time (see mm_mmap_file). All 0 for
     * anonymous memory.
     */
    bool file;
    uint64_t file_off;
    uint64_t file_dev;
    uint64_t file_ino;
    /*
     * The host maps the file itself (platform as_mmap_fd): the app shares its
     * pages. `may_write`: the file was open for writing, so mprotect may add
     * PROT_WRITE to a shared mapping (Linux's VM_MAYWRITE).
     */
    bool fd_backed;
    bool may_write;
    /*
     * A SysV shm attachment (sentry/ipc): the segment, counted once per vma
     * (ipc_shm_vma_ref) as Linux counts shm_nattch; `shared_off` is the
     * offset in the segment. Such vmas never merge. NULL otherwise.
     */
    struct ipc_shm *shm;
    /*
     * madvise MADV_DONTFORK (a fork's child does not get the range) and
     * MADV_WIPEONFORK (the child gets zeroed pages; private anonymous memory
     * only). The host applies both to its mapping; the mm keeps them so a
     * fork's vma list matches what the host child has.
     */
    bool dontfork;
    bool wipeonfork;
    const char *name; /* "[heap]", "[stack]", "[vdso]", ... or NULL. Static storage. */
};

/*
 * An address space, shared by the threads of a process (and a vfork child).
 * Every public mm_* function takes `mu` (recursive), so mapping calls of
 * two threads never interleave; copies need no lock. The platform address
 * space is not owned by the mm (the kernel releases it with the last user).
 */
struct mm {
    const struct platform_ops *ops;
    struct platform_as *as;
    pthread_mutex_t mu;
    int users;           /* tasks using the mm (atomic); the kernel's get/put */
    struct mm_vma *vmas; /* owned array, nr used of cap */
    size_t nr;
    size_t cap;
    uintptr_t stack_top; /* chosen at creation: the initial stack ends here */
    uintptr_t mmap_base; /* top-down allocations start below this */
    uintptr_t brk_start; /* set by the loader; 0 until then */
    uintptr_t brk;
};

/*
 * Creates the mm of a fresh platform address space: records its reserved
 * ranges and places the stack and the mmap base. Returns 0 or -ENOMEM.
 */
long mm_new(const struct platform_ops *ops, struct platform_as *as, struct mm **out);

/* Frees the mm (not the platform address space). */
void mm_free(struct mm *mm);

/* Holds / releases the mm's lock across several calls (fork: clone and copy as one step). */
void mm_lock(struct mm *mm);
void mm_unlock(struct mm *mm);

/*
 * Creates the mm of `nas`, a fork of `mm`'s address space made by the
 * platform while the caller held mm_lock: the same vmas, brk and layout.
 * Returns 0 or -ENOMEM.
 */
long mm_fork(struct mm *mm, struct platform_as *nas, struct mm **out);

/* A futex's identity: private (the mm and the address) or a shared object and offset. */
struct mm_futex_key {
    uintptr_t obj;
    uint64_t off;
};

/* Computes the key of the futex word at `addr` (`shared`: not FUTEX_PRIVATE_FLAG). */
void mm_futex_key(struct mm *mm, uintptr_t addr, bool shared, struct mm_futex_key *key);

/*
 * mmap(2) semantics for anonymous memory; returns the address or -Exxx.
 * Without MAP_ANONYMOUS it returns -EBADF for fd < 0, else -ENODEV: file
 * mappings go through mm_mmap_file.
 */
long mm_mmap(struct mm *mm, uintptr_t addr, size_t len, int prot, int flags, int fd, off_t off);

/*
 * mmap(2) of `f` (not owned; the mapping keeps no reference, like a mapping
 * that survives close). A file with a host fd (tmpfs memfds, donated gofer
 * fds) is mapped by the host through the platform's as_mmap_fd: the app
 * shares the file's pages (MAP_PRIVATE: until it writes them), writes of
 * MAP_SHARED reach the file and pages past EOF raise SIGBUS. Otherwise (no
 * host fd, a platform without as_mmap_fd, or a host refusing a private
 * mapping) the range is anonymous memory filled from the file
 * through its pread op at mmap time: MAP_PRIVATE is exact except that later
 * writes to the file do not show through untouched pages, and pages wholly
 * beyond EOF read as zeros instead of raising SIGBUS; a MAP_SHARED snapshot
 * cannot be writable (-ENODEV). Returns the address or -Exxx (EACCES,
 * ENODEV, EOVERFLOW, ...).
 */
long mm_mmap_file(struct mm *mm, uintptr_t addr, size_t len, int prot, int flags, struct file *f,
                  off_t off);

/*
 * shmat(2)'s mapping of segment `shm` (held by the caller), whose bytes are
 * host fd `host_fd` (Not owned) of `size` bytes: at `addr` when nonzero
 * (already SHMLBA-aligned; EINVAL when it overlaps a mapping unless
 * `remap`), else where mmap would put it. Returns the address or -EINVAL,
 * -ENOMEM, -ENOSYS (a platform without as_mmap_fd).
 */
long mm_shmat(struct mm *mm, uintptr_t addr, int prot, bool remap, struct ipc_shm *shm, int host_fd,
              size_t size);

/*
 * shmdt(2): unmaps the attachment that starts at `addr` (every vma of its
 * segment within the segment's size from there). `pid` becomes the
 * segment's shm_lpid. Returns 0 or -EINVAL (no attachment starts there).
 */
long mm_shmdt(struct mm *mm, uintptr_t addr, int pid);

/*
 * msync(2): validates like Linux. Shared file mappings write to the host's
 * page cache directly, so there is nothing to write back.
 */
long mm_msync(struct mm *mm, uintptr_t addr, size_t len, int flags);

/*
 * mincore(2) on [addr, addr+len): fills `vec` (sentry memory, one byte per
 * page, `vec_len` bytes) and returns the number of pages, or -EINVAL /
 * -ENOMEM. The platform cannot tell residency: every mapped page reads as
 * resident (gVisor does the same).
 */
long mm_mincore(struct mm *mm, uintptr_t addr, size_t len, unsigned char *vec, size_t vec_len);
/* munmap(2), mprotect(2), mremap(2), madvise(2) semantics; 0 (mremap: the address) or -Exxx. */
long mm_munmap(struct mm *mm, uintptr_t addr, size_t len);
long mm_mprotect(struct mm *mm, uintptr_t addr, size_t len, int prot);
long mm_mremap(struct mm *mm, uintptr_t old, size_t old_len, size_t new_len, int flags,
               uintptr_t new_addr);
long mm_madvise(struct mm *mm, uintptr_t addr, size_t len, int advice);

/* brk(2): moves the break when possible and returns the (new or unchanged) break. */
long mm_brk(struct mm *mm, uintptr_t new_brk);

/* Sets the start of the heap (the page-aligned end of the loaded image). */
void mm_set_brk_start(struct mm *mm, uintptr_t start);

/* Names the vma containing `addr` (for /proc/self/maps later and for debugging). */
void mm_set_name(struct mm *mm, uintptr_t addr, const char *name);

/*
 * Copying app memory. The sentry never dereferences an app pointer.
 * mm_copy_in/out copy all `len` bytes or return -EFAULT (like Linux's
 * copy_{from,to}_user as seen by a syscall); the _partial forms return the
 * number of bytes copied before the first bad page, or -EFAULT for none.
 */
long mm_copy_in(struct mm *mm, void *dst, uintptr_t src, size_t len);
long mm_copy_out(struct mm *mm, uintptr_t dst, const void *src, size_t len);
long mm_copy_in_partial(struct mm *mm, void *dst, uintptr_t src, size_t len);
long mm_copy_out_partial(struct mm *mm, uintptr_t dst, const void *src, size_t len);

/* The same on the task's address space. */
long task_copy_in(struct task *t, void *dst, uintptr_t src, size_t len);
long task_copy_out(struct task *t, uintptr_t dst, const void *src, size_t len);
long task_copy_in_partial(struct task *t, void *dst, uintptr_t src, size_t len);
long task_copy_out_partial(struct task *t, uintptr_t dst, const void *src, size_t len);

/*
 * How many bytes from `addr` on (at most `len`) lie in app mappings the app
 * may write, without a hole: the part of a read buffer a copy-out can fill.
 * Reads clamp to it before they consume data, so that a bad buffer fails with
 * EFAULT and leaves the data in the pipe or socket, as on Linux. Takes mm->mu.
 */
size_t mm_writable_prefix(struct mm *mm, uintptr_t addr, size_t len);

/*
 * Copies a NUL-terminated string of at most `size - 1` bytes into `dst`.
 * Returns its length, -EFAULT, or -ENAMETOOLONG when no NUL was found in
 * `size` bytes (callers pick the Linux errno for their case from that).
 */
long task_copy_in_string(struct task *t, uintptr_t src, char *dst, size_t size);

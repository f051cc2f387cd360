/* SPDX-License-Identifier: Apache-2.0 */
/* Unit test of as_mmap_fd (ptrace), shared file mappings in the mm, and SysV shm attachments. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "sentry/ipc/ipc.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/platform/platform.h"
#include "sentry/platform/ptrace/factory.h"
#include "sentry/vfs/vfs.h"
#include "tests/unit/tap.h"

#define PG   4096UL
#define ADDR 0x20000000UL

static int new_memfd(size_t size)
{
    int fd = memfd_create("test", MFD_CLOEXEC);

    if (fd >= 0 && ftruncate(fd, (off_t)size) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* A regular file over a host fd, without a dentry (the vfs's fd ops stat through one). */
static long t_pread(struct file *f, void *buf, size_t len, int64_t off)
{
    ssize_t n = pread(*(int *)f->priv, buf, len, (off_t)off);

    return n < 0 ? -errno : n;
}

static long t_fstat(struct file *f, struct stat *st)
{
    return fstat(*(int *)f->priv, st) < 0 ? -errno : 0;
}

static int t_host_fd(struct file *f)
{
    return *(int *)f->priv;
}

static void t_release(struct file *f)
{
    close(*(int *)f->priv);
    free(f->priv);
}

static const struct file_ops g_test_file_ops = {
    .name = "test",
    .pread = t_pread,
    .fstat = t_fstat,
    .host_fd = t_host_fd,
    .release = t_release,
};

static struct file *host_file(int fd, unsigned int flags)
{
    int *h = malloc(sizeof(*h));

    *h = fd;
    return file_new(&g_test_file_ops, flags, h);
}

/* as_mmap_fd on `as`: shared writes both ways, offsets, private copies, refused modes. */
static void test_as(const struct platform_ops *ops, struct platform_as *as, const char *what)
{
    int fd = new_memfd(4 * PG);
    int ro = -1;
    char buf[16] = { 0 };
    long ret;

    if (!tap_ok(fd >= 0, "%s: memfd", what))
        return;
    ret = ops->as_mmap_fd(as, ADDR, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    tap_ok(ret == 0, "%s: shared mapping (%ld)", what, ret);
    tap_ok(ops->as_write(as, ADDR + PG + 8, "stub", 4) == 4 &&
               pread(fd, buf, 4, (off_t)PG + 8) == 4 && memcmp(buf, "stub", 4) == 0,
           "%s: the app's writes reach the file", what);
    tap_ok(pwrite(fd, "file", 4, 16) == 4 && ops->as_read(as, buf, ADDR + 16, 4) == 4 &&
               memcmp(buf, "file", 4) == 0,
           "%s: the file's writes show in the app", what);
    ret = ops->as_mmap_fd(as, ADDR + 4 * PG, PG, PROT_READ, MAP_SHARED, fd, (off_t)PG);
    tap_ok(ret == 0 && ops->as_read(as, buf, ADDR + 4 * PG + 8, 4) == 4 &&
               memcmp(buf, "stub", 4) == 0,
           "%s: an offset maps the right page", what);
    tap_ok(ops->as_write(as, ADDR + 4 * PG, "x", 1) == -EFAULT, "%s: PROT_READ is kept", what);
    ret = ops->as_mmap_fd(as, ADDR + 6 * PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    tap_ok(ret == 0 && ops->as_write(as, ADDR + 6 * PG + 16, "priv", 4) == 4 &&
               pread(fd, buf, 4, 16) == 4 && memcmp(buf, "file", 4) == 0,
           "%s: private writes stay private", what);
    ro = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    ret = ops->as_mmap_fd(as, ADDR + 8 * PG, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
    tap_ok(ret == -EACCES, "%s: writable shared map of a read-only fd is EACCES (%ld)", what, ret);
    tap_ok(ops->as_read(as, buf, ADDR + 8 * PG, 1) == -EFAULT,
           "%s: a failed map leaves no scratch page", what);
    /* Many in a row: no fd leaks into the stub, no stale message confuses the next one. */
    for (int i = 0; i < 64; i++) {
        ret = ops->as_mmap_fd(as, ADDR + 10 * PG, PG, PROT_READ, MAP_SHARED, fd, 0);
        if (ret < 0)
            break;
    }
    tap_ok(ret == 0 && ops->as_read(as, buf, ADDR + 10 * PG + 16, 4) == 4 &&
               memcmp(buf, "file", 4) == 0,
           "%s: 64 mappings in a row", what);
    ops->as_munmap(as, ADDR, 12 * PG);
    close(ro);
    close(fd);
}

/* A fork child gets its own socket; both sides keep mapping and share MAP_SHARED pages. */
static void test_fork(const struct platform_ops *ops, struct platform_as *as,
                      struct platform_ctx *ctx, const char *what)
{
    struct platform_as *cas = NULL;
    struct platform_ctx *cctx = NULL;
    int fd = new_memfd(PG);
    char buf[8] = { 0 };
    long ret;

    ret = ops->as_mmap_fd(as, ADDR, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    tap_ok(ret == 0, "%s: parent maps before fork", what);
    ret = ops->ctx_clone(ctx, PLATFORM_CLONE_PROCESS, &cas, &cctx);
    if (!tap_ok(ret == 0, "%s: fork (%ld)", what, ret))
        return;
    tap_ok(ops->ctx_attach(cctx) == 0, "%s: attach the child", what);
    tap_ok(ops->as_write(as, ADDR, "P", 1) == 1 && ops->as_read(cas, buf, ADDR, 1) == 1 &&
               buf[0] == 'P',
           "%s: the inherited shared mapping is shared", what);
    ret = ops->as_mmap_fd(cas, ADDR + PG, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    tap_ok(ret == 0 && ops->as_read(cas, buf, ADDR + PG, 1) == 1 && buf[0] == 'P',
           "%s: the child maps through its own socket (%ld)", what, ret);
    ret = ops->as_mmap_fd(as, ADDR + 2 * PG, PG, PROT_READ, MAP_SHARED, fd, 0);
    tap_ok(ret == 0 && ops->as_read(as, buf, ADDR + 2 * PG, 1) == 1 && buf[0] == 'P',
           "%s: the parent still maps (%ld)", what, ret);
    ops->ctx_release(cctx);
    ops->as_release(cas);
    ops->as_munmap(as, ADDR, 3 * PG);
    close(fd);
}

/* The mm: MAP_SHARED of a file with a host fd, mprotect to writable, SysV attachments. */
static void test_mm(const struct platform_ops *ops, struct platform_as *as)
{
    struct mm *mm = NULL;
    struct file *rw = NULL, *rd = NULL;
    struct shmid_ds ds;
    struct ipc_shm *shm = NULL;
    int host_fd = -1;
    size_t size = 0;
    char buf[8] = { 0 };
    long a, id;

    if (!tap_ok(mm_new(ops, as, &mm) == 0, "mm: mm_new"))
        return;
    rw = host_file(new_memfd(2 * PG), O_RDWR);
    rd = host_file(dup(vfs_file_host_fd(rw)), O_RDONLY);
    if (!tap_ok(rw != NULL && rd != NULL, "mm: host files"))
        return;
    a = mm_mmap_file(mm, 0, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
    tap_ok(a > 0, "mm: writable MAP_SHARED of a host file (%ld)", a);
    tap_ok(mm_copy_out(mm, (uintptr_t)a, "mm", 2) == 0 &&
               pread(vfs_file_host_fd(rw), buf, 2, 0) == 2 && memcmp(buf, "mm", 2) == 0,
           "mm: writes reach the file");
    a = mm_mmap_file(mm, 0, PG, PROT_READ, MAP_SHARED, rw, 0);
    tap_ok(a > 0 && mm_mprotect(mm, (uintptr_t)a, PG, PROT_READ | PROT_WRITE) == 0 &&
               mm_copy_out(mm, (uintptr_t)a + 2, "!", 1) == 0,
           "mm: mprotect to writable when open for writing");
    a = mm_mmap_file(mm, 0, PG, PROT_READ, MAP_SHARED, rd, 0);
    tap_ok(a > 0 && mm_mprotect(mm, (uintptr_t)a, PG, PROT_READ | PROT_WRITE) == -EACCES,
           "mm: not when open read-only");
    tap_ok(mm_mmap_file(mm, 0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, rd, 0) == -EACCES,
           "mm: writable MAP_SHARED of a read-only file is EACCES");

    id = ipc_shm_get(NULL, IPC_PRIVATE, 3 * PG, IPC_CREAT | 0600, 1);
    tap_ok(id >= 0, "shm: create (%ld)", id);
    tap_ok(ipc_shm_attach_get(NULL, (int)id, &shm, &host_fd, &size) == 0 && size == 3 * PG,
           "shm: attach_get");
    a = mm_shmat(mm, 0, PROT_READ | PROT_WRITE, false, shm, host_fd, size);
    ipc_shm_attach_put(shm, a > 0, 7);
    tap_ok(a > 0 && ipc_shm_ctl(NULL, (int)id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1 &&
               ds.shm_lpid == 7,
           "shm: attached once");
    tap_ok(mm_copy_out(mm, (uintptr_t)a + PG, "seg", 3) == 0 &&
               pread(host_fd, buf, 3, (off_t)PG) == 3 && memcmp(buf, "seg", 3) == 0,
           "shm: the memory is the segment");
    tap_ok(mm_mprotect(mm, (uintptr_t)a + PG, PG, PROT_READ) == 0 &&
               ipc_shm_ctl(NULL, (int)id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 3,
           "shm: a split counts every vma, as Linux does");
    tap_ok(mm_shmdt(mm, (uintptr_t)a + PG, 8) == -EINVAL, "shmdt inside is EINVAL");
    tap_ok(ipc_shm_ctl(NULL, (int)id, IPC_RMID, NULL) == 0 &&
               ipc_shm_ctl(NULL, (int)id, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & SHM_DEST) &&
               ds.shm_perm.__key == IPC_PRIVATE,
           "shm: removed while attached stays until the last detach");
    tap_ok(mm_shmdt(mm, (uintptr_t)a, 8) == 0 && mm_copy_out(mm, (uintptr_t)a, "x", 1) == -EFAULT,
           "shm: shmdt unmaps every piece");
    tap_ok(ipc_shm_ctl(NULL, (int)id, IPC_STAT, &ds) == -EINVAL, "shm: gone after the last detach");
    tap_ok(ipc_shm_get(NULL, 0x1234, 0, 0, 1) == -ENOENT &&
               ipc_shm_get(NULL, 0x1234, 10, IPC_CREAT | 0600, 1) >= 0 &&
               ipc_shm_get(NULL, 0x1234, 10, IPC_CREAT | IPC_EXCL, 1) == -EEXIST &&
               ipc_shm_get(NULL, 0x1234, 11, 0, 1) == -EINVAL,
           "shm: keys");
    id = ipc_shm_get(NULL, 0x1234, 0, 0, 1);
    tap_ok(id >= 0 && ipc_shm_ctl(NULL, (int)id, IPC_RMID, NULL) == 0 &&
               ipc_shm_get(NULL, 0x1234, 0, 0, 1) == -ENOENT,
           "shm: removal without attachments frees the key");
    put_file(rw);
    put_file(rd);
    mm_free(mm);
}

static void run_all(const struct platform_ops *ops, struct platform *p, const char *what)
{
    cleanup_error rt_error_t err = NULL;
    struct platform_as *as = NULL;
    struct platform_ctx *ctx = NULL;

    if (!tap_ok(ops->as_new(p, &as, &ctx, &err) == 0, "%s: as_new (%s)", what, rt_error_msg(err)))
        return;
    test_as(ops, as, what);
    test_fork(ops, as, ctx, what);
    if (strcmp(what, "direct") == 0)
        test_mm(ops, as);
    ops->ctx_release(ctx);
    ops->as_release(as);
}

int main(void)
{
    const struct platform_ops *ops = platform_lookup("ptrace");
    struct platform_opts opts = { .pin_cpu = false };
    cleanup_error rt_error_t err = NULL;
    struct platform *p = NULL;

    if (!tap_ok(ops->init(&opts, &p, &err) == 0, "init (%s)", rt_error_msg(err)))
        return tap_done();
    run_all(ops, p, "direct");
    /* Stubs from the factory (as in the sandbox) hold no fd at all before their first map. */
    if (tap_ok(ptrace_factory_start(&err) == 0, "factory (%s)", rt_error_msg(err)))
        run_all(ops, p, "factory");
    ops->fini(p);
    return tap_done();
}

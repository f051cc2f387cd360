/* SPDX-License-Identifier: Apache-2.0 */
/* Unit test of the ptrace platform: stub creation, injected mmap, copy in/out, trapped syscalls. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/platform/platform.h"
#include "tests/unit/tap.h"

/* getpid: mov $39,%eax; syscall; mov %rax,%rdi; mov $60,%eax; syscall; ud2 */
static const unsigned char g_code[] = {
    0xb8, 0x27, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x89, 0xc7,
    0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x0f, 0x0b,
};

#define CODE_ADDR 0x10000000UL

/* The mm layer over a real stub: address choice, splits, merges, errors, and copies. */
static void test_mm(const struct platform_ops *ops, struct platform *p)
{
    cleanup_error rt_error_t err = NULL;
    struct platform_as *as = NULL;
    struct platform_ctx *ctx = NULL;
    struct mm *mm = NULL;
    struct task t = { 0 };
    const size_t pg = 4096;
    char buf[64];
    long a, b, ret;

    if (!tap_ok(ops->as_new(p, &as, &ctx, &err) == 0, "mm: as_new"))
        return;
    if (!tap_ok(mm_new(ops, as, &mm) == 0, "mm: mm_new"))
        return;
    t.mm = mm;
    tap_ok(mm->stack_top > mm->mmap_base && mm->stack_top <= ARCH_TASK_SIZE, "mm: layout");

    a = mm_mmap(mm, 0, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    tap_ok(a > 0 && (uintptr_t)a + 3 * pg <= mm->mmap_base, "mm: top-down mmap (%#lx)", a);
    b = mm_mmap(mm, 0, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    tap_ok(b == a - (long)pg, "mm: next mapping goes right below (%#lx)", b);
    ret = mm_mmap(mm, (uintptr_t)a, pg, PROT_READ,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    tap_ok(ret == -EEXIST, "mm: MAP_FIXED_NOREPLACE over a mapping is EEXIST (%ld)", ret);
    ret = mm_mmap(mm, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    tap_ok(ret == -EINVAL, "mm: zero length is EINVAL");
    ret = mm_mmap(mm, 0, pg, PROT_READ, MAP_ANONYMOUS, -1, 0);
    tap_ok(ret == -EINVAL, "mm: no MAP_PRIVATE/MAP_SHARED is EINVAL");
    ret = mm_mmap(mm, 0, (size_t)-1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    tap_ok(ret == -ENOMEM, "mm: huge length is ENOMEM");
    ret = mm_mmap(mm, 0x1000, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    tap_ok(ret == -EPERM, "mm: MAP_FIXED below mmap_min_addr is EPERM");

    /* Punch a hole in the middle: two vmas remain; mprotect over the hole fails with ENOMEM. */
    tap_ok(mm_munmap(mm, (uintptr_t)a + pg, pg) == 0, "mm: munmap middle page");
    tap_ok(mm_copy_out(mm, (uintptr_t)a + pg, "x", 1) == -EFAULT, "mm: hole is EFAULT");
    ret = mm_mprotect(mm, (uintptr_t)a, 3 * pg, PROT_READ);
    tap_ok(ret == -ENOMEM, "mm: mprotect across a hole is ENOMEM (%ld)", ret);
    tap_ok(mm_copy_out(mm, (uintptr_t)a, "x", 1) == -EFAULT,
           "mm: ... but the prefix was made read-only");
    tap_ok(mm_mprotect(mm, (uintptr_t)a, pg, PROT_READ | PROT_WRITE) == 0 &&
               mm_copy_out(mm, (uintptr_t)a, "x", 1) == 0,
           "mm: mprotect back to RW");
    tap_ok(mm_munmap(mm, (uintptr_t)a + 1, pg) == -EINVAL, "mm: unaligned munmap is EINVAL");
    tap_ok(mm_munmap(mm, 0x7000, pg) == 0, "mm: munmap of nothing is fine");

    /* A string that ends right before an unmapped page is still read. */
    memset(buf, 'a', sizeof(buf));
    tap_ok(mm_copy_out(mm, (uintptr_t)a + pg - 4, "abc", 4) == 0, "mm: write string at page end");
    ret = task_copy_in_string(&t, (uintptr_t)a + pg - 4, buf, sizeof(buf));
    tap_ok(ret == 3 && strcmp(buf, "abc") == 0, "mm: string up to an unmapped page (%ld)", ret);
    tap_ok(mm_copy_out(mm, (uintptr_t)a + pg - 4, "abcd", 4) == 0 &&
               task_copy_in_string(&t, (uintptr_t)a + pg - 4, buf, sizeof(buf)) == -EFAULT,
           "mm: unterminated string running into a hole is EFAULT");
    tap_ok(task_copy_in_string(&t, (uintptr_t)a, buf, 1) == -ENAMETOOLONG,
           "mm: string longer than the buffer is ENAMETOOLONG");

    /* mremap: grow in place into free space, then move when blocked. */
    ret = mm_mremap(mm, (uintptr_t)a + 2 * pg, pg, 2 * pg, 0, 0);
    tap_ok(ret == -ENOMEM || ret == a + 2 * (long)pg, "mm: mremap grow in place or ENOMEM (%#lx)",
           ret);
    ret = mm_mremap(mm, (uintptr_t)b, pg, 4 * pg, MREMAP_MAYMOVE, 0);
    tap_ok(ret > 0 && ret != b, "mm: mremap moves when it cannot grow (%#lx)", ret);
    tap_ok(mm_copy_out(mm, (uintptr_t)b, "x", 1) == -EFAULT, "mm: old range gone after the move");

    /* brk grows page by page and refuses to go below its start. */
    mm_set_brk_start(mm, 0x600000);
    tap_ok(mm_brk(mm, 0x600000 + 10) == 0x600000 + 10, "mm: brk grows");
    tap_ok(mm_copy_out(mm, 0x600000, "x", 1) == 0, "mm: brk memory is writable");
    tap_ok(mm_brk(mm, 0x500000) == 0x600000 + 10, "mm: brk below start is refused");
    tap_ok(mm_brk(mm, 0x600000) == 0x600000 && mm_copy_out(mm, 0x600000, "x", 1) == -EFAULT,
           "mm: brk shrinks and unmaps");

    mm_free(mm);
    ops->ctx_release(ctx);
    ops->as_release(as);
}

int main(void)
{
    const struct platform_ops *ops = platform_lookup("ptrace");
    struct platform_opts opts = { .pin_cpu = true };
    cleanup_error rt_error_t err = NULL;
    struct platform *p = NULL;
    struct platform_as *as = NULL;
    struct platform_ctx *ctx = NULL;
    const struct platform_as_info *info;
    struct platform_event ev;
    struct arch_regs regs;
    char buf[64], big[8192];
    long ret;

    tap_ok(ops != NULL, "ptrace backend registered");
    if (!tap_ok(ops->init(&opts, &p, &err) == 0, "init (%s)", rt_error_msg(err)))
        return tap_done();
    if (!tap_ok(ops->as_new(p, &as, &ctx, &err) == 0, "as_new (%s)", rt_error_msg(err)))
        return tap_done();
    info = ops->as_info(as);
    tap_ok(info->nr_reserved >= 2 && info->vdso_base != 0, "reserved ranges include stub and vdso");

    ret = ops->as_read(as, buf, CODE_ADDR, 16);
    tap_ok(ret == -EFAULT, "read of unmapped memory is EFAULT (%ld)", ret);
    ret =
        ops->as_mmap(as, CODE_ADDR, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    tap_ok(ret == (long)CODE_ADDR, "injected mmap returns the address (%#lx)", ret);
    ret = ops->as_write(as, CODE_ADDR, g_code, sizeof(g_code));
    tap_ok(ret == (long)sizeof(g_code), "write code");
    memset(buf, 0, sizeof(buf));
    ret = ops->as_read(as, buf, CODE_ADDR, sizeof(g_code));
    tap_ok(ret == (long)sizeof(g_code) && memcmp(buf, g_code, sizeof(g_code)) == 0,
           "read back code");
    ret = ops->as_read(as, big, CODE_ADDR + 4096, sizeof(big));
    tap_ok(ret == 4096, "read across the end of a mapping is short (%ld)", ret);
    ret = ops->as_mprotect(as, CODE_ADDR, 4096, PROT_READ | PROT_EXEC);
    tap_ok(ret == 0, "injected mprotect (%ld)", ret);
    ret = ops->as_write(as, CODE_ADDR, g_code, 4);
    tap_ok(ret == -EFAULT, "write to read-only memory is EFAULT (%ld)", ret);
    ret = ops->as_mmap(as, 0x20000000UL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | 0x1000000);
    tap_ok(ret == -EINVAL || ret == 0x20000000L, "bad flags give a host errno, not a crash");

    tap_ok(ops->ctx_get_regs(ctx, &regs) == 0, "get regs");
    arch_regs_init_exec(&regs, CODE_ADDR, 0);
    ret = ops->ctx_switch(ctx, &regs, &ev);
    tap_ok(ret == 0 && ev.kind == PLATFORM_EVENT_SYSCALL && arch_syscall_nr(&regs) == SYS_getpid,
           "getpid trapped (ret %ld kind %d nr %ld)", ret, ev.kind, arch_syscall_nr(&regs));
    arch_set_return(&regs, 4242);
    ret = ops->ctx_switch(ctx, &regs, &ev);
    tap_ok(ret == 0 && ev.kind == PLATFORM_EVENT_SYSCALL && arch_syscall_nr(&regs) == SYS_exit &&
               arch_syscall_arg(&regs, 0) == 4242,
           "exit trapped with the emulated return value as its argument (%llu)",
           (unsigned long long)arch_syscall_arg(&regs, 0));
    ret = ops->as_munmap(as, 0x20000000UL, 4096);
    tap_ok(ret == 0, "injection between trapped syscalls (%ld)", ret);
    ret = ops->ctx_switch(ctx, &regs, &ev);
    tap_ok(ret == 0 && ev.kind == PLATFORM_EVENT_SIGNAL && ev.signo == SIGILL,
           "exit was not executed; ud2 reported as SIGILL (kind %d sig %d)", ev.kind, ev.signo);

    /* A tight loop of trapped syscalls, as a smoke benchmark. */
    {
        struct timespec a, b;
        const int n = 2000;

        regs.r.rip = CODE_ADDR;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (int i = 0; i < n; i++) {
            regs.r.rip = CODE_ADDR;
            ops->ctx_switch(ctx, &regs, &ev);
            arch_set_return(&regs, 0);
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        tap_diag("%.0f ns per trapped syscall round trip",
                 ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
    }

    ops->ctx_release(ctx);
    ops->as_release(as);
    test_mm(ops, p);
    ops->fini(p);
    return tap_done();
}

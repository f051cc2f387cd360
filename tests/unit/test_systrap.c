/* SPDX-License-Identifier: Apache-2.0 */
/* Unit test of the systrap platform: stub, injected mm syscalls, copies, traps, registers, FPU. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/platform/platform.h"
#include "sentry/platform/systrap/factory.h"
#include "sentry/platform/systrap/systrap_internal.h"
#include "tests/unit/tap.h"

#define CODE_ADDR 0x10000000UL
#define DATA_ADDR (CODE_ADDR + 4096)

/* getpid: mov $39,%eax; syscall; mov %rax,%rdi; mov $60,%eax; syscall; ud2 */
static const unsigned char g_code[] = {
    0xb8, 0x27, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x89, 0xc7,
    0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x0f, 0x0b,
};
/* +0x100: syscall; ud2 */
static const unsigned char g_bare[] = { 0x0f, 0x05, 0x0f, 0x0b };
/* +0x200: mov %fs:0,%rdi; mov $39,%eax; syscall */
static const unsigned char g_fs[] = { 0x64, 0x48, 0x8b, 0x3c, 0x25, 0x00, 0x00, 0x00,
                                      0x00, 0xb8, 0x27, 0x00, 0x00, 0x00, 0x0f, 0x05 };
/* +0x300: movq %xmm0,%rdi; syscall */
static const unsigned char g_xmm[] = { 0x66, 0x48, 0x0f, 0x7e, 0xc7, 0x0f, 0x05 };
/* +0x400: movl $1, 0 */
static const unsigned char g_null[] = { 0xc7, 0x04, 0x25, 0x00, 0x00, 0x00,
                                        0x00, 0x01, 0x00, 0x00, 0x00 };
/* +0x500: int $0x80 (i386 getpid); ud2 */
static const unsigned char g_int80[] = { 0xcd, 0x80, 0x0f, 0x0b };
/* +0x600: jmp . */
static const unsigned char g_spin[] = { 0xeb, 0xfe };

struct interrupter {
    const struct platform_ops *ops;
    struct platform_ctx *ctx;
};

static void *interrupt_later(void *arg)
{
    struct interrupter *in = arg;
    struct timespec ts = { .tv_sec = 0, .tv_nsec = 50 * 1000 * 1000 };

    nanosleep(&ts, NULL);
    in->ops->ctx_interrupt(in->ctx);
    return NULL;
}

/* An app thread spinning in its own code comes back on ctx_interrupt from another thread. */
static void test_interrupt(const struct platform_ops *ops, struct platform_ctx *ctx)
{
    struct interrupter in = { .ops = ops, .ctx = ctx };
    struct platform_event ev;
    struct arch_regs r;
    pthread_t th;
    long ret;

    ops->ctx_get_regs(ctx, &r);
    arch_regs_init_exec(&r, CODE_ADDR + 0x600, DATA_ADDR + 2048);
    pthread_create(&th, NULL, interrupt_later, &in);
    ret = ops->ctx_switch(ctx, &r, &ev);
    pthread_join(th, NULL);
    tap_ok(ret == 0 && ev.kind == PLATFORM_EVENT_INTERRUPT && r.r.rip == CODE_ADDR + 0x600,
           "ctx_interrupt stops a spinning thread (kind %d rip %#llx)", ev.kind, r.r.rip);
    /* A spare interrupt, sent while the sentry holds the thread, comes at the next switch. */
    ops->ctx_interrupt(ctx);
    ret = ops->ctx_switch(ctx, &r, &ev);
    tap_ok(ret == 0 && ev.kind == PLATFORM_EVENT_INTERRUPT, "spare interrupt is harmless");
    tap_ok(ops->ctx_attach(ctx) == 0, "ctx_attach");
}

static void put(const struct platform_ops *ops, struct platform_as *as, size_t off,
                const void *code, size_t len)
{
    ops->as_write(as, CODE_ADDR + off, code, len);
}

/* Every general register the sentry sets reaches the app and comes back at the next trap. */
static void test_regs(const struct platform_ops *ops, struct platform_ctx *ctx)
{
    struct platform_event ev;
    struct arch_regs in, out;
    long ret;

    ops->ctx_get_regs(ctx, &in);
    arch_regs_init_exec(&in, CODE_ADDR + 0x100, DATA_ADDR + 2048);
    in.r.rax = SYS_getppid;
    in.r.rbx = 0x1111;
    in.r.rbp = 0x2222;
    in.r.r12 = 0x3333;
    in.r.r13 = 0x4444;
    in.r.r14 = 0x5555;
    in.r.r15 = 0x6666;
    in.r.rdi = 0x7777;
    in.r.rsi = 0x8888;
    in.r.rdx = 0x9999;
    in.r.r10 = 0xaaaa;
    in.r.r8 = 0xbbbb;
    in.r.r9 = 0xcccc;
    out = in;
    ret = ops->ctx_switch(ctx, &out, &ev);
    tap_ok(ret == 0 && ev.kind == PLATFORM_EVENT_SYSCALL && arch_syscall_nr(&out) == SYS_getppid,
           "regs: trapped getppid (kind %d nr %ld)", ev.kind, arch_syscall_nr(&out));
    tap_ok(out.r.rbx == in.r.rbx && out.r.rbp == in.r.rbp && out.r.r12 == in.r.r12 &&
               out.r.r13 == in.r.r13 && out.r.r14 == in.r.r14 && out.r.r15 == in.r.r15,
           "regs: callee-saved registers round trip");
    tap_ok(arch_syscall_arg(&out, 0) == 0x7777 && arch_syscall_arg(&out, 1) == 0x8888 &&
               arch_syscall_arg(&out, 2) == 0x9999 && arch_syscall_arg(&out, 3) == 0xaaaa &&
               arch_syscall_arg(&out, 4) == 0xbbbb && arch_syscall_arg(&out, 5) == 0xcccc,
           "regs: six syscall arguments");
    tap_ok(out.r.rip == CODE_ADDR + 0x102 && out.r.rcx == out.r.rip && out.r.rsp == in.r.rsp &&
               (long)out.r.rax == -ENOSYS,
           "regs: rip after the syscall, rcx = rip, rsp kept, rax = -ENOSYS (rip %#llx)",
           out.r.rip);

    /* Restart: point rip back at the syscall, as the kernel does for ERESTART*. */
    out.r.rip -= 2;
    out.r.rax = SYS_gettid;
    ret = ops->ctx_switch(ctx, &out, &ev);
    tap_ok(ret == 0 && ev.kind == PLATFORM_EVENT_SYSCALL && arch_syscall_nr(&out) == SYS_gettid,
           "regs: rewritten rip and rax restart the syscall as another one");
}

static void test_fs_and_fpu(const struct platform_ops *ops, struct platform_ctx *ctx,
                            struct platform_as *as)
{
    static unsigned char xs[ARCH_XSTATE_MAX];
    const uint64_t magic = 0x1122334455667788ULL, xmm = 0x0123456789abcdefULL;
    struct platform_event ev;
    struct arch_regs r;
    long size, ret;

    ops->as_write(as, DATA_ADDR + 64, &magic, sizeof(magic));
    ops->ctx_get_regs(ctx, &r);
    arch_regs_init_exec(&r, CODE_ADDR + 0x200, DATA_ADDR + 2048);
    r.r.fs_base = DATA_ADDR + 64;
    ret = ops->ctx_switch(ctx, &r, &ev);
    tap_ok(ret == 0 && ev.kind == PLATFORM_EVENT_SYSCALL && r.r.rdi == magic &&
               r.r.fs_base == DATA_ADDR + 64,
           "fs_base set by the sentry is the app's %%fs (rdi %#llx)", r.r.rdi);

    size = ops->ctx_get_fpstate(ctx, xs, sizeof(xs));
    tap_ok(size >= 512 + 64 && size <= (long)sizeof(xs), "fpstate size %ld", size);
    if (size < 512)
        return;
    memcpy(xs + 160, &xmm, sizeof(xmm)); /* XMM0 in the legacy area */
    tap_ok(ops->ctx_set_fpstate(ctx, xs, (size_t)size) == 0, "set fpstate");
    arch_regs_init_exec(&r, CODE_ADDR + 0x300, DATA_ADDR + 2048);
    r.r.fs_base = DATA_ADDR + 64;
    ret = ops->ctx_switch(ctx, &r, &ev);
    tap_ok(ret == 0 && ev.kind == PLATFORM_EVENT_SYSCALL && r.r.rdi == xmm,
           "xmm0 set through the fpstate reaches the app (%#llx)", r.r.rdi);
}

static void test_signals(const struct platform_ops *ops, struct platform_ctx *ctx)
{
    struct platform_event ev;
    struct arch_regs r;
    long ret;

    ops->ctx_get_regs(ctx, &r);
    arch_regs_init_exec(&r, CODE_ADDR + 0x400, DATA_ADDR + 2048);
    ret = ops->ctx_switch(ctx, &r, &ev);
    tap_ok(ret == 0 && ev.kind == PLATFORM_EVENT_SIGNAL && ev.signo == SIGSEGV &&
               ev.info.si_addr == NULL && r.r.rip == CODE_ADDR + 0x400,
           "write to NULL is SIGSEGV at the instruction (kind %d sig %d rip %#llx)", ev.kind,
           ev.signo, r.r.rip);

    arch_regs_init_exec(&r, CODE_ADDR + 0x500, DATA_ADDR + 2048);
    r.r.rax = 20; /* i386 getpid */
    ret = ops->ctx_switch(ctx, &r, &ev);
    tap_ok(ret == 0 && ev.kind == PLATFORM_EVENT_SYSCALL && arch_syscall_nr(&r) == -1,
           "int $0x80 is trapped, with no x86-64 number (nr %ld)", arch_syscall_nr(&r));
}

/* The mm layer over a real systrap stub. */
static void test_mm(const struct platform_ops *ops, struct platform *p)
{
    cleanup_error rt_error_t err = NULL;
    struct platform_as *as = NULL;
    struct platform_ctx *ctx = NULL;
    struct mm *mm = NULL;
    const size_t pg = 4096;
    long a, ret;

    if (!tap_ok(ops->as_new(p, &as, &ctx, &err) == 0, "mm: as_new"))
        return;
    if (!tap_ok(mm_new(ops, as, &mm) == 0, "mm: mm_new"))
        return;
    a = mm_mmap(mm, 0, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    tap_ok(a > 0, "mm: mmap (%#lx)", a);
    tap_ok(mm_munmap(mm, (uintptr_t)a + pg, pg) == 0, "mm: munmap middle page");
    tap_ok(mm_copy_out(mm, (uintptr_t)a + pg, "x", 1) == -EFAULT, "mm: hole is EFAULT");
    tap_ok(mm_copy_out(mm, (uintptr_t)a, "x", 1) == 0, "mm: the rest stays");
    ret = mm_mremap(mm, (uintptr_t)a, pg, 4 * pg, MREMAP_MAYMOVE, 0);
    tap_ok(ret > 0 && ret != a, "mm: mremap moves (%#lx)", ret);
    mm_set_brk_start(mm, 0x600000);
    tap_ok(mm_brk(mm, 0x600000 + 10) == 0x600000 + 10 && mm_copy_out(mm, 0x600000, "x", 1) == 0,
           "mm: brk");
    mm_free(mm);
    ops->ctx_release(ctx);
    ops->as_release(as);
}

/* Runs `ctx` from the code's start until its first trapped syscall; returns its number or -1. */
static long run_to_syscall(const struct platform_ops *ops, struct platform_ctx *ctx)
{
    struct platform_event ev;
    struct arch_regs r;

    if (ops->ctx_get_regs(ctx, &r) < 0)
        return -1;
    arch_regs_init_exec(&r, CODE_ADDR, 0);
    if (ops->ctx_switch(ctx, &r, &ev) < 0 || ev.kind != PLATFORM_EVENT_SYSCALL)
        return -1;
    return arch_syscall_nr(&r);
}

struct thread_run {
    const struct platform_ops *ops;
    struct platform_ctx *ctx;
    long attach, nr;
};

static void *thread_main(void *arg)
{
    struct thread_run *t = arg;

    t->attach = t->ops->ctx_attach(t->ctx);
    t->nr = run_to_syscall(t->ops, t->ctx);
    /* A thread context is released by the thread that runs it. */
    t->ops->ctx_release(t->ctx);
    return NULL;
}

/* fork, vfork-like and thread clones of a stub, and chains of them. */
static void test_clone(const struct platform_ops *ops, struct platform *p)
{
    cleanup_error rt_error_t err = NULL;
    struct platform_as *as = NULL, *fas = NULL, *gas = NULL;
    struct platform_ctx *ctx = NULL, *fctx = NULL, *gctx = NULL, *vctx = NULL;
    struct thread_run tr[3];
    pthread_t th[3];
    char a = 'a', b = 'b', c = 0;
    uint64_t ns = 0;
    long ret;

    if (!tap_ok(ops->as_new(p, &as, &ctx, &err) == 0, "clone: as_new"))
        return;
    ops->as_mmap(as, CODE_ADDR, 2 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                 MAP_PRIVATE | MAP_ANONYMOUS);
    ops->as_write(as, CODE_ADDR, g_code, sizeof(g_code));
    ops->as_write(as, DATA_ADDR, &a, 1);

    ret = ops->ctx_clone(ctx, PLATFORM_CLONE_PROCESS, &fas, &fctx);
    tap_ok(ret == 0 && fas != NULL && fctx != NULL, "clone: fork (%ld)", ret);
    if (ret != 0)
        goto out;
    ops->as_write(as, DATA_ADDR, &b, 1);
    tap_ok(ops->as_read(fas, &c, DATA_ADDR, 1) == 1 && c == 'a',
           "clone: the child's memory is a copy (%c)", c);
    tap_ok(ops->as_mmap(fas, 0x30000000UL, 4096, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS) == 0x30000000L &&
               ops->as_read(as, &c, 0x30000000UL, 1) == -EFAULT,
           "clone: mm syscalls of the child stay in the child");
    tap_ok(run_to_syscall(ops, fctx) == SYS_getpid, "clone: the child traps its syscalls");
    tap_ok(run_to_syscall(ops, ctx) == SYS_getpid, "clone: so does the parent");
    ret = ops->ctx_clone(fctx, PLATFORM_CLONE_PROCESS, &gas, &gctx);
    tap_ok(ret == 0 && run_to_syscall(ops, gctx) == SYS_getpid &&
               ops->as_read(gas, &c, DATA_ADDR, 1) == 1 && c == 'a',
           "clone: fork of a forked stub (%ld)", ret);
    if (ret == 0) {
        ops->ctx_release(gctx);
        ops->as_release(gas);
    }
    tap_ok(run_to_syscall(ops, fctx) == SYS_getpid, "clone: the child survives its child");
    ops->ctx_release(fctx);
    ops->as_release(fas);

    ret = ops->ctx_clone(ctx, PLATFORM_CLONE_VM, NULL, &vctx);
    tap_ok(ret == 0, "clone: vfork-like (%ld)", ret);
    if (ret == 0) {
        tap_ok(ops->ctx_attach(vctx) == 0 && run_to_syscall(ops, vctx) == SYS_getpid,
               "clone: the vfork child runs");
        tap_ok(ops->as_read(as, &c, DATA_ADDR, 1) == 1 && c == 'b', "clone: and shares the memory");
        ops->ctx_release(vctx);
    }

    for (int i = 0; i < 3; i++) {
        tr[i] = (struct thread_run){ .ops = ops, .attach = -1, .nr = -1 };
        ret = ops->ctx_clone(ctx, PLATFORM_CLONE_THREAD, NULL, &tr[i].ctx);
        tap_ok(ret == 0, "clone: thread %d (%ld)", i, ret);
        if (ret != 0)
            goto out;
        if (i == 0)
            tap_ok(ops->ctx_cpu_time(tr[i].ctx, &ns) == 0, "clone: a thread's cpu time");
    }
    for (int i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, thread_main, &tr[i]);
    tap_ok(ops->ctx_attach(ctx) == 0 && run_to_syscall(ops, ctx) == SYS_getpid,
           "clone: the first thread runs alongside");
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        tap_ok(tr[i].attach == 0 && tr[i].nr == SYS_getpid, "clone: thread %d ran and left", i);
    }
    tap_ok(ops->as_munmap(as, 0x30000000UL, 4096) == 0 && run_to_syscall(ops, ctx) == SYS_getpid,
           "clone: the process lives on without its threads");
out:
    ops->ctx_release(ctx);
    ops->as_release(as);
}

/* Stubs from the factory (the path of a sentry under boot's filter) work as cloned ones. */
static void test_factory(const struct platform_ops *ops, struct platform *p)
{
    cleanup_error rt_error_t err = NULL;
    struct platform_as *as = NULL, *fas = NULL;
    struct platform_ctx *ctx = NULL, *fctx = NULL;
    long ret;

    if (!tap_ok(systrap_factory_start(&err) == 0 && systrap_factory_enabled(),
                "factory: started (%s)", rt_error_msg(err)))
        return;
    if (!tap_ok(ops->as_new(p, &as, &ctx, &err) == 0, "factory: as_new (%s)", rt_error_msg(err)))
        return;
    tap_ok(as->from_factory && getpgid(as->pid) >= 0, "factory: the stub is the factory's");
    ops->as_mmap(as, CODE_ADDR, 2 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                 MAP_PRIVATE | MAP_ANONYMOUS);
    ops->as_write(as, CODE_ADDR, g_code, sizeof(g_code));
    tap_ok(run_to_syscall(ops, ctx) == SYS_getpid, "factory: the stub traps its syscalls");
    ret = ops->ctx_clone(ctx, PLATFORM_CLONE_PROCESS, &fas, &fctx);
    tap_ok(ret == 0 && run_to_syscall(ops, fctx) == SYS_getpid, "factory: fork (%ld)", ret);
    if (ret == 0) {
        ops->ctx_release(fctx);
        ops->as_release(fas);
    }
    ops->ctx_release(ctx);
    ops->as_release(as);
}

int main(void)
{
    const struct platform_ops *ops = platform_lookup("systrap");
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

    if (!tap_ok(ops != NULL, "systrap backend registered"))
        return tap_done();
    if (!tap_ok(ops->init(&opts, &p, &err) == 0, "init (%s)", rt_error_msg(err)))
        return tap_done();
    if (!tap_ok(ops->as_new(p, &as, &ctx, &err) == 0, "as_new (%s)", rt_error_msg(err)))
        return tap_done();
    info = ops->as_info(as);
    tap_ok(info->nr_reserved >= 3 && info->vdso_base != 0,
           "reserved ranges include stub, slots and vdso");

    ret = ops->as_read(as, buf, CODE_ADDR, 16);
    tap_ok(ret == -EFAULT, "read of unmapped memory is EFAULT (%ld)", ret);
    ret =
        ops->as_mmap(as, CODE_ADDR, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    tap_ok(ret == (long)CODE_ADDR, "injected mmap returns the address (%#lx)", ret);
    ret = ops->as_write(as, CODE_ADDR, g_code, sizeof(g_code));
    tap_ok(ret == (long)sizeof(g_code), "write code");
    put(ops, as, 0x100, g_bare, sizeof(g_bare));
    put(ops, as, 0x200, g_fs, sizeof(g_fs));
    put(ops, as, 0x300, g_xmm, sizeof(g_xmm));
    put(ops, as, 0x400, g_null, sizeof(g_null));
    put(ops, as, 0x500, g_int80, sizeof(g_int80));
    put(ops, as, 0x600, g_spin, sizeof(g_spin));
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

    test_regs(ops, ctx);
    test_fs_and_fpu(ops, ctx, as);
    test_signals(ops, ctx);
    test_interrupt(ops, ctx);

    /* A tight loop of trapped syscalls, as a smoke benchmark. */
    {
        struct timespec a, b;
        const int n = 5000;

        arch_regs_init_exec(&regs, CODE_ADDR, 0);
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

    /* A stub killed from outside is reported dead, with the signal. */
    kill(as->pid, SIGKILL);
    ret = ops->ctx_switch(ctx, &regs, &ev);
    tap_ok(ret == 0 && ev.kind == PLATFORM_EVENT_DEAD && ev.signo == SIGKILL,
           "killed stub is DEAD (kind %d sig %d)", ev.kind, ev.signo);
    ret = ops->as_munmap(as, 0x20000000UL, 4096);
    tap_ok(ret == -ESRCH, "no injection into a dead stub (%ld)", ret);

    ops->ctx_release(ctx);
    ops->as_release(as);
    test_mm(ops, p);
    test_clone(ops, p);
    test_factory(ops, p);
    ops->fini(p);
    return tap_done();
}

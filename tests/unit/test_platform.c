/* SPDX-License-Identifier: Apache-2.0 */
/* Unit test of the ptrace platform: stub creation, injected mmap, copy in/out, trapped syscalls. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "sentry/platform/platform.h"
#include "tests/unit/tap.h"

/* getpid: mov $39,%eax; syscall; mov %rax,%rdi; mov $60,%eax; syscall; ud2 */
static const unsigned char g_code[] = {
    0xb8, 0x27, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x89, 0xc7,
    0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x0f, 0x0b,
};

#define CODE_ADDR 0x10000000UL

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
    ops->fini(p);
    return tap_done();
}

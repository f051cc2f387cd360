/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit test of systrap stubs from the stub factory (the path of every container): the
 * syscalls the factory's own filter denies (execve, ptrace, process_vm_*, int $0x80) reach
 * the sentry as traps instead of killing the stub, shared file mappings (as_mmap_fd), and a
 * stub's host pid is what ctx_host_pid reports.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sentry/platform/platform.h"
#include "sentry/platform/systrap/factory.h"
#include "sentry/platform/systrap/systrap.h"
#include "tests/unit/tap.h"

#define CODE_ADDR 0x10000000UL
#define STACK_TOP (CODE_ADDR + 2 * 4096)
#define MAP_ADDR  0x20000000UL

/*
 * mov $59,%eax; syscall       execve
 * mov $101,%eax; syscall      ptrace
 * mov $310,%eax; syscall      process_vm_readv
 * mov $311,%eax; syscall      process_vm_writev
 * mov $322,%eax; syscall      execveat
 * mov $20,%eax; int $0x80     i386 getpid
 * mov $39,%eax; syscall       getpid
 * ud2
 */
static const unsigned char g_code[] = {
    0xb8, 0x3b, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xb8, 0x65, 0x00, 0x00, 0x00, 0x0f,
    0x05, 0xb8, 0x36, 0x01, 0x00, 0x00, 0x0f, 0x05, 0xb8, 0x37, 0x01, 0x00, 0x00,
    0x0f, 0x05, 0xb8, 0x42, 0x01, 0x00, 0x00, 0x0f, 0x05, 0xb8, 0x14, 0x00, 0x00,
    0x00, 0xcd, 0x80, 0xb8, 0x27, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x0f, 0x0b,
};

/* Runs `ctx` from `regs` to its next event; returns the syscall number, -2 for other events. */
static long next_syscall(const struct platform_ops *ops, struct platform_ctx *ctx,
                         struct arch_regs *regs, struct platform_event *ev)
{
    long ret = ops->ctx_switch(ctx, regs, ev);

    if (ret != 0 || ev->kind != PLATFORM_EVENT_SYSCALL)
        return -2;
    /* The sentry's answer: ENOSYS, as a filtered syscall gets. */
    regs->r.rax = (unsigned long long)-ENOSYS;
    return arch_syscall_nr(regs);
}

/* Reads /proc/PID/status's Name and PPid. Returns 0 or -1. */
static int read_status(pid_t pid, char *name, size_t len, pid_t *ppid)
{
    char path[64], line[256];
    FILE *f;
    int found = 0;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    f = fopen(path, "re");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        int v;

        if (strncmp(line, "Name:\t", 6) == 0) {
            size_t n = strcspn(line + 6, "\n");

            if (n >= len)
                n = len - 1;
            memcpy(name, line + 6, n);
            name[n] = '\0';
            found++;
        } else if (sscanf(line, "PPid: %d", &v) == 1) {
            *ppid = v;
            found++;
        }
    }
    fclose(f);
    return found == 2 ? 0 : -1;
}

int main(void)
{
    static const long want[] = { SYS_execve, SYS_ptrace, SYS_process_vm_readv,
                                 SYS_process_vm_writev, SYS_execveat };
    const struct platform_ops *ops = platform_lookup("systrap");
    struct platform_opts opts = { .pin_cpu = true };
    cleanup_error rt_error_t err = NULL;
    struct platform *p = NULL;
    struct platform_as *as = NULL, *fas = NULL;
    struct platform_ctx *ctx = NULL, *fctx = NULL;
    struct platform_event ev;
    struct arch_regs regs;
    char name[64] = "";
    pid_t pid, ppid = 0;
    long nr, ret;

    if (!tap_ok(ops != NULL && ops->ctx_host_pid != NULL, "systrap has ctx_host_pid"))
        return tap_done();
    if (!tap_ok(ops->init(&opts, &p, &err) == 0, "init (%s)", rt_error_msg(err)))
        return tap_done();
    if (!tap_ok(systrap_factory_start(&err) == 0, "factory started (%s)", rt_error_msg(err)))
        return tap_done();
    if (!tap_ok(ops->as_new(p, &as, &ctx, &err) == 0, "as_new (%s)", rt_error_msg(err)))
        return tap_done();
    ret = ops->as_mmap(as, CODE_ADDR, 2 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS);
    tap_ok(ret == (long)CODE_ADDR &&
               ops->as_write(as, CODE_ADDR, g_code, sizeof(g_code)) == (long)sizeof(g_code),
           "code mapped (%#lx)", ret);

    pid = ops->ctx_host_pid(ctx);
    tap_ok(pid > 0 && pid != getpid() && read_status(pid, name, sizeof(name), &ppid) == 0,
           "ctx_host_pid is a live host process (%d, %s)", (int)pid, name);
    tap_ok(ppid != getpid() && ppid > 0, "... a child of the factory, not of the sentry (%d)",
           (int)ppid);

    ops->ctx_get_regs(ctx, &regs);
    arch_regs_init_exec(&regs, CODE_ADDR, STACK_TOP);
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        nr = next_syscall(ops, ctx, &regs, &ev);
        tap_ok(nr == want[i], "syscall %ld reaches the sentry instead of killing the stub (%ld)",
               want[i], nr);
    }
    nr = next_syscall(ops, ctx, &regs, &ev);
    tap_ok(nr == -1, "int $0x80 reaches the sentry with no x86-64 number (%ld)", nr);
    nr = next_syscall(ops, ctx, &regs, &ev);
    tap_ok(nr == SYS_getpid, "the stub lives on: getpid traps (%ld)", nr);

    /* as_mmap_fd: a MAP_SHARED file mapping shares the file's pages both ways. */
    {
        int fd = memfd_create("t", MFD_CLOEXEC);
        char got[8] = "";

        tap_ok(fd >= 0 && ftruncate(fd, 4096) == 0 && pwrite(fd, "file", 4, 0) == 4, "memfd ready");
        ret = ops->as_mmap_fd(as, MAP_ADDR, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        tap_ok(ret == 0, "as_mmap_fd MAP_SHARED (%ld)", ret);
        tap_ok(ops->as_read(as, got, MAP_ADDR, 4) == 4 && memcmp(got, "file", 4) == 0,
               "the app sees the file's bytes");
        tap_ok(ops->as_write(as, MAP_ADDR + 8, "app", 3) == 3 && pread(fd, got, 3, 8) == 3 &&
                   memcmp(got, "app", 3) == 0,
               "the file sees the app's writes");
        ret = ops->as_mmap_fd(as, MAP_ADDR, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, -1, 0);
        tap_ok(ret == -EBADF, "a bad fd is refused (%ld)", ret);
        close(fd);
    }

    /* A fork of a factory stub: its own host process, reported by ctx_host_pid. */
    ret = ops->ctx_clone(ctx, PLATFORM_CLONE_PROCESS, &fas, &fctx);
    if (tap_ok(ret == 0, "fork (%ld)", ret)) {
        pid_t fpid = ops->ctx_host_pid(fctx);

        ppid = 0;
        tap_ok(fpid > 0 && fpid != pid && read_status(fpid, name, sizeof(name), &ppid) == 0 &&
                   ppid == pid,
               "the child's host pid is a child of the parent stub (%d, ppid %d)", (int)fpid,
               (int)ppid);
        ops->ctx_get_regs(fctx, &regs);
        arch_regs_init_exec(&regs, CODE_ADDR, STACK_TOP);
        tap_ok(ops->ctx_attach(fctx) == 0 && next_syscall(ops, fctx, &regs, &ev) == SYS_execve,
               "the child's execve traps too");
        ops->ctx_release(fctx);
        ops->as_release(fas);
        /* The host reaps stubs (SIGCHLD ignored): the pid disappears. */
        for (int i = 0; i < 200 && kill(fpid, 0) == 0; i++)
            usleep(10 * 1000);
        tap_ok(kill(fpid, 0) < 0 && errno == ESRCH, "the child's host process is gone");
    }
    ops->ctx_release(ctx);
    ops->as_release(as);
    ops->fini(p);
    return tap_done();
}

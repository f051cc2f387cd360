/* SPDX-License-Identifier: Apache-2.0 */
/* The ptrace platform: app threads run in a traced stub under PTRACE_SYSEMU; mm ops are injected.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <elf.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "sentry/platform/ptrace/ptrace_internal.h"

static int ptrace_init(const struct platform_opts *opts, struct platform **out, rt_error_t *err)
{
    struct platform *p = xmalloc0(sizeof(*p));

    p->opts = *opts;
    if (ptrace_stub_prepare(p, err) < 0) {
        free(p);
        return rt_error_wrap(err, "preparing the ptrace stub");
    }
    *out = p;
    return 0;
}

static void ptrace_fini(struct platform *p)
{
    if (p == NULL)
        return;
    munmap((void *)p->code_page, 2 * ARCH_PAGE_SIZE);
    free(p);
}

/* Pins the calling (tracer) thread to the CPU it runs on; the stub inherits the mask. */
static int pin_current_cpu(rt_error_t *err)
{
    int cpu = sched_getcpu();
    cpu_set_t set;

    if (cpu < 0)
        return rt_make_error(err, errno, "sched_getcpu");
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) < 0)
        return rt_make_error(err, errno, "sched_setaffinity(cpu %d)", cpu);
    return 0;
}

static int ptrace_as_new(struct platform *p, struct platform_as **out_as,
                         struct platform_ctx **out_ctx, rt_error_t *err)
{
    struct platform_as *as;
    struct platform_ctx *ctx;
    pid_t pid;

    if (p->opts.pin_cpu && pin_current_cpu(err) < 0)
        return rt_error_wrap(err, "pinning the sentry thread");
    pid = ptrace_stub_spawn(p, err);
    if (pid < 0)
        return rt_error_wrap(err, "creating a stub process");
    as = xmalloc0(sizeof(*as));
    ctx = xmalloc0(sizeof(*ctx));
    as->p = p;
    as->pid = pid;
    as->main = ctx;
    ctx->as = as;
    ctx->tid = pid;
    *out_as = as;
    *out_ctx = ctx;
    return 0;
}

static void ptrace_as_release(struct platform_as *as)
{
    if (as == NULL)
        return;
    kill(as->pid, SIGKILL);
    while (waitpid(as->pid, NULL, __WALL) < 0 && errno == EINTR)
        ;
    if (as->main != NULL)
        as->main->dead = true;
    free(as);
}

static const struct platform_as_info *ptrace_as_info(struct platform_as *as)
{
    return &as->p->info;
}

/* Waits for `tid` to stop, retrying on EINTR. Returns the status or -errno. */
static int wait_stop(pid_t tid, int *status)
{
    for (;;) {
        if (waitpid(tid, status, __WALL) >= 0)
            return 0;
        if (errno != EINTR)
            return -errno;
    }
}

static long load_regs(struct platform_ctx *ctx)
{
    if (ctx->host_valid)
        return 0;
    if (ptrace(PTRACE_GETREGS, ctx->tid, NULL, &ctx->host) < 0)
        return -errno;
    ctx->host_valid = true;
    return 0;
}

/* Returns true for signals the CPU raises synchronously for the current instruction. */
static bool is_fault_signal(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGSYS;
}

/* Remembers a host signal that arrived while we drove the thread for our own purposes. */
static void stash_signal(struct platform_ctx *ctx, int sig)
{
    if (ctx->has_pending)
        return; /* One is enough for now; the host does not queue standard signals either. */
    ctx->has_pending = true;
    ctx->pending.kind = PLATFORM_EVENT_SIGNAL;
    ctx->pending.signo = sig;
    if (ptrace(PTRACE_GETSIGINFO, ctx->tid, NULL, &ctx->pending.info) < 0)
        memset(&ctx->pending.info, 0, sizeof(ctx->pending.info));
}

/*
 * Runs one syscall inside the stub: saves the registers, points %rip at the
 * stub's `syscall; int3`, continues to the int3 trap, reads %rax and restores
 * the registers. Returns the host syscall's result (-errno on failure).
 * Costs one stop (~4 us) per call.
 */
static long inject(struct platform_as *as, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                   uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct platform_ctx *ctx = as->main;
    struct user_regs_struct r;
    long ret, rax;
    int status;

    if (ctx == NULL || ctx->dead)
        return -ESRCH;
    ret = load_regs(ctx);
    if (ret < 0)
        return ret;
    r = ctx->host;
    r.rax = (unsigned long long)nr;
    r.orig_rax = (unsigned long long)-1;
    r.rdi = a0;
    r.rsi = a1;
    r.rdx = a2;
    r.r10 = a3;
    r.r8 = a4;
    r.r9 = a5;
    r.rip = as->p->syscall_ip;
    if (ptrace(PTRACE_SETREGS, ctx->tid, NULL, &r) < 0)
        return -errno;
    for (;;) {
        if (ptrace(PTRACE_CONT, ctx->tid, NULL, NULL) < 0)
            return -errno;
        ret = wait_stop(ctx->tid, &status);
        if (ret < 0)
            return ret;
        if (!WIFSTOPPED(status)) {
            ctx->dead = true;
            return -ESRCH;
        }
        if (WSTOPSIG(status) == SIGTRAP)
            break;
        if (is_fault_signal(WSTOPSIG(status))) {
            /* The stub itself faulted: it is unusable. Never loop on it. */
            kill(ctx->tid, SIGKILL);
            ctx->dead = true;
            return -EFAULT;
        }
        /* Another signal got in first: keep it for the kernel and try again. */
        stash_signal(ctx, WSTOPSIG(status));
    }
    errno = 0;
    rax = ptrace(PTRACE_PEEKUSER, ctx->tid, offsetof(struct user_regs_struct, rax), NULL);
    if (rax == -1 && errno != 0)
        return -errno;
    if (ptrace(PTRACE_SETREGS, ctx->tid, NULL, &ctx->host) < 0)
        return -errno;
    return rax;
}

static long ptrace_as_mmap(struct platform_as *as, uintptr_t addr, size_t len, int prot, int flags)
{
    return inject(as, SYS_mmap, addr, len, (uint64_t)prot, (uint64_t)(flags | MAP_FIXED),
                  (uint64_t)-1, 0);
}

static long ptrace_as_munmap(struct platform_as *as, uintptr_t addr, size_t len)
{
    return inject(as, SYS_munmap, addr, len, 0, 0, 0, 0);
}

static long ptrace_as_mprotect(struct platform_as *as, uintptr_t addr, size_t len, int prot)
{
    return inject(as, SYS_mprotect, addr, len, (uint64_t)prot, 0, 0, 0);
}

static long ptrace_as_mremap(struct platform_as *as, uintptr_t old, size_t old_len, size_t new_len,
                             uintptr_t new_addr)
{
    if (new_addr == old)
        return inject(as, SYS_mremap, old, old_len, new_len, 0, 0, 0);
    return inject(as, SYS_mremap, old, old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED, new_addr,
                  0);
}

static long ptrace_as_madvise(struct platform_as *as, uintptr_t addr, size_t len, int advice)
{
    return inject(as, SYS_madvise, addr, len, (uint64_t)advice, 0, 0, 0);
}

static long ptrace_as_read(struct platform_as *as, void *dst, uintptr_t src, size_t len)
{
    struct iovec local = { .iov_base = dst, .iov_len = len };
    struct iovec remote = { .iov_base = (void *)src, .iov_len = len };
    ssize_t n;

    if (len == 0)
        return 0;
    n = process_vm_readv(as->pid, &local, 1, &remote, 1, 0);
    /* Any host failure (EFAULT, ESRCH of a dying stub) is a fault for the app. */
    return n <= 0 ? -EFAULT : n;
}

static long ptrace_as_write(struct platform_as *as, uintptr_t dst, const void *src, size_t len)
{
    struct iovec local = { .iov_base = (void *)src, .iov_len = len };
    struct iovec remote = { .iov_base = (void *)dst, .iov_len = len };
    ssize_t n;

    if (len == 0)
        return 0;
    n = process_vm_writev(as->pid, &local, 1, &remote, 1, 0);
    return n <= 0 ? -EFAULT : n;
}

static void ptrace_ctx_release(struct platform_ctx *ctx)
{
    if (ctx == NULL)
        return;
    if (ctx->as != NULL && ctx->as->main == ctx)
        ctx->as->main = NULL;
    free(ctx);
}

static long ptrace_ctx_get_regs(struct platform_ctx *ctx, struct arch_regs *regs)
{
    long ret = load_regs(ctx);

    if (ret < 0)
        return ret;
    regs->r = ctx->host;
    return 0;
}

static long ptrace_ctx_get_fpstate(struct platform_ctx *ctx, void *buf, size_t size)
{
    struct iovec iov = { .iov_base = buf, .iov_len = size };

    if (ptrace(PTRACE_GETREGSET, ctx->tid, (void *)NT_X86_XSTATE, &iov) < 0)
        return -errno;
    return (long)iov.iov_len;
}

static long ptrace_ctx_set_fpstate(struct platform_ctx *ctx, const void *buf, size_t size)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = size };

    if (ptrace(PTRACE_SETREGSET, ctx->tid, (void *)NT_X86_XSTATE, &iov) < 0)
        return -errno;
    return 0;
}

static long ptrace_ctx_cpu_time(struct platform_ctx *ctx, uint64_t *ns)
{
    /*
     * MAKE_PROCESS_CPUCLOCK(tid, CPUCLOCK_SCHED): Linux refuses thread clocks
     * of other processes but reads a process clock through any of its threads.
     * With one thread per stub that is the thread's time.
     */
    clockid_t id = (clockid_t)((~(unsigned int)ctx->tid << 3) | 2);
    struct timespec ts;

    if (clock_gettime(id, &ts) < 0)
        return -errno;
    *ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
    return 0;
}

/* Returns true when `a` and `b` differ in anything but %rax. */
static bool regs_differ_beyond_rax(const struct user_regs_struct *a,
                                   const struct user_regs_struct *b)
{
    const size_t off = offsetof(struct user_regs_struct, rax);
    const size_t end = off + sizeof(a->rax);

    return memcmp(a, b, off) != 0 ||
           memcmp((const char *)a + end, (const char *)b + end, sizeof(*a) - end) != 0;
}

/*
 * Writes `regs` into the host thread. After a plain syscall only %rax
 * changed, and one POKEUSER is cheaper than SETREGS.
 */
static long store_regs(struct platform_ctx *ctx, const struct arch_regs *regs)
{
    if (ctx->host_valid && !regs_differ_beyond_rax(&ctx->host, &regs->r)) {
        if (ctx->host.rax != regs->r.rax &&
            ptrace(PTRACE_POKEUSER, ctx->tid, offsetof(struct user_regs_struct, rax),
                   (void *)regs->r.rax) < 0)
            return -errno;
    } else if (ptrace(PTRACE_SETREGS, ctx->tid, NULL, &regs->r) < 0) {
        return -errno;
    }
    ctx->host = regs->r;
    ctx->host_valid = true;
    return 0;
}

static long ptrace_ctx_switch(struct platform_ctx *ctx, struct arch_regs *regs,
                              struct platform_event *ev)
{
    int status;
    long ret;

    memset(ev, 0, sizeof(*ev));
    if (ctx->dead) {
        ev->kind = PLATFORM_EVENT_DEAD;
        return 0;
    }
    if (ctx->has_pending) {
        *ev = ctx->pending;
        ctx->has_pending = false;
        return 0;
    }
    ret = store_regs(ctx, regs);
    if (ret < 0)
        return ret;
    for (;;) {
        if (ptrace(PTRACE_SYSEMU, ctx->tid, NULL, NULL) < 0)
            return -errno;
        ctx->host_valid = false;
        ret = wait_stop(ctx->tid, &status);
        if (ret < 0)
            return ret;
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            ctx->dead = true;
            ev->kind = PLATFORM_EVENT_DEAD;
            ev->signo = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
            return 0;
        }
        if (!WIFSTOPPED(status))
            continue;
        if ((status >> 16) != 0)
            continue; /* a ptrace event stop we did not ask for: just resume */
        ret = load_regs(ctx);
        if (ret < 0)
            return ret;
        regs->r = ctx->host;
        if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
            ev->kind = PLATFORM_EVENT_SYSCALL;
            return 0;
        }
        ev->kind = PLATFORM_EVENT_SIGNAL;
        ev->signo = WSTOPSIG(status);
        if (ptrace(PTRACE_GETSIGINFO, ctx->tid, NULL, &ev->info) < 0)
            memset(&ev->info, 0, sizeof(ev->info));
        return 0;
    }
}

const struct platform_ops g_platform_ptrace_ops = {
    .name = "ptrace",
    .init = ptrace_init,
    .fini = ptrace_fini,
    .as_new = ptrace_as_new,
    .as_release = ptrace_as_release,
    .as_info = ptrace_as_info,
    .as_mmap = ptrace_as_mmap,
    .as_munmap = ptrace_as_munmap,
    .as_mprotect = ptrace_as_mprotect,
    .as_mremap = ptrace_as_mremap,
    .as_madvise = ptrace_as_madvise,
    .as_read = ptrace_as_read,
    .as_write = ptrace_as_write,
    .ctx_release = ptrace_ctx_release,
    .ctx_get_fpstate = ptrace_ctx_get_fpstate,
    .ctx_set_fpstate = ptrace_ctx_set_fpstate,
    .ctx_cpu_time = ptrace_ctx_cpu_time,
    .ctx_get_regs = ptrace_ctx_get_regs,
    .ctx_switch = ptrace_ctx_switch,
};

/* SPDX-License-Identifier: Apache-2.0 */
/* The ptrace platform: app threads run in a traced stub under PTRACE_SYSEMU; mm ops are injected.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <elf.h>
#include <linux/audit.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "sentry/platform/ptrace/ptrace_internal.h"

/*
 * The context the calling sentry thread runs (set by every switch and by
 * attach). Injected syscalls and memory copies of an address space go
 * through it when it belongs to that address space: a ptrace request must
 * come from the tracer, and the stub's first thread may be gone.
 */
static __thread struct platform_ctx *t_self;

/* Records the CPUs the sentry may run on; new contexts are spread over them. */
static int collect_cpus(struct platform *p, rt_error_t *err)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof(set), &set) < 0)
        return rt_make_error(err, errno, "sched_getaffinity");
    for (int c = 0; c < CPU_SETSIZE && p->nr_cpus < (int)ARRAY_SIZE(p->cpus); c++) {
        if (CPU_ISSET(c, &set))
            p->cpus[p->nr_cpus++] = c;
    }
    if (p->nr_cpus == 0)
        return rt_make_error(err, EINVAL, "no CPU in the affinity mask");
    return 0;
}

static int ptrace_init(const struct platform_opts *opts, struct platform **out, rt_error_t *err)
{
    struct platform *p = xmalloc0(sizeof(*p));

    p->opts = *opts;
    if (collect_cpus(p, err) < 0) {
        free(p);
        return rt_error_wrap(err, "reading the sentry's CPU set");
    }
    if (ptrace_stub_prepare(p, err) < 0) {
        free(p);
        return rt_error_wrap(err, "preparing the ptrace stub");
    }
    ptrace_fdmap_init(p);
    *out = p;
    return 0;
}

static void ptrace_fini(struct platform *p)
{
    if (p == NULL)
        return;
    munmap((void *)p->code_page, 2 * ARCH_PAGE_SIZE);
    if (p->fd_sock >= 0)
        close(p->fd_sock);
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
    as->sock_fd = -1;
    ctx->as = as;
    ctx->tid = pid;
    ctx->tgid = pid;
    ctx->attached = true;
    *out_as = as;
    *out_ctx = ctx;
    return 0;
}

static void ptrace_as_release(struct platform_as *as)
{
    if (as == NULL)
        return;
    /* Normally gone already: each context made its thread exit. */
    kill(as->pid, SIGKILL);
    if (as->main != NULL) {
        as->main->dead = true;
        as->main->as = NULL;
    }
    free(as->cmd_pending);
    free(as);
}

/* The context to drive for `as` from the calling thread. */
static struct platform_ctx *ctx_for(struct platform_as *as)
{
    if (t_self != NULL && t_self->as == as && !t_self->dead)
        return t_self;
    return as->main;
}

/* The host thread whose address space is `as`, for process_vm_{read,write}v. */
static pid_t mem_tid(struct platform_as *as)
{
    struct platform_ctx *ctx = ctx_for(as);

    return ctx != NULL && !ctx->dead ? ctx->tid : as->pid;
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
static long inject_at(struct platform_ctx *ctx, uintptr_t ip, long nr, uint64_t a0, uint64_t a1,
                      uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
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
    r.rip = ip;
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
        if (WSTOPSIG(status) == PTRACE_INTERRUPT_SIGNAL)
            continue; /* the kernel looks at its signals before the next switch anyway */
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

static long inject(struct platform_as *as, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                   uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct platform_ctx *ctx = ctx_for(as);

    if (ctx == NULL)
        return -ESRCH;
    return inject_at(ctx, as->p->syscall_ip, nr, a0, a1, a2, a3, a4, a5);
}

long ptrace_inject(struct platform_as *as, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                   uint64_t a3, uint64_t a4, uint64_t a5)
{
    return inject(as, nr, a0, a1, a2, a3, a4, a5);
}

pid_t ptrace_inject_tgid(struct platform_as *as)
{
    struct platform_ctx *ctx = ctx_for(as);

    return ctx != NULL ? ctx->tgid : -1;
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

long ptrace_mem_read(struct platform_as *as, void *dst, uintptr_t src, size_t len)
{
    struct iovec local = { .iov_base = dst, .iov_len = len };
    struct iovec remote = { .iov_base = (void *)src, .iov_len = len };
    ssize_t n;

    if (len == 0)
        return 0;
    n = process_vm_readv(mem_tid(as), &local, 1, &remote, 1, 0);
    /* Any host failure (EFAULT, ESRCH of a dying stub) is a fault for the app. */
    return n <= 0 ? -EFAULT : n;
}

long ptrace_mem_write(struct platform_as *as, uintptr_t dst, const void *src, size_t len)
{
    struct iovec local = { .iov_base = (void *)src, .iov_len = len };
    struct iovec remote = { .iov_base = (void *)dst, .iov_len = len };
    ssize_t n;

    if (len == 0)
        return 0;
    n = process_vm_writev(mem_tid(as), &local, 1, &remote, 1, 0);
    return n <= 0 ? -EFAULT : n;
}

/* Waits until the host thread of `ctx` is gone and reaped (ECHILD ends it too). */
static void reap(struct platform_ctx *ctx)
{
    int status;

    for (;;) {
        if (waitpid(ctx->tid, &status, __WALL) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (WIFEXITED(status) || WIFSIGNALED(status))
            continue; /* reaped as tracee; the sentry may also be its real parent */
        if (WIFSTOPPED(status))
            ptrace(PTRACE_CONT, ctx->tid, NULL, NULL);
    }
    ctx->dead = true;
    ctx->reaped = true;
}

/*
 * Seizes the host thread of a context that was never attached and waits for
 * its first stop, so that the caller can make it exit. Returns 0, or -1 when
 * that failed (the thread may be gone already).
 */
static int attach_for_exit(struct platform_ctx *ctx)
{
    int status;

    if (ptrace(PTRACE_SEIZE, ctx->tid, NULL, (void *)(long)PTRACE_STUB_OPTIONS) < 0 ||
        ptrace(PTRACE_INTERRUPT, ctx->tid, NULL, NULL) < 0)
        return -1;
    for (;;) {
        if (wait_stop(ctx->tid, &status) < 0 || !WIFSTOPPED(status))
            return -1;
        if ((status >> 16) == PTRACE_EVENT_STOP)
            break;
        if (ptrace(PTRACE_CONT, ctx->tid, NULL, NULL) < 0)
            return -1;
    }
    ctx->attached = true;
    ctx->host_valid = false;
    return 0;
}

/* Makes the (stopped, traced) host thread of `ctx` run exit(2) and reaps it. */
static void exit_thread(struct platform_ctx *ctx)
{
    struct user_regs_struct r;

    if (!ctx->dead && ctx->attached && load_regs(ctx) == 0) {
        r = ctx->host;
        r.rax = SYS_exit;
        r.orig_rax = (unsigned long long)-1;
        r.rdi = 0;
        r.rip = ctx->as != NULL ? ctx->as->p->syscall_ip : r.rip;
        if (ctx->as == NULL || ptrace(PTRACE_SETREGS, ctx->tid, NULL, &r) < 0 ||
            ptrace(PTRACE_CONT, ctx->tid, NULL, NULL) < 0)
            tgkill(ctx->as != NULL ? ctx->as->pid : ctx->tid, ctx->tid, SIGKILL);
    } else if (!ctx->dead) {
        /* Never attached (a clone whose task could not start): attach now so that it exits
         * alone; SIGKILL, the last resort, ends every thread of its stub process. */
        if (attach_for_exit(ctx) == 0) {
            exit_thread(ctx);
            return;
        }
        tgkill(ctx->as != NULL ? ctx->as->pid : ctx->tid, ctx->tid, SIGKILL);
    }
    reap(ctx);
}

static void ptrace_ctx_release(struct platform_ctx *ctx)
{
    if (ctx == NULL)
        return;
    if (!ctx->dead)
        exit_thread(ctx);
    else if (!ctx->reaped)
        reap(ctx); /* the tracer saw the exit; the sentry may also be the real parent */
    if (ctx->as != NULL && ctx->as->main == ctx)
        ctx->as->main = NULL;
    if (t_self == ctx)
        t_self = NULL;
    free(ctx);
}

/* Pins the calling thread and `tid` to the next vCPU of the round robin. */
static void pin_pair(struct platform *p, pid_t tid)
{
    unsigned int n = __atomic_fetch_add(&p->next_cpu, 1, __ATOMIC_RELAXED);
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(p->cpus[n % (unsigned int)p->nr_cpus], &set);
    /* Best effort: a failure costs speed, not correctness. */
    sched_setaffinity(0, sizeof(set), &set);
    sched_setaffinity(tid, sizeof(set), &set);
}

static long ptrace_ctx_clone(struct platform_ctx *ctx, enum platform_clone_kind kind,
                             struct platform_as **out_as, struct platform_ctx **out_ctx)
{
    struct platform_as *as = ctx->as;
    struct platform_ctx *nctx;
    struct platform_as *nas = NULL;
    uint64_t flags;
    long tid;

    if (as == NULL || ctx->dead)
        return -ESRCH;
    switch (kind) {
    case PLATFORM_CLONE_PROCESS:
        flags = SIGCHLD;
        break;
    case PLATFORM_CLONE_THREAD:
        flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
        break;
    case PLATFORM_CLONE_VM:
        flags = CLONE_VM | SIGCHLD;
        break;
    default:
        return -EINVAL;
    }
    /* No new stack: neither branch of the stub's clone code touches memory. */
    tid = inject_at(ctx, as->p->clone_ip, SYS_clone, flags, 0, 0, 0, 0, 0);
    if (tid < 0)
        return tid;
    nctx = calloc(1, sizeof(*nctx));
    if (kind == PLATFORM_CLONE_PROCESS)
        nas = calloc(1, sizeof(*nas));
    if (nctx == NULL || (kind == PLATFORM_CLONE_PROCESS && nas == NULL)) {
        /* The child waits in its pause loop, untraced: only SIGKILL ends it. */
        kill((pid_t)tid, SIGKILL);
        free(nctx);
        free(nas);
        return -ENOMEM;
    }
    nctx->tid = (pid_t)tid;
    nctx->tgid = kind == PLATFORM_CLONE_THREAD ? ctx->tgid : (pid_t)tid;
    if (nas != NULL) {
        nas->p = as->p;
        nas->pid = (pid_t)tid;
        nas->main = nctx;
        /* The child holds a copy of the parent's socket fd: fdmap.c replaces it on first use. */
        nas->sock_fd = as->sock_fd;
        nas->sock_tgid = as->sock_tgid;
        nctx->as = nas;
        *out_as = nas;
    } else {
        nctx->as = as;
    }
    *out_ctx = nctx;
    return 0;
}

/*
 * The hand-over of a new host thread: it waits untraced in the stub's pause
 * loop. The thread that will serve it seizes it (no signal involved, so no
 * group stop of its process) and interrupts it into a trap stop, from which
 * the first switch resumes it with the app's registers. Its orig_rax is then
 * the app's, never pause's, so the interrupted pause is not restarted.
 */
static long ptrace_ctx_attach(struct platform_ctx *ctx)
{
    int status;
    long ret;

    if (ctx->as != NULL && ctx->as->p->opts.pin_cpu)
        pin_pair(ctx->as->p, ctx->tid);
    if (ptrace(PTRACE_SEIZE, ctx->tid, NULL, (void *)(long)PTRACE_STUB_OPTIONS) < 0) {
        ret = -errno;
        exit_thread(ctx);
        return ret;
    }
    if (ptrace(PTRACE_INTERRUPT, ctx->tid, NULL, NULL) < 0) {
        ret = -errno;
        kill(ctx->tid, SIGKILL);
        reap(ctx);
        return ret;
    }
    for (;;) {
        ret = wait_stop(ctx->tid, &status);
        if (ret < 0 || !WIFSTOPPED(status)) {
            ctx->dead = true;
            return ret < 0 ? ret : -ESRCH;
        }
        if ((status >> 16) == PTRACE_EVENT_STOP)
            break;
        /* A signal reached the thread first: drop it (nothing of the app runs yet). */
        if (ptrace(PTRACE_CONT, ctx->tid, NULL, NULL) < 0) {
            ret = -errno;
            reap(ctx);
            return ret;
        }
    }
    ctx->attached = true;
    ctx->host_valid = false;
    t_self = ctx;
    return 0;
}

static void ptrace_ctx_interrupt(struct platform_ctx *ctx)
{
    if (ctx == NULL || ctx->dead || !ctx->attached || ctx->as == NULL)
        return;
    tgkill(ctx->as->pid, ctx->tid, PTRACE_INTERRUPT_SIGNAL);
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

static pid_t ptrace_ctx_host_pid(struct platform_ctx *ctx)
{
    return __atomic_load_n(&ctx->dead, __ATOMIC_RELAXED) ? 0 : ctx->tgid;
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

static void ptrace_ctx_set_name(struct platform_ctx *ctx, const char *name)
{
    platform_name_set(&ctx->name, name);
}

/* Serialises the name bytes of a code page: the threads of one stub share it. */
static pthread_mutex_t g_name_page_mu = PTHREAD_MUTEX_INITIALIZER;

/*
 * Gives the host thread its app thread's new name (an injected prctl). The
 * name goes below the app's stack pointer's red zone, where a signal frame
 * could go at any time; if that is not writable memory, to the code page's
 * last bytes (PTRACE_POKEDATA: that stub then has its own copy of the page).
 */
static long apply_name(struct platform_ctx *ctx, const struct arch_regs *regs)
{
    uintptr_t at = (regs->r.rsp - 128 - PTRACE_STUB_NAME_SIZE) & ~(uintptr_t)7;
    char name[PTRACE_STUB_NAME_SIZE];
    struct iovec local = { .iov_base = name, .iov_len = sizeof(name) };
    struct iovec remote = { .iov_base = (void *)at, .iov_len = sizeof(name) };
    uint64_t w[2];
    long ret;

    _Static_assert(sizeof(w) == PTRACE_STUB_NAME_SIZE, "two words of name");
    if (!platform_name_take(&ctx->name, name))
        return 0;
    if (process_vm_writev(ctx->tid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof(name)) {
        ret = inject_at(ctx, ctx->as->p->syscall_ip, SYS_prctl, PR_SET_NAME, at, 0, 0, 0, 0);
        return ret == -ESRCH ? ret : 0;
    }
    at = ctx->as->p->code_page + ARCH_PAGE_SIZE - PTRACE_STUB_NAME_SIZE;
    memcpy(w, name, sizeof(w));
    pthread_mutex_lock(&g_name_page_mu);
    if (ptrace(PTRACE_POKEDATA, ctx->tid, at, w[0]) < 0 ||
        ptrace(PTRACE_POKEDATA, ctx->tid, at + 8, w[1]) < 0)
        ret = -errno;
    else
        ret = inject_at(ctx, ctx->as->p->syscall_ip, SYS_prctl, PR_SET_NAME, at, 0, 0, 0, 0);
    pthread_mutex_unlock(&g_name_page_mu);
    return ret == -ESRCH ? ret : 0;
}

static void ptrace_as_set_cmdline(struct platform_as *as, const char *args, size_t len)
{
    struct ptrace_cmdline *c, *old;

    if (len == 0 || len > PLATFORM_CMDLINE_MAX)
        return;
    c = xmalloc(sizeof(*c) + len);
    c->len = len;
    memcpy(c->buf, args, len);
    old = __atomic_exchange_n(&as->cmd_pending, c, __ATOMIC_ACQ_REL);
    free(old);
}

/*
 * Points the stub's command line (its mm's arg_start/arg_end) at the app's
 * argv with an injected prctl(PR_SET_MM_MAP), which needs no capability
 * when it leaves the exe file alone. Where the new image's initial stack
 * holds the strings, it points there, as Linux does (no memory of its own;
 * an app rewriting its argv shows the new text), with the map's argument
 * written below the stack pointer's red zone (free at an image's entry);
 * else both go to a private anonymous page at the data page's address
 * (Linux reads a command line from anonymous memory only). The map's other
 * fields (code, data, brk, stack) mean nothing for a stub: they point at the
 * same place. A fork's child inherits all of it, as on Linux.
 */
static long apply_cmdline(struct platform_ctx *ctx, const struct arch_regs *regs)
{
    uintptr_t page = PTRACE_STUB_CMDLINE_PAGE(ctx->as->p), start, at;
    struct ptrace_cmdline *c;
    struct prctl_mm_map map = { 0 };
    struct iovec local[2], remote[2];
    int n = 0;
    long ret = 0;

    _Static_assert(PLATFORM_CMDLINE_MAX + sizeof(struct prctl_mm_map) <= ARCH_PAGE_SIZE,
                   "a command line and its map fit the page");
    if (__atomic_load_n(&ctx->as->cmd_pending, __ATOMIC_RELAXED) == NULL)
        return 0;
    c = __atomic_exchange_n(&ctx->as->cmd_pending, NULL, __ATOMIC_ACQ_REL);
    if (c == NULL)
        return 0;
    /* The threads of one stub share the page. */
    pthread_mutex_lock(&g_name_page_mu);
    start = platform_find_argv(ctx->tid, regs->r.rsp, c->buf, c->len);
    if (start != 0) {
        at = (regs->r.rsp - 128 - sizeof(map)) & ~(uintptr_t)7;
    } else {
        ret = inject_at(ctx, ctx->as->p->syscall_ip, SYS_mmap, page, ARCH_PAGE_SIZE,
                        PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                        (uint64_t)-1, 0);
        if (ret != (long)page)
            goto out;
        start = page;
        at = page + ARCH_PAGE_SIZE - sizeof(map);
        local[n] = (struct iovec){ .iov_base = c->buf, .iov_len = c->len };
        remote[n++] = (struct iovec){ .iov_base = (void *)page, .iov_len = c->len };
    }
    map.start_code = start;
    map.end_code = start + 1;
    map.start_data = start;
    map.end_data = start;
    map.start_brk = start;
    map.brk = start;
    map.start_stack = start;
    map.arg_start = start;
    map.arg_end = start + c->len;
    map.env_start = start + c->len;
    map.env_end = start + c->len;
    map.exe_fd = (uint32_t)-1;
    local[n] = (struct iovec){ .iov_base = &map, .iov_len = sizeof(map) };
    remote[n++] = (struct iovec){ .iov_base = (void *)at, .iov_len = sizeof(map) };
    if (process_vm_writev(ctx->tid, local, (unsigned long)n, remote, (unsigned long)n, 0) ==
        (ssize_t)(sizeof(map) + (n == 2 ? c->len : 0)))
        ret = inject_at(ctx, ctx->as->p->syscall_ip, SYS_prctl, PR_SET_MM, PR_SET_MM_MAP, at,
                        sizeof(map), 0, 0);
out:
    pthread_mutex_unlock(&g_name_page_mu);
    free(c);
    return ret == -ESRCH ? ret : 0;
}

static long ptrace_ctx_switch(struct platform_ctx *ctx, struct arch_regs *regs,
                              struct platform_event *ev)
{
    int status;
    long ret;

    memset(ev, 0, sizeof(*ev));
    t_self = ctx;
    if (ctx->dead) {
        ev->kind = PLATFORM_EVENT_DEAD;
        return 0;
    }
    if (apply_name(ctx, regs) == -ESRCH || apply_cmdline(ctx, regs) == -ESRCH)
        goto dead;
    if (ctx->has_pending) {
        *ev = ctx->pending;
        ctx->has_pending = false;
        return 0;
    }
    ret = store_regs(ctx, regs);
    if (ret == -ESRCH)
        goto dead;
    if (ret < 0)
        return ret;
    for (;;) {
        if (ptrace(PTRACE_SYSEMU, ctx->tid, NULL, NULL) < 0) {
            if (errno == ESRCH)
                goto dead; /* killed while stopped (exit_group, exec of another thread) */
            return -errno;
        }
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
            struct __ptrace_syscall_info si;

            /* An i386 `int $0x80` from 64-bit code stops here too, with its 32-bit number in
             * orig_rax. The sandbox offers only the 64-bit ABI: like the systrap platform, it
             * reports no syscall number, so the app gets ENOSYS (not a 64-bit call). */
            if (ptrace(PTRACE_GET_SYSCALL_INFO, ctx->tid, sizeof(si), &si) > 0 &&
                si.op == PTRACE_SYSCALL_INFO_ENTRY && si.arch != AUDIT_ARCH_X86_64)
                regs->r.orig_rax = (unsigned long long)-1;
            ev->kind = PLATFORM_EVENT_SYSCALL;
            return 0;
        }
        ev->kind = PLATFORM_EVENT_SIGNAL;
        ev->signo = WSTOPSIG(status);
        if (ptrace(PTRACE_GETSIGINFO, ctx->tid, NULL, &ev->info) < 0)
            memset(&ev->info, 0, sizeof(ev->info));
        if (ev->signo == PTRACE_INTERRUPT_SIGNAL && ev->info.si_code == SI_TKILL &&
            ev->info.si_pid == getpid()) {
            memset(ev, 0, sizeof(*ev));
            ev->kind = PLATFORM_EVENT_INTERRUPT;
        }
        return 0;
    }

dead:
    reap(ctx);
    ev->kind = PLATFORM_EVENT_DEAD;
    ev->signo = SIGKILL;
    return 0;
}

/* The stub page's `lock cmpxchg %edx, (%rdi); int3` (stub.c). */
extern const char sentry_ptrace_stub_begin[] __attribute__((visibility("hidden")));
extern const char sentry_ptrace_stub_cmpxchg[] __attribute__((visibility("hidden")));

/*
 * The ctx_cmpxchg32 op: like an injected syscall, the stopped thread runs the
 * stub's cmpxchg with saved registers and traps on the int3. A fault of the
 * app address (SIGSEGV, SIGBUS) stops the thread at the instruction: the
 * signal is dropped (the next resume passes none) and the registers restored.
 */
static long ptrace_ctx_cmpxchg32(struct platform_ctx *ctx, uintptr_t addr, uint32_t old,
                                 uint32_t new_val, uint32_t *cur)
{
    struct user_regs_struct r;
    bool fault = false;
    int status, sig;
    long ret;

    if (ctx == NULL || ctx->dead || ctx->as == NULL)
        return -ESRCH;
    ret = load_regs(ctx);
    if (ret < 0)
        return ret;
    r = ctx->host;
    r.rip =
        ctx->as->p->code_page + (uintptr_t)(sentry_ptrace_stub_cmpxchg - sentry_ptrace_stub_begin);
    r.orig_rax = (unsigned long long)-1;
    r.rdi = addr;
    r.rax = old;
    r.rdx = new_val;
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
        sig = WSTOPSIG(status);
        if (sig == SIGTRAP)
            break;
        if (sig == PTRACE_INTERRUPT_SIGNAL)
            continue;
        if (sig == SIGSEGV || sig == SIGBUS) {
            fault = true;
            break;
        }
        if (is_fault_signal(sig)) {
            kill(ctx->tid, SIGKILL);
            ctx->dead = true;
            return -EFAULT;
        }
        stash_signal(ctx, sig);
    }
    if (!fault) {
        errno = 0;
        ret = ptrace(PTRACE_PEEKUSER, ctx->tid, offsetof(struct user_regs_struct, rax), NULL);
        if (ret == -1 && errno != 0)
            return -errno;
        *cur = (uint32_t)ret;
    }
    if (ptrace(PTRACE_SETREGS, ctx->tid, NULL, &ctx->host) < 0)
        return -errno;
    return fault ? -EFAULT : 0;
}

const struct platform_ops g_platform_ptrace_ops = {
    .name = "ptrace",
    .init = ptrace_init,
    .fini = ptrace_fini,
    .as_new = ptrace_as_new,
    .as_release = ptrace_as_release,
    .as_info = ptrace_as_info,
    .as_mmap = ptrace_as_mmap,
    .as_mmap_fd = ptrace_as_mmap_fd,
    .as_munmap = ptrace_as_munmap,
    .as_mprotect = ptrace_as_mprotect,
    .as_mremap = ptrace_as_mremap,
    .as_madvise = ptrace_as_madvise,
    .as_read = ptrace_mem_read,
    .as_write = ptrace_mem_write,
    .ctx_release = ptrace_ctx_release,
    .ctx_clone = ptrace_ctx_clone,
    .ctx_attach = ptrace_ctx_attach,
    .ctx_interrupt = ptrace_ctx_interrupt,
    .ctx_get_fpstate = ptrace_ctx_get_fpstate,
    .ctx_set_fpstate = ptrace_ctx_set_fpstate,
    .ctx_cpu_time = ptrace_ctx_cpu_time,
    .ctx_host_pid = ptrace_ctx_host_pid,
    .ctx_set_name = ptrace_ctx_set_name,
    .as_set_cmdline = ptrace_as_set_cmdline,
    .ctx_get_regs = ptrace_ctx_get_regs,
    .ctx_switch = ptrace_ctx_switch,
    .ctx_cmpxchg32 = ptrace_ctx_cmpxchg32,
};

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The systrap platform: app threads run in a stub whose seccomp filter turns
 * every app syscall into SIGSYS; the stub's handler hands the signal frame to
 * the sentry through shared memory and a futex, and the sentry edits the
 * frame (all registers, the FPU state) before the handler returns to the app
 * with rt_sigreturn. Faults and other signals take the same path. mm changes
 * are syscalls the parked handler runs on the sentry's request. No ptrace.
 *
 * Clones are run by the parked handler too (SYSTRAP_CLONE): a thread or a
 * vfork-like process gets a free slot of the same region; a fork gets a new
 * region (a memfd) and a new socket, which the sentry sends over the parent
 * stub's socket before the clone, and the child maps the memfd over its copy
 * of the parent's region (every region lies in the platform's window, which
 * every address space reserves). Each child parks at a trap of its own
 * before ctx_clone returns. A thread leaves by exit(2) from its handler; the
 * kernel clears its slot's tidword (CLONE_CHILD_CLEARTID), and whole stub
 * processes are watched through pidfds (forked stubs are not the sentry's
 * children).
 *
 * Speed: see choose_mode. The round trip is one signal delivery and one
 * rt_sigreturn in the stub plus, when the two sides share a vCPU, two futex
 * calls and two context switches on each side.
 */
#include <asm/prctl.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdio.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "sentry/platform/systrap/factory.h"
#include "sentry/platform/systrap/systrap.h"
#include "sentry/platform/systrap/systrap_internal.h"

/* How long the sentry sleeps on a stub before checking that the stub is still alive. */
#define SYSTRAP_LIVENESS_NS (100 * 1000 * 1000L)
/* Rounds of `pause` each side spins on the message before it sleeps (fast mode only). */
#define SYSTRAP_SPIN_ROUNDS 2000

/* The kernel's x86-64 struct ucontext up to the signal mask (glibc's ucontext_t differs). */
struct kucontext {
    uint64_t flags;
    uint64_t link;
    stack_t stack;
    uint64_t gregs[23];
    uint64_t fpstate;
    uint64_t reserved1[8];
    uint64_t sigmask;
};

/* Indexes of kucontext.gregs (struct sigcontext order). */
enum {
    G_R8,
    G_R9,
    G_R10,
    G_R11,
    G_R12,
    G_R13,
    G_R14,
    G_R15,
    G_RDI,
    G_RSI,
    G_RBP,
    G_RBX,
    G_RDX,
    G_RAX,
    G_RCX,
    G_RSP,
    G_RIP,
    G_EFL,
    G_CSGSFS,
    G_ERR,
    G_TRAPNO,
    G_OLDMASK,
    G_CR2,
};

/* The fxsave area's software bytes: how the kernel describes the XSAVE area of a frame. */
struct fpx_sw_bytes {
    uint32_t magic1;
    uint32_t extended_size;
    uint64_t xfeatures;
    uint32_t xstate_size;
    uint32_t padding[7];
};

#define FXSAVE_SIZE     512
#define SW_BYTES_OFFSET 464
#define XSTATE_MAGIC1   0x46505853U
/* The host signal ctx_interrupt sends to a stub thread: reported as PLATFORM_EVENT_INTERRUPT. */
#define SYSTRAP_SIG_INTERRUPT 64
#define USER_CS               0x33
#define USER_SS               0x2b

/* Records the vCPUs the sentry may run on (none if unknown): ctx_attach spreads pairs over them. */
static void collect_cpus(struct platform *p)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof(set), &set) < 0)
        return;
    for (int c = 0; c < CPU_SETSIZE && p->nr_allowed < (int)ARRAY_SIZE(p->allowed); c++) {
        if (CPU_ISSET(c, &set))
            p->allowed[p->nr_allowed++] = c;
    }
}

static int systrap_init(const struct platform_opts *opts, struct platform **out, rt_error_t *err)
{
    struct platform *p = xmalloc0(sizeof(*p));

    p->opts = *opts;
    p->nr_cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    collect_cpus(p);
    if (systrap_stub_prepare(p, err) < 0) {
        free(p);
        return rt_error_wrap(err, "preparing the systrap stub");
    }
    *out = p;
    return 0;
}

static void systrap_fini(struct platform *p)
{
    if (p == NULL)
        return;
    systrap_stub_unprepare(p);
    free(p);
}

static uintptr_t slot_of(const struct platform_ctx *ctx)
{
    return (uintptr_t)ctx->msg;
}

/* Returns true when [addr, addr+len) lies inside the signal stack of ctx's slot. */
static bool in_slot_stack(const struct platform_ctx *ctx, uint64_t addr, size_t len)
{
    uintptr_t lo = slot_of(ctx) + ARCH_PAGE_SIZE, hi = slot_of(ctx) + SYSTRAP_SLOT_SIZE;

    return addr >= lo && addr < hi && len <= hi - addr;
}

static uint32_t load_state(const struct platform_ctx *ctx)
{
    return __atomic_load_n(&ctx->msg->state, __ATOMIC_ACQUIRE);
}

/* Publishes `state` to the stub and wakes it. */
static void post(struct platform_ctx *ctx, uint32_t state)
{
    /* Sequentially consistent: the state is visible before stub_sleeping is read. */
    __atomic_store_n(&ctx->msg->state, state, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&ctx->msg->stub_sleeping, __ATOMIC_SEQ_CST) != 0)
        syscall(SYS_futex, &ctx->msg->state, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Marks ctx dead if its stub process is gone; returns true if so. */
static bool check_dead(struct platform_ctx *ctx, int *signo)
{
    struct systrap_proc *proc = ctx->proc;
    struct pollfd pfd = { .fd = proc->pidfd, .events = POLLIN };
    siginfo_t si;

    if (ctx->dead)
        return true;
    *signo = SIGKILL;
    if (__atomic_load_n(&ctx->msg->tidword, __ATOMIC_ACQUIRE) == 0) {
        ctx->dead = true;
        return true;
    }
    if (proc->pidfd < 0) {
        if (kill(proc->pid, 0) == 0 || errno != ESRCH)
            return false;
    } else if (poll(&pfd, 1, 0) <= 0) {
        return false;
    }
    ctx->dead = true;
    /* The status of a child of the sentry is known (and left for as_release to reap). */
    memset(&si, 0, sizeof(si));
    if (proc->child && proc->pidfd >= 0 &&
        waitid((idtype_t)P_PIDFD, (id_t)proc->pidfd, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) ==
            0 &&
        (si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED))
        *signo = si.si_status;
    return true;
}

/* A new process record for host process `pid` (pidfd_open'ed for liveness and kills). */
static struct systrap_proc *proc_new(pid_t pid, bool child)
{
    struct systrap_proc *proc = xmalloc0(sizeof(*proc));

    proc->pid = pid;
    proc->child = child;
    proc->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    proc->refs = 1;
    proc->nr_threads = 1;
    return proc;
}

static struct systrap_proc *proc_get(struct systrap_proc *proc)
{
    __atomic_add_fetch(&proc->refs, 1, __ATOMIC_RELAXED);
    return proc;
}

/* Drops a reference; the last one kills what is left of the process (and reaps a child). */
static void proc_put(struct systrap_proc *proc)
{
    if (proc == NULL || __atomic_sub_fetch(&proc->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    if (proc->pidfd >= 0)
        syscall(SYS_pidfd_send_signal, proc->pidfd, SIGKILL, NULL, 0);
    else if (proc->child)
        kill(proc->pid, SIGKILL);
    if (proc->child) {
        while (waitpid(proc->pid, NULL, __WALL) < 0 && errno == EINTR)
            ;
    }
    if (proc->pidfd >= 0)
        close(proc->pidfd);
    free(proc);
}

/* The context this sentry thread serves (set by as_new, ctx_clone's waiter and ctx_attach). */
static __thread struct platform_ctx *t_self;

/* The parked context to run `as`'s mm syscalls through from the calling thread. */
static struct platform_ctx *ctx_for(struct platform_as *as)
{
    if (t_self != NULL && t_self->as == as && !t_self->dead && t_self->uc != 0)
        return t_self;
    return as->main;
}

/* Counts `ctx` among the running contexts of its platform (once). */
static void count_active(struct platform_ctx *ctx)
{
    if (!ctx->counted) {
        ctx->counted = true;
        __atomic_add_fetch(&ctx->as->p->active, 1, __ATOMIC_RELAXED);
    }
}

/*
 * Chooses how the sentry thread and the stub thread of `ctx` meet. While
 * every pair can have two vCPUs to itself, the stub thread runs on the vCPU
 * next to its sentry thread and both spin briefly on the message before they
 * sleep: a round trip then needs no futex call and no context switch
 * (~2.5x faster on our VMs, bench/run.sh). With more pairs than that, both
 * share one vCPU and sleep at once: a same-vCPU hand-over costs far less
 * than a cross-vCPU wake-up, and spinning would only steal the other's time.
 */
static void choose_mode(struct platform_ctx *ctx)
{
    struct platform *p = ctx->as->p;
    int active = __atomic_load_n(&p->active, __ATOMIC_RELAXED);
    bool fast = p->opts.pin_cpu && p->nr_cpus >= 2 && ctx->cpu >= 0 && active * 2 <= p->nr_cpus;
    cpu_set_t set;

    if (fast == ctx->fast)
        return;
    CPU_ZERO(&set);
    CPU_SET(fast ? (ctx->cpu + 1) % p->nr_cpus : ctx->cpu, &set);
    /* Best effort: a failure costs speed, not correctness. */
    if (sched_setaffinity(ctx->tid, sizeof(set), &set) < 0)
        return;
    ctx->fast = fast;
    __atomic_store_n(&ctx->msg->spin, fast ? SYSTRAP_SPIN_ROUNDS : 0, __ATOMIC_RELAXED);
}

/*
 * Waits until the stub publishes `want`. Returns 0, or -ESRCH when the stub
 * died (its killing signal in *signo).
 */
static long wait_for(struct platform_ctx *ctx, uint32_t want, int *signo)
{
    const struct timespec timeout = { .tv_sec = 0, .tv_nsec = SYSTRAP_LIVENESS_NS };
    struct systrap_msg *m = ctx->msg;

    for (unsigned int i = ctx->fast ? SYSTRAP_SPIN_ROUNDS : 0; i > 0; i--) {
        if (load_state(ctx) == want)
            return 0;
        __builtin_ia32_pause();
    }
    for (;;) {
        uint32_t s;
        long ret;

        __atomic_store_n(&m->sentry_sleeping, 1, __ATOMIC_SEQ_CST);
        s = __atomic_load_n(&m->state, __ATOMIC_SEQ_CST);
        if (s == want) {
            __atomic_store_n(&m->sentry_sleeping, 0, __ATOMIC_RELAXED);
            return 0;
        }
        ret = syscall(SYS_futex, &m->state, FUTEX_WAIT, s, &timeout, NULL, 0);
        __atomic_store_n(&m->sentry_sleeping, 0, __ATOMIC_RELAXED);
        if (ret < 0 && errno == ETIMEDOUT) {
            if (check_dead(ctx, signo))
                return -ESRCH;
            /* The app may have cleared stub_sleeping under a sleeping stub: wake it anyway. */
            syscall(SYS_futex, &m->state, FUTEX_WAKE, 1, NULL, NULL, 0);
        }
    }
}

/* Takes the frame the stub just published; returns false if its pointers are bad. */
static bool capture_frame(struct platform_ctx *ctx)
{
    uint64_t uc = __atomic_load_n(&ctx->msg->uc, __ATOMIC_RELAXED);
    uint64_t info = __atomic_load_n(&ctx->msg->info, __ATOMIC_RELAXED);
    uint64_t signo = __atomic_load_n(&ctx->msg->signo, __ATOMIC_RELAXED);

    if (!in_slot_stack(ctx, uc, sizeof(struct kucontext)) ||
        !in_slot_stack(ctx, info, sizeof(siginfo_t)) || signo == 0 || signo >= NSIG)
        return false;
    ctx->uc = uc;
    ctx->info = info;
    ctx->signo = (int)signo;
    return true;
}

/* Fills `regs` from the captured frame (one copy: the app may scribble on it meanwhile). */
static void regs_from_frame(const struct platform_ctx *ctx, struct arch_regs *regs)
{
    struct kucontext uc;
    struct user_regs_struct *r = &regs->r;

    memcpy(&uc, (const void *)ctx->uc, sizeof(uc));
    memset(r, 0, sizeof(*r));
    r->r8 = uc.gregs[G_R8];
    r->r9 = uc.gregs[G_R9];
    r->r10 = uc.gregs[G_R10];
    r->r11 = uc.gregs[G_R11];
    r->r12 = uc.gregs[G_R12];
    r->r13 = uc.gregs[G_R13];
    r->r14 = uc.gregs[G_R14];
    r->r15 = uc.gregs[G_R15];
    r->rdi = uc.gregs[G_RDI];
    r->rsi = uc.gregs[G_RSI];
    r->rbp = uc.gregs[G_RBP];
    r->rbx = uc.gregs[G_RBX];
    r->rdx = uc.gregs[G_RDX];
    r->rax = uc.gregs[G_RAX];
    r->rcx = uc.gregs[G_RCX];
    r->rsp = uc.gregs[G_RSP];
    r->rip = uc.gregs[G_RIP];
    r->eflags = uc.gregs[G_EFL];
    r->orig_rax = (unsigned long long)-1;
    r->cs = USER_CS;
    r->ss = USER_SS;
    r->fs_base = ctx->fs_base;
    r->gs_base = ctx->gs_base;
}

/* Writes `regs` into the captured frame; rt_sigreturn loads them. Segments stay the host's. */
static void regs_to_frame(const struct platform_ctx *ctx, const struct arch_regs *regs)
{
    struct kucontext *uc = (struct kucontext *)ctx->uc;
    const struct user_regs_struct *r = &regs->r;

    uc->gregs[G_R8] = r->r8;
    uc->gregs[G_R9] = r->r9;
    uc->gregs[G_R10] = r->r10;
    uc->gregs[G_R11] = r->r11;
    uc->gregs[G_R12] = r->r12;
    uc->gregs[G_R13] = r->r13;
    uc->gregs[G_R14] = r->r14;
    uc->gregs[G_R15] = r->r15;
    uc->gregs[G_RDI] = r->rdi;
    uc->gregs[G_RSI] = r->rsi;
    uc->gregs[G_RBP] = r->rbp;
    uc->gregs[G_RBX] = r->rbx;
    uc->gregs[G_RDX] = r->rdx;
    uc->gregs[G_RAX] = r->rax;
    uc->gregs[G_RCX] = r->rcx;
    uc->gregs[G_RSP] = r->rsp;
    uc->gregs[G_RIP] = r->rip;
    uc->gregs[G_EFL] = r->eflags;
    /* The sentry emulates the app's signal mask; the host one stays empty. */
    uc->sigmask = 0;
}

/*
 * Runs one syscall in the stub through ctx's parked handler. Only the calls
 * the filter allows from the stub page may be asked for. Returns the host
 * result (-errno) or -ESRCH when the stub is gone.
 */
static long stub_syscall(struct platform_ctx *ctx, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                         uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct systrap_msg *m;
    int signo;
    long ret;

    if (ctx == NULL || ctx->dead || ctx->uc == 0)
        return -ESRCH;
    m = ctx->msg;
    m->sysno = (uint64_t)nr;
    m->args[0] = a0;
    m->args[1] = a1;
    m->args[2] = a2;
    m->args[3] = a3;
    m->args[4] = a4;
    m->args[5] = a5;
    post(ctx, SYSTRAP_SYSCALL);
    ret = wait_for(ctx, SYSTRAP_SYSCALL_DONE, &signo);
    if (ret < 0)
        return ret;
    return (long)__atomic_load_n(&m->ret, __ATOMIC_RELAXED);
}

/* Pins the calling thread to the CPU it runs on; the stub inherits the mask. */
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

/*
 * Drops a reference to `as`; the last one frees it with its region. Its
 * contexts hold references: an exec from a non-leader thread releases the
 * old address space while the other threads of the process, killed by the
 * exec, may still be in ctx_release reading their slots.
 */
static void as_put(struct platform_as *as)
{
    if (__atomic_sub_fetch(&as->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    proc_put(as->proc);
    if (as->sock >= 0)
        close(as->sock);
    if (as->region != 0)
        systrap_region_free(as->p, as->region);
    pthread_mutex_destroy(&as->fd_mu);
    pthread_mutex_destroy(&as->cmd_mu);
    free(as->cmd);
    free(as);
}

static void systrap_as_release(struct platform_as *as)
{
    if (as == NULL)
        return;
    if (as->main != NULL) {
        as->main->dead = true;
        as->main->uc = 0;
    }
    as_put(as);
}

static int systrap_as_new(struct platform *p, struct platform_as **out_as,
                          struct platform_ctx **out_ctx, rt_error_t *err)
{
    struct platform_as *as;
    struct platform_ctx *ctx;
    uint64_t fs = 0, gs = 0;
    int signo = 0;
    pid_t pid;

    if (p->opts.pin_cpu && pin_current_cpu(err) < 0)
        return rt_error_wrap(err, "pinning the sentry thread");
    /* The stub starts with the bases of the thread that clones it. */
    if (syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) < 0 ||
        syscall(SYS_arch_prctl, ARCH_GET_GS, &gs) < 0)
        return rt_make_error(err, errno, "arch_prctl(ARCH_GET_FS)");
    as = xmalloc0(sizeof(*as));
    as->p = p;
    as->refs = 1; /* the caller's; the first context takes its own on success */
    as->sock = -1;
    pthread_mutex_init(&as->fd_mu, NULL);
    pthread_mutex_init(&as->cmd_mu, NULL);
    pid = systrap_stub_spawn(p, as, err);
    if (pid < 0) {
        systrap_as_release(as);
        return rt_error_wrap(err, "creating a stub process");
    }
    as->pid = pid;
    as->proc = proc_new(pid, !as->from_factory);
    as->slots[0] = 3; /* the header and the first thread */
    ctx = xmalloc0(sizeof(*ctx));
    ctx->as = as;
    ctx->proc = proc_get(as->proc);
    ctx->tid = pid;
    ctx->slot = 1;
    ctx->msg = (struct systrap_msg *)(as->region + SYSTRAP_SLOT_SIZE);
    ctx->cpu = p->opts.pin_cpu ? sched_getcpu() : -1;
    ctx->fs_base = fs;
    ctx->gs_base = gs;
    as->main = ctx;
    /* The stub's start-up code ends in a trapped syscall that parks it in the handler. */
    if (wait_for(ctx, SYSTRAP_EVENT, &signo) < 0 || !capture_frame(ctx) || ctx->signo != SIGSYS) {
        int status = 0;

        kill(pid, SIGKILL);
        waitpid(pid, &status, __WALL | WNOWAIT);
        proc_put(ctx->proc);
        free(ctx);
        as->main = NULL;
        systrap_as_release(as);
        return rt_make_error(err, 0, "stub setup failed (signal %d, status %#x)", signo, status);
    }
    __atomic_add_fetch(&as->refs, 1, __ATOMIC_RELAXED);
    count_active(ctx);
    t_self = ctx;
    *out_as = as;
    *out_ctx = ctx;
    return 0;
}

static const struct platform_as_info *systrap_as_info(struct platform_as *as)
{
    return &as->info;
}

static long systrap_as_mmap(struct platform_as *as, uintptr_t addr, size_t len, int prot, int flags)
{
    return stub_syscall(ctx_for(as), SYS_mmap, addr, len, (uint64_t)prot,
                        (uint64_t)(flags | MAP_FIXED), (uint64_t)-1, 0);
}

static long systrap_as_munmap(struct platform_as *as, uintptr_t addr, size_t len)
{
    return stub_syscall(ctx_for(as), SYS_munmap, addr, len, 0, 0, 0, 0);
}

static long systrap_as_mprotect(struct platform_as *as, uintptr_t addr, size_t len, int prot)
{
    return stub_syscall(ctx_for(as), SYS_mprotect, addr, len, (uint64_t)prot, 0, 0, 0);
}

static long systrap_as_mremap(struct platform_as *as, uintptr_t old, size_t old_len, size_t new_len,
                              uintptr_t new_addr)
{
    if (new_addr == old)
        return stub_syscall(ctx_for(as), SYS_mremap, old, old_len, new_len, 0, 0, 0);
    return stub_syscall(ctx_for(as), SYS_mremap, old, old_len, new_len,
                        MREMAP_MAYMOVE | MREMAP_FIXED, new_addr, 0);
}

static long systrap_as_madvise(struct platform_as *as, uintptr_t addr, size_t len, int advice)
{
    return stub_syscall(ctx_for(as), SYS_madvise, addr, len, (uint64_t)advice, 0, 0, 0);
}

/* A live host thread of `as`'s memory, for process_vm_{read,write}v. */
static pid_t mem_pid(struct platform_as *as)
{
    struct platform_ctx *ctx = ctx_for(as);

    return ctx != NULL && !ctx->dead ? ctx->tid : as->pid;
}

/*
 * App memory is the stub's private memory, copied with process_vm_readv/writev
 * like the ptrace backend: that keeps protections and COW exact. A shared
 * memfd would make copies plain memcpy (3 ns against ~1.2 us for 64 bytes
 * here, bench/mech.sh), at the price of an mm rework.
 */
static long systrap_as_read(struct platform_as *as, void *dst, uintptr_t src, size_t len)
{
    struct iovec local = { .iov_base = dst, .iov_len = len };
    struct iovec remote = { .iov_base = (void *)src, .iov_len = len };
    ssize_t n;

    if (len == 0)
        return 0;
    n = process_vm_readv(mem_pid(as), &local, 1, &remote, 1, 0);
    return n <= 0 ? -EFAULT : n;
}

static long systrap_as_write(struct platform_as *as, uintptr_t dst, const void *src, size_t len)
{
    struct iovec local = { .iov_base = (void *)src, .iov_len = len };
    struct iovec remote = { .iov_base = (void *)dst, .iov_len = len };
    ssize_t n;

    if (len == 0)
        return 0;
    n = process_vm_writev(mem_pid(as), &local, 1, &remote, 1, 0);
    return n <= 0 ? -EFAULT : n;
}

/* Takes a free thread slot of `as` (>= 2), or returns 0 when all are used. */
static unsigned int slot_alloc(struct platform_as *as)
{
    for (unsigned int w = 0; w < SYSTRAP_NR_SLOTS / 64; w++) {
        uint64_t cur = __atomic_load_n(&as->slots[w], __ATOMIC_RELAXED);

        while (~cur != 0) {
            unsigned int i = (unsigned int)__builtin_ctzll(~cur);

            if (__atomic_compare_exchange_n(&as->slots[w], &cur, cur | (1ULL << i), false,
                                            __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
                return w * 64 + i;
        }
    }
    return 0;
}

/*
 * Returns a slot whose thread is gone (or never started). Its pages go back
 * to the host: a program that once ran thousands of threads keeps no memory
 * for them.
 */
static void slot_free(struct platform_as *as, unsigned int slot)
{
    madvise((void *)(as->region + slot * SYSTRAP_SLOT_SIZE), SYSTRAP_SLOT_SIZE, MADV_REMOVE);
    __atomic_and_fetch(&as->slots[slot / 64], ~(1ULL << (slot % 64)), __ATOMIC_RELEASE);
}

/*
 * Waits until the host thread of `ctx` is gone (its tidword cleared, or its
 * whole process dead); after a while it kills the process.
 *
 * Linux clears (and wakes) a CLONE_CHILD_CLEARTID word only while another
 * user of the memory remains: the last thread of a stub process exits
 * without touching it. So the last thread is waited for on its process's
 * pidfd, which wakes at the exit (a futex wait there only ended at its 10 ms
 * timeout: most of a fork+exec+wait's cost, bench/forkexec).
 */
static void wait_gone(struct platform_ctx *ctx)
{
    const struct timespec timeout = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000L };
    struct pollfd pfd = { .fd = ctx->proc->pidfd, .events = POLLIN };
    int signo;

    for (int i = 0;; i++) {
        uint32_t w = __atomic_load_n(&ctx->msg->tidword, __ATOMIC_ACQUIRE);

        ctx->dead = false;
        if (w == 0 || check_dead(ctx, &signo))
            break;
        if (i == 100) /* a second: the thread does not leave, take its process down */
            syscall(SYS_tgkill, ctx->proc->pid, ctx->tid, SIGKILL);
        if (pfd.fd >= 0 && __atomic_load_n(&ctx->proc->nr_threads, __ATOMIC_RELAXED) <= 1)
            poll(&pfd, 1, 10);
        else
            syscall(SYS_futex, &ctx->msg->tidword, FUTEX_WAIT, w, &timeout, NULL, 0);
    }
    ctx->dead = true;
}

static void systrap_ctx_release(struct platform_ctx *ctx)
{
    struct systrap_msg *m;

    if (ctx == NULL)
        return;
    m = ctx->msg;
    if (!ctx->dead && ctx->uc != 0) {
        /* Parked in the handler: it exits its own thread (only that thread). */
        m->sysno = SYS_exit;
        memset(m->args, 0, sizeof(m->args));
        ctx->uc = 0;
        post(ctx, SYSTRAP_SYSCALL);
        wait_gone(ctx);
    } else if (!ctx->dead) {
        syscall(SYS_tgkill, ctx->proc->pid, ctx->tid, SIGKILL);
        wait_gone(ctx);
    }
    __atomic_sub_fetch(&ctx->proc->nr_threads, 1, __ATOMIC_RELAXED);
    if (ctx->counted && ctx->as != NULL)
        __atomic_sub_fetch(&ctx->as->p->active, 1, __ATOMIC_RELAXED);
    if (ctx->as != NULL) {
        if (ctx->as->main == ctx)
            ctx->as->main = NULL;
        if (ctx->slot > 1 || ctx->as->proc != ctx->proc)
            slot_free(ctx->as, ctx->slot);
    }
    if (t_self == ctx)
        t_self = NULL;
    proc_put(ctx->proc);
    if (ctx->as != NULL)
        as_put(ctx->as);
    free(ctx);
}

static long systrap_ctx_get_regs(struct platform_ctx *ctx, struct arch_regs *regs)
{
    if (ctx->dead || ctx->uc == 0)
        return -ESRCH;
    regs_from_frame(ctx, regs);
    return 0;
}

/* Returns the validated XSAVE area of the frame and its size, or 0. */
static uintptr_t frame_fpstate(const struct platform_ctx *ctx, size_t *size)
{
    const struct kucontext *uc = (const struct kucontext *)ctx->uc;
    uint64_t fp = __atomic_load_n(&uc->fpstate, __ATOMIC_RELAXED);
    struct fpx_sw_bytes sw;

    if (!in_slot_stack(ctx, fp, FXSAVE_SIZE))
        return 0;
    memcpy(&sw, (const char *)fp + SW_BYTES_OFFSET, sizeof(sw));
    *size = FXSAVE_SIZE;
    if (sw.magic1 == XSTATE_MAGIC1 && sw.xstate_size > FXSAVE_SIZE &&
        in_slot_stack(ctx, fp, (size_t)sw.xstate_size))
        *size = sw.xstate_size;
    return fp;
}

static long systrap_ctx_get_fpstate(struct platform_ctx *ctx, void *buf, size_t size)
{
    size_t have;
    uintptr_t fp;

    if (ctx->dead || ctx->uc == 0)
        return -ESRCH;
    fp = frame_fpstate(ctx, &have);
    if (fp == 0)
        return -EFAULT;
    memcpy(buf, (const void *)fp, size < have ? size : have);
    return (long)have;
}

static long systrap_ctx_set_fpstate(struct platform_ctx *ctx, const void *buf, size_t size)
{
    size_t have;
    uintptr_t fp;

    if (ctx->dead || ctx->uc == 0)
        return -ESRCH;
    fp = frame_fpstate(ctx, &have);
    if (fp == 0)
        return -EFAULT;
    if (size < FXSAVE_SIZE || size > have)
        return -EINVAL;
    /* Keep the frame's software bytes: they tell rt_sigreturn how to read the area. */
    memcpy((void *)fp, buf, SW_BYTES_OFFSET);
    memcpy((char *)fp + FXSAVE_SIZE, (const char *)buf + FXSAVE_SIZE, size - FXSAVE_SIZE);
    return 0;
}

static long systrap_ctx_cpu_time(struct platform_ctx *ctx, uint64_t *ns)
{
    /* The process clock of the stub (see the ptrace backend) when the thread is alone in it. */
    clockid_t id = (clockid_t)((~(unsigned int)ctx->proc->pid << 3) | 2);
    struct timespec ts;
    char path[64], buf[128];
    unsigned long long run;
    FILE *f;
    bool ok;

    /*
     * Under boot's seccomp filter (where the stub factory runs) the sentry may
     * open no file, so the /proc path below would kill the sandbox: a thread
     * of a multi-threaded stub then reports its whole process's time, an
     * over-estimate.
     */
    if (__atomic_load_n(&ctx->proc->nr_threads, __ATOMIC_RELAXED) <= 1 ||
        systrap_factory_enabled()) {
        if (clock_gettime(id, &ts) < 0)
            return -errno;
        *ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
        return 0;
    }
    /* Linux gives thread clocks only to the thread's own process: the scheduler's count. */
    snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", ctx->proc->pid, ctx->tid);
    f = fopen(path, "re");
    if (f == NULL)
        return -errno;
    ok = fgets(buf, sizeof(buf), f) != NULL && sscanf(buf, "%llu", &run) == 1;
    fclose(f);
    if (!ok)
        return -EIO;
    *ns = run;
    return 0;
}

static pid_t systrap_ctx_host_pid(struct platform_ctx *ctx)
{
    return __atomic_load_n(&ctx->dead, __ATOMIC_RELAXED) ? 0 : ctx->proc->pid;
}

/* Makes the host fs/gs bases match `regs` (through the parked handler). */
static long sync_bases(struct platform_ctx *ctx, const struct arch_regs *regs)
{
    long ret;

    if (regs->r.fs_base != ctx->fs_base) {
        ret = stub_syscall(ctx, SYS_arch_prctl, ARCH_SET_FS, regs->r.fs_base, 0, 0, 0, 0);
        if (ret < 0)
            return ret;
        ctx->fs_base = regs->r.fs_base;
    }
    if (regs->r.gs_base != ctx->gs_base) {
        ret = stub_syscall(ctx, SYS_arch_prctl, ARCH_SET_GS, regs->r.gs_base, 0, 0, 0, 0);
        if (ret < 0)
            return ret;
        ctx->gs_base = regs->r.gs_base;
    }
    return 0;
}

static void systrap_ctx_set_name(struct platform_ctx *ctx, const char *name)
{
    platform_name_set(&ctx->name, name);
}

/* Gives the host thread its app thread's new name (through the parked handler). */
static long apply_name(struct platform_ctx *ctx)
{
    char name[16];
    long ret;

    if (!platform_name_take(&ctx->name, name))
        return 0;
    memcpy(ctx->msg->name, name, sizeof(name));
    ret = stub_syscall(ctx, SYS_prctl, PR_SET_NAME, (uintptr_t)ctx->msg->name, 0, 0, 0, 0);
    return ret == -ESRCH ? ret : 0;
}

static void systrap_as_set_cmdline(struct platform_as *as, const char *args, size_t len)
{
    char *copy;

    if (len == 0 || len > PLATFORM_CMDLINE_MAX)
        return;
    copy = xmalloc(len);
    memcpy(copy, args, len);
    pthread_mutex_lock(&as->cmd_mu);
    free(as->cmd);
    as->cmd = copy;
    as->cmd_len = len;
    as->arg_start = 0;
    __atomic_store_n(&as->cmd_pending, true, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&as->cmd_mu);
}

/*
 * Points the stub process's command line (its mm's arg_start/arg_end) at the
 * app's argv, with prctl(PR_SET_MM_MAP). Where the new image's initial stack
 * holds the strings (found at its first switch), it points there, as Linux
 * does: no memory of its own, and an app that rewrites its argv (as
 * setproctitle does) shows the new text. Otherwise (a signal frame on the
 * stack) a copy goes to a private anonymous page the stub maps over the last
 * page of the header slot (Linux reads a command line from anonymous memory
 * only; the sentry's view there stays the untouched memfd, and a fork's
 * child unmaps it with its parent's region). The map's other fields (code,
 * data, brk, stack) mean nothing for a stub: they point at the same place.
 */
static long apply_cmdline(struct platform_ctx *ctx, const struct arch_regs *regs)
{
    struct platform_as *as = ctx->as;
    struct systrap_header *h = (struct systrap_header *)as->region;
    uintptr_t page = as->region + SYSTRAP_SLOT_SIZE - ARCH_PAGE_SIZE, start;
    struct iovec local, remote = { .iov_base = (void *)page };
    long ret = 0;

    _Static_assert(PLATFORM_CMDLINE_MAX <= ARCH_PAGE_SIZE, "a command line fits its page");
    if (!__atomic_load_n(&as->cmd_pending, __ATOMIC_ACQUIRE))
        return 0;
    pthread_mutex_lock(&as->cmd_mu);
    if (!as->cmd_pending || as->cmd == NULL)
        goto out;
    start = as->arg_start;
    if (start == 0)
        start = platform_find_argv(ctx->tid, regs->r.rsp, as->cmd, as->cmd_len);
    if (start != 0) {
        as->arg_start = start;
    } else {
        ret = stub_syscall(ctx, SYS_mmap, page, ARCH_PAGE_SIZE, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, (uint64_t)-1, 0);
        if (ret != (long)page)
            goto out;
        local = (struct iovec){ .iov_base = as->cmd, .iov_len = as->cmd_len };
        remote.iov_len = as->cmd_len;
        if (process_vm_writev(ctx->tid, &local, 1, &remote, 1, 0) != (ssize_t)as->cmd_len)
            goto out;
        start = page;
    }
    memset(&h->mm_map, 0, sizeof(h->mm_map));
    h->mm_map.start_code = start;
    h->mm_map.end_code = start + 1;
    h->mm_map.start_data = start;
    h->mm_map.end_data = start;
    h->mm_map.start_brk = start;
    h->mm_map.brk = start;
    h->mm_map.start_stack = start;
    h->mm_map.arg_start = start;
    h->mm_map.arg_end = start + as->cmd_len;
    h->mm_map.env_start = start + as->cmd_len;
    h->mm_map.env_end = start + as->cmd_len;
    h->mm_map.exe_fd = (uint32_t)-1;
    ret = stub_syscall(ctx, SYS_prctl, PR_SET_MM, PR_SET_MM_MAP, (uintptr_t)&h->mm_map,
                       sizeof(h->mm_map), 0, 0);
out:
    __atomic_store_n(&as->cmd_pending, false, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&as->cmd_mu);
    return ret == -ESRCH ? ret : 0;
}

static long systrap_ctx_switch(struct platform_ctx *ctx, struct arch_regs *regs,
                               struct platform_event *ev)
{
    siginfo_t info;
    int signo = 0;
    long ret;

    memset(ev, 0, sizeof(*ev));
    if (ctx->dead) {
        ev->kind = PLATFORM_EVENT_DEAD;
        return 0;
    }
    if (ctx->uc == 0)
        return -ESRCH;
    ret = sync_bases(ctx, regs);
    if (ret == 0)
        ret = apply_name(ctx);
    if (ret == 0)
        ret = apply_cmdline(ctx, regs);
    if (ret == -ESRCH)
        goto dead;
    if (ret < 0)
        return ret;
    regs_to_frame(ctx, regs);
    choose_mode(ctx);
    ctx->uc = 0;
    post(ctx, SYSTRAP_RESUME);
    if (wait_for(ctx, SYSTRAP_EVENT, &signo) < 0)
        goto dead;
    if (!capture_frame(ctx)) {
        /* The app overwrote the message: nothing in it can be trusted any more. */
        syscall(SYS_tgkill, ctx->proc->pid, ctx->tid, SIGKILL);
        signo = SIGKILL;
        ctx->dead = true;
        goto dead;
    }
    regs_from_frame(ctx, regs);
    memcpy(&info, (const void *)ctx->info, sizeof(info));
    if (ctx->signo == SIGSYS && info.si_code == 1 /* SYS_SECCOMP */) {
        ev->kind = PLATFORM_EVENT_SYSCALL;
        /* Like a ptrace syscall stop: number in orig_rax, -ENOSYS in rax. */
        regs->r.orig_rax =
            info.si_arch == AUDIT_ARCH_X86_64 ? (unsigned long long)info.si_syscall : -1ULL;
        regs->r.rax = (unsigned long long)-ENOSYS;
        return 0;
    }
    if (ctx->signo == SYSTRAP_SIG_INTERRUPT && info.si_code == SI_TKILL) {
        ev->kind = PLATFORM_EVENT_INTERRUPT;
        return 0;
    }
    ev->kind = PLATFORM_EVENT_SIGNAL;
    ev->signo = ctx->signo;
    ev->info = info;
    return 0;
dead:
    ctx->dead = true;
    ctx->uc = 0;
    ev->kind = PLATFORM_EVENT_DEAD;
    ev->signo = signo;
    return 0;
}

/*
 * Sends `n` (1 or 2) sentry fds to `ctx`'s process over its address space's
 * socket and has its parked handler receive them: a fork's new region memfd
 * and socket, or a file to map. Returns 0 with the fd numbers in the stub in
 * out[], or -errno. Serialised per address space (as->fd_mu): every process
 * of it (vfork-like clones) reads the same socket.
 */
static long pass_fds(struct platform_ctx *ctx, const int *in, int n, int *out)
{
    struct systrap_msg *m = ctx->msg;
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr mh = { 0 };
    struct cmsghdr *c;
    char one = 1;
    struct iovec iov = { .iov_base = &one, .iov_len = 1 };
    struct iovec *riov;
    uint64_t control[8];
    size_t size = (size_t)n * sizeof(int);
    long ret;

    if (n < 1 || n > 2)
        return -EINVAL;
    memset(&u, 0, sizeof(u));
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = u.buf;
    mh.msg_controllen = CMSG_SPACE(size);
    c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(size);
    memcpy(CMSG_DATA(c), in, size);
    pthread_mutex_lock(&ctx->as->fd_mu);
    if (sendmsg(ctx->as->sock, &mh, MSG_NOSIGNAL) != 1) {
        ret = -errno;
        goto out;
    }
    /* The stub's msghdr: control buffer at control[0..4), iovec at [4..6), data at [6]. */
    _Static_assert(CMSG_SPACE(2 * sizeof(int)) <= 4 * sizeof(uint64_t), "control too small");
    memset(m->control, 0, sizeof(m->control));
    riov = (struct iovec *)&m->control[4];
    riov->iov_base = &m->control[6];
    riov->iov_len = 1;
    memset(&m->mh, 0, sizeof(m->mh));
    m->mh.msg_iov = riov;
    m->mh.msg_iovlen = 1;
    m->mh.msg_control = &m->control[0];
    m->mh.msg_controllen = CMSG_SPACE(2 * sizeof(int));
    ret = stub_syscall(ctx, SYS_recvmsg, SYSTRAP_SOCK_FD, (uintptr_t)&m->mh, 0, 0, 0, 0);
    if (ret != 1) {
        ret = ret < 0 ? ret : -EIO;
        goto out;
    }
    /* One copy of what the stub (and app code) can write, then checks on the copy. */
    memcpy(control, m->control, sizeof(control));
    c = (struct cmsghdr *)control;
    ret = -EIO;
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(size))
        goto out;
    memcpy(out, CMSG_DATA(c), size);
    ret = 0;
    for (int i = 0; i < n; i++) {
        if (out[i] < 0)
            ret = -EIO;
    }
out:
    pthread_mutex_unlock(&ctx->as->fd_mu);
    return ret;
}

/*
 * A sentry file mapped into the stub (MAP_SHARED pages are the file's): the
 * fd goes over the stub's socket, and the parked handler maps and closes it.
 */
static long systrap_as_mmap_fd(struct platform_as *as, uintptr_t addr, size_t len, int prot,
                               int flags, int host_fd, off_t off)
{
    struct platform_ctx *ctx = ctx_for(as);
    int rfd = -1;
    long ret;

    if (len < ARCH_PAGE_SIZE || (addr & (ARCH_PAGE_SIZE - 1)))
        return -EINVAL;
    if (ctx == NULL || ctx->dead || ctx->uc == 0)
        return -ESRCH;
    ret = pass_fds(ctx, &host_fd, 1, &rfd);
    if (ret < 0)
        return ret;
    ret = stub_syscall(ctx, SYS_mmap, addr, len, (uint64_t)prot,
                       (uint64_t)((flags & ~MAP_ANONYMOUS) | MAP_FIXED), (uint64_t)rfd,
                       (uint64_t)off);
    stub_syscall(ctx, SYS_close, (uint64_t)rfd, 0, 0, 0, 0, 0);
    return ret < 0 ? ret : 0;
}

static long systrap_ctx_clone(struct platform_ctx *ctx, enum platform_clone_kind kind,
                              struct platform_as **out_as, struct platform_ctx **out_ctx)
{
    struct platform_as *as = ctx->as, *nas = NULL;
    struct platform *p = as->p;
    struct platform_ctx *nctx;
    struct systrap_msg *m = ctx->msg, *cm;
    uint64_t flags;
    uintptr_t region = 0;
    unsigned int slot = 1;
    int memfd = -1, sv[2] = { -1, -1 }, rfd = -1, rsock = -1, signo = 0;
    long ret, tid;

    if (ctx->dead || ctx->uc == 0)
        return -ESRCH;
    switch (kind) {
    case PLATFORM_CLONE_PROCESS:
        flags = SYSTRAP_CLONE_PROCESS_FLAGS;
        break;
    case PLATFORM_CLONE_THREAD:
        flags = SYSTRAP_CLONE_THREAD_FLAGS;
        break;
    case PLATFORM_CLONE_VM:
        flags = SYSTRAP_CLONE_VM_FLAGS;
        break;
    default:
        return -EINVAL;
    }
    if (kind == PLATFORM_CLONE_PROCESS) {
        /* A region of its own for the child, and a socket for its own forks. */
        ret = systrap_region_alloc(p, &region, &memfd);
        if (ret < 0)
            return ret == -ENOMEM ? -ENOMEM : -EAGAIN;
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
            ret = -errno;
            goto fail;
        }
        int in[2] = { memfd, sv[1] }, out[2] = { -1, -1 };

        ret = pass_fds(ctx, in, 2, out);
        rfd = out[0];
        rsock = out[1];
        close(memfd);
        memfd = -1;
        close(sv[1]);
        sv[1] = -1;
        if (ret < 0)
            goto fail;
        cm = (struct systrap_msg *)(region + SYSTRAP_SLOT_SIZE);
    } else {
        slot = slot_alloc(as);
        if (slot == 0)
            return -EAGAIN;
        cm = (struct systrap_msg *)(as->region + slot * SYSTRAP_SLOT_SIZE);
    }
    memset(cm, 0, sizeof(*cm));
    cm->tidword = 1;
    cm->ss.ss_sp = (char *)cm + ARCH_PAGE_SIZE;
    cm->ss.ss_size = SYSTRAP_SLOT_SIZE - ARCH_PAGE_SIZE;
    cm->mask = systrap_start_mask();
    m->args[0] = flags;
    m->args[1] = (uintptr_t)cm;
    m->args[2] = kind == PLATFORM_CLONE_PROCESS ? as->region : 0;
    m->args[3] = region;
    m->args[4] = (uint64_t)(int64_t)rfd;
    m->args[5] = (uint64_t)(int64_t)rsock;
    post(ctx, SYSTRAP_CLONE);
    ret = wait_for(ctx, SYSTRAP_SYSCALL_DONE, &signo);
    tid = ret < 0 ? ret : (long)__atomic_load_n(&m->ret, __ATOMIC_RELAXED);
    /* The parent's copies of the child's fds: the stub closed them after its clone. */
    if (tid <= 0) {
        ret = tid == -ENOMEM ? -ENOMEM : -EAGAIN;
        goto fail;
    }
    nctx = xmalloc0(sizeof(*nctx));
    /* A process starts on its parent's vCPU (see ctx_attach), a thread anywhere. */
    nctx->cpu = kind == PLATFORM_CLONE_THREAD ? -1 : ctx->cpu;
    nctx->tid = (pid_t)tid;
    nctx->msg = cm;
    nctx->slot = slot;
    nctx->fs_base = ctx->fs_base;
    nctx->gs_base = ctx->gs_base;
    if (kind == PLATFORM_CLONE_THREAD) {
        nctx->proc = proc_get(ctx->proc);
        __atomic_add_fetch(&nctx->proc->nr_threads, 1, __ATOMIC_RELAXED);
    } else {
        nctx->proc = proc_new((pid_t)tid, false);
    }
    if (kind == PLATFORM_CLONE_PROCESS) {
        nas = xmalloc0(sizeof(*nas));
        nas->p = p;
        nas->refs = 2; /* the caller's and nctx's */
        pthread_mutex_init(&nas->fd_mu, NULL);
        pthread_mutex_init(&nas->cmd_mu, NULL);
        /*
         * A forked child shows its parent's command line, as on Linux: a
         * copy of the host mm's fields, which point into the app's stack
         * (the child's copy of it), or else into the stub's own page, which
         * the child unmapped with its parent's region: it needs a new one.
         */
        pthread_mutex_lock(&as->cmd_mu);
        if (as->cmd != NULL) {
            nas->cmd = xmalloc(as->cmd_len);
            memcpy(nas->cmd, as->cmd, as->cmd_len);
            nas->cmd_len = as->cmd_len;
            nas->arg_start = as->arg_start;
            nas->cmd_pending = as->arg_start == 0;
        }
        pthread_mutex_unlock(&as->cmd_mu);
        nas->pid = (pid_t)tid;
        nas->proc = proc_get(nctx->proc);
        nas->region = region;
        nas->sock = sv[0];
        nas->info = as->info;
        nas->slots[0] = 3;
        nas->main = nctx;
        nctx->as = nas;
        region = 0;
        sv[0] = -1;
    } else {
        nctx->as = as;
        __atomic_add_fetch(&as->refs, 1, __ATOMIC_RELAXED);
    }
    /* The child parks at its first trap, as a new stub does. */
    if (wait_for(nctx, SYSTRAP_EVENT, &signo) < 0 || !capture_frame(nctx) ||
        nctx->signo != SIGSYS) {
        nctx->dead = true;
        systrap_ctx_release(nctx);
        if (nas != NULL) {
            nas->main = NULL;
            systrap_as_release(nas);
        }
        return -EAGAIN;
    }
    if (nas != NULL)
        *out_as = nas;
    *out_ctx = nctx;
    return 0;
fail:
    if (memfd >= 0)
        close(memfd);
    if (sv[0] >= 0)
        close(sv[0]);
    if (sv[1] >= 0)
        close(sv[1]);
    if (region != 0)
        systrap_region_free(p, region);
    if (kind != PLATFORM_CLONE_PROCESS)
        slot_free(as, slot);
    return ret;
}

static long systrap_ctx_attach(struct platform_ctx *ctx)
{
    cpu_set_t set;
    int cpu;

    if (ctx->dead)
        return -ESRCH;
    t_self = ctx;
    if (!ctx->as->p->opts.pin_cpu) {
        count_active(ctx);
        return 0;
    }
    /*
     * Unlike ptrace, any thread may serve a context: only the vCPU matters.
     * The calling thread was created by a pinned thread and inherited its
     * one vCPU. A new process stays on its parent's (ctx->cpu from
     * ctx_clone): it mostly runs while the parent waits (fork+exec+wait on
     * another vCPU cost 1.2 ms more, bench/forkexec). New threads are spread
     * over the sentry's vCPUs in turn: all on one vCPU, hostile_threads took
     * twice as long as on ptrace, which spreads them too.
     */
    if (ctx->cpu >= 0) {
        cpu = ctx->cpu;
    } else if (ctx->as->p->nr_allowed > 0) {
        unsigned int n = __atomic_fetch_add(&ctx->as->p->next_cpu, 1, __ATOMIC_RELAXED);

        cpu = ctx->as->p->allowed[n % (unsigned int)ctx->as->p->nr_allowed];
    } else {
        cpu = sched_getcpu();
        if (cpu < 0)
            return -errno;
    }
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) < 0)
        return -errno;
    if (sched_setaffinity(ctx->tid, sizeof(set), &set) < 0)
        return -errno;
    ctx->cpu = cpu;
    ctx->fast = false;
    count_active(ctx);
    return 0;
}

/*
 * Sends the interrupt signal to the stub thread. If the thread is parked in
 * the handler the signal waits (the handler blocks everything) and comes
 * right after the next resume: a spare interrupt, as the ops table allows.
 */
static void systrap_ctx_interrupt(struct platform_ctx *ctx)
{
    if (!ctx->dead)
        syscall(SYS_tgkill, ctx->proc->pid, ctx->tid, SYSTRAP_SIG_INTERRUPT);
}

/* The stub page's cmpxchg snippet and the address after its trapped syscall (stub.c). */
extern const char sentry_systrap_stub_begin[] __attribute__((visibility("hidden")));
extern const char sentry_systrap_stub_cmpxchg[] __attribute__((visibility("hidden")));
extern const char sentry_systrap_stub_cmpxchg_done[] __attribute__((visibility("hidden")));

/*
 * The ctx_cmpxchg32 op: the parked thread resumes into the code page's
 * `lock cmpxchg` with the app's registers otherwise unchanged, and its
 * trapped getppid parks it again (the frame is then a new one; the kernel's
 * next switch writes the app's registers into it). A fault of the app address
 * comes back as SIGSEGV/SIGBUS at the instruction: -EFAULT. An interrupt on
 * the way resumes where it stopped; another host signal is sent again once
 * the snippet is done, so it reaches the kernel at the next switch.
 */
static long systrap_ctx_cmpxchg32(struct platform_ctx *ctx, uintptr_t addr, uint32_t old,
                                  uint32_t new_val, uint32_t *cur)
{
    uintptr_t base = ctx != NULL && ctx->as != NULL ? ctx->as->p->code_page : 0;
    uintptr_t start = base + (uintptr_t)(sentry_systrap_stub_cmpxchg - sentry_systrap_stub_begin);
    uintptr_t done =
        base + (uintptr_t)(sentry_systrap_stub_cmpxchg_done - sentry_systrap_stub_begin);
    struct platform_event ev;
    struct arch_regs r;
    int resend = 0;
    long ret;

    if (base == 0 || ctx->dead || ctx->uc == 0)
        return -ESRCH;
    regs_from_frame(ctx, &r);
    r.r.rip = start;
    r.r.rdi = addr;
    r.r.rax = old;
    r.r.rdx = new_val;
    for (;;) {
        ret = systrap_ctx_switch(ctx, &r, &ev);
        if (ret < 0)
            break;
        if (ev.kind == PLATFORM_EVENT_DEAD) {
            ret = -ESRCH;
            break;
        }
        if (ev.kind == PLATFORM_EVENT_SYSCALL && r.r.rip == done) {
            *cur = (uint32_t)r.r.rsi;
            ret = 0;
            break;
        }
        if (ev.kind == PLATFORM_EVENT_SIGNAL && (ev.signo == SIGSEGV || ev.signo == SIGBUS) &&
            ev.info.si_code > 0 && r.r.rip == start) {
            ret = -EFAULT;
            break;
        }
        if (ev.kind == PLATFORM_EVENT_SIGNAL && ev.info.si_code > 0 &&
            (ev.signo == SIGSEGV || ev.signo == SIGBUS || ev.signo == SIGILL ||
             ev.signo == SIGFPE || ev.signo == SIGSYS || ev.signo == SIGTRAP)) {
            /* Not the snippet's instruction: the app scribbled on what it runs. */
            ret = -EFAULT;
            break;
        }
        if (ev.kind == PLATFORM_EVENT_SIGNAL)
            resend = ev.signo;
        /* An interrupt or an asynchronous signal: carry on from where it stopped. */
    }
    if (resend != 0 && !ctx->dead)
        syscall(SYS_tgkill, ctx->proc->pid, ctx->tid, resend);
    return ret;
}

const struct platform_ops g_platform_systrap_ops = {
    .name = "systrap",
    .init = systrap_init,
    .fini = systrap_fini,
    .as_new = systrap_as_new,
    .as_release = systrap_as_release,
    .as_info = systrap_as_info,
    .as_mmap = systrap_as_mmap,
    .as_mmap_fd = systrap_as_mmap_fd,
    .as_munmap = systrap_as_munmap,
    .as_mprotect = systrap_as_mprotect,
    .as_mremap = systrap_as_mremap,
    .as_madvise = systrap_as_madvise,
    .as_read = systrap_as_read,
    .as_write = systrap_as_write,
    .ctx_release = systrap_ctx_release,
    .ctx_clone = systrap_ctx_clone,
    .ctx_attach = systrap_ctx_attach,
    .ctx_interrupt = systrap_ctx_interrupt,
    .ctx_get_fpstate = systrap_ctx_get_fpstate,
    .ctx_set_fpstate = systrap_ctx_set_fpstate,
    .ctx_cpu_time = systrap_ctx_cpu_time,
    .ctx_host_pid = systrap_ctx_host_pid,
    .ctx_set_name = systrap_ctx_set_name,
    .as_set_cmdline = systrap_as_set_cmdline,
    .ctx_get_regs = systrap_ctx_get_regs,
    .ctx_switch = systrap_ctx_switch,
    .ctx_cmpxchg32 = systrap_ctx_cmpxchg32,
};

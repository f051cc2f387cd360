/* SPDX-License-Identifier: Apache-2.0 */
/* The systrap stub: a host process whose seccomp filter traps every app syscall to a handler. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sentry/platform/systrap/systrap_internal.h"

/*
 * The stub code, position independent, copied into a page of its own.
 *
 * start: entered with %rdi = the header slot and every signal blocked. It
 * unmaps the gaps listed there, then issues getppid, which the filter traps
 * (only the handler's own syscalls are allowed): that first SIGSYS parks the
 * thread in the handler, where the sentry finds it.
 *
 * handler: every signal (SIGSYS from the filter, faults, asynchronous
 * signals) lands here on the thread's signal stack with all signals blocked.
 * It publishes the frame in the slot's message (%rbx), sets state EVENT,
 * wakes the sentry and then serves the sentry's requests: SYSCALL runs one
 * syscall from this page (mm changes, arch_prctl), RESUME returns to the app
 * through rt_sigreturn with the frame as the sentry left it. It keeps no
 * state of its own on the stack; the frame is all of the app's state.
 */
__asm__(".pushsection .rodata\n"
        ".globl sentry_systrap_stub_begin\n"
        ".hidden sentry_systrap_stub_begin\n"
        ".globl sentry_systrap_stub_handler\n"
        ".hidden sentry_systrap_stub_handler\n"
        ".globl sentry_systrap_stub_end\n"
        ".hidden sentry_systrap_stub_end\n"
        "sentry_systrap_stub_begin:\n"
        "    mov %rdi, %r12\n"
        "    mov (%r12), %r13\n"
        "    lea 8(%r12), %r14\n"
        "1:  test %r13, %r13\n"
        "    jz 2f\n"
        "    mov $11, %eax\n" /* munmap */
        "    mov (%r14), %rdi\n"
        "    mov 8(%r14), %rsi\n"
        "    syscall\n"
        "    add $16, %r14\n"
        "    dec %r13\n"
        "    jmp 1b\n"
        "2:  xor %esp, %esp\n"
        "    mov $110, %eax\n" /* getppid: trapped */
        "    syscall\n"
        "    ud2\n"
        "sentry_systrap_stub_handler:\n"
        "    mov %rsp, %rbx\n"
        "    and $-65536, %rbx\n" /* SYSTRAP_SLOT_SIZE */
        "    mov %rsp, %r12\n"
        "    mov %rdi, 8(%rbx)\n"
        "    mov %rsi, 16(%rbx)\n"
        "    mov %rdx, 24(%rbx)\n"
        "    movl $1, (%rbx)\n" /* SYSTRAP_EVENT */
        "3:  mov $202, %eax\n"  /* futex(&state, FUTEX_WAKE, 1) */
        "    mov %rbx, %rdi\n"
        "    mov $1, %esi\n"
        "    mov $1, %edx\n"
        "    syscall\n"
        "4:  mov (%rbx), %edx\n"
        "    cmp $2, %edx\n" /* SYSTRAP_RESUME */
        "    je 6f\n"
        "    cmp $3, %edx\n" /* SYSTRAP_SYSCALL */
        "    je 5f\n"
        "    mov $202, %eax\n" /* futex(&state, FUTEX_WAIT, state, NULL) */
        "    mov %rbx, %rdi\n"
        "    xor %esi, %esi\n"
        "    xor %r10d, %r10d\n"
        "    syscall\n"
        "    jmp 4b\n"
        "5:  mov 32(%rbx), %rax\n"
        "    mov 40(%rbx), %rdi\n"
        "    mov 48(%rbx), %rsi\n"
        "    mov 56(%rbx), %rdx\n"
        "    mov 64(%rbx), %r10\n"
        "    mov 72(%rbx), %r8\n"
        "    mov 80(%rbx), %r9\n"
        "    syscall\n"
        "    mov %rax, 88(%rbx)\n"
        "    movl $4, (%rbx)\n" /* SYSTRAP_SYSCALL_DONE */
        "    jmp 3b\n"
        "6:  movl $0, (%rbx)\n" /* SYSTRAP_RUNNING */
        "    lea 8(%r12), %rsp\n"
        "    mov $15, %eax\n" /* rt_sigreturn */
        "    syscall\n"
        "    ud2\n"
        "sentry_systrap_stub_end:\n"
        ".popsection\n");

extern const char sentry_systrap_stub_begin[] __attribute__((visibility("hidden")));
extern const char sentry_systrap_stub_handler[] __attribute__((visibility("hidden")));
extern const char sentry_systrap_stub_end[] __attribute__((visibility("hidden")));

_Static_assert(SYSTRAP_SLOT_SIZE == 65536, "the stub asm rounds %rsp down to 64 KiB");
_Static_assert(offsetof(struct systrap_msg, signo) == 8 && offsetof(struct systrap_msg, uc) == 24 &&
                   offsetof(struct systrap_msg, sysno) == 32 &&
                   offsetof(struct systrap_msg, args) == 40 &&
                   offsetof(struct systrap_msg, ret) == 88,
               "the stub asm hard-codes the message layout");

/* Finds the vDSO and vvar mappings of the sentry (stubs inherit them at the same addresses). */
static int find_vdso(struct platform *p, rt_error_t *err)
{
    cleanup_file FILE *f = fopen("/proc/self/maps", "re");
    char line[512];

    if (f == NULL)
        return rt_make_error(err, errno, "open /proc/self/maps");
    while (fgets(line, sizeof(line), f) != NULL) {
        unsigned long start, end;
        const char *name = NULL;

        if (sscanf(line, "%lx-%lx", &start, &end) != 2)
            continue;
        if (strstr(line, "[vdso]") != NULL)
            name = "[vdso]";
        else if (strstr(line, "[vvar_vclock]") != NULL)
            name = "[vvar_vclock]";
        else if (strstr(line, "[vvar]") != NULL)
            name = "[vvar]";
        if (name == NULL)
            continue;
        if (p->nr_common >= PLATFORM_MAX_RANGES - 2)
            return rt_make_error(err, 0, "too many vDSO mappings in /proc/self/maps");
        p->common[p->nr_common++] =
            (struct platform_range){ .start = start, .end = end, .name = name };
        if (strcmp(name, "[vdso]") == 0)
            p->vdso_base = start;
    }
    return 0;
}

/*
 * The stub's filter: a syscall is allowed only when it comes from the code
 * page and is one the handler makes (futex, rt_sigreturn, the mm family and
 * arch_prctl for the sentry's requests). Everything else, including any
 * syscall of the app and anything not x86-64 (int $0x80), raises SIGSYS.
 * App code can jump into the page, but then only gets those calls on its own
 * address space, and the stub holds no file descriptors.
 */
static void build_filter(struct platform *p)
{
    uint32_t hi = (uint32_t)(p->code_page >> 32);
    uint32_t lo = (uint32_t)p->code_page;
    const size_t ip = offsetof(struct seccomp_data, instruction_pointer);
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 16),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ip + 4),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, hi, 0, 14),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ip),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo, 0, 12),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo + (uint32_t)ARCH_PAGE_SIZE, 11, 0),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_futex, 6, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rt_sigreturn, 5, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 4, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_munmap, 3, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mprotect, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mremap, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_madvise, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_arch_prctl, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
    };

    _Static_assert(ARRAY_SIZE(f) <= ARRAY_SIZE(p->filter), "filter too long");
    memcpy(p->filter, f, sizeof(f));
    p->filter_len = ARRAY_SIZE(f);
}

int systrap_stub_prepare(struct platform *p, rt_error_t *err)
{
    size_t code_len = (size_t)(sentry_systrap_stub_end - sentry_systrap_stub_begin);
    void *page;

    page = mmap(NULL, ARCH_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        return rt_make_error(err, errno, "mmap stub code page");
    p->code_page = (uintptr_t)page;
    /* The filter compares 32-bit halves of the instruction pointer. */
    if ((uint32_t)p->code_page > UINT32_MAX - ARCH_PAGE_SIZE) {
        munmap(page, ARCH_PAGE_SIZE);
        return rt_make_error(err, 0, "stub page straddles a 4 GiB boundary");
    }
    memcpy(page, sentry_systrap_stub_begin, code_len);
    if (mprotect(page, ARCH_PAGE_SIZE, PROT_READ | PROT_EXEC) < 0) {
        int e = errno;

        munmap(page, ARCH_PAGE_SIZE);
        return rt_make_error(err, e, "mprotect stub code page");
    }
    p->start_ip = p->code_page;
    p->handler_ip =
        p->code_page + (uintptr_t)(sentry_systrap_stub_handler - sentry_systrap_stub_begin);
    if (find_vdso(p, err) < 0) {
        munmap(page, ARCH_PAGE_SIZE);
        return -1;
    }
    p->common[p->nr_common++] = (struct platform_range){ .start = p->code_page,
                                                         .end = p->code_page + ARCH_PAGE_SIZE,
                                                         .name = "[stub]" };
    build_filter(p);
    return 0;
}

static int cmp_range(const void *a, const void *b)
{
    const struct platform_range *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

/* Fills the header slot with the gaps between the ranges the stub keeps. */
static int compute_gaps(struct platform_as *as, rt_error_t *err)
{
    struct platform_range keep[PLATFORM_MAX_RANGES];
    struct systrap_header *h = (struct systrap_header *)as->region;
    size_t n = as->info.nr_reserved;
    uintptr_t cur = 0;

    memcpy(keep, as->info.reserved, n * sizeof(keep[0]));
    qsort(keep, n, sizeof(keep[0]), cmp_range);
    h->nr_gaps = 0;
    for (size_t i = 0; i <= n; i++) {
        uintptr_t next = i < n ? keep[i].start : ARCH_TASK_SIZE;

        if (next > cur) {
            if (h->nr_gaps >= SYSTRAP_MAX_GAPS)
                return rt_make_error(err, 0, "stub: too many ranges to unmap");
            h->gaps[h->nr_gaps].addr = cur;
            h->gaps[h->nr_gaps].len = next - cur;
            h->nr_gaps++;
        }
        if (i < n && keep[i].end > cur)
            cur = keep[i].end;
    }
    return 0;
}

/* Maps the slot region, aligned to a slot so the handler can find its slot from %rsp. */
static int map_region(struct platform_as *as, rt_error_t *err)
{
    size_t len = SYSTRAP_NR_SLOTS * SYSTRAP_SLOT_SIZE;
    char *raw = mmap(NULL, len + SYSTRAP_SLOT_SIZE, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    uintptr_t start, end;

    if (raw == MAP_FAILED)
        return rt_make_error(err, errno, "mmap stub slots");
    start = ((uintptr_t)raw + SYSTRAP_SLOT_SIZE - 1) & ~(SYSTRAP_SLOT_SIZE - 1);
    end = start + len;
    if (start > (uintptr_t)raw)
        munmap(raw, start - (uintptr_t)raw);
    if ((uintptr_t)raw + len + SYSTRAP_SLOT_SIZE > end)
        munmap((void *)end, (uintptr_t)raw + len + SYSTRAP_SLOT_SIZE - end);
    as->region = start;
    return 0;
}

/* The kernel's struct sigaction for rt_sigaction (glibc's differs). */
struct kernel_sigaction {
    uintptr_t handler;
    unsigned long flags;
    uintptr_t restorer;
    uint64_t mask;
};

#define KSA_RESTORER 0x04000000UL

static uint64_t sigbit(int sig)
{
    return 1ULL << (sig - 1);
}

/* Runs in the new child. Only raw syscalls, no allocation, no return. */
static void __attribute__((noreturn))
stub_child(struct platform *p, struct platform_as *as, pid_t parent)
{
    struct sock_fprog prog = { .len = p->filter_len, .filter = p->filter };
    struct kernel_sigaction act = {
        .handler = p->handler_ip,
        .flags = SA_SIGINFO | SA_ONSTACK | KSA_RESTORER,
        .restorer = p->handler_ip, /* never used: the handler returns by itself */
        .mask = ~0ULL,
    };
    stack_t ss = { .ss_sp = (void *)(as->region + SYSTRAP_SLOT_SIZE + ARCH_PAGE_SIZE),
                   .ss_size = SYSTRAP_SLOT_SIZE - ARCH_PAGE_SIZE };
    /*
     * Asynchronous signals stay blocked until the first trap parks the thread
     * in the handler. SIGSYS and the fault signals must not be: Linux resets
     * a blocked forced signal to SIG_DFL, which would kill the stub.
     */
    uint64_t mask = ~(sigbit(SIGSYS) | sigbit(SIGSEGV) | sigbit(SIGBUS) | sigbit(SIGILL) |
                      sigbit(SIGFPE) | sigbit(SIGTRAP));

    if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, sizeof(mask)) < 0)
        _exit(119);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(120);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        if (syscall(SYS_rt_sigaction, sig, &act, NULL, sizeof(act.mask)) < 0 && sig < SIGRTMIN)
            _exit(121);
    }
    if (sigaltstack(&ss, NULL) < 0)
        _exit(122);
    /* glibc's rseq area is about to be unmapped: see the ptrace stub for why this matters. */
    if (__rseq_size > 0) {
        void *area = (char *)__builtin_thread_pointer() + __rseq_offset;

        if (syscall(SYS_rseq, area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) < 0 &&
            syscall(SYS_rseq, area, __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) < 0)
            _exit(124);
    }
    syscall(SYS_close_range, 0, ~0U, 0);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        _exit(125);
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
        _exit(126);
    /* From here on only the handler's own syscalls run on the host. */
    __asm__ volatile("jmp *%0" ::"r"(p->start_ip), "D"(as->region) : "memory");
    __builtin_unreachable();
}

pid_t systrap_stub_spawn(struct platform *p, struct platform_as *as, rt_error_t *err)
{
    pid_t parent = getpid();
    long pid;

    if (map_region(as, err) < 0)
        return -1;
    memcpy(as->info.reserved, p->common, p->nr_common * sizeof(p->common[0]));
    as->info.nr_reserved = p->nr_common;
    as->info.reserved[as->info.nr_reserved++] =
        (struct platform_range){ .start = as->region,
                                 .end = as->region + SYSTRAP_NR_SLOTS * SYSTRAP_SLOT_SIZE,
                                 .name = "[systrap]" };
    as->info.vdso_base = p->vdso_base;
    if (compute_gaps(as, err) < 0)
        goto fail;
    /* A raw clone: no atfork handlers, nothing of glibc's state matters in the child. */
    pid = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
    if (pid < 0) {
        rt_make_error(err, errno, "clone stub");
        goto fail;
    }
    if (pid == 0)
        stub_child(p, as, parent);
    return (pid_t)pid;
fail:
    munmap((void *)as->region, SYSTRAP_NR_SLOTS * SYSTRAP_SLOT_SIZE);
    as->region = 0;
    return -1;
}

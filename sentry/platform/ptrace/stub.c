/* SPDX-License-Identifier: Apache-2.0 */
/* The ptrace backend's stub: a host process with an empty address space that app code runs in. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sentry/platform/ptrace/factory.h"
#include "sentry/platform/ptrace/ptrace_internal.h"

/*
 * The stub code, position independent, copied into a page of its own. Entered
 * with %rdi = the data page (struct ptrace_stub_data). It unmaps every range
 * listed there, then the data page, stops itself with SIGSTOP and from then on
 * only serves injected syscalls: the tracer points %rip at
 * sentry_ptrace_stub_syscall, where `syscall; int3` runs one syscall and traps
 * back. It never touches a stack (none is left mapped).
 */
__asm__(".pushsection .rodata\n"
        ".globl sentry_ptrace_stub_begin\n"
        ".hidden sentry_ptrace_stub_begin\n"
        ".globl sentry_ptrace_stub_syscall\n"
        ".hidden sentry_ptrace_stub_syscall\n"
        ".globl sentry_ptrace_stub_clone\n"
        ".hidden sentry_ptrace_stub_clone\n"
        ".globl sentry_ptrace_stub_end\n"
        ".hidden sentry_ptrace_stub_end\n"
        "sentry_ptrace_stub_begin:\n"
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
        "2:  mov $11, %eax\n" /* munmap(data page) */
        "    mov %r12, %rdi\n"
        "    mov $4096, %esi\n"
        "    syscall\n"
        "    mov $39, %eax\n" /* getpid */
        "    syscall\n"
        "    mov %eax, %edi\n"
        "    mov $19, %esi\n" /* SIGSTOP */
        "    mov $62, %eax\n" /* kill */
        "    syscall\n"
        "sentry_ptrace_stub_syscall:\n"
        "    syscall\n"
        "    int3\n"
        "    ud2\n"
        "sentry_ptrace_stub_clone:\n"
        "    syscall\n"
        "    test %rax, %rax\n"
        "    jnz 2f\n"
        "1:  mov $34, %eax\n" /* pause: the child waits here to be seized */
        "    syscall\n"
        "    jmp 1b\n"
        "2:  int3\n"
        "    ud2\n"
        /* ctx_cmpxchg32: %eax = the word's old value; a fault stops the thread here. */
        ".globl sentry_ptrace_stub_cmpxchg\n"
        ".hidden sentry_ptrace_stub_cmpxchg\n"
        "sentry_ptrace_stub_cmpxchg:\n"
        "    lock cmpxchg %edx, (%rdi)\n"
        "    int3\n"
        "    ud2\n"
        "sentry_ptrace_stub_end:\n"
        ".popsection\n");

extern const char sentry_ptrace_stub_begin[] __attribute__((visibility("hidden")));
extern const char sentry_ptrace_stub_syscall[] __attribute__((visibility("hidden")));
extern const char sentry_ptrace_stub_clone[] __attribute__((visibility("hidden")));
extern const char sentry_ptrace_stub_end[] __attribute__((visibility("hidden")));

static int cmp_range(const void *a, const void *b)
{
    const struct platform_range *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

/* Fills the data page with the gaps between the ranges that stay mapped. */
static int compute_gaps(struct platform *p, rt_error_t *err)
{
    struct platform_range keep[PLATFORM_MAX_RANGES + 1];
    struct ptrace_stub_data *d = (struct ptrace_stub_data *)p->data_page;
    size_t n = p->info.nr_reserved;
    uintptr_t cur = 0;

    memcpy(keep, p->info.reserved, n * sizeof(keep[0]));
    /* The data page stays mapped until the stub unmaps it last. */
    keep[n++] =
        (struct platform_range){ .start = p->data_page, .end = p->data_page + ARCH_PAGE_SIZE };
    qsort(keep, n, sizeof(keep[0]), cmp_range);
    d->nr_gaps = 0;
    for (size_t i = 0; i <= n; i++) {
        uintptr_t next = i < n ? keep[i].start : ARCH_TASK_SIZE;

        if (next > cur) {
            if (d->nr_gaps >= PTRACE_STUB_MAX_GAPS)
                return rt_make_error(err, 0, "stub: too many ranges to unmap");
            d->gaps[d->nr_gaps].addr = cur;
            d->gaps[d->nr_gaps].len = next - cur;
            d->nr_gaps++;
        }
        if (i < n && keep[i].end > cur)
            cur = keep[i].end;
    }
    return 0;
}

/*
 * Allow a syscall only when it was issued from the stub's code page, i.e. it
 * was injected by the sentry. App syscalls never get here (PTRACE_SYSEMU
 * reports and skips them before seccomp runs); this is defence in depth.
 */
static void build_filter(struct platform *p)
{
    uint32_t hi = (uint32_t)(p->code_page >> 32);
    uint32_t lo = (uint32_t)p->code_page;
    const size_t ip = offsetof(struct seccomp_data, instruction_pointer);
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 6),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ip + 4),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, hi, 0, 4),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ip),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo, 0, 2),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo + (uint32_t)ARCH_PAGE_SIZE, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    };

    memcpy(p->filter, f, sizeof(f));
    p->filter_len = ARRAY_SIZE(f);
}

int ptrace_stub_prepare(struct platform *p, rt_error_t *err)
{
    size_t code_len = (size_t)(sentry_ptrace_stub_end - sentry_ptrace_stub_begin);
    void *pages;

    pages =
        mmap(NULL, 2 * ARCH_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED)
        return rt_make_error(err, errno, "mmap stub pages");
    p->code_page = (uintptr_t)pages;
    p->data_page = p->code_page + ARCH_PAGE_SIZE;
    /* The filter compares 32-bit halves of the instruction pointer. */
    if ((uint32_t)p->code_page > UINT32_MAX - ARCH_PAGE_SIZE) {
        munmap(pages, 2 * ARCH_PAGE_SIZE);
        return rt_make_error(err, 0, "stub page straddles a 4 GiB boundary");
    }
    if (code_len > ARCH_PAGE_SIZE - PTRACE_STUB_NAME_SIZE) {
        munmap(pages, 2 * ARCH_PAGE_SIZE);
        return rt_make_error(err, 0, "stub code leaves no room for a thread name");
    }
    memcpy(pages, sentry_ptrace_stub_begin, code_len);
    if (mprotect(pages, ARCH_PAGE_SIZE, PROT_READ | PROT_EXEC) < 0)
        return rt_make_error(err, errno, "mprotect stub code page");
    p->syscall_ip =
        p->code_page + (uintptr_t)(sentry_ptrace_stub_syscall - sentry_ptrace_stub_begin);
    p->clone_ip = p->code_page + (uintptr_t)(sentry_ptrace_stub_clone - sentry_ptrace_stub_begin);
    if (platform_find_vdso(p->info.reserved, &p->info.nr_reserved, PLATFORM_MAX_RANGES - 1,
                           &p->info.vdso_base, err) < 0)
        return -1;
    /* The code page and the data page's address (the command line's, see as_set_cmdline). */
    p->info.reserved[p->info.nr_reserved++] = (struct platform_range){
        .start = p->code_page, .end = p->data_page + ARCH_PAGE_SIZE, .name = "[stub]"
    };
    if (compute_gaps(p, err) < 0)
        return -1;
    build_filter(p);
    return 0;
}

/* Runs in the new child. Only raw syscalls, no allocation, no return. */
static void __attribute__((noreturn)) stub_child(struct platform *p, pid_t parent)
{
    struct sock_fprog prog = { .len = p->filter_len, .filter = p->filter };
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    struct sigaction ign = { .sa_handler = SIG_IGN };
    sigset_t none;

    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(120);
    if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
        _exit(121);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &dfl, NULL);
    }
    /*
     * Stubs forked from this one (app fork) are its host children: ignoring
     * SIGCHLD lets the host reap them once their tracer has, and no stub is
     * ever left a zombie under a stub that lives on.
     */
    sigaction(SIGCHLD, &ign, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /*
     * glibc registered rseq for the forking thread. Its area is about to be
     * unmapped, and the kernel would then kill the stub with SIGSEGV
     * (SI_KERNEL) the first time it updates the area, i.e. on the first
     * resume after a stop. Unregistering needs the length glibc registered,
     * which is at least 32 even where __rseq_size reports the 20-byte
     * feature size.
     */
    if (__rseq_size > 0) {
        void *area = (char *)__builtin_thread_pointer() + __rseq_offset;

        if (syscall(SYS_rseq, area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) < 0 &&
            syscall(SYS_rseq, area, __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) < 0)
            _exit(124);
    }
    syscall(SYS_close_range, 0, ~0U, 0);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        _exit(122);
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
        _exit(123);
    /* From here on only the stub page may make syscalls. */
    __asm__ volatile("jmp *%0" ::"r"(p->code_page), "D"(p->data_page) : "memory");
    __builtin_unreachable();
}

pid_t ptrace_stub_spawn(struct platform *p, rt_error_t *err)
{
    pid_t parent = getpid();
    int status;
    long pid;

    /* Under boot's seccomp filter the sentry may not fork: the factory does (factory.c). */
    if (ptrace_factory_enabled())
        return ptrace_factory_spawn(p, err);

    /* A raw clone: no atfork handlers, nothing of glibc's state matters in the child. */
    pid = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
    if (pid < 0)
        return rt_make_error(err, errno, "clone stub");
    if (pid == 0)
        stub_child(p, parent);

    if (waitpid((pid_t)pid, &status, __WALL) < 0) {
        int e = errno;

        kill((pid_t)pid, SIGKILL);
        return rt_make_error(err, e, "waitpid stub");
    }
    if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
        kill((pid_t)pid, SIGKILL);
        waitpid((pid_t)pid, NULL, __WALL);
        if (WIFEXITED(status))
            return rt_make_error(err, 0, "stub setup failed (exit %d)", WEXITSTATUS(status));
        return rt_make_error(err, 0, "stub setup failed (status %#x)", status);
    }
    if (ptrace(PTRACE_SETOPTIONS, (pid_t)pid, NULL, (void *)(long)PTRACE_STUB_OPTIONS) < 0) {
        int e = errno;

        kill((pid_t)pid, SIGKILL);
        waitpid((pid_t)pid, NULL, __WALL);
        return rt_make_error(err, e, "PTRACE_SETOPTIONS on stub");
    }
    return (pid_t)pid;
}

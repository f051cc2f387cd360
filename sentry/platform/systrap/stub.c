/* SPDX-License-Identifier: Apache-2.0 */
/* The systrap stub: a host process whose seccomp filter traps every app syscall to a handler. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sentry/platform/systrap/factory.h"
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
        /* Wake the sentry only if it sleeps (the fence orders the state before the check). */
        "3:  mfence\n"
        "    cmpl $0, 260(%rbx)\n" /* sentry_sleeping */
        "    je 4f\n"
        "    mov $202, %eax\n" /* futex(&state, FUTEX_WAKE, 1) */
        "    mov %rbx, %rdi\n"
        "    mov $1, %esi\n"
        "    mov $1, %edx\n"
        "    syscall\n"
        /* Spin up to msg.spin rounds for the answer, then sleep on the futex. */
        "4:  mov 264(%rbx), %ecx\n"
        "11: mov (%rbx), %edx\n"
        "    cmp $2, %edx\n" /* SYSTRAP_RESUME */
        "    je 6f\n"
        "    cmp $3, %edx\n" /* SYSTRAP_SYSCALL */
        "    je 5f\n"
        "    cmp $5, %edx\n" /* SYSTRAP_CLONE */
        "    je 7f\n"
        "    test %ecx, %ecx\n"
        "    jz 12f\n"
        "    dec %ecx\n"
        "    pause\n"
        "    jmp 11b\n"
        "12: movl $1, 256(%rbx)\n" /* stub_sleeping */
        "    mfence\n"
        "    mov (%rbx), %edx\n"
        "    cmp $1, %edx\n"
        "    je 13f\n"
        "    cmp $4, %edx\n"
        "    jne 14f\n"
        "13: mov $202, %eax\n" /* futex(&state, FUTEX_WAIT, state, NULL) */
        "    mov %rbx, %rdi\n"
        "    xor %esi, %esi\n"
        "    xor %r10d, %r10d\n"
        "    syscall\n"
        "14: movl $0, 256(%rbx)\n"
        "    xor %ecx, %ecx\n"
        "    jmp 11b\n"
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
        /* clone: the child keeps no stack and touches no memory of the parent. */
        "7:  mov 40(%rbx), %rdi\n" /* flags */
        "    mov 48(%rbx), %rbp\n" /* the child's slot */
        "    mov 56(%rbx), %r13\n" /* process: the old region, to unmap */
        "    mov 64(%rbx), %r14\n" /* process: the new region */
        "    mov 72(%rbx), %r15\n" /* process: its memfd */
        "    mov 80(%rbx), %r9\n"  /* process: the new socket */
        "    xor %esi, %esi\n"
        "    xor %edx, %edx\n"
        "    lea 96(%rbp), %r10\n" /* clear_child_tid: the child's tidword */
        "    xor %r8d, %r8d\n"
        "    mov $56, %eax\n" /* clone */
        "    syscall\n"
        "    test %rax, %rax\n"
        "    jz 8f\n"
        "    mov %rax, 88(%rbx)\n"
        "    test %r14, %r14\n" /* a process: close the parent's copies of the child's fds */
        "    jz 15f\n"
        "    mov $3, %eax\n"
        "    mov %r15, %rdi\n"
        "    syscall\n"
        "    mov $3, %eax\n"
        "    mov %r9, %rdi\n" /* syscall keeps %r9 */
        "    syscall\n"
        "15: movl $4, (%rbx)\n" /* SYSTRAP_SYSCALL_DONE */
        "    jmp 3b\n"
        "8:  xor %esp, %esp\n"
        "    mov %r9, %r12\n"
        "    test %r14, %r14\n"
        "    jz 9f\n"
        "    mov $9, %eax\n" /* mmap(new, size, RW, MAP_SHARED|MAP_FIXED, memfd, 0) */
        "    mov %r14, %rdi\n"
        "    mov $0x40000000, %esi\n" /* SYSTRAP_REGION_SIZE */
        "    mov $3, %edx\n"
        "    mov $0x11, %r10d\n"
        "    mov %r15, %r8\n"
        "    xor %r9d, %r9d\n"
        "    syscall\n"
        "    cmp %r14, %rax\n"
        "    jne 10f\n"
        "    mov $11, %eax\n" /* munmap(old, size) */
        "    mov %r13, %rdi\n"
        "    mov $0x40000000, %esi\n"
        "    syscall\n"
        "    test %rax, %rax\n"
        "    jnz 10f\n"
        "    mov $292, %eax\n" /* dup3(socket, SYSTRAP_SOCK_FD, 0) */
        "    mov %r12, %rdi\n"
        "    xor %esi, %esi\n"
        "    xor %edx, %edx\n"
        "    syscall\n"
        "    test %rax, %rax\n"
        "    jnz 10f\n"
        "    mov $3, %eax\n" /* close(socket) */
        "    mov %r12, %rdi\n"
        "    syscall\n"
        "    mov $3, %eax\n" /* close(memfd) */
        "    mov %r15, %rdi\n"
        "    syscall\n"
        "9:  mov $131, %eax\n" /* sigaltstack(&slot->ss, NULL) */
        "    lea 104(%rbp), %rdi\n"
        "    xor %esi, %esi\n"
        "    syscall\n"
        "    test %rax, %rax\n"
        "    jnz 10f\n"
        "    mov $14, %eax\n" /* rt_sigprocmask(SIG_SETMASK, &slot->mask, NULL, 8) */
        "    mov $2, %edi\n"
        "    lea 128(%rbp), %rsi\n"
        "    xor %edx, %edx\n"
        "    mov $8, %r10d\n"
        "    syscall\n"
        "    mov $110, %eax\n" /* getppid: trapped, parks the child in its slot */
        "    syscall\n"
        "10: mov $60, %eax\n" /* exit(127): the sentry sees the thread gone */
        "    mov $127, %edi\n"
        "    syscall\n"
        "    ud2\n"
        /*
         * ctx_cmpxchg32, entered through a resumed frame with the app's own
         * signal state: the word's old value goes to %esi, then getppid
         * (trapped) parks the thread again. A fault arrives as a signal.
         */
        ".globl sentry_systrap_stub_cmpxchg\n"
        ".hidden sentry_systrap_stub_cmpxchg\n"
        ".globl sentry_systrap_stub_cmpxchg_done\n"
        ".hidden sentry_systrap_stub_cmpxchg_done\n"
        "sentry_systrap_stub_cmpxchg:\n"
        "    lock cmpxchg %edx, (%rdi)\n"
        "    mov %eax, %esi\n"
        "    mov $110, %eax\n"
        "    syscall\n"
        "sentry_systrap_stub_cmpxchg_done:\n"
        "    ud2\n"
        "sentry_systrap_stub_end:\n"
        ".popsection\n");

extern const char sentry_systrap_stub_begin[] __attribute__((visibility("hidden")));
extern const char sentry_systrap_stub_handler[] __attribute__((visibility("hidden")));
extern const char sentry_systrap_stub_end[] __attribute__((visibility("hidden")));

_Static_assert(SYSTRAP_SLOT_SIZE == 65536, "the stub asm rounds %rsp down to 64 KiB");
_Static_assert(SYSTRAP_REGION_SIZE == 0x40000000, "the stub asm hard-codes the region size");
_Static_assert(
    offsetof(struct systrap_msg, signo) == 8 && offsetof(struct systrap_msg, uc) == 24 &&
        offsetof(struct systrap_msg, sysno) == 32 && offsetof(struct systrap_msg, args) == 40 &&
        offsetof(struct systrap_msg, ret) == 88 && offsetof(struct systrap_msg, tidword) == 96 &&
        offsetof(struct systrap_msg, ss) == 104 && offsetof(struct systrap_msg, mask) == 128 &&
        offsetof(struct systrap_msg, stub_sleeping) == 256 &&
        offsetof(struct systrap_msg, sentry_sleeping) == 260 &&
        offsetof(struct systrap_msg, spin) == 264 && offsetof(struct systrap_msg, name) == 272,
    "the stub asm hard-codes the message layout");
_Static_assert(sizeof(struct systrap_msg) <= ARCH_PAGE_SIZE, "the message is one page");
_Static_assert(sizeof(struct systrap_header) <= ARCH_PAGE_SIZE,
               "the header is one page: an idle address space touches no more");
_Static_assert(SYSTRAP_SOCK_FD == 0, "the stub asm dup3s the socket to fd 0");

/*
 * The stub's filter: a syscall is allowed only when it comes from the code
 * page and is one the handler makes (futex, rt_sigreturn, the mm family and
 * arch_prctl for the sentry's requests). Everything else, including any
 * syscall of the app and anything not x86-64 (int $0x80), raises SIGSYS.
 * App code can jump into the page, but then only gets those calls on its own
 * address space, and the stub holds no file descriptor but its socket.
 *
 * prctl(PR_SET_NAME) names a stub thread after its app thread, and
 * prctl(PR_SET_MM, PR_SET_MM_MAP) points the stub's command line at the
 * app's argv in the header (ps on the host shows the app's names and
 * arguments). PR_SET_MM_MAP needs no capability unless it changes the exe
 * file, which the sentry never asks for; app code calling it from the page
 * only relabels its own stub's /proc entries.
 *
 * For clones the handler also needs clone (with exactly the flags of the
 * three kinds of ctx_clone), recvmsg on its socket, dup3 onto the socket's
 * fd, close, sigaltstack, rt_sigprocmask and exit. App code jumping into the
 * page gains nothing over its own stub: more host threads and processes of
 * its own (bounded by the sandbox's limits), fds it receives only in the
 * middle of one of its own forks.
 */

/* Jump targets of the filter builder (>= 0: an instruction index). */
enum {
    L_NEXT = -1,
    L_ALLOW = -2,
    L_TRAP = -3,
    L_CLONE = -4,
    L_ARG0 = -5,
    L_ARG1 = -6,
    L_PRCTL = -7,
};

struct filter_builder {
    struct sock_filter f[64];
    int jt[64], jf[64];
    unsigned short n;
    int label[8]; /* index of L_ALLOW.. by -label */
};

static void emit(struct filter_builder *b, uint16_t code, uint32_t k, int jt, int jf)
{
    b->f[b->n] = (struct sock_filter){ .code = code, .k = k };
    b->jt[b->n] = jt;
    b->jf[b->n] = jf;
    b->n++;
}

static void place(struct filter_builder *b, int label)
{
    b->label[-label] = b->n;
}

static uint8_t resolve(const struct filter_builder *b, unsigned int at, int target)
{
    int to = target == L_NEXT ? (int)at + 1 : b->label[-target];

    return (uint8_t)(to - (int)at - 1);
}

/* Allows the 32-bit word at `off` when it equals `val` and the high word is 0. */
static void emit_arg_is(struct filter_builder *b, size_t off, uint32_t val)
{
    emit(b, BPF_LD | BPF_W | BPF_ABS, (uint32_t)off + 4, 0, 0);
    emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, L_NEXT, L_TRAP);
    emit(b, BPF_LD | BPF_W | BPF_ABS, (uint32_t)off, 0, 0);
    emit(b, BPF_JMP | BPF_JEQ | BPF_K, val, L_ALLOW, L_TRAP);
}

static void build_filter(struct platform *p)
{
    static const uint32_t allowed[] = {
        SYS_futex,   SYS_rt_sigreturn, SYS_mmap,  SYS_munmap,      SYS_mprotect, SYS_mremap,
        SYS_madvise, SYS_arch_prctl,   SYS_close, SYS_sigaltstack, SYS_exit,     SYS_rt_sigprocmask,
    };
    const uint32_t clone_flags[] = {
        SYSTRAP_CLONE_PROCESS_FLAGS,
        SYSTRAP_CLONE_THREAD_FLAGS,
        SYSTRAP_CLONE_VM_FLAGS,
    };
    uint32_t hi = (uint32_t)(p->code_page >> 32);
    uint32_t lo = (uint32_t)p->code_page;
    const size_t ip = offsetof(struct seccomp_data, instruction_pointer);
    const size_t arg0 = offsetof(struct seccomp_data, args[0]);
    const size_t arg1 = offsetof(struct seccomp_data, args[1]);
    struct filter_builder b = { .n = 0 };

    for (int pass = 0; pass < 2; pass++) {
        b.n = 0;
        emit(&b, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
        emit(&b, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, L_NEXT, L_TRAP);
        emit(&b, BPF_LD | BPF_W | BPF_ABS, (uint32_t)ip + 4, 0, 0);
        emit(&b, BPF_JMP | BPF_JEQ | BPF_K, hi, L_NEXT, L_TRAP);
        emit(&b, BPF_LD | BPF_W | BPF_ABS, (uint32_t)ip, 0, 0);
        emit(&b, BPF_JMP | BPF_JGE | BPF_K, lo, L_NEXT, L_TRAP);
        emit(&b, BPF_JMP | BPF_JGE | BPF_K, lo + (uint32_t)ARCH_PAGE_SIZE, L_TRAP, L_NEXT);
        emit(&b, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
        for (size_t i = 0; i < ARRAY_SIZE(allowed); i++)
            emit(&b, BPF_JMP | BPF_JEQ | BPF_K, allowed[i], L_ALLOW, L_NEXT);
        emit(&b, BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, L_CLONE, L_NEXT);
        emit(&b, BPF_JMP | BPF_JEQ | BPF_K, SYS_prctl, L_PRCTL, L_NEXT);
        emit(&b, BPF_JMP | BPF_JEQ | BPF_K, SYS_recvmsg, L_ARG0, L_NEXT);
        emit(&b, BPF_JMP | BPF_JEQ | BPF_K, SYS_dup3, L_ARG1, L_TRAP);
        place(&b, L_CLONE);
        emit(&b, BPF_LD | BPF_W | BPF_ABS, (uint32_t)arg0 + 4, 0, 0);
        emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0, L_NEXT, L_TRAP);
        emit(&b, BPF_LD | BPF_W | BPF_ABS, (uint32_t)arg0, 0, 0);
        for (size_t i = 0; i < ARRAY_SIZE(clone_flags); i++)
            emit(&b, BPF_JMP | BPF_JEQ | BPF_K, clone_flags[i], L_ALLOW, L_NEXT);
        emit(&b, BPF_JMP | BPF_JA, 0, 0, 0); /* patched below: to L_TRAP */
        place(&b, L_ARG0);
        emit_arg_is(&b, arg0, SYSTRAP_SOCK_FD);
        place(&b, L_ARG1);
        emit_arg_is(&b, arg1, SYSTRAP_SOCK_FD);
        place(&b, L_PRCTL);
        emit(&b, BPF_LD | BPF_W | BPF_ABS, (uint32_t)arg0 + 4, 0, 0);
        emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0, L_NEXT, L_TRAP);
        emit(&b, BPF_LD | BPF_W | BPF_ABS, (uint32_t)arg0, 0, 0);
        emit(&b, BPF_JMP | BPF_JEQ | BPF_K, PR_SET_NAME, L_ALLOW, L_NEXT);
        emit(&b, BPF_JMP | BPF_JEQ | BPF_K, PR_SET_MM, L_NEXT, L_TRAP);
        emit_arg_is(&b, arg1, PR_SET_MM_MAP);
        place(&b, L_ALLOW);
        emit(&b, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
        place(&b, L_TRAP);
        emit(&b, BPF_RET | BPF_K, SECCOMP_RET_TRAP, 0, 0);
    }
    for (unsigned int i = 0; i < b.n; i++) {
        struct sock_filter *x = &b.f[i];

        if (BPF_CLASS(x->code) != BPF_JMP)
            continue;
        if (BPF_OP(x->code) == BPF_JA) {
            x->k = (uint32_t)(b.label[-L_TRAP] - (int)i - 1);
            continue;
        }
        x->jt = resolve(&b, i, b.jt[i]);
        x->jf = resolve(&b, i, b.jf[i]);
    }
    memcpy(p->filter, b.f, b.n * sizeof(b.f[0]));
    p->filter_len = b.n;
}

uint64_t systrap_start_mask(void)
{
    /*
     * Asynchronous signals stay blocked until the first trap parks the thread
     * in the handler. SIGSYS and the fault signals must not be: Linux resets
     * a blocked forced signal to SIG_DFL, which would kill the stub.
     */
    uint64_t keep = 0;
    const int forced[] = { SIGSYS, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };

    for (size_t i = 0; i < ARRAY_SIZE(forced); i++)
        keep |= 1ULL << (forced[i] - 1);
    return ~keep;
}

int systrap_stub_prepare(struct platform *p, rt_error_t *err)
{
    size_t code_len = (size_t)(sentry_systrap_stub_end - sentry_systrap_stub_begin);
    size_t wlen = SYSTRAP_NR_REGIONS * SYSTRAP_REGION_SIZE;
    void *page;
    char *raw;
    uintptr_t start;

    pthread_mutex_init(&p->mu, NULL);
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
    /* The region window, aligned to a region (nothing is committed: PROT_NONE, NORESERVE). */
    raw = mmap(NULL, wlen + SYSTRAP_REGION_SIZE, PROT_NONE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) {
        int e = errno;

        munmap(page, ARCH_PAGE_SIZE);
        return rt_make_error(err, e, "reserving the systrap region window");
    }
    start = ((uintptr_t)raw + SYSTRAP_REGION_SIZE - 1) & ~(SYSTRAP_REGION_SIZE - 1);
    if (start > (uintptr_t)raw)
        munmap(raw, start - (uintptr_t)raw);
    munmap((void *)(start + wlen), (uintptr_t)raw + wlen + SYSTRAP_REGION_SIZE - (start + wlen));
    p->window = start;
    if (platform_find_vdso(p->common, &p->nr_common, PLATFORM_MAX_RANGES - 2, &p->vdso_base, err) <
        0) {
        systrap_stub_unprepare(p);
        return -1;
    }
    p->common[p->nr_common++] = (struct platform_range){ .start = p->code_page,
                                                         .end = p->code_page + ARCH_PAGE_SIZE,
                                                         .name = "[stub]" };
    build_filter(p);
    return 0;
}

void systrap_stub_unprepare(struct platform *p)
{
    if (p->code_page != 0)
        munmap((void *)p->code_page, ARCH_PAGE_SIZE);
    if (p->window != 0)
        munmap((void *)p->window, SYSTRAP_NR_REGIONS * SYSTRAP_REGION_SIZE);
    pthread_mutex_destroy(&p->mu);
}

long systrap_region_alloc(struct platform *p, uintptr_t *region, int *memfd)
{
    int idx = -1, fd;
    uintptr_t addr;
    void *m;

    pthread_mutex_lock(&p->mu);
    for (int i = 0; i < SYSTRAP_NR_REGIONS && idx < 0; i++) {
        if (!(p->used[i / 64] & (1ULL << (i % 64)))) {
            idx = i;
            p->used[i / 64] |= 1ULL << (i % 64);
        }
    }
    pthread_mutex_unlock(&p->mu);
    if (idx < 0)
        return -EAGAIN;
    addr = p->window + (uintptr_t)idx * SYSTRAP_REGION_SIZE;
    fd = memfd_create("systrap-region", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, SYSTRAP_REGION_SIZE) < 0) {
        long e = -errno;

        if (fd >= 0)
            close(fd);
        systrap_region_free(p, addr);
        return e;
    }
    m = mmap((void *)addr, SYSTRAP_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
             0);
    if (m == MAP_FAILED) {
        long e = -errno;

        close(fd);
        systrap_region_free(p, addr);
        return e;
    }
    *region = addr;
    *memfd = fd;
    return 0;
}

void systrap_region_free(struct platform *p, uintptr_t region)
{
    size_t idx = (region - p->window) / SYSTRAP_REGION_SIZE;

    /* Back to a reservation: the memfd's pages go with the last mapping. */
    mmap((void *)region, SYSTRAP_REGION_SIZE, PROT_NONE,
         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    pthread_mutex_lock(&p->mu);
    p->used[idx / 64] &= ~(1ULL << (idx % 64));
    pthread_mutex_unlock(&p->mu);
}

static int cmp_range(const void *a, const void *b)
{
    const struct platform_range *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

/* Fills the header slot with the gaps between the ranges the stub keeps (not the window). */
static int compute_gaps(struct platform_as *as, rt_error_t *err)
{
    struct platform_range keep[PLATFORM_MAX_RANGES];
    struct systrap_header *h = (struct systrap_header *)as->region;
    struct platform *p = as->p;
    size_t n = p->nr_common;
    uintptr_t cur = 0;

    memcpy(keep, p->common, n * sizeof(keep[0]));
    keep[n++] =
        (struct platform_range){ .start = as->region, .end = as->region + SYSTRAP_REGION_SIZE };
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

/* The kernel's struct sigaction for rt_sigaction (glibc's differs). */
struct kernel_sigaction {
    uintptr_t handler;
    unsigned long flags;
    uintptr_t restorer;
    uint64_t mask;
};

#define KSA_RESTORER 0x04000000UL

void systrap_stub_child(struct platform *p, uintptr_t region, pid_t parent, int sock)
{
    struct sock_fprog prog = { .len = p->filter_len, .filter = p->filter };
    struct kernel_sigaction act = {
        .handler = p->handler_ip,
        .flags = SA_SIGINFO | SA_ONSTACK | KSA_RESTORER,
        .restorer = p->handler_ip, /* never used: the handler returns by itself */
        .mask = ~0ULL,
    };
    /* Forked stubs are reaped by the host: nobody waits for them but through a pidfd. */
    struct kernel_sigaction ign = { .handler = (uintptr_t)SIG_IGN, .flags = KSA_RESTORER };
    stack_t ss = { .ss_sp = (void *)(region + SYSTRAP_SLOT_SIZE + ARCH_PAGE_SIZE),
                   .ss_size = SYSTRAP_SLOT_SIZE - ARCH_PAGE_SIZE };
    uint64_t mask = systrap_start_mask();

    if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, sizeof(mask)) < 0)
        _exit(119);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(120);
    /* A factory is not dumpable; a stub must be, for the sentry's process_vm_{read,write}v. */
    if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
        _exit(118);
    for (int sig = 1; sig < NSIG; sig++) {
        const struct kernel_sigaction *a = sig == SIGCHLD ? &ign : &act;

        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        if (syscall(SYS_rt_sigaction, sig, a, NULL, sizeof(act.mask)) < 0 && sig < SIGRTMIN)
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
    if (sock != SYSTRAP_SOCK_FD && syscall(SYS_dup3, sock, SYSTRAP_SOCK_FD, 0) < 0)
        _exit(127);
    syscall(SYS_close_range, SYSTRAP_SOCK_FD + 1, ~0U, 0);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        _exit(125);
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
        _exit(126);
    /* From here on only the handler's own syscalls run on the host. */
    __asm__ volatile("jmp *%0" ::"r"(p->start_ip), "D"(region) : "memory");
    __builtin_unreachable();
}

pid_t systrap_stub_spawn(struct platform *p, struct platform_as *as, rt_error_t *err)
{
    struct systrap_msg *first;
    pid_t parent = getpid();
    int sv[2] = { -1, -1 }, memfd = -1;
    long pid, ret;

    ret = systrap_region_alloc(p, &as->region, &memfd);
    if (ret < 0)
        return rt_make_error(err, (int)-ret, "mapping a stub region");
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        rt_make_error(err, errno, "socketpair for a stub");
        goto fail;
    }
    memcpy(as->info.reserved, p->common, p->nr_common * sizeof(p->common[0]));
    as->info.nr_reserved = p->nr_common;
    as->info.reserved[as->info.nr_reserved++] =
        (struct platform_range){ .start = p->window,
                                 .end = p->window + SYSTRAP_NR_REGIONS * SYSTRAP_REGION_SIZE,
                                 .name = "[systrap]" };
    as->info.vdso_base = p->vdso_base;
    if (compute_gaps(as, err) < 0)
        goto fail;
    first = (struct systrap_msg *)(as->region + SYSTRAP_SLOT_SIZE);
    __atomic_store_n(&first->tidword, 1, __ATOMIC_RELEASE);
    if (systrap_factory_enabled()) {
        pid = systrap_factory_spawn(p, as->region, memfd, sv[1], err);
        if (pid < 0)
            goto fail;
        as->from_factory = true;
    } else {
        /* A raw clone: no atfork handlers, nothing of glibc's state matters in the child. */
        pid = syscall(SYS_clone, SYSTRAP_CLONE_PROCESS_FLAGS, 0, NULL, &first->tidword, 0);
        if (pid < 0) {
            rt_make_error(err, errno, "clone stub");
            goto fail;
        }
        if (pid == 0)
            systrap_stub_child(p, as->region, parent, sv[1]);
    }
    close(memfd);
    close(sv[1]);
    as->sock = sv[0];
    return (pid_t)pid;
fail:
    if (sv[0] >= 0) {
        close(sv[0]);
        close(sv[1]);
    }
    close(memfd);
    systrap_region_free(p, as->region);
    as->region = 0;
    return -1;
}

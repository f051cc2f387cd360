/* SPDX-License-Identifier: Apache-2.0 */
/* x86-64 architecture state of an app thread: general registers and syscall ABI accessors. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/user.h>

/* The lowest address above the user half of the x86-64 address space (47-bit, 4-level paging). */
#define ARCH_TASK_SIZE 0x7ffffffff000UL
#define ARCH_PAGE_SIZE 4096UL

#define ARCH_PAGE_DOWN(x) ((uintptr_t)(x) & ~(ARCH_PAGE_SIZE - 1))
#define ARCH_PAGE_UP(x)   (((uintptr_t)(x) + ARCH_PAGE_SIZE - 1) & ~(ARCH_PAGE_SIZE - 1))

/*
 * The general registers of one app thread, in the kernel's ptrace layout
 * (struct user_regs_struct, which includes fs_base and gs_base). FPU/xstate is
 * not yet part of the context: see arch_regs_init_exec.
 */
struct arch_regs {
    struct user_regs_struct r;
};

/* The syscall number of a syscall stop (orig_rax; rax already holds -ENOSYS). */
static inline long arch_syscall_nr(const struct arch_regs *regs)
{
    return (long)regs->r.orig_rax;
}

/* Argument `i` (0..5) of a syscall stop, in the x86-64 syscall ABI order. */
static inline uint64_t arch_syscall_arg(const struct arch_regs *regs, int i)
{
    switch (i) {
    case 0:
        return regs->r.rdi;
    case 1:
        return regs->r.rsi;
    case 2:
        return regs->r.rdx;
    case 3:
        return regs->r.r10;
    case 4:
        return regs->r.r8;
    default:
        return regs->r.r9;
    }
}

/* Sets the value the interrupted syscall returns to the app. */
static inline void arch_set_return(struct arch_regs *regs, long val)
{
    regs->r.rax = (uint64_t)val;
}

static inline uintptr_t arch_ip(const struct arch_regs *regs)
{
    return regs->r.rip;
}

static inline uintptr_t arch_sp(const struct arch_regs *regs)
{
    return regs->r.rsp;
}

/* Returns true when `addr` may be used as a user-mode segment base (fs/gs). */
static inline bool arch_is_valid_user_base(uint64_t addr)
{
    return addr < ARCH_TASK_SIZE;
}

/*
 * Resets `regs` to the state a fresh program starts with at `entry` with stack
 * `sp`: general registers zero (rdx = 0 means "no atexit function" in the
 * ELF ABI), fs/gs bases zero, rflags = IF. The segment selectors are kept from
 * the current `regs` (they come from the host and are the only valid ones).
 */
void arch_regs_init_exec(struct arch_regs *regs, uintptr_t entry, uintptr_t sp);

/* Formats the registers for a crash report into `buf` (always NUL-terminated). */
void arch_regs_format(const struct arch_regs *regs, char *buf, size_t size);

/* ---- Signal frames (signal_amd64.c) ---- */

#include <signal.h>

/* Largest XSAVE area we handle (AMX makes it ~11 KiB on current CPUs). */
#define ARCH_XSTATE_MAX (32 * 1024)

/* What a new signal frame records and where it goes. */
struct arch_sigframe_args {
    int signo;
    const siginfo_t *info;
    uint64_t handler;
    uint64_t restorer; /* sa_restorer: the handler's return address */
    uint64_t old_mask; /* the mask to restore on sigreturn */
    uint64_t sp;       /* top of the stack to build on (already the altstack top if switching) */
    bool on_new_stack; /* sp is an altstack top: no red zone below it */
    stack_t saved_altstack;
    /* The thread's XSAVE area (non-compacted, as PTRACE_GETREGSET gives it). */
    const void *xstate;
    size_t xstate_size;
    uint64_t xfeatures; /* XCR0: the features present in `xstate` */
};

/*
 * Lays out an x86-64 rt_sigframe (pretcode, ucontext, siginfo, then the
 * XSAVE area with its magic words) for `regs` as Linux does, in a new buffer
 * `*out` (freed by the caller) of `*out_len` bytes to be copied to app
 * address `*out_addr`. Then points `regs` at the handler. Returns 0 or
 * -ENOMEM.
 */
long arch_sigframe_build(struct arch_regs *regs, const struct arch_sigframe_args *args, void **out,
                         size_t *out_len, uintptr_t *out_addr);

/* The part of a frame rt_sigreturn reads first: ucontext without the XSAVE area. */
struct arch_sigreturn_state {
    uint64_t mask;
    stack_t altstack;
    uint64_t fpstate; /* app address of the saved XSAVE/FXSAVE area, 0 if none */
};

/*
 * Parses the ucontext at the start of `frame` (`len` bytes copied from the
 * app at the sigreturn stack pointer - 8) into `regs` and `*st`, keeping
 * the segment selectors of `regs` and clearing flags the app may not set.
 * Returns the number of bytes of the frame header, or -EFAULT if `len` is too short.
 */
long arch_sigreturn_parse(struct arch_regs *regs, const void *frame, size_t len,
                          struct arch_sigreturn_state *st);

/* Size of the frame header arch_sigreturn_parse needs. */
size_t arch_sigframe_header_size(void);

/*
 * Validates a saved FP area read from the app (`len` bytes at most) and
 * returns the number of bytes forming a full XSAVE image in `buf`, or -EFAULT.
 * An FXSAVE-only area (no magic) is widened to an XSAVE image with only
 * x87/SSE state in place, over `size` bytes of `buf`.
 */
long arch_fpstate_from_frame(void *buf, size_t len, size_t size);

/* Returns XCR0 of the CPU (the user state components XSAVE manages). */
uint64_t arch_xcr0(void);

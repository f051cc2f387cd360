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

/* SPDX-License-Identifier: Apache-2.0 */
/* x86-64 register-state helpers: the initial state of a new program and crash reports. */
#include <stdio.h>
#include <string.h>

#include "sentry/arch/arch.h"

/* RFLAGS with only the interrupt flag and the always-one bit 1 set, as after execve. */
#define ARCH_RFLAGS_INIT 0x202UL

void arch_regs_init_exec(struct arch_regs *regs, uintptr_t entry, uintptr_t sp)
{
    struct user_regs_struct seg = regs->r;

    memset(&regs->r, 0, sizeof(regs->r));
    regs->r.cs = seg.cs;
    regs->r.ss = seg.ss;
    regs->r.ds = seg.ds;
    regs->r.es = seg.es;
    regs->r.fs = 0;
    regs->r.gs = 0;
    regs->r.rip = entry;
    regs->r.rsp = sp;
    regs->r.eflags = ARCH_RFLAGS_INIT;
    /* Not inside a syscall: no restart logic may apply to this state. */
    regs->r.orig_rax = (unsigned long long)-1;
}

void arch_regs_format(const struct arch_regs *regs, char *buf, size_t size)
{
    const struct user_regs_struct *r = &regs->r;

    snprintf(buf, size,
             "rip=%#llx rsp=%#llx rax=%#llx rbx=%#llx rcx=%#llx rdx=%#llx rsi=%#llx rdi=%#llx "
             "rbp=%#llx r8=%#llx r9=%#llx r10=%#llx r11=%#llx r12=%#llx r13=%#llx r14=%#llx "
             "r15=%#llx eflags=%#llx fs_base=%#llx",
             r->rip, r->rsp, r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp, r->r8, r->r9,
             r->r10, r->r11, r->r12, r->r13, r->r14, r->r15, r->eflags, r->fs_base);
}

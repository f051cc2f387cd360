/* SPDX-License-Identifier: Apache-2.0 */
/* x86-64 signal frames: rt_sigframe layout, handler entry registers and sigreturn parsing. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/arch/arch.h"

/* The kernel's struct ucontext on x86-64 (not glibc's ucontext_t, which is larger). */
struct kernel_ucontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    stack_t uc_stack;
    struct sigcontext uc_mcontext;
    uint64_t uc_sigmask;
};

struct kernel_rt_sigframe {
    uint64_t pretcode;
    struct kernel_ucontext uc;
    siginfo_t info;
};

_Static_assert(sizeof(struct sigcontext) == 256, "x86-64 sigcontext layout");
_Static_assert(sizeof(struct kernel_ucontext) == 304, "x86-64 ucontext layout");
_Static_assert(sizeof(struct kernel_rt_sigframe) == 440, "x86-64 rt_sigframe layout");

#define UC_FP_XSTATE         0x1
#define UC_SIGCONTEXT_SS     0x2
#define UC_STRICT_RESTORE_SS 0x4

#define FXSAVE_SIZE         512
#define XSAVE_HDR_OFFSET    512
#define XSAVE_HDR_SIZE      64
#define SW_BYTES_OFFSET     464
#define RED_ZONE            128
#define XFEATURE_MASK_FPSSE 0x3ULL

/* The RFLAGS bits sigreturn may change (Linux's FIX_EFLAGS). */
#define FIX_EFLAGS 0x50dd5ULL
/* Bits cleared on handler entry: TF, DF, RF. */
#define ENTRY_CLEAR_EFLAGS (0x100ULL | 0x400ULL | 0x10000ULL)

uint64_t arch_xcr0(void)
{
    uint32_t lo, hi;

    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

size_t arch_sigframe_header_size(void)
{
    return sizeof(struct kernel_rt_sigframe);
}

static void save_regs(struct sigcontext *sc, const struct user_regs_struct *r)
{
    sc->r8 = r->r8;
    sc->r9 = r->r9;
    sc->r10 = r->r10;
    sc->r11 = r->r11;
    sc->r12 = r->r12;
    sc->r13 = r->r13;
    sc->r14 = r->r14;
    sc->r15 = r->r15;
    sc->rdi = r->rdi;
    sc->rsi = r->rsi;
    sc->rbp = r->rbp;
    sc->rbx = r->rbx;
    sc->rdx = r->rdx;
    sc->rax = r->rax;
    sc->rcx = r->rcx;
    sc->rsp = r->rsp;
    sc->rip = r->rip;
    sc->eflags = r->eflags;
    sc->cs = (unsigned short)r->cs;
    sc->gs = 0;
    sc->fs = 0;
    sc->__pad0 = (unsigned short)r->ss; /* the ss slot, with UC_SIGCONTEXT_SS */
}

/* x86 trap numbers for the frame's trapno, from the signal (ptrace does not tell us the vector). */
static uint64_t trapno_of(int signo)
{
    switch (signo) {
    case SIGSEGV:
        return 14; /* #PF */
    case SIGFPE:
        return 0; /* #DE */
    case SIGILL:
        return 6; /* #UD */
    case SIGTRAP:
        return 3; /* #BP */
    case SIGBUS:
        return 17; /* #AC */
    default:
        return 0;
    }
}

static bool is_fault(int signo, const siginfo_t *info)
{
    return (signo == SIGSEGV || signo == SIGBUS || signo == SIGILL || signo == SIGFPE ||
            signo == SIGTRAP) &&
           info->si_code > 0;
}

long arch_sigframe_build(struct arch_regs *regs, const struct arch_sigframe_args *args, void **out,
                         size_t *out_len, uintptr_t *out_addr)
{
    size_t fp_size = args->xstate_size + sizeof(uint32_t); /* + FP_XSTATE_MAGIC2 */
    uintptr_t sp = args->sp, fp_addr, frame_addr;
    struct kernel_rt_sigframe *f;
    struct _fpx_sw_bytes sw;
    uint32_t magic2 = FP_XSTATE_MAGIC2;
    char *buf;
    size_t len;

    if (!args->on_new_stack)
        sp -= RED_ZONE;
    fp_addr = (sp - fp_size) & ~(uintptr_t)63; /* XSAVE needs 64-byte alignment */
    frame_addr = ((fp_addr - sizeof(*f)) & ~(uintptr_t)15) - 8;
    len = args->sp - frame_addr;
    buf = calloc(1, len);
    if (buf == NULL)
        return -ENOMEM;

    f = (struct kernel_rt_sigframe *)(void *)buf;
    f->pretcode = args->restorer;
    f->uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
    f->uc.uc_link = 0;
    f->uc.uc_stack = args->saved_altstack;
    save_regs(&f->uc.uc_mcontext, &regs->r);
    f->uc.uc_mcontext.oldmask = args->old_mask;
    if (is_fault(args->signo, args->info)) {
        f->uc.uc_mcontext.trapno = trapno_of(args->signo);
        if (args->signo == SIGSEGV || args->signo == SIGBUS)
            f->uc.uc_mcontext.cr2 = (uint64_t)(uintptr_t)args->info->si_addr;
    }
    f->uc.uc_mcontext.fpstate = (struct _fpstate *)fp_addr;
    f->uc.uc_sigmask = args->old_mask;
    f->info = *args->info;

    /* The XSAVE image, its software bytes (magic1 etc. in the FXSAVE reserved area) and magic2. */
    memcpy(buf + (fp_addr - frame_addr), args->xstate, args->xstate_size);
    memset(&sw, 0, sizeof(sw));
    sw.magic1 = FP_XSTATE_MAGIC1;
    sw.extended_size = (uint32_t)fp_size;
    sw.xstate_bv = args->xfeatures;
    sw.xstate_size = (uint32_t)args->xstate_size;
    memcpy(buf + (fp_addr - frame_addr) + SW_BYTES_OFFSET, &sw, sizeof(sw));
    memcpy(buf + (fp_addr - frame_addr) + args->xstate_size, &magic2, sizeof(magic2));

    /* Enter the handler: handler(signo, &info, &uc), returning to the restorer. */
    regs->r.rsp = frame_addr;
    regs->r.rip = args->handler;
    regs->r.rdi = (uint64_t)args->signo;
    regs->r.rsi = frame_addr + offsetof(struct kernel_rt_sigframe, info);
    regs->r.rdx = frame_addr + offsetof(struct kernel_rt_sigframe, uc);
    regs->r.rax = 0;
    regs->r.eflags &= ~ENTRY_CLEAR_EFLAGS;
    regs->r.orig_rax = (unsigned long long)-1;
    *out = buf;
    *out_len = len;
    *out_addr = frame_addr;
    return 0;
}

long arch_sigreturn_parse(struct arch_regs *regs, const void *frame, size_t len,
                          struct arch_sigreturn_state *st)
{
    const struct kernel_rt_sigframe *f = frame;
    const struct sigcontext *sc;
    struct user_regs_struct *r = &regs->r;

    if (len < sizeof(*f))
        return -EFAULT;
    sc = &f->uc.uc_mcontext;
    r->r8 = sc->r8;
    r->r9 = sc->r9;
    r->r10 = sc->r10;
    r->r11 = sc->r11;
    r->r12 = sc->r12;
    r->r13 = sc->r13;
    r->r14 = sc->r14;
    r->r15 = sc->r15;
    r->rdi = sc->rdi;
    r->rsi = sc->rsi;
    r->rbp = sc->rbp;
    r->rbx = sc->rbx;
    r->rdx = sc->rdx;
    r->rax = sc->rax;
    r->rcx = sc->rcx;
    r->rsp = sc->rsp;
    r->rip = sc->rip;
    r->eflags = (r->eflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
    /* Not inside a syscall any more: no restart logic may apply. */
    r->orig_rax = (unsigned long long)-1;
    st->mask = f->uc.uc_sigmask;
    st->altstack = f->uc.uc_stack;
    st->fpstate = (uint64_t)(uintptr_t)sc->fpstate;
    return (long)sizeof(*f);
}

long arch_fpstate_from_frame(void *buf, size_t len, size_t size)
{
    struct _fpx_sw_bytes sw;
    uint64_t bv;

    if (len < FXSAVE_SIZE || size < FXSAVE_SIZE + XSAVE_HDR_SIZE)
        return -EFAULT;
    memcpy(&sw, (char *)buf + SW_BYTES_OFFSET, sizeof(sw));
    if (sw.magic1 == FP_XSTATE_MAGIC1 && sw.xstate_size >= FXSAVE_SIZE + XSAVE_HDR_SIZE &&
        sw.xstate_size <= len && sw.xstate_size <= size &&
        sw.extended_size == sw.xstate_size + sizeof(uint32_t)) {
        uint32_t magic2;

        if ((size_t)sw.xstate_size + sizeof(magic2) > len)
            return -EFAULT;
        memcpy(&magic2, (char *)buf + sw.xstate_size, sizeof(magic2));
        if (magic2 == FP_XSTATE_MAGIC2)
            return sw.xstate_size;
    }
    /* FXSAVE only: x87 and SSE from the frame, every other component in its init state. */
    memset((char *)buf + SW_BYTES_OFFSET, 0, FXSAVE_SIZE - SW_BYTES_OFFSET);
    memset((char *)buf + FXSAVE_SIZE, 0, size - FXSAVE_SIZE);
    bv = XFEATURE_MASK_FPSSE;
    memcpy((char *)buf + XSAVE_HDR_OFFSET, &bv, sizeof(bv));
    return (long)size;
}

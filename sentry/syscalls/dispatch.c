/* SPDX-License-Identifier: Apache-2.0 */
/* The syscall dispatcher: table lookup, ENOSYS logged once per syscall, and the --strace printer.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls.h"

/* How many bytes of a string or buffer --strace shows. */
#define STRACE_STR_MAX 32

/* One bit per syscall number already reported as unsupported. */
static uint64_t g_reported[(SYSCALL_TABLE_SIZE + 64) / 64];
static bool g_reported_out_of_range;

const char *syscall_name(long nr)
{
    if (nr < 0 || nr >= SYSCALL_TABLE_SIZE)
        return NULL;
    return g_syscall_table[nr].name;
}

static void report_unsupported(long nr)
{
    const char *name = syscall_name(nr);

    if (nr < 0 || nr >= SYSCALL_TABLE_SIZE) {
        if (!g_reported_out_of_range)
            sentry_info("sentry: unsupported syscall %ld (out of range)", nr);
        g_reported_out_of_range = true;
        return;
    }
    if (g_reported[nr / 64] & (1ULL << (nr % 64)))
        return;
    g_reported[nr / 64] |= 1ULL << (nr % 64);
    if (name != NULL)
        sentry_info("sentry: unsupported syscall %s", name);
    else
        sentry_info("sentry: unsupported syscall %ld", nr);
}

/* Appends app memory [addr, addr+len) as a quoted, escaped C string (at most STRACE_STR_MAX). */
static void put_buf(struct strbuf *sb, struct task *t, uint64_t addr, long len, bool nul_ends)
{
    char buf[STRACE_STR_MAX + 1];
    long n = len < 0 ? 0 : (len > STRACE_STR_MAX ? STRACE_STR_MAX : len);
    long got;

    if (nul_ends) {
        got = task_copy_in_string(t, addr, buf, sizeof(buf));
        if (got == -EFAULT) {
            strbuf_appendf(sb, "%#lx", (unsigned long)addr);
            return;
        }
        n = got < 0 ? STRACE_STR_MAX : got;
        len = got < 0 ? STRACE_STR_MAX + 1 : got;
    } else {
        got = task_copy_in_partial(t, buf, addr, (size_t)n);
        if (got < 0 && n > 0) {
            strbuf_appendf(sb, "%#lx", (unsigned long)addr);
            return;
        }
        n = got < 0 ? 0 : got;
    }
    strbuf_append(sb, "\"");
    for (long i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];

        if (c == '\n')
            strbuf_append(sb, "\\n");
        else if (c == '\t')
            strbuf_append(sb, "\\t");
        else if (c == '"' || c == '\\')
            strbuf_appendf(sb, "\\%c", c);
        else if (isprint(c))
            strbuf_appendf(sb, "%c", c);
        else
            strbuf_appendf(sb, "\\x%02x", c);
    }
    strbuf_append(sb, len > n ? "\"..." : "\"");
}

struct flag_name {
    uint64_t bit;
    const char *name;
};

static void put_flags(struct strbuf *sb, uint64_t v, const struct flag_name *names, size_t n,
                      const char *zero)
{
    bool first = true;

    for (size_t i = 0; i < n; i++) {
        if ((v & names[i].bit) == names[i].bit && names[i].bit != 0) {
            strbuf_appendf(sb, "%s%s", first ? "" : "|", names[i].name);
            v &= ~names[i].bit;
            first = false;
        }
    }
    if (v != 0 || first) {
        if (v == 0 && zero != NULL)
            strbuf_append(sb, zero);
        else
            strbuf_appendf(sb, "%s%#lx", first ? "" : "|", (unsigned long)v);
    }
}

static void put_oflags(struct strbuf *sb, uint64_t v)
{
    static const struct flag_name names[] = {
        { O_CREAT, "O_CREAT" },         { O_EXCL, "O_EXCL" },         { O_NOCTTY, "O_NOCTTY" },
        { O_TRUNC, "O_TRUNC" },         { O_APPEND, "O_APPEND" },     { O_NONBLOCK, "O_NONBLOCK" },
        { O_DIRECTORY, "O_DIRECTORY" }, { O_NOFOLLOW, "O_NOFOLLOW" }, { O_CLOEXEC, "O_CLOEXEC" },
        { O_PATH, "O_PATH" },           { O_TMPFILE, "O_TMPFILE" },   { O_DSYNC, "O_DSYNC" },
    };
    static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

    strbuf_append(sb, acc[v & O_ACCMODE]);
    v &= ~(uint64_t)O_ACCMODE;
    if (v != 0) {
        strbuf_append(sb, "|");
        put_flags(sb, v, names, ARRAY_SIZE(names), NULL);
    }
}

static void put_arg(struct strbuf *sb, struct task *t, const struct sys_entry *e,
                    const struct sys_args *a, int i, long ret)
{
    static const struct flag_name prot[] = {
        { PROT_READ, "PROT_READ" },
        { PROT_WRITE, "PROT_WRITE" },
        { PROT_EXEC, "PROT_EXEC" },
    };
    static const struct flag_name mapf[] = {
        { MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE" },
        { MAP_SHARED, "MAP_SHARED" },
        { MAP_PRIVATE, "MAP_PRIVATE" },
        { MAP_FIXED, "MAP_FIXED" },
        { MAP_ANONYMOUS, "MAP_ANONYMOUS" },
        { MAP_NORESERVE, "MAP_NORESERVE" },
        { MAP_POPULATE, "MAP_POPULATE" },
        { MAP_STACK, "MAP_STACK" },
        { MAP_GROWSDOWN, "MAP_GROWSDOWN" },
        { MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE" },
    };
    uint64_t v = a->a[i];
    const char *sig;

    switch (e->args[i]) {
    case SA_INT:
    case SA_FD:
        if (e->args[i] == SA_FD && (int)v == AT_FDCWD)
            strbuf_append(sb, "AT_FDCWD");
        else
            strbuf_appendf(sb, "%d", (int)v);
        break;
    case SA_UINT:
    case SA_LEN:
        strbuf_appendf(sb, "%lu", (unsigned long)v);
        break;
    case SA_PATH:
        put_buf(sb, t, v, 0, /*nul_ends=*/true);
        break;
    case SA_BUF_IN:
        put_buf(sb, t, v, i + 1 < 6 ? (long)a->a[i + 1] : 0, /*nul_ends=*/false);
        break;
    case SA_BUF_OUT:
        if (ret >= 0)
            put_buf(sb, t, v, ret, /*nul_ends=*/false);
        else
            strbuf_appendf(sb, "%#lx", (unsigned long)v);
        break;
    case SA_OFLAGS:
        put_oflags(sb, v);
        break;
    case SA_PROT:
        put_flags(sb, v, prot, ARRAY_SIZE(prot), "PROT_NONE");
        break;
    case SA_MAPF:
        put_flags(sb, v, mapf, ARRAY_SIZE(mapf), NULL);
        break;
    case SA_SIGNO:
        sig = (int)v > 0 && (int)v < NSIG ? sigabbrev_np((int)v) : NULL;
        if (sig != NULL)
            strbuf_appendf(sb, "SIG%s", sig);
        else
            strbuf_appendf(sb, "%d", (int)v);
        break;
    case SA_MODE:
        strbuf_appendf(sb, "%#lo", (unsigned long)v);
        break;
    case SA_HEX:
    case SA_PTR:
    default:
        if (v == 0)
            strbuf_append(sb, e->args[i] == SA_PTR ? "NULL" : "0");
        else
            strbuf_appendf(sb, "%#lx", (unsigned long)v);
        break;
    }
}

static bool returns_address(long nr)
{
    return nr == SYS_mmap || nr == SYS_mremap || nr == SYS_brk || nr == SYS_shmat;
}

static void strace_print(struct task *t, long nr, const struct sys_args *a, long ret, bool no_ret)
{
    const struct sys_entry *e = nr >= 0 && nr < SYSCALL_TABLE_SIZE ? &g_syscall_table[nr] : NULL;
    struct strbuf sb = STRBUF_INIT;

    strbuf_appendf(&sb, "[pid %d] ", t->tid);
    if (e != NULL && e->name != NULL) {
        strbuf_appendf(&sb, "%s(", e->name);
        for (int i = 0; i < e->nargs; i++) {
            if (i > 0)
                strbuf_append(&sb, ", ");
            put_arg(&sb, t, e, a, i, ret);
        }
        strbuf_append(&sb, ")");
    } else {
        strbuf_appendf(&sb, "syscall_%ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)", nr,
                       (unsigned long)a->a[0], (unsigned long)a->a[1], (unsigned long)a->a[2],
                       (unsigned long)a->a[3], (unsigned long)a->a[4], (unsigned long)a->a[5]);
    }
    if (no_ret)
        strbuf_append(&sb, " = ?\n");
    else if (ret < 0 && ret >= -4095)
        strbuf_appendf(&sb, " = -1 %s (%s)\n", strerrorname_np((int)-ret) ?: "E?",
                       strerror((int)-ret));
    else if (returns_address(nr))
        strbuf_appendf(&sb, " = %#lx\n", (unsigned long)ret);
    else
        strbuf_appendf(&sb, " = %ld\n", ret);
    fputs(strbuf_str(&sb), stderr);
    fflush(stderr);
    strbuf_release(&sb);
}

void syscall_dispatch(struct task *t)
{
    long nr = arch_syscall_nr(&t->regs);
    const struct sys_entry *e = NULL;
    struct sys_args a;
    long ret;

    for (int i = 0; i < 6; i++)
        a.a[i] = arch_syscall_arg(&t->regs, i);
    if (nr >= 0 && nr < SYSCALL_TABLE_SIZE)
        e = &g_syscall_table[nr];
    if (e != NULL && e->fn != NULL) {
        ret = e->fn(t, &a);
    } else {
        report_unsupported(nr);
        ret = -ENOSYS;
    }
    if (t->k->strace)
        strace_print(t, nr, &a, ret, t->exited || t->regs_replaced);
    if (t->exited)
        return;
    if (t->regs_replaced) {
        t->regs_replaced = false;
        return;
    }
    arch_set_return(&t->regs, ret);
    /* The signal code turns a restart code into EINTR or a restart before the app runs. */
    if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND ||
        ret == -ERESTART_RESTARTBLOCK)
        t->in_syscall = true;
}

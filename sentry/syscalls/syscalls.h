/* SPDX-License-Identifier: Apache-2.0 */
/* The syscall layer: the x86-64 table, the dispatcher and the strace printer. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct task;

/* The six raw arguments of a syscall, in ABI order. */
struct sys_args {
    uint64_t a[6];
};

/* Every handler has this type; no casts. Returns the syscall's result or -Exxx. */
typedef long (*sys_handler_fn)(struct task *t, const struct sys_args *a);

enum sys_support {
    SYS_SUPPORT_NONE = 0, /* no handler: ENOSYS, logged once */
    SYS_SUPPORT_FULL,     /* behaves like Linux */
    SYS_SUPPORT_PARTIAL,  /* some cases work, the note says which */
    SYS_SUPPORT_ERROR,    /* always fails with the errno the note gives, on purpose */
};

/* How --strace prints an argument. */
enum sys_arg_kind {
    SA_NONE = 0,
    SA_INT,     /* signed decimal */
    SA_UINT,    /* unsigned decimal */
    SA_HEX,     /* flags, addresses */
    SA_FD,      /* a file descriptor */
    SA_PATH,    /* a NUL-terminated string in app memory */
    SA_BUF_IN,  /* a buffer the app passes in; its length is the next argument */
    SA_BUF_OUT, /* a buffer the kernel fills; printed after the call with the result as length */
    SA_LEN,     /* a size */
    SA_PTR,     /* a pointer to a struct: printed as an address */
    SA_OFLAGS,  /* open(2) flags */
    SA_PROT,    /* PROT_* */
    SA_MAPF,    /* MAP_* */
    SA_SIGNO,   /* a signal number */
    SA_MODE,    /* octal mode */
};

struct sys_entry {
    const char *name; /* NULL for numbers x86-64 does not define */
    sys_handler_fn fn;
    enum sys_support support;
    const char *note;
    uint8_t nargs;
    uint8_t args[6]; /* enum sys_arg_kind */
};

/* One past the highest syscall number the table knows. */
#define SYSCALL_TABLE_SIZE 470

/* Indexed by syscall number (__NR_*). */
extern const struct sys_entry g_syscall_table[SYSCALL_TABLE_SIZE];

/*
 * Serves the syscall `t` trapped on: looks it up, runs the handler (ENOSYS
 * and a one-time log line for unsupported ones), prints it with --strace,
 * and stores the result in `t`'s registers.
 */
void syscall_dispatch(struct task *t);

/* Returns the name of syscall `nr` ("syscall_NNN" style names are not returned: NULL). */
const char *syscall_name(long nr);

/* SPDX-License-Identifier: Apache-2.0 */
/* Seccomp allowlists as tables of one-line rules, compiled and installed with libseccomp. */
#pragma once

#include <sched.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/*
 * One rule: `action` for syscall `nr` when all `n_args` comparisons hold.
 * With `arg0_self`, the first comparison's datum is replaced by our own pid
 * when the filter is built (e.g. tgkill only to ourselves).
 */
struct rt_seccomp_rule {
    int nr;
    const char *name;
    uint32_t action;
    unsigned n_args;
    struct scmp_arg_cmp args[2];
    bool arg0_self;
};

#define RT_SC_ARG(i, cmp, a, b)                                 \
    {                                                           \
        .arg = (i), .op = (cmp), .datum_a = (a), .datum_b = (b) \
    }
#define RT_SC_ALLOW(sys)                                             \
    {                                                                \
        .nr = SCMP_SYS(sys), .name = #sys, .action = SCMP_ACT_ALLOW, \
    }
#define RT_SC_ALLOW_IF(sys, c1)                                                                   \
    {                                                                                             \
        .nr = SCMP_SYS(sys), .name = #sys, .action = SCMP_ACT_ALLOW, .n_args = 1, .args = { c1 }, \
    }
#define RT_SC_ALLOW_IF2(sys, c1, c2)                                              \
    {                                                                             \
        .nr = SCMP_SYS(sys), .name = #sys, .action = SCMP_ACT_ALLOW, .n_args = 2, \
        .args = { c1, c2 },                                                       \
    }
/* Allowed when argument 0 is our own pid and `c2` holds. */
#define RT_SC_ALLOW_SELF_IF(sys, c2)                                              \
    {                                                                             \
        .nr = SCMP_SYS(sys), .name = #sys, .action = SCMP_ACT_ALLOW, .n_args = 2, \
        .args = { RT_SC_ARG(0, SCMP_CMP_EQ, 0, 0), c2 }, .arg0_self = true,       \
    }
#define RT_SC_FAIL_WITH(sys, errnum)                                         \
    {                                                                        \
        .nr = SCMP_SYS(sys), .name = #sys, .action = SCMP_ACT_ERRNO(errnum), \
    }

/* The flags glibc's pthread_create passes to clone(2): a thread, never a process. */
#define RT_SC_THREAD_CLONE_FLAGS                                                        \
    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
     CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

/*
 * Installs the allowlist `rules` on every thread of the process (TSYNC). What
 * is not listed kills the process (SCMP_ACT_KILL_PROCESS: the kernel logs the
 * syscall number), or with `trap` raises SIGSYS, whose handler writes
 * "runsc-c <who>: seccomp: blocked system call N (<table> does not allow it)"
 * to the log fd (or stderr) and exits 128 + SIGSYS. `who` and `table` must be
 * static strings. Returns 0 or < 0 with *err.
 */
int rt_seccomp_install(const struct rt_seccomp_rule *rules, size_t n, bool trap, const char *who,
                       const char *table, rt_error_t *err);

/* Writes the allowlist (the kill variant) as BPF to `fd`. Returns 0 or < 0 with *err. */
int rt_seccomp_export(const struct rt_seccomp_rule *rules, size_t n, int fd, rt_error_t *err);

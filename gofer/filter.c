// SPDX-License-Identifier: Apache-2.0
// The gofer's seccomp allowlist (libseccomp): the file calls its handlers make, and nothing else.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/common.h"
#include "common/seccomp_rules.h"
#include "gofer/gofer.h"

/*
 * One line per syscall; anything else kills the whole gofer
 * (SCMP_ACT_KILL_PROCESS, logged by the kernel as an audit record). With
 * `--debug` the gofer traps instead and names the syscall on its log. No
 * exec, no socket or connect, no mount, no ptrace, no open of a path other
 * than through the served trees (openat relative to a fid) or our own fd
 * links under /fd; the file system itself is the gofer's private pivoted
 * root (gofer/gofer.c), so path-taking calls can only reach it.
 */
static const struct rt_seccomp_rule g_rules[] = {
    /* Memory. No new executable mappings. */
    RT_SC_ALLOW_IF(mmap, RT_SC_ARG(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)),
    RT_SC_ALLOW_IF(mprotect, RT_SC_ARG(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)),
    RT_SC_ALLOW(munmap),
    RT_SC_ALLOW(mremap),
    RT_SC_ALLOW(madvise),
    RT_SC_ALLOW(brk),

    /* Threads: one per connection. */
    RT_SC_ALLOW_IF(clone, RT_SC_ARG(0, SCMP_CMP_EQ, RT_SC_THREAD_CLONE_FLAGS, 0)),
    /* clone3's flags live in memory a filter cannot read: glibc falls back to clone on ENOSYS. */
    RT_SC_FAIL_WITH(clone3, ENOSYS),
    RT_SC_ALLOW(futex),
    RT_SC_ALLOW(set_robust_list),
    RT_SC_ALLOW(rseq),
    RT_SC_ALLOW(sched_yield),
    RT_SC_ALLOW(sched_getaffinity),
    RT_SC_ALLOW(exit),
    RT_SC_ALLOW(exit_group),

    /* Signals, only to ourselves (abort). */
    RT_SC_ALLOW(rt_sigaction),
    RT_SC_ALLOW(rt_sigprocmask),
    RT_SC_ALLOW(rt_sigreturn),
    RT_SC_ALLOW(sigaltstack),
    RT_SC_ALLOW(restart_syscall),
    RT_SC_ALLOW_SELF_IF(tgkill, RT_SC_ARG(1, SCMP_CMP_GT, 0, 0)),

    /* Identity and time (logging). */
    RT_SC_ALLOW(getpid),
    RT_SC_ALLOW(gettid),
    RT_SC_ALLOW(clock_gettime),
    RT_SC_ALLOW(gettimeofday),
    RT_SC_ALLOW(nanosleep),
    RT_SC_ALLOW(clock_nanosleep),
    RT_SC_ALLOW(getrandom),

    /* The connections: frames and donated descriptors. */
    RT_SC_ALLOW(read),
    RT_SC_ALLOW(write),
    RT_SC_ALLOW(readv),
    RT_SC_ALLOW(writev),
    RT_SC_ALLOW(recvmsg),
    RT_SC_ALLOW(sendmsg),
    RT_SC_ALLOW(recvfrom),
    RT_SC_ALLOW(sendto),
    RT_SC_ALLOW(shutdown),
    RT_SC_ALLOW(close),
    RT_SC_ALLOW_IF(fcntl, RT_SC_ARG(1, SCMP_CMP_LE, F_SETFL, 0)), /* F_DUPFD .. F_SETFL */
    RT_SC_ALLOW_IF(fcntl, RT_SC_ARG(1, SCMP_CMP_EQ, F_DUPFD_CLOEXEC, 0)),

    /* The file handlers (gofer/server.c), one line per host call they make. */
    RT_SC_ALLOW(openat),
    RT_SC_ALLOW(open),
    RT_SC_ALLOW(fstat),
    RT_SC_ALLOW(newfstatat),
    RT_SC_ALLOW(statx),
    RT_SC_ALLOW(lseek),
    RT_SC_ALLOW(getdents64),
    RT_SC_ALLOW(mkdirat),
    RT_SC_ALLOW(mknodat),
    RT_SC_ALLOW(unlinkat),
    RT_SC_ALLOW(renameat2),
    RT_SC_ALLOW(renameat), /* glibc's renameat2 with flags 0 */
    RT_SC_ALLOW(linkat),
    RT_SC_ALLOW(symlinkat),
    RT_SC_ALLOW(readlinkat),
    RT_SC_ALLOW(fchownat),
    RT_SC_ALLOW(fchmodat),
    RT_SC_ALLOW(utimensat),
    RT_SC_ALLOW(ftruncate),
    RT_SC_ALLOW(fstatfs),
    RT_SC_ALLOW(getxattr),
    RT_SC_ALLOW(setxattr),
    RT_SC_ALLOW(listxattr),
    RT_SC_ALLOW(removexattr),
};

int gofer_filter_install(bool trap, rt_error_t *err)
{
    return rt_seccomp_install(g_rules, ARRAY_SIZE(g_rules), trap, "gofer", "gofer/filter.c", err);
}

int gofer_filter_export(int fd, rt_error_t *err)
{
    return rt_seccomp_export(g_rules, ARRAY_SIZE(g_rules), fd, err);
}

size_t gofer_filter_rule_count(void)
{
    return ARRAY_SIZE(g_rules);
}

// SPDX-License-Identifier: Apache-2.0
// The sandbox process's seccomp allowlist (libseccomp): every host syscall the sentry may make.
#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "boot/boot.h"
#include "common/common.h"
#include "common/seccomp_rules.h"

/*
 * One line per syscall. Anything not listed kills the whole process
 * (SCMP_ACT_KILL_PROCESS, which the kernel logs as an audit record with the
 * syscall number); with `--debug`, the boot process traps instead and
 * prints the number (boot_filter_install's `trap`). To let the sandbox make
 * a new syscall, add one RT_SC_ALLOW(name) line here, in the group that needs it,
 * with a comment when the reason is not obvious; restrict arguments with
 * RT_SC_ALLOW_IF where a flag makes the call dangerous.
 */
static const struct rt_seccomp_rule g_rules[] = {
    /* Memory. No new executable mappings: the sentry's code is mapped by now. */
    RT_SC_ALLOW_IF(mmap, RT_SC_ARG(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)),
    RT_SC_ALLOW_IF(mprotect, RT_SC_ARG(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)),
    RT_SC_ALLOW(munmap),
    RT_SC_ALLOW(mremap),
    RT_SC_ALLOW(madvise),
    RT_SC_ALLOW(brk),

    /* Threads (the control server's connection threads). */
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

    /* Signals. Only to ourselves: abort() and thread-directed signals. */
    RT_SC_ALLOW(rt_sigaction),
    RT_SC_ALLOW(rt_sigprocmask),
    RT_SC_ALLOW(rt_sigreturn),
    RT_SC_ALLOW(sigaltstack),
    RT_SC_ALLOW(restart_syscall),

    /* Identity and time. */
    RT_SC_ALLOW(getpid),
    RT_SC_ALLOW(gettid),
    RT_SC_ALLOW(getuid),
    RT_SC_ALLOW(geteuid),
    RT_SC_ALLOW(getgid),
    RT_SC_ALLOW(getegid),
    RT_SC_ALLOW(clock_gettime),
    RT_SC_ALLOW(clock_getres),
    RT_SC_ALLOW(sysinfo), /* the app's sysinfo(2) reports the host's memory and load */
    RT_SC_ALLOW(clock_nanosleep),
    RT_SC_ALLOW(nanosleep),
    RT_SC_ALLOW(gettimeofday),
    RT_SC_ALLOW(getrandom),

    /* Descriptors already open: no open of host paths, ever. */
    RT_SC_ALLOW(read),
    RT_SC_ALLOW(write),
    RT_SC_ALLOW(readv),
    RT_SC_ALLOW(writev),
    RT_SC_ALLOW(close),
    RT_SC_ALLOW(fstat),
    RT_SC_ALLOW_IF(newfstatat, RT_SC_ARG(3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH)),
    RT_SC_ALLOW(lseek),
    RT_SC_ALLOW_IF(fcntl, RT_SC_ARG(1, SCMP_CMP_LE, F_SETFL, 0)), /* F_DUPFD .. F_SETFL */
    RT_SC_ALLOW(eventfd2),
    RT_SC_ALLOW(poll),
    RT_SC_ALLOW(ppoll),

    /* The control socket. */
    RT_SC_ALLOW(accept4),
    RT_SC_ALLOW(recvmsg),
    RT_SC_ALLOW(sendmsg),
    RT_SC_ALLOW(recvfrom),
    RT_SC_ALLOW(sendto),
    RT_SC_ALLOW(getsockopt),
    RT_SC_ALLOW_IF2(setsockopt, RT_SC_ARG(1, SCMP_CMP_EQ, SOL_SOCKET, 0),
                    RT_SC_ARG(2, SCMP_CMP_EQ, SO_RCVTIMEO, 0)),
    RT_SC_ALLOW_IF2(setsockopt, RT_SC_ARG(1, SCMP_CMP_EQ, SOL_SOCKET, 0),
                    RT_SC_ARG(2, SCMP_CMP_EQ, SO_SNDTIMEO, 0)),
    RT_SC_ALLOW(shutdown),

    /* pid 1 of the sandbox's pid namespace reaps what it starts. */
    RT_SC_ALLOW(wait4),
    RT_SC_ALLOW(waitid),

    /*
     * The sentry. Stubs come from the stub factory (forked before this
     * filter), so nothing here forks or maps code: each container's sentry
     * threads trace their stubs, inject syscalls into them, copy app memory
     * and kill them. kill and tgkill reach only our own pid namespace, where
     * every process is the sandbox's.
     */
    RT_SC_ALLOW(ptrace),
    RT_SC_ALLOW(process_vm_readv),
    RT_SC_ALLOW(process_vm_writev),
    RT_SC_ALLOW(kill),
    RT_SC_ALLOW(tgkill),
    RT_SC_ALLOW(sched_setaffinity),
    /* Reading limits only: the app's rlimits are the sentry's own bookkeeping. */
    RT_SC_ALLOW_IF(prlimit64, RT_SC_ARG(2, SCMP_CMP_EQ, 0, 0)),
    /* The app's files are host fds the sentry dups (stdio, donated gofer fds). */
    RT_SC_ALLOW_IF(fcntl, RT_SC_ARG(1, SCMP_CMP_EQ, F_DUPFD_CLOEXEC, 0)),
    /*
     * The app's inet sockets are host sockets of the sentry in the pod's
     * network namespace, NETLINK_ROUTE a host netlink socket (sentry/net):
     * the connection calls and options (the host refuses what our dropped
     * capabilities do not allow), a readiness watcher on epoll, and the
     * interface ioctls the sentry forwards.
     */
    RT_SC_ALLOW_IF(socket, RT_SC_ARG(0, SCMP_CMP_EQ, AF_INET, 0)),
    RT_SC_ALLOW_IF(socket, RT_SC_ARG(0, SCMP_CMP_EQ, AF_INET6, 0)),
    RT_SC_ALLOW_IF2(socket, RT_SC_ARG(0, SCMP_CMP_EQ, AF_NETLINK, 0),
                    RT_SC_ARG(2, SCMP_CMP_EQ, NETLINK_ROUTE, 0)),
    RT_SC_ALLOW(bind),
    RT_SC_ALLOW(connect),
    RT_SC_ALLOW(listen),
    RT_SC_ALLOW(getsockname),
    RT_SC_ALLOW(getpeername),
    RT_SC_ALLOW(setsockopt),
    RT_SC_ALLOW(epoll_create1),
    RT_SC_ALLOW(epoll_ctl),
    RT_SC_ALLOW(epoll_wait),
    RT_SC_ALLOW(epoll_pwait),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCGIFCONF, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCGIFNAME, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCGIFINDEX, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCGIFFLAGS, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCGIFADDR, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCGIFDSTADDR, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCGIFBRDADDR, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCGIFNETMASK, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCGIFMTU, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCGIFHWADDR, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCGIFMETRIC, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCGIFTXQLEN, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCGIFMAP, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCOUTQ, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCOUTQNSD, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCATMARK, 0)),
    /* Interface changes reach the host only for an app with CAP_NET_ADMIN; we lack it: EPERM. */
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCSIFFLAGS, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCSIFADDR, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCSIFDSTADDR, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCSIFBRDADDR, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCSIFNETMASK, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCSIFMTU, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCSIFHWADDR, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCSIFMETRIC, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCSIFTXQLEN, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, SIOCSIFNAME, 0)),
    /* systrap watches and kills its stubs (not our children) through pidfds. */
    RT_SC_ALLOW_IF(pidfd_open, RT_SC_ARG(1, SCMP_CMP_EQ, 0, 0)),
    RT_SC_ALLOW(pidfd_send_signal),
    /* systrap: one socket pair per stub, its end handed to the stub factory. */
    RT_SC_ALLOW_IF(socketpair, RT_SC_ARG(0, SCMP_CMP_EQ, AF_UNIX, 0)),
    /* systrap reads the serving thread's own TLS bases (never sets them). */
    RT_SC_ALLOW_IF(arch_prctl, RT_SC_ARG(0, SCMP_CMP_EQ, ARCH_GET_FS, 0)),
    RT_SC_ALLOW_IF(arch_prctl, RT_SC_ARG(0, SCMP_CMP_EQ, ARCH_GET_GS, 0)),
    /* File data goes straight to those fds (DESIGN.md section 5); tmpfs files are memfds. */
    RT_SC_ALLOW(pread64),
    RT_SC_ALLOW(pwrite64),
    RT_SC_ALLOW(preadv),
    RT_SC_ALLOW(pwritev),
    RT_SC_ALLOW(preadv2),
    RT_SC_ALLOW(pwritev2),
    RT_SC_ALLOW(ftruncate),
    RT_SC_ALLOW(fallocate),
    RT_SC_ALLOW(fsync),
    RT_SC_ALLOW(fdatasync),
    RT_SC_ALLOW(fstatfs),
    RT_SC_ALLOW(memfd_create),
    /* futimens on a tmpfs memfd: utimensat with a NULL path, never a host path. */
    RT_SC_ALLOW_IF(utimensat, RT_SC_ARG(1, SCMP_CMP_EQ, 0, 0)),
    /* Terminal ioctls the sentry forwards to a host tty given as the app's stdio. */
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, TCGETS, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, TCSETS, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, TCSETSW, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, TCSETSF, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, TIOCGWINSZ, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, TIOCSWINSZ, 0)),
    RT_SC_ALLOW_IF(ioctl, RT_SC_ARG(1, SCMP_CMP_EQ, FIONREAD, 0)),
};

int boot_filter_install(bool trap, rt_error_t *err)
{
    return rt_seccomp_install(g_rules, ARRAY_SIZE(g_rules), trap, "boot", "boot/filter.c", err);
}

int boot_filter_export(int fd, rt_error_t *err)
{
    return rt_seccomp_export(g_rules, ARRAY_SIZE(g_rules), fd, err);
}

size_t boot_filter_rule_count(void)
{
    return ARRAY_SIZE(g_rules);
}

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

/*
 * One line per syscall. Anything not listed kills the whole process
 * (SCMP_ACT_KILL_PROCESS, which the kernel logs as an audit record with the
 * syscall number); with `--debug`, the boot process traps instead and
 * prints the number (boot_filter_install's `trap`). To let the sandbox make
 * a new syscall, add one ALLOW(name) line here, in the group that needs it,
 * with a comment when the reason is not obvious; restrict arguments with
 * ALLOW_IF where a flag makes the call dangerous.
 */
struct filter_rule {
    int nr;
    const char *name;
    uint32_t action;
    unsigned n_args;
    struct scmp_arg_cmp args[2];
};

#define ARG(i, cmp, a, b)                                       \
    {                                                           \
        .arg = (i), .op = (cmp), .datum_a = (a), .datum_b = (b) \
    }
#define ALLOW(name)                               \
    {                                             \
        SCMP_SYS(name), #name, SCMP_ACT_ALLOW, 0, \
        {                                         \
            {                                     \
                0                                 \
            }                                     \
        }                                         \
    }
#define ALLOW_IF(name, ...)                       \
    {                                             \
        SCMP_SYS(name), #name, SCMP_ACT_ALLOW, 1, \
        {                                         \
            __VA_ARGS__                           \
        }                                         \
    }
#define ALLOW_IF2(name, c1, c2)                   \
    {                                             \
        SCMP_SYS(name), #name, SCMP_ACT_ALLOW, 2, \
        {                                         \
            c1, c2                                \
        }                                         \
    }
#define FAIL_WITH(name, errnum)                           \
    {                                                     \
        SCMP_SYS(name), #name, SCMP_ACT_ERRNO(errnum), 0, \
        {                                                 \
            {                                             \
                0                                         \
            }                                             \
        }                                                 \
    }

/* The flags glibc's pthread_create passes to clone(2): a thread, never a process. */
#define THREAD_CLONE_FLAGS                                                              \
    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
     CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static const struct filter_rule g_rules[] = {
    /* Memory. No new executable mappings: the sentry's code is mapped by now. */
    ALLOW_IF(mmap, ARG(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)),
    ALLOW_IF(mprotect, ARG(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)),
    ALLOW(munmap),
    ALLOW(mremap),
    ALLOW(madvise),
    ALLOW(brk),

    /* Threads (the control server's connection threads). */
    ALLOW_IF(clone, ARG(0, SCMP_CMP_EQ, THREAD_CLONE_FLAGS, 0)),
    /* clone3's flags live in memory a filter cannot read: glibc falls back to clone on ENOSYS. */
    FAIL_WITH(clone3, ENOSYS),
    ALLOW(futex),
    ALLOW(set_robust_list),
    ALLOW(rseq),
    ALLOW(sched_yield),
    ALLOW(sched_getaffinity),
    ALLOW(exit),
    ALLOW(exit_group),

    /* Signals. Only to ourselves: abort() and thread-directed signals. */
    ALLOW(rt_sigaction),
    ALLOW(rt_sigprocmask),
    ALLOW(rt_sigreturn),
    ALLOW(sigaltstack),
    ALLOW(restart_syscall),

    /* Identity and time. */
    ALLOW(getpid),
    ALLOW(gettid),
    ALLOW(getuid),
    ALLOW(geteuid),
    ALLOW(getgid),
    ALLOW(getegid),
    ALLOW(clock_gettime),
    ALLOW(clock_getres),
    ALLOW(sysinfo), /* the app's sysinfo(2) reports the host's memory and load */
    ALLOW(clock_nanosleep),
    ALLOW(nanosleep),
    ALLOW(gettimeofday),
    ALLOW(getrandom),

    /* Descriptors already open: no open of host paths, ever. */
    ALLOW(read),
    ALLOW(write),
    ALLOW(readv),
    ALLOW(writev),
    ALLOW(close),
    ALLOW(fstat),
    ALLOW_IF(newfstatat, ARG(3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH)),
    ALLOW(lseek),
    ALLOW_IF(fcntl, ARG(1, SCMP_CMP_LE, F_SETFL, 0)), /* F_DUPFD .. F_SETFL */
    ALLOW(eventfd2),
    ALLOW(poll),
    ALLOW(ppoll),

    /* The control socket. */
    ALLOW(accept4),
    ALLOW(recvmsg),
    ALLOW(sendmsg),
    ALLOW(recvfrom),
    ALLOW(sendto),
    ALLOW(getsockopt),
    ALLOW_IF2(setsockopt, ARG(1, SCMP_CMP_EQ, SOL_SOCKET, 0), ARG(2, SCMP_CMP_EQ, SO_RCVTIMEO, 0)),
    ALLOW_IF2(setsockopt, ARG(1, SCMP_CMP_EQ, SOL_SOCKET, 0), ARG(2, SCMP_CMP_EQ, SO_SNDTIMEO, 0)),
    ALLOW(shutdown),

    /* pid 1 of the sandbox's pid namespace reaps what it starts. */
    ALLOW(wait4),
    ALLOW(waitid),

    /*
     * The sentry. Stubs come from the stub factory (forked before this
     * filter), so nothing here forks or maps code: each container's sentry
     * threads trace their stubs, inject syscalls into them, copy app memory
     * and kill them. kill and tgkill reach only our own pid namespace, where
     * every process is the sandbox's.
     */
    ALLOW(ptrace),
    ALLOW(process_vm_readv),
    ALLOW(process_vm_writev),
    ALLOW(kill),
    ALLOW(tgkill),
    ALLOW(sched_setaffinity),
    /* Reading limits only: the app's rlimits are the sentry's own bookkeeping. */
    ALLOW_IF(prlimit64, ARG(2, SCMP_CMP_EQ, 0, 0)),
    /* The app's files are host fds the sentry dups (stdio, donated gofer fds). */
    ALLOW_IF(fcntl, ARG(1, SCMP_CMP_EQ, F_DUPFD_CLOEXEC, 0)),
    /*
     * The app's inet sockets are host sockets of the sentry in the pod's
     * network namespace, NETLINK_ROUTE a host netlink socket (sentry/net):
     * the connection calls and options (the host refuses what our dropped
     * capabilities do not allow), a readiness watcher on epoll, and the
     * interface ioctls the sentry forwards.
     */
    ALLOW_IF(socket, ARG(0, SCMP_CMP_EQ, AF_INET, 0)),
    ALLOW_IF(socket, ARG(0, SCMP_CMP_EQ, AF_INET6, 0)),
    ALLOW_IF2(socket, ARG(0, SCMP_CMP_EQ, AF_NETLINK, 0), ARG(2, SCMP_CMP_EQ, NETLINK_ROUTE, 0)),
    ALLOW(bind),
    ALLOW(connect),
    ALLOW(listen),
    ALLOW(getsockname),
    ALLOW(getpeername),
    ALLOW(setsockopt),
    ALLOW(epoll_create1),
    ALLOW(epoll_ctl),
    ALLOW(epoll_wait),
    ALLOW(epoll_pwait),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCGIFCONF, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCGIFNAME, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCGIFINDEX, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCGIFFLAGS, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCGIFADDR, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCGIFDSTADDR, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCGIFBRDADDR, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCGIFNETMASK, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCGIFMTU, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCGIFHWADDR, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCGIFMETRIC, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCGIFTXQLEN, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCGIFMAP, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCOUTQ, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCOUTQNSD, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCATMARK, 0)),
    /* Interface changes reach the host only for an app with CAP_NET_ADMIN; we lack it: EPERM. */
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCSIFFLAGS, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCSIFADDR, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCSIFDSTADDR, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCSIFBRDADDR, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCSIFNETMASK, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCSIFMTU, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCSIFHWADDR, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCSIFMETRIC, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCSIFTXQLEN, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, SIOCSIFNAME, 0)),
    /* systrap watches and kills its stubs (not our children) through pidfds. */
    ALLOW_IF(pidfd_open, ARG(1, SCMP_CMP_EQ, 0, 0)),
    ALLOW(pidfd_send_signal),
    /* systrap: one socket pair per stub, its end handed to the stub factory. */
    ALLOW_IF(socketpair, ARG(0, SCMP_CMP_EQ, AF_UNIX, 0)),
    /* systrap reads the serving thread's own TLS bases (never sets them). */
    ALLOW_IF(arch_prctl, ARG(0, SCMP_CMP_EQ, ARCH_GET_FS, 0)),
    ALLOW_IF(arch_prctl, ARG(0, SCMP_CMP_EQ, ARCH_GET_GS, 0)),
    /* File data goes straight to those fds (DESIGN.md section 5); tmpfs files are memfds. */
    ALLOW(pread64),
    ALLOW(pwrite64),
    ALLOW(preadv),
    ALLOW(pwritev),
    ALLOW(preadv2),
    ALLOW(pwritev2),
    ALLOW(ftruncate),
    ALLOW(fallocate),
    ALLOW(fsync),
    ALLOW(fdatasync),
    ALLOW(fstatfs),
    ALLOW(memfd_create),
    /* futimens on a tmpfs memfd: utimensat with a NULL path, never a host path. */
    ALLOW_IF(utimensat, ARG(1, SCMP_CMP_EQ, 0, 0)),
    /* Terminal ioctls the sentry forwards to a host tty given as the app's stdio. */
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, TCGETS, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, TCSETS, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, TCSETSW, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, TCSETSF, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, TIOCGWINSZ, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, TIOCSWINSZ, 0)),
    ALLOW_IF(ioctl, ARG(1, SCMP_CMP_EQ, FIONREAD, 0)),
};

static void cleanup_seccomp(scmp_filter_ctx *ctx)
{
    if (*ctx != NULL)
        seccomp_release(*ctx);
}

#define cleanup_seccomp_ctx __attribute__((cleanup(cleanup_seccomp)))

/* Formats `v` in decimal into `buf` (async-signal-safe); returns the length. */
static size_t format_uint(char *buf, unsigned long v)
{
    char tmp[24];
    size_t n = 0, len = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        buf[len++] = tmp[--n];
    return len;
}

static int g_trap_log_fd = 2;

/* SIGSYS handler of the debug filter: names the syscall, then dies like the real filter. */
static void on_sigsys(int sig, siginfo_t *info, void *uc)
{
    static const char pre[] = "runsc-c boot: seccomp: blocked system call ";
    static const char post[] = " (boot/filter.c does not allow it)\n";
    char buf[sizeof(pre) + sizeof(post) + 24];
    size_t len = 0;

    memcpy(buf, pre, sizeof(pre) - 1);
    len = sizeof(pre) - 1;
    len += format_uint(buf + len, (unsigned long)info->si_syscall);
    memcpy(buf + len, post, sizeof(post) - 1);
    len += sizeof(post) - 1;
    if (write(g_trap_log_fd, buf, len) < 0) {
        /* nowhere else to say it */
    }
    _exit(128 + SIGSYS);
}

/* Builds the filter; *out is owned by the caller. */
static int build_filter(bool trap, scmp_filter_ctx *out, rt_error_t *err)
{
    cleanup_seccomp_ctx scmp_filter_ctx ctx = NULL;
    int ret;

    ctx = seccomp_init(trap ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS);
    if (ctx == NULL)
        return rt_make_error(err, ENOMEM, "seccomp_init");
    for (size_t i = 0; i < ARRAY_SIZE(g_rules); i++) {
        const struct filter_rule *r = &g_rules[i];
        struct scmp_arg_cmp args[2];

        memcpy(args, r->args, sizeof(args));
        ret = seccomp_rule_add_array(ctx, r->action, r->nr, r->n_args, args);
        if (ret < 0)
            return rt_make_error(err, -ret, "seccomp rule for %s", r->name);
    }
    *out = steal_pointer(&ctx);
    return 0;
}

int boot_filter_install(bool trap, rt_error_t *err)
{
    cleanup_seccomp_ctx scmp_filter_ctx ctx = NULL;
    int ret;

    if (build_filter(trap, &ctx, err) < 0)
        return rt_error_wrap(err, "building the seccomp filter");
    if (trap) {
        struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

        if (rt_log_fd() >= 0)
            g_trap_log_fd = rt_log_fd();
        if (sigaction(SIGSYS, &sa, NULL) < 0)
            return rt_make_error(err, errno, "sigaction SIGSYS");
    }
    /* Every thread, should one exist already. */
    ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    if (ret < 0)
        return rt_make_error(err, -ret, "seccomp: thread sync");
    ret = seccomp_load(ctx);
    if (ret < 0)
        return rt_make_error(err, -ret, "loading the seccomp filter");
    return 0;
}

int boot_filter_export(int fd, rt_error_t *err)
{
    cleanup_seccomp_ctx scmp_filter_ctx ctx = NULL;
    int ret;

    if (build_filter(/*trap=*/false, &ctx, err) < 0)
        return rt_error_wrap(err, "building the seccomp filter");
    ret = seccomp_export_bpf(ctx, fd);
    if (ret < 0)
        return rt_make_error(err, -ret, "exporting the seccomp filter");
    return 0;
}

size_t boot_filter_rule_count(void)
{
    return ARRAY_SIZE(g_rules);
}

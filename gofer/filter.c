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
    /* Memory. No new executable mappings. */
    ALLOW_IF(mmap, ARG(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)),
    ALLOW_IF(mprotect, ARG(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)),
    ALLOW(munmap),
    ALLOW(mremap),
    ALLOW(madvise),
    ALLOW(brk),

    /* Threads: one per connection. */
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

    /* Signals, only to ourselves (abort). */
    ALLOW(rt_sigaction),
    ALLOW(rt_sigprocmask),
    ALLOW(rt_sigreturn),
    ALLOW(sigaltstack),
    ALLOW(restart_syscall),
    ALLOW_IF2(tgkill, ARG(0, SCMP_CMP_EQ, 0, 0), ARG(1, SCMP_CMP_GT, 0, 0)),

    /* Identity and time (logging). */
    ALLOW(getpid),
    ALLOW(gettid),
    ALLOW(clock_gettime),
    ALLOW(gettimeofday),
    ALLOW(nanosleep),
    ALLOW(clock_nanosleep),
    ALLOW(getrandom),

    /* The connections: frames and donated descriptors. */
    ALLOW(read),
    ALLOW(write),
    ALLOW(readv),
    ALLOW(writev),
    ALLOW(recvmsg),
    ALLOW(sendmsg),
    ALLOW(recvfrom),
    ALLOW(sendto),
    ALLOW(shutdown),
    ALLOW(close),
    ALLOW_IF(fcntl, ARG(1, SCMP_CMP_LE, F_SETFL, 0)), /* F_DUPFD .. F_SETFL */
    ALLOW_IF(fcntl, ARG(1, SCMP_CMP_EQ, F_DUPFD_CLOEXEC, 0)),

    /* The file handlers (gofer/server.c), one line per host call they make. */
    ALLOW(openat),
    ALLOW(open),
    ALLOW(fstat),
    ALLOW(newfstatat),
    ALLOW(statx),
    ALLOW(lseek),
    ALLOW(getdents64),
    ALLOW(mkdirat),
    ALLOW(mknodat),
    ALLOW(unlinkat),
    ALLOW(renameat2),
    ALLOW(renameat), /* glibc's renameat2 with flags 0 */
    ALLOW(linkat),
    ALLOW(symlinkat),
    ALLOW(readlinkat),
    ALLOW(fchownat),
    ALLOW(fchmodat),
    ALLOW(utimensat),
    ALLOW(ftruncate),
    ALLOW(fstatfs),
    ALLOW(getxattr),
    ALLOW(setxattr),
    ALLOW(listxattr),
    ALLOW(removexattr),
};

static void cleanup_seccomp(scmp_filter_ctx *ctx)
{
    if (*ctx != NULL)
        seccomp_release(*ctx);
}

#define cleanup_seccomp_ctx __attribute__((cleanup(cleanup_seccomp)))

static int g_trap_log_fd = 2;

/* SIGSYS handler of the debug filter: names the syscall, then dies like the real filter. */
static void on_sigsys(int sig, siginfo_t *info, void *uc)
{
    static const char pre[] = "runsc-c gofer: seccomp: blocked system call ";
    static const char post[] = " (gofer/filter.c does not allow it)\n";
    char buf[sizeof(pre) + sizeof(post) + 24];
    char tmp[24];
    unsigned long v = (unsigned long)info->si_syscall;
    size_t len = sizeof(pre) - 1, n = 0;

    memcpy(buf, pre, len);
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        buf[len++] = tmp[--n];
    memcpy(buf + len, post, sizeof(post) - 1);
    len += sizeof(post) - 1;
    if (write(g_trap_log_fd, buf, len) < 0) {
        /* nowhere else to say it */
    }
    _exit(128 + SIGSYS);
}

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
        if (r->nr == SCMP_SYS(tgkill))
            args[0].datum_a = (scmp_datum_t)getpid();
        ret = seccomp_rule_add_array(ctx, r->action, r->nr, r->n_args, args);
        if (ret < 0)
            return rt_make_error(err, -ret, "seccomp rule for %s", r->name);
    }
    *out = steal_pointer(&ctx);
    return 0;
}

int gofer_filter_install(bool trap, rt_error_t *err)
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
    ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    if (ret < 0)
        return rt_make_error(err, -ret, "seccomp: thread sync");
    ret = seccomp_load(ctx);
    if (ret < 0)
        return rt_make_error(err, -ret, "loading the seccomp filter");
    return 0;
}

int gofer_filter_export(int fd, rt_error_t *err)
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

size_t gofer_filter_rule_count(void)
{
    return ARRAY_SIZE(g_rules);
}

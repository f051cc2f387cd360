/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bad pointers to pointer-taking syscalls: each probe passes NULL, -1, a kernel address, an
 * unmapped page and a PROT_NONE page in one pointer argument (the others valid) and checks the
 * errno Linux gives for each (mostly EFAULT; NULL often means "none" and succeeds). The process
 * survives all of them, and data a failed read could not store stays readable.
 */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/futex.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>

enum { K_NULL, K_NEG1, K_KERNEL, K_UNMAPPED, K_PROTNONE, NK };
static const char *const g_kind_names[NK] = { "NULL", "-1", "kernel", "unmapped", "PROT_NONE" };
static void *g_bad[NK];

/* The fixtures the probes use. */
static int g_pr, g_pw;     /* a pipe, read side kept non-empty */
static int g_s0, g_s1;     /* a unix stream pair, g_s1 kept readable */
static int g_d0, g_d1;     /* a unix datagram pair, g_d1 kept readable */
static int g_file;         /* a regular file with data, its position at the end */
static int g_epr;          /* the read side of an empty non-blocking pipe */
static int g_dir;          /* a directory */
static int g_ep;           /* an epoll fd watching g_pr (always ready) */
static int g_tfd;          /* a timerfd */
static int g_ifd;          /* an inotify fd */
static int g_listen;       /* a listening unix socket */
static char g_path[128];   /* g_file's path */
static char g_dirpath[64]; /* g_dir's path */
static struct iovec g_iov; /* an iovec whose base is the bad pointer */
static struct msghdr g_msg;

/* The bytes queued for reading on `fd`. */
static int queued(int fd)
{
    int n = 0;
    CHECK(ioctl(fd, FIONREAD, &n) == 0);
    return n;
}

static void top_up(void)
{
    int n = 0;
    CHECK(ioctl(g_pr, FIONREAD, &n) == 0);
    if (n == 0)
        CHECK_EQ(write(g_pw, "pipe", 4), 4);
    CHECK(ioctl(g_s1, FIONREAD, &n) == 0);
    if (n == 0)
        CHECK_EQ(write(g_s0, "sock", 4), 4);
    CHECK(ioctl(g_d1, FIONREAD, &n) == 0);
    if (n == 0)
        CHECK_EQ(write(g_d0, "dgrm", 4), 4);
}

/* A child that has exited, for the wait probes. */
static pid_t dead_child(void)
{
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0)
        _exit(0);
    siginfo_t si;
    CHECK(waitid(P_PID, c, &si, WEXITED | WNOWAIT) == 0);
    return c;
}

/* Runs a wait probe on a fresh dead child, reaping it if the probe did not. */
#define WAITP(call)                 \
    ({                              \
        pid_t c_ = dead_child();    \
        long r_ = (call);           \
        int e_ = errno;             \
        waitpid(c_, NULL, WNOHANG); \
        errno = e_;                 \
        r_;                         \
    })

/* E: EFAULT for every kind. N: NULL means "none" and succeeds, the rest EFAULT. */
#define E EFAULT, EFAULT, EFAULT, EFAULT, EFAULT
#define N 0, EFAULT, EFAULT, EFAULT, EFAULT

static struct timespec g_ts0;
static struct itimerspec g_its0;
static struct rlimit g_rl;
static int g_int;
static socklen_t g_len;
static char g_buf[4096];
static struct stat g_st;
static struct epoll_event g_ev;
static uint64_t g_set;
static fd_set g_fds;
static struct pollfd g_pfd;

/* A read set holding only the (always readable) pipe. */
static int fd_set_ready(void)
{
    FD_ZERO(&g_fds);
    FD_SET(g_pr, &g_fds);
    return 0;
}

/* Each probe: a name, the call with `p` as the bad pointer, the errno wanted per kind (0: the
 * call succeeds). */
#define PROBES(X)                                                                                 \
    X(read, syscall(SYS_read, g_pr, p, 4), E)                                                     \
    X(read_eof, syscall(SYS_read, g_file, p, 4), 0, EFAULT, EFAULT, 0, 0)                         \
    X(read_empty, syscall(SYS_read, g_epr, p, 4), EAGAIN, EFAULT, EFAULT, EAGAIN, EAGAIN)         \
    X(write, syscall(SYS_write, g_pw, p, 4), E)                                                   \
    X(pread64, syscall(SYS_pread64, g_file, p, 4, 0), E)                                          \
    X(pwrite64, syscall(SYS_pwrite64, g_file, p, 4, 0), E)                                        \
    X(readv_iov, syscall(SYS_readv, g_pr, p, 1), E)                                               \
    X(readv_base, (g_iov.iov_base = p, syscall(SYS_readv, g_pr, &g_iov, 1)), E)                   \
    X(writev_iov, syscall(SYS_writev, g_pw, p, 1), E)                                             \
    X(writev_base, (g_iov.iov_base = p, syscall(SYS_writev, g_pw, &g_iov, 1)), E)                 \
    X(preadv_base, (g_iov.iov_base = p, syscall(SYS_preadv, g_file, &g_iov, 1, 0, 0)), E)         \
    X(pwritev_iov, syscall(SYS_pwritev, g_file, p, 1, 0, 0), E)                                   \
    X(stat_path, syscall(SYS_stat, p, &g_st), E)                                                  \
    X(stat_buf, syscall(SYS_stat, "/", p), E)                                                     \
    X(lstat_path, syscall(SYS_lstat, p, &g_st), E)                                                \
    X(fstat_buf, syscall(SYS_fstat, g_file, p), E)                                                \
    X(newfstatat, syscall(SYS_newfstatat, AT_FDCWD, p, &g_st, 0), E)                              \
    X(statx_buf, syscall(SYS_statx, AT_FDCWD, "/", 0, 0xfff, p), E)                               \
    X(open, syscall(SYS_open, p, O_RDONLY), E)                                                    \
    X(openat, syscall(SYS_openat, AT_FDCWD, p, O_RDONLY), E)                                      \
    X(access, syscall(SYS_access, p, F_OK), E)                                                    \
    X(faccessat, syscall(SYS_faccessat, AT_FDCWD, p, F_OK), E)                                    \
    X(readlink_path, syscall(SYS_readlink, p, g_buf, 64), E)                                      \
    X(readlink_buf, syscall(SYS_readlink, "/proc/self/exe", p, 64), E)                            \
    X(getcwd, syscall(SYS_getcwd, p, 64), E)                                                      \
    X(chdir, syscall(SYS_chdir, p), E)                                                            \
    X(mkdir, syscall(SYS_mkdir, p, 0700), E)                                                      \
    X(rmdir, syscall(SYS_rmdir, p), E)                                                            \
    X(unlink, syscall(SYS_unlink, p), E)                                                          \
    X(rename, syscall(SYS_rename, p, "/tmp/hostile-nonexistent"), E)                              \
    X(symlink, syscall(SYS_symlink, p, "/tmp/hostile-nonexistent"), E)                            \
    X(chmod, syscall(SYS_chmod, p, 0600), E)                                                      \
    X(truncate, syscall(SYS_truncate, p, 0), E)                                                   \
    X(statfs_path, syscall(SYS_statfs, p, g_buf), E)                                              \
    X(statfs_buf, syscall(SYS_statfs, "/", p), E)                                                 \
    X(fstatfs_buf, syscall(SYS_fstatfs, g_file, p), E)                                            \
    X(getdents64, syscall(SYS_getdents64, g_dir, p, 4096), E)                                     \
    X(execve, syscall(SYS_execve, p, (char *[]){ "x", NULL }, (char *[]){ NULL }), E)             \
    X(poll, syscall(SYS_poll, p, 1, 0), E)                                                        \
    X(ppoll_ts, syscall(SYS_ppoll, &g_pfd, 1, p, NULL, 8), N)                                     \
    X(select_set, syscall(SYS_select, 1, p, NULL, NULL, &(struct timeval){ 0, 0 }), N)            \
    X(select_tv, (fd_set_ready(), syscall(SYS_select, g_pr + 1, &g_fds, NULL, NULL, p)), N)       \
    X(epoll_wait, syscall(SYS_epoll_wait, g_ep, p, 1, 0), E)                                      \
    X(epoll_ctl, syscall(SYS_epoll_ctl, g_ep, EPOLL_CTL_MOD, g_pr, p), E)                         \
    X(rt_sigaction_new, syscall(SYS_rt_sigaction, SIGUSR1, p, NULL, 8), N)                        \
    X(rt_sigaction_old, syscall(SYS_rt_sigaction, SIGUSR1, NULL, p, 8), N)                        \
    X(rt_sigprocmask_set, syscall(SYS_rt_sigprocmask, SIG_BLOCK, p, NULL, 8), N)                  \
    X(rt_sigprocmask_old, syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, p, 8), N)                  \
    X(rt_sigpending, syscall(SYS_rt_sigpending, p, 8), E)                                         \
    X(rt_sigsuspend, syscall(SYS_rt_sigsuspend, p, 8), E)                                         \
    X(rt_sigtimedwait, syscall(SYS_rt_sigtimedwait, p, NULL, &g_ts0, 8), E)                       \
    X(rt_sigqueueinfo, syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, p), E)                     \
    X(sigaltstack_new, syscall(SYS_sigaltstack, p, NULL), N)                                      \
    X(sigaltstack_old, syscall(SYS_sigaltstack, NULL, p), N)                                      \
    X(clock_gettime, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p), E)                           \
    X(clock_getres, syscall(SYS_clock_getres, CLOCK_MONOTONIC, p), N)                             \
    X(gettimeofday, syscall(SYS_gettimeofday, p, NULL), N)                                        \
    X(time, syscall(SYS_time, p), N)                                                              \
    X(nanosleep, syscall(SYS_nanosleep, p, NULL), E)                                              \
    X(clock_nanosleep, syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, p, NULL), E)              \
    X(getitimer, syscall(SYS_getitimer, ITIMER_REAL, p), E)                                       \
    X(setitimer_new, syscall(SYS_setitimer, ITIMER_REAL, p, NULL), N)                             \
    X(uname, syscall(SYS_uname, p), E)                                                            \
    X(sysinfo, syscall(SYS_sysinfo, p), E)                                                        \
    X(times, syscall(SYS_times, p), N)                                                            \
    X(getrusage, syscall(SYS_getrusage, RUSAGE_SELF, p), E)                                       \
    X(getrlimit, syscall(SYS_getrlimit, RLIMIT_NOFILE, p), E)                                     \
    X(setrlimit, syscall(SYS_setrlimit, RLIMIT_CORE, p), E)                                       \
    X(prlimit64_new, syscall(SYS_prlimit64, 0, RLIMIT_CORE, p, NULL), N)                          \
    X(prlimit64_old, syscall(SYS_prlimit64, 0, RLIMIT_CORE, NULL, p), N)                          \
    X(getresuid, syscall(SYS_getresuid, p, &g_int, &g_int), E)                                    \
    X(getgroups, syscall(SYS_getgroups, 4, p), 0, 0, 0, 0, 0)                                     \
    X(sched_getaffinity, syscall(SYS_sched_getaffinity, 0, 128, p), E)                            \
    X(sched_setaffinity, syscall(SYS_sched_setaffinity, 0, 128, p), E)                            \
    X(sched_getparam, syscall(SYS_sched_getparam, 0, p), EINVAL, EFAULT, EFAULT, EFAULT, EFAULT)  \
    X(sched_rr_get_interval, syscall(SYS_sched_rr_get_interval, 0, p), E)                         \
    X(getrandom, syscall(SYS_getrandom, p, 8, 0), E)                                              \
    X(futex_wait, syscall(SYS_futex, p, FUTEX_WAIT_PRIVATE, 0, &g_ts0, NULL, 0), EFAULT, EINVAL,  \
      EFAULT, EFAULT, EFAULT)                                                                     \
    X(futex_timeout, (g_int = 0, syscall(SYS_futex, &g_int, FUTEX_WAIT_PRIVATE, 1, p, NULL, 0)),  \
      EAGAIN, EFAULT, EFAULT, EFAULT, EFAULT)                                                     \
    X(get_robust_list, syscall(SYS_get_robust_list, 0, p, &g_len), E)                             \
    X(arch_prctl, syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, p), E)                        \
    X(prctl_get_name, syscall(SYS_prctl, PR_GET_NAME, p, 0, 0, 0), E)                             \
    X(wait4_status, WAITP(syscall(SYS_wait4, c_, p, 0, NULL)), N)                                 \
    X(wait4_rusage, WAITP(syscall(SYS_wait4, c_, NULL, 0, p)), N)                                 \
    X(waitid_info, WAITP(syscall(SYS_waitid, P_PID, c_, p, WEXITED, NULL)), N)                    \
    X(pipe, syscall(SYS_pipe, p), E)                                                              \
    X(pipe2, syscall(SYS_pipe2, p, 0), E)                                                         \
    X(socketpair, syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, p), E)                         \
    X(sendto, syscall(SYS_sendto, g_s0, p, 4, MSG_DONTWAIT, NULL, 0), E)                          \
    X(recvfrom_buf, syscall(SYS_recvfrom, g_s1, p, 4, MSG_DONTWAIT, NULL, NULL), E)               \
    X(sendmsg, syscall(SYS_sendmsg, g_s0, p, MSG_DONTWAIT), E)                                    \
    X(recvmsg, syscall(SYS_recvmsg, g_s1, p, MSG_DONTWAIT), E)                                    \
    X(sendmsg_iov, (g_iov.iov_base = p, syscall(SYS_sendmsg, g_d0, &g_msg, MSG_DONTWAIT)), E)     \
    X(recvmsg_iov, (g_iov.iov_base = p, syscall(SYS_recvmsg, g_d1, &g_msg, MSG_DONTWAIT)), E)     \
    X(sendmmsg, syscall(SYS_sendmmsg, g_s0, p, 1, MSG_DONTWAIT), E)                               \
    X(getsockopt_val, (g_len = 4, syscall(SYS_getsockopt, g_s0, SOL_SOCKET, SO_TYPE, p, &g_len)), \
      E)                                                                                          \
    X(getsockopt_len, syscall(SYS_getsockopt, g_s0, SOL_SOCKET, SO_TYPE, &g_int, p), E)           \
    X(setsockopt, syscall(SYS_setsockopt, g_s0, SOL_SOCKET, SO_RCVBUF, p, 4), E)                  \
    X(getsockname_len, syscall(SYS_getsockname, g_s0, g_buf, p), E)                               \
    X(getpeername_addr, (g_len = 64, syscall(SYS_getpeername, g_s0, p, &g_len)), E)               \
    X(bind, syscall(SYS_bind, g_d0, p, sizeof(struct sockaddr_un)), E)                            \
    X(connect, syscall(SYS_connect, g_d0, p, sizeof(struct sockaddr_un)), E)                      \
    X(ioctl_fionread, syscall(SYS_ioctl, g_pr, FIONREAD, p), E)                                   \
    X(ioctl_fionbio, syscall(SYS_ioctl, g_pr, FIONBIO, p), E)                                     \
    X(timerfd_settime, syscall(SYS_timerfd_settime, g_tfd, 0, p, NULL), E)                        \
    X(timerfd_gettime, syscall(SYS_timerfd_gettime, g_tfd, p), E)                                 \
    X(signalfd, syscall(SYS_signalfd4, -1, p, 8, 0), E)                                           \
    X(inotify_add_watch, syscall(SYS_inotify_add_watch, g_ifd, p, IN_ALL_EVENTS), E)              \
    X(sendfile_off, syscall(SYS_sendfile, g_pw, g_file, p, 4), N)                                 \
    X(capget_hdr, syscall(SYS_capget, p, g_buf), E)                                               \
    X(utimensat_times, syscall(SYS_utimensat, AT_FDCWD, g_path, p, 0), N)                         \
    X(clone3, syscall(SYS_clone3, p, 88), E)                                                      \
    X(mincore_vec, syscall(SYS_mincore, g_bad[K_PROTNONE], 4096, p), E)                           \
    X(getcpu, syscall(SYS_getcpu, p, NULL, NULL), N)                                              \
    X(getresgid, syscall(SYS_getresgid, &g_int, &g_int, p), E)                                    \
    X(setgroups, syscall(SYS_setgroups, 1, p), E)                                                 \
    X(epoll_pwait_mask, syscall(SYS_epoll_pwait, g_ep, &g_ev, 1, 0, p, 8), N)

#define DEFINE_CASE(name, call, ...) \
    case __COUNTER__ - base_ - 1:    \
        return (call);

static const char *const g_names[] = {
#define NAME(name, ...) #name,
    PROBES(NAME)
};
static const int g_want[][NK] = {
#define WANT(name, call, ...) { __VA_ARGS__ },
    PROBES(WANT)
};
#define NPROBES ((int)(sizeof(g_names) / sizeof(g_names[0])))
/* The probes that read the datagram socket, which (on Linux) loses the datagram on EFAULT. */
static bool g_drops_dgram[NPROBES];

static long run_probe(int i, void *p)
{
    enum { base_ = __COUNTER__ };
    switch (i) {
        PROBES(DEFINE_CASE)
    }
    return -2;
}

static void setup(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 2 * (size_t)pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    CHECK(munmap(m + pg, (size_t)pg) == 0);
    g_bad[K_NULL] = NULL;
    g_bad[K_NEG1] = (void *)-1L;
    g_bad[K_KERNEL] = (void *)0xffff800000000000ULL;
    g_bad[K_UNMAPPED] = m + pg;
    g_bad[K_PROTNONE] = m;

    int p[2];
    CHECK(pipe2(p, O_NONBLOCK) == 0);
    g_pr = p[0];
    g_pw = p[1];
    CHECK(pipe2(p, O_NONBLOCK) == 0);
    g_epr = p[0];
    int s[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s) == 0);
    g_s0 = s[0];
    g_s1 = s[1];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, s) == 0);
    g_d0 = s[0];
    g_d1 = s[1];
    test_mkdtemp(g_dirpath);
    snprintf(g_path, sizeof(g_path), "%s/f", g_dirpath);
    g_file = open(g_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(g_file >= 0);
    CHECK_EQ(write(g_file, "file data", 9), 9);
    g_dir = open(g_dirpath, O_RDONLY | O_DIRECTORY);
    CHECK(g_dir >= 0);
    g_ep = epoll_create1(0);
    CHECK(g_ep >= 0);
    g_ev.events = EPOLLIN;
    CHECK(epoll_ctl(g_ep, EPOLL_CTL_ADD, g_pr, &g_ev) == 0);
    g_tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    CHECK(g_tfd >= 0);
    g_ifd = inotify_init1(0);
    CHECK(g_ifd >= 0);
    g_pfd.fd = g_pr;
    g_pfd.events = POLLIN;
    g_iov.iov_len = 4;
    g_msg.msg_iov = &g_iov;
    g_msg.msg_iovlen = 1;
    (void)g_rl;
    (void)g_its0;
    (void)g_set;
    (void)g_listen;
    /* SIGUSR1 is ignored: rt_sigqueueinfo probes must not kill us. */
    signal(SIGUSR1, SIG_IGN);
}

int main(int argc, char **argv)
{
    /* "learn" prints what this kernel answers, as a table row, instead of checking. */
    int learn = argc > 1 && strcmp(argv[1], "learn") == 0;
    int bad = 0;

    setup();
    for (int i = 0; i < NPROBES; i++)
        g_drops_dgram[i] = strcmp(g_names[i], "recvmsg_iov") == 0;
    for (int i = 0; i < NPROBES; i++) {
        int got[NK];
        for (int k = 0; k < NK; k++) {
            top_up();
            int before[3] = { queued(g_pr), queued(g_s1), queued(g_d1) };
            errno = 0;
            long r = run_probe(i, g_bad[k]);
            got[k] = r < 0 ? errno : 0;
            /* A call that failed took nothing: what it could not store is still queued. But
             * Linux drops a datagram whose copy faulted (not when the address was refused at
             * once, as -1 and kernel addresses are). */
            int after[3] = { queued(g_pr), queued(g_s1), queued(g_d1) };
            for (int q = 0; q < 3 && got[k] != 0; q++) {
                int want_after = before[q];
                if (q == 2 && g_drops_dgram[i] && k != K_NEG1 && k != K_KERNEL)
                    want_after = 0;
                if (after[q] != want_after) {
                    fprintf(stderr,
                            "FAIL %s(%s): failed with errno %d and fd %d went from %d to "
                            "%d queued bytes, want %d\n",
                            g_names[i], g_kind_names[k], got[k], q, before[q], after[q],
                            want_after);
                    bad++;
                }
                if (learn && after[q] != before[q])
                    printf("  %s(%s) changed queue %d: %d -> %d\n", g_names[i], g_kind_names[k], q,
                           before[q], after[q]);
            }
            if (!learn && got[k] != g_want[i][k]) {
                fprintf(stderr, "FAIL %s(%s): returned %ld errno %d (%s), want %s%d (%s)\n",
                        g_names[i], g_kind_names[k], r, got[k], strerror(got[k]),
                        g_want[i][k] ? "errno " : "", g_want[i][k], strerror(g_want[i][k]));
                bad++;
            }
        }
        if (learn)
            printf("%-22s %d %d %d %d %d\n", g_names[i], got[0], got[1], got[2], got[3], got[4]);
    }
    /* The data the failed reads could not store is all still there, in order. */
    char buf[8] = { 0 };
    CHECK_EQ(read(g_pr, buf, 4), 4);
    CHECK(memcmp(buf, "pipe", 4) == 0);
    CHECK_EQ(read(g_s1, buf, 4), 4);
    CHECK(memcmp(buf, "sock", 4) == 0);
    CHECK_EQ(read(g_d1, buf, 4), 4);
    CHECK(memcmp(buf, "dgrm", 4) == 0);
    unlink(g_path);
    rmdir(g_dirpath);
    if (learn || bad > 0) {
        printf("%d probes, %d mismatches\n", NPROBES, bad);
        return bad > 0;
    }
    printf("%d probes x %d pointers\n", NPROBES, NK);
    TEST_OK();
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Standalone measurements of syscall-interception mechanisms on this host
 * (not part of `make test`; run bench/mech.sh). Each mode times N raw getppid
 * round trips on the application side, 5 batches after a warm-up of N/10,
 * and prints the median (min, max) in ns per call.
 *
 * Usage: mech MODE N [CPUS]
 *   MODE: native | ptrace | sigself | sigsys | sigsys-spin | notif | notif-sync
 *   CPUS: same (app and handler on cpu0, default), cross (app cpu0, handler
 *   cpu1) or free (unpinned).
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define BATCHES   5
#define FAKE_PPID 4242

#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif

static long g_n;
static const char *g_cpus = "same";

static long raw_getppid(void)
{
    long ret;

    __asm__ volatile("syscall" : "=a"(ret) : "0"((long)SYS_getppid) : "rcx", "r11", "memory");
    return ret;
}

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void pin(int cpu)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) < 0) {
        perror("sched_setaffinity");
        exit(1);
    }
}

/* Pins the app (role 0) or the handler (role 1) as g_cpus says. */
static void pin_role(int role)
{
    if (strcmp(g_cpus, "same") == 0)
        pin(0);
    else if (strcmp(g_cpus, "cross") == 0)
        pin(role);
}

/* The application side: times the loop and prints the result. Returns an exit status. */
static int app_loop(const char *mode, long expect)
{
    double per[BATCHES];

    for (long i = 0; i < g_n / 10; i++)
        raw_getppid();
    for (int b = 0; b < BATCHES; b++) {
        double start = now_ns();

        for (long i = 0; i < g_n; i++) {
            if (expect != 0 && raw_getppid() != expect) {
                fprintf(stderr, "%s: bad getppid result\n", mode);
                return 1;
            }
            if (expect == 0)
                raw_getppid();
        }
        per[b] = (now_ns() - start) / (double)g_n;
    }
    qsort(per, BATCHES, sizeof(per[0]), cmp_double);
    printf("%-12s %-5s %6.0f ns/call (min %.0f, max %.0f; %ld x %d)\n", mode, g_cpus,
           per[BATCHES / 2], per[0], per[BATCHES - 1], g_n, BATCHES);
    fflush(stdout);
    return 0;
}

/* ---- ptrace SYSEMU + GETREGS/SETREGS ---- */

static int run_ptrace(void)
{
    pid_t pid = fork();
    int status;

    if (pid == 0) {
        pin_role(0);
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        raise(SIGSTOP);
        _exit(app_loop("ptrace", FAKE_PPID));
    }
    pin_role(1);
    waitpid(pid, &status, 0);
    ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));
    for (;;) {
        struct user_regs_struct r;

        if (ptrace(PTRACE_SYSEMU, pid, NULL, NULL) < 0)
            return 1;
        if (waitpid(pid, &status, 0) < 0 || WIFEXITED(status))
            break;
        if (WIFSIGNALED(status))
            return 1;
        if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
            /* Not a syscall stop: deliver the signal via PTRACE_CONT-like resume. */
            continue;
        }
        ptrace(PTRACE_GETREGS, pid, NULL, &r);
        if (r.orig_rax == SYS_getppid) {
            r.rax = FAKE_PPID;
            ptrace(PTRACE_SETREGS, pid, NULL, &r);
            continue;
        }
        /* Run anything else for real: step it with PTRACE_SYSCALL twice. */
        r.rax = r.orig_rax;
        r.rip -= 2;
        ptrace(PTRACE_SETREGS, pid, NULL, &r);
        ptrace(PTRACE_SYSCALL, pid, NULL, NULL);
        waitpid(pid, &status, 0);
        ptrace(PTRACE_SYSCALL, pid, NULL, NULL);
        waitpid(pid, &status, 0);
        if (WIFEXITED(status))
            break;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* ---- seccomp RET_TRAP + SIGSYS handler handing off to another process ---- */

struct shared {
    _Alignas(64) volatile uint32_t state; /* 0 idle, 1 request, 2 reply, 3 app done */
    volatile uint64_t regs[24];
};

static struct shared *g_sh;
static int g_spin;

static long futex(volatile uint32_t *uaddr, int op, uint32_t val)
{
    return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

/* Waits until *w != old: spins up to g_spin PAUSEs, then blocks on the futex. */
static uint32_t wait_change(volatile uint32_t *w, uint32_t old)
{
    uint32_t v;

    for (int i = 0; i < g_spin; i++) {
        v = __atomic_load_n(w, __ATOMIC_ACQUIRE);
        if (v != old)
            return v;
        __builtin_ia32_pause();
    }
    while ((v = __atomic_load_n(w, __ATOMIC_ACQUIRE)) == old)
        futex(w, FUTEX_WAIT, old);
    return v;
}

static void sigsys_handler(int sig, siginfo_t *info, void *ucv)
{
    ucontext_t *uc = ucv;

    (void)sig;
    (void)info;
    /* Copy the registers out as a real stub would (the sentry reads them). */
    memcpy((void *)g_sh->regs, uc->uc_mcontext.gregs, sizeof(g_sh->regs) - sizeof(uint64_t) * 1);
    __atomic_store_n(&g_sh->state, 1, __ATOMIC_RELEASE);
    futex(&g_sh->state, FUTEX_WAKE, 1);
    wait_change(&g_sh->state, 1);
    uc->uc_mcontext.gregs[REG_RAX] = (greg_t)g_sh->regs[REG_RAX];
    __atomic_store_n(&g_sh->state, 0, __ATOMIC_RELAXED);
}

static int install_trap_filter(uint32_t action)
{
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, action),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { .len = 4, .filter = f };
    unsigned int flags = action == SECCOMP_RET_USER_NOTIF ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;

    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

static void sigself_handler(int sig, siginfo_t *info, void *ucv)
{
    (void)sig;
    (void)info;
    ((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RAX] = FAKE_PPID;
}

/* The SIGSYS trap alone: the handler answers in the same process (no isolation, no handoff). */
static int run_sigself(void)
{
    static char altstack[64 * 1024];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    struct sigaction sa = { .sa_sigaction = sigself_handler, .sa_flags = SA_SIGINFO | SA_ONSTACK };

    pin_role(0);
    sigaltstack(&ss, NULL);
    sigfillset(&sa.sa_mask);
    sigaction(SIGSYS, &sa, NULL);
    if (install_trap_filter(SECCOMP_RET_TRAP) < 0)
        return 2;
    return app_loop("sigself", FAKE_PPID);
}

static int run_sigsys(int spin)
{
    pid_t pid;
    int status;

    g_spin = spin;
    g_sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid = fork();
    if (pid == 0) {
        static char altstack[64 * 1024];
        stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
        struct sigaction sa = { .sa_sigaction = sigsys_handler,
                                .sa_flags = SA_SIGINFO | SA_ONSTACK };
        int ret;

        pin_role(0);
        sigaltstack(&ss, NULL);
        sigfillset(&sa.sa_mask);
        sigaction(SIGSYS, &sa, NULL);
        if (install_trap_filter(SECCOMP_RET_TRAP) < 0)
            _exit(2);
        ret = app_loop(spin ? "sigsys-spin" : "sigsys", FAKE_PPID);
        __atomic_store_n(&g_sh->state, 3, __ATOMIC_RELEASE);
        futex(&g_sh->state, FUTEX_WAKE, 1);
        _exit(ret);
    }
    pin_role(1);
    for (;;) {
        uint32_t v = wait_change(&g_sh->state, 0);

        if (v == 3)
            break;
        if (v != 1)
            continue;
        g_sh->regs[REG_RAX] = FAKE_PPID;
        __atomic_store_n(&g_sh->state, 2, __ATOMIC_RELEASE);
        futex(&g_sh->state, FUTEX_WAKE, 1);
        /* Wait for the stub to take the reply (state back to 0) before the next one. */
        while (__atomic_load_n(&g_sh->state, __ATOMIC_ACQUIRE) == 2)
            futex(&g_sh->state, FUTEX_WAIT, 2);
    }
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* ---- seccomp USER_NOTIF ---- */

static int send_fd(int sock, int fd)
{
    char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
    char byte = 0;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
    };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return (int)sendmsg(sock, &msg, 0);
}

static int recv_fd(int sock)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
    };
    int fd;

    if (recvmsg(sock, &msg, 0) <= 0)
        return -1;
    memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
    return fd;
}

static int run_notif(bool sync)
{
    int sv[2], status, fd;
    pid_t pid;

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pid = fork();
    if (pid == 0) {
        int lfd, ret;

        pin_role(0);
        lfd = install_trap_filter(SECCOMP_RET_USER_NOTIF);
        if (lfd < 0)
            _exit(2);
        send_fd(sv[1], lfd);
        close(lfd);
        ret = app_loop(sync ? "notif-sync" : "notif", FAKE_PPID);
        _exit(ret);
    }
    pin_role(1);
    fd = recv_fd(sv[0]);
    if (fd < 0)
        return 1;
    if (sync && ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0) {
        perror("SECCOMP_IOCTL_NOTIF_SET_FLAGS");
        return 1;
    }
    for (;;) {
        struct seccomp_notif req;
        struct seccomp_notif_resp resp;

        memset(&req, 0, sizeof(req));
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
            if (errno == EINTR)
                continue;
            break; /* ENOENT/EBADF once the app is gone */
        }
        memset(&resp, 0, sizeof(resp));
        resp.id = req.id;
        resp.val = FAKE_PPID;
        ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    }
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* ---- copies: process_vm_readv versus a shared mapping ---- */

static int run_copy(void)
{
    static char src[65536], dst[65536];
    const size_t sizes[] = { 64, 4096, 65536 };
    pid_t self = getpid();

    for (size_t s = 0; s < 3; s++) {
        struct iovec l = { dst, sizes[s] }, r = { src, sizes[s] };
        double t0 = now_ns();

        for (long i = 0; i < g_n; i++)
            process_vm_readv(self, &l, 1, &r, 1, 0);
        double t1 = now_ns();

        for (long i = 0; i < g_n; i++) {
            memcpy(dst, src, sizes[s]);
            __asm__ volatile("" ::: "memory");
        }
        double t2 = now_ns();

        printf("copy %6zu B: process_vm_readv %6.0f ns, memcpy %6.0f ns\n", sizes[s],
               (t1 - t0) / g_n, (t2 - t1) / g_n);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "native";

    g_n = argc > 2 ? atol(argv[2]) : 100000;
    if (argc > 3)
        g_cpus = argv[3];
    if (strcmp(mode, "native") == 0) {
        pin_role(0);
        return app_loop("native", 0);
    }
    if (strcmp(mode, "ptrace") == 0)
        return run_ptrace();
    if (strcmp(mode, "sigself") == 0)
        return run_sigself();
    if (strcmp(mode, "sigsys") == 0)
        return run_sigsys(0);
    if (strcmp(mode, "sigsys-spin") == 0)
        return run_sigsys(20000);
    if (strcmp(mode, "notif") == 0)
        return run_notif(false);
    if (strcmp(mode, "notif-sync") == 0)
        return run_notif(true);
    if (strcmp(mode, "copy") == 0)
        return run_copy();
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The ptrace stub factory: forks stubs on request, outside the sentry's seccomp filter. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/rseq.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sentry/platform/ptrace/factory.h"
#include "sentry/platform/ptrace/ptrace_internal.h"

/*
 * Why a factory: the sentry runs under boot/filter.c, which forbids fork and
 * executable mappings, and a stub cloned from the sentry would inherit that
 * filter and be killed by its first injected PROT_EXEC mmap. The factory is
 * forked before the filter is installed, so its stubs carry only their own
 * stub filter.
 *
 * The protocol (SOCK_SEQPACKET, one exchange at a time under g_mu):
 *   sentry -> factory  SPAWN(platform)
 *   factory -> sentry  the stub's pid, or -errno
 *   sentry             PTRACE_SEIZE of the stub (which blocks on a pipe)
 *   sentry -> factory  GO (seized: let it run) or ABORT (kill it)
 * The stub then unmaps everything and stops itself with SIGSTOP, which its
 * tracer, the sentry thread, sees as a signal-delivery-stop.
 */
enum factory_op { FACTORY_SPAWN = 1, FACTORY_GO, FACTORY_ABORT };

struct factory_req {
    uint32_t op;
    uint32_t pad;
    uint64_t platform; /* SPAWN: a struct platform * valid in the factory's copy of memory */
};

struct factory_resp {
    int64_t pid; /* > 0, or -errno */
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_sock = -1; /* the sentry's end; Protected by g_mu after start */

bool ptrace_factory_enabled(void)
{
    return __atomic_load_n(&g_sock, __ATOMIC_ACQUIRE) >= 0;
}

/*
 * Runs in a new stub, forked by the factory. The steps of stub.c's
 * stub_child, except that the sentry seizes the stub instead of the stub
 * asking to be traced: it waits for the go byte on `go_fd` first. Only raw
 * syscalls, no allocation, no return.
 */
static void __attribute__((noreturn))
stub_child(struct platform *p, pid_t factory, int ready_fd, int go_fd)
{
    struct sock_fprog prog = { .len = p->filter_len, .filter = p->filter };
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    struct sigaction ign = { .sa_handler = SIG_IGN };
    sigset_t none;
    char go = 0;

    /* The factory dies with the sentry's boot thread; the stub dies with the factory. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != factory)
        _exit(120);
    /* The factory is not dumpable (so not traceable by the sentry); a stub must be. */
    if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0 || write(ready_fd, &go, 1) != 1)
        _exit(126);
    close(ready_fd);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &dfl, NULL);
    }
    /* Stubs forked from this one (app fork) are reaped by the host once their tracer has. */
    sigaction(SIGCHLD, &ign, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* See stub.c: glibc's rseq area is about to be unmapped. */
    if (__rseq_size > 0) {
        void *area = (char *)__builtin_thread_pointer() + __rseq_offset;

        if (syscall(SYS_rseq, area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) < 0 &&
            syscall(SYS_rseq, area, __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) < 0)
            _exit(124);
    }
    /* Wait until the sentry thread has seized us: the SIGSTOP below must reach a tracer. */
    while (read(go_fd, &go, 1) < 0 && errno == EINTR)
        ;
    if (go != 1)
        _exit(125);
    syscall(SYS_close_range, 0, ~0U, 0);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        _exit(122);
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
        _exit(123);
    /* From here on only the stub page may make syscalls. */
    __asm__ volatile("jmp *%0" ::"r"(p->code_page), "D"(p->data_page) : "memory");
    __builtin_unreachable();
}

static ssize_t recv_full(int fd, void *buf, size_t len)
{
    ssize_t n;

    do {
        n = recv(fd, buf, len, 0);
    } while (n < 0 && errno == EINTR);
    return n;
}

static ssize_t send_full(int fd, const void *buf, size_t len)
{
    ssize_t n;

    do {
        n = send(fd, buf, len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
}

/* One SPAWN exchange in the factory. Returns 0, or -1 when the sentry is gone. */
static int factory_spawn_one(int sock, const struct factory_req *req)
{
    struct factory_req next = { 0 };
    struct factory_resp resp = { 0 };
    pid_t self = getpid();
    int go[2], ready[2];
    long pid;
    char one = 1;
    ssize_t n;

    if (pipe2(go, O_CLOEXEC) < 0) {
        resp.pid = -errno;
        return send_full(sock, &resp, sizeof(resp)) == sizeof(resp) ? 0 : -1;
    }
    if (pipe2(ready, O_CLOEXEC) < 0) {
        resp.pid = -errno;
        close(go[0]);
        close(go[1]);
        return send_full(sock, &resp, sizeof(resp)) == sizeof(resp) ? 0 : -1;
    }
    /* A raw clone: no atfork handlers, nothing of glibc's state matters in the child. */
    pid = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
    if (pid == 0) {
        close(go[1]);
        close(ready[0]);
        stub_child((struct platform *)(uintptr_t)req->platform, self, ready[1], go[0]);
    }
    resp.pid = pid < 0 ? -errno : pid;
    close(go[0]);
    close(ready[1]);
    /* Traceable once it is dumpable again: only then may the sentry seize it. */
    if (pid > 0) {
        do {
            n = read(ready[0], &one, 1);
        } while (n < 0 && errno == EINTR);
        if (n != 1) {
            kill((pid_t)pid, SIGKILL);
            resp.pid = -EIO;
            pid = -1;
        }
    }
    close(ready[0]);
    if (send_full(sock, &resp, sizeof(resp)) != sizeof(resp)) {
        if (pid > 0)
            kill((pid_t)pid, SIGKILL);
        close(go[1]);
        return -1;
    }
    if (pid < 0) {
        close(go[1]);
        return 0;
    }
    if (recv_full(sock, &next, sizeof(next)) != sizeof(next) || next.op != FACTORY_GO) {
        kill((pid_t)pid, SIGKILL);
        close(go[1]);
        return next.op == FACTORY_ABORT ? 0 : -1;
    }
    /* A stub that died meanwhile makes this fail with EPIPE (SIGPIPE is ignored). */
    one = 1;
    if (write(go[1], &one, 1) < 0) {
        /* its tracer sees the death */
    }
    close(go[1]);
    return 0;
}

static void __attribute__((noreturn)) factory_main(int sock, pid_t parent)
{
    /*
     * Stubs are our children but traced by the sentry: with SIGCHLD ignored
     * the host reaps each one once its tracer has waited for it.
     */
    platform_factory_enter(sock, parent, "runsc-c stubs", SECCOMP_RET_KILL_PROCESS);
    for (;;) {
        struct factory_req req;
        ssize_t n = recv_full(sock, &req, sizeof(req));

        if (n == 0)
            _exit(0); /* the sentry closed its end */
        if (n != sizeof(req))
            _exit(1);
        if (req.op != FACTORY_SPAWN)
            continue;
        if (factory_spawn_one(sock, &req) < 0)
            _exit(1);
    }
}

int ptrace_factory_start(rt_error_t *err)
{
    pid_t parent = getpid();
    int sv[2];
    pid_t pid;

    if (ptrace_factory_enabled())
        return rt_make_error(err, EBUSY, "the stub factory is already running");
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return rt_make_error(err, errno, "socketpair for the stub factory");
    pid = fork();
    if (pid < 0) {
        int e = errno;

        close(sv[0]);
        close(sv[1]);
        return rt_make_error(err, e, "forking the stub factory");
    }
    if (pid == 0) {
        close(sv[0]);
        factory_main(sv[1], parent);
    }
    close(sv[1]);
    __atomic_store_n(&g_sock, sv[0], __ATOMIC_RELEASE);
    return 0;
}

/* The SPAWN exchange, up to the seized stub. Needs g_mu. */
static pid_t spawn_seized_locked(struct platform *p, rt_error_t *err)
{
    struct factory_req req = { .op = FACTORY_SPAWN, .platform = (uint64_t)(uintptr_t)p };
    struct factory_resp resp;
    pid_t pid;

    if (send_full(g_sock, &req, sizeof(req)) != sizeof(req))
        return rt_make_error(err, errno != 0 ? errno : EPIPE, "asking the stub factory");
    if (recv_full(g_sock, &resp, sizeof(resp)) != sizeof(resp))
        return rt_make_error(err, EPIPE, "the stub factory did not answer");
    if (resp.pid < 0)
        return rt_make_error(err, (int)-resp.pid, "the stub factory could not fork a stub");
    pid = (pid_t)resp.pid;
    req = (struct factory_req){ .op = FACTORY_GO };
    if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)PTRACE_STUB_OPTIONS) < 0) {
        int e = errno;

        req.op = FACTORY_ABORT;
        send_full(g_sock, &req, sizeof(req));
        return rt_make_error(err, e, "PTRACE_SEIZE of stub %d", pid);
    }
    if (send_full(g_sock, &req, sizeof(req)) != sizeof(req)) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, __WALL);
        return rt_make_error(err, EPIPE, "the stub factory went away");
    }
    return pid;
}

pid_t ptrace_factory_spawn(struct platform *p, rt_error_t *err)
{
    int status;
    pid_t pid;

    pthread_mutex_lock(&g_mu);
    pid = spawn_seized_locked(p, err);
    pthread_mutex_unlock(&g_mu);
    if (pid < 0)
        return -1;
    while (waitpid(pid, &status, __WALL) < 0) {
        int e = errno;

        if (e == EINTR)
            continue;
        kill(pid, SIGKILL);
        return rt_make_error(err, e, "waitpid stub");
    }
    if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
        kill(pid, SIGKILL);
        if (WIFSTOPPED(status))
            waitpid(pid, NULL, __WALL);
        if (WIFEXITED(status))
            return rt_make_error(err, 0, "stub setup failed (exit %d)", WEXITSTATUS(status));
        return rt_make_error(err, 0, "stub setup failed (status %#x)", status);
    }
    return pid;
}

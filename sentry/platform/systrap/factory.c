/* SPDX-License-Identifier: Apache-2.0 */
/* The systrap stub factory: forks stubs on request, outside the sentry's seccomp filter. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sentry/platform/systrap/factory.h"
#include "sentry/platform/systrap/systrap_internal.h"

/*
 * Why a factory: see sentry/platform/ptrace/factory.c. A systrap stub needs
 * no tracer, so one exchange suffices (SOCK_SEQPACKET, under g_mu):
 *   sentry -> factory  SPAWN(platform, region) with the region's memfd and
 *                      the stub's socket (SCM_RIGHTS)
 *   factory -> sentry  the stub's pid, or -errno
 * The stub then unmaps everything and parks at its first trap, where the
 * sentry finds it as it finds a cloned one.
 */
struct factory_req {
    uint64_t platform; /* a struct platform * valid in the factory's copy of memory */
    uint64_t region;
};

struct factory_resp {
    int64_t pid; /* > 0, or -errno */
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_sock = -1; /* the sentry's end; Protected by g_mu after start */

bool systrap_factory_enabled(void)
{
    return __atomic_load_n(&g_sock, __ATOMIC_ACQUIRE) >= 0;
}

/* Receives one request and its two fds. Returns 1, 0 at EOF, -1 on a malformed message. */
static int recv_req(int sock, struct factory_req *req, int fds[2])
{
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = { .iov_base = req, .iov_len = sizeof(*req) };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)
    };
    struct cmsghdr *c;
    ssize_t n;

    do {
        n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n == 0)
        return 0;
    c = CMSG_FIRSTHDR(&mh);
    if (n != sizeof(*req) || c == NULL || c->cmsg_level != SOL_SOCKET ||
        c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(2 * sizeof(int)))
        return -1;
    memcpy(fds, CMSG_DATA(c), 2 * sizeof(int));
    return 1;
}

/* One SPAWN in the factory: forks the stub. Returns its pid or -errno. */
static long spawn_one(const struct factory_req *req, const int fds[2])
{
    struct platform *p = (struct platform *)(uintptr_t)req->platform;
    uintptr_t region = (uintptr_t)req->region;
    struct systrap_msg *first = (struct systrap_msg *)(region + SYSTRAP_SLOT_SIZE);
    pid_t self = getpid();
    long pid;

    if (region < p->window || region >= p->window + SYSTRAP_NR_REGIONS * SYSTRAP_REGION_SIZE ||
        (region - p->window) % SYSTRAP_REGION_SIZE != 0)
        return -EINVAL;
    /* The child clears the tidword in its own mapping of the region (mapped right below). */
    pid = syscall(SYS_clone, SYSTRAP_CLONE_PROCESS_FLAGS, 0, NULL, &first->tidword, 0);
    if (pid != 0)
        return pid < 0 ? -errno : pid;
    if (mmap((void *)region, SYSTRAP_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
             fds[0], 0) == MAP_FAILED)
        _exit(117);
    close(fds[0]);
    systrap_stub_child(p, region, self, fds[1]);
}

static void __attribute__((noreturn)) factory_main(int sock, pid_t parent)
{
    /*
     * Stubs are reaped by the host: the sentry watches them through pidfds.
     * The factory's filter traps rather than kills: a stub's filter traps
     * every app syscall to the sentry, and a kill here would win over it.
     */
    platform_factory_enter(sock, parent, "runsc-c systrap", SECCOMP_RET_TRAP);
    for (;;) {
        struct factory_req req;
        struct factory_resp resp;
        int fds[2] = { -1, -1 };
        int r = recv_req(sock, &req, fds);
        ssize_t n;

        if (r == 0)
            _exit(0); /* the sentry closed its end */
        resp.pid = r < 0 ? -EINVAL : spawn_one(&req, fds);
        if (fds[0] >= 0)
            close(fds[0]);
        if (fds[1] >= 0)
            close(fds[1]);
        do {
            n = send(sock, &resp, sizeof(resp), MSG_NOSIGNAL);
        } while (n < 0 && errno == EINTR);
        if (n != sizeof(resp))
            _exit(1);
    }
}

int systrap_factory_start(rt_error_t *err)
{
    pid_t parent = getpid();
    int sv[2];
    pid_t pid;

    if (systrap_factory_enabled())
        return rt_make_error(err, EBUSY, "the systrap stub factory is already running");
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return rt_make_error(err, errno, "socketpair for the systrap stub factory");
    pid = fork();
    if (pid < 0) {
        int e = errno;

        close(sv[0]);
        close(sv[1]);
        return rt_make_error(err, e, "forking the systrap stub factory");
    }
    if (pid == 0) {
        close(sv[0]);
        factory_main(sv[1], parent);
    }
    close(sv[1]);
    __atomic_store_n(&g_sock, sv[0], __ATOMIC_RELEASE);
    return 0;
}

pid_t systrap_factory_spawn(struct platform *p, uintptr_t region, int memfd, int sock,
                            rt_error_t *err)
{
    struct factory_req req = { .platform = (uint64_t)(uintptr_t)p, .region = region };
    struct factory_resp resp = { .pid = -EPIPE };
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = { .iov_base = &req, .iov_len = sizeof(req) };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)
    };
    struct cmsghdr *c;
    int fds[2] = { memfd, sock };
    ssize_t n;

    memset(&u, 0, sizeof(u));
    c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(fds));
    memcpy(CMSG_DATA(c), fds, sizeof(fds));
    pthread_mutex_lock(&g_mu);
    do {
        n = sendmsg(g_sock, &mh, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n == sizeof(req)) {
        do {
            n = recv(g_sock, &resp, sizeof(resp), 0);
        } while (n < 0 && errno == EINTR);
        if (n != sizeof(resp))
            resp.pid = -EPIPE;
    }
    pthread_mutex_unlock(&g_mu);
    if (resp.pid < 0)
        return rt_make_error(err, (int)-resp.pid, "the systrap stub factory could not fork a stub");
    return (pid_t)resp.pid;
}

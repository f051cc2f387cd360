/* SPDX-License-Identifier: Apache-2.0 */
/* The ptrace platform's as_mmap_fd: a sentry fd passed to the stub (SCM_RIGHTS) and mapped there.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "sentry/platform/ptrace/ptrace_internal.h"

/*
 * How a host fd gets into a stub. Stubs hold no fd of their own (both stub.c
 * and the factory close everything), and the sentry may create no socket once
 * boot's filter is on. So the sentry makes one unbound datagram socket at
 * init, and each stub process gets, on its first fd mapping, an injected
 * socket bound to a fresh abstract address. Then, per mapping:
 *
 *   1. inject mmap(addr, 1 page, RW, private anonymous, MAP_FIXED): the
 *      target range is the mm's to replace, so its first page is the scratch
 *      area for the messages of the steps below;
 *   2. sendmsg from the sentry to the stub's address: a sequence number and
 *      the fd (SCM_RIGHTS);
 *   3. write a msghdr into the scratch page, inject recvmsg, read the result
 *      (a stale message, left by an earlier failure, is closed and skipped);
 *   4. inject mmap(addr, len, prot, flags | MAP_FIXED, fd, off), which
 *      replaces the scratch page;
 *   5. inject close(fd).
 *
 * Five stops (~20 us). Only the sentry ever makes a stub run recvmsg: app
 * syscalls never execute in the host (PTRACE_SYSEMU), and the stub filter
 * lets only the stub page's own syscall instruction through.
 */

/* The layout of the scratch page (offsets from `addr`). */
#define SCRATCH_MSGHDR   0
#define SCRATCH_IOV      64
#define SCRATCH_DATA     96
#define SCRATCH_CMSG     128
#define SCRATCH_SOCKADDR 256
#define SCRATCH_CMSG_LEN 64

/* Stale messages skipped before recvmsg gives up. */
#define MAX_STALE 8

void ptrace_fdmap_init(struct platform *p)
{
    p->fd_sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

static long inject_close(struct platform_as *as, int fd)
{
    return ptrace_inject(as, SYS_close, (uint64_t)fd, 0, 0, 0, 0, 0);
}

/*
 * Gives the stub process that injections of `as` run in its own receiving
 * socket, bound in the scratch page at `scratch`. Returns 0 or -Exxx.
 */
static long ensure_socket(struct platform_as *as, uintptr_t scratch)
{
    pid_t tgid = ptrace_inject_tgid(as);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    uint64_t id = __atomic_fetch_add(&as->p->next_sock_id, 1, __ATOMIC_RELAXED);
    uint64_t nonce = 0;
    socklen_t sa_len;
    long fd, ret;
    int n;

    if (tgid < 0)
        return -ESRCH;
    if (as->sock_fd >= 0 && as->sock_tgid == tgid)
        return 0;
    /* An inherited copy of another process's socket: that number is ours to close. */
    if (as->sock_fd >= 0)
        inject_close(as, as->sock_fd);
    as->sock_fd = -1;
    if (getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce))
        nonce = (uint64_t)(uintptr_t)as ^ id;
    /* An abstract name: sun_path[0] is NUL, the length counts the bytes used. */
    n = snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "runsc-c/stub/%d/%d/%llu/%016llx",
                 (int)getpid(), (int)tgid, (unsigned long long)id, (unsigned long long)nonce);
    if (n < 0 || (size_t)n >= sizeof(sa.sun_path) - 1)
        return -ENAMETOOLONG;
    sa_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
    fd = ptrace_inject(as, SYS_socket, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, 0, 0, 0);
    if (fd < 0)
        return fd;
    ret = ptrace_mem_write(as, scratch + SCRATCH_SOCKADDR, &sa, sa_len);
    if (ret >= 0 && ret != (long)sa_len)
        ret = -EFAULT;
    if (ret >= 0)
        ret =
            ptrace_inject(as, SYS_bind, (uint64_t)fd, scratch + SCRATCH_SOCKADDR, sa_len, 0, 0, 0);
    if (ret < 0) {
        inject_close(as, (int)fd);
        return ret;
    }
    as->sock_fd = (int)fd;
    as->sock_tgid = tgid;
    as->sock_addr = sa;
    as->sock_addr_len = sa_len;
    return 0;
}

/* Sends `host_fd` with sequence number `seq` to the stub's socket. Returns 0 or -Exxx. */
static long send_fd(struct platform_as *as, int host_fd, uint64_t seq)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = { .iov_base = &seq, .iov_len = sizeof(seq) };
    struct msghdr msg = {
        .msg_name = &as->sock_addr,
        .msg_namelen = as->sock_addr_len,
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = u.buf,
        .msg_controllen = sizeof(u.buf),
    };
    struct cmsghdr *c;
    ssize_t n;

    memset(&u, 0, sizeof(u));
    c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &host_fd, sizeof(int));
    do {
        n = sendmsg(as->p->fd_sock, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN ? -ENOMEM : -errno;
    return 0;
}

/*
 * Receives the message with sequence number `seq` in the stub through the
 * scratch page. Returns the fd number in the stub or -Exxx.
 */
static long recv_fd(struct platform_as *as, uintptr_t scratch, uint64_t seq)
{
    for (int tries = 0; tries < MAX_STALE; tries++) {
        struct iovec iov = { .iov_base = (void *)(scratch + SCRATCH_DATA),
                             .iov_len = sizeof(uint64_t) };
        struct msghdr msg = {
            .msg_iov = (struct iovec *)(scratch + SCRATCH_IOV),
            .msg_iovlen = 1,
            .msg_control = (void *)(scratch + SCRATCH_CMSG),
            .msg_controllen = SCRATCH_CMSG_LEN,
        };
        union {
            char buf[SCRATCH_CMSG_LEN];
            struct cmsghdr align;
        } u;
        struct msghdr local = { .msg_control = u.buf };
        struct cmsghdr *c;
        uint64_t got = 0;
        int fd = -1;
        long n;

        if (ptrace_mem_write(as, scratch + SCRATCH_IOV, &iov, sizeof(iov)) != sizeof(iov) ||
            ptrace_mem_write(as, scratch + SCRATCH_MSGHDR, &msg, sizeof(msg)) != sizeof(msg))
            return -EFAULT;
        n = ptrace_inject(as, SYS_recvmsg, (uint64_t)as->sock_fd, scratch + SCRATCH_MSGHDR,
                          MSG_DONTWAIT | MSG_CMSG_CLOEXEC, 0, 0, 0);
        if (n < 0)
            return n == -EAGAIN ? -EIO : n;
        if (ptrace_mem_read(as, &msg, scratch + SCRATCH_MSGHDR, sizeof(msg)) != sizeof(msg) ||
            ptrace_mem_read(as, &got, scratch + SCRATCH_DATA, sizeof(got)) != sizeof(got) ||
            ptrace_mem_read(as, u.buf, scratch + SCRATCH_CMSG, sizeof(u.buf)) != sizeof(u.buf))
            return -EFAULT;
        local.msg_controllen = msg.msg_controllen;
        for (c = CMSG_FIRSTHDR(&local); c != NULL; c = CMSG_NXTHDR(&local, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
                c->cmsg_len >= CMSG_LEN(sizeof(int)))
                memcpy(&fd, CMSG_DATA(c), sizeof(int));
        }
        if (n == sizeof(got) && got == seq && fd >= 0)
            return fd;
        if (fd >= 0)
            inject_close(as, fd);
    }
    return -EIO;
}

long ptrace_as_mmap_fd(struct platform_as *as, uintptr_t addr, size_t len, int prot, int flags,
                       int host_fd, off_t off)
{
    long ret, fd;
    uint64_t seq;

    if (as->p->fd_sock < 0)
        return -ENODEV;
    if (len < ARCH_PAGE_SIZE || (addr & (ARCH_PAGE_SIZE - 1)))
        return -EINVAL;
    ret = ptrace_inject(as, SYS_mmap, addr, ARCH_PAGE_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, (uint64_t)-1, 0);
    if (ret < 0)
        return ret;
    ret = ensure_socket(as, addr);
    if (ret < 0)
        goto fail;
    seq = ++as->seq;
    ret = send_fd(as, host_fd, seq);
    if (ret < 0)
        goto fail;
    fd = recv_fd(as, addr, seq);
    if (fd < 0) {
        ret = fd;
        goto fail;
    }
    ret = ptrace_inject(as, SYS_mmap, addr, len, (uint64_t)prot,
                        (uint64_t)((flags & ~MAP_ANONYMOUS) | MAP_FIXED), (uint64_t)fd,
                        (uint64_t)off);
    inject_close(as, (int)fd);
    if (ret < 0)
        goto fail;
    return 0;

fail:
    ptrace_inject(as, SYS_munmap, addr, ARCH_PAGE_SIZE, 0, 0, 0, 0);
    return ret;
}

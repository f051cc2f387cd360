/* SPDX-License-Identifier: Apache-2.0 */
/* Sockets in the sentry: AF_UNIX stream, datagram and seqpacket sockets (never host sockets). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "sentry/syscalls/syscalls.h"

struct task;
struct file;

/*
 * Locking: every unix socket of the sentry is protected by one mutex inside
 * sentry/net (connects and sends touch two sockets at once). Blocking calls
 * wait on it in slices and end with -ERESTARTSYS (or -EINTR with a timeout
 * set) when the calling task has a signal to take. No function below may be
 * called with k->mu held; file references are dropped outside the lock.
 */

/*
 * The sysctls the sockets follow (Linux's defaults); procfs should report
 * these as net.core.wmem_default/rmem_default, wmem_max/rmem_max and
 * net.core.somaxconn, net.unix.max_dgram_qlen.
 */
#define NET_WMEM_DEFAULT   212992
#define NET_WMEM_MAX       212992
#define NET_SOMAXCONN      4096
#define NET_MAX_DGRAM_QLEN 512

/* Linux's SCM_MAX_FD: at most this many descriptors in one SCM_RIGHTS message. */
#define NET_SCM_MAX_FD 253

/* A socket address as the app gave it (bind, connect, sendto) or as it is reported. */
struct net_addr {
    uint32_t len; /* bytes used in `sun` (0: none) */
    union {
        struct sockaddr_un sun;
        char raw[sizeof(struct sockaddr_un) + 1]; /* + the NUL a full 108-byte path needs */
    };
};

/* Credentials as in struct ucred. */
struct net_cred {
    int32_t pid;
    uint32_t uid, gid;
};

/* What a sendmsg carries besides data. The files (references) are owned by the caller. */
struct net_send_ctl {
    struct file **files;
    int nfiles;
    bool has_cred; /* explicit SCM_CREDENTIALS (already checked) */
    struct net_cred cred;
};

/* What a recvmsg returns besides data. The caller owns (and must put) `files`. */
struct net_recv_ctl {
    struct file *files[NET_SCM_MAX_FD];
    int nfiles;
    bool has_cred; /* SO_PASSCRED: the sender's credentials */
    struct net_cred cred;
    struct net_addr from; /* the sender's name (datagrams), len 0 when unnamed */
    int msg_flags;        /* MSG_TRUNC, MSG_EOR ... (MSG_CTRUNC is the caller's) */
};

/* Returns true when `f` is a socket. */
bool net_is_socket(const struct file *f);

/*
 * socket(2): creates a socket file (flags O_RDWR | O_NONBLOCK from SOCK_NONBLOCK)
 * in `*out` (owned by the caller). `type` has SOCK_CLOEXEC removed. Returns 0,
 * -EAFNOSUPPORT (also for AF_INET/AF_INET6 until inet sockets exist, logged),
 * -ESOCKTNOSUPPORT, -EPROTONOSUPPORT, -EINVAL or -ENOMEM.
 */
long net_socket(struct task *t, int domain, int type, int protocol, struct file **out);

/* socketpair(2): two connected sockets in `*a` and `*b` (owned). Returns 0 or -Exxx. */
long net_socketpair(struct task *t, int domain, int type, int protocol, struct file **a,
                    struct file **b);

/* bind, connect, listen, shutdown on socket file `f`: 0 or Linux's -Exxx. */
long net_bind(struct task *t, struct file *f, const struct net_addr *addr);
long net_connect(struct task *t, struct file *f, const struct net_addr *addr);
long net_listen(struct task *t, struct file *f, int backlog);
long net_shutdown(struct task *t, struct file *f, int how);

/*
 * accept4(2): waits for a connection on listener `f` and returns it as a new
 * file with status flags `fflags` (O_NONBLOCK or 0) in `*out` (owned), with
 * the peer's name in `*peer`. Returns 0 or -Exxx.
 */
long net_accept(struct task *t, struct file *f, unsigned int fflags, struct file **out,
                struct net_addr *peer);

/*
 * Sends `len` bytes of sentry memory `buf` with MSG_* `flags` to `to` (NULL:
 * the peer) with control data `ctl` (may be NULL). Sends SIGPIPE on EPIPE
 * unless MSG_NOSIGNAL. Returns the bytes sent or -Exxx.
 */
long net_sendmsg(struct task *t, struct file *f, const void *buf, size_t len, int flags,
                 const struct net_addr *to, const struct net_send_ctl *ctl);

/*
 * Receives into sentry memory `buf` (`len` bytes) with MSG_* `flags`; fills
 * `ctl` (zeroed by the callee). Returns the bytes received (the full record
 * length with MSG_TRUNC) or -Exxx.
 */
long net_recvmsg(struct task *t, struct file *f, void *buf, size_t len, int flags,
                 struct net_recv_ctl *ctl);

/* getsockname (`peer` false) / getpeername (`peer` true). Returns 0 or -Exxx. */
long net_getname(struct file *f, bool peer, struct net_addr *out);

/*
 * Socket options. `val` is a sentry buffer of at least 64 bytes; for get,
 * `*len` is the app's buffer size on entry and the size to copy out on
 * return. Return 0 or -Exxx.
 */
long net_getsockopt(struct task *t, struct file *f, int level, int name, void *val, uint32_t *len);
long net_setsockopt(struct task *t, struct file *f, int level, int name, const void *val,
                    uint32_t len);

/*
 * ---- inet and netlink sockets (sentry/net/inet.c, netlink.c) ----
 *
 * Phase 1: an AF_INET/AF_INET6 socket and a NETLINK_ROUTE socket of the app is
 * a non-blocking host socket the sentry opens in the sandbox's network
 * namespace; every operation runs on it on the app's behalf, with addresses,
 * data and control messages copied through sentry memory. Blocking calls poll
 * the host fd in slices and end with -ERESTARTSYS (-EINTR with a timeout set)
 * when the task has a signal to take. NETLINK_KOBJECT_UEVENT sockets are the
 * sentry's own: they bind and never deliver anything. The functions below
 * take a file for which inet_is_socket() is true.
 */

/* Returns true when `f` is an inet or netlink socket. */
bool inet_is_socket(const struct file *f);

/*
 * A count of the readiness events the host reported for inet socket `f` (0
 * for any other file): when it moves, something happened on the socket, which
 * epoll's edge-triggered items report again even if it was ready before.
 */
uint64_t inet_event_seq(const struct file *f);

/*
 * The same for any socket: a unix socket counts its own events (data queued
 * or read, shutdown, peer closed, a connection queued); 0 for other files.
 */
uint64_t net_event_seq(struct file *f);

/* socket(2) for AF_INET, AF_INET6 and AF_NETLINK, as net_socket. */
long inet_socket(struct task *t, int domain, int type, int protocol, struct file **out);

long inet_bind(struct task *t, struct file *f, const struct net_addr *addr);
long inet_connect(struct task *t, struct file *f, const struct net_addr *addr);
long inet_listen(struct task *t, struct file *f, int backlog);
long inet_shutdown(struct task *t, struct file *f, int how);
long inet_accept(struct task *t, struct file *f, unsigned int fflags, struct file **out,
                 struct net_addr *peer);

/*
 * Sends `len` bytes of `buf` with MSG_* `flags` to `to` (NULL: the peer) with
 * the app's control messages `ctl` (`ctllen` bytes, sentry memory; SOL_SOCKET
 * SCM_RIGHTS/SCM_CREDENTIALS are refused with -EINVAL). SIGPIPE on EPIPE
 * unless MSG_NOSIGNAL. Returns the bytes sent or -Exxx.
 */
long inet_sendmsg(struct task *t, struct file *f, const void *buf, size_t len, int flags,
                  const struct net_addr *to, const void *ctl, size_t ctllen);

/*
 * Receives into `buf` (`len` bytes): the sender's address in `from` (len 0
 * when none), control messages into `ctl` (room `*ctllen`, set to the bytes
 * used) and the message flags in `*msg_flags`. Returns the bytes received
 * (the full length with MSG_TRUNC) or -Exxx.
 */
long inet_recvmsg(struct task *t, struct file *f, void *buf, size_t len, int flags,
                  struct net_addr *from, void *ctl, size_t *ctllen, int *msg_flags);

long inet_getname(struct file *f, bool peer, struct net_addr *out);
/* As net_getsockopt / net_setsockopt, with `val` of at least INET_OPT_MAX bytes. */
#define INET_OPT_MAX 512
long inet_getsockopt(struct task *t, struct file *f, int level, int name, void *val, uint32_t *len);
long inet_setsockopt(struct task *t, struct file *f, int level, int name, const void *val,
                     uint32_t len);

/*
 * The interface ioctls every socket family answers (SIOCGIFCONF, SIOCGIFNAME,
 * SIOCGIFINDEX, SIOCGIFFLAGS/ADDR/DSTADDR/BRDADDR/NETMASK/MTU/HWADDR/METRIC/
 * TXQLEN/MAP), run on host socket `host_fd` or, when it is -1 (unix sockets),
 * on a host socket of the sentry in the sandbox's netns. Returns 0, -ENOTTY
 * for any other request, or the host's -Exxx.
 */
long net_dev_ioctl(struct task *t, int host_fd, unsigned int cmd, uint64_t arg);

/*
 * Whether netlink route requests that change the network (RTM_NEW*, DEL*,
 * SET*) are forwarded to the host; false (the default) answers them with
 * EPERM. Set it when the container has CAP_NET_ADMIN.
 */
void netlink_set_net_admin(bool allowed);

/* ---- syscall handlers (sentry/syscalls/sys_socket.c) ---- */
long sys_socket(struct task *t, const struct sys_args *a);
long sys_socketpair(struct task *t, const struct sys_args *a);
long sys_bind(struct task *t, const struct sys_args *a);
long sys_connect(struct task *t, const struct sys_args *a);
long sys_listen(struct task *t, const struct sys_args *a);
long sys_accept(struct task *t, const struct sys_args *a);
long sys_accept4(struct task *t, const struct sys_args *a);
long sys_sendto(struct task *t, const struct sys_args *a);
long sys_recvfrom(struct task *t, const struct sys_args *a);
long sys_sendmsg(struct task *t, const struct sys_args *a);
long sys_recvmsg(struct task *t, const struct sys_args *a);
long sys_sendmmsg(struct task *t, const struct sys_args *a);
long sys_recvmmsg(struct task *t, const struct sys_args *a);
long sys_shutdown(struct task *t, const struct sys_args *a);
long sys_getsockname(struct task *t, const struct sys_args *a);
long sys_getpeername(struct task *t, const struct sys_args *a);
long sys_setsockopt(struct task *t, const struct sys_args *a);
long sys_getsockopt(struct task *t, const struct sys_args *a);

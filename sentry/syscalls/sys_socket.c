/* SPDX-License-Identifier: Apache-2.0 */
/* Socket syscalls: socket, socketpair, bind, listen, connect, accept, send/recv families,
 * shutdown, names and options. The sockets themselves live in sentry/net. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/net/net.h"
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/syscalls/syscalls_internal.h"

#define SOCK_RW_MAX   (4u << 20) /* the most one send or receive moves */
#define SOCK_IOV_MAX  1024       /* UIO_MAXIOV */
#define SOCK_CTL_MAX  65536      /* a little above net.core.optmem_max */
#define SOCK_ADDR_MAX 128        /* sizeof(struct sockaddr_storage) */

/* Returns the socket file at `fd` (a reference) or NULL with -EBADF / -ENOTSOCK in `*err`. */
static struct file *sock_file(struct task *t, int fd, long *err)
{
    struct file *f = fd_table_get(t->fdt, fd);

    if (f == NULL) {
        *err = -EBADF;
        return NULL;
    }
    if (!net_is_socket(f) && !inet_is_socket(f)) {
        put_file(f);
        *err = -ENOTSOCK;
        return NULL;
    }
    return f;
}

static long copy_in_addr(struct task *t, uint64_t uaddr, uint64_t ulen, struct net_addr *out)
{
    size_t n;

    if ((int)ulen < 0 || ulen > SOCK_ADDR_MAX)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    n = ulen < sizeof(out->raw) ? ulen : sizeof(out->raw);
    if (n > 0 && task_copy_in(t, out->raw, uaddr, n) < 0)
        return -EFAULT;
    out->len = (uint32_t)ulen;
    return 0;
}

/* move_addr_to_user: copies what fits and writes the full length. */
static long copy_out_addr(struct task *t, uint64_t uaddr, uint64_t ulenp, const struct net_addr *a)
{
    int ulen;
    long ret;

    if (uaddr == 0)
        return 0;
    ret = task_copy_in(t, &ulen, ulenp, sizeof(ulen));
    if (ret < 0)
        return ret;
    if (ulen < 0)
        return -EINVAL;
    if ((uint32_t)ulen > a->len)
        ulen = (int)a->len;
    if (ulen > 0) {
        ret = task_copy_out(t, uaddr, a->raw, (size_t)ulen);
        if (ret < 0)
            return ret;
    }
    ulen = (int)a->len;
    return task_copy_out(t, ulenp, &ulen, sizeof(ulen));
}

static long install(struct task *t, struct file *f, bool cloexec)
{
    return fd_table_install(t->fdt, f, 0, cloexec, task_nofile_limit(t));
}

long sys_socket(struct task *t, const struct sys_args *a)
{
    struct file *f = NULL;
    int domain = (int)a->a[0];
    int type = (int)a->a[1];
    long ret = domain == AF_INET || domain == AF_INET6 || domain == AF_NETLINK
                   ? inet_socket(t, domain, type & ~SOCK_CLOEXEC, (int)a->a[2], &f)
                   : net_socket(t, domain, type & ~SOCK_CLOEXEC, (int)a->a[2], &f);

    if (ret < 0)
        return ret;
    ret = install(t, f, (type & SOCK_CLOEXEC) != 0);
    put_file(f);
    return ret;
}

long sys_socketpair(struct task *t, const struct sys_args *a)
{
    struct file *f0 = NULL, *f1 = NULL;
    int type = (int)a->a[1];
    bool cloexec = (type & SOCK_CLOEXEC) != 0;
    int fds[2];
    long ret;

    if ((int)a->a[0] == AF_INET || (int)a->a[0] == AF_INET6)
        return -EOPNOTSUPP;
    ret = net_socketpair(t, (int)a->a[0], type & ~SOCK_CLOEXEC, (int)a->a[2], &f0, &f1);

    if (ret < 0)
        return ret;
    ret = install(t, f0, cloexec);
    if (ret >= 0) {
        fds[0] = (int)ret;
        ret = install(t, f1, cloexec);
        if (ret < 0)
            fd_table_close(t->fdt, fds[0]);
        else
            fds[1] = (int)ret;
    }
    put_file(f0);
    put_file(f1);
    if (ret < 0)
        return ret;
    ret = task_copy_out(t, a->a[3], fds, sizeof(fds));
    if (ret < 0) {
        fd_table_close(t->fdt, fds[0]);
        fd_table_close(t->fdt, fds[1]);
        return ret;
    }
    return 0;
}

long sys_bind(struct task *t, const struct sys_args *a)
{
    long ret = 0;
    cleanup_file_ref struct file *f = sock_file(t, (int)a->a[0], &ret);
    struct net_addr addr;

    if (f == NULL)
        return ret;
    ret = copy_in_addr(t, a->a[1], a->a[2], &addr);
    if (ret < 0)
        return ret;
    if (inet_is_socket(f))
        return inet_bind(t, f, &addr);
    return net_bind(t, f, &addr);
}

long sys_connect(struct task *t, const struct sys_args *a)
{
    long ret = 0;
    cleanup_file_ref struct file *f = sock_file(t, (int)a->a[0], &ret);
    struct net_addr addr;

    if (f == NULL)
        return ret;
    ret = copy_in_addr(t, a->a[1], a->a[2], &addr);
    if (ret < 0)
        return ret;
    if (inet_is_socket(f))
        return inet_connect(t, f, &addr);
    return net_connect(t, f, &addr);
}

long sys_listen(struct task *t, const struct sys_args *a)
{
    long ret = 0;
    cleanup_file_ref struct file *f = sock_file(t, (int)a->a[0], &ret);

    if (f == NULL)
        return ret;
    if (inet_is_socket(f))
        return inet_listen(t, f, (int)a->a[1]);
    return net_listen(t, f, (int)a->a[1]);
}

static long do_accept4(struct task *t, int fd, uint64_t uaddr, uint64_t ulenp, int flags)
{
    long ret = 0;
    cleanup_file_ref struct file *f = NULL;
    struct file *nf = NULL;
    struct net_addr peer;

    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
        return -EINVAL;
    f = sock_file(t, fd, &ret);
    if (f == NULL)
        return ret;
    /*
     * As Linux, a descriptor first: with none free, EMFILE and the connection
     * stays queued (taken, it would be lost when the install failed).
     */
    ret = install(t, f, false);
    if (ret < 0)
        return ret;
    fd_table_close(t->fdt, (int)ret);
    ret = inet_is_socket(f)
              ? inet_accept(t, f, (flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0, &nf, &peer)
              : net_accept(t, f, (flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0, &nf, &peer);
    if (ret < 0)
        return ret;
    ret = copy_out_addr(t, uaddr, ulenp, &peer);
    if (ret == 0)
        ret = install(t, nf, (flags & SOCK_CLOEXEC) != 0);
    put_file(nf);
    return ret;
}

long sys_accept(struct task *t, const struct sys_args *a)
{
    return do_accept4(t, (int)a->a[0], a->a[1], a->a[2], 0);
}

long sys_accept4(struct task *t, const struct sys_args *a)
{
    return do_accept4(t, (int)a->a[0], a->a[1], a->a[2], (int)a->a[3]);
}

long sys_shutdown(struct task *t, const struct sys_args *a)
{
    long ret = 0;
    cleanup_file_ref struct file *f = sock_file(t, (int)a->a[0], &ret);

    if (f == NULL)
        return ret;
    if (inet_is_socket(f))
        return inet_shutdown(t, f, (int)a->a[1]);
    return net_shutdown(t, f, (int)a->a[1]);
}

static long getname(struct task *t, const struct sys_args *a, bool peer)
{
    long ret = 0;
    cleanup_file_ref struct file *f = sock_file(t, (int)a->a[0], &ret);
    struct net_addr addr;

    if (f == NULL)
        return ret;
    ret = inet_is_socket(f) ? inet_getname(f, peer, &addr) : net_getname(f, peer, &addr);
    if (ret < 0)
        return ret;
    if (a->a[1] == 0)
        return -EFAULT;
    return copy_out_addr(t, a->a[1], a->a[2], &addr);
}

long sys_getsockname(struct task *t, const struct sys_args *a)
{
    return getname(t, a, /*peer=*/false);
}

long sys_getpeername(struct task *t, const struct sys_args *a)
{
    return getname(t, a, /*peer=*/true);
}

long sys_setsockopt(struct task *t, const struct sys_args *a)
{
    long ret = 0;
    cleanup_file_ref struct file *f = sock_file(t, (int)a->a[0], &ret);
    char val[INET_OPT_MAX] = { 0 };
    uint32_t len = (uint32_t)a->a[4];

    if (f == NULL)
        return ret;
    if ((int32_t)len < 0)
        return -EINVAL;
    if (len > 0 && task_copy_in(t, val, a->a[3], len < sizeof(val) ? len : sizeof(val)) < 0)
        return -EFAULT;
    if (inet_is_socket(f))
        return inet_setsockopt(t, f, (int)a->a[1], (int)a->a[2], val, len);
    return net_setsockopt(t, f, (int)a->a[1], (int)a->a[2], val, len);
}

long sys_getsockopt(struct task *t, const struct sys_args *a)
{
    long ret = 0;
    cleanup_file_ref struct file *f = sock_file(t, (int)a->a[0], &ret);
    char val[INET_OPT_MAX] = { 0 };
    int ulen;
    uint32_t len;

    if (f == NULL)
        return ret;
    ret = task_copy_in(t, &ulen, a->a[4], sizeof(ulen));
    if (ret < 0)
        return ret;
    len = (uint32_t)ulen;
    ret = inet_is_socket(f) ? inet_getsockopt(t, f, (int)a->a[1], (int)a->a[2], val, &len)
                            : net_getsockopt(t, f, (int)a->a[1], (int)a->a[2], val, &len);
    if (ret < 0)
        return ret;
    if (len > 0) {
        ret = task_copy_out(t, a->a[3], val, len);
        if (ret < 0)
            return ret;
    }
    ulen = (int)len;
    return task_copy_out(t, a->a[4], &ulen, sizeof(ulen));
}

/* ---- send ---- */

/*
 * Whether `t` may send SCM_CREDENTIALS `u` (pid already global): its own pid
 * or CAP_SYS_ADMIN, one of its real/effective/saved uids or CAP_SETUID, and
 * likewise for the gid with CAP_SETGID.
 */
static bool creds_allowed(struct task *t, const struct ucred *u)
{
    const struct kernel_cred *c = &t->cred;

    return (u->pid == t->tg->pid || task_capable(t, CAP_SYS_ADMIN)) &&
           (u->uid == c->uid || u->uid == c->euid || u->uid == c->suid ||
            task_capable(t, CAP_SETUID)) &&
           (u->gid == c->gid || u->gid == c->egid || u->gid == c->sgid ||
            task_capable(t, CAP_SETGID));
}

/* Parses SCM_RIGHTS / SCM_CREDENTIALS of a sendmsg; `ctl->files` is owned by the caller. */
static long parse_control(struct task *t, uint64_t uctl, uint64_t ctllen, struct net_send_ctl *ctl)
{
    cleanup_free char *buf = NULL;
    size_t off = 0;

    if (ctllen == 0)
        return 0;
    if (ctllen > SOCK_CTL_MAX)
        return -ENOBUFS;
    buf = malloc(ctllen);
    if (buf == NULL)
        return -ENOMEM;
    if (task_copy_in(t, buf, uctl, ctllen) < 0)
        return -EFAULT;
    while (off + sizeof(struct cmsghdr) <= ctllen) {
        struct cmsghdr h;
        const char *data = buf + off + CMSG_LEN(0);

        memcpy(&h, buf + off, sizeof(h));
        if (h.cmsg_len < sizeof(struct cmsghdr) || h.cmsg_len > ctllen - off)
            return -EINVAL;
        if (h.cmsg_level == SOL_SOCKET) {
            size_t dlen = h.cmsg_len - CMSG_LEN(0);

            if (h.cmsg_type == SCM_RIGHTS) {
                size_t n = dlen / sizeof(int);

                if (ctl->nfiles + n > NET_SCM_MAX_FD)
                    return -EINVAL;
                for (size_t i = 0; i < n; i++) {
                    int fd;

                    memcpy(&fd, data + i * sizeof(int), sizeof(fd));
                    ctl->files[ctl->nfiles] = fd_table_get(t->fdt, fd);
                    if (ctl->files[ctl->nfiles] == NULL)
                        return -EBADF;
                    ctl->nfiles++;
                }
            } else if (h.cmsg_type == SCM_CREDENTIALS) {
                struct ucred u;
                bool found;

                if (h.cmsg_len != CMSG_LEN(sizeof(u)))
                    return -EINVAL;
                memcpy(&u, data, sizeof(u));
                /* Carried as a global pid; the receiver gets its namespace's number. */
                pthread_mutex_lock(&t->k->mu);
                found = kernel_find_tg_locked(t->k, u.pid) != NULL;
                u.pid = task_pid_from_vnr_locked(t, u.pid);
                pthread_mutex_unlock(&t->k->mu);
                /* Linux's scm_check_creds (before the pid lookup): no forged credentials. */
                if (!creds_allowed(t, &u))
                    return -EPERM;
                if (!found)
                    return -ESRCH;
                ctl->has_cred = true;
                ctl->cred = (struct net_cred){ .pid = u.pid, .uid = u.uid, .gid = u.gid };
            } else {
                return -EINVAL;
            }
        }
        off += CMSG_ALIGN(h.cmsg_len);
    }
    return 0;
}

/*
 * How much of a receive into `iovlen` app buffers (`total` bytes in all) may
 * go ahead, checked before anything is dequeued, as Linux does: a buffer
 * outside the user address space is EFAULT at once (access_ok), and a stream
 * keeps the bytes it could not store, so a stream receive is clamped to the
 * part of the buffers the app may write and fails with EFAULT, dequeuing
 * nothing, when that is none. (A datagram whose copy faults is lost, as on
 * Linux.) Returns the length to receive or -EFAULT.
 */
static long recv_room(struct task *t, struct file *f, const struct iovec *iov, size_t iovlen,
                      size_t total)
{
    int type = 0;
    uint32_t tlen = sizeof(type);
    size_t room = 0;
    long ret;

    for (size_t i = 0; i < iovlen; i++) {
        uint64_t base = (uintptr_t)iov[i].iov_base;

        if (iov[i].iov_len > 0 &&
            (base >= ARCH_TASK_SIZE || iov[i].iov_len > ARCH_TASK_SIZE - base))
            return -EFAULT;
    }
    for (size_t i = 0; i < iovlen && room < total; i++) {
        size_t want = iov[i].iov_len < total - room ? iov[i].iov_len : total - room;
        size_t ok = mm_writable_prefix(t->mm, (uintptr_t)iov[i].iov_base, want);

        room += ok;
        if (ok < want)
            break;
    }
    if (room == total)
        return (long)total;
    /* Only a bad buffer costs the question (a host call for inet sockets). */
    ret = inet_is_socket(f) ? inet_getsockopt(t, f, SOL_SOCKET, SO_TYPE, &type, &tlen)
                            : net_getsockopt(t, f, SOL_SOCKET, SO_TYPE, &type, &tlen);
    if (ret < 0 || type != SOCK_STREAM)
        return (long)total;
    return room > 0 ? (long)room : -EFAULT;
}

/* Gathers an iovec array from the app into one sentry buffer (`*out`, owned). */
static long gather(struct task *t, uint64_t uiov, uint64_t iovlen, bool for_send, char **out,
                   size_t *outlen, struct iovec **iovs)
{
    struct iovec *iov;
    size_t total = 0;
    char *buf;

    if (iovlen > SOCK_IOV_MAX)
        return -EMSGSIZE;
    iov = calloc(iovlen > 0 ? iovlen : 1, sizeof(*iov));
    if (iov == NULL)
        return -ENOMEM;
    if (iovlen > 0 && task_copy_in(t, iov, uiov, iovlen * sizeof(*iov)) < 0) {
        free(iov);
        return -EFAULT;
    }
    for (size_t i = 0; i < iovlen; i++) {
        if ((ssize_t)iov[i].iov_len < 0) {
            free(iov);
            return -EINVAL;
        }
        total += iov[i].iov_len;
    }
    if (total > SOCK_RW_MAX)
        total = SOCK_RW_MAX;
    buf = malloc(total > 0 ? total : 1);
    if (buf == NULL) {
        free(iov);
        return -ENOMEM;
    }
    if (for_send) {
        size_t done = 0;

        for (size_t i = 0; i < iovlen && done < total; i++) {
            size_t n = iov[i].iov_len < total - done ? iov[i].iov_len : total - done;

            if (n > 0 && task_copy_in(t, buf + done, (uintptr_t)iov[i].iov_base, n) < 0) {
                free(buf);
                free(iov);
                return -EFAULT;
            }
            done += n;
        }
    }
    *out = buf;
    *outlen = total;
    *iovs = iov;
    return 0;
}

static long scatter(struct task *t, const struct iovec *iov, size_t iovlen, const char *buf,
                    size_t len)
{
    size_t done = 0;

    for (size_t i = 0; i < iovlen && done < len; i++) {
        size_t n = iov[i].iov_len < len - done ? iov[i].iov_len : len - done;

        if (n > 0 && task_copy_out(t, (uintptr_t)iov[i].iov_base, buf + done, n) < 0)
            return -EFAULT;
        done += n;
    }
    return 0;
}

/* sendmsg on an inet or netlink socket: the app's control messages go as they are. */
static long inet_do_sendmsg(struct task *t, struct file *f, const struct msghdr *mh,
                            const char *buf, size_t len, int flags, const struct net_addr *to)
{
    cleanup_free char *cbuf = NULL;
    size_t clen = mh->msg_controllen;

    if (clen > SOCK_CTL_MAX)
        return -ENOBUFS;
    if (clen > 0) {
        cbuf = malloc(clen);
        if (cbuf == NULL)
            return -ENOMEM;
        if (task_copy_in(t, cbuf, (uintptr_t)mh->msg_control, clen) < 0)
            return -EFAULT;
    }
    return inet_sendmsg(t, f, buf, len, flags, to, cbuf, clen);
}

static long do_sendmsg(struct task *t, struct file *f, uint64_t umsg, int flags)
{
    struct msghdr mh;
    cleanup_free char *buf = NULL;
    cleanup_free struct iovec *iov = NULL;
    cleanup_free struct net_send_ctl *ctl = NULL;
    cleanup_free struct file **files = NULL;
    struct net_addr to;
    size_t len = 0;
    long ret;

    if (task_copy_in(t, &mh, umsg, sizeof(mh)) < 0)
        return -EFAULT;
    ret = gather(t, (uintptr_t)mh.msg_iov, mh.msg_iovlen, /*for_send=*/true, &buf, &len, &iov);
    if (ret < 0)
        return ret;
    if (mh.msg_name != NULL && mh.msg_namelen > 0) {
        ret = copy_in_addr(t, (uintptr_t)mh.msg_name, mh.msg_namelen, &to);
        if (ret < 0)
            return ret;
    }
    if (inet_is_socket(f))
        return inet_do_sendmsg(t, f, &mh, buf, len, flags,
                               mh.msg_name != NULL && mh.msg_namelen > 0 ? &to : NULL);
    ctl = calloc(1, sizeof(*ctl));
    files = calloc(NET_SCM_MAX_FD, sizeof(*files));
    if (ctl == NULL || files == NULL)
        return -ENOMEM;
    ctl->files = files;
    ret = parse_control(t, (uintptr_t)mh.msg_control, mh.msg_controllen, ctl);
    if (ret == 0)
        ret = net_sendmsg(t, f, buf, len, flags,
                          mh.msg_name != NULL && mh.msg_namelen > 0 ? &to : NULL, ctl);
    for (int i = 0; i < ctl->nfiles; i++)
        put_file(files[i]);
    return ret;
}

long sys_sendmsg(struct task *t, const struct sys_args *a)
{
    long ret = 0;
    cleanup_file_ref struct file *f = sock_file(t, (int)a->a[0], &ret);

    if (f == NULL)
        return ret;
    return do_sendmsg(t, f, a->a[1], (int)a->a[2]);
}

long sys_sendto(struct task *t, const struct sys_args *a)
{
    long ret = 0;
    cleanup_file_ref struct file *f = sock_file(t, (int)a->a[0], &ret);
    cleanup_free char *buf = NULL;
    size_t len = a->a[2] > SOCK_RW_MAX ? SOCK_RW_MAX : a->a[2];
    struct net_addr to;
    bool has_to = a->a[4] != 0 && a->a[5] != 0;

    if (f == NULL)
        return ret;
    buf = malloc(len > 0 ? len : 1);
    if (buf == NULL)
        return -ENOMEM;
    if (len > 0 && task_copy_in(t, buf, a->a[1], len) < 0)
        return -EFAULT;
    if (has_to) {
        ret = copy_in_addr(t, a->a[4], a->a[5], &to);
        if (ret < 0)
            return ret;
    }
    if (inet_is_socket(f))
        return inet_sendmsg(t, f, buf, len, (int)a->a[3], has_to ? &to : NULL, NULL, 0);
    return net_sendmsg(t, f, buf, len, (int)a->a[3], has_to ? &to : NULL, NULL);
}

long sys_sendmmsg(struct task *t, const struct sys_args *a)
{
    long ret = 0;
    cleanup_file_ref struct file *f = sock_file(t, (int)a->a[0], &ret);
    unsigned int vlen = (unsigned int)a->a[2], i;

    if (f == NULL)
        return ret;
    if (vlen > SOCK_IOV_MAX)
        vlen = SOCK_IOV_MAX;
    for (i = 0; i < vlen; i++) {
        uint64_t um = a->a[1] + i * sizeof(struct mmsghdr);
        unsigned int n;

        ret = do_sendmsg(t, f, um, (int)a->a[3]);
        if (ret < 0)
            break;
        n = (unsigned int)ret;
        ret = task_copy_out(t, um + offsetof(struct mmsghdr, msg_len), &n, sizeof(n));
        if (ret < 0)
            break;
    }
    return i > 0 ? (long)i : ret;
}

/* ---- receive ---- */

/* Writes the control messages of a receive into the app's buffer; sets MSG_CTRUNC. */
static long put_control(struct task *t, struct msghdr *mh, int flags, struct net_recv_ctl *ctl)
{
    size_t cap = mh->msg_controllen > SOCK_CTL_MAX ? SOCK_CTL_MAX : mh->msg_controllen;
    cleanup_free char *out = calloc(1, cap > 0 ? cap : 1);
    size_t used = 0;
    long ret = 0;

    if (out == NULL)
        ret = -ENOMEM;
    if (ret == 0 && ctl->has_cred) {
        struct ucred u = { .pid = ctl->cred.pid, .uid = ctl->cred.uid, .gid = ctl->cred.gid };
        struct cmsghdr h = { .cmsg_len = CMSG_LEN(sizeof(u)),
                             .cmsg_level = SOL_SOCKET,
                             .cmsg_type = SCM_CREDENTIALS };

        /* The sender's global pid as the receiver's pid namespace numbers it (0: outside). */
        pthread_mutex_lock(&t->k->mu);
        u.pid = task_pid_vnr_locked(t, u.pid);
        pthread_mutex_unlock(&t->k->mu);
        if (cap - used < CMSG_LEN(sizeof(u))) {
            mh->msg_flags |= MSG_CTRUNC;
        } else {
            memcpy(out + used, &h, sizeof(h));
            memcpy(out + used + CMSG_LEN(0), &u, sizeof(u));
            used += cap - used < CMSG_SPACE(sizeof(u)) ? cap - used : CMSG_SPACE(sizeof(u));
        }
    }
    if (ctl->nfiles > 0) {
        size_t room = cap - used;
        int fdmax = ret == 0 && room > sizeof(struct cmsghdr)
                        ? (int)((room - sizeof(struct cmsghdr)) / sizeof(int))
                        : 0;
        int i;

        for (i = 0; i < ctl->nfiles && i < fdmax; i++) {
            long fd = install(t, ctl->files[i], (flags & MSG_CMSG_CLOEXEC) != 0);
            int ifd = (int)fd;

            if (fd < 0)
                break;
            memcpy(out + used + CMSG_LEN(0) + (size_t)i * sizeof(int), &ifd, sizeof(ifd));
        }
        if (i > 0) {
            struct cmsghdr h = { .cmsg_len = CMSG_LEN((size_t)i * sizeof(int)),
                                 .cmsg_level = SOL_SOCKET,
                                 .cmsg_type = SCM_RIGHTS };
            size_t sp = CMSG_SPACE((size_t)i * sizeof(int));

            memcpy(out + used, &h, sizeof(h));
            used += sp < room ? sp : room;
        }
        if (i < ctl->nfiles)
            mh->msg_flags |= MSG_CTRUNC;
    }
    if (ret == 0 && used > 0 && task_copy_out(t, (uintptr_t)mh->msg_control, out, used) < 0)
        ret = -EFAULT;
    mh->msg_controllen = used;
    return ret;
}

/* recvmsg on an inet or netlink socket: control messages come formatted by the host. */
static long inet_do_recvmsg(struct task *t, struct file *f, uint64_t umsg, struct msghdr *mh,
                            char *buf, size_t len, const struct iovec *iov, int flags)
{
    size_t cap = mh->msg_controllen > SOCK_CTL_MAX ? SOCK_CTL_MAX : mh->msg_controllen;
    cleanup_free char *cbuf = malloc(cap > 0 ? cap : 1);
    struct net_addr from;
    size_t clen = cap;
    int mflags = 0;
    long n, ret;

    if (cbuf == NULL)
        return -ENOMEM;
    if (mh->msg_control == NULL)
        clen = 0;
    n = inet_recvmsg(t, f, buf, len, flags, &from, cbuf, &clen, &mflags);
    if (n < 0)
        return n;
    ret = scatter(t, iov, mh->msg_iovlen, buf, (size_t)n < len ? (size_t)n : len);
    if (ret == 0 && mh->msg_name != NULL) {
        size_t cp = mh->msg_namelen < from.len ? mh->msg_namelen : from.len;

        if (cp > 0 && task_copy_out(t, (uintptr_t)mh->msg_name, from.raw, cp) < 0)
            ret = -EFAULT;
        mh->msg_namelen = from.len;
    }
    if (ret == 0 && clen > 0 && task_copy_out(t, (uintptr_t)mh->msg_control, cbuf, clen) < 0)
        ret = -EFAULT;
    mh->msg_controllen = clen;
    mh->msg_flags = mflags | (flags & MSG_CMSG_CLOEXEC);
    if (ret == 0 && (task_copy_out(t, umsg + offsetof(struct msghdr, msg_namelen), &mh->msg_namelen,
                                   sizeof(mh->msg_namelen)) < 0 ||
                     task_copy_out(t, umsg + offsetof(struct msghdr, msg_controllen),
                                   &mh->msg_controllen, sizeof(mh->msg_controllen)) < 0 ||
                     task_copy_out(t, umsg + offsetof(struct msghdr, msg_flags), &mh->msg_flags,
                                   sizeof(mh->msg_flags)) < 0))
        ret = -EFAULT;
    return ret < 0 ? ret : n;
}

static long do_recvmsg(struct task *t, struct file *f, uint64_t umsg, int flags)
{
    struct msghdr mh;
    cleanup_free char *buf = NULL;
    cleanup_free struct iovec *iov = NULL;
    cleanup_free struct net_recv_ctl *ctl = calloc(1, sizeof(*ctl));
    size_t len = 0;
    long ret, n;

    if (ctl == NULL)
        return -ENOMEM;
    if (task_copy_in(t, &mh, umsg, sizeof(mh)) < 0)
        return -EFAULT;
    ret = gather(t, (uintptr_t)mh.msg_iov, mh.msg_iovlen, /*for_send=*/false, &buf, &len, &iov);
    if (ret < 0)
        return ret;
    ret = recv_room(t, f, iov, mh.msg_iovlen, len);
    if (ret < 0)
        return ret;
    len = (size_t)ret;
    if (inet_is_socket(f))
        return inet_do_recvmsg(t, f, umsg, &mh, buf, len, iov, flags);
    n = net_recvmsg(t, f, buf, len, flags, ctl);
    if (n < 0) {
        for (int i = 0; i < ctl->nfiles; i++)
            put_file(ctl->files[i]);
        return n;
    }
    ret = scatter(t, iov, mh.msg_iovlen, buf, (size_t)n < len ? (size_t)n : len);
    mh.msg_flags = ctl->msg_flags | (flags & MSG_CMSG_CLOEXEC);
    if (ret == 0 && mh.msg_name != NULL) {
        size_t cp = mh.msg_namelen < ctl->from.len ? mh.msg_namelen : ctl->from.len;

        if (cp > 0 && task_copy_out(t, (uintptr_t)mh.msg_name, ctl->from.raw, cp) < 0)
            ret = -EFAULT;
        mh.msg_namelen = ctl->from.len;
    }
    if (ret == 0)
        ret = put_control(t, &mh, flags, ctl);
    for (int i = 0; i < ctl->nfiles; i++)
        put_file(ctl->files[i]);
    if (ret == 0 && (task_copy_out(t, umsg + offsetof(struct msghdr, msg_namelen), &mh.msg_namelen,
                                   sizeof(mh.msg_namelen)) < 0 ||
                     task_copy_out(t, umsg + offsetof(struct msghdr, msg_controllen),
                                   &mh.msg_controllen, sizeof(mh.msg_controllen)) < 0 ||
                     task_copy_out(t, umsg + offsetof(struct msghdr, msg_flags), &mh.msg_flags,
                                   sizeof(mh.msg_flags)) < 0))
        ret = -EFAULT;
    return ret < 0 ? ret : n;
}

long sys_recvmsg(struct task *t, const struct sys_args *a)
{
    long ret = 0;
    cleanup_file_ref struct file *f = sock_file(t, (int)a->a[0], &ret);

    if (f == NULL)
        return ret;
    return do_recvmsg(t, f, a->a[1], (int)a->a[2]);
}

long sys_recvfrom(struct task *t, const struct sys_args *a)
{
    long ret = 0;
    cleanup_file_ref struct file *f = sock_file(t, (int)a->a[0], &ret);
    cleanup_free char *buf = NULL;
    cleanup_free struct net_recv_ctl *ctl = calloc(1, sizeof(*ctl));
    size_t len = a->a[2] > SOCK_RW_MAX ? SOCK_RW_MAX : a->a[2];
    long n;

    if (f == NULL)
        return ret;
    ret = recv_room(t, f, &(struct iovec){ (void *)(uintptr_t)a->a[1], len }, 1, len);
    if (ret < 0)
        return ret;
    len = (size_t)ret;
    buf = malloc(len > 0 ? len : 1);
    if (buf == NULL || ctl == NULL)
        return -ENOMEM;
    if (inet_is_socket(f)) {
        size_t clen = 0;
        int mflags = 0;

        n = inet_recvmsg(t, f, buf, len, (int)a->a[3], &ctl->from, NULL, &clen, &mflags);
    } else {
        n = net_recvmsg(t, f, buf, len, (int)a->a[3], ctl);
    }
    for (int i = 0; i < ctl->nfiles; i++)
        put_file(ctl->files[i]);
    if (n < 0)
        return n;
    if ((size_t)n > 0 && task_copy_out(t, a->a[1], buf, (size_t)n < len ? (size_t)n : len) < 0)
        return -EFAULT;
    if (a->a[4] != 0) {
        ret = copy_out_addr(t, a->a[4], a->a[5], &ctl->from);
        if (ret < 0)
            return ret;
    }
    return n;
}

long sys_recvmmsg(struct task *t, const struct sys_args *a)
{
    long ret = 0;
    cleanup_file_ref struct file *f = sock_file(t, (int)a->a[0], &ret);
    unsigned int vlen = (unsigned int)a->a[2], i;
    int flags = (int)a->a[3];
    struct timespec deadline = { 0 };
    bool timed = a->a[4] != 0;

    if (f == NULL)
        return ret;
    if (timed) {
        struct timespec rel;

        if (task_copy_in(t, &rel, a->a[4], sizeof(rel)) < 0)
            return -EFAULT;
        if (rel.tv_sec < 0 || rel.tv_nsec < 0 || rel.tv_nsec >= 1000000000L)
            return -EINVAL;
        kernel_deadline_from_now(&rel, &deadline);
    }
    if (vlen > SOCK_IOV_MAX)
        vlen = SOCK_IOV_MAX;
    for (i = 0; i < vlen; i++) {
        uint64_t um = a->a[1] + i * sizeof(struct mmsghdr);
        unsigned int n;

        ret = do_recvmsg(t, f, um, flags & ~MSG_WAITFORONE);
        if (ret < 0)
            break;
        n = (unsigned int)ret;
        ret = task_copy_out(t, um + offsetof(struct mmsghdr, msg_len), &n, sizeof(n));
        if (ret < 0)
            break;
        if (flags & MSG_WAITFORONE)
            flags |= MSG_DONTWAIT;
        if (timed) {
            struct timespec now;

            clock_gettime(CLOCK_MONOTONIC, &now);
            if (now.tv_sec > deadline.tv_sec ||
                (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec)) {
                i++;
                break;
            }
        }
    }
    return i > 0 ? (long)i : ret;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Unix socket data: stream segments and records, SCM_RIGHTS/SCM_CREDENTIALS, send and receive. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/kernel.h"
#include "sentry/net/net.h"
#include "sentry/net/net_internal.h"
#include "sentry/vfs/vfs.h"

/* ---- send ---- */

static void send_sigpipe(struct task *t)
{
    siginfo_t info;

    if (t == NULL)
        return;
    memset(&info, 0, sizeof(info));
    info.si_signo = SIGPIPE;
    info.si_code = SI_USER;
    info.si_pid = t->tg->pid;
    task_send_signal(t, &info);
}

/*
 * Linux's too_many_unix_fds: a sender without CAP_SYS_RESOURCE and
 * CAP_SYS_ADMIN whose user already has more descriptors in flight than its
 * RLIMIT_NOFILE may not pass more (checked before they are added).
 */
static long inflight_check(struct task *t, const struct net_send_ctl *ctl)
{
    if (ctl == NULL || ctl->nfiles == 0 || t == NULL)
        return 0;
    if (unix_inflight(t->cred.uid) > (long)task_nofile_limit(t) &&
        !task_capable(t, CAP_SYS_RESOURCE) && !task_capable(t, CAP_SYS_ADMIN))
        return -ETOOMANYREFS;
    return 0;
}

/* Builds a message of `len` bytes; files get new references. NULL on OOM. */
static struct unix_msg *msg_new(struct task *t, const void *buf, size_t len,
                                const struct net_send_ctl *ctl)
{
    struct unix_msg *m = calloc(1, sizeof(*m));

    if (m == NULL)
        return NULL;
    m->data = malloc(len > 0 ? len : 1);
    if (m->data == NULL) {
        free(m);
        return NULL;
    }
    memcpy(m->data, buf, len);
    m->len = len;
    if (ctl != NULL && ctl->nfiles > 0) {
        m->files = calloc((size_t)ctl->nfiles, sizeof(*m->files));
        if (m->files == NULL) {
            free(m->data);
            free(m);
            return NULL;
        }
        for (int i = 0; i < ctl->nfiles; i++)
            m->files[i] = get_file(ctl->files[i]);
        m->nfiles = ctl->nfiles;
        m->files_uid = t != NULL ? t->cred.uid : 0;
        unix_inflight_add(m->files_uid, m->nfiles);
    }
    if (ctl != NULL && ctl->has_cred)
        m->cred = ctl->cred;
    else
        unix_task_cred(t, &m->cred);
    return m;
}

static void enqueue_locked(struct unix_sock *to, struct unix_sock *from, struct unix_msg *m,
                           size_t charge)
{
    m->sender = unix_sock_get_locked(from);
    m->charge = charge;
    from->wmem += charge;
    if (from->addr.len != 0)
        m->from = from->addr;
    if (to->rq_tail != NULL)
        to->rq_tail->next = m;
    else
        to->rq_head = m;
    to->rq_tail = m;
    to->rq_len++;
    unix_sock_event(to);
}

static long stream_send(struct task *t, struct file *f, struct unix_sock *s, const char *buf,
                        size_t len, int flags, const struct net_send_ctl *ctl)
{
    struct timespec dbuf;
    const struct timespec *deadline = unix_deadline_of(s->sndtimeo_ns, &dbuf);
    bool nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
    size_t sent = 0;
    long ret = 0;

    unix_lock();
    if (s->peer == NULL || s->state != US_CONNECTED) {
        ret = -ENOTCONN;
        goto out;
    }
    if (len == 0) {
        /* Nothing is queued for an empty write (not even passed fds, as Linux). */
        struct unix_sock *p = s->peer;

        if ((s->shutdown & SEND_SHUTDOWN) || p->dead || (p->shutdown & RCV_SHUTDOWN))
            ret = -EPIPE;
        goto out;
    }
    do {
        struct unix_sock *p = s->peer;
        size_t chunk = len - sent, max = (size_t)(s->sndbuf >> 1) - 64;
        struct unix_msg *m;

        if ((s->shutdown & SEND_SHUTDOWN) || p == NULL || p->dead || (p->shutdown & RCV_SHUTDOWN)) {
            ret = -EPIPE;
            break;
        }
        if (s->wmem >= (size_t)s->sndbuf) {
            if (nonblock) {
                ret = -EAGAIN;
                break;
            }
            ret = unix_wait_locked(t, deadline);
            if (ret < 0)
                break;
            continue;
        }
        if (chunk > max)
            chunk = max;
        if (sent == 0) {
            ret = inflight_check(t, ctl);
            if (ret < 0)
                break;
        }
        m = msg_new(t, buf + sent, chunk, sent == 0 ? ctl : NULL);
        if (m == NULL) {
            ret = -ENOMEM;
            break;
        }
        enqueue_locked(p, s, m, chunk);
        sent += chunk;
        pthread_cond_broadcast(&g_unix_cv);
    } while (sent < len);
out:
    unix_unlock();
    if (sent > 0)
        return (long)sent;
    if (ret == -EPIPE && !(flags & MSG_NOSIGNAL))
        send_sigpipe(t);
    return ret;
}

static long record_send(struct task *t, struct file *f, struct unix_sock *s, const char *buf,
                        size_t len, int flags, const struct unix_key *key,
                        const struct net_send_ctl *ctl)
{
    struct timespec dbuf;
    const struct timespec *deadline = unix_deadline_of(s->sndtimeo_ns, &dbuf);
    bool nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
    struct unix_msg *m;
    long ret = 0;

    if (len > (size_t)s->sndbuf - 32)
        return -EMSGSIZE;
    ret = inflight_check(t, ctl);
    if (ret < 0)
        return ret;
    m = msg_new(t, buf, len, ctl);
    if (m == NULL)
        return -ENOMEM;
    unix_lock();
    if (s->passcred)
        unix_autobind_locked(s);
    for (;;) {
        struct unix_sock *o;

        if (key != NULL) {
            o = unix_find_locked(s->k, key, s->type, &ret);
            if (o == NULL)
                break;
        } else {
            o = s->peer;
            if (o == NULL) {
                ret = -ENOTCONN;
                break;
            }
        }
        if (s->type == SOCK_SEQPACKET) {
            if ((s->shutdown & SEND_SHUTDOWN) || o->dead || (o->shutdown & RCV_SHUTDOWN)) {
                ret = -EPIPE;
                break;
            }
        } else {
            if (o->dead) {
                /* Our connected peer went away: disconnect, once. */
                if (o == s->peer) {
                    s->peer = NULL;
                    unix_sock_put_locked(o);
                }
                ret = -ECONNREFUSED;
                break;
            }
            if (o->peer != NULL && o->peer != s) {
                ret = -EPERM;
                break;
            }
            if (o->shutdown & RCV_SHUTDOWN) {
                ret = -EPIPE;
                break;
            }
        }
        /* A full sender, or a receiver not connected back to us with a long queue. */
        if (s->wmem >= (size_t)s->sndbuf || (o->peer != s && o->rq_len > NET_MAX_DGRAM_QLEN)) {
            if (nonblock) {
                ret = -EAGAIN;
                break;
            }
            ret = unix_wait_locked(t, deadline);
            if (ret < 0)
                break;
            continue;
        }
        enqueue_locked(o, s, m, len + UNIX_DGRAM_OVERHEAD);
        m = NULL;
        ret = (long)len;
        break;
    }
    unix_unlock();
    if (m != NULL)
        unix_msg_free(m);
    if (ret == -EPIPE && !(flags & MSG_NOSIGNAL))
        send_sigpipe(t);
    return ret;
}

long net_sendmsg(struct task *t, struct file *f, const void *buf, size_t len, int flags,
                 const struct net_addr *to, const struct net_send_ctl *ctl)
{
    struct unix_sock *s = unix_sock_of(f);
    struct net_addr name;
    struct unix_key key;
    long ret;

    if (s == NULL)
        return -ENOTSOCK;
    if (s->type == SOCK_STREAM) {
        if (flags & MSG_OOB)
            return -EOPNOTSUPP;
        if (to != NULL) {
            long r;

            unix_lock();
            r = s->state == US_CONNECTED ? -EISCONN : -EOPNOTSUPP;
            pthread_mutex_unlock(&g_unix_mu);
            return r;
        }
        return stream_send(t, f, s, buf, len, flags, ctl);
    }
    if (s->type == SOCK_SEQPACKET) {
        unix_lock();
        ret = s->state == US_CONNECTED ? 0 : -ENOTCONN;
        pthread_mutex_unlock(&g_unix_mu);
        if (ret < 0)
            return ret;
        if (flags & MSG_OOB)
            return -EOPNOTSUPP;
        return record_send(t, f, s, buf, len, flags, NULL, ctl);
    }
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (to == NULL)
        return record_send(t, f, s, buf, len, flags, NULL, ctl);
    ret = unix_canon_addr(to, &name);
    if (ret != 0)
        return ret < 0 ? ret : -EINVAL;
    ret = unix_resolve_key(t, &name, &key);
    if (ret < 0)
        return ret;
    return record_send(t, f, s, buf, len, flags, &key, ctl);
}

/* ---- receive ---- */

/* Hands the message's files to `ctl`: moved, or new references for a peek. */
static void take_files(struct unix_msg *m, bool peek, struct net_recv_ctl *ctl)
{
    for (int i = 0; i < m->nfiles && ctl->nfiles < NET_SCM_MAX_FD; i++)
        ctl->files[ctl->nfiles++] = peek ? get_file(m->files[i]) : m->files[i];
    if (!peek) {
        if (m->nfiles > 0)
            unix_inflight_add(m->files_uid, -m->nfiles);
        free(m->files);
        m->files = NULL;
        m->nfiles = 0;
    }
}

static long record_recv_locked(struct unix_sock *s, char *buf, size_t len, int flags,
                               struct net_recv_ctl *ctl, struct unix_msg **gc)
{
    struct unix_msg *m = s->rq_head;
    bool peek = flags & MSG_PEEK;
    size_t skip = (peek && s->peek_off >= 0) ? (size_t)s->peek_off : 0;
    size_t avail, n;

    if (skip > m->len)
        skip = m->len;
    avail = m->len - skip;
    n = avail < len ? avail : len;
    memcpy(buf, m->data + skip, n);
    if (n < avail)
        ctl->msg_flags |= MSG_TRUNC;
    ctl->from = m->from;
    ctl->has_cred = s->passcred;
    ctl->cred = m->cred;
    take_files(m, peek, ctl);
    if (peek) {
        if (s->peek_off >= 0)
            s->peek_off += (int)n;
    } else {
        if (s->peek_off >= 0)
            s->peek_off = s->peek_off > (int)m->len ? s->peek_off - (int)m->len : 0;
        m = unix_dequeue_locked(s);
        m->next = *gc;
        *gc = m;
    }
    return (long)((flags & MSG_TRUNC) ? avail : n);
}

/* Copies what the stream queue holds; returns the bytes copied. `*stop` when a boundary (passed
 * fds, other credentials) ends the read. */
static size_t stream_copy_locked(struct unix_sock *s, char *buf, size_t len, size_t copied,
                                 int flags, struct net_recv_ctl *ctl, bool *stop,
                                 struct unix_msg **gc)
{
    bool peek = flags & MSG_PEEK;
    size_t skip = (peek && s->peek_off >= 0) ? (size_t)s->peek_off : 0;
    struct unix_msg *m = s->rq_head;

    while (m != NULL && copied < len) {
        size_t avail = m->len - m->off, n;
        struct unix_msg *next = m->next;
        bool had_files = m->nfiles > 0;

        if (skip >= avail && avail > 0) {
            skip -= avail;
            m = next;
            continue;
        }
        if (copied > 0 && (had_files || (s->passcred && (m->cred.pid != ctl->cred.pid ||
                                                         m->cred.uid != ctl->cred.uid ||
                                                         m->cred.gid != ctl->cred.gid)))) {
            *stop = true;
            break;
        }
        n = avail - skip;
        if (n > len - copied)
            n = len - copied;
        memcpy(buf + copied, m->data + m->off + skip, n);
        if (copied == 0) {
            ctl->has_cred = s->passcred;
            ctl->cred = m->cred;
        }
        take_files(m, peek, ctl);
        copied += n;
        skip = 0;
        if (peek) {
            if (s->peek_off >= 0)
                s->peek_off += (int)n;
        } else {
            m->off += n;
            unix_uncharge_locked(m, n);
            if (s->peek_off >= 0)
                s->peek_off = s->peek_off > (int)n ? s->peek_off - (int)n : 0;
            if (m->off == m->len) {
                struct unix_msg *d = unix_dequeue_locked(s);

                d->next = *gc;
                *gc = d;
            }
        }
        if (had_files) {
            *stop = true;
            break;
        }
        m = next;
    }
    return copied;
}

long net_recvmsg(struct task *t, struct file *f, void *buf, size_t len, int flags,
                 struct net_recv_ctl *ctl)
{
    struct unix_sock *s = unix_sock_of(f);
    struct timespec dbuf;
    const struct timespec *deadline;
    bool nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
    struct unix_msg *gc = NULL;
    size_t copied = 0, target;
    long ret = 0;

    ctl->nfiles = 0;
    ctl->has_cred = false;
    ctl->from.len = 0;
    ctl->msg_flags = 0;
    if (s == NULL)
        return -ENOTSOCK;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    deadline = unix_deadline_of(s->rcvtimeo_ns, &dbuf);
    target = (flags & MSG_WAITALL) ? len : (size_t)s->rcvlowat; /* sock_rcvlowat */
    if (target > len)
        target = len;
    if (target == 0)
        target = 1;
    unix_lock();
    if (s->type == SOCK_STREAM && s->state != US_CONNECTED) {
        ret = -EINVAL;
        goto out;
    }
    if (s->type == SOCK_SEQPACKET && s->state != US_CONNECTED) {
        ret = -ENOTCONN;
        goto out;
    }
    for (;;) {
        if (s->rq_head != NULL) {
            if (s->type != SOCK_STREAM) {
                ret = record_recv_locked(s, buf, len, flags, ctl, &gc);
                break;
            }
            {
                bool stop = false;

                copied = stream_copy_locked(s, buf, len, copied, flags, ctl, &stop, &gc);
                if (stop || copied >= target || copied == len || (flags & MSG_PEEK && copied))
                    break;
                if (s->rq_head != NULL && copied > 0 && !(flags & MSG_PEEK))
                    continue;
            }
        }
        if (copied > 0 && copied >= target)
            break;
        if (s->err) {
            if (copied == 0)
                ret = -s->err;
            s->err = 0;
            break;
        }
        if (s->shutdown & RCV_SHUTDOWN)
            break;
        if (len == 0 && s->type == SOCK_STREAM)
            break;
        if (nonblock) {
            ret = -EAGAIN;
            break;
        }
        ret = unix_wait_locked(t, deadline);
        if (ret < 0)
            break;
    }
out:
    unix_unlock();
    unix_msgs_free(gc);
    if (s->type == SOCK_STREAM && copied > 0)
        return (long)copied;
    return ret;
}

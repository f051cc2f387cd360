/* SPDX-License-Identifier: Apache-2.0 */
/* SOL_SOCKET options of unix sockets (getsockopt/setsockopt). */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/time.h>

#include "sentry/kernel/kernel.h"
#include "sentry/net/net.h"
#include "sentry/net/net_internal.h"

/* ---- options ---- */

static long get_int(void *val, uint32_t *len, int v)
{
    if (*len > sizeof(int))
        *len = sizeof(int);
    memcpy(val, &v, sizeof(int));
    return 0;
}

long net_getsockopt(struct task *t, struct file *f, int level, int name, void *val, uint32_t *len)
{
    struct unix_sock *s = unix_sock_of(f);
    long ret = 0;

    (void)t;
    if (s == NULL)
        return -ENOTSOCK;
    if ((int32_t)*len < 0)
        return -EINVAL;
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    unix_lock();
    switch (name) {
    case SO_TYPE:
        ret = get_int(val, len, s->type);
        break;
    case SO_PROTOCOL:
        ret = get_int(val, len, 0);
        break;
    case SO_DOMAIN:
        ret = get_int(val, len, AF_UNIX);
        break;
    case SO_ACCEPTCONN:
        ret = get_int(val, len, s->state == US_LISTEN);
        break;
    case SO_ERROR:
        ret = get_int(val, len, s->err);
        s->err = 0;
        break;
    case SO_SNDBUF:
        ret = get_int(val, len, s->sndbuf);
        break;
    case SO_RCVBUF:
        ret = get_int(val, len, s->rcvbuf);
        break;
    case SO_REUSEADDR:
        ret = get_int(val, len, s->reuseaddr);
        break;
    case SO_KEEPALIVE:
        ret = get_int(val, len, s->keepalive);
        break;
    case SO_BROADCAST:
        ret = get_int(val, len, s->broadcast);
        break;
    case SO_OOBINLINE:
        ret = get_int(val, len, s->oobinline);
        break;
    case SO_PASSCRED:
        ret = get_int(val, len, s->passcred);
        break;
    case SO_RCVLOWAT:
        ret = get_int(val, len, s->rcvlowat);
        break;
    case SO_SNDLOWAT:
        ret = get_int(val, len, 1);
        break;
    case SO_PRIORITY:
        ret = get_int(val, len, s->priority);
        break;
    case SO_PEEK_OFF:
        ret = get_int(val, len, s->peek_off);
        break;
    case SO_PEERCRED: {
        struct ucred u = { .pid = s->peercred.pid, .uid = s->peercred.uid, .gid = s->peercred.gid };

        /* A global pid: the caller's pid namespace's number of it (0 when outside). */
        if (t != NULL) {
            pthread_mutex_lock(&t->k->mu);
            u.pid = task_pid_vnr_locked(t, u.pid);
            pthread_mutex_unlock(&t->k->mu);
        }
        if (*len > sizeof(u))
            *len = sizeof(u);
        memcpy(val, &u, sizeof(u));
        break;
    }
    case SO_LINGER:
        if (*len > sizeof(s->linger))
            *len = sizeof(s->linger);
        memcpy(val, &s->linger, sizeof(s->linger));
        break;
    case SO_RCVTIMEO:
    case SO_SNDTIMEO: {
        int64_t ns = name == SO_RCVTIMEO ? s->rcvtimeo_ns : s->sndtimeo_ns;
        struct timeval tv = { .tv_sec = ns / 1000000000LL, .tv_usec = (ns % 1000000000LL) / 1000 };

        if (*len > sizeof(tv))
            *len = sizeof(tv);
        memcpy(val, &tv, sizeof(tv));
        break;
    }
    default:
        ret = -ENOPROTOOPT;
        break;
    }
    pthread_mutex_unlock(&g_unix_mu);
    return ret;
}

long net_setsockopt(struct task *t, struct file *f, int level, int name, const void *val,
                    uint32_t len)
{
    struct unix_sock *s = unix_sock_of(f);
    long ret = 0;
    int v = 0;

    (void)t;
    if (s == NULL)
        return -ENOTSOCK;
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    if ((int32_t)len < (int32_t)sizeof(int))
        return -EINVAL;
    memcpy(&v, val, sizeof(v));
    unix_lock();
    switch (name) {
    case SO_SNDBUF:
    case SO_SNDBUFFORCE: {
        unsigned int u = (unsigned int)v;

        if (name == SO_SNDBUF && u > UNIX_WMEM_MAX)
            u = UNIX_WMEM_MAX;
        if (u > INT_MAX / 2)
            u = INT_MAX / 2;
        s->sndbuf = (int)u * 2 < UNIX_MIN_SNDBUF ? UNIX_MIN_SNDBUF : (int)u * 2;
        break;
    }
    case SO_RCVBUF:
    case SO_RCVBUFFORCE: {
        unsigned int u = (unsigned int)v;

        if (name == SO_RCVBUF && u > UNIX_WMEM_MAX)
            u = UNIX_WMEM_MAX;
        if (u > INT_MAX / 2)
            u = INT_MAX / 2;
        s->rcvbuf = (int)u * 2 < UNIX_MIN_RCVBUF ? UNIX_MIN_RCVBUF : (int)u * 2;
        break;
    }
    case SO_REUSEADDR:
        s->reuseaddr = v != 0;
        break;
    case SO_KEEPALIVE:
        s->keepalive = v != 0;
        break;
    case SO_BROADCAST:
        s->broadcast = v != 0;
        break;
    case SO_OOBINLINE:
        s->oobinline = v != 0;
        break;
    case SO_PASSCRED:
        s->passcred = v != 0;
        break;
    case SO_RCVLOWAT:
        s->rcvlowat = v < 0 ? INT_MAX : (v == 0 ? 1 : v);
        break;
    case SO_PRIORITY:
        s->priority = v;
        break;
    case SO_PEEK_OFF:
        s->peek_off = v < 0 ? -1 : v;
        break;
    case SO_LINGER:
        if (len < sizeof(struct linger))
            ret = -EINVAL;
        else
            memcpy(&s->linger, val, sizeof(s->linger));
        break;
    case SO_RCVTIMEO:
    case SO_SNDTIMEO: {
        struct timeval tv;
        int64_t ns;

        if (len < sizeof(tv)) {
            ret = -EINVAL;
            break;
        }
        memcpy(&tv, val, sizeof(tv));
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000) {
            ret = -EDOM;
            break;
        }
        ns = tv.tv_sec < 0 ? 0 : (int64_t)tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
        if (name == SO_RCVTIMEO)
            s->rcvtimeo_ns = ns;
        else
            s->sndtimeo_ns = ns;
        break;
    }
    default:
        ret = -ENOPROTOOPT;
        break;
    }
    unix_unlock();
    return ret;
}

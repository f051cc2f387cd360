/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX message queue syscalls: mq_open, mq_unlink, mq_timed{send,receive}, mq_notify,
 * mq_getsetattr over sentry/ipc/mqueue.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/ipc/ipc.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls.h"

/* Copies a queue name in: Linux's getname (ENOENT for "", ENAMETOOLONG past PATH_MAX). */
static long copy_name(struct task *t, uintptr_t uname, char *buf, size_t size)
{
    long ret = task_copy_in_string(t, uname, buf, size);

    return ret == -ENAMETOOLONG ? -ENAMETOOLONG : ret < 0 ? ret : 0;
}

/* Copies in and checks an absolute timeout (NULL address: none). */
static long copy_timeout(struct task *t, uintptr_t uts, struct timespec *ts, bool *has)
{
    *has = uts != 0;
    if (uts == 0)
        return 0;
    if (task_copy_in(t, ts, uts, sizeof(*ts)) < 0)
        return -EFAULT;
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
        return -EINVAL;
    return 0;
}

long sys_mq_open(struct task *t, const struct sys_args *a)
{
    int oflag = (int)a->a[1];
    struct mq_attr attr;
    char *name;
    long ret;

    name = malloc(PATH_MAX);
    if (name == NULL)
        return -ENOMEM;
    ret = copy_name(t, a->a[0], name, PATH_MAX);
    if (ret < 0)
        goto out;
    if ((oflag & O_CREAT) && a->a[3] != 0 && task_copy_in(t, &attr, a->a[3], sizeof(attr)) < 0) {
        ret = -EFAULT;
        goto out;
    }
    ret = ipc_mq_open(t, name, oflag, (unsigned int)a->a[2],
                      (oflag & O_CREAT) && a->a[3] != 0 ? &attr : NULL);
out:
    free(name);
    return ret;
}

long sys_mq_unlink(struct task *t, const struct sys_args *a)
{
    char *name = malloc(PATH_MAX);
    long ret;

    if (name == NULL)
        return -ENOMEM;
    ret = copy_name(t, a->a[0], name, PATH_MAX);
    if (ret == 0)
        ret = ipc_mq_unlink(t, name);
    free(name);
    return ret;
}

long sys_mq_timedsend(struct task *t, const struct sys_args *a)
{
    size_t len = (size_t)a->a[2];
    unsigned int prio = (unsigned int)a->a[3];
    struct timespec ts;
    char *msg;
    bool has;
    long ret;

    ret = copy_timeout(t, a->a[4], &ts, &has);
    if (ret < 0)
        return ret;
    if (prio >= MQ_PRIO_MAX)
        return -EINVAL;
    /* Larger than any queue's message size: the queue answers EMSGSIZE without a copy. */
    if (len > 16 * 1024 * 1024)
        return ipc_mq_send(t, (int)a->a[0], NULL, len, prio, has ? &ts : NULL);
    msg = malloc(len > 0 ? len : 1);
    if (msg == NULL)
        return -ENOMEM;
    if (len > 0 && task_copy_in(t, msg, a->a[1], len) < 0)
        ret = -EFAULT;
    else
        ret = ipc_mq_send(t, (int)a->a[0], msg, len, prio, has ? &ts : NULL);
    free(msg);
    return ret;
}

long sys_mq_timedreceive(struct task *t, const struct sys_args *a)
{
    struct ipc_mq_msg m;
    struct timespec ts;
    bool has;
    long ret;

    ret = copy_timeout(t, a->a[4], &ts, &has);
    if (ret < 0)
        return ret;
    ret = ipc_mq_receive(t, (int)a->a[0], (size_t)a->a[2], has ? &ts : NULL, &m);
    if (ret < 0)
        return ret;
    /* Linux dequeues first: a copy that faults loses the message. */
    if ((m.len > 0 && task_copy_out(t, a->a[1], m.data, m.len) < 0) ||
        (a->a[3] != 0 && task_copy_out(t, a->a[3], &m.prio, sizeof(m.prio)) < 0))
        ret = -EFAULT;
    ipc_mq_msg_free(&m);
    return ret;
}

long sys_mq_notify(struct task *t, const struct sys_args *a)
{
    struct kernel_sigevent ev;

    if (a->a[1] == 0)
        return ipc_mq_notify(t, (int)a->a[0], NULL);
    if (task_copy_in(t, &ev, a->a[1], sizeof(ev)) < 0)
        return -EFAULT;
    return ipc_mq_notify(t, (int)a->a[0], &ev);
}

long sys_mq_getsetattr(struct task *t, const struct sys_args *a)
{
    struct mq_attr newattr, old;
    long ret;

    if (a->a[1] != 0 && task_copy_in(t, &newattr, a->a[1], sizeof(newattr)) < 0)
        return -EFAULT;
    ret = ipc_mq_getsetattr(t, (int)a->a[0], a->a[1] != 0 ? &newattr : NULL, &old);
    if (ret < 0)
        return ret;
    if (a->a[2] != 0 && task_copy_out(t, a->a[2], &old, sizeof(old)) < 0)
        return -EFAULT;
    return 0;
}

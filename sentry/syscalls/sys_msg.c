/* SPDX-License-Identifier: Apache-2.0 */
/* System V message queue syscalls: msgget, msgsnd, msgrcv, msgctl over sentry/ipc/msg.c. */
#include <errno.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include "sentry/ipc/ipc.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls.h"

long sys_msgget(struct task *t, const struct sys_args *a)
{
    return ipc_msg_get(t, (int32_t)a->a[0], (int)a->a[1]);
}

long sys_msgsnd(struct task *t, const struct sys_args *a)
{
    int msqid = (int)a->a[0];
    uintptr_t umsg = a->a[1];
    size_t size = (size_t)a->a[2];
    int msgflg = (int)a->a[3];
    char *text;
    long type, ret;

    /* Linux's order: the type is read, then size, id and type are checked, then the text. */
    if (task_copy_in(t, &type, umsg, sizeof(type)) < 0)
        return -EFAULT;
    if (size > IPC_MSGMAX || msqid < 0 || type < 1)
        return -EINVAL;
    text = malloc(size > 0 ? size : 1);
    if (text == NULL)
        return -ENOMEM;
    if (size > 0 && task_copy_in(t, text, umsg + sizeof(long), size) < 0) {
        ret = -EFAULT;
        goto out;
    }
    ret = ipc_msg_send(t, msqid, type, text, size, msgflg);
out:
    free(text);
    return ret;
}

long sys_msgrcv(struct task *t, const struct sys_args *a)
{
    int msqid = (int)a->a[0];
    uintptr_t umsg = a->a[1];
    long maxsize = (long)a->a[2];
    long msgtyp = (long)a->a[3];
    int msgflg = (int)a->a[4];
    struct ipc_msg_out m;
    long ret;

    if (maxsize < 0)
        return -EINVAL;
    ret = ipc_msg_recv(t, msqid, msgtyp, msgflg, (size_t)maxsize, &m);
    if (ret < 0)
        return ret;
    /* Linux dequeues first: a message whose copy faults is lost, as here. */
    if (task_copy_out(t, umsg, &m.type, sizeof(m.type)) < 0 ||
        (m.size > 0 && task_copy_out(t, umsg + sizeof(long), m.text, m.size) < 0))
        ret = -EFAULT;
    ipc_msg_out_free(&m);
    return ret;
}

long sys_msgctl(struct task *t, const struct sys_args *a)
{
    return ipc_msg_ctl(t, (int)a->a[0], (int)a->a[1], a->a[2]);
}

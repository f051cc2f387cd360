/* SPDX-License-Identifier: Apache-2.0 */
/* System V message queues: the sandbox's registry, typed send and receive with waits, msgctl. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include "sentry/ipc/ipc.h"
#include "sentry/ipc/ipc_internal.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"

/* Linux's msginfo extras (include/uapi/linux/msg.h). */
#define MSG_MSGPOOL (IPC_MSGMNI * IPC_MSGMNB / 1024)
#define MSG_MSGMAP  IPC_MSGMNB
#define MSG_MSGSSZ  16
#define MSG_MSGTQL  IPC_MSGMNB
#define MSG_MSGSEG  0xffff

struct msg_one {
    struct msg_one *next;
    long type;
    size_t size;
    char text[];
};

struct msg_queue {
    const struct ipc_ns *ns; /* Immutable; not a reference (the queue goes with it) */
    struct ipc_owner o;      /* Protected by k->mu, as every field below */
    int idx;
    struct msg_one *head, **tail;
    size_t cbytes, qnum, qbytes;
    int lspid, lrpid; /* global pids */
    time_t stime, rtime, ctime;
    struct klist waiters; /* struct msg_waiter.node: senders and receivers */
};

/* A task blocked in msgsnd or msgrcv; on its stack. */
struct msg_waiter {
    struct klist node;
    struct task *t; /* Not owned */
    bool idrm;      /* the queue was removed (the node is already unlinked) */
};

/* Protected by the kernel's mu. */
static struct msg_queue *g_queues[IPC_MSGMNI];
static unsigned int g_seq[IPC_MSGMNI];

static struct msg_queue *find_locked(const struct ipc_ns *ns, int id)
{
    int slot = ipc_id_slot(id, IPC_MSGMNI);
    struct msg_queue *q;

    if (slot < 0)
        return NULL;
    q = g_queues[slot];
    return q != NULL && q->o.id == id && q->ns == ns ? q : NULL;
}

static struct msg_queue *find_key_locked(const struct ipc_ns *ns, int32_t key)
{
    for (int i = 0; i < IPC_MSGMNI; i++) {
        if (g_queues[i] != NULL && g_queues[i]->ns == ns && g_queues[i]->o.key == key)
            return g_queues[i];
    }
    return NULL;
}

static void wake_all_locked(struct msg_queue *q)
{
    struct klist *pos;

    klist_for_each(pos, &q->waiters)
    {
        pthread_cond_signal(&klist_entry(pos, struct msg_waiter, node)->t->wake);
    }
}

static void remove_locked(struct msg_queue *q)
{
    struct klist *pos, *tmp;

    klist_for_each_safe(pos, tmp, &q->waiters)
    {
        struct msg_waiter *w = klist_entry(pos, struct msg_waiter, node);

        klist_del(&w->node);
        w->idrm = true;
        pthread_cond_signal(&w->t->wake);
    }
    while (q->head != NULL) {
        struct msg_one *m = q->head;

        q->head = m->next;
        free(m);
    }
    g_queues[q->idx] = NULL;
    free(q);
}

static long create_locked(struct task *t, int32_t key, int msgflg)
{
    struct msg_queue *q;
    int idx;

    for (idx = 0; idx < IPC_MSGMNI && g_queues[idx] != NULL; idx++)
        ;
    if (idx == IPC_MSGMNI)
        return -ENOSPC;
    q = calloc(1, sizeof(*q));
    if (q == NULL)
        return -ENOMEM;
    ipc_owner_init(&q->o, t, key, ipc_make_id(idx, &g_seq[idx]), msgflg);
    q->ns = ipc_ns_of(t);
    q->idx = idx;
    q->tail = &q->head;
    q->qbytes = IPC_MSGMNB;
    q->ctime = ipc_now();
    klist_init(&q->waiters);
    g_queues[idx] = q;
    return q->o.id;
}

long ipc_msg_get(struct task *t, int32_t key, int msgflg)
{
    struct kernel *k = t->k;
    struct msg_queue *q;
    long ret;

    pthread_mutex_lock(&k->mu);
    if (key == IPC_PRIVATE) {
        ret = create_locked(t, key, msgflg);
        goto out;
    }
    q = find_key_locked(ipc_ns_of(t), key);
    if (q == NULL) {
        ret = (msgflg & IPC_CREAT) ? create_locked(t, key, msgflg) : -ENOENT;
        goto out;
    }
    if ((msgflg & IPC_CREAT) && (msgflg & IPC_EXCL)) {
        ret = -EEXIST;
        goto out;
    }
    ret = ipc_may_access(t, &q->o, msgflg & 0777) ? q->o.id : -EACCES;
out:
    pthread_mutex_unlock(&k->mu);
    return ret;
}

/* Sleeps on `q` once; returns 0 (recheck), -EIDRM, -EAGAIN (timeout) or -ERESTARTNOHAND. */
static long wait_locked(struct task *t, struct msg_queue *q)
{
    struct msg_waiter w = { .t = t };
    long ret;

    klist_add_tail(&q->waiters, &w.node);
    ret = task_block_locked(t, NULL);
    if (w.idrm)
        return -EIDRM;
    klist_del(&w.node);
    /* msgsnd/msgrcv are never restarted after a handler (signal(7)); stops restart them. */
    return ret == -EINTR ? -ERESTARTNOHAND : 0;
}

long ipc_msg_send(struct task *t, int msqid, long type, const void *text, size_t size, int msgflg)
{
    struct kernel *k = t->k;
    struct msg_one *m;
    long ret;

    if (size > IPC_MSGMAX || msqid < 0 || type < 1)
        return -EINVAL;
    m = malloc(sizeof(*m) + size);
    if (m == NULL)
        return -ENOMEM;
    m->next = NULL;
    m->type = type;
    m->size = size;
    memcpy(m->text, text, size);
    pthread_mutex_lock(&k->mu);
    for (;;) {
        struct msg_queue *q = find_locked(ipc_ns_of(t), msqid);

        if (q == NULL) {
            ret = -EINVAL;
            break;
        }
        if (!ipc_may_access(t, &q->o, 0222)) {
            ret = -EACCES;
            break;
        }
        /* Linux's msg_fits: the bytes and the message count both stay within msg_qbytes. */
        if (size + q->cbytes <= q->qbytes && q->qnum + 1 <= q->qbytes) {
            *q->tail = m;
            q->tail = &m->next;
            m = NULL;
            q->cbytes += size;
            q->qnum++;
            q->lspid = t->tg->pid;
            q->stime = ipc_now();
            wake_all_locked(q);
            ret = 0;
            break;
        }
        if (msgflg & IPC_NOWAIT) {
            ret = -EAGAIN;
            break;
        }
        ret = wait_locked(t, q);
        if (ret < 0)
            break;
    }
    pthread_mutex_unlock(&k->mu);
    free(m);
    return ret;
}

/* Finds the message msgrcv takes (Linux's find_msg); `*prevp` is the link pointing at it. */
static struct msg_one *find_msg_locked(struct msg_queue *q, long msgtyp, int msgflg,
                                       struct msg_one ***prevp)
{
    struct msg_one **best = NULL;
    long n = 0;

    for (struct msg_one **p = &q->head; *p != NULL; p = &(*p)->next, n++) {
        long type = (*p)->type;

        if (msgflg & MSG_COPY) {
            if (n == msgtyp) {
                best = p;
                break;
            }
        } else if (msgtyp == 0 || (msgtyp > 0 && !(msgflg & MSG_EXCEPT) && type == msgtyp) ||
                   (msgtyp > 0 && (msgflg & MSG_EXCEPT) && type != msgtyp)) {
            best = p;
            break;
        } else if (msgtyp < 0 && type <= -msgtyp && (best == NULL || type < (*best)->type)) {
            best = p;
            if (type == 1)
                break;
        }
    }
    if (best == NULL)
        return NULL;
    *prevp = best;
    return *best;
}

long ipc_msg_recv(struct task *t, int msqid, long msgtyp, int msgflg, size_t maxsize,
                  struct ipc_msg_out *out)
{
    struct kernel *k = t->k;
    long ret;

    out->text = NULL;
    if (msqid < 0 || (long)maxsize < 0)
        return -EINVAL;
    if (msgflg & MSG_COPY) {
        /* Linux: a copy never waits and picks by position. */
        if ((msgflg & MSG_EXCEPT) || !(msgflg & IPC_NOWAIT))
            return -EINVAL;
    }
    pthread_mutex_lock(&k->mu);
    for (;;) {
        struct msg_queue *q = find_locked(ipc_ns_of(t), msqid);
        struct msg_one *m, **prev;

        if (q == NULL) {
            ret = -EINVAL;
            break;
        }
        if (!ipc_may_access(t, &q->o, 0444)) {
            ret = -EACCES;
            break;
        }
        m = find_msg_locked(q, msgtyp, msgflg, &prev);
        if (m != NULL) {
            size_t n = m->size;

            if (n > maxsize && !(msgflg & MSG_NOERROR)) {
                ret = -E2BIG;
                break;
            }
            if (n > maxsize)
                n = maxsize;
            out->type = m->type;
            out->size = n;
            if (msgflg & MSG_COPY) {
                out->text = malloc(n > 0 ? n : 1);
                if (out->text == NULL) {
                    ret = -ENOMEM;
                    break;
                }
                memcpy(out->text, m->text, n);
                out->owner = NULL;
                ret = (long)n;
                break;
            }
            *prev = m->next;
            if (q->tail == &m->next)
                q->tail = prev;
            q->cbytes -= m->size;
            q->qnum--;
            q->lrpid = t->tg->pid;
            q->rtime = ipc_now();
            wake_all_locked(q);
            out->text = m->text;
            out->owner = m;
            ret = (long)n;
            break;
        }
        if (msgflg & IPC_NOWAIT) {
            ret = -ENOMSG;
            break;
        }
        ret = wait_locked(t, q);
        if (ret < 0)
            break;
    }
    pthread_mutex_unlock(&k->mu);
    return ret;
}

void ipc_msg_out_free(struct ipc_msg_out *out)
{
    free(out->owner != NULL ? out->owner : (void *)out->text);
    out->text = NULL;
    out->owner = NULL;
}

static void stat_locked(struct task *t, const struct msg_queue *q, struct msqid_ds *ds)
{
    memset(ds, 0, sizeof(*ds));
    ipc_owner_to_perm(&q->o, &ds->msg_perm);
    ds->msg_stime = q->stime;
    ds->msg_rtime = q->rtime;
    ds->msg_ctime = q->ctime;
    ds->__msg_cbytes = q->cbytes;
    ds->msg_qnum = q->qnum;
    ds->msg_qbytes = q->qbytes;
    ds->msg_lspid = task_pid_vnr_locked(t, q->lspid);
    ds->msg_lrpid = task_pid_vnr_locked(t, q->lrpid);
}

/* The highest index `ns` uses (0 when none), and its queues, messages and bytes. */
static int max_idx_locked(const struct ipc_ns *ns, int *nq, long *nmsgs, long *nbytes)
{
    int max = 0;

    *nq = 0;
    *nmsgs = *nbytes = 0;
    for (int i = 0; i < IPC_MSGMNI; i++) {
        if (g_queues[i] != NULL && g_queues[i]->ns == ns) {
            max = i;
            (*nq)++;
            *nmsgs += (long)g_queues[i]->qnum;
            *nbytes += (long)g_queues[i]->cbytes;
        }
    }
    return max;
}

long ipc_msg_ctl(struct task *t, int msqid, int cmd, uint64_t ubuf)
{
    struct kernel *k = t->k;
    struct msqid_ds ds;
    struct msginfo info;
    struct msg_queue *q;
    long nmsgs, nbytes;
    long ret = 0;
    int nq;

    cmd &= ~IPC_CMD_64;
    switch (cmd) {
    case IPC_INFO:
    case MSG_INFO:
        memset(&info, 0, sizeof(info));
        info.msgmax = IPC_MSGMAX;
        info.msgmnb = IPC_MSGMNB;
        info.msgmni = IPC_MSGMNI;
        info.msgssz = MSG_MSGSSZ;
        info.msgseg = MSG_MSGSEG;
        pthread_mutex_lock(&k->mu);
        ret = max_idx_locked(ipc_ns_of(t), &nq, &nmsgs, &nbytes);
        pthread_mutex_unlock(&k->mu);
        if (cmd == MSG_INFO) {
            info.msgpool = nq;
            info.msgmap = (int)nmsgs;
            info.msgtql = (int)nbytes;
        } else {
            info.msgpool = MSG_MSGPOOL;
            info.msgmap = MSG_MSGMAP;
            info.msgtql = MSG_MSGTQL;
        }
        if (task_copy_out(t, ubuf, &info, sizeof(info)) < 0)
            return -EFAULT;
        return ret;
    case IPC_SET:
        if (task_copy_in(t, &ds, ubuf, sizeof(ds)) < 0)
            return -EFAULT;
        break;
    case IPC_STAT:
    case MSG_STAT:
    case MSG_STAT_ANY:
    case IPC_RMID:
        break;
    default:
        return -EINVAL;
    }
    if (msqid < 0)
        return -EINVAL;
    pthread_mutex_lock(&k->mu);
    if (cmd == MSG_STAT || cmd == MSG_STAT_ANY) {
        q = msqid < IPC_MSGMNI ? g_queues[msqid] : NULL;
        if (q != NULL && q->ns != ipc_ns_of(t))
            q = NULL;
    } else {
        q = find_locked(ipc_ns_of(t), msqid);
    }
    if (q == NULL) {
        ret = -EINVAL;
        goto out;
    }
    switch (cmd) {
    case IPC_STAT:
    case MSG_STAT:
        if (!ipc_may_access(t, &q->o, 0444)) {
            ret = -EACCES;
            goto out;
        }
        /* fallthrough */
    case MSG_STAT_ANY:
        stat_locked(t, q, &ds);
        ret = cmd == IPC_STAT ? 0 : q->o.id;
        break;
    case IPC_SET:
        if (!ipc_may_change(t, &q->o)) {
            ret = -EPERM;
            break;
        }
        if (ds.msg_qbytes > IPC_MSGMNB && !task_capable(t, 24 /* CAP_SYS_RESOURCE */)) {
            ret = -EPERM;
            break;
        }
        q->qbytes = ds.msg_qbytes;
        ipc_owner_set(&q->o, &ds.msg_perm);
        q->ctime = ipc_now();
        /* More room, or other permissions: every waiter looks again. */
        wake_all_locked(q);
        break;
    case IPC_RMID:
        if (!ipc_may_change(t, &q->o)) {
            ret = -EPERM;
            break;
        }
        remove_locked(q);
        break;
    }
out:
    pthread_mutex_unlock(&k->mu);
    if (ret >= 0 && (cmd == IPC_STAT || cmd == MSG_STAT || cmd == MSG_STAT_ANY) &&
        task_copy_out(t, ubuf, &ds, sizeof(ds)) < 0)
        return -EFAULT;
    return ret;
}

void ipc_msg_ns_gone_locked(const struct ipc_ns *ns)
{
    for (int i = 0; i < IPC_MSGMNI; i++) {
        if (g_queues[i] != NULL && g_queues[i]->ns == ns)
            remove_locked(g_queues[i]);
    }
}

void ipc_msg_proc_show(struct kernel *k, FILE *out)
{
    const struct ipc_ns *ns = ipc_ns_current();

    fputs("       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid"
          "      stime      rtime      ctime\n",
          out);
    pthread_mutex_lock(&k->mu);
    for (int i = 0; i < IPC_MSGMNI; i++) {
        const struct msg_queue *q = g_queues[i];

        if (q == NULL || q->ns != ns)
            continue;
        fprintf(out, "%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u %10llu %10llu %10llu\n",
                q->o.key, q->o.id, q->o.mode & 0777, (unsigned long)q->cbytes,
                (unsigned long)q->qnum, (unsigned int)kernel_pid_vnr_locked(k, q->lspid),
                (unsigned int)kernel_pid_vnr_locked(k, q->lrpid), q->o.uid, q->o.gid, q->o.cuid,
                q->o.cgid, (unsigned long long)q->stime, (unsigned long long)q->rtime,
                (unsigned long long)q->ctime);
    }
    pthread_mutex_unlock(&k->mu);
}

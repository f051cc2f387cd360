/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX message queues: named queues of the sandbox, their files, priorities, waits, mq_notify. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/ipc/ipc.h"
#include "sentry/ipc/ipc_internal.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"

/* Linux's hard limits for CAP_SYS_RESOURCE (ipc/mqueue.c HARD_MSGMAX, HARD_MSGSIZEMAX). */
#define MQ_HARD_MSGMAX     65536
#define MQ_HARD_MSGSIZEMAX (16 * 1024 * 1024)
/* What an mqueue inode's size reads as (FILENT_SIZE) and its "QSIZE:..." line. */
#define MQ_FILENT_SIZE 80

struct mq_msg {
    struct mq_msg *next;
    unsigned int prio;
    size_t len;
    char data[];
};

struct mq_queue {
    const struct ipc_ns *ns; /* Immutable; not a reference (unlinked when it ends) */
    struct klist node;       /* g_queues while linked */
    char name[NAME_MAX + 1];
    bool linked;
    int refs; /* open files */
    uint32_t uid, gid;
    unsigned int mode;
    uint64_t ino;
    time_t ctime;
    long maxmsg, msgsize;
    long curmsgs;
    unsigned long qsize; /* bytes queued: Linux's QSIZE */
    /* RLIMIT_MSGQUEUE: what the creator's real uid was charged for the queue. */
    uint32_t charged_uid;
    unsigned long charged;
    struct mq_msg *head;
    /* mq_notify: the registered process (its global pid; 0: none) and what it asked for. */
    int notify_pid;
    struct kernel_sigevent notify;
};

/* Protects every queue and the list; never held while sleeping or under k->mu's waits. */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static struct klist g_queues = { &g_queues, &g_queues };
static int g_nr_queues;
static uint64_t g_next_ino = 1;

static const struct file_ops g_mq_ops;

static struct mq_queue *lookup_locked(const struct ipc_ns *ns, const char *name)
{
    struct klist *pos;

    klist_for_each(pos, &g_queues)
    {
        struct mq_queue *q = klist_entry(pos, struct mq_queue, node);

        if (q->ns == ns && strcmp(q->name, name) == 0)
            return q;
    }
    return NULL;
}

/*
 * RLIMIT_MSGQUEUE accounting per real uid (Linux's user_struct.mq_bytes):
 * a queue costs its messages' room plus Linux's per-message and
 * per-priority bookkeeping (a struct msg_msg and a posix_msg_tree_node, 48
 * bytes each on x86-64).
 * Protected by g_mu.
 */
#define MQ_MSG_MSG_SIZE   48
#define MQ_TREE_NODE_SIZE 48

struct mq_user {
    uint32_t uid;
    unsigned long bytes;
};
static struct mq_user *g_users;
static size_t g_nusers;

static unsigned long queue_cost(long maxmsg, long msgsize)
{
    unsigned long tree =
        (unsigned long)maxmsg * MQ_MSG_MSG_SIZE +
        (unsigned long)(maxmsg < MQ_PRIO_MAX ? maxmsg : MQ_PRIO_MAX) * MQ_TREE_NODE_SIZE;

    return tree + (unsigned long)maxmsg * (unsigned long)msgsize;
}

static struct mq_user *user_locked(uint32_t uid, bool create)
{
    struct mq_user *n;

    for (size_t i = 0; i < g_nusers; i++) {
        if (g_users[i].uid == uid)
            return &g_users[i];
    }
    if (!create)
        return NULL;
    n = realloc(g_users, (g_nusers + 1) * sizeof(*n));
    if (n == NULL)
        return NULL;
    g_users = n;
    g_users[g_nusers] = (struct mq_user){ .uid = uid };
    return &g_users[g_nusers++];
}

static void free_queue(struct mq_queue *q)
{
    pthread_mutex_lock(&g_mu);
    if (q->charged > 0) {
        struct mq_user *u = user_locked(q->charged_uid, /*create=*/false);

        if (u != NULL)
            u->bytes -= q->charged;
    }
    pthread_mutex_unlock(&g_mu);
    while (q->head != NULL) {
        struct mq_msg *m = q->head;

        q->head = m->next;
        free(m);
    }
    free(q);
}

/* Drops an open file's hold; the queue goes once unlinked and unheld. Needs g_mu. */
static bool put_queue_locked(struct mq_queue *q)
{
    return --q->refs == 0 && !q->linked;
}

/* Linux's inode_permission for the queue (the caller's fs ids; CAP_DAC_OVERRIDE passes). */
static bool may_open(const struct task *t, const struct mq_queue *q, int acc)
{
    unsigned int want = (acc == O_RDONLY ? 4 : acc == O_WRONLY ? 2 : 6);
    unsigned int granted = q->mode & 7;

    if (t->cred.fsuid == q->uid) {
        granted = (q->mode >> 6) & 7;
    } else {
        bool in = t->cred.fsgid == q->gid;

        for (uint32_t i = 0; !in && i < t->cred.ngroups; i++)
            in = t->cred.groups[i] == q->gid;
        if (in)
            granted = (q->mode >> 3) & 7;
    }
    return (want & ~granted) == 0 || task_capable(t, CAP_DAC_OVERRIDE);
}

static long check_name(const char *name)
{
    if (name[0] == '\0')
        return -ENOENT;
    if (strlen(name) > NAME_MAX)
        return -ENAMETOOLONG;
    /* Linux's lookup_one_len: a slash, "." and ".." are refused with EACCES. */
    if (strchr(name, '/') != NULL || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return -EACCES;
    return 0;
}

static long check_attr(const struct task *t, const struct mq_attr *attr)
{
    if (attr->mq_maxmsg <= 0 || attr->mq_msgsize <= 0)
        return -EINVAL;
    if (task_capable(t, CAP_SYS_RESOURCE)) {
        if (attr->mq_maxmsg > MQ_HARD_MSGMAX || attr->mq_msgsize > MQ_HARD_MSGSIZEMAX)
            return -EINVAL;
    } else if (attr->mq_maxmsg > IPC_MQ_MSG_MAX || attr->mq_msgsize > IPC_MQ_MSGSIZE_MAX) {
        return -EINVAL;
    }
    /* Linux's overflow check on the queue's total size. */
    if ((unsigned long)attr->mq_msgsize > ULONG_MAX / (unsigned long)attr->mq_maxmsg)
        return -EOVERFLOW;
    return 0;
}

long ipc_mq_open(struct task *t, const char *name, int oflag, unsigned int mode,
                 const struct mq_attr *attr)
{
    int acc = oflag & O_ACCMODE;
    struct mq_queue *q, *fresh = NULL;
    struct file *f;
    long ret;

    ret = check_name(name);
    if (ret < 0)
        return ret;
    if ((oflag & O_CREAT) && attr != NULL) {
        ret = check_attr(t, attr);
        if (ret < 0)
            return ret;
    }
    if (oflag & O_CREAT) {
        fresh = calloc(1, sizeof(*fresh));
        if (fresh == NULL)
            return -ENOMEM;
    }
    pthread_mutex_lock(&g_mu);
    q = lookup_locked(ipc_ns_of(t), name);
    if (q != NULL) {
        if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
            ret = -EEXIST;
            goto unlock;
        }
        /* Linux refuses this access mode only for a queue that exists. */
        if (acc == O_ACCMODE) {
            ret = -EINVAL;
            goto unlock;
        }
        if (!may_open(t, q, acc)) {
            ret = -EACCES;
            goto unlock;
        }
    } else {
        if (!(oflag & O_CREAT)) {
            ret = -ENOENT;
            goto unlock;
        }
        if (g_nr_queues >= IPC_MQ_QUEUES_MAX && !task_capable(t, CAP_SYS_RESOURCE)) {
            ret = -ENOSPC;
            goto unlock;
        }
        {
            long maxmsg = attr != NULL ? attr->mq_maxmsg : IPC_MQ_MSG_DEFAULT;
            long msgsize = attr != NULL ? attr->mq_msgsize : IPC_MQ_MSGSIZE_DEFAULT;
            unsigned long cost = queue_cost(maxmsg, msgsize);
            struct mq_user *u = user_locked(t->cred.uid, /*create=*/true);

            if (u == NULL) {
                ret = -ENOMEM;
                goto unlock;
            }
            /* Linux charges even root: past RLIMIT_MSGQUEUE the open is EMFILE. */
            if (u->bytes + cost < u->bytes ||
                u->bytes + cost > t->tg->rlimits[RLIMIT_MSGQUEUE].rlim_cur) {
                ret = -EMFILE;
                goto unlock;
            }
            u->bytes += cost;
            fresh->charged_uid = t->cred.uid;
            fresh->charged = cost;
        }
        q = steal_pointer(&fresh);
        q->ns = ipc_ns_of(t);
        snprintf(q->name, sizeof(q->name), "%s", name);
        q->linked = true;
        q->uid = t->cred.fsuid;
        q->gid = t->cred.fsgid;
        q->mode = mode & ~t->tg->umask & 0777;
        q->ino = g_next_ino++;
        q->ctime = ipc_now();
        q->maxmsg = attr != NULL ? attr->mq_maxmsg : IPC_MQ_MSG_DEFAULT;
        q->msgsize = attr != NULL ? attr->mq_msgsize : IPC_MQ_MSGSIZE_DEFAULT;
        klist_add_tail(&g_queues, &q->node);
        g_nr_queues++;
    }
    q->refs++;
    ret = 0;
unlock:
    pthread_mutex_unlock(&g_mu);
    free(fresh);
    if (ret < 0)
        return ret;
    f = file_new(&g_mq_ops, (unsigned int)(acc | (oflag & O_NONBLOCK)), q);
    if (f == NULL) {
        bool gone;

        pthread_mutex_lock(&g_mu);
        gone = put_queue_locked(q);
        pthread_mutex_unlock(&g_mu);
        if (gone)
            free_queue(q);
        return -ENOMEM;
    }
    /* Linux opens every queue close-on-exec. */
    ret = fd_table_install(t->fdt, f, 0, /*cloexec=*/true, task_nofile_limit(t));
    put_file(f);
    return ret;
}

long ipc_mq_unlink(struct task *t, const char *name)
{
    struct mq_queue *q;
    bool gone = false;
    long ret;

    ret = check_name(name);
    if (ret < 0)
        return ret;
    pthread_mutex_lock(&g_mu);
    q = lookup_locked(ipc_ns_of(t), name);
    if (q == NULL) {
        ret = -ENOENT;
    } else {
        klist_del(&q->node);
        q->linked = false;
        g_nr_queues--;
        gone = q->refs == 0;
    }
    pthread_mutex_unlock(&g_mu);
    if (gone)
        free_queue(q);
    return ret;
}

void ipc_mq_ns_gone(const struct ipc_ns *ns)
{
    struct klist *pos, *tmp;
    struct klist gone;

    klist_init(&gone);
    pthread_mutex_lock(&g_mu);
    klist_for_each_safe(pos, tmp, &g_queues)
    {
        struct mq_queue *q = klist_entry(pos, struct mq_queue, node);

        if (q->ns != ns)
            continue;
        /* Unlinked: the queue lives on while a file still holds it. */
        klist_del(&q->node);
        q->linked = false;
        g_nr_queues--;
        if (q->refs == 0)
            klist_add_tail(&gone, &q->node);
    }
    pthread_mutex_unlock(&g_mu);
    klist_for_each_safe(pos, tmp, &gone)
    {
        free_queue(klist_entry(pos, struct mq_queue, node));
    }
}

/* The queue behind fd `fd` with a new file reference, or NULL (not an mqueue: EBADF). */
static struct file *get_mq_file(struct task *t, int fd)
{
    struct file *f = fd_table_get(t->fdt, fd);

    if (f != NULL && f->ops != &g_mq_ops) {
        put_file(f);
        return NULL;
    }
    return f;
}

/* An absolute CLOCK_REALTIME time as an absolute CLOCK_MONOTONIC deadline. */
static void deadline_of(const struct timespec *abs, struct timespec *out)
{
    struct timespec now, rel = { 0, 0 };

    clock_gettime(CLOCK_REALTIME, &now);
    if (abs->tv_sec > now.tv_sec || (abs->tv_sec == now.tv_sec && abs->tv_nsec > now.tv_nsec)) {
        rel.tv_sec = abs->tv_sec - now.tv_sec;
        rel.tv_nsec = abs->tv_nsec - now.tv_nsec;
        if (rel.tv_nsec < 0) {
            rel.tv_sec--;
            rel.tv_nsec += 1000000000L;
        }
    }
    kernel_deadline_from_now(&rel, out);
}

/* What a send owes the notification's owner once g_mu is dropped. */
struct mq_pending_notify {
    int pid; /* 0: none */
    struct kernel_sigevent ev;
};

static void deliver_notify(struct task *t, const struct mq_pending_notify *n)
{
    struct kernel *k = t->k;
    struct thread_group *tg;

    if (n->pid == 0 || n->ev.notify != SIGEV_SIGNAL || n->ev.signo == 0)
        return;
    pthread_mutex_lock(&k->mu);
    tg = kernel_find_tg_global_locked(k, n->pid);
    if (tg != NULL && !tg->zombie) {
        siginfo_t info;

        memset(&info, 0, sizeof(info));
        info.si_signo = n->ev.signo;
        info.si_code = SI_MESGQ;
        info.si_value.sival_ptr = (void *)(uintptr_t)n->ev.value;
        /* The sender as the owner's namespace numbers it (Linux's __do_notify). */
        info.si_pid = pid_ns_nr_locked(tg->pidns, t->tg->pid);
        info.si_uid = t->cred.uid;
        thread_group_send_signal_locked(tg, &info);
    }
    pthread_mutex_unlock(&k->mu);
}

long ipc_mq_send(struct task *t, int fd, const char *msg, size_t len, unsigned int prio,
                 const struct timespec *abs)
{
    struct mq_pending_notify pn = { 0 };
    struct timespec deadline;
    struct mq_queue *q;
    struct mq_msg *m = NULL;
    struct file *f;
    long ret;

    if (prio >= MQ_PRIO_MAX)
        return -EINVAL;
    f = get_mq_file(t, fd);
    if (f == NULL || !file_is_writable(f)) {
        ret = -EBADF;
        goto out;
    }
    q = f->priv;
    if ((long)len > q->msgsize || (long)len < 0) {
        ret = -EMSGSIZE;
        goto out;
    }
    m = malloc(sizeof(*m) + len);
    if (m == NULL) {
        ret = -ENOMEM;
        goto out;
    }
    m->prio = prio;
    m->len = len;
    memcpy(m->data, msg, len);
    if (abs != NULL)
        deadline_of(abs, &deadline);
    for (;;) {
        uint64_t gen = anon_wait_gen();

        pthread_mutex_lock(&g_mu);
        if (q->curmsgs < q->maxmsg) {
            struct mq_msg **p = &q->head;

            /* Highest priority first, FIFO within one. */
            while (*p != NULL && (*p)->prio >= prio)
                p = &(*p)->next;
            m->next = *p;
            *p = m;
            m = NULL;
            q->curmsgs++;
            q->qsize += len;
            /* Linux notifies when the queue goes from empty to not empty. */
            if (q->curmsgs == 1 && q->notify_pid != 0) {
                pn.pid = q->notify_pid;
                pn.ev = q->notify;
                q->notify_pid = 0;
            }
            pthread_mutex_unlock(&g_mu);
            ret = 0;
            break;
        }
        pthread_mutex_unlock(&g_mu);
        if (f->flags & O_NONBLOCK) {
            ret = -EAGAIN;
            goto out;
        }
        ret = anon_wait(t, gen, abs != NULL ? &deadline : NULL);
        if (ret == -ETIMEDOUT)
            goto out;
        if (ret == -EINTR) {
            ret = -ERESTARTSYS;
            goto out;
        }
    }
    anon_notify();
    deliver_notify(t, &pn);
out:
    free(m);
    if (f != NULL)
        put_file(f);
    return ret;
}

long ipc_mq_receive(struct task *t, int fd, size_t len, const struct timespec *abs,
                    struct ipc_mq_msg *out)
{
    struct timespec deadline;
    struct mq_queue *q;
    struct file *f;
    long ret;

    out->data = NULL;
    f = get_mq_file(t, fd);
    if (f == NULL || !file_is_readable(f)) {
        ret = -EBADF;
        goto out;
    }
    q = f->priv;
    if ((long)len < q->msgsize) {
        ret = -EMSGSIZE;
        goto out;
    }
    if (abs != NULL)
        deadline_of(abs, &deadline);
    for (;;) {
        uint64_t gen = anon_wait_gen();
        struct mq_msg *m;

        pthread_mutex_lock(&g_mu);
        m = q->head;
        if (m != NULL) {
            q->head = m->next;
            q->curmsgs--;
            q->qsize -= m->len;
            pthread_mutex_unlock(&g_mu);
            out->prio = m->prio;
            out->len = m->len;
            out->owner = m;
            out->data = m->data;
            ret = (long)m->len;
            break;
        }
        pthread_mutex_unlock(&g_mu);
        if (f->flags & O_NONBLOCK) {
            ret = -EAGAIN;
            goto out;
        }
        ret = anon_wait(t, gen, abs != NULL ? &deadline : NULL);
        if (ret == -ETIMEDOUT)
            goto out;
        if (ret == -EINTR) {
            ret = -ERESTARTSYS;
            goto out;
        }
    }
    anon_notify();
out:
    if (f != NULL)
        put_file(f);
    return ret;
}

void ipc_mq_msg_free(struct ipc_mq_msg *m)
{
    free(m->owner);
    m->owner = NULL;
    m->data = NULL;
}

long ipc_mq_notify(struct task *t, int fd, const struct kernel_sigevent *ev)
{
    struct mq_queue *q;
    struct file *f;
    long ret = 0;

    if (ev != NULL) {
        if (ev->notify != SIGEV_NONE && ev->notify != SIGEV_SIGNAL && ev->notify != SIGEV_THREAD)
            return -EINVAL;
        if (ev->notify == SIGEV_SIGNAL && (ev->signo < 0 || ev->signo > KERNEL_NSIG))
            return -EINVAL;
    }
    f = get_mq_file(t, fd);
    if (f == NULL)
        return -EBADF;
    /*
     * SIGEV_THREAD asks the kernel to write a cookie to the caller's netlink
     * socket (glibc's helper thread reads it); the sentry's netlink sockets are
     * host sockets it cannot write to, so this fails as without the feature.
     */
    if (ev != NULL && ev->notify == SIGEV_THREAD) {
        put_file(f);
        return -ENOSYS;
    }
    q = f->priv;
    pthread_mutex_lock(&g_mu);
    if (ev == NULL) {
        if (q->notify_pid == t->tg->pid)
            q->notify_pid = 0;
    } else if (q->notify_pid != 0) {
        ret = -EBUSY;
    } else {
        q->notify_pid = t->tg->pid;
        q->notify = *ev;
    }
    pthread_mutex_unlock(&g_mu);
    put_file(f);
    return ret;
}

long ipc_mq_getsetattr(struct task *t, int fd, const struct mq_attr *newattr, struct mq_attr *old)
{
    struct mq_queue *q;
    struct file *f;

    if (newattr != NULL && (newattr->mq_flags & ~(long)O_NONBLOCK))
        return -EINVAL;
    f = get_mq_file(t, fd);
    if (f == NULL)
        return -EBADF;
    q = f->priv;
    memset(old, 0, sizeof(*old));
    pthread_mutex_lock(&g_mu);
    old->mq_flags = f->flags & O_NONBLOCK;
    old->mq_maxmsg = q->maxmsg;
    old->mq_msgsize = q->msgsize;
    old->mq_curmsgs = q->curmsgs;
    if (newattr != NULL) {
        if (newattr->mq_flags & O_NONBLOCK)
            f->flags |= O_NONBLOCK;
        else
            f->flags &= ~(unsigned int)O_NONBLOCK;
    }
    pthread_mutex_unlock(&g_mu);
    put_file(f);
    return 0;
}

/* Linux's status line of a queue (mqueue_read_file), pids as the calling task sees them. */
static int status_line(struct mq_queue *q, char *line, size_t size)
{
    struct task *cur = g_kernel_current_task;
    int notify = 0, signo = 0, pid = 0;
    unsigned long qsize;

    pthread_mutex_lock(&g_mu);
    qsize = q->qsize;
    if (q->notify_pid != 0) {
        notify = q->notify.notify;
        signo = notify == SIGEV_SIGNAL ? q->notify.signo : 0;
        pid = q->notify_pid;
    }
    pthread_mutex_unlock(&g_mu);
    if (pid != 0 && cur != NULL) {
        pthread_mutex_lock(&cur->k->mu);
        pid = task_pid_vnr_locked(cur, pid);
        pthread_mutex_unlock(&cur->k->mu);
    }
    return snprintf(line, size, "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", qsize,
                    notify, signo, pid);
}

/* read(2) of a queue: the status line. */
static long mq_read(struct file *f, void *buf, size_t len)
{
    char line[MQ_FILENT_SIZE + 1];
    int n = status_line(f->priv, line, sizeof(line));

    if (n < 0)
        return -EIO;
    if (f->pos >= n)
        return 0;
    if (len > (size_t)(n - f->pos))
        len = (size_t)(n - f->pos);
    memcpy(buf, line + f->pos, len);
    f->pos += (int64_t)len;
    return (long)len;
}

long ipc_mq_list(bool (*fn)(void *arg, const char *name), void *arg)
{
    const struct ipc_ns *ns = ipc_ns_current();
    char(*names)[NAME_MAX + 1] = NULL;
    size_t n = 0;
    struct klist *pos;

    pthread_mutex_lock(&g_mu);
    names = calloc((size_t)g_nr_queues + 1, sizeof(*names));
    if (names == NULL) {
        pthread_mutex_unlock(&g_mu);
        return -ENOMEM;
    }
    klist_for_each(pos, &g_queues)
    {
        struct mq_queue *q = klist_entry(pos, struct mq_queue, node);

        if (q->ns == ns)
            memcpy(names[n++], q->name, sizeof(q->name));
    }
    pthread_mutex_unlock(&g_mu);
    /* Emitted without the lock: the reader's callback copies into its buffer. */
    for (size_t i = 0; i < n && fn(arg, names[i]); i++)
        ;
    free(names);
    return 0;
}

uint64_t ipc_mq_lookup_ino(const char *name)
{
    struct mq_queue *q;
    uint64_t ino;

    pthread_mutex_lock(&g_mu);
    q = lookup_locked(ipc_ns_current(), name);
    ino = q != NULL ? q->ino : 0;
    pthread_mutex_unlock(&g_mu);
    return ino;
}

long ipc_mq_show(uint64_t ino, FILE *out)
{
    const struct ipc_ns *ns = ipc_ns_current();
    char line[MQ_FILENT_SIZE + 1];
    struct mq_queue *q = NULL;
    struct klist *pos;

    pthread_mutex_lock(&g_mu);
    klist_for_each(pos, &g_queues)
    {
        struct mq_queue *c = klist_entry(pos, struct mq_queue, node);

        if (c->ns == ns && c->ino == ino) {
            q = c;
            /* Held like an open file while its line is made. */
            q->refs++;
            break;
        }
    }
    pthread_mutex_unlock(&g_mu);
    if (q == NULL)
        return -ENOENT;
    if (status_line(q, line, sizeof(line)) > 0)
        fputs(line, out);
    pthread_mutex_lock(&g_mu);
    if (put_queue_locked(q)) {
        pthread_mutex_unlock(&g_mu);
        free_queue(q);
        return 0;
    }
    pthread_mutex_unlock(&g_mu);
    return 0;
}

static unsigned int mq_poll(struct file *f)
{
    struct mq_queue *q = f->priv;
    unsigned int ev = 0;

    pthread_mutex_lock(&g_mu);
    if (q->curmsgs > 0)
        ev |= POLLIN | POLLRDNORM;
    if (q->curmsgs < q->maxmsg)
        ev |= POLLOUT | POLLWRNORM;
    pthread_mutex_unlock(&g_mu);
    return ev;
}

static long mq_fstat(struct file *f, struct stat *st)
{
    struct mq_queue *q = f->priv;

    memset(st, 0, sizeof(*st));
    pthread_mutex_lock(&g_mu);
    st->st_mode = S_IFREG | q->mode;
    st->st_uid = q->uid;
    st->st_gid = q->gid;
    st->st_ino = q->ino;
    st->st_ctim.tv_sec = st->st_mtim.tv_sec = st->st_atim.tv_sec = q->ctime;
    pthread_mutex_unlock(&g_mu);
    st->st_nlink = 1;
    st->st_size = MQ_FILENT_SIZE;
    st->st_blksize = 4096;
    return 0;
}

static long mq_lseek(struct file *f, int64_t off, int whence)
{
    int64_t pos = whence == SEEK_SET ? off : whence == SEEK_CUR ? f->pos + off : -1;

    if (whence == SEEK_END)
        pos = MQ_FILENT_SIZE + off;
    if (pos < 0)
        return -EINVAL;
    f->pos = pos;
    return pos;
}

static void mq_release(struct file *f)
{
    struct mq_queue *q = f->priv;
    struct task *cur = g_kernel_current_task;
    bool gone;

    pthread_mutex_lock(&g_mu);
    /* Linux's mqueue_flush_file: the owner closing the queue drops its notification. */
    if (cur != NULL && q->notify_pid == cur->tg->pid)
        q->notify_pid = 0;
    gone = put_queue_locked(q);
    pthread_mutex_unlock(&g_mu);
    if (gone)
        free_queue(q);
}

static const struct file_ops g_mq_ops = {
    .name = "mqueue",
    .read = mq_read,
    .lseek = mq_lseek,
    .fstat = mq_fstat,
    .poll = mq_poll,
    .release = mq_release,
};

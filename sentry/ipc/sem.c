/* SPDX-License-Identifier: Apache-2.0 */
/* System V semaphore sets: the sandbox's registry, atomic semop with waits, SEM_UNDO, semctl. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/stat.h>

#include "sentry/ipc/ipc.h"
#include "sentry/ipc/ipc_internal.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"

/* Linux's seminfo extras (include/uapi/linux/sem.h): SEMUME = SEMOPM, SEMUSZ, SEMAEM = SEMVMX. */
#define SEM_SEMMAP IPC_SEMMNS
#define SEM_SEMMNU IPC_SEMMNS
#define SEM_SEMUME IPC_SEMOPM
#define SEM_SEMUSZ 20
#define SEM_SEMAEM IPC_SEMVMX

struct sem_one {
    int val;
    int pid; /* global pid of the last operation */
};

struct sem_set {
    const struct ipc_ns *ns; /* Immutable; not a reference (the set goes with it) */
    struct ipc_owner o;      /* Protected by k->mu, as every field below */
    int idx;
    int nsems;
    time_t otime, ctime;
    struct klist waiters; /* struct sem_waiter.node */
    struct sem_one sems[];
};

/* A task blocked in semop; on its stack. */
struct sem_waiter {
    struct klist node;
    struct task *t; /* Not owned */
    int semnum;     /* the semaphore it waits on */
    bool zero;      /* waits for zero (GETZCNT) rather than an increase (GETNCNT) */
    bool idrm;      /* the set was removed (the node is already unlinked) */
};

/* A process's SEM_UNDO adjustments for one set (Linux's struct sem_undo). */
struct sem_undo {
    struct klist node;
    struct thread_group *tg; /* Not owned: dropped when it dies */
    int semid;
    int nsems;
    short adj[];
};

/* Protected by the kernel's mu. */
static struct sem_set *g_sets[IPC_SEMMNI];
static unsigned int g_seq[IPC_SEMMNI];
static long g_nr_sems;
static struct klist g_undos = { &g_undos, &g_undos };

static struct sem_set *find_locked(const struct ipc_ns *ns, int id)
{
    int slot = ipc_id_slot(id, IPC_SEMMNI);
    struct sem_set *s;

    if (slot < 0)
        return NULL;
    s = g_sets[slot];
    return s != NULL && s->o.id == id && s->ns == ns ? s : NULL;
}

static struct sem_set *find_key_locked(const struct ipc_ns *ns, int32_t key)
{
    for (int i = 0; i < IPC_SEMMNI; i++) {
        if (g_sets[i] != NULL && g_sets[i]->ns == ns && g_sets[i]->o.key == key)
            return g_sets[i];
    }
    return NULL;
}

static void wake_all_locked(struct sem_set *s)
{
    struct klist *pos;

    klist_for_each(pos, &s->waiters)
    {
        pthread_cond_signal(&klist_entry(pos, struct sem_waiter, node)->t->wake);
    }
}

static void drop_undos_locked(int semid)
{
    struct klist *pos, *tmp;

    klist_for_each_safe(pos, tmp, &g_undos)
    {
        struct sem_undo *u = klist_entry(pos, struct sem_undo, node);

        if (u->semid == semid) {
            klist_del(&u->node);
            free(u);
        }
    }
}

static void remove_locked(struct sem_set *s)
{
    struct klist *pos, *tmp;

    klist_for_each_safe(pos, tmp, &s->waiters)
    {
        struct sem_waiter *w = klist_entry(pos, struct sem_waiter, node);

        klist_del(&w->node);
        w->idrm = true;
        pthread_cond_signal(&w->t->wake);
    }
    drop_undos_locked(s->o.id);
    g_sets[s->idx] = NULL;
    g_nr_sems -= s->nsems;
    free(s);
}

static long create_locked(struct task *t, int32_t key, int nsems, int semflg)
{
    struct sem_set *s;
    int idx;

    if (nsems < 1 || nsems > IPC_SEMMSL)
        return -EINVAL;
    if (g_nr_sems + nsems > IPC_SEMMNS)
        return -ENOSPC;
    for (idx = 0; idx < IPC_SEMMNI && g_sets[idx] != NULL; idx++)
        ;
    if (idx == IPC_SEMMNI)
        return -ENOSPC;
    s = calloc(1, sizeof(*s) + (size_t)nsems * sizeof(s->sems[0]));
    if (s == NULL)
        return -ENOMEM;
    ipc_owner_init(&s->o, t, key, ipc_make_id(idx, &g_seq[idx]), semflg);
    s->ns = ipc_ns_of(t);
    s->idx = idx;
    s->nsems = nsems;
    s->ctime = ipc_now();
    klist_init(&s->waiters);
    g_sets[idx] = s;
    g_nr_sems += nsems;
    return s->o.id;
}

long ipc_sem_get(struct task *t, int32_t key, int nsems, int semflg)
{
    struct kernel *k = t->k;
    struct sem_set *s;
    long ret;

    if (nsems < 0 || nsems > IPC_SEMMSL)
        return -EINVAL;
    pthread_mutex_lock(&k->mu);
    if (key == IPC_PRIVATE) {
        ret = create_locked(t, key, nsems, semflg);
        goto out;
    }
    s = find_key_locked(ipc_ns_of(t), key);
    if (s == NULL) {
        ret = (semflg & IPC_CREAT) ? create_locked(t, key, nsems, semflg) : -ENOENT;
        goto out;
    }
    if ((semflg & IPC_CREAT) && (semflg & IPC_EXCL)) {
        ret = -EEXIST;
        goto out;
    }
    if (!ipc_may_access(t, &s->o, semflg & 0777)) {
        ret = -EACCES;
        goto out;
    }
    /* Linux's sem_more_checks: asking for more semaphores than the set has is EINVAL. */
    if (nsems > s->nsems) {
        ret = -EINVAL;
        goto out;
    }
    ret = s->o.id;
out:
    pthread_mutex_unlock(&k->mu);
    return ret;
}

static struct sem_undo *find_undo_locked(struct thread_group *tg, int semid)
{
    struct klist *pos;

    klist_for_each(pos, &g_undos)
    {
        struct sem_undo *u = klist_entry(pos, struct sem_undo, node);

        if (u->tg == tg && u->semid == semid)
            return u;
    }
    return NULL;
}

/*
 * Linux's perform_atomic_semop: applies every operation in order or none.
 * Returns 0 (applied), 1 (must wait: `*blocker` is the operation), -EAGAIN
 * (IPC_NOWAIT) or -ERANGE (a value or adjustment out of range).
 */
static long try_ops_locked(struct sem_set *s, const struct sembuf *sops, size_t nsops,
                           struct sem_undo *u, int pid, size_t *blocker)
{
    size_t i;
    long ret = 0;

    for (i = 0; i < nsops; i++) {
        const struct sembuf *op = &sops[i];
        struct sem_one *sem = &s->sems[op->sem_num];
        int result = sem->val + op->sem_op;

        if ((op->sem_op == 0 && sem->val != 0) || result < 0) {
            *blocker = i;
            ret = (op->sem_flg & IPC_NOWAIT) ? -EAGAIN : 1;
            break;
        }
        if (result > IPC_SEMVMX) {
            ret = -ERANGE;
            break;
        }
        if ((op->sem_flg & SEM_UNDO) && u != NULL) {
            int undo = u->adj[op->sem_num] - op->sem_op;

            if (undo < -SEM_SEMAEM - 1 || undo > SEM_SEMAEM) {
                ret = -ERANGE;
                break;
            }
        }
        sem->val = result;
        if ((op->sem_flg & SEM_UNDO) && u != NULL)
            u->adj[op->sem_num] = (short)(u->adj[op->sem_num] - op->sem_op);
    }
    if (ret != 0) {
        /* Roll back what was applied, in reverse. */
        while (i-- > 0) {
            const struct sembuf *op = &sops[i];

            s->sems[op->sem_num].val -= op->sem_op;
            if ((op->sem_flg & SEM_UNDO) && u != NULL)
                u->adj[op->sem_num] = (short)(u->adj[op->sem_num] + op->sem_op);
        }
        return ret;
    }
    for (i = 0; i < nsops; i++)
        s->sems[sops[i].sem_num].pid = pid;
    s->otime = ipc_now();
    return 0;
}

long ipc_sem_op(struct task *t, int semid, struct sembuf *sops, size_t nsops,
                const struct timespec *timeout)
{
    struct kernel *k = t->k;
    struct timespec deadline;
    bool undos = false, alter = false;
    unsigned int max = 0;
    long ret;

    for (size_t i = 0; i < nsops; i++) {
        if (sops[i].sem_num > max)
            max = sops[i].sem_num;
        if (sops[i].sem_flg & SEM_UNDO)
            undos = true;
        if (sops[i].sem_op != 0)
            alter = true;
    }
    if (timeout != NULL)
        kernel_deadline_from_now(timeout, &deadline);
    pthread_mutex_lock(&k->mu);
    for (;;) {
        struct sem_set *s = find_locked(ipc_ns_of(t), semid);
        struct sem_undo *u = NULL;
        struct sem_waiter w = { .t = t };
        bool changed = false;
        size_t blocker = 0;

        if (s == NULL) {
            ret = -EINVAL;
            break;
        }
        if (max >= (unsigned int)s->nsems) {
            ret = -EFBIG;
            break;
        }
        if (!ipc_may_access(t, &s->o, alter ? 0222 : 0444)) {
            ret = -EACCES;
            break;
        }
        if (undos) {
            u = find_undo_locked(t->tg, semid);
            if (u == NULL) {
                u = calloc(1, sizeof(*u) + (size_t)s->nsems * sizeof(u->adj[0]));
                if (u == NULL) {
                    ret = -ENOMEM;
                    break;
                }
                u->tg = t->tg;
                u->semid = semid;
                u->nsems = s->nsems;
                klist_add_tail(&g_undos, &u->node);
            }
        }
        ret = try_ops_locked(s, sops, nsops, u, t->tg->pid, &blocker);
        if (ret == 0) {
            for (size_t i = 0; i < nsops; i++)
                changed |= sops[i].sem_op != 0;
            if (changed)
                wake_all_locked(s);
            break;
        }
        if (ret < 0)
            break;
        w.semnum = sops[blocker].sem_num;
        w.zero = sops[blocker].sem_op == 0;
        klist_add_tail(&s->waiters, &w.node);
        ret = task_block_locked(t, timeout != NULL ? &deadline : NULL);
        if (w.idrm) {
            ret = -EIDRM;
            break;
        }
        klist_del(&w.node);
        if (ret == -ETIMEDOUT) {
            ret = -EAGAIN;
            break;
        }
        /* semop is never restarted (signal(7)): EINTR even with SA_RESTART. */
        if (ret == -EINTR)
            break;
    }
    pthread_mutex_unlock(&k->mu);
    return ret;
}

void ipc_sem_exit_locked(struct thread_group *tg)
{
    struct klist *pos, *tmp;

    klist_for_each_safe(pos, tmp, &g_undos)
    {
        struct sem_undo *u = klist_entry(pos, struct sem_undo, node);
        struct sem_set *s;

        if (u->tg != tg)
            continue;
        klist_del(&u->node);
        s = find_locked(tg->ipcns, u->semid);
        if (s != NULL) {
            /* Linux's exit_sem: clamp into [0, SEMVMX] and record the exiting pid. */
            for (int i = 0; i < u->nsems && i < s->nsems; i++) {
                int val = s->sems[i].val + u->adj[i];

                if (u->adj[i] == 0)
                    continue;
                s->sems[i].val = val < 0 ? 0 : val > IPC_SEMVMX ? IPC_SEMVMX : val;
                s->sems[i].pid = tg->pid;
            }
            s->otime = ipc_now();
            wake_all_locked(s);
        }
        free(u);
    }
}

/* SETVAL / SETALL clear the adjustments every process holds for those semaphores. */
static void clear_adj_locked(int semid, int semnum)
{
    struct klist *pos;

    klist_for_each(pos, &g_undos)
    {
        struct sem_undo *u = klist_entry(pos, struct sem_undo, node);

        if (u->semid != semid)
            continue;
        if (semnum < 0)
            memset(u->adj, 0, (size_t)u->nsems * sizeof(u->adj[0]));
        else if (semnum < u->nsems)
            u->adj[semnum] = 0;
    }
}

static int count_waiters_locked(struct sem_set *s, int semnum, bool zero)
{
    struct klist *pos;
    int n = 0;

    klist_for_each(pos, &s->waiters)
    {
        struct sem_waiter *w = klist_entry(pos, struct sem_waiter, node);

        if (w->semnum == semnum && w->zero == zero)
            n++;
    }
    return n;
}

static void stat_locked(const struct sem_set *s, struct semid_ds *ds)
{
    memset(ds, 0, sizeof(*ds));
    ipc_owner_to_perm(&s->o, &ds->sem_perm);
    ds->sem_otime = s->otime;
    ds->sem_ctime = s->ctime;
    ds->sem_nsems = (unsigned long)s->nsems;
}

/* The highest index `ns` uses (0 when none), and its sets and semaphores. */
static int max_idx_locked(const struct ipc_ns *ns, int *nsets, int *nsems)
{
    int max = 0;

    *nsets = *nsems = 0;
    for (int i = 0; i < IPC_SEMMNI; i++) {
        if (g_sets[i] != NULL && g_sets[i]->ns == ns) {
            max = i;
            (*nsets)++;
            *nsems += g_sets[i]->nsems;
        }
    }
    return max;
}

static long sem_info(struct task *t, int cmd, uint64_t arg)
{
    struct seminfo info = {
        .semmap = SEM_SEMMAP,
        .semmni = IPC_SEMMNI,
        .semmns = IPC_SEMMNS,
        .semmnu = SEM_SEMMNU,
        .semmsl = IPC_SEMMSL,
        .semopm = IPC_SEMOPM,
        .semume = SEM_SEMUME,
        .semusz = SEM_SEMUSZ,
        .semvmx = IPC_SEMVMX,
        .semaem = SEM_SEMAEM,
    };
    int nsets, nsems;
    long ret;

    pthread_mutex_lock(&t->k->mu);
    ret = max_idx_locked(ipc_ns_of(t), &nsets, &nsems);
    pthread_mutex_unlock(&t->k->mu);
    if (cmd == SEM_INFO) {
        info.semusz = nsets;
        info.semaem = nsems;
    }
    if (task_copy_out(t, arg, &info, sizeof(info)) < 0)
        return -EFAULT;
    return ret;
}

/* GETALL and SETALL: the array is copied without the lock, then the set is looked up again. */
static long sem_all(struct task *t, int semid, int cmd, uint64_t arg)
{
    struct kernel *k = t->k;
    unsigned short *vals = NULL;
    struct sem_set *s;
    int nsems;
    long ret = 0;

    pthread_mutex_lock(&k->mu);
    s = find_locked(ipc_ns_of(t), semid);
    if (s == NULL) {
        pthread_mutex_unlock(&k->mu);
        return -EINVAL;
    }
    if (!ipc_may_access(t, &s->o, cmd == GETALL ? 0444 : 0222)) {
        pthread_mutex_unlock(&k->mu);
        return -EACCES;
    }
    nsems = s->nsems;
    pthread_mutex_unlock(&k->mu);
    vals = calloc((size_t)nsems, sizeof(*vals));
    if (vals == NULL)
        return -ENOMEM;
    if (cmd == SETALL) {
        if (task_copy_in(t, vals, arg, (size_t)nsems * sizeof(*vals)) < 0) {
            ret = -EFAULT;
            goto out;
        }
        for (int i = 0; i < nsems; i++) {
            if (vals[i] > IPC_SEMVMX) {
                ret = -ERANGE;
                goto out;
            }
        }
    }
    pthread_mutex_lock(&k->mu);
    s = find_locked(ipc_ns_of(t), semid);
    if (s == NULL || s->nsems != nsems) {
        pthread_mutex_unlock(&k->mu);
        ret = -EIDRM;
        goto out;
    }
    for (int i = 0; i < nsems; i++) {
        if (cmd == GETALL) {
            vals[i] = (unsigned short)s->sems[i].val;
        } else {
            s->sems[i].val = vals[i];
            s->sems[i].pid = t->tg->pid;
        }
    }
    if (cmd == SETALL) {
        clear_adj_locked(semid, -1);
        s->ctime = ipc_now();
        wake_all_locked(s);
    }
    pthread_mutex_unlock(&k->mu);
    if (cmd == GETALL && task_copy_out(t, arg, vals, (size_t)nsems * sizeof(*vals)) < 0)
        ret = -EFAULT;
out:
    free(vals);
    return ret;
}

long ipc_sem_ctl(struct task *t, int semid, int semnum, int cmd, uint64_t arg)
{
    struct kernel *k = t->k;
    struct semid_ds ds;
    struct sem_set *s;
    long ret = 0;

    cmd &= ~IPC_CMD_64;
    switch (cmd) {
    case IPC_INFO:
    case SEM_INFO:
        return sem_info(t, cmd, arg);
    case GETALL:
    case SETALL:
        return sem_all(t, semid, cmd, arg);
    case IPC_SET:
        if (task_copy_in(t, &ds, arg, sizeof(ds)) < 0)
            return -EFAULT;
        break;
    case SEM_STAT:
    case SEM_STAT_ANY:
    case IPC_STAT:
    case GETVAL:
    case GETPID:
    case GETNCNT:
    case GETZCNT:
    case SETVAL:
    case IPC_RMID:
        break;
    default:
        return -EINVAL;
    }
    if (semid < 0)
        return -EINVAL;
    pthread_mutex_lock(&k->mu);
    if (cmd == SEM_STAT || cmd == SEM_STAT_ANY) {
        /* These take an index, not an id, and return the id. */
        s = semid < IPC_SEMMNI ? g_sets[semid] : NULL;
        if (s != NULL && s->ns != ipc_ns_of(t))
            s = NULL;
    } else {
        s = find_locked(ipc_ns_of(t), semid);
    }
    if (s == NULL) {
        ret = -EINVAL;
        goto out;
    }
    switch (cmd) {
    case SEM_STAT:
    case IPC_STAT:
        if (!ipc_may_access(t, &s->o, 0444)) {
            ret = -EACCES;
            goto out;
        }
        /* fallthrough */
    case SEM_STAT_ANY:
        stat_locked(s, &ds);
        ret = cmd == IPC_STAT ? 0 : s->o.id;
        goto out;
    case IPC_SET:
    case IPC_RMID:
        if (!ipc_may_change(t, &s->o)) {
            ret = -EPERM;
            goto out;
        }
        if (cmd == IPC_RMID) {
            remove_locked(s);
        } else {
            ipc_owner_set(&s->o, &ds.sem_perm);
            s->ctime = ipc_now();
        }
        goto out;
    default:
        break;
    }
    if (semnum < 0 || semnum >= s->nsems) {
        ret = -EINVAL;
        goto out;
    }
    if (!ipc_may_access(t, &s->o, cmd == SETVAL ? 0222 : 0444)) {
        ret = -EACCES;
        goto out;
    }
    switch (cmd) {
    case GETVAL:
        ret = s->sems[semnum].val;
        break;
    case GETPID:
        ret = task_pid_vnr_locked(t, s->sems[semnum].pid);
        break;
    case GETNCNT:
        ret = count_waiters_locked(s, semnum, /*zero=*/false);
        break;
    case GETZCNT:
        ret = count_waiters_locked(s, semnum, /*zero=*/true);
        break;
    case SETVAL: {
        /* The union semun arrives by value: its int is the low half. */
        int val = (int)(uint32_t)arg;

        if (val < 0 || val > IPC_SEMVMX) {
            ret = -ERANGE;
            break;
        }
        clear_adj_locked(semid, semnum);
        s->sems[semnum].val = val;
        s->sems[semnum].pid = t->tg->pid;
        s->ctime = ipc_now();
        wake_all_locked(s);
        break;
    }
    }
out:
    pthread_mutex_unlock(&k->mu);
    if (ret >= 0 && (cmd == IPC_STAT || cmd == SEM_STAT || cmd == SEM_STAT_ANY) &&
        task_copy_out(t, arg, &ds, sizeof(ds)) < 0)
        return -EFAULT;
    return ret;
}

void ipc_sem_ns_gone_locked(const struct ipc_ns *ns)
{
    for (int i = 0; i < IPC_SEMMNI; i++) {
        if (g_sets[i] != NULL && g_sets[i]->ns == ns)
            remove_locked(g_sets[i]);
    }
}

void ipc_sem_proc_show(struct kernel *k, FILE *out)
{
    const struct ipc_ns *ns = ipc_ns_current();

    fputs("       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n",
          out);
    pthread_mutex_lock(&k->mu);
    for (int i = 0; i < IPC_SEMMNI; i++) {
        const struct sem_set *s = g_sets[i];

        if (s == NULL || s->ns != ns)
            continue;
        fprintf(out, "%10d %10d  %4o %10u %5u %5u %5u %5u %10llu %10llu\n", s->o.key, s->o.id,
                s->o.mode & 0777, (unsigned int)s->nsems, s->o.uid, s->o.gid, s->o.cuid, s->o.cgid,
                (unsigned long long)s->otime, (unsigned long long)s->ctime);
    }
    pthread_mutex_unlock(&k->mu);
}

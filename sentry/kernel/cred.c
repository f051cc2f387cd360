/* SPDX-License-Identifier: Apache-2.0 */
/* Task credentials: ids, groups, capability sets and their transitions on exec and signals. */
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/kernel.h"

void kernel_cred_init_root(struct kernel_cred *c)
{
    memset(c, 0, sizeof(*c));
    c->cap_permitted = KERNEL_CAP_FULL;
    c->cap_effective = KERNEL_CAP_FULL;
    c->cap_bounding = KERNEL_CAP_FULL;
}

bool kernel_cred_capable(const struct kernel_cred *c, int cap)
{
    if (cap < 0 || cap > KERNEL_CAP_LAST_CAP)
        return false;
    return (c->cap_effective >> cap) & 1;
}

bool task_capable(const struct task *t, int cap)
{
    return kernel_cred_capable(&t->cred, cap);
}

void kernel_task_cred_exec(struct task *t)
{
    struct kernel_cred c = t->cred;
    bool root = (c.uid == 0 || c.euid == 0) && !(c.securebits & SECBIT_NOROOT);
    bool effective = false;

    /* No set-user-ID: saved and fs ids follow the effective ones. */
    c.suid = c.fsuid = c.euid;
    c.sgid = c.fsgid = c.egid;
    /* Linux's cap_bprm_creds_from_file without file capabilities. */
    c.cap_permitted = 0;
    if (root) {
        c.cap_permitted = c.cap_bounding | c.cap_inheritable;
        effective = c.euid == 0;
    }
    c.cap_permitted |= c.cap_ambient;
    c.cap_effective = effective ? c.cap_permitted : c.cap_ambient;
    c.securebits &= ~(unsigned int)SECBIT_KEEP_CAPS;
    pthread_mutex_lock(&t->k->mu);
    t->cred = c;
    pthread_mutex_unlock(&t->k->mu);
}

bool kernel_may_signal_locked(const struct task *sender, const struct task *target, int sig)
{
    const struct kernel_cred *s = &sender->cred, *d = &target->cred;

    if (sender->tg == target->tg)
        return true;
    if (s->euid == d->suid || s->euid == d->uid || s->uid == d->suid || s->uid == d->uid)
        return true;
    if (kernel_cred_capable(s, CAP_KILL))
        return true;
    /* SIGCONT within a session is always allowed (Linux's check_kill_permission). */
    return sig == SIGCONT && sender->tg->sid == target->tg->sid;
}

bool kernel_may_signal_tg_locked(const struct task *sender, const struct thread_group *tg, int sig)
{
    const struct task *target = tg->leader;

    if (target == NULL && !klist_empty(&tg->tasks))
        target = klist_entry(tg->tasks.next, struct task, tg_node);
    /* A process with no task left (a zombie) has nothing to check against: Linux allows. */
    if (target == NULL)
        return true;
    return kernel_may_signal_locked(sender, target, sig);
}

static int cmp_gid(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* Sorts `n` groups into `c` (Linux keeps them sorted for groups_search). */
void kernel_cred_set_groups(struct kernel_cred *c, const uint32_t *groups, size_t n)
{
    memcpy(c->groups, groups, n * sizeof(*groups));
    c->ngroups = (uint32_t)n;
    qsort(c->groups, n, sizeof(*c->groups), cmp_gid);
}

long kernel_task_set_creds(struct task *t, const struct kernel_creds_spec *s)
{
    struct kernel_cred c;

    if (s->ngroups > KERNEL_NGROUPS_MAX)
        return -EINVAL;
    memset(&c, 0, sizeof(c));
    c.uid = c.euid = c.suid = c.fsuid = s->uid;
    c.gid = c.egid = c.sgid = c.fsgid = s->gid;
    kernel_cred_set_groups(&c, s->groups, s->ngroups);
    c.cap_bounding = s->bounding & KERNEL_CAP_FULL;
    c.cap_permitted = s->permitted & KERNEL_CAP_FULL;
    c.cap_effective = s->effective & c.cap_permitted;
    c.cap_inheritable = s->inheritable & KERNEL_CAP_FULL;
    c.cap_ambient = s->ambient & c.cap_permitted & c.cap_inheritable;
    pthread_mutex_lock(&t->k->mu);
    t->cred = c;
    if (s->no_new_privs)
        t->no_new_privs = true;
    pthread_mutex_unlock(&t->k->mu);
    return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* IPC helpers shared by semaphores, message queues and POSIX queues: ids and permissions. */
#include <linux/capability.h>
#include <stdint.h>
#include <string.h>
#include <sys/ipc.h>
#include <time.h>

#include "sentry/ipc/ipc_internal.h"
#include "sentry/kernel/kernel.h"

time_t ipc_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec;
}

int ipc_make_id(int idx, unsigned int *seq)
{
    int id = (int)(*seq * IPC_SEQ_MULTIPLIER + (unsigned int)idx);

    *seq = (*seq + 1) % (INT32_MAX / IPC_SEQ_MULTIPLIER);
    return id;
}

int ipc_id_slot(int id, size_t n)
{
    if (id < 0)
        return -1;
    return (int)((unsigned int)id % IPC_SEQ_MULTIPLIER % n);
}

void ipc_owner_init(struct ipc_owner *o, const struct task *t, int32_t key, int id, int flags)
{
    o->key = key;
    o->id = id;
    o->uid = o->cuid = t->cred.euid;
    o->gid = o->cgid = t->cred.egid;
    o->mode = (unsigned int)flags & 0777;
}

static bool in_group(const struct task *t, uint32_t gid)
{
    if (t->cred.egid == gid)
        return true;
    for (uint32_t i = 0; i < t->cred.ngroups; i++) {
        if (t->cred.groups[i] == gid)
            return true;
    }
    return false;
}

bool ipc_may_access(const struct task *t, const struct ipc_owner *o, int flag)
{
    unsigned int requested =
        ((unsigned int)flag >> 6 | (unsigned int)flag >> 3 | (unsigned int)flag) & 7;
    unsigned int granted = o->mode;

    if (t->cred.euid == o->cuid || t->cred.euid == o->uid)
        granted >>= 6;
    else if (in_group(t, o->cgid) || in_group(t, o->gid))
        granted >>= 3;
    if ((requested & ~granted & 7) == 0)
        return true;
    return task_capable(t, CAP_IPC_OWNER);
}

bool ipc_may_change(const struct task *t, const struct ipc_owner *o)
{
    return t->cred.euid == o->cuid || t->cred.euid == o->uid || task_capable(t, CAP_SYS_ADMIN);
}

void ipc_owner_to_perm(const struct ipc_owner *o, struct ipc_perm *p)
{
    memset(p, 0, sizeof(*p));
    p->__key = o->key;
    p->uid = o->uid;
    p->gid = o->gid;
    p->cuid = o->cuid;
    p->cgid = o->cgid;
    p->mode = (unsigned short)(o->mode & 0xffff);
    p->__seq = (unsigned short)(o->id / IPC_SEQ_MULTIPLIER);
}

void ipc_owner_set(struct ipc_owner *o, const struct ipc_perm *p)
{
    o->uid = p->uid;
    o->gid = p->gid;
    o->mode = (o->mode & ~0777u) | (p->mode & 0777u);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* IPC namespaces: their references, and the removal of their objects when the last goes. */
#include <stdlib.h>

#include "sentry/ipc/ipc.h"
#include "sentry/ipc/ipc_internal.h"
#include "sentry/kernel/kernel.h"

struct ipc_ns *ipc_ns_new(void)
{
    struct ipc_ns *ns = calloc(1, sizeof(*ns));

    if (ns != NULL)
        ns->refs = 1;
    return ns;
}

struct ipc_ns *get_ipc_ns(struct ipc_ns *ns)
{
    if (ns != NULL)
        __atomic_add_fetch(&ns->refs, 1, __ATOMIC_RELAXED);
    return ns;
}

void put_ipc_ns_locked(struct ipc_ns *ns)
{
    if (ns == NULL || __atomic_sub_fetch(&ns->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    /* Linux's free_ipcs: every object of the namespace goes with it. */
    ipc_sem_ns_gone_locked(ns);
    ipc_msg_ns_gone_locked(ns);
    ipc_shm_ns_gone(ns);
    ipc_mq_ns_gone(ns);
    free(ns);
}

const struct ipc_ns *ipc_ns_of(const struct task *t)
{
    return t->tg->ipcns;
}

const struct ipc_ns *ipc_ns_current(void)
{
    struct task *t = g_kernel_current_task;

    return t != NULL && t->tg != NULL ? t->tg->ipcns : NULL;
}

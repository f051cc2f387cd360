/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's pids limit, enforced by the sentry as Linux's pids cgroup
 * enforces pids.max (gVisor's sentry does the same): the host cgroup of the
 * sandbox cannot, because each app task costs the host a stub thread and a
 * sentry thread, and the sentry's own threads count against it too.
 *
 * Like the pids cgroup, every task counts from its clone until it is gone,
 * and a process that died counts (one) until it is reaped. The count is
 * taken over the kernel's task and process lists when a clone asks (only
 * with a limit set), so nothing on the exit paths keeps it.
 */
#include <errno.h>
#include <stdlib.h>

#include "sentry/kernel/kernel_internal.h"

struct kernel_pids *kernel_pids_new(int64_t max)
{
    struct kernel_pids *p = calloc(1, sizeof(*p));

    if (p == NULL)
        return NULL;
    p->refs = 1;
    p->max = max;
    return p;
}

struct kernel_pids *get_kernel_pids_locked(struct kernel_pids *p)
{
    if (p != NULL)
        p->refs++;
    return p;
}

void put_kernel_pids_locked(struct kernel_pids *p)
{
    if (p != NULL && --p->refs == 0)
        free(p);
}

/* The count, stopping early once it reaches `stop` (<= 0: never). */
static int64_t count_locked(struct kernel *k, const struct kernel_pids *p, int64_t stop)
{
    int64_t n = p->extra;
    struct klist *pos;

    klist_for_each(pos, &k->tasks)
    {
        const struct task *t = klist_entry(pos, struct task, k_node);

        if (t->tg != NULL && t->tg->pids == p && ++n == stop)
            return n;
    }
    klist_for_each(pos, &k->tgs)
    {
        const struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);

        if (tg->zombie && tg->pids == p && ++n == stop)
            return n;
    }
    return n;
}

int64_t kernel_pids_current_locked(struct kernel *k, const struct kernel_pids *p)
{
    return p != NULL ? count_locked(k, p, /*stop=*/0) : 0;
}

long kernel_pids_charge_locked(struct kernel *k, struct kernel_pids *p)
{
    if (p == NULL)
        return 0;
    if (p->max > 0 && count_locked(k, p, p->max) >= p->max)
        return -EAGAIN;
    p->extra++;
    return 0;
}

void kernel_pids_uncharge_locked(struct kernel_pids *p)
{
    if (p != NULL)
        p->extra--;
}

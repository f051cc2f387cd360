/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for a container's pids accounting (sentry/kernel/pids.c): what counts, the limit. */
#include <errno.h>
#include <string.h>

#include "sentry/kernel/kernel.h"
#include "tests/unit/tap.h"

static struct kernel g_k;

/* A process of `pids` with `ntasks` live tasks (0 with `zombie`: it died, not yet reaped). */
static void add_process(struct thread_group *tg, struct task *tasks, int ntasks,
                        struct kernel_pids *pids, bool zombie)
{
    memset(tg, 0, sizeof(*tg));
    tg->k = &g_k;
    tg->pids = pids;
    tg->zombie = zombie;
    klist_init(&tg->k_node);
    klist_add_tail(&g_k.tgs, &tg->k_node);
    for (int i = 0; i < ntasks; i++) {
        memset(&tasks[i], 0, sizeof(tasks[i]));
        tasks[i].k = &g_k;
        tasks[i].tg = tg;
        klist_init(&tasks[i].k_node);
        klist_add_tail(&g_k.tasks, &tasks[i].k_node);
    }
}

int main(void)
{
    struct kernel_pids *a = kernel_pids_new(6), *b = kernel_pids_new(0);
    struct thread_group tg[5];
    struct task t[8];

    klist_init(&g_k.tasks);
    klist_init(&g_k.tgs);
    tap_ok(a != NULL && b != NULL && a->refs == 1 && a->max == 6 && a->extra == 0,
           "new: one reference, the limit, nothing under way");
    tap_ok(kernel_pids_current_locked(&g_k, a) == 0, "an empty container counts 0");

    /* Container a: a process of 3 threads and a zombie; container b: 2 processes. */
    add_process(&tg[0], &t[0], 3, a, false);
    add_process(&tg[1], NULL, 0, a, true);
    add_process(&tg[2], &t[3], 1, b, false);
    add_process(&tg[3], &t[4], 2, b, false);
    /* A process of no container (runsc-c do): counted nowhere. */
    add_process(&tg[4], &t[6], 2, NULL, false);
    tap_ok(kernel_pids_current_locked(&g_k, a) == 4,
           "threads count, and a zombie counts until reaped (%lld)",
           (long long)kernel_pids_current_locked(&g_k, a));
    tap_ok(kernel_pids_current_locked(&g_k, b) == 3, "another container's tasks are its own");
    tap_ok(kernel_pids_current_locked(&g_k, NULL) == 0, "no accounting counts 0");

    tap_ok(kernel_pids_charge_locked(&g_k, a) == 0 && a->extra == 1, "4 of 6: a clone may go");
    tap_ok(kernel_pids_current_locked(&g_k, a) == 5, "a clone under way counts");
    tap_ok(kernel_pids_charge_locked(&g_k, a) == 0, "5 of 6: one more may go");
    tap_ok(kernel_pids_charge_locked(&g_k, a) == -EAGAIN && a->extra == 2,
           "6 of 6: EAGAIN, nothing charged");
    kernel_pids_uncharge_locked(a);
    tap_ok(kernel_pids_charge_locked(&g_k, a) == 0, "a failed clone gives its place back");
    kernel_pids_uncharge_locked(a);
    kernel_pids_uncharge_locked(a);
    a->max = 4;
    tap_ok(kernel_pids_charge_locked(&g_k, a) == -EAGAIN, "a lowered limit: tasks past it stay, "
                                                          "clones fail");
    a->max = 0;
    tap_ok(kernel_pids_charge_locked(&g_k, a) == 0, "no limit: every clone goes (and counts)");
    kernel_pids_uncharge_locked(a);
    {
        int refused = 0;

        for (int i = 0; i < 100; i++)
            refused += kernel_pids_charge_locked(&g_k, b) != 0;
        tap_ok(refused == 0 && kernel_pids_current_locked(&g_k, b) == 103,
               "unlimited: 100 clones under way, all counted");
    }
    tap_ok(kernel_pids_charge_locked(&g_k, NULL) == 0, "no accounting: nothing to charge");
    kernel_pids_uncharge_locked(NULL);

    tap_ok(get_kernel_pids_locked(a) == a && a->refs == 2, "get takes a reference");
    put_kernel_pids_locked(a);
    tap_ok(a->refs == 1, "put drops it");
    put_kernel_pids_locked(a);
    put_kernel_pids_locked(b);
    put_kernel_pids_locked(NULL);
    tap_ok(get_kernel_pids_locked(NULL) == NULL, "NULL is fine");
    return tap_done();
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Memory syscalls: thin wrappers over sentry/mm, which validates like Linux. */
#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls_internal.h"

long sys_brk(struct task *t, const struct sys_args *a)
{
    return mm_brk(t->mm, a->a[0]);
}

long sys_mmap(struct task *t, const struct sys_args *a)
{
    return mm_mmap(t->mm, a->a[0], a->a[1], (int)a->a[2], (int)a->a[3], (int)a->a[4],
                   (off_t)a->a[5]);
}

long sys_munmap(struct task *t, const struct sys_args *a)
{
    return mm_munmap(t->mm, a->a[0], a->a[1]);
}

long sys_mprotect(struct task *t, const struct sys_args *a)
{
    return mm_mprotect(t->mm, a->a[0], a->a[1], (int)a->a[2]);
}

long sys_mremap(struct task *t, const struct sys_args *a)
{
    return mm_mremap(t->mm, a->a[0], a->a[1], a->a[2], (int)a->a[3], a->a[4]);
}

long sys_madvise(struct task *t, const struct sys_args *a)
{
    return mm_madvise(t->mm, a->a[0], a->a[1], (int)a->a[2]);
}

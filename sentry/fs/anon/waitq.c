/* SPDX-License-Identifier: Apache-2.0 */
/* The readiness wait shared by poll, select, epoll and the anonymous files. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <time.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/fs/anon/anon_internal.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"

struct anon_waiter {
    struct klist node;
    struct task *t; /* Not owned. */
};

/* Sleepers (struct anon_waiter.node); Protected by the kernel's mu of `g_wait_kernel`. */
static struct klist g_waiters = { &g_waiters, &g_waiters };
/* The kernel of the first sleeper: a sentry serves one kernel. */
static struct kernel *g_wait_kernel;
static uint64_t g_wait_gen;

uint64_t anon_wait_gen(void)
{
    return __atomic_load_n(&g_wait_gen, __ATOMIC_ACQUIRE);
}

static bool is_before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

long anon_wait(struct task *t, uint64_t gen, const struct timespec *deadline)
{
    struct anon_waiter w = { .t = t };
    struct timespec slice, rel = { 0, ANON_WAIT_SLICE_MS * 1000000L };
    bool sliced = true;
    long ret;

    kernel_deadline_from_now(&rel, &slice);
    if (deadline != NULL && !is_before(&slice, deadline)) {
        slice = *deadline;
        sliced = false;
    }
    pthread_mutex_lock(&t->k->mu);
    if (g_wait_kernel == NULL)
        __atomic_store_n(&g_wait_kernel, t->k, __ATOMIC_RELEASE);
    if (anon_wait_gen() != gen) {
        pthread_mutex_unlock(&t->k->mu);
        return 0;
    }
    klist_add_tail(&g_waiters, &w.node);
    ret = task_block_locked(t, &slice);
    klist_del(&w.node);
    pthread_mutex_unlock(&t->k->mu);
    if (ret == -ETIMEDOUT && sliced)
        ret = 0;
    return ret;
}

void anon_notify(void)
{
    struct kernel *k = __atomic_load_n(&g_wait_kernel, __ATOMIC_ACQUIRE);
    struct klist *pos;

    __atomic_add_fetch(&g_wait_gen, 1, __ATOMIC_ACQ_REL);
    if (k == NULL)
        return;
    pthread_mutex_lock(&k->mu);
    klist_for_each(pos, &g_waiters)
    {
        pthread_cond_signal(&klist_entry(pos, struct anon_waiter, node)->t->wake);
    }
    pthread_mutex_unlock(&k->mu);
}

unsigned int anon_file_poll(struct file *f)
{
    if (f->ops->poll != NULL)
        return f->ops->poll(f);
    return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

void anon_sigmask_begin(struct task *t, uint64_t mask)
{
    pthread_mutex_lock(&t->k->mu);
    t->saved_sigmask = t->sigmask;
    t->has_saved_sigmask = true;
    pthread_mutex_unlock(&t->k->mu);
    task_set_sigmask(t, mask);
}

void anon_sigmask_end(struct task *t, bool interrupted)
{
    uint64_t mask;

    if (interrupted)
        return; /* signal delivery puts the old mask back (after the handler, if any) */
    pthread_mutex_lock(&t->k->mu);
    mask = t->saved_sigmask;
    t->has_saved_sigmask = false;
    pthread_mutex_unlock(&t->k->mu);
    task_set_sigmask(t, mask);
}

long anon_noop_lseek(struct file *f, int64_t off, int whence)
{
    (void)f;
    (void)off;
    (void)whence;
    return 0;
}

void anon_file_fdinfo(struct file *f, FILE *out)
{
    if (is_eventfd_file(f))
        eventfd_file_fdinfo(f, out);
    else if (is_timerfd_file(f))
        timerfd_file_fdinfo(f, out);
    else if (is_signalfd_file(f))
        signalfd_file_fdinfo(f, out);
    else if (is_epoll_file(f))
        epoll_file_fdinfo(f, out);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* epoll_create(1), epoll_ctl, epoll_wait, epoll_pwait and epoll_pwait2. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/syscalls/syscalls_internal.h"

/* Linux caps one wait's events at INT_MAX / sizeof(struct epoll_event). */
#define EP_MAX_EVENTS (INT_MAX / (int)sizeof(struct epoll_event))

static long do_create(struct task *t, int flags)
{
    struct file *f;
    long ret;

    if (flags & ~EPOLL_CLOEXEC)
        return -EINVAL;
    f = epoll_file_new(flags);
    if (f == NULL)
        return -ENOMEM;
    ret = fd_table_install(t->fdt, f, 0, (flags & EPOLL_CLOEXEC) != 0, task_nofile_limit(t));
    put_file(f);
    return ret;
}

long sys_epoll_create(struct task *t, const struct sys_args *a)
{
    if ((int)a->a[0] <= 0)
        return -EINVAL;
    return do_create(t, 0);
}

long sys_epoll_create1(struct task *t, const struct sys_args *a)
{
    return do_create(t, (int)a->a[0]);
}

long sys_epoll_ctl(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *ep = NULL;
    cleanup_file_ref struct file *target = NULL;
    int op = (int)a->a[1], fd = (int)a->a[2];
    struct epoll_event ev = { 0, { 0 } };
    long ret;

    if (op != EPOLL_CTL_DEL) {
        ret = task_copy_in(t, &ev, a->a[3], sizeof(ev));
        if (ret < 0)
            return ret;
    }
    ep = fd_table_get(t->fdt, (int)a->a[0]);
    target = fd_table_get(t->fdt, fd);
    if (ep == NULL || target == NULL)
        return -EBADF;
    if (!is_epoll_file(ep))
        return -EINVAL;
    if (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL)
        return -EINVAL;
    return epoll_file_ctl(ep, t, op, fd, target, ev.events, ev.data.u64);
}

/* The body of the waits: `deadline` NULL blocks, `poll_only` returns at once. */
static long do_wait(struct task *t, int epfd, uint64_t addr, int max,
                    const struct timespec *deadline, bool poll_only)
{
    cleanup_file_ref struct file *ep = NULL;
    cleanup_free struct epoll_event *out = NULL;
    long ret;
    int n;

    if (max <= 0 || max > EP_MAX_EVENTS)
        return -EINVAL;
    ep = fd_table_get(t->fdt, epfd);
    if (ep == NULL)
        return -EBADF;
    if (!is_epoll_file(ep))
        return -EINVAL;
    if (max > 1024)
        max = 1024; /* the rest stays ready for the next call */
    out = calloc((size_t)max, sizeof(*out));
    if (out == NULL)
        return -ENOMEM;
    for (;;) {
        uint64_t gen = anon_wait_gen();

        g_pipe_current_task = t;
        n = epoll_file_collect(ep, t, out, max);
        g_pipe_current_task = NULL;
        if (n > 0 || poll_only)
            break;
        ret = anon_wait(t, gen, deadline);
        if (ret == -ETIMEDOUT)
            break;
        if (ret == -EINTR)
            return -EINTR;
    }
    if (n > 0 && (ret = task_copy_out(t, addr, out, (size_t)n * sizeof(*out))) < 0)
        return ret;
    return n;
}

static long wait_ms(struct task *t, const struct sys_args *a, int timeout)
{
    struct timespec rel, deadline;

    if (timeout < 0)
        return do_wait(t, (int)a->a[0], a->a[1], (int)a->a[2], NULL, false);
    rel.tv_sec = timeout / 1000;
    rel.tv_nsec = (long)(timeout % 1000) * 1000000L;
    kernel_deadline_from_now(&rel, &deadline);
    return do_wait(t, (int)a->a[0], a->a[1], (int)a->a[2], &deadline, timeout == 0);
}

long sys_epoll_wait(struct task *t, const struct sys_args *a)
{
    return wait_ms(t, a, (int)a->a[3]);
}

/* Runs `wait` with the sigmask at `a->a[4]` (size `a->a[5]`) blocked, when given. */
static long with_sigmask(struct task *t, const struct sys_args *a, long ret_if_no_wait,
                         bool *masked)
{
    uint64_t mask;
    long ret;

    *masked = false;
    if (a->a[4] == 0)
        return ret_if_no_wait;
    if (a->a[5] != sizeof(uint64_t))
        return -EINVAL;
    ret = task_copy_in(t, &mask, a->a[4], sizeof(mask));
    if (ret < 0)
        return ret;
    anon_sigmask_begin(t, mask);
    *masked = true;
    return 0;
}

long sys_epoll_pwait(struct task *t, const struct sys_args *a)
{
    bool masked;
    long ret = with_sigmask(t, a, 0, &masked);

    if (ret < 0)
        return ret;
    ret = wait_ms(t, a, (int)a->a[3]);
    if (masked)
        anon_sigmask_end(t, ret == -EINTR);
    return ret;
}

long sys_epoll_pwait2(struct task *t, const struct sys_args *a)
{
    struct timespec rel, deadline;
    bool masked, timed = a->a[3] != 0, zero = false;
    long ret;

    if (timed) {
        ret = task_copy_in(t, &rel, a->a[3], sizeof(rel));
        if (ret < 0)
            return ret;
        if (rel.tv_sec < 0 || rel.tv_nsec < 0 || rel.tv_nsec >= 1000000000L)
            return -EINVAL;
        zero = rel.tv_sec == 0 && rel.tv_nsec == 0;
        kernel_deadline_from_now(&rel, &deadline);
    }
    ret = with_sigmask(t, a, 0, &masked);
    if (ret < 0)
        return ret;
    ret = do_wait(t, (int)a->a[0], a->a[1], (int)a->a[2], timed ? &deadline : NULL, zero);
    if (masked)
        anon_sigmask_end(t, ret == -EINTR);
    return ret;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* poll(2), ppoll(2), select(2) and pselect6(2) over the files' poll ops. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/syscalls/syscalls_internal.h"

#define NSEC 1000000000L

/* Turns a relative timeout into a monotonic deadline; false for a malformed one. */
static bool deadline_of(const struct timespec *rel, struct timespec *abs)
{
    if (rel->tv_sec < 0 || rel->tv_nsec < 0 || rel->tv_nsec >= NSEC)
        return false;
    kernel_deadline_from_now(rel, abs);
    return true;
}

/* The time left until `deadline` (0 once it passed). */
static struct timespec time_left(const struct timespec *deadline)
{
    struct timespec now, rem;

    clock_gettime(CLOCK_MONOTONIC, &now);
    rem.tv_sec = deadline->tv_sec - now.tv_sec;
    rem.tv_nsec = deadline->tv_nsec - now.tv_nsec;
    if (rem.tv_nsec < 0) {
        rem.tv_sec--;
        rem.tv_nsec += NSEC;
    }
    if (rem.tv_sec < 0)
        rem.tv_sec = rem.tv_nsec = 0;
    return rem;
}

/* Fills the revents of `fds`; returns how many have some. */
static int scan_pollfds(struct task *t, struct pollfd *fds, unsigned int nfds)
{
    int n = 0;

    g_pipe_current_task = t;
    for (unsigned int i = 0; i < nfds; i++) {
        struct file *f;

        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;
        f = fd_table_get(t->fdt, fds[i].fd);
        if (f == NULL) {
            fds[i].revents = POLLNVAL;
        } else {
            fds[i].revents =
                (short)(anon_file_poll(f) & ((unsigned short)fds[i].events | POLLERR | POLLHUP));
            put_file(f);
        }
        if (fds[i].revents != 0)
            n++;
    }
    g_pipe_current_task = NULL;
    return n;
}

/* The body of poll and ppoll. `deadline` NULL: no timeout. Returns the count or -Exxx. */
static long do_poll(struct task *t, uint64_t addr, unsigned int nfds,
                    const struct timespec *deadline)
{
    cleanup_free struct pollfd *fds = NULL;
    long ret;
    int n;

    if (nfds > task_nofile_limit(t))
        return -EINVAL;
    if (nfds > 0) {
        fds = malloc(nfds * sizeof(*fds));
        if (fds == NULL)
            return -ENOMEM;
        ret = task_copy_in(t, fds, addr, nfds * sizeof(*fds));
        if (ret < 0)
            return ret;
    }
    for (;;) {
        uint64_t gen = anon_wait_gen();

        n = scan_pollfds(t, fds, nfds);
        if (n > 0)
            break;
        ret = anon_wait(t, gen, deadline);
        if (ret == -ETIMEDOUT)
            break;
        if (ret == -EINTR)
            return -ERESTARTNOHAND;
    }
    for (unsigned int i = 0; i < nfds; i++) {
        ret = task_copy_out(t, addr + i * sizeof(*fds) + offsetof(struct pollfd, revents),
                            &fds[i].revents, sizeof(fds[i].revents));
        if (ret < 0)
            return ret;
    }
    return n;
}

long sys_poll(struct task *t, const struct sys_args *a)
{
    int timeout = (int)a->a[2];
    struct timespec rel, deadline;

    if (timeout < 0)
        return do_poll(t, a->a[0], (unsigned int)a->a[1], NULL);
    rel.tv_sec = timeout / 1000;
    rel.tv_nsec = (long)(timeout % 1000) * 1000000L;
    kernel_deadline_from_now(&rel, &deadline);
    return do_poll(t, a->a[0], (unsigned int)a->a[1], &deadline);
}

/* Copies in the sigmask argument of ppoll / pselect6 / epoll_pwait (0: none). */
static long copy_in_sigmask(struct task *t, uint64_t addr, uint64_t size, uint64_t *mask)
{
    if (size != sizeof(uint64_t))
        return -EINVAL;
    return task_copy_in(t, mask, addr, sizeof(*mask));
}

long sys_ppoll(struct task *t, const struct sys_args *a)
{
    struct timespec rel, deadline, rem;
    uint64_t mask;
    bool timed = a->a[2] != 0;
    long ret;

    if (timed) {
        ret = task_copy_in(t, &rel, a->a[2], sizeof(rel));
        if (ret < 0)
            return ret;
        if (!deadline_of(&rel, &deadline))
            return -EINVAL;
    }
    if (a->a[3] != 0) {
        ret = copy_in_sigmask(t, a->a[3], a->a[4], &mask);
        if (ret < 0)
            return ret;
        anon_sigmask_begin(t, mask);
    }
    ret = do_poll(t, a->a[0], (unsigned int)a->a[1], timed ? &deadline : NULL);
    if (a->a[3] != 0)
        anon_sigmask_end(t, ret == -ERESTARTNOHAND);
    if (timed) {
        rem = time_left(&deadline);
        task_copy_out(t, a->a[2], &rem, sizeof(rem)); /* Linux ignores a fault here */
    }
    return ret;
}

#define BITS_PER_WORD 64

/* Readiness each select set stands for (Linux's POLLIN_SET, POLLOUT_SET, POLLEX_SET). */
#define SELECT_IN  (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SELECT_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define SELECT_EX  (POLLPRI)

/* The body of select and pselect6: `sets` are the in/out/ex app addresses (0: none). */
static long do_select(struct task *t, int n, const uint64_t sets[3],
                      const struct timespec *deadline)
{
    cleanup_free uint64_t *in = NULL;
    cleanup_free uint64_t *res = NULL;
    static const unsigned int want[3] = { SELECT_IN, SELECT_OUT, SELECT_EX };
    size_t words, bytes;
    long ret;
    int count, maxfd;

    if (n < 0)
        return -EINVAL;
    /* Bits past the size of the fd table (64 slots, doubled as it grows) are ignored. */
    maxfd = BITS_PER_WORD;
    while (maxfd < fd_table_max_fd(t->fdt))
        maxfd *= 2;
    if (n > maxfd)
        n = maxfd;
    words = ((size_t)n + BITS_PER_WORD - 1) / BITS_PER_WORD;
    bytes = words * sizeof(uint64_t);
    in = calloc(3 * words + 1, sizeof(uint64_t));
    res = calloc(3 * words + 1, sizeof(uint64_t));
    if (in == NULL || res == NULL)
        return -ENOMEM;
    for (int s = 0; s < 3; s++) {
        if (sets[s] != 0 && bytes > 0 &&
            (ret = task_copy_in(t, in + s * words, sets[s], bytes)) < 0)
            return ret;
    }
    /* Every fd in a set must be open. */
    for (int fd = 0; fd < n; fd++) {
        uint64_t bit = 1ULL << (fd % BITS_PER_WORD);
        size_t w = (size_t)fd / BITS_PER_WORD;
        struct file *f;

        if (!((in[w] | in[words + w] | in[2 * words + w]) & bit))
            continue;
        f = fd_table_get(t->fdt, fd);
        if (f == NULL)
            return -EBADF;
        put_file(f);
    }
    for (;;) {
        uint64_t gen = anon_wait_gen();

        count = 0;
        memset(res, 0, 3 * words * sizeof(uint64_t));
        g_pipe_current_task = t;
        for (int fd = 0; fd < n; fd++) {
            uint64_t bit = 1ULL << (fd % BITS_PER_WORD);
            size_t w = (size_t)fd / BITS_PER_WORD;
            unsigned int ev;
            struct file *f;

            if (!((in[w] | in[words + w] | in[2 * words + w]) & bit))
                continue;
            f = fd_table_get(t->fdt, fd);
            if (f == NULL) {
                g_pipe_current_task = NULL;
                return -EBADF;
            }
            ev = anon_file_poll(f);
            put_file(f);
            for (int s = 0; s < 3; s++) {
                if ((in[s * words + w] & bit) && (ev & want[s])) {
                    res[s * words + w] |= bit;
                    count++;
                }
            }
        }
        g_pipe_current_task = NULL;
        if (count > 0)
            break;
        ret = anon_wait(t, gen, deadline);
        if (ret == -ETIMEDOUT)
            break;
        if (ret == -EINTR)
            return -ERESTARTNOHAND;
    }
    for (int s = 0; s < 3; s++) {
        if (sets[s] != 0 && bytes > 0 &&
            (ret = task_copy_out(t, sets[s], res + s * words, bytes)) < 0)
            return ret;
    }
    return count;
}

long sys_select(struct task *t, const struct sys_args *a)
{
    const uint64_t sets[3] = { a->a[1], a->a[2], a->a[3] };
    struct timespec rel, deadline;
    struct timeval tv;
    long ret;

    if (a->a[4] == 0)
        return do_select(t, (int)a->a[0], sets, NULL);
    ret = task_copy_in(t, &tv, a->a[4], sizeof(tv));
    if (ret < 0)
        return ret;
    if (tv.tv_sec < 0 || tv.tv_usec < 0)
        return -EINVAL;
    /* Linux normalises an oversized tv_usec instead of refusing it. */
    rel.tv_sec = tv.tv_sec + tv.tv_usec / 1000000;
    rel.tv_nsec = (tv.tv_usec % 1000000) * 1000L;
    kernel_deadline_from_now(&rel, &deadline);
    ret = do_select(t, (int)a->a[0], sets, &deadline);
    if (ret != -EBADF && ret != -EINVAL && ret != -EFAULT) {
        struct timespec rem = time_left(&deadline);

        tv.tv_sec = rem.tv_sec;
        tv.tv_usec = rem.tv_nsec / 1000;
        task_copy_out(t, a->a[4], &tv, sizeof(tv));
    }
    return ret;
}

long sys_pselect6(struct task *t, const struct sys_args *a)
{
    const uint64_t sets[3] = { a->a[1], a->a[2], a->a[3] };
    struct timespec rel, deadline;
    struct {
        uint64_t ss;
        uint64_t len;
    } sig = { 0, 0 };
    uint64_t mask;
    bool timed = a->a[4] != 0, masked = false;
    long ret;

    if (timed) {
        ret = task_copy_in(t, &rel, a->a[4], sizeof(rel));
        if (ret < 0)
            return ret;
        if (!deadline_of(&rel, &deadline))
            return -EINVAL;
    }
    if (a->a[5] != 0) {
        ret = task_copy_in(t, &sig, a->a[5], sizeof(sig));
        if (ret < 0)
            return ret;
        if (sig.ss != 0) {
            ret = copy_in_sigmask(t, sig.ss, sig.len, &mask);
            if (ret < 0)
                return ret;
            masked = true;
            anon_sigmask_begin(t, mask);
        }
    }
    ret = do_select(t, (int)a->a[0], sets, timed ? &deadline : NULL);
    if (masked)
        anon_sigmask_end(t, ret == -ERESTARTNOHAND);
    if (timed && ret >= 0) {
        struct timespec rem = time_left(&deadline);

        task_copy_out(t, a->a[4], &rem, sizeof(rem));
    }
    return ret;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* eventfd: a 64-bit counter with read/write blocking rules (EFD_SEMAPHORE, EFD_NONBLOCK). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/fs/anon/anon_internal.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"

struct eventfd {
    pthread_mutex_t mu;
    uint64_t count; /* Protected by mu */
    bool semaphore; /* Immutable. */
};

#define EVENTFD_MAX UINT64_C(0xfffffffffffffffe)

/* Waits for a change (the task of the current read/write, see g_pipe_current_task). */
static long wait_change(uint64_t gen)
{
    struct task *t = g_pipe_current_task;
    long ret;

    if (t == NULL)
        return -EAGAIN;
    ret = anon_wait(t, gen, NULL);
    return ret == -EINTR ? -ERESTARTSYS : 0;
}

static long efd_read(struct file *f, void *buf, size_t len)
{
    struct eventfd *e = f->priv;
    uint64_t v;
    long ret;

    if (len < sizeof(uint64_t))
        return -EINVAL;
    for (;;) {
        uint64_t gen = anon_wait_gen();

        pthread_mutex_lock(&e->mu);
        if (e->count > 0) {
            v = e->semaphore ? 1 : e->count;
            e->count -= v;
            pthread_mutex_unlock(&e->mu);
            break;
        }
        pthread_mutex_unlock(&e->mu);
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        ret = wait_change(gen);
        if (ret < 0)
            return ret;
    }
    memcpy(buf, &v, sizeof(v));
    anon_notify();
    return sizeof(v);
}

static long efd_write(struct file *f, const void *buf, size_t len)
{
    struct eventfd *e = f->priv;
    uint64_t v;
    long ret;

    if (len != sizeof(uint64_t))
        return -EINVAL;
    memcpy(&v, buf, sizeof(v));
    if (v == UINT64_MAX)
        return -EINVAL;
    for (;;) {
        uint64_t gen = anon_wait_gen();

        pthread_mutex_lock(&e->mu);
        if (EVENTFD_MAX - e->count >= v) {
            e->count += v;
            pthread_mutex_unlock(&e->mu);
            break;
        }
        pthread_mutex_unlock(&e->mu);
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        ret = wait_change(gen);
        if (ret < 0)
            return ret;
    }
    if (v != 0)
        anon_notify();
    return sizeof(v);
}

static unsigned int eventfd_poll(struct file *f)
{
    struct eventfd *e = f->priv;
    unsigned int ev = 0;

    pthread_mutex_lock(&e->mu);
    if (e->count > 0)
        ev |= POLLIN | POLLRDNORM;
    if (e->count < EVENTFD_MAX)
        ev |= POLLOUT | POLLWRNORM;
    pthread_mutex_unlock(&e->mu);
    return ev;
}

static long eventfd_fstat(struct file *f, struct stat *st)
{
    (void)f;
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IRUSR | S_IWUSR;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
}

static void eventfd_release(struct file *f)
{
    struct eventfd *e = f->priv;

    pthread_mutex_destroy(&e->mu);
    free(e);
}

static const struct file_ops g_eventfd_ops = {
    .name = "anon_inode:[eventfd]",
    .read = efd_read,
    .write = efd_write,
    .lseek = anon_noop_lseek,
    .fstat = eventfd_fstat,
    .poll = eventfd_poll,
    .release = eventfd_release,
};

struct file *eventfd_file_new(unsigned int initval, int flags)
{
    struct eventfd *e = calloc(1, sizeof(*e));
    struct file *f;

    if (e == NULL)
        return NULL;
    pthread_mutex_init(&e->mu, NULL);
    e->count = initval;
    e->semaphore = (flags & EFD_SEMAPHORE) != 0;
    f = file_new(&g_eventfd_ops, O_RDWR | (flags & O_NONBLOCK), e);
    if (f == NULL) {
        pthread_mutex_destroy(&e->mu);
        free(e);
    }
    return f;
}

bool is_eventfd_file(const struct file *f)
{
    return f->ops == &g_eventfd_ops;
}

void eventfd_file_fdinfo(struct file *f, FILE *out)
{
    struct eventfd *e = f->priv;
    uint64_t v;

    pthread_mutex_lock(&e->mu);
    v = e->count;
    pthread_mutex_unlock(&e->mu);
    fprintf(out, "eventfd-count: %16llx\n", (unsigned long long)v);
}

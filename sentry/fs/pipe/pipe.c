/* SPDX-License-Identifier: Apache-2.0 */
/* Pipes and FIFOs: a ring buffer shared by read and write ends. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "sentry/fs/pipe/pipe.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"

__thread struct task *g_pipe_current_task;

/* One page-sized buffer of the ring (Linux's pipe_buffer). */
struct pipe_slot {
    size_t off, len;
    bool packet; /* written in O_DIRECT mode: a read takes at most this buffer */
};

struct pipe {
    int refs;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* signalled on every change below */
    char *buf;         /* `nslots` pages, slot i at buf + i * PAGE; Protected by mu */
    struct pipe_slot *slots;
    size_t size, nslots, first, used; /* ring of `used` slots from `first` */
    size_t len;                       /* bytes buffered */
    int readers, writers;             /* open ends; Protected by mu */
    bool had_writer;                  /* a FIFO reader sees EOF only once a writer came and went */
    uint64_t rd_seq;                  /* events for the read end: data written, last writer gone */
    uint64_t wr_seq;                  /* events for the write end: a slot freed, last reader gone */
};

#define PIPE_PAGE 4096

/* Allocates the ring for `size` bytes into p (buf, slots, size, nslots). Returns 0 or -ENOMEM. */
static int ring_alloc(size_t size, char **buf, struct pipe_slot **slots)
{
    *buf = malloc(size);
    *slots = calloc(size / PIPE_PAGE, sizeof(**slots));
    if (*buf == NULL || *slots == NULL) {
        free(*buf);
        free(*slots);
        return -ENOMEM;
    }
    return 0;
}

struct pipe *pipe_new(void)
{
    struct pipe *p = calloc(1, sizeof(*p));

    if (p == NULL)
        return NULL;
    p->size = PIPE_DEFAULT_SIZE;
    p->nslots = p->size / PIPE_PAGE;
    if (ring_alloc(p->size, &p->buf, &p->slots) < 0) {
        free(p);
        return NULL;
    }
    p->refs = 1;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    return p;
}

void put_pipe(struct pipe *p)
{
    if (p == NULL || __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->buf);
    free(p->slots);
    free(p);
}

static struct pipe *get_pipe(struct pipe *p)
{
    __atomic_add_fetch(&p->refs, 1, __ATOMIC_ACQ_REL);
    return p;
}

/* Counts an event for epoll's edge-triggered items (mu held). */
static void bump(uint64_t *seq)
{
    __atomic_add_fetch(seq, 1, __ATOMIC_RELEASE);
}

/*
 * Waits for a change of the pipe (mu held). Returns 0, or -ERESTARTSYS when
 * the current task has an unblocked signal pending, is killed or is stopped
 * (as Linux's pipe_read, pipe_write and FIFO open: the signal code turns it into EINTR for a
 * handler without SA_RESTART, and restarts the call after a stop). Waits are sliced so that a
 * signal sent by another task is seen within a few milliseconds.
 */
static long wait_locked(struct pipe *p)
{
    struct task *t = g_pipe_current_task;
    struct timespec ts;

    if (t != NULL && task_should_interrupt(t))
        return -ERESTARTSYS;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 5 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    task_set_sleeping(t, true);
    pthread_cond_timedwait(&p->cv, &p->mu, &ts);
    task_set_sleeping(t, false);
    if (t != NULL && task_should_interrupt(t))
        return -ERESTARTSYS;
    return 0;
}

static struct pipe_slot *slot_at(struct pipe *p, size_t i)
{
    return &p->slots[(p->first + i) % p->nslots];
}

static char *slot_data(struct pipe *p, const struct pipe_slot *s)
{
    return p->buf + (size_t)(s - p->slots) * PIPE_PAGE;
}

/* Moves buffered bytes out, slot by slot; a packet slot ends the read and its rest is dropped. */
static size_t ring_read(struct pipe *p, char *buf, size_t len)
{
    size_t done = 0;

    while (done < len && p->used > 0) {
        struct pipe_slot *s = slot_at(p, 0);
        size_t n = s->len < len - done ? s->len : len - done;
        bool packet = s->packet;

        memcpy(buf + done, slot_data(p, s) + s->off, n);
        done += n;
        s->off += n;
        s->len -= n;
        p->len -= n;
        if (packet) {
            p->len -= s->len;
            s->len = 0;
        }
        if (s->len == 0) {
            p->first = (p->first + 1) % p->nslots;
            p->used--;
            bump(&p->wr_seq);
        }
        if (packet)
            break;
    }
    return done;
}

static long pipe_read(struct file *f, void *buf, size_t len)
{
    struct pipe *p = f->priv;
    size_t done = 0;
    long ret = 0;

    pthread_mutex_lock(&p->mu);
    while (p->used == 0) {
        if (p->writers == 0 && (p->had_writer || !(f->flags & O_NONBLOCK)))
            goto out;
        if (p->writers == 0 && !p->had_writer)
            goto out; /* a FIFO opened O_RDONLY|O_NONBLOCK with no writer yet: EOF */
        if (f->flags & O_NONBLOCK) {
            ret = -EAGAIN;
            goto out;
        }
        ret = wait_locked(p);
        if (ret < 0)
            goto out;
    }
    done = ring_read(p, buf, len);
    pthread_cond_broadcast(&p->cv);
out:
    pthread_mutex_unlock(&p->mu);
    return done > 0 ? (long)done : ret;
}

static void send_sigpipe(void)
{
    struct task *t = g_pipe_current_task;
    siginfo_t info;

    if (t == NULL)
        return;
    memset(&info, 0, sizeof(info));
    info.si_signo = SIGPIPE;
    info.si_code = SI_USER;
    info.si_pid = t->tg->pid;
    task_send_signal(t, &info);
}

/*
 * Copies what fits of buf into the ring (mu held), as Linux's pipe_write: a
 * short first chunk merges into the last buffer when it fits whole there,
 * then each free slot takes up to a page (one packet per slot in O_DIRECT).
 * Writes of at most PIPE_BUF bytes thus go in whole or not at all.
 */
static size_t ring_write(struct pipe *p, const char *buf, size_t len, bool packet, bool first)
{
    size_t done = 0;

    if (first && !packet && p->used > 0) {
        struct pipe_slot *s = slot_at(p, p->used - 1);
        size_t head = len % PIPE_PAGE;

        if (!s->packet && head > 0 && s->off + s->len + head <= PIPE_PAGE) {
            memcpy(slot_data(p, s) + s->off + s->len, buf, head);
            s->len += head;
            done = head;
        }
    }
    while (done < len && p->used < p->nslots) {
        struct pipe_slot *s = slot_at(p, p->used);
        size_t n = len - done < PIPE_PAGE ? len - done : PIPE_PAGE;

        memcpy(slot_data(p, s), buf + done, n);
        s->off = 0;
        s->len = n;
        s->packet = packet;
        p->used++;
        done += n;
    }
    p->len += done;
    if (done > 0)
        bump(&p->rd_seq);
    return done;
}

static long pipe_write(struct file *f, const void *buf, size_t len)
{
    struct pipe *p = f->priv;
    bool packet = (f->flags & O_DIRECT) != 0;
    size_t done = 0;
    long ret = 0;

    pthread_mutex_lock(&p->mu);
    while (done < len) {
        size_t n;

        if (p->readers == 0) {
            ret = -EPIPE;
            break;
        }
        n = ring_write(p, (const char *)buf + done, len - done, packet, done == 0);
        if (n > 0) {
            done += n;
            pthread_cond_broadcast(&p->cv);
            continue;
        }
        if (f->flags & O_NONBLOCK) {
            ret = -EAGAIN;
            break;
        }
        ret = wait_locked(p);
        if (ret < 0)
            break;
    }
    pthread_mutex_unlock(&p->mu);
    if (ret == -EPIPE && done == 0)
        send_sigpipe();
    return done > 0 ? (long)done : ret;
}

static unsigned int pipe_poll(struct file *f)
{
    struct pipe *p = f->priv;
    unsigned int ev = 0;

    pthread_mutex_lock(&p->mu);
    if (file_is_readable(f)) {
        if (p->len > 0)
            ev |= POLLIN | POLLRDNORM;
        if (p->writers == 0 && p->had_writer)
            ev |= POLLHUP;
    }
    if (file_is_writable(f)) {
        if (p->used < p->nslots)
            ev |= POLLOUT | POLLWRNORM;
        if (p->readers == 0)
            ev |= POLLERR;
    }
    pthread_mutex_unlock(&p->mu);
    return ev;
}

static long pipe_ioctl(struct file *f, struct task *t, unsigned int cmd, uint64_t arg)
{
    struct pipe *p = f->priv;
    int n;

    switch (cmd) {
    case FIONREAD:
        pthread_mutex_lock(&p->mu);
        n = (int)p->len;
        pthread_mutex_unlock(&p->mu);
        return task_copy_out(t, arg, &n, sizeof(n));
    case FIONBIO: {
        long ret = task_copy_in(t, &n, arg, sizeof(n));

        if (ret < 0)
            return ret;
        if (n)
            f->flags |= O_NONBLOCK;
        else
            f->flags &= ~(unsigned int)O_NONBLOCK;
        return 0;
    }
    default:
        return -ENOTTY;
    }
}

static long pipe_fstat(struct file *f, struct stat *st)
{
    if (f->dentry != NULL)
        return vfs_inode_getattr(f->dentry->inode, st);
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IFIFO | 0600;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    st->st_ino = (ino_t)(uintptr_t)f->priv >> 4;
    st->st_dev = 0xc;
    return 0;
}

static void pipe_release(struct file *f)
{
    struct pipe *p = f->priv;

    pthread_mutex_lock(&p->mu);
    if (file_is_readable(f) && --p->readers == 0)
        bump(&p->wr_seq);
    if (file_is_writable(f) && --p->writers == 0)
        bump(&p->rd_seq);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    put_pipe(p);
}

static const struct file_ops g_pipe_ops = {
    .name = "pipe",
    .read = pipe_read,
    .write = pipe_write,
    .ioctl = pipe_ioctl,
    .fstat = pipe_fstat,
    .poll = pipe_poll,
    .release = pipe_release,
};

bool pipe_is_pipe(const struct file *f)
{
    return f->ops == &g_pipe_ops;
}

/* Makes a file for one end (mu held by the caller when the pipe is shared). */
static struct file *end_new(struct pipe *p, unsigned int flags)
{
    struct file *f = file_new(&g_pipe_ops, flags, p);

    if (f == NULL)
        return NULL;
    get_pipe(p);
    if (file_is_readable(f))
        p->readers++;
    if (file_is_writable(f)) {
        p->writers++;
        p->had_writer = true;
    }
    return f;
}

long pipe_create(unsigned int flags, struct file **rd, struct file **wr)
{
    struct pipe *p = pipe_new();
    unsigned int st = flags & (O_NONBLOCK | O_DIRECT);

    if (p == NULL)
        return -ENOMEM;
    *rd = end_new(p, O_RDONLY | st);
    *wr = end_new(p, O_WRONLY | st);
    put_pipe(p);
    if (*rd == NULL || *wr == NULL) {
        put_file(*rd);
        put_file(*wr);
        return -ENOMEM;
    }
    return 0;
}

long pipe_fifo_open(struct pipe *p, unsigned int flags, struct file **out)
{
    unsigned int acc = flags & O_ACCMODE;
    struct file *f;
    long ret = 0;

    pthread_mutex_lock(&p->mu);
    if (acc == O_WRONLY && p->readers == 0 && (flags & O_NONBLOCK)) {
        pthread_mutex_unlock(&p->mu);
        return -ENXIO;
    }
    f = end_new(p, flags);
    if (f == NULL) {
        pthread_mutex_unlock(&p->mu);
        return -ENOMEM;
    }
    if (acc == O_RDONLY && !(flags & O_NONBLOCK)) {
        p->had_writer = p->writers > 0;
        while (p->writers == 0 && ret == 0)
            ret = wait_locked(p);
    } else if (acc == O_WRONLY) {
        while (p->readers == 0 && ret == 0)
            ret = wait_locked(p);
    }
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    if (ret < 0) {
        put_file(f);
        return ret;
    }
    *out = f;
    return 0;
}

long pipe_get_size(struct file *f)
{
    return (long)((struct pipe *)f->priv)->size;
}

long pipe_set_size(struct file *f, unsigned long size)
{
    struct pipe *p = f->priv;
    unsigned int arg = (unsigned int)size; /* Linux's pipe_fcntl takes an unsigned int */
    size_t want = PIPE_PAGE, nslots;
    struct pipe_slot *ns;
    char *nb;

    if (arg > (1U << 31))
        return -EINVAL;
    while (want < arg)
        want *= 2;
    if (want > PIPE_MAX_SIZE)
        return -EPERM;
    nslots = want / PIPE_PAGE;
    pthread_mutex_lock(&p->mu);
    if (nslots < p->used) {
        pthread_mutex_unlock(&p->mu);
        return -EBUSY;
    }
    if (ring_alloc(want, &nb, &ns) < 0) {
        pthread_mutex_unlock(&p->mu);
        return -ENOMEM;
    }
    for (size_t i = 0; i < p->used; i++) {
        struct pipe_slot *s = slot_at(p, i);

        memcpy(nb + i * PIPE_PAGE + s->off, slot_data(p, s) + s->off, s->len);
        ns[i] = *s;
    }
    free(p->buf);
    free(p->slots);
    p->buf = nb;
    p->slots = ns;
    p->first = 0;
    p->size = want;
    p->nslots = nslots;
    bump(&p->wr_seq);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return (long)want;
}

uint64_t pipe_event_seq(const struct file *f)
{
    struct pipe *p;
    uint64_t seq = 0;

    if (!pipe_is_pipe(f))
        return 0;
    p = f->priv;
    if (file_is_readable(f))
        seq += __atomic_load_n(&p->rd_seq, __ATOMIC_ACQUIRE);
    if (file_is_writable(f))
        seq += __atomic_load_n(&p->wr_seq, __ATOMIC_ACQUIRE);
    return seq;
}

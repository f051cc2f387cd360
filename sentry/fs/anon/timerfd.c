/* SPDX-License-Identifier: Apache-2.0 */
/* timerfd: expirations computed from the clock on demand (no timer thread needed). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/fs/anon/anon_internal.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"

#define NSEC 1000000000LL

struct timerfd {
    pthread_mutex_t mu;
    clockid_t clock; /* Immutable. */
    /* Protected by mu: the next expiry (0: disarmed) on `clock`, the period, expirations not
     * yet read. */
    int64_t next_ns;
    int64_t interval_ns;
    uint64_t ticks;
};

static int64_t ts_ns(const struct timespec *ts)
{
    return (int64_t)ts->tv_sec * NSEC + ts->tv_nsec;
}

static struct timespec ns_ts(int64_t ns)
{
    struct timespec ts = { .tv_sec = ns / NSEC, .tv_nsec = ns % NSEC };

    return ts;
}

static int64_t clock_now(clockid_t c)
{
    struct timespec ts;

    clock_gettime(c, &ts);
    return ts_ns(&ts);
}

/* Moves expirations that passed into `ticks`. Needs mu. */
static void update_locked(struct timerfd *tf, int64_t now)
{
    if (tf->next_ns == 0 || now < tf->next_ns)
        return;
    if (tf->interval_ns == 0) {
        tf->ticks++;
        tf->next_ns = 0;
        return;
    }
    {
        uint64_t n = 1 + (uint64_t)((now - tf->next_ns) / tf->interval_ns);

        tf->ticks += n;
        tf->next_ns += (int64_t)n * tf->interval_ns;
    }
}

static long tfd_read(struct file *f, void *buf, size_t len)
{
    struct timerfd *tf = f->priv;
    struct task *t = g_pipe_current_task;
    uint64_t v;

    if (len < sizeof(uint64_t))
        return -EINVAL;
    for (;;) {
        uint64_t gen = anon_wait_gen();
        struct timespec deadline, rel;
        int64_t now, wait_ns;
        long ret;

        pthread_mutex_lock(&tf->mu);
        now = clock_now(tf->clock);
        update_locked(tf, now);
        if (tf->ticks > 0) {
            v = tf->ticks;
            tf->ticks = 0;
            pthread_mutex_unlock(&tf->mu);
            break;
        }
        wait_ns = tf->next_ns == 0 ? -1 : tf->next_ns - now;
        pthread_mutex_unlock(&tf->mu);
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (t == NULL)
            return -EAGAIN;
        if (wait_ns >= 0) {
            rel = ns_ts(wait_ns);
            kernel_deadline_from_now(&rel, &deadline);
        }
        ret = anon_wait(t, gen, wait_ns >= 0 ? &deadline : NULL);
        if (ret == -EINTR)
            return -ERESTARTSYS;
    }
    memcpy(buf, &v, sizeof(v));
    return sizeof(v);
}

static unsigned int tfd_poll(struct file *f)
{
    struct timerfd *tf = f->priv;
    unsigned int ev;

    pthread_mutex_lock(&tf->mu);
    update_locked(tf, clock_now(tf->clock));
    ev = tf->ticks > 0 ? POLLIN | POLLRDNORM : 0;
    pthread_mutex_unlock(&tf->mu);
    return ev;
}

static long tfd_fstat(struct file *f, struct stat *st)
{
    (void)f;
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IRUSR | S_IWUSR;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
}

static void tfd_release(struct file *f)
{
    struct timerfd *tf = f->priv;

    pthread_mutex_destroy(&tf->mu);
    free(tf);
}

static const struct file_ops g_timerfd_ops = {
    .name = "anon_inode:[timerfd]",
    .read = tfd_read,
    .lseek = anon_noop_lseek,
    .fstat = tfd_fstat,
    .poll = tfd_poll,
    .release = tfd_release,
};

struct file *timerfd_file_new(int clockid, int flags)
{
    struct timerfd *tf = calloc(1, sizeof(*tf));
    struct file *f;

    if (tf == NULL)
        return NULL;
    pthread_mutex_init(&tf->mu, NULL);
    /* The alarm clocks count like their plain counterparts here (no suspend in a sandbox). */
    tf->clock = clockid == CLOCK_REALTIME || clockid == CLOCK_REALTIME_ALARM ? CLOCK_REALTIME
                                                                             : CLOCK_MONOTONIC;
    if (clockid == CLOCK_BOOTTIME || clockid == CLOCK_BOOTTIME_ALARM)
        tf->clock = CLOCK_BOOTTIME;
    f = file_new(&g_timerfd_ops, O_RDWR | (flags & O_NONBLOCK), tf);
    if (f == NULL) {
        pthread_mutex_destroy(&tf->mu);
        free(tf);
    }
    return f;
}

bool is_timerfd_file(const struct file *f)
{
    return f->ops == &g_timerfd_ops;
}

static void get_locked(struct timerfd *tf, int64_t now, struct timespec *value,
                       struct timespec *interval)
{
    *value = ns_ts(tf->next_ns == 0 ? 0 : tf->next_ns - now);
    *interval = ns_ts(tf->interval_ns);
}

long timerfd_file_settime(struct file *f, int flags, const struct timespec *value,
                          const struct timespec *interval, struct timespec *old_value,
                          struct timespec *old_interval)
{
    struct timerfd *tf = f->priv;
    int64_t now;

    pthread_mutex_lock(&tf->mu);
    now = clock_now(tf->clock);
    update_locked(tf, now);
    get_locked(tf, now, old_value, old_interval);
    tf->ticks = 0;
    tf->interval_ns = ts_ns(interval);
    if (value->tv_sec == 0 && value->tv_nsec == 0)
        tf->next_ns = 0;
    else if (flags & TFD_TIMER_ABSTIME)
        tf->next_ns = ts_ns(value) > 0 ? ts_ns(value) : 1;
    else
        tf->next_ns = now + ts_ns(value);
    pthread_mutex_unlock(&tf->mu);
    anon_notify();
    return 0;
}

void timerfd_file_gettime(struct file *f, struct timespec *value, struct timespec *interval)
{
    struct timerfd *tf = f->priv;
    int64_t now;

    pthread_mutex_lock(&tf->mu);
    now = clock_now(tf->clock);
    update_locked(tf, now);
    get_locked(tf, now, value, interval);
    pthread_mutex_unlock(&tf->mu);
}

void timerfd_file_fdinfo(struct file *f, FILE *out)
{
    struct timerfd *tf = f->priv;
    struct timespec value, interval;
    uint64_t ticks;

    pthread_mutex_lock(&tf->mu);
    update_locked(tf, clock_now(tf->clock));
    ticks = tf->ticks;
    get_locked(tf, clock_now(tf->clock), &value, &interval);
    pthread_mutex_unlock(&tf->mu);
    fprintf(out,
            "clockid: %d\nticks: %llu\nsettime flags: 00\nit_value: (%ld, %ld)\n"
            "it_interval: (%ld, %ld)\n",
            (int)tf->clock, (unsigned long long)ticks, (long)value.tv_sec, value.tv_nsec,
            (long)interval.tv_sec, interval.tv_nsec);
}

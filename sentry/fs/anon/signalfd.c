/* SPDX-License-Identifier: Apache-2.0 */
/* signalfd: reads dequeue the reading task's pending signals in the file's mask. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/fs/anon/anon_internal.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"

struct signalfd {
    uint64_t mask; /* atomic: signalfd4 on the same fd replaces it */
};

static void to_ssi(const siginfo_t *info, struct signalfd_siginfo *s)
{
    memset(s, 0, sizeof(*s));
    s->ssi_signo = (uint32_t)info->si_signo;
    s->ssi_errno = info->si_errno;
    s->ssi_code = info->si_code;
    s->ssi_pid = (uint32_t)info->si_pid;
    s->ssi_uid = (uint32_t)info->si_uid;
    if (info->si_signo == SIGCHLD) {
        s->ssi_status = info->si_status;
        s->ssi_utime = (uint64_t)info->si_utime;
        s->ssi_stime = (uint64_t)info->si_stime;
    } else if (info->si_code == SI_TIMER) {
        s->ssi_tid = (uint32_t)info->si_timerid;
        s->ssi_overrun = (uint32_t)info->si_overrun;
        s->ssi_int = info->si_value.sival_int;
        s->ssi_ptr = (uint64_t)(uintptr_t)info->si_value.sival_ptr;
    } else if (info->si_signo == SIGSEGV || info->si_signo == SIGBUS || info->si_signo == SIGILL ||
               info->si_signo == SIGFPE) {
        s->ssi_addr = (uint64_t)(uintptr_t)info->si_addr;
    } else {
        s->ssi_int = info->si_value.sival_int;
        s->ssi_ptr = (uint64_t)(uintptr_t)info->si_value.sival_ptr;
    }
}

static long sfd_read(struct file *f, void *buf, size_t len)
{
    struct signalfd *s = f->priv;
    struct task *t = g_pipe_current_task;
    size_t done = 0;

    if (len < sizeof(struct signalfd_siginfo))
        return -EINVAL;
    if (t == NULL)
        return -EAGAIN;
    for (;;) {
        uint64_t gen = anon_wait_gen();
        uint64_t mask = __atomic_load_n(&s->mask, __ATOMIC_RELAXED);
        long ret;

        pthread_mutex_lock(&t->k->mu);
        while (done + sizeof(struct signalfd_siginfo) <= len) {
            siginfo_t info;
            struct signalfd_siginfo ssi;

            if (task_dequeue_signal_locked(t, mask, &info) == 0)
                break;
            to_ssi(&info, &ssi);
            memcpy((char *)buf + done, &ssi, sizeof(ssi));
            done += sizeof(ssi);
        }
        pthread_mutex_unlock(&t->k->mu);
        if (done > 0)
            return (long)done;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        ret = anon_wait(t, gen, NULL);
        if (ret == -EINTR)
            return -ERESTARTSYS;
    }
}

static unsigned int sfd_poll(struct file *f)
{
    struct signalfd *s = f->priv;
    struct task *t = g_pipe_current_task;

    if (t == NULL)
        return 0;
    return (task_pending_signals(t) & __atomic_load_n(&s->mask, __ATOMIC_RELAXED)) != 0
               ? POLLIN | POLLRDNORM
               : 0;
}

static long sfd_fstat(struct file *f, struct stat *st)
{
    (void)f;
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IRUSR | S_IWUSR;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
}

static void sfd_release(struct file *f)
{
    free(f->priv);
}

static const struct file_ops g_signalfd_ops = {
    .name = "anon_inode:[signalfd]",
    .read = sfd_read,
    .lseek = anon_noop_lseek,
    .fstat = sfd_fstat,
    .poll = sfd_poll,
    .release = sfd_release,
};

struct file *signalfd_file_new(struct task *t, uint64_t mask, int flags)
{
    struct signalfd *s = calloc(1, sizeof(*s));
    struct file *f;

    (void)t;
    if (s == NULL)
        return NULL;
    s->mask = mask;
    f = file_new(&g_signalfd_ops, O_RDWR | (flags & O_NONBLOCK), s);
    if (f == NULL)
        free(s);
    return f;
}

bool is_signalfd_file(const struct file *f)
{
    return f->ops == &g_signalfd_ops;
}

void signalfd_file_set_mask(struct file *f, uint64_t mask)
{
    struct signalfd *s = f->priv;

    __atomic_store_n(&s->mask, mask, __ATOMIC_RELAXED);
}

void signalfd_file_fdinfo(struct file *f, FILE *out)
{
    struct signalfd *s = f->priv;

    fprintf(out, "sigmask:\t%016llx\n",
            (unsigned long long)__atomic_load_n(&s->mask, __ATOMIC_RELAXED));
}

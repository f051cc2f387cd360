/* SPDX-License-Identifier: Apache-2.0 */
/* Sentry terminals: the master and replica files, blocking I/O, ioctls and job control. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/fs/devpts/devpts_internal.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"

/* The kernel's struct termios2 (TCGETS2/TCSETS2): termios with the two speeds. */
struct tty_termios2 {
    struct tty_termios t;
    uint32_t ispeed, ospeed;
};
#define TTY_TCGETS2  _IOR('T', 0x2A, struct tty_termios2)
#define TTY_TCSETS2  _IOW('T', 0x2B, struct tty_termios2)
#define TTY_TCSETSW2 _IOW('T', 0x2C, struct tty_termios2)
#define TTY_TCSETSF2 _IOW('T', 0x2D, struct tty_termios2)

/* How long a wait sleeps before it looks at the task's signals again. */
#define TTY_WAIT_SLICE_NS (5 * 1000 * 1000L)

static const struct file_ops g_ptmx_file_ops;
static const struct file_ops g_pts_file_ops;

/* ---- signals and sessions (k->mu) ---- */

static void send_pgrp_locked(struct kernel *k, int pgid, int sig)
{
    siginfo_t info;
    struct klist *pos;

    if (pgid <= 0)
        return;
    memset(&info, 0, sizeof(info));
    info.si_signo = sig;
    info.si_code = SI_KERNEL;
    klist_for_each(pos, &k->tgs)
    {
        struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);

        if (tg->pgid == pgid && !tg->zombie && !tg->exiting)
            thread_group_send_signal_locked(tg, &info);
    }
}

static void send_tg_locked(struct kernel *k, int pid, int sig)
{
    struct thread_group *tg = kernel_find_tg_locked(k, pid);
    siginfo_t info;

    if (tg == NULL || tg->zombie || tg->exiting)
        return;
    memset(&info, 0, sizeof(info));
    info.si_signo = sig;
    info.si_code = SI_KERNEL;
    thread_group_send_signal_locked(tg, &info);
}

static bool session_alive_locked(struct kernel *k, int sid)
{
    struct klist *pos;

    klist_for_each(pos, &k->tgs)
    {
        struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);

        if (tg->sid == sid && !tg->zombie)
            return true;
    }
    return false;
}

/* A process group is orphaned when no member has a parent in another group of its session. */
static bool pgrp_orphaned_locked(struct kernel *k, int pgid)
{
    struct klist *pos;

    klist_for_each(pos, &k->tgs)
    {
        struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);
        struct thread_group *p = tg->parent;

        if (tg->pgid != pgid || tg->zombie)
            continue;
        if (p != NULL && !p->zombie && p->pgid != pgid && p->sid == tg->sid)
            return false;
    }
    return true;
}

/* Sends the signals the line discipline raised (^C ...) to the foreground group. */
static void tty_flush_signals(struct tty *tty)
{
    int sigs[4], n, pgrp;
    struct kernel *k;

    pthread_mutex_lock(&tty->mu);
    n = tty->npending_sig;
    memcpy(sigs, tty->pending_sig, sizeof(sigs));
    tty->npending_sig = 0;
    pgrp = tty->pgrp;
    k = tty->k;
    pthread_mutex_unlock(&tty->mu);
    if (n == 0 || k == NULL || pgrp == 0)
        return;
    pthread_mutex_lock(&k->mu);
    for (int i = 0; i < n; i++)
        send_pgrp_locked(k, pgrp, sigs[i]);
    pthread_mutex_unlock(&k->mu);
}

/*
 * Linux's tty_check_change / job control for a read or write of the
 * terminal `tty` by `t`: a background process of the terminal's session
 * gets `sig` (SIGTTIN, SIGTTOU) sent to its process group and the call ends
 * with -ERESTARTSYS. Returns 0 to proceed, or -EIO (SIGTTIN ignored or
 * blocked, or an orphaned group).
 */
static long tty_check_job(struct tty *tty, struct task *t, int sig)
{
    struct thread_group *tg;
    int session, pgrp;
    long ret = 0;

    if (t == NULL)
        return 0;
    pthread_mutex_lock(&tty->mu);
    session = tty->session;
    pgrp = tty->pgrp;
    pthread_mutex_unlock(&tty->mu);
    if (session == 0 || pgrp == 0)
        return 0;
    pthread_mutex_lock(&t->k->mu);
    tg = t->tg;
    if (tg->sid != session || tg->pgid == pgrp)
        goto out;
    if (tg->actions[sig - 1].handler == (uint64_t)(uintptr_t)SIG_IGN ||
        (t->sigmask & SIGBIT(sig))) {
        ret = sig == SIGTTIN ? -EIO : 0;
        goto out;
    }
    if (pgrp_orphaned_locked(t->k, tg->pgid)) {
        ret = -EIO;
        goto out;
    }
    send_pgrp_locked(t->k, tg->pgid, sig);
    ret = -ERESTARTSYS;
out:
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

/* ---- waits ---- */

/*
 * Waits for a change of `tty` (mu held) until the absolute CLOCK_MONOTONIC
 * `deadline` (NULL: none). Returns 0, -ETIMEDOUT, or -ERESTARTSYS when `t`
 * should take a signal.
 */
static long tty_wait_locked(struct tty *tty, struct task *t, const struct timespec *deadline)
{
    struct timespec now, until;

    if (t != NULL && task_should_interrupt(t))
        return -ERESTARTSYS;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (deadline != NULL && (now.tv_sec > deadline->tv_sec ||
                             (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec)))
        return -ETIMEDOUT;
    until = now;
    until.tv_nsec += TTY_WAIT_SLICE_NS;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    if (deadline != NULL &&
        (deadline->tv_sec < until.tv_sec ||
         (deadline->tv_sec == until.tv_sec && deadline->tv_nsec < until.tv_nsec)))
        until = *deadline;
    task_set_sleeping(t, true);
    pthread_cond_timedwait(&tty->cv, &tty->mu, &until);
    task_set_sleeping(t, false);
    if (t != NULL && task_should_interrupt(t))
        return -ERESTARTSYS;
    return 0;
}

static void deadline_in(struct timespec *ts, long deciseconds)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += deciseconds / 10;
    ts->tv_nsec += (deciseconds % 10) * 100000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Wakes sentry sleepers on `tty` and poll/epoll waiters. Call without tty->mu. */
static void tty_changed(struct tty *tty)
{
    pthread_mutex_lock(&tty->mu);
    pthread_cond_broadcast(&tty->cv);
    pthread_mutex_unlock(&tty->mu);
    anon_notify();
}

/* ---- the master side's byte paths (also used by the console bridge) ---- */

long tty_master_input(struct tty *tty, struct task *t, const uint8_t *buf, size_t len,
                      bool nonblock)
{
    size_t done = 0;
    long ret = 0;

    pthread_mutex_lock(&tty->mu);
    while (done < len) {
        if (ldisc_receive_locked(tty, buf[done])) {
            done++;
            continue;
        }
        pthread_cond_broadcast(&tty->cv);
        if (tty->replica_closed || nonblock) {
            ret = tty->replica_closed ? -EIO : -EAGAIN;
            break;
        }
        ret = tty_wait_locked(tty, t, NULL);
        if (ret < 0)
            break;
    }
    pthread_cond_broadcast(&tty->cv);
    pthread_mutex_unlock(&tty->mu);
    tty_flush_signals(tty);
    anon_notify();
    return done > 0 ? (long)done : ret;
}

long tty_master_output(struct tty *tty, struct task *t, uint8_t *buf, size_t len, bool nonblock)
{
    long ret;

    if (len == 0)
        return 0;
    pthread_mutex_lock(&tty->mu);
    for (;;) {
        if (tty->packet && tty->pkt_status != 0) {
            buf[0] = tty->pkt_status;
            tty->pkt_status = 0;
            ret = 1;
            break;
        }
        if (tty->out_len > 0 && !tty->stopped) {
            if (tty->packet) {
                buf[0] = TIOCPKT_DATA;
                ret = 1 + (long)ldisc_take_output_locked(tty, buf + 1, len - 1);
            } else {
                ret = (long)ldisc_take_output_locked(tty, buf, len);
            }
            break;
        }
        if (tty->replica_closed) {
            ret = -EIO;
            break;
        }
        if (nonblock) {
            ret = -EAGAIN;
            break;
        }
        ret = tty_wait_locked(tty, t, NULL);
        if (ret < 0)
            break;
    }
    pthread_cond_broadcast(&tty->cv);
    pthread_mutex_unlock(&tty->mu);
    if (ret > 0)
        anon_notify();
    return ret;
}

/* The master side went away: replicas read EOF and write EIO; the session leader gets
 * SIGHUP and SIGCONT and the session loses its terminal. */
void tty_hangup(struct tty *tty)
{
    struct kernel *k;
    int session;

    pthread_mutex_lock(&tty->mu);
    tty->hung_up = true;
    session = tty->session;
    tty->session = 0;
    tty->pgrp = 0;
    k = tty->k;
    pthread_cond_broadcast(&tty->cv);
    pthread_mutex_unlock(&tty->mu);
    if (k != NULL && session > 0) {
        pthread_mutex_lock(&k->mu);
        send_tg_locked(k, session, SIGHUP);
        send_tg_locked(k, session, SIGCONT);
        pthread_mutex_unlock(&k->mu);
    }
    anon_notify();
}

void tty_set_winsize(struct tty *tty, const struct winsize *ws)
{
    struct kernel *k;
    int pgrp = 0;

    pthread_mutex_lock(&tty->mu);
    if (memcmp(ws, &tty->ws, sizeof(*ws)) != 0) {
        tty->ws = *ws;
        pgrp = tty->pgrp;
    }
    k = tty->k;
    pthread_mutex_unlock(&tty->mu);
    if (pgrp > 0 && k != NULL) {
        pthread_mutex_lock(&k->mu);
        send_pgrp_locked(k, pgrp, SIGWINCH);
        pthread_mutex_unlock(&k->mu);
    }
}

/* ---- controlling terminals ---- */

/* Returns the terminal controlling session `sid` (no new reference), or NULL. Needs the
 * registry lock. */
static struct tty *ctty_of_session_locked(int sid)
{
    for (struct tty *it = g_tty_registry; it != NULL; it = it->next) {
        bool match;

        pthread_mutex_lock(&it->mu);
        match = it->session == sid && !it->hung_up;
        pthread_mutex_unlock(&it->mu);
        if (match)
            return it;
    }
    return NULL;
}

/*
 * TIOCSCTTY, and opening without O_NOCTTY (`quiet`: fail silently with 0).
 * `force` steals a terminal from another live session (CAP_SYS_ADMIN: every
 * sandbox process has it until credentials exist).
 */
static long tty_set_ctty(struct tty *tty, struct task *t, bool force, bool quiet)
{
    struct thread_group *tg = t->tg;
    struct tty *cur;
    long ret = 0;

    pthread_mutex_lock(&t->k->mu);
    pthread_mutex_lock(&g_tty_registry_mu);
    if (tg->sid != tg->pid) {
        ret = quiet ? 0 : -EPERM;
        goto out;
    }
    cur = ctty_of_session_locked(tg->sid);
    if (cur == tty)
        goto out;
    if (cur != NULL) {
        ret = quiet ? 0 : -EPERM;
        goto out;
    }
    pthread_mutex_lock(&tty->mu);
    if (tty->hung_up) {
        ret = quiet ? 0 : -EIO;
    } else if (tty->session != 0 && session_alive_locked(t->k, tty->session) && (quiet || !force)) {
        ret = quiet ? 0 : -EPERM;
    } else {
        tty->session = tg->sid;
        tty->pgrp = tg->pgid;
        tty->k = t->k;
    }
    pthread_mutex_unlock(&tty->mu);
out:
    pthread_mutex_unlock(&g_tty_registry_mu);
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

/* Whether `tty` is the controlling terminal of `t`'s session. */
static bool is_ctty_of(struct tty *tty, struct task *t)
{
    int session;

    pthread_mutex_lock(&tty->mu);
    session = tty->session;
    pthread_mutex_unlock(&tty->mu);
    return session != 0 && t != NULL && session == t->tg->sid;
}

/*
 * TIOCNOTTY. The session leader gives the terminal up for the whole session
 * (SIGHUP and SIGCONT go to the foreground group). Other processes succeed
 * without effect: the controlling terminal is recorded per session, not per
 * process.
 */
static long tty_notty(struct tty *tty, struct task *t)
{
    struct thread_group *tg = t->tg;
    int pgrp = 0;
    long ret = 0;

    pthread_mutex_lock(&t->k->mu);
    pthread_mutex_lock(&tty->mu);
    if (tty->session == 0 || tty->session != tg->sid) {
        ret = -ENOTTY;
    } else if (tg->sid == tg->pid) {
        pgrp = tty->pgrp;
        tty->session = 0;
        tty->pgrp = 0;
    }
    pthread_mutex_unlock(&tty->mu);
    if (pgrp > 0) {
        send_pgrp_locked(t->k, pgrp, SIGHUP);
        send_pgrp_locked(t->k, pgrp, SIGCONT);
    }
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

static long tty_set_pgrp(struct tty *tty, struct task *t, uint64_t arg)
{
    struct klist *pos;
    bool found = false, same_session = false;
    int pgid;
    long ret = tty_check_job(tty, t, SIGTTOU);

    if (ret == -EIO)
        return -ENOTTY;
    if (ret < 0)
        return ret;
    if (!is_ctty_of(tty, t))
        return -ENOTTY;
    ret = task_copy_in(t, &pgid, arg, sizeof(pgid));
    if (ret < 0)
        return ret;
    if (pgid < 0)
        return -EINVAL;
    pthread_mutex_lock(&t->k->mu);
    klist_for_each(pos, &t->k->tgs)
    {
        struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);

        if (tg->pgid == pgid && !tg->zombie) {
            found = true;
            same_session |= tg->sid == t->tg->sid;
        }
    }
    if (!found) {
        ret = -ESRCH;
    } else if (!same_session) {
        ret = -EPERM;
    } else {
        pthread_mutex_lock(&tty->mu);
        tty->pgrp = pgid;
        pthread_mutex_unlock(&tty->mu);
    }
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

/* ---- files ---- */

struct file *tty_file_new(struct tty *tty, bool master, unsigned int flags)
{
    struct file *f;

    f = file_new(master ? &g_ptmx_file_ops : &g_pts_file_ops,
                 flags & ~(unsigned int)(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC),
                 get_tty(tty));
    if (f == NULL) {
        put_tty(tty);
        return NULL;
    }
    pthread_mutex_lock(&tty->mu);
    if (master) {
        tty->masters++;
    } else {
        tty->replicas++;
        tty->replica_closed = false;
    }
    pthread_mutex_unlock(&tty->mu);
    return f;
}

long tty_replica_open(struct tty *tty, unsigned int flags, struct file **out)
{
    struct task *t = g_kernel_current_task;
    struct file *f;

    pthread_mutex_lock(&tty->mu);
    if (tty->locked || tty->hung_up || (!tty->console && tty->masters == 0)) {
        pthread_mutex_unlock(&tty->mu);
        return -EIO;
    }
    pthread_mutex_unlock(&tty->mu);
    f = tty_file_new(tty, /*master=*/false, flags);
    if (f == NULL)
        return -ENOMEM;
    if (!(flags & O_NOCTTY) && t != NULL)
        tty_set_ctty(tty, t, /*force=*/false, /*quiet=*/true);
    *out = f;
    tty_changed(tty);
    return 0;
}

static void master_release(struct file *f)
{
    struct tty *tty = f->priv;
    bool last;

    pthread_mutex_lock(&tty->mu);
    last = --tty->masters == 0;
    pthread_mutex_unlock(&tty->mu);
    if (last)
        tty_hangup(tty);
    put_tty(tty);
}

static void replica_release(struct file *f)
{
    struct tty *tty = f->priv;

    pthread_mutex_lock(&tty->mu);
    if (--tty->replicas == 0)
        tty->replica_closed = true;
    pthread_cond_broadcast(&tty->cv);
    pthread_mutex_unlock(&tty->mu);
    anon_notify();
    put_tty(tty);
}

static long master_read(struct file *f, void *buf, size_t len)
{
    return tty_master_output(f->priv, g_kernel_current_task, buf, len, f->flags & O_NONBLOCK);
}

static long master_write(struct file *f, const void *buf, size_t len)
{
    return tty_master_input(f->priv, g_kernel_current_task, buf, len, f->flags & O_NONBLOCK);
}

static long replica_read(struct file *f, void *buf, size_t len)
{
    struct tty *tty = f->priv;
    struct task *t = g_kernel_current_task;
    struct timespec deadline;
    bool has_deadline = false, eof;
    size_t n = 0, minimum;
    long ret = tty_check_job(tty, t, SIGTTIN);
    unsigned int vmin, vtime;

    if (ret < 0)
        return ret;
    if (len == 0)
        return 0;
    pthread_mutex_lock(&tty->mu);
    if (tty->tio.lflag & ICANON) {
        for (;;) {
            if (ldisc_readable_locked(tty, 1)) {
                ret = (long)ldisc_read_locked(tty, buf, len, &eof);
                break;
            }
            if (tty->hung_up) {
                ret = 0;
                break;
            }
            if (f->flags & O_NONBLOCK) {
                ret = -EAGAIN;
                break;
            }
            ret = tty_wait_locked(tty, t, NULL);
            if (ret < 0)
                break;
        }
        goto out;
    }
    /* Raw: VMIN bytes, VTIME an inter-byte timer (with VMIN) or the whole read's (without). */
    vmin = tty->tio.cc[VMIN];
    vtime = tty->tio.cc[VTIME];
    minimum = vmin > 0 ? vmin : 1;
    if (vmin == 0 && vtime > 0) {
        deadline_in(&deadline, vtime);
        has_deadline = true;
    }
    ret = 0;
    for (;;) {
        size_t got = ldisc_read_locked(tty, (uint8_t *)buf + n, len - n, &eof);

        n += got;
        if (n >= minimum || n == len || tty->hung_up || (vmin == 0 && vtime == 0))
            break;
        if (f->flags & O_NONBLOCK) {
            if (n == 0)
                ret = -EAGAIN;
            break;
        }
        if (got > 0 && vmin > 0 && vtime > 0) {
            deadline_in(&deadline, vtime);
            has_deadline = true;
        }
        ret = tty_wait_locked(tty, t, has_deadline ? &deadline : NULL);
        if (ret == -ETIMEDOUT) {
            ret = 0;
            break;
        }
        if (ret < 0)
            break;
    }
    if (n > 0)
        ret = (long)n;
out:
    pthread_cond_broadcast(&tty->cv);
    pthread_mutex_unlock(&tty->mu);
    anon_notify();
    return ret;
}

static long replica_write(struct file *f, const void *buf, size_t len)
{
    struct tty *tty = f->priv;
    struct task *t = g_kernel_current_task;
    size_t done = 0;
    bool tostop;
    long ret = 0;

    pthread_mutex_lock(&tty->mu);
    tostop = tty->tio.lflag & TOSTOP;
    pthread_mutex_unlock(&tty->mu);
    if (tostop) {
        ret = tty_check_job(tty, t, SIGTTOU);
        if (ret < 0)
            return ret;
    }
    pthread_mutex_lock(&tty->mu);
    while (done < len) {
        if (tty->hung_up) {
            ret = -EIO;
            break;
        }
        done += ldisc_write_locked(tty, (const uint8_t *)buf + done, len - done);
        pthread_cond_broadcast(&tty->cv);
        if (done == len)
            break;
        if (f->flags & O_NONBLOCK) {
            ret = -EAGAIN;
            break;
        }
        ret = tty_wait_locked(tty, t, NULL);
        if (ret < 0)
            break;
    }
    pthread_mutex_unlock(&tty->mu);
    anon_notify();
    return done > 0 ? (long)done : ret;
}

static unsigned int master_poll(struct file *f)
{
    struct tty *tty = f->priv;
    unsigned int ev = 0;

    pthread_mutex_lock(&tty->mu);
    if ((tty->out_len > 0 && !tty->stopped) || (tty->packet && tty->pkt_status != 0))
        ev |= POLLIN | POLLRDNORM;
    if (tty->in_len + tty->line_len + 1 < TTY_IN_SIZE)
        ev |= POLLOUT | POLLWRNORM;
    if (tty->replica_closed)
        ev |= POLLHUP;
    if (tty->packet && tty->pkt_status != 0)
        ev |= POLLPRI;
    pthread_mutex_unlock(&tty->mu);
    return ev;
}

static unsigned int replica_poll(struct file *f)
{
    struct tty *tty = f->priv;
    unsigned int ev = 0;

    pthread_mutex_lock(&tty->mu);
    if (tty->hung_up) {
        ev = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLERR | POLLHUP;
    } else {
        size_t min = (tty->tio.cc[VTIME] != 0 || tty->tio.cc[VMIN] == 0) ? 1 : tty->tio.cc[VMIN];

        if (ldisc_readable_locked(tty, min))
            ev |= POLLIN | POLLRDNORM;
        if (TTY_OUT_SIZE - tty->out_len >= 2)
            ev |= POLLOUT | POLLWRNORM;
    }
    pthread_mutex_unlock(&tty->mu);
    return ev;
}

static long set_termios(struct tty *tty, struct task *t, bool master, unsigned int cmd,
                        uint64_t arg, bool two)
{
    struct tty_termios2 tio2;
    long ret;

    if (!master) {
        ret = tty_check_job(tty, t, SIGTTOU);
        if (ret < 0 && ret != -EIO)
            return ret;
    }
    ret = task_copy_in(t, &tio2, arg, two ? sizeof(tio2) : sizeof(tio2.t));
    if (ret < 0)
        return ret;
    pthread_mutex_lock(&tty->mu);
    if (cmd == TCSETSF || cmd == TTY_TCSETSF2)
        ldisc_flush_input_locked(tty);
    ldisc_set_termios_locked(tty, &tio2.t);
    pthread_mutex_unlock(&tty->mu);
    tty_changed(tty);
    return 0;
}

static long copy_int_out(struct task *t, uint64_t arg, int v)
{
    return task_copy_out(t, arg, &v, sizeof(v));
}

/* ioctls of both sides; termios, window size and job control are the replica's. */
static long tty_ioctl(struct file *f, struct task *t, bool master, unsigned int cmd, uint64_t arg)
{
    struct tty *tty = f->priv;
    struct tty_termios2 tio2;
    struct winsize ws;
    int v;
    long ret;

    switch (cmd) {
    case TCGETS:
    case TTY_TCGETS2:
        pthread_mutex_lock(&tty->mu);
        tio2.t = tty->tio;
        pthread_mutex_unlock(&tty->mu);
        tio2.ispeed = tio2.ospeed = 38400;
        return task_copy_out(t, arg, &tio2, cmd == TCGETS ? sizeof(tio2.t) : sizeof(tio2));
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        return set_termios(tty, t, master, cmd, arg, /*two=*/false);
    case TTY_TCSETS2:
    case TTY_TCSETSW2:
    case TTY_TCSETSF2:
        return set_termios(tty, t, master, cmd, arg, /*two=*/true);
    case TIOCGWINSZ:
        pthread_mutex_lock(&tty->mu);
        ws = tty->ws;
        pthread_mutex_unlock(&tty->mu);
        return task_copy_out(t, arg, &ws, sizeof(ws));
    case TIOCSWINSZ:
        ret = task_copy_in(t, &ws, arg, sizeof(ws));
        if (ret < 0)
            return ret;
        tty_set_winsize(tty, &ws);
        return 0;
    case FIONREAD:
        pthread_mutex_lock(&tty->mu);
        v = master ? (int)tty->out_len : (int)ldisc_input_bytes_locked(tty);
        pthread_mutex_unlock(&tty->mu);
        return copy_int_out(t, arg, v);
    case TIOCOUTQ:
        pthread_mutex_lock(&tty->mu);
        v = master ? 0 : (int)tty->out_len;
        pthread_mutex_unlock(&tty->mu);
        return copy_int_out(t, arg, v);
    case TCFLSH:
        if (arg > TCIOFLUSH)
            return -EINVAL;
        pthread_mutex_lock(&tty->mu);
        /* The master's input is the replica's output and the other way round. */
        if (arg == TCIOFLUSH || arg == (master ? TCOFLUSH : TCIFLUSH))
            ldisc_flush_input_locked(tty);
        if (arg == TCIOFLUSH || arg == (master ? TCIFLUSH : TCOFLUSH))
            ldisc_flush_output_locked(tty);
        pthread_mutex_unlock(&tty->mu);
        tty_changed(tty);
        return 0;
    case TCXONC:
        if (arg > TCION)
            return -EINVAL;
        if (arg == TCOOFF || arg == TCOON) {
            pthread_mutex_lock(&tty->mu);
            tty->stopped = arg == TCOOFF;
            pthread_mutex_unlock(&tty->mu);
            tty_changed(tty);
        }
        return 0;
    case TCSBRK:
    case TCSBRKP:
    case TIOCSBRK:
    case TIOCCBRK:
    case TIOCEXCL:
    case TIOCNXCL:
        return 0; /* output is never held back: draining and breaks have nothing to wait for */
    case TIOCGEXCL:
        return copy_int_out(t, arg, 0);
    case TIOCGETD:
        return copy_int_out(t, arg, N_TTY);
    case TIOCSETD:
        ret = task_copy_in(t, &v, arg, sizeof(v));
        if (ret < 0)
            return ret;
        return v == N_TTY ? 0 : -EINVAL;
    case FIONBIO:
        ret = task_copy_in(t, &v, arg, sizeof(v));
        if (ret < 0)
            return ret;
        f->flags = v ? f->flags | O_NONBLOCK : f->flags & ~(unsigned int)O_NONBLOCK;
        return 0;
    case TIOCSTI: {
        uint8_t c;

        /* Faking input needs CAP_SYS_ADMIN, which every sandbox process has for now. */
        ret = task_copy_in(t, &c, arg, 1);
        if (ret < 0)
            return ret;
        pthread_mutex_lock(&tty->mu);
        if (!ldisc_receive_locked(tty, c))
            ret = -EAGAIN;
        pthread_mutex_unlock(&tty->mu);
        tty_flush_signals(tty);
        tty_changed(tty);
        return ret;
    }
    case TIOCSCTTY:
        return tty_set_ctty(tty, t, /*force=*/arg == 1, /*quiet=*/false);
    case TIOCNOTTY:
        if (master)
            return -ENOTTY;
        return tty_notty(tty, t);
    case TIOCGPGRP:
        if (!master && !is_ctty_of(tty, t))
            return -ENOTTY;
        pthread_mutex_lock(&tty->mu);
        v = tty->pgrp;
        pthread_mutex_unlock(&tty->mu);
        return copy_int_out(t, arg, v);
    case TIOCSPGRP:
        return tty_set_pgrp(tty, t, arg);
    case TIOCGSID:
        if (!master && !is_ctty_of(tty, t))
            return -ENOTTY;
        pthread_mutex_lock(&tty->mu);
        v = tty->session;
        pthread_mutex_unlock(&tty->mu);
        return v == 0 ? -ENOTTY : copy_int_out(t, arg, v);
    default:
        return -ENOTTY;
    }
}

static long master_ioctl(struct file *f, struct task *t, unsigned int cmd, uint64_t arg)
{
    struct tty *tty = f->priv;
    int v;
    long ret;

    switch (cmd) {
    case TIOCGPTN:
        if (tty->index < 0)
            return -ENOTTY;
        return copy_int_out(t, arg, tty->index);
    case TIOCSPTLCK:
        ret = task_copy_in(t, &v, arg, sizeof(v));
        if (ret < 0)
            return ret;
        pthread_mutex_lock(&tty->mu);
        tty->locked = v != 0;
        pthread_mutex_unlock(&tty->mu);
        return 0;
    case TIOCGPTLCK:
        pthread_mutex_lock(&tty->mu);
        v = tty->locked;
        pthread_mutex_unlock(&tty->mu);
        return copy_int_out(t, arg, v);
    case TIOCPKT:
        ret = task_copy_in(t, &v, arg, sizeof(v));
        if (ret < 0)
            return ret;
        pthread_mutex_lock(&tty->mu);
        tty->packet = v != 0;
        tty->pkt_status = 0;
        pthread_mutex_unlock(&tty->mu);
        return 0;
    case TIOCGPKT:
        pthread_mutex_lock(&tty->mu);
        v = tty->packet;
        pthread_mutex_unlock(&tty->mu);
        return copy_int_out(t, arg, v);
    case TIOCGPTPEER:
        return devpts_open_peer(f, t, (unsigned int)arg);
    default:
        return tty_ioctl(f, t, /*master=*/true, cmd, arg);
    }
}

static long replica_ioctl(struct file *f, struct task *t, unsigned int cmd, uint64_t arg)
{
    return tty_ioctl(f, t, /*master=*/false, cmd, arg);
}

/* A terminal file's stat: its node's, or a character device for the console. */
static long tty_fstat(struct file *f, struct stat *st)
{
    struct tty *tty = f->priv;

    if (f->dentry != NULL)
        return vfs_inode_getattr(f->dentry->inode, st);
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IFCHR | 0620;
    st->st_rdev = makedev(5, 1);
    st->st_nlink = 1;
    st->st_blksize = 1024;
    st->st_uid = tty->uid;
    st->st_gid = tty->gid;
    st->st_ino = 1;
    st->st_dev = 0x16;
    return 0;
}

static const struct file_ops g_ptmx_file_ops = {
    .name = "ptmx",
    .read = master_read,
    .write = master_write,
    .ioctl = master_ioctl,
    .fstat = tty_fstat,
    .poll = master_poll,
    .release = master_release,
};

static const struct file_ops g_pts_file_ops = {
    .name = "pts",
    .read = replica_read,
    .write = replica_write,
    .ioctl = replica_ioctl,
    .fstat = tty_fstat,
    .poll = replica_poll,
    .release = replica_release,
};

bool devpts_is_tty_file(const struct file *f)
{
    return f != NULL && (f->ops == &g_ptmx_file_ops || f->ops == &g_pts_file_ops);
}

long devpts_open_ctty(struct task *t, unsigned int flags, struct file **out)
{
    struct tty *tty;
    long ret;

    if (t == NULL)
        return -ENXIO;
    pthread_mutex_lock(&t->k->mu);
    pthread_mutex_lock(&g_tty_registry_mu);
    tty = ctty_of_session_locked(t->tg->sid);
    if (tty != NULL)
        get_tty(tty);
    pthread_mutex_unlock(&g_tty_registry_mu);
    pthread_mutex_unlock(&t->k->mu);
    if (tty == NULL)
        return -ENXIO;
    ret = tty_replica_open(tty, flags | O_NOCTTY, out);
    put_tty(tty);
    return ret;
}

long devpts_set_ctty(struct kernel *k, struct file *f, int sid, int pgid)
{
    struct tty *tty;

    if (!devpts_is_tty_file(f))
        return -ENOTTY;
    tty = f->priv;
    pthread_mutex_lock(&tty->mu);
    tty->k = k;
    tty->session = sid;
    tty->pgrp = pgid;
    pthread_mutex_unlock(&tty->mu);
    return 0;
}

void devpts_session_leader_exit(struct kernel *k, int sid)
{
    struct tty *tty;
    int pgrp = 0;

    pthread_mutex_lock(&k->mu);
    pthread_mutex_lock(&g_tty_registry_mu);
    tty = ctty_of_session_locked(sid);
    if (tty != NULL) {
        pthread_mutex_lock(&tty->mu);
        pgrp = tty->pgrp;
        tty->session = 0;
        tty->pgrp = 0;
        pthread_mutex_unlock(&tty->mu);
    }
    pthread_mutex_unlock(&g_tty_registry_mu);
    if (pgrp > 0) {
        send_pgrp_locked(k, pgrp, SIGHUP);
        send_pgrp_locked(k, pgrp, SIGCONT);
    }
    pthread_mutex_unlock(&k->mu);
}

int devpts_session_foreground_locked(int sid)
{
    struct tty *tty;
    int pgrp = 0;

    pthread_mutex_lock(&g_tty_registry_mu);
    tty = ctty_of_session_locked(sid);
    if (tty != NULL) {
        pthread_mutex_lock(&tty->mu);
        pgrp = tty->pgrp;
        pthread_mutex_unlock(&tty->mu);
    }
    pthread_mutex_unlock(&g_tty_registry_mu);
    return pgrp;
}

void devpts_session_tty_name_locked(int sid, char *buf, size_t len)
{
    struct tty *tty;

    if (len == 0)
        return;
    buf[0] = '\0';
    pthread_mutex_lock(&g_tty_registry_mu);
    tty = ctty_of_session_locked(sid);
    if (tty != NULL)
        snprintf(buf, len, "pts/%d", tty->index);
    pthread_mutex_unlock(&g_tty_registry_mu);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The container console: a sentry terminal whose master side is a host pty master fd. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common/fdutil.h"
#include "sentry/fs/devpts/devpts_internal.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"

/* Shared by the two copying threads; the last one to leave frees it. */
struct console_bridge {
    int refs;        /* atomic */
    int fd;          /* the host pty fd; owned */
    bool done;       /* atomic: every replica closed and the output drained; the threads leave */
    struct tty *tty; /* a reference */
    /* The host pty's last window size (output thread only). */
    struct winsize host_ws;
    bool has_host_ws;
};

/* How often an idle console looks at the host pty's window size. */
#define CONSOLE_SLICE_NS (100 * 1000 * 1000L)

static void put_bridge(struct console_bridge *b)
{
    if (__atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    close(b->fd);
    put_tty(b->tty);
    free(b);
}

/*
 * Host -> sentry: what the user types goes through the sentry's line
 * discipline. It polls with a timeout so that it notices `done` (a blocked
 * read would keep the host fd open, and its holder would never see EIO).
 */
static void *console_input_thread(void *arg)
{
    struct console_bridge *b = arg;
    uint8_t buf[4096];

    for (;;) {
        struct pollfd pfd = { .fd = b->fd, .events = POLLIN };
        int r = poll(&pfd, 1, CONSOLE_SLICE_NS / 1000000);
        ssize_t n;

        if (__atomic_load_n(&b->done, __ATOMIC_ACQUIRE))
            break;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        if (r == 0)
            continue;
        n = read(b->fd, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            break; /* the host side hung up (EIO) or the fd is gone */
        for (ssize_t done = 0; done < n;) {
            long r = tty_master_input(b->tty, NULL, buf + done, (size_t)(n - done),
                                      /*nonblock=*/false);

            if (r < 0)
                break; /* the input queue is full and no replica is open: drop the rest */
            done += r;
        }
    }
    tty_hangup(b->tty);
    put_bridge(b);
    return NULL;
}

/* Follows the host pty's window size (a resize of the user's terminal) into the sentry's. */
static void sync_winsize(struct console_bridge *b)
{
    struct winsize ws;

    if (ioctl(b->fd, TIOCGWINSZ, &ws) < 0 || memcmp(&ws, &b->host_ws, sizeof(ws)) == 0)
        return;
    b->host_ws = ws;
    tty_set_winsize(b->tty, &ws);
}

/* Sentry -> host: what the app writes (after output processing) goes to the user's pty. */
static void *console_output_thread(void *arg)
{
    struct console_bridge *b = arg;
    uint8_t buf[4096];

    for (;;) {
        long n = tty_master_output(b->tty, NULL, buf, sizeof(buf), /*nonblock=*/true);
        struct timespec ts;
        bool hung_up;

        if (n > 0) {
            if (rt_write_all_raw(b->fd, buf, (size_t)n) < 0)
                break;
            continue;
        }
        if (n == -EIO) {
            /*
             * Every replica is closed and the output drained: the process
             * that had the console is gone. Let go of the host fd (when both
             * threads have left) so that its master reads EIO, as a pty
             * master does once its last replica closes.
             */
            __atomic_store_n(&b->done, true, __ATOMIC_RELEASE);
            break;
        }
        /* Nothing to copy now. Sleep for a change or a slice, then look at the size. */
        pthread_mutex_lock(&b->tty->mu);
        hung_up = b->tty->hung_up;
        if (!hung_up && b->tty->out_len == 0) {
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_nsec += CONSOLE_SLICE_NS;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&b->tty->cv, &b->tty->mu, &ts);
        }
        pthread_mutex_unlock(&b->tty->mu);
        if (hung_up)
            break;
        if (b->has_host_ws)
            sync_winsize(b);
    }
    put_bridge(b);
    return NULL;
}

long devpts_console_new(int host_fd, struct file **out)
{
    struct console_bridge *b = calloc(1, sizeof(*b));
    struct termios raw;
    pthread_t th;
    struct file *f;

    if (b == NULL) {
        close(host_fd);
        return -ENOMEM;
    }
    b->fd = host_fd;
    b->refs = 1;
    b->tty = tty_new(/*console=*/true);
    if (b->tty == NULL) {
        put_bridge(b);
        return -ENOMEM;
    }
    /* The host pty passes bytes unchanged: echo, signals and line editing are the sentry's. */
    if (tcgetattr(host_fd, &raw) == 0) {
        struct winsize ws;

        cfmakeraw(&raw);
        tcsetattr(host_fd, TCSANOW, &raw);
        if (ioctl(host_fd, TIOCGWINSZ, &ws) == 0) {
            b->tty->ws = b->host_ws = ws;
            b->has_host_ws = true;
        }
    }
    b->tty->masters = 1; /* the host side, for as long as the bridge runs */
    f = tty_file_new(b->tty, /*master=*/false, O_RDWR);
    if (f == NULL) {
        put_bridge(b);
        return -ENOMEM;
    }
    b->refs = 3; /* this function's, and one per thread */
    if (pthread_create(&th, NULL, console_input_thread, b) != 0) {
        b->refs--;
        tty_hangup(b->tty);
        put_bridge(b);
        put_bridge(b);
        put_file(f);
        return -EAGAIN;
    }
    pthread_detach(th);
    if (pthread_create(&th, NULL, console_output_thread, b) != 0) {
        b->refs--;
        tty_hangup(b->tty);
        put_bridge(b);
        put_file(f);
        return -EAGAIN;
    }
    pthread_detach(th);
    put_bridge(b);
    *out = f;
    return 0;
}

long devpts_console_install(struct task *t, int host_fd, unsigned short rows, unsigned short cols,
                            uint32_t uid)
{
    int dup = fcntl(host_fd, F_DUPFD_CLOEXEC, 3);
    struct file *f = NULL, *node = NULL;
    struct tty *tty;
    char path[32];
    long ret;

    if (dup < 0)
        return -errno;
    ret = devpts_console_new(dup, &f);
    if (ret < 0)
        return ret;
    tty = f->priv;
    pthread_mutex_lock(&tty->mu);
    tty->uid = uid;
    pthread_mutex_unlock(&tty->mu);
    if (rows != 0 || cols != 0) {
        struct winsize ws = { .ws_row = rows, .ws_col = cols };

        tty_set_winsize(tty, &ws);
    }
    /*
     * Through its node when the process's tree has devpts at /dev/pts: then
     * ttyname(0) finds /dev/pts/N, as in runc. Opened before `f` goes, so
     * the replica count never drops to 0 (the bridge would end).
     */
    snprintf(path, sizeof(path), "/dev/pts/%d", tty->index);
    if (vfs_open(t, AT_FDCWD, path, O_RDWR | O_NOCTTY, 0, &node) == 0) {
        if (devpts_is_tty_file(node) && node->priv == tty) {
            put_file(f);
            f = node;
        } else {
            put_file(node);
        }
    }
    for (int fd = 0; fd < 3 && ret >= 0; fd++)
        ret = fd_table_install_at(t->fdt, fd, f, /*cloexec=*/false, task_nofile_limit(t));
    if (ret >= 0) {
        pthread_mutex_lock(&t->k->mu);
        ret = devpts_set_ctty(t->k, f, t->tg->sid, t->tg->pgid);
        pthread_mutex_unlock(&t->k->mu);
    }
    put_file(f);
    return ret < 0 ? ret : 0;
}

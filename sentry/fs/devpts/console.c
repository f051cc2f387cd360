/* SPDX-License-Identifier: Apache-2.0 */
/* The container console: a sentry terminal whose master side is a host pty master fd. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "sentry/fs/devpts/devpts_internal.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"

/* Shared by the two copying threads; the last one to leave frees it. */
struct console_bridge {
    int refs;        /* atomic */
    int fd;          /* the host pty master; owned */
    struct tty *tty; /* a reference */
};

static void put_bridge(struct console_bridge *b)
{
    if (__atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    close(b->fd);
    put_tty(b->tty);
    free(b);
}

/* Host -> sentry: what the user types goes through the sentry's line discipline. */
static void *console_input_thread(void *arg)
{
    struct console_bridge *b = arg;
    uint8_t buf[4096];

    for (;;) {
        ssize_t n = read(b->fd, buf, sizeof(buf));

        if (n < 0 && errno == EINTR)
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

static bool write_all(int fd, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* Sentry -> host: what the app writes (after output processing) goes to the user's pty. */
static void *console_output_thread(void *arg)
{
    struct console_bridge *b = arg;
    uint8_t buf[4096];

    for (;;) {
        long n = tty_master_output(b->tty, NULL, buf, sizeof(buf), /*nonblock=*/false);
        bool hung_up;

        if (n > 0) {
            if (!write_all(b->fd, buf, (size_t)n))
                break;
            continue;
        }
        /* -EIO: no replica is open right now; the console stays until the host hangs up. */
        pthread_mutex_lock(&b->tty->mu);
        hung_up = b->tty->hung_up;
        if (!hung_up) {
            struct timespec ts;

            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_nsec += 50 * 1000 * 1000;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&b->tty->cv, &b->tty->mu, &ts);
        }
        pthread_mutex_unlock(&b->tty->mu);
        if (hung_up)
            break;
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
        if (ioctl(host_fd, TIOCGWINSZ, &ws) == 0)
            b->tty->ws = ws;
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

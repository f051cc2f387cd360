/* SPDX-License-Identifier: Apache-2.0 */
/* Attached terminals: `run` / `exec` without --console-socket copy between the user and the pty. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "runsc/runsc.h"

/* SIGCHLD and SIGWINCH wake the copy loop through this pipe. */
static int g_wake[2] = { -1, -1 };
static volatile sig_atomic_t g_winch;

static void on_signal(int sig)
{
    int saved = errno;
    char c = (char)sig;

    if (sig == SIGWINCH)
        g_winch = 1;
    if (write(g_wake[1], &c, 1) < 0) {
        /* A full pipe already holds a wake-up. */
    }
    errno = saved;
}

/* The user's window size onto the container's pty (runc does the same). */
static void copy_winsize(int master)
{
    struct winsize ws;

    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        ioctl(master, TIOCSWINSZ, &ws);
}

/* Copies what `from` has now to `to`. Returns false at EOF or an error of `from`. */
static bool copy_once(int from, int to)
{
    char buf[8192];
    ssize_t n = read(from, buf, sizeof(buf));

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    rt_write_all_raw(to, buf, (size_t)n);
    return true;
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int runsc_console_attach(int master, pid_t waiter, int *status, rt_error_t *err)
{
    struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
    struct sigaction old_chld, old_winch;
    struct termios saved, raw;
    bool is_tty = tcgetattr(STDIN_FILENO, &saved) == 0;
    bool in_open = true, master_open = true, exited = false;
    long drain_until = 0;
    int ret = 0;

    if (pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) < 0)
        return rt_make_error(err, errno, "pipe");
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, &old_chld);
    sigaction(SIGWINCH, &sa, &old_winch);
    if (is_tty) {
        /* Keys go to the container's terminal unchanged: its line discipline is the one. */
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
        copy_winsize(master);
    }
    for (;;) {
        struct pollfd p[3] = {
            { .fd = g_wake[0], .events = POLLIN },
            { .fd = master_open ? master : -1, .events = POLLIN },
            { .fd = in_open && !exited ? STDIN_FILENO : -1, .events = POLLIN },
        };
        int timeout = -1;

        if (!exited) {
            pid_t r = waitpid(waiter, status, WNOHANG);

            if (r == waiter) {
                /* What the process wrote last is still on its way through the pty. */
                exited = true;
                drain_until = now_ms() + 500;
            } else if (r < 0 && errno != EINTR) {
                ret = rt_make_error(err, errno, "waiting for the container's process");
                break;
            }
        }
        if (exited) {
            timeout = (int)(drain_until - now_ms());
            if (!master_open || timeout <= 0)
                break;
        }
        if (!master_open && !exited) {
            /* The terminal is gone before the process: just wait. */
            while (waitpid(waiter, status, 0) < 0 && errno == EINTR)
                ;
            break;
        }
        if (poll(p, 3, timeout) < 0) {
            if (errno == EINTR)
                continue;
            ret = rt_make_error(err, errno, "poll");
            break;
        }
        if (p[0].revents != 0) {
            char drain[64];

            while (read(g_wake[0], drain, sizeof(drain)) > 0)
                ;
            if (g_winch && is_tty) {
                g_winch = 0;
                copy_winsize(master);
            }
        }
        if (p[1].revents != 0)
            master_open = copy_once(master, STDOUT_FILENO);
        if (p[2].revents != 0)
            in_open = copy_once(STDIN_FILENO, master);
    }
    if (is_tty)
        tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
    sigaction(SIGCHLD, &old_chld, NULL);
    sigaction(SIGWINCH, &old_winch, NULL);
    close(g_wake[0]);
    close(g_wake[1]);
    g_wake[0] = g_wake[1] = -1;
    return ret;
}

// SPDX-License-Identifier: Apache-2.0
// OCI hooks: each runs with the container's state on stdin, in order, under its timeout.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "common/syscalls.h"
#include "sandbox/sandbox.h"
#include "specutils/specutils.h"

static long long mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Builds a NULL-terminated copy of `v` (borrowing the strings); `fallback` when `v` is empty. */
static char **strv_of(const struct spec_strv *v, const char *fallback)
{
    char **out = xcalloc(v->n + 2, sizeof(char *));

    if (v->n == 0 && fallback != NULL)
        out[0] = (char *)fallback;
    for (size_t i = 0; i < v->n; i++)
        out[i] = v->v[i];
    return out;
}

static int run_one(const struct spec_hook *h, const char *what, size_t idx, const char *state_json,
                   rt_error_t *err)
{
    cleanup_free char **argv = strv_of(&h->args, h->path);
    cleanup_free char **envp = strv_of(&h->env, NULL);
    int in[2] = { -1, -1 };
    int pidfd = -1;
    int status = 0;
    int out_fd;
    pid_t pid;
    long long deadline;

    if (pipe2(in, O_CLOEXEC) < 0)
        return rt_make_error(err, errno, "pipe");
    out_fd = rt_log_fd();
    pid = fork();
    if (pid < 0) {
        close(in[0]);
        close(in[1]);
        return rt_make_error(err, errno, "fork");
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);

        if (dup2(in[0], 0) < 0 || dup2(out_fd >= 0 ? out_fd : null, 1) < 0 ||
            dup2(out_fd >= 0 ? out_fd : null, 2) < 0)
            _exit(127);
        rt_sys_close_range(3, ~0U, 0);
        execve(h->path, argv, envp);
        _exit(127);
    }
    close(in[0]);
    /* A hook that does not read its stdin must not block us: the state is small anyway. */
    signal(SIGPIPE, SIG_IGN);
    if (write(in[1], state_json, strlen(state_json)) < 0 && errno != EPIPE)
        log_debug("%s hook %zu: writing the state: %s", what, idx, strerror(errno));
    close(in[1]);

    pidfd = rt_sys_pidfd_open(pid, 0);
    deadline = h->has_timeout ? mono_ms() + (long long)h->timeout * 1000 : -1;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            if (pidfd >= 0)
                close(pidfd);
            return rt_make_error(err, errno, "waiting for %s hook %zu `%s`", what, idx, h->path);
        }
        if (deadline >= 0 && mono_ms() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            if (pidfd >= 0)
                close(pidfd);
            return rt_make_error(err, ETIMEDOUT, "%s hook %zu `%s` timed out after %d s", what, idx,
                                 h->path, h->timeout);
        }
        if (pidfd >= 0) {
            struct pollfd p = { .fd = pidfd, .events = POLLIN };

            poll(&p, 1, 100);
        } else {
            usleep(10000);
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        return rt_make_error(err, 0, "%s hook %zu `%s` exited with status %d", what, idx, h->path,
                             WEXITSTATUS(status));
    return rt_make_error(err, 0, "%s hook %zu `%s` was killed by signal %d", what, idx, h->path,
                         WTERMSIG(status));
}

int hooks_run(const struct spec_hook_list *hooks, const char *what, const char *state_json,
              rt_error_t *err)
{
    for (size_t i = 0; i < hooks->n; i++) {
        log_debug("running %s hook %zu: %s", what, i, hooks->v[i].path);
        if (run_one(&hooks->v[i], what, i, state_json, err) < 0)
            return -1;
    }
    return 0;
}

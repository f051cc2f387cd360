// SPDX-License-Identifier: Apache-2.0
// OCI hooks: each runs with the container's state on stdin, in order, under its timeout.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
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

/* At most this much of a hook's output is kept for its error message. */
#define HOOK_OUTPUT_MAX 4096

/*
 * Reads what is available on the non-blocking `fd` into `out` (keeping at most
 * HOOK_OUTPUT_MAX bytes). Returns 1 after reading, 0 at EOF, -1 when nothing
 * is available now.
 */
static int drain_output(int fd, struct strbuf *out)
{
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof(buf));

    if (n < 0)
        return errno == EINTR ? 1 : errno == EAGAIN ? -1 : 0;
    if (n == 0)
        return 0;
    if (out->len < HOOK_OUTPUT_MAX)
        strbuf_append_len(out, buf,
                          (size_t)n < HOOK_OUTPUT_MAX - out->len ? (size_t)n
                                                                 : HOOK_OUTPUT_MAX - out->len);
    return 1;
}

/* Returns the hook's output as ": <output>" without trailing newlines, or "" when it said nothing.
 */
static char *output_suffix(struct strbuf *out)
{
    while (out->len > 0 && (out->buf[out->len - 1] == '\n' || out->buf[out->len - 1] == '\r'))
        out->buf[--out->len] = '\0';
    return out->len > 0 ? xasprintf(": %s", out->buf) : xstrdup("");
}

/*
 * Runs one hook with the state on its stdin. Its stdout and stderr are
 * captured, never passed through: the --log file must hold only our JSON
 * records (containerd and dockerd parse it), and our own stdout may be the
 * container's. A failing hook's output ends up in the error message, as runc
 * does.
 */
static int run_one(const struct spec_hook *h, const char *what, size_t idx, const char *state_json,
                   rt_error_t *err)
{
    cleanup_free char **argv = strv_of(&h->args, h->path);
    cleanup_free char **envp = strv_of(&h->env, NULL);
    cleanup_free char *said = NULL;
    struct strbuf output = STRBUF_INIT;
    int in[2] = { -1, -1 };
    int out[2] = { -1, -1 };
    cleanup_close int pidfd = -1;
    bool out_open = true;
    int status = 0;
    pid_t pid;
    long long deadline;
    int ret;

    if (pipe2(in, O_CLOEXEC) < 0)
        return rt_make_error(err, errno, "pipe");
    if (pipe2(out, O_CLOEXEC | O_NONBLOCK) < 0) {
        close(in[0]);
        close(in[1]);
        return rt_make_error(err, errno, "pipe");
    }
    pid = fork();
    if (pid < 0) {
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        return rt_make_error(err, errno, "fork");
    }
    if (pid == 0) {
        int wfd = fcntl(out[1], F_DUPFD, 3);

        if (wfd < 0 || fcntl(wfd, F_SETFL, 0) < 0 || dup2(in[0], 0) < 0 || dup2(wfd, 1) < 0 ||
            dup2(wfd, 2) < 0)
            _exit(127);
        rt_sys_close_range(3, ~0U, 0);
        execve(h->path, argv, envp);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    /* A hook that does not read its stdin must not block us: the state is small anyway. */
    signal(SIGPIPE, SIG_IGN);
    if (write(in[1], state_json, strlen(state_json)) < 0 && errno != EPIPE)
        log_debug("%s hook %zu: writing the state: %s", what, idx, strerror(errno));
    close(in[1]);

    pidfd = rt_sys_pidfd_open(pid, 0);
    deadline = h->has_timeout ? mono_ms() + (long long)h->timeout * 1000 : -1;
    for (;;) {
        struct pollfd p[2] = { { .fd = out_open ? out[0] : -1, .events = POLLIN },
                               { .fd = pidfd, .events = POLLIN } };
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            ret = rt_make_error(err, errno, "waiting for %s hook %zu `%s`", what, idx, h->path);
            goto out;
        }
        if (deadline >= 0 && mono_ms() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            ret = rt_make_error(err, ETIMEDOUT, "%s hook %zu `%s` timed out after %d s", what, idx,
                                h->path, h->timeout);
            goto out;
        }
        if (poll(p, 2, 100) > 0 && out_open && (p[0].revents & (POLLIN | POLLHUP)))
            out_open = drain_output(out[0], &output) != 0;
    }
    /* What the hook wrote before exiting; a child it left behind may hold the pipe open. */
    while (out_open && drain_output(out[0], &output) > 0)
        ;
    said = output_suffix(&output);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (output.len > 0)
            log_debug("%s hook %zu `%s` said%s", what, idx, h->path, said);
        ret = 0;
    } else if (WIFEXITED(status)) {
        ret = rt_make_error(err, 0, "%s hook %zu `%s` exited with status %d%s", what, idx, h->path,
                            WEXITSTATUS(status), said);
    } else {
        ret = rt_make_error(err, 0, "%s hook %zu `%s` was killed by signal %d%s", what, idx,
                            h->path, WTERMSIG(status), said);
    }
out:
    close(out[0]);
    strbuf_release(&output);
    return ret;
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

// SPDX-License-Identifier: Apache-2.0
// The waiter: the --pid-file process that waits on the sandbox, forwards signals and exits alike.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fileutil.h"
#include "sandbox/sandbox.h"

int waiter_exit_code(int wait_status)
{
    if (WIFEXITED(wait_status))
        return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status))
        return 128 + WTERMSIG(wait_status);
    return 255;
}

struct wait_thread {
    const struct waiter_config *cfg;
    int done_fd; /* write end: one byte when the wait ended */
    int status;  /* wait(2) status, or -1 when the sandbox went away */
};

static void *wait_thread_main(void *arg)
{
    struct wait_thread *w = arg;
    cleanup_error rt_error_t err = NULL;
    struct control_request req = {
        .kind = CONTROL_REQ_WAIT,
        .wait = { .container_id = w->cfg->container_id, .pid = w->cfg->pid },
    };
    struct control_response resp = { 0 };

    w->status = -1;
    if (control_call(w->cfg->socket_path, &req, NULL, 0, &resp, &err) < 0)
        log_warning("waiter for `%s`: %s", w->cfg->container_id, rt_error_msg(err));
    else if (resp.kind == CONTROL_RESULT_WAIT)
        w->status = resp.wait_status;
    control_response_free(&resp);
    if (write(w->done_fd, "x", 1) < 0) {
        /* the main thread polls the pipe; nothing else to do */
    }
    return NULL;
}

static void forward(const struct waiter_config *cfg, int sig)
{
    cleanup_error rt_error_t err = NULL;
    struct control_request req = {
        .kind = CONTROL_REQ_SIGNAL,
        .signal = { .container_id = cfg->container_id,
                    .signo = sig,
                    .target = cfg->pid > 0 ? CONTROL_SIGNAL_PROCESS : CONTROL_SIGNAL_INIT,
                    .pid = cfg->pid },
    };
    struct control_response resp = { 0 };

    if (control_call(cfg->socket_path, &req, NULL, 0, &resp, &err) < 0)
        log_debug("waiter: forwarding signal %d: %s", sig, rt_error_msg(err));
    control_response_free(&resp);
}

void waiter_main(const struct waiter_config *cfg)
{
    struct wait_thread w = { .cfg = cfg };
    int done[2];
    sigset_t all;
    int sfd, code;
    pthread_t th;

    /* Every catchable signal but the ones about ourselves is for the container. */
    sigfillset(&all);
    sigdelset(&all, SIGCHLD);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    sigdelset(&all, SIGPIPE);
    signal(SIGPIPE, SIG_IGN);
    sigprocmask(SIG_BLOCK, &all, NULL);
    sfd = signalfd(-1, &all, SFD_CLOEXEC);
    if (sfd < 0 || pipe2(done, O_CLOEXEC) < 0) {
        log_error("waiter: %s", strerror(errno));
        _exit(255);
    }
    w.done_fd = done[1];
    if (pthread_create(&th, NULL, wait_thread_main, &w) != 0) {
        log_error("waiter: cannot start its thread");
        _exit(255);
    }
    for (;;) {
        struct pollfd p[2] = { { .fd = sfd, .events = POLLIN },
                               { .fd = done[0], .events = POLLIN } };

        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents != 0)
            break;
        if (p[0].revents != 0) {
            struct signalfd_siginfo si;

            if (read(sfd, &si, sizeof(si)) == sizeof(si))
                forward(cfg, (int)si.ssi_signo);
        }
    }
    pthread_join(th, NULL);
    code = w.status < 0 ? 255 : waiter_exit_code(w.status);
    if (cfg->status_path != NULL) {
        cleanup_error rt_error_t err = NULL;
        char buf[32];
        snprintf(buf, sizeof(buf), "%d\n", w.status < 0 ? -1 : code);
        /* Not durable: the status of a process does not outlive a power loss either. */
        if (rt_replace_file(AT_FDCWD, cfg->status_path, buf, strlen(buf), 0600, 0, &err) < 0)
            log_warning("waiter: %s", rt_error_msg(err));
    }
    _exit(code);
}

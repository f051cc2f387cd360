// SPDX-License-Identifier: Apache-2.0
// Starts `runsc-c gofer` for a container's rootfs with only its named descriptors.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "common/sync.h"
#include "common/syscalls.h"
#include "sandbox/sandbox.h"

/* The gofer's descriptor numbers, named by its flags. */
enum { GOFER_FD_SOCK = 3, GOFER_FD_ROOT = 4, GOFER_FD_SYNC = 5, GOFER_FD_LOG = 6 };

#define GOFER_HIGH_FD 10

static int dup_high(int fd, const char *what, rt_error_t *err)
{
    int hi = fcntl(fd, F_DUPFD_CLOEXEC, GOFER_HIGH_FD);

    if (hi < 0)
        return rt_make_error(err, errno, "duplicating the %s descriptor", what);
    return hi;
}

int gofer_spawn(const struct gofer_spawn_config *cfg, pid_t *pid_out, int *sentry_fd,
                rt_error_t *err)
{
    cleanup_close int root = -1, sock_ours = -1, sock_theirs = -1, exe = -1, devnull = -1;
    cleanup_close int sync_r = -1, sync_w = -1, log_fd = -1;
    int pair[2], sync_fds[2];
    char *argv[10];
    char *envp[] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
    size_t n = 0;
    pid_t pid;

    root = open(cfg->rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return rt_make_error(err, errno, "open rootfs `%s`", cfg->rootfs);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
        return rt_make_error(err, errno, "socketpair");
    sock_ours = pair[0];
    sock_theirs = pair[1];
    if (rt_sync_pipe(sync_fds, err) < 0)
        return -1;
    sync_r = sync_fds[0];
    sync_w = sync_fds[1];
    exe = open(cfg->exe != NULL ? cfg->exe : "/proc/self/exe", O_PATH | O_CLOEXEC);
    if (exe < 0)
        return rt_make_error(err, errno, "open the runsc-c binary");
    devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0)
        return rt_make_error(err, errno, "open /dev/null");
    /* Clear of the numbers the child dup2s onto. */
    {
        int *fds[] = { &root, &sock_theirs, &sync_w, &exe, &devnull };

        for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
            int hi = dup_high(*fds[i], "gofer", err);

            if (hi < 0)
                return -1;
            close(*fds[i]);
            *fds[i] = hi;
        }
        if (cfg->log_fd >= 0 && (log_fd = dup_high(cfg->log_fd, "log", err)) < 0)
            return -1;
    }
    argv[n++] = (char *)"runsc-c";
    argv[n++] = (char *)"gofer";
    argv[n++] = (char *)"--sock-fd=3";
    argv[n++] = (char *)"--root-fd=4";
    argv[n++] = (char *)"--sync-fd=5";
    if (cfg->readonly)
        argv[n++] = (char *)"--readonly";
    if (log_fd >= 0)
        argv[n++] = (char *)"--log-fd=6";
    if (cfg->debug)
        argv[n++] = (char *)"--debug";
    argv[n] = NULL;

    pid = fork();
    if (pid < 0)
        return rt_make_error(err, errno, "fork gofer");
    if (pid == 0) {
        sigset_t none;

        if (dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0 ||
            dup2(sock_theirs, GOFER_FD_SOCK) < 0 || dup2(root, GOFER_FD_ROOT) < 0 ||
            dup2(sync_w, GOFER_FD_SYNC) < 0 || (log_fd >= 0 && dup2(log_fd, GOFER_FD_LOG) < 0)) {
            rt_sync_fail_errno(sync_w, errno, "placing the gofer's descriptors");
            _exit(1);
        }
        /* Everything else (a shim's leaked fd 3 included) goes at exec. */
        rt_sys_close_range(log_fd >= 0 ? GOFER_FD_LOG + 1 : GOFER_FD_LOG, ~0U, CLOSE_RANGE_CLOEXEC);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        rt_sys_execveat(exe, "", argv, envp, AT_EMPTY_PATH);
        rt_sync_fail_errno(GOFER_FD_SYNC, errno, "executing the gofer");
        _exit(127);
    }
    close(sync_w);
    sync_w = -1;
    if (rt_sync_wait(sync_r, 30000, err) < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return rt_error_wrap(err, "starting the gofer");
    }
    *pid_out = pid;
    *sentry_fd = take_fd(&sock_ours);
    return 0;
}

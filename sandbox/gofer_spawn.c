// SPDX-License-Identifier: Apache-2.0
// Starts `runsc-c gofer` for a container's rootfs (and its bind mounts) with only its named
// descriptors.
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

/* The bind mounts' pairs follow: --mount-fds=SOCK,DIR with SOCK = GOFER_FD_MOUNTS + 2 * i. */
enum { GOFER_FD_MOUNTS = 7, GOFER_SPAWN_MAX_MOUNTS = 32 };

#define GOFER_HIGH_FD 100

static int dup_high(int fd, const char *what, rt_error_t *err)
{
    int hi = fcntl(fd, F_DUPFD_CLOEXEC, GOFER_HIGH_FD);

    if (hi < 0)
        return rt_make_error(err, errno, "duplicating the %s descriptor", what);
    return hi;
}

static void close_fds(int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
}

int gofer_spawn_mounts(const struct gofer_spawn_config *cfg, const int *dirs, const bool *ro,
                       size_t n, pid_t *pid_out, int *sentry_fds, rt_error_t *err)
{
    cleanup_close int root = -1, sock_ours = -1, sock_theirs = -1, exe = -1, devnull = -1;
    cleanup_close int sync_r = -1, sync_w = -1, log_fd = -1;
    int m_ours[GOFER_SPAWN_MAX_MOUNTS], m_theirs[GOFER_SPAWN_MAX_MOUNTS];
    int m_dirs[GOFER_SPAWN_MAX_MOUNTS];
    char m_args[GOFER_SPAWN_MAX_MOUNTS][48];
    int pair[2], sync_fds[2];
    char *argv[11 + GOFER_SPAWN_MAX_MOUNTS];
    char *envp[] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
    size_t argc = 0;
    int ret = -1;
    pid_t pid;

    if (n > GOFER_SPAWN_MAX_MOUNTS)
        return rt_make_error(err, E2BIG, "more than %d bind mounts", GOFER_SPAWN_MAX_MOUNTS);
    for (size_t i = 0; i < GOFER_SPAWN_MAX_MOUNTS; i++)
        m_ours[i] = m_theirs[i] = m_dirs[i] = -1;
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
    for (size_t i = 0; i < n; i++) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
            rt_make_error(err, errno, "socketpair");
            goto out;
        }
        m_ours[i] = pair[0];
        m_theirs[i] = dup_high(pair[1], "gofer mount", err);
        close(pair[1]);
        if (m_theirs[i] < 0)
            goto out;
        m_dirs[i] = dup_high(dirs[i], "bind mount", err);
        if (m_dirs[i] < 0)
            goto out;
    }
    argv[argc++] = (char *)"runsc-c";
    argv[argc++] = (char *)"gofer";
    argv[argc++] = (char *)"--sock-fd=3";
    argv[argc++] = (char *)"--root-fd=4";
    argv[argc++] = (char *)"--sync-fd=5";
    if (cfg->readonly)
        argv[argc++] = (char *)"--readonly";
    if (log_fd >= 0) {
        argv[argc++] = (char *)"--log-fd=6";
        argv[argc++] = cfg->log_format == RT_LOG_FORMAT_JSON ? (char *)"--log-format=json"
                                                             : (char *)"--log-format=text";
    }
    if (cfg->debug)
        argv[argc++] = (char *)"--debug";
    for (size_t i = 0; i < n; i++) {
        snprintf(m_args[i], sizeof(m_args[i]), "--mount-fds=%d,%d%s", GOFER_FD_MOUNTS + 2 * (int)i,
                 GOFER_FD_MOUNTS + 2 * (int)i + 1, ro[i] ? ",ro" : "");
        argv[argc++] = m_args[i];
    }
    argv[argc] = NULL;

    pid = fork();
    if (pid < 0) {
        rt_make_error(err, errno, "fork gofer");
        goto out;
    }
    if (pid == 0) {
        sigset_t none;

        if (dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0 ||
            dup2(sock_theirs, GOFER_FD_SOCK) < 0 || dup2(root, GOFER_FD_ROOT) < 0 ||
            dup2(sync_w, GOFER_FD_SYNC) < 0 || (log_fd >= 0 && dup2(log_fd, GOFER_FD_LOG) < 0)) {
            rt_sync_fail_errno(sync_w, errno, "placing the gofer's descriptors");
            _exit(1);
        }
        for (size_t i = 0; i < n; i++) {
            if (dup2(m_theirs[i], GOFER_FD_MOUNTS + 2 * (int)i) < 0 ||
                dup2(m_dirs[i], GOFER_FD_MOUNTS + 2 * (int)i + 1) < 0) {
                rt_sync_fail_errno(sync_w, errno, "placing the gofer's mount descriptors");
                _exit(1);
            }
        }
        /* Without a log, whatever sits on its number goes too. */
        if (log_fd < 0)
            fcntl(GOFER_FD_LOG, F_SETFD, FD_CLOEXEC);
        /* Everything else (a shim's leaked fd 3 included) goes at exec. */
        rt_sys_close_range(GOFER_FD_MOUNTS + 2 * (unsigned int)n, ~0U, CLOSE_RANGE_CLOEXEC);
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
        rt_error_wrap(err, "starting the gofer");
        goto out;
    }
    log_debug("gofer %d serves `%s`%s and %zu bind mounts", (int)pid, cfg->rootfs,
              cfg->readonly ? " read-only" : "", n);
    *pid_out = pid;
    sentry_fds[0] = take_fd(&sock_ours);
    for (size_t i = 0; i < n; i++) {
        sentry_fds[1 + i] = m_ours[i];
        m_ours[i] = -1;
    }
    ret = 0;
out:
    close_fds(m_ours, n);
    close_fds(m_theirs, n);
    close_fds(m_dirs, n);
    return ret;
}

int gofer_spawn(const struct gofer_spawn_config *cfg, pid_t *pid_out, int *sentry_fd,
                rt_error_t *err)
{
    return gofer_spawn_mounts(cfg, NULL, NULL, 0, pid_out, sentry_fd, err);
}

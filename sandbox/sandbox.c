// SPDX-License-Identifier: Apache-2.0
// Starts the sandbox process (`runsc-c boot`) in new namespaces, with only its named fds.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "common/sync.h"
#include "common/syscalls.h"
#include "sandbox/sandbox.h"
#include "specutils/specutils.h"

/* The descriptor numbers the boot process gets (named by its flags). */
enum {
    BOOT_FD_SPEC = 3,
    BOOT_FD_CONTROL = 4,
    BOOT_FD_SYNC = 5,
    BOOT_FD_LOG = 6,
    BOOT_FD_FIRST_FREE = 7,
};

/* Child-side descriptors are moved at or above this, clear of the BOOT_FD_* targets. */
#define HIGH_FD_BASE 10

#define MAX_JOINS 3

/* Everything the child needs, prepared before clone3: the child allocates nothing. */
struct child_plan {
    int exe_fd, devnull_fd, spec_fd, control_fd, sync_fd, log_fd; /* all >= HIGH_FD_BASE */
    int go_fd;   /* read end: one byte means "exec", EOF means "the caller died, exit" */
    int go_peer; /* the caller's write end, which the child closes (not owned here) */
    int join_fds[MAX_JOINS];
    int join_types[MAX_JOINS];
    char *join_msgs[MAX_JOINS];
    size_t n_joins;
    char **argv;
    char **envp;
};

static void plan_release(struct child_plan *p)
{
    int fds[] = { p->exe_fd,  p->devnull_fd, p->spec_fd, p->control_fd,
                  p->sync_fd, p->log_fd,     p->go_fd };

    rt_close_fd_array(fds, ARRAY_SIZE(fds));
    rt_close_fd_array(p->join_fds, p->n_joins);
    for (size_t i = 0; i < p->n_joins; i++)
        free(p->join_msgs[i]);
    if (p->argv != NULL) {
        for (char **a = p->argv; *a != NULL; a++)
            free(*a);
        free(p->argv);
    }
    free(p->envp);
}

/* Moves `*fd` to a close-on-exec descriptor >= HIGH_FD_BASE (closing the old one). */
static int move_high(int *fd, const char *what, rt_error_t *err)
{
    int hi = fcntl(*fd, F_DUPFD_CLOEXEC, HIGH_FD_BASE);

    if (hi < 0)
        return rt_make_error(err, errno, "duplicating the %s descriptor", what);
    close(*fd);
    *fd = hi;
    return 0;
}

static int spec_memfd(const char *json, size_t len, rt_error_t *err)
{
    cleanup_close int fd = memfd_create("runsc-c-spec", MFD_CLOEXEC | MFD_ALLOW_SEALING);

    if (fd < 0)
        return rt_make_error(err, errno, "memfd_create");
    if (rt_write_all(fd, json, len, err) < 0)
        return rt_error_wrap(err, "writing the spec");
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
        return rt_make_error(err, errno, "sealing the spec");
    if (lseek(fd, 0, SEEK_SET) < 0)
        return rt_make_error(err, errno, "rewinding the spec");
    return take_fd(&fd);
}

/*
 * Decides the namespaces: always new pid, mount, ipc and uts (the sentry
 * serves the app's own; the host ones only isolate the sentry), and a new
 * network namespace unless one is joined or the host's is used. The spec's
 * pid, mount, cgroup and time paths describe the container's view, which
 * the sentry emulates; they are not joined by the sandbox process.
 */
static int plan_namespaces(const struct sandbox_config *cfg, struct child_plan *p, uint64_t *flags,
                           rt_error_t *err)
{
    static const struct {
        const char *name;
        int type;
    } joinable[] = {
        { "network", CLONE_NEWNET },
        { "ipc", CLONE_NEWIPC },
        { "uts", CLONE_NEWUTS },
    };

    *flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;
    if (cfg->network != SANDBOX_NETWORK_HOST)
        *flags |= CLONE_NEWNET;
    if (cfg->spec == NULL)
        return 0;
    if (specutils_namespace_find(cfg->spec, "user") != NULL)
        return rt_make_error(err, ENOTSUP, "user namespaces are not supported by the sandbox yet");
    for (size_t i = 0; i < ARRAY_SIZE(joinable); i++) {
        const struct spec_namespace *ns = specutils_namespace_find(cfg->spec, joinable[i].name);
        int fd;

        if (ns == NULL || ns->path == NULL)
            continue;
        if (joinable[i].type == CLONE_NEWNET && cfg->network != SANDBOX_NETWORK_SANDBOX)
            continue; /* none: a fresh one; host: the caller's */
        fd = open(ns->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return rt_make_error(err, errno, "open %s namespace `%s`", joinable[i].name, ns->path);
        p->join_fds[p->n_joins] = fd;
        p->join_types[p->n_joins] = joinable[i].type;
        p->join_msgs[p->n_joins] =
            xasprintf("joining the %s namespace `%s`", joinable[i].name, ns->path);
        p->n_joins++;
        if (move_high(&p->join_fds[p->n_joins - 1], "namespace", err) < 0)
            return -1;
        *flags &= ~(uint64_t)joinable[i].type;
    }
    return 0;
}

static void plan_argv(const struct sandbox_config *cfg, struct child_plan *p)
{
    size_t n = 0;

    p->argv = xcalloc(14, sizeof(char *));
    p->argv[n++] = xstrdup("runsc-c");
    p->argv[n++] = xstrdup("boot");
    p->argv[n++] = xasprintf("--spec-fd=%d", BOOT_FD_SPEC);
    p->argv[n++] = xasprintf("--control-fd=%d", BOOT_FD_CONTROL);
    p->argv[n++] = xasprintf("--sync-fd=%d", BOOT_FD_SYNC);
    p->argv[n++] = xasprintf("--id=%s", cfg->id);
    if (p->log_fd >= 0) {
        p->argv[n++] = xasprintf("--log-fd=%d", BOOT_FD_LOG);
        p->argv[n++] = xstrdup(cfg->log_format == RT_LOG_FORMAT_JSON ? "--log-format=json"
                                                                     : "--log-format=text");
    }
    if (cfg->debug)
        p->argv[n++] = xstrdup("--debug");
    if (cfg->platform != NULL)
        p->argv[n++] = xasprintf("--platform=%s", cfg->platform);
    if (cfg->strace)
        p->argv[n++] = xstrdup("--strace");
    if (cfg->no_overlay)
        p->argv[n++] = xstrdup("--overlay=none");
    p->argv[n] = NULL;
    /* A fixed environment: nothing of the caller's (containerd's, podman's) leaks in. */
    p->envp = xcalloc(3, sizeof(char *));
    p->envp[0] = (char *)"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
#if defined(__SANITIZE_ADDRESS__)
    /* The leak check at exit stops the world with clone and /proc: the filter forbids both. */
    p->envp[1] = (char *)"ASAN_OPTIONS=detect_leaks=0";
#endif
}

/* The child between clone3 and exec: raw syscalls only, no allocation, no locks. */
static void __attribute__((noreturn)) child_exec(const struct child_plan *p)
{
    sigset_t none;
    ssize_t n;
    char go;

    /*
     * Nothing runs until the caller has recorded our pid: if it is killed
     * before, the pipe reads EOF and no sandbox is left that nobody knows.
     */
    close(p->go_peer);
    while ((n = read(p->go_fd, &go, 1)) < 0 && errno == EINTR)
        ;
    if (n != 1)
        _exit(1);
    for (size_t i = 0; i < p->n_joins; i++) {
        if (setns(p->join_fds[i], p->join_types[i]) < 0) {
            rt_sync_fail_errno(p->sync_fd, errno, p->join_msgs[i]);
            _exit(1);
        }
    }
    /* stdio is /dev/null: the caller's streams (a shim's pipes) are not the sandbox's. */
    if (dup2(p->devnull_fd, 0) < 0 || dup2(p->devnull_fd, 1) < 0 || dup2(p->devnull_fd, 2) < 0 ||
        dup2(p->spec_fd, BOOT_FD_SPEC) < 0 || dup2(p->control_fd, BOOT_FD_CONTROL) < 0 ||
        dup2(p->sync_fd, BOOT_FD_SYNC) < 0 ||
        (p->log_fd >= 0 && dup2(p->log_fd, BOOT_FD_LOG) < 0)) {
        rt_sync_fail_errno(p->sync_fd, errno, "placing the sandbox's descriptors");
        _exit(1);
    }
    /*
     * Everything else goes at exec, in particular whatever the caller leaked
     * to us (the containerd shim's fd 3 was replaced by the spec above).
     */
    if (rt_sys_close_range(p->log_fd >= 0 ? BOOT_FD_LOG + 1 : BOOT_FD_LOG, ~0U,
                           CLOSE_RANGE_CLOEXEC) < 0) {
        rt_sync_fail_errno(BOOT_FD_SYNC, errno, "marking descriptors close-on-exec");
        _exit(1);
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    rt_sys_execveat(p->exe_fd, "", p->argv, p->envp, AT_EMPTY_PATH);
    rt_sync_fail_errno(BOOT_FD_SYNC, errno, "executing the sandbox binary");
    _exit(127);
}

int sandbox_start(const struct sandbox_config *cfg, struct sandbox *out, rt_error_t *err)
{
    struct child_plan p = { -1,    -1,       -1, -1,   -1,  -1, -1, -1, { -1, -1, -1 },
                            { 0 }, { NULL }, 0,  NULL, NULL };
    cleanup_free char *socket_path = NULL;
    cleanup_close int sync_r = -1;
    cleanup_close int go_w = -1;
    int sync_fds[2] = { -1, -1 };
    int go_fds[2] = { -1, -1 };
    int pidfd = -1;
    struct rt_clone_args args = { 0 };
    uint64_t flags = 0;
    long pid;

    memset(out, 0, sizeof(*out));
    out->pidfd = -1;
    if (control_id_validate("sandbox id", cfg->id, err) < 0)
        return -1;
    if (cfg->spec_json == NULL || cfg->spec_json_len == 0)
        return rt_make_error(err, EINVAL, "starting sandbox `%s`: no spec", cfg->id);
    socket_path = xasprintf("%s/%s", cfg->state_dir, CONTROL_SOCKET_NAME);

    if (plan_namespaces(cfg, &p, &flags, err) < 0)
        goto fail;
    p.exe_fd = open(cfg->exe != NULL ? cfg->exe : "/proc/self/exe", O_PATH | O_CLOEXEC);
    if (p.exe_fd < 0) {
        rt_make_error(err, errno, "open `%s`", cfg->exe != NULL ? cfg->exe : "/proc/self/exe");
        goto fail;
    }
    p.devnull_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (p.devnull_fd < 0) {
        rt_make_error(err, errno, "open /dev/null");
        goto fail;
    }
    p.spec_fd = spec_memfd(cfg->spec_json, cfg->spec_json_len, err);
    if (p.spec_fd < 0)
        goto fail;
    if (cfg->log_fd >= 0) {
        p.log_fd = fcntl(cfg->log_fd, F_DUPFD_CLOEXEC, HIGH_FD_BASE);
        if (p.log_fd < 0) {
            rt_make_error(err, errno, "duplicating the log descriptor");
            goto fail;
        }
    }
    if (rt_sync_pipe(sync_fds, err) < 0)
        goto fail;
    sync_r = sync_fds[0];
    p.sync_fd = sync_fds[1];
    if (pipe2(go_fds, O_CLOEXEC) < 0) {
        rt_make_error(err, errno, "pipe2");
        goto fail;
    }
    p.go_fd = go_fds[0];
    go_w = go_fds[1];
    p.go_peer = go_w;
    if (move_high(&p.exe_fd, "executable", err) < 0 ||
        move_high(&p.devnull_fd, "/dev/null", err) < 0 || move_high(&p.spec_fd, "spec", err) < 0 ||
        move_high(&p.sync_fd, "sync", err) < 0)
        goto fail;
    p.control_fd = control_listen(socket_path, err);
    if (p.control_fd < 0)
        goto fail;
    if (move_high(&p.control_fd, "control socket", err) < 0)
        goto fail_unlink;
    plan_argv(cfg, &p);

    args.flags = flags | CLONE_PIDFD;
    args.pidfd = (uint64_t)(uintptr_t)&pidfd;
    args.exit_signal = SIGCHLD;
    /*
     * clone3 with CLONE_NEWPID makes the child pid 1 of the new pid
     * namespace from its first instruction (unshare would only move our
     * future children there), so no intermediate process is needed.
     */
    pid = rt_sys_clone3(&args, sizeof(args));
    if (pid < 0) {
        rt_make_error(err, errno, "clone3 of the sandbox process");
        goto fail_unlink;
    }
    if (pid == 0)
        child_exec(&p);

    /* Our copies go, in particular the sync write end, so that the child's death is EOF. */
    plan_release(&p);
    if (cfg->on_spawn != NULL && cfg->on_spawn((pid_t)pid, cfg->on_spawn_arg, err) < 0) {
        rt_sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
        waitpid((pid_t)pid, NULL, 0);
        close(pidfd);
        unlink(socket_path);
        return rt_error_wrap(err, "starting sandbox `%s`", cfg->id);
    }
    if (write(go_w, "x", 1) != 1) {
        rt_make_error(err, errno, "releasing the sandbox process");
        rt_sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
        waitpid((pid_t)pid, NULL, 0);
        close(pidfd);
        unlink(socket_path);
        return rt_error_wrap(err, "starting sandbox `%s`", cfg->id);
    }
    if (rt_sync_wait(sync_r, cfg->start_timeout_ms > 0 ? cfg->start_timeout_ms : 30000, err) < 0) {
        rt_sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
        waitpid((pid_t)pid, NULL, 0);
        close(pidfd);
        unlink(socket_path);
        return rt_error_wrap(err, "starting sandbox `%s`", cfg->id);
    }
    log_debug("sandbox `%s`: boot process %ld is ready", cfg->id, pid);
    out->pid = (pid_t)pid;
    out->pidfd = pidfd;
    out->socket_path = steal_pointer(&socket_path);
    return 0;

fail_unlink:
    unlink(socket_path);
fail:
    plan_release(&p);
    return rt_error_wrap(err, "starting sandbox `%s`", cfg->id);
}

void sandbox_release(struct sandbox *sb)
{
    if (sb->pidfd >= 0)
        close(sb->pidfd);
    free(sb->socket_path);
    memset(sb, 0, sizeof(*sb));
    sb->pidfd = -1;
}

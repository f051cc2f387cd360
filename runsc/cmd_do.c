/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c do`: run one program in a sentry, with the caller's stdio, and exit with its status. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/socket.h>

#include "common/sync.h"
#include "runsc/runsc.h"
#include "sentry/fs/gofer/goferfs.h"
#include "sentry/fs/dev/devfs.h"
#include "sentry/fs/devpts/devpts.h"
#include "sentry/fs/proc/procfs.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/kernel/kernel.h"
#include "sentry/platform/platform.h"
#include "sentry/vfs/vfs.h"

extern char **environ;

/* The sentry process whose status we report; forwarded signals go there. */
static volatile pid_t g_sentry_pid = -1;

static void forward_signal(int sig)
{
    if (g_sentry_pid > 0)
        kill(g_sentry_pid, sig);
}

/*
 * FIRST LIGHT: the program is found on the host, through the caller's PATH.
 * Once the gofer serves a root filesystem, the path is resolved inside the
 * sandbox instead. Returns a new string or NULL with *err set.
 */
static char *resolve_host_program(const char *prog, rt_error_t *err)
{
    const char *path = getenv("PATH");
    cleanup_free char *copy = NULL;
    char *save = NULL;

    if (strchr(prog, '/') != NULL)
        return xstrdup(prog);
    copy = xstrdup(path != NULL && path[0] != '\0' ? path : "/usr/local/bin:/usr/bin:/bin");
    for (char *dir = strtok_r(copy, ":", &save); dir != NULL; dir = strtok_r(NULL, ":", &save)) {
        cleanup_free char *cand = xasprintf("%s/%s", dir, prog);
        struct stat st;

        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
            return steal_pointer(&cand);
    }
    rt_make_error(err, ENOENT, "`%s` not found in PATH", prog);
    return NULL;
}

/*
 * Where the sentry gives up what it does not need before running app code.
 * For first light the sentry keeps the caller's privileges; the sandbox
 * (namespaces, pivot_root, capability drop, boot/filter.c's seccomp
 * allowlist) goes here, before the first app instruction.
 */
static int sentry_setup_privileges(rt_error_t *err)
{
    /* The terminal's SIGINT/SIGQUIT reach the app's stub directly; the sentry must survive them. */
    if (signal(SIGINT, SIG_IGN) == SIG_ERR || signal(SIGQUIT, SIG_IGN) == SIG_ERR)
        return rt_make_error(err, errno, "ignoring terminal signals");
    return 0;
}

/*
 * Starts `runsc-c gofer` serving the host's / read-only and the host's /tmp
 * read-write, each on one end of a socketpair; returns the other ends (the
 * sentry's) and the gofer's pid. The gofer unshares its own mount namespace
 * and drops privileges itself.
 */
static int spawn_gofer(int *root_sock, int *tmp_sock, pid_t *pid, rt_error_t *err)
{
    int sv[2] = { -1, -1 }, tv[2] = { -1, -1 }, sync[2] = { -1, -1 };
    cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    cleanup_close int tmp = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);

    if (root < 0)
        return rt_make_error(err, errno, "open /");
    if (tmp < 0)
        return rt_make_error(err, errno, "open /tmp");
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, tv) < 0) {
        rt_make_error(err, errno, "socketpair");
        goto fail;
    }
    if (rt_sync_pipe(sync, err) < 0)
        goto fail;
    *pid = fork();
    if (*pid < 0) {
        rt_make_error(err, errno, "fork gofer");
        goto fail;
    }
    if (*pid == 0) {
        char *argv[] = { (char *)"runsc-c",           (char *)"gofer",
                         (char *)"--sock-fd=10",      (char *)"--root-fd=11",
                         (char *)"--readonly",        (char *)"--sync-fd=12",
                         (char *)"--mount-fds=13,14", NULL };

        int src[] = { sv[1], root, sync[1], tv[1], tmp };

        /*
         * Move every source above the targets first: a source may already
         * sit on a target number, and dup2 onto it would close it.
         */
        for (size_t i = 0; i < ARRAY_SIZE(src); i++) {
            src[i] = fcntl(src[i], F_DUPFD, 20);
            if (src[i] < 0)
                _exit(120);
        }
        for (size_t i = 0; i < ARRAY_SIZE(src); i++) {
            if (dup2(src[i], 10 + (int)i) < 0)
                _exit(120);
        }
        execv("/proc/self/exe", argv);
        _exit(121);
    }
    close(sv[1]);
    close(tv[1]);
    close(sync[1]);
    if (rt_sync_wait(sync[0], 10000, err) < 0) {
        close(sync[0]);
        close(sv[0]);
        close(tv[0]);
        kill(*pid, SIGKILL);
        waitpid(*pid, NULL, 0);
        return rt_error_wrap(err, "starting the gofer");
    }
    close(sync[0]);
    *root_sock = sv[0];
    *tmp_sock = tv[0];
    return 0;

fail:
    for (int i = 0; i < 2; i++) {
        if (sv[i] >= 0)
            close(sv[i]);
        if (tv[i] >= 0)
            close(tv[i]);
        if (sync[i] >= 0)
            close(sync[i]);
    }
    return -1;
}

/*
 * The sandbox's tree: the gofer's root (the host's /, read-only), the host's
 * /tmp read-write through the same gofer (as a shell user of `do` expects;
 * containers get an overlay instead), and a tmpfs at /dev/shm. The first task
 * starts in the caller's working directory when it exists inside.
 */
static int build_mounts(struct kernel *k, int root_sock, int tmp_sock, rt_error_t *err)
{
    struct super_block *root, *sb;
    struct mount_ns *ns;
    char cwd[4096];
    int errnum = 0;
    long ret;

    root = goferfs_new(root_sock, &errnum);
    if (root == NULL)
        return rt_make_error(err, errnum, "attaching to the gofer");
    ns = mount_ns_new(root, VFS_MNT_RDONLY);
    put_super_block(root);
    if (ns == NULL)
        return rt_make_error(err, ENOMEM, "mount namespace");
    sb = goferfs_new(tmp_sock, &errnum);
    if (sb == NULL) {
        put_mount_ns(ns);
        return rt_make_error(err, errnum, "attaching to the gofer's /tmp");
    }
    ret = vfs_mount_at(ns, "/tmp", sb, 0);
    put_super_block(sb);
    if (ret < 0) {
        put_mount_ns(ns);
        return rt_make_error(err, (int)-ret, "mounting /tmp");
    }
    /* devfs and procfs are the sandbox's own, never the host's. */
    if ((sb = devfs_new()) != NULL) {
        vfs_mount_at(ns, "/dev", sb, 0);
        put_super_block(sb);
    }
    if ((sb = procfs_new()) != NULL) {
        vfs_mount_at(ns, "/proc", sb, VFS_MNT_NOSUID | VFS_MNT_NODEV | VFS_MNT_NOEXEC);
        put_super_block(sb);
    }
    if ((sb = tmpfs_new(01777, 0, 0)) != NULL) {
        /* /dev/shm is optional: a host without it just has no POSIX shm directory. */
        vfs_mount_at(ns, "/dev/shm", sb, 0);
        put_super_block(sb);
    }
    if ((sb = devpts_new()) != NULL) {
        vfs_mount_at(ns, "/dev/pts", sb, VFS_MNT_NOSUID | VFS_MNT_NOEXEC);
        put_super_block(sb);
    }
    if (getcwd(cwd, sizeof(cwd)) != NULL)
        ns->init_cwd = strdup(cwd);
    k->mntns = ns;
    return 0;
}

/*
 * When stdin, stdout and stderr are one terminal, returns a read-write fd of
 * it for the sentry's console (so that the app gets the sentry's line
 * discipline and job control, not the host's); else -1: the app gets the
 * three fds as they are.
 */
static int terminal_fd(void)
{
    struct stat st[3];

    for (int i = 0; i < 3; i++) {
        if (!isatty(i) || fstat(i, &st[i]) < 0 || st[i].st_rdev != st[0].st_rdev)
            return -1;
    }
    if ((fcntl(0, F_GETFL) & O_ACCMODE) == O_RDWR)
        return fcntl(0, F_DUPFD_CLOEXEC, 3);
    return open("/proc/self/fd/0", O_RDWR | O_NOCTTY | O_CLOEXEC);
}

/* Converts a wait(2) status into the exit status a shell would report. */
static int exit_code_of(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

/* The sentry process: boots a kernel, runs the program, exits with its status. */
static int __attribute__((noreturn)) run_sentry(struct runsc_global_opts *g, const char *host_path,
                                                char **argv, int root_sock, int tmp_sock)
{
    cleanup_error rt_error_t err = NULL;
    struct kernel_opts kopts = {
        .platform = platform_lookup(g->platform != NULL ? g->platform : "ptrace"),
        .platform_opts = { .pin_cpu = true },
        .strace = g->strace,
    };
    struct kernel_exec_args args = {
        .host_path = host_path,
        .argv = argv,
        .envp = environ,
        .stdio = { 0, 1, 2 },
    };
    struct kernel *k = NULL;
    struct task *t = NULL;
    int status, tty = terminal_fd();
    long ret;

    if (tty >= 0)
        args.stdio[0] = args.stdio[1] = args.stdio[2] = -1; /* the console, below */
    if (sentry_setup_privileges(&err) < 0)
        goto fail;
    /* /proc/net/snmp and netstat: this network namespace's counters (as boot does). */
    procfs_set_net_counters(open("/proc/self/net/snmp", O_RDONLY | O_CLOEXEC),
                            open("/proc/self/net/netstat", O_RDONLY | O_CLOEXEC));
    if (kopts.platform == NULL) {
        rt_make_error(&err, 0, "unknown platform");
        goto fail;
    }
    if (kernel_new(&kopts, &k, &err) < 0)
        goto fail;
    if (build_mounts(k, root_sock, tmp_sock, &err) < 0)
        goto fail;
    if (kernel_start_init(k, &args, &t, &err) < 0) {
        int e = rt_error_status(err);

        rt_log_fatal_error(err);
        kernel_free(k);
        _exit(e == ENOENT ? 127 : 126);
    }
    if (tty >= 0) {
        /* The caller's terminal, raw on the host side (cmd_do restores it). */
        ret = devpts_console_install(t, tty, /*rows=*/0, /*cols=*/0, (uint32_t)getuid());
        close(tty);
        if (ret < 0) {
            rt_make_error(&err, (int)-ret, "the console");
            goto fail;
        }
    }
    status = kernel_task_run(t);
    kernel_task_free(t);
    kernel_free(k);
    fflush(stdout);
    fflush(stderr);
    _exit(exit_code_of(status));

fail:
    rt_log_fatal_error(err);
    _exit(125);
}

int cmd_do(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    cleanup_free char *host_path = NULL;
    struct sigaction fwd = { .sa_handler = forward_signal };
    int first = 1, status, root_sock = -1, tmp_sock = -1;
    pid_t pid, gofer_pid = -1;
    struct termios saved;
    bool has_tty = tcgetattr(STDIN_FILENO, &saved) == 0;

    for (; first < argc; first++) {
        if (strcmp(argv[first], "--") == 0) {
            first++;
            break;
        }
        if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0) {
            runsc_print_command_help(argv[0]);
            return 0;
        }
        if (argv[first][0] != '-')
            break;
        return rt_make_error(err, 0, "do: unknown option `%s`", argv[first]);
    }
    if (first >= argc)
        return rt_make_error(err, 0, "do: no command given; usage: runsc-c do [--] CMD [ARGS...]");
    host_path = resolve_host_program(argv[first], err);
    if (host_path == NULL)
        return rt_error_wrap(err, "do");

    fflush(NULL);
    if (spawn_gofer(&root_sock, &tmp_sock, &gofer_pid, err) < 0)
        return rt_error_wrap(err, "do");
    pid = fork();
    if (pid < 0) {
        close(root_sock);
        close(tmp_sock);
        return rt_make_error(err, errno, "fork sentry");
    }
    if (pid == 0)
        run_sentry(g, host_path, argv + first, root_sock, tmp_sock);
    close(root_sock);
    close(tmp_sock);

    /* The caller's terminal signals reach the app directly; pass on the rest. */
    g_sentry_pid = pid;
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    sigaction(SIGTERM, &fwd, NULL);
    sigaction(SIGHUP, &fwd, NULL);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return rt_make_error(err, errno, "waiting for the sentry");
    }
    /* The sentry's console put the terminal in raw mode. */
    if (has_tty)
        tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
    /* The gofer exits once the sentry's end of the socket is closed. */
    while (waitpid(gofer_pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return exit_code_of(status);
}

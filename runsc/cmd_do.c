/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c do`: run one program in a sentry, with the caller's stdio, and exit with its status. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runsc/runsc.h"
#include "sentry/kernel/kernel.h"
#include "sentry/platform/platform.h"

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
static int __attribute__((noreturn))
run_sentry(struct runsc_global_opts *g, const char *host_path, char **argv)
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
    int status;

    if (sentry_setup_privileges(&err) < 0)
        goto fail;
    if (kopts.platform == NULL) {
        rt_make_error(&err, 0, "unknown platform");
        goto fail;
    }
    if (kernel_new(&kopts, &k, &err) < 0)
        goto fail;
    if (kernel_start_init(k, &args, &t, &err) < 0) {
        int e = rt_error_status(err);

        rt_log_fatal_error(err);
        kernel_free(k);
        _exit(e == ENOENT ? 127 : 126);
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
    int first = 1, status;
    pid_t pid;

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
    pid = fork();
    if (pid < 0)
        return rt_make_error(err, errno, "fork sentry");
    if (pid == 0)
        run_sentry(g, host_path, argv + first);

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
    return exit_code_of(status);
}

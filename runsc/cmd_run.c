/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c run [--detach] ID`: create and start a container, then wait for it unless detached. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runsc/container.h"
#include "runsc/runsc.h"
#include "sandbox/sandbox.h"

static volatile pid_t g_run_waiter = -1;

/* Our signals are the container's: the waiter forwards them into the sandbox. */
static void forward_to_waiter(int sig)
{
    if (g_run_waiter > 0)
        kill(g_run_waiter, sig);
}

int cmd_run(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH };
    struct sigaction fwd = { .sa_handler = forward_to_waiter };
    struct runsc_create_args a;
    cleanup_close int master = -1;
    pid_t waiter = 0;
    int status;

    if (runsc_parse_create_args("run", argc, argv, /*allow_detach=*/true, &a, err) < 0)
        return -1;
    if (a.help) {
        runsc_print_command_help(argv[0]);
        return 0;
    }
    /* Attached with a terminal and no console socket: the pty master is ours (as runc). */
    if (!a.detach && a.console_socket == NULL)
        a.console_master = &master;
    if (runsc_create(g, &a, &waiter, err) < 0)
        return -1;
    if (runsc_start(g, a.id, err) < 0) {
        cleanup_error rt_error_t e = NULL;
        struct container_meta *m = NULL;

        /* A container that cannot start is not left behind by run. */
        kill(waiter, SIGKILL);
        waitpid(waiter, NULL, 0);
        if (container_meta_load(g->root, a.id, &m, &e) == 0) {
            if (m->sandbox_pid > 0 && m->sandbox_id != NULL && strcmp(m->sandbox_id, m->id) == 0)
                kill(m->sandbox_pid, SIGKILL);
            if (m->gofer_pid > 0)
                kill(m->gofer_pid, SIGKILL);
            container_meta_free(m);
        }
        rt_error_release(&e);
        if (container_remove_dir(g->root, a.id, &e) < 0)
            log_warning("%s", rt_error_msg(e));
        return -1;
    }
    if (a.detach)
        return 0;
    g_run_waiter = waiter;
    for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
        sigaction(forwarded[i], &fwd, NULL);
    if (master >= 0) {
        if (runsc_console_attach(master, waiter, &status, err) < 0)
            return rt_error_wrap(err, "container `%s`'s terminal", a.id);
        return waiter_exit_code(status);
    }
    while (waitpid(waiter, &status, 0) < 0) {
        if (errno != EINTR)
            return rt_make_error(err, errno, "waiting for container `%s`", a.id);
    }
    return waiter_exit_code(status);
}

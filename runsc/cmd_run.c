/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c run [--detach] ID`: create and start a container, then wait for it unless detached. */
#include <errno.h>
#include <getopt.h>
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

static void free_cgroupp(struct cgroup **cg)
{
    cgroup_free(*cg);
}

/*
 * An attached run removes its container once it ended, as runc's does
 * (failures only logged: the exit status is the container's).
 */
static void delete_after_run(struct runsc_global_opts *g, const char *id, struct cgroup *own)
{
    char cmd[] = "delete", force[] = "--force";
    char *argv[] = { cmd, force, (char *)id, NULL };
    cleanup_error rt_error_t e = NULL;

    /*
     * The sandbox and the gofer are our children (create forked them): with
     * SIGCHLD ignored they leave no zombie in the cgroup that delete removes.
     */
    signal(SIGCHLD, SIG_IGN);
    /* create put us in the container's cgroup: leave it, or it cannot be removed. */
    if (own != NULL && own->ops->add_pid(own, getpid(), &e) < 0) {
        log_warning("leaving container `%s`'s cgroup: %s", id, rt_error_msg(e));
        rt_error_release(&e);
    }
    optind = 0; /* cmd_delete parses with getopt: a fresh scan */
    if (cmd_delete(g, 3, argv, &e) < 0)
        log_warning("removing container `%s` after run: %s", id, rt_error_msg(e));
}

int cmd_run(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH };
    struct sigaction fwd = { .sa_handler = forward_to_waiter };
    struct runsc_create_args a;
    cleanup_close int master = -1;
    __attribute__((cleanup(free_cgroupp))) struct cgroup *own = NULL;
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
    /* Where we are before create moves us into the container's cgroup (attached only). */
    if (!a.detach && cgroup_open_own(&own, err) < 0)
        return rt_error_wrap(err, "run");
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
    } else {
        while (waitpid(waiter, &status, 0) < 0) {
            if (errno != EINTR)
                return rt_make_error(err, errno, "waiting for container `%s`", a.id);
        }
    }
    delete_after_run(g, a.id, own);
    return waiter_exit_code(status);
}

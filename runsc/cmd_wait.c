/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c wait ID`: wait until the container's init exits and print its exit status as JSON. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/fileutil.h"
#include "common/syscalls.h"
#include "runsc/container.h"
#include "runsc/runsc.h"

int cmd_wait(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    cleanup_free char *id = NULL;
    struct container_meta *m = NULL;
    int c, code = -1;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            runsc_print_command_help(argv[0]);
            return 0;
        }
        return rt_make_error(err, 0, "wait: unknown option `%s`", argv[optind - 1]);
    }
    if (argc - optind != 1)
        return rt_make_error(err, 0, "wait: expects exactly one container ID");
    if (container_resolve_id(g->root, argv[optind], &id, err) < 0)
        return -1;
    if (container_meta_load(g->root, id, &m, err) < 0)
        return -1;
    /*
     * The waiter is the one process that learns the status from the sandbox
     * (its wait is what keeps the container alive); we wait for it to exit
     * and read what it recorded. Waiting this way never ties the container
     * to us: an interrupted `wait` kills nothing.
     */
    if (m->waiter_pid > 0 && rt_process_is_alive(m->waiter_pid, m->waiter_start_time)) {
        cleanup_close int pidfd = rt_sys_pidfd_open(m->waiter_pid, 0);

        while (rt_process_is_alive(m->waiter_pid, m->waiter_start_time)) {
            struct pollfd p = { .fd = pidfd, .events = POLLIN };

            if (pidfd >= 0)
                poll(&p, 1, 1000);
            else
                usleep(50000);
        }
    }
    container_meta_free(m);
    if (runsc_container_exit_status(g->root, id, &code) < 0)
        return rt_make_error(err, ECHILD, "wait: the exit status of container `%s` is unknown", id);
    printf("{\"id\":\"%s\",\"exitStatus\":%d}\n", id, code);
    return 0;
}

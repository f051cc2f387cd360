/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c ps [--format table|json] ID`: the container's processes, from the sandbox. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runsc/container.h"
#include "runsc/runsc.h"
#include "sandbox/sandbox.h"

int cmd_ps(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct container_meta *m = NULL;
    struct control_request req = { .kind = CONTROL_REQ_PROCESSES };
    struct control_response resp = { 0 };
    bool json = false;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json") == 0)
                json = true;
            else if (strcmp(optarg, "table") != 0)
                return rt_make_error(err, 0, "ps: unknown format `%s` (table or json)", optarg);
            break;
        case 'h':
            runsc_print_command_help(argv[0]);
            return 0;
        default:
            return rt_make_error(err, 0, "ps: unknown option `%s`", argv[optind - 1]);
        }
    }
    if (argc - optind < 1)
        return rt_make_error(err, 0, "ps: expects a container ID");
    if (runsc_load_container(g->root, argv[optind], ~0u, "ps", &m, err) < 0)
        return -1;
    if (m->status == CONTAINER_STOPPED) {
        /* Nothing runs: runc prints an empty list too. */
        container_meta_free(m);
        printf(json ? "[]\n" : "UID PID PPID STIME TTY TIME CMD\n");
        return 0;
    }
    req.container_id = m->id;
    if (control_call(m->control_socket, &req, NULL, 0, &resp, err) < 0) {
        container_meta_free(m);
        return rt_error_wrap(err, "ps");
    }
    container_meta_free(m);
    if (json) {
        /* CONTRACT.md: host pids, which docker hands to the host's ps. */
        bool first = true;

        printf("[");
        for (size_t i = 0; i < resp.processes.n; i++) {
            if (resp.processes.v[i].host_pid <= 0)
                continue;
            printf("%s%d", first ? "" : ",", resp.processes.v[i].host_pid);
            first = false;
        }
        printf("]\n");
    } else {
        printf("UID PID PPID STIME TTY TIME CMD\n");
        for (size_t i = 0; i < resp.processes.n; i++) {
            const struct control_process_info *p = &resp.processes.v[i];
            uint64_t t = (p->utime_ns + p->stime_ns) / UINT64_C(1000000000);

            printf("%u %d %d %" PRIu64 " %s %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 " %s\n", p->uid,
                   p->pid, p->ppid, p->start_time_ns / UINT64_C(1000000000),
                   p->tty[0] != '\0' ? p->tty : "?", t / 3600, t / 60 % 60, t % 60, p->cmd);
        }
    }
    control_response_free(&resp);
    return 0;
}

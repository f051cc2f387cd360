/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c events [--stats] [--interval D] ID`: runc-shaped stats JSON from the container's cgroup.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runsc/container.h"
#include "runsc/runsc.h"
#include "sandbox/sandbox.h"

/* Parses "5s", "500ms", "1m" or a plain number of seconds into ms. */
static int parse_interval(const char *s, long *ms, rt_error_t *err)
{
    char *end = NULL;
    double v = strtod(s, &end);
    double mult = 1000;

    if (end == s || v <= 0)
        return rt_make_error(err, 0, "events: --interval: `%s` is not a duration", s);
    if (strcmp(end, "ms") == 0)
        mult = 1;
    else if (strcmp(end, "m") == 0)
        mult = 60000;
    else if (strcmp(end, "s") != 0 && *end != '\0')
        return rt_make_error(err, 0, "events: --interval: `%s` is not a duration", s);
    *ms = (long)(v * mult);
    if (*ms <= 0)
        *ms = 1;
    return 0;
}

static int print_stats(const char *root, const char *id, rt_error_t *err)
{
    struct cgroup *cg = NULL;
    struct cgroup_stats s;

    if (runsc_container_cgroup(root, id, &cg, err) < 0)
        return -1;
    if (cg->ops->stats(cg, &s, err) < 0) {
        cgroup_free(cg);
        return -1;
    }
    cgroup_free(cg);
    /*
     * The sentry enforces the pids limit and counts the app's tasks; the
     * cgroup's pids counts the sandbox's host tasks against a backstop.
     */
    {
        struct control_request req = { .kind = CONTROL_REQ_STATS, .container_id = id };
        struct control_response resp = { 0 };
        struct container_meta *m = NULL;
        rt_error_t e = NULL;

        if (container_meta_load(root, id, &m, &e) == 0 &&
            control_call(m->control_socket, &req, NULL, 0, &resp, &e) == 0 &&
            resp.kind == CONTROL_RESULT_STATS) {
            s.pids_current = resp.stats.pids_current;
            s.pids_limit = resp.stats.pids_limit;
        } else if (e != NULL) {
            log_debug("events: the sandbox's pids count: %s", rt_error_msg(e));
        }
        control_response_free(&resp);
        container_meta_free(m);
        rt_error_release(&e);
    }
    printf(
        "{\"type\":\"stats\",\"id\":\"%s\",\"data\":{"
        "\"cpu\":{\"usage\":{\"total\":%" PRIu64 ",\"kernel\":%" PRIu64 ",\"user\":%" PRIu64 "}},"
        "\"memory\":{\"usage\":{\"usage\":%" PRIu64 ",\"max\":%" PRIu64 ",\"limit\":%" PRIu64 "}},"
        "\"pids\":{\"current\":%" PRIu64 ",\"limit\":%" PRIu64 "}}}\n",
        id, s.cpu_total_ns, s.cpu_system_ns, s.cpu_user_ns, s.memory_usage, s.memory_max_usage,
        s.memory_limit, s.pids_current, s.pids_limit);
    fflush(stdout);
    return 0;
}

int cmd_events(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    static const struct option opts[] = {
        { "stats", no_argument, NULL, 's' },
        { "interval", required_argument, NULL, 'i' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    cleanup_free char *id = NULL;
    bool stats = false;
    long interval = 5000;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            stats = true;
            break;
        case 'i':
            if (parse_interval(optarg, &interval, err) < 0)
                return -1;
            break;
        case 'h':
            runsc_print_command_help(argv[0]);
            return 0;
        default:
            return rt_make_error(err, 0, "events: unknown option `%s`", argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return rt_make_error(err, 0, "events: expects exactly one container ID");
    if (container_resolve_id(g->root, argv[optind], &id, err) < 0)
        return -1;
    for (;;) {
        struct container_meta *m = NULL;
        bool stopped;

        if (container_meta_load(g->root, id, &m, err) < 0)
            return -1;
        stopped = m->status == CONTAINER_STOPPED;
        container_meta_free(m);
        if (stopped && !stats)
            return 0;
        if (stopped)
            return rt_make_error(err, ESRCH, "events: container `%s` is not running", id);
        if (print_stats(g->root, id, err) < 0)
            return rt_error_wrap(err, "events `%s`", id);
        if (stats)
            return 0;
        usleep((useconds_t)interval * 1000);
    }
}

/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c ps [--format table|json] ID`: the container's processes, from the sandbox. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runsc/container.h"
#include "runsc/runsc.h"
#include "sandbox/sandbox.h"

/* One process of the sandbox's pid namespace: its pid there and in our /proc. */
struct ns_pid {
    pid_t ns, host;
};

/* Reads the last pid of /proc/PID/status's NSpid line (its pid in its own namespace). */
static pid_t innermost_pid(const char *pid)
{
    char path[300], line[256];
    cleanup_file FILE *f = NULL;
    long v = 0;

    snprintf(path, sizeof(path), "/proc/%s/status", pid);
    f = fopen(path, "re");
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        char *p = line + 6, *end;

        if (strncmp(line, "NSpid:", 6) != 0)
            continue;
        for (;;) {
            long x = strtol(p, &end, 10);

            if (end == p)
                break;
            v = x;
            p = end;
        }
        break;
    }
    return (pid_t)v;
}

/*
 * Every process in the pid namespace of `sandbox` (a host pid), with its pid
 * there: the sentry names its stub processes by those pids, and docker top
 * hands `ps --format json`'s pids to the host's ps, like runc's. Sets *out
 * (owned by the caller) and returns the count; 0 when /proc does not tell
 * (the caller then prints no pid it cannot translate).
 */
static size_t sandbox_ns_pids(pid_t sandbox, struct ns_pid **out)
{
    cleanup_dir DIR *d = NULL;
    struct ns_pid *v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    struct stat want, st;
    char path[300];

    *out = NULL;
    snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)sandbox);
    if (sandbox <= 0 || stat(path, &want) < 0)
        return 0;
    d = opendir("/proc");
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        pid_t ns;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/ns/pid", e->d_name);
        if (stat(path, &st) < 0 || st.st_ino != want.st_ino || st.st_dev != want.st_dev)
            continue;
        ns = innermost_pid(e->d_name);
        if (ns <= 0)
            continue;
        if (n == cap) {
            cap = cap == 0 ? 32 : cap * 2;
            v = xrealloc(v, cap * sizeof(*v));
        }
        v[n++] = (struct ns_pid){ .ns = ns, .host = (pid_t)atoi(e->d_name) };
    }
    *out = v;
    return n;
}

int cmd_ps(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct container_meta *m = NULL;
    cleanup_free struct ns_pid *pids = NULL;
    size_t npids = 0;
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
    if (json)
        npids = sandbox_ns_pids(m->sandbox_pid, &pids);
    container_meta_free(m);
    if (json) {
        /*
         * CONTRACT.md: host pids, which docker hands to the host's ps. The
         * sandbox reports each process's stub by its pid in the sandbox's pid
         * namespace; ours is the host's.
         */
        bool first = true;

        printf("[");
        for (size_t i = 0; i < resp.processes.n; i++) {
            pid_t ns = resp.processes.v[i].host_pid;

            for (size_t j = 0; ns > 0 && j < npids; j++) {
                if (pids[j].ns != ns)
                    continue;
                printf("%s%d", first ? "" : ",", (int)pids[j].host);
                first = false;
                break;
            }
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

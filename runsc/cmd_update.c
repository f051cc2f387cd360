/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c update [--resources FILE|-] [runc flags] ID`: new cgroup limits for a container. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "runsc/container.h"
#include "runsc/runsc.h"
#include "sandbox/sandbox.h"
#include "specutils/specutils.h"

/* runc's flags, each turned into a member of a LinuxResources JSON object. */
struct update_flag {
    const char *name;
    const char *object; /* "memory", "cpu", "pids" */
    const char *key;
    bool is_string;
};

static const struct update_flag g_flags[] = {
    { "memory", "memory", "limit", false },
    { "memory-swap", "memory", "swap", false },
    { "memory-reservation", "memory", "reservation", false },
    { "kernel-memory", "memory", "kernel", false },
    { "cpu-share", "cpu", "shares", false },
    { "cpu-quota", "cpu", "quota", false },
    { "cpu-period", "cpu", "period", false },
    { "cpu-rt-runtime", "cpu", "realtimeRuntime", false },
    { "cpu-rt-period", "cpu", "realtimePeriod", false },
    { "cpuset-cpus", "cpu", "cpus", true },
    { "cpuset-mems", "cpu", "mems", true },
    { "pids-limit", "pids", "limit", false },
};

#define N_FLAGS (sizeof(g_flags) / sizeof(g_flags[0]))

/* Parses "512m", "1g", "-1" or a byte count. */
static int parse_size(const char *s, long long *out)
{
    char *end = NULL;
    long long v = strtoll(s, &end, 10);

    if (end == s)
        return -1;
    switch (*end) {
    case 'k':
    case 'K':
        v <<= 10;
        end++;
        break;
    case 'm':
    case 'M':
        v <<= 20;
        end++;
        break;
    case 'g':
    case 'G':
        v <<= 30;
        end++;
        break;
    default:
        break;
    }
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end != '\0')
        return -1;
    *out = v;
    return 0;
}

int cmd_update(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    struct option opts[N_FLAGS + 3];
    const char *values[N_FLAGS] = { NULL };
    const char *resources = NULL;
    cleanup_free char *json = NULL;
    struct spec_resources *r = NULL;
    struct container_meta *m = NULL;
    struct cgroup *cg = NULL;
    size_t len = 0;
    int c, idx = 0, ret = -1;

    for (size_t i = 0; i < N_FLAGS; i++)
        opts[i] = (struct option){ g_flags[i].name, required_argument, NULL, 1000 + (int)i };
    opts[N_FLAGS] = (struct option){ "resources", required_argument, NULL, 'r' };
    opts[N_FLAGS + 1] = (struct option){ "help", no_argument, NULL, 'h' };
    opts[N_FLAGS + 2] = (struct option){ NULL, 0, NULL, 0 };
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+r:h", opts, &idx)) != -1) {
        if (c == 'r') {
            resources = optarg;
        } else if (c == 'h') {
            runsc_print_command_help(argv[0]);
            return 0;
        } else if (c >= 1000 && c < 1000 + (int)N_FLAGS) {
            values[c - 1000] = optarg;
        } else {
            return rt_make_error(err, 0, "update: unknown option `%s`", argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return rt_make_error(err, 0, "update: expects exactly one container ID");
    if (resources != NULL) {
        if (strcmp(resources, "-") == 0 ? rt_read_fd_all(0, 1 << 20, &json, &len, err) < 0
                                        : rt_read_file(resources, 1 << 20, &json, &len, err) < 0)
            return rt_error_wrap(err, "update: reading the resources");
    } else {
        struct strbuf sb = { 0 };
        static const char *const objects[] = { "memory", "cpu", "pids" };
        bool any_obj = false;

        strbuf_append(&sb, "{");
        for (size_t o = 0; o < ARRAY_SIZE(objects); o++) {
            bool any = false;

            for (size_t i = 0; i < N_FLAGS; i++) {
                long long v;

                if (values[i] == NULL || strcmp(g_flags[i].object, objects[o]) != 0)
                    continue;
                strbuf_appendf(&sb, "%s", any ? "," : any_obj ? ",\"" : "\"");
                if (!any)
                    strbuf_appendf(&sb, "%s\":{", objects[o]);
                any = any_obj = true;
                strbuf_appendf(&sb, "\"%s\":", g_flags[i].key);
                if (g_flags[i].is_string) {
                    strbuf_append_json_string(&sb, values[i]);
                } else if (parse_size(values[i], &v) < 0) {
                    strbuf_reset(&sb);
                    free(strbuf_detach(&sb));
                    return rt_make_error(err, 0, "update: --%s: `%s` is not a number",
                                         g_flags[i].name, values[i]);
                } else {
                    strbuf_appendf(&sb, "%lld", v);
                }
            }
            if (any)
                strbuf_append(&sb, "}");
        }
        strbuf_append(&sb, "}");
        len = strlen(strbuf_str(&sb));
        json = strbuf_detach(&sb);
    }
    if (specutils_resources_parse(json, len, &r, err) < 0)
        return rt_error_wrap(err, "update: the resources");
    if (runsc_load_container(g->root, argv[optind],
                             (1u << CONTAINER_CREATED) | (1u << CONTAINER_RUNNING) |
                                 (1u << CONTAINER_PAUSED),
                             "update", &m, err) < 0)
        goto out;
    /* The sentry enforces the pids limit; the cgroup's pids.max (apply) is its backstop. */
    if (r->pids != NULL && r->pids->has_limit) {
        struct control_request req = {
            .kind = CONTROL_REQ_UPDATE,
            .update = { .container_id = m->id,
                        .has_pids_limit = true,
                        .pids_limit = r->pids->limit },
        };
        struct control_response resp = { 0 };

        if (control_call(m->control_socket, &req, NULL, 0, &resp, err) < 0) {
            rt_error_wrap(err, "update `%s`: the pids limit", m->id);
            goto out;
        }
        control_response_free(&resp);
    }
    if (runsc_container_cgroup(g->root, m->id, &cg, err) < 0 || cg->ops->apply(cg, r, err) < 0) {
        rt_error_wrap(err, "update `%s`", m->id);
        goto out;
    }
    ret = 0;
out:
    cgroup_free(cg);
    container_meta_free(m);
    specutils_resources_free(r);
    return ret;
}

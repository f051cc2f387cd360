/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c start ID`: start the init of a created container, then its poststart hooks. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runsc/container.h"
#include "runsc/runsc.h"
#include "sandbox/sandbox.h"
#include "specutils/specutils.h"

int runsc_load_container(const char *root, const char *arg, unsigned allowed, const char *what,
                         struct container_meta **m, rt_error_t *err)
{
    cleanup_free char *id = NULL;

    if (container_resolve_id(root, arg, &id, err) < 0)
        return -1;
    if (container_meta_load(root, id, m, err) < 0)
        return -1;
    if ((allowed & (1u << (*m)->status)) == 0) {
        int ret = rt_make_error(err, EINVAL, "%s: container `%s` is %s", what, id,
                                container_status_name((*m)->status));

        container_meta_free(*m);
        *m = NULL;
        return ret;
    }
    return 0;
}

int runsc_start(struct runsc_global_opts *g, const char *arg, rt_error_t *err)
{
    cleanup_close int lockfd = -1;
    cleanup_spec struct spec *spec = NULL;
    struct container_meta *m = NULL;
    struct control_request req = { .kind = CONTROL_REQ_START };
    struct control_response resp = { 0 };
    int ret = -1;

    if (runsc_load_container(g->root, arg, 1u << CONTAINER_CREATED, "start", &m, err) < 0)
        return -1;
    if (container_lock(g->root, m->id, &lockfd, err) < 0)
        goto out;
    /* Re-read under the lock: a parallel start must not run the init twice. */
    container_meta_free(m);
    m = NULL;
    if (container_meta_load(g->root, arg, &m, err) < 0)
        goto out;
    if (m->status != CONTAINER_CREATED) {
        rt_make_error(err, EINVAL, "start: container `%s` is %s", m->id,
                      container_status_name(m->status));
        goto out;
    }
    if (specutils_load(m->bundle, m->config_path, &spec, err) < 0) {
        rt_error_wrap(err, "start: reading the container's config");
        goto out;
    }
    if (runsc_run_hooks(m, &spec->hooks.start_container, "startContainer", err) < 0)
        goto out;
    req.container_id = m->id;
    if (control_call(m->control_socket, &req, NULL, 0, &resp, err) < 0) {
        rt_error_wrap(err, "starting container `%s`", m->id);
        goto out;
    }
    control_response_free(&resp);
    m->status = CONTAINER_RUNNING;
    if (container_meta_save_locked(g->root, m, err) < 0)
        goto out;
    {
        cleanup_error rt_error_t e = NULL;

        /* A failing poststart hook is logged, not fatal (OCI runtime spec). */
        if (runsc_run_hooks(m, &spec->hooks.poststart, "poststart", &e) < 0)
            log_warning("%s", rt_error_msg(e));
    }
    ret = 0;
out:
    container_meta_free(m);
    return ret;
}

int cmd_start(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            runsc_print_command_help(argv[0]);
            return 0;
        }
        return rt_make_error(err, 0, "start: unknown option `%s`", argv[optind - 1]);
    }
    if (argc - optind != 1)
        return rt_make_error(err, 0, "start: expects exactly one container ID");
    return runsc_start(g, argv[optind], err);
}

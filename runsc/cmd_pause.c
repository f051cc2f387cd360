/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c pause ID`: freeze the container's cgroup (for the pod sandbox: the whole sandbox). */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "runsc/container.h"
#include "runsc/runsc.h"
#include "sandbox/sandbox.h"

/* Shared by pause and resume (cmd_resume.c): freezes or thaws `arg`'s cgroup and saves the status.
 */
int runsc_set_paused(struct runsc_global_opts *g, int argc, char **argv, bool pause,
                     rt_error_t *err);

int runsc_set_paused(struct runsc_global_opts *g, int argc, char **argv, bool pause,
                     rt_error_t *err)
{
    const char *what = pause ? "pause" : "resume";
    cleanup_close int lockfd = -1;
    struct container_meta *m = NULL;
    struct cgroup *cg = NULL;
    int ret = -1;

    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        runsc_print_command_help(argv[0]);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-')
        return rt_make_error(err, 0, "%s: expects exactly one container ID", what);
    if (runsc_load_container(g->root, argv[1], 1u << (pause ? CONTAINER_RUNNING : CONTAINER_PAUSED),
                             what, &m, err) < 0)
        return -1;
    if (container_lock(g->root, m->id, &lockfd, err) < 0)
        goto out;
    if (runsc_container_cgroup(g->root, m->id, &cg, err) < 0 ||
        cg->ops->freeze(cg, pause, err) < 0) {
        rt_error_wrap(err, "%s `%s`", what, m->id);
        goto out;
    }
    m->status = pause ? CONTAINER_PAUSED : CONTAINER_RUNNING;
    ret = container_meta_save_locked(g->root, m, err);
out:
    cgroup_free(cg);
    container_meta_free(m);
    return ret;
}

int cmd_pause(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    return runsc_set_paused(g, argc, argv, /*pause=*/true, err);
}

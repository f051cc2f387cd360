/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c delete [--force] ID`: kill what is left of a container and remove its state. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/fileutil.h"
#include "runsc/container.h"
#include "runsc/runsc.h"
#include "sandbox/sandbox.h"
#include "specutils/specutils.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* How long --force waits for killed processes to go away. */
#define DELETE_KILL_WAIT_MS 2000

struct victim {
    const char *what;
    pid_t pid;
    unsigned long long start_time;
    int pidfd; /* -1 when pidfd_open is unavailable */
    bool killed;
};

/*
 * Sends SIGKILL to `v` only if its pid still names the recorded process. The
 * pidfd is opened before the start time is checked: if the check passes, the
 * pidfd refers to that very process, so a pid recycled afterwards is never hit.
 */
static void kill_verified(struct victim *v)
{
    v->pidfd = -1;
    if (v->pid <= 0)
        return;
    if (v->start_time == 0) {
        log_warning("not killing %s %d: no start time recorded to verify it", v->what, (int)v->pid);
        return;
    }
    v->pidfd = (int)syscall(SYS_pidfd_open, v->pid, 0);
    if (v->pidfd < 0 && errno == ESRCH)
        return;
    if (!rt_process_is_alive(v->pid, v->start_time)) {
        if (v->pidfd >= 0)
            close(v->pidfd);
        v->pidfd = -1;
        return;
    }
    if (v->pidfd >= 0) {
        if (syscall(SYS_pidfd_send_signal, v->pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
            log_warning("kill %s %d: %s", v->what, (int)v->pid, strerror(errno));
    } else if (kill(v->pid, SIGKILL) < 0 && errno != ESRCH) {
        log_warning("kill %s %d: %s", v->what, (int)v->pid, strerror(errno));
    }
    v->killed = true;
    log_debug("killed %s %d", v->what, (int)v->pid);
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits (up to DELETE_KILL_WAIT_MS in total) until every killed victim has exited. */
static void wait_victims(struct victim *v, size_t n)
{
    long long deadline = now_ms() + DELETE_KILL_WAIT_MS;

    for (size_t i = 0; i < n; i++) {
        while (v[i].killed) {
            long long left = deadline - now_ms();

            if (!rt_process_is_alive(v[i].pid, v[i].start_time))
                break;
            if (left <= 0) {
                log_warning("%s %d did not exit after SIGKILL", v[i].what, (int)v[i].pid);
                break;
            }
            /* A pidfd polls readable once the process has exited (zombie or not). */
            if (v[i].pidfd >= 0) {
                struct pollfd p = { .fd = v[i].pidfd, .events = POLLIN };

                poll(&p, 1, (int)(left < 50 ? left : 50));
            } else {
                usleep(10000);
            }
        }
        if (v[i].pidfd >= 0)
            close(v[i].pidfd);
        v[i].pidfd = -1;
    }
}

/*
 * Tells the pod's sandbox to forget a member container (its processes go
 * with it). The sandbox's own container needs no message: it is killed whole.
 */
static void destroy_in_sandbox(const struct container_meta *m)
{
    cleanup_error rt_error_t e = NULL;
    struct control_request req = { .kind = CONTROL_REQ_DESTROY, .container_id = m->id };
    struct control_response resp = { 0 };

    if (m->control_socket == NULL || m->sandbox_pid <= 0 ||
        !rt_process_is_alive(m->sandbox_pid, m->sandbox_start_time))
        return;
    if (control_call_timeout(m->control_socket, &req, NULL, 0, 5000, &resp, &e) < 0)
        log_debug("destroying `%s` in its sandbox: %s", m->id, rt_error_msg(e));
    control_response_free(&resp);
}

/*
 * Empties and removes the container's cgroup (failures only logged). What it
 * still holds no state names: the gofer or sandbox of a create killed before
 * it recorded them, waiters. They die with it.
 */
static void cleanup_cgroup(const char *root, const char *id)
{
    cleanup_error rt_error_t e = NULL;
    struct cgroup *cg = NULL;

    if (runsc_container_cgroup(root, id, &cg, &e) < 0)
        return;
    /* Frozen processes do not die of SIGKILL until thawed. */
    if (cg->ops->freeze(cg, false, &e) < 0)
        rt_error_release(&e);
    if (cgroup_kill_all(cg, &e) < 0) {
        log_warning("%s", rt_error_msg(e));
        rt_error_release(&e);
    }
    if (cg->ops->destroy(cg, &e) < 0)
        log_warning("%s", rt_error_msg(e));
    cgroup_free(cg);
}

/* After the processes are gone: the cgroup, then the poststop hooks (failures only logged). */
static void cleanup_after(const char *root, const struct container_meta *m)
{
    cleanup_error rt_error_t e = NULL;
    cleanup_spec struct spec *spec = NULL;

    cleanup_cgroup(root, m->id);
    if (m->bundle == NULL || specutils_load(m->bundle, m->config_path, &spec, &e) < 0)
        return;
    if (runsc_run_hooks(m, &spec->hooks.poststop, "poststop", &e) < 0)
        log_warning("%s", rt_error_msg(e));
}

/*
 * Kills the processes recorded for `m`: its waiter, the waiters of its execs,
 * its gofer and, when this container owns the sandbox, the sandbox itself.
 * Each is verified by start time first.
 */
static void kill_container(const struct container_meta *m)
{
    size_t n = 0;
    struct victim *v = xcalloc(m->n_execs + 3, sizeof(*v));
    bool owns_sandbox = m->sandbox_id == NULL || strcmp(m->sandbox_id, m->id) == 0;

    if (!owns_sandbox)
        destroy_in_sandbox(m);

    for (size_t i = 0; i < m->n_execs; i++)
        v[n++] = (struct victim){ "exec waiter", m->execs[i].waiter_pid,
                                  m->execs[i].waiter_start_time, -1, false };
    v[n++] = (struct victim){ "waiter", m->waiter_pid, m->waiter_start_time, -1, false };
    v[n++] = (struct victim){ "gofer", m->gofer_pid, m->gofer_start_time, -1, false };
    if (owns_sandbox)
        v[n++] = (struct victim){ "sandbox", m->sandbox_pid, m->sandbox_start_time, -1, false };
    for (size_t i = 0; i < n; i++)
        kill_verified(&v[i]);
    wait_victims(v, n);
    free(v);
}

int cmd_delete(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    static const struct option opts[] = {
        { "force", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    cleanup_free char *id = NULL;
    cleanup_close int lockfd = -1;
    struct container_meta *m = NULL;
    const char *arg;
    bool force = false;
    int c, ret;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            force = true;
            break;
        case 'h':
            runsc_print_command_help(argv[0]);
            return 0;
        default:
            return rt_make_error(err, 0, "delete: unknown option `%s`", argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return rt_make_error(err, 0, "delete: expects exactly one container ID");
    arg = argv[optind];

    ret = container_resolve_id(g->root, arg, &id, err);
    if (ret == 0)
        ret = container_lock(g->root, id, &lockfd, err);
    if (ret < 0 && rt_error_status(*err) == ENOENT) {
        cleanup_error rt_error_t e = NULL;

        /* Gone, but an interrupted delete may have left `<id>~deleting` behind. */
        if (container_remove_dir(g->root, id ? id : arg, &e) < 0)
            log_warning("%s", rt_error_msg(e));
        if (force) {
            rt_error_release(err);
            return 0;
        }
    }
    if (ret < 0)
        return -1;

    ret = container_meta_load(g->root, id, &m, err);
    if (ret < 0) {
        if (rt_error_status(*err) == ENOENT) {
            /* A directory without meta.json: what a crashed create leaves. */
            rt_error_release(err);
            cleanup_cgroup(g->root, id);
        } else if (force) {
            log_warning("deleting container `%s` with unreadable state: %s", id,
                        rt_error_msg(*err));
            rt_error_release(err);
            cleanup_cgroup(g->root, id);
        } else {
            return rt_error_wrap(err, "deleting container `%s` (--force removes it anyway)", id);
        }
    } else {
        enum container_status st = m->status;

        if (!force && st != CONTAINER_STOPPED && st != CONTAINER_CREATED) {
            container_meta_free(m);
            return rt_make_error(err, 0, "cannot delete %s container %s, use --force",
                                 container_status_name(st), id);
        }
        if (st == CONTAINER_PAUSED) {
            cleanup_error rt_error_t e = NULL;
            struct cgroup *cg = NULL;

            /* Frozen processes do not die of SIGKILL until thawed. */
            if (runsc_container_cgroup(g->root, id, &cg, &e) == 0 &&
                cg->ops->freeze(cg, false, &e) < 0)
                log_warning("%s", rt_error_msg(e));
            cgroup_free(cg);
        }
        /* Also for a stopped one: its gofer or waiters may linger. */
        kill_container(m);
        cleanup_after(g->root, m);
        container_meta_free(m);
    }
    if (container_remove_dir(g->root, id, err) < 0)
        return rt_error_wrap(err, "deleting container `%s`", id);
    return 0;
}

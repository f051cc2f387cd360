// SPDX-License-Identifier: Apache-2.0
// The sandbox's containers: the control handlers' state machine (created, running, stopped).
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boot/boot.h"
#include "common/common.h"
#include "specutils/specutils.h"

#define BOOT_MAX_CONTAINERS 256

enum boot_ctr_state { CTR_CREATED, CTR_RUNNING, CTR_STOPPED };

struct boot_container {
    char *id;
    struct spec *spec;
    int fds[CONTROL_MAX_FDS]; /* stdio, gofer connections, preserved: as control.proto orders */
    size_t nfds;
    struct control_stdio stdio;
    enum boot_ctr_state state; /* Protected by g_mu. */
    int exit_status;           /* wait(2) status once stopped. Protected by g_mu. */
    int exited_fd;             /* eventfd, readable once stopped; Immutable. */
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static struct boot_container *g_ctrs[BOOT_MAX_CONTAINERS]; /* Protected by g_mu. */

static struct boot_container *find_locked(const char *id)
{
    for (size_t i = 0; i < BOOT_MAX_CONTAINERS; i++) {
        if (g_ctrs[i] != NULL && strcmp(g_ctrs[i]->id, id) == 0)
            return g_ctrs[i];
    }
    return NULL;
}

static void ctr_free(struct boot_container *c)
{
    rt_close_fd_array(c->fds, c->nfds);
    if (c->exited_fd >= 0)
        close(c->exited_fd);
    specutils_free(c->spec);
    free(c->id);
    free(c);
}

/* Marks `c` stopped with `status` and wakes its waiters. Needs g_mu. */
static void stop_locked(struct boot_container *c, int status)
{
    uint64_t one = 1;

    if (c->state == CTR_STOPPED)
        return;
    c->state = CTR_STOPPED;
    c->exit_status = status;
    /* The container's stdio and gofer connections go with it. */
    rt_close_fd_array(c->fds, c->nfds);
    c->nfds = 0;
    if (write(c->exited_fd, &one, sizeof(one)) < 0)
        log_warning("container %s: eventfd: %s", c->id, strerror(errno));
}

static int ctr_create(void *ctx, const struct control_create *cr, int *fds, size_t nfds,
                      rt_error_t *err)
{
    struct boot_container *c;
    size_t slot = BOOT_MAX_CONTAINERS;

    (void)ctx;
    c = xmalloc0(sizeof(*c));
    c->exited_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (c->exited_fd < 0) {
        free(c);
        return rt_make_error(err, errno, "eventfd");
    }
    if (specutils_parse((const char *)cr->spec_json, cr->spec_json_len, &c->spec, err) < 0) {
        ctr_free(c);
        return rt_error_wrap(err, "container `%s`: the spec", cr->container_id);
    }
    c->id = xstrdup(cr->container_id);
    c->stdio = cr->stdio;
    c->state = CTR_CREATED;
    pthread_mutex_lock(&g_mu);
    if (find_locked(cr->container_id) != NULL) {
        pthread_mutex_unlock(&g_mu);
        ctr_free(c);
        return rt_make_error(err, EEXIST, "container `%s` already exists in this sandbox",
                             cr->container_id);
    }
    for (size_t i = 0; i < BOOT_MAX_CONTAINERS; i++) {
        if (g_ctrs[i] == NULL) {
            slot = i;
            break;
        }
    }
    if (slot == BOOT_MAX_CONTAINERS) {
        pthread_mutex_unlock(&g_mu);
        ctr_free(c);
        return rt_make_error(err, ENOSPC, "too many containers in this sandbox");
    }
    /* Kept until the container stops: the server closes what we leave in `fds`. */
    for (size_t i = 0; i < nfds; i++) {
        c->fds[i] = fds[i];
        fds[i] = -1;
    }
    c->nfds = nfds;
    g_ctrs[slot] = c;
    pthread_mutex_unlock(&g_mu);
    log_info("container %s: created (%zu descriptors)", cr->container_id, nfds);
    return 0;
}

static int ctr_start(void *ctx, const char *id, rt_error_t *err)
{
    struct boot_container *c;
    const char *prog;

    (void)ctx;
    pthread_mutex_lock(&g_mu);
    c = find_locked(id);
    if (c == NULL) {
        pthread_mutex_unlock(&g_mu);
        return rt_make_error(err, ENOENT, "no container `%s` in this sandbox", id);
    }
    if (c->state != CTR_CREATED) {
        pthread_mutex_unlock(&g_mu);
        return rt_make_error(err, EINVAL, "container `%s` is not in the created state", id);
    }
    prog = c->spec->process->args.v[0];
    /*
     * The sentry loads programs through the VFS from the container's gofer
     * (fds[stdio..] above). Until the gofer-backed root filesystem exists in
     * the sentry (sentry/fs/gofer), nothing can be loaded inside the empty
     * root: the init fails the way a missing executable does (127), so that
     * the waiter, state and delete see a consistent container.
     */
    stop_locked(c, 127 << 8);
    pthread_mutex_unlock(&g_mu);
    return rt_make_error(err, ENOSYS,
                         "container `%s`: cannot run `%s`: the sandbox has no root filesystem "
                         "yet (the sentry's gofer-backed VFS has not landed)",
                         id, prog);
}

static int ctr_wait(void *ctx, struct control_conn *conn, const struct control_wait *w,
                    int32_t *wait_status, rt_error_t *err)
{
    struct boot_container *c;
    int fd, r;

    (void)ctx;
    if (w->pid != 0)
        return rt_make_error(err, ESRCH, "container `%s` has no process %d", w->container_id,
                             w->pid);
    pthread_mutex_lock(&g_mu);
    c = find_locked(w->container_id);
    /* F_DUPFD: boot/filter.c allows fcntl up to F_SETFL, not dup(2); nothing here execs. */
    fd = c != NULL ? fcntl(c->exited_fd, F_DUPFD, 0) : -1;
    pthread_mutex_unlock(&g_mu);
    if (c == NULL)
        return rt_make_error(err, ENOENT, "no container `%s` in this sandbox", w->container_id);
    if (fd < 0)
        return rt_make_error(err, errno, "dup");
    r = control_conn_wait(conn, fd, -1, err);
    close(fd);
    pthread_mutex_lock(&g_mu);
    c = find_locked(w->container_id);
    if (r < 0) {
        /*
         * The waiter is gone (DESIGN.md section 1: its death kills its
         * container), or the sandbox is stopping.
         */
        if (c != NULL && c->state != CTR_STOPPED) {
            log_info("container %s: its waiter went away: killing it", w->container_id);
            stop_locked(c, SIGKILL);
        }
        pthread_mutex_unlock(&g_mu);
        return -1;
    }
    *wait_status = c != NULL ? c->exit_status : (SIGKILL);
    pthread_mutex_unlock(&g_mu);
    return 0;
}

static bool is_fatal_default(int sig)
{
    switch (sig) {
    case 0:
    case SIGCHLD:
    case SIGCONT:
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
    case SIGURG:
    case SIGWINCH:
        return false;
    default:
        return true;
    }
}

static int ctr_signal(void *ctx, const struct control_signal *s, rt_error_t *err)
{
    struct boot_container *c;
    int ret = 0;

    (void)ctx;
    pthread_mutex_lock(&g_mu);
    c = find_locked(s->container_id);
    if (c == NULL) {
        ret = rt_make_error(err, ENOENT, "no container `%s` in this sandbox", s->container_id);
    } else if (c->state == CTR_STOPPED) {
        /* control.proto: ALL succeeds on a container whose processes are all gone. */
        if (s->target != CONTROL_SIGNAL_ALL)
            ret =
                rt_make_error(err, ESRCH, "container `%s` has no running process", s->container_id);
    } else if (c->state == CTR_CREATED) {
        /* No process yet: a signal whose default action kills ends the container, as runc's. */
        if (is_fatal_default(s->signo))
            stop_locked(c, s->signo);
    } else {
        ret = rt_make_error(err, ENOSYS, "signalling running containers needs the sentry");
    }
    pthread_mutex_unlock(&g_mu);
    return ret;
}

static int ctr_processes(void *ctx, const char *id, struct control_process_info **v, size_t *n,
                         rt_error_t *err)
{
    struct boot_container *c;

    (void)ctx;
    pthread_mutex_lock(&g_mu);
    c = find_locked(id);
    pthread_mutex_unlock(&g_mu);
    if (c == NULL)
        return rt_make_error(err, ENOENT, "no container `%s` in this sandbox", id);
    /* No container process runs before the sentry does. */
    *v = NULL;
    *n = 0;
    return 0;
}

static int ctr_destroy(void *ctx, const char *id, rt_error_t *err)
{
    struct boot_container *c = NULL;

    (void)ctx;
    (void)err;
    pthread_mutex_lock(&g_mu);
    for (size_t i = 0; i < BOOT_MAX_CONTAINERS; i++) {
        if (g_ctrs[i] != NULL && strcmp(g_ctrs[i]->id, id) == 0) {
            c = g_ctrs[i];
            g_ctrs[i] = NULL;
            break;
        }
    }
    if (c != NULL)
        stop_locked(c, SIGKILL);
    pthread_mutex_unlock(&g_mu);
    /* A Wait may still hold a dup of exited_fd, never `c` itself: freeing is safe. */
    if (c != NULL)
        ctr_free(c);
    return 0;
}

void boot_containers_handlers(struct control_handlers *h)
{
    h->create = ctr_create;
    h->start = ctr_start;
    h->wait = ctr_wait;
    h->signal = ctr_signal;
    h->processes = ctr_processes;
    h->destroy = ctr_destroy;
}

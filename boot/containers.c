// SPDX-License-Identifier: Apache-2.0
// The sandbox's containers: the control handlers' state machine (created, running, stopped).
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boot/boot.h"
#include "common/common.h"
#include "sentry/sentry.h"
#include "specutils/specutils.h"

#define BOOT_MAX_CONTAINERS 256

enum boot_ctr_state { CTR_CREATED, CTR_RUNNING, CTR_STOPPED };

/* A process started by an Exec request; lives until its container is destroyed. */
struct boot_exec {
    struct boot_exec *next;
    int pid;                   /* inside the sandbox; Immutable */
    struct sentry_process *sp; /* owned */
    int fds[CONTROL_MAX_FDS];  /* stdio, preserved; closed once it exits. Protected by g_mu */
    size_t nfds;
    bool exited;     /* Protected by g_mu. */
    int exit_status; /* wait(2) status once exited. Protected by g_mu. */
    int exited_fd;   /* eventfd, readable once exited; Immutable. */
};

struct boot_container {
    char *id;
    struct spec *spec;
    int fds[CONTROL_MAX_FDS]; /* stdio, gofer connections, preserved: as control.proto orders */
    size_t nfds;
    struct control_stdio stdio;
    uint32_t gofer_fd_count, preserve_fd_count;
    char **gofer_mounts; /* destinations of gofer connections 1..; n = gofer_fd_count - 1 */
    /* The running init and its processes (from start on); owned. Protected by g_mu. */
    struct sentry_container *sc;
    enum boot_ctr_state state; /* Protected by g_mu. */
    int exit_status;           /* wait(2) status once stopped. Protected by g_mu. */
    int exited_fd;             /* eventfd, readable once stopped; Immutable. */
    struct boot_exec *execs;   /* Protected by g_mu. */
    /* An Update's pids limit for a container not started yet (start uses it). g_mu */
    bool has_pids_limit;
    int64_t pids_limit;
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static struct boot_container *g_ctrs[BOOT_MAX_CONTAINERS]; /* Protected by g_mu. */
static struct sentry *g_sentry;                            /* Not owned; set before serving. */

static bool g_no_overlay; /* Immutable once serving. */

void boot_containers_set_no_overlay(bool no_overlay)
{
    g_no_overlay = no_overlay;
}

void boot_containers_set_sentry(struct sentry *s)
{
    g_sentry = s;
}

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
    for (uint32_t i = 0; c->gofer_mounts != NULL && i + 1 < c->gofer_fd_count; i++)
        free(c->gofer_mounts[i]);
    free(c->gofer_mounts);
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
    c->gofer_fd_count = cr->gofer_fd_count;
    c->gofer_mounts = xcalloc(cr->n_gofer_mounts + 1, sizeof(char *));
    for (size_t i = 0; i < cr->n_gofer_mounts && i + 1 < cr->gofer_fd_count; i++)
        c->gofer_mounts[i] = xstrdup(cr->gofer_mounts[i]);
    c->preserve_fd_count = cr->preserve_fd_count;
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

/* The init's exit (on the container's thread): the container stops with init's status. */
static void on_init_exit(void *arg, int wait_status)
{
    struct boot_container *c = arg;

    pthread_mutex_lock(&g_mu);
    log_info("container %s: init exited (wait status %#x)", c->id, wait_status);
    stop_locked(c, wait_status);
    pthread_mutex_unlock(&g_mu);
}

/* Kills every process of a running container and marks it stopped. Needs g_mu. */
static void kill_locked(struct boot_container *c)
{
    if (c->sc != NULL && c->state == CTR_RUNNING)
        sentry_container_signal(c->sc, SENTRY_SIGNAL_ALL, 0, SIGKILL, NULL);
    stop_locked(c, SIGKILL);
}

static size_t stdio_fd_count(const struct control_stdio *s)
{
    return s->kind == CONTROL_STDIO_FDS ? 3 : s->kind == CONTROL_STDIO_TTY ? 1 : 0;
}

/* A terminal's size from the request (process.consoleSize), set on the pty replica `fd`. */
static void apply_console_size(const char *id, const struct control_stdio *s, int fd)
{
    struct winsize ws = { 0 };

    if (s->kind != CONTROL_STDIO_TTY || !s->has_console_size || fd < 0)
        return;
    ws.ws_row = (unsigned short)s->rows;
    ws.ws_col = (unsigned short)s->cols;
    if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
        log_warning("container %s: setting the console size: %s", id, strerror(errno));
}

/*
 * Fills `a` from an OCI process and its descriptors (stdio as `stdio` says,
 * then `n_preserved` more). `*rl` receives the rlimits array `a` points to.
 */
static void process_args_of(const struct spec_process *proc, const struct control_stdio *stdio,
                            const int *fds, size_t n_preserved, struct sentry_process_args *a,
                            struct sentry_rlimit **rl)
{
    size_t nstdio = stdio_fd_count(stdio);

    *a = (struct sentry_process_args){
        .argv = proc->args.v,
        .envp = proc->env.v,
        .cwd = proc->cwd,
        .stdio = { -1, -1, -1 },
        .preserved = fds + nstdio,
        .n_preserved = n_preserved,
        .n_rlimits = proc->n_rlimits,
        .has_umask = proc->user.has_umask,
        .umask = proc->user.umask,
        .uid = proc->user.uid,
        .gid = proc->user.gid,
        .groups = proc->user.additional_gids,
        .n_groups = proc->user.n_additional_gids,
        .no_new_privs = proc->no_new_privileges,
    };
    /* Without process.capabilities the sets are empty (OCI), as runc gives them. */
    if (proc->capabilities != NULL) {
        a->cap_bounding = proc->capabilities->bounding_mask;
        a->cap_effective = proc->capabilities->effective_mask;
        a->cap_inheritable = proc->capabilities->inheritable_mask;
        a->cap_permitted = proc->capabilities->permitted_mask;
        a->cap_ambient = proc->capabilities->ambient_mask;
    }
    for (size_t i = 0; i < 3 && nstdio > 0; i++)
        a->stdio[i] = fds[nstdio == 3 ? i : 0];
    /* A terminal is the sentry's console over the host pty (its size: apply_console_size's). */
    a->console = stdio->kind == CONTROL_STDIO_TTY;
    *rl = xcalloc(proc->n_rlimits + 1, sizeof(**rl));
    for (size_t i = 0; i < proc->n_rlimits; i++)
        (*rl)[i] = (struct sentry_rlimit){ .resource = proc->rlimits[i].resource,
                                           .soft = proc->rlimits[i].soft,
                                           .hard = proc->rlimits[i].hard };
    a->rlimits = *rl;
}

/*
 * A spec mount option among ro, rw, nosuid, nodev and noexec: sets (or, for
 * rw, clears) its flag and returns true; false for any other option.
 */
static bool mount_flag_option(const char *o, bool *readonly, bool *nosuid, bool *nodev,
                              bool *noexec)
{
    if (strcmp(o, "ro") == 0)
        *readonly = true;
    else if (strcmp(o, "rw") == 0)
        *readonly = false;
    else if (strcmp(o, "nosuid") == 0)
        *nosuid = true;
    else if (strcmp(o, "nodev") == 0)
        *nodev = true;
    else if (strcmp(o, "noexec") == 0)
        *noexec = true;
    else
        return false;
    return true;
}

/*
 * The spec's tmpfs mounts as the sentry takes them (options ro, nosuid,
 * nodev, noexec here; the sentry applies size=, nr_inodes=, mode=, uid=, gid=). Other types
 * are not mounted here: bind mounts come with gofer connections
 * (bind_mounts_of), proc, sysfs, devpts, mqueue and cgroup are the sentry's
 * own (fs_mounts_of).
 */
static struct sentry_tmpfs_mount *tmpfs_mounts_of(const struct spec *spec, size_t *n)
{
    struct sentry_tmpfs_mount *v = xcalloc(spec->n_mounts + 1, sizeof(*v));

    *n = 0;
    for (size_t i = 0; i < spec->n_mounts; i++) {
        const struct spec_mount *m = &spec->mounts[i];
        struct sentry_tmpfs_mount *t = &v[*n];

        if (m->type == NULL || strcmp(m->type, "tmpfs") != 0) {
            /* Bind mounts come with gofer connections (bind_mounts_of). */
            log_debug("sentry: mount %s (%s) is not a tmpfs: not mounted here", m->destination,
                      m->type != NULL ? m->type : "bind");
            continue;
        }
        *t = (struct sentry_tmpfs_mount){ .destination = m->destination,
                                          .mode = 01777,
                                          .options = m->options.v,
                                          .n_options = m->options.n,
                                          .order = i };
        for (size_t j = 0; j < m->options.n; j++) {
            const char *o = m->options.v[j];

            if (!mount_flag_option(o, &t->readonly, &t->nosuid, &t->nodev, &t->noexec) &&
                strncmp(o, "mode=", 5) == 0)
                t->mode = (uint32_t)strtoul(o + 5, NULL, 8) & 07777;
        }
        (*n)++;
    }
    return v;
}

/*
 * The bind mounts create sent gofer connections for (gofer_mounts, in
 * order), with the options of the spec's last mount at each destination
 * (ro, nosuid, nodev, noexec).
 */
static struct sentry_bind_mount *bind_mounts_of(const struct boot_container *c,
                                                const int *gofer_fds, size_t *n)
{
    size_t count = c->gofer_fd_count > 0 ? c->gofer_fd_count - 1 : 0;
    struct sentry_bind_mount *v = xcalloc(count + 1, sizeof(*v));

    for (size_t i = 0; i < count; i++) {
        struct sentry_bind_mount *b = &v[i];
        const struct spec_mount *m = NULL;

        *b = (struct sentry_bind_mount){ .destination = c->gofer_mounts[i],
                                         .gofer_fd = gofer_fds[i] };
        for (size_t j = 0; j < c->spec->n_mounts; j++) {
            if (strcmp(c->spec->mounts[j].destination, b->destination) == 0) {
                m = &c->spec->mounts[j];
                b->order = j;
            }
        }
        for (size_t j = 0; m != NULL && j < m->options.n; j++) {
            const char *o = m->options.v[j];

            mount_flag_option(o, &b->readonly, &b->nosuid, &b->nodev, &b->noexec);
        }
    }
    *n = count;
    return v;
}

/*
 * The spec's mounts of the sentry's own file systems (proc, sysfs, devpts,
 * mqueue, cgroup, cgroup2) with their options ro, nosuid, nodev, noexec.
 */
static struct sentry_fs_mount *fs_mounts_of(const struct spec *spec, size_t *n)
{
    static const char *const types[] = { "proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2" };
    struct sentry_fs_mount *v = xcalloc(spec->n_mounts + 1, sizeof(*v));

    *n = 0;
    for (size_t i = 0; i < spec->n_mounts; i++) {
        const struct spec_mount *m = &spec->mounts[i];
        struct sentry_fs_mount *f = &v[*n];
        bool known = false;

        for (size_t j = 0; m->type != NULL && j < ARRAY_SIZE(types); j++)
            known |= strcmp(m->type, types[j]) == 0;
        if (!known)
            continue;
        *f = (struct sentry_fs_mount){ .type = m->type, .destination = m->destination, .order = i };
        for (size_t j = 0; j < m->options.n; j++) {
            const char *o = m->options.v[j];

            mount_flag_option(o, &f->readonly, &f->nosuid, &f->nodev, &f->noexec);
        }
        (*n)++;
    }
    return v;
}

/* What the container's cgroup view shows: linux.resources' memory and cpu limits. */
static void cgroup_limits_of(const struct spec *spec, struct sentry_container_args *a)
{
    const struct spec_resources *r = spec->has_linux ? spec->linux_cfg.resources : NULL;

    a->memory_limit = a->memory_swap_limit = a->cpu_quota = -1;
    if (r != NULL && r->memory != NULL && r->memory->has_limit && r->memory->limit > 0) {
        a->memory_limit = r->memory->limit;
        /* OCI's swap is memory plus swap; cgroup2's memory.swap.max is the swap alone. */
        if (r->memory->has_swap && r->memory->swap >= r->memory->limit)
            a->memory_swap_limit = r->memory->swap - r->memory->limit;
    }
    if (r != NULL && r->cpu != NULL) {
        if (r->cpu->has_quota)
            a->cpu_quota = r->cpu->quota;
        if (r->cpu->has_period)
            a->cpu_period = r->cpu->period;
        if (r->cpu->has_shares)
            a->cpu_shares = r->cpu->shares;
    }
}

/* Starts the init of `c` from its spec and the descriptors create gave. Needs g_mu. */
static int start_locked(struct boot_container *c, rt_error_t *err)
{
    const struct spec_process *proc = c->spec->process;
    size_t nstdio = stdio_fd_count(&c->stdio);
    cleanup_free struct sentry_rlimit *rl = NULL;
    cleanup_free struct sentry_tmpfs_mount *tmpfs = NULL;
    cleanup_free struct sentry_bind_mount *binds = NULL;
    cleanup_free struct sentry_fs_mount *fs_mounts = NULL;
    struct sentry_container_args a = { .root_readonly = c->spec->root.readonly,
                                       .root_no_overlay = g_no_overlay };

    if (g_sentry == NULL)
        return rt_make_error(err, ENOSYS, "this sandbox has no sentry");
    if (c->gofer_fd_count < 1 || nstdio + c->gofer_fd_count + c->preserve_fd_count > c->nfds)
        return rt_make_error(err, EINVAL, "container `%s` has no rootfs gofer connection", c->id);
    process_args_of(proc, &c->stdio, c->fds, c->preserve_fd_count, &a.init, &rl);
    /* The preserved fds follow the gofer connections. */
    a.init.preserved = c->fds + nstdio + c->gofer_fd_count;
    a.init.on_exit = on_init_exit;
    a.init.arg = c;
    apply_console_size(c->id, &c->stdio, c->fds[0]);
    tmpfs = tmpfs_mounts_of(c->spec, &a.n_tmpfs);
    a.tmpfs = tmpfs;
    /* The bind connections stay ours (closed when the container stops); the mounts dup them. */
    binds = bind_mounts_of(c, c->fds + nstdio + 1, &a.n_binds);
    a.binds = binds;
    fs_mounts = fs_mounts_of(c->spec, &a.n_fs_mounts);
    a.fs_mounts = fs_mounts;
    if (c->spec->has_linux) {
        a.masked_paths = c->spec->linux_cfg.masked_paths.v;
        a.n_masked_paths = c->spec->linux_cfg.masked_paths.n;
        a.readonly_paths = c->spec->linux_cfg.readonly_paths.v;
        a.n_readonly_paths = c->spec->linux_cfg.readonly_paths.n;
    }
    cgroup_limits_of(c->spec, &a);
    {
        /*
         * A pod member whose pid namespace is a path (the pause container's,
         * shareProcessNamespace) or unset shares the sandbox's; one to create
         * gets its own, its init pid 1 (the sentry ignores this for the
         * first container, which is the root namespace).
         */
        const struct spec_namespace *pidns = specutils_namespace_find(c->spec, "pid");

        a.share_pid_ns = pidns == NULL || pidns->path != NULL;
    }
    {
        /* The same rule for the IPC namespace (System V IPC, POSIX message queues). */
        const struct spec_namespace *ipcns = specutils_namespace_find(c->spec, "ipc");

        a.share_ipc_ns = ipcns == NULL || ipcns->path != NULL;
    }
    /* The sentry enforces the pids limit; the host cgroup's pids.max is only a backstop. */
    if (c->spec->has_linux && c->spec->linux_cfg.resources != NULL &&
        c->spec->linux_cfg.resources->pids != NULL && c->spec->linux_cfg.resources->pids->has_limit)
        a.pids_limit = c->spec->linux_cfg.resources->pids->limit;
    if (c->has_pids_limit)
        a.pids_limit = c->pids_limit;
    /* The rootfs connection belongs to the sentry's mount from here on. */
    a.root_gofer_fd = take_fd(&c->fds[nstdio]);
    if (sentry_container_start(g_sentry, &a, &c->sc, err) < 0)
        return rt_error_wrap(err, "container `%s`: starting `%s`", c->id, proc->args.v[0]);
    return 0;
}

static int ctr_start(void *ctx, const char *id, rt_error_t *err)
{
    struct boot_container *c;
    int ret;

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
    /*
     * g_mu stays held while the init loads: a concurrent kill or destroy
     * waits for it, and on_init_exit cannot run before the state is set.
     */
    ret = start_locked(c, err);
    if (ret < 0) {
        int e = rt_error_status(*err);

        /* As a shell reports it: 127 for a missing program, 126 for one that cannot run. */
        stop_locked(c, (e == ENOENT ? 127 : 126) << 8);
    } else {
        c->state = CTR_RUNNING;
        log_info("container %s: started, init pid %d", id, sentry_container_init_pid(c->sc));
    }
    pthread_mutex_unlock(&g_mu);
    return ret;
}

/* An exec'd process is gone (on its sentry thread). */
static void on_exec_exit(void *arg, int wait_status)
{
    struct boot_exec *x = arg;
    uint64_t one = 1;

    pthread_mutex_lock(&g_mu);
    x->exited = true;
    x->exit_status = wait_status;
    rt_close_fd_array(x->fds, x->nfds);
    x->nfds = 0;
    if (write(x->exited_fd, &one, sizeof(one)) < 0)
        log_warning("exec'd process %d: eventfd: %s", x->pid, strerror(errno));
    pthread_mutex_unlock(&g_mu);
}

static struct boot_exec *find_exec_locked(struct boot_container *c, int pid)
{
    for (struct boot_exec *x = c->execs; x != NULL; x = x->next) {
        if (x->pid == pid)
            return x;
    }
    return NULL;
}

/* Frees the exec records of a container that is gone (its processes are dead). */
static void free_execs(struct boot_exec *x)
{
    while (x != NULL) {
        struct boot_exec *next = x->next;

        sentry_process_free(x->sp); /* joins its thread, which ran on_exec_exit */
        rt_close_fd_array(x->fds, x->nfds);
        close(x->exited_fd);
        free(x);
        x = next;
    }
}

static int ctr_exec(void *ctx, const struct control_exec *e, int *fds, size_t nfds, int32_t *pid,
                    rt_error_t *err)
{
    cleanup_spec_process struct spec_process *proc = NULL;
    cleanup_free struct sentry_rlimit *rl = NULL;
    struct sentry_process_args a;
    struct boot_container *c;
    struct boot_exec *x;
    int ret = 0;

    (void)ctx;
    if (specutils_process_parse((const char *)e->process_json, e->process_json_len, &proc, err) < 0)
        return rt_error_wrap(err, "exec in `%s`: the process", e->container_id);
    if (stdio_fd_count(&e->stdio) + e->preserve_fd_count > nfds)
        return rt_make_error(err, EINVAL, "exec in `%s`: %zu descriptors, not enough",
                             e->container_id, nfds);
    x = xmalloc0(sizeof(*x));
    x->exited_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (x->exited_fd < 0) {
        free(x);
        return rt_make_error(err, errno, "eventfd");
    }
    for (size_t i = 0; i < nfds; i++)
        x->fds[i] = take_fd(&fds[i]);
    x->nfds = nfds;
    process_args_of(proc, &e->stdio, x->fds, e->preserve_fd_count, &a, &rl);
    apply_console_size(e->container_id, &e->stdio, x->fds[0]);
    a.on_exit = on_exec_exit;
    a.arg = x;
    pthread_mutex_lock(&g_mu);
    c = find_locked(e->container_id);
    if (c == NULL)
        ret = rt_make_error(err, ENOENT, "no container `%s` in this sandbox", e->container_id);
    else if (c->state != CTR_RUNNING)
        ret = rt_make_error(err, EINVAL, "container `%s` is not running", e->container_id);
    else if (sentry_container_exec(c->sc, &a, &x->sp, err) < 0)
        ret = rt_error_wrap(err, "exec in `%s`: starting `%s`", e->container_id, proc->args.v[0]);
    if (ret == 0) {
        /* Linked before g_mu is dropped: on_exec_exit may run as soon as we do. */
        x->pid = sentry_process_pid(x->sp);
        x->next = c->execs;
        c->execs = x;
        *pid = x->pid;
        log_info("container %s: exec'd `%s` as pid %d", c->id, proc->args.v[0], x->pid);
    }
    pthread_mutex_unlock(&g_mu);
    if (ret < 0) {
        rt_close_fd_array(x->fds, x->nfds);
        close(x->exited_fd);
        free(x);
    }
    return ret;
}

/* Wait for an exec'd process: like the init's, its waiter's departure kills it. */
static int wait_exec(struct control_conn *conn, const struct control_wait *w, int32_t *wait_status,
                     rt_error_t *err)
{
    struct boot_container *c;
    struct boot_exec *x = NULL;
    int fd = -1, r;

    pthread_mutex_lock(&g_mu);
    c = find_locked(w->container_id);
    if (c != NULL)
        x = find_exec_locked(c, w->pid);
    if (x != NULL)
        fd = fcntl(x->exited_fd, F_DUPFD, 0);
    pthread_mutex_unlock(&g_mu);
    if (c == NULL)
        return rt_make_error(err, ENOENT, "no container `%s` in this sandbox", w->container_id);
    if (x == NULL)
        return rt_make_error(err, ESRCH, "container `%s` has no exec'd process %d", w->container_id,
                             w->pid);
    if (fd < 0)
        return rt_make_error(err, errno, "dup");
    r = control_conn_wait(conn, fd, -1, err);
    close(fd);
    pthread_mutex_lock(&g_mu);
    c = find_locked(w->container_id);
    x = c != NULL ? find_exec_locked(c, w->pid) : NULL;
    if (r < 0) {
        if (x != NULL && !x->exited && c->state == CTR_RUNNING) {
            log_info("container %s: the waiter of pid %d went away: killing it", c->id, w->pid);
            sentry_container_signal(c->sc, SENTRY_SIGNAL_PROCESS, w->pid, SIGKILL, NULL);
        }
        pthread_mutex_unlock(&g_mu);
        return -1;
    }
    *wait_status = x != NULL ? x->exit_status : SIGKILL;
    pthread_mutex_unlock(&g_mu);
    return 0;
}

static int ctr_wait(void *ctx, struct control_conn *conn, const struct control_wait *w,
                    int32_t *wait_status, rt_error_t *err)
{
    struct boot_container *c;
    int fd, r;

    (void)ctx;
    if (w->pid != 0)
        return wait_exec(conn, w, wait_status, err);
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
            kill_locked(c);
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
        static const enum sentry_signal_target targets[] = {
            [CONTROL_SIGNAL_PROCESS] = SENTRY_SIGNAL_PROCESS,
            [CONTROL_SIGNAL_INIT] = SENTRY_SIGNAL_INIT,
            [CONTROL_SIGNAL_ALL] = SENTRY_SIGNAL_ALL,
            /* The foreground group of the init's terminal; the init without one. */
            [CONTROL_SIGNAL_FOREGROUND] = SENTRY_SIGNAL_FOREGROUND,
        };

        ret = sentry_container_signal(c->sc, targets[s->target], s->pid, s->signo, err);
    }
    pthread_mutex_unlock(&g_mu);
    return ret;
}

static int ctr_processes(void *ctx, const char *id, struct control_process_info **v, size_t *n,
                         rt_error_t *err)
{
    struct boot_container *c;

    struct sentry_process_info *ps = NULL;
    size_t nps = 0;
    int ret = 0;

    (void)ctx;
    *v = NULL;
    *n = 0;
    pthread_mutex_lock(&g_mu);
    c = find_locked(id);
    if (c == NULL)
        ret = rt_make_error(err, ENOENT, "no container `%s` in this sandbox", id);
    else if (c->state == CTR_RUNNING)
        ret = sentry_container_processes(c->sc, &ps, &nps, err);
    pthread_mutex_unlock(&g_mu);
    if (ret < 0 || nps == 0)
        return ret;
    *v = xcalloc(nps, sizeof(**v));
    for (size_t i = 0; i < nps; i++) {
        (*v)[i] = (struct control_process_info){
            .pid = ps[i].pid,
            .ppid = ps[i].ppid,
            .utime_ns = ps[i].cpu_ns,
            .host_pid = ps[i].host_pid,
            .tty = xstrndup(ps[i].tty, sizeof(ps[i].tty)),
            .cmd = xstrndup(ps[i].comm, sizeof(ps[i].comm)),
        };
    }
    *n = nps;
    free(ps);
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
        kill_locked(c);
    pthread_mutex_unlock(&g_mu);
    if (c == NULL)
        return 0;
    /* Waits for the container's thread (whose on_init_exit still sees `c`). */
    sentry_container_free(c->sc);
    free_execs(c->execs);
    /* A Wait may still hold a dup of exited_fd, never `c` itself: freeing is safe. */
    ctr_free(c);
    return 0;
}

/* `runsc-c update`: the sentry enforces the pids limit (the host cgroup only backs it up). */
static int ctr_update(void *ctx, const struct control_update *u, rt_error_t *err)
{
    struct boot_container *c;
    int ret = 0;

    (void)ctx;
    pthread_mutex_lock(&g_mu);
    c = find_locked(u->container_id);
    if (c == NULL) {
        ret = rt_make_error(err, ENOENT, "no container `%s` in this sandbox", u->container_id);
    } else if (u->has_pids_limit) {
        c->has_pids_limit = true;
        c->pids_limit = u->pids_limit;
        if (c->state == CTR_RUNNING)
            sentry_container_set_pids_limit(c->sc, u->pids_limit);
    }
    pthread_mutex_unlock(&g_mu);
    return ret;
}

/* What the sentry counts: pids.current and its limit (the rest is the host cgroup's). */
static int ctr_stats(void *ctx, const char *id, struct control_stats *out, rt_error_t *err)
{
    struct boot_container *c;
    int64_t limit = 0;
    int ret = 0;

    (void)ctx;
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&g_mu);
    c = find_locked(id);
    if (c == NULL)
        ret = rt_make_error(err, ENOENT, "no container `%s` in this sandbox", id);
    else if (c->state == CTR_RUNNING)
        sentry_container_pids(c->sc, &out->pids_current, &limit);
    pthread_mutex_unlock(&g_mu);
    out->pids_limit = limit > 0 ? (uint64_t)limit : 0;
    return ret;
}

void boot_containers_handlers(struct control_handlers *h)
{
    h->create = ctr_create;
    h->start = ctr_start;
    h->exec = ctr_exec;
    h->wait = ctr_wait;
    h->signal = ctr_signal;
    h->processes = ctr_processes;
    h->destroy = ctr_destroy;
    h->update = ctr_update;
    h->stats = ctr_stats;
}

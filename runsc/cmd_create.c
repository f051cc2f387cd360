/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c create`: the sandbox (or a pod's), the gofer, the container in it, its waiter. */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileutil.h"
#include "common/syscalls.h"
#include "runsc/container.h"
#include "runsc/runsc.h"
#include "sandbox/sandbox.h"
#include "specutils/specutils.h"

#define CGROUP_PATH_FILE "cgroup.path"
#define EXIT_STATUS_FILE "exit-status"

char *runsc_state_file(const char *root, const char *id, const char *name)
{
    return xasprintf("%s/%s/%s", root, id, name);
}

int runsc_write_pid_file(const char *path, pid_t pid, rt_error_t *err)
{
    char buf[32];
    int len = snprintf(buf, sizeof(buf), "%d", (int)pid);

    if (rt_write_file_atomic(AT_FDCWD, path, buf, (size_t)len, 0644, err) < 0)
        return rt_error_wrap(err, "writing the pid file");
    return 0;
}

int runsc_container_cgroup(const char *root, const char *id, struct cgroup **out, rt_error_t *err)
{
    cleanup_free char *file = runsc_state_file(root, id, CGROUP_PATH_FILE);
    cleanup_free char *path = NULL;
    size_t len = 0;

    if (rt_read_file(file, 4096, &path, &len, err) < 0)
        return rt_error_wrap(err, "container `%s` has no cgroup", id);
    return cgroup_open(NULL, path, id, out, err);
}

int runsc_container_exit_status(const char *root, const char *id, int *code)
{
    cleanup_free char *file = runsc_state_file(root, id, EXIT_STATUS_FILE);
    cleanup_free char *data = NULL;
    cleanup_error rt_error_t err = NULL;
    size_t len = 0;

    if (rt_read_file(file, 64, &data, &len, &err) < 0)
        return -1;
    *code = atoi(data);
    return *code < 0 ? -1 : 0;
}

int runsc_run_hooks(const struct container_meta *m, const struct spec_hook_list *hooks,
                    const char *what, rt_error_t *err)
{
    cleanup_free char *state = NULL;

    if (hooks->n == 0)
        return 0;
    state = container_state_json(m, /*pretty=*/false);
    return hooks_run(hooks, what, state, err);
}

/* Sends the pty master `fd` to the console socket `path` (runc's protocol: SCM_RIGHTS). */
static int send_console(const char *path, int fd, rt_error_t *err)
{
    cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    if (s < 0)
        return rt_make_error(err, errno, "socket");
    if (strlen(path) >= sizeof(addr.sun_path))
        return rt_make_error(err, ENAMETOOLONG, "console socket `%s`", path);
    strcpy(addr.sun_path, path);
    if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        return rt_make_error(err, errno, "connecting to the console socket `%s`", path);
    if (rt_send_fds(s, "/dev/ptmx", 9, &fd, 1, err) < 0)
        return rt_error_wrap(err, "sending the pty master");
    return 0;
}

int runsc_open_console(const char *console_socket, int *master_out, int *replica, rt_error_t *err)
{
    cleanup_close int master = -1;
    char name[64];

    if (console_socket == NULL && master_out == NULL)
        return rt_make_error(err, EINVAL, "process.terminal is true: --console-socket is needed");
    master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return rt_make_error(err, errno, "posix_openpt");
    if (grantpt(master) < 0 || unlockpt(master) < 0 || ptsname_r(master, name, sizeof(name)) != 0)
        return rt_make_error(err, errno, "preparing the pty");
    *replica = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*replica < 0)
        return rt_make_error(err, errno, "open `%s`", name);
    if (console_socket == NULL) {
        *master_out = take_fd(&master);
        return 0;
    }
    if (send_console(console_socket, master, err) < 0) {
        close(*replica);
        *replica = -1;
        return -1;
    }
    return 0;
}

/* Forks the waiter for `pid` (0: the init) of container `id`; returns its pid or < 0. */
pid_t runsc_fork_waiter(const char *socket_path, const char *id, int32_t pid,
                        const char *status_path, pid_t sandbox_pid, rt_error_t *err)
{
    cleanup_close int netns = -1;
    pid_t w;

    if (sandbox_pid > 0) {
        char path[64];

        snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)sandbox_pid);
        netns = open(path, O_RDONLY | O_CLOEXEC);
        if (netns < 0)
            return rt_make_error(err, errno, "open `%s`", path);
    }
    fflush(NULL);
    w = fork();
    if (w < 0)
        return rt_make_error(err, errno, "fork waiter");
    if (w == 0) {
        struct waiter_config cfg = {
            .socket_path = socket_path,
            .container_id = id,
            .pid = pid,
            .status_path = status_path,
        };
        int keep[1] = { rt_log_fd() };
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);

        /*
         * The waiter's pid is the container's pid for its clients: Docker's
         * prestart hook finds the network namespace to configure at
         * /proc/<pid>/ns/net. So the waiter lives in the sandbox's.
         */
        if (netns >= 0 && setns(netns, CLONE_NEWNET) < 0)
            _exit(125);
        /*
         * Not the container's stdio, not the shim's leaked fd 3: the waiter
         * keeps nothing of the caller's but the log, so EOF on the
         * container's pipes means the container is gone.
         */
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        rt_close_fds_except(keep, keep[0] >= 0 ? 1 : 0);
        waiter_main(&cfg);
    }
    return w;
}

/* What create (and run) were asked. */
struct create_opts {
    const char *id;
    const char *bundle;
    const char *pid_file;
    const char *console_socket;
    int *console_master; /* runsc_create_args's */
    int preserve_fds;
};

#define CREATE_MAX_BINDS 32

/* The spec's bind mounts: host directories the gofer serves on connections of their own. */
struct create_binds {
    size_t n;
    int dirs[CREATE_MAX_BINDS]; /* the opened sources */
    bool ro[CREATE_MAX_BINDS];
    const char *dest[CREATE_MAX_BINDS];   /* the spec's destinations (borrowed) */
    int sentry_fds[CREATE_MAX_BINDS + 1]; /* [0] the rootfs's, then one per bind */
};

static void create_binds_close(struct create_binds *b)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->dirs[i] >= 0)
            close(b->dirs[i]);
        b->dirs[i] = -1;
    }
    for (size_t i = 0; i < b->n + 1; i++) {
        if (b->sentry_fds[i] >= 0)
            close(b->sentry_fds[i]);
        b->sentry_fds[i] = -1;
    }
}

static bool has_option(const struct spec_mount *m, const char *opt)
{
    for (size_t i = 0; i < m->options.n; i++) {
        if (strcmp(m->options.v[i], opt) == 0)
            return true;
    }
    return false;
}

/*
 * Opens the sources of the spec's bind mounts (options bind or rbind; type
 * bind, none or absent; a relative source is relative to the bundle). The
 * gofer serves directories only: a file source is warned about and skipped.
 */
static int open_binds(const struct spec *spec, const char *bundle, struct create_binds *b,
                      rt_error_t *err)
{
    b->n = 0;
    for (size_t i = 0; i < CREATE_MAX_BINDS + 1; i++)
        b->sentry_fds[i] = -1;
    for (size_t i = 0; i < spec->n_mounts; i++) {
        const struct spec_mount *m = &spec->mounts[i];
        cleanup_free char *src = NULL;
        struct stat st;
        int fd;

        if (m->type != NULL && strcmp(m->type, "bind") != 0 && strcmp(m->type, "none") != 0 &&
            m->type[0] != '\0')
            continue;
        if (!has_option(m, "bind") && !has_option(m, "rbind"))
            continue;
        if (m->source == NULL)
            return rt_make_error(err, EINVAL, "bind mount at %s has no source", m->destination);
        src = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", bundle, m->source);
        fd = open(src, O_PATH | O_CLOEXEC);
        if (fd < 0)
            return rt_make_error(err, errno, "bind mount source `%s`", src);
        if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
            close(fd);
            log_warning("bind mount %s: source `%s` is not a directory: skipped (only "
                        "directories are served)",
                        m->destination, src);
            continue;
        }
        close(fd);
        if (b->n == CREATE_MAX_BINDS)
            return rt_make_error(err, E2BIG, "more than %d bind mounts", CREATE_MAX_BINDS);
        fd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return rt_make_error(err, errno, "bind mount source `%s`", src);
        b->dirs[b->n] = fd;
        b->ro[b->n] = has_option(m, "ro");
        b->dest[b->n] = m->destination;
        b->n++;
    }
    return 0;
}

/* Everything started so far, for the rollback on failure. */
struct create_state {
    pid_t gofer_pid, waiter_pid;
    struct sandbox sb;
    bool own_sandbox;
    struct cgroup *cg;
};

static void rollback(struct create_state *st)
{
    pid_t pids[3] = { st->waiter_pid, st->gofer_pid, st->own_sandbox ? st->sb.pid : 0 };

    for (size_t i = 0; i < ARRAY_SIZE(pids); i++) {
        if (pids[i] > 0) {
            kill(pids[i], SIGKILL);
            waitpid(pids[i], NULL, 0);
        }
    }
    if (st->cg != NULL) {
        cleanup_error rt_error_t e = NULL;

        /* We are in it ourselves until we exit: best effort, delete retries. */
        if (st->cg->ops->destroy(st->cg, &e) < 0)
            log_debug("%s", rt_error_msg(e));
    }
}

static int stdio_fds(const struct spec *spec, const struct create_opts *o, int *fds, size_t *n,
                     struct control_stdio *stdio, int *tty, rt_error_t *err)
{
    *n = 0;
    if (spec->process->terminal) {
        if (runsc_open_console(o->console_socket, o->console_master, tty, err) < 0)
            return -1;
        stdio->kind = CONTROL_STDIO_TTY;
        if (spec->process->has_console_size) {
            stdio->has_console_size = true;
            stdio->rows = spec->process->console_height;
            stdio->cols = spec->process->console_width;
        }
        fds[(*n)++] = *tty;
        return 0;
    }
    stdio->kind = CONTROL_STDIO_FDS;
    for (int i = 0; i < 3; i++) {
        if (fcntl(i, F_GETFD) < 0)
            return rt_make_error(err, EBADF, "stdio descriptor %d is not open", i);
        fds[(*n)++] = i;
    }
    return 0;
}

/* What record_sandbox needs. */
struct spawn_record {
    const char *root;
    struct container_meta *m; /* not owned */
};

/*
 * sandbox_config.on_spawn: meta.json (still "creating") gets the sandbox's
 * pid, and the gofer's, before the sandbox runs, so that `delete --force`
 * after a crash of this create finds them.
 */
static int record_sandbox(pid_t pid, void *arg, rt_error_t *err)
{
    struct spawn_record *r = arg;

    r->m->sandbox_pid = pid;
    if (rt_process_start_time(pid, &r->m->sandbox_start_time, err) < 0)
        return -1;
    return container_meta_save_locked(r->root, r->m, err);
}

/*
 * Creates the container and its waiter. On success the container is
 * `created`, its state saved and *waiter_out is the waiter (our child).
 */
static int create_container(struct runsc_global_opts *g, const struct create_opts *o,
                            pid_t *waiter_out, rt_error_t *err)
{
    struct create_state st = { .sb = { .pidfd = -1 } };
    cleanup_spec struct spec *spec = NULL;
    cleanup_free char *json = NULL;
    cleanup_free char *bundle = NULL;
    cleanup_free char *config_path = NULL;
    cleanup_free char *state_dir = NULL;
    cleanup_free char *socket_path = NULL;
    cleanup_free char *status_path = NULL;
    cleanup_close int lockfd = -1;
    cleanup_close int tty = -1;
    cleanup_close int gofer_log = -1;
    cleanup_close int boot_log = -1;
    struct create_binds binds = { 0 };
    struct container_meta *m = NULL;
    struct container_meta *sbm = NULL;
    enum spec_pod_role role = SPEC_POD_STANDALONE;
    const char *pod_sandbox = NULL;
    char created[40];
    size_t json_len = 0;
    int ret = -1;

    if (container_id_validate(o->id, err) < 0)
        return -1;
    if (o->preserve_fds < 0 || o->preserve_fds > 64)
        return rt_make_error(err, EINVAL, "--preserve-fds: %d is out of range (0..64)",
                             o->preserve_fds);
    bundle = realpath(o->bundle != NULL ? o->bundle : ".", NULL);
    if (bundle == NULL)
        return rt_make_error(err, errno, "bundle `%s`", o->bundle != NULL ? o->bundle : ".");
    config_path = xasprintf("%s/config.json", bundle);
    if (rt_read_file(config_path, 16u << 20, &json, &json_len, err) < 0)
        return rt_error_wrap(err, "reading the bundle's config");
    if (specutils_load(bundle, NULL, &spec, err) < 0)
        return rt_error_wrap(err, "loading `%s`", config_path);
    if (specutils_pod_role(spec, &role, &pod_sandbox, err) < 0)
        return -1;
    if (open_binds(spec, bundle, &binds, err) < 0) {
        create_binds_close(&binds);
        return -1;
    }
    if (container_create_dir(g->root, o->id, err) < 0) {
        create_binds_close(&binds);
        return -1;
    }
    /* From here on a failure removes the directory again. */
    state_dir = xasprintf("%s/%s", g->root, o->id);
    if (container_lock(g->root, o->id, &lockfd, err) < 0)
        goto out_rmdir;
    m = container_meta_new(o->id);
    m->bundle = xstrdup(bundle);
    m->config_path = xstrdup(config_path);
    if (container_config_digest(config_path, &m->config_digest, err) < 0)
        goto out_rmdir;
    m->status = CONTAINER_CREATING;
    container_now_rfc3339(created, sizeof(created));
    m->created = xstrdup(created);
    m->owner = geteuid();
    for (size_t i = 0; i < spec->annotations.n; i++)
        container_meta_set_annotation(m, spec->annotations.v[i].key, spec->annotations.v[i].value);
    if (container_meta_save_locked(g->root, m, err) < 0)
        goto out_rmdir;

    /* The pod: a member joins the sandbox of its pause container. */
    if (role == SPEC_POD_CONTAINER && pod_sandbox != NULL && strcmp(pod_sandbox, o->id) != 0) {
        if (container_meta_load(g->root, pod_sandbox, &sbm, err) < 0) {
            rt_error_wrap(err, "joining the pod sandbox `%s`", pod_sandbox);
            goto out_rmdir;
        }
        if (sbm->status == CONTAINER_STOPPED || sbm->control_socket == NULL) {
            rt_make_error(err, ESRCH, "the pod sandbox `%s` is not running", pod_sandbox);
            goto out_rmdir;
        }
        m->sandbox_id = xstrdup(sbm->id);
        m->sandbox_pid = sbm->sandbox_pid;
        m->sandbox_start_time = sbm->sandbox_start_time;
        socket_path = xstrdup(sbm->control_socket);
    } else {
        st.own_sandbox = true;
        m->sandbox_id = xstrdup(o->id);
    }

    /*
     * The cgroup first: every process started from here on inherits it, and
     * delete kills whatever it holds. Its path is recorded before it exists,
     * so that a create killed at any point leaves nothing delete cannot find.
     */
    if (cgroup_open(NULL, spec->has_linux ? spec->linux_cfg.cgroups_path : NULL, o->id, &st.cg,
                    err) < 0) {
        rt_error_wrap(err, "setting up the cgroup");
        goto out_kill;
    }
    if (container_write_state_file(g->root, o->id, CGROUP_PATH_FILE, st.cg->path,
                                   strlen(st.cg->path), err) < 0)
        goto out_kill;
    if (st.cg->ops->create(st.cg, err) < 0 ||
        st.cg->ops->apply(st.cg, spec->has_linux ? spec->linux_cfg.resources : NULL, err) < 0 ||
        st.cg->ops->add_pid(st.cg, getpid(), err) < 0) {
        rt_error_wrap(err, "setting up the cgroup");
        goto out_kill;
    }

    /* --debug-log DIR/: the gofer and the sandbox get files of their own. */
    if (rt_log_debug_file("gofer", &gofer_log, err) < 0 ||
        (st.own_sandbox && rt_log_debug_file("boot", &boot_log, err) < 0))
        goto out_kill;
    {
        struct gofer_spawn_config gc = {
            .rootfs = spec->root.resolved_path,
            .readonly = spec->root.readonly,
            .log_fd = gofer_log >= 0 ? gofer_log : rt_log_fd(),
            .log_format = g->log_format,
            .debug = g->debug,
        };

        if (gofer_spawn_mounts(&gc, binds.dirs, binds.ro, binds.n, &st.gofer_pid, binds.sentry_fds,
                               err) < 0)
            goto out_kill;
        m->gofer_pid = st.gofer_pid;
        rt_process_start_time(st.gofer_pid, &m->gofer_start_time, err);
        rt_error_release(err);
    }
    if (!st.own_sandbox) {
        /* A pod member: what delete needs to take it out of the pod's sandbox. */
        m->control_socket = xstrdup(socket_path);
        if (container_meta_save_locked(g->root, m, err) < 0)
            goto out_kill;
    }
    if (st.own_sandbox) {
        struct spawn_record rec = { .root = g->root, .m = m };
        struct sandbox_config sc = {
            .id = o->id,
            .state_dir = state_dir,
            .spec_json = json,
            .spec_json_len = json_len,
            .spec = spec,
            .network = g->network == NULL || strcmp(g->network, "sandbox") == 0
                           ? SANDBOX_NETWORK_SANDBOX
                       : strcmp(g->network, "host") == 0 ? SANDBOX_NETWORK_HOST
                                                         : SANDBOX_NETWORK_NONE,
            .log_fd = boot_log >= 0 ? boot_log : rt_log_fd(),
            .log_format = g->log_format,
            .debug = g->debug,
            .platform = g->platform,
            .strace = g->strace,
            .no_overlay = g->overlay != NULL &&
                          (strcmp(g->overlay, "none") == 0 || strcmp(g->overlay, "false") == 0),
            .on_spawn = record_sandbox,
            .on_spawn_arg = &rec,
        };

        if (sandbox_start(&sc, &st.sb, err) < 0)
            goto out_kill;
        m->sandbox_pid = st.sb.pid;
        rt_process_start_time(st.sb.pid, &m->sandbox_start_time, err);
        rt_error_release(err);
        socket_path = xstrdup(st.sb.socket_path);
    }

    {
        int fds[3 + 1 + CREATE_MAX_BINDS + 64];
        size_t nfds = 0;
        struct control_request req = {
            .kind = CONTROL_REQ_CREATE,
            .create = { .container_id = o->id,
                        .bundle = bundle,
                        .spec_json = (const uint8_t *)json,
                        .spec_json_len = json_len,
                        .gofer_fd_count = 1 + (uint32_t)binds.n,
                        .gofer_mounts = binds.dest,
                        .n_gofer_mounts = binds.n,
                        .preserve_fd_count = (uint32_t)o->preserve_fds },
        };
        struct control_response resp = { 0 };

        if (stdio_fds(spec, o, fds, &nfds, &req.create.stdio, &tty, err) < 0)
            goto out_kill;
        for (size_t i = 0; i < binds.n + 1; i++)
            fds[nfds++] = binds.sentry_fds[i];
        for (int i = 0; i < o->preserve_fds; i++) {
            if (fcntl(3 + i, F_GETFD) < 0) {
                rt_make_error(err, EBADF, "--preserve-fds: descriptor %d is not open", 3 + i);
                goto out_kill;
            }
            fds[nfds++] = 3 + i;
        }
        if (control_call(socket_path, &req, fds, nfds, &resp, err) < 0) {
            rt_error_wrap(err, "creating the container in the sandbox");
            goto out_kill;
        }
        control_response_free(&resp);
    }
    if (m->control_socket == NULL)
        m->control_socket = xstrdup(socket_path);

    status_path = runsc_state_file(g->root, o->id, EXIT_STATUS_FILE);
    st.waiter_pid = runsc_fork_waiter(socket_path, o->id, 0, status_path, m->sandbox_pid, err);
    if (st.waiter_pid < 0)
        goto out_kill;
    m->waiter_pid = st.waiter_pid;
    if (rt_process_start_time(st.waiter_pid, &m->waiter_start_time, err) < 0)
        goto out_kill;

    /*
     * Hooks get the state with the waiter's pid, which lives in the sandbox's
     * network namespace (Docker's prestart hook configures it through
     * /proc/<pid>/ns/net).
     */
    if (runsc_run_hooks(m, &spec->hooks.prestart, "prestart", err) < 0 ||
        runsc_run_hooks(m, &spec->hooks.create_runtime, "createRuntime", err) < 0 ||
        runsc_run_hooks(m, &spec->hooks.create_container, "createContainer", err) < 0)
        goto out_kill;
    m->status = CONTAINER_CREATED;
    if (container_meta_save_locked(g->root, m, err) < 0)
        goto out_kill;
    /* Last, as CONTRACT.md says: the pid file means "created". */
    if (o->pid_file != NULL && runsc_write_pid_file(o->pid_file, st.waiter_pid, err) < 0)
        goto out_kill;
    *waiter_out = st.waiter_pid;
    ret = 0;
    goto out;

out_kill:
    rollback(&st);
out_rmdir : {
    cleanup_error rt_error_t e = NULL;

    if (container_remove_dir(g->root, o->id, &e) < 0)
        log_warning("%s", rt_error_msg(e));
}
out:
    create_binds_close(&binds);
    sandbox_release(&st.sb);
    cgroup_free(st.cg);
    container_meta_free(m);
    container_meta_free(sbm);
    return ret;
}

int runsc_parse_create_args(const char *cmd, int argc, char **argv, bool allow_detach,
                            struct runsc_create_args *a, rt_error_t *err)
{
    enum { OPT_PRESERVE = 1000, OPT_CONSOLE, OPT_PIDFILE, OPT_IGNORED, OPT_KEEP };
    static const struct option opts[] = {
        { "bundle", required_argument, NULL, 'b' },
        { "pid-file", required_argument, NULL, OPT_PIDFILE },
        { "console-socket", required_argument, NULL, OPT_CONSOLE },
        { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
        { "detach", no_argument, NULL, 'd' },
        { "keep", no_argument, NULL, OPT_KEEP },
        { "no-pivot", no_argument, NULL, OPT_IGNORED },
        { "no-new-keyring", no_argument, NULL, OPT_IGNORED },
        { "no-subreaper", no_argument, NULL, OPT_IGNORED },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    memset(a, 0, sizeof(*a));
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+b:dh", opts, NULL)) != -1) {
        char *end = NULL;

        switch (c) {
        case 'b':
            a->bundle = optarg;
            break;
        case OPT_PIDFILE:
            a->pid_file = optarg;
            break;
        case OPT_CONSOLE:
            a->console_socket = optarg;
            break;
        case OPT_PRESERVE:
            errno = 0;
            a->preserve_fds = (int)strtol(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || a->preserve_fds < 0)
                return rt_make_error(err, 0, "%s: --preserve-fds: `%s` is not a count", cmd,
                                     optarg);
            break;
        case 'd':
            if (!allow_detach)
                return rt_make_error(err, 0, "%s: unknown option `%s`", cmd, argv[optind - 1]);
            a->detach = true;
            break;
        case OPT_KEEP:
        case OPT_IGNORED:
            break;
        case 'h':
            a->help = true;
            return 0;
        default:
            if (optopt != 0 && optind > 0 && argv[optind - 1][0] == '-' &&
                strchr(argv[optind - 1], '=') == NULL)
                return rt_make_error(err, 0, "%s: option `%s` needs a value or is unknown", cmd,
                                     argv[optind - 1]);
            return rt_make_error(err, 0, "%s: unknown option `%s`", cmd, argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return rt_make_error(err, 0, "%s: expects exactly one container ID", cmd);
    a->id = argv[optind];
    return 0;
}

int runsc_create(struct runsc_global_opts *g, const struct runsc_create_args *a, pid_t *waiter,
                 rt_error_t *err)
{
    struct create_opts o = {
        .id = a->id,
        .bundle = a->bundle,
        .pid_file = a->pid_file,
        .console_socket = a->console_socket,
        .console_master = a->console_master,
        .preserve_fds = a->preserve_fds,
    };

    if (create_container(g, &o, waiter, err) < 0)
        return rt_error_wrap(err, "creating container `%s`", a->id);
    return 0;
}

int cmd_create(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    struct runsc_create_args a;
    pid_t waiter = 0;

    if (runsc_parse_create_args("create", argc, argv, /*allow_detach=*/false, &a, err) < 0)
        return -1;
    if (a.help) {
        runsc_print_command_help(argv[0]);
        return 0;
    }
    return runsc_create(g, &a, &waiter, err);
}

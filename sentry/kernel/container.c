/* SPDX-License-Identifier: Apache-2.0 */
/* Containers on the sentry kernel for boot: root mounts, the init's thread, signals, exit. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "sentry/fs/gofer/goferfs.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/kernel/kernel.h"
#include "sentry/platform/platform.h"
#include "sentry/platform/ptrace/factory.h"
#include "sentry/sentry.h"
#include "sentry/vfs/vfs.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct sentry {
    struct kernel *k; /* owned */
    const struct platform_ops *pops;
    pthread_mutex_t mu;
    bool has_container; /* the kernel's namespaces belong to one container. Protected by mu */
};

enum ctr_phase { CTR_STARTING, CTR_RUNNING, CTR_FAILED };

struct sentry_container {
    struct sentry *s;                  /* Not owned. */
    struct sentry_container_args args; /* the caller's, valid until the start handshake ends */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    enum ctr_phase phase; /* Protected by mu. */
    rt_error_t start_err; /* CTR_FAILED. Protected by mu. */
    int init_pid;         /* Immutable once running. */
    void (*on_exit)(void *arg, int wait_status);
    void *arg;
};

int sentry_new(const struct sentry_opts *opts, struct sentry **out, rt_error_t *err)
{
    const char *name = opts->platform != NULL ? opts->platform : "ptrace";
    struct kernel_opts kopts = {
        .platform = platform_lookup(name),
        .platform_opts = { .pin_cpu = true },
        .strace = opts->strace,
        .hostname = opts->hostname,
    };
    struct sentry *s;

    if (kopts.platform == NULL)
        return rt_make_error(err, EINVAL, "unknown platform `%s`", name);
    s = xmalloc0(sizeof(*s));
    s->pops = kopts.platform;
    pthread_mutex_init(&s->mu, NULL);
    if (kernel_new(&kopts, &s->k, err) < 0) {
        free(s);
        return rt_error_wrap(err, "starting the sentry kernel");
    }
    *out = s;
    return 0;
}

int sentry_prepare_filter(struct sentry *s, rt_error_t *err)
{
    if (s->pops != &g_platform_ptrace_ops)
        return 0;
    if (ptrace_factory_start(err) < 0)
        return rt_error_wrap(err, "starting the ptrace stub factory");
    return 0;
}

/* The container's tree: the gofer's root, tmpfs at /tmp and /dev/shm (as `runsc-c do`'s). */
static int build_mounts(struct kernel *k, const struct sentry_container_args *a, rt_error_t *err)
{
    struct super_block *root, *tmp;
    struct mount_ns *ns;
    int errnum = 0;
    long ret;

    root = goferfs_new(a->root_gofer_fd, &errnum);
    if (root == NULL)
        return rt_make_error(err, errnum, "attaching to the rootfs gofer");
    ns = mount_ns_new(root, a->root_readonly ? VFS_MNT_RDONLY : 0);
    put_super_block(root);
    if (ns == NULL)
        return rt_make_error(err, ENOMEM, "mount namespace");
    tmp = tmpfs_new(01777, 0, 0);
    if (tmp == NULL) {
        put_mount_ns(ns);
        return rt_make_error(err, ENOMEM, "tmpfs");
    }
    ret = vfs_mount_at(ns, "/tmp", tmp, 0);
    put_super_block(tmp);
    if (ret < 0 && ret != -ENOENT) {
        put_mount_ns(ns);
        return rt_make_error(err, (int)-ret, "mounting tmpfs at /tmp");
    }
    if ((tmp = tmpfs_new(01777, 0, 0)) != NULL) {
        /* /dev/shm is optional: an image without /dev/shm has no POSIX shm directory. */
        vfs_mount_at(ns, "/dev/shm", tmp, 0);
        put_super_block(tmp);
    }
    ns->init_cwd = xstrdup(a->cwd != NULL ? a->cwd : "/");
    k->mntns = ns;
    return 0;
}

/* True when `path` names an executable regular file for the scratch task `t`. */
static bool is_executable(struct task *t, const char *path)
{
    struct vfs_path p = { 0 };
    bool ok;

    if (vfs_walk(t, AT_FDCWD, path, VFS_WALK_FOLLOW, &p) < 0)
        return false;
    ok = S_ISREG(p.d->inode->st.st_mode) && (p.d->inode->st.st_mode & 0111) != 0;
    vfs_path_put(&p);
    return ok;
}

/*
 * Finds argv[0] in the container's PATH (from its environment, as runc's
 * init does with the container's PATH), walking the container's tree with a
 * scratch task that has only a root and cwd. Returns a new string or NULL
 * with *err (ENOENT).
 */
static char *resolve_program(struct kernel *k, const struct sentry_container_args *a,
                             rt_error_t *err)
{
    const char *prog = a->argv[0], *path = DEFAULT_PATH;
    cleanup_free char *copy = NULL;
    cleanup_free struct task *scratch = NULL;
    char *save = NULL, *found = NULL;

    if (strchr(prog, '/') != NULL)
        return xstrdup(prog);
    for (size_t i = 0; a->envp != NULL && a->envp[i] != NULL; i++) {
        if (strncmp(a->envp[i], "PATH=", 5) == 0)
            path = a->envp[i] + 5;
    }
    scratch = xmalloc0(sizeof(*scratch));
    scratch->k = k;
    scratch->fs = vfs_fs_new(k->mntns);
    if (scratch->fs == NULL) {
        rt_make_error(err, ENOMEM, "fs context");
        return NULL;
    }
    copy = xstrdup(path);
    for (char *dir = strtok_r(copy, ":", &save); dir != NULL; dir = strtok_r(NULL, ":", &save)) {
        cleanup_free char *cand = xasprintf("%s/%s", dir[0] != '\0' ? dir : ".", prog);

        if (is_executable(scratch, cand)) {
            found = steal_pointer(&cand);
            break;
        }
    }
    put_vfs_fs(scratch->fs);
    if (found == NULL)
        rt_make_error(err, ENOENT, "`%s`: executable file not found in $PATH", prog);
    return found;
}

/* Gives init the preserved fds (3, 4, ...), its rlimits and umask. */
static int setup_init(struct task *t, const struct sentry_container_args *a, rt_error_t *err)
{
    struct kernel *k = t->k;

    for (size_t i = 0; i < a->n_preserved; i++) {
        int fd = fcntl(a->preserved[i], F_DUPFD_CLOEXEC, 3);
        int flags;
        struct file *f;
        long ret;

        if (fd < 0)
            return rt_make_error(err, errno, "dup preserved fd");
        flags = fcntl(fd, F_GETFL);
        f = vfs_host_file_new(fd, flags < 0 ? O_RDWR : (unsigned int)flags);
        if (f == NULL)
            return rt_make_error(err, ENOMEM, "preserved fd");
        ret = fd_table_install_at(t->fdt, 3 + (int)i, f, /*cloexec=*/false, 1u << 20);
        put_file(f);
        if (ret < 0)
            return rt_make_error(err, (int)-ret, "installing preserved fd %zu", 3 + i);
    }
    pthread_mutex_lock(&k->mu);
    for (size_t i = 0; i < a->n_rlimits; i++) {
        const struct sentry_rlimit *r = &a->rlimits[i];

        if (r->resource >= 0 && r->resource < RLIM_NLIMITS)
            t->tg->rlimits[r->resource] =
                (struct rlimit){ .rlim_cur = r->soft, .rlim_max = r->hard };
    }
    if (a->has_umask)
        t->tg->umask = a->umask & 0777;
    pthread_mutex_unlock(&k->mu);
    return 0;
}

/* Everything up to a loaded init, on the container's thread (its tracer). */
static int start_init(struct sentry_container *c, struct task **out, rt_error_t *err)
{
    const struct sentry_container_args *a = &c->args;
    struct kernel *k = c->s->k;
    cleanup_free char *prog = NULL;
    struct kernel_exec_args ea = {
        .argv = a->argv,
        .envp = a->envp,
        .stdio = { a->stdio[0], a->stdio[1], a->stdio[2] },
    };
    struct task *t = NULL;

    if (build_mounts(k, a, err) < 0)
        return rt_error_wrap(err, "mounting the root filesystem");
    prog = resolve_program(k, a, err);
    if (prog == NULL)
        return -1;
    ea.host_path = prog;
    if (kernel_start_init(k, &ea, &t, err) < 0)
        return -1;
    if (setup_init(t, a, err) < 0) {
        /* Not run yet: kill it the way a failed exec would. */
        pthread_mutex_lock(&k->mu);
        thread_group_exit_locked(t->tg, SIGKILL);
        pthread_mutex_unlock(&k->mu);
        kernel_task_run(t);
        kernel_task_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

static void *container_thread(void *arg)
{
    struct sentry_container *c = arg;
    rt_error_t err = NULL;
    struct task *t = NULL;
    int status, ret;

    ret = start_init(c, &t, &err);
    pthread_mutex_lock(&c->mu);
    if (ret < 0) {
        c->phase = CTR_FAILED;
        c->start_err = err;
    } else {
        c->phase = CTR_RUNNING;
        c->init_pid = t->tg->pid;
    }
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
    if (ret < 0)
        return NULL;
    status = kernel_task_run(t);
    kernel_task_free(t);
    c->on_exit(c->arg, status);
    return NULL;
}

int sentry_container_start(struct sentry *s, const struct sentry_container_args *args,
                           struct sentry_container **out, rt_error_t *err)
{
    struct sentry_container *c;
    int e;

    pthread_mutex_lock(&s->mu);
    if (s->has_container) {
        pthread_mutex_unlock(&s->mu);
        close(args->root_gofer_fd);
        return rt_make_error(err, EBUSY,
                             "this sandbox already runs a container; the sentry has one pid and "
                             "mount namespace and runs one container per sandbox");
    }
    s->has_container = true;
    pthread_mutex_unlock(&s->mu);

    c = xmalloc0(sizeof(*c));
    c->s = s;
    c->args = *args;
    c->on_exit = args->on_exit;
    c->arg = args->arg;
    c->phase = CTR_STARTING;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cond, NULL);
    e = pthread_create(&c->thread, NULL, container_thread, c);
    if (e != 0) {
        close(args->root_gofer_fd);
        free(c);
        return rt_make_error(err, e, "creating the container's thread");
    }
    pthread_mutex_lock(&c->mu);
    while (c->phase == CTR_STARTING)
        pthread_cond_wait(&c->cond, &c->mu);
    pthread_mutex_unlock(&c->mu);
    memset(&c->args, 0, sizeof(c->args)); /* the caller's memory, borrowed for the call only */
    if (c->phase == CTR_FAILED) {
        pthread_join(c->thread, NULL);
        *err = c->start_err;
        free(c);
        return -1;
    }
    *out = c;
    return 0;
}

int sentry_container_init_pid(const struct sentry_container *c)
{
    return c->init_pid;
}

static void fill_kill_info(siginfo_t *info, int sig)
{
    memset(info, 0, sizeof(*info));
    info->si_signo = sig;
    info->si_code = SI_USER;
    /* From outside the sandbox: Linux reports pid 0 and uid 0 for such senders. */
}

/* Whether `tg` can still take a signal. Needs k->mu. */
static bool is_alive_locked(const struct thread_group *tg)
{
    return tg != NULL && !tg->zombie && tg->nr_tasks > 0;
}

int sentry_container_signal(struct sentry_container *c, enum sentry_signal_target target, int pid,
                            int sig, rt_error_t *err)
{
    struct kernel *k = c->s->k;
    struct thread_group *tg;
    siginfo_t info;
    struct klist *pos;
    int ret = 0;

    if (sig < 0 || sig > KERNEL_NSIG)
        return rt_make_error(err, EINVAL, "invalid signal %d", sig);
    fill_kill_info(&info, sig);
    pthread_mutex_lock(&k->mu);
    switch (target) {
    case SENTRY_SIGNAL_ALL:
        /* One container per kernel: every process of the sandbox is the container's. */
        klist_for_each(pos, &k->tgs)
        {
            tg = klist_entry(pos, struct thread_group, k_node);
            if (is_alive_locked(tg) && sig != 0)
                thread_group_send_signal_locked(tg, &info);
        }
        break;
    case SENTRY_SIGNAL_INIT:
    case SENTRY_SIGNAL_PROCESS:
        tg = kernel_find_tg_locked(k, target == SENTRY_SIGNAL_INIT ? c->init_pid : pid);
        if (!is_alive_locked(tg))
            ret = rt_make_error(err, ESRCH, "no process %d in the container",
                                target == SENTRY_SIGNAL_INIT ? c->init_pid : pid);
        else if (sig != 0)
            thread_group_send_signal_locked(tg, &info);
        break;
    }
    pthread_mutex_unlock(&k->mu);
    return ret;
}

int sentry_container_processes(struct sentry_container *c, struct sentry_process_info **out,
                               size_t *n, rt_error_t *err)
{
    struct kernel *k = c->s->k;
    struct sentry_process_info *v = NULL;
    size_t len = 0, cap = 0;
    struct klist *pos;

    (void)err;
    pthread_mutex_lock(&k->mu);
    klist_for_each(pos, &k->tgs)
    {
        struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);

        if (!is_alive_locked(tg))
            continue;
        if (len == cap) {
            cap = cap == 0 ? 16 : cap * 2;
            v = xrealloc(v, cap * sizeof(*v));
        }
        v[len] = (struct sentry_process_info){
            .pid = tg->pid,
            .ppid = tg->parent != NULL ? tg->parent->pid : 0,
            .cpu_ns = tg->cpu_ns,
        };
        if (tg->leader != NULL)
            memcpy(v[len].comm, tg->leader->comm, sizeof(v[len].comm));
        len++;
    }
    pthread_mutex_unlock(&k->mu);
    *out = v;
    *n = len;
    return 0;
}

void sentry_container_free(struct sentry_container *c)
{
    if (c == NULL)
        return;
    sentry_container_signal(c, SENTRY_SIGNAL_ALL, 0, SIGKILL, NULL);
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

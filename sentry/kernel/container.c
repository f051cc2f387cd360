/* SPDX-License-Identifier: Apache-2.0 */
/* Containers on the sentry kernel for boot: root mounts, the init's thread, signals, exit. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "sentry/fs/dev/devfs.h"
#include "sentry/fs/devpts/devpts.h"
#include "sentry/fs/gofer/goferfs.h"
#include "sentry/fs/overlay/overlay.h"
#include "sentry/fs/proc/procfs.h"
#include "sentry/fs/sys/sysfs.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/ipc/ipc.h"
#include "sentry/kernel/kernel.h"
#include "sentry/kernel/kernel_internal.h"
#include "sentry/loader/loader.h"
#include "sentry/mm/mm.h"
#include "sentry/platform/platform.h"
#include "sentry/platform/ptrace/factory.h"
#include "sentry/platform/systrap/factory.h"
#include "sentry/platform/systrap/systrap.h"
#include "sentry/sentry.h"
#include "sentry/vfs/vfs.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct sentry {
    struct kernel *k; /* owned */
    const struct platform_ops *pops;
    pthread_mutex_t mu;
    bool has_init; /* the first container's init is the sandbox's pid 1. Protected by mu */
};

enum proc_phase { PROC_STARTING, PROC_RUNNING, PROC_FAILED };

/* A process started from outside the sandbox (an init or an exec'd one) and its sentry thread. */
struct sentry_process {
    struct sentry *s;           /* Not owned. */
    struct sentry_container *c; /* the container it runs in; Not owned */
    /* The caller's, valid until the start handshake ends. */
    const struct sentry_process_args *args;
    const struct sentry_container_args *cargs; /* an init's container; NULL for exec */
    bool kernel_init; /* the sandbox's pid 1 (its first container's init) */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    enum proc_phase phase; /* Protected by mu. */
    rt_error_t start_err;  /* PROC_FAILED. Protected by mu. */
    int pid;               /* Immutable once running. */
    void (*on_exit)(void *arg, int wait_status);
    void *arg;
};

/*
 * A container: its init and its mount namespace. Its processes are those
 * whose fs context is in that namespace (nothing in the sentry moves a
 * process to another one).
 */
struct sentry_container {
    struct sentry_process init;
    struct mount_ns *ns; /* a reference; set by the init's thread before it runs. Immutable */
    /*
     * The pid namespace its processes are numbered in (pids of the control
     * socket: exec, ps, kill): the root's for the first container and pod
     * members that share it, else one of its own whose init is pid 1. A
     * reference (k->mu); Immutable.
     */
    struct pid_ns *pidns;
    /* Its pids limit, which its processes carry (sentry/kernel/pids.c). A reference (k->mu). */
    struct kernel_pids *pids;
    /* Its processes' IPC namespace: a reference (k->mu), NULL for the sandbox's; Immutable */
    struct ipc_ns *ipcns;
};

/* kernel.c's task allocator (used by kernel_start_init; not in a header yet). */
struct task *kernel_task_alloc(struct kernel *k);

/* Makes this thread's malloc arena shrink its heap once (see sentry_new). */
static void *shrink_arena_heap(void *arg)
{
    enum { N = 4, SIZE = 96 * 1024 }; /* below the mmap threshold: from the arena's heap */
    void *p[N];

    for (int i = 0; i < N; i++)
        p[i] = xmalloc(SIZE);
    for (int i = N - 1; i >= 0; i--)
        free(p[i]);
    return arg;
}

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
    /*
     * glibc's malloc sizes its arena limit from /sys/devices/system/cpu/online
     * the first time more than 8 threads have arenas: under the seccomp
     * filter that open kills the sandbox (a pod's fourth container). A fixed
     * limit (glibc's default, 8 per CPU) means it never reads it.
     */
    {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

        mallopt(M_ARENA_MAX, 8 * (int)(ncpu > 0 ? ncpu : 1));
    }
    /*
     * Likewise, glibc reads /proc/sys/vm/overcommit_memory the first time it
     * shrinks the heap of a thread's arena (check_may_shrink_heap), which the
     * sentry does when many tasks end at once (a fork bomb killed): under the
     * filter, the sandbox died before answering the container's Wait. One
     * shrink on a thread of its own (a new arena) now makes glibc remember it.
     */
    {
        pthread_t th;

        if (pthread_create(&th, NULL, shrink_arena_heap, NULL) == 0)
            pthread_join(th, NULL);
    }
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
    /* Each platform whose stubs would otherwise be forked by the filtered sentry. */
    if (s->pops == &g_platform_ptrace_ops && ptrace_factory_start(err) < 0)
        return rt_error_wrap(err, "starting the ptrace stub factory");
    if (s->pops == &g_platform_systrap_ops && systrap_factory_start(err) < 0)
        return rt_error_wrap(err, "starting the systrap stub factory");
    return 0;
}

/*
 * Makes `path` (absolute) a directory in `t`'s tree, creating missing
 * components (root-owned, 0755) where the mount allows it, as runc creates
 * mount points in the rootfs (here: in the overlay's upper layer, never in
 * the image). `t` is a scratch task. Returns 0 or -Exxx (EROFS on a
 * read-only mount).
 */
static long make_dirs(struct task *t, const char *path)
{
    cleanup_free char *buf = xstrdup(path);
    struct vfs_path p = { 0 };
    long ret = 0;

    for (char *slash = buf; ret == 0 && slash != NULL;) {
        struct vfs_parent par;
        struct inode *dir;
        struct vfs_owner owner = { 0, 0 };

        slash = strchr(slash + 1, '/');
        if (slash != NULL)
            *slash = '\0';
        if (buf[0] == '\0' || strcmp(buf, "/") == 0)
            goto next;
        ret = vfs_walk(t, AT_FDCWD, buf, VFS_WALK_FOLLOW | VFS_WALK_DIRECTORY, &p);
        if (ret == 0) {
            vfs_path_put(&p);
            goto next;
        }
        if (ret != -ENOENT)
            break;
        ret = vfs_walk_parent(t, AT_FDCWD, buf, &par);
        if (ret < 0)
            break;
        dir = par.dir.d->inode;
        if (par.dir.mnt->flags & VFS_MNT_RDONLY)
            ret = -EROFS;
        else if (dir->ops->mkdir == NULL)
            ret = -EPERM;
        else
            ret = dir->ops->mkdir(dir, par.name, 0755, &owner);
        if (ret == 0)
            vfs_dentry_forget(par.dir.d, par.name);
        vfs_parent_put(&par);
    next:
        if (slash != NULL)
            *slash = '/';
    }
    return ret;
}

/* Mounts a new tmpfs as `m` says. Returns 0 or -Exxx. */
static long mount_tmpfs(struct task *scratch, struct mount_ns *ns,
                        const struct sentry_tmpfs_mount *m)
{
    unsigned int flags = (m->readonly ? VFS_MNT_RDONLY : 0) | (m->nosuid ? VFS_MNT_NOSUID : 0) |
                         (m->nodev ? VFS_MNT_NODEV : 0) | (m->noexec ? VFS_MNT_NOEXEC : 0);
    struct tmpfs_opts o = { .mode = m->mode != 0 ? m->mode : 01777 };
    struct super_block *sb;
    long ret;

    for (size_t i = 0; i < m->n_options; i++) {
        if (tmpfs_opts_parse(&o, m->options[i]) < 0)
            return -EINVAL;
    }
    ret = make_dirs(scratch, m->destination);
    if (ret < 0)
        return ret;
    sb = tmpfs_new_opts(&o);
    if (sb == NULL)
        return -ENOMEM;
    ret = vfs_mount_at(ns, m->destination, sb, flags);
    put_super_block(sb);
    return ret;
}

/* A goferfs of the bind's own gofer connection (a duplicate of it) at its destination. */
static long mount_bind(struct task *scratch, struct mount_ns *ns, const struct sentry_bind_mount *m)
{
    unsigned int flags = (m->readonly ? VFS_MNT_RDONLY : 0) | (m->nosuid ? VFS_MNT_NOSUID : 0) |
                         (m->nodev ? VFS_MNT_NODEV : 0) | (m->noexec ? VFS_MNT_NOEXEC : 0);
    struct super_block *sb;
    int errnum = 0, fd;
    long ret = make_dirs(scratch, m->destination);

    if (ret < 0)
        return ret;
    fd = fcntl(m->gofer_fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    sb = goferfs_new(fd, &errnum);
    if (sb == NULL)
        return -(long)(errnum != 0 ? errnum : EIO);
    ret = vfs_mount_at(ns, m->destination, sb, flags);
    put_super_block(sb);
    return ret;
}

/* Whether `dest` is `path` or below it ("/tmp" holds "/tmp" and "/tmp/x", not "/tmpx"). */
static bool at_or_below(const char *dest, const char *path)
{
    size_t n = strlen(path);

    return strncmp(dest, path, n) == 0 && (dest[n] == '\0' || dest[n] == '/');
}

/*
 * Whether the spec mounts anything (tmpfs, bind, one of the sentry's own
 * file systems) at `path` or below it: a default tmpfs there would hide it,
 * since the defaults are mounted last.
 */
static bool spec_mounts_at_or_below(const struct sentry_container_args *a, const char *path)
{
    for (size_t i = 0; i < a->n_tmpfs; i++) {
        if (at_or_below(a->tmpfs[i].destination, path))
            return true;
    }
    for (size_t i = 0; i < a->n_binds; i++) {
        if (at_or_below(a->binds[i].destination, path))
            return true;
    }
    for (size_t i = 0; i < a->n_fs_mounts; i++) {
        if (at_or_below(a->fs_mounts[i].destination, path))
            return true;
    }
    return false;
}

/* Whether the spec mounts one of the sentry's own file systems at `path`. */
static bool has_fs_mount_at(const struct sentry_container_args *a, const char *path)
{
    for (size_t i = 0; i < a->n_fs_mounts; i++) {
        if (strcmp(a->fs_mounts[i].destination, path) == 0)
            return true;
    }
    return false;
}

/*
 * The sentry's own /dev (devfs, devpts at /dev/pts) and /proc, as gVisor
 * serves them: a tmpfs at /dev is this devfs; /dev/pts and /proc are left
 * to the spec's own mounts there (sentry_container_args.fs_mounts). A
 * read-only root without the mount point goes without (warned).
 */
static long mount_special(struct task *scratch, struct mount_ns *ns,
                          const struct sentry_container_args *a)
{
    static const struct {
        const char *path;
        struct super_block *(*make)(void);
        unsigned int flags;
    } special[] = {
        { "/dev", devfs_new, VFS_MNT_NOSUID },
        { "/dev/pts", devpts_new, VFS_MNT_NOSUID | VFS_MNT_NOEXEC },
        { "/proc", procfs_new, VFS_MNT_NOSUID | VFS_MNT_NODEV | VFS_MNT_NOEXEC },
    };

    for (size_t i = 0; i < ARRAY_SIZE(special); i++) {
        struct super_block *sb;
        long ret;

        if (i > 0 && has_fs_mount_at(a, special[i].path))
            continue;
        ret = make_dirs(scratch, special[i].path);
        if (ret == -EROFS) {
            log_warning("sentry: no %s: the read-only root has no such directory", special[i].path);
            continue;
        }
        if (ret < 0)
            return ret;
        sb = special[i].make();
        if (sb == NULL)
            return -ENOMEM;
        ret = vfs_mount_at(ns, special[i].path, sb, special[i].flags);
        put_super_block(sb);
        if (ret < 0)
            return ret;
    }
    return 0;
}

/* One of the sentry's own file systems where the spec says (the cgroup ones: the limits view). */
static long mount_fs(struct task *scratch, struct mount_ns *ns,
                     const struct sentry_container_args *a, const struct sentry_fs_mount *m)
{
    unsigned int flags = (m->readonly ? VFS_MNT_RDONLY : 0) | (m->nosuid ? VFS_MNT_NOSUID : 0) |
                         (m->nodev ? VFS_MNT_NODEV : 0) | (m->noexec ? VFS_MNT_NOEXEC : 0);
    struct super_block *sb = NULL;
    long ret;

    if (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0) {
        struct cgroupfs_limits l = {
            .memory_max = a->memory_limit > 0 ? a->memory_limit : -1,
            .memory_swap_max =
                a->memory_swap_limit >= 0 && a->memory_limit > 0 ? a->memory_swap_limit : -1,
            .cpu_quota = a->cpu_quota > 0 ? a->cpu_quota : -1,
            .cpu_period = (int64_t)a->cpu_period,
            /* Linux's shares to weight conversion (runc's ConvertCPUSharesToCgroupV2Value). */
            .cpu_weight = a->cpu_shares >= 2 ? 1 + ((a->cpu_shares - 2) * 9999) / 262142 : 0,
            .pids_max = -1,
        };

        sb = cgroupfs_new(&l);
        ret = sb == NULL ? -ENOMEM : 0;
    } else {
        ret = sysfs_fs_new(m->type, NULL, ns, &sb);
    }
    if (ret < 0)
        return ret;
    ret = make_dirs(scratch, m->destination);
    if (ret == 0)
        ret = vfs_mount_at(ns, m->destination, sb, flags);
    put_super_block(sb);
    return ret;
}

/* The error of a spec mount: a read-only root without the mount point goes without (warned). */
static long spec_mount_result(long ret, const char *what, const char *dest, rt_error_t *err)
{
    if (ret == -EROFS) {
        log_warning("sentry: no %s at %s: the read-only root has no such directory", what, dest);
        return 0;
    }
    if (ret < 0)
        rt_make_error(err, (int)-ret, "mounting %s at %s", what, dest);
    return ret;
}

/*
 * linux.maskedPaths and linux.readonlyPaths, as runc applies them: a
 * masked directory gets an empty read-only tmpfs, a masked file /dev/null
 * bound over it; a read-only path a read-only recursive bind onto itself.
 * Paths that do not exist are skipped.
 */
static long mask_paths(struct task *scratch, struct mount_ns *ns,
                       const struct sentry_container_args *a, rt_error_t *err)
{
    for (size_t i = 0; i < a->n_masked_paths; i++) {
        struct vfs_path p = { 0 }, null = { 0 };
        const char *path = a->masked_paths[i];
        long ret = vfs_walk(scratch, AT_FDCWD, path, VFS_WALK_FOLLOW, &p);

        if (ret == -ENOENT || ret == -ENOTDIR)
            continue;
        if (ret < 0)
            return rt_make_error(err, (int)-ret, "masking %s", path);
        vfs_path_follow_mounts(ns, &p);
        if (S_ISDIR(p.d->inode->st.st_mode)) {
            struct super_block *sb = tmpfs_new(0755, 0, 0);

            ret = sb == NULL ? -ENOMEM : vfs_mount_new_at(ns, &p, sb, VFS_MNT_RDONLY);
            put_super_block(sb);
        } else {
            ret = vfs_walk(scratch, AT_FDCWD, "/dev/null", VFS_WALK_FOLLOW, &null);
            if (ret == 0)
                ret = vfs_mount_bind(ns, &p, &null, VFS_MNT_RDONLY, /*recursive=*/false);
            vfs_path_put(&null);
        }
        vfs_path_put(&p);
        if (ret < 0)
            return rt_make_error(err, (int)-ret, "masking %s", path);
    }
    for (size_t i = 0; i < a->n_readonly_paths; i++) {
        struct vfs_path p = { 0 };
        const char *path = a->readonly_paths[i];
        long ret = vfs_walk(scratch, AT_FDCWD, path, VFS_WALK_FOLLOW, &p);

        if (ret == -ENOENT || ret == -ENOTDIR)
            continue;
        if (ret < 0)
            return rt_make_error(err, (int)-ret, "making %s read-only", path);
        vfs_path_follow_mounts(ns, &p);
        ret = vfs_mount_bind(ns, &p, &p, p.mnt->flags | VFS_MNT_RDONLY, /*recursive=*/true);
        vfs_path_put(&p);
        if (ret < 0)
            return rt_make_error(err, (int)-ret, "making %s read-only", path);
    }
    return 0;
}

/*
 * The spec's mounts in its order (the sentry's own file systems, tmpfs,
 * binds), then /tmp and /dev/shm where the spec mounts nothing at or below them and the image has
 * the directory, then the masked and read-only paths.
 */
static int mount_tmpfs_all(struct kernel *k, struct mount_ns *ns,
                           const struct sentry_container_args *a, rt_error_t *err)
{
    static const char *const defaults[] = { "/tmp", "/dev/shm" };
    cleanup_free struct task *scratch = xmalloc0(sizeof(*scratch));
    size_t fi = 0, ti = 0, bi = 0;
    long ret = 0;

    scratch->k = k;
    scratch->fs = vfs_fs_new(ns);
    if (scratch->fs == NULL)
        return rt_make_error(err, ENOMEM, "fs context");
    ret = mount_special(scratch, ns, a);
    if (ret < 0)
        rt_make_error(err, (int)-ret, "mounting /dev and /proc");
    while (ret == 0 && (fi < a->n_fs_mounts || ti < a->n_tmpfs || bi < a->n_binds)) {
        size_t fo = fi < a->n_fs_mounts ? a->fs_mounts[fi].order : SIZE_MAX;
        size_t to = ti < a->n_tmpfs ? a->tmpfs[ti].order : SIZE_MAX;
        size_t bo = bi < a->n_binds ? a->binds[bi].order : SIZE_MAX;

        if (fi < a->n_fs_mounts && fo <= to && fo <= bo) {
            const struct sentry_fs_mount *m = &a->fs_mounts[fi++];

            ret = spec_mount_result(mount_fs(scratch, ns, a, m), m->type, m->destination, err);
        } else if (ti < a->n_tmpfs && to <= bo) {
            const struct sentry_tmpfs_mount *m = &a->tmpfs[ti++];

            /* /dev is the sentry's devfs (mount_special). */
            if (strcmp(m->destination, "/dev") == 0)
                continue;
            ret = spec_mount_result(mount_tmpfs(scratch, ns, m), "tmpfs", m->destination, err);
        } else {
            const struct sentry_bind_mount *m = &a->binds[bi++];

            ret = spec_mount_result(mount_bind(scratch, ns, m), "bind mount", m->destination, err);
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(defaults) && ret == 0; i++) {
        struct vfs_path p = { 0 };
        struct sentry_tmpfs_mount m = { .destination = defaults[i], .mode = 01777 };

        /* Optional: an image without the directory goes without. */
        if (spec_mounts_at_or_below(a, defaults[i]) ||
            vfs_walk(scratch, AT_FDCWD, defaults[i], VFS_WALK_FOLLOW | VFS_WALK_DIRECTORY, &p) < 0)
            continue;
        vfs_path_put(&p);
        ret = mount_tmpfs(scratch, ns, &m);
        if (ret < 0)
            rt_make_error(err, (int)-ret, "mounting tmpfs at %s", defaults[i]);
    }
    if (ret == 0 && mask_paths(scratch, ns, a, err) < 0)
        ret = -1;
    put_vfs_fs(scratch->fs);
    return ret < 0 ? -1 : 0;
}

/*
 * The container's tree: the gofer's root (under an overlay unless
 * read-only), the spec's tmpfs mounts, its bind mounts, tmpfs at /tmp and
 * /dev/shm (as `runsc-c do`'s) unless the spec mounts its own there.
 */
static int build_mounts(struct kernel *k, const struct sentry_container_args *a,
                        struct mount_ns **out, rt_error_t *err)
{
    struct super_block *root;
    struct mount_ns *ns;
    int errnum = 0;

    root = goferfs_new(a->root_gofer_fd, &errnum);
    if (root == NULL)
        return rt_make_error(err, errnum, "attaching to the rootfs gofer");
    if (!a->root_readonly && !a->root_no_overlay) {
        /* Writes land in a sentry tmpfs over the image, which never changes (--overlay). */
        struct super_block *upper = tmpfs_new(0755, 0, 0), *ovl = NULL;

        if (upper != NULL)
            ovl = overlay_new(root, upper);
        put_super_block(upper);
        put_super_block(root);
        if (ovl == NULL)
            return rt_make_error(err, ENOMEM, "rootfs overlay");
        root = ovl;
    }
    ns = mount_ns_new(root, a->root_readonly ? VFS_MNT_RDONLY : 0);
    put_super_block(root);
    if (ns == NULL)
        return rt_make_error(err, ENOMEM, "mount namespace");
    if (mount_tmpfs_all(k, ns, a, err) < 0) {
        put_mount_ns(ns);
        return -1;
    }
    ns->init_cwd = xstrdup(a->init.cwd != NULL ? a->init.cwd : "/");
    *out = ns;
    return 0;
}

/*
 * 0 when `path` names an executable regular file for the scratch task `t`,
 * else -ENOENT (or the walk's error) or -EACCES.
 */
static long check_executable(struct task *t, const char *path)
{
    struct vfs_path p = { 0 };
    long ret = vfs_walk(t, AT_FDCWD, path, VFS_WALK_FOLLOW, &p);

    if (ret < 0)
        return ret;
    if (!S_ISREG(p.d->inode->st.st_mode) || (p.d->inode->st.st_mode & 0111) == 0)
        ret = -EACCES;
    vfs_path_put(&p);
    return ret;
}

/*
 * Finds argv[0] in the container's PATH (from its environment, as runc's
 * init does with the container's PATH), walking the container's tree with a
 * scratch task that has only a root and cwd. Returns a new string or NULL
 * with *err (ENOENT).
 */
static char *resolve_program(struct kernel *k, struct mount_ns *ns,
                             const struct sentry_process_args *a, rt_error_t *err)
{
    const char *prog = a->argv[0], *path = DEFAULT_PATH;
    cleanup_free char *copy = NULL;
    cleanup_free struct task *scratch = NULL;
    char *save = NULL, *found = NULL;

    long ret;

    /* A relative path with a '/' is the loader's to resolve from the process's cwd. */
    if (strchr(prog, '/') != NULL && prog[0] != '/')
        return xstrdup(prog);
    for (size_t i = 0; a->envp != NULL && a->envp[i] != NULL; i++) {
        if (strncmp(a->envp[i], "PATH=", 5) == 0)
            path = a->envp[i] + 5;
    }
    scratch = xmalloc0(sizeof(*scratch));
    scratch->k = k;
    scratch->fs = vfs_fs_new(ns);
    if (scratch->fs == NULL) {
        rt_make_error(err, ENOMEM, "fs context");
        return NULL;
    }
    /*
     * The errors say what runc's say: Docker and Podman turn "executable file
     * not found" / "no such file or directory" into 127 and "permission
     * denied" into 126.
     */
    if (prog[0] == '/') {
        ret = check_executable(scratch, prog);
        put_vfs_fs(scratch->fs);
        if (ret == -EACCES)
            rt_make_error(err, EACCES, "exec: \"%s\": permission denied", prog);
        else if (ret < 0)
            rt_make_error(err, (int)-ret, "exec: \"%s\": stat %s: %s", prog, prog,
                          ret == -ENOENT ? "no such file or directory" : "cannot resolve");
        return ret < 0 ? NULL : xstrdup(prog);
    }
    copy = xstrdup(path);
    for (char *dir = strtok_r(copy, ":", &save); dir != NULL; dir = strtok_r(NULL, ":", &save)) {
        cleanup_free char *cand = xasprintf("%s/%s", dir[0] != '\0' ? dir : ".", prog);

        if (check_executable(scratch, cand) == 0) {
            found = steal_pointer(&cand);
            break;
        }
    }
    put_vfs_fs(scratch->fs);
    if (found == NULL)
        rt_make_error(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", prog);
    return found;
}

/* Installs a dup of host fd `host` as the app's fd `fd`. */
static int install_host_fd(struct task *t, int fd, int host, rt_error_t *err)
{
    int dup = fcntl(host, F_DUPFD_CLOEXEC, 3);
    int flags;
    struct file *f;
    long ret;

    if (dup < 0)
        return rt_make_error(err, errno, "dup fd %d", host);
    flags = fcntl(dup, F_GETFL);
    f = vfs_host_file_new(dup, flags < 0 ? O_RDWR : (unsigned int)flags & ~O_NONBLOCK);
    if (f == NULL)
        return rt_make_error(err, ENOMEM, "host file for fd %d", fd);
    ret = fd_table_install_at(t->fdt, fd, f, /*cloexec=*/false, task_nofile_limit(t));
    put_file(f);
    if (ret < 0)
        return rt_make_error(err, (int)-ret, "installing fd %d", fd);
    return 0;
}

/* Gives a new process its preserved fds (3, 4, ...), rlimits, umask and credentials. */
static int setup_process(struct task *t, const struct sentry_process_args *a, rt_error_t *err)
{
    struct kernel *k = t->k;
    long ret;

    if (a->console) {
        ret = devpts_console_install(t, a->stdio[0], a->console_rows, a->console_cols, a->uid);
        if (ret < 0)
            return rt_make_error(err, (int)-ret, "the console");
    }
    for (size_t i = 0; i < a->n_preserved; i++) {
        if (install_host_fd(t, 3 + (int)i, a->preserved[i], err) < 0)
            return rt_error_wrap(err, "preserved fds");
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
    ret = kernel_task_set_creds(t, &(struct kernel_creds_spec){
                                       .uid = a->uid,
                                       .gid = a->gid,
                                       .groups = a->groups,
                                       .ngroups = a->n_groups,
                                       .bounding = a->cap_bounding,
                                       .effective = a->cap_effective,
                                       .inheritable = a->cap_inheritable,
                                       .permitted = a->cap_permitted,
                                       .ambient = a->cap_ambient,
                                       .no_new_privs = a->no_new_privs,
                                   });
    if (ret < 0)
        return rt_make_error(err, (int)-ret, "process.user: %zu additional groups", a->n_groups);
    /*
     * runc sets these and then execs the program, so the exec transition
     * applies: a non-root process keeps only its ambient capabilities.
     */
    kernel_task_cred_exec(t);
    return 0;
}

/*
 * kernel_start_init for a process that is not the sandbox's init: a new
 * pid in `pidns` (the first one of a new namespace makes it the
 * namespace's init), no parent (nobody in the sandbox waits for it; its
 * orphans go to its namespace's init), its own address space, fd table
 * (stdio) and fs context in `ns` with `a->cwd`, the program `prog` loaded.
 * Host tier.
 * Until kernel.h offers this (kernel_start_process), it is built here on
 * kernel_internal.h, step for step as kernel_start_init does it.
 */
static int start_process(struct kernel *k, struct mount_ns *ns, struct pid_ns *pidns,
                         const struct sentry_process_args *a, const char *prog, struct task **out,
                         rt_error_t *err)
{
    struct task *t = kernel_task_alloc(k);
    struct platform_as *as = NULL;
    struct thread_group *tg = NULL;
    const char *base = strrchr(prog, '/');
    struct vfs_path cwd = { 0 };
    long ret;

    if (t == NULL)
        return rt_make_error(err, ENOMEM, "allocating a task");
    pthread_mutex_lock(&k->mu);
    {
        int nr = 0;

        ret = kernel_alloc_pid_ns_locked(k, pidns, &nr);
        if (ret > 0) {
            t->tid = (int)ret;
            tg = thread_group_new_in_locked(k, NULL, pidns, t->tid);
            t->tg = tg;
            if (tg != NULL && pidns->parent != NULL && pidns->reaper == NULL && nr == 1)
                pidns->reaper = tg;
        }
    }
    pthread_mutex_unlock(&k->mu);
    if (tg == NULL) {
        kernel_task_free(t);
        return rt_make_error(err, ret < 0 ? (int)-ret : ENOMEM, "allocating a process");
    }
    snprintf(t->comm, sizeof(t->comm), "%s", base != NULL ? base + 1 : prog);
    if (k->pops->as_new(k->plat, &as, &t->ctx, err) < 0) {
        kernel_task_free(t);
        return rt_error_wrap(err, "creating an address space");
    }
    platform_ctx_set_name(k->pops, t->ctx, t->comm);
    ret = mm_new(k->pops, as, &t->mm);
    if (ret < 0) {
        k->pops->ctx_release(t->ctx);
        t->ctx = NULL;
        k->pops->as_release(as);
        kernel_task_free(t);
        return rt_make_error(err, (int)-ret, "setting up the process");
    }
    if ((t->fdt = fd_table_new()) == NULL || (t->fs = vfs_fs_new(ns)) == NULL)
        ret = -ENOMEM;
    if (ret == 0)
        ret = k->pops->ctx_get_regs(t->ctx, &t->regs);
    if (ret == 0 && a->cwd != NULL) {
        ret = vfs_walk(t, AT_FDCWD, a->cwd, VFS_WALK_FOLLOW | VFS_WALK_DIRECTORY, &cwd);
        if (ret == 0) {
            vfs_path_put(&t->fs->cwd);
            t->fs->cwd = cwd;
        }
    }
    if (ret < 0) {
        kernel_task_free(t);
        return rt_make_error(err, (int)-ret, "setting up the process (cwd `%s`)",
                             a->cwd != NULL ? a->cwd : "/");
    }
    /* A console is installed by setup_process. */
    for (int i = 0; i < 3 && !a->console; i++) {
        if (a->stdio[i] >= 0 && install_host_fd(t, i, a->stdio[i], err) < 0) {
            kernel_task_free(t);
            return rt_error_wrap(err, "setting up stdio");
        }
    }
    ret = loader_exec_host_path(t, prog, a->argv, a->envp);
    if (ret < 0) {
        kernel_task_free(t);
        return rt_make_error(err, (int)-ret, "loading `%s`", prog);
    }
    platform_as_set_argv(k->pops, t->mm->as, a->argv);
    pthread_mutex_lock(&k->mu);
    task_link_locked(t, tg);
    pthread_mutex_unlock(&k->mu);
    *out = t;
    return 0;
}

/* Everything up to a loaded process, on its own thread (the tracer of its stub). */
static int load_process(struct sentry_process *p, struct task **out, rt_error_t *err)
{
    const struct sentry_process_args *a = p->args;
    struct kernel *k = p->s->k;
    cleanup_free char *prog = NULL;
    struct task *t = NULL;

    if (p->cargs != NULL) {
        if (build_mounts(k, p->cargs, &p->c->ns, err) < 0)
            return rt_error_wrap(err, "mounting the root filesystem");
        /* The sandbox's first container: its namespace is the kernel's. */
        if (p->kernel_init)
            k->mntns = get_mount_ns(p->c->ns);
    }
    prog = resolve_program(k, p->c->ns, a, err);
    if (prog == NULL)
        return -1;
    if (p->kernel_init) {
        struct kernel_exec_args ea = {
            .host_path = prog,
            .argv = a->argv,
            .envp = a->envp,
            .stdio = { a->stdio[0], a->stdio[1], a->stdio[2] },
        };

        if (a->console)
            ea.stdio[0] = ea.stdio[1] = ea.stdio[2] = -1; /* setup_process installs it */
        if (kernel_start_init(k, &ea, &t, err) < 0)
            return -1;
    } else if (start_process(k, p->c->ns, p->c->pidns, a, prog, &t, err) < 0) {
        return -1;
    }
    /* Not running yet: it and all it forks count against the container's pids limit. */
    pthread_mutex_lock(&k->mu);
    t->tg->pids = get_kernel_pids_locked(p->c->pids);
    t->tg->ipcns = get_ipc_ns(p->c->ipcns);
    pthread_mutex_unlock(&k->mu);
    if (setup_process(t, a, err) < 0) {
        /* Not run yet: it leaves at once, as killed. */
        pthread_mutex_lock(&k->mu);
        thread_group_exit_locked(t->tg, SIGKILL);
        pthread_mutex_unlock(&k->mu);
        task_run_and_exit(t);
        kernel_task_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

/* Whether `tg` runs in container `c` (its tasks' fs contexts are in c's namespace). Needs k->mu. */
static bool in_container_locked(struct thread_group *tg, const struct sentry_container *c)
{
    struct klist *pos;

    /* A namespace of its own: its processes, exiting ones (no fs context left) included. */
    if (c->pidns != NULL && c->pidns->parent != NULL)
        return tg->pidns == c->pidns;

    klist_for_each(pos, &tg->tasks)
    {
        const struct task *t = klist_entry(pos, struct task, tg_node);

        /* A copy of its namespace (unshare(CLONE_NEWNS)) stays in the container. */
        return t->fs != NULL && (t->fs->ns == c->ns || t->fs->ns->origin == c->ns);
    }
    return false;
}

/* Whether `tg` can still take a signal. Needs k->mu. */
static bool is_alive_locked(const struct thread_group *tg)
{
    return tg != NULL && !tg->zombie && tg->nr_tasks > 0;
}

/* Sends `info` to every live process of `c`. Needs k->mu. */
static void signal_all_locked(struct sentry_container *c, const siginfo_t *info)
{
    struct kernel *k = c->init.s->k;
    struct klist *pos;

    klist_for_each(pos, &k->tgs)
    {
        struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);

        if (is_alive_locked(tg) && in_container_locked(tg, c))
            thread_group_send_signal_locked(tg, info);
    }
}

static void fill_kill_info(siginfo_t *info, int sig)
{
    memset(info, 0, sizeof(*info));
    info->si_signo = sig;
    info->si_code = SI_USER;
    /* From outside the sandbox: Linux reports pid 0 and uid 0 for such senders. */
}

static void *process_thread(void *arg)
{
    struct sentry_process *p = arg;
    struct kernel *k = p->s->k;
    struct thread_group *tg;
    rt_error_t err = NULL;
    struct task *t = NULL;
    siginfo_t kill_info;
    int status, ret;

    ret = load_process(p, &t, &err);
    pthread_mutex_lock(&p->mu);
    if (ret < 0) {
        p->phase = PROC_FAILED;
        p->start_err = err;
    } else {
        p->phase = PROC_RUNNING;
        /* The container's namespace's number (the root's pid when it shares the root). */
        pthread_mutex_lock(&k->mu);
        p->pid = pid_ns_nr_locked(p->c->pidns, t->tg->pid);
        pthread_mutex_unlock(&k->mu);
    }
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->mu);
    if (ret < 0)
        return NULL;
    if (p->kernel_init) {
        /* The sandbox's init: returns once every process of the sandbox is gone. */
        status = kernel_task_run(t);
        kernel_task_free(t);
        p->on_exit(p->arg, status);
        return NULL;
    }
    tg = t->tg;
    task_run_and_exit(t);
    kernel_task_free(t);
    pthread_mutex_lock(&k->mu);
    if (p->cargs != NULL) {
        /* A pod member's init: as a pid namespace's init, its death ends its container. */
        fill_kill_info(&kill_info, SIGKILL);
        signal_all_locked(p->c, &kill_info);
    }
    /* No parent waits for it: read its status and reap it here. */
    status = tg->exit_status;
    if (tg->zombie && tg->parent == NULL && tg != k->init)
        thread_group_free_locked(tg);
    pthread_mutex_unlock(&k->mu);
    p->on_exit(p->arg, status);
    return NULL;
}

/* Starts `p` (filled by the caller) on a thread of its own; waits until it runs or failed. */
static int process_start(struct sentry_process *p, rt_error_t *err)
{
    int e;

    p->phase = PROC_STARTING;
    p->on_exit = p->args->on_exit;
    p->arg = p->args->arg;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cond, NULL);
    e = pthread_create(&p->thread, NULL, process_thread, p);
    if (e != 0)
        return rt_make_error(err, e, "creating a sentry thread");
    pthread_mutex_lock(&p->mu);
    while (p->phase == PROC_STARTING)
        pthread_cond_wait(&p->cond, &p->mu);
    pthread_mutex_unlock(&p->mu);
    /* The caller's memory, borrowed for the call only. */
    p->args = NULL;
    p->cargs = NULL;
    if (p->phase == PROC_FAILED) {
        pthread_join(p->thread, NULL);
        *err = p->start_err;
        return -1;
    }
    return 0;
}

int sentry_container_start(struct sentry *s, const struct sentry_container_args *args,
                           struct sentry_container **out, rt_error_t *err)
{
    struct sentry_container *c = xmalloc0(sizeof(*c));

    c->init.s = s;
    c->init.c = c;
    c->init.args = &args->init;
    c->init.cargs = args;
    pthread_mutex_lock(&s->mu);
    /*
     * The first container's init is the sandbox's pid 1; a pod's later
     * containers get inits with pids of their own, in their own mount
     * namespaces, sharing the rest (pids, hostname) as a pod does.
     */
    c->init.kernel_init = !s->has_init;
    s->has_init = true;
    pthread_mutex_unlock(&s->mu);
    /* The first container numbers its processes in the root namespace; a member in the root's
     * (shared) or in one of its own. */
    pthread_mutex_lock(&s->k->mu);
    if (c->init.kernel_init || args->share_pid_ns)
        c->pidns = get_pid_ns_locked(s->k->root_pidns);
    else
        c->pidns = kernel_pidns_new_locked(s->k);
    c->pids = kernel_pids_new(args->pids_limit);
    /* The same for System V IPC and POSIX queues: a member may ask for a namespace of its own. */
    if (!c->init.kernel_init && !args->share_ipc_ns)
        c->ipcns = ipc_ns_new();
    if (c->pidns == NULL || c->pids == NULL ||
        (!c->init.kernel_init && !args->share_ipc_ns && c->ipcns == NULL)) {
        put_pid_ns_locked(c->pidns);
        put_kernel_pids_locked(c->pids);
        put_ipc_ns_locked(c->ipcns);
        pthread_mutex_unlock(&s->k->mu);
        close(args->root_gofer_fd);
        free(c);
        return rt_make_error(err, ENOMEM, "a pid namespace");
    }
    pthread_mutex_unlock(&s->k->mu);
    if (process_start(&c->init, err) < 0) {
        /* The gofer connection went with the failed mount, or is closed here. */
        if (c->init.phase != PROC_FAILED)
            close(args->root_gofer_fd);
        if (c->ns != NULL)
            put_mount_ns(c->ns);
        if (c->init.kernel_init) {
            /*
             * A failed first start leaves no pid 1 and no process at all
             * (starts are serialised by boot): the next container may be it.
             */
            pthread_mutex_lock(&s->mu);
            if (s->k->mntns != NULL)
                put_mount_ns(s->k->mntns);
            s->k->mntns = NULL;
            s->has_init = false;
            pthread_mutex_unlock(&s->mu);
        }
        pthread_mutex_lock(&s->k->mu);
        put_pid_ns_locked(c->pidns);
        put_kernel_pids_locked(c->pids);
        put_ipc_ns_locked(c->ipcns);
        pthread_mutex_unlock(&s->k->mu);
        free(c);
        return -1;
    }
    *out = c;
    return 0;
}

int sentry_container_init_pid(const struct sentry_container *c)
{
    return c->init.pid;
}

int sentry_container_exec(struct sentry_container *c, const struct sentry_process_args *args,
                          struct sentry_process **out, rt_error_t *err)
{
    struct sentry_process *p = xmalloc0(sizeof(*p));

    p->s = c->init.s;
    p->c = c;
    p->args = args;
    if (process_start(p, err) < 0) {
        free(p);
        return -1;
    }
    *out = p;
    return 0;
}

int sentry_process_pid(const struct sentry_process *p)
{
    return p->pid;
}

void sentry_process_free(struct sentry_process *p)
{
    if (p == NULL)
        return;
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

int sentry_container_signal(struct sentry_container *c, enum sentry_signal_target target, int pid,
                            int sig, rt_error_t *err)
{
    struct kernel *k = c->init.s->k;
    struct thread_group *tg;
    siginfo_t info;
    int ret = 0, pgrp = 0;

    if (sig < 0 || sig > KERNEL_NSIG)
        return rt_make_error(err, EINVAL, "invalid signal %d", sig);
    if (target == SENTRY_SIGNAL_INIT || target == SENTRY_SIGNAL_FOREGROUND)
        pid = c->init.pid;
    fill_kill_info(&info, sig);
    pthread_mutex_lock(&k->mu);
    /* `pid` is the container's namespace's number. */
    tg = kernel_find_tg_global_locked(k, pid_ns_global_locked(c->pidns, pid));
    if (target == SENTRY_SIGNAL_FOREGROUND && is_alive_locked(tg))
        pgrp = devpts_session_foreground_locked(tg->sid);
    if (pgrp > 0) {
        bool any = false;
        struct klist *pos;

        klist_for_each(pos, &k->tgs)
        {
            struct thread_group *it = klist_entry(pos, struct thread_group, k_node);

            if (it->pgid == pgrp && is_alive_locked(it) && in_container_locked(it, c)) {
                any = true;
                if (sig != 0)
                    thread_group_send_signal_locked(it, &info);
            }
        }
        if (!any)
            ret = rt_make_error(err, ESRCH, "foreground group %d: no process", pgrp);
    } else if (target == SENTRY_SIGNAL_ALL) {
        if (sig != 0)
            signal_all_locked(c, &info);
    } else {
        if (!is_alive_locked(tg) || !in_container_locked(tg, c))
            ret = rt_make_error(err, ESRCH, "no process %d in the container", pid);
        else if (sig != 0)
            thread_group_send_signal_locked(tg, &info);
    }
    pthread_mutex_unlock(&k->mu);
    return ret;
}

int sentry_container_processes(struct sentry_container *c, struct sentry_process_info **out,
                               size_t *n, rt_error_t *err)
{
    struct kernel *k = c->init.s->k;
    struct sentry_process_info *v = NULL;
    size_t len = 0, cap = 0;
    struct klist *pos;

    (void)err;
    pthread_mutex_lock(&k->mu);
    klist_for_each(pos, &k->tgs)
    {
        struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);

        if (!is_alive_locked(tg) || !in_container_locked(tg, c))
            continue;
        if (len == cap) {
            cap = cap == 0 ? 16 : cap * 2;
            v = xrealloc(v, cap * sizeof(*v));
        }
        v[len] = (struct sentry_process_info){
            .pid = pid_ns_nr_locked(c->pidns, tg->pid),
            .ppid = tg->parent != NULL ? pid_ns_nr_locked(c->pidns, tg->parent->pid) : 0,
            .cpu_ns = tg->cpu_ns,
        };
        if (tg->leader != NULL)
            memcpy(v[len].comm, tg->leader->comm, sizeof(v[len].comm));
        devpts_session_tty_name_locked(tg->sid, v[len].tty, sizeof(v[len].tty));
        /* The leader's stub process, or that of any task left (a ctx lives while linked). */
        {
            const struct task *t =
                tg->leader != NULL ? tg->leader : klist_entry(tg->tasks.next, struct task, tg_node);

            if (t->ctx != NULL && k->pops->ctx_host_pid != NULL)
                v[len].host_pid = k->pops->ctx_host_pid(t->ctx);
        }
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
    pthread_join(c->init.thread, NULL);
    pthread_cond_destroy(&c->init.cond);
    pthread_mutex_destroy(&c->init.mu);
    put_mount_ns(c->ns);
    pthread_mutex_lock(&c->init.s->k->mu);
    put_pid_ns_locked(c->pidns);
    put_kernel_pids_locked(c->pids);
    put_ipc_ns_locked(c->ipcns);
    pthread_mutex_unlock(&c->init.s->k->mu);
    free(c);
}

void sentry_container_set_pids_limit(struct sentry_container *c, int64_t limit)
{
    struct kernel *k = c->init.s->k;

    pthread_mutex_lock(&k->mu);
    c->pids->max = limit;
    pthread_mutex_unlock(&k->mu);
}

void sentry_container_pids(struct sentry_container *c, uint64_t *current, int64_t *limit)
{
    struct kernel *k = c->init.s->k;

    pthread_mutex_lock(&k->mu);
    *current = (uint64_t)kernel_pids_current_locked(k, c->pids);
    *limit = c->pids->max;
    pthread_mutex_unlock(&k->mu);
}

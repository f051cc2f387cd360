// SPDX-License-Identifier: Apache-2.0
// `runsc-c gofer`: the file proxy sets up a private view of its mounts, drops privileges, serves.
#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/common.h"
#include "common/fdutil.h"
#include "common/sync.h"
#include "common/syscalls.h"
#include "gofer/gofer.h"

/* Bind mounts one gofer serves besides the rootfs. */
#define GOFER_MAX_MOUNTS 64

/*
 * The capabilities the gofer keeps. The sentry enforces the application's
 * permissions itself (it knows the sandbox's credentials; the host does
 * not), so the gofer must act on any file of the container:
 *
 * - CAP_DAC_OVERRIDE: open, search and write files whatever their host mode
 *   and owner (root in the container reading a 0600 file of uid 1000).
 * - CAP_CHOWN: give new files the owner the sentry asks for (Create, Mkdir,
 *   Mknod, Symlink carry the caller's uid/gid) and serve chown(2).
 * - CAP_FOWNER: chmod, utimes and xattrs on files the gofer does not own.
 * - CAP_FSETID: keep set-id bits that chmod/chown would otherwise clear
 *   when the new group is not one of the gofer's.
 *
 * Not kept: CAP_MKNOD (device nodes are refused outright; FIFOs and sockets
 * need none), CAP_SETUID/CAP_SETGID (the gofer never switches credentials:
 * it creates as itself, then chowns), CAP_DAC_READ_SEARCH (links go through
 * our own fd links, not linkat AT_EMPTY_PATH or file handles), CAP_SYS_ADMIN
 * (mounting is over before serving; trusted.* xattrs are refused by the
 * host), and everything else.
 */
static const int g_kept_caps[] = { CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID };

struct gofer_mount_arg {
    int sock_fd;
    int dir_fd; /* the served directory; replaced by one inside the private root */
    bool readonly;
};

struct gofer_options {
    struct gofer_mount_arg mounts[GOFER_MAX_MOUNTS + 1]; /* [0] is the rootfs */
    size_t n_mounts;
    int sync_fd, log_fd;
    enum rt_log_format log_format;
    bool debug;
};

static int parse_fd(const char *flag, const char *s, int *out, rt_error_t *err)
{
    if (!rt_parse_fd(s, 3, out))
        return rt_make_error(err, EINVAL, "gofer: %s: `%s` is not a descriptor >= 3", flag, s);
    return 0;
}

/* "SOCK,DIR" or "SOCK,DIR,ro". */
static int parse_mount(const char *s, struct gofer_mount_arg *m, rt_error_t *err)
{
    cleanup_free char *copy = xstrdup(s);
    char *dir = strchr(copy, ',');
    char *ro;

    if (dir == NULL)
        return rt_make_error(err, EINVAL, "gofer: --mount-fds: `%s` is not SOCK,DIR[,ro]", s);
    *dir++ = '\0';
    ro = strchr(dir, ',');
    if (ro != NULL) {
        *ro++ = '\0';
        if (strcmp(ro, "ro") != 0)
            return rt_make_error(err, EINVAL, "gofer: --mount-fds: unknown option `%s`", ro);
    }
    m->readonly = ro != NULL;
    if (parse_fd("--mount-fds", copy, &m->sock_fd, err) < 0 ||
        parse_fd("--mount-fds", dir, &m->dir_fd, err) < 0)
        return -1;
    return 0;
}

static int parse_args(int argc, char **argv, struct gofer_options *o, rt_error_t *err)
{
    enum {
        OPT_SOCK = 1,
        OPT_ROOT,
        OPT_RO,
        OPT_MOUNT,
        OPT_SYNC,
        OPT_LOG,
        OPT_LOG_FORMAT,
        OPT_DEBUG
    };
    static const struct option opts[] = {
        { "sock-fd", required_argument, NULL, OPT_SOCK },
        { "root-fd", required_argument, NULL, OPT_ROOT },
        { "readonly", no_argument, NULL, OPT_RO },
        { "mount-fds", required_argument, NULL, OPT_MOUNT },
        { "sync-fd", required_argument, NULL, OPT_SYNC },
        { "log-fd", required_argument, NULL, OPT_LOG },
        { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
        { "debug", no_argument, NULL, OPT_DEBUG },
        { NULL, 0, NULL, 0 },
    };
    int c;

    memset(o, 0, sizeof(*o));
    o->mounts[0] = (struct gofer_mount_arg){ -1, -1, false };
    o->n_mounts = 1;
    o->sync_fd = o->log_fd = -1;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        int ret = 0;

        switch (c) {
        case OPT_SOCK:
            ret = parse_fd("--sock-fd", optarg, &o->mounts[0].sock_fd, err);
            break;
        case OPT_ROOT:
            ret = parse_fd("--root-fd", optarg, &o->mounts[0].dir_fd, err);
            break;
        case OPT_RO:
            o->mounts[0].readonly = true;
            break;
        case OPT_MOUNT:
            if (o->n_mounts > GOFER_MAX_MOUNTS)
                return rt_make_error(err, EINVAL, "gofer: more than %d --mount-fds",
                                     GOFER_MAX_MOUNTS);
            ret = parse_mount(optarg, &o->mounts[o->n_mounts++], err);
            break;
        case OPT_SYNC:
            ret = parse_fd("--sync-fd", optarg, &o->sync_fd, err);
            break;
        case OPT_LOG:
            ret = parse_fd("--log-fd", optarg, &o->log_fd, err);
            break;
        case OPT_LOG_FORMAT:
            if (!rt_log_parse_format(optarg, &o->log_format))
                ret = rt_make_error(err, EINVAL, "gofer: unknown log format `%s`", optarg);
            break;
        case OPT_DEBUG:
            o->debug = true;
            break;
        default:
            return rt_make_error(err, EINVAL, "gofer: unknown option `%s`", argv[optind - 1]);
        }
        if (ret < 0)
            return ret;
    }
    if (optind != argc)
        return rt_make_error(err, EINVAL, "gofer: unexpected argument `%s`", argv[optind]);
    if (o->mounts[0].sock_fd < 0 || o->mounts[0].dir_fd < 0)
        return rt_make_error(err, EINVAL, "gofer: --sock-fd and --root-fd are required");
    return 0;
}

/* Clones the tree under `fd` (with its submounts) as a detached mount with `attrs` set. */
static int clone_tree(int fd, const char *path, uint64_t attrs, rt_error_t *err)
{
    struct mount_attr attr = { .attr_set = attrs };
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE;
    int tree;

    if (path[0] == '\0')
        flags |= AT_EMPTY_PATH;
    tree = rt_sys_open_tree(fd, path, flags);
    if (tree < 0)
        return rt_make_error(err, errno, "cloning the mount tree of `%s`",
                             path[0] ? path : "a served directory");
    if (rt_sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
        rt_make_error(err, errno, "setting mount attributes");
        close(tree);
        return -1;
    }
    return tree;
}

/*
 * Builds the gofer's own root: a read-only tmpfs holding only the served
 * trees at /0, /1, ... and our fd links at /fd, in a mount namespace of our
 * own; the host's file system is detached and unreachable by any path.
 * On success each mounts[i].dir_fd is the served directory inside it.
 */
static int enter_private_root(struct gofer_options *o, rt_error_t *err)
{
    int trees[GOFER_MAX_MOUNTS + 1];
    cleanup_close int fd_tree = -1;
    char path[32];
    int ret = -1;

    for (size_t i = 0; i < o->n_mounts; i++)
        trees[i] = -1;
    /*
     * The trees are cloned while the descriptors' mounts are still in our
     * mount namespace (open_tree refuses other namespaces' mounts); the
     * clones are detached, and move_mount puts them into the new one.
     * nosuid and nodev: no set-id or device semantics through the gofer.
     */
    for (size_t i = 0; i < o->n_mounts; i++) {
        uint64_t attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;

        if (o->mounts[i].readonly)
            attrs |= MOUNT_ATTR_RDONLY; /* EROFS from the host too, should a check be missed */
        trees[i] = clone_tree(o->mounts[i].dir_fd, "", attrs, err);
        if (trees[i] < 0)
            goto out;
    }
    fd_tree = clone_tree(
        AT_FDCWD, "/proc/self/fd",
        MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
    if (fd_tree < 0)
        goto out;
    if (unshare(CLONE_NEWNS) < 0) {
        rt_make_error(err, errno, "unsharing the mount namespace");
        goto out;
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
        rt_make_error(err, errno, "making mounts private");
        goto out;
    }
    /* /proc exists on every host and is not needed any more: the new root covers it. */
    if (mount("runsc-gofer", "/proc", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "mode=0755,size=16k,nr_inodes=128") < 0) {
        rt_make_error(err, errno, "mounting the gofer's root tmpfs");
        goto out;
    }
    if (mkdir("/proc/fd", 0555) < 0 ||
        rt_sys_move_mount(fd_tree, "", AT_FDCWD, "/proc/fd", MOVE_MOUNT_F_EMPTY_PATH) < 0) {
        rt_make_error(err, errno, "mounting /fd");
        goto out;
    }
    for (size_t i = 0; i < o->n_mounts; i++) {
        snprintf(path, sizeof(path), "/proc/%zu", i);
        if (mkdir(path, 0555) < 0 ||
            rt_sys_move_mount(trees[i], "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
            rt_make_error(err, errno, "mounting served directory %zu", i);
            goto out;
        }
    }
    if (chdir("/proc") < 0 || rt_sys_pivot_root(".", ".") < 0) {
        rt_make_error(err, errno, "pivot_root");
        goto out;
    }
    if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
        rt_make_error(err, errno, "detaching the host's root");
        goto out;
    }
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              NULL) < 0) {
        rt_make_error(err, errno, "remounting the root read-only");
        goto out;
    }
    /* From here on the fids start from the private trees; the host-side fds go. */
    for (size_t i = 0; i < o->n_mounts; i++) {
        int fd;

        snprintf(path, sizeof(path), "/%zu", i);
        fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            rt_make_error(err, errno, "opening served directory %zu", i);
            goto out;
        }
        close(o->mounts[i].dir_fd);
        o->mounts[i].dir_fd = fd;
    }
    ret = 0;
out:
    rt_close_fd_array(trees, o->n_mounts);
    return ret;
}

static int drop_capabilities(rt_error_t *err)
{
    return rt_caps_keep_only(g_kept_caps, ARRAY_SIZE(g_kept_caps), err);
}

/* Everything up to "ready", in order: this list is the gofer's security story. */
static int gofer_setup(struct gofer_options *o, rt_error_t *err)
{
    int keep[2 * (GOFER_MAX_MOUNTS + 1) + 2];
    size_t n = 0;
    struct rlimit rl;

    /* 1. Nothing inherited beyond the named descriptors (and stdio). */
    for (size_t i = 0; i < o->n_mounts; i++) {
        keep[n++] = o->mounts[i].sock_fd;
        keep[n++] = o->mounts[i].dir_fd;
    }
    keep[n++] = o->sync_fd;
    keep[n++] = o->log_fd;
    if (rt_close_fds_except(keep, n) < 0)
        return rt_make_error(err, errno, "closing inherited descriptors");
    /* 2. The log, while /proc can still turn the fd into a file of our own. */
    if (o->log_fd >= 0) {
        char path[64];

        snprintf(path, sizeof(path), "/proc/self/fd/%d", o->log_fd);
        if (rt_log_init(path, o->log_format, o->debug ? RT_LOG_DEBUG : RT_LOG_INFO, err) < 0)
            return -1;
        close(o->log_fd);
        o->log_fd = -1;
    }
    rt_log_set_ident("runsc-c gofer");
    tzset();
    /*
     * 3. Modes are the sentry's (it applied the application's umask), and a
     * connection may hold up to GOFER_MAX_FIDS_DEFAULT fids: raise the soft
     * descriptor limit to the hard one (EMFILE beyond it is the host's answer).
     */
    umask(0);
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    for (size_t i = 0; i < o->n_mounts; i++) {
        struct stat st;

        if (fstat(o->mounts[i].dir_fd, &st) < 0 || !S_ISDIR(st.st_mode))
            return rt_make_error(err, ENOTDIR, "served descriptor %d is not a directory",
                                 o->mounts[i].dir_fd);
    }
    /*
     * 4. A private root: a mount namespace of our own, the served trees and
     * our fd links bound into an empty tmpfs, pivot_root there, the host's
     * root detached. Handlers also never resolve more than one component,
     * never follow a symlink and never walk "..": this is defence in depth
     * against a mistake there, not the only barrier.
     */
    if (enter_private_root(o, err) < 0)
        return rt_error_wrap(err, "entering the gofer's private root");
    /* 5. Privileges drop: only what file serving needs (g_kept_caps says why). */
    if (drop_capabilities(err) < 0)
        return rt_error_wrap(err, "dropping capabilities");
    /* 6. No exec may ever gain privileges (and seccomp needs it without CAP_SYS_ADMIN). */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return rt_make_error(err, errno, "setting no_new_privs");
    /* 7. The seccomp allowlist (gofer/filter.c), the last step before serving. */
    if (gofer_filter_install(o->debug, err) < 0)
        return -1;
    return 0;
}

struct conn_thread {
    pthread_t thread;
    struct gofer_conn_config cfg;
    bool started;
};

static void *conn_thread_main(void *arg)
{
    struct conn_thread *t = arg;
    rt_error_t err = NULL;

    if (gofer_conn_serve(&t->cfg, &err) < 0) {
        log_warning("%s", rt_error_msg(err));
        rt_error_release(&err);
    }
    return NULL;
}

int gofer_main(int argc, char **argv, rt_error_t *err)
{
    struct gofer_options o;
    struct conn_thread threads[GOFER_MAX_MOUNTS + 1];
    int ret;

    if (parse_args(argc, argv, &o, err) < 0)
        return -1;
    if (gofer_setup(&o, err) < 0) {
        if (o.sync_fd >= 0)
            rt_sync_fail(o.sync_fd, *err);
        return -1;
    }
    /* 8. Ready: whoever started us may hand the sockets' other ends to the sentry. */
    if (o.sync_fd >= 0) {
        if (rt_sync_ready(o.sync_fd, err) < 0)
            return -1;
        close(o.sync_fd);
    }
    /* 9. Serve: one thread per connection, until the sentry closes them all. */
    for (size_t i = 0; i < o.n_mounts; i++) {
        threads[i] = (struct conn_thread){
            .cfg = {
                .sock_fd = o.mounts[i].sock_fd,
                .root_fd = o.mounts[i].dir_fd,
                .readonly = o.mounts[i].readonly,
                .fd_dir = "/fd",
            },
        };
        ret = pthread_create(&threads[i].thread, NULL, conn_thread_main, &threads[i]);
        if (ret != 0) {
            log_warning("gofer: starting a connection thread: %s", strerror(ret));
            close(o.mounts[i].sock_fd);
            continue;
        }
        threads[i].started = true;
    }
    for (size_t i = 0; i < o.n_mounts; i++) {
        if (threads[i].started)
            pthread_join(threads[i].thread, NULL);
    }
    log_debug("gofer: every connection closed, exiting");
    return 0;
}

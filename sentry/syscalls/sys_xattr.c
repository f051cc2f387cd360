/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Extended attributes: {,l,f}{get,set,list,remove}xattr.
 *
 * One path serves the twelve calls: it finds the inode (a path that follows
 * its last symlink or not, or an fd), checks the name, size, namespace and
 * permission as Linux does, and hands the request to the file system's
 * xattr ops (tmpfs keeps attributes in memory, the gofer stores user.* on the
 * host, the overlay reads the layer that has the file and copies up before
 * a change). A file system without xattr ops has none: reads find nothing
 * (ENODATA, an empty list) and writes fail with EOPNOTSUPP. There are no
 * POSIX ACLs (system.*) and no LSM labels to set (security.*): EOPNOTSUPP.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "common/common.h"
#include "sentry/syscalls/sys_gaps.h"
#include "sentry/syscalls/sys_vfs.h"

#define XATTR_NAME_MAX_LEN 255
#define XATTR_SIZE_MAX_LEN 65536
#define XATTR_LIST_MAX_LEN 65536
#define CAP_SYS_ADMIN_BIT  21

enum xattr_ns { XNS_USER, XNS_TRUSTED, XNS_SECURITY, XNS_SYSTEM, XNS_BAD };

enum xattr_op { XOP_GET, XOP_SET, XOP_LIST, XOP_REMOVE };

/* How a call names its file: the value is xtarget_get's `follow`. */
enum xattr_by { XBY_LPATH = 0, XBY_PATH = 1, XBY_FD = -1 };

static enum xattr_ns ns_of(const char *name)
{
    static const struct {
        const char *prefix;
        enum xattr_ns ns;
    } tbl[] = {
        { "user.", XNS_USER },
        { "trusted.", XNS_TRUSTED },
        { "security.", XNS_SECURITY },
        { "system.", XNS_SYSTEM },
    };

    for (size_t i = 0; i < sizeof(tbl) / sizeof(tbl[0]); i++) {
        size_t n = strlen(tbl[i].prefix);

        if (strncmp(name, tbl[i].prefix, n) == 0)
            return name[n] == '\0' ? XNS_BAD : tbl[i].ns;
    }
    return XNS_BAD;
}

/* Copies in an attribute name: ERANGE when empty or longer than XATTR_NAME_MAX. */
static long copy_in_name(struct task *t, uint64_t addr, char name[XATTR_NAME_MAX_LEN + 1])
{
    long n = task_copy_in_string(t, addr, name, XATTR_NAME_MAX_LEN + 1);

    if (n == -ENAMETOOLONG)
        return -ERANGE;
    if (n < 0)
        return n;
    if (n == 0)
        return -ERANGE;
    return n;
}

/* Checks the namespace of `name` as Linux's xattr_resolve_name / handlers do. */
static long check_ns(const char *name, enum xattr_ns *ns)
{
    *ns = ns_of(name);
    if (*ns != XNS_BAD)
        return 0;
    /* "user." alone is an empty name in a known namespace: EINVAL. */
    if (strcmp(name, "user.") == 0 || strcmp(name, "trusted.") == 0 ||
        strcmp(name, "security.") == 0 || strcmp(name, "system.") == 0)
        return -EINVAL;
    return -EOPNOTSUPP;
}

/* The inode a syscall names: a path (following the last symlink or not) or an fd. */
struct xtarget {
    struct vfs_path path; /* owned when `file` is NULL */
    struct file *file;    /* a reference, or NULL */
    struct inode *ino;    /* Not a reference of its own */
    bool readonly_mnt;
};

static void xtarget_put(struct xtarget *x)
{
    if (x->file != NULL)
        put_file(x->file);
    else if (x->path.d != NULL)
        vfs_path_put(&x->path);
}
#define cleanup_xtarget __attribute__((cleanup(xtarget_put)))

static long xtarget_get(struct task *t, uint64_t a0, enum xattr_by by, struct xtarget *x)
{
    char path[PATH_MAX];
    long ret;

    memset(x, 0, sizeof(*x));
    if (by == XBY_FD) {
        x->file = fd_table_get(t->fdt, (int)a0);
        if (x->file == NULL || (x->file->flags & O_PATH) != 0)
            return -EBADF;
        x->ino = file_inode(x->file);
        if (x->ino == NULL)
            return -EOPNOTSUPP; /* pipes, sockets, anonymous files */
        x->readonly_mnt = x->file->mnt != NULL && (x->file->mnt->flags & VFS_MNT_RDONLY) != 0;
        return 0;
    }
    ret = sys_copy_in_path(t, a0, path, false);
    if (ret < 0)
        return ret;
    ret = vfs_walk(t, AT_FDCWD, path, by == XBY_PATH ? VFS_WALK_FOLLOW : 0, &x->path);
    if (ret < 0)
        return ret;
    x->ino = x->path.d->inode;
    x->readonly_mnt = (x->path.mnt->flags & VFS_MNT_RDONLY) != 0;
    return 0;
}

/* Linux's xattr_permission. `write`: set/remove. */
static long xattr_permission(struct task *t, const struct inode *ino, enum xattr_ns ns, bool write)
{
    struct vfs_cred c;
    mode_t m = ino->st.st_mode;

    if (ns == XNS_TRUSTED)
        return task_capable(t, CAP_SYS_ADMIN_BIT) ? 0 : (write ? -EPERM : -ENODATA);
    vfs_task_cred(t, &c);
    if (ns == XNS_USER) {
        if (!S_ISREG(m) && !S_ISDIR(m))
            return write ? -EPERM : -ENODATA;
        if (S_ISDIR(m) && (m & S_ISVTX) != 0 && write && !vfs_is_owner(&c, ino))
            return -EPERM;
    }
    return vfs_permission(&c, ino, write ? VFS_MAY_WRITE : VFS_MAY_READ);
}

/* Drops the trusted.* names of `list` (`*len` bytes) that a caller without CAP_SYS_ADMIN
 * must not see, as Linux's trusted handler's list() does. */
static void drop_trusted(char *list, size_t *len)
{
    size_t in = 0, out = 0;

    while (in < *len) {
        size_t n = strnlen(list + in, *len - in) + 1;

        if (ns_of(list + in) != XNS_TRUSTED) {
            memmove(list + out, list + in, n);
            out += n;
        }
        in += n;
    }
    *len = out;
}

static long do_list(struct task *t, struct inode *ino, uint64_t addr, size_t size)
{
    cleanup_free char *list = NULL;
    size_t len;
    long n;

    if (ino->ops->listxattr == NULL)
        return 0;
    list = malloc(XATTR_LIST_MAX_LEN);
    if (list == NULL)
        return -ENOMEM;
    n = ino->ops->listxattr(ino, list, XATTR_LIST_MAX_LEN);
    if (n == -ERANGE)
        return -E2BIG; /* more names than listxattr(2) can ever return */
    if (n < 0)
        return n;
    len = (size_t)n;
    if (!task_capable(t, CAP_SYS_ADMIN_BIT))
        drop_trusted(list, &len);
    if (size == 0)
        return (long)len;
    if (size < len)
        return -ERANGE;
    if (len > 0 && task_copy_out(t, addr, list, len) < 0)
        return -EFAULT;
    return (long)len;
}

static long do_get(struct task *t, struct inode *ino, const char *name, enum xattr_ns ns,
                   uint64_t addr, size_t size)
{
    cleanup_free void *val = NULL;
    long n;

    if (ns == XNS_SYSTEM)
        return -EOPNOTSUPP;
    if (ino->ops->getxattr == NULL)
        return -ENODATA;
    /* Linux reads at most XATTR_SIZE_MAX whatever the caller's buffer. */
    if (size > XATTR_SIZE_MAX_LEN)
        size = XATTR_SIZE_MAX_LEN;
    if (size > 0 && (val = malloc(size)) == NULL)
        return -ENOMEM;
    n = ino->ops->getxattr(ino, name, val, size);
    if (n > 0 && size > 0 && task_copy_out(t, addr, val, (size_t)n) < 0)
        return -EFAULT;
    return n;
}

/*
 * The twelve calls. Arguments: get (file, name, value, size), set (file,
 * name, value, size, flags), list (file, list, size), remove (file, name).
 * Linux's order of checks: set looks at flags, name and size before the
 * file, remove at its name; get finds the file first.
 */
static long do_xattr(struct task *t, const struct sys_args *a, enum xattr_op op, enum xattr_by by)
{
    cleanup_xtarget struct xtarget x = { 0 };
    char name[XATTR_NAME_MAX_LEN + 1] = "";
    cleanup_free void *val = NULL;
    bool write = op == XOP_SET || op == XOP_REMOVE;
    size_t size = op == XOP_LIST ? a->a[2] : a->a[3];
    int flags = op == XOP_SET ? (int)a->a[4] : 0;
    struct inode *ino;
    enum xattr_ns ns;
    long ret;

    if ((flags & ~(XATTR_CREATE | XATTR_REPLACE)) != 0)
        return -EINVAL;
    if (write && (ret = copy_in_name(t, a->a[1], name)) < 0)
        return ret;
    if (op == XOP_SET) {
        if (size > XATTR_SIZE_MAX_LEN)
            return -E2BIG;
        if (size > 0 && (val = malloc(size)) == NULL)
            return -ENOMEM;
        if (size > 0 && task_copy_in(t, val, a->a[2], size) < 0)
            return -EFAULT;
    }
    ret = xtarget_get(t, a->a[0], by, &x);
    if (ret < 0)
        return ret;
    ino = x.ino;
    if (op == XOP_LIST)
        return do_list(t, ino, a->a[1], size);
    if (write && x.readonly_mnt)
        return -EROFS;
    if (op == XOP_GET && (ret = copy_in_name(t, a->a[1], name)) < 0)
        return ret;
    if ((ret = check_ns(name, &ns)) < 0 || (ret = xattr_permission(t, ino, ns, write)) < 0)
        return ret;
    switch (op) {
    case XOP_GET:
        return do_get(t, ino, name, ns, a->a[2], size);
    case XOP_SET:
        if (ino->ops->setxattr == NULL || ns == XNS_SYSTEM || ns == XNS_SECURITY)
            return -EOPNOTSUPP;
        return ino->ops->setxattr(ino, name, val, size, flags);
    default:
        if (ns == XNS_SYSTEM)
            return -EOPNOTSUPP;
        if (ino->ops->removexattr == NULL)
            return -ENODATA;
        return ino->ops->removexattr(ino, name);
    }
}

/* sys_<prefix><op>xattr for the three ways of naming the file. */
#define XATTR_HANDLERS(opname, op)                                      \
    long sys_##opname##xattr(struct task *t, const struct sys_args *a)  \
    {                                                                   \
        return do_xattr(t, a, op, XBY_PATH);                            \
    }                                                                   \
    long sys_l##opname##xattr(struct task *t, const struct sys_args *a) \
    {                                                                   \
        return do_xattr(t, a, op, XBY_LPATH);                           \
    }                                                                   \
    long sys_f##opname##xattr(struct task *t, const struct sys_args *a) \
    {                                                                   \
        return do_xattr(t, a, op, XBY_FD);                              \
    }

XATTR_HANDLERS(get, XOP_GET)
XATTR_HANDLERS(set, XOP_SET)
XATTR_HANDLERS(list, XOP_LIST)
XATTR_HANDLERS(remove, XOP_REMOVE)

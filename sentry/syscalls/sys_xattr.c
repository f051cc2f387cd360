/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Extended attributes: {,l,f}{get,set,list,remove}xattr.
 *
 * Only tmpfs stores attributes (user.* and trusted.*, in sentry memory, keyed
 * by the inode's device and number, which tmpfs never reuses). Other file
 * systems (the gofer's host files, procfs, devfs, overlays) have no xattr
 * support in the sentry yet: reads find nothing (ENODATA, an empty list) and
 * writes fail with EOPNOTSUPP, as on a Linux file system without xattrs, so
 * `ls -l` and `cp -a` stay quiet. Names and sizes are checked as Linux does.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/common.h"
#include "sentry/syscalls/sys_gaps.h"
#include "sentry/syscalls/sys_vfs.h"

#define XATTR_NAME_MAX_LEN 255
#define XATTR_SIZE_MAX_LEN 65536
#define XATTR_LIST_MAX_LEN 65536
#define XATTR_CREATE_FLAG  1
#define XATTR_REPLACE_FLAG 2
#define CAP_SYS_ADMIN_BIT  21

struct xattr {
    struct xattr *next;
    uint64_t dev, ino;
    char *name;
    void *value;
    size_t size;
};

static pthread_mutex_t g_xattr_mu = PTHREAD_MUTEX_INITIALIZER;
static struct xattr *g_xattrs; /* Protected by g_xattr_mu. */

enum xattr_ns { XNS_USER, XNS_TRUSTED, XNS_SECURITY, XNS_SYSTEM, XNS_BAD };

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

static bool stores_xattrs(const struct inode *ino)
{
    return strcmp(ino->sb->fs_name, "tmpfs") == 0;
}

static struct xattr **find_locked(const struct inode *ino, const char *name)
{
    for (struct xattr **pp = &g_xattrs; *pp != NULL; pp = &(*pp)->next) {
        struct xattr *x = *pp;

        if (x->dev == ino->sb->dev && x->ino == (uint64_t)ino->st.st_ino && !strcmp(x->name, name))
            return pp;
    }
    return NULL;
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

/* `follow`: -1 for an fd in a0, else whether a path in a0 follows its last symlink. */
static long xtarget_get(struct task *t, uint64_t a0, int follow, struct xtarget *x)
{
    memset(x, 0, sizeof(*x));
    if (follow < 0) {
        x->file = fd_table_get(t->fdt, (int)a0);
        if (x->file == NULL || (x->file->flags & O_PATH) != 0)
            return -EBADF;
        x->ino = file_inode(x->file);
        if (x->ino == NULL)
            return -EOPNOTSUPP; /* pipes, sockets, anonymous files */
        x->readonly_mnt = x->file->mnt != NULL && (x->file->mnt->flags & VFS_MNT_RDONLY) != 0;
        return 0;
    }
    {
        char path[PATH_MAX];
        long ret = sys_copy_in_path(t, a0, path, false);

        if (ret < 0)
            return ret;
        ret = vfs_walk(t, AT_FDCWD, path, follow ? VFS_WALK_FOLLOW : 0, &x->path);
        if (ret < 0)
            return ret;
    }
    x->ino = x->path.d->inode;
    x->readonly_mnt = (x->path.mnt->flags & VFS_MNT_RDONLY) != 0;
    return 0;
}
#define cleanup_xtarget __attribute__((cleanup(xtarget_put)))

/* Linux's xattr_permission. `write`: set/remove. */
static long xattr_permission(struct task *t, const struct inode *ino, enum xattr_ns ns, bool write)
{
    struct vfs_cred c;
    mode_t m = ino->st.st_mode;

    if (ns == XNS_TRUSTED)
        return task_capable(t, CAP_SYS_ADMIN_BIT) ? 0 : (write ? -EPERM : -ENODATA);
    if (ns == XNS_USER) {
        if (!S_ISREG(m) && !S_ISDIR(m))
            return write ? -EPERM : -ENODATA;
        if (S_ISDIR(m) && (m & S_ISVTX) != 0 && write) {
            vfs_task_cred(t, &c);
            if (!vfs_is_owner(&c, ino))
                return -EPERM;
        }
    }
    vfs_task_cred(t, &c);
    return vfs_permission(&c, ino, write ? VFS_MAY_WRITE : VFS_MAY_READ);
}

static long do_getxattr(struct task *t, const struct sys_args *a, int follow)
{
    cleanup_xtarget struct xtarget x = { 0 };
    char name[XATTR_NAME_MAX_LEN + 1];
    cleanup_free void *val = NULL;
    enum xattr_ns ns;
    size_t size = 0;
    long ret;

    ret = xtarget_get(t, a->a[0], follow, &x);
    if (ret < 0)
        return ret;
    if ((ret = copy_in_name(t, a->a[1], name)) < 0 || (ret = check_ns(name, &ns)) < 0)
        return ret;
    if ((ret = xattr_permission(t, x.ino, ns, false)) < 0)
        return ret;
    if (!stores_xattrs(x.ino))
        return ns == XNS_SYSTEM ? -EOPNOTSUPP : -ENODATA;
    pthread_mutex_lock(&g_xattr_mu);
    {
        struct xattr **pp = find_locked(x.ino, name);

        if (pp == NULL) {
            ret = -ENODATA;
        } else {
            size = (*pp)->size;
            val = malloc(size ? size : 1);
            if (val == NULL)
                ret = -ENOMEM;
            else
                memcpy(val, (*pp)->value, size);
        }
    }
    pthread_mutex_unlock(&g_xattr_mu);
    if (ret < 0)
        return ret;
    if (a->a[3] == 0)
        return (long)size;
    if (a->a[3] < size)
        return -ERANGE;
    if (size > 0 && task_copy_out(t, a->a[2], val, size) < 0)
        return -EFAULT;
    return (long)size;
}

static long do_setxattr(struct task *t, const struct sys_args *a, int follow)
{
    cleanup_xtarget struct xtarget x = { 0 };
    char name[XATTR_NAME_MAX_LEN + 1];
    cleanup_free void *val = NULL;
    size_t size = a->a[3];
    int flags = (int)a->a[4];
    enum xattr_ns ns;
    long ret;

    if ((flags & ~(XATTR_CREATE_FLAG | XATTR_REPLACE_FLAG)) != 0)
        return -EINVAL;
    if ((ret = copy_in_name(t, a->a[1], name)) < 0)
        return ret;
    if (size > XATTR_SIZE_MAX_LEN)
        return -E2BIG;
    val = malloc(size ? size : 1);
    if (val == NULL)
        return -ENOMEM;
    if (size > 0 && task_copy_in(t, val, a->a[2], size) < 0)
        return -EFAULT;
    ret = xtarget_get(t, a->a[0], follow, &x);
    if (ret < 0)
        return ret;
    if (x.readonly_mnt)
        return -EROFS;
    if ((ret = check_ns(name, &ns)) < 0)
        return ret;
    if ((ret = xattr_permission(t, x.ino, ns, true)) < 0)
        return ret;
    if (!stores_xattrs(x.ino) || ns == XNS_SYSTEM || ns == XNS_SECURITY)
        return -EOPNOTSUPP;
    pthread_mutex_lock(&g_xattr_mu);
    {
        struct xattr **pp = find_locked(x.ino, name);

        if (pp != NULL && (flags & XATTR_CREATE_FLAG)) {
            ret = -EEXIST;
        } else if (pp == NULL && (flags & XATTR_REPLACE_FLAG)) {
            ret = -ENODATA;
        } else if (pp != NULL) {
            free((*pp)->value);
            (*pp)->value = steal_pointer(&val);
            (*pp)->size = size;
        } else {
            struct xattr *n = calloc(1, sizeof(*n));

            if (n == NULL || (n->name = strdup(name)) == NULL) {
                free(n);
                ret = -ENOMEM;
            } else {
                n->dev = x.ino->sb->dev;
                n->ino = (uint64_t)x.ino->st.st_ino;
                n->value = steal_pointer(&val);
                n->size = size;
                n->next = g_xattrs;
                g_xattrs = n;
            }
        }
    }
    pthread_mutex_unlock(&g_xattr_mu);
    return ret;
}

static long do_listxattr(struct task *t, const struct sys_args *a, int follow)
{
    cleanup_xtarget struct xtarget x = { 0 };
    cleanup_free char *list = NULL;
    bool trusted = task_capable(t, CAP_SYS_ADMIN_BIT);
    size_t len = 0;
    long ret;

    ret = xtarget_get(t, a->a[0], follow, &x);
    if (ret < 0)
        return ret;
    if (!stores_xattrs(x.ino))
        return 0;
    list = malloc(XATTR_LIST_MAX_LEN);
    if (list == NULL)
        return -ENOMEM;
    pthread_mutex_lock(&g_xattr_mu);
    for (struct xattr *e = g_xattrs; e != NULL; e = e->next) {
        size_t n;

        if (e->dev != x.ino->sb->dev || e->ino != (uint64_t)x.ino->st.st_ino)
            continue;
        if (ns_of(e->name) == XNS_TRUSTED && !trusted)
            continue;
        n = strlen(e->name) + 1;
        if (len + n > XATTR_LIST_MAX_LEN) {
            ret = -E2BIG;
            break;
        }
        memcpy(list + len, e->name, n);
        len += n;
    }
    pthread_mutex_unlock(&g_xattr_mu);
    if (ret < 0)
        return ret;
    if (a->a[2] == 0)
        return (long)len;
    if (a->a[2] < len)
        return -ERANGE;
    if (len > 0 && task_copy_out(t, a->a[1], list, len) < 0)
        return -EFAULT;
    return (long)len;
}

static long do_removexattr(struct task *t, const struct sys_args *a, int follow)
{
    cleanup_xtarget struct xtarget x = { 0 };
    char name[XATTR_NAME_MAX_LEN + 1];
    enum xattr_ns ns;
    long ret;

    if ((ret = copy_in_name(t, a->a[1], name)) < 0)
        return ret;
    ret = xtarget_get(t, a->a[0], follow, &x);
    if (ret < 0)
        return ret;
    if (x.readonly_mnt)
        return -EROFS;
    if ((ret = check_ns(name, &ns)) < 0)
        return ret;
    if ((ret = xattr_permission(t, x.ino, ns, true)) < 0)
        return ret;
    if (!stores_xattrs(x.ino))
        return ns == XNS_SYSTEM ? -EOPNOTSUPP : -ENODATA;
    pthread_mutex_lock(&g_xattr_mu);
    {
        struct xattr **pp = find_locked(x.ino, name);

        if (pp == NULL) {
            ret = -ENODATA;
        } else {
            struct xattr *e = *pp;

            *pp = e->next;
            free(e->name);
            free(e->value);
            free(e);
        }
    }
    pthread_mutex_unlock(&g_xattr_mu);
    return ret;
}

long sys_setxattr(struct task *t, const struct sys_args *a)
{
    return do_setxattr(t, a, 1);
}

long sys_lsetxattr(struct task *t, const struct sys_args *a)
{
    return do_setxattr(t, a, 0);
}

long sys_fsetxattr(struct task *t, const struct sys_args *a)
{
    return do_setxattr(t, a, -1);
}

long sys_getxattr(struct task *t, const struct sys_args *a)
{
    return do_getxattr(t, a, 1);
}

long sys_lgetxattr(struct task *t, const struct sys_args *a)
{
    return do_getxattr(t, a, 0);
}

long sys_fgetxattr(struct task *t, const struct sys_args *a)
{
    return do_getxattr(t, a, -1);
}

long sys_listxattr(struct task *t, const struct sys_args *a)
{
    return do_listxattr(t, a, 1);
}

long sys_llistxattr(struct task *t, const struct sys_args *a)
{
    return do_listxattr(t, a, 0);
}

long sys_flistxattr(struct task *t, const struct sys_args *a)
{
    return do_listxattr(t, a, -1);
}

long sys_removexattr(struct task *t, const struct sys_args *a)
{
    return do_removexattr(t, a, 1);
}

long sys_lremovexattr(struct task *t, const struct sys_args *a)
{
    return do_removexattr(t, a, 0);
}

long sys_fremovexattr(struct task *t, const struct sys_args *a)
{
    return do_removexattr(t, a, -1);
}

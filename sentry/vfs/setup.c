/* SPDX-License-Identifier: Apache-2.0 */
/* Building a sandbox's tree: mounts at absolute paths and the first task's fs context. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>

#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"

/* Walks an absolute path of directories from the root of `ns`, without permission checks. */
static long walk_root(struct mount_ns *ns, const char *path, struct vfs_path *out)
{
    char buf[PATH_MAX];
    char *save = NULL;
    struct vfs_path cur = { .mnt = ns->root, .d = ns->root->root };

    if (strlen(path) >= sizeof(buf))
        return -ENAMETOOLONG;
    strcpy(buf, path);
    vfs_path_get(&cur);
    for (char *c = strtok_r(buf, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
        struct vfs_path next = { 0 };
        long ret;

        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0 || !S_ISDIR(cur.d->inode->st.st_mode)) {
            vfs_path_put(&cur);
            return strcmp(c, "..") == 0 ? -EINVAL : -ENOTDIR;
        }
        ret = vfs_lookup_child(&cur, c, &next);
        vfs_path_put(&cur);
        if (ret < 0)
            return ret;
        /* Cross what is mounted on the child (vfs_lookup_child does not). */
        for (;;) {
            struct mount *m = NULL;

            for (struct mount *x = ns->list; x != NULL && next.d->mounts > 0; x = x->next) {
                if (x->parent == next.mnt && x->mountpoint == next.d) {
                    m = x;
                    break;
                }
            }
            if (m == NULL)
                break;
            vfs_path_put(&next);
            next.mnt = get_mount(m);
            next.d = get_dentry(m->root);
        }
        cur = next;
    }
    *out = cur;
    return 0;
}

long vfs_mount_at(struct mount_ns *ns, const char *path, struct super_block *sb, unsigned int flags)
{
    struct vfs_path at = { 0 };
    long ret = walk_root(ns, path, &at);

    if (ret < 0)
        return ret;
    ret = vfs_mount(ns, &at, sb, flags);
    vfs_path_put(&at);
    return ret;
}

long vfs_task_fs_init(struct task *t)
{
    const char *cwd = t->k->mntns != NULL ? t->k->mntns->init_cwd : NULL;
    struct vfs_path p = { 0 };

    if (t->fs != NULL || t->k->mntns == NULL)
        return 0;
    t->fs = vfs_fs_new(t->k->mntns);
    if (t->fs == NULL)
        return -ENOMEM;
    if (cwd != NULL && cwd[0] == '/' && walk_root(t->k->mntns, cwd, &p) == 0) {
        if (S_ISDIR(p.d->inode->st.st_mode)) {
            vfs_path_put(&t->fs->cwd);
            t->fs->cwd = p;
        } else {
            vfs_path_put(&p);
        }
    }
    return 0;
}

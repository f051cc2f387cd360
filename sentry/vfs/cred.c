/* SPDX-License-Identifier: Apache-2.0 */
/* Credentials and Linux's discretionary access checks (generic_permission). */
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>

#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"

void vfs_task_cred(const struct task *t, struct vfs_cred *c)
{
    /* Called by the task itself (its own credentials need no lock). */
    static const struct kernel_cred sentry_root = {
        .cap_permitted = KERNEL_CAP_FULL,
        .cap_effective = KERNEL_CAP_FULL,
        .cap_bounding = KERNEL_CAP_FULL,
    };
    /* No task (the sentry's own work, unit tests): root with every capability. */
    const struct kernel_cred *kc = t != NULL ? &t->cred : &sentry_root;

    *c = (struct vfs_cred){
        .fsuid = kc->fsuid,
        .fsgid = kc->fsgid,
        .groups = kc->groups,
        .ngroups = kc->ngroups,
        .cap_dac_override = kernel_cred_capable(kc, CAP_DAC_OVERRIDE),
        .cap_dac_read_search = kernel_cred_capable(kc, CAP_DAC_READ_SEARCH),
        .cap_fowner = kernel_cred_capable(kc, CAP_FOWNER),
        .cap_chown = kernel_cred_capable(kc, CAP_CHOWN),
        .cap_fsetid = kernel_cred_capable(kc, CAP_FSETID),
        .cap_mknod = kernel_cred_capable(kc, CAP_MKNOD),
    };
}

void vfs_task_access_cred(const struct task *t, struct vfs_cred *c)
{
    const struct kernel_cred *kc;
    uint64_t caps;

    vfs_task_cred(t, c);
    if (t == NULL)
        return;
    kc = &t->cred;
    /* Linux's access_override_creds: real ids; root's caps are its permitted set, others none. */
    if (kc->securebits & SECBIT_NO_SETUID_FIXUP)
        caps = kc->cap_effective;
    else
        caps = kc->uid == 0 ? kc->cap_permitted : 0;
    c->fsuid = kc->uid;
    c->fsgid = kc->gid;
    c->cap_dac_override = (caps >> CAP_DAC_OVERRIDE) & 1;
    c->cap_dac_read_search = (caps >> CAP_DAC_READ_SEARCH) & 1;
    c->cap_fowner = (caps >> CAP_FOWNER) & 1;
    c->cap_chown = (caps >> CAP_CHOWN) & 1;
    c->cap_fsetid = (caps >> CAP_FSETID) & 1;
    c->cap_mknod = (caps >> CAP_MKNOD) & 1;
}

static bool in_group(const struct vfs_cred *c, uint32_t gid)
{
    if (c->fsgid == gid)
        return true;
    for (size_t i = 0; i < c->ngroups; i++) {
        if (c->groups[i] == gid)
            return true;
    }
    return false;
}

long vfs_permission(const struct vfs_cred *c, const struct inode *ino, int mask)
{
    uint32_t mode = ino->st.st_mode;
    unsigned int bits;

    if (c->fsuid == ino->st.st_uid)
        bits = (mode >> 6) & 7;
    else if (in_group(c, ino->st.st_gid))
        bits = (mode >> 3) & 7;
    else
        bits = mode & 7;
    if (((unsigned int)mask & ~bits) == 0)
        return 0;
    /* CAP_DAC_OVERRIDE: read and write anything; execute only if some x bit is set (or a dir). */
    if (c->cap_dac_override) {
        if (!(mask & VFS_MAY_EXEC) || S_ISDIR(mode) || (mode & 0111))
            return 0;
    }
    /* CAP_DAC_READ_SEARCH: read files, read and search directories. */
    if (c->cap_dac_read_search) {
        if (mask == VFS_MAY_READ || (S_ISDIR(mode) && !(mask & VFS_MAY_WRITE)))
            return 0;
    }
    return -EACCES;
}

bool vfs_is_owner(const struct vfs_cred *c, const struct inode *ino)
{
    return c->fsuid == ino->st.st_uid || c->cap_fowner;
}

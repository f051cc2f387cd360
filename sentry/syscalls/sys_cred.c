/* SPDX-License-Identifier: Apache-2.0 */
/* Credential syscalls: set*uid/set*gid, setfs*id, setgroups/getgroups, capget/capset, prctl caps.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <string.h>
#include <sys/prctl.h>

#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls_internal.h"

#define NO_ID ((uint32_t)-1)

/* The fs capabilities Linux drops when fsuid leaves 0 (CAP_FS_MASK). */
#define CAP_FS_MASK                                                                     \
    ((1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) | (1ULL << CAP_DAC_READ_SEARCH) | \
     (1ULL << CAP_FOWNER) | (1ULL << CAP_FSETID) | (1ULL << CAP_LINUX_IMMUTABLE) |      \
     (1ULL << CAP_MKNOD) | (1ULL << CAP_MAC_OVERRIDE))

/* Installs `c` as the credentials of `t` (only `t` writes its own; others read under k->mu). */
static void commit_cred(struct task *t, const struct kernel_cred *c)
{
    pthread_mutex_lock(&t->k->mu);
    t->cred = *c;
    pthread_mutex_unlock(&t->k->mu);
}

/* Linux's cap_emulate_setxuid + the fsuid fixup: capabilities follow uid changes. */
static void fix_setuid(const struct kernel_cred *old, struct kernel_cred *c)
{
    if (c->securebits & SECBIT_NO_SETUID_FIXUP)
        return;
    if ((old->uid == 0 || old->euid == 0 || old->suid == 0) &&
        (c->uid != 0 && c->euid != 0 && c->suid != 0)) {
        if (!(c->securebits & SECBIT_KEEP_CAPS)) {
            c->cap_permitted = 0;
            c->cap_effective = 0;
        }
        c->cap_ambient = 0;
    }
    if (old->euid == 0 && c->euid != 0)
        c->cap_effective = 0;
    if (old->euid != 0 && c->euid == 0)
        c->cap_effective = c->cap_permitted;
    if (old->fsuid == 0 && c->fsuid != 0)
        c->cap_effective &= ~CAP_FS_MASK;
    else if (old->fsuid != 0 && c->fsuid == 0)
        c->cap_effective |= c->cap_permitted & CAP_FS_MASK;
}

static bool is_one_of(uint32_t id, uint32_t a, uint32_t b, uint32_t c)
{
    return id == a || id == b || id == c;
}

/* ---- ids ---- */

long sys_getuid(struct task *t, const struct sys_args *a)
{
    return t->cred.uid;
}

long sys_geteuid(struct task *t, const struct sys_args *a)
{
    return t->cred.euid;
}

long sys_getgid(struct task *t, const struct sys_args *a)
{
    return t->cred.gid;
}

long sys_getegid(struct task *t, const struct sys_args *a)
{
    return t->cred.egid;
}

static long put_three_ids(struct task *t, const struct sys_args *a, const uint32_t ids[3])
{
    for (int i = 0; i < 3; i++) {
        long ret = task_copy_out(t, a->a[i], &ids[i], sizeof(ids[i]));

        if (ret < 0)
            return ret;
    }
    return 0;
}

long sys_getresuid(struct task *t, const struct sys_args *a)
{
    uint32_t ids[3] = { t->cred.uid, t->cred.euid, t->cred.suid };

    return put_three_ids(t, a, ids);
}

long sys_getresgid(struct task *t, const struct sys_args *a)
{
    uint32_t ids[3] = { t->cred.gid, t->cred.egid, t->cred.sgid };

    return put_three_ids(t, a, ids);
}

long sys_setuid(struct task *t, const struct sys_args *a)
{
    uint32_t uid = (uint32_t)a->a[0];
    struct kernel_cred c = t->cred;

    if (uid == NO_ID)
        return -EINVAL;
    if (task_capable(t, CAP_SETUID)) {
        c.uid = c.euid = c.suid = c.fsuid = uid;
    } else if (uid == c.uid || uid == c.suid) {
        c.euid = c.fsuid = uid;
    } else {
        return -EPERM;
    }
    fix_setuid(&t->cred, &c);
    commit_cred(t, &c);
    return 0;
}

long sys_setreuid(struct task *t, const struct sys_args *a)
{
    uint32_t ruid = (uint32_t)a->a[0], euid = (uint32_t)a->a[1];
    const struct kernel_cred *old = &t->cred;
    struct kernel_cred c = *old;
    bool cap = task_capable(t, CAP_SETUID);

    if (ruid != NO_ID) {
        if (!cap && ruid != old->uid && ruid != old->euid)
            return -EPERM;
        c.uid = ruid;
    }
    if (euid != NO_ID) {
        if (!cap && !is_one_of(euid, old->uid, old->euid, old->suid))
            return -EPERM;
        c.euid = euid;
    }
    if (ruid != NO_ID || (euid != NO_ID && euid != old->uid))
        c.suid = c.euid;
    c.fsuid = c.euid;
    fix_setuid(old, &c);
    commit_cred(t, &c);
    return 0;
}

long sys_setresuid(struct task *t, const struct sys_args *a)
{
    uint32_t ids[3] = { (uint32_t)a->a[0], (uint32_t)a->a[1], (uint32_t)a->a[2] };
    const struct kernel_cred *old = &t->cred;
    struct kernel_cred c = *old;

    if (!task_capable(t, CAP_SETUID)) {
        for (int i = 0; i < 3; i++) {
            if (ids[i] != NO_ID && !is_one_of(ids[i], old->uid, old->euid, old->suid))
                return -EPERM;
        }
    }
    if (ids[0] != NO_ID)
        c.uid = ids[0];
    if (ids[1] != NO_ID)
        c.euid = ids[1];
    if (ids[2] != NO_ID)
        c.suid = ids[2];
    c.fsuid = c.euid;
    fix_setuid(old, &c);
    commit_cred(t, &c);
    return 0;
}

long sys_setfsuid(struct task *t, const struct sys_args *a)
{
    uint32_t uid = (uint32_t)a->a[0];
    const struct kernel_cred *old = &t->cred;
    uint32_t prev = old->fsuid;
    struct kernel_cred c = *old;

    /* Always returns the previous fsuid, whether or not it changed. */
    if (uid == NO_ID)
        return prev;
    if (is_one_of(uid, old->uid, old->euid, old->suid) || uid == old->fsuid ||
        task_capable(t, CAP_SETUID)) {
        if (uid != prev) {
            c.fsuid = uid;
            fix_setuid(old, &c);
            commit_cred(t, &c);
        }
    }
    return prev;
}

/* ---- gids (no capability fixups) ---- */

long sys_setgid(struct task *t, const struct sys_args *a)
{
    uint32_t gid = (uint32_t)a->a[0];
    struct kernel_cred c = t->cred;

    if (gid == NO_ID)
        return -EINVAL;
    if (task_capable(t, CAP_SETGID))
        c.gid = c.egid = c.sgid = c.fsgid = gid;
    else if (gid == c.gid || gid == c.sgid)
        c.egid = c.fsgid = gid;
    else
        return -EPERM;
    commit_cred(t, &c);
    return 0;
}

long sys_setregid(struct task *t, const struct sys_args *a)
{
    uint32_t rgid = (uint32_t)a->a[0], egid = (uint32_t)a->a[1];
    const struct kernel_cred *old = &t->cred;
    struct kernel_cred c = *old;
    bool cap = task_capable(t, CAP_SETGID);

    if (rgid != NO_ID) {
        if (!cap && rgid != old->gid && rgid != old->egid)
            return -EPERM;
        c.gid = rgid;
    }
    if (egid != NO_ID) {
        if (!cap && !is_one_of(egid, old->gid, old->egid, old->sgid))
            return -EPERM;
        c.egid = egid;
    }
    if (rgid != NO_ID || (egid != NO_ID && egid != old->gid))
        c.sgid = c.egid;
    c.fsgid = c.egid;
    commit_cred(t, &c);
    return 0;
}

long sys_setresgid(struct task *t, const struct sys_args *a)
{
    uint32_t ids[3] = { (uint32_t)a->a[0], (uint32_t)a->a[1], (uint32_t)a->a[2] };
    const struct kernel_cred *old = &t->cred;
    struct kernel_cred c = *old;

    if (!task_capable(t, CAP_SETGID)) {
        for (int i = 0; i < 3; i++) {
            if (ids[i] != NO_ID && !is_one_of(ids[i], old->gid, old->egid, old->sgid))
                return -EPERM;
        }
    }
    if (ids[0] != NO_ID)
        c.gid = ids[0];
    if (ids[1] != NO_ID)
        c.egid = ids[1];
    if (ids[2] != NO_ID)
        c.sgid = ids[2];
    c.fsgid = c.egid;
    commit_cred(t, &c);
    return 0;
}

long sys_setfsgid(struct task *t, const struct sys_args *a)
{
    uint32_t gid = (uint32_t)a->a[0];
    const struct kernel_cred *old = &t->cred;
    uint32_t prev = old->fsgid;
    struct kernel_cred c = *old;

    if (gid == NO_ID)
        return prev;
    if (is_one_of(gid, old->gid, old->egid, old->sgid) || gid == old->fsgid ||
        task_capable(t, CAP_SETGID)) {
        c.fsgid = gid;
        commit_cred(t, &c);
    }
    return prev;
}

/* ---- supplementary groups ---- */

long sys_setgroups(struct task *t, const struct sys_args *a)
{
    int n = (int)a->a[0];
    uint32_t groups[KERNEL_NGROUPS_MAX];
    struct kernel_cred c = t->cred;
    long ret;

    if (!task_capable(t, CAP_SETGID))
        return -EPERM;
    /* Linux's limit is NGROUPS_MAX (65536); the sandbox keeps KERNEL_NGROUPS_MAX per task. */
    if (n < 0 || n > KERNEL_NGROUPS_MAX)
        return -EINVAL;
    ret = task_copy_in(t, groups, a->a[1], (size_t)n * sizeof(groups[0]));
    if (ret < 0)
        return ret;
    kernel_cred_set_groups(&c, groups, (size_t)n);
    commit_cred(t, &c);
    return 0;
}

long sys_getgroups(struct task *t, const struct sys_args *a)
{
    int size = (int)a->a[0];
    const struct kernel_cred *c = &t->cred;
    long ret;

    if (size < 0)
        return -EINVAL;
    if (size == 0)
        return c->ngroups;
    if ((uint32_t)size < c->ngroups)
        return -EINVAL;
    ret = task_copy_out(t, a->a[1], c->groups, c->ngroups * sizeof(c->groups[0]));
    return ret < 0 ? ret : c->ngroups;
}

/* ---- capabilities ---- */

struct cap_header {
    uint32_t version;
    int pid;
};

struct cap_data {
    uint32_t effective, permitted, inheritable;
};

/* Checks the header's version; on a bad one writes the preferred version back (-EINVAL). */
static long cap_validate(struct task *t, uint64_t addr, struct cap_header *h, int *words)
{
    long ret = task_copy_in(t, h, addr, sizeof(*h));

    if (ret < 0)
        return ret;
    switch (h->version) {
    case _LINUX_CAPABILITY_VERSION_1:
        *words = _LINUX_CAPABILITY_U32S_1;
        return 0;
    case _LINUX_CAPABILITY_VERSION_2:
    case _LINUX_CAPABILITY_VERSION_3:
        *words = _LINUX_CAPABILITY_U32S_3;
        return 0;
    default:
        h->version = _LINUX_CAPABILITY_VERSION_3;
        ret = task_copy_out(t, addr, &h->version, sizeof(h->version));
        return ret < 0 ? ret : -EINVAL;
    }
}

long sys_capget(struct task *t, const struct sys_args *a)
{
    struct cap_header h;
    struct cap_data d[2];
    struct kernel_cred c;
    int words = 0;
    long ret = cap_validate(t, a->a[0], &h, &words);

    /* A NULL data pointer probes the version: Linux returns 0 even for a bad one. */
    if (a->a[1] == 0)
        return ret == -EINVAL ? 0 : ret;
    if (ret < 0)
        return ret;
    if (h.pid < 0)
        return -EINVAL;
    if (h.pid == 0 || h.pid == t->tid) {
        c = t->cred;
    } else {
        struct task *target;

        pthread_mutex_lock(&t->k->mu);
        target = kernel_find_task_locked(t->k, h.pid);
        if (target != NULL)
            c = target->cred;
        pthread_mutex_unlock(&t->k->mu);
        if (target == NULL)
            return -ESRCH;
    }
    for (int i = 0; i < 2; i++) {
        d[i].effective = (uint32_t)(c.cap_effective >> (32 * i));
        d[i].permitted = (uint32_t)(c.cap_permitted >> (32 * i));
        d[i].inheritable = (uint32_t)(c.cap_inheritable >> (32 * i));
    }
    return task_copy_out(t, a->a[1], d, (size_t)words * sizeof(d[0]));
}

long sys_capset(struct task *t, const struct sys_args *a)
{
    struct cap_header h;
    struct cap_data d[2];
    const struct kernel_cred *old = &t->cred;
    struct kernel_cred c = *old;
    uint64_t eff = 0, perm = 0, inh = 0;
    int words = 0;
    long ret = cap_validate(t, a->a[0], &h, &words);

    if (ret < 0)
        return ret;
    /* Only a task's own capabilities can be set. */
    if (h.pid != 0 && h.pid != t->tid)
        return -EPERM;
    memset(d, 0, sizeof(d));
    ret = task_copy_in(t, d, a->a[1], (size_t)words * sizeof(d[0]));
    if (ret < 0)
        return ret;
    for (int i = 0; i < words; i++) {
        eff |= (uint64_t)d[i].effective << (32 * i);
        perm |= (uint64_t)d[i].permitted << (32 * i);
        inh |= (uint64_t)d[i].inheritable << (32 * i);
    }
    eff &= KERNEL_CAP_FULL;
    perm &= KERNEL_CAP_FULL;
    inh &= KERNEL_CAP_FULL;
    /* Linux's cap_capset rules. */
    if ((inh & ~(old->cap_inheritable | old->cap_permitted)) && !task_capable(t, CAP_SETPCAP))
        return -EPERM;
    if (inh & ~(old->cap_inheritable | old->cap_bounding))
        return -EPERM;
    if (perm & ~old->cap_permitted)
        return -EPERM;
    if (eff & ~perm)
        return -EPERM;
    c.cap_effective = eff;
    c.cap_permitted = perm;
    c.cap_inheritable = inh;
    c.cap_ambient &= perm & inh;
    commit_cred(t, &c);
    return 0;
}

/*
 * The capability options of prctl(2): CAPBSET_READ/DROP, PR_CAP_AMBIENT,
 * PR_GET/SET_KEEPCAPS, PR_GET/SET_SECUREBITS. Returns -ENOSYS for other options.
 */
long sys_prctl_cred(struct task *t, const struct sys_args *a)
{
    const struct kernel_cred *old = &t->cred;
    struct kernel_cred c = *old;
    uint64_t arg2 = a->a[1];

    switch ((int)a->a[0]) {
    case PR_CAPBSET_READ:
        if (arg2 > KERNEL_CAP_LAST_CAP)
            return -EINVAL;
        return (old->cap_bounding >> arg2) & 1;
    case PR_CAPBSET_DROP:
        if (arg2 > KERNEL_CAP_LAST_CAP)
            return -EINVAL;
        if (!task_capable(t, CAP_SETPCAP))
            return -EPERM;
        c.cap_bounding &= ~(1ULL << arg2);
        break;
    case PR_CAP_AMBIENT:
        if (arg2 == PR_CAP_AMBIENT_CLEAR_ALL) {
            if (a->a[2] != 0 || a->a[3] != 0 || a->a[4] != 0)
                return -EINVAL;
            c.cap_ambient = 0;
            break;
        }
        if (a->a[3] != 0 || a->a[4] != 0)
            return -EINVAL;
        if (a->a[2] > KERNEL_CAP_LAST_CAP)
            return -EINVAL;
        if (arg2 == PR_CAP_AMBIENT_IS_SET)
            return (old->cap_ambient >> a->a[2]) & 1;
        if (arg2 == PR_CAP_AMBIENT_LOWER) {
            c.cap_ambient &= ~(1ULL << a->a[2]);
            break;
        }
        if (arg2 != PR_CAP_AMBIENT_RAISE)
            return -EINVAL;
        if (!((old->cap_permitted >> a->a[2]) & 1) || !((old->cap_inheritable >> a->a[2]) & 1) ||
            (old->securebits & SECBIT_NO_CAP_AMBIENT_RAISE))
            return -EPERM;
        c.cap_ambient |= 1ULL << a->a[2];
        break;
    case PR_GET_KEEPCAPS:
        return (old->securebits & SECBIT_KEEP_CAPS) != 0;
    case PR_SET_KEEPCAPS:
        if (arg2 > 1)
            return -EINVAL;
        if (old->securebits & SECBIT_KEEP_CAPS_LOCKED)
            return -EPERM;
        if (arg2)
            c.securebits |= SECBIT_KEEP_CAPS;
        else
            c.securebits &= ~(unsigned int)SECBIT_KEEP_CAPS;
        break;
    case PR_GET_SECUREBITS:
        return old->securebits;
    case PR_SET_SECUREBITS: {
        /* Locked bits cannot change; only CAP_SETPCAP may set them. */
        unsigned int locked = (old->securebits >> 1) & SECURE_ALL_BITS;

        if ((arg2 & ~(uint64_t)(SECURE_ALL_BITS | SECURE_ALL_LOCKS)) != 0 ||
            ((old->securebits ^ (unsigned int)arg2) & locked) != 0 ||
            (old->securebits & ~(unsigned int)arg2 & SECURE_ALL_LOCKS) != 0 ||
            !task_capable(t, CAP_SETPCAP))
            return -EPERM;
        c.securebits = (unsigned int)arg2;
        break;
    }
    default:
        return -ENOSYS;
    }
    commit_cred(t, &c);
    return 0;
}

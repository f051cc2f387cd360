/* SPDX-License-Identifier: Apache-2.0 */
/* The file system types mount(2) and the spec's mounts can make: new super blocks from a type name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/fs/dev/devfs.h"
#include "sentry/fs/devpts/devpts.h"
#include "sentry/fs/proc/procfs.h"
#include "sentry/fs/sys/sysfs.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "common/cleanup.h"
#include "sentry/vfs/vfs.h"

/* Options the VFS itself takes from any file system's data (Linux's vfs_parse_sb_flag). */
static bool is_generic_option(const char *o)
{
    static const char *const names[] = { "ro",         "rw",          "sync",       "async",
                                         "dirsync",    "lazytime",    "nolazytime", "mand",
                                         "nomand",     "silent",      "defaults",   "relatime",
                                         "norelatime", "strictatime", "noatime",    "atime",
                                         "nodiratime", "diratime",    "nosuid",     "suid",
                                         "nodev",      "dev",         "noexec",     "exec" };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(o, names[i]) == 0)
            return true;
    }
    return false;
}

/* Whether `o` (name or name=value) is one of `known` (NULL-terminated names). */
static bool is_known_option(const char *o, const char *const *known)
{
    size_t len = strcspn(o, "=");

    for (; *known != NULL; known++) {
        if (strlen(*known) == len && strncmp(o, *known, len) == 0)
            return true;
    }
    return is_generic_option(o);
}

/* Checks every comma-separated option of `data` against `known`. 0 or -EINVAL. */
static long check_options(const char *data, const char *const *known)
{
    cleanup_free char *copy = NULL;
    char *save = NULL;

    if (data == NULL || data[0] == '\0')
        return 0;
    copy = strdup(data);
    if (copy == NULL)
        return -ENOMEM;
    for (char *o = strtok_r(copy, ",", &save); o != NULL; o = strtok_r(NULL, ",", &save)) {
        if (!is_known_option(o, known))
            return -EINVAL;
    }
    return 0;
}

static long tmpfs_make(const char *data, struct super_block **out)
{
    struct tmpfs_opts o = { .mode = 01777 };
    cleanup_free char *copy = NULL;
    char *save = NULL;

    if (data != NULL) {
        copy = strdup(data);
        if (copy == NULL)
            return -ENOMEM;
        for (char *opt = strtok_r(copy, ",", &save); opt != NULL;
             opt = strtok_r(NULL, ",", &save)) {
            int r = tmpfs_opts_parse(&o, opt);

            /* tmpfs refuses what it does not know (Linux: "Unknown parameter"). */
            if (r < 0 || (r == 0 && !is_generic_option(opt)))
                return -EINVAL;
        }
    }
    *out = tmpfs_new_opts(&o);
    return *out == NULL ? -ENOMEM : 0;
}

/* cgroup2 has one hierarchy: a second mount in a namespace shows the first one's. */
static struct super_block *find_cgroup_sb(struct mount_ns *ns)
{
    for (struct mount *m = ns != NULL ? ns->list : NULL; m != NULL; m = m->next) {
        if (strcmp(m->sb->fs_name, "cgroup2") == 0)
            return get_super_block(m->sb);
    }
    return NULL;
}

long sysfs_fs_new(const char *type, const char *data, struct mount_ns *ns, struct super_block **out)
{
    static const char *const none[] = { NULL };
    static const char *const proc_opts[] = { "hidepid", "gid", "subset", NULL };
    static const char *const devpts_opts[] = { "newinstance", "ptmxmode", "mode", "gid",
                                               "uid",         "max",      NULL };
    static const char *const cg2_opts[] = { "nsdelegate",
                                            "favordynmods",
                                            "memory_localevents",
                                            "memory_recursiveprot",
                                            "memory_hugetlb_accounting",
                                            "pids_localevents",
                                            NULL };
    long ret;

    *out = NULL;
    if (strcmp(type, "tmpfs") == 0)
        return tmpfs_make(data, out);
    if (strcmp(type, "proc") == 0) {
        ret = check_options(data, proc_opts);
        if (ret == 0 && (*out = procfs_new()) == NULL)
            ret = -ENOMEM;
        return ret;
    }
    if (strcmp(type, "sysfs") == 0) {
        ret = check_options(data, none);
        if (ret == 0 && (*out = sysfs_new()) == NULL)
            ret = -ENOMEM;
        return ret;
    }
    if (strcmp(type, "mqueue") == 0) {
        ret = check_options(data, none);
        if (ret == 0 && (*out = mqueuefs_new()) == NULL)
            ret = -ENOMEM;
        return ret;
    }
    if (strcmp(type, "devpts") == 0) {
        /* The sentry's ptys have Linux's defaults (ptmx 0666, pts 0620 group tty). */
        ret = check_options(data, devpts_opts);
        if (ret == 0 && (*out = devpts_new()) == NULL)
            ret = -ENOMEM;
        return ret;
    }
    if (strcmp(type, "cgroup2") == 0 || strcmp(type, "cgroup") == 0) {
        struct cgroupfs_limits l = { .memory_max = -1, .memory_swap_max = -1, .cpu_quota = -1 };

        /* cgroup (v1) options name controllers; any is shown through the v2 view. */
        if (strcmp(type, "cgroup2") == 0 && (ret = check_options(data, cg2_opts)) < 0)
            return ret;
        *out = find_cgroup_sb(ns);
        if (*out == NULL)
            *out = cgroupfs_new(&l);
        return *out == NULL ? -ENOMEM : 0;
    }
    /* Host file systems (ext4, overlay, 9p ...) and unknown types: not registered here. */
    return -ENODEV;
}

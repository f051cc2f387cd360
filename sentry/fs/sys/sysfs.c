/* SPDX-License-Identifier: Apache-2.0 */
/* sysfs: the little of /sys common programs read (CPU lists, THP mode, the cgroup mount point). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sentry/fs/proc/kernfs.h"
#include "sentry/fs/sys/sys_internal.h"
#include "sentry/fs/sys/sysfs.h"
#include "sentry/ipc/ipc.h"
#include "sentry/kernel/kernel.h"

#define SYSFS_MAGIC  0x62656572
#define MQUEUE_MAGIC 0x19800202

#define RO(n, fn)                                         \
    {                                                     \
        .name = (n), .mode = S_IFREG | 0444, .show = (fn) \
    }
#define DIR(n, tbl)                                            \
    {                                                          \
        .name = (n), .mode = S_IFDIR | 0755, .children = (tbl) \
    }

/* The sandbox's CPU count (the kernel's, as sched_getaffinity and /proc/cpuinfo show it). */
static unsigned int nr_cpus(void)
{
    struct task *t = g_kernel_current_task;

    return t != NULL && t->k->nr_cpus > 0 ? t->k->nr_cpus : 1;
}

/* "0" or "0-N": every CPU of the sandbox is online, possible and present. */
static long show_cpu_range(const struct kfs_ctx *c, FILE *out)
{
    unsigned int n = nr_cpus();

    (void)c;
    if (n == 1)
        fprintf(out, "0\n");
    else
        fprintf(out, "0-%u\n", n - 1);
    return 0;
}

static long show_one(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    fprintf(out, "1\n");
    return 0;
}

static long show_kernel_max(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    fprintf(out, "8191\n");
    return 0;
}

static long show_thp_enabled(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    fprintf(out, "always [madvise] never\n");
    return 0;
}

static long show_thp_defrag(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    fprintf(out, "always defer defer+madvise [madvise] never\n");
    return 0;
}

static const struct kfs_entry g_empty[] = { { .name = NULL } };

static const struct kfs_entry g_cpu_n[] = {
    RO("online", show_one),
    { .name = NULL },
};

static const struct kfs_entry g_cpu_n_dir = DIR("cpu", g_cpu_n);

/* Parses "cpuN" with N a CPU of the sandbox. */
static bool is_cpu_name(const char *name, unsigned int *n)
{
    char *end;
    unsigned long v;

    if (strncmp(name, "cpu", 3) != 0 || name[3] < '0' || name[3] > '9' ||
        (name[3] == '0' && name[4] != '\0'))
        return false;
    v = strtoul(name + 3, &end, 10);
    if (*end != '\0' || v >= nr_cpus())
        return false;
    *n = (unsigned int)v;
    return true;
}

static long cpu_list(const struct kfs_ctx *c, kfs_emit_fn emit, void *arg)
{
    unsigned int n = nr_cpus();

    (void)c;
    for (unsigned int i = 0; i < n; i++) {
        char name[16];

        snprintf(name, sizeof(name), "cpu%u", i);
        if (!emit(arg, name, 4 /* DT_DIR */))
            break;
    }
    return 0;
}

static long cpu_lookup(const struct kfs_ctx *c, const char *name, const struct kfs_entry **entry,
                       struct kfs_ctx *child)
{
    unsigned int n;

    if (!is_cpu_name(name, &n))
        return -ENOENT;
    *entry = &g_cpu_n_dir;
    *child = *c;
    child->pid = (int)n;
    return 0;
}

static const struct kfs_dyn_dir g_cpu_dyn = { .list = cpu_list, .lookup = cpu_lookup };

static const struct kfs_entry g_cpu[] = {
    RO("online", show_cpu_range),
    RO("possible", show_cpu_range),
    RO("present", show_cpu_range),
    RO("kernel_max", show_kernel_max),
    { .name = NULL },
};

static const struct kfs_entry g_system[] = {
    { .name = "cpu", .mode = S_IFDIR | 0755, .children = g_cpu, .dyn = &g_cpu_dyn },
    DIR("node", g_empty),
    { .name = NULL },
};

static const struct kfs_entry g_devices[] = {
    DIR("system", g_system),
    DIR("virtual", g_empty),
    { .name = NULL },
};

static const struct kfs_entry g_fs[] = {
    DIR("cgroup", g_empty),
    { .name = NULL },
};

static const struct kfs_entry g_thp[] = {
    RO("enabled", show_thp_enabled),
    RO("defrag", show_thp_defrag),
    { .name = NULL },
};

static const struct kfs_entry g_mm[] = {
    DIR("transparent_hugepage", g_thp),
    { .name = NULL },
};

static const struct kfs_entry g_kernel[] = {
    DIR("mm", g_mm),
    { .name = NULL },
};

static const struct kfs_entry g_class[] = {
    { .name = "net", .mode = S_IFDIR | 0755, .children = g_empty, .dyn = &g_sys_class_net_dyn },
    { .name = NULL },
};

static const struct kfs_entry g_root_entries[] = {
    DIR("block", g_empty), DIR("bus", g_empty),       DIR("class", g_class),
    DIR("dev", g_empty),   DIR("devices", g_devices), DIR("firmware", g_empty),
    DIR("fs", g_fs),       DIR("kernel", g_kernel),   DIR("module", g_empty),
    { .name = NULL },
};

static const struct kfs_entry g_sys_root = DIR("/", g_root_entries);

struct super_block *sysfs_new(void)
{
    return kfs_new("sysfs", SYSFS_MAGIC, &g_sys_root);
}

/* /dev/mqueue: the POSIX queues of the reader's IPC namespace (sentry/ipc/mqueue.c). */
struct mqueue_emit {
    kfs_emit_fn emit;
    void *arg;
};

static bool mqueue_emit_one(void *arg, const char *name)
{
    struct mqueue_emit *m = arg;

    return m->emit(m->arg, name, DT_REG);
}

static long mqueue_list(const struct kfs_ctx *c, kfs_emit_fn emit, void *arg)
{
    struct mqueue_emit m = { .emit = emit, .arg = arg };

    (void)c;
    return ipc_mq_list(mqueue_emit_one, &m);
}

/* A queue's file: its status line ("QSIZE:... NOTIFY:..."); the context's fd is its inode. */
static long show_mqueue_file(const struct kfs_ctx *c, FILE *out)
{
    return ipc_mq_show((uint64_t)(unsigned int)c->fd, out);
}

static const struct kfs_entry g_mqueue_file = {
    .mode = S_IFREG | 0600,
    .show = show_mqueue_file,
};

static long mqueue_lookup(const struct kfs_ctx *c, const char *name, const struct kfs_entry **entry,
                          struct kfs_ctx *child)
{
    uint64_t ino = ipc_mq_lookup_ino(name);

    (void)c;
    if (ino == 0 || ino > INT32_MAX)
        return -ENOENT;
    *entry = &g_mqueue_file;
    memset(child, 0, sizeof(*child));
    child->fd = (int)ino;
    return 0;
}

static const struct kfs_dyn_dir g_mqueue_dyn = { .list = mqueue_list, .lookup = mqueue_lookup };

static const struct kfs_entry g_mqueue_root = {
    .name = "/",
    .mode = S_IFDIR | S_ISVTX | 0777,
    .children = g_empty,
    .dyn = &g_mqueue_dyn,
};

struct super_block *mqueuefs_new(void)
{
    return kfs_new("mqueue", MQUEUE_MAGIC, &g_mqueue_root);
}

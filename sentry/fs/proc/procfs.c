/* SPDX-License-Identifier: Apache-2.0 */
/* procfs: the root (pids, system files, /proc/sys) and the per-process directories. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <time.h>

#include "sentry/fs/proc/proc_internal.h"
#include "sentry/fs/proc/procfs.h"
#include "sentry/fs/anon/inotify.h"
#include "sentry/net/net.h"

#define PROC_SUPER_MAGIC 0x9fa0

struct kernel *proc_kernel(void)
{
    struct task *t = g_kernel_current_task;

    return t != NULL ? t->k : NULL;
}

/* ---- /proc/self, /proc/thread-self ---- */

static long link_self(const struct kfs_ctx *c, char *buf, size_t size)
{
    struct task *t = g_kernel_current_task;

    (void)c;
    if (t == NULL)
        return -ENOENT;
    /* The reader's pid namespace numbers /proc (kernel_find_tg_locked, kernel_pid_vnr_locked). */
    snprintf(buf, size, "%d", t->tg->ns_pid);
    return 0;
}

static long link_thread_self(const struct kfs_ctx *c, char *buf, size_t size)
{
    struct task *t = g_kernel_current_task;
    int tid;

    (void)c;
    if (t == NULL)
        return -ENOENT;
    pthread_mutex_lock(&t->k->mu);
    tid = t->ns_tid;
    pthread_mutex_unlock(&t->k->mu);
    snprintf(buf, size, "%d/task/%d", t->tg->ns_pid, tid);
    return 0;
}

static long link_mounts(const struct kfs_ctx *c, char *buf, size_t size)
{
    (void)c;
    snprintf(buf, size, "self/mounts");
    return 0;
}

/* ---- system-wide files ---- */

static long show_meminfo(const struct kfs_ctx *c, FILE *out)
{
    struct sysinfo si;
    unsigned long unit, total, free_kb, buffers;

    (void)c;
    if (sysinfo(&si) < 0)
        return -errno;
    unit = si.mem_unit != 0 ? si.mem_unit : 1;
    total = si.totalram * unit / 1024;
    free_kb = si.freeram * unit / 1024;
    buffers = si.bufferram * unit / 1024;
    fprintf(out,
            "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
            "Buffers:        %8lu kB\nCached:         %8lu kB\nSwapCached:     %8lu kB\n"
            "Active:         %8lu kB\nInactive:       %8lu kB\nSwapTotal:      %8lu kB\n"
            "SwapFree:       %8lu kB\nDirty:          %8lu kB\nWriteback:      %8lu kB\n"
            "AnonPages:      %8lu kB\nMapped:         %8lu kB\nShmem:          %8lu kB\n"
            "CommitLimit:    %8lu kB\nCommitted_AS:   %8lu kB\n",
            total, free_kb, free_kb, buffers, 0UL, 0UL, total - free_kb, 0UL, 0UL, 0UL, 0UL, 0UL,
            total - free_kb, 0UL, 0UL, total, total - free_kb);
    return 0;
}

static long show_cpuinfo(const struct kfs_ctx *c, FILE *out)
{
    struct kernel *k = proc_kernel();
    unsigned int n = k != NULL && k->nr_cpus > 0 ? k->nr_cpus : 1;

    (void)c;
    for (unsigned int i = 0; i < n; i++) {
        fprintf(out,
                "processor\t: %u\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"
                "model name\t: runsc-c virtual CPU\nstepping\t: 7\ncpu MHz\t\t: 2000.000\n"
                "cache size\t: 32768 KB\nphysical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\n"
                "cpu cores\t: %u\napicid\t\t: %u\nfpu\t\t: yes\nfpu_exception\t: yes\n"
                "cpuid level\t: 13\nwp\t\t: yes\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 "
                "apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx "
                "lm constant_tsc rep_good nopl xtopology nonstop_tsc pni pclmulqdq ssse3 fma cx16 "
                "sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm "
                "abm avx2 bmi1 bmi2\nbogomips\t: 4000.00\nclflush size\t: 64\n"
                "cache_alignment\t: 64\naddress sizes\t: 46 bits physical, 48 bits virtual\n\n",
                i, n, i, n, i);
    }
    return 0;
}

static void uptime_of(struct timespec *ts)
{
    clock_gettime(CLOCK_BOOTTIME, ts);
}

static long show_uptime(const struct kfs_ctx *c, FILE *out)
{
    struct timespec up;

    (void)c;
    uptime_of(&up);
    fprintf(out, "%ld.%02ld %ld.%02ld\n", (long)up.tv_sec, up.tv_nsec / 10000000L, (long)up.tv_sec,
            up.tv_nsec / 10000000L);
    return 0;
}

static long show_loadavg(const struct kfs_ctx *c, FILE *out)
{
    struct kernel *k = proc_kernel();
    int running = 1, total = 0, last = 0;

    (void)c;
    if (k != NULL) {
        struct klist *pos;

        pthread_mutex_lock(&k->mu);
        klist_for_each(pos, &k->tasks)
        {
            total++;
        }
        last = k->next_pid > 1 ? k->next_pid - 1 : 1;
        pthread_mutex_unlock(&k->mu);
    }
    fprintf(out, "0.00 0.00 0.00 %d/%d %d\n", running, total, last);
    return 0;
}

static long show_stat(const struct kfs_ctx *c, FILE *out)
{
    struct kernel *k = proc_kernel();
    unsigned int n = k != NULL && k->nr_cpus > 0 ? k->nr_cpus : 1;
    struct timespec now, up;
    int procs = 0;

    (void)c;
    clock_gettime(CLOCK_REALTIME, &now);
    uptime_of(&up);
    fprintf(out, "cpu  0 0 0 0 0 0 0 0 0 0\n");
    for (unsigned int i = 0; i < n; i++)
        fprintf(out, "cpu%u 0 0 0 0 0 0 0 0 0 0\n", i);
    if (k != NULL) {
        struct klist *pos;

        pthread_mutex_lock(&k->mu);
        klist_for_each(pos, &k->tasks)
        {
            procs++;
        }
        pthread_mutex_unlock(&k->mu);
    }
    fprintf(out,
            "intr 0\nctxt 0\nbtime %ld\nprocesses %d\nprocs_running 1\nprocs_blocked 0\n"
            "softirq 0 0 0 0 0 0 0 0 0 0 0\n",
            (long)(now.tv_sec - up.tv_sec), procs);
    return 0;
}

static long show_version(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    fprintf(out, "%s version %s (root@runsc-c) (gcc) %s\n", KERNEL_UNAME_SYSNAME,
            KERNEL_UNAME_RELEASE, KERNEL_UNAME_VERSION);
    return 0;
}

static long show_filesystems(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    fprintf(out, "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\nnodev\tdevpts\n"
                 "nodev\tpipefs\nnodev\tsockfs\nnodev\t9p\n");
    return 0;
}

/* ---- /proc/sys ---- */

#define SHOW_STR(fn, str)                              \
    static long fn(const struct kfs_ctx *c, FILE *out) \
    {                                                  \
        (void)c;                                       \
        fputs(str, out);                               \
        return 0;                                      \
    }

#define SHOW_INT(fn, val)                              \
    static long fn(const struct kfs_ctx *c, FILE *out) \
    {                                                  \
        (void)c;                                       \
        fprintf(out, "%ld\n", (long)(val));            \
        return 0;                                      \
    }

SHOW_STR(show_ostype, KERNEL_UNAME_SYSNAME "\n")
SHOW_STR(show_osrelease, KERNEL_UNAME_RELEASE "\n")
SHOW_STR(show_overcommit, "0\n")
SHOW_STR(show_file_max, "9223372036854775807\n")
SHOW_STR(show_nr_open, "1048576\n")
SHOW_STR(show_ngroups_max, "65536\n")
SHOW_STR(show_cap_last_cap, "40\n")

static long show_pid_max(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    fprintf(out, "%d\n", KERNEL_PID_MAX);
    return 0;
}

static long show_hostname(const struct kfs_ctx *c, FILE *out)
{
    struct kernel *k = proc_kernel();

    (void)c;
    if (k == NULL)
        return -ENOENT;
    pthread_mutex_lock(&k->mu);
    fprintf(out, "%s\n", k->hostname);
    pthread_mutex_unlock(&k->mu);
    return 0;
}

static void uuid_out(const uint8_t b[16], FILE *out)
{
    fprintf(out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n", b[0],
            b[1], b[2], b[3], b[4], b[5], (b[6] & 0x0f) | 0x40, b[7], (b[8] & 0x3f) | 0x80, b[9],
            b[10], b[11], b[12], b[13], b[14], b[15]);
}

static long show_uuid(const struct kfs_ctx *c, FILE *out)
{
    uint8_t b[16];

    (void)c;
    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
        return -EIO;
    uuid_out(b, out);
    return 0;
}

/* The boot id: chosen once per sentry. */
static pthread_once_t g_boot_id_once = PTHREAD_ONCE_INIT;
static uint8_t g_boot_id[16];

static void boot_id_init(void)
{
    if (getrandom(g_boot_id, sizeof(g_boot_id), 0) != (ssize_t)sizeof(g_boot_id))
        memset(g_boot_id, 0x42, sizeof(g_boot_id));
}

static long show_boot_id(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    pthread_once(&g_boot_id_once, boot_id_init);
    uuid_out(g_boot_id, out);
    return 0;
}

#define RO(n, fn)                                         \
    {                                                     \
        .name = (n), .mode = S_IFREG | 0444, .show = (fn) \
    }
#define RW(n, fn)                                         \
    {                                                     \
        .name = (n), .mode = S_IFREG | 0644, .show = (fn) \
    }
#define SYS_RO(n, fn)                                                     \
    {                                                                     \
        .name = (n), .mode = S_IFREG | 0444, .show = (fn), .sysctl = true \
    }
#define SYS_RW(n, fn)                                                     \
    {                                                                     \
        .name = (n), .mode = S_IFREG | 0644, .show = (fn), .sysctl = true \
    }
#define DIR(n, tbl)                                            \
    {                                                          \
        .name = (n), .mode = S_IFDIR | 0555, .children = (tbl) \
    }

static const struct kfs_entry g_sys_kernel_random[] = {
    SYS_RO("boot_id", show_boot_id),
    SYS_RO("uuid", show_uuid),
    { .name = NULL },
};

static const struct kfs_entry g_sys_kernel[] = {
    SYS_RO("ostype", show_ostype),
    SYS_RO("osrelease", show_osrelease),
    SYS_RW("hostname", show_hostname),
    SYS_RW("pid_max", show_pid_max),
    SYS_RO("ngroups_max", show_ngroups_max),
    SYS_RO("cap_last_cap", show_cap_last_cap),
    DIR("random", g_sys_kernel_random),
    SYS_RW("sem", proc_show_sysctl_sem),
    SYS_RW("msgmax", proc_show_sysctl_msgmax),
    SYS_RW("msgmnb", proc_show_sysctl_msgmnb),
    SYS_RW("msgmni", proc_show_sysctl_msgmni),
    SYS_RW("shmmax", proc_show_sysctl_shmmax),
    SYS_RW("shmall", proc_show_sysctl_shmall),
    SYS_RW("shmmni", proc_show_sysctl_shmmni),
    { .name = NULL },
};

static const struct kfs_entry g_sys_vm[] = {
    SYS_RW("overcommit_memory", show_overcommit),
    { .name = NULL },
};

SHOW_INT(show_inotify_max_queued_events, INOTIFY_MAX_QUEUED_EVENTS)
SHOW_INT(show_inotify_max_user_instances, INOTIFY_MAX_USER_INSTANCES)
SHOW_INT(show_inotify_max_user_watches, INOTIFY_MAX_USER_WATCHES)

static const struct kfs_entry g_sys_fs_inotify[] = {
    SYS_RW("max_queued_events", show_inotify_max_queued_events),
    SYS_RW("max_user_instances", show_inotify_max_user_instances),
    SYS_RW("max_user_watches", show_inotify_max_user_watches),
    { .name = NULL },
};

static const struct kfs_entry g_sys_fs[] = {
    SYS_RW("file-max", show_file_max),
    SYS_RW("nr_open", show_nr_open),
    DIR("inotify", g_sys_fs_inotify),
    DIR("mqueue", g_proc_sys_fs_mqueue),
    { .name = NULL },
};

/*
 * /proc/sys/net: the values the sandbox's sockets follow. Unix sockets are the
 * sentry's own (sentry/net/net.h's NET_*); inet sockets are host sockets in the
 * sandbox's fresh network namespace, which starts with Linux's defaults.
 */
SHOW_INT(show_wmem_max, NET_WMEM_MAX)
SHOW_INT(show_wmem_default, NET_WMEM_DEFAULT)
SHOW_INT(show_rmem_max, NET_WMEM_MAX)
SHOW_INT(show_rmem_default, NET_WMEM_DEFAULT)
SHOW_INT(show_somaxconn, NET_SOMAXCONN)
SHOW_INT(show_max_dgram_qlen, NET_MAX_DGRAM_QLEN)
SHOW_STR(show_ip_local_port_range, "32768\t60999\n")
SHOW_INT(show_ip_default_ttl, 64)
/* A new network namespace disables ping sockets for every group ("1 0"). */
SHOW_STR(show_ping_group_range, "1\t0\n")
SHOW_INT(show_ip_unprivileged_port_start, 1024)
SHOW_INT(show_tcp_keepalive_time, 7200)
SHOW_INT(show_tcp_keepalive_intvl, 75)
SHOW_INT(show_tcp_keepalive_probes, 9)
SHOW_INT(show_bindv6only, 0)

static const struct kfs_entry g_sys_net_core[] = {
    SYS_RW("rmem_default", show_rmem_default), SYS_RW("rmem_max", show_rmem_max),
    SYS_RW("somaxconn", show_somaxconn),       SYS_RW("wmem_default", show_wmem_default),
    SYS_RW("wmem_max", show_wmem_max),         { .name = NULL },
};

static const struct kfs_entry g_sys_net_unix[] = {
    SYS_RW("max_dgram_qlen", show_max_dgram_qlen),
    { .name = NULL },
};

static const struct kfs_entry g_sys_net_ipv4[] = {
    SYS_RW("ip_default_ttl", show_ip_default_ttl),
    SYS_RW("ip_local_port_range", show_ip_local_port_range),
    SYS_RW("ip_unprivileged_port_start", show_ip_unprivileged_port_start),
    SYS_RW("ping_group_range", show_ping_group_range),
    SYS_RW("tcp_keepalive_intvl", show_tcp_keepalive_intvl),
    SYS_RW("tcp_keepalive_probes", show_tcp_keepalive_probes),
    SYS_RW("tcp_keepalive_time", show_tcp_keepalive_time),
    { .name = NULL },
};

static const struct kfs_entry g_sys_net_ipv6[] = {
    SYS_RW("bindv6only", show_bindv6only),
    { .name = NULL },
};

static const struct kfs_entry g_sys_net[] = {
    DIR("core", g_sys_net_core),
    DIR("ipv4", g_sys_net_ipv4),
    DIR("ipv6", g_sys_net_ipv6),
    DIR("unix", g_sys_net_unix),
    { .name = NULL },
};

static const struct kfs_entry g_sys[] = {
    DIR("kernel", g_sys_kernel), DIR("vm", g_sys_vm), DIR("fs", g_sys_fs),
    DIR("net", g_sys_net),       { .name = NULL },
};

/* ---- the root: pids ---- */

static bool is_number(const char *s, int *out)
{
    long v = 0;

    if (*s == '\0' || (*s == '0' && s[1] != '\0'))
        return false;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > KERNEL_PID_MAX)
            return false;
        v = v * 10 + (*p - '0');
    }
    *out = (int)v;
    return true;
}

static long root_list(const struct kfs_ctx *c, kfs_emit_fn emit, void *arg)
{
    struct kernel *k = proc_kernel();
    int *pids = NULL, n = 0, cap = 0;
    struct klist *pos;

    (void)c;
    if (k == NULL)
        return 0;
    pthread_mutex_lock(&k->mu);
    klist_for_each(pos, &k->tgs)
    {
        struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);
        int nr = kernel_pid_vnr_locked(k, tg->pid);

        if (nr == 0)
            continue; /* outside the reader's pid namespace */
        if (n == cap) {
            int *np = realloc(pids, (size_t)(cap = cap ? cap * 2 : 64) * sizeof(*pids));

            if (np == NULL)
                break;
            pids = np;
        }
        pids[n++] = nr;
    }
    pthread_mutex_unlock(&k->mu);
    for (int i = 0; i < n; i++) {
        char name[16];

        snprintf(name, sizeof(name), "%d", pids[i]);
        if (!emit(arg, name, 4 /* DT_DIR */))
            break;
    }
    free(pids);
    return 0;
}

static long root_lookup(const struct kfs_ctx *c, const char *name, const struct kfs_entry **entry,
                        struct kfs_ctx *child)
{
    struct kernel *k = proc_kernel();
    bool found;
    int pid;

    (void)c;
    if (k == NULL || !is_number(name, &pid))
        return -ENOENT;
    pthread_mutex_lock(&k->mu);
    found = kernel_find_tg_locked(k, pid) != NULL;
    pthread_mutex_unlock(&k->mu);
    if (!found)
        return -ENOENT;
    *entry = &g_proc_pid_dir;
    child->pid = pid;
    child->tid = 0;
    child->fd = -1;
    return 0;
}

static const struct kfs_dyn_dir g_root_dyn = { .list = root_list, .lookup = root_lookup };

static const struct kfs_entry g_root_entries[] = {
    { .name = "self", .mode = S_IFLNK | 0777, .link = link_self },
    { .name = "thread-self", .mode = S_IFLNK | 0777, .link = link_thread_self },
    { .name = "mounts", .mode = S_IFLNK | 0777, .link = link_mounts },
    RO("meminfo", show_meminfo),
    RO("cpuinfo", show_cpuinfo),
    RO("stat", show_stat),
    RO("uptime", show_uptime),
    RO("loadavg", show_loadavg),
    RO("version", show_version),
    RO("filesystems", show_filesystems),
    DIR("sys", g_sys),
    DIR("net", g_proc_net_entries),
    DIR("sysvipc", g_proc_sysvipc_entries),
    { .name = NULL },
};

static const struct kfs_entry g_proc_root = {
    .name = "/",
    .mode = S_IFDIR | 0555,
    .children = g_root_entries,
    .dyn = &g_root_dyn,
};

struct super_block *procfs_new(void)
{
    return kfs_new("proc", PROC_SUPER_MAGIC, &g_proc_root);
}

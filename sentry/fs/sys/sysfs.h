/* SPDX-License-Identifier: Apache-2.0 */
/* The sandbox's sysfs, its cgroup file system and the mqueue file system's mount. */
#pragma once

#include <stdint.h>

struct mount_ns;
struct super_block;

/*
 * Makes a new super block for a mount of file system `type` with the
 * comma-separated `data` options (NULL: none): tmpfs (its size=, nr_inodes=,
 * mode=, uid=, gid=), proc, sysfs, devpts, mqueue, cgroup and cgroup2 (the
 * one cgroup2 view of `ns` when it has one, else a view without limits).
 * Returns 0 with `*out` (one reference), -ENODEV for any other type (the
 * host's file systems are never mounted), -EINVAL for an option the type
 * does not take, or -ENOMEM.
 */
long sysfs_fs_new(const char *type, const char *data, struct mount_ns *ns,
                  struct super_block **out);

/*
 * Creates a sysfs instance: /sys/devices/system/cpu/{online,possible,
 * present,kernel_max,cpuN/online}, /sys/class/net/<if>/{address,carrier,
 * flags,ifindex,mtu,operstate,type} of the sandbox's interfaces, the empty
 * /sys/fs/cgroup mount point, /sys/kernel/mm/transparent_hugepage/
 * {enabled,defrag} and empty block, bus, dev, firmware, module
 * directories. Read-only; the CPU count is the sandbox kernel's. Returns
 * the super block (one reference) or NULL on OOM.
 */
struct super_block *sysfs_new(void);

/*
 * Creates an mqueue file system instance for a mount (type "mqueue"): a
 * directory listing the POSIX queues of the reader's IPC namespace, each a
 * file whose read shows its status line (sentry/ipc/mqueue.c); queues are
 * made and removed with mq_open / mq_unlink only. NULL on OOM.
 */
struct super_block *mqueuefs_new(void);

/* What a container's cgroup view shows: its limits (-1: none, "max"). */
struct cgroupfs_limits {
    int64_t memory_max;            /* memory.max, bytes */
    int64_t memory_swap_max;       /* memory.swap.max, bytes */
    int64_t cpu_quota, cpu_period; /* cpu.max, microseconds; quota -1: max */
    uint64_t cpu_weight;           /* cpu.weight; 0: the default 100 */
    int64_t pids_max;              /* pids.max when the reader has no sentry pids limit */
};

/*
 * Creates a read-only cgroup2 view of one container (the spec's cgroup and
 * cgroup2 mounts, both shown as cgroup2, matching /proc/self/cgroup's
 * "0::/"), as gVisor's cgroupfs does: cgroup.controllers, cgroup.procs
 * (the reader's pid namespace's processes), cgroup.subtree_control,
 * cgroup.type, memory.max, memory.swap.max, cpu.max, cpu.weight, pids.max
 * and pids.current (the sentry's count of the reader's container). Usage
 * counters the sentry does not keep (memory.current, cpu.stat) are absent.
 * Returns the super block (one reference) or NULL on OOM.
 */
struct super_block *cgroupfs_new(const struct cgroupfs_limits *l);

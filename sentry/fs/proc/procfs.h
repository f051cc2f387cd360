/* SPDX-License-Identifier: Apache-2.0 */
/* procfs: the sandbox's /proc, synthesized from the sentry kernel's own state. */
#pragma once

struct super_block;

/* Creates a procfs instance. Returns the super block (one reference) or NULL on OOM. */
struct super_block *procfs_new(void);

/*
 * Hands procfs open host files of the sandbox's network namespace, taken by
 * boot before the seccomp filter (which allows no open): /proc/self/net/snmp
 * and /proc/self/net/netstat, re-read with pread for each read of
 * /proc/net/snmp and /proc/net/netstat. Ownership passes (-1: none; the file
 * is then absent, ENOENT).
 */
void procfs_set_net_counters(int snmp_fd, int netstat_fd);

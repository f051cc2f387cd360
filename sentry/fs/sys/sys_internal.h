/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations shared inside sentry/fs/sys. */
#pragma once

#include "sentry/fs/proc/kernfs.h"

/* /sys/class/net: one directory per network interface of the sandbox (net.c). */
extern const struct kfs_dyn_dir g_sys_class_net_dyn;

/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the file-family handlers (sys_file.c, sys_open.c, sys_stat.c, sys_dir.c ...).
 */
#pragma once

#include <limits.h>

#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"

static inline void sys_put_filep(struct file **f)
{
    put_file(*f);
}
#define cleanup_file_ref __attribute__((cleanup(sys_put_filep)))

/*
 * Copies in a path argument of at most PATH_MAX bytes into `buf` (PATH_MAX
 * bytes). Returns its length, or -EFAULT, -ENAMETOOLONG, or -ENOENT for an
 * empty path (unless `empty_ok`).
 */
static inline long sys_copy_in_path(struct task *t, uint64_t addr, char *buf, bool empty_ok)
{
    long n = task_copy_in_string(t, addr, buf, PATH_MAX);

    if (n == 0 && !empty_ok)
        return -ENOENT;
    return n;
}

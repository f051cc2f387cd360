/* SPDX-License-Identifier: Apache-2.0 */
/* devfs: the sandbox's /dev (null, zero, full, random, urandom, tty, fd links, shm, pts). */
#pragma once

#include <stdbool.h>

struct file;
struct super_block;

/* Creates a devfs instance. Returns the super block (one reference) or NULL on OOM. */
struct super_block *devfs_new(void);

/* Returns true when `f` is an open /dev/zero (whose mmap is anonymous memory). */
bool devfs_is_zero(const struct file *f);

/* SPDX-License-Identifier: Apache-2.0 */
/* tmpfs: a memory file system whose file data lives in sentry-owned memfds. */
#pragma once

#include <stdint.h>

struct super_block;

/*
 * Creates a tmpfs instance whose root directory has `mode` (permission bits)
 * and owner uid/gid. Returns the super block (one reference) or NULL on OOM.
 */
struct super_block *tmpfs_new(uint32_t mode, uint32_t uid, uint32_t gid);

/* SPDX-License-Identifier: Apache-2.0 */
/* procfs: the sandbox's /proc, synthesized from the sentry kernel's own state. */
#pragma once

struct super_block;

/* Creates a procfs instance. Returns the super block (one reference) or NULL on OOM. */
struct super_block *procfs_new(void);

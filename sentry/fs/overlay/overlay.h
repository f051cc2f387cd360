/* SPDX-License-Identifier: Apache-2.0 */
/* overlay: a writable view of a read-only lower tree (the gofer's rootfs) over a sentry tmpfs. */
#pragma once

struct super_block;

/*
 * Creates an overlay whose lower layer is `lower` (never written) and whose
 * upper layer is `upper` (a tmpfs that starts empty; its root takes the
 * lower root's mode and owner). New references are taken on both. Returns
 * the overlay's super block (one reference) or NULL on OOM.
 *
 * Semantics follow Linux's overlayfs without redirect_dir, index or xino:
 * - lookups and readdir merge upper over lower; a name removed from a lower
 *   directory is hidden by a whiteout, and a directory made in the upper
 *   layer is opaque (the lower directory of the same path does not show);
 * - a file or directory is copied up (data through the lower file's ops into
 *   a tmpfs memfd, mode, owner, times; directories without their entries,
 *   which stay merged; symlinks; device nodes and FIFOs) before it is
 *   opened for writing, truncated, changed by setattr, linked or renamed;
 * - renaming a directory that has a lower part fails with EXDEV (callers
 *   such as mv fall back to copying);
 * - whiteouts and opaque markers live in the overlay's own tables, keyed by
 *   the upper directory: nothing in either layer shows them;
 * - extended attributes are read from the layer that holds the file; a
 *   change copies the file up first, and copy-up takes every attribute
 *   along; names under "trusted.overlay." are the overlay's own on Linux:
 *   they are never listed, and getting or setting one is EOPNOTSUPP;
 * - st_dev is the overlay's; st_ino is the lower file's (kept across
 *   copy-up), or the upper file's plus 2^47 for files that only exist in
 *   the upper layer. Hard links of one lower file are separate files once
 *   one of them is copied up (as without overlayfs's index feature). An fd
 *   opened read-only before a copy-up keeps reading the lower file.
 */
struct super_block *overlay_new(struct super_block *lower, struct super_block *upper);

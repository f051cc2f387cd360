/* SPDX-License-Identifier: Apache-2.0 */
/* The gofer client file system: files served by a `runsc-c gofer` over a unix socket. */
#pragma once

struct super_block;

/*
 * Attaches to the gofer at the other end of `sock_fd` (owned by the file
 * system from now on, also on failure) and returns a super block whose root
 * is the served tree, or NULL with `*errnum` set (EIO when the gofer does not
 * answer). Every reply is validated as hostile; a gofer that dies makes file
 * operations fail with EIO.
 */
struct super_block *goferfs_new(int sock_fd, int *errnum);

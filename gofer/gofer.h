/* SPDX-License-Identifier: Apache-2.0 */
/* The gofer: a per-container file proxy serving its rootfs and bind mounts to the sentry. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/* Fids one connection may hold at once; one more is refused with EMFILE. */
#define GOFER_MAX_FIDS_DEFAULT 65536
/* The largest request frame the gofer reads (a Setxattr of XATTR_SIZE_MAX plus headers). */
#define GOFER_REQUEST_FRAME_MAX (128u << 10)

/* ---- one connection (gofer/server.c) ---- */

struct gofer_conn_config {
    int sock_fd;        /* a connected unix stream socket; owned by the connection */
    int root_fd;        /* the mount's root directory (O_PATH is enough); not owned */
    bool readonly;      /* every mutation is refused with EROFS */
    const char *fd_dir; /* where our own descriptors appear as magic links: "/proc/self/fd"
                           before the gofer's pivot_root, "/fd" after; not owned */
    size_t max_fids;    /* 0: GOFER_MAX_FIDS_DEFAULT */
};

/*
 * Serves one connection on the calling thread until the peer closes it (or a
 * frame cannot be read or written, which ends the connection: the stream is
 * out of step). Each request gets one reply, in order; a request the codec
 * refuses gets an error reply with its errno. Every fid the connection still
 * holds is closed on return, and so is cfg->sock_fd.
 * Returns 0 after a clean close by the peer, or < 0 with *err.
 */
int gofer_conn_serve(const struct gofer_conn_config *cfg, rt_error_t *err);

/* ---- the seccomp filter (gofer/filter.c) ---- */

/*
 * Installs the gofer's allowlist on every thread of the process; anything
 * else kills the process (with `trap`, a SIGSYS handler names the syscall on
 * the log first). no_new_privs must be set. Returns 0 or < 0 with *err.
 */
int gofer_filter_install(bool trap, rt_error_t *err);

/* Writes the filter's BPF program to `fd`. Returns 0 or < 0 with *err. */
int gofer_filter_export(int fd, rt_error_t *err);

/* The number of rules in the allowlist. */
size_t gofer_filter_rule_count(void);

/* ---- the gofer process (gofer/gofer.c) ---- */

/*
 * `runsc-c gofer --sock-fd=N --root-fd=N [--readonly] [--mount-fds=SOCK,DIR[,ro]]...
 * [--sync-fd=N] [--log-fd=N] [--debug]`: serves the rootfs (root-fd, an fd of
 * its directory, on sock-fd) and each bind mount (DIR on SOCK) to the
 * sentry. The spawner must leave the gofer in its own mount namespace (no
 * CLONE_NEWNS: the gofer unshares one itself, after cloning the served trees)
 * with CAP_SYS_ADMIN for that setup. gofer/gofer.c lists the setup steps;
 * readiness (or the setup error) is reported on the sync fd. Returns 0 once
 * every connection was closed by the sentry, or < 0 with *err.
 */
int gofer_main(int argc, char **argv, rt_error_t *err);

/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the sandbox: the control-socket server, the sentry's seccomp filter and `runsc-c boot`. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "proto/control_codec.h"

/* ---- control server (boot/control_server.c) ---- */

struct control_server;
/* One client connection, valid for the duration of a handler call. */
struct control_conn;

/*
 * What the sandbox does for each request, one function per kind. Each is
 * called on the connection's own thread, concurrently with the others, with
 * the decoded request (borrowed for the call). A handler returns 0, or < 0
 * with *err, which becomes the error reply (its status, EIO when it has
 * none, and its message). Descriptors: `fds` are in control.proto's order;
 * a handler that keeps one sets its slot to -1 (take_fd), the server closes
 * the rest. A NULL handler answers ENOSYS "<kind>: not yet supported by this
 * sandbox".
 */
struct control_handlers {
    void *ctx; /* passed to every handler; not owned */
    int (*create)(void *ctx, const struct control_create *c, int *fds, size_t nfds,
                  rt_error_t *err);
    int (*start)(void *ctx, const char *container_id, rt_error_t *err);
    /* On success *pid is the sandbox-internal pid (> 0). */
    int (*exec)(void *ctx, const struct control_exec *e, int *fds, size_t nfds, int32_t *pid,
                rt_error_t *err);
    /*
     * Long-lived: blocks until the process exits (*wait_status as waitpid(2)
     * encodes it). It must give up when the client goes away: block in
     * control_conn_wait rather than on the exit event alone.
     */
    int (*wait)(void *ctx, struct control_conn *conn, const struct control_wait *w,
                int32_t *wait_status, rt_error_t *err);
    int (*signal)(void *ctx, const struct control_signal *s, rt_error_t *err);
    int (*pause)(void *ctx, rt_error_t *err);
    int (*resume)(void *ctx, rt_error_t *err);
    /* On success *v (n entries, heap strings) is owned by the server. */
    int (*processes)(void *ctx, const char *container_id, struct control_process_info **v,
                     size_t *n, rt_error_t *err);
    int (*stats)(void *ctx, const char *container_id, struct control_stats *out, rt_error_t *err);
    /* fds[0] is the image, open for writing. */
    int (*checkpoint)(void *ctx, const struct control_checkpoint *c, int *fds, size_t nfds,
                      rt_error_t *err);
    /* fds[0] is the image, then the fds of `c` as for create. */
    int (*restore)(void *ctx, const struct control_create *c, int *fds, size_t nfds,
                   rt_error_t *err);
    int (*destroy)(void *ctx, const char *container_id, rt_error_t *err);
    /* New limits (`runsc-c update`): the pids limit goes to the sentry. */
    int (*update)(void *ctx, const struct control_update *u, rt_error_t *err);
    /*
     * Called before the reply; returning 0 makes the server answer success,
     * stop accepting, and control_server_run return 0. NULL: shutdown is
     * accepted with nothing else done.
     */
    int (*shutdown)(void *ctx, rt_error_t *err);
};

#define CONTROL_SERVER_MAX_CONNS_DEFAULT  64
#define CONTROL_SERVER_IO_TIMEOUT_DEFAULT 30000 /* ms to read a request or send a reply */

struct control_server_config {
    int listen_fd;      /* a listening unix stream socket; owned by the server once created */
    uid_t owner_uid;    /* peers with this uid (or root) are served; others get EACCES */
    unsigned max_conns; /* connections served at once; 0: CONTROL_SERVER_MAX_CONNS_DEFAULT */
    int io_timeout_ms;  /* 0: CONTROL_SERVER_IO_TIMEOUT_DEFAULT */
    const struct control_handlers *handlers; /* not owned; must outlive the server */
};

/*
 * Creates a server for `cfg` (which is copied; listen_fd is owned by the
 * server even on failure). *out is owned by the caller (control_server_free).
 * Returns 0 or < 0 with *err.
 */
int control_server_new(const struct control_server_config *cfg, struct control_server **out,
                       rt_error_t *err);

/*
 * Accepts and serves connections, one thread each, until a shutdown request
 * was answered or control_server_stop was called. A connection over the
 * limit is answered EAGAIN at once (so that pending Waits never starve a
 * Signal of a thread). Returns 0, or < 0 with *err when accepting fails
 * beyond retrying.
 */
int control_server_run(struct control_server *s, rt_error_t *err);

/* Makes control_server_run return soon. Thread-safe and async-signal-safe. */
void control_server_stop(struct control_server *s);

/*
 * Stops the server, shuts down every open connection (so that handlers
 * blocked in control_conn_wait return), waits for the connection threads to
 * finish and frees everything. Call after control_server_run returned (or
 * was never called). NULL is allowed.
 */
void control_server_free(struct control_server *s);

/* Connections being served right now (for tests and logs). */
unsigned control_server_active(struct control_server *s);

/*
 * For long-lived handlers: waits up to `timeout_ms` (< 0: forever) until `fd`
 * is readable. Returns 1 when it is, 0 on timeout, or < 0 with *err
 * (ECONNRESET) when the client closed the connection or the server is
 * stopping, so the handler can give up.
 */
int control_conn_wait(struct control_conn *conn, int fd, int timeout_ms, rt_error_t *err);

/* The client's credentials (from SO_PEERCRED at accept). */
pid_t control_conn_peer_pid(const struct control_conn *conn);
uid_t control_conn_peer_uid(const struct control_conn *conn);

/* ---- the sandbox's containers (boot/containers.c) ---- */

/*
 * Fills the container handlers of `h` (create, start, wait, signal,
 * processes, destroy) with the sandbox's container registry. A Wait for a
 * container's init (pid 0) ties the container to the waiting connection:
 * when the client goes away first, the container is killed (DESIGN.md
 * section 1: the waiter's death kills its container).
 */
void boot_containers_handlers(struct control_handlers *h);

struct sentry;
/* The sentry containers start in (sentry/sentry.h); set once before serving. Not owned. */
void boot_containers_set_sentry(struct sentry *s);
/* --overlay=none: containers write straight into their rootfs through the gofer. Set once. */
void boot_containers_set_no_overlay(bool no_overlay);

/* ---- the sandbox's seccomp filter (boot/filter.c) ---- */

/*
 * Installs the allowlist of boot/filter.c on every thread of the process.
 * Anything else kills the process (the kernel logs an audit record naming
 * the syscall number); with `trap`, a SIGSYS handler prints the number to
 * the log (or stderr) first, for debugging. no_new_privs must already be
 * set (or CAP_SYS_ADMIN held). Returns 0 or < 0 with *err.
 */
int boot_filter_install(bool trap, rt_error_t *err);

/* Writes the filter's BPF program to `fd` (for inspection and tests). Returns 0 or < 0 with *err.
 */
int boot_filter_export(int fd, rt_error_t *err);

/* The number of rules in the allowlist. */
size_t boot_filter_rule_count(void);

/* ---- the sandbox process (boot/boot.c) ---- */

/*
 * `runsc-c boot --spec-fd=N --control-fd=N --sync-fd=N --id=ID [--log-fd=N]
 * [--log-format=text|json] [--debug] [--platform=ptrace|systrap] [--strace]`,
 * started by sandbox_start as pid 1 of
 * new namespaces. Sets the sandbox up (boot/boot.c lists the steps: closing
 * inherited fds, an empty read-only root, capabilities dropped,
 * no_new_privs, the seccomp allowlist), reports ready (or its error) on the
 * sync fd, then serves the control socket until a Shutdown request.
 * Returns 0 after shutdown, or < 0 with *err.
 */
int boot_main(int argc, char **argv, rt_error_t *err);

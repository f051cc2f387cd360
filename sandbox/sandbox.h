/* SPDX-License-Identifier: Apache-2.0 */
/* The host side of a sandbox: starting `runsc-c boot` and talking to its control socket. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/log.h"
#include "proto/control_codec.h"

struct spec;

/* ---- control socket client (sandbox/control_client.c) ---- */

#define CONTROL_SOCKET_NAME     "sandbox.sock" /* in <root>/<sandbox-id>/ */
#define CONTROL_CALL_TIMEOUT_MS 60000          /* for every request but Wait */

/*
 * Creates the control socket at `path` (mode 0600 from the start, never
 * wider) and listens on it. A path longer than sun_path is reached through
 * its directory. An existing file at `path` is EADDRINUSE. Returns the
 * listening fd (close-on-exec, owned by the caller) or < 0 with *err.
 */
int control_listen(const char *path, rt_error_t *err);

/*
 * Connects to the control socket at `path`, waiting at most `timeout_ms`
 * (<= 0: no limit) when the server's backlog is full; the same timeout is
 * left on the socket for sends and receives. Returns the fd (owned by the
 * caller) or < 0 with *err.
 */
int control_connect(const char *path, int timeout_ms, rt_error_t *err);

/*
 * One request/response exchange on a new connection to `socket_path`: sends
 * `req` with the `nfds` descriptors `fds` (still owned by the caller; their
 * number must be control_request_fd_count(req)), and waits for the answer,
 * up to CONTROL_CALL_TIMEOUT_MS except for Wait, which waits as long as the
 * process runs. On success *resp holds the result (owned by the caller,
 * control_response_free). A failure reported by the sandbox is returned as
 * an error with the sandbox's errno and message ("sandbox: ...") and *resp
 * left empty. Returns 0 or < 0 with *err.
 */
int control_call(const char *socket_path, const struct control_request *req, const int *fds,
                 size_t nfds, struct control_response *resp, rt_error_t *err);

/* control_call with an explicit timeout in ms (< 0: none, even to connect). */
int control_call_timeout(const char *socket_path, const struct control_request *req, const int *fds,
                         size_t nfds, int timeout_ms, struct control_response *resp,
                         rt_error_t *err);

/* ---- starting the sandbox process (sandbox/sandbox.c) ---- */

enum sandbox_network {
    SANDBOX_NETWORK_SANDBOX = 0, /* the spec's netns path, or a new netns */
    SANDBOX_NETWORK_NONE,        /* a new netns (loopback only), whatever the spec says */
    SANDBOX_NETWORK_HOST,        /* the caller's netns */
};

struct sandbox_config {
    const char *id;        /* the sandbox id; validated */
    const char *state_dir; /* existing <root>/<sandbox-id>; the control socket goes here */
    const char *exe;       /* the binary to run as `boot`; NULL: /proc/self/exe */
    const char *spec_json; /* the validated config.json, handed over on --spec-fd */
    size_t spec_json_len;
    const struct spec *spec; /* for its namespace paths; NULL: create every namespace */
    enum sandbox_network network;
    int log_fd; /* -1, or a file the sandbox appends its log to (--log-fd); not taken */
    enum rt_log_format log_format;
    bool debug;
    int start_timeout_ms; /* how long to wait for the sandbox to be ready; 0: 30 s */
};

struct sandbox {
    pid_t pid;         /* host pid of the boot process (pid 1 of its pid namespace) */
    int pidfd;         /* owned */
    char *socket_path; /* owned: <state_dir>/sandbox.sock */
};

/*
 * Starts the sandbox process: clone3 into new pid, mount, ipc and uts
 * namespaces (and a new network namespace unless the spec names one to join
 * or the network is the host's), joins the spec's network, ipc and uts
 * namespace paths, and execs `<exe> boot --spec-fd=3 --control-fd=4
 * --sync-fd=5 [--log-fd=6] ...` with every other descriptor closed (stdio
 * is /dev/null). Waits until the sandbox is ready or failed; on failure the
 * child is killed and reaped, the socket removed, and *err carries the
 * child's own message. On success *out is owned by the caller
 * (sandbox_release); the caller (or its subreaper) reaps the process.
 * The caller must be single-threaded (the child runs between clone and exec).
 * Returns 0 or < 0 with *err.
 */
int sandbox_start(const struct sandbox_config *cfg, struct sandbox *out, rt_error_t *err);

/* Frees what `sb` owns (closes the pidfd); the process keeps running. */
void sandbox_release(struct sandbox *sb);

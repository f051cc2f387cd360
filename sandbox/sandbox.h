/* SPDX-License-Identifier: Apache-2.0 */
/* The host side of a sandbox: starting `runsc-c boot` and talking to its control socket. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/log.h"
#include "proto/control_codec.h"

struct spec;
struct spec_resources;

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
    const char *platform; /* --platform for the sentry; NULL: its default */
    bool strace;          /* --strace: the sentry traces the app's syscalls into its log */
    bool no_overlay;      /* --overlay=none: container roots are written on the host */
    int start_timeout_ms; /* how long to wait for the sandbox to be ready; 0: 30 s */
    /*
     * Called with the new process's pid after clone3 and before it may exec
     * (it waits for us in between), so that the caller can record the pid
     * where a cleanup after the caller's crash finds it: if the caller dies
     * first, the child exits without running anything. A failure kills the
     * child. NULL: none.
     */
    int (*on_spawn)(pid_t pid, void *arg, rt_error_t *err);
    void *on_spawn_arg; /* passed to on_spawn; not owned */
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

/* ---- cgroups (sandbox/cgroup.c) ---- */
struct cgroup;

/* Resource usage read from a cgroup; a counter the hierarchy lacks stays 0. */
struct cgroup_stats {
    uint64_t cpu_total_ns, cpu_user_ns, cpu_system_ns;
    uint64_t memory_usage, memory_max_usage, memory_limit; /* bytes; limit 0: none */
    uint64_t pids_current, pids_limit;                     /* limit 0: none */
};

/*
 * One backend. Every op works on the directories of `cg` (one per v1
 * controller, or the single v2 directory) and returns 0 or < 0 with *err.
 */
struct cgroup_ops {
    const char *name; /* "v1" or "v2" */
    /* Creates the directories (and, for v2, enables the controllers in the parents). */
    int (*create)(struct cgroup *cg, rt_error_t *err);
    /* Writes the limits of `r` (memory, cpu, cpuset, pids); absent parts are left alone. */
    int (*apply)(struct cgroup *cg, const struct spec_resources *r, rt_error_t *err);
    /* Moves process `pid` into the cgroup. */
    int (*add_pid)(struct cgroup *cg, pid_t pid, rt_error_t *err);
    int (*stats)(struct cgroup *cg, struct cgroup_stats *out, rt_error_t *err);
    /* Freezes (true) or thaws (false) every process of the cgroup and waits until it is done. */
    int (*freeze)(struct cgroup *cg, bool frozen, rt_error_t *err);
    /* Removes the directories; a missing one is fine. */
    int (*destroy)(struct cgroup *cg, rt_error_t *err);
};

/*
 * The pids.max the host cgroup gets for a spec pids limit (<= 0: none; 0 is
 * returned then, meaning "max"): 2 * limit + headroom, a backstop behind
 * the sentry's own enforcement (see sandbox/cgroup.c).
 */
int64_t cgroup_pids_backstop(int64_t limit);

extern const struct cgroup_ops g_cgroup_v1_ops;
extern const struct cgroup_ops g_cgroup_v2_ops;

/* A v1 hierarchy as found in /proc/self/mountinfo or given by a test. */
#define CGROUP_V1_MAX_CONTROLLERS 8

struct cgroup {
    const struct cgroup_ops *ops; /* Immutable. */
    char *mount_root;             /* owned: "/sys/fs/cgroup" (a test: any directory) */
    char *path;                   /* owned: absolute path inside the hierarchy, "/runsc-c/ID" */
    /* v1 only: which controllers exist (as directories mount_root/<name>). */
    bool has_controller[CGROUP_V1_MAX_CONTROLLERS];
};

/* The v1 controllers runsc-c manages, in the order of cgroup.has_controller. */
extern const char *const g_cgroup_v1_controllers[CGROUP_V1_MAX_CONTROLLERS];

/*
 * Describes the cgroup for `cgroups_path` (the spec's linux.cgroupsPath, or
 * NULL: "runsc-c/<id>") under `mount_root` (NULL: /sys/fs/cgroup). v2 is
 * used when `<mount_root>/cgroup.controllers` exists (a unified host), v1
 * otherwise (legacy and hybrid hosts, like ours). A relative path is placed
 * below the caller's own cgroup (read from /proc/self/cgroup; "/" when not
 * found), as runc does, so that nesting under a supervisor's cgroup holds;
 * an absolute one is taken from the hierarchy root. "systemd" slice syntax
 * ("slice:prefix:name") is refused with ENOTSUP. Nothing is created. *out
 * is owned by the caller (cgroup_free). Returns 0 or < 0 with *err.
 */
int cgroup_open(const char *mount_root, const char *cgroups_path, const char *id,
                struct cgroup **out, rt_error_t *err);

/*
 * The caller's own cgroup (as cgroup_open places relative paths below it),
 * to move back into before removing a cgroup it joined. Returns 0 or < 0
 * with *err.
 */
int cgroup_open_own(struct cgroup **out, rt_error_t *err);

/* Frees `cg` (the cgroup itself stays). NULL is fine. */
void cgroup_free(struct cgroup *cg);

/*
 * Sends SIGKILL to every process of `cg` but the caller and waits (up to 2 s)
 * until none is listed any more: what delete uses to catch processes no
 * state names (those of a create killed half-way). Each pid is pinned with a
 * pidfd and re-checked against cgroup.procs before it is signalled. A
 * missing cgroup is empty. The root cgroup and the ancestors of the
 * caller's own are refused (EPERM): a spec's cgroupsPath may name them.
 * Returns 0, or < 0 (EBUSY, EPERM) with *err.
 */
int cgroup_kill_all(struct cgroup *cg, rt_error_t *err);

/*
 * Converts OCI cpu.shares (2..262144) to a cgroup v2 cpu.weight (1..10000),
 * the formula runc and crun use. 0 stays 0 (unset).
 */
uint64_t cgroup_shares_to_weight(uint64_t shares);

/* ---- OCI hooks (sandbox/hooks.c) ---- */

struct spec_hook_list;

/*
 * Runs every hook of `hooks` in order, as the OCI spec says: `path` with
 * `args` (args[0] is argv[0]) and `env`, the container's state JSON
 * `state_json` on its stdin, stdout and stderr to the log (or /dev/null),
 * killed after its timeout. `what` names the phase ("prestart") in errors.
 * The first hook that fails (non-zero exit, signal, timeout) stops the list.
 * Returns 0 or < 0 with *err.
 */
int hooks_run(const struct spec_hook_list *hooks, const char *what, const char *state_json,
              rt_error_t *err);

/* ---- the gofer process (sandbox/gofer_spawn.c) ---- */

struct gofer_spawn_config {
    const char *exe;    /* the runsc-c binary; NULL: /proc/self/exe */
    const char *rootfs; /* the directory it serves */
    bool readonly;
    int log_fd; /* -1, or a file for the gofer's log; not taken */
    enum rt_log_format log_format;
    bool debug;
};

/*
 * Starts `runsc-c gofer` serving `cfg->rootfs` on one end of a new socket
 * pair, with no descriptor of ours but its named ones, and waits until it is
 * ready. On success *pid is its pid (our child; the caller or its subreaper
 * reaps it) and *sentry_fd the other end of the pair, to hand to the sandbox
 * (owned by the caller). Returns 0 or < 0 with *err (the gofer's own message).
 */
int gofer_spawn(const struct gofer_spawn_config *cfg, pid_t *pid, int *sentry_fd, rt_error_t *err);

/*
 * gofer_spawn, and serves the `n` directories `dirs` (not taken; read-only
 * where ro[i]) as extra trees, one connection each: sentry_fds[0] is the
 * rootfs's, sentry_fds[1 + i] the one of dirs[i] (owned by the caller).
 */
int gofer_spawn_mounts(const struct gofer_spawn_config *cfg, const int *dirs, const bool *ro,
                       size_t n, pid_t *pid_out, int *sentry_fds, rt_error_t *err);

/* ---- the waiter (sandbox/waiter.c) ---- */

struct waiter_config {
    const char *socket_path;  /* the sandbox's control socket */
    const char *container_id; /* the container waited for */
    int32_t pid;              /* 0: the container's init; > 0: an exec'd process */
    const char *status_path;  /* where the exit status is recorded (atomically), or NULL */
};

/*
 * The waiter process's body, run in a child forked by `create` / `exec` /
 * `run` (DESIGN.md section 1): it waits for the process on the control socket
 * (the sandbox ties the process's life to this wait: if the waiter dies, the
 * process is killed), forwards every signal it receives into the sandbox,
 * writes the exit status to `status_path`, and exits with it (128+N when
 * killed by signal N; 255 when the sandbox went away). Never returns.
 */
void __attribute__((noreturn)) waiter_main(const struct waiter_config *cfg);

/* Converts a wait(2) status into a shell-style exit code (128+N for a signal). */
int waiter_exit_code(int wait_status);

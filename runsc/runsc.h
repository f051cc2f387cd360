/* SPDX-License-Identifier: Apache-2.0 */
/* The runsc-c command line: global options and the subcommand entry points. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include <sys/types.h>

#include "common/common.h"

struct cgroup;
struct container_meta;
struct spec_hook_list;

#define RUNSC_VERSION     "0.1.0"
#define RUNSC_OCI_VERSION "1.2.0"

/* Options given before the subcommand. Strings point into argv (not owned). */
struct runsc_global_opts {
    const char *root; /* --root; defaulted by runsc_default_root() */
    const char *log;  /* --log FILE (append mode) */
    enum rt_log_format log_format;
    bool debug;            /* --debug */
    bool systemd_cgroup;   /* --systemd-cgroup (accepted; cgroupfs is used) */
    const char *rootless;  /* --rootless=BOOL|auto */
    const char *debug_log; /* --debug-log DIR/ */
    bool strace;           /* --strace */
    const char *platform;  /* --platform ptrace|systrap */
    const char *network;   /* --network sandbox|none|host */
    const char *overlay;   /* --overlay (default on) or none */
    const char *argv0;     /* path this binary was run as */
};

/*
 * A subcommand. It receives its own argv (argv[0] is the subcommand name),
 * returns 0 on success, a positive exit status to exit with (wait-like
 * commands), or < 0 with `*err` set.
 */
typedef int (*runsc_cmd_fn)(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);

struct runsc_command {
    const char *name;
    runsc_cmd_fn fn;
    const char *args;    /* synopsis after the name, for --help */
    const char *summary; /* one line */
    bool internal;       /* boot, gofer: not listed in help */
};

/* Returns the default state root: /run/runsc-c for root, $XDG_RUNTIME_DIR/runsc-c otherwise. */
const char *runsc_default_root(void);

/* Returns the subcommand named `name`, or NULL. */
const struct runsc_command *runsc_find_command(const char *name);

/* Prints the global usage text (commands and global options) to `out`. */
void runsc_print_usage(FILE *out);

/* Prints the usage of `cmd` (its synopsis and summary) to stdout. */
void runsc_print_command_help(const char *name);

/*
 * Fails with a clear "not supported yet" error for subcommands whose machinery
 * has not landed; still answers --help. Always returns < 0 unless --help.
 */
int runsc_cmd_not_yet(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);

int cmd_spec(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_features(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_do(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_state(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_list(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_delete(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_boot(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_gofer(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_install(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_uninstall(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_create(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_start(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_run(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_kill(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_wait(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_exec(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_ps(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_events(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_update(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_pause(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);
int cmd_resume(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err);

/* ---- shared by the lifecycle commands (runsc/cmd_create.c, cmd_start.c, cmd_kill.c) ---- */

/* create's and run's arguments; strings point into argv. */
struct runsc_create_args {
    const char *id, *bundle, *pid_file, *console_socket;
    int preserve_fds;
    bool detach; /* run only */
    /* run attached: with process.terminal and no console socket, the pty master goes here
     * (the caller's to close) instead of to a socket; NULL otherwise. */
    int *console_master;
    bool help;
};

/* Parses create's (or, with allow_detach, run's) options and the ID. Returns 0 or < 0 with *err. */
int runsc_parse_create_args(const char *cmd, int argc, char **argv, bool allow_detach,
                            struct runsc_create_args *a, rt_error_t *err);

/*
 * Creates the container `a->id`: state, cgroup, gofer, sandbox (or joins the
 * pod's), the container in it, hooks, the waiter (our child, *waiter), the
 * pid file last. On failure everything started is killed and the state
 * removed. Returns 0 or < 0 with *err.
 */
int runsc_create(struct runsc_global_opts *g, const struct runsc_create_args *a, pid_t *waiter,
                 rt_error_t *err);

/* Starts the created container `id` (control Start, poststart hooks). Returns 0 or < 0. */
int runsc_start(struct runsc_global_opts *g, const char *id, rt_error_t *err);

/* Returns a new string "<root>/<id>/<name>" (owned by the caller). */
char *runsc_state_file(const char *root, const char *id, const char *name);

/* Writes `pid` to `path` atomically. Returns 0 or < 0 with *err. */
int runsc_write_pid_file(const char *path, pid_t pid, rt_error_t *err);

/* Opens the cgroup recorded at create for container `id` (*out: cgroup_free). Returns 0 or < 0. */
int runsc_container_cgroup(const char *root, const char *id, struct cgroup **out, rt_error_t *err);

/* Reads the exit code the waiter recorded for `id`. Returns 0, or -1 when there is none. */
int runsc_container_exit_status(const char *root, const char *id, int *code);

/* Runs `hooks` with the state of `m` on stdin; `what` names them. Returns 0 or < 0 with *err. */
int runsc_run_hooks(const struct container_meta *m, const struct spec_hook_list *hooks,
                    const char *what, rt_error_t *err);

/*
 * Opens a pty for process.terminal and stores its replica in *replica
 * (owned by the caller). The master goes to `console_socket`; without one,
 * to *master (owned by the caller) when `master` is not NULL (run and exec
 * attached, as runc does); else it is an error. Returns 0 or < 0 with *err.
 */
int runsc_open_console(const char *console_socket, int *master, int *replica, rt_error_t *err);

/*
 * run / exec attached to a terminal of their own (runsc/console.c): copies
 * stdin to the pty `master` and the master to stdout until `waiter` (our
 * child) exits and the output drained, with stdin's terminal (if any) in
 * raw mode, restored at the end, and its window size (SIGWINCH) followed.
 * Stores the waiter's wait status in *status. Returns 0 or < 0 with *err.
 */
int runsc_console_attach(int master, pid_t waiter, int *status, rt_error_t *err);

/*
 * Forks a waiter (sandbox/waiter.c) for process `pid` (0: the init) of
 * container `id`, which records the exit code in `status_path` (or not, when
 * NULL). When `sandbox_pid` > 0 the waiter joins that process's network
 * namespace, so /proc/<waiter>/ns/net is the container's. Returns its pid (our
 * child) or < 0 with *err.
 */
pid_t runsc_fork_waiter(const char *socket_path, const char *id, int32_t pid,
                        const char *status_path, pid_t sandbox_pid, rt_error_t *err);

/* Parses a signal number or name ("9", "KILL", "SIGKILL", "RTMIN+1"). Returns 0 or < 0 with *err.
 */
int runsc_parse_signal(const char *s, int *signo, rt_error_t *err);

/*
 * Loads container `arg` (an id or unique prefix) into *m (container_meta_free)
 * and checks its status is one of `allowed` (a bit mask of 1 << status);
 * `what` names the command in errors. Returns 0 or < 0 with *err.
 */
int runsc_load_container(const char *root, const char *arg, unsigned allowed, const char *what,
                         struct container_meta **m, rt_error_t *err);

/* SPDX-License-Identifier: Apache-2.0 */
/* The runsc-c command line: global options and the subcommand entry points. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "common/common.h"

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

/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c's entry point: global flags, the subcommand table and error reporting. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runsc/runsc.h"

static void print_version(void)
{
    printf("runsc-c version %s\nspec: %s\n", RUNSC_VERSION, RUNSC_OCI_VERSION);
}

enum {
    OPT_ROOT = 256,
    OPT_LOG,
    OPT_LOG_FORMAT,
    OPT_LOG_LEVEL,
    OPT_DEBUG,
    OPT_SYSTEMD_CGROUP,
    OPT_ROOTLESS,
    OPT_CRIU,
    OPT_DEBUG_LOG,
    OPT_STRACE,
    OPT_PLATFORM,
    OPT_NETWORK,
    OPT_OVERLAY,
    OPT_VERSION,
    OPT_HELP,
};

static const struct option g_global_options[] = {
    { "root", required_argument, NULL, OPT_ROOT },
    { "log", required_argument, NULL, OPT_LOG },
    { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
    { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
    { "debug", no_argument, NULL, OPT_DEBUG },
    { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
    { "rootless", required_argument, NULL, OPT_ROOTLESS },
    { "criu", required_argument, NULL, OPT_CRIU },
    { "debug-log", required_argument, NULL, OPT_DEBUG_LOG },
    { "strace", no_argument, NULL, OPT_STRACE },
    { "platform", required_argument, NULL, OPT_PLATFORM },
    { "network", required_argument, NULL, OPT_NETWORK },
    { "overlay", optional_argument, NULL, OPT_OVERLAY },
    { "version", no_argument, NULL, OPT_VERSION },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
};

/* Returns the index of the subcommand in argv, 0 after --version/--help, or < 0. */
static int parse_global_options(int argc, char **argv, struct runsc_global_opts *g, rt_error_t *err)
{
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+hv", g_global_options, NULL)) != -1) {
        switch (c) {
        case OPT_ROOT:
            g->root = optarg;
            break;
        case OPT_LOG:
            g->log = optarg;
            break;
        case OPT_LOG_FORMAT:
            if (!rt_log_parse_format(optarg, &g->log_format))
                return rt_make_error(err, 0, "--log-format: unknown format \"%s\" (text or json)",
                                     optarg);
            break;
        case OPT_LOG_LEVEL:
            if (strcmp(optarg, "debug") == 0)
                g->debug = true;
            break;
        case OPT_DEBUG:
            g->debug = true;
            break;
        case OPT_SYSTEMD_CGROUP:
            g->systemd_cgroup = true;
            break;
        case OPT_ROOTLESS:
            g->rootless = optarg;
            break;
        case OPT_CRIU:
            break;
        case OPT_DEBUG_LOG:
            g->debug_log = optarg;
            break;
        case OPT_STRACE:
            g->strace = true;
            break;
        case OPT_PLATFORM:
            if (strcmp(optarg, "ptrace") != 0 && strcmp(optarg, "systrap") != 0)
                return rt_make_error(
                    err, 0, "--platform: unsupported platform \"%s\" (ptrace or systrap)", optarg);
            g->platform = optarg;
            break;
        case OPT_NETWORK:
            if (strcmp(optarg, "sandbox") != 0 && strcmp(optarg, "none") != 0 &&
                strcmp(optarg, "host") != 0)
                return rt_make_error(
                    err, 0, "--network: unknown mode \"%s\" (sandbox, none or host)", optarg);
            g->network = optarg;
            break;
        case OPT_OVERLAY:
            g->overlay = optarg ? optarg : "true";
            break;
        case 'v':
        case OPT_VERSION:
            print_version();
            return 0;
        case 'h':
        case OPT_HELP:
            runsc_print_usage(stdout);
            return 0;
        case ':':
            return rt_make_error(err, 0, "option `%s` needs a value", argv[optind - 1]);
        default:
            return rt_make_error(err, 0, "unknown global option `%s`", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return rt_make_error(err, 0, "no command given; see `runsc-c --help`");
    return optind;
}

/* Returns true when the option `arg` of `command` takes the next argument as its value. */
static bool takes_value(const char *command, const char *arg)
{
    static const char *const long_opts[] = {
        "--bundle",    "--pid-file", "--console-socket", "--preserve-fds", "--format", "--process",
        "--cwd",       "--env",      "--user",           "--cap",          "--pid",    "--interval",
        "--resources", "--apparmor", "--process-label",
    };

    if (strchr(arg, '=') != NULL)
        return false;
    if (arg[1] == '-') {
        if (strcmp(command, "update") == 0)
            return true; /* every update flag has a value */
        for (size_t i = 0; i < ARRAY_SIZE(long_opts); i++) {
            if (strcmp(arg, long_opts[i]) == 0)
                return true;
        }
        return false;
    }
    /* Short options: delete's -f is --force, everyone else's --format. */
    if (strcmp(command, "delete") == 0 || arg[1] == '\0' || arg[2] != '\0')
        return false;
    return strchr("bfpceuCri", arg[1]) != NULL;
}

/*
 * The container id of a command line, to name its debug log after: the first
 * argument after the command that is neither an option nor an option's value.
 * NULL when there is none (`list`, `spec`).
 */
static const char *command_container_id(const char *command, int argc, char **argv)
{
    if (strcmp(command, "do") == 0 || strcmp(command, "spec") == 0 ||
        strcmp(command, "list") == 0 || strcmp(command, "features") == 0)
        return NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return i + 1 < argc ? argv[i + 1] : NULL;
        if (argv[i][0] != '-')
            return argv[i];
        if (takes_value(command, argv[i]))
            i++;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    cleanup_error rt_error_t err = NULL;
    /*
     * systrap by default: a syscall round trip of ~2-3 us against ptrace's
     * ~8-9 us (bench/run.sh); --platform=ptrace stays available.
     */
    struct runsc_global_opts g = { .argv0 = argv[0], .platform = "systrap" };
    const struct runsc_command *cmd;
    int idx, ret;

    rt_log_set_ident("runsc-c");
    idx = parse_global_options(argc, argv, &g, &err);
    if (idx < 0) {
        /* Flags parsed before the bad one still say where errors go. */
        cleanup_error rt_error_t log_err = NULL;

        rt_log_init(g.log, g.log_format, RT_LOG_INFO, &log_err);
        goto fail;
    }
    if (idx == 0)
        return 0;
    if (g.root == NULL)
        g.root = runsc_default_root();
    if (rt_log_init(g.log, g.log_format, g.debug ? RT_LOG_DEBUG : RT_LOG_INFO, &err) < 0)
        goto fail;

    if (strcmp(argv[idx], "help") == 0) {
        if (idx + 1 < argc && runsc_find_command(argv[idx + 1]) != NULL)
            runsc_print_command_help(argv[idx + 1]);
        else
            runsc_print_usage(stdout);
        return 0;
    }
    cmd = runsc_find_command(argv[idx]);
    if (cmd == NULL) {
        rt_make_error(&err, 0, "unknown command `%s`; see `runsc-c --help`", argv[idx]);
        goto fail;
    }
    if (g.debug_log != NULL &&
        rt_log_open_debug(g.debug_log, command_container_id(cmd->name, argc - idx, argv + idx),
                          cmd->name, &err) < 0)
        goto fail;
    log_debug("command: %s (root %s)", cmd->name, g.root);
    /* getopt state is reset for the subcommand, which parses argv + idx itself. */
    optind = 0;
    ret = cmd->fn(&g, argc - idx, argv + idx, &err);
    if (ret < 0)
        goto fail;
    return ret;

fail:
    rt_log_fatal_error(err);
    return 1;
}

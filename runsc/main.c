/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c's entry point: global flags, the subcommand table and error reporting. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runsc/runsc.h"

static const struct runsc_command g_commands[] = {
    { "create", runsc_cmd_not_yet,
      "[--bundle DIR] [--pid-file F] [--console-socket S] [--preserve-fds N] ID",
      "create a container" },
    { "start", runsc_cmd_not_yet, "ID", "start the process of a created container" },
    { "run", runsc_cmd_not_yet, "[--bundle DIR] [--detach] [--pid-file F] ID",
      "create and start a container" },
    { "state", cmd_state, "ID", "print the OCI state of a container" },
    { "list", cmd_list, "[--format table|json] [--quiet]", "list containers" },
    { "kill", runsc_cmd_not_yet, "[--all] ID [SIGNAL]", "send a signal to a container" },
    { "delete", cmd_delete, "[--force] ID", "delete a container" },
    { "exec", runsc_cmd_not_yet, "[--process P.json | ARGS...] [options] ID",
      "run a new process in a container" },
    { "pause", runsc_cmd_not_yet, "ID", "pause all processes of a container" },
    { "resume", runsc_cmd_not_yet, "ID", "resume a paused container" },
    { "ps", runsc_cmd_not_yet, "[--format table|json] ID", "list the processes of a container" },
    { "events", runsc_cmd_not_yet, "[--stats] [--interval D] ID", "print container events" },
    { "wait", runsc_cmd_not_yet, "ID", "wait for a container to exit" },
    { "update", runsc_cmd_not_yet, "[--resources FILE|-] ID", "update resource limits" },
    { "features", cmd_features, "", "print the features this runtime supports (JSON)" },
    { "spec", cmd_spec, "[--bundle DIR] [--rootless]", "write a default config.json" },
    { "checkpoint", runsc_cmd_not_yet, "--image-path DIR [--leave-running] ID",
      "checkpoint a running sandbox" },
    { "restore", runsc_cmd_not_yet, "--image-path DIR --bundle DIR [--detach] ID",
      "restore a sandbox from a checkpoint" },
    { "do", cmd_do, "[--root DIR] -- CMD [ARGS...]",
      "run a command in a sandbox with the host's / as its root" },
    { "install", runsc_cmd_not_yet, "[--runtime NAME] [--config-file F] [-- ARGS...]",
      "register runsc-c with Docker" },
    { "uninstall", runsc_cmd_not_yet, "[--runtime NAME] [--config-file F]",
      "remove runsc-c from Docker's configuration" },
    { "boot", cmd_boot, "(internal)", "the sandbox process", .internal = true },
    { "gofer", cmd_gofer, "(internal)", "the file proxy", .internal = true },
};

static const struct runsc_command *find_command(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(g_commands); i++) {
        if (strcmp(g_commands[i].name, name) == 0)
            return &g_commands[i];
    }
    return NULL;
}

const char *runsc_default_root(void)
{
    static char buf[4096];
    const char *xdg;

    if (geteuid() == 0)
        return "/run/runsc-c";
    xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg != NULL && xdg[0] == '/') {
        snprintf(buf, sizeof(buf), "%s/runsc-c", xdg);
        return buf;
    }
    snprintf(buf, sizeof(buf), "/tmp/runsc-c-%u", (unsigned)geteuid());
    return buf;
}

void runsc_print_command_help(const char *name)
{
    const struct runsc_command *c = find_command(name);

    if (c == NULL)
        return;
    printf("Usage: runsc-c [global options] %s %s\n\n%s\n", c->name, c->args, c->summary);
}

static void print_usage(FILE *out)
{
    fprintf(out, "Usage: runsc-c [global options] COMMAND [options] [ARGS...]\n\n"
                 "A sandboxed OCI container runtime: every system call of a container is\n"
                 "served by an application kernel, never by the host kernel.\n\nCommands:\n");
    for (size_t i = 0; i < ARRAY_SIZE(g_commands); i++) {
        if (!g_commands[i].internal)
            fprintf(out, "  %-12s %s\n", g_commands[i].name, g_commands[i].summary);
    }
    fprintf(out,
            "\nGlobal options:\n"
            "  --root DIR            state directory (default %s)\n"
            "  --log FILE            append log records to FILE\n"
            "  --log-format text|json\n"
            "  --debug               log debug records\n"
            "  --debug-log DIR/      one debug log per command and sandbox process\n"
            "  --strace              trace the sandbox's system calls\n"
            "  --platform ptrace     how system calls are intercepted\n"
            "  --network sandbox|none|host\n"
            "  --overlay[=none]      rootfs overlay (default: in-sentry tmpfs upper)\n"
            "  --systemd-cgroup, --rootless=BOOL, --criu PATH (accepted for runc compatibility)\n"
            "  --version, --help\n",
            runsc_default_root());
}

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
            if (strcmp(optarg, "ptrace") != 0)
                return rt_make_error(err, 0, "--platform: unsupported platform \"%s\" (ptrace)",
                                     optarg);
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
            print_usage(stdout);
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

int main(int argc, char **argv)
{
    cleanup_error rt_error_t err = NULL;
    struct runsc_global_opts g = { .argv0 = argv[0] };
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
        if (idx + 1 < argc && find_command(argv[idx + 1]) != NULL)
            runsc_print_command_help(argv[idx + 1]);
        else
            print_usage(stdout);
        return 0;
    }
    cmd = find_command(argv[idx]);
    if (cmd == NULL) {
        rt_make_error(&err, 0, "unknown command `%s`; see `runsc-c --help`", argv[idx]);
        goto fail;
    }
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

int runsc_cmd_not_yet(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            runsc_print_command_help(argv[0]);
            return 0;
        }
        if (strcmp(argv[i], "--") == 0)
            break;
    }
    return rt_make_error(err, 0,
                         "%s: not supported yet: this build of runsc-c cannot run containers "
                         "(the sandbox lifecycle has not landed)",
                         argv[0]);
}

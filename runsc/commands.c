/* SPDX-License-Identifier: Apache-2.0 */
/* The subcommand table of runsc-c, its help texts and the shared command helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runsc/runsc.h"

static const struct runsc_command g_commands[] = {
    { "create", cmd_create,
      "[--bundle DIR] [--pid-file F] [--console-socket S] [--preserve-fds N] ID",
      "create a container" },
    { "start", cmd_start, "ID", "start the process of a created container" },
    { "run", cmd_run, "[--bundle DIR] [--detach] [--pid-file F] ID",
      "create and start a container" },
    { "state", cmd_state, "ID", "print the OCI state of a container" },
    { "list", cmd_list, "[--format table|json] [--quiet]", "list containers" },
    { "kill", cmd_kill, "[--all] ID [SIGNAL]", "send a signal to a container" },
    { "delete", cmd_delete, "[--force] ID", "delete a container" },
    { "exec", cmd_exec, "[--process P.json | ARGS...] [options] ID",
      "run a new process in a container" },
    { "pause", cmd_pause, "ID", "pause all processes of a container" },
    { "resume", cmd_resume, "ID", "resume a paused container" },
    { "ps", cmd_ps, "[--format table|json] ID", "list the processes of a container" },
    { "events", cmd_events, "[--stats] [--interval D] ID", "print container events" },
    { "wait", cmd_wait, "ID", "wait for a container to exit" },
    { "update", cmd_update, "[--resources FILE|-] ID", "update resource limits" },
    { "features", cmd_features, "", "print the features this runtime supports (JSON)" },
    { "spec", cmd_spec, "[--bundle DIR] [--rootless]", "write a default config.json" },
    { "checkpoint", runsc_cmd_not_yet, "--image-path DIR [--leave-running] ID",
      "checkpoint a running sandbox" },
    { "restore", runsc_cmd_not_yet, "--image-path DIR --bundle DIR [--detach] ID",
      "restore a sandbox from a checkpoint" },
    { "do", cmd_do, "[--root DIR] -- CMD [ARGS...]",
      "run a command in a sandbox with the host's / as its root" },
    { "install", cmd_install, "[--runtime NAME] [--config-file F] [-- ARGS...]",
      "register runsc-c with Docker" },
    { "uninstall", cmd_uninstall, "[--runtime NAME] [--config-file F]",
      "remove runsc-c from Docker's configuration" },
    { "boot", cmd_boot, "(internal)", "the sandbox process", .internal = true },
    { "gofer", cmd_gofer, "(internal)", "the file proxy", .internal = true },
};

const struct runsc_command *runsc_find_command(const char *name)
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
    const struct runsc_command *c = runsc_find_command(name);

    if (c == NULL)
        return;
    printf("Usage: runsc-c [global options] %s %s\n\n%s\n", c->name, c->args, c->summary);
}

void runsc_print_usage(FILE *out)
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
            "  --platform systrap|ptrace  how system calls are intercepted (default systrap)\n"
            "  --network sandbox|none|host\n"
            "  --overlay[=none]      rootfs overlay (default: in-sentry tmpfs upper)\n"
            "  --systemd-cgroup, --rootless=BOOL, --criu PATH (accepted for runc compatibility)\n"
            "  --version, --help\n",
            runsc_default_root());
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

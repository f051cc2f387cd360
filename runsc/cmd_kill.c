/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c kill [--all] ID [SIGNAL]`: send a signal into the container through the sandbox. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runsc/container.h"
#include "runsc/runsc.h"
#include "sandbox/sandbox.h"

static const struct {
    const char *name;
    int signo;
} g_signals[] = {
    { "HUP", SIGHUP },     { "INT", SIGINT },   { "QUIT", SIGQUIT },     { "ILL", SIGILL },
    { "TRAP", SIGTRAP },   { "ABRT", SIGABRT }, { "IOT", SIGIOT },       { "BUS", SIGBUS },
    { "FPE", SIGFPE },     { "KILL", SIGKILL }, { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
    { "USR2", SIGUSR2 },   { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },     { "TERM", SIGTERM },
    { "STKFLT", 16 },      { "CHLD", SIGCHLD }, { "CONT", SIGCONT },     { "STOP", SIGSTOP },
    { "TSTP", SIGTSTP },   { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },     { "URG", SIGURG },
    { "XCPU", SIGXCPU },   { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
    { "WINCH", SIGWINCH }, { "IO", SIGIO },     { "POLL", SIGPOLL },     { "PWR", SIGPWR },
    { "SYS", SIGSYS },
};

int runsc_parse_signal(const char *s, int *signo, rt_error_t *err)
{
    const char *name = s;
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (end != s && *end == '\0') {
        if (errno != 0 || v < 1 || v > 64)
            return rt_make_error(err, EINVAL, "invalid signal `%s`", s);
        *signo = (int)v;
        return 0;
    }
    if (strncasecmp(name, "SIG", 3) == 0)
        name += 3;
    for (size_t i = 0; i < ARRAY_SIZE(g_signals); i++) {
        if (strcasecmp(name, g_signals[i].name) == 0) {
            *signo = g_signals[i].signo;
            return 0;
        }
    }
    /* RTMIN, RTMIN+N, RTMAX, RTMAX-N, with Linux's numbers (34 and 64), not glibc's. */
    if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
        bool min = strncasecmp(name, "RTMIN", 5) == 0;
        long off = 0;

        if (name[5] != '\0') {
            if (name[5] != (min ? '+' : '-'))
                return rt_make_error(err, EINVAL, "invalid signal `%s`", s);
            off = strtol(name + 6, &end, 10);
            if (end == name + 6 || *end != '\0' || off < 0 || off > 30)
                return rt_make_error(err, EINVAL, "invalid signal `%s`", s);
        }
        *signo = (int)(min ? 34 + off : 64 - off);
        return 0;
    }
    return rt_make_error(err, EINVAL, "invalid signal `%s`", s);
}

int cmd_kill(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    static const struct option opts[] = {
        { "all", no_argument, NULL, 'a' },
        { "pid", required_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct container_meta *m = NULL;
    struct control_request req = { .kind = CONTROL_REQ_SIGNAL };
    struct control_response resp = { 0 };
    bool all = false;
    long pid = 0;
    int signo = SIGTERM;
    int c, ret;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+ahp:", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            all = true;
            break;
        case 'p':
            pid = strtol(optarg, NULL, 10);
            if (pid <= 0)
                return rt_make_error(err, 0, "kill: --pid: `%s` is not a pid", optarg);
            break;
        case 'h':
            runsc_print_command_help(argv[0]);
            return 0;
        default:
            return rt_make_error(err, 0, "kill: unknown option `%s`", argv[optind - 1]);
        }
    }
    if (argc - optind < 1 || argc - optind > 2)
        return rt_make_error(err, 0, "kill: usage: kill [--all] ID [SIGNAL]");
    if (argc - optind == 2 && runsc_parse_signal(argv[optind + 1], &signo, err) < 0)
        return rt_error_wrap(err, "kill");
    if (container_resolve_id(g->root, argv[optind], (char **)&req.signal.container_id, err) < 0)
        return -1;
    ret = container_meta_load(g->root, req.signal.container_id, &m, err);
    if (ret < 0)
        goto out;
    if (m->status == CONTAINER_STOPPED) {
        /* CONTRACT.md: `kill --all ID 9` after the init exited succeeds. */
        if (!all)
            ret = rt_make_error(err, ESRCH, "kill: container `%s` is not running", m->id);
        goto out;
    }
    req.signal.signo = signo;
    req.signal.target = all   ? CONTROL_SIGNAL_ALL
                        : pid ? CONTROL_SIGNAL_PROCESS
                              : CONTROL_SIGNAL_INIT;
    req.signal.pid = all ? 0 : (int32_t)pid;
    ret = control_call(m->control_socket, &req, NULL, 0, &resp, err);
    if (ret < 0 && all && rt_error_status(*err) == ESRCH) {
        rt_error_release(err);
        ret = 0;
    }
    if (ret < 0)
        rt_error_wrap(err, "kill `%s`", m->id);
    control_response_free(&resp);
out:
    free((char *)req.signal.container_id);
    container_meta_free(m);
    return ret < 0 ? -1 : 0;
}

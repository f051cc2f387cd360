/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c exec`: run a new process in a running container, with its own waiter. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileutil.h"
#include "common/strbuf.h"
#include "runsc/container.h"
#include "runsc/runsc.h"
#include "sandbox/sandbox.h"
#include "specutils/specutils.h"

#define EXEC_MAX_LIST 256

struct exec_opts {
    const char *process, *cwd, *user, *pid_file, *console_socket;
    const char *env[EXEC_MAX_LIST];
    size_t n_env;
    const char *caps[EXEC_MAX_LIST];
    size_t n_caps;
    bool tty, detach, no_new_privs;
    int preserve_fds;
};

static void append_strv(struct strbuf *sb, const char *key, const char *const *v, size_t n)
{
    strbuf_appendf(sb, ",\"%s\":[", key);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strbuf_append_char(sb, ',');
        strbuf_append_json_string(sb, v[i]);
    }
    strbuf_append(sb, "]");
}

/* Builds an OCI process object from inline arguments and flags. */
static int process_json(const struct exec_opts *o, char **args, size_t n_args, char **out,
                        rt_error_t *err)
{
    struct strbuf sb = { 0 };
    unsigned long uid = 0, gid = 0;

    if (o->user != NULL) {
        char *end = NULL;

        uid = strtoul(o->user, &end, 10);
        if (end == o->user || (*end != '\0' && *end != ':'))
            return rt_make_error(err, 0, "exec: --user: `%s` is not UID[:GID]", o->user);
        if (*end == ':') {
            const char *g = end + 1;

            gid = strtoul(g, &end, 10);
            if (end == g || *end != '\0')
                return rt_make_error(err, 0, "exec: --user: `%s` is not UID[:GID]", o->user);
        }
    }
    strbuf_appendf(&sb, "{\"terminal\":%s,\"user\":{\"uid\":%lu,\"gid\":%lu},\"cwd\":",
                   o->tty ? "true" : "false", uid, gid);
    strbuf_append_json_string(&sb, o->cwd != NULL ? o->cwd : "/");
    append_strv(&sb, "args", (const char *const *)args, n_args);
    if (o->n_env > 0)
        append_strv(&sb, "env", o->env, o->n_env);
    else {
        static const char *const path[] = {
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        };

        append_strv(&sb, "env", path, 1);
    }
    if (o->n_caps > 0) {
        strbuf_append(&sb, ",\"capabilities\":{\"bounding\":[");
        for (size_t i = 0; i < o->n_caps; i++) {
            if (i > 0)
                strbuf_append_char(&sb, ',');
            strbuf_append_json_string(&sb, o->caps[i]);
        }
        strbuf_append(&sb, "]}");
    }
    if (o->no_new_privs)
        strbuf_append(&sb, ",\"noNewPrivileges\":true");
    strbuf_append(&sb, "}");
    *out = strbuf_detach(&sb);
    return 0;
}

int cmd_exec(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    enum { OPT_PIDFILE = 1000, OPT_CONSOLE, OPT_PRESERVE, OPT_NNP, OPT_IGNORED };
    static const struct option opts[] = {
        { "process", required_argument, NULL, 'p' },
        { "cwd", required_argument, NULL, 'c' },
        { "env", required_argument, NULL, 'e' },
        { "user", required_argument, NULL, 'u' },
        { "cap", required_argument, NULL, 'C' },
        { "tty", no_argument, NULL, 't' },
        { "detach", no_argument, NULL, 'd' },
        { "pid-file", required_argument, NULL, OPT_PIDFILE },
        { "console-socket", required_argument, NULL, OPT_CONSOLE },
        { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
        { "no-new-privs", no_argument, NULL, OPT_NNP },
        { "process-label", required_argument, NULL, OPT_IGNORED },
        { "apparmor", required_argument, NULL, OPT_IGNORED },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct exec_opts o = { 0 };
    cleanup_free char *json = NULL;
    cleanup_spec_process struct spec_process *proc = NULL;
    cleanup_close int tty = -1;
    cleanup_close int master = -1;
    struct container_meta *m = NULL;
    struct control_request req = { .kind = CONTROL_REQ_EXEC };
    struct control_response resp = { 0 };
    int fds[3 + 64];
    size_t nfds = 0, len = 0;
    pid_t waiter;
    int c, status, ret = -1;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+p:c:e:u:C:tdh", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            o.process = optarg;
            break;
        case 'c':
            o.cwd = optarg;
            break;
        case 'e':
            if (o.n_env == EXEC_MAX_LIST)
                return rt_make_error(err, 0, "exec: too many --env");
            o.env[o.n_env++] = optarg;
            break;
        case 'u':
            o.user = optarg;
            break;
        case 'C':
            if (o.n_caps == EXEC_MAX_LIST)
                return rt_make_error(err, 0, "exec: too many --cap");
            o.caps[o.n_caps++] = optarg;
            break;
        case 't':
            o.tty = true;
            break;
        case 'd':
            o.detach = true;
            break;
        case OPT_PIDFILE:
            o.pid_file = optarg;
            break;
        case OPT_CONSOLE:
            o.console_socket = optarg;
            break;
        case OPT_PRESERVE:
            o.preserve_fds = atoi(optarg);
            if (o.preserve_fds < 0 || o.preserve_fds > 64)
                return rt_make_error(err, 0, "exec: --preserve-fds: `%s` is out of range", optarg);
            break;
        case OPT_NNP:
            o.no_new_privs = true;
            break;
        case OPT_IGNORED:
            break;
        case 'h':
            runsc_print_command_help(argv[0]);
            return 0;
        default:
            return rt_make_error(err, 0, "exec: unknown option `%s`", argv[optind - 1]);
        }
    }
    if (argc - optind < 1)
        return rt_make_error(err, 0, "exec: expects a container ID");
    if (o.process == NULL && argc - optind < 2)
        return rt_make_error(err, 0, "exec: needs --process FILE or a command after the ID");
    if (o.process != NULL) {
        if (rt_read_file(o.process, 1 << 20, &json, &len, err) < 0)
            return rt_error_wrap(err, "exec: reading --process");
    } else if (process_json(&o, argv + optind + 1, (size_t)(argc - optind - 1), &json, err) < 0) {
        return -1;
    }
    len = strlen(json);
    if (specutils_process_parse(json, len, &proc, err) < 0)
        return rt_error_wrap(err, "exec: the process");
    if (runsc_load_container(g->root, argv[optind], 1u << CONTAINER_RUNNING, "exec", &m, err) < 0)
        return -1;
    if (proc->terminal) {
        /* Attached without a console socket, the pty master is ours (as runc). */
        if (runsc_open_console(o.console_socket, o.detach ? NULL : &master, &tty, err) < 0)
            goto out;
        req.exec.stdio.kind = CONTROL_STDIO_TTY;
        if (proc->has_console_size) {
            req.exec.stdio.has_console_size = true;
            req.exec.stdio.rows = proc->console_height;
            req.exec.stdio.cols = proc->console_width;
        }
        fds[nfds++] = tty;
    } else {
        req.exec.stdio.kind = CONTROL_STDIO_FDS;
        for (int i = 0; i < 3; i++)
            fds[nfds++] = i;
    }
    for (int i = 0; i < o.preserve_fds; i++)
        fds[nfds++] = 3 + i;
    req.exec.container_id = m->id;
    req.exec.process_json = (const uint8_t *)json;
    req.exec.process_json_len = len;
    req.exec.preserve_fd_count = (uint32_t)o.preserve_fds;
    if (control_call(m->control_socket, &req, fds, nfds, &resp, err) < 0) {
        rt_error_wrap(err, "exec in `%s`", m->id);
        goto out;
    }
    waiter = runsc_fork_waiter(m->control_socket, m->id, resp.exec_pid, NULL, m->sandbox_pid, err);
    if (waiter < 0)
        goto out;
    {
        cleanup_close int lockfd = -1;
        struct container_meta *cur = NULL;
        struct container_exec e = { .pid = resp.exec_pid, .waiter_pid = waiter };
        cleanup_error rt_error_t e2 = NULL;

        rt_process_start_time(waiter, &e.waiter_start_time, &e2);
        if (container_lock(g->root, m->id, &lockfd, err) < 0 ||
            container_meta_load(g->root, m->id, &cur, err) < 0)
            goto out;
        container_meta_add_exec(cur, &e);
        ret = container_meta_save_locked(g->root, cur, err);
        container_meta_free(cur);
        if (ret < 0)
            goto out;
    }
    if (o.pid_file != NULL && runsc_write_pid_file(o.pid_file, waiter, err) < 0) {
        ret = -1;
        goto out;
    }
    if (o.detach) {
        ret = 0;
        goto out;
    }
    if (master >= 0) {
        /* Our copy of the replica would keep the master from reading EIO at the end. */
        close(take_fd(&tty));
        if (runsc_console_attach(master, waiter, &status, err) < 0) {
            ret = rt_error_wrap(err, "exec: the terminal");
            goto out;
        }
        ret = waiter_exit_code(status);
        goto out;
    }
    while (waitpid(waiter, &status, 0) < 0) {
        if (errno != EINTR) {
            ret = rt_make_error(err, errno, "exec: waiting");
            goto out;
        }
    }
    ret = waiter_exit_code(status);
out:
    control_response_free(&resp);
    container_meta_free(m);
    return ret;
}

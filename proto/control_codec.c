// SPDX-License-Identifier: Apache-2.0
// Converts control-socket messages between plain C structs and protobuf-c, validating both ways.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "common/wire.h"
#include "proto/control.pb-c.h"
#include "proto/control_codec.h"

static const char *const g_kind_names[CONTROL_REQ_COUNT_] = {
    [CONTROL_REQ_CREATE] = "create",     [CONTROL_REQ_START] = "start",
    [CONTROL_REQ_EXEC] = "exec",         [CONTROL_REQ_WAIT] = "wait",
    [CONTROL_REQ_SIGNAL] = "signal",     [CONTROL_REQ_PAUSE] = "pause",
    [CONTROL_REQ_RESUME] = "resume",     [CONTROL_REQ_PROCESSES] = "processes",
    [CONTROL_REQ_STATS] = "stats",       [CONTROL_REQ_CHECKPOINT] = "checkpoint",
    [CONTROL_REQ_RESTORE] = "restore",   [CONTROL_REQ_DESTROY] = "destroy",
    [CONTROL_REQ_SHUTDOWN] = "shutdown", [CONTROL_REQ_UPDATE] = "update",
};

const char *control_request_kind_name(enum control_request_kind kind)
{
    if ((int)kind <= 0 || kind >= CONTROL_REQ_COUNT_)
        return "unknown";
    return g_kind_names[kind];
}

size_t control_stdio_fd_count(enum control_stdio_kind kind)
{
    switch (kind) {
    case CONTROL_STDIO_FDS:
        return 3;
    case CONTROL_STDIO_TTY:
        return 1;
    default:
        return 0;
    }
}

/* ---- validation of the C structs (shared by encode and decode) ---- */

static bool is_id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '+' || c == '.' || c == '-';
}

static int check_id(const char *field, const char *id, rt_error_t *err)
{
    size_t len;

    if (id == NULL || id[0] == '\0')
        return rt_make_error(err, 0, "%s: must not be empty", field);
    len = strnlen(id, CONTROL_ID_MAX + 1);
    if (len > CONTROL_ID_MAX)
        return rt_make_error(err, 0, "%s: longer than %d bytes", field, CONTROL_ID_MAX);
    if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return rt_make_error(err, 0, "%s: `%s` is not a valid id", field, id);
    for (size_t i = 0; i < len; i++) {
        if (!is_id_char(id[i]))
            return rt_make_error(err, 0, "%s: invalid id (must match ^[A-Za-z0-9_+.-]+$)", field);
    }
    return 0;
}

int control_id_validate(const char *field, const char *id, rt_error_t *err)
{
    if (check_id(field, id, err) < 0) {
        (*err)->status = EINVAL;
        return -EINVAL - 1;
    }
    return 0;
}

static int check_path(const char *field, const char *s, bool absolute, rt_error_t *err)
{
    if (s == NULL)
        return rt_make_error(err, 0, "%s: missing", field);
    if (strnlen(s, CONTROL_PATH_MAX + 1) > CONTROL_PATH_MAX)
        return rt_make_error(err, 0, "%s: longer than %d bytes", field, CONTROL_PATH_MAX);
    if (absolute && s[0] != '/')
        return rt_make_error(err, 0, "%s: not an absolute path", field);
    return 0;
}

static int check_stdio(const char *field, const struct control_stdio *s, rt_error_t *err)
{
    if (s->kind != CONTROL_STDIO_FDS && s->kind != CONTROL_STDIO_TTY &&
        s->kind != CONTROL_STDIO_NULL)
        return rt_make_error(err, 0, "%s.kind: unknown stdio kind %d", field, (int)s->kind);
    if (s->has_console_size) {
        if (s->kind != CONTROL_STDIO_TTY)
            return rt_make_error(err, 0, "%s.console_size: only valid with a tty", field);
        if (s->rows > CONTROL_CONSOLE_DIM_MAX || s->cols > CONTROL_CONSOLE_DIM_MAX)
            return rt_make_error(err, 0, "%s.console_size: %ux%u is out of range", field, s->rows,
                                 s->cols);
    }
    return 0;
}

static uint64_t create_fd_count(const struct control_create *c)
{
    return (uint64_t)control_stdio_fd_count(c->stdio.kind) + c->gofer_fd_count +
           c->preserve_fd_count;
}

static int check_create(const char *field, const struct control_create *c, rt_error_t *err)
{
    char sub[64];

    snprintf(sub, sizeof(sub), "%s.container_id", field);
    if (check_id(sub, c->container_id, err) < 0)
        return -1;
    snprintf(sub, sizeof(sub), "%s.bundle", field);
    if (check_path(sub, c->bundle, /*absolute=*/false, err) < 0)
        return -1;
    if (c->spec_json == NULL || c->spec_json_len == 0)
        return rt_make_error(err, 0, "%s.spec_json: must not be empty", field);
    snprintf(sub, sizeof(sub), "%s.stdio", field);
    if (check_stdio(sub, &c->stdio, err) < 0)
        return -1;
    if (c->n_gofer_mounts > CONTROL_MAX_MOUNTS)
        return rt_make_error(err, 0, "%s.gofer_mounts: more than %d entries", field,
                             CONTROL_MAX_MOUNTS);
    if (c->gofer_fd_count == 0 ? c->n_gofer_mounts != 0
                               : (uint64_t)c->gofer_fd_count != (uint64_t)c->n_gofer_mounts + 1)
        return rt_make_error(err, 0,
                             "%s.gofer_fd_count: %u does not match %zu gofer mounts plus the "
                             "rootfs",
                             field, c->gofer_fd_count, c->n_gofer_mounts);
    for (size_t i = 0; i < c->n_gofer_mounts; i++) {
        snprintf(sub, sizeof(sub), "%s.gofer_mounts[%zu]", field, i);
        if (check_path(sub, c->gofer_mounts[i], /*absolute=*/true, err) < 0)
            return -1;
    }
    if (create_fd_count(c) > CONTROL_MAX_FDS)
        return rt_make_error(err, 0, "%s: needs %llu descriptors, more than %d", field,
                             (unsigned long long)create_fd_count(c), CONTROL_MAX_FDS);
    return 0;
}

static uint64_t request_fd_count64(const struct control_request *req)
{
    switch (req->kind) {
    case CONTROL_REQ_CREATE:
        return create_fd_count(&req->create);
    case CONTROL_REQ_EXEC:
        return (uint64_t)control_stdio_fd_count(req->exec.stdio.kind) + req->exec.preserve_fd_count;
    case CONTROL_REQ_CHECKPOINT:
        return 1;
    case CONTROL_REQ_RESTORE:
        return 1 + create_fd_count(&req->create);
    default:
        return 0;
    }
}

size_t control_request_fd_count(const struct control_request *req)
{
    uint64_t n = request_fd_count64(req);

    return n > SIZE_MAX ? SIZE_MAX : (size_t)n;
}

static int validate_request(const struct control_request *req, rt_error_t *err)
{
    const char *name = control_request_kind_name(req->kind);

    switch (req->kind) {
    case CONTROL_REQ_CREATE:
        return check_create("create", &req->create, err);
    case CONTROL_REQ_RESTORE:
        if (check_create("restore.container", &req->create, err) < 0)
            return -1;
        if (request_fd_count64(req) > CONTROL_MAX_FDS)
            return rt_make_error(err, 0, "restore: more than %d descriptors", CONTROL_MAX_FDS);
        return 0;
    case CONTROL_REQ_START:
    case CONTROL_REQ_PROCESSES:
    case CONTROL_REQ_STATS:
    case CONTROL_REQ_DESTROY: {
        char field[48];

        snprintf(field, sizeof(field), "%s.container_id", name);
        return check_id(field, req->container_id, err);
    }
    case CONTROL_REQ_EXEC:
        if (check_id("exec.container_id", req->exec.container_id, err) < 0)
            return -1;
        if (req->exec.process_json == NULL || req->exec.process_json_len == 0)
            return rt_make_error(err, 0, "exec.process_json: must not be empty");
        if (check_stdio("exec.stdio", &req->exec.stdio, err) < 0)
            return -1;
        if (request_fd_count64(req) > CONTROL_MAX_FDS)
            return rt_make_error(err, 0, "exec: more than %d descriptors", CONTROL_MAX_FDS);
        return 0;
    case CONTROL_REQ_WAIT:
        if (check_id("wait.container_id", req->wait.container_id, err) < 0)
            return -1;
        if (req->wait.pid < 0)
            return rt_make_error(err, 0, "wait.pid: %d is negative", req->wait.pid);
        return 0;
    case CONTROL_REQ_SIGNAL:
        if (check_id("signal.container_id", req->signal.container_id, err) < 0)
            return -1;
        if (req->signal.signo < 0 || req->signal.signo > CONTROL_SIGNAL_MAX)
            return rt_make_error(err, 0, "signal.signo: %d is not a signal", req->signal.signo);
        switch (req->signal.target) {
        case CONTROL_SIGNAL_PROCESS:
            if (req->signal.pid <= 0)
                return rt_make_error(err, 0, "signal.pid: %d is not a process id", req->signal.pid);
            return 0;
        case CONTROL_SIGNAL_INIT:
        case CONTROL_SIGNAL_ALL:
        case CONTROL_SIGNAL_FOREGROUND:
            if (req->signal.pid != 0)
                return rt_make_error(err, 0, "signal.pid: only valid with target PROCESS");
            return 0;
        }
        return rt_make_error(err, 0, "signal.target: unknown target %d", (int)req->signal.target);
    case CONTROL_REQ_PAUSE:
    case CONTROL_REQ_RESUME:
    case CONTROL_REQ_CHECKPOINT:
    case CONTROL_REQ_SHUTDOWN:
        return 0;
    case CONTROL_REQ_UPDATE:
        return check_id("update.container_id", req->update.container_id, err);
    case CONTROL_REQ_COUNT_:
        break;
    }
    return rt_make_error(err, 0, "request: unknown kind %d", (int)req->kind);
}

int control_request_validate(const struct control_request *req, rt_error_t *err)
{
    if (validate_request(req, err) < 0) {
        (*err)->status = EINVAL;
        return -EINVAL - 1;
    }
    return 0;
}

static int validate_response(const struct control_response *resp, rt_error_t *err)
{
    if (resp->errnum != 0) {
        if (resp->errnum < 1 || resp->errnum > 4095)
            return rt_make_error(err, 0, "error.errnum: %d is not an errno", resp->errnum);
        if (resp->message == NULL)
            return rt_make_error(err, 0, "error.message: missing");
        if (strnlen(resp->message, CONTROL_MSG_MAX + 1) > CONTROL_MSG_MAX)
            return rt_make_error(err, 0, "error.message: longer than %d bytes", CONTROL_MSG_MAX);
        if (resp->kind != CONTROL_RESULT_NONE)
            return rt_make_error(err, 0, "response: both an error and a result");
        return 0;
    }
    switch (resp->kind) {
    case CONTROL_RESULT_NONE:
    case CONTROL_RESULT_WAIT:
    case CONTROL_RESULT_STATS:
        return 0;
    case CONTROL_RESULT_EXEC:
        if (resp->exec_pid <= 0)
            return rt_make_error(err, 0, "exec.pid: %d is not a process id", resp->exec_pid);
        return 0;
    case CONTROL_RESULT_PROCESSES:
        if (resp->processes.n > CONTROL_MAX_PROCESSES)
            return rt_make_error(err, 0, "processes: more than %d entries", CONTROL_MAX_PROCESSES);
        if (resp->processes.n > 0 && resp->processes.v == NULL)
            return rt_make_error(err, 0, "processes: missing array");
        for (size_t i = 0; i < resp->processes.n; i++) {
            const struct control_process_info *p = &resp->processes.v[i];

            if (p->pid <= 0 || p->ppid < 0 || p->host_pid < 0)
                return rt_make_error(err, 0, "processes[%zu]: bad pid %d/%d/%d", i, p->pid, p->ppid,
                                     p->host_pid);
            if (p->tty == NULL || p->cmd == NULL)
                return rt_make_error(err, 0, "processes[%zu]: missing tty or cmd", i);
            if (strnlen(p->tty, CONTROL_STR_MAX + 1) > CONTROL_STR_MAX ||
                strnlen(p->cmd, CONTROL_STR_MAX + 1) > CONTROL_STR_MAX)
                return rt_make_error(err, 0, "processes[%zu]: tty or cmd longer than %d bytes", i,
                                     CONTROL_STR_MAX);
        }
        return 0;
    }
    return rt_make_error(err, 0, "response: unknown result kind %d", (int)resp->kind);
}

int control_response_validate(const struct control_response *resp, rt_error_t *err)
{
    if (validate_response(resp, err) < 0) {
        (*err)->status = EINVAL;
        return -EINVAL - 1;
    }
    return 0;
}

/* ---- C -> protobuf-c ---- */

/*
 * The protobuf-c structs built here only borrow the C request's memory
 * (protobuf-c wants non-const pointers; packing does not write through them).
 */
struct pb_create {
    Control__CreateContainer msg;
    Control__Stdio stdio;
    Control__ConsoleSize size;
};

static void stdio_to_pb(const struct control_stdio *s, Control__Stdio *pb, Control__ConsoleSize *sz)
{
    control__stdio__init(pb);
    pb->kind = (Control__StdioKind)s->kind;
    if (s->has_console_size) {
        control__console_size__init(sz);
        sz->rows = s->rows;
        sz->cols = s->cols;
        pb->console_size = sz;
    }
}

static void create_to_pb(const struct control_create *c, struct pb_create *pb)
{
    control__create_container__init(&pb->msg);
    pb->msg.container_id = (char *)c->container_id;
    pb->msg.bundle = (char *)c->bundle;
    pb->msg.spec_json.data = (uint8_t *)c->spec_json;
    pb->msg.spec_json.len = c->spec_json_len;
    stdio_to_pb(&c->stdio, &pb->stdio, &pb->size);
    pb->msg.stdio = &pb->stdio;
    pb->msg.gofer_fd_count = c->gofer_fd_count;
    pb->msg.n_gofer_mounts = c->n_gofer_mounts;
    pb->msg.gofer_mounts = (char **)c->gofer_mounts;
    pb->msg.preserve_fd_count = c->preserve_fd_count;
}

static int pack_checked(const ProtobufCMessage *msg, uint8_t **out, size_t *len, rt_error_t *err)
{
    size_t size = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf;

    if (size > RT_FRAME_MAX)
        return rt_make_error(err, EMSGSIZE, "control message of %zu bytes", size);
    buf = xmalloc(size > 0 ? size : 1);
    *len = protobuf_c_message_pack(msg, buf);
    *out = buf;
    return 0;
}

int control_request_encode(const struct control_request *req, uint8_t **out, size_t *len,
                           rt_error_t *err)
{
    Control__Request msg = CONTROL__REQUEST__INIT;
    struct pb_create create;
    Control__Restore restore = CONTROL__RESTORE__INIT;
    Control__StartContainer start = CONTROL__START_CONTAINER__INIT;
    Control__Exec exec = CONTROL__EXEC__INIT;
    Control__Stdio exec_stdio;
    Control__ConsoleSize exec_size;
    Control__Wait wait = CONTROL__WAIT__INIT;
    Control__Signal sig = CONTROL__SIGNAL__INIT;
    Control__Pause pause = CONTROL__PAUSE__INIT;
    Control__Resume resume = CONTROL__RESUME__INIT;
    Control__Processes processes = CONTROL__PROCESSES__INIT;
    Control__Stats stats = CONTROL__STATS__INIT;
    Control__Checkpoint ckpt = CONTROL__CHECKPOINT__INIT;
    Control__Destroy destroy = CONTROL__DESTROY__INIT;
    Control__Shutdown shutdown = CONTROL__SHUTDOWN__INIT;
    Control__Update update = CONTROL__UPDATE__INIT;

    if (control_request_validate(req, err) < 0)
        return rt_error_wrap(err, "encoding control request");
    msg.version = CONTROL_VERSION;
    msg.id = req->id;
    switch (req->kind) {
    case CONTROL_REQ_CREATE:
        create_to_pb(&req->create, &create);
        msg.req_case = CONTROL__REQUEST__REQ_CREATE;
        msg.create = &create.msg;
        break;
    case CONTROL_REQ_RESTORE:
        create_to_pb(&req->create, &create);
        restore.container = &create.msg;
        msg.req_case = CONTROL__REQUEST__REQ_RESTORE;
        msg.restore = &restore;
        break;
    case CONTROL_REQ_START:
        start.container_id = (char *)req->container_id;
        msg.req_case = CONTROL__REQUEST__REQ_START;
        msg.start = &start;
        break;
    case CONTROL_REQ_EXEC:
        exec.container_id = (char *)req->exec.container_id;
        exec.process_json.data = (uint8_t *)req->exec.process_json;
        exec.process_json.len = req->exec.process_json_len;
        stdio_to_pb(&req->exec.stdio, &exec_stdio, &exec_size);
        exec.stdio = &exec_stdio;
        exec.preserve_fd_count = req->exec.preserve_fd_count;
        msg.req_case = CONTROL__REQUEST__REQ_EXEC;
        msg.exec = &exec;
        break;
    case CONTROL_REQ_WAIT:
        wait.container_id = (char *)req->wait.container_id;
        wait.pid = req->wait.pid;
        msg.req_case = CONTROL__REQUEST__REQ_WAIT;
        msg.wait = &wait;
        break;
    case CONTROL_REQ_SIGNAL:
        sig.container_id = (char *)req->signal.container_id;
        sig.signo = req->signal.signo;
        sig.target = (Control__SignalTarget)req->signal.target;
        sig.pid = req->signal.pid;
        msg.req_case = CONTROL__REQUEST__REQ_SIGNAL;
        msg.signal = &sig;
        break;
    case CONTROL_REQ_PAUSE:
        msg.req_case = CONTROL__REQUEST__REQ_PAUSE;
        msg.pause = &pause;
        break;
    case CONTROL_REQ_RESUME:
        msg.req_case = CONTROL__REQUEST__REQ_RESUME;
        msg.resume = &resume;
        break;
    case CONTROL_REQ_PROCESSES:
        processes.container_id = (char *)req->container_id;
        msg.req_case = CONTROL__REQUEST__REQ_PROCESSES;
        msg.processes = &processes;
        break;
    case CONTROL_REQ_STATS:
        stats.container_id = (char *)req->container_id;
        msg.req_case = CONTROL__REQUEST__REQ_STATS;
        msg.stats = &stats;
        break;
    case CONTROL_REQ_CHECKPOINT:
        ckpt.leave_running = req->ckpt.leave_running;
        msg.req_case = CONTROL__REQUEST__REQ_CHECKPOINT;
        msg.checkpoint = &ckpt;
        break;
    case CONTROL_REQ_DESTROY:
        destroy.container_id = (char *)req->container_id;
        msg.req_case = CONTROL__REQUEST__REQ_DESTROY;
        msg.destroy = &destroy;
        break;
    case CONTROL_REQ_UPDATE:
        update.container_id = (char *)req->update.container_id;
        update.has_pids_limit = req->update.has_pids_limit;
        update.pids_limit = req->update.pids_limit;
        msg.req_case = CONTROL__REQUEST__REQ_UPDATE;
        msg.update = &update;
        break;
    case CONTROL_REQ_SHUTDOWN:
    case CONTROL_REQ_COUNT_:
        msg.req_case = CONTROL__REQUEST__REQ_SHUTDOWN;
        msg.shutdown = &shutdown;
        break;
    }
    if (pack_checked(&msg.base, out, len, err) < 0)
        return rt_error_wrap(err, "encoding control request");
    return 0;
}

int control_response_encode(const struct control_response *resp, uint8_t **out, size_t *len,
                            rt_error_t *err)
{
    Control__Response msg = CONTROL__RESPONSE__INIT;
    Control__Error error = CONTROL__ERROR__INIT;
    Control__ExecResult exec = CONTROL__EXEC_RESULT__INIT;
    Control__WaitResult wait = CONTROL__WAIT_RESULT__INIT;
    Control__ProcessesResult processes = CONTROL__PROCESSES_RESULT__INIT;
    Control__StatsResult stats = CONTROL__STATS_RESULT__INIT;
    cleanup_free Control__ProcessInfo *infos = NULL;
    cleanup_free Control__ProcessInfo **ptrs = NULL;
    const struct control_stats *s = &resp->stats;

    if (control_response_validate(resp, err) < 0)
        return rt_error_wrap(err, "encoding control response");
    msg.version = CONTROL_VERSION;
    msg.id = resp->id;
    if (resp->errnum != 0) {
        error.errnum = resp->errnum;
        error.message = resp->message;
        msg.error = &error;
    }
    switch (resp->kind) {
    case CONTROL_RESULT_NONE:
        break;
    case CONTROL_RESULT_EXEC:
        exec.pid = resp->exec_pid;
        msg.result_case = CONTROL__RESPONSE__RESULT_EXEC;
        msg.exec = &exec;
        break;
    case CONTROL_RESULT_WAIT:
        wait.wait_status = resp->wait_status;
        msg.result_case = CONTROL__RESPONSE__RESULT_WAIT;
        msg.wait = &wait;
        break;
    case CONTROL_RESULT_PROCESSES:
        infos = xcalloc(resp->processes.n + 1, sizeof(*infos));
        ptrs = xcalloc(resp->processes.n + 1, sizeof(*ptrs));
        for (size_t i = 0; i < resp->processes.n; i++) {
            const struct control_process_info *p = &resp->processes.v[i];

            control__process_info__init(&infos[i]);
            infos[i].pid = p->pid;
            infos[i].ppid = p->ppid;
            infos[i].uid = p->uid;
            infos[i].start_time_ns = p->start_time_ns;
            infos[i].utime_ns = p->utime_ns;
            infos[i].stime_ns = p->stime_ns;
            infos[i].tty = p->tty;
            infos[i].cmd = p->cmd;
            infos[i].host_pid = p->host_pid;
            ptrs[i] = &infos[i];
        }
        processes.n_processes = resp->processes.n;
        processes.processes = ptrs;
        msg.result_case = CONTROL__RESPONSE__RESULT_PROCESSES;
        msg.processes = &processes;
        break;
    case CONTROL_RESULT_STATS:
        stats.cpu_user_ns = s->cpu_user_ns;
        stats.cpu_system_ns = s->cpu_system_ns;
        stats.cpu_total_ns = s->cpu_total_ns;
        stats.memory_usage_bytes = s->memory_usage_bytes;
        stats.memory_max_usage_bytes = s->memory_max_usage_bytes;
        stats.memory_limit_bytes = s->memory_limit_bytes;
        stats.pids_current = s->pids_current;
        stats.pids_limit = s->pids_limit;
        stats.io_read_bytes = s->io_read_bytes;
        stats.io_write_bytes = s->io_write_bytes;
        msg.result_case = CONTROL__RESPONSE__RESULT_STATS;
        msg.stats = &stats;
        break;
    }
    if (pack_checked(&msg.base, out, len, err) < 0)
        return rt_error_wrap(err, "encoding control response");
    return 0;
}

/* ---- protobuf-c -> C ---- */

static uint8_t *dup_bytes(const ProtobufCBinaryData *b)
{
    uint8_t *p = xmalloc(b->len > 0 ? b->len : 1);

    if (b->len > 0)
        memcpy(p, b->data, b->len);
    return p;
}

/* Copies a protobuf-c string; NULL (an absent field) stays NULL for validation to catch. */
static char *dup_str(const char *s)
{
    return s == NULL ? NULL : xstrdup(s);
}

static int stdio_from_pb(const char *field, const Control__Stdio *pb, struct control_stdio *s,
                         rt_error_t *err)
{
    if (pb == NULL)
        return rt_make_error(err, 0, "%s: missing", field);
    s->kind = (enum control_stdio_kind)pb->kind;
    if (pb->console_size != NULL) {
        s->has_console_size = true;
        s->rows = pb->console_size->rows;
        s->cols = pb->console_size->cols;
    }
    return 0;
}

static int create_from_pb(const char *field, const Control__CreateContainer *pb,
                          struct control_create *c, rt_error_t *err)
{
    char sub[48];

    if (pb == NULL)
        return rt_make_error(err, 0, "%s: missing", field);
    c->container_id = dup_str(pb->container_id);
    c->bundle = dup_str(pb->bundle);
    c->spec_json = dup_bytes(&pb->spec_json);
    c->spec_json_len = pb->spec_json.len;
    c->gofer_fd_count = pb->gofer_fd_count;
    c->preserve_fd_count = pb->preserve_fd_count;
    if (pb->n_gofer_mounts > CONTROL_MAX_MOUNTS)
        return rt_make_error(err, 0, "%s.gofer_mounts: more than %d entries", field,
                             CONTROL_MAX_MOUNTS);
    c->gofer_mounts = xcalloc(pb->n_gofer_mounts + 1, sizeof(char *));
    c->n_gofer_mounts = pb->n_gofer_mounts;
    for (size_t i = 0; i < pb->n_gofer_mounts; i++)
        c->gofer_mounts[i] = dup_str(pb->gofer_mounts[i]);
    snprintf(sub, sizeof(sub), "%s.stdio", field);
    return stdio_from_pb(sub, pb->stdio, &c->stdio, err);
}

static int request_from_pb(const Control__Request *pb, struct control_request *r, rt_error_t *err)
{
    switch (pb->req_case) {
    case CONTROL__REQUEST__REQ_CREATE:
        r->kind = CONTROL_REQ_CREATE;
        return create_from_pb("create", pb->create, &r->create, err);
    case CONTROL__REQUEST__REQ_RESTORE:
        r->kind = CONTROL_REQ_RESTORE;
        return create_from_pb("restore.container", pb->restore->container, &r->create, err);
    case CONTROL__REQUEST__REQ_START:
        r->kind = CONTROL_REQ_START;
        r->container_id = dup_str(pb->start->container_id);
        return 0;
    case CONTROL__REQUEST__REQ_EXEC:
        r->kind = CONTROL_REQ_EXEC;
        r->exec.container_id = dup_str(pb->exec->container_id);
        r->exec.process_json = dup_bytes(&pb->exec->process_json);
        r->exec.process_json_len = pb->exec->process_json.len;
        r->exec.preserve_fd_count = pb->exec->preserve_fd_count;
        return stdio_from_pb("exec.stdio", pb->exec->stdio, &r->exec.stdio, err);
    case CONTROL__REQUEST__REQ_WAIT:
        r->kind = CONTROL_REQ_WAIT;
        r->wait.container_id = dup_str(pb->wait->container_id);
        r->wait.pid = pb->wait->pid;
        return 0;
    case CONTROL__REQUEST__REQ_SIGNAL:
        r->kind = CONTROL_REQ_SIGNAL;
        r->signal.container_id = dup_str(pb->signal->container_id);
        r->signal.signo = pb->signal->signo;
        r->signal.target = (enum control_signal_target)pb->signal->target;
        r->signal.pid = pb->signal->pid;
        return 0;
    case CONTROL__REQUEST__REQ_PAUSE:
        r->kind = CONTROL_REQ_PAUSE;
        return 0;
    case CONTROL__REQUEST__REQ_RESUME:
        r->kind = CONTROL_REQ_RESUME;
        return 0;
    case CONTROL__REQUEST__REQ_PROCESSES:
        r->kind = CONTROL_REQ_PROCESSES;
        r->container_id = dup_str(pb->processes->container_id);
        return 0;
    case CONTROL__REQUEST__REQ_STATS:
        r->kind = CONTROL_REQ_STATS;
        r->container_id = dup_str(pb->stats->container_id);
        return 0;
    case CONTROL__REQUEST__REQ_CHECKPOINT:
        r->kind = CONTROL_REQ_CHECKPOINT;
        r->ckpt.leave_running = pb->checkpoint->leave_running != 0;
        return 0;
    case CONTROL__REQUEST__REQ_DESTROY:
        r->kind = CONTROL_REQ_DESTROY;
        r->container_id = dup_str(pb->destroy->container_id);
        return 0;
    case CONTROL__REQUEST__REQ_SHUTDOWN:
        r->kind = CONTROL_REQ_SHUTDOWN;
        return 0;
    case CONTROL__REQUEST__REQ_UPDATE:
        r->kind = CONTROL_REQ_UPDATE;
        r->update.container_id = dup_str(pb->update->container_id);
        r->update.has_pids_limit = pb->update->has_pids_limit != 0;
        r->update.pids_limit = pb->update->pids_limit;
        return 0;
    default:
        break;
    }
    if (pb->req_case == CONTROL__REQUEST__REQ__NOT_SET)
        return rt_make_error(err, 0, "request: no request set");
    return rt_make_error(err, 0, "request: unknown request %d", (int)pb->req_case);
}

/*
 * Refuses what protobuf-c accepts but we do not: a string with an embedded
 * NUL (protobuf-c would silently cut it), a repeated scalar field, or an
 * explicit default all make the repacked message shorter than the input. Our
 * own encoder (protobuf-c) always produces the canonical form, so nothing
 * honest is lost; unknown fields are kept by protobuf-c and so tolerated.
 */
static int check_canonical(const ProtobufCMessage *msg, size_t len, rt_error_t *err)
{
    size_t packed = protobuf_c_message_get_packed_size(msg);

    if (packed != len)
        return rt_make_error(err, 0,
                             "message is not in canonical form (%zu bytes repack to %zu): "
                             "embedded NUL, duplicate or default-valued field",
                             len, packed);
    return 0;
}

/* Frees memory a decoded request owns through its const pointers. */
static void free_const(const void *p)
{
    free((void *)p);
}

static void free_create(struct control_create *c)
{
    free_const(c->container_id);
    free_const(c->bundle);
    free_const(c->spec_json);
    if (c->gofer_mounts != NULL) {
        for (size_t i = 0; i < c->n_gofer_mounts; i++)
            free_const(c->gofer_mounts[i]);
        free_const(c->gofer_mounts);
    }
}

void control_request_free(struct control_request *req)
{
    switch (req->kind) {
    case CONTROL_REQ_CREATE:
    case CONTROL_REQ_RESTORE:
        free_create(&req->create);
        break;
    case CONTROL_REQ_START:
    case CONTROL_REQ_PROCESSES:
    case CONTROL_REQ_STATS:
    case CONTROL_REQ_DESTROY:
        free_const(req->container_id);
        break;
    case CONTROL_REQ_EXEC:
        free_const(req->exec.container_id);
        free_const(req->exec.process_json);
        break;
    case CONTROL_REQ_WAIT:
        free_const(req->wait.container_id);
        break;
    case CONTROL_REQ_SIGNAL:
        free_const(req->signal.container_id);
        break;
    case CONTROL_REQ_UPDATE:
        free_const(req->update.container_id);
        break;
    default:
        break;
    }
    rt_close_fd_array(req->fds, req->nfds);
    memset(req, 0, sizeof(*req));
}

static int decode_request_body(const uint8_t *buf, size_t len, struct control_request *out,
                               rt_error_t *err)
{
    Control__Request *pb;
    int ret = -1;

    if (len > RT_FRAME_MAX)
        return rt_make_error(err, EMSGSIZE, "control message of %zu bytes", len);
    pb = control__request__unpack(NULL, len, buf);
    if (pb == NULL)
        return rt_make_error(err, EINVAL, "malformed control request (%zu bytes)", len);
    out->id = pb->id;
    if (pb->version != CONTROL_VERSION) {
        rt_make_error(err, EPROTONOSUPPORT,
                      "control protocol version %u is not supported (this sandbox speaks %d)",
                      pb->version, CONTROL_VERSION);
        goto out;
    }
    if (check_canonical(&pb->base, len, err) < 0 || request_from_pb(pb, out, err) < 0 ||
        validate_request(out, err) < 0) {
        (*err)->status = EINVAL;
        goto out;
    }
    ret = 0;
out:
    control__request__free_unpacked(pb, NULL);
    return ret;
}

int control_request_decode(const uint8_t *buf, size_t len, int *fds, size_t nfds,
                           struct control_request *out, rt_error_t *err)
{
    size_t want;
    uint64_t id;

    memset(out, 0, sizeof(*out));
    if (nfds > CONTROL_MAX_FDS) {
        rt_close_fd_array(fds, nfds);
        return rt_make_error(err, EINVAL, "control request with %zu descriptors", nfds);
    }
    if (decode_request_body(buf, len, out, err) < 0) {
        id = out->id;
        control_request_free(out);
        out->id = id;
        rt_close_fd_array(fds, nfds);
        return rt_error_wrap(err, "decoding control request");
    }
    want = control_request_fd_count(out);
    if (want != nfds) {
        id = out->id;
        control_request_free(out);
        out->id = id;
        rt_close_fd_array(fds, nfds);
        return rt_make_error(err, EINVAL,
                             "decoding control request: expected %zu descriptors, received %zu",
                             want, nfds);
    }
    for (size_t i = 0; i < nfds; i++) {
        out->fds[i] = fds[i];
        fds[i] = -1;
    }
    out->nfds = nfds;
    return 0;
}

void control_response_free(struct control_response *resp)
{
    free(resp->message);
    if (resp->kind == CONTROL_RESULT_PROCESSES && resp->processes.v != NULL) {
        for (size_t i = 0; i < resp->processes.n; i++) {
            free(resp->processes.v[i].tty);
            free(resp->processes.v[i].cmd);
        }
        free(resp->processes.v);
    }
    memset(resp, 0, sizeof(*resp));
}

static int response_from_pb(const Control__Response *pb, struct control_response *r,
                            rt_error_t *err)
{
    if (pb->error != NULL) {
        r->errnum = pb->error->errnum;
        r->message = dup_str(pb->error->message);
        if (r->errnum == 0)
            return rt_make_error(err, 0, "error.errnum: 0 in an error");
    }
    switch (pb->result_case) {
    case CONTROL__RESPONSE__RESULT__NOT_SET:
        return 0;
    case CONTROL__RESPONSE__RESULT_EXEC:
        r->kind = CONTROL_RESULT_EXEC;
        r->exec_pid = pb->exec->pid;
        return 0;
    case CONTROL__RESPONSE__RESULT_WAIT:
        r->kind = CONTROL_RESULT_WAIT;
        r->wait_status = pb->wait->wait_status;
        return 0;
    case CONTROL__RESPONSE__RESULT_PROCESSES:
        r->kind = CONTROL_RESULT_PROCESSES;
        if (pb->processes->n_processes > CONTROL_MAX_PROCESSES)
            return rt_make_error(err, 0, "processes: more than %d entries", CONTROL_MAX_PROCESSES);
        r->processes.v = xcalloc(pb->processes->n_processes + 1, sizeof(*r->processes.v));
        r->processes.n = pb->processes->n_processes;
        for (size_t i = 0; i < r->processes.n; i++) {
            const Control__ProcessInfo *p = pb->processes->processes[i];
            struct control_process_info *q = &r->processes.v[i];

            q->pid = p->pid;
            q->ppid = p->ppid;
            q->uid = p->uid;
            q->start_time_ns = p->start_time_ns;
            q->utime_ns = p->utime_ns;
            q->stime_ns = p->stime_ns;
            q->tty = dup_str(p->tty);
            q->cmd = dup_str(p->cmd);
            q->host_pid = p->host_pid;
        }
        return 0;
    case CONTROL__RESPONSE__RESULT_STATS: {
        const Control__StatsResult *s = pb->stats;

        r->kind = CONTROL_RESULT_STATS;
        r->stats = (struct control_stats){
            .cpu_user_ns = s->cpu_user_ns,
            .cpu_system_ns = s->cpu_system_ns,
            .cpu_total_ns = s->cpu_total_ns,
            .memory_usage_bytes = s->memory_usage_bytes,
            .memory_max_usage_bytes = s->memory_max_usage_bytes,
            .memory_limit_bytes = s->memory_limit_bytes,
            .pids_current = s->pids_current,
            .pids_limit = s->pids_limit,
            .io_read_bytes = s->io_read_bytes,
            .io_write_bytes = s->io_write_bytes,
        };
        return 0;
    }
    default:
        break;
    }
    return rt_make_error(err, 0, "response: unknown result %d", (int)pb->result_case);
}

int control_response_decode(const uint8_t *buf, size_t len, int *fds, size_t nfds,
                            struct control_response *out, rt_error_t *err)
{
    Control__Response *pb;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    rt_close_fd_array(fds, nfds);
    if (nfds > 0)
        return rt_make_error(err, EINVAL, "decoding control response: %zu unexpected descriptors",
                             nfds);
    if (len > RT_FRAME_MAX)
        return rt_make_error(err, EMSGSIZE, "decoding control response of %zu bytes", len);
    pb = control__response__unpack(NULL, len, buf);
    if (pb == NULL)
        return rt_make_error(err, EINVAL, "decoding control response: malformed (%zu bytes)", len);
    out->id = pb->id;
    if (pb->version != CONTROL_VERSION) {
        rt_make_error(err, EPROTONOSUPPORT, "control protocol version %u is not supported",
                      pb->version);
    } else if (check_canonical(&pb->base, len, err) < 0 || response_from_pb(pb, out, err) < 0 ||
               validate_response(out, err) < 0) {
        (*err)->status = EINVAL;
    } else {
        ret = 0;
    }
    control__response__free_unpacked(pb, NULL);
    if (ret < 0) {
        control_response_free(out);
        return rt_error_wrap(err, "decoding control response");
    }
    return 0;
}

void control_response_set_error(struct control_response *resp, uint64_t id, int errnum,
                                const char *msg)
{
    size_t n;

    control_response_free(resp);
    resp->id = id;
    resp->errnum = errnum > 0 && errnum <= 4095 ? errnum : EIO;
    if (msg == NULL || msg[0] == '\0')
        msg = "request failed";
    n = strnlen(msg, CONTROL_MSG_MAX);
    /* Cut on a character boundary: never leave half of a UTF-8 sequence. */
    if (n == CONTROL_MSG_MAX) {
        while (n > 0 && ((unsigned char)msg[n] & 0xc0) == 0x80)
            n--;
    }
    resp->message = xstrndup(msg, n);
}

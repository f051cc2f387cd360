// SPDX-License-Identifier: Apache-2.0
// Tests of the control-socket codec, server and client: round trips, hostile input, concurrency.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boot/boot.h"
#include "common/common.h"
#include "common/wire.h"
#include "proto/control_codec.h"
#include "sandbox/sandbox.h"
#include "tests/unit/tap.h"

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.')
            n++;
    }
    closedir(d);
    return n - 1; /* the DIR's own fd */
}

static bool fd_is_open(int fd)
{
    return fcntl(fd, F_GETFD) >= 0;
}

/* Opens n fds on /dev/null. */
static void open_fds(int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* Encodes `req` and decodes it back with `nfds` fresh fds. Returns the decode result. */
static int round_trip(const struct control_request *req, size_t nfds, struct control_request *out,
                      rt_error_t *err)
{
    cleanup_free uint8_t *buf = NULL;
    int fds[CONTROL_MAX_FDS];
    size_t len = 0;

    if (control_request_encode(req, &buf, &len, err) < 0)
        return -1;
    open_fds(fds, nfds);
    return control_request_decode(buf, len, fds, nfds, out, err);
}

static char g_spec[] = "{\"ociVersion\":\"1.0.2\"}";
static char g_proc[] = "{\"args\":[\"sh\"]}";
static const char *g_mounts[] = { "/data", "/etc/hosts" };

static struct control_request create_req(enum control_request_kind kind)
{
    struct control_request r = { .id = 7, .kind = kind };

    r.create.container_id = "ctr-1_a.b+c";
    r.create.bundle = "/run/bundle";
    r.create.spec_json = (uint8_t *)g_spec;
    r.create.spec_json_len = strlen(g_spec);
    r.create.stdio.kind = CONTROL_STDIO_TTY;
    r.create.stdio.has_console_size = true;
    r.create.stdio.rows = 24;
    r.create.stdio.cols = 80;
    r.create.gofer_fd_count = 3;
    r.create.gofer_mounts = g_mounts;
    r.create.n_gofer_mounts = 2;
    r.create.preserve_fd_count = 2;
    return r;
}

static void test_round_trips(void)
{
    struct control_request in, out;
    cleanup_error rt_error_t err = NULL;
    int before = count_fds();

    /* create: 1 tty + 3 gofer + 2 preserved */
    in = create_req(CONTROL_REQ_CREATE);
    tap_ok(control_request_fd_count(&in) == 6, "create needs 6 fds");
    if (tap_ok(round_trip(&in, 6, &out, &err) == 0, "create round trip %s", rt_error_msg(err))) {
        tap_ok(out.kind == CONTROL_REQ_CREATE && out.id == 7, "create kind and id");
        TAP_STR_EQ(out.create.container_id, "ctr-1_a.b+c", "create id");
        TAP_STR_EQ(out.create.bundle, "/run/bundle", "create bundle");
        tap_ok(out.create.spec_json_len == strlen(g_spec) &&
                   memcmp(out.create.spec_json, g_spec, strlen(g_spec)) == 0,
               "create spec bytes");
        tap_ok(out.create.stdio.kind == CONTROL_STDIO_TTY && out.create.stdio.has_console_size &&
                   out.create.stdio.rows == 24 && out.create.stdio.cols == 80,
               "create stdio");
        tap_ok(out.create.n_gofer_mounts == 2 &&
                   strcmp(out.create.gofer_mounts[1], "/etc/hosts") == 0,
               "create gofer mounts");
        tap_ok(out.create.gofer_fd_count == 3 && out.create.preserve_fd_count == 2,
               "create counts");
        tap_ok(out.nfds == 6 && fd_is_open(out.fds[0]) && fd_is_open(out.fds[5]),
               "create fds moved into the request");
        control_request_free(&out);
    }
    rt_error_release(&err);

    in = create_req(CONTROL_REQ_RESTORE);
    in.create.stdio = (struct control_stdio){ .kind = CONTROL_STDIO_NULL };
    in.create.gofer_fd_count = 0;
    in.create.n_gofer_mounts = 0;
    in.create.preserve_fd_count = 0;
    tap_ok(control_request_fd_count(&in) == 1, "restore needs the image fd");
    if (tap_ok(round_trip(&in, 1, &out, &err) == 0, "restore round trip %s", rt_error_msg(err))) {
        tap_ok(out.kind == CONTROL_REQ_RESTORE && out.create.stdio.kind == CONTROL_STDIO_NULL &&
                   !out.create.stdio.has_console_size,
               "restore fields");
        control_request_free(&out);
    }
    rt_error_release(&err);

    static const enum control_request_kind id_kinds[] = { CONTROL_REQ_START, CONTROL_REQ_PROCESSES,
                                                          CONTROL_REQ_STATS, CONTROL_REQ_DESTROY };
    for (size_t i = 0; i < ARRAY_SIZE(id_kinds); i++) {
        in = (struct control_request){ .id = 100 + i, .kind = id_kinds[i] };
        in.container_id = "abc";
        if (tap_ok(round_trip(&in, 0, &out, &err) == 0, "%s round trip",
                   control_request_kind_name(id_kinds[i]))) {
            tap_ok(out.kind == id_kinds[i] && out.id == 100 + i &&
                       strcmp(out.container_id, "abc") == 0,
                   "%s fields", control_request_kind_name(id_kinds[i]));
            control_request_free(&out);
        }
        rt_error_release(&err);
    }

    in = (struct control_request){ .id = UINT64_MAX, .kind = CONTROL_REQ_EXEC };
    in.exec.container_id = "abc";
    in.exec.process_json = (uint8_t *)g_proc;
    in.exec.process_json_len = strlen(g_proc);
    in.exec.stdio.kind = CONTROL_STDIO_FDS;
    in.exec.preserve_fd_count = 1;
    if (tap_ok(round_trip(&in, 4, &out, &err) == 0, "exec round trip %s", rt_error_msg(err))) {
        tap_ok(out.id == UINT64_MAX && out.exec.process_json_len == strlen(g_proc) &&
                   out.exec.stdio.kind == CONTROL_STDIO_FDS && out.exec.preserve_fd_count == 1 &&
                   out.nfds == 4,
               "exec fields");
        control_request_free(&out);
    }
    rt_error_release(&err);

    in = (struct control_request){ .id = 3, .kind = CONTROL_REQ_WAIT };
    in.wait.container_id = "abc";
    in.wait.pid = 12;
    if (tap_ok(round_trip(&in, 0, &out, &err) == 0, "wait round trip")) {
        tap_ok(out.wait.pid == 12 && strcmp(out.wait.container_id, "abc") == 0, "wait fields");
        control_request_free(&out);
    }
    rt_error_release(&err);

    in = (struct control_request){ .id = 4, .kind = CONTROL_REQ_SIGNAL };
    in.signal = (struct control_signal){ "abc", 9, CONTROL_SIGNAL_PROCESS, 33 };
    if (tap_ok(round_trip(&in, 0, &out, &err) == 0, "signal round trip")) {
        tap_ok(out.signal.signo == 9 && out.signal.target == CONTROL_SIGNAL_PROCESS &&
                   out.signal.pid == 33,
               "signal fields");
        control_request_free(&out);
    }
    rt_error_release(&err);

    in = (struct control_request){ .id = 6, .kind = CONTROL_REQ_UPDATE };
    in.update = (struct control_update){ "abc", true, 64 };
    if (tap_ok(round_trip(&in, 0, &out, &err) == 0, "update round trip")) {
        tap_ok(strcmp(out.update.container_id, "abc") == 0 && out.update.has_pids_limit &&
                   out.update.pids_limit == 64,
               "update fields");
        control_request_free(&out);
    }
    rt_error_release(&err);
    in = (struct control_request){ .id = 6, .kind = CONTROL_REQ_UPDATE };
    in.update = (struct control_update){ "", true, 64 };
    tap_ok(round_trip(&in, 0, &out, &err) < 0, "update without a container id is refused");
    rt_error_release(&err);

    static const enum control_request_kind empty_kinds[] = { CONTROL_REQ_PAUSE, CONTROL_REQ_RESUME,
                                                             CONTROL_REQ_SHUTDOWN };
    for (size_t i = 0; i < ARRAY_SIZE(empty_kinds); i++) {
        in = (struct control_request){ .id = 9, .kind = empty_kinds[i] };
        if (tap_ok(round_trip(&in, 0, &out, &err) == 0, "%s round trip",
                   control_request_kind_name(empty_kinds[i]))) {
            tap_ok(out.kind == empty_kinds[i], "%s kind",
                   control_request_kind_name(empty_kinds[i]));
            control_request_free(&out);
        }
        rt_error_release(&err);
    }

    in = (struct control_request){ .id = 5, .kind = CONTROL_REQ_CHECKPOINT };
    in.ckpt.leave_running = true;
    if (tap_ok(round_trip(&in, 1, &out, &err) == 0, "checkpoint round trip")) {
        tap_ok(out.ckpt.leave_running && out.nfds == 1, "checkpoint fields");
        control_request_free(&out);
    }
    rt_error_release(&err);
    tap_ok(count_fds() == before, "request round trips leak no fds (%d -> %d)", before,
           count_fds());
}

static int response_round_trip(const struct control_response *in, struct control_response *out,
                               rt_error_t *err)
{
    cleanup_free uint8_t *buf = NULL;
    size_t len = 0;

    if (control_response_encode(in, &buf, &len, err) < 0)
        return -1;
    return control_response_decode(buf, len, NULL, 0, out, err);
}

static void test_response_round_trips(void)
{
    struct control_response in = { 0 }, out;
    struct control_process_info procs[2] = {
        { 1, 0, 0, 10, 20, 30, (char *)"", (char *)"/sbin/init", 4242 },
        { 7, 1, 1000, 11, 21, 31, (char *)"pts/0", (char *)"sh -c sleep", 0 },
    };
    cleanup_error rt_error_t err = NULL;

    in = (struct control_response){ .id = 1 };
    if (tap_ok(response_round_trip(&in, &out, &err) == 0, "empty response round trip")) {
        tap_ok(out.id == 1 && out.errnum == 0 && out.kind == CONTROL_RESULT_NONE &&
                   out.message == NULL,
               "empty response fields");
        control_response_free(&out);
    }
    rt_error_release(&err);

    control_response_set_error(&in, 2, ENOENT, "container `x` does not exist");
    if (tap_ok(response_round_trip(&in, &out, &err) == 0, "error response round trip")) {
        tap_ok(out.id == 2 && out.errnum == ENOENT, "error response errnum");
        TAP_STR_EQ(out.message, "container `x` does not exist", "error response message");
        control_response_free(&out);
    }
    control_response_free(&in);
    rt_error_release(&err);

    in = (struct control_response){ .id = 3, .kind = CONTROL_RESULT_EXEC, .exec_pid = 77 };
    if (tap_ok(response_round_trip(&in, &out, &err) == 0, "exec result round trip")) {
        tap_ok(out.kind == CONTROL_RESULT_EXEC && out.exec_pid == 77, "exec result fields");
        control_response_free(&out);
    }
    rt_error_release(&err);

    in = (struct control_response){ .id = 4, .kind = CONTROL_RESULT_WAIT, .wait_status = 9 };
    if (tap_ok(response_round_trip(&in, &out, &err) == 0, "wait result round trip")) {
        tap_ok(out.kind == CONTROL_RESULT_WAIT && out.wait_status == 9, "wait result fields");
        control_response_free(&out);
    }
    rt_error_release(&err);

    in = (struct control_response){ .id = 5, .kind = CONTROL_RESULT_PROCESSES };
    in.processes.v = procs;
    in.processes.n = 2;
    if (tap_ok(response_round_trip(&in, &out, &err) == 0, "processes result round trip %s",
               rt_error_msg(err))) {
        tap_ok(out.processes.n == 2 && out.processes.v[0].host_pid == 4242 &&
                   out.processes.v[1].uid == 1000 && out.processes.v[1].stime_ns == 31 &&
                   strcmp(out.processes.v[1].tty, "pts/0") == 0 &&
                   strcmp(out.processes.v[0].cmd, "/sbin/init") == 0,
               "processes result fields");
        control_response_free(&out);
    }
    rt_error_release(&err);

    in = (struct control_response){ .id = 6, .kind = CONTROL_RESULT_STATS };
    in.stats = (struct control_stats){ 1, 2, 3, 4, 5, 6, 7, 8, 9, UINT64_MAX };
    if (tap_ok(response_round_trip(&in, &out, &err) == 0, "stats result round trip")) {
        tap_ok(out.stats.cpu_user_ns == 1 && out.stats.pids_limit == 8 &&
                   out.stats.io_write_bytes == UINT64_MAX,
               "stats result fields");
        control_response_free(&out);
    }
    rt_error_release(&err);

    /* A response that mixes an error and a result is refused both ways. */
    in = (struct control_response){
        .id = 7, .errnum = EIO, .message = (char *)"x", .kind = CONTROL_RESULT_WAIT
    };
    {
        cleanup_free uint8_t *buf = NULL;
        size_t len;

        tap_ok(control_response_encode(&in, &buf, &len, &err) < 0 && rt_error_status(err) == EINVAL,
               "error plus result refused");
        rt_error_release(&err);
    }
    /* Responses carry no fds: any that arrive are closed and refused. */
    {
        int fds[2];
        uint8_t b[1] = { 0 };

        open_fds(fds, 2);
        tap_ok(control_response_decode(b, 0, fds, 2, &out, &err) < 0 && !fd_is_open(fds[0]) &&
                   !fd_is_open(fds[1]),
               "response with fds refused, fds closed");
        rt_error_release(&err);
    }
}

/* Decodes raw bytes with no fds; returns the error status (0 on success). */
static int decode_raw(const uint8_t *b, size_t len, uint64_t *id)
{
    struct control_request out;
    cleanup_error rt_error_t err = NULL;
    int status = 0;

    if (control_request_decode(b, len, NULL, 0, &out, &err) < 0) {
        status = rt_error_status(err);
        if (id)
            *id = out.id;
        return status;
    }
    if (id)
        *id = out.id;
    control_request_free(&out);
    return 0;
}

static void test_bad_requests(void)
{
    /* version 2, id 5, shutdown{} */
    static const uint8_t v2[] = { 0x08, 0x02, 0x10, 0x05, 0xb2, 0x01, 0x00 };
    /* version 1, id 5, shutdown{}: the valid baseline */
    static const uint8_t v1[] = { 0x08, 0x01, 0x10, 0x05, 0xb2, 0x01, 0x00 };
    /* no version */
    static const uint8_t v0[] = { 0x10, 0x05, 0xb2, 0x01, 0x00 };
    /* version 1, id 5, no request */
    static const uint8_t none[] = { 0x08, 0x01, 0x10, 0x05 };
    /* start{container_id:"a\0b"} */
    static const uint8_t nul[] = { 0x08, 0x01, 0x5a, 0x05, 0x0a, 0x03, 'a', 0, 'b' };
    /* start{container_id:"a/b"} */
    static const uint8_t slash[] = { 0x08, 0x01, 0x5a, 0x05, 0x0a, 0x03, 'a', '/', 'b' };
    /* start{container_id:".."} */
    static const uint8_t dotdot[] = { 0x08, 0x01, 0x5a, 0x04, 0x0a, 0x02, '.', '.' };
    /* start{} (empty id) */
    static const uint8_t empty[] = { 0x08, 0x01, 0x5a, 0x00 };
    /* signal{id:"a", signo:9, target:9} */
    static const uint8_t target[] = { 0x08, 0x01, 0x72, 0x07, 0x0a, 0x01,
                                      'a',  0x10, 0x09, 0x18, 0x09 };
    /* signal{id:"a", signo:65, target:INIT} */
    static const uint8_t signo[] = {
        0x08, 0x01, 0x72, 0x07, 0x0a, 0x01, 'a', 0x10, 0x41, 0x18, 0x02
    };
    /* version field duplicated (1 then 1): not canonical */
    static const uint8_t dup[] = { 0x08, 0x01, 0x08, 0x01, 0x10, 0x05, 0xb2, 0x01, 0x00 };
    /* unknown request field 30 */
    static const uint8_t unknown_req[] = { 0x08, 0x01, 0xf2, 0x01, 0x00 };
    uint64_t id = 0;

    tap_ok(decode_raw(v1, sizeof(v1), &id) == 0 && id == 5, "hand-made shutdown decodes");
    id = 0;
    tap_ok(decode_raw(v2, sizeof(v2), &id) == EPROTONOSUPPORT && id == 5,
           "version 2 is EPROTONOSUPPORT with the id kept");
    tap_ok(decode_raw(v0, sizeof(v0), NULL) == EPROTONOSUPPORT, "missing version refused");
    tap_ok(decode_raw(none, sizeof(none), NULL) == EINVAL, "missing oneof refused");
    tap_ok(decode_raw(nul, sizeof(nul), NULL) == EINVAL, "embedded NUL in an id refused");
    tap_ok(decode_raw(slash, sizeof(slash), NULL) == EINVAL, "id with / refused");
    tap_ok(decode_raw(dotdot, sizeof(dotdot), NULL) == EINVAL, "id .. refused");
    tap_ok(decode_raw(empty, sizeof(empty), NULL) == EINVAL, "empty id refused");
    tap_ok(decode_raw(target, sizeof(target), NULL) == EINVAL, "unknown signal target refused");
    tap_ok(decode_raw(signo, sizeof(signo), NULL) == EINVAL, "signal 65 refused");
    tap_ok(decode_raw(dup, sizeof(dup), NULL) == EINVAL, "duplicated field refused");
    tap_ok(decode_raw(unknown_req, sizeof(unknown_req), NULL) == EINVAL,
           "unknown request field refused");
    tap_ok(decode_raw(v1, 0, NULL) == EPROTONOSUPPORT, "empty message refused");

    /* The encoder validates too. */
    {
        struct control_request r = { .id = 1, .kind = CONTROL_REQ_START };
        char long_id[CONTROL_ID_MAX + 2];
        cleanup_error rt_error_t err = NULL;
        uint8_t *buf = NULL, *big;
        size_t len;
        const char *bad[] = { "", ".", "..", "a b", "a/b", "é", long_id };

        memset(long_id, 'a', sizeof(long_id) - 1);
        long_id[sizeof(long_id) - 1] = '\0';
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
            r.container_id = (char *)bad[i];
            tap_ok(control_request_encode(&r, &buf, &len, &err) < 0 &&
                       rt_error_status(err) == EINVAL,
                   "bad id #%zu refused by the encoder", i);
            rt_error_release(&err);
        }
        long_id[CONTROL_ID_MAX] = '\0';
        r.container_id = long_id;
        tap_ok(control_request_encode(&r, &buf, &len, &err) == 0, "id of %d bytes accepted",
               CONTROL_ID_MAX);
        free(buf);

        r = create_req(CONTROL_REQ_CREATE);
        r.create.gofer_fd_count = 2; /* 2 mounts need 3 */
        tap_ok(control_request_encode(&r, &buf, &len, &err) < 0, "gofer count mismatch refused");
        rt_error_release(&err);
        r = create_req(CONTROL_REQ_CREATE);
        r.create.preserve_fd_count = UINT32_MAX;
        tap_ok(control_request_encode(&r, &buf, &len, &err) < 0, "huge preserve count refused");
        rt_error_release(&err);
        r = create_req(CONTROL_REQ_CREATE);
        r.create.stdio.kind = CONTROL_STDIO_FDS; /* console size only with a tty */
        tap_ok(control_request_encode(&r, &buf, &len, &err) < 0,
               "console size without tty refused");
        rt_error_release(&err);
        r = create_req(CONTROL_REQ_CREATE);
        r.create.stdio.kind = (enum control_stdio_kind)7;
        tap_ok(control_request_encode(&r, &buf, &len, &err) < 0, "stdio kind 7 refused");
        rt_error_release(&err);
        r = create_req(CONTROL_REQ_CREATE);
        g_mounts[0] = "relative";
        tap_ok(control_request_encode(&r, &buf, &len, &err) < 0, "relative mount refused");
        g_mounts[0] = "/data";
        rt_error_release(&err);
        r = create_req(CONTROL_REQ_CREATE);
        r.create.spec_json_len = RT_FRAME_MAX + 1;
        big = xmalloc0(r.create.spec_json_len);
        r.create.spec_json = big;
        tap_ok(control_request_encode(&r, &buf, &len, &err) < 0 && rt_error_status(err) == EMSGSIZE,
               "oversize request refused with EMSGSIZE");
        free(big);
        rt_error_release(&err);
        r = (struct control_request){ .id = 1, .kind = CONTROL_REQ_SIGNAL };
        r.signal = (struct control_signal){ "a", 15, CONTROL_SIGNAL_ALL, 5 };
        tap_ok(control_request_encode(&r, &buf, &len, &err) < 0, "pid with target ALL refused");
        rt_error_release(&err);
        r = (struct control_request){ .id = 1, .kind = CONTROL_REQ_WAIT };
        r.wait = (struct control_wait){ "a", -1 };
        tap_ok(control_request_encode(&r, &buf, &len, &err) < 0, "negative wait pid refused");
        rt_error_release(&err);
    }
}

static void test_fd_mismatch(void)
{
    struct control_request in = create_req(CONTROL_REQ_CREATE), out;
    cleanup_error rt_error_t err = NULL;
    cleanup_free uint8_t *buf = NULL;
    int fds[8];
    size_t len;
    int before = count_fds();

    control_request_encode(&in, &buf, &len, &err);
    for (size_t n = 0; n <= 8; n++) {
        bool closed = true;

        if (n == 6)
            continue;
        open_fds(fds, n);
        tap_ok(control_request_decode(buf, len, fds, n, &out, &err) < 0 &&
                   rt_error_status(err) == EINVAL,
               "create with %zu fds instead of 6 refused", n);
        for (size_t i = 0; i < n; i++)
            closed = closed && !fd_is_open(fds[i]);
        tap_ok(closed, "the %zu received fds were closed", n);
        rt_error_release(&err);
    }
    /* A bad message with fds closes them too. */
    open_fds(fds, 3);
    tap_ok(control_request_decode((const uint8_t *)"\xff\xff", 2, fds, 3, &out, &err) < 0 &&
               !fd_is_open(fds[0]) && !fd_is_open(fds[2]),
           "garbage with fds: fds closed");
    rt_error_release(&err);
    tap_ok(count_fds() == before, "fd mismatches leak no fds (%d -> %d)", before, count_fds());
}

static void test_fuzz(void)
{
    struct control_request reqs[4] = { create_req(CONTROL_REQ_CREATE) };
    uint8_t *enc[4] = { NULL };
    size_t enc_len[4] = { 0 };
    unsigned seed = 0xc0ffee, accepted = 0, refused = 0;
    int fds[4];
    int before = count_fds();
    bool ok = true;

    reqs[1] = (struct control_request){ .id = 2, .kind = CONTROL_REQ_SIGNAL };
    reqs[1].signal = (struct control_signal){ "abc", 9, CONTROL_SIGNAL_PROCESS, 33 };
    reqs[2] = (struct control_request){ .id = 3, .kind = CONTROL_REQ_EXEC };
    reqs[2].exec = (struct control_exec){
        "abc", (uint8_t *)g_proc, strlen(g_proc), { CONTROL_STDIO_FDS, false, 0, 0 }, 1
    };
    reqs[3] = create_req(CONTROL_REQ_RESTORE);
    for (size_t i = 0; i < 4; i++) {
        rt_error_t err = NULL;

        if (control_request_encode(&reqs[i], &enc[i], &enc_len[i], &err) < 0) {
            tap_diag("encode %zu: %s", i, rt_error_msg(err));
            rt_error_release(&err);
        }
    }
    /* Truncations: every prefix of every message. */
    for (size_t i = 0; i < 4; i++) {
        for (size_t l = 0; l < enc_len[i]; l++) {
            struct control_request out;
            rt_error_t err = NULL;

            if (control_request_decode(enc[i], l, NULL, 0, &out, &err) == 0) {
                accepted++;
                control_request_free(&out);
            } else {
                refused++;
                rt_error_release(&err);
            }
        }
    }
    tap_ok(accepted + refused > 0,
           "truncations: %u refused, %u accepted (prefixes that are "
           "themselves valid)",
           refused, accepted);
    /* Random bytes, and random mutations of valid messages, with random fd counts. */
    for (int iter = 0; iter < 6000; iter++) {
        uint8_t buf[512];
        size_t len, nfds = (size_t)(rand_r(&seed) % 4);
        struct control_request out;
        rt_error_t err = NULL;

        if (iter % 2 == 0) {
            len = (size_t)(rand_r(&seed) % sizeof(buf));
            for (size_t k = 0; k < len; k++)
                buf[k] = (uint8_t)rand_r(&seed);
        } else {
            size_t m = (size_t)(rand_r(&seed) % 4), flips = 1 + (size_t)(rand_r(&seed) % 4);

            len = enc_len[m] < sizeof(buf) ? enc_len[m] : sizeof(buf);
            memcpy(buf, enc[m], len);
            for (size_t k = 0; k < flips && len > 0; k++)
                buf[(size_t)rand_r(&seed) % len] = (uint8_t)rand_r(&seed);
        }
        open_fds(fds, nfds);
        if (control_request_decode(buf, len, fds, nfds, &out, &err) == 0) {
            /* Whatever got through must be valid and carry exactly its fds. */
            rt_error_t verr = NULL;

            if (control_request_validate(&out, &verr) < 0 ||
                control_request_fd_count(&out) != out.nfds) {
                ok = false;
                rt_error_release(&verr);
            }
            control_request_free(&out);
        } else {
            for (size_t k = 0; k < nfds; k++)
                ok = ok && !fd_is_open(fds[k]);
            rt_error_release(&err);
        }
        /* Responses get the same treatment. */
        {
            struct control_response r;

            if (control_response_decode(buf, len, NULL, 0, &r, &err) == 0) {
                rt_error_t verr = NULL;

                if (control_response_validate(&r, &verr) < 0) {
                    ok = false;
                    rt_error_release(&verr);
                }
                control_response_free(&r);
            } else {
                rt_error_release(&err);
            }
        }
    }
    tap_ok(ok, "6000 random and mutated messages: no invalid request accepted, fds closed");
    tap_ok(count_fds() == before, "fuzzing leaks no fds (%d -> %d)", before, count_fds());
    for (size_t i = 0; i < 4; i++)
        free(enc[i]);
}

/* ---- the server ---- */

struct test_ctx {
    int release_fd;        /* eventfd: a blocked wait returns when it is written */
    atomic_int waits_gone; /* waits that saw their client leave */
    atomic_int waits_done;
    atomic_int signals;
    atomic_int created_fds; /* fds a create handler received */
};

static int h_create(void *ctx, const struct control_create *c, int *fds, size_t nfds,
                    rt_error_t *err)
{
    struct test_ctx *t = ctx;
    int kept = take_fd(&fds[0]);

    atomic_store(&t->created_fds, (int)nfds);
    close(kept);
    return 0;
}

static int h_exec(void *ctx, const struct control_exec *e, int *fds, size_t nfds, int32_t *pid,
                  rt_error_t *err)
{
    *pid = 42;
    return 0;
}

static int h_wait(void *ctx, struct control_conn *conn, const struct control_wait *w,
                  int32_t *status, rt_error_t *err)
{
    struct test_ctx *t = ctx;
    int ret = control_conn_wait(conn, t->release_fd, 10000, err);

    if (ret < 0) {
        atomic_fetch_add(&t->waits_gone, 1);
        return -1;
    }
    if (ret == 0)
        return rt_make_error(err, ETIMEDOUT, "wait timed out");
    atomic_fetch_add(&t->waits_done, 1);
    *status = w->pid << 8; /* "exited with status pid" */
    return 0;
}

static int h_signal(void *ctx, const struct control_signal *s, rt_error_t *err)
{
    struct test_ctx *t = ctx;

    atomic_fetch_add(&t->signals, 1);
    return 0;
}

static int h_processes(void *ctx, const char *id, struct control_process_info **v, size_t *n,
                       rt_error_t *err)
{
    *v = xcalloc(1, sizeof(**v));
    (*v)[0] = (struct control_process_info){ .pid = 1, .tty = xstrdup(""), .cmd = xstrdup("init") };
    *n = 1;
    return 0;
}

static int h_stats(void *ctx, const char *id, struct control_stats *out, rt_error_t *err)
{
    out->pids_current = 3;
    return 0;
}

static int h_destroy(void *ctx, const char *id, rt_error_t *err)
{
    return rt_make_error(err, ENOENT, "container `%s` does not exist", id);
}

struct server_thread {
    struct control_server *srv;
    pthread_t tid;
    int ret;
};

static void *run_server(void *arg)
{
    struct server_thread *st = arg;
    rt_error_t err = NULL;

    st->ret = control_server_run(st->srv, &err);
    if (st->ret < 0) {
        tap_diag("server: %s", rt_error_msg(err));
        rt_error_release(&err);
    }
    return NULL;
}

struct wait_call {
    const char *path;
    pthread_t tid;
    int ret;
    int status;
    int wait_status;
    int32_t pid;
};

static void *call_wait(void *arg)
{
    struct wait_call *w = arg;
    struct control_request r = { .id = 77, .kind = CONTROL_REQ_WAIT };
    struct control_response resp;
    rt_error_t err = NULL;

    r.wait = (struct control_wait){ "ctr", w->pid };
    w->ret = control_call(w->path, &r, NULL, 0, &resp, &err);
    w->status = rt_error_status(err);
    if (w->ret == 0)
        w->wait_status = resp.wait_status;
    control_response_free(&resp);
    rt_error_release(&err);
    return NULL;
}

static bool wait_active(struct control_server *s, unsigned n)
{
    for (int i = 0; i < 500; i++) {
        if (control_server_active(s) == n)
            return true;
        usleep(10000);
    }
    return false;
}

static int simple_call(const char *path, struct control_request *r, const int *fds, size_t nfds,
                       struct control_response *resp, rt_error_t *err)
{
    return control_call_timeout(path, r, fds, nfds, 5000, resp, err);
}

static void test_server(void)
{
    char dir[] = "/tmp/test-control.XXXXXX";
    char path[128];
    struct test_ctx t = { .release_fd = eventfd(0, EFD_CLOEXEC) };
    struct control_handlers h = {
        .ctx = &t,
        .create = h_create,
        .exec = h_exec,
        .wait = h_wait,
        .signal = h_signal,
        .processes = h_processes,
        .stats = h_stats,
        .destroy = h_destroy,
    };
    struct server_thread st = { 0 };
    struct control_response resp;
    struct control_request r;
    cleanup_error rt_error_t err = NULL;
    struct stat sb;
    int fds[6];
    int before, lfd;

    if (mkdtemp(dir) == NULL) {
        tap_ok(0, "mkdtemp");
        return;
    }
    snprintf(path, sizeof(path), "%s/" CONTROL_SOCKET_NAME, dir);
    before = count_fds();
    lfd = control_listen(path, &err);
    tap_ok(lfd >= 0, "control_listen %s", rt_error_msg(err));
    tap_ok(stat(path, &sb) == 0 && S_ISSOCK(sb.st_mode) && (sb.st_mode & 07777) == 0600,
           "socket is mode 0600");
    {
        rt_error_t e2 = NULL;

        tap_ok(control_listen(path, &e2) < 0 && rt_error_status(e2) == EADDRINUSE,
               "listening twice is EADDRINUSE");
        rt_error_release(&e2);
    }
    {
        struct control_server_config cfg = {
            .listen_fd = lfd,
            .owner_uid = geteuid(),
            .max_conns = 3,
            .handlers = &h,
            .io_timeout_ms = 2000,
        };

        if (!tap_ok(control_server_new(&cfg, &st.srv, &err) == 0, "server created"))
            return;
    }
    pthread_create(&st.tid, NULL, run_server, &st);

    /* Every request kind gets its answer. */
    r = create_req(CONTROL_REQ_CREATE);
    open_fds(fds, 6);
    tap_ok(simple_call(path, &r, fds, 6, &resp, &err) == 0 && t.created_fds == 6,
           "create answered with 6 fds delivered %s", rt_error_msg(err));
    rt_close_fd_array(fds, 6);
    rt_error_release(&err);
    r = (struct control_request){ .id = 11, .kind = CONTROL_REQ_EXEC };
    r.exec = (struct control_exec){
        "abc", (uint8_t *)g_proc, strlen(g_proc), { CONTROL_STDIO_NULL, false, 0, 0 }, 0
    };
    tap_ok(simple_call(path, &r, NULL, 0, &resp, &err) == 0 && resp.kind == CONTROL_RESULT_EXEC &&
               resp.exec_pid == 42 && resp.id == 11,
           "exec answered pid 42");
    control_response_free(&resp);
    r = (struct control_request){ .id = 12, .kind = CONTROL_REQ_PROCESSES };
    r.container_id = "abc";
    tap_ok(simple_call(path, &r, NULL, 0, &resp, &err) == 0 && resp.processes.n == 1 &&
               strcmp(resp.processes.v[0].cmd, "init") == 0,
           "processes answered");
    control_response_free(&resp);
    r.kind = CONTROL_REQ_STATS;
    tap_ok(simple_call(path, &r, NULL, 0, &resp, &err) == 0 && resp.stats.pids_current == 3,
           "stats answered");
    control_response_free(&resp);
    r.kind = CONTROL_REQ_DESTROY;
    tap_ok(simple_call(path, &r, NULL, 0, &resp, &err) < 0 && rt_error_status(err) == ENOENT &&
               strstr(rt_error_msg(err), "container `abc` does not exist") != NULL,
           "a handler's error reaches the client: %s", rt_error_msg(err));
    rt_error_release(&err);
    r = (struct control_request){ .id = 13, .kind = CONTROL_REQ_PAUSE };
    tap_ok(simple_call(path, &r, NULL, 0, &resp, &err) < 0 && rt_error_status(err) == ENOSYS &&
               strstr(rt_error_msg(err), "pause: not yet supported by this sandbox") != NULL,
           "a missing handler is ENOSYS: %s", rt_error_msg(err));
    rt_error_release(&err);
    tap_ok(simple_call(path, &r, fds, 1, &resp, &err) < 0 && rt_error_status(err) == EINVAL,
           "the client refuses to send a wrong fd count");
    rt_error_release(&err);

    /* A blocked Wait does not block a Signal. */
    {
        struct wait_call w = { .path = path, .pid = 5 };
        uint64_t one = 1;

        pthread_create(&w.tid, NULL, call_wait, &w);
        tap_ok(wait_active(st.srv, 1), "the wait is pending");
        r = (struct control_request){ .id = 14, .kind = CONTROL_REQ_SIGNAL };
        r.signal = (struct control_signal){ "ctr", 15, CONTROL_SIGNAL_INIT, 0 };
        tap_ok(simple_call(path, &r, NULL, 0, &resp, &err) == 0 && t.signals == 1,
               "a signal is answered while a wait is pending");
        tap_ok(wait_active(st.srv, 1) && t.waits_done == 0, "the wait still pends");
        if (write(t.release_fd, &one, sizeof(one)) != sizeof(one))
            tap_diag("eventfd write failed");
        pthread_join(w.tid, NULL);
        tap_ok(w.ret == 0 && w.wait_status == 5 << 8, "the wait then returns its status");
        if (read(t.release_fd, &one, sizeof(one)) != sizeof(one))
            tap_diag("eventfd read failed");
    }

    /* A client that disconnects in the middle of a wait. */
    {
        cleanup_free uint8_t *buf = NULL;
        size_t len = 0;
        int c;

        r = (struct control_request){ .id = 15, .kind = CONTROL_REQ_WAIT };
        r.wait = (struct control_wait){ "ctr", 0 };
        control_request_encode(&r, &buf, &len, &err);
        c = control_connect(path, 2000, &err);
        rt_frame_send(c, buf, len, NULL, 0, &err);
        tap_ok(wait_active(st.srv, 1), "the wait is pending");
        close(c);
        tap_ok(wait_active(st.srv, 0), "the server drops the wait when its client leaves");
        tap_ok(t.waits_gone == 1, "the wait handler saw the client leave");
        rt_error_release(&err);
    }

    /* Over the limit: EAGAIN at once, not a hang. */
    {
        struct wait_call w[3];

        for (int i = 0; i < 3; i++) {
            w[i] = (struct wait_call){ .path = path, .pid = i };
            pthread_create(&w[i].tid, NULL, call_wait, &w[i]);
        }
        tap_ok(wait_active(st.srv, 3), "three waits pending (the limit)");
        r = (struct control_request){ .id = 16, .kind = CONTROL_REQ_SIGNAL };
        r.signal = (struct control_signal){ "ctr", 15, CONTROL_SIGNAL_INIT, 0 };
        tap_ok(simple_call(path, &r, NULL, 0, &resp, &err) < 0 && rt_error_status(err) == EAGAIN,
               "a fourth connection gets EAGAIN: %s", rt_error_msg(err));
        rt_error_release(&err);
        {
            uint64_t three = 3;

            if (write(t.release_fd, &three, sizeof(three)) != sizeof(three))
                tap_diag("eventfd write failed");
        }
        for (int i = 0; i < 3; i++)
            pthread_join(w[i].tid, NULL);
        tap_ok(w[0].ret == 0 && w[1].ret == 0 && w[2].ret == 0, "the three waits complete");
        tap_ok(wait_active(st.srv, 0), "no connection left");
    }

    /* Hostile peers on the socket. */
    {
        int c, fds2[3];
        uint8_t junk[64];
        uint8_t *in = NULL;
        size_t len, nfds;
        unsigned seed = 7;
        bool all_refused = true;
        struct control_response rr;

        /* Garbage frames get an EINVAL reply each. */
        for (int i = 0; i < 50; i++) {
            for (size_t k = 0; k < sizeof(junk); k++)
                junk[k] = (uint8_t)rand_r(&seed);
            c = control_connect(path, 2000, &err);
            open_fds(fds2, 3);
            rt_frame_send(c, junk, (size_t)(rand_r(&seed) % sizeof(junk)), fds2,
                          (size_t)(i % 4 == 0 ? 3 : 0), &err);
            rt_close_fd_array(fds2, 3);
            if (rt_frame_recv(c, 0, &in, &len, fds2, 3, &nfds, &err) != 1 ||
                control_response_decode(in, len, fds2, nfds, &rr, &err) < 0 || rr.errnum == 0)
                all_refused = false;
            control_response_free(&rr);
            free(in);
            in = NULL;
            close(c);
            rt_error_release(&err);
        }
        tap_ok(all_refused, "50 garbage frames each answered with an error");

        /* Wrong fd count on the wire: EINVAL, and the server closes what it got. */
        r = create_req(CONTROL_REQ_CREATE);
        {
            cleanup_free uint8_t *buf = NULL;

            control_request_encode(&r, &buf, &len, &err);
            c = control_connect(path, 2000, &err);
            open_fds(fds2, 3);
            rt_frame_send(c, buf, len, fds2, 3, &err);
            rt_close_fd_array(fds2, 3);
            tap_ok(rt_frame_recv(c, 0, &in, &len, fds2, 3, &nfds, &err) == 1 &&
                       control_response_decode(in, len, fds2, nfds, &rr, &err) == 0 &&
                       rr.errnum == EINVAL && rr.id == 7 &&
                       strstr(rr.message, "expected 6") != NULL,
                   "wrong fd count on the wire: EINVAL for request 7 (%s)",
                   rr.message ? rr.message : rt_error_msg(err));
            control_response_free(&rr);
            free(in);
            in = NULL;
            close(c);
            rt_error_release(&err);
        }

        /* An oversize frame header: EMSGSIZE, nothing allocated. */
        {
            uint8_t hdr[4] = { 0x01, 0x00, 0x40, 0x00 }; /* 4 MiB + 1 */

            c = control_connect(path, 2000, &err);
            tap_ok(write(c, hdr, 4) == 4, "oversize header sent");
            tap_ok(rt_frame_recv(c, 0, &in, &len, fds2, 3, &nfds, &err) == 1 &&
                       control_response_decode(in, len, fds2, nfds, &rr, &err) == 0 &&
                       rr.errnum == EMSGSIZE,
                   "an oversize frame is EMSGSIZE");
            control_response_free(&rr);
            free(in);
            in = NULL;
            close(c);
            rt_error_release(&err);
        }

        /* A truncated frame then EOF: dropped without a crash. */
        {
            uint8_t part[8] = { 100, 0, 0, 0, 0x08, 0x01, 0x10, 0x05 };

            c = control_connect(path, 2000, &err);
            tap_ok(write(c, part, sizeof(part)) == sizeof(part), "truncated frame sent");
            shutdown(c, SHUT_WR);
            tap_ok(rt_frame_recv(c, 0, &in, &len, fds2, 3, &nfds, &err) <= 0,
                   "a truncated frame gets no answer");
            free(in);
            in = NULL;
            close(c);
            rt_error_release(&err);
        }

        /* Connect and close without a byte. */
        c = control_connect(path, 2000, &err);
        close(c);
        tap_ok(wait_active(st.srv, 0), "silent and truncated clients are dropped");
    }

    /* Another uid is refused (SO_PEERCRED), even when the file mode would let it in. */
    if (geteuid() == 0) {
        pid_t pid;
        int status = -1;

        chmod(dir, 0755);
        chmod(path, 0666);
        pid = fork();
        if (pid == 0) {
            struct control_request rq = { .id = 1, .kind = CONTROL_REQ_SIGNAL };
            struct control_response rs;
            rt_error_t e = NULL;

            rq.signal = (struct control_signal){ "ctr", 15, CONTROL_SIGNAL_INIT, 0 };
            if (setgid(65534) < 0 || setuid(65534) < 0)
                _exit(2);
            if (control_call_timeout(path, &rq, NULL, 0, 5000, &rs, &e) < 0 &&
                rt_error_status(e) == EACCES)
                _exit(0);
            fprintf(stderr, "# uid 65534 call: %s\n", rt_error_msg(e));
            _exit(1);
        }
        waitpid(pid, &status, 0);
        tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "uid 65534 gets EACCES (%#x)",
               status);
        tap_ok(t.signals == 1, "and its signal never reached the handler");
        chmod(path, 0600);
    }

    /* Shutdown: answered, then the server stops. */
    r = (struct control_request){ .id = 17, .kind = CONTROL_REQ_SHUTDOWN };
    tap_ok(simple_call(path, &r, NULL, 0, &resp, &err) == 0 && resp.id == 17, "shutdown answered");
    pthread_join(st.tid, NULL);
    tap_ok(st.ret == 0, "the server returned after shutdown");
    control_server_free(st.srv);
    unlink(path);
    rmdir(dir);
    tap_ok(count_fds() == before, "the server leaves no fds (%d -> %d)", before, count_fds());
    close(t.release_fd);
}

int main(void)
{
    rt_log_init(NULL, RT_LOG_FORMAT_TEXT, RT_LOG_ERROR, NULL);
    test_round_trips();
    test_response_round_trips();
    test_bad_requests();
    test_fd_mismatch();
    test_fuzz();
    test_server();
    return tap_done();
}

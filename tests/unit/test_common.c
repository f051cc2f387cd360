/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for common/: errors, logging, strbuf, wire cursors, frames, fds, paths, sync pipe. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "common/syscalls.h"
#include "proto/control.pb-c.h"
#include "proto/gofer.pb-c.h"
#include "tests/unit/tap.h"

static char g_tmpdir[256];

/* Counts the open descriptors of this process (minus the one used to count). */
static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    if (d == NULL)
        return -1;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n - 3; /* ".", "..", and the DIR's own fd */
}

static bool fd_is_open(int fd)
{
    return fcntl(fd, F_GETFD) >= 0;
}

/* tap_ok with the error message appended, read only after `cond` ran. */
#define tap_ok_err(cond, e, name)                     \
    do {                                              \
        int c_ = (cond);                              \
        tap_ok(c_, "%s (%s)", name, rt_error_msg(e)); \
    } while (0)

static bool msg_has(const rt_error_t e, const char *needle)
{
    return e != NULL && strstr(rt_error_msg(e), needle) != NULL;
}

static void test_error(void)
{
    rt_error_t e = NULL;
    int ret = rt_make_error(&e, ENOENT, "open `%s`", "/x");

    tap_ok(ret == -ENOENT - 1, "rt_make_error returns -status-1");
    TAP_STR_EQ(rt_error_msg(e), "open `/x`: No such file or directory", "error message");
    tap_ok(rt_error_status(e) == ENOENT, "error status");
    ret = rt_error_wrap(&e, "mounting %s", "rootfs");
    tap_ok(ret == -ENOENT - 1, "rt_error_wrap returns -status-1");
    TAP_STR_EQ(rt_error_msg(e), "mounting rootfs: open `/x`: No such file or directory",
               "wrapped message");
    rt_error_release(&e);
    tap_ok(e == NULL, "release clears the pointer");
    rt_error_release(&e);
    tap_ok(rt_make_error(&e, 0, "plain %d", 1) == -1, "status 0 returns -1");
    TAP_STR_EQ(rt_error_msg(e), "plain 1", "status 0 adds no strerror");
    rt_error_release(&e);
    tap_ok(rt_make_error(NULL, EIO, "dropped") == -EIO - 1, "NULL err is allowed");
    TAP_STR_EQ(rt_error_msg(NULL), "", "message of NULL error");
}

static void test_strbuf_json(void)
{
    struct strbuf sb = STRBUF_INIT;

    strbuf_append_json_string(&sb, "a\"b\\c\nd\te\x01\x1f/\xc3\xa9");
    TAP_STR_EQ(strbuf_str(&sb), "\"a\\\"b\\\\c\\nd\\te\\u0001\\u001f/\xc3\xa9\"", "json escaping");
    strbuf_reset(&sb);
    strbuf_append_json_string(&sb, "");
    TAP_STR_EQ(strbuf_str(&sb), "\"\"", "json empty string");
    strbuf_release(&sb);
}

static void test_log_json(void)
{
    char path[PATH_MAX];
    cleanup_error rt_error_t e = NULL;
    cleanup_free char *data = NULL;
    size_t len = 0;

    snprintf(path, sizeof(path), "%s/log.json", g_tmpdir);
    tap_ok(rt_log_init(path, RT_LOG_FORMAT_JSON, RT_LOG_INFO, &e) == 0, "log init with a file");
    log_info("hello \"world\"\n\\ \x01 end");
    log_debug("not written at info level");
    rt_log_close();
    tap_ok(rt_read_file(path, 4096, &data, &len, &e) == 0, "read the log file");
    const char *want = "{\"level\":\"info\",\"msg\":\"hello \\\"world\\\"\\n\\\\ \\u0001 end\","
                       "\"time\":\"";

    tap_ok(data && strncmp(data, want, strlen(want)) == 0, "json record starts with level, msg");
    tap_ok(data && len > 3 && strcmp(data + len - 3, "\"}\n") == 0, "json record ends with \"}");
    tap_ok(data && strchr(data, '\n') == data + len - 1, "exactly one line (debug was filtered)");
    const char *t = data ? strstr(data, "\"time\":\"") : NULL;

    tap_ok(t && strlen(t) > 20 && t[8 + 4] == '-' && t[8 + 10] == 'T' && strstr(t, "Z\"}"),
           "time looks like RFC 3339 UTC");
    /* Restore the default (no file, warnings on stderr). */
    rt_log_init(NULL, RT_LOG_FORMAT_TEXT, RT_LOG_WARNING, NULL);
}

static void test_wire_reader(void)
{
    const uint8_t buf[] = { 0x01, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 0xef,
                            0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01 };
    struct rt_wire_reader r;

    rt_wire_reader_init(&r, buf, sizeof(buf));
    tap_ok(rt_wire_get_u8(&r) == 0x01, "u8");
    tap_ok(rt_wire_get_u16(&r) == 0x1234, "u16 little endian");
    tap_ok(rt_wire_get_u32(&r) == 0x12345678, "u32 little endian");
    tap_ok(rt_wire_get_u64(&r) == 0x0123456789abcdefULL, "u64 little endian");
    tap_ok(rt_wire_done(&r), "reader consumed everything");
    tap_ok(rt_wire_get_u8(&r) == 0 && !rt_wire_ok(&r), "read past the end fails");

    /* Truncated: 3 bytes cannot give a u32, and the failure is sticky. */
    rt_wire_reader_init(&r, buf, 3);
    tap_ok(rt_wire_get_u32(&r) == 0 && !rt_wire_ok(&r), "truncated u32 fails");
    tap_ok(rt_wire_get_u8(&r) == 0 && !rt_wire_ok(&r), "error is sticky");
    tap_ok(rt_wire_remaining(&r) == 0, "nothing remains after a failure");

    /* Huge lengths must not wrap the cursor. */
    rt_wire_reader_init(&r, buf, sizeof(buf));
    rt_wire_get_u8(&r);
    tap_ok(rt_wire_get_bytes(&r, SIZE_MAX) == NULL && !rt_wire_ok(&r), "SIZE_MAX bytes fails");
    rt_wire_reader_init(&r, buf, sizeof(buf));
    rt_wire_get_u32(&r);
    tap_ok(rt_wire_get_bytes(&r, SIZE_MAX - 2) == NULL, "near-SIZE_MAX bytes fails (no wrap)");
    rt_wire_reader_init(&r, buf, sizeof(buf));
    tap_ok(rt_wire_get_bytes(&r, sizeof(buf) + 1) == NULL, "one byte too many fails");
    rt_wire_reader_init(&r, buf, sizeof(buf));
    tap_ok(rt_wire_get_bytes(&r, sizeof(buf)) == buf && rt_wire_done(&r), "exact length works");

    uint8_t out[4] = { 9, 9, 9, 9 };

    rt_wire_reader_init(&r, buf, 2);
    tap_ok(!rt_wire_get_copy(&r, out, 4) && out[0] == 0 && out[3] == 0, "failed copy zero-fills");

    /* Length-prefixed: lengths beyond the buffer or the cap. */
    const uint8_t lp_huge[] = { 0xff, 0xff, 0xff, 0xff, 'a' };
    const uint8_t lp_ok[] = { 0x02, 0, 0, 0, 'h', 'i' };
    size_t n = 7;

    rt_wire_reader_init(&r, lp_huge, sizeof(lp_huge));
    tap_ok(rt_wire_get_lp_bytes(&r, SIZE_MAX, &n) == NULL && n == 0 && !rt_wire_ok(&r),
           "length 0xffffffff past the buffer fails");
    rt_wire_reader_init(&r, lp_ok, sizeof(lp_ok));
    tap_ok(rt_wire_get_lp_bytes(&r, 1, &n) == NULL && !rt_wire_ok(&r),
           "length above the cap fails");
    rt_wire_reader_init(&r, lp_ok, sizeof(lp_ok));
    const uint8_t *p = rt_wire_get_lp_bytes(&r, 16, &n);

    tap_ok(p && n == 2 && memcmp(p, "hi", 2) == 0 && rt_wire_done(&r), "lp bytes");
    rt_wire_reader_init(&r, NULL, 100);
    tap_ok(rt_wire_get_u8(&r) == 0 && !rt_wire_ok(&r), "NULL buffer reads nothing");
}

static void test_wire_writer(void)
{
    struct rt_wire_writer w = RT_WIRE_WRITER_INIT;
    struct rt_wire_reader r;
    uint8_t *data;
    size_t len;

    rt_wire_put_u8(&w, 0xab);
    rt_wire_put_u16(&w, 0xbeef);
    rt_wire_put_u32(&w, 0xdeadbeef);
    rt_wire_put_u64(&w, 0x1122334455667788ULL);
    rt_wire_put_lp_bytes(&w, "xyz", 3);
    tap_ok(rt_wire_writer_len(&w) == 1 + 2 + 4 + 8 + 4 + 3, "writer length");
    tap_ok(rt_wire_writer_data(&w)[1] == 0xef && rt_wire_writer_data(&w)[2] == 0xbe,
           "writer is little endian");
    data = rt_wire_writer_detach(&w, &len);
    rt_wire_reader_init(&r, data, len);
    size_t n;
    bool ok = rt_wire_get_u8(&r) == 0xab && rt_wire_get_u16(&r) == 0xbeef &&
              rt_wire_get_u32(&r) == 0xdeadbeef && rt_wire_get_u64(&r) == 0x1122334455667788ULL;
    const uint8_t *s = rt_wire_get_lp_bytes(&r, 10, &n);

    tap_ok(ok && s && n == 3 && memcmp(s, "xyz", 3) == 0 && rt_wire_done(&r),
           "writer round-trips through the reader");
    tap_ok(rt_wire_writer_len(&w) == 0, "detach resets the writer");
    free(data);
    rt_wire_writer_release(&w);
}

static int make_pair(int sv[2])
{
    return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
}

static void test_frames_basic(void)
{
    int sv[2];
    cleanup_error rt_error_t e = NULL;
    uint8_t *payload = NULL;
    size_t len = 0;
    size_t nfds = 9;
    int fds[4];

    if (!tap_ok(make_pair(sv) == 0, "socketpair"))
        return;
    tap_ok(rt_frame_send(sv[0], "hello", 5, NULL, 0, &e) == 0, "send a frame");
    tap_ok(rt_frame_send(sv[0], "", 0, NULL, 0, &e) == 0, "send an empty frame");
    tap_ok(rt_frame_recv(sv[1], 0, &payload, &len, fds, 4, &nfds, &e) == 1 && len == 5 &&
               memcmp(payload, "hello", 5) == 0 && nfds == 0,
           "receive the frame");
    free(payload);
    tap_ok(rt_frame_recv(sv[1], 0, &payload, &len, NULL, 0, NULL, &e) == 1 && len == 0 &&
               payload != NULL,
           "receive the empty frame (non-NULL payload)");
    free(payload);
    close(sv[0]);
    tap_ok(rt_frame_recv(sv[1], 0, &payload, &len, fds, 4, &nfds, &e) == 0 && payload == NULL &&
               e == NULL,
           "clean EOF before a frame returns 0 without error");
    close(sv[1]);
}

static void test_frames_partial(void)
{
    int sv[2];
    cleanup_error rt_error_t e = NULL;
    uint8_t *payload = NULL;
    size_t len = 0;
    const size_t big = 1u << 20;

    if (make_pair(sv) < 0)
        return;
    pid_t pid = fork();

    if (pid == 0) {
        /* Dribble a 10-byte frame one byte at a time, then send a 1 MiB frame. */
        const uint8_t frame[] = { 10, 0, 0, 0, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' };
        uint8_t *data = malloc(big);

        close(sv[1]);
        for (size_t i = 0; i < sizeof(frame); i++) {
            if (write(sv[0], &frame[i], 1) != 1)
                _exit(1);
            usleep(2000);
        }
        for (size_t i = 0; i < big; i++)
            data[i] = (uint8_t)(i * 7);
        if (rt_frame_send(sv[0], data, big, NULL, 0, NULL) < 0)
            _exit(2);
        free(data);
        _exit(0);
    }
    close(sv[0]);
    tap_ok(rt_frame_recv(sv[1], 0, &payload, &len, NULL, 0, NULL, &e) == 1 && len == 10 &&
               memcmp(payload, "0123456789", 10) == 0,
           "frame written byte by byte is reassembled");
    free(payload);
    payload = NULL;
    int ret = rt_frame_recv(sv[1], 0, &payload, &len, NULL, 0, NULL, &e);
    bool same = ret == 1 && len == big;

    for (size_t i = 0; same && i < big; i++)
        same = payload[i] == (uint8_t)(i * 7);
    tap_ok(same, "1 MiB frame arrives intact over many reads");
    free(payload);
    int status = -1;

    waitpid(pid, &status, 0);
    tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "sender child succeeded");
    close(sv[1]);
}

static void test_frames_hostile(void)
{
    int sv[2];
    cleanup_error rt_error_t e = NULL;
    uint8_t *payload = NULL;
    size_t len = 0;
    int before = count_fds();

    /* EOF in the middle of a payload. */
    if (make_pair(sv) < 0)
        return;
    const uint8_t cut[] = { 10, 0, 0, 0, 'a', 'b', 'c' };

    tap_ok(write(sv[0], cut, sizeof(cut)) == (ssize_t)sizeof(cut), "write a cut frame");
    close(sv[0]);
    tap_ok_err(rt_frame_recv(sv[1], 0, &payload, &len, NULL, 0, NULL, &e) < 0 && payload == NULL &&
                   rt_error_status(e) == ECONNRESET && msg_has(e, "middle of a frame"),
               e, "EOF mid-payload is a clear error");
    rt_error_release(&e);
    close(sv[1]);

    /* EOF in the middle of the header. */
    make_pair(sv);
    tap_ok(write(sv[0], cut, 2) == 2, "write half a header");
    close(sv[0]);
    tap_ok(rt_frame_recv(sv[1], 0, &payload, &len, NULL, 0, NULL, &e) < 0 &&
               rt_error_status(e) == ECONNRESET,
           "EOF mid-header is an error");
    rt_error_release(&e);
    close(sv[1]);

    /* Declared length above the limit: refused before allocating. */
    make_pair(sv);
    const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff };

    tap_ok(write(sv[0], huge, 4) == 4, "write a 4 GiB header");
    tap_ok_err(rt_frame_recv(sv[1], 0, &payload, &len, NULL, 0, NULL, &e) < 0 &&
                   rt_error_status(e) == EMSGSIZE,
               e, "oversize declared length is EMSGSIZE");
    rt_error_release(&e);
    close(sv[0]);
    close(sv[1]);

    /* A frame within RT_FRAME_MAX but above the caller's max. */
    make_pair(sv);
    rt_frame_send(sv[0], "0123456789abcdef", 16, NULL, 0, NULL);
    tap_ok(rt_frame_recv(sv[1], 8, &payload, &len, NULL, 0, NULL, &e) < 0 &&
               rt_error_status(e) == EMSGSIZE,
           "frame above the caller's max is refused");
    rt_error_release(&e);
    tap_ok(rt_frame_send(sv[0], "x", (size_t)RT_FRAME_MAX + 1, NULL, 0, &e) < 0 &&
               rt_error_status(e) == EMSGSIZE,
           "sending more than RT_FRAME_MAX is refused");
    rt_error_release(&e);
    close(sv[0]);
    close(sv[1]);
    tap_ok(count_fds() == before, "no descriptor leaked by hostile frames");
}

static void test_frames_fds(void)
{
    int sv[2];
    int p[2];
    cleanup_error rt_error_t e = NULL;
    uint8_t *payload = NULL;
    size_t len = 0;
    int fds[4] = { -1, -1, -1, -1 };
    size_t nfds = 0;
    char c = 0;

    if (make_pair(sv) < 0 || pipe(p) < 0)
        return;
    int before = count_fds();
    int send[2] = { p[0], p[1] };

    tap_ok(rt_frame_send(sv[0], "fd", 2, send, 2, &e) == 0, "send a frame with 2 fds");
    tap_ok(rt_frame_recv(sv[1], 0, &payload, &len, fds, 4, &nfds, &e) == 1 && nfds == 2 && len == 2,
           "frame arrives with 2 fds");
    free(payload);
    tap_ok(nfds == 2 && write(fds[1], "z", 1) == 1 && read(p[0], &c, 1) == 1 && c == 'z',
           "received fds are the pipe's ends");
    tap_ok(nfds == 2 && (fcntl(fds[0], F_GETFD) & FD_CLOEXEC), "received fds are close-on-exec");
    rt_close_fd_array(fds, nfds);
    tap_ok(fds[0] == -1 && count_fds() == before, "closing them restores the fd count");

    /* More fds than the receiver allows: error and nothing leaks. */
    int three[3] = { p[0], p[1], p[0] };

    tap_ok(rt_frame_send(sv[0], "3", 1, three, 3, &e) == 0, "send a frame with 3 fds");
    tap_ok_err(rt_frame_recv(sv[1], 0, &payload, &len, fds, 1, &nfds, &e) < 0 && nfds == 0 &&
                   payload == NULL && rt_error_status(e) == EMSGSIZE,
               e, "3 fds for room of 1 is an error");
    rt_error_release(&e);
    tap_ok(count_fds() == before, "truncated fds were all closed");
    close(sv[0]);
    close(sv[1]);

    /* Fds to a receiver that takes none. */
    make_pair(sv);
    before = count_fds();
    rt_frame_send(sv[0], "1", 1, p, 1, NULL);
    tap_ok(rt_frame_recv(sv[1], 0, &payload, &len, NULL, 0, NULL, &e) < 0, "unwanted fd refused");
    rt_error_release(&e);
    tap_ok(count_fds() == before, "unwanted fd was closed");
    /* A refused frame leaves the stream out of step: start over on a new connection. */
    close(sv[0]);
    close(sv[1]);
    make_pair(sv);

    /* rt_send_fds / rt_recv_fds directly; MSG_CTRUNC with exactly one slot of padding. */
    int two[2] = { p[0], p[1] };
    char buf[8];

    rt_send_fds(sv[0], "ab", 2, two, 2, NULL);
    tap_ok(rt_recv_fds(sv[1], buf, sizeof(buf), &len, fds, 2, &nfds, &e) == 0 && len == 2 &&
               nfds == 2,
           "rt_recv_fds gets data and 2 fds");
    rt_close_fd_array(fds, nfds);
    rt_send_fds(sv[0], "ab", 2, two, 2, NULL);
    tap_ok(rt_recv_fds(sv[1], buf, sizeof(buf), &len, fds, 1, &nfds, &e) < 0 && nfds == 0,
           "2 fds into room for 1 fails even if CMSG padding fits them");
    rt_error_release(&e);
    tap_ok(count_fds() == before, "no fd leaked");
    tap_ok(rt_send_fds(sv[0], "", 0, two, 2, &e) < 0 && rt_error_status(e) == EINVAL,
           "fds without data are refused");
    rt_error_release(&e);
    close(sv[1]);
    tap_ok(rt_send_fds(sv[0], "x", 1, NULL, 0, &e) < 0 && rt_error_status(e) == EPIPE,
           "send to a closed peer is EPIPE, not SIGPIPE");
    rt_error_release(&e);
    close(sv[0]);
    close(p[0]);
    close(p[1]);
}

static void check_join(const char *root, const char *rel, const char *want)
{
    cleanup_error rt_error_t e = NULL;
    cleanup_free char *got = rt_path_join_beneath(root, rel, &e);

    tap_ok(got && strcmp(got, want) == 0, "join `%s` + `%s` = `%s` (got `%s`)", root, rel, want,
           got ? got : rt_error_msg(e));
}

static void test_path_join(void)
{
    cleanup_error rt_error_t e = NULL;

    check_join("/r", "../../etc", "/r/etc");
    check_join("/r", "/etc/passwd", "/r/etc/passwd");
    check_join("/r", "a/../../b", "/r/b");
    check_join("/r", "a/b/../c", "/r/a/c");
    check_join("/r", "a/./b//c/", "/r/a/b/c");
    check_join("/r", "", "/r");
    check_join("/r", "..", "/r");
    check_join("/r", "..a/b..", "/r/..a/b..");
    check_join("/r/", "x", "/r/x");
    check_join("/", "../x", "/x");
    check_join("/", "..", "/");
    check_join("rel", "a/../../../b", "rel/b");

    char *p = rt_path_join_beneath("", "x", &e);

    tap_ok(p == NULL && rt_error_status(e) == EINVAL, "empty root is refused");
    rt_error_release(&e);
    char *long_rel = xmalloc(PATH_MAX + 10);

    memset(long_rel, 'a', PATH_MAX + 9);
    long_rel[PATH_MAX + 9] = '\0';
    p = rt_path_join_beneath("/r", long_rel, &e);
    tap_ok(p == NULL && rt_error_status(e) == ENAMETOOLONG, "over-long result is ENAMETOOLONG");
    free(long_rel);
}

static void test_openat_beneath(void)
{
    char root[PATH_MAX];
    char path[PATH_MAX + 32];
    cleanup_error rt_error_t e = NULL;
    cleanup_close int rootfd = -1;
    int fd;

    snprintf(root, sizeof(root), "%s/tree", g_tmpdir);
    snprintf(path, sizeof(path), "%s/dir", root);
    if (!tap_ok(rt_mkdir_p(path, 0755, &e) == 0, "mkdir -p the tree"))
        return;
    snprintf(path, sizeof(path), "%s/dir/file", root);
    close(open(path, O_CREAT | O_WRONLY, 0644));
    snprintf(path, sizeof(path), "%s/esc", root);
    tap_ok(symlink("../..", path) == 0, "symlink escaping the root");
    snprintf(path, sizeof(path), "%s/abs", root);
    symlink("/etc", path);
    snprintf(path, sizeof(path), "%s/in", root);
    symlink("dir/file", path);
    rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

    const uint64_t strict = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

    fd = rt_openat_beneath(rootfd, "dir/file", O_RDONLY, 0, strict, &e);
    tap_ok(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "plain path opens, close-on-exec");
    if (fd >= 0)
        close(fd);
    rt_error_release(&e);

    tap_ok_err(rt_openat_beneath(rootfd, "../x", O_RDONLY, 0, RESOLVE_BENEATH, &e) < 0 &&
                   rt_error_status(e) == EXDEV && msg_has(e, "escapes its root") &&
                   msg_has(e, "`../x`"),
               e, "`..` above the root is refused");
    rt_error_release(&e);
    tap_ok(rt_openat_beneath(rootfd, "esc/etc/passwd", O_RDONLY, 0, RESOLVE_BENEATH, &e) < 0 &&
               rt_error_status(e) == EXDEV,
           "relative symlink escape is refused");
    rt_error_release(&e);
    tap_ok(rt_openat_beneath(rootfd, "abs/passwd", O_RDONLY, 0, RESOLVE_BENEATH, &e) < 0 &&
               rt_error_status(e) == EXDEV,
           "absolute symlink escape is refused");
    rt_error_release(&e);
    tap_ok_err(rt_openat_beneath(rootfd, "in", O_RDONLY, 0, strict, &e) < 0 &&
                   rt_error_status(e) == ELOOP && msg_has(e, "symbolic link"),
               e, "RESOLVE_NO_SYMLINKS refuses even an inside symlink");
    rt_error_release(&e);
    fd = rt_openat_beneath(rootfd, "in", O_RDONLY, 0, RESOLVE_BENEATH, &e);
    tap_ok(fd >= 0, "RESOLVE_BENEATH follows an inside symlink");
    if (fd >= 0)
        close(fd);
    rt_error_release(&e);
    tap_ok(rt_openat_beneath(rootfd, "abs/passwd", O_RDONLY, 0, RESOLVE_IN_ROOT, &e) < 0 &&
               rt_error_status(e) == ENOENT,
           "RESOLVE_IN_ROOT resolves /etc inside the root");
    rt_error_release(&e);

    fd = rt_openat_beneath(rootfd, "dir/new", O_CREAT | O_EXCL | O_WRONLY, 0600, strict, &e);
    struct stat st = { 0 };

    tap_ok(fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600,
           "O_CREAT beneath uses the mode");
    if (fd >= 0)
        close(fd);
    rt_error_release(&e);

    cleanup_close int slash = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

    if (access("/proc/self/exe", F_OK) == 0) {
        tap_ok_err(
            rt_openat_beneath(slash, "proc/self/exe", O_RDONLY, 0, RESOLVE_NO_MAGICLINKS, &e) < 0 &&
                rt_error_status(e) == ELOOP && msg_has(e, "magic link"),
            e, "RESOLVE_NO_MAGICLINKS refuses /proc/self/exe");
        rt_error_release(&e);
    }
}

static void test_fs_helpers(void)
{
    char path[PATH_MAX];
    char file[PATH_MAX + 16];
    cleanup_error rt_error_t e = NULL;
    char *data = NULL;
    size_t len = 0;
    struct stat st;

    snprintf(path, sizeof(path), "%s/m/a/b/c", g_tmpdir);
    tap_ok(rt_mkdir_p(path, 0700, &e) == 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode),
           "mkdir -p creates parents");
    tap_ok(rt_mkdir_p(path, 0700, &e) == 0, "mkdir -p of an existing dir succeeds");
    snprintf(file, sizeof(file), "%s/m/f", g_tmpdir);
    int fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

    tap_ok(fd >= 0 && write(fd, "0123456789", 10) == 10, "write a 10-byte file");
    close(fd);
    tap_ok(rt_mkdir_p(file, 0700, &e) < 0 && rt_error_status(e) == ENOTDIR,
           "mkdir -p over a file is ENOTDIR");
    rt_error_release(&e);
    snprintf(path, sizeof(path), "%s/m/f/sub", g_tmpdir);
    tap_ok(rt_mkdir_p(path, 0700, &e) < 0 && rt_error_status(e) == ENOTDIR,
           "mkdir -p through a file is ENOTDIR");
    rt_error_release(&e);

    tap_ok(rt_read_file(file, 10, &data, &len, &e) == 0 && len == 10 && data[10] == '\0' &&
               strcmp(data, "0123456789") == 0,
           "read a file of exactly max_size, NUL-terminated");
    free(data);
    data = NULL;
    tap_ok_err(rt_read_file(file, 9, &data, &len, &e) < 0 && rt_error_status(e) == EFBIG &&
                   data == NULL,
               e, "a file over max_size is EFBIG");
    rt_error_release(&e);
    snprintf(path, sizeof(path), "%s/nope", g_tmpdir);
    tap_ok_err(rt_read_file(path, 10, &data, &len, &e) < 0 && msg_has(e, "open `") &&
                   msg_has(e, "nope`: No such file or directory"),
               e, "missing file message");
    rt_error_release(&e);
    int p[2];

    if (pipe(p) == 0) {
        tap_ok(rt_fd_set_nonblock(p[0], true, &e) == 0 && (fcntl(p[0], F_GETFL) & O_NONBLOCK),
               "set O_NONBLOCK");
        tap_ok(rt_fd_set_nonblock(p[0], false, &e) == 0 && !(fcntl(p[0], F_GETFL) & O_NONBLOCK),
               "clear O_NONBLOCK");
        tap_ok(rt_fd_set_cloexec(p[0], true, &e) == 0 && (fcntl(p[0], F_GETFD) & FD_CLOEXEC),
               "set FD_CLOEXEC");
        tap_ok(rt_fd_set_cloexec(p[0], false, &e) == 0 && !(fcntl(p[0], F_GETFD) & FD_CLOEXEC),
               "clear FD_CLOEXEC");
        tap_ok(rt_write_all(p[1], "abc", 3, &e) == 0, "write_all");
        close(p[1]);
        char buf[8];

        tap_ok(rt_read_all(p[0], buf, sizeof(buf), &e) == 3, "read_all stops at EOF");
        close(p[0]);
        data = NULL;
        tap_ok(rt_fd_set_cloexec(p[0], true, &e) < 0 && msg_has(e, "Bad file descriptor"),
               "flag change on a closed fd fails");
        rt_error_release(&e);
    }
}

static void test_close_fds(void)
{
    pid_t pid = fork();

    if (pid == 0) {
        int a = open("/dev/null", O_RDONLY);
        int b = open("/dev/null", O_RDONLY);
        int c = open("/dev/null", O_RDONLY);
        int d = dup2(a, 200);
        int keep[] = { c, -1, 1, 200 };

        if (rt_close_fds_except(keep, ARRAY_SIZE(keep)) < 0)
            _exit(10);
        if (fd_is_open(a) || fd_is_open(b))
            _exit(11);
        if (!fd_is_open(c) || !fd_is_open(d) || !fd_is_open(0) || !fd_is_open(2))
            _exit(12);
        int x = open("/dev/null", O_RDONLY);
        int keep2[] = { x };

        if (rt_cloexec_fds_except(keep2, 1) < 0)
            _exit(13);
        if (!(fcntl(c, F_GETFD) & FD_CLOEXEC) || (fcntl(x, F_GETFD) & FD_CLOEXEC) || !fd_is_open(c))
            _exit(14);
        _exit(0);
    }
    int status = -1;

    waitpid(pid, &status, 0);
    tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "close_fds_except / cloexec_fds_except (child status %d)", WEXITSTATUS(status));
}

/* Forks a child that runs `mode` on the start-sync pipe; returns the parent's read end. */
static int sync_child(int mode, pid_t *pid)
{
    int fds[2];

    if (rt_sync_pipe(fds, NULL) < 0)
        return -1;
    *pid = fork();
    if (*pid == 0) {
        rt_error_t e = NULL;

        close(fds[0]);
        switch (mode) {
        case 0:
            rt_sync_ready(fds[1], NULL);
            break;
        case 1:
            rt_make_error(&e, EACCES, "mount `%s`", "/proc");
            rt_error_wrap(&e, "setting up the sandbox");
            rt_sync_fail(fds[1], e);
            break;
        case 2:
            break; /* die silently */
        case 3:
            sleep(5);
            break;
        }
        _exit(mode == 0 ? 0 : 1);
    }
    close(fds[1]);
    return fds[0];
}

static void test_sync(void)
{
    cleanup_error rt_error_t e = NULL;
    pid_t pid;
    int fd;

    fd = sync_child(0, &pid);
    tap_ok(rt_sync_wait(fd, 5000, &e) == 0 && e == NULL, "child reports ready");
    close(fd);
    waitpid(pid, NULL, 0);

    fd = sync_child(1, &pid);
    tap_ok(rt_sync_wait(fd, 5000, &e) == -EACCES - 1 && rt_error_status(e) == EACCES, "child "
                                                                                      "reports "
                                                                                      "failure "
                                                                                      "with its "
                                                                                      "errno");
    TAP_STR_EQ(rt_error_msg(e), "setting up the sandbox: mount `/proc`: Permission denied",
               "child's message arrives whole");
    rt_error_release(&e);
    close(fd);
    waitpid(pid, NULL, 0);

    fd = sync_child(2, &pid);
    tap_ok(rt_sync_wait(fd, 5000, &e) < 0, "silent exit is a failure");
    TAP_STR_EQ(rt_error_msg(e), "child exited before it was ready", "silent exit message");
    rt_error_release(&e);
    close(fd);
    waitpid(pid, NULL, 0);

    fd = sync_child(3, &pid);
    tap_ok_err(rt_sync_wait(fd, 100, &e) < 0 && rt_error_status(e) == ETIMEDOUT, e, "timeout");
    rt_error_release(&e);
    close(fd);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);

    int p[2];

    if (pipe(p) == 0) {
        tap_ok(write(p[1], "X", 1) == 1, "write a bogus byte");
        tap_ok(rt_sync_wait(p[0], 1000, &e) < 0 && rt_error_status(e) == EPROTO,
               "unexpected byte is EPROTO");
        rt_error_release(&e);
        /* A message length beyond the cap. */
        const uint8_t bad[] = { 'E', 1, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f };

        tap_ok(write(p[1], bad, sizeof(bad)) == (ssize_t)sizeof(bad), "write a bogus report");
        tap_ok(rt_sync_wait(p[0], 1000, &e) < 0 && rt_error_status(e) == EPROTO,
               "oversized error report is refused");
        rt_error_release(&e);
        close(p[0]);
        close(p[1]);
    }
}

static void test_syscalls(void)
{
    int pidfd = rt_sys_pidfd_open(getpid(), 0);

    tap_ok(pidfd >= 0, "pidfd_open of self");
    if (pidfd >= 0)
        close(pidfd);
    tap_ok(rt_sys_gettid() == getpid(), "gettid in the main thread");

    int pfd = -1;
    struct rt_clone_args args = {
        .flags = CLONE_PIDFD,
        .pidfd = (uint64_t)(uintptr_t)&pfd,
        .exit_signal = SIGCHLD,
    };
    long pid = rt_sys_clone3(&args, sizeof(args));

    if (pid == 0) {
        pause();
        _exit(7);
    }
    tap_ok(pid > 0 && pfd >= 0, "clone3 with CLONE_PIDFD");
    if (pid > 0) {
        int status = 0;

        tap_ok(rt_sys_pidfd_send_signal(pfd, SIGTERM, NULL, 0) == 0, "pidfd_send_signal");
        waitpid((pid_t)pid, &status, 0);
        tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "child died of the signal");
        close(pfd);
    }
    struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_BENEATH };

    int fd = rt_sys_openat2(AT_FDCWD, "/etc/hostname", &how, sizeof(how));

    tap_ok(fd < 0 && errno == EXDEV, "raw openat2 refuses an absolute path with RESOLVE_BENEATH");
    if (fd >= 0)
        close(fd);
    how.resolve = 0;
    tap_ok(rt_sys_openat2(AT_FDCWD, "/", &how, 4) < 0 && errno == EINVAL,
           "raw openat2 with a short open_how is EINVAL");
}

static void test_control_codec(void)
{
    Control__Request req = CONTROL__REQUEST__INIT;
    Control__Signal sig = CONTROL__SIGNAL__INIT;
    cleanup_error rt_error_t e = NULL;
    uint8_t *payload = NULL;
    size_t len = 0;
    int sv[2];
    int fds[2] = { -1, -1 };
    size_t nfds = 0;

    if (make_pair(sv) < 0)
        return;
    sig.container_id = (char *)"ctr-1";
    sig.signo = SIGKILL;
    sig.target = CONTROL__SIGNAL_TARGET__SIGNAL_TARGET_ALL;
    req.version = CONTROL__CONTROL_VERSION__CONTROL_VERSION_1;
    req.id = 42;
    req.req_case = CONTROL__REQUEST__REQ_SIGNAL;
    req.signal = &sig;

    size_t n = control__request__get_packed_size(&req);
    uint8_t *buf = xmalloc(n);

    control__request__pack(&req, buf);
    tap_ok(rt_frame_send(sv[0], buf, n, &sv[0], 1, &e) == 0, "send a packed Request with an fd");
    free(buf);
    tap_ok(rt_frame_recv(sv[1], 0, &payload, &len, fds, 2, &nfds, &e) == 1 && len == n && nfds == 1,
           "receive it");
    rt_close_fd_array(fds, nfds);

    Control__Request *got = control__request__unpack(NULL, len, payload);

    tap_ok(got && got->version == 1 && got->id == 42 &&
               got->req_case == CONTROL__REQUEST__REQ_SIGNAL && got->signal &&
               strcmp(got->signal->container_id, "ctr-1") == 0 && got->signal->signo == 9 &&
               got->signal->target == CONTROL__SIGNAL_TARGET__SIGNAL_TARGET_ALL,
           "unpacked Request matches");
    if (got)
        control__request__free_unpacked(got, NULL);

    /* Hostile bytes: truncated and garbage inputs unpack to NULL instead of crashing. */
    tap_ok(len > 3 && control__request__unpack(NULL, len - 3, payload) == NULL,
           "truncated Request is rejected");
    free(payload);
    const uint8_t junk[] = { 0x52, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01 };

    tap_ok(control__request__unpack(NULL, sizeof(junk), junk) == NULL,
           "garbage length-delimited field is rejected");

    Gofer__Request greq = GOFER__REQUEST__INIT;
    Gofer__Walk walk = GOFER__WALK__INIT;

    walk.dir_fid = 3;
    walk.name = (char *)"etc";
    greq.version = GOFER__GOFER_VERSION__GOFER_VERSION_1;
    greq.op_case = GOFER__REQUEST__OP_WALK;
    greq.walk = &walk;
    n = gofer__request__get_packed_size(&greq);
    buf = xmalloc(n);
    gofer__request__pack(&greq, buf);
    Gofer__Request *g = gofer__request__unpack(NULL, n, buf);

    tap_ok(g && g->op_case == GOFER__REQUEST__OP_WALK && g->walk->dir_fid == 3 &&
               strcmp(g->walk->name, "etc") == 0,
           "gofer Walk round-trips");
    if (g)
        gofer__request__free_unpacked(g, NULL);
    free(buf);
    close(sv[0]);
    close(sv[1]);
}

static void remove_tree(void)
{
    char cmd[PATH_MAX + 16];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_tmpdir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", g_tmpdir);
}

int main(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

    snprintf(g_tmpdir, sizeof(g_tmpdir), "%s/test_common.XXXXXX", base);
    if (mkdtemp(g_tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_error();
    test_strbuf_json();
    test_log_json();
    test_wire_reader();
    test_wire_writer();
    test_frames_basic();
    test_frames_partial();
    test_frames_hostile();
    test_frames_fds();
    test_path_join();
    test_openat_beneath();
    test_fs_helpers();
    test_close_fds();
    test_sync();
    test_syscalls();
    test_control_codec();
    remove_tree();
    return tap_done();
}

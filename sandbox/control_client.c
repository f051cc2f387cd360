// SPDX-License-Identifier: Apache-2.0
// The host side of the control socket: creating it, connecting, and one request/response call.
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/common.h"
#include "common/wire.h"
#include "sandbox/sandbox.h"

/*
 * Fills `addr` for `path`. A path too long for sun_path (108 bytes) is
 * reached through its directory: *dirfd gets an O_PATH fd of the directory
 * (owned by the caller) and the address is /proc/self/fd/<dirfd>/<name>.
 */
static int socket_addr(const char *path, struct sockaddr_un *addr, int *dirfd, rt_error_t *err)
{
    cleanup_free char *dir = NULL;
    cleanup_free char *base = NULL;
    int n;

    *dirfd = -1;
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    if (path == NULL || path[0] == '\0')
        return rt_make_error(err, EINVAL, "control socket: empty path");
    if (strlen(path) < sizeof(addr->sun_path)) {
        memcpy(addr->sun_path, path, strlen(path) + 1);
        return 0;
    }
    dir = xstrdup(path);
    base = xstrdup(path);
    *dirfd = open(dirname(dir), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (*dirfd < 0)
        return rt_make_error(err, errno, "open `%s`", dir);
    n = snprintf(addr->sun_path, sizeof(addr->sun_path), "/proc/self/fd/%d/%s", *dirfd,
                 basename(base));
    if (n < 0 || (size_t)n >= sizeof(addr->sun_path)) {
        close(*dirfd);
        *dirfd = -1;
        return rt_make_error(err, ENAMETOOLONG, "control socket `%s`: name too long", path);
    }
    return 0;
}

int control_listen(const char *path, rt_error_t *err)
{
    cleanup_close int fd = -1;
    cleanup_close int dirfd = -1;
    struct sockaddr_un addr;

    if (socket_addr(path, &addr, &dirfd, err) < 0)
        return -1;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return rt_make_error(err, errno, "control socket: socket");
    /*
     * Linux gives the socket file the mode of the socket inode (minus the
     * umask) at bind: setting it first means the file is never more open
     * than 0600, not even for a moment.
     */
    if (fchmod(fd, 0600) < 0)
        return rt_make_error(err, errno, "control socket: fchmod");
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        return rt_make_error(err, errno, "bind control socket `%s`", path);
    if (listen(fd, 128) < 0) {
        int saved = errno;

        unlink(path);
        return rt_make_error(err, saved, "listen on control socket `%s`", path);
    }
    return take_fd(&fd);
}

static void set_timeouts(int fd, int timeout_ms)
{
    struct timeval tv = { 0 };

    if (timeout_ms > 0) {
        tv.tv_sec = timeout_ms / 1000;
        tv.tv_usec = (timeout_ms % 1000) * 1000;
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int control_connect(const char *path, int timeout_ms, rt_error_t *err)
{
    cleanup_close int fd = -1;
    cleanup_close int dirfd = -1;
    struct sockaddr_un addr;

    if (socket_addr(path, &addr, &dirfd, err) < 0)
        return -1;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return rt_make_error(err, errno, "control socket: socket");
    /* A unix connect to a full backlog waits for up to SO_SNDTIMEO. */
    set_timeouts(fd, timeout_ms);
    for (;;) {
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN)
            return rt_make_error(err, ETIMEDOUT, "connect to sandbox at `%s`", path);
        return rt_make_error(err, errno, "connect to sandbox at `%s`", path);
    }
    return take_fd(&fd);
}

int control_call_timeout(const char *socket_path, const struct control_request *req, const int *fds,
                         size_t nfds, int timeout_ms, struct control_response *resp,
                         rt_error_t *err)
{
    cleanup_close int fd = -1;
    cleanup_free uint8_t *out = NULL;
    cleanup_free uint8_t *in = NULL;
    int rfds[CONTROL_MAX_FDS];
    size_t out_len = 0, in_len = 0, rnfds = 0, want;
    const char *name = control_request_kind_name(req->kind);
    int ret;

    memset(resp, 0, sizeof(*resp));
    if (control_request_encode(req, &out, &out_len, err) < 0)
        return -1;
    want = control_request_fd_count(req);
    if (want != nfds)
        return rt_make_error(err, EINVAL, "%s request: %zu descriptors given, %zu expected", name,
                             nfds, want);
    fd = control_connect(socket_path, timeout_ms, err);
    if (fd < 0)
        return -1;
    if (rt_frame_send(fd, out, out_len, fds, nfds, err) < 0) {
        cleanup_error rt_error_t recv_err = NULL;
        int st = rt_error_status(*err);

        /*
         * A server that refuses a connection (too many, wrong uid) answers
         * and closes without reading, which can beat our send: its answer
         * is still queued for us, and says more than EPIPE.
         */
        if ((st != EPIPE && st != ECONNRESET) ||
            rt_frame_recv(fd, RT_FRAME_MAX, &in, &in_len, rfds, CONTROL_MAX_FDS, &rnfds,
                          &recv_err) != 1)
            return rt_error_wrap(err, "sending %s request to the sandbox", name);
        rt_error_release(err);
        ret = 1;
    } else {
        ret = rt_frame_recv(fd, RT_FRAME_MAX, &in, &in_len, rfds, CONTROL_MAX_FDS, &rnfds, err);
    }
    if (ret == 0)
        return rt_make_error(err, ECONNRESET,
                             "%s request: the sandbox closed the connection without answering",
                             name);
    if (ret < 0) {
        if (rt_error_status(*err) == EAGAIN || rt_error_status(*err) == EWOULDBLOCK) {
            rt_error_release(err);
            return rt_make_error(err, ETIMEDOUT, "%s request: no answer from the sandbox in %d ms",
                                 name, timeout_ms);
        }
        return rt_error_wrap(err, "%s request: reading the answer", name);
    }
    if (control_response_decode(in, in_len, rfds, rnfds, resp, err) < 0)
        return rt_error_wrap(err, "%s request", name);
    /* An error with id 0 is the server refusing the connection before reading the request. */
    if (resp->id != req->id && !(resp->id == 0 && resp->errnum != 0)) {
        control_response_free(resp);
        return rt_make_error(err, EPROTO, "%s request %llu: answer is for request %llu", name,
                             (unsigned long long)req->id, (unsigned long long)resp->id);
    }
    if (resp->errnum != 0) {
        /* The sandbox's message already ends with its errno text. */
        ret = rt_make_error(err, 0, "sandbox: %s", resp->message);
        (*err)->status = resp->errnum;
        control_response_free(resp);
        return ret;
    }
    return 0;
}

int control_call(const char *socket_path, const struct control_request *req, const int *fds,
                 size_t nfds, struct control_response *resp, rt_error_t *err)
{
    int timeout = req->kind == CONTROL_REQ_WAIT ? -1 : CONTROL_CALL_TIMEOUT_MS;

    return control_call_timeout(socket_path, req, fds, nfds, timeout, resp, err);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The start-sync pipe: a child tells its parent it is ready, or why it failed. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fdutil.h"
#include "common/sync.h"
#include "common/xalloc.h"

int rt_sync_pipe(int fds[2], rt_error_t *err)
{
    if (pipe2(fds, O_CLOEXEC) < 0)
        return rt_make_error(err, errno, "create start-sync pipe");
    return 0;
}

int rt_sync_ready(int fd, rt_error_t *err)
{
    const char b = RT_SYNC_READY;
    int ret = rt_write_all_raw(fd, &b, 1);

    if (ret < 0)
        return rt_make_error(err, -ret, "report ready on the start-sync pipe");
    return 0;
}

int rt_sync_fail_errno(int fd, int errnum, const char *msg)
{
    uint8_t hdr[9];
    size_t n = msg ? strnlen(msg, RT_SYNC_MAX_MSG) : 0;
    uint32_t e = (uint32_t)errnum;
    int ret;

    hdr[0] = RT_SYNC_ERROR;
    for (int i = 0; i < 4; i++) {
        hdr[1 + i] = (uint8_t)(e >> (8 * i));
        hdr[5 + i] = (uint8_t)((uint32_t)n >> (8 * i));
    }
    ret = rt_write_all_raw(fd, hdr, sizeof(hdr));
    if (ret == 0 && n > 0)
        ret = rt_write_all_raw(fd, msg, n);
    return ret;
}

int rt_sync_fail(int fd, const rt_error_t e)
{
    if (e == NULL)
        return rt_sync_fail_errno(fd, 0, "failed without an error message");
    return rt_sync_fail_errno(fd, e->status, e->msg);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Reads up to `len` bytes before `deadline` (ms, < 0 for none). *got is less
 * than `len` only at EOF. Returns 0, or < 0 with *err (ETIMEDOUT on timeout).
 */
static int read_until(int fd, void *buf, size_t len, int64_t deadline, size_t *got, rt_error_t *err)
{
    *got = 0;
    while (*got < len) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int wait = -1;

        if (deadline >= 0) {
            int64_t left = deadline - now_ms();

            wait = left > 0 ? (left > INT32_MAX ? INT32_MAX : (int)left) : 0;
        }
        int r = poll(&pfd, 1, wait);

        if (r < 0) {
            if (errno == EINTR)
                continue;
            return rt_make_error(err, errno, "poll start-sync pipe");
        }
        if (r == 0)
            return rt_make_error(err, ETIMEDOUT, "waiting for the child to be ready");
        ssize_t n = read(fd, (char *)buf + *got, len - *got);

        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return rt_make_error(err, errno, "read start-sync pipe");
        }
        if (n == 0)
            return 0;
        *got += (size_t)n;
    }
    return 0;
}

int rt_sync_wait(int fd, int timeout_ms, rt_error_t *err)
{
    int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    cleanup_free char *msg = NULL;
    uint8_t hdr[9];
    size_t got;
    uint32_t errnum = 0;
    uint32_t len = 0;

    if (read_until(fd, hdr, 1, deadline, &got, err) < 0)
        return -1;
    if (got == 0)
        return rt_make_error(err, 0, "child exited before it was ready");
    if (hdr[0] == RT_SYNC_READY)
        return 0;
    if (hdr[0] != RT_SYNC_ERROR)
        return rt_make_error(err, EPROTO, "start-sync pipe: unexpected byte 0x%02x", hdr[0]);

    if (read_until(fd, hdr + 1, 8, deadline, &got, err) < 0)
        return rt_error_wrap(err, "reading the child's error");
    if (got < 8)
        return rt_make_error(err, 0, "child failed (its error report was cut short)");
    for (int i = 0; i < 4; i++) {
        errnum |= (uint32_t)hdr[1 + i] << (8 * i);
        len |= (uint32_t)hdr[5 + i] << (8 * i);
    }
    if (errnum > 4095) /* not an errno: do not let a confused child pick our return value */
        errnum = EPROTO;
    if (len > RT_SYNC_MAX_MSG)
        return rt_make_error(err, EPROTO, "child failed: error message of %u bytes is too long",
                             len);
    msg = xmalloc((size_t)len + 1);
    if (read_until(fd, msg, len, deadline, &got, err) < 0)
        return rt_error_wrap(err, "reading the child's error");
    msg[got] = '\0';

    /* The child's message already ends with its strerror: keep the errno without repeating it. */
    int ret = rt_make_error(err, 0, "%s", got > 0 ? msg : "child failed without a message");

    if (err && *err) {
        (*err)->status = (int)errnum;
        ret = -(int)errnum - 1;
    }
    return ret;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* File-descriptor helpers: full reads and writes, fd flags, safe path joins, openat2, SCM_RIGHTS.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fdutil.h"
#include "common/strbuf.h"
#include "common/syscalls.h"
#include "common/xalloc.h"

ssize_t rt_read_all(int fd, void *buf, size_t len, rt_error_t *err)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = read(fd, (char *)buf + done, len - done);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return rt_make_error(err, errno, "read fd %d", fd);
        }
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

int rt_write_all_raw(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -EPIPE;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int rt_write_all(int fd, const void *buf, size_t len, rt_error_t *err)
{
    int ret = rt_write_all_raw(fd, buf, len);

    if (ret < 0)
        return rt_make_error(err, -ret, "write fd %d", fd);
    return 0;
}

int rt_read_fd_all(int fd, size_t max_size, char **out, size_t *len, rt_error_t *err)
{
    cleanup_free char *buf = NULL;
    size_t used = 0;
    size_t cap = 0;
    /* Room for one byte past the limit (to detect it) and the NUL. */
    size_t limit = max_size <= SIZE_MAX - 2 ? max_size + 2 : SIZE_MAX;

    for (;;) {
        if (cap - used < 2) {
            size_t want = cap ? (cap <= SIZE_MAX / 2 ? cap * 2 : SIZE_MAX) : 4096;

            if (want > limit)
                want = limit;
            buf = xrealloc(buf, want);
            cap = want;
        }
        ssize_t n = read(fd, buf + used, cap - used - 1);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return rt_make_error(err, errno, "read fd %d", fd);
        }
        if (n == 0)
            break;
        used += (size_t)n;
        if (used > max_size)
            return rt_make_error(err, EFBIG, "read fd %d: more than %zu bytes", fd, max_size);
    }
    if (buf == NULL)
        buf = xmalloc(1);
    buf[used] = '\0';
    if (len)
        *len = used;
    *out = steal_pointer(&buf);
    return 0;
}

int rt_read_file(const char *path, size_t max_size, char **out, size_t *len, rt_error_t *err)
{
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    cleanup_error rt_error_t tmp = NULL;

    if (fd < 0)
        return rt_make_error(err, errno, "open `%s`", path);
    if (rt_read_fd_all(fd, max_size, out, len, &tmp) < 0) {
        if (rt_error_status(tmp) == EFBIG)
            return rt_make_error(err, EFBIG, "read `%s`: larger than %zu bytes", path, max_size);
        return rt_make_error(err, rt_error_status(tmp), "read `%s`", path);
    }
    return 0;
}

static int fd_flag_update(int fd, int get_cmd, int set_cmd, int flag, bool on)
{
    int flags = fcntl(fd, get_cmd);

    if (flags < 0)
        return -1;
    int want = on ? (flags | flag) : (flags & ~flag);

    if (want == flags)
        return 0;
    return fcntl(fd, set_cmd, want);
}

int rt_fd_set_cloexec(int fd, bool on, rt_error_t *err)
{
    if (fd_flag_update(fd, F_GETFD, F_SETFD, FD_CLOEXEC, on) < 0)
        return rt_make_error(err, errno, "%s close-on-exec on fd %d", on ? "set" : "clear", fd);
    return 0;
}

int rt_fd_set_nonblock(int fd, bool on, rt_error_t *err)
{
    if (fd_flag_update(fd, F_GETFL, F_SETFL, O_NONBLOCK, on) < 0)
        return rt_make_error(err, errno, "%s O_NONBLOCK on fd %d", on ? "set" : "clear", fd);
    return 0;
}

/* Applies `flags` to [first, last] with close_range, falling back to a loop on old kernels. */
static int close_range_compat(unsigned int first, unsigned int last, unsigned int flags)
{
    if (rt_sys_close_range(first, last, flags) == 0)
        return 0;
    if (errno != ENOSYS && errno != EINVAL)
        return -errno;

    struct rlimit rl;
    unsigned int max = 65536;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < (rlim_t)UINT_MAX)
        max = (unsigned int)rl.rlim_cur;
    if (last >= max)
        last = max ? max - 1 : 0;
    for (unsigned int fd = first; fd <= last && fd < max; fd++) {
        if (flags & CLOSE_RANGE_CLOEXEC)
            fcntl((int)fd, F_SETFD, FD_CLOEXEC);
        else
            close((int)fd);
    }
    return 0;
}

static int fds_except_apply(const int *keep, size_t n, unsigned int flags)
{
    unsigned int lo = 3;

    /* Walk the kept fds in ascending order without sorting (n is small, nothing allocates). */
    for (;;) {
        bool found = false;
        unsigned int next = 0;

        for (size_t i = 0; i < n; i++) {
            if (keep[i] >= 0 && (unsigned int)keep[i] >= lo &&
                (!found || (unsigned int)keep[i] < next)) {
                next = (unsigned int)keep[i];
                found = true;
            }
        }
        if (!found)
            return close_range_compat(lo, UINT_MAX, flags);
        if (next > lo) {
            int ret = close_range_compat(lo, next - 1, flags);

            if (ret < 0)
                return ret;
        }
        if (next == UINT_MAX)
            return 0;
        lo = next + 1;
    }
}

int rt_close_fds_except(const int *keep, size_t n)
{
    return fds_except_apply(keep, n, 0);
}

int rt_cloexec_fds_except(const int *keep, size_t n)
{
    return fds_except_apply(keep, n, CLOSE_RANGE_CLOEXEC);
}

static int mkdir_one(const char *path, mode_t mode, bool last, rt_error_t *err)
{
    struct stat st;

    if (mkdir(path, mode) == 0)
        return 0;
    if (errno != EEXIST)
        return rt_make_error(err, errno, "mkdir `%s`", path);
    if (!last)
        return 0; /* a non-directory fails the next mkdir with ENOTDIR */
    if (stat(path, &st) < 0)
        return rt_make_error(err, errno, "stat `%s`", path);
    if (!S_ISDIR(st.st_mode))
        return rt_make_error(err, ENOTDIR, "mkdir `%s`", path);
    return 0;
}

int rt_mkdir_p(const char *path, mode_t mode, rt_error_t *err)
{
    cleanup_free char *copy = NULL;
    size_t len = strlen(path);

    if (len == 0)
        return rt_make_error(err, ENOENT, "mkdir ``");
    copy = xstrdup(path);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = '\0';
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/' || p[-1] == '/')
            continue;
        *p = '\0';
        int ret = mkdir_one(copy, mode, /*last=*/false, err);

        *p = '/';
        if (ret < 0)
            return ret;
    }
    return mkdir_one(copy, mode, /*last=*/true, err);
}

char *rt_path_join_beneath(const char *root, const char *rel, rt_error_t *err)
{
    struct strbuf sb = STRBUF_INIT;
    size_t base;

    if (root == NULL || root[0] == '\0') {
        rt_make_error(err, EINVAL, "join `%s` beneath an empty root", rel ? rel : "");
        return NULL;
    }
    strbuf_append(&sb, root);
    while (sb.len > 0 && sb.buf[sb.len - 1] == '/')
        sb.len--;
    sb.buf[sb.len] = '\0';
    base = sb.len;

    for (const char *p = rel ? rel : ""; *p;) {
        const char *end = strchrnul(p, '/');
        size_t n = (size_t)(end - p);

        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* empty component or "." */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            /* ".." never goes above the root: at the root it stays there. */
            while (sb.len > base && sb.buf[sb.len - 1] != '/')
                sb.len--;
            if (sb.len > base)
                sb.len--;
            sb.buf[sb.len] = '\0';
        } else {
            strbuf_append_char(&sb, '/');
            strbuf_append_len(&sb, p, n);
        }
        p = *end ? end + 1 : end;
    }
    if (sb.len == 0)
        strbuf_append_char(&sb, '/');
    if (sb.len >= PATH_MAX) {
        rt_make_error(err, ENAMETOOLONG, "join `%s` beneath `%s`", rel ? rel : "", root);
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

int rt_openat_beneath(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve,
                      rt_error_t *err)
{
    struct open_how how = {
        .flags = (uint64_t)(unsigned int)(flags | O_CLOEXEC),
        .mode = (flags & (O_CREAT | __O_TMPFILE)) ? mode : 0,
        .resolve = resolve,
    };
    int fd = -1;

    /* EAGAIN: a rename raced with a RESOLVE_BENEATH/IN_ROOT walk; the kernel asks us to retry. */
    for (int tries = 0; tries < 64; tries++) {
        fd = rt_sys_openat2(dirfd, path, &how, sizeof(how));
        if (fd >= 0)
            return fd;
        if (errno != EAGAIN && errno != EINTR)
            break;
    }
    switch (errno) {
    case ENOSYS:
        return rt_make_error(err, ENOSYS, "open `%s`: openat2 is not supported by this kernel",
                             path);
    case EXDEV:
        if (resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT))
            return rt_make_error(err, EXDEV, "open `%s` beneath its root: path escapes its root",
                                 path);
        break;
    case ELOOP:
        if (resolve & RESOLVE_NO_SYMLINKS)
            return rt_make_error(err, ELOOP,
                                 "open `%s` beneath its root: path crosses a symbolic link", path);
        if (resolve & RESOLVE_NO_MAGICLINKS)
            return rt_make_error(err, ELOOP,
                                 "open `%s` beneath its root: path crosses a magic link", path);
        break;
    default:
        break;
    }
    return rt_make_error(err, errno, "open `%s` beneath its root", path);
}

int rt_sendv_fds(int sock, const struct iovec *iov, int iovcnt, const int *fds, size_t nfds,
                 rt_error_t *err)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(RT_MAX_FDS_PER_MSG * sizeof(int))];
    } ctl;
    struct iovec local[16];
    struct iovec *cur = local;
    size_t total = 0;

    if (iovcnt < 0 || iovcnt > (int)ARRAY_SIZE(local))
        return rt_make_error(err, EINVAL, "send on fd %d: %d buffers", sock, iovcnt);
    if (nfds > RT_MAX_FDS_PER_MSG)
        return rt_make_error(err, EINVAL, "send on fd %d: %zu descriptors is more than %d", sock,
                             nfds, RT_MAX_FDS_PER_MSG);
    for (int i = 0; i < iovcnt; i++) {
        local[i] = iov[i];
        total += iov[i].iov_len;
    }
    if (nfds > 0 && total == 0)
        return rt_make_error(err, EINVAL, "send on fd %d: descriptors need at least one byte",
                             sock);

    memset(&ctl, 0, sizeof(ctl));
    struct msghdr msg = {
        .msg_iov = cur,
        .msg_iovlen = (size_t)iovcnt,
    };

    if (nfds > 0) {
        msg.msg_control = ctl.buf;
        msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(cmsg), fds, nfds * sizeof(int));
    }
    while (total > 0) {
        ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return rt_make_error(err, errno, "sendmsg on fd %d", sock);
        }
        /* The descriptors went with the first byte; the rest is plain data. */
        msg.msg_control = NULL;
        msg.msg_controllen = 0;
        total -= (size_t)n;
        size_t skip = (size_t)n;

        while (msg.msg_iovlen > 0 && skip >= msg.msg_iov[0].iov_len) {
            skip -= msg.msg_iov[0].iov_len;
            msg.msg_iov++;
            msg.msg_iovlen--;
        }
        if (msg.msg_iovlen > 0) {
            msg.msg_iov[0].iov_base = (char *)msg.msg_iov[0].iov_base + skip;
            msg.msg_iov[0].iov_len -= skip;
        }
    }
    return 0;
}

int rt_send_fds(int sock, const void *data, size_t len, const int *fds, size_t nfds,
                rt_error_t *err)
{
    struct iovec iov = { .iov_base = (void *)data, .iov_len = len };

    return rt_sendv_fds(sock, &iov, 1, fds, nfds, err);
}

void rt_close_fd_array(int *fds, size_t n)
{
    int saved = errno;

    for (size_t i = 0; i < n; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
    errno = saved;
}

int rt_recv_fds(int sock, void *buf, size_t cap, size_t *len, int *fds, size_t maxfds, size_t *nfds,
                rt_error_t *err)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(RT_MAX_FDS_PER_MSG * sizeof(int))];
    } ctl;
    struct iovec iov = { .iov_base = buf, .iov_len = cap };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    size_t room = maxfds < RT_MAX_FDS_PER_MSG ? maxfds : RT_MAX_FDS_PER_MSG;

    if (fds == NULL || nfds == NULL)
        room = 0; /* nowhere to put them: any fd that arrives is an error */
    size_t got = 0;
    bool overflow = false;
    ssize_t n;

    *len = 0;
    if (nfds)
        *nfds = 0;
    if (room > 0) {
        msg.msg_control = ctl.buf;
        msg.msg_controllen = CMSG_SPACE(room * sizeof(int));
    }
    do {
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return rt_make_error(err, errno, "recvmsg on fd %d", sock);

    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

        for (size_t i = 0; i < count; i++) {
            int fd;

            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            /* CMSG_SPACE padding can fit one more fd than asked for: never keep it. */
            if (got < room) {
                fds[got++] = fd;
            } else {
                close(fd);
                overflow = true;
            }
        }
    }
    if (overflow || (msg.msg_flags & MSG_CTRUNC)) {
        rt_close_fd_array(fds, got);
        return rt_make_error(err, EMSGSIZE,
                             "recvmsg on fd %d: more file descriptors than the %zu expected", sock,
                             maxfds);
    }
    *len = (size_t)n;
    if (nfds)
        *nfds = got;
    return 0;
}

bool rt_parse_fd(const char *s, int min, int *out)
{
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > 65535)
        return false;
    *out = (int)v;
    return true;
}

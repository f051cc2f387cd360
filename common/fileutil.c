/* SPDX-License-Identifier: Apache-2.0 */
/* Crash-safe file replacement, flock-based lock files and /proc/<pid>/stat parsing. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fdutil.h"
#include "common/fileutil.h"
#include "common/xalloc.h"

static unsigned long long random_u64(void)
{
    unsigned long long v = 0;
    struct timespec ts;

    if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
        return v;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((unsigned long long)ts.tv_nsec << 20) ^ (unsigned long long)ts.tv_sec ^
           ((unsigned long long)getpid() << 40);
}

int rt_replace_file(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
                    unsigned int flags, rt_error_t *err)
{
    cleanup_free char *dir = NULL;
    cleanup_free char *tmp = NULL;
    cleanup_close int dfd = -1;
    cleanup_close int fd = -1;
    const char *slash = strrchr(path, '/');
    const char *base;
    int ret;

    if (slash == NULL) {
        dir = xstrdup(".");
        base = path;
    } else {
        dir = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
        base = slash + 1;
    }
    if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return rt_make_error(err, EINVAL, "write `%s`: not a file name", path);

    dfd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return rt_make_error(err, errno, "open directory `%s`", dir);

    for (int attempt = 0; fd < 0; attempt++) {
        free(tmp);
        tmp = xasprintf(".%s.tmp-%016llx", base, random_u64());
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0 && (errno != EEXIST || attempt >= 16))
            return rt_make_error(err, errno, "create temp file `%s/%s`", dir, tmp);
    }

    /* From here on the temp file exists and must be removed on any failure. */
    if (fchmod(fd, mode) < 0) {
        ret = rt_make_error(err, errno, "chmod `%s/%s`", dir, tmp);
        goto fail;
    }
    if (rt_write_all(fd, data, len, err) < 0) {
        ret = rt_error_wrap(err, "writing `%s/%s`", dir, tmp);
        goto fail;
    }
    if ((flags & RT_REPLACE_DURABLE) && fsync(fd) < 0) {
        ret = rt_make_error(err, errno, "fsync `%s/%s`", dir, tmp);
        goto fail;
    }
    /* close() can report a delayed write error (NFS); do not ignore it. */
    if (close(take_fd(&fd)) < 0) {
        ret = rt_make_error(err, errno, "close `%s/%s`", dir, tmp);
        goto fail;
    }
    if (renameat(dfd, tmp, dfd, base) < 0) {
        ret = rt_make_error(err, errno, "rename `%s/%s` to `%s`", dir, tmp, path);
        goto fail;
    }
    /* The rename is only durable once the directory is. */
    if ((flags & RT_REPLACE_DURABLE) && fsync(dfd) < 0 && errno != EINVAL)
        return rt_make_error(err, errno, "fsync directory `%s`", dir);
    return 0;

fail:
    unlinkat(dfd, tmp, 0);
    return ret;
}

int rt_write_file_atomic(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
                         rt_error_t *err)
{
    return rt_replace_file(dirfd, path, data, len, mode, RT_REPLACE_DURABLE, err);
}

int rt_lock_file(const char *path, bool exclusive, bool blocking, int *fd_out, rt_error_t *err)
{
    cleanup_close int fd = -1;
    int op = (exclusive ? LOCK_EX : LOCK_SH) | (blocking ? 0 : LOCK_NB);

    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return rt_make_error(err, errno, "open lock file `%s`", path);
    while (flock(fd, op) < 0) {
        if (errno == EINTR)
            continue;
        if (errno == EWOULDBLOCK)
            return rt_make_error(err, EWOULDBLOCK, "lock `%s`: held by another process", path);
        return rt_make_error(err, errno, "lock `%s`", path);
    }
    *fd_out = take_fd(&fd);
    return 0;
}

int rt_process_stat(pid_t pid, char *state, unsigned long long *start_time, rt_error_t *err)
{
    char path[64];
    char buf[4096];
    cleanup_close int fd = -1;
    size_t len = 0;
    const char *p;
    char *end;
    unsigned long long v;

    if (pid <= 0)
        return rt_make_error(err, ESRCH, "process %d", (int)pid);
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return rt_make_error(err, ESRCH, "process %d", (int)pid);
        return rt_make_error(err, errno, "open `%s`", path);
    }
    while (len < sizeof(buf) - 1) {
        ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            /* The process was reaped between open and read. */
            if (errno == ESRCH)
                return rt_make_error(err, ESRCH, "process %d", (int)pid);
            return rt_make_error(err, errno, "read `%s`", path);
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';

    /* Field 2 is "(comm)" and comm may hold anything, ")" and spaces included. */
    p = strrchr(buf, ')');
    if (p == NULL || p[1] != ' ' || p[2] == '\0')
        return rt_make_error(err, EINVAL, "parse `%s`: no command name", path);
    p += 2;
    if (state != NULL)
        *state = *p;
    /* p is at field 3; field 22 is 19 fields further. */
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (p == NULL)
            return rt_make_error(err, EINVAL, "parse `%s`: only %d fields", path, field);
        p++;
    }
    if (*p < '0' || *p > '9')
        return rt_make_error(err, EINVAL, "parse `%s`: bad start time", path);
    errno = 0;
    v = strtoull(p, &end, 10);
    if (errno != 0 || (*end != ' ' && *end != '\n' && *end != '\0'))
        return rt_make_error(err, EINVAL, "parse `%s`: bad start time", path);
    if (start_time != NULL)
        *start_time = v;
    return 0;
}

int rt_process_start_time(pid_t pid, unsigned long long *out, rt_error_t *err)
{
    return rt_process_stat(pid, NULL, out, err);
}

bool rt_process_is_alive(pid_t pid, unsigned long long start_time)
{
    cleanup_error rt_error_t err = NULL;
    unsigned long long st = 0;
    char state = 0;

    if (pid <= 0 || rt_process_stat(pid, &state, &st, &err) < 0)
        return false;
    if (state == 'Z' || state == 'X' || state == 'x')
        return false;
    return start_time == 0 || st == start_time;
}

int rt_remove_tree_at(int parent, const char *name, rt_error_t *err)
{
    cleanup_dir DIR *d = NULL;
    struct dirent *de;
    int fd;

    if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
        return 0;
    /* Linux says EISDIR for a directory (POSIX allows EPERM). */
    if (errno != EISDIR && errno != EPERM)
        return rt_make_error(err, errno, "remove `%s`", name);

    fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        return rt_make_error(err, errno, "open directory `%s`", name);
    }
    d = fdopendir(fd);
    if (d == NULL) {
        int saved = errno;

        close(fd);
        return rt_make_error(err, saved, "open directory `%s`", name);
    }
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (de == NULL) {
            if (errno != 0)
                return rt_make_error(err, errno, "read directory `%s`", name);
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (rt_remove_tree_at(dirfd(d), de->d_name, err) < 0)
            return rt_error_wrap(err, "removing `%s`", name);
    }
    if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return rt_make_error(err, errno, "remove directory `%s`", name);
    return 0;
}

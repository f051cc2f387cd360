/* SPDX-License-Identifier: Apache-2.0 */
/* File-descriptor helpers: full reads and writes, fd flags, safe path joins, openat2, SCM_RIGHTS.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "common/error.h"

/* The most descriptors one rt_send_fds/rt_recv_fds message carries (Linux's SCM_MAX_FD). */
#define RT_MAX_FDS_PER_MSG 253

/*
 * Reads until `len` bytes arrived or EOF, retrying on EINTR and short reads.
 * Returns the number of bytes read (less than `len` only at EOF) or < 0 with *err.
 */
ssize_t rt_read_all(int fd, void *buf, size_t len, rt_error_t *err);

/* Writes all `len` bytes, retrying on EINTR and short writes. Returns 0 or < 0 with *err. */
int rt_write_all(int fd, const void *buf, size_t len, rt_error_t *err);

/*
 * Async-signal-safe variant of rt_write_all for post-fork children: returns 0
 * or -errno (-EPIPE when the fd stops accepting data). Allocates nothing.
 */
int rt_write_all_raw(int fd, const void *buf, size_t len);

/*
 * Reads the whole file at `path` into a new NUL-terminated buffer owned by
 * the caller (*out, free()); *len (may be NULL) gets its size without the NUL.
 * Fails with EFBIG when the file holds more than `max_size` bytes.
 * Returns 0 or < 0 with *err ("open `path`: ...").
 */
int rt_read_file(const char *path, size_t max_size, char **out, size_t *len, rt_error_t *err);

/* Like rt_read_file for an open fd, read from its current offset to EOF. Does not close `fd`. */
int rt_read_fd_all(int fd, size_t max_size, char **out, size_t *len, rt_error_t *err);

/* Sets or clears FD_CLOEXEC. Returns 0 or < 0 with *err. */
/*
 * Parses `s` as a descriptor number named on a command line (`--x-fd=N`):
 * decimal, nothing else, between `min` and 65535. Returns true and sets *out.
 */
bool rt_parse_fd(const char *s, int min, int *out);

int rt_fd_set_cloexec(int fd, bool on, rt_error_t *err);

/* Sets or clears O_NONBLOCK. Returns 0 or < 0 with *err. */
int rt_fd_set_nonblock(int fd, bool on, rt_error_t *err);

/*
 * Closes every descriptor >= 3 that is not listed in `keep` (n entries, any
 * order, duplicates and values < 3 allowed). Uses close_range(2); allocates
 * nothing and is async-signal-safe. Returns 0 or -errno.
 */
int rt_close_fds_except(const int *keep, size_t n);

/* Like rt_close_fds_except, but marks the descriptors close-on-exec instead of closing them. */
int rt_cloexec_fds_except(const int *keep, size_t n);

/*
 * Creates `path` and any missing parents with `mode` (like mkdir -p). An
 * existing directory is success; an existing non-directory is ENOTDIR.
 * Returns 0 or < 0 with *err.
 */
int rt_mkdir_p(const char *path, mode_t mode, rt_error_t *err);

/*
 * Joins `rel` under `root` lexically, as if `root` were "/": "." is dropped,
 * ".." removes the previous component and never goes above `root` (so
 * "../../etc" and "/etc" both give "<root>/etc"), repeated slashes collapse.
 * Symlinks are not looked at: use rt_openat_beneath to open the result safely.
 * Returns a new string owned by the caller, or NULL with *err (ENAMETOOLONG
 * past PATH_MAX, EINVAL for an empty root).
 */
char *rt_path_join_beneath(const char *root, const char *rel, rt_error_t *err);

/*
 * openat2(2) of `path` relative to `dirfd` with `flags`, `mode` and `resolve`
 * (RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_SYMLINKS, RESOLVE_NO_MAGICLINKS,
 * RESOLVE_NO_XDEV, ...). O_CLOEXEC is always added. Retries on EAGAIN (a
 * concurrent rename). Errors say why: "open `p` beneath its root: path escapes
 * its root" (EXDEV), "...: path crosses a symbolic link" (ELOOP with
 * RESOLVE_NO_SYMLINKS), "openat2 is not supported" (ENOSYS).
 * Returns the new fd (owned by the caller) or < 0 with *err.
 */
int rt_openat_beneath(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve,
                      rt_error_t *err);

/*
 * Sends `len` bytes (at least 1 when nfds > 0) over the unix socket `sock`,
 * with `nfds` descriptors (at most RT_MAX_FDS_PER_MSG) attached as SCM_RIGHTS
 * to the first byte. Short sends are completed; EINTR retried; MSG_NOSIGNAL
 * is used so a closed peer is EPIPE, not SIGPIPE. The fds stay owned by the
 * caller. Returns 0 or < 0 with *err.
 */
int rt_send_fds(int sock, const void *data, size_t len, const int *fds, size_t nfds,
                rt_error_t *err);

/*
 * Like rt_send_fds for data gathered from `iovcnt` (at most 16) buffers; the
 * fds ride on the first byte. Returns 0 or < 0 with *err.
 */
int rt_sendv_fds(int sock, const struct iovec *iov, int iovcnt, const int *fds, size_t nfds,
                 rt_error_t *err);

/*
 * One recvmsg(2) of up to `cap` bytes from `sock` into `buf`; *len gets the
 * byte count (0 at EOF). Descriptors that came with the data are stored in
 * `fds` (close-on-exec, owned by the caller) and counted in *nfds. More than
 * `maxfds` descriptors, or a truncated control message (MSG_CTRUNC), is an
 * error: every descriptor that did arrive is closed and *nfds is 0.
 * Returns 0 or < 0 with *err.
 */
int rt_recv_fds(int sock, void *buf, size_t cap, size_t *len, int *fds, size_t maxfds, size_t *nfds,
                rt_error_t *err);

/* Closes fds[0..n) that are >= 0 and sets them to -1, preserving errno. */
void rt_close_fd_array(int *fds, size_t n);
